// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The provisioning language interpreter (script.h, docs/script-language.md).
 *
 * The file is read in place, line by line, front to back. GOTO scans forward
 * for its tag and resumes there, so a file costs one pass however it jumps
 * (a missing tag ends the file at the end of that scan). Only SET values,
 * after $MACADDR... substitution, are copied (into the result store).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "param_rules.h"
#include "script.h"

/* One line of the current file, CR of a CRLF already removed. */
struct line {
	const char *b, *e;
	unsigned int no;
};

/* Where the interpreter is: the current file and the next unread byte. */
struct cursor {
	const char *name;	/* s->files[i] */
	const char *p, *end;
	unsigned int line;	/* number of the last line read */
	unsigned long *read;	/* lines read over the chain (s->lines) */
};

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static char up(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool ieq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (up(a[i]) != up(b[i]))
			return false;
	return true;
}

void rb_script_warn(struct rb_script *s, const char *file, unsigned int line,
		    const char *fmt, ...)
{
	struct rb_script_warning *w;
	va_list ap;
	char *msg;
	int n;

	if (s->nwarnings >= RB_SCRIPT_MAX_WARNINGS) {
		s->warnings_dropped++;
		return;
	}
	if (s->nwarnings % 16 == 0) {
		w = realloc(s->warnings, (s->nwarnings + 16) * sizeof(*w));
		if (!w) {
			s->warnings_dropped++;
			return;
		}
		s->warnings = w;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	w = &s->warnings[s->nwarnings];
	w->file = strdup(file);
	if (n < 0 || !w->file) {
		if (n >= 0)
			free(msg);
		free(w->file);
		s->warnings_dropped++;
		return;
	}
	w->message = msg;
	w->line = line;
	s->nwarnings++;
}

/* Length for "%.*s" when quoting hostile input in a warning. */
static int clip(size_t n)
{
	return n > 64 ? 64 : (int)n;
}

/* Read the next line; false at the end of the file. */
static bool next_line(struct cursor *c, struct line *l)
{
	const char *nl;

	if (c->p >= c->end)
		return false;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	l->b = c->p;
	l->e = nl ? nl : c->end;
	c->p = nl ? nl + 1 : c->end;
	if (l->e > l->b && l->e[-1] == '\r')
		l->e--;
	l->no = ++c->line;
	(*c->read)++;
	return true;
}

/* Next blank-separated token of [*p, e); false when none is left. */
static bool token(const char **p, const char *e, const char **tb, size_t *tlen)
{
	const char *q = *p;

	while (q < e && blank(*q))
		q++;
	if (q == e)
		return false;
	*tb = q;
	while (q < e && !blank(*q))
		q++;
	*tlen = (size_t)(q - *tb);
	*p = q;
	return true;
}

/* Column-1 keyword followed by a blank or tab (PROVISIONING.md). */
static bool keyword(const struct line *l, const char *kw)
{
	size_t n = strlen(kw);

	return (size_t)(l->e - l->b) > n && ieq(l->b, n, kw, n) && blank(l->b[n]);
}

/* "# tag": exactly one space after '#', one token, trailing blanks trimmed. */
static bool tag_line(const struct line *l, const char **tb, size_t *tlen)
{
	const char *b = l->b + 2, *e = l->e;

	if (e - l->b < 3 || l->b[0] != '#' || l->b[1] != ' ' || blank(*b))
		return false;
	while (e > b && blank(e[-1]))
		e--;
	for (const char *q = b; q < e; q++)
		if (blank(*q))
			return false;
	*tb = b;
	*tlen = (size_t)(e - b);
	return true;
}

/* GOTO: continue after the first "# tag" line below; false (file ends) if none. */
static bool jump(struct cursor *c, const char *tag, size_t tlen)
{
	struct line l;
	const char *tb;
	size_t n;

	while (next_line(c, &l))
		if (tag_line(&l, &tb, &n) && ieq(tb, n, tag, tlen))
			return true;
	return false;
}

/* A variable for IF: SETs of this chain first, then the caller's store. */
static const char *lookup(const struct rb_script *s, const char *name, size_t len)
{
	const char *v = NULL;

	/* APPNAME as a variable is the running image, never the SET target;
	 * the identity is the handset's, never what a downloaded file SETs. */
	if (!ieq(name, len, "APPNAME", 7) &&
	    !(s->identity_from_vars && rb_param_is_identity(name, len)))
		v = rb_params_getn(s->sets, name, len);
	if (!v)
		v = rb_params_getn(s->vars, name, len);
	if (!v && ieq(name, len, "GROUP", 5))
		v = "0";	/* guides: GROUP defaults to 0 */
	return v;
}

/* Grow the scratch buffer to hold n bytes. */
static int scratch_reserve(struct rb_script *s, size_t n)
{
	char *b;

	if (n <= s->scratch_cap)
		return 0;
	b = realloc(s->scratch, n);
	if (!b)
		return -ENOMEM;
	s->scratch = b;
	s->scratch_cap = n;
	return 0;
}

static const struct {
	const char *token;	/* after '$' */
	const char *var;
	bool upper;
} substs[] = {
	/* The _UPPER forms first: $MACADDR is their prefix. */
	{ "MACADDR_UPPER", "MACADDR", true },
	{ "MACADDR", "MACADDR", false },
	{ "SERIALNO_UPPER", "SERIALNO", true },
	{ "SERIALNO", "SERIALNO", false },
};

static int append(struct rb_script *s, size_t *o, const char *b, size_t n, bool upper)
{
	if (scratch_reserve(s, *o + n + 1))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		s->scratch[*o + i] = upper ? up(b[i]) : b[i];
	*o += n;
	return 0;
}

/*
 * Copy b[0..n) into s->scratch (NUL-terminated) with $MACADDR, $MACADDR_UPPER,
 * $SERIALNO and $SERIALNO_UPPER replaced (names case-insensitive). An unknown
 * identity value leaves the text as it is, with a warning.
 */
static int substitute(struct rb_script *s, const struct cursor *c, unsigned int line,
		      const char *b, size_t n, size_t *outlen)
{
	size_t o = 0, i = 0;

	if (scratch_reserve(s, n + 1))
		return -ENOMEM;
	while (i < n) {
		const char *d = memchr(b + i, '$', n - i);
		size_t k, lit = d ? (size_t)(d - b) - i : n - i;

		if (append(s, &o, b + i, lit, false))
			return -ENOMEM;
		i += lit;
		if (!d)
			break;
		for (k = 0; k < sizeof(substs) / sizeof(substs[0]); k++) {
			size_t tl = strlen(substs[k].token);

			if (n - i - 1 >= tl && ieq(b + i + 1, tl, substs[k].token, tl))
				break;
		}
		if (k == sizeof(substs) / sizeof(substs[0])) {
			if (append(s, &o, "$", 1, false))
				return -ENOMEM;
			i++;
			continue;
		}
		{
			const char *v = rb_params_get(s->vars, substs[k].var);
			size_t tl = strlen(substs[k].token) + 1;

			if (!v) {
				rb_script_warn(s, c->name, line,
					       "$%s is unknown; left as written",
					       substs[k].token);
				if (append(s, &o, b + i, tl, false))
					return -ENOMEM;
			} else if (append(s, &o, v, strlen(v), substs[k].upper)) {
				return -ENOMEM;
			}
			i += tl;
		}
	}
	s->scratch[o] = '\0';
	*outlen = o;
	return 0;
}

/*
 * The directory parameters keep their $MACADDR, $MODEL4, $SERIALNO as written:
 * the boot replaces them when it builds its server list, in capital letters as
 * Avaya's template says for HTTPDIR and TLSDIR (boot_servers.h), which a
 * replacement here (the MAC in lower case) would contradict.
 */
static bool is_dir_param(const char *name, size_t len)
{
	return ieq(name, len, "HTTPDIR", 7) || ieq(name, len, "TLSDIR", 6) ||
	       ieq(name, len, "TFTPDIR", 7);
}

static int copy_verbatim(struct rb_script *s, const char *b, size_t n, size_t *outlen)
{
	if (scratch_reserve(s, n + 1))
		return -ENOMEM;
	memcpy(s->scratch, b, n);
	s->scratch[n] = '\0';
	*outlen = n;
	return 0;
}

static int do_set(struct rb_script *s, struct cursor *c, const struct line *l)
{
	const char *p = l->b + 4, *nb, *vb, *ve;
	struct rb_origin o = { .kind = RB_ORIGIN_FILE, .file = c->name, .line = l->no };
	size_t nlen, vlen;
	int ret;

	if (!token(&p, l->e, &nb, &nlen)) {
		rb_script_warn(s, c->name, l->no, "SET without a name");
		return 0;
	}
	if (!rb_param_name_valid(nb, nlen)) {
		rb_script_warn(s, c->name, l->no, "SET: invalid name '%.*s'",
			       clip(nlen), nb);
		return 0;
	}
	while (p < l->e && blank(*p))
		p++;
	if (p == l->e) {
		rb_script_warn(s, c->name, l->no, "SET %.*s without a value; ignored",
			       clip(nlen), nb);
		return 0;
	}
	if (*p == '"') {
		/* A quoted value ends at the next quote; no escapes; the rest is ignored. */
		vb = p + 1;
		ve = memchr(vb, '"', (size_t)(l->e - vb));
		if (!ve) {
			rb_script_warn(s, c->name, l->no,
				       "SET %.*s: unterminated quote; ignored", clip(nlen), nb);
			return 0;
		}
	} else {
		/* ringboot rule: cut before a blank-preceded "##", then right-trim. */
		vb = p;
		ve = l->e;
		for (const char *q = vb; q + 1 < l->e; q++) {
			if (q[0] == '#' && q[1] == '#' && blank(q[-1])) {
				ve = q;
				break;
			}
		}
		while (ve > vb && blank(ve[-1]))
			ve--;
		if (ve == vb) {
			rb_script_warn(s, c->name, l->no, "SET %.*s without a value; ignored",
				       clip(nlen), nb);
			return 0;
		}
	}
	if (is_dir_param(nb, nlen))
		ret = copy_verbatim(s, vb, (size_t)(ve - vb), &vlen);
	else
		ret = substitute(s, c, l->no, vb, (size_t)(ve - vb), &vlen);
	if (ret)
		return ret;
	ret = rb_params_set(s->sets, nb, nlen, s->scratch, vlen, &o);
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0) {
		rb_script_warn(s, c->name, l->no, "SET %.*s: %s; ignored", clip(nlen), nb,
			       ret == -EINVAL ? "value holds a NUL byte" :
			       ret == -E2BIG ? "value too long" : "too many parameters");
		return 0;
	}
	if (s->ops && s->ops->on_set) {
		char name[RB_PARAM_NAME_MAX + 1];

		for (size_t i = 0; i < nlen; i++)
			name[i] = up(nb[i]);
		name[nlen] = '\0';
		s->ops->on_set(s->arg, name, s->scratch, c->name, l->no);
	}
	return 0;
}

