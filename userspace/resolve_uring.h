/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The resolver beside the io_uring loop (uring.h): c-ares' sockets are watched
 * with io_uring poll operations and its retransmission deadline with an
 * rb_timer, so lookups proceed while the loop runs other work (downloads) and
 * no thread is needed.
 *
 * After attaching, start lookups with rb_resolve_start() and then call
 * rb_resolve_uring_kick(); callbacks run from the loop's dispatch. Detach
 * before freeing the resolver (it cancels the poll operations).
 */
#ifndef RINGBOOT_RESOLVE_URING_H
#define RINGBOOT_RESOLVE_URING_H

#include <stdbool.h>

#include "resolve.h"
#include "uring.h"

#define RB_RESOLVE_URING_FDS 8

struct rb_resolve_uring;

struct rb_resolve_watch {
	struct rb_op op;
	struct rb_resolve_uring *owner;
	int fd;			/* -1: free */
	unsigned int events;	/* POLLIN/POLLOUT being watched */
};

struct rb_resolve_uring {
	struct rb_loop *loop;
	struct rb_resolver *r;
	struct rb_timer timer;
	struct rb_resolve_watch w[RB_RESOLVE_URING_FDS];
};

void rb_resolve_uring_attach(struct rb_resolve_uring *ru, struct rb_loop *loop,
			     struct rb_resolver *r);
/* Bring the polls and the timer in line with what c-ares waits for now. */
int rb_resolve_uring_kick(struct rb_resolve_uring *ru);
/* Cancel every poll and the timer (dispatching until they are gone). */
void rb_resolve_uring_detach(struct rb_resolve_uring *ru);

#endif
