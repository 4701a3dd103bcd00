// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fast path client's readers of kernel replies (userspace/fastpath_nl.c):
 * the extended ACK text of an error (linux/netlink.h, NLMSGERR_ATTR_MSG) and
 * the counters of a GET reply, on well-formed and on truncated or lying input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "fastpath.h"

static uint8_t buf[512];
static size_t len;

static void put(const void *p, size_t n)
{
	memcpy(buf + len, p, n);
	len += n;
}

static void put_attr(uint16_t type, const void *p, uint16_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n), .nla_type = type };
	static const uint8_t pad[4];

	put(&a, sizeof(a));
	put(p, n);
	put(pad, NLA_ALIGN(a.nla_len) - a.nla_len);
}

static void finish(void)
{
	((struct nlmsghdr *)buf)->nlmsg_len = (uint32_t)len;
}

/* An NLMSG_ERROR for a 20-byte request, capped or with the request echoed. */
static void error_msg(bool capped, const char *text)
{
	struct nlmsghdr h = { .nlmsg_type = NLMSG_ERROR,
			      .nlmsg_flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0) };
	struct nlmsgerr e = { .error = -EBUSY };
	uint8_t echo[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint32_t off = 4;

	len = 0;
	e.msg.nlmsg_len = capped ? NLMSG_HDRLEN : NLMSG_HDRLEN + sizeof(echo);
	put(&h, sizeof(h));
	put(&e, sizeof(e));
	if (!capped)
		put(echo, sizeof(echo));
	put_attr(NLMSGERR_ATTR_OFFS, &off, sizeof(off));
	if (text)
		put_attr(NLMSGERR_ATTR_MSG, text, (uint16_t)(strlen(text) + 1));
	finish();
}

static void test_extack_capped_and_echoed(void **state)
{
	char out[64];

	(void)state;
	error_msg(true, "socket already attached");
	assert_int_equal(rb_fp_parse_extack(buf, len, out, sizeof(out)), 0);
	assert_string_equal(out, "socket already attached");
	error_msg(false, "no such session");
	assert_int_equal(rb_fp_parse_extack(buf, len, out, sizeof(out)), 0);
	assert_string_equal(out, "no such session");
}

static void test_extack_absent_or_truncated(void **state)
{
	char out[8];

	(void)state;
	error_msg(true, NULL);
	assert_int_equal(rb_fp_parse_extack(buf, len, out, sizeof(out)), -ENOENT);
	assert_string_equal(out, "");
	/* A long text is cut to the buffer, still terminated. */
	error_msg(true, "a very long message");
	assert_int_equal(rb_fp_parse_extack(buf, len, out, sizeof(out)), 0);
	assert_string_equal(out, "a very ");
	/* Every prefix of the message: refused, never read past. */
	error_msg(false, "no such session");
	for (size_t n = 0; n < len; n++) {
		int ret = rb_fp_parse_extack(buf, n, out, sizeof(out));

		assert_true(ret == -EBADMSG);
	}
}

static void test_extack_lying_lengths(void **state)
{
	struct nlmsgerr *e = (struct nlmsgerr *)(buf + NLMSG_HDRLEN);
	char out[64];

	(void)state;
	/* The echoed request claims to be longer than the whole message. */
	error_msg(false, "x");
	e->msg.nlmsg_len = 4000;
	assert_int_equal(rb_fp_parse_extack(buf, len, out, sizeof(out)), -EBADMSG);
	/* ... or shorter than its own header: the TLVs would overlap the error. */
	e->msg.nlmsg_len = 0;
	assert_int_equal(rb_fp_parse_extack(buf, len, out, sizeof(out)), -EBADMSG);
	/* An attribute longer than what is left, and a text without its NUL. */
	error_msg(true, "abc");
	buf[len - 8] = 0xff;	/* nla_len of the message attribute */
	assert_int_equal(rb_fp_parse_extack(buf, len, out, sizeof(out)), -ENOENT);
	error_msg(true, NULL);
	put_attr(NLMSGERR_ATTR_MSG, "abcd", 4);
	finish();
	assert_int_equal(rb_fp_parse_extack(buf, len, out, sizeof(out)), 0);
	assert_string_equal(out, "abcd");
	/* Not an error message at all. */
	((struct nlmsghdr *)buf)->nlmsg_type = NLMSG_DONE;
	assert_int_equal(rb_fp_parse_extack(buf, len, out, sizeof(out)), -EBADMSG);
}

static void stats_msg(void)
{
	struct nlmsghdr h = { .nlmsg_type = 0x20 };
	struct genlmsghdr g = { .cmd = RINGBOOT_CMD_GET, .version = 1 };
	uint32_t st = RINGBOOT_STATE_DONE;
	uint64_t v;

	len = 0;
	put(&h, sizeof(h));
	put(&g, sizeof(g));
	put_attr(RINGBOOT_A_STATE, &st, sizeof(st));
	v = 4194304;
	put_attr(RINGBOOT_A_BYTES, &v, sizeof(v));
	v = 180;
	put_attr(RINGBOOT_A_ACKS, &v, sizeof(v));
	finish();
}

static void test_stats(void **state)
{
	struct rb_fp_stats st;

	(void)state;
	stats_msg();
	assert_int_equal(rb_fp_parse_stats(buf, len, &st), 0);
	assert_int_equal(st.state, RINGBOOT_STATE_DONE);
	assert_int_equal(st.bytes, 4194304);
	assert_int_equal(st.acks, 180);
	assert_int_equal(st.duplicates, 0);
	for (size_t n = 0; n < len; n++)
		assert_int_equal(rb_fp_parse_stats(buf, n, &st), -EBADMSG);
	/* A u64 counter carried in 4 bytes is refused, not read past. */
	stats_msg();
	{
		uint32_t four = 7;

		put_attr(RINGBOOT_A_TIMEOUTS, &four, sizeof(four));
		finish();
	}
	assert_int_equal(rb_fp_parse_stats(buf, len, &st), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extack_capped_and_echoed),
		cmocka_unit_test(test_extack_absent_or_truncated),
		cmocka_unit_test(test_extack_lying_lengths),
		cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
