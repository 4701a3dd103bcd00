/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ringboot: the contract between ringboot.ko (the kernel TFTP fast path) and
 * the ringboot agent. Generic Netlink family, commands, attributes, and the
 * layout of the ring mapped from /dev/ringboot.
 *
 * Described also in docs/netlink/specs/ringboot.yaml (genetlink-c) and, in
 * prose with the sequence of calls, in docs/fastpath.md.
 */
#ifndef _UAPI_LINUX_RINGBOOT_H
#define _UAPI_LINUX_RINGBOOT_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define RINGBOOT_GENL_NAME	"ringboot"
#define RINGBOOT_GENL_VERSION	1
#define RINGBOOT_MCGRP_EVENTS	"events"
#define RINGBOOT_DEVICE		"/dev/ringboot"

/*
 * The ring. mmap(/dev/ringboot, len, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)
 * with len = page size + data size; the data size is a power of two between
 * RINGBOOT_RING_MIN_DATA (or one page, if larger) and RINGBOOT_RING_MAX_DATA.
 * Page 0 is struct ringboot_ring_hdr; the data area follows at hdr->data_off.
 * One mapping per open file, offset 0, MAP_SHARED only.
 *
 * The ring is a byte stream of the file: byte N of the file is at
 * data[N & (data_size - 1)]. prod and cons are free-running 64-bit byte
 * counts (file offsets). The kernel writes prod (store-release after the
 * payload is copied) and keeps its own private copy; user space reads prod
 * with load-acquire, consumes [cons, prod), then stores cons with
 * store-release. The kernel reads cons with load-acquire, and ignores a value
 * that is below the last valid one or beyond prod.
 */
#define RINGBOOT_RING_MAGIC	0x52425247	/* "RBRG" */
#define RINGBOOT_RING_VERSION	1
#define RINGBOOT_RING_MIN_DATA	4096
#define RINGBOOT_RING_MAX_DATA	(64U << 20)

/* hdr->flags, written by the kernel only */
#define RINGBOOT_RING_F_ATTACHED	(1U << 0)	/* a socket is attached */
#define RINGBOOT_RING_F_STARTED		(1U << 1)	/* DATA 1 consumed, TID latched */
#define RINGBOOT_RING_F_EOF		(1U << 2)	/* final block in: prod is the file size */
#define RINGBOOT_RING_F_ERROR		(1U << 3)	/* failed: hdr->status holds -errno */
#define RINGBOOT_RING_F_NEED_KICK	(1U << 4)	/* ACK held: release space, then kick */

struct ringboot_ring_hdr {
	/* Read-only geometry, set once at mmap time. */
	__u32 magic;
	__u32 version;
	__u32 data_off;		/* offset of the data area in the mapping */
	__u32 hdr_size;		/* sizeof(struct ringboot_ring_hdr) */
	__u64 data_size;	/* power of two */
	__u8 __pad0[40];

	/* Kernel-written cache line. */
	__u64 prod __attribute__((aligned(64)));	/* bytes published */
	__u32 flags;		/* RINGBOOT_RING_F_* */
	__s32 status;		/* 0, or -errno once F_ERROR is set */
	__u64 tsize;		/* size announced by the server (RFC 2349), or 0 */
	__u32 blksize;		/* negotiated values in force */
	__u32 windowsize;
	__u32 session_id;	/* the genl session id of this open file */
	__u8 __pad1[28];

	/* User-written cache line: the kernel only reads it. */
	__u64 cons __attribute__((aligned(64)));
	__u8 __pad2[56];
};

/* ioctl on the device: the consumer released space; send a held ACK. */
#define RINGBOOT_IOC_MAGIC	0xb7
#define RINGBOOT_IOC_KICK	_IO(RINGBOOT_IOC_MAGIC, 1)

/* Generic Netlink */
enum ringboot_cmd {
	RINGBOOT_CMD_UNSPEC,
	RINGBOOT_CMD_GET_INFO,	/* module version and limits */
	RINGBOOT_CMD_ATTACH,	/* hook a UDP socket to the session of a ring fd */
	RINGBOOT_CMD_SET,	/* the negotiated options (after an OACK) */
	RINGBOOT_CMD_ABORT,	/* fail the transfer now (-ECANCELED) */
	RINGBOOT_CMD_GET,	/* state and counters of one session */
	RINGBOOT_CMD_EVENT,	/* multicast on "events": done or failed */

