// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the HTTP response head parser, header semantics and chunked
 * decoder: byte-at-a-time arrival, caps, hostile input, and inputs placed
 * right before an unmapped guard page (a read past the end faults).
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
#include <sys/mman.h>
#include <unistd.h>

#include "http_chunked.h"
#include "http_parse.h"

/* Copy s to the end of a page followed by a PROT_NONE page. */
static char *guarded(const char *s, size_t len, void **map)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t pages = (len + (size_t)pg - 1) / (size_t)pg + 1;
	char *m = mmap(NULL, pages * (size_t)pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + (pages - 1) * (size_t)pg, (size_t)pg, PROT_NONE), 0);
	*map = m;
	memcpy(m + (pages - 1) * (size_t)pg - len, s, len);
	return m + (pages - 1) * (size_t)pg - len;
}

static void unguard(void *map, size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);

	munmap(map, ((len + (size_t)pg - 1) / (size_t)pg + 1) * (size_t)pg);
}

static int parse_str(const char *s, struct rb_http_response *r)
{
	void *map;
	size_t len = strlen(s);
	char *g = guarded(s, len, &map);
	int ret;

	rb_http_response_reset(r);
	ret = rb_http_parse_response(g, len, r);
	unguard(map, len);
	return ret;
}

static void status_and_headers(void **state)
{
	static const char msg[] = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n"
				  "ETag:  \"abc\" \r\nX-Empty:\r\n\r\nbody";
	struct rb_http_response r;
	const struct rb_http_header *h;

	rb_http_response_reset(&r);
	assert_int_equal(rb_http_parse_response(msg, sizeof(msg) - 1, &r), sizeof(msg) - 1 - 4);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.minor_version, 1);
	assert_int_equal(r.reason_len, 2);
	assert_memory_equal(r.reason, "OK", 2);
	assert_int_equal(r.num_headers, 3);
	h = rb_http_find(&r, "etag");
	assert_non_null(h);
	assert_int_equal(h->value_len, 5);
	assert_memory_equal(h->value, "\"abc\"", 5);
	/* zero-copy: the value points into the input */
	assert_true(h->value > msg && h->value < msg + sizeof(msg));
	h = rb_http_find(&r, "X-Empty");
	assert_non_null(h);
	assert_int_equal(h->value_len, 0);
	assert_null(rb_http_find(&r, "Location"));
}

/* Every prefix is "need more"; the whole head parses the same. */
static void byte_at_a_time(void **state)
{
	static const char msg[] = "HTTP/1.1 404 Not Found\nServer: nginx\n\n";
	struct rb_http_response r;
	size_t n = sizeof(msg) - 1;

	rb_http_response_reset(&r);
	for (size_t i = 1; i < n; i++)
		assert_int_equal(rb_http_parse_response(msg, i, &r), -EAGAIN);
	assert_int_equal(rb_http_parse_response(msg, n, &r), (int)n);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.num_headers, 1);
}

static void malformed_refused(void **state)
{
	static const char *const bad[] = {
		"HTTP/2.0 200 OK\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 099 Low\r\n\r\n",
		"HTTP/1.1 200OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nName : v\r\n\r\n",		/* space before colon */
		"HTTP/1.1 200 OK\r\nNo-colon\r\n\r\n",
		"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",	/* obs-fold */
		"HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",		/* bare CR */
		"HTTP/1.1 200 OK\r\nA: \x01\r\n\r\n",
		"HTTP/1.1 200 OK\r\n: v\r\n\r\n",
		"SSH-2.0-OpenSSH\r\n\r\n",
		"<html>",
	};
	struct rb_http_response r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse_str(bad[i], &r);

		if (ret != -EBADMSG)
			fail_msg("case %zu: got %d", i, ret);
	}
}

static void caps_enforced(void **state)
{
	struct rb_http_response r;
	size_t cap = RB_HTTP_MAX_HEAD + 100, len;
	char *big = malloc(cap);

	/* a head that never ends */
	len = (size_t)snprintf(big, cap, "HTTP/1.1 200 OK\r\nX: ");
	memset(big + len, 'a', cap - len);
	rb_http_response_reset(&r);
	assert_int_equal(rb_http_parse_response(big, cap, &r), -E2BIG);
	/* too many fields */
	len = (size_t)snprintf(big, cap, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i <= RB_HTTP_MAX_HEADERS; i++)
		len += (size_t)snprintf(big + len, cap - len, "X-%d: v\r\n", i);
	len += (size_t)snprintf(big + len, cap - len, "\r\n");
	rb_http_response_reset(&r);
	assert_int_equal(rb_http_parse_response(big, len, &r), -E2BIG);
	free(big);
}

