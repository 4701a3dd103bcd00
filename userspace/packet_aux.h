/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a packet socket with PACKET_AUXDATA says about a received frame (its
 * checksum state, its 802.1Q tag), out of recvmsg()'s control data. Shared
 * by the DHCP and LLDP packet sockets.
 */
#ifndef RINGBOOT_PACKET_AUX_H
#define RINGBOOT_PACKET_AUX_H

#include <linux/if_packet.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

/* Control space for one PACKET_AUXDATA message. */
union rb_packet_ctl {
	struct cmsghdr h;
	char space[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
};

/* The PACKET_AUXDATA of mh into *aux; false when there is none. */
static inline bool rb_packet_auxdata(struct msghdr *mh, struct tpacket_auxdata *aux)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof(*aux)))
			continue;
		memcpy(aux, CMSG_DATA(c), sizeof(*aux));
		return true;
	}
	return false;
}

#endif
