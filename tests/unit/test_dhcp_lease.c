// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lease decoding: the parameters a lease yields (PROVISIONING.md
 * "DHCP": standard options, siaddr, option 43 with Avaya's 6889, 176 and 242
 * with their precedence) and the lease file round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcp_lease.h"

static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };

struct fx {
	uint8_t buf[2048];
	struct rb_dhcp_builder b;
	struct rb_dhcp_msg m;
	struct rb_params *p;
};

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct in_addr y = ip("192.0.2.150");
	uint8_t lease[4] = { 0, 0, 0x0e, 0x10 };

	f->p = rb_params_new();
	rb_dhcp_build_begin(&f->b, f->buf, sizeof(f->buf), RB_BOOTREPLY, 1, mac, 6);
	memcpy(f->buf + 16, &y, 4);
	rb_dhcp_put_u8(&f->b, RB_DHO_MSGTYPE, RB_DHCPACK);
	rb_dhcp_put_addr(&f->b, RB_DHO_SERVER_ID, ip("192.0.2.3"));
	rb_dhcp_put(&f->b, RB_DHO_LEASE, lease, 4);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rb_params_free(f->p);
	free(f);
	return 0;
}

static void finish(struct fx *f)
{
	int n = rb_dhcp_build_end(&f->b);

	assert_true(n > 0);
	assert_int_equal(rb_dhcp_parse(&f->m, f->buf, (size_t)n), 0);
	assert_int_equal(rb_dhcp_params(&f->m, f->p), 0);
}

static void expect(struct fx *f, const char *name, const char *value, const char *origin)
{
	struct rb_param_view v;

	assert_true(rb_params_lookup(f->p, name, &v));
	assert_string_equal(v.value, value);
	assert_string_equal(rb_origin_name(v.origin.kind), origin);
}

static void test_standard_options(void **state)
{
	struct fx *f = *state;
	const uint8_t dns[] = { 192, 0, 2, 3, 198, 51, 100, 7 };
	uint8_t mtu[2] = { 0x05, 0xdc };

	rb_dhcp_put_addr(&f->b, RB_DHO_SUBNET, ip("255.255.255.0"));
	rb_dhcp_put_addr(&f->b, RB_DHO_ROUTER, ip("192.0.2.1"));
	rb_dhcp_put(&f->b, RB_DHO_DNS, dns, sizeof(dns));
	rb_dhcp_put_addr(&f->b, RB_DHO_LOG, ip("192.0.2.9"));
	rb_dhcp_put_addr(&f->b, RB_DHO_NTP, ip("192.0.2.10"));
	rb_dhcp_put(&f->b, RB_DHO_DOMAIN, "example.test\0", 13);	/* NUL-terminated by some servers */
	rb_dhcp_put(&f->b, RB_DHO_MTU, mtu, 2);
	rb_dhcp_put(&f->b, RB_DHO_TFTP_NAME, "tftp.example.test", 17);
	finish(f);
	expect(f, "IPADD", "192.0.2.150", "dhcp");
	expect(f, "NETMASK", "255.255.255.0", "dhcp");
	expect(f, "GIPADD", "192.0.2.1", "dhcp");
	expect(f, "DNSSRVR", "192.0.2.3,198.51.100.7", "dhcp");
	expect(f, "LOGSRVR", "192.0.2.9", "dhcp");
	expect(f, "SNTPSRVR", "192.0.2.10", "dhcp");
	expect(f, "DOMAIN", "example.test", "dhcp");
	expect(f, "MTU_SIZE", "1500", "dhcp");
	expect(f, "TFTPSRVR", "tftp.example.test", "dhcp");
	/* siaddr is zero here: no file server from it. */
	assert_null(rb_params_get(f->p, "HTTPSRVR"));
}

static void test_siaddr_fills_servers(void **state)
{
	struct fx *f = *state;
	struct in_addr si = ip("192.0.2.4");

	memcpy(f->buf + 20, &si, 4);
	rb_dhcp_put(&f->b, RB_DHO_TFTP_NAME, "192.0.2.5", 9);
	finish(f);
	expect(f, "HTTPSRVR", "192.0.2.4", "dhcp");
	expect(f, "TLSSRVR", "192.0.2.4", "dhcp");
	expect(f, "TFTPSRVR", "192.0.2.5", "dhcp");
}

