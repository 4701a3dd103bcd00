// SPDX-License-Identifier: GPL-2.0
/*
 * The DATA phase of one TFTP read transfer, in softirq: accept blocks in
 * order into the ring, ACK once per window (RFC 7440 section 4; a window of 1
 * is RFC 1350 lock-step), at the final short block, and at once on a gap;
 * re-ACK on silence with bounded retries; hold the ACK when the ring has no
 * room for the next window (back-pressure, released by the KICK ioctl).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/skbuff.h>
#include <linux/udp.h>

#include "ringboot.h"

/* What the receive path decided to send once the lock is dropped. */
struct ringboot_xfer_out {
	bool ack;
	u16 block;
	bool wake;
	int event;
	u64 rx_ns;	/* when the DATA that triggers the ACK came in */
};

static void ringboot_xfer_timer(struct timer_list *t);
static void ringboot_xfer_event_work(struct work_struct *work);

/* The options of a transfer nobody asked anything of (RFC 1350). */
void ringboot_xfer_opts_default(const struct ringboot_session *s,
				struct ringboot_xfer_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->blksize = RINGBOOT_BLKSIZE_DEFAULT;
	o->windowsize = RINGBOOT_WINDOWSIZE_DEFAULT;
	o->first_blk = 1;
	o->rto = msecs_to_jiffies(RINGBOOT_TIMEOUT_MS_DEFAULT);
	o->retries = RINGBOOT_RETRIES_DEFAULT;
	o->watermark = ringboot_watermark_default(s->size);
}

/* Under rx_lock, before the socket is hooked: the options of this transfer. */
void ringboot_xfer_configure(struct ringboot_session *s,
			     const struct ringboot_xfer_opts *o)
{
	s->peer = o->peer;
	s->peer_port = o->peer_port;
	s->blksize = o->blksize;
	s->windowsize = o->windowsize;
	s->has_tsize = o->has_tsize;
	s->tsize = o->tsize;
	s->next_blk = o->first_blk;
	s->rollover_to = -1;
	s->rollover_probe = false;
	s->rto = o->rto;
	s->rto_max = o->rto;
	s->retries_max = o->retries;
	s->watermark = o->watermark;
	/* The ring's indices are file offsets (docs/fastpath.md). */
	s->prod = o->offset;
	s->cons = o->offset;
	if (s->hdr) {
		s->hdr->prod = o->offset;
		s->hdr->cons = o->offset;
		s->hdr->blksize = o->blksize;
		s->hdr->windowsize = o->windowsize;
		s->hdr->tsize = o->tsize;
	}
}

void ringboot_xfer_init(struct ringboot_session *s)
{
	struct ringboot_xfer_opts o;

	s->state = RINGBOOT_STATE_IDLE;
	ringboot_xfer_opts_default(s, &o);
	ringboot_xfer_configure(s, &o);
	s->stats.ta_min_ns = U64_MAX;
	timer_setup(&s->timer, ringboot_xfer_timer, 0);
	INIT_WORK(&s->event_work, ringboot_xfer_event_work);
}

/*
 * Block @blk's number on the wire (RFC 1350: 16 bits). Past 65535 servers go
 * on with 0 (tftpd-hpa, atftpd) or with 1; ringboot_xfer_rollover() learns
 * which at the first rollover.
 */
static u16 ringboot_xfer_wire(const struct ringboot_session *s, u64 blk)
{
	u32 rem;

	if (s->rollover_to != 1 || !blk)
		return (u16)blk;
	div_u64_rem(blk - 1, 65535, &rem);
	return rem + 1;
}

/*
 * How far wire block @block is from the next block expected: 0 for that one,
 * negative behind it (a duplicate), positive ahead (a gap), within half the
 * cycle of numbers (65536, or 65535 for 1..65535 after a rollover to 1).
 */
static int ringboot_xfer_dist(const struct ringboot_session *s, u16 block)
{
	int d = (int)block - ringboot_xfer_wire(s, s->next_blk);

	if (s->rollover_to != 1)
		return (s16)d;
	if (d > 32767)
		d -= 65535;
	else if (d < -32767)
		d += 65535;
	return d;
}

