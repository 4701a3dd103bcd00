/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory sink: a bounded, growing buffer for upgrade scripts and settings
 * files. Always NUL-terminated (the script parser reads it as text); the
 * buffer is the caller's after commit (rb_sink_mem_take) and freed on abort.
 */
#ifndef RINGBOOT_SINK_MEM_H
#define RINGBOOT_SINK_MEM_H

#include <stdbool.h>
#include <stddef.h>

#include "sink.h"

struct rb_sink_mem {
	struct rb_sink sink;
	char *buf;
	size_t len, cap;
	bool committed;
};

static inline struct rb_sink_mem *container_of_mem(struct rb_sink *s)
{
	return (struct rb_sink_mem *)((char *)s - offsetof(struct rb_sink_mem, sink));
}

void rb_sink_mem_init(struct rb_sink_mem *m, size_t limit);
/* After commit: hand the buffer (NUL-terminated, len bytes) to the caller. */
char *rb_sink_mem_take(struct rb_sink_mem *m, size_t *len);
/* Free whatever is left (safe after take, commit or abort). */
void rb_sink_mem_free(struct rb_sink_mem *m);

#endif
