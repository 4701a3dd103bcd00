// SPDX-License-Identifier: GPL-2.0
/*
 * The Generic Netlink family "ringboot": strict per-command policies,
 * CAP_NET_ADMIN in the namespace's owner, every namespace. Sessions are named
 * by the ring fd at ATTACH and by their id afterwards (fds mean nothing to
 * other processes or to multicast listeners).
 */
#include <linux/file.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>

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

static struct netlink_range_validation ringboot_blksize_range = {
	.min = RINGBOOT_BLKSIZE_MIN,
	.max = RINGBOOT_BLKSIZE_MAX,
};

static struct netlink_range_validation ringboot_windowsize_range = {
	.min = 1,
	.max = RINGBOOT_WINDOWSIZE_MAX,
};

static struct netlink_range_validation ringboot_timeout_range = {
	.min = RINGBOOT_TIMEOUT_MS_MIN,
	.max = RINGBOOT_TIMEOUT_MS_MAX,
};

static struct netlink_range_validation ringboot_retries_range = {
	.min = 0,
	.max = RINGBOOT_RETRIES_MAX,
};

static struct netlink_range_validation ringboot_first_block_range = {
	.min = 1,
	.max = 65535,
};

/* A file offset: the producer starts there and must not wrap. */
static struct netlink_range_validation ringboot_offset_range = {
	.min = 0,
	.max = RINGBOOT_OFFSET_MAX,
};

static struct netlink_range_validation ringboot_watermark_range = {
	.min = 1,
	.max = RINGBOOT_RING_MAX_DATA,
};

/* GET_INFO takes no attributes: the family-less reject-all policy. */
static const struct nla_policy ringboot_info_policy[RINGBOOT_A_MAX + 1] = {
};

