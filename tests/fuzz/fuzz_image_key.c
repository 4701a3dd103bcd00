// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the PEM key parsers (public and private Ed25519 keys,
 * RFC 8410 forms). A key that parses must format back to a PEM that parses
 * to the same key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t k[32], k2[32];
	char pem[256];
	int n;

	if (!rb_key_parse_pub_pem((const char *)data, size, k)) {
		n = rb_key_format_pub_pem(k, pem, sizeof(pem));
		if (n < 0 || rb_key_parse_pub_pem(pem, (size_t)n, k2) || memcmp(k, k2, 32))
			abort();
	}
	if (!rb_key_parse_priv_pem((const char *)data, size, k)) {
		n = rb_key_format_priv_pem(k, pem, sizeof(pem));
		if (n < 0 || rb_key_parse_priv_pem(pem, (size_t)n, k2) || memcmp(k, k2, 32))
			abort();
	}
	return 0;
}
