// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the saved parameter file (state directory) parser. */
#include <stdint.h>
#include <string.h>

#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_params *p = rb_params_new();

	if (!p)
		return 0;
	rb_params_set_str(p, "KEEP", "1", RB_ORIGIN_CONFIG);
	/* A failed parse must leave the store as it was. */
	if (rb_params_parse(p, (const char *)data, size) && rb_params_count(p) != 1)
		__builtin_trap();
	rb_params_free(p);
	return 0;
}
