// SPDX-License-Identifier: GPL-2.0-or-later
/* The DHCPv4 client state machine (see dhcp_client.h), RFC 2131 §4.4. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dhcp_client.h"
#include "log.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull
/* RFC 2131 §4.4.5: retransmit in RENEWING/REBINDING no more often than every 60 s. */
#define RENEW_MIN_MS 60000u

/* The parameter request list (issue 8; PROVISIONING.md "DHCP"). */
static const uint8_t prl[] = {
	RB_DHO_SUBNET, RB_DHO_ROUTER, RB_DHO_DNS, RB_DHO_LOG, RB_DHO_HOSTNAME,
	RB_DHO_DOMAIN, RB_DHO_MTU, RB_DHO_NTP, RB_DHO_VENDOR, RB_DHO_LEASE,
	RB_DHO_SERVER_ID, RB_DHO_T1, RB_DHO_T2, RB_DHO_TFTP_NAME, RB_DHO_AVAYA_176,
	RB_DHO_AVAYA_242,
};

void rb_dhcp_config_defaults(struct rb_dhcp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rapid_commit = true;
	/* Short first interval for boot speed; RFC 2131 §4.1's 4 s is the cap's start. */
	cfg->first_ms = 500;
	cfg->max_ms = 64000;
	cfg->timeout_ms = 30000;
	cfg->decline_wait_ms = 10000;
	cfg->reboot_tries = 2;
	cfg->request_tries = 4;
}

const char *rb_dhcp_state_name(enum rb_dhcp_state s)
{
	static const char *const names[] = {
		"INIT", "SELECTING", "REQUESTING", "REBOOTING",
		"BOUND", "RENEWING", "REBINDING", "STOPPED",
	};

	return (unsigned int)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* xorshift64*: xids and jitter need unpredictability per boot, not cryptography. */
static uint32_t rnd(struct rb_dhcp_client *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (uint32_t)((c->rng * 0x2545f4914f6cdd1dull) >> 32);
}

/*
 * RFC 2131 §4.1: exponential back-off, randomized by ±1 s of 4 s; here
 * ±25% of the current interval, so a short first interval keeps its scale.
 */
static uint64_t backoff_ns(struct rb_dhcp_client *c)
{
	uint32_t iv = c->interval_ms, span = iv / 2;
	uint64_t ms = iv - iv / 4 + (span ? rnd(c) % (span + 1) : 0);

	c->interval_ms = iv >= c->cfg.max_ms / 2 ? c->cfg.max_ms : iv * 2;
	return (ms ? ms : 1) * NS_PER_MS;
}

static void begin(struct rb_dhcp_client *c, struct rb_dhcp_builder *b, uint8_t type,
		  uint64_t now)
{
	uint64_t secs = (now - c->start_ns) / NS_PER_S;

	rb_dhcp_build_begin(b, c->tx, sizeof(c->tx), RB_BOOTREQUEST, c->xid, c->cfg.mac, 6);
	rb_dhcp_set_secs(b, secs > 0xffff ? 0xffff : (uint16_t)secs);
	rb_dhcp_put_u8(b, RB_DHO_MSGTYPE, type);
	rb_dhcp_put(b, RB_DHO_CLIENT_ID, c->cfg.client_id, c->cfg.client_id_len);
}

/* Options every DISCOVER and REQUEST carries (RFC 2131 §4.4.1, table 5). */
static void put_wants(struct rb_dhcp_client *c, struct rb_dhcp_builder *b)
{
	rb_dhcp_put_u16(b, RB_DHO_MAX_SIZE, 1500);
	rb_dhcp_put(b, RB_DHO_PRL, prl, sizeof(prl));
	if (c->cfg.vendor_class[0])
		rb_dhcp_put(b, RB_DHO_VENDOR_CLASS, c->cfg.vendor_class,
			    strlen(c->cfg.vendor_class));
	if (c->cfg.hostname[0])
		rb_dhcp_put(b, RB_DHO_HOSTNAME, c->cfg.hostname, strlen(c->cfg.hostname));
}

static void finish(struct rb_dhcp_client *c, struct rb_dhcp_builder *b, bool unicast)
{
	int n = rb_dhcp_build_end(b);

	/* Our own options always fit; a failure here is a configuration bug. */
	if (n < 0) {
		rb_err("dhcp: cannot build message: %s", strerror(-n));
		c->tx_pending = false;
		return;
	}
	c->tx_len = (size_t)n;
	c->tx_pending = true;
	c->tx_unicast = unicast;
}

static void send_discover(struct rb_dhcp_client *c, uint64_t now)
{
	struct rb_dhcp_builder b;

	begin(c, &b, RB_DHCPDISCOVER, now);
	if (c->cfg.rapid_commit)
		rb_dhcp_put(&b, RB_DHO_RAPID_COMMIT, NULL, 0);	/* RFC 4039 §4 */
	put_wants(c, &b);
	finish(c, &b, false);
}

/* REQUEST in its four forms (RFC 2131 §4.3.2). */
static void send_request(struct rb_dhcp_client *c, uint64_t now)
{
	struct rb_dhcp_builder b;

	begin(c, &b, RB_DHCPREQUEST, now);
	switch (c->state) {
	case RB_DHCP_REQUESTING:	/* SELECTING: server id and requested address */
		rb_dhcp_put_addr(&b, RB_DHO_REQ_IP, c->offered);
		rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, c->offer_server);
		break;
	case RB_DHCP_REBOOTING:		/* INIT-REBOOT: requested address only */
		rb_dhcp_put_addr(&b, RB_DHO_REQ_IP, c->offered);
		break;
	default:			/* RENEWING, REBINDING: ciaddr */
		rb_dhcp_set_ciaddr(&b, c->lease.addr);
		break;
	}
	put_wants(c, &b);
	finish(c, &b, c->state == RB_DHCP_RENEWING);
}

