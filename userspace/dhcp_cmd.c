// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verb `ringboot dhcp`: run the DHCP exchange once (or keep the lease with
 * --daemon), configure the interface, print the lease and the parameters it
 * yields. docs/cli.md "dhcp".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "config.h"
#include "dhcp_run.h"
#include "json.h"
#include "log.h"
#include "numparse.h"
#include "param_rules.h"
#include "resolve.h"
#include "ringboot.h"
#include "sson.h"
#include "verbs_decl.h"


static const char usage_text[] =
	"Usage: ringboot dhcp [--iface IF] [--no-configure] [--daemon] [--json] [options]\n"
	"       ringboot dhcp --release [--iface IF]\n"
	"       ringboot dhcp --sson STRING\n"
	"Acquire a DHCPv4 lease, configure the interface, print the lease and the\n"
	"parameters it yields; --daemon then keeps it (renew, rebind, release on stop).\n"
	"  --iface IF            interface (default: INTERFACE of the configuration, eth0)\n"
	"  --no-configure        leave the interface alone (no address, route, MTU, VLAN)\n"
	"  --daemon              keep the lease until SIGTERM, then release it\n"
	"  --release             release the stored lease of IF and remove its address\n"
	"  --sson STRING         no exchange: take STRING as the site-specific option 242\n"
	"  --no-init-reboot      ignore the stored lease (start with DISCOVER)\n"
	"  --no-rapid-commit     do not offer Rapid Commit (RFC 4039)\n"
	"  --no-vlan             do not act on L2Q/L2QVLAN (voice VLAN)\n"
	"  --lldp 0|1|2          LLDP-MED voice policy: 0 off, 1 on, 2 auto (LLDP_ENABLED,\n"
	"                        default 2: listen, answer once the switch is heard)\n"
	"  --lldp-wait MS        listen for LLDP at most MS ms (LLDP_WAIT_MS, default 3000)\n"
	"  --vendor-class STR    option 60 (default " RB_DHCP_VENDOR_CLASS_DEFAULT ")\n"
	"  --hostname NAME       option 12 (default: none)\n"
	"  --first-interval MS   first retransmission interval (default 500)\n"
	"  --timeout S           give up acquiring after S seconds (default 30)\n"
	"  --arp-wait MS         ARP check of the offered address (default 100, 0: off)\n"
	"  --no-resolve          do not look up server names (HTTPSRVR, TLSSRVR, TFTPSRVR)\n";

enum {
	OPT_IFACE = 0x100, OPT_NO_CONFIGURE, OPT_DAEMON, OPT_RELEASE, OPT_SSON,
	OPT_NO_REBOOT, OPT_NO_RAPID, OPT_NO_VLAN, OPT_VENDOR, OPT_HOSTNAME, OPT_FIRST,
	OPT_TIMEOUT, OPT_ARP, OPT_NO_RESOLVE, OPT_LLDP, OPT_LLDP_WAIT,
};

#define MAX_NAMES 16
#define RESOLVE_TIMEOUT_MS 1000

/* A server name from the parameters and what the lease's DNS made of it. */
struct name_res {
	char name[256];
	int status;
	struct rb_resolve_result res;
};

struct names {
	size_t n;
	struct name_res e[MAX_NAMES];
};

struct dhcp_args {
	const char *iface;
	const char *sson;
	bool daemon, release, no_resolve;
	bool lldp_wait_given;
};

static int num_arg(const char *s, long lo, long hi, long *out)
{
	if (rb_parse_long(s, lo, hi, out)) {
		rb_err("dhcp: bad number '%s' (expected %ld..%ld)", s, lo, hi);
		return -EINVAL;
	}
	return 0;
}

static int copy_str(char *dst, size_t cap, const char *s, const char *what)
{
	size_t n = strlen(s);

	if (n >= cap) {
		rb_err("dhcp: %s too long (at most %zu bytes)", what, cap - 1);
		return -EINVAL;
	}
	memcpy(dst, s, n + 1);
	return 0;
}

