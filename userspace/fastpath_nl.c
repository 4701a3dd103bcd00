// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Session and Generic Netlink client of the kernel fast path (fastpath.h).
 * Self-contained (libc, libnl, UAPI): the selftests build it in.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "fastpath.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* One request's outcome, filled by the callbacks below. */
struct rb_fp_req {
	struct rb_fp *fp;
	int err;
	bool done;
	struct rb_fp_stats *st;
};

/*
 * The extended ACK message (NLMSGERR_ATTR_MSG, RFC 3549 TLVs after struct
 * nlmsgerr, see linux/netlink.h) of an NLMSG_ERROR message of len bytes.
 * Every length comes from the peer, so each is checked against len.
 */
int rb_fp_parse_extack(const void *buf, size_t len, char *out, size_t outsz)
{
	const struct nlmsghdr *nlh = buf;
	const struct nlmsgerr *e;
	const struct nlattr *a;
	size_t off = sizeof(*e) - sizeof(e->msg);
	size_t left;

	if (outsz)
		out[0] = '\0';
	if (len < NLMSG_HDRLEN + sizeof(*e) || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) ||
	    nlh->nlmsg_len > len || nlh->nlmsg_type != NLMSG_ERROR)
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return -ENOENT;
	e = (const struct nlmsgerr *)((const char *)buf + NLMSG_HDRLEN);
	/* Without NLM_F_CAPPED the whole request follows the error code. */
	off += (nlh->nlmsg_flags & NLM_F_CAPPED) ? sizeof(e->msg) : e->msg.nlmsg_len;
	off = NLMSG_ALIGN(off);
	if (off < sizeof(*e) || nlh->nlmsg_len - NLMSG_HDRLEN < off)
		return -EBADMSG;
	left = nlh->nlmsg_len - NLMSG_HDRLEN - off;
	a = (const struct nlattr *)((const char *)e + off);
	while (left >= sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= left) {
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			size_t n = strnlen((const char *)a + sizeof(*a), a->nla_len - sizeof(*a));

			if (!outsz)
				return 0;
			if (n >= outsz)
				n = outsz - 1;
			memcpy(out, (const char *)a + sizeof(*a), n);
			out[n] = '\0';
			return 0;
		}
		if ((size_t)NLA_ALIGN(a->nla_len) >= left)
			break;
		left -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return -ENOENT;
}

static int rb_fp_err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct rb_fp_req *r = arg;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);

	r->err = e->error;
	r->done = true;
	/* libnl checked that the message holds a whole struct nlmsgerr. */
	if (e->error)
		rb_fp_parse_extack(nlh, nlh->nlmsg_len, r->fp->err, sizeof(r->fp->err));
	return NL_STOP;
}

static int rb_fp_ack_cb(struct nl_msg *msg, void *arg)
{
	struct rb_fp_req *r = arg;

	r->done = true;
	return NL_STOP;
}

/*
 * A GET reply (genl header, then attributes) of len bytes into *st. The
 * policy makes libnl refuse attributes shorter than their type, so no read
 * goes past one.
 */
int rb_fp_parse_stats(const void *buf, size_t len, struct rb_fp_stats *st)
{
	static const struct { int attr; size_t off; } u64s[] = {
#define F(a, f) { RINGBOOT_A_##a, offsetof(struct rb_fp_stats, f) }
		F(BYTES, bytes), F(BLOCKS, blocks), F(DUPLICATES, duplicates),
		F(OUT_OF_ORDER, out_of_order), F(ACKS, acks), F(REACKS, reacks),
		F(TIMEOUTS, timeouts), F(HELD_ACKS, held_acks), F(MALFORMED, malformed),
		F(PASSED, passed), F(BAD_CONS, bad_cons),
		F(TURNAROUND_MIN_NS, ta_min_ns), F(TURNAROUND_MAX_NS, ta_max_ns),
		F(TURNAROUND_SUM_NS, ta_sum_ns), F(TURNAROUND_COUNT, ta_count),
#undef F
	};
	struct nla_policy pol[RINGBOOT_A_MAX + 1];
	struct nlattr *tb[RINGBOOT_A_MAX + 1];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t i;

	if (len < NLMSG_HDRLEN + GENL_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_len > len)
		return -EBADMSG;
	memset(pol, 0, sizeof(pol));
	pol[RINGBOOT_A_STATE].type = NLA_U32;
	pol[RINGBOOT_A_STATUS].type = NLA_U32;
	for (i = 0; i < sizeof(u64s) / sizeof(u64s[0]); i++)
		pol[u64s[i].attr].type = NLA_U64;
	if (genlmsg_parse(nlh, 0, tb, RINGBOOT_A_MAX, pol) < 0)
		return -EBADMSG;
	memset(st, 0, sizeof(*st));
	if (tb[RINGBOOT_A_STATE])
		st->state = nla_get_u32(tb[RINGBOOT_A_STATE]);
	if (tb[RINGBOOT_A_STATUS])
		st->status = (int32_t)nla_get_u32(tb[RINGBOOT_A_STATUS]);
	for (i = 0; i < sizeof(u64s) / sizeof(u64s[0]); i++)
		if (tb[u64s[i].attr])
			memcpy((char *)st + u64s[i].off, nla_data(tb[u64s[i].attr]), sizeof(uint64_t));
	return 0;
}

