// SPDX-License-Identifier: GPL-2.0-or-later
/* URL parsing for fetch: scheme://host[:port]/path (an RFC 3986 subset). */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "url.h"

static int copy_n(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(dst, src, n);
	dst[n] = 0;
	return 0;
}

static int parse_port(const char *s, size_t n, uint16_t *port)
{
	unsigned int v = 0;

	if (!n || n > 5)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (!v || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static bool host_char_ok(char c)
{
	/* RFC 3986 reg-name without percent-escapes, plus IPv4 dots. */
	return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}

int rb_url_parse(const char *s, struct rb_url *u)
{
	const char *p, *host, *host_end, *path;
	size_t i;
	int err;

	memset(u, 0, sizeof(*u));
	p = strstr(s, "://");
	if (!p || p == s || (size_t)(p - s) >= sizeof(u->scheme))
		return -EINVAL;
	for (i = 0; s + i < p; i++) {
		if (!isalpha((unsigned char)s[i]))
			return -EINVAL;
		u->scheme[i] = (char)tolower((unsigned char)s[i]);
	}
	host = p + 3;
	path = strchr(host, '/');
	if (!path)
		path = host + strlen(host);
	if (memchr(host, '@', (size_t)(path - host)))
		return -EINVAL;		/* no user info */
	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(path - host));
		if (!host_end || host_end == host + 1)
			return -EINVAL;
		for (p = host + 1; p < host_end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
				return -EINVAL;
		err = copy_n(u->host, sizeof(u->host), host + 1, (size_t)(host_end - host - 1));
		u->host_v6 = true;
		p = host_end + 1;
	} else {
		host_end = memchr(host, ':', (size_t)(path - host));
		if (!host_end)
			host_end = path;
		if (host_end == host)
			return -EINVAL;
		for (p = host; p < host_end; p++)
			if (!host_char_ok(*p))
				return -EINVAL;
		err = copy_n(u->host, sizeof(u->host), host, (size_t)(host_end - host));
		p = host_end;
	}
	if (err)
		return err;
	if (p < path) {
		if (*p != ':' || parse_port(p + 1, (size_t)(path - p - 1), &u->port))
			return -EINVAL;
	}
	if (strchr(path, '#'))
		return -EINVAL;
	for (p = path; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return -EINVAL;
	if (!*path)
		path = "/";
	return copy_n(u->path, sizeof(u->path), path, strlen(path));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int rb_url_unescape(const char *src, char *dst, size_t dstlen)
{
	size_t n = 0;

	for (; *src; src++) {
		char c = *src;

		if (c == '%') {
			int hi = hexval(src[1]), lo = hi < 0 ? -1 : hexval(src[2]);

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -EINVAL;
			c = (char)(hi << 4 | lo);
			src += 2;
		}
		if (n + 1 >= dstlen)
			return -ENAMETOOLONG;
		dst[n++] = c;
	}
	if (!dstlen)
		return -ENAMETOOLONG;
	dst[n] = 0;
	return (int)n;
}
