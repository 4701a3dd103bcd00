// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * In-process cost of interpreting one provisioning file: the file is mapped
 * once, then interpreted N times with a fresh interpreter each time (as a
 * boot would). Prints one JSON line: per-run time, throughput, peak RSS.
 *   bench_interp FILE N VAR=VALUE...
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "params.h"
#include "script.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct rb_params *vars = rb_params_new();
	double t0, best = 1e9, total = 0;
	struct rb_usage { long maxrss; } u0;
	struct rusage ru;
	struct stat st;
	size_t sets = 0;
	long n;
	int fd;
	char *map;

	if (argc < 3 || !vars)
		return 2;
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return 1;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return 1;
	n = strtol(argv[2], NULL, 10);
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq) {
			*eq = '\0';
			rb_params_set_str(vars, argv[i], eq + 1, RB_ORIGIN_CMDLINE);
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	u0.maxrss = ru.ru_maxrss;
	for (long i = 0; i < n; i++) {
		struct rb_script s;
		double dt;

		if (rb_script_init(&s))
			return 1;
		s.vars = vars;
		t0 = now();
		rb_script_run(&s, "f", map, (size_t)st.st_size);
		dt = now() - t0;
		sets = rb_params_count(s.sets);
		rb_script_free(&s);
		total += dt;
		if (dt < best)
			best = dt;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"bytes\": %lld, \"runs\": %ld, \"params\": %zu, \"mean_us\": %.1f, \"best_us\": %.1f, "
	       "\"mb_per_s\": %.0f, \"maxrss_kb_before\": %ld, \"maxrss_kb_after\": %ld}\n",
	       (long long)st.st_size, n, sets, total / (double)n * 1e6, best * 1e6,
	       (double)st.st_size / best / 1e6, u0.maxrss, ru.ru_maxrss);
	munmap(map, (size_t)st.st_size);
	rb_params_free(vars);
	return 0;
}
