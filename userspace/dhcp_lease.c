// SPDX-License-Identifier: GPL-2.0-or-later
/* DHCPv4 lease: from an ACK, to parameters, to and from the state directory. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "dhcp_lease.h"
#include "sson.h"

#define LEASE_FILE_MAX (2 * RB_DHCP_MAX_LEN + 1024)

static unsigned int mask_prefix(struct in_addr m)
{
	uint32_t v = ntohl(m.s_addr);
	unsigned int n = 0;

	while (n < 32 && (v & (1u << (31 - n))))
		n++;
	return n;
}

/* RFC 2131 §4.4.5 defaults: T1 = 0.5 lease, T2 = 0.875 lease. */
static void lease_times(struct rb_dhcp_lease *l, const struct rb_dhcp_msg *m)
{
	uint32_t t1 = 0, t2 = 0;
	bool h1 = rb_dhcp_opt_u32(m, RB_DHO_T1, &t1);
	bool h2 = rb_dhcp_opt_u32(m, RB_DHO_T2, &t2);

	if (l->lease_s == UINT32_MAX) {	/* infinite (RFC 2132 §9.2) */
		l->t1_s = l->t2_s = UINT32_MAX;
		return;
	}
	if (!h2 || t2 >= l->lease_s)
		t2 = (uint32_t)((uint64_t)l->lease_s * 7 / 8);
	if (!h1 || t1 >= t2)
		t1 = l->lease_s / 2 < t2 ? l->lease_s / 2 : t2;
	l->t1_s = t1;
	l->t2_s = t2;
}

int rb_dhcp_lease_from_msg(struct rb_dhcp_lease *l, const struct rb_dhcp_msg *m,
			   const uint8_t *buf, size_t len)
{
	uint32_t a;
	uint16_t mtu;

	if (len > sizeof(l->ack) || m->yiaddr.s_addr == INADDR_ANY ||
	    m->yiaddr.s_addr == INADDR_BROADCAST)
		return -EINVAL;
	if (!rb_dhcp_opt_u32(m, RB_DHO_LEASE, &l->lease_s) || l->lease_s == 0)
		return -EINVAL;
	if (!rb_dhcp_opt_addr(m, RB_DHO_SERVER_ID, &l->server) ||
	    l->server.s_addr == INADDR_ANY)
		return -EINVAL;
	l->addr = m->yiaddr;
	l->siaddr = m->siaddr;
	if (!rb_dhcp_opt_addr(m, RB_DHO_SUBNET, &l->mask) ||
	    mask_prefix(l->mask) == 0 ||
	    ntohl(l->mask.s_addr) != (uint32_t)(~0ull << (32 - mask_prefix(l->mask)))) {
		/* No usable option 1: the classful mask (RFC 2131 §4.3.1 leaves it to us). */
		a = ntohl(m->yiaddr.s_addr) >> 24;
		l->mask.s_addr = htonl(a < 128 ? 0xff000000 : a < 192 ? 0xffff0000 : 0xffffff00);
	}
	l->prefix = mask_prefix(l->mask);
	l->nrouters = rb_dhcp_opt_addrs(m, RB_DHO_ROUTER, l->routers, RB_DHCP_MAX_ADDRS);
	l->ndns = rb_dhcp_opt_addrs(m, RB_DHO_DNS, l->dns, RB_DHCP_MAX_ADDRS);
	/* RFC 2132 §5.1: the MTU is at least 68. */
	l->mtu = rb_dhcp_opt_u16(m, RB_DHO_MTU, &mtu) && mtu >= 68 ? mtu : 0;
	lease_times(l, m);
	memcpy(l->ack, buf, len);
	l->ack_len = len;
	return 0;
}

/* "a.b.c.d,e.f.g.h" */
static void addr_list(char *out, size_t cap, const struct in_addr *a, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used + INET_ADDRSTRLEN + 1 < cap; i++) {
		if (i)
			out[used++] = ',';
		inet_ntop(AF_INET, &a[i], out + used, (socklen_t)(cap - used));
		used += strlen(out + used);
	}
}

