// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Step 1 of the boot: the parameters. The stored parameters of the last boot,
 * the configuration, the lease (DHCP with option 242/176/43, and the voice
 * VLAN) or an option 242 string given on the command line, then --var.
 * Precedence is the store's (params.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "boot.h"
#include "dhcp_run.h"
#include "log.h"
#include "ringboot.h"
#include "sson.h"

/* The MAC of iface as 12 lower-case hex digits, from rtnetlink; or -errno. */
static int iface_mac(const char *iface, char out[13])
{
	struct rb_netcfg nc;
	uint8_t mac[6];
	int err;

	if (!iface)
		return -EINVAL;
	err = rb_netcfg_open(&nc);
	if (err)
		return err;
	err = rb_netcfg_link(&nc, iface, NULL, mac, NULL);
	rb_netcfg_close(&nc);
	if (!err)
		rb_hex(mac, sizeof(mac), out);
	return err;
}

static const char *boot_iface(const struct rb_boot *b)
{
	return b->o->iface ? b->o->iface : rb_config_get(b->conf, "INTERFACE");
}

/* A DHCP wait that timed out at the boot's deadline says so in b->why. */
static void note_deadline(struct rb_boot *b, int err)
{
	size_t n = strlen(b->why);

	if (err == -ETIMEDOUT && rb_now_ns() >= b->deadline_ns)
		snprintf(b->why + n, sizeof(b->why) - n, " (boot deadline of %g s passed)",
			 b->o->deadline);
}

/*
 * LLDP listening as a phase inside dhcp, from its start to its end, when it
 * did anything: not when it was off, nor when nothing was heard before the
 * lease (a network without LLDP: no row, no time).
 */
static void lldp_event(void *arg, const struct rb_lldp_listen *ls)
{
	struct rb_boot *b = arg;
	char d[256];

	if (rb_lldp_listen_open(ls) || ls->end == RB_LLDP_END_OFF || ls->end == RB_LLDP_END_QUIET)
		return;
	rb_lldp_listen_describe(ls, d, sizeof(d));
	rb_report_add(&b->rep, "lldp", ls->start_ns, ls->end_ns, 0, 0, "%s", d);
}

/* DHCP on the handset's interface with LLDP alongside, then the voice VLAN hop. */
static int boot_dhcp(struct rb_boot *b)
{
	const char *iface = boot_iface(b);
	struct rb_dhcp_run r;
	struct rb_dhcp_link *links, *active = NULL;
	int ph = rb_report_begin(&b->rep, "dhcp"), err;
	char vlan[96] = "";

	rb_dhcp_run_init(&r, b->ctx->state_dir);
	r.env_group = b->env_group;
	r.configure = b->o->configure;
	r.arp_ms = b->o->arp_ms;
	r.deadline_ns = b->deadline_ns;
	r.params = b->params;
	r.lldp_mode = b->o->lldp_mode;
	r.lldp_wait_ms = (uint32_t)b->o->lldp_wait_ms;
	r.lldp_event = lldp_event;
	r.lldp_arg = b;
	links = calloc(2, sizeof(*links));
	if (!links) {
		err = -ENOMEM;
		goto out;
	}
	err = rb_netcfg_open(&r.nc);
	if (err) {
		snprintf(b->why, sizeof(b->why), "rtnetlink: %s", strerror(-err));
		goto out;
	}
	err = rb_dhcp_link_open(&r, &links[0], iface);
	if (err) {
		snprintf(b->why, sizeof(b->why), "interface %s: %s", iface, strerror(-err));
		goto out_nc;
	}
	err = rb_dhcp_acquire(&r, &links[0], 0);
	if (err < 0) {	/* 1: LLDP's voice VLAN came before a lease (dhcp_run.h) */
		snprintf(b->why, sizeof(b->why), "no lease on %s: %s", iface, strerror(-err));
		note_deadline(b, err);
		goto out_links;
	}
	err = rb_dhcp_vlan(&r, &links[0], &links[1], &active);
	if (err) {
		snprintf(b->why, sizeof(b->why), "voice VLAN on %s: %s", iface, strerror(-err));
		note_deadline(b, err);
	} else if (r.vlan_tried) {
		snprintf(vlan, sizeof(vlan), " %s voice VLAN %u (L2QVLAN from %s%s)%s",
			 active && active->vlan ? "on the" : "untagged:", r.vlan_tried,
			 rb_origin_name(r.vlan_origin), r.lldp_first ? ", before a lease" : "",
			 active && active->vlan ? "" : " fell back");
	}
out_links:
	rb_report_end(&b->rep, ph, err, 0, "%s%s%s%s", err ? b->why : "",
		      !err ? "address " : "", !err ? rb_params_get(b->params, "IPADD") ?: "?" : "",
		      vlan);
	ph = -1;
	/* The lease stays with the interface; `ringboot dhcp --daemon` keeps it. */
	rb_dhcp_link_close(&r, &links[1]);
	rb_dhcp_link_close(&r, &links[0]);
out_nc:
	rb_netcfg_close(&r.nc);
out:
	if (ph >= 0)
		rb_report_end(&b->rep, ph, err, 0, "%s", b->why);
	free(links);
	if (err)
		b->fail_phase = "dhcp";
	return err;
}

