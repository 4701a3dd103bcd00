#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The handset's identity in the directory parameters, as Avaya's
# 46xxsettings.txt template describes them for HTTPDIR and TLSDIR ("$MACADDR,
# $MODEL4, $SERIALNO ... replaced with relevant MAC address (capital letters
# without colons), MODEL4 (capital letters) and Serial number (capital
# letters)"), and TFTPDIR alike: per-handset directories on nginx (HTTPS,
# HTTP) and tftpd-hpa, the directory given by option 242 from the real
# dnsmasq too. The values are the owner's: a MACADDR from option 242 does not
# move the handset to another directory; a directory that names an identity
# the handset lacks, or that expands to something else than a path of file
# names, leaves its servers out with the reason.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=$RINGBOOT_BIN

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx"
lab_tftpd_hpa || bail "tftpd-hpa"

mac=0a0b0c0d0e0f MAC=0A0B0C0D0E0F serial=21ab0042
# dir NAME: a directory of the server with an upgrade script whose settings
# file GETs the per-MAC file; each file SETs WHERE, so the test sees which
# directory served it.
dir() {
	mkdir -p "$LAB_WWW/$1"
	printf 'SET WHERE_SCRIPT %s\nGET 46xxsettings.txt\n' "$1" > "$LAB_WWW/$1/96x1Supgrade.txt"
	printf 'SET WHERE_SETTINGS %s\nGET $MACADDR.txt\n' "$1" > "$LAB_WWW/$1/46xxsettings.txt"
	printf 'SET WHERE_PERMAC %s\n' "$1" > "$LAB_WWW/$1/$mac.txt"
	chmod -R a+rX "$LAB_WWW"
}
dir "$MAC"
dir 9608dir
dir "phones/$MAC-${serial^^}"
dir FFFFFFFFFFFF

conf=$LAB_DIR/ringboot.conf
cat > "$conf" <<EOF
SET MODEL4 9608
SET MODEL 9608D01A
SET SIG 2
SET MACADDR 0a:0b:0c:0d:0e:0f
SET SERIALNO $serial
SET CA_FILE $LAB_CA
SET RETRY_MAX 1
EOF
json=$LAB_DIR/boot.json
st=$LAB_DIR/state
boot() {
	lab_phone "$rb" --json boot --config "$conf" --state-dir "$st" "$@" > "$json" 2> "$LAB_DIR/boot.err"
	rc=$?
}
field() { lab_json_field "$json" "$1"; }
where() { # the directory each file of the chain came from
	printf '%s|%s|%s' "$(sed -n "s/^RB_WHERE_SCRIPT='\(.*\)'$/\1/p" "$st/params.env")" \
		"$(sed -n "s/^RB_WHERE_SETTINGS='\(.*\)'$/\1/p" "$st/params.env")" \
		"$(sed -n "s/^RB_WHERE_PERMAC='\(.*\)'$/\1/p" "$st/params.env")"
}

