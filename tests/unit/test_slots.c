// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the slot record (round trip, strict refusals) and of the
 * image sink driven directly through the sink.h contract, as a transport
 * would: odd chunk sizes across the header, rewind, unknown size, refusal
 * before any payload byte, the pending rule, rollback, already-installed,
 * and the hook event the record owes (run first by every verb, kept owed
 * while the hook fails), and the boot in which a commit hook ran late (not
 * counted, not confirmed; a later boot is). The commit as one transaction:
 * a failed record replacement (rename(2) failing here) leaves a record that
 * loads, in memory as on disk, and a record that would not load is never
 * written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "image_sink.h"
#include "slots.h"

static char dir[] = "/tmp/rb-slots-XXXXXX";
/* Boot ids (RINGBOOT_BOOT_ID) of the boots the tests pretend to be in. */
#define BOOT1 "0f3c2a9e-6b1d-4c8e-9a7f-1e2d3c4b5a69"
#define BOOT2 "7d41e0b2-93c5-4f6a-b8d7-2c1e0f9a8b76"
static const char rfc_seed_hex[] =
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static uint8_t seed[32];
static struct rb_keyring kr;

static int setup(void **state)
{
	memcpy(dir + sizeof(dir) - 7, "XXXXXX", 6);
	if (!mkdtemp(dir) || rb_unhex(rfc_seed_hex, seed, 32) ||
	    rb_key_public_of(seed, kr.key[0].pub) || rb_key_id(kr.key[0].pub, kr.key[0].id))
		return -1;
	kr.n = 1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A signed image of version, len payload bytes (pattern seeded by tag) in *out. */
static size_t make_image_v(const char *name, const char *version, uint8_t tag, size_t len,
			   uint8_t **out)
{
	struct rb_img_hdr h = { 0 };
	uint8_t *img = malloc(RB_IMG_HDR_LEN + len);

	assert_non_null(img);
	for (size_t i = 0; i < len; i++)
		img[RB_IMG_HDR_LEN + i] = (uint8_t)(i * 31 + tag);
	h.payload_len = len;
	assert_int_equal(wc_Sha256Hash(img + RB_IMG_HDR_LEN, (word32)len, h.digest), 0);
	memcpy(h.keyid, kr.key[0].id, RB_IMG_KEYID_LEN);
	snprintf(h.name, sizeof(h.name), "%s", name);
	snprintf(h.version, sizeof(h.version), "%s", version);
	snprintf(h.models, sizeof(h.models), "9611G");
	assert_int_equal(rb_img_build(&h, img), 0);
	assert_int_equal(rb_img_sign(img, seed), 0);
	*out = img;
	return RB_IMG_HDR_LEN + len;
}

static size_t make_image(const char *name, uint8_t tag, size_t len, uint8_t **out)
{
	return make_image_v(name, "1", tag, len, out);
}

static void fresh_slots(struct rb_slots *s, const char *sub)
{
	struct rb_slots_cfg cfg = { 0 };
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	cfg.state_dir = path;		/* rb_slots_init copies it */
	assert_int_equal(rb_slots_init(s, &cfg), 0);
}

/* Stream img in chunks of chunk bytes; returns the first error or commit's result. */
static int feed(struct rb_slots *s, const struct rb_image_policy *pol, const uint8_t *img,
		size_t len, size_t chunk, uint64_t announce, char *why)
{
	struct rb_image_sink is;
	int err;

	/* As a verb runs an update: the lock, the record, an owed hook event. */
	err = rb_slots_lock(s, false);
	if (!err)
		err = rb_slots_load(s);
	if (!err)
		err = rb_slots_settle(s, NULL);
	if (err) {
		if (why)
			snprintf(why, 512, "%s", s->why);
		rb_slots_unlock(s);
		return err;
	}
	assert_int_equal(rb_image_sink_init(&is, s, pol), 0);
	err = rb_sink_open(&is.sink, announce);
	for (size_t off = 0; !err && off < len; off += chunk)
		err = rb_sink_write(&is.sink, img + off, len - off < chunk ? len - off : chunk);
	if (!err)
		err = rb_sink_commit(&is.sink);
	if (err)
		rb_sink_abort(&is.sink);
	if (why)
		snprintf(why, 512, "%s", is.why);
	rb_image_sink_free(&is);
	rb_slots_unlock(s);
	return err;
}

static void record_round_trip(void **state)
{
	struct rb_slots_rec r = { .generation = 7, .active = 1, .pending = true, .tries = 2 }, p;
	char buf[RB_SLOTS_RECORD_MAX], why[256];
	int n;

	r.slot[0].state = RB_SLOT_INVALID;
	r.slot[1].state = RB_SLOT_GOOD;
	snprintf(r.slot[1].name, sizeof(r.slot[1].name), "J100.bin");
	snprintf(r.slot[1].version, sizeof(r.slot[1].version), "4.1");
	memset(r.slot[1].digest, 0x5a, 32);
	r.slot[1].size = 99;
	n = rb_slots_rec_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(rb_slots_rec_parse(buf, (size_t)n, &p, why, sizeof(why)), 0);
	assert_int_equal(p.generation, 7);
	assert_int_equal(p.active, 1);
	assert_true(p.pending);
	assert_int_equal(p.tries, 2);
	assert_int_equal(p.slot[0].state, RB_SLOT_INVALID);
	assert_string_equal(p.slot[1].name, "J100.bin");
	assert_memory_equal(p.slot[1].digest, r.slot[1].digest, 32);
	assert_int_equal(p.slot[1].size, 99);
	assert_int_equal(p.hook, RB_HOOK_NONE);
	assert_non_null(strstr(buf, "\nhook none\n"));
	/* Every owed event survives the round trip (with the pending it goes with). */
	for (int ev = RB_HOOK_NONE; ev <= RB_HOOK_GOOD; ev++) {
		r.hook = (enum rb_hook_event)ev;
		r.pending = ev == RB_HOOK_COMMIT || ev == RB_HOOK_NONE;
		n = rb_slots_rec_format(&r, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(rb_slots_rec_parse(buf, (size_t)n, &p, why, sizeof(why)), 0);
		assert_int_equal(p.hook, ev);
		assert_int_equal(p.pending, r.pending);
	}
	assert_string_equal(rb_hook_event_name(RB_HOOK_ROLLBACK), "rollback");
	/* The boot of a late commit hook: written only when there is one. */
	r.hook = RB_HOOK_NONE;
	r.pending = true;
	assert_null(strstr(buf, "hookboot"));
	snprintf(r.hook_boot, sizeof(r.hook_boot), "%s", BOOT1);
	n = rb_slots_rec_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\nhook none\nhookboot " BOOT1 "\n"));
	assert_int_equal(rb_slots_rec_parse(buf, (size_t)n, &p, why, sizeof(why)), 0);
	assert_string_equal(p.hook_boot, BOOT1);
	assert_true(p.pending);
	/* The rollback floor: written only when there is one. */
	assert_null(strstr(buf, "floor"));
	snprintf(r.floor, sizeof(r.floor), "4.1.3.0.6");
	n = rb_slots_rec_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\nfloor 4.1.3.0.6\n"));
	assert_int_equal(rb_slots_rec_parse(buf, (size_t)n, &p, why, sizeof(why)), 0);
	assert_string_equal(p.floor, "4.1.3.0.6");
}

/* A record as the agent wrote it before the hook field existed. */
static const char old_record[] =
	"# ringboot slot record: replaced whole, never edited (see docs/commit.md)\n"
	"format 1\n"
	"generation 2\n"
	"active a\n"
	"pending 1\n"
	"tries 0\n"
	"a.state good\n"
	"a.name S96x1_APP_1.tar\n"
	"a.version 1.0\n"
	"a.sha256 9aa7fdbbbbcbebee8adf8de1e184eab53681b197a4bdb162639558133d7d60d0\n"
	"a.size 3000000\n"
	"a.insecure 0\n"
	"b.state empty\n"
	"check 0439d9a9c9b2baf5f6ef07575284aed7157fee4d73547c6423cac9bf12753b3c\n";

static void record_without_hook_field(void **state)
{
	struct rb_slots_rec p;
	char buf[RB_SLOTS_RECORD_MAX], why[256];
	int n;

	assert_int_equal(rb_slots_rec_parse(old_record, strlen(old_record), &p, why, sizeof(why)), 0);
	assert_int_equal(p.hook, RB_HOOK_NONE);
	assert_string_equal(p.hook_boot, "");	/* and no late commit hook */
	assert_int_equal(p.active, 0);
	assert_true(p.pending);
	/* Written back, it gains the field (nothing owed) and parses again. */
	n = rb_slots_rec_format(&p, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\nhook none\n"));
	assert_int_equal(rb_slots_rec_parse(buf, (size_t)n, &p, why, sizeof(why)), 0);
	assert_int_equal(p.hook, RB_HOOK_NONE);
	/* Pending: the floor is not the active image's (it is not confirmed). */
	assert_string_equal(p.floor, "");
}

/* Re-checksum an edited record so only the edit itself is judged. */
static size_t reseal(char *buf)
{
	uint8_t sum[32];
	char hex[65], *check = strstr(buf, "check ");
	size_t n = (size_t)(check - buf);

	wc_Sha256Hash((uint8_t *)buf, (word32)n, sum);
	rb_hex(sum, 32, hex);
	return n + (size_t)snprintf(check, 80, "check %s\n", hex);
}

/* Replace the first from in buf by to. */
static void rec_splice(char *buf, const char *from, const char *to)
{
	char *at = strstr(buf, from);

	assert_non_null(at);
	memmove(at + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
	memcpy(at, to, strlen(to));
}

static void record_refusals(void **state)
{
	struct rb_slots_rec r = { .active = 0 }, p;
	char buf[RB_SLOTS_RECORD_MAX], edit[RB_SLOTS_RECORD_MAX], why[256];
	int n;

	r.slot[0].state = RB_SLOT_GOOD;
	snprintf(r.slot[0].name, sizeof(r.slot[0].name), "A");
	r.slot[0].size = 1;
	n = rb_slots_rec_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	/* truncated: the check line is gone */
	assert_int_equal(rb_slots_rec_parse(buf, (size_t)n - 70, &p, why, sizeof(why)), -EBADMSG);
	/* any edit without a new checksum */
	memcpy(edit, buf, (size_t)n + 1);
	edit[strstr(edit, "tries 0") - edit + 6] = '1';
	assert_int_equal(rb_slots_rec_parse(edit, (size_t)n, &p, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "checksum"));
#define EDIT(from, to, word) do { \
		char *at; size_t len; \
		memcpy(edit, buf, (size_t)n + 1); at = strstr(edit, from); assert_non_null(at); \
		memmove(at + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1); \
		memcpy(at, to, strlen(to)); len = reseal(edit); \
		assert_int_equal(rb_slots_rec_parse(edit, len, &p, why, sizeof(why)) < 0, 1); \
		assert_non_null(strstr(why, word)); } while (0)
	EDIT("tries 0\n", "tries 0\ntries 1\n", "twice");
	EDIT("tries 0\n", "tries 01\n", "bad value");
	EDIT("a.state good", "a.state torn", "bad value");
	EDIT("a.state good", "a.state invalid", "not good");	/* active must be good */
	EDIT("active a", "active c", "bad value");
	EDIT("format 1", "format 2", "format");
	EDIT("a.size 1\n", "a.size 99999999999999999999\n", "bad value");
	EDIT("b.state empty\n", "", "required");
	/* The owed hook event: a known word, once, and consistent with the record. */
	EDIT("hook none\n", "hook commit-ish\n", "bad value");
	EDIT("hook none\n", "hook Commit\n", "bad value");
	EDIT("hook none\n", "hook \n", "bad value");
	EDIT("hook none\n", "hook  commit\n", "bad value");
	EDIT("hook none\n", "hook commit \n", "bad value");
	EDIT("hook none\n", "hook 1\n", "bad value");
	EDIT("hook none\n", "hook\n", "no value");
	EDIT("hook none\n", "hook none\nhook good\n", "twice");
	EDIT("hook none\n", "hook commit\n", "confirmed");	/* a commit leaves pending 1 */
	EDIT("active a\npending 0\ntries 0\nhook none\n", "active none\npending 0\ntries 0\nhook rollback\n",
	     "without an active slot");
	EDIT("pending 0\ntries 0\nhook none\n", "pending 1\ntries 0\nhook good\n", "pending");
	EDIT("pending 0\ntries 0\nhook none\n", "pending 1\ntries 0\nhook rollback\n", "pending");
	/* The boot of a late commit hook: a boot id, once, for a pending image
	 * whose hook has run. */
#define LATE(line) "pending 1\ntries 0\nhook none\n" line
	{
		static const char *const bad[] = {
			"hookboot 0F3C2A9E-6B1D-4C8E-9A7F-1E2D3C4B5A69\n",	/* upper case */
			"hookboot 0f3c2a9e6b1d4c8e9a7f1e2d3c4b5a69\n",	/* no dashes */
			"hookboot 0f3c2a9e-6b1d-4c8e-9a7f-1e2d3c4b5a6\n",	/* short */
			"hookboot 0f3c2a9e-6b1d-4c8e-9a7f-1e2d3c4b5a690\n",	/* long */
			"hookboot 0f3c2a9e-6b1d-4c8e-9a7f-1e2d3c4b5a6g\n",	/* not hex */
			"hookboot 0f3c2a9e-6b1d-4c8e-9a7f-1e2d3c4b5a69 \n",	/* trailing blank */
			"hookboot  0f3c2a9e-6b1d-4c8e-9a7f-1e2d3c4b5a69\n",	/* two blanks */
			"hookboot 0f3c2a9e:6b1d-4c8e-9a7f-1e2d3c4b5a69\n",	/* not a dash */
			"hookboot -\n",
			"hookboot none\n",
			"hookboot \n",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char to[200];

			snprintf(to, sizeof(to), LATE("%s"), bad[i]);
			EDIT("pending 0\ntries 0\nhook none\n", to, "bad value");
		}
	}
	EDIT("pending 0\ntries 0\nhook none\n", LATE("hookboot\n"), "no value");
	EDIT("pending 0\ntries 0\nhook none\n",
	     LATE("hookboot " BOOT1 "\nhookboot " BOOT2 "\n"), "twice");
	EDIT("hook none\n", "hook none\nhookboot " BOOT1 "\n", "without a pending image");
	EDIT("pending 0\ntries 0\nhook none\n", "pending 1\ntries 0\nhook commit\nhookboot " BOOT1 "\n",
	     "owed");
	/* The rollback floor: a version, once. */
	EDIT("hook none\n", "hook none\nfloor \n", "bad value");
	EDIT("hook none\n", "hook none\nfloor\n", "no value");
	EDIT("hook none\n", "hook none\nfloor 1.0\nfloor 2.0\n", "twice");
	EDIT("hook none\n", "hook none\nfloor 1,0\n", "bad value");
	EDIT("hook none\n", "hook none\nfloor 1.0 2\n", "bad value");
	EDIT("hook none\n", "hook none\nfloor "
	      "1234567890123456789012345678901234567890123456789012345678901234\n", "bad value");
#undef EDIT
	/* ... while the consistent owed events parse. */
	{
		static const enum rb_hook_event want[] = { RB_HOOK_COMMIT, RB_HOOK_GOOD,
							   RB_HOOK_ROLLBACK };
		static const char *const ok[][2] = {
			{ "pending 0\ntries 0\nhook none\n", "pending 1\ntries 0\nhook commit\n" },
			{ "hook none\n", "hook good\n" },
			{ "hook none\n", "hook rollback\n" },
		};

		for (size_t i = 0; i < 3; i++) {
			char *at;

			memcpy(edit, buf, (size_t)n + 1);
			at = strstr(edit, ok[i][0]);
			assert_non_null(at);
			memmove(at + strlen(ok[i][1]), at + strlen(ok[i][0]),
				strlen(at + strlen(ok[i][0])) + 1);
			memcpy(at, ok[i][1], strlen(ok[i][1]));
			assert_int_equal(rb_slots_rec_parse(edit, reseal(edit), &p, why, sizeof(why)), 0);
			assert_int_equal(p.hook, want[i]);
		}
	}
	/* ... and a pending image with the boot of its late commit hook parses. */
	{
		static const char from[] = "pending 0\ntries 0\nhook none\n";
		static const char to[] = LATE("hookboot " BOOT2 "\n");
		char *at;

		memcpy(edit, buf, (size_t)n + 1);
		at = strstr(edit, from);
		assert_non_null(at);
		memmove(at + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
		memcpy(at, to, strlen(to));
		assert_int_equal(rb_slots_rec_parse(edit, reseal(edit), &p, why, sizeof(why)), 0);
		assert_string_equal(p.hook_boot, BOOT2);
	}
#undef LATE
	/* A confirmed record without the line: the active image's version. */
	memcpy(edit, buf, (size_t)n + 1);
	rec_splice(edit, "a.version -\n", "a.version 6.6.4.0\n");
	assert_int_equal(rb_slots_rec_parse(edit, reseal(edit), &p, why, sizeof(why)), 0);
	assert_string_equal(p.floor, "6.6.4.0");
	/* A newer agent's extra key is ignored. */
	memcpy(edit, buf, (size_t)n + 1);
	{
		char *at = strstr(edit, "tries 0\n") + 8;

		memmove(at + 11, at, strlen(at) + 1);
		memcpy(at, "future 123\n", 11);
		assert_int_equal(rb_slots_rec_parse(edit, reseal(edit), &p, why, sizeof(why)), 0);
	}
}

static void sink_streams_in_any_chunking(void **state)
{
	const char *models[] = { "9611G" };
	struct rb_image_policy pol = { .keys = &kr, .models = models, .nmodels = 1 };
	static const size_t chunks[] = { 1, 7, 512, 4095, 4097, 65464, 1 << 20 };
	struct rb_slots s;
	uint8_t *img, d[32];
	size_t len = make_image("CHUNKY", 3, 300001, &img);
	char why[512];

	fresh_slots(&s, "chunks");
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		uint64_t announce = i & 1 ? RB_SINK_SIZE_UNKNOWN : len;

		assert_int_equal(feed(&s, &pol, img, len, chunks[i], announce, why), 0);
		assert_int_equal(rb_slots_load(&s), 0);
		assert_true(rb_slots_active_is(&s, "CHUNKY", NULL));
		assert_int_equal(rb_slots_hash(&s, s.rec.active, 300001, d), 0);
		assert_memory_equal(d, s.rec.slot[s.rec.active].digest, 32);
		/* Same image again: nothing to do. */
		assert_int_equal(feed(&s, &pol, img, len, 4096, len, why), -EALREADY);
		/* Next round writes the other slot: confirm and change the content. */
		assert_int_equal(rb_slots_lock(&s, true), 0);
		assert_int_equal(rb_slots_load(&s), 0);
		assert_int_equal(rb_slots_mark_good(&s), 0);
		rb_slots_unlock(&s);
		free(img);
		len = make_image("CHUNKY", (uint8_t)(10 + i), 300001, &img);
	}
	free(img);
}

/* A sink that cannot start (no trusted key) owns nothing: a caller that
 * does not free it leaks nothing (LeakSanitizer in the ASan build). */
static void sink_init_refused_owns_nothing(void **state)
{
	struct rb_keyring none = { 0 };
	struct rb_image_policy pol = { .keys = &none };
	struct rb_image_sink is;
	struct rb_slots s;

	fresh_slots(&s, "nokey");
	assert_int_equal(rb_image_sink_init(&is, &s, &pol), -ENOKEY);
	assert_null(is.buf);
}

static void sink_rewind_restarts(void **state)
{
	struct rb_image_policy pol = { .keys = &kr };
	struct rb_image_sink is;
	struct rb_slots s;
	uint8_t *img, *other;
	size_t len = make_image("REWOUND", 1, 100000, &img);

	make_image("REWOUND", 2, 100000, &other);
	fresh_slots(&s, "rewind");
	assert_int_equal(rb_slots_lock(&s, false), 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(rb_image_sink_init(&is, &s, &pol), 0);
	assert_int_equal(rb_sink_open(&is.sink, RB_SINK_SIZE_UNKNOWN), 0);
	/* Half of a different image, then a rewind (HTTP 200 to a Range). */
	assert_int_equal(rb_sink_write(&is.sink, other, 50000), 0);
	assert_int_equal(rb_sink_rewind(&is.sink), 0);
	assert_int_equal(rb_sink_write(&is.sink, img, len), 0);
	assert_int_equal(rb_sink_commit(&is.sink), 0);
	rb_image_sink_free(&is);
	rb_slots_unlock(&s);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_true(rb_slots_active_is(&s, "REWOUND", NULL));
	assert_memory_equal(s.rec.slot[0].digest, img + RB_IMG_OFF_DIGEST, 32);
	free(img);
	free(other);
}

static void refused_header_writes_nothing(void **state)
{
	const char *models[] = { "J179" };
	struct rb_image_policy pol = { .keys = &kr, .models = models, .nmodels = 1 };
	struct rb_slots s;
	struct stat st;
	uint8_t *img;
	size_t len = make_image("WRONGMODEL", 1, 5000, &img);
	char why[512], path[300];

	fresh_slots(&s, "refuse");
	assert_int_equal(feed(&s, &pol, img, len, 512, len, why), -EMEDIUMTYPE);
	assert_non_null(strstr(why, "not J179"));
	snprintf(path, sizeof(path), "%s/refuse/slot-a", dir);
	assert_int_equal(stat(path, &st), -1);		/* the slot was never opened */
	snprintf(path, sizeof(path), "%s/refuse/" RB_SLOTS_RECORD, dir);
	assert_int_equal(stat(path, &st), -1);		/* nor the record written */
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(s.rec.slot[0].state, RB_SLOT_EMPTY);
	assert_int_equal(s.rec.active, -1);
	free(img);
}

static void pending_blocks_and_rollback(void **state)
{
	struct rb_image_policy pol = { .keys = &kr };
	struct rb_slots s;
	uint8_t *one, *two;
	size_t l1 = make_image("ONE", 1, 9000, &one), l2 = make_image("TWO", 2, 9000, &two);
	bool rolled;
	char why[512];

	fresh_slots(&s, "pending");
	s.cfg.max_tries = 1;
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), 0);
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), -EBUSY);
	assert_non_null(strstr(why, "mark-good"));
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(rb_slots_mark_good(&s), 0);
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	assert_false(rolled);
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	assert_true(rolled);
	assert_true(rb_slots_active_is(&s, "ONE", NULL));
	assert_false(s.rec.pending);
	assert_int_equal(s.rec.slot[1].state, RB_SLOT_BAD);
	free(one);
	free(two);
}

