// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the DHCP codec: options are found whole after overload (52)
 * and RFC 3396 concatenation, and malformed framing is refused, never read
 * past.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_pkt.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

/* A reply skeleton: fixed part and cookie; options are appended by the test. */
static size_t reply_head(uint8_t *buf)
{
	memset(buf, 0, 600);
	buf[0] = RB_BOOTREPLY;
	buf[1] = 1;
	buf[2] = 6;
	buf[4] = 0x12;
	buf[5] = 0x34;
	buf[6] = 0x56;
	buf[7] = 0x78;
	buf[16] = 192;	/* yiaddr 192.0.2.100 */
	buf[17] = 0;
	buf[18] = 2;
	buf[19] = 100;
	memcpy(buf + 28, mac, 6);
	buf[236] = 99;
	buf[237] = 130;
	buf[238] = 83;
	buf[239] = 99;
	return 240;
}

static size_t add(uint8_t *buf, size_t at, const uint8_t *bytes, size_t n)
{
	memcpy(buf + at, bytes, n);
	return at + n;
}

static void test_roundtrip(void **state)
{
	uint8_t buf[1024];
	struct rb_dhcp_builder b;
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	struct in_addr a = { htonl(0xc0000201) }, got;
	uint16_t u16;
	int n;

	rb_dhcp_build_begin(&b, buf, sizeof(buf), RB_BOOTREQUEST, 0xdeadbeef, mac, 6);
	rb_dhcp_put_u8(&b, RB_DHO_MSGTYPE, RB_DHCPDISCOVER);
	rb_dhcp_put_u16(&b, RB_DHO_MAX_SIZE, 1500);
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, a);
	rb_dhcp_put(&b, RB_DHO_RAPID_COMMIT, NULL, 0);
	rb_dhcp_set_flags(&b, 0x8000);
	n = rb_dhcp_build_end(&b);
	assert_int_equal(n, 300);
	assert_int_equal(rb_dhcp_parse(m, buf, (size_t)n), 0);
	assert_int_equal(m->op, RB_BOOTREQUEST);
	assert_int_equal(m->xid, 0xdeadbeef);
	assert_int_equal(m->flags, 0x8000);
	assert_memory_equal(m->chaddr, mac, 6);
	assert_int_equal(m->type, RB_DHCPDISCOVER);
	assert_true(rb_dhcp_opt_u16(m, RB_DHO_MAX_SIZE, &u16));
	assert_int_equal(u16, 1500);
	assert_true(rb_dhcp_opt_addr(m, RB_DHO_SERVER_ID, &got));
	assert_int_equal(got.s_addr, a.s_addr);
	{
		size_t l = 99;

		assert_non_null(rb_dhcp_opt(m, RB_DHO_RAPID_COMMIT, &l));
		assert_int_equal(l, 0);
	}
	free(m);
}

/* RFC 3396: a value longer than 255 bytes is split on build and rejoined on parse. */
static void test_long_option_split_and_joined(void **state)
{
	uint8_t buf[1500], val[700];
	struct rb_dhcp_builder b;
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	const uint8_t *p;
	size_t l;
	int n;

	for (size_t i = 0; i < sizeof(val); i++)
		val[i] = (uint8_t)(i * 7);
	rb_dhcp_build_begin(&b, buf, sizeof(buf), RB_BOOTREPLY, 1, mac, 6);
	rb_dhcp_put_u8(&b, RB_DHO_MSGTYPE, RB_DHCPOFFER);
	rb_dhcp_put(&b, RB_DHO_AVAYA_242, val, sizeof(val));
	n = rb_dhcp_build_end(&b);
	/* 700 bytes need three instances: 255 + 255 + 190. */
	assert_int_equal(n, 240 + 3 + 3 * 2 + 700 + 1);
	assert_int_equal(buf[243], RB_DHO_AVAYA_242);
	assert_int_equal(buf[244], 255);
	assert_int_equal(rb_dhcp_parse(m, buf, (size_t)n), 0);
	p = rb_dhcp_opt(m, RB_DHO_AVAYA_242, &l);
	assert_non_null(p);
	assert_int_equal(l, sizeof(val));
	assert_memory_equal(p, val, sizeof(val));
	free(m);
}

