#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `SET APPNAME firmware/FW_S_J169_R4_1_3_0_6.bin`, as provisioning systems
# publish their J100 upgrade scripts (the image under a directory of the file
# server): the boot fetches the whole path from nginx (HTTPS) and from
# tftpd-hpa, the image check, "already active" and the slot record compare the
# file name, which is what the signer put in the header. An APPNAME that is no
# file name (a '..' component) is refused before anything is fetched.
# `status --have` answers for the script's APPNAME the same way.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=$RINGBOOT_BIN

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx"
lab_tftpd_hpa || bail "tftpd-hpa"

keys=$LAB_DIR/keys trusted=$LAB_DIR/trusted
mkdir -p "$keys" "$trusted" "$LAB_WWW/firmware"
chmod 755 "$LAB_WWW/firmware"
"$rb" image keygen --out "$keys/signer" > /dev/null || bail "keygen"
cp "$keys/signer.pub" "$trusted/"
pack() { # NAME VERSION MODELS: a signed image in $LAB_WWW/firmware/NAME
	head -c $((500000 + RANDOM * 7)) /dev/urandom > "$LAB_DIR/payload"
	"$rb" image pack --key "$keys/signer" --name "$1" --version "$2" --models "$3" \
		"$LAB_DIR/payload" -o "$LAB_WWW/firmware/$1" > /dev/null &&
		chmod 644 "$LAB_WWW/firmware/$1"
}
pack FW_S_J169_R4_1_3_0_6.bin 4.1.3.0.6 J169 || bail "pack"
pack FW_S_J179_R4_1_3_0_6.bin 4.1.3.0.6 J179 || bail "pack"

# The shape of a published J100 upgrade script (a provisioning system's
# J100Supgrade.txt for R4.1.3.0.6): images under firmware/, an expansion
# module's image too, then the per-MAC file.
cat > "$LAB_WWW/J100Supgrade.txt" <<'EOF'
IF $MODEL4 SEQ J169 GOTO J169_SW
IF $MODEL4 SEQ J179 GOTO J179_SW

GOTO GETSET

# J169_SW
SET APPNAME firmware/FW_S_J169_R4_1_3_0_6.bin
SET JEM24_APPNAME firmware/FW_JEM24_R1_0_1_0_25.bin
GOTO GETSET

# J179_SW
SET APPNAME firmware/FW_S_J179_R4_1_3_0_6.bin
SET JEM24_APPNAME firmware/FW_JEM24_R1_0_1_0_25.bin
GOTO GETSET

