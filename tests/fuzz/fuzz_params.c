// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the saved parameter file (state directory) parser, and
 * the env file written from what it loaded: whatever the names ([A-Z0-9_.-])
 * and values, every record of params.env is a comment line or
 * RB_[A-Z0-9_]+='...' with ' written as '\'' (docs/state.md), so sourcing it
 * only ever assigns variables.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

static void check_iteration(const struct rb_params *p)
{
	struct rb_param_view v;
	size_t i;

	for (i = 0; rb_params_at(p, i, &v); i++)
		if (!v.value || rb_params_get(p, v.name) != v.value)
			__builtin_trap();
	if (i != rb_params_count(p))
		__builtin_trap();
}

static bool shell_name_byte(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The env file's grammar: comment lines, and RB_NAME='v' with v free of a bare '. */
static void check_env(const struct rb_params *p)
{
	char *buf = NULL;
	size_t len = 0, i = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	if (rb_params_format_env(p, f)) {
		fclose(f);
		free(buf);
		return;		/* out of memory: nothing to check */
	}
	fclose(f);
	while (i < len) {
		if (buf[i] == '#') {
			const char *nl = memchr(buf + i, '\n', len - i);

			if (!nl)
				__builtin_trap();
			i = (size_t)(nl - buf) + 1;
			continue;
		}
		if (len - i < 5 || memcmp(buf + i, "RB_", 3))
			__builtin_trap();
		i += 3;
		if (!shell_name_byte(buf[i]))
			__builtin_trap();
		while (i < len && shell_name_byte(buf[i]))
			i++;
		if (i + 1 >= len || buf[i] != '=' || buf[i + 1] != '\'')
			__builtin_trap();
		for (i += 2;; ) {
			if (i >= len)
				__builtin_trap();
			if (buf[i] != '\'') {
				i++;
			} else if (len - i >= 4 && !memcmp(buf + i, "'\\''", 4)) {
				i += 4;
			} else {
				break;	/* the closing quote */
			}
		}
		if (i + 1 >= len || buf[i + 1] != '\n')
			__builtin_trap();
		i += 2;
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_params *p = rb_params_new();

	if (!p)
		return 0;
	rb_params_set_str(p, "KEEP", "1", RB_ORIGIN_CONFIG);
	/* A failed parse must leave the store as it was. */
	if (rb_params_parse(p, (const char *)data, size)) {
		if (rb_params_count(p) != 1)
			__builtin_trap();
	} else {
		check_env(p);
		/* Clear the layers the next lease or settings would replace: every
		 * name left is still visited, and nothing past the end. */
		rb_params_clear_kind(p, (enum rb_origin_kind)(size ? data[0] % RB_ORIGIN__COUNT : 0));
		rb_params_clear_kind(p, RB_ORIGIN_OPT242);
		check_iteration(p);
	}
	rb_params_free(p);
	return 0;
}
