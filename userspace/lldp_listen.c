// SPDX-License-Identifier: GPL-2.0-or-later
/* The LLDP listening window (see lldp_listen.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lldp_listen.h"

#define NS_PER_MS 1000000ull

static const char *const end_names[] = {
	[RB_LLDP_LISTENING] = "listening",
	[RB_LLDP_END_OFF] = "off",
	[RB_LLDP_END_POLICY] = "policy",
	[RB_LLDP_END_NO_POLICY] = "no_policy",
	[RB_LLDP_END_QUIET] = "quiet",
	[RB_LLDP_END_TIMEOUT] = "timeout",
	[RB_LLDP_END_ERROR] = "error",
	[RB_LLDP_END_STOPPED] = "stopped",
};

const char *rb_lldp_end_name(enum rb_lldp_end end)
{
	if ((unsigned int)end >= sizeof(end_names) / sizeof(end_names[0]))
		return "?";
	return end_names[end];
}

void rb_lldp_listen_start(struct rb_lldp_listen *ls, enum rb_lldp_mode mode, uint32_t wait_ms,
			  uint64_t now)
{
	memset(ls, 0, sizeof(*ls));
	ls->mode = mode;
	ls->start_ns = now;
	ls->until_ns = now + wait_ms * NS_PER_MS;
	if (mode != RB_LLDP_ON && mode != RB_LLDP_AUTO) {
		ls->mode = RB_LLDP_OFF;
		ls->end = RB_LLDP_END_OFF;
		ls->end_ns = now;
		return;
	}
	if (mode == RB_LLDP_ON)
		ls->next_tx_ns = now;
}

void rb_lldp_listen_stop(struct rb_lldp_listen *ls, enum rb_lldp_end why, uint64_t now)
{
	if (!rb_lldp_listen_open(ls))
		return;
	ls->end = why;
	ls->end_ns = now;
	ls->next_tx_ns = 0;
}

/* A voice policy the handset can follow: not "unknown", not the reserved VLAN 4095. */
static bool usable(const struct rb_lldp_policy *p)
{
	return p->present && !p->unknown && !(p->tagged && p->vlan == 4095);
}

bool rb_lldp_listen_input(struct rb_lldp_listen *ls, const uint8_t *frame, size_t len,
			  uint64_t now)
{
	struct rb_lldp *l = &ls->pdu;
	int err;

	if (!rb_lldp_listen_open(ls))
		return true;
	err = rb_lldp_parse(l, frame, len);
	if (err == -ENOMSG)
		return false;
	if (!ls->heard && ls->mode == RB_LLDP_AUTO)
		ls->next_tx_ns = now;	/* the switch speaks LLDP: answer it */
	ls->heard = true;
	if (err) {
		ls->refused++;
		ls->refused_why = l->why;
		return false;
	}
	ls->frames++;
	/* A shutdown LLDPDU, or another endpoint's (device type 1..3), is no switch's word. */
	if (l->ttl == 0 || (l->med && l->med_class >= RB_LLDP_MED_CLASS_I &&
			    l->med_class <= RB_LLDP_MED_CLASS_III)) {
		ls->unused++;
		return false;
	}
	rb_lldp_chassis_str(l, ls->chassis, sizeof(ls->chassis));
	if (usable(&l->policy[RB_LLDP_APP_VOICE])) {
		ls->voice = l->policy[RB_LLDP_APP_VOICE];
		ls->signaling = l->policy[RB_LLDP_APP_VOICE_SIGNALING];
		ls->have_voice = true;
		rb_lldp_listen_stop(ls, RB_LLDP_END_POLICY, now);
		return true;
	}
	/*
	 * An LLDP-MED switch sends its whole advertisement in each LLDPDU: one
	 * without a voice policy means it has none for this port. A plain LLDPDU
	 * may be followed by LLDP-MED ones once the switch saw the handset's.
	 */
	if (l->med) {
		rb_lldp_listen_stop(ls, RB_LLDP_END_NO_POLICY, now);
		return true;
	}
	return false;
}

bool rb_lldp_listen_tick(struct rb_lldp_listen *ls, uint64_t now)
{
	if (!rb_lldp_listen_open(ls))
		return false;
	if (now >= ls->until_ns) {
		rb_lldp_listen_stop(ls, RB_LLDP_END_TIMEOUT, now);
		return false;
	}
	if (!ls->next_tx_ns || now < ls->next_tx_ns)
		return false;
	ls->next_tx_ns = now + RB_LLDP_TX_INTERVAL_MS * NS_PER_MS;
	return true;
}

void rb_lldp_listen_lease(struct rb_lldp_listen *ls, uint64_t now)
{
	if (ls->mode == RB_LLDP_AUTO && !ls->heard)
		rb_lldp_listen_stop(ls, RB_LLDP_END_QUIET, now);
}

