// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the slot state record parser. A record that parses must
 * format and parse back to the same record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct rb_slots_rec *a, const struct rb_slots_rec *b)
{
	if (a->generation != b->generation || a->active != b->active ||
	    a->pending != b->pending || a->tries != b->tries || a->hook != b->hook ||
	    strcmp(a->hook_boot, b->hook_boot) || strcmp(a->floor, b->floor))
		return 0;
	for (int i = 0; i < 2; i++) {
		const struct rb_slot_info *x = &a->slot[i], *y = &b->slot[i];

		if (x->state != y->state || strcmp(x->name, y->name))
			return 0;
		if (x->name[0] && (x->size != y->size || x->insecure != y->insecure ||
				   memcmp(x->digest, y->digest, sizeof(x->digest))))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[RB_SLOTS_RECORD_MAX];
	struct rb_slots_rec rec, again;
	char why[256];
	int n;

	if (rb_slots_rec_parse((const char *)data, size, &rec, why, sizeof(why)))
		return 0;
	n = rb_slots_rec_format(&rec, buf, sizeof(buf));
	if (n < 0 || rb_slots_rec_parse(buf, (size_t)n, &again, why, sizeof(why)) ||
	    !same(&rec, &again))
		abort();
	return 0;
}
