// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TFTP client's datagrams on the io_uring loop: ACKs, ERRORs and the
 * request go out as sendmsg SQEs (without a completion on success where the
 * kernel allows, so a lock-step block costs one io_uring_enter); replies come
 * in through a multishot recvmsg into a provided-buffer ring, or one recvmsg
 * re-armed per datagram on kernels without them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tftp_xfer.h"

void tftpx_send_done(struct rb_loop *loop, struct rb_op *op, int res, unsigned int fl)
{
	if (res < 0)
		rb_debug("tftp: send: %s", strerror(-res));
}

static int send_pkt(struct tftp *t, const struct sockaddr_storage *to, const uint8_t *pkt,
		    size_t len)
{
	socklen_t tolen = to->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						    : sizeof(struct sockaddr_in);

	for (int i = 0; i < SEND_SLOTS; i++) {
		struct send_slot *sl = &t->slots[i];
		int err;

		if (sl->op.inflight || (sl->quiet && !rb_loop_submitted(t->loop, sl->quiet_seq)))
			continue;
		sl->quiet = false;
		memcpy(sl->buf, pkt, len);
		sl->iov.iov_base = sl->buf;
		sl->iov.iov_len = len;
		memset(&sl->msg, 0, sizeof(sl->msg));
		sl->to = *to;
		sl->msg.msg_name = &sl->to;
		sl->msg.msg_namelen = tolen;
		sl->msg.msg_iov = &sl->iov;
		sl->msg.msg_iovlen = 1;
		/* No completion for a successful send: one wake-up per block. */
		err = rb_loop_send_quiet(t->loop, t->fd, &sl->msg, &sl->quiet_seq);
		if (!err) {
			sl->quiet = true;
			return 0;
		}
		return rb_loop_sendmsg(t->loop, &sl->op, t->fd, &sl->msg, 0);
	}
	/* Every slot in flight (a burst of stray packets): send directly. */
	if (sendto(t->fd, pkt, len, 0, (const struct sockaddr *)to, tolen) < 0)
		return -errno;
	return 0;
}

void tftpx_send_ack(struct tftp *t, uint16_t block)
{
	uint8_t pkt[RB_TFTP_HDR];

	rb_tftp_build_ack(pkt, sizeof(pkt), block);
	t->last_ack = block;
	send_pkt(t, &t->s.peer, pkt, sizeof(pkt));
}

void tftpx_send_error(struct tftp *t, const struct sockaddr_storage *to, uint16_t code,
		       const char *msg)
{
	uint8_t pkt[160];
	int n = rb_tftp_build_error(pkt, sizeof(pkt), code, msg);

	if (n > 0)
		send_pkt(t, to, pkt, (size_t)n);
}

int tftpx_send_rrq(struct tftp *t)
{
	uint8_t pkt[RB_TFTP_RRQ_MAX];
	int n = rb_tftp_build_rrq(pkt, sizeof(pkt), t->file, &t->req);

	if (n < 0)
		return n;
	t->ack_sent_ns = rb_now_ns();
	return send_pkt(t, &t->server, pkt, (size_t)n);
}

static void recv_cb(struct rb_loop *loop, struct rb_op *op, int res, unsigned int flags)
{
	struct tftp *t = container_of(op, struct tftp, recv_op);

	if (t->finishing)
		return;
	if (res < 0) {
		if (res == -ENOBUFS || res == -EINTR || res == -EAGAIN) {
			if (!op->inflight)
				tftpx_arm_recv(t);
			return;
		}
		if (res == -ECANCELED)
			return;
		/* ICMP port unreachable surfaces as ECONNREFUSED. */
		tftpx_fail(t, res, "receive from %s: %s", t->f->res.server,
			      strerror(-res));
		return;
	}
	if (t->multishot) {
		unsigned int bid = flags >> IORING_CQE_BUFFER_SHIFT;
		struct io_uring_recvmsg_out *o;
		struct sockaddr_storage from;
		void *buf = rb_bufring_buf(&t->br, bid);

		if (!(flags & IORING_CQE_F_BUFFER))
			goto rearm;
		o = io_uring_recvmsg_validate(buf, res, &t->rmsg);
		if (o) {
			memset(&from, 0, sizeof(from));
			memcpy(&from, io_uring_recvmsg_name(o),
			       o->namelen < sizeof(from) ? o->namelen : sizeof(from));
			size_t n = io_uring_recvmsg_payload_length(o, res, &t->rmsg);

			tftpx_got_packet(t, &from, io_uring_recvmsg_payload(o, &t->rmsg), n,
				   n >= t->rcap || (o->flags & MSG_TRUNC));
		}
		if (t->br.br)
			rb_bufring_recycle(&t->br, bid);
	} else {
		/* The buffer is one byte larger than the largest legal packet. */
		tftpx_got_packet(t, &t->rname, t->rbuf, (size_t)res, (size_t)res >= t->rcap);
	}
rearm:
	if (!t->finishing && t->state != ST_DONE && !op->inflight && !t->s.path)
		tftpx_arm_recv(t);
}

int tftpx_arm_recv(struct tftp *t)
{
	int err;

	if (t->multishot) {
		memset(&t->rmsg, 0, sizeof(t->rmsg));
		t->rmsg.msg_namelen = sizeof(struct sockaddr_storage);
		err = rb_loop_recvmsg_multishot(t->loop, &t->recv_op, t->fd, &t->rmsg,
						t->br.bgid);
	} else {
		memset(&t->rmsg, 0, sizeof(t->rmsg));
		t->riov.iov_base = t->rbuf;
		t->riov.iov_len = t->rcap;
		t->rmsg.msg_name = &t->rname;
		t->rmsg.msg_namelen = sizeof(t->rname);
		t->rmsg.msg_iov = &t->riov;
		t->rmsg.msg_iovlen = 1;
		err = rb_loop_recvmsg(t->loop, &t->recv_op, t->fd, &t->rmsg, 0);
	}
	if (err) {
		tftpx_fail(t, err, "cannot arm the receive: %s", strerror(-err));
	}
	return err;
}

static unsigned int pow2_at_least(unsigned int v)
{
	unsigned int p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

int tftpx_setup_recv(struct tftp *t, unsigned int blksize, unsigned int window)
{
	/* One byte beyond the largest legal DATA detects an oversize one. */
	t->rcap = (size_t)blksize + RB_TFTP_HDR + 1;
	if (t->rcap < RB_TFTP_RRQ_MAX)
		t->rcap = RB_TFTP_RRQ_MAX;
	t->multishot = t->loop->feat.recv_multishot;
	if (t->multishot) {
		unsigned int n = pow2_at_least(window * 2 < 16 ? 16 : window * 2);
		size_t sz = sizeof(struct io_uring_recvmsg_out) +
			    sizeof(struct sockaddr_storage) + t->rcap;

		while (n > 16 && (n > RING_BUFS_MAX || n * sz > (16u << 20)))
			n >>= 1;
		if (rb_bufring_setup(t->loop, &t->br, n, sz))
			t->multishot = false;
	}
	if (!t->multishot) {
		t->rbuf = malloc(t->rcap);
		if (!t->rbuf)
			return -ENOMEM;
	}
	rb_op_init(&t->recv_op, recv_cb);
	return 0;
}
