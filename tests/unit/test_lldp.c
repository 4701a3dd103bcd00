// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the LLDP codec (userspace/lldp.c): frames laid out byte by
 * byte after IEEE 802.1AB-2005 clause 9 and ANSI/TIA-1057 (the Network
 * Policy TLV), frames lldpd 1.0.16 sent in the VM (tests/data/lldp/, made by
 * capture.sh there), hostile framing refused, and the handset's own LLDPDU.
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

#include "lldp.h"

static struct rb_lldp L;

/* --- frames after the standard's layout -------------------------------- */

#define SWITCH_MAC 0x00, 0x00, 0x5e, 0x00, 0x53, 0x10
#define ETH_HEAD 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, SWITCH_MAC, 0x88, 0xcc
/* type 1 length 7, subtype 4 (MAC address) */
#define CHASSIS 0x02, 0x07, 0x04, SWITCH_MAC
/* type 2 length 8, subtype 5 (interface name) "gi1/0/7" */
#define PORT 0x04, 0x08, 0x05, 'g', 'i', '1', '/', '0', '/', '7'
/* type 3 length 2: 120 s */
#define TTL120 0x06, 0x02, 0x00, 0x78
/* type 127 length 7: OUI 00-12-BB subtype 1, capabilities 0x0003, device type 4 */
#define MED_CAPS(cls) 0xfe, 0x07, 0x00, 0x12, 0xbb, 0x01, 0x00, 0x03, (cls)
/* type 127 length 8: OUI 00-12-BB subtype 2, application, U T X VLAN(12) prio(3) DSCP(6) */
#define POLICY(app, b1, b2, b3) 0xfe, 0x08, 0x00, 0x12, 0xbb, 0x02, (app), (b1), (b2), (b3)
#define END 0x00, 0x00

/*
 * Voice: tagged (T), VLAN 100, priority 6, DSCP 46:
 * 0x400000 | 100 << 9 | 6 << 6 | 46 = 0x40c9ae.
 */
static const uint8_t std_voice[] = {
	ETH_HEAD, CHASSIS, PORT, TTL120, MED_CAPS(4), POLICY(1, 0x40, 0xc9, 0xae), END,
};

static size_t copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	memcpy(dst, src, n);
	return n;
}

static void standard_frame_parses(void **state)
{
	const struct rb_lldp_policy *v = &L.policy[RB_LLDP_APP_VOICE];
	static const uint8_t mac[6] = { SWITCH_MAC };

	assert_int_equal(rb_lldp_parse(&L, std_voice, sizeof(std_voice)), 0);
	assert_memory_equal(L.src, mac, 6);
	assert_int_equal(L.chassis.subtype, 4);
	assert_int_equal(L.chassis.len, 6);
	assert_memory_equal(L.chassis.id, mac, 6);
	assert_int_equal(L.port.subtype, 5);
	assert_int_equal(L.port.len, 7);
	assert_memory_equal(L.port.id, "gi1/0/7", 7);
	assert_int_equal(L.ttl, 120);
	assert_true(L.med);
	assert_int_equal(L.med_caps, 3);
	assert_int_equal(L.med_class, RB_LLDP_MED_NETWORK);
	assert_true(v->present);
	assert_false(v->unknown);
	assert_true(v->tagged);
	assert_int_equal(v->vlan, 100);
	assert_int_equal(v->priority, 6);
	assert_int_equal(v->dscp, 46);
	assert_false(L.policy[RB_LLDP_APP_VOICE_SIGNALING].present);
	assert_int_equal(L.tlvs, 6);
	assert_int_equal(L.skipped, 0);
}

/* The three flag bits and the extremes of each field. */
static void policy_bits(void **state)
{
	static const uint8_t f[] = {
		ETH_HEAD, CHASSIS, PORT, TTL120, MED_CAPS(4),
		/* voice: T, VLAN 0 (priority-tagged), priority 5, DSCP 46 = 0x40016e */
		POLICY(1, 0x40, 0x01, 0x6e),
		/* voice signaling: U, everything else set: the fields are still decoded */
		POLICY(2, 0xff, 0xff, 0xff),
		/* guest voice: untagged, VLAN 4094, priority 0, DSCP 0 */
		POLICY(3, 0x1f, 0xfc, 0x00),
		END,
	};
	const struct rb_lldp_policy *p = L.policy;

	assert_int_equal(rb_lldp_parse(&L, f, sizeof(f)), 0);
	assert_true(p[1].tagged && !p[1].unknown);
	assert_int_equal(p[1].vlan, 0);
	assert_int_equal(p[1].priority, 5);
	assert_int_equal(p[1].dscp, 46);
	assert_true(p[2].unknown && p[2].tagged);
	assert_int_equal(p[2].vlan, 4095);
	assert_int_equal(p[2].priority, 7);
	assert_int_equal(p[2].dscp, 63);
	assert_true(p[3].present && !p[3].tagged && !p[3].unknown);
	assert_int_equal(p[3].vlan, 4094);
	assert_int_equal(p[3].priority, 0);
	assert_int_equal(p[3].dscp, 0);
}

