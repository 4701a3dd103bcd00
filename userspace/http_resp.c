// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Response side of the HTTP client (http_xfer.h): what a status means
 * (RFC 9110 §15), redirects, 503, Range and If-Range outcomes, and the body by
 * its framing (RFC 9112 §6.3), delivered to the sink or read and dropped so
 * the connection stays usable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http_xfer.h"
#include "log.h"

static void remember_validator(struct rb_http_xfer *x)
{
	const struct rb_http_header *h = x->info.etag;

	/* If-Range needs a strong validator (RFC 9110 §13.1.5): no W/ ETags */
	if (h && h->value_len >= 2 && h->value[0] == '"' && h->value_len < sizeof(x->validator)) {
		memcpy(x->validator, h->value, h->value_len);
		x->validator[h->value_len] = '\0';
		return;
	}
	h = x->info.last_modified;
	if (h && h->value_len < sizeof(x->validator)) {
		memcpy(x->validator, h->value, h->value_len);
		x->validator[h->value_len] = '\0';
	}
}

/*
 * A status that says "not now" rather than "no" (RFC 9110 §15.5.9, §15.6; RFC
 * 6585 §4): 408, 429 and every 5xx but 501 Not Implemented and 505 HTTP
 * Version Not Supported, which no retry changes. -EAGAIN lets the caller
 * (the boot) retry with its back-off; other 4xx stay a definite -EPROTO.
 */
static bool transient_status(int status)
{
	if (status == 408 || status == 429)
		return true;
	return status >= 500 && status <= 599 && status != 501 && status != 505;
}

static bool is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/*
 * Decide what the head means: deliver the body (200, 206), or read and drop
 * it and then follow a redirect (final_err 1), retry after a 503 (2) or fail
 * with final_err < 0. The body is always read so the connection stays usable.
 */
static void handle_status(struct rb_http_xfer *x)
{
	struct rb_fetch *f = x->f;
	int st = x->resp.status;
	uint64_t total;
	int err;

	rb_fetch_set_num(&f->res, "http_status", (uint64_t)st);
	if (is_redirect(st)) {
		const struct rb_http_header *loc;
		struct rb_url next;

		if (!x->info.location) {
			x->final_err = -EPROTO;
			snprintf(x->final_msg, sizeof(x->final_msg), "HTTP %d without Location",
				 st);
			return;
		}
		if (x->redirects >= RB_HTTP_MAX_REDIRECTS) {
			x->final_err = -ELOOP;
			snprintf(x->final_msg, sizeof(x->final_msg), "more than %d redirects",
				 RB_HTTP_MAX_REDIRECTS);
			return;
		}
		loc = x->info.location;
		err = rb_http_redirect_target(&x->url, loc->value, loc->value_len, &next);
		if (err) {
			x->final_err = err == -EPERM ? -EPERM : -EPROTO;
			snprintf(x->final_msg, sizeof(x->final_msg), "%s redirect to '%.*s'",
				 err == -EPERM ? "refusing https -> http" : "bad",
				 (int)(loc->value_len < 120 ? loc->value_len : 120), loc->value);
			return;
		}
		x->redirects++;
		rb_fetch_set_num(&f->res, "redirects", x->redirects);
		rb_info("http: %d -> %s://%s%s", st, next.scheme, next.host, next.path);
		x->url = next;
		x->final_err = 1;	/* "not the body we want": handled after draining */
		return;
	}
	if (st == 503 || st == 429) {
		double max = rb_http_opt_or(f->opts->retry_after_max, 30);
		double wait = x->info.retry_after >= 0 ? (double)x->info.retry_after : 1;

		if (x->tries_503 < RB_HTTP_503_TRIES && wait <= max) {
			x->tries_503++;
			x->final_err = 2;	/* retry after the body */
			return;
		}
		x->final_err = -EAGAIN;
		snprintf(x->final_msg, sizeof(x->final_msg),
			 "HTTP %d %.*s (Retry-After %lld s; waiting at most %.0f s, %u tries)", st,
			 (int)x->resp.reason_len, x->resp.reason, (long long)x->info.retry_after,
			 max, RB_HTTP_503_TRIES);
		return;
	}
	if (st != 200 && st != 206) {
		x->final_err = st == 404 || st == 410 ? -ENOENT :
			       st == 403 || st == 401 ? -EACCES :
			       transient_status(st) ? -EAGAIN : -EPROTO;
		snprintf(x->final_msg, sizeof(x->final_msg), "HTTP %d %.*s from %.60s%.100s", st,
			 (int)(x->resp.reason_len < 80 ? x->resp.reason_len : 80), x->resp.reason,
			 x->url.host, x->url.path);
		return;
	}
	if (st == 206) {
		if (!x->range_from || x->info.range_first != x->range_from) {
			x->final_err = -EPROTO;
			snprintf(x->final_msg, sizeof(x->final_msg),
				 "206 for a range we did not ask (%llu-)",
				 (unsigned long long)x->info.range_first);
			return;
		}
		x->resumes++;
		rb_fetch_set_num(&f->res, "resumes", x->resumes);
		rb_fetch_set_num(&f->res, "resumed_from", x->range_from);
		x->deliver = true;
		return;
	}
	/* 200: the whole representation */
	total = x->info.framing == RB_HTTP_BODY_LENGTH ? x->info.content_length
						       : RB_SINK_SIZE_UNKNOWN;
	if (x->sink_open && f->sink->written) {
		/* asked for a range (or validator changed): start over (RFC 9110 §13.1.5) */
		rb_info("http: server sent the whole file again; restarting");
		err = rb_sink_rewind(f->sink);
		if (err) {
			x->final_err = err;
			snprintf(x->final_msg, sizeof(x->final_msg),
				 "cannot restart the download: %s", strerror(-err));
			return;
		}
	} else if (!x->sink_open) {
		err = rb_sink_open(f->sink, total);
		if (err) {
			x->final_err = err;
			snprintf(x->final_msg, sizeof(x->final_msg), "%s",
				 err == -EFBIG ? "file too large for its destination"
					       : strerror(-err));
			return;
		}
		x->sink_open = true;
	}
	f->res.total = total;
	x->validator[0] = '\0';
	remember_validator(x);
	x->deliver = true;
	return;
}