	__RINGBOOT_CMD_MAX,
};
#define RINGBOOT_CMD_MAX (__RINGBOOT_CMD_MAX - 1)

enum ringboot_event {
	RINGBOOT_EVENT_DONE = 1,
	RINGBOOT_EVENT_FAILED,
};

enum ringboot_state {
	RINGBOOT_STATE_IDLE,		/* opened, maybe mapped, no socket */
	RINGBOOT_STATE_ATTACHED,	/* socket hooked, waiting for DATA 1 */
	RINGBOOT_STATE_DATA,		/* receiving */
	RINGBOOT_STATE_DONE,		/* final block received and ACKed */
	RINGBOOT_STATE_FAILED,
};

enum ringboot_attr {
	RINGBOOT_A_UNSPEC,
	RINGBOOT_A_PAD,
	RINGBOOT_A_VERSION,		/* u32: RINGBOOT_GENL_VERSION */
	RINGBOOT_A_SESSIONS,		/* u32: open sessions (all namespaces) */
	RINGBOOT_A_MAX_SESSIONS,	/* u32: limit on open sessions */

	RINGBOOT_A_SESSION_ID,		/* u32 */
	RINGBOOT_A_RING_FD,		/* u32: an open, mapped /dev/ringboot */
	RINGBOOT_A_SOCK_FD,		/* u32: a bound UDP socket (see docs/fastpath.md) */
	RINGBOOT_A_PEER_ADDR,		/* binary: 4 (AF_INET) or 16 (AF_INET6) bytes */
	RINGBOOT_A_PEER_PORT,		/* u16, host order: the server's TID; 0 = latch from DATA 1 */
	RINGBOOT_A_BLKSIZE,		/* u16: 8..65464 (RFC 2348); default 512 */
	RINGBOOT_A_WINDOWSIZE,		/* u16: 1..65535 (RFC 7440); default 1 */
	RINGBOOT_A_TSIZE,		/* u64: announced size (RFC 2349); present = announced, 0 too */
	RINGBOOT_A_TIMEOUT_MS,		/* u32: ACK retransmission timeout; default 1000 */
	RINGBOOT_A_RETRIES,		/* u32: re-ACKs on silence before failing; default 5 */
	RINGBOOT_A_WATERMARK,		/* u32: wake the reader at this many unread bytes */

	RINGBOOT_A_STATE,		/* u32: enum ringboot_state */
	RINGBOOT_A_STATUS,		/* s32: 0 or -errno */
	RINGBOOT_A_EVENT,		/* u32: enum ringboot_event */
	RINGBOOT_A_BYTES,		/* u64: payload bytes accepted */
	RINGBOOT_A_BLOCKS,		/* u64: DATA blocks accepted */
	RINGBOOT_A_DUPLICATES,		/* u64: DATA for blocks already accepted */
	RINGBOOT_A_OUT_OF_ORDER,	/* u64: DATA ahead of the next expected block */
	RINGBOOT_A_ACKS,		/* u64: ACKs sent */
	RINGBOOT_A_REACKS,		/* u64: ACKs re-sent (duplicate, gap, timeout) */
	RINGBOOT_A_TIMEOUTS,		/* u64: retransmission timer expiries */
	RINGBOOT_A_HELD_ACKS,		/* u64: ACKs held for ring space */
	RINGBOOT_A_MALFORMED,		/* u64: dropped: short, oversize, bad opcode */
	RINGBOOT_A_PASSED,		/* u64: handed to the user's socket */
	RINGBOOT_A_BAD_CONS,		/* u64: consumer index values ignored */
	RINGBOOT_A_TURNAROUND_MIN_NS,	/* u64: last DATA of a window in -> ACK out */
	RINGBOOT_A_TURNAROUND_MAX_NS,	/* u64 */
	RINGBOOT_A_TURNAROUND_SUM_NS,	/* u64 */
	RINGBOOT_A_TURNAROUND_COUNT,	/* u64 */
	RINGBOOT_A_FIRST_BLOCK,		/* u32: 1..65535, block expected first; default 1 */
	RINGBOOT_A_OFFSET,		/* u64: file offset of that block's first byte, <= 2^63 - 1 */

	__RINGBOOT_A_MAX,
};
#define RINGBOOT_A_MAX (__RINGBOOT_A_MAX - 1)

#endif /* _UAPI_LINUX_RINGBOOT_H */