/* What is not acted on is skipped by its length; reserved application types too. */
static void skips_what_it_does_not_use(void **state)
{
	static const uint8_t f[] = {
		ETH_HEAD, CHASSIS, PORT, TTL120,
		0x0a, 0x03, 's', 'w', '1',			/* System Name */
		0x64, 0x01, 0xaa,				/* reserved type 50 */
		0xfe, 0x06, 0x00, 0x12, 0x0f, 0x01, 0x00, 0x00,	/* IEEE 802.3 MAC/PHY (cut short) */
		0xfe, 0x05, 0x00, 0x12, 0xbb, 0x05, 'x',	/* TIA inventory: hardware revision */
		POLICY(0, 0x40, 0xc9, 0xae),			/* application 0: reserved */
		POLICY(9, 0x40, 0xc9, 0xae),			/* application 9: reserved */
		POLICY(1, 0x40, 0xc9, 0xae),
		END,
	};

	assert_int_equal(rb_lldp_parse(&L, f, sizeof(f)), 0);
	assert_int_equal(L.skipped, 6);
	assert_false(L.med);
	assert_true(L.policy[1].present);
	assert_false(L.policy[0].present);
}

/* 802.1AB-2009 made End optional: a frame may stop at a TLV boundary. */
static void end_is_optional_and_padding_unread(void **state)
{
	static const uint8_t no_end[] = { ETH_HEAD, CHASSIS, PORT, TTL120 };
	static const uint8_t padded[] = { ETH_HEAD, CHASSIS, PORT, TTL120, END, 0xff, 0xff, 0x13 };
	/* A longer TTL uses its first two octets. */
	static const uint8_t long_ttl[] = { ETH_HEAD, CHASSIS, PORT, 0x06, 0x03, 0x01, 0x2c, 0x99 };

	assert_int_equal(rb_lldp_parse(&L, no_end, sizeof(no_end)), 0);
	assert_int_equal(L.ttl, 120);
	assert_int_equal(rb_lldp_parse(&L, padded, sizeof(padded)), 0);
	assert_int_equal(L.tlvs, 4);
	assert_int_equal(rb_lldp_parse(&L, long_ttl, sizeof(long_ttl)), 0);
	assert_int_equal(L.ttl, 300);
}

/* --- hostile frames --------------------------------------------------- */

static void not_lldp(void **state)
{
	uint8_t f[sizeof(std_voice)];

	assert_int_equal(rb_lldp_parse(&L, std_voice, 13), -ENOMSG);
	assert_int_equal(rb_lldp_parse(&L, std_voice, 0), -ENOMSG);
	memcpy(f, std_voice, sizeof(f));
	f[5] = 0x03;	/* nearest non-TPMR bridge: not what LLDP-MED uses */
	assert_int_equal(rb_lldp_parse(&L, f, sizeof(f)), -ENOMSG);
	memcpy(f, std_voice, sizeof(f));
	f[13] = 0xcd;
	assert_int_equal(rb_lldp_parse(&L, f, sizeof(f)), -ENOMSG);
	assert_non_null(L.why);
}

/*
 * Every prefix of a valid frame: accepted exactly where it ends at a TLV
 * boundary at or after the TTL TLV, refused everywhere else; never read past.
 */
static void every_truncation(void **state)
{
	/* offsets of TLV boundaries from the TTL TLV on: */
	const size_t ttl_end = 14 + 9 + 10 + 4, caps_end = ttl_end + 9, pol_end = caps_end + 10;

	for (size_t n = 0; n <= sizeof(std_voice); n++) {
		uint8_t *f = malloc(n ? n : 1);	/* exactly n bytes: ASan sees any overread */
		int want = n < 14 ? -ENOMSG : -EBADMSG;

		assert_non_null(f);
		memcpy(f, std_voice, n);
		if (n == ttl_end || n == caps_end || n == pol_end || n == sizeof(std_voice))
			want = 0;
		if (rb_lldp_parse(&L, f, n) != want)
			fail_msg("prefix of %zu bytes: got %d, want %d (%s)", n,
				 rb_lldp_parse(&L, f, n), want, L.why ? L.why : "");
		free(f);
	}
}

