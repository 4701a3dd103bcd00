// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parameter store on disk (docs/state.md): the saved layers, and the
 * shell-sourceable env file for the rest of the handset's software.
 *
 * Saved format, one layer per line, fields separated by one space:
 *   NAME KIND LINE FILE VALUE
 * KIND is rb_origin_name(); FILE is "-" (none) or "=" + encoded name; VALUE is
 * "=" + encoded value. Encoding: bytes <= 0x20, >= 0x7f and '%' as %XX, so a
 * record is one line of printable ASCII whatever a settings file contained.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "log.h"
#include "params.h"

#define PARAMS_MAGIC "# ringboot parameters v1"
#define PARAMS_FILE_MAX (64u << 20)

static void put_enc(FILE *out, const char *s, size_t len)
{
	fputc('=', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '%')
			fprintf(out, "%%%02X", c);
		else
			fputc(c, out);
	}
}

static int save_to(const struct rb_params *p, FILE *out)
{
	struct rb_param_view v;

	fprintf(out, "%s\n", PARAMS_MAGIC);
	for (size_t i = 0; i < rb_params_count(p); i++) {
		for (int r = 0; r < RB_RANKS; r++) {
			if (!rb_params_layer_at(p, i, r, &v))
				continue;
			fprintf(out, "%s %s %u ", v.name, rb_origin_name(v.origin.kind),
				v.origin.line);
			if (v.origin.file)
				put_enc(out, v.origin.file, strlen(v.origin.file));
			else
				fputc('-', out);
			fputc(' ', out);
			put_enc(out, v.value, v.value_len);
			fputc('\n', out);
		}
	}
	return ferror(out) ? -EIO : 0;
}

/* What fn prints, in a malloc'd buffer. */
static int print_via(const struct rb_params *p, int (*fn)(const struct rb_params *, FILE *),
		     char **buf, size_t *len)
{
	FILE *mem;
	int ret;

	*buf = NULL;
	*len = 0;
	mem = open_memstream(buf, len);
	if (!mem)
		return -errno;
	ret = fn(p, mem);
	if (fclose(mem) && !ret)
		ret = -EIO;
	if (ret) {
		free(*buf);
		*buf = NULL;
	}
	return ret;
}

