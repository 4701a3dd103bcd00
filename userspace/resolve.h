/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Server names through the DNS servers the lease gave (DNSSRVR, in order),
 * with DOMAIN as the search domain for single-label names (Avaya-style
 * "AvayaTFTPServer"), never /etc/resolv.conf or /etc/hosts. c-ares does the
 * DNS; A and AAAA.
 *
 * Asynchronous use beside an event loop: rb_resolve_start() queues lookups;
 * the loop polls the descriptors rb_resolve_fds() lists (io_uring poll ops or
 * poll()) until rb_resolve_timeout_ms() and calls rb_resolve_process() with
 * what became ready; each lookup's callback runs exactly once.
 * rb_resolve_wait() is the blocking form. Functions return 0 or -errno.
 */
#ifndef RINGBOOT_RESOLVE_H
#define RINGBOOT_RESOLVE_H

#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "params.h"

#define RB_RESOLVE_MAX_ADDRS 8

struct rb_resolve_result {
	size_t n;
	struct sockaddr_storage addr[RB_RESOLVE_MAX_ADDRS];
};

struct rb_resolver;

/* status: 0, -ENOENT (no such name or no address), -ETIMEDOUT, -EIO. */
typedef void (*rb_resolve_cb)(void *arg, int status, const struct rb_resolve_result *res);

/*
 * servers: comma-separated IPv4/IPv6 addresses (DNSSRVR), domain: DOMAIN or
 * NULL. timeout_ms bounds each query try (c-ares retries once per server).
 */
int rb_resolver_new(struct rb_resolver **out, const char *servers, const char *domain,
		    unsigned int timeout_ms);
/* The same from the parameters DNSSRVR and DOMAIN (-ENOENT without DNSSRVR). */
int rb_resolver_from_params(struct rb_resolver **out, const struct rb_params *p,
			    unsigned int timeout_ms);
void rb_resolver_free(struct rb_resolver *r);

/* family: AF_UNSPEC (A and AAAA), AF_INET or AF_INET6. */
int rb_resolve_start(struct rb_resolver *r, const char *name, int family, rb_resolve_cb cb,
		     void *arg);
/* Descriptors to watch (at most max); returns the count. */
int rb_resolve_fds(struct rb_resolver *r, struct pollfd *pfd, int max);
/* Milliseconds until c-ares needs rb_resolve_process() anyway; -1: nothing pending. */
int rb_resolve_timeout_ms(struct rb_resolver *r);
/* Hand over readiness (pfd[i].revents) and expire timeouts. */
void rb_resolve_process(struct rb_resolver *r, const struct pollfd *pfd, int n);
/* Lookups still running. */
size_t rb_resolve_pending(const struct rb_resolver *r);

/* Blocking: resolve one name (an address literal resolves to itself). */
int rb_resolve_wait(struct rb_resolver *r, const char *name, int family,
		    struct rb_resolve_result *out);

/*
 * For transports that connect by getaddrinfo() results (http_conn.c, tftp.c):
 * the addresses of host with port set, as an addrinfo list of socktype
 * (SOCK_STREAM or SOCK_DGRAM) in the DNS answer's order. Free it with
 * rb_resolve_freeaddrinfo(), never freeaddrinfo(). Returns 0, -ENOENT,
 * -ETIMEDOUT, -EINVAL, -ENOMEM.
 */
int rb_resolve_addrinfo(struct rb_resolver *r, const char *host, uint16_t port, int family,
			int socktype, struct addrinfo **out);
void rb_resolve_freeaddrinfo(struct addrinfo *ai);

#endif
