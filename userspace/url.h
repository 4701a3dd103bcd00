/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * URLs the agent fetches: scheme://host[:port]/path (RFC 3986 subset).
 * host is a name, an IPv4 literal or a bracketed IPv6 literal ([2001:db8::1]).
 * No user info, no fragment; the query stays part of path (HTTP sends it).
 */
#ifndef RINGBOOT_URL_H
#define RINGBOOT_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RB_URL_HOST_MAX 256
#define RB_URL_PATH_MAX 1024

struct rb_url {
	char scheme[8];			/* lower case: "tftp", "http", "https" */
	char host[RB_URL_HOST_MAX];	/* without brackets */
	uint16_t port;			/* 0 when the URL names none */
	bool host_v6;			/* host was a bracketed IPv6 literal */
	char path[RB_URL_PATH_MAX];	/* starts with '/', percent-escapes kept */
};

/* Returns 0, -EINVAL (malformed) or -ENAMETOOLONG. */
int rb_url_parse(const char *s, struct rb_url *u);

/*
 * Decode %XX escapes of src (NUL-terminated) into dst of size dstlen.
 * Returns the length, -EINVAL on a bad escape or an escaped NUL, or
 * -ENAMETOOLONG.
 */
int rb_url_unescape(const char *src, char *dst, size_t dstlen);

#endif
