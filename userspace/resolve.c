// SPDX-License-Identifier: GPL-2.0-or-later
/* DNS through the lease's servers with c-ares (see resolve.h). */
#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

struct rb_resolver {
	ares_channel ch;
	size_t pending;
};

struct lookup {
	struct rb_resolver *r;
	rb_resolve_cb cb;
	void *arg;
};

static int ares_to_errno(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return 0;
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
	case ARES_ENONAME:
		return -ENOENT;
	case ARES_ETIMEOUT:
		return -ETIMEDOUT;
	case ARES_ENOMEM:
		return -ENOMEM;
	case ARES_EBADNAME:
	case ARES_EBADFAMILY:
		return -EINVAL;
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		return -ECANCELED;
	default:
		return -EIO;
	}
}

int rb_resolver_new(struct rb_resolver **out, const char *servers, const char *domain,
		    unsigned int timeout_ms)
{
	struct ares_options o;
	struct rb_resolver *r;
	char *dom = NULL;
	int mask, st;

	*out = NULL;
	if (!servers || !*servers)
		return -EINVAL;
	st = ares_library_init(ARES_LIB_INIT_ALL);
	if (st != ARES_SUCCESS)
		return ares_to_errno(st);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	memset(&o, 0, sizeof(o));
	/* DNS only ("b"), no /etc/hosts; the lease's servers, no resolv.conf. */
	o.lookups = (char *)"b";
	o.resolvconf_path = (char *)"/dev/null";
	o.timeout = (int)(timeout_ms ? timeout_ms : 1000);
	o.tries = 2;
	o.ndots = 1;	/* "AvayaTFTPServer" gets DOMAIN; "a.b" is tried as is first */
	o.flags = ARES_FLAG_NOCHECKRESP;
	mask = ARES_OPT_LOOKUPS | ARES_OPT_RESOLVCONF | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	       ARES_OPT_NDOTS | ARES_OPT_FLAGS;
	if (domain && *domain) {
		dom = strdup(domain);
		if (!dom) {
			free(r);
			return -ENOMEM;
		}
		o.domains = &dom;
		o.ndomains = 1;
		mask |= ARES_OPT_DOMAINS;
	}
	st = ares_init_options(&r->ch, &o, mask);
	free(dom);
	if (st != ARES_SUCCESS) {
		free(r);
		return ares_to_errno(st);
	}
	/* In DNSSRVR order (c-ares tries them in order unless told to rotate). */
	st = ares_set_servers_ports_csv(r->ch, servers);
	if (st != ARES_SUCCESS) {
		ares_destroy(r->ch);
		free(r);
		return st == ARES_EBADSTR ? -EINVAL : ares_to_errno(st);
	}
	*out = r;
	return 0;
}

int rb_resolver_from_params(struct rb_resolver **out, const struct rb_params *p,
			    unsigned int timeout_ms)
{
	const char *dns = rb_params_get(p, "DNSSRVR");

	*out = NULL;
	if (!dns || !*dns)
		return -ENOENT;
	return rb_resolver_new(out, dns, rb_params_get(p, "DOMAIN"), timeout_ms);
}

void rb_resolver_free(struct rb_resolver *r)
{
	if (!r)
		return;
	/* Pending callbacks run with -ECANCELED here. */
	ares_destroy(r->ch);
	free(r);
}

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct lookup *lk = arg;
	struct rb_resolve_result res = { 0 };
	int err = ares_to_errno(status);

	for (struct ares_addrinfo_node *n = ai ? ai->nodes : NULL;
	     n && res.n < RB_RESOLVE_MAX_ADDRS; n = n->ai_next) {
		if (n->ai_addrlen > sizeof(res.addr[0]) ||
		    (n->ai_family != AF_INET && n->ai_family != AF_INET6))
			continue;
		memcpy(&res.addr[res.n++], n->ai_addr, n->ai_addrlen);
	}
	if (!err && res.n == 0)
		err = -ENOENT;
	if (ai)
		ares_freeaddrinfo(ai);
	lk->r->pending--;
	lk->cb(lk->arg, err, &res);
	free(lk);
}

int rb_resolve_start(struct rb_resolver *r, const char *name, int family, rb_resolve_cb cb,
		     void *arg)
{
	struct ares_addrinfo_hints h = { 0 };
	struct lookup *lk;

	if (!name || !*name || strlen(name) > 253)
		return -EINVAL;
	lk = malloc(sizeof(*lk));
	if (!lk)
		return -ENOMEM;
	lk->r = r;
	lk->cb = cb;
	lk->arg = arg;
	h.ai_family = family;
	h.ai_socktype = SOCK_STREAM;	/* one entry per address, not one per socket type */
	r->pending++;
	ares_getaddrinfo(r->ch, name, NULL, &h, on_addrinfo, lk);
	return 0;
}

