// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the URL parser and %-unescaping used by fetch: any
 * input is refused with -EINVAL/-ENAMETOOLONG or yields fields that are
 * NUL-terminated, bounded, free of control bytes, and a path starting '/'.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_url u;
	char *s = malloc(size + 1);
	char out[64];
	int err;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	err = rb_url_parse(s, &u);
	if (err == 0) {
		if (u.path[0] != '/' || !u.scheme[0] || !u.host[0] ||
		    strlen(u.host) >= sizeof(u.host) || strlen(u.path) >= sizeof(u.path))
			abort();
		for (const char *p = u.path; *p; p++)
			if ((unsigned char)*p <= 0x20)
				abort();
	} else if (err != -EINVAL && err != -ENAMETOOLONG) {
		abort();
	}
	err = rb_url_unescape(s, out, sizeof(out));
	if (err >= 0 && ((size_t)err >= sizeof(out) || out[err] != 0))
		abort();
	free(s);
	return 0;
}
