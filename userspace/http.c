// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HTTP/1.1 client state machine on the io_uring loop (see http.h).
 *
 *   CONNECT -> [TLS handshake] -> SEND request -> RECV head -> RECV body -> done
 *       ^                                                   |
 *       +-- redirect, 503 + Retry-After, broken or stalled body (Range) +
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

#include "http_xfer.h"
#include "log.h"

void rb_http_timer_set(struct rb_http_xfer *x, enum rb_http_timer_kind k, double seconds)
{
	x->tk = k;
	rb_timer_mod(x->f->loop, &x->timer, (uint64_t)(seconds * 1e9));
}

void rb_http_timer_stop(struct rb_http_xfer *x)
{
	x->tk = TK_NONE;
	rb_timer_del(x->f->loop, &x->timer);
}

/* Release everything, hand the connection back (or close it), and finish. */
void rb_http_xfer_end(struct rb_http_xfer *x, int err, const char *msg)
{
	struct rb_fetch *f = x->f;
	struct rb_loop *loop = f->loop;
	bool keep;

	x->finishing = true;
	rb_http_timer_stop(x);
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

void rb_http_xfer_fail(struct rb_http_xfer *x, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rb_debug("http: %s", msg);
	rb_http_xfer_end(x, err, msg);
}

/* ---- retries: reconnect (resume), Retry-After ---- */

void rb_http_wait_retry(struct rb_http_xfer *x, double seconds)
{
	x->st = XS_WAIT;
	rb_http_timer_set(x, TK_WAIT, seconds);
}

/*
 * The connection broke (or stalled mid-body, see rb_http_conn_event). Before
 * any byte of a response on a reused connection: the server had closed it
 * while idle, so retry at once on a fresh one. Mid-body: resume with Range
 * after a short backoff (RFC 9110 §14.2), bounded by http_retries.
 */
static void connection_broke(struct rb_http_xfer *x, int err, const char *what)
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
		rb_http_xfer_fail(x, x->final_err, "%s", x->final_msg);
		return;
	}
	if (x->final_err > 0) {
		/* the dropped body of a redirect or 503 broke off: go on regardless */
		x->info.keep_alive = false;
		rb_http_body_done(x);
		return;
	}
	if (reused && !x->got_response_byte) {
		rb_debug("http: kept-alive connection was closed by the server; reconnecting");
		rb_http_request_start(x);
		return;
	}
	if (x->st == XS_BODY || x->reconnects) {
		if (x->reconnects >= max) {
			rb_http_xfer_fail(x, err, "%s (gave up after %u reconnect%s)", what,
					  x->reconnects, x->reconnects == 1 ? "" : "s");
			return;
		}
		x->reconnects++;
		rb_info("http: %s after %llu bytes; reconnecting (%u/%u)", what,
			(unsigned long long)x->f->sink->written, x->reconnects, max);
		rb_http_wait_retry(x, 0.25 * (1u << (x->reconnects < 4 ? x->reconnects : 4)));
		return;
	}
	rb_http_xfer_fail(x, err, "%s", what);
}

