#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot fetch tftp://` against a fault-injecting TFTP server
# (tests/lab/tftp_faulty.py): drops, duplicates, reordering, delays, a stray
# TID, oversize and truncated packets, ERROR mid-transfer, a lying tsize, a
# missing final block, silence, and options we did not ask for. Each transfer
# either completes with the exact bytes or fails with a clear one-line reason;
# the destination is then untouched; nothing runs past its time bound.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

lab_setup || bail "lab_setup failed"
port=1169
out=$LAB_DIR/out
mkdir -p "$out"
sum=$(lab_file data.bin $((1468 * 40 + 321)))
sum512=$(sha256sum < "$LAB_WWW/data.bin" | cut -d' ' -f1)

# run FAULT ARGS...: one fetch (bounded by `timeout 40`) into $out/dst, which
# holds "keep" beforehand; sets rc and leaves stderr in $out/err.
run() {
	local fault=$1
	shift
	lab_tftp_faulty $port "$fault" || bail "faulty server did not start"
	echo keep > "$out/dst"
	timeout 40 ip netns exec "$LAB_PHONE_NS" "$RINGBOOT_BIN" --json fetch --timeout 1 \
		"$@" "tftp://$LAB_SRV_IP4:$port/data.bin" -o "$out/dst" > "$out/json" 2> "$out/err"
	rc=$?
}

jget() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(eval("r"+sys.argv[2]))' "$out/json" "$1"; }

expect_ok() { # FAULT DESC ARGS...
	local fault=$1 desc=$2
	shift 2
	run "$fault" "$@"
	if [ $rc -eq 0 ] && [ "$(sha256sum < "$out/dst" | cut -d' ' -f1)" = "$sum" ]; then
		pass "$fault: $desc"
	else
		fail "$fault: $desc"
		diag "exit $rc: $(cat "$out/err")" "$(tail -5 "$LAB_DIR/server.log")"
	fi
}

expect_fail() { # FAULT PATTERN DESC ARGS...
	local fault=$1 pat=$2 desc=$3
	shift 3
	run "$fault" "$@"
	if [ $rc -eq 1 ] && grep -qiE "$pat" "$out/err" && [ "$(cat "$out/dst")" = keep ] &&
		! ls "$out"/dst.tmp.* >/dev/null 2>&1 && [ "$(wc -l < "$out/err")" -eq 1 ]; then
		pass "$fault: $desc"
	else
		fail "$fault: $desc"
		diag "exit $rc (want 1), stderr: $(cat "$out/err")" "dst: $(head -c 20 "$out/dst")"
	fi
}

# --- faults a correct client survives with the exact bytes
expect_ok none "a well-behaved server, windowed" --windowsize 8
expect_ok drop:5 "a dropped block in a window is resent after an immediate gap ACK" --windowsize 8
is "$(jget '["timeouts"]')" 0 "drop:5 windowed: recovered by the gap ACK, without a timeout"
expect_ok drop:5 "a dropped block in lock-step is recovered by retransmission" --windowsize 1
expect_ok dup:3 "a duplicated block is dropped" --windowsize 8
is "$(jget '["duplicates"]')" 1 "dup:3: one duplicate counted"
expect_ok dup:3 "a duplicated block in lock-step is dropped" --windowsize 1
expect_ok reorder:4 "two swapped blocks" --windowsize 8
expect_ok delay:3:400 "a block delayed 400 ms" --windowsize 4
expect_ok wrongport:3 "DATA from a stray port does not disturb the transfer" --windowsize 4
if grep -q "stray port got ERROR 5" "$LAB_DIR/server.log" && ! grep -q "client sent ERROR" "$LAB_DIR/server.log"; then
	pass "wrongport:3: ERROR 5 went to the stray port, not to the server's TID"
else
	fail "wrongport:3: ERROR 5 went to the stray port, not to the server's TID"; diag "$(cat "$LAB_DIR/server.log")"
fi
expect_ok truncated:3 "a truncated packet is ignored" --windowsize 4
expect_ok dup-oack "a repeated OACK" --windowsize 4
run no-oack --windowsize 8
if [ $rc -eq 0 ] && [ "$(sha256sum < "$out/dst" | cut -d' ' -f1)" = "$sum512" ] &&
	[ "$(jget '["options"]["blksize"]')" = 512 ]; then
	pass "no-oack: a server ignoring options gets 512-byte lock-step (RFC 2347)"
else
	fail "no-oack: fallback to 512-byte lock-step"; diag "$(cat "$out/err")"
fi

# Block numbers past 65535 (blksize 8 keeps the file small): to 0 and to 1.
sum=$(lab_file data.bin $((65536 * 8 + 3 * 8 + 5)))
expect_ok none "rollover to block 0 after 65535" --blksize 8 --windowsize 16
expect_ok rollover1 "rollover to block 1 after 65535" --blksize 8 --windowsize 16
expect_ok rollover1 "rollover to block 1 after 65535, lock-step" --blksize 8 --windowsize 1
# Block 65536 lost mid-window (windowsize 10): a naive client takes the next one for it.
expect_ok drop:65536 "block 0 lost mid-window at the rollover: the 1 after it is not taken for it" --blksize 8 --windowsize 10
expect_ok rollover1,drop:65536 "the first block after 65535 lost mid-window (rollover to 1)" --blksize 8 --windowsize 10
sum=$(lab_file data.bin $((1468 * 40 + 321)))

# --- faults that must fail cleanly, leaving the destination untouched
expect_fail error:3 "server error 2: Access violation" "ERROR mid-transfer is reported with code and message"
expect_fail oversize:3 "larger than" "an oversize DATA aborts the transfer"
expect_fail tsize-lie "size mismatch" "fewer bytes than tsize announced"
expect_fail short-tsize "more bytes than the tsize" "more bytes than tsize announced"
expect_fail tsize-zero "more bytes than the tsize" "a tsize of 0 announced is a size like any other"
expect_fail no-final "went silent" "a missing final block fails after the retries" --retries 2
expect_fail silent "no answer" "a silent server fails after the retries" --retries 2
expect_fail grant-unasked "not asked" "an OACK granting an option not asked is refused"
grep -q "client sent ERROR 8" "$LAB_DIR/server.log" && pass "grant-unasked: the client answered ERROR 8" ||
	{ fail "grant-unasked: the client answered ERROR 8"; diag "$(cat "$LAB_DIR/server.log")"; }
expect_fail grant-bigger "granted blksize" "an OACK granting a larger blksize is refused"
grep -q "client sent ERROR 8" "$LAB_DIR/server.log" && pass "grant-bigger: the client answered ERROR 8" ||
	{ fail "grant-bigger: the client answered ERROR 8"; diag "$(cat "$out/err")"; }
start=$(date +%s)
expect_fail delay:2:5000 "deadline of 1 s exceeded" "--deadline bounds the whole transfer" --deadline 1
[ $(($(date +%s) - start)) -lt 5 ] && pass "--deadline: ended before the delayed block came" ||
	fail "--deadline: ended before the delayed block came"

done_testing
