// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Selftest: the data path of ringboot.ko against a fault-injecting loopback
 * server (this program plays the server: it sends DATA and reads the ACKs
 * the module sends from softirq). Covers: mmap rules; lock-step and windowed
 * transfers on IPv4 and IPv6 with the rollover of block numbers (to 0 and to
 * 1, the first block after 65535 lost); tsize against the bytes sent; the
 * bound of the ring's offsets; a refused ATTACH leaving no trace; gaps and
 * duplicates; hostile packets (wrong TID, zero-length, truncated, oversize,
 * stale and future blocks); a hostile consumer index; back-pressure with a
 * ring smaller than two windows; a ring that fills between window ends
 * (reader woken at the watermark, ACK held for a kick); a silent server (bounded timeout, "failed"
 * event); and teardown (device closed mid-transfer, socket closed while
 * attached). Needs ringboot.ko loaded.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>

#include "fp_common.h"

#define RING (1 << 16)

struct xfer {
	struct rb_fp fp;
	struct fp_peer client, server;
	uint8_t *file, *got;
	size_t len;
	unsigned int blksize;
	bool rollover1;		/* the server goes on with 1 after 65535, not 0 */
	uint64_t first;		/* the first block the module takes (ATTACH first-block) */
};

static int xfer_open(struct xfer *x, int family, size_t len, unsigned int blksize,
		     uint64_t ring, const struct rb_fp_attach *extra)
{
	int err;

	memset(x, 0, sizeof(*x));
	x->len = len;
	x->blksize = blksize;
	x->file = malloc(len + 1);
	x->got = calloc(1, len + 1);
	x->first = extra && extra->first_block ? extra->first_block : 1;
	fp_pattern(x->file, len, (unsigned int)len);
	err = rb_fp_open(&x->fp, ring);
	if (!err)
		err = fp_peer_open(&x->client, family);
	if (!err)
		err = fp_peer_open(&x->server, family);
	if (!err)
		err = fp_attach(&x->fp, &x->client, &x->server, extra);
	if (err)
		ktap_print_msg("xfer setup: %s (%s)", strerror(-err), x->fp.err);
	return err;
}

static void xfer_close(struct xfer *x)
{
	rb_fp_close(&x->fp);
	fp_peer_close(&x->client);
	fp_peer_close(&x->server);
	free(x->file);
	free(x->got);
}

/* Block b's number on the wire: past 65535 it goes on with 0, or with 1. */
static uint16_t xfer_wire(const struct xfer *x, uint64_t b)
{
	if (x->rollover1 && b)
		return (uint16_t)((b - 1) % 65535 + 1);
	return (uint16_t)b;
}

/* Send block b (absolute, 1-based) of the file. */
static int xfer_send(struct xfer *x, uint64_t b)
{
	size_t off = (b - 1) * x->blksize;
	size_t n = off >= x->len ? 0 : x->len - off;

	if (n > x->blksize)
		n = x->blksize;
	return fp_send_data(&x->server, &x->client, xfer_wire(x, b), x->file + off, n);
}

static uint64_t xfer_blocks(const struct xfer *x)
{
	return x->len / x->blksize + 1;	/* a final short (maybe empty) block */
}

/* EOF, and the file from the first block the module took on is intact. */
static bool xfer_ok(struct xfer *x)
{
	uint64_t n = fp_drain(&x->fp, x->got, x->len);
	uint32_t fl = rb_fp_flags(&x->fp);
	size_t from = (x->first - 1) * x->blksize;

	if (!(fl & RINGBOOT_RING_F_EOF) || n != x->len ||
	    memcmp(x->got + from, x->file + from, x->len - from)) {
		ktap_print_msg("flags 0x%x, %llu of %zu bytes, %s", fl, (unsigned long long)n,
			       x->len, n == x->len ? "content differs" : "short");
		return false;
	}
	return true;
}

/*
 * A windowed server (RFC 7440): send each window from x->first on, wait for
 * its ACK, go on after the block it names. Block drop (0: none) is lost the
 * first time it is sent.
 */
