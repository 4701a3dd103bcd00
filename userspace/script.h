/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The provisioning language interpreter: upgrade scripts, settings files and
 * ringboot's own configuration (docs/script-language.md, PROVISIONING.md).
 *
 * The interpreter reads the caller's buffer in place (no copy) in one forward
 * pass: GOTO only searches forward and resumes where the tag was found, so
 * every byte of a file is looked at a bounded number of times.
 *
 * Variables seen by `IF $NAME`: first the values SET so far on this chain,
 * then the caller's store (identity, --var, DHCP...). APPNAME is special: as a
 * variable it always names the image the phone runs now (the caller's store),
 * while `SET APPNAME` names the image to run (PROVISIONING.md, "APPNAME has two
 * roles"). With identity_from_vars, so are the identity's names (MODEL4, ...).
 *
 * GET asks the caller for a file's bytes through ops->get. On success the new
 * file is interpreted and the current one is never returned to; on failure
 * interpretation continues with the next line.
 */
#ifndef RINGBOOT_SCRIPT_H
#define RINGBOOT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "params.h"

#define RB_SCRIPT_MAX_CHAIN 8		/* files on a chain, the first counts */
#define RB_SCRIPT_MAX_WARNINGS 1000	/* kept; more are only counted */
#define RB_SCRIPT_NAME_MAX 255		/* longest GET file name */

/* A file handed to the interpreter: bytes owned by whoever filled it. */
struct rb_script_file {
	const char *data;
	size_t len;
	void *cookie;		/* for ops->put */
};

struct rb_script_ops {
	/*
	 * Fetch name (after $MACADDR... substitution). Fill *f and return 0, or
	 * return a negative errno; the interpreter then warns and goes on with
	 * the next line. NULL disables GET (configuration files).
	 */
	int (*get)(void *arg, const char *name, struct rb_script_file *f);
	/* Release a file obtained by get (called once the file is done). */
	void (*put)(void *arg, struct rb_script_file *f);
	/* Optional: called for each executed SET, in order. */
	void (*on_set)(void *arg, const char *name, const char *value,
		       const char *file, unsigned int line);
};

struct rb_script_warning {
	char *file;
	unsigned int line;
	char *message;
};

struct rb_script {
	/* in: set by the caller before rb_script_run() */
	const struct rb_script_ops *ops;
	void *arg;
	const struct rb_params *vars;	/* identity and other known values; may be NULL */
	bool seq_exact;			/* SEQ compares exactly (default: ignore case) */
	/*
	 * Downloaded files: IF $MODEL4 (and every identity name, param_rules.h)
	 * sees vars only, never a SET of the chain. Off for the configuration,
	 * which is the owner's and may SET the identity it then tests.
	 */
	bool identity_from_vars;

	/* out */
	struct rb_params *sets;		/* every SET executed: final value, file and line */
	char *files[RB_SCRIPT_MAX_CHAIN];	/* names interpreted, in order */
	unsigned int nfiles;
	struct rb_script_warning *warnings;
	size_t nwarnings;		/* kept (at most RB_SCRIPT_MAX_WARNINGS) */
	size_t warnings_dropped;	/* beyond the cap */
	unsigned long lines;		/* lines read, executed or skipped, over the chain */

	/* private: the value being built (substitution) */
	char *scratch;
	size_t scratch_cap;
};

/* Zero s, allocate its result store. */
int rb_script_init(struct rb_script *s);
void rb_script_free(struct rb_script *s);

/*
 * Interpret file (named name, e.g. "96xxupgrade.txt") and whatever it GETs.
 * The caller keeps ownership of file; files from ops->get are released
 * through ops->put. Returns 0 when interpreted (warnings allowed), -ENOMEM.
 */
int rb_script_run(struct rb_script *s, const char *name, const char *data, size_t len);

/*
 * Final value of APPNAME as set by a SET on the chain, or NULL when no SET
 * set it (an APPNAME in s->vars does not count).
 */
const char *rb_script_appname(const struct rb_script *s);

/* Record a warning (used by callers that check values, e.g. config.c). */
__attribute__((format(printf, 4, 5)))
void rb_script_warn(struct rb_script *s, const char *file, unsigned int line,
		    const char *fmt, ...);

/*
 * Copy every SET of the run into p with origin kind (RB_ORIGIN_FILE for
 * downloaded files, RB_ORIGIN_CONFIG for the configuration), keeping each
 * value's file and line. Returns 0 or the first negative errno.
 */
int rb_script_apply(const struct rb_script *s, struct rb_params *p, enum rb_origin_kind kind);

#endif
