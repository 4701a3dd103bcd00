#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot fetch tftp://` against the three real TFTP servers of the lab:
# tftpd-hpa (IPv4 and IPv6), atftpd (RFC 7440 windowsize) and dnsmasq (grants
# blksize and tsize only). Files of 0 and 1 bytes, exactly one block, exactly
# N blocks, a random size, and one larger than 65535 blocks at blksize 512
# (block-number rollover); lock-step and windowed; each compared by SHA-256.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

lab_setup || bail "lab_setup failed"
lab_tftpd_hpa || bail "tftpd-hpa did not start"
lab_atftpd || bail "atftpd did not start"
lab_dnsmasq || bail "dnsmasq did not start"

out=$LAB_DIR/out
mkdir -p "$out"
declare -A sum
mk() { sum[$1]=$(lab_file "$1" "$2"); }
mk zero 0
mk one 1
mk b512 512
mk b1468 1468
mk n512 $((512 * 37))
mk n1468 $((1468 * 37))
mk rand $((100000 + RANDOM * 17 + RANDOM % 1000))
mk roll $((65536 * 512 + 12345))	# > 65535 blocks at blksize 512

# fetch NAME URL-BASE ARGS...: download NAME, check exit, hash and no leftovers.
fetch() {
	local name=$1 base=$2 desc
	shift 2
	desc="$name from $base ${*:-(defaults)}"
	rm -f "$out/$name"
	if ! lab_phone "$RINGBOOT_BIN" --json fetch "$@" "$base/$name" -o "$out/$name" \
		> "$out/json" 2> "$out/err"; then
		fail "$desc"
		diag "$(cat "$out/err")"
		return
	fi
	is "$(sha256sum < "$out/$name" | cut -d' ' -f1)" "${sum[$name]}" "$desc"
	if ls "$out"/"$name".tmp.* >/dev/null 2>&1; then
		fail "$desc leaves a temporary file"
	fi
}

# jget KEY: a field of the last --json result (first array element).
jget() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(eval("r"+sys.argv[2]))' "$out/json" "$1"; }

hpa=tftp://$LAB_SRV_IP4
hpa6="tftp://[$LAB_SRV_IP6]"
atftp=tftp://$LAB_SRV_IP4:$LAB_ATFTPD_PORT
dnsm=tftp://$LAB_DNSMASQ_IP4

for base in "$hpa" "$hpa6" "$atftp" "$dnsm"; do
	for f in zero one b1468 n1468 rand; do
		fetch $f "$base"
	done
	for f in b512 n512; do
		fetch $f "$base" --no-options
	done
	fetch roll "$base" --blksize 512 --windowsize 1
done

# The defaults on Ethernet: blksize 1468 (IPv4) and 1448 (IPv6), tsize asked.
fetch rand "$hpa"
is "$(jget '["options"]["blksize"]')" 1468 "IPv4 default blksize fits a 1500-byte MTU"
is "$(jget '["options"]["tsize"]')" "$(stat -c %s "$LAB_WWW/rand")" "tsize negotiated with tftpd-hpa"
fetch rand "$hpa6"
is "$(jget '["options"]["blksize"]')" 1448 "IPv6 default blksize fits a 1500-byte MTU"
is "$(jget '["server"]')" "[$LAB_SRV_IP6]:69" "IPv6 server address reported"

# A server that ignores options (none asked): 512-byte lock-step, no OACK.
fetch rand "$hpa" --no-options
is "$(jget '["options"]["oack"]')" no "--no-options: no OACK, RFC 1350 lock-step"
is "$(jget '["options"]["blksize"]')" 512 "--no-options: 512-byte blocks"

# Windowed (RFC 7440) against atftpd.
fetch rand "$atftp" --windowsize 16
is "$(jget '["options"]["windowsize"]')" 16 "atftpd grants windowsize 16"
fetch roll "$atftp" --blksize 512 --windowsize 16
is "$(jget '["options"]["windowsize"]')" 16 "windowed rollover past 65535 blocks"
fetch n1468 "$atftp" --windowsize 64 --blksize 1468

# dnsmasq grants blksize and tsize, not windowsize: lock-step at the big blksize.
fetch rand "$dnsm" --windowsize 16
is "$(jget '["options"]["windowsize"]')" 1 "dnsmasq does not grant windowsize: lock-step"
is "$(jget '["options"]["blksize"]')" 1468 "dnsmasq grants blksize"

