// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user-space TFTP client (RFC 1350 read requests in octet mode, RFC 2347
 * option negotiation, RFC 2348 blksize, RFC 2349 tsize and timeout, RFC 7440
 * windowsize) as a transport of the fetch framework, on the io_uring loop.
 *
 * One receive is always armed (multishot recvmsg into a provided-buffer ring
 * where the kernel has it, else one recvmsg re-armed per datagram); ACKs go
 * out as sendmsg SQEs, so answering a block and waiting for the next is one
 * io_uring_enter. One timer drives retransmission. This file starts, cancels
 * and tears down a transfer; tftp_io.c moves datagrams, tftp_rx.c is the
 * protocol (tftp_xfer.h holds their shared state).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "resolve.h"
#include "tftp.h"
#include "tftp_sock.h"
#include "tftp_xfer.h"

/* Record the one-line reason (the first one wins) and end the transfer. */
__attribute__((format(printf, 3, 4)))
void tftpx_fail(struct tftp *t, int err, const char *fmt, ...)
{
	struct rb_fetch_result *r = &t->f->res;
	va_list ap;

	if (!r->reason[0]) {
		va_start(ap, fmt);
		vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
		va_end(ap);
	}
	tftpx_end(t, err ? err : -EIO);
}

/* Reap every operation of t: after this, t can be freed. */
static void release_ops(struct tftp *t)
{
	t->finishing = true;
	rb_timer_del(t->loop, &t->timer);
	rb_loop_cancel_sync(t->loop, &t->timer.op);
	rb_loop_cancel_sync(t->loop, &t->recv_op);
	/* Quiet sends reference the slots until submitted (the final ACK). */
	rb_loop_submit(t->loop);
	for (int i = 0; i < SEND_SLOTS; i++)
		while (t->slots[i].op.inflight)
			if (rb_loop_run_once(t->loop, 0) < 0)
				break;
}

static void tftp_free(struct tftp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	rb_bufring_free(t->loop, &t->br);
	free(t->rbuf);
	free(t);
}

/* Runs from a NOP completion, so no caller up the stack still holds t. */
static void end_cb(struct rb_loop *loop, struct rb_op *op, int res, unsigned int flags)
{
	struct tftp *t = container_of(op, struct tftp, end_op);
	struct rb_fetch *f = t->f;
	int err = t->end_err;

	release_ops(t);
	t->loop->spin_ns = t->saved_spin_ns;
	f->priv = NULL;
	tftp_free(t);
	rb_fetch_finish(f, err);
}

/*
 * End of the transfer. Called deep inside a completion handler, so the
 * teardown (reap every op, free t, finish f) is deferred to a NOP's
 * completion: nothing touches t after the handler that ended it returns.
 */
void tftpx_end(struct tftp *t, int err)
{
	struct io_uring_sqe *sqe;

	if (t->state == ST_DONE)
		return;
	t->state = ST_DONE;
	t->end_err = err;
	rb_timer_del(t->loop, &t->timer);
	sqe = rb_loop_sqe(t->loop, &t->end_op);
	if (sqe) {
		io_uring_prep_nop(sqe);
		return;
	}
	/* A broken ring: finish now; the loop is failing anyway. */
	end_cb(t->loop, &t->end_op, 0, 0);
}

