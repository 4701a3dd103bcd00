/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Numbers from command lines and configuration files: the whole string must
 * be the number (no sign where none is allowed, no trailing text), within the
 * caller's bounds. Return 0 or -EINVAL.
 */
#ifndef RINGBOOT_NUMPARSE_H
#define RINGBOOT_NUMPARSE_H

int rb_parse_long(const char *s, long lo, long hi, long *out);
int rb_parse_ullong(const char *s, unsigned long long lo, unsigned long long hi,
		    unsigned long long *out);
/* Seconds: a decimal number above 0 and at most max. */
int rb_parse_seconds(const char *s, double max, double *out);

#endif