/*
 * Under rx_lock: at the first rollover, learn where this server goes after
 * 65535, as the user-space client does (userspace/tftp_rx.c). A 0 taken in
 * order settles it (ringboot_xfer_accept()). A 1 where 0 is due is a
 * rollover to 1 in lock-step, where nothing else can follow our ACK of
 * 65535; in a window it may also be the block after a lost 0, so it is
 * answered as a gap (ACK 65535), and a 1 that comes again, the server's
 * answer to that ACK starting with it, settles it.
 */
static void ringboot_xfer_rollover(struct ringboot_session *s, u16 block)
{
	if (s->rollover_to >= 0 || (u16)s->next_blk || block != 1)
		return;
	if (s->windowsize == 1 || s->rollover_probe)
		s->rollover_to = 1;
	else
		s->rollover_probe = true;
}

static u64 ringboot_xfer_window_bytes(const struct ringboot_session *s)
{
	return (u64)s->blksize * s->windowsize;
}

/* Under rx_lock: (re)arm the retransmission timer for the ACK just sent. */
static void ringboot_xfer_arm(struct ringboot_session *s)
{
	s->timer_armed = true;
	mod_timer(&s->timer, jiffies + s->rto);
}

/* Under rx_lock: end the transfer; the event goes out from a work item. */
static void ringboot_xfer_finish(struct ringboot_session *s, int err,
				 struct ringboot_xfer_out *out)
{
	s->timer_armed = false;
	s->held = false;
	s->flags &= ~RINGBOOT_RING_F_NEED_KICK;
	if (err) {
		s->state = RINGBOOT_STATE_FAILED;
		s->status = err;
		s->flags |= RINGBOOT_RING_F_ERROR;
		out->event = RINGBOOT_EVENT_FAILED;
	} else {
		s->state = RINGBOOT_STATE_DONE;
		s->flags |= RINGBOOT_RING_F_EOF;
		out->event = RINGBOOT_EVENT_DONE;
	}
	ringboot_ring_publish(s);
	out->wake = true;
}

/* Under rx_lock: ACK the last in-order block; a new window starts after it. */
static void ringboot_xfer_ack(struct ringboot_session *s,
			      struct ringboot_xfer_out *out, bool again)
{
	s->acked_blk = s->next_blk - 1;
	s->ack_hist[s->ack_hist_n++ % ARRAY_SIZE(s->ack_hist)] = s->acked_blk;
	/* Time the round trip to the block this ACK asks for; Karn: not a resend. */
	s->rtt_probe_blk = again ? 0 : s->next_blk;
	s->rtt_probe_ns = ktime_get_ns();
	s->last_ack_at = jiffies;
	s->heard = false;
	out->ack = true;
	out->block = ringboot_xfer_wire(s, s->acked_blk);
	s->stats.acks++;
	if (again)
		s->stats.reacks++;
}

/* Outside rx_lock, still in BH + RCU: send, wake, announce. */
static void ringboot_xfer_flush(struct ringboot_session *s,
				struct ringboot_xfer_out *out)
{
	if (out->ack) {
		ringboot_socket_send_ack(s, out->block);
		if (out->rx_ns) {
			u64 ta = ktime_get_ns() - out->rx_ns;

			spin_lock(&s->rx_lock);
			s->stats.ta_count++;
			s->stats.ta_sum_ns += ta;
			s->stats.ta_min_ns = min(s->stats.ta_min_ns, ta);
			s->stats.ta_max_ns = max(s->stats.ta_max_ns, ta);
			spin_unlock(&s->rx_lock);
		}
	}
	if (out->wake)
		ringboot_ring_wake(s);
	if (out->event) {
		spin_lock(&s->rx_lock);
		if (!s->dead) {
			s->event = out->event;
			schedule_work(&s->event_work);
		}
		spin_unlock(&s->rx_lock);
	}
}

static bool ringboot_xfer_from_peer(struct ringboot_session *s,
				    const struct sk_buff *skb)
{
	if (s->family == AF_INET)
		return skb->protocol == htons(ETH_P_IP) &&
		       ip_hdr(skb)->saddr == s->peer.v4;
	return skb->protocol == htons(ETH_P_IPV6) &&
	       ipv6_addr_equal(&ipv6_hdr(skb)->saddr, &s->peer.v6);
}

static void ringboot_xfer_latch_local(struct ringboot_session *s,
				      const struct sk_buff *skb)
{
	if (s->family == AF_INET)
		s->local.v4 = ip_hdr(skb)->daddr;
	else
		s->local.v6 = ipv6_hdr(skb)->daddr;
}

