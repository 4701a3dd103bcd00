// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the image header (every field's refusal), keys in PEM form,
 * Ed25519 signatures through wolfSSL, and the model/hardware fit rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

/* RFC 8032 section 7.1, TEST 1: the secret key and its public key. */
static const char rfc_seed_hex[] =
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char rfc_pub_hex[] =
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

static uint8_t seed[32], pub[32];

static int setup(void **state)
{
	return rb_unhex(rfc_seed_hex, seed, 32) || rb_unhex(rfc_pub_hex, pub, 32);
}

/* A valid, signed header in raw[]. */
static void make_header(uint8_t *raw, struct rb_img_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->payload_len = 123456;
	memset(h->digest, 0xab, sizeof(h->digest));
	assert_int_equal(rb_key_id(pub, h->keyid), 0);
	snprintf(h->name, sizeof(h->name), "S96x1_SALBR6_6_4_0_V474.tar");
	snprintf(h->version, sizeof(h->version), "6.6.4.0");
	snprintf(h->models, sizeof(h->models), "9611G,9621G,96x1*");
	snprintf(h->hw, sizeof(h->hw), "1,2");
	assert_int_equal(rb_img_build(h, raw), 0);
	assert_int_equal(rb_img_sign(raw, seed), 0);
}

static void public_key_from_rfc8032_seed(void **state)
{
	uint8_t got[32];

	assert_int_equal(rb_key_public_of(seed, got), 0);
	assert_memory_equal(got, pub, 32);
}

static void header_round_trip(void **state)
{
	uint8_t raw[RB_IMG_HDR_LEN];
	struct rb_img_hdr h, p;
	char why[256];

	make_header(raw, &h);
	assert_memory_equal(raw, RB_IMG_MAGIC, 8);
	assert_int_equal(raw[RB_IMG_OFF_HDRLEN], 0x00);
	assert_int_equal(raw[RB_IMG_OFF_HDRLEN + 1], 0x10);	/* 4096 little-endian */
	assert_int_equal(raw[RB_IMG_OFF_PAYLOAD_LEN], 123456 & 0xff);
	assert_int_equal(rb_img_parse(raw, sizeof(raw), &p, why, sizeof(why)), 0);
	assert_string_equal(p.name, h.name);
	assert_string_equal(p.version, h.version);
	assert_string_equal(p.models, h.models);
	assert_string_equal(p.hw, h.hw);
	assert_int_equal(p.payload_len, 123456);
	assert_int_equal(p.payload_off, 4096);
	assert_memory_equal(p.digest, h.digest, 32);
	assert_int_equal(rb_img_verify_sig(raw, pub), 0);
}

static void check_refused(uint8_t *raw, size_t len, int want, const char *word)
{
	struct rb_img_hdr h;
	char why[256] = "";
	int err = rb_img_parse(raw, len, &h, why, sizeof(why));

	if (err != want || !strstr(why, word))
		print_error("got %d '%s', want %d containing '%s'\n", err, why, want, word);
	assert_int_equal(err, want);
	assert_non_null(strstr(why, word));
}

static void every_field_is_checked(void **state)
{
	uint8_t good[RB_IMG_HDR_LEN], raw[RB_IMG_HDR_LEN];
	struct rb_img_hdr h;

	make_header(good, &h);
	check_refused(good, 100, -ENODATA, "truncated");
#define MUT(stmt, err, word) do { memcpy(raw, good, sizeof(raw)); stmt; \
		check_refused(raw, sizeof(raw), err, word); } while (0)
	MUT(raw[0] = 'X', -EBADMSG, "magic");
	MUT(raw[RB_IMG_OFF_FORMAT] = 2, -EPROTO, "version 2");
	MUT(raw[RB_IMG_OFF_HDRLEN] = 1, -EBADMSG, "header length");
	MUT(raw[RB_IMG_OFF_FLAGS + 3] = 0x80, -EBADMSG, "flags");
	MUT(raw[RB_IMG_OFF_PAYLOAD_OFF] = 1, -EOVERFLOW, "offset");
	MUT(memset(raw + RB_IMG_OFF_PAYLOAD_LEN, 0xff, 8), -EOVERFLOW, "payload length");
	MUT(memset(raw + RB_IMG_OFF_PAYLOAD_LEN, 0, 8), -EOVERFLOW, "payload length");
	MUT(raw[RB_IMG_OFF_RESERVED1 + 7] = 1, -EBADMSG, "reserved");
	MUT(raw[RB_IMG_OFF_SIG - 1] = 1, -EBADMSG, "reserved");
	MUT(memset(raw + RB_IMG_OFF_NAME, 'A', RB_IMG_NAME_LEN), -EBADMSG, "not NUL-terminated");
	MUT(raw[RB_IMG_OFF_NAME + 100] = 'A', -EBADMSG, "after its end");
	MUT(raw[RB_IMG_OFF_NAME] = 0, -EBADMSG, "image name");
	MUT(raw[RB_IMG_OFF_NAME + 2] = ' ', -EBADMSG, "printable");
	MUT(raw[RB_IMG_OFF_NAME + 2] = 0xc3, -EBADMSG, "printable");
	MUT(raw[RB_IMG_OFF_VERSION] = 0, -EBADMSG, "version");
	MUT(raw[RB_IMG_OFF_MODELS] = ',', -EBADMSG, "empty entry");
	MUT(raw[RB_IMG_OFF_MODELS] = 0, -EBADMSG, "models");
	MUT(raw[RB_IMG_OFF_HW + 1] = 0x7f, -EBADMSG, "printable");
