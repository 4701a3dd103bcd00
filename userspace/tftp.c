// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user-space TFTP client (RFC 1350 read requests in octet mode, RFC 2347
 * option negotiation, RFC 2348 blksize, RFC 2349 tsize and timeout, RFC 7440
 * windowsize) as a transport of the fetch framework, on the io_uring loop.
 *
 * One receive is always armed (multishot recvmsg into a provided-buffer ring
 * where the kernel has it, else one recvmsg re-armed per datagram); ACKs go
 * out as sendmsg SQEs, so answering a block and waiting for the next is one
 * io_uring_enter. One timer drives retransmission.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tftp.h"
#include "tftp_sock.h"

#define RB_TFTP_PATH(sym) extern const struct rb_tftp_path sym;
#include "tftp_paths.h"
#undef RB_TFTP_PATH

static const struct rb_tftp_path *const data_paths[] = {
#define RB_TFTP_PATH(sym) &sym,
#include "tftp_paths.h"
#undef RB_TFTP_PATH
	NULL,
};

enum {
	RTO_MIN_MS = 100,		/* below this, scheduling stalls look like loss */
	RTO_MAX_MS = 5000,
	SEND_SLOTS = 8,
	RETRIES_DEFAULT = 5,
	TIMEOUT_DEFAULT = 1,		/* seconds */
	RING_BUFS_MAX = 512,
};

enum tftp_state {
	ST_RRQ,		/* RRQ sent, waiting for OACK, DATA 1 or ERROR */
	ST_DATA,	/* receiving DATA */
	ST_DONE,
};

struct send_slot {
	struct rb_op op;
	uint64_t quiet_seq;		/* quiet send queued before this submission */
	bool quiet;
	struct sockaddr_storage to;	/* the SQE is submitted later: keep a copy */
	struct msghdr msg;
	struct iovec iov;
	uint8_t buf[RB_TFTP_RRQ_MAX];
};

struct tftp {
	struct rb_fetch *f;
	struct rb_loop *loop;
	enum tftp_state state;
	int fd;
	struct sockaddr_storage server;	/* where the RRQ goes (port 69) */
	socklen_t server_len;
	bool have_tid;
	struct rb_tftp_session s;	/* peer (TID), negotiated values */
	char file[RB_URL_PATH_MAX];
	struct rb_tftp_req req;
	bool options_dropped;		/* retried without options after ERROR 8 */

	/* receive */
	struct rb_op recv_op;
	bool multishot;
	struct rb_bufring br;
	struct msghdr rmsg;		/* multishot: namelen only; single: full */
	struct sockaddr_storage rname;
	struct iovec riov;
	uint8_t *rbuf;			/* single-shot buffer */
	size_t rcap;			/* payload capacity: blksize + header + 1 */

	/* sending */
	struct send_slot slots[SEND_SLOTS];

	/* sequence: RFC 1350 block numbers are 16 bits and roll over */
	uint64_t next;			/* next block wanted, counting from 1 */
	uint16_t next_wire;		/* its number on the wire */
	int rollover_to;		/* -1: not seen yet; else 0 or 1 */
	bool rollover_probe;		/* saw 1 where 0 was due: gap-ACKed once */
	unsigned int in_window;		/* in-order blocks since the last ACK */
	uint16_t last_ack;
	uint16_t last_inorder;		/* wire number of the last in-order block */
	uint64_t gap_acked_next;	/* `next` for which a gap ACK went out */
	uint64_t gap_ack_ns;

	/* timers: RFC 6298-style RTO from samples, Karn's rule on retransmits */
	struct rb_timer timer;
	uint64_t ack_sent_ns;		/* 0 when the next sample is ambiguous */
	unsigned int srtt_us, rttvar_us, rto_ms;
	unsigned int retries_left, retries;
	uint64_t last_rx_ns;
	bool finishing;
	struct rb_op end_op;		/* deferred end: see tftp_end() */
	int end_err;
};

static void tftp_end(struct tftp *t, int err);

