// SPDX-License-Identifier: GPL-2.0-or-later
/* Diagnostics on stderr, prefixed with the program name and the level. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static int verbose_level;

void rb_log_set_verbose(int level)
{
	verbose_level = level;
}

int rb_log_verbose(void)
{
	return verbose_level;
}

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	fputs("ringboot: ", stderr);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define DEFINE_LOG(fn, prefix, min_level)                                      \
	void fn(const char *fmt, ...)                                          \
	{                                                                      \
		va_list ap;                                                    \
		if (verbose_level < (min_level))                               \
			return;                                                \
		va_start(ap, fmt);                                             \
		vlog(prefix, fmt, ap);                                         \
		va_end(ap);                                                    \
	}

DEFINE_LOG(rb_err, "error: ", 0)
DEFINE_LOG(rb_warn, "warning: ", 0)
DEFINE_LOG(rb_info, "", 1)
DEFINE_LOG(rb_debug, "debug: ", 2)
