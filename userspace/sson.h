/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Site-specific option strings (DHCP option 242 on 96xx/J100, 176 on 4600)
 * and the option 43 sub-option name table. PROVISIONING.md "DHCP".
 *
 * An option 242/176 value is a comma-separated list of NAME=value pairs:
 *   MCIPADD=cho-pbx01.lamundial.hn,MCPORT=1719,HTTPSRVR=10.2.248.2,L2Q=1, L2QVLAN=233
 * - names are case-insensitive (stored upper-case), values case-sensitive;
 * - a token without '=' continues the previous value as a list
 *   (HTTPSRVR=10.0.0.5,10.0.0.6,HTTPDIR=/p gives HTTPSRVR "10.0.0.5,10.0.0.6");
 * - blanks and tabs around tokens (real strings have "L2Q=1, L2QVLAN=233")
 *   and around the name are trimmed;
 * - empty tokens (",,") are skipped; a NUL byte ends the string (some servers
 *   NUL-terminate the option);
 * - a name given twice: the later value wins (as two SETs would);
 * - invalid tokens (a continuation before any pair, an empty name or one
 *   rb_param_name_valid() refuses) are skipped and counted, never fatal.
 */
#ifndef RINGBOOT_SSON_H
#define RINGBOOT_SSON_H

#include <stddef.h>

#include "params.h"

#define RB_SSON_MAX_LEN 65535	/* RFC 3396 concatenation can exceed 255 bytes */
#define RB_SSON_MAX_PAIRS 1024	/* more distinct names are counted as invalid */

struct rb_sson_pair {
	char name[RB_PARAM_NAME_MAX + 1];	/* upper case */
	char *value;				/* malloc'd, NUL-terminated */
	size_t value_len;
};

struct rb_sson {
	struct rb_sson_pair *pairs;	/* in order of first appearance */
	size_t count;
	size_t invalid;			/* tokens skipped as invalid */
};

/*
 * Parse s[0..len) into out (which the caller zeroes or has freed). Returns 0
 * (out filled, possibly with zero pairs), -E2BIG when len > RB_SSON_MAX_LEN,
 * -ENOMEM. On error out is left empty.
 */
int rb_sson_parse(const char *s, size_t len, struct rb_sson *out);
void rb_sson_free(struct rb_sson *out);

/*
 * Store every pair into p with origin kind (RB_ORIGIN_OPT242 or _OPT176).
 * Returns the number of pairs stored, or a negative errno from rb_params_set().
 */
int rb_sson_apply(const struct rb_sson *s, struct rb_params *p, enum rb_origin_kind kind);

/*
 * Option 43 (vendor-specific information, RFC 2132 8.4) as Avaya phones read
 * it: sub-option 1 must be the string "6889" (Avaya's enterprise number);
 * sub-options 2..15 carry these parameters. Decoding the TLV is dhcp.c's job.
 */
#define RB_OPT43_AVAYA_ID "6889"
#define RB_OPT43_FIRST 2
#define RB_OPT43_LAST 15

/* Parameter name of option 43 sub-option code, or NULL outside 2..15. */
const char *rb_opt43_name(unsigned int code);

#endif
