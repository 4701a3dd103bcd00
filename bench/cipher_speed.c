// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bulk AEAD speed of the wolfSSL the agent links (make bench-tools): the two
 * TLS 1.3 record ciphers ringboot can prefer, on 16 KiB records (the TLS
 * maximum). Prints MB/s per cipher. Built by `make bench-tools`, run by
 * bench/http-ciphers.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/chacha20_poly1305.h>

enum { RECORD = 16384, TOTAL = 256 * 1024 * 1024 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	static unsigned char in[RECORD], out[RECORD];
	unsigned char key[32] = { 1 }, iv[12] = { 2 }, tag[16], aad[13] = { 3 };
	Aes aes;
	double t;

	t = now();
	for (size_t done = 0; done < TOTAL; done += RECORD)
		if (wc_ChaCha20Poly1305_Encrypt(key, iv, aad, sizeof(aad), in, RECORD, out, tag))
			return 1;
	printf("wolfssl chacha20-poly1305 %.1f MB/s\n", TOTAL / (now() - t) / 1e6);

	if (wc_AesInit(&aes, NULL, INVALID_DEVID) || wc_AesGcmSetKey(&aes, key, 16))
		return 1;
	t = now();
	for (size_t done = 0; done < TOTAL; done += RECORD)
		if (wc_AesGcmEncrypt(&aes, out, in, RECORD, iv, sizeof(iv), tag, sizeof(tag), aad,
				     sizeof(aad)))
			return 1;
	printf("wolfssl aes-128-gcm %.1f MB/s\n", TOTAL / (now() - t) / 1e6);
	wc_AesFree(&aes);
	return 0;
}
