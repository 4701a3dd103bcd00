// SPDX-License-Identifier: GPL-2.0-or-later
/* Running the DHCP client on interfaces (see dhcp_run.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "dhcp_run.h"
#include "log.h"

#define NS_PER_MS 1000000ull
/* run_loop(): LLDP named a voice VLAN before the untagged lease. */
#define LLDP_VLAN_FIRST 2
/* Avaya guides: VLANTEST defaults to 60 s; 0 means wait without limit. */
#define VLANTEST_DEFAULT_S 60

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t seed(void)
{
	uint64_t s = 0;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != sizeof(s))
		s = mono_ns() ^ ((uint64_t)getpid() << 32);
	return s;
}

int rb_dhcp_link_open(struct rb_dhcp_run *r, struct rb_dhcp_link *l, const char *name)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->sock.pkt_fd = l->sock.udp_fd = -1;
	if (strlen(name) >= sizeof(l->name))
		return -ENAMETOOLONG;
	memcpy(l->name, name, strlen(name) + 1);
	err = rb_netcfg_link(&r->nc, name, &l->ifindex, l->mac, NULL);
	if (err)
		return err;
	if (r->configure) {
		err = rb_netcfg_link_up(&r->nc, l->ifindex);
		if (err)
			return err;
	}
	l->c = calloc(1, sizeof(*l->c));
	if (!l->c)
		return -ENOMEM;
	return rb_dhcp_sock_open(&l->sock, l->ifindex, l->mac);
}

void rb_dhcp_link_close(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	/* A link that was never opened (zeroed) owns no socket: fds exist only with c. */
	if (!l->c)
		return;
	rb_dhcp_sock_close(&l->sock);
	free(l->c);
	l->c = NULL;
}

static int lease_file(const struct rb_dhcp_run *r, const struct rb_dhcp_link *l, char *buf,
		      size_t len)
{
	return rb_dhcp_lease_path(buf, len, r->state_dir, l->name);
}

/* The parameters into the state directory: the store, and the env file. */
static int save_params(struct rb_dhcp_run *r)
{
	return rb_params_persist(r->params, r->state_dir, r->env_group);
}