static bool serve_windowed(struct xfer *x, unsigned int window, uint64_t drop)
{
	uint64_t total = xfer_blocks(x), next = x->first;
	int rounds = 0;

	while (next <= total && rounds++ < 1000000) {
		uint64_t end = next + window - 1, b, k;
		int ack;

		if (end > total)
			end = total;
		for (b = next; b <= end; b++) {
			if (b == drop) {
				drop = 0;
				continue;
			}
			xfer_send(x, b);
		}
		ack = fp_recv_ack(&x->server, 2000);
		if (ack < 0) {
			ktap_print_msg("no ACK for window %llu..%llu", (unsigned long long)next,
				       (unsigned long long)end);
			return false;
		}
		fp_drain(&x->fp, x->got, x->len);
		/* The ACK names a 16-bit block of this window (or the one before). */
		for (k = end; k + 1 >= next && xfer_wire(x, k) != ack; k--)
			;
		if (k + 1 < next) {
			ktap_print_msg("ACK %d is not in window %llu..%llu", ack,
				       (unsigned long long)next, (unsigned long long)end);
			return false;
		}
		next = k + 1;
	}
	return next > total;
}

static void test_mmap(void)
{
	long page = sysconf(_SC_PAGESIZE);
	static const struct { const char *name; size_t data; int flags; off_t off; } bad[] = {
		{ "mmap_not_power_of_two_refused", 3 * 4096, MAP_SHARED, 0 },
		{ "mmap_too_big_refused", 128u << 20, MAP_SHARED, 0 },
		{ "mmap_header_only_refused", 0, MAP_SHARED, 0 },
		{ "mmap_wrong_offset_refused", 65536, MAP_SHARED, 4096 },
		{ "mmap_private_refused", 65536, MAP_PRIVATE, 0 },
	};
	size_t i;
	void *m, *m2;
	int fd = open(RINGBOOT_DEVICE, O_RDWR);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = mmap(NULL, page + bad[i].data, PROT_READ | PROT_WRITE, bad[i].flags, fd,
			 bad[i].off);
		ktap_test_result(m == MAP_FAILED && errno == EINVAL, "%s", bad[i].name);
		if (m != MAP_FAILED)
			munmap(m, page + bad[i].data);
	}
	m = mmap(NULL, page + 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ktap_test_result(m != MAP_FAILED &&
			 ((struct ringboot_ring_hdr *)m)->magic == RINGBOOT_RING_MAGIC &&
			 ((struct ringboot_ring_hdr *)m)->data_size == 65536,
			 "mmap_header_page_and_power_of_two");
	m2 = mmap(NULL, page + 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ktap_test_result(m2 == MAP_FAILED && errno == EBUSY, "mmap_second_mapping_refused");
	if (m != MAP_FAILED)
		munmap(m, page + 65536);
	close(fd);
}

/* Lock-step (RFC 1350): one ACK per block, all of them, then EOF. */
static void test_lockstep(int family, size_t len, const char *name)
{
	struct xfer x;
	uint64_t b, total;
	bool ok = false;
	struct rb_fp_stats st;

	if (xfer_open(&x, family, len, 512, RING, NULL))
		goto out;
	total = xfer_blocks(&x);
	for (b = 1; b <= total; b++) {
		int ack;

		xfer_send(&x, b);
		ack = fp_recv_ack(&x.server, 2000);
		if (ack != (uint16_t)b) {
			ktap_print_msg("block %llu: ack %d", (unsigned long long)b, ack);
			goto out;
		}
		fp_drain(&x.fp, x.got, x.len);
	}
	ok = xfer_ok(&x) && !rb_fp_get(&x.fp, &st) && st.state == RINGBOOT_STATE_DONE &&
	     st.blocks == total && st.bytes == len;
out:
	ktap_test_result(ok, "%s", name);
	xfer_close(&x);
}

/* RFC 7440 windows, a gap ACK at once, and a duplicate that is re-ACKed. */
static void test_windowed_gap(int family)
{
	struct rb_fp_attach a = { .blksize = 512, .windowsize = 4 };
	struct rb_fp_stats st;
	struct xfer x;
	int ack1, ack2, ack3;
	bool ok = false;

	if (xfer_open(&x, family, 6 * 512 + 77, 512, RING, &a))
		goto out;
	xfer_send(&x, 1);
	xfer_send(&x, 2);
	xfer_send(&x, 4);			/* 3 lost */
	ack1 = fp_recv_ack(&x.server, 1000);	/* gap: ACK 2 at once */
	xfer_send(&x, 3);
	xfer_send(&x, 4);
	xfer_send(&x, 5);
	xfer_send(&x, 6);
	ack2 = fp_recv_ack(&x.server, 1000);	/* window 3..6 */
	xfer_send(&x, 7);			/* final, short */
	ack3 = fp_last_ack(&x.server, 300);
	ok = ack1 == 2 && ack2 == 6 && ack3 == 7 && xfer_ok(&x) &&
	     !rb_fp_get(&x.fp, &st) && st.out_of_order >= 1;
	if (!ok)
		ktap_print_msg("acks %d %d %d", ack1, ack2, ack3);
out:
	ktap_test_result(ok, "windowed_gap_acked_at_once_%s", family == AF_INET ? "v4" : "v6");
	xfer_close(&x);
}

/* Past block 65535 the numbers wrap to 0 (what tftpd-hpa and atftpd do). */
static void test_rollover(void)
{
	struct rb_fp_attach a = { .blksize = 8, .windowsize = 64 };
	struct xfer x;
	bool ok = false;

	if (xfer_open(&x, AF_INET, (65536 + 100) * 8 + 3, 8, RING, &a))
		goto out;
	ok = serve_windowed(&x, 64, 0) && xfer_ok(&x);
out:
	ktap_test_result(ok, "block_number_rollover_past_65535");
	xfer_close(&x);
}

/*
 * Past 65535 some servers go on with 1 (tftpd-hpa when asked its "rollover"
 * option), the others with 0; either may lose the first block after 65535
 * mid-window, when the 1 after a lost 0 must not be taken for block 65536.
 * The transfer starts at block 65500 (ATTACH first-block and offset, as after
 * a hand-over) so that the rollover comes at once.
 */
static void test_rollover_kind(bool to1, unsigned int window, bool lose_first, const char *name)
{
	const uint64_t first = 65500;
	struct rb_fp_attach a = { .blksize = 8, .windowsize = window, .first_block = first,
				  .offset = (first - 1) * 8 };
	struct rb_fp_stats st = { 0 };
	struct xfer x;
	bool ok = false;

	if (xfer_open(&x, AF_INET, (65536 + 200) * 8 + 3, 8, RING, &a))
		goto out;
	x.rollover1 = to1;
	ok = serve_windowed(&x, window, lose_first ? 65536 : 0) && xfer_ok(&x) &&
	     !rb_fp_get(&x.fp, &st) && st.blocks == xfer_blocks(&x) - first + 1;
	if (!ok)
		ktap_print_msg("blocks %llu timeouts %llu out_of_order %llu",
			       (unsigned long long)st.blocks, (unsigned long long)st.timeouts,
			       (unsigned long long)st.out_of_order);
out:
	ktap_test_result(ok, "%s", name);
	xfer_close(&x);
}

/*
 * RFC 2349: the file is as long as the tsize announced. Fewer bytes fail at
 * the final block (which is still ACKed) with -EPROTO, more bytes at once
 * with -EFBIG, and an announced 0 is a size like any other.
 */
static void test_tsize(uint64_t tsize, size_t len, int want, const char *name)
{
	struct rb_fp_attach a = { .has_tsize = true, .tsize = tsize };
	struct xfer x;
	uint64_t b;
	int ack = -1;
	bool ok = false;

	if (xfer_open(&x, AF_INET, len, 512, RING, &a))
		goto out;
	for (b = 1; b <= xfer_blocks(&x); b++) {
		xfer_send(&x, b);
		ack = fp_recv_ack(&x.server, want == -EFBIG ? 300 : 1000);
		fp_drain(&x.fp, x.got, x.len);
		if (ack != (int)b)
			break;
	}
	if (!want)
		ok = xfer_ok(&x);
	else
		ok = (rb_fp_flags(&x.fp) & RINGBOOT_RING_F_ERROR) &&
		     !(rb_fp_flags(&x.fp) & RINGBOOT_RING_F_EOF) && x.fp.hdr->status == want &&
		     (want != -EPROTO || ack == (int)xfer_blocks(&x));
	if (!ok)
		ktap_print_msg("flags 0x%x status %d last ack %d", rb_fp_flags(&x.fp),
			       x.fp.hdr->status, ack);
out:
	ktap_test_result(ok, "%s", name);
	xfer_close(&x);
}

/*
 * The producer is a file offset and never wraps: ATTACH refuses an offset
 * past the largest file offset (2^63 - 1), and a transfer that would pass it
 * fails with -EFBIG instead of wrapping.
 */
static void test_offset_bound(void)
{
	const uint64_t max = INT64_MAX;
	struct rb_fp_attach a = { .offset = max + 1 };
	struct fp_peer client = { .fd = -1 }, server = { .fd = -1 };
	struct rb_fp fp = { .dev_fd = -1 };
	struct xfer x;
	bool ok = false;
	int err = -1;

	if (!rb_fp_open(&fp, RING) && !fp_peer_open(&client, AF_INET) &&
	    !fp_peer_open(&server, AF_INET))
		err = fp_attach(&fp, &client, &server, &a);
	ktap_print_msg("offset 2^63: %s ('%s')", strerror(-err), fp.err);
	ktap_test_result(err == -ERANGE && fp.err[0], "attach_offset_past_largest_file_offset_refused");
	rb_fp_close(&fp);
	fp_peer_close(&client);
	fp_peer_close(&server);

	a.offset = max - 100;
	if (xfer_open(&x, AF_INET, 4 * 512, 512, RING, &a))
		goto out;
	xfer_send(&x, 1);
	fp_recv_ack(&x.server, 300);
	ok = (rb_fp_flags(&x.fp) & RINGBOOT_RING_F_ERROR) && x.fp.hdr->status == -EFBIG &&
	     rb_fp_prod(&x.fp) == max - 100;
	if (!ok)
		ktap_print_msg("flags 0x%x status %d prod %llu", rb_fp_flags(&x.fp),
			       x.fp.hdr->status, (unsigned long long)rb_fp_prod(&x.fp));
out:
	ktap_test_result(ok, "producer_stops_at_largest_file_offset_no_wrap");
	xfer_close(&x);
}

/*
 * A refused ATTACH changes nothing: neither a ring smaller than the window
 * (refused after every option was read) nor a socket another session owns.
 * The ATTACH that then succeeds without options gets the defaults: block 1
 * first, offset 0, no tsize, the default watermark (16 KiB here, so one
 * block wakes nobody), timeout (1 s) and retries (5, so no failure soon).
 */
static void test_refused_attach_leaves_no_trace(void)
{
	struct rb_fp_attach bad = { .blksize = 65464, .windowsize = 2, .timeout_ms = 10,
				    .retries = 0, .watermark = 1, .first_block = 7,
				    .offset = 4096, .has_tsize = true, .tsize = 5,
				    .peer_port = 4242 };
	struct fp_peer client = { .fd = -1 }, server = { .fd = -1 };
	struct rb_fp fp = { .dev_fd = -1 }, other = { .dev_fd = -1 };
	struct pollfd pfd;
	int e1 = -1, e2 = -1, e3 = -1, ack1 = -1, ack2 = -1, woke = -1;
	bool clean_hdr = false, alive = false, ok = false;
	uint8_t got[600];

	if (rb_fp_open(&fp, RING) || rb_fp_open(&other, RING) ||
	    fp_peer_open(&client, AF_INET) || fp_peer_open(&server, AF_INET))
		goto out;
	e1 = fp_attach(&fp, &client, &server, &bad);
	bad.blksize = 512;
	bad.windowsize = 1;
	if (fp_attach(&other, &client, &server, NULL))
		goto out;
	e2 = fp_attach(&fp, &client, &server, &bad);
	rb_fp_close(&other);	/* the socket is free again */
	e3 = fp_attach(&fp, &client, &server, NULL);
	clean_hdr = fp.hdr->prod == 0 && fp.hdr->cons == 0 && fp.hdr->tsize == 0 &&
		    fp.hdr->blksize == 512 && fp.hdr->windowsize == 1;
	fp_pattern(got, sizeof(got), 7);
	fp_send_data(&server, &client, 1, got, 512);
	ack1 = fp_recv_ack(&server, 1000);
	pfd = (struct pollfd){ .fd = fp.dev_fd, .events = POLLIN };
	woke = poll(&pfd, 1, 0);
	usleep(300000);
	alive = !(rb_fp_flags(&fp) & RINGBOOT_RING_F_ERROR);
	fp_send_data(&server, &client, 2, got, 3);
	ack2 = fp_recv_ack(&server, 1000);
	ok = e1 == -ENOSPC && e2 == -EBUSY && e3 == 0 && clean_hdr && ack1 == 1 && woke == 0 &&
	     alive && ack2 == 2 && (rb_fp_flags(&fp) & RINGBOOT_RING_F_EOF) && rb_fp_prod(&fp) == 515;
out:
	if (!ok)
		ktap_print_msg("refused %d %d, then %d; clean header %d; ack %d, woken %d, "
			       "alive %d, ack %d, flags 0x%x prod %llu", e1, e2, e3, clean_hdr,
			       ack1, woke, alive, ack2, fp.hdr ? rb_fp_flags(&fp) : 0,
			       fp.hdr ? (unsigned long long)rb_fp_prod(&fp) : 0ULL);
	ktap_test_result(ok, "refused_attach_leaves_session_as_opened");
	rb_fp_close(&other);
	rb_fp_close(&fp);
	fp_peer_close(&client);
	fp_peer_close(&server);
}

/* Hostile packets mid-transfer: none may harm the stream. */
static void test_hostile_packets(void)
{
	struct fp_peer stray;
	struct rb_fp_stats st;
	struct xfer x;
	uint8_t buf[1024];
	uint8_t big[600];
	uint16_t from = 0;
	ssize_t n;
	uint64_t b;
	bool ok = false, stray_seen = false, stray_got_error = false, oversize_passed = false;

	if (xfer_open(&x, AF_INET, 20 * 512 + 5, 512, RING, NULL) ||
	    fp_peer_open(&stray, AF_INET))
		goto out;
	xfer_send(&x, 1);
	if (fp_recv_ack(&x.server, 1000) != 1)
		goto out;
	/* Wrong TID: reaches the user's socket; user space answers ERROR 5. */
	fp_send_data(&stray, &x.client, 2, x.file + 512, 512);
	n = fp_recv(&x.client, buf, sizeof(buf), 1000, &from);
	if (n == 516 && from == stray.port) {
		static const uint8_t err5[] = { 0, 5, 0, 5, 'U', 'n', 'k', 'n', 'o', 'w', 'n',
						' ', 't', 'i', 'd', 0 };

		stray_seen = true;
		fp_send_raw(&x.client, &stray, err5, sizeof(err5));
		n = fp_recv(&stray, buf, sizeof(buf), 1000, NULL);
		stray_got_error = n >= 4 && buf[1] == 5 && buf[3] == 5;
	}
	/* Zero-length and truncated payloads, an oversize block 2, stale, future. */
	fp_send_raw(&x.server, &x.client, buf, 0);
	fp_send_raw(&x.server, &x.client, (const uint8_t[]){ 0, 3 }, 2);
	fp_send_raw(&x.server, &x.client, (const uint8_t[]){ 0, 3, 0 }, 3);
	memset(big, 0xee, sizeof(big));
	fp_send_data(&x.server, &x.client, 2, big, 513);
	/* Larger than blksize: passed up (user space refuses the transfer). */
	n = fp_recv(&x.client, buf, sizeof(buf), 1000, &from);
	oversize_passed = n == 4 + 513 && from == x.server.port;
	fp_send_data(&x.server, &x.client, 1, big, 512);
	fp_send_data(&x.server, &x.client, 1000, big, 512);
	fp_send_data(&x.server, &x.client, 3, big, 512);
	fp_last_ack(&x.server, 300);	/* re-ACKs of 1 are allowed, nothing else */
	for (b = 2; b <= xfer_blocks(&x); b++) {
		xfer_send(&x, b);
		if (fp_recv_ack(&x.server, 1000) != (int)b)
			goto out;
		fp_drain(&x.fp, x.got, x.len);
	}
	ok = xfer_ok(&x) && !rb_fp_get(&x.fp, &st) && st.malformed >= 4 && st.passed >= 2 &&
	     st.duplicates >= 1 && st.out_of_order >= 2;
	ktap_print_msg("malformed %llu passed %llu duplicates %llu out_of_order %llu",
		       (unsigned long long)st.malformed, (unsigned long long)st.passed,
		       (unsigned long long)st.duplicates, (unsigned long long)st.out_of_order);
out:
	ktap_test_result(stray_seen && stray_got_error, "wrong_tid_passed_to_user_space_error_5");
	ktap_test_result(oversize_passed, "data_larger_than_blksize_passed_to_user_space");
	ktap_test_result(ok, "hostile_packets_leave_the_stream_intact");
	fp_peer_close(&stray);
	xfer_close(&x);
}

/* A consumer index beyond the producer, wrapped back, huge: ignored. */
static void test_hostile_cons(void)
{
	static const uint64_t lies[] = { 1000000, UINT64_MAX, UINT64_MAX / 2 + 1, 1 };
	struct rb_fp_stats st;
	struct xfer x;
	uint64_t b;
	bool ok = false;

	if (xfer_open(&x, AF_INET, 12 * 512 + 1, 512, 4096, NULL))
		goto out;
	for (b = 1; b <= xfer_blocks(&x); b++) {
		uint64_t good = rb_fp_cons(&x.fp);

		/* Lie before each block; the truth and a kick release a held ACK. */
		rb_fp_release(&x.fp, lies[b % 4]);
		xfer_send(&x, b);
		if (fp_recv_ack(&x.server, 300) != (int)b) {
			rb_fp_release(&x.fp, good);
			fp_drain(&x.fp, x.got, x.len);
			if (fp_recv_ack(&x.server, 1000) != (int)b)
				goto out;
		}
		rb_fp_release(&x.fp, good);
		fp_drain(&x.fp, x.got, x.len);
	}
	ok = xfer_ok(&x) && !rb_fp_get(&x.fp, &st) && st.bad_cons > 0;
out:
	ktap_test_result(ok, "hostile_consumer_index_ignored_stream_intact");
	xfer_close(&x);
}

/* A ring of one window: every window ACK is held until the reader kicks. */
static void test_backpressure(void)
{
	struct rb_fp_attach a = { .blksize = 512, .windowsize = 8 };
	struct rb_fp_stats st;
	struct xfer x;
	uint64_t b, next = 1, total;
	bool ok = false, held_seen = true, eagain = false;

	if (xfer_open(&x, AF_INET, 3 * 4096 + 300, 512, 4096, &a))
		goto out;
	total = xfer_blocks(&x);
	while (next <= total) {
		uint64_t end = next + 7 < total ? next + 7 : total;
		int ack;

		for (b = next; b <= end; b++)
			xfer_send(&x, b);
		if (end < total) {
			/* Held: no ACK, NEED_KICK set, a kick without room fails. */
			if (fp_recv_ack(&x.server, 300) != -ETIMEDOUT ||
			    !(rb_fp_flags(&x.fp) & RINGBOOT_RING_F_NEED_KICK))
				held_seen = false;
			eagain = rb_fp_kick(&x.fp) == -EAGAIN;
			usleep(20000);	/* the deliberately slow consumer */
		}
		fp_drain(&x.fp, x.got, x.len);
		ack = fp_recv_ack(&x.server, 1000);
		if (ack != (int)end) {
			ktap_print_msg("window %llu..%llu: ack %d", (unsigned long long)next,
				       (unsigned long long)end, ack);
			goto out;
		}
		next = end + 1;
	}
	ok = xfer_ok(&x) && held_seen && eagain && !rb_fp_get(&x.fp, &st) && st.held_acks == 3;
	if (!ok)
		ktap_print_msg("held_seen %d eagain %d held_acks %llu", held_seen, eagain,
			       (unsigned long long)st.held_acks);
out:
	ktap_test_result(ok, "backpressure_ring_smaller_than_two_windows");
	xfer_close(&x);
}

/*
 * Heavy reordering: every gap ACK restarts the module's count of the window,
 * so the ring can fill before a window ends. A reader asleep in poll() must
 * still be woken when the unread bytes cross the watermark, and a block that
 * finds no room must hold the ACK for a kick (not vanish until the
 * retransmission timer, which is set far out here).
 */
static void *send_reordered(void *arg)
{
	static const uint64_t order[] = { 1, 2, 3, 5, 4, 5, 6, 7, 8, 9 };
	struct xfer *x = arg;
	size_t i;

	usleep(100000);	/* the reader is asleep in poll() by now */
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		xfer_send(x, order[i]);
	return NULL;
}

static void test_ring_fills_between_window_ends(void)
{
	struct rb_fp_attach a = { .blksize = 512, .windowsize = 8, .watermark = 2048,
				  .timeout_ms = 5000 };
	struct pollfd pfd;
	struct rb_fp_stats st;
	struct xfer x;
	pthread_t t;
	int woke, gap_ack, kick_ack, last = -1;
	bool ok = false, need_kick;

	if (xfer_open(&x, AF_INET, 9 * 512 + 100, 512, 4096, &a))
		goto out;
	if (pthread_create(&t, NULL, send_reordered, &x))
		goto out;
	pfd = (struct pollfd){ .fd = x.fp.dev_fd, .events = POLLIN };
	woke = poll(&pfd, 1, 2000);
	pthread_join(t, NULL);
	/*
	 * Blocks 4..8 filled the ring (the count restarted at 3: no window
	 * end), so block 9 must have set NEED_KICK; give a loaded machine a
	 * second to deliver it.
	 */
	for (int i = 0; i < 100; i++) {
		need_kick = rb_fp_flags(&x.fp) & RINGBOOT_RING_F_NEED_KICK;
		if (need_kick)
			break;
		usleep(10000);
	}
	gap_ack = fp_recv_ack(&x.server, 300);	/* 5 before 4: ACK 3 at once */
	fp_drain(&x.fp, x.got, x.len);
	kick_ack = rb_fp_kick(&x.fp) ? -1 : fp_recv_ack(&x.server, 300);
	if (kick_ack == 8) {
		xfer_send(&x, 9);
		xfer_send(&x, 10);	/* final, short */
		last = fp_last_ack(&x.server, 300);
	}
	ok = woke == 1 && (pfd.revents & POLLIN) && gap_ack == 3 && need_kick &&
	     kick_ack == 8 && last == 10 && xfer_ok(&x) && !rb_fp_get(&x.fp, &st) &&
	     st.held_acks == 1;
	if (!ok)
		ktap_print_msg("woke %d revents 0x%x gap_ack %d need_kick %d kick_ack %d last %d",
			       woke, pfd.revents, gap_ack, need_kick, kick_ack, last);
out:
	ktap_test_result(ok, "ring_fills_between_window_ends_reader_woken_ack_held");
	xfer_close(&x);
}

struct ev {
	uint32_t id, event;
	int32_t status;
};

static int ev_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[RINGBOOT_A_MAX + 1];
	struct ev *e = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, RINGBOOT_A_MAX, NULL) < 0 ||
	    !tb[RINGBOOT_A_EVENT] || !tb[RINGBOOT_A_SESSION_ID])
		return NL_SKIP;
	e->id = nla_get_u32(tb[RINGBOOT_A_SESSION_ID]);
	e->event = nla_get_u32(tb[RINGBOOT_A_EVENT]);
	e->status = tb[RINGBOOT_A_STATUS] ? (int32_t)nla_get_u32(tb[RINGBOOT_A_STATUS]) : 0;
	return NL_OK;
}