/* A commit hook that logs "EVENT SLOT" and fails while FILE hook.fail exists. */
static void make_hook(const char *sub, char *hook, size_t cap)
{
	FILE *f;

	snprintf(hook, cap, "%s/%s-hook.sh", dir, sub);
	f = fopen(hook, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\necho \"$RINGBOOT_EVENT $1\" >> \"$RINGBOOT_STATE_DIR/hook.log\"\n"
		   "[ ! -e \"$RINGBOOT_STATE_DIR/hook.fail\" ]\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(hook, 0755), 0);
}

/* The hook log of state directory sub, as one string ("" when none). */
static const char *hook_log(const char *sub)
{
	static char text[4096];
	char path[300];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s/hook.log", dir, sub);
	f = fopen(path, "r");
	if (!f)
		return "";
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void hook_fails(const char *sub, bool fails)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s/hook.fail", dir, sub);
	if (fails)
		assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0644)), 0);
	else
		unlink(path);
}

/* What a kill between the record replacement and the end of the hook leaves. */
static void leave_owed(struct rb_slots *s, enum rb_hook_event ev)
{
	assert_int_equal(rb_slots_lock(s, true), 0);
	assert_int_equal(rb_slots_load(s), 0);
	s->rec.hook = ev;
	assert_int_equal(rb_slots_save(s), 0);
	rb_slots_unlock(s);
}

