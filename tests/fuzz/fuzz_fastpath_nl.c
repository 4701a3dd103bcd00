// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: what the kernel's Generic Netlink family sends back to
 * the fast path's client (userspace/fastpath_nl.c): the extended ACK of an
 * error and the counters of a GET reply. The first byte picks the reader;
 * the rest is one netlink message, copied so that its header is aligned as a
 * receive buffer's would be.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_fp_stats st;
	char text[160];
	void *msg;
	int ret;

	if (size < 1)
		return 0;
	msg = malloc(size - 1 ? size - 1 : 1);
	if (!msg)
		return 0;
	memcpy(msg, data + 1, size - 1);
	if (data[0] & 1) {
		ret = rb_fp_parse_stats(msg, size - 1, &st);
		if (ret != 0 && ret != -EBADMSG)
			__builtin_trap();
	} else {
		memset(text, 'x', sizeof(text));
		ret = rb_fp_parse_extack(msg, size - 1, text, sizeof(text));
		if (ret != 0 && ret != -EBADMSG && ret != -ENOENT)
			__builtin_trap();
		/* Whatever happened, the text is a terminated string in its buffer. */
		if (!memchr(text, '\0', sizeof(text)))
			__builtin_trap();
	}
	free(msg);
	return 0;
}
