// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The slot state record's text form (docs/commit.md): one "key value" per
 * line, then a "check" line holding the SHA-256 of every byte before it.
 * The record is small, human-readable, and parsed strictly: any malformed,
 * duplicate or inconsistent entry refuses the whole record.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "slots.h"

#define REC_FORMAT 1


static const char *const state_names[] = {
	[RB_SLOT_EMPTY] = "empty",
	[RB_SLOT_INVALID] = "invalid",
	[RB_SLOT_GOOD] = "good",
	[RB_SLOT_BAD] = "bad",
};

const char *rb_slot_state_name(enum rb_slot_state st)
{
	return (unsigned)st < 4 ? state_names[st] : "?";
}

static const char *const hook_names[] = {
	[RB_HOOK_NONE] = "none",
	[RB_HOOK_COMMIT] = "commit",
	[RB_HOOK_ROLLBACK] = "rollback",
	[RB_HOOK_GOOD] = "good",
};

const char *rb_hook_event_name(enum rb_hook_event ev)
{
	return (unsigned)ev < 4 ? hook_names[ev] : "?";
}

char rb_slot_letter(int slot)
{
	return slot == 0 ? 'a' : slot == 1 ? 'b' : '-';
}

static int parse_u64(const char *v, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;

	if (!*v || (v[0] == '0' && v[1]))
		return -EINVAL;	/* no empty value, no leading zeros */
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > (max - (uint64_t)(*v - '0')) / 10)
			return -EINVAL;
		n = n * 10 + (uint64_t)(*v - '0');
	}
	*out = n;
	return 0;
}

static int parse_slot_key(struct rb_slots_rec *rec, int slot, const char *key,
			  const char *val, unsigned *seen)
{
	struct rb_slot_info *si = &rec->slot[slot];
	uint64_t n;

	if (!strcmp(key, "state")) {
		for (int i = 0; i < 4; i++) {
			if (!strcmp(val, state_names[i])) {
				si->state = (enum rb_slot_state)i;
				*seen |= 1;
				return 0;
			}
		}
		return -EINVAL;
	}
	if (!strcmp(key, "name")) {
		if (strlen(val) >= sizeof(si->name) || !rb_img_field_ok(val, false))
			return -EINVAL;
		memcpy(si->name, val, strlen(val) + 1);
		*seen |= 2;
		return 0;
	}
	if (!strcmp(key, "version")) {
		if (strlen(val) >= sizeof(si->version) || !rb_img_field_ok(val, false))
			return -EINVAL;
		memcpy(si->version, val, strlen(val) + 1);
		*seen |= 4;
		return 0;
	}
	if (!strcmp(key, "sha256")) {
		if (rb_unhex(val, si->digest, sizeof(si->digest)))
			return -EINVAL;
		*seen |= 8;
		return 0;
	}
	if (!strcmp(key, "size")) {
		if (parse_u64(val, RB_IMG_MAX_PAYLOAD, &si->size))
			return -EINVAL;
		*seen |= 16;
		return 0;
	}
	if (!strcmp(key, "insecure")) {
		if (parse_u64(val, 1, &n))
			return -EINVAL;
		si->insecure = n;
		*seen |= 32;
		return 0;
	}
	return -ENOENT;
}

