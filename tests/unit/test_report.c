// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the boot timeline (report.h): nesting, the table, the JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* The boot's shape: interpret holds image (which holds commit), a skipped
 * phase and two settings downloads; apply follows at the top level. */
static void boot_shape(struct rb_report *r)
{
	int in, im, c, s;

	rb_report_init(r);
	rb_report_end(r, rb_report_begin(r, "config"), 0, 0, "conf");
	rb_report_end(r, rb_report_begin(r, "script"), 0, 150, "script");
	in = rb_report_begin(r, "interpret");
	im = rb_report_begin(r, "image");
	c = rb_report_begin(r, "commit");
	rb_report_end(r, c, 0, 0, "committed");
	rb_report_end(r, im, 0, 4096, "image");
	rb_report_skip(r, "hook", "nothing owed");
	s = rb_report_begin(r, "settings");
	rb_report_end(r, s, 0, 79, "46xxsettings.txt");
	s = rb_report_begin(r, "settings");
	rb_report_end(r, s, 0, 47, "mac.txt");
	rb_report_end(r, in, 0, 0, "3 files");
	rb_report_end(r, rb_report_begin(r, "apply"), 0, 0, "applied");
}

static void test_nesting(void **state)
{
	struct rb_report r;
	static const struct {
		const char *name;
		int parent;
		unsigned int depth;
	} want[] = {
		{ "config", -1, 0 }, { "script", -1, 0 }, { "interpret", -1, 0 },
		{ "image", 2, 1 }, { "commit", 3, 2 }, { "hook", 2, 1 },
		{ "settings", 2, 1 }, { "settings", 2, 1 }, { "apply", -1, 0 },
	};

	boot_shape(&r);
	assert_int_equal(r.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < r.n; i++) {
		assert_string_equal(r.ph[i].name, want[i].name);
		assert_int_equal(r.ph[i].parent, want[i].parent);
		assert_int_equal(r.ph[i].depth, want[i].depth);
	}
	assert_int_equal(r.open, -1);
}

/* A phase ended while one inside it still runs closes both. */
static void test_out_of_order(void **state)
{
	struct rb_report r;
	int a, b;

	rb_report_init(&r);
	a = rb_report_begin(&r, "outer");
	b = rb_report_begin(&r, "inner");
	rb_report_end(&r, a, 0, 0, "outer ends first");
	assert_int_equal(r.open, -1);
	assert_int_equal(rb_report_begin(&r, "next"), 2);
	assert_int_equal(r.ph[2].parent, -1);
	rb_report_end(&r, b, 0, 0, "late");
	assert_int_equal(r.open, 2);	/* ending a closed phase changes nothing */
}

/* A phase timed elsewhere lands inside the running one, with its own times. */
static void test_add(void **state)
{
	struct rb_report r;
	int d;

	rb_report_init(&r);
	d = rb_report_begin(&r, "dhcp");
	rb_report_add(&r, "lldp", r.t0_ns + 1000, r.t0_ns + 5000, 0, 0, "voice VLAN %d", 233);
	assert_int_equal(r.open, d);	/* dhcp still runs */
	assert_int_equal(r.ph[1].parent, d);
	assert_int_equal(r.ph[1].depth, 1);
	assert_int_equal(r.ph[1].start_ns, 1000);
	assert_int_equal(r.ph[1].end_ns, 5000);
	assert_string_equal(r.ph[1].detail, "voice VLAN 233");
	/* times before the report began, or an end before the start, stay in order */
	rb_report_add(&r, "early", r.t0_ns - 10, r.t0_ns - 20, 0, 0, "x");
	assert_int_equal(r.ph[2].start_ns, 0);
	assert_int_equal(r.ph[2].end_ns, 1);
	rb_report_end(&r, d, 0, 0, "address");
	assert_int_equal(r.open, -1);
}

/* A full timeline reuses its last slot and never makes it its own parent. */
static void test_full(void **state)
{
	struct rb_report r;
	int i = 0;

	rb_report_init(&r);
	for (int k = 0; k < RB_REPORT_MAX_PHASES + 5; k++) {
		i = rb_report_begin(&r, "deep");
		assert_true(r.ph[i].parent < i);
	}
	assert_int_equal(i, RB_REPORT_MAX_PHASES - 1);
	assert_int_equal(r.n, RB_REPORT_MAX_PHASES);
	rb_report_end(&r, i, 0, 0, "x");
	assert_int_equal(r.open, RB_REPORT_MAX_PHASES - 2);
}

/* The table, read back from a temporary file. */
static char *print_of(const struct rb_report *r)
{
	FILE *f = tmpfile();
	char *buf;
	long len;

	assert_non_null(f);
	rb_report_print(r, f);
	len = ftell(f);
	assert_true(len > 0);
	buf = calloc(1, (size_t)len + 1);
	assert_non_null(buf);
	rewind(f);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}

/* The 9 characters of a line under a right-aligned header word, as a string. */
static void column(const char *table, const char *line, const char *header, char out[10])
{
	size_t end = (size_t)(strstr(table, header) - table) + strlen(header);

	memcpy(out, line + end - 9, 9);
	out[9] = '\0';
}

static bool blank(const char *s)
{
	return strspn(s, " ") == strlen(s);
}

/* Nested phases are indented, their time is in the "within" column and not in
 * "took"; top-level phases the other way round; the last row is the total. */
static void test_table(void **state)
{
	static const struct {
		const char *row;
		bool nested;
	} rows[] = {
		{ "\nconfig ", false }, { "\ninterpret ", false }, { "\n  image ", true },
		{ "\n    commit ", true }, { "\n  settings ", true }, { "\napply ", false },
	};
	struct rb_report r;
	char *t, took[10], within[10];

	boot_shape(&r);
	t = print_of(&r);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *line = strstr(t, rows[i].row);

		assert_non_null(line);
		line++;
		column(t, line, "took s", took);
		column(t, line, "within s", within);
		if (rows[i].nested) {
			assert_true(blank(took));
			assert_false(blank(within));
			assert_non_null(strstr(within, "0.0"));
		} else {
			assert_false(blank(took));
			assert_true(blank(within));
			assert_non_null(strstr(took, "0.0"));
		}
	}
	assert_non_null(strstr(t, "\ntotal "));
	free(t);
}

static void test_json(void **state)
{
	struct rb_report r;
	struct rb_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	boot_shape(&r);
	f = open_memstream(&buf, &len);
	rb_json_init(&j, f, false);
	rb_report_json(&r, &j);
	rb_json_end(&j);
	fclose(f);
	assert_non_null(strstr(buf, "\"phase\":\"config\",\"start\""));
	assert_non_null(strstr(buf, "\"phase\":\"commit\""));
	assert_non_null(strstr(buf, "\"parent\":null,\"depth\":0"));
	assert_non_null(strstr(buf, "\"parent\":3,\"depth\":2"));
	assert_non_null(strstr(buf, "\"parent\":2,\"depth\":1"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
