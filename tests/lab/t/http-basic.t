#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# HTTP downloads from the lab's nginx: 0 B, 1 B, 1 MiB and a random size over
# IPv4 and IPv6, compared by SHA-256; keep-alive proven by nginx's
# $connection; 404 and 500 refused with clear messages and nothing written;
# redirects followed (at most 5); the User-Agent names ringboot and the MAC.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 27

LAB_NGINX_EXTRA='
	location = /error500 { return 500; }
	location = /hop1 { return 301 /one.bin; }
	location = /hop2 { return 302 /hop1; }
	location = /hop3 { return 303 hop2; }
	location = /hop4 { return 307 /hop3; }
	location = /hop5 { return 308 /hop4; }
	location = /hop6 { return 302 /hop5; }
	location = /noloc { return 302; }
'
lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx did not start"
out=$LAB_DIR/out
mkdir -p "$out"
got() { sha256sum < "$1" | cut -d' ' -f1; }
fetch() { lab_phone "$RINGBOOT_BIN" fetch "$@"; }
S=$LAB_SRV_IP4

declare -A sum
sum[zero.bin]=$(lab_file zero.bin 0)
sum[one.bin]=$(lab_file one.bin 1)
sum[mib.bin]=$(lab_file mib.bin 1048576)
rnd=$((RANDOM * 97 + RANDOM % 4096 + 1))
sum[rnd.bin]=$(lab_file rnd.bin $rnd)
diag "random size: $rnd bytes"

# --- sizes, one call, one connection (keep-alive)
ok "four files over HTTP/IPv4 in one call" \
	fetch "http://$S/zero.bin" -o "$out/zero.bin" "http://$S/one.bin" -o "$out/one.bin" \
	"http://$S/mib.bin" -o "$out/mib.bin" "http://$S/rnd.bin" -o "$out/rnd.bin"
for f in zero.bin one.bin mib.bin rnd.bin; do
	is "$(got "$out/$f")" "${sum[$f]}" "HTTP/IPv4 $f intact (SHA-256)"
done
conns=$(awk '$5 ~ /zero.bin|one.bin|mib.bin|rnd.bin/ { print $1 }' "$LAB_NGINX_LOG" | sort -u | wc -l)
reqs=$(awk '$5 ~ /zero.bin|one.bin|mib.bin|rnd.bin/ { print $2 }' "$LAB_NGINX_LOG" | tr '\n' ' ')
is "$conns" 1 "the four requests shared one TCP connection (nginx \$connection)"
is "$reqs" "1 2 3 4 " "nginx counted requests 1..4 on that connection"

n0=$(wc -l < "$LAB_NGINX_LOG")
ok "three files in one call (the issue's keep-alive case)" \
	fetch "http://$S/one.bin" -o "$out/k1" "http://$S/mib.bin" -o "$out/k2" "http://$S/rnd.bin" -o "$out/k3"
is "$(tail -n +$((n0 + 1)) "$LAB_NGINX_LOG" | awk '{print $1}' | sort -u | wc -l)" 1 \
	"three files, one connection"
is "$(got "$out/k3")" "${sum[rnd.bin]}" "third file of the kept-alive connection intact"

# --- IPv6
ok "HTTP over IPv6" fetch "http://[$LAB_SRV_IP6]/mib.bin" -o "$out/mib6" "http://[$LAB_SRV_IP6]/zero.bin" -o "$out/zero6"
is "$(got "$out/mib6")" "${sum[mib.bin]}" "HTTP/IPv6 1 MiB intact"
is "$(got "$out/zero6")" "${sum[zero.bin]}" "HTTP/IPv6 0 B intact"

# --- errors: clear message, exit 1, nothing written, connection kept after a 404
n0=$(wc -l < "$LAB_NGINX_LOG")
msg=$(fetch "http://$S/missing.bin" -o "$out/missing" "http://$S/one.bin" -o "$out/after404" 2>&1)
rc=$?
is "$rc" 1 "a 404 fails the call (exit 1)"
case $msg in *"HTTP 404 Not Found"*missing.bin*) pass "the 404 message names status and path" ;;
	*) fail "the 404 message names status and path"; diag "$msg" ;; esac
[ ! -e "$out/missing" ] && pass "nothing written for the 404" || fail "nothing written for the 404"
is "$(got "$out/after404")" "${sum[one.bin]}" "the next file after a 404 still downloads"
is "$(tail -n +$((n0 + 1)) "$LAB_NGINX_LOG" | awk '{print $1}' | sort -u | wc -l)" 1 \
	"the connection is reused after a 404"
msg=$(fetch "http://$S/error500" -o "$out/e500" 2>&1)
case $msg in *"HTTP 500 Internal Server Error"*) pass "a 500 is reported with its status" ;;
	*) fail "a 500 is reported with its status"; diag "$msg" ;; esac
[ ! -e "$out/e500" ] && pass "nothing written for the 500" || fail "nothing written for the 500"

# --- redirects: 301/302/303(relative)/307/308, at most 5
json=$(fetch --json "http://$S/hop5" -o "$out/hop5" 2>&1)
is "$(got "$out/hop5")" "${sum[one.bin]}" "five redirects (308, 307, 303 relative, 302, 301) followed"
case $json in *'"redirects": 5'*) pass "the result counts 5 redirects" ;;
	*) fail "the result counts 5 redirects"; diag "$json" ;; esac
msg=$(fetch "http://$S/hop6" -o "$out/hop6" 2>&1)
case $msg in *"more than 5 redirects"*) pass "a sixth redirect is refused" ;;
	*) fail "a sixth redirect is refused"; diag "$msg" ;; esac
[ ! -e "$out/hop6" ] && pass "nothing written after too many redirects" || fail "nothing written after too many redirects"
nok "a redirect without Location fails" fetch "http://$S/noloc" -o "$out/noloc"

# --- User-Agent: ringboot, version, model, MAC of the phone's interface
mac=$(lab_phone cat "/sys/class/net/$LAB_PHONE_IF/address")
ok "fetch with --model" fetch --model J189 "http://$S/one.bin" -o "$out/ua"
ua=$(tail -n 1 "$LAB_NGINX_LOG")
case $ua in *"ringboot/$(cat "$RINGBOOT_TOP/VERSION") (J189; $mac)"*) pass "User-Agent names ringboot, version, model and MAC" ;;
	*) fail "User-Agent names ringboot, version, model and MAC"; diag "$ua" "want MAC $mac" ;; esac

done_testing
