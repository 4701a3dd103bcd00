#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The voice VLAN from the switch's LLDP-MED Network Policy, taken for real
# (inside the VM: the host kernel has no 802.1Q). lldpd plays the switch; the
# untagged DHCP server names no VLAN at all, so only LLDP can send the phone
# to VLAN 233, whose own dnsmasq hands out 198.51.100.x and HTTPDIR=voice.
#  1. `ringboot dhcp --lldp 1`, lldpd started once the untagged lease is
#     there: the policy arrives after the lease, while the handset still
#     listens; it moves to VLAN 233 and gives the untagged lease back.
#  2. `ringboot boot` with the default (auto), the untagged server slow (2 s):
#     the switch is heard first, no untagged lease is taken, DHCP runs on VLAN
#     233 straight away, and the whole boot (script and settings from
#     HTTPDIR=voice) runs over the VLAN; the timeline shows the lldp phase in
#     the dhcp phase and where the VLAN came from.
#  3. `ringboot boot` when LLDP names a VLAN (234) where nobody answers: after
#     VLANTEST the untagged lease after all, and the boot runs untagged.
#
#   phone ns                                   server ns
#   rbp-ID ------------------- veth ---------- rbs-ID   192.0.2.1 nginx, lldpd
#                                                       192.0.2.3 dnsmasq (no VLAN in 242)
#   rbp-ID.233 (ringboot)                      v233ID   198.51.100.1 dnsmasq, 242: HTTPDIR=voice
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/vlan.sh"
. "$RINGBOOT_TOP/tests/lab/lldp.sh"

RB=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
plan 20

modprobe -a veth 8021q 2>/dev/null	# the guest suite loads them too; this runs alone as well
lab_setup --no-phone-addr || bail "lab_setup failed"
lab_nginx || bail "nginx did not start"
lab_dnsmasq --opt242 "HTTPSRVR=$LAB_SRV_IP4" -- --no-ping || bail "dnsmasq did not start"
# Not through `ok`: that runs its command in a subshell, and the function exports LAB_VLAN_*.
lab_vlan_dnsmasq 233 --opt242 "HTTPSRVR=$LAB_SRV_IP4,HTTPDIR=voice" -- --no-ping ||
	bail "VLAN dnsmasq did not start"
