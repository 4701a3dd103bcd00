// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which AEAD the TLS client offers first (tls.h). AES-GCM where the wolfSSL
 * linked runs it in hardware on this CPU; ChaCha20-Poly1305 elsewhere, where
 * it is several times faster than AES in software (docs/benchmarks.md) and,
 * unlike table-driven AES, constant-time. wolfSSL picks its AES code by CPUID
 * at run time (x86) or was built for the ARMv8 Crypto Extensions (arm64):
 * both the library's build and the CPU must have it.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <wolfssl/options.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#include <asm/hwcap.h>
#endif

#include "tls.h"

#if defined(WOLFSSL_AESNI) && (defined(__x86_64__) || defined(__i386__))
#define AES_HW "AES-NI"
/* wolfSSL's AES-GCM with AES-NI also multiplies with PCLMULQDQ. */
static bool cpu_has_aes(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_AES) && (c & bit_PCLMUL);
}
#elif defined(WOLFSSL_ARMASM) && !defined(WOLFSSL_ARMASM_NO_HW_CRYPTO) && defined(__aarch64__)
#define AES_HW "ARMv8 AES"
static bool cpu_has_aes(void)
{
	unsigned long hw = getauxval(AT_HWCAP);

	return (hw & HWCAP_AES) && (hw & HWCAP_PMULL);
}
#endif

void rb_tls_prefer_choose(enum rb_tls_prefer asked, struct rb_tls_choice *out)
{
	if (asked == RB_TLS_PREFER_AES || asked == RB_TLS_PREFER_CHACHA) {
		out->prefer = asked;
		out->reason = "--tls-prefer";
		return;
	}
#ifdef AES_HW
	if (cpu_has_aes()) {
		out->prefer = RB_TLS_PREFER_AES;
		out->reason = AES_HW;
	} else {
		out->prefer = RB_TLS_PREFER_CHACHA;
		out->reason = "no " AES_HW " on this CPU";
	}
#else
	out->prefer = RB_TLS_PREFER_CHACHA;
	out->reason = "wolfSSL built without hardware AES";
#endif
}

const char *rb_tls_prefer_name(enum rb_tls_prefer p)
{
	switch (p) {
	case RB_TLS_PREFER_AES:
		return "aes";
	case RB_TLS_PREFER_CHACHA:
		return "chacha20";
	case RB_TLS_PREFER_AUTO:
		break;
	}
	return "auto";
}

int rb_tls_prefer_parse(const char *s, enum rb_tls_prefer *p)
{
	static const enum rb_tls_prefer all[] = {
		RB_TLS_PREFER_AUTO, RB_TLS_PREFER_CHACHA, RB_TLS_PREFER_AES,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(s, rb_tls_prefer_name(all[i]))) {
			*p = all[i];
			return 0;
		}
	return -EINVAL;
}
