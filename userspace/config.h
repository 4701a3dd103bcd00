/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The handset's own configuration (--config FILE, default
 * /etc/ringboot/ringboot.conf), written in the provisioning language: SET
 * lines (IF/GOTO/tags work too, GET is refused). Every key is documented in
 * docs/config.md; etc/ringboot.conf is an example.
 *
 * Two kinds of keys:
 * - agent keys (CA_FILE, SLOT_A, RETRY_MAX, FASTPATH, ...): settings of
 *   ringboot itself. They live only here: a downloaded settings file can
 *   never change them, because they never enter the parameter store.
 * - everything else (the identity MODEL, MODEL4, MACADDR..., and any
 *   provisioning parameter such as HTTPSRVR): copied into the parameter
 *   store with origin "config", the lowest rank above the defaults.
 */
#ifndef RINGBOOT_CONFIG_H
#define RINGBOOT_CONFIG_H

#include <stdbool.h>

#include "params.h"
#include "script.h"

struct rb_config {
	char *path;
	struct rb_params *values;	/* every SET of the file, origin config */
	struct rb_script run;		/* the interpretation: warnings with lines */
};

/*
 * Load path into cfg. Returns 0 (cfg->run.warnings may hold warnings, among
 * them invalid values of typed keys), -errno when the file cannot be read.
 * cfg is usable (with defaults only) after a failed load and must be freed.
 */
int rb_config_load(struct rb_config *cfg, const char *path);
/* A configuration holding only the defaults. */
int rb_config_init(struct rb_config *cfg);
void rb_config_free(struct rb_config *cfg);

/* True when name is an agent key (never a provisioning parameter). */
bool rb_config_is_agent_key(const char *name);

/* Value of an agent or identity key: the file's value, else its default, else NULL. */
const char *rb_config_get(const struct rb_config *cfg, const char *key);
/* Integer key: the value when it parses in [min, max], else the default. */
long rb_config_int(const struct rb_config *cfg, const char *key);

/*
 * Copy the identity and every non-agent key into p with origin config, after
 * normalising MACADDR (12 lower-case hex digits, separators removed).
 * Returns 0 or a negative errno.
 */
int rb_config_apply(const struct rb_config *cfg, struct rb_params *p);

/*
 * ENV_GROUP: the group (name or number) that may read params.env besides
 * root. *gid is RB_ENV_NO_GROUP when none is configured (and on an error).
 * Returns 0, -ENOENT for an unknown group, or -errno.
 */
int rb_config_env_group(const struct rb_config *cfg, gid_t *gid);

/*
 * Normalise a MAC address "AA:BB:CC:DD:EE:FF", "aa-bb-...", "aabbccddeeff"
 * into out (13 bytes). Returns 0 or -EINVAL.
 */
int rb_config_norm_mac(const char *in, char out[13]);

/*
 * The upgrade script for this identity (PROVISIONING.md "Which upgrade
 * script"): UPGRADE_SCRIPT when set, else by the MODEL4 family: 46xx, 16xx,
 * 96xx, 96x1 (SIG 1 H.323, else SIP), J1xx. NULL when the family is unknown.
 */
const char *rb_config_upgrade_script(const struct rb_config *cfg, const char *model4,
				     const char *sig);

/* Iterate the key table for docs/tests: name, default, summary; false past the end. */
bool rb_config_key_at(unsigned int i, const char **name, const char **def, const char **summary);

#endif
