// SPDX-License-Identifier: GPL-2.0-or-later
/* The c-ares resolver driven by the io_uring loop (see resolve_uring.h). */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "resolve_uring.h"

#define NS_PER_MS 1000000ull

static void on_poll(struct rb_loop *loop, struct rb_op *op, int res, unsigned int flags)
{
	struct rb_resolve_watch *w = container_of(op, struct rb_resolve_watch, op);
	struct rb_resolve_uring *ru = w->owner;
	struct pollfd pfd = { .fd = w->fd, .events = (short)w->events };

	/* -ECANCELED: we cancelled a stale watch; the slot is already free. */
	if (res == -ECANCELED || w->fd < 0)
		return;
	pfd.revents = res < 0 ? POLLERR : (short)res;
	w->fd = -1;	/* one-shot: re-armed by kick if still wanted */
	rb_resolve_process(ru->r, &pfd, 1);
	rb_resolve_uring_kick(ru);
}

static void on_timer(struct rb_loop *loop, struct rb_timer *t)
{
	struct rb_resolve_uring *ru = container_of(t, struct rb_resolve_uring, timer);

	/* c-ares' deadline: let it retransmit or fail the queries that timed out. */
	rb_resolve_process(ru->r, NULL, 0);
	rb_resolve_uring_kick(ru);
}

void rb_resolve_uring_attach(struct rb_resolve_uring *ru, struct rb_loop *loop,
			     struct rb_resolver *r)
{
	memset(ru, 0, sizeof(*ru));
	ru->loop = loop;
	ru->r = r;
	rb_timer_init(&ru->timer, on_timer);
	for (int i = 0; i < RB_RESOLVE_URING_FDS; i++) {
		rb_op_init(&ru->w[i].op, on_poll);
		ru->w[i].owner = ru;
		ru->w[i].fd = -1;
	}
}

static struct rb_resolve_watch *find(struct rb_resolve_uring *ru, int fd)
{
	for (int i = 0; i < RB_RESOLVE_URING_FDS; i++)
		if (ru->w[i].fd == fd)
			return &ru->w[i];
	return NULL;
}

int rb_resolve_uring_kick(struct rb_resolve_uring *ru)
{
	struct pollfd pfd[RB_RESOLVE_URING_FDS];
	int n = rb_resolve_fds(ru->r, pfd, RB_RESOLVE_URING_FDS), t, err = 0;

	/* Watches c-ares no longer wants (socket closed or events changed) go. */
	for (int i = 0; i < RB_RESOLVE_URING_FDS; i++) {
		struct rb_resolve_watch *w = &ru->w[i];
		bool keep = false;

		for (int k = 0; w->fd >= 0 && k < n; k++)
			keep |= pfd[k].fd == w->fd && (unsigned int)pfd[k].events == w->events;
		if (w->fd >= 0 && !keep) {
			w->fd = -1;
			rb_loop_cancel(ru->loop, &w->op);
		}
	}
	/* New ones are armed in a free slot whose previous poll has completed. */
	for (int k = 0; k < n && !err; k++) {
		struct rb_resolve_watch *w;

		if (find(ru, pfd[k].fd))
			continue;
		w = NULL;
		for (int i = 0; i < RB_RESOLVE_URING_FDS && !w; i++)
			if (ru->w[i].fd < 0 && !ru->w[i].op.inflight)
				w = &ru->w[i];
		if (!w)
			break;	/* all slots busy cancelling: the timer brings us back */
		w->fd = pfd[k].fd;
		w->events = (unsigned int)pfd[k].events;
		err = rb_loop_poll(ru->loop, &w->op, w->fd, w->events);
		if (err)
			w->fd = -1;
	}
	t = rb_resolve_timeout_ms(ru->r);
	if (t < 0)
		rb_timer_del(ru->loop, &ru->timer);
	else
		err = err ? err : rb_timer_mod(ru->loop, &ru->timer, (uint64_t)(t ? t : 1) * NS_PER_MS);
	return err;
}

void rb_resolve_uring_detach(struct rb_resolve_uring *ru)
{
	for (int i = 0; i < RB_RESOLVE_URING_FDS; i++) {
		ru->w[i].fd = -1;
		rb_loop_cancel_sync(ru->loop, &ru->w[i].op);
	}
	rb_timer_del(ru->loop, &ru->timer);
	rb_loop_cancel_sync(ru->loop, &ru->timer.op);
}
