// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot's server list and file URLs (userspace/boot_servers.c,
 * PROVISIONING.md "Download order"): order by protocol and list position,
 * AUTH=1, ports and directories, hostile list entries, and the names a
 * script may GET.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "boot_servers.h"

static struct rb_boot_servers S;

static void build(const char *const *kv)
{
	struct rb_params *p = rb_params_new();

	assert_non_null(p);
	for (; kv[0]; kv += 2)
		assert_int_equal(rb_params_set_str(p, kv[0], kv[1], RB_ORIGIN_DHCP), 1);
	assert_int_equal(rb_boot_servers_build(&S, p), 0);
	rb_params_free(p);
}

static const char *url(size_t i, const char *file)
{
	static char buf[1024];

	assert_true(i < S.n);
	assert_int_equal(rb_boot_server_url(&S.s[i], file, buf, sizeof(buf)), 0);
	return buf;
}

static void test_order_ports_dirs(void **state)
{
	static const char *const kv[] = {
		"TFTPSRVR", "192.0.2.9", "TFTPDIR", "/tftp/",
		"HTTPSRVR", "192.0.2.7, files.example:8080 [2001:db8::5]:81", "HTTPDIR", "phones",
		"TLSSRVR", "tls.example", "TLSPORT", "4443", "TLSDIR", "/secure/dir",
		NULL,
	};

	(void)state;
	build(kv);
	assert_int_equal(S.n, 5);
	assert_string_equal(url(0, "96x1Hupgrade.txt"), "https://tls.example:4443/secure/dir/96x1Hupgrade.txt");
	assert_string_equal(url(1, "46xxsettings.txt"), "http://192.0.2.7/phones/46xxsettings.txt");
	assert_string_equal(url(2, "a"), "http://files.example:8080/phones/a");
	assert_string_equal(url(3, "a"), "http://[2001:db8::5]:81/phones/a");
	assert_string_equal(url(4, "S96x1_SALBR6_6_0.bin"), "tftp://192.0.2.9/tftp/S96x1_SALBR6_6_0.bin");
	assert_int_equal(S.ignored, 0);
}

static void test_auth_https_only(void **state)
{
	static const char *const kv[] = {
		"AUTH", "1", "TLSSRVR", "tls.example", "HTTPSRVR", "192.0.2.7", "TFTPSRVR", "192.0.2.9",
		NULL,
	};

	(void)state;
	build(kv);
	assert_int_equal(S.n, 1);
	assert_int_equal(S.s[0].proto, RB_PROTO_HTTPS);
}

static void test_hostile_entries_ignored(void **state)
{
	static const char *const kv[] = {
		"HTTPSRVR", "good.example,[2001:db8::1,bad:port:x:,host:99999,a/b,,[::1]:x,"
			    "2001:db8::7,[fe80::1%eth0],192.0.2.1:80",
		NULL,
	};

	(void)state;
	build(kv);
	assert_int_equal(S.n, 3);
	assert_string_equal(S.s[0].host, "good.example");
	assert_string_equal(S.s[1].host, "2001:db8::7");	/* a bare IPv6 literal */
	assert_int_equal(S.s[1].port, 0);
	assert_string_equal(S.s[2].host, "192.0.2.1");
	assert_int_equal(S.s[2].port, 80);
	assert_int_equal(S.ignored, 6);
}

