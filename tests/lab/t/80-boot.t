#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot boot` end to end against the lab's real nginx (HTTPS and HTTP),
# tftpd-hpa and dnsmasq: first boot, second boot, a new APPNAME into the other
# slot, a boot killed before its commit hook (the next boot runs the owed hook;
# in the boot that runs it late, count-boot counts nothing, mark-good refuses
# and boot asks for a restart), a bad image, server fallbacks, AUTH=1 with a
# wrong certificate, and the real sample upgrade script and settings file.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=$RINGBOOT_BIN
data=$RINGBOOT_TOP/tests/data/provisioning

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx"
lab_tftpd_hpa || bail "tftpd-hpa"

# --- keys, images and files on the servers
keys=$LAB_DIR/keys trusted=$LAB_DIR/trusted
mkdir -p "$keys" "$trusted"
"$rb" image keygen --out "$keys/signer" > /dev/null || bail "keygen"
"$rb" image keygen --out "$keys/rogue" > /dev/null || bail "keygen"
cp "$keys/signer.pub" "$trusted/"
pack() { # NAME VERSION MODELS [KEY]
	head -c $((1000000 + RANDOM * 7)) /dev/urandom > "$LAB_DIR/payload"
	"$rb" image pack --key "$keys/${4:-signer}" --name "$1" --version "$2" --models "$3" \
		"$LAB_DIR/payload" -o "$LAB_WWW/$1" > /dev/null && chmod 644 "$LAB_WWW/$1"
}
pack app-1.0 1.0 9608,9611 || bail "pack"
pack app-2.0 2.0 9608 || bail "pack"
pack app-rogue 9.9 9608 rogue || bail "pack"
pack app-other-model 3.0 J179 || bail "pack"

