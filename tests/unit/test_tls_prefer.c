// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cipher preference (tls_prefer.c): the option's words, the option
 * overriding the hardware either way, and "auto" deciding as an independent
 * reading of the same facts says it must: AES-GCM first exactly when the
 * wolfSSL compiled in has AES-NI code (WOLFSSL_AESNI) and /proc/cpuinfo lists
 * aes and pclmulqdq.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <wolfssl/options.h>

#include "tls.h"

static void words(void **state)
{
	enum rb_tls_prefer p = RB_TLS_PREFER_AES;

	assert_int_equal(rb_tls_prefer_parse("auto", &p), 0);
	assert_int_equal(p, RB_TLS_PREFER_AUTO);
	assert_int_equal(rb_tls_prefer_parse("chacha20", &p), 0);
	assert_int_equal(p, RB_TLS_PREFER_CHACHA);
	assert_int_equal(rb_tls_prefer_parse("aes", &p), 0);
	assert_int_equal(p, RB_TLS_PREFER_AES);
	assert_int_equal(rb_tls_prefer_parse("AES", &p), -EINVAL);
	assert_int_equal(rb_tls_prefer_parse("", &p), -EINVAL);
	assert_int_equal(rb_tls_prefer_parse("chacha", &p), -EINVAL);
	assert_int_equal(p, RB_TLS_PREFER_AES);	/* untouched on error */
	assert_string_equal(rb_tls_prefer_name(RB_TLS_PREFER_CHACHA), "chacha20");
	assert_string_equal(rb_tls_prefer_name(RB_TLS_PREFER_AES), "aes");
	assert_string_equal(rb_tls_prefer_name(RB_TLS_PREFER_AUTO), "auto");
}

static void option_wins(void **state)
{
	struct rb_tls_choice ch;

	rb_tls_prefer_choose(RB_TLS_PREFER_AES, &ch);
	assert_int_equal(ch.prefer, RB_TLS_PREFER_AES);
	assert_string_equal(ch.reason, "--tls-prefer");
	rb_tls_prefer_choose(RB_TLS_PREFER_CHACHA, &ch);
	assert_int_equal(ch.prefer, RB_TLS_PREFER_CHACHA);
	assert_string_equal(ch.reason, "--tls-prefer");
}

static bool cpuinfo_has(const char *flag)
{
	char line[8192], word[64];
	FILE *f = fopen("/proc/cpuinfo", "r");
	bool found = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			for (char *p = strchr(line, ':'); p && sscanf(p + 1, "%63s", word) == 1;
			     p = strchr(p + 1, ' '))
				if (!strcmp(word, flag))
					found = true;
			break;
		}
	fclose(f);
	return found;
}

static void auto_follows_the_hardware(void **state)
{
	struct rb_tls_choice ch;

	rb_tls_prefer_choose(RB_TLS_PREFER_AUTO, &ch);
#if defined(WOLFSSL_AESNI) && defined(__x86_64__)
	if (cpuinfo_has("aes") && cpuinfo_has("pclmulqdq")) {
		assert_int_equal(ch.prefer, RB_TLS_PREFER_AES);
		assert_string_equal(ch.reason, "AES-NI");
	} else {
		assert_int_equal(ch.prefer, RB_TLS_PREFER_CHACHA);
		assert_string_equal(ch.reason, "no AES-NI on this CPU");
	}
#elif !defined(WOLFSSL_ARMASM)
	(void)cpuinfo_has;
	assert_int_equal(ch.prefer, RB_TLS_PREFER_CHACHA);
	assert_string_equal(ch.reason, "wolfSSL built without hardware AES");
#else
	(void)cpuinfo_has;
	assert_true(ch.prefer == RB_TLS_PREFER_AES || ch.prefer == RB_TLS_PREFER_CHACHA);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words),
		cmocka_unit_test(option_wins),
		cmocka_unit_test(auto_follows_the_hardware),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
