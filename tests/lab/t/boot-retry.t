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
. "$RINGBOOT_TOP/tests/lab/faulty_boot.sh"

plan 20

lab_setup || bail "lab_setup failed"
fb_setup 3 || bail "the faulty server or the image"
head -c 300000 /dev/urandom > "$LAB_WWW/app-bad.bin"	# not an image at all
printf 'SET APPNAME app-bad.bin\nGET 46xxsettings.txt\n' > "$LAB_WWW/bad.txt"
chmod 644 "$LAB_WWW"/*
phases() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(",".join(p["phase"] + ":" + p["status"] for p in d["timeline"]
      if p["phase"] in ("script", "image", "commit", "settings")))' "$json" 2>/dev/null; }
S=$LAB_SRV_IP4

# --- 500, 502, 504 once for every file: each phase retries, the boot commits
for code in 500 502 504; do
	fb_boot once$code "$S"
	is "$rc/$(fb_field result)" "3/restart" "$code once per file: the boot commits (exit 3)"
	is "$(phases)" "script:ok,image:ok,commit:ok,settings:ok" "$code once per file: every phase ok"
	is "$(fb_field retries)" 3 "$code once per file: 3 retries (script, image, settings)"
	is "$(fb_gets once$code/96x1Supgrade.txt)/$(fb_gets once$code/app-1.0.bin)/$(fb_gets once$code/46xxsettings.txt)" \
		"2/2/2" "$code once per file: each file asked twice"
done
case $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print([p["detail"] for p in d["timeline"] if p["phase"] == "image"][0])' "$json") in
	*"attempt 2"*) pass "the timeline says which attempt delivered" ;;
	*) fail "the timeline says which attempt delivered" ;; esac

# --- a 4xx is a definite no: one request per server, no retry
fb_boot always400 "$S,$LAB_DNSMASQ_IP4"
is "$rc/$(fb_field phase)" "1/script" "400 from both servers: the boot fails in phase script"
is "$(fb_gets always400/96x1Supgrade.txt)" 2 "400: one request per server (no retry)"

# --- a 5xx that persists: the retry budget on every server, then the failure
fb_boot always500 "$S,$LAB_DNSMASQ_IP4"
is "$rc/$(fb_field phase)" "1/script" "500 from both servers: the boot fails in phase script"
is "$(fb_gets always500/96x1Supgrade.txt)" 6 "500: RETRY_MAX (3) requests on each of the 2 servers"
case $(fb_field reason) in *"HTTP 500"*) pass "500: the reason names the status" ;;
	*) fail "500: the reason names the status"; diag "$(fb_field reason)" ;; esac

# --- an image the image check refuses is not fetched again (a 500 before it is)
echo "SET UPGRADE_SCRIPT bad.txt" >> "$conf"
fb_boot once500 "$S"
is "$rc/$(fb_field phase)/$(fb_field active)" "1/image/" "a refused image: the boot fails in phase image, nothing active"
is "$(fb_gets once500/app-bad.bin)" 2 "a refused image: the 500 retried, the refusal not"

done_testing
