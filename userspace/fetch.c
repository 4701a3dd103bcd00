// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The download framework (fetch.h): scheme -> transport, deadline, sink
 * commit or abort, and the result record printed by `fetch --json`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fetch.h"
#include "log.h"
#include "tftp.h"

#define RB_TRANSPORT(sym) extern const struct rb_transport sym;
#include "transports.h"
#undef RB_TRANSPORT

static const struct rb_transport *const transports[] = {
#define RB_TRANSPORT(sym) &sym,
#include "transports.h"
#undef RB_TRANSPORT
};

const struct rb_transport *rb_fetch_transport(const char *scheme)
{
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (!strcmp(transports[i]->scheme, scheme))
			return transports[i];
	return NULL;
}

void rb_fetch_set_num(struct rb_fetch_result *r, const char *key, uint64_t v)
{
	struct rb_fetch_kv *kv = (struct rb_fetch_kv *)rb_fetch_get(r, key);

	if (!kv) {
		if (r->nopts >= RB_FETCH_MAX_OPTS)
			return;
		kv = &r->opts[r->nopts++];
	}
	kv->key = key;
	kv->is_str = false;
	kv->num = v;
}

void rb_fetch_set_str(struct rb_fetch_result *r, const char *key, const char *v)
{
	struct rb_fetch_kv *kv = (struct rb_fetch_kv *)rb_fetch_get(r, key);

	if (!kv) {
		if (r->nopts >= RB_FETCH_MAX_OPTS)
			return;
		kv = &r->opts[r->nopts++];
	}
	kv->key = key;
	kv->is_str = true;
	snprintf(kv->str, sizeof(kv->str), "%s", v);
}

const struct rb_fetch_kv *rb_fetch_get(const struct rb_fetch_result *r, const char *key)
{
	for (unsigned int i = 0; i < r->nopts; i++)
		if (!strcmp(r->opts[i].key, key))
			return &r->opts[i];
	return NULL;
}

static void deadline_fired(struct rb_loop *loop, struct rb_timer *t)
{
	struct rb_fetch *f = container_of(t, struct rb_fetch, deadline);

	rb_fetch_cancel(f, -ETIMEDOUT);
}

static void result_reset(struct rb_fetch *f)
{
	struct rb_fetch_result *r = &f->res;

	memset(r, 0, sizeof(*r));
	snprintf(r->url, sizeof(r->url), "%s", f->url_str);
	r->total = UINT64_MAX;
	r->tftp_error_code = -1;
	r->path = "user";
}

int rb_fetch_start(struct rb_fetch *f)
{
	int err;

	result_reset(f);
	f->started = f->finished = false;
	f->priv = NULL;
	rb_timer_init(&f->deadline, deadline_fired);
	err = rb_url_parse(f->url_str, &f->url);
	if (err) {
		f->res.err = err;
		snprintf(f->res.reason, sizeof(f->res.reason), "malformed URL '%.200s'",
			 f->url_str);
		return err;
	}
	f->tp = rb_fetch_transport(f->url.scheme);
	if (!f->tp) {
		f->res.err = -EPROTONOSUPPORT;
		snprintf(f->res.reason, sizeof(f->res.reason),
			 "unsupported URL scheme '%s'", f->url.scheme);
		return -EPROTONOSUPPORT;
	}
	f->res.transport = f->tp->scheme;
	f->start_ns = rb_now_ns();
	f->started = true;
	if (f->opts->deadline > 0) {
		err = rb_timer_mod(f->loop, &f->deadline,
				   (uint64_t)(f->opts->deadline * 1e9));
		if (err)
			return err;
	}
	err = f->tp->start(f);
	if (err) {
		rb_timer_del(f->loop, &f->deadline);
		rb_loop_cancel_sync(f->loop, &f->deadline.op);
		f->started = false;
		if (!f->res.err)
			f->res.err = err;
		if (!f->res.reason[0])
			snprintf(f->res.reason, sizeof(f->res.reason), "%s", strerror(-err));
		return err;
	}
	return 0;
}

void rb_fetch_cancel(struct rb_fetch *f, int err)
{
	if (f->started && !f->finished)
		f->tp->cancel(f, err);
}

