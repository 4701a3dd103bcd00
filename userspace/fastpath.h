/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user half of the kernel TFTP fast path (ringboot.ko, docs/fastpath.md).
 *
 * fastpath_nl.c: the session (open /dev/ringboot, map the ring) and the
 * Generic Netlink client (libnl-genl-3) for ATTACH, SET, ABORT and GET. It
 * depends on libc, libnl and the UAPI header only, so the selftests and test
 * helpers can build it in.
 *
 * fastpath.c: the "kernel" data path of the TFTP transport (tftp.h), which
 * consumes the ring on the event loop and writes it straight into the sink.
 *
 * Functions return 0 or a negative errno.
 */
#ifndef RINGBOOT_FASTPATH_H
#define RINGBOOT_FASTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <linux/ringboot.h>

struct nl_sock;

struct rb_fp {
	int dev_fd;
	struct ringboot_ring_hdr *hdr;
	const uint8_t *data;
	size_t map_len;
	uint64_t size;		/* data area, a power of two */
	uint32_t id;		/* session id (hdr->session_id) */
	struct nl_sock *nl;
	int family;		/* genl family id */
	char err[160];		/* the kernel's extended ACK message, if any */
};

/* What ATTACH takes; zero fields mean the module's defaults. */
struct rb_fp_attach {
	int sock_fd;
	const struct sockaddr *peer;	/* the server's address (port ignored) */
	uint16_t peer_port;		/* 0: latch from the first DATA */
	unsigned int blksize, windowsize;
	bool has_tsize;			/* the server announced tsize (even 0) */
	uint64_t tsize;
	unsigned int timeout_ms, retries, watermark;
	uint32_t first_block;		/* 0: 1 */
	uint64_t offset;		/* file offset of first_block */
};

struct rb_fp_stats {
	uint32_t state;
	int32_t status;
	uint64_t bytes, blocks, duplicates, out_of_order, acks, reacks, timeouts,
		 held_acks, malformed, passed, bad_cons;
	uint64_t ta_min_ns, ta_max_ns, ta_sum_ns, ta_count;
};

/* Whether the module is there and usable by this caller (no side effects). */
bool rb_fp_available(void);

/* Open a session with a ring of data_size bytes (power of two). */
int rb_fp_open(struct rb_fp *fp, uint64_t data_size);
void rb_fp_close(struct rb_fp *fp);

int rb_fp_attach(struct rb_fp *fp, const struct rb_fp_attach *a);
int rb_fp_set(struct rb_fp *fp, uint16_t peer_port, unsigned int blksize,
	      unsigned int windowsize, bool has_tsize, uint64_t tsize);
int rb_fp_abort(struct rb_fp *fp);
int rb_fp_get(struct rb_fp *fp, struct rb_fp_stats *st);
int rb_fp_kick(struct rb_fp *fp);

/*
 * The two readers of what the kernel sends back, exposed for the fuzz target:
 * the extended ACK text of an NLMSG_ERROR message (-ENOENT when it has none)
 * and the counters of a GET reply; -EBADMSG on a malformed message of len bytes.
 */
int rb_fp_parse_extack(const void *buf, size_t len, char *out, size_t outsz);
int rb_fp_parse_stats(const void *buf, size_t len, struct rb_fp_stats *st);

/* The shared indices, with the ordering the UAPI header documents. */
static inline uint32_t rb_fp_flags(const struct rb_fp *fp)
{
	/* Pairs with the kernel's store-release of flags after prod/status. */
	return __atomic_load_n(&fp->hdr->flags, __ATOMIC_ACQUIRE);
}

static inline uint64_t rb_fp_prod(const struct rb_fp *fp)
{
	/* Pairs with the kernel's store-release of prod after the copy. */
	return __atomic_load_n(&fp->hdr->prod, __ATOMIC_ACQUIRE);
}

static inline uint64_t rb_fp_cons(const struct rb_fp *fp)
{
	return __atomic_load_n(&fp->hdr->cons, __ATOMIC_RELAXED);
}

static inline void rb_fp_release(struct rb_fp *fp, uint64_t cons)
{
	/* Pairs with the kernel's load-acquire of cons: reads done first. */
	__atomic_store_n(&fp->hdr->cons, cons, __ATOMIC_RELEASE);
}

/* Contiguous readable bytes at file offset off (up to the wrap). */
static inline size_t rb_fp_span(const struct rb_fp *fp, uint64_t off, uint64_t end,
				const uint8_t **p)
{
	uint64_t at = off & (fp->size - 1);
	uint64_t n = end - off;

	if (n > fp->size - at)
		n = fp->size - at;
	*p = fp->data + at;
	return (size_t)n;
}

#endif
