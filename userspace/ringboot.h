/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Common ground of the agent: the run context every verb receives, exit codes,
 * and the verb signature.
 */
#ifndef RINGBOOT_H
#define RINGBOOT_H

#include <stdbool.h>

#define RB_DEFAULT_STATE_DIR "/var/lib/ringboot"
#define RB_DEFAULT_CONFIG "/etc/ringboot/ringboot.conf"

/* Exit codes shared by every verb (docs/cli.md). */
enum rb_exit {
	RB_EXIT_OK = 0,
	RB_EXIT_FAIL = 1,	/* the operation failed */
	RB_EXIT_USAGE = 2,	/* bad command line */
};

/* Global options, parsed before the verb and also accepted after it. */
struct rb_ctx {
	const char *state_dir;
	const char *config;
	bool config_given;	/* --config was on the command line */
	bool json;
	int verbose;
	const char *argv0;
};

typedef int (*rb_verb_fn)(struct rb_ctx *ctx, int argc, char **argv);

/*
 * Verb option parsing: each verb's getopt_long table ends with RB_COMMON_LONGOPTS
 * and passes unknown option values to rb_common_opt(), so `ringboot VERB --json`
 * and `ringboot --json VERB` mean the same.
 */
enum {
	RB_OPT_STATE_DIR = 0x1000,
	RB_OPT_CONFIG,
	RB_OPT_JSON,
	RB_OPT_VERBOSE,
};
#define RB_COMMON_LONGOPTS                                                     \
	{ "state-dir", required_argument, NULL, RB_OPT_STATE_DIR },            \
	{ "config", required_argument, NULL, RB_OPT_CONFIG },                  \
	{ "json", no_argument, NULL, RB_OPT_JSON },                            \
	{ "verbose", no_argument, NULL, RB_OPT_VERBOSE }

/* Returns true when c was a common option (and applied it to ctx). */
bool rb_common_opt(struct rb_ctx *ctx, int c, const char *arg);

#endif
