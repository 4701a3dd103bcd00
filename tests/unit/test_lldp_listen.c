// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the LLDP listening window (userspace/lldp_listen.c): when the
 * handset sends (LLDP_ENABLED 1 at once, 2 once the switch spoke), when
 * listening ends (voice policy, LLDP-MED without one, the wait, a lease with
 * nothing heard), what is not the switch's word (shutdown, endpoints,
 * refused frames), and the parameters a voice policy sets (Avaya's table).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lldp_listen.h"

#define MS 1000000ull
#define T0 (1000 * MS)

#define ETH_HEAD 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x10, 0x88, 0xcc
#define CHASSIS 0x02, 0x07, 0x04, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x10
#define PORT 0x04, 0x02, 0x07, 'p'
#define TTL(s) 0x06, 0x02, 0x00, (s)
#define MED_CAPS(cls) 0xfe, 0x07, 0x00, 0x12, 0xbb, 0x01, 0x00, 0x03, (cls)
#define POLICY(app, b1, b2, b3) 0xfe, 0x08, 0x00, 0x12, 0xbb, 0x02, (app), (b1), (b2), (b3)
#define END 0x00, 0x00
/* voice: T, VLAN 233, priority 5, DSCP 46 = 0x400000 | 233 << 9 | 5 << 6 | 46 */
#define VOICE_233 POLICY(1, 0x41, 0xd3, 0x6e)

static const uint8_t plain[] = { ETH_HEAD, CHASSIS, PORT, TTL(120), END };
static const uint8_t voice[] = { ETH_HEAD, CHASSIS, PORT, TTL(120), MED_CAPS(4), VOICE_233, END };
static const uint8_t med_no_voice[] = {
	ETH_HEAD, CHASSIS, PORT, TTL(120), MED_CAPS(4), POLICY(6, 0x41, 0xd3, 0x6e), END,
};

static struct rb_lldp_listen LS;
static struct rb_params *P;

static int setup(void **state)
{
	P = rb_params_new();
	return P ? 0 : -1;
}

static int teardown(void **state)
{
	rb_params_free(P);
	return 0;
}

static bool input(const uint8_t *f, size_t n, uint64_t now)
{
	return rb_lldp_listen_input(&LS, f, n, now);
}

static void on_sends_at_once_and_every_second(void **state)
{
	rb_lldp_listen_start(&LS, RB_LLDP_ON, 3000, T0);
	assert_true(rb_lldp_listen_open(&LS));
	assert_int_equal(rb_lldp_listen_deadline(&LS), T0);
	assert_true(rb_lldp_listen_tick(&LS, T0));
	assert_false(rb_lldp_listen_tick(&LS, T0 + 999 * MS));
	assert_int_equal(rb_lldp_listen_deadline(&LS), T0 + 1000 * MS);
	assert_true(rb_lldp_listen_tick(&LS, T0 + 1000 * MS));
	/* a plain LLDPDU: the switch may send LLDP-MED once it saw ours; go on */
	assert_false(input(plain, sizeof(plain), T0 + 1100 * MS));
	assert_true(rb_lldp_listen_open(&LS));
	/* a lease does not end an "on" window */
	rb_lldp_listen_lease(&LS, T0 + 1200 * MS);
	assert_true(rb_lldp_listen_open(&LS));
	assert_true(rb_lldp_listen_tick(&LS, T0 + 2000 * MS));
	/* the wait is the last word: the next send would be at 3000, the end is */
	assert_int_equal(rb_lldp_listen_deadline(&LS), T0 + 3000 * MS);
	assert_false(rb_lldp_listen_tick(&LS, T0 + 3000 * MS));
	assert_int_equal(LS.end, RB_LLDP_END_TIMEOUT);
	assert_int_equal(rb_lldp_listen_deadline(&LS), 0);
	assert_false(rb_lldp_listen_tick(&LS, T0 + 4000 * MS));
	assert_int_equal(LS.frames, 1);
}

static void auto_sends_only_after_hearing(void **state)
{
	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	assert_false(rb_lldp_listen_tick(&LS, T0));
	assert_false(rb_lldp_listen_tick(&LS, T0 + 1500 * MS));
	assert_int_equal(rb_lldp_listen_deadline(&LS), T0 + 3000 * MS);
	assert_false(input(plain, sizeof(plain), T0 + 1600 * MS));
	assert_true(LS.heard);
	assert_true(rb_lldp_listen_tick(&LS, T0 + 1600 * MS));
	assert_int_equal(rb_lldp_listen_deadline(&LS), T0 + 2600 * MS);
	/* heard: the lease does not end it */
	rb_lldp_listen_lease(&LS, T0 + 1700 * MS);
	assert_true(rb_lldp_listen_open(&LS));
}

/* The default costs a network without LLDP nothing: the lease ends listening. */
static void auto_quiet_ends_with_the_lease(void **state)
{
	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	rb_lldp_listen_lease(&LS, T0 + 40 * MS);
	assert_false(rb_lldp_listen_open(&LS));
	assert_int_equal(LS.end, RB_LLDP_END_QUIET);
	assert_int_equal(LS.end_ns, T0 + 40 * MS);
	assert_true(input(voice, sizeof(voice), T0 + 50 * MS));	/* too late: over */
	assert_false(LS.have_voice);
}

static void voice_policy_ends_it(void **state)
{
	char s[256];

	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	assert_true(input(voice, sizeof(voice), T0 + 300 * MS));
	assert_int_equal(LS.end, RB_LLDP_END_POLICY);
	assert_true(LS.have_voice);
	assert_true(LS.voice.tagged);
	assert_int_equal(LS.voice.vlan, 233);
	assert_int_equal(LS.voice.priority, 5);
	assert_int_equal(LS.voice.dscp, 46);
	assert_string_equal(LS.chassis, "00:00:5e:00:53:10");
	assert_false(rb_lldp_listen_tick(&LS, T0 + 300 * MS));
	rb_lldp_listen_describe(&LS, s, sizeof(s));
	assert_string_equal(s, "voice VLAN 233 tagged, priority 5, DSCP 46 from 00:00:5e:00:53:10 "
			       "(1 LLDPDU(s), 0 sent)");
}

/* An LLDP-MED switch that advertises no usable voice policy has none for us. */
static void med_without_voice_ends_it(void **state)
{
	static const uint8_t unknown[] = {
		ETH_HEAD, CHASSIS, PORT, TTL(120), MED_CAPS(4), POLICY(1, 0x80, 0, 0), END,
	};
	static const uint8_t vlan4095[] = {
		ETH_HEAD, CHASSIS, PORT, TTL(120), MED_CAPS(4), POLICY(1, 0x5f, 0xff, 0x6e), END,
	};
	char s[256];

	rb_lldp_listen_start(&LS, RB_LLDP_ON, 3000, T0);
	assert_true(input(med_no_voice, sizeof(med_no_voice), T0));
	assert_int_equal(LS.end, RB_LLDP_END_NO_POLICY);
	assert_false(LS.have_voice);
	rb_lldp_listen_describe(&LS, s, sizeof(s));
	assert_string_equal(s, "the switch 00:00:5e:00:53:10 has no voice policy (1 LLDPDU(s), 0 sent)");
	rb_lldp_listen_start(&LS, RB_LLDP_ON, 3000, T0);
	assert_true(input(unknown, sizeof(unknown), T0));
	assert_int_equal(LS.end, RB_LLDP_END_NO_POLICY);
	rb_lldp_listen_start(&LS, RB_LLDP_ON, 3000, T0);
	assert_true(input(vlan4095, sizeof(vlan4095), T0));
	assert_int_equal(LS.end, RB_LLDP_END_NO_POLICY);
	assert_false(LS.have_voice);
}

/* Not the switch's word: a shutdown LLDPDU, another endpoint's, a refused one, not LLDP. */
static void what_is_not_used(void **state)
{
	static const uint8_t shutdown[] = { ETH_HEAD, CHASSIS, PORT, TTL(0), MED_CAPS(4), VOICE_233,
					    END };
	static const uint8_t phone[] = { ETH_HEAD, CHASSIS, PORT, TTL(120), MED_CAPS(3), VOICE_233,
					 END };
	static const uint8_t refused[] = { ETH_HEAD, CHASSIS, PORT, TTL(120), VOICE_233, VOICE_233,
					   END };
	uint8_t other[sizeof(voice)];

	memcpy(other, voice, sizeof(other));
	other[13] = 0x00;	/* EtherType 0x8800 */
	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	assert_false(input(other, sizeof(other), T0));
	assert_false(LS.heard);
	assert_false(input(shutdown, sizeof(shutdown), T0));
	assert_false(input(phone, sizeof(phone), T0));
	assert_int_equal(LS.unused, 2);
	assert_false(input(refused, sizeof(refused), T0));
	assert_int_equal(LS.refused, 1);
	assert_non_null(LS.refused_why);
	assert_true(LS.heard);
	assert_true(rb_lldp_listen_open(&LS));
	assert_false(LS.have_voice);
	assert_string_equal(LS.chassis, "");
	/* then the switch itself */
	assert_true(input(voice, sizeof(voice), T0 + 10 * MS));
	assert_true(LS.have_voice);
}

static void off_records_only(void **state)
{
	char s[64];

	rb_lldp_listen_start(&LS, RB_LLDP_OFF, 3000, T0);
	assert_false(rb_lldp_listen_open(&LS));
	assert_int_equal(LS.end, RB_LLDP_END_OFF);
	assert_int_equal(rb_lldp_listen_deadline(&LS), 0);
	assert_false(rb_lldp_listen_tick(&LS, T0));
	assert_true(input(voice, sizeof(voice), T0));
	assert_false(LS.have_voice);
	rb_lldp_listen_describe(&LS, s, sizeof(s));
	assert_string_equal(s, "LLDP_ENABLED 0");
	rb_lldp_listen_start(&LS, (enum rb_lldp_mode)7, 3000, T0);
	assert_int_equal(LS.mode, RB_LLDP_OFF);
	assert_string_equal(rb_lldp_end_name(RB_LLDP_END_NO_POLICY), "no_policy");
	assert_string_equal(rb_lldp_end_name((enum rb_lldp_end)99), "?");
}

/* --- the parameters (Avaya 96x1/J100 "TLV impact on system parameter values") */

static const char *get(const char *name, enum rb_origin_kind *kind)
{
	struct rb_param_view v;

	if (!rb_params_lookup(P, name, &v))
		return NULL;
	*kind = v.origin.kind;
	return v.value;
}

static void expect(const char *name, const char *value)
{
	enum rb_origin_kind k = RB_ORIGIN_NONE;
	const char *v = get(name, &k);

	if (!v || strcmp(v, value) || k != RB_ORIGIN_LLDP)
		fail_msg("%s: got '%s' (%s), want '%s' (lldp)", name, v ? v : "(none)",
			 rb_origin_name(k), value);
}

static void tagged_policy_params(void **state)
{
	rb_params_set_str(P, "L2QVLAN", "234", RB_ORIGIN_OPT242);
	rb_params_set_str(P, "L2Q", "2", RB_ORIGIN_FILE);
	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	input(voice, sizeof(voice), T0);
	assert_int_equal(rb_lldp_params(&LS, P), 6);
	expect("L2Q", "1");
	expect("L2QVLAN", "233");
	expect("L2QAUD", "5");
	expect("DSCPAUD", "46");
	/* no voice signaling policy: the voice policy's values (J100 guide) */
	expect("L2QSIG", "5");
	expect("DSCPSIG", "46");
}

static void signaling_policy_params(void **state)
{
	/* voice signaling: T, VLAN 233, priority 3, DSCP 24 = 0x41d2d8 */
	static const uint8_t f[] = {
		ETH_HEAD, CHASSIS, PORT, TTL(120), MED_CAPS(4), VOICE_233,
		POLICY(2, 0x41, 0xd2, 0xd8), END,
	};
	/* voice signaling with priority 0 and DSCP 0: "not zero" is the 96x1 guide's rule */
	static const uint8_t zero[] = {
		ETH_HEAD, CHASSIS, PORT, TTL(120), MED_CAPS(4), VOICE_233,
		POLICY(2, 0x41, 0xd2, 0x00), END,
	};

	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	input(f, sizeof(f), T0);
	assert_int_equal(rb_lldp_params(&LS, P), 6);
	expect("L2QAUD", "5");
	expect("L2QSIG", "3");
	expect("DSCPSIG", "24");
	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	input(zero, sizeof(zero), T0);
	rb_lldp_params(&LS, P);
	expect("L2QSIG", "5");
	expect("DSCPSIG", "46");
}

/* T = 0: "L2Q - set to 2 (off)"; T = 1 with VLAN 0: priority-tagged, no VLAN to go to. */
static void untagged_and_priority_tagged(void **state)
{
	/* untagged (T = 0), VLAN 233, priority 5, DSCP 46: what lldpcli's example sends */
	static const uint8_t untagged[] = {
		ETH_HEAD, CHASSIS, PORT, TTL(120), MED_CAPS(4), POLICY(1, 0x01, 0xd3, 0x6e), END,
	};
	/* T, VLAN 0, priority 6, DSCP 46 = 0x4001ae */
	static const uint8_t prio[] = {
		ETH_HEAD, CHASSIS, PORT, TTL(120), MED_CAPS(4), POLICY(1, 0x40, 0x01, 0xae), END,
	};

	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	input(untagged, sizeof(untagged), T0);
	assert_int_equal(LS.end, RB_LLDP_END_POLICY);
	rb_lldp_params(&LS, P);
	expect("L2Q", "2");
	expect("L2QVLAN", "233");
	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	input(prio, sizeof(prio), T0);
	rb_lldp_params(&LS, P);
	expect("L2Q", "1");
	expect("L2QVLAN", "0");
	expect("L2QAUD", "6");
}

/* A window without a voice policy leaves no lldp layer behind (an earlier switch's). */
static void no_policy_clears_the_layer(void **state)
{
	enum rb_origin_kind k;

	rb_params_set_str(P, "L2QVLAN", "234", RB_ORIGIN_OPT242);
	rb_params_set_str(P, "L2QVLAN", "233", RB_ORIGIN_LLDP);
	rb_params_set_str(P, "L2QAUD", "5", RB_ORIGIN_LLDP);
	rb_lldp_listen_start(&LS, RB_LLDP_AUTO, 3000, T0);
	rb_lldp_listen_lease(&LS, T0);
	assert_int_equal(rb_lldp_params(&LS, P), 0);
	assert_string_equal(get("L2QVLAN", &k), "234");
	assert_int_equal(k, RB_ORIGIN_OPT242);
	assert_null(rb_params_get(P, "L2QAUD"));
}

static void json_of_the_window(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct rb_json j;

	assert_non_null(f);
	rb_lldp_listen_start(&LS, RB_LLDP_ON, 3000, T0);
	LS.sent = 1;
	input(voice, sizeof(voice), T0 + 812 * MS);
	rb_json_init(&j, f, false);
	rb_lldp_listen_json(&LS, &j);
	rb_json_end(&j);
	fclose(f);
	assert_string_equal(buf, "{\"enabled\":1,\"ended\":\"policy\",\"elapsed_ms\":812,\"frames\":1,"
			    "\"refused\":0,\"unused\":0,\"sent\":1,\"switch\":\"00:00:5e:00:53:10\","
			    "\"voice\":{\"vlan\":233,\"tagged\":true,\"priority\":5,\"dscp\":46}}\n");
	free(buf);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(on_sends_at_once_and_every_second),
		T(auto_sends_only_after_hearing),
		T(auto_quiet_ends_with_the_lease),
		T(voice_policy_ends_it),
		T(med_without_voice_ends_it),
		T(what_is_not_used),
		T(off_records_only),
		T(tagged_policy_params),
		T(signaling_policy_params),
		T(untagged_and_priority_tagged),
		T(no_policy_clears_the_layer),
		T(json_of_the_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
