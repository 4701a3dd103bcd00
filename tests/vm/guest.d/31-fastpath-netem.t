#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel TFTP fast path under loss, reordering and duplication (netem), a silent
# server, and teardown under load, inside the VM (ringboot.ko loaded by
# tests/vm/guest-suite):
#
#   rbs-ID (server)                          rbp-ID (phone)
#   in.tftpd :69 (v4, v6), atftpd :1069  <-veth->  ringboot fetch --fastpath=on
#
# Every download is compared by SHA-256 with the served file, must report
# "path": "kernel" and end within its stated bound. Teardown: kill
# mid-transfer, veth deleted mid-transfer, rmmod refused while a session is
# open and allowed once they are gone while packets still flow, the
# namespaces dismantled afterwards.
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
mk m4 $((4 * 1024 * 1024))
mk k256 $((256 * 1024))

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
atftp=tftp://$LAB_SRV_IP4:$LAB_ATFTPD_PORT

# netem on both veth ends.
netem() {
	lab_srv tc qdisc replace dev "$LAB_SRV_IF" root netem "$@"
	lab_phone tc qdisc replace dev "$LAB_PHONE_IF" root netem "$@"
}
netem_off() {
	lab_srv tc qdisc del dev "$LAB_SRV_IF" root 2>/dev/null
	lab_phone tc qdisc del dev "$LAB_PHONE_IF" root 2>/dev/null
}

if netem loss 1%; then
	fetch m4 "$atftp" 240 --windowsize 16 --timeout 1 --retries 10
	netem loss 5%
	fetch m4 "$atftp" 240 --windowsize 16 --timeout 1 --retries 10
	# Reordering and duplication of the DATA with loss both ways.
	lab_srv tc qdisc replace dev "$LAB_SRV_IF" root netem loss 2% delay 1ms reorder 5% 50% \
		duplicate 1%
	lab_phone tc qdisc replace dev "$LAB_PHONE_IF" root netem loss 2%
	fetch m4 "$atftp" 240 --windowsize 16 --timeout 1 --retries 10
	# Heavy reordering: jittered delay reorders most windows, a quarter of
	# the DATA jumps the queue, one in twenty arrives twice.
	netem_off
	lab_srv tc qdisc replace dev "$LAB_SRV_IF" root netem delay 1ms 1ms reorder 25% 50% \
		duplicate 5%
	fetch m4 "$atftp" 240 --windowsize 16 --timeout 1 --retries 10
	netem loss 20%
	fetch k256 "$atftp" 180 --windowsize 16 --timeout 1 --retries 12
	netem_off
else
	fail "netem available in the guest (sch_netem)"
fi

# A server that goes silent mid-transfer: a clean timeout error, bounded.
# The server side is slowed to 4 Mbit/s (the 4 MiB file needs about 8 s) so
# the cut lands mid-transfer however fast the machine running the guest is.
lab_limit 20mbit
lab_srv tc qdisc replace dev "$LAB_SRV_IF" root netem rate 4mbit
start=$(date +%s)
ip netns exec "$LAB_PHONE_NS" "$RB" fetch --fastpath on --retries 3 --timeout 1 "$hpa/m4" \
	-o "$out/silent" 2> "$out/err" &
fpid=$!
sleep 1
kill -0 $fpid 2>/dev/null || diag "silent server: the transfer ended before the cut"
lab_srv tc qdisc replace dev "$LAB_SRV_IF" root netem loss 100%
wait $fpid
rc=$?
took=$(( $(date +%s) - start ))
is "$rc" 1 "silent server: exit status 1"
[ "$took" -le 30 ] && pass "silent server: ended within 30 s (took ${took}s)" ||
	fail "silent server: ended within 30 s (took ${took}s)"
grep -qi "time\|silent" "$out/err" && pass "silent server: reason names the timeout" ||
	{ fail "silent server: reason names the timeout"; diag "$(cat "$out/err")"; }
[ -e "$out/silent" ] && fail "silent server: no partial file" || pass "silent server: no partial file"
netem_off

# Teardown under load. 1: rmmod is refused while a session is open.
lab_limit 10mbit
ip netns exec "$LAB_PHONE_NS" "$RB" fetch --fastpath on "$hpa/m4" -o "$out/busy" 2>/dev/null &
fpid=$!
sleep 1
nok "rmmod refused while a session is open" rmmod ringboot
# 2: kill the agent mid-transfer (device and socket closed by exit, in any order).
kill -9 $fpid 2>/dev/null
wait $fpid 2>/dev/null
pass "agent killed mid-transfer"
# 3: the server keeps retransmitting to the dead port; unload now, then reload.
ok "rmmod after the sessions, while packets still flow" rmmod ringboot
insmod "$RINGBOOT_TOP/module/ringboot.ko"
ok "module reloaded" test -c /dev/ringboot
# 4: the veth deleted mid-transfer: a clean failure, then the namespaces go.
ip netns exec "$LAB_PHONE_NS" "$RB" fetch --fastpath on --retries 2 --timeout 1 "$hpa/m4" \
	-o "$out/veth" 2> "$out/err" &
fpid=$!
sleep 1
lab_srv ip link del "$LAB_SRV_IF"
wait $fpid
is "$?" 1 "veth deleted mid-transfer: clean failure"

# The namespaces must not stay pinned once the sessions are closed. A
# namespace is dismantled (cleanup_net) only when nothing holds it any more,
# and dismantling unregisters its devices: a veth "canary" with one end in a
# lab namespace and the other here disappears exactly then. (The
# net_namespace slab count is no witness: the kernel keeps the most recently
# freed namespace's object until the next one goes.)
canary_p=rbcp$LAB_ID canary_s=rbcs$LAB_ID
ip link add "$canary_p" type veth peer name canary netns "$LAB_PHONE_NS" &&
	ip link add "$canary_s" type veth peer name canary netns "$LAB_SRV_NS" ||
	bail "cannot add the canary veths"
lab_cleanup
trap - EXIT
gone=0
for _ in $(seq 1 100); do
	if ! ip link show "$canary_p" >/dev/null 2>&1 && ! ip link show "$canary_s" >/dev/null 2>&1; then
		gone=1
		break
	fi
	sleep 0.2
done
if [ $gone -eq 1 ]; then
	pass "both lab namespaces dismantled after the sessions (their canary veths are gone)"
else
	fail "both lab namespaces dismantled after the sessions (their canary veths are gone)"
	diag "$(ip -br link show 2>&1)"
	# Held by a process (listed here) or by a kernel reference (not listed).
	diag "$(lsns -t net 2>&1)"
	ip link del "$canary_p" 2>/dev/null
	ip link del "$canary_s" 2>/dev/null
fi

done_testing