/*
 * Under rx_lock: an RTT sample (window ACK out -> next block in), RFC 6298
 * section 2: RTO = SRTT + max(G, 4 RTTVAR), within [RTO_MIN, the configured
 * timeout], so a lost tail block costs a round trip or two, not a second.
 */
static void ringboot_xfer_rtt(struct ringboot_session *s, u64 ns)
{
	u32 r = (u32)min_t(u64, ns / NSEC_PER_USEC, U32_MAX / 8);
	u32 rto_us;

	if (!s->srtt_us) {
		s->srtt_us = r;
		s->rttvar_us = r / 2;
	} else {
		u32 err = s->srtt_us > r ? s->srtt_us - r : r - s->srtt_us;

		s->rttvar_us = (3 * s->rttvar_us + err) / 4;
		s->srtt_us = (7 * s->srtt_us + r) / 8;
	}
	rto_us = s->srtt_us + max_t(u32, 4 * s->rttvar_us, jiffies_to_usecs(1));
	s->rto = clamp_t(unsigned long, usecs_to_jiffies(rto_us),
			 min_t(unsigned long, msecs_to_jiffies(RINGBOOT_RTO_MIN_MS), s->rto_max),
			 s->rto_max);
}

/*
 * Under rx_lock: no room for what comes next. Hold the ACK and ask user space
 * to kick once it has released space (the server's retransmissions cover
 * the pause); the timer stays off, a held session never times out.
 */
static void ringboot_xfer_hold(struct ringboot_session *s,
			       struct ringboot_xfer_out *out)
{
	s->held = true;
	s->timer_armed = false;
	s->flags |= RINGBOOT_RING_F_NEED_KICK;
	s->stats.held_acks++;
	ringboot_ring_publish(s);
	out->wake = true;
}

/* Under rx_lock: the next block in order, @len payload bytes. */
static void ringboot_xfer_accept(struct ringboot_session *s,
				 const struct sk_buff *skb, u32 len,
				 struct ringboot_xfer_out *out)
{
	u64 used = s->prod - ringboot_ring_cons(s);

	/*
	 * Window ends check for room, but our count of the window restarts at
	 * every gap ACK and can drift from the server's (heavy reordering), so
	 * the ring can fill between two window ends: hold as at a window end,
	 * and never overwrite unread bytes.
	 */
	if (len > s->size - used) {
		ringboot_xfer_hold(s, out);
		return;
	}
	if (len > RINGBOOT_OFFSET_MAX - s->prod) {
		/* Past the largest file offset: prod would wrap next. */
		ringboot_xfer_finish(s, -EFBIG, out);
		return;
	}
	if (s->rtt_probe_blk == s->next_blk) {
		ringboot_xfer_rtt(s, ktime_get_ns() - s->rtt_probe_ns);
		s->rtt_probe_blk = 0;
	}
	ringboot_ring_put_skb(s, skb, sizeof(struct udphdr) +
			      sizeof(struct ringboot_tftp_hdr), len);
	used += len;
	if (s->rollover_to < 0 && !(u16)s->next_blk)
		s->rollover_to = 0;	/* settled: this server rolls over to 0 */
	s->next_blk++;
	s->retries = 0;
	s->last_progress = jiffies;
	s->stats.blocks++;
	s->stats.bytes += len;
	if (s->state == RINGBOOT_STATE_ATTACHED) {
		s->state = RINGBOOT_STATE_DATA;
		s->flags |= RINGBOOT_RING_F_STARTED;
	}
	if (s->has_tsize && s->prod > s->tsize) {
		/* RFC 2349: the server announced less than it sends. */
		ringboot_xfer_finish(s, -EFBIG, out);
		return;
	}
	if (len < s->blksize) {
		/*
		 * RFC 1350 section 6: a short block ends the transfer; ACK it
		 * so the server ends too. A file shorter than the tsize the
		 * server announced is refused (RFC 2349), as in user space.
		 */
		ringboot_xfer_ack(s, out, false);
		ringboot_xfer_finish(s, s->has_tsize && s->prod != s->tsize ? -EPROTO : 0,
				     out);
		return;
	}
	ringboot_ring_publish(s);
	/*
	 * poll() is level-triggered on the watermark; a wake costs nothing
	 * unless the reader sleeps, so a reader is woken once per crossing
	 * of the watermark, whether or not a window ended (it may never end
	 * here if the server's count and ours disagree).
	 */
	if (used >= s->watermark)
		out->wake = true;
	if (s->next_blk - 1 - s->acked_blk < s->windowsize)
		return;

