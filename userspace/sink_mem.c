// SPDX-License-Identifier: GPL-2.0-or-later
/* Memory sink: bounded buffer for scripts and settings files (sink_mem.h). */
#include <stdlib.h>
#include <string.h>

#include "sink_mem.h"

static int mem_open(struct rb_sink *s, uint64_t total)
{
	struct rb_sink_mem *m = container_of_mem(s);
	size_t want = 4096;

	/* Size the buffer for the announced total once, instead of growing. */
	if (total != RB_SINK_SIZE_UNKNOWN)
		want = (size_t)total + 1;
	m->len = 0;
	if (want > m->cap) {
		char *nb = realloc(m->buf, want);

		if (!nb)
			return -ENOMEM;
		m->buf = nb;
		m->cap = want;
	}
	m->buf[0] = 0;
	return 0;
}

static int mem_write(struct rb_sink *s, uint64_t off, const void *buf, size_t len)
{
	struct rb_sink_mem *m = container_of_mem(s);

	if (off != m->len)
		return -EINVAL;
	if (len + 1 > m->cap - m->len) {
		size_t cap = m->cap ? m->cap : 4096;
		char *nb;

		while (len + 1 > cap - m->len)
			cap *= 2;
		/* The limit is checked by rb_sink_write(); never exceed limit + 1. */
		if (s->limit != UINT64_MAX && cap > s->limit + 1)
			cap = (size_t)s->limit + 1;
		nb = realloc(m->buf, cap);
		if (!nb)
			return -ENOMEM;
		m->buf = nb;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	m->buf[m->len] = 0;
	return 0;
}

static int mem_rewind(struct rb_sink *s)
{
	struct rb_sink_mem *m = container_of_mem(s);

	m->len = 0;
	if (m->buf)
		m->buf[0] = 0;
	return 0;
}

static int mem_commit(struct rb_sink *s)
{
	struct rb_sink_mem *m = container_of_mem(s);

	if (!m->buf && mem_open(s, 0))
		return -ENOMEM;
	m->committed = true;
	return 0;
}

static void mem_abort(struct rb_sink *s)
{
	rb_sink_mem_free(container_of_mem(s));
}

static const struct rb_sink_ops mem_ops = {
	.kind = "memory",
	.open = mem_open,
	.write = mem_write,
	.rewind = mem_rewind,
	.commit = mem_commit,
	.abort = mem_abort,
};

void rb_sink_mem_init(struct rb_sink_mem *m, size_t limit)
{
	memset(m, 0, sizeof(*m));
	m->sink.ops = &mem_ops;
	m->sink.limit = limit;
}

char *rb_sink_mem_take(struct rb_sink_mem *m, size_t *len)
{
	char *b = m->committed ? m->buf : NULL;

	if (b) {
		if (len)
			*len = m->len;
		m->buf = NULL;
		m->len = m->cap = 0;
	}
	return b;
}

void rb_sink_mem_free(struct rb_sink_mem *m)
{
	free(m->buf);
	m->buf = NULL;
	m->len = m->cap = 0;
	m->committed = false;
}
