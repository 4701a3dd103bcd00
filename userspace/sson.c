// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Option 242/176 strings into NAME=value pairs, and the option 43 name table
 * (see sson.h; PROVISIONING.md "DHCP").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sson.h"

/* Avaya option 43 sub-options 2..15 (96x1 H.323/SIP admin guides, "DHCP option 43"). */
static const char *const opt43_names[RB_OPT43_LAST + 1] = {
	[2] = "HTTPSRVR",
	[3] = "HTTPDIR",
	[4] = "HTTPPORT",
	[5] = "TLSSRVR",
	[6] = "TLSDIR",
	[7] = "TLSPORT",
	[8] = "TLSSRVRID",
	[9] = "L2Q",
	[10] = "L2QVLAN",
	[11] = "PHY1STAT",
	[12] = "PHY2STAT",
	[13] = "PROCSTAT",
	[14] = "SIG",
	[15] = "SIP_CONTROLLER_LIST",
};

const char *rb_opt43_name(unsigned int code)
{
	if (code < RB_OPT43_FIRST || code > RB_OPT43_LAST)
		return NULL;
	return opt43_names[code];
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char **b, const char **e)
{
	while (*b < *e && blank(**b))
		(*b)++;
	while (*e > *b && blank((*e)[-1]))
		(*e)--;
}

static struct rb_sson_pair *find_pair(struct rb_sson *out, const char *name)
{
	for (size_t i = 0; i < out->count; i++)
		if (!strcmp(out->pairs[i].name, name))
			return &out->pairs[i];
	return NULL;
}

/* Start a pair (or reset an earlier one of the same name: the later wins). */
static struct rb_sson_pair *new_pair(struct rb_sson *out, const char *nb, size_t nlen)
{
	struct rb_sson_pair *p, *n;
	char name[RB_PARAM_NAME_MAX + 1];

	for (size_t i = 0; i < nlen; i++)
		name[i] = (nb[i] >= 'a' && nb[i] <= 'z') ? (char)(nb[i] - 32) : nb[i];
	name[nlen] = '\0';
	p = find_pair(out, name);
	if (p) {
		p->value_len = 0;
		p->value[0] = '\0';
		return p;
	}
	if (out->count >= RB_SSON_MAX_PAIRS)
		return NULL;
	n = realloc(out->pairs, (out->count + 1) * sizeof(*n));
	if (!n)
		return NULL;
	out->pairs = n;
	p = &n[out->count];
	memcpy(p->name, name, nlen + 1);
	p->value = calloc(1, 1);
	p->value_len = 0;
	if (!p->value)
		return NULL;
	out->count++;
	return p;
}

/* Append sep (when non-zero) and b[0..len) to the pair's value. */
static int append(struct rb_sson_pair *p, char sep, const char *b, size_t len)
{
	size_t need = p->value_len + (sep ? 1 : 0) + len + 1;
	char *v = realloc(p->value, need);

	if (!v)
		return -ENOMEM;
	p->value = v;
	if (sep)
		v[p->value_len++] = sep;
	memcpy(v + p->value_len, b, len);
	p->value_len += len;
	v[p->value_len] = '\0';
	return 0;
}

static int token(struct rb_sson *out, struct rb_sson_pair **cur, const char *b, const char *e)
{
	const char *eq, *nb, *ne, *vb;

	trim(&b, &e);
	if (b == e)
		return 0;	/* ",," or a trailing comma */
	eq = memchr(b, '=', (size_t)(e - b));
	if (!eq) {
		/* A list continues: HTTPSRVR=a,b */
		if (!*cur) {
			out->invalid++;
			return 0;
		}
		return append(*cur, ',', b, (size_t)(e - b));
	}
	nb = b;
	ne = eq;
	trim(&nb, &ne);
	if (!rb_param_name_valid(nb, (size_t)(ne - nb))) {
		out->invalid++;
		*cur = NULL;	/* what follows cannot belong to the previous pair */
		return 0;
	}
	*cur = new_pair(out, nb, (size_t)(ne - nb));
	if (!*cur) {
		if (out->count < RB_SSON_MAX_PAIRS)
			return -ENOMEM;
		out->invalid++;	/* past the cap: counted, not kept */
		return 0;
	}
	vb = eq + 1;
	trim(&vb, &e);
	return append(*cur, 0, vb, (size_t)(e - vb));
}

int rb_sson_parse(const char *s, size_t len, struct rb_sson *out)
{
	struct rb_sson_pair *cur = NULL;
	const char *end, *tb;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (len > RB_SSON_MAX_LEN)
		return -E2BIG;
	end = memchr(s, '\0', len);
	if (!end)
		end = s + len;
	for (tb = s; tb <= end && !ret; ) {
		const char *te = memchr(tb, ',', (size_t)(end - tb));

		if (!te)
			te = end;
		ret = token(out, &cur, tb, te);
		tb = te + 1;
	}
	if (ret)
		rb_sson_free(out);
	return ret;
}

void rb_sson_free(struct rb_sson *out)
{
	for (size_t i = 0; i < out->count; i++)
		free(out->pairs[i].value);
	free(out->pairs);
	memset(out, 0, sizeof(*out));
}

int rb_sson_apply(const struct rb_sson *s, struct rb_params *p, enum rb_origin_kind kind)
{
	struct rb_origin o = { .kind = kind };
	int n = 0;

	for (size_t i = 0; i < s->count; i++) {
		const struct rb_sson_pair *pr = &s->pairs[i];
		int ret = rb_params_set(p, pr->name, strlen(pr->name), pr->value,
					pr->value_len, &o);

		if (ret < 0)
			return ret;
		n++;
	}
	return n;
}
