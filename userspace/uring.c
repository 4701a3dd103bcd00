// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The event loop: one io_uring, one dispatch point (rb_loop_run_once), timers
 * as absolute io_uring timeouts, feature probing with clean fallbacks.
 * See uring.h for how other parts of the agent use it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "log.h"
#include "uring.h"

uint64_t rb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Setup flags, most capable first. SINGLE_ISSUER (6.0) and DEFER_TASKRUN
 * (6.1) keep completions on our thread and cut wake-ups; COOP_TASKRUN (5.19)
 * avoids IPIs. Older kernels reject unknown flags with EINVAL: try the next.
 */
static const unsigned int setup_tries[] = {
	IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN,
	IORING_SETUP_COOP_TASKRUN,
	0,
};

static void probe_ops(struct rb_loop *loop)
{
	struct rb_loop_features *f = &loop->feat;
	struct io_uring_probe *p = io_uring_get_probe_ring(&loop->ring);

	if (!p) {
		/* No IORING_REGISTER_PROBE (before 5.6): assume the 5.1 basics. */
		f->read = f->write = f->fsync = f->poll = true;
		return;
	}
	f->probe = true;
	f->recvmsg = io_uring_opcode_supported(p, IORING_OP_RECVMSG);
	f->sendmsg = io_uring_opcode_supported(p, IORING_OP_SENDMSG);
	f->send = io_uring_opcode_supported(p, IORING_OP_SEND);
	f->recv = io_uring_opcode_supported(p, IORING_OP_RECV);
	f->read = io_uring_opcode_supported(p, IORING_OP_READ);
	f->write = io_uring_opcode_supported(p, IORING_OP_WRITE);
	f->fsync = io_uring_opcode_supported(p, IORING_OP_FSYNC);
	f->timeout = io_uring_opcode_supported(p, IORING_OP_TIMEOUT);
	f->timeout_remove = io_uring_opcode_supported(p, IORING_OP_TIMEOUT_REMOVE);
	f->link_timeout = io_uring_opcode_supported(p, IORING_OP_LINK_TIMEOUT);
	f->async_cancel = io_uring_opcode_supported(p, IORING_OP_ASYNC_CANCEL);
	f->poll = io_uring_opcode_supported(p, IORING_OP_POLL_ADD);
	f->provide_buffers = io_uring_opcode_supported(p, IORING_OP_PROVIDE_BUFFERS);
	/* IORING_OP_SOCKET (5.19) marks a kernel with timeout updates too. */
	f->timeout_update = f->timeout_remove &&
			    io_uring_opcode_supported(p, IORING_OP_SOCKET);
	/* Multishot recvmsg came with IORING_OP_SEND_ZC's release (6.0). */
	f->recv_multishot = f->recvmsg &&
			    io_uring_opcode_supported(p, IORING_OP_SEND_ZC);
	io_uring_free_probe(p);
}

/* Buffer rings (5.19): registering a tiny one tells whether they exist. */
static void probe_buf_ring(struct rb_loop *loop)
{
	struct rb_bufring b;

	if (rb_bufring_setup(loop, &b, 1, 64) == 0) {
		loop->feat.buf_ring = true;
		rb_bufring_free(loop, &b);
	}
}

int rb_loop_init(struct rb_loop *loop, unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;
	int err = -EINVAL;

	memset(loop, 0, sizeof(*loop));
	for (size_t i = 0; i < sizeof(setup_tries) / sizeof(setup_tries[0]); i++) {
		if ((flags & RB_LOOP_NO_FAST_FLAGS) && setup_tries[i])
			continue;
		memset(&p, 0, sizeof(p));
		p.flags = setup_tries[i];
		err = io_uring_queue_init_params(entries, &loop->ring, &p);
		if (err != -EINVAL)
			break;
	}
	if (err)
		return err;
	loop->feat.setup_flags = p.flags;
	loop->feat.ext_arg = p.features & IORING_FEAT_EXT_ARG;
	loop->feat.nodrop = p.features & IORING_FEAT_NODROP;
	loop->feat.cqe_skip = (p.features & IORING_FEAT_CQE_SKIP) && !(flags & RB_LOOP_NO_CQE_SKIP);
	loop->next_bgid = 1;
	loop->ready = true;
	probe_ops(loop);
	/* A timeout op is what the loop's timers are made of: required (5.4). */
	if (!loop->feat.timeout || !loop->feat.async_cancel) {
		rb_loop_exit(loop);
		return -EOPNOTSUPP;
	}
	if (!(flags & RB_LOOP_NO_BUF_RING))
		probe_buf_ring(loop);
	if ((flags & RB_LOOP_NO_MULTISHOT) || !loop->feat.buf_ring)
		loop->feat.recv_multishot = false;
	return 0;
}