/* Instances of one option interleaved with others are concatenated in order. */
static void test_interleaved_instances(void **state)
{
	uint8_t buf[600];
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	const uint8_t o[] = { 53, 1, 2, 242, 4, 'H', 'T', 'T', 'P', 51, 4, 0, 0, 0x0e, 0x10,
			      242, 6, 'S', 'R', 'V', 'R', '=', 'x', 255 };
	size_t n = add(buf, reply_head(buf), o, sizeof(o));
	const uint8_t *p;
	size_t l;
	uint32_t lease;

	assert_int_equal(rb_dhcp_parse(m, buf, n), 0);
	p = rb_dhcp_opt(m, RB_DHO_AVAYA_242, &l);
	assert_non_null(p);
	assert_int_equal(l, 10);
	assert_memory_equal(p, "HTTPSRVR=x", 10);
	assert_true(rb_dhcp_opt_u32(m, RB_DHO_LEASE, &lease));
	assert_int_equal(lease, 3600);
	assert_int_equal(m->type, RB_DHCPOFFER);
	free(m);
}

/* Overload 3: options field, then file, then sname (RFC 3396 §7). */
static void test_overload_order(void **state)
{
	uint8_t buf[600];
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	const uint8_t o[] = { 53, 1, 5, 52, 1, 3, 242, 2, 'A', 'B', 255 };
	const uint8_t file[] = { 242, 2, 'C', 'D', 66, 3, 't', 'f', 'p', 255 };
	const uint8_t sname[] = { 242, 1, 'E', 255 };
	size_t n = reply_head(buf);
	const uint8_t *p;
	size_t l;

	memcpy(buf + RB_DHCP_FILE_OFF, file, sizeof(file));
	memcpy(buf + RB_DHCP_SNAME_OFF, sname, sizeof(sname));
	n = add(buf, n, o, sizeof(o));
	assert_int_equal(rb_dhcp_parse(m, buf, n), 0);
	p = rb_dhcp_opt(m, RB_DHO_AVAYA_242, &l);
	assert_int_equal(l, 5);
	assert_memory_equal(p, "ABCDE", 5);
	p = rb_dhcp_opt(m, RB_DHO_TFTP_NAME, &l);
	assert_int_equal(l, 3);
	assert_memory_equal(p, "tfp", 3);
	/* The fields carried options, so they are not names. */
	assert_string_equal(m->file, "");
	assert_string_equal(m->sname, "");
	free(m);
}

/* Without overload, sname and file are strings, even if they look like options. */
static void test_no_overload_fields_are_names(void **state)
{
	uint8_t buf[600];
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	const uint8_t o[] = { 53, 1, 5, 255 };
	size_t n = reply_head(buf);

	memcpy(buf + RB_DHCP_SNAME_OFF, "tftp.example", 12);
	memset(buf + RB_DHCP_FILE_OFF, 'f', RB_DHCP_FILE_LEN);	/* no NUL at all */
	n = add(buf, n, o, sizeof(o));
	assert_int_equal(rb_dhcp_parse(m, buf, n), 0);
	assert_string_equal(m->sname, "tftp.example");
	assert_int_equal(strlen(m->file), RB_DHCP_FILE_LEN);
	free(m);
}

/* An overload option inside the overloaded areas is not followed (no loops). */
static void test_overload_loop_ignored(void **state)
{
	uint8_t buf[600];
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	const uint8_t o[] = { 53, 1, 5, 52, 1, 1, 255 };
	const uint8_t file[] = { 52, 1, 3, 242, 1, 'Z', 255 };
	size_t n = reply_head(buf);
	const uint8_t *p;
	size_t l;

	memcpy(buf + RB_DHCP_FILE_OFF, file, sizeof(file));
	/* sname holds garbage that would be malformed if it were parsed. */
	memset(buf + RB_DHCP_SNAME_OFF, 0x7f, RB_DHCP_SNAME_LEN);
	n = add(buf, n, o, sizeof(o));
	assert_int_equal(rb_dhcp_parse(m, buf, n), 0);
	p = rb_dhcp_opt(m, RB_DHO_AVAYA_242, &l);
	assert_int_equal(l, 1);
	assert_memory_equal(p, "Z", 1);
	free(m);
}