#undef MUT
}

static void signature_covers_every_signed_byte(void **state)
{
	uint8_t raw[RB_IMG_HDR_LEN];
	struct rb_img_hdr h;
	uint8_t other_pub[32], other_seed[32];

	make_header(raw, &h);
	for (size_t off = 0; off < RB_IMG_HDR_LEN; off += 61) {
		raw[off] ^= 0x01;
		assert_int_equal(rb_img_verify_sig(raw, pub), -EKEYREJECTED);
		raw[off] ^= 0x01;
	}
	assert_int_equal(rb_img_verify_sig(raw, pub), 0);
	assert_int_equal(rb_key_generate(other_seed, other_pub), 0);
	assert_int_equal(rb_img_verify_sig(raw, other_pub), -EKEYREJECTED);
}

static void keyring_finds_by_id_and_check_refuses(void **state)
{
	uint8_t raw[RB_IMG_HDR_LEN];
	struct rb_keyring *kr = calloc(1, sizeof(*kr));
	struct rb_img_hdr h, p;
	char why[256];
	uint8_t other_seed[32];

	make_header(raw, &h);
	assert_int_equal(rb_key_generate(other_seed, kr->key[0].pub), 0);
	assert_int_equal(rb_key_id(kr->key[0].pub, kr->key[0].id), 0);
	kr->n = 1;
	assert_int_equal(rb_img_check(raw, sizeof(raw), kr, &p, why, sizeof(why)), -ENOKEY);
	assert_non_null(strstr(why, "unknown key"));
	memcpy(kr->key[1].pub, pub, 32);
	rb_key_id(pub, kr->key[1].id);
	kr->n = 2;	/* key rotation: the second trusted key signs */
	assert_int_equal(rb_img_check(raw, sizeof(raw), kr, &p, why, sizeof(why)), 0);
	raw[RB_IMG_OFF_SIG + 5] ^= 0x40;
	assert_int_equal(rb_img_check(raw, sizeof(raw), kr, &p, why, sizeof(why)), -EKEYREJECTED);
	assert_non_null(strstr(why, "bad header signature"));
	free(kr);
}

static void pem_round_trip_and_openssl_forms(void **state)
{
	/* Written by `openssl genpkey -algorithm ed25519` / `openssl pkey -pubout`. */
	static const char ossl_priv[] =
		"-----BEGIN PRIVATE KEY-----\n"
		"MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
		"-----END PRIVATE KEY-----\n";
	static const char ossl_pub[] =
		"-----BEGIN PUBLIC KEY-----\n"
		"MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
		"-----END PUBLIC KEY-----\n";
	uint8_t k[32];
	char pem[256];

	assert_int_equal(rb_key_parse_priv_pem(ossl_priv, strlen(ossl_priv), k), 0);
	assert_memory_equal(k, seed, 32);
	assert_int_equal(rb_key_parse_pub_pem(ossl_pub, strlen(ossl_pub), k), 0);
	assert_memory_equal(k, pub, 32);
	assert_true(rb_key_format_pub_pem(pub, pem, sizeof(pem)) > 0);
	assert_string_equal(pem, ossl_pub);
	assert_true(rb_key_format_priv_pem(seed, pem, sizeof(pem)) > 0);
	assert_string_equal(pem, ossl_priv);
	/* A public key is not a private key, and the reverse. */
	assert_int_equal(rb_key_parse_pub_pem(ossl_priv, strlen(ossl_priv), k), -EBADMSG);
	assert_int_equal(rb_key_parse_priv_pem(ossl_pub, strlen(ossl_pub), k), -EBADMSG);
}

static void pem_refuses_damage(void **state)
{
	static const char *bad[] = {
		"",
		"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n",
		"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUR==\n"
		"-----END PUBLIC KEY-----\n",
		"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo\n"
		"-----END PUBLIC KEY-----\n",
		"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=A\n"
		"-----END PUBLIC KEY-----\n",
		/* an RSA-style OID prefix */
		"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VxAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
		"-----END PUBLIC KEY-----\n",
		"junk\n-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
		"-----END PUBLIC KEY-----\n",
	};
	uint8_t k[32];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(rb_key_parse_pub_pem(bad[i], strlen(bad[i]), k), -EBADMSG);
}

