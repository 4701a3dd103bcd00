/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * KTAP output for ringboot's selftests, in the spirit of the kernel's
 * tools/testing/selftests/kselftest.h (written for this project): a plan,
 * one result line per test, diagnostics as "# " lines, and kselftest's exit
 * codes (0 pass, 1 fail, 4 skip).
 */
#ifndef RINGBOOT_KTAP_H
#define RINGBOOT_KTAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

struct ktap {
	int planned;
	int n;
	int failed;
	int skipped;
};

static struct ktap ktap_state;

static inline void ktap_print_header(int planned)
{
	ktap_state.planned = planned;
	printf("KTAP version 1\n1..%d\n", planned);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2))) static inline void ktap_print_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

/* One result line: "ok N name" or "not ok N name". Returns pass. */
__attribute__((format(printf, 2, 3))) static inline int ktap_test_result(int pass, const char *fmt, ...)
{
	va_list ap;

	ktap_state.n++;
	if (!pass)
		ktap_state.failed++;
	printf("%sok %d ", pass ? "" : "not ", ktap_state.n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	return pass;
}

/* A skipped test: the reason must start with a key from tests/skips.allowed. */
__attribute__((format(printf, 2, 3))) static inline void ktap_test_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	ktap_state.n++;
	ktap_state.skipped++;
	printf("ok %d %s # SKIP ", ktap_state.n, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Ends the run: exit 1 on any failure or a plan mismatch, 4 if all skipped. */
static inline void ktap_finished(void)
{
	if (ktap_state.n != ktap_state.planned) {
		ktap_print_msg("planned %d tests but ran %d", ktap_state.planned, ktap_state.n);
		exit(KSFT_FAIL);
	}
	ktap_print_msg("Totals: pass:%d fail:%d skip:%d", ktap_state.n - ktap_state.failed -
		       ktap_state.skipped, ktap_state.failed, ktap_state.skipped);
	if (ktap_state.failed)
		exit(KSFT_FAIL);
	exit(ktap_state.skipped == ktap_state.n && ktap_state.n ? KSFT_SKIP : KSFT_PASS);
}

/* Skip the whole program (e.g. not root): "1..0 # SKIP reason", exit 4. */
__attribute__((format(printf, 1, 2))) static inline void ktap_exit_skip(const char *fmt, ...)
{
	va_list ap;

	printf("KTAP version 1\n1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	exit(KSFT_SKIP);
}

#endif
