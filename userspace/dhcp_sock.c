// SPDX-License-Identifier: GPL-2.0-or-later
/* DHCP datagrams over a packet socket and, once bound, a UDP socket (see dhcp_sock.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dhcp_pkt.h"
#include "dhcp_sock.h"
#include "packet_aux.h"

#define HDRS (sizeof(struct iphdr) + sizeof(struct udphdr))

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* UDP checksum over the pseudo-header (RFC 768). */
static uint16_t udp_csum(const struct iphdr *ip, const uint8_t *udp, size_t ulen)
{
	uint32_t sum = 0;
	uint8_t pseudo[12];

	memcpy(pseudo, &ip->saddr, 4);
	memcpy(pseudo + 4, &ip->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	pseudo[10] = (uint8_t)(ulen >> 8);
	pseudo[11] = (uint8_t)ulen;
	sum = csum_add(sum, pseudo, sizeof(pseudo));
	sum = csum_add(sum, udp, ulen);
	return csum_fold(sum);
}

int rb_dhcp_frame_build(uint8_t *out, struct in_addr src, struct in_addr dst,
			const void *msg, size_t len)
{
	struct iphdr ip = { 0 };
	struct udphdr udp = { 0 };
	uint16_t c;

	if (len > RB_DHCP_MAX_LEN)
		return -EMSGSIZE;
	ip.version = 4;
	ip.ihl = 5;
	ip.tos = 0x10;	/* as other DHCP clients: low delay */
	ip.tot_len = htons((uint16_t)(HDRS + len));
	ip.ttl = 64;
	ip.protocol = IPPROTO_UDP;
	ip.saddr = src.s_addr;
	ip.daddr = dst.s_addr;
	ip.check = htons(csum_fold(csum_add(0, &ip, sizeof(ip))));
	udp.source = htons(RB_DHCP_CLIENT_PORT);
	udp.dest = htons(RB_DHCP_SERVER_PORT);
	udp.len = htons((uint16_t)(sizeof(udp) + len));
	memcpy(out, &ip, sizeof(ip));
	memcpy(out + sizeof(ip), &udp, sizeof(udp));
	memcpy(out + HDRS, msg, len);
	c = udp_csum(&ip, out + sizeof(ip), sizeof(udp) + len);
	c = c ? c : 0xffff;	/* RFC 768: a computed 0 is sent as all ones */
	out[sizeof(ip) + 6] = (uint8_t)(c >> 8);
	out[sizeof(ip) + 7] = (uint8_t)c;
	return (int)(HDRS + len);
}

int rb_dhcp_frame_check(const uint8_t *buf, size_t len, bool csum_partial,
			const uint8_t **payload, size_t *plen)
{
	struct iphdr ip;
	struct udphdr udp;
	size_t ihl, tot, ulen;

	if (len < HDRS)
		return -EBADMSG;
	memcpy(&ip, buf, sizeof(ip));
	ihl = (size_t)ip.ihl * 4;
	tot = ntohs(ip.tot_len);
	if (ip.version != 4 || ihl < sizeof(ip) || tot > len || tot < ihl + sizeof(udp) ||
	    ip.protocol != IPPROTO_UDP)
		return -EBADMSG;
	/* Fragments are not reassembled here: DHCP replies fit one datagram. */
	if (ntohs(ip.frag_off) & 0x3fff)
		return -EBADMSG;
	if (csum_fold(csum_add(0, buf, ihl)) != 0)
		return -EBADMSG;
	memcpy(&udp, buf + ihl, sizeof(udp));
	ulen = ntohs(udp.len);
	if (ulen < sizeof(udp) || ulen > tot - ihl)
		return -EBADMSG;
	if (ntohs(udp.dest) != RB_DHCP_CLIENT_PORT || ntohs(udp.source) != RB_DHCP_SERVER_PORT)
		return -EBADMSG;
	/* A partial checksum (veth, local offload) is finished by nobody: skip it. */
	if (udp.check && !csum_partial &&
	    udp_csum((const struct iphdr *)&ip, buf + ihl, ulen) != 0)
		return -EBADMSG;
	*payload = buf + ihl + sizeof(udp);
	*plen = ulen - sizeof(udp);
	return (int)*plen;
}

/* Classic BPF: IPv4, UDP, not a fragment, destination port 68. */
static int attach_filter(int fd)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RB_DHCP_CLIENT_PORT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x40000),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ? -errno : 0;
}

int rb_dhcp_sock_open(struct rb_dhcp_sock *s, int ifindex, const uint8_t *mac)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = ifindex,
	};
	int err, one = 1;

	s->udp_fd = -1;
	s->ifindex = ifindex;
	memcpy(s->mac, mac, 6);
	s->pkt_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_IP));
	if (s->pkt_fd < 0)
		return -errno;
	err = attach_filter(s->pkt_fd);
	/* PACKET_AUXDATA tells which checksums the kernel left unfinished. */
	if (!err && setsockopt(s->pkt_fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))
		err = -errno;
	if (!err && bind(s->pkt_fd, (struct sockaddr *)&sll, sizeof(sll)))
		err = -errno;
	if (err) {
		close(s->pkt_fd);
		s->pkt_fd = -1;
	}
	return err;
}

void rb_dhcp_sock_unbind(struct rb_dhcp_sock *s)
{
	if (s->udp_fd >= 0)
		close(s->udp_fd);
	s->udp_fd = -1;
}

