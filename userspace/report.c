// SPDX-License-Identifier: GPL-2.0-or-later
/* The boot timeline (report.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomicfile.h"
#include "report.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void rb_report_init(struct rb_report *r)
{
	memset(r, 0, sizeof(*r));
	r->open = -1;
	r->t0_ns = now_ns();
}

double rb_report_elapsed(const struct rb_report *r)
{
	return (double)(now_ns() - r->t0_ns) / 1e9;
}

int rb_report_begin(struct rb_report *r, const char *name)
{
	struct rb_report_phase *p;
	int i = r->n < RB_REPORT_MAX_PHASES ? (int)r->n++ : RB_REPORT_MAX_PHASES - 1;
	int parent = r->open;

	/* A full timeline reuses its last slot: never as its own parent. */
	if (parent == i)
		parent = r->ph[i].parent;
	p = &r->ph[i];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->start_ns = now_ns() - r->t0_ns;
	p->parent = parent;
	p->depth = parent >= 0 ? r->ph[parent].depth + 1 : 0;
	r->open = i;
	return i;
}

/* Phase i is over: when it (or a phase inside it) is the innermost running
 * one, its parent is again. A parent's index is always below its child's. */
static void report_close(struct rb_report *r, int i)
{
	for (int k = r->open; k >= 0; k = r->ph[k].parent) {
		if (k == i) {
			r->open = r->ph[i].parent;
			return;
		}
	}
}

void rb_report_end(struct rb_report *r, int i, int err, uint64_t bytes, const char *fmt, ...)
{
	struct rb_report_phase *p = &r->ph[i];
	va_list ap;

	p->end_ns = now_ns() - r->t0_ns;
	if (p->end_ns == p->start_ns)
		p->end_ns++;	/* "ended" stays distinguishable from "running" */
	p->err = err;
	p->bytes = bytes;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	report_close(r, i);
}

void rb_report_add(struct rb_report *r, const char *name, uint64_t start_ns, uint64_t end_ns,
		   int err, uint64_t bytes, const char *fmt, ...)
{
	int i = rb_report_begin(r, name);
	struct rb_report_phase *p = &r->ph[i];
	va_list ap;

	p->start_ns = start_ns > r->t0_ns ? start_ns - r->t0_ns : 0;
	p->end_ns = end_ns > r->t0_ns ? end_ns - r->t0_ns : 0;
	if (p->end_ns <= p->start_ns)
		p->end_ns = p->start_ns + 1;	/* ended, and never before it began */
	p->err = err;
	p->bytes = bytes;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	report_close(r, i);
}

void rb_report_skip(struct rb_report *r, const char *name, const char *fmt, ...)
{
	int i = rb_report_begin(r, name);
	struct rb_report_phase *p = &r->ph[i];
	va_list ap;

	p->end_ns = p->start_ns + 1;
	p->skipped = true;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	report_close(r, i);
}

static const char *status_of(const struct rb_report_phase *p)
{
	if (p->skipped)
		return "skipped";
	if (!p->end_ns)
		return "running";
	return p->err ? "failed" : "ok";
}

/* The boot's total so far: the latest end of any phase. */
static uint64_t report_total_ns(const struct rb_report *r)
{
	uint64_t t = 0;

	for (size_t i = 0; i < r->n; i++)
		if (r->ph[i].end_ns > t)
			t = r->ph[i].end_ns;
	return t;
}

void rb_report_print(const struct rb_report *r, FILE *out)
{
	fprintf(out, "%-14s %9s %9s %9s %12s  %-7s %s\n", "phase", "start s", "took s", "within s",
		"bytes", "status", "detail");
	for (size_t i = 0; i < r->n; i++) {
		const struct rb_report_phase *p = &r->ph[i];
		double start = (double)p->start_ns / 1e9;
		double took = p->end_ns ? (double)(p->end_ns - p->start_ns) / 1e9 : 0;
		char name[40], secs[16];
		int indent = (int)(p->depth < 4 ? p->depth : 4) * 2;

		if (p->skipped)
			took = 0;
		snprintf(name, sizeof(name), "%*s%s", indent, "", p->name);
		snprintf(secs, sizeof(secs), "%.3f", took);
		/* Top-level phases in "took s" (they add up to the total), nested
		 * ones in "within s" (their time is part of their parent's). */
		fprintf(out, "%-14s %9.3f %9s %9s %12llu  %-7s %s\n", name, start,
			p->depth ? "" : secs, p->depth ? secs : "", (unsigned long long)p->bytes,
			status_of(p), p->detail);
	}
	fprintf(out, "%-14s %9s %9.3f\n", "total", "", (double)report_total_ns(r) / 1e9);
}

void rb_report_json(const struct rb_report *r, struct rb_json *j)
{
	rb_json_arr_begin(j);
	for (size_t i = 0; i < r->n; i++) {
		const struct rb_report_phase *p = &r->ph[i];

		rb_json_obj_begin(j);
		rb_json_key(j, "phase");
		rb_json_str(j, p->name);
		rb_json_key(j, "start");
		rb_json_double(j, (double)p->start_ns / 1e9);
		rb_json_key(j, "end");
		rb_json_double(j, (double)p->end_ns / 1e9);
		rb_json_key(j, "parent");
		if (p->parent >= 0)
			rb_json_uint(j, (uint64_t)p->parent);
		else
			rb_json_null(j);
		rb_json_key(j, "depth");
		rb_json_uint(j, p->depth);
		rb_json_key(j, "bytes");
		rb_json_uint(j, p->bytes);
		rb_json_key(j, "status");
		rb_json_str(j, status_of(p));
		rb_json_key(j, "error");
		if (p->err)
			rb_json_str(j, strerror(-p->err));
		else
			rb_json_null(j);
		rb_json_key(j, "detail");
		rb_json_str(j, p->detail);
		rb_json_obj_end(j);
	}
	rb_json_arr_end(j);
}

int rb_report_save(const struct rb_report *r, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	struct rb_json j;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return -errno;
	rb_json_init(&j, f, true);
	rb_json_obj_begin(&j);
	rb_json_key(&j, "timeline");
	rb_report_json(r, &j);
	rb_json_obj_end(&j);
	rb_json_end(&j);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	err = rb_atomic_write(path, buf, len, 0644);
	free(buf);
	return err;
}
