// SPDX-License-Identifier: GPL-2.0-or-later
/* Atomic file replacement and small file helpers (see atomicfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"

int rb_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int rb_fsync_parent(const char *path)
{
	char copy[4096];
	int fd, ret = 0;

	if (strlen(path) >= sizeof(copy))
		return -ENAMETOOLONG;
	memcpy(copy, path, strlen(path) + 1);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int rb_mkdir_p(const char *dir, mode_t mode)
{
	char buf[4096];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, dir, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return -errno;
			*p = saved;
			if (!saved)
				break;
		}
	}
	return 0;
}

int rb_atomic_open(struct rb_atomic *a, const char *path, mode_t mode)
{
	int n;

	a->fd = -1;
	n = snprintf(a->path, sizeof(a->path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(a->path))
		return -ENAMETOOLONG;
	n = snprintf(a->tmp, sizeof(a->tmp), "%s.tmp.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(a->tmp))
		return -ENAMETOOLONG;
	a->fd = mkostemp(a->tmp, O_CLOEXEC);
	if (a->fd < 0)
		return -errno;
	if (fchmod(a->fd, mode) < 0) {
		int err = -errno;

		rb_atomic_abort(a);
		return err;
	}
	return 0;
}

int rb_atomic_commit(struct rb_atomic *a)
{
	int err = 0;

	if (a->fd < 0)
		return -EBADF;
	if (fsync(a->fd) < 0)
		err = -errno;
	if (close(a->fd) < 0 && !err)
		err = -errno;
	a->fd = -1;
	if (!err && rename(a->tmp, a->path) < 0)
		err = -errno;
	if (err) {
		unlink(a->tmp);
		return err;
	}
	return rb_fsync_parent(a->path);
}

void rb_atomic_abort(struct rb_atomic *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	unlink(a->tmp);
}

int rb_atomic_write(const char *path, const void *buf, size_t len, mode_t mode)
{
	struct rb_atomic a;
	int err;

	err = rb_atomic_open(&a, path, mode);
	if (err)
		return err;
	err = rb_write_all(a.fd, buf, len);
	if (err) {
		rb_atomic_abort(&a);
		return err;
	}
	return rb_atomic_commit(&a);
}

int rb_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	size_t have = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if ((unsigned long long)st.st_size > max) {
		err = -EFBIG;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	while (have < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + have, (size_t)st.st_size - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		have += (size_t)n;
	}
	if (err) {
		free(buf);
		goto out;
	}
	buf[have] = '\0';
	*out = buf;
	*len = have;
out:
	close(fd);
	return err;
}
