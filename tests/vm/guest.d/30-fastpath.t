#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel TFTP fast path against real servers, inside the VM (ringboot.ko
# loaded by tests/vm/guest-suite):
#
#   rbs-ID (server)                          rbp-ID (phone)
#   in.tftpd :69 (v4, v6), atftpd :1069  <-veth->  ringboot fetch --fastpath=on
#
# Every download is compared by SHA-256 with the served file and must report
# "path": "kernel". Loss, reordering, a silent server and teardown are in
# 31-fastpath-netem.t.
: "${RINGBOOT_TOP:=$(cd "$(dirname "$0")/../../.." && pwd)}"
export RINGBOOT_TOP
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

RB=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
[ -c /dev/ringboot ] || bail "ringboot.ko is not loaded"

lab_setup || bail "lab_setup failed"
lab_tftpd_hpa || bail "tftpd-hpa did not start"
lab_atftpd || bail "atftpd did not start"

out=$LAB_DIR/out
mkdir -p "$out"
declare -A sum
mk() { sum[$1]=$(lab_file "$1" "$2"); }
mk zero 0
mk one 1
mk b512 512
mk n512 $((512 * 37))
mk b1468 1468
mk n1468 $((1468 * 37))
mk m4 $((4 * 1024 * 1024))
mk k256 $((256 * 1024))
mk roll $((65536 * 512 + 512 + 7))	# past block 65535 at blksize 512

jget() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(eval("r"+sys.argv[2]))' "$out/json" "$1" 2>/dev/null; }

# fetch NAME URL-BASE BOUND-SECONDS ARGS...: kernel path, bytes identical, in time.
fetch() {
	local name=$1 base=$2 bound=$3 desc rc
	shift 3
	desc="kernel path: $name from $base ${*:-(defaults)}"
	rm -f "$out/$name"
	timeout "$bound" ip netns exec "$LAB_PHONE_NS" "$RB" --json fetch --fastpath on "$@" \
		"$base/$name" -o "$out/$name" > "$out/json" 2> "$out/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$desc (exit $rc, bound ${bound}s)"
		diag "$(tail -3 "$out/err")"
		return 1
	fi
	if [ "$(sha256sum < "$out/$name" | cut -d' ' -f1)" != "${sum[$name]}" ]; then
		fail "$desc: bytes differ"
		return 1
	fi
	is "$(jget '["path"]')" kernel "$desc"
}

hpa=tftp://$LAB_SRV_IP4
hpa6="tftp://[$LAB_SRV_IP6]"
atftp=tftp://$LAB_SRV_IP4:$LAB_ATFTPD_PORT

# Sizes x servers; tftpd-hpa with options negotiated and with options ignored.
for f in zero one b1468 n1468 k256; do
	fetch $f "$hpa" 120
done
for f in one n1468; do
	fetch $f "$hpa6" 120
done
# Without options a file shorter than one block ends in user space (DATA 1 is
# the last); from DATA 2 on the module takes over.
for f in b512 n512; do
	fetch $f "$hpa" 120 --no-options
done
fetch n512 "$hpa6" 120 --no-options
fetch one "$atftp" 120 --windowsize 16
for w in 16 64; do
	fetch n1468 "$atftp" 120 --windowsize $w
	fetch m4 "$atftp" 180 --windowsize $w
done
fetch roll "$atftp" 400 --blksize 512 --windowsize 64
is "$(jget '["options"]["windowsize"]')" 64 "atftpd granted windowsize 64 for the rollover file"

# Same bytes as the user-space client, same file, same server.
timeout 180 ip netns exec "$LAB_PHONE_NS" "$RB" fetch --fastpath off "$atftp/m4" \
	-o "$out/m4.user" --windowsize 16 2> "$out/err"
cmp -s "$out/m4.user" "$out/m4" && pass "kernel and user-space paths give identical bytes" ||
	fail "kernel and user-space paths give identical bytes"

done_testing
