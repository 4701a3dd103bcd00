#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot storm: after a power cut every phone of a site boots at once. 100 agents
# (separate state directories, the same parameters, --no-dhcp) start together
# against one nginx over HTTPS; every one must commit the image. The spread of
# their start times (first request seen by nginx), the peak number of
# concurrent connections at nginx and the total time are reported (not judged:
# tests check correctness, not speed).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=$RINGBOOT_BIN
agents=${STORM_AGENTS:-100}

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx"
keys=$LAB_DIR/keys
mkdir -p "$keys/trusted"
"$rb" image keygen --out "$keys/signer" > /dev/null || bail "keygen"
cp "$keys/signer.pub" "$keys/trusted/"
head -c 1048576 /dev/urandom > "$LAB_DIR/payload"
"$rb" image pack --key "$keys/signer" --name storm-1.0 --version 1.0 --models 9608 \
	"$LAB_DIR/payload" -o "$LAB_WWW/storm-1.0" > /dev/null || bail "pack"
printf 'SET APPNAME storm-1.0\nGET 46xxsettings.txt\n' > "$LAB_WWW/96x1Supgrade.txt"
printf 'SET SNTPSRVR 192.0.2.9\n' > "$LAB_WWW/46xxsettings.txt"
chmod 644 "$LAB_WWW"/*
cat > "$LAB_DIR/ringboot.conf" <<EOF
SET MODEL4 9608
SET MODEL 9608D01A
SET SIG 2
SET IMAGE_KEYS_DIR $keys/trusted
SET CA_FILE $LAB_CA
SET TLSSRVR $LAB_SRV_IP4
SET RETRY_MAX 8
SET RETRY_BASE_MS 200
EOF

start=$(date +%s.%N)
pids=()
for i in $(seq 1 "$agents"); do
	lab_phone "$rb" --json boot --no-dhcp --config "$LAB_DIR/ringboot.conf" \
		--state-dir "$LAB_DIR/st/$i" --var "MACADDR=$(printf '0a0b0c%06x' "$i")" \
		> "$LAB_DIR/out.$i.json" 2> "$LAB_DIR/err.$i" &
	pids+=($!)
done
committed=0 failed=0
for i in "${!pids[@]}"; do
	wait "${pids[$i]}"
	rc=$?
	if [ $rc -eq 3 ]; then committed=$((committed + 1)); else
		failed=$((failed + 1))
		[ $failed -le 3 ] && diag "agent $((i + 1)): exit $rc: $(cat "$LAB_DIR/err.$((i + 1))" | tail -n 2)"
	fi
done
end=$(date +%s.%N)

is "$committed" "$agents" "all $agents agents committed the image (exit 3)"
good=0
for i in $(seq 1 "$agents"); do
	"$rb" --json status --state-dir "$LAB_DIR/st/$i" 2>/dev/null | grep -q '"storm-1.0"' && good=$((good + 1))
done
is "$good" "$agents" "every agent's status shows storm-1.0 in its active slot"
images=$(grep -c 'GET /storm-1.0 HTTP/1.1" 200' "$LAB_NGINX_LOG")
is "$images" "$agents" "nginx served the image exactly once per agent"

# Report: spread of the first requests, peak concurrent connections, total time.
python3 - "$LAB_NGINX_LOG" "$start" "$end" <<'PY' | sed 's/^/# /'
import sys, collections
log, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
conn = collections.defaultdict(lambda: [float("inf"), 0.0])
for line in open(log):
    f = line.split()
    cid, msec, rt = f[0], float(f[-2]), float(f[-1])
    c = conn[cid]
    c[0] = min(c[0], msec - rt)
    c[1] = max(c[1], msec)
starts = sorted(c[0] for c in conn.values())
events = sorted([(s, 1) for s, e in conn.values()] + [(e, -1) for s, e in conn.values()])
cur = peak = 0
for _, d in events:
    cur += d
    peak = max(peak, cur)
print(f"storm: {len(conn)} connections; first requests spread over {starts[-1] - starts[0]:.3f} s; "
      f"peak {peak} concurrent connections at nginx; total {t1 - t0:.2f} s")
PY
done_testing