/* Jump to tag for the GOTO (or IF) on line l; false when the file ends there. */
static bool goto_tag(struct rb_script *s, struct cursor *c, const struct line *l,
		     const char *tag, size_t tagl)
{
	if (jump(c, tag, tagl))
		return true;
	rb_script_warn(s, c->name, l->no, "GOTO %.*s: no such tag below; rest of file ignored",
		       clip(tagl), tag);
	return false;
}

/* IF $NAME SEQ token GOTO tag. Returns false when the file ends (missing tag). */
static bool do_if(struct rb_script *s, struct cursor *c, const struct line *l)
{
	const char *p = l->b + 3, *vn, *op, *tok, *kw, *tag, *val;
	size_t vnl, opl, tokl, kwl, tagl;
	bool eq;

	if (!token(&p, l->e, &vn, &vnl) || !token(&p, l->e, &op, &opl) ||
	    !token(&p, l->e, &tok, &tokl) || !token(&p, l->e, &kw, &kwl) ||
	    !token(&p, l->e, &tag, &tagl)) {
		rb_script_warn(s, c->name, l->no, "IF: expected IF $NAME SEQ value GOTO tag");
		return true;
	}
	if (vn[0] != '$' || !rb_param_name_valid(vn + 1, vnl - 1)) {
		rb_script_warn(s, c->name, l->no, "IF: '%.*s' is not a $NAME",
			       clip(vnl), vn);
		return true;
	}
	if (!ieq(op, opl, "SEQ", 3)) {
		rb_script_warn(s, c->name, l->no, "IF: unknown operator '%.*s'",
			       clip(opl), op);
		return true;
	}
	if (!ieq(kw, kwl, "GOTO", 4)) {
		rb_script_warn(s, c->name, l->no, "IF: expected GOTO, found '%.*s'",
			       clip(kwl), kw);
		return true;
	}
	val = lookup(s, vn + 1, vnl - 1);
	if (!val)
		return true;	/* unknown variable: the whole line is ignored */
	if (s->seq_exact)
		eq = strlen(val) == tokl && !memcmp(val, tok, tokl);
	else
		eq = ieq(val, strlen(val), tok, tokl);
	if (!eq)
		return true;
	return goto_tag(s, c, l, tag, tagl);
}

