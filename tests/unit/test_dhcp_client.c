// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the DHCP client state machine (RFC 2131 §4.4) driven by
 * crafted server replies: the exchange, Rapid Commit, NAK, INIT-REBOOT,
 * retransmission and give-up, renew/rebind/expiry, DECLINE and RELEASE, and
 * malformed or foreign replies that must be ignored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_client.h"

#define MS 1000000ull
#define S 1000000000ull

static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x08 };
static const struct in_addr yi = { 0x6402000c }, srv = { 0x030200c0 };	/* set in setup */

struct fx {
	struct rb_dhcp_client c;
	struct rb_dhcp_config cfg;
	struct rb_dhcp_msg m;
	uint8_t buf[RB_DHCP_MAX_LEN + 64];
	size_t len;
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

	(void)yi;
	(void)srv;
	rb_dhcp_config_defaults(&f->cfg);
	memcpy(f->cfg.mac, mac, 6);
	memcpy(f->cfg.iface, "eth0", 5);
	memcpy(f->cfg.vendor_class, "ccp.avaya.com", 14);
	f->cfg.first_ms = 100;
	f->cfg.timeout_ms = 10000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* What the client last put on the wire. */
static struct rb_dhcp_msg *sent(struct fx *f)
{
	assert_true(f->c.tx_pending);
	assert_int_equal(rb_dhcp_parse(&f->m, f->c.tx, f->c.tx_len), 0);
	assert_int_equal(f->m.op, RB_BOOTREQUEST);
	return &f->m;
}

/* A server reply to the client's current xid. */
static void reply_begin(struct fx *f, struct rb_dhcp_builder *b, uint8_t type, const char *yiaddr)
{
	struct in_addr a = ip(yiaddr);

	rb_dhcp_build_begin(b, f->buf, sizeof(f->buf), RB_BOOTREPLY, f->c.xid, mac, 6);
	memcpy(f->buf + 16, &a, 4);
	rb_dhcp_put_u8(b, RB_DHO_MSGTYPE, type);
}

static void reply_lease(struct rb_dhcp_builder *b, uint32_t lease)
{
	uint8_t v[4] = { lease >> 24, lease >> 16, lease >> 8, lease };

	rb_dhcp_put_addr(b, RB_DHO_SERVER_ID, ip("192.0.2.3"));
	rb_dhcp_put(b, RB_DHO_LEASE, v, 4);
	rb_dhcp_put_addr(b, RB_DHO_SUBNET, ip("255.255.255.0"));
	rb_dhcp_put_addr(b, RB_DHO_ROUTER, ip("192.0.2.1"));
}

static enum rb_dhcp_event deliver(struct fx *f, struct rb_dhcp_builder *b, uint64_t now)
{
	int n = rb_dhcp_build_end(b);

	assert_true(n > 0);
	return rb_dhcp_client_input(&f->c, f->buf, (size_t)n, now);
}

static void offer(struct fx *f, uint64_t now)
{
	struct rb_dhcp_builder b;

	reply_begin(f, &b, RB_DHCPOFFER, "192.0.2.100");
	reply_lease(&b, 3600);
	assert_int_equal(deliver(f, &b, now), RB_DHCP_EV_NONE);
}

static enum rb_dhcp_event ack(struct fx *f, uint64_t now, uint32_t lease)
{
	struct rb_dhcp_builder b;

