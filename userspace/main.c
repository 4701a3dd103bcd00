// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ringboot: boot-time provisioning agent of a Linux IP handset.
 *
 * main() only parses the global options and dispatches to a verb from the
 * table in verbs.h (the wireguard-tools pattern).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ringboot.h"
#include "verbs_decl.h"

struct rb_verb {
	const char *name;
	rb_verb_fn fn;
	const char *summary;
};

static const struct rb_verb verbs[] = {
#define RB_VERB(name, fn, summary) { name, fn, summary },
#include "verbs.h"
#undef RB_VERB
};

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"Usage: %s [--state-dir DIR] [--config FILE] [--json] [-v] VERB [ARGS]\n\n"
		"Verbs:\n", argv0);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(out, "\nExit status: 0 success, 1 failure, 2 usage error.\n"
		     "`%s VERB --help` shows one verb's options.\n", argv0);
}

bool rb_common_opt(struct rb_ctx *ctx, int c, const char *arg)
{
	switch (c) {
	case RB_OPT_STATE_DIR:
		ctx->state_dir = arg;
		return true;
	case RB_OPT_CONFIG:
		ctx->config = arg;
		ctx->config_given = true;
		return true;
	case RB_OPT_JSON:
		ctx->json = true;
		return true;
	case RB_OPT_VERBOSE:
		ctx->verbose++;
		rb_log_set_verbose(ctx->verbose);
		return true;
	}
	return false;
}

static const struct rb_verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

int cmd_help(struct rb_ctx *ctx, int argc, char **argv)
{
	if (argc > 1) {
		const struct rb_verb *v = find_verb(argv[1]);
		char *sub[] = { argv[1], (char *)"--help", NULL };

		if (!v) {
			rb_err("help: unknown verb '%s'", argv[1]);
			return RB_EXIT_USAGE;
		}
		if (v->fn == cmd_help)
			return usage(stdout, ctx->argv0), RB_EXIT_OK;
		optind = 0;
		return v->fn(ctx, 2, sub);
	}
	usage(stdout, ctx->argv0);
	return RB_EXIT_OK;
}

int cmd_version(struct rb_ctx *ctx, int argc, char **argv)
{
	if (ctx->json)
		printf("{\"version\": \"%s\"}\n", RINGBOOT_VERSION);
	else
		printf("ringboot %s\n", RINGBOOT_VERSION);
	return RB_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		RB_COMMON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rb_ctx ctx = {
		.state_dir = RB_DEFAULT_STATE_DIR,
		.config = RB_DEFAULT_CONFIG,
		.argv0 = "ringboot",
	};
	const struct rb_verb *verb;
	int c;

	/* "+" stops at the first non-option: the verb and its own options. */
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		if (rb_common_opt(&ctx, c, optarg))
			continue;
		switch (c) {
		case 'v':
			rb_common_opt(&ctx, RB_OPT_VERBOSE, NULL);
			break;
		case 'h':
			usage(stdout, ctx.argv0);
			return RB_EXIT_OK;
		default:
			usage(stderr, ctx.argv0);
			return RB_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr, ctx.argv0);
		return RB_EXIT_USAGE;
	}
	verb = find_verb(argv[optind]);
	if (!verb) {
		rb_err("unknown verb '%s' (try `ringboot help`)", argv[optind]);
		return RB_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	optind = 0;	/* let the verb run getopt_long from argv[1] afresh */
	return verb->fn(&ctx, argc, argv);
}
