// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the provisioning language interpreter. The input is the
 * first file; every GET is answered with a slice of the same input, so chains,
 * refused re-fetches and the 8-file limit are exercised too. After the run the
 * results are applied to a store and exported, as the boot flow does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "script.h"

struct input {
	const char *data;
	size_t len;
};

static int get(void *arg, const char *name, struct rb_script_file *f)
{
	const struct input *in = arg;
	size_t h = 0;

	/* The name picks where the "fetched" file starts; 'x*' fails like a 404. */
	if (name[0] == 'x')
		return -2;
	for (const char *p = name; *p; p++)
		h = h * 31 + (unsigned char)*p;
	h = in->len ? h % in->len : 0;
	f->data = in->data + h;
	f->len = in->len - h;
	return 0;
}

static const struct rb_script_ops ops = { .get = get };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/*
	 * Read-only across runs: the phone's identity, and where the export
	 * goes. Making them per run cost two syscalls and four stores' worth
	 * of allocation on every input, for nothing the input can reach.
	 */
	static struct rb_params *vars;
	static FILE *null;
	struct input in = { (const char *)data, size };
	struct rb_params *store = rb_params_new();
	struct rb_script s;

	if (!vars) {
		vars = rb_params_new();
		null = fopen("/dev/null", "w");
		if (!vars || !null ||
		    rb_params_set_str(vars, "MODEL4", "J129", RB_ORIGIN_CONFIG) < 0 ||
		    rb_params_set_str(vars, "MACADDR", "c81fea9b67c0", RB_ORIGIN_CONFIG) < 0 ||
		    rb_params_set_str(vars, "APPNAME", "run.bin", RB_ORIGIN_CONFIG) < 0)
			abort();
	}
	if (!rb_script_init(&s)) {
		s.ops = &ops;
		s.arg = &in;
		s.vars = vars;
		s.seq_exact = size & 1;
		rb_script_run(&s, "fuzz.txt", in.data, in.len);
		rb_script_apply(&s, store, RB_ORIGIN_FILE);
		(void)rb_script_appname(&s);
		rb_params_format_env(store, null);
	}
	rb_script_free(&s);
	rb_params_free(store);
	return 0;
}
