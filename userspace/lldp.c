// SPDX-License-Identifier: GPL-2.0-or-later
/* LLDP and LLDP-MED frames (see lldp.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lldp.h"

#define ETH_HDR 14
#define TLV_HDR 2

/* IEEE 802.1AB-2005 9.4, TLV type values. */
enum {
	TLV_END = 0,
	TLV_CHASSIS_ID = 1,
	TLV_PORT_ID = 2,
	TLV_TTL = 3,
	TLV_ORG = 127,
};

/* TIA-1057: the TIA's OUI and the LLDP-MED subtypes read here. */
static const uint8_t tia_oui[3] = { 0x00, 0x12, 0xbb };
enum {
	MED_CAPABILITIES = 1,	/* 2 octets of capabilities, 1 of device type */
	MED_NETWORK_POLICY = 2,	/* application type, then U T X VLAN(12) prio(3) DSCP(6) */
};
#define MED_CAPS_LEN 7		/* OUI + subtype + 3 */
#define MED_POLICY_LEN 8	/* OUI + subtype + 4 */

/* TIA-1057 LLDP-MED capability bits. */
#define MED_CAP_CAPABILITIES 0x0001
#define MED_CAP_NETWORK_POLICY 0x0002

const uint8_t rb_lldp_group_mac[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };

static int refuse(struct rb_lldp *l, const char *why)
{
	l->why = why;
	return -EBADMSG;
}

/* Chassis ID and Port ID: a subtype octet and 1..255 octets of ID (802.1AB-2005 9.5.2, 9.5.3). */
static int read_id(struct rb_lldp_id *id, const uint8_t *v, size_t len)
{
	if (len < 2 || len > 1 + RB_LLDP_ID_MAX)
		return -EBADMSG;
	id->subtype = v[0];
	id->len = (uint8_t)(len - 1);
	memcpy(id->id, v + 1, len - 1);
	return 0;
}

/* An LLDP-MED TLV (OUI 00-12-BB); v starts at the OUI. */
static int read_med(struct rb_lldp *l, const uint8_t *v, size_t len)
{
	struct rb_lldp_policy *p;
	uint32_t bits;

	switch (v[3]) {
	case MED_CAPABILITIES:
		if (len != MED_CAPS_LEN)
			return refuse(l, "LLDP-MED Capabilities TLV is not 7 octets");
		if (l->med)
			return refuse(l, "LLDP-MED Capabilities TLV appears twice");
		l->med = true;
		l->med_caps = (uint16_t)(v[4] << 8 | v[5]);
		l->med_class = v[6];
		return 0;
	case MED_NETWORK_POLICY:
		if (len != MED_POLICY_LEN)
			return refuse(l, "Network Policy TLV is not 8 octets");
		if (v[4] == 0 || v[4] > RB_LLDP_APP_MAX) {
			l->skipped++;	/* a reserved application type */
			return 0;
		}
		p = &l->policy[v[4]];
		if (p->present)
			return refuse(l, "two Network Policy TLVs for one application type");
		bits = (uint32_t)v[5] << 16 | (uint32_t)v[6] << 8 | v[7];
		p->present = true;
		p->unknown = bits & 0x800000;
		p->tagged = bits & 0x400000;
		/* 0x200000 is the reserved X bit */
		p->vlan = (uint16_t)((bits >> 9) & 0xfff);
		p->priority = (uint8_t)((bits >> 6) & 7);
		p->dscp = (uint8_t)(bits & 0x3f);
		return 0;
	default:
		l->skipped++;	/* location, power, inventory: not acted on */
		return 0;
	}
}

/* One TLV after the three mandatory ones. */
static int read_optional(struct rb_lldp *l, unsigned int type, const uint8_t *v, size_t len)
{
	if (type == TLV_CHASSIS_ID || type == TLV_PORT_ID || type == TLV_TTL)
		return refuse(l, "Chassis ID, Port ID or TTL TLV appears twice");
	if (type != TLV_ORG) {
		l->skipped++;	/* descriptions, capabilities, management address, reserved */
		return 0;
	}
	if (len < 4)
		return refuse(l, "organizationally specific TLV shorter than OUI and subtype");
	if (memcmp(v, tia_oui, sizeof(tia_oui))) {
		l->skipped++;	/* IEEE 802.1, 802.3, vendors' own */
		return 0;
	}
	return read_med(l, v, len);
}

/* The TLV at position n (0-based) once its header was read. */
static int read_tlv(struct rb_lldp *l, unsigned int n, unsigned int type, const uint8_t *v,
		    size_t len)
{
	/* 802.1AB-2005 9.2: Chassis ID, Port ID and TTL first, in this order. */
	if (n < 3 && type != TLV_CHASSIS_ID + n)
		return refuse(l, "the LLDPDU does not start with Chassis ID, Port ID and TTL");
	switch (n) {
	case 0:
		return read_id(&l->chassis, v, len) ?
		       refuse(l, "Chassis ID TLV length is outside 2..256") : 0;
	case 1:
		return read_id(&l->port, v, len) ?
		       refuse(l, "Port ID TLV length is outside 2..256") : 0;
	case 2:
		/* 2 octets; a longer TLV keeps its first two (802.1AB-2009). */
		if (len < 2)
			return refuse(l, "TTL TLV is shorter than 2 octets");
		l->ttl = (uint16_t)(v[0] << 8 | v[1]);
		return 0;
	default:
		return read_optional(l, type, v, len);
	}
}

