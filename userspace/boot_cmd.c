// SPDX-License-Identifier: GPL-2.0-or-later
/* The `boot` verb: options, then rb_boot_run(), then the report. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "dhcp_run.h"
#include "log.h"
#include "numparse.h"
#include "ringboot.h"
#include "verbs_decl.h"

static const char usage_text[] =
	"Usage: ringboot boot [--config FILE] [--state-dir DIR] [--iface IF] [--json] [options]\n"
	"Run the handset's initialization: DHCP, upgrade script, image, settings.\n\n"
	"  --iface IF            interface for DHCP (default: INTERFACE in the configuration)\n"
	"  --sson STRING         no DHCP: take STRING as the site-specific option 242\n"
	"  --no-dhcp             no DHCP: parameters from the configuration and --var\n"
	"  --no-configure        DHCP leaves the interface's addresses and routes alone\n"
	"  --arp-wait MS         ARP check of the offered address (default 100, 0: off)\n"
	"  --lldp 0|1|2          LLDP-MED voice policy: 0 off, 1 on, 2 auto (default:\n"
	"                        LLDP_ENABLED, else 2)\n"
	"  --lldp-wait MS        listen for LLDP at most MS ms (default: LLDP_WAIT_MS)\n"
	"  --var NAME=VALUE      set a parameter with command-line precedence (repeatable)\n"
	"  --fastpath MODE       auto|on|off: kernel TFTP fast path (default: FASTPATH)\n"
	"  --retries N           attempts per server for a file (default: RETRY_MAX)\n"
	"  --retry-base-ms MS    first back-off, doubled per retry, jittered (default: RETRY_BASE_MS)\n"
	"  --deadline S          the whole boot ends within S seconds (default: BOOT_DEADLINE)\n"
	"  --file-deadline S     each download of a file within S seconds (default: FILE_DEADLINE)\n"
	"  --ca FILE             trust anchors for HTTPS (default: CA_FILE)\n"
	"  --tls-name NAME       the name the server certificate must carry (default: the URL\n"
	"                        host; not checked when the owner sets TLSSRVRID 0;\n"
	"                        --tls-server-id NAME, its earlier spelling, too)\n"
	"  --tls-prefer auto|chacha20|aes, --connect-timeout S, --first-byte-timeout S,\n"
	"  --idle-timeout S, --retry-after-max S, --http-retries N: as for `ringboot fetch`\n"
	"  --keys DIR, --slot-a DEV, --slot-b DEV, --hook PROG, --max-tries N, --model M,\n"
	"  --hw H, --read-back, --insecure-unsigned, --allow-downgrade: as for\n"
	"  `ringboot image install`\n\n"
	"Exit status: 0 ready (no restart needed), 1 failed (the phase, server and reason\n"
	"are printed; the active image is untouched), 2 usage, 3 a new image was committed\n"
	"and a restart into it is due.\n";

enum {
	OPT_IFACE = 0x3000,
	OPT_SSON,
	OPT_NO_DHCP,
	OPT_NO_CONFIGURE,
	OPT_VAR,
	OPT_FASTPATH,
	OPT_RETRIES,
	OPT_RETRY_BASE,
	OPT_ARP_WAIT,
	OPT_DEADLINE,
	OPT_FILE_DEADLINE,
	OPT_LLDP,
	OPT_LLDP_WAIT,
};

static int set_fastpath(struct rb_fetch_opts *f, const char *v)
{
	if (!strcmp(v, "auto"))
		f->fastpath = RB_FASTPATH_AUTO;
	else if (!strcmp(v, "on") || !strcmp(v, "kernel"))
		f->fastpath = RB_FASTPATH_ON;
	else if (!strcmp(v, "off") || !strcmp(v, "user"))
		f->fastpath = RB_FASTPATH_OFF;
	else
		return -EINVAL;
	return 0;
}

/* Returns 0, 1 (--help printed) or -1 (usage error printed). */
static int parse_args(struct rb_ctx *ctx, int argc, char **argv, struct rb_boot_opts *o,
		      bool *fastpath_given, bool *ca_given)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, OPT_IFACE },
		{ "sson", required_argument, NULL, OPT_SSON },
		{ "no-dhcp", no_argument, NULL, OPT_NO_DHCP },
		{ "no-configure", no_argument, NULL, OPT_NO_CONFIGURE },
		{ "var", required_argument, NULL, OPT_VAR },
		{ "fastpath", required_argument, NULL, OPT_FASTPATH },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "retry-base-ms", required_argument, NULL, OPT_RETRY_BASE },
		{ "arp-wait", required_argument, NULL, OPT_ARP_WAIT },
		{ "deadline", required_argument, NULL, OPT_DEADLINE },
		{ "file-deadline", required_argument, NULL, OPT_FILE_DEADLINE },
		{ "lldp", required_argument, NULL, OPT_LLDP },
		{ "lldp-wait", required_argument, NULL, OPT_LLDP_WAIT },
		{ "ca", required_argument, NULL, RB_HTTP_OPT_CA },
		{ "tls-name", required_argument, NULL, RB_HTTP_OPT_TLS_NAME },
		/* the earlier spelling of --tls-name: existing command lines keep working */
		{ "tls-server-id", required_argument, NULL, RB_HTTP_OPT_TLS_NAME },
		{ "tls-prefer", required_argument, NULL, RB_HTTP_OPT_TLS_PREFER },
		{ "connect-timeout", required_argument, NULL, RB_HTTP_OPT_CONNECT_TIMEOUT },
		{ "first-byte-timeout", required_argument, NULL, RB_HTTP_OPT_FIRST_BYTE_TIMEOUT },
		{ "idle-timeout", required_argument, NULL, RB_HTTP_OPT_IDLE_TIMEOUT },
		{ "retry-after-max", required_argument, NULL, RB_HTTP_OPT_RETRY_AFTER_MAX },
		{ "http-retries", required_argument, NULL, RB_HTTP_OPT_HTTP_RETRIES },
		RB_SLOT_LONGOPTS,
		RB_COMMON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		if (rb_common_opt(ctx, c, optarg))
			continue;
		r = rb_slot_opt(&o->slot, c, optarg);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (c >= RB_HTTP_OPT_CA && c <= RB_HTTP_OPT_HTTP_RETRIES) {
			if (rb_http_cli_opt(&o->fetch, c, optarg) != 1) {
				rb_err("boot: bad value '%s'", optarg);
				return -1;
			}
			if (c == RB_HTTP_OPT_CA)
				*ca_given = true;
			continue;
		}
		switch (c) {
		case OPT_IFACE: o->iface = optarg; break;
		case OPT_SSON: o->sson = optarg; break;
		case OPT_NO_DHCP: o->no_dhcp = true; break;
		case OPT_NO_CONFIGURE: o->configure = false; break;
		case OPT_VAR:
			if (o->nvars >= RB_BOOT_MAX_VARS || !strchr(optarg, '=') || optarg[0] == '=') {
				rb_err("boot: --var needs NAME=VALUE (at most %d)", RB_BOOT_MAX_VARS);
				return -1;
			}
			o->vars[o->nvars++] = optarg;
			break;
		case OPT_FASTPATH:
			if (set_fastpath(&o->fetch, optarg)) {
				rb_err("boot: --fastpath must be auto, on or off, not '%s'", optarg);
				return -1;
			}
			*fastpath_given = true;
			break;
		case OPT_RETRIES:
			if (rb_parse_long(optarg, 1, 1000, &o->retry_max)) {
				rb_err("boot: --retries must be 1..1000, not '%s'", optarg);
				return -1;
			}
			break;
		case OPT_RETRY_BASE:
			if (rb_parse_long(optarg, 1, 600000, &o->retry_base_ms)) {
				rb_err("boot: --retry-base-ms must be 1..600000, not '%s'", optarg);
				return -1;
			}
			break;
		case OPT_DEADLINE:
		case OPT_FILE_DEADLINE: {
			double *d = c == OPT_DEADLINE ? &o->deadline : &o->file_deadline;

			if (rb_parse_seconds(optarg, 86400, d) || *d <= 0) {
				rb_err("boot: --%s must be 0 < S <= 86400 seconds, not '%s'",
				       c == OPT_DEADLINE ? "deadline" : "file-deadline", optarg);
				return -1;
			}
			break;
		}
		case OPT_ARP_WAIT: {
			long ms;

			if (rb_parse_long(optarg, 0, 10000, &ms)) {
				rb_err("boot: --arp-wait must be 0..10000 ms, not '%s'", optarg);
				return -1;
			}
			o->arp_ms = (unsigned int)ms;
			break;
		}
		case OPT_LLDP: {
			long mode;

			if (rb_parse_long(optarg, RB_LLDP_OFF, RB_LLDP_AUTO, &mode)) {
				rb_err("boot: --lldp must be 0, 1 or 2, not '%s'", optarg);
				return -1;
			}
			o->lldp_mode = (int)mode;
			break;
		}
		case OPT_LLDP_WAIT:
			if (rb_parse_long(optarg, 0, RB_LLDP_WAIT_MS_MAX, &o->lldp_wait_ms)) {
				rb_err("boot: --lldp-wait must be 0..%d ms, not '%s'",
				       RB_LLDP_WAIT_MS_MAX, optarg);
				return -1;
			}
			break;
		case 'v':
			rb_common_opt(ctx, RB_OPT_VERBOSE, NULL);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 1;
		default:
			fputs(usage_text, stderr);
			return -1;
		}
	}
	if (optind != argc) {
		rb_err("boot: unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (o->sson && o->no_dhcp) {
		rb_err("boot: --sson and --no-dhcp exclude each other");
		return -1;
	}
	return 0;
}

