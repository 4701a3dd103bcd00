/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A/B slots and their state record (docs/commit.md).
 *
 * Two slots, a and b, each a file in the state directory or a block device
 * named in the configuration, and one small text record that says which slot
 * is active, what each slot holds, whether the active image still awaits
 * `ringboot mark-good`, and how many boots it has been tried. The record is
 * only ever replaced whole (atomicfile.h), so a crash leaves the old record or
 * the new one; the slot being written is marked invalid in the record before
 * its first byte changes, so a torn slot is never taken for a good one.
 */
#ifndef RINGBOOT_SLOTS_H
#define RINGBOOT_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

#define RB_SLOTS_RECORD		"slots.state"
#define RB_SLOTS_LOCK		"slots.lock"
#define RB_SLOTS_DEFAULT_TRIES	3
#define RB_SLOTS_RECORD_MAX	4096
#define RB_BOOT_ID_LEN		36	/* a UUID as the kernel writes it */
#define RB_BOOT_ID_PATH		"/proc/sys/kernel/random/boot_id"

enum rb_slot_state {
	RB_SLOT_EMPTY,		/* never written */
	RB_SLOT_INVALID,	/* being written, torn, or a refused image: never boot it */
	RB_SLOT_GOOD,		/* complete, digest checked after fdatasync */
	RB_SLOT_BAD,		/* was good, rolled back after unconfirmed boots */
};

struct rb_slot_info {
	enum rb_slot_state state;
	char name[RB_IMG_NAME_LEN];
	char version[RB_IMG_VERSION_LEN];
	uint8_t digest[RB_IMG_DIGEST_LEN];
	uint64_t size;
	bool insecure;		/* unsigned image accepted with --insecure-unsigned */
};

/*
 * The commit hook event owed to the boot loader: written in the same record
 * replacement as the change it reports (commit, mark-good, rollback), cleared
 * by another replacement once the hook has run to completion. A kill between
 * the two leaves it owed, and the next verb that acts on the slots runs it
 * first (rb_slots_settle). It always concerns the active slot.
 */
enum rb_hook_event {
	RB_HOOK_NONE,
	RB_HOOK_COMMIT,		/* slot X became active (pending) */
	RB_HOOK_ROLLBACK,	/* the pending image was rolled back to the other slot */
	RB_HOOK_GOOD,		/* the active image was confirmed */
};

struct rb_slots_rec {
	uint64_t generation;	/* +1 on every save */
	int active;		/* 0 (a), 1 (b), -1: none yet */
	bool pending;		/* active image not yet marked good */
	unsigned tries;		/* boots of the pending image so far */
	enum rb_hook_event hook;	/* hook event owed for the active slot */
	/*
	 * The kernel boot id of the boot in which the pending image's commit
	 * hook ran late (it was owed from an interrupted run); "" when it did
	 * not. That boot was started by a boot loader that had not been told
	 * of the image, so it runs the old one: it is not counted, mark-good
	 * refuses, and boot asks for a restart (rb_slots_restart_due). Only
	 * with pending 1 and nothing owed; rb_slots_save drops it otherwise.
	 */
	char hook_boot[RB_BOOT_ID_LEN + 1];
	/*
	 * The rollback floor: the version of the image last confirmed
	 * (mark-good) on this handset; "" when none. An image older than it
	 * is refused unless the command line allows it (rb_slots_may_install).
	 * A commit and a rollback keep it, so the rollback target stays
	 * valid; mark-good sets it. Records without the line take the version
	 * of a confirmed active image.
	 */
	char floor[RB_IMG_VERSION_LEN];
	struct rb_slot_info slot[2];
};

struct rb_slots_cfg {
	const char *state_dir;
	const char *dev[2];	/* NULL: <state_dir>/slot-a, slot-b */
	const char *hook;	/* commit hook executable, NULL: none */
	double hook_timeout;	/* seconds the hook may run; 0: RB_HOOK_TIMEOUT_DEFAULT */
	unsigned max_tries;	/* 0: RB_SLOTS_DEFAULT_TRIES */
};