uint64_t rb_lldp_listen_deadline(const struct rb_lldp_listen *ls)
{
	if (!rb_lldp_listen_open(ls))
		return 0;
	if (ls->next_tx_ns && ls->next_tx_ns < ls->until_ns)
		return ls->next_tx_ns;
	return ls->until_ns;
}

void rb_lldp_listen_describe(const struct rb_lldp_listen *ls, char *out, size_t cap)
{
	const struct rb_lldp_policy *v = &ls->voice;
	unsigned long ms = (unsigned long)((ls->end_ns - ls->start_ns) / NS_PER_MS);
	int n;

	switch (ls->end) {
	case RB_LLDP_END_POLICY:
		n = snprintf(out, cap, "voice VLAN %u %s, priority %u, DSCP %u from %s", v->vlan,
			     v->tagged ? "tagged" : "untagged", v->priority, v->dscp, ls->chassis);
		break;
	case RB_LLDP_END_NO_POLICY:
		n = snprintf(out, cap, "the switch %s has no voice policy", ls->chassis);
		break;
	case RB_LLDP_END_QUIET:
		n = snprintf(out, cap, "nothing heard before the lease");
		break;
	case RB_LLDP_END_TIMEOUT:
		n = snprintf(out, cap, "no voice policy within %lu ms", ms);
		break;
	case RB_LLDP_END_OFF:
		snprintf(out, cap, "LLDP_ENABLED 0");
		return;
	case RB_LLDP_END_ERROR:
		n = snprintf(out, cap, "no packet socket for LLDP");
		break;
	default:
		n = snprintf(out, cap, "%s", rb_lldp_end_name(ls->end));
		break;
	}
	if (n >= 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, " (%u LLDPDU(s)%s%s, %u sent)", ls->frames,
			 ls->refused ? ", refused: " : "", ls->refused ? ls->refused_why : "",
			 ls->sent);
}

void rb_lldp_listen_json(const struct rb_lldp_listen *ls, struct rb_json *j)
{
	rb_json_obj_begin(j);
	rb_json_key(j, "enabled");
	rb_json_uint(j, ls->mode);
	rb_json_key(j, "ended");
	rb_json_str(j, rb_lldp_end_name(ls->end));
	rb_json_key(j, "elapsed_ms");
	rb_json_uint(j, (ls->end_ns - ls->start_ns) / NS_PER_MS);
	rb_json_key(j, "frames");
	rb_json_uint(j, ls->frames);
	rb_json_key(j, "refused");
	rb_json_uint(j, ls->refused);
	rb_json_key(j, "unused");
	rb_json_uint(j, ls->unused);
	rb_json_key(j, "sent");
	rb_json_uint(j, ls->sent);
	rb_json_key(j, "switch");
	rb_json_str(j, ls->chassis[0] ? ls->chassis : NULL);
	rb_json_key(j, "voice");
	if (ls->have_voice) {
		rb_json_obj_begin(j);
		rb_json_key(j, "vlan");
		rb_json_uint(j, ls->voice.vlan);
		rb_json_key(j, "tagged");
		rb_json_bool(j, ls->voice.tagged);
		rb_json_key(j, "priority");
		rb_json_uint(j, ls->voice.priority);
		rb_json_key(j, "dscp");
		rb_json_uint(j, ls->voice.dscp);
		rb_json_obj_end(j);
	} else {
		rb_json_null(j);
	}
	rb_json_obj_end(j);
}

static int set_num(struct rb_params *p, const char *name, unsigned int v)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%u", v);
	return rb_params_set_str(p, name, buf, RB_ORIGIN_LLDP);
}

int rb_lldp_params(const struct rb_lldp_listen *ls, struct rb_params *p)
{
	const struct rb_lldp_policy *v = &ls->voice, *s = &ls->signaling;
	bool sig = usable(s);
	const struct {
		const char *name;
		unsigned int value;
	} set[] = {
		/* "L2Q - set to 2 (off) if T is set to 0 and to 1 (on) if T is set to 1" */
		{ "L2Q", v->tagged ? 1 : 2 },
		{ "L2QVLAN", v->vlan },
		{ "L2QAUD", v->priority },
		{ "DSCPAUD", v->dscp },
		{ "L2QSIG", sig && s->priority ? s->priority : v->priority },
		{ "DSCPSIG", sig && s->dscp ? s->dscp : v->dscp },
	};
	int err;

	rb_params_clear_kind(p, RB_ORIGIN_LLDP);
	if (!ls->have_voice)
		return 0;
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		err = set_num(p, set[i].name, set[i].value);
		if (err < 0)
			return err;
	}
	return (int)(sizeof(set) / sizeof(set[0]));
}