/* The parameters of the current lease, into the store and the state directory. */
static int lease_params(struct rb_dhcp_run *r, const struct rb_dhcp_lease *lease)
{
	struct rb_dhcp_msg *m = malloc(sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	err = rb_dhcp_parse(m, lease->ack, lease->ack_len);
	if (!err)
		err = rb_dhcp_params(m, r->params);
	free(m);
	return err ? err : save_params(r);
}

static int configure(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	const struct rb_dhcp_lease *ls = &l->c->lease;
	int err;

	if (!r->configure)
		return 0;
	err = rb_netcfg_addr_add(&r->nc, l->ifindex, ls->addr, ls->prefix, ls->lease_s);
	if (err) {
		rb_err("dhcp: %s: cannot add address: %s", l->name, strerror(-err));
		return err;
	}
	l->configured = true;
	if (ls->mtu) {
		err = rb_netcfg_set_mtu(&r->nc, l->ifindex, ls->mtu);
		if (err)
			rb_warn("dhcp: %s: cannot set MTU %u: %s", l->name, ls->mtu,
				strerror(-err));
	}
	if (ls->nrouters) {
		err = rb_netcfg_route_add_default(&r->nc, l->ifindex, ls->routers[0]);
		if (err)
			rb_warn("dhcp: %s: cannot add default route: %s", l->name,
				strerror(-err));
	}
	return 0;
}

void rb_dhcp_deconfigure(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	const struct rb_dhcp_lease *ls = &l->c->lease;

	rb_dhcp_sock_unbind(&l->sock);
	if (!l->configured)
		return;
	if (ls->nrouters)
		rb_netcfg_route_del_default(&r->nc, l->ifindex, ls->routers[0]);
	rb_netcfg_addr_del(&r->nc, l->ifindex, ls->addr, ls->prefix);
	l->configured = false;
}

static int flush(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	struct rb_dhcp_client *c = l->c;
	struct in_addr src = { INADDR_ANY };
	int err;

	if (!c->tx_pending)
		return 0;
	c->tx_pending = false;
	if (c->tx_unicast && l->configured) {
		err = rb_dhcp_sock_unicast(&l->sock, l->name, c->lease.addr, c->lease.server,
					   c->tx, c->tx_len);
		if (!err)
			return 0;
		rb_debug("dhcp: unicast failed (%s), broadcasting", strerror(-err));
	}
	/* RFC 2131 §4.1: the source is 0.0.0.0 until the client has an address. */
	if (l->configured)
		src = c->lease.addr;
	err = rb_dhcp_sock_broadcast(&l->sock, src, c->tx, c->tx_len);
	if (err)
		rb_warn("dhcp: %s: send: %s", l->name, strerror(-err));
	return 0;	/* a lost send is retransmitted like a lost datagram */
}

static int save_lease(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	char path[4096];
	int err = lease_file(r, l, path, sizeof(path));

	if (!err)
		err = rb_dhcp_lease_save(&l->c->lease, path);
	if (!err)
		err = lease_params(r, &l->c->lease);
	if (err)
		rb_warn("dhcp: cannot store the lease: %s", strerror(-err));
	return 0;
}

/* Act on an event. Returns 1 when a new lease is in place, 0 to go on, -errno. */
static int handle(struct rb_dhcp_run *r, struct rb_dhcp_link *l, enum rb_dhcp_event ev)
{
	struct rb_dhcp_client *c = l->c;
	char a[INET_ADDRSTRLEN];
	int err;

	switch (ev) {
	case RB_DHCP_EV_BOUND:
		inet_ntop(AF_INET, &c->lease.addr, a, sizeof(a));
		if (r->arp_ms && r->configure) {
			err = rb_dhcp_arp_probe(l->ifindex, l->mac, c->lease.addr, r->arp_ms);
			if (err == 1) {
				rb_warn("dhcp: %s: %s is in use (ARP): declining", l->name, a);
				rb_dhcp_client_decline(c, mono_ns());
				return 0;
			}
			if (err < 0)
				rb_warn("dhcp: %s: ARP check: %s", l->name, strerror(-err));
		}
		err = configure(r, l);
		if (err)
			return err;
		rb_info("dhcp: %s: bound to %s/%u (lease %" PRIu32 " s%s)", l->name, a,
			c->lease.prefix, c->lease.lease_s,
			c->lease.rapid_commit ? ", rapid commit" : "");
		save_lease(r, l);
		return 1;
	case RB_DHCP_EV_RENEWED:
		rb_info("dhcp: %s: lease renewed", l->name);
		err = configure(r, l);
		if (!err)
			save_lease(r, l);
		return err;
	case RB_DHCP_EV_EXPIRED:
		rb_warn("dhcp: %s: lease lost; giving the address up", l->name);
		rb_dhcp_deconfigure(r, l);
		return 0;
	case RB_DHCP_EV_NAK:
		rb_info("dhcp: %s: NAK; restarting", l->name);
		return 0;
	case RB_DHCP_EV_TIMEOUT:
		return -ETIMEDOUT;
	default:
		return 0;
	}
}

static int wait_signal(struct rb_dhcp_run *r)
{
	struct signalfd_siginfo si;

	if (read(r->sigfd, &si, sizeof(si)) == sizeof(si))
		rb_info("dhcp: signal %u", si.ssi_signo);
	return -EINTR;
}

/* A decimal parameter in [lo, hi]; def when absent or invalid. */
static long param_num(const struct rb_params *p, const char *name, long lo, long hi, long def)
{
	const char *v = rb_params_get(p, name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	return errno || *end || n < lo || n > hi ? def : n;
}

/* The voice VLAN the parameters ask for (Avaya L2Q: 0 auto, 1 on, 2 off), 0: none. */
static long vlan_wanted(const struct rb_dhcp_run *r)
{
	long l2q = param_num(r->params, "L2Q", 0, 2, 0);
	long vid = param_num(r->params, "L2QVLAN", 0, 4094, 0);

	return !r->follow_vlan || l2q == 2 ? 0 : vid;
}

/*
 * Listening ended: the switch's voice policy becomes the lldp layer of the
 * parameters (a window without one clears it), stored at once.
 */
static void lldp_end(struct rb_dhcp_run *r)
{
	const struct rb_lldp_listen *ls = &r->lldp.ls;
	int err;

	if (r->lldp_done)
		return;
	r->lldp_done = true;
	err = rb_lldp_params(ls, r->params);
	if (err < 0)
		rb_warn("lldp: cannot store the voice policy: %s", strerror(-err));
	if (ls->have_voice)
		rb_info("lldp: voice policy from %s: VLAN %u %s, priority %u, DSCP %u",
			ls->chassis, ls->voice.vlan, ls->voice.tagged ? "tagged" : "untagged",
			ls->voice.priority, ls->voice.dscp);
	else if (ls->mode != RB_LLDP_OFF)
		rb_info("lldp: no voice policy (%s; %u LLDPDU(s), %u sent)",
			rb_lldp_end_name(ls->end), ls->frames, ls->sent);
	if (r->lldp_event)
		r->lldp_event(r->lldp_arg, ls);
	if (err > 0 && (err = save_params(r)))
		rb_warn("lldp: cannot store the parameters: %s", strerror(-err));
}

/* Before the first DHCP message on the untagged interface: LLDP_ENABLED, listen. */
static void lldp_begin(struct rb_dhcp_run *r, const struct rb_dhcp_link *l)
{
	long mode = r->lldp_mode >= 0 ? r->lldp_mode :
		    param_num(r->params, "LLDP_ENABLED", 0, 2, RB_LLDP_MODE_DEFAULT);

	r->lldp_started = true;
	/* What an earlier boot's switch said is not this one's word. */
	rb_params_clear_kind(r->params, RB_ORIGIN_LLDP);
	rb_lldp_run_start(&r->lldp, l->ifindex, l->mac, (enum rb_lldp_mode)mode,
			  r->lldp_wait_ms, mono_ns());
	if (rb_lldp_listen_open(&r->lldp.ls)) {
		if (r->lldp_event)
			r->lldp_event(r->lldp_arg, &r->lldp.ls);
	} else {
		lldp_end(r);
	}
}

/* The LLDP socket is readable or its deadline passed. Returns true when listening ended. */
static bool lldp_step(struct rb_dhcp_run *r, bool readable)
{
	uint64_t now = mono_ns();
	bool over = readable ? rb_lldp_run_input(&r->lldp, now) : false;

	over = rb_lldp_run_tick(&r->lldp, now) || over;
	if (over)
		lldp_end(r);
	return over;
}

/* After the untagged lease: the rest of the listening window, if it is still open. */
static int lldp_wait(struct rb_dhcp_run *r)
{
	while (!rb_lldp_run_lease(&r->lldp, mono_ns())) {
		struct pollfd pfd[2] = {
			{ .fd = rb_lldp_run_fd(&r->lldp), .events = POLLIN },
			{ .fd = r->sigfd, .events = POLLIN },
		};
		uint64_t now = mono_ns(), dl = rb_lldp_run_deadline(&r->lldp);
		int timeout;

		/* The boot's deadline ends the window too (what was heard stands). */
		if (r->deadline_ns && now >= r->deadline_ns) {
			rb_lldp_run_stop(&r->lldp, RB_LLDP_END_STOPPED, now);
			break;
		}
		if (r->deadline_ns && r->deadline_ns < dl)
			dl = r->deadline_ns;
		timeout = dl <= now ? 0 : (int)((dl - now + NS_PER_MS - 1) / NS_PER_MS);
		if (poll(pfd, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[1].revents & POLLIN) {
			rb_lldp_run_stop(&r->lldp, RB_LLDP_END_STOPPED, mono_ns());
			lldp_end(r);
			return wait_signal(r);
		}
		lldp_step(r, pfd[0].revents & POLLIN);
	}
	lldp_end(r);
	return 0;
}

/* Drain the packet socket into the state machine. */
static int receive(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	/* IP header with options + UDP + the largest message + 1 to see oversize. */
	static const size_t cap = 60 + 8 + RB_DHCP_MAX_LEN + 1;
	uint8_t *buf = malloc(cap);
	const uint8_t *p;
	size_t n;
	int rc = 0, got;

	if (!buf)
		return -ENOMEM;
	while (rc == 0 && (got = rb_dhcp_sock_recv(&l->sock, buf, cap, &p, &n)) != -EAGAIN) {
		if (got < 0) {
			rc = got;
			break;
		}
		if (got == 0) {
			l->c->ignored++;
			continue;
		}
		rc = handle(r, l, rb_dhcp_client_input(l->c, p, n, mono_ns()));
		if (rc == 0)
			rc = flush(r, l);
	}
	free(buf);
	return rc;
}

/*
 * The wait loop: until a lease is in place (keep false) or a signal (keep true).
 * One thread, one poll(): the DHCP exchange precedes the io_uring work of the
 * boot, and a handset keeping its lease needs nothing faster.
 */
static int run_loop(struct rb_dhcp_run *r, struct rb_dhcp_link *l, bool keep)
{
	for (;;) {
		/* poll() skips the entries whose fd is -1 (no signal fd, not listening). */
		struct pollfd pfd[3] = {
			{ .fd = l->sock.pkt_fd, .events = POLLIN },
			{ .fd = r->sigfd, .events = POLLIN },
			{ .fd = rb_lldp_run_fd(&r->lldp), .events = POLLIN },
		};
		uint64_t now = mono_ns(), dl = l->c->deadline_ns, ldl = rb_lldp_run_deadline(&r->lldp);
		int timeout = -1, rc;

		flush(r, l);
		if (ldl && (!dl || ldl < dl))
			dl = ldl;
		if (dl)
			timeout = dl <= now ? 0 : (int)((dl - now + NS_PER_MS - 1) / NS_PER_MS);
		if (poll(pfd, 3, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r->sigfd >= 0 && (pfd[1].revents & POLLIN))
			return wait_signal(r);
		/* A voice VLAN known before the lease: no untagged lease is taken at all. */
		if (((pfd[2].revents & POLLIN) || (ldl && mono_ns() >= ldl)) &&
		    lldp_step(r, pfd[2].revents & POLLIN) && r->configure && vlan_wanted(r)) {
			r->lldp_first = true;
			return LLDP_VLAN_FIRST;
		}
		if (pfd[0].revents & POLLIN) {
			rc = receive(r, l);
			if (rc < 0 || (rc == 1 && !keep))
				return rc < 0 ? rc : 0;
		}
		if (l->c->deadline_ns && mono_ns() >= l->c->deadline_ns) {
			rc = handle(r, l, rb_dhcp_client_tick(l->c, mono_ns()));
			if (rc == -ETIMEDOUT && keep) {
				/* A daemon does not give up: start a fresh acquisition. */
				struct rb_dhcp_config k = l->c->cfg;

				rb_dhcp_client_start(l->c, &k, NULL, mono_ns(), seed());
				continue;
			}
			if (rc < 0 || (rc == 1 && !keep))
				return rc < 0 ? rc : 0;
		}
	}
}

int rb_dhcp_acquire(struct rb_dhcp_run *r, struct rb_dhcp_link *l, uint32_t timeout_ms)
{
	struct rb_dhcp_config cfg = r->cfg;
	struct rb_dhcp_lease *prev = NULL;
	char path[4096];
	int err;

	memcpy(cfg.iface, l->name, sizeof(l->name));
	memcpy(cfg.mac, l->mac, 6);
	if (timeout_ms)
		cfg.timeout_ms = timeout_ms == UINT32_MAX ? 0 : timeout_ms;
	if (r->deadline_ns) {
		/* VLANTEST 0 ("no limit") and every other wait end with the boot */
		uint64_t now = mono_ns();
		uint64_t left = r->deadline_ns > now ? (r->deadline_ns - now) / NS_PER_MS + 1 : 1;

		if (!cfg.timeout_ms || cfg.timeout_ms > left)
			cfg.timeout_ms = left > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)left;
	}
	/* RFC 2131 §3.2: with a stored lease of this interface, INIT-REBOOT. */
	if (r->use_stored && !lease_file(r, l, path, sizeof(path))) {
		prev = malloc(sizeof(*prev));
		if (prev && rb_dhcp_lease_load(prev, path)) {
			free(prev);
			prev = NULL;
		}
	}
	if (!l->vlan && !r->lldp_started)
		lldp_begin(r, l);
	rb_dhcp_client_start(l->c, &cfg, prev, mono_ns(), seed());
	free(prev);
	err = run_loop(r, l, false);
	if (err == LLDP_VLAN_FIRST) {
		rb_info("dhcp: %s: the switch named voice VLAN %ld before a lease; going there",
			l->name, vlan_wanted(r));
		return 1;
	}
	if (err && r->lldp_started) {
		rb_lldp_run_stop(&r->lldp, RB_LLDP_END_STOPPED, mono_ns());
		lldp_end(r);
	}
	if (err == -ETIMEDOUT)
		rb_err("dhcp: %s: no lease within %u ms (%u NAK(s), %u datagram(s) ignored)",
		       l->name, cfg.timeout_ms, l->c->naks, l->c->ignored);
	if (!err && !r->bound_ns)
		r->bound_ns = mono_ns();
	if (!err && r->lldp_started)
		err = lldp_wait(r);
	return err;
}

int rb_dhcp_release(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	char path[4096];

	rb_dhcp_client_release(l->c);
	flush(r, l);
	rb_dhcp_deconfigure(r, l);
	if (!lease_file(r, l, path, sizeof(path)) && unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int rb_dhcp_keep(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	int err = run_loop(r, l, true);

	if (err != -EINTR)
		return err;
	/* Stopped: RFC 2131 §4.4.6, give the address back. */
	rb_info("dhcp: %s: releasing the lease", l->name);
	return rb_dhcp_release(r, l);
}

/* Stay on the untagged interface: with its lease, or (LLDP's VLAN came first) one now. */
static int stay_untagged(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	int err;

	if (!r->lldp_first || l->c->have_lease)
		return 0;
	err = rb_dhcp_acquire(r, l, 0);
	return err > 0 ? 0 : err;
}

int rb_dhcp_vlan(struct rb_dhcp_run *r, struct rb_dhcp_link *l, struct rb_dhcp_link *vl,
		 struct rb_dhcp_link **active)
{
	long vid = vlan_wanted(r);
	long vt = param_num(r->params, "VLANTEST", 0, 999, VLANTEST_DEFAULT_S);
	struct rb_param_view from;
	char name[IF_NAMESIZE + 8];
	bool created = true;
	int err;

	*active = l;
	if (vid == 0 || l->vlan)
		return stay_untagged(r, l);
	if (!r->configure) {
		rb_info("dhcp: voice VLAN %ld requested; --no-configure leaves it to the system",
			vid);
		return 0;
	}
	snprintf(name, sizeof(name), "%s.%ld", l->name, vid);
	if (strlen(name) >= IF_NAMESIZE)
		snprintf(name, sizeof(name), "vlan%ld", vid);
	r->vlan_tried = (uint16_t)vid;
	/* The VLAN lease replaces DHCP's layers: remember who named the VLAN. */
	r->vlan_origin = rb_params_lookup(r->params, "L2QVLAN", &from) ? from.origin.kind :
			 RB_ORIGIN_NONE;
	err = rb_netcfg_vlan_add(&r->nc, l->ifindex, (uint16_t)vid, name);
	if (err == -EEXIST) {
		created = false;
	} else if (err) {
		/* No 802.1Q here (module missing, no permission): stay untagged. */
		rb_warn("dhcp: cannot create VLAN %ld on %s: %s; staying untagged", vid,
			l->name, strerror(-err));
		r->vlan_fell_back = true;
		return stay_untagged(r, l);
	}
	rb_info("dhcp: voice VLAN %ld on %s: DHCP on %s (VLANTEST %ld s)", vid, l->name, name,
		vt);
	err = rb_dhcp_link_open(r, vl, name);
	vl->vlan = (uint16_t)vid;
	vl->created = created;
	if (!err)
		err = rb_dhcp_acquire(r, vl, vt ? (uint32_t)vt * 1000 : UINT32_MAX);
	if (!err) {
		/* Continue the boot on the voice VLAN; the untagged lease goes back. */
		rb_dhcp_release(r, l);
		*active = vl;
		return 0;
	}
	rb_dhcp_link_close(r, vl);
	if (created)
		rb_netcfg_link_del(&r->nc, name);
	if (err == -EINTR)
		return err;
	/* No lease on the VLAN within VLANTEST: back to the untagged interface. */
	rb_warn("dhcp: no lease on VLAN %ld within %ld s; staying on %s", vid, vt, l->name);
	r->vlan_fell_back = true;
	if (!l->c->have_lease)
		return stay_untagged(r, l);
	return lease_params(r, &l->c->lease);
}

void rb_dhcp_run_init(struct rb_dhcp_run *r, const char *state_dir)
{
	memset(r, 0, sizeof(*r));
	r->state_dir = state_dir;
	rb_dhcp_config_defaults(&r->cfg);
	memcpy(r->cfg.vendor_class, RB_DHCP_VENDOR_CLASS_DEFAULT,
	       sizeof(RB_DHCP_VENDOR_CLASS_DEFAULT));
	r->configure = true;
	r->follow_vlan = true;
	r->use_stored = true;
	r->arp_ms = RB_DHCP_ARP_MS_DEFAULT;
	r->sigfd = -1;
	r->env_group = RB_ENV_NO_GROUP;
	r->lldp_mode = -1;
	r->lldp_wait_ms = RB_LLDP_WAIT_MS_DEFAULT;
	r->lldp.fd = -1;
	r->t0_ns = mono_ns();
}
