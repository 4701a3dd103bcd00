// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the event loop: dispatch by op, timers (fire, extend lazily,
 * move earlier, delete), cancellation, buffer rings, and the fallbacks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "uring.h"

struct counter {
	struct rb_op op;
	int calls, last_res;
	unsigned int last_flags;
};

static void count_cb(struct rb_loop *loop, struct rb_op *op, int res, unsigned int flags)
{
	struct counter *c = container_of(op, struct counter, op);

	c->calls++;
	c->last_res = res;
	c->last_flags = flags;
}

struct tstate {
	struct rb_timer t;
	int fired;
	uint64_t at;
	bool done;
};

static void tfire(struct rb_loop *loop, struct rb_timer *t)
{
	struct tstate *s = container_of(t, struct tstate, t);

	s->fired++;
	s->at = rb_now_ns();
	s->done = true;
}

static void run_flags(unsigned int flags)
{
	struct rb_loop loop;
	struct counter c;
	struct tstate s = { 0 };
	uint64_t t0;
	int sv[2];
	char buf[16];

	assert_int_equal(rb_loop_init(&loop, 8, flags), 0);
	/* Dispatch: a recv completes through its op's callback. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	rb_op_init(&c.op, count_cb);
	c.calls = 0;
	assert_int_equal(rb_loop_recv(&loop, &c.op, sv[0], buf, sizeof(buf), 0), 0);
	assert_int_equal(write(sv[1], "hello", 5), 5);
	while (!c.calls)
		assert_true(rb_loop_run_once(&loop, 0) >= 0);
	assert_int_equal(c.last_res, 5);
	assert_int_equal(c.op.inflight, 0);
	assert_memory_equal(buf, "hello", 5);

	/* A timer fires once, not before its time. */
	rb_timer_init(&s.t, tfire);
	t0 = rb_now_ns();
	assert_int_equal(rb_timer_mod(&loop, &s.t, 20000000), 0);
	assert_int_equal(rb_loop_run(&loop, &s.done), 0);
	assert_int_equal(s.fired, 1);
	assert_true(s.at - t0 >= 20000000);
	assert_false(rb_timer_pending(&s.t));

	/* Extended while armed: fires at the later time (lazy re-arm). */
	s.done = false;
	t0 = rb_now_ns();
	rb_timer_mod(&loop, &s.t, 10000000);
	rb_loop_submit(&loop);
	rb_timer_mod(&loop, &s.t, 60000000);
	assert_int_equal(rb_loop_run(&loop, &s.done), 0);
	assert_int_equal(s.fired, 2);
	assert_true(s.at - t0 >= 60000000);

	/* Moved earlier while armed: fires at the earlier time. */
	s.done = false;
	t0 = rb_now_ns();
	rb_timer_mod(&loop, &s.t, 5000000000ull);
	rb_loop_submit(&loop);
	rb_timer_mod(&loop, &s.t, 10000000);
	assert_int_equal(rb_loop_run(&loop, &s.done), 0);
	assert_int_equal(s.fired, 3);
	assert_true(s.at - t0 < 2000000000ull);

	/* Deleted: never fires; its op is reaped by cancel_sync. */
	rb_timer_mod(&loop, &s.t, 10000000);
	rb_loop_submit(&loop);
	rb_timer_del(&loop, &s.t);
	assert_int_equal(rb_loop_cancel_sync(&loop, &s.t.op), 0);
	assert_int_equal(s.t.op.inflight, 0);
	assert_int_equal(rb_loop_run_once(&loop, 50000000), 0);
	assert_int_equal(s.fired, 3);

	/* Cancel a pending recv: the callback sees -ECANCELED. */
	c.calls = 0;
	assert_int_equal(rb_loop_recv(&loop, &c.op, sv[0], buf, sizeof(buf), 0), 0);
	assert_int_equal(rb_loop_cancel_sync(&loop, &c.op), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.last_res, -ECANCELED);

	/* A plain timeout op completes with -ETIME. */
	c.calls = 0;
	assert_int_equal(rb_loop_timeout(&loop, &c.op, 1000000), 0);
	while (!c.calls)
		assert_true(rb_loop_run_once(&loop, 0) >= 0);
	assert_int_equal(c.last_res, -ETIME);

	/* Polling before sleeping: a completion that comes during the spin,
	 * and one that comes only after it (the loop then sleeps). */
	c.calls = 0;
	assert_int_equal(rb_loop_recv(&loop, &c.op, sv[0], buf, sizeof(buf), 0), 0);
	assert_int_equal(write(sv[1], "spin", 4), 4);
	while (!c.calls)
		assert_true(rb_loop_run_once_spin(&loop, 1000000) >= 0);
	assert_int_equal(c.last_res, 4);
	c.calls = 0;
	assert_int_equal(rb_loop_timeout(&loop, &c.op, 5000000), 0);
	while (!c.calls)
		assert_true(rb_loop_run_once_spin(&loop, 100000) >= 0);
	assert_int_equal(c.last_res, -ETIME);

	/* run_once with a wait bound returns 0 when nothing completes. */
	assert_int_equal(rb_loop_run_once(&loop, 1000000), 0);
	close(sv[0]);
	close(sv[1]);
	rb_loop_exit(&loop);
}