static void test_malformed(void **state)
{
	uint8_t buf[RB_DHCP_MAX_LEN + 16];
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	size_t n;

	/* Truncated: the length runs past the datagram. */
	n = reply_head(buf);
	buf[n++] = 53;
	buf[n++] = 1;
	buf[n++] = 2;
	buf[n++] = 242;
	buf[n++] = 40;
	buf[n++] = 'x';
	assert_int_equal(rb_dhcp_parse(m, buf, n), -EBADMSG);

	/* A code with no length byte at the very end. */
	n = reply_head(buf);
	buf[n++] = 53;
	assert_int_equal(rb_dhcp_parse(m, buf, n), -EBADMSG);

	/* Missing End. */
	n = reply_head(buf);
	buf[n++] = 53;
	buf[n++] = 1;
	buf[n++] = 2;
	assert_int_equal(rb_dhcp_parse(m, buf, n), -EBADMSG);

	/* Only padding, no End. */
	n = reply_head(buf);
	memset(buf + n, 0, 60);
	assert_int_equal(rb_dhcp_parse(m, buf, n + 60), -EBADMSG);

	/* Overloaded file area without End. */
	n = reply_head(buf);
	memset(buf + RB_DHCP_FILE_OFF, 0, RB_DHCP_FILE_LEN);
	{
		const uint8_t o[] = { 53, 1, 2, 52, 1, 1, 255 };

		n = add(buf, n, o, sizeof(o));
	}
	assert_int_equal(rb_dhcp_parse(m, buf, n), -EBADMSG);

	/* Bad cookie, too short, too long. */
	n = reply_head(buf);
	buf[n++] = 255;
	buf[239] = 98;
	assert_int_equal(rb_dhcp_parse(m, buf, n), -EPROTO);
	assert_int_equal(rb_dhcp_parse(m, buf, 239), -EMSGSIZE);
	memset(buf, 0, sizeof(buf));
	n = reply_head(buf);
	buf[n] = 255;
	assert_int_equal(rb_dhcp_parse(m, buf, RB_DHCP_MAX_LEN), 0);
	assert_int_equal(rb_dhcp_parse(m, buf, RB_DHCP_MAX_LEN + 1), -EMSGSIZE);
	free(m);
}

/* Zero-length and wrong-length values are present but not usable as typed values. */
static void test_wrong_lengths(void **state)
{
	uint8_t buf[600];
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	const uint8_t o[] = { 53, 0, 51, 0, 1, 3, 255, 255, 255, 3, 5, 1, 2, 3, 4, 5,
			      54, 2, 1, 2, 255 };
	size_t n = add(buf, reply_head(buf), o, sizeof(o));
	struct in_addr a[4];
	uint32_t v;
	uint8_t t;

	assert_int_equal(rb_dhcp_parse(m, buf, n), 0);
	assert_int_equal(m->type, 0);
	assert_false(rb_dhcp_opt_u8(m, RB_DHO_MSGTYPE, &t));
	assert_false(rb_dhcp_opt_u32(m, RB_DHO_LEASE, &v));
	assert_false(rb_dhcp_opt_addr(m, RB_DHO_SUBNET, &a[0]));
	assert_int_equal(rb_dhcp_opt_addrs(m, RB_DHO_ROUTER, a, 4), 0);
	assert_false(rb_dhcp_opt_addr(m, RB_DHO_SERVER_ID, &a[0]));
	free(m);
}

static void test_address_list_capped(void **state)
{
	uint8_t buf[600];
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	const uint8_t o[] = { 6, 12, 10, 0, 0, 1, 10, 0, 0, 2, 10, 0, 0, 3, 255 };
	size_t n = add(buf, reply_head(buf), o, sizeof(o));
	struct in_addr a[2];

	assert_int_equal(rb_dhcp_parse(m, buf, n), 0);
	assert_int_equal(rb_dhcp_opt_addrs(m, RB_DHO_DNS, a, 2), 2);
	assert_int_equal(ntohl(a[1].s_addr), 0x0a000002);
	free(m);
}

static void test_builder_overflow(void **state)
{
	uint8_t buf[260], val[64] = { 0 };
	struct rb_dhcp_builder b;

	rb_dhcp_build_begin(&b, buf, sizeof(buf), RB_BOOTREQUEST, 1, mac, 6);
	rb_dhcp_put(&b, RB_DHO_VENDOR_CLASS, val, sizeof(val));
	assert_int_equal(rb_dhcp_build_end(&b), -EMSGSIZE);
	rb_dhcp_build_begin(&b, buf, sizeof(buf), RB_BOOTREQUEST, 1, mac, 6);
	rb_dhcp_put(&b, RB_DHO_END, val, 1);
	assert_int_equal(rb_dhcp_build_end(&b), -EINVAL);
	/* Fits exactly, but not padded to 300: the buffer is smaller. */
	rb_dhcp_build_begin(&b, buf, sizeof(buf), RB_BOOTREQUEST, 1, mac, 6);
	rb_dhcp_put(&b, RB_DHO_VENDOR_CLASS, val, 17);
	assert_int_equal(rb_dhcp_build_end(&b), 260);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_long_option_split_and_joined),
		cmocka_unit_test(test_interleaved_instances),
		cmocka_unit_test(test_overload_order),
		cmocka_unit_test(test_no_overload_fields_are_names),
		cmocka_unit_test(test_overload_loop_ignored),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_wrong_lengths),
		cmocka_unit_test(test_address_list_capped),
		cmocka_unit_test(test_builder_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
