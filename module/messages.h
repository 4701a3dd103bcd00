/* SPDX-License-Identifier: GPL-2.0 */
/* TFTP wire formats and the module's limits, in one place. */
#ifndef RINGBOOT_MESSAGES_H
#define RINGBOOT_MESSAGES_H

#include <linux/fs.h>
#include <linux/types.h>

/* RFC 1350 section 5: opcodes. */
enum ringboot_tftp_op {
	RINGBOOT_TFTP_RRQ = 1,
	RINGBOOT_TFTP_WRQ = 2,
	RINGBOOT_TFTP_DATA = 3,
	RINGBOOT_TFTP_ACK = 4,
	RINGBOOT_TFTP_ERROR = 5,
	RINGBOOT_TFTP_OACK = 6,	/* RFC 2347 */
};

/* DATA and ACK share this 4-byte header (RFC 1350 section 5). */
struct ringboot_tftp_hdr {
	__be16 opcode;
	__be16 block;
} __packed;

enum ringboot_limits {
	RINGBOOT_MAX_SESSIONS = 64,
	RINGBOOT_BLKSIZE_DEFAULT = 512,		/* RFC 1350 */
	RINGBOOT_BLKSIZE_MIN = 8,		/* RFC 2348 */
	RINGBOOT_BLKSIZE_MAX = 65464,		/* RFC 2348 */
	RINGBOOT_WINDOWSIZE_DEFAULT = 1,	/* RFC 7440: 1 is lock-step */
	RINGBOOT_WINDOWSIZE_MAX = 65535,
	RINGBOOT_TIMEOUT_MS_DEFAULT = 1000,
	RINGBOOT_TIMEOUT_MS_MIN = 10,
	RINGBOOT_TIMEOUT_MS_MAX = 60000,
	RINGBOOT_RTO_MIN_MS = 50,		/* below this, jitter looks like loss */
	RINGBOOT_RETRIES_DEFAULT = 5,
	RINGBOOT_RETRIES_MAX = 255,
	RINGBOOT_WATERMARK_DEFAULT = 64 << 10,
};

/*
 * The ring's indices are file offsets: no file reaches past this, and
 * keeping prod at or below it means the 64-bit producer never wraps.
 */
#define RINGBOOT_OFFSET_MAX	((u64)MAX_LFS_FILESIZE)

#endif
