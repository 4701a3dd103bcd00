// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The resolver beside the io_uring loop: lookups against a small DNS
 * responder on loopback (a forked child answering A and AAAA for one name,
 * NXDOMAIN otherwise, and nothing at all for "silent."), completed from the
 * loop's dispatch while an unrelated timer of the same loop keeps firing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "resolve_uring.h"

/* The responder: answers until killed. */
static void dns_child(int fd)
{
	uint8_t q[512], a[600];

	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
		size_t i = 12, len;
		char name[256] = "";
		uint16_t qtype;
		int an = 0, rcode = 0;

		if (n < 17)
			continue;
		while (i < (size_t)n && q[i] && strlen(name) + q[i] + 2 < sizeof(name)) {
			strncat(name, (const char *)q + i + 1, q[i]);
			strncat(name, ".", 2);
			i += q[i] + 1u;
		}
		i++;
		if (i + 4 > (size_t)n)
			continue;
		qtype = (uint16_t)(q[i] << 8 | q[i + 1]);
		i += 4;
		if (!strcmp(name, "silent.lab.test."))
			continue;
		memcpy(a, q, i);
		len = i;
		if (!strcmp(name, "files.lab.test.")) {
			static const uint8_t v4[4] = { 192, 0, 2, 99 };
			uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
			const uint8_t *d = qtype == 28 ? v6 : v4;
			uint8_t dl = qtype == 28 ? 16 : 4;

			v6[15] = 0x99;
			if (qtype == 1 || qtype == 28) {
				uint8_t rr[12] = { 0xc0, 0x0c, 0, (uint8_t)qtype, 0, 1, 0, 0, 0, 60, 0, dl };

				memcpy(a + len, rr, sizeof(rr));
				memcpy(a + len + sizeof(rr), d, dl);
				len += sizeof(rr) + dl;
				an = 1;
			}
		} else {
			rcode = 3;	/* NXDOMAIN */
		}
		a[2] = 0x81;
		a[3] = (uint8_t)(0x80 | rcode);
		a[6] = 0;
		a[7] = (uint8_t)an;
		memset(a + 8, 0, 4);
		sendto(fd, a, len, 0, (struct sockaddr *)&from, fl);
	}
}

struct res {
	int done, status;
	struct rb_resolve_result r;
};

static void cb(void *arg, int status, const struct rb_resolve_result *r)
{
	struct res *x = arg;

	x->done++;
	x->status = status;
	x->r = *r;
}

struct ticker {
	struct rb_timer t;
	int fired;
};

static void tick(struct rb_loop *loop, struct rb_timer *t)
{
	struct ticker *k = container_of(t, struct ticker, t);

	k->fired++;
	rb_timer_mod(loop, t, 2 * 1000000ull);
}

static void test_lookups_in_the_loop(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = { htonl(INADDR_LOOPBACK) } };
	socklen_t sl = sizeof(sa);
	struct rb_resolve_uring ru;
	struct res ok = { 0 }, nx = { 0 }, v6 = { 0 }, silent = { 0 };
	struct ticker k = { .fired = 0 };
	struct rb_resolver *r;
	struct rb_loop loop;
	char servers[64];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	pid_t child;
	bool seen_both = false;
	int spins = 0;

	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	child = fork();
	if (child == 0) {
		dns_child(fd);
		_exit(0);
	}
	close(fd);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", ntohs(sa.sin_port));
	assert_int_equal(rb_loop_init(&loop, 64, 0), 0);
	assert_int_equal(rb_resolver_new(&r, servers, "lab.test", 300), 0);
	rb_resolve_uring_attach(&ru, &loop, r);
	rb_timer_init(&k.t, tick);
	rb_timer_mod(&loop, &k.t, 1000000ull);

	assert_int_equal(rb_resolve_start(r, "files.lab.test", AF_UNSPEC, cb, &ok), 0);
	assert_int_equal(rb_resolve_start(r, "nosuch.lab.test", AF_INET, cb, &nx), 0);
	/* A single label: DOMAIN is appended ("files" -> files.lab.test). */
	assert_int_equal(rb_resolve_start(r, "files", AF_INET6, cb, &v6), 0);
	assert_int_equal(rb_resolve_start(r, "silent.lab.test", AF_INET, cb, &silent), 0);
	assert_int_equal(rb_resolve_uring_kick(&ru), 0);
	while (rb_resolve_pending(r)) {
		/* Bounded: the ticker fires every 2 ms, so this is about 20 s at most. */
		assert_true(++spins < 10000);
		assert_true(rb_loop_run_once(&loop, 0) >= 0);
		seen_both |= rb_resolve_pending(r) && k.fired > 0;
	}
	assert_int_equal(ok.done, 1);
	assert_int_equal(ok.status, 0);
	assert_int_equal(ok.r.n, 2);
	assert_int_equal(nx.status, -ENOENT);
	assert_int_equal(v6.status, 0);
	assert_int_equal(v6.r.n, 1);
	assert_int_equal(v6.r.addr[0].ss_family, AF_INET6);
	assert_int_equal(((struct sockaddr_in6 *)&v6.r.addr[0])->sin6_addr.s6_addr[15], 0x99);
	/* Nobody answers: c-ares' own deadline, driven by the loop's timer, ends it. */
	assert_int_equal(silent.done, 1);
	assert_int_equal(silent.status, -ETIMEDOUT);
	/* The loop ran other work while lookups were pending. */
	assert_true(seen_both);

	rb_resolve_uring_detach(&ru);
	rb_timer_del(&loop, &k.t);
	rb_loop_cancel_sync(&loop, &k.t.op);
	rb_resolver_free(r);
	rb_loop_exit(&loop);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups_in_the_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
