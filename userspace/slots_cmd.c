// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verbs over the A/B slots: `status`, `mark-good`, `count-boot`, and the
 * options they share with `image install` (docs/cli.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "log.h"
#include "ringboot.h"
#include "slots.h"
#include "verbs_decl.h"

void rb_slot_opts_init(struct rb_slot_opts *o, const struct rb_ctx *ctx)
{
	memset(o, 0, sizeof(*o));
	o->cfg.state_dir = ctx->state_dir;
	o->keys_dir = RB_DEFAULT_KEYS_DIR;
}

int rb_slot_opts_finish(struct rb_slot_opts *o, const struct rb_ctx *ctx)
{
	static const char *const ids[] = { "MODEL", "MODEL4", "MODEL6" };
	struct rb_config *c;
	const char *v;
	int err;

	o->cfg.state_dir = ctx->state_dir;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	o->conf = c;
	err = rb_config_load(c, ctx->config);
	if (err == -ENOENT && !ctx->config_given) {
		rb_config_free(c);
		err = rb_config_init(c);
	}
	if (err) {
		rb_err("configuration '%s': %s", ctx->config, strerror(-err));
		return err;
	}
	if (!o->keys_given && (v = rb_config_get(c, "IMAGE_KEYS_DIR")))
		o->keys_dir = v;
	if (!o->cfg.dev[0])
		o->cfg.dev[0] = rb_config_get(c, "SLOT_A");
	if (!o->cfg.dev[1])
		o->cfg.dev[1] = rb_config_get(c, "SLOT_B");
	if (!o->cfg.hook)
		o->cfg.hook = rb_config_get(c, "COMMIT_HOOK");
	o->cfg.hook_timeout = (double)rb_config_int(c, "HOOK_TIMEOUT");
	if (!o->cfg.max_tries)
		o->cfg.max_tries = (unsigned)rb_config_int(c, "BOOT_TRIES");
	if (!o->readback_given)
		o->readback = rb_config_int(c, "IMAGE_READBACK") == 1;
	if (!o->nmodels) {
		for (size_t i = 0; i < 3; i++) {
			v = rb_config_get(c, ids[i]);
			if (v && *v)
				o->models[o->nmodels++] = v;
		}
	}
	if (!o->hw && (v = rb_config_get(c, "HWVERS")) && *v)
		o->hw = v;
	return 0;
}

void rb_slot_opts_free(struct rb_slot_opts *o)
{
	if (o->conf) {
		rb_config_free(o->conf);
		free(o->conf);
	}
	o->conf = NULL;
}

int rb_slot_opt(struct rb_slot_opts *o, int c, const char *arg)
{
	char *end;
	unsigned long n;

	switch (c) {
	case RB_OPT_SLOT_A:
	case RB_OPT_SLOT_B:
		o->cfg.dev[c - RB_OPT_SLOT_A] = arg;
		return 1;
	case RB_OPT_HOOK:
		o->cfg.hook = arg;
		return 1;
	case RB_OPT_MAX_TRIES:
		n = strtoul(arg, &end, 10);
		if (*end || !*arg || n < 1 || n > 1000) {
			rb_err("--max-tries '%s': expected 1..1000", arg);
			return -1;
		}
		o->cfg.max_tries = (unsigned)n;
		return 1;
	case RB_OPT_KEYS:
		o->keys_dir = arg;
		o->keys_given = true;
		return 1;
	case RB_OPT_MODEL:
		if (o->nmodels >= RB_SLOT_MODELS_MAX) {
			rb_err("at most %d --model options", RB_SLOT_MODELS_MAX);
			return -1;
		}
		o->models[o->nmodels++] = arg;
		return 1;
	case RB_OPT_HW:
		o->hw = arg;
		return 1;
	case RB_OPT_NAME:
		o->name = arg;
		return 1;
	case RB_OPT_READBACK:
		o->readback = true;
		o->readback_given = true;
		return 1;
	case RB_OPT_INSECURE:
		o->insecure = true;
		return 1;
	case RB_OPT_ALLOW_DOWNGRADE:
		o->allow_downgrade = true;
		return 1;
	}
	return 0;
}

/*
 * The common getopt loop of the three verbs: -h, the slot options and the
 * global ones. Returns -1 to continue, or an exit code.
 */
static int parse(struct rb_ctx *ctx, int argc, char **argv, const char *usage,
		 struct rb_slot_opts *o, const struct option *extra, int *extra_c,
		 const char **extra_arg)
{
	struct option opts[32] = {
		RB_COMMON_LONGOPTS, RB_SLOT_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
	};
	size_t n = 0;
	int c;

	while (opts[n].name)
		n++;
	for (size_t i = 0; extra && extra[i].name && n < 31; i++)
		opts[n++] = extra[i];
	rb_slot_opts_init(o, ctx);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int r;

		if (rb_common_opt(ctx, c, optarg))
			continue;
		r = rb_slot_opt(o, c, optarg);
		if (r < 0)
			return RB_EXIT_USAGE;
		if (r)
			continue;
		if (c == 'h') {
			printf("%s", usage);
			return RB_EXIT_OK;
		}
		if (extra_c && c >= 0x1200) {
			/* The verb's own options, applied by the caller. */
			extra_c[c - 0x1200] = 1;
			extra_arg[c - 0x1200] = optarg;
			continue;
		}
		fprintf(stderr, "%s", usage);
		return RB_EXIT_USAGE;
	}
	if (optind != argc) {
		rb_err("%s: unexpected argument '%s'", argv[0], argv[optind]);
		return RB_EXIT_USAGE;
	}
	return rb_slot_opts_finish(o, ctx) ? RB_EXIT_FAIL : -1;
}