/* Apply one "key value" line; *seen tracks duplicates. */
static int parse_line(struct rb_slots_rec *rec, const char *key, const char *val,
		      unsigned seen[3])
{
	uint64_t n;
	unsigned before = seen[0];

	if (key[0] && key[1] == '.' && (key[0] == 'a' || key[0] == 'b')) {
		int slot = key[0] - 'a';
		unsigned was = seen[1 + slot];
		int err = parse_slot_key(rec, slot, key + 2, val, &seen[1 + slot]);

		if (err == -ENOENT)
			return 0;	/* a newer agent's field: ignored */
		if (!err && was == seen[1 + slot])
			return -EEXIST;
		return err;
	}
	if (!strcmp(key, "format")) {
		if (parse_u64(val, UINT64_MAX, &n) || n != REC_FORMAT)
			return -EPROTO;
		seen[0] |= 1;
	} else if (!strcmp(key, "generation")) {
		if (parse_u64(val, UINT64_MAX, &rec->generation))
			return -EINVAL;
		seen[0] |= 2;
	} else if (!strcmp(key, "active")) {
		if (!strcmp(val, "a") || !strcmp(val, "b"))
			rec->active = val[0] - 'a';
		else if (!strcmp(val, "none"))
			rec->active = -1;
		else
			return -EINVAL;
		seen[0] |= 4;
	} else if (!strcmp(key, "pending")) {
		if (parse_u64(val, 1, &n))
			return -EINVAL;
		rec->pending = n;
		seen[0] |= 8;
	} else if (!strcmp(key, "tries")) {
		if (parse_u64(val, 1000000, &n))
			return -EINVAL;
		rec->tries = (unsigned)n;
		seen[0] |= 16;
	} else if (!strcmp(key, "hook")) {
		/* Optional: records of earlier agents lack it (nothing owed). */
		int i;

		for (i = 0; i < 4 && strcmp(val, hook_names[i]); i++)
			;
		if (i == 4)
			return -EINVAL;
		rec->hook = (enum rb_hook_event)i;
		seen[0] |= 32;
	} else if (!strcmp(key, "floor")) {
		/* Optional: records of earlier agents lack it (derived below). */
		if (!*val || strlen(val) >= sizeof(rec->floor) || !rb_img_field_ok(val, false))
			return -EINVAL;
		memcpy(rec->floor, val, strlen(val) + 1);
		seen[0] |= 128;
	} else if (!strcmp(key, "hookboot")) {
		/* Optional: only after a late commit hook (rb_slots_restart_due). */
		if (!rb_boot_id_ok(val))
			return -EINVAL;
		memcpy(rec->hook_boot, val, RB_BOOT_ID_LEN + 1);
		seen[0] |= 64;
	} else {
		return 0;
	}
	return before == seen[0] ? -EEXIST : 0;
}

static int check_consistent(const struct rb_slots_rec *rec, char *why, size_t whylen)
{
	for (int i = 0; i < 2; i++) {
		const struct rb_slot_info *si = &rec->slot[i];

		if (si->state == RB_SLOT_GOOD && (!si->name[0] || !si->size))
			return rb_img_fail(-EBADMSG, why, whylen, "slot %c is good but has no image",
				    rb_slot_letter(i));
	}
	if (rec->active >= 0 && rec->slot[rec->active].state != RB_SLOT_GOOD)
		return rb_img_fail(-EBADMSG, why, whylen, "active slot %c is not good",
			    rb_slot_letter(rec->active));
	if (rec->active < 0 && (rec->pending || rec->tries))
		return rb_img_fail(-EBADMSG, why, whylen, "pending image without an active slot");
	if (rec->hook != RB_HOOK_NONE && rec->active < 0)
		return rb_img_fail(-EBADMSG, why, whylen, "%s hook owed without an active slot",
				   rb_hook_event_name(rec->hook));
	/* A commit makes the image pending; a rollback and mark-good confirm one. */
	if (rec->hook != RB_HOOK_NONE && rec->pending != (rec->hook == RB_HOOK_COMMIT))
		return rb_img_fail(-EBADMSG, why, whylen, "%s hook owed for %s image",
				   rb_hook_event_name(rec->hook),
				   rec->pending ? "a pending" : "a confirmed");
	/* The boot of a late commit hook: the hook has run, the image is pending. */
	if (rec->hook_boot[0] && (!rec->pending || rec->hook != RB_HOOK_NONE))
		return rb_img_fail(-EBADMSG, why, whylen, "hookboot %s",
				   !rec->pending ? "without a pending image"
						 : "while a hook event is owed");
	return 0;
}

