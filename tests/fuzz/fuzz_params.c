// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the saved parameter file (state directory) parser. */
#include <stdint.h>
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
		/* Clear the layers the next lease or settings would replace: every
		 * name left is still visited, and nothing past the end. */
		rb_params_clear_kind(p, (enum rb_origin_kind)(size ? data[0] % RB_ORIGIN__COUNT : 0));
		rb_params_clear_kind(p, RB_ORIGIN_OPT242);
		check_iteration(p);
	}
	rb_params_free(p);
	return 0;
}
