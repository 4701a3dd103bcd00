// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The handset's configuration file (config.h, docs/config.md): the same
 * interpreter as for settings files, with GET refused, then typed checks.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "config.h"
#include "numparse.h"

#define CONFIG_FILE_MAX (1u << 20)

enum key_type { K_STR, K_INT, K_BOOL, K_FASTPATH };

struct key {
	const char *name;
	bool agent;		/* ringboot's own setting, never a parameter */
	enum key_type type;
	long min, max;		/* K_INT */
	const char *def;	/* NULL: no default */
	const char *summary;
};

/* Keep in step with docs/config.md. */
static const struct key keys[] = {
	/* identity (also variables for IF and exported parameters) */
	{ "MODEL", false, K_STR, 0, 0, NULL, "full model, e.g. 9620D01A" },
	{ "MODEL4", false, K_STR, 0, 0, NULL, "4-character model, e.g. 9608, J129" },
	{ "MODEL6", false, K_STR, 0, 0, NULL, "6-character model, e.g. 9620SW" },
	{ "SERIALNO", false, K_STR, 0, 0, NULL, "serial number ($SERIALNO)" },
	{ "HWVERS", false, K_STR, 0, 0, NULL, "hardware version" },
	{ "GROUP", false, K_INT, 0, 999, "0", "group number (IF $GROUP)" },
	{ "SIG", false, K_INT, 0, 2, NULL, "signalling: 1 H.323, 2 SIP" },
	{ "MACADDR", false, K_STR, 0, 0, NULL, "MAC address; default: the interface's" },
	{ "PHONECC", false, K_STR, 0, 0, NULL, "comcode (IF $PHONECC)" },
	{ "SHA2CAPABLE", false, K_INT, 0, 1, "1", "accepts SHA-2 signed images" },
	/* a provisioning parameter with a checked value (Avaya's name and values) */
	{ "LLDP_ENABLED", false, K_INT, 0, 2, "2", "LLDP-MED voice policy: 0 off, 1 on, 2 auto" },
	/* ringboot's own keys */
	{ "INTERFACE", true, K_STR, 0, 0, "eth0", "network interface for DHCP" },
	{ "UPGRADE_SCRIPT", true, K_STR, 0, 0, NULL,
	  "upgrade script name, overriding the family table" },
	{ "UPGRADE_46XX", true, K_STR, 0, 0, "46xxupgrade.scr",
	  "upgrade script of the 4600 family" },
	{ "UPGRADE_16XX", true, K_STR, 0, 0, "16xxupgrade.txt", "upgrade script of 16xx" },
	{ "UPGRADE_96XX", true, K_STR, 0, 0, "96xxupgrade.txt", "upgrade script of 96xx" },
	{ "UPGRADE_96X1_SIP", true, K_STR, 0, 0, "96x1Supgrade.txt",
	  "upgrade script of 96x1 with SIG 2" },
	{ "UPGRADE_96X1_H323", true, K_STR, 0, 0, "96x1Hupgrade.txt",
	  "upgrade script of 96x1 with SIG 1" },
	{ "UPGRADE_J100", true, K_STR, 0, 0, "J100Supgrade.txt", "upgrade script of J100" },
	{ "CA_FILE", true, K_STR, 0, 0, "/etc/ringboot/ca.pem", "trust anchors for HTTPS (PEM)" },
	{ "IMAGE_KEYS_DIR", true, K_STR, 0, 0, "/etc/ringboot/keys",
	  "public keys that may sign images" },
	{ "SLOT_A", true, K_STR, 0, 0, NULL,
	  "slot A device or file; default: in the state directory" },
	{ "SLOT_B", true, K_STR, 0, 0, NULL,
	  "slot B device or file; default: in the state directory" },
	{ "COMMIT_HOOK", true, K_STR, 0, 0, NULL, "program run after an image commit" },
	{ "BOOT_TRIES", true, K_INT, 1, 1000, "3",
	  "boots of an unconfirmed image before rollback" },
	{ "IMAGE_READBACK", true, K_BOOL, 0, 1, "0",
	  "re-read a written slot and check its digest" },
	{ "SETTINGS_HOOK", true, K_STR, 0, 0, NULL,
	  "program run after the settings are applied (PARAMS_ENV as argument)" },
	{ "HOOK_TIMEOUT", true, K_INT, 1, 3600, "60",
	  "seconds a hook may run before it is killed and counts as failed" },
	{ "ENV_GROUP", true, K_STR, 0, 0, NULL,
	  "group that may read params.env besides root; default: root only" },
	{ "RETRY_MAX", true, K_INT, 0, 1000, "5", "attempts per server before the next" },
	{ "RETRY_BASE_MS", true, K_INT, 1, 600000, "500",
	  "first back-off, doubled per retry, jittered" },
	{ "RETRY_MAX_MS", true, K_INT, 1, 3600000, "30000", "longest back-off" },
	{ "BOOT_DEADLINE", true, K_INT, 1, 86400, "600",
	  "seconds the whole boot may take, DHCP to the settings" },
	{ "FILE_DEADLINE", true, K_INT, 1, 86400, "300",
	  "seconds one download of a file may take" },
	{ "FASTPATH", true, K_FASTPATH, 0, 0, "auto", "TFTP path: auto, kernel or user" },
	{ "SEQ_EXACT", true, K_BOOL, 0, 1, "0",
	  "IF ... SEQ compares exactly instead of ignoring case" },
	{ "LLDP_WAIT_MS", true, K_INT, 0, 60000, "3000",
	  "longest wait for the switch's LLDP-MED voice policy" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcasecmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

bool rb_config_key_at(unsigned int i, const char **name, const char **def, const char **summary)
{
	if (i >= NKEYS)
		return false;
	*name = keys[i].name;
	*def = keys[i].def;
	*summary = keys[i].summary;
	return true;
}

bool rb_config_is_agent_key(const char *name)
{
	const struct key *k = find_key(name);

	return k && k->agent;
}


static bool value_ok(const struct key *k, const char *v)
{
	long n;

	switch (k->type) {
	case K_INT:
	case K_BOOL:
		return !rb_parse_long(v, k->min, k->max, &n);
	case K_FASTPATH:
		return !strcmp(v, "auto") || !strcmp(v, "kernel") || !strcmp(v, "user");
	default:
		return true;
	}
}

int rb_config_env_group(const struct rb_config *cfg, gid_t *gid)
{
	const char *v = rb_config_get(cfg, "ENV_GROUP");
	struct group gr, *res = NULL;
	char buf[4096];
	long n;
	int err;

	*gid = RB_ENV_NO_GROUP;
	if (!v || !*v)
		return 0;
	if (!rb_parse_long(v, 0, (long)UINT32_MAX - 1, &n)) {
		*gid = (gid_t)n;
		return 0;
	}
	err = getgrnam_r(v, &gr, buf, sizeof(buf), &res);
	if (err)
		return -err;
	if (!res)
		return -ENOENT;
	*gid = res->gr_gid;
	return 0;
}

int rb_config_norm_mac(const char *in, char out[13])
{
	size_t n = 0;

	for (; *in; in++) {
		char c = *in;

		if (c == ':' || c == '-' || c == '.')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || n == 12)
			return -EINVAL;
		out[n++] = c;
	}
	if (n != 12)
		return -EINVAL;
	out[12] = '\0';
	return 0;
}

int rb_config_init(struct rb_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->values = rb_params_new();
	if (!cfg->values || rb_script_init(&cfg->run)) {
		rb_config_free(cfg);
		return -ENOMEM;
	}
	return 0;
}

void rb_config_free(struct rb_config *cfg)
{
	rb_params_free(cfg->values);
	rb_script_free(&cfg->run);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

/* Typed keys with a bad value are dropped with a warning at their line. */
static void check_values(struct rb_config *cfg)
{
	struct rb_origin o = { .kind = RB_ORIGIN_CONFIG };
	struct rb_param_view v;

	for (size_t i = 0; rb_params_at(cfg->run.sets, i, &v); i++) {
		const struct key *k;
		char mac[13];

		k = find_key(v.name);
		if (!strcmp(v.name, "MACADDR") && rb_config_norm_mac(v.value, mac)) {
			rb_script_warn(&cfg->run, v.origin.file, v.origin.line,
				       "MACADDR '%s' is not a MAC address; ignored", v.value);
			continue;
		}
		if (k && !value_ok(k, v.value)) {
			rb_script_warn(&cfg->run, v.origin.file, v.origin.line,
				       "%s '%s' is not a valid value; default used",
				       v.name, v.value);
			continue;
		}
		o.file = v.origin.file;
		o.line = v.origin.line;
		rb_params_set(cfg->values, v.name, strlen(v.name), v.value, v.value_len, &o);
	}
}

int rb_config_load(struct rb_config *cfg, const char *path)
{
	char *buf;
	size_t len;
	int ret;

	ret = rb_config_init(cfg);
	if (ret)
		return ret;
	cfg->path = strdup(path);
	if (!cfg->path)
		return -ENOMEM;
	ret = rb_read_file(path, CONFIG_FILE_MAX, &buf, &len);
	if (ret)
		return ret;
	/* No ops: GET is refused with a warning (config.h). */
	ret = rb_script_run(&cfg->run, path, buf, len);
	free(buf);
	if (ret)
		return ret;
	check_values(cfg);
	return 0;
}

const char *rb_config_get(const struct rb_config *cfg, const char *key)
{
	const struct key *k = find_key(key);
	const char *v = rb_params_get(cfg->values, key);

	if (v)
		return v;
	return k ? k->def : NULL;
}

long rb_config_int(const struct rb_config *cfg, const char *key)
{
	const char *v = rb_config_get(cfg, key);
	long n = 0;

	if (v && !rb_parse_long(v, LONG_MIN, LONG_MAX, &n))
		return n;
	return 0;
}

int rb_config_apply(const struct rb_config *cfg, struct rb_params *p)
{
	struct rb_param_view v;
	char mac[13];

	for (size_t i = 0; rb_params_at(cfg->values, i, &v); i++) {
		const char *val;
		int ret;

		if (rb_config_is_agent_key(v.name))
			continue;
		val = v.value;
		if (!strcmp(v.name, "MACADDR") && !rb_config_norm_mac(v.value, mac))
			val = mac;
		ret = rb_params_set(p, v.name, strlen(v.name), val, strlen(val), &v.origin);
		if (ret < 0)
			return ret;
	}
	return 0;
}

const char *rb_config_upgrade_script(const struct rb_config *cfg, const char *model4,
				     const char *sig)
{
	const char *v = rb_config_get(cfg, "UPGRADE_SCRIPT");

	if (v)
		return v;
	if (!model4)
		return NULL;
	if (!strncasecmp(model4, "46", 2))
		return rb_config_get(cfg, "UPGRADE_46XX");
	if (!strncasecmp(model4, "16", 2))
		return rb_config_get(cfg, "UPGRADE_16XX");
	if (model4[0] == 'J' || model4[0] == 'j')
		return rb_config_get(cfg, "UPGRADE_J100");
	if (!strncasecmp(model4, "96", 2)) {
		/* 96x1: 9601, 9608, 9611, 9621, 9641 (the last digit is 1 or 8). */
		if (strlen(model4) == 4 && (model4[3] == '1' || model4[3] == '8'))
			return rb_config_get(cfg, sig && !strcmp(sig, "1") ?
					     "UPGRADE_96X1_H323" : "UPGRADE_96X1_SIP");
		return rb_config_get(cfg, "UPGRADE_96XX");
	}
	return NULL;
}
