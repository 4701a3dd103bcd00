#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Parameter names as settings files of other provisioning systems write them
# (SET SIP-Transport UDP in a 16xx/46xx settings file, dotted names): a boot
# against nginx keeps them (params), exports them for the handset's software
# (params.env: '-' and '.' become '_', sourced by a real shell), loads them
# again on the next boot, and refuses, with a comment and a warning, a
# variable two parameters would share.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=$RINGBOOT_BIN

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx"

printf 'GET 16xxsettings.txt\r\n' > "$LAB_WWW/16xxupgrade.txt"
# CRLF, as settings files edited on the provisioning server's side come
cat > "$LAB_DIR/16xxsettings.txt" <<'EOF'
## SIP settings of the phones on this site
SET SIP-Transport UDP
SET SIP-Proxy-Port 5060
SET voIpProt.SIP.outboundProxy "192.0.2.5"
SET SIPDOMAIN example.test
IF $SIP-TRANSPORT SEQ udp GOTO UDP
SET TRANSPORT_BRANCH other
GOTO END
# UDP
SET TRANSPORT_BRANCH udp
# END
EOF
sed 's/$/\r/' "$LAB_DIR/16xxsettings.txt" > "$LAB_WWW/16xxsettings.txt"
chmod 644 "$LAB_WWW"/*.txt

conf=$LAB_DIR/ringboot.conf
printf 'SET MODEL4 1616\nSET MACADDR 0a0b0c0d0e0f\nSET RETRY_MAX 1\n' > "$conf"
st=$LAB_DIR/state
json=$LAB_DIR/boot.json
boot() {
	lab_phone "$rb" --json boot --config "$conf" --state-dir "$st" --sson "HTTPSRVR=$LAB_SRV_IP4" \
		> "$json" 2> "$LAB_DIR/boot.err"
	rc=$?
}
field() { lab_json_field "$json" "$1"; }
exported() { sh -c '. "$1" && eval "printf %s \"\${RB_$2-(unset)}\""' sh "$st/params.env" "$1"; }

boot
is "$rc/$(field warnings)/$(field files.1)" "0/0/16xxsettings.txt" "the 16xx settings file is interpreted without a warning"
[ "$rc" = 0 ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"
is "$(exported SIP_TRANSPORT)/$(exported SIP_PROXY_PORT)/$(exported VOIPPROT_SIP_OUTBOUNDPROXY)/$(exported SIPDOMAIN)" \
	"UDP/5060/192.0.2.5/example.test" "params.env exports them, '-' and '.' as '_' (sourced by sh)"
grep -qx "# RB_SIP_TRANSPORT: SIP-TRANSPORT" "$st/params.env" &&
	grep -qx "# RB_VOIPPROT_SIP_OUTBOUNDPROXY: VOIPPROT.SIP.OUTBOUNDPROXY" "$st/params.env"
is "$?" 0 "a comment line names the parameter behind each mapped variable"
is "$(exported TRANSPORT_BRANCH)" udp "IF \$SIP-TRANSPORT sees the value"
grep -q "^SIP-TRANSPORT file 2 =16xxsettings.txt =UDP$" "$st/params"
is "$?" 0 "params keeps the name as written (upper case), its file and line"

# --- the next boot loads them again from params
mv "$LAB_WWW/16xxsettings.txt" "$LAB_DIR/16xxsettings.off"
boot
is "$rc/$(exported SIP_TRANSPORT)" "0/(unset)" "settings file missing: SIP-TRANSPORT goes like any other name"
grep -q "ignoring .*params" "$LAB_DIR/boot.err"
is "$?" 1 "the params file with such names loaded (no 'ignoring')"
mv "$LAB_DIR/16xxsettings.off" "$LAB_WWW/16xxsettings.txt"

# --- the owner's SIP_TRANSPORT and the file's SIP-Transport: one variable, the owner's name keeps it
printf 'SET SIP_TRANSPORT TLS\n' >> "$conf"
boot
is "$rc/$(exported SIP_TRANSPORT)" "0/TLS" "RB_SIP_TRANSPORT stays SIP_TRANSPORT's"
grep -qx "# SIP-TRANSPORT not exported: RB_SIP_TRANSPORT stands for another parameter too" "$st/params.env"
is "$?" 0 "params.env says why SIP-TRANSPORT is not exported"
grep -q "SIP-TRANSPORT not exported" "$LAB_DIR/boot.err"
is "$?" 0 "and the boot warns"
grep -q "^SIP-TRANSPORT file 2 =16xxsettings.txt =UDP$" "$st/params"
is "$?" 0 "SIP-TRANSPORT is still kept in params"
done_testing