static int parse_args(struct rb_ctx *ctx, int argc, char **argv, struct dhcp_args *a,
		      struct rb_dhcp_run *r)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, OPT_IFACE },
		{ "no-configure", no_argument, NULL, OPT_NO_CONFIGURE },
		{ "daemon", no_argument, NULL, OPT_DAEMON },
		{ "release", no_argument, NULL, OPT_RELEASE },
		{ "sson", required_argument, NULL, OPT_SSON },
		{ "no-init-reboot", no_argument, NULL, OPT_NO_REBOOT },
		{ "no-rapid-commit", no_argument, NULL, OPT_NO_RAPID },
		{ "no-vlan", no_argument, NULL, OPT_NO_VLAN },
		{ "vendor-class", required_argument, NULL, OPT_VENDOR },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "first-interval", required_argument, NULL, OPT_FIRST },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "arp-wait", required_argument, NULL, OPT_ARP },
		{ "no-resolve", no_argument, NULL, OPT_NO_RESOLVE },
		{ "lldp", required_argument, NULL, OPT_LLDP },
		{ "lldp-wait", required_argument, NULL, OPT_LLDP_WAIT },
		{ "help", no_argument, NULL, 'h' },
		RB_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	long n;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (rb_common_opt(ctx, c, optarg))
			continue;
		switch (c) {
		case OPT_IFACE: a->iface = optarg; break;
		case OPT_NO_CONFIGURE: r->configure = false; break;
		case OPT_DAEMON: a->daemon = true; break;
		case OPT_RELEASE: a->release = true; break;
		case OPT_SSON: a->sson = optarg; break;
		case OPT_NO_REBOOT: r->use_stored = false; break;
		case OPT_NO_RAPID: r->cfg.rapid_commit = false; break;
		case OPT_NO_VLAN: r->follow_vlan = false; break;
		case OPT_NO_RESOLVE: a->no_resolve = true; break;
		case OPT_VENDOR:
			if (copy_str(r->cfg.vendor_class, sizeof(r->cfg.vendor_class), optarg,
				     "vendor class"))
				return -EINVAL;
			break;
		case OPT_HOSTNAME:
			if (copy_str(r->cfg.hostname, sizeof(r->cfg.hostname), optarg, "host name"))
				return -EINVAL;
			break;
		case OPT_FIRST:
			if (num_arg(optarg, 1, 64000, &n))
				return -EINVAL;
			r->cfg.first_ms = (uint32_t)n;
			break;
		case OPT_TIMEOUT:
			if (num_arg(optarg, 0, 86400, &n))
				return -EINVAL;
			r->cfg.timeout_ms = (uint32_t)n * 1000;
			break;
		case OPT_ARP:
			if (num_arg(optarg, 0, 10000, &n))
				return -EINVAL;
			r->arp_ms = (unsigned int)n;
			break;
		case OPT_LLDP:
			if (num_arg(optarg, RB_LLDP_OFF, RB_LLDP_AUTO, &n))
				return -EINVAL;
			r->lldp_mode = (int)n;
			break;
		case OPT_LLDP_WAIT:
			if (num_arg(optarg, 0, RB_LLDP_WAIT_MS_MAX, &n))
				return -EINVAL;
			r->lldp_wait_ms = (uint32_t)n;
			a->lldp_wait_given = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 1;
		default:
			fputs(usage_text, stderr);
			return -EINVAL;
		}
	}
	if (optind != argc || (a->daemon && a->release) || (a->sson && (a->daemon || a->release))) {
		fputs(usage_text, stderr);
		return -EINVAL;
	}
	/* Renewal is unicast from the leased address (RFC 2131 §4.4.5): it must be ours. */
	if (a->daemon && !r->configure) {
		rb_err("dhcp: --daemon keeps a lease it configured; it excludes --no-configure");
		return -EINVAL;
	}
	return 0;
}

/*
 * The parameters, passwords shown as "(hidden)": run as a service (`--daemon`)
 * this goes to the journal, which more people read than params.env.
 */
static void print_params(const struct rb_params *p, struct rb_json *j)
{
	struct rb_param_view v;

	if (j)
		rb_json_obj_begin(j);
	for (size_t i = 0; rb_params_at(p, i, &v); i++) {
		if (rb_param_is_secret(v.name)) {
			v.value = RB_PARAM_HIDDEN;
			v.value_len = strlen(RB_PARAM_HIDDEN);
		}
		if (j) {
			rb_json_key(j, v.name);
			rb_json_strn(j, v.value, v.value_len);
		} else {
			printf("  %s=%.*s (%s)\n", v.name, (int)v.value_len, v.value,
			       rb_origin_name(v.origin.kind));
		}
	}
	if (j)
		rb_json_obj_end(j);
}