/*
 * Fault injection for the crash tests: RINGBOOT_FAULT=KIND:N makes the
 * process SIGKILL itself right before its Nth operation of KIND, where KIND
 * is write (a slot or record write), fsync (fdatasync of a slot, fsync of a
 * record), rename (the record replacement), hook (after the record
 * replacement that owes a hook event, before the hook runs; for a commit also
 * when no hook is configured) or after-hook (the hook has succeeded, the
 * record that clears the owed event is not yet written).
 */
struct rb_fault {
	char kind[16];
	long at;
	long seen;
};

/* An update of the inactive slot in progress (slots_update.c). */
struct rb_slots_update {
	bool open;		/* begun, neither committed nor aborted */
	int target;		/* the slot being written */
	int fd;			/* the slot, open for writing; -1 once synced */
	bool is_file;		/* a regular file: cut to the payload's length */
};

struct rb_slots {
	struct rb_slots_cfg cfg;
	char dir[4096];
	char rec_path[4096];
	char dev[2][4096];
	int lock_fd;
	bool loaded;		/* rec was read (rb_slots_load) */
	struct rb_slots_rec rec;
	/*
	 * The record last read or written: after a failed replacement rec is
	 * this again. disk_unknown: the failure came after the rename (the
	 * directory fsync), so the new record may be visible; the next
	 * replacement settles it (rb_slots_abort makes one).
	 */
	struct rb_slots_rec disk;
	bool disk_unknown;
	struct rb_slots_update up;
	struct rb_fault fault;
	char boot_id[RB_BOOT_ID_LEN + 1];	/* this boot's id; "" when unknown */
	char boot_id_why[160];		/* why it is unknown */
	bool late_commit;		/* this process ran an owed commit hook */
	char why[512];		/* message of the last failure */
};

/*
 * The kernel's id of the running boot (RB_BOOT_ID_PATH), or RINGBOOT_BOOT_ID
 * when set (tests). 0, -errno, or -EINVAL when the value is not a boot id.
 */
int rb_boot_id_read(char out[RB_BOOT_ID_LEN + 1]);
/* Is s a boot id: 8-4-4-4-12 lowercase hex digits? */
bool rb_boot_id_ok(const char *s);

/* Also reads the boot id (rb_boot_id_read; "" and boot_id_why when unknown). */
int rb_slots_init(struct rb_slots *s, const struct rb_slots_cfg *cfg);
/* Take the update lock (flock on slots.lock). wait=false: -EBUSY if held. */
int rb_slots_lock(struct rb_slots *s, bool wait);
void rb_slots_unlock(struct rb_slots *s);
/*
 * Readers that look into slots (status --verify): a shared lock, never
 * waiting. Returns 0 (held, or no updater ever ran), -EBUSY while an update
 * runs (the inactive slot may be half-written), or -errno.
 */
int rb_slots_lock_shared(struct rb_slots *s);
/*
 * Read the record; a missing record is an empty one (no active slot). A run
 * reads it once, under the update lock when it may change it, and then
 * holds it in memory (rec) until it ends.
 */
int rb_slots_load(struct rb_slots *s);
/*
 * Replace the record atomically with rec (generation +1). A record that
 * would not load again (rb_slots_rec_parse: e.g. an active slot that is not
 * good) is refused and never written. On any failure rec is put back to the
 * record on disk (disk), with the generation kept past the one attempted.
 */
int rb_slots_save(struct rb_slots *s);
/* Set s->why from fmt and return err. */
__attribute__((format(printf, 3, 4)))
int rb_slots_fail(struct rb_slots *s, int err, const char *fmt, ...);

static inline int rb_slots_inactive(const struct rb_slots *s)
{
	return s->rec.active == 0 ? 1 : 0;
}