int rb_params_save(const struct rb_params *p, const char *path)
{
	char *buf;
	size_t len;
	int ret = print_via(p, save_to, &buf, &len);

	if (!ret)
		ret = rb_atomic_write(path, buf, len, 0600);
	free(buf);
	return ret;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode "=..." in place (the result is never longer). Returns length or -1. */
static long decode(char *s)
{
	char *o = s;
	const char *i = s + 1;

	if (*s != '=')
		return -1;
	while (*i) {
		if (*i == '%') {
			int hi = hexval(i[1]), lo = hi < 0 ? -1 : hexval(i[2]);

			if (lo < 0)
				return -1;
			*o++ = (char)(hi << 4 | lo);
			i += 3;
		} else {
			*o++ = *i++;
		}
	}
	*o = '\0';
	return o - s;
}

/* Split line at single spaces into exactly n fields. */
static bool split(char *line, char **f, int n)
{
	for (int k = 0; k < n; k++) {
		f[k] = line;
		line = strchr(line, ' ');
		if (k == n - 1)
			return line == NULL;
		if (!line)
			return false;
		*line++ = '\0';
	}
	return false;
}

static int parse_line(struct rb_params *p, char *line)
{
	struct rb_origin o = { 0 };
	char *f[5], *end;
	unsigned long ln;
	long vlen;

	if (!split(line, f, 5))
		return -EBADMSG;
	o.kind = rb_origin_parse(f[1]);
	errno = 0;
	ln = strtoul(f[2], &end, 10);
	if (o.kind == RB_ORIGIN_NONE || *end || errno || ln > 0xffffffffu)
		return -EBADMSG;
	o.line = (unsigned int)ln;
	if (strcmp(f[3], "-")) {
		long flen = decode(f[3]);

		if (flen < 0 || (size_t)flen != strlen(f[3]))
			return -EBADMSG;	/* a NUL inside a file name */
		o.file = f[3];
	}
	vlen = decode(f[4]);
	if (vlen < 0)
		return -EBADMSG;
	return rb_params_set(p, f[0], strlen(f[0]), f[4], (size_t)vlen, &o) < 0 ? -EBADMSG : 0;
}

static int merge(struct rb_params *dst, const struct rb_params *src)
{
	struct rb_param_view v;
	int ret;

	for (size_t i = 0; i < rb_params_count(src); i++) {
		for (int r = 0; r < RB_RANKS; r++) {
			if (!rb_params_layer_at(src, i, r, &v))
				continue;
			ret = rb_params_set(dst, v.name, strlen(v.name), v.value,
					    v.value_len, &v.origin);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

int rb_params_parse(struct rb_params *p, const char *data, size_t len)
{
	struct rb_params *tmp;
	char *buf, *line, *next;
	int ret;

	if (len < sizeof(PARAMS_MAGIC) || memchr(data, 0, len) ||
	    memcmp(data, PARAMS_MAGIC "\n", sizeof(PARAMS_MAGIC)))
		return -EBADMSG;
	buf = malloc(len + 1);
	tmp = rb_params_new();
	if (!buf || !tmp) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(buf, data, len);
	buf[len] = '\0';
	for (line = buf + sizeof(PARAMS_MAGIC); *line; line = next) {
		next = strchr(line, '\n');
		if (!next) {
			ret = -EBADMSG;	/* a torn last record */
			goto out;
		}
		*next++ = '\0';
		ret = parse_line(tmp, line);
		if (ret)
			goto out;
	}
	ret = merge(p, tmp);
out:
	rb_params_free(tmp);
	free(buf);
	return ret;
}

int rb_params_load(struct rb_params *p, const char *path)
{
	char *buf;
	size_t len;
	int ret;

	ret = rb_read_file(path, PARAMS_FILE_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = rb_params_parse(p, buf, len);
	free(buf);
	return ret;
}

/*
 * The shell variable of a parameter (after RB_): a shell name holds
 * [A-Za-z0-9_] only, so the '-' and '.' a name may have become '_'. True
 * when that changed the name.
 */
static bool env_name(const char *name, char out[RB_PARAM_NAME_MAX + 1])
{
	bool mapped = false;
	size_t i;

	for (i = 0; name[i] && i < RB_PARAM_NAME_MAX; i++) {
		mapped |= name[i] == '-' || name[i] == '.';
		out[i] = name[i] == '-' || name[i] == '.' ? '_' : name[i];
	}
	out[i] = '\0';
	return mapped;
}

/* How many names of p with '-' or '.' map onto each variable ("1", "2"). */
static struct rb_params *count_mapped(const struct rb_params *p)
{
	struct rb_params *m = rb_params_new();
	struct rb_param_view v;
	char var[RB_PARAM_NAME_MAX + 1];

	for (size_t i = 0; m && rb_params_at(p, i, &v); i++) {
		if (env_name(v.name, var) &&
		    rb_params_set_str(m, var, rb_params_get(m, var) ? "2" : "1",
				      RB_ORIGIN_DEFAULT) < 0) {
			rb_params_free(m);
			m = NULL;
		}
	}
	return m;
}

int rb_params_format_env(const struct rb_params *p, FILE *out)
{
	struct rb_params *mapped = count_mapped(p);
	char var[RB_PARAM_NAME_MAX + 1];
	struct rb_param_view v;

	if (!mapped)
		return -ENOMEM;
	fputs("# ringboot parameters (generated; docs/state.md). Source with: . FILE\n", out);
	for (size_t i = 0; rb_params_at(p, i, &v); i++) {
		/*
		 * The name was validated ([A-Z0-9_.-]) on entry, '-' and '.'
		 * become '_'; the prefix makes it a shell identifier that cannot
		 * be PATH, IFS, LD_PRELOAD, ... A variable two parameters map
		 * onto is given to neither of the mapped ones: the name as
		 * written ([A-Z0-9_]) keeps it, the others are refused.
		 */
		if (env_name(v.name, var)) {
			if (rb_params_get(p, var) || strcmp(rb_params_get(mapped, var), "1")) {
				fprintf(out, "# %s not exported: " RB_ENV_PREFIX "%s stands for "
					"another parameter too\n", v.name, var);
				rb_warn("params.env: %s not exported: " RB_ENV_PREFIX "%s stands for "
					"another parameter too", v.name, var);
				continue;
			}
			fprintf(out, "# " RB_ENV_PREFIX "%s: %s\n", var, v.name);
		}
		fprintf(out, RB_ENV_PREFIX "%s='", var);
		for (size_t k = 0; k < v.value_len; k++) {
			if (v.value[k] == '\'')
				fputs("'\\''", out);
			else
				fputc(v.value[k], out);
		}
		fputs("'\n", out);
	}
	rb_params_free(mapped);
	return ferror(out) ? -EIO : 0;
}

/*
 * group must reach the file: the directory gets group group and search
 * permission for it (not read: the group cannot list it). Others keep what
 * they had.
 */
static int grant_dir(const char *path, gid_t group)
{
	char copy[4096];
	const char *dir;
	struct stat st;

	if (strlen(path) >= sizeof(copy))
		return -ENAMETOOLONG;
	memcpy(copy, path, strlen(path) + 1);
	dir = dirname(copy);
	if (stat(dir, &st))
		return -errno;
	if (st.st_gid != group && chown(dir, (uid_t)-1, group))
		return -errno;
	if (!(st.st_mode & S_IXGRP) && chmod(dir, (st.st_mode & 07777) | S_IXGRP))
		return -errno;
	return 0;
}

int rb_params_write_env(const struct rb_params *p, const char *path, gid_t group)
{
	struct rb_atomic a;
	char *buf;
	size_t len;
	int ret = print_via(p, rb_params_format_env, &buf, &len);

	if (!ret)
		ret = rb_atomic_open(&a, path, 0600);
	if (ret) {
		free(buf);
		return ret;
	}
	/* Created 0600; the group is set before the group may read. */
	if (group != RB_ENV_NO_GROUP && (fchown(a.fd, (uid_t)-1, group) || fchmod(a.fd, 0640)))
		ret = -errno;
	if (!ret)
		ret = rb_write_all(a.fd, buf, len);
	if (!ret && group != RB_ENV_NO_GROUP)
		ret = grant_dir(path, group);
	if (ret)
		rb_atomic_abort(&a);
	else
		ret = rb_atomic_commit(&a);
	free(buf);
	return ret;
}

int rb_params_persist(const struct rb_params *p, const char *state_dir, gid_t env_group)
{
	char path[4096], env[4096];
	int ret;

	if ((size_t)snprintf(path, sizeof(path), "%s/params", state_dir) >= sizeof(path) ||
	    (size_t)snprintf(env, sizeof(env), "%s/params.env", state_dir) >= sizeof(env))
		return -ENAMETOOLONG;
	ret = rb_params_save(p, path);
	if (!ret)
		ret = rb_params_write_env(p, env, env_group);
	return ret;
}