int rb_slots_rec_parse(const char *buf, size_t len, struct rb_slots_rec *rec,
		       char *why, size_t whylen)
{
	uint8_t want[WC_SHA256_DIGEST_SIZE], got[WC_SHA256_DIGEST_SIZE];
	unsigned seen[3] = { 0, 0, 0 };
	const char *p = buf, *end = buf + len, *check = NULL;
	int lineno = 0;

	memset(rec, 0, sizeof(*rec));
	rec->active = -1;
	if (len > RB_SLOTS_RECORD_MAX)
		return rb_img_fail(-EFBIG, why, whylen, "record larger than %d bytes", RB_SLOTS_RECORD_MAX);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char line[512], *val;
		size_t n;
		int err;

		lineno++;
		if (!nl)
			return rb_img_fail(-EBADMSG, why, whylen, "line %d: not terminated", lineno);
		n = (size_t)(nl - p);
		if (n >= sizeof(line))
			return rb_img_fail(-EBADMSG, why, whylen, "line %d: too long", lineno);
		memcpy(line, p, n);
		line[n] = '\0';
		if (memchr(line, '\0', n))
			return rb_img_fail(-EBADMSG, why, whylen, "line %d: NUL byte", lineno);
		if (!strncmp(line, "check ", 6)) {
			if (rb_unhex(line + 6, want, sizeof(want)) || nl + 1 != end)
				return rb_img_fail(-EBADMSG, why, whylen, "line %d: bad check line", lineno);
			check = p;
			break;
		}
		p = nl + 1;
		if (line[0] == '#' || !line[0])
			continue;
		val = strchr(line, ' ');
		if (!val)
			return rb_img_fail(-EBADMSG, why, whylen, "line %d: no value", lineno);
		*val++ = '\0';
		err = parse_line(rec, line, val, seen);
		if (err == -EEXIST)
			return rb_img_fail(-EBADMSG, why, whylen, "line %d: '%s' given twice", lineno, line);
		if (err == -EPROTO)
			return rb_img_fail(-EPROTO, why, whylen, "unsupported record format '%s'", val);
		if (err)
			return rb_img_fail(-EBADMSG, why, whylen, "line %d: bad value for '%s'", lineno, line);
	}
	if (!check)
		return rb_img_fail(-EBADMSG, why, whylen, "record has no check line (truncated?)");
	if (wc_Sha256Hash((const uint8_t *)buf, (uint32_t)(check - buf), got))
		return -EIO;
	if (memcmp(want, got, sizeof(got)))
		return rb_img_fail(-EBADMSG, why, whylen, "record checksum mismatch");
	if ((seen[0] & 31) != 31 || !(seen[1] & 1) || !(seen[2] & 1))
		return rb_img_fail(-EBADMSG, why, whylen, "record lacks a required entry");
	/*
	 * A record written before the floor existed: the confirmed active
	 * image was the last one confirmed (an unsigned one has no version).
	 */
	if (!(seen[0] & 128) && rec->active >= 0 && !rec->pending) {
		const struct rb_slot_info *si = &rec->slot[rec->active];

		if (si->state == RB_SLOT_GOOD && !si->insecure && si->version[0])
			memcpy(rec->floor, si->version, sizeof(rec->floor));
	}
	return check_consistent(rec, why, whylen);
}

static int put(char *buf, size_t cap, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int put(char *buf, size_t cap, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= cap)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, cap - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *off)
		return -ENOSPC;
	*off += (size_t)n;
	return 0;
}

int rb_slots_rec_format(const struct rb_slots_rec *rec, char *buf, size_t cap)
{
	uint8_t sum[WC_SHA256_DIGEST_SIZE];
	char hex[2 * WC_SHA256_DIGEST_SIZE + 1];
	size_t off = 0;
	int err;

	err = put(buf, cap, &off,
		  "# ringboot slot record: replaced whole, never edited (see docs/commit.md)\n"
		  "format %d\ngeneration %" PRIu64 "\nactive %s\npending %d\ntries %u\nhook %s\n",
		  REC_FORMAT, rec->generation,
		  rec->active < 0 ? "none" : rec->active ? "b" : "a",
		  rec->pending, rec->tries, rb_hook_event_name(rec->hook));
	if (!err && rec->hook_boot[0])
		err = put(buf, cap, &off, "hookboot %s\n", rec->hook_boot);
	if (!err && rec->floor[0])
		err = put(buf, cap, &off, "floor %s\n", rec->floor);
	for (int i = 0; i < 2 && !err; i++) {
		const struct rb_slot_info *si = &rec->slot[i];
		char c = rb_slot_letter(i);

		err = put(buf, cap, &off, "%c.state %s\n", c, rb_slot_state_name(si->state));
		if (err || !si->name[0])
			continue;
		rb_hex(si->digest, sizeof(si->digest), hex);
		err = put(buf, cap, &off,
			  "%c.name %s\n%c.version %s\n%c.sha256 %s\n%c.size %" PRIu64
			  "\n%c.insecure %d\n",
			  c, si->name, c, si->version[0] ? si->version : "-", c, hex, c,
			  si->size, c, si->insecure);
	}
	if (err)
		return err;
	if (wc_Sha256Hash((const uint8_t *)buf, (uint32_t)off, sum))
		return -EIO;
	rb_hex(sum, sizeof(sum), hex);
	err = put(buf, cap, &off, "check %s\n", hex);
	return err ? err : (int)off;
}
