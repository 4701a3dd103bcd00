# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The switch's side of LLDP for the lab (source after lib.sh, after
# lab_setup): lldpd, the LLDP agent Debian packages, on the server's end of
# the veth, sending what an LLDP-MED switch sends an IP phone (a voice
# Network Policy) and keeping what it hears from the phone.
#
#   phone ns                                   server ns
#   $LAB_PHONE_IF ------------ veth ----------- $LAB_SRV_IF  lldpd -M 4 (network
#   (ringboot listens, sends its LLDPDU)                     connectivity device)
#
# LLDP needs no 802.1Q: this works on the host; the VLAN it names is taken for
# real in the VM (tests/vm/guest.d/51-lldp.t).

# lab_lldpd [--class N|--no-med] [--tx-interval S] [--fast-start] [--policy P]...
#   --class N      LLDP-MED device type (default 4, network connectivity; 3 is
#                  what a phone sends); --no-med: plain LLDP
#   --tx-interval  seconds between LLDPDUs (lldpd's default: 30)
#   --fast-start   LLDP-MED fast start when a new LLDP-MED neighbour appears
#   --policy P     `configure med policy application P`, e.g.
#                  "voice tagged vlan 233 priority voice dscp 46" (repeatable)
# Exports LAB_LLDPD_SOCK (for lldpcli -u), LAB_LLDPD_PID, LAB_LLDPD_LOG.
lab_lldpd() {
	local med=(-M 4) conf=$LAB_DIR/lldpd.conf
	echo "configure system hostname lab-switch" > "$conf"
	while [ $# -gt 0 ]; do
		case $1 in
		--class) med=(-M "$2"); shift 2 ;;
		--no-med) med=(); shift ;;
		--tx-interval) echo "configure lldp tx-interval $2" >> "$conf"; shift 2 ;;
		--fast-start) echo "configure med fast-start enable" >> "$conf"; shift ;;
		--policy) echo "configure med policy application $2" >> "$conf"; shift 2 ;;
		*) echo "lab_lldpd: unknown option $1" >&2; return 1 ;;
		esac
	done
	LAB_LLDPD_SOCK=$LAB_DIR/lldpd.sock
	LAB_LLDPD_LOG=$LAB_DIR/lldpd.log
	rm -f "$LAB_LLDPD_SOCK"
	# -d: foreground; -i: no inventory TLVs (machine data); -I: this port only
	# (a veth is taken when named exactly); -O: our configuration only.
	_lab_spawn lldpd lldpd -d -i "${med[@]}" -S "ringboot lab switch" -I "$LAB_SRV_IF" \
		-u "$LAB_LLDPD_SOCK" -O "$conf"
	LAB_LLDPD_PID=${_lab_pids[-1]}
	export LAB_LLDPD_SOCK LAB_LLDPD_PID LAB_LLDPD_LOG
	# Ready when lldpcli has applied the configuration (its last line is logged
	# by lldpd as it runs lldpcli at start).
	for _ in $(seq 100); do
		if lab_srv lldpcli -u "$LAB_LLDPD_SOCK" show configuration 2>/dev/null |
			grep -q "Transmit delay"; then
			sleep 0.3	# the configuration file is applied right after the socket opens
			return 0
		fi
		sleep 0.05
	done
	echo "lab: lldpd did not start: $(cat "$LAB_LLDPD_LOG")" >&2
	return 1
}

# lab_lldpd_stop: stop lldpd (it sends its shutdown LLDPDU, TTL 0).
lab_lldpd_stop() {
	[ -n "${LAB_LLDPD_PID:-}" ] || return 0
	kill "$LAB_LLDPD_PID" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$LAB_LLDPD_PID" 2>/dev/null || break; sleep 0.1; done
	LAB_LLDPD_PID=
}

# lab_lldpd_neighbors: what lldpd heard on its port, as lldpcli's JSON.
lab_lldpd_neighbors() {
	lab_srv lldpcli -u "$LAB_LLDPD_SOCK" -f json show neighbors details
}