/* A server that goes silent: re-ACKs, then -ETIMEDOUT within the bound. */
static void test_silent_server(void)
{
	struct rb_fp_attach a = { .timeout_ms = 100, .retries = 3 };
	struct nl_sock *evs = nl_socket_alloc();
	struct ev ev = { 0 };
	struct xfer x;
	double t0, dt = 0;
	int reacks = 0, grp;
	bool ok = false;

	genl_connect(evs);
	grp = genl_ctrl_resolve_grp(evs, RINGBOOT_GENL_NAME, RINGBOOT_MCGRP_EVENTS);
	nl_socket_disable_seq_check(evs);
	nl_socket_modify_cb(evs, NL_CB_VALID, NL_CB_CUSTOM, ev_cb, &ev);
	nl_socket_add_membership(evs, grp);
	if (xfer_open(&x, AF_INET, 10 * 512, 512, RING, &a))
		goto out;
	t0 = fp_now();
	xfer_send(&x, 1);
	fp_recv_ack(&x.server, 1000);
	while (!(rb_fp_flags(&x.fp) & RINGBOOT_RING_F_ERROR) && fp_now() - t0 < 5) {
		if (fp_recv_ack(&x.server, 50) == 1)
			reacks++;
	}
	dt = fp_now() - t0;
	nl_socket_set_nonblocking(evs);
	{
		struct pollfd p = { .fd = nl_socket_get_fd(evs), .events = POLLIN };

		if (poll(&p, 1, 1000) > 0)
			nl_recvmsgs_default(evs);
	}
	ok = (rb_fp_flags(&x.fp) & RINGBOOT_RING_F_ERROR) &&
	     x.fp.hdr->status == -ETIMEDOUT && reacks == 3 && dt < 2.0;
	ktap_print_msg("failed after %.2f s with %d re-ACKs, status %d; event %u id %u/%u",
		       dt, reacks, x.fp.hdr->status, ev.event, ev.id, x.fp.id);
out:
	ktap_test_result(ok, "silent_server_clean_timeout_bounded_2s");
	ktap_test_result(ev.event == RINGBOOT_EVENT_FAILED && ev.id == x.fp.id &&
			 ev.status == -ETIMEDOUT, "failed_event_multicast");
	nl_socket_free(evs);
	xfer_close(&x);
}

