// SPDX-License-Identifier: GPL-2.0
/* The Generic Netlink family "ringboot": strict policies, per-namespace. */
#include <net/genetlink.h>

#include "ringboot.h"

enum ringboot_mcgrp {
	RINGBOOT_MCGRP_EVENTS_ID,
};

static const struct genl_multicast_group ringboot_mcgrps[] = {
	[RINGBOOT_MCGRP_EVENTS_ID] = {
		.name = RINGBOOT_MCGRP_EVENTS,
#ifdef GENL_MCAST_CAP_NET_ADMIN
		.flags = GENL_MCAST_CAP_NET_ADMIN,
#endif
	},
};

static const struct nla_policy ringboot_policy[RINGBOOT_A_MAX + 1] = {
	[RINGBOOT_A_VERSION] = { .type = NLA_REJECT },
	[RINGBOOT_A_SESSIONS] = { .type = NLA_REJECT },
	[RINGBOOT_A_MAX_SESSIONS] = { .type = NLA_REJECT },
};

static struct genl_family ringboot_genl_family;

static int ringboot_info_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ringboot_genl_family, 0,
				RINGBOOT_CMD_GET_INFO);
	if (!hdr)
		goto nospace;
	if (nla_put_u32(msg, RINGBOOT_A_VERSION, RINGBOOT_GENL_VERSION) ||
	    nla_put_u32(msg, RINGBOOT_A_SESSIONS,
			atomic_read(&ringboot_nr_sessions)) ||
	    nla_put_u32(msg, RINGBOOT_A_MAX_SESSIONS, RINGBOOT_MAX_SESSIONS))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops ringboot_ops[] = {
	{
		.cmd = RINGBOOT_CMD_GET_INFO,
		.doit = ringboot_info_get,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family ringboot_genl_family __ro_after_init = {
	.name = RINGBOOT_GENL_NAME,
	.version = RINGBOOT_GENL_VERSION,
	.maxattr = RINGBOOT_A_MAX,
	.policy = ringboot_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = ringboot_ops,
	.n_small_ops = ARRAY_SIZE(ringboot_ops),
	.resv_start_op = 0,	/* a new family: strict validation everywhere */
	.mcgrps = ringboot_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ringboot_mcgrps),
};

int ringboot_netlink_init(void)
{
	return genl_register_family(&ringboot_genl_family);
}

void ringboot_netlink_uninit(void)
{
	genl_unregister_family(&ringboot_genl_family);
}
