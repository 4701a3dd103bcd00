// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `ringboot fetch [options] URL -o FILE [URL -o FILE]...` (docs/cli.md).
 * Each URL is downloaded in turn into its file (never a partial file under
 * the final name); --json prints one result object per URL in an array.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "numparse.h"
#include "ringboot.h"
#include "sink_file.h"
#include "tftp_proto.h"
#include "verbs_decl.h"

#define MAX_JOBS 64

struct fetch_job {
	const char *url;
	const char *out;
};

struct fetch_cli {
	struct rb_loop loop;
	struct rb_fetch f;
	struct rb_timer progress;
	bool done, tty, progress_shown;
	const char *name;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ringboot fetch [options] URL -o FILE [URL -o FILE]...\n"
		"Download each URL (tftp://host[:port]/path) into FILE.\n\n"
		"  -o, --output FILE     destination of the preceding URL (written atomically)\n"
		"  -4, -6                use IPv4 / IPv6 only\n"
		"      --blksize N       TFTP block size, %d..%d (default: fits the path MTU)\n"
		"      --windowsize N    TFTP window, 1..%d (default %d)\n"
		"      --timeout S       TFTP timeout asked of the server, and the initial\n"
		"                        retransmission timeout, 1..%d s (default 1)\n"
		"      --retries N       retransmissions before giving up (default 5)\n"
		"      --deadline S      bound on each whole transfer, seconds\n"
		"      --no-options      plain RFC 1350 request (512-byte lock-step)\n"
		"      --fastpath MODE   auto|on|off: kernel TFTP fast path (default auto)\n"
		"      --max-size BYTES  refuse larger files (TFTP ERROR 3)\n"
		"      --json            print a JSON array, one object per URL\n"
		"Exit status: 0 all downloaded, 1 a transfer failed, 2 usage error.\n",
		RB_TFTP_BLKSIZE_MIN, RB_TFTP_BLKSIZE_MAX, RB_TFTP_WINDOW_MAX,
		RB_TFTP_WINDOW_DEFAULT, RB_TFTP_TIMEOUT_MAX);
	rb_http_cli_usage(out);
}

static void human(char *buf, size_t len, double v)
{
	const char *u[] = { "B", "KiB", "MiB", "GiB" };
	int i = 0;

	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%.1f %s", v, u[i]);
}

/* A progress line on a terminal, refreshed four times a second. */
static void progress_tick(struct rb_loop *loop, struct rb_timer *t)
{
	struct fetch_cli *c = container_of(t, struct fetch_cli, progress);
	double secs = (double)(rb_now_ns() - c->f.start_ns) / 1e9;
	uint64_t got = c->f.sink->written, total = c->f.res.total;
	char a[32], b[32], r[32];

	if (c->done)
		return;
	human(a, sizeof(a), (double)got);
	human(r, sizeof(r), secs > 0 ? (double)got / secs : 0);
	if (total != UINT64_MAX && total) {
		human(b, sizeof(b), (double)total);
		fprintf(stderr, "\r%s: %s / %s (%3.0f%%) %s/s   ", c->name, a, b,
			100.0 * (double)got / (double)total, r);
	} else {
		fprintf(stderr, "\r%s: %s %s/s   ", c->name, a, r);
	}
	c->progress_shown = true;
	rb_timer_mod(loop, t, 250000000ull);
}

static void job_done(struct rb_fetch *f)
{
	struct fetch_cli *c = f->user;

	c->done = true;
}