static void enter(struct rb_dhcp_client *c, enum rb_dhcp_state s)
{
	rb_debug("dhcp: %s -> %s", rb_dhcp_state_name(c->state), rb_dhcp_state_name(s));
	c->state = s;
	c->tries = 0;
	c->interval_ms = c->cfg.first_ms ? c->cfg.first_ms : 1;
}

/* Next retransmission, but never past the overall acquisition limit. */
static void arm(struct rb_dhcp_client *c, uint64_t now, uint64_t delay)
{
	uint64_t give_up = c->start_ns + (uint64_t)c->cfg.timeout_ms * NS_PER_MS;

	c->deadline_ns = now + delay;
	if (c->cfg.timeout_ms && c->state != RB_DHCP_BOUND && c->deadline_ns > give_up &&
	    give_up > now)
		c->deadline_ns = give_up;
}

static void new_xid(struct rb_dhcp_client *c)
{
	c->xid = rnd(c);
}

/* INIT: a fresh DISCOVER (RFC 2131 §4.4.1). */
static void restart(struct rb_dhcp_client *c, uint64_t now)
{
	new_xid(c);
	enter(c, RB_DHCP_SELECTING);
	send_discover(c, now);
	c->tries = 1;
	arm(c, now, backoff_ns(c));
}

static void setup(struct rb_dhcp_client *c, const struct rb_dhcp_config *cfg, uint64_t seed)
{
	c->cfg = *cfg;
	if (!c->cfg.client_id_len) {
		/* RFC 2132 §9.14: hardware type 1 then the MAC. */
		c->cfg.client_id[0] = 1;
		memcpy(c->cfg.client_id + 1, cfg->mac, 6);
		c->cfg.client_id_len = 7;
	}
	c->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

void rb_dhcp_client_adopt(struct rb_dhcp_client *c, const struct rb_dhcp_config *cfg,
			  const char *iface, const uint8_t *mac, const struct rb_dhcp_lease *l)
{
	struct rb_dhcp_config k = *cfg;
	struct rb_dhcp_lease copy = *l;

	memset(c, 0, sizeof(*c));
	snprintf(k.iface, sizeof(k.iface), "%s", iface);
	memcpy(k.mac, mac, 6);
	setup(c, &k, (uint64_t)l->acquired ^ 0x5deece66dull);
	c->lease = copy;
	c->have_lease = true;
	c->state = RB_DHCP_BOUND;
}

void rb_dhcp_client_start(struct rb_dhcp_client *c, const struct rb_dhcp_config *cfg,
			  const struct rb_dhcp_lease *prev, uint64_t now, uint64_t seed)
{
	memset(c, 0, sizeof(*c));
	setup(c, cfg, seed);
	c->start_ns = now;
	c->state = RB_DHCP_INIT;
	if (prev && prev->addr.s_addr != INADDR_ANY) {
		/* RFC 2131 §3.2: INIT-REBOOT, verify the previous address. */
		new_xid(c);
		c->offered = prev->addr;
		enter(c, RB_DHCP_REBOOTING);
		send_request(c, now);
		c->tries = 1;
		arm(c, now, backoff_ns(c));
		return;
	}
	restart(c, now);
}

static bool acquiring(const struct rb_dhcp_client *c)
{
	return c->state == RB_DHCP_SELECTING || c->state == RB_DHCP_REQUESTING ||
	       c->state == RB_DHCP_REBOOTING || c->state == RB_DHCP_INIT;
}

/* Lease times are relative to the moment the ACK arrived. */
static void schedule_t1(struct rb_dhcp_client *c, uint64_t now)
{
	c->bound_ns = now;
	c->deadline_ns = c->lease.t1_s == UINT32_MAX ? 0 : now + c->lease.t1_s * NS_PER_S;
}

static enum rb_dhcp_event on_ack(struct rb_dhcp_client *c, const uint8_t *buf, size_t len,
				 uint64_t now, bool rapid)
{
	struct rb_dhcp_lease l;
	bool renewal = c->state == RB_DHCP_RENEWING || c->state == RB_DHCP_REBINDING;

	memset(&l, 0, sizeof(l));
	if (rb_dhcp_lease_from_msg(&l, &c->rx, buf, len)) {
		/* An ACK without option 51 or a server id is not taken (issue 8). */
		c->ignored++;
		return RB_DHCP_EV_NONE;
	}
	if (renewal && l.addr.s_addr != c->lease.addr.s_addr) {
		c->ignored++;
		return RB_DHCP_EV_NONE;
	}
	memcpy(l.iface, c->cfg.iface, sizeof(l.iface));
	l.rapid_commit = rapid;
	l.acquired = time(NULL);
	c->lease = l;
	c->have_lease = true;
	enter(c, RB_DHCP_BOUND);
	c->tx_pending = false;
	schedule_t1(c, now);
	return renewal ? RB_DHCP_EV_RENEWED : RB_DHCP_EV_BOUND;
}

/* SELECTING: take the first acceptable OFFER (boot speed over comparison). */
static enum rb_dhcp_event on_offer(struct rb_dhcp_client *c, uint64_t now)
{
	uint32_t lease;
	struct in_addr sid;

	if (c->rx.yiaddr.s_addr == INADDR_ANY || c->rx.yiaddr.s_addr == INADDR_BROADCAST ||
	    !rb_dhcp_opt_u32(&c->rx, RB_DHO_LEASE, &lease) || lease == 0 ||
	    !rb_dhcp_opt_addr(&c->rx, RB_DHO_SERVER_ID, &sid) || sid.s_addr == INADDR_ANY) {
		c->ignored++;
		return RB_DHCP_EV_NONE;
	}
	c->offered = c->rx.yiaddr;
	c->offer_server = sid;
	enter(c, RB_DHCP_REQUESTING);
	send_request(c, now);
	c->tries = 1;
	arm(c, now, backoff_ns(c));
	return RB_DHCP_EV_NONE;
}

static bool from_our_server(const struct rb_dhcp_client *c)
{
	struct in_addr sid;
	struct in_addr want = c->state == RB_DHCP_REQUESTING ? c->offer_server : c->lease.server;

	/* REBOOTING and REBINDING accept any server; others only the chosen one. */
	if (c->state == RB_DHCP_REBOOTING || c->state == RB_DHCP_REBINDING)
		return true;
	return rb_dhcp_opt_addr(&c->rx, RB_DHO_SERVER_ID, &sid) && sid.s_addr == want.s_addr;
}

static enum rb_dhcp_event on_nak(struct rb_dhcp_client *c, uint64_t now)
{
	bool had = c->state == RB_DHCP_RENEWING || c->state == RB_DHCP_REBINDING;

	c->naks++;
	/* RFC 2131 §3.1.4, §3.2: a NAK sends the client back to INIT. */
	c->start_ns = now;
	restart(c, now);
	if (had) {
		c->have_lease = false;
		return RB_DHCP_EV_EXPIRED;
	}
	return RB_DHCP_EV_NAK;
}

enum rb_dhcp_event rb_dhcp_client_input(struct rb_dhcp_client *c, const uint8_t *buf,
					size_t len, uint64_t now)
{
	struct rb_dhcp_msg *m = &c->rx;

	if (rb_dhcp_parse(m, buf, len)) {
		c->ignored++;
		return RB_DHCP_EV_NONE;
	}
	/* Replies to our transaction for our hardware address only (RFC 2131 §4.4.1). */
	if (m->op != RB_BOOTREPLY || m->xid != c->xid || m->htype != 1 || m->hlen != 6 ||
	    memcmp(m->chaddr, c->cfg.mac, 6)) {
		c->ignored++;
		return RB_DHCP_EV_NONE;
	}
	switch (c->state) {
	case RB_DHCP_SELECTING:
		if (m->type == RB_DHCPOFFER)
			return on_offer(c, now);
		/* RFC 4039 §4: an ACK with Rapid Commit completes the 2-message exchange. */
		if (m->type == RB_DHCPACK && c->cfg.rapid_commit) {
			size_t l;

			if (rb_dhcp_opt(m, RB_DHO_RAPID_COMMIT, &l))
				return on_ack(c, buf, len, now, true);
		}
		break;
	case RB_DHCP_REQUESTING:
	case RB_DHCP_REBOOTING:
	case RB_DHCP_RENEWING:
	case RB_DHCP_REBINDING:
		if (m->type != RB_DHCPACK && m->type != RB_DHCPNAK)
			break;
		if (!from_our_server(c))
			break;
		if (m->type == RB_DHCPACK)
			return on_ack(c, buf, len, now, false);
		return on_nak(c, now);
	default:
		break;
	}
	c->ignored++;
	return RB_DHCP_EV_NONE;
}

/* RENEWING/REBINDING retransmission: half the time left, at least 60 s (§4.4.5). */
static uint64_t half_until(uint64_t now, uint64_t until)
{
	uint64_t left = until > now ? until - now : 0;

	return left / 2 > RENEW_MIN_MS * NS_PER_MS ? left / 2 : RENEW_MIN_MS * NS_PER_MS;
}

static uint64_t mark(const struct rb_dhcp_client *c, uint32_t secs)
{
	return c->bound_ns + (uint64_t)secs * NS_PER_S;
}

enum rb_dhcp_event rb_dhcp_client_tick(struct rb_dhcp_client *c, uint64_t now)
{
	uint64_t t2, end;

	c->tx_pending = false;
	if (!c->deadline_ns || now < c->deadline_ns)
		return RB_DHCP_EV_NONE;
	if (acquiring(c) && c->cfg.timeout_ms &&
	    now - c->start_ns >= (uint64_t)c->cfg.timeout_ms * NS_PER_MS) {
		enter(c, RB_DHCP_STOPPED);
		c->deadline_ns = 0;
		return RB_DHCP_EV_TIMEOUT;
	}
	switch (c->state) {
	case RB_DHCP_INIT:		/* after a DECLINE's wait */
		restart(c, now);
		break;
	case RB_DHCP_SELECTING:
		send_discover(c, now);
		c->tries++;
		arm(c, now, backoff_ns(c));
		break;
	case RB_DHCP_REQUESTING:
	case RB_DHCP_REBOOTING:
		if (c->tries >= (c->state == RB_DHCP_REBOOTING ? c->cfg.reboot_tries
							        : c->cfg.request_tries)) {
			restart(c, now);
			break;
		}
		send_request(c, now);
		c->tries++;
		arm(c, now, backoff_ns(c));
		break;
	case RB_DHCP_BOUND:		/* T1 */
		enter(c, RB_DHCP_RENEWING);
		new_xid(c);
		/* fall through */
	case RB_DHCP_RENEWING:
		t2 = mark(c, c->lease.t2_s);
		if (now >= t2) {
			enter(c, RB_DHCP_REBINDING);
			goto rebind;
		}
		send_request(c, now);
		c->tries++;
		c->deadline_ns = now + half_until(now, t2);
		if (c->deadline_ns > t2)
			c->deadline_ns = t2;
		break;
	case RB_DHCP_REBINDING:
rebind:
		end = mark(c, c->lease.lease_s);
		if (now >= end) {
			/* RFC 2131 §4.4.5: at expiry, stop using the address, back to INIT. */
			c->have_lease = false;
			c->start_ns = now;
			restart(c, now);
			return RB_DHCP_EV_EXPIRED;
		}
		send_request(c, now);
		c->tries++;
		c->deadline_ns = now + half_until(now, end);
		if (c->deadline_ns > end)
			c->deadline_ns = end;
		break;
	default:
		c->deadline_ns = 0;
		break;
	}
	return RB_DHCP_EV_NONE;
}

void rb_dhcp_client_decline(struct rb_dhcp_client *c, uint64_t now)
{
	struct rb_dhcp_builder b;

	/* RFC 2131 §4.4.1: DECLINE carries the address (50) and the server id (54). */
	begin(c, &b, RB_DHCPDECLINE, now);
	rb_dhcp_put_addr(&b, RB_DHO_REQ_IP, c->lease.addr);
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, c->lease.server);
	finish(c, &b, false);
	c->have_lease = false;
	enter(c, RB_DHCP_INIT);
	/* The overall limit still counts from the first DISCOVER: an address
	 * that stays in use must not keep the client declining forever. */
	arm(c, now, (uint64_t)c->cfg.decline_wait_ms * NS_PER_MS);
}

void rb_dhcp_client_release(struct rb_dhcp_client *c)
{
	struct rb_dhcp_builder b;

	c->tx_pending = false;
	if (!c->have_lease)
		return;
	/* RFC 2131 §4.4.6: unicast to the server, ciaddr set, server id included. */
	new_xid(c);
	begin(c, &b, RB_DHCPRELEASE, c->start_ns);
	rb_dhcp_set_ciaddr(&b, c->lease.addr);
	rb_dhcp_put_addr(&b, RB_DHO_SERVER_ID, c->lease.server);
	finish(c, &b, true);
	c->have_lease = false;
	enter(c, RB_DHCP_STOPPED);
	c->deadline_ns = 0;
}
