// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the TFTP packet encoder/decoder and option negotiation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "tftp_proto.h"

static void test_rrq_plain(void **state)
{
	struct rb_tftp_req req = { 0 };
	uint8_t buf[600];
	static const uint8_t want[] = "\0\1boot/app.bin\0octet";
	int n = rb_tftp_build_rrq(buf, sizeof(buf), "boot/app.bin", &req);

	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_rrq_options(void **state)
{
	struct rb_tftp_req req = { .blksize = 1468, .windowsize = 16, .timeout = 2, .tsize = true };
	uint8_t buf[600];
	static const uint8_t want[] = "\0\1f\0octet\0blksize\0" "1468\0tsize\0" "0\0timeout\0" "2\0"
				      "windowsize\0" "16";
	int n = rb_tftp_build_rrq(buf, sizeof(buf), "f", &req);

	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_rrq_limits(void **state)
{
	struct rb_tftp_req req = { 0 };
	uint8_t buf[600];
	char name[600];

	assert_int_equal(rb_tftp_build_rrq(buf, sizeof(buf), "", &req), -EINVAL);
	assert_int_equal(rb_tftp_build_rrq(buf, 8, "abcdefgh", &req), -ENOSPC);
	/* RFC 2347: the request must fit in 512 bytes. */
	memset(name, 'a', 505);
	name[505] = 0;
	assert_int_equal(rb_tftp_build_rrq(buf, sizeof(buf), name, &req), -ENOSPC);
	name[500] = 0;
	assert_true(rb_tftp_build_rrq(buf, sizeof(buf), name, &req) > 0);
}

static void test_ack_error(void **state)
{
	uint8_t buf[32];
	struct rb_tftp_pkt p;
	int n;

	assert_int_equal(rb_tftp_build_ack(buf, sizeof(buf), 0xfffe), 4);
	assert_memory_equal(buf, "\0\4\xff\xfe", 4);
	assert_int_equal(rb_tftp_build_ack(buf, 3, 1), -ENOSPC);
	n = rb_tftp_build_error(buf, sizeof(buf), 8, "bad\noption");
	assert_int_equal(n, 4 + 10 + 1);
	assert_int_equal(rb_tftp_decode(buf, (size_t)n, &p), 0);
	assert_int_equal(p.op, RB_TFTP_ERROR);
	assert_int_equal(p.err_code, 8);
	assert_string_equal(p.err_msg, "bad?option");
	/* A long message is truncated to fit and stays terminated. */
	n = rb_tftp_build_error(buf, 10, 0, "a very long message");
	assert_int_equal(n, 10);
	assert_int_equal(buf[9], 0);
}

static void test_decode(void **state)
{
	struct rb_tftp_pkt p;
	static const uint8_t data[] = { 0, 3, 0x12, 0x34, 'x', 'y' };
	static const uint8_t err_noterm[] = { 0, 5, 0, 1, 'n', 'o' };
	static const uint8_t bad_op[] = { 0, 9, 0, 1 };

	assert_int_equal(rb_tftp_decode(data, sizeof(data), &p), 0);
	assert_int_equal(p.op, RB_TFTP_DATA);
	assert_int_equal(p.block, 0x1234);
	assert_int_equal(p.len, 2);
	assert_memory_equal(p.data, "xy", 2);
	/* An empty DATA is the end of a file that is a multiple of blksize. */
	assert_int_equal(rb_tftp_decode(data, 4, &p), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(rb_tftp_decode(data, 3, &p), -EBADMSG);
	assert_int_equal(rb_tftp_decode(data, 1, &p), -EBADMSG);
	assert_int_equal(rb_tftp_decode(data, 0, &p), -EBADMSG);
	/* ERROR without its NUL: the message is not read past the packet. */
	assert_int_equal(rb_tftp_decode(err_noterm, sizeof(err_noterm), &p), 0);
	assert_string_equal(p.err_msg, "");
	assert_int_equal(rb_tftp_decode(bad_op, sizeof(bad_op), &p), -EBADMSG);
}

#define OACK(s) ((const uint8_t *)(s)), (sizeof(s) - 1)

static void test_oack_ok(void **state)
{
	struct rb_tftp_req req = { .blksize = 1468, .windowsize = 16, .timeout = 2, .tsize = true };
	struct rb_tftp_neg neg;
	char why[128] = "";

	assert_int_equal(rb_tftp_parse_oack(OACK("blksize\0" "1024\0TSIZE\0" "99999\0windowsize\0" "8\0timeout\0" "2\0"),
					    &req, &neg, why, sizeof(why)), 0);
	assert_true(neg.oack);
	assert_int_equal(neg.blksize, 1024);
	assert_int_equal(neg.windowsize, 8);
	assert_int_equal(neg.timeout, 2);
	assert_true(neg.has_tsize);
	assert_int_equal(neg.tsize, 99999);
	/* Only some options granted: the rest keep the RFC 1350 defaults. */
	assert_int_equal(rb_tftp_parse_oack(OACK("tsize\0" "0\0"), &req, &neg, why, sizeof(why)), 0);
	assert_int_equal(neg.blksize, 512);
	assert_int_equal(neg.windowsize, 1);
}

static void test_oack_refused(void **state)
{
	struct rb_tftp_req req = { .blksize = 1468, .windowsize = 16, .timeout = 2, .tsize = true };
	struct rb_tftp_req none = { 0 };
	struct rb_tftp_neg neg;
	char why[128];

	/* RFC 2348: larger than asked, or outside 8..65464. */
	assert_int_equal(rb_tftp_parse_oack(OACK("blksize\0" "1469\0"), &req, &neg, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "blksize 1469"));
	assert_int_equal(rb_tftp_parse_oack(OACK("blksize\0" "7\0"), &req, &neg, why, sizeof(why)), -EPROTO);
	assert_int_equal(rb_tftp_parse_oack(OACK("windowsize\0" "17\0"), &req, &neg, why, sizeof(why)), -EPROTO);
	assert_int_equal(rb_tftp_parse_oack(OACK("windowsize\0" "0\0"), &req, &neg, why, sizeof(why)), -EPROTO);
	/* RFC 2349: the timeout granted must be the one asked. */
	assert_int_equal(rb_tftp_parse_oack(OACK("timeout\0" "3\0"), &req, &neg, why, sizeof(why)), -EPROTO);
	/* Not asked at all, or unknown, or twice. */
	assert_int_equal(rb_tftp_parse_oack(OACK("blksize\0" "512\0"), &none, &neg, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "not asked"));
	assert_int_equal(rb_tftp_parse_oack(OACK("multicast\0" "1\0"), &req, &neg, why, sizeof(why)), -EPROTO);
	assert_int_equal(rb_tftp_parse_oack(OACK("tsize\0" "1\0tsize\0" "1\0"), &req, &neg, why, sizeof(why)), -EPROTO);
}

static void test_oack_malformed(void **state)
{
	struct rb_tftp_req req = { .blksize = 1468, .tsize = true };
	struct rb_tftp_neg neg;
	char why[128];

	assert_int_equal(rb_tftp_parse_oack(OACK("blksize\0" "1x\0"), &req, &neg, why, sizeof(why)), -EBADMSG);
	assert_int_equal(rb_tftp_parse_oack(OACK("blksize\0" "-1\0"), &req, &neg, why, sizeof(why)), -EBADMSG);
	assert_int_equal(rb_tftp_parse_oack(OACK("blksize\0" "\0"), &req, &neg, why, sizeof(why)), -EBADMSG);
	assert_int_equal(rb_tftp_parse_oack(OACK("blksize\0" "512"), &req, &neg, why, sizeof(why)), -EBADMSG);
	assert_int_equal(rb_tftp_parse_oack(OACK("blksize"), &req, &neg, why, sizeof(why)), -EBADMSG);
	assert_int_equal(rb_tftp_parse_oack(OACK("\0" "512\0"), &req, &neg, why, sizeof(why)), -EBADMSG);
	assert_int_equal(rb_tftp_parse_oack(OACK("tsize\0" "99999999999999999999999\0"), &req, &neg, why, sizeof(why)), -EBADMSG);
	/* An empty OACK grants nothing. */
	assert_int_equal(rb_tftp_parse_oack(OACK(""), &req, &neg, why, sizeof(why)), 0);
	assert_int_equal(neg.blksize, 512);
}

/* RFC 2349: more than announced is refused at once, any other size at the end. */
static void test_check_tsize(void **state)
{
	struct rb_tftp_neg none = { .has_tsize = false }, zero = { .has_tsize = true },
			   ten = { .has_tsize = true, .tsize = 10 };
	char why[120] = "";

	assert_int_equal(rb_tftp_check_tsize(&none, 1000, true, why, sizeof(why)), 0);
	assert_int_equal(rb_tftp_check_tsize(&ten, 9, false, why, sizeof(why)), 0);
	assert_int_equal(rb_tftp_check_tsize(&ten, 10, true, why, sizeof(why)), 0);
	assert_int_equal(rb_tftp_check_tsize(&zero, 0, true, why, sizeof(why)), 0);
	assert_int_equal(rb_tftp_check_tsize(&ten, 11, false, why, sizeof(why)), -EPROTO);
	assert_string_equal(why, "server sent more bytes than the tsize it announced");
	/* An announced 0 is a size like any other. */
	assert_int_equal(rb_tftp_check_tsize(&zero, 1, false, why, sizeof(why)), -EPROTO);
	assert_int_equal(rb_tftp_check_tsize(&ten, 9, true, why, sizeof(why)), -EPROTO);
	assert_string_equal(why, "size mismatch: server announced tsize 10, sent 9 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrq_plain),
		cmocka_unit_test(test_rrq_options),
		cmocka_unit_test(test_rrq_limits),
		cmocka_unit_test(test_ack_error),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_oack_ok),
		cmocka_unit_test(test_oack_refused),
		cmocka_unit_test(test_oack_malformed),
		cmocka_unit_test(test_check_tsize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
