/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ringboot image container (docs/image-format.md): a 4096-byte header,
 * signed with Ed25519, followed by the payload at offset 4096.
 *
 * image_format.c parses and builds the header (no crypto, fuzzed);
 * image_key.c holds keys, key ids, signing and signature checks;
 * image_sink.c is the streaming writer into an A/B slot (a sink.h sink).
 */
#ifndef RINGBOOT_IMAGE_H
#define RINGBOOT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RB_IMG_MAGIC		"RBIMG\r\n\x1a"	/* PNG-style: text-mode mangling breaks it */
#define RB_IMG_MAGIC_LEN	8
#define RB_IMG_FORMAT		1
#define RB_IMG_HDR_LEN		4096u
#define RB_IMG_SIG_OFF		4032u		/* signature covers bytes [0, 4032) */
#define RB_IMG_SIG_LEN		64u
#define RB_IMG_DIGEST_LEN	32u
#define RB_IMG_KEYID_LEN	8u
/* Largest payload accepted by the format: 1 TiB, far beyond any handset slot. */
#define RB_IMG_MAX_PAYLOAD	(1ull << 40)

/* Byte offsets of the header fields (all integers little-endian). */
enum rb_img_off {
	RB_IMG_OFF_MAGIC = 0x000,	/* 8  */
	RB_IMG_OFF_FORMAT = 0x008,	/* 2  */
	RB_IMG_OFF_HDRLEN = 0x00a,	/* 2  */
	RB_IMG_OFF_FLAGS = 0x00c,	/* 4  */
	RB_IMG_OFF_PAYLOAD_OFF = 0x010,	/* 8  */
	RB_IMG_OFF_PAYLOAD_LEN = 0x018,	/* 8  */
	RB_IMG_OFF_DIGEST = 0x020,	/* 32 */
	RB_IMG_OFF_KEYID = 0x040,	/* 8  */
	RB_IMG_OFF_RESERVED1 = 0x048,	/* 8  */
	RB_IMG_OFF_NAME = 0x050,	/* 128 */
	RB_IMG_OFF_VERSION = 0x0d0,	/* 64 */
	RB_IMG_OFF_MODELS = 0x110,	/* 256 */
	RB_IMG_OFF_HW = 0x210,		/* 128 */
	RB_IMG_OFF_RESERVED2 = 0x290,	/* up to the signature */
	RB_IMG_OFF_SIG = RB_IMG_SIG_OFF,
};

#define RB_IMG_NAME_LEN		128
#define RB_IMG_VERSION_LEN	64
#define RB_IMG_MODELS_LEN	256
#define RB_IMG_HW_LEN		128

/* A parsed header; strings are NUL-terminated copies of the fields. */
struct rb_img_hdr {
	uint16_t format;
	uint64_t payload_off;
	uint64_t payload_len;
	uint8_t digest[RB_IMG_DIGEST_LEN];
	uint8_t keyid[RB_IMG_KEYID_LEN];
	char name[RB_IMG_NAME_LEN];
	char version[RB_IMG_VERSION_LEN];
	char models[RB_IMG_MODELS_LEN];
	char hw[RB_IMG_HW_LEN];
	uint8_t sig[RB_IMG_SIG_LEN];
};

/*
 * Parse raw[0..len) as a header. len below RB_IMG_HDR_LEN is refused
 * (-ENODATA: truncated). Every field is checked; on failure a message naming
 * the field goes to why (may be NULL). Returns 0, -EBADMSG (malformed),
 * -EPROTO (unknown format version), -EOVERFLOW (lengths out of range) or
 * -ENODATA. The signature is NOT checked here (image_key.c does that).
 */
int rb_img_parse(const uint8_t *raw, size_t len, struct rb_img_hdr *h,
		 char *why, size_t whylen);

/* Serialize h into raw[RB_IMG_HDR_LEN] (signature bytes copied from h->sig). */
int rb_img_build(const struct rb_img_hdr *h, uint8_t *raw);

/* Field syntax, shared by pack and parse: printable ASCII, no blank. */
bool rb_img_field_ok(const char *s, bool allow_comma);

/*
 * The image name an APPNAME answers to: its file name, what follows the last
 * '/' ("firmware/FW_S_J169_R4_1_3_0_6.bin" -> "FW_S_J169_R4_1_3_0_6.bin"; a
 * name without a directory is itself). Scripts publish `SET APPNAME dir/file`:
 * the directory says where the file lies on the server, the file name is what
 * the signer put in the header (docs/boot.md "APPNAME with a directory").
 */
const char *rb_img_name_for(const char *appname);

