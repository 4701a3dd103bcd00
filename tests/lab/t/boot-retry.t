#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every transient HTTP failure is retried, in every phase. The faulty server
# (tests/lab/http_faulty.py) answers the first request for each file with a
# 500, 502 or 504 (what nginx says when its upstream is briefly away): the
# upgrade script, the image and the settings file are each retried with the
# boot's back-off within RETRY_MAX, and the boot commits. A 4xx stays a
# definite answer (one request per server, then the next server); a 5xx that
# persists uses the budget on every server; an image the image check refused
# is never fetched again.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=$RINGBOOT_BIN

plan 20

lab_setup || bail "lab_setup failed"
FPORT=8080
_lab_spawn faulty python3 "$RINGBOOT_TOP/tests/lab/http_faulty.py" 0.0.0.0 $FPORT "$LAB_WWW"
_lab_wait tcp $FPORT || bail "the faulty server did not start"
FLOG=$LAB_DIR/faulty.log

keys=$LAB_DIR/keys
mkdir -p "$keys/trusted"
"$rb" image keygen --out "$keys/signer" > /dev/null || bail "keygen"
cp "$keys/signer.pub" "$keys/trusted/"
head -c 300000 /dev/urandom > "$LAB_DIR/payload"
"$rb" image pack --key "$keys/signer" --name app-1.0.bin --version 1.0 --models 9608 \
	"$LAB_DIR/payload" -o "$LAB_WWW/app-1.0.bin" > /dev/null || bail "pack"
head -c 300000 /dev/urandom > "$LAB_WWW/app-bad.bin"	# not an image at all
printf 'SET APPNAME app-1.0.bin\nGET 46xxsettings.txt\n' > "$LAB_WWW/96x1Supgrade.txt"
printf 'SET APPNAME app-bad.bin\nGET 46xxsettings.txt\n' > "$LAB_WWW/bad.txt"
printf 'SET SNTPSRVR 192.0.2.9\n' > "$LAB_WWW/46xxsettings.txt"
chmod 644 "$LAB_WWW"/*

conf=$LAB_DIR/ringboot.conf
cat > "$conf" <<EOF
SET MODEL4 9608
SET MODEL 9608D01A
SET SIG 2
SET MACADDR 0a:0b:0c:0d:0e:0f
SET IMAGE_KEYS_DIR $keys/trusted
SET RETRY_MAX 3
SET RETRY_BASE_MS 50
EOF
json=$LAB_DIR/boot.json
n=0
# boot DIR SERVERS [ARGS...]: a fresh handset boots from the faulty server's mode DIR
boot() {
	local dir=$1 servers=$2
	shift 2
	n=$((n + 1))
	timeout 200 ip netns exec "$LAB_PHONE_NS" "$rb" --json boot --config "$conf" \
		--state-dir "$LAB_DIR/st.$n" --no-dhcp --var "HTTPSRVR=$servers" \
		--var "HTTPPORT=$FPORT" --var "HTTPDIR=$dir" "$@" > "$json" 2> "$LAB_DIR/boot.err"
	rc=$?
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d.get(sys.argv[2])
print("" if v is None else v)' "$json" "$1" 2>/dev/null; }
phases() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(",".join(p["phase"] + ":" + p["status"] for p in d["timeline"]
      if p["phase"] in ("script", "image", "commit", "settings")))' "$json" 2>/dev/null; }
gets() { grep -c "GET /$1 " "$FLOG"; }
S=$LAB_SRV_IP4

# --- 500, 502, 504 once for every file: each phase retries, the boot commits
for code in 500 502 504; do
	boot once$code "$S"
	is "$rc/$(field result)" "3/restart" "$code once per file: the boot commits (exit 3)"
	is "$(phases)" "script:ok,image:ok,commit:ok,settings:ok" "$code once per file: every phase ok"
	is "$(field retries)" 3 "$code once per file: 3 retries (script, image, settings)"
	is "$(gets once$code/96x1Supgrade.txt)/$(gets once$code/app-1.0.bin)/$(gets once$code/46xxsettings.txt)" \
		"2/2/2" "$code once per file: each file asked twice"
done
case $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print([p["detail"] for p in d["timeline"] if p["phase"] == "image"][0])' "$json") in
	*"attempt 2"*) pass "the timeline says which attempt delivered" ;;
	*) fail "the timeline says which attempt delivered" ;; esac

# --- a 4xx is a definite no: one request per server, no retry
boot always400 "$S,$LAB_DNSMASQ_IP4"
is "$rc/$(field phase)" "1/script" "400 from both servers: the boot fails in phase script"
is "$(gets always400/96x1Supgrade.txt)" 2 "400: one request per server (no retry)"

# --- a 5xx that persists: the retry budget on every server, then the failure
boot always500 "$S,$LAB_DNSMASQ_IP4"
is "$rc/$(field phase)" "1/script" "500 from both servers: the boot fails in phase script"
is "$(gets always500/96x1Supgrade.txt)" 6 "500: RETRY_MAX (3) requests on each of the 2 servers"
case $(field reason) in *"HTTP 500"*) pass "500: the reason names the status" ;;
	*) fail "500: the reason names the status"; diag "$(field reason)" ;; esac

# --- an image the image check refuses is not fetched again (a 500 before it is)
echo "SET UPGRADE_SCRIPT bad.txt" >> "$conf"
boot once500 "$S"
is "$rc/$(field phase)/$(field active)" "1/image/" "a refused image: the boot fails in phase image, nothing active"
is "$(gets once500/app-bad.bin)" 2 "a refused image: the 500 retried, the refusal not"

done_testing
