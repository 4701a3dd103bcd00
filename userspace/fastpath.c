// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "kernel" data path of the TFTP transport (tftp.h): after negotiation,
 * ringboot.ko takes the transfer's socket, receives DATA into the mapped
 * ring and ACKs from softirq (docs/fastpath.md). Here, on the event loop:
 * wait for the ring with an io_uring poll, hand each readable region of the
 * ring straight to the sink at its file offset (no intermediate copy),
 * release it, kick when the module holds an ACK for room; and receive what
 * the module passes up on the socket (the server's ERROR, a DATA larger than
 * the blksize, which ends the transfer as in user space, strays from other
 * ports, which RFC 1350 section 4 answers with ERROR 5).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fastpath.h"
#include "log.h"
#include "tftp.h"
#include "tftp_proto.h"
#include "tftp_sock.h"
#include "uring.h"

enum {
	FP_RING_MIN = 256 << 10,
	FP_RING_WINDOWS = 4,	/* ring holds this many windows: ACKs rarely wait */
};

struct fpath {
	struct rb_tftp_session *s;
	struct rb_loop *loop;
	struct rb_fp fp;
	struct rb_op poll_op;
	struct rb_op recv_op;
	struct msghdr msg;
	struct sockaddr_storage from;
	struct iovec iov;
	uint8_t buf[RB_TFTP_MAX_PKT + 1];
	bool ending;
	int end_err;
};

static void fpath_poll_cb(struct rb_loop *loop, struct rb_op *op, int res, unsigned int fl);
static void fpath_recv_cb(struct rb_loop *loop, struct rb_op *op, int res, unsigned int fl);

static uint64_t fpath_ring_size(uint64_t window)
{
	uint64_t size = FP_RING_MIN;

	while (size < FP_RING_WINDOWS * window && size < RINGBOOT_RING_MAX_DATA)
		size <<= 1;
	return size;
}

static void fpath_send(struct fpath *p, const struct sockaddr_storage *to, const uint8_t *pkt,
		       int len)
{
	socklen_t tl = to->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						 : sizeof(struct sockaddr_in);

	if (len > 0 && sendto(p->s->fd, pkt, (size_t)len, MSG_DONTWAIT,
			      (const struct sockaddr *)to, tl) < 0)
		rb_debug("fastpath: send: %s", strerror(errno));
}

static void fpath_send_error(struct fpath *p, const struct sockaddr_storage *to,
			     uint16_t code, const char *msg)
{
	uint8_t pkt[160];

	fpath_send(p, to, pkt, rb_tftp_build_error(pkt, sizeof(pkt), code, msg));
}

/* Counters of the kernel half into the --json result. */
static void fpath_stats(struct fpath *p)
{
	struct rb_fetch_result *r = &p->s->f->res;
	struct rb_fp_stats st;

	if (rb_fp_get(&p->fp, &st))
		return;
	r->duplicates += st.duplicates;
	r->timeouts += st.timeouts;
	r->retransmits += st.reacks;
	rb_fetch_set_num(r, "kernel_acks", st.acks);
	rb_fetch_set_num(r, "kernel_held_acks", st.held_acks);
	if (st.ta_count)
		rb_fetch_set_num(r, "kernel_turnaround_avg_ns", st.ta_sum_ns / st.ta_count);
}

/* Last step, once no op is in flight: close the session and hand back. */
static void fpath_maybe_done(struct fpath *p)
{
	struct rb_tftp_session *s = p->s;
	int err = p->end_err;

	if (p->poll_op.inflight || p->recv_op.inflight)
		return;
	rb_fp_close(&p->fp);
	s->priv = NULL;
	free(p);
	rb_tftp_path_done(s, err);
}

__attribute__((format(printf, 3, 4)))
static void fpath_end(struct fpath *p, int err, const char *fmt, ...)
{
	struct rb_fetch_result *r = &p->s->f->res;
	va_list ap;

	if (p->ending)
		return;
	p->ending = true;
	p->end_err = err;
	if (fmt && !r->reason[0]) {
		va_start(ap, fmt);
		vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
		va_end(ap);
	}
	fpath_stats(p);
	rb_loop_cancel(p->loop, &p->poll_op);
	rb_loop_cancel(p->loop, &p->recv_op);
	fpath_maybe_done(p);
}

static int fpath_arm_recv(struct fpath *p)
{
	memset(&p->msg, 0, sizeof(p->msg));
	p->iov.iov_base = p->buf;
	p->iov.iov_len = sizeof(p->buf);
	p->msg.msg_name = &p->from;
	p->msg.msg_namelen = sizeof(p->from);
	p->msg.msg_iov = &p->iov;
	p->msg.msg_iovlen = 1;
	return rb_loop_recvmsg(p->loop, &p->recv_op, p->s->fd, &p->msg, 0);
}