/* Load the record (with the lock, as a verb would). */
static void relock(struct rb_slots *s)
{
	rb_slots_unlock(s);
	assert_int_equal(rb_slots_lock(s, true), 0);
	assert_int_equal(rb_slots_load(s), 0);
}

/* Another ringboot process, in the boot with id boot_id ("": as given). */
static void next_run(struct rb_slots *s, const char *boot_id)
{
	struct rb_slots_cfg cfg = s->cfg;
	char path[sizeof(s->dir)];

	memcpy(path, s->dir, sizeof(path));
	cfg.state_dir = path;
	if (*boot_id)
		assert_int_equal(setenv("RINGBOOT_BOOT_ID", boot_id, 1), 0);
	rb_slots_unlock(s);
	assert_int_equal(rb_slots_init(s, &cfg), 0);
	assert_int_equal(rb_slots_lock(s, true), 0);
	assert_int_equal(rb_slots_load(s), 0);
}

static void owed_hook_runs_first(void **state)
{
	struct rb_image_policy pol = { .keys = &kr };
	struct rb_slots s;
	uint8_t *one, *two;
	size_t l1 = make_image("ONE", 1, 9000, &one), l2 = make_image("TWO", 2, 9000, &two);
	char hook[300], why[512];
	uint64_t gen;
	bool rolled;

	make_hook("owed", hook, sizeof(hook));
	assert_int_equal(setenv("RINGBOOT_BOOT_ID", BOOT1, 1), 0);
	fresh_slots(&s, "owed");
	s.cfg.hook = hook;
	s.cfg.max_tries = 1;
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), 0);
	assert_string_equal(hook_log("owed"), "commit a\n");
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(s.rec.hook, RB_HOOK_NONE);	/* cleared once the hook ran */

	/* Killed before the commit hook completed: the record owes it. */
	leave_owed(&s, RB_HOOK_COMMIT);
	relock(&s);
	gen = s.rec.generation;
	/* A failing hook: mark-good confirms nothing, the event stays owed. */
	hook_fails("owed", true);
	assert_int_equal(rb_slots_mark_good(&s), -ECANCELED);
	assert_non_null(strstr(s.why, hook));
	assert_non_null(strstr(s.why, "event commit"));
	assert_non_null(strstr(s.why, "stays owed"));
	relock(&s);
	assert_int_equal(s.rec.generation, gen);
	assert_true(s.rec.pending);
	assert_int_equal(s.rec.hook, RB_HOOK_COMMIT);
	/* count-boot neither counts nor rolls back. */
	assert_int_equal(rb_slots_count_boot(&s, &rolled), -ECANCELED);
	assert_false(rolled);
	relock(&s);
	assert_int_equal(s.rec.generation, gen);
	assert_int_equal(s.rec.tries, 0);
	rb_slots_unlock(&s);
	/* An update neither: the inactive slot is not even marked invalid. */
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), -ECANCELED);
	assert_non_null(strstr(why, "event commit"));
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(s.rec.generation, gen);
	assert_int_equal(s.rec.slot[1].state, RB_SLOT_EMPTY);
	/* No hook configured: refused too, still owed. */
	s.cfg.hook = NULL;
	relock(&s);
	assert_int_equal(rb_slots_mark_good(&s), -ENOENT);
	assert_non_null(strstr(s.why, "no commit hook is configured"));
	s.cfg.hook = hook;
	assert_string_equal(hook_log("owed"), "commit a\ncommit a\ncommit a\ncommit a\n");

	/* The hook works again: the next verb runs it once. It ran late, so
	 * this boot is the old image's: not counted, and not confirmed. */
	hook_fails("owed", false);
	relock(&s);
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	assert_string_equal(hook_log("owed"), "commit a\ncommit a\ncommit a\ncommit a\ncommit a\n");
	relock(&s);
	assert_int_equal(s.rec.hook, RB_HOOK_NONE);
	assert_int_equal(s.rec.tries, 0);
	assert_string_equal(s.rec.hook_boot, BOOT1);
	assert_int_equal(rb_slots_mark_good(&s), -EAGAIN);
	/* In the next boot the image runs: counted, then confirmed. */
	next_run(&s, BOOT2);
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	relock(&s);
	assert_int_equal(s.rec.tries, 1);
	assert_string_equal(s.rec.hook_boot, "");
	assert_int_equal(rb_slots_mark_good(&s), 0);
	assert_non_null(strstr(hook_log("owed"), "commit a\ngood a\n"));
	relock(&s);
	assert_false(s.rec.pending);
	assert_int_equal(s.rec.hook, RB_HOOK_NONE);
	rb_slots_unlock(&s);

	/* Killed before the mark-good hook completed: the next update tells it first. */
	leave_owed(&s, RB_HOOK_GOOD);
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), 0);
	assert_non_null(strstr(hook_log("owed"), "good a\ngood a\ncommit b\n"));

	/* A rollback whose hook fails: rolled back, the rollback event owed. */
	relock(&s);
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	hook_fails("owed", true);
	assert_int_equal(rb_slots_count_boot(&s, &rolled), -ECANCELED);
	assert_true(rolled);
	assert_non_null(strstr(s.why, "event rollback"));
	relock(&s);
	assert_int_equal(s.rec.active, 0);
	assert_int_equal(s.rec.slot[1].state, RB_SLOT_BAD);
	assert_int_equal(s.rec.hook, RB_HOOK_ROLLBACK);
	hook_fails("owed", false);
	{
		enum rb_hook_event ran;

		assert_int_equal(rb_slots_settle(&s, &ran), 0);
		assert_int_equal(ran, RB_HOOK_ROLLBACK);
		assert_int_equal(rb_slots_settle(&s, &ran), 0);	/* nothing owed any more */
		assert_int_equal(ran, RB_HOOK_NONE);
	}
	relock(&s);
	assert_int_equal(s.rec.hook, RB_HOOK_NONE);
	rb_slots_unlock(&s);
	assert_non_null(strstr(hook_log("owed"), "commit b\nrollback a\nrollback a\n"));
	unsetenv("RINGBOOT_BOOT_ID");
	free(one);
	free(two);
}

