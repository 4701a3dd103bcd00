// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parameter store (see params.h): an insertion-ordered table of names,
 * each with one value per precedence rank, indexed by an open-addressing hash.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "param_rules.h"
#include "params.h"

struct layer {
	char *value;		/* NULL: layer absent */
	size_t len;
	enum rb_origin_kind kind;
	char *file;
	unsigned int line;
};

struct entry {
	char name[RB_PARAM_NAME_MAX + 1];
	const struct rb_param_rule *rule;	/* param_rules.h; NULL for most names */
	struct layer layers[RB_RANKS];
};

struct rb_params {
	struct entry **entries;	/* insertion order; each entry stays where it is */
	size_t count, cap;
	uint32_t *index;	/* slot -> entry + 1; 0 = empty */
	size_t nslots;		/* power of two, >= 2 * count */
	uint32_t seed;		/* per store, so a file cannot choose colliding names */
};

static const char *const origin_names[RB_ORIGIN__COUNT] = {
	[RB_ORIGIN_NONE] = "none",
	[RB_ORIGIN_DEFAULT] = "default",
	[RB_ORIGIN_CONFIG] = "config",
	[RB_ORIGIN_DHCP] = "dhcp",
	[RB_ORIGIN_OPT43] = "option43",
	[RB_ORIGIN_OPT176] = "option176",
	[RB_ORIGIN_OPT242] = "option242",
	[RB_ORIGIN_FILE] = "file",
	[RB_ORIGIN_LLDP] = "lldp",
	[RB_ORIGIN_CMDLINE] = "cmdline",
};

/* Names a STATIC bit pins to their configured value (Avaya "STATIC" parameter). */
static const char *const static_file_server[] = {
	"HTTPSRVR", "HTTPDIR", "HTTPPORT", "TLSSRVR", "TLSDIR", "TLSPORT",
	"TFTPSRVR", "TFTPDIR", NULL,
};
static const char *const static_call_server[] = {
	"MCIPADD", "MCPORT", "SIP_CONTROLLER_LIST", NULL,
};

const char *rb_origin_name(enum rb_origin_kind kind)
{
	if ((unsigned int)kind >= RB_ORIGIN__COUNT)
		return "none";
	return origin_names[kind];
}

enum rb_origin_kind rb_origin_parse(const char *s)
{
	for (int k = RB_ORIGIN_DEFAULT; k < RB_ORIGIN__COUNT; k++)
		if (!strcmp(s, origin_names[k]))
			return (enum rb_origin_kind)k;
	return RB_ORIGIN_NONE;
}

int rb_origin_rank(enum rb_origin_kind kind)
{
	switch (kind) {
	case RB_ORIGIN_DEFAULT:	return 0;
	case RB_ORIGIN_CONFIG:	return 1;
	case RB_ORIGIN_DHCP:	return 2;
	case RB_ORIGIN_OPT43:	return 3;
	case RB_ORIGIN_OPT176:	/* fall through: one site-specific rank */
	case RB_ORIGIN_OPT242:	return 4;
	case RB_ORIGIN_FILE:	return 5;
	case RB_ORIGIN_LLDP:	return 6;
	case RB_ORIGIN_CMDLINE:	return 7;
	default:		return -1;
	}
}

static char up(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

bool rb_param_name_valid(const char *name, size_t len)
{
	if (len == 0 || len > RB_PARAM_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || (i && (c == '-' || c == '.'))))
			return false;
	}
	return true;
}

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (!strcasecmp(*list, name))
			return true;
	return false;
}

/*
 * Trust-related names: a downloaded file may carry them (IP Office writes
 * TRUSTCERTS), they are kept and exported, never acted on.
 */
bool rb_param_is_trust(const char *name)
{
	const struct rb_param_rule *r = rb_param_rule(name);

	return r && r->trust;
}

/* FNV-1a over the upper-cased name, from a per-store seed. */
static uint32_t hash_name(const struct rb_params *p, const char *name, size_t len)
{
	uint32_t h = 2166136261u ^ p->seed;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)up(name[i]);
		h *= 16777619u;
	}
	return h;
}

static bool name_eq(const char *stored, const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (stored[i] != up(name[i]))
			return false;
	return stored[len] == '\0';
}

static struct entry *find(const struct rb_params *p, const char *name, size_t len)
{
	size_t mask, i;

	if (!p->nslots || !rb_param_name_valid(name, len))
		return NULL;
	mask = p->nslots - 1;
	for (i = hash_name(p, name, len) & mask; p->index[i]; i = (i + 1) & mask) {
		struct entry *e = p->entries[p->index[i] - 1];

		if (name_eq(e->name, name, len))
			return e;
	}
	return NULL;
}

/* Enter every entry into index[0..nslots), which must be all zero. */
static void index_all(const struct rb_params *p, uint32_t *index, size_t nslots)
{
	for (size_t n = 0; n < p->count; n++) {
		const char *nm = p->entries[n]->name;
		size_t i = hash_name(p, nm, strlen(nm)) & (nslots - 1);

		while (index[i])
			i = (i + 1) & (nslots - 1);
		index[i] = (uint32_t)(n + 1);
	}
}

