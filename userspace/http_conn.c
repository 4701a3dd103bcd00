// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HTTP connections (http_conn.h): resolve, connect, TLS handshake, send and
 * receive on the io_uring loop, and the keep-alive pool. The socket is only
 * ever read and written by io_uring; wolfSSL sees memory buffers (tls.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch.h"
#include "http_conn.h"
#include "log.h"
#include "resolve.h"

static void io_done(struct rb_loop *loop, struct rb_op *op, int res, unsigned int flags);

void rb_http_pool_init(struct rb_http_pool *p)
{
	memset(p, 0, sizeof(*p));
}

static void ai_free(struct rb_http_conn *c)
{
	if (c->ai_resolver)
		rb_resolve_freeaddrinfo(c->ai);
	else
		freeaddrinfo(c->ai);
}

/*
 * A TLS connection ends with our close_notify (rb_tls_close_notify), so the
 * server can tell the end from a cut (and an OpenSSL server keeps the session
 * for resumption). This is the one write that does not go through io_uring:
 * the connection is being dropped, nothing waits for a completion any more,
 * and the alert is a few dozen bytes a socket with no send in flight takes at
 * once; should it not (MSG_DONTWAIT), the server sees a bare close, as it
 * would after a power cut.
 */
static void conn_close(struct rb_http_conn *c)
{
	if (c->tls_on) {
		if (c->fd >= 0 && !c->op.inflight && !rb_tls_close_notify(&c->tls) &&
		    rb_tls_out_pending(&c->tls))
			(void)!send(c->fd, c->tls.out, rb_tls_out_pending(&c->tls),
				    MSG_DONTWAIT | MSG_NOSIGNAL);
		rb_tls_free(&c->tls);
	}
	if (c->fd >= 0)
		close(c->fd);
	if (c->ai)
		ai_free(c);
	free(c);
}

void rb_http_pool_free(struct rb_http_pool *p)
{
	for (int i = 0; i < RB_HTTP_POOL_MAX; i++)
		if (p->idle[i])
			conn_close(p->idle[i]);
	if (p->tls_ready)
		rb_tls_ctx_free(&p->tls);
	memset(p, 0, sizeof(*p));
}

static void make_key(char *key, size_t len, const struct rb_url *url, bool https, uint16_t port)
{
	snprintf(key, len, "%s://%s:%u", https ? "https" : "http", url->host, port);
}

void rb_http_conn_release(struct rb_http_pool *pool, struct rb_http_conn *c, bool keep)
{
	c->owner = NULL;
	if (keep && !c->op.inflight) {
		for (int i = 0; i < RB_HTTP_POOL_MAX; i++) {
			if (!pool->idle[i]) {
				c->requests++;
				pool->idle[i] = c;
				return;
			}
		}
	}
	conn_close(c);
}

static void format_peer(struct rb_http_conn *c, const struct sockaddr *sa)
{
	char a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, a, sizeof(a));
		snprintf(c->peer, sizeof(c->peer), "[%s]:%u", a, c->port);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, a, sizeof(a));
		snprintf(c->peer, sizeof(c->peer), "%s:%u", a, c->port);
	}
}