/* 242 is processed last and wins over 66 and siaddr (PROVISIONING.md "Precedence"). */
static void test_opt242_wins(void **state)
{
	struct fx *f = *state;
	struct in_addr si = ip("192.0.2.4");
	static const char s242[] =
		"MCIPADD=cho-pbx01.lamundial.hn,MCPORT=1719,HTTPSRVR=10.2.248.2,L2Q=1, L2QVLAN=233,VLANTEST=0,TFTPSRVR=10.0.0.7";

	memcpy(f->buf + 20, &si, 4);
	rb_dhcp_put(&f->b, RB_DHO_TFTP_NAME, "192.0.2.5", 9);
	rb_dhcp_put(&f->b, RB_DHO_AVAYA_242, s242, strlen(s242));
	finish(f);
	expect(f, "HTTPSRVR", "10.2.248.2", "option242");
	expect(f, "TFTPSRVR", "10.0.0.7", "option242");
	expect(f, "TLSSRVR", "192.0.2.4", "dhcp");
	expect(f, "MCIPADD", "cho-pbx01.lamundial.hn", "option242");
	expect(f, "L2Q", "1", "option242");
	expect(f, "L2QVLAN", "233", "option242");
	expect(f, "VLANTEST", "0", "option242");
}

static void test_opt176(void **state)
{
	struct fx *f = *state;
	static const char s176[] = "MCIPADD=10.1.1.1,TFTPSRVR=10.1.1.2,L2QVLAN=12";

	rb_dhcp_put(&f->b, RB_DHO_AVAYA_176, s176, strlen(s176));
	finish(f);
	expect(f, "TFTPSRVR", "10.1.1.2", "option176");
	expect(f, "L2QVLAN", "12", "option176");
}

/* With both, 242 (96xx) is applied after 176 and wins. */
static void test_242_after_176(void **state)
{
	struct fx *f = *state;

	rb_dhcp_put(&f->b, RB_DHO_AVAYA_176, "HTTPSRVR=10.0.0.1,MCPORT=1719", 29);
	rb_dhcp_put(&f->b, RB_DHO_AVAYA_242, "HTTPSRVR=10.0.0.2", 17);
	finish(f);
	expect(f, "HTTPSRVR", "10.0.0.2", "option242");
	expect(f, "MCPORT", "1719", "option176");
}

/* A 242 value longer than 255 bytes arrives split (RFC 3396) and is parsed whole. */
static void test_long_242(void **state)
{
	struct fx *f = *state;
	char s[400];
	int n = snprintf(s, sizeof(s), "HTTPDIR=/%0300d,HTTPSRVR=10.9.8.7", 0);

	rb_dhcp_put(&f->b, RB_DHO_AVAYA_242, s, (size_t)n);
	finish(f);
	expect(f, "HTTPSRVR", "10.9.8.7", "option242");
	assert_int_equal(strlen(rb_params_get(f->p, "HTTPDIR")), 301);
}

static void test_opt43_avaya(void **state)
{
	struct fx *f = *state;
	static const uint8_t v[] = {
		1, 4, '6', '8', '8', '9',
		2, 8, '1', '0', '.', '0', '.', '0', '.', '5',	/* HTTPSRVR */
		3, 5, '/', 'p', 'r', 'o', 'v',			/* HTTPDIR */
		9, 1, '1',					/* L2Q */
		10, 3, '2', '3', '3',				/* L2QVLAN */
		200, 2, 'x', 'y',				/* unknown: skipped */
		255,
	};

	rb_dhcp_put(&f->b, RB_DHO_VENDOR, v, sizeof(v));
	finish(f);
	expect(f, "HTTPSRVR", "10.0.0.5", "option43");
	expect(f, "HTTPDIR", "/prov", "option43");
	expect(f, "L2Q", "1", "option43");
	expect(f, "L2QVLAN", "233", "option43");
}

static void test_opt43_not_avaya(void **state)
{
	struct fx *f = *state;
	static const uint8_t other[] = { 1, 4, '9', '9', '9', '9', 2, 3, 'a', 'b', 'c' };
	static const uint8_t late[] = { 2, 3, 'a', 'b', 'c', 1, 4, '6', '8', '8', '9' };
	static const uint8_t cut[] = { 1, 4, '6', '8', '8', '9', 2, 30, 'a' };

	rb_dhcp_put(&f->b, RB_DHO_VENDOR, other, sizeof(other));
	finish(f);
	assert_null(rb_params_get(f->p, "HTTPSRVR"));
	/* Sub-option 1 must come first. */
	assert_int_equal(rb_dhcp_opt43_decode(late, sizeof(late), NULL, NULL), 0);
	/* Truncated TLVs: refused as a whole. */
	assert_int_equal(rb_dhcp_opt43_decode(cut, sizeof(cut), NULL, NULL), -EBADMSG);
}

