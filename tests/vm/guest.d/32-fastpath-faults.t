#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel fast path against tests/lab/tftp_faulty.py, inside the VM, for
# what the Debian servers do not do by default:
#
#  - a tsize that is not the size of the file sent (fewer bytes, more bytes,
#    an announced 0), a DATA larger than the blksize. Both paths must refuse
#    it the same way: same exit status, same one-line message, the
#    destination untouched.
#  - block numbers that roll over past 65535 to 1 instead of 0. tftpd-hpa
#    does that only when the client asks its nonstandard "rollover" option,
#    which ringboot never sends; atftpd and tftpd-hpa roll over to 0
#    (30-fastpath.t). A whole transfer rolling over to 1 ends with the exact
#    bytes (the other rollover cases are selftests, see below).
: "${RINGBOOT_TOP:=$(cd "$(dirname "$0")/../../.." && pwd)}"
export RINGBOOT_TOP
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

RB=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
[ -c /dev/ringboot ] || bail "ringboot.ko is not loaded"

lab_setup || bail "lab_setup failed"
port=1169
out=$LAB_DIR/out
mkdir -p "$out"

jget() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(eval("r"+sys.argv[2]))' "$out/json" "$1" 2>/dev/null; }

# fetch PATH BOUND FAULT ARGS...: one download with --fastpath PATH into
# $out/dst (which holds "keep" beforehand); sets rc, stderr in $out/err.$PATH.
fetch() {
	local path=$1 bound=$2 fault=$3
	shift 3
	lab_tftp_faulty $port "$fault" || bail "faulty server did not start"
	echo keep > "$out/dst"
	timeout "$bound" ip netns exec "$LAB_PHONE_NS" "$RB" --json fetch --fastpath "$path" \
		--timeout 1 "$@" "tftp://$LAB_SRV_IP4:$port/data.bin" -o "$out/dst" \
		> "$out/json" 2> "$out/err.$path"
	rc=$?
}

# same_refusal FAULT DESC ARGS...: the user-space path refuses with exit 1 and
# one line; the kernel path (it did carry the transfer) says exactly the same.
same_refusal() {
	local fault=$1 desc=$2 urc kpath
	shift 2
	fetch off 60 "$fault" "$@"
	urc=$rc
	fetch on 60 "$fault" "$@"
	kpath=$(jget '["path"]')
	if [ "$urc" -eq 1 ] && [ "$rc" -eq 1 ] && [ "$kpath" = kernel ] &&
		[ "$(wc -l < "$out/err.off")" -eq 1 ] && cmp -s "$out/err.off" "$out/err.on" &&
		[ "$(cat "$out/dst")" = keep ] && ! ls "$out"/dst.tmp.* > /dev/null 2>&1; then
		pass "$fault: $desc: kernel path refuses as user space does ($(cat "$out/err.on"))"
	else
		fail "$fault: $desc: kernel path refuses as user space does"
		diag "user: exit $urc: $(cat "$out/err.off")" \
			"kernel (path ${kpath:-?}): exit $rc: $(cat "$out/err.on")" \
			"dst: $(head -c 20 "$out/dst")"
	fi
}

# kernel_ok FAULT BOUND DESC ARGS...: the kernel path delivers the exact bytes.
kernel_ok() {
	local fault=$1 bound=$2 desc=$3
	shift 3
	fetch on "$bound" "$fault" "$@"
	if [ $rc -eq 0 ] && [ "$(jget '["path"]')" = kernel ] &&
		[ "$(sha256sum < "$out/dst" | cut -d' ' -f1)" = "$sum" ]; then
		pass "$fault: $desc ($(jget '["timeouts"]') timeouts)"
	else
		fail "$fault: $desc"
		diag "exit $rc, path $(jget '["path"]'): $(cat "$out/err.on")" \
			"$(tail -3 "$LAB_DIR/server.log")"
	fi
}

# RFC 2349: the file must have the size the server announced.
sum=$(lab_file data.bin $((1468 * 40 + 321)))
same_refusal tsize-lie "fewer bytes than the tsize announced" --windowsize 8
same_refusal tsize-lie "fewer bytes than the tsize announced, lock-step" --windowsize 1
same_refusal short-tsize "more bytes than the tsize announced" --windowsize 8
same_refusal tsize-zero "a tsize of 0 announced and a file sent" --windowsize 8
# RFC 2348: nothing longer than the negotiated blksize.
same_refusal oversize:3 "a DATA larger than the blksize" --windowsize 8
same_refusal oversize:3 "a DATA larger than the blksize, lock-step" --windowsize 1

# Block numbers past 65535 rolling over to 1 (blksize 8 keeps the file small),
# end to end through a real socket. One transfer: each one is 65 540 DATA
# packets from a Python server under TCG (about 1.5 minutes). Rollover to 0 end
# to end is 30-fastpath.t's 32 MiB atftpd transfer; lock-step, and the first
# block after 65535 lost mid-window for both rules, are selftests
# (fastpath_data: rollover_to_*), which start at block 65500.
sum=$(lab_file data.bin $((65536 * 8 + 3 * 8 + 5)))
kernel_ok rollover1 400 "rollover to block 1 after 65535" --blksize 8 --windowsize 16

done_testing