static bool do_goto(struct rb_script *s, struct cursor *c, const struct line *l)
{
	const char *p = l->b + 5, *tag;
	size_t tagl;

	if (!token(&p, l->e, &tag, &tagl)) {
		rb_script_warn(s, c->name, l->no, "GOTO without a tag");
		return true;
	}
	return goto_tag(s, c, l, tag, tagl);
}

/*
 * GET: returns 1 when the next file was fetched (the cursor now reads it),
 * 0 to go on with the next line, -ENOMEM.
 */
static int do_get(struct rb_script *s, struct cursor *c, const struct line *l,
		  struct rb_script_file *cur, bool *cur_owned)
{
	struct rb_script_file next = { 0 };
	const char *p = l->b + 4, *nb;
	size_t nlen, len;
	char *name;
	int ret;

	if (!token(&p, l->e, &nb, &nlen)) {
		rb_script_warn(s, c->name, l->no, "GET without a file name");
		return 0;
	}
	ret = substitute(s, c, l->no, nb, nlen, &len);
	if (ret)
		return ret;
	if (len > RB_SCRIPT_NAME_MAX || memchr(s->scratch, 0, len)) {
		rb_script_warn(s, c->name, l->no, "GET: invalid file name");
		return 0;
	}
	if (!s->ops || !s->ops->get) {
		rb_script_warn(s, c->name, l->no, "GET %s: not allowed here; ignored", s->scratch);
		return 0;
	}
	for (unsigned int i = 0; i < s->nfiles; i++) {
		if (!strcasecmp(s->files[i], s->scratch)) {
			rb_script_warn(s, c->name, l->no, "GET %s: already on the chain; ignored",
				       s->scratch);
			return 0;
		}
	}
	if (s->nfiles >= RB_SCRIPT_MAX_CHAIN) {
		rb_script_warn(s, c->name, l->no, "GET %s: chain already holds %d files; ignored",
			       s->scratch, RB_SCRIPT_MAX_CHAIN);
		return 0;
	}
	name = strdup(s->scratch);
	if (!name)
		return -ENOMEM;
	ret = s->ops->get(s->arg, name, &next);
	if (ret < 0) {
		rb_script_warn(s, c->name, l->no, "GET %s: %s; continuing", name, strerror(-ret));
		free(name);
		return 0;
	}
	/* Success: the current file is never returned to. */
	if (*cur_owned && s->ops->put)
		s->ops->put(s->arg, cur);
	*cur = next;
	*cur_owned = true;
	s->files[s->nfiles++] = name;
	c->name = name;
	c->p = next.data;
	c->end = next.data + next.len;
	c->line = 0;
	return 1;
}

