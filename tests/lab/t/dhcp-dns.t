#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Server names given by option 242 resolve through the DNS server the lease
# names (dnsmasq's own DNS), A and AAAA, with DOMAIN appended to a single-label
# name (AvayaTFTPServer style); names unknown to that server stay unresolved
# (the host's /etc/hosts and resolv.conf are never consulted).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 6

lab_setup --no-phone-addr || bail "lab_setup failed"
lab_dnsmasq --opt242 "HTTPSRVR=files.lab.test,TFTPSRVR=avayafs,TLSSRVR=localhost,192.0.2.1" -- \
	--no-ping --log-queries --dhcp-option=15,lab.test \
	--host-record=files.lab.test,192.0.2.1,2001:db8::1 \
	--host-record=avayafs.lab.test,192.0.2.5 || bail "dnsmasq did not start"
to() { local f=$1; shift; "$@" > "$f"; }
res() { python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["resolved"].get(sys.argv[2], ["absent"])))' \
	"$LAB_DIR/out.json" "$1" 2>/dev/null; }

ok "dhcp with server names" to "$LAB_DIR/out.json" lab_phone "$RINGBOOT_BIN" dhcp \
	--iface "$LAB_PHONE_IF" --arp-wait 0 --state-dir "$LAB_DIR/state" --json
is "$(res files.lab.test)" "192.0.2.1 2001:db8::1" "HTTPSRVR name: A and AAAA from the lease's DNS server"
is "$(res avayafs)" "192.0.2.5" "single-label TFTPSRVR name: DOMAIN appended"
is "$(res localhost)" "" "a name the lease's DNS does not know stays unresolved (no /etc/hosts)"
is "$(res 192.0.2.1)" "absent" "address literals need no lookup"
grep -q "query\[A\] files.lab.test from 192.0.2" "$LAB_DIR/dnsmasq.log" && \
	pass "the query went to dnsmasq" || { fail "the query went to dnsmasq"; diag "$(grep query "$LAB_DIR/dnsmasq.log")"; }
done_testing
