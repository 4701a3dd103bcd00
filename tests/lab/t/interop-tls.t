#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot fetch https://` against TLS servers other than nginx
# (tests/lab/interop.sh), with only a root CA trusted (--ca):
#  - lighttpd + mod_openssl presenting an RSA certificate issued by an
#    intermediate CA, the chain sent by the server (RFC 8446 4.4.2: the server
#    sends the chain, a trust anchor may be left out); the same server sending
#    the root too and out of order (which 4.4.2 says clients should accept),
#    and sending only its own certificate (which must fail: the agent does not
#    trust the intermediate);
#  - lighttpd + mod_gnutls allowing TLS 1.3 only;
#  - stunnel4 allowing TLS 1.2 only, in front of busybox httpd (bodies
#    delimited by the close, so the end of the data is the TLS close);
#  - stunnel4 as an old server: TLS 1.2 with CBC suites only, and TLS 1.0/1.1
#    only. ringboot offers neither (TLS 1.2 with ECDHE and AEAD suites, or 1.3,
#    as RFC 9325 4.1-4.2 recommend), so these fail, and the error must name the
#    alert the server sent and what ringboot offers.
# Each restriction is shown with openssl s_client first. Files of 0 B, 1 B,
# some KiB and over 1 MiB, static and through a CGI, IPv4 and IPv6, by SHA-256.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/interop.sh"

lab_setup || bail "lab_setup failed"
lab_lighttpd || bail "lighttpd did not start"
lab_lighttpd_tls13 || bail "lighttpd (GnuTLS, TLS 1.3 only) did not start"
lab_stunnel_tls12 || bail "stunnel (TLS 1.2 only) did not start"

out=$LAB_DIR/out
mkdir -p "$out"
declare -A sum
files="zero one mid big"
sum[zero]=$(lab_file zero 0)
sum[one]=$(lab_file one 1)
sum[mid]=$(lab_file mid $((5000 + RANDOM)))
sum[big]=$(lab_file big $((1048576 + 1 + RANDOM * 3)))
got() { sha256sum < "$1" | cut -d' ' -f1; }
pem_count() { grep -c 'BEGIN CERTIFICATE' "$1"; }
# s_client HOST:PORT ARGS...: "PROTOCOL CERTS-SENT", or "refused" when no handshake completed.
s_client() {
	local hp=$1 v n
	shift
	v=$(lab_phone openssl s_client -brief -connect "$hp" "$@" < /dev/null 2>&1 |
		awk -F': ' '/^Protocol version:/ {print $2; exit}')
	[ -n "$v" ] || { echo refused; return; }
	n=$(lab_phone openssl s_client -showcerts -connect "$hp" "$@" < /dev/null 2>/dev/null | grep -c 'BEGIN CERTIFICATE')
	echo "$v $n"
}

is "$(pem_count "$LAB_CHAIN_ROOT")" 1 "the agent trusts one certificate: the root"
is "$(s_client "$LAB_SRV_IP4:$LAB_LIGHTTPD_HTTPS_PORT")" "TLSv1.3 2" \
	"lighttpd (OpenSSL) sends its RSA certificate and the intermediate"
is "$(s_client "$LAB_SRV_IP4:$LAB_TLS13_PORT" -tls1_2)" refused "the GnuTLS server refuses TLS 1.2"
is "$(s_client "$LAB_SRV_IP4:$LAB_TLS13_PORT" -tls1_3 | cut -d' ' -f1)" TLSv1.3 "... and accepts TLS 1.3"
is "$(s_client "$LAB_SRV_IP4:$LAB_TLS12_PORT" -tls1_3)" refused "stunnel refuses TLS 1.3"
is "$(s_client "$LAB_SRV_IP4:$LAB_TLS12_PORT" -tls1_2)" "TLSv1.2 2" "... and accepts TLS 1.2, sending the chain"

# fetch_all DESC CA BASE PREFIX VERSION: every file in one call; bytes and the TLS version.
fetch_all() {
	local desc=$1 ca=$2 base=$3 prefix=$4 want=$5 args=() f v
	for f in $files; do args+=("$base/$prefix$f" -o "$out/$f"); rm -f "$out/$f"; done
	if ! lab_phone "$RINGBOOT_BIN" --json fetch --ca "$ca" "${args[@]}" > "$out/json" 2> "$out/err"; then
		fail "$desc: fetch"
		diag "$(cat "$out/err")"
		return
	fi
	for f in $files; do
		is "$(got "$out/$f" 2>/dev/null)" "${sum[$f]}" "$desc: $f ($(stat -c %s "$LAB_WWW/$f") B) intact"
	done
	v=$(python3 -c 'import json,sys; print(" ".join(sorted({r["options"]["tls_version"] for r in json.load(open(sys.argv[1]))})))' "$out/json")
	is "$v" "$want" "$desc: $want negotiated"
}

for fam in 4 6; do
	ip=$LAB_SRV_IP4
	[ $fam = 6 ] && ip="[$LAB_SRV_IP6]"
	for p in "" cgi-bin/cat/; do
		kind=static
		[ -n "$p" ] && kind=CGI
		fetch_all "lighttpd intermediate-CA chain IPv$fam $kind" "$LAB_CHAIN_ROOT" \
			"https://$ip:$LAB_LIGHTTPD_HTTPS_PORT" "$p" TLSv1.3
		fetch_all "GnuTLS TLS 1.3-only IPv$fam $kind" "$LAB_CA" "https://$ip:$LAB_TLS13_PORT" "$p" TLSv1.3
		fetch_all "stunnel TLS 1.2-only IPv$fam $kind" "$LAB_CHAIN_ROOT" "https://$ip:$LAB_TLS12_PORT" "$p" TLSv1.2
	done
