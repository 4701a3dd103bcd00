// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 throughput of the wolfSSL build ringboot links, in memory (no I/O):
 *   sha_speed MIB [ROUNDS]   prints the best MB/s over ROUNDS passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
	size_t len = mib << 20, chunk = 64 << 10;
	unsigned char *buf = malloc(len), out[32];
	double best = 0;

	if (!buf || !mib || rounds < 1)
		return 2;
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 2654435761u >> 13);
	for (int r = 0; r < rounds; r++) {
		struct timespec a, b;
		wc_Sha256 sha;
		double s;

		clock_gettime(CLOCK_MONOTONIC, &a);
		wc_InitSha256(&sha);
		/* The sink's pattern: many updates of transport-sized pieces. */
		for (size_t off = 0; off < len; off += chunk)
			wc_Sha256Update(&sha, buf + off, (word32)chunk);
		wc_Sha256Final(&sha, out);
		wc_Sha256Free(&sha);
		clock_gettime(CLOCK_MONOTONIC, &b);
		s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (len / s / 1e6 > best)
			best = len / s / 1e6;
	}
	printf("%.0f\n", best);
	free(buf);
	return 0;
}
