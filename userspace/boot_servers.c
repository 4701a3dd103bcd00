// SPDX-License-Identifier: GPL-2.0-or-later
/* The server list of the boot (boot_servers.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boot_servers.h"
#include "numparse.h"

const char *rb_boot_proto_name(enum rb_boot_proto proto)
{
	switch (proto) {
	case RB_PROTO_HTTPS: return "https";
	case RB_PROTO_HTTP: return "http";
	case RB_PROTO_TFTP: return "tftp";
	}
	return "?";
}

/*
 * Host names and IPv4 addresses: letters, digits, '-', '.', '_'. Anything
 * with a ':' must be an IPv6 literal (RFC 4291 section 2.2), so that a URL
 * is never built around a mangled entry.
 */
static bool host_ok(const char *h, size_t len)
{
	char v6[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (!len || len > 253)
		return false;
	if (memchr(h, ':', len)) {
		if (len >= sizeof(v6))
			return false;
		memcpy(v6, h, len);
		v6[len] = '\0';
		return inet_pton(AF_INET6, v6, &a) == 1;
	}
	for (size_t i = 0; i < len; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return false;
	}
	return true;
}

/* A port in 1..65535, else 0. */
static unsigned int port_of(const char *s)
{
	long v;

	return s && !rb_parse_long(s, 1, 65535, &v) ? (unsigned int)v : 0;
}

/*
 * The identity a directory may name: the guide's three, in capital letters,
 * and the _UPPER spellings of the scripts (the same values). The _UPPER forms
 * first: $MACADDR is their prefix.
 */
static const struct {
	const char *token;	/* after '$', matched ignoring case */
	const char *var;
} dir_vars[] = {
	{ "MACADDR_UPPER", "MACADDR" },
	{ "MACADDR", "MACADDR" },
	{ "SERIALNO_UPPER", "SERIALNO" },
	{ "SERIALNO", "SERIALNO" },
	{ "MODEL4", "MODEL4" },
};

static bool put_upper(char *out, size_t len, size_t *o, const char *s, size_t n)
{
	if (*o + n >= len)
		return false;
	for (size_t i = 0; i < n; i++)
		out[*o + i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
	*o += n;
	return true;
}

int rb_boot_dir_expand(const struct rb_params *p, const char *name, const char *dir, char *out,
		       size_t len, char *why, size_t whylen)
{
	size_t o = 0, n;

	if (!dir)
		dir = "";
	while (*dir == '/')
		dir++;
	n = strlen(dir);
	while (n && dir[n - 1] == '/')
		n--;
	for (size_t i = 0; i < n;) {
		size_t k, tl = 0;
		const char *v;

		if (dir[i] != '$') {
			if (o + 1 >= len)
				goto too_long;
			out[o++] = dir[i++];
			continue;
		}
		for (k = 0; k < sizeof(dir_vars) / sizeof(dir_vars[0]); k++) {
			tl = strlen(dir_vars[k].token);
			if (n - i - 1 >= tl && !strncasecmp(dir + i + 1, dir_vars[k].token, tl))
				break;
		}
		if (k == sizeof(dir_vars) / sizeof(dir_vars[0])) {
			snprintf(why, whylen, "%s '%.*s': '$' names none of $MACADDR, $MODEL4, "
				 "$SERIALNO", name, (int)(n < 200 ? n : 200), dir);
			return -EINVAL;
		}
		v = rb_params_get_trusted(p, dir_vars[k].var);
		if (!v || !*v) {
			snprintf(why, whylen, "%s '%.*s': the handset's %s is unknown (the "
				 "configuration sets none)", name, (int)(n < 200 ? n : 200), dir,
				 dir_vars[k].var);
			return -EINVAL;
		}
		if (!put_upper(out, len, &o, v, strlen(v)))
			goto too_long;
		i += tl + 1;
	}
	out[o] = '\0';
	if (o && !rb_boot_file_name_ok(out)) {
		snprintf(why, whylen, "%s '%.200s': not a path of file names ([A-Za-z0-9._+~-] "
			 "between '/', no '.' or '..')", name, out);
		return -EINVAL;
	}
	return 0;
too_long:
	snprintf(why, whylen, "%s is longer than %zu bytes", name, len - 1);
	return -ENAMETOOLONG;
}

/*
 * One entry of a server list: "host", "host:port", "[v6]", "[v6]:port" or a
 * bare IPv6 literal (two or more colons).
 */
static int add_entry(struct rb_boot_servers *out, enum rb_boot_proto proto, const char *e,
		     size_t len, unsigned int port, const char *dir)
{
	struct rb_boot_server *s;
	const char *host = e, *colon;
	size_t hlen = len;
	unsigned int p = port;
	char pbuf[8];

	if (out->n >= RB_BOOT_MAX_SERVERS)
		return -E2BIG;
	if (len && e[0] == '[') {
		const char *close = memchr(e, ']', len);

		if (!close)
			goto bad;
		host = e + 1;
		hlen = (size_t)(close - host);
		if (close + 1 < e + len) {
			if (close[1] != ':' || (size_t)(e + len - close - 2) >= sizeof(pbuf))
				goto bad;
			memcpy(pbuf, close + 2, (size_t)(e + len - close - 2));
			pbuf[e + len - close - 2] = '\0';
			p = port_of(pbuf);
			if (!p)
				goto bad;
		}
	} else if ((colon = memchr(e, ':', len)) && !memchr(colon + 1, ':', len - (size_t)(colon - e) - 1)) {
		size_t plen = len - (size_t)(colon - e) - 1;

		if (plen >= sizeof(pbuf))
			goto bad;
		memcpy(pbuf, colon + 1, plen);
		pbuf[plen] = '\0';
		p = port_of(pbuf);
		if (!p)
			goto bad;
		hlen = (size_t)(colon - e);
	}
	if (!host_ok(host, hlen) || hlen >= sizeof(s->host))
		goto bad;
	s = &out->s[out->n++];
	s->proto = proto;
	memcpy(s->host, host, hlen);
	s->host[hlen] = '\0';
	s->port = p;
	memcpy(s->dir, dir, strlen(dir) + 1);	/* rb_boot_dir_expand() bounded it */
	return 0;
bad:
	out->ignored++;
	return 0;
}

/*
 * A list: entries separated by commas and/or blanks, in directory dirname
 * (HTTPDIR, ...) of p. A directory that does not expand leaves every entry
 * out (a server is never asked in another place than the one administered).
 */
static int add_list(struct rb_boot_servers *out, const struct rb_params *p,
		    enum rb_boot_proto proto, const char *list, const char *port, const char *dirname)
{
	char dir[sizeof(out->s[0].dir)], why[sizeof(out->why)];
	unsigned int pn = port_of(port);
	const char *s = list;
	bool bad_dir;
	int err;

	if (!list)
		return 0;
	bad_dir = rb_boot_dir_expand(p, dirname, rb_params_get(p, dirname), dir, sizeof(dir),
				     why, sizeof(why)) != 0;
	if (bad_dir && !out->why[0])
		memcpy(out->why, why, sizeof(why));
	while (*s) {
		size_t len;

		while (*s == ',' || *s == ' ' || *s == '\t')
			s++;
		len = strcspn(s, ", \t");
		if (len && bad_dir) {
			out->ignored++;
		} else if (len) {
			err = add_entry(out, proto, s, len, pn, dir);
			if (err)
				return err;
		}
		s += len;
	}
	return 0;
}

int rb_boot_servers_build(struct rb_boot_servers *out, const struct rb_params *p)
{
	const char *auth = rb_params_get(p, "AUTH");
	bool https_only = auth && !strcmp(auth, "1");
	int err;

	memset(out, 0, sizeof(*out));
	err = add_list(out, p, RB_PROTO_HTTPS, rb_params_get(p, "TLSSRVR"),
		       rb_params_get(p, "TLSPORT"), "TLSDIR");
	if (err || https_only)
		return err;
	err = add_list(out, p, RB_PROTO_HTTP, rb_params_get(p, "HTTPSRVR"),
		       rb_params_get(p, "HTTPPORT"), "HTTPDIR");
	if (err)
		return err;
	return add_list(out, p, RB_PROTO_TFTP, rb_params_get(p, "TFTPSRVR"), NULL, "TFTPDIR");
}

bool rb_boot_file_name_ok(const char *name)
{
	const char *c = name;

	if (!*name || *name == '/')
		return false;
	while (*c) {
		size_t len = strcspn(c, "/");

		if (!len || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		for (size_t i = 0; i < len; i++) {
			char ch = c[i];

			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || strchr("._+~-", ch)))
				return false;
		}
		c += len;
		if (*c == '/' && !*++c)
			return false;	/* trailing '/' */
	}
	return true;
}

static void host_port(const struct rb_boot_server *s, char *out, size_t len)
{
	bool v6 = strchr(s->host, ':') != NULL;

	if (s->port)
		snprintf(out, len, v6 ? "[%s]:%u" : "%s:%u", s->host, s->port);
	else
		snprintf(out, len, v6 ? "[%s]" : "%s", s->host);
}

void rb_boot_server_describe(const struct rb_boot_server *s, char *out, size_t len)
{
	char hp[300];

	host_port(s, hp, sizeof(hp));
	snprintf(out, len, "%s://%s/%s", rb_boot_proto_name(s->proto), hp, s->dir);
}

int rb_boot_server_url(const struct rb_boot_server *s, const char *file, char *out, size_t len)
{
	char hp[300];
	int n;

	if (!rb_boot_file_name_ok(file))
		return -EINVAL;
	host_port(s, hp, sizeof(hp));
	n = snprintf(out, len, "%s://%s/%s%s%s", rb_boot_proto_name(s->proto), hp, s->dir,
		     s->dir[0] ? "/" : "", file);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}
