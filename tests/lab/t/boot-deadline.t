#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Nothing holds a boot forever. The faulty server (tests/lab/http_faulty.py)
# answers with responses that never end but always progress (no stall timer
# fires): for the upgrade script, for the image only, for the settings file
# only. Each boot ends at its deadline (BOOT_DEADLINE / --deadline) and fails
# naming the phase it was in and the deadline; one download of a file ends at
# FILE_DEADLINE / --file-deadline and is retried within RETRY_MAX; DHCP
# without a server ends at the boot's deadline too. No timing is judged: the
# outcome and the message are (`timeout` only keeps an unfixed agent from
# hanging the suite).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/faulty_boot.sh"
rb=$RINGBOOT_BIN

plan 22

lab_setup || bail "lab_setup failed"
fb_setup 2 || bail "the faulty server or the image"
printf 'GET 46xxsettings.txt\n' > "$LAB_WWW/noimage.txt"
chmod 644 "$LAB_WWW/noimage.txt"
# boot DIR [ARGS...]: a boot from the faulty server's mode DIR on the lab server
boot() { fb_boot "$1" "$LAB_SRV_IP4" "${@:2}"; }
field() { fb_field "$@"; }
phase_status() { fb_phase_status "$@"; }
says() { # NAME PATTERN: the reason of the boot contains PATTERN
	case $(field reason) in *$2*) pass "$1: the reason says '$2'" ;;
		*) fail "$1: the reason says '$2'"; diag "$(field reason)"; diag "$(tail -n 3 "$LAB_DIR/boot.err")" ;; esac
}

# --- the upgrade script never ends: the boot's deadline (from the configuration) ends the boot
cp "$conf" "$conf.base"
echo "SET BOOT_DEADLINE 2" >> "$conf"
boot never
cp "$conf.base" "$conf"
is "$rc/$(field result)/$(field phase)" "1/failed/script" "script never ends: the boot fails in phase script"
says "script" "boot deadline of 2 s passed"
is "$(phase_status script)" "failed" "script: the timeline marks the phase failed"

# --- each download ends at the file deadline and is retried within RETRY_MAX
before=$(grep -c 'GET /never/96x1Supgrade.txt' "$FLOG")
boot never --file-deadline 1 --deadline 60
after=$(grep -c 'GET /never/96x1Supgrade.txt' "$FLOG")
is "$rc/$(field phase)" "1/script" "file deadline: the boot fails in phase script"
says "file deadline" "file deadline of 1 s passed"
is "$((after - before))" 2 "file deadline: each of the RETRY_MAX (2) attempts ended at it"

# --- the image never ends: the boot's deadline ends it; nothing is committed
boot neverimage --deadline 3
is "$rc/$(field phase)" "1/image" "image never ends: the boot fails in phase image"
says "image" "image app-1.0.bin: boot deadline of 3 s passed"
is "$(phase_status image)" "failed" "image: the timeline marks the phase failed"
is "$(field active)" "" "image: no image was committed"
is "$(phase_status apply)" "ok" "image: the settings that arrived are still applied"

# --- the settings file never ends: the boot fails in phase settings, after applying
echo "SET UPGRADE_SCRIPT noimage.txt" >> "$conf"
boot neversettings --deadline 3
cp "$conf.base" "$conf"
is "$rc/$(field phase)" "1/settings" "settings never end: the boot fails in phase settings"
says "settings" "46xxsettings.txt: boot deadline of 3 s passed"
is "$(phase_status script)/$(phase_status settings)/$(phase_status apply)" "ok/failed/ok" \
	"settings: script ok, settings failed, apply ran"
grep -q 'GET /neversettings/noimage.txt' "$FLOG" && pass "settings: the script came from the same server" ||
	fail "settings: the script came from the same server"

# --- files that end: the deadlines do not cut a good boot
echo "SET UPGRADE_SCRIPT noimage.txt" >> "$conf"
boot neverimage --deadline 60 --file-deadline 30
cp "$conf.base" "$conf"
is "$rc/$(field result)/$(phase_status settings)" "0/ready/ok" "a boot that ends in time is not cut (exit 0)"

# --- DHCP without a server: the boot's deadline, not DHCP's own 30 s, ends it
ip netns exec "$LAB_PHONE_NS" timeout 100 "$rb" --json boot --config "$conf" --state-dir "$LAB_DIR/st.dhcp" \
	--iface "$LAB_PHONE_IF" --no-configure --deadline 2 > "$json" 2> "$LAB_DIR/boot.err"
rc=$?
is "$rc/$(field phase)" "1/dhcp" "no DHCP server: the boot fails in phase dhcp"
says "dhcp" "boot deadline of 2 s passed"

# --- the options and keys are checked
for bad in 0 -1 x 86401; do
	"$rb" boot --deadline "$bad" --no-dhcp --state-dir "$LAB_DIR/st.bad" > /dev/null 2>&1
	[ $? -eq 2 ] && pass "--deadline $bad is a usage error" || fail "--deadline $bad is a usage error"
done

done_testing
