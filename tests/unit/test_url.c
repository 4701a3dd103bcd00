// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of URL parsing for fetch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "url.h"

static void test_good(void **state)
{
	struct rb_url u;

	assert_int_equal(rb_url_parse("tftp://192.0.2.1/46xxupgrade.scr", &u), 0);
	assert_string_equal(u.scheme, "tftp");
	assert_string_equal(u.host, "192.0.2.1");
	assert_int_equal(u.port, 0);
	assert_string_equal(u.path, "/46xxupgrade.scr");
	assert_int_equal(rb_url_parse("TFTP://files.example:1069/a/b%20c", &u), 0);
	assert_string_equal(u.scheme, "tftp");
	assert_string_equal(u.host, "files.example");
	assert_int_equal(u.port, 1069);
	assert_string_equal(u.path, "/a/b%20c");
	assert_int_equal(rb_url_parse("tftp://[2001:db8::1]:69/x", &u), 0);
	assert_true(u.host_v6);
	assert_string_equal(u.host, "2001:db8::1");
	assert_int_equal(u.port, 69);
	assert_int_equal(rb_url_parse("http://h", &u), 0);
	assert_string_equal(u.path, "/");
	assert_int_equal(rb_url_parse("http://h/p?q=1", &u), 0);
	assert_string_equal(u.path, "/p?q=1");
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"", "tftp:/x", "://h/x", "tftp://", "tftp:///x", "tftp://h:/x", "tftp://h:0/x",
		"tftp://h:65536/x", "tftp://h:12a/x", "tftp://[]/x", "tftp://[2001:db8::1/x",
		"tftp://[zz::1]/x", "tftp://user@h/x", "tftp://h/x#frag", "tftp://h/a b",
		"tftp://h/a\x7f", "tft1p://h/x", "verylongscheme://h/x", "tftp://h%41/x",
	};
	struct rb_url u;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rb_url_parse(bad[i], &u) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
}

static void test_long(void **state)
{
	char s[2048];
	struct rb_url u;

	memset(s, 'a', sizeof(s));
	memcpy(s, "tftp://", 7);
	s[300] = '/';
	s[sizeof(s) - 1] = 0;
	assert_int_equal(rb_url_parse(s, &u), -ENAMETOOLONG);
	s[300] = 'a';
	s[20] = '/';
	assert_int_equal(rb_url_parse(s, &u), -ENAMETOOLONG);
}

static void test_unescape(void **state)
{
	char out[16];

	assert_int_equal(rb_url_unescape("a%20b%2Fc", out, sizeof(out)), 5);
	assert_string_equal(out, "a b/c");
	assert_int_equal(rb_url_unescape("%00", out, sizeof(out)), -EINVAL);
	assert_int_equal(rb_url_unescape("%4", out, sizeof(out)), -EINVAL);
	assert_int_equal(rb_url_unescape("%zz", out, sizeof(out)), -EINVAL);
	assert_int_equal(rb_url_unescape("0123456789abcdef", out, sizeof(out)), -ENAMETOOLONG);
	assert_int_equal(rb_url_unescape("0123456789abcde", out, sizeof(out)), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_unescape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
