#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Whole `ringboot boot`s against provisioning networks that share no server with
# the demo (dnsmasq, nginx, tftpd-hpa), built from tests/lab/interop.sh:
#  A: Kea DHCPv4 (option 242 from its option-def/option-data) + lighttpd HTTPS
#     on :443 presenting an RSA certificate from an intermediate CA (only the
#     root in CA_FILE) + Erlang/OTP's tftp on :69;
#  B: ISC dhcpd (`option avaya-242 code 242 = string;`) + stunnel allowing
#     TLS 1.2 only, in front of busybox httpd + mini_httpd for plain HTTP.
# Each commits a signed image (`ringboot image pack`) named by the upgrade
# script and applies the settings files (46xxsettings.txt, then $MACADDR.txt);
# the second boot finds the image active; a boot over TFTP alone (Erlang), one
# over HTTPS to lighttpd's IPv6 address, and a fallback from HTTPS to HTTP (AUTH=0, a certificate that does not verify)
# commit and apply too. The servers' own logs show they served the files.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/interop.sh"
rb=$RINGBOOT_BIN

# Mix A on the standard ports, as a site would run it.
export LAB_LIGHTTPD_HTTP_PORT=80 LAB_LIGHTTPD_HTTPS_PORT=443 LAB_ERL_TFTP_PORT=69
lab_setup || bail "lab_setup failed"
lab_lighttpd || bail "lighttpd"
lab_erl_tftpd || bail "Erlang tftp"

