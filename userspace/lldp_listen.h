/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Listening for the switch's LLDP-MED voice policy while the boot's DHCP
 * runs: the rules of the listening window, without I/O (lldp_run.c drives it
 * on an interface, dhcp_run.c around the DHCP exchange). Times are
 * CLOCK_MONOTONIC ns. docs/boot.md "The voice VLAN".
 *
 * Modes are Avaya's LLDP_ENABLED values: 0 off; 1 on: the handset sends its
 * LLDP-MED LLDPDU at once (so a switch that waits for an LLDP-MED endpoint
 * before sending LLDP-MED TLVs starts) and listens up to the wait; 2 auto
 * (the default): it sends only after the switch was heard (Avaya: "the
 * transmission of LLDP frames does not begin until an LLDP frame is
 * received"), and when DHCP has a lease before anything was heard, listening
 * ends there, so a network without LLDP costs the boot no time at all.
 * While listening, the handset's LLDPDU is repeated every second.
 *
 * Listening ends at the first of: the switch's voice policy; an LLDP-MED
 * advertisement of the switch without a usable one (it has none for us);
 * the wait (LLDP_WAIT_MS) after the start; in auto mode, the lease with
 * nothing heard. Shutdown LLDPDUs (TTL 0) and those of LLDP-MED endpoints
 * (device types 1..3: another phone, not the switch) are not used (Avaya
 * Vantage guide: TLVs are processed only when the LLDP-MED device type is 0
 * or 4).
 */
#ifndef RINGBOOT_LLDP_LISTEN_H
#define RINGBOOT_LLDP_LISTEN_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "lldp.h"
#include "params.h"

enum rb_lldp_mode {
	RB_LLDP_OFF = 0,
	RB_LLDP_ON = 1,
	RB_LLDP_AUTO = 2,
};
#define RB_LLDP_MODE_DEFAULT RB_LLDP_AUTO
#define RB_LLDP_WAIT_MS_DEFAULT 3000
#define RB_LLDP_WAIT_MS_MAX 60000
#define RB_LLDP_TX_INTERVAL_MS 1000

/* Why listening ended. */
enum rb_lldp_end {
	RB_LLDP_LISTENING = 0,
	RB_LLDP_END_OFF,	/* LLDP_ENABLED 0: never started */
	RB_LLDP_END_POLICY,	/* the switch's voice policy arrived */
	RB_LLDP_END_NO_POLICY,	/* the switch's LLDP-MED advertisement has none for voice */
	RB_LLDP_END_QUIET,	/* auto: a lease before anything was heard */
	RB_LLDP_END_TIMEOUT,	/* the wait passed */
	RB_LLDP_END_ERROR,	/* no packet socket on the interface, or it failed */
	RB_LLDP_END_STOPPED,	/* DHCP failed or a signal came first */
};

struct rb_lldp_listen {
	enum rb_lldp_mode mode;
	enum rb_lldp_end end;
	uint64_t start_ns, until_ns, end_ns;
	uint64_t next_tx_ns;		/* when the handset's LLDPDU is due; 0: not yet */
	unsigned int frames;		/* LLDPDUs accepted */
	unsigned int refused;		/* LLDPDUs refused as malformed */
	unsigned int unused;		/* shutdown LLDPDUs and those of endpoints */
	unsigned int sent;		/* the handset's LLDPDUs sent (counted by the driver) */
	const char *refused_why;	/* the last refusal */
	bool heard;			/* some LLDPDU arrived (refused ones too) */
	bool have_voice;		/* voice holds the switch's voice policy */
	struct rb_lldp_policy voice, signaling;
	char chassis[64];		/* the switch's Chassis ID, for people */
	struct rb_lldp pdu;		/* scratch for the last frame */
};

/* Begin listening (mode ON or AUTO) with a wait of wait_ms; OFF only records it. */
void rb_lldp_listen_start(struct rb_lldp_listen *ls, enum rb_lldp_mode mode, uint32_t wait_ms,
			  uint64_t now);
/* A received frame. Returns true when listening is over (now or before). */
bool rb_lldp_listen_input(struct rb_lldp_listen *ls, const uint8_t *frame, size_t len,
			  uint64_t now);
/*
 * Time passed: ends listening at the wait. Returns true when the handset's
 * LLDPDU is due now (the next one is then scheduled a second later).
 */
bool rb_lldp_listen_tick(struct rb_lldp_listen *ls, uint64_t now);
/* DHCP has its lease (on the untagged interface). */
void rb_lldp_listen_lease(struct rb_lldp_listen *ls, uint64_t now);
/* Stop listening (a signal, an error). */
void rb_lldp_listen_stop(struct rb_lldp_listen *ls, enum rb_lldp_end why, uint64_t now);
/* When tick must be called next; 0 when not listening. */
uint64_t rb_lldp_listen_deadline(const struct rb_lldp_listen *ls);
static inline bool rb_lldp_listen_open(const struct rb_lldp_listen *ls)
{
	return ls->end == RB_LLDP_LISTENING;
}

/* "listening", "off", "policy", "no_policy", "quiet", "timeout", "error", "stopped". */
const char *rb_lldp_end_name(enum rb_lldp_end end);

/*
 * One line for people: "voice VLAN 233 tagged, priority 5, DSCP 46 from
 * 02:00:5e:00:53:01 (1 LLDPDU, 1 sent)", "nothing heard before the lease", ...
 */
void rb_lldp_listen_describe(const struct rb_lldp_listen *ls, char *out, size_t cap);
/*
 * The window as a JSON object: enabled (the mode), ended, elapsed_ms, frames,
 * refused, unused, sent, switch (its Chassis ID or null), voice ({vlan,
 * tagged, priority, dscp} or null).
 */
void rb_lldp_listen_json(const struct rb_lldp_listen *ls, struct rb_json *j);

/*
 * The switch's voice policy as parameters, origin lldp (Avaya 96x1 and J100
 * guides, "TLV impact on system parameter values"): L2Q 1 when tagged, 2 when
 * not; L2QVLAN the VLAN ID; L2QAUD and DSCPAUD its 802.1p priority and DSCP.
 * L2QSIG and DSCPSIG: from a voice signaling policy (application 2) where
 * its values are not zero (96x1 SIP guide), else the voice policy's (J100
 * guide). The lldp layer is replaced. Returns the number of names set or -errno.
 */
int rb_lldp_params(const struct rb_lldp_listen *ls, struct rb_params *p);

#endif