static bool is_literal(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* Collect the names (not address literals) of the server lists, once each. */
static void collect_names(const struct rb_params *p, struct names *ns)
{
	static const char *const keys[] = { "TLSSRVR", "HTTPSRVR", "TFTPSRVR" };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *v = rb_params_get(p, keys[k]);

		while (v && *v && ns->n < MAX_NAMES) {
			size_t len = strcspn(v, ",");
			const char *b = v, *e = v + len;
			struct name_res *x = &ns->e[ns->n];
			bool dup = false;

			while (b < e && (*b == ' ' || *b == '\t'))
				b++;
			while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			v += len + (v[len] == ',');
			if (b == e || (size_t)(e - b) >= sizeof(x->name))
				continue;
			memcpy(x->name, b, (size_t)(e - b));
			x->name[e - b] = '\0';
			for (size_t i = 0; i < ns->n; i++)
				dup |= !strcmp(ns->e[i].name, x->name);
			if (!dup && !is_literal(x->name))
				ns->n++;
		}
	}
}

static void name_done(void *arg, int status, const struct rb_resolve_result *res)
{
	struct name_res *x = arg;

	x->status = status;
	x->res = *res;
}

/* Resolve every name at once through the lease's DNS servers (resolve.h). */
static void resolve_names(const struct rb_params *p, struct names *ns)
{
	struct rb_resolver *rv;
	int err;

	collect_names(p, ns);
	if (!ns->n)
		return;
	err = rb_resolver_from_params(&rv, p, RESOLVE_TIMEOUT_MS);
	if (err) {
		rb_warn("dhcp: cannot resolve server names: %s", err == -ENOENT ?
			"the lease gave no DNS server" : strerror(-err));
		for (size_t i = 0; i < ns->n; i++)
			ns->e[i].status = err;
		return;
	}
	for (size_t i = 0; i < ns->n; i++) {
		ns->e[i].status = -EINPROGRESS;
		if (rb_resolve_start(rv, ns->e[i].name, AF_UNSPEC, name_done, &ns->e[i]))
			ns->e[i].status = -EINVAL;
	}
	while (rb_resolve_pending(rv)) {
		struct pollfd pfd[16];
		int n = rb_resolve_fds(rv, pfd, 16);

		if (poll(pfd, (nfds_t)n, rb_resolve_timeout_ms(rv)) < 0 && errno != EINTR)
			break;
		rb_resolve_process(rv, pfd, n);
	}
	rb_resolver_free(rv);
	for (size_t i = 0; i < ns->n; i++)
		if (ns->e[i].status)
			rb_warn("dhcp: %s: %s", ns->e[i].name, strerror(-ns->e[i].status));
}

static const char *sa_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	return inet_ntop(ss->ss_family, a, buf, (socklen_t)len) ? buf : "?";
}

static void print_names(const struct names *ns, struct rb_json *j)
{
	char buf[INET6_ADDRSTRLEN];

	if (j)
		rb_json_obj_begin(j);
	for (size_t i = 0; i < ns->n; i++) {
		const struct name_res *x = &ns->e[i];

		if (j) {
			rb_json_key(j, x->name);
			rb_json_arr_begin(j);
		} else {
			printf("  %s ->", x->name);
		}
		for (size_t k = 0; !x->status && k < x->res.n; k++) {
			sa_str(&x->res.addr[k], buf, sizeof(buf));
			if (j)
				rb_json_str(j, buf);
			else
				printf(" %s", buf);
		}
		if (j)
			rb_json_arr_end(j);
		else
			printf("%s\n", x->status ? " (unresolved)" : "");
	}
	if (j)
		rb_json_obj_end(j);
}

