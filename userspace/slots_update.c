// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The update of the inactive slot as one transaction (docs/commit.md): begin
 * (the record marks the target invalid, then the slot is opened and its space
 * reserved), write, commit (the slot made durable, then the record switch,
 * then the commit hook) or abort. The image sink drives it; it only checks,
 * hashes and hands over the bytes. Every failure leaves the record in memory
 * equal to a record that is on disk (rb_slots_save), and the record on disk
 * loadable, with the old image active or the new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "log.h"
#include "slots.h"

static void close_slot(struct rb_slots_update *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}

/* Check that the payload fits and, for a file slot, reserve its space. */
static int reserve(struct rb_slots *s, uint64_t need)
{
	struct rb_slots_update *u = &s->up;
	char c = rb_slot_letter(u->target);
	struct stat st;
	uint64_t devsize;

	if (fstat(u->fd, &st) < 0)
		return rb_slots_fail(s, -errno, "cannot stat slot %c: %s", c, strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(u->fd, BLKGETSIZE64, &devsize) < 0)
			return rb_slots_fail(s, -errno, "cannot size slot device %c: %s", c,
					     strerror(errno));
		if (devsize < need)
			return rb_slots_fail(s, -EFBIG, "image of %llu bytes does not fit slot %c "
					     "(%llu bytes)", (unsigned long long)need, c,
					     (unsigned long long)devsize);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return rb_slots_fail(s, -EINVAL, "slot %c is neither a file nor a block device", c);
	u->is_file = true;
	/* Reserve the space now: ENOSPC before the stream, not in the middle of it. */
	if (ftruncate(u->fd, 0) < 0)
		return rb_slots_fail(s, -errno, "cannot truncate slot %c: %s", c, strerror(errno));
	if (need && fallocate(u->fd, 0, 0, (off_t)need) < 0 && errno != EOPNOTSUPP)
		return rb_slots_fail(s, -errno, "cannot reserve %llu bytes for slot %c: %s",
				     (unsigned long long)need, c, strerror(errno));
	return 0;
}

