/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File sink: the download goes to a temporary beside the final name, written
 * with its own small io_uring at the right offsets (several writes in
 * flight), fdatasync'ed and renamed over the final name only on commit
 * (atomicfile.h). An abort unlinks the temporary: the final name is never
 * touched by a failed download.
 */
#ifndef RINGBOOT_SINK_FILE_H
#define RINGBOOT_SINK_FILE_H

#include <liburing.h>
#include <stdbool.h>
#include <sys/types.h>

#include "atomicfile.h"
#include "sink.h"

#define RB_SINK_FILE_CHUNKS 4
#define RB_SINK_FILE_CHUNK (256 * 1024)

struct rb_sink_file {
	struct rb_sink sink;
	const char *path;
	mode_t mode;
	struct rb_atomic tmp;
	bool opened, ring_ok;
	struct io_uring ring;
	unsigned char *buf;		/* RB_SINK_FILE_CHUNKS x RB_SINK_FILE_CHUNK */
	size_t fill[RB_SINK_FILE_CHUNKS];
	uint64_t off[RB_SINK_FILE_CHUNKS];	/* file offset of each chunk in flight */
	bool busy[RB_SINK_FILE_CHUNKS];
	unsigned int cur;		/* chunk being filled */
	uint64_t cur_off;		/* file offset of the chunk being filled */
	int io_err;			/* first write error, -errno */
};

/* Set up s to write path (mode for a new file). limit: largest size accepted. */
void rb_sink_file_init(struct rb_sink_file *s, const char *path, mode_t mode,
		       uint64_t limit);

#endif