/*
 * A commit hook run late (owed from a killed run) means the running system
 * was started before the boot loader was told: in that boot, whichever run
 * ran the hook, count-boot counts nothing and mark-good confirms nothing. A
 * later boot counts and confirms. The hook of a commit run by the committing
 * run itself is not late.
 */
static void late_commit_hook_boot(void **state)
{
	struct rb_image_policy pol = { .keys = &kr };
	struct rb_slots s;
	uint8_t *one, *two;
	size_t l1 = make_image("ONE", 1, 9000, &one), l2 = make_image("TWO", 2, 9000, &two);
	char hook[300], why[512], boot_id[RB_BOOT_ID_LEN + 1];
	uint64_t gen;
	bool rolled;

	/* The kernel's own boot id is one. */
	unsetenv("RINGBOOT_BOOT_ID");
	if (!rb_boot_id_read(boot_id))
		assert_true(rb_boot_id_ok(boot_id));
	assert_true(rb_boot_id_ok(BOOT1));
	assert_false(rb_boot_id_ok("0f3c2a9e-6b1d-4c8e-9a7f-1e2d3c4b5a6"));
	assert_false(rb_boot_id_ok(""));
	assert_int_equal(setenv("RINGBOOT_BOOT_ID", "0F3C2A9E-6B1D-4C8E-9A7F-1E2D3C4B5A69", 1), 0);
	assert_int_equal(rb_boot_id_read(boot_id), -EINVAL);
	assert_int_equal(setenv("RINGBOOT_BOOT_ID", BOOT1, 1), 0);
	assert_int_equal(rb_boot_id_read(boot_id), 0);
	assert_string_equal(boot_id, BOOT1);

	make_hook("late", hook, sizeof(hook));
	fresh_slots(&s, "late");
	s.cfg.hook = hook;
	/* A commit whose own run ran the hook: confirmed in the same boot. */
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_false(rb_slots_restart_due(&s));
	assert_string_equal(s.rec.hook_boot, "");
	assert_int_equal(rb_slots_mark_good(&s), 0);

	/* The update to TWO killed before its hook; then count-boot runs it. */
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), 0);
	leave_owed(&s, RB_HOOK_COMMIT);
	next_run(&s, BOOT1);
	assert_false(rb_slots_restart_due(&s));	/* not before the hook ran */
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	assert_false(rolled);
	assert_true(rb_slots_restart_due(&s));
	assert_string_equal(hook_log("late"), "commit a\ngood a\ncommit b\ncommit b\n");
	relock(&s);
	assert_int_equal(s.rec.tries, 0);
	assert_int_equal(s.rec.hook, RB_HOOK_NONE);
	assert_string_equal(s.rec.hook_boot, BOOT1);
	gen = s.rec.generation;

	/* Later runs in the same boot know it from the record. */
	next_run(&s, BOOT1);
	assert_true(rb_slots_restart_due(&s));
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	assert_int_equal(rb_slots_mark_good(&s), -EAGAIN);
	assert_non_null(strstr(s.why, "slot b's commit hook ran during this boot"));
	assert_non_null(strstr(s.why, "still the old image"));
	relock(&s);
	assert_int_equal(s.rec.generation, gen);	/* nothing written */
	assert_true(s.rec.pending);
	assert_int_equal(s.rec.tries, 0);
	/* An update is refused as before: the image awaits mark-good. */
	rb_slots_unlock(&s);
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), -EBUSY);

	/* The next boot: counted (and the late hook's boot forgotten), confirmed. */
	next_run(&s, BOOT2);
	assert_false(rb_slots_restart_due(&s));
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	relock(&s);
	assert_int_equal(s.rec.tries, 1);
	assert_string_equal(s.rec.hook_boot, "");
	assert_int_equal(rb_slots_mark_good(&s), 0);
	relock(&s);
	assert_false(s.rec.pending);
	assert_string_equal(hook_log("late"), "commit a\ngood a\ncommit b\ncommit b\ngood b\n");

	/* mark-good itself runs the late hook: it refuses in the same call. */
	rb_slots_unlock(&s);
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), 0);
	leave_owed(&s, RB_HOOK_COMMIT);
	next_run(&s, BOOT2);
	assert_int_equal(rb_slots_mark_good(&s), -EAGAIN);
	relock(&s);
	assert_true(s.rec.pending);
	assert_int_equal(s.rec.hook, RB_HOOK_NONE);
	assert_string_equal(s.rec.hook_boot, BOOT2);
	/* The first boot counted after it forgets it. */
	next_run(&s, BOOT1);
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	relock(&s);
	assert_int_equal(s.rec.tries, 1);
	assert_string_equal(s.rec.hook_boot, "");
	assert_int_equal(rb_slots_mark_good(&s), 0);
	rb_slots_unlock(&s);
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), 0);
	leave_owed(&s, RB_HOOK_COMMIT);

	/* This boot's id unknown: only the run that ran the hook knows. */
	assert_int_equal(setenv("RINGBOOT_BOOT_ID", "not-a-boot-id", 1), 0);
	next_run(&s, "");
	assert_string_equal(s.boot_id, "");
	assert_non_null(strstr(s.boot_id_why, "RINGBOOT_BOOT_ID"));
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	assert_true(rb_slots_restart_due(&s));
	assert_int_equal(rb_slots_mark_good(&s), -EAGAIN);
	relock(&s);
	assert_int_equal(s.rec.tries, 0);
	assert_string_equal(s.rec.hook_boot, "");
	unsetenv("RINGBOOT_BOOT_ID");
	free(one);
	free(two);
}

