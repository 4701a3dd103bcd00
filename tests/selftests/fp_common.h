/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared pieces of the fast-path selftests: the session/genl client built in
 * (userspace/fastpath_nl.c depends on libc, libnl and the UAPI only), and a
 * loopback "server" that sends TFTP DATA and reads the kernel's ACKs. The
 * fake server exists to inject what a real server never sends (wrong TIDs,
 * truncated and oversize blocks, gaps, silence); transfers from real servers
 * are in tests/vm/guest.d/30-fastpath.t.
 */
#ifndef RINGBOOT_FP_COMMON_H
#define RINGBOOT_FP_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../userspace/fastpath_nl.c"
#include "ktap.h"

/* Run in a namespace of our own with loopback up: nothing else is touched. */
static inline int fp_private_netns(void)
{
	struct ifreq ifr = { 0 };
	int fd, ret = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name) - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			ret = -errno;
	} else {
		ret = -errno;
	}
	close(fd);
	return ret;
}

struct fp_peer {
	int fd;
	int family;
	struct sockaddr_storage addr;	/* bound address, port included */
	socklen_t len;
	uint16_t port;			/* host order */
};

/* A UDP socket bound to the loopback address of family, ephemeral port. */
static inline int fp_peer_open(struct fp_peer *p, int family)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return -errno;
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&p->addr;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		p->len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&p->addr;
		int one = 1;

		setsockopt(p->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		p->len = sizeof(*a);
	}
	if (bind(p->fd, (struct sockaddr *)&p->addr, p->len) ||
	    getsockname(p->fd, (struct sockaddr *)&p->addr, &p->len))
		return -errno;
	p->port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&p->addr)->sin_port :
				  ((struct sockaddr_in6 *)&p->addr)->sin6_port);
	return 0;
}

static inline void fp_peer_close(struct fp_peer *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* Send raw bytes from p to q. */
static inline int fp_send_raw(struct fp_peer *p, const struct fp_peer *q,
			      const void *buf, size_t len)
{
	return sendto(p->fd, buf, len, 0, (const struct sockaddr *)&q->addr, q->len) ==
	       (ssize_t)len ? 0 : -errno;
}

/* TFTP DATA (RFC 1350 section 5) with block and len payload bytes. */
static inline int fp_send_data(struct fp_peer *p, const struct fp_peer *q, uint16_t block,
			       const uint8_t *payload, size_t len)
{
	uint8_t buf[4 + 65536];

	buf[0] = 0;
	buf[1] = 3;
	buf[2] = block >> 8;
	buf[3] = block & 0xff;
	memcpy(buf + 4, payload, len);
	return fp_send_raw(p, q, buf, 4 + len);
}

/* Wait up to ms for a datagram on p; returns its length or -ETIMEDOUT. */
static inline ssize_t fp_recv(struct fp_peer *p, uint8_t *buf, size_t cap, int ms,
			      uint16_t *from_port)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return -ETIMEDOUT;
	n = recvfrom(p->fd, buf, cap, 0, (struct sockaddr *)&ss, &sl);
	if (n < 0)
		return -errno;
	if (from_port)
		*from_port = ntohs(ss.ss_family == AF_INET ?
				   ((struct sockaddr_in *)&ss)->sin_port :
				   ((struct sockaddr_in6 *)&ss)->sin6_port);
	return n;
}

/* The next ACK at p: its block number, or -ETIMEDOUT / -EPROTO. */
static inline int fp_recv_ack(struct fp_peer *p, int ms)
{
	uint8_t buf[1024];
	ssize_t n = fp_recv(p, buf, sizeof(buf), ms, NULL);

	if (n < 0)
		return (int)n;
	if (n != 4 || buf[0] != 0 || buf[1] != 4)
		return -EPROTO;
	return buf[2] << 8 | buf[3];
}

/* Drain ACKs until none arrives for ms; returns the last block or -ETIMEDOUT. */
static inline int fp_last_ack(struct fp_peer *p, int ms)
{
	int last = -ETIMEDOUT, b;

	while ((b = fp_recv_ack(p, ms)) >= 0)
		last = b;
	return last;
}

/* Copy what the ring holds into out (file offsets), release it, kick if asked. */
static inline uint64_t fp_drain(struct rb_fp *fp, uint8_t *out, uint64_t cap)
{
	uint64_t cons = rb_fp_cons(fp), prod = rb_fp_prod(fp);

	while (cons < prod) {
		const uint8_t *p;
		size_t n = rb_fp_span(fp, cons, prod, &p);

		if (cons + n <= cap)
			memcpy(out + cons, p, n);
		cons += n;
	}
	rb_fp_release(fp, cons);
	if (rb_fp_flags(fp) & RINGBOOT_RING_F_NEED_KICK)
		rb_fp_kick(fp);
	return cons;
}

static inline void fp_pattern(uint8_t *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)((i * 2654435761u + seed) >> 13);
}

static inline double fp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Attach client to fp with server as peer; extra fields from *a if given. */
static inline int fp_attach(struct rb_fp *fp, struct fp_peer *client, struct fp_peer *server,
			    const struct rb_fp_attach *extra)
{
	struct rb_fp_attach a = { 0 };

	if (extra)
		a = *extra;
	a.sock_fd = client->fd;
	a.peer = (const struct sockaddr *)&server->addr;
	return rb_fp_attach(fp, &a);
}

#endif
