// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A/B slots: the state record's life cycle, the update lock, confirmation,
 * the boot-try counter and rollback, and the commit hook (docs/commit.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "atomicfile.h"
#include "hook.h"
#include "log.h"
#include "slots.h"

int rb_slots_fail(struct rb_slots *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	return err;
}

/* This file's short name for it. */
#define fail rb_slots_fail

void rb_fault_init(struct rb_fault *f)
{
	const char *env = getenv("RINGBOOT_FAULT");
	const char *colon = env ? strchr(env, ':') : NULL;
	char *end;

	memset(f, 0, sizeof(*f));
	if (!colon || (size_t)(colon - env) >= sizeof(f->kind))
		return;
	memcpy(f->kind, env, (size_t)(colon - env));
	f->at = strtol(colon + 1, &end, 10);
	if (*end || f->at <= 0)
		f->kind[0] = '\0';
}

void rb_fault_point(struct rb_fault *f, const char *kind)
{
	if (!f->kind[0] || strcmp(f->kind, kind))
		return;
	if (++f->seen == f->at) {
		/* The crash tests want the harshest stop: no atexit, no flush. */
		raise(SIGKILL);
	}
}

bool rb_boot_id_ok(const char *s)
{
	for (int i = 0; i < RB_BOOT_ID_LEN; i++) {
		char c = s[i];	/* a shorter string stops at its NUL */

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return false;
		}
	}
	return s[RB_BOOT_ID_LEN] == '\0';
}