static int set_str(struct rb_params *p, const char *name, const char *v, enum rb_origin_kind k)
{
	int err = rb_params_set_str(p, name, v, k);

	return err < 0 ? err : 0;
}

/* An option holding text: cut at the first NUL (servers often terminate with one). */
static int set_text(struct rb_params *p, const char *name, const struct rb_dhcp_msg *m,
		    uint8_t code)
{
	struct rb_origin o = { .kind = RB_ORIGIN_DHCP };
	size_t l;
	const uint8_t *v = rb_dhcp_opt(m, code, &l);
	int err;

	if (!v)
		return 0;
	l = strnlen((const char *)v, l);
	if (!l)
		return 0;
	err = rb_params_set(p, name, strlen(name), (const char *)v, l, &o);
	return err < 0 ? err : 0;
}

static int set_addrs(struct rb_params *p, const char *name, const struct rb_dhcp_msg *m,
		     uint8_t code)
{
	struct in_addr a[RB_DHCP_MAX_ADDRS];
	char buf[RB_DHCP_MAX_ADDRS * (INET_ADDRSTRLEN + 1)];
	size_t n = rb_dhcp_opt_addrs(m, code, a, RB_DHCP_MAX_ADDRS);

	if (!n)
		return 0;
	addr_list(buf, sizeof(buf), a, n);
	return set_str(p, name, buf, RB_ORIGIN_DHCP);
}

/* PROVISIONING.md "DHCP": the standard options and fields. */
static int standard_params(const struct rb_dhcp_msg *m, struct rb_params *p)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a;
	uint16_t mtu;
	int err = 0;

	if (m->yiaddr.s_addr != INADDR_ANY) {
		inet_ntop(AF_INET, &m->yiaddr, buf, sizeof(buf));
		err = set_str(p, "IPADD", buf, RB_ORIGIN_DHCP);
	}
	if (!err && rb_dhcp_opt_addr(m, RB_DHO_SUBNET, &a)) {
		inet_ntop(AF_INET, &a, buf, sizeof(buf));
		err = set_str(p, "NETMASK", buf, RB_ORIGIN_DHCP);
	}
	if (!err)
		err = set_addrs(p, "GIPADD", m, RB_DHO_ROUTER);
	if (!err)
		err = set_addrs(p, "DNSSRVR", m, RB_DHO_DNS);
	if (!err)
		err = set_addrs(p, "LOGSRVR", m, RB_DHO_LOG);
	if (!err)
		err = set_addrs(p, "SNTPSRVR", m, RB_DHO_NTP);
	if (!err)
		err = set_text(p, "DOMAIN", m, RB_DHO_DOMAIN);
	if (!err)
		err = set_text(p, "TFTPSRVR", m, RB_DHO_TFTP_NAME);
	if (!err && rb_dhcp_opt_u16(m, RB_DHO_MTU, &mtu)) {
		snprintf(buf, sizeof(buf), "%u", mtu);
		err = set_str(p, "MTU_SIZE", buf, RB_ORIGIN_DHCP);
	}
	/* siaddr names the next server: a file server when nothing better is given. */
	if (!err && m->siaddr.s_addr != INADDR_ANY && m->siaddr.s_addr != INADDR_BROADCAST) {
		inet_ntop(AF_INET, &m->siaddr, buf, sizeof(buf));
		err = set_str(p, "HTTPSRVR", buf, RB_ORIGIN_DHCP);
		if (!err)
			err = set_str(p, "TLSSRVR", buf, RB_ORIGIN_DHCP);
	}
	return err;
}

