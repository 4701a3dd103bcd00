#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A download from real nginx, interrupted by killing nginx mid-body and
# starting it again: ringboot reconnects and continues with Range + If-Range
# (nginx answers 206), and the file is exact. Over HTTP and HTTPS.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 11

# 8 MiB at 2 MiB/s: about 4 s; the kill comes once 1 MiB is on disk.
LAB_NGINX_EXTRA='location /slow/ { limit_rate 2m; }'
lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx did not start"
mkdir -p "$LAB_WWW/slow" "$LAB_DIR/out"
chmod 755 "$LAB_WWW/slow"
sum=$(lab_file slow/big.bin 8388608)
got() { sha256sum < "$1" | cut -d' ' -f1; }

nginx_pids() {
	for p in $(ip netns pids "$LAB_SRV_NS"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = nginx ] && echo "$p"
	done
}

# kill_restart: SIGKILL every nginx process, then start the same configuration again.
kill_restart() {
	local p
	for p in $(nginx_pids); do kill -9 "$p"; done
	for _ in $(seq 1 50); do [ -z "$(nginx_pids)" ] && break; sleep 0.05; done
	rm -f "$LAB_DIR/nginx/nginx.pid"
	_lab_spawn nginx2 nginx -c "$LAB_NGINX_CONF" -e "$LAB_DIR/nginx/error.log"
	_lab_wait tcp "$LAB_HTTP_PORT" && _lab_wait tcp "$LAB_HTTPS_PORT"
}

# wait_body NAME: until at least 1 MiB of NAME's download is on disk (the
# temporary beside it), so the kill lands mid-body however loaded the machine is.
wait_body() {
	local size
	for _ in $(seq 1 400); do
		size=$(stat -c %s "$LAB_DIR/out/$1".tmp.* 2>/dev/null | head -n 1)
		[ "${size:-0}" -ge 1048576 ] && return 0
		sleep 0.05
	done
	diag "no progress on $1"
}

# run URL NAME: fetch in the background, kill nginx mid-body, restart it.
run() {
	local url=$1 name=$2 pid
	lab_phone "$RINGBOOT_BIN" fetch --json --ca "$LAB_CA" "$url" -o "$LAB_DIR/out/$name" \
		> "$LAB_DIR/$name.json" 2> "$LAB_DIR/$name.err" &
	pid=$!
	wait_body "$name"
	kill_restart 2>/dev/null || diag "nginx did not restart"
	wait $pid
}

n0=$(wc -l < "$LAB_NGINX_LOG")
run "http://$LAB_SRV_IP4/slow/big.bin" http
is "$?" 0 "HTTP: the interrupted download completes"
is "$(got "$LAB_DIR/out/http")" "$sum" "HTTP: the resumed file is exact"
grep -q '"resumes": 1' "$LAB_DIR/http.json" && pass "HTTP: resumed once (result)" ||
	{ fail "HTTP: resumed once (result)"; diag "$(cat "$LAB_DIR/http.json" "$LAB_DIR/http.err")"; }
line=$(tail -n +$((n0 + 1)) "$LAB_NGINX_LOG" | grep 'bytes=' | head -n 1)
case $line in *'"GET /slow/big.bin HTTP/1.1" 206 '*'"bytes='[0-9]*'-"'*) pass "HTTP: nginx served a 206 to Range: bytes=N-" ;;
	*) fail "HTTP: nginx served a 206 to Range: bytes=N-"; diag "$(tail -n 5 "$LAB_NGINX_LOG")" ;; esac
from=$(sed -n 's/.*"resumed_from": \([0-9]*\).*/\1/p' "$LAB_DIR/http.json")
[ -n "$from" ] && [ "$from" -gt 0 ] && [ "$from" -lt 8388608 ] && pass "HTTP: resumed mid-file (at $from)" ||
	fail "HTTP: resumed mid-file (at '$from')"

n0=$(wc -l < "$LAB_NGINX_LOG")
run "https://$LAB_SRV_IP4/slow/big.bin" https
is "$?" 0 "HTTPS: the interrupted download completes"
is "$(got "$LAB_DIR/out/https")" "$sum" "HTTPS: the resumed file is exact"
grep -q '"resumes": 1' "$LAB_DIR/https.json" && pass "HTTPS: resumed once (result)" ||
	{ fail "HTTPS: resumed once (result)"; diag "$(cat "$LAB_DIR/https.json" "$LAB_DIR/https.err")"; }
line=$(tail -n +$((n0 + 1)) "$LAB_NGINX_LOG" | grep 'bytes=' | head -n 1)
case $line in *'"GET /slow/big.bin HTTP/1.1" 206 '*' https'*) pass "HTTPS: nginx served a 206 to the Range request" ;;
	*) fail "HTTPS: nginx served a 206 to the Range request"; diag "$(tail -n 5 "$LAB_NGINX_LOG")" ;; esac
# If-Range: the file changes while nginx is down; the Range request must then
# get the whole new file (200), never a splice of old and new.
n0=$(wc -l < "$LAB_NGINX_LOG")
lab_phone "$RINGBOOT_BIN" fetch --json "http://$LAB_SRV_IP4/slow/big.bin" -o "$LAB_DIR/out/changed" \
	> "$LAB_DIR/changed.json" 2> "$LAB_DIR/changed.err" &
pid=$!
wait_body changed
for p in $(nginx_pids); do kill -9 "$p"; done
sleep 0.2
new=$(lab_file slow/big.bin 8388608)
touch -d '+1 minute' "$LAB_WWW/slow/big.bin"
kill_restart 2>/dev/null || diag "nginx did not restart"
wait $pid
is "$(got "$LAB_DIR/out/changed")" "$new" "If-Range: a file changed meanwhile is fetched whole and new"
line=$(tail -n +$((n0 + 1)) "$LAB_NGINX_LOG" | grep 'bytes=' | head -n 1)
case $line in *'"GET /slow/big.bin HTTP/1.1" 200 8388608 "bytes='*) pass "If-Range: nginx answered the Range request with 200 (validator mismatch)" ;;
	*) fail "If-Range: nginx answered the Range request with 200 (validator mismatch)"; diag "$(tail -n 5 "$LAB_NGINX_LOG")" ;; esac

done_testing