static void test_loop_fast(void **state)
{
	run_flags(0);
}

static void test_loop_fallback(void **state)
{
	run_flags(RB_LOOP_NO_FAST_FLAGS | RB_LOOP_NO_BUF_RING);
}

static void test_features(void **state)
{
	struct rb_loop loop;
	char d[256];

	assert_int_equal(rb_loop_init(&loop, 8, RB_LOOP_NO_BUF_RING | RB_LOOP_NO_MULTISHOT), 0);
	assert_false(loop.feat.buf_ring);
	assert_false(loop.feat.recv_multishot);
	assert_true(loop.feat.timeout);
	rb_loop_describe(&loop, d, sizeof(d));
	assert_non_null(strstr(d, "io_uring"));
	rb_loop_exit(&loop);
}

/* Multishot recvmsg into a buffer ring (when the kernel has both). */
static void test_multishot(void **state)
{
	struct rb_loop loop;
	struct rb_bufring br;
	struct counter c = { 0 };
	struct msghdr msg = { 0 };
	int sv[2];

	assert_int_equal(rb_loop_init(&loop, 8, 0), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	if (!loop.feat.recv_multishot) {
		/* An old kernel: the helper refuses instead of failing later. */
		assert_int_equal(rb_loop_recvmsg_multishot(&loop, &c.op, sv[0], &msg, 1),
				 -EOPNOTSUPP);
		close(sv[0]);
		close(sv[1]);
		rb_loop_exit(&loop);
		return;
	}
	assert_int_equal(rb_bufring_setup(&loop, &br, 3, 256), -EINVAL);
	assert_int_equal(rb_bufring_setup(&loop, &br, 4, 256), 0);
	rb_op_init(&c.op, count_cb);
	assert_int_equal(rb_loop_recvmsg_multishot(&loop, &c.op, sv[0], &msg, br.bgid), 0);
	for (int i = 0; i < 10; i++) {
		struct io_uring_recvmsg_out *o;
		int before = c.calls;

		assert_int_equal(write(sv[1], "0123456789", 10), 10);
		while (c.calls == before)
			assert_true(rb_loop_run_once(&loop, 0) >= 0);
		assert_true(c.last_flags & IORING_CQE_F_MORE);
		assert_true(c.last_flags & IORING_CQE_F_BUFFER);
		o = io_uring_recvmsg_validate(rb_bufring_buf(&br, c.last_flags >> IORING_CQE_BUFFER_SHIFT),
					      c.last_res, &msg);
		assert_non_null(o);
		assert_int_equal(o->payloadlen, 10);
		rb_bufring_recycle(&br, c.last_flags >> IORING_CQE_BUFFER_SHIFT);
	}
	assert_int_equal(c.op.inflight, 1);
	assert_int_equal(rb_loop_cancel_sync(&loop, &c.op), 0);
	assert_int_equal(c.op.inflight, 0);
	rb_bufring_free(&loop, &br);
	close(sv[0]);
	close(sv[1]);
	rb_loop_exit(&loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_fast),
		cmocka_unit_test(test_loop_fallback),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_multishot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