	reply_begin(f, &b, RB_DHCPACK, "192.0.2.100");
	reply_lease(&b, lease);
	return deliver(f, &b, now);
}

static void bind_at(struct fx *f, uint64_t now, uint32_t lease)
{
	rb_dhcp_client_start(&f->c, &f->cfg, NULL, now, 42);
	offer(f, now + 10 * MS);
	assert_int_equal(f->c.state, RB_DHCP_REQUESTING);
	assert_int_equal(ack(f, now + 20 * MS, lease), RB_DHCP_EV_BOUND);
}

static void test_discover_contents(void **state)
{
	struct fx *f = *state;
	static const uint8_t want[] = { 1, 3, 6, 7, 12, 15, 26, 42, 43, 51, 54, 58, 59, 66, 176, 242 };
	struct rb_dhcp_msg *m;
	const uint8_t *p;
	size_t l;

	rb_dhcp_client_start(&f->c, &f->cfg, NULL, 0, 1);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
	m = sent(f);
	assert_int_equal(m->type, RB_DHCPDISCOVER);
	assert_false(f->c.tx_unicast);
	assert_memory_equal(m->chaddr, mac, 6);
	p = rb_dhcp_opt(m, RB_DHO_PRL, &l);
	assert_non_null(p);
	assert_int_equal(l, sizeof(want));
	assert_memory_equal(p, want, sizeof(want));
	assert_non_null(rb_dhcp_opt(m, RB_DHO_RAPID_COMMIT, &l));
	assert_int_equal(l, 0);
	p = rb_dhcp_opt(m, RB_DHO_VENDOR_CLASS, &l);
	assert_int_equal(l, 13);
	assert_memory_equal(p, "ccp.avaya.com", 13);
	p = rb_dhcp_opt(m, RB_DHO_CLIENT_ID, &l);
	assert_int_equal(l, 7);
	assert_int_equal(p[0], 1);
	assert_memory_equal(p + 1, mac, 6);
	/* No host name configured: none sent. */
	assert_null(rb_dhcp_opt(m, RB_DHO_HOSTNAME, &l));
}

static void test_full_exchange(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_msg *m;
	struct in_addr a;

	rb_dhcp_client_start(&f->c, &f->cfg, NULL, 0, 7);
	offer(f, 5 * MS);
	m = sent(f);
	assert_int_equal(m->type, RB_DHCPREQUEST);
	assert_true(rb_dhcp_opt_addr(m, RB_DHO_REQ_IP, &a));
	assert_int_equal(a.s_addr, ip("192.0.2.100").s_addr);
	assert_true(rb_dhcp_opt_addr(m, RB_DHO_SERVER_ID, &a));
	assert_int_equal(a.s_addr, ip("192.0.2.3").s_addr);
	assert_int_equal(m->ciaddr.s_addr, 0);
	assert_int_equal(ack(f, 6 * MS, 3600), RB_DHCP_EV_BOUND);
	assert_int_equal(f->c.state, RB_DHCP_BOUND);
	assert_int_equal(f->c.lease.addr.s_addr, ip("192.0.2.100").s_addr);
	assert_int_equal(f->c.lease.prefix, 24);
	assert_int_equal(f->c.lease.t1_s, 1800);
	assert_int_equal(f->c.lease.t2_s, 3150);
	assert_false(f->c.lease.rapid_commit);
	/* Next event: T1. */
	assert_int_equal(f->c.deadline_ns, 6 * MS + 1800 * S);
}

static void test_rapid_commit(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_builder b;

	rb_dhcp_client_start(&f->c, &f->cfg, NULL, 0, 3);
	/* An ACK without option 80 while SELECTING is not a rapid commit. */
	reply_begin(f, &b, RB_DHCPACK, "192.0.2.100");
	reply_lease(&b, 600);
	assert_int_equal(deliver(f, &b, MS), RB_DHCP_EV_NONE);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
	reply_begin(f, &b, RB_DHCPACK, "192.0.2.100");
	reply_lease(&b, 600);
	rb_dhcp_put(&b, RB_DHO_RAPID_COMMIT, NULL, 0);
	assert_int_equal(deliver(f, &b, 2 * MS), RB_DHCP_EV_BOUND);
	assert_true(f->c.lease.rapid_commit);
}

static void test_rapid_commit_off(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_builder b;
	size_t l;

	f->cfg.rapid_commit = false;
	rb_dhcp_client_start(&f->c, &f->cfg, NULL, 0, 3);
	assert_null(rb_dhcp_opt(sent(f), RB_DHO_RAPID_COMMIT, &l));
	reply_begin(f, &b, RB_DHCPACK, "192.0.2.100");
	reply_lease(&b, 600);
	rb_dhcp_put(&b, RB_DHO_RAPID_COMMIT, NULL, 0);
	assert_int_equal(deliver(f, &b, 2 * MS), RB_DHCP_EV_NONE);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
}

/* Option 51 is required: an offer without it is not taken (issue 8). */
static void test_offer_without_lease_time(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_builder b;

	rb_dhcp_client_start(&f->c, &f->cfg, NULL, 0, 3);
	reply_begin(f, &b, RB_DHCPOFFER, "192.0.2.100");
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, ip("192.0.2.3"));
	assert_int_equal(deliver(f, &b, MS), RB_DHCP_EV_NONE);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
	/* Nor one with a zero-length option 51. */
	reply_begin(f, &b, RB_DHCPOFFER, "192.0.2.100");
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, ip("192.0.2.3"));
	rb_dhcp_put(&b, RB_DHO_LEASE, NULL, 0);
	assert_int_equal(deliver(f, &b, MS), RB_DHCP_EV_NONE);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
	assert_int_equal(f->c.ignored, 2);
}

