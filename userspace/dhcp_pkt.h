/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCPv4 message codec (RFC 2131 §2, options RFC 2132).
 *
 * Parsing is strict about framing and lenient about content: a message whose
 * option areas are malformed (an option running past its area, no End option,
 * a bad magic cookie) is refused as a whole, while an option with a value of
 * the wrong length is only dropped from the result (rb_dhcp_opt_*() report it
 * as absent). Option overload (52) and the concatenation of split options
 * (RFC 3396) are resolved here, so callers see each option once, whole.
 */
#ifndef RINGBOOT_DHCP_PKT_H
#define RINGBOOT_DHCP_PKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rb_dhcp_limits {
	RB_DHCP_FIXED_LEN = 236,	/* op .. file, RFC 2131 §2 */
	RB_DHCP_MIN_LEN = 240,		/* fixed part + magic cookie */
	RB_DHCP_MAX_LEN = 4096,		/* larger datagrams are refused */
	RB_DHCP_SNAME_OFF = 44,
	RB_DHCP_SNAME_LEN = 64,
	RB_DHCP_FILE_OFF = 108,
	RB_DHCP_FILE_LEN = 128,
	RB_DHCP_COOKIE = 0x63825363,	/* RFC 2131 §3 */
	RB_DHCP_SERVER_PORT = 67,
	RB_DHCP_CLIENT_PORT = 68,
};

enum rb_dhcp_op {
	RB_BOOTREQUEST = 1,
	RB_BOOTREPLY = 2,
};

/* Option 53 values, RFC 2132 §9.6. */
enum rb_dhcp_type {
	RB_DHCPDISCOVER = 1,
	RB_DHCPOFFER = 2,
	RB_DHCPREQUEST = 3,
	RB_DHCPDECLINE = 4,
	RB_DHCPACK = 5,
	RB_DHCPNAK = 6,
	RB_DHCPRELEASE = 7,
	RB_DHCPINFORM = 8,
};

/* Option codes used by ringboot (RFC 2132 unless noted). */
enum rb_dhcp_opt {
	RB_DHO_PAD = 0,
	RB_DHO_SUBNET = 1,
	RB_DHO_ROUTER = 3,
	RB_DHO_DNS = 6,
	RB_DHO_LOG = 7,
	RB_DHO_HOSTNAME = 12,
	RB_DHO_DOMAIN = 15,
	RB_DHO_MTU = 26,
	RB_DHO_NTP = 42,
	RB_DHO_VENDOR = 43,
	RB_DHO_REQ_IP = 50,
	RB_DHO_LEASE = 51,
	RB_DHO_OVERLOAD = 52,
	RB_DHO_MSGTYPE = 53,
	RB_DHO_SERVER_ID = 54,
	RB_DHO_PRL = 55,
	RB_DHO_MESSAGE = 56,
	RB_DHO_MAX_SIZE = 57,
	RB_DHO_T1 = 58,
	RB_DHO_T2 = 59,
	RB_DHO_VENDOR_CLASS = 60,
	RB_DHO_CLIENT_ID = 61,
	RB_DHO_TFTP_NAME = 66,
	RB_DHO_BOOTFILE = 67,
	RB_DHO_RAPID_COMMIT = 80,	/* RFC 4039 */
	RB_DHO_AVAYA_176 = 176,		/* 4600-era site-specific option */
	RB_DHO_AVAYA_242 = 242,		/* 96xx/J100 site-specific option */
	RB_DHO_END = 255,
};

/* Each option's value after RFC 3396 concatenation. */
struct rb_dhcp_opts {
	uint16_t off[256];
	uint16_t len[256];
	bool present[256];
	uint8_t data[RB_DHCP_MAX_LEN];
};

struct rb_dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;			/* host order */
	uint16_t secs, flags;		/* host order */
	struct in_addr ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	/* NUL-terminated copies; empty when the field carried options. */
	char sname[RB_DHCP_SNAME_LEN + 1];
	char file[RB_DHCP_FILE_LEN + 1];
	uint8_t type;			/* option 53, 0 when absent or bad */
	struct rb_dhcp_opts opts;
};

/*
 * Parse buf[0..len) into m. Returns 0, or -EBADMSG (malformed framing or
 * options), -EMSGSIZE (shorter than the fixed part or longer than
 * RB_DHCP_MAX_LEN), -EPROTO (bad magic cookie).
 */
int rb_dhcp_parse(struct rb_dhcp_msg *m, const uint8_t *buf, size_t len);

/* Raw access: value and length of option code, NULL when absent. */
const uint8_t *rb_dhcp_opt(const struct rb_dhcp_msg *m, uint8_t code, size_t *len);
/* Typed access; each returns false when absent or of the wrong length. */
bool rb_dhcp_opt_u8(const struct rb_dhcp_msg *m, uint8_t code, uint8_t *v);
bool rb_dhcp_opt_u16(const struct rb_dhcp_msg *m, uint8_t code, uint16_t *v);
bool rb_dhcp_opt_u32(const struct rb_dhcp_msg *m, uint8_t code, uint32_t *v);
bool rb_dhcp_opt_addr(const struct rb_dhcp_msg *m, uint8_t code, struct in_addr *a);
/* An address list (3, 6, 7, 42): up to max entries; returns the count (0: absent or bad). */
size_t rb_dhcp_opt_addrs(const struct rb_dhcp_msg *m, uint8_t code, struct in_addr *a,
			 size_t max);

/*
 * Building a message: rb_dhcp_build_begin() writes the fixed part and cookie;
 * rb_dhcp_put() appends an option, splitting values longer than 255 bytes
 * into consecutive instances (RFC 3396 §5); rb_dhcp_build_end() appends End
 * and pads to the 300-byte BOOTP minimum (RFC 1542 §3.1.1 relays may drop
 * shorter ones). All return the new length or -EMSGSIZE.
 */
struct rb_dhcp_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
};

void rb_dhcp_build_begin(struct rb_dhcp_builder *b, uint8_t *buf, size_t cap, uint8_t op,
			 uint32_t xid, const uint8_t *mac, size_t mac_len);
void rb_dhcp_put(struct rb_dhcp_builder *b, uint8_t code, const void *val, size_t len);
void rb_dhcp_put_u8(struct rb_dhcp_builder *b, uint8_t code, uint8_t v);
void rb_dhcp_put_u16(struct rb_dhcp_builder *b, uint8_t code, uint16_t v);
void rb_dhcp_put_addr(struct rb_dhcp_builder *b, uint8_t code, struct in_addr a);
/* Set a fixed-header field after begin. */
void rb_dhcp_set_ciaddr(struct rb_dhcp_builder *b, struct in_addr a);
void rb_dhcp_set_flags(struct rb_dhcp_builder *b, uint16_t flags);
void rb_dhcp_set_secs(struct rb_dhcp_builder *b, uint16_t secs);
int rb_dhcp_build_end(struct rb_dhcp_builder *b);

const char *rb_dhcp_type_name(uint8_t type);

#endif