static void print_result(struct rb_ctx *ctx, const struct rb_dhcp_run *r,
			 const struct rb_dhcp_link *l, const struct names *ns)
{
	const struct rb_dhcp_lease *ls = &l->c->lease;
	uint64_t ms = (r->bound_ns - r->t0_ns) / 1000000;
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN], lldp[512];
	struct rb_json j;

	if (ctx->json) {
		rb_json_init(&j, stdout, false);
		rb_json_obj_begin(&j);
		rb_json_key(&j, "iface");
		rb_json_str(&j, l->name);
		rb_json_key(&j, "vlan");
		if (l->vlan)
			rb_json_uint(&j, l->vlan);
		else
			rb_json_null(&j);
		rb_json_key(&j, "vlan_fallback");
		rb_json_bool(&j, r->vlan_fell_back);
		rb_json_key(&j, "vlan_from");
		rb_json_str(&j, r->vlan_tried ? rb_origin_name(r->vlan_origin) : NULL);
		rb_json_key(&j, "lldp");
		rb_lldp_listen_json(&r->lldp.ls, &j);
		rb_json_key(&j, "lldp_first");
		rb_json_bool(&j, r->lldp_first);
		rb_json_key(&j, "configured");
		rb_json_bool(&j, l->configured);
		rb_json_key(&j, "elapsed_ms");
		rb_json_uint(&j, ms);
		rb_json_key(&j, "naks");
		rb_json_uint(&j, l->c->naks);
		rb_json_key(&j, "lease");
		rb_dhcp_lease_json(ls, &j);
		rb_json_key(&j, "params");
		print_params(r->params, &j);
		rb_json_key(&j, "resolved");
		print_names(ns, &j);
		rb_json_obj_end(&j);
		rb_json_end(&j);
		return;
	}
	inet_ntop(AF_INET, &ls->addr, a, sizeof(a));
	inet_ntop(AF_INET, &ls->server, s, sizeof(s));
	printf("%s: %s/%u from %s, lease %u s%s%s (%llu ms)\n", l->name, a, ls->prefix, s,
	       ls->lease_s, ls->rapid_commit ? ", rapid commit" : "",
	       l->configured ? ", configured" : "", (unsigned long long)ms);
	rb_lldp_listen_describe(&r->lldp.ls, lldp, sizeof(lldp));
	printf("lldp: %s%s\n", lldp, r->lldp_first ? ", before the lease" : "");
	if (r->vlan_tried)
		printf("voice VLAN %u (L2QVLAN from %s)%s\n", r->vlan_tried,
		       rb_origin_name(r->vlan_origin), r->vlan_fell_back ? ": fell back" : "");
	printf("parameters:\n");
	print_params(r->params, NULL);
	if (ns->n) {
		printf("server names:\n");
		print_names(ns, NULL);
	}
}

/* --sson: the handset's own network manager did DHCP and hands us option 242. */
static int from_sson(struct rb_ctx *ctx, struct rb_dhcp_run *r, const char *str)
{
	struct rb_sson s = { 0 };
	struct rb_json j;
	int err = rb_sson_parse(str, strlen(str), &s);

	if (!err) {
		rb_params_clear_kind(r->params, RB_ORIGIN_OPT242);
		rb_params_clear_kind(r->params, RB_ORIGIN_LLDP);	/* nobody listened */
		err = rb_sson_apply(&s, r->params, RB_ORIGIN_OPT242);
		err = err < 0 ? err : 0;
	}
	rb_sson_free(&s);
	if (!err)
		err = rb_params_persist(r->params, r->state_dir, r->env_group);
	if (err) {
		rb_err("dhcp: --sson: %s", strerror(-err));
		return RB_EXIT_FAIL;
	}
	if (ctx->json) {
		rb_json_init(&j, stdout, false);
		rb_json_obj_begin(&j);
		rb_json_key(&j, "params");
		print_params(r->params, &j);
		rb_json_obj_end(&j);
		rb_json_end(&j);
	} else {
		print_params(r->params, NULL);
	}
	return RB_EXIT_OK;
}

/* The interface: --iface, else INTERFACE of the configuration, else eth0. */
static const char *pick_iface(const char *given, const struct rb_config *cfg)
{
	const char *v;

	if (given)
		return given;
	v = rb_config_get(cfg, "INTERFACE");
	return v ? v : "eth0";
}

/* The configuration (defaults when it cannot be read) and who may read params.env. */
/* The configuration's agent keys: ENV_GROUP, and LLDP_WAIT_MS unless --lldp-wait. */
static void load_config(struct rb_ctx *ctx, const struct dhcp_args *a, struct rb_config *cfg,
			struct rb_dhcp_run *r)
{
	int err = rb_config_load(cfg, ctx->config);

	if (err && ctx->config_given)
		rb_warn("dhcp: cannot read %s: %s", ctx->config, strerror(-err));
	if (!a->lldp_wait_given)
		r->lldp_wait_ms = (uint32_t)rb_config_int(cfg, "LLDP_WAIT_MS");
	err = rb_config_env_group(cfg, &r->env_group);
	if (err)
		rb_warn("dhcp: ENV_GROUP '%s': %s; params.env is root's only",
			rb_config_get(cfg, "ENV_GROUP"), strerror(-err));
}

