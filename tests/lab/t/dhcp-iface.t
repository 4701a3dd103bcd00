#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Interface set-up over rtnetlink: the lease's address, prefix and default
# route appear on the phone's interface (seen by `ip -j`), INIT-REBOOT reuses
# the stored lease, `--release` and a stopped `--daemon` give the address back
# (DHCPRELEASE at dnsmasq) and remove address and route.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 18

lab_setup --no-phone-addr || bail "lab_setup failed"
lab_dnsmasq --opt242 "HTTPSRVR=$LAB_SRV_IP4" -- --no-ping || bail "dnsmasq did not start"
state=$LAB_DIR/state
# to FILE CMD...: run CMD with its stdout in FILE (ok prints TAP on stdout)
to() { local f=$1; shift; "$@" > "$f"; }
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
addrs() { lab_phone ip -j -4 addr show dev "$LAB_PHONE_IF" | \
	python3 -c 'import json,sys; print(" ".join("%s/%d" % (a["local"], a["prefixlen"]) for i in json.load(sys.stdin) for a in i["addr_info"]))'; }
gw() { lab_phone ip -j -4 route show default | \
	python3 -c 'import json,sys; print(" ".join(r.get("gateway", "") + "@" + r["dev"] for r in json.load(sys.stdin)))'; }
releases() { grep -c "DHCPRELEASE" "$LAB_DIR/dnsmasq.log"; }

ok "dhcp configures the interface" to "$LAB_DIR/1.json" lab_phone "$RINGBOOT_BIN" dhcp --iface "$LAB_PHONE_IF" \
	--state-dir "$state" --json --arp-wait 0
a=$(js "$LAB_DIR/1.json" 'd["lease"]["address"]')
is "$(addrs)" "$a/24" "ip -j addr: the leased address with its prefix"
is "$(gw)" "$LAB_DNSMASQ_IP4@$LAB_PHONE_IF" "ip -j route: default route via the lease's router"
is "$(js "$LAB_DIR/1.json" 'd["configured"]')" "True" "JSON says configured"
[ -s "$state/dhcp-$LAB_PHONE_IF.lease" ] && pass "the lease is stored in the state directory" \
	|| fail "the lease is stored in the state directory"
grep -q "^RB_HTTPSRVR='$LAB_SRV_IP4'$" "$state/params.env" && pass "params.env exports HTTPSRVR" \
	|| fail "params.env exports HTTPSRVR"

# INIT-REBOOT: a second run asks for the stored address with a REQUEST, no DISCOVER.
n_disc=$(grep -c DHCPDISCOVER "$LAB_DIR/dnsmasq.log")
ok "second run (INIT-REBOOT)" to "$LAB_DIR/2.json" lab_phone "$RINGBOOT_BIN" dhcp --iface "$LAB_PHONE_IF" \
	--state-dir "$state" --json --arp-wait 0
is "$(js "$LAB_DIR/2.json" 'd["lease"]["address"]')" "$a" "INIT-REBOOT keeps the address"
is "$(grep -c DHCPDISCOVER "$LAB_DIR/dnsmasq.log")" "$n_disc" "INIT-REBOOT sent no DISCOVER"

r0=$(releases)
ok "--release" lab_phone "$RINGBOOT_BIN" dhcp --release --iface "$LAB_PHONE_IF" --state-dir "$state"
is "$(addrs)" "" "release removes the address"
is "$(gw)" "" "release removes the default route"
sleep 0.2
is "$(releases)" "$((r0 + 1))" "dnsmasq saw the DHCPRELEASE"
[ ! -e "$state/dhcp-$LAB_PHONE_IF.lease" ] && pass "release removes the lease file" \
	|| fail "release removes the lease file"

# --daemon keeps the lease until SIGTERM, then releases it.
# ip netns exec execs the agent: $! is the agent itself.
ip netns exec "$LAB_PHONE_NS" "$RINGBOOT_BIN" dhcp --daemon --iface "$LAB_PHONE_IF" --state-dir "$state" --arp-wait 0 \
	> "$LAB_DIR/daemon.out" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -n "$(addrs)" ] && break; sleep 0.1; done
[ -n "$(addrs)" ] && pass "daemon: address configured" || fail "daemon: address configured"
r0=$(releases)
kill -TERM $pid
wait $pid
is "$?" "0" "daemon exits 0 on SIGTERM"
is "$(addrs)" "" "daemon: address removed on stop"
sleep 0.2
is "$(releases)" "$((r0 + 1))" "daemon: DHCPRELEASE on stop"
done_testing