	/* Window end (RFC 7440 section 4): ACK if the next window fits. */
	if (s->size - used < ringboot_xfer_window_bytes(s)) {
		ringboot_xfer_hold(s, out);
		return;
	}
	ringboot_xfer_ack(s, out, false);
	ringboot_xfer_arm(s);
}

static bool ringboot_xfer_acked_lately(const struct ringboot_session *s, u64 blk)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(s->ack_hist) && i < s->ack_hist_n; i++)
		if (s->ack_hist[i] == blk)
			return true;
	return false;
}

/*
 * Under rx_lock: a block we already have, -@dist blocks behind the next one.
 * A server that missed our ACK resends its window from the block after the
 * last ACK it saw (RFC 7440 section 4): if block - 1 is one we ACKed, its
 * window starts at block, so count ours from there. Re-ACK only once that
 * window is complete here (our window ACK was lost), at most once per
 * interval. Any other duplicate (a copy made by the network) is only
 * counted: answering copies would make the server send more copies (the
 * Sorcerer's Apprentice).
 */
static void ringboot_xfer_dup(struct ringboot_session *s, int dist,
			      struct ringboot_xfer_out *out)
{
	unsigned long gap = max_t(unsigned long, s->rto / 4, 1);
	u64 d;

	s->stats.duplicates++;
	/* Behind block 1: nothing a server could resend. */
	if (s->held || s->state == RINGBOOT_STATE_FAILED || -dist >= s->next_blk)
		return;
	d = s->next_blk + dist;	/* the block it repeats */
	if (d - 1 < s->acked_blk && ringboot_xfer_acked_lately(s, d - 1))
		s->acked_blk = d - 1;
	if (s->state != RINGBOOT_STATE_DONE &&
	    s->next_blk - 1 - s->acked_blk < s->windowsize)
		return;
	if (time_before(jiffies, s->last_ack_at + gap))
		return;
	ringboot_xfer_ack(s, out, true);
	if (s->state == RINGBOOT_STATE_DATA)
		ringboot_xfer_arm(s);
}

/*
 * Under rx_lock: a block ahead of the next one: a loss or reordering. ACK the
 * last in-order block at once so the server resends from there (RFC 7440
 * section 4), but at most once per gap and interval, so a burst of blocks
 * behind one loss cannot start a Sorcerer's Apprentice exchange. This also
 * pulls back a server that ran ahead (a stale ACK misread across the 16-bit
 * rollover); a hostile sender gets no more than one ACK per interval.
 */
static void ringboot_xfer_gap(struct ringboot_session *s,
			      struct ringboot_xfer_out *out)
{
	unsigned long gap = max_t(unsigned long, s->rto / 4, 1);

	s->stats.out_of_order++;
	if (s->held || s->state == RINGBOOT_STATE_FAILED ||
	    s->state == RINGBOOT_STATE_DONE)
		return;
	if (s->gap_acked_for == s->next_blk &&
	    time_before(jiffies, s->last_ack_at + gap))
		return;
	s->gap_acked_for = s->next_blk;
	ringboot_xfer_ack(s, out, true);
	ringboot_xfer_arm(s);
}

/*
 * Under rx_lock: a DATA packet from the server's address. Returns 1 to hand
 * the packet to the user's socket (a stray TID), 0 when it was consumed.
 */
static int ringboot_xfer_data(struct ringboot_session *s,
			      const struct sk_buff *skb, __be16 sport,
			      const struct ringboot_tftp_hdr *th, u32 len,
			      struct ringboot_xfer_out *out)
{
	u16 block = ntohs(th->block);
	int dist;

	if (!s->peer_port) {
		/* RFC 1350 section 4: DATA 1 from the server picks its TID. */
		if (block != ringboot_xfer_wire(s, s->next_blk) ||
		    s->state != RINGBOOT_STATE_ATTACHED ||
		    len > s->blksize)
			return 1;
		s->peer_port = sport;
	} else if (sport != s->peer_port) {
		return 1;	/* another TID: user space answers ERROR 5 */
	}
	if (len > s->blksize) {
		/*
		 * Larger than the negotiated blksize (RFC 2348): never into the
		 * ring; user space refuses the transfer for it (ERROR 4), as its
		 * own client does.
		 */
		s->stats.malformed++;
		return 1;
	}
	s->heard = true;
	/* ACKs leave from the address the server sent to. */
	if (s->family == AF_INET ? !s->local.v4 : ipv6_addr_any(&s->local.v6))
		ringboot_xfer_latch_local(s, skb);

