// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of resolve.c without a network: the resolver needs the lease's
 * DNS servers, refuses bad server lists and names, and answers address
 * literals itself. Lookups through a real DNS server are in the lab
 * (tests/lab/t/dhcp-dns.t).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "resolve.h"

static void test_needs_servers(void **state)
{
	struct rb_resolver *r = (struct rb_resolver *)1;
	struct rb_params *p = rb_params_new();

	assert_int_equal(rb_resolver_new(&r, "", NULL, 100), -EINVAL);
	assert_null(r);
	assert_int_equal(rb_resolver_new(&r, "not-an-address", NULL, 100), -EINVAL);
	assert_int_equal(rb_resolver_from_params(&r, p, 100), -ENOENT);
	rb_params_free(p);
}

static void test_literals(void **state)
{
	struct rb_resolver *r;
	struct rb_resolve_result res;
	struct sockaddr_in6 *s6;
	struct sockaddr_in *s4;

	/* 192.0.2.53 is never asked: literals resolve to themselves. */
	assert_int_equal(rb_resolver_new(&r, "192.0.2.53,2001:db8::53", "lab.test", 100), 0);
	assert_int_equal(rb_resolve_wait(r, "192.0.2.7", AF_UNSPEC, &res), 0);
	assert_int_equal(res.n, 1);
	s4 = (struct sockaddr_in *)&res.addr[0];
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(ntohl(s4->sin_addr.s_addr), 0xc0000207);
	assert_int_equal(rb_resolve_wait(r, "2001:db8::7", AF_UNSPEC, &res), 0);
	s6 = (struct sockaddr_in6 *)&res.addr[0];
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(s6->sin6_addr.s6_addr[15], 7);
	assert_int_equal(rb_resolve_pending(r), 0);
	rb_resolver_free(r);
}

static void test_bad_names(void **state)
{
	struct rb_resolver *r;
	struct rb_resolve_result res;
	char longname[300];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(rb_resolver_new(&r, "192.0.2.53", NULL, 100), 0);
	assert_int_equal(rb_resolve_wait(r, "", AF_UNSPEC, &res), -EINVAL);
	assert_int_equal(rb_resolve_wait(r, longname, AF_UNSPEC, &res), -EINVAL);
	rb_resolver_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needs_servers),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_bad_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