static int rb_fp_valid_cb(struct nl_msg *msg, void *arg)
{
	struct rb_fp_req *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (!r->st || rb_fp_parse_stats(nlh, nlh->nlmsg_len, r->st) < 0)
		return NL_SKIP;
	return NL_OK;
}

/* Send msg (consumed) and wait for its ACK or error; -errno from the kernel. */
static int rb_fp_request(struct rb_fp *fp, struct nl_msg *msg, struct rb_fp_stats *st)
{
	struct rb_fp_req r = { .fp = fp, .st = st };
	int ret;

	fp->err[0] = '\0';
	nl_socket_modify_cb(fp->nl, NL_CB_VALID, NL_CB_CUSTOM, rb_fp_valid_cb, &r);
	nl_socket_modify_cb(fp->nl, NL_CB_ACK, NL_CB_CUSTOM, rb_fp_ack_cb, &r);
	nl_socket_modify_err_cb(fp->nl, NL_CB_CUSTOM, rb_fp_err_cb, &r);
	ret = nl_send_auto(fp->nl, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	while (!r.done) {
		ret = nl_recvmsgs_default(fp->nl);
		if (ret < 0 && !r.done)
			return -EIO;
	}
	return r.err;
}

static struct nl_msg *rb_fp_msg(struct rb_fp *fp, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fp->family, 0, 0, cmd,
				RINGBOOT_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int rb_fp_connect(struct rb_fp *fp)
{
	int one = 1;

	fp->nl = nl_socket_alloc();
	if (!fp->nl)
		return -ENOMEM;
	if (genl_connect(fp->nl) < 0)
		return -EIO;
	/* Best effort: the kernel's reason text for a refusal. */
	setsockopt(nl_socket_get_fd(fp->nl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(fp->nl), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	fp->family = genl_ctrl_resolve(fp->nl, RINGBOOT_GENL_NAME);
	return fp->family < 0 ? -ENOENT : 0;
}

bool rb_fp_available(void)
{
	struct rb_fp fp = { .dev_fd = -1 };
	struct nl_msg *msg;
	bool ok = false;

	if (access(RINGBOOT_DEVICE, R_OK | W_OK) || rb_fp_connect(&fp))
		goto out;
	msg = rb_fp_msg(&fp, RINGBOOT_CMD_GET_INFO);
	ok = msg && rb_fp_request(&fp, msg, NULL) == 0;
out:
	rb_fp_close(&fp);
	return ok;
}

int rb_fp_open(struct rb_fp *fp, uint64_t data_size)
{
	long page = sysconf(_SC_PAGESIZE);
	void *map;
	int ret;

	memset(fp, 0, sizeof(*fp));
	fp->dev_fd = open(RINGBOOT_DEVICE, O_RDWR | O_CLOEXEC);
	if (fp->dev_fd < 0)
		return -errno;
	fp->map_len = (size_t)page + data_size;
	map = mmap(NULL, fp->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fp->dev_fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		goto err;
	}
	fp->hdr = map;
	if (fp->hdr->magic != RINGBOOT_RING_MAGIC || fp->hdr->data_size != data_size) {
		ret = -EPROTO;
		goto err;
	}
	fp->data = (const uint8_t *)map + fp->hdr->data_off;
	fp->size = data_size;
	fp->id = fp->hdr->session_id;
	ret = rb_fp_connect(fp);
	if (ret)
		goto err;
	return 0;
err:
	rb_fp_close(fp);
	return ret;
}

void rb_fp_close(struct rb_fp *fp)
{
	if (fp->hdr)
		munmap(fp->hdr, fp->map_len);
	fp->hdr = NULL;
	if (fp->dev_fd >= 0)
		close(fp->dev_fd);
	fp->dev_fd = -1;
	if (fp->nl)
		nl_socket_free(fp->nl);
	fp->nl = NULL;
}

int rb_fp_attach(struct rb_fp *fp, const struct rb_fp_attach *a)
{
	struct nl_msg *msg = rb_fp_msg(fp, RINGBOOT_CMD_ATTACH);
	const void *addr;
	int alen;

	if (!msg)
		return -ENOMEM;
	if (a->peer->sa_family == AF_INET) {
		addr = &((const struct sockaddr_in *)a->peer)->sin_addr;
		alen = 4;
	} else {
		addr = &((const struct sockaddr_in6 *)a->peer)->sin6_addr;
		alen = 16;
	}
	if (nla_put_u32(msg, RINGBOOT_A_RING_FD, (uint32_t)fp->dev_fd) ||
	    nla_put_u32(msg, RINGBOOT_A_SOCK_FD, (uint32_t)a->sock_fd) ||
	    nla_put(msg, RINGBOOT_A_PEER_ADDR, alen, addr) ||
	    (a->peer_port && nla_put_u16(msg, RINGBOOT_A_PEER_PORT, a->peer_port)) ||
	    (a->blksize && nla_put_u16(msg, RINGBOOT_A_BLKSIZE, (uint16_t)a->blksize)) ||
	    (a->windowsize && nla_put_u16(msg, RINGBOOT_A_WINDOWSIZE, (uint16_t)a->windowsize)) ||
	    (a->has_tsize && nla_put_u64(msg, RINGBOOT_A_TSIZE, a->tsize)) ||
	    (a->timeout_ms && nla_put_u32(msg, RINGBOOT_A_TIMEOUT_MS, a->timeout_ms)) ||
	    (a->retries && nla_put_u32(msg, RINGBOOT_A_RETRIES, a->retries)) ||
	    (a->watermark && nla_put_u32(msg, RINGBOOT_A_WATERMARK, a->watermark)) ||
	    (a->first_block && nla_put_u32(msg, RINGBOOT_A_FIRST_BLOCK, a->first_block)) ||
	    (a->offset && nla_put_u64(msg, RINGBOOT_A_OFFSET, a->offset))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return rb_fp_request(fp, msg, NULL);
}

int rb_fp_set(struct rb_fp *fp, uint16_t peer_port, unsigned int blksize,
	      unsigned int windowsize, bool has_tsize, uint64_t tsize)
{
	struct nl_msg *msg = rb_fp_msg(fp, RINGBOOT_CMD_SET);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RINGBOOT_A_SESSION_ID, fp->id) ||
	    nla_put_u16(msg, RINGBOOT_A_PEER_PORT, peer_port) ||
	    nla_put_u16(msg, RINGBOOT_A_BLKSIZE, (uint16_t)blksize) ||
	    nla_put_u16(msg, RINGBOOT_A_WINDOWSIZE, (uint16_t)windowsize) ||
	    (has_tsize && nla_put_u64(msg, RINGBOOT_A_TSIZE, tsize))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return rb_fp_request(fp, msg, NULL);
}

static int rb_fp_by_id(struct rb_fp *fp, uint8_t cmd, struct rb_fp_stats *st)
{
	struct nl_msg *msg = rb_fp_msg(fp, cmd);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RINGBOOT_A_SESSION_ID, fp->id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return rb_fp_request(fp, msg, st);
}

int rb_fp_abort(struct rb_fp *fp)
{
	return rb_fp_by_id(fp, RINGBOOT_CMD_ABORT, NULL);
}

int rb_fp_get(struct rb_fp *fp, struct rb_fp_stats *st)
{
	memset(st, 0, sizeof(*st));
	return rb_fp_by_id(fp, RINGBOOT_CMD_GET, st);
}

int rb_fp_kick(struct rb_fp *fp)
{
	return ioctl(fp->dev_fd, RINGBOOT_IOC_KICK) ? -errno : 0;
}
