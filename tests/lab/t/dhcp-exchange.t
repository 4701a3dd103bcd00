#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The exchange against dnsmasq: Rapid Commit taken when dnsmasq offers it (a
# 2-message exchange: no DHCPREQUEST), the 4-message exchange when it does not
# or when the client declines to offer it; a silent server gives a clear
# timeout; a NAK (INIT-REBOOT for an address the server will not give)
# restarts with DISCOVER and ends with a lease.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 13

lab_setup --no-phone-addr || bail "lab_setup failed"
# to FILE CMD...: run CMD with its stdout in FILE (ok prints TAP on stdout)
to() { local f=$1; shift; "$@" > "$f"; }
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
dhcp() { lab_phone "$RINGBOOT_BIN" dhcp --iface "$LAB_PHONE_IF" --no-configure --arp-wait 0 "$@"; }
mac=$(lab_phone cat "/sys/class/net/$LAB_PHONE_IF/address")

# --- a silent network: no server yet
out=$(dhcp --state-dir "$LAB_DIR/s0" --timeout 2 --first-interval 200 2>&1)
rc=$?
is "$rc" "1" "no server: exit status 1"
case $out in *"no lease within 2000 ms"*) pass "no server: a clear timeout message" ;;
	*) fail "no server: a clear timeout message"; diag "$out" ;; esac

# --- dnsmasq with Rapid Commit
lab_dnsmasq -- --no-ping --dhcp-rapid-commit --dhcp-authoritative || bail "dnsmasq did not start"
log=$LAB_DIR/dnsmasq.log
ok "rapid commit offered by dnsmasq" to "$LAB_DIR/rc.json" dhcp --state-dir "$LAB_DIR/s1" --no-init-reboot --json
is "$(js "$LAB_DIR/rc.json" 'd["lease"]["rapid_commit"]')" "True" "rapid commit taken"
is "$(grep -c 'DHCPREQUEST' "$log")" "0" "2-message exchange: no DHCPREQUEST reached dnsmasq"
ok "client without rapid commit" to "$LAB_DIR/norc.json" dhcp --state-dir "$LAB_DIR/s2" --no-init-reboot \
	--no-rapid-commit --json
is "$(js "$LAB_DIR/norc.json" 'd["lease"]["rapid_commit"]')" "False" "4-message exchange"
is "$(grep -c 'DHCPREQUEST' "$log")" "1" "one DHCPREQUEST reached dnsmasq"

# --- a NAK: the stored lease names an address dnsmasq (authoritative) will not give.
# The stored lease is one of this run; dnsmasq is restarted with this MAC bound to .250.
kill "$(cat "$LAB_DIR/dnsmasq.pid")"
for _ in $(seq 50); do lab_srv ss -uln | grep -q ':67 ' || break; sleep 0.1; done
lab_dnsmasq -- --no-ping --dhcp-authoritative --dhcp-host="$mac,192.0.2.250" \
	|| bail "dnsmasq did not restart"
log=$LAB_DIR/dnsmasq.log
old=$(js "$LAB_DIR/norc.json" 'd["lease"]["address"]')
ok "INIT-REBOOT answered with NAK, then a new lease" to "$LAB_DIR/nak.json" dhcp --state-dir "$LAB_DIR/s2" --json
grep -q "DHCPNAK.*$old" "$log" && pass "dnsmasq sent DHCPNAK for $old" \
	|| { fail "dnsmasq sent DHCPNAK for $old"; diag "$(grep -E 'DHCP(NAK|REQUEST)' "$log")"; }
is "$(js "$LAB_DIR/nak.json" 'd["naks"]')" "1" "the client counted the NAK"
is "$(js "$LAB_DIR/nak.json" 'd["lease"]["address"]')" "192.0.2.250" "restarted: the new address"
grep -q "DHCPDISCOVER" "$log" && pass "restart began with DHCPDISCOVER" \
	|| fail "restart began with DHCPDISCOVER"
done_testing
