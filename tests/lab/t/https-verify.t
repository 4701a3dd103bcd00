#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Peer verification is always on. Extra nginx servers present certificates
# made here with the openssl CLI: from another CA, for another name, expired,
# self-signed, and a good leaf behind an intermediate CA. Each bad one is
# refused with nothing written; the chain is accepted. --tls-name replaces
# the URL host as the name to check. A boot's TLSSRVRID (Avaya: 1, the
# default, the certificate must name the server; 0, not checked): only the
# handset's owner can set 0, and even then the chain is verified.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 49

lab_setup || bail "lab_setup failed"
lab_pki || bail "lab_pki failed"
P=$LAB_DIR/pki
S=$LAB_SRV_IP4
SAN="subjectAltName=DNS:$LAB_TLS_NAME,IP:$S
basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth"

# leaf NAME SIGNER_CERT SIGNER_KEY EXT: a P-256 server certificate NAME.pem
leaf() {
	printf '%s\n' "$4" > "$P/$1.ext"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$LAB_TLS_NAME" \
		-keyout "$P/$1.key" -out "$P/$1.csr" 2>/dev/null &&
	openssl x509 -req -in "$P/$1.csr" -CA "$2" -CAkey "$3" -CAcreateserial -days 30 \
		-extfile "$P/$1.ext" -out "$P/$1.pem" 2>/dev/null
}

# another CA, unknown to the phone
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=rogue CA" \
	-keyout "$P/rogue.key" -out "$P/rogue-ca.pem" 2>/dev/null
leaf wrongca "$P/rogue-ca.pem" "$P/rogue.key" "$SAN"
# the lab CA, but for another name and address
leaf wrongname "$P/ca.pem" "$P/ca.key" "subjectAltName=DNS:other.example,IP:198.51.100.7
basicConstraints=CA:FALSE"
# the lab CA, the right name in the CN only: the SAN names another host (RFC
# 6125 §6.4.4: with a DNS-ID present the CN is not looked at)
leaf cnonly "$P/ca.pem" "$P/ca.key" "subjectAltName=DNS:other.example
basicConstraints=CA:FALSE"
# the lab CA, the server's name but not its address, and its address spelled
# as a DNS name (an IP literal must match an iPAddress entry)
leaf dnsonly "$P/ca.pem" "$P/ca.key" "subjectAltName=DNS:$LAB_TLS_NAME,DNS:$S
basicConstraints=CA:FALSE"
# the lab CA, a wildcard: one label, never more
leaf wildcard "$P/ca.pem" "$P/ca.key" "subjectAltName=DNS:*.ringboot.test
basicConstraints=CA:FALSE"
# self-signed, with the right name
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj "/CN=$LAB_TLS_NAME" -addext "subjectAltName=DNS:$LAB_TLS_NAME,IP:$S" \
	-keyout "$P/selfsigned.key" -out "$P/selfsigned.pem" 2>/dev/null
# expired: `openssl ca` sets explicit validity dates (x509 -req cannot start in the past)
mkdir -p "$P/db" && : > "$P/db/index.txt" && echo 1000 > "$P/db/serial"
cat > "$P/ca.cnf" <<CNF
[ ca ]
default_ca = lab
[ lab ]
database = $P/db/index.txt
serial = $P/db/serial
new_certs_dir = $P/db
default_md = sha256
policy = any
unique_subject = no
[ any ]
commonName = supplied
CNF
printf '%s\n' "$SAN" > "$P/expired.ext"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$LAB_TLS_NAME" \
	-keyout "$P/expired.key" -out "$P/expired.csr" 2>/dev/null
openssl ca -batch -config "$P/ca.cnf" -cert "$P/ca.pem" -keyfile "$P/ca.key" -in "$P/expired.csr" \
	-out "$P/expired.pem" -startdate 20200101000000Z -enddate 20200201000000Z \
	-extfile "$P/expired.ext" -notext 2>/dev/null
# a good chain: lab CA -> intermediate -> leaf (nginx sends leaf + intermediate)
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=ringboot lab intermediate" \
	-keyout "$P/inter.key" -out "$P/inter.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$P/inter.ext"
openssl x509 -req -in "$P/inter.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -days 30 \
	-extfile "$P/inter.ext" -out "$P/inter.pem" 2>/dev/null