static int run_job(struct fetch_cli *c, const struct fetch_job *j,
		   const struct rb_fetch_opts *o, uint64_t max_size)
{
	struct rb_sink_file fs;
	int err;

	rb_sink_file_init(&fs, j->out, 0644, max_size);
	memset(&c->f, 0, sizeof(c->f));
	c->f.loop = &c->loop;
	c->f.url_str = j->url;
	c->f.opts = o;
	c->f.sink = &fs.sink;
	c->f.done = job_done;
	c->f.user = c;
	c->done = false;
	c->progress_shown = false;
	c->name = strrchr(j->url, '/') ? strrchr(j->url, '/') + 1 : j->url;
	err = rb_fetch_start(&c->f);
	if (err)
		return err;
	/* Only long downloads get a progress line: the first after 1 s. */
	if (c->tty)
		rb_timer_mod(&c->loop, &c->progress, 1000000000ull);
	err = rb_loop_run(&c->loop, &c->done);
	rb_timer_del(&c->loop, &c->progress);
	rb_loop_cancel_sync(&c->loop, &c->progress.op);
	if (c->progress_shown)
		fputc('\n', stderr);
	return err ? err : c->f.res.err;
}

enum {
	OPT_BLKSIZE = 0x100, OPT_WINDOW, OPT_TIMEOUT, OPT_RETRIES, OPT_DEADLINE,
	OPT_NOOPT, OPT_FASTPATH, OPT_MAXSIZE,
};

/* Parse the command line into jobs and options. RB_EXIT_OK or RB_EXIT_USAGE. */
static int parse_args(struct rb_ctx *ctx, int argc, char **argv, struct fetch_job *jobs,
		      int *njobs, struct rb_fetch_opts *o, uint64_t *max_size)
{
	static const struct option lopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "blksize", required_argument, NULL, OPT_BLKSIZE },
		{ "windowsize", required_argument, NULL, OPT_WINDOW },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "deadline", required_argument, NULL, OPT_DEADLINE },
		{ "no-options", no_argument, NULL, OPT_NOOPT },
		{ "fastpath", required_argument, NULL, OPT_FASTPATH },
		{ "max-size", required_argument, NULL, OPT_MAXSIZE },
		{ "help", no_argument, NULL, 'h' },
		RB_COMMON_LONGOPTS,
		RB_HTTP_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int c, n = 0, ret;

	/* "-": URLs come back in order as option 1, so -o pairs with them. */
	while ((c = getopt_long(argc, argv, "-o:46hv", lopts, NULL)) != -1) {
		if (rb_common_opt(ctx, c, optarg))
			continue;
		ret = rb_http_cli_opt(o, c, optarg);
		if (ret < 0)
			goto bad;
		if (ret)
			continue;
		switch (c) {
		case 1: {
			struct rb_url u;

			if (rb_url_parse(optarg, &u) || !rb_fetch_transport(u.scheme)) {
				rb_err("fetch: cannot fetch '%s' (malformed URL or unsupported scheme)",
				       optarg);
				return RB_EXIT_USAGE;
			}
			if (n == MAX_JOBS) {
				rb_err("fetch: at most %d URLs", MAX_JOBS);
				return RB_EXIT_USAGE;
			}
			if (n && !jobs[n - 1].out) {
				rb_err("fetch: '%s' has no -o FILE", jobs[n - 1].url);
				return RB_EXIT_USAGE;
			}
			jobs[n].url = optarg;
			jobs[n++].out = NULL;
			break;
		}
		case 'o':
			if (!n || jobs[n - 1].out) {
				rb_err("fetch: -o '%s' does not follow a URL", optarg);
				return RB_EXIT_USAGE;
			}
			jobs[n - 1].out = optarg;
			break;
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 'v':
			rb_common_opt(ctx, RB_OPT_VERBOSE, NULL);
			break;
		case OPT_BLKSIZE:
			if (rb_parse_ullong(optarg, RB_TFTP_BLKSIZE_MIN, RB_TFTP_BLKSIZE_MAX, &v))
				goto bad;
			o->blksize = (unsigned int)v;
			break;
		case OPT_WINDOW:
			if (rb_parse_ullong(optarg, RB_TFTP_WINDOW_MIN, RB_TFTP_WINDOW_MAX, &v))
				goto bad;
			o->windowsize = (unsigned int)v;
			break;
		case OPT_TIMEOUT:
			if (rb_parse_ullong(optarg, RB_TFTP_TIMEOUT_MIN, RB_TFTP_TIMEOUT_MAX, &v))
				goto bad;
			o->timeout = (unsigned int)v;
			break;
		case OPT_RETRIES:
			if (rb_parse_ullong(optarg, 1, 1000, &v))
				goto bad;
			o->retries = (unsigned int)v;
			break;
		case OPT_DEADLINE:
			if (rb_parse_seconds(optarg, 86400, &o->deadline))
				goto bad;
			break;
		case OPT_NOOPT:
			o->no_options = true;
			break;
		case OPT_FASTPATH:
			if (!strcmp(optarg, "auto"))
				o->fastpath = RB_FASTPATH_AUTO;
			else if (!strcmp(optarg, "on"))
				o->fastpath = RB_FASTPATH_ON;
			else if (!strcmp(optarg, "off"))
				o->fastpath = RB_FASTPATH_OFF;
			else
				goto bad;
			break;
		case OPT_MAXSIZE:
			if (rb_parse_ullong(optarg, 0, UINT64_MAX - 1, &v))
				goto bad;
			*max_size = v;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return RB_EXIT_USAGE;
		}
	}
	if (!n) {
		usage(stderr);
		return RB_EXIT_USAGE;
	}
	if (!jobs[n - 1].out) {
		rb_err("fetch: '%s' has no -o FILE", jobs[n - 1].url);
		return RB_EXIT_USAGE;
	}
	*njobs = n;
	return RB_EXIT_OK;
