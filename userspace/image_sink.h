/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image sink (sink.h kind "image"): receives an image as it streams in,
 * checks the header on its first 4096 bytes (format, key, signature, model,
 * hardware, name) before any payload byte reaches a slot, hashes the payload
 * once as it passes into the inactive slot, compares digests at the end and
 * hands the commit to the slot update (rb_slots_begin/write/commit/abort):
 * it verifies, hashes and writes; slots.c owns the transaction.
 */
#ifndef RINGBOOT_IMAGE_SINK_H
#define RINGBOOT_IMAGE_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "image.h"
#include "sink.h"
#include "slots.h"

/* What the handset accepts. */
struct rb_image_policy {
	const struct rb_keyring *keys;	/* trusted keys (not needed when insecure) */
	const char *const *models;	/* the handset's model names (MODEL, MODEL4, ...) */
	size_t nmodels;			/* 0: model fit not checked */
	const char *hw;			/* hardware version, NULL: not checked */
	const char *expect_name;	/* APPNAME asked for, NULL: any */
	/*
	 * INSECURE, for labs: the stream is a raw payload without header or
	 * signature; only size checks apply; the record marks the slot insecure.
	 */
	bool insecure_unsigned;
	const char *raw_name;		/* name recorded for a raw payload */
	bool readback;			/* re-read the slot after fdatasync and hash it again */
	/* Install an image older than the rollback floor: from the command line only. */
	bool allow_downgrade;
};

enum rb_image_phase {
	RB_IMG_IDLE,
	RB_IMG_HEADER,		/* collecting the 4096 header bytes */
	RB_IMG_PAYLOAD,		/* streaming into the slot */
	RB_IMG_DONE,		/* committed */
	RB_IMG_FAILED,		/* refused or aborted */
};

struct rb_image_sink {
	struct rb_sink sink;		/* first: transports see only this */
	const struct rb_image_policy *pol;
	struct rb_slots *slots;
	enum rb_image_phase phase;
	uint64_t announced;		/* total from open(), or RB_SINK_SIZE_UNKNOWN */
	uint8_t hdr_raw[RB_IMG_HDR_LEN];
	size_t hdr_have;
	struct rb_img_hdr hdr;
	int target;			/* slot being written, -1 before the header passed */
	bool sha_live;
	wc_Sha256 sha;
	uint64_t payload_have;		/* payload bytes received */
	uint64_t slot_off;		/* payload bytes written to the slot */
	uint8_t *buf;			/* write-behind buffer */
	size_t buf_len;
	uint8_t digest[RB_IMG_DIGEST_LEN];
	int result;			/* 0, or why it failed (-EALREADY: nothing to do) */
	char why[512];
};

/*
 * Prepare the sink. The caller runs the update: slots initialised, the update
 * lock held, the record loaded and nothing owed (rb_slots_lock, rb_slots_load,
 * rb_slots_settle); it releases the lock after commit or abort.
 */
int rb_image_sink_init(struct rb_image_sink *is, struct rb_slots *slots,
		       const struct rb_image_policy *pol);
/* Release memory; call after commit or abort. */
void rb_image_sink_free(struct rb_image_sink *is);

#endif
