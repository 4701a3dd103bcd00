/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TFTP wire format: encoding requests and acknowledgements, decoding every
 * packet a client can receive, and checking an OACK against what was asked.
 * Pure functions over buffers (no I/O), shared by the user-space client, the
 * kernel fast path's user half, the fault-injecting test server and the fuzzer.
 * Every decoder takes hostile input: it length-checks before reading and
 * returns -EBADMSG (malformed) or -EPROTO (well-formed but not acceptable).
 */
#ifndef RINGBOOT_TFTP_PROTO_H
#define RINGBOOT_TFTP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 1350 section 5, RFC 2347 (OACK). */
enum rb_tftp_opcode {
	RB_TFTP_RRQ = 1,
	RB_TFTP_WRQ = 2,
	RB_TFTP_DATA = 3,
	RB_TFTP_ACK = 4,
	RB_TFTP_ERROR = 5,
	RB_TFTP_OACK = 6,
};

/* RFC 1350 appendix; 8 is RFC 2347's "option negotiation refused". */
enum rb_tftp_errcode {
	RB_TFTP_EUNDEF = 0,
	RB_TFTP_ENOTFOUND = 1,
	RB_TFTP_EACCESS = 2,
	RB_TFTP_ENOSPACE = 3,
	RB_TFTP_EBADOP = 4,
	RB_TFTP_EBADID = 5,
	RB_TFTP_EEXISTS = 6,
	RB_TFTP_ENOUSER = 7,
	RB_TFTP_EOPTNEG = 8,
};

enum rb_tftp_limits {
	RB_TFTP_HDR = 4,			/* opcode + block */
	RB_TFTP_BLKSIZE_DEFAULT = 512,		/* RFC 1350 */
	RB_TFTP_BLKSIZE_MIN = 8,		/* RFC 2348 */
	RB_TFTP_BLKSIZE_MAX = 65464,		/* RFC 2348 */
	RB_TFTP_BLKSIZE_ETH4 = 1468,		/* 1500 - 20 (IPv4) - 8 (UDP) - 4 */
	RB_TFTP_BLKSIZE_ETH6 = 1448,		/* 1500 - 40 (IPv6) - 8 (UDP) - 4 */
	RB_TFTP_WINDOW_MIN = 1,			/* RFC 7440 */
	RB_TFTP_WINDOW_MAX = 65535,
	RB_TFTP_WINDOW_DEFAULT = 16,
	RB_TFTP_TIMEOUT_MIN = 1,		/* RFC 2349, seconds */
	RB_TFTP_TIMEOUT_MAX = 255,
	RB_TFTP_MAX_PKT = RB_TFTP_BLKSIZE_MAX + RB_TFTP_HDR,
	RB_TFTP_RRQ_MAX = 600,			/* filename + options, sent */
};

/* Options a client asks for (0 / false: not asked). */
struct rb_tftp_req {
	unsigned int blksize;
	unsigned int windowsize;
	unsigned int timeout;
	bool tsize;		/* ask "tsize 0" (RFC 2349 section 3.2) */
};

/* What was negotiated: the RFC 1350 defaults unless an OACK granted more. */
struct rb_tftp_neg {
	bool oack;
	unsigned int blksize;	/* 512 without OACK */
	unsigned int windowsize;/* 1 without OACK */
	unsigned int timeout;	/* 0: not granted */
	bool has_tsize;
	uint64_t tsize;
};

/* A decoded packet. Pointers point into the caller's buffer. */
struct rb_tftp_pkt {
	uint16_t op;
	uint16_t block;			/* DATA, ACK */
	const uint8_t *data;		/* DATA payload, OACK option bytes */
	size_t len;
	uint16_t err_code;		/* ERROR */
	const char *err_msg;		/* ERROR: NUL-terminated inside the buffer */
};

/* Encoders return the packet length or -ENOSPC / -EINVAL. */
int rb_tftp_build_rrq(uint8_t *buf, size_t cap, const char *file,
		      const struct rb_tftp_req *req);
int rb_tftp_build_ack(uint8_t *buf, size_t cap, uint16_t block);
/* msg is truncated to fit; control bytes replaced. */
int rb_tftp_build_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg);

/* Decode a packet a client may receive (DATA, ERROR, OACK; others -EPROTO). */
int rb_tftp_decode(const uint8_t *buf, size_t len, struct rb_tftp_pkt *p);

/*
 * Check the options of an OACK against what was asked (RFC 2347): every
 * option must be one we asked for, appear once, and carry a value inside the
 * RFC range and no larger than asked (blksize, windowsize) or equal to it
 * (timeout). Fills *neg. Returns 0, -EBADMSG (malformed) or -EPROTO (refused;
 * the client answers ERROR 8). why gets a one-line reason on failure.
 */
int rb_tftp_parse_oack(const uint8_t *opts, size_t len,
		       const struct rb_tftp_req *asked, struct rb_tftp_neg *neg,
		       char *why, size_t whylen);

/* The negotiation's outcome when no OACK came (DATA 1 first, RFC 2347). */
void rb_tftp_neg_default(struct rb_tftp_neg *neg);

/*
 * RFC 2349: got bytes received against the tsize the server announced (none:
 * always 0). More than announced is refused at once; when the final block is
 * in (final), anything but the announced size is. Returns 0, or -EPROTO with
 * the one-line reason in why. Every data path uses this, so a refusal reads
 * the same whichever path carried the transfer.
 */
int rb_tftp_check_tsize(const struct rb_tftp_neg *neg, uint64_t got, bool final,
			char *why, size_t whylen);

/*
 * The refusal of a packet longer than a DATA of the negotiated blksize (RFC
 * 2348): the client answers ERROR 4 and ends. The same words on every path.
 */
#define RB_TFTP_OVERSIZE_REASON "packet larger than the negotiated blksize"

/* Printable name of an opcode, for messages. */
const char *rb_tftp_opname(uint16_t op);

#endif
