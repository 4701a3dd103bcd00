#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs INSIDE the VM (bench/fastpath/run boots it with ringboot.ko loaded).
# The same file from the same server through each client, interleaved, in the
# two-namespace lab; netem delay on the server's veth egress. For each run a
# capture on the client's veth gives the client turnaround (DATA that ends a
# window in -> ACK out) and the server's, as the client sees it (ACK out ->
# next DATA in). Prints one line per run:
#   RESULT mode delay_ms client rep seconds acks median_us p99_us server_median_us
# BENCH_DELAYS and BENCH_MODES pick a subset (default "0 0.2 1", "lockstep windowed").
. "$RINGBOOT_TOP/tests/lab/lib.sh"
export RB=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
size=${BENCH_SIZE:-2097152}
reps=${BENCH_REPS:-3}
here=$RINGBOOT_TOP/bench/fastpath

lab_setup >/dev/null 2>&1 || { echo "lab_setup failed"; exit 1; }
lab_tftpd_hpa >/dev/null 2>&1 && lab_atftpd >/dev/null 2>&1 || { echo "servers failed"; exit 1; }
lab_file f "$size" > /dev/null
cd "$LAB_DIR" || exit 1

# client_cmd MODE NAME: the command line of one download into $LAB_DIR/o.
client_cmd() {
	local mode=$1 name=$2 url port
	if [ "$mode" = lockstep ]; then
		url=tftp://$LAB_SRV_IP4/f; port=$LAB_TFTPD_HPA_PORT
	else
		url=tftp://$LAB_SRV_IP4:$LAB_ATFTPD_PORT/f; port=$LAB_ATFTPD_PORT
	fi
	cmd=(ip netns exec "$LAB_PHONE_NS")
	case $mode/$name in
	lockstep/kernel) cmd+=("$RB" fetch --fastpath on --no-options "$url" -o o) ;;
	lockstep/user) cmd+=("$RB" fetch --fastpath off --no-options "$url" -o o) ;;
	lockstep/peer) cmd+=(tftp -m binary "$LAB_SRV_IP4" "$port" -c get f o) ;;
	windowed/kernel) cmd+=("$RB" fetch --fastpath on --blksize 1468 --windowsize 16 "$url" -o o) ;;
	windowed/user) cmd+=("$RB" fetch --fastpath off --blksize 1468 --windowsize 16 "$url" -o o) ;;
	windowed/peer) cmd+=(atftp --option "blksize 1468" --option "windowsize 16" \
		-g -r f -l o "$LAB_SRV_IP4" "$port") ;;
	esac
}

# capture_start: tcpdump on the client's veth, returning once it captures
# (under TCG it takes a while to start; a fixed sleep lost whole transfers).
capture_start() {
	rm -f cap.pcap cap.err
	ip netns exec "$LAB_PHONE_NS" tcpdump -q -n -s 96 -B 16384 -i "$LAB_PHONE_IF" \
		-w cap.pcap udp 2> cap.err &
	tpid=$!
	for _ in $(seq 100); do
		grep -q 'listening on' cap.err 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# capture_stop: stop tcpdump; prints how many packets the kernel dropped.
capture_stop() {
	sleep 0.3
	kill -INT "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' cap.err | head -1
}

for delay in ${BENCH_DELAYS:-0 0.2 1}; do
	lab_srv tc qdisc del dev "$LAB_SRV_IF" root 2>/dev/null
	[ "$delay" = 0 ] || lab_srv tc qdisc add dev "$LAB_SRV_IF" root netem delay "${delay}ms" limit 10000
	for mode in ${BENCH_MODES:-lockstep windowed}; do
		for rep in $(seq 1 "$reps"); do
			for name in kernel user peer; do
				rm -f o
				capture_start || echo "# tcpdump did not start ($mode $delay $name)"
				client_cmd "$mode" "$name"
				t0=$(date +%s.%N)
				timeout -k 5 120 "${cmd[@]}" > /dev/null 2>&1
				rc=$?
				t1=$(date +%s.%N)
				drops=$(capture_stop)
				if [ $rc -ne 0 ] || ! cmp -s o "$LAB_WWW/f"; then
					echo "RESULT $mode $delay $name $rep FAIL 0 nan nan nan"
					echo "# $mode $delay $name: exit $rc"
					continue
				fi
				[ "${drops:-0}" -eq 0 ] || echo "# $mode $delay $name: capture dropped $drops packets"
				ta=$(python3 "$here/turnaround.py" cap.pcap "$LAB_PHONE_IP4")
				echo "RESULT $mode $delay $name $rep $(echo "$t1 - $t0" | bc) $ta"
			done
		done
	done
done