static const struct nla_policy ringboot_attach_policy[RINGBOOT_A_MAX + 1] = {
	[RINGBOOT_A_RING_FD] = { .type = NLA_U32 },
	[RINGBOOT_A_SOCK_FD] = { .type = NLA_U32 },
	[RINGBOOT_A_PEER_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[RINGBOOT_A_PEER_PORT] = { .type = NLA_U16 },
	[RINGBOOT_A_BLKSIZE] = NLA_POLICY_FULL_RANGE(NLA_U16, &ringboot_blksize_range),
	[RINGBOOT_A_WINDOWSIZE] = NLA_POLICY_FULL_RANGE(NLA_U16, &ringboot_windowsize_range),
	[RINGBOOT_A_TSIZE] = { .type = NLA_U64 },
	[RINGBOOT_A_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ringboot_timeout_range),
	[RINGBOOT_A_RETRIES] = NLA_POLICY_FULL_RANGE(NLA_U32, &ringboot_retries_range),
	[RINGBOOT_A_WATERMARK] = NLA_POLICY_FULL_RANGE(NLA_U32, &ringboot_watermark_range),
	[RINGBOOT_A_FIRST_BLOCK] = NLA_POLICY_FULL_RANGE(NLA_U32, &ringboot_first_block_range),
	[RINGBOOT_A_OFFSET] = NLA_POLICY_FULL_RANGE(NLA_U64, &ringboot_offset_range),
};

static const struct nla_policy ringboot_set_policy[RINGBOOT_A_MAX + 1] = {
	[RINGBOOT_A_SESSION_ID] = { .type = NLA_U32 },
	[RINGBOOT_A_PEER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[RINGBOOT_A_BLKSIZE] = NLA_POLICY_FULL_RANGE(NLA_U16, &ringboot_blksize_range),
	[RINGBOOT_A_WINDOWSIZE] = NLA_POLICY_FULL_RANGE(NLA_U16, &ringboot_windowsize_range),
	[RINGBOOT_A_TSIZE] = { .type = NLA_U64 },
};

static const struct nla_policy ringboot_id_policy[RINGBOOT_A_MAX + 1] = {
	[RINGBOOT_A_SESSION_ID] = { .type = NLA_U32 },
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

/*
 * The options of ATTACH, checked whole (s->lock held). Nothing is applied
 * here: ringboot_socket_attach() applies @o once the socket is ours.
 */
static int ringboot_attach_opts(struct ringboot_session *s, int family,
				struct genl_info *info, struct ringboot_xfer_opts *o)
{
	struct nlattr **a = info->attrs;
	struct nlattr *addr = a[RINGBOOT_A_PEER_ADDR];

	ringboot_xfer_opts_default(s, o);
	if (nla_len(addr) != (family == AF_INET ? 4 : 16)) {
		NL_SET_ERR_MSG_ATTR(info->extack, addr,
				    "peer address length does not match the socket family");
		return -EINVAL;
	}
	memcpy(&o->peer, nla_data(addr), nla_len(addr));
	/* Mapped IPv4 arrives through the IPv4 path: use an AF_INET socket. */
	if (family == AF_INET6 && ipv6_addr_v4mapped(&o->peer.v6)) {
		NL_SET_ERR_MSG_ATTR(info->extack, addr,
				    "v4-mapped peer: use an AF_INET socket for IPv4");
		return -EINVAL;
	}
	if (a[RINGBOOT_A_FIRST_BLOCK])
		o->first_blk = nla_get_u32(a[RINGBOOT_A_FIRST_BLOCK]);
	if (a[RINGBOOT_A_OFFSET])
		o->offset = nla_get_u64(a[RINGBOOT_A_OFFSET]);
	if (a[RINGBOOT_A_PEER_PORT])
		o->peer_port = htons(nla_get_u16(a[RINGBOOT_A_PEER_PORT]));
	if (a[RINGBOOT_A_BLKSIZE])
		o->blksize = nla_get_u16(a[RINGBOOT_A_BLKSIZE]);
	if (a[RINGBOOT_A_WINDOWSIZE])
		o->windowsize = nla_get_u16(a[RINGBOOT_A_WINDOWSIZE]);
	if (a[RINGBOOT_A_TSIZE]) {
		/* Announced, even as 0: the file must then have that size. */
		o->has_tsize = true;
		o->tsize = nla_get_u64(a[RINGBOOT_A_TSIZE]);
	}
	if (a[RINGBOOT_A_TIMEOUT_MS])
		o->rto = msecs_to_jiffies(nla_get_u32(a[RINGBOOT_A_TIMEOUT_MS]));
	if (a[RINGBOOT_A_RETRIES])
		o->retries = nla_get_u32(a[RINGBOOT_A_RETRIES]);
	if (a[RINGBOOT_A_WATERMARK])
		o->watermark = min_t(u64, nla_get_u32(a[RINGBOOT_A_WATERMARK]),
				     s->size / 2);
	if ((u64)o->blksize * o->windowsize > s->size) {
		GENL_SET_ERR_MSG(info, "ring smaller than one window (blksize * windowsize)");
		return -ENOSPC;
	}
	return 0;
}

/* GENL_REQ_ATTR_CHECK() names the attribute but gives no text: add one. */
#define ringboot_missing(info, attr, msg) ({				\
	bool __missing = GENL_REQ_ATTR_CHECK(info, attr);		\
									\
	if (__missing)							\
		GENL_SET_ERR_MSG(info, msg);				\
	__missing;							\
})

static int ringboot_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct ringboot_xfer_opts opts;
	struct ringboot_session *s;
	struct socket *sock;
	struct file *ring;
	int ret;

	if (ringboot_missing(info, RINGBOOT_A_RING_FD, "missing ring fd") ||
	    ringboot_missing(info, RINGBOOT_A_SOCK_FD, "missing socket fd") ||
	    ringboot_missing(info, RINGBOOT_A_PEER_ADDR, "missing peer address"))
		return -EINVAL;
	s = ringboot_session_from_fd(nla_get_u32(info->attrs[RINGBOOT_A_RING_FD]),
				     &ring);
	if (IS_ERR(s)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RINGBOOT_A_RING_FD],
				    "not an open /dev/ringboot");
		return PTR_ERR(s);
	}
	sock = sockfd_lookup(nla_get_u32(info->attrs[RINGBOOT_A_SOCK_FD]), &ret);
	if (!sock) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RINGBOOT_A_SOCK_FD],
				    "not a socket");
		goto out_ring;
	}

	mutex_lock(&s->lock);
	ret = -EINVAL;
	if (!s->hdr) {
		GENL_SET_ERR_MSG(info, "ring is not mapped");
		goto out_unlock;
	}
	ret = -EBUSY;
	if (s->state != RINGBOOT_STATE_IDLE || s->dead) {
		GENL_SET_ERR_MSG(info, "session already has a socket");
		goto out_unlock;
	}
	/* Refused at any step, the session stays as open() and mmap() made it. */
	ret = ringboot_attach_opts(s, sock->sk->sk_family, info, &opts);
	if (!ret)
		ret = ringboot_socket_attach(s, sock, &opts, info);
	if (!ret) {
		sock = NULL;	/* the session owns the reference now */
		ringboot_xfer_start(s);
	}
