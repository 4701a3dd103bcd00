// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faultio.so: an LD_PRELOAD shim that counts the file system calls a run
 * makes on given paths, and fails one of them (the fault-injection tests of
 * the update: tests/lib/faults.sh, docs/commit.md "Every system call").
 *
 *   FAULTIO_PATHS    colon-separated directories or files; only calls on a
 *                    path under one of them, or on a descriptor opened from
 *                    one, are counted
 *   FAULTIO_COUNTER  a file holding the count (created when missing), shared
 *                    by every process of the run (a hook, a helper program)
 *   FAULTIO_LOG      each counted call is appended as "N KIND PATH", and the
 *                    one failed as "N KIND PATH FAIL ERRNO"
 *   FAULTIO_FAIL     "K:ERRNO" (ERRNO EIO, ENOSPC, EROFS, EDQUOT or a number):
 *                    the Kth counted call fails with it and does nothing
 *
 * Kinds: open (open, openat, creat, mkstemp and friends), write (write,
 * pwrite, writev, pwritev), fsync, fdatasync, fsync-dir (fsync or fdatasync
 * of a directory), rename (rename, renameat, renameat2), truncate
 * (ftruncate, truncate), fallocate (fallocate, posix_fallocate). A new call
 * to cover is one more wrapper below (COUNTED). Not seen: io_uring, stdio's
 * own buffered writes, raw syscall(2), and calls glibc makes internally.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FDS 4096
#define MAX_PATHS 8

static struct {
	bool ready;
	char paths[MAX_PATHS][1024];
	size_t npaths;
	long fail_at;
	int fail_errno;
	int log_fd;
	volatile uint64_t *counter;
	uint64_t local;		/* without FAULTIO_COUNTER: this process only */
	char *fd_path[MAX_FDS];
} S = { .log_fd = -1 };

#define REAL(name) static __typeof__(name) *real_##name
REAL(open);
REAL(openat);
REAL(creat);
REAL(mkstemp);
REAL(mkostemp);
REAL(mkstemps);
REAL(mkostemps);
REAL(write);
REAL(pwrite);
REAL(writev);
REAL(pwritev);
REAL(fsync);
REAL(fdatasync);
REAL(rename);
REAL(renameat);
REAL(renameat2);
REAL(ftruncate);
REAL(truncate);
REAL(fallocate);
REAL(posix_fallocate);
REAL(close);

