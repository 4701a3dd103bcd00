/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCP datagrams before the interface has an address: a packet socket on the
 * interface with a BPF filter for UDP to port 68, sending IPv4/UDP headers we
 * build (the udhcpc/dhcpcd approach), and, once bound, a UDP socket on the
 * leased address for unicast to the server (RFC 2131 §4.4.5 renewal, §4.4.6
 * release). Replies always arrive on the packet socket.
 */
#ifndef RINGBOOT_DHCP_SOCK_H
#define RINGBOOT_DHCP_SOCK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rb_dhcp_sock {
	int pkt_fd;		/* AF_PACKET, SOCK_DGRAM, ETH_P_IP */
	int udp_fd;		/* bound to leased address:68, -1 when not bound */
	int ifindex;
	uint8_t mac[6];
};

int rb_dhcp_sock_open(struct rb_dhcp_sock *s, int ifindex, const uint8_t *mac);
void rb_dhcp_sock_close(struct rb_dhcp_sock *s);
/* Broadcast a DHCP message from src (0.0.0.0 before a lease) to 255.255.255.255:67. */
int rb_dhcp_sock_broadcast(struct rb_dhcp_sock *s, struct in_addr src, const void *msg,
			   size_t len);
/* Unicast from the leased address (opens the UDP socket on first use). */
int rb_dhcp_sock_unicast(struct rb_dhcp_sock *s, const char *ifname, struct in_addr src,
			 struct in_addr dst, const void *msg, size_t len);
void rb_dhcp_sock_unbind(struct rb_dhcp_sock *s);
/*
 * Receive one datagram; on success *payload and *plen give the UDP payload
 * inside buf. Returns 1 for a DHCP reply, 0 for something to ignore (bad IP or
 * UDP header, checksum, fragment), -EAGAIN when nothing is queued, -errno.
 */
int rb_dhcp_sock_recv(struct rb_dhcp_sock *s, uint8_t *buf, size_t cap,
		      const uint8_t **payload, size_t *plen);

/*
 * The IPv4/UDP framing, exposed for tests: build into out (which must hold
 * 28 + len bytes), and check a received frame. Both return lengths or -errno.
 */
int rb_dhcp_frame_build(uint8_t *out, struct in_addr src, struct in_addr dst,
			const void *msg, size_t len);
int rb_dhcp_frame_check(const uint8_t *buf, size_t len, bool csum_partial,
			const uint8_t **payload, size_t *plen);

/*
 * RFC 5227 §2.1.1 style probe: ARP requests with sender address 0 for addr;
 * any ARP packet from another host claiming addr within wait_ms is a
 * conflict. Returns 1 conflict, 0 none, -errno.
 */
int rb_dhcp_arp_probe(int ifindex, const uint8_t *mac, struct in_addr addr,
		      unsigned int wait_ms);

#endif