/*
 * Does the comma-separated pattern list fit one of the handset's names?
 * A pattern matches case-insensitively; a trailing '*' matches any suffix.
 * An empty list fits every handset.
 */
bool rb_img_list_fits(const char *list, const char *const *names, size_t n);

/*
 * The order of image versions (docs/image-format.md#versions). A numeric
 * version is dotted decimal numbers ("4.1.3.0.6"): compared segment by
 * segment as numbers, leading zeros and missing segments count as 0 (so
 * "1.02" = "1.2" and "1.0" = "1"). Any other version ("2.1-rc1", "-") is
 * ordered only against the very same string.
 */
enum rb_img_order {
	RB_IMG_OLDER = -1,
	RB_IMG_SAME = 0,
	RB_IMG_NEWER = 1,
	RB_IMG_UNORDERED = 2,
};

bool rb_img_version_numeric(const char *v);
/* How version a compares with version b. */
enum rb_img_order rb_img_version_order(const char *a, const char *b);

/* --- keys (image_key.c) --- */

#define RB_KEY_PUB_LEN	32
#define RB_KEY_PRIV_LEN	32
#define RB_KEYRING_MAX	64

struct rb_pubkey {
	uint8_t pub[RB_KEY_PUB_LEN];
	uint8_t id[RB_IMG_KEYID_LEN];
	char file[256];		/* where it came from, for messages */
};

struct rb_keyring {
	size_t n;
	struct rb_pubkey key[RB_KEYRING_MAX];
};

/* Key id: the first 8 bytes of SHA-256 of the raw 32-byte public key. */
int rb_key_id(const uint8_t pub[RB_KEY_PUB_LEN], uint8_t id[RB_IMG_KEYID_LEN]);

/*
 * PEM key files, interoperable with OpenSSL: PKCS#8 "PRIVATE KEY" and
 * SubjectPublicKeyInfo "PUBLIC KEY" for Ed25519 (RFC 8410).
 * Parsing is strict and refuses anything else (-EBADMSG).
 */
int rb_key_parse_pub_pem(const char *pem, size_t len, uint8_t pub[RB_KEY_PUB_LEN]);
int rb_key_parse_priv_pem(const char *pem, size_t len, uint8_t seed[RB_KEY_PRIV_LEN]);
int rb_key_format_pub_pem(const uint8_t pub[RB_KEY_PUB_LEN], char *out, size_t cap);
int rb_key_format_priv_pem(const uint8_t seed[RB_KEY_PRIV_LEN], char *out, size_t cap);

/* Generate a key pair: seed (private) and public key. */
int rb_key_generate(uint8_t seed[RB_KEY_PRIV_LEN], uint8_t pub[RB_KEY_PUB_LEN]);
int rb_key_public_of(const uint8_t seed[RB_KEY_PRIV_LEN], uint8_t pub[RB_KEY_PUB_LEN]);

/* Load every *.pub in dir (sorted by name). An unreadable or malformed
 * file is reported and refused (-EBADMSG): a typo must not pass silently. */
int rb_keyring_load_dir(struct rb_keyring *kr, const char *dir, char *why, size_t whylen);
int rb_keyring_add_file(struct rb_keyring *kr, const char *path, char *why, size_t whylen);
const struct rb_pubkey *rb_keyring_find(const struct rb_keyring *kr,
					const uint8_t id[RB_IMG_KEYID_LEN]);

/* Sign raw[0..RB_IMG_SIG_OFF) into raw[RB_IMG_SIG_OFF..+64). */
int rb_img_sign(uint8_t *raw, const uint8_t seed[RB_KEY_PRIV_LEN]);
/* Returns 0 when the signature in raw is valid for pub, -EKEYREJECTED if not. */
int rb_img_verify_sig(const uint8_t *raw, const uint8_t pub[RB_KEY_PUB_LEN]);

/*
 * Full header check with a keyring: parse, known key, valid signature.
 * Returns 0, a parse error, -ENOKEY (unknown key id) or -EKEYREJECTED.
 */
int rb_img_check(const uint8_t *raw, size_t len, const struct rb_keyring *kr,
		 struct rb_img_hdr *h, char *why, size_t whylen);

/* Format a refusal into why (when given) and return err: the image and slot
 * code's way of saying why it said no. */
__attribute__((format(printf, 4, 5)))
int rb_img_fail(int err, char *why, size_t whylen, const char *fmt, ...);

/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void rb_hex(const uint8_t *in, size_t len, char *out);
/* Parse exactly 2*len hex digits. Returns 0 or -EINVAL. */
int rb_unhex(const char *in, uint8_t *out, size_t len);

#endif
