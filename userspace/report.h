/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot's timeline: one record per phase (DHCP, script, image, verify,
 * commit, settings, ...) with its start and end relative to the start of the
 * run, the bytes it moved, how it ended and a one-line detail. Printed as a
 * table, as JSON (--json), and stored in the state directory (timeline.json).
 *
 * Phases nest: one begun while another is running belongs to it (the image
 * and settings downloads run inside the interpretation of the script, the
 * commit inside the image download). The table indents a nested phase and
 * shows its time in the "within s" column, so the "took s" column holds the
 * top-level phases only and adds up to the boot's total (the last row); the
 * JSON names each phase's parent (its index in the array) and its depth.
 */
#ifndef RINGBOOT_REPORT_H
#define RINGBOOT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

#define RB_REPORT_MAX_PHASES 64

struct rb_report_phase {
	char name[24];
	uint64_t start_ns, end_ns;	/* relative to rb_report.t0_ns; end 0: running */
	uint64_t bytes;
	int err;			/* 0 or -errno */
	bool skipped;			/* not needed (e.g. the image is already active) */
	int parent;			/* index of the enclosing phase, or -1 */
	unsigned int depth;		/* 0 for a top-level phase */
	char detail[256];
};

struct rb_report {
	uint64_t t0_ns;
	size_t n;
	int open;			/* the innermost running phase, or -1 */
	struct rb_report_phase ph[RB_REPORT_MAX_PHASES];
};

void rb_report_init(struct rb_report *r);
/* Start a phase inside the innermost running one (if any); returns its index
 * (the last slot is reused when full). */
int rb_report_begin(struct rb_report *r, const char *name);
/* End phase i with err (0 = ok), bytes and a detail line. */
__attribute__((format(printf, 5, 6)))
void rb_report_end(struct rb_report *r, int i, int err, uint64_t bytes, const char *fmt, ...);
/*
 * A phase timed elsewhere, from start_ns to end_ns (CLOCK_MONOTONIC, as the
 * report's clock), added inside the innermost running phase: the LLDP
 * listening inside DHCP, reported only once it is known to be worth a row.
 */
__attribute__((format(printf, 7, 8)))
void rb_report_add(struct rb_report *r, const char *name, uint64_t start_ns, uint64_t end_ns,
		   int err, uint64_t bytes, const char *fmt, ...);
/* A phase that did not need to run, with why. */
__attribute__((format(printf, 3, 4)))
void rb_report_skip(struct rb_report *r, const char *name, const char *fmt, ...);
/* Seconds since the start of the run. */
double rb_report_elapsed(const struct rb_report *r);

void rb_report_print(const struct rb_report *r, FILE *out);
void rb_report_json(const struct rb_report *r, struct rb_json *j);
/* Write the timeline as JSON to path, atomically. 0 or -errno. */
int rb_report_save(const struct rb_report *r, const char *path);

#endif