static void test_foreign_replies_ignored(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_builder b;

	rb_dhcp_client_start(&f->c, &f->cfg, NULL, 0, 3);
	/* Another transaction. */
	rb_dhcp_build_begin(&b, f->buf, sizeof(f->buf), RB_BOOTREPLY, f->c.xid + 1, mac, 6);
	memcpy(f->buf + 16, &(struct in_addr){ ip("192.0.2.100").s_addr }, 4);
	rb_dhcp_put_u8(&b, RB_DHO_MSGTYPE, RB_DHCPOFFER);
	reply_lease(&b, 60);
	assert_int_equal(deliver(f, &b, MS), RB_DHCP_EV_NONE);
	/* Another hardware address. */
	rb_dhcp_build_begin(&b, f->buf, sizeof(f->buf), RB_BOOTREPLY, f->c.xid,
			    (const uint8_t *)"\x02\x00\x00\x00\x00\x09", 6);
	memcpy(f->buf + 16, &(struct in_addr){ ip("192.0.2.100").s_addr }, 4);
	rb_dhcp_put_u8(&b, RB_DHO_MSGTYPE, RB_DHCPOFFER);
	reply_lease(&b, 60);
	assert_int_equal(deliver(f, &b, MS), RB_DHCP_EV_NONE);
	/* A request (op 1), as another client's broadcast would be. */
	rb_dhcp_build_begin(&b, f->buf, sizeof(f->buf), RB_BOOTREQUEST, f->c.xid, mac, 6);
	rb_dhcp_put_u8(&b, RB_DHO_MSGTYPE, RB_DHCPOFFER);
	reply_lease(&b, 60);
	assert_int_equal(deliver(f, &b, MS), RB_DHCP_EV_NONE);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
	assert_int_equal(f->c.ignored, 3);
}

