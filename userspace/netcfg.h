/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interface set-up over rtnetlink with libnl-route-3: link state, MTU, an
 * IPv4 address with its prefix, the default route, and the voice VLAN
 * (802.1Q) interface. Functions return 0 or a negative errno.
 */
#ifndef RINGBOOT_NETCFG_H
#define RINGBOOT_NETCFG_H

#include <netinet/in.h>
#include <stdint.h>

struct nl_sock;

struct rb_netcfg {
	struct nl_sock *sk;
};

int rb_netcfg_open(struct rb_netcfg *n);
void rb_netcfg_close(struct rb_netcfg *n);

/* ifindex, MAC and MTU of a named link (any of the outputs may be NULL). */
int rb_netcfg_link(struct rb_netcfg *n, const char *name, int *ifindex, uint8_t *mac,
		   unsigned int *mtu);
int rb_netcfg_link_up(struct rb_netcfg *n, int ifindex);
int rb_netcfg_set_mtu(struct rb_netcfg *n, int ifindex, unsigned int mtu);

/* Add (or replace) addr/prefix with its broadcast; valid for lifetime_s (0: forever). */
int rb_netcfg_addr_add(struct rb_netcfg *n, int ifindex, struct in_addr addr,
		       unsigned int prefix, uint32_t lifetime_s);
int rb_netcfg_addr_del(struct rb_netcfg *n, int ifindex, struct in_addr addr,
		       unsigned int prefix);
/* Default route via gw on ifindex (replacing one that exists). */
int rb_netcfg_route_add_default(struct rb_netcfg *n, int ifindex, struct in_addr gw);
int rb_netcfg_route_del_default(struct rb_netcfg *n, int ifindex, struct in_addr gw);

/* Create 802.1Q interface `name` with id vid on parent (-EEXIST passes through). */
int rb_netcfg_vlan_add(struct rb_netcfg *n, int parent, uint16_t vid, const char *name);
int rb_netcfg_link_del(struct rb_netcfg *n, const char *name);

#endif