/* Record the one-line reason (the first one wins) and end the transfer. */
__attribute__((format(printf, 3, 4)))
static void tftp_fail(struct tftp *t, int err, const char *fmt, ...)
{
	struct rb_fetch_result *r = &t->f->res;
	va_list ap;

	if (!r->reason[0]) {
		va_start(ap, fmt);
		vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
		va_end(ap);
	}
	tftp_end(t, err ? err : -EIO);
}

/* --- sending ----------------------------------------------------------- */

static void send_done(struct rb_loop *loop, struct rb_op *op, int res, unsigned int fl)
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

static void send_ack(struct tftp *t, uint16_t block)
{
	uint8_t pkt[RB_TFTP_HDR];

	rb_tftp_build_ack(pkt, sizeof(pkt), block);
	t->last_ack = block;
	send_pkt(t, &t->s.peer, pkt, sizeof(pkt));
}

static void send_error(struct tftp *t, const struct sockaddr_storage *to, uint16_t code,
		       const char *msg)
{
	uint8_t pkt[160];
	int n = rb_tftp_build_error(pkt, sizeof(pkt), code, msg);

	if (n > 0)
		send_pkt(t, to, pkt, (size_t)n);
}

static int send_rrq(struct tftp *t)
{
	uint8_t pkt[RB_TFTP_RRQ_MAX];
	int n = rb_tftp_build_rrq(pkt, sizeof(pkt), t->file, &t->req);

	if (n < 0)
		return n;
	t->ack_sent_ns = rb_now_ns();
	return send_pkt(t, &t->server, pkt, (size_t)n);
}

/* --- round-trip time and retransmission ------------------------------- */

static void rtt_sample(struct tftp *t, uint64_t now)
{
	unsigned int r;

	if (!t->ack_sent_ns)
		return;		/* Karn: no sample across a retransmission */
	r = (unsigned int)((now - t->ack_sent_ns) / 1000);
	t->ack_sent_ns = 0;
	if (!t->srtt_us) {
		t->srtt_us = r;
		t->rttvar_us = r / 2;
	} else {
		unsigned int d = r > t->srtt_us ? r - t->srtt_us : t->srtt_us - r;

		/* RFC 6298 section 2.3: alpha 1/8, beta 1/4. */
		t->rttvar_us = (3 * t->rttvar_us + d) / 4;
		t->srtt_us = (7 * t->srtt_us + r) / 8;
	}
	t->rto_ms = (t->srtt_us + 4 * t->rttvar_us) / 1000;
	if (t->rto_ms < RTO_MIN_MS)
		t->rto_ms = RTO_MIN_MS;
	if (t->rto_ms > RTO_MAX_MS)
		t->rto_ms = RTO_MAX_MS;
}

static void arm_timer(struct tftp *t)
{
	rb_timer_mod(t->loop, &t->timer, (uint64_t)t->rto_ms * 1000000ull);
}

static void timer_fired(struct rb_loop *loop, struct rb_timer *tm)
{
	struct tftp *t = container_of(tm, struct tftp, timer);

	if (t->state == ST_DONE)
		return;
	t->f->res.timeouts++;
	if (!t->retries_left) {
		if (t->state == ST_RRQ)
			tftp_fail(t, -ETIMEDOUT, "no answer from %s after %u tries",
				  t->f->res.server, t->retries + 1);
		else
			tftp_fail(t, -ETIMEDOUT,
				  "server went silent after block %llu (%llu bytes)",
				  (unsigned long long)(t->next - 1),
				  (unsigned long long)t->f->sink->written);
		return;
	}
	t->retries_left--;
	t->f->res.retransmits++;
	t->ack_sent_ns = 0;
	/* Exponential back-off (RFC 6298 section 5.5). */
	t->rto_ms = t->rto_ms * 2 > RTO_MAX_MS ? RTO_MAX_MS : t->rto_ms * 2;
	if (t->state == ST_RRQ) {
		send_rrq(t);
	} else {
		/* RFC 7440 section 4: on timeout, ACK the last block received
		 * in order, so the server resends the window from there. */
		send_ack(t, t->last_inorder);
	}
	t->ack_sent_ns = 0;
	t->in_window = 0;
	arm_timer(t);
}