static int parse_bytes(const uint8_t *tlvs, size_t n)
{
	static const uint8_t head[] = { ETH_HEAD };
	uint8_t f[1600];

	memcpy(f, head, sizeof(head));
	memcpy(f + sizeof(head), tlvs, n);
	return rb_lldp_parse(&L, f, sizeof(head) + n);
}

#define REFUSED(...) do { \
	static const uint8_t t_[] = { __VA_ARGS__ }; \
	assert_int_equal(parse_bytes(t_, sizeof(t_)), -EBADMSG); \
	assert_non_null(L.why); \
} while (0)

static void refuses_bad_mandatory_tlvs(void **state)
{
	/* not first, wrong order, missing */
	REFUSED(PORT, CHASSIS, TTL120, END);
	REFUSED(CHASSIS, TTL120, PORT, END);
	REFUSED(CHASSIS, PORT, END);
	REFUSED(END);
	REFUSED(0x0a, 0x01, 'x', CHASSIS, PORT, TTL120, END);
	/* repeated */
	REFUSED(CHASSIS, PORT, TTL120, CHASSIS, END);
	REFUSED(CHASSIS, PORT, TTL120, PORT, END);
	REFUSED(CHASSIS, PORT, TTL120, TTL120, END);
	/* lengths: an ID of subtype only, a 1-octet TTL */
	REFUSED(0x02, 0x01, 0x04, PORT, TTL120, END);
	REFUSED(CHASSIS, 0x04, 0x01, 0x05, TTL120, END);
	REFUSED(CHASSIS, PORT, 0x06, 0x01, 0x78, END);
	REFUSED(CHASSIS, PORT, 0x06, 0x00, END);
}

static void refuses_bad_framing(void **state)
{
	/* End with a length */
	REFUSED(CHASSIS, PORT, TTL120, 0x00, 0x01, 0x00);
	/* a lone octet where a TLV header should be */
	REFUSED(CHASSIS, PORT, TTL120, 0x0a);
	/* a length past the frame: 9-bit length 0x1ff, 2 octets present */
	REFUSED(CHASSIS, PORT, TTL120, 0x0b, 0xff, 'a', 'b');
	/* the same in the Chassis ID */
	REFUSED(0x03, 0x00, 0x04, 0x00);
	/* an organizationally specific TLV shorter than OUI and subtype */
	REFUSED(CHASSIS, PORT, TTL120, 0xfe, 0x03, 0x00, 0x12, 0xbb, END);
}

static void refuses_ambiguous_med(void **state)
{
	/* LLDP-MED Capabilities twice, or of the wrong length */
	REFUSED(CHASSIS, PORT, TTL120, MED_CAPS(4), MED_CAPS(4), END);
	REFUSED(CHASSIS, PORT, TTL120, 0xfe, 0x06, 0x00, 0x12, 0xbb, 0x01, 0x00, 0x03, END);
	REFUSED(CHASSIS, PORT, TTL120, 0xfe, 0x08, 0x00, 0x12, 0xbb, 0x01, 0x00, 0x03, 4, 0, END);
	/* two voice policies: which VLAN? */
	REFUSED(CHASSIS, PORT, TTL120, POLICY(1, 0x40, 0xc9, 0xae), POLICY(1, 0x40, 0x01, 0x6e),
		END);
	/* a Network Policy of 7 or 9 octets */
	REFUSED(CHASSIS, PORT, TTL120, 0xfe, 0x07, 0x00, 0x12, 0xbb, 0x02, 1, 0x40, 0xc9, END);
	REFUSED(CHASSIS, PORT, TTL120, 0xfe, 0x09, 0x00, 0x12, 0xbb, 0x02, 1, 0x40, 0xc9, 0xae, 0,
		END);
}

/* The longest IDs (255 octets) and a TLV of the largest 9-bit length (511). */
static void largest_lengths(void **state)
{
	uint8_t t[2 + 256 + 2 + 256 + 4 + 2 + 511 + 2];
	size_t at = 0;

	t[at++] = 0x03;	/* type 1, length 256 */
	t[at++] = 0x00;
	t[at++] = 7;
	memset(t + at, 'c', 255);
	at += 255;
	t[at++] = 0x05;	/* type 2, length 256 */
	t[at++] = 0x00;
	t[at++] = 7;
	memset(t + at, 'p', 255);
	at += 255;
	at += copy(t + at, (const uint8_t[]){ TTL120 }, 4);
	t[at++] = 0x0d;	/* type 6 (System Description), length 511 */
	t[at++] = 0xff;
	memset(t + at, 'd', 511);
	at += 511;
	at += copy(t + at, (const uint8_t[]){ END }, 2);
	assert_int_equal(parse_bytes(t, at), 0);
	assert_int_equal(L.chassis.len, 255);
	assert_int_equal(L.port.id[254], 'p');
	assert_int_equal(L.skipped, 1);
	t[1] = 0x01;	/* Chassis ID of 257: too long */
	assert_int_equal(parse_bytes(t, at), -EBADMSG);
}