# GETSET
GET $MACADDR.cfg
EOF
printf 'SET SIPDOMAIN example.test\n' > "$LAB_WWW/0a0b0c0d0e0f.cfg"
chmod 644 "$LAB_WWW"/*.txt "$LAB_WWW"/*.cfg

conf=$LAB_DIR/ringboot.conf
cat > "$conf" <<EOF
SET MODEL4 J169
SET MODEL J169
SET SIG 2
SET MACADDR 0a:0b:0c:0d:0e:0f
SET IMAGE_KEYS_DIR $trusted
SET CA_FILE $LAB_CA
SET RETRY_MAX 2
SET RETRY_BASE_MS 50
EOF
json=$LAB_DIR/boot.json
boot() { # STATE_DIR SSON
	lab_phone "$rb" --json boot --config "$conf" --state-dir "$1" --sson "$2" > "$json" \
		2> "$LAB_DIR/boot.err"
	rc=$?
}
field() { lab_json_field "$json" "$1"; }
phase() { lab_json_phase "$json" "$1" "$2"; }
gets() { grep -c "GET /$1 " "$LAB_NGINX_LOG"; }

# --- HTTPS from nginx
st=$LAB_DIR/state-https
boot "$st" "TLSSRVR=$LAB_SRV_IP4"
is "$rc/$(field result)/$(field active)/$(field active_slot)" "3/restart/FW_S_J169_R4_1_3_0_6.bin/a" \
	"HTTPS: the image under firmware/ is committed; the slot holds its file name"
[ "$rc" = 3 ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"
is "$(gets firmware/FW_S_J169_R4_1_3_0_6.bin)" 1 "HTTPS: nginx served /firmware/FW_S_J169_R4_1_3_0_6.bin"
is "$(field appname)" "firmware/FW_S_J169_R4_1_3_0_6.bin" "the report names the APPNAME as the script set it"
case $(phase image detail) in "https://$LAB_SRV_IP4/firmware/FW_S_J169_R4_1_3_0_6.bin "*) pass "the image phase names the whole path" ;;
	*) fail "the image phase names the whole path"; diag "$(phase image detail)" ;; esac
is "$(field files.1)" "0a0b0c0d0e0f.cfg" "the script's GET \$MACADDR.cfg followed"
grep -q "^RB_APPNAME='firmware/FW_S_J169_R4_1_3_0_6.bin'$" "$st/params.env" &&
	grep -q "^RB_JEM24_APPNAME='firmware/FW_JEM24_R1_0_1_0_25.bin'$" "$st/params.env"
is "$?" 0 "APPNAME and JEM24_APPNAME are exported as the script wrote them"
out=$("$rb" status --state-dir "$st" 2>&1)
case $out in *FW_S_J169_R4_1_3_0_6.bin*4.1.3.0.6*) pass "status shows the image by its name" ;;
	*) fail "status shows the image by its name"; diag "$out" ;; esac
ok "status --have with the script's APPNAME (directory and all)" \
	"$rb" status --state-dir "$st" --have firmware/FW_S_J169_R4_1_3_0_6.bin
nok "status --have another image" "$rb" status --state-dir "$st" --have firmware/FW_S_J179_R4_1_3_0_6.bin

boot "$st" "TLSSRVR=$LAB_SRV_IP4"
is "$rc/$(phase image status)" "0/skipped" "second boot: the active image is recognised by its file name"
case $(phase image detail) in "FW_S_J169_R4_1_3_0_6.bin is the active image (slot a)") pass "the skip names the image" ;;
	*) fail "the skip names the image"; diag "$(phase image detail)" ;; esac
is "$(gets firmware/FW_S_J169_R4_1_3_0_6.bin)" 1 "second boot: nothing downloaded again"

# --- TFTP from tftpd-hpa, another model, another state
st=$LAB_DIR/state-tftp
sed -i 's/^SET MODEL4 J169$/SET MODEL4 J179/; s/^SET MODEL J169$/SET MODEL J179/' "$conf"
boot "$st" "TFTPSRVR=$LAB_SRV_IP4"
is "$rc/$(field server)/$(field active)" "3/tftp://$LAB_SRV_IP4//FW_S_J179_R4_1_3_0_6.bin" \
	"TFTP: firmware/FW_S_J179_R4_1_3_0_6.bin fetched and committed by its file name"
[ "$rc" = 3 ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"
case $(phase image detail) in "tftp://$LAB_SRV_IP4/firmware/FW_S_J179_R4_1_3_0_6.bin "*) pass "TFTP: the request named the whole path" ;;
	*) fail "TFTP: the request named the whole path"; diag "$(phase image detail)" ;; esac
boot "$st" "TFTPSRVR=$LAB_SRV_IP4"
is "$rc/$(phase image status)" "0/skipped" "TFTP: the second boot skips the active image"

# --- an image whose header names another file than the one asked for
cp "$LAB_WWW/firmware/FW_S_J179_R4_1_3_0_6.bin" "$LAB_WWW/firmware/FW_S_J179_R4_1_3_0_7.bin"
sed -i 's|firmware/FW_S_J179_R4_1_3_0_6.bin|firmware/FW_S_J179_R4_1_3_0_7.bin|' "$LAB_WWW/J100Supgrade.txt"
boot "$st" "TFTPSRVR=$LAB_SRV_IP4"
is "$rc/$(field phase)/$(field active)" "1/image/FW_S_J179_R4_1_3_0_6.bin" \
	"a renamed image (header FW_S_J179_R4_1_3_0_6.bin, file ..._7.bin) is refused, the active one stays"
case $(field reason) in *"image is FW_S_J179_R4_1_3_0_6.bin, but FW_S_J179_R4_1_3_0_7.bin was asked for"*)
	pass "the reason compares the file names" ;;
	*) fail "the reason compares the file names"; diag "$(field reason)" ;; esac

# --- the file-name rules still hold for the directory
before=$(wc -l < "$LAB_NGINX_LOG")
sed -i 's|firmware/FW_S_J179_R4_1_3_0_7.bin|firmware/../FW_S_J179_R4_1_3_0_6.bin|' "$LAB_WWW/J100Supgrade.txt"
boot "$st" "TLSSRVR=$LAB_SRV_IP4"
is "$rc/$(field phase)/$(phase image status)/$(field active)" "1/image/failed/FW_S_J179_R4_1_3_0_6.bin" \
	"APPNAME firmware/../X: refused, although X is the active image"
case $(field reason) in *"refusing APPNAME 'firmware/../FW_S_J179_R4_1_3_0_6.bin'"*) pass "the reason says why" ;;
	*) fail "the reason says why"; diag "$(field reason)" ;; esac
is "$(grep -c 'GET /firmware/\.\./' "$LAB_NGINX_LOG")/$(( $(wc -l < "$LAB_NGINX_LOG") - before ))" "0/2" \
	"nothing with '..' was requested (only the script and the per-MAC file)"
done_testing