static const char status_usage[] =
	"Usage: ringboot status [--verify] [--have APPNAME] [--json] [slot options]\n"
	"  Show both slots and the active image, from the state record.\n"
	"  --verify       also re-read every good slot and check its recorded SHA-256\n"
	"  --have NAME    exit 0 only when NAME is the active image (no slot is read)\n"
	"  --slot-a DEV --slot-b DEV  slot devices (default: files in the state directory)\n"
	"  Shows a hook event still owed to the boot loader; runs no hook.\n";

static void print_slot_text(const struct rb_slots *s, int i, int verified)
{
	const struct rb_slot_info *si = &s->rec.slot[i];
	char hex[2 * RB_IMG_DIGEST_LEN + 1];

	printf("slot %c: %-7s %s\n", rb_slot_letter(i), rb_slot_state_name(si->state), s->dev[i]);
	if (!si->name[0])
		return;
	rb_hex(si->digest, sizeof(si->digest), hex);
	printf("  image   %s\n  version %s\n  size    %llu\n  sha256  %s\n", si->name,
	       si->version, (unsigned long long)si->size, hex);
	if (si->insecure)
		printf("  INSECURE: unsigned image accepted with --insecure-unsigned\n");
	if (verified >= 0)
		printf("  verify  %s\n", verified ? "ok (slot matches its digest)" : "FAILED");
}

static void print_slot_json(struct rb_json *j, const struct rb_slots *s, int i, int verified)
{
	const struct rb_slot_info *si = &s->rec.slot[i];
	char hex[2 * RB_IMG_DIGEST_LEN + 1], letter[2] = { rb_slot_letter(i), 0 };

	rb_json_obj_begin(j);
	rb_json_key(j, "slot");
	rb_json_str(j, letter);
	rb_json_key(j, "state");
	rb_json_str(j, rb_slot_state_name(si->state));
	rb_json_key(j, "device");
	rb_json_str(j, s->dev[i]);
	if (si->name[0]) {
		rb_hex(si->digest, sizeof(si->digest), hex);
		rb_json_key(j, "name");
		rb_json_str(j, si->name);
		rb_json_key(j, "version");
		rb_json_str(j, si->version);
		rb_json_key(j, "size");
		rb_json_uint(j, si->size);
		rb_json_key(j, "sha256");
		rb_json_str(j, hex);
		rb_json_key(j, "insecure");
		rb_json_bool(j, si->insecure);
	}
	if (verified >= 0) {
		rb_json_key(j, "verified");
		rb_json_bool(j, verified);
	}
	rb_json_obj_end(j);
}

static int status(struct rb_ctx *ctx, struct rb_slot_opts *o, const int *given,
		  const char **args);

int cmd_status(struct rb_ctx *ctx, int argc, char **argv)
{
	static const struct option extra[] = {
		{ "verify", no_argument, NULL, 0x1200 },
		{ "have", required_argument, NULL, 0x1201 },
		{ NULL, 0, NULL, 0 },
	};
	int given[2] = { 0, 0 };
	const char *args[2] = { NULL, NULL };
	struct rb_slot_opts o;
	int ret;

	ret = parse(ctx, argc, argv, status_usage, &o, extra, given, args);
	if (ret < 0)
		ret = status(ctx, &o, given, args);
	rb_slot_opts_free(&o);
	return ret;
}

