#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the network may not change, end to end against the lab's real nginx
# and dnsmasq: the upgrade script sees every parameter the boot has, also
# when the new option 242 lacks a name the last one had; the owner's AUTH=1
# stands against a DHCP server's option 242 saying AUTH=0; a J169 stays a
# J169 when option 242 says MODEL4=J129 (its script branch, the image models
# it accepts and the upgrade script it asks for); a settings file that
# cannot be fetched leaves the values the J100 guide says a phone retains;
# params.env (it holds passwords) is root's only.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=$RINGBOOT_BIN

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx"

conf=$LAB_DIR/ringboot.conf
cat > "$conf" <<EOF
SET MODEL4 9608
SET SIG 2
SET MACADDR 0a:0b:0c:0d:0e:0f
SET CA_FILE $LAB_CA
SET RETRY_MAX 2
SET RETRY_BASE_MS 50
EOF
st=$LAB_DIR/state
json=$LAB_DIR/boot.json
srv=$LAB_SRV_IP4

# boot [ARGS...]: a boot in the phone namespace; $rc and $json hold the outcome.
boot() {
	lab_phone "$rb" --json boot --config "$conf" --state-dir "$st" "$@" > "$json" 2> "$LAB_DIR/boot.err"
	rc=$?
}
field() { lab_json_field "$json" "$1"; }
phase_detail() { lab_json_phase "$json" "$1" detail; }
# exported NAME: the value params.env exports for NAME (sourced by a real shell).
exported() { sh -c '. "$1" && eval "printf %s \"\${RB_$2-(unset)}\""' sh "$st/params.env" "$1"; }
www() { # NAME: stdin becomes the file NAME on the servers
	cat > "$LAB_WWW/$1" && chmod 644 "$LAB_WWW/$1"
}

# --- every parameter reaches the script's IF, whatever the last lease had
www 96x1Supgrade.txt <<'EOF'
IF $MARK SEQ blue GOTO BLUE
SET BRANCH none
GOTO END
# BLUE
SET BRANCH blue
# END
EOF
boot --sson "HTTPSRVR=$srv,TFTPSRVR=$srv,MARK=blue"
is "$rc/$(exported BRANCH)" "0/blue" "the script's IF sees a name of option 242"
boot --sson "HTTPSRVR=$srv,MARK=blue"
is "$rc/$(exported BRANCH)" "0/blue" \
	"a new option 242 without TFTPSRVR: the IF still sees the names after it"
[ "$rc" = 0 ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"
is "$(exported TFTPSRVR)" "(unset)" "the name the new string lacks is gone"
is "$(stat -c %a "$st/params.env")/$(stat -c %a "$st/params")" "600/600" \
	"the boot writes params.env and params for root only"

# --- a settings file that cannot be fetched: the values the J100 guide says
# a phone retains stay, the others go; a settings file that arrives replaces
sson="HTTPSRVR=$srv"
www 96x1Supgrade.txt <<'EOF'
GET 46xxsettings.txt
EOF
www 46xxsettings.txt <<'EOF'
SET AGCHAND 1
SET LOG_CATEGORY SIP
SET LOGSRVR 192.0.2.50
SET SNTPSRVR 192.0.2.9
SET TLSSRVRID 1
EOF
boot --sson "$sson"
is "$rc/$(exported AGCHAND)/$(exported LOGSRVR)/$(exported SNTPSRVR)" "0/1/192.0.2.50/192.0.2.9" \
	"the settings file's values are applied"
mv "$LAB_WWW/46xxsettings.txt" "$LAB_DIR/46xxsettings.txt.off"
boot --sson "$sson"
is "$rc/$(exported AGCHAND)/$(exported LOG_CATEGORY)/$(exported TLSSRVRID)" "0/1/SIP/1" \
	"settings file missing: AGCHAND, LOG_CATEGORY (the guide) and TLSSRVRID (a security name) retained"
is "$(exported LOGSRVR)/$(exported SNTPSRVR)" "(unset)/(unset)" \
	"settings file missing: LOGSRVR (the guide) and SNTPSRVR (not in the table) not retained"
case $(phase_detail apply) in *"no settings file: 3 value(s) of the last one retained"*)
	pass "the apply phase says what it retained" ;;
*) fail "the apply phase says what it retained"; diag "$(cat "$json")" ;; esac
boot --sson "$sson"
is "$(exported AGCHAND)/$(exported LOGSRVR)" "1/(unset)" "a second boot without it: still retained"
www 46xxsettings.txt <<'EOF'
SET SNTPSRVR 192.0.2.9
GET $MACADDR.txt
EOF
boot --sson "$sson"
# (TLSSRVRID stays 1: Avaya's default, in the owner's default layer; the file's layer is gone)
is "$rc/$(exported AGCHAND)/$(exported TLSSRVRID)/$(grep -c '^TLSSRVRID file ' "$st/params")/$(exported SNTPSRVR)" \
	"0/(unset)/1/0/192.0.2.9" \
	"a settings file that arrives replaces everything the last one set (a missing per-MAC file GET by it changes nothing)"