static int block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int do_release(struct rb_dhcp_run *r, struct rb_dhcp_link *l)
{
	char path[4096];
	int err = rb_dhcp_lease_path(path, sizeof(path), r->state_dir, l->name);

	if (!err)
		err = rb_dhcp_lease_load(&l->c->lease, path);
	if (err) {
		rb_err("dhcp: %s: no stored lease to release (%s)", l->name, strerror(-err));
		return RB_EXIT_FAIL;
	}
	rb_dhcp_client_adopt(l->c, &r->cfg, l->name, l->mac, &l->c->lease);
	l->configured = r->configure;
	err = rb_dhcp_release(r, l);
	if (err) {
		rb_err("dhcp: %s: release: %s", l->name, strerror(-err));
		return RB_EXIT_FAIL;
	}
	return RB_EXIT_OK;
}

static int exchange(struct rb_ctx *ctx, struct rb_dhcp_run *r, struct dhcp_args *a,
		    const char *iface)
{
	struct rb_dhcp_link *links = calloc(2, sizeof(*links)), *active;
	struct names *names = NULL;
	int ret = RB_EXIT_FAIL, err;

	if (!links)
		return RB_EXIT_FAIL;
	err = rb_dhcp_link_open(r, &links[0], iface);
	if (err) {
		rb_err("dhcp: %s: %s", iface, strerror(-err));
		goto out;
	}
	if (a->release) {
		ret = do_release(r, &links[0]);
		goto out;
	}
	err = rb_dhcp_acquire(r, &links[0], 0);
	if (err < 0)
		goto out;	/* 1: LLDP's voice VLAN came first (dhcp_run.h) */
	err = rb_dhcp_vlan(r, &links[0], &links[1], &active);
	if (err) {
		rb_err("dhcp: voice VLAN: %s", strerror(-err));
		goto out;
	}
	names = calloc(1, sizeof(*names));
	if (!names)
		goto out;
	if (!a->no_resolve)
		resolve_names(r->params, names);
	print_result(ctx, r, active, names);
	fflush(stdout);
	ret = RB_EXIT_OK;
	if (a->daemon && rb_dhcp_keep(r, active))
		ret = RB_EXIT_FAIL;
out:
	rb_dhcp_link_close(r, &links[1]);
	rb_dhcp_link_close(r, &links[0]);
	free(links);
	free(names);
	return ret;
}

int cmd_dhcp(struct rb_ctx *ctx, int argc, char **argv)
{
	struct dhcp_args a = { 0 };
	struct rb_config cfg = { 0 };
	struct rb_dhcp_run r;
	char path[4096];
	int ret = RB_EXIT_FAIL, err;

	rb_dhcp_run_init(&r, ctx->state_dir);
	err = parse_args(ctx, argc, argv, &a, &r);
	if (err)
		return err > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
	r.state_dir = ctx->state_dir;	/* --state-dir may follow the verb */
	load_config(ctx, &a, &cfg, &r);
	err = rb_mkdir_p(r.state_dir, 0755);
	r.params = rb_params_new();
	if (err || !r.params) {
		rb_err("dhcp: state directory %s: %s", r.state_dir, strerror(err ? -err : ENOMEM));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/params", r.state_dir);
	err = rb_params_load(r.params, path);
	if (err && err != -ENOENT)
		rb_warn("dhcp: ignoring %s: %s", path, strerror(-err));
	if (a.sson) {
		ret = from_sson(ctx, &r, a.sson);
		goto out;
	}
	r.sigfd = block_signals();
	if (r.sigfd < 0)
		rb_warn("dhcp: signalfd: %s", strerror(-r.sigfd));
	err = rb_netcfg_open(&r.nc);
	if (err) {
		rb_err("dhcp: rtnetlink: %s", strerror(-err));
		goto out;
	}
	ret = exchange(ctx, &r, &a, pick_iface(a.iface, &cfg));
	rb_netcfg_close(&r.nc);
out:
	if (r.sigfd >= 0)
		close(r.sigfd);
	rb_params_free(r.params);
	rb_config_free(&cfg);
	return ret;
}
