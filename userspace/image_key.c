// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Image keys: Ed25519 (RFC 8032) through wolfSSL, key files in the PEM forms
 * OpenSSL writes (RFC 8410: PKCS#8 private keys, SubjectPublicKeyInfo public
 * keys), key ids, the trusted keyring and the header signature.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ed25519.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "atomicfile.h"
#include "image.h"

/* RFC 8410 section 7 and 10: the only DER encodings we read or write. */
static const uint8_t spki_prefix[] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
};
static const uint8_t pkcs8_prefix[] = {
	0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
	0x04, 0x22, 0x04, 0x20,
};

#define PEM_PUB		"PUBLIC KEY"
#define PEM_PRIV	"PRIVATE KEY"


static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64 (RFC 4648 section 4) ignoring line breaks and blanks. */
static int b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
	uint32_t acc = 0;
	size_t n = 0, pad = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		int v;

		if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -EBADMSG;	/* data after padding */
		v = b64_value(c);
		if (v < 0)
			return -EBADMSG;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -EBADMSG;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be zero padding, and '=' must complete a quantum. */
	if (bits >= 6 || (acc & ((1u << bits) - 1)) || pad != (size_t)bits / 2)
		return -EBADMSG;
	*outlen = n;
	return 0;
}

static int b64_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t rest = len - i;

		if (rest > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (rest > 2)
			v |= in[i + 2];
		if (o + 5 > cap)
			return -ENOSPC;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = rest > 1 ? tab[v >> 6 & 63] : '=';
		out[o++] = rest > 2 ? tab[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

/* Find the one "-----BEGIN label-----" ... "-----END label-----" block. */
static int pem_decode(const char *pem, size_t len, const char *label, uint8_t *der,
		      size_t cap, size_t *derlen)
{
	char begin[64], end[64];
	const char *b, *e, *body;
	size_t blen = (size_t)snprintf(begin, sizeof(begin), "-----BEGIN %s-----", label);
	size_t elen = (size_t)snprintf(end, sizeof(end), "-----END %s-----", label);

	b = memmem(pem, len, begin, blen);
	if (!b)
		return -EBADMSG;
	body = b + blen;
	e = memmem(body, len - (size_t)(body - pem), end, elen);
	if (!e)
		return -EBADMSG;
	/* Only blanks may surround the block: one key per file. */
	for (const char *p = pem; p < b; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			return -EBADMSG;
	for (const char *p = e + elen; p < pem + len; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			return -EBADMSG;
	return b64_decode(body, (size_t)(e - body), der, cap, derlen);
}

static int pem_key(const char *pem, size_t len, const char *label, const uint8_t *prefix,
		   size_t plen, uint8_t key[32])
{
	uint8_t der[128];
	size_t n;
	int err = pem_decode(pem, len, label, der, sizeof(der), &n);

	if (err)
		return err;
	if (n != plen + 32 || memcmp(der, prefix, plen))
		return -EBADMSG;	/* not an Ed25519 key in the RFC 8410 form */
	memcpy(key, der + plen, 32);
	return 0;
}

int rb_key_parse_pub_pem(const char *pem, size_t len, uint8_t pub[RB_KEY_PUB_LEN])
{
	return pem_key(pem, len, PEM_PUB, spki_prefix, sizeof(spki_prefix), pub);
}

int rb_key_parse_priv_pem(const char *pem, size_t len, uint8_t seed[RB_KEY_PRIV_LEN])
{
	return pem_key(pem, len, PEM_PRIV, pkcs8_prefix, sizeof(pkcs8_prefix), seed);
}

static int pem_format(const uint8_t *prefix, size_t plen, const uint8_t key[32],
		      const char *label, char *out, size_t cap)
{
	uint8_t der[64];
	char b64[128];
	int n;

	memcpy(der, prefix, plen);
	memcpy(der + plen, key, 32);
	n = b64_encode(der, plen + 32, b64, sizeof(b64));
	if (n < 0)
		return n;
	n = snprintf(out, cap, "-----BEGIN %s-----\n%s\n-----END %s-----\n", label, b64, label);
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	return n;
}

int rb_key_format_pub_pem(const uint8_t pub[RB_KEY_PUB_LEN], char *out, size_t cap)
{
	return pem_format(spki_prefix, sizeof(spki_prefix), pub, PEM_PUB, out, cap);
}

int rb_key_format_priv_pem(const uint8_t seed[RB_KEY_PRIV_LEN], char *out, size_t cap)
{
	return pem_format(pkcs8_prefix, sizeof(pkcs8_prefix), seed, PEM_PRIV, out, cap);
}

int rb_key_id(const uint8_t pub[RB_KEY_PUB_LEN], uint8_t id[RB_IMG_KEYID_LEN])
{
	uint8_t h[WC_SHA256_DIGEST_SIZE];

	if (wc_Sha256Hash(pub, RB_KEY_PUB_LEN, h))
		return -EIO;
	memcpy(id, h, RB_IMG_KEYID_LEN);
	return 0;
}

int rb_key_public_of(const uint8_t seed[RB_KEY_PRIV_LEN], uint8_t pub[RB_KEY_PUB_LEN])
{
	ed25519_key key;
	int err = -EIO;

	if (wc_ed25519_init(&key))
		return -EIO;
	if (!wc_ed25519_import_private_only(seed, RB_KEY_PRIV_LEN, &key) &&
	    !wc_ed25519_make_public(&key, pub, RB_KEY_PUB_LEN))
		err = 0;
	wc_ed25519_free(&key);
	return err;
}

int rb_key_generate(uint8_t seed[RB_KEY_PRIV_LEN], uint8_t pub[RB_KEY_PUB_LEN])
{
	WC_RNG rng;
	int err;

	/* wolfSSL's DRBG is seeded from getrandom()/dev/urandom. */
	if (wc_InitRng(&rng))
		return -EIO;
	err = wc_RNG_GenerateBlock(&rng, seed, RB_KEY_PRIV_LEN) ? -EIO : 0;
	wc_FreeRng(&rng);
	return err ? err : rb_key_public_of(seed, pub);
}

int rb_img_sign(uint8_t *raw, const uint8_t seed[RB_KEY_PRIV_LEN])
{
	uint8_t pub[RB_KEY_PUB_LEN];
	word32 siglen = RB_IMG_SIG_LEN;
	ed25519_key key;
	int err = -EIO;

	if (rb_key_public_of(seed, pub) || wc_ed25519_init(&key))
		return -EIO;
	if (!wc_ed25519_import_private_key(seed, RB_KEY_PRIV_LEN, pub, RB_KEY_PUB_LEN, &key) &&
	    !wc_ed25519_sign_msg(raw, RB_IMG_SIG_OFF, raw + RB_IMG_SIG_OFF, &siglen, &key) &&
	    siglen == RB_IMG_SIG_LEN)
		err = 0;
	wc_ed25519_free(&key);
	return err;
}

int rb_img_verify_sig(const uint8_t *raw, const uint8_t pub[RB_KEY_PUB_LEN])
{
	ed25519_key key;
	int res = 0, err = -EKEYREJECTED;

	if (wc_ed25519_init(&key))
		return -EIO;
	if (wc_ed25519_import_public(pub, RB_KEY_PUB_LEN, &key)) {
		err = -EBADMSG;
		goto out;
	}
	/* wolfSSL also refuses non-canonical S (RFC 8032 section 5.1.7). */
	if (!wc_ed25519_verify_msg(raw + RB_IMG_SIG_OFF, RB_IMG_SIG_LEN, raw, RB_IMG_SIG_OFF,
				   &res, &key) && res == 1)
		err = 0;
out:
	wc_ed25519_free(&key);
	return err;
}

int rb_keyring_add_file(struct rb_keyring *kr, const char *path, char *why, size_t whylen)
{
	struct rb_pubkey *k;
	char *pem;
	size_t len;
	int err;

	if (kr->n >= RB_KEYRING_MAX)
		return rb_img_fail(-E2BIG, why, whylen, "more than %d trusted keys", RB_KEYRING_MAX);
	err = rb_read_file(path, 4096, &pem, &len);
	if (err)
		return rb_img_fail(err, why, whylen, "cannot read key '%s': %s", path, strerror(-err));
	k = &kr->key[kr->n];
	err = rb_key_parse_pub_pem(pem, len, k->pub);
	free(pem);
	if (err)
		return rb_img_fail(err, why, whylen, "'%s' is not an Ed25519 public key in PEM form", path);
	if (rb_key_id(k->pub, k->id))
		return rb_img_fail(-EIO, why, whylen, "cannot hash key '%s'", path);
	snprintf(k->file, sizeof(k->file), "%s", path);
	kr->n++;
	return 0;
}

static int pub_filter(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 4 && !strcmp(e->d_name + n - 4, ".pub");
}

int rb_keyring_load_dir(struct rb_keyring *kr, const char *dir, char *why, size_t whylen)
{
	struct dirent **names;
	int n, err = 0;

	kr->n = 0;
	n = scandir(dir, &names, pub_filter, alphasort);
	if (n < 0)
		return rb_img_fail(-errno, why, whylen, "cannot read key directory '%s': %s", dir,
			    strerror(errno));
	for (int i = 0; i < n; i++) {
		char path[4096];

		if (!err) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) >=
			    sizeof(path))
				err = rb_img_fail(-ENAMETOOLONG, why, whylen, "key path too long");
			else
				err = rb_keyring_add_file(kr, path, why, whylen);
		}
		free(names[i]);
	}
	free(names);
	if (!err && !kr->n)
		err = rb_img_fail(-ENOKEY, why, whylen, "no *.pub key in '%s'", dir);
	return err;
}

const struct rb_pubkey *rb_keyring_find(const struct rb_keyring *kr,
					const uint8_t id[RB_IMG_KEYID_LEN])
{
	for (size_t i = 0; i < kr->n; i++)
		if (!memcmp(kr->key[i].id, id, RB_IMG_KEYID_LEN))
			return &kr->key[i];
	return NULL;
}

int rb_img_check(const uint8_t *raw, size_t len, const struct rb_keyring *kr,
		 struct rb_img_hdr *h, char *why, size_t whylen)
{
	const struct rb_pubkey *k;
	char idhex[2 * RB_IMG_KEYID_LEN + 1];
	int err = rb_img_parse(raw, len, h, why, whylen);

	if (err)
		return err;
	rb_hex(h->keyid, RB_IMG_KEYID_LEN, idhex);
	k = rb_keyring_find(kr, h->keyid);
	if (!k)
		return rb_img_fail(-ENOKEY, why, whylen, "image signed by unknown key %s", idhex);
	err = rb_img_verify_sig(raw, k->pub);
	if (err)
		return rb_img_fail(err, why, whylen, "bad header signature (key %s)", idhex);
	return 0;
}