/* The record keeps the boot of a late commit hook only for a pending image. */
static void hook_boot_dropped_on_save(void **state)
{
	struct rb_slots s;

	fresh_slots(&s, "drop");
	assert_int_equal(rb_slots_lock(&s, true), 0);	/* makes the directory */
	s.rec.active = 0;
	s.rec.slot[0].state = RB_SLOT_GOOD;
	snprintf(s.rec.slot[0].name, sizeof(s.rec.slot[0].name), "A");
	s.rec.slot[0].size = 1;
	s.rec.pending = true;
	snprintf(s.rec.hook_boot, sizeof(s.rec.hook_boot), "%s", BOOT1);
	assert_int_equal(rb_slots_save(&s), 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_string_equal(s.rec.hook_boot, BOOT1);
	s.rec.pending = false;
	assert_int_equal(rb_slots_save(&s), 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_string_equal(s.rec.hook_boot, "");
	rb_slots_unlock(&s);
}

/* A commit hook that fails in the committing run keeps the old image active. */
static void commit_hook_failure_restores(void **state)
{
	struct rb_image_policy pol = { .keys = &kr };
	struct rb_slots s;
	uint8_t *one, *two;
	size_t l1 = make_image("ONE", 1, 9000, &one), l2 = make_image("TWO", 2, 9000, &two);
	char hook[300], why[512];

	make_hook("restore", hook, sizeof(hook));
	fresh_slots(&s, "restore");
	s.cfg.hook = hook;
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(rb_slots_mark_good(&s), 0);
	hook_fails("restore", true);
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), -ECANCELED);
	assert_non_null(strstr(why, "stays inactive"));
	assert_int_equal(rb_slots_load(&s), 0);
	assert_true(rb_slots_active_is(&s, "ONE", NULL));
	assert_false(s.rec.pending);
	assert_int_equal(s.rec.hook, RB_HOOK_NONE);
	assert_int_equal(s.rec.slot[1].state, RB_SLOT_GOOD);
	free(one);
	free(two);
}