static int rehash(struct rb_params *p, size_t nslots)
{
	uint32_t *index = calloc(nslots, sizeof(*index));

	if (!index)
		return -ENOMEM;
	index_all(p, index, nslots);
	free(p->index);
	p->index = index;
	p->nslots = nslots;
	return 0;
}

static struct entry *insert(struct rb_params *p, const char *name, size_t len, int *err)
{
	struct entry *e;
	int ret;

	if (p->count >= RB_PARAMS_MAX) {
		*err = -ENOSPC;
		return NULL;
	}
	if (p->count == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct entry **n = realloc(p->entries, cap * sizeof(*n));

		if (!n) {
			*err = -ENOMEM;
			return NULL;
		}
		p->entries = n;
		p->cap = cap;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		*err = -ENOMEM;
		return NULL;
	}
	p->entries[p->count] = e;
	for (size_t i = 0; i < len; i++)
		e->name[i] = up(name[i]);
	e->rule = rb_param_rule(e->name);
	p->count++;
	/* Keep the load factor at or below one half: grow (and rehash) rarely. */
	if (p->nslots < 2 * p->count) {
		ret = rehash(p, p->nslots ? p->nslots * 2 : 64);
		if (ret) {
			p->count--;
			free(e);
			*err = ret;
			return NULL;
		}
	} else {
		size_t mask = p->nslots - 1, i = hash_name(p, e->name, len) & mask;

		while (p->index[i])
			i = (i + 1) & mask;
		p->index[i] = (uint32_t)p->count;
	}
	return e;
}

struct rb_params *rb_params_new(void)
{
	struct rb_params *p = calloc(1, sizeof(*p));

	/* No entropy yet (early boot): the address still varies per run. */
	if (p && getrandom(&p->seed, sizeof(p->seed), GRND_NONBLOCK) != sizeof(p->seed))
		p->seed = (uint32_t)(uintptr_t)p;
	return p;
}

static void layer_clear(struct layer *l)
{
	free(l->value);
	free(l->file);
	memset(l, 0, sizeof(*l));
}

void rb_params_free(struct rb_params *p)
{
	if (!p)
		return;
	for (size_t n = 0; n < p->count; n++) {
		for (int r = 0; r < RB_RANKS; r++)
			layer_clear(&p->entries[n]->layers[r]);
		free(p->entries[n]);
	}
	free(p->entries);
	free(p->index);
	free(p);
}

static const struct layer *effective(const struct rb_params *p, const struct entry *e,
				     bool skip_file);

/* Rank a layer competes with, after the STATIC override. */
static int effective_rank(const struct rb_params *p, const struct entry *e, int rank)
{
	const struct entry *st;
	const struct layer *sl;
	long bits = 0;

	if (rank != rb_origin_rank(RB_ORIGIN_CONFIG))
		return rank * 2;
	st = find(p, "STATIC", 6);
	/* STATIC's own effective value: the network cannot clear the owner's bits. */
	if (st && st != e && (sl = effective(p, st, false)))
		bits = strtol(sl->value, NULL, 10);
	if (((bits & 1) && in_list(static_file_server, e->name)) ||
	    ((bits & 2) && in_list(static_call_server, e->name)))
		/* just below the command line */
		return rb_origin_rank(RB_ORIGIN_CMDLINE) * 2 - 1;
	return rank * 2;
}

/* Built-in defaults, the configuration, the command line: the handset's own. */
static bool owner_kind(enum rb_origin_kind kind)
{
	return kind == RB_ORIGIN_DEFAULT || kind == RB_ORIGIN_CONFIG || kind == RB_ORIGIN_CMDLINE;
}

/*
 * The layer of highest rank, skipping files when asked; then, for a guarded
 * name whose winner is the network's, the owner's value when the network's
 * would lower it (param_rules.h, docs/state.md "What the network may not lower").
 */
static const struct layer *effective(const struct rb_params *p, const struct entry *e,
				     bool skip_file)
{
	const struct layer *best = NULL, *owner = NULL;
	int best_rank = -1, owner_rank = -1;

	for (int r = 0; r < RB_RANKS; r++) {
		const struct layer *l = &e->layers[r];
		int er;

		if (!l->value)
			continue;
		if (skip_file && l->kind == RB_ORIGIN_FILE)
			continue;
		er = effective_rank(p, e, r);
		if (er > best_rank) {
			best_rank = er;
			best = l;
		}
		if (owner_kind(l->kind) && er > owner_rank) {
			owner_rank = er;
			owner = l;
		}
	}
	if (e->rule && best && owner && best != owner &&
	    !rb_param_rule_allows(e->rule, owner->value, best->value))
		return owner;
	return best;
}