done

# --- by host name: SNI and the DNS-ID check against the chain's server certificate
mkdir -p "/etc/netns/$LAB_PHONE_NS"
lab_on_cleanup "rm -rf /etc/netns/$LAB_PHONE_NS"
printf '%s %s\n' "$LAB_SRV_IP4" "$LAB_TLS_NAME" > "/etc/netns/$LAB_PHONE_NS/hosts"
rm -f "$out/byname"
ok "lighttpd by host name" lab_phone "$RINGBOOT_BIN" fetch --ca "$LAB_CHAIN_ROOT" \
	"https://$LAB_TLS_NAME:$LAB_LIGHTTPD_HTTPS_PORT/mid" -o "$out/byname"
is "$(got "$out/byname" 2>/dev/null)" "${sum[mid]}" "by-name download intact"

# --- what the server sends decides: other orders, the root included, the intermediate missing
d=$LAB_DIR/pki-chain
cat "$d/server.pem" "$d/root.pem" "$d/inter.pem" > "$d/disordered.pem"
cp "$d/server.pem" "$d/leaf-only.pem"
LAB_LIGHTTPD_HTTP_PORT=9083 LAB_LIGHTTPD_HTTPS_PORT=9443 lab_lighttpd --name lighttpd-disordered \
	--cert "$d/disordered.pem" || bail "second lighttpd"
LAB_LIGHTTPD_HTTP_PORT=9084 LAB_LIGHTTPD_HTTPS_PORT=9444 lab_lighttpd --name lighttpd-leaf \
	--cert "$d/leaf-only.pem" || bail "third lighttpd"
is "$(s_client "$LAB_SRV_IP4:9443" | cut -d' ' -f2)" 3 "the second lighttpd sends server, root, intermediate"
fetch_all "chain with the root and out of order (RFC 8446 4.4.2)" "$LAB_CHAIN_ROOT" "https://$LAB_SRV_IP4:9443" "" TLSv1.3
rm -f "$out/leaf"
lab_phone "$RINGBOOT_BIN" fetch --ca "$LAB_CHAIN_ROOT" "https://$LAB_SRV_IP4:9444/one" -o "$out/leaf" 2> "$out/err"
rc=$?
if [ $rc = 1 ] && grep -qi 'certificate' "$out/err" && [ ! -e "$out/leaf" ]; then
	pass "a server that sends no intermediate fails verification, nothing written"
else
	fail "a server that sends no intermediate fails verification, nothing written"
	diag "exit $rc: $(cat "$out/err")"
fi
rm -f "$out/inter"
cat "$d/root.pem" "$d/inter.pem" > "$d/root+inter.pem"
ok "... and works once the agent trusts the intermediate too" lab_phone "$RINGBOOT_BIN" fetch \
	--ca "$d/root+inter.pem" "https://$LAB_SRV_IP4:9444/one" -o "$out/inter"

# --- old servers: no protocol version or cipher suite in common. The server's
# fatal alert (RFC 8446 6.2, RFC 5246 7.2.2) is named, not wolfSSL's "-313".
lab_stunnel --name stunnel-cbc --port 9412 --ciphers "ECDHE-RSA-AES128-SHA:AES128-SHA" ||
	bail "stunnel (CBC only)"
lab_stunnel --name stunnel-tls11 --port 9411 --min TLSv1 --max TLSv1.1 --ciphers "DEFAULT:@SECLEVEL=0" ||
	bail "stunnel (TLS 1.0/1.1)"
is "$(s_client "$LAB_SRV_IP4:9412" -cipher ECDHE-RSA-AES128-SHA -tls1_2 | cut -d' ' -f1)" TLSv1.2 \
	"the CBC-only server works for a client offering CBC"
is "$(s_client "$LAB_SRV_IP4:9411" -tls1 -cipher "DEFAULT:@SECLEVEL=0" | cut -d' ' -f1)" TLSv1 \
	"the TLS 1.0/1.1 server works for a client offering TLS 1.0"
old_server() { # PORT ALERT DESC
	rm -f "$out/old"
	lab_phone "$RINGBOOT_BIN" fetch --ca "$LAB_CHAIN_ROOT" "https://$LAB_SRV_IP4:$1/one" -o "$out/old" 2> "$out/err"
	rc=$?
	if [ $rc = 1 ] && grep -q "the server sent the fatal alert $2" "$out/err" &&
		grep -q "ringboot offers TLS 1.3, and TLS 1.2 with ECDHE and AES-GCM or ChaCha20-Poly1305" "$out/err" &&
		[ ! -e "$out/old" ]; then
		pass "$3: exit 1, the error names the alert and what ringboot offers"
	else
		fail "$3: exit 1, the error names the alert and what ringboot offers"
		diag "exit $rc: $(cat "$out/err")"
	fi
}
old_server 9412 "handshake_failure (40)" "a TLS 1.2 server with CBC suites only"
old_server 9411 "protocol_version (70)" "a TLS 1.0/1.1-only server"

done_testing