/* --- what lldpd 1.0.16 sent in the VM ----------------------------------- */

#define CAPTURE "tests/data/lldp/lldpd-1.0.16.pcap"
#define MAX_FRAMES 16

struct capture {
	size_t n;
	size_t len[MAX_FRAMES];
	uint8_t *frame[MAX_FRAMES];
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A classic little-endian pcap of Ethernet frames (tcpdump -w). */
static void read_capture(struct capture *c)
{
	const char *top = getenv("RINGBOOT_TOP");
	uint8_t hdr[24], rec[16];
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" CAPTURE, top ? top : ".");
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fread(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	assert_int_equal(le32(hdr), 0xa1b2c3d4);
	assert_int_equal(le32(hdr + 20), 1);	/* LINKTYPE_ETHERNET */
	memset(c, 0, sizeof(*c));
	while (c->n < MAX_FRAMES && fread(rec, 1, sizeof(rec), f) == sizeof(rec)) {
		size_t len = le32(rec + 8);

		assert_true(len <= RB_LLDP_FRAME_MAX && len == le32(rec + 12));
		c->frame[c->n] = malloc(len);
		assert_non_null(c->frame[c->n]);
		assert_int_equal(fread(c->frame[c->n], 1, len, f), len);
		c->len[c->n++] = len;
	}
	fclose(f);
}

static void free_capture(struct capture *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->frame[i]);
}

static void lldpd_frames(void **state)
{
	static const uint8_t sw[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01 };
	const struct rb_lldp_policy *v = &L.policy[RB_LLDP_APP_VOICE];
	const struct rb_lldp_policy *s = &L.policy[RB_LLDP_APP_VOICE_SIGNALING];
	struct capture c;
	char chassis[64];

	read_capture(&c);
	assert_int_equal(c.n, 8);	/* capture.sh: four runs, each LLDPDU then its shutdown */
	for (size_t i = 0; i < c.n; i++) {
		if (rb_lldp_parse(&L, c.frame[i], c.len[i]))
			fail_msg("frame %zu refused: %s", i, L.why);
		assert_memory_equal(L.src, sw, 6);
		assert_int_equal(L.ttl, i % 2 ? 0 : 120);
	}
	/* 1. the switch: tagged voice VLAN 233 priority 5 DSCP 46, signaling priority 3 DSCP 24 */
	assert_int_equal(rb_lldp_parse(&L, c.frame[0], c.len[0]), 0);
	rb_lldp_chassis_str(&L, chassis, sizeof(chassis));
	assert_string_equal(chassis, "02:00:5e:00:53:01");
	assert_int_equal(L.port.subtype, 3);
	assert_true(L.med);
	assert_int_equal(L.med_class, RB_LLDP_MED_NETWORK);
	assert_int_equal(L.med_caps, 0x3f);
	assert_true(v->present && v->tagged && !v->unknown);
	assert_int_equal(v->vlan, 233);
	assert_int_equal(v->priority, 5);
	assert_int_equal(v->dscp, 46);
	assert_true(s->present && s->tagged);
	assert_int_equal(s->vlan, 233);
	assert_int_equal(s->priority, 3);
	assert_int_equal(s->dscp, 24);
	/* 2. its shutdown LLDPDU: the mandatory TLVs only */
	assert_int_equal(rb_lldp_parse(&L, c.frame[1], c.len[1]), 0);
	assert_false(L.med);
	assert_int_equal(L.tlvs, 4);
	/* 3. "voice vlan 233 priority voice dscp 46" without "tagged": T is 0 */
	assert_int_equal(rb_lldp_parse(&L, c.frame[2], c.len[2]), 0);
	assert_true(v->present && !v->tagged);
	assert_int_equal(v->vlan, 233);
	assert_false(s->present);
	/* 4. an LLDP-MED endpoint (Class III): a phone, not a switch */
	assert_int_equal(rb_lldp_parse(&L, c.frame[4], c.len[4]), 0);
	assert_int_equal(L.med_class, RB_LLDP_MED_CLASS_III);
	assert_int_equal(v->vlan, 99);
	/* 5. plain LLDP */
	assert_int_equal(rb_lldp_parse(&L, c.frame[6], c.len[6]), 0);
	assert_false(L.med);
	assert_false(v->present);
	assert_true(L.skipped > 0);
	free_capture(&c);
}

/* Each captured frame cut at every length: refused or accepted, never read past. */
static void lldpd_frames_truncated(void **state)
{
	struct capture c;

	read_capture(&c);
	for (size_t i = 0; i < c.n; i++) {
		for (size_t n = 0; n < c.len[i]; n++) {
			uint8_t *f = malloc(n ? n : 1);
			int err;

			assert_non_null(f);
			memcpy(f, c.frame[i], n);
			err = rb_lldp_parse(&L, f, n);
			assert_true(err == 0 || err == -EBADMSG || err == -ENOMSG);
			free(f);
		}
	}
	free_capture(&c);
}

/* --- the handset's LLDPDU --------------------------------------------- */

static void own_frame_bytes(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x02 };
	static const uint8_t want[60] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x02, 0x88, 0xcc,
		0x02, 0x07, 0x04, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x02,	/* Chassis ID: MAC */
		0x04, 0x07, 0x03, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x02,	/* Port ID: MAC */
		0x06, 0x02, 0x00, 0x78,					/* TTL 120 */
		0xfe, 0x07, 0x00, 0x12, 0xbb, 0x01, 0x00, 0x03, 0x03,	/* MED caps, Class III */
		0xfe, 0x08, 0x00, 0x12, 0xbb, 0x02, 0x01, 0x80, 0x00, 0x00, /* voice, U */
		0x00, 0x00,						/* End */
		0x00,							/* padding to 60 */
	};
	uint8_t out[RB_LLDP_BUILD_MAX];

	assert_int_equal(rb_lldp_build(out, sizeof(out), mac, RB_LLDP_TTL_DEFAULT), 60);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(rb_lldp_build(out, sizeof(out) - 1, mac, 120), -ENOSPC);
}