/*
 * rename(2) for this program: fails with EIO at the Nth call once
 * fail_rename_in is N (the record replacement is the only rename of the slot
 * code), the in-process stand-in for a disk error.
 */
static int fail_rename_in;

int rename(const char *from, const char *to)
{
	if (fail_rename_in && --fail_rename_in == 0) {
		errno = EIO;
		return -1;
	}
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

/*
 * The record replacement of a commit fails: the update fails, the record in
 * memory is the one on disk again, the record on disk loads (the old image
 * active, the target slot invalid, never "active b, b invalid"), and the same
 * update without the fault completes.
 */
static void commit_save_failure(void **state)
{
	struct rb_image_policy pol = { .keys = &kr };
	struct rb_slots s;
	uint8_t *one, *two;
	size_t l1 = make_image("ONE", 1, 9000, &one), l2 = make_image("TWO", 2, 9000, &two);
	char hook[300], why[512];

	fresh_slots(&s, "txn");
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(rb_slots_mark_good(&s), 0);
	fail_rename_in = 2;	/* 1: slot b marked invalid, 2: the switch */
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), -EIO);
	assert_int_equal(fail_rename_in, 0);
	assert_non_null(strstr(why, "cannot replace"));
	assert_int_equal(s.rec.active, 0);
	assert_false(s.rec.pending);
	assert_int_equal(s.rec.slot[1].state, RB_SLOT_INVALID);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_true(rb_slots_active_is(&s, "ONE", NULL));
	assert_false(s.rec.pending);
	assert_int_equal(s.rec.slot[1].state, RB_SLOT_INVALID);
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_true(rb_slots_active_is(&s, "TWO", NULL));
	assert_int_equal(rb_slots_mark_good(&s), 0);

	/* With a hook: the replacement that clears the commit event fails. The
	 * image is committed and the boot loader told; the event stays owed. */
	make_hook("txn", hook, sizeof(hook));
	s.cfg.hook = hook;
	fail_rename_in = 3;	/* 1: slot a invalid, 2: the switch, 3: hook none */
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), 0);
	assert_int_equal(fail_rename_in, 0);
	assert_int_equal(s.rec.hook, RB_HOOK_COMMIT);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_true(rb_slots_active_is(&s, "ONE", NULL));
	assert_int_equal(s.rec.hook, RB_HOOK_COMMIT);
	/* The next run runs the owed hook (late: no confirmation in this boot). */
	next_run(&s, BOOT1);
	assert_int_equal(rb_slots_mark_good(&s), -EAGAIN);
	next_run(&s, BOOT2);
	assert_int_equal(rb_slots_mark_good(&s), 0);
	rb_slots_unlock(&s);
	assert_string_equal(hook_log("txn"), "commit a\ncommit a\ngood a\n");

	/* The commit hook fails and so does the replacement that would put the
	 * old image back: the new one stays active with its event owed. */
	hook_fails("txn", true);
	fail_rename_in = 3;	/* 1: slot b invalid, 2: the switch, 3: the restore */
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), -ECANCELED);
	assert_int_equal(fail_rename_in, 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_true(rb_slots_active_is(&s, "TWO", NULL));
	assert_int_equal(s.rec.hook, RB_HOOK_COMMIT);
	hook_fails("txn", false);
	next_run(&s, BOOT1);
	assert_int_equal(rb_slots_mark_good(&s), -EAGAIN);
	next_run(&s, BOOT2);
	assert_int_equal(rb_slots_mark_good(&s), 0);
	rb_slots_unlock(&s);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_true(rb_slots_active_is(&s, "TWO", NULL));
	assert_false(s.rec.pending);
	unsetenv("RINGBOOT_BOOT_ID");
	free(one);
	free(two);
}

