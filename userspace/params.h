/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parameter store: every administered value (HTTPSRVR, APPNAME, SIP_...)
 * with where it came from, and the precedence between sources.
 *
 * Names are upper-cased on entry ([A-Z0-9_], and '-' or '.' after the first
 * character, 1..RB_PARAM_NAME_MAX bytes);
 * values are kept exactly as given (any bytes but NUL, at most
 * RB_PARAM_VALUE_MAX). A name holds one value per source rank (a "layer"); the
 * effective value is the one of the highest present rank, so a later DHCP
 * lease can replace its own layer without losing what a settings file said.
 *
 * Precedence, lowest to highest (PROVISIONING.md "DHCP" and "Precedence"):
 *   default < configuration < DHCP standard options < option 43
 *           < site-specific option 242/176 < settings file < LLDP < command line
 * LLDP only ever sets the layer-2 names (L2Q, L2QVLAN, L2QAUD, ...), for which
 * Avaya's J100 and 96x1 guides rank it above the settings file and DHCP.
 * STATIC (Avaya: "static programming override"): when the effective STATIC
 * has bit 0 set, configuration values of the file-server names (HTTPSRVR,
 * HTTPDIR, HTTPPORT, TLSSRVR, TLSDIR, TLSPORT, TFTPSRVR, TFTPDIR) rank above
 * DHCP, option 43, 242/176 and settings files; bit 1 does the same for the
 * call-server names (MCIPADD, MCPORT, SIP_CONTROLLER_LIST). The command line
 * still wins.
 *
 * The owner's floor (param_rules.h, docs/state.md "What the network may not
 * lower"): for security names (AUTH, TLSSRVRID, STATIC, TRUSTCERTS, ...) a
 * network layer (DHCP, option 43, 242/176, file) that outranks the owner's
 * (default, configuration, command line) is effective only when it does not
 * lower what the owner set; it is stored either way.
 *
 * Identity (MODEL*, HWVERS, SERIALNO, MACADDR, PHONECC, ...): the owner's
 * value is the effective one; a network value is stored, and exported where
 * the owner has none, but rb_params_get_trusted() never returns it.
 *
 * Trust: values of trust-related names (TRUSTCERTS, TLSSRVRID, ...) that
 * arrived in a downloaded file are stored and exported but never acted on;
 * rb_params_get_trusted() is what code that acts on them calls.
 *
 * Functions return 0 or a negative errno unless stated otherwise. The store is
 * not thread-safe; one run owns one store.
 */
#ifndef RINGBOOT_PARAMS_H
#define RINGBOOT_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define RB_PARAM_NAME_MAX 64		/* longest Avaya name seen: 31 bytes */
#define RB_PARAM_VALUE_MAX 65536	/* values longer than this are refused */
#define RB_PARAMS_MAX 8192		/* distinct names: a hostile file's ceiling */

/* Where a value came from. The rank (precedence) is fixed per kind. */
enum rb_origin_kind {
	RB_ORIGIN_NONE = 0,
	RB_ORIGIN_DEFAULT,	/* built-in default (GROUP 0, HTTPPORT 80, ...) */
	RB_ORIGIN_CONFIG,	/* the handset's configuration file */
	RB_ORIGIN_DHCP,		/* a standard DHCP option or field (yiaddr, 1, 3, 6, ...) */
	RB_ORIGIN_OPT43,	/* DHCP option 43, Avaya sub-options 2..15 */
	RB_ORIGIN_OPT176,	/* site-specific option 176 (4600) */
	RB_ORIGIN_OPT242,	/* site-specific option 242 (96xx, J100) */
	RB_ORIGIN_FILE,		/* a SET in an upgrade script or settings file */
	RB_ORIGIN_LLDP,		/* the switch's LLDP-MED Network Policy (lldp_listen.h) */
	RB_ORIGIN_CMDLINE,	/* the command line (--var, --set) */
	RB_ORIGIN__COUNT
};

/* Number of precedence ranks (176 and 242 share one). */
#define RB_RANKS 8

struct rb_origin {
	enum rb_origin_kind kind;
	const char *file;	/* RB_ORIGIN_FILE / CONFIG: the file's name, else NULL */
	unsigned int line;	/* RB_ORIGIN_FILE / CONFIG: 1-based line, else 0 */
};

struct rb_params;

/*
 * One name as seen by lookup or iteration. name stays valid until the store is
 * freed or the name's last layer is cleared; value and origin.file until that
 * layer of that name is set or cleared.
 */
struct rb_param_view {
	const char *name;		/* upper case */
	const char *value;		/* effective value */
	size_t value_len;
	struct rb_origin origin;	/* origin of the effective value */
};

struct rb_params *rb_params_new(void);
void rb_params_free(struct rb_params *p);

/*
 * "default", "config", "dhcp", "option43", "option176", "option242", "file",
 * "lldp", "cmdline".
 */
const char *rb_origin_name(enum rb_origin_kind kind);
/* Inverse of rb_origin_name; RB_ORIGIN_NONE when unknown. */
enum rb_origin_kind rb_origin_parse(const char *s);
/* Precedence rank of a kind, 0 (lowest) .. RB_RANKS-1. */
int rb_origin_rank(enum rb_origin_kind kind);

