// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the LLDP frame parser (TLV framing, the mandatory TLVs,
 * LLDP-MED Capabilities and Network Policy) on hostile frames, the listening
 * window and the parameters it sets from them, and the handset's own frame
 * parsed back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lldp.h"
#include "lldp_listen.h"
#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rb_lldp l;
	uint8_t own[RB_LLDP_BUILD_MAX], mac[6] = { 0 };
	char s[64];
	int n;

	if (rb_lldp_parse(&l, data, size) == 0) {
		volatile uint8_t sink = 0;

		rb_lldp_chassis_str(&l, s, sizeof(s));
		for (size_t i = 0; i < l.chassis.len; i++)
			sink ^= l.chassis.id[i];
		for (size_t i = 0; i < l.port.len; i++)
			sink ^= l.port.id[i];
		(void)sink;
		for (int a = 0; a <= RB_LLDP_APP_MAX; a++)
			if (l.policy[a].vlan > 4095 || l.policy[a].priority > 7 ||
			    l.policy[a].dscp > 63)
				abort();	/* a field wider than its bits */
	}
	{
		static struct rb_lldp_listen ls;
		struct rb_params *p = rb_params_new();
		char d[256];

		rb_lldp_listen_start(&ls, RB_LLDP_AUTO, 3000, 1);
		rb_lldp_listen_input(&ls, data, size, 2);
		rb_lldp_listen_describe(&ls, d, sizeof(d));
		if (p && rb_lldp_params(&ls, p) < 0)
			abort();	/* only valid names and short decimal values */
		if (p && ls.have_voice && !rb_params_get(p, "L2QVLAN"))
			abort();
		rb_params_free(p);
	}
	memcpy(mac, data, size < 6 ? size : 6);
	n = rb_lldp_build(own, sizeof(own), mac, (uint16_t)size);
	if (n < 60 || rb_lldp_parse(&l, own, (size_t)n) || l.ttl != (uint16_t)size)
		abort();
	return 0;
}
