// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verbs `ringboot script` (interpret a provisioning file offline) and
 * `ringboot sson` (parse an option 242/176 string). docs/cli.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "json.h"
#include "log.h"
#include "ringboot.h"
#include "script.h"
#include "sson.h"
#include "verbs_decl.h"

#define SCRIPT_FILE_MAX (64u << 20)

/* GET for the offline interpreter: files beneath one directory. */
struct root {
	int dirfd;
};

/* Map a regular file read-only (no copy); empty files map to "". */
static int map_fd(int fd, struct rb_script_file *f)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((unsigned long long)st.st_size > SCRIPT_FILE_MAX)
		return -EFBIG;
	f->len = (size_t)st.st_size;
	f->cookie = NULL;
	if (!f->len) {
		f->data = "";
		return 0;
	}
	p = mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	f->data = p;
	f->cookie = p;
	return 0;
}

static void unmap(void *arg, struct rb_script_file *f)
{
	if (f->cookie)
		munmap(f->cookie, f->len);
	f->cookie = NULL;
}

/* A GET name must stay beneath the root: no absolute path, no "..". */
static bool name_beneath(const char *name)
{
	const char *p = name;

	if (name[0] == '/' || !name[0])
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return true;
}

static int root_get(void *arg, const char *name, struct rb_script_file *f)
{
	struct root *r = arg;
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
		/* Symlinks may not lead out of the root either. */
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd, ret;

	if (!name_beneath(name))
		return -EPERM;
	fd = (int)syscall(SYS_openat2, r->dirfd, name, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		/* Before Linux 5.6: only plain names, never through a symlink. */
		if (strchr(name, '/'))
			return -EPERM;
		fd = openat(r->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	}
	if (fd < 0)
		return errno == EXDEV ? -EPERM : -errno;
	ret = map_fd(fd, f);
	close(fd);
	return ret;
}

static const struct rb_script_ops root_ops = {
	.get = root_get,
	.put = unmap,
};

static void script_usage(FILE *out)
{
	fprintf(out,
		"Usage: ringboot script [--var NAME=VALUE]... [--root DIR] [--json] FILE\n"
		"Interpret an upgrade script or settings file offline. GET reads from DIR\n"
		"(default: FILE's directory). --var sets a variable seen by IF and by\n"
		"$MACADDR/$SERIALNO substitution (MODEL4=J129, APPNAME=<running image>...).\n"
		"Exit status: 0 interpreted (warnings allowed), 1 FILE unreadable, 2 usage.\n");
}

static int add_var(struct rb_params *vars, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct rb_origin o = { .kind = RB_ORIGIN_CMDLINE };
	char mac[13];
	const char *v;

	if (!eq || !rb_param_name_valid(arg, (size_t)(eq - arg))) {
		rb_err("script: --var '%s': expected NAME=VALUE", arg);
		return -EINVAL;
	}
	v = eq + 1;
	if ((size_t)(eq - arg) == 7 && !strncasecmp(arg, "MACADDR", 7)) {
		if (rb_config_norm_mac(v, mac)) {
			rb_err("script: --var '%s': not a MAC address", arg);
			return -EINVAL;
		}
		v = mac;
	}
	return rb_params_set(vars, arg, (size_t)(eq - arg), v, strlen(v), &o) < 0 ? -EINVAL : 0;
}

static void print_json(const struct rb_script *s)
{
	struct rb_param_view v;
	const char *app = rb_script_appname(s);
	struct rb_json j;

	rb_json_init(&j, stdout, false);
	rb_json_obj_begin(&j);
	rb_json_key(&j, "files");
	rb_json_arr_begin(&j);
	for (unsigned int i = 0; i < s->nfiles; i++)
		rb_json_str(&j, s->files[i]);
	rb_json_arr_end(&j);
	rb_json_key(&j, "params");
	rb_json_obj_begin(&j);
	for (size_t i = 0; rb_params_at(s->sets, i, &v); i++) {
		rb_json_key(&j, v.name);
		rb_json_strn(&j, v.value, v.value_len);
	}
	rb_json_obj_end(&j);
	rb_json_key(&j, "appname");
	if (app)
		rb_json_str(&j, app);
	else
		rb_json_null(&j);
	rb_json_key(&j, "warnings");
	rb_json_arr_begin(&j);
	for (size_t i = 0; i < s->nwarnings; i++) {
		rb_json_obj_begin(&j);
		rb_json_key(&j, "file");
		rb_json_str(&j, s->warnings[i].file);
		rb_json_key(&j, "line");
		rb_json_uint(&j, s->warnings[i].line);
		rb_json_key(&j, "message");
		rb_json_str(&j, s->warnings[i].message);
		rb_json_obj_end(&j);
	}
	rb_json_arr_end(&j);
	if (s->warnings_dropped) {
		rb_json_key(&j, "warnings_dropped");
		rb_json_uint(&j, s->warnings_dropped);
	}
	rb_json_obj_end(&j);
	rb_json_end(&j);
}

/* Text for a terminal: control bytes (a hostile file's escape sequences) as \xNN. */
static void put_safe(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void print_text(const struct rb_script *s)
{
	struct rb_param_view v;
	const char *app = rb_script_appname(s);

	printf("files:");
	for (unsigned int i = 0; i < s->nfiles; i++) {
		putchar(' ');
		put_safe(s->files[i], strlen(s->files[i]));
	}
	printf("\nappname: ");
	if (app)
		put_safe(app, strlen(app));
	else
		printf("(not set)");
	putchar('\n');
	printf("params (%zu):\n", rb_params_count(s->sets));
	for (size_t i = 0; rb_params_at(s->sets, i, &v); i++) {
		printf("  %-28s \"", v.name);
		put_safe(v.value, v.value_len);
		printf("\"  (");
		put_safe(v.origin.file, strlen(v.origin.file));
		printf(":%u)\n", v.origin.line);
	}
	printf("warnings (%zu):\n", s->nwarnings + s->warnings_dropped);
	for (size_t i = 0; i < s->nwarnings; i++) {
		printf("  ");
		put_safe(s->warnings[i].file, strlen(s->warnings[i].file));
		printf(":%u: ", s->warnings[i].line);
		put_safe(s->warnings[i].message, strlen(s->warnings[i].message));
		putchar('\n');
	}
	if (s->warnings_dropped)
		printf("  ... %zu more not shown\n", s->warnings_dropped);
}

/* Identity from --config (only when given: the offline verb stays hermetic). */
static int load_config(struct rb_ctx *ctx, struct rb_params *vars, bool *seq_exact)
{
	struct rb_config cfg;
	int ret;

	if (!ctx->config_given)
		return 0;
	ret = rb_config_load(&cfg, ctx->config);
	if (ret) {
		rb_err("script: config %s: %s", ctx->config, strerror(-ret));
		rb_config_free(&cfg);
		return ret;
	}
	for (size_t i = 0; i < cfg.run.nwarnings; i++)
		rb_warn("%s:%u: %s", cfg.run.warnings[i].file, cfg.run.warnings[i].line,
			cfg.run.warnings[i].message);
	*seq_exact = rb_config_int(&cfg, "SEQ_EXACT") == 1;
	ret = rb_config_apply(&cfg, vars);
	rb_config_free(&cfg);
	return ret;
}

int cmd_script(struct rb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "var", required_argument, NULL, 'V' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		RB_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct rb_params *vars = rb_params_new();
	struct rb_script_file top = { 0 };
	struct root root = { .dirfd = -1 };
	const char *rootdir = NULL, *path;
	struct rb_script s = { 0 };
	char *copy1 = NULL, *copy2 = NULL;
	bool seq_exact = false;
	int c, fd, err, ret = RB_EXIT_USAGE;

	if (!vars)
		return RB_EXIT_FAIL;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (rb_common_opt(ctx, c, optarg))
			continue;
		switch (c) {
		case 'V':
			if (add_var(vars, optarg))
				goto out;
			break;
		case 'r':
			rootdir = optarg;
			break;
		case 'h':
			script_usage(stdout);
			ret = RB_EXIT_OK;
			goto out;
		default:
			script_usage(stderr);
			goto out;
		}
	}
	if (optind != argc - 1) {
		script_usage(stderr);
		goto out;
	}
	path = argv[optind];
	ret = RB_EXIT_FAIL;
	if (load_config(ctx, vars, &seq_exact))
		goto out;
	/* --var (rank cmdline) wins over the configuration (rank config). */
	copy1 = strdup(path);
	copy2 = strdup(path);
	if (!copy1 || !copy2)
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rb_err("script: %s: %s", path, strerror(errno));
		goto out;
	}
	err = map_fd(fd, &top);
	close(fd);
	if (err) {
		rb_err("script: %s: %s", path, strerror(-err));
		goto out;
	}
	if (!rootdir)
		rootdir = dirname(copy1);
	root.dirfd = open(rootdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root.dirfd < 0) {
		rb_err("script: --root %s: %s", rootdir, strerror(errno));
		goto out;
	}
	if (rb_script_init(&s))
		goto out;
	s.ops = &root_ops;
	s.arg = &root;
	s.vars = vars;
	s.seq_exact = seq_exact;
	s.identity_from_vars = true;	/* as the boot: --var and --config are the identity */
	if (rb_script_run(&s, basename(copy2), top.data, top.len)) {
		rb_err("script: %s: out of memory", path);
		goto out;
	}
	if (ctx->json)
		print_json(&s);
	else
		print_text(&s);
	ret = RB_EXIT_OK;
out:
	rb_script_free(&s);
	unmap(NULL, &top);
	if (root.dirfd >= 0)
		close(root.dirfd);
	rb_params_free(vars);
	free(copy1);
	free(copy2);
	return ret;
}

