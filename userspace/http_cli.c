// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line options of the HTTP/HTTPS transport (http.h, docs/cli.md). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "http.h"
#include "numparse.h"

/* Timeouts and waits: above 0, at most a day. */
static int secs(const char *s, double *v)
{
	return rb_parse_seconds(s, 86400, v);
}

/* aa:bb:cc:dd:ee:ff: it goes into a header, so nothing else is accepted */
static bool mac_ok(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

static bool model_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.+", *s))
			return false;
	return true;
}

int rb_http_cli_opt(struct rb_fetch_opts *o, int c, const char *arg)
{
	unsigned long long v;

	switch (c) {
	case RB_HTTP_OPT_CA:
		o->ca_file = arg;
		return 1;
	case RB_HTTP_OPT_TLS_NAME:
		if (!*arg || strlen(arg) >= RB_URL_HOST_MAX)
			return -EINVAL;
		o->tls_name = arg;
		return 1;
	case RB_HTTP_OPT_TLS_PREFER: {
		enum rb_tls_prefer p;

		if (rb_tls_prefer_parse(arg, &p))
			return -EINVAL;
		o->tls_prefer = p;
		return 1;
	}
	case RB_HTTP_OPT_CONNECT_TIMEOUT:
		return secs(arg, &o->connect_timeout) ?: 1;
	case RB_HTTP_OPT_FIRST_BYTE_TIMEOUT:
		return secs(arg, &o->first_byte_timeout) ?: 1;
	case RB_HTTP_OPT_IDLE_TIMEOUT:
		return secs(arg, &o->idle_timeout) ?: 1;
	case RB_HTTP_OPT_RETRY_AFTER_MAX:
		return secs(arg, &o->retry_after_max) ?: 1;
	case RB_HTTP_OPT_HTTP_RETRIES:
		if (rb_parse_ullong(arg, 1, 100, &v))
			return -EINVAL;
		o->http_retries = (unsigned int)v;
		return 1;
	case RB_HTTP_OPT_MODEL:
		if (!model_ok(arg))
			return -EINVAL;
		o->model = arg;
		return 1;
	case RB_HTTP_OPT_MAC:
		if (!mac_ok(arg))
			return -EINVAL;
		o->mac = arg;
		return 1;
	}
	return 0;
}

void rb_http_cli_usage(FILE *out)
{
	fputs("HTTP and HTTPS (http://host[:port]/path, https://...):\n"
	      "      --ca FILE         trust anchors (PEM) for https; required, verification\n"
	      "                        is always on\n"
	      "      --tls-name NAME   the name (DNS name or IP address) the server\n"
	      "                        certificate must carry (default: the URL host;\n"
	      "                        --tls-server-id NAME, its earlier spelling, too)\n"
	      "      --tls-prefer auto|chacha20|aes  which AEAD is offered first (default\n"
	      "                        auto: AES-GCM where wolfSSL runs it in hardware here)\n"
	      "      --connect-timeout S     (default 10)\n"
	      "      --first-byte-timeout S  request sent to complete response head (default 30)\n"
	      "      --idle-timeout S  a window with under 512 bytes of progress is a stall\n"
	      "                        (default 10)\n"
	      "      --retry-after-max S  longest 503 Retry-After waited for (default 30)\n"
	      "      --http-retries N  reconnects to resume a broken or stalled download\n"
	      "                        (default 5)\n"
	      "      --model NAME, --mac AA:BB:CC:DD:EE:FF  User-Agent details\n"
	      "                        (default: unknown; the MAC of the interface used)\n",
	      out);
}