static int status(struct rb_ctx *ctx, struct rb_slot_opts *o, const int *given, const char **args)
{
	struct rb_slots s;
	int ret, verified[2] = { -1, -1 };
	bool have = false, busy = false;

	if (rb_slots_init(&s, &o->cfg)) {
		rb_err("%s", s.why);
		return RB_EXIT_FAIL;
	}
	/* --verify reads slots: not while an update writes one (then only the active). */
	if (given[0] && rb_slots_lock_shared(&s) == -EBUSY) {
		busy = true;
		rb_warn("an update is running: verifying the active slot only");
	}
	if (rb_slots_load(&s)) {
		rb_err("%s", s.why);
		rb_slots_unlock(&s);
		return RB_EXIT_FAIL;
	}
	ret = RB_EXIT_OK;
	/* --verify: every slot the record calls good must match its digest. */
	for (int i = 0; given[0] && i < 2; i++) {
		const struct rb_slot_info *si = &s.rec.slot[i];
		uint8_t d[RB_IMG_DIGEST_LEN];

		if (si->state != RB_SLOT_GOOD || (busy && i != s.rec.active))
			continue;
		s.why[0] = '\0';
		verified[i] = !rb_slots_hash(&s, i, si->size, d) && !memcmp(d, si->digest, sizeof(d));
		if (!verified[i]) {
			rb_err("slot %c does not match its recorded digest%s%s", rb_slot_letter(i),
			       s.why[0] ? ": " : "", s.why);
			ret = RB_EXIT_FAIL;
		}
	}
	if (given[1]) {
		/* A script's APPNAME may carry a directory: the image is the file name. */
		have = rb_slots_active_is(&s, rb_img_name_for(args[1]), NULL);
		if (!have)
			ret = RB_EXIT_FAIL;
	}
	if (ctx->json) {
		struct rb_json j;

		rb_json_init(&j, stdout, false);
		rb_json_obj_begin(&j);
		rb_json_key(&j, "state_dir");
		rb_json_str(&j, s.dir);
		rb_json_key(&j, "generation");
		rb_json_uint(&j, s.rec.generation);
		rb_json_key(&j, "active");
		if (s.rec.active < 0) {
			rb_json_null(&j);
		} else {
			char letter[2] = { rb_slot_letter(s.rec.active), 0 };

			rb_json_str(&j, letter);
		}
		rb_json_key(&j, "pending");
		rb_json_bool(&j, s.rec.pending);
		rb_json_key(&j, "tries");
		rb_json_uint(&j, s.rec.tries);
		rb_json_key(&j, "max_tries");
		rb_json_uint(&j, s.cfg.max_tries);
		rb_json_key(&j, "hook_owed");
		rb_json_str(&j, s.rec.hook ? rb_hook_event_name(s.rec.hook) : NULL);
		rb_json_key(&j, "restart_due");
		rb_json_bool(&j, rb_slots_restart_due(&s));
		rb_json_key(&j, "floor");
		rb_json_str(&j, s.rec.floor[0] ? s.rec.floor : NULL);
		if (given[1]) {
			rb_json_key(&j, "have");
			rb_json_bool(&j, have);
		}
		rb_json_key(&j, "slots");
		rb_json_arr_begin(&j);
		for (int i = 0; i < 2; i++)
			print_slot_json(&j, &s, i, verified[i]);
		rb_json_arr_end(&j);
		rb_json_obj_end(&j);
		rb_json_end(&j);
		rb_slots_unlock(&s);
		return ret;
	}
	if (s.rec.active < 0)
		printf("active: none (no image installed)\n");
	else if (s.rec.pending)
		printf("active: %c (new image, awaiting mark-good: %u of %u boots tried)\n",
		       rb_slot_letter(s.rec.active), s.rec.tries, s.cfg.max_tries);
	else
		printf("active: %c (confirmed)\n", rb_slot_letter(s.rec.active));
	if (s.rec.floor[0])
		printf("floor: %s (the version last confirmed: an older image is refused without "
		       "--allow-downgrade)\n", s.rec.floor);
	/* status only reports it: the verbs that act on the slots run it. */
	if (s.rec.hook)
		printf("hook owed: %s for slot %c (the hook has not completed; the next ringboot "
		       "run that acts on the slots runs it first)\n",
		       rb_hook_event_name(s.rec.hook), rb_slot_letter(s.rec.active));
	if (rb_slots_restart_due(&s))
		printf("restart due: slot %c's commit hook ran late, during this boot; the running "
		       "system is still the old image (this boot is not counted, mark-good waits "
		       "for the restart)\n", rb_slot_letter(s.rec.active));
	for (int i = 0; i < 2; i++)
		print_slot_text(&s, i, verified[i]);
	if (given[1])
		printf("have %s: %s\n", args[1], have ? "yes" : "no");
	rb_slots_unlock(&s);
	return ret;
}

