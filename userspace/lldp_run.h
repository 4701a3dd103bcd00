/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LLDP on a real interface: a packet socket for EtherType 0x88CC that joins
 * the nearest-bridge group 01-80-C2-00-00-0E (PACKET_ADD_MEMBERSHIP), reads
 * the switch's LLDPDUs into the listening window (lldp_listen.h) and sends
 * the handset's LLDPDU (lldp.h) when the window says so. The caller polls
 * rb_lldp_run_fd() and calls rb_lldp_run_tick() by rb_lldp_run_deadline()
 * (dhcp_run.c does, inside its DHCP wait loop).
 */
#ifndef RINGBOOT_LLDP_RUN_H
#define RINGBOOT_LLDP_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "lldp.h"
#include "lldp_listen.h"

struct rb_lldp_run {
	int fd;				/* -1 when not listening */
	int ifindex;
	uint8_t mac[6];
	int err;			/* why the socket could not be had (RB_LLDP_END_ERROR) */
	struct rb_lldp_listen ls;
	uint8_t frame[RB_LLDP_FRAME_MAX + 1];	/* + 1: to see an oversized frame */
};

/*
 * Start listening on ifindex (mode OFF: only recorded). A socket that cannot
 * be had (no permission, no such interface) ends the window at once with
 * RB_LLDP_END_ERROR and lr->err; DHCP goes on without LLDP.
 */
void rb_lldp_run_start(struct rb_lldp_run *lr, int ifindex, const uint8_t mac[6],
		       enum rb_lldp_mode mode, uint32_t wait_ms, uint64_t now);
/* The socket to poll for POLLIN, or -1. */
int rb_lldp_run_fd(const struct rb_lldp_run *lr);
/* When rb_lldp_run_tick() is due; 0: never. */
uint64_t rb_lldp_run_deadline(const struct rb_lldp_run *lr);
/* Read what is queued. Returns true when listening is over. */
bool rb_lldp_run_input(struct rb_lldp_run *lr, uint64_t now);
/* Send when due, end at the wait. Returns true when listening is over. */
bool rb_lldp_run_tick(struct rb_lldp_run *lr, uint64_t now);
/* DHCP has its lease. Returns true when listening is over. */
bool rb_lldp_run_lease(struct rb_lldp_run *lr, uint64_t now);
/* End listening (why: a signal, an error) and close the socket; idempotent. */
void rb_lldp_run_stop(struct rb_lldp_run *lr, enum rb_lldp_end why, uint64_t now);

#endif