/* Settings of the configuration that the command line did not override. */
static void config_defaults(struct rb_boot *b, bool fastpath_given, bool ca_given)
{
	struct rb_boot_opts *o = b->o;
	const char *v;

	if (!fastpath_given && (v = rb_config_get(b->conf, "FASTPATH")))
		set_fastpath(&o->fetch, v);
	if (!ca_given)
		o->fetch.ca_file = rb_config_get(b->conf, "CA_FILE");
	if (o->retry_max <= 0)
		o->retry_max = rb_config_int(b->conf, "RETRY_MAX");
	if (o->retry_max <= 0)
		o->retry_max = 1;
	if (o->retry_base_ms <= 0)
		o->retry_base_ms = rb_config_int(b->conf, "RETRY_BASE_MS");
	o->retry_max_ms = rb_config_int(b->conf, "RETRY_MAX_MS");
	if (o->lldp_wait_ms < 0)
		o->lldp_wait_ms = rb_config_int(b->conf, "LLDP_WAIT_MS");
	if (o->retry_max_ms < o->retry_base_ms)
		o->retry_max_ms = o->retry_base_ms;
	if (o->deadline <= 0)
		o->deadline = (double)rb_config_int(b->conf, "BOOT_DEADLINE");
	if (o->file_deadline <= 0)
		o->file_deadline = (double)rb_config_int(b->conf, "FILE_DEADLINE");
}