void rb_loop_exit(struct rb_loop *loop)
{
	if (loop->ready)
		io_uring_queue_exit(&loop->ring);
	loop->ready = false;
}

void rb_loop_describe(const struct rb_loop *loop, char *buf, size_t len)
{
	const struct rb_loop_features *f = &loop->feat;

	snprintf(buf, len,
		 "io_uring: setup%s%s%s, probe %d, recvmsg %d, sendmsg %d, "
		 "timeout_update %d, buf_ring %d, recv_multishot %d, ext_arg %d, cqe_skip %d",
		 f->setup_flags & IORING_SETUP_SINGLE_ISSUER ? " single_issuer" : "",
		 f->setup_flags & IORING_SETUP_DEFER_TASKRUN ? " defer_taskrun" : "",
		 f->setup_flags & IORING_SETUP_COOP_TASKRUN ? " coop_taskrun" : "",
		 f->probe, f->recvmsg, f->sendmsg, f->timeout_update, f->buf_ring,
		 f->recv_multishot, f->ext_arg, f->cqe_skip);
}

int rb_loop_submit(struct rb_loop *loop)
{
	int ret;

	if (!loop->pending_sqes)
		return 0;
	ret = io_uring_submit(&loop->ring);
	if (ret < 0)
		return ret;
	loop->pending_sqes = 0;
	loop->submit_seq++;
	return 0;
}

struct io_uring_sqe *rb_loop_sqe(struct rb_loop *loop, struct rb_op *op)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&loop->ring);

	if (!sqe) {
		/* SQ full: push what is queued to the kernel and retry once. */
		if (io_uring_submit(&loop->ring) < 0)
			return NULL;
		loop->pending_sqes = 0;
		loop->submit_seq++;
		sqe = io_uring_get_sqe(&loop->ring);
		if (!sqe)
			return NULL;
	}
	io_uring_sqe_set_data(sqe, op);
	if (op)
		op->inflight++;
	loop->pending_sqes++;
	return sqe;
}

#define GET_SQE(loop, op)					\
	struct io_uring_sqe *sqe = rb_loop_sqe(loop, op);	\
	if (!sqe)						\
		return -EBUSY

int rb_loop_recvmsg(struct rb_loop *loop, struct rb_op *op, int fd,
		    struct msghdr *msg, unsigned int flags)
{
	GET_SQE(loop, op);
	io_uring_prep_recvmsg(sqe, fd, msg, flags);
	return 0;
}