	ringboot_xfer_rollover(s, block);
	dist = ringboot_xfer_dist(s, block);
	if (!dist && !s->held &&
	    (s->state == RINGBOOT_STATE_ATTACHED || s->state == RINGBOOT_STATE_DATA)) {
		ringboot_xfer_accept(s, skb, len, out);
		if (out->ack)
			out->rx_ns = ktime_get_ns();
		return 0;
	}
	if (dist < 0)
		ringboot_xfer_dup(s, dist, out);
	else
		ringboot_xfer_gap(s, out);
	return 0;
}

int ringboot_xfer_rcv(struct ringboot_session *s, struct sk_buff *skb)
{
	struct ringboot_xfer_out out = {};
	struct ringboot_tftp_hdr buf;
	const struct ringboot_tftp_hdr *th;
	u64 rx_ns = ktime_get_ns();
	__be16 sport;
	u32 len;
	int ret = 1;

	/* skb->data is the UDP header; 6.1 no longer drops short datagrams. */
	if (skb->len < sizeof(struct udphdr))
		return 1;
	len = skb->len - sizeof(struct udphdr);
	sport = udp_hdr(skb)->source;

	spin_lock(&s->rx_lock);
	if (s->dead || s->state == RINGBOOT_STATE_IDLE ||
	    !ringboot_xfer_from_peer(s, skb))
		goto pass;
	th = skb_header_pointer(skb, sizeof(struct udphdr),
				min_t(u32, len, sizeof(buf)), &buf);
	if (len < sizeof(buf) || !th) {
		/* Truncated: from the TID it is garbage, else it is a stray. */
		if (s->peer_port && sport == s->peer_port) {
			s->stats.malformed++;
			ret = 0;
		}
		goto pass;
	}
	if (th->opcode == htons(RINGBOOT_TFTP_DATA)) {
		ret = ringboot_xfer_data(s, skb, sport, th,
					 len - sizeof(buf), &out);
	} else if (th->opcode == htons(RINGBOOT_TFTP_ERROR) && s->peer_port &&
		   sport == s->peer_port &&
		   (s->state == RINGBOOT_STATE_DATA ||
		    s->state == RINGBOOT_STATE_ATTACHED)) {
		/* The server gave up: fail, and let user space read why. */
		ringboot_xfer_finish(s, -EREMOTEIO, &out);
	}
pass:
	if (ret)
		s->stats.passed++;
	spin_unlock(&s->rx_lock);
	if (out.rx_ns)
		out.rx_ns = rx_ns;
	ringboot_xfer_flush(s, &out);
	if (!ret)
		consume_skb(skb);
	return ret;
}

/*
 * The RTO timer: silence since the last ACK. Re-send the ACK of the last
 * in-order block (RFC 7440 section 4), up to retries_max times, then fail.
 */
static void ringboot_xfer_timer(struct timer_list *t)
{
	struct ringboot_session *s = from_timer(s, t, timer);
	struct ringboot_xfer_out out = {};

	rcu_read_lock();
	spin_lock(&s->rx_lock);
	if (s->dead || !s->timer_armed || s->held ||
	    (s->state != RINGBOOT_STATE_DATA && s->state != RINGBOOT_STATE_ATTACHED))
		goto unlock;
	if (time_before(jiffies, s->last_progress + s->rto)) {
		/* Blocks are still arriving mid-window: wait from the last one. */
		mod_timer(&s->timer, s->last_progress + s->rto);
		goto unlock;
	}
	s->stats.timeouts++;
	/*
	 * RFC 6298 section 5.5: back off, up to the configured timeout, when
	 * the server has been silent since our last ACK. A server that kept
	 * sending meanwhile (duplicates, blocks past a gap) is alive and waits
	 * at the end of a window that our count did not end: under heavy
	 * reordering every gap ACK restarts our count and the two drift
	 * apart. Backing off there would turn each such wait into a second.
	 */
	if (!s->heard)
		s->rto = min(s->rto * 2, s->rto_max);
	if (++s->retries > s->retries_max) {
		ringboot_xfer_finish(s, -ETIMEDOUT, &out);
		goto unlock;
	}
	ringboot_xfer_ack(s, &out, true);
	ringboot_xfer_arm(s);
unlock:
	spin_unlock(&s->rx_lock);
	ringboot_xfer_flush(s, &out);
	rcu_read_unlock();
}