void rb_http_on_head(struct rb_http_xfer *x)
{
	int n;

	for (;;) {
		n = rb_http_parse_response(x->buf, x->len, &x->resp);
		if (n == -EAGAIN) {
			if (x->len == RB_HTTP_BUF) {
				rb_http_xfer_fail(x, -E2BIG, "response head too large");
				return;
			}
			rb_http_conn_recv(x->conn, x->buf + x->len, RB_HTTP_BUF - x->len);
			return;
		}
		if (n < 0) {
			x->info.keep_alive = false;
			rb_http_xfer_fail(x, -EBADMSG, n == -E2BIG ?
				  "response head too large (over %d bytes or %d fields)" :
				  "malformed response head from the server", RB_HTTP_MAX_HEAD,
				  RB_HTTP_MAX_HEADERS);
			return;
		}
		if (x->resp.status >= 200)
			break;
		/*
		 * 1xx interim responses (RFC 9110 §15.2): skip and parse the next
		 * head; a few, not a stream of them (each would be moved through
		 * the buffer, and none is the answer).
		 */
		if (++x->interim > RB_HTTP_MAX_INTERIM) {
			x->info.keep_alive = false;
			rb_http_xfer_fail(x, -EBADMSG, "more than %d interim (1xx) responses",
					  RB_HTTP_MAX_INTERIM);
			return;
		}
		memmove(x->buf, x->buf + n, x->len - (size_t)n);
		x->len -= (size_t)n;
		rb_http_response_reset(&x->resp);
	}
	if (rb_http_interpret(&x->resp, false, &x->info)) {
		x->info.keep_alive = false;
		rb_http_xfer_fail(x, -EBADMSG, "invalid response framing (Content-Length, "
			  "Transfer-Encoding or Content-Range) from the server");
		return;
	}
	x->pos = (size_t)n;
	x->deliver = false;
	x->st = XS_BODY;
	if (x->tk == TK_FIRST_BYTE)
		rb_http_timer_stop(x);
	x->progress = 0;
	rb_http_timer_set(x, TK_IDLE, rb_http_opt_or(x->f->opts->idle_timeout, 10));
	handle_status(x);
	rb_chunked_init(&x->chunk);
	x->body_left = x->info.content_length;
	rb_http_on_body(x);
}

