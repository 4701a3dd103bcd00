#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# How lldpd-1.0.16.pcap was made (as root, in the VM: tests/vm/run -- this
# script OUT.pcap): lldpd, the LLDP agent Debian packages, plays the switch
# on one end of a veth pair and tcpdump captures what it sends, one lldpd run
# per frame kind:
#   1. LLDP-MED network connectivity device (-M 4), voice policy tagged VLAN
#      233 priority 5 DSCP 46 and a voice signaling policy (priority 3, DSCP 24)
#   2. its shutdown LLDPDU (TTL 0) when it stops
#   3. -M 4 with `configure med policy application voice vlan 233 priority
#      voice dscp 46`: no "tagged", so the T flag is 0
#   4. -M 3: an LLDP-MED communication device endpoint (another phone)
#   5. no -M: plain LLDP, no LLDP-MED TLVs
# Names and addresses are fixed (lab-switch, 02:00:5e:00:53:01) and the
# inventory TLVs (-i) are off, so the bytes do not depend on the machine.
set -euo pipefail
out=${1:?usage: capture.sh OUT.pcap}
id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
s=lcs-$id p=lcp-$id d=$(mktemp -d)
chmod 755 "$d"
cleanup() {
	[ -n "${tcpd:-}" ] && kill "$tcpd" 2>/dev/null && wait "$tcpd" 2>/dev/null
	ip netns del "$s" 2>/dev/null; ip netns del "$p" 2>/dev/null; rm -rf "$d"
}
trap cleanup EXIT
ip netns add "$s"; ip netns add "$p"
ip link add sw$id netns "$s" address 02:00:5e:00:53:01 type veth peer name ph$id netns "$p" \
	address 02:00:5e:00:53:02
# The switch port's name is in the Port Description TLV: the same every run.
ip -n "$s" link set sw$id name swp1
ip -n "$s" link set swp1 up; ip -n "$p" link set ph$id up
ip netns exec "$p" tcpdump -i ph$id -U -w "$d/all.pcap" ether proto 0x88cc 2> "$d/tcpdump.log" &
tcpd=$!
sleep 1
# run_lldpd CLASS POLICY...: one LLDPDU, then the shutdown LLDPDU at SIGTERM.
run_lldpd() {
	local class=$1 conf=$d/lldpd.conf pid
	shift
	{
		echo "configure system hostname lab-switch"
		for pol in "$@"; do echo "configure med policy application $pol"; done
	} > "$conf"
	ip netns exec "$s" lldpd -d -i $class -S "ringboot lab switch" -I swp1 -u "$d/lldpd.sock" -O "$conf" \
		> "$d/lldpd.log" 2>&1 &
	pid=$!
	# lldpd sends when it starts and again when the configuration is applied.
	sleep 3
	kill "$pid"; wait "$pid" || true
	sleep 0.5
}
run_lldpd "-M 4" "voice tagged vlan 233 priority voice dscp 46" \
	"voice-signaling tagged vlan 233 priority critical-applications dscp 24"
run_lldpd "-M 4" "voice vlan 233 priority voice dscp 46"
run_lldpd "-M 3" "voice tagged vlan 99 priority voice dscp 46"
run_lldpd ""
sleep 1
kill "$tcpd"; wait "$tcpd" || true
tcpd=
cp "$d/all.pcap" "$out"
tcpdump -r "$out" -nn -e -v 2>/dev/null | grep -E 'LLDP|Time to Live|Network policy|Device type|Vlan id'
