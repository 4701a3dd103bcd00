#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TLS truncation (RFC 8446 §6.1, RFC 9112 §9.8): over HTTPS a body delimited
# by the close of the connection (HTTP/1.0, no Content-Length, not chunked) is
# complete only when a close_notify ends it. A real server that sends one
# (openssl s_server -WWW, and the faulty server's closenotify mode) is
# accepted; a connection that ends at the TCP level without it (what an
# attacker's FIN does: the body arrives whole, or cut in half) is refused,
# nothing written; plain HTTP, which has no way to tell, keeps its rule.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 14

lab_setup || bail "lab_setup failed"
lab_pki || bail "lab_pki failed"
S=$LAB_SRV_IP4
SPORT=8443 FPORT=8444 HPORT=8080
out=$LAB_DIR/out
mkdir -p "$out"
sum=$(lab_file f.txt 70000)
got() { sha256sum < "$1" | cut -d' ' -f1; }
fetch() { lab_phone "$RINGBOOT_BIN" fetch "$@"; }

# openssl s_server -WWW answers "HTTP/1.0 200 ok" and the file, delimited by
# the close, and ends the connection with a close_notify.
( cd "$LAB_WWW" && exec ip netns exec "$LAB_SRV_NS" openssl s_server -quiet -WWW \
	-accept "$S:$SPORT" -cert "$LAB_DIR/pki/server.pem" -key "$LAB_DIR/pki/server.key" \
	> "$LAB_DIR/s_server.log" 2>&1 ) &
_lab_pids+=($!)
_lab_spawn faulty-tls python3 "$RINGBOOT_TOP/tests/lab/http_faulty.py" 0.0.0.0 $FPORT "$LAB_WWW" \
	--tls "$LAB_DIR/pki/server.pem" "$LAB_DIR/pki/server.key"
_lab_spawn faulty python3 "$RINGBOOT_TOP/tests/lab/http_faulty.py" 0.0.0.0 $HPORT "$LAB_WWW"
_lab_wait tcp $SPORT && _lab_wait tcp $FPORT && _lab_wait tcp $HPORT || bail "servers did not start"

head=$(lab_phone curl -s --cacert "$LAB_CA" -D - -o /dev/null "https://$S:$SPORT/f.txt" | tr -d '\r')
case $head in HTTP/1.0\ 200*[Cc]ontent-[Ll]ength*|HTTP/1.0\ 200*[Tt]ransfer-[Ee]ncoding*)
	fail "s_server answers HTTP/1.0 without Content-Length: the close ends the body"; diag "$head" ;;
HTTP/1.0\ 200*) pass "s_server answers HTTP/1.0 without Content-Length: the close ends the body" ;;
*) fail "s_server answers HTTP/1.0 without Content-Length: the close ends the body"; diag "$head" ;;
esac

ok "s_server -WWW: a close-delimited body ended by close_notify is accepted" \
	fetch --ca "$LAB_CA" "https://$S:$SPORT/f.txt" -o "$out/s_server"
is "$(got "$out/s_server")" "$sum" "s_server: file intact"
ok "faulty server, closenotify: accepted" \
	fetch --ca "$LAB_CA" "https://$S:$FPORT/closenotify/f.txt" -o "$out/notify"
is "$(got "$out/notify")" "$sum" "closenotify: file intact"

# refused NAME URL: exit 1, names the missing close_notify, writes nothing
refused() {
	local name=$1 msg rc
	msg=$(fetch --ca "$LAB_CA" --http-retries 1 "$2" -o "$out/$name" 2>&1)
	rc=$?
	is "$rc" 1 "$name: refused (exit 1)"
	case $msg in *"without a TLS close_notify"*"may be truncated"*) pass "$name: says why" ;;
		*) fail "$name: says why"; diag "$msg" ;; esac
	[ ! -e "$out/$name" ] && pass "$name: nothing written" || fail "$name: nothing written"
}
refused "whole body, TCP close without close_notify" "https://$S:$FPORT/upstream/f.txt"
refused "half the body, TCP close without close_notify" "https://$S:$FPORT/cutclose/f.txt"
n=$(grep -c 'GET /cutclose/f.txt' "$LAB_DIR/faulty-tls.log")
is "$n" 2 "a cut body is retried like a broken one (the request and 1 reconnect)"

# plain HTTP has no close_notify: the close ends the body (RFC 9112 §6.3)
ok "plain HTTP: a close-delimited body is what arrived" \
	fetch "http://$S:$HPORT/upstream/f.txt" -o "$out/plain"
is "$(got "$out/plain")" "$sum" "plain HTTP: file intact"

done_testing