/* The head stays mapped: info points into it (the tests only read numbers). */
static int interpret(const char *s, struct rb_http_info *info)
{
	static struct rb_http_response r;
	size_t len = strlen(s);
	void *map;
	char *g = guarded(s, len, &map);
	int ret;

	rb_http_response_reset(&r);
	ret = rb_http_parse_response(g, len, &r);
	if (ret >= 0)
		ret = rb_http_interpret(&r, false, info);
	unguard(map, len);
	return ret;
}

static void framing(void **state)
{
	struct rb_http_info i;

	assert_int_equal(interpret("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", &i), 0);
	assert_int_equal(i.framing, RB_HTTP_BODY_LENGTH);
	assert_int_equal(i.content_length, 5);
	assert_true(i.keep_alive);
	assert_int_equal(interpret("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n"
				   "Content-Length: 5\r\n\r\n", &i), 0);
	assert_int_equal(i.content_length, 5);
	assert_int_equal(interpret("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
				   "Content-Length: 6\r\n\r\n", &i), -EBADMSG);
	assert_int_equal(interpret("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &i), -EBADMSG);
	assert_int_equal(interpret("HTTP/1.1 200 OK\r\n"
				   "Content-Length: 99999999999999999999999\r\n\r\n", &i),
			 -EBADMSG);
	assert_int_equal(interpret("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
				   "Content-Length: 5\r\n\r\n", &i), 0);
	assert_int_equal(i.framing, RB_HTTP_BODY_CHUNKED);
	assert_false(i.keep_alive);
	assert_int_equal(interpret("HTTP/1.1 200 OK\r\n"
				   "Transfer-Encoding: gzip, chunked\r\n\r\n", &i),
			 -EBADMSG);
	assert_int_equal(interpret("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", &i), 0);
	assert_int_equal(i.framing, RB_HTTP_BODY_CLOSE);
	assert_false(i.keep_alive);
	assert_int_equal(interpret("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", &i), 0);
	assert_false(i.keep_alive);
	assert_int_equal(interpret("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n"
				   "Content-Length: 0\r\n\r\n", &i), 0);
	assert_true(i.keep_alive);
	assert_int_equal(interpret("HTTP/1.1 304 Not Modified\r\n"
				   "Content-Length: 9\r\n\r\n", &i), 0);
	assert_int_equal(i.framing, RB_HTTP_BODY_NONE);
}

static void range_and_retry(void **state)
{
	struct rb_http_info i;

	assert_int_equal(interpret("HTTP/1.1 206 Partial\r\nContent-Range: bytes 10-19/100\r\n"
				   "Content-Length: 10\r\n\r\n", &i), 0);
	assert_true(i.has_range);
	assert_int_equal(i.range_first, 10);
	assert_int_equal(i.range_last, 19);
	assert_int_equal(i.range_total, 100);
	assert_int_equal(interpret("HTTP/1.1 206 Partial\r\nContent-Range: bytes 10-19/100\r\n"
				   "Content-Length: 11\r\n\r\n", &i), -EBADMSG);
	assert_int_equal(interpret("HTTP/1.1 206 Partial\r\nContent-Range: bytes 19-10/100\r\n"
				   "Content-Length: 10\r\n\r\n", &i), -EBADMSG);
	assert_int_equal(interpret("HTTP/1.1 206 Partial\r\nContent-Length: 10\r\n\r\n", &i),
			 -EBADMSG);
	assert_int_equal(interpret("HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-0/*\r\n"
				   "Content-Length: 1\r\n\r\n", &i), 0);
	assert_int_equal(i.range_total, UINT64_MAX);
	assert_int_equal(interpret("HTTP/1.1 503 Busy\r\nRetry-After: 7\r\n"
				   "Content-Length: 0\r\n\r\n", &i), 0);
	assert_int_equal(i.retry_after, 7);
	assert_int_equal(interpret("HTTP/1.1 503 Busy\r\n"
				   "Retry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n", &i), 0);
	assert_int_equal(i.retry_after, 0);	/* in the past */
	assert_int_equal(interpret("HTTP/1.1 503 Busy\r\nRetry-After: soon\r\n\r\n", &i), 0);
	assert_int_equal(i.retry_after, -1);
}

/* Decode all of s in pieces of step bytes; returns 0 and the body, or -errno. */
static int dechunk(const char *s, size_t len, size_t stepsz, char *out, size_t *outlen,
		   size_t *rest)
{
	struct rb_chunked c;
	size_t off = 0, o = 0;

	rb_chunked_init(&c);
	while (off < len && !rb_chunked_done(&c)) {
		size_t avail = len - off < stepsz ? len - off : stepsz;
		size_t used = 0;

		while (used < avail && !rb_chunked_done(&c)) {
			const char *d;
			size_t dl;
			ssize_t n = rb_chunked_feed(&c, s + off + used, avail - used, &d, &dl);

			if (n < 0)
				return (int)n;
			if (dl)
				memcpy(out + o, d, dl);
			o += dl;
			used += (size_t)n;
			if (n == 0)
				break;
		}
		off += used;
		if (used < avail)
			break;
	}
	*outlen = o;
	*rest = len - off;
	return rb_chunked_done(&c) ? 0 : -EAGAIN;
}

static void chunked_ok(void **state)
{
	static const char body[] = "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n"
				   "0\r\nX-Trailer: t\r\n\r\nHTTP/1.1 next";
	char out[64];
	size_t ol, rest;

	for (size_t stepsz = 1; stepsz <= sizeof(body); stepsz++) {
		assert_int_equal(dechunk(body, sizeof(body) - 1, stepsz, out, &ol, &rest), 0);
		assert_int_equal(ol, 16);
		assert_memory_equal(out, "hello 0123456789", 16);
		assert_int_equal(rest, strlen("HTTP/1.1 next"));
	}
	assert_int_equal(dechunk("0\n\n", 3, 3, out, &ol, &rest), 0);
	assert_int_equal(ol, 0);
	assert_int_equal(dechunk("3\r\nab", 5, 5, out, &ol, &rest), -EAGAIN);
}

static void chunked_bad(void **state)
{
	static const char *const bad[] = {
		"\r\n", "x\r\n", "5\r\nhelloXX", "-1\r\n", "5 \x01\r\n",
		"0\r\n\x01\r\n\r\n", "1\r\na\rx",
	};
	char out[64], *big;
	size_t ol, rest;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dechunk(bad[i], strlen(bad[i]), 64, out, &ol, &rest), -EBADMSG);
	assert_int_equal(dechunk("10000000000000000\r\n", 19, 64, out, &ol, &rest), -ERANGE);
	/* 16 digits with leading zeros are a size; the 17th digit is refused, zero or not */
	assert_int_equal(dechunk("0000000000000001\r\nx\r\n0\r\n\r\n", 26, 64, out, &ol, &rest), 0);
	assert_int_equal(ol, 1);
	assert_int_equal(dechunk("00000000000000000", 17, 64, out, &ol, &rest), -ERANGE);
	big = malloc(1 << 20);
	memset(big, '0', 1 << 20);
	assert_int_equal(dechunk(big, 1 << 20, 4096, out, &ol, &rest), -ERANGE);
	/* an extension is bounded too, whitespace before it included */
	memcpy(big, "1", 1);
	memset(big + 1, ' ', (1 << 20) - 1);
	assert_int_equal(dechunk(big, 1 << 20, 4096, out, &ol, &rest), -E2BIG);
	memcpy(big, "1;", 2);
	memset(big + 2, 'e', (1 << 20) - 2);
	assert_int_equal(dechunk(big, 1 << 20, 4096, out, &ol, &rest), -E2BIG);
	free(big);
	big = malloc(RB_CHUNKED_MAX_TRAILER + 16);
	memcpy(big, "0\r\nX: ", 6);
	memset(big + 6, 'a', RB_CHUNKED_MAX_TRAILER + 10);
	assert_int_equal(dechunk(big, RB_CHUNKED_MAX_TRAILER + 16, 4096, out, &ol, &rest), -E2BIG);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_and_headers),
		cmocka_unit_test(byte_at_a_time),
		cmocka_unit_test(malformed_refused),
		cmocka_unit_test(caps_enforced),
		cmocka_unit_test(framing),
		cmocka_unit_test(range_and_retry),
		cmocka_unit_test(chunked_ok),
		cmocka_unit_test(chunked_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