/* --- receiving ----------------------------------------------------------- */

/* Tell the server (ERROR code) and end with the same one-line reason. */
__attribute__((format(printf, 4, 5)))
static void fail_proto(struct tftp *t, uint16_t code, int err, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t->have_tid)
		send_error(t, &t->s.peer, code, msg);
	tftp_fail(t, err, "%s", msg);
}

static void record_options(struct tftp *t)
{
	struct rb_fetch_result *r = &t->f->res;
	const struct rb_tftp_neg *n = &t->s.neg;

	rb_fetch_set_num(r, "blksize", n->blksize);
	rb_fetch_set_num(r, "windowsize", n->windowsize);
	if (n->timeout)
		rb_fetch_set_num(r, "timeout", n->timeout);
	if (n->has_tsize)
		rb_fetch_set_num(r, "tsize", n->tsize);
	rb_fetch_set_str(r, "oack", n->oack ? "yes" : "no");
	if (n->has_tsize)
		r->total = n->tsize;
}

/* Hand the DATA phase to a registered data path (the kernel fast path). */
static int try_data_paths(struct tftp *t)
{
	enum rb_fastpath fp = t->f->opts->fastpath;
	int err = -ENOENT;

	if (fp == RB_FASTPATH_OFF)
		return -ENOENT;
	t->s.offset = t->f->sink->written;
	t->s.rto_ms = t->rto_ms;
	t->s.retries = t->retries;
	for (size_t i = 0; data_paths[i]; i++) {
		t->s.path = data_paths[i];
		err = data_paths[i]->start(&t->s);
		if (!err) {
			t->f->res.path = data_paths[i]->name;
			rb_timer_del(t->loop, &t->timer);
			rb_loop_cancel(t->loop, &t->recv_op);
			return 0;
		}
		t->s.path = NULL;
	}
	if (fp == RB_FASTPATH_ON) {
		tftp_fail(t, err, "kernel fast path unavailable: %s", strerror(-err));
		return 1;
	}
	return -ENOENT;
}

static int open_sink(struct tftp *t)
{
	uint64_t total = t->s.neg.has_tsize ? t->s.neg.tsize : RB_SINK_SIZE_UNKNOWN;
	int err = rb_sink_open(t->f->sink, total);

	if (err == -EFBIG) {
		fail_proto(t, RB_TFTP_ENOSPACE, -EFBIG,
			   "file too large: tsize %s exceeds the destination's limit",
			   "announced by the server");
		return err;
	}
	if (err) {
		fail_proto(t, RB_TFTP_ENOSPACE, err, "cannot store the file: %s",
			   strerror(-err));
		return err;
	}
	return 0;
}

static void got_oack(struct tftp *t, const struct rb_tftp_pkt *p)
{
	char why[160] = "";
	int err = rb_tftp_parse_oack(p->data, p->len, &t->req, &t->s.neg, why, sizeof(why));

	if (err) {
		/* RFC 2347: the client refuses with ERROR 8 and ends. */
		t->f->res.err = -EPROTO;
		fail_proto(t, RB_TFTP_EOPTNEG, -EPROTO, "%s", why);
		return;
	}
	record_options(t);
	if (t->s.neg.timeout && !t->srtt_us)
		t->rto_ms = t->s.neg.timeout * 1000;
	if (open_sink(t))
		return;
	t->state = ST_DATA;
	t->s.ack_block = 0;
	if (!try_data_paths(t) || t->state == ST_DONE)
		return;
	/* RFC 2347: acknowledge the OACK with ACK 0; DATA 1 follows. */
	send_ack(t, 0);
	t->ack_sent_ns = rb_now_ns();
	arm_timer(t);
}