void rb_fetch_finish(struct rb_fetch *f, int err)
{
	struct rb_fetch_result *r = &f->res;

	if (f->finished)
		return;
	f->finished = true;
	rb_timer_del(f->loop, &f->deadline);
	rb_loop_cancel_sync(f->loop, &f->deadline.op);
	r->bytes = f->sink->written;
	if (!err) {
		err = rb_sink_commit(f->sink);
		if (err)
			snprintf(r->reason, sizeof(r->reason), "cannot commit the download: %s",
				 strerror(-err));
	}
	/* A failed commit is a failure too: abort ends what it began (sink.h). */
	if (err)
		rb_sink_abort(f->sink);
	r->err = err;
	if (err && !r->reason[0])
		snprintf(r->reason, sizeof(r->reason), "%s", strerror(-err));
	r->seconds = (double)(rb_now_ns() - f->start_ns) / 1e9;
	if (f->done)
		f->done(f);
}

void rb_fetch_fail(struct rb_fetch *f, int err, const char *fmt, ...)
{
	va_list ap;

	if (!f->res.reason[0]) {
		va_start(ap, fmt);
		vsnprintf(f->res.reason, sizeof(f->res.reason), fmt, ap);
		va_end(ap);
	}
	rb_fetch_finish(f, err ? err : -EIO);
}

static void run_done(struct rb_fetch *f)
{
	*(bool *)f->user = true;
}

int rb_fetch_run(struct rb_loop *loop, const char *url, struct rb_sink *sink,
		 const struct rb_fetch_opts *opts, struct rb_fetch_result *res)
{
	struct rb_fetch f;
	bool done = false;
	int err;

	memset(&f, 0, sizeof(f));
	f.loop = loop;
	f.url_str = url;
	f.opts = opts;
	f.sink = sink;
	f.done = run_done;
	f.user = &done;
	err = rb_fetch_start(&f);
	if (!err) {
		err = rb_loop_run(loop, &done);
		if (err)
			rb_err("event loop: %s", strerror(-err));
		else
			err = f.res.err;
	}
	*res = f.res;
	return err;
}

void rb_fetch_result_json(struct rb_json *j, const struct rb_fetch_result *r)
{
	double secs = r->seconds > 0 ? r->seconds : 1e-9;

	rb_json_obj_begin(j);
	rb_json_key(j, "url");
	rb_json_str(j, r->url);
	rb_json_key(j, "ok");
	rb_json_bool(j, r->err == 0);
	rb_json_key(j, "error");
	if (r->err)
		rb_json_str(j, r->reason);
	else
		rb_json_null(j);
	rb_json_key(j, "transport");
	if (r->transport)
		rb_json_str(j, r->transport);
	else
		rb_json_null(j);
	rb_json_key(j, "path");
	rb_json_str(j, r->path ? r->path : "user");
	rb_json_key(j, "server");
	if (r->server[0])
		rb_json_str(j, r->server);
	else
		rb_json_null(j);
	rb_json_key(j, "bytes");
	rb_json_uint(j, r->bytes);
	rb_json_key(j, "size");
	if (r->total != UINT64_MAX)
		rb_json_uint(j, r->total);
	else
		rb_json_null(j);
	rb_json_key(j, "seconds");
	rb_json_double(j, r->seconds);
	rb_json_key(j, "throughput_bps");
	rb_json_double(j, (double)r->bytes * 8 / secs);
	rb_json_key(j, "options");
	rb_json_obj_begin(j);
	for (unsigned int i = 0; i < r->nopts; i++) {
		rb_json_key(j, r->opts[i].key);
		if (r->opts[i].is_str)
			rb_json_str(j, r->opts[i].str);
		else
			rb_json_uint(j, r->opts[i].num);
	}
	rb_json_obj_end(j);
	rb_json_key(j, "retransmits");
	rb_json_uint(j, r->retransmits);
	rb_json_key(j, "timeouts");
	rb_json_uint(j, r->timeouts);
	rb_json_key(j, "duplicates");
	rb_json_uint(j, r->duplicates);
	rb_json_key(j, "tftp_error");
	if (r->tftp_error_code >= 0) {
		rb_json_obj_begin(j);
		rb_json_key(j, "code");
		rb_json_int(j, r->tftp_error_code);
		rb_json_key(j, "message");
		rb_json_str(j, r->tftp_error_msg);
		rb_json_obj_end(j);
	} else {
		rb_json_null(j);
	}
	rb_json_obj_end(j);
}
