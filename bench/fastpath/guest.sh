#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs INSIDE the VM (bench/fastpath/run boots it with ringboot.ko loaded).
# The same file from the same server through each client, interleaved, in the
# two-namespace lab; netem delay on the server's veth egress. For each run a
# capture on the client's veth gives the client turnaround (DATA that ends a
# window in -> ACK out). Prints one line per run:
#   RESULT mode delay_ms client rep seconds acks median_us p99_us
. "$RINGBOOT_TOP/tests/lab/lib.sh"
export RB=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
size=${BENCH_SIZE:-2097152}
reps=${BENCH_REPS:-3}
here=$RINGBOOT_TOP/bench/fastpath

lab_setup >/dev/null 2>&1 || { echo "lab_setup failed"; exit 1; }
lab_tftpd_hpa >/dev/null 2>&1 && lab_atftpd >/dev/null 2>&1 || { echo "servers failed"; exit 1; }
lab_file f "$size" > /dev/null
cd "$LAB_DIR" || exit 1

# client MODE NAME: one download into $LAB_DIR/o; exit status of the client.
client() {
	local mode=$1 name=$2 url port
	if [ "$mode" = lockstep ]; then
		url=tftp://$LAB_SRV_IP4/f; port=$LAB_TFTPD_HPA_PORT
	else
		url=tftp://$LAB_SRV_IP4:$LAB_ATFTPD_PORT/f; port=$LAB_ATFTPD_PORT
	fi
	case $mode/$name in
	lockstep/kernel) lab_phone "$RB" fetch --fastpath on --no-options "$url" -o o ;;
	lockstep/user) lab_phone "$RB" fetch --fastpath off --no-options "$url" -o o ;;
	lockstep/peer) lab_phone tftp -m binary "$LAB_SRV_IP4" "$port" -c get f o ;;
	windowed/kernel) lab_phone "$RB" fetch --fastpath on --blksize 1468 --windowsize 16 "$url" -o o ;;
	windowed/user) lab_phone "$RB" fetch --fastpath off --blksize 1468 --windowsize 16 "$url" -o o ;;
	windowed/peer) lab_phone atftp --option "blksize 1468" --option "windowsize 16" \
		-g -r f -l o "$LAB_SRV_IP4" "$port" ;;
	esac
}

for delay in 0 0.2 1; do
	lab_srv tc qdisc del dev "$LAB_SRV_IF" root 2>/dev/null
	[ "$delay" = 0 ] || lab_srv tc qdisc add dev "$LAB_SRV_IF" root netem delay "${delay}ms" limit 10000
	for mode in lockstep windowed; do
		for rep in $(seq 1 "$reps"); do
			for name in kernel user peer; do
				rm -f o cap.pcap
				ip netns exec "$LAB_PHONE_NS" tcpdump -q -n -s 96 -B 8192 -i "$LAB_PHONE_IF" -w cap.pcap udp 2>/dev/null &
				tpid=$!
				sleep 0.5
				t0=$(date +%s.%N)
				timeout 120 bash -c "$(declare -f client lab_phone); client $mode $name" > /dev/null 2>&1
				rc=$?
				t1=$(date +%s.%N)
				sleep 0.3
				kill -TERM $tpid; wait $tpid 2>/dev/null
				if [ $rc -ne 0 ] || ! cmp -s o "$LAB_WWW/f"; then
					echo "RESULT $mode $delay $name $rep FAIL 0 nan nan"
					continue
				fi
				ta=$(python3 "$here/turnaround.py" cap.pcap "$LAB_PHONE_IP4")
				echo "RESULT $mode $delay $name $rep $(echo "$t1 - $t0" | bc) $ta"
			done
		done
	done
done