/* Raw hostile replies (the fault-injection cases of issue 8): all ignored, no crash. */
static void test_malformed_replies_ignored(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_builder b;
	uint8_t *big = calloc(1, 9000);
	size_t cut;
	int n;

	rb_dhcp_client_start(&f->c, &f->cfg, NULL, 0, 3);
	/* Truncated: the datagram ends inside option 242. */
	reply_begin(f, &b, RB_DHCPOFFER, "192.0.2.100");
	reply_lease(&b, 60);
	rb_dhcp_put(&b, RB_DHO_AVAYA_242, "HTTPSRVR=1.2.3.4", 16);
	cut = b.len - 5;
	assert_true(rb_dhcp_build_end(&b) > 0);
	assert_int_equal(rb_dhcp_client_input(&f->c, f->buf, cut, MS), RB_DHCP_EV_NONE);
	/* Overlong: option length past the End of the packet. */
	reply_begin(f, &b, RB_DHCPOFFER, "192.0.2.100");
	reply_lease(&b, 60);
	n = rb_dhcp_build_end(&b);
	assert_int_equal(f->buf[240], RB_DHO_MSGTYPE);
	f->buf[241] = 200;	/* option 53's length, running past the datagram */
	assert_int_equal(rb_dhcp_client_input(&f->c, f->buf, (size_t)n, MS), RB_DHCP_EV_NONE);
	/* Missing End: every byte after the options is a non-zero filler. */
	reply_begin(f, &b, RB_DHCPOFFER, "192.0.2.100");
	reply_lease(&b, 60);
	memset(f->buf + b.len, 0xfe, 1);
	assert_int_equal(rb_dhcp_client_input(&f->c, f->buf, b.len, MS), RB_DHCP_EV_NONE);
	/* Overload loop: 52 in the options field pointing at a file field that
	 * holds another 52 and no End. */
	reply_begin(f, &b, RB_DHCPOFFER, "192.0.2.100");
	reply_lease(&b, 60);
	rb_dhcp_put_u8(&b, RB_DHO_OVERLOAD, 3);
	n = rb_dhcp_build_end(&b);
	for (int i = 0; i < RB_DHCP_FILE_LEN; i += 3) {
		f->buf[RB_DHCP_FILE_OFF + i] = 52;
		if (i + 1 < RB_DHCP_FILE_LEN)
			f->buf[RB_DHCP_FILE_OFF + i + 1] = 1;
		if (i + 2 < RB_DHCP_FILE_LEN)
			f->buf[RB_DHCP_FILE_OFF + i + 2] = 3;
	}
	assert_int_equal(rb_dhcp_client_input(&f->c, f->buf, (size_t)n, MS), RB_DHCP_EV_NONE);
	/* Oversized: a valid offer padded to 9000 bytes. */
	reply_begin(f, &b, RB_DHCPOFFER, "192.0.2.100");
	reply_lease(&b, 60);
	n = rb_dhcp_build_end(&b);
	memcpy(big, f->buf, (size_t)n);
	assert_int_equal(rb_dhcp_client_input(&f->c, big, 9000, MS), RB_DHCP_EV_NONE);
	/* Too short for the fixed part. */
	assert_int_equal(rb_dhcp_client_input(&f->c, big, 100, MS), RB_DHCP_EV_NONE);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
	assert_int_equal(f->c.ignored, 6);
	/* And a good offer still works afterwards. */
	offer(f, 2 * MS);
	assert_int_equal(f->c.state, RB_DHCP_REQUESTING);
	free(big);
}

static void test_nak_restarts(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_builder b;
	uint32_t old;

	rb_dhcp_client_start(&f->c, &f->cfg, NULL, 0, 9);
	offer(f, MS);
	old = f->c.xid;
	reply_begin(f, &b, RB_DHCPNAK, "0.0.0.0");
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, ip("192.0.2.3"));
	assert_int_equal(deliver(f, &b, 2 * MS), RB_DHCP_EV_NAK);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
	assert_int_not_equal(f->c.xid, old);
	assert_int_equal(sent(f)->type, RB_DHCPDISCOVER);
	assert_int_equal(f->c.naks, 1);
}

/* A NAK from a server we did not choose is ignored while REQUESTING. */
static void test_nak_from_other_server(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_builder b;

	rb_dhcp_client_start(&f->c, &f->cfg, NULL, 0, 9);
	offer(f, MS);
	reply_begin(f, &b, RB_DHCPNAK, "0.0.0.0");
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, ip("192.0.2.99"));
	assert_int_equal(deliver(f, &b, 2 * MS), RB_DHCP_EV_NONE);
	assert_int_equal(f->c.state, RB_DHCP_REQUESTING);
}

static void test_backoff_and_timeout(void **state)
{
	struct fx *f = *state;
	uint64_t now = 0, prev_gap = 0;
	int sends = 1;

	f->cfg.first_ms = 100;
	f->cfg.max_ms = 800;
	f->cfg.timeout_ms = 5000;
	rb_dhcp_client_start(&f->c, &f->cfg, NULL, now, 11);
	for (;;) {
		uint64_t gap = f->c.deadline_ns - now;
		enum rb_dhcp_event ev;

		/* ±25% jitter around 100, 200, 400, 800, 800... ms, and the give-up time. */
		assert_true(gap >= 75 * MS);
		assert_true(gap <= 1000 * MS);
		if (prev_gap && sends < 4 && f->c.deadline_ns < 5000 * MS)
			assert_true(gap > prev_gap);
		prev_gap = gap;
		now = f->c.deadline_ns;
		ev = rb_dhcp_client_tick(&f->c, now);
		if (ev == RB_DHCP_EV_TIMEOUT)
			break;
		assert_int_equal(sent(f)->type, RB_DHCPDISCOVER);
		sends++;
		assert_true(sends < 50);
	}
	/* Gives up exactly at the limit, not one back-off later. */
	assert_int_equal(now, 5000 * MS);
	assert_int_equal(f->c.state, RB_DHCP_STOPPED);
	assert_true(sends >= 7 && sends <= 11);
}

