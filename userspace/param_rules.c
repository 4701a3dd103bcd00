// SPDX-License-Identifier: GPL-2.0-or-later
/* Names the parameter store treats beyond plain precedence (param_rules.h). */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "param_rules.h"

/*
 * Keep in step with docs/state.md "What the network may not lower". The
 * values are the Avaya guides': AUTH 1 = HTTPS only (PROVISIONING.md);
 * TLSSRVRID and TLSSRVRVERIFYID 1 = the server certificate must name the
 * server; OCSP_ENABLED 1 = revocation checked; ENABLE_PUBLIC_CA_CERTS 1 =
 * the built-in public CAs are trusted too; STATIC bit 0 pins the configured
 * file servers, bit 1 the call server. PROCPSWD guards the phone's local
 * procedures; the trust anchors and the phone's own certificate enrolment
 * (TRUSTCERTS, MYCERTURL, PKCS12URL, SCEPPASSWORD) have no order to raise
 * along. The trust names were already never acted on from downloaded files.
 */
static const struct rb_param_rule rules[] = {
	{ "AUTH", RB_GUARD_RAISE, '0', '1', false },
	{ "TLSSRVRID", RB_GUARD_RAISE, '0', '1', true },
	{ "TLSSRVRVERIFYID", RB_GUARD_RAISE, '0', '1', true },
	{ "OCSP_ENABLED", RB_GUARD_RAISE, '0', '1', false },
	{ "ENABLE_PUBLIC_CA_CERTS", RB_GUARD_RAISE, '1', '0', true },
	{ "STATIC", RB_GUARD_BITS, '0', '3', false },
	{ "TRUSTCERTS", RB_GUARD_PINNED, 0, 0, true },
	{ "MYCERTURL", RB_GUARD_PINNED, 0, 0, true },
	{ "PKCS12URL", RB_GUARD_PINNED, 0, 0, true },
	{ "SCEPPASSWORD", RB_GUARD_PINNED, 0, 0, true },
	{ "PROCPSWD", RB_GUARD_PINNED, 0, 0, false },
	/*
	 * The identity: what the handset is, which only the handset knows
	 * (PROVISIONING.md: "The agent is told its identity ... by
	 * configuration"). SHA2CAPABLE and BOOTNAME describe its firmware.
	 */
	{ "MODEL", RB_GUARD_IDENTITY, 0, 0, false },
	{ "MODEL4", RB_GUARD_IDENTITY, 0, 0, false },
	{ "MODEL6", RB_GUARD_IDENTITY, 0, 0, false },
	{ "HWVERS", RB_GUARD_IDENTITY, 0, 0, false },
	{ "SERIALNO", RB_GUARD_IDENTITY, 0, 0, false },
	{ "MACADDR", RB_GUARD_IDENTITY, 0, 0, false },
	{ "PHONECC", RB_GUARD_IDENTITY, 0, 0, false },
	{ "SHA2CAPABLE", RB_GUARD_IDENTITY, 0, 0, false },
	{ "BOOTNAME", RB_GUARD_IDENTITY, 0, 0, false },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/*
 * Avaya, "Installing and Administering Avaya J100 Series IP Phones", section
 * "Contents of the settings file": "During a reboot, if the phone is unable
 * to access the settings file, it does not retain the values of all the
 * parameters", then a table. These are its rows as far as our copy of the
 * table could be read (it goes on after LOCAL_LOG_LEVEL, whose row was cut
 * off); keep in step with docs/state.md.
 */
static const struct {
	const char *name;
	bool retained;
} j100_retained[] = {
	{ "AGCHAND", true },
	{ "AGCHEAD", true },
	{ "AGCSPKR", true },
	{ "APPNAME", false },
	{ "AUDIOENV", false },
	{ "AUDIOSTHD", false },
	{ "AUDIOSTHS", false },
	{ "AUTH", true },
	{ "BAKLIGHTOFF", true },
	{ "CNGLABEL", true },
	{ "DAYLIGHT_SAVING_SETTING_MODE", true },
	{ "DHCPSTD", false },
	{ "HEADSYS", false },
	{ "HOMEIDLETIME", false },
	{ "LOG_CATEGORY", true },
	{ "LOGSRVR", false },
};

bool rb_param_retained(const char *name)
{
	const struct rb_param_rule *r;

	for (size_t i = 0; i < sizeof(j100_retained) / sizeof(j100_retained[0]); i++)
		if (!strcasecmp(j100_retained[i].name, name))
			return j100_retained[i].retained;
	/* The guide retains AUTH: so, alike, every name the owner's floor guards
	 * (an unreachable file must not lower security either). */
	r = rb_param_rule(name);
	return r && (r->guard == RB_GUARD_RAISE || r->guard == RB_GUARD_BITS ||
		     r->guard == RB_GUARD_PINNED);
}

bool rb_param_is_secret(const char *name)
{
	static const char *const words[] = {
		"PASSWORD", "PASSWD", "PSWD", "PASSPHRASE", "SECRET", "PIN_CODE",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(name, words[i]))
			return true;
	return !strcasecmp(name, "SNMPSTRING");
}

const struct rb_param_rule *rb_param_rulen(const char *name, size_t len)
{
	for (size_t i = 0; i < NRULES; i++)
		if (!strncasecmp(rules[i].name, name, len) && !rules[i].name[len])
			return &rules[i];
	return NULL;
}

const struct rb_param_rule *rb_param_rule(const char *name)
{
	return rb_param_rulen(name, strlen(name));
}

bool rb_param_is_identity(const char *name, size_t len)
{
	const struct rb_param_rule *r = rb_param_rulen(name, len);

	return r && r->guard == RB_GUARD_IDENTITY;
}

const struct rb_param_rule *rb_param_rule_at(unsigned int i)
{
	return i < NRULES ? &rules[i] : NULL;
}

/* Position of v on r's scale (0 = weak), or -1 when v is not one of its digits. */
static int strength(const struct rb_param_rule *r, const char *v)
{
	char lo = r->weak < r->strong ? r->weak : r->strong;
	char hi = r->weak < r->strong ? r->strong : r->weak;

	if (!v || v[0] < lo || v[0] > hi || v[1])
		return -1;
	return v[0] > r->weak ? v[0] - r->weak : r->weak - v[0];
}

bool rb_param_rule_allows(const struct rb_param_rule *r, const char *owner, const char *net)
{
	int o, n;

	if (!r || r->guard == RB_GUARD_NONE)
		return true;
	if (r->guard == RB_GUARD_PINNED || r->guard == RB_GUARD_IDENTITY)
		return false;
	o = strength(r, owner);
	n = strength(r, net);
	if (n < 0)
		return false;
	if (o < 0)
		return true;
	if (r->guard == RB_GUARD_BITS)
		return (n & o) == o;
	return n >= o;
}
