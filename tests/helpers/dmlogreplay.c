// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmlogreplay: read a dm-log-writes log and replay it onto a device, up to
 * any entry, so a test can look at the device as a power cut at that instant
 * would have left it (Debian ships no replay tool).
 *
 *   dmlogreplay --list LOG                 one line per entry:
 *                                          INDEX FLAGS SECTOR NR_SECTORS [MARK]
 *   dmlogreplay LOG DEV FROM TO            apply entries [FROM, TO) to DEV
 *
 * Log format (Documentation/admin-guide/device-mapper/log-writes.rst and
 * drivers/md/dm-log-writes.c): the super block is at byte 0 of the log
 * device; entries follow from byte SECTORSIZE on. Each entry is one
 * SECTORSIZE block holding struct log_write_entry (and, for a mark, the mark
 * text right after it), then, unless it is a discard, NR_SECTORS blocks of
 * the data that was written at SECTOR (both in SECTORSIZE units). Writes are
 * logged in completion order, and a write only enters the log once a flush
 * has made it durable, so the device after entry K is what survives a power
 * cut right after K; entries with FLUSH or FUA are the instants worth
 * checking. Discards are replayed as zeroes.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define LOG_FLUSH_FLAG		(1 << 0)
#define LOG_FUA_FLAG		(1 << 1)
#define LOG_DISCARD_FLAG	(1 << 2)
#define LOG_MARK_FLAG		(1 << 3)
#define LOG_METADATA_FLAG	(1 << 4)
#define WRITE_LOG_VERSION	1
#define WRITE_LOG_MAGIC		0x6a736677736872ULL

struct log_write_super {	/* all little-endian */
	uint64_t magic;
	uint64_t version;
	uint64_t nr_entries;
	uint32_t sectorsize;
} __attribute__((packed));

struct log_write_entry {
	uint64_t sector;
	uint64_t nr_sectors;
	uint64_t flags;
	uint64_t data_len;
} __attribute__((packed));

struct replay {
	int logfd;
	int devfd;
	uint32_t secsize;
	uint64_t nr_entries;
	uint64_t pos;		/* byte offset of the next entry in the log */
	uint8_t *buf;		/* one sector */
	uint8_t *data;		/* data chunk */
};

#define DATA_CHUNK (1u << 20)

static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t have = 0;

	while (have < len) {
		ssize_t n = pread(fd, (char *)buf + have, len - have, (off_t)(off + have));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		have += (size_t)n;
	}
	return 0;
}

static int write_at(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t have = 0;

	while (have < len) {
		ssize_t n = pwrite(fd, (const char *)buf + have, len - have, (off_t)(off + have));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		have += (size_t)n;
	}
	return 0;
}

static int open_log(struct replay *r, const char *path)
{
	struct log_write_super super;
	int err;

	r->logfd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->logfd < 0)
		return -errno;
	err = read_at(r->logfd, &super, sizeof(super), 0);
	if (err)
		return err;
	if (le64toh(super.magic) != WRITE_LOG_MAGIC || le64toh(super.version) != WRITE_LOG_VERSION)
		return -EBADMSG;
	r->secsize = le32toh(super.sectorsize);
	/* A logical block size: a power of two from 512 to 64 KiB. */
	if (r->secsize < 512 || r->secsize > 65536 || (r->secsize & (r->secsize - 1)))
		return -EBADMSG;
	r->nr_entries = le64toh(super.nr_entries);
	r->pos = r->secsize;
	r->buf = malloc(r->secsize);
	r->data = malloc(DATA_CHUNK);
	return r->buf && r->data ? 0 : -ENOMEM;
}

/* Read the entry at r->pos; apply it to the device when dev is set; advance. */
static int next_entry(struct replay *r, uint64_t idx, bool apply, bool list)
{
	struct log_write_entry e;
	uint64_t sector, nr, flags, dlen, bytes, done = 0;
	int err;

	err = read_at(r->logfd, r->buf, r->secsize, r->pos);
	if (err)
		return err;
	memcpy(&e, r->buf, sizeof(e));
	sector = le64toh(e.sector);
	nr = le64toh(e.nr_sectors);
	flags = le64toh(e.flags);
	dlen = le64toh(e.data_len);
	if (nr > (UINT64_MAX / r->secsize) - 1 || sector > UINT64_MAX / r->secsize - nr)
		return -EBADMSG;
	bytes = nr * r->secsize;
	if (list) {
		printf("%" PRIu64 " %s%s%s%s%s %" PRIu64 " %" PRIu64, idx,
		       flags & LOG_FLUSH_FLAG ? "F" : "", flags & LOG_FUA_FLAG ? "U" : "",
		       flags & LOG_DISCARD_FLAG ? "D" : "", flags & LOG_MARK_FLAG ? "M" : "",
		       flags & (LOG_FLUSH_FLAG | LOG_FUA_FLAG | LOG_DISCARD_FLAG | LOG_MARK_FLAG) ?
		       "" : "W", sector, nr);
		if (flags & LOG_MARK_FLAG) {
			size_t max = r->secsize - sizeof(e);

			printf(" %.*s", (int)(dlen < max ? dlen : max), (char *)r->buf + sizeof(e));
		}
		putchar('\n');
	}
	r->pos += r->secsize;
	if (flags & LOG_DISCARD_FLAG) {
		/* No data in the log: the range reads as zeroes afterwards. */
		if (apply) {
			memset(r->data, 0, DATA_CHUNK);
			while (done < bytes) {
				size_t n = bytes - done < DATA_CHUNK ? (size_t)(bytes - done) : DATA_CHUNK;

				err = write_at(r->devfd, r->data, n, sector * r->secsize + done);
				if (err)
					return err;
				done += n;
			}
		}
		return 0;
	}
	while (apply && done < bytes) {
		size_t n = bytes - done < DATA_CHUNK ? (size_t)(bytes - done) : DATA_CHUNK;

		err = read_at(r->logfd, r->data, n, r->pos + done);
		if (!err)
			err = write_at(r->devfd, r->data, n, sector * r->secsize + done);
		if (err)
			return err;
		done += n;
	}
	r->pos += bytes;
	return 0;
}

int main(int argc, char **argv)
{
	struct replay r = { .logfd = -1, .devfd = -1 };
	uint64_t from, to;
	char *end;
	int err = 0;

	if (argc == 3 && !strcmp(argv[1], "--list")) {
		err = open_log(&r, argv[2]);
		for (uint64_t i = 0; !err && i < r.nr_entries; i++)
			err = next_entry(&r, i, false, true);
	} else if (argc == 5) {
		from = strtoull(argv[3], &end, 10);
		if (*end)
			goto usage;
		to = strtoull(argv[4], &end, 10);
		if (*end || from > to)
			goto usage;
		err = open_log(&r, argv[1]);
		if (!err) {
			r.devfd = open(argv[2], O_WRONLY | O_CLOEXEC);
			if (r.devfd < 0)
				err = -errno;
		}
		if (!err && to > r.nr_entries)
			err = -ERANGE;
		for (uint64_t i = 0; !err && i < to; i++)
			err = next_entry(&r, i, i >= from, false);
		if (!err && fsync(r.devfd) < 0)
			err = -errno;
	} else {
		goto usage;
	}
	if (err) {
		fprintf(stderr, "dmlogreplay: %s\n", strerror(-err));
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: dmlogreplay --list LOG | dmlogreplay LOG DEV FROM TO\n");
	return 2;
}
