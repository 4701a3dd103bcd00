// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HTTP/1.1 client state machine on the io_uring loop (see http.h).
 *
 *   CONNECT -> [TLS handshake] -> SEND request -> RECV head -> RECV body -> done
 *       ^                                                   |
 *       +-- redirect, 503 + Retry-After, broken body (Range) +
 *
 * One I/O operation is in flight per transfer at a time (connect, send or
 * receive on the connection's op) plus one timer (connect, first byte, stall
 * check, or a wait before retrying). wolfSSL only sees memory (tls.c).
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch.h"
#include "http.h"
#include "http_chunked.h"
#include "http_conn.h"
#include "http_parse.h"
#include "log.h"

enum http_defaults {
	RB_HTTP_BUF = 256 * 1024,		/* plaintext receive buffer */
	RB_HTTP_REQ_MAX = 4096,
	RB_HTTP_DISCARD_MAX = 64 * 1024,	/* error/redirect body read to keep the connection */
	RB_HTTP_MIN_PROGRESS = 512,		/* bytes per idle window, else "stalled" */
	RB_HTTP_503_TRIES = 3,
};

enum xfer_state {
	XS_CONNECT,
	XS_HANDSHAKE,
	XS_SEND,
	XS_HEAD,
	XS_BODY,
	XS_WAIT,	/* before a retry (Retry-After, reconnect backoff) */
};

enum timer_kind { TK_NONE, TK_CONNECT, TK_FIRST_BYTE, TK_IDLE, TK_WAIT };

struct xfer {
	struct rb_fetch *f;
	struct rb_http_pool *pool, own_pool;
	struct rb_http_conn *conn;
	struct rb_url url;		/* current target (after redirects) */
	uint16_t default_port;
	bool https;
	enum xfer_state st;
	struct rb_timer timer;
	enum timer_kind tk;
	int timer_err;			/* set when a timer cancelled the I/O */
	char ua[256];
	char req[RB_HTTP_REQ_MAX];
	size_t req_len, req_off;
	char *buf;			/* plaintext received: buf[0..len) */
	size_t len, pos;		/* pos: first byte not yet consumed */
	struct rb_http_response resp;
	struct rb_http_info info;
	struct rb_chunked chunk;
	uint64_t body_left;		/* RB_HTTP_BODY_LENGTH */
	uint64_t discarded;
	bool deliver;			/* body goes to the sink (200/206), else discarded */
	int final_err;			/* error status: fail after the body is drained */
	char final_msg[200];
	bool sink_open;
	uint64_t range_from;		/* Range asked in this request */
	char validator[256];		/* strong ETag or Last-Modified, for If-Range */
	unsigned int redirects, tries_503, reconnects, resumes;
	uint64_t progress;		/* bytes since the last stall check */
	bool got_response_byte;
	bool body_complete;		/* the whole body of the last response was read */
	bool finishing;
};

