/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LLDP frames (IEEE 802.1AB-2005) with the LLDP-MED extensions the switch of
 * an IP phone sends (ANSI/TIA-1057): a codec without I/O.
 *
 * rb_lldp_parse() takes a whole Ethernet II frame as a packet socket delivers
 * it: destination 01-80-C2-00-00-0E (the only LLDP address of 802.1AB-2005,
 * the one TIA-1057 and Avaya's phones use), EtherType 0x88CC, then the LLDPDU,
 * a sequence of TLVs (7-bit type, 9-bit length, value). What it refuses as a
 * whole (802.1AB-2005 10.3.2: an LLDPDU that fails validation is discarded):
 *  - Chassis ID, Port ID and Time To Live not first and in that order, or
 *    appearing again later; their lengths out of range (2..256, TTL >= 2);
 *  - a TLV header cut by the end of the frame, or a length past it;
 *  - an End of LLDPDU TLV with a non-zero length;
 *  - an organizationally specific TLV shorter than its OUI and subtype;
 *  - a TLV the handset acts on that is malformed or repeated: the TIA
 *    LLDP-MED Capabilities TLV (OUI 00-12-BB subtype 1, 7 octets, once) and
 *    the Network Policy TLV (subtype 2, 8 octets, once per application).
 * Other TLVs (descriptions, management address, 802.1/802.3 and inventory
 * TLVs, reserved types) are skipped by their length. The End TLV is optional
 * (802.1AB-2009 dropped the requirement): a frame may end at a TLV boundary;
 * after End, the rest of the frame (padding) is not read.
 *
 * rb_lldp_build() makes the frame the handset sends to be recognised as an
 * LLDP-MED endpoint (switches send their LLDP-MED TLVs only to one).
 */
#ifndef RINGBOOT_LLDP_H
#define RINGBOOT_LLDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RB_LLDP_ETHERTYPE 0x88cc
#define RB_LLDP_ID_MAX 255		/* Chassis ID / Port ID: 1..255 octets after the subtype */
#define RB_LLDP_FRAME_MAX 1514		/* Ethernet header + the largest LLDPDU (1500) */
#define RB_LLDP_BUILD_MAX 64		/* what rb_lldp_build() writes at most */
#define RB_LLDP_TTL_DEFAULT 120		/* s; what Avaya's phones send */

extern const uint8_t rb_lldp_group_mac[6];	/* 01-80-C2-00-00-0E, nearest bridge */

/* TIA-1057 Network Policy application types (1..8; 0 and 9..255 are reserved). */
enum rb_lldp_app {
	RB_LLDP_APP_VOICE = 1,
	RB_LLDP_APP_VOICE_SIGNALING = 2,
	RB_LLDP_APP_MAX = 8,
};

/* TIA-1057 LLDP-MED device types (the Capabilities TLV's last octet). */
enum rb_lldp_med_class {
	RB_LLDP_MED_UNDEFINED = 0,
	RB_LLDP_MED_CLASS_I = 1,	/* generic endpoint */
	RB_LLDP_MED_CLASS_II = 2,	/* media endpoint */
	RB_LLDP_MED_CLASS_III = 3,	/* communication device (an IP phone) */
	RB_LLDP_MED_NETWORK = 4,	/* network connectivity device (the switch) */
};

/* One Network Policy TLV (TIA-1057): application type, U/T/X flags, VLAN, 802.1p, DSCP. */
struct rb_lldp_policy {
	bool present;
	bool unknown;		/* U: policy required but not known; the rest means nothing */
	bool tagged;		/* T: 802.1Q tagged; 0: untagged, VLAN and priority unused */
	uint16_t vlan;		/* 1..4094; 0: priority-tagged on the port's own VLAN; 4095 reserved */
	uint8_t priority;	/* 802.1p, 0..7 */
	uint8_t dscp;		/* 0..63 */
};

struct rb_lldp_id {
	uint8_t subtype;
	uint8_t len;		/* 1..RB_LLDP_ID_MAX */
	uint8_t id[RB_LLDP_ID_MAX];
};

struct rb_lldp {
	uint8_t src[6];			/* the sender's MAC (Ethernet source) */
	struct rb_lldp_id chassis, port;
	uint16_t ttl;			/* s; 0: the sender shuts down (a shutdown LLDPDU) */
	bool med;			/* an LLDP-MED Capabilities TLV was present */
	uint16_t med_caps;		/* its capability bits */
	uint8_t med_class;		/* its device type (enum rb_lldp_med_class, or reserved) */
	struct rb_lldp_policy policy[RB_LLDP_APP_MAX + 1];	/* by application type */
	unsigned int tlvs;		/* TLVs read, End included */
	unsigned int skipped;		/* TLVs skipped (not acted on, or reserved) */
	const char *why;		/* after a refusal: what was wrong (a static string) */
};

/*
 * Parse one received frame into *l. Returns 0; -ENOMSG when it is not an LLDP
 * frame at all (destination, EtherType); -EBADMSG when its LLDPDU is refused
 * (l->why says why). *l is only meaningful after 0.
 */
int rb_lldp_parse(struct rb_lldp *l, const uint8_t *frame, size_t len);

/*
 * The handset's LLDPDU, from mac: Chassis ID (subtype 4, MAC address) and Port
 * ID (subtype 3, MAC address), TTL, the LLDP-MED Capabilities TLV (LLDP-MED
 * capabilities and Network Policy; device type Class III) and a voice Network
 * Policy with the U flag set ("required but currently unknown", TIA-1057), End;
 * padded to the 60-octet Ethernet minimum. Returns the length or -ENOSPC.
 */
int rb_lldp_build(uint8_t *out, size_t cap, const uint8_t mac[6], uint16_t ttl);

/*
 * The sender's Chassis ID for people: a MAC address (subtype 4) as
 * aa:bb:cc:dd:ee:ff, an IPv4 network address (subtype 5) dotted, printable
 * text as it is, anything else in hex. Always NUL-terminates out.
 */
void rb_lldp_chassis_str(const struct rb_lldp *l, char *out, size_t cap);

#endif