int rb_slots_begin(struct rb_slots *s, uint64_t size)
{
	struct rb_slots_update *u = &s->up;
	int target, err;

	if (s->lock_fd < 0 || !s->loaded)
		return rb_slots_fail(s, -ENOLCK, "an update needs the update lock and the record");
	/* Again after a rewind: the target is invalid already, start it over. */
	close_slot(u);
	u->open = false;
	if (s->rec.pending)
		return rb_slots_fail(s, -EBUSY, "the image in slot %c awaits `ringboot mark-good`; "
				     "refusing to overwrite the rollback slot",
				     rb_slot_letter(s->rec.active));
	target = rb_slots_inactive(s);
	/* Only now may the slot change: from here a torn slot is never taken for good. */
	if (s->rec.slot[target].state != RB_SLOT_INVALID) {
		memset(&s->rec.slot[target], 0, sizeof(s->rec.slot[target]));
		s->rec.slot[target].state = RB_SLOT_INVALID;
		err = rb_slots_save(s);
		if (err)
			return err;
	}
	u->target = target;
	u->is_file = false;
	u->fd = open(s->dev[target], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (u->fd < 0)
		return rb_slots_fail(s, -errno, "cannot open slot %c '%s': %s",
				     rb_slot_letter(target), s->dev[target], strerror(errno));
	err = reserve(s, size);
	if (err) {
		close_slot(u);
		return err;
	}
	u->open = true;
	return 0;
}

int rb_slots_write(struct rb_slots *s, uint64_t off, const void *buf, size_t len)
{
	struct rb_slots_update *u = &s->up;
	const uint8_t *p = buf;

	if (!u->open)
		return rb_slots_fail(s, -EINVAL, "no slot update in progress");
	while (len) {
		ssize_t n;

		rb_fault_point(&s->fault, "write");
		n = pwrite(u->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rb_slots_fail(s, n < 0 ? -errno : -EIO, "cannot write slot %c: %s",
					     rb_slot_letter(u->target),
					     n < 0 ? strerror(errno) : "short write");
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* The payload is all written: make it durable (and read it back when asked). */
static int sync_slot(struct rb_slots *s, const struct rb_slot_info *img, bool readback)
{
	struct rb_slots_update *u = &s->up;
	char c = rb_slot_letter(u->target);
	uint8_t again[RB_IMG_DIGEST_LEN];
	int err;

	/* A reused file slot may hold a longer old image: cut it to this one. */
	if (u->is_file && ftruncate(u->fd, (off_t)img->size) < 0)
		return rb_slots_fail(s, -errno, "cannot size slot %c: %s", c, strerror(errno));
	rb_fault_point(&s->fault, "fsync");
	if (fdatasync(u->fd) < 0)
		return rb_slots_fail(s, -errno, "fdatasync of slot %c failed: %s", c, strerror(errno));
	/* A file slot may have just been created, maybe outside the state directory. */
	if (u->is_file) {
		err = rb_fsync_parent(s->dev[u->target]);
		if (err)
			return rb_slots_fail(s, err, "cannot sync the directory of slot %c: %s", c,
					     strerror(-err));
	}
	close_slot(u);
	if (!readback)
		return 0;
	err = rb_slots_hash(s, u->target, img->size, again);
	if (err) {
		char why[sizeof(s->why)];

		memcpy(why, s->why, sizeof(why));
		return rb_slots_fail(s, err, "read-back: %s", why);
	}
	if (memcmp(again, img->digest, sizeof(again)))
		return rb_slots_fail(s, -EIO, "read-back of slot %c does not match what was written",
				     c);
	return 0;
}

int rb_slots_commit(struct rb_slots *s, const struct rb_slot_info *img, bool readback)
{
	struct rb_slots_update *u = &s->up;
	struct rb_slots_rec before;
	int target = u->target, err;
	char c = rb_slot_letter(target);

	if (!u->open)
		return rb_slots_fail(s, -EINVAL, "no slot update in progress");
	err = sync_slot(s, img, readback);
	if (err)
		return err;
	/* The switch: one record replacement makes the new slot active. */
	before = s->rec;
	s->rec.slot[target] = *img;
	s->rec.slot[target].state = RB_SLOT_GOOD;
	s->rec.active = target;
	s->rec.pending = true;
	s->rec.tries = 0;
	/* The same replacement owes the commit hook: a kill before the hook
	 * has completed leaves it owed, and the next run runs it first. */
	rb_slots_owe_hook(s, RB_HOOK_COMMIT);
	err = rb_slots_save(s);
	if (err)
		return err;	/* the old record again; abort settles what is on disk */
	/* From here the slot is complete and active: abort leaves it alone. */
	u->open = false;
	rb_fault_point(&s->fault, "hook");
	if (s->rec.hook != RB_HOOK_COMMIT)
		return 0;
	err = rb_slots_run_hook(s, target, "commit");
	if (err) {
		/* The boot loader was not told: keep the old image active. */
		char why[sizeof(s->why)];

		memcpy(why, s->why, sizeof(why));
		before.slot[target] = s->rec.slot[target];
		before.generation = s->rec.generation;
		s->rec = before;
		if (rb_slots_save(s))
			rb_err("cannot restore the slot record (the commit event stays owed): %s",
			       s->why);
		return rb_slots_fail(s, err, "%s; slot %c stays inactive", why, c);
	}
	rb_fault_point(&s->fault, "after-hook");
	s->rec.hook = RB_HOOK_NONE;
	/* Committed and the boot loader told; on failure the next run repeats the hook. */
	if (rb_slots_save(s))
		rb_warn("the commit hook ran, but the record still owes it: %s", s->why);
	return 0;
}

void rb_slots_abort(struct rb_slots *s)
{
	struct rb_slots_update *u = &s->up;
	char why[sizeof(s->why)];
	bool rewrite = s->disk_unknown;

	close_slot(u);
	if (u->open) {
		u->open = false;
		/* The target may hold part of an image: it stays (or becomes) invalid. */
		if (s->rec.slot[u->target].state != RB_SLOT_INVALID) {
			memset(&s->rec.slot[u->target], 0, sizeof(s->rec.slot[u->target]));
			s->rec.slot[u->target].state = RB_SLOT_INVALID;
			rewrite = true;
		}
	}
	/*
	 * A replacement that failed after its rename (the directory fsync)
	 * may have left its record visible: write the one this process
	 * holds, so that the next run finds what this one reported.
	 */
	if (!rewrite)
		return;
	memcpy(why, s->why, sizeof(why));
	if (rb_slots_save(s))
		rb_err("cannot rewrite the slot record after a failed update: %s", s->why);
	memcpy(s->why, why, sizeof(why));
}