static void test_init_reboot(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_lease prev = { 0 };
	struct rb_dhcp_msg *m;
	struct in_addr a;
	size_t l;

	prev.addr = ip("192.0.2.100");
	rb_dhcp_client_start(&f->c, &f->cfg, &prev, 0, 5);
	assert_int_equal(f->c.state, RB_DHCP_REBOOTING);
	m = sent(f);
	assert_int_equal(m->type, RB_DHCPREQUEST);
	assert_true(rb_dhcp_opt_addr(m, RB_DHO_REQ_IP, &a));
	assert_int_equal(a.s_addr, prev.addr.s_addr);
	/* RFC 2131 §4.3.2: no server identifier in INIT-REBOOT. */
	assert_null(rb_dhcp_opt(m, RB_DHO_SERVER_ID, &l));
	assert_int_equal(ack(f, MS, 600), RB_DHCP_EV_BOUND);
}

static void test_init_reboot_silent_falls_back(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_lease prev = { 0 };

	prev.addr = ip("192.0.2.100");
	f->cfg.reboot_tries = 2;
	rb_dhcp_client_start(&f->c, &f->cfg, &prev, 0, 5);
	rb_dhcp_client_tick(&f->c, f->c.deadline_ns);
	assert_int_equal(sent(f)->type, RB_DHCPREQUEST);
	rb_dhcp_client_tick(&f->c, f->c.deadline_ns);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
	assert_int_equal(sent(f)->type, RB_DHCPDISCOVER);
}

static void test_init_reboot_nak(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_lease prev = { 0 };
	struct rb_dhcp_builder b;

	prev.addr = ip("10.9.9.9");
	rb_dhcp_client_start(&f->c, &f->cfg, &prev, 0, 5);
	reply_begin(f, &b, RB_DHCPNAK, "0.0.0.0");
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, ip("192.0.2.3"));
	assert_int_equal(deliver(f, &b, MS), RB_DHCP_EV_NAK);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
}

static void test_renew_rebind_expire(void **state)
{
	struct fx *f = *state;
	uint64_t t0 = 20 * MS;	/* when the ACK arrived in bind_at */
	struct rb_dhcp_msg *m;

	bind_at(f, 0, 1000);
	/* T1 = 500 s: a unicast REQUEST with ciaddr, no 50/54 (RFC 2131 §4.3.2). */
	assert_int_equal(rb_dhcp_client_tick(&f->c, t0 + 500 * S), RB_DHCP_EV_NONE);
	assert_int_equal(f->c.state, RB_DHCP_RENEWING);
	assert_true(f->c.tx_unicast);
	m = sent(f);
	assert_int_equal(m->type, RB_DHCPREQUEST);
	assert_int_equal(m->ciaddr.s_addr, ip("192.0.2.100").s_addr);
	/* RFC 2131 §4.4.5: retransmit at half the time to T2 (875 s), at least 60 s. */
	assert_int_equal(f->c.deadline_ns, t0 + 500 * S + 187500 * MS);
	/* T2: broadcast. */
	rb_dhcp_client_tick(&f->c, f->c.deadline_ns);
	assert_int_equal(f->c.state, RB_DHCP_RENEWING);
	rb_dhcp_client_tick(&f->c, t0 + 875 * S);
	assert_int_equal(f->c.state, RB_DHCP_REBINDING);
	assert_false(f->c.tx_unicast);
	/* Lease end: the address is given up, a new DISCOVER goes out. */
	while (f->c.state == RB_DHCP_REBINDING) {
		enum rb_dhcp_event ev = rb_dhcp_client_tick(&f->c, f->c.deadline_ns);

		if (ev == RB_DHCP_EV_EXPIRED)
			break;
		assert_int_equal(ev, RB_DHCP_EV_NONE);
	}
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
	assert_false(f->c.have_lease);
	assert_int_equal(sent(f)->type, RB_DHCPDISCOVER);
}