/* --sson STRING: the handset's own network manager did DHCP. */
static int boot_sson(struct rb_boot *b)
{
	struct rb_sson s = { 0 };
	int ph = rb_report_begin(&b->rep, "dhcp");
	int err = rb_sson_parse(b->o->sson, strlen(b->o->sson), &s);

	if (!err) {
		rb_params_clear_kind(b->params, RB_ORIGIN_OPT242);
		err = rb_sson_apply(&s, b->params, RB_ORIGIN_OPT242);
		if (err > 0)
			err = 0;	/* the number of pairs stored */
	}
	rb_report_end(&b->rep, ph, err, 0, "no exchange: option 242 from --sson (%zu pairs%s)",
		      s.count, s.invalid ? ", some invalid" : "");
	rb_sson_free(&s);
	if (err) {
		snprintf(b->why, sizeof(b->why), "--sson: %s", strerror(-err));
		b->fail_phase = "dhcp";
	}
	return err;
}

static int apply_vars(struct rb_boot *b)
{
	for (unsigned int i = 0; i < b->o->nvars; i++) {
		const char *eq = strchr(b->o->vars[i], '=');
		struct rb_origin origin = { .kind = RB_ORIGIN_CMDLINE };
		int err;

		err = rb_params_set(b->params, b->o->vars[i], (size_t)(eq - b->o->vars[i]), eq + 1,
				    strlen(eq + 1), &origin);
		if (err < 0) {
			snprintf(b->why, sizeof(b->why), "--var %s: %s", b->o->vars[i],
				 strerror(-err));
			return err;
		}
	}
	return 0;
}

int rb_boot_params(struct rb_boot *b)
{
	const char *name, *model4;
	char path[4096], mac[13];
	int ph = rb_report_begin(&b->rep, "config"), err, gerr;

	b->env_group = RB_ENV_NO_GROUP;
	b->params = rb_params_new();
	if (!b->params)
		return -ENOMEM;
	err = rb_mkdir_p(b->ctx->state_dir, 0755);
	if (err) {
		snprintf(b->why, sizeof(b->why), "state directory %s: %s", b->ctx->state_dir,
			 strerror(-err));
		goto fail;
	}
	/* What the last boot applied (settings files) stays until replaced. */
	snprintf(path, sizeof(path), "%s/params", b->ctx->state_dir);
	err = rb_params_load(b->params, path);
	if (err && err != -ENOENT)
		rb_warn("boot: ignoring %s: %s", path, strerror(-err));
	/* The owner's layers are this run's: the configuration, the command
	 * line and the defaults (the interface's MAC) are read again. */
	rb_params_clear_kind(b->params, RB_ORIGIN_DEFAULT);
	rb_params_clear_kind(b->params, RB_ORIGIN_CONFIG);
	rb_params_clear_kind(b->params, RB_ORIGIN_CMDLINE);
	/* What the last boot's switch said is not this boot's (DHCP listens again). */
	rb_params_clear_kind(b->params, RB_ORIGIN_LLDP);
	err = rb_config_apply(b->conf, b->params);
	/* A MACADDR from the network is no MAC of ours: only the owner's counts. */
	if (!err && !rb_params_get_trusted(b->params, "MACADDR") && !iface_mac(boot_iface(b), mac) &&
	    rb_params_set_str(b->params, "MACADDR", mac, RB_ORIGIN_DEFAULT) < 0)
		err = -ENOMEM;
	/*
	 * TLSSRVRID (Avaya: "1 Identity matching is performed (default)"): the
	 * guide's default is the owner's, so that no DHCP option can lower it
	 * (param_rules.c) and only the configuration or --var turn it off.
	 */
	if (!err && rb_params_set_str(b->params, "TLSSRVRID", "1", RB_ORIGIN_DEFAULT) < 0)
		err = -ENOMEM;
	if (!err)
		err = apply_vars(b);
	if (err) {
		if (!b->why[0])
			snprintf(b->why, sizeof(b->why), "configuration: %s", strerror(-err));
		goto fail;
	}
	gerr = rb_config_env_group(b->conf, &b->env_group);
	if (gerr)
		rb_warn("boot: ENV_GROUP '%s': %s; params.env is root's only",
			rb_config_get(b->conf, "ENV_GROUP"), strerror(-gerr));
	rb_report_end(&b->rep, ph, 0, 0, "%s%s", b->conf->path ? b->conf->path : "defaults",
		      b->conf->run.nwarnings ? " (with warnings)" : "");

	if (b->o->sson)
		err = boot_sson(b);
	else if (b->o->no_dhcp)
		rb_report_skip(&b->rep, "dhcp", "--no-dhcp: parameters from the configuration");
	else
		err = boot_dhcp(b);
	if (err)
		return err;

	/* The model is the handset's own, never what DHCP says it is. */
	model4 = rb_params_get_trusted(b->params, "MODEL4");
	name = rb_config_upgrade_script(b->conf, model4, rb_params_get(b->params, "SIG"));
	if (!name) {
		snprintf(b->why, sizeof(b->why),
			 "no upgrade script for MODEL4 '%s': set MODEL4 or UPGRADE_SCRIPT in the "
			 "configuration", model4 ?: "");
		b->fail_phase = "config";
		return -ENOENT;
	}
	snprintf(b->script_name, sizeof(b->script_name), "%s", name);
	return 0;
fail:
	rb_report_end(&b->rep, ph, err, 0, "%s", b->why);
	b->fail_phase = "config";
	return err;
}
