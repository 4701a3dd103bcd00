// SPDX-License-Identifier: GPL-2.0
/*
 * The transfer's UDP socket: attach a user socket by fd with the UDP tunnel
 * encap_rcv hook (as l2tp, gtp and WireGuard receive), detach it, and send
 * ACKs as fresh skbs over a cached route.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "ringboot.h"

/*
 * Runs in softirq, possibly on several CPUs at once, inside the
 * rcu_read_lock() the IP receive path holds around the protocol handlers
 * (6.1: ip_local_deliver_finish(), ip6_input_finish()): the RCU read side is
 * the caller's, as in l2tp_udp_encap_recv().
 */
static int ringboot_socket_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ringboot_session *s = rcu_dereference_sk_user_data(sk);

	/* NULL while detaching: let the stack deliver it to the socket. */
	if (!s)
		return 1;
	return ringboot_xfer_rcv(s, skb);
}

static int ringboot_socket_check(struct socket *sock, struct genl_info *info)
{
	struct sock *sk = sock->sk;

	if (!net_eq(sock_net(sk), genl_info_net(info))) {
		GENL_SET_ERR_MSG(info, "socket belongs to another network namespace");
		return -EINVAL;
	}
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		GENL_SET_ERR_MSG(info, "not a UDP socket");
		return -EINVAL;
	}
	/* Bound (connect() binds too): the local port no longer changes. */
	if (!inet_sk(sk)->inet_num) {
		GENL_SET_ERR_MSG(info, "socket is not bound");
		return -EINVAL;
	}
	return 0;
}

/*
 * Hook @sock (whose file reference the caller passes to us) to @s with the
 * transfer options @opts. Called with s->lock held, before the RRQ is sent.
 * On success the session keeps the reference until ringboot_socket_detach();
 * on failure nothing in @s has changed.
 */
int ringboot_socket_attach(struct ringboot_session *s, struct socket *sock,
			   const struct ringboot_xfer_opts *opts,
			   struct genl_info *info)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = s,
		.encap_type = 1,
		.encap_rcv = ringboot_socket_encap_rcv,
	};
	struct sock *sk = sock->sk;
	int ret;

	ret = ringboot_socket_check(sock, info);
	if (ret)
		return ret;
	ret = dst_cache_init(&s->dst_cache, GFP_KERNEL);
	if (ret)
		return ret;

	lock_sock(sk);
	write_lock_bh(&sk->sk_callback_lock);
	/*
	 * l2tp, gtp, sockmap or another session may own it already. Writers
	 * of sk_user_data hold sk_callback_lock, as we do here: the protected
	 * read, not rcu_dereference(), which is for RCU readers only.
	 */
	if (__locked_read_sk_user_data_with_flags(sk, 0) || udp_sk(sk)->encap_type) {
		write_unlock_bh(&sk->sk_callback_lock);
		release_sock(sk);
		dst_cache_destroy(&s->dst_cache);
		GENL_SET_ERR_MSG(info, "socket is already in use by another owner");
		return -EBUSY;
	}
	spin_lock_bh(&s->rx_lock);
	/* In place before the hook: the first packet may follow at once. */
	ringboot_xfer_configure(s, opts);
	s->sock = sock;
	s->net = sock_net(sk);
	s->family = sk->sk_family;
	s->dst_cache_ready = true;
	s->state = RINGBOOT_STATE_ATTACHED;
	s->flags |= RINGBOOT_RING_F_ATTACHED;
	ringboot_ring_publish(s);
	spin_unlock_bh(&s->rx_lock);
	rcu_assign_sk_user_data(sk, s);
	write_unlock_bh(&sk->sk_callback_lock);
	setup_udp_tunnel_sock(sock_net(sk), sock, &cfg);
	release_sock(sk);
	return 0;
}

/*
 * Unhook the socket: clear encap under the socket and callback locks, wait
 * for receive paths in flight, drop the file reference. Sleeps.
 */