static void print_report(const struct rb_boot *b, int ret)
{
	static const struct rb_slots_rec none = { .active = -1 };
	const struct rb_slots_rec *rec = b->slots_loaded ? &b->slots.rec : &none;
	const char *outcome = ret == RB_EXIT_OK ? "ready" :
			      ret == RB_BOOT_EXIT_RESTART ? "restart" : "failed";
	char origin[700] = "";

	if (b->have_origin)
		rb_boot_server_describe(&b->origin, origin, sizeof(origin));
	if (b->ctx->json) {
		struct rb_json j;

		rb_json_init(&j, stdout, false);
		rb_json_obj_begin(&j);
		rb_json_key(&j, "result");
		rb_json_str(&j, outcome);
		rb_json_key(&j, "exit");
		rb_json_int(&j, ret);
		rb_json_key(&j, "phase");
		rb_json_str(&j, b->failed ? b->fail_phase : NULL);
		rb_json_key(&j, "reason");
		rb_json_str(&j, b->why[0] && b->failed ? b->why : NULL);
		rb_json_key(&j, "script");
		rb_json_str(&j, b->script_name[0] ? b->script_name : NULL);
		rb_json_key(&j, "server");
		rb_json_str(&j, b->have_origin ? origin : NULL);
		rb_json_key(&j, "fallbacks");
		rb_json_uint(&j, b->fallbacks);
		rb_json_key(&j, "retries");
		rb_json_uint(&j, b->retries);
		rb_json_key(&j, "fallback_reason");
		rb_json_str(&j, b->fallbacks ? b->fallback_why : NULL);
		rb_json_key(&j, "appname");
		rb_json_str(&j, b->appname[0] ? b->appname : NULL);
		rb_json_key(&j, "active");
		rb_json_str(&j, rec->active >= 0 ? rec->slot[rec->active].name : NULL);
		rb_json_key(&j, "active_slot");
		if (rec->active >= 0) {
			char letter[2] = { rb_slot_letter(rec->active), 0 };

			rb_json_str(&j, letter);
		} else {
			rb_json_null(&j);
		}
		rb_json_key(&j, "insecure_image");
		rb_json_bool(&j, rec->active >= 0 && rec->slot[rec->active].insecure);
		rb_json_key(&j, "files");
		rb_json_arr_begin(&j);
		for (unsigned int i = 0; i < b->script.nfiles; i++)
			rb_json_str(&j, b->script.files[i]);
		rb_json_arr_end(&j);
		rb_json_key(&j, "warnings");
		rb_json_uint(&j, b->script.nwarnings + b->script.warnings_dropped);
		rb_json_key(&j, "timeline");
		rb_report_json(&b->rep, &j);
		rb_json_obj_end(&j);
		rb_json_end(&j);
		return;
	}
	rb_report_print(&b->rep, stdout);
	printf("\n");
	if (b->have_origin)
		printf("server: %s%s%s\n", origin, b->fallbacks ? " (fell back after: " : "",
		       b->fallbacks ? b->fallback_why : "");
	if (b->fallbacks)
		printf(")\n");
	if (rec->active >= 0)
		printf("active image: %s %s in slot %c%s%s\n", rec->slot[rec->active].name,
		       rec->slot[rec->active].version, rb_slot_letter(rec->active),
		       rec->pending ? " (awaiting mark-good)" : "",
		       rec->slot[rec->active].insecure ? " (INSECURE: unsigned)" : "");
	if (ret == RB_EXIT_FAIL)
		printf("boot failed in phase %s: %s\n", b->fail_phase ? b->fail_phase : "?", b->why);
	else if (ret == RB_BOOT_EXIT_RESTART && b->failed)
		/* A restart is due all the same: it outranks the failure. */
		printf("phase %s failed: %s\na restart into %s is due all the same\n",
		       b->fail_phase ? b->fail_phase : "?", b->why,
		       rec->active >= 0 ? rec->slot[rec->active].name : b->appname);
	else if (ret == RB_BOOT_EXIT_RESTART)
		printf("a restart into %s is due\n",
		       rec->active >= 0 ? rec->slot[rec->active].name : b->appname);
	else
		printf("ready in %.3f s\n", b->rep.n ? (double)b->rep.ph[b->rep.n - 1].end_ns / 1e9 : 0);
	fflush(stdout);
}

