#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What nginx will not do, from tests/lab/http_faulty.py: oversized heads, bad
# and overflowing chunk sizes, overflowing or conflicting Content-Length, a
# body longer than Content-Length, stalls and trickles (slowloris), 503 with
# Retry-After, a body cut or stalled mid-way (resumed with Range, or restarted
# when the server answers 200). Also chunked responses from real nginx in front of the
# faulty server's close-delimited "upstream" mode.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 75

FPORT=8080
LAB_NGINX_EXTRA="
	location /chunked/ { proxy_pass http://127.0.0.1:$FPORT/upstream/; }
"
lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx did not start"
_lab_spawn faulty python3 "$RINGBOOT_TOP/tests/lab/http_faulty.py" 0.0.0.0 $FPORT "$LAB_WWW"
_lab_wait tcp $FPORT || bail "the faulty server did not start"
FLOG=$LAB_DIR/faulty.log
out=$LAB_DIR/out
mkdir -p "$out"
got() { sha256sum < "$1" | cut -d' ' -f1; }
fetch() { lab_phone "$RINGBOOT_BIN" fetch "$@"; }
S=$LAB_SRV_IP4
F=http://$S:$FPORT

declare -A sum
sum[zero.bin]=$(lab_file zero.bin 0)
sum[small.bin]=$(lab_file small.bin 3000)
sum[mib.bin]=$(lab_file mib.bin 1048576)
sum[rnd.bin]=$(lab_file rnd.bin $((RANDOM * 31 + 1)))

# expect_fail NAME PATTERN ARGS...: the fetch fails (exit 1), says PATTERN, writes nothing
expect_fail() {
	local name=$1 pat=$2 msg rc
	shift 2
	msg=$(fetch "$@" -o "$out/$name" 2>&1)
	rc=$?
	is "$rc" 1 "$name: refused (exit 1)"
	case $msg in *$pat*) pass "$name: says '$pat'" ;;
		*) fail "$name: says '$pat'"; diag "$msg" ;; esac
	if [ -e "$out/$name" ]; then fail "$name: nothing written"; else pass "$name: nothing written"; fi
}

# --- chunked through real nginx
te=$(lab_phone curl -s -D - -o /dev/null "http://$S/chunked/mib.bin" | tr -d '\r' | grep -i '^transfer-encoding')
is "$te" "Transfer-Encoding: chunked" "nginx answers /chunked/ with Transfer-Encoding: chunked"
ok "chunked downloads (1 MiB, random size, 0 B) in one call" \
	fetch "http://$S/chunked/mib.bin" -o "$out/c-mib" "http://$S/chunked/rnd.bin" -o "$out/c-rnd" \
	"http://$S/chunked/zero.bin" -o "$out/c-zero"
is "$(got "$out/c-mib")" "${sum[mib.bin]}" "chunked 1 MiB intact"
is "$(got "$out/c-rnd")" "${sum[rnd.bin]}" "chunked random size intact"
is "$(got "$out/c-zero")" "${sum[zero.bin]}" "chunked empty body intact"

# --- malformed responses
expect_fail bighead "response head too large" "$F/bighead/small.bin"
expect_fail manyheaders "response head too large" "$F/manyheaders/small.bin"
expect_fail badchunk "bad chunk framing" "$F/badchunk/small.bin"
expect_fail hugechunk "chunk size overflows" "$F/hugechunk/small.bin"

# --- nothing holds a transfer: a chunk-size line of endless "0" digits, a
# stream of 1xx heads, and a body that is mostly framing (chunk extensions:
# only body bytes count as progress). --deadline only keeps the unfixed
# client from hanging here; each must fail for its own reason long before it.
expect_fail zerochunk "chunk size overflows" --deadline 20 "$F/zerochunk/small.bin"
expect_fail interim "more than 8 interim (1xx) responses" --deadline 20 "$F/interim/small.bin"
expect_fail extchunk "transfer stalled (too little progress) (gave up after 1 reconnect)" \
	--idle-timeout 1 --http-retries 1 --deadline 20 "$F/extchunk/small.bin"
expect_fail clbig "invalid response framing" "$F/clbig/small.bin"
expect_fail clconflict "invalid response framing" "$F/clconflict/small.bin"
expect_fail notahttp "malformed response head" "$F/notahttp/small.bin"

