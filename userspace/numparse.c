// SPDX-License-Identifier: GPL-2.0-or-later
/* Whole-string number parsing (numparse.h). */
#include <errno.h>
#include <stdlib.h>

#include "numparse.h"

int rb_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int rb_parse_ullong(const char *s, unsigned long long lo, unsigned long long hi,
		    unsigned long long *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts "-1" as ULLONG_MAX: refuse any sign. */
	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int rb_parse_seconds(const char *s, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0) || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}
