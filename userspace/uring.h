/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The agent's event loop: one thread, one io_uring.
 *
 * How a user (TFTP, HTTP/TLS, the kernel fast path's ring, DHCP) drives it:
 *
 *  1. Embed a `struct rb_op` in the object that owns the operation and set
 *     op->cb (rb_op_init). The SQE's user_data is the op's address, so the
 *     single dispatch point (rb_loop_run_once) calls op->cb(loop, op, res,
 *     flags) with the CQE's result and flags; container_of() gets the owner.
 *     One op may have several SQEs in flight (op->inflight counts them; a
 *     multishot op counts 1 until a CQE arrives without IORING_CQE_F_MORE).
 *  2. Submit with the rb_loop_* helpers below (recvmsg, sendmsg, write,
 *     fsync, poll, ...) or, for anything else, rb_loop_sqe() and a liburing
 *     io_uring_prep_*() on the SQE it returns. SQEs are batched and submitted
 *     by the next rb_loop_run_once() (or rb_loop_submit()).
 *  3. Timers are io_uring timeouts (IORING_OP_TIMEOUT, absolute
 *     CLOCK_MONOTONIC): rb_timer_mod() (re)arms, rb_timer_del() disarms.
 *     Extending a timer costs no syscall: the armed kernel timeout fires,
 *     sees the later deadline and re-arms itself (the "lazy" timer of
 *     TCP stacks), so per-packet timer refreshes stay cheap.
 *  4. Run: rb_loop_run(loop, &done) dispatches until the caller's `done`
 *     flag is set (from a callback) or a fatal ring error.
 *  5. Before freeing an object whose ops are in flight, rb_loop_cancel_sync()
 *     each op: it cancels and dispatches until op->inflight is 0.
 *
 * Feature probing: rb_loop_init() tries the cheapest setup flags first
 * (SINGLE_ISSUER, DEFER_TASKRUN, COOP_TASKRUN) and falls back on EINVAL, then
 * probes the opcodes; loop->feat says what this kernel offers (6.1 in the VM,
 * newer on hosts). Users check loop->feat before choosing, e.g., multishot
 * recvmsg with a provided-buffer ring (rb_bufring) versus one recvmsg at a
 * time. liburing 2.3 (Debian 12) is enough: the buffer-ring setup that newer
 * liburing offers is written here.
 *
 * Functions return 0 or a negative errno.
 */
#ifndef RINGBOOT_URING_H
#define RINGBOOT_URING_H

#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

struct rb_loop;
struct rb_op;

/* res: cqe->res (bytes or -errno); flags: cqe->flags (IORING_CQE_F_*). */
typedef void (*rb_op_cb)(struct rb_loop *loop, struct rb_op *op, int res,
			 unsigned int flags);

struct rb_op {
	rb_op_cb cb;
	unsigned int inflight;		/* SQEs of this op not yet completed */
	struct __kernel_timespec ts;	/* timeout ops: read by the kernel at submit */
};

/* What the running kernel offers (filled by rb_loop_init). */
struct rb_loop_features {
	unsigned int setup_flags;	/* the IORING_SETUP_* flags accepted */
	bool probe;			/* IORING_REGISTER_PROBE worked */
	bool recvmsg, sendmsg, send, recv, read, write, fsync, timeout,
	     timeout_remove, link_timeout, async_cancel, poll, provide_buffers;
	bool timeout_update;		/* IORING_TIMEOUT_UPDATE (5.11) */
	bool buf_ring;			/* IORING_REGISTER_PBUF_RING (5.19) */
	bool recv_multishot;		/* IORING_RECV_MULTISHOT (6.0) */
	bool ext_arg;			/* IORING_FEAT_EXT_ARG (5.11) */
	bool nodrop;			/* IORING_FEAT_NODROP (5.5) */
	bool cqe_skip;			/* IOSQE_CQE_SKIP_SUCCESS (5.17) */
};

struct rb_loop {
	struct io_uring ring;
	struct rb_loop_features feat;
	unsigned int pending_sqes;	/* prepared, not yet submitted */
	uint64_t submit_seq;		/* submissions so far (see rb_loop_send_quiet) */
	uint64_t spin_ns;		/* rb_loop_run: poll this long before sleeping */
	uint16_t next_bgid;		/* buffer-group ids handed out */
	bool ready;
};

/* Flags for rb_loop_init. */
#define RB_LOOP_NO_FAST_FLAGS	(1u << 0) /* plain io_uring_setup (testing the fallbacks) */
#define RB_LOOP_NO_BUF_RING	(1u << 1) /* pretend buffer rings are missing */
#define RB_LOOP_NO_MULTISHOT	(1u << 2) /* pretend multishot recv is missing */
#define RB_LOOP_NO_CQE_SKIP	(1u << 3) /* pretend IOSQE_CQE_SKIP_SUCCESS is missing */
/* All of the above: what a 5.x kernel offers (RINGBOOT_URING_FALLBACK=1 in the CLI). */
#define RB_LOOP_OLD_KERNEL	(RB_LOOP_NO_FAST_FLAGS | RB_LOOP_NO_BUF_RING | \
				 RB_LOOP_NO_MULTISHOT | RB_LOOP_NO_CQE_SKIP)