static void xfer_fail(struct xfer *x, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void start_request(struct xfer *x);
static void on_head(struct xfer *x);
static void on_body(struct xfer *x);
static void body_done(struct xfer *x);

static double opt_or(double v, double def)
{
	return v > 0 ? v : def;
}

static void timer_set(struct xfer *x, enum timer_kind k, double seconds)
{
	x->tk = k;
	rb_timer_mod(x->f->loop, &x->timer, (uint64_t)(seconds * 1e9));
}

static void timer_stop(struct xfer *x)
{
	x->tk = TK_NONE;
	rb_timer_del(x->f->loop, &x->timer);
}

/* Release everything, hand the connection back (or close it), and finish. */
static void xfer_end(struct xfer *x, int err, const char *msg)
{
	struct rb_fetch *f = x->f;
	struct rb_loop *loop = f->loop;
	bool keep;

	x->finishing = true;
	timer_stop(x);
	rb_loop_cancel_sync(loop, &x->timer.op);
	if (x->conn) {
		if (x->conn->op.inflight)
			rb_loop_cancel_sync(loop, &x->conn->op);
		/* reusable only after a complete body (a 404's too) on a persistent connection */
		keep = x->body_complete && x->info.keep_alive;
		rb_http_conn_release(x->pool, x->conn, keep);
		x->conn = NULL;
	}
	rb_fetch_set_num(&f->res, "connections", x->pool->connects);
	if (x->pool == &x->own_pool)
		rb_http_pool_free(&x->own_pool);
	free(x->buf);
	f->priv = NULL;
	if (err)
		rb_fetch_fail(f, err, "%s", msg);
	else
		rb_fetch_finish(f, 0);
	free(x);
}

static void xfer_fail(struct xfer *x, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rb_debug("http: %s", msg);
	xfer_end(x, err, msg);
}

/* ---- retries: reconnect (resume), Retry-After ---- */

static void wait_then_retry(struct xfer *x, double seconds)
{
	x->st = XS_WAIT;
	timer_set(x, TK_WAIT, seconds);
}

/*
 * The connection broke. Before any byte of a response on a reused
 * connection: the server had closed it while idle, so retry at once on a
 * fresh one. Mid-body: resume with Range after a short backoff (RFC 9110
 * §14.2), bounded by http_retries.
 */
static void connection_broke(struct xfer *x, int err, const char *what)
{
	bool reused = x->conn && x->conn->requests > 0;
	unsigned int max = x->f->opts->http_retries ? x->f->opts->http_retries : 5;
	char why[200];

	snprintf(why, sizeof(why), "%s", what);	/* what may live in the connection */
	what = why;
	if (x->conn) {
		rb_http_conn_release(x->pool, x->conn, false);
		x->conn = NULL;
	}
	if (x->final_err < 0) {
		xfer_fail(x, x->final_err, "%s", x->final_msg);
		return;
	}
	if (x->final_err > 0) {
		/* the dropped body of a redirect or 503 broke off: go on regardless */
		x->info.keep_alive = false;
		body_done(x);
		return;
	}
	if (reused && !x->got_response_byte) {
		rb_debug("http: kept-alive connection was closed by the server; reconnecting");
		start_request(x);
		return;
	}
	if (x->st == XS_BODY || x->reconnects) {
		if (x->reconnects >= max) {
			xfer_fail(x, err, "%s (gave up after %u reconnects)", what, x->reconnects);
			return;
		}
		x->reconnects++;
		rb_info("http: %s after %llu bytes; reconnecting (%u/%u)", what,
			(unsigned long long)x->f->sink->written, x->reconnects, max);
		wait_then_retry(x, 0.25 * (1u << (x->reconnects < 4 ? x->reconnects : 4)));
		return;
	}
	xfer_fail(x, err, "%s", what);
}

static void timer_fired(struct rb_loop *loop, struct rb_timer *t)
{
	struct xfer *x = container_of(t, struct xfer, timer);
	enum timer_kind k = x->tk;

	x->tk = TK_NONE;
	switch (k) {
	case TK_WAIT:
		start_request(x);
		return;
	case TK_IDLE:
		if (x->progress >= RB_HTTP_MIN_PROGRESS) {
			x->progress = 0;
			timer_set(x, TK_IDLE, opt_or(x->f->opts->idle_timeout, 10));
			return;
		}
		x->timer_err = -ETIMEDOUT;
		break;
	case TK_CONNECT:
	case TK_FIRST_BYTE:
		x->timer_err = -ETIMEDOUT;
		break;
	case TK_NONE:
		return;
	}
	/* the I/O completes with -ECANCELED and io_done reports timer_err */
	if (x->conn && x->conn->op.inflight)
		rb_loop_cancel(loop, &x->conn->op);
}

/* ---- connection events (http_conn.c calls these) ---- */

static const char *timeout_what(struct xfer *x)
{
	switch (x->st) {
	case XS_CONNECT:
		return "connect timed out";
	case XS_HANDSHAKE:
	case XS_SEND:
	case XS_HEAD:
		return "no response from the server in time";
	default:
		return "transfer stalled (too little progress)";
	}
}

void rb_http_conn_event(struct rb_http_conn *c, int ev, int err)
{
	struct xfer *x = c->owner;
	char msg[200];

	if (!x || x->finishing)
		return;
	if (x->timer_err) {
		int terr = x->timer_err;

		x->timer_err = 0;
		x->info.keep_alive = false;
		xfer_fail(x, terr, "%s", timeout_what(x));
		return;
	}
	switch (ev) {
	case RB_HTTP_EV_CONNECTED:
		timer_stop(x);
		snprintf(x->f->res.server, sizeof(x->f->res.server), "%s", c->peer);
		if (!x->f->opts->mac)
			rb_http_conn_mac(c);
		if (c->tls_on) {
			x->st = XS_HANDSHAKE;
			timer_set(x, TK_FIRST_BYTE, opt_or(x->f->opts->first_byte_timeout, 30));
			rb_http_conn_handshake(c);
			return;
		}
		/* fall through to sending the request */
		start_request(x);
		return;
	case RB_HTTP_EV_HANDSHAKE_DONE:
		rb_fetch_set_str(&x->f->res, "tls_version", rb_tls_version(&c->tls));
		rb_fetch_set_str(&x->f->res, "tls_cipher", rb_tls_cipher(&c->tls));
		rb_fetch_set_num(&x->f->res, "tls_resumed", rb_tls_resumed(&c->tls));
		start_request(x);
		return;
	case RB_HTTP_EV_SENT:
		x->st = XS_HEAD;
		rb_http_conn_recv(c, x->buf + x->len, RB_HTTP_BUF - x->len);
		return;
	case RB_HTTP_EV_DATA:
		x->len += (size_t)err;
		x->progress += (size_t)err;
		x->got_response_byte = true;
		if (x->st == XS_HEAD)
			on_head(x);
		else
			on_body(x);
		return;
	case RB_HTTP_EV_EOF:
		if (x->st == XS_BODY && x->info.framing == RB_HTTP_BODY_CLOSE) {
			x->info.keep_alive = false;	/* RFC 9112 §6.3 item 8: close ends the body */
			body_done(x);
			return;
		}
		connection_broke(x, -ECONNRESET, x->st == XS_BODY ?
				 "connection closed in the middle of the body" :
				 "connection closed before a complete response");
		return;
	case RB_HTTP_EV_CONNECT_FAILED:
		timer_stop(x);
		connection_broke(x, err, c->errmsg);
		return;
	case RB_HTTP_EV_TLS_FAILED:
		rb_tls_strerror(&c->tls, err, msg, sizeof(msg));
		xfer_fail(x, err, "%s: %s", c->peer, msg);
		return;
	case RB_HTTP_EV_IO_ERROR:
		snprintf(msg, sizeof(msg), "connection error: %s", strerror(-err));
		connection_broke(x, err, msg);
		return;
	}
}

/* ---- request ---- */

static void start_request(struct xfer *x)
{
	struct rb_fetch *f = x->f;
	const char *validator = x->validator[0] ? x->validator : NULL;
	int n, err;

	x->len = x->pos = 0;
	x->got_response_byte = false;
	x->body_complete = false;
	x->final_err = 0;
	x->discarded = 0;
	rb_http_response_reset(&x->resp);
	memset(&x->info, 0, sizeof(x->info));
	if (!x->conn) {
		x->st = XS_CONNECT;
		err = rb_http_conn_get(x->pool, f, &x->url, x->default_port, x->https, &x->conn,
				       x->f->res.reason, sizeof(x->f->res.reason));
		if (err < 0) {
			xfer_fail(x, err, "%s", x->f->res.reason);
			return;
		}
		x->conn->owner = x;
		if (err == 0) {	/* new connection: connecting */
			timer_set(x, TK_CONNECT, opt_or(f->opts->connect_timeout, 10));
			return;
		}
		rb_fetch_set_num(&f->res, "reused_connection", 1);
		snprintf(x->f->res.server, sizeof(x->f->res.server), "%s", x->conn->peer);
		if (x->https) {
			rb_fetch_set_str(&x->f->res, "tls_version", rb_tls_version(&x->conn->tls));
			rb_fetch_set_str(&x->f->res, "tls_cipher", rb_tls_cipher(&x->conn->tls));
		}
	}
	/* resume where the sink is (RFC 9110 §14.2, §13.1.5) */
	rb_http_user_agent(x->ua, sizeof(x->ua), f->opts->model,
			   f->opts->mac ? f->opts->mac : x->conn->mac);
	x->range_from = x->sink_open ? f->sink->written : 0;
	if (!x->range_from)
		validator = NULL;
	n = rb_http_build_request(x->req, sizeof(x->req), &x->url, x->default_port, x->ua,
				  x->range_from, validator);
	if (n < 0) {
		xfer_fail(x, n, "request too long for '%s'", x->url.path);
		return;
	}
	x->req_len = (size_t)n;
	x->st = XS_SEND;
	timer_set(x, TK_FIRST_BYTE, opt_or(f->opts->first_byte_timeout, 30));
	rb_http_conn_send(x->conn, x->req, x->req_len);
}

/* ---- response ---- */

static void remember_validator(struct xfer *x)
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

static bool is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/*
 * Decide what the head means: deliver the body (200, 206), or read and drop
 * it and then follow a redirect (final_err 1), retry after a 503 (2) or fail
 * with final_err < 0. The body is always read so the connection stays usable.
 */
static void handle_status(struct xfer *x)
{
	struct rb_fetch *f = x->f;
	int st = x->resp.status;
	uint64_t total;
	int err;

	rb_fetch_set_num(&f->res, "http_status", (uint64_t)st);
	if (is_redirect(st)) {
		struct rb_url next;

		if (!x->info.location) {
			x->final_err = -EPROTO;
			snprintf(x->final_msg, sizeof(x->final_msg), "HTTP %d without Location", st);
			return;
		}
		if (x->redirects >= RB_HTTP_MAX_REDIRECTS) {
			x->final_err = -ELOOP;
			snprintf(x->final_msg, sizeof(x->final_msg), "more than %d redirects",
				 RB_HTTP_MAX_REDIRECTS);
			return;
		}
		err = rb_http_redirect_target(&x->url, x->info.location->value,
					      x->info.location->value_len, &next);
		if (err) {
			x->final_err = err == -EPERM ? -EPERM : -EPROTO;
			snprintf(x->final_msg, sizeof(x->final_msg), "%s redirect to '%.*s'",
				 err == -EPERM ? "refusing https -> http" : "bad",
				 (int)(x->info.location->value_len < 120 ? x->info.location->value_len
									   : 120),
				 x->info.location->value);
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
		double max = opt_or(f->opts->retry_after_max, 30);
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
		x->final_err = st == 404 || st == 410 ? -ENOENT : st == 403 || st == 401 ? -EACCES
										       : -EPROTO;
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

static void on_head(struct xfer *x)
{
	int n = rb_http_parse_response(x->buf, x->len, &x->resp);

	if (n == -EAGAIN) {
		if (x->len == RB_HTTP_BUF) {
			xfer_fail(x, -E2BIG, "response head too large");
			return;
		}
		rb_http_conn_recv(x->conn, x->buf + x->len, RB_HTTP_BUF - x->len);
		return;
	}
	if (n < 0) {
		x->info.keep_alive = false;
		xfer_fail(x, -EBADMSG, n == -E2BIG ?
			  "response head too large (over %d bytes or %d fields)" :
			  "malformed response head from the server", RB_HTTP_MAX_HEAD,
			  RB_HTTP_MAX_HEADERS);
		return;
	}
	/* 1xx interim responses (RFC 9110 §15.2): skip and parse the next head */
	if (x->resp.status < 200) {
		memmove(x->buf, x->buf + n, x->len - (size_t)n);
		x->len -= (size_t)n;
		rb_http_response_reset(&x->resp);
		on_head(x);
		return;
	}
	if (rb_http_interpret(&x->resp, false, &x->info)) {
		x->info.keep_alive = false;
		xfer_fail(x, -EBADMSG, "invalid response framing (Content-Length, "
			  "Transfer-Encoding or Content-Range) from the server");
		return;
	}
	x->pos = (size_t)n;
	x->deliver = false;
	x->st = XS_BODY;
	if (x->tk == TK_FIRST_BYTE)
		timer_stop(x);
	x->progress = 0;
	timer_set(x, TK_IDLE, opt_or(x->f->opts->idle_timeout, 10));
	handle_status(x);
	rb_chunked_init(&x->chunk);
	x->body_left = x->info.content_length;
	on_body(x);
}

/* Body bytes: to the sink, or counted and dropped. 0 or -errno. */
static int consume(struct xfer *x, const char *p, size_t n)
{
	if (!n)
		return 0;
	if (x->deliver)
		return rb_sink_write(x->f->sink, p, n);
	x->discarded += n;
	return x->discarded > RB_HTTP_DISCARD_MAX ? -EFBIG : 0;
}

/* The body of this response is complete. */
static void body_done(struct xfer *x)
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

		timer_stop(x);
		/* idle in the pool: the next request takes it if it goes to the same server */
		if (x->conn) {
			rb_http_conn_release(x->pool, x->conn, x->info.keep_alive);
			x->conn = NULL;
		}
		x->https = !strcmp(x->url.scheme, "https");
		x->default_port = x->https ? 443 : 80;
		x->f->res.transport = x->https ? "https" : "http";
		if (wait > 0)
			wait_then_retry(x, wait);
		else
			start_request(x);
		return;
	}
	if (fe) {
		xfer_fail(x, fe, "%s", x->final_msg);
		return;
	}
	xfer_end(x, 0, NULL);
}

static void on_body(struct xfer *x)
{
	int err = 0;

	while (x->pos < x->len || x->info.framing == RB_HTTP_BODY_NONE ||
	       (x->info.framing == RB_HTTP_BODY_LENGTH && !x->body_left)) {
		const char *p = x->buf + x->pos;
		size_t avail = x->len - x->pos, n;

		if (x->info.framing == RB_HTTP_BODY_NONE ||
		    (x->info.framing == RB_HTTP_BODY_LENGTH && !x->body_left)) {
			body_done(x);
			return;
		}
		if (x->info.framing == RB_HTTP_BODY_CHUNKED) {
			const char *d;
			size_t dl;
			ssize_t used = rb_chunked_feed(&x->chunk, p, avail, &d, &dl);

			if (used < 0) {
				x->info.keep_alive = false;
				xfer_fail(x, -EBADMSG, "malformed chunked body (%s)",
					  used == -ERANGE ? "chunk size overflows" :
					  used == -E2BIG ? "extension or trailer too long" :
							   "bad chunk framing");
				return;
			}
			x->pos += (size_t)used;
			err = consume(x, d, dl);
			if (!err && rb_chunked_done(&x->chunk)) {
				body_done(x);
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
				xfer_fail(x, x->final_err < 0 ? x->final_err : -EPROTO, "%s",
					  x->final_msg);
				return;
			}
			xfer_fail(x, err, "%s", err == -EFBIG ? "file too large for its destination"
							     : strerror(-err));
			return;
		}
	}
	/* everything in the buffer was consumed: receive again from its start */
	x->len = x->pos = 0;
	rb_http_conn_recv(x->conn, x->buf, RB_HTTP_BUF);
}

/* ---- transport entry points ---- */

static int http_start(struct rb_fetch *f)
{
	const struct rb_fetch_opts *o = f->opts;
	struct xfer *x = calloc(1, sizeof(*x));
	int err;

	if (!x)
		return -ENOMEM;
	x->buf = malloc(RB_HTTP_BUF);
	if (!x->buf) {
		free(x);
		return -ENOMEM;
	}
	x->f = f;
	x->url = f->url;
	x->https = !strcmp(f->url.scheme, "https");
	x->default_port = x->https ? 443 : 80;
	if (o->http_pool) {
		x->pool = o->http_pool;
	} else {
		rb_http_pool_init(&x->own_pool);
		x->pool = &x->own_pool;
	}
	err = rb_http_user_agent(x->ua, sizeof(x->ua), o->model, o->mac);
	if (err < 0) {
		rb_fetch_fail(f, err, "--model or --mac too long");
		goto fail;
	}
	rb_timer_init(&x->timer, timer_fired);
	f->priv = x;
	start_request(x);
	return 0;
fail:
	if (x->pool == &x->own_pool)
		rb_http_pool_free(&x->own_pool);
	free(x->buf);
	free(x);
	return err;
}

static void http_cancel(struct rb_fetch *f, int err)
{
	struct xfer *x = f->priv;

	if (!x)
		return;
	x->info.keep_alive = false;
	xfer_fail(x, err, "%s", err == -ETIMEDOUT ? "deadline passed" : "cancelled");
}

const struct rb_transport rb_transport_http = {
	.scheme = "http",
	.default_port = 80,
	.start = http_start,
	.cancel = http_cancel,
};

const struct rb_transport rb_transport_https = {
	.scheme = "https",
	.default_port = 443,
	.start = http_start,
	.cancel = http_cancel,
};