int rb_loop_recvmsg_multishot(struct rb_loop *loop, struct rb_op *op, int fd,
			      struct msghdr *msg, uint16_t bgid)
{
	if (!loop->feat.recv_multishot)
		return -EOPNOTSUPP;
	GET_SQE(loop, op);
	io_uring_prep_recvmsg_multishot(sqe, fd, msg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = bgid;
	return 0;
}

int rb_loop_sendmsg(struct rb_loop *loop, struct rb_op *op, int fd,
		    const struct msghdr *msg, unsigned int flags)
{
	GET_SQE(loop, op);
	io_uring_prep_sendmsg(sqe, fd, msg, flags);
	return 0;
}

int rb_loop_send_quiet(struct rb_loop *loop, int fd, const struct msghdr *msg,
		       uint64_t *seq)
{
	if (!loop->feat.cqe_skip || !loop->feat.sendmsg)
		return -EOPNOTSUPP;
	GET_SQE(loop, NULL);
	io_uring_prep_sendmsg(sqe, fd, msg, MSG_DONTWAIT);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	*seq = loop->submit_seq;
	return 0;
}

int rb_loop_send(struct rb_loop *loop, struct rb_op *op, int fd,
		 const void *buf, size_t len, unsigned int flags)
{
	GET_SQE(loop, op);
	io_uring_prep_send(sqe, fd, buf, len, (int)flags);
	return 0;
}

int rb_loop_recv(struct rb_loop *loop, struct rb_op *op, int fd,
		 void *buf, size_t len, unsigned int flags)
{
	GET_SQE(loop, op);
	io_uring_prep_recv(sqe, fd, buf, len, (int)flags);
	return 0;
}

int rb_loop_write(struct rb_loop *loop, struct rb_op *op, int fd,
		  const void *buf, unsigned int len, uint64_t off)
{
	GET_SQE(loop, op);
	io_uring_prep_write(sqe, fd, buf, len, off);
	return 0;
}

int rb_loop_read(struct rb_loop *loop, struct rb_op *op, int fd,
		 void *buf, unsigned int len, uint64_t off)
{
	GET_SQE(loop, op);
	io_uring_prep_read(sqe, fd, buf, len, off);
	return 0;
}

int rb_loop_fsync(struct rb_loop *loop, struct rb_op *op, int fd, bool datasync)
{
	GET_SQE(loop, op);
	io_uring_prep_fsync(sqe, fd, datasync ? IORING_FSYNC_DATASYNC : 0);
	return 0;
}

int rb_loop_poll(struct rb_loop *loop, struct rb_op *op, int fd, unsigned int events)
{
	GET_SQE(loop, op);
	io_uring_prep_poll_add(sqe, fd, events);
	return 0;
}

static void ns_to_ts(struct __kernel_timespec *ts, uint64_t ns)
{
	ts->tv_sec = (long long)(ns / 1000000000ull);
	ts->tv_nsec = (long long)(ns % 1000000000ull);
}

int rb_loop_timeout(struct rb_loop *loop, struct rb_op *op, uint64_t ns)
{
	ns_to_ts(&op->ts, ns);
	GET_SQE(loop, op);
	io_uring_prep_timeout(sqe, &op->ts, 0, 0);
	return 0;
}

int rb_loop_cancel(struct rb_loop *loop, struct rb_op *op)
{
	if (!op->inflight)
		return 0;
	GET_SQE(loop, NULL);
	io_uring_prep_cancel(sqe, op, IORING_ASYNC_CANCEL_ALL);
	return 0;
}

/*
 * The one dispatch point: every completion goes to its op's callback. Each
 * CQE is consumed before its callback runs, one at a time, so a callback may
 * itself run the loop (rb_loop_cancel_sync) without losing or repeating one.
 */
static int reap(struct rb_loop *loop)
{
	struct io_uring_cqe *cqe, copy;
	int n = 0;

	while (io_uring_peek_cqe(&loop->ring, &cqe) == 0) {
		struct rb_op *op;

		copy = *cqe;
		io_uring_cqe_seen(&loop->ring, cqe);
		n++;
		op = io_uring_cqe_get_data(&copy);
		/* liburing's own wait timeout on kernels without EXT_ARG. */
		if (!op || copy.user_data == LIBURING_UDATA_TIMEOUT)
			continue;
		/* A multishot op stays in flight while the kernel says "more". */
		if (!(copy.flags & IORING_CQE_F_MORE) && op->inflight)
			op->inflight--;
		if (op->cb)
			op->cb(loop, op, copy.res, copy.flags);
	}
	return n;
}

int rb_loop_run_once(struct rb_loop *loop, uint64_t timeout_ns)
{
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts;
	int ret;

	if (io_uring_cq_ready(&loop->ring)) {
		ret = rb_loop_submit(loop);
		if (ret < 0)
			return ret;
		return reap(loop);
	}
	if (timeout_ns) {
		ns_to_ts(&ts, timeout_ns);
		ret = io_uring_submit_and_wait_timeout(&loop->ring, &cqe, 1, &ts, NULL);
	} else {
		ret = io_uring_submit_and_wait(&loop->ring, 1);
	}
	if (ret >= 0 || ret == -ETIME || ret == -EINTR) {
		loop->pending_sqes = 0;
		loop->submit_seq++;
	}
	if (ret == -ETIME || ret == -EINTR)
		return io_uring_cq_ready(&loop->ring) ? reap(loop) : 0;
	if (ret < 0)
		return ret;
	return reap(loop);
}

int rb_loop_run_once_spin(struct rb_loop *loop, uint64_t spin_ns)
{
	uint64_t end;
	int ret;

	if (!spin_ns)
		return rb_loop_run_once(loop, 0);
	ret = io_uring_submit_and_get_events(&loop->ring);
	if (ret < 0)
		return ret;
	loop->pending_sqes = 0;
	loop->submit_seq++;
	end = rb_now_ns() + spin_ns;
	while (!io_uring_cq_ready(&loop->ring)) {
		if (rb_now_ns() >= end)
			return rb_loop_run_once(loop, 0);
		/* Runs completions deferred to this task (DEFER_TASKRUN). */
		ret = io_uring_get_events(&loop->ring);
		if (ret < 0)
			return ret;
	}
	return reap(loop);
}

int rb_loop_run(struct rb_loop *loop, const bool *done)
{
	while (!*done) {
		int ret = rb_loop_run_once_spin(loop, loop->spin_ns);

		if (ret < 0)
			return ret;
	}
	return rb_loop_submit(loop);
}

int rb_loop_cancel_sync(struct rb_loop *loop, struct rb_op *op)
{
	int ret = rb_loop_cancel(loop, op);

	while (!ret && op->inflight) {
		ret = rb_loop_run_once(loop, 0);
		if (ret > 0)
			ret = 0;
	}
	return ret;
}

/* --- timers ------------------------------------------------------------ */

static int timer_arm(struct rb_loop *loop, struct rb_timer *t);

static void timer_cb(struct rb_loop *loop, struct rb_op *op, int res,
		     unsigned int flags)
{
	struct rb_timer *t = container_of(op, struct rb_timer, op);

	if (op->inflight)
		return;		/* a stale expiry; the newer one is armed */
	t->armed = 0;
	if (!t->expires)
		return;		/* deleted */
	if (rb_now_ns() < t->expires) {
		/* Extended (or cancelled to be moved earlier): re-arm. */
		timer_arm(loop, t);
		return;
	}
	t->expires = 0;
	t->fn(loop, t);
}

static int timer_arm(struct rb_loop *loop, struct rb_timer *t)
{
	ns_to_ts(&t->op.ts, t->expires);
	GET_SQE(loop, &t->op);
	io_uring_prep_timeout(sqe, &t->op.ts, 0, IORING_TIMEOUT_ABS);
	t->armed = t->expires;
	return 0;
}

void rb_timer_init(struct rb_timer *t, void (*fn)(struct rb_loop *, struct rb_timer *))
{
	memset(t, 0, sizeof(*t));
	rb_op_init(&t->op, timer_cb);
	t->fn = fn;
}

int rb_timer_mod(struct rb_loop *loop, struct rb_timer *t, uint64_t delay_ns)
{
	t->expires = rb_now_ns() + delay_ns;
	if (!t->expires)
		t->expires = 1;
	if (!t->op.inflight)
		return timer_arm(loop, t);
	if (t->armed && t->armed <= t->expires)
		return 0;	/* lazy: the armed expiry re-arms for the rest */
	/* Earlier than armed: cancel; timer_cb re-arms on the -ECANCELED. */
	return rb_loop_cancel(loop, &t->op);
}

void rb_timer_del(struct rb_loop *loop, struct rb_timer *t)
{
	t->expires = 0;
	if (t->op.inflight)
		rb_loop_cancel(loop, &t->op);
}

/* --- provided-buffer rings ------------------------------------------- */

int rb_bufring_setup(struct rb_loop *loop, struct rb_bufring *b,
		     unsigned int count, size_t size)
{
	struct io_uring_buf_reg reg;
	int err;

	memset(b, 0, sizeof(*b));
	if (!count || (count & (count - 1)) || count > 32768)
		return -EINVAL;
	/* liburing 2.3 has no io_uring_setup_buf_ring(): map and register here. */
	b->ring_bytes = count * sizeof(struct io_uring_buf);
	b->br = mmap(NULL, b->ring_bytes, PROT_READ | PROT_WRITE,
		     MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (b->br == MAP_FAILED) {
		b->br = NULL;
		return -ENOMEM;
	}
	b->bufs = malloc(count * size);
	if (!b->bufs) {
		err = -ENOMEM;
		goto err_unmap;
	}
	b->count = count;
	b->buf_size = size;
	b->bgid = loop->next_bgid;
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long)b->br;
	reg.ring_entries = count;
	reg.bgid = b->bgid;
	err = io_uring_register_buf_ring(&loop->ring, &reg, 0);
	if (err)
		goto err_free;
	loop->next_bgid++;
	io_uring_buf_ring_init(b->br);
	for (unsigned int i = 0; i < count; i++)
		io_uring_buf_ring_add(b->br, rb_bufring_buf(b, i), (unsigned int)size,
				      (unsigned short)i, io_uring_buf_ring_mask(count), (int)i);
	io_uring_buf_ring_advance(b->br, (int)count);
	return 0;

err_free:
	free(b->bufs);
	b->bufs = NULL;
err_unmap:
	munmap(b->br, b->ring_bytes);
	b->br = NULL;
	return err;
}

void rb_bufring_recycle(struct rb_bufring *b, unsigned int bid)
{
	io_uring_buf_ring_add(b->br, rb_bufring_buf(b, bid), (unsigned int)b->buf_size,
			      (unsigned short)bid, io_uring_buf_ring_mask(b->count), 0);
	io_uring_buf_ring_advance(b->br, 1);
}

void rb_bufring_free(struct rb_loop *loop, struct rb_bufring *b)
{
	if (!b->br)
		return;
	io_uring_unregister_buf_ring(&loop->ring, b->bgid);
	munmap(b->br, b->ring_bytes);
	free(b->bufs);
	memset(b, 0, sizeof(*b));
}
