#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ringboot ends its TLS connections with a close_notify. RFC 8446 6.1:
# "Each party MUST send a "close_notify" alert before closing its write side
# of the connection, unless it has already sent some error alert"; RFC 5246
# 7.2.1 the same for TLS 1.2. stunnel (OpenSSL) logs "TLS closed (SSL_read)"
# when the alert came (as from curl) and "TLS socket closed (SSL_read)" for a
# bare TCP close. Without the alert, a TLS 1.2 server that keeps sessions in
# its cache (stunnel) drops the session when ringboot closes first, so the
# next connection cannot resume; which side closes first after a
# "Connection: close" response is a race, so the resumption is tried 60 times.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/interop.sh"

lab_setup || bail "lab_setup failed"
lab_file one 1 > /dev/null
lab_file mid 20000 > /dev/null
# lighttpd keeps the connection open, so the client is the one that closes.
lab_lighttpd || bail "lighttpd"
lab_stunnel --name stunnel-ka --port 9410 --connect "$LAB_LIGHTTPD_HTTP_PORT" || bail "stunnel"
log=$LAB_DIR/stunnel-ka/stunnel.log

# closes CLIENT CMD...: how stunnel saw CMD's connection end.
closes() {
	local who=$1
	shift
	: > "$log"
	"$@" > /dev/null 2>&1
	for _ in $(seq 1 20); do grep -q 'Connection closed' "$log" && break; sleep 0.1; done
	if grep -q 'TLS closed (SSL_read)' "$log"; then echo close_notify
	elif grep -q 'TLS socket closed\|Connection reset' "$log"; then echo "no close_notify"
	else echo "?"; fi
}
is "$(closes curl lab_phone curl -s --cacert "$LAB_CHAIN_ROOT" -o /dev/null "https://$LAB_SRV_IP4:9410/one")" \
	close_notify "curl sends close_notify before closing (the check works)"
is "$(closes ringboot lab_phone "$RINGBOOT_BIN" fetch --ca "$LAB_CHAIN_ROOT" "https://$LAB_SRV_IP4:9410/one" -o "$LAB_DIR/o")" \
	close_notify "ringboot sends close_notify before closing (RFC 8446 6.1)"

# The consequence: TLS 1.2 through stunnel in front of busybox httpd (which
# closes after each response), two files, so two connections; the second must
# resume. Repeated, since who closes first is a race.
lab_stunnel_tls12 || bail "stunnel (TLS 1.2)"
lost=0
for _ in $(seq 1 60); do
	lab_phone "$RINGBOOT_BIN" --json fetch --ca "$LAB_CHAIN_ROOT" \
		"https://$LAB_SRV_IP4:$LAB_TLS12_PORT/one" -o "$LAB_DIR/a" \
		"https://$LAB_SRV_IP4:$LAB_TLS12_PORT/mid" -o "$LAB_DIR/b" > "$LAB_DIR/json" 2> /dev/null
	r=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[1]["options"]["tls_resumed"])' "$LAB_DIR/json")
	[ "$r" = 1 ] || lost=$((lost + 1))
done
is "$lost" 0 "TLS 1.2 via stunnel: the second connection resumed in all 60 runs"
diag "stunnel saw $(grep -c 'TLS socket closed (SSL_read)\|Connection reset' "$LAB_DIR/stunnel/stunnel.log") connection(s) end without close_notify"

done_testing
