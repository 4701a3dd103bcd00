/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP/1.1 response head parser (RFC 9112 §4, §5) and the header semantics
 * the client needs (RFC 9110, RFC 9112 §6.3 message body length).
 *
 * Zero-copy: the status reason, header names and values are pointer + length
 * into the caller's receive buffer, valid while that buffer is. Incremental:
 * call again with more bytes; the parser re-scans only the tail for the end of
 * the head. Hostile input gets a clean error, never a read past len.
 */
#ifndef RINGBOOT_HTTP_PARSE_H
#define RINGBOOT_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rb_http_limits {
	RB_HTTP_MAX_HEADERS = 64,	/* header fields in one response */
	RB_HTTP_MAX_HEAD = 16384,	/* status line + fields + CRLF */
	RB_HTTP_MAX_REDIRECTS = 5,
};

struct rb_http_header {
	const char *name;
	size_t name_len;
	const char *value;	/* leading and trailing whitespace trimmed */
	size_t value_len;
};

struct rb_http_response {
	int minor_version;	/* HTTP/1.x */
	int status;		/* 100..999 */
	const char *reason;
	size_t reason_len;
	struct rb_http_header headers[RB_HTTP_MAX_HEADERS];
	size_t num_headers;
	size_t scanned;		/* bytes already searched for the end of head */
};

/*
 * Parse the response head in buf[0..len). Before the first call, zero
 * r->scanned (rb_http_response_reset()). Returns the head's length (> 0; the
 * body starts at buf + ret), -EAGAIN when more bytes are needed, -EBADMSG on a
 * malformed head, -E2BIG when the head exceeds RB_HTTP_MAX_HEAD or has more
 * than RB_HTTP_MAX_HEADERS fields.
 */
int rb_http_parse_response(const char *buf, size_t len, struct rb_http_response *r);

static inline void rb_http_response_reset(struct rb_http_response *r)
{
	r->scanned = 0;
	r->num_headers = 0;
}

/* First header named name (case-insensitive), or NULL. */
const struct rb_http_header *rb_http_find(const struct rb_http_response *r, const char *name);

/* What the client needs from a parsed head. */
enum rb_http_framing {
	RB_HTTP_BODY_NONE,	/* HEAD, 1xx, 204, 304 */
	RB_HTTP_BODY_LENGTH,	/* Content-Length */
	RB_HTTP_BODY_CHUNKED,	/* Transfer-Encoding: chunked */
	RB_HTTP_BODY_CLOSE,	/* until the server closes */
};

struct rb_http_info {
	enum rb_http_framing framing;
	uint64_t content_length;	/* RB_HTTP_BODY_LENGTH */
	bool keep_alive;		/* connection may be reused after this body */
	/* Content-Range of a 206: first byte, last byte, complete length (or UINT64_MAX: "*") */
	bool has_range;
	uint64_t range_first, range_last, range_total;
	int64_t retry_after;		/* seconds, -1 when absent or not delta-seconds */
	const struct rb_http_header *location, *etag, *last_modified;
};

/*
 * Interpret the head per RFC 9112 §6.3 and RFC 9110. head_request: the request
 * was HEAD. Returns 0 or -EBADMSG (invalid or conflicting Content-Length, an
 * unparsable Content-Range on a 206, a Transfer-Encoding other than chunked).
 */
int rb_http_interpret(const struct rb_http_response *r, bool head_request,
		      struct rb_http_info *info);

/* Parse a decimal uint64 of exactly len bytes (digits only). 0 or -EBADMSG / -ERANGE. */
int rb_http_parse_u64(const char *s, size_t len, uint64_t *out);

/* Case-insensitive comparison of s[0..len) with the NUL-terminated lit. */
bool rb_http_token_eq(const char *s, size_t len, const char *lit);

#endif