ok "a body longer than Content-Length: the file is what Content-Length says" \
	fetch "$F/longbody/small.bin" -o "$out/longbody"
is "$(got "$out/longbody")" "${sum[small.bin]}" "longer body: exactly Content-Length bytes kept"

# --- stalls and trickles mid-body are resumed, then cut off after --http-retries
expect_fail stall "transfer stalled (too little progress) (gave up after 2 reconnects)" \
	--idle-timeout 1 --http-retries 2 "$F/stall/mib.bin"
is "$(grep -c 'GET /stall/mib.bin' "$FLOG")" 3 "stall: the first request and 2 reconnects"
expect_fail trickle "transfer stalled (too little progress) (gave up after 1 reconnect)" \
	--idle-timeout 1 --http-retries 1 "$F/trickle/small.bin"
expect_fail headstall "no response from the server in time" --first-byte-timeout 1 "$F/headstall/small.bin"
expect_fail deadline "deadline passed" --deadline 1.5 --idle-timeout 30 "$F/trickle/small.bin"
expect_fail refused "cannot connect" "http://$S:9/small.bin"
expect_fail synblackhole "connect timed out" --connect-timeout 1 "http://$S:$((FPORT + 1))/small.bin"

# --- the server closes a kept-alive connection: the next request reconnects
n0=$(wc -l < "$FLOG")
ok "two files from a server that closes after each response" \
	fetch "$F/closeafter/small.bin" -o "$out/ca1" "$F/closeafter/mib.bin" -o "$out/ca2"
is "$(got "$out/ca2")" "${sum[mib.bin]}" "second file (on a fresh connection) intact"
is "$(tail -n +$((n0 + 1)) "$FLOG" | grep -c closeafter)" 2 "each file asked exactly once"

# --- 503 + Retry-After
ok "503 with Retry-After: 1, then 200" fetch "$F/retry/small.bin" -o "$out/retry"
is "$(got "$out/retry")" "${sum[small.bin]}" "retried download intact"
is "$(grep -c 'GET /retry/small.bin' "$FLOG")" 2 "exactly one retry after the 503"
expect_fail retrylong "Retry-After 3600" --retry-after-max 5 "$F/retrylong/small.bin"

# --- a body cut mid-way: Range resume, or a clean restart on 200
json=$(fetch --json "$F/cut/mib.bin" -o "$out/cut" 2>&1)
is "$(got "$out/cut")" "${sum[mib.bin]}" "cut download resumed: result exact"
grep -q "GET /cut/mib.bin bytes=524288-" "$FLOG" && pass "the resume asked Range: bytes=524288-" ||
	{ fail "the resume asked Range: bytes=524288-"; diag "$(cat "$FLOG")"; }
case $json in *'"resumed_from": 524288'*) pass "the result says resumed from 524288" ;;
	*) fail "the result says resumed from 524288"; diag "$json" ;; esac
ok "a server that answers 200 to the Range restarts cleanly" fetch "$F/norange/mib.bin" -o "$out/norange"
is "$(got "$out/norange")" "${sum[mib.bin]}" "restarted download exact"

# --- a body that stops mid-way on an open connection: resumed like a cut one
json=$(fetch --json --idle-timeout 1 "$F/stallonce/mib.bin" -o "$out/stallonce" 2>&1)
is "$?" 0 "stalled download completes (exit 0)"
is "$(got "$out/stallonce")" "${sum[mib.bin]}" "stalled download resumed: result exact"
is "$(grep -c 'GET /stallonce/mib.bin' "$FLOG")" 2 "one reconnect after the stall"
grep -q "GET /stallonce/mib.bin bytes=524288- \"v1\"" "$FLOG" &&
	pass "the resume asked Range: bytes=524288- with If-Range: \"v1\"" ||
	{ fail "the resume asked Range: bytes=524288- with If-Range: \"v1\""; diag "$(cat "$FLOG")"; }
case $json in *'"resumed_from": 524288'*) pass "the result says resumed from 524288" ;;
	*) fail "the result says resumed from 524288"; diag "$json" ;; esac

done_testing
