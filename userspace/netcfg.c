// SPDX-License-Identifier: GPL-2.0-or-later
/* Interface set-up over rtnetlink with libnl-route-3 (see netcfg.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/route.h>
#include <stdbool.h>
#include <string.h>

#include "netcfg.h"

/* libnl reports its own codes; callers speak errno. */
static int nlerr(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return 0;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_RANGE:
		return -ERANGE;
	default:
		return -EIO;
	}
}

int rb_netcfg_open(struct rb_netcfg *n)
{
	int err;

	n->sk = nl_socket_alloc();
	if (!n->sk)
		return -ENOMEM;
	err = nl_connect(n->sk, NETLINK_ROUTE);
	if (err) {
		nl_socket_free(n->sk);
		n->sk = NULL;
	}
	return nlerr(err);
}

void rb_netcfg_close(struct rb_netcfg *n)
{
	if (n->sk)
		nl_socket_free(n->sk);
	n->sk = NULL;
}

int rb_netcfg_link(struct rb_netcfg *n, const char *name, int *ifindex, uint8_t *mac,
		   unsigned int *mtu)
{
	struct rtnl_link *link = NULL;
	struct nl_addr *a;
	int err = nlerr(rtnl_link_get_kernel(n->sk, 0, name, &link));

	if (err)
		return err;
	if (ifindex)
		*ifindex = rtnl_link_get_ifindex(link);
	if (mtu)
		*mtu = rtnl_link_get_mtu(link);
	if (mac) {
		a = rtnl_link_get_addr(link);
		if (!a || nl_addr_get_len(a) != 6)
			err = -EAFNOSUPPORT;	/* DHCP here needs an Ethernet address */
		else
			memcpy(mac, nl_addr_get_binary_addr(a), 6);
	}
	rtnl_link_put(link);
	return err;
}

/* Apply a change described by `change` to the link ifindex. */
static int link_change(struct rb_netcfg *n, int ifindex, struct rtnl_link *change)
{
	struct rtnl_link *orig = rtnl_link_alloc();
	int err;

	if (!orig)
		return -ENOMEM;
	rtnl_link_set_ifindex(orig, ifindex);
	err = nlerr(rtnl_link_change(n->sk, orig, change, 0));
	rtnl_link_put(orig);
	return err;
}

int rb_netcfg_link_up(struct rb_netcfg *n, int ifindex)
{
	struct rtnl_link *c = rtnl_link_alloc();
	int err;

	if (!c)
		return -ENOMEM;
	rtnl_link_set_flags(c, IFF_UP);
	err = link_change(n, ifindex, c);
	rtnl_link_put(c);
	return err;
}

int rb_netcfg_set_mtu(struct rb_netcfg *n, int ifindex, unsigned int mtu)
{
	struct rtnl_link *c = rtnl_link_alloc();
	int err;

	if (!c)
		return -ENOMEM;
	rtnl_link_set_mtu(c, mtu);
	err = link_change(n, ifindex, c);
	rtnl_link_put(c);
	return err;
}

static struct nl_addr *v4(struct in_addr a, unsigned int prefix)
{
	struct nl_addr *na = nl_addr_build(AF_INET, &a, 4);

	if (na)
		nl_addr_set_prefixlen(na, (int)prefix);
	return na;
}

static struct rtnl_addr *addr_obj(int ifindex, struct in_addr addr, unsigned int prefix,
				  bool with_bcast)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = v4(addr, prefix), *bc = NULL;

	if (!ra || !local)
		goto fail;
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, AF_INET);
	if (rtnl_addr_set_local(ra, local))
		goto fail;
	rtnl_addr_set_prefixlen(ra, (int)prefix);
	if (with_bcast && prefix < 31) {
		struct in_addr b = { addr.s_addr | htonl(~(uint32_t)(~0ull << (32 - prefix))) };

		bc = v4(b, 32);
		if (!bc || rtnl_addr_set_broadcast(ra, bc))
			goto fail;
		nl_addr_put(bc);
	}
	nl_addr_put(local);
	return ra;
