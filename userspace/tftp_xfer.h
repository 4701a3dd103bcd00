/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the user-space TFTP client: the state of one transfer, shared by
 * tftp.c (start, cancel, teardown), tftp_io.c (sending and receiving
 * datagrams on the io_uring loop) and tftp_rx.c (the protocol). Not an API.
 */
#ifndef RINGBOOT_TFTP_XFER_H
#define RINGBOOT_TFTP_XFER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "tftp.h"
#include "uring.h"

enum {
	RTO_MIN_MS = 100,		/* below this, scheduling stalls look like loss */
	RTO_MAX_MS = 5000,
	SEND_SLOTS = 8,
	RETRIES_DEFAULT = 5,
	TIMEOUT_DEFAULT = 1,		/* seconds */
	RING_BUFS_MAX = 512,
	SPIN_MIN_US = 20,		/* polling for the next block or window */
	SPIN_MAX_US = 500,
};

enum tftp_state {
	ST_RRQ,		/* RRQ sent, waiting for OACK, DATA 1 or ERROR */
	ST_DATA,	/* receiving DATA */
	ST_DONE,
};

struct send_slot {
	struct rb_op op;
	uint64_t quiet_seq;		/* quiet send queued before this submission */
	bool quiet;
	struct sockaddr_storage to;	/* the SQE is submitted later: keep a copy */
	struct msghdr msg;
	struct iovec iov;
	uint8_t buf[RB_TFTP_RRQ_MAX];
};

struct tftp {
	struct rb_fetch *f;
	struct rb_loop *loop;
	enum tftp_state state;
	int fd;
	struct sockaddr_storage server;	/* where the RRQ goes (port 69) */
	socklen_t server_len;
	bool have_tid;
	struct rb_tftp_session s;	/* peer (TID), negotiated values */
	char file[RB_URL_PATH_MAX];
	struct rb_tftp_req req;
	bool options_dropped;		/* retried without options after ERROR 8 */

	/* receive */
	struct rb_op recv_op;
	bool multishot;
	struct rb_bufring br;
	struct msghdr rmsg;		/* multishot: namelen only; single: full */
	struct sockaddr_storage rname;
	struct iovec riov;
	uint8_t *rbuf;			/* single-shot buffer */
	size_t rcap;			/* payload capacity: blksize + header + 1 */

	/* sending */
	struct send_slot slots[SEND_SLOTS];

	/* sequence: RFC 1350 block numbers are 16 bits and roll over */
	uint64_t next;			/* next block wanted, counting from 1 */
	uint16_t next_wire;		/* its number on the wire */
	int rollover_to;		/* -1: not seen yet; else 0 or 1 */
	bool rollover_probe;		/* saw 1 where 0 was due: gap-ACKed once */
	unsigned int in_window;		/* in-order blocks since the last ACK */
	uint16_t last_ack;
	uint16_t last_inorder;		/* wire number of the last in-order block */
	uint64_t gap_acked_next;	/* `next` for which a gap ACK went out */
	uint64_t gap_ack_ns;

	/* timers: RFC 6298-style RTO from samples, Karn's rule on retransmits */
	struct rb_timer timer;
	uint64_t ack_sent_ns;		/* 0 when the next sample is ambiguous */
	unsigned int srtt_us, rttvar_us, rto_ms;
	unsigned int retries_left, retries;
	uint64_t last_rx_ns;
	bool finishing;
	uint64_t saved_spin_ns;		/* the loop's polling before this transfer */
	struct rb_op end_op;		/* deferred end: see tftpx_end() */
	int end_err;
};

/* tftp.c: ending a transfer (deferred teardown, see tftpx_end) */
void tftpx_end(struct tftp *t, int err);
__attribute__((format(printf, 3, 4)))
void tftpx_fail(struct tftp *t, int err, const char *fmt, ...);

/* tftp_io.c: datagrams out (quiet sends where possible) and in */
void tftpx_send_done(struct rb_loop *loop, struct rb_op *op, int res, unsigned int fl);
void tftpx_send_ack(struct tftp *t, uint16_t block);
void tftpx_send_error(struct tftp *t, const struct sockaddr_storage *to, uint16_t code,
		      const char *msg);
int tftpx_send_rrq(struct tftp *t);
int tftpx_setup_recv(struct tftp *t, unsigned int blksize, unsigned int window);
int tftpx_arm_recv(struct tftp *t);

/* tftp_rx.c: the protocol: negotiation, DATA, retransmission */
void tftpx_arm_timer(struct tftp *t);
void tftpx_timer_fired(struct rb_loop *loop, struct rb_timer *tm);
int tftpx_try_data_paths(struct tftp *t);
void tftpx_got_packet(struct tftp *t, const struct sockaddr_storage *from,
		      const uint8_t *buf, size_t len, bool truncated);

#endif
