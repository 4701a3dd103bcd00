// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A deliberately faulty DHCP server for the lab, for what dnsmasq cannot do:
 *
 *   dhcp_faulty --iface IF --server-id A.B.C.D MODE
 *
 * MODE bad-offers: each DISCOVER is answered by a burst of malformed OFFERs
 *   for 192.0.2.66 (truncated option, option running past the End, zero-length
 *   lease time, option overload loop, no End option, oversized datagram,
 *   wrong xid, wrong chaddr) and then one good OFFER for 192.0.2.77; a REQUEST
 *   for .77 gets an ACK. A client that takes anything from the bad ones ends
 *   with the wrong address.
 * MODE short-lease: a plain server with a 6 s lease (T1 2 s, T2 4 s) for
 *   192.0.2.77 that answers --acks N REQUESTs (default: all), then goes
 *   silent, so renewing, rebinding and expiry happen in seconds.
 *
 * Replies are broadcast to port 68 (the client has no address yet). One line
 * per message received and sent goes to stdout, for the test to check.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dhcp_pkt.h"

struct srv {
	int fd;
	struct in_addr sid;
	long acks_left;		/* -1: unlimited */
	bool bad;
};


static int send_bcast(const struct srv *s, const void *buf, size_t len, const char *what)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(68),
				  .sin_addr = { INADDR_BROADCAST } };

	printf("sent %s (%zu bytes)\n", what, len);
	fflush(stdout);
	return sendto(s->fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -errno : 0;
}

/* A reply to m: type, address, the usual options; the caller may still add some. */
static void reply(struct rb_dhcp_builder *b, uint8_t *buf, size_t cap, const struct srv *s,
		  const struct rb_dhcp_msg *m, uint8_t type, struct in_addr yi, uint32_t lease)
{
	uint8_t l[4] = { lease >> 24, lease >> 16, lease >> 8, lease };
	uint8_t t1[4] = { 0, 0, 0, 2 }, t2[4] = { 0, 0, 0, 4 };

	rb_dhcp_build_begin(b, buf, cap, RB_BOOTREPLY, m->xid, m->chaddr, 6);
	memcpy(buf + 16, &yi, 4);
	rb_dhcp_put_u8(b, RB_DHO_MSGTYPE, type);
	rb_dhcp_put_addr(b, RB_DHO_SERVER_ID, s->sid);
	rb_dhcp_put(b, RB_DHO_LEASE, l, 4);
	if (lease < 60) {
		rb_dhcp_put(b, RB_DHO_T1, t1, 4);
		rb_dhcp_put(b, RB_DHO_T2, t2, 4);
	}
	rb_dhcp_put_addr(b, RB_DHO_SUBNET, (struct in_addr){ htonl(0xffffff00) });
}

