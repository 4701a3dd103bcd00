#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The user-space TFTP client and its io_uring event loop on the Debian 6.1
# kernel (inside the VM): the loop's feature probing and fallbacks, then
# downloads with --fastpath off from tftpd-hpa and atftpd, plain and under
# netem loss, reordering and duplication (netem exists only in the guest).
#
#   rbs-ID (server)                          rbp-ID (phone)
#   in.tftpd :69, atftpd :1069  <-veth->  ringboot fetch --fastpath off
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

RB=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
# The suite loads these; a standalone run (tests/vm/run -- THIS) needs them too.
modprobe -a veth sch_netem 2>/dev/null
UT=$RINGBOOT_TOP/build/tests/unit/test_uring

# The event loop's own tests, on this kernel.
if [ -x "$UT" ]; then
	if CMOCKA_MESSAGE_OUTPUT=TAP "$UT" > /tmp/test_uring.out 2>&1; then
		pass "event loop unit tests pass on $(uname -r)"
	else
		fail "event loop unit tests pass on $(uname -r)"; diag "$(cat /tmp/test_uring.out)"
	fi
else
	fail "build/tests/unit/test_uring is built"
fi

lab_setup || bail "lab_setup failed"
lab_tftpd_hpa || bail "tftpd-hpa did not start"
lab_atftpd || bail "atftpd did not start"
out=$LAB_DIR/out
mkdir -p "$out"
declare -A sum
mk() { sum[$1]=$(lab_file "$1" "$2"); }
mk one 1
mk n1468 $((1468 * 37))
mk m2 $((2 * 1024 * 1024 + 77))
mk roll $((65536 * 512 + 99))

jget() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(eval("r"+sys.argv[2]))' "$out/json" "$1" 2>/dev/null; }

# fetch NAME BASE BOUND ARGS...: user path, exact bytes, within BOUND seconds.
fetch() {
	local name=$1 base=$2 bound=$3 desc rc
	shift 3
	desc="user path on $(uname -r): $name from $base ${*:-(defaults)}"
	rm -f "$out/$name"
	timeout "$bound" ip netns exec "$LAB_PHONE_NS" "$RB" --json fetch --fastpath off "$@" \
		"$base/$name" -o "$out/$name" > "$out/json" 2> "$out/err"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(sha256sum < "$out/$name" | cut -d' ' -f1)" = "${sum[$name]}" ] &&
		[ "$(jget '["path"]')" = user ]; then
		pass "$desc"
	else
		fail "$desc"; diag "exit $rc: $(cat "$out/err")"
	fi
}

hpa=tftp://$LAB_SRV_IP4
hpa6="tftp://[$LAB_SRV_IP6]"
atftp=tftp://$LAB_SRV_IP4:$LAB_ATFTPD_PORT

fetch one "$hpa" 30
fetch n1468 "$hpa6" 30
fetch m2 "$atftp" 60 --windowsize 16
fetch roll "$atftp" 300 --blksize 512 --windowsize 16

# Loss, reordering and duplication on both directions (netem).
ok "netem on the server's veth" lab_srv tc qdisc add dev "$LAB_SRV_IF" root netem loss 2% delay 1ms \
	reorder 5% 50% duplicate 1%
ok "netem on the phone's veth" lab_phone tc qdisc add dev "$LAB_PHONE_IF" root netem loss 2%
fetch m2 "$atftp" 120 --windowsize 16
d=$(jget '["retransmits"]')
[ "${d:-0}" -gt 0 ] && pass "netem: losses were repaired by retransmission ($d)" ||
	fail "netem: losses were repaired by retransmission"
fetch m2 "$hpa" 180
lab_srv tc qdisc del dev "$LAB_SRV_IF" root
lab_phone tc qdisc del dev "$LAB_PHONE_IF" root

done_testing
