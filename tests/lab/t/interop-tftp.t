#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot fetch tftp://` against a TFTP server other than tftpd-hpa, atftpd
# and dnsmasq: Erlang/OTP's tftp application (tests/lab/interop.sh), which
# implements RFC 1350 with the blksize, tsize and timeout options (RFC 2347,
# 2348, 2349) but not windowsize (RFC 7440). Files of 0 and 1 bytes, exactly one
# and N blocks, over 1 MiB, and past 65535 blocks at blksize 512 (rollover);
# IPv4 and IPv6; with and without options; each by SHA-256; what the server
# granted; a missing file.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/interop.sh"

lab_setup || bail "lab_setup failed"
lab_erl_tftpd || bail "Erlang tftp did not start"

out=$LAB_DIR/out
mkdir -p "$out"
declare -A sum
mk() { sum[$1]=$(lab_file "$1" "$2"); }
mk zero 0
mk one 1
mk b512 512
mk b1468 1468
mk n1468 $((1468 * 37))
mk big $((1048576 + 1 + RANDOM * 7))
mk roll $((65536 * 512 + 12345))

# fetch NAME BASE ARGS...: download NAME, check exit and hash.
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
}
jget() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(eval("r"+sys.argv[2]))' "$out/json" "$1"; }

t4=tftp://$LAB_SRV_IP4:$LAB_ERL_TFTP_PORT
t6="tftp://[$LAB_SRV_IP6]:$LAB_ERL_TFTP_PORT"
for base in "$t4" "$t6"; do
	for f in zero one b1468 n1468 big; do
		fetch $f "$base"
	done
	for f in zero b512 big; do
		fetch $f "$base" --no-options
	done
done
fetch roll "$t4" --blksize 512

# What Erlang's tftp grants: blksize and tsize yes, windowsize no (lock-step).
fetch big "$t4"
is "$(jget '["options"]["oack"]')/$(jget '["options"]["blksize"]')" yes/1468 "IPv4: OACK with blksize 1468"
is "$(jget '["options"]["tsize"]')" "$(stat -c %s "$LAB_WWW/big")" "tsize negotiated"
is "$(jget '["options"]["windowsize"]')" 1 "windowsize not granted: lock-step"
fetch big "$t6"
is "$(jget '["options"]["blksize"]')" 1448 "IPv6: blksize 1448"
fetch big "$t4" --blksize 8192
is "$(jget '["options"]["blksize"]')" 8192 "blksize 8192 granted"
fetch zero "$t4"
is "$(jget '["options"]["tsize"]')" 0 "a 0-byte file: tsize 0"
fetch b512 "$t4" --no-options
is "$(jget '["options"]["oack"]')/$(jget '["options"]["blksize"]')" no/512 "--no-options: no OACK, 512-byte blocks"

# A missing file: the server's ERROR, exit 1, nothing written.
rm -f "$out/missing"
lab_phone "$RINGBOOT_BIN" fetch "$t4/no-such-file" -o "$out/missing" 2> "$out/err"
rc=$?
if [ $rc = 1 ] && grep -q "server error 1" "$out/err" && [ ! -e "$out/missing" ]; then
	pass "missing file: exit 1, TFTP error 1 named, nothing written"
else
	fail "missing file: exit 1, TFTP error 1 named, nothing written"
	diag "exit $rc: $(cat "$out/err")"
fi

done_testing