/* The server's ERROR fails the session and still reaches user space. */
static void test_server_error(void)
{
	static const uint8_t err1[] = { 0, 5, 0, 1, 'g', 'o', 'n', 'e', 0 };
	struct xfer x;
	uint8_t buf[64];
	ssize_t n = -1;
	bool ok = false;

	if (xfer_open(&x, AF_INET, 4 * 512, 512, RING, NULL))
		goto out;
	xfer_send(&x, 1);
	fp_recv_ack(&x.server, 1000);
	fp_send_raw(&x.server, &x.client, err1, sizeof(err1));
	n = fp_recv(&x.client, buf, sizeof(buf), 1000, NULL);
	ok = n == sizeof(err1) && (rb_fp_flags(&x.fp) & RINGBOOT_RING_F_ERROR) &&
	     x.fp.hdr->status == -EREMOTEIO;
out:
	ktap_test_result(ok, "server_error_fails_session_and_reaches_socket");
	xfer_close(&x);
}

/* Teardown: the device closed mid-transfer unhooks the socket. */
static void test_close_device(void)
{
	struct xfer x;
	uint8_t buf[1024];
	ssize_t n = -1;
	bool ok = false;

	if (xfer_open(&x, AF_INET, 8 * 512, 512, RING, NULL))
		goto out;
	xfer_send(&x, 1);
	fp_recv_ack(&x.server, 1000);
	xfer_send(&x, 2);
	rb_fp_close(&x.fp);
	xfer_send(&x, 3);	/* now plain UDP to the user's socket */
	fp_last_ack(&x.server, 200);
	do
		n = fp_recv(&x.client, buf, sizeof(buf), 500, NULL);
	while (n == 516 && buf[3] != 3);
	ok = n == 516 && buf[3] == 3;
out:
	ktap_test_result(ok, "close_device_mid_transfer_detaches_socket");
	xfer_close(&x);
}

