/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running the DHCP client on real interfaces: sockets, the wait loop, ARP
 * check, interface set-up (netcfg), the lease file and the parameters it
 * yields, listening for the switch's LLDP-MED voice policy alongside
 * (lldp_run.h), the voice VLAN hop, and keeping the lease (--daemon).
 */
#ifndef RINGBOOT_DHCP_RUN_H
#define RINGBOOT_DHCP_RUN_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "dhcp_client.h"
#include "dhcp_sock.h"
#include "lldp_run.h"
#include "netcfg.h"
#include "params.h"

/*
 * ARP check of an offered address before using it (RFC 5227 §2.1.1 style):
 * two probes within this many ms. RFC 5227 spends 1-3 s; on a LAN a holder
 * of the address answers within milliseconds, and boot time counts.
 */
#define RB_DHCP_ARP_MS_DEFAULT 100
#define RB_DHCP_VENDOR_CLASS_DEFAULT "ccp.avaya.com"	/* what Avaya 96xx phones send (option 60) */

struct rb_dhcp_link {
	char name[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[6];
	uint16_t vlan;			/* 802.1Q id when this is the voice VLAN, else 0 */
	bool created;			/* we created the VLAN interface */
	bool configured;		/* address (and route) applied */
	struct rb_dhcp_sock sock;
	struct rb_dhcp_client *c;
};

struct rb_dhcp_run {
	const char *state_dir;
	struct rb_dhcp_config cfg;	/* template for each link */
	bool configure;			/* false: --no-configure */
	bool follow_vlan;		/* act on L2Q/L2QVLAN */
	bool use_stored;		/* INIT-REBOOT from the stored lease */
	unsigned int arp_ms;		/* ARP check of the address; 0: off */
	uint64_t deadline_ns;		/* CLOCK_MONOTONIC bound on every acquisition
					 * (the boot's deadline); 0: none */
	struct rb_netcfg nc;
	struct rb_params *params;
	gid_t env_group;		/* may read params.env (ENV_GROUP), or RB_ENV_NO_GROUP */
	int sigfd;			/* signalfd (SIGTERM, SIGINT), -1: none */
	uint64_t t0_ns;			/* start, for elapsed times */
	uint64_t bound_ns;		/* when the first address was configured */
	uint16_t vlan_tried;		/* the VLAN hop that was tried, 0: none */
	enum rb_origin_kind vlan_origin;	/* where its L2QVLAN came from */
	bool vlan_fell_back;		/* no lease on it within VLANTEST */

	/* LLDP (docs/boot.md "The voice VLAN"): listening before and during DHCP */
	int lldp_mode;			/* --lldp (LLDP_ENABLED's values); -1: the parameter */
	uint32_t lldp_wait_ms;		/* LLDP_WAIT_MS */
	struct rb_lldp_run lldp;
	bool lldp_started, lldp_done;
	bool lldp_first;		/* its VLAN came before an untagged lease: none was taken */
	/* Told when listening begins (ls open) and when it ended (always, once). */
	void (*lldp_event)(void *arg, const struct rb_lldp_listen *ls);
	void *lldp_arg;
};

/*
 * The defaults shared by `ringboot dhcp` and `ringboot boot`: configure the
 * interface, follow the voice VLAN, INIT-REBOOT from a stored lease, ARP
 * check, Avaya's vendor class; no signal fd.
 */
void rb_dhcp_run_init(struct rb_dhcp_run *r, const char *state_dir);

int rb_dhcp_link_open(struct rb_dhcp_run *r, struct rb_dhcp_link *l, const char *name);
void rb_dhcp_link_close(struct rb_dhcp_run *r, struct rb_dhcp_link *l);

/*
 * Acquire a lease on l within timeout_ms (0: the configured limit; UINT32_MAX:
 * none) and never past r->deadline_ns, configure the interface (unless
 * --no-configure), store the lease and update the parameters. Returns 0,
 * -ETIMEDOUT, -EINTR (signal), -errno.
 *
 * On the untagged interface, the first call also listens for LLDP: from
 * before the first DHCP message until the listening window closes
 * (lldp_listen.h), which may be after the lease. A voice policy that names a
 * VLAN to go to before the lease is there ends the untagged exchange: then it
 * returns 1 and l has no lease; rb_dhcp_vlan() goes to the VLAN (and gets
 * the untagged lease after all when the VLAN gives none).
 */
int rb_dhcp_acquire(struct rb_dhcp_run *r, struct rb_dhcp_link *l, uint32_t timeout_ms);

/*
 * Voice VLAN (Avaya L2Q/L2QVLAN/VLANTEST, from LLDP, DHCP or files): when the
 * parameters ask for it, create the VLAN on l, acquire there within VLANTEST
 * seconds, and switch *l to it (releasing the untagged lease); otherwise
 * leave *l as it was. Returns 0 (on either interface, with a lease) or -errno.
 */
int rb_dhcp_vlan(struct rb_dhcp_run *r, struct rb_dhcp_link *l, struct rb_dhcp_link *vl,
		 struct rb_dhcp_link **active);

/* Keep the lease until SIGTERM/SIGINT, then release it (RFC 2131 §4.4.5, §4.4.6). */
int rb_dhcp_keep(struct rb_dhcp_run *r, struct rb_dhcp_link *l);

/* Give the lease of l back and remove its configuration and lease file. */
int rb_dhcp_release(struct rb_dhcp_run *r, struct rb_dhcp_link *l);

/* Remove address and route applied for l's lease. */
void rb_dhcp_deconfigure(struct rb_dhcp_run *r, struct rb_dhcp_link *l);

#endif
