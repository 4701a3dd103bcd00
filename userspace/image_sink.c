// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image sink: header check on arrival, streaming SHA-256, the bytes
 * handed to the slot update (slots_update.c owns the slot, its durability
 * and the record; docs/commit.md has the order and why).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Called once the header has passed (or at once for a raw payload). */
static int begin_payload(struct rb_image_sink *is, uint64_t len)
{
	struct rb_slots *sl = is->slots;
	int err;

	err = rb_slots_begin(sl, len);
	if (err)
		return refuse(is, err, "%s", sl->why);
	is->target = sl->up.target;
	if (is->sha_live)
		wc_Sha256Free(&is->sha);
	is->sha_live = false;
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
	/* No downgrade: decided on the header, before a byte reaches a slot. */
	err = rb_slots_may_install(is->slots, h->name, h->version, pol->allow_downgrade);
	if (err)
		return refuse(is, err, "%s", is->slots->why);
	if (rb_slots_active_is(is->slots, h->name, h->digest))
		return refuse(is, -EALREADY, "%s %s is already the active image", h->name, h->version);
	return begin_payload(is, h->payload_len);
}

static int flush(struct rb_image_sink *is, const uint8_t *p, size_t len)
{
	struct rb_slots *sl = is->slots;
	int err = rb_slots_write(sl, is->slot_off, p, len);

	if (err)
		return refuse(is, err, "%s", sl->why);
	is->slot_off += len;
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

	is->announced = total;
	is->phase = RB_IMG_HEADER;
	/* The caller runs the update: lock, record, owed hook events settled. */
	if (sl->lock_fd < 0 || !sl->loaded)
		return refuse(is, -ENOLCK, "the image sink needs the update lock and the record");
	if (sl->rec.hook != RB_HOOK_NONE)
		return refuse(is, -EBUSY, "the %s hook event for slot %c is still owed",
			      rb_hook_event_name(sl->rec.hook), rb_slot_letter(sl->rec.active));
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

static int is_commit(struct rb_sink *s)
{
	struct rb_image_sink *is = to_is(s);
	struct rb_slots *sl = is->slots;
	struct rb_slot_info img = { .state = RB_SLOT_GOOD };
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
	if (is->buf_len) {
		err = flush(is, is->buf, is->buf_len);
		if (err)
			return err;
		is->buf_len = 0;
	}
	wc_Sha256Final(&is->sha, is->digest);
	if (!is->pol->insecure_unsigned && memcmp(is->digest, is->hdr.digest, sizeof(is->digest)))
		return refuse(is, -EBADMSG, "payload digest mismatch: the image was corrupted or altered");
	/* Checked: the slot layer makes it durable and switches the record. */
	memcpy(img.digest, is->digest, sizeof(img.digest));
	img.insecure = is->pol->insecure_unsigned;
	if (img.insecure) {
		snprintf(img.name, sizeof(img.name), "%s", is->pol->raw_name);
		snprintf(img.version, sizeof(img.version), "-");
		img.size = is->payload_have;
	} else {
		memcpy(img.name, is->hdr.name, sizeof(img.name));
		memcpy(img.version, is->hdr.version, sizeof(img.version));
		img.size = is->hdr.payload_len;
	}
	err = rb_slots_commit(sl, &img, is->pol->readback);
	if (err)
		return refuse(is, err, "%s", sl->why);
	is->phase = RB_IMG_DONE;
	return 0;
}

static void is_abort(struct rb_sink *s)
{
	struct rb_image_sink *is = to_is(s);

	/* The slot being written stays invalid; the active slot was never touched. */
	rb_slots_abort(is->slots);
	if (is->phase != RB_IMG_DONE)
		is->phase = RB_IMG_FAILED;
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
	/* Refused before anything is allocated: a failed init owns nothing. */
	if (!pol->insecure_unsigned && (!pol->keys || !pol->keys->n))
		return -ENOKEY;
	is->buf = malloc(WBUF_LEN);
	if (!is->buf)
		return -ENOMEM;
	return 0;
}

void rb_image_sink_free(struct rb_image_sink *is)
{
	if (is->sha_live)
		wc_Sha256Free(&is->sha);
	is->sha_live = false;
	/* Never left half done, whatever the transport did. */
	if (is->slots && is->slots->up.open)
		rb_slots_abort(is->slots);
	free(is->buf);
	is->buf = NULL;
}