static void test_file_names(void **state)
{
	static const char *const good[] = {
		"46xxsettings.txt", "sub/dir/file.bin", "a-b_c+d~e.9", "..hidden", "x..y",
	};
	static const char *const bad[] = {
		"", "/etc/passwd", "../x", "a/../b", "a/./b", ".", "..", "a//b", "a/", "a b",
		"a\\b", "http://evil/x", "a?b", "a%2fb", "a\tb", "\xc3\xa9",
	};
	struct rb_boot_server s = { .proto = RB_PROTO_HTTP, .host = "192.0.2.1" };
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(rb_boot_file_name_ok(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(rb_boot_file_name_ok(bad[i]));
		assert_int_equal(rb_boot_server_url(&s, bad[i], buf, sizeof(buf)), -EINVAL);
	}
	/* Too long for the caller's buffer: refused, never cut. */
	assert_int_equal(rb_boot_server_url(&s, "a-rather-long-file-name-that-does-not-fit.bin",
					    buf, 32), -ENAMETOOLONG);
}

/* APPNAME firmware/FW_S_J169_R4_1_3_0_6.bin is fetched as written, under the directory. */
static void test_file_with_directory(void **state)
{
	struct rb_boot_server s = { .proto = RB_PROTO_TFTP, .host = "192.0.2.9", .dir = "tftp" };
	char buf[128];

	(void)state;
	assert_true(rb_boot_file_name_ok("firmware/FW_S_J169_R4_1_3_0_6.bin"));
	assert_int_equal(rb_boot_server_url(&s, "firmware/FW_S_J169_R4_1_3_0_6.bin", buf,
					    sizeof(buf)), 0);
	assert_string_equal(buf, "tftp://192.0.2.9/tftp/firmware/FW_S_J169_R4_1_3_0_6.bin");
}

/* kv: NAME, VALUE, origin kind (as a string: "config", "option242", ...). */
static void build_from(const char *const *kv)
{
	struct rb_params *p = rb_params_new();

	assert_non_null(p);
	for (; kv[0]; kv += 3)
		assert_true(rb_params_set_str(p, kv[0], kv[1], rb_origin_parse(kv[2])) >= 0);
	assert_int_equal(rb_boot_servers_build(&S, p), 0);
	rb_params_free(p);
}

/*
 * Avaya's 46xxsettings.txt template on HTTPDIR and TLSDIR: "$MACADDR, $MODEL4,
 * $SERIALNO ... replaced with relevant MAC address (capital letters without
 * colons), MODEL4 (capital letters) and Serial number (capital letters)";
 * "If HTTPDIR is configured to "$MODEL4dir" then all J169 files download ...
 * will be from "J169dir"". TFTPDIR the same (ringboot rule).
 */
static void test_dir_identity(void **state)
{
	static const char *const kv[] = {
		"MACADDR", "0a0b0c0d0e0f", "config", "MODEL4", "J169", "config",
		"SERIALNO", "21ab0042", "config",
		"TLSSRVR", "tls.example", "option242", "TLSDIR", "$MODEL4dir", "option242",
		"HTTPSRVR", "192.0.2.7", "option242", "HTTPDIR", "/phones/$MACADDR/", "option242",
		"TFTPSRVR", "192.0.2.9", "option242", "TFTPDIR", "$macaddr_upper-$SerialNo", "option242",
		NULL,
	};

	(void)state;
	build_from(kv);
	assert_int_equal(S.n, 3);
	assert_string_equal(url(0, "J100Supgrade.txt"), "https://tls.example/J169dir/J100Supgrade.txt");
	assert_string_equal(url(1, "46xxsettings.txt"),
			    "http://192.0.2.7/phones/0A0B0C0D0E0F/46xxsettings.txt");
	assert_string_equal(url(2, "a.bin"), "tftp://192.0.2.9/0A0B0C0D0E0F-21AB0042/a.bin");
	assert_int_equal(S.ignored, 0);
	assert_string_equal(S.why, "");
}

/* The identity in a directory is the owner's: a network MACADDR or MODEL4 is not it. */
static void test_dir_identity_is_the_owners(void **state)
{
	static const char *const both[] = {
		"MACADDR", "0a0b0c0d0e0f", "default", "MACADDR", "ffffffffffff", "option242",
		"MODEL4", "J169", "config", "MODEL4", "J129", "file",
		"HTTPSRVR", "192.0.2.7", "option242", "HTTPDIR", "$MACADDR/$MODEL4", "option242",
		NULL,
	};
	static const char *const network_only[] = {
		"MACADDR", "ffffffffffff", "option242",
		"HTTPSRVR", "192.0.2.7", "option242", "HTTPDIR", "$MACADDR", "option242",
		"TFTPSRVR", "192.0.2.9", "option242",
		NULL,
	};

	(void)state;
	build_from(both);
	assert_int_equal(S.n, 1);
	assert_string_equal(url(0, "x.txt"), "http://192.0.2.7/0A0B0C0D0E0F/J169/x.txt");
	/* No MAC of the owner's: the HTTP servers are left out, TFTP (no TFTPDIR) stays. */
	build_from(network_only);
	assert_int_equal(S.n, 1);
	assert_int_equal(S.s[0].proto, RB_PROTO_TFTP);
	assert_int_equal(S.ignored, 1);
	assert_non_null(strstr(S.why, "HTTPDIR '$MACADDR'"));
	assert_non_null(strstr(S.why, "MACADDR is unknown"));
}

/* After substitution the directory keeps the file-name rules; else its servers go. */
static void test_dir_refused(void **state)
{
	static const char *const bad_serial[] = {
		"SERIALNO", "ab/../../etc", "config",
		"TLSSRVR", "a.example,b.example", "option242", "TLSDIR", "$SERIALNO", "option242",
		"HTTPSRVR", "192.0.2.7", "option242",
		NULL,
	};
	static const char *const cases[][2] = {
		{ "a/../b", "not a path of file names" },
		{ "a//b", "not a path of file names" },
		{ "my dir", "not a path of file names" },
		{ "$HOME", "names none of" },
		{ "$SERIALNO", "SERIALNO is unknown" },
		{ "$MODEL4", "MODEL4 is unknown" },
	};

	(void)state;
	build_from(bad_serial);
	assert_int_equal(S.n, 1);
	assert_int_equal(S.s[0].proto, RB_PROTO_HTTP);
	assert_int_equal(S.ignored, 2);
	assert_non_null(strstr(S.why, "TLSDIR 'AB/../../ETC': not a path of file names"));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *kv[] = { "HTTPSRVR", "192.0.2.7", "option242",
				     "HTTPDIR", cases[i][0], "option242", NULL };

		build_from(kv);
		assert_int_equal(S.n, 0);
		assert_int_equal(S.ignored, 1);
		assert_non_null(strstr(S.why, cases[i][1]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_ports_dirs),
		cmocka_unit_test(test_auth_https_only),
		cmocka_unit_test(test_hostile_entries_ignored),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_file_with_directory),
		cmocka_unit_test(test_dir_identity),
		cmocka_unit_test(test_dir_identity_is_the_owners),
		cmocka_unit_test(test_dir_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