fail:
	if (bc)
		nl_addr_put(bc);
	if (local)
		nl_addr_put(local);
	if (ra)
		rtnl_addr_put(ra);
	return NULL;
}

int rb_netcfg_addr_add(struct rb_netcfg *n, int ifindex, struct in_addr addr,
		       unsigned int prefix, uint32_t lifetime_s)
{
	struct rtnl_addr *ra;
	int err;

	if (prefix > 32)
		return -EINVAL;
	ra = addr_obj(ifindex, addr, prefix, true);
	if (!ra)
		return -ENOMEM;
	/* The kernel removes the address by itself if we die past the lease's end. */
	if (lifetime_s && lifetime_s != UINT32_MAX) {
		rtnl_addr_set_valid_lifetime(ra, lifetime_s);
		rtnl_addr_set_preferred_lifetime(ra, lifetime_s);
	}
	err = nlerr(rtnl_addr_add(n->sk, ra, NLM_F_REPLACE));
	rtnl_addr_put(ra);
	return err;
}

int rb_netcfg_addr_del(struct rb_netcfg *n, int ifindex, struct in_addr addr,
		       unsigned int prefix)
{
	struct rtnl_addr *ra = addr_obj(ifindex, addr, prefix, false);
	int err;

	if (!ra)
		return -ENOMEM;
	err = nlerr(rtnl_addr_delete(n->sk, ra, 0));
	rtnl_addr_put(ra);
	return err;
}

static struct rtnl_route *default_route(int ifindex, struct in_addr gw)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct in_addr any = { INADDR_ANY };
	struct nl_addr *dst = v4(any, 0), *via = v4(gw, 32);

	if (!r || !nh || !dst || !via)
		goto fail;
	rtnl_route_set_family(r, AF_INET);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_DHCP);
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(r, RTN_UNICAST);
	if (rtnl_route_set_dst(r, dst))
		goto fail;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, via);
	rtnl_route_add_nexthop(r, nh);
	nl_addr_put(dst);
	nl_addr_put(via);
	return r;
fail:
	if (dst)
		nl_addr_put(dst);
	if (via)
		nl_addr_put(via);
	if (nh)
		rtnl_route_nh_free(nh);
	if (r)
		rtnl_route_put(r);
	return NULL;
}

int rb_netcfg_route_add_default(struct rb_netcfg *n, int ifindex, struct in_addr gw)
{
	struct rtnl_route *r = default_route(ifindex, gw);
	int err;

	if (!r)
		return -ENOMEM;
	err = nlerr(rtnl_route_add(n->sk, r, NLM_F_REPLACE));
	rtnl_route_put(r);
	return err;
}

int rb_netcfg_route_del_default(struct rb_netcfg *n, int ifindex, struct in_addr gw)
{
	struct rtnl_route *r = default_route(ifindex, gw);
	int err;

	if (!r)
		return -ENOMEM;
	err = nlerr(rtnl_route_delete(n->sk, r, 0));
	rtnl_route_put(r);
	return err;
}

int rb_netcfg_vlan_add(struct rb_netcfg *n, int parent, uint16_t vid, const char *name)
{
	struct rtnl_link *l;
	int err;

	/* IEEE 802.1Q: 0 means priority-tagged only and 4095 is reserved. */
	if (vid == 0 || vid > 4094)
		return -EINVAL;
	l = rtnl_link_vlan_alloc();
	if (!l)
		return -ENOMEM;
	rtnl_link_set_link(l, parent);
	rtnl_link_set_name(l, name);
	err = nlerr(rtnl_link_vlan_set_id(l, vid));
	if (!err)
		err = nlerr(rtnl_link_add(n->sk, l, NLM_F_CREATE | NLM_F_EXCL));
	rtnl_link_put(l);
	return err;
}

int rb_netcfg_link_del(struct rb_netcfg *n, const char *name)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int err;

	if (!l)
		return -ENOMEM;
	rtnl_link_set_name(l, name);
	err = nlerr(rtnl_link_delete(n->sk, l));
	rtnl_link_put(l);
	return err;
}
