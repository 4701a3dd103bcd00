#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot script` and `ringboot sson` as a user runs them: exit codes, the
# --json shape (docs/cli.md), GET confined to --root, --var, the text report.
. "$RINGBOOT_TOP/tests/lib/tap.sh"

rb=$RINGBOOT_BIN
data=$RINGBOOT_TOP/tests/data/provisioning
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- exit status
"$rb" script >/dev/null 2>&1; is $? 2 "script without FILE: usage error (2)"
"$rb" script --bogus x >/dev/null 2>&1; is $? 2 "script with an unknown option: 2"
"$rb" script --var 'bad name=1' "$data/mkrasselt_46xxsettings.txt" >/dev/null 2>&1
is $? 2 "--var with an invalid name: 2"
"$rb" script --var MACADDR=zz "$data/mkrasselt_46xxsettings.txt" >/dev/null 2>&1
is $? 2 "--var MACADDR that is not a MAC: 2"
err=$("$rb" script "$tmp/missing.txt" 2>&1 >/dev/null); rc=$?
is $rc 1 "unreadable FILE: 1"
case $err in *missing.txt*) pass "the error names the file" ;; *) fail "the error names the file: $err" ;; esac
"$rb" script "$tmp" >/dev/null 2>&1; is $? 1 "a directory as FILE: 1"
"$rb" script --help >/dev/null 2>&1; is $? 0 "script --help: 0"
"$rb" sson >/dev/null 2>&1; is $? 2 "sson without STRING: 2"

# --- the JSON shape: exactly one object with the four keys
printf 'SET A 1\nSET A "two words"\nSET bad$name x\nGOTO NOWHERE\nSET B 1\n' > "$tmp/s.txt"
out=$("$rb" script --json "$tmp/s.txt"); rc=$?
is $rc 0 "warnings still exit 0"
is "$(jq -c 'keys' <<<"$out")" '["appname","files","params","warnings"]' "JSON has files, params, appname, warnings"
is "$(jq -c '.params' <<<"$out")" '{"A":"two words"}' "params: final values of SET names"
is "$(jq -c '.files' <<<"$out")" '["s.txt"]' "files start with FILE's base name"
is "$(jq -c '[.warnings[] | [.file, .line]]' <<<"$out")" '[["s.txt",3],["s.txt",4]]' "warnings name file and line"
is "$(jq -r '.appname' <<<"$out")" null "appname null without SET APPNAME"
is "$(jq -s length <<<"$out")" 1 "exactly one JSON document"
out=$("$rb" --json script "$tmp/s.txt")
is "$(jq -c '.params' <<<"$out")" '{"A":"two words"}' "--json before the verb works too"

# --- --var: visible to IF, not reported unless SET; APPNAME's two roles
printf 'IF $APPNAME SEQ run.bin GOTO T\nSET APPNAME new.bin\n# T\nSET MODEL4 X\n' > "$tmp/a.txt"
out=$("$rb" script --json --var APPNAME=run.bin --var MODEL4=J129 "$tmp/a.txt")
is "$(jq -c '[.appname, .params]' <<<"$out")" '[null,{"MODEL4":"X"}]' "--var APPNAME is the running image, not a SET"
out=$("$rb" script --json --var APPNAME=old.bin "$tmp/a.txt")
is "$(jq -r .appname <<<"$out")" new.bin "SET APPNAME names the image to run"

# --- GET from --root, per-MAC file by $MACADDR, never outside the root
mkdir -p "$tmp/root/sub" "$tmp/outside"
cp "$data/acevallos_c81fea9b67c0.txt" "$tmp/root/c81fea9b67c0.txt"
printf 'SET A 1\nGET $MACADDR.txt\nSET NOT_REACHED 1\n' > "$tmp/root/46xxsettings.txt"
out=$("$rb" script --json --var MACADDR=C8:1F:EA:9B:67:C0 "$tmp/root/46xxsettings.txt")
is "$(jq -c '.files' <<<"$out")" '["46xxsettings.txt","c81fea9b67c0.txt"]' "GET \$MACADDR.txt fetches the per-MAC file"
is "$(jq -r '.params.SIP_USER_ID + " " + (.params.NOT_REACHED // "-")' <<<"$out")" "4212 -" \
	"the per-MAC file is interpreted and GET never returns"

echo 'SET SECRET 1' > "$tmp/outside/x.txt"
ln -s ../outside/x.txt "$tmp/root/link.txt"
ln -s x.txt "$tmp/outside/y.txt"
printf 'GET ../outside/x.txt\nGET %s/outside/x.txt\nGET link.txt\nGET sub/../../outside/x.txt\nSET END 1\n' \
	"$tmp" > "$tmp/root/escape.txt"