int rb_dhcp_opt43_decode(const uint8_t *v, size_t len,
			 int (*fn)(void *arg, const char *name, const uint8_t *val,
				   size_t vlen),
			 void *arg)
{
	size_t i = 0;
	int n = 0, err;

	/* Validate the whole TLV chain first, so fn sees all or nothing. */
	while (i < len && v[i] != RB_DHO_END) {
		if (v[i] == RB_DHO_PAD) {
			i++;
			continue;
		}
		if (i + 1 >= len || i + 2 + v[i + 1] > len)
			return -EBADMSG;
		i += 2 + v[i + 1];
	}
	/* Sub-option 1 first, equal to Avaya's enterprise number. */
	if (len < 2 || v[0] != 1 || v[1] != strlen(RB_OPT43_AVAYA_ID) ||
	    memcmp(v + 2, RB_OPT43_AVAYA_ID, v[1]))
		return 0;
	for (i = 0; i < len && v[i] != RB_DHO_END;) {
		const char *name;

		if (v[i] == RB_DHO_PAD) {
			i++;
			continue;
		}
		name = rb_opt43_name(v[i]);
		if (name) {
			err = fn(arg, name, v + i + 2, v[i + 1]);
			if (err < 0)
				return err;
			n++;
		}
		i += 2 + v[i + 1];
	}
	return n;
}

static int opt43_set(void *arg, const char *name, const uint8_t *val, size_t vlen)
{
	struct rb_origin o = { .kind = RB_ORIGIN_OPT43 };
	int err;

	vlen = strnlen((const char *)val, vlen);
	err = rb_params_set(arg, name, strlen(name), (const char *)val, vlen, &o);
	return err < 0 ? err : 0;
}

static int site_params(const struct rb_dhcp_msg *m, struct rb_params *p, uint8_t code,
		       enum rb_origin_kind kind)
{
	struct rb_sson s = { 0 };
	size_t l;
	const uint8_t *v = rb_dhcp_opt(m, code, &l);
	int err;

	if (!v)
		return 0;
	err = rb_sson_parse((const char *)v, l, &s);
	if (!err) {
		err = rb_sson_apply(&s, p, kind);
		err = err < 0 ? err : 0;
	}
	rb_sson_free(&s);
	return err;
}

int rb_dhcp_params(const struct rb_dhcp_msg *m, struct rb_params *p)
{
	size_t l;
	const uint8_t *v;
	int err;

	rb_params_clear_kind(p, RB_ORIGIN_DHCP);
	rb_params_clear_kind(p, RB_ORIGIN_OPT43);
	rb_params_clear_kind(p, RB_ORIGIN_OPT176);
	rb_params_clear_kind(p, RB_ORIGIN_OPT242);
	err = standard_params(m, p);
	if (err)
		return err;
	v = rb_dhcp_opt(m, RB_DHO_VENDOR, &l);
	if (v) {
		err = rb_dhcp_opt43_decode(v, l, opt43_set, p);
		if (err < 0 && err != -EBADMSG)
			return err;
	}
	/* The site-specific option last: it wins (PROVISIONING.md "Precedence"). */
	err = site_params(m, p, RB_DHO_AVAYA_176, RB_ORIGIN_OPT176);
	if (!err)
		err = site_params(m, p, RB_DHO_AVAYA_242, RB_ORIGIN_OPT242);
	return err;
}

int rb_dhcp_lease_path(char *buf, size_t len, const char *state_dir, const char *iface)
{
	int n = snprintf(buf, len, "%s/dhcp-%s.lease", state_dir, iface);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int rb_dhcp_lease_save(const struct rb_dhcp_lease *l, const char *path)
{
	char *buf = malloc(LEASE_FILE_MAX);
	int n, err;

	if (!buf)
		return -ENOMEM;
	n = snprintf(buf, LEASE_FILE_MAX,
		     "# ringboot DHCP lease: the ACK as received (hex); see docs/state.md\n"
		     "version=1\niface=%s\nacquired=%" PRId64 "\nrapid_commit=%d\nack=",
		     l->iface, (int64_t)l->acquired, l->rapid_commit);
	for (size_t i = 0; i < l->ack_len && n > 0 && (size_t)n + 3 < LEASE_FILE_MAX; i++)
		n += snprintf(buf + n, LEASE_FILE_MAX - (size_t)n, "%02x", l->ack[i]);
	if (n > 0 && (size_t)n + 2 < LEASE_FILE_MAX) {
		buf[n++] = '\n';
		err = rb_atomic_write(path, buf, (size_t)n, 0600);
	} else {
		err = -EOVERFLOW;
	}
	free(buf);
	return err;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One "key=value" line; returns the value or NULL. */
static const char *field(const char *text, const char *key, size_t *vlen)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			const char *v = p + kl + 1;

			*vlen = strcspn(v, "\n");
			return v;
		}
	}
	return NULL;
}

