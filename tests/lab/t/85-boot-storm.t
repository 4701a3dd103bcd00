#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot storm: after a power cut every phone of a site boots at once, against a
# server that refuses most of them. STORM_AGENTS agents (default 40: this runs
# beside the rest of `make check` on small machines; docs/benchmarks.md has
# bigger runs) with separate state directories and the same parameters
# (--no-dhcp) start together against one nginx over HTTPS that limits
# concurrent requests (limit_conn) and their rate (limit_req), answering 503
# (no Retry-After) beyond either. Every phase (script, image, settings) gets
# the boot's retry budget and jittered back-off, so every agent must commit
# the image. Reported, not judged (tests check correctness, not speed): how
# many requests nginx refused, the phones' boot times (min/median/max), the
# boot-level retries per phone, the spread of the first requests and the peak
# of concurrent connections.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=$RINGBOOT_BIN
agents=${STORM_AGENTS:-40}
conn_limit=${STORM_CONN_LIMIT:-2}
rate=${STORM_RATE:-10r/s}

plan 5

LAB_NGINX_HTTP_EXTRA="limit_conn_zone \$server_name zone=storm:1m;
	limit_req_zone \$server_name zone=stormrate:1m rate=$rate;"
LAB_NGINX_EXTRA="limit_conn storm $conn_limit; limit_req zone=stormrate burst=5 nodelay;"
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
SET RETRY_MAX_MS 8000
EOF

# nginx refuses beyond its limits: a quick burst sees 503s
codes=$(for _ in $(seq 1 30); do
	lab_phone curl -s -o /dev/null -w '%{http_code}\n' --cacert "$LAB_CA" "https://$LAB_SRV_IP4/46xxsettings.txt" &
done; wait)
case $codes in *503*) pass "nginx answers 503 beyond its limits" ;;
	*) fail "nginx answers 503 beyond its limits"; diag "$codes" ;; esac

n0=$(wc -l < "$LAB_NGINX_LOG")	# the storm's requests follow
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
		[ $failed -le 3 ] && diag "agent $((i + 1)): exit $rc: $(python3 -c 'import json,sys
d = json.load(open(sys.argv[1])); print(d["phase"], d["reason"])' "$LAB_DIR/out.$((i + 1)).json" 2>&1 |
			tail -n 1)"
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
refused=$(tail -n +$((n0 + 1)) "$LAB_NGINX_LOG" | grep -c '" 503 ')
[ "$refused" -gt 0 ] && pass "the storm met refusals ($refused requests answered 503)" ||
	fail "the storm met refusals ($refused requests answered 503)"

# Report: refusals, boot times and retries per phone, spread of the first
# requests, peak concurrent connections, total time.
python3 - "$LAB_NGINX_LOG" "$start" "$end" "$LAB_DIR" "$agents" "$n0" <<'PY' | sed 's/^/# /'
import collections, json, statistics, sys
log, t0, t1, d, n = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
skip = int(sys.argv[6])
conn = collections.defaultdict(lambda: [float("inf"), 0.0])
status = collections.Counter()
for k, line in enumerate(open(log)):
    if k < skip:
        continue
    f = line.split()
    cid, msec, rt = f[0], float(f[-2]), float(f[-1])
    c = conn[cid]
    c[0] = min(c[0], msec - rt)
    c[1] = max(c[1], msec)
    status[line.split('"')[2].split()[0]] += 1
starts = sorted(c[0] for c in conn.values())
events = sorted([(s, 1) for s, e in conn.values()] + [(e, -1) for s, e in conn.values()])
cur = peak = 0
for _, dl in events:
    cur += dl
    peak = max(peak, cur)
times, retries = [], []
for i in range(1, n + 1):
    try:
        j = json.load(open(f"{d}/out.{i}.json"))
    except (OSError, ValueError):
        continue
    times.append(max(p["end"] for p in j["timeline"] if p.get("end") is not None))
    retries.append(j.get("retries", 0))
def mmm(v, fmt):
    return "/".join(fmt % x for x in (min(v), statistics.median(v), max(v))) if v else "-"
print(f"storm: {n} agents; nginx answered {status['200']} x 200, {status['503']} x 503 "
      f"({100.0 * status['503'] / max(1, sum(status.values())):.0f} % refused)")
print(f"storm: boot time min/median/max {mmm(times, '%.2f')} s; boot retries per phone "
      f"min/median/max {mmm(retries, '%g')}, {sum(retries)} in all")
print(f"storm: {len(conn)} connections; first requests spread over {starts[-1] - starts[0]:.3f} s; "
      f"peak {peak} concurrent connections at nginx; total {t1 - t0:.2f} s")
PY
done_testing
