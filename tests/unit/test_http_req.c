// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the request side of the HTTP client: the GET request with
 * Host, User-Agent, Range and If-Range; redirect resolution (absolute,
 * scheme-relative, absolute-path, relative) and the https -> http refusal;
 * the command-line options (values refused cleanly, nothing injectable).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "fetch.h"
#include "http.h"

static void request_plain(void **state)
{
	struct rb_url u;
	char buf[1024];
	int n;

	assert_int_equal(rb_url_parse("http://192.0.2.1/dir/a.bin?x=1", &u), 0);
	n = rb_http_build_request(buf, sizeof(buf), &u, 80, "ringboot/1 (m; aa)", 0, NULL);
	assert_true(n > 0);
	assert_string_equal(buf, "GET /dir/a.bin?x=1 HTTP/1.1\r\nHost: 192.0.2.1\r\n"
				 "User-Agent: ringboot/1 (m; aa)\r\nAccept: */*\r\n\r\n");
	assert_int_equal((size_t)n, strlen(buf));
}

static void request_range_v6_port(void **state)
{
	struct rb_url u;
	char buf[1024];

	assert_int_equal(rb_url_parse("https://[2001:db8::1]:8443/f", &u), 0);
	assert_true(rb_http_build_request(buf, sizeof(buf), &u, 443, "ua", 524288, "\"v1\"") > 0);
	assert_non_null(strstr(buf, "Host: [2001:db8::1]:8443\r\n"));
	assert_non_null(strstr(buf, "Range: bytes=524288-\r\nIf-Range: \"v1\"\r\n\r\n"));
	/* no If-Range without a validator */
	assert_true(rb_http_build_request(buf, sizeof(buf), &u, 443, "ua", 10, "") > 0);
	assert_null(strstr(buf, "If-Range"));
	/* too small a buffer, and header injection, are refused */
	assert_int_equal(rb_http_build_request(buf, 20, &u, 443, "ua", 0, NULL), -ENAMETOOLONG);
	assert_int_equal(rb_http_build_request(buf, sizeof(buf), &u, 443, "ua\r\nX: y", 0, NULL),
			 -EINVAL);
}

static void user_agent(void **state)
{
	char ua[128];

	assert_true(rb_http_user_agent(ua, sizeof(ua), "J189", "00:11:22:33:44:55") > 0);
	assert_string_equal(ua, "ringboot/" RINGBOOT_VERSION " (J189; 00:11:22:33:44:55)");
	assert_true(rb_http_user_agent(ua, sizeof(ua), NULL, NULL) > 0);
	assert_string_equal(ua, "ringboot/" RINGBOOT_VERSION " (unknown; unknown)");
	assert_int_equal(rb_http_user_agent(ua, 8, "J189", NULL), -ENAMETOOLONG);
}

static void redirects(void **state)
{
	struct rb_url base, out;

	assert_int_equal(rb_url_parse("http://192.0.2.1:8080/a/b/c.txt", &base), 0);
#define R(loc) rb_http_redirect_target(&base, loc, strlen(loc), &out)
	assert_int_equal(R("http://example.test/x"), 0);
	assert_string_equal(out.host, "example.test");
	assert_string_equal(out.path, "/x");
	assert_int_equal(R("/root.bin"), 0);
	assert_string_equal(out.host, "192.0.2.1");
	assert_int_equal(out.port, 8080);
	assert_string_equal(out.path, "/root.bin");
	assert_int_equal(R("sib.bin"), 0);
	assert_string_equal(out.path, "/a/b/sib.bin");
	assert_int_equal(R("//other.test/y"), 0);
	assert_string_equal(out.scheme, "http");
	assert_string_equal(out.host, "other.test");
	assert_int_equal(R("https://secure.test/z"), 0);	/* upgrade is fine */
	assert_string_equal(out.scheme, "https");
	assert_int_equal(R("ftp://x/y"), -EINVAL);
	assert_int_equal(R("tftp://x/y"), -EINVAL);

	/* never from https to http, whatever the spelling */
	assert_int_equal(rb_url_parse("https://192.0.2.1/f", &base), 0);
	assert_int_equal(R("http://192.0.2.1/f"), -EPERM);
	assert_int_equal(R("//192.0.2.1/f"), 0);	/* scheme-relative stays https */
	assert_string_equal(out.scheme, "https");
	assert_int_equal(R("/g"), 0);
	assert_string_equal(out.scheme, "https");
#undef R
}

static void cli_options(void **state)
{
	struct rb_fetch_opts o = { 0 };

	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_CA, "/etc/ca.pem"), 1);
	assert_string_equal(o.ca_file, "/etc/ca.pem");
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_IDLE_TIMEOUT, "2.5"), 1);
	assert_true(o.idle_timeout == 2.5);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_IDLE_TIMEOUT, "0"), -EINVAL);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_CONNECT_TIMEOUT, "1e9"), -EINVAL);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_HTTP_RETRIES, "-1"), -EINVAL);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_HTTP_RETRIES, "3"), 1);
	assert_int_equal(o.http_retries, 3);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_TLS_PREFER, "aes"), 1);
	assert_int_equal(o.tls_prefer, RB_TLS_PREFER_AES);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_TLS_PREFER, "none"), -EINVAL);
	/* what goes into the User-Agent header cannot carry a line break */
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_MAC, "00:11:22:33:44:55"), 1);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_MAC, "00:11:22:33:44:5\n"), -EINVAL);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_MAC, "001122334455"), -EINVAL);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_MODEL, "J189"), 1);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_MODEL, "J189\r\nX: y"), -EINVAL);
	assert_int_equal(rb_http_cli_opt(&o, RB_HTTP_OPT_MODEL, ""), -EINVAL);
	/* not an HTTP option */
	assert_int_equal(rb_http_cli_opt(&o, 'o', "x"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_plain),
		cmocka_unit_test(request_range_v6_port),
		cmocka_unit_test(user_agent),
		cmocka_unit_test(redirects),
		cmocka_unit_test(cli_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
