# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# A VLAN-aware server side for the lab (source after lib.sh, after lab_setup):
# an 802.1Q interface on the server's veth with its own dnsmasq, the voice VLAN
# a handset moves to when DHCP says L2Q=1, L2QVLAN=N (Avaya guides).
#
#   phone ns                                   server ns
#   $LAB_PHONE_IF ------------ veth ----------- $LAB_SRV_IF  192.0.2.3 dnsmasq (untagged)
#   $LAB_PHONE_IF.N (ringboot creates it)      vN<id>       198.51.100.1 dnsmasq (VLAN N)
#
# Needs 802.1Q in the kernel (the VM has it; the host kernel does not).

LAB_VLAN_IP4=198.51.100.1
export LAB_VLAN_IP4

# lab_vlan_dnsmasq VID [--opt242 STR] [-- extra dnsmasq args]
# Exports LAB_VLAN_IF (server side) and LAB_VLAN_LOG (that dnsmasq's log).
lab_vlan_dnsmasq() {
	local vid=$1 conf args=()
	shift
	LAB_VLAN_IF=v$vid$LAB_ID
	conf=$LAB_DIR/dnsmasq-vlan$vid.conf
	: > "$conf"
	while [ $# -gt 0 ]; do
		case $1 in
		--opt242) printf 'dhcp-option-force=242,"%s"\n' "$2" >> "$conf"; shift 2 ;;
		--) shift; args+=("$@"); break ;;
		*) args+=("$1"); shift ;;
		esac
	done
	lab_srv ip link add link "$LAB_SRV_IF" name "$LAB_VLAN_IF" type vlan id "$vid" || return 1
	lab_srv ip addr add "$LAB_VLAN_IP4/24" dev "$LAB_VLAN_IF" || return 1
	lab_srv ip link set "$LAB_VLAN_IF" up || return 1
	LAB_VLAN_LOG=$LAB_DIR/dnsmasq-vlan$vid.log
	export LAB_VLAN_IF LAB_VLAN_LOG
	# --interface + --bind-interfaces: this instance owns the VLAN interface
	# only (SO_BINDTODEVICE), beside the lab's untagged dnsmasq.
	_lab_spawn "dnsmasq-vlan$vid" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--conf-file="$conf" --no-resolv --no-hosts --user=root \
		--pid-file="$LAB_DIR/dnsmasq-vlan$vid.pid" \
		--dhcp-leasefile="$LAB_DIR/dnsmasq-vlan$vid.leases" \
		--interface="$LAB_VLAN_IF" --bind-interfaces --except-interface=lo \
		--dhcp-range=198.51.100.100,198.51.100.200,255.255.255.0,1h \
		--dhcp-option=3,"$LAB_VLAN_IP4" --dhcp-option=6,"$LAB_VLAN_IP4" \
		--log-dhcp --log-facility=- "${args[@]}"
	for _ in $(seq 50); do
		grep -q "DHCP, IP range 198.51.100.100" "$LAB_VLAN_LOG" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "lab: VLAN $vid dnsmasq did not start: $(cat "$LAB_VLAN_LOG")" >&2
	return 1
}
