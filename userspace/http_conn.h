/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One HTTP connection: TCP on the io_uring loop, optionally TLS (tls.h), kept
 * idle in a struct rb_http_pool between requests. Its owner (the transfer in
 * http.c) gets every completion through rb_http_conn_event().
 */
#ifndef RINGBOOT_HTTP_CONN_H
#define RINGBOOT_HTTP_CONN_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "http.h"
#include "tls.h"
#include "uring.h"

struct rb_fetch;

enum rb_http_ev {
	RB_HTTP_EV_CONNECTED,
	RB_HTTP_EV_CONNECT_FAILED,	/* every address failed; errmsg says why */
	RB_HTTP_EV_HANDSHAKE_DONE,
	RB_HTTP_EV_TLS_FAILED,		/* err: -EKEYREJECTED (certificate) or -EPROTO */
	RB_HTTP_EV_SENT,
	RB_HTTP_EV_DATA,		/* err: bytes placed at the receive buffer */
	RB_HTTP_EV_EOF,			/* err: 0, or -ECONNRESET when TLS ended without
					 * close_notify (RFC 8446 §6.1: a truncation) */
	RB_HTTP_EV_IO_ERROR,		/* err: -errno (-ECANCELED when cancelled) */
};

enum rb_http_io { RB_IO_NONE, RB_IO_CONNECT, RB_IO_SEND, RB_IO_RECV };

struct rb_http_conn {
	struct rb_op op;
	struct rb_loop *loop;
	void *owner;
	int fd;
	bool tls_on;
	struct rb_tls tls;
	char key[RB_URL_HOST_MAX + 24];	/* "scheme://host:port" */
	char identity[RB_URL_HOST_MAX];	/* what the certificate must name */
	bool any_name;			/* TLSSRVRID 0 (the owner's): not checked */
	char sni[RB_URL_HOST_MAX];
	char session_key[RB_URL_HOST_MAX + 8];	/* identity:port of a resumable session */
	char peer[80];			/* "address:port" connected to */
	char mac[18];			/* of the interface it leaves by ("" unknown) */
	char errmsg[200];
	unsigned int requests;		/* responses completed on this connection */
	struct rb_http_pool *pool;
	struct addrinfo *ai, *ai_cur;
	bool ai_resolver;		/* ai from rb_resolve_addrinfo() (resolve.h) */
	uint16_t port;
	enum rb_http_io io;
	bool tls_phase_handshake;	/* the I/O in flight drives the handshake */
	const char *send_buf;		/* plain: the caller's; TLS: tls.out */
	size_t send_len, send_off;
	char *recv_buf;
	size_t recv_cap;
};

/*
 * A connection for url: an idle one from the pool (returns 1, ready for a
 * request) or a new one being connected (returns 0; RB_HTTP_EV_CONNECTED or
 * _CONNECT_FAILED follow). -errno with err filled when it cannot start.
 */
int rb_http_conn_get(struct rb_http_pool *pool, struct rb_fetch *f, const struct rb_url *url,
		     uint16_t default_port, bool https, struct rb_http_conn **out,
		     char *err, size_t errlen);
/* Back to the pool when keep (and there is room), else closed and freed. */
void rb_http_conn_release(struct rb_http_pool *pool, struct rb_http_conn *c, bool keep);

void rb_http_conn_handshake(struct rb_http_conn *c);
/* Send all of buf (kept by the caller until RB_HTTP_EV_SENT). */
void rb_http_conn_send(struct rb_http_conn *c, const char *buf, size_t len);
/* Receive plaintext into buf[0..cap): RB_HTTP_EV_DATA, _EOF or _IO_ERROR. */
void rb_http_conn_recv(struct rb_http_conn *c, char *buf, size_t cap);

/* Find the MAC of the interface this connection leaves by (c->mac). */
void rb_http_conn_mac(struct rb_http_conn *c);

/* Implemented by the owner (http.c). */
void rb_http_conn_event(struct rb_http_conn *c, int ev, int err);

#endif
