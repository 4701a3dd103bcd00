// SPDX-License-Identifier: GPL-2.0-or-later
/* `ringboot boot`: script, image, settings (boot.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "atomicfile.h"
#include "boot.h"
#include "hook.h"
#include "image_sink.h"
#include "log.h"
#include "param_rules.h"
#include "resolve.h"
#include "ringboot.h"
#include "sink_mem.h"

/*
 * "Not delivered" (PROVISIONING.md): the server answered, and the answer is
 * no: a 404 or another 4xx, a refused connection, a failed TLS check. Go to
 * the next server at once. Anything else (a timeout, a reset, a 5xx, 408 or
 * 429: -EAGAIN from the HTTP transport) is worth a retry.
 */
static bool definite_no(int err)
{
	switch (err) {
	case -ENOENT:		/* 404/410, TFTP "file not found" */
	case -EACCES:		/* 401/403, TFTP "access violation" */
	case -ECONNREFUSED:
	case -EHOSTUNREACH:
	case -ENETUNREACH:
	case -EADDRNOTAVAIL:
	case -EKEYREJECTED:	/* the certificate did not verify */
	case -EPROTO:		/* TLS handshake failure, a 4xx other than 408/429 */
	case -EINVAL:
	case -EFBIG:
		return true;
	}
	return false;
}

/* Jittered exponential back-off: base * 2^attempt, capped, then 50-100% of it
 * (thousands of phones restart together after a power cut). */
static uint64_t backoff_ms(const struct rb_boot *b, unsigned int attempt)
{
	uint64_t ms = (uint64_t)b->o->retry_base_ms << (attempt < 20 ? attempt : 20);
	uint32_t r = 0;

	if (ms > (uint64_t)b->o->retry_max_ms)
		ms = (uint64_t)b->o->retry_max_ms;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)rb_now_ns();
	return ms / 2 + (ms / 2) * (r % 1001) / 1000;
}

/* Seconds before the boot's deadline (BOOT_DEADLINE); <= 0 once it passed. */
static double boot_left(const struct rb_boot *b)
{
	return ((double)b->deadline_ns - (double)rb_now_ns()) / 1e9;
}

static bool boot_expired(const struct rb_boot *b)
{
	return boot_left(b) <= 0;
}

