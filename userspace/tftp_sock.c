// SPDX-License-Identifier: GPL-2.0-or-later
/* The TFTP client's UDP socket (tftp_sock.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tftp_proto.h"
#include "tftp_sock.h"

int rb_tftp_resolve(const char *host, uint16_t port, int family,
		    struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints, *res;
	char sport[8];
	int err;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(sport, sizeof(sport), "%u", port);
	err = getaddrinfo(host, sport, &hints, &res);
	if (err == EAI_ADDRFAMILY || err == EAI_NONAME) {
		/* AI_ADDRCONFIG hides literals in a namespace with only lo up. */
		hints.ai_flags = 0;
		err = getaddrinfo(host, sport, &hints, &res);
	}
	if (err)
		return err == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int rb_tftp_socket(const struct sockaddr_storage *ss)
{
	int fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

unsigned int rb_tftp_path_blksize(const struct sockaddr_storage *ss)
{
	bool v6 = ss->ss_family == AF_INET6;
	unsigned int hdr = v6 ? 40 + 8 + 4 : 20 + 8 + 4;
	unsigned int fallback = v6 ? RB_TFTP_BLKSIZE_ETH6 : RB_TFTP_BLKSIZE_ETH4;
	int fd = rb_tftp_socket(ss), mtu = 0;
	socklen_t ml = sizeof(mtu);

	if (fd < 0)
		return fallback;
	/* A connected UDP socket knows the route's MTU (IP_MTU, ip(7)). */
	if (connect(fd, (const struct sockaddr *)ss,
		    v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) ||
	    getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_MTU : IP_MTU, &mtu, &ml))
		mtu = 0;
	close(fd);
	if (mtu <= (int)hdr + RB_TFTP_BLKSIZE_DEFAULT)
		return fallback;
	if ((unsigned int)mtu - hdr > RB_TFTP_BLKSIZE_MAX)
		return RB_TFTP_BLKSIZE_MAX;
	return (unsigned int)mtu - hdr;
}

static int read_rmem_max(void)
{
	FILE *fp = fopen("/proc/sys/net/core/rmem_max", "re");
	int v = 212992;

	if (fp) {
		if (fscanf(fp, "%d", &v) != 1)
			v = 212992;
		fclose(fp);
	}
	return v;
}

/* What one datagram costs in the receive queue (skb truesize), roughly. */
static unsigned int truesize(unsigned int blksize)
{
	unsigned int data = blksize + RB_TFTP_HDR + 64;
	unsigned int p = 1024;

	while (p < data)
		p <<= 1;
	/* Data is allocated in power-of-two slabs or pages, plus the skb. */
	return p + 768;
}

unsigned int rb_tftp_size_rcvbuf(int fd, unsigned int blksize, unsigned int window)
{
	unsigned int per = truesize(blksize);
	/* Two windows of headroom: the next window starts while we drain. */
	uint64_t want = (uint64_t)per * window * 2 + 65536;
	int val, got = 0;
	socklen_t gl = sizeof(got);

	if (want > 256u << 20)
		want = 256u << 20;
	/* The kernel doubles the value for its bookkeeping (socket(7)). */
	val = (int)(want / 2);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val))) {
		int max = read_rmem_max();

		if (val > max)
			val = max;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val)))
			rb_debug("tftp: SO_RCVBUF: %s", strerror(errno));
	}
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &gl) || got <= 0)
		got = 212992;
	/* Keep a window below what the buffer holds with one window spare. */
	return (unsigned int)((uint64_t)got / per);
}

bool rb_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return false;
}

bool rb_sockaddr_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}

void rb_sockaddr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
}