static const char mark_good_usage[] =
	"Usage: ringboot mark-good [--hook PROG] [slot options]\n"
	"  Confirm the running (active) image: it will not be rolled back.\n"
	"  A hook event the slot record still owes runs first. Refused in the boot in\n"
	"  which the image's commit hook ran late (the old image is running).\n";

static int mark_good(struct rb_ctx *ctx, struct rb_slot_opts *o)
{
	struct rb_slots s;
	int ret = RB_EXIT_FAIL;

	if (rb_slots_init(&s, &o->cfg) || rb_slots_lock(&s, true) || rb_slots_load(&s) ||
	    rb_slots_mark_good(&s)) {
		rb_err("mark-good: %s", s.why);
		goto out;
	}
	rb_info("slot %c (%s) confirmed", rb_slot_letter(s.rec.active),
		s.rec.slot[s.rec.active].name);
	ret = RB_EXIT_OK;
out:
	rb_slots_unlock(&s);
	return ret;
}

int cmd_mark_good(struct rb_ctx *ctx, int argc, char **argv)
{
	struct rb_slot_opts o;
	int ret;

	ret = parse(ctx, argc, argv, mark_good_usage, &o, NULL, NULL, NULL);
	if (ret < 0)
		ret = mark_good(ctx, &o);
	rb_slot_opts_free(&o);
	return ret;
}

static const char count_boot_usage[] =
	"Usage: ringboot count-boot [--max-tries N] [--hook PROG] [slot options]\n"
	"  Run once per boot, early: counts a boot of an image that awaits mark-good\n"
	"  and, past N boots (default 3), rolls back to the other slot.\n"
	"  A hook event the slot record still owes runs first; a late commit hook\n"
	"  means this boot is the old image's, and it is not counted.\n";

static int count_boot(struct rb_ctx *ctx, struct rb_slot_opts *o)
{
	struct rb_slots s;
	bool rolled = false;

	if (rb_slots_init(&s, &o->cfg) || rb_slots_lock(&s, true) || rb_slots_load(&s) ||
	    rb_slots_count_boot(&s, &rolled)) {
		rb_err("count-boot: %s", s.why);
		rb_slots_unlock(&s);
		return RB_EXIT_FAIL;
	}
	if (rolled)
		rb_warn("new image not confirmed within %u boots: rolled back to slot %c (%s)",
			s.cfg.max_tries, rb_slot_letter(s.rec.active), s.rec.slot[s.rec.active].name);
	if (ctx->json) {
		struct rb_json j;
		char letter[2] = { rb_slot_letter(s.rec.active), 0 };

		rb_json_init(&j, stdout, false);
		rb_json_obj_begin(&j);
		rb_json_key(&j, "rolled_back");
		rb_json_bool(&j, rolled);
		rb_json_key(&j, "active");
		if (s.rec.active < 0)
			rb_json_null(&j);
		else
			rb_json_str(&j, letter);
		rb_json_key(&j, "pending");
		rb_json_bool(&j, s.rec.pending);
		rb_json_key(&j, "tries");
		rb_json_uint(&j, s.rec.tries);
		rb_json_key(&j, "restart_due");
		rb_json_bool(&j, rb_slots_restart_due(&s));
		rb_json_obj_end(&j);
		rb_json_end(&j);
	}
	rb_slots_unlock(&s);
	return RB_EXIT_OK;
}

int cmd_count_boot(struct rb_ctx *ctx, int argc, char **argv)
{
	struct rb_slot_opts o;
	int ret;

	ret = parse(ctx, argc, argv, count_boot_usage, &o, NULL, NULL, NULL);
	if (ret < 0)
		ret = count_boot(ctx, &o);
	rb_slot_opts_free(&o);
	return ret;
}