int rb_resolve_fds(struct rb_resolver *r, struct pollfd *pfd, int max)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	/* Unsigned: the ARES_GETSOCK_* macros shift a signed 1 into bit 31. */
	unsigned int bits = (unsigned int)ares_getsock(r->ch, socks, ARES_GETSOCK_MAXNUM);
	int n = 0;

	for (int i = 0; i < ARES_GETSOCK_MAXNUM && n < max; i++) {
		short ev = 0;

		if (bits & (1u << i))
			ev |= POLLIN;
		if (bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
			ev |= POLLOUT;
		if (!ev)
			continue;
		pfd[n].fd = socks[i];
		pfd[n].events = ev;
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

int rb_resolve_timeout_ms(struct rb_resolver *r)
{
	struct timeval tv, *t;

	if (!r->pending)
		return -1;
	t = ares_timeout(r->ch, NULL, &tv);
	if (!t)
		return -1;
	return (int)(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
}

void rb_resolve_process(struct rb_resolver *r, const struct pollfd *pfd, int n)
{
	bool any = false;

	for (int i = 0; i < n; i++) {
		ares_socket_t rd = ARES_SOCKET_BAD, wr = ARES_SOCKET_BAD;

		if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
			rd = pfd[i].fd;
		if (pfd[i].revents & POLLOUT)
			wr = pfd[i].fd;
		if (rd != ARES_SOCKET_BAD || wr != ARES_SOCKET_BAD) {
			ares_process_fd(r->ch, rd, wr);
			any = true;
		}
	}
	/* Nothing ready: let c-ares expire its timeouts. */
	if (!any)
		ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

size_t rb_resolve_pending(const struct rb_resolver *r)
{
	return r->pending;
}

struct wait_one {
	bool done;
	int status;
	struct rb_resolve_result *out;
};

static void wait_cb(void *arg, int status, const struct rb_resolve_result *res)
{
	struct wait_one *w = arg;

	w->done = true;
	w->status = status;
	*w->out = *res;
}

int rb_resolve_wait(struct rb_resolver *r, const char *name, int family,
		    struct rb_resolve_result *out)
{
	struct wait_one w = { .out = out };
	int err = rb_resolve_start(r, name, family, wait_cb, &w);

	while (!err && !w.done) {
		struct pollfd pfd[ARES_GETSOCK_MAXNUM];
		int n = rb_resolve_fds(r, pfd, ARES_GETSOCK_MAXNUM);

		if (poll(pfd, (nfds_t)n, rb_resolve_timeout_ms(r)) < 0 && errno != EINTR)
			return -errno;
		rb_resolve_process(r, pfd, n);
	}
	return err ? err : w.status;
}

/* One allocation per node: the addrinfo and the address it points to. */
struct ai_node {
	struct addrinfo ai;
	struct sockaddr_storage ss;
};

void rb_resolve_freeaddrinfo(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *next = ai->ai_next;

		free(ai);	/* the first member of its struct ai_node */
		ai = next;
	}
}

int rb_resolve_addrinfo(struct rb_resolver *r, const char *host, uint16_t port, int family,
			int socktype, struct addrinfo **out)
{
	struct rb_resolve_result res;
	struct addrinfo **tail = out;
	int err;

	*out = NULL;
	err = rb_resolve_wait(r, host, family, &res);
	if (err)
		return err;
	for (size_t i = 0; i < res.n; i++) {
		struct ai_node *n = calloc(1, sizeof(*n));

		if (!n) {
			rb_resolve_freeaddrinfo(*out);
			*out = NULL;
			return -ENOMEM;
		}
		n->ss = res.addr[i];
		if (n->ss.ss_family == AF_INET6) {
			((struct sockaddr_in6 *)&n->ss)->sin6_port = htons(port);
			n->ai.ai_addrlen = sizeof(struct sockaddr_in6);
		} else {
			((struct sockaddr_in *)&n->ss)->sin_port = htons(port);
			n->ai.ai_addrlen = sizeof(struct sockaddr_in);
		}
		n->ai.ai_family = n->ss.ss_family;
		n->ai.ai_socktype = socktype;
		n->ai.ai_protocol = socktype == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
		n->ai.ai_addr = (struct sockaddr *)&n->ss;
		*tail = &n->ai;
		tail = &n->ai.ai_next;
	}
	return 0;
}