/* The back-off before the next attempt, never past the boot's deadline. */
static void backoff_sleep(const struct rb_boot *b, unsigned int attempt)
{
	uint64_t ms = backoff_ms(b, attempt);
	double left = boot_left(b);
	struct timespec ts;

	if (left <= 0)
		return;
	if ((double)ms > left * 1e3)
		ms = (uint64_t)(left * 1e3) + 1;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Fetch file from server s into sink once, within FILE_DEADLINE and what is
 * left of BOOT_DEADLINE. 0 or -errno; res says why (which deadline, when one
 * ended it).
 */
static int fetch_once(struct rb_boot *b, const struct rb_boot_server *s, const char *file,
		      struct rb_sink *sink, struct rb_fetch_result *res)
{
	struct rb_fetch_opts o = b->o->fetch;
	double left = boot_left(b);
	bool boot_bound = left < b->o->file_deadline;
	uint64_t t0;
	char url[1024];
	int err;

	err = rb_boot_server_url(s, file, url, sizeof(url));
	if (err || left <= 0) {
		memset(res, 0, sizeof(*res));
		snprintf(res->url, sizeof(res->url), "%s", err ? file : url);
		if (err) {
			snprintf(res->reason, sizeof(res->reason), "refusing file name '%s'", file);
			return err;
		}
		snprintf(res->reason, sizeof(res->reason), "boot deadline of %g s passed",
			 b->o->deadline);
		return -ETIMEDOUT;
	}
	o.deadline = boot_bound ? left : b->o->file_deadline;
	t0 = rb_now_ns();
	err = rb_fetch_run(&b->loop, url, sink, &o, res);
	if (err == -ETIMEDOUT && rb_now_ns() - t0 >= (uint64_t)(o.deadline * 1e9))
		snprintf(res->reason, sizeof(res->reason), "%s deadline of %g s passed after %llu "
			 "bytes", boot_bound ? "boot" : "file",
			 boot_bound ? b->o->deadline : b->o->file_deadline,
			 (unsigned long long)res->bytes);
	return err;
}

/*
 * Fetch file from s into a fresh memory sink, retrying transient failures
 * with back-off (RETRY_MAX attempts). The sink is re-initialised for each
 * attempt. Returns 0 (m holds the file) or the last -errno.
 */
static int fetch_mem(struct rb_boot *b, const struct rb_boot_server *s, const char *file,
		     struct rb_sink_mem *m, struct rb_fetch_result *res)
{
	int err;

	for (unsigned int attempt = 0;; attempt++) {
		b->tries = attempt + 1;
		rb_sink_mem_init(m, RB_BOOT_SCRIPT_MAX);
		err = fetch_once(b, s, file, &m->sink, res);
		if (!err)
			return 0;
		rb_sink_mem_free(m);
		if (definite_no(err) || attempt + 1 >= (unsigned int)b->o->retry_max ||
		    boot_expired(b))
			return err;
		b->retries++;
		rb_info("boot: %s: %s; retrying", res->url, res->reason);
		backoff_sleep(b, attempt);
	}
}

/* " TLS13-AES128-GCM-SHA256 (prefer aes: AES-NI)": what was negotiated and why it led. */
static void tls_cipher_detail(const struct rb_fetch_result *res, char *out, size_t len)
{
	const struct rb_fetch_kv *cipher = rb_fetch_get(res, "tls_cipher");
	const struct rb_fetch_kv *prefer = rb_fetch_get(res, "tls_prefer");
	const struct rb_fetch_kv *why = rb_fetch_get(res, "tls_prefer_reason");

	out[0] = '\0';
	if (cipher && prefer && why)
		snprintf(out, len, " %s (prefer %s: %s)", cipher->str, prefer->str, why->str);
}

/* URL, path, TLS version and cipher, and the attempt that delivered when not the first. */
static void result_detail(const struct rb_boot *b, const struct rb_fetch_result *res, char *out,
			  size_t len)
{
	const struct rb_fetch_kv *tls = rb_fetch_get(res, "tls_version");
	char tries[32] = "", cipher[224];

	if (b->tries > 1)
		snprintf(tries, sizeof(tries), ", attempt %u", b->tries);
	tls_cipher_detail(res, cipher, sizeof(cipher));
	snprintf(out, len, "%s %s%s%s%s%s%s", res->url, res->path ? res->path : "",
		 res->path ? " path" : "", tls ? ", " : "", tls ? tls->str : "", cipher, tries);
}

/* Step 2: the upgrade script from the first server that delivers it. */
static int fetch_script(struct rb_boot *b, struct rb_sink_mem *m)
{
	struct rb_boot_servers *list = calloc(1, sizeof(*list));
	struct rb_fetch_result res;
	char where[700], detail[1600];
	int ph, err;

	if (!list)
		return -ENOMEM;
	ph = rb_report_begin(&b->rep, "script");
	err = rb_boot_servers_build(list, b->params);
	if (!err && !list->n) {
		err = -ENOENT;
		snprintf(b->why, sizeof(b->why),
			 "no file server: TLSSRVR, HTTPSRVR and TFTPSRVR are all %s%s%s",
			 list->ignored ? "unset or invalid" : "unset", list->why[0] ? ": " : "",
			 list->why);
	} else if (!err && list->why[0]) {
		rb_warn("boot: %s; its servers are not asked", list->why);
	}
	for (size_t i = 0; !err && i < list->n; i++) {
		int ferr;

		rb_boot_server_describe(&list->s[i], where, sizeof(where));
		ferr = fetch_mem(b, &list->s[i], b->script_name, m, &res);
		if (!ferr) {
			b->origin = list->s[i];
			b->have_origin = true;
			b->fallbacks = (unsigned int)i;
			break;
		}
		rb_warn("boot: %s from %s: %s", b->script_name, where, res.reason);
		if (!b->fallback_why[0])
			snprintf(b->fallback_why, sizeof(b->fallback_why), "%s from %.300s: %.300s",
				 b->script_name, where, res.reason);
		snprintf(b->why, sizeof(b->why), "no server delivered %s (last: %.300s: %.300s)",
			 b->script_name, where, res.reason);
		if (boot_expired(b))
			break;	/* no server gets another try */
	}
	if (b->have_origin) {
		result_detail(b, &res, detail, sizeof(detail));
		rb_report_end(&b->rep, ph, 0, res.bytes, "%s%s%s", detail,
			      b->fallbacks ? "; fell back after: " : "",
			      b->fallbacks ? b->fallback_why : "");
	} else {
		if (!err)
			err = -ENOENT;
		rb_report_end(&b->rep, ph, err, 0, "%s", b->why);
		b->fail_phase = "script";
	}
	free(list);
	return b->have_origin ? 0 : err;
}

/*
 * A sink that times the commit of the image sink beneath it, so the
 * timeline shows the download (with streaming verification) and the
 * commit (fdatasync, digest comparison, state record flip, hook) apart.
 */
struct timed_sink {
	struct rb_sink sink;
	struct rb_sink *inner;
	struct rb_boot *b;
	bool tty;		/* draw a progress bar on stderr */
	bool drawn;
	uint64_t total;		/* announced size, or RB_SINK_SIZE_UNKNOWN */
	uint64_t next_ns;	/* next redraw */
	uint64_t start_ns;
};

static struct timed_sink *timed_of(struct rb_sink *s)
{
	return (struct timed_sink *)((char *)s - offsetof(struct timed_sink, sink));
}

static int timed_open(struct rb_sink *s, uint64_t total)
{
	struct timed_sink *t = timed_of(s);

	t->total = total;
	t->start_ns = rb_now_ns();
	t->next_ns = t->start_ns + 500000000ull;	/* short downloads draw nothing */
	return rb_sink_open(t->inner, total);
}

/* A progress bar on a terminal, redrawn at most four times a second. */
static void timed_progress(struct timed_sink *t, uint64_t done, bool last)
{
	uint64_t now = rb_now_ns();
	double secs = (double)(now - t->start_ns) / 1e9;
	char bar[33];
	int fill = 0;

	if (!last && now < t->next_ns)
		return;
	if (last && !t->drawn)
		return;
	t->next_ns = now + 250000000ull;
	t->drawn = true;
	if (t->total != RB_SINK_SIZE_UNKNOWN && t->total)
		fill = (int)(32.0 * (double)done / (double)t->total);
	for (int i = 0; i < 32; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[32] = '\0';
	fprintf(stderr, "\rimage [%s] %6.1f MiB %7.1f MiB/s%s", bar, (double)done / 1048576.0,
		secs > 0 ? (double)done / 1048576.0 / secs : 0.0, last ? "\n" : "");
}

static int timed_write(struct rb_sink *s, uint64_t off, const void *buf, size_t len)
{
	struct timed_sink *t = timed_of(s);
	int err = rb_sink_write(t->inner, buf, len);

	if (t->tty && !err)
		timed_progress(t, off + len, false);
	return err;
}

static int timed_rewind(struct rb_sink *s)
{
	return rb_sink_rewind(timed_of(s)->inner);
}

static int timed_commit(struct rb_sink *s)
{
	struct timed_sink *t = timed_of(s);
	int ph;

	if (t->tty)
		timed_progress(t, t->inner->written, true);
	ph = rb_report_begin(&t->b->rep, "commit");
	int err = rb_sink_commit(t->inner);
	struct rb_image_sink *is = (struct rb_image_sink *)t->inner;

	rb_report_end(&t->b->rep, ph, err, 0, "%s", err ? is->why :
		      "slot fdatasync'ed, digest matched, state record replaced");
	/* A failed one is aborted by the fetch framework (timed_abort), which
	 * ends the slot transaction. */
	return err;
}

static void timed_abort(struct rb_sink *s)
{
	rb_sink_abort(timed_of(s)->inner);
}

static const struct rb_sink_ops timed_ops = {
	.kind = "image",
	.open = timed_open,
	.write = timed_write,
	.rewind = timed_rewind,
	.commit = timed_commit,
	.abort = timed_abort,
};

/* The image policy from the slot options (keys, models, hardware). */
static int image_policy(struct rb_boot *b, struct rb_image_policy *pol, const char *appname)
{
	const struct rb_slot_opts *so = &b->o->slot;
	char why[512];

	memset(pol, 0, sizeof(*pol));
	if (!so->insecure && !b->keys) {
		b->keys = calloc(1, sizeof(*b->keys));
		if (!b->keys)
			return -ENOMEM;
		if (rb_keyring_load_dir(b->keys, so->keys_dir, why, sizeof(why))) {
			snprintf(b->why, sizeof(b->why), "image keys: %s", why);
			free(b->keys);
			b->keys = NULL;
			return -ENOKEY;
		}
	}
	/* The handset's identity as its owner gave it (configuration, --var;
	 * never DHCP or a settings file), plus any --model on the command line. */
	b->nmodels = 0;
	for (size_t i = 0; i < so->nmodels && b->nmodels < RB_BOOT_MAX_MODELS; i++)
		b->models[b->nmodels++] = so->models[i];
	for (size_t i = 0; i < 3 && b->nmodels < RB_BOOT_MAX_MODELS; i++) {
		static const char *const ids[] = { "MODEL", "MODEL4", "MODEL6" };
		const char *v = rb_params_get_trusted(b->params, ids[i]);

		if (v && *v)
			b->models[b->nmodels++] = v;
	}
	pol->keys = b->keys;
	pol->models = b->models;
	pol->nmodels = b->nmodels;
	pol->hw = so->hw;
	pol->expect_name = so->insecure ? NULL : appname;
	pol->insecure_unsigned = so->insecure;
	pol->raw_name = appname;
	pol->readback = so->readback;
	pol->allow_downgrade = so->allow_downgrade;
	return 0;
}

/*
 * Fetch the image from the origin into the image sink `is` (initialised by
 * the caller) with the boot's retry budget and back-off for what is transient
 * (a 5xx, a timeout, a connection that broke beyond HTTP's own resumes), as
 * for every file; never again after the sink refused what arrived (the image
 * check, the slot: is->why says) or after a definite no (404, 403, the
 * certificate). Each further attempt gets a fresh sink. Returns what the last
 * fetch did.
 */
static int fetch_image(struct rb_boot *b, const struct rb_image_policy *pol, const char *appname,
		       struct rb_image_sink *is, struct rb_fetch_result *res)
{
	int err;

	for (unsigned int attempt = 0;; attempt++) {
		struct timed_sink ts = { .sink = { .ops = &timed_ops, .limit = UINT64_MAX },
					 .b = b, .inner = &is->sink, .tty = b->o->progress };

		b->tries = attempt + 1;
		err = fetch_once(b, &b->origin, appname, &ts.sink, res);
		if (!err || err == -EALREADY || is->why[0] || definite_no(err) ||
		    attempt + 1 >= (unsigned int)b->o->retry_max || boot_expired(b))
			return err;
		b->retries++;
		rb_info("boot: image %s: %s; retrying", appname, res->reason);
		rb_image_sink_free(is);
		backoff_sleep(b, attempt);
		err = rb_image_sink_init(is, &b->slots, pol);
		if (err) {
			snprintf(res->reason, sizeof(res->reason), "%s", strerror(-err));
			return err;
		}
	}
}

/*
 * Step 3: when the script named an image that is not the active one, stream
 * it into the inactive slot and commit it. Runs once, before the first GET
 * is served (or after the script when it has no GET).
 */
static void boot_image(struct rb_boot *b)
{
	const char *appname = rb_params_get(b->script.sets, "APPNAME"), *image;
	struct rb_image_policy pol;
	struct rb_image_sink is;
	struct rb_fetch_result res;
	char detail[1600];
	int ph, err;

	if (b->image_done)
		return;
	b->image_done = true;
	if (b->hook_err) {
		/* The record owes the boot loader an event: no update on top of that. */
		rb_report_skip(&b->rep, "image", "not attempted: the owed hook event failed");
		return;
	}
	if (!appname || !*appname) {
		rb_report_skip(&b->rep, "image", "the script names no APPNAME");
		return;
	}
	snprintf(b->appname, sizeof(b->appname), "%s", appname);
	if (strlen(appname) > RB_SCRIPT_NAME_MAX || !rb_boot_file_name_ok(appname)) {
		ph = rb_report_begin(&b->rep, "image");
		b->image_err = -EINVAL;
		snprintf(b->why, sizeof(b->why), "refusing APPNAME '%.300s': not a file name "
			 "(boot.md: components of [A-Za-z0-9._+~-], no '.' or '..')", appname);
		rb_report_end(&b->rep, ph, b->image_err, 0, "%s", b->why);
		return;
	}
	/*
	 * APPNAME may carry a directory (firmware/FW_S_J169_R4_1_3_0_6.bin):
	 * it says where the file lies on the server and is fetched as written;
	 * the image's identity, which its signer put in the header and the
	 * slot record keeps, is the file name.
	 */
	image = rb_img_name_for(appname);
	if (rb_slots_active_is(&b->slots, image, NULL)) {
		rb_report_skip(&b->rep, "image", "%s is the active image (slot %c)", image,
			       rb_slot_letter(b->slots.rec.active));
		return;
	}
	ph = rb_report_begin(&b->rep, "image");
	err = image_policy(b, &pol, image);
	if (!err)
		err = rb_image_sink_init(&is, &b->slots, &pol);
	if (err) {
		b->image_err = err;
		if (!b->why[0] || err != -ENOKEY)
			snprintf(b->why, sizeof(b->why), "image %s: %s", appname,
				 b->slots.why[0] ? b->slots.why : strerror(-err));
		rb_report_end(&b->rep, ph, err, 0, "%s", b->why);
		return;
	}
	/* HTTP resumes a broken body itself (Range); a refused image is not fetched again. */
	err = fetch_image(b, &pol, appname, &is, &res);
	if (err == -EALREADY) {
		/* The sink found the same image already active (same digest). */
		rb_report_end(&b->rep, ph, 0, res.bytes, "%s", is.why);
	} else if (err) {
		b->image_err = err;
		snprintf(b->why, sizeof(b->why), "image %s: %s", appname,
			 is.why[0] ? is.why : res.reason);
		rb_report_end(&b->rep, ph, err, res.bytes, "%s", b->why);
	} else {
		b->restart_due = true;
		result_detail(b, &res, detail, sizeof(detail));
		rb_report_end(&b->rep, ph, 0, res.bytes, "%s: verified while streaming into slot %c",
			      detail, rb_slot_letter(b->slots.rec.active));
	}
	rb_image_sink_free(&is);
}

/* GET callback of the interpreter: the image first, then the file. */
static int boot_get(void *arg, const char *name, struct rb_script_file *f)
{
	struct rb_boot *b = arg;
	struct rb_sink_mem *m;
	struct rb_fetch_result res;
	char detail[1600];
	int ph, err;

	boot_image(b);
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	ph = rb_report_begin(&b->rep, "settings");
	err = fetch_mem(b, &b->origin, name, m, &res);
	if (err) {
		/*
		 * A missing settings file is not a failure (PROVISIONING.md);
		 * one the boot's deadline cut off fails the boot (after the
		 * files that did arrive are applied).
		 */
		if (boot_expired(b) && !b->late_phase) {
			b->late_phase = "settings";
			snprintf(b->late_why, sizeof(b->late_why), "%s: %s", name, res.reason);
		}
		b->get_failed = true;
		rb_report_end(&b->rep, ph, err, 0, "%s: %s", name, res.reason);
		free(m);
		return err;
	}
	result_detail(b, &res, detail, sizeof(detail));
	rb_report_end(&b->rep, ph, 0, res.bytes, "%s", detail);
	f->data = rb_sink_mem_take(m, &f->len);
	f->cookie = m;
	return 0;
}

static void boot_put(void *arg, struct rb_script_file *f)
{
	struct rb_sink_mem *m = f->cookie;

	free((void *)f->data);
	if (m) {
		rb_sink_mem_free(m);
		free(m);
	}
}

static const struct rb_script_ops boot_script_ops = {
	.get = boot_get,
	.put = boot_put,
};

/*
 * The variables IF $NAME sees: every effective parameter, the identity as
 * its owner gave it (a MODEL4 from option 242 must not pick the branch), plus
 * the identity of the running image (APPNAME, APPNAME_IN_USE).
 */
static struct rb_params *script_vars(struct rb_boot *b)
{
	struct rb_params *v = rb_params_new();
	struct rb_param_view pv;
	const struct rb_slots_rec *rec = &b->slots.rec;

	if (!v)
		return NULL;
	for (size_t i = 0; rb_params_at(b->params, i, &pv); i++) {
		if (rb_param_is_identity(pv.name, strlen(pv.name)) &&
		    !rb_params_get_trusted(b->params, pv.name))
			continue;
		rb_params_set(v, pv.name, strlen(pv.name), pv.value, pv.value_len, &pv.origin);
	}
	if (rec->active >= 0 && rec->slot[rec->active].state == RB_SLOT_GOOD) {
		rb_params_set_str(v, "APPNAME", rec->slot[rec->active].name, RB_ORIGIN_CMDLINE);
		rb_params_set_str(v, "APPNAME_IN_USE", rec->slot[rec->active].name,
				  RB_ORIGIN_CMDLINE);
	} else {
		/* No good image yet: no name matches. */
		rb_params_set_str(v, "APPNAME", "", RB_ORIGIN_CMDLINE);
		rb_params_set_str(v, "APPNAME_IN_USE", "", RB_ORIGIN_CMDLINE);
	}
	return v;
}

/*
 * Step 4: apply what the chain SET, persist it and export the env file. The
 * chain's SETs replace what the last boot's files set. But when the script
 * asked for a settings file and none could be fetched, the values the J100
 * guide says a phone retains then (AUTH, AGCHAND, ...: rb_param_retained())
 * stay as the last settings file left them, unless this chain SETs them.
 */
/* The bytes of a state file, or NULL (missing, unreadable); *len set. */
static char *read_state(const struct rb_boot *b, const char *name, size_t *len)
{
	char path[4096], *buf = NULL;

	snprintf(path, sizeof(path), "%s/%s", b->ctx->state_dir, name);
	if (rb_read_file(path, 64u << 20, &buf, len))
		return NULL;
	return buf;
}

static int boot_apply(struct rb_boot *b)
{
	bool no_settings = b->get_failed && b->script.nfiles <= 1;
	char retained[96] = "", *before, *after;
	int ph = rb_report_begin(&b->rep, "apply"), err;
	size_t kept, blen = 0, alen = 0;

	kept = rb_params_clear_kind_except(b->params, RB_ORIGIN_FILE,
					   no_settings ? rb_param_retained : NULL);
	err = rb_script_apply(&b->script, b->params, RB_ORIGIN_FILE);
	before = read_state(b, "params.env", &blen);
	if (!err)
		err = rb_params_persist(b->params, b->ctx->state_dir, b->env_group);
	/* For SETTINGS_HOOK: did what the handset's software reads change? */
	after = err ? NULL : read_state(b, "params.env", &alen);
	b->settings_changed = !before || !after || blen != alen || memcmp(before, after, alen);
	free(before);
	free(after);
	if (no_settings)
		snprintf(retained, sizeof(retained), "; no settings file: %zu value(s) of the "
			 "last one retained", kept);
	rb_report_end(&b->rep, ph, err, 0, "%zu parameters from %u file(s), %zu warning(s)%s",
		      rb_params_count(b->script.sets), b->script.nfiles,
		      b->script.nwarnings + b->script.warnings_dropped, retained);
	if (err) {
		snprintf(b->why, sizeof(b->why), "persisting parameters in %s: %s",
			 b->ctx->state_dir, strerror(-err));
		b->fail_phase = "apply";
	}
	return err;
}

/*
 * SETTINGS_HOOK, once the settings are applied and persisted: HOOK PARAMS_ENV,
 * with RINGBOOT_EVENT=settings, RINGBOOT_PARAMS_ENV, RINGBOOT_PARAMS,
 * RINGBOOT_STATE_DIR, RINGBOOT_SETTINGS_CHANGED (1: params.env differs from
 * what the last boot left) and RINGBOOT_RESTART_DUE (1: exit 3 follows), as
 * the commit hook gets its RINGBOOT_* (slots.c). Within HOOK_TIMEOUT and what
 * is left of BOOT_DEADLINE; a hook that fails or is killed fails the boot in
 * phase settings-hook, after everything was applied.
 */
static void boot_settings_hook(struct rb_boot *b)
{
	const char *hook = rb_config_get(b->conf, "SETTINGS_HOOK");
	char envf[4200], parf[4200], dirv[4200], envv[4250], parv[4250], why[128];
	char ev[] = "RINGBOOT_EVENT=settings", chg[] = "RINGBOOT_SETTINGS_CHANGED=0";
	char rst[] = "RINGBOOT_RESTART_DUE=0";
	char *argv[] = { (char *)hook, envf, NULL }, *envp[RB_HOOK_ENV_MAX];
	double timeout = (double)rb_config_int(b->conf, "HOOK_TIMEOUT"), left = boot_left(b);
	size_t n;
	int ph, err;

	if (!hook || !*hook)
		return;
	ph = rb_report_begin(&b->rep, "settings-hook");
	snprintf(envf, sizeof(envf), "%s/params.env", b->ctx->state_dir);
	snprintf(parf, sizeof(parf), "%s/params", b->ctx->state_dir);
	snprintf(envv, sizeof(envv), "RINGBOOT_PARAMS_ENV=%s", envf);
	snprintf(parv, sizeof(parv), "RINGBOOT_PARAMS=%s", parf);
	snprintf(dirv, sizeof(dirv), "RINGBOOT_STATE_DIR=%s", b->ctx->state_dir);
	chg[sizeof(chg) - 2] = b->settings_changed ? '1' : '0';
	rst[sizeof(rst) - 2] = b->restart_due ? '1' : '0';
	n = rb_hook_env_base(envp, RB_HOOK_ENV_MAX - 7);
	envp[n++] = ev;
	envp[n++] = envv;
	envp[n++] = parv;
	envp[n++] = dirv;
	envp[n++] = chg;
	envp[n++] = rst;
	envp[n] = NULL;
	if (left <= 0) {
		err = -ETIMEDOUT;
		snprintf(why, sizeof(why), "not run: the boot deadline of %g s passed",
			 b->o->deadline);
	} else {
		bool boot_bound = timeout <= 0 || left < timeout;

		err = rb_hook_run(argv, envp, boot_bound ? left : timeout, why, sizeof(why));
		if (err == -ETIMEDOUT && boot_bound)
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 " (at the boot deadline of %g s)", b->o->deadline);
	}
	if (err) {
		b->settings_hook_err = err;
		snprintf(b->settings_hook_why, sizeof(b->settings_hook_why),
			 "settings hook '%.300s' failed (%s)", hook, why);
		rb_report_end(&b->rep, ph, err, 0, "%s", b->settings_hook_why);
		return;
	}
	rb_report_end(&b->rep, ph, 0, 0, "%s %s: settings %s", hook, envf,
		      b->settings_changed ? "changed" : "unchanged");
}

static int boot_interpret(struct rb_boot *b, struct rb_sink_mem *m)
{
	struct rb_params *vars = script_vars(b);
	size_t len;
	char *data;
	int ph, err;

	if (!vars)
		return -ENOMEM;
	data = rb_sink_mem_take(m, &len);
	b->script.ops = &boot_script_ops;
	b->script.arg = b;
	b->script.vars = vars;
	b->script.identity_from_vars = true;	/* downloaded files: never the identity */
	b->script.seq_exact = rb_config_int(b->conf, "SEQ_EXACT") == 1;
	/* This phase spans the chain: the image and settings phases nest in it. */
	ph = rb_report_begin(&b->rep, "interpret");
	err = rb_script_run(&b->script, b->script_name, data, len);
	/* The script has no GET: the image step still runs. */
	if (!err)
		boot_image(b);
	rb_report_end(&b->rep, ph, err, 0, "%u file(s): %s%s", b->script.nfiles,
		      b->script.nfiles ? b->script.files[0] : "",
		      b->script.nfiles > 1 ? " ..." : "");
	for (size_t i = 0; i < b->script.nwarnings; i++)
		rb_warn("%s:%u: %s", b->script.warnings[i].file, b->script.warnings[i].line,
			b->script.warnings[i].message);
	free(data);
	rb_sink_mem_free(m);
	rb_params_free(vars);
	b->script.vars = NULL;
	return err;
}

/*
 * A hook event an earlier run left owed (killed between the record
 * replacement and the end of the hook) runs before anything else: the image
 * step would otherwise find APPNAME active and skip although the boot loader
 * was never told. A late commit hook means the running system did not
 * boot that image: a restart is due. When the hook fails again, the rest of
 * the boot still runs (without the image step) and the boot fails in phase
 * "hook".
 */
static void boot_settle(struct rb_boot *b)
{
	enum rb_hook_event ran = RB_HOOK_NONE;
	int ph = rb_report_begin(&b->rep, "hook"), err;

	err = rb_slots_settle(&b->slots, &ran);
	if (err) {
		b->hook_err = err;
		snprintf(b->hook_why, sizeof(b->hook_why), "%s", b->slots.why);
		rb_report_end(&b->rep, ph, err, 0, "%s", b->hook_why);
		return;
	}
	/* A late commit hook: the running system is still the old image. */
	if (ran == RB_HOOK_COMMIT)
		b->restart_due = true;
	rb_report_end(&b->rep, ph, 0, 0, "owed %s hook event for slot %c run%s",
		      rb_hook_event_name(ran), rb_slot_letter(b->slots.rec.active),
		      ran == RB_HOOK_COMMIT ? ": a restart into it is due" : "");
}

/*
 * Before anything else: the update lock, held until the boot ends (a
 * count-boot or mark-good meanwhile waits for it), and the record, read
 * once for the whole boot. A hook event the record owes runs now
 * (boot_settle). When an earlier run in this boot (count-boot, or a boot
 * run before) ran the pending image's late commit hook, this boot is still
 * the old image's: the restart into the new one is due, although nothing is
 * owed any more.
 */
static void boot_slots_first(struct rb_boot *b)
{
	b->slots_err = rb_slots_init(&b->slots, &b->o->slot.cfg);
	if (!b->slots_err)
		b->slots_err = rb_slots_lock(&b->slots, true);
	if (!b->slots_err)
		b->slots_err = rb_slots_load(&b->slots);
	if (b->slots_err)
		return;	/* the start phase fails with the reason */
	if (b->slots.rec.hook != RB_HOOK_NONE) {
		boot_settle(b);
	} else if (rb_slots_restart_due(&b->slots)) {
		b->restart_due = true;
		rb_report_skip(&b->rep, "hook", "slot %c's commit hook ran late, earlier in this boot: "
			       "the running system is still the old image; a restart into slot %c "
			       "is due", rb_slot_letter(b->slots.rec.active),
			       rb_slot_letter(b->slots.rec.active));
	}
	/* The report names the image a restart is due into, even if a later
	 * phase fails before the start phase. */
	if (b->restart_due)
		b->slots_loaded = true;
}

static const char *names_unchecked(const struct rb_boot *b)
{
	return b->o->fetch.tls_no_name_check && !b->o->fetch.tls_name ?
	       "; TLSSRVRID 0: certificate names not checked" : "";
}

int rb_boot_run(struct rb_boot *b)
{
	struct rb_resolver *dns = NULL;
	struct rb_sink_mem m;
	char path[4096];
	const char *v;
	int ph, err;

	rb_report_init(&b->rep);
	b->deadline_ns = rb_now_ns() + (uint64_t)(b->o->deadline * 1e9);
	/* An owed hook event first: it needs no network. */
	boot_slots_first(b);
	err = rb_script_init(&b->script);
	if (!err)
		err = rb_boot_params(b);
	if (err)
		goto out;
	/* The event loop, the resolver and the slot record: a phase of its own,
	 * so the timeline's top-level phases add up to the boot's total. */
	ph = rb_report_begin(&b->rep, "start");
	/*
	 * TLSSRVRID 0 turns the check of the certificate's name off (Avaya: "0
	 * Identity matching is not performed"); only the owner can (the default
	 * 1 is the owner's, the network may only raise, a file is never acted
	 * on). The chain is verified all the same.
	 */
	v = rb_params_get_trusted(b->params, "TLSSRVRID");
	b->o->fetch.tls_no_name_check = v && !strcmp(v, "0");
	if (b->o->fetch.tls_no_name_check && !b->o->fetch.tls_name)
		rb_warn("boot: TLSSRVRID 0: HTTPS servers' certificates are verified against "
			"CA_FILE, but whether they name the server is not checked");
	/* User-Agent: ringboot, its version, the model and the MAC. */
	b->o->fetch.model = rb_params_get_trusted(b->params, "MODEL");
	b->o->fetch.mac = rb_params_get_trusted(b->params, "MACADDR");
	/* Server names through the DNS servers the lease gave (DNSSRVR), in order. */
	if (!rb_resolver_from_params(&dns, b->params, 1000))
		b->o->fetch.resolver = dns;
	err = rb_loop_init(&b->loop, 256, 0);
	if (err) {
		snprintf(b->why, sizeof(b->why), "io_uring: %s", strerror(-err));
		b->fail_phase = "start";
		rb_report_end(&b->rep, ph, err, 0, "%s", b->why);
		goto out;
	}
	b->loop_ready = true;
	rb_http_pool_init(&b->pool);
	b->o->fetch.http_pool = &b->pool;
	err = b->slots_err;
	b->slots_loaded = !err;
	if (err) {
		snprintf(b->why, sizeof(b->why), "slots: %s", b->slots.why);
		b->fail_phase = "start";
		rb_report_end(&b->rep, ph, err, 0, "%s", b->why);
		goto out;
	}
	if (b->slots.rec.active >= 0)
		rb_report_end(&b->rep, ph, 0, 0, "event loop, resolver, slot record: slot %c active%s",
			      rb_slot_letter(b->slots.rec.active), names_unchecked(b));
	else
		rb_report_end(&b->rep, ph, 0, 0, "event loop, resolver, slot record: no image yet%s",
			      names_unchecked(b));
	err = fetch_script(b, &m);
	if (err)
		goto out;
	err = boot_interpret(b, &m);
	if (err) {
		snprintf(b->why, sizeof(b->why), "interpreting %s: %s", b->script_name,
			 strerror(-err));
		b->fail_phase = "interpret";
		goto out;
	}
	err = boot_apply(b);
	if (!err) {
		/* The slots are done with: the hook may run ringboot itself (status,
		 * mark-good) without waiting for the update lock. */
		rb_slots_unlock(&b->slots);
		boot_settings_hook(b);
	}
out:
	snprintf(path, sizeof(path), "%s/timeline.json", b->ctx->state_dir);
	if (rb_report_save(&b->rep, path))
		rb_warn("boot: cannot store the timeline in %s", path);
	if (b->loop_ready) {
		rb_http_pool_free(&b->pool);
		rb_loop_exit(&b->loop);
	}
	b->o->fetch.resolver = NULL;
	rb_resolver_free(dns);
	rb_slots_unlock(&b->slots);
	if (!err && b->hook_err) {
		snprintf(b->why, sizeof(b->why), "%s", b->hook_why);
		b->fail_phase = "hook";
		err = b->hook_err;
	} else if (!err && b->image_err) {
		b->fail_phase = "image";
		err = b->image_err;
	} else if (!err && b->late_phase) {
		snprintf(b->why, sizeof(b->why), "%s", b->late_why);
		b->fail_phase = b->late_phase;
		err = -ETIMEDOUT;
	} else if (!err && b->settings_hook_err) {
		snprintf(b->why, sizeof(b->why), "%s", b->settings_hook_why);
		b->fail_phase = "settings-hook";
		err = b->settings_hook_err;
	}
	b->failed = err != 0;
	/*
	 * The boot loader has been told of an image this boot is not running
	 * (committed now, or its commit hook ran late in this boot): restarting
	 * into it matters more than a failure after that, which is reported
	 * all the same (phase and reason). The new image's boot provisions again.
	 */
	if (b->restart_due)
		return RB_BOOT_EXIT_RESTART;
	return err ? RB_EXIT_FAIL : RB_EXIT_OK;
}