/* Write [cons, prod) to the sink in place; 0 or the sink's -errno. */
static int fpath_consume(struct fpath *p)
{
	struct rb_sink *sink = p->s->f->sink;
	uint64_t cons = rb_fp_cons(&p->fp), prod = rb_fp_prod(&p->fp);
	int err = 0;

	while (cons < prod) {
		const uint8_t *data;
		size_t n = rb_fp_span(&p->fp, cons, prod, &data);

		err = rb_sink_write(sink, data, n);
		if (err)
			break;
		cons += n;
	}
	rb_fp_release(&p->fp, cons);
	p->s->f->res.bytes = sink->written;
	return err;
}

/* The module failed the transfer with status; the ring is consumed. */
static void fpath_kernel_error(struct fpath *p, int status)
{
	struct rb_tftp_session *s = p->s;
	char why[120];

	/* A server ERROR: its text arrives on the socket (fpath_recv_cb). */
	if (status == -EREMOTEIO)
		return;
	/*
	 * A size the server's tsize did not announce (more: -EFBIG at once,
	 * other: -EPROTO at the final block): the refusal the user-space path
	 * makes, in its words; more bytes also get its ERROR to the server.
	 */
	if ((status == -EFBIG || status == -EPROTO) &&
	    rb_tftp_check_tsize(&s->neg, s->f->sink->written, status == -EPROTO, why,
				sizeof(why))) {
		if (status == -EFBIG)
			fpath_send_error(p, &s->peer, RB_TFTP_EUNDEF, why);
		fpath_end(p, -EPROTO, "%s", why);
		return;
	}
	fpath_end(p, status ? status : -EIO, "kernel fast path: %s%s",
		  strerror(-status), status == -ETIMEDOUT ? " (server silent)" : "");
}

static void fpath_ring_event(struct fpath *p)
{
	uint32_t flags = rb_fp_flags(&p->fp);
	int err = fpath_consume(p);

	if (err) {
		fpath_send_error(p, &p->s->peer, err == -EFBIG ? RB_TFTP_ENOSPACE : RB_TFTP_EUNDEF,
				 err == -EFBIG ? "File too large" : "Cannot store the file");
		fpath_end(p, err, "cannot store the file: %s", strerror(-err));
		return;
	}
	if (flags & RINGBOOT_RING_F_ERROR) {
		fpath_kernel_error(p, p->fp.hdr->status);
		return;
	}
	if (flags & RINGBOOT_RING_F_EOF) {
		if (rb_fp_cons(&p->fp) == rb_fp_prod(&p->fp))
			fpath_end(p, 0, NULL);
		return;
	}
	if (flags & RINGBOOT_RING_F_NEED_KICK)
		rb_fp_kick(&p->fp);
	if (rb_loop_poll(p->loop, &p->poll_op, p->fp.dev_fd, POLLIN))
		fpath_end(p, -EIO, "kernel fast path: cannot wait for the ring");
}

static void fpath_poll_cb(struct rb_loop *loop, struct rb_op *op, int res, unsigned int fl)
{
	struct fpath *p = container_of(op, struct fpath, poll_op);

	if (p->ending) {
		fpath_maybe_done(p);
		return;
	}
	if (res < 0) {
		fpath_end(p, res, "kernel fast path: poll: %s", strerror(-res));
		return;
	}
	fpath_ring_event(p);
}

static void fpath_packet(struct fpath *p, size_t len)
{
	struct rb_fetch_result *r = &p->s->f->res;
	struct rb_tftp_pkt pkt;

	if (!rb_sockaddr_equal(&p->from, &p->s->peer)) {
		/* RFC 1350 section 4: another TID gets ERROR 5; we go on. */
		fpath_send_error(p, &p->from, RB_TFTP_EBADID, "Unknown transfer ID");
		return;
	}
	if (rb_tftp_decode(p->buf, len, &pkt))
		return;
	if (pkt.op == RB_TFTP_DATA && pkt.len > p->s->neg.blksize) {
		/* The module passes it up: refused as the user-space client does. */
		fpath_send_error(p, &p->s->peer, RB_TFTP_EBADOP, RB_TFTP_OVERSIZE_REASON);
		rb_fp_abort(&p->fp);
		fpath_end(p, -EPROTO, "%s", RB_TFTP_OVERSIZE_REASON);
		return;
	}
	if (pkt.op != RB_TFTP_ERROR)
		return;	/* a duplicate OACK or a DATA the module declined: ignore */
	r->tftp_error_code = pkt.err_code;
	snprintf(r->tftp_error_msg, sizeof(r->tftp_error_msg), "%s", pkt.err_msg);
	rb_fp_abort(&p->fp);
	fpath_end(p, pkt.err_code == RB_TFTP_ENOTFOUND ? -ENOENT :
		  pkt.err_code == RB_TFTP_EACCESS ? -EACCES : -EREMOTEIO,
		  "server error %u: %.120s", pkt.err_code,
		  pkt.err_msg[0] ? pkt.err_msg : "(no message)");
}

