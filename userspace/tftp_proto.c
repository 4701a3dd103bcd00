// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TFTP packet encoding and decoding (RFC 1350 section 5) and option
 * negotiation (RFC 2347, 2348, 2349, 7440). No I/O; hostile input is expected.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tftp_proto.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Append a NUL-terminated string; -ENOSPC when it does not fit. */
static int put_str(uint8_t *buf, size_t cap, size_t *pos, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > cap - *pos)
		return -ENOSPC;
	memcpy(buf + *pos, s, n);
	*pos += n;
	return 0;
}

static int put_opt(uint8_t *buf, size_t cap, size_t *pos, const char *name,
		   unsigned long long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", v);
	if (put_str(buf, cap, pos, name))
		return -ENOSPC;
	return put_str(buf, cap, pos, num);
}

/* RFC 1350: | 01 | filename | 0 | mode | 0 |, RFC 2347: then | opt | 0 | value | 0 |... */
int rb_tftp_build_rrq(uint8_t *buf, size_t cap, const char *file,
		      const struct rb_tftp_req *req)
{
	size_t pos = 2;

	if (!file[0] || cap < 2)
		return -EINVAL;
	put16(buf, RB_TFTP_RRQ);
	if (put_str(buf, cap, &pos, file) || put_str(buf, cap, &pos, "octet"))
		return -ENOSPC;
	if (req->blksize && put_opt(buf, cap, &pos, "blksize", req->blksize))
		return -ENOSPC;
	if (req->tsize && put_opt(buf, cap, &pos, "tsize", 0))
		return -ENOSPC;
	if (req->timeout && put_opt(buf, cap, &pos, "timeout", req->timeout))
		return -ENOSPC;
	if (req->windowsize && put_opt(buf, cap, &pos, "windowsize", req->windowsize))
		return -ENOSPC;
	/* RFC 2347: the request must fit the 512-byte packets servers expect. */
	if (pos > 512)
		return -ENOSPC;
	return (int)pos;
}

int rb_tftp_build_ack(uint8_t *buf, size_t cap, uint16_t block)
{
	if (cap < RB_TFTP_HDR)
		return -ENOSPC;
	put16(buf, RB_TFTP_ACK);
	put16(buf + 2, block);
	return RB_TFTP_HDR;
}

int rb_tftp_build_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg)
{
	size_t n = strlen(msg);

	if (cap < RB_TFTP_HDR + 1)
		return -ENOSPC;
	if (n > cap - RB_TFTP_HDR - 1)
		n = cap - RB_TFTP_HDR - 1;
	put16(buf, RB_TFTP_ERROR);
	put16(buf + 2, code);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)msg[i];

		buf[RB_TFTP_HDR + i] = (c < 0x20 || c == 0x7f) ? '?' : c;
	}
	buf[RB_TFTP_HDR + n] = 0;
	return (int)(RB_TFTP_HDR + n + 1);
}

int rb_tftp_decode(const uint8_t *buf, size_t len, struct rb_tftp_pkt *p)
{
	memset(p, 0, sizeof(*p));
	if (len < 2)
		return -EBADMSG;
	p->op = get16(buf);
	switch (p->op) {
	case RB_TFTP_DATA:
		/* | 03 | block | 0..blksize bytes | */
		if (len < RB_TFTP_HDR || len > RB_TFTP_MAX_PKT)
			return -EBADMSG;
		p->block = get16(buf + 2);
		p->data = buf + RB_TFTP_HDR;
		p->len = len - RB_TFTP_HDR;
		return 0;
	case RB_TFTP_ERROR:
		/* | 05 | code | message | 0 |; a missing NUL is tolerated only
		 * by refusing the message, never by reading past len. */
		if (len < RB_TFTP_HDR)
			return -EBADMSG;
		p->err_code = get16(buf + 2);
		if (len > RB_TFTP_HDR && memchr(buf + RB_TFTP_HDR, 0, len - RB_TFTP_HDR))
			p->err_msg = (const char *)buf + RB_TFTP_HDR;
		else
			p->err_msg = "";
		return 0;
	case RB_TFTP_OACK:
		/* | 06 | opt | 0 | value | 0 | ...: checked by rb_tftp_parse_oack */
		p->data = buf + 2;
		p->len = len - 2;
		return 0;
	case RB_TFTP_ACK:
		if (len < RB_TFTP_HDR)
			return -EBADMSG;
		p->block = get16(buf + 2);
		return 0;
	case RB_TFTP_RRQ:
	case RB_TFTP_WRQ:
		return 0;
	default:
		return -EBADMSG;
	}
}