bad:
	rb_err("fetch: bad value '%s' for %s", optarg, argv[optind - 1]);
	return RB_EXIT_USAGE;
}

int cmd_fetch(struct rb_ctx *ctx, int argc, char **argv)
{
	struct fetch_job jobs[MAX_JOBS];
	struct rb_fetch_opts o = { .family = AF_UNSPEC };
	struct rb_http_pool pool;	/* keep-alive across this call's URLs */
	struct fetch_cli *c;
	struct rb_json j;
	uint64_t max_size = UINT64_MAX;
	int njobs = 0, ret, err;
	char feat[256];

	ret = parse_args(ctx, argc, argv, jobs, &njobs, &o, &max_size);
	if (ret < 0)
		return RB_EXIT_OK;	/* --help */
	if (ret)
		return ret;
	c = calloc(1, sizeof(*c));
	if (!c)
		return RB_EXIT_FAIL;
	/* Tests run the fallbacks of older kernels with RINGBOOT_URING_FALLBACK=1. */
	err = rb_loop_init(&c->loop, 256,
			   getenv("RINGBOOT_URING_FALLBACK") ? RB_LOOP_OLD_KERNEL : 0);
	if (err) {
		rb_err("fetch: io_uring: %s", strerror(-err));
		free(c);
		return RB_EXIT_FAIL;
	}
	rb_loop_describe(&c->loop, feat, sizeof(feat));
	rb_debug("%s", feat);
	rb_timer_init(&c->progress, progress_tick);
	rb_http_pool_init(&pool);
	o.http_pool = &pool;
	c->tty = !ctx->json && isatty(STDERR_FILENO);
	if (ctx->json) {
		rb_json_init(&j, stdout, true);
		rb_json_arr_begin(&j);
	}
	ret = RB_EXIT_OK;
	for (int i = 0; i < njobs; i++) {
		err = run_job(c, &jobs[i], &o, max_size);
		if (err) {
			rb_err("fetch %s: %s", jobs[i].url,
			       c->f.res.reason[0] ? c->f.res.reason : strerror(-err));
			ret = RB_EXIT_FAIL;
		} else {
			rb_info("fetch %s: %llu bytes in %.3f s", jobs[i].url,
				(unsigned long long)c->f.res.bytes, c->f.res.seconds);
		}
		if (ctx->json)
			rb_fetch_result_json(&j, &c->f.res);
	}
	if (ctx->json) {
		rb_json_arr_end(&j);
		rb_json_end(&j);
	}
	rb_http_pool_free(&pool);
	rb_loop_exit(&c->loop);
	free(c);
	return ret;
}