int rb_lldp_parse(struct rb_lldp *l, const uint8_t *frame, size_t len)
{
	const uint8_t *p, *end = frame + len;
	unsigned int n;
	int err;

	memset(l, 0, sizeof(*l));
	if (len < ETH_HDR || memcmp(frame, rb_lldp_group_mac, 6) ||
	    (frame[12] << 8 | frame[13]) != RB_LLDP_ETHERTYPE) {
		l->why = "not an LLDP frame to the nearest-bridge address";
		return -ENOMSG;
	}
	memcpy(l->src, frame + 6, 6);
	for (p = frame + ETH_HDR, n = 0;; n++) {
		unsigned int type;
		size_t tlen;

		if (p == end)
			break;	/* no End TLV: allowed at a TLV boundary */
		if (end - p < TLV_HDR)
			return refuse(l, "a TLV header is cut by the end of the frame");
		type = p[0] >> 1;
		tlen = (size_t)(p[0] & 1) << 8 | p[1];
		p += TLV_HDR;
		if (tlen > (size_t)(end - p))
			return refuse(l, "a TLV's length runs past the end of the frame");
		l->tlvs++;
		if (type == TLV_END) {
			if (tlen)
				return refuse(l, "End of LLDPDU TLV has a non-zero length");
			break;
		}
		err = read_tlv(l, n, type, p, tlen);
		if (err)
			return err;
		p += tlen;
	}
	if (n < 3)
		return refuse(l, "the LLDPDU ends before Chassis ID, Port ID and TTL");
	return 0;
}

static uint8_t *put_tlv(uint8_t *p, unsigned int type, size_t len)
{
	p[0] = (uint8_t)(type << 1 | (len >> 8));
	p[1] = (uint8_t)len;
	return p + TLV_HDR;
}

int rb_lldp_build(uint8_t *out, size_t cap, const uint8_t mac[6], uint16_t ttl)
{
	static const uint8_t caps_and_class[3] = {
		0, MED_CAP_CAPABILITIES | MED_CAP_NETWORK_POLICY, RB_LLDP_MED_CLASS_III,
	};
	uint8_t *p = out;
	size_t len;

	if (cap < RB_LLDP_BUILD_MAX)
		return -ENOSPC;
	memset(out, 0, RB_LLDP_BUILD_MAX);
	memcpy(p, rb_lldp_group_mac, 6);
	memcpy(p + 6, mac, 6);
	p[12] = RB_LLDP_ETHERTYPE >> 8;
	p[13] = RB_LLDP_ETHERTYPE & 0xff;
	p += ETH_HDR;
	p = put_tlv(p, TLV_CHASSIS_ID, 7);
	*p++ = 4;			/* MAC address */
	memcpy(p, mac, 6);
	p += 6;
	p = put_tlv(p, TLV_PORT_ID, 7);
	*p++ = 3;			/* MAC address */
	memcpy(p, mac, 6);
	p += 6;
	p = put_tlv(p, TLV_TTL, 2);
	*p++ = (uint8_t)(ttl >> 8);
	*p++ = (uint8_t)ttl;
	p = put_tlv(p, TLV_ORG, MED_CAPS_LEN);
	memcpy(p, tia_oui, 3);
	p[3] = MED_CAPABILITIES;
	memcpy(p + 4, caps_and_class, 3);
	p += MED_CAPS_LEN;
	p = put_tlv(p, TLV_ORG, MED_POLICY_LEN);
	memcpy(p, tia_oui, 3);
	p[3] = MED_NETWORK_POLICY;
	p[4] = RB_LLDP_APP_VOICE;
	p[5] = 0x80;			/* U: required, currently unknown */
	p += MED_POLICY_LEN;
	p = put_tlv(p, TLV_END, 0);
	len = (size_t)(p - out);
	return (int)(len < 60 ? 60 : len);	/* the rest was zeroed: padding */
}

void rb_lldp_chassis_str(const struct rb_lldp *l, char *out, size_t cap)
{
	const struct rb_lldp_id *id = &l->chassis;
	size_t i, at = 0;
	bool text = true;

	if (!cap)
		return;
	out[0] = '\0';
	if (id->subtype == 4 && id->len == 6) {
		snprintf(out, cap, "%02x:%02x:%02x:%02x:%02x:%02x", id->id[0], id->id[1],
			 id->id[2], id->id[3], id->id[4], id->id[5]);
		return;
	}
	/* IANA address family 1 (IPv4) and four octets. */
	if (id->subtype == 5 && id->len == 5 && id->id[0] == 1) {
		snprintf(out, cap, "%u.%u.%u.%u", id->id[1], id->id[2], id->id[3], id->id[4]);
		return;
	}
	for (i = 0; i < id->len; i++)
		text &= id->id[i] >= 0x20 && id->id[i] < 0x7f;
	for (i = 0; i < id->len && at + 3 < cap; i++) {
		if (text)
			out[at++] = (char)id->id[i];
		else
			at += (size_t)snprintf(out + at, cap - at, "%02x", id->id[i]);
	}
	out[at < cap ? at : cap - 1] = '\0';
}