/* Connect to c->ai_cur, or report failure when the list is exhausted. */
static void connect_next(struct rb_http_conn *c, int last_err)
{
	struct io_uring_sqe *sqe;
	int one = 1;

	for (; c->ai_cur; c->ai_cur = c->ai_cur->ai_next) {
		if (c->fd >= 0)
			close(c->fd);
		c->fd = socket(c->ai_cur->ai_family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
		if (c->fd < 0) {
			last_err = -errno;
			continue;
		}
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		format_peer(c, c->ai_cur->ai_addr);
		sqe = rb_loop_sqe(c->loop, &c->op);
		if (!sqe) {
			last_err = -EIO;
			break;
		}
		io_uring_prep_connect(sqe, c->fd, c->ai_cur->ai_addr, c->ai_cur->ai_addrlen);
		c->io = RB_IO_CONNECT;
		return;
	}
	snprintf(c->errmsg, sizeof(c->errmsg), "cannot connect to %.80s: %s",
		 c->peer[0] ? c->peer : c->key, strerror(-last_err));
	rb_http_conn_event(c, RB_HTTP_EV_CONNECT_FAILED, last_err);
}

static int tls_setup(struct rb_http_pool *pool, struct rb_fetch *f, char *err, size_t errlen)
{
	int ret;

	if (pool->tls_ready)
		return 0;
	ret = rb_tls_ctx_init(&pool->tls, f->opts->ca_file, f->opts->tls_prefer, err, errlen);
	if (!ret)
		pool->tls_ready = true;
	return ret;
}

int rb_http_conn_get(struct rb_http_pool *pool, struct rb_fetch *f, const struct rb_url *url,
		     uint16_t default_port, bool https, struct rb_http_conn **out,
		     char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP };
	uint16_t port = url->port ? url->port : default_port;
	struct rb_http_conn *c;
	char key[sizeof(c->key)], service[8];
	int ret;

	make_key(key, sizeof(key), url, https, port);
	for (int i = 0; i < RB_HTTP_POOL_MAX; i++) {
		c = pool->idle[i];
		if (c && !strcmp(c->key, key)) {
			pool->idle[i] = NULL;
			c->loop = f->loop;
			*out = c;
			return 1;
		}
	}
	if (https) {
		ret = tls_setup(pool, f, err, errlen);
		if (ret)
			return ret;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = -1;
	c->loop = f->loop;
	c->pool = pool;
	c->port = port;
	c->tls_on = https;
	rb_op_init(&c->op, io_done);
	snprintf(c->key, sizeof(c->key), "%s", key);
	/* --tls-name replaces the URL host; TLSSRVRID 0 leaves the name unchecked */
	snprintf(c->identity, sizeof(c->identity), "%s",
		 f->opts->tls_name ? f->opts->tls_name : url->host);
	c->any_name = f->opts->tls_no_name_check && !f->opts->tls_name;
	snprintf(c->sni, sizeof(c->sni), "%s", url->host);
	/*
	 * A resumed session skips certificate checks, so a session is offered
	 * only to a server that must prove the same identity (and one whose name
	 * was not checked, keyed "*host:port", only to a connection that checks
	 * none: no host name starts with '*').
	 */
	snprintf(c->session_key, sizeof(c->session_key), "%s%.255s:%u", c->any_name ? "*" : "",
		 c->identity, port);
	hints.ai_family = f->opts->family;
	snprintf(service, sizeof(service), "%u", port);
	if (f->opts->resolver) {
		/* The lease's DNS servers (DNSSRVR), not resolv.conf (resolve.h). */
		ret = rb_resolve_addrinfo(f->opts->resolver, url->host, port, f->opts->family,
					  SOCK_STREAM, &c->ai);
		c->ai_resolver = true;
		if (ret) {
			snprintf(err, errlen, "cannot resolve '%s' through DNSSRVR: %s", url->host,
				 strerror(-ret));
			free(c);
			return -EHOSTUNREACH;
		}
	} else if ((ret = getaddrinfo(url->host, service, &hints, &c->ai))) {
		snprintf(err, errlen, "cannot resolve '%s': %s", url->host, gai_strerror(ret));
		free(c);
		return -EHOSTUNREACH;
	}
	c->ai_cur = c->ai;
	*out = c;
	connect_next(c, -EHOSTUNREACH);
	return 0;
}

/* ---- TLS plumbing: flush `out`, then receive into `in` when wolfSSL wants ---- */

static void post_send(struct rb_http_conn *c)
{
	struct io_uring_sqe *sqe = rb_loop_sqe(c->loop, &c->op);

	if (!sqe) {
		rb_http_conn_event(c, RB_HTTP_EV_IO_ERROR, -EIO);
		return;
	}
	io_uring_prep_send(sqe, c->fd, c->send_buf + c->send_off, c->send_len - c->send_off,
			   MSG_NOSIGNAL);
	c->io = RB_IO_SEND;
}

static void post_recv(struct rb_http_conn *c, void *buf, size_t len)
{
	struct io_uring_sqe *sqe = rb_loop_sqe(c->loop, &c->op);

	if (!sqe) {
		rb_http_conn_event(c, RB_HTTP_EV_IO_ERROR, -EIO);
		return;
	}
	io_uring_prep_recv(sqe, c->fd, buf, len, 0);
	c->io = RB_IO_RECV;
}

static void tls_flush(struct rb_http_conn *c)
{
	c->send_buf = (const char *)c->tls.out;
	c->send_len = rb_tls_out_pending(&c->tls);
	c->send_off = 0;
	post_send(c);
}

static void tls_recv_cipher(struct rb_http_conn *c)
{
	unsigned char *p;
	size_t len;

	rb_tls_in_space(&c->tls, &p, &len);
	post_recv(c, p, len);
}

void rb_http_conn_handshake(struct rb_http_conn *c)
{
	unsigned char a4[4];
	int ret;

	if (!c->tls.ssl) {
		/* RFC 6066 §3: no SNI for an IP literal */
		bool literal = inet_pton(AF_INET, c->sni, a4) == 1 || strchr(c->sni, ':');

		ret = rb_tls_init(&c->tls, &c->pool->tls, literal ? NULL : c->sni,
				  c->any_name ? NULL : c->identity, c->session_key);
		if (ret) {
			rb_http_conn_event(c, RB_HTTP_EV_TLS_FAILED, ret);
			return;
		}
	}
	c->tls_phase_handshake = true;
	ret = rb_tls_handshake(&c->tls);
	if (rb_tls_out_pending(&c->tls)) {
		/* a failed handshake still sends its alert first */
		if (ret != 0 && ret != -EAGAIN) {
			c->tls_phase_handshake = false;
			rb_http_conn_event(c, RB_HTTP_EV_TLS_FAILED, ret);
			return;
		}
		tls_flush(c);
		return;
	}
	if (ret == -EAGAIN) {
		tls_recv_cipher(c);
		return;
	}
	c->tls_phase_handshake = false;
	rb_http_conn_event(c, ret ? RB_HTTP_EV_TLS_FAILED : RB_HTTP_EV_HANDSHAKE_DONE, ret);
}

void rb_http_conn_send(struct rb_http_conn *c, const char *buf, size_t len)
{
	int ret;

	if (!c->tls_on) {
		c->send_buf = buf;
		c->send_len = len;
		c->send_off = 0;
		post_send(c);
		return;
	}
	ret = rb_tls_write(&c->tls, buf, len);
	if (ret) {
		rb_http_conn_event(c, RB_HTTP_EV_TLS_FAILED, ret);
		return;
	}
	tls_flush(c);
}

/* Decrypt what is buffered into the caller's buffer; receive more if none. */
static void tls_deliver(struct rb_http_conn *c)
{
	size_t got = 0;
	ssize_t n;

	while (got < c->recv_cap) {
		n = rb_tls_read(&c->tls, c->recv_buf + got, c->recv_cap - got);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (got)
			break;
		if (n == -EAGAIN) {
			tls_recv_cipher(c);
			return;
		}
		if (n == 0 || n == -ECONNRESET) {
			/* 0: close_notify; -ECONNRESET: TCP closed without it */
			rb_http_conn_event(c, RB_HTTP_EV_EOF, (int)n);
			return;
		}
		rb_http_conn_event(c, RB_HTTP_EV_TLS_FAILED, (int)n);
		return;
	}
	rb_http_conn_event(c, RB_HTTP_EV_DATA, (int)got);
}

void rb_http_conn_recv(struct rb_http_conn *c, char *buf, size_t cap)
{
	c->recv_buf = buf;
	c->recv_cap = cap;
	if (c->tls_on) {
		c->tls_phase_handshake = false;
		tls_deliver(c);
		return;
	}
	post_recv(c, buf, cap);
}

static void send_done(struct rb_http_conn *c, int res)
{
	if (res < 0) {
		rb_http_conn_event(c, RB_HTTP_EV_IO_ERROR, res);
		return;
	}
	c->send_off += (size_t)res;
	if (c->tls_on)
		rb_tls_out_consume(&c->tls, (size_t)res);
	if (c->tls_on ? rb_tls_out_pending(&c->tls) > 0 : c->send_off < c->send_len) {
		if (c->tls_on) {
			c->send_off = 0;
			c->send_len = rb_tls_out_pending(&c->tls);
		}
		post_send(c);
		return;
	}
	if (c->tls_on && c->tls_phase_handshake) {
		rb_http_conn_handshake(c);
		return;
	}
	rb_http_conn_event(c, RB_HTTP_EV_SENT, 0);
}

static void recv_done(struct rb_http_conn *c, int res)
{
	if (res < 0) {
		rb_http_conn_event(c, RB_HTTP_EV_IO_ERROR, res);
		return;
	}
	if (!c->tls_on) {
		rb_http_conn_event(c, res ? RB_HTTP_EV_DATA : RB_HTTP_EV_EOF, res);
		return;
	}
	rb_tls_in_commit(&c->tls, (size_t)res);
	if (c->tls_phase_handshake) {
		if (!res && !c->tls.handshake_done) {
			rb_http_conn_event(c, RB_HTTP_EV_EOF, 0);
			return;
		}
		rb_http_conn_handshake(c);
		return;
	}
	tls_deliver(c);
}

static void io_done(struct rb_loop *loop, struct rb_op *op, int res, unsigned int flags)
{
	struct rb_http_conn *c = container_of(op, struct rb_http_conn, op);
	enum rb_http_io io = c->io;

	c->io = RB_IO_NONE;
	switch (io) {
	case RB_IO_CONNECT:
		if (res == -ECANCELED) {
			rb_http_conn_event(c, RB_HTTP_EV_CONNECT_FAILED, res);
		} else if (res < 0) {
			c->ai_cur = c->ai_cur->ai_next;
			connect_next(c, res);
		} else {
			c->pool->connects++;
			ai_free(c);
			c->ai = c->ai_cur = NULL;
			rb_http_conn_event(c, RB_HTTP_EV_CONNECTED, 0);
		}
		return;
	case RB_IO_SEND:
		send_done(c, res);
		return;
	case RB_IO_RECV:
		recv_done(c, res);
		return;
	case RB_IO_NONE:
		return;
	}
}

/* ---- User-Agent: the MAC of the interface that carries this connection ---- */

static bool same_addr(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (!a || a->sa_family != b->ss_family)
		return false;
	if (a->sa_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, 4);
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	return false;
}

void rb_http_conn_mac(struct rb_http_conn *c)
{
	struct sockaddr_storage local;
	socklen_t sl = sizeof(local);
	struct ifaddrs *ifs, *i;
	const char *name = NULL;
	char *mac = c->mac;

	if (getsockname(c->fd, (struct sockaddr *)&local, &sl) || getifaddrs(&ifs))
		return;
	for (i = ifs; i && !name; i = i->ifa_next)
		if (same_addr(i->ifa_addr, &local))
			name = i->ifa_name;
	for (i = ifs; i && name; i = i->ifa_next) {
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;

		if (!ll || ll->sll_family != AF_PACKET || strcmp(i->ifa_name, name) ||
		    ll->sll_halen != 6)
			continue;
		snprintf(mac, sizeof(c->mac), "%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0],
			 ll->sll_addr[1], ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4],
			 ll->sll_addr[5]);
		break;
	}
	freeifaddrs(ifs);
}