# --- keys, images and files on the servers
keys=$LAB_DIR/keys trusted=$LAB_DIR/trusted
mkdir -p "$keys" "$trusted"
"$rb" image keygen --out "$keys/signer" > /dev/null || bail "keygen"
cp "$keys/signer.pub" "$trusted/"
pack() { # NAME VERSION
	head -c $((1100000 + RANDOM * 7)) /dev/urandom > "$LAB_DIR/payload"
	"$rb" image pack --key "$keys/signer" --name "$1" --version "$2" --models 9608 \
		"$LAB_DIR/payload" -o "$LAB_WWW/$1" > /dev/null && chmod 644 "$LAB_WWW/$1"
}
for v in 1.0 2.0 3.0 4.0; do pack app-$v $v || bail "pack app-$v"; done
script() { # APPNAME SNTPSRVR: the upgrade script and settings file a 9608 (96x1, SIP) asks for
	cat > "$LAB_WWW/96x1Supgrade.txt" <<-EOF
	## interop upgrade script
	IF \$MODEL4 SEQ 9608 GOTO APP
	GOTO SETTINGS
	# APP
	SET APPNAME $1
	# SETTINGS
	GET 46xxsettings.txt
	EOF
	printf 'SET SNTPSRVR %s\nGET $MACADDR.txt\n' "$2" > "$LAB_WWW/46xxsettings.txt"
	chmod 644 "$LAB_WWW"/*.txt
}
mac=$(lab_phone cat "/sys/class/net/$LAB_PHONE_IF/address" | tr -d ':')
printf 'SET PERMAC "from %s.txt"\n' "$mac" > "$LAB_WWW/$mac.txt"
chmod 644 "$LAB_WWW/$mac.txt"

conf=$LAB_DIR/ringboot.conf
cat > "$conf" <<EOF
SET MODEL4 9608
SET MODEL 9608D01A
SET SIG 2
SET INTERFACE $LAB_PHONE_IF
SET IMAGE_KEYS_DIR $trusted
SET CA_FILE $LAB_CHAIN_ROOT
SET RETRY_MAX 2
SET RETRY_BASE_MS 50
EOF
st=$LAB_DIR/state
json=$LAB_DIR/boot.json
boot() {
	lab_phone "$rb" --json boot --config "$conf" --state-dir "$st" "$@" > "$json" 2> "$LAB_DIR/boot.err"
	rc=$?
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v,list) else v.get(k)
print("" if v is None else v)' "$json" "$1" 2>/dev/null; }
phase_status() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(",".join(p["status"] for p in d["timeline"] if p["phase"]==sys.argv[2]))' "$json" "$1" 2>/dev/null; }
why() { [ "$rc" = "$1" ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"; }
applied() { # SNTPSRVR: the settings of this boot are in the env file
	grep -q "^RB_SNTPSRVR='$1'$" "$st/params.env" && grep -q "^RB_PERMAC='from $mac.txt'$" "$st/params.env"
}
dhcp_mode() { lab_phone ip addr flush dev "$LAB_PHONE_IF"; }
static_mode() {
	lab_phone ip addr flush dev "$LAB_PHONE_IF"
	lab_phone ip addr add "$LAB_PHONE_IP4/24" dev "$LAB_PHONE_IF"
	lab_phone ip -6 addr add "$LAB_PHONE_IP6/64" dev "$LAB_PHONE_IF" nodad
}

# === mix A: Kea + lighttpd (intermediate-CA chain) + Erlang tftp
ok "Kea starts" lab_kea_dhcp4 --opt242 "TLSSRVR=$LAB_SRV_IP4,HTTPSRVR=$LAB_SRV_IP4,TFTPSRVR=$LAB_SRV_IP4"
script app-1.0 192.0.2.91
dhcp_mode
boot --iface "$LAB_PHONE_IF"
is "$rc/$(field result)/$(field active)/$(field active_slot)" "3/restart/app-1.0/a" \
	"A, first boot: Kea's lease, app-1.0 committed into slot a, restart due"
why 3
is "$(phase_status dhcp)/$(field server)" "ok/https://$LAB_SRV_IP4/" \
	"A: option 242 from Kea sent the boot to lighttpd over HTTPS (root-only trust, chain from the server)"
is "$(field files.0),$(field files.1),$(field files.2)" "96x1Supgrade.txt,46xxsettings.txt,$mac.txt" \
	"A: the upgrade script, then the settings chain"
applied 192.0.2.91
is "$?" 0 "A: the settings are applied (env file)"
ip=$(lab_phone ip -4 -o addr show dev "$LAB_PHONE_IF" | awk '{print $4}' | cut -d/ -f1)
grep -q "^$ip," "$LAB_KEA_LEASES" && [ -n "$ip" ]
is "$?" 0 "A: the interface has Kea's lease ($ip), recorded in Kea's lease database"

boot --iface "$LAB_PHONE_IF"
is "$rc/$(phase_status image)" "0/skipped" "A, second boot: ready, the image is the active one"
why 0
ok "mark-good confirms app-1.0" "$rb" mark-good --state-dir "$st"

# --- TFTP only: Erlang's server delivers script, image and settings
script app-2.0 192.0.2.92
static_mode
boot --sson "TFTPSRVR=$LAB_SRV_IP4"
is "$rc/$(field server)/$(field active)/$(field active_slot)" "3/tftp://$LAB_SRV_IP4//app-2.0/b" \
	"A over TFTP (Erlang): app-2.0 committed into slot b"
why 3
applied 192.0.2.92
is "$?" 0 "A over TFTP: the settings are applied"
ok "mark-good confirms app-2.0" "$rb" mark-good --state-dir "$st"

# --- HTTPS over IPv6: the chain's certificate names 2001:db8::1 (an iPAddress SAN)
script app-2.0 192.0.2.95
boot --sson "TLSSRVR=$LAB_SRV_IP6"
is "$rc/$(field server)/$(phase_status image)" "0/https://[$LAB_SRV_IP6]//skipped" \
	"A over IPv6: lighttpd's HTTPS at [$LAB_SRV_IP6] delivers script and settings, app-2.0 stays"
why 0
applied 192.0.2.95
is "$?" 0 "A over IPv6: the settings are applied"
lab_stop kea-dhcp4
lab_stop lighttpd	# lighttpd buffers its access log; it is complete once lighttpd ended
lab_stop erl-tftpd
is "$(awk '{print $7 "/" $9}' "$LAB_LIGHTTPD_LOG" | tr '\n' ' ')" \
	"/96x1Supgrade.txt/200 /app-1.0/200 /46xxsettings.txt/200 /$mac.txt/200 /96x1Supgrade.txt/200 /46xxsettings.txt/200 /$mac.txt/200 /96x1Supgrade.txt/200 /46xxsettings.txt/200 /$mac.txt/200 " \
	"A: lighttpd served boot 1 the script, the image and both settings files, boot 2 and the IPv6 boot the same but the image, the TFTP boot nothing"

# === mix B: ISC dhcpd + stunnel (TLS 1.2 only) -> busybox httpd, mini_httpd for HTTP
lab_stunnel_tls12 || bail "stunnel"
lab_mini_httpd || bail "mini_httpd"
ok "ISC dhcpd starts" lab_isc_dhcpd --opt242 \
	"TLSSRVR=$LAB_SRV_IP4,TLSPORT=$LAB_TLS12_PORT,HTTPSRVR=$LAB_SRV_IP4,HTTPPORT=$LAB_MINI_HTTPD_PORT"
script app-3.0 192.0.2.93
dhcp_mode
boot --iface "$LAB_PHONE_IF"
is "$rc/$(field active)/$(field active_slot)" "3/app-3.0/a" "B: ISC dhcpd's lease, app-3.0 committed into slot a"
why 3
is "$(phase_status dhcp)/$(field server)" "ok/https://$LAB_SRV_IP4:$LAB_TLS12_PORT/" \
	"B: option 242 from ISC dhcpd sent the boot to the TLS 1.2-only server"
applied 192.0.2.93
is "$?" 0 "B: the settings are applied"
grep -q 'url:/app-3.0$' "$LAB_DIR/busybox-httpd.log"
is "$?" 0 "B: busybox httpd (behind stunnel) served the image"
grep -q "DHCPACK on .* to $(lab_phone cat "/sys/class/net/$LAB_PHONE_IF/address")" "$LAB_DIR/isc-dhcpd.log"
is "$?" 0 "B: ISC dhcpd logged the DHCPACK"
ok "mark-good confirms app-3.0" "$rb" mark-good --state-dir "$st"

# --- AUTH=0 and a certificate that does not verify: the boot falls back to HTTP (mini_httpd)
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=other CA" \
	-keyout "$LAB_DIR/other.key" -out "$LAB_DIR/other-ca.pem" 2>/dev/null
# (a newer image: an older one is refused below the rollback floor, image-format.md)
script app-4.0 192.0.2.94
boot --iface "$LAB_PHONE_IF" --ca "$LAB_DIR/other-ca.pem"
is "$rc/$(field server)/$(field active)/$(field active_slot)" "3/http://$LAB_SRV_IP4:$LAB_MINI_HTTPD_PORT//app-4.0/b" \
	"B, HTTPS refused by verification: mini_httpd over HTTP delivers app-4.0 into slot b"
why 3
applied 192.0.2.94
is "$?" 0 "B over HTTP: the settings are applied"
grep -q 'GET /app-4.0 ' "$LAB_DIR/mini-httpd-$LAB_SRV_IP4.access"
is "$?" 0 "B: mini_httpd's access log shows it served the image"

done_testing
