#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The voice policy from the switch's LLDP-MED, with lldpd as the switch and
# dnsmasq as the DHCP server whose option 242 names another VLAN (234):
#  - LLDP_ENABLED 2 (auto, the default) and no LLDP at all: listening ends with
#    the lease ("quiet"), nothing is sent, DHCP's VLAN stands;
#  - 1 (on): the handset sends its LLDP-MED LLDPDU at once; lldpd lists it as
#    a Class III endpoint and answers by LLDP-MED fast start (its own interval
#    stays 30 s) with its tagged voice policy (VLAN 233, priority 5, DSCP 46),
#    which arrives after the lease and wins over option 242 (origin lldp);
#  - the policy of lldpcli's own example (no "tagged"): L2Q=2 wins over option
#    242's L2Q=1, no VLAN is tried;
#  - an LLDP-MED endpoint's LLDPDU (another phone) is not the switch's word;
#  - 0 (off), or --sson: nothing sent, nothing taken; a stale lldp layer is dropped;
#  - auto with the switch speaking before the lease (dnsmasq delays its
#    replies): the handset answers it, the VLAN is known first and no untagged
#    lease is taken until the VLAN fails (no 802.1Q here; the VM takes it for
#    real: tests/vm/guest.d/51-lldp.t).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/lldp.sh"

plan 28

lab_setup --no-phone-addr || bail "lab_setup failed"
opt242="HTTPSRVR=$LAB_SRV_IP4,L2Q=1,L2QVLAN=234,VLANTEST=2"
lab_dnsmasq --opt242 "$opt242" -- --no-ping || bail "dnsmasq did not start"