# blksize 8192 x windowsize 64: the receive buffer is sized for it, so not a
# single timeout (an undersized buffer drops most of each window).
mk big8k $((16 * 1024 * 1024))
fetch big8k "$atftp" --blksize 8192 --windowsize 64
is "$(jget '["options"]["windowsize"]')" 64 "windowsize 64 at blksize 8192 granted"
is "$(jget '["timeouts"]')" 0 "blksize 8192 x windowsize 64: no timeout"

# Failures: a missing file is the server's ERROR 1, exit status 1, nothing left.
rm -f "$out/missing"
lab_phone "$RINGBOOT_BIN" fetch "$hpa/no-such-file" -o "$out/missing" 2> "$out/err"
is "$?" 1 "missing file: exit status 1"
grep -q "server error 1" "$out/err" || { fail "missing file: reason names TFTP error 1"; diag "$(cat "$out/err")"; }
[ -e "$out/missing" ] && fail "missing file: no destination file" || pass "missing file: no destination file"
echo keep > "$out/kept"
lab_phone "$RINGBOOT_BIN" fetch "$hpa/no-such-file" -o "$out/kept" 2>/dev/null
is "$(cat "$out/kept")" keep "a failed download leaves an existing destination untouched"

# --max-size below tsize: refused before any data with ERROR 3.
lab_phone "$RINGBOOT_BIN" fetch --max-size 1000 "$hpa/rand" -o "$out/small" 2> "$out/err"
is "$?" 1 "--max-size below the file: exit status 1"
grep -qi "too large\|larger" "$out/err" && pass "--max-size: reason says too large" || { fail "--max-size: reason"; diag "$(cat "$out/err")"; }

# Without tsize (--no-options) the limit is hit mid-transfer: ERROR 3, exit 1.
lab_phone "$RINGBOOT_BIN" fetch --no-options --max-size 5000 "$hpa/rand" -o "$out/small" 2> "$out/err"
is "$?" 1 "--max-size reached mid-transfer: exit status 1"
grep -q "larger than the destination allows" "$out/err" && pass "--max-size mid-transfer: reason" ||
	{ fail "--max-size mid-transfer: reason"; diag "$(cat "$out/err")"; }
[ -e "$out/small" ] && fail "--max-size: no destination file" || pass "--max-size: no destination file"

# The event loop's fallbacks (no multishot receive, no buffer ring, no quiet
# sends, plain io_uring setup): what an older kernel gets, same bytes.
export RINGBOOT_URING_FALLBACK=1
fetch roll "$atftp" --blksize 512 --windowsize 16
fetch rand "$hpa" --windowsize 1
fetch rand "$hpa6"
unset RINGBOOT_URING_FALLBACK

# Several URLs in one run, --json array with one object each.
lab_phone "$RINGBOOT_BIN" --json fetch "$hpa/one" -o "$out/m1" "$atftp/rand" -o "$out/m2" > "$out/json"
is "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out/json")" 2 "two URLs, two JSON objects"

# Not a terminal: a successful fetch prints nothing at all.
lab_phone "$RINGBOOT_BIN" fetch "$hpa/rand" -o "$out/quiet" > "$out/stdout" 2> "$out/err"
[ ! -s "$out/stdout" ] && [ ! -s "$out/err" ] && pass "no terminal: a successful fetch prints nothing" ||
	{ fail "no terminal: a successful fetch prints nothing"; diag "$(cat "$out/stdout" "$out/err")"; }

# On a terminal, a download that lasts past a second shows a progress line.
mk slow $((3 * 1024 * 1024))
lab_limit 10mbit
lab_phone script -qec "$RINGBOOT_BIN fetch --windowsize 16 $atftp/slow -o $out/slow" /dev/null > "$out/tty"
is "$(sha256sum < "$out/slow" | cut -d' ' -f1)" "${sum[slow]}" "slow download on a terminal completes"
grep -q "slow: .*MiB / 3.0 MiB" "$out/tty" && pass "a terminal shows a progress line" ||
	{ fail "a terminal shows a progress line"; diag "$(tr '\r' '\n' < "$out/tty" | tail -3)"; }

done_testing