static struct in_addr addr(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static struct in_addr good_addr(void)
{
	return addr("192.0.2.77");
}

static void bad_offers(const struct srv *s, const struct rb_dhcp_msg *m)
{
	static uint8_t buf[6000];
	struct in_addr bad_addr = addr("192.0.2.66");
	struct rb_dhcp_builder b;
	size_t cut;
	int n;

	/* Truncated: the datagram ends inside an option. */
	reply(&b, buf, sizeof(buf), s, m, RB_DHCPOFFER, bad_addr, 3600);
	rb_dhcp_put(&b, RB_DHO_AVAYA_242, "HTTPSRVR=192.0.2.66", 19);
	cut = b.len - 6;
	rb_dhcp_build_end(&b);
	send_bcast(s, buf, cut, "truncated");
	/* Overlong: option 53's length runs past the End and the datagram. */
	reply(&b, buf, sizeof(buf), s, m, RB_DHCPOFFER, bad_addr, 3600);
	n = rb_dhcp_build_end(&b);
	buf[241] = 250;
	send_bcast(s, buf, (size_t)n, "overlong");
	/* Zero-length lease time. */
	rb_dhcp_build_begin(&b, buf, sizeof(buf), RB_BOOTREPLY, m->xid, m->chaddr, 6);
	memcpy(buf + 16, &bad_addr, 4);
	rb_dhcp_put_u8(&b, RB_DHO_MSGTYPE, RB_DHCPOFFER);
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, s->sid);
	rb_dhcp_put(&b, RB_DHO_LEASE, NULL, 0);
	n = rb_dhcp_build_end(&b);
	send_bcast(s, buf, (size_t)n, "zero-length option 51");
	/* Overload loop: 52 = 3, and file/sname hold only more 52s, no End. */
	reply(&b, buf, sizeof(buf), s, m, RB_DHCPOFFER, bad_addr, 3600);
	rb_dhcp_put_u8(&b, RB_DHO_OVERLOAD, 3);
	n = rb_dhcp_build_end(&b);
	for (int i = 0; i + 2 < RB_DHCP_FILE_LEN; i += 3)
		memcpy(buf + RB_DHCP_FILE_OFF + i, "\x34\x01\x03", 3);
	for (int i = 0; i + 2 < RB_DHCP_SNAME_LEN; i += 3)
		memcpy(buf + RB_DHCP_SNAME_OFF + i, "\x34\x01\x03", 3);
	send_bcast(s, buf, (size_t)n, "overload loop");
	/* Missing End: the options run to the end of the datagram. */
	reply(&b, buf, sizeof(buf), s, m, RB_DHCPOFFER, bad_addr, 3600);
	send_bcast(s, buf, b.len, "missing end");
	/* Oversized: a valid offer padded to 5000 bytes (the client caps at 4096). */
	reply(&b, buf, sizeof(buf), s, m, RB_DHCPOFFER, bad_addr, 3600);
	rb_dhcp_build_end(&b);
	send_bcast(s, buf, 5000, "oversized");
	/* Someone else's transaction and someone else's hardware address. */
	reply(&b, buf, sizeof(buf), s, m, RB_DHCPOFFER, bad_addr, 3600);
	n = rb_dhcp_build_end(&b);
	buf[7] ^= 0x5a;
	send_bcast(s, buf, (size_t)n, "wrong xid");
	reply(&b, buf, sizeof(buf), s, m, RB_DHCPOFFER, bad_addr, 3600);
	n = rb_dhcp_build_end(&b);
	buf[33] ^= 0x5a;
	send_bcast(s, buf, (size_t)n, "wrong chaddr");
	/* Then the good one. */
	reply(&b, buf, sizeof(buf), s, m, RB_DHCPOFFER, good_addr(), 3600);
	n = rb_dhcp_build_end(&b);
	send_bcast(s, buf, (size_t)n, "good offer");
}

static void handle(struct srv *s, const uint8_t *p, size_t len)
{
	static struct rb_dhcp_msg m;
	static uint8_t buf[1500];
	struct rb_dhcp_builder b;
	int n;

	if (rb_dhcp_parse(&m, p, len) || m.op != RB_BOOTREQUEST)
		return;
	printf("got %s\n", rb_dhcp_type_name(m.type));
	fflush(stdout);
	if (m.type == RB_DHCPDISCOVER) {
		if (s->bad) {
			bad_offers(s, &m);
			return;
		}
		reply(&b, buf, sizeof(buf), s, &m, RB_DHCPOFFER, good_addr(), 6);
		n = rb_dhcp_build_end(&b);
		send_bcast(s, buf, (size_t)n, "offer");
	} else if (m.type == RB_DHCPREQUEST) {
		if (s->acks_left == 0)
			return;
		if (s->acks_left > 0)
			s->acks_left--;
		reply(&b, buf, sizeof(buf), s, &m, RB_DHCPACK, good_addr(), s->bad ? 3600 : 6);
		n = rb_dhcp_build_end(&b);
		send_bcast(s, buf, (size_t)n, "ack");
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "server-id", required_argument, NULL, 's' },
		{ "acks", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(67) };
	struct srv s = { .acks_left = -1 };
	const char *iface = NULL;
	uint8_t buf[RB_DHCP_MAX_LEN];
	int c, one = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': iface = optarg; break;
		case 's': inet_pton(AF_INET, optarg, &s.sid); break;
		case 'a': s.acks_left = strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!iface || !s.sid.s_addr || optind != argc - 1)
		return fprintf(stderr, "usage: dhcp_faulty --iface IF --server-id A [--acks N] "
				       "bad-offers|short-lease\n"), 2;
	s.bad = !strcmp(argv[optind], "bad-offers");
	s.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (s.fd < 0 || setsockopt(s.fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(s.fd, SOL_SOCKET, SO_BINDTODEVICE, iface, (socklen_t)strlen(iface)) ||
	    bind(s.fd, (struct sockaddr *)&me, sizeof(me))) {
		perror("dhcp_faulty: socket");
		return 1;
	}
	printf("listening on %s\n", iface);
	fflush(stdout);
	for (;;) {
		ssize_t n = recv(s.fd, buf, sizeof(buf), 0);

		if (n < 0 && errno != EINTR)
			return 1;
		if (n > 0)
			handle(&s, buf, (size_t)n);
	}
}