int rb_params_set(struct rb_params *p, const char *name, size_t name_len,
		  const char *value, size_t value_len, const struct rb_origin *origin)
{
	int rank = rb_origin_rank(origin->kind), err = 0;
	struct entry *e;
	struct layer *l;
	char *v, *f = NULL;

	if (rank < 0 || !rb_param_name_valid(name, name_len) || memchr(value, 0, value_len))
		return -EINVAL;
	if (value_len > RB_PARAM_VALUE_MAX)
		return -E2BIG;
	/* Allocate first: a failure must not leave a new name without a layer. */
	v = malloc(value_len + 1);
	if (origin->file)
		f = strdup(origin->file);
	if (!v || (origin->file && !f)) {
		free(v);
		free(f);
		return -ENOMEM;
	}
	e = find(p, name, name_len);
	if (!e && !(e = insert(p, name, name_len, &err))) {
		free(v);
		free(f);
		return err;
	}
	memcpy(v, value, value_len);
	v[value_len] = '\0';
	l = &e->layers[rank];
	layer_clear(l);
	l->value = v;
	l->len = value_len;
	l->kind = origin->kind;
	l->file = f;
	l->line = origin->line;
	return effective(p, e, false) == l ? 1 : 0;
}

int rb_params_set_str(struct rb_params *p, const char *name, const char *value,
		      enum rb_origin_kind kind)
{
	struct rb_origin o = { .kind = kind };

	return rb_params_set(p, name, strlen(name), value, strlen(value), &o);
}

static bool entry_empty(const struct entry *e)
{
	for (int r = 0; r < RB_RANKS; r++)
		if (e->layers[r].value)
			return false;
	return true;
}

/*
 * Drop the names left without a layer, keeping the order of the others, so
 * that index i < count is always a name with a value (params.h). The index
 * is rebuilt in place: clearing never allocates, so it cannot fail.
 */
static void compact(struct rb_params *p)
{
	size_t kept = 0;

	for (size_t n = 0; n < p->count; n++) {
		if (entry_empty(p->entries[n]))
			free(p->entries[n]);
		else
			p->entries[kept++] = p->entries[n];
	}
	if (kept == p->count)
		return;
	p->count = kept;
	memset(p->index, 0, p->nslots * sizeof(*p->index));
	index_all(p, p->index, p->nslots);
}

size_t rb_params_clear_kind_except(struct rb_params *p, enum rb_origin_kind kind,
				   bool (*keep)(const char *name))
{
	int rank = rb_origin_rank(kind);
	size_t kept = 0;

	if (rank < 0)
		return 0;
	for (size_t n = 0; n < p->count; n++) {
		struct entry *e = p->entries[n];

		if (!e->layers[rank].value || e->layers[rank].kind != kind)
			continue;
		if (keep && keep(e->name))
			kept++;
		else
			layer_clear(&e->layers[rank]);
	}
	compact(p);
	return kept;
}

void rb_params_clear_kind(struct rb_params *p, enum rb_origin_kind kind)
{
	rb_params_clear_kind_except(p, kind, NULL);
}

static void fill_view(const struct entry *e, const struct layer *l, struct rb_param_view *out)
{
	out->name = e->name;
	out->value = l->value;
	out->value_len = l->len;
	out->origin.kind = l->kind;
	out->origin.file = l->file;
	out->origin.line = l->line;
}

const char *rb_params_getn(const struct rb_params *p, const char *name, size_t len)
{
	const struct entry *e;
	const struct layer *l;

	if (!p || !(e = find(p, name, len)) || !(l = effective(p, e, false)))
		return NULL;
	return l->value;
}

const char *rb_params_get(const struct rb_params *p, const char *name)
{
	return rb_params_getn(p, name, strlen(name));
}

bool rb_params_lookup(const struct rb_params *p, const char *name, struct rb_param_view *out)
{
	const struct entry *e;
	const struct layer *l;

	if (!p || !(e = find(p, name, strlen(name))) || !(l = effective(p, e, false)))
		return false;
	fill_view(e, l, out);
	return true;
}

const char *rb_params_get_trusted(const struct rb_params *p, const char *name)
{
	const struct entry *e;
	const struct layer *l;

	if (!p || !(e = find(p, name, strlen(name))))
		return NULL;
	l = effective(p, e, e->rule && e->rule->trust);
	/* The identity is the owner's: pinned above the network, and a value
	 * only the network gave is never acted on. */
	if (l && e->rule && e->rule->guard == RB_GUARD_IDENTITY && !owner_kind(l->kind))
		return NULL;
	return l ? l->value : NULL;
}

size_t rb_params_count(const struct rb_params *p)
{
	return p ? p->count : 0;
}

bool rb_params_at(const struct rb_params *p, size_t i, struct rb_param_view *out)
{
	const struct layer *l;

	if (!p || i >= p->count || !(l = effective(p, p->entries[i], false)))
		return false;
	fill_view(p->entries[i], l, out);
	return true;
}

bool rb_params_layer_at(const struct rb_params *p, size_t i, int rank,
			struct rb_param_view *out)
{
	const struct layer *l;

	if (!p || i >= p->count || rank < 0 || rank >= RB_RANKS)
		return false;
	l = &p->entries[i]->layers[rank];
	if (!l->value)
		return false;
	fill_view(p->entries[i], l, out);
	return true;
}