int cmd_sson(struct rb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		RB_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct rb_sson s;
	struct rb_json j;
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (rb_common_opt(ctx, c, optarg))
			continue;
		if (c == 'h') {
			printf("Usage: ringboot sson [--json] STRING\n"
			       "Parse a DHCP option 242/176 string into NAME=value pairs.\n");
			return RB_EXIT_OK;
		}
		fprintf(stderr, "Usage: ringboot sson [--json] STRING\n");
		return RB_EXIT_USAGE;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "Usage: ringboot sson [--json] STRING\n");
		return RB_EXIT_USAGE;
	}
	ret = rb_sson_parse(argv[optind], strlen(argv[optind]), &s);
	if (ret) {
		rb_err("sson: %s", strerror(-ret));
		return RB_EXIT_FAIL;
	}
	if (s.invalid)
		rb_warn("sson: %zu invalid token(s) skipped", s.invalid);
	if (ctx->json) {
		rb_json_init(&j, stdout, false);
		rb_json_obj_begin(&j);
		for (size_t i = 0; i < s.count; i++) {
			rb_json_key(&j, s.pairs[i].name);
			rb_json_strn(&j, s.pairs[i].value, s.pairs[i].value_len);
		}
		rb_json_obj_end(&j);
		rb_json_end(&j);
	} else {
		for (size_t i = 0; i < s.count; i++)
			printf("%s=%s\n", s.pairs[i].name, s.pairs[i].value);
	}
	rb_sson_free(&s);
	return RB_EXIT_OK;
}
