/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the files of ringboot.ko. */
#ifndef RINGBOOT_MODULE_H
#define RINGBOOT_MODULE_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <uapi/linux/ringboot.h>

#include "messages.h"

struct genl_info;
struct sk_buff;
struct sock;
struct socket;

struct ringboot_stats {
	u64 bytes, blocks, duplicates, out_of_order;
	u64 acks, reacks, timeouts, held_acks;
	u64 malformed, passed, bad_cons;
	u64 ta_min_ns, ta_max_ns, ta_sum_ns, ta_count;
};

union ringboot_addr {
	__be32 v4;
	struct in6_addr v6;
};

/*
 * One session per open /dev/ringboot. @lock (a mutex) serialises control:
 * mmap, attach, set, abort, kick and release. @rx_lock protects everything
 * the receive path and the timer touch; take it with spin_lock() in softirq
 * and spin_lock_bh() in process context.
 */
struct ringboot_session {
	refcount_t refs;
	u32 id;
	struct mutex lock;
	spinlock_t rx_lock;
	bool dead;

	/* The ring (ring.c). prod is private; hdr->prod is only a copy. */
	struct ringboot_ring_hdr *hdr;
	u8 *data;
	u64 size;
	u64 prod;
	u64 cons;		/* last valid consumer index seen */
	u64 watermark;
	wait_queue_head_t wq;

	/* The attached socket (socket.c); pinned by the file reference. */
	struct socket *sock;
	struct net *net;
	int family;
	union ringboot_addr peer;
	union ringboot_addr local;	/* latched from DATA 1; 0 = route picks */
	__be16 peer_port;		/* server's TID; 0 until latched */
	bool dst_cache_ready;
	struct dst_cache dst_cache;

	/* The transfer (xfer.c). Block numbers are absolute, never wrap. */
	enum ringboot_state state;
	int status;
	u32 flags;			/* RINGBOOT_RING_F_* */
	u16 blksize;
	u16 windowsize;
	bool has_tsize;			/* announced (RFC 2349), even as 0 */
	u64 tsize;
	u64 next_blk;			/* next block expected in order */
	u64 acked_blk;			/* last block ACKed */
	int rollover_to;		/* after wire block 65535: 0, 1, or -1 (not seen yet) */
	bool rollover_probe;		/* a 1 came where 0 was due: gap-ACKed once */
	bool held;			/* window ACK held for ring space */
	bool timer_armed;
	unsigned long rto;		/* jiffies, adaptive (RFC 6298) */
	unsigned long rto_max;		/* the configured timeout: the longest wait */
	u32 srtt_us, rttvar_us;
	u64 rtt_probe_ns;		/* when the ACK being timed went out */
	u64 rtt_probe_blk;		/* the block it asked for; 0: none (Karn) */
	u32 retries_max;
	u32 retries;
	unsigned long last_progress;	/* jiffies of the last in-order block */
	unsigned long last_ack_at;	/* jiffies of the last ACK sent */
	u64 gap_acked_for;		/* next_blk when a gap ACK went out */
	bool heard;			/* DATA from the server since our last ACK */
	u64 ack_hist[8];		/* blocks ACKed lately: where a server may restart */
	unsigned int ack_hist_n;
	struct timer_list timer;
	struct work_struct event_work;
	int event;			/* RINGBOOT_EVENT_* pending, or 0 */
	struct ringboot_stats stats;
	struct rcu_head rcu;
};

/*
 * What ATTACH asks for. netlink.c parses and checks it whole; it is applied
 * only once the socket is ours (ringboot_socket_attach()), so a refused
 * ATTACH changes nothing in the session.
 */
struct ringboot_xfer_opts {
	union ringboot_addr peer;
	__be16 peer_port;
	u16 blksize;
	u16 windowsize;
	bool has_tsize;
	u64 tsize;
	u64 first_blk;
	u64 offset;			/* of first_blk: prod and cons start there */
	unsigned long rto;		/* jiffies: the first RTO and the longest */
	u32 retries;
	u64 watermark;
};

static inline u64 ringboot_watermark_default(u64 ring_size)
{
	return min_t(u64, RINGBOOT_WATERMARK_DEFAULT, ring_size / 4);
}

extern atomic_t ringboot_nr_sessions;

/* main.c chains these. */
int ringboot_netlink_init(void);
void ringboot_netlink_uninit(void);
int ringboot_ring_init(void);
void ringboot_ring_uninit(void);

/* ring.c */
struct ringboot_session *ringboot_session_from_fd(int fd, struct file **filep);
struct ringboot_session *ringboot_session_get_by_id(u32 id);
void ringboot_session_put(struct ringboot_session *s);
u64 ringboot_ring_cons(struct ringboot_session *s);
void ringboot_ring_put_skb(struct ringboot_session *s, const struct sk_buff *skb,
			   int offset, u32 len);
void ringboot_ring_publish(struct ringboot_session *s);
bool ringboot_ring_readable(struct ringboot_session *s);
void ringboot_ring_wake(struct ringboot_session *s);

/* socket.c */
int ringboot_socket_attach(struct ringboot_session *s, struct socket *sock,
			   const struct ringboot_xfer_opts *opts,
			   struct genl_info *info);
void ringboot_socket_detach(struct ringboot_session *s);
void ringboot_socket_send_ack(struct ringboot_session *s, u16 block);

/* xfer.c */
void ringboot_xfer_init(struct ringboot_session *s);
void ringboot_xfer_opts_default(const struct ringboot_session *s,
				struct ringboot_xfer_opts *o);
void ringboot_xfer_configure(struct ringboot_session *s,
			     const struct ringboot_xfer_opts *o);
void ringboot_xfer_start(struct ringboot_session *s);
int ringboot_xfer_rcv(struct ringboot_session *s, struct sk_buff *skb);
int ringboot_xfer_set(struct ringboot_session *s, __be16 port, u16 blksize,
		      u16 windowsize, bool has_tsize, u64 tsize);
void ringboot_xfer_fail(struct ringboot_session *s, int err);
int ringboot_xfer_kick(struct ringboot_session *s);
void ringboot_xfer_stop(struct ringboot_session *s);

/* netlink.c */
void ringboot_netlink_event(struct ringboot_session *s, int event);

#endif