/*
 * Body bytes: to the sink, or counted and dropped. 0 or -errno. Only these
 * count as progress against the stall timer: a server that sends framing
 * (chunk extensions, padding zeros, trailers) and no payload is stalled.
 */
static int consume(struct rb_http_xfer *x, const char *p, size_t n)
{
	if (!n)
		return 0;
	x->progress += n;
	if (x->deliver)
		return rb_sink_write(x->f->sink, p, n);
	x->discarded += n;
	return x->discarded > RB_HTTP_DISCARD_MAX ? -EFBIG : 0;
}

/* The body of this response is complete. */
void rb_http_body_done(struct rb_http_xfer *x)
{
	int fe = x->final_err;

	/* a body longer than its framing: the connection is not reusable */
	if (x->pos != x->len) {
		rb_debug("http: %zu bytes after the body; not reusing the connection",
			 x->len - x->pos);
		x->info.keep_alive = false;
	}
	x->body_complete = true;
	if (x->conn && x->https)
		rb_tls_save_session(&x->conn->tls, &x->pool->tls, x->conn->session_key);
	if (fe == 1 || fe == 2) {	/* redirect or 503: next request */
		double wait = fe == 2 ? (x->info.retry_after >= 0 ? x->info.retry_after : 1) : 0;

		rb_http_timer_stop(x);
		/* idle in the pool: the next request takes it if it goes to the same server */
		if (x->conn) {
			rb_http_conn_release(x->pool, x->conn, x->info.keep_alive);
			x->conn = NULL;
		}
		x->https = !strcmp(x->url.scheme, "https");
		x->default_port = x->https ? 443 : 80;
		x->f->res.transport = x->https ? "https" : "http";
		if (wait > 0)
			rb_http_wait_retry(x, wait);
		else
			rb_http_request_start(x);
		return;
	}
	if (fe) {
		rb_http_xfer_fail(x, fe, "%s", x->final_msg);
		return;
	}
	rb_http_xfer_end(x, 0, NULL);
}

void rb_http_on_body(struct rb_http_xfer *x)
{
	int err = 0;

	while (x->pos < x->len || x->info.framing == RB_HTTP_BODY_NONE ||
	       (x->info.framing == RB_HTTP_BODY_LENGTH && !x->body_left)) {
		const char *p = x->buf + x->pos;
		size_t avail = x->len - x->pos, n;

		if (x->info.framing == RB_HTTP_BODY_NONE ||
		    (x->info.framing == RB_HTTP_BODY_LENGTH && !x->body_left)) {
			rb_http_body_done(x);
			return;
		}
		if (x->info.framing == RB_HTTP_BODY_CHUNKED) {
			const char *d;
			size_t dl;
			ssize_t used = rb_chunked_feed(&x->chunk, p, avail, &d, &dl);

			if (used < 0) {
				x->info.keep_alive = false;
				rb_http_xfer_fail(x, -EBADMSG, "malformed chunked body (%s)",
					  used == -ERANGE ? "chunk size overflows: over 16 hex "
							    "digits or 64 bits" :
					  used == -E2BIG ? "extension or trailer too long" :
							   "bad chunk framing");
				return;
			}
			x->pos += (size_t)used;
			err = consume(x, d, dl);
			if (!err && rb_chunked_done(&x->chunk)) {
				rb_http_body_done(x);
				return;
			}
		} else {
			n = avail;
			if (x->info.framing == RB_HTTP_BODY_LENGTH && n > x->body_left)
				n = (size_t)x->body_left;
			err = consume(x, p, n);
			x->pos += n;
			if (x->info.framing == RB_HTTP_BODY_LENGTH)
				x->body_left -= n;
		}
		if (err) {
			x->info.keep_alive = false;
			if (!x->deliver) {
				rb_http_xfer_fail(x, x->final_err < 0 ? x->final_err : -EPROTO,
						  "%s", x->final_msg);
				return;
			}
			rb_http_xfer_fail(x, err, "%s", err == -EFBIG ?
					  "file too large for its destination" : strerror(-err));
			return;
		}
	}
	/* everything in the buffer was consumed: receive again from its start */
	x->len = x->pos = 0;
	rb_http_conn_recv(x->conn, x->buf, RB_HTTP_BUF);
}