static void test_renew_ack(void **state)
{
	struct fx *f = *state;
	uint64_t t1 = 20 * MS + 1800 * S;

	bind_at(f, 0, 3600);
	rb_dhcp_client_tick(&f->c, t1);
	assert_int_equal(ack(f, t1 + MS, 7200), RB_DHCP_EV_RENEWED);
	assert_int_equal(f->c.state, RB_DHCP_BOUND);
	assert_int_equal(f->c.lease.lease_s, 7200);
	assert_int_equal(f->c.deadline_ns, t1 + MS + 3600 * S);
}

static void test_nak_while_renewing(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_builder b;
	uint64_t t1 = 20 * MS + 1800 * S;

	bind_at(f, 0, 3600);
	rb_dhcp_client_tick(&f->c, t1);
	reply_begin(f, &b, RB_DHCPNAK, "0.0.0.0");
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, ip("192.0.2.3"));
	assert_int_equal(deliver(f, &b, t1 + MS), RB_DHCP_EV_EXPIRED);
	assert_int_equal(f->c.state, RB_DHCP_SELECTING);
}

static void test_decline(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_msg *m;
	struct in_addr a;

	f->cfg.timeout_ms = 60000;
	bind_at(f, 0, 3600);
	rb_dhcp_client_decline(&f->c, S);
	m = sent(f);
	assert_int_equal(m->type, RB_DHCPDECLINE);
	assert_true(rb_dhcp_opt_addr(m, RB_DHO_REQ_IP, &a));
	assert_int_equal(a.s_addr, ip("192.0.2.100").s_addr);
	assert_true(rb_dhcp_opt_addr(m, RB_DHO_SERVER_ID, &a));
	assert_int_equal(f->c.state, RB_DHCP_INIT);
	/* RFC 2131 §3.1.5: wait before restarting. */
	assert_int_equal(f->c.deadline_ns, S + 10 * S);
	assert_int_equal(rb_dhcp_client_tick(&f->c, 11 * S), RB_DHCP_EV_NONE);
	assert_int_equal(sent(f)->type, RB_DHCPDISCOVER);
}

/* The wait after a DECLINE does not extend the overall limit. */
static void test_decline_respects_timeout(void **state)
{
	struct fx *f = *state;

	f->cfg.timeout_ms = 5000;
	bind_at(f, 0, 3600);
	rb_dhcp_client_decline(&f->c, S);
	assert_int_equal(f->c.deadline_ns, 5 * S);
	assert_int_equal(rb_dhcp_client_tick(&f->c, 5 * S), RB_DHCP_EV_TIMEOUT);
}

static void test_release(void **state)
{
	struct fx *f = *state;
	struct rb_dhcp_msg *m;
	struct in_addr a;

	bind_at(f, 0, 3600);
	rb_dhcp_client_release(&f->c);
	assert_true(f->c.tx_unicast);
	m = sent(f);
	assert_int_equal(m->type, RB_DHCPRELEASE);
	assert_int_equal(m->ciaddr.s_addr, ip("192.0.2.100").s_addr);
	assert_true(rb_dhcp_opt_addr(m, RB_DHO_SERVER_ID, &a));
	assert_int_equal(a.s_addr, ip("192.0.2.3").s_addr);
	assert_int_equal(f->c.state, RB_DHCP_STOPPED);
	/* Nothing to release twice. */
	rb_dhcp_client_release(&f->c);
	assert_false(f->c.tx_pending);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_discover_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_exchange, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rapid_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rapid_commit_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_without_lease_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_replies_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_replies_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nak_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nak_from_other_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff_and_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_reboot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_reboot_silent_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_reboot_nak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renew_rebind_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renew_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nak_while_renewing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decline_respects_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
