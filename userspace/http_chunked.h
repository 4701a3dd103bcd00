/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoder of the chunked transfer coding (RFC 9112 §7.1), zero-copy: it hands
 * back spans of body bytes inside the caller's buffer and keeps only a few
 * integers of state between calls, so input may arrive split anywhere.
 */
#ifndef RINGBOOT_HTTP_CHUNKED_H
#define RINGBOOT_HTTP_CHUNKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum rb_chunked_limits {
	RB_CHUNKED_MAX_HEX = 16,	/* hex digits of a chunk size, leading zeros included */
	RB_CHUNKED_MAX_EXT = 1024,	/* bytes of chunk extensions on one line */
	RB_CHUNKED_MAX_TRAILER = 8192,	/* bytes of trailer section */
};

enum rb_chunked_state {
	RB_CHUNKED_SIZE,	/* hex digits of chunk-size */
	RB_CHUNKED_EXT,		/* chunk-ext up to LF */
	RB_CHUNKED_SIZE_LF,	/* LF ending the chunk-size line */
	RB_CHUNKED_DATA,	/* chunk-data */
	RB_CHUNKED_DATA_CR,	/* CRLF after chunk-data */
	RB_CHUNKED_DATA_LF,
	RB_CHUNKED_TRAILER_BOL,	/* start of a trailer line (or the final CRLF) */
	RB_CHUNKED_TRAILER,	/* inside a trailer line */
	RB_CHUNKED_END_LF,	/* LF of the final CRLF */
	RB_CHUNKED_DONE,
};

struct rb_chunked {
	enum rb_chunked_state state;
	uint64_t remaining;	/* of the current chunk */
	unsigned digits;	/* hex digits seen in this size */
	size_t line;		/* bytes of ext or trailer seen */
};

static inline void rb_chunked_init(struct rb_chunked *c)
{
	c->state = RB_CHUNKED_SIZE;
	c->remaining = 0;
	c->digits = 0;
	c->line = 0;
}

/*
 * Consume from buf[0..len). Returns the number of bytes consumed (>= 0) and
 * sets *data and *data_len to body bytes inside buf (data_len may be 0); call
 * again with the rest. Returns -EBADMSG on a malformed coding, -ERANGE when a
 * chunk size overflows 64 bits or has more than RB_CHUNKED_MAX_HEX digits,
 * -E2BIG when extensions or trailers exceed their caps: every line it reads is
 * bounded. rb_chunked_done() is true once the last chunk and trailers are in;
 * bytes after that are not consumed (they belong to the next response).
 */
ssize_t rb_chunked_feed(struct rb_chunked *c, const char *buf, size_t len,
			const char **data, size_t *data_len);

static inline bool rb_chunked_done(const struct rb_chunked *c)
{
	return c->state == RB_CHUNKED_DONE;
}

#endif