void rb_dhcp_sock_close(struct rb_dhcp_sock *s)
{
	rb_dhcp_sock_unbind(s);
	if (s->pkt_fd >= 0)
		close(s->pkt_fd);
	s->pkt_fd = -1;
}

int rb_dhcp_sock_broadcast(struct rb_dhcp_sock *s, struct in_addr src, const void *msg,
			   size_t len)
{
	uint8_t frame[HDRS + RB_DHCP_MAX_LEN];
	struct in_addr dst = { INADDR_BROADCAST };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = s->ifindex,
		.sll_halen = 6,
	};
	int n = rb_dhcp_frame_build(frame, src, dst, msg, len);

	if (n < 0)
		return n;
	memcpy(sll.sll_addr, bcast_mac, 6);
	if (sendto(s->pkt_fd, frame, (size_t)n, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

int rb_dhcp_sock_unicast(struct rb_dhcp_sock *s, const char *ifname, struct in_addr src,
			 struct in_addr dst, const void *msg, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = dst,
				  .sin_port = htons(RB_DHCP_SERVER_PORT) };
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_addr = src,
				  .sin_port = htons(RB_DHCP_CLIENT_PORT) };
	int one = 1;

	if (s->udp_fd < 0) {
		s->udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s->udp_fd < 0)
			return -errno;
		/* The packet socket reads replies; this socket only sends (and keeps
		 * the kernel from answering them with ICMP port unreachable). */
		if (setsockopt(s->udp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    setsockopt(s->udp_fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
			       (socklen_t)strlen(ifname)) ||
		    bind(s->udp_fd, (struct sockaddr *)&me, sizeof(me))) {
			int err = -errno;

			rb_dhcp_sock_unbind(s);
			return err;
		}
	}
	if (sendto(s->udp_fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

int rb_dhcp_sock_recv(struct rb_dhcp_sock *s, uint8_t *buf, size_t cap,
		      const uint8_t **payload, size_t *plen)
{
	union rb_packet_ctl ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
	struct tpacket_auxdata aux;
	bool partial = false;
	char drain[64];
	ssize_t n;

	/* Drain the UDP socket too: its copies are the same datagrams. */
	while (s->udp_fd >= 0 && recv(s->udp_fd, drain, sizeof(drain), MSG_DONTWAIT) >= 0)
		;
	n = recvmsg(s->pkt_fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/* Oversized: larger than our buffer; never parse a cut datagram. */
	if ((size_t)n > cap || (mh.msg_flags & MSG_TRUNC))
		return 0;
	if (rb_packet_auxdata(&mh, &aux))
		partial = aux.tp_status & TP_STATUS_CSUMNOTREADY;
	return rb_dhcp_frame_check(buf, (size_t)n, partial, payload, plen) < 0 ? 0 : 1;
}

struct arp_pkt {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[6], spa[4], tha[6], tpa[4];
} __attribute__((packed));

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int arp_send_probe(int fd, int ifindex, const uint8_t *mac, struct in_addr addr)
{
	struct arp_pkt a = {
		.htype = htons(1), .ptype = htons(ETH_P_IP), .hlen = 6, .plen = 4,
		.op = htons(1),
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifindex, .sll_halen = 6,
	};

	memcpy(a.sha, mac, 6);
	memcpy(a.tpa, &addr, 4);	/* spa 0: a probe (RFC 5227 §2.1.1) */
	memcpy(sll.sll_addr, bcast_mac, 6);
	return sendto(fd, &a, sizeof(a), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0 ? -errno : 0;
}

/* Another host uses addr: it answers for it, or probes for it itself (§2.1.1). */
static bool arp_conflict(const struct arp_pkt *a, const uint8_t *mac, struct in_addr addr)
{
	if (ntohs(a->ptype) != ETH_P_IP || a->hlen != 6 || a->plen != 4 ||
	    !memcmp(a->sha, mac, 6))
		return false;
	if (!memcmp(a->spa, &addr, 4))
		return true;
	return ntohs(a->op) == 1 && !memcmp(a->tpa, &addr, 4) &&
	       !memcmp(a->spa, "\0\0\0\0", 4);
}

int rb_dhcp_arp_probe(int ifindex, const uint8_t *mac, struct in_addr addr,
		      unsigned int wait_ms)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = ifindex,
	};
	int fd, err = 0, sent = 0;
	uint64_t start = now_ms(), end = start + wait_ms;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = -errno;
		goto out;
	}
	/* Two probes, at the start and half-way (RFC 5227 sends 3 over 1-2 s;
	 * a boot-time budget is shorter and configurable). */
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t t = now_ms();
		struct arp_pkt a;
		ssize_t n;

		if (t >= end)
			break;
		if (sent == 0 || (sent == 1 && t >= start + wait_ms / 2)) {
			err = arp_send_probe(fd, ifindex, mac, addr);
			if (err)
				goto out;
			sent++;
		}
		if (poll(&pfd, 1, (int)(sent == 1 && start + wait_ms / 2 > t ?
					start + wait_ms / 2 - t : end - t)) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		n = recv(fd, &a, sizeof(a), MSG_DONTWAIT);
		if (n == (ssize_t)sizeof(a) && arp_conflict(&a, mac, addr)) {
			err = 1;
			goto out;
		}
	}
out:
	close(fd);
	return err;
}