# --- HTTPDIR=$MACADDR over HTTP
boot --sson "HTTPSRVR=$LAB_SRV_IP4,HTTPDIR=\$MACADDR"
is "$rc/$(field server)" "0/http://$LAB_SRV_IP4/$MAC" "HTTPDIR=\$MACADDR: the server is asked in /$MAC (capital letters)"
[ "$rc" = 0 ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"
is "$(where)" "$MAC|$MAC|$MAC" "script, settings and per-MAC file all from /$MAC"
is "$(grep -c 'GET /\$MACADDR' "$LAB_NGINX_LOG")" 0 "nothing asked for /\$MACADDR literally"

# --- TLSDIR=$MODEL4dir over HTTPS (the template's own example)
boot --sson "TLSSRVR=$LAB_SRV_IP4,TLSDIR=\$MODEL4dir"
is "$rc/$(field server)/$(where)" "0/https://$LAB_SRV_IP4/9608dir/9608dir|9608dir|9608dir" \
	"TLSDIR=\$MODEL4dir: every file from /9608dir"

# --- TFTPDIR with two variables and a fixed part (ringboot rule: TFTPDIR as HTTPDIR)
boot --sson "TFTPSRVR=$LAB_SRV_IP4,TFTPDIR=/phones/\$MACADDR-\$SERIALNO/"
d="phones/$MAC-${serial^^}"
is "$rc/$(field server)/$(where)" "0/tftp://$LAB_SRV_IP4/$d/$d|$d|$d" \
	"TFTPDIR=/phones/\$MACADDR-\$SERIALNO/: every file from tftpd-hpa's $d"

# --- the network's MACADDR is not the handset's
boot --sson "HTTPSRVR=$LAB_SRV_IP4,HTTPDIR=\$MACADDR,MACADDR=ffffffffffff"
is "$rc/$(where)" "0/$MAC|$MAC|$MAC" "a MACADDR in option 242 does not move the handset to /FFFFFFFFFFFF"

# --- a settings file sets HTTPDIR $MACADDR: kept as written, expanded by the next boot
printf 'GET 46xxsettings.txt\n' > "$LAB_WWW/96x1Supgrade.txt"
printf 'SET HTTPDIR $MACADDR\n' > "$LAB_WWW/46xxsettings.txt"
chmod 644 "$LAB_WWW"/*.txt
st=$LAB_DIR/state-file
boot --sson "HTTPSRVR=$LAB_SRV_IP4"
is "$rc/$(field server)/$(sed -n 's/^RB_HTTPDIR=//p' "$st/params.env")" "0/http://$LAB_SRV_IP4//'\$MACADDR'" \
	"SET HTTPDIR \$MACADDR in a settings file is stored as written"
boot --sson "HTTPSRVR=$LAB_SRV_IP4"
is "$rc/$(field server)/$(where)" "0/http://$LAB_SRV_IP4/$MAC/$MAC|$MAC|$MAC" \
	"the next boot asks in /$MAC (capital letters, as for HTTPDIR from DHCP)"
st=$LAB_DIR/state

# --- a directory that cannot be expanded: its servers are left out, with the reason
sed -i '/^SET SERIALNO /d' "$conf"
before=$(wc -l < "$LAB_NGINX_LOG")
boot --sson "HTTPSRVR=$LAB_SRV_IP4,HTTPDIR=\$SERIALNO"
is "$rc/$(field phase)" "1/script" "HTTPDIR=\$SERIALNO without a serial number: no server to ask"
case $(field reason) in *"HTTPDIR '\$SERIALNO': the handset's SERIALNO is unknown"*) pass "the reason names the directory and the missing identity" ;;
	*) fail "the reason names the directory and the missing identity"; diag "$(field reason)" ;; esac
is "$(( $(wc -l < "$LAB_NGINX_LOG") - before ))" 0 "nothing was requested"
boot --sson "TLSSRVR=$LAB_SRV_IP4,TLSDIR=\$MODEL4/../..,HTTPSRVR=$LAB_SRV_IP4,HTTPDIR=\$MACADDR"
is "$rc/$(field server)" "0/http://$LAB_SRV_IP4/$MAC" "TLSDIR=\$MODEL4/../..: HTTPS left out, HTTP used"
grep -q "TLSDIR '9608/../..': not a path of file names" "$LAB_DIR/boot.err"
is "$?" 0 "the boot warns why the HTTPS server was not asked"
# --- option 242 from dnsmasq carries the directory
lab_dnsmasq --opt242 "HTTPSRVR=$LAB_SRV_IP4,HTTPDIR=\$MACADDR" || bail "dnsmasq"
lab_phone ip addr flush dev "$LAB_PHONE_IF"
printf 'SET INTERFACE %s\nSET SERIALNO %s\n' "$LAB_PHONE_IF" "$serial" >> "$conf"
boot --iface "$LAB_PHONE_IF"
is "$rc/$(field server)/$(where)" "0/http://$LAB_SRV_IP4/$MAC/$MAC|$MAC|$MAC" \
	"DHCP (dnsmasq) option 242 HTTPDIR=\$MACADDR: the boot uses /$MAC"
[ "$rc" = 0 ] || diag "$(cat "$json" "$LAB_DIR/boot.err")"

done_testing