static void deliver_final(struct tftp *t, uint16_t block)
{
	const struct rb_tftp_neg *n = &t->s.neg;
	uint64_t got = t->f->sink->written;

	/* RFC 1350: the short block ends the transfer; ACK it so the server ends too. */
	send_ack(t, block);
	if (n->has_tsize && got != n->tsize) {
		char msg[120];

		snprintf(msg, sizeof(msg), "size mismatch: server announced tsize %llu, sent %llu bytes",
			 (unsigned long long)n->tsize, (unsigned long long)got);
		tftp_fail(t, -EPROTO, "%s", msg);
		return;
	}
	tftp_end(t, 0);
}

/* Advance the expected wire block number, with the rollover learned. */
static void advance(struct tftp *t)
{
	t->next++;
	t->next_wire++;
	if (t->next_wire == 0 && t->rollover_to == 1)
		t->next_wire = 1;
}

static void got_data(struct tftp *t, const struct rb_tftp_pkt *p, uint64_t now)
{
	int16_t d;
	int err;

	if (p->len > t->s.neg.blksize) {
		char b[40];

		snprintf(b, sizeof(b), "%zu", p->len);
		fail_proto(t, RB_TFTP_EBADOP, -EPROTO,
			   "DATA of %s bytes is larger than the negotiated blksize", b);
		return;
	}
	if (p->block != t->next_wire && t->next_wire == 0 && t->rollover_to < 0 &&
	    p->block == 1) {
		/*
		 * Past 65535 servers roll over to 0 (tftpd-hpa) or to 1; accept
		 * both. In a window, 1 may also be the block after a lost 0: ACK
		 * 65535 as for a gap, and believe "1 follows 65535" only when
		 * the server's answer to that ACK starts with 1 again. In
		 * lock-step nothing else can follow our ACK of 65535.
		 */
		if (t->s.neg.windowsize == 1 || t->rollover_probe) {
			t->rollover_to = 1;
			t->next_wire = 1;
		} else {
			t->rollover_probe = true;
		}
	}
	if (p->block != t->next_wire) {
		d = (int16_t)(uint16_t)(p->block - t->next_wire);
		if (d < 0) {
			/* Old block: count and drop. A lost ACK makes a lock-step
			 * server resend; re-ACK at most once per RTO so duplicates
			 * never breed new DATA (Sorcerer's Apprentice). */
			t->f->res.duplicates++;
			if (t->s.neg.windowsize == 1 &&
			    now - t->gap_ack_ns > (uint64_t)t->rto_ms * 500000ull) {
				t->gap_ack_ns = now;
				t->f->res.retransmits++;
				send_ack(t, t->last_ack);
			}
			return;
		}
		/* A gap or reordering (RFC 7440 section 4): ACK the last
		 * in-order block at once, once per gap per round trip. */
		if (t->gap_acked_next != t->next ||
		    now - t->gap_ack_ns > (uint64_t)(t->srtt_us ? t->srtt_us : 1000) * 1000ull) {
			t->gap_acked_next = t->next;
			t->gap_ack_ns = now;
			t->in_window = 0;
			t->f->res.retransmits++;
			t->ack_sent_ns = 0;
			send_ack(t, t->last_inorder);
		}
		return;
	}
	/* In order. */
	if (t->in_window == 0)
		rtt_sample(t, now);
	err = rb_sink_write(t->f->sink, p->data, p->len);
	if (err) {
		if (err == -EFBIG)
			fail_proto(t, RB_TFTP_ENOSPACE, -EFBIG, "%s",
				   "file larger than the destination allows");
		else
			fail_proto(t, RB_TFTP_ENOSPACE, err, "cannot store the file: %s",
				   strerror(-err));
		return;
	}
	if (t->s.neg.has_tsize && t->f->sink->written > t->s.neg.tsize) {
		fail_proto(t, RB_TFTP_EUNDEF, -EPROTO, "%s",
			   "server sent more bytes than the tsize it announced");
		return;
	}
	t->retries_left = t->retries;
	if (p->block == 0)
		t->rollover_to = 0;	/* settled: this server rolls over to 0 */
	t->last_inorder = p->block;
	advance(t);
	if (p->len < t->s.neg.blksize) {
		deliver_final(t, p->block);
		return;
	}
	if (++t->in_window >= t->s.neg.windowsize) {
		/* RFC 7440: ACK at the end of each window. */
		t->in_window = 0;
		t->ack_sent_ns = now;
		send_ack(t, p->block);
	}
	arm_timer(t);
}

