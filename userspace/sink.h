/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where downloaded bytes go. Every transport (TFTP in user space, the kernel
 * fast path, HTTP, HTTPS) delivers into a sink; every consumer (a file, a
 * bounded memory buffer for scripts and settings, the image writer that checks
 * and commits to an A/B slot) is a sink.
 *
 * Contract:
 *  - open() once, before any data, with the announced total size (tsize,
 *    Content-Length) or RB_SINK_SIZE_UNKNOWN. A sink may refuse (-EFBIG when
 *    the size exceeds its limit, or anything the consumer finds wrong).
 *  - write() delivers bytes in order: off equals the number of bytes already
 *    accepted. The buffer belongs to the caller and may be reused once write()
 *    returns. Returning -errno aborts the transfer (-EFBIG: too large, which a
 *    TFTP client reports to the server as ERROR 3).
 *  - rewind() restarts the stream at offset 0 (an HTTP server that answers 200
 *    to a Range request). Sinks that cannot rewind return -ESPIPE.
 *  - commit() after the last byte: make the result durable and visible. It may
 *    still fail (digest mismatch, fsync error).
 *  - abort() on any failure: nothing becomes visible, the final name (or the
 *    active slot) is untouched. Called at most once, never after a commit()
 *    that succeeded; after a commit() that failed it is called too (the fetch
 *    framework and `image install` do): the image sink ends its slot
 *    transaction there, and every sink must take it.
 */
#ifndef RINGBOOT_SINK_H
#define RINGBOOT_SINK_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define RB_SINK_SIZE_UNKNOWN UINT64_MAX

struct rb_sink;

struct rb_sink_ops {
	const char *kind;	/* "file", "memory", "image" */
	int (*open)(struct rb_sink *s, uint64_t total);
	int (*write)(struct rb_sink *s, uint64_t off, const void *buf, size_t len);
	int (*rewind)(struct rb_sink *s);
	int (*commit)(struct rb_sink *s);
	void (*abort)(struct rb_sink *s);
};

struct rb_sink {
	const struct rb_sink_ops *ops;
	uint64_t limit;		/* largest total accepted; UINT64_MAX: none */
	uint64_t written;	/* bytes accepted so far (maintained by rb_sink_write) */
};

static inline int rb_sink_open(struct rb_sink *s, uint64_t total)
{
	s->written = 0;
	if (total != RB_SINK_SIZE_UNKNOWN && total > s->limit)
		return -EFBIG;
	return s->ops->open ? s->ops->open(s, total) : 0;
}

static inline int rb_sink_write(struct rb_sink *s, const void *buf, size_t len)
{
	int err;

	if (len > s->limit - s->written)
		return -EFBIG;
	err = s->ops->write(s, s->written, buf, len);
	if (!err)
		s->written += len;
	return err;
}

static inline int rb_sink_rewind(struct rb_sink *s)
{
	int err = s->ops->rewind ? s->ops->rewind(s) : -ESPIPE;

	if (!err)
		s->written = 0;
	return err;
}

static inline int rb_sink_commit(struct rb_sink *s)
{
	return s->ops->commit ? s->ops->commit(s) : 0;
}

static inline void rb_sink_abort(struct rb_sink *s)
{
	if (s->ops->abort)
		s->ops->abort(s);
}

#endif