int rb_loop_init(struct rb_loop *loop, unsigned int entries, unsigned int flags);
void rb_loop_exit(struct rb_loop *loop);

/* CLOCK_MONOTONIC in nanoseconds: the clock of every timer. */
uint64_t rb_now_ns(void);

static inline void rb_op_init(struct rb_op *op, rb_op_cb cb)
{
	op->cb = cb;
	op->inflight = 0;
}

/*
 * A free SQE with user_data = op (op->inflight counted); submits pending SQEs
 * first when the SQ is full. NULL only if the ring is broken.
 * op may be NULL: the CQE is then consumed silently (fire-and-forget).
 */
struct io_uring_sqe *rb_loop_sqe(struct rb_loop *loop, struct rb_op *op);

int rb_loop_recvmsg(struct rb_loop *loop, struct rb_op *op, int fd,
		    struct msghdr *msg, unsigned int flags);
/* Multishot recvmsg into buffer group bgid (needs feat.recv_multishot and a rb_bufring). */
int rb_loop_recvmsg_multishot(struct rb_loop *loop, struct rb_op *op, int fd,
			      struct msghdr *msg, uint16_t bgid);
int rb_loop_sendmsg(struct rb_loop *loop, struct rb_op *op, int fd,
		    const struct msghdr *msg, unsigned int flags);
int rb_loop_send(struct rb_loop *loop, struct rb_op *op, int fd,
		 const void *buf, size_t len, unsigned int flags);
int rb_loop_recv(struct rb_loop *loop, struct rb_op *op, int fd,
		 void *buf, size_t len, unsigned int flags);
int rb_loop_write(struct rb_loop *loop, struct rb_op *op, int fd,
		  const void *buf, unsigned int len, uint64_t off);
int rb_loop_read(struct rb_loop *loop, struct rb_op *op, int fd,
		 void *buf, unsigned int len, uint64_t off);
int rb_loop_fsync(struct rb_loop *loop, struct rb_op *op, int fd, bool datasync);
int rb_loop_poll(struct rb_loop *loop, struct rb_op *op, int fd, unsigned int events);
/* Relative timeout in ns: completes with -ETIME when it expires. */
int rb_loop_timeout(struct rb_loop *loop, struct rb_op *op, uint64_t ns);

/*
 * A datagram sent without a completion on success (MSG_DONTWAIT +
 * IOSQE_CQE_SKIP_SUCCESS): a lock-step ACK then costs no extra wake-up, so
 * answering a block and waiting for the next stays one io_uring_enter. UDP
 * with MSG_DONTWAIT is issued inline at submission and never retried, so msg
 * and its buffers are free once rb_loop_submitted(loop, *seq) is true.
 * Returns -EOPNOTSUPP when the kernel cannot skip CQEs (use rb_loop_sendmsg).
 */
