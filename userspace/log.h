/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Diagnostics on stderr: errors always, info with -v, debug with -vv. */
#ifndef RINGBOOT_LOG_H
#define RINGBOOT_LOG_H

void rb_log_set_verbose(int level);
int rb_log_verbose(void);

__attribute__((format(printf, 1, 2))) void rb_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void rb_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void rb_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void rb_debug(const char *fmt, ...);

#endif
