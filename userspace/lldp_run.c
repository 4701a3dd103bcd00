// SPDX-License-Identifier: GPL-2.0-or-later
/* LLDP on an interface (see lldp_run.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "lldp_run.h"
#include "packet_aux.h"

static int open_socket(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(RB_LLDP_ETHERTYPE),
		.sll_ifindex = ifindex,
	};
	struct packet_mreq mr = {
		.mr_ifindex = ifindex,
		.mr_type = PACKET_MR_MULTICAST,
		.mr_alen = 6,
	};
	int fd, one = 1;

	/* SOCK_RAW: the Ethernet header is part of what rb_lldp_parse() checks. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(RB_LLDP_ETHERTYPE));
	if (fd < 0)
		return -errno;
	memcpy(mr.mr_address, rb_lldp_group_mac, 6);
	/* PACKET_AUXDATA says whether a frame came with an 802.1Q tag (not LLDP's way). */
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void rb_lldp_run_start(struct rb_lldp_run *lr, int ifindex, const uint8_t mac[6],
		       enum rb_lldp_mode mode, uint32_t wait_ms, uint64_t now)
{
	lr->fd = -1;
	lr->ifindex = ifindex;
	lr->err = 0;
	memcpy(lr->mac, mac, 6);
	rb_lldp_listen_start(&lr->ls, mode, wait_ms, now);
	if (!rb_lldp_listen_open(&lr->ls))
		return;
	lr->fd = open_socket(ifindex);
	if (lr->fd < 0) {
		lr->err = lr->fd;
		lr->fd = -1;
		rb_warn("lldp: no packet socket on interface %d: %s; DHCP goes on without LLDP",
			ifindex, strerror(-lr->err));
		rb_lldp_listen_stop(&lr->ls, RB_LLDP_END_ERROR, now);
		return;
	}
	rb_lldp_run_tick(lr, now);	/* LLDP_ENABLED 1: the handset's LLDPDU at once */
}

int rb_lldp_run_fd(const struct rb_lldp_run *lr)
{
	return lr->fd;
}

uint64_t rb_lldp_run_deadline(const struct rb_lldp_run *lr)
{
	return lr->fd >= 0 ? rb_lldp_listen_deadline(&lr->ls) : 0;
}

void rb_lldp_run_stop(struct rb_lldp_run *lr, enum rb_lldp_end why, uint64_t now)
{
	rb_lldp_listen_stop(&lr->ls, why, now);
	if (lr->fd >= 0)
		close(lr->fd);
	lr->fd = -1;
}

/* One frame: its length, 0 for one to drop (ours, tagged, cut), -EAGAIN, -errno. */
static ssize_t recv_frame(struct rb_lldp_run *lr)
{
	union rb_packet_ctl ctl;
	struct tpacket_auxdata aux;
	struct sockaddr_ll from;
	struct iovec iov = { .iov_base = lr->frame, .iov_len = sizeof(lr->frame) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
	ssize_t n = recvmsg(lr->fd, &mh, MSG_DONTWAIT | MSG_TRUNC);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n >= sizeof(lr->frame) || (mh.msg_flags & MSG_TRUNC) ||
	    from.sll_pkttype == PACKET_OUTGOING || !memcmp(lr->frame + 6, lr->mac, 6))
		return 0;
	/* 802.1AB: LLDPDUs are sent untagged; a tagged one is from some other VLAN. */
	if (rb_packet_auxdata(&mh, &aux) && (aux.tp_status & TP_STATUS_VLAN_VALID) &&
	    (aux.tp_vlan_tci & 0xfff))
		return 0;
	return n;
}

/* The handset's LLDPDU, to the nearest-bridge address. */
static void send_own(struct rb_lldp_run *lr)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(RB_LLDP_ETHERTYPE),
		.sll_ifindex = lr->ifindex,
		.sll_halen = 6,
	};
	uint8_t out[RB_LLDP_BUILD_MAX];
	int n = rb_lldp_build(out, sizeof(out), lr->mac, RB_LLDP_TTL_DEFAULT);

	memcpy(sll.sll_addr, rb_lldp_group_mac, 6);
	if (n > 0 && sendto(lr->fd, out, (size_t)n, 0, (struct sockaddr *)&sll, sizeof(sll)) == n)
		lr->ls.sent++;
	else
		rb_debug("lldp: send: %s", strerror(errno));
}

bool rb_lldp_run_input(struct rb_lldp_run *lr, uint64_t now)
{
	ssize_t n;

	while (lr->fd >= 0 && (n = recv_frame(lr)) != -EAGAIN) {
		if (n < 0) {
			rb_warn("lldp: receive: %s", strerror((int)-n));
			rb_lldp_run_stop(lr, RB_LLDP_END_ERROR, now);
			break;
		}
		if (n == 0)
			continue;
		if (rb_lldp_listen_input(&lr->ls, lr->frame, (size_t)n, now)) {
			/* The switch's first word was its answer: still let it know the handset. */
			if (!lr->ls.sent)
				send_own(lr);
			rb_lldp_run_stop(lr, lr->ls.end, now);
		} else if (lr->ls.refused_why && lr->ls.refused == 1) {
			rb_warn("lldp: an LLDPDU was refused: %s", lr->ls.refused_why);
		}
		/* An LLDPDU from the switch in auto mode makes the handset's due at once. */
		rb_lldp_run_tick(lr, now);
	}
	return !rb_lldp_listen_open(&lr->ls);
}

bool rb_lldp_run_tick(struct rb_lldp_run *lr, uint64_t now)
{
	if (lr->fd >= 0 && rb_lldp_listen_tick(&lr->ls, now))
		send_own(lr);
	if (lr->fd >= 0 && !rb_lldp_listen_open(&lr->ls))
		rb_lldp_run_stop(lr, lr->ls.end, now);
	return !rb_lldp_listen_open(&lr->ls);
}

bool rb_lldp_run_lease(struct rb_lldp_run *lr, uint64_t now)
{
	rb_lldp_listen_lease(&lr->ls, now);
	if (lr->fd >= 0 && !rb_lldp_listen_open(&lr->ls))
		rb_lldp_run_stop(lr, lr->ls.end, now);
	return !rb_lldp_listen_open(&lr->ls);
}