void ringboot_socket_detach(struct ringboot_session *s)
{
	struct socket *sock = s->sock;
	struct sock *sk;

	if (!sock)
		return;
	sk = sock->sk;
	lock_sock(sk);
	write_lock_bh(&sk->sk_callback_lock);
	WRITE_ONCE(udp_sk(sk)->encap_type, 0);
	WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_destroy, NULL);
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);
	/* Every encap_rcv that could still see @s has returned after this. */
	synchronize_rcu();

	spin_lock_bh(&s->rx_lock);
	s->sock = NULL;
	s->flags &= ~RINGBOOT_RING_F_ATTACHED;
	spin_unlock_bh(&s->rx_lock);
	if (s->dst_cache_ready) {
		dst_cache_destroy(&s->dst_cache);
		s->dst_cache_ready = false;
	}
	sockfd_put(sock);
}

static struct sk_buff *ringboot_socket_ack_skb(u16 block)
{
	const int room = MAX_HEADER + sizeof(struct ipv6hdr) + sizeof(struct udphdr);
	struct ringboot_tftp_hdr ack = {
		.opcode = htons(RINGBOOT_TFTP_ACK),
		.block = htons(block),
	};
	struct sk_buff *skb;

	skb = alloc_skb(room + sizeof(ack), GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, room);
	/* iptunnel_xmit() counts len - inner_network_offset as the payload. */
	skb_set_inner_network_header(skb, 0);
	skb_put_data(skb, &ack, sizeof(ack));
	/* skb->dev stays NULL: tunnel stats would write a veth's dstats. */
	return skb;
}

static void ringboot_socket_send4(struct ringboot_session *s, struct sock *sk,
				  struct sk_buff *skb)
{
	struct flowi4 fl4 = {
		.saddr = s->local.v4,
		.daddr = s->peer.v4,
		.flowi4_oif = sk->sk_bound_dev_if,
		.flowi4_mark = sk->sk_mark,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = inet_sk(sk)->inet_sport,
		.fl4_dport = s->peer_port,
	};
	struct rtable *rt;

	rt = dst_cache_get_ip4(&s->dst_cache, &fl4.saddr);
	if (!rt) {
		security_sk_classify_flow(sk, flowi4_to_flowi_common(&fl4));
		rt = ip_route_output_flow(s->net, &fl4, sk);
		if (IS_ERR(rt)) {
			kfree_skb(skb);
			return;
		}
		dst_cache_set_ip4(&s->dst_cache, &rt->dst, fl4.saddr);
	}
	/* 6.1: consumes the skb and the route reference. */
	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl4.fl4_sport,
			    fl4.fl4_dport, false, false);
}

#if IS_ENABLED(CONFIG_IPV6)
static void ringboot_socket_send6(struct ringboot_session *s, struct sock *sk,
				  struct sk_buff *skb)
{
	struct flowi6 fl6 = {
		.saddr = s->local.v6,
		.daddr = s->peer.v6,
		.flowi6_oif = sk->sk_bound_dev_if,
		.flowi6_mark = sk->sk_mark,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = inet_sk(sk)->inet_sport,
		.fl6_dport = s->peer_port,
	};
	struct dst_entry *dst;

	dst = dst_cache_get_ip6(&s->dst_cache, &fl6.saddr);
	if (!dst) {
		security_sk_classify_flow(sk, flowi6_to_flowi_common(&fl6));
		dst = ipv6_stub->ipv6_dst_lookup_flow(s->net, sk, &fl6, NULL);
		if (IS_ERR(dst)) {
			kfree_skb(skb);
			return;
		}
		dst_cache_set_ip6(&s->dst_cache, dst, &fl6.saddr);
	}
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, &fl6.saddr, &fl6.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl6.fl6_sport,
			     fl6.fl6_dport, false);
}
#endif

/*
 * Send ACK @block to the server's TID. Needs BH disabled and RCU (softirq,
 * timer, or local_bh_disable() + rcu_read_lock() in process context), and an
 * attached socket: the caller guarantees it is not detached meanwhile.
 */
void ringboot_socket_send_ack(struct ringboot_session *s, u16 block)
{
	struct socket *sock = READ_ONCE(s->sock);
	struct sk_buff *skb;

	if (!sock)
		return;
	skb = ringboot_socket_ack_skb(block);
	if (!skb)
		return;
#if IS_ENABLED(CONFIG_IPV6)
	if (s->family == AF_INET6) {
		ringboot_socket_send6(s, sock->sk, skb);
		return;
	}
#endif
	ringboot_socket_send4(s, sock->sk, skb);
}
