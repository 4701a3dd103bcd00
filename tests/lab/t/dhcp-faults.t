#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DHCP against a fault-injecting server (tests/helpers/dhcp_faulty.c), for what
# dnsmasq cannot do: a burst of malformed offers (truncated, overlong,
# zero-length option 51, overload loop, missing End, oversized, foreign xid and
# chaddr) before one good offer: the client takes only the good one. An offered
# address that another host holds: ARP finds it, the client declines. Then a
# 6 s lease: `--daemon` renews at T1 by unicast, and when the server goes
# silent, rebinds at T2 and gives the address up at expiry.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 15

FAULTY=$RINGBOOT_TOP/build/tests/helpers/dhcp_faulty
[ -x "$FAULTY" ] || bail "$FAULTY is not built (make helpers)"
lab_setup --no-phone-addr || bail "lab_setup failed"
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
addrs() { lab_phone ip -j -4 addr show dev "$LAB_PHONE_IF" | \
	python3 -c 'import json,sys; print(" ".join(a["local"] for i in json.load(sys.stdin) for a in i["addr_info"]))'; }
# faulty MODE [ARGS]: (re)start the faulty server; its log is $LAB_DIR/faulty.log
faulty() {
	[ -n "${fpid:-}" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	ip netns exec "$LAB_SRV_NS" "$FAULTY" --iface "$LAB_SRV_IF" --server-id "$LAB_DNSMASQ_IP4" "$@" \
		> "$LAB_DIR/faulty.log" 2>&1 &
	fpid=$!
	lab_on_cleanup "kill $fpid"
	for _ in $(seq 50); do grep -q listening "$LAB_DIR/faulty.log" && return 0; sleep 0.1; done
	return 1
}
# wait_for CMD...: up to 15 s for CMD to succeed
wait_for() { for _ in $(seq 150); do "$@" && return 0; sleep 0.1; done; return 1; }

faulty bad-offers || bail "dhcp_faulty did not start"
lab_phone "$RINGBOOT_BIN" dhcp --iface "$LAB_PHONE_IF" --state-dir "$LAB_DIR/s1" --arp-wait 0 \
	--json --timeout 10 > "$LAB_DIR/bad.json" 2> "$LAB_DIR/bad.err"
is "$?" "0" "a lease despite the malformed offers"
is "$(js "$LAB_DIR/bad.json" 'd["lease"]["address"]')" "192.0.2.77" "only the good offer was taken"
is "$(grep -c '^sent ' "$LAB_DIR/faulty.log")" "10" "the server sent 8 bad offers, the good one and the ACK"
is "$(addrs)" "192.0.2.77" "the interface has the good address"
lab_phone ip addr flush dev "$LAB_PHONE_IF"

# ARP conflict: the server's own interface holds the offered address.
faulty short-lease || bail "dhcp_faulty did not restart"
lab_srv ip addr add 192.0.2.77/24 dev "$LAB_SRV_IF"
lab_phone "$RINGBOOT_BIN" dhcp --iface "$LAB_PHONE_IF" --state-dir "$LAB_DIR/s3" --arp-wait 300 \
	--timeout 3 --no-init-reboot > /dev/null 2> "$LAB_DIR/arp.err"
is "$?" "1" "an address in use: no lease (exit 1 at the time limit)"
grep -q "192.0.2.77 is in use (ARP): declining" "$LAB_DIR/arp.err" && pass "the ARP check found the holder" ||
	{ fail "the ARP check found the holder"; diag "$(cat "$LAB_DIR/arp.err")"; }
grep -q "^got DECLINE" "$LAB_DIR/faulty.log" && pass "the server got a DHCPDECLINE" ||
	fail "the server got a DHCPDECLINE"
is "$(addrs)" "" "the declined address was never configured"
lab_srv ip addr del 192.0.2.77/24 dev "$LAB_SRV_IF"

faulty short-lease --acks 2 || bail "dhcp_faulty did not restart"
: > "$LAB_DIR/d.err"	# exists before the first grep, whoever runs first
ip netns exec "$LAB_PHONE_NS" "$RINGBOOT_BIN" -v dhcp --daemon --iface "$LAB_PHONE_IF" \
	--state-dir "$LAB_DIR/s2" --arp-wait 0 --no-init-reboot > "$LAB_DIR/d.out" 2> "$LAB_DIR/d.err" &
dpid=$!
lab_on_cleanup "kill $dpid"
wait_for grep -q 'bound to 192.0.2.77' "$LAB_DIR/d.err" && pass "daemon: bound (6 s lease)" ||
	fail "daemon: bound (6 s lease)"
two_acks() { [ "$(grep -c '^sent ack' "$LAB_DIR/faulty.log")" = 2 ]; }
wait_for two_acks && pass "daemon: renewed at T1 (second REQUEST acknowledged)" ||
	{ fail "daemon: renewed at T1 (second REQUEST acknowledged)"; diag "$(cat "$LAB_DIR/faulty.log")"; }
grep -q 'lease renewed' "$LAB_DIR/d.err" && pass "daemon: reports the renewal" ||
	fail "daemon: reports the renewal"
three_reqs() { [ "$(grep -c '^got REQUEST' "$LAB_DIR/faulty.log")" -ge 3 ]; }
wait_for three_reqs && pass "daemon: asks again when the server is silent (rebinding)" ||
	fail "daemon: asks again when the server is silent (rebinding)"
wait_for grep -q 'lease lost' "$LAB_DIR/d.err" && pass "daemon: gives the lease up at expiry" ||
	{ fail "daemon: gives the lease up at expiry"; diag "$(cat "$LAB_DIR/d.err")"; }
is "$(addrs)" "" "daemon: no address after expiry"
disc_again() { [ "$(grep -c '^got DISCOVER' "$LAB_DIR/faulty.log")" -ge 2 ]; }
wait_for disc_again && pass "daemon: starts over with DISCOVER" || fail "daemon: starts over with DISCOVER"
kill "$dpid" 2>/dev/null
done_testing
