// SPDX-License-Identifier: GPL-2.0-or-later
/* DHCPv4 message codec (see dhcp_pkt.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp_pkt.h"

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* One region that carries options: the options field, or file/sname when overloaded. */
struct area {
	const uint8_t *p;
	size_t n;
};

/*
 * Walk one area and add each option's length to total[]. RFC 2131 §4.1: every
 * area ends with End; an option whose length runs past the area, or an area
 * without End, makes the whole message malformed (a datagram cut in transit
 * would otherwise parse as a shorter, plausible one).
 */
static int area_scan(const struct area *a, unsigned int *total, bool *present)
{
	size_t i = 0;

	while (i < a->n) {
		uint8_t code = a->p[i];
		size_t l;

		if (code == RB_DHO_PAD) {
			i++;
			continue;
		}
		if (code == RB_DHO_END)
			return 0;
		if (i + 1 >= a->n)
			return -EBADMSG;
		l = a->p[i + 1];
		if (i + 2 + l > a->n)
			return -EBADMSG;
		total[code] += l;
		present[code] = true;
		i += 2 + l;
	}
	return -EBADMSG;
}

/* Second pass: append each instance's bytes to its option's slot (RFC 3396 §7). */
static void area_copy(const struct area *a, struct rb_dhcp_opts *o, unsigned int *fill)
{
	size_t i = 0;

	while (i < a->n) {
		uint8_t code = a->p[i];
		size_t l;

		if (code == RB_DHO_PAD) {
			i++;
			continue;
		}
		if (code == RB_DHO_END)
			return;
		l = a->p[i + 1];
		memcpy(o->data + o->off[code] + fill[code], a->p + i + 2, l);
		fill[code] += l;
		i += 2 + l;
	}
}

static void copy_field(char *dst, const uint8_t *src, size_t n)
{
	size_t l = strnlen((const char *)src, n);

	memcpy(dst, src, l);
	dst[l] = '\0';
}

/* Value of option 52 as found in the options field alone; 0 when absent or invalid. */
static uint8_t overload_of(const struct area *a)
{
	size_t i = 0;

	while (i < a->n && a->p[i] != RB_DHO_END) {
		if (a->p[i] == RB_DHO_PAD) {
			i++;
			continue;
		}
		if (a->p[i] == RB_DHO_OVERLOAD && a->p[i + 1] == 1 && a->p[i + 2] >= 1 &&
		    a->p[i + 2] <= 3)
			return a->p[i + 2];
		i += 2 + a->p[i + 1];
	}
	return 0;
}

int rb_dhcp_parse(struct rb_dhcp_msg *m, const uint8_t *buf, size_t len)
{
	unsigned int total[256] = { 0 }, fill[256] = { 0 }, used = 0;
	struct area areas[3];
	size_t nareas = 1;
	uint8_t overload;
	int err;

	memset(m, 0, sizeof(*m));
	if (len < RB_DHCP_MIN_LEN || len > RB_DHCP_MAX_LEN)
		return -EMSGSIZE;
	if (get_be32(buf + RB_DHCP_FIXED_LEN) != RB_DHCP_COOKIE)
		return -EPROTO;

	m->op = buf[0];
	m->htype = buf[1];
	m->hlen = buf[2];
	m->hops = buf[3];
	m->xid = get_be32(buf + 4);
	m->secs = (uint16_t)(buf[8] << 8 | buf[9]);
	m->flags = (uint16_t)(buf[10] << 8 | buf[11]);
	memcpy(&m->ciaddr, buf + 12, 4);
	memcpy(&m->yiaddr, buf + 16, 4);
	memcpy(&m->siaddr, buf + 20, 4);
	memcpy(&m->giaddr, buf + 24, 4);
	memcpy(m->chaddr, buf + 28, 16);

	areas[0] = (struct area){ buf + RB_DHCP_MIN_LEN, len - RB_DHCP_MIN_LEN };
	err = area_scan(&areas[0], total, m->opts.present);
	if (err)
		return err;
	/*
	 * RFC 2131 §4.1: overload is honoured only in the options field; an
	 * option 52 inside file or sname is an ordinary (ignored) option, so
	 * no chain of overloads can loop.
	 */
	overload = total[RB_DHO_OVERLOAD] == 1 ? overload_of(&areas[0]) : 0;
	if (overload & 1)
		areas[nareas++] = (struct area){ buf + RB_DHCP_FILE_OFF, RB_DHCP_FILE_LEN };
	else
		copy_field(m->file, buf + RB_DHCP_FILE_OFF, RB_DHCP_FILE_LEN);
	if (overload & 2)
		areas[nareas++] = (struct area){ buf + RB_DHCP_SNAME_OFF, RB_DHCP_SNAME_LEN };
	else
		copy_field(m->sname, buf + RB_DHCP_SNAME_OFF, RB_DHCP_SNAME_LEN);
	for (size_t i = 1; i < nareas; i++) {
		err = area_scan(&areas[i], total, m->opts.present);
		if (err)
			return err;
	}

	/* Lay the concatenated values out one after another. */
	for (int c = 1; c < 255; c++) {
		m->opts.off[c] = (uint16_t)used;
		m->opts.len[c] = (uint16_t)total[c];
		used += total[c];
	}
	/* Cannot overflow: values are strictly smaller than the areas holding them. */
	for (size_t i = 0; i < nareas; i++)
		area_copy(&areas[i], &m->opts, fill);

	if (!rb_dhcp_opt_u8(m, RB_DHO_MSGTYPE, &m->type) || m->type < RB_DHCPDISCOVER ||
	    m->type > RB_DHCPINFORM)
		m->type = 0;
	return 0;
}

