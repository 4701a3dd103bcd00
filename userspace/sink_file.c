// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File sink (sink_file.h). Bytes are copied into one of a few chunk buffers;
 * a full chunk is written at its file offset by the sink's own io_uring while
 * the next fills, so the network path never waits for the disk unless all
 * chunks are in flight. A private ring keeps these waits out of the agent's
 * event loop. Memory use is fixed (chunks x chunk size), whatever the file size.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sink_file.h"

static struct rb_sink_file *to_file(struct rb_sink *s)
{
	return (struct rb_sink_file *)((char *)s - offsetof(struct rb_sink_file, sink));
}

static unsigned char *chunk(struct rb_sink_file *f, unsigned int i)
{
	return f->buf + (size_t)i * RB_SINK_FILE_CHUNK;
}

/* Reap one completion (waiting for it). A short write is finished with pwrite. */
static int reap_one(struct rb_sink_file *f)
{
	struct io_uring_cqe *cqe;
	unsigned int i;
	int ret, res;

	ret = io_uring_wait_cqe(&f->ring, &cqe);
	if (ret)
		return ret;
	i = (unsigned int)io_uring_cqe_get_data64(cqe);
	res = cqe->res;
	io_uring_cqe_seen(&f->ring, cqe);
	if (i >= RB_SINK_FILE_CHUNKS)
		return 0;	/* the datasync */
	f->busy[i] = false;
	if (res < 0) {
		if (!f->io_err)
			f->io_err = res;
	} else if ((size_t)res < f->fill[i]) {
		ssize_t n = pwrite(f->tmp.fd, chunk(f, i) + res, f->fill[i] - (size_t)res,
				   (off_t)(f->off[i] + (uint64_t)res));

		if (n != (ssize_t)(f->fill[i] - (size_t)res) && !f->io_err)
			f->io_err = n < 0 ? -errno : -EIO;
	}
	f->fill[i] = 0;
	return 0;
}

static int flush_chunk(struct rb_sink_file *f)
{
	unsigned int i = f->cur;
	struct io_uring_sqe *sqe;

	if (!f->fill[i])
		return 0;
	f->off[i] = f->cur_off;
	f->cur_off += f->fill[i];
	if (!f->ring_ok) {
		ssize_t n = pwrite(f->tmp.fd, chunk(f, i), f->fill[i], (off_t)f->off[i]);

		if (n != (ssize_t)f->fill[i])
			return n < 0 ? -errno : -EIO;
		f->fill[i] = 0;
		return 0;
	}
	sqe = io_uring_get_sqe(&f->ring);
	if (!sqe)
		return -EBUSY;	/* cannot happen: entries > chunks */
	io_uring_prep_write(sqe, f->tmp.fd, chunk(f, i), (unsigned int)f->fill[i], f->off[i]);
	io_uring_sqe_set_data64(sqe, i);
	f->busy[i] = true;
	if (io_uring_submit(&f->ring) < 0)
		return -EIO;
	f->cur = (i + 1) % RB_SINK_FILE_CHUNKS;
	while (f->busy[f->cur]) {
		int err = reap_one(f);

		if (err)
			return err;
	}
	return f->io_err;
}

static int file_open(struct rb_sink *s, uint64_t total)
{
	struct rb_sink_file *f = to_file(s);
	int err;

	if (f->opened)
		return -EBUSY;
	f->buf = malloc((size_t)RB_SINK_FILE_CHUNKS * RB_SINK_FILE_CHUNK);
	if (!f->buf)
		return -ENOMEM;
	err = rb_atomic_open(&f->tmp, f->path, f->mode);
	if (err) {
		free(f->buf);
		f->buf = NULL;
		return err;
	}
	f->opened = true;
	f->ring_ok = io_uring_queue_init(RB_SINK_FILE_CHUNKS * 2, &f->ring, 0) == 0;
	return 0;
}

static int file_write(struct rb_sink *s, uint64_t off, const void *buf, size_t len)
{
	struct rb_sink_file *f = to_file(s);
	const unsigned char *p = buf;

	if (!f->opened)
		return -EBADF;
	if (f->io_err)
		return f->io_err;
	while (len) {
		size_t room = RB_SINK_FILE_CHUNK - f->fill[f->cur];
		size_t n = len < room ? len : room;

		memcpy(chunk(f, f->cur) + f->fill[f->cur], p, n);
		f->fill[f->cur] += n;
		p += n;
		len -= n;
		if (f->fill[f->cur] == RB_SINK_FILE_CHUNK) {
			int err = flush_chunk(f);

			if (err)
				return err;
		}
	}
	return 0;
}

static int drain(struct rb_sink_file *f)
{
	for (unsigned int i = 0; i < RB_SINK_FILE_CHUNKS; i++)
		while (f->ring_ok && f->busy[i])
			if (reap_one(f))
				return -EIO;
	return f->io_err;
}

static void release(struct rb_sink_file *f)
{
	if (f->ring_ok)
		io_uring_queue_exit(&f->ring);
	f->ring_ok = false;
	free(f->buf);
	f->buf = NULL;
	f->opened = false;
}

static int file_rewind(struct rb_sink *s)
{
	struct rb_sink_file *f = to_file(s);
	int err = drain(f);

	if (err)
		return err;
	memset(f->fill, 0, sizeof(f->fill));
	f->cur = 0;
	f->cur_off = 0;
	return ftruncate(f->tmp.fd, 0) ? -errno : 0;
}

static int file_commit(struct rb_sink *s)
{
	struct rb_sink_file *f = to_file(s);
	int err;

	if (!f->opened) {
		/* Nothing was ever written (a 0-byte transfer that never opened). */
		err = file_open(s, 0);
		if (err)
			return err;
	}
	err = flush_chunk(f);
	if (!err)
		err = drain(f);
	if (!err && f->ring_ok) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&f->ring);

		io_uring_prep_fsync(sqe, f->tmp.fd, IORING_FSYNC_DATASYNC);
		io_uring_sqe_set_data64(sqe, RB_SINK_FILE_CHUNKS);
		if (io_uring_submit(&f->ring) < 0) {
			err = -EIO;
		} else {
			struct io_uring_cqe *cqe;

			err = io_uring_wait_cqe(&f->ring, &cqe);
			if (!err) {
				err = cqe->res < 0 ? cqe->res : 0;
				io_uring_cqe_seen(&f->ring, cqe);
			}
		}
	}
	if (err) {
		rb_atomic_abort(&f->tmp);
		release(f);
		return err;
	}
	/* fsync (a no-op now) + rename over the final name + fsync the directory. */
	err = rb_atomic_commit(&f->tmp);
	release(f);
	return err;
}

static void file_abort(struct rb_sink *s)
{
	struct rb_sink_file *f = to_file(s);

	if (!f->opened)
		return;
	drain(f);
	rb_atomic_abort(&f->tmp);
	release(f);
}

static const struct rb_sink_ops file_ops = {
	.kind = "file",
	.open = file_open,
	.write = file_write,
	.rewind = file_rewind,
	.commit = file_commit,
	.abort = file_abort,
};

void rb_sink_file_init(struct rb_sink_file *s, const char *path, mode_t mode,
		       uint64_t limit)
{
	memset(s, 0, sizeof(*s));
	s->sink.ops = &file_ops;
	s->sink.limit = limit;
	s->path = path;
	s->mode = mode;
	s->tmp.fd = -1;
}