static void own_frame_parses_back(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x02 };
	uint8_t out[RB_LLDP_BUILD_MAX];
	int n = rb_lldp_build(out, sizeof(out), mac, 300);

	assert_true(n >= 60);
	assert_int_equal(rb_lldp_parse(&L, out, (size_t)n), 0);
	assert_int_equal(L.ttl, 300);
	assert_int_equal(L.med_class, RB_LLDP_MED_CLASS_III);
	assert_int_equal(L.med_caps, 3);
	assert_true(L.policy[RB_LLDP_APP_VOICE].present);
	assert_true(L.policy[RB_LLDP_APP_VOICE].unknown);
	assert_memory_equal(L.port.id, mac, 6);
}

static void chassis_for_people(void **state)
{
	static const uint8_t ip[] = { ETH_HEAD, 0x02, 0x06, 0x05, 0x01, 192, 0, 2, 7, PORT, TTL120 };
	static const uint8_t name[] = { ETH_HEAD, 0x02, 0x04, 0x07, 's', 'w', '1', PORT, TTL120 };
	static const uint8_t bin[] = { ETH_HEAD, 0x02, 0x04, 0x01, 0x00, 0xff, 0x10, PORT, TTL120 };
	char s[64], tiny[4];

	assert_int_equal(rb_lldp_parse(&L, ip, sizeof(ip)), 0);
	rb_lldp_chassis_str(&L, s, sizeof(s));
	assert_string_equal(s, "192.0.2.7");
	assert_int_equal(rb_lldp_parse(&L, name, sizeof(name)), 0);
	rb_lldp_chassis_str(&L, s, sizeof(s));
	assert_string_equal(s, "sw1");
	assert_int_equal(rb_lldp_parse(&L, bin, sizeof(bin)), 0);
	rb_lldp_chassis_str(&L, s, sizeof(s));
	assert_string_equal(s, "00ff10");
	rb_lldp_chassis_str(&L, tiny, sizeof(tiny));
	assert_string_equal(tiny, "00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(standard_frame_parses),
		cmocka_unit_test(policy_bits),
		cmocka_unit_test(skips_what_it_does_not_use),
		cmocka_unit_test(end_is_optional_and_padding_unread),
		cmocka_unit_test(not_lldp),
		cmocka_unit_test(every_truncation),
		cmocka_unit_test(refuses_bad_mandatory_tlvs),
		cmocka_unit_test(refuses_bad_framing),
		cmocka_unit_test(refuses_ambiguous_med),
		cmocka_unit_test(largest_lengths),
		cmocka_unit_test(lldpd_frames),
		cmocka_unit_test(lldpd_frames_truncated),
		cmocka_unit_test(own_frame_bytes),
		cmocka_unit_test(own_frame_parses_back),
		cmocka_unit_test(chassis_for_people),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