/*
 * No downgrade: the rollback floor is the version last confirmed. A commit
 * and a rollback keep it, mark-good sets it; an older image is refused on
 * its header (nothing written) unless the command line allows it; an
 * unsigned lab image is not checked and leaves the floor alone.
 */
static void rollback_floor(void **state)
{
	struct rb_image_policy pol = { .keys = &kr };
	struct rb_image_policy raw = { .insecure_unsigned = true, .raw_name = "RAW" };
	struct rb_slots s;
	uint8_t *one, *two, *old, *rc, d[32];
	size_t l1 = make_image_v("ONE", "1.0", 1, 9000, &one);
	size_t l2 = make_image_v("TWO", "2.0", 2, 9000, &two);
	size_t lo = make_image_v("OLD", "1.5", 3, 9000, &old);
	size_t lr = make_image_v("RC", "2.1-rc1", 4, 9000, &rc);
	uint64_t gen;
	bool rolled;
	char why[512];

	fresh_slots(&s, "floor");
	s.cfg.max_tries = 1;
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), 0);
	assert_string_equal(s.rec.floor, "");		/* nothing confirmed yet */
	assert_int_equal(rb_slots_mark_good(&s), 0);
	assert_string_equal(s.rec.floor, "1.0");
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), 0);
	assert_string_equal(s.rec.floor, "1.0");	/* the rollback target stays valid */
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	assert_int_equal(rb_slots_count_boot(&s, &rolled), 0);
	assert_true(rolled);
	assert_true(rb_slots_active_is(&s, "ONE", NULL));
	assert_string_equal(s.rec.floor, "1.0");
	/* 1.5 is newer than what runs (v2 was never confirmed): installed. */
	assert_int_equal(feed(&s, &pol, old, lo, 4096, lo, why), 0);
	assert_int_equal(rb_slots_mark_good(&s), 0);
	assert_string_equal(s.rec.floor, "1.5");
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), 0);
	assert_int_equal(rb_slots_mark_good(&s), 0);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_string_equal(s.rec.floor, "2.0");	/* on disk too */

	/* Older than the floor, or not ordered against it: refused on the header. */
	gen = s.rec.generation;
	assert_int_equal(feed(&s, &pol, old, lo, 4096, lo, why), -EPERM);
	assert_non_null(strstr(why, "OLD 1.5 is older than 2.0"));
	assert_non_null(strstr(why, "--allow-downgrade"));
	assert_int_equal(feed(&s, &pol, rc, lr, 4096, lr, why), -EPERM);
	assert_non_null(strstr(why, "cannot be ordered"));
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(s.rec.generation, gen);	/* no record written */
	assert_int_equal(s.rec.slot[1].state, RB_SLOT_GOOD);	/* slot b keeps OLD */
	assert_string_equal(s.rec.slot[1].name, "OLD");
	assert_int_equal(rb_slots_hash(&s, 1, s.rec.slot[1].size, d), 0);
	assert_memory_equal(d, s.rec.slot[1].digest, 32);
	/* The same version again is no downgrade. */
	assert_int_equal(feed(&s, &pol, two, l2, 4096, l2, why), -EALREADY);

	/* Allowed (the command line): installed; the floor moves once confirmed. */
	pol.allow_downgrade = true;
	assert_int_equal(feed(&s, &pol, old, lo, 4096, lo, why), 0);
	assert_string_equal(s.rec.floor, "2.0");
	assert_int_equal(rb_slots_mark_good(&s), 0);
	assert_string_equal(s.rec.floor, "1.5");
	pol.allow_downgrade = false;

	/* An unsigned lab image: no version to check, no floor to set. */
	assert_int_equal(feed(&s, &raw, one + RB_IMG_HDR_LEN, l1 - RB_IMG_HDR_LEN, 4096,
			      l1 - RB_IMG_HDR_LEN, why), 0);
	assert_int_equal(rb_slots_mark_good(&s), 0);
	assert_true(s.rec.slot[s.rec.active].insecure);
	assert_string_equal(s.rec.floor, "1.5");
	assert_int_equal(feed(&s, &pol, one, l1, 4096, l1, why), -EPERM);
	free(one);
	free(two);
	free(old);
	free(rc);
}

