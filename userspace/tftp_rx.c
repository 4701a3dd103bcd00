// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TFTP client's protocol: option negotiation (RFC 2347, 2348, 2349,
 * 7440), DATA in order with rollover past block 65535, windows and gap
 * ACKs, duplicates, retransmission with an adaptive timeout, the final block,
 * and the hand-over to a registered data path (the kernel fast path).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "tftp_sock.h"
#include "tftp_xfer.h"

#define RB_TFTP_PATH(sym) extern const struct rb_tftp_path sym;
#include "tftp_paths.h"
#undef RB_TFTP_PATH

static const struct rb_tftp_path *const data_paths[] = {
#define RB_TFTP_PATH(sym) &sym,
#include "tftp_paths.h"
#undef RB_TFTP_PATH
	NULL,
};

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
	/* The next block (lock-step) or window is due about one round trip
	 * after our ACK: poll for it that long instead of sleeping. */
	r = 2 * t->srtt_us;
	if (r < SPIN_MIN_US)
		r = SPIN_MIN_US;
	if (r > SPIN_MAX_US)
		r = SPIN_MAX_US;
	t->loop->spin_ns = (uint64_t)r * 1000;
}

void tftpx_arm_timer(struct tftp *t)
{
	rb_timer_mod(t->loop, &t->timer, (uint64_t)t->rto_ms * 1000000ull);
}

void tftpx_timer_fired(struct rb_loop *loop, struct rb_timer *tm)
{
	struct tftp *t = container_of(tm, struct tftp, timer);

	if (t->state == ST_DONE)
		return;
	t->f->res.timeouts++;
	if (!t->retries_left) {
		if (t->state == ST_RRQ)
			tftpx_fail(t, -ETIMEDOUT, "no answer from %s after %u tries",
				  t->f->res.server, t->retries + 1);
		else
			tftpx_fail(t, -ETIMEDOUT,
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
		tftpx_send_rrq(t);
	} else {
		/* RFC 7440 section 4: on timeout, ACK the last block received
		 * in order, so the server resends the window from there. */
		tftpx_send_ack(t, t->last_inorder);
	}
	t->ack_sent_ns = 0;
	t->in_window = 0;
	tftpx_arm_timer(t);
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
		tftpx_send_error(t, &t->s.peer, code, msg);
	tftpx_fail(t, err, "%s", msg);
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
int tftpx_try_data_paths(struct tftp *t)
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
			/* The kernel answers now: polling would only burn CPU. */
			t->loop->spin_ns = t->saved_spin_ns;
			return 0;
		}
		t->s.path = NULL;
	}
	if (fp == RB_FASTPATH_ON) {
		tftpx_fail(t, err, "kernel fast path unavailable: %s", strerror(-err));
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
	if (!tftpx_try_data_paths(t) || t->state == ST_DONE)
		return;
	/* RFC 2347: acknowledge the OACK with ACK 0; DATA 1 follows. */
	tftpx_send_ack(t, 0);
	t->ack_sent_ns = rb_now_ns();
	tftpx_arm_timer(t);
}

static void deliver_final(struct tftp *t, uint16_t block)
{
	char why[120];
	int err;

	/* RFC 1350: the short block ends the transfer; ACK it so the server ends too. */
	tftpx_send_ack(t, block);
	err = rb_tftp_check_tsize(&t->s.neg, t->f->sink->written, true, why, sizeof(why));
	if (err) {
		tftpx_fail(t, err, "%s", why);
		return;
	}
	tftpx_end(t, 0);
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
	char why[120];
	int16_t d;
	int err;

	if (p->len > t->s.neg.blksize) {
		fail_proto(t, RB_TFTP_EBADOP, -EPROTO, "%s", RB_TFTP_OVERSIZE_REASON);
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
				tftpx_send_ack(t, t->last_ack);
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
			tftpx_send_ack(t, t->last_inorder);
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
	err = rb_tftp_check_tsize(&t->s.neg, t->f->sink->written, false, why, sizeof(why));
	if (err) {
		fail_proto(t, RB_TFTP_EUNDEF, err, "%s", why);
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
		tftpx_send_ack(t, p->block);
	}
	tftpx_arm_timer(t);
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
		tftpx_send_rrq(t);
		tftpx_arm_timer(t);
		return;
	}
	tftpx_fail(t, p->err_code == RB_TFTP_ENOTFOUND ? -ENOENT :
			    p->err_code == RB_TFTP_EACCESS ? -EACCES : -EREMOTEIO,
		      "server error %u: %.120s", p->err_code,
		      p->err_msg[0] ? p->err_msg : "(no message)");
}

void tftpx_got_packet(struct tftp *t, const struct sockaddr_storage *from,
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
			tftpx_send_error(t, from, RB_TFTP_EBADID, "Unknown transfer ID");
		return;
	}
	t->last_rx_ns = now;
	if (truncated) {
		fail_proto(t, RB_TFTP_EBADOP, -EPROTO, "%s", RB_TFTP_OVERSIZE_REASON);
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
			tftpx_send_ack(t, 0);
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
				tftpx_try_data_paths(t);
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