static void fpath_recv_cb(struct rb_loop *loop, struct rb_op *op, int res, unsigned int fl)
{
	struct fpath *p = container_of(op, struct fpath, recv_op);

	if (p->ending) {
		fpath_maybe_done(p);
		return;
	}
	if (res >= 0)
		fpath_packet(p, (size_t)res);
	else if (res != -EAGAIN && res != -EINTR && res != -ECONNREFUSED)
		rb_debug("fastpath: recv: %s", strerror(-res));
	if (!p->ending && fpath_arm_recv(p))
		fpath_end(p, -EIO, "kernel fast path: cannot receive");
}

static uint16_t fpath_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
					       : ((const struct sockaddr_in *)ss)->sin_port);
}

static int fpath_start(struct rb_tftp_session *s)
{
	const struct rb_tftp_neg *n = &s->neg;
	uint64_t window = (uint64_t)n->blksize * n->windowsize;
	struct rb_fp_attach a = {
		.sock_fd = s->fd,
		.peer = (const struct sockaddr *)&s->peer,
		.peer_port = fpath_port(&s->peer),
		.blksize = n->blksize,
		.windowsize = n->windowsize,
		.has_tsize = n->has_tsize,
		.tsize = n->tsize,
		.timeout_ms = s->rto_ms,
		.retries = s->retries,
		.first_block = (uint32_t)s->ack_block + 1,
		.offset = s->offset,
	};
	uint8_t ack[4];
	struct fpath *p;
	int err;

	if (window > RINGBOOT_RING_MAX_DATA)
		return -ENOSPC;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->s = s;
	p->loop = s->f->loop;
	rb_op_init(&p->poll_op, fpath_poll_cb);
	rb_op_init(&p->recv_op, fpath_recv_cb);
	err = rb_fp_open(&p->fp, fpath_ring_size(window));
	if (err)
		goto fail;
	/*
	 * The module adapts its RTO to the measured round trip (RFC 6298);
	 * this is its ceiling: the timeout negotiated or asked (RFC 2349).
	 */
	if (n->timeout * 1000u > a.timeout_ms)
		a.timeout_ms = n->timeout * 1000u;
	else if (s->f->opts->timeout * 1000u > a.timeout_ms)
		a.timeout_ms = s->f->opts->timeout * 1000u;
	if (a.timeout_ms < 1000)
		a.timeout_ms = 1000;
	if (a.timeout_ms > 60000)
		a.timeout_ms = 60000;
	if (a.retries > 255)
		a.retries = 255;
	a.watermark = (unsigned int)(window < p->fp.size / 2 ? window : p->fp.size / 2);
	err = rb_fp_attach(&p->fp, &a);
	if (err) {
		rb_debug("fastpath: attach: %s (%s)", strerror(-err), p->fp.err);
		goto fail;
	}
	if (rb_loop_poll(p->loop, &p->poll_op, p->fp.dev_fd, POLLIN) || fpath_arm_recv(p)) {
		/* Nothing in flight can have completed yet: undo synchronously. */
		rb_loop_cancel_sync(p->loop, &p->poll_op);
		rb_loop_cancel_sync(p->loop, &p->recv_op);
		err = -EIO;
		goto fail;
	}
	s->priv = p;
	/* Attached and waiting: now the ACK that lets the server go on. */
	fpath_send(p, &s->peer, ack, rb_tftp_build_ack(ack, sizeof(ack), s->ack_block));
	return 0;
fail:
	rb_fp_close(&p->fp);
	free(p);
	return err;
}

static void fpath_cancel(struct rb_tftp_session *s, int err)
{
	struct fpath *p = s->priv;

	if (!p)
		return;
	fpath_send_error(p, &s->peer, RB_TFTP_EUNDEF,
			 err == -ETIMEDOUT ? "Transfer deadline exceeded" : "Transfer cancelled");
	rb_fp_abort(&p->fp);
	if (err == -ETIMEDOUT)
		fpath_end(p, err, "deadline of %g s exceeded after %llu bytes",
			  s->f->opts->deadline, (unsigned long long)s->f->sink->written);
	else
		fpath_end(p, err, "cancelled");
}

const struct rb_tftp_path rb_tftp_path_kernel = {
	.name = "kernel",
	.start = fpath_start,
	.cancel = fpath_cancel,
};