/* A record that would not load again is never written. */
static void unloadable_record_never_written(void **state)
{
	struct rb_slots s;
	struct rb_slots_rec good;

	fresh_slots(&s, "never");
	assert_int_equal(rb_slots_lock(&s, true), 0);	/* makes the directory */
	s.rec.active = 0;
	s.rec.slot[0].state = RB_SLOT_GOOD;
	snprintf(s.rec.slot[0].name, sizeof(s.rec.slot[0].name), "A");
	s.rec.slot[0].size = 1;
	assert_int_equal(rb_slots_save(&s), 0);
	good = s.rec;
	s.rec.active = 1;	/* slot b is empty: not good */
	assert_true(rb_slots_save(&s) < 0);
	assert_non_null(strstr(s.why, "active slot b is not good"));
	assert_int_equal(s.rec.active, 0);	/* the record on disk, in memory too */
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(s.rec.active, 0);
	assert_int_equal(s.rec.generation, good.generation);
	s.rec.slot[0].state = RB_SLOT_INVALID;	/* the active slot, invalid */
	assert_true(rb_slots_save(&s) < 0);
	assert_int_equal(s.rec.slot[0].state, RB_SLOT_GOOD);
	assert_int_equal(rb_slots_load(&s), 0);
	assert_int_equal(s.rec.slot[0].state, RB_SLOT_GOOD);
	rb_slots_unlock(&s);
}

static void fault_spec_parsing(void **state)
{
	struct rb_fault f;

	setenv("RINGBOOT_FAULT", "fsync:3", 1);
	rb_fault_init(&f);
	assert_string_equal(f.kind, "fsync");
	assert_int_equal(f.at, 3);
	rb_fault_point(&f, "write");	/* another kind: not counted */
	rb_fault_point(&f, "fsync");
	rb_fault_point(&f, "fsync");
	assert_int_equal(f.seen, 2);
	setenv("RINGBOOT_FAULT", "fsync:x", 1);
	rb_fault_init(&f);
	assert_string_equal(f.kind, "");
	unsetenv("RINGBOOT_FAULT");
	rb_fault_init(&f);
	assert_string_equal(f.kind, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_round_trip),
		cmocka_unit_test(record_without_hook_field),
		cmocka_unit_test(record_refusals),
		cmocka_unit_test(sink_streams_in_any_chunking),
		cmocka_unit_test(sink_rewind_restarts),
		cmocka_unit_test(refused_header_writes_nothing),
		cmocka_unit_test(pending_blocks_and_rollback),
		cmocka_unit_test(owed_hook_runs_first),
		cmocka_unit_test(commit_hook_failure_restores),
		cmocka_unit_test(late_commit_hook_boot),
		cmocka_unit_test(hook_boot_dropped_on_save),
		cmocka_unit_test(rollback_floor),
		cmocka_unit_test(sink_init_refused_owns_nothing),
		cmocka_unit_test(commit_save_failure),
		cmocka_unit_test(unloadable_record_never_written),
		cmocka_unit_test(fault_spec_parsing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