static void model_and_hw_fit(void **state)
{
	const char *names[] = { "9611G", "9611" };
	const char *j179[] = { "J179" };
	const char *none[] = { "" };

	assert_true(rb_img_list_fits("9608,9611G", names, 2));
	assert_true(rb_img_list_fits("9611g", names, 1));	/* case-insensitive */
	assert_true(rb_img_list_fits("96*", names, 2));
	assert_true(rb_img_list_fits("*", j179, 1));
	assert_false(rb_img_list_fits("9608,9621G", names, 2));
	assert_false(rb_img_list_fits("9611GX", names, 1));
	assert_false(rb_img_list_fits("961", names, 2));
	assert_false(rb_img_list_fits("J1*", names, 2));
	assert_false(rb_img_list_fits("9611", none, 1));
	assert_true(rb_img_list_fits("", j179, 1));		/* empty list: any */
}

/* The version order of docs/image-format.md#versions, in both directions. */
static void version_order(void **state)
{
	static const struct {
		const char *a, *b;
		enum rb_img_order want;	/* how a compares with b */
	} cases[] = {
		{ "1.0", "2.0", RB_IMG_OLDER },
		{ "2.0", "1.0", RB_IMG_NEWER },
		{ "1.10", "1.9", RB_IMG_NEWER },		/* numbers, not text */
		{ "4.1.3.0.6", "4.1.3.0.10", RB_IMG_OLDER },
		{ "6.6.4.1", "6.6.4", RB_IMG_NEWER },		/* a missing segment is 0 */
		{ "1.0", "1", RB_IMG_SAME },
		{ "1.0.0", "1", RB_IMG_SAME },
		{ "1.02", "1.2", RB_IMG_SAME },		/* leading zeros do not count */
		{ "007", "7", RB_IMG_SAME },
		{ "0", "0.0.0", RB_IMG_SAME },
		{ "10", "9.99", RB_IMG_NEWER },
		/* longer than any integer type: still compared as numbers */
		{ "123456789012345678901234567890.1", "123456789012345678901234567891", RB_IMG_OLDER },
		{ "000000000000000000000000000000000001", "1", RB_IMG_SAME },
		/* anything else is ordered only against itself */
		{ "2.1-rc1", "2.1-rc1", RB_IMG_SAME },
		{ "2.1-rc1", "2.0", RB_IMG_UNORDERED },
		{ "2.0", "2.1-rc1", RB_IMG_UNORDERED },
		{ "V474", "V480", RB_IMG_UNORDERED },
		{ "-", "1.0", RB_IMG_UNORDERED },
		{ "1..2", "1.2", RB_IMG_UNORDERED },
		{ ".1", "0.1", RB_IMG_UNORDERED },
		{ "1.", "1", RB_IMG_UNORDERED },
		{ "", "1", RB_IMG_UNORDERED },
		{ "+1", "1", RB_IMG_UNORDERED },
		{ "1e3", "1000", RB_IMG_UNORDERED },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum rb_img_order back = cases[i].want == RB_IMG_OLDER ? RB_IMG_NEWER :
					 cases[i].want == RB_IMG_NEWER ? RB_IMG_OLDER : cases[i].want;

		if (rb_img_version_order(cases[i].a, cases[i].b) != cases[i].want ||
		    rb_img_version_order(cases[i].b, cases[i].a) != back)
			fail_msg("'%s' vs '%s'", cases[i].a, cases[i].b);
	}
	assert_true(rb_img_version_numeric("4.1.3.0.6"));
	assert_true(rb_img_version_numeric("0"));
	assert_false(rb_img_version_numeric("4.1.3.0.6a"));
	assert_false(rb_img_version_numeric(""));
}

/* SET APPNAME firmware/FW_S_J169_R4_1_3_0_6.bin answers to the image FW_S_J169_R4_1_3_0_6.bin. */
static void name_for_appname(void **state)
{
	(void)state;
	assert_string_equal(rb_img_name_for("firmware/FW_S_J169_R4_1_3_0_6.bin"),
			    "FW_S_J169_R4_1_3_0_6.bin");
	assert_string_equal(rb_img_name_for("a/b/c.bin"), "c.bin");
	assert_string_equal(rb_img_name_for("SIP96xx_2_6_17_0.bin"), "SIP96xx_2_6_17_0.bin");
	assert_string_equal(rb_img_name_for(""), "");
}

static void hex_helpers(void **state)
{
	uint8_t b[4];
	char out[9];

	assert_int_equal(rb_unhex("00fFa5", b, 3), 0);
	rb_hex(b, 3, out);
	assert_string_equal(out, "00ffa5");
	assert_int_equal(rb_unhex("00fFa", b, 3), -EINVAL);
	assert_int_equal(rb_unhex("00fFa5x", b, 3), -EINVAL);
	assert_int_equal(rb_unhex("0g", b, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(public_key_from_rfc8032_seed),
		cmocka_unit_test(header_round_trip),
		cmocka_unit_test(every_field_is_checked),
		cmocka_unit_test(signature_covers_every_signed_byte),
		cmocka_unit_test(keyring_finds_by_id_and_check_refuses),
		cmocka_unit_test(pem_round_trip_and_openssl_forms),
		cmocka_unit_test(pem_refuses_damage),
		cmocka_unit_test(model_and_hw_fit),
		cmocka_unit_test(version_order),
		cmocka_unit_test(name_for_appname),
		cmocka_unit_test(hex_helpers),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
