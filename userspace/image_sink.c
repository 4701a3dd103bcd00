// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image sink: header check on arrival, streaming SHA-256, write to the
 * inactive slot, durable commit (docs/commit.md has the order and why).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "image_sink.h"
#include "log.h"

#define WBUF_LEN (256u << 10)	/* write-behind: few syscalls for small TFTP blocks */

__attribute__((format(printf, 3, 4)))
static int refuse(struct rb_image_sink *is, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(is->why, sizeof(is->why), fmt, ap);
	va_end(ap);
	is->result = err;
	if (err != -EALREADY)
		is->phase = RB_IMG_FAILED;
	return err;
}

static struct rb_image_sink *to_is(struct rb_sink *s)
{
	return (struct rb_image_sink *)s;
}

/* Mark the target slot invalid in the record (before its first byte, or after a refusal). */
static int mark_invalid(struct rb_image_sink *is)
{
	struct rb_slots *sl = is->slots;
	struct rb_slot_info *si = &sl->rec.slot[is->target];

	if (si->state == RB_SLOT_INVALID)
		return 0;
	memset(si, 0, sizeof(*si));
	si->state = RB_SLOT_INVALID;
	return rb_slots_save(sl);
}

static int slot_capacity(struct rb_image_sink *is, uint64_t need)
{
	struct stat st;
	uint64_t devsize;

	if (fstat(is->fd, &st) < 0)
		return refuse(is, -errno, "cannot stat slot: %s", strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(is->fd, BLKGETSIZE64, &devsize) < 0)
			return refuse(is, -errno, "cannot size slot device: %s", strerror(errno));
		if (devsize < need)
			return refuse(is, -EFBIG, "image of %llu bytes does not fit slot %c (%llu bytes)",
				      (unsigned long long)need, rb_slot_letter(is->target),
				      (unsigned long long)devsize);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return refuse(is, -EINVAL, "slot %c is neither a file nor a block device",
			      rb_slot_letter(is->target));
	/* Reserve the space now: ENOSPC before the stream, not in the middle of it. */
	if (ftruncate(is->fd, 0) < 0)
		return refuse(is, -errno, "cannot truncate slot: %s", strerror(errno));
	if (need && fallocate(is->fd, 0, 0, (off_t)need) < 0 && errno != EOPNOTSUPP)
		return refuse(is, -errno, "cannot reserve %llu bytes for slot %c: %s",
			      (unsigned long long)need, rb_slot_letter(is->target), strerror(errno));
	return 0;
}

