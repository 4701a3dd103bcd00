#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# HTTPS downloads from the lab's nginx: 0 B, 1 B, 1 MiB and a random size by
# SHA-256 over IPv4 and IPv6 and by host name (SNI); keep-alive over TLS;
# TLS 1.3 preferred, with AES-GCM first where wolfSSL runs it in hardware on
# this CPU and ChaCha20-Poly1305 first elsewhere, --tls-prefer overriding
# either way; TLS 1.2 when that is all the server has; the session resumed on
# the second connection (nginx's $ssl_session_reused and the result's
# tls_resumed).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lib/tls-prefer.sh"

plan 28

# /close/ answers with "Connection: close": each file there needs a new connection
LAB_NGINX_EXTRA="location /close/ { keepalive_timeout 0; }
	location = /tohttp { return 302 http://$LAB_SRV_IP4/one.bin; }
	location = /tohttps { return 301 https://$LAB_SRV_IP4/one.bin; }"
lab_setup || bail "lab_setup failed"
lab_pki || bail "lab_pki failed"
LAB_NGINX_HTTP_EXTRA="server { listen $LAB_SRV_IP4:8443 ssl; ssl_protocols TLSv1.2; root $LAB_WWW;
	location /close/ { keepalive_timeout 0; } }"
lab_nginx || bail "nginx did not start"
out=$LAB_DIR/out
mkdir -p "$out" "$LAB_WWW/close"
chmod 755 "$LAB_WWW/close"
got() { sha256sum < "$1" | cut -d' ' -f1; }
fetch() { lab_phone "$RINGBOOT_BIN" fetch --ca "$LAB_CA" "$@"; }
S=$LAB_SRV_IP4
declare -A sum
sum[zero.bin]=$(lab_file zero.bin 0)
sum[one.bin]=$(lab_file one.bin 1)
sum[mib.bin]=$(lab_file mib.bin 1048576)
sum[rnd.bin]=$(lab_file rnd.bin $((RANDOM * 61 + 7)))
cp "$LAB_WWW/mib.bin" "$LAB_WWW/close/a.bin"
cp "$LAB_WWW/one.bin" "$LAB_WWW/close/b.bin"
chmod 644 "$LAB_WWW/close/"*

n0=$(wc -l < "$LAB_NGINX_LOG")
json=$(fetch --json "https://$S/zero.bin" -o "$out/zero.bin" "https://$S/one.bin" -o "$out/one.bin" \
	"https://$S/mib.bin" -o "$out/mib.bin" "https://$S/rnd.bin" -o "$out/rnd.bin" 2>&1)
is "$?" 0 "four files over HTTPS/IPv4 in one call"
for f in zero.bin one.bin mib.bin rnd.bin; do
	is "$(got "$out/$f")" "${sum[$f]}" "HTTPS $f intact (SHA-256)"
done
is "$(tail -n +$((n0 + 1)) "$LAB_NGINX_LOG" | awk '{print $1}' | sort -u | wc -l)" 1 \
	"the four HTTPS requests shared one connection (one handshake)"
case $json in *'"tls_version": "TLSv1.3"'*) pass "TLS 1.3 negotiated" ;; *) fail "TLS 1.3 negotiated"; diag "$json" ;; esac
read -r want why <<< "$(expected_tls_prefer "$RINGBOOT_BIN")"
case $json in *"\"tls_prefer\": \"$want\""*"\"tls_prefer_reason\": \"$why\""*)
	pass "by default $want is preferred ($why), and reported so" ;;
	*) fail "by default $want is preferred ($why), and reported so"; diag "$json" ;; esac
case $json in *"\"tls_cipher\": \"$(tls13_suite "$want")\""*) pass "... and negotiated: $(tls13_suite "$want")" ;;
	*) fail "... and negotiated: $(tls13_suite "$want")"; diag "$json" ;; esac

json=$(fetch --json --tls-prefer aes "https://$S/one.bin" -o "$out/aes" 2>&1)
case $json in *'"tls_cipher": "TLS13-AES128-GCM-SHA256"'*) pass "--tls-prefer aes picks AES-128-GCM" ;;
	*) fail "--tls-prefer aes picks AES-128-GCM"; diag "$json" ;; esac
