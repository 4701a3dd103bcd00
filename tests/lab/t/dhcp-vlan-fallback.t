#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Option 242 asks for a voice VLAN (L2Q=1, L2QVLAN=233) that the handset cannot
# use: on a kernel without 802.1Q (this host) the VLAN cannot be created, on
# one with it nobody answers there within VLANTEST. Either way the boot goes
# on untagged with its lease, and no VLAN interface is left behind. The VLAN
# taken for real is tested in the VM (tests/vm/guest.d/50-vlan.t).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 5

lab_setup --no-phone-addr || bail "lab_setup failed"
lab_dnsmasq --opt242 "HTTPSRVR=$LAB_SRV_IP4,L2Q=1,L2QVLAN=233,VLANTEST=2" -- --no-ping \
	|| bail "dnsmasq did not start"
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
addrs() { lab_phone ip -j -4 addr show dev "$LAB_PHONE_IF" | \
	python3 -c 'import json,sys; print(" ".join(a["local"] for i in json.load(sys.stdin) for a in i["addr_info"]))'; }

lab_phone "$RINGBOOT_BIN" dhcp --iface "$LAB_PHONE_IF" --arp-wait 0 --state-dir "$LAB_DIR/s" --json \
	> "$LAB_DIR/out.json" 2> "$LAB_DIR/out.err"
is "$?" "0" "a lease although the voice VLAN is not usable"
is "$(js "$LAB_DIR/out.json" 'd["vlan_fallback"]') $(js "$LAB_DIR/out.json" 'd["vlan"]')" "True None" \
	"the VLAN was tried and given up"
is "$(addrs)" "$(js "$LAB_DIR/out.json" 'd["lease"]["address"]')" "the untagged interface keeps its address"
lab_phone ip link show dev "$LAB_PHONE_IF.233" > /dev/null 2>&1 && fail "no VLAN interface is left" ||
	pass "no VLAN interface is left"
is "$(js "$LAB_DIR/out.json" 'd["params"]["L2QVLAN"]')" "233" "the parameters still say what DHCP said"
done_testing