int rb_script_init(struct rb_script *s)
{
	memset(s, 0, sizeof(*s));
	s->sets = rb_params_new();
	return s->sets ? 0 : -ENOMEM;
}

void rb_script_free(struct rb_script *s)
{
	rb_params_free(s->sets);
	for (unsigned int i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	for (size_t i = 0; i < s->nwarnings; i++) {
		free(s->warnings[i].file);
		free(s->warnings[i].message);
	}
	free(s->warnings);
	free(s->scratch);
	memset(s, 0, sizeof(*s));
}

int rb_script_run(struct rb_script *s, const char *name, const char *data, size_t len)
{
	struct rb_script_file cur = { .data = data, .len = len };
	bool owned = false;	/* the first file is the caller's */
	struct cursor c;
	struct line l;
	int ret = 0;

	if (s->nfiles >= RB_SCRIPT_MAX_CHAIN)
		return -E2BIG;
	s->files[s->nfiles] = strdup(name);
	if (!s->files[s->nfiles])
		return -ENOMEM;
	c.name = s->files[s->nfiles++];
	c.p = data;
	c.end = data + len;
	c.line = 0;
	c.read = &s->lines;

	while (next_line(&c, &l)) {
		if (keyword(&l, "SET")) {
			ret = do_set(s, &c, &l);
		} else if (keyword(&l, "IF")) {
			if (!do_if(s, &c, &l))
				break;
		} else if (keyword(&l, "GOTO")) {
			if (!do_goto(s, &c, &l))
				break;
		} else if (keyword(&l, "GET")) {
			ret = do_get(s, &c, &l, &cur, &owned);
			if (ret > 0)
				ret = 0;
		}
		/* Anything else, "# tag" lines included, is a comment here. */
		if (ret)
			break;
	}
	if (owned && s->ops && s->ops->put)
		s->ops->put(s->arg, &cur);
	return ret;
}

const char *rb_script_appname(const struct rb_script *s)
{
	return rb_params_get(s->sets, "APPNAME");
}

int rb_script_apply(const struct rb_script *s, struct rb_params *p, enum rb_origin_kind kind)
{
	struct rb_param_view v;

	for (size_t i = 0; rb_params_at(s->sets, i, &v); i++) {
		int ret;

		v.origin.kind = kind;
		ret = rb_params_set(p, v.name, strlen(v.name), v.value, v.value_len, &v.origin);
		if (ret < 0)
			return ret;
	}
	return 0;
}
