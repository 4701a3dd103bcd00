// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: option 242/176 strings, stored and exported as DHCP would. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "sson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_params *p = rb_params_new();
	struct rb_sson s;
	FILE *null;

	if (!p)
		return 0;
	if (!rb_sson_parse((const char *)data, size, &s)) {
		for (size_t i = 0; i < s.count; i++)
			if (strlen(s.pairs[i].value) != s.pairs[i].value_len)
				__builtin_trap();	/* values never hold a NUL */
		rb_sson_apply(&s, p, size & 1 ? RB_ORIGIN_OPT242 : RB_ORIGIN_OPT176);
		rb_sson_free(&s);
	}
	null = fopen("/dev/null", "w");
	if (null) {
		rb_params_format_env(p, null);
		fclose(null);
	}
	rb_params_free(p);
	return 0;
}
