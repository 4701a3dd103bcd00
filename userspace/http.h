/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP/1.1 and HTTPS transport of the fetch framework (fetch.h), on the
 * io_uring loop (uring.h), with wolfSSL over memory buffers (tls.h).
 *
 * Keep-alive: a struct rb_http_pool, given to every fetch of a run through
 * rb_fetch_opts.http_pool, keeps idle connections (one per scheme, host and
 * port) and the TLS session to resume, so the boot's script, image and
 * settings share one TCP connection and one full TLS handshake.
 */
#ifndef RINGBOOT_HTTP_H
#define RINGBOOT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tls.h"
#include "url.h"

enum rb_http_pool_limits {
	RB_HTTP_POOL_MAX = 4,	/* idle connections kept */
};

struct rb_http_conn;

struct rb_http_pool {
	struct rb_http_conn *idle[RB_HTTP_POOL_MAX];
	struct rb_tls_ctx tls;
	bool tls_ready;
	uint64_t connects;	/* TCP connections opened (for tests and --json) */
};

void rb_http_pool_init(struct rb_http_pool *p);
/* Close idle connections (with a TLS close_notify best effort) and free. */
void rb_http_pool_free(struct rb_http_pool *p);

/* The request's User-Agent: "ringboot/VERSION (MODEL; MAC)". */
int rb_http_user_agent(char *buf, size_t len, const char *model, const char *mac);

/*
 * Resolve a redirect target (RFC 9110 §10.2.2, RFC 3986 §5) against base:
 * absolute http(s) URL, "//host/path", "/path" or a relative path. The
 * result is checked by rb_url_parse. 0, -EINVAL, -ENAMETOOLONG, or -EPERM for
 * https -> http.
 */
int rb_http_redirect_target(const struct rb_url *base, const char *loc, size_t loc_len,
			    struct rb_url *out);

/*
 * Build a GET request for u into buf. range_from > 0 adds "Range:
 * bytes=N-" and, when validator is not empty, "If-Range: validator". Returns
 * the length or -ENAMETOOLONG.
 */
int rb_http_build_request(char *buf, size_t len, const struct rb_url *u, uint16_t default_port,
			  const char *user_agent, uint64_t range_from, const char *validator);

/*
 * Command-line options of the HTTP transport, shared by every verb that
 * fetches: add RB_HTTP_LONGOPTS to the getopt_long table and pass unknown
 * option values to rb_http_cli_opt().
 */
enum {
	RB_HTTP_OPT_CA = 0x2000,
	RB_HTTP_OPT_TLS_NAME,
	RB_HTTP_OPT_TLS_PREFER,
	RB_HTTP_OPT_CONNECT_TIMEOUT,
	RB_HTTP_OPT_FIRST_BYTE_TIMEOUT,
	RB_HTTP_OPT_IDLE_TIMEOUT,
	RB_HTTP_OPT_RETRY_AFTER_MAX,
	RB_HTTP_OPT_HTTP_RETRIES,
	RB_HTTP_OPT_MODEL,
	RB_HTTP_OPT_MAC,
};
#define RB_HTTP_LONGOPTS                                                               \
	{ "ca", required_argument, NULL, RB_HTTP_OPT_CA },                             \
	{ "tls-name", required_argument, NULL, RB_HTTP_OPT_TLS_NAME },                 \
	/* the earlier spelling of --tls-name: existing command lines keep working */  \
	{ "tls-server-id", required_argument, NULL, RB_HTTP_OPT_TLS_NAME },            \
	{ "tls-prefer", required_argument, NULL, RB_HTTP_OPT_TLS_PREFER },             \
	{ "connect-timeout", required_argument, NULL, RB_HTTP_OPT_CONNECT_TIMEOUT },   \
	{ "first-byte-timeout", required_argument, NULL, RB_HTTP_OPT_FIRST_BYTE_TIMEOUT }, \
	{ "idle-timeout", required_argument, NULL, RB_HTTP_OPT_IDLE_TIMEOUT },         \
	{ "retry-after-max", required_argument, NULL, RB_HTTP_OPT_RETRY_AFTER_MAX },   \
	{ "http-retries", required_argument, NULL, RB_HTTP_OPT_HTTP_RETRIES },         \
	{ "model", required_argument, NULL, RB_HTTP_OPT_MODEL },                       \
	{ "mac", required_argument, NULL, RB_HTTP_OPT_MAC }

struct rb_fetch_opts;
/* 1: c was an HTTP option (applied to o), 0: not one, -EINVAL: bad value. */
int rb_http_cli_opt(struct rb_fetch_opts *o, int c, const char *arg);
/* The HTTP options' lines of a verb's --help. */
void rb_http_cli_usage(FILE *out);

#endif