out_unlock:
	mutex_unlock(&s->lock);
	if (sock)
		sockfd_put(sock);
out_ring:
	fput(ring);
	return ret;
}

/* The session named by SESSION_ID, attached in the caller's namespace. */
static struct ringboot_session *ringboot_lookup(struct genl_info *info)
{
	struct ringboot_session *s;

	if (ringboot_missing(info, RINGBOOT_A_SESSION_ID, "missing session id"))
		return ERR_PTR(-EINVAL);
	s = ringboot_session_get_by_id(nla_get_u32(info->attrs[RINGBOOT_A_SESSION_ID]));
	if (!s)
		goto noent;
	mutex_lock(&s->lock);
	if (!s->dead && s->state != RINGBOOT_STATE_IDLE &&
	    net_eq(s->net, genl_info_net(info)))
		return s;	/* locked, with a reference */
	mutex_unlock(&s->lock);
	ringboot_session_put(s);
noent:
	NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RINGBOOT_A_SESSION_ID],
			    "no attached session with this id in this namespace");
	return ERR_PTR(-ENOENT);
}

static void ringboot_unlock(struct ringboot_session *s)
{
	mutex_unlock(&s->lock);
	ringboot_session_put(s);
}

static int ringboot_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct ringboot_session *s;
	u16 blksize = RINGBOOT_BLKSIZE_DEFAULT;
	u16 windowsize = RINGBOOT_WINDOWSIZE_DEFAULT;
	u64 tsize = 0;
	int ret;

	if (ringboot_missing(info, RINGBOOT_A_PEER_PORT, "missing peer port"))
		return -EINVAL;
	s = ringboot_lookup(info);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (a[RINGBOOT_A_BLKSIZE])
		blksize = nla_get_u16(a[RINGBOOT_A_BLKSIZE]);
	if (a[RINGBOOT_A_WINDOWSIZE])
		windowsize = nla_get_u16(a[RINGBOOT_A_WINDOWSIZE]);
	if (a[RINGBOOT_A_TSIZE])
		tsize = nla_get_u64(a[RINGBOOT_A_TSIZE]);
	ret = ringboot_xfer_set(s, htons(nla_get_u16(a[RINGBOOT_A_PEER_PORT])),
				blksize, windowsize, !!a[RINGBOOT_A_TSIZE], tsize);
	if (ret == -EBUSY)
		GENL_SET_ERR_MSG(info, "transfer already started");
	else if (ret == -ENOSPC)
		GENL_SET_ERR_MSG(info, "ring smaller than one window (blksize * windowsize)");
	ringboot_unlock(s);
	return ret;
}

static int ringboot_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct ringboot_session *s = ringboot_lookup(info);

	if (IS_ERR(s))
		return PTR_ERR(s);
	ringboot_xfer_fail(s, -ECANCELED);
	ringboot_unlock(s);
	return 0;
}