static int errno_of(const char *name)
{
	static const struct { const char *name; int no; } names[] = {
		{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EROFS", EROFS }, { "EDQUOT", EDQUOT },
	};
	char *end;
	long n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return names[i].no;
	n = strtol(name, &end, 10);
	return *end || n <= 0 ? EIO : (int)n;
}

static void setup(void)
{
	const char *env;

	if (S.ready)
		return;
	S.ready = true;
#define LOOKUP(name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)
	LOOKUP(open);
	LOOKUP(openat);
	LOOKUP(creat);
	LOOKUP(mkstemp);
	LOOKUP(mkostemp);
	LOOKUP(mkstemps);
	LOOKUP(mkostemps);
	LOOKUP(write);
	LOOKUP(pwrite);
	LOOKUP(writev);
	LOOKUP(pwritev);
	LOOKUP(fsync);
	LOOKUP(fdatasync);
	LOOKUP(rename);
	LOOKUP(renameat);
	LOOKUP(renameat2);
	LOOKUP(ftruncate);
	LOOKUP(truncate);
	LOOKUP(fallocate);
	LOOKUP(posix_fallocate);
	LOOKUP(close);
	env = getenv("FAULTIO_PATHS");
	for (const char *p = env; p && *p && S.npaths < MAX_PATHS;) {
		size_t n = strcspn(p, ":");

		if (n && n < sizeof(S.paths[0])) {
			memcpy(S.paths[S.npaths], p, n);
			while (n > 1 && S.paths[S.npaths][n - 1] == '/')
				n--;
			S.paths[S.npaths++][n] = '\0';
		}
		p += n + (p[n] == ':');
	}
	env = getenv("FAULTIO_FAIL");
	if (env && strchr(env, ':')) {
		S.fail_at = strtol(env, NULL, 10);
		S.fail_errno = errno_of(strchr(env, ':') + 1);
	}
	env = getenv("FAULTIO_LOG");
	if (env && *env)
		S.log_fd = real_open(env, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	env = getenv("FAULTIO_COUNTER");
	if (env && *env) {
		int fd = real_open(env, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0 && !real_ftruncate(fd, 4096)) {
			void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

			if (m != MAP_FAILED)
				S.counter = m;
		}
		if (fd >= 0)
			real_close(fd);
	}
}

__attribute__((constructor)) static void faultio_init(void)
{
	int saved = errno;

	setup();
	errno = saved;
}

/* An absolute form of path (relative to dirfd), in buf; NULL if unknown. */
static const char *absolute(int dirfd, const char *path, char *buf, size_t cap)
{
	const char *base = NULL;
	char cwd[4096];

	if (!path)
		return NULL;
	if (path[0] == '/')
		return path;
	if (dirfd == AT_FDCWD)
		base = getcwd(cwd, sizeof(cwd));
	else if (dirfd >= 0 && dirfd < MAX_FDS)
		base = S.fd_path[dirfd];
	if (!base || (size_t)snprintf(buf, cap, "%s/%s", base, path) >= cap)
		return NULL;
	return buf;
}

static bool covered(const char *path)
{
	for (size_t i = 0; path && i < S.npaths; i++) {
		size_t n = strlen(S.paths[i]);

		if (!strncmp(path, S.paths[i], n) && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

static const char *fd_covered(int fd)
{
	return fd >= 0 && fd < MAX_FDS ? S.fd_path[fd] : NULL;
}

static void track(int fd, const char *path)
{
	if (fd < 0 || fd >= MAX_FDS)
		return;
	free(S.fd_path[fd]);
	S.fd_path[fd] = path ? strdup(path) : NULL;
}

/*
 * One counted call of kind on path: false when it is the one to fail (errno
 * set), true when the real call should run.
 */
static bool proceed(const char *kind, const char *path)
{
	char line[1200];
	uint64_t n;
	bool fail;
	int len;

	n = S.counter ? __atomic_add_fetch(S.counter, 1, __ATOMIC_SEQ_CST) : ++S.local;
	fail = S.fail_at > 0 && n == (uint64_t)S.fail_at;
	if (S.log_fd >= 0) {
		len = snprintf(line, sizeof(line), "%llu %s %s%s%s\n", (unsigned long long)n, kind,
			       path, fail ? " FAIL " : "", fail ? strerror(S.fail_errno) : "");
		if (len > 0)
			(void)!real_write(S.log_fd, line, (size_t)len < sizeof(line) ? (size_t)len
										 : sizeof(line) - 1);
	}
	if (fail)
		errno = S.fail_errno;
	return !fail;
}

/* A call on a path: counted when covered. */
#define COUNTED_PATH(kind, dirfd, path, fail_ret, call)                                  \
	do {                                                                             \
		char abs_[4096];                                                         \
		const char *p_;                                                          \
		setup();                                                                 \
		p_ = absolute(dirfd, path, abs_, sizeof(abs_));                          \
		if (covered(p_) && !proceed(kind, p_))                                   \
			return fail_ret;                                                 \
		return call;                                                             \
	} while (0)

/* A call on a descriptor: counted when it was opened from a covered path. */
#define COUNTED(kind, fd, fail_ret, call)                                               \
	do {                                                                             \
		const char *p_;                                                          \
		setup();                                                                 \
		p_ = fd_covered(fd);                                                     \
		if (p_ && !proceed(kind, p_))                                            \
			return fail_ret;                                                 \
		return call;                                                             \
	} while (0)

static int opened(int fd, const char *path)
{
	track(fd, fd >= 0 && covered(path) ? path : NULL);
	return fd;
}

static int open_common(int dirfd, const char *path, int flags, mode_t mode)
{
	char buf[4096];
	const char *p;

	setup();
	p = absolute(dirfd, path, buf, sizeof(buf));
	if (covered(p) && !proceed("open", p))
		return -1;
	return opened(dirfd == AT_FDCWD ? real_open(path, flags, mode)
					: real_openat(dirfd, path, flags, mode), p);
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return open_common(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return open_common(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

/* The fortified forms (_FORTIFY_SOURCE with flags not known at compile time). */
int __open_2(const char *path, int flags)
{
	return open_common(AT_FDCWD, path, flags, 0);
}

int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));

int __openat_2(int dirfd, const char *path, int flags)
{
	return open_common(dirfd, path, flags, 0);
}

int __openat64_2(int dirfd, const char *path, int flags) __attribute__((alias("__openat_2")));

int creat(const char *path, mode_t mode)
{
	return open_common(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

/* mkstemp and friends: the template holds the name only once they return. */
#define TEMPFILE(call)                                                                   \
	do {                                                                             \
		char abs_[4096];                                                         \
		const char *p_;                                                          \
		setup();                                                                 \
		p_ = absolute(AT_FDCWD, tmpl, abs_, sizeof(abs_));                       \
		if (covered(p_) && !proceed("open", p_))                                 \
			return -1;                                                       \
		fd = call;                                                               \
		p_ = absolute(AT_FDCWD, tmpl, abs_, sizeof(abs_));                       \
		return opened(fd, p_);                                                   \
	} while (0)

int mkstemp(char *tmpl)
{
	int fd;

	TEMPFILE(real_mkstemp(tmpl));
}

int mkostemp(char *tmpl, int flags)
{
	int fd;

	TEMPFILE(real_mkostemp(tmpl, flags));
}

int mkstemps(char *tmpl, int suffixlen)
{
	int fd;

	TEMPFILE(real_mkstemps(tmpl, suffixlen));
}

int mkostemps(char *tmpl, int suffixlen, int flags)
{
	int fd;

	TEMPFILE(real_mkostemps(tmpl, suffixlen, flags));
}

int mkstemp64(char *tmpl) __attribute__((alias("mkstemp")));
int mkostemp64(char *tmpl, int flags) __attribute__((alias("mkostemp")));

ssize_t write(int fd, const void *buf, size_t len)
{
	COUNTED("write", fd, -1, real_write(fd, buf, len));
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	COUNTED("write", fd, -1, real_pwrite(fd, buf, len, off));
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off) __attribute__((alias("pwrite")));

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	COUNTED("write", fd, -1, real_writev(fd, iov, n));
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
	COUNTED("write", fd, -1, real_pwritev(fd, iov, n, off));
}

static const char *sync_kind(int fd, const char *file_kind)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISDIR(st.st_mode) ? "fsync-dir" : file_kind;
}

int fsync(int fd)
{
	COUNTED(sync_kind(fd, "fsync"), fd, -1, real_fsync(fd));
}

int fdatasync(int fd)
{
	COUNTED(sync_kind(fd, "fdatasync"), fd, -1, real_fdatasync(fd));
}

int ftruncate(int fd, off_t len)
{
	COUNTED("truncate", fd, -1, real_ftruncate(fd, len));
}

int ftruncate64(int fd, off_t len) __attribute__((alias("ftruncate")));

int truncate(const char *path, off_t len)
{
	COUNTED_PATH("truncate", AT_FDCWD, path, -1, real_truncate(path, len));
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
	COUNTED("fallocate", fd, -1, real_fallocate(fd, mode, off, len));
}

int fallocate64(int fd, int mode, off_t off, off_t len) __attribute__((alias("fallocate")));

int posix_fallocate(int fd, off_t off, off_t len)
{
	const char *p;

	setup();
	p = fd_covered(fd);
	if (p && !proceed("fallocate", p))
		return errno;	/* it returns the error, errno untouched */
	return real_posix_fallocate(fd, off, len);
}

int posix_fallocate64(int fd, off_t off, off_t len) __attribute__((alias("posix_fallocate")));

/* A rename is counted when either name is covered; it names the target. */
static int rename_common(int olddir, const char *from, int newdir, const char *to,
			 unsigned int flags, int which)
{
	char b1[4096], b2[4096];
	const char *p1, *p2;

	setup();
	p1 = absolute(olddir, from, b1, sizeof(b1));
	p2 = absolute(newdir, to, b2, sizeof(b2));
	if ((covered(p1) || covered(p2)) && !proceed("rename", covered(p2) ? p2 : p1))
		return -1;
	if (which == 0)
		return real_rename(from, to);
	if (which == 1)
		return real_renameat(olddir, from, newdir, to);
	return real_renameat2(olddir, from, newdir, to, flags);
}

int rename(const char *from, const char *to)
{
	return rename_common(AT_FDCWD, from, AT_FDCWD, to, 0, 0);
}

int renameat(int olddir, const char *from, int newdir, const char *to)
{
	return rename_common(olddir, from, newdir, to, 0, 1);
}

int renameat2(int olddir, const char *from, int newdir, const char *to, unsigned int flags)
{
	return rename_common(olddir, from, newdir, to, flags, 2);
}

/* Not failed: only so that a reused descriptor number is not taken for a covered one. */
int close(int fd)
{
	setup();
	track(fd, NULL);
	return real_close(fd);
}