static int tftp_start(struct rb_fetch *f)
{
	const struct rb_fetch_opts *o = f->opts;
	struct tftp *t;
	unsigned int blksize, window, fit;
	int err;

	if (o->blksize && (o->blksize < RB_TFTP_BLKSIZE_MIN || o->blksize > RB_TFTP_BLKSIZE_MAX))
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->f = f;
	t->loop = f->loop;
	t->fd = -1;
	t->rollover_to = -1;
	t->next = 1;
	t->next_wire = 1;
	t->s.f = f;
	rb_timer_init(&t->timer, tftpx_timer_fired);
	rb_op_init(&t->end_op, end_cb);
	t->saved_spin_ns = f->loop->spin_ns;
	for (int i = 0; i < SEND_SLOTS; i++)
		rb_op_init(&t->slots[i].op, tftpx_send_done);
	err = rb_url_unescape(f->url.path + 1, t->file, sizeof(t->file));
	if (err <= 0) {
		snprintf(f->res.reason, sizeof(f->res.reason), "bad file name in URL");
		err = err ? err : -EINVAL;
		goto fail;
	}
	if (o->resolver) {
		/* The lease's DNS servers (DNSSRVR), not resolv.conf. */
		struct addrinfo *ai;

		err = rb_resolve_addrinfo(o->resolver, f->url.host,
					  f->url.port ? f->url.port : 69, o->family, SOCK_DGRAM, &ai);
		if (!err) {
			memcpy(&t->server, ai->ai_addr, ai->ai_addrlen);
			t->server_len = ai->ai_addrlen;
			rb_resolve_freeaddrinfo(ai);
		}
	} else {
		err = rb_tftp_resolve(f->url.host, f->url.port ? f->url.port : 69, o->family,
				      &t->server, &t->server_len);
	}
	if (err) {
		snprintf(f->res.reason, sizeof(f->res.reason), "cannot resolve '%.200s'",
			 f->url.host);
		goto fail;
	}
	rb_sockaddr_str(&t->server, f->res.server, sizeof(f->res.server));
	err = rb_tftp_socket(&t->server);
	if (err < 0)
		goto fail;
	t->fd = err;

	blksize = o->blksize ? o->blksize : rb_tftp_path_blksize(&t->server);
	window = o->windowsize ? o->windowsize : RB_TFTP_WINDOW_DEFAULT;
	/* A window the receive buffer cannot hold drops packets and stalls:
	 * ask no more than the buffer takes. */
	fit = rb_tftp_size_rcvbuf(t->fd, blksize, window);
	if (window > fit) {
		rb_info("tftp: windowsize %u clamped to %u (receive buffer)", window,
			fit ? fit : 1);
		window = fit ? fit : 1;
	}
	if (!o->no_options) {
		t->req.blksize = blksize;
		t->req.windowsize = window;
		t->req.tsize = true;
		t->req.timeout = o->timeout ? o->timeout : TIMEOUT_DEFAULT;
	}
	rb_tftp_neg_default(&t->s.neg);
	t->s.fd = t->fd;
	t->retries = o->retries ? o->retries : RETRIES_DEFAULT;
	t->retries_left = t->retries;
	t->rto_ms = (o->timeout ? o->timeout : TIMEOUT_DEFAULT) * 1000;
	err = tftpx_setup_recv(t, o->no_options ? RB_TFTP_BLKSIZE_DEFAULT : blksize, window);
	if (err)
		goto fail;
	f->priv = t;
	err = tftpx_arm_recv(t);
	if (err)
		return 0;	/* already finished */
	err = tftpx_send_rrq(t);
	if (err) {
		tftpx_fail(t, err, "cannot send the request: %s", strerror(-err));
		return 0;
	}
	tftpx_arm_timer(t);
	return 0;
fail:
	f->priv = NULL;
	release_ops(t);
	tftp_free(t);
	return err;
}

static void tftp_cancel(struct rb_fetch *f, int err)
{
	struct tftp *t = f->priv;

	if (!t)
		return;
	if (t->s.path) {
		t->s.path->cancel(&t->s, err);
		return;
	}
	if (t->have_tid)
		tftpx_send_error(t, &t->s.peer, RB_TFTP_EUNDEF,
			   err == -ETIMEDOUT ? "Transfer deadline exceeded" : "Transfer cancelled");
	if (err == -ETIMEDOUT)
		tftpx_fail(t, err, "deadline of %g s exceeded after %llu bytes",
			  f->opts->deadline, (unsigned long long)f->sink->written);
	else
		tftpx_fail(t, err, "cancelled");
}

void rb_tftp_path_done(struct rb_tftp_session *s, int err)
{
	struct tftp *t = s->f->priv;

	if (t)
		tftpx_end(t, err);
}

unsigned int rb_tftp_default_blksize(int family)
{
	return family == AF_INET6 ? RB_TFTP_BLKSIZE_ETH6 : RB_TFTP_BLKSIZE_ETH4;
}

const struct rb_transport rb_transport_tftp = {
	.scheme = "tftp",
	.default_port = 69,
	.start = tftp_start,
	.cancel = tftp_cancel,
};