const uint8_t *rb_dhcp_opt(const struct rb_dhcp_msg *m, uint8_t code, size_t *len)
{
	if (code == RB_DHO_PAD || code == RB_DHO_END || !m->opts.present[code])
		return NULL;
	*len = m->opts.len[code];
	return m->opts.data + m->opts.off[code];
}

bool rb_dhcp_opt_u8(const struct rb_dhcp_msg *m, uint8_t code, uint8_t *v)
{
	size_t l;
	const uint8_t *p = rb_dhcp_opt(m, code, &l);

	if (!p || l != 1)
		return false;
	*v = p[0];
	return true;
}

bool rb_dhcp_opt_u16(const struct rb_dhcp_msg *m, uint8_t code, uint16_t *v)
{
	size_t l;
	const uint8_t *p = rb_dhcp_opt(m, code, &l);

	if (!p || l != 2)
		return false;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return true;
}

bool rb_dhcp_opt_u32(const struct rb_dhcp_msg *m, uint8_t code, uint32_t *v)
{
	size_t l;
	const uint8_t *p = rb_dhcp_opt(m, code, &l);

	if (!p || l != 4)
		return false;
	*v = get_be32(p);
	return true;
}

bool rb_dhcp_opt_addr(const struct rb_dhcp_msg *m, uint8_t code, struct in_addr *a)
{
	size_t l;
	const uint8_t *p = rb_dhcp_opt(m, code, &l);

	if (!p || l != 4)
		return false;
	memcpy(a, p, 4);
	return true;
}

size_t rb_dhcp_opt_addrs(const struct rb_dhcp_msg *m, uint8_t code, struct in_addr *a,
			 size_t max)
{
	size_t l, n;
	const uint8_t *p = rb_dhcp_opt(m, code, &l);

	/* RFC 2132 §3.5: a list of one or more addresses, length a multiple of 4. */
	if (!p || l == 0 || l % 4)
		return 0;
	n = l / 4 < max ? l / 4 : max;
	for (size_t i = 0; i < n; i++)
		memcpy(&a[i], p + 4 * i, 4);
	return n;
}

void rb_dhcp_build_begin(struct rb_dhcp_builder *b, uint8_t *buf, size_t cap, uint8_t op,
			 uint32_t xid, const uint8_t *mac, size_t mac_len)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->err = 0;
	if (cap < RB_DHCP_MIN_LEN || mac_len > 16) {
		b->err = -EMSGSIZE;
		return;
	}
	memset(buf, 0, RB_DHCP_MIN_LEN);
	buf[0] = op;
	buf[1] = 1;	/* htype Ethernet (RFC 1700) */
	buf[2] = (uint8_t)mac_len;
	put_be32(buf + 4, xid);
	memcpy(buf + 28, mac, mac_len);
	put_be32(buf + RB_DHCP_FIXED_LEN, RB_DHCP_COOKIE);
	b->len = RB_DHCP_MIN_LEN;
}

void rb_dhcp_put(struct rb_dhcp_builder *b, uint8_t code, const void *val, size_t len)
{
	const uint8_t *v = val;

	if (b->err)
		return;
	if (code == RB_DHO_PAD || code == RB_DHO_END) {
		b->err = -EINVAL;
		return;
	}
	/* RFC 3396 §5: a value over 255 bytes goes out as consecutive instances. */
	do {
		size_t chunk = len > 255 ? 255 : len;

		/* Keep room for the End option. */
		if (b->len + 2 + chunk + 1 > b->cap) {
			b->err = -EMSGSIZE;
			return;
		}
		b->buf[b->len++] = code;
		b->buf[b->len++] = (uint8_t)chunk;
		if (chunk)
			memcpy(b->buf + b->len, v, chunk);
		b->len += chunk;
		v += chunk;
		len -= chunk;
	} while (len);
}

void rb_dhcp_put_u8(struct rb_dhcp_builder *b, uint8_t code, uint8_t v)
{
	rb_dhcp_put(b, code, &v, 1);
}

void rb_dhcp_put_u16(struct rb_dhcp_builder *b, uint8_t code, uint16_t v)
{
	uint8_t p[2] = { v >> 8, v & 0xff };

	rb_dhcp_put(b, code, p, 2);
}

void rb_dhcp_put_addr(struct rb_dhcp_builder *b, uint8_t code, struct in_addr a)
{
	rb_dhcp_put(b, code, &a, 4);
}

void rb_dhcp_set_ciaddr(struct rb_dhcp_builder *b, struct in_addr a)
{
	if (!b->err)
		memcpy(b->buf + 12, &a, 4);
}

void rb_dhcp_set_flags(struct rb_dhcp_builder *b, uint16_t flags)
{
	if (!b->err) {
		b->buf[10] = flags >> 8;
		b->buf[11] = flags & 0xff;
	}
}

void rb_dhcp_set_secs(struct rb_dhcp_builder *b, uint16_t secs)
{
	if (!b->err) {
		b->buf[8] = secs >> 8;
		b->buf[9] = secs & 0xff;
	}
}

int rb_dhcp_build_end(struct rb_dhcp_builder *b)
{
	if (b->err)
		return b->err;
	if (b->len + 1 > b->cap)
		return -EMSGSIZE;
	b->buf[b->len++] = RB_DHO_END;
	/* RFC 1542 §3.1.1: BOOTP relays may drop messages under 300 bytes. */
	if (b->len < 300 && b->cap >= 300) {
		memset(b->buf + b->len, 0, 300 - b->len);
		b->len = 300;
	}
	return (int)b->len;
}

const char *rb_dhcp_type_name(uint8_t type)
{
	static const char *const names[] = {
		"none", "DISCOVER", "OFFER", "REQUEST", "DECLINE",
		"ACK", "NAK", "RELEASE", "INFORM",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}
