// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Request side of the HTTP client: the GET request (RFC 9110 §9.3.1, §14.2
 * Range, §13.1.5 If-Range), the User-Agent, and redirect resolution.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http.h"

int rb_http_user_agent(char *buf, size_t len, const char *model, const char *mac)
{
	int n = snprintf(buf, len, "ringboot/%s (%s; %s)", RINGBOOT_VERSION,
			 model && *model ? model : "unknown", mac && *mac ? mac : "unknown");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : n;
}

/* A header value we emit must not smuggle a line break. */
static bool safe_value(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return false;
	return true;
}

int rb_http_build_request(char *buf, size_t len, const struct rb_url *u, uint16_t default_port,
			  const char *user_agent, uint64_t range_from, const char *validator)
{
	char host[RB_URL_HOST_MAX + 16];
	size_t off;
	int n;

	if (!safe_value(user_agent) || !safe_value(u->path) || strchr(u->path, ' ') ||
	    (validator && !safe_value(validator)))
		return -EINVAL;
	/* RFC 9110 §7.2: Host carries the port when it is not the default */
	n = snprintf(host, sizeof(host), u->host_v6 ? "[%s]" : "%s", u->host);
	if (u->port && u->port != default_port)
		n += snprintf(host + n, sizeof(host) - (size_t)n, ":%u", u->port);
	n = snprintf(buf, len,
		     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n",
		     u->path, host, user_agent);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	off = (size_t)n;
	if (range_from) {
		n = snprintf(buf + off, len - off, "Range: bytes=%llu-\r\n",
			     (unsigned long long)range_from);
		if (n < 0 || (size_t)n >= len - off)
			return -ENAMETOOLONG;
		off += (size_t)n;
		if (validator && *validator) {
			n = snprintf(buf + off, len - off, "If-Range: %s\r\n", validator);
			if (n < 0 || (size_t)n >= len - off)
				return -ENAMETOOLONG;
			off += (size_t)n;
		}
	}
	n = snprintf(buf + off, len - off, "\r\n");
	if (n < 0 || (size_t)n >= len - off)
		return -ENAMETOOLONG;
	return (int)(off + (size_t)n);
}

int rb_http_redirect_target(const struct rb_url *base, const char *loc, size_t loc_len,
			    struct rb_url *out)
{
	char s[RB_URL_HOST_MAX + RB_URL_PATH_MAX + 32], auth[RB_URL_HOST_MAX + 16];
	const char *slash, *colon;
	int n, err;

	if (!loc_len || loc_len >= RB_URL_PATH_MAX)
		return -ENAMETOOLONG;
	n = snprintf(auth, sizeof(auth), base->host_v6 ? "[%s]" : "%s", base->host);
	if (base->port)
		snprintf(auth + n, sizeof(auth) - (size_t)n, ":%u", base->port);
	colon = memchr(loc, ':', loc_len);
	slash = memchr(loc, '/', loc_len);
	/* RFC 3986 §3.1: a scheme is what comes before a ':' that precedes any '/' */
	if (colon && (!slash || colon < slash)) {
		n = snprintf(s, sizeof(s), "%.*s", (int)loc_len, loc);	/* absolute */
	} else if (loc_len > 1 && loc[0] == '/' && loc[1] == '/') {
		n = snprintf(s, sizeof(s), "%s:%.*s", base->scheme, (int)loc_len, loc);
	} else if (loc[0] == '/') {
		n = snprintf(s, sizeof(s), "%s://%s%.*s", base->scheme, auth, (int)loc_len, loc);
	} else {
		/* RFC 3986 §5.2.3: merge with the base path's directory */
		slash = strrchr(base->path, '/');
		n = snprintf(s, sizeof(s), "%s://%s%.*s%.*s", base->scheme, auth,
			     (int)(slash - base->path + 1), base->path, (int)loc_len, loc);
	}
	if (n < 0 || (size_t)n >= sizeof(s))
		return -ENAMETOOLONG;
	err = rb_url_parse(s, out);
	if (err)
		return err;
	if (strcmp(out->scheme, "http") && strcmp(out->scheme, "https"))
		return -EINVAL;
	/* never downgrade: what came over TLS must not continue in the clear */
	if (!strcmp(base->scheme, "https") && strcmp(out->scheme, "https"))
		return -EPERM;
	return 0;
}