out=$("$rb" script --json "$tmp/root/escape.txt")
is "$(jq -c '[.files, .params]' <<<"$out")" '[["escape.txt"],{"END":"1"}]' "GET never leaves --root (.., absolute, symlink out)"
is "$(jq '.warnings | length' <<<"$out")" 4 "each refused GET is a warning"
printf 'GET x.txt\n' > "$tmp/top.txt"
out=$("$rb" script --json --root "$tmp/outside" "$tmp/top.txt")
is "$(jq -c '.params' <<<"$out")" '{"SECRET":"1"}' "--root DIR is where GET reads"
ln -s "$tmp/outside/x.txt" "$tmp/outside/abs.txt"
printf 'GET y.txt\nGET abs.txt\n' > "$tmp/top2.txt"
out=$("$rb" script --json --root "$tmp/outside" "$tmp/top2.txt")
is "$(jq -c '[.files, (.warnings | length)]' <<<"$out")" '[["top2.txt","y.txt"],0]' "a symlink inside the root is followed"

# --- chain limits over real files
for i in 1 2 3 4 5 6 7 8 9; do printf 'SET F%d 1\nGET f%d.txt\n' $i $((i + 1)) > "$tmp/f$i.txt"; done
out=$("$rb" script --json "$tmp/f1.txt")
is "$(jq '.files | length' <<<"$out")" 8 "a chain holds at most 8 files"
printf 'SET L 1\nGET loop.txt\nSET AFTER 1\n' > "$tmp/loop.txt"
out=$("$rb" script --json "$tmp/loop.txt")
is "$(jq -c '[.files, .params.AFTER]' <<<"$out")" '[["loop.txt"],"1"]' "a file already on the chain is not fetched again"

# --- the readable report
out=$("$rb" script --var MODEL4=J129 "$data/wazo-orig_J100Supgrade.txt")
case $out in *"appname: FW_S_J129_R4_1_3_0_6.bin"*"wazo-orig_J100Supgrade.txt:46:"*) pass "text report: appname and warnings with file:line" ;;
*) fail "text report"; diag "$out" ;; esac

printf 'SET A \033[31mred\n' > "$tmp/esc.txt"
out=$("$rb" script "$tmp/esc.txt")
case $out in *$'\033'*) fail "text report passes escape bytes to the terminal" ;;
*'\x1b[31mred'*) pass "text report shows control bytes as \\xNN" ;; *) fail "text report: $out" ;; esac
is "$("$rb" script --json "$tmp/esc.txt" | jq -r .params.A)" $'\033[31mred' "JSON keeps the value byte for byte"

# --- --config: identity from the handset configuration, --var wins over it
printf 'SET MODEL4 J189\nSET HWVERS 2\nSET CA_FILE /x\n' > "$tmp/rb.conf"
out=$("$rb" script --json --config "$tmp/rb.conf" "$data/wazo-orig_J100Supgrade.txt")
is "$(jq -r .appname <<<"$out")" FW_S_J189_R4_1_3_0_6.bin "--config supplies the identity"
out=$("$rb" script --json --config "$tmp/rb.conf" --var MODEL4=J129 "$data/wazo-orig_J100Supgrade.txt")
is "$(jq -r .appname <<<"$out")" FW_S_J129_R4_1_3_0_6.bin "--var wins over --config"
"$rb" script --config "$tmp/nope.conf" "$data/wazo-orig_J100Supgrade.txt" >/dev/null 2>&1
is $? 1 "an unreadable --config: 1"

printf 'IF $MODEL4 SEQ j129 GOTO T\nSET A 1\n# T\n' > "$tmp/seq.txt"
printf 'SET SEQ_EXACT 1\n' > "$tmp/exact.conf"
is "$("$rb" script --json --var MODEL4=J129 "$tmp/seq.txt" | jq -c .params)" '{}' "SEQ ignores case by default"
is "$("$rb" script --json --config "$tmp/exact.conf" --var MODEL4=J129 "$tmp/seq.txt" | jq -c .params)" \
	'{"A":"1"}' "SET SEQ_EXACT 1 in the configuration makes SEQ exact"

# --- sson
out=$("$rb" sson --json 'httpsrvr=10.0.0.5,10.0.0.6, HTTPDIR=/p,L2Q=1')
is "$out" '{"HTTPSRVR":"10.0.0.5,10.0.0.6","HTTPDIR":"/p","L2Q":"1"}' "sson --json: names upper-cased, lists joined, blanks trimmed"
out=$("$rb" sson 'A=1,B=x y')
is "$out" "$(printf 'A=1\nB=x y')" "sson text output"

done_testing