int cmd_boot(struct rb_ctx *ctx, int argc, char **argv)
{
	struct rb_boot_opts o = { .configure = true, .retry_max = -1,
				  .arp_ms = RB_DHCP_ARP_MS_DEFAULT,
				  .lldp_mode = -1, .lldp_wait_ms = -1 };
	struct rb_boot b = { .ctx = ctx, .o = &o };
	bool fastpath_given = false, ca_given = false;
	int ret, r;

	rb_slot_opts_init(&o.slot, ctx);
	r = parse_args(ctx, argc, argv, &o, &fastpath_given, &ca_given);
	if (r) {
		rb_slot_opts_free(&o.slot);
		return r > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
	}
	if (rb_slot_opts_finish(&o.slot, ctx)) {
		rb_slot_opts_free(&o.slot);
		return RB_EXIT_FAIL;
	}
	b.conf = o.slot.conf;
	o.progress = !ctx->json && isatty(STDERR_FILENO);
	config_defaults(&b, fastpath_given, ca_given);
	ret = rb_boot_run(&b);
	if (b.failed && !ctx->json)
		rb_err("boot: %s: %s%s", b.fail_phase ? b.fail_phase : "?", b.why,
		       ret == RB_BOOT_EXIT_RESTART ? " (a restart into the new image is due all "
						     "the same: exit 3)" : "");
	print_report(&b, ret);
	rb_script_free(&b.script);
	rb_params_free(b.params);
	free(b.keys);
	rb_slot_opts_free(&o.slot);
	return ret;
}