int rb_boot_id_read(char out[RB_BOOT_ID_LEN + 1])
{
	const char *env = getenv("RINGBOOT_BOOT_ID");
	char buf[64];
	ssize_t n;
	size_t len;
	int fd, err;

	out[0] = '\0';
	if (env && *env) {
		if (!rb_boot_id_ok(env))
			return -EINVAL;
		memcpy(out, env, RB_BOOT_ID_LEN + 1);
		return 0;
	}
	fd = open(RB_BOOT_ID_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	len = (size_t)n;
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	if (!rb_boot_id_ok(buf))
		return -EINVAL;
	memcpy(out, buf, RB_BOOT_ID_LEN + 1);
	return 0;
}

/* This boot's id, or why it is unknown (then a late commit hook is only
 * known to the process that ran it). */
static void read_boot_id(struct rb_slots *s)
{
	const char *env = getenv("RINGBOOT_BOOT_ID");
	int err = rb_boot_id_read(s->boot_id);

	if (!err)
		return;
	if (env && *env) {
		snprintf(s->boot_id_why, sizeof(s->boot_id_why), "RINGBOOT_BOOT_ID is not a boot "
			 "id (8-4-4-4-12 lowercase hex digits)");
		rb_warn("%s: ignored", s->boot_id_why);
	} else {
		snprintf(s->boot_id_why, sizeof(s->boot_id_why), "cannot read %s: %s",
			 RB_BOOT_ID_PATH, err == -EINVAL ? "not a boot id" : strerror(-err));
	}
}

static int path_in(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int rb_slots_init(struct rb_slots *s, const struct rb_slots_cfg *cfg)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->lock_fd = -1;
	s->rec.active = -1;
	s->disk.active = -1;
	s->up.fd = -1;
	if (!s->cfg.max_tries)
		s->cfg.max_tries = RB_SLOTS_DEFAULT_TRIES;
	rb_fault_init(&s->fault);
	read_boot_id(s);
	if (!cfg->state_dir || strlen(cfg->state_dir) >= sizeof(s->dir))
		return fail(s, -EINVAL, "no usable state directory");
	memcpy(s->dir, cfg->state_dir, strlen(cfg->state_dir) + 1);
	err = path_in(s->rec_path, sizeof(s->rec_path), s->dir, RB_SLOTS_RECORD);
	for (int i = 0; i < 2 && !err; i++) {
		if (cfg->dev[i] && cfg->dev[i][0]) {
			if (strlen(cfg->dev[i]) >= sizeof(s->dev[i]))
				err = -ENAMETOOLONG;
			else
				memcpy(s->dev[i], cfg->dev[i], strlen(cfg->dev[i]) + 1);
		} else {
			err = path_in(s->dev[i], sizeof(s->dev[i]), s->dir, i ? "slot-b" : "slot-a");
		}
	}
	return err ? fail(s, err, "state directory path too long") : 0;
}

int rb_slots_lock(struct rb_slots *s, bool wait)
{
	char path[4096];
	int err;

	if (s->lock_fd >= 0)
		return 0;	/* held already, by this run */
	err = rb_mkdir_p(s->dir, 0755);
	if (err)
		return fail(s, err, "cannot create state directory '%s': %s", s->dir, strerror(-err));
	err = path_in(path, sizeof(path), s->dir, RB_SLOTS_LOCK);
	if (err)
		return fail(s, err, "lock path too long");
	s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		return fail(s, -errno, "cannot open '%s': %s", path, strerror(errno));
	/* flock is released by the kernel when the holder dies, even by SIGKILL. */
	while (flock(s->lock_fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(s->lock_fd);
		s->lock_fd = -1;
		return fail(s, err, "another ringboot is updating the slots in '%s'", s->dir);
	}
	return 0;
}

int rb_slots_lock_shared(struct rb_slots *s)
{
	char path[4096];
	int err = path_in(path, sizeof(path), s->dir, RB_SLOTS_LOCK);

	if (err)
		return err;
	s->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->lock_fd < 0)
		return errno == ENOENT ? 0 : -errno;
	while (flock(s->lock_fd, LOCK_SH | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		rb_slots_unlock(s);
		return err;
	}
	return 0;
}

void rb_slots_unlock(struct rb_slots *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}

int rb_slots_load(struct rb_slots *s)
{
	char why[256];
	char *buf;
	size_t len;
	int err;

	s->loaded = false;
	err = rb_read_file(s->rec_path, RB_SLOTS_RECORD_MAX, &buf, &len);
	if (err == -ENOENT) {
		memset(&s->rec, 0, sizeof(s->rec));
		s->rec.active = -1;
	} else if (err) {
		return fail(s, err, "cannot read '%s': %s", s->rec_path, strerror(-err));
	} else {
		err = rb_slots_rec_parse(buf, len, &s->rec, why, sizeof(why));
		free(buf);
		if (err)
			return fail(s, err, "slot record '%s' is damaged: %s", s->rec_path, why);
	}
	s->disk = s->rec;
	s->disk_unknown = false;
	s->loaded = true;
	return 0;
}

/*
 * A replacement failed: rec is the record on disk again (the caller's
 * change undone), numbered past the attempt, so that the next replacement
 * is newer than anything this one may have left visible.
 */
static int undo(struct rb_slots *s, int err, bool maybe_visible)
{
	uint64_t gen = s->rec.generation;

	s->rec = s->disk;
	s->rec.generation = gen;
	if (maybe_visible)
		s->disk_unknown = true;
	return err;
}

int rb_slots_save(struct rb_slots *s)
{
	struct rb_slots_rec check;
	struct rb_atomic a;
	char buf[RB_SLOTS_RECORD_MAX], why[256];
	int n, err;

	s->rec.generation++;
	/* hook_boot describes a pending image whose commit hook has run: a
	 * confirmation, a rollback or a new commit ends it. */
	if (s->rec.active < 0 || !s->rec.pending || s->rec.hook != RB_HOOK_NONE)
		s->rec.hook_boot[0] = '\0';
	n = rb_slots_rec_format(&s->rec, buf, sizeof(buf));
	if (n < 0)
		return undo(s, fail(s, n, "cannot format the slot record"), false);
	/* What every later run must be able to load: never write anything else. */
	err = rb_slots_rec_parse(buf, (size_t)n, &check, why, sizeof(why));
	if (err)
		return undo(s, fail(s, -EINVAL, "refusing to write a slot record that would not "
				    "load: %s", why), false);
	err = rb_atomic_open(&a, s->rec_path, 0644);
	if (err)
		return undo(s, fail(s, err, "cannot write '%s': %s", s->rec_path,
				    strerror(-err)), false);
	rb_fault_point(&s->fault, "write");
	err = rb_write_all(a.fd, buf, (size_t)n);
	if (!err) {
		/* Split out the data fsync so the fault points bracket it. */
		rb_fault_point(&s->fault, "fsync");
		if (fsync(a.fd) < 0)
			err = -errno;
	}
	if (err) {
		rb_atomic_abort(&a);
		return undo(s, fail(s, err, "cannot write '%s': %s", s->rec_path,
				    strerror(-err)), false);
	}
	rb_fault_point(&s->fault, "rename");
	err = rb_atomic_commit(&a);
	if (err)
		return undo(s, fail(s, err, "cannot replace '%s': %s", s->rec_path,
				    strerror(-err)), true);
	s->disk = s->rec;
	s->disk_unknown = false;
	return 0;
}

bool rb_slots_active_is(const struct rb_slots *s, const char *name, const uint8_t *digest)
{
	const struct rb_slot_info *si;

	if (s->rec.active < 0)
		return false;
	si = &s->rec.slot[s->rec.active];
	return si->state == RB_SLOT_GOOD && !strcmp(si->name, name) &&
	       (!digest || !memcmp(si->digest, digest, sizeof(si->digest)));
}

int rb_slots_may_install(struct rb_slots *s, const char *name, const char *version,
			 bool allow_downgrade)
{
	const char *floor = s->rec.floor;
	enum rb_img_order order;

	if (!floor[0])
		return 0;	/* nothing confirmed yet */
	order = rb_img_version_order(version, floor);
	if (order == RB_IMG_SAME || order == RB_IMG_NEWER)
		return 0;
	if (allow_downgrade) {
		rb_warn("installing %s %s %s the rollback floor %s: allowed by --allow-downgrade",
			name, version, order == RB_IMG_OLDER ? "older than" : "not ordered against",
			floor);
		return 0;
	}
	if (order == RB_IMG_OLDER)
		return fail(s, -EPERM, "image %s %s is older than %s, the version last confirmed on "
			    "this handset (the rollback floor): refusing a downgrade "
			    "(--allow-downgrade on the command line installs it)", name, version, floor);
	return fail(s, -EPERM, "image %s version %s cannot be ordered against %s, the version last "
		    "confirmed on this handset (only dotted numbers are ordered): refusing a possible "
		    "downgrade (--allow-downgrade on the command line installs it)", name, version,
		    floor);
}

void rb_slots_owe_hook(struct rb_slots *s, enum rb_hook_event ev)
{
	s->rec.hook = s->cfg.hook && *s->cfg.hook ? ev : RB_HOOK_NONE;
}

/*
 * Run the event the record owes and clear it; on failure s->why is the hook's
 * own message and the record still owes the event.
 */
static int run_owed(struct rb_slots *s)
{
	enum rb_hook_event ev = s->rec.hook;
	int err;

	if (ev == RB_HOOK_NONE)
		return 0;
	rb_fault_point(&s->fault, "hook");
	if (!s->cfg.hook || !*s->cfg.hook)
		return fail(s, -ENOENT, "the %s hook event for slot %c is owed, but no commit hook "
			    "is configured (COMMIT_HOOK, --hook)", rb_hook_event_name(ev),
			    rb_slot_letter(s->rec.active));
	err = rb_slots_run_hook(s, s->rec.active, rb_hook_event_name(ev));
	if (err)
		return err;
	/* The hook has done its work; only the record still says it is owed. */
	rb_fault_point(&s->fault, "after-hook");
	s->rec.hook = RB_HOOK_NONE;
	if (ev == RB_HOOK_COMMIT) {
		/*
		 * Late: the running system was started by a boot loader that
		 * had not been told of the image. The same replacement records
		 * this boot, so that later runs in it know (rb_slots_restart_due).
		 */
		s->late_commit = true;
		memcpy(s->rec.hook_boot, s->boot_id, sizeof(s->rec.hook_boot));
		if (!s->boot_id[0])
			rb_warn("slot %c: the late commit hook ran, but this boot's id is unknown "
				"(%s): later ringboot runs in this boot cannot tell that it is "
				"still the old image's", rb_slot_letter(s->rec.active),
				s->boot_id_why);
	}
	/* On failure rec is the record on disk again: it still owes the event. */
	return rb_slots_save(s);
}

/* The hook of an owed event failed: say that it stays owed. */
static int still_owed(struct rb_slots *s, int err, enum rb_hook_event ev)
{
	char why[sizeof(s->why)];

	memcpy(why, s->why, sizeof(why));
	return fail(s, err, "%s; the %s event stays owed: the next ringboot run that acts on "
		    "the slots runs the hook again first", why, rb_hook_event_name(ev));
}

int rb_slots_settle(struct rb_slots *s, enum rb_hook_event *ran)
{
	enum rb_hook_event ev = s->rec.hook;
	int err;

	if (ran)
		*ran = RB_HOOK_NONE;
	if (ev == RB_HOOK_NONE)
		return 0;
	rb_info("slot %c: the %s hook event is owed (an earlier run ended before its hook "
		"completed): running the hook", rb_slot_letter(s->rec.active),
		rb_hook_event_name(ev));
	err = run_owed(s);
	if (err)
		return still_owed(s, err, ev);
	if (ran)
		*ran = ev;
	return 0;
}

bool rb_slots_restart_due(const struct rb_slots *s)
{
	if (s->rec.active < 0 || !s->rec.pending || s->rec.hook != RB_HOOK_NONE)
		return false;
	if (s->late_commit)
		return true;
	return s->rec.hook_boot[0] && s->boot_id[0] && !strcmp(s->rec.hook_boot, s->boot_id);
}

int rb_slots_mark_good(struct rb_slots *s)
{
	int err;

	/* The boot loader may not have been told of this image yet: tell it first. */
	err = rb_slots_settle(s, NULL);
	if (err)
		return err;
	if (s->rec.active < 0)
		return fail(s, -ENOENT, "no active image to mark good");
	if (!s->rec.pending)
		return 0;	/* already confirmed: nothing to write */
	if (rb_slots_restart_due(s))
		return fail(s, -EAGAIN, "slot %c's commit hook ran during this boot (it was owed "
			    "from an interrupted run); the running system is still the old image; "
			    "confirm after restarting into it", rb_slot_letter(s->rec.active));
	s->rec.pending = false;
	s->rec.tries = 0;
	/* Confirmed: no image older than this one is installed from now on
	 * (an unsigned lab image has no version and leaves the floor). */
	if (!s->rec.slot[s->rec.active].insecure)
		memcpy(s->rec.floor, s->rec.slot[s->rec.active].version, sizeof(s->rec.floor));
	rb_slots_owe_hook(s, RB_HOOK_GOOD);
	err = rb_slots_save(s);
	if (err)
		return err;
	err = run_owed(s);
	return err ? still_owed(s, err, RB_HOOK_GOOD) : 0;
}

int rb_slots_count_boot(struct rb_slots *s, bool *rolled_back)
{
	int cur = s->rec.active, other = 1 - cur;
	int err;

	*rolled_back = false;
	err = rb_slots_settle(s, NULL);
	if (err)
		return err;
	if (cur < 0 || !s->rec.pending)
		return 0;
	if (rb_slots_restart_due(s)) {
		/* This boot is the old image's: not a try of the new one. */
		rb_warn("slot %c's commit hook ran during this boot (it was owed from an "
			"interrupted run); the running system is still the old image: this boot is "
			"not counted; restart into slot %c", rb_slot_letter(cur), rb_slot_letter(cur));
		return 0;
	}
	/* A late commit hook's boot (if any) is over: forget it. */
	s->rec.hook_boot[0] = '\0';
	if (s->rec.tries < s->cfg.max_tries) {
		s->rec.tries++;
		return rb_slots_save(s);
	}
	if (s->rec.slot[other].state != RB_SLOT_GOOD) {
		rb_warn("image in slot %c unconfirmed after %u boots, but slot %c holds no good "
			"image to roll back to", rb_slot_letter(cur), s->rec.tries,
			rb_slot_letter(other));
		return 0;
	}
	/* Roll back: the old image is active and confirmed again. */
	s->rec.slot[cur].state = RB_SLOT_BAD;
	s->rec.active = other;
	s->rec.pending = false;
	s->rec.tries = 0;
	rb_slots_owe_hook(s, RB_HOOK_ROLLBACK);
	err = rb_slots_save(s);
	if (err)
		return err;
	*rolled_back = true;
	err = run_owed(s);
	return err ? still_owed(s, err, RB_HOOK_ROLLBACK) : 0;
}

int rb_slots_run_hook(struct rb_slots *s, int slot, const char *event)
{
	const struct rb_slot_info *si = &s->rec.slot[slot];
	char ev[64], sl[32], dev[4200], name[200], ver[100], dir[4200];
	char letter[2] = { rb_slot_letter(slot), '\0' };
	char *argv[] = { (char *)s->cfg.hook, letter, s->dev[slot], NULL };
	char *envp[RB_HOOK_ENV_MAX], why[128];
	size_t n;
	int err;

	snprintf(ev, sizeof(ev), "RINGBOOT_EVENT=%s", event);
	snprintf(sl, sizeof(sl), "RINGBOOT_SLOT=%c", rb_slot_letter(slot));
	snprintf(dev, sizeof(dev), "RINGBOOT_DEVICE=%s", s->dev[slot]);
	snprintf(name, sizeof(name), "RINGBOOT_IMAGE_NAME=%s", si->name);
	snprintf(ver, sizeof(ver), "RINGBOOT_IMAGE_VERSION=%s", si->version);
	snprintf(dir, sizeof(dir), "RINGBOOT_STATE_DIR=%s", s->dir);
	/* The hook gets PATH and our variables, not the rest of our environment. */
	n = rb_hook_env_base(envp, RB_HOOK_ENV_MAX - 7);
	envp[n++] = ev;
	envp[n++] = sl;
	envp[n++] = dev;
	envp[n++] = name;
	envp[n++] = ver;
	envp[n++] = dir;
	envp[n] = NULL;
	/* Bounded by HOOK_TIMEOUT: a hook that hangs fails, and the event stays owed. */
	err = rb_hook_run(argv, envp, s->cfg.hook_timeout, why, sizeof(why));
	if (err)
		return fail(s, err, "commit hook '%s' failed (%s) for slot %c, event %s",
			    s->cfg.hook, why, rb_slot_letter(slot), event);
	return 0;
}

int rb_slots_hash(struct rb_slots *s, int slot, uint64_t size, uint8_t digest[32])
{
	enum { CHUNK = 1 << 20 };
	wc_Sha256 sha;
	uint64_t left = size;
	uint8_t *buf;
	int fd, err = 0;

	/* O_DIRECT where the file system allows it, so the read-back sees the medium. */
	fd = open(s->dev[slot], O_RDONLY | O_CLOEXEC | O_DIRECT);
	if (fd < 0 && errno == EINVAL)
		fd = open(s->dev[slot], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(s, -errno, "cannot open slot %c '%s': %s", rb_slot_letter(slot),
			    s->dev[slot], strerror(errno));
	if (posix_memalign((void **)&buf, 4096, CHUNK)) {
		close(fd);
		return fail(s, -ENOMEM, "out of memory");
	}
	wc_InitSha256(&sha);
	while (left && !err) {
		/* Aligned length for O_DIRECT; only the slot's bytes are hashed. */
		ssize_t got = read(fd, buf, CHUNK);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			err = fail(s, -errno, "cannot read slot %c: %s", rb_slot_letter(slot),
				   strerror(errno));
		else if (got == 0)
			err = fail(s, -ENODATA, "slot %c is shorter than its recorded size",
				   rb_slot_letter(slot));
		else {
			size_t use = (uint64_t)got < left ? (size_t)got : (size_t)left;

			wc_Sha256Update(&sha, buf, (word32)use);
			left -= use;
		}
	}
	if (!err)
		wc_Sha256Final(&sha, digest);
	wc_Sha256Free(&sha);
	free(buf);
	close(fd);
	return err;
}
