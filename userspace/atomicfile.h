/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replacing a file atomically: a reader (or a power cut) sees either the old
 * contents or the new, never a mixture. Everything that persists state uses it.
 *
 * Method: write a temporary file in the same directory, fsync it, rename() it
 * over the final name, fsync the directory (so the rename itself is durable).
 */
#ifndef RINGBOOT_ATOMICFILE_H
#define RINGBOOT_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

/* One-shot: replace path with buf[0..len). Returns 0 or -errno. */
int rb_atomic_write(const char *path, const void *buf, size_t len, mode_t mode);

/*
 * Streaming: open a temporary beside path, write to a->fd (with write(),
 * pwrite() or io_uring), then commit (fsync + rename + fsync dir) or abort
 * (unlink). The final name is untouched until commit.
 */
struct rb_atomic {
	int fd;
	char path[4096];
	char tmp[4096];
};

int rb_atomic_open(struct rb_atomic *a, const char *path, mode_t mode);
int rb_atomic_commit(struct rb_atomic *a);
void rb_atomic_abort(struct rb_atomic *a);

/* fsync the directory that contains path. Returns 0 or -errno. */
int rb_fsync_parent(const char *path);

/* mkdir -p with mode for each created component. Returns 0 or -errno. */
int rb_mkdir_p(const char *dir, mode_t mode);

/* Write all of buf to fd, retrying short writes and EINTR. Returns 0 or -errno. */
int rb_write_all(int fd, const void *buf, size_t len);

/*
 * Read a whole regular file of at most max bytes into a malloc'd, NUL-terminated
 * buffer. Returns 0 (and *out, *len) or -errno (-EFBIG when larger than max).
 */
int rb_read_file(const char *path, size_t max, char **out, size_t *len);

#endif
