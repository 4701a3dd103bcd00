// SPDX-License-Identifier: GPL-2.0-or-later
/* Option 242/176 strings (PROVISIONING.md "DHCP") and the option 43 table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sson.h"

static struct rb_sson S;

static void parse(const char *s)
{
	assert_int_equal(rb_sson_parse(s, strlen(s), &S), 0);
}

static const char *val(const char *name)
{
	for (size_t i = 0; i < S.count; i++)
		if (!strcmp(S.pairs[i].name, name))
			return S.pairs[i].value;
	return NULL;
}

static int teardown(void **state)
{
	rb_sson_free(&S);
	return 0;
}

static void real_string_176(void **state)
{
	parse("MCIPADD=cho-pbx01.lamundial.hn,MCPORT=1719,TFTPSRVR=cho-pbx01.lamundial.hn");
	assert_int_equal(S.count, 3);
	assert_string_equal(S.pairs[0].name, "MCIPADD");
	assert_string_equal(val("MCIPADD"), "cho-pbx01.lamundial.hn");
	assert_string_equal(val("MCPORT"), "1719");
	assert_string_equal(val("TFTPSRVR"), "cho-pbx01.lamundial.hn");
	assert_int_equal(S.invalid, 0);
}

static void blanks_after_commas_trimmed(void **state)
{
	parse("MCIPADD=cho-pbx01.lamundial.hn,MCPORT=1719,HTTPSRVR=10.2.248.2,L2Q=1, L2QVLAN=233,VLANTEST=0");
	assert_int_equal(S.count, 6);
	assert_string_equal(val("L2Q"), "1");
	assert_string_equal(val("L2QVLAN"), "233");
	assert_string_equal(val("VLANTEST"), "0");
}

static void names_case_insensitive_values_not(void **state)
{
	parse("httpSrvr=Files.Example,HTTPDIR=/Phones");
	assert_string_equal(val("HTTPSRVR"), "Files.Example");
	assert_string_equal(val("HTTPDIR"), "/Phones");
}

static void token_without_equals_continues_list(void **state)
{
	parse("HTTPSRVR=10.0.0.5,10.0.0.6, 10.0.0.7,HTTPDIR=/p");
	assert_string_equal(val("HTTPSRVR"), "10.0.0.5,10.0.0.6,10.0.0.7");
	assert_string_equal(val("HTTPDIR"), "/p");
}

static void empty_tokens_and_values(void **state)
{
	parse(",A=,,B=2,");
	assert_int_equal(S.count, 2);
	assert_string_equal(val("A"), "");
	assert_string_equal(val("B"), "2");
}

static void value_keeps_equals_signs(void **state)
{
	parse("SIP_CONTROLLER_LIST=10.0.0.1:5061;transport=tls");
	assert_string_equal(val("SIP_CONTROLLER_LIST"), "10.0.0.1:5061;transport=tls");
}

static void invalid_tokens_counted_not_fatal(void **state)
{
	parse("orphan,=x,BAD NAME=1,A$B=2,trailing,OK=1,SIP-Transport=UDP");
	assert_int_equal(S.count, 2);
	assert_string_equal(val("OK"), "1");
	assert_string_equal(val("SIP-TRANSPORT"), "UDP");	/* a name as settings files write it */
	/* orphan, =x, "BAD NAME", A$B, and "trailing" (it follows a bad pair) */
	assert_int_equal(S.invalid, 5);
}

static void later_duplicate_wins(void **state)
{
	parse("A=1,B=2,a=3");
	assert_int_equal(S.count, 2);
	assert_string_equal(val("A"), "3");
}

static void nul_ends_string(void **state)
{
	static const char s[] = "A=1\0B=2";

	assert_int_equal(rb_sson_parse(s, sizeof(s) - 1, &S), 0);
	assert_int_equal(S.count, 1);
	assert_null(val("B"));
}

static void too_long_refused(void **state)
{
	size_t n = RB_SSON_MAX_LEN + 1;
	char *s = malloc(n);

	memset(s, 'a', n);
	assert_int_equal(rb_sson_parse(s, n, &S), -E2BIG);
	assert_int_equal(S.count, 0);
	free(s);
}

static void too_many_pairs_counted(void **state)
{
	size_t n = (RB_SSON_MAX_PAIRS + 10) * 8;
	char *s = malloc(n + 1), *p = s;

	for (int i = 0; i < RB_SSON_MAX_PAIRS + 10; i++)
		p += snprintf(p, (size_t)(s + n + 1 - p), "N%04d=1,", i);
	assert_int_equal(rb_sson_parse(s, strlen(s), &S), 0);
	assert_int_equal(S.count, RB_SSON_MAX_PAIRS);
	assert_int_equal(S.invalid, 10);
	free(s);
}

static void apply_records_origin(void **state)
{
	struct rb_params *p = rb_params_new();
	struct rb_param_view v;

	parse("TFTPSRVR=a");
	rb_params_set_str(p, "TFTPSRVR", "opt66", RB_ORIGIN_DHCP);
	assert_int_equal(rb_sson_apply(&S, p, RB_ORIGIN_OPT242), 1);
	assert_true(rb_params_lookup(p, "TFTPSRVR", &v));
	assert_string_equal(v.value, "a");
	assert_int_equal(v.origin.kind, RB_ORIGIN_OPT242);
	rb_params_free(p);
}

static void option43_table(void **state)
{
	static const char *const want[] = {
		NULL, NULL, "HTTPSRVR", "HTTPDIR", "HTTPPORT", "TLSSRVR", "TLSDIR", "TLSPORT",
		"TLSSRVRID", "L2Q", "L2QVLAN", "PHY1STAT", "PHY2STAT", "PROCSTAT", "SIG",
		"SIP_CONTROLLER_LIST", NULL,
	};

	for (unsigned int c = 0; c < sizeof(want) / sizeof(want[0]); c++) {
		if (want[c])
			assert_string_equal(rb_opt43_name(c), want[c]);
		else
			assert_null(rb_opt43_name(c));
	}
	assert_null(rb_opt43_name(255));
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(real_string_176),
		T(blanks_after_commas_trimmed),
		T(names_case_insensitive_values_not),
		T(token_without_equals_continues_list),
		T(empty_tokens_and_values),
		T(value_keeps_equals_signs),
		T(invalid_tokens_counted_not_fatal),
		T(later_duplicate_wins),
		T(nul_ends_string),
		T(too_long_refused),
		T(too_many_pairs_counted),
		T(apply_records_origin),
		T(option43_table),
	};

	return cmocka_run_group_tests_name("sson", tests, NULL, NULL);
}