/* Teardown: the user's socket closed while attached; the session keeps it. */
static void test_close_socket(void)
{
	struct xfer x;
	uint64_t b;
	bool ok = false;

	if (xfer_open(&x, AF_INET6, 6 * 512 + 9, 512, RING, NULL))
		goto out;
	xfer_send(&x, 1);
	if (fp_recv_ack(&x.server, 1000) != 1)
		goto out;
	fp_peer_close(&x.client);
	for (b = 2; b <= xfer_blocks(&x); b++) {
		xfer_send(&x, b);
		if (fp_recv_ack(&x.server, 1000) != (int)b)
			goto out;
	}
	ok = xfer_ok(&x);
out:
	ktap_test_result(ok, "close_socket_while_attached_transfer_completes");
	xfer_close(&x);
}

int main(void)
{
	if (geteuid() != 0)
		ktap_exit_skip("not-root: the family needs CAP_NET_ADMIN");
	if (access(RINGBOOT_DEVICE, F_OK))
		ktap_exit_skip("no-module: ringboot.ko is not loaded");
	if (fp_private_netns())
		ktap_exit_skip("no-netns: cannot create a network namespace");
	ktap_print_header(39);
	test_mmap();
	test_lockstep(AF_INET, 0, "lockstep_v4_0_bytes");
	test_lockstep(AF_INET, 1, "lockstep_v4_1_byte");
	test_lockstep(AF_INET, 512, "lockstep_v4_one_block");
	test_lockstep(AF_INET, 37 * 512 + 100, "lockstep_v4_n_blocks");
	test_lockstep(AF_INET6, 1, "lockstep_v6_1_byte");
	test_lockstep(AF_INET6, 37 * 512 + 100, "lockstep_v6_n_blocks");
	test_windowed_gap(AF_INET);
	test_windowed_gap(AF_INET6);
	test_rollover();
	test_rollover_kind(false, 16, true,
			   "rollover_to_0_block_0_lost_mid_window_1_not_taken_for_it");
	test_rollover_kind(true, 16, false, "rollover_to_1_windowed");
	test_rollover_kind(true, 1, false, "rollover_to_1_lockstep");
	test_rollover_kind(true, 16, true, "rollover_to_1_first_block_lost_mid_window");
	test_tsize(10 * 512 + 7, 10 * 512 + 7, 0, "tsize_matching_accepted");
	test_tsize(10 * 512 + 7, 10 * 512 + 6, -EPROTO, "tsize_larger_than_file_refused_at_final_block");
	test_tsize(10 * 512 + 7, 12 * 512, -EFBIG, "tsize_smaller_than_file_refused");
	test_tsize(0, 3 * 512 + 1, -EFBIG, "tsize_0_announced_and_a_file_sent_refused");
	test_tsize(0, 0, 0, "tsize_0_announced_and_empty_file_accepted");
	test_offset_bound();
	test_refused_attach_leaves_no_trace();
	test_hostile_packets();
	test_hostile_cons();
	test_backpressure();
	test_ring_fills_between_window_ends();
	test_silent_server();
	test_server_error();
	test_close_device();
	test_close_socket();
	ktap_finished();
}