case $json in *'"tls_prefer": "aes"'*'"tls_prefer_reason": "--tls-prefer"'*) pass "... reported as the option's choice" ;;
	*) fail "... reported as the option's choice"; diag "$json" ;; esac
json=$(fetch --json --tls-prefer chacha20 "https://$S/one.bin" -o "$out/chacha" 2>&1)
case $json in *'"tls_cipher": "TLS13-CHACHA20-POLY1305-SHA256"'*) pass "--tls-prefer chacha20 picks ChaCha20-Poly1305" ;;
	*) fail "--tls-prefer chacha20 picks ChaCha20-Poly1305"; diag "$json" ;; esac
nok "--tls-prefer with another word is a usage error" fetch --tls-prefer des "https://$S/one.bin" -o "$out/x"

ok "HTTPS over IPv6" fetch "https://[$LAB_SRV_IP6]/mib.bin" -o "$out/mib6"
is "$(got "$out/mib6")" "${sum[mib.bin]}" "HTTPS/IPv6 1 MiB intact"

# --- by host name: resolved in the phone's namespace (ip netns exec binds /etc/netns/NS/hosts)
mkdir -p "/etc/netns/$LAB_PHONE_NS"
lab_on_cleanup "rm -rf /etc/netns/$LAB_PHONE_NS"
printf '%s %s\n' "$S" "$LAB_TLS_NAME" > "/etc/netns/$LAB_PHONE_NS/hosts"
ok "HTTPS by host name (SNI, DNS-ID check)" fetch "https://$LAB_TLS_NAME/rnd.bin" -o "$out/byname"
is "$(got "$out/byname")" "${sum[rnd.bin]}" "by-name download intact"

# --- session resumption: two connections in one call, the second resumed
n0=$(wc -l < "$LAB_NGINX_LOG")
json=$(fetch --json "https://$S/close/a.bin" -o "$out/a" "https://$S/close/b.bin" -o "$out/b" 2>&1)
new=$(tail -n +$((n0 + 1)) "$LAB_NGINX_LOG")
is "$(printf '%s\n' "$new" | awk '{print $1}' | sort -u | wc -l)" 2 "Connection: close forced two connections"
is "$(printf '%s\n' "$new" | awk '{print $3}' | tr '\n' ' ')" ". r " \
	"TLS 1.3: nginx saw a full handshake, then a resumed session"
case $json in *'"tls_resumed": 0'*'"tls_resumed": 1'*) pass "the results say: first full, second resumed" ;;
	*) fail "the results say: first full, second resumed"; diag "$json" ;; esac
is "$(got "$out/a")" "${sum[mib.bin]}" "resumed-session download intact"

# --- redirects: never from https to http; http to https is fine
msg=$(fetch "https://$S/tohttp" -o "$out/tohttp" 2>&1)
case $msg in *"refusing https -> http redirect to 'http://$S/one.bin'"*) pass "https -> http redirect refused" ;;
	*) fail "https -> http redirect refused"; diag "$msg" ;; esac
[ ! -e "$out/tohttp" ] && pass "nothing written for the refused redirect" ||
	fail "nothing written for the refused redirect"
ok "http -> https redirect followed" fetch "http://$S/tohttps" -o "$out/tohttps"
is "$(got "$out/tohttps")" "${sum[one.bin]}" "file behind the http -> https redirect intact"

# --- a TLS 1.2-only server: still works, resumes too
n0=$(wc -l < "$LAB_NGINX_LOG")
json=$(fetch --json "https://$S:8443/close/a.bin" -o "$out/a12" "https://$S:8443/close/b.bin" -o "$out/b12" 2>&1)
case $json in *'"tls_version": "TLSv1.2"'*) pass "TLS 1.2 when the server offers only 1.2" ;;
	*) fail "TLS 1.2 when the server offers only 1.2"; diag "$json" ;; esac
is "$(tail -n +$((n0 + 1)) "$LAB_NGINX_LOG" | awk '{print $3}' | tr '\n' ' ')" ". r " \
	"TLS 1.2: the second connection resumed"
is "$(got "$out/a12")" "${sum[mib.bin]}" "TLS 1.2 download intact"

done_testing
