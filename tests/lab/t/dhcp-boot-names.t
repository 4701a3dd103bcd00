#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot boot` with server names from option 242: the names resolve
# through the DNS server the lease gave (dnsmasq's), not the host's resolver
# (which knows neither name), and HTTPS checks the certificate against the
# name. The boot fetches the upgrade script from https://lab.ringboot.test/.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 4

lab_setup --no-phone-addr || bail "lab_setup failed"
lab_nginx || bail "nginx did not start"
printf '## test upgrade script\nGET 46xxsettings.txt\n' > "$LAB_WWW/96x1Supgrade.txt"
printf 'SET SNTPSRVR 192.0.2.9\n' > "$LAB_WWW/46xxsettings.txt"
chmod 644 "$LAB_WWW"/*.txt
conf=$LAB_DIR/ringboot.conf
cat > "$conf" <<EOF
SET MODEL4 9608
SET MODEL 9608D01A
SET SIG 2
SET MACADDR 0a:0b:0c:0d:0e:0f
SET CA_FILE $LAB_CA
SET RETRY_MAX 1
SET RETRY_BASE_MS 50
EOF
lab_dnsmasq --opt242 "TLSSRVR=$LAB_TLS_NAME,HTTPSRVR=files.lab.test" -- --no-ping --log-queries \
	--host-record="$LAB_TLS_NAME,$LAB_SRV_IP4" --host-record="files.lab.test,$LAB_SRV_IP4" \
	|| bail "dnsmasq did not start"
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

lab_phone "$RINGBOOT_BIN" --config "$conf" --state-dir "$LAB_DIR/state" boot --iface "$LAB_PHONE_IF" \
	--json > "$LAB_DIR/boot.json" 2> "$LAB_DIR/boot.err"
rc=$?
is "$rc" "0" "boot succeeds with server names"
[ "$rc" = 0 ] || diag "$(cat "$LAB_DIR/boot.json" "$LAB_DIR/boot.err")"
is "$(js "$LAB_DIR/boot.json" 'd["server"]')" "https://$LAB_TLS_NAME/" \
	"the script came over HTTPS from the name TLSSRVR gave"
grep -q "query\[A\] $LAB_TLS_NAME from 192.0.2" "$LAB_DIR/dnsmasq.log" && \
	pass "the name was asked of the lease's DNS server" || fail "the name was asked of the lease's DNS server"
grep -q "^RB_SNTPSRVR='192.0.2.9'$" "$LAB_DIR/state/params.env" && \
	pass "the settings file came through too" || fail "the settings file came through too"
done_testing