int rb_dhcp_lease_load(struct rb_dhcp_lease *l, const char *path)
{
	struct rb_dhcp_msg *m = NULL;
	const char *v;
	char *text = NULL, *end;
	size_t len, vl;
	int err;

	err = rb_read_file(path, LEASE_FILE_MAX, &text, &len);
	if (err)
		return err;
	memset(l, 0, sizeof(*l));
	err = -EBADMSG;
	v = field(text, "version", &vl);
	if (!v || vl != 1 || *v != '1')
		goto out;
	v = field(text, "iface", &vl);
	if (!v || vl == 0 || vl >= sizeof(l->iface))
		goto out;
	memcpy(l->iface, v, vl);
	v = field(text, "acquired", &vl);
	if (!v)
		goto out;
	errno = 0;
	l->acquired = (time_t)strtoll(v, &end, 10);
	if (errno || end != v + vl)
		goto out;
	v = field(text, "rapid_commit", &vl);
	l->rapid_commit = v && vl == 1 && *v == '1';
	v = field(text, "ack", &vl);
	if (!v || vl % 2 || vl / 2 > sizeof(l->ack))
		goto out;
	for (size_t i = 0; i < vl / 2; i++) {
		int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto out;
		l->ack[i] = (uint8_t)(hi << 4 | lo);
	}
	m = malloc(sizeof(*m));
	if (!m) {
		err = -ENOMEM;
		goto out;
	}
	{
		uint8_t copy[RB_DHCP_MAX_LEN];
		time_t acquired = l->acquired;
		bool rc = l->rapid_commit;
		char iface[IF_NAMESIZE];

		memcpy(copy, l->ack, vl / 2);
		memcpy(iface, l->iface, sizeof(iface));
		if (rb_dhcp_parse(m, copy, vl / 2) || m->type != RB_DHCPACK ||
		    rb_dhcp_lease_from_msg(l, m, copy, vl / 2))
			goto out;
		l->acquired = acquired;
		l->rapid_commit = rc;
		memcpy(l->iface, iface, sizeof(iface));
	}
	err = 0;
out:
	free(m);
	free(text);
	return err;
}

static void json_addrs(struct rb_json *j, const char *key, const struct in_addr *a, size_t n)
{
	char buf[INET_ADDRSTRLEN];

	rb_json_key(j, key);
	rb_json_arr_begin(j);
	for (size_t i = 0; i < n; i++)
		rb_json_str(j, inet_ntop(AF_INET, &a[i], buf, sizeof(buf)));
	rb_json_arr_end(j);
}

static void json_addr(struct rb_json *j, const char *key, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN];

	rb_json_key(j, key);
	rb_json_str(j, inet_ntop(AF_INET, &a, buf, sizeof(buf)));
}

void rb_dhcp_lease_json(const struct rb_dhcp_lease *l, struct rb_json *j)
{
	rb_json_obj_begin(j);
	rb_json_key(j, "iface");
	rb_json_str(j, l->iface);
	json_addr(j, "address", l->addr);
	rb_json_key(j, "prefix");
	rb_json_uint(j, l->prefix);
	json_addr(j, "netmask", l->mask);
	json_addrs(j, "routers", l->routers, l->nrouters);
	json_addrs(j, "dns", l->dns, l->ndns);
	json_addr(j, "server", l->server);
	json_addr(j, "siaddr", l->siaddr);
	rb_json_key(j, "lease_time");
	rb_json_uint(j, l->lease_s);
	rb_json_key(j, "renew_time");
	rb_json_uint(j, l->t1_s);
	rb_json_key(j, "rebind_time");
	rb_json_uint(j, l->t2_s);
	rb_json_key(j, "mtu");
	if (l->mtu)
		rb_json_uint(j, l->mtu);
	else
		rb_json_null(j);
	rb_json_key(j, "rapid_commit");
	rb_json_bool(j, l->rapid_commit);
	rb_json_key(j, "acquired");
	rb_json_int(j, (int64_t)l->acquired);
	rb_json_obj_end(j);
}