# The VLAN's clients reach 192.0.2.1 through 198.51.100.1 (the server's own address).
mkdir -m 755 "$LAB_WWW/voice"
printf 'SET VOICE_SCRIPT 1\nGET 46xxsettings.txt\n' > "$LAB_WWW/voice/96x1Supgrade.txt"
printf 'SET SNTPSRVR 198.51.100.9\n' > "$LAB_WWW/voice/46xxsettings.txt"
printf 'SET VOICE_SCRIPT 0\n' > "$LAB_WWW/96x1Supgrade.txt"
chmod 644 "$LAB_WWW"/*.txt "$LAB_WWW"/voice/*
cat > "$LAB_DIR/ringboot.conf" <<CONF
SET MODEL4 9608
SET SIG 2
SET CA_FILE $LAB_CA
SET RETRY_MAX 2
SET RETRY_BASE_MS 100
CONF

to() { local f=$1; shift; "$@" > "$f"; }
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
addrs() { lab_phone ip -j -4 addr show dev "$1" 2>/dev/null | \
	python3 -c 'import json,sys; print(" ".join(a["local"] for i in json.load(sys.stdin) for a in i["addr_info"]))'; }
# phase FILE NAME FIELD: a field of the named timeline phase
phase() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=d["timeline"]
p=[x for x in t if x["phase"]==sys.argv[2]][0]
print(t[p["parent"]]["phase"] if sys.argv[3]=="parent" and p["parent"] is not None else p.get(sys.argv[3]))' \
	"$1" "$2" "$3" 2>/dev/null; }
restart_dnsmasq() {
	local pid
	pid=$(cat "$LAB_DIR/dnsmasq.pid")
	kill "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	lab_dnsmasq "$@"
}

# --- 1. dhcp, LLDP_ENABLED 1: the switch comes up once the untagged lease is there; its
# policy (lldpd sends one when it starts) then moves the handset, which still listens
lab_phone "$RB" --json dhcp --iface "$LAB_PHONE_IF" --arp-wait 0 --state-dir "$LAB_DIR/s1" \
	--lldp 1 --lldp-wait 60000 > "$LAB_DIR/d.json" 2> "$LAB_DIR/d.err" &
dhcp_pid=$!
# (as long as it runs: a dhcp that failed at once must not hold the test)
for _ in $(seq 600); do
	kill -0 "$dhcp_pid" 2>/dev/null || break
	lab_phone ip -4 -o addr show dev "$LAB_PHONE_IF" | grep -q inet && break
	sleep 0.1
done
lab_lldpd --policy "voice tagged vlan 233 priority voice dscp 46" || bail "lldpd"
wait "$dhcp_pid"
is "$?" "0" "dhcp --lldp 1"
is "$(js "$LAB_DIR/d.json" 'd["iface"], d["vlan"], d["vlan_from"], d["lldp_first"]')" \
	"$LAB_PHONE_IF.233 233 lldp False" "on VLAN 233, named by LLDP after the lease"
case $(js "$LAB_DIR/d.json" 'd["lease"]["address"]') in
198.51.100.*) pass "the voice VLAN's lease" ;;
*) fail "the voice VLAN's lease"; diag "$(cat "$LAB_DIR/d.json")" ;;
esac
is "$(addrs "$LAB_PHONE_IF")" "" "the untagged address is given up"
grep -q "DHCPRELEASE" "$LAB_DIR/dnsmasq.log" && pass "the untagged lease was released" ||
	fail "the untagged lease was released"
grep -q "^RB_L2QVLAN='233'$" "$LAB_DIR/s1/params.env" && pass "params.env: L2QVLAN 233" ||
	fail "params.env: L2QVLAN 233"
lab_phone ip link del "$LAB_PHONE_IF.233"
lab_lldpd_stop

# --- 2. boot, auto: the switch before the (slow) untagged server
restart_dnsmasq --opt242 "HTTPSRVR=$LAB_SRV_IP4" -- --no-ping --dhcp-reply-delay=2 ||
	bail "dnsmasq did not restart"
lab_lldpd --tx-interval 1 --policy "voice tagged vlan 233 priority voice dscp 46" || bail "lldpd"
timeout 120 ip netns exec "$LAB_PHONE_NS" "$RB" --json boot --config "$LAB_DIR/ringboot.conf" \
	--state-dir "$LAB_DIR/s2" --iface "$LAB_PHONE_IF" --arp-wait 0 > "$LAB_DIR/b.json" 2> "$LAB_DIR/b.err"
rc=$?
is "$rc" "0" "boot with the VLAN from LLDP"
[ "$rc" = 0 ] || diag "$(cat "$LAB_DIR/b.json" "$LAB_DIR/b.err" | tail -20)"
case $(phase "$LAB_DIR/b.json" dhcp detail) in
"address 198.51.100."*" on the voice VLAN 233 (L2QVLAN from lldp, before a lease)") pass "dhcp phase: the VLAN and where it came from" ;;
*) fail "dhcp phase: the VLAN and where it came from"; diag "$(phase "$LAB_DIR/b.json" dhcp detail)" ;;
esac
is "$(phase "$LAB_DIR/b.json" lldp parent)" "dhcp" "the lldp phase is part of the dhcp phase"
case $(phase "$LAB_DIR/b.json" lldp detail) in
"voice VLAN 233 tagged, priority 5, DSCP 46 from "*) pass "lldp phase: the switch's policy" ;;
*) fail "lldp phase: the switch's policy"; diag "$(phase "$LAB_DIR/b.json" lldp detail)" ;;
esac
case $(phase "$LAB_DIR/b.json" script detail) in
"http://$LAB_SRV_IP4/voice/96x1Supgrade.txt"*) pass "the script from the VLAN lease's HTTPDIR" ;;
*) fail "the script from the VLAN lease's HTTPDIR"; diag "$(phase "$LAB_DIR/b.json" script detail)" ;;
esac
grep -q "^RB_SNTPSRVR='198.51.100.9'$" "$LAB_DIR/s2/params.env" && pass "the voice settings file applied" ||
	fail "the voice settings file applied"
is "$(addrs "$LAB_PHONE_IF")" "" "no untagged address"
grep -q "DHCPACK" "$LAB_DIR/dnsmasq.log" && fail "no untagged lease was taken" ||
	pass "no untagged lease was taken"
lab_phone ip link del "$LAB_PHONE_IF.233"
lab_lldpd_stop

# --- 3. boot, LLDP names VLAN 234 where nobody answers: back untagged after VLANTEST
lab_lldpd --tx-interval 1 --policy "voice tagged vlan 234 priority voice dscp 46" || bail "lldpd"
timeout 120 ip netns exec "$LAB_PHONE_NS" "$RB" --json boot --config "$LAB_DIR/ringboot.conf" \
	--state-dir "$LAB_DIR/s3" --iface "$LAB_PHONE_IF" --arp-wait 0 --var VLANTEST=2 \
	> "$LAB_DIR/f.json" 2> "$LAB_DIR/f.err"
rc=$?
is "$rc" "0" "boot with an LLDP VLAN nobody serves"
[ "$rc" = 0 ] || diag "$(cat "$LAB_DIR/f.json" "$LAB_DIR/f.err" | tail -20)"
case $(phase "$LAB_DIR/f.json" dhcp detail) in
"address 192.0.2."*" untagged: voice VLAN 234 (L2QVLAN from lldp, before a lease) fell back") pass "dhcp phase: fell back" ;;
*) fail "dhcp phase: fell back"; diag "$(phase "$LAB_DIR/f.json" dhcp detail)" ;;
esac
case $(phase "$LAB_DIR/f.json" script detail) in
"http://$LAB_SRV_IP4/96x1Supgrade.txt"*) pass "the script of the untagged lease" ;;
*) fail "the script of the untagged lease"; diag "$(phase "$LAB_DIR/f.json" script detail)" ;;
esac
lab_phone ip link show dev "$LAB_PHONE_IF.234" > /dev/null 2>&1 && fail "the VLAN interface is removed" ||
	pass "the VLAN interface is removed"
case $(addrs "$LAB_PHONE_IF") in
192.0.2.*) pass "the untagged interface has its lease" ;;
*) fail "the untagged interface has its lease" ;;
esac
grep -q "^RB_L2QVLAN='234'$" "$LAB_DIR/s3/params.env" && pass "params.env still says what LLDP said" ||
	fail "params.env still says what LLDP said"
done_testing