static void timer_fired(struct rb_loop *loop, struct rb_timer *t)
{
	struct rb_http_xfer *x = container_of(t, struct rb_http_xfer, timer);
	enum rb_http_timer_kind k = x->tk;

	x->tk = TK_NONE;
	switch (k) {
	case TK_WAIT:
		rb_http_request_start(x);
		return;
	case TK_IDLE:
		if (x->progress >= RB_HTTP_MIN_PROGRESS) {
			x->progress = 0;
			rb_http_timer_set(x, TK_IDLE, rb_http_opt_or(x->f->opts->idle_timeout, 10));
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

/* Which AEAD was offered first, and why: the negotiated tls_cipher follows it. */
static void tls_prefer_result(struct rb_http_xfer *x)
{
	const struct rb_tls_choice *ch = &x->pool->tls.choice;

	rb_fetch_set_str(&x->f->res, "tls_prefer", rb_tls_prefer_name(ch->prefer));
	rb_fetch_set_str(&x->f->res, "tls_prefer_reason", ch->reason);
}

static const char *timeout_what(struct rb_http_xfer *x)
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
	struct rb_http_xfer *x = c->owner;
	char msg[200];

	if (!x || x->finishing)
		return;
	if (x->timer_err) {
		int terr = x->timer_err;

		x->timer_err = 0;
		x->info.keep_alive = false;
		/*
		 * A body that stopped arriving on an open connection is, to a
		 * handset on a flaky link, a drop the peer did not report: close
		 * it and resume with Range (RFC 9110 §14.2) within the same
		 * http_retries budget. A trickle is still cut off after them.
		 * Timeouts before the body fail here: the boot has its own
		 * retries and server fallback for those.
		 */
		if (x->st == XS_BODY) {
			connection_broke(x, terr, timeout_what(x));
			return;
		}
		rb_http_xfer_fail(x, terr, "%s", timeout_what(x));
		return;
	}
	switch (ev) {
	case RB_HTTP_EV_CONNECTED:
		rb_http_timer_stop(x);
		snprintf(x->f->res.server, sizeof(x->f->res.server), "%s", c->peer);
		if (!x->f->opts->mac)
			rb_http_conn_mac(c);
		if (c->tls_on) {
			x->st = XS_HANDSHAKE;
			rb_http_timer_set(x, TK_FIRST_BYTE,
					  rb_http_opt_or(x->f->opts->first_byte_timeout, 30));
			rb_http_conn_handshake(c);
			return;
		}
		/* fall through to sending the request */
		rb_http_request_start(x);
		return;
	case RB_HTTP_EV_HANDSHAKE_DONE:
		rb_fetch_set_str(&x->f->res, "tls_version", rb_tls_version(&c->tls));
		rb_fetch_set_str(&x->f->res, "tls_cipher", rb_tls_cipher(&c->tls));
		rb_fetch_set_num(&x->f->res, "tls_resumed", rb_tls_resumed(&c->tls));
		tls_prefer_result(x);
		rb_http_request_start(x);
		return;
	case RB_HTTP_EV_SENT:
		x->st = XS_HEAD;
		rb_http_conn_recv(c, x->buf + x->len, RB_HTTP_BUF - x->len);
		return;
	case RB_HTTP_EV_DATA:
		/* progress is counted where body bytes are consumed (http_resp.c) */
		x->len += (size_t)err;
		x->got_response_byte = true;
		if (x->st == XS_HEAD)
			rb_http_on_head(x);
		else
			rb_http_on_body(x);
		return;
	case RB_HTTP_EV_EOF:
		if (x->st == XS_BODY && x->info.framing == RB_HTTP_BODY_CLOSE && !err) {
			/* RFC 9112 §6.3 item 8: the close ends the body */
			x->info.keep_alive = false;
			rb_http_body_done(x);
			return;
		}
		if (x->st == XS_BODY && x->info.framing == RB_HTTP_BODY_CLOSE) {
			/*
			 * Over TLS only close_notify ends such a body (RFC 8446
			 * §6.1, RFC 9112 §9.8): a bare TCP FIN is anyone's, and
			 * would turn a script into a shorter one. A broken body:
			 * resumed or failed as any other.
			 */
			connection_broke(x, -ECONNRESET, "connection closed without a TLS "
					 "close_notify: the body, delimited by the close, may be "
					 "truncated");
			return;
		}
		connection_broke(x, -ECONNRESET, x->st == XS_BODY ?
				 "connection closed in the middle of the body" :
				 "connection closed before a complete response");
		return;
	case RB_HTTP_EV_CONNECT_FAILED:
		rb_http_timer_stop(x);
		connection_broke(x, err, c->errmsg);
		return;
	case RB_HTTP_EV_TLS_FAILED:
		rb_tls_strerror(&c->tls, err, msg, sizeof(msg));
		rb_http_xfer_fail(x, err, "%s: %s", c->peer, msg);
		return;
	case RB_HTTP_EV_IO_ERROR:
		snprintf(msg, sizeof(msg), "connection error: %s", strerror(-err));
		connection_broke(x, err, msg);
		return;
	}
}

/* ---- request ---- */

void rb_http_request_start(struct rb_http_xfer *x)
{
	struct rb_fetch *f = x->f;
	const char *validator = x->validator[0] ? x->validator : NULL;
	int n, err;

	x->len = x->pos = 0;
	x->got_response_byte = false;
	x->body_complete = false;
	x->final_err = 0;
	x->discarded = 0;
	x->interim = 0;
	rb_http_response_reset(&x->resp);
	memset(&x->info, 0, sizeof(x->info));
	if (!x->conn) {
		x->st = XS_CONNECT;
		err = rb_http_conn_get(x->pool, f, &x->url, x->default_port, x->https, &x->conn,
				       x->f->res.reason, sizeof(x->f->res.reason));
		if (err < 0) {
			rb_http_xfer_fail(x, err, "%s", x->f->res.reason);
			return;
		}
		x->conn->owner = x;
		if (err == 0) {	/* new connection: connecting */
			rb_http_timer_set(x, TK_CONNECT,
					  rb_http_opt_or(f->opts->connect_timeout, 10));
			return;
		}
		rb_fetch_set_num(&f->res, "reused_connection", 1);
		snprintf(x->f->res.server, sizeof(x->f->res.server), "%s", x->conn->peer);
		if (x->https) {
			rb_fetch_set_str(&x->f->res, "tls_version", rb_tls_version(&x->conn->tls));
			rb_fetch_set_str(&x->f->res, "tls_cipher", rb_tls_cipher(&x->conn->tls));
			tls_prefer_result(x);
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
		rb_http_xfer_fail(x, n, "request too long for '%s'", x->url.path);
		return;
	}
	x->req_len = (size_t)n;
	x->st = XS_SEND;
	rb_http_timer_set(x, TK_FIRST_BYTE, rb_http_opt_or(f->opts->first_byte_timeout, 30));
	rb_http_conn_send(x->conn, x->req, x->req_len);
}

/* ---- transport entry points ---- */

static int http_start(struct rb_fetch *f)
{
	const struct rb_fetch_opts *o = f->opts;
	struct rb_http_xfer *x = calloc(1, sizeof(*x));
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
	rb_http_request_start(x);
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
	struct rb_http_xfer *x = f->priv;

	if (!x)
		return;
	x->info.keep_alive = false;
	rb_http_xfer_fail(x, err, "%s", err == -ETIMEDOUT ? "deadline passed" : "cancelled");
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
