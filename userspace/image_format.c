// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image header, byte by byte (docs/image-format.md). Pure parsing and
 * building: no I/O, no crypto, so the fuzzer can drive it directly.
 * Every byte of the signed area has exactly one valid meaning (strings are
 * NUL-padded, reserved bytes are zero), so a header has one encoding.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "image.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

int rb_img_fail(int err, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

bool rb_img_field_ok(const char *s, bool allow_comma)
{
	for (; *s; s++) {
		if (*s <= 0x20 || *s >= 0x7f)
			return false;
		if (*s == ',' && !allow_comma)
			return false;
	}
	return true;
}

bool rb_img_version_numeric(const char *v)
{
	bool digit = false;	/* the current segment has a digit */

	for (; *v; v++) {
		if (*v >= '0' && *v <= '9')
			digit = true;
		else if (*v == '.' && digit)
			digit = false;
		else
			return false;
	}
	return digit;	/* no empty version, no trailing dot */
}

/* The next segment of a numeric version, without leading zeros; "" past the end. */
static const char *segment(const char **v, size_t *len)
{
	const char *s = *v, *e = s + strcspn(s, ".");

	*v = *e ? e + 1 : e;
	while (s < e && *s == '0')
		s++;
	*len = (size_t)(e - s);
	return s;
}

enum rb_img_order rb_img_version_order(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return RB_IMG_SAME;
	if (!rb_img_version_numeric(a) || !rb_img_version_numeric(b))
		return RB_IMG_UNORDERED;
	while (*a || *b) {
		size_t la, lb;
		const char *sa = segment(&a, &la), *sb = segment(&b, &lb);
		int c;

		/* Without leading zeros the longer number is the larger: no overflow. */
		if (la != lb)
			return la < lb ? RB_IMG_OLDER : RB_IMG_NEWER;
		c = memcmp(sa, sb, la);
		if (c)
			return c < 0 ? RB_IMG_OLDER : RB_IMG_NEWER;
	}
	return RB_IMG_SAME;
}

const char *rb_img_name_for(const char *appname)
{
	const char *slash = strrchr(appname, '/');

	return slash ? slash + 1 : appname;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * A string field: printable, NUL-padded, at least one NUL (so the copy is
 * terminated), nothing but NULs after the first NUL.
 */
static int get_str(const uint8_t *raw, size_t off, size_t len, char *out,
		   bool allow_comma, bool may_be_empty, const char *what,
		   char *why, size_t whylen)
{
	const uint8_t *f = raw + off;
	const uint8_t *nul = memchr(f, 0, len);
	size_t n;

	if (!nul)
		return rb_img_fail(-EBADMSG, why, whylen, "%s field is not NUL-terminated", what);
	n = (size_t)(nul - f);
	if (!all_zero(nul, len - n))
		return rb_img_fail(-EBADMSG, why, whylen, "%s field has bytes after its end", what);
	memcpy(out, f, n);
	out[n] = '\0';
	if (!n && !may_be_empty)
		return rb_img_fail(-EBADMSG, why, whylen, "%s is empty", what);
	if (!rb_img_field_ok(out, allow_comma))
		return rb_img_fail(-EBADMSG, why, whylen, "%s holds a byte that is not printable ASCII", what);
	if (allow_comma && n && (out[0] == ',' || out[n - 1] == ',' || strstr(out, ",,")))
		return rb_img_fail(-EBADMSG, why, whylen, "%s list has an empty entry", what);
	return 0;
}

int rb_img_parse(const uint8_t *raw, size_t len, struct rb_img_hdr *h,
		 char *why, size_t whylen)
{
	uint16_t hdrlen;
	uint32_t flags;
	int err;

	memset(h, 0, sizeof(*h));
	if (len < RB_IMG_HDR_LEN)
		return rb_img_fail(-ENODATA, why, whylen,
			    "truncated header: %zu of %u bytes", len, RB_IMG_HDR_LEN);
	if (memcmp(raw + RB_IMG_OFF_MAGIC, RB_IMG_MAGIC, RB_IMG_MAGIC_LEN))
		return rb_img_fail(-EBADMSG, why, whylen, "not a ringboot image (bad magic)");
	h->format = get16(raw + RB_IMG_OFF_FORMAT);
	if (h->format != RB_IMG_FORMAT)
		return rb_img_fail(-EPROTO, why, whylen, "unsupported image format version %u (this agent reads %u)",
			    h->format, RB_IMG_FORMAT);
	hdrlen = get16(raw + RB_IMG_OFF_HDRLEN);
	if (hdrlen != RB_IMG_HDR_LEN)
		return rb_img_fail(-EBADMSG, why, whylen, "header length %u, expected %u", hdrlen, RB_IMG_HDR_LEN);
	flags = get32(raw + RB_IMG_OFF_FLAGS);
	if (flags)
		return rb_img_fail(-EBADMSG, why, whylen, "unknown flags 0x%08x", flags);
	h->payload_off = get64(raw + RB_IMG_OFF_PAYLOAD_OFF);
	h->payload_len = get64(raw + RB_IMG_OFF_PAYLOAD_LEN);
	/* Format 1 puts the payload right after the header, on a 4 KiB boundary. */
	if (h->payload_off != RB_IMG_HDR_LEN)
		return rb_img_fail(-EOVERFLOW, why, whylen, "payload offset %llu, expected %u",
			    (unsigned long long)h->payload_off, RB_IMG_HDR_LEN);
	if (h->payload_len == 0 || h->payload_len > RB_IMG_MAX_PAYLOAD)
		return rb_img_fail(-EOVERFLOW, why, whylen, "payload length %llu out of range (1..%llu)",
			    (unsigned long long)h->payload_len,
			    (unsigned long long)RB_IMG_MAX_PAYLOAD);
	memcpy(h->digest, raw + RB_IMG_OFF_DIGEST, RB_IMG_DIGEST_LEN);
	memcpy(h->keyid, raw + RB_IMG_OFF_KEYID, RB_IMG_KEYID_LEN);
	if (!all_zero(raw + RB_IMG_OFF_RESERVED1, 8) ||
	    !all_zero(raw + RB_IMG_OFF_RESERVED2, RB_IMG_OFF_SIG - RB_IMG_OFF_RESERVED2))
		return rb_img_fail(-EBADMSG, why, whylen, "reserved header bytes are not zero");
	err = get_str(raw, RB_IMG_OFF_NAME, RB_IMG_NAME_LEN, h->name, false, false,
		      "image name", why, whylen);
	if (!err)
		err = get_str(raw, RB_IMG_OFF_VERSION, RB_IMG_VERSION_LEN, h->version, false,
			      false, "version", why, whylen);
	if (!err)
		err = get_str(raw, RB_IMG_OFF_MODELS, RB_IMG_MODELS_LEN, h->models, true,
			      false, "models", why, whylen);
	if (!err)
		err = get_str(raw, RB_IMG_OFF_HW, RB_IMG_HW_LEN, h->hw, true, true,
			      "hardware versions", why, whylen);
	if (err)
		return err;
	memcpy(h->sig, raw + RB_IMG_OFF_SIG, RB_IMG_SIG_LEN);
	return 0;
}

static int put_str(uint8_t *raw, size_t off, size_t len, const char *s, bool allow_comma,
		   bool may_be_empty)
{
	size_t n = strnlen(s, len);

	if (n >= len || (!n && !may_be_empty) || !rb_img_field_ok(s, allow_comma))
		return -EINVAL;
	memcpy(raw + off, s, n);
	return 0;
}

int rb_img_build(const struct rb_img_hdr *h, uint8_t *raw)
{
	memset(raw, 0, RB_IMG_HDR_LEN);
	if (h->payload_len == 0 || h->payload_len > RB_IMG_MAX_PAYLOAD)
		return -EOVERFLOW;
	memcpy(raw + RB_IMG_OFF_MAGIC, RB_IMG_MAGIC, RB_IMG_MAGIC_LEN);
	put16(raw + RB_IMG_OFF_FORMAT, RB_IMG_FORMAT);
	put16(raw + RB_IMG_OFF_HDRLEN, RB_IMG_HDR_LEN);
	put32(raw + RB_IMG_OFF_FLAGS, 0);
	put64(raw + RB_IMG_OFF_PAYLOAD_OFF, RB_IMG_HDR_LEN);
	put64(raw + RB_IMG_OFF_PAYLOAD_LEN, h->payload_len);
	memcpy(raw + RB_IMG_OFF_DIGEST, h->digest, RB_IMG_DIGEST_LEN);
	memcpy(raw + RB_IMG_OFF_KEYID, h->keyid, RB_IMG_KEYID_LEN);
	if (put_str(raw, RB_IMG_OFF_NAME, RB_IMG_NAME_LEN, h->name, false, false) ||
	    put_str(raw, RB_IMG_OFF_VERSION, RB_IMG_VERSION_LEN, h->version, false, false) ||
	    put_str(raw, RB_IMG_OFF_MODELS, RB_IMG_MODELS_LEN, h->models, true, false) ||
	    put_str(raw, RB_IMG_OFF_HW, RB_IMG_HW_LEN, h->hw, true, true))
		return -EINVAL;
	memcpy(raw + RB_IMG_OFF_SIG, h->sig, RB_IMG_SIG_LEN);
	return 0;
}

/* One pattern (not NUL-terminated, plen bytes) against one name. */
static bool pattern_fits(const char *pat, size_t plen, const char *name)
{
	if (plen && pat[plen - 1] == '*')
		return !strncasecmp(pat, name, plen - 1) && strlen(name) >= plen - 1;
	return strlen(name) == plen && !strncasecmp(pat, name, plen);
}

bool rb_img_list_fits(const char *list, const char *const *names, size_t n)
{
	const char *p = list;

	if (!*list)
		return true;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t plen = end ? (size_t)(end - p) : strlen(p);

		for (size_t i = 0; i < n; i++)
			if (names[i] && *names[i] && pattern_fits(p, plen, names[i]))
				return true;
		p += plen;
		if (*p == ',')
			p++;
	}
	return false;
}

void rb_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rb_unhex(const char *in, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi = nibble(in[2 * i]), lo;

		if (hi < 0)
			return -EINVAL;
		lo = nibble(in[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return in[2 * len] ? -EINVAL : 0;
}
