// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the DHCP message parser, the typed option accessors and
 * the lease decoding (options 43/176/242 to parameters) on hostile bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dhcp_lease.h"
#include "dhcp_pkt.h"
#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rb_dhcp_msg m;
	struct in_addr a[8];
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;
	size_t l;

	static struct rb_dhcp_lease lease;
	struct rb_params *p;

	if (rb_dhcp_parse(&m, data, size))
		return 0;
	rb_dhcp_lease_from_msg(&lease, &m, data, size);
	p = rb_params_new();
	if (p) {
		rb_dhcp_params(&m, p);
		rb_params_free(p);
	}
	for (int code = 0; code < 256; code++) {
		const uint8_t *p = rb_dhcp_opt(&m, (uint8_t)code, &l);
		volatile uint8_t sink = 0;

		/* Touch every byte so ASan sees any out-of-bounds value. */
		for (size_t i = 0; p && i < l; i++)
			sink ^= p[i];
		(void)sink;
		rb_dhcp_opt_u8(&m, (uint8_t)code, &u8);
		rb_dhcp_opt_u16(&m, (uint8_t)code, &u16);
		rb_dhcp_opt_u32(&m, (uint8_t)code, &u32);
		rb_dhcp_opt_addrs(&m, (uint8_t)code, a, 8);
	}
	return 0;
}
