#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Voice VLAN (inside the VM: the host kernel has no 802.1Q). Option 242 with
# L2Q=1,L2QVLAN=233 on the untagged network: ringboot creates the VLAN
# interface, runs DHCP again on it and ends with the voice VLAN's lease and
# parameters, the untagged lease released. Then L2Q=0 (auto) with a VLAN id on
# which nobody answers: after VLANTEST seconds it is back on the untagged
# interface with its lease, and the VLAN interface is gone.
#
#   phone ns                                   server ns
#   rbp-ID ------------------- veth ---------- rbs-ID   192.0.2.3    dnsmasq, 242: L2QVLAN=233
#   rbp-ID.233 (ringboot)                      v233ID   198.51.100.1 dnsmasq, 242: HTTPSRVR=198.51.100.1
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/vlan.sh"

RB=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
plan 16

modprobe -a veth 8021q 2>/dev/null	# the guest suite loads them too; this runs alone as well
lab_setup --no-phone-addr || bail "lab_setup failed"
lab_dnsmasq --opt242 "HTTPSRVR=192.0.2.1,L2Q=1,L2QVLAN=233,VLANTEST=20" -- --no-ping \
	|| bail "dnsmasq did not start"
# Not through `ok`: that runs its command in a subshell, and the function exports LAB_VLAN_*.
lab_vlan_dnsmasq 233 --opt242 "HTTPSRVR=198.51.100.1,HTTPDIR=/voice" -- --no-ping \
	&& pass "VLAN 233 server starts" || bail "VLAN dnsmasq did not start"

to() { local f=$1; shift; "$@" > "$f"; }
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
addrs() { lab_phone ip -j -4 addr show dev "$1" 2>/dev/null | \
	python3 -c 'import json,sys; print(" ".join(a["local"] for i in json.load(sys.stdin) for a in i["addr_info"]))'; }
has_link() { lab_phone ip link show dev "$1" > /dev/null 2>&1; }

ok "dhcp follows L2Q=1, L2QVLAN=233" to "$LAB_DIR/v.json" lab_phone "$RB" dhcp --iface "$LAB_PHONE_IF" \
	--state-dir "$LAB_DIR/s1" --arp-wait 0 --json
is "$(js "$LAB_DIR/v.json" 'd["vlan"]')" "233" "ends on VLAN 233"
is "$(js "$LAB_DIR/v.json" 'd["iface"]')" "$LAB_PHONE_IF.233" "on the VLAN interface"
case $(js "$LAB_DIR/v.json" 'd["lease"]["address"]') in
198.51.100.*) pass "lease from the voice VLAN's server" ;;
*) fail "lease from the voice VLAN's server"; diag "$(cat "$LAB_DIR/v.json")" ;;
esac
is "$(js "$LAB_DIR/v.json" 'd["params"]["HTTPSRVR"]')" "198.51.100.1" "parameters of the voice VLAN's lease"
is "$(addrs "$LAB_PHONE_IF.233")" "$(js "$LAB_DIR/v.json" 'd["lease"]["address"]')" \
	"the VLAN interface has the address"
is "$(addrs "$LAB_PHONE_IF")" "" "the untagged address is given up"
grep -q "DHCPRELEASE" "$LAB_DIR/dnsmasq.log" && pass "the untagged lease was released" \
	|| fail "the untagged lease was released"
grep -q "DHCPACK(v233" "$LAB_VLAN_LOG" && pass "the VLAN's dnsmasq acknowledged" \
	|| { fail "the VLAN's dnsmasq acknowledged"; diag "$(cat "$LAB_VLAN_LOG")"; }

# --- no server on VLAN 234: back to the untagged interface after VLANTEST (2 s)
lab_phone ip link del "$LAB_PHONE_IF.233"
pid=$(cat "$LAB_DIR/dnsmasq.pid")
kill "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
lab_dnsmasq --opt242 "HTTPSRVR=192.0.2.1,L2Q=0,L2QVLAN=234,VLANTEST=2" -- --no-ping \
	|| bail "dnsmasq did not restart"
ok "dhcp with a silent VLAN 234" to "$LAB_DIR/f.json" lab_phone "$RB" dhcp --iface "$LAB_PHONE_IF" \
	--state-dir "$LAB_DIR/s2" --arp-wait 0 --json
is "$(js "$LAB_DIR/f.json" 'd["vlan_fallback"]')" "True" "VLAN 234 tried (L2Q=0 with an id) and given up"
is "$(js "$LAB_DIR/f.json" 'd["iface"]') $(js "$LAB_DIR/f.json" 'd["vlan"]')" "$LAB_PHONE_IF None" \
	"back on the untagged interface"
is "$(addrs "$LAB_PHONE_IF")" "$(js "$LAB_DIR/f.json" 'd["lease"]["address"]')" \
	"the untagged interface keeps its address"
has_link "$LAB_PHONE_IF.234" && fail "the VLAN interface is removed" || pass "the VLAN interface is removed"
is "$(js "$LAB_DIR/f.json" 'd["params"]["HTTPSRVR"]')" "192.0.2.1" "parameters of the untagged lease"
done_testing