leaf chain "$P/inter.pem" "$P/inter.key" "$SAN"
cat "$P/chain.pem" "$P/inter.pem" > "$P/chain-full.pem"
chmod 644 "$P"/*

ok "expired certificate really is expired" bash -c "! openssl x509 -checkend 0 -noout -in '$P/expired.pem'"
ok "intermediate chain verifies with openssl" \
	openssl verify -CAfile "$P/ca.pem" -untrusted "$P/inter.pem" "$P/chain.pem"

declare -A port=([wrongca]=8441 [wrongname]=8442 [expired]=8443 [selfsigned]=8444 [chain-full]=8445
	[cnonly]=8446 [dnsonly]=8447 [wildcard]=8448)
extra=
for n in wrongca wrongname expired selfsigned chain-full cnonly dnsonly wildcard; do
	k=${n%-full}
	extra+="server { listen $S:${port[$n]} ssl; ssl_certificate $P/$n.pem; ssl_certificate_key $P/$k.key; root $LAB_WWW; }
"
done
LAB_NGINX_HTTP_EXTRA=$extra
lab_nginx || bail "nginx did not start"
sum=$(lab_file f.bin 100000)
out=$LAB_DIR/out
mkdir -p "$out"
fetch() { lab_phone "$RINGBOOT_BIN" fetch "$@"; }

refused() { # NAME PORT PATTERN [ARGS]
	local name=$1 p=$2 pat=$3 msg rc
	shift 3
	msg=$(fetch --ca "$LAB_CA" "$@" "https://$S:$p/f.bin" -o "$out/$name" 2>&1)
	rc=$?
	is "$rc" 1 "$name: refused"
	case $msg in *$pat*) pass "$name: says '$pat'" ;; *) fail "$name: says '$pat'"; diag "$msg" ;; esac
	[ ! -e "$out/$name" ] && pass "$name: nothing written" || fail "$name: nothing written"
}

refused wrongca 8441 "not signed by a trusted CA"
refused wrongname 8442 "certificate does not name '$S'"
refused expired 8443 "certificate expired"
refused selfsigned 8444 "not signed by a trusted CA"
# a certificate of the lab CA for another identity: refused by the check after
# the handshake whatever the verify callback saw (tests/unit/test_tls.c proves
# that check on its own, without the callback)
refused cnonly 8446 "does not name '$LAB_TLS_NAME'" --tls-name "$LAB_TLS_NAME"
refused dnsonly 8447 "does not name '$S'"
ok "dnsonly: the same certificate is accepted for its DNS name" \
	fetch --ca "$LAB_CA" --tls-name "$LAB_TLS_NAME" "https://$S:8447/f.bin" -o "$out/dnsname"
ok "wildcard *.ringboot.test names $LAB_TLS_NAME" \
	fetch --ca "$LAB_CA" --tls-name "$LAB_TLS_NAME" "https://$S:8448/f.bin" -o "$out/wild"
refused wildcard 8448 "does not name 'a.$LAB_TLS_NAME'" --tls-name "a.$LAB_TLS_NAME"

ok "a good chain through an intermediate CA is accepted" \
	fetch --ca "$LAB_CA" "https://$S:8445/f.bin" -o "$out/chain"
is "$(sha256sum < "$out/chain" | cut -d' ' -f1)" "$sum" "chain: file intact"

# --tls-name: the administered name is checked instead of the URL host
ok "--tls-name $LAB_TLS_NAME accepted for a certificate naming it" \
	fetch --ca "$LAB_CA" --tls-name "$LAB_TLS_NAME" "https://$S/f.bin" -o "$out/srvid"
msg=$(fetch --ca "$LAB_CA" --tls-name other.example "https://$S/f.bin" -o "$out/srvid2" 2>&1)
case $msg in *"does not name 'other.example'"*) pass "--tls-name other.example refused" ;;
	*) fail "--tls-name other.example refused"; diag "$msg" ;; esac
# --tls-server-id, the option's earlier spelling, still works the same way
ok "--tls-server-id $LAB_TLS_NAME (earlier spelling) accepted for a certificate naming it" \
	fetch --ca "$LAB_CA" --tls-server-id "$LAB_TLS_NAME" "https://$S/f.bin" -o "$out/srvid3"
msg=$(fetch --ca "$LAB_CA" --tls-server-id other.example "https://$S/f.bin" -o "$out/srvid4" 2>&1)
case $msg in *"does not name 'other.example'"*) pass "--tls-server-id other.example refused" ;;
	*) fail "--tls-server-id other.example refused"; diag "$msg" ;; esac

# no trust anchors, no https; and no option exists to turn verification off
msg=$(fetch "https://$S/f.bin" -o "$out/noca" 2>&1)
case $msg in *"--ca FILE"*) pass "https without --ca is refused" ;; *) fail "https without --ca is refused"; diag "$msg" ;; esac
for opt in --insecure -k --no-verify --tls-verify=off; do
	fetch --ca "$LAB_CA" $opt "https://$S:8441/f.bin" -o "$out/insecure" >/dev/null 2>&1
	[ $? -eq 2 ] || { fail "no option '$opt' to disable verification"; continue; }
	pass "no option '$opt' to disable verification"
done

# --- TLSSRVRID in a boot, against the lab CA's certificate for another name (:8442)
# and one from an unknown CA (:8441)
printf 'SET BOOTED 1\n' > "$LAB_WWW/96x1Supgrade.txt"
chmod 644 "$LAB_WWW/96x1Supgrade.txt"
conf=$LAB_DIR/ringboot.conf
json=$LAB_DIR/boot.json
boot() { # CONFIG-LINE SSON [ARGS]
	printf 'SET MODEL4 9608\nSET SIG 2\nSET MACADDR 0a0b0c0d0e0f\nSET CA_FILE %s\nSET RETRY_MAX 1\n%s\n' \
		"$LAB_CA" "$1" > "$conf"
	lab_phone "$RINGBOOT_BIN" --json boot --config "$conf" --state-dir "$LAB_DIR/state" \
		--sson "$2" "${@:3}" > "$json" 2> "$LAB_DIR/boot.err"
	rc=$?
}
field() { lab_json_field "$json" "$1"; }
boot "" "TLSSRVR=$S"
grep -q "^RB_TLSSRVRID='1'$" "$LAB_DIR/state/params.env"
is "$rc/$?" "0/0" "a boot against the lab's certificate: params.env exports the default TLSSRVRID 1"
boot "" "TLSSRVR=$S,TLSPORT=8442"
is "$rc/$(field phase)" "1/script" "boot, TLSSRVRID unset (default 1): a certificate for another name is refused"
case $(field reason) in *"does not name '$S'"*) pass "the reason names the address" ;;
	*) fail "the reason names the address"; diag "$(field reason)" ;; esac
boot "" "TLSSRVR=$S,TLSPORT=8442,TLSSRVRID=0"
is "$rc/$(field phase)" "1/script" "TLSSRVRID=0 from option 242 does not lower the default"
boot "SET TLSSRVRID 1" "TLSSRVR=$S,TLSPORT=8442,TLSSRVRID=0"
is "$rc/$(field phase)" "1/script" "TLSSRVRID=0 from option 242 does not lower a configured 1"
boot "SET TLSSRVRID 0" "TLSSRVR=$S,TLSPORT=8442"
is "$rc/$(field server)/$(field warnings)" "0/https://$S:8442//0" \
	"the owner's TLSSRVRID 0: the certificate's name is not checked, the boot succeeds"
grep -q "TLSSRVRID 0: HTTPS servers' certificates are verified against CA_FILE, but whether they name the server is not checked" "$LAB_DIR/boot.err"
is "$?" 0 "the boot warns that names are not checked"
case $(lab_json_phase "$json" start detail) in *"TLSSRVRID 0: certificate names not checked"*) pass "the timeline says so" ;;
	*) fail "the timeline says so"; diag "$(lab_json_phase "$json" start detail)" ;; esac
boot "SET TLSSRVRID 0" "TLSSRVR=$S,TLSPORT=8441"
is "$rc/$(field phase)" "1/script" "the owner's TLSSRVRID 0: a certificate of an unknown CA is still refused"
case $(field reason) in *"not signed by a trusted CA"*) pass "the chain is always verified" ;;
	*) fail "the chain is always verified"; diag "$(field reason)" ;; esac
boot "SET TLSSRVRID 0" "TLSSRVR=$S,TLSPORT=8442,TLSSRVRID=1"
is "$rc/$(field phase)" "1/script" "option 242 may raise the owner's 0 to 1: the name is checked again"
boot "" "TLSSRVR=$S,TLSPORT=8442" --var TLSSRVRID=0
is "$rc" 0 "--var TLSSRVRID=0 (the command line is the owner's) turns the check off too"
boot "SET TLSSRVRID 0" "TLSSRVR=$S,TLSPORT=8442" --tls-name "$LAB_TLS_NAME"
is "$rc/$(field phase)" "1/script" "an explicit --tls-name is always checked, TLSSRVRID 0 or not"

done_testing