static void got_error(struct tftp *t, const struct rb_tftp_pkt *p)
{
	struct rb_fetch_result *r = &t->f->res;

	r->tftp_error_code = p->err_code;
	snprintf(r->tftp_error_msg, sizeof(r->tftp_error_msg), "%s", p->err_msg);
	/* RFC 2347: a server that refuses options answers ERROR 8; retry plain. */
	if (t->state == ST_RRQ && p->err_code == RB_TFTP_EOPTNEG && !t->options_dropped &&
	    (t->req.blksize || t->req.tsize || t->req.windowsize || t->req.timeout)) {
		t->options_dropped = true;
		memset(&t->req, 0, sizeof(t->req));
		t->have_tid = false;
		r->tftp_error_code = -1;
		r->tftp_error_msg[0] = 0;
		send_rrq(t);
		arm_timer(t);
		return;
	}
	tftp_fail(t, p->err_code == RB_TFTP_ENOTFOUND ? -ENOENT :
			    p->err_code == RB_TFTP_EACCESS ? -EACCES : -EREMOTEIO,
		      "server error %u: %.120s", p->err_code,
		      p->err_msg[0] ? p->err_msg : "(no message)");
}

static void got_packet(struct tftp *t, const struct sockaddr_storage *from,
		       const uint8_t *buf, size_t len, bool truncated)
{
	struct rb_tftp_pkt p;
	uint64_t now = rb_now_ns();

	if (t->state == ST_DONE)
		return;
	/* RFC 1350 section 4: the server's TID is the port of its first
	 * reply; anything from another port gets ERROR 5 and is ignored. */
	if (!t->have_tid) {
		if (!rb_sockaddr_same_host(from, &t->server))
			return;		/* not our server at all: silently ignored */
		t->s.peer = *from;
		t->s.peer_len = t->server_len;
		t->have_tid = true;
	} else if (!rb_sockaddr_equal(from, &t->s.peer)) {
		/* Never answer an ERROR with an ERROR (RFC 1350 section 7). */
		if (len >= 2 && (buf[0] << 8 | buf[1]) != RB_TFTP_ERROR)
			send_error(t, from, RB_TFTP_EBADID, "Unknown transfer ID");
		return;
	}
	t->last_rx_ns = now;
	if (truncated) {
		fail_proto(t, RB_TFTP_EBADOP, -EPROTO, "%s",
			   "packet larger than the negotiated blksize");
		return;
	}
	if (rb_tftp_decode(buf, len, &p)) {
		rb_debug("tftp: malformed packet of %zu bytes ignored", len);
		return;
	}
	switch (p.op) {
	case RB_TFTP_ERROR:
		got_error(t, &p);
		return;
	case RB_TFTP_OACK:
		if (t->state == ST_RRQ) {
			got_oack(t, &p);
		} else if (t->next == 1 && t->s.neg.oack) {
			/* Our ACK 0 was lost: the server repeats its OACK. */
			t->f->res.duplicates++;
			send_ack(t, 0);
		}
		return;
	case RB_TFTP_DATA:
		if (t->state == ST_RRQ) {
			/* RFC 2347: DATA straight away means the server ignored
			 * the options: 512-byte lock-step. */
			rb_tftp_neg_default(&t->s.neg);
			record_options(t);
			if (open_sink(t))
				return;
			t->state = ST_DATA;
			if (p.block == 1 && p.len == RB_TFTP_BLKSIZE_DEFAULT) {
				got_data(t, &p, now);
				if (t->state != ST_DATA)
					return;
				t->s.ack_block = 1;
				/* The ACK of DATA 1 is queued; a data path
				 * taking over would send it again: harmless. */
				try_data_paths(t);
				return;
			}
		}
		got_data(t, &p, now);
		return;
	default:
		fail_proto(t, RB_TFTP_EBADOP, -EPROTO, "unexpected %s from the server",
			   rb_tftp_opname(p.op));
	}
}

