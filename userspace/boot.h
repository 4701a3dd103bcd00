/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `ringboot boot`: the handset's initialization process (DESIGN.md steps 1-4,
 * after the Avaya 4600 LAN Administrator Guide, "Initialization Process"):
 *
 *  1. parameters: configuration, then DHCP (or --sson / --no-dhcp), voice VLAN;
 *  2. the upgrade script from the first server that delivers it (every
 *     TLSSRVR, every HTTPSRVR, every TFTPSRVR; AUTH=1: HTTPS only), with
 *     bounded, jittered retries per server;
 *  3. the script is interpreted; when it names an APPNAME that is not the
 *     active image, the image is streamed into the inactive slot through the
 *     image sink (checked while it streams) and committed, before the first
 *     GET of the script is served (the download order of PROVISIONING.md);
 *  4. the GET chain (settings file, per-MAC file) from the same server,
 *     protocol and directory; the SETs are applied, persisted and exported.
 * Each phase goes into the timeline (report.h).
 */
#ifndef RINGBOOT_BOOT_H
#define RINGBOOT_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_servers.h"
#include "config.h"
#include "fetch.h"
#include "http.h"
#include "image.h"
#include "params.h"
#include "report.h"
#include "script.h"
#include "slots.h"
#include "uring.h"

/* Exit codes of `ringboot boot` beyond 0/1/2 (docs/cli.md, ringboot(8)). */
enum rb_boot_exit {
	RB_BOOT_EXIT_RESTART = 3,	/* restart into the new image (also after a failure) */
};

#define RB_BOOT_MAX_VARS 32
#define RB_BOOT_MAX_MODELS 12
#define RB_BOOT_SCRIPT_MAX (8u << 20)	/* largest script or settings file accepted */

struct rb_boot_opts {
	const char *iface;		/* NULL: INTERFACE from the configuration */
	const char *sson;		/* option 242 string instead of DHCP */
	bool no_dhcp;			/* parameters come from configuration / --sson / --var */
	bool configure;			/* DHCP configures the interface (default) */
	unsigned int arp_ms;		/* ARP check of the offered address; 0: off */
	int lldp_mode;			/* --lldp (LLDP_ENABLED's values); -1: the parameter */
	long lldp_wait_ms;		/* --lldp-wait; -1: LLDP_WAIT_MS of the configuration */
	const char *vars[RB_BOOT_MAX_VARS];	/* --var NAME=VALUE (command-line origin) */
	unsigned int nvars;
	struct rb_slot_opts slot;	/* slots, keys, models, hook, --insecure-unsigned */
	struct rb_fetch_opts fetch;	/* CA file, TLS, timeouts, fast path */
	long retry_max;			/* attempts per server; <0: configuration */
	long retry_base_ms, retry_max_ms;
	double deadline;		/* the whole boot, seconds; 0: BOOT_DEADLINE */
	double file_deadline;		/* each download of a file, seconds; 0: FILE_DEADLINE */
	bool progress;			/* a progress line on a tty */
};

struct rb_boot {
	const struct rb_ctx *ctx;
	struct rb_boot_opts *o;
	struct rb_config *conf;
	struct rb_params *params;
	gid_t env_group;		/* may read params.env (ENV_GROUP), or RB_ENV_NO_GROUP */
	struct rb_report rep;
	struct rb_loop loop;
	bool loop_ready;
	struct rb_http_pool pool;
	struct rb_slots slots;		/* locked and read once, at the start */
	int slots_err;			/* why not (then the start phase fails) */
	bool slots_loaded;
	struct rb_keyring *keys;
	const char *models[RB_BOOT_MAX_MODELS];	/* what the image must fit */
	size_t nmodels;
	struct rb_script script;

	/* the server, protocol and directory that delivered the upgrade script */
	struct rb_boot_server origin;
	bool have_origin;
	char script_name[RB_SCRIPT_NAME_MAX + 1];
	unsigned int fallbacks;		/* servers tried before the one that delivered */
	char fallback_why[1024];		/* why the first choice did not deliver */

	bool get_failed;		/* a GET of the chain could not be served */
	bool image_done;		/* the image step ran (or was not needed) */
	bool restart_due;		/* a new image was committed, or its commit hook ran
					 * late in this boot: exit 3, even after a failure */
	int image_err;			/* the image was refused or failed */
	int hook_err;			/* a hook event owed from an earlier run failed again */
	char hook_why[512];		/* and why */
	char appname[RB_SCRIPT_NAME_MAX + 1];	/* APPNAME as the script set it */

	unsigned int tries;		/* attempts of the file fetched last */
	unsigned int retries;		/* attempts after a transient failure, all files */
	uint64_t deadline_ns;		/* rb_now_ns() by which the whole boot ends */
	const char *late_phase;		/* a settings phase the boot deadline cut, or NULL */
	char late_why[1024];		/* and what it was fetching */
	bool settings_changed;		/* params.env differs from the last boot's */
	int settings_hook_err;		/* SETTINGS_HOOK failed, was killed, or not run */
	char settings_hook_why[512];

	bool failed;			/* a phase failed (exit 1, or 3 when a restart is due) */
	const char *fail_phase;		/* the phase that failed, or NULL */
	char why[1024];			/* the one-line reason */
	char status_path[4096];
};

/* Run the whole boot. Returns an exit code (0, 1, RB_BOOT_EXIT_RESTART). */
int rb_boot_run(struct rb_boot *b);

/* Parameters phase: configuration, DHCP or --sson, --var (boot_params.c). */
int rb_boot_params(struct rb_boot *b);

#endif
