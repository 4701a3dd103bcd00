/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TFTP transport (RFC 1350, 2347, 2348, 2349, 7440) of the fetch
 * framework, and the hook through which a second data path (the kernel fast
 * path, ringboot.ko) takes over a negotiated transfer.
 *
 * How a data path plugs in: define `const struct rb_tftp_path NAME` and add
 * one line `RB_TFTP_PATH(NAME)` to tftp_paths.h. After the request and the
 * option negotiation (OACK, or DATA 1 from a server that ignores options),
 * tftp.c fills a struct rb_tftp_session and, unless --fastpath=off, calls
 * each path's start():
 *  - it returns 0: the path owns the transfer from then on. It sends the
 *    pending acknowledgement (ACK s->ack_block) once it is ready to receive,
 *    takes blocks s->ack_block + 1, ... into f->sink (s->offset bytes are
 *    already there), keeps f->res counters, sets f->res.path = s->path->name,
 *    and ends with rb_tftp_path_done(s, err) after writing a one-line reason
 *    to f->res.reason on failure (never rb_fetch_finish: tftp.c owns f).
 *    cancel() is then forwarded to the path.
 *  - it returns -errno (module absent, no permission, ...): tftp.c goes on in
 *    user space, or fails when --fastpath=on.
 * The session (and the socket) belong to tftp.c; the path must not close fd.
 */
#ifndef RINGBOOT_TFTP_H
#define RINGBOOT_TFTP_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "fetch.h"
#include "tftp_proto.h"

struct rb_tftp_path;

struct rb_tftp_session {
	struct rb_fetch *f;
	int fd;				/* UDP socket (unconnected: strays get ERROR 5) */
	struct sockaddr_storage peer;	/* the server's TID (address and port) */
	socklen_t peer_len;
	struct rb_tftp_neg neg;		/* blksize, windowsize, tsize, timeout */
	uint16_t ack_block;		/* the ACK still to send: 0 after OACK, 1 after DATA 1 */
	uint64_t offset;		/* bytes already in the sink */
	unsigned int rto_ms;		/* current retransmission timeout */
	unsigned int retries;		/* retransmissions allowed */
	const struct rb_tftp_path *path;/* set by tftp.c for the path that took over */
	void *priv;			/* the path's state */
};

struct rb_tftp_path {
	const char *name;		/* "kernel": the --json "path" value */
	int (*start)(struct rb_tftp_session *s);
	void (*cancel)(struct rb_tftp_session *s, int err);
};

extern const struct rb_transport rb_transport_tftp;

/* A data path ends the transfer it took over (success or -errno). */
void rb_tftp_path_done(struct rb_tftp_session *s, int err);

/* Default blksize for a family: fills one Ethernet frame (RFC 2348). */
unsigned int rb_tftp_default_blksize(int family);

#endif
