/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A DHCPv4 lease: what an ACK gave (RFC 2131 §4.3.1, options RFC 2132), the
 * parameters it yields (PROVISIONING.md "DHCP"), and its copy in the state
 * directory (docs/state.md "DHCP lease").
 */
#ifndef RINGBOOT_DHCP_LEASE_H
#define RINGBOOT_DHCP_LEASE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dhcp_pkt.h"
#include "json.h"
#include "params.h"

#define RB_DHCP_MAX_ADDRS 8

struct rb_dhcp_lease {
	char iface[IF_NAMESIZE];
	struct in_addr addr;		/* yiaddr */
	struct in_addr mask;		/* option 1; classful default when absent */
	unsigned int prefix;
	struct in_addr server;		/* option 54 */
	struct in_addr siaddr;
	struct in_addr routers[RB_DHCP_MAX_ADDRS];
	size_t nrouters;
	struct in_addr dns[RB_DHCP_MAX_ADDRS];
	size_t ndns;
	uint32_t lease_s, t1_s, t2_s;	/* options 51, 58, 59 (defaults RFC 2131 §4.4.5) */
	uint16_t mtu;			/* option 26, 0 when absent */
	bool rapid_commit;		/* bound by a 2-message exchange (RFC 4039) */
	time_t acquired;		/* wall clock when the ACK arrived */
	uint8_t ack[RB_DHCP_MAX_LEN];	/* the ACK itself: everything else derives from it */
	size_t ack_len;
};

/*
 * Fill l from a parsed ACK m (raw bytes buf[0..len)). Returns 0, or -EINVAL
 * when the ACK lacks what a lease needs: a yiaddr, option 51 (ringboot
 * requires it), a valid server identifier.
 */
int rb_dhcp_lease_from_msg(struct rb_dhcp_lease *l, const struct rb_dhcp_msg *m,
			   const uint8_t *buf, size_t len);

/*
 * The parameters a lease message yields, into p: the standard options at
 * RB_ORIGIN_DHCP, option 43 (only when sub-option 1 is "6889") at
 * RB_ORIGIN_OPT43, option 176 then 242 at their ranks (so 242 wins). Each of
 * these layers is cleared first, so a new lease replaces the last one.
 * Returns 0 or -errno from the store.
 */
int rb_dhcp_params(const struct rb_dhcp_msg *m, struct rb_params *p);

/*
 * Option 43 as Avaya phones read it: sub-option 1 first and equal to "6889",
 * then sub-options 2..15. Calls fn for each parameter; returns the number of
 * parameters, 0 when option 43 is absent or not Avaya's, -EBADMSG when the
 * TLVs are malformed (then fn was not called).
 */
int rb_dhcp_opt43_decode(const uint8_t *v, size_t len,
			 int (*fn)(void *arg, const char *name, const uint8_t *val,
				   size_t vlen),
			 void *arg);

/* Path of the lease file of iface in state_dir: "<state_dir>/dhcp-<iface>.lease". */
int rb_dhcp_lease_path(char *buf, size_t len, const char *state_dir, const char *iface);
/* Persist l atomically; load it back (re-parsing the stored ACK). 0 or -errno. */
int rb_dhcp_lease_save(const struct rb_dhcp_lease *l, const char *path);
int rb_dhcp_lease_load(struct rb_dhcp_lease *l, const char *path);

/* The lease as a JSON object (docs/cli.md "dhcp"). */
void rb_dhcp_lease_json(const struct rb_dhcp_lease *l, struct rb_json *j);

#endif
