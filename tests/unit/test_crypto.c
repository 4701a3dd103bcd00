// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The wolfSSL the agent links is the one its headers describe, and computes
 * right on this CPU. wolfSSL's options.h changes the layout of its
 * structures (USE_INTEL_SPEEDUP adds a field to wc_Sha512 and so to
 * ed25519_key, WOLFSSL_AESNI one to Aes): compiled against one build's
 * options.h and linked with another, the library writes past what the agent
 * allocated, and image signing fails. Then known answers of every algorithm
 * the agent uses, through the code paths the library picked for this CPU:
 * SHA-256 (FIPS 180-2 appendix B, short and bulk), Ed25519 (RFC 8032 section
 * 7.1 TEST 1), AES-128-GCM (McGrew-Viega test case 4) and ChaCha20-Poly1305
 * (RFC 8439 section 2.8.2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/chacha20_poly1305.h>
#include <wolfssl/wolfcrypt/ed25519.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/sha256.h>

static void unhex(const char *hex, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

#define CANARY 0xa5

/* wc_ed25519_init() and _free() clear the whole key as the library sizes it. */
static void key_layout_matches(void **state)
{
	struct {
		ed25519_key key;
		uint8_t canary[256];
	} s;

	memset(&s, CANARY, sizeof(s));
	assert_int_equal(wc_ed25519_init(&s.key), 0);
	wc_ed25519_free(&s.key);
	for (size_t i = 0; i < sizeof(s.canary); i++)
		if (s.canary[i] != CANARY)
			fail_msg("wolfSSL cleared %zu bytes past ed25519_key (%zu bytes here): its "
				 "wolfssl/options.h is not the one of the library linked", i + 1,
				 sizeof(s.key));
}

static void sha256_known(void **state)
{
	uint8_t want[32], got[32];
	size_t n = 1000000;
	uint8_t *a = malloc(n);
	wc_Sha256 sha;

	unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want, 32);
	assert_int_equal(wc_Sha256Hash((const uint8_t *)"abc", 3, got), 0);
	assert_memory_equal(got, want, 32);

	/* One million 'a', fed unevenly: the bulk transform and the buffered tail. */
	assert_non_null(a);
	memset(a, 'a', n);
	unhex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want, 32);
	assert_int_equal(wc_InitSha256(&sha), 0);
	assert_int_equal(wc_Sha256Update(&sha, a, 1), 0);
	assert_int_equal(wc_Sha256Update(&sha, a + 1, 65535), 0);
	assert_int_equal(wc_Sha256Update(&sha, a + 65536, (word32)(n - 65536)), 0);
	assert_int_equal(wc_Sha256Final(&sha, got), 0);
	wc_Sha256Free(&sha);
	assert_memory_equal(got, want, 32);
	free(a);
}

static void ed25519_known(void **state)
{
	uint8_t sk[32], pk[32], want[64], sig[64], pub[32];
	word32 siglen = sizeof(sig);
	ed25519_key key;
	int res = 0;

	unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", sk, 32);
	unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", pk, 32);
	unhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
	      "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", want, 64);
	assert_int_equal(wc_ed25519_init(&key), 0);
	assert_int_equal(wc_ed25519_import_private_only(sk, 32, &key), 0);
	assert_int_equal(wc_ed25519_make_public(&key, pub, 32), 0);
	assert_memory_equal(pub, pk, 32);
	wc_ed25519_free(&key);

	assert_int_equal(wc_ed25519_init(&key), 0);
	assert_int_equal(wc_ed25519_import_private_key(sk, 32, pk, 32, &key), 0);
	assert_int_equal(wc_ed25519_sign_msg((const uint8_t *)"", 0, sig, &siglen, &key), 0);
	assert_int_equal(siglen, 64);
	assert_memory_equal(sig, want, 64);
	assert_int_equal(wc_ed25519_verify_msg(sig, 64, (const uint8_t *)"", 0, &res, &key), 0);
	assert_int_equal(res, 1);
	sig[10] ^= 1;
	res = 1;
	wc_ed25519_verify_msg(sig, 64, (const uint8_t *)"", 0, &res, &key);
	assert_int_equal(res, 0);
	wc_ed25519_free(&key);
}

static void aes_gcm_known(void **state)
{
	uint8_t k[16], iv[12], aad[20], p[60], want[60], tag_want[16], c[60], tag[16], back[60];
	Aes aes;

	unhex("feffe9928665731c6d6a8f9467308308", k, 16);
	unhex("cafebabefacedbaddecaf888", iv, 12);
	unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, 20);
	unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
	      "49a6b525b16aedf5aa0de657ba637b39", p, 60);
	unhex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5a"
	      "ac84aa051ba30b396a0aac973d58e091", want, 60);
	unhex("5bc94fbc3221a5db94fae95ae7121a47", tag_want, 16);
	assert_int_equal(wc_AesInit(&aes, NULL, INVALID_DEVID), 0);
	assert_int_equal(wc_AesGcmSetKey(&aes, k, 16), 0);
	assert_int_equal(wc_AesGcmEncrypt(&aes, c, p, 60, iv, 12, tag, 16, aad, 20), 0);
	assert_memory_equal(c, want, 60);
	assert_memory_equal(tag, tag_want, 16);
	assert_int_equal(wc_AesGcmDecrypt(&aes, back, c, 60, iv, 12, tag, 16, aad, 20), 0);
	assert_memory_equal(back, p, 60);
	tag[0] ^= 1;
	assert_int_not_equal(wc_AesGcmDecrypt(&aes, back, c, 60, iv, 12, tag, 16, aad, 20), 0);
	wc_AesFree(&aes);
}

static void chacha20_poly1305_known(void **state)
{
	static const char text[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				   "only one tip for the future, sunscreen would be it.";
	uint8_t k[32], iv[12], aad[12], tag_want[16], c[sizeof(text)], tag[16], back[sizeof(text)];
	uint8_t c_head[16];
	word32 n = sizeof(text) - 1;

	unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", k, 32);
	unhex("070000004041424344454647", iv, 12);
	unhex("50515253c0c1c2c3c4c5c6c7", aad, 12);
	unhex("d31a8d34648e60db7b86afbc53ef7ec2", c_head, 16);
	unhex("1ae10b594f09e26a7e902ecbd0600691", tag_want, 16);
	assert_int_equal(n, 114);
	assert_int_equal(wc_ChaCha20Poly1305_Encrypt(k, iv, aad, 12, (const uint8_t *)text, n, c, tag), 0);
	assert_memory_equal(c, c_head, 16);
	assert_memory_equal(tag, tag_want, 16);
	assert_int_equal(wc_ChaCha20Poly1305_Decrypt(k, iv, aad, 12, c, n, tag, back), 0);
	assert_memory_equal(back, text, n);
	tag[15] ^= 1;
	assert_int_not_equal(wc_ChaCha20Poly1305_Decrypt(k, iv, aad, 12, c, n, tag, back), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_layout_matches),
		cmocka_unit_test(sha256_known),
		cmocka_unit_test(ed25519_known),
		cmocka_unit_test(aes_gcm_known),
		cmocka_unit_test(chacha20_poly1305_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