static void ringboot_xfer_event_work(struct work_struct *work)
{
	struct ringboot_session *s = container_of(work, struct ringboot_session,
						  event_work);
	int event;

	spin_lock_bh(&s->rx_lock);
	event = s->event;
	s->event = 0;
	spin_unlock_bh(&s->rx_lock);
	if (event)
		ringboot_netlink_event(s, event);
}

/* Process context, s->lock held: run @out with BH off, as softirq would. */
static void ringboot_xfer_flush_bh(struct ringboot_session *s,
				   struct ringboot_xfer_out *out)
{
	local_bh_disable();
	rcu_read_lock();
	ringboot_xfer_flush(s, out);
	rcu_read_unlock();
	local_bh_enable();
}

/*
 * RFC 2347: the OACK fixed the options and the server's TID. Called before
 * user space sends ACK 0; the timer then covers a lost ACK 0.
 */
int ringboot_xfer_set(struct ringboot_session *s, __be16 port, u16 blksize,
		      u16 windowsize, bool has_tsize, u64 tsize)
{
	int ret = -EBUSY;

	spin_lock_bh(&s->rx_lock);
	if (s->state != RINGBOOT_STATE_ATTACHED || s->stats.blocks)
		goto out;
	ret = -ENOSPC;
	if ((u64)blksize * windowsize > s->size)
		goto out;
	s->peer_port = port;
	s->blksize = blksize;
	s->windowsize = windowsize;
	s->has_tsize = has_tsize;
	s->tsize = tsize;
	s->hdr->blksize = blksize;
	s->hdr->windowsize = windowsize;
	s->hdr->tsize = tsize;
	s->acked_blk = s->next_blk - 1;
	s->last_ack_at = jiffies;
	s->last_progress = jiffies;
	ringboot_xfer_arm(s);
	ret = 0;
out:
	spin_unlock_bh(&s->rx_lock);
	return ret;
}

/*
 * ATTACH named the server's TID: user space has negotiated already and sends
 * ACK next_blk - 1 right after; the timer covers its loss.
 */
void ringboot_xfer_start(struct ringboot_session *s)
{
	spin_lock_bh(&s->rx_lock);
	if (s->peer_port && s->state == RINGBOOT_STATE_ATTACHED) {
		s->acked_blk = s->next_blk - 1;
		s->last_ack_at = jiffies;
		s->last_progress = jiffies;
		ringboot_xfer_arm(s);
	}
	spin_unlock_bh(&s->rx_lock);
}

void ringboot_xfer_fail(struct ringboot_session *s, int err)
{
	struct ringboot_xfer_out out = {};

	spin_lock_bh(&s->rx_lock);
	if (s->state != RINGBOOT_STATE_DONE && s->state != RINGBOOT_STATE_FAILED)
		ringboot_xfer_finish(s, err, &out);
	spin_unlock_bh(&s->rx_lock);
	ringboot_xfer_flush_bh(s, &out);
}

/* The consumer released space: send the held window ACK if it fits now. */
int ringboot_xfer_kick(struct ringboot_session *s)
{
	struct ringboot_xfer_out out = {};
	int ret = 0;

	spin_lock_bh(&s->rx_lock);
	if (!s->held || s->dead)
		goto unlock;
	if (s->size - (s->prod - ringboot_ring_cons(s)) <
	    ringboot_xfer_window_bytes(s)) {
		ret = -EAGAIN;
		goto unlock;
	}
	s->held = false;
	s->flags &= ~RINGBOOT_RING_F_NEED_KICK;
	ringboot_ring_publish(s);
	s->last_progress = jiffies;
	ringboot_xfer_ack(s, &out, false);
	ringboot_xfer_arm(s);
unlock:
	spin_unlock_bh(&s->rx_lock);
	ringboot_xfer_flush_bh(s, &out);
	return ret;
}

/* Release: no timer, no work, no event after this returns. Sleeps. */
void ringboot_xfer_stop(struct ringboot_session *s)
{
	spin_lock_bh(&s->rx_lock);
	s->dead = true;
	s->timer_armed = false;
	spin_unlock_bh(&s->rx_lock);
	timer_shutdown_sync(&s->timer);
	cancel_work_sync(&s->event_work);
}