static int ringboot_put_stats(struct sk_buff *msg, const struct ringboot_stats *st)
{
	const struct { int attr; u64 v; } v[] = {
		{ RINGBOOT_A_BYTES, st->bytes },
		{ RINGBOOT_A_BLOCKS, st->blocks },
		{ RINGBOOT_A_DUPLICATES, st->duplicates },
		{ RINGBOOT_A_OUT_OF_ORDER, st->out_of_order },
		{ RINGBOOT_A_ACKS, st->acks },
		{ RINGBOOT_A_REACKS, st->reacks },
		{ RINGBOOT_A_TIMEOUTS, st->timeouts },
		{ RINGBOOT_A_HELD_ACKS, st->held_acks },
		{ RINGBOOT_A_MALFORMED, st->malformed },
		{ RINGBOOT_A_PASSED, st->passed },
		{ RINGBOOT_A_BAD_CONS, st->bad_cons },
		{ RINGBOOT_A_TURNAROUND_MIN_NS, st->ta_count ? st->ta_min_ns : 0 },
		{ RINGBOOT_A_TURNAROUND_MAX_NS, st->ta_max_ns },
		{ RINGBOOT_A_TURNAROUND_SUM_NS, st->ta_sum_ns },
		{ RINGBOOT_A_TURNAROUND_COUNT, st->ta_count },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		if (nla_put_u64_64bit(msg, v[i].attr, v[i].v, RINGBOOT_A_PAD))
			return -EMSGSIZE;
	return 0;
}

/* The session's identity, state and counters, for GET replies and events. */
static int ringboot_fill(struct sk_buff *msg, struct ringboot_session *s,
			 int event, gfp_t gfp)
{
	struct ringboot_stats st;
	u32 state;
	int status;

	spin_lock_bh(&s->rx_lock);
	st = s->stats;
	state = s->state;
	status = s->status;
	spin_unlock_bh(&s->rx_lock);
	if (nla_put_u32(msg, RINGBOOT_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, RINGBOOT_A_STATE, state) ||
	    nla_put_s32(msg, RINGBOOT_A_STATUS, status) ||
	    nla_put_u16(msg, RINGBOOT_A_BLKSIZE, s->blksize) ||
	    nla_put_u16(msg, RINGBOOT_A_WINDOWSIZE, s->windowsize) ||
	    nla_put_u64_64bit(msg, RINGBOOT_A_TSIZE, s->tsize, RINGBOOT_A_PAD) ||
	    (event && nla_put_u32(msg, RINGBOOT_A_EVENT, event)))
		return -EMSGSIZE;
	return ringboot_put_stats(msg, &st);
}

static int ringboot_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ringboot_session *s = ringboot_lookup(info);
	struct sk_buff *msg;
	void *hdr;
	int ret = -ENOMEM;

	if (IS_ERR(s))
		return PTR_ERR(s);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &ringboot_genl_family, 0,
				RINGBOOT_CMD_GET);
	if (!hdr || ringboot_fill(msg, s, 0, GFP_KERNEL)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	ringboot_unlock(s);
	return ret;
}

/*
 * Multicast "done" or "failed" to the session's namespace. Runs from the
 * session's work item, which release cancels before the socket (and with it
 * the namespace reference) goes away.
 */
void ringboot_netlink_event(struct ringboot_session *s, int event)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&ringboot_genl_family, s->net,
				RINGBOOT_MCGRP_EVENTS_ID))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ringboot_genl_family, 0, RINGBOOT_CMD_EVENT);
	if (!hdr || ringboot_fill(msg, s, event, GFP_KERNEL)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&ringboot_genl_family, s->net, msg, 0,
				RINGBOOT_MCGRP_EVENTS_ID, GFP_KERNEL);
}

static const struct genl_ops ringboot_ops[] = {
	{
		.cmd = RINGBOOT_CMD_GET_INFO,
		.doit = ringboot_info_get,
		.policy = ringboot_info_policy,
		.maxattr = RINGBOOT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RINGBOOT_CMD_ATTACH,
		.doit = ringboot_attach,
		.policy = ringboot_attach_policy,
		.maxattr = RINGBOOT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RINGBOOT_CMD_SET,
		.doit = ringboot_set,
		.policy = ringboot_set_policy,
		.maxattr = RINGBOOT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RINGBOOT_CMD_ABORT,
		.doit = ringboot_abort,
		.policy = ringboot_id_policy,
		.maxattr = RINGBOOT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RINGBOOT_CMD_GET,
		.doit = ringboot_get,
		.policy = ringboot_id_policy,
		.maxattr = RINGBOOT_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family ringboot_genl_family __ro_after_init = {
	.name = RINGBOOT_GENL_NAME,
	.version = RINGBOOT_GENL_VERSION,
	.maxattr = RINGBOOT_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ringboot_ops,
	.n_ops = ARRAY_SIZE(ringboot_ops),
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