js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
# layer FILE NAME: the origin and value of NAME's layers in a params file
layer() { awk -v n="$2" '$1 == n { print $2 "=" substr($5, 2) }' "$1" | sort | tr '\n' ' '; }
dhcp() { # OUT STATE [ARGS...]
	local out=$1 st=$2
	shift 2
	lab_phone "$RINGBOOT_BIN" --json dhcp --iface "$LAB_PHONE_IF" --arp-wait 0 --state-dir "$st" \
		"$@" > "$out" 2> "$out.err"
}
our_mac=$(lab_phone cat /sys/class/net/"$LAB_PHONE_IF"/address)
# heard_class: the LLDP-MED device type lldpd lists for the phone, or nothing
heard_class() { lab_lldpd_neighbors | python3 -c '
import json, sys
d = json.load(sys.stdin).get("lldp", {}).get("interface", {})
for port in (d.values() if isinstance(d, dict) else [i for x in d for i in x.values()]):
    if port["chassis"]["id"]["value"] == sys.argv[1]:
        print(port.get("lldp-med", {}).get("device-type", "plain"))' "$our_mac"; }

# --- no LLDP on the network: auto costs nothing, sends nothing
ok "dhcp without LLDP" dhcp "$LAB_DIR/quiet.json" "$LAB_DIR/s0"
is "$(js "$LAB_DIR/quiet.json" 'd["lldp"]["ended"], d["lldp"]["sent"], d["lldp"]["enabled"]')" \
	"quiet 0 2" "auto: listening ended with the lease, nothing heard or sent"
is "$(layer "$LAB_DIR/s0/params" L2QVLAN)" "option242=234 " "DHCP's VLAN stands"

# --- LLDP_ENABLED 1: the handset speaks first; the switch's tagged voice policy
lab_lldpd --fast-start --policy "voice tagged vlan 233 priority voice dscp 46" || bail "lldpd"
ok "dhcp --lldp 1 with lldpd" dhcp "$LAB_DIR/on.json" "$LAB_DIR/s1" --lldp 1 --lldp-wait 8000 \
	--no-configure
is "$(js "$LAB_DIR/on.json" 'd["lldp"]["ended"], d["lldp"]["voice"]')" \
	"policy {'vlan': 233, 'tagged': True, 'priority': 5, 'dscp': 46}" \
	"the switch's voice policy: VLAN 233 tagged, priority 5, DSCP 46"
is "$(js "$LAB_DIR/on.json" 'd["lldp"]["switch"] == open("/dev/stdin").read().strip()' \
	< <(lab_srv cat /sys/class/net/"$LAB_SRV_IF"/address))" "True" "from lldpd's chassis"
is "$(js "$LAB_DIR/on.json" 'd["lldp"]["sent"] >= 1, d["lldp_first"]')" "True False" \
	"the handset sent its LLDPDU; the policy came after the lease"
is "$(heard_class)" "Communication Device Endpoint (Class III)" \
	"lldpd heard the handset as an LLDP-MED Class III endpoint"
is "$(layer "$LAB_DIR/s1/params" L2QVLAN)" "lldp=233 option242=234 " \
	"L2QVLAN: LLDP's 233 above option 242's 234"
is "$(js "$LAB_DIR/on.json" '[d["params"][k] for k in ("L2Q","L2QVLAN","L2QAUD","DSCPAUD","L2QSIG","DSCPSIG")]')" \
	"['1', '233', '5', '46', '5', '46']" "L2Q, L2QVLAN, L2QAUD, DSCPAUD, L2QSIG, DSCPSIG from LLDP"
grep -q "^RB_L2QVLAN='233'$" "$LAB_DIR/s1/params.env" && pass "params.env exports LLDP's VLAN" ||
	fail "params.env exports LLDP's VLAN"

# --- the same state directory, option 242 from the handset's own DHCP (--sson): nobody listened
cp -a "$LAB_DIR/s1" "$LAB_DIR/s1b"
ok "dhcp --sson" dhcp "$LAB_DIR/sson.json" "$LAB_DIR/s1b" --sson "L2QVLAN=235"
is "$(layer "$LAB_DIR/s1b/params" L2QVLAN)" "option242=235 " "--sson: no lldp layer from before"

# --- the same state directory, LLDP off: the old switch's word is gone
ok "dhcp --lldp 0" dhcp "$LAB_DIR/off.json" "$LAB_DIR/s1" --lldp 0 --no-configure
is "$(js "$LAB_DIR/off.json" 'd["lldp"]["ended"], d["lldp"]["sent"]')" "off 0" "off: not listening"
is "$(layer "$LAB_DIR/s1/params" L2QVLAN)" "option242=234 " "the stale lldp layer is dropped"
lab_lldpd_stop

# --- lldpcli's example policy (no "tagged"): untagged voice, L2Q=2 beats option 242
lab_lldpd --tx-interval 1 --policy "voice vlan 233 priority voice dscp 46" || bail "lldpd"
ok "dhcp with an untagged voice policy" dhcp "$LAB_DIR/untagged.json" "$LAB_DIR/s2" --lldp 1 \
	--lldp-wait 8000
is "$(js "$LAB_DIR/untagged.json" 'd["lldp"]["voice"]["tagged"], d["params"]["L2Q"], d["vlan_from"], d["vlan"]')" \
	"False 2 None None" "L2Q=2 from LLDP: no VLAN tried, although option 242 says L2Q=1"
is "$(layer "$LAB_DIR/s2/params" L2Q)" "lldp=2 option242=1 " "both layers kept, LLDP's effective"
lab_phone "$RINGBOOT_BIN" dhcp --iface "$LAB_PHONE_IF" --arp-wait 0 --state-dir "$LAB_DIR/s2t" \
	--lldp 1 --lldp-wait 8000 > "$LAB_DIR/untagged.txt" 2>&1
grep -q "^  L2Q=2 (lldp)$" "$LAB_DIR/untagged.txt" &&
	grep -q "^lldp: voice VLAN 233 untagged, priority 5, DSCP 46 from " "$LAB_DIR/untagged.txt" &&
	pass "the text output says what LLDP set" ||
	{ fail "the text output says what LLDP set"; diag "$(cat "$LAB_DIR/untagged.txt")"; }
lab_lldpd_stop

# --- an LLDP-MED endpoint (Class III: another phone) is not the switch
lab_lldpd --class 3 --tx-interval 1 --policy "voice tagged vlan 99 priority voice dscp 46" || bail "lldpd"
ok "dhcp beside another phone" dhcp "$LAB_DIR/endpoint.json" "$LAB_DIR/s3" --lldp 1 --lldp-wait 2500 \
	--no-configure
is "$(js "$LAB_DIR/endpoint.json" 'd["lldp"]["ended"], d["lldp"]["unused"] >= 1, d["lldp"]["voice"]')" \
	"timeout True None" "its policy is not used; listening ends at the wait"
is "$(layer "$LAB_DIR/s3/params" L2QVLAN)" "option242=234 " "no lldp layer"
lab_lldpd_stop

# --- auto, the switch heard before the lease: go to its VLAN at once
pid=$(cat "$LAB_DIR/dnsmasq.pid")
kill "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
# A DHCP server slower than the switch: replies after 2 s; the switch speaks every second.
lab_dnsmasq --opt242 "$opt242" -- --no-ping --dhcp-reply-delay=2 || bail "dnsmasq did not restart"
lab_lldpd --tx-interval 1 --policy "voice tagged vlan 233 priority voice dscp 46" || bail "lldpd"
ok "dhcp, auto, LLDP before the lease" dhcp "$LAB_DIR/first.json" "$LAB_DIR/s4"
is "$(js "$LAB_DIR/first.json" 'd["lldp"]["ended"], d["lldp_first"], d["lldp"]["sent"] >= 1')" \
	"policy True True" "auto: heard the switch, answered it, its VLAN came first"
is "$(js "$LAB_DIR/first.json" 'd["vlan_from"], d["vlan_fallback"], d["vlan"]')" "lldp True None" \
	"VLAN 233 from lldp tried; not usable here, so back untagged"
case $(js "$LAB_DIR/first.json" 'd["lease"]["address"]') in
192.0.2.*) pass "then the untagged lease" ;;
*) fail "then the untagged lease"; diag "$(cat "$LAB_DIR/first.json" "$LAB_DIR/first.json.err")" ;;
esac
is "$(layer "$LAB_DIR/s4/params" L2QVLAN)" "lldp=233 option242=234 " "L2QVLAN from LLDP, kept"
done_testing
