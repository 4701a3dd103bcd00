/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCPv4 client state machine (RFC 2131 §4.4, figure 5), without I/O.
 *
 * The driver feeds it received datagrams (rb_dhcp_client_input) and the
 * passing of time (rb_dhcp_client_tick at c->deadline_ns); after each call it
 * sends c->tx when c->tx_pending (broadcast, or unicast to c->lease.server when
 * c->tx_unicast) and acts on the returned event. Times are CLOCK_MONOTONIC ns.
 * Keeping I/O out makes every transition testable with crafted packets.
 */
#ifndef RINGBOOT_DHCP_CLIENT_H
#define RINGBOOT_DHCP_CLIENT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "dhcp_lease.h"
#include "dhcp_pkt.h"

enum rb_dhcp_state {
	RB_DHCP_INIT,
	RB_DHCP_SELECTING,
	RB_DHCP_REQUESTING,
	RB_DHCP_REBOOTING,	/* INIT-REBOOT's REQUEST sent */
	RB_DHCP_BOUND,
	RB_DHCP_RENEWING,
	RB_DHCP_REBINDING,
	RB_DHCP_STOPPED,	/* released, declined-and-given-up, or timed out */
};

enum rb_dhcp_event {
	RB_DHCP_EV_NONE,
	RB_DHCP_EV_BOUND,	/* c->lease is new: check, configure, persist */
	RB_DHCP_EV_RENEWED,	/* c->lease extended (same address) */
	RB_DHCP_EV_EXPIRED,	/* lease lost (expiry or NAK while bound): deconfigure */
	RB_DHCP_EV_NAK,		/* a NAK restarted the exchange */
	RB_DHCP_EV_TIMEOUT,	/* no lease within cfg.timeout_ms */
};

struct rb_dhcp_config {
	char iface[IF_NAMESIZE];
	uint8_t mac[6];
	uint8_t client_id[64];		/* option 61; default: type 1 + MAC */
	size_t client_id_len;
	char vendor_class[256];		/* option 60; empty: not sent */
	char hostname[64];		/* option 12; empty: not sent */
	bool rapid_commit;		/* offer RFC 4039 rapid commit */
	uint32_t first_ms;		/* first retransmission interval */
	uint32_t max_ms;		/* back-off cap (RFC 2131 §4.1: 64 s) */
	uint32_t timeout_ms;		/* give up acquiring after this; 0: never */
	uint32_t decline_wait_ms;	/* RFC 2131 §3.1.5: wait before restarting */
	uint32_t reboot_tries;		/* INIT-REBOOT REQUESTs before INIT */
	uint32_t request_tries;		/* REQUESTs before going back to INIT */
};

void rb_dhcp_config_defaults(struct rb_dhcp_config *cfg);

struct rb_dhcp_client {
	struct rb_dhcp_config cfg;
	enum rb_dhcp_state state;
	uint32_t xid;
	uint64_t rng;
	uint64_t start_ns;		/* start of this acquisition: secs field, timeout */
	uint64_t deadline_ns;		/* next tick; 0: none */
	uint64_t bound_ns;		/* when the lease's times started */
	uint32_t interval_ms;		/* current retransmission interval */
	uint32_t tries;			/* transmissions in this state */
	struct in_addr offered, offer_server;
	struct rb_dhcp_lease lease;	/* valid from BOUND on */
	bool have_lease;
	uint32_t naks;			/* NAKs seen (diagnostics, tests) */
	uint32_t ignored;		/* datagrams dropped as malformed or foreign */
	uint8_t tx[RB_DHCP_MAX_LEN];
	size_t tx_len;
	bool tx_pending;
	bool tx_unicast;
	struct rb_dhcp_msg rx;		/* scratch for parsing (large: keep it off the stack) */
};

/*
 * Begin acquiring: INIT-REBOOT when prev (a stored lease of this interface)
 * is given, else INIT. seed randomizes xids and back-off.
 */
void rb_dhcp_client_start(struct rb_dhcp_client *c, const struct rb_dhcp_config *cfg,
			  const struct rb_dhcp_lease *prev, uint64_t now, uint64_t seed);
/* Take over a stored lease as BOUND (to release it from a new process). */
void rb_dhcp_client_adopt(struct rb_dhcp_client *c, const struct rb_dhcp_config *cfg,
			  const char *iface, const uint8_t *mac, const struct rb_dhcp_lease *l);
enum rb_dhcp_event rb_dhcp_client_input(struct rb_dhcp_client *c, const uint8_t *buf,
					size_t len, uint64_t now);
enum rb_dhcp_event rb_dhcp_client_tick(struct rb_dhcp_client *c, uint64_t now);
/* The address was found in use (ARP): DECLINE it and restart later (RFC 2131 §4.4.1). */
void rb_dhcp_client_decline(struct rb_dhcp_client *c, uint64_t now);
/* Give the lease back (RFC 2131 §4.4.6); the client stops. */
void rb_dhcp_client_release(struct rb_dhcp_client *c);

const char *rb_dhcp_state_name(enum rb_dhcp_state s);

#endif