/* Called once the header has passed (or at once for a raw payload). */
static int begin_payload(struct rb_image_sink *is, uint64_t len)
{
	struct rb_slots *sl = is->slots;
	int err;

	if (sl->rec.pending)
		return refuse(is, -EBUSY, "the image in slot %c awaits `ringboot mark-good`; "
			      "refusing to overwrite the rollback slot", rb_slot_letter(sl->rec.active));
	is->target = rb_slots_inactive(sl);
	err = mark_invalid(is);
	if (err)
		return refuse(is, err, "%s", sl->why);
	if (is->fd >= 0)	/* a rewind: the header is checked again, the slot reopened */
		close(is->fd);
	if (is->sha_live)
		wc_Sha256Free(&is->sha);
	is->sha_live = false;
	is->fd = open(sl->dev[is->target], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (is->fd < 0)
		return refuse(is, -errno, "cannot open slot %c '%s': %s", rb_slot_letter(is->target),
			      sl->dev[is->target], strerror(errno));
	err = slot_capacity(is, len);
	if (err)
		return err;
	if (wc_InitSha256(&is->sha))
		return refuse(is, -EIO, "SHA-256 init failed");
	is->sha_live = true;
	is->phase = RB_IMG_PAYLOAD;
	return 0;
}

static int check_header(struct rb_image_sink *is)
{
	const struct rb_image_policy *pol = is->pol;
	struct rb_img_hdr *h = &is->hdr;
	char why[256];
	int err;


	err = rb_img_check(is->hdr_raw, sizeof(is->hdr_raw), pol->keys, h, why, sizeof(why));
	if (err)
		return refuse(is, err, "%s", why);
	if (pol->nmodels && !rb_img_list_fits(h->models, pol->models, pol->nmodels))
		return refuse(is, -EMEDIUMTYPE, "image %s is for models %s, not %s", h->name,
			      h->models, pol->models[0]);
	if (pol->hw && *pol->hw && !rb_img_list_fits(h->hw, &pol->hw, 1))
		return refuse(is, -EMEDIUMTYPE, "image %s is for hardware %s, not %s", h->name,
			      h->hw, pol->hw);
	if (pol->expect_name && strcmp(pol->expect_name, h->name))
		return refuse(is, -EMEDIUMTYPE, "image is %s, but %s was asked for", h->name,
			      pol->expect_name);
	/* A known transfer size tells at once what the stream would show at its end. */
	if (is->announced != RB_SINK_SIZE_UNKNOWN && is->announced < RB_IMG_HDR_LEN + h->payload_len)
		return refuse(is, -ENODATA, "truncated payload: the transfer has %llu bytes, "
			      "the header announces %llu", (unsigned long long)is->announced,
			      (unsigned long long)(RB_IMG_HDR_LEN + h->payload_len));
	if (is->announced != RB_SINK_SIZE_UNKNOWN && is->announced > RB_IMG_HDR_LEN + h->payload_len)
		return refuse(is, -EMSGSIZE, "trailing data: the transfer has %llu bytes, "
			      "the header announces %llu", (unsigned long long)is->announced,
			      (unsigned long long)(RB_IMG_HDR_LEN + h->payload_len));
	if (h->payload_len > is->sink.limit - RB_IMG_HDR_LEN)
		return refuse(is, -EFBIG, "payload of %llu bytes exceeds the limit",
			      (unsigned long long)h->payload_len);
	if (rb_slots_active_is(is->slots, h->name, h->digest))
		return refuse(is, -EALREADY, "%s %s is already the active image", h->name, h->version);
	return begin_payload(is, h->payload_len);
}

static int flush(struct rb_image_sink *is, const uint8_t *p, size_t len)
{
	struct rb_slots *sl = is->slots;

	while (len) {
		ssize_t n;

		rb_fault_point(&sl->fault, "write");
		n = pwrite(is->fd, p, len, (off_t)is->slot_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return refuse(is, n < 0 ? -errno : -EIO, "cannot write slot %c: %s",
				      rb_slot_letter(is->target), n < 0 ? strerror(errno) : "short write");
		p += n;
		len -= (size_t)n;
		is->slot_off += (uint64_t)n;
	}
	return 0;
}

static int payload(struct rb_image_sink *is, const uint8_t *p, size_t len)
{
	uint64_t want = is->pol->insecure_unsigned ? UINT64_MAX : is->hdr.payload_len;
	int err;

	if (len > want - is->payload_have)
		return refuse(is, -EMSGSIZE, "trailing data after the %llu-byte payload",
			      (unsigned long long)want);
	/* The one pass over the payload: hash it as it goes to the slot. */
	for (size_t off = 0; off < len; off += 1u << 30) {
		size_t n = len - off < (1u << 30) ? len - off : (1u << 30);

		wc_Sha256Update(&is->sha, p + off, (word32)n);
	}
	is->payload_have += len;
	if (!is->buf_len && len >= WBUF_LEN)
		return flush(is, p, len);
	while (len) {
		size_t n = WBUF_LEN - is->buf_len < len ? WBUF_LEN - is->buf_len : len;

		memcpy(is->buf + is->buf_len, p, n);
		is->buf_len += n;
		p += n;
		len -= n;
		if (is->buf_len == WBUF_LEN) {
			err = flush(is, is->buf, is->buf_len);
			if (err)
				return err;
			is->buf_len = 0;
		}
	}
	return 0;
}

static int is_open(struct rb_sink *s, uint64_t total)
{
	struct rb_image_sink *is = to_is(s);
	struct rb_slots *sl = is->slots;
	int err;

	is->announced = total;
	is->phase = RB_IMG_HEADER;
	err = rb_slots_lock(sl, false);
	if (!err)
		err = rb_slots_load(sl);
	/* A hook event an earlier run left owed goes first (the record is
	 * left as it is when it fails again: rec_loaded stays false). */
	if (!err)
		err = rb_slots_settle(sl, NULL);
	if (err)
		return refuse(is, err, "%s", sl->why);
	is->rec_loaded = true;
	if (!is->pol->insecure_unsigned) {
		if (total != RB_SINK_SIZE_UNKNOWN && total <= RB_IMG_HDR_LEN)
			return refuse(is, -ENODATA, "truncated image: %llu bytes cannot hold the "
				      "%u-byte header and a payload", (unsigned long long)total,
				      RB_IMG_HDR_LEN);
		return 0;
	}
	/* Raw payload: size checks only. */
	if (total == 0)
		return refuse(is, -EBADMSG, "empty image");
	if (!is->pol->raw_name || !rb_img_field_ok(is->pol->raw_name, false) || !*is->pol->raw_name)
		return refuse(is, -EINVAL, "an unsigned image needs a valid name");
	if (rb_slots_active_is(sl, is->pol->raw_name, NULL))
		return refuse(is, -EALREADY, "%s is already the active image", is->pol->raw_name);
	rb_warn("INSECURE: accepting unsigned image %s (size checks only)", is->pol->raw_name);
	return begin_payload(is, total == RB_SINK_SIZE_UNKNOWN ? 0 : total);
}

static int is_write(struct rb_sink *s, uint64_t off, const void *buf, size_t len)
{
	struct rb_image_sink *is = to_is(s);
	const uint8_t *p = buf;
	int err;

	if (is->phase == RB_IMG_HEADER) {
		size_t n = RB_IMG_HDR_LEN - is->hdr_have < len ? RB_IMG_HDR_LEN - is->hdr_have : len;

		memcpy(is->hdr_raw + is->hdr_have, p, n);
		is->hdr_have += n;
		p += n;
		len -= n;
		if (is->hdr_have < RB_IMG_HDR_LEN)
			return 0;
		err = check_header(is);
		if (err)
			return err;
	}
	if (is->phase != RB_IMG_PAYLOAD)
		return is->result ? is->result : -EINVAL;
	return len ? payload(is, p, len) : 0;
}

static int is_rewind(struct rb_sink *s)
{
	struct rb_image_sink *is = to_is(s);

	if (is->phase != RB_IMG_HEADER && is->phase != RB_IMG_PAYLOAD)
		return -EINVAL;
	/* The slot is already marked invalid: start it over. */
	is->payload_have = 0;
	is->slot_off = 0;
	is->buf_len = 0;
	if (is->sha_live) {
		wc_Sha256Free(&is->sha);
		wc_InitSha256(&is->sha);
	}
	if (!is->pol->insecure_unsigned) {
		is->hdr_have = 0;
		if (is->phase == RB_IMG_PAYLOAD) {
			/* Keep the slot open; the header is checked again. */
			is->phase = RB_IMG_HEADER;
			is->hdr_have = 0;
			return 0;
		}
	}
	return 0;
}

static int finish_slot(struct rb_image_sink *is)
{
	struct rb_slots *sl = is->slots;
	uint64_t want = is->pol->insecure_unsigned ? is->payload_have : is->hdr.payload_len;
	struct stat st;
	int err;

	if (is->buf_len) {
		err = flush(is, is->buf, is->buf_len);
		if (err)
			return err;
		is->buf_len = 0;
	}
	/* A reused file slot may hold a longer old image: cut it to this one. */
	if (fstat(is->fd, &st) < 0)
		return refuse(is, -errno, "cannot stat slot: %s", strerror(errno));
	if (S_ISREG(st.st_mode) && ftruncate(is->fd, (off_t)want) < 0)
		return refuse(is, -errno, "cannot size slot: %s", strerror(errno));
	rb_fault_point(&sl->fault, "fsync");
	if (fdatasync(is->fd) < 0)
		return refuse(is, -errno, "fdatasync of slot %c failed: %s",
			      rb_slot_letter(is->target), strerror(errno));
	/* A file slot may have just been created, maybe outside the state directory. */
	if (S_ISREG(st.st_mode)) {
		err = rb_fsync_parent(sl->dev[is->target]);
		if (err)
			return refuse(is, err, "cannot sync the directory of slot %c: %s",
				      rb_slot_letter(is->target), strerror(-err));
	}
	close(is->fd);
	is->fd = -1;
	wc_Sha256Final(&is->sha, is->digest);
	if (!is->pol->insecure_unsigned && memcmp(is->digest, is->hdr.digest, sizeof(is->digest)))
		return refuse(is, -EBADMSG, "payload digest mismatch: the image was corrupted or altered");
	if (is->pol->readback) {
		uint8_t again[RB_IMG_DIGEST_LEN];

		err = rb_slots_hash(sl, is->target, want, again);
		if (err)
			return refuse(is, err, "read-back: %s", sl->why);
		if (memcmp(again, is->digest, sizeof(again)))
			return refuse(is, -EIO, "read-back of slot %c does not match what was written",
				      rb_slot_letter(is->target));
	}
	return 0;
}

static int is_commit(struct rb_sink *s)
{
	struct rb_image_sink *is = to_is(s);
	struct rb_slots *sl = is->slots;
	struct rb_slots_rec old;
	struct rb_slot_info *si;
	int err;

	if (is->phase == RB_IMG_HEADER)
		return refuse(is, -ENODATA, "truncated image: header has %zu of %u bytes",
			      is->hdr_have, RB_IMG_HDR_LEN);
	if (is->phase != RB_IMG_PAYLOAD)
		return is->result ? is->result : -EINVAL;
	if (!is->pol->insecure_unsigned && is->payload_have != is->hdr.payload_len)
		return refuse(is, -ENODATA, "truncated payload: %llu of %llu bytes",
			      (unsigned long long)is->payload_have,
			      (unsigned long long)is->hdr.payload_len);
	if (is->pol->insecure_unsigned && (!is->payload_have ||
	    (is->announced != RB_SINK_SIZE_UNKNOWN && is->payload_have != is->announced)))
		return refuse(is, -ENODATA, "truncated image: %llu bytes",
			      (unsigned long long)is->payload_have);
	err = finish_slot(is);
	if (err)
		return err;

	/* The flip: one atomic record replacement makes the new slot active. */
	old = sl->rec;
	si = &sl->rec.slot[is->target];
	si->state = RB_SLOT_GOOD;
	memcpy(si->digest, is->digest, sizeof(si->digest));
	si->insecure = is->pol->insecure_unsigned;
	if (si->insecure) {
		snprintf(si->name, sizeof(si->name), "%s", is->pol->raw_name);
		snprintf(si->version, sizeof(si->version), "-");
		si->size = is->payload_have;
	} else {
		memcpy(si->name, is->hdr.name, sizeof(si->name));
		memcpy(si->version, is->hdr.version, sizeof(si->version));
		si->size = is->hdr.payload_len;
	}
	sl->rec.active = is->target;
	sl->rec.pending = true;
	sl->rec.tries = 0;
	/* The same replacement owes the commit hook: a kill before the hook
	 * has completed leaves it owed, and the next run runs it first. */
	rb_slots_owe_hook(sl, RB_HOOK_COMMIT);
	err = rb_slots_save(sl);
	if (err)
		return refuse(is, err, "%s", sl->why);
	/* From here the slot is complete and checked: abort must not mark it invalid. */
	is->slot_complete = true;
	rb_fault_point(&sl->fault, "hook");
	if (sl->rec.hook == RB_HOOK_COMMIT) {
		err = rb_slots_run_hook(sl, is->target, "commit");
		if (err) {
			/* The boot loader was not told: keep the old image active. */
			char why[sizeof(sl->why)];

			memcpy(why, sl->why, sizeof(why));
			old.slot[is->target] = *si;
			old.generation = sl->rec.generation;
			sl->rec = old;
			if (rb_slots_save(sl))
				rb_err("cannot restore the slot record (the commit event stays "
				       "owed): %s", sl->why);
			return refuse(is, err, "%s; slot %c stays inactive", why,
				      rb_slot_letter(is->target));
		}
		rb_fault_point(&sl->fault, "after-hook");
		sl->rec.hook = RB_HOOK_NONE;
		if (rb_slots_save(sl)) {
			/* Committed and the boot loader told; the next run repeats the hook. */
			sl->rec.hook = RB_HOOK_COMMIT;
			rb_warn("the commit hook ran, but the record still owes it: %s", sl->why);
		}
	}
	is->phase = RB_IMG_DONE;
	rb_slots_unlock(sl);
	return 0;
}

static void is_abort(struct rb_sink *s)
{
	struct rb_image_sink *is = to_is(s);
	struct rb_slots *sl = is->slots;

	if (is->fd >= 0)
		close(is->fd);
	is->fd = -1;
	/*
	 * A refused or broken image leaves the slot it was meant for marked
	 * invalid (it may hold part of it); the active slot was never touched.
	 */
	if (is->rec_loaded && is->result != -EALREADY && is->result != -EBUSY &&
	    is->phase != RB_IMG_DONE && !is->slot_complete) {
		if (is->target < 0)
			is->target = sl->rec.pending ? -1 : rb_slots_inactive(sl);
		if (is->target >= 0 && mark_invalid(is))
			rb_err("cannot mark slot %c invalid: %s", rb_slot_letter(is->target), sl->why);
	}
	if (is->phase != RB_IMG_DONE)
		is->phase = RB_IMG_FAILED;
	rb_slots_unlock(sl);
}

static const struct rb_sink_ops image_ops = {
	.kind = "image",
	.open = is_open,
	.write = is_write,
	.rewind = is_rewind,
	.commit = is_commit,
	.abort = is_abort,
};

int rb_image_sink_init(struct rb_image_sink *is, struct rb_slots *slots,
		       const struct rb_image_policy *pol)
{
	memset(is, 0, sizeof(*is));
	is->sink.ops = &image_ops;
	is->sink.limit = RB_IMG_HDR_LEN + RB_IMG_MAX_PAYLOAD;
	is->pol = pol;
	is->slots = slots;
	is->target = -1;
	is->fd = -1;
	is->buf = malloc(WBUF_LEN);
	if (!is->buf)
		return -ENOMEM;
	if (!pol->insecure_unsigned && (!pol->keys || !pol->keys->n))
		return -ENOKEY;
	return 0;
}

void rb_image_sink_free(struct rb_image_sink *is)
{
	if (is->sha_live)
		wc_Sha256Free(&is->sha);
	is->sha_live = false;
	if (is->fd >= 0)
		close(is->fd);
	is->fd = -1;
	free(is->buf);
	is->buf = NULL;
}
