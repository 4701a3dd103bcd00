/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One HTTP(S) transfer's state, shared by the client's two halves: http.c
 * (lifecycle, connection events, requests, retries) and http_resp.c (what a
 * response means, and its body). Internal to the HTTP transport.
 */
#ifndef RINGBOOT_HTTP_XFER_H
#define RINGBOOT_HTTP_XFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch.h"
#include "http.h"
#include "http_chunked.h"
#include "http_conn.h"
#include "http_parse.h"

enum rb_http_defaults {
	RB_HTTP_BUF = 256 * 1024,		/* plaintext receive buffer */
	RB_HTTP_REQ_MAX = 4096,
	RB_HTTP_DISCARD_MAX = 64 * 1024,	/* error/redirect body read to keep a connection */
	RB_HTTP_MIN_PROGRESS = 512,		/* body bytes per idle window, else "stalled" */
	RB_HTTP_503_TRIES = 3,
	RB_HTTP_MAX_INTERIM = 8,		/* 1xx responses before the final one */
};

enum rb_http_xfer_state {
	XS_CONNECT,
	XS_HANDSHAKE,
	XS_SEND,
	XS_HEAD,
	XS_BODY,
	XS_WAIT,	/* before a retry (Retry-After, reconnect backoff) */
};

enum rb_http_timer_kind { TK_NONE, TK_CONNECT, TK_FIRST_BYTE, TK_IDLE, TK_WAIT };

struct rb_http_xfer {
	struct rb_fetch *f;
	struct rb_http_pool *pool, own_pool;
	struct rb_http_conn *conn;
	struct rb_url url;		/* current target (after redirects) */
	uint16_t default_port;
	bool https;
	enum rb_http_xfer_state st;
	struct rb_timer timer;
	enum rb_http_timer_kind tk;
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
	uint64_t progress;		/* body bytes (never framing: heads, chunk lines,
					 * trailers) since the last stall check */
	unsigned int interim;		/* 1xx responses to this request */
	bool got_response_byte;
	bool body_complete;		/* the whole body of the last response was read */
	bool finishing;
};

static inline double rb_http_opt_or(double v, double def)
{
	return v > 0 ? v : def;
}

void rb_http_timer_set(struct rb_http_xfer *x, enum rb_http_timer_kind k, double seconds);
void rb_http_timer_stop(struct rb_http_xfer *x);
/* Release the connection and timer, free x, finish the fetch with err. */
void rb_http_xfer_end(struct rb_http_xfer *x, int err, const char *msg);
__attribute__((format(printf, 3, 4)))
void rb_http_xfer_fail(struct rb_http_xfer *x, int err, const char *fmt, ...);
/* Send the request for x->url (on a kept or a new connection). */
void rb_http_request_start(struct rb_http_xfer *x);
/* Try again after seconds (Retry-After, reconnect backoff). */
void rb_http_wait_retry(struct rb_http_xfer *x, double seconds);
/* Response bytes arrived at x->buf[x->len - n .. x->len). */
void rb_http_on_head(struct rb_http_xfer *x);
void rb_http_on_body(struct rb_http_xfer *x);
/* The body of the current response is complete (or ended by close). */
void rb_http_body_done(struct rb_http_xfer *x);

#endif