int rb_loop_send_quiet(struct rb_loop *loop, int fd, const struct msghdr *msg,
		       uint64_t *seq);
static inline bool rb_loop_submitted(const struct rb_loop *loop, uint64_t seq)
{
	return loop->submit_seq > seq;
}

/* Cancel every SQE of op (async cancel by user_data; no-op when none in flight). */
int rb_loop_cancel(struct rb_loop *loop, struct rb_op *op);
/* Cancel and dispatch (other ops' callbacks too) until op->inflight is 0. */
int rb_loop_cancel_sync(struct rb_loop *loop, struct rb_op *op);

int rb_loop_submit(struct rb_loop *loop);
/*
 * Submit, wait for at least one CQE (at most timeout_ns when not 0), and
 * dispatch every CQE ready. Returns the number dispatched, 0 on timeout, or
 * -errno from the ring.
 */
int rb_loop_run_once(struct rb_loop *loop, uint64_t timeout_ns);
/*
 * Like rb_loop_run_once(loop, 0), but first poll the ring for up to spin_ns
 * (running deferred completions without sleeping) before blocking. A
 * lock-step exchange whose answer comes within microseconds then costs no
 * sleep and wake-up (an IPI, a VM exit under virtualisation). CPU for
 * latency: callers opt in per phase (rb_loop_run uses loop->spin_ns).
 */
int rb_loop_run_once_spin(struct rb_loop *loop, uint64_t spin_ns);
/* Dispatch until *done (set by a callback). Returns 0 or -errno from the ring. */
int rb_loop_run(struct rb_loop *loop, const bool *done);

/* Timers: absolute io_uring timeouts, lazily extended (see above). */
struct rb_timer {
	struct rb_op op;
	void (*fn)(struct rb_loop *loop, struct rb_timer *t);
	uint64_t expires;	/* CLOCK_MONOTONIC ns; 0: not pending */
	uint64_t armed;		/* expiry of the kernel timeout in flight; 0: none */
};

void rb_timer_init(struct rb_timer *t, void (*fn)(struct rb_loop *, struct rb_timer *));
/* (Re)arm to fire delay_ns from now. */
int rb_timer_mod(struct rb_loop *loop, struct rb_timer *t, uint64_t delay_ns);
/* Disarm; the kernel timeout (if any) is cancelled but t stays in use until
 * t->op.inflight is 0 (rb_loop_cancel_sync(&t->op) before freeing t). */
void rb_timer_del(struct rb_loop *loop, struct rb_timer *t);
static inline bool rb_timer_pending(const struct rb_timer *t)
{
	return t->expires != 0;
}

/*
 * A ring of provided buffers (IORING_REGISTER_PBUF_RING) for multishot
 * receives: count (a power of two) buffers of size bytes each, group bgid.
 * After consuming a CQE's buffer, give it back with rb_bufring_recycle().
 */
struct rb_bufring {
	struct io_uring_buf_ring *br;
	unsigned char *bufs;
	size_t ring_bytes, buf_size;
	unsigned int count;
	uint16_t bgid;
};

int rb_bufring_setup(struct rb_loop *loop, struct rb_bufring *b,
		     unsigned int count, size_t size);
void rb_bufring_free(struct rb_loop *loop, struct rb_bufring *b);
static inline void *rb_bufring_buf(const struct rb_bufring *b, unsigned int bid)
{
	return b->bufs + (size_t)bid * b->buf_size;
}
void rb_bufring_recycle(struct rb_bufring *b, unsigned int bid);

/* One line per feature, for `--verbose` and bug reports. */
void rb_loop_describe(const struct rb_loop *loop, char *buf, size_t len);

#endif
