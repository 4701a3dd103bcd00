#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The hooks a boot runs, against nginx: SETTINGS_HOOK after the settings are
# applied (argument, environment, whether the settings changed, a restart
# due; a hook that fails fails the boot after everything was applied), and
# the time bound of every hook (HOOK_TIMEOUT): a settings hook or a commit
# hook that hangs is killed, the boot ends and says why; a hung commit hook
# leaves the old image active.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=$RINGBOOT_BIN

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx"

keys=$LAB_DIR/keys trusted=$LAB_DIR/trusted
mkdir -p "$keys" "$trusted"
"$rb" image keygen --out "$keys/signer" > /dev/null || bail "keygen"
cp "$keys/signer.pub" "$trusted/"
pack() { # NAME
	head -c 300000 /dev/urandom > "$LAB_DIR/payload"
	"$rb" image pack --key "$keys/signer" --name "$1" --version 1 --models 9608 \
		"$LAB_DIR/payload" -o "$LAB_WWW/$1" > /dev/null && chmod 644 "$LAB_WWW/$1"
}
pack app-1.bin || bail "pack"
pack app-2.bin || bail "pack"
script() { printf 'SET APPNAME %s\nGET 46xxsettings.txt\n' "$1" > "$LAB_WWW/96x1Supgrade.txt"; }
settings() { printf 'SET SIPDOMAIN %s\n' "$1" > "$LAB_WWW/46xxsettings.txt"; chmod 644 "$LAB_WWW"/*.txt; }

log=$LAB_DIR/hook.log
hook=$LAB_DIR/settings-hook
# The handset's software as a maker would write it: source the file it is given;
# it may run ringboot itself (the boot no longer holds the update lock).
cat > "$hook" <<EOF
#!/bin/sh
. "\$1"
busy=\$("$rb" status --verify --state-dir "\$RINGBOOT_STATE_DIR" 2>&1 | grep -c "an update is running")
echo "\$# \$1 \$RINGBOOT_EVENT \$RINGBOOT_PARAMS_ENV \$RINGBOOT_PARAMS \$RINGBOOT_STATE_DIR changed=\$RINGBOOT_SETTINGS_CHANGED restart=\$RINGBOOT_RESTART_DUE domain=\$RB_SIPDOMAIN home=\${HOME:-none} busy=\$busy" >> "$log"
[ ! -e "$LAB_DIR/hook.fail" ]
EOF
hang=$LAB_DIR/hang-hook
printf '#!/bin/sh\necho $$ > "%s/hang.pid"\nsleep 600\n' "$LAB_DIR" > "$hang"
chmod +x "$hook" "$hang"

conf=$LAB_DIR/ringboot.conf
config() { # SETTINGS_HOOK
	cat > "$conf" <<-EOF
	SET MODEL4 9608
	SET SIG 2
	SET MACADDR 0a:0b:0c:0d:0e:0f
	SET IMAGE_KEYS_DIR $trusted
	SET RETRY_MAX 1
	SET HOOK_TIMEOUT 2
	SET SETTINGS_HOOK $1
	EOF
}
st=$LAB_DIR/state
json=$LAB_DIR/boot.json
boot() {
	lab_phone "$rb" --json boot --config "$conf" --state-dir "$st" --sson "HTTPSRVR=$LAB_SRV_IP4" \
		"$@" > "$json" 2> "$LAB_DIR/boot.err"
	rc=$?
}
field() { lab_json_field "$json" "$1"; }
phase() { lab_json_phase "$json" "$1" "$2"; }

# --- the first boot commits an image and applies the settings: the hook is told
config "$hook"
script app-1.bin
settings one.example
boot
is "$rc/$(phase settings-hook status)" "3/ok" "SETTINGS_HOOK runs after the settings are applied (exit 3: image committed)"
[ "$rc" = 3 ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"
is "$(cat "$log")" "1 $st/params.env settings $st/params.env $st/params $st changed=1 restart=1 domain=one.example home=none busy=0" \
	"the hook gets params.env as its argument, its RINGBOOT_* variables and nothing else of ours; the update lock is free"
last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["timeline"][-1]["phase"])' "$json")
is "$last" "settings-hook" "the settings-hook phase comes last in the timeline"

: > "$log"
boot
is "$rc/$(cat "$log")" "0/1 $st/params.env settings $st/params.env $st/params $st changed=0 restart=0 domain=one.example home=none busy=0" \
	"a boot that changes nothing: RINGBOOT_SETTINGS_CHANGED=0"
: > "$log"
settings two.example
boot
case $(cat "$log") in *"changed=1 restart=0 domain=two.example"*) pass "new settings: changed=1, and the hook reads them" ;;
	*) fail "new settings: changed=1, and the hook reads them"; diag "$(cat "$log")" ;; esac

# --- a hook that fails: the boot fails in phase settings-hook, the settings stay applied
touch "$LAB_DIR/hook.fail"
settings three.example
boot
is "$rc/$(field phase)/$(phase apply status)/$(phase settings-hook status)" "1/settings-hook/ok/failed" \
	"a failing SETTINGS_HOOK fails the boot in phase settings-hook"
case $(field reason) in *"settings hook '$hook' failed (exit 1)"*) pass "the reason names the hook and its exit status" ;;
	*) fail "the reason names the hook and its exit status"; diag "$(field reason)" ;; esac
grep -q "^RB_SIPDOMAIN='three.example'$" "$st/params.env"
is "$?" 0 "the settings were applied all the same"
rm "$LAB_DIR/hook.fail"

# --- a settings hook that hangs is killed at HOOK_TIMEOUT
config "$hang"
boot
is "$rc/$(field phase)/$(phase settings-hook status)" "1/settings-hook/failed" "a hanging SETTINGS_HOOK: the boot ends, failed in settings-hook"
case $(field reason) in *"settings hook '$hang' failed (did not end within 2 s: killed)"*) pass "the reason says it was killed at HOOK_TIMEOUT" ;;
	*) fail "the reason says it was killed at HOOK_TIMEOUT"; diag "$(field reason)" ;; esac
if pid=$(cat "$LAB_DIR/hang.pid" 2>/dev/null) && [ -n "$pid" ]; then
	kill -0 "$pid" 2>/dev/null
	is "$?" 1 "the hung hook is gone"
else
	fail "the hung hook is gone (it never ran)"
fi
rm -f "$LAB_DIR/hang.pid"

# --- a commit hook that hangs: killed, the old image stays active
config ""
ok "app-1.bin confirmed" "$rb" mark-good --state-dir "$st"
script app-2.bin
boot --hook "$hang"
is "$rc/$(field phase)/$(field active)" "1/image/app-1.bin" "a hanging commit hook: the boot ends, app-1.bin stays active"
[ -s "$LAB_DIR/hang.pid" ] || diag "the commit hook never ran: $(cat "$json" "$LAB_DIR/boot.err")"
case $(field reason) in *"commit hook '$hang' failed (did not end within 2 s: killed) for slot b, event commit"*)
	pass "the reason says the commit hook was killed at HOOK_TIMEOUT" ;;
	*) fail "the reason says the commit hook was killed at HOOK_TIMEOUT"; diag "$(field reason)" ;; esac
is "$(phase settings-hook status)" "" "no SETTINGS_HOOK configured: no settings-hook phase"
done_testing
