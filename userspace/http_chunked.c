// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Chunked transfer coding decoder, RFC 9112 §7.1:
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 * A bare LF is accepted as line end (RFC 9112 §2.2); chunk extensions and
 * trailer fields are skipped (we use neither) within hard caps.
 */
#include <errno.h>

#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif

#include "http_chunked.h"

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool is_line_char(unsigned char ch)
{
	return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

/* The size line ended: a zero size is the last-chunk. */
static void size_line_done(struct rb_chunked *c)
{
	c->state = c->remaining ? RB_CHUNKED_DATA : RB_CHUNKED_TRAILER_BOL;
	c->line = 0;
}

/* One byte of everything but chunk-data. Returns 0 or -errno. */
static int step(struct rb_chunked *c, unsigned char ch)
{
	int h;

	switch (c->state) {
	case RB_CHUNKED_SIZE:
		h = hexval((char)ch);
		if (h >= 0) {
			/* leading zeros too: "000..." must not hold the line open forever */
			if (c->remaining > (UINT64_MAX >> 4) || c->digits >= RB_CHUNKED_MAX_HEX)
				return -ERANGE;
			c->remaining = (c->remaining << 4) | (uint64_t)h;
			c->digits++;
			return 0;
		}
		if (!c->digits)
			return -EBADMSG;
		if (ch == '\r')
			c->state = RB_CHUNKED_SIZE_LF;
		else if (ch == '\n')
			size_line_done(c);
		else if (ch == ';' || ch == ' ' || ch == '\t')
			c->state = RB_CHUNKED_EXT;	/* BWS ";" chunk-ext */
		else
			return -EBADMSG;
		return 0;
	case RB_CHUNKED_EXT:
		if (ch == '\r')
			c->state = RB_CHUNKED_SIZE_LF;
		else if (ch == '\n')
			size_line_done(c);
		else if (!is_line_char(ch))
			return -EBADMSG;
		else if (++c->line > RB_CHUNKED_MAX_EXT)
			return -E2BIG;
		return 0;
	case RB_CHUNKED_SIZE_LF:
		if (ch != '\n')
			return -EBADMSG;
		size_line_done(c);
		return 0;
	case RB_CHUNKED_DATA_CR:
		if (ch == '\r') {
			c->state = RB_CHUNKED_DATA_LF;
			return 0;
		}
		fallthrough;	/* a bare LF */
	case RB_CHUNKED_DATA_LF:
		if (ch != '\n')
			return -EBADMSG;
		c->state = RB_CHUNKED_SIZE;
		c->digits = 0;
		return 0;
	case RB_CHUNKED_TRAILER_BOL:
		if (ch == '\r') {
			c->state = RB_CHUNKED_END_LF;
			return 0;
		}
		if (ch == '\n') {
			c->state = RB_CHUNKED_DONE;
			return 0;
		}
		c->state = RB_CHUNKED_TRAILER;
		fallthrough;	/* first byte of a trailer field line */
	case RB_CHUNKED_TRAILER:
		if (++c->line > RB_CHUNKED_MAX_TRAILER)
			return -E2BIG;
		if (ch == '\n')
			c->state = RB_CHUNKED_TRAILER_BOL;
		else if (ch != '\r' && !is_line_char(ch))
			return -EBADMSG;
		return 0;
	case RB_CHUNKED_END_LF:
		if (ch != '\n')
			return -EBADMSG;
		c->state = RB_CHUNKED_DONE;
		return 0;
	case RB_CHUNKED_DATA:
	case RB_CHUNKED_DONE:
		break;
	}
	return -EINVAL;
}

ssize_t rb_chunked_feed(struct rb_chunked *c, const char *buf, size_t len,
			const char **data, size_t *data_len)
{
	size_t i = 0;
	int err;

	*data = NULL;
	*data_len = 0;
	while (i < len && c->state != RB_CHUNKED_DONE) {
		if (c->state == RB_CHUNKED_DATA) {
			size_t n = len - i;

			if (n > c->remaining)
				n = (size_t)c->remaining;
			*data = buf + i;
			*data_len = n;
			c->remaining -= n;
			if (!c->remaining)
				c->state = RB_CHUNKED_DATA_CR;
			return (ssize_t)(i + n);
		}
		err = step(c, (unsigned char)buf[i]);
		if (err)
			return err;
		i++;
	}
	return (ssize_t)i;
}