/*
 * True when name[0..len) is a valid parameter name: 1..RB_PARAM_NAME_MAX bytes
 * of [A-Za-z0-9_.-], the first one of [A-Za-z0-9_]. Avaya's names are
 * [A-Za-z0-9_] and may begin with a digit (3PCC_SERVER_MODE); settings files
 * of other provisioning systems write '-' and '.' too (SIP-Transport). No
 * other byte: '$' starts a variable, '=' and ',' separate option 242's pairs,
 * '#' starts a comment, blanks separate tokens (docs/script-language.md).
 */
bool rb_param_name_valid(const char *name, size_t len);

/* True for names whose value changes what the agent trusts (TRUSTCERTS, ...). */
bool rb_param_is_trust(const char *name);

/*
 * Store value for name in the layer of origin->kind, replacing that layer's
 * previous value (a later SET in the same rank wins). origin->file is copied.
 * Returns 1 when the new value is now the effective one, 0 when a higher rank
 * still overrides it, -EINVAL on a bad name or a value with a NUL byte,
 * -E2BIG on a value longer than RB_PARAM_VALUE_MAX, -ENOSPC when the store
 * already holds RB_PARAMS_MAX names, -ENOMEM.
 */
int rb_params_set(struct rb_params *p, const char *name, size_t name_len,
		  const char *value, size_t value_len, const struct rb_origin *origin);
/* NUL-terminated convenience form. */
int rb_params_set_str(struct rb_params *p, const char *name, const char *value,
		      enum rb_origin_kind kind);

/*
 * Remove the layer of one kind from every name (e.g. a new lease replaces
 * "dhcp"); names left without a layer leave the store. Never fails.
 */
void rb_params_clear_kind(struct rb_params *p, enum rb_origin_kind kind);
/*
 * The same, except for names keep(name) is true for (NULL: none). Returns
 * the number of layers of that kind kept.
 */
size_t rb_params_clear_kind_except(struct rb_params *p, enum rb_origin_kind kind,
				   bool (*keep)(const char *name));

/* Effective value of name (case-insensitive), or NULL when unknown. */
const char *rb_params_get(const struct rb_params *p, const char *name);
/* Same, for a name given by pointer and length. */
const char *rb_params_getn(const struct rb_params *p, const char *name, size_t len);
/* Effective value and its origin; returns false when unknown. */
bool rb_params_lookup(const struct rb_params *p, const char *name, struct rb_param_view *out);
/*
 * The value code may ACT on: for trust-related names, layers from downloaded
 * files (RB_ORIGIN_FILE) are skipped (PROVISIONING.md ringboot rule: a file
 * fetched over plain HTTP must not add trust); for the identity (MODEL4,
 * MACADDR, ... param_rules.h) only the owner's layers count (NULL when only
 * the network gave one). For other names, rb_params_get().
 */
const char *rb_params_get_trusted(const struct rb_params *p, const char *name);

/*
 * Number of names, each with at least one layer: a name whose last layer is
 * cleared leaves the store. Iteration is in first-insertion order (a name
 * that left and comes back counts as new): rb_params_at() fills out and
 * returns true for every i < rb_params_count(), false past the end only, so
 * `for (i = 0; rb_params_at(p, i, &v); i++)` visits every name.
 */
size_t rb_params_count(const struct rb_params *p);
bool rb_params_at(const struct rb_params *p, size_t i, struct rb_param_view *out);
/* One layer (rank 0..RB_RANKS-1) of name i, whether effective or not. */
bool rb_params_layer_at(const struct rb_params *p, size_t i, int rank,
			struct rb_param_view *out);

/*
 * Persistence in the state directory (docs/state.md "parameters"): every layer
 * of every name, written with rb_atomic_write(). rb_params_load() merges a saved
 * file into p (missing file: -ENOENT, p unchanged); a malformed line makes the
 * whole load fail with -EBADMSG and leaves p unchanged.
 */
int rb_params_save(const struct rb_params *p, const char *path);
int rb_params_load(struct rb_params *p, const char *path);
/* rb_params_load() on bytes in memory (same contract; used by the fuzz target). */
int rb_params_parse(struct rb_params *p, const char *data, size_t len);

/*
 * The shell-sourceable env file for the rest of the handset: one line per
 * name, RB_<NAME>='value' with the effective value single-quoted (a ' becomes
 * '\''), so sourcing it can never run code or set PATH, IFS, LD_PRELOAD...
 * A shell name cannot hold '-' or '.': they become '_' (SIP-TRANSPORT is
 * RB_SIP_TRANSPORT, after a comment line naming the parameter). A name whose
 * variable another parameter also maps to (SIP_TRANSPORT itself, or
 * SIP.TRANSPORT) is not exported: a comment line says so, and a name without
 * '-' and '.' always keeps its variable (docs/state.md "Environment file").
 * It holds every parameter, passwords too (PROCPSWD, SCEPPASSWORD, ...), so
 * only root reads it (mode 0600), or root and group (0640, group group;
 * the directory that holds it gets that group and search permission for it,
 * never for others) when group is not RB_ENV_NO_GROUP. Written atomically;
 * the file never exists with wider permissions.
 */
#define RB_ENV_PREFIX "RB_"
#define RB_ENV_NO_GROUP ((gid_t)-1)
int rb_params_write_env(const struct rb_params *p, const char *path, gid_t group);
/* The same text to a stream (used by the file writer and by tests). */
int rb_params_format_env(const struct rb_params *p, FILE *out);

/* Both files in state_dir: `params` (rb_params_save) and `params.env`. */
int rb_params_persist(const struct rb_params *p, const char *state_dir, gid_t env_group);

#endif