void rb_tftp_neg_default(struct rb_tftp_neg *neg)
{
	memset(neg, 0, sizeof(*neg));
	neg->blksize = RB_TFTP_BLKSIZE_DEFAULT;
	neg->windowsize = 1;
}

/* A decimal value without sign, spaces or overflow; -EBADMSG otherwise. */
static int parse_num(const char *s, uint64_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return -EBADMSG;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EBADMSG;
		if (n > (UINT64_MAX - 9) / 10)
			return -EBADMSG;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return 0;
}

#define REFUSE(...) do { snprintf(why, whylen, __VA_ARGS__); return -EPROTO; } while (0)

/* One option of an OACK against the request. */
static int oack_opt(const char *name, uint64_t v, const struct rb_tftp_req *asked,
		    struct rb_tftp_neg *neg, unsigned int *seen, char *why, size_t whylen)
{
	unsigned int bit;

	/* RFC 2347: option names are case-insensitive. */
	if (!strcasecmp(name, "blksize")) {
		bit = 1;
		if (!asked->blksize)
			REFUSE("server granted blksize, which was not asked");
		/* RFC 2348: the server may only grant a smaller value. */
		if (v < RB_TFTP_BLKSIZE_MIN || v > asked->blksize)
			REFUSE("server granted blksize %llu (asked %u)",
			       (unsigned long long)v, asked->blksize);
		neg->blksize = (unsigned int)v;
	} else if (!strcasecmp(name, "windowsize")) {
		bit = 2;
		if (!asked->windowsize)
			REFUSE("server granted windowsize, which was not asked");
		/* RFC 7440 section 3: the server may reply with a smaller value. */
		if (v < RB_TFTP_WINDOW_MIN || v > asked->windowsize)
			REFUSE("server granted windowsize %llu (asked %u)",
			       (unsigned long long)v, asked->windowsize);
		neg->windowsize = (unsigned int)v;
	} else if (!strcasecmp(name, "timeout")) {
		bit = 4;
		if (!asked->timeout)
			REFUSE("server granted timeout, which was not asked");
		/* RFC 2349 section 2: the server must echo the value asked. */
		if (v != asked->timeout)
			REFUSE("server granted timeout %llu (asked %u)",
			       (unsigned long long)v, asked->timeout);
		neg->timeout = (unsigned int)v;
	} else if (!strcasecmp(name, "tsize")) {
		bit = 8;
		if (!asked->tsize)
			REFUSE("server granted tsize, which was not asked");
		neg->has_tsize = true;
		neg->tsize = v;
	} else {
		REFUSE("server granted option '%.32s', which was not asked", name);
	}
	if (*seen & bit)
		REFUSE("server granted %s twice", name);
	*seen |= bit;
	return 0;
}

int rb_tftp_parse_oack(const uint8_t *opts, size_t len,
		       const struct rb_tftp_req *asked, struct rb_tftp_neg *neg,
		       char *why, size_t whylen)
{
	const char *p = (const char *)opts, *end = p + len;
	unsigned int seen = 0;

	rb_tftp_neg_default(neg);
	neg->oack = true;
	while (p < end) {
		const char *name = p, *val, *nul;
		uint64_t v;
		int err;

		nul = memchr(name, 0, (size_t)(end - name));
		if (!nul || nul == name) {
			snprintf(why, whylen, "malformed OACK (option name)");
			return -EBADMSG;
		}
		val = nul + 1;
		nul = val < end ? memchr(val, 0, (size_t)(end - val)) : NULL;
		if (!nul) {
			snprintf(why, whylen, "malformed OACK (value of %.32s)", name);
			return -EBADMSG;
		}
		if (parse_num(val, &v)) {
			snprintf(why, whylen, "malformed OACK (%.32s='%.32s')", name, val);
			return -EBADMSG;
		}
		err = oack_opt(name, v, asked, neg, &seen, why, whylen);
		if (err)
			return err;
		p = nul + 1;
	}
	return 0;
}

int rb_tftp_check_tsize(const struct rb_tftp_neg *neg, uint64_t got, bool final,
			char *why, size_t whylen)
{
	if (!neg->has_tsize)
		return 0;
	if (got > neg->tsize) {
		snprintf(why, whylen, "server sent more bytes than the tsize it announced");
		return -EPROTO;
	}
	if (final && got != neg->tsize) {
		snprintf(why, whylen, "size mismatch: server announced tsize %llu, sent %llu bytes",
			 (unsigned long long)neg->tsize, (unsigned long long)got);
		return -EPROTO;
	}
	return 0;
}

const char *rb_tftp_opname(uint16_t op)
{
	static const char *const names[] = {
		"?", "RRQ", "WRQ", "DATA", "ACK", "ERROR", "OACK",
	};

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}