/* A 242 over a 43 of the same lease: the site-specific option wins. */
static void test_242_over_43(void **state)
{
	struct fx *f = *state;
	static const uint8_t v[] = { 1, 4, '6', '8', '8', '9', 2, 8, '1', '0', '.', '0',
				     '.', '0', '.', '5' };

	rb_dhcp_put(&f->b, RB_DHO_VENDOR, v, sizeof(v));
	rb_dhcp_put(&f->b, RB_DHO_AVAYA_242, "HTTPSRVR=10.0.0.6", 17);
	finish(f);
	expect(f, "HTTPSRVR", "10.0.0.6", "option242");
}

/* A new lease replaces the layers of the last one. */
static void test_new_lease_replaces(void **state)
{
	struct fx *f = *state;

	rb_dhcp_put(&f->b, RB_DHO_AVAYA_242, "HTTPSRVR=10.0.0.6,L2QVLAN=7", 27);
	finish(f);
	expect(f, "L2QVLAN", "7", "option242");
	teardown(state);
	setup(state);
	f = *state;
	finish(f);
	assert_null(rb_params_get(f->p, "L2QVLAN"));
}

static void test_lease_roundtrip(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_lease *l = calloc(1, sizeof(*l)), *r = calloc(1, sizeof(*r));
	char dir[] = "/tmp/rb-lease-XXXXXX", path[64];
	int n;

	rb_dhcp_put_addr(&f->b, RB_DHO_SUBNET, ip("255.255.254.0"));
	rb_dhcp_put_addr(&f->b, RB_DHO_ROUTER, ip("192.0.2.1"));
	n = rb_dhcp_build_end(&f->b);
	assert_int_equal(rb_dhcp_parse(&f->m, f->buf, (size_t)n), 0);
	assert_int_equal(rb_dhcp_lease_from_msg(l, &f->m, f->buf, (size_t)n), 0);
	assert_int_equal(l->prefix, 23);
	assert_int_equal(l->t1_s, 1800);
	assert_int_equal(l->t2_s, 3150);
	memcpy(l->iface, "eth0.233", 9);
	l->acquired = 1700000000;
	l->rapid_commit = true;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(rb_dhcp_lease_path(path, sizeof(path), dir, "eth0.233"), 0);
	assert_int_equal(rb_dhcp_lease_save(l, path), 0);
	assert_int_equal(rb_dhcp_lease_load(r, path), 0);
	assert_string_equal(r->iface, "eth0.233");
	assert_int_equal(r->addr.s_addr, ip("192.0.2.150").s_addr);
	assert_int_equal(r->prefix, 23);
	assert_int_equal(r->nrouters, 1);
	assert_int_equal(r->acquired, 1700000000);
	assert_true(r->rapid_commit);
	assert_int_equal(r->ack_len, (size_t)n);
	/* A damaged file is refused, not half-read. */
	{
		FILE *fp = fopen(path, "w");

		fputs("version=1\niface=eth0\nacquired=1\nack=0201zz\n", fp);
		fclose(fp);
	}
	assert_int_equal(rb_dhcp_lease_load(r, path), -EBADMSG);
	unlink(path);
	assert_int_equal(rb_dhcp_lease_load(r, path), -ENOENT);
	rmdir(dir);
	free(l);
	free(r);
}

/* An ACK without option 51 or a server id is no lease. */
static void test_lease_requires_51(void **state)
{
	struct rb_dhcp_lease *l = calloc(1, sizeof(*l));
	struct rb_dhcp_builder b;
	struct rb_dhcp_msg *m = calloc(1, sizeof(*m));
	uint8_t buf[600];
	struct in_addr y = ip("192.0.2.150");
	int n;

	rb_dhcp_build_begin(&b, buf, sizeof(buf), RB_BOOTREPLY, 1, mac, 6);
	memcpy(buf + 16, &y, 4);
	rb_dhcp_put_u8(&b, RB_DHO_MSGTYPE, RB_DHCPACK);
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, ip("192.0.2.3"));
	n = rb_dhcp_build_end(&b);
	assert_int_equal(rb_dhcp_parse(m, buf, (size_t)n), 0);
	assert_int_equal(rb_dhcp_lease_from_msg(l, m, buf, (size_t)n), -EINVAL);
	free(l);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_standard_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_siaddr_fills_servers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_opt242_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_opt176, setup, teardown),
		cmocka_unit_test_setup_teardown(test_242_after_176, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_242, setup, teardown),
		cmocka_unit_test_setup_teardown(test_opt43_avaya, setup, teardown),
		cmocka_unit_test_setup_teardown(test_opt43_not_avaya, setup, teardown),
		cmocka_unit_test_setup_teardown(test_242_over_43, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_lease_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_roundtrip, setup, teardown),
		cmocka_unit_test(test_lease_requires_51),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