char rb_slot_letter(int slot);
const char *rb_slot_state_name(enum rb_slot_state st);
/* "none", "commit", "rollback", "good". */
const char *rb_hook_event_name(enum rb_hook_event ev);
/* Is the active image the one named name (and, if digest is not NULL, with that digest)? */
bool rb_slots_active_is(const struct rb_slots *s, const char *name, const uint8_t *digest);
/*
 * No downgrade: may the image name, version be installed over the record's
 * rollback floor? 0, or -EPERM (older than the floor, or a version that
 * cannot be ordered against it; s->why says which) unless allow_downgrade,
 * which only the command line sets (then 0, with a warning).
 */
int rb_slots_may_install(struct rb_slots *s, const char *name, const char *version,
			 bool allow_downgrade);

/*
 * Run the hook event the record owes (rec.hook), if any, then replace the
 * record with the event cleared. Needs the update lock and a loaded record.
 * Every verb that acts on the slots calls it before anything else. Returns 0
 * (nothing owed, or run and cleared), or -errno with the record unchanged
 * and the event still owed: the hook failed, or none is configured.
 * *ran (may be NULL) is set when a hook ran to completion. A commit hook
 * run here is late: the record replacement that clears it also records this
 * boot's id (hook_boot), see rb_slots_restart_due.
 */
int rb_slots_settle(struct rb_slots *s, enum rb_hook_event *ran);
/*
 * Is a restart into the pending image due because its commit hook ran late
 * during this boot (run by this process, or recorded with this boot's id)?
 * Then the running system is still the old image: count-boot counts nothing,
 * mark-good refuses, boot exits 3. False in any later boot.
 */
bool rb_slots_restart_due(const struct rb_slots *s);
/*
 * Record the hook event owed for the active slot (nothing when no hook is
 * configured) in the record replacement the caller is about to make; then
 * rb_slots_settle runs it.
 */
void rb_slots_owe_hook(struct rb_slots *s, enum rb_hook_event ev);
/*
 * Confirm the running (active, pending) image. An owed hook runs first
 * (rb_slots_settle); if it fails, nothing is confirmed. -EAGAIN, nothing
 * confirmed, when a restart into the image is due (rb_slots_restart_due).
 */
int rb_slots_mark_good(struct rb_slots *s);
/*
 * Count one boot of the active image, after running an owed hook. A pending
 * image booted more than max_tries times without mark-good is rolled back to
 * the other slot when that one is good (*rolled_back set); the hook is told.
 * Nothing is counted while rb_slots_restart_due (this boot ran the old image).
 */
int rb_slots_count_boot(struct rb_slots *s, bool *rolled_back);
/*
 * The update transaction (slots_update.c), driven by the image sink; needs
 * the update lock and the loaded record, and nothing owed (rb_slots_settle).
 *
 * rb_slots_begin: refuses while the active image is pending (-EBUSY: the
 * other slot is the rollback target); replaces the record with the inactive
 * slot marked invalid, and only then opens that slot and checks (block
 * device) or reserves (file) size bytes (0: unknown). Called again (a
 * rewound stream), it starts the slot over.
 * rb_slots_write: payload bytes at offset off of the slot.
 * rb_slots_commit: cuts a file slot to img->size, fdatasyncs the slot (and
 * its directory), reads it back when asked and compares with img->digest,
 * then replaces the record with img good and active, pending, the commit
 * hook owed; then runs the hook (a failing hook puts the old image back
 * active, img's slot good but inactive). The caller has checked the digest.
 * rb_slots_abort: after any failure (also of commit): closes the slot,
 * which stays invalid, and rewrites the record when a failed replacement
 * may have left another one visible. Harmless when nothing was begun.
 * Each returns 0 or -errno with s->why; rec is always a record on disk.
 */
int rb_slots_begin(struct rb_slots *s, uint64_t size);
int rb_slots_write(struct rb_slots *s, uint64_t off, const void *buf, size_t len);
int rb_slots_commit(struct rb_slots *s, const struct rb_slot_info *img, bool readback);
void rb_slots_abort(struct rb_slots *s);