static int arm_recv(struct tftp *t);

static void recv_cb(struct rb_loop *loop, struct rb_op *op, int res, unsigned int flags)
{
	struct tftp *t = container_of(op, struct tftp, recv_op);

	if (t->finishing)
		return;
	if (res < 0) {
		if (res == -ENOBUFS || res == -EINTR || res == -EAGAIN) {
			if (!op->inflight)
				arm_recv(t);
			return;
		}
		if (res == -ECANCELED)
			return;
		/* ICMP port unreachable surfaces as ECONNREFUSED. */
		tftp_fail(t, res, "receive from %s: %s", t->f->res.server,
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

			got_packet(t, &from, io_uring_recvmsg_payload(o, &t->rmsg), n,
				   n >= t->rcap || (o->flags & MSG_TRUNC));
		}
		if (t->br.br)
			rb_bufring_recycle(&t->br, bid);
	} else {
		/* The buffer is one byte larger than the largest legal packet. */
		got_packet(t, &t->rname, t->rbuf, (size_t)res, (size_t)res >= t->rcap);
	}
rearm:
	if (!t->finishing && t->state != ST_DONE && !op->inflight && !t->s.path)
		arm_recv(t);
}

static int arm_recv(struct tftp *t)
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
		tftp_fail(t, err, "cannot arm the receive: %s", strerror(-err));
	}
	return err;
}

/* --- setup and teardown ----------------------------------------------- */

static unsigned int pow2_at_least(unsigned int v)
{
	unsigned int p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static int setup_recv(struct tftp *t, unsigned int blksize, unsigned int window)
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
	f->priv = NULL;
	tftp_free(t);
	rb_fetch_finish(f, err);
}

/*
 * End of the transfer. Called deep inside a completion handler, so the
 * teardown (reap every op, free t, finish f) is deferred to a NOP's
 * completion: nothing touches t after the handler that ended it returns.
 */
static void tftp_end(struct tftp *t, int err)
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
	rb_timer_init(&t->timer, timer_fired);
	rb_op_init(&t->end_op, end_cb);
	for (int i = 0; i < SEND_SLOTS; i++)
		rb_op_init(&t->slots[i].op, send_done);
	err = rb_url_unescape(f->url.path + 1, t->file, sizeof(t->file));
	if (err <= 0) {
		snprintf(f->res.reason, sizeof(f->res.reason), "bad file name in URL");
		err = err ? err : -EINVAL;
		goto fail;
	}
	err = rb_tftp_resolve(f->url.host, f->url.port ? f->url.port : 69, o->family,
			      &t->server, &t->server_len);
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
	err = setup_recv(t, o->no_options ? RB_TFTP_BLKSIZE_DEFAULT : blksize, window);
	if (err)
		goto fail;
	f->priv = t;
	err = arm_recv(t);
	if (err)
		return 0;	/* already finished */
	err = send_rrq(t);
	if (err) {
		tftp_fail(t, err, "cannot send the request: %s", strerror(-err));
		return 0;
	}
	arm_timer(t);
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
		send_error(t, &t->s.peer, RB_TFTP_EUNDEF,
			   err == -ETIMEDOUT ? "Transfer deadline exceeded" : "Transfer cancelled");
	if (err == -ETIMEDOUT)
		tftp_fail(t, err, "deadline of %g s exceeded after %llu bytes",
			  f->opts->deadline, (unsigned long long)f->sink->written);
	else
		tftp_fail(t, err, "cancelled");
}

void rb_tftp_path_done(struct rb_tftp_session *s, int err)
{
	struct tftp *t = s->f->priv;

	if (t)
		tftp_end(t, err);
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
