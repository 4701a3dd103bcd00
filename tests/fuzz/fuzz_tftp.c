// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the TFTP packet decoder and the OACK parser.
 * Input: byte 0 picks which options were asked (bit 0 blksize, 1 windowsize,
 * 2 timeout, 3 tsize) and bytes 1-2 the blksize asked; the rest is a packet
 * as received from the network.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tftp_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_tftp_req req = { 0 };
	struct rb_tftp_neg neg;
	struct rb_tftp_pkt p;
	char why[160];
	uint8_t *pkt;
	size_t len;

	if (size < 3)
		return 0;
	if (data[0] & 1)
		req.blksize = (unsigned int)(data[1] << 8 | data[2]);
	if (data[0] & 2)
		req.windowsize = 16;
	if (data[0] & 4)
		req.timeout = 3;
	req.tsize = data[0] & 8;
	/* A copy of exactly the packet's size, so ASan sees any overread. */
	len = size - 3;
	pkt = malloc(len ? len : 1);
	if (!pkt)
		return 0;
	memcpy(pkt, data + 3, len);
	if (rb_tftp_decode(pkt, len, &p) == 0) {
		if (p.op == RB_TFTP_OACK) {
			if (rb_tftp_parse_oack(p.data, p.len, &req, &neg, why, sizeof(why)) == 0) {
				/* Whatever was granted is within what was asked. */
				if (neg.blksize > RB_TFTP_BLKSIZE_MAX || neg.blksize < RB_TFTP_BLKSIZE_MIN ||
				    (req.blksize && neg.oack && neg.blksize > req.blksize &&
				     neg.blksize != RB_TFTP_BLKSIZE_DEFAULT) ||
				    neg.windowsize < 1 || neg.windowsize > 65535)
					abort();
			} else if (!memchr(why, 0, sizeof(why))) {
				abort();
			}
		} else if (p.op == RB_TFTP_ERROR) {
			/* The message is terminated inside the packet (or ""). */
			(void)strlen(p.err_msg);
		} else if (p.op == RB_TFTP_DATA) {
			if (p.len + RB_TFTP_HDR != len)
				abort();
		}
	}
	free(pkt);
	return 0;
}