script() { # APPNAME: the upgrade script a 9608 (96x1, SIP) asks for
	cat > "$LAB_WWW/96x1Supgrade.txt" <<-EOF
	## test upgrade script
	IF \$MODEL4 SEQ 9608 GOTO APP
	GOTO SETTINGS
	# APP
	SET APPNAME $1
	# SETTINGS
	GET 46xxsettings.txt
	EOF
	chmod 644 "$LAB_WWW/96x1Supgrade.txt"
}
printf 'SET SNTPSRVR 192.0.2.9\nSET TRUSTCERTS evil.pem\nGET $MACADDR.txt\n' > "$LAB_WWW/46xxsettings.txt"
printf 'SET PERMAC "from the per-MAC file"\n' > "$LAB_WWW/0a0b0c0d0e0f.txt"
chmod 644 "$LAB_WWW"/*.txt

conf=$LAB_DIR/ringboot.conf
cat > "$conf" <<EOF
SET MODEL4 9608
SET MODEL 9608D01A
SET SIG 2
SET MACADDR 0a:0b:0c:0d:0e:0f
SET IMAGE_KEYS_DIR $trusted
SET CA_FILE $LAB_CA
SET RETRY_MAX 2
SET RETRY_BASE_MS 50
EOF
st=$LAB_DIR/state
sson="TLSSRVR=$LAB_SRV_IP4,HTTPSRVR=$LAB_SRV_IP4,TFTPSRVR=$LAB_SRV_IP4"
json=$LAB_DIR/boot.json

# boot [ARGS...]: run a boot in the phone namespace; $rc, $json hold the outcome.
boot() {
	lab_phone "$rb" --json boot --config "$conf" --state-dir "$st" "$@" > "$json" 2> "$LAB_DIR/boot.err"
	rc=$?
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v,list) else v.get(k)
print("" if v is None else v)' "$json" "$1" 2>/dev/null; }
phase_status() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(",".join(p["status"] for p in d["timeline"] if p["phase"]==sys.argv[2]))' "$json" "$1"; }
image_gets() { grep -c "GET /$1 " "$LAB_NGINX_LOG"; }
status_active() { "$rb" --json status --state-dir "$st" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("active_name") or d["slots"][d["active"]]["name"] if d.get("active") is not None else "")' 2>/dev/null; }

# --- first boot: downloads over HTTPS, commits into slot a, asks for a restart
script app-1.0
boot --sson "$sson"
is "$rc" 3 "first boot: exit 3 (new image committed, restart due)"
is "$(field result)/$(field active)/$(field active_slot)" "restart/app-1.0/a" "first boot: app-1.0 active in slot a"
is "$(field server)" "https://$LAB_SRV_IP4/" "first boot: the script came over HTTPS (TLSSRVR first)"
is "$(phase_status image)/$(phase_status commit)" "ok/ok" "first boot: image and commit phases in the timeline"
is "$(field files.0),$(field files.1),$(field files.2)" "96x1Supgrade.txt,46xxsettings.txt,0a0b0c0d0e0f.txt" \
	"first boot: the settings chain (settings file, then the per-MAC file)"
is "$(image_gets app-1.0)" 1 "first boot: nginx served the image once"
env_file=$st/params.env
grep -q "^RB_PERMAC='from the per-MAC file'$" "$env_file" && grep -q "^RB_SNTPSRVR='192.0.2.9'$" "$env_file"
is "$?" 0 "first boot: settings applied and exported to the env file"
[ -f "$st/timeline.json" ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$st/timeline.json"
is "$?" 0 "first boot: the timeline is stored in the state directory as JSON"
conns=$(awk '$4 ~ /GET/ {print $1}' "$LAB_NGINX_LOG" | sort -u | wc -l)
is "$conns" 1 "first boot: script, image and settings shared one HTTPS connection (keep-alive)"

# --- second boot: APPNAME is the active image, nothing downloaded
boot --sson "$sson"
is "$rc" 0 "second boot: exit 0 (ready)"
is "$(phase_status image)" "skipped" "second boot: the image phase is skipped"
is "$(image_gets app-1.0)" 1 "second boot: nginx's access log shows no second image download"

# --- a new APPNAME: downloaded into the other slot, then confirmed
ok "mark-good confirms app-1.0" "$rb" mark-good --state-dir "$st"
script app-2.0
boot --sson "$sson"
is "$rc/$(field active)/$(field active_slot)" "3/app-2.0/b" "new APPNAME: app-2.0 committed into slot b"
ok "mark-good confirms app-2.0" "$rb" mark-good --state-dir "$st"
st_json=$("$rb" --json status --state-dir "$st")
case $st_json in *'"app-1.0"'*'"app-2.0"'*|*'"app-2.0"'*'"app-1.0"'*) pass "status shows both slots' images" ;;
*) fail "status shows both slots' images"; diag "$st_json" ;; esac

# --- a boot killed between the record switch and the commit hook: the next
# boot runs the owed hook before the image step (which would otherwise find
# APPNAME active and skip), and asks for the restart the boot loader now expects
hook=$LAB_DIR/hook.sh
printf '#!/bin/sh\necho "$RINGBOOT_EVENT $1 $RINGBOOT_IMAGE_NAME" >> "%s/hook.log"\n[ ! -e "%s/hook.fail" ]\n' \
	"$LAB_DIR" "$LAB_DIR" > "$hook"
chmod +x "$hook"
owed() { "$rb" --json status --state-dir "$st" |
	python3 -c 'import json,sys; v=json.load(sys.stdin)["hook_owed"]; print(v or "")'; }
killed_boot() { # [BOOT OPTIONS]
	lab_phone env RINGBOOT_FAULT=hook:1 "$rb" --json boot --config "$conf" --state-dir "$st" \
		--sson "$sson" --hook "$hook" "$@" > /dev/null 2>&1
	rc=$?
}
# The kernel boot id the agent sees (RINGBOOT_BOOT_ID): each test "boot" gets its own.
boots=0
new_boot() { boots=$((boots + 1)); RINGBOOT_BOOT_ID=$(printf '00000000-0000-4000-8000-%012d' $boots); }
export RINGBOOT_BOOT_ID
new_boot
jstatus() { "$rb" --json status --state-dir "$st" |
	python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print("" if v is None else v)' "$1"; }
st_main=$st st=$LAB_DIR/state-hook
script app-1.0
killed_boot
is "$rc/$(owed)" "137/commit" "boot killed right before the commit hook: the record owes it"
: > "$LAB_DIR/hook.log"
boot --sson "$sson" --hook "$hook"
is "$rc/$(phase_status hook)/$(phase_status image)" "3/ok/skipped" \
	"the next boot runs the owed commit hook first, then skips the image and asks for a restart"
is "$(cat "$LAB_DIR/hook.log")/$(owed)" "commit a app-1.0/" "the owed hook ran once; nothing owed"
nok "mark-good in the same boot refuses (the old image is running)" "$rb" mark-good --state-dir "$st" --hook "$hook"
boot --sson "$sson" --hook "$hook"
is "$rc/$(phase_status hook)/$(phase_status image)" "3/skipped/skipped" \
	"a second boot run in the same boot still asks for the restart"
new_boot	# the restart into slot a
ok "mark-good with the hook, after the restart" "$rb" mark-good --state-dir "$st" --hook "$hook"
script app-2.0
killed_boot
is "$rc/$(owed)" "137/commit" "a second boot killed before its commit hook"
: > "$LAB_DIR/hook.log"
touch "$LAB_DIR/hook.fail"
boot --sson "$sson" --hook "$hook"
is "$rc/$(field phase)/$(phase_status hook)/$(phase_status image)/$(phase_status apply)" "1/hook/failed/skipped/ok" \
	"a failing owed hook: the boot fails in phase hook, takes no image step, still applies the settings"
case $(field reason) in *"$hook"*"event commit"*) pass "the reason names the hook and the event" ;;
	*) fail "the reason names the hook and the event"; diag "$(field reason)" ;; esac
is "$(owed)" "commit" "the commit event is still owed"
rm "$LAB_DIR/hook.fail"
: > "$LAB_DIR/hook.log"
boot --sson "$sson" --hook "$hook"
is "$rc/$(phase_status hook)/$(field active_slot)/$(owed)" "3/ok/b/" "once the hook works, the next boot settles it"
is "$(cat "$LAB_DIR/hook.log")" "commit b app-2.0" "the owed hook ran exactly once more"
new_boot
ok "confirmed after the restart" "$rb" mark-good --state-dir "$st" --hook "$hook"

# --- as ringboot.service runs it: count-boot before boot. The update to
# app-1.0 is killed before its commit hook; the handset restarts, and the
# boot loader, never told, starts the old image. In that boot count-boot runs
# the late hook and counts nothing, mark-good refuses, boot exits 3 (also
# when a later phase fails: the failure is reported all the same). The next
# boot counts and confirms.
# app-1.0 is older than app-2.0, confirmed: no downgrade from the network...
script app-1.0
gen=$(jstatus generation)
before=$(image_gets app-1.0)
boot --sson "$sson" --hook "$hook"
is "$rc/$(field phase)/$(phase_status image)/$(field active)/$(jstatus generation)" \
	"1/image/failed/app-2.0/$gen" "a script naming the older app-1.0: refused in the image phase, nothing written"
case $(field reason) in *"app-1.0 1.0 is older than 2.0"*"--allow-downgrade"*) pass "the reason names the versions" ;;
	*) fail "the reason names the versions"; diag "$(field reason)" ;; esac
is "$(jstatus floor)" "2.0" "the rollback floor is app-2.0's version"
# ... only the command line allows it
killed_boot --allow-downgrade
is "$(image_gets app-1.0)" $((before + 2)) "both boots fetched the image (the first stopped on its header)"
is "$rc/$(owed)" "137/commit" "ringboot.service order: the update to app-1.0 (--allow-downgrade) is killed before its hook"
new_boot
late_boot=$RINGBOOT_BOOT_ID
: > "$LAB_DIR/hook.log"
out=$(lab_phone "$rb" count-boot --state-dir "$st" --hook "$hook" 2>&1)
is "$?/$(cat "$LAB_DIR/hook.log")" "0/commit a app-1.0" "count-boot runs the owed commit hook"
is "$(owed)/$(jstatus pending)/$(jstatus tries)/$(jstatus restart_due)" "/True/0/True" \
	"count-boot does not count the boot the late hook ran in"
case $out in *"not counted"*) pass "count-boot says so" ;; *) fail "count-boot says so"; diag "$out" ;; esac
gen=$(jstatus generation)
out=$(lab_phone "$rb" mark-good --state-dir "$st" --hook "$hook" 2>&1)
is "$?/$(jstatus pending)/$(jstatus generation)" "1/True/$gen" "mark-good in that boot refuses, the record unchanged"
case $out in *"commit hook ran during this boot"*"still the old image"*) pass "mark-good says why" ;;
	*) fail "mark-good says why"; diag "$out" ;; esac
script app-2.0	# an image other than the pending one: refused (it awaits mark-good)
boot --sson "$sson" --hook "$hook"
is "$rc/$(field result)/$(field phase)/$(phase_status hook)/$(phase_status image)/$(phase_status apply)" \
	"3/restart/image/skipped/failed/ok" \
	"boot in that boot: exit 3, a restart outranks the later image failure, which is reported"
case $(field reason) in *"mark-good"*) pass "the image failure's reason is reported" ;;
	*) fail "the image failure's reason is reported"; diag "$(field reason)" ;; esac
script app-1.0
boot --sson "$sson" --hook "$hook"
is "$rc/$(field result)/$(field phase)/$(phase_status hook)/$(phase_status image)/$(field active_slot)" \
	"3/restart//skipped/skipped/a" "boot in that boot with the pending image's APPNAME: exit 3"
is "$(cat "$LAB_DIR/hook.log")/$(jstatus tries)" "commit a app-1.0/0" "boot ran no hook and counted nothing"
grep -qx "hookboot $late_boot" "$st/slots.state"
is "$?" 0 "the record holds the boot the late hook ran in"
new_boot	# the restart: the boot loader starts app-1.0 now
ok "the next boot: count-boot" lab_phone "$rb" count-boot --state-dir "$st" --hook "$hook"
is "$(jstatus tries)/$(jstatus restart_due)" "1/False" "the next boot is counted"
boot --sson "$sson" --hook "$hook"
is "$rc/$(field result)/$(phase_status hook)" "0/ready/" "the next boot's boot: ready (exit 0), no hook phase"
ok "the next boot: mark-good confirms" "$rb" mark-good --state-dir "$st" --hook "$hook"
is "$(jstatus pending)/$(tail -n 1 "$LAB_DIR/hook.log")" "False/good a app-1.0" "confirmed, the good hook ran"
unset RINGBOOT_BOOT_ID
st=$st_main

# --- bad images: refused, the active image stays
for bad in app-rogue app-other-model; do
	script $bad
	boot --sson "$sson"
	is "$rc/$(field phase)/$(field active)" "1/image/app-2.0" "bad image $bad: boot fails in the image phase, app-2.0 stays active"
done
printf '\x00\x01' | dd of="$LAB_WWW/app-2.0" bs=1 seek=5000 conv=notrunc 2>/dev/null
script app-2.0
# app-2.0 is active, so the flipped copy on the server is never fetched:
boot --sson "$sson"
is "$rc/$(phase_status image)" "0/skipped" "the active APPNAME is not fetched again, even when the server's copy changed"
pack app-3.0 3.0 9608 && printf '\xff' | dd of="$LAB_WWW/app-3.0" bs=1 seek=9000 conv=notrunc 2>/dev/null
script app-3.0
boot --sson "$sson"
is "$rc/$(field phase)/$(field active)" "1/image/app-2.0" "a payload bit-flip is refused at commit, app-2.0 stays active"

# --- server fallbacks
script app-2.0
boot --sson "TLSSRVR=$LAB_SRV_IP4,TLSPORT=4443,HTTPSRVR=$LAB_SRV_IP4,TFTPSRVR=$LAB_SRV_IP4"
is "$rc $(field server) $(field fallbacks)" "0 http://$LAB_SRV_IP4/ 1" "HTTPS down (refused): falls back to HTTP"
boot --sson "HTTPSRVR=$LAB_SRV_IP4,HTTPPORT=8080,TFTPSRVR=$LAB_SRV_IP4"
is "$rc/$(field server)" "0/tftp://$LAB_SRV_IP4/" "HTTP down (refused): falls back to TFTP"
boot --sson "HTTPSRVR=$LAB_SRV_IP4,HTTPDIR=nowhere,TFTPSRVR=$LAB_SRV_IP4"
is "$rc/$(field server)" "0/tftp://$LAB_SRV_IP4/" "HTTP 404 for the script: falls back to TFTP"
boot --sson "HTTPSRVR=$LAB_SRV_IP4,TFTPSRVR=$LAB_SRV_IP4"
is "$(field server)" "http://$LAB_SRV_IP4/" "once HTTP delivered the script, TFTP is not tried"

# --- a certificate from the wrong CA
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=other CA" \
	-keyout "$LAB_DIR/other.key" -out "$LAB_DIR/other-ca.pem" 2>/dev/null
before=$(wc -l < "$LAB_NGINX_LOG")
boot --sson "$sson,AUTH=1" --ca "$LAB_DIR/other-ca.pem"
after=$(wc -l < "$LAB_NGINX_LOG")
is "$rc/$(field phase)/$(field active)" "1/script/app-2.0" "AUTH=1 and a certificate that does not verify: the boot fails safely"
is "$((after - before))" 0 "AUTH=1: no request reached HTTP (no fallback)"
boot --sson "$sson" --ca "$LAB_DIR/other-ca.pem"
is "$rc/$(field server)" "0/http://$LAB_SRV_IP4/" "AUTH=0 and a bad certificate: falls back to HTTP"
case $(field fallback_reason) in *ertificate*|*verif*|*CA*|*signer*) pass "AUTH=0: the report says why HTTPS was not used" ;;
*) fail "AUTH=0: the report says why HTTPS was not used"; diag "$(field fallback_reason)" ;; esac

# --- a missing settings file is not a failure
mv "$LAB_WWW/46xxsettings.txt" "$LAB_WWW/46xxsettings.txt.off"
boot --sson "$sson"
is "$rc/$(phase_status settings)" "0/failed" "a missing settings file: the boot still succeeds"
mv "$LAB_WWW/46xxsettings.txt.off" "$LAB_WWW/46xxsettings.txt"

# --- without MACADDR in the configuration, the interface's own MAC names the per-MAC file
mac=$(lab_phone cat "/sys/class/net/$LAB_PHONE_IF/address" | tr -d ':')
printf 'SET PERMAC "from the interface MAC"\n' > "$LAB_WWW/$mac.txt"
chmod 644 "$LAB_WWW/$mac.txt"
sed -i '/^SET MACADDR /d' "$conf"
printf 'SET INTERFACE %s\n' "$LAB_PHONE_IF" >> "$conf"
boot --sson "$sson"
is "$rc/$(field files.2)" "0/$mac.txt" "no MACADDR configured: \$MACADDR is the interface's MAC"

# --- DHCP: option 242 from the real dnsmasq names the servers
lab_dnsmasq --opt242 "HTTPSRVR=$LAB_SRV_IP4,TFTPSRVR=$LAB_SRV_IP4" || bail "dnsmasq"
lab_phone ip addr flush dev "$LAB_PHONE_IF"
boot --iface "$LAB_PHONE_IF"
is "$rc/$(phase_status dhcp)/$(field server)" "0/ok/http://$LAB_SRV_IP4/" "DHCP option 242 from dnsmasq drives the boot"
[ "$rc" = 0 ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"
lab_phone ip addr add "$LAB_PHONE_IP4/24" dev "$LAB_PHONE_IF" 2>/dev/null

# --- the real sample files, unchanged: wazo's J100Supgrade.txt and a real 46xxsettings.txt
cp "$data/wazo-orig_J100Supgrade.txt" "$LAB_WWW/J100Supgrade.txt"
cp "$data/mkrasselt_46xxsettings.txt" "$LAB_WWW/46xxsettings.txt"
pack FW_S_J179_R4_1_3_0_6.bin 4.1.3.0.6 J179 || bail "pack"
chmod 644 "$LAB_WWW"/*
sed -i 's/^SET MODEL4 9608$/SET MODEL4 J179/; s/^SET MODEL 9608D01A$/SET MODEL J179/' "$conf"
st=$LAB_DIR/state-j179
boot --sson "$sson"
is "$rc/$(field script)/$(field active)" "3/J100Supgrade.txt/FW_S_J179_R4_1_3_0_6.bin" \
	"sample J100Supgrade.txt: a J179 fetches and commits the image the script names"
is "$(field files.1)" "46xxsettings.txt" "sample files: the real 46xxsettings.txt is interpreted"
boot --sson "$sson"
is "$rc/$(phase_status image)" "0/skipped" "sample files: the second boot skips the image"
done_testing