# --- DHCP from the real dnsmasq: option 242 tries to lower what the owner set
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=other CA" \
	-keyout "$LAB_DIR/other.key" -out "$LAB_DIR/other-ca.pem" 2>/dev/null || bail "openssl"
dnsmasq_242() { # STRING: (re)start dnsmasq with this option 242
	[ -s "$LAB_DIR/dnsmasq.pid" ] && kill "$(cat "$LAB_DIR/dnsmasq.pid")" 2>/dev/null && sleep 0.3
	lab_dnsmasq --opt242 "$1" -- --no-ping || bail "dnsmasq"
	lab_phone ip addr flush dev "$LAB_PHONE_IF"
}
printf 'SET AUTH 1\n' >> "$conf"
dnsmasq_242 "TLSSRVR=$srv,HTTPSRVR=$srv,AUTH=0"
before=$(wc -l < "$LAB_NGINX_LOG")
boot --iface "$LAB_PHONE_IF" --ca "$LAB_DIR/other-ca.pem"
after=$(wc -l < "$LAB_NGINX_LOG")
is "$rc/$(field phase)" "1/script" \
	"configured AUTH=1, option 242 AUTH=0, a certificate that does not verify: the boot fails"
is "$((after - before))" 0 "option 242 AUTH=0 does not bring plain HTTP back"
is "$(exported AUTH)" 1 "params.env exports the owner's AUTH=1"
boot --iface "$LAB_PHONE_IF"
is "$rc/$(field server)" "0/https://$srv/" "with the right CA the same lease boots over HTTPS"

# --- option 242 says MODEL4=J129: the handset's identity is still its own
keys=$LAB_DIR/keys
mkdir -p "$keys/trusted"
"$rb" image keygen --out "$keys/signer" > /dev/null || bail "keygen"
cp "$keys/signer.pub" "$keys/trusted/"
pack() { # NAME MODELS: an image signed for MODELS only
	head -c 300000 /dev/urandom > "$LAB_DIR/payload"
	"$rb" image pack --key "$keys/signer" --name "$1" --version 1.0 --models "$2" \
		"$LAB_DIR/payload" -o "$LAB_WWW/$1" > /dev/null && chmod 644 "$LAB_WWW/$1"
}
pack app-j129 J129 || bail "pack"
pack app-j169 J169 || bail "pack"
www J100Supgrade.txt <<'EOF'
IF $MODEL4 SEQ J129 GOTO J129
SET APPNAME app-j169
GOTO END
# J129
SET APPNAME app-j129
# END
EOF
sed -i 's/^SET MODEL4 9608$/SET MODEL4 J169/' "$conf"
printf 'SET IMAGE_KEYS_DIR %s\n' "$keys/trusted" >> "$conf"
dnsmasq_242 "TLSSRVR=$srv,MODEL4=J129,MODEL=J129D01A,MODEL6=J129SW,HWVERS=9"
boot --iface "$LAB_PHONE_IF"
is "$rc/$(field script)/$(field active)" "3/J100Supgrade.txt/app-j169" \
	"a J169 told MODEL4=J129 by option 242: IF \$MODEL4 sees J169, its own image is committed"
[ "$rc" = 3 ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"
is "$(exported MODEL4)" J169 "params.env exports the handset's own MODEL4"
echo 'SET APPNAME app-j129' | www J100Supgrade.txt
st_main=$st st=$LAB_DIR/state-fresh	# a handset with no image yet
boot --iface "$LAB_PHONE_IF"
is "$rc/$(field phase)/$(field active)" "1/image/" \
	"an image signed only for J129 is refused by the J169 option 242 calls a J129"
case $(field reason) in *odel*) pass "the refusal names the model" ;;
*) fail "the refusal names the model"; diag "$(field reason)" ;; esac
st=$st_main
sed -i 's/^SET MODEL4 J169$/SET MODEL4 9608/' "$conf"
boot --iface "$LAB_PHONE_IF"
is "$rc/$(field script)" "0/96x1Supgrade.txt" "a 9608 told MODEL4=J129 asks for the 96x1 upgrade script"
sed -i '/^SET MODEL4 /d' "$conf"
boot --iface "$LAB_PHONE_IF"
is "$rc/$(field phase)" "1/config" "no MODEL4 configured: option 242's MODEL4 picks no upgrade script"
case $(field reason) in *"no upgrade script"*) pass "and the boot says why" ;;
*) fail "and the boot says why"; diag "$(field reason)" ;; esac

done_testing