/* Run the commit hook: HOOK SLOT DEVICE, with RINGBOOT_EVENT etc. in the environment. */
int rb_slots_run_hook(struct rb_slots *s, int slot, const char *event);
/* SHA-256 of the first size bytes of a slot, read back from the device. */
int rb_slots_hash(struct rb_slots *s, int slot, uint64_t size, uint8_t digest[32]);

/* The record's text form, for the parser's fuzz target and tests. */
int rb_slots_rec_parse(const char *buf, size_t len, struct rb_slots_rec *rec,
		       char *why, size_t whylen);
int rb_slots_rec_format(const struct rb_slots_rec *rec, char *buf, size_t cap);

/*
 * Command-line options shared by the verbs that touch slots (slots_cmd.c):
 * --slot-a DEV --slot-b DEV --hook PROG --max-tries N --keys DIR --model M
 * (repeatable) --hw H --read-back --insecure-unsigned --name APPNAME
 * --allow-downgrade.
 */
#define RB_SLOT_MODELS_MAX 8
struct rb_config;
struct rb_slot_opts {
	struct rb_slots_cfg cfg;
	struct rb_config *conf;		/* the handset's configuration (keys below) */
	bool readback_given;
	const char *keys_dir;
	bool keys_given;
	const char *models[RB_SLOT_MODELS_MAX];
	size_t nmodels;
	const char *hw;
	const char *name;
	bool readback;
	bool insecure;
	bool allow_downgrade;		/* --allow-downgrade: never from a file or the network */
};

enum {
	RB_OPT_SLOT_A = 0x1100,
	RB_OPT_SLOT_B,
	RB_OPT_HOOK,
	RB_OPT_MAX_TRIES,
	RB_OPT_KEYS,
	RB_OPT_MODEL,
	RB_OPT_HW,
	RB_OPT_NAME,
	RB_OPT_READBACK,
	RB_OPT_INSECURE,
	RB_OPT_ALLOW_DOWNGRADE,
};
#define RB_SLOT_LONGOPTS                                                       \
	{ "slot-a", required_argument, NULL, RB_OPT_SLOT_A },                  \
	{ "slot-b", required_argument, NULL, RB_OPT_SLOT_B },                  \
	{ "hook", required_argument, NULL, RB_OPT_HOOK },                      \
	{ "max-tries", required_argument, NULL, RB_OPT_MAX_TRIES },            \
	{ "keys", required_argument, NULL, RB_OPT_KEYS },                      \
	{ "model", required_argument, NULL, RB_OPT_MODEL },                    \
	{ "hw", required_argument, NULL, RB_OPT_HW },                          \
	{ "name", required_argument, NULL, RB_OPT_NAME },                      \
	{ "read-back", no_argument, NULL, RB_OPT_READBACK },                   \
	{ "insecure-unsigned", no_argument, NULL, RB_OPT_INSECURE },           \
	{ "allow-downgrade", no_argument, NULL, RB_OPT_ALLOW_DOWNGRADE }

#define RB_DEFAULT_KEYS_DIR "/etc/ringboot/keys"

struct rb_ctx;
void rb_slot_opts_init(struct rb_slot_opts *o, const struct rb_ctx *ctx);
/* 1: handled, 0: not a slot option, -1: bad value (message printed). */
int rb_slot_opt(struct rb_slot_opts *o, int c, const char *arg);
/*
 * Called after option parsing (--state-dir and --config may follow the
 * verb): reads the configuration file and fills what the command line left
 * unset from IMAGE_KEYS_DIR, SLOT_A, SLOT_B, COMMIT_HOOK, HOOK_TIMEOUT, BOOT_TRIES,
 * IMAGE_READBACK, MODEL, MODEL4, MODEL6 and HWVERS. A missing default
 * configuration file is not an error; a missing --config file is.
 * Returns 0 or -errno (message printed).
 */
int rb_slot_opts_finish(struct rb_slot_opts *o, const struct rb_ctx *ctx);
void rb_slot_opts_free(struct rb_slot_opts *o);

void rb_fault_init(struct rb_fault *f);
/* Kill the process here if this is the injected fault point. */
void rb_fault_point(struct rb_fault *f, const char *kind);

#endif
