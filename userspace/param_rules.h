/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names the parameter store treats beyond plain precedence, and how
 * (docs/state.md "What the network may not lower"). The owner's layers are
 * the handset's own: built-in defaults, the configuration and the command
 * line. Everything else (DHCP, option 43, option 242/176, downloaded files)
 * is the network's.
 */
#ifndef RINGBOOT_PARAM_RULES_H
#define RINGBOOT_PARAM_RULES_H

#include <stdbool.h>
#include <stddef.h>

enum rb_param_guard {
	RB_GUARD_NONE = 0,
	/*
	 * Raise only: the value is one digit on a scale from weak to strong
	 * (AUTH 0 -> 1). A network value that outranks the owner's is
	 * effective only when it is a valid value at least as strong.
	 */
	RB_GUARD_RAISE,
	/*
	 * Raise only, for a set of bits (STATIC): a network value must keep
	 * every bit the owner's value has; it may add bits.
	 */
	RB_GUARD_BITS,
	/* No order to raise along (TRUSTCERTS): the owner's value stands. */
	RB_GUARD_PINNED,
	/*
	 * The handset's identity (MODEL4, MACADDR, ...): pinned, and a value
	 * from the network is never acted on, even where the owner set none.
	 */
	RB_GUARD_IDENTITY,
};

struct rb_param_rule {
	const char *name;
	enum rb_param_guard guard;
	char weak, strong;	/* RB_GUARD_RAISE: the scale's ends; RB_GUARD_BITS: '0', the full set */
	bool trust;		/* a value from a downloaded file is never acted on */
};

/* The rule of name (any case), or NULL for a name without one. */
const struct rb_param_rule *rb_param_rule(const char *name);
/* The same for name[0..len). */
const struct rb_param_rule *rb_param_rulen(const char *name, size_t len);

/* True for the names of the handset's identity (RB_GUARD_IDENTITY). */
bool rb_param_is_identity(const char *name, size_t len);

/*
 * Whether a network value may replace the owner's under rule r: always for
 * RB_GUARD_NONE, never for RB_GUARD_PINNED and RB_GUARD_IDENTITY; for the raise-only guards, when
 * net is valid and keeps at least what owner has (an invalid owner value
 * keeps nothing).
 */
bool rb_param_rule_allows(const struct rb_param_rule *r, const char *owner, const char *net);

/*
 * Whether a settings-file value of name survives a boot whose settings file
 * could not be accessed (docs/state.md "Settings that survive a missing
 * settings file"): the J100 guide's table says for the names it lists; of
 * the others, the security names above are retained, the rest are not.
 */
bool rb_param_retained(const char *name);

/*
 * Names whose value is a secret (PROCPSWD, SCEPPASSWORD, SIP passwords,
 * SNMPSTRING...): a name containing PASSWORD, PASSWD, PSWD, PASSPHRASE,
 * SECRET or PIN_CODE, or SNMPSTRING. Output that may end up in a log shows
 * "(hidden)" for them; params.env holds them (root and ENV_GROUP only).
 */
bool rb_param_is_secret(const char *name);
#define RB_PARAM_HIDDEN "(hidden)"

/* The rules in table order, for docs and tests; NULL past the end. */
const struct rb_param_rule *rb_param_rule_at(unsigned int i);

#endif
