# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# More provisioning servers for the lab, the other implementations admins run
# (source after lib.sh, call after lab_setup). Each is a Debian package, started
# in the foreground in the server namespace with a configuration generated in
# $LAB_DIR, bound only to $LAB_SRV_IP4 / $LAB_SRV_IP6 (DHCP: the server veth),
# and torn down by lab_cleanup like lib.sh's servers.
#
#   server                      port (env to change it)          framing / what it is
#   busybox httpd  (1.35)       :8081  LAB_BUSYBOX_HTTP_PORT     always "HTTP/1.1"; static: Content-Length,
#                                                                "Connection: close";
#                                                                CGI: no Content-Length, body ends at close
#   mini_httpd     (1.30)       :8082  LAB_MINI_HTTPD_PORT       static: Content-Length, "Connection: close";
#                                                                CGI: "HTTP/1.0 200 OK", body ends at close
#   lighttpd       (1.4.69)     :8083  LAB_LIGHTTPD_HTTP_PORT    keep-alive; static: Content-Length;
#                                                                CGI: "Transfer-Encoding: chunked"
#     + mod_openssl             :8443  LAB_LIGHTTPD_HTTPS_PORT   RSA server certificate from an intermediate
#                                                                CA, chain sent by the server (lab_pki_chain)
#   lighttpd + mod_gnutls       :8413  LAB_TLS13_PORT            GnuTLS, TLS 1.3 only, ECDSA (lab_pki)
#   stunnel4 (5.68, OpenSSL)    :8412  LAB_TLS12_PORT            TLS 1.2 only, RSA chain, in front of
#                                                                busybox httpd (close-delimited over TLS)
#   Erlang/OTP tftp (OTP 25)    :2069  LAB_ERL_TFTP_PORT         RFC 1350 + blksize/tsize/timeout options
#   ISC dhcpd      (4.4.3)      :67    (server veth)             option 242 as `option NAME code 242 = string`
#   Kea DHCPv4     (2.2.0)      :67    (server veth)             option 242 as JSON option-def/option-data
#
# CGI: every HTTP server above serves $LAB_WWW, and /cgi-bin/cat/NAME and
# /cgi-bin/catlf/NAME send $LAB_WWW/NAME through a shell CGI that writes no
# Content-Length (cat: CRLF header lines; catlf: bare LF, as `echo` writes
# them), so the server itself chooses the framing.
#
#   lab_busybox_httpd; lab_mini_httpd; lab_lighttpd; lab_lighttpd_tls13; lab_stunnel_tls12
#   lab_stunnel --name N --port P [--min V] [--max V] [--ciphers LIST] (other TLS settings)
#   lab_erl_tftpd
#   lab_isc_dhcpd --opt242 STR [--lease S]; lab_kea_dhcp4 --opt242 STR [--lease S]
#   lab_pki_chain (the RSA chain: LAB_CHAIN_ROOT, LAB_CHAIN_CERT, LAB_CHAIN_KEY)
#   lab_stop NAME: stop the server started as NAME (kea-dhcp4, isc-dhcpd, lighttpd, erl-tftpd, ...)

LAB_BUSYBOX_HTTP_PORT=${LAB_BUSYBOX_HTTP_PORT:-8081}
LAB_MINI_HTTPD_PORT=${LAB_MINI_HTTPD_PORT:-8082}
LAB_LIGHTTPD_HTTP_PORT=${LAB_LIGHTTPD_HTTP_PORT:-8083}
LAB_LIGHTTPD_HTTPS_PORT=${LAB_LIGHTTPD_HTTPS_PORT:-8443}
LAB_TLS13_PORT=${LAB_TLS13_PORT:-8413}
LAB_TLS12_PORT=${LAB_TLS12_PORT:-8412}
LAB_ERL_TFTP_PORT=${LAB_ERL_TFTP_PORT:-2069}
export LAB_BUSYBOX_HTTP_PORT LAB_MINI_HTTPD_PORT LAB_LIGHTTPD_HTTP_PORT LAB_LIGHTTPD_HTTPS_PORT \
	LAB_TLS13_PORT LAB_TLS12_PORT LAB_ERL_TFTP_PORT

declare -A _lab_named=()

# _lab_start NAME CMD...: _lab_spawn, remembering the pid under NAME for lab_stop.
_lab_start() {
	_lab_spawn "$@"
	_lab_named[$1]=${_lab_pids[-1]}
}

# lab_stop NAME: end the server _lab_start started as NAME and wait until it is gone.
lab_stop() {
	local pid=${_lab_named[$1]:-}
	[ -n "$pid" ] || return 1
	kill "$pid" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "_lab_named[$1]"
	return 0
}

# lab_pki_chain: RSA root CA -> RSA intermediate CA -> RSA server certificate for
# $LAB_TLS_NAME and the server addresses. Exports LAB_CHAIN_ROOT (the only
# anchor a client needs), LAB_CHAIN_CERT (server certificate then intermediate,
# what the servers send), LAB_CHAIN_KEY.
lab_pki_chain() {
	local d=$LAB_DIR/pki-chain
	LAB_CHAIN_ROOT=$d/root.pem LAB_CHAIN_CERT=$d/chain.pem LAB_CHAIN_KEY=$d/server.key
	export LAB_CHAIN_ROOT LAB_CHAIN_CERT LAB_CHAIN_KEY
	[ -f "$d/chain.pem" ] && return 0
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=ringboot lab root CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-keyout "$d/root.key" -out "$d/root.pem" 2>/dev/null || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=ringboot lab intermediate CA" \
		-keyout "$d/inter.key" -out "$d/inter.csr" 2>/dev/null || return 1
	printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' \
		> "$d/inter.ext"
	openssl x509 -req -in "$d/inter.csr" -CA "$d/root.pem" -CAkey "$d/root.key" -CAcreateserial \
		-days 30 -extfile "$d/inter.ext" -out "$d/inter.pem" 2>/dev/null || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$LAB_TLS_NAME" \
		-keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null || return 1
	printf 'subjectAltName=DNS:%s,IP:%s,IP:%s,IP:%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid\n' \
		"$LAB_TLS_NAME" "$LAB_SRV_IP4" "$LAB_DNSMASQ_IP4" "$LAB_SRV_IP6" > "$d/server.ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/inter.pem" -CAkey "$d/inter.key" -CAcreateserial \
		-days 30 -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null || return 1
	cat "$d/server.pem" "$d/inter.pem" > "$d/chain.pem"
	chmod 644 "$d"/*
}

# _lab_cgi: the two CGI programs under $LAB_WWW/cgi-bin (see the header).
_lab_cgi() {
	local d=$LAB_WWW/cgi-bin name eol
	[ -x "$d/cat" ] && return 0
	mkdir -p "$d"
	for name in cat catlf; do
		eol='\r\n'
		[ $name = catlf ] && eol='\n'
		cat > "$d/$name" <<-EOF
		#!/bin/sh
		# Sends $LAB_WWW\$PATH_INFO with no Content-Length: the server frames the body.
		case \$PATH_INFO in
		/*..*|"") f= ;;
		*) f=$LAB_WWW\$PATH_INFO ;;
		esac
		if [ -z "\$f" ] || [ ! -f "\$f" ]; then
			printf 'Status: 404 Not Found${eol}Content-Type: text/plain${eol}${eol}no such file\\n'
			exit 0
		fi
		printf 'Content-Type: application/octet-stream${eol}${eol}'
		exec cat "\$f"
		EOF
	done
	chmod 755 "$d" "$d"/*
}

# lab_busybox_httpd: busybox httpd on :$LAB_BUSYBOX_HTTP_PORT, IPv4 and IPv6.
lab_busybox_httpd() {
	_lab_cgi
	_lab_start busybox-httpd busybox httpd -f -vv -u www-data -h "$LAB_WWW" \
		-p "$LAB_SRV_IP4:$LAB_BUSYBOX_HTTP_PORT"
	_lab_start busybox-httpd6 busybox httpd -f -vv -u www-data -h "$LAB_WWW" \
		-p "[$LAB_SRV_IP6]:$LAB_BUSYBOX_HTTP_PORT"
	_lab_wait tcp "$LAB_BUSYBOX_HTTP_PORT"
}

# lab_mini_httpd: mini_httpd on :$LAB_MINI_HTTPD_PORT, IPv4 and IPv6.
lab_mini_httpd() {
	local ip
	_lab_cgi
	for ip in "$LAB_SRV_IP4" "$LAB_SRV_IP6"; do
		_lab_start "mini-httpd-$ip" mini_httpd -D -h "$ip" -p "$LAB_MINI_HTTPD_PORT" -d "$LAB_WWW" \
			-c 'cgi-bin/*' -u nobody -l "$LAB_DIR/mini-httpd-$ip.access" \
			-i "$LAB_DIR/mini-httpd-$ip.pid"
	done
	_lab_wait tcp "$LAB_MINI_HTTPD_PORT"
}

# _lab_lighttpd_conf NAME MODULES...: the common part of a lighttpd configuration.
_lab_lighttpd_conf() {
	local name=$1 d=$LAB_DIR/$1 m mods=
	shift
	for m in mod_cgi mod_accesslog "$@"; do mods="$mods\"$m\", "; done
	mkdir -p "$d"
	chmod 755 "$d"
	chown www-data: "$d"	# lighttpd opens its logs after dropping privileges
	cat > "$d/lighttpd.conf" <<-EOF
	server.modules = ( ${mods%, } )
	server.document-root = "$LAB_WWW"
	server.username = "www-data"
	server.groupname = "www-data"
	server.errorlog = "$d/error.log"
	accesslog.filename = "$d/access.log"
	mimetype.assign = ( "" => "application/octet-stream" )
	# Send a CGI's output as it comes, not buffered whole: an HTTP/1.1 client
	# then gets it chunked (lighttpd adds Content-Length only to a buffered body).
	server.stream-response-body = 2
	\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( "" => "" ) }
	EOF
	echo "$d/lighttpd.conf"
}

# lab_lighttpd [--name NAME] [--cert PEM]: lighttpd with HTTP on
# :$LAB_LIGHTTPD_HTTP_PORT and HTTPS (mod_openssl) on :$LAB_LIGHTTPD_HTTPS_PORT,
# IPv4 and IPv6. The certificates it sends are PEM (default $LAB_CHAIN_CERT:
# the RSA server certificate, then the intermediate). Files in $LAB_DIR/NAME
# (default lighttpd); LAB_LIGHTTPD_LOG is the default instance's access log,
# which lighttpd buffers: it is complete once `lab_stop lighttpd` returned.
# A second instance needs other ports (set the two variables for the call).
lab_lighttpd() {
	local conf name=lighttpd cert=
	while [ $# -gt 0 ]; do
		case $1 in
		--name) name=$2; shift 2 ;;
		--cert) cert=$2; shift 2 ;;
		*) lab_log "lab_lighttpd: unknown argument $1"; return 2 ;;
		esac
	done
	lab_pki_chain || return 1
	_lab_cgi
	conf=$(_lab_lighttpd_conf "$name" mod_openssl)
	if [ "$name" = lighttpd ]; then
		LAB_LIGHTTPD_LOG=$LAB_DIR/lighttpd/access.log
		export LAB_LIGHTTPD_LOG
	fi
	cat >> "$conf" <<-EOF
	server.bind = "$LAB_SRV_IP4"
	server.port = $LAB_LIGHTTPD_HTTP_PORT
	\$SERVER["socket"] == "[$LAB_SRV_IP6]:$LAB_LIGHTTPD_HTTP_PORT" { }
	ssl.pemfile = "${cert:-$LAB_CHAIN_CERT}"
	ssl.privkey = "$LAB_CHAIN_KEY"
	\$SERVER["socket"] == "$LAB_SRV_IP4:$LAB_LIGHTTPD_HTTPS_PORT" { ssl.engine = "enable" }
	\$SERVER["socket"] == "[$LAB_SRV_IP6]:$LAB_LIGHTTPD_HTTPS_PORT" { ssl.engine = "enable" }
	EOF
	lighttpd -tt -f "$conf" > "$LAB_DIR/$name/check.log" 2>&1 ||
		{ lab_log "lighttpd refuses $conf: $(cat "$LAB_DIR/$name/check.log")"; return 1; }
	_lab_start "$name" lighttpd -D -f "$conf"
	_lab_wait tcp "$LAB_LIGHTTPD_HTTP_PORT" && _lab_wait tcp "$LAB_LIGHTTPD_HTTPS_PORT"
}

# lab_lighttpd_tls13: lighttpd with mod_gnutls, HTTPS only, TLS 1.3 only, on
# :$LAB_TLS13_PORT (IPv4 and IPv6), with lab_pki's ECDSA certificate ($LAB_CA).
lab_lighttpd_tls13() {
	local conf
	lab_pki || return 1
	_lab_cgi
	conf=$(_lab_lighttpd_conf lighttpd-tls13 mod_gnutls)
	cat >> "$conf" <<-EOF
	server.bind = "$LAB_SRV_IP4"
	server.port = $LAB_TLS13_PORT
	ssl.engine = "enable"
	ssl.pemfile = "$LAB_DIR/pki/server.pem"
	ssl.privkey = "$LAB_DIR/pki/server.key"
	# The protocol restriction: nothing below TLS 1.3 is offered or accepted.
	ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "TLSv1.3" )
	\$SERVER["socket"] == "[$LAB_SRV_IP6]:$LAB_TLS13_PORT" { ssl.engine = "enable" }
	EOF
	lighttpd -tt -f "$conf" > "$LAB_DIR/lighttpd-tls13/check.log" 2>&1 ||
		{ lab_log "lighttpd refuses $conf: $(cat "$LAB_DIR/lighttpd-tls13/check.log")"; return 1; }
	_lab_start lighttpd-tls13 lighttpd -D -f "$conf"
	_lab_wait tcp "$LAB_TLS13_PORT"
}

# lab_stunnel [--name NAME] [--port PORT] [--min V] [--max V] [--ciphers LIST] [--connect PORT]:
# stunnel4 terminating TLS on :PORT (IPv4 and IPv6) with the RSA chain, forwarding
# to busybox httpd (started if needed), or to $LAB_SRV_IP4:PORT given by
# --connect (a server the caller started). V is TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3;
# LIST an OpenSSL TLS 1.2 cipher list (an old server's, say). Defaults: the
# TLS 1.2-only server of lab_stunnel_tls12.
lab_stunnel() {
	local name=stunnel port=$LAB_TLS12_PORT min=TLSv1.2 max=TLSv1.2 ciphers= backend= d svc ip
	while [ $# -gt 0 ]; do
		case $1 in
		--name) name=$2 ;;
		--port) port=$2 ;;
		--min) min=$2 ;;
		--max) max=$2 ;;
		--ciphers) ciphers=$2 ;;
		--connect) backend=$2 ;;
		*) lab_log "lab_stunnel: unknown argument $1"; return 2 ;;
		esac
		shift 2
	done
	d=$LAB_DIR/$name
	lab_pki_chain || return 1
	if [ -z "$backend" ]; then
		[ -f "$LAB_DIR/busybox-httpd.log" ] || lab_busybox_httpd || return 1
		backend=$LAB_BUSYBOX_HTTP_PORT
	fi
	mkdir -p "$d"
	printf 'foreground = yes\npid =\noutput = %s/stunnel.log\ndebug = info\n' "$d" > "$d/stunnel.conf"
	for svc in 4 6; do
		ip=$LAB_SRV_IP4
		[ $svc = 6 ] && ip=$LAB_SRV_IP6
		cat >> "$d/stunnel.conf" <<-EOF
		[https$svc]
		accept = $ip:$port
		connect = $LAB_SRV_IP4:$backend
		cert = $LAB_CHAIN_CERT
		key = $LAB_CHAIN_KEY
		; The protocol restriction: these versions and nothing else.
		sslVersionMin = $min
		sslVersionMax = $max
		EOF
		[ -n "$ciphers" ] && echo "ciphers = $ciphers" >> "$d/stunnel.conf"
	done
	_lab_start "$name" stunnel "$d/stunnel.conf"
	_lab_wait tcp "$port"
}

# lab_stunnel_tls12: stunnel4 allowing TLS 1.2 only on :$LAB_TLS12_PORT (IPv4 and
# IPv6) with the RSA chain, in front of busybox httpd (started if needed).
lab_stunnel_tls12() { lab_stunnel; }

# lab_erl_tftpd: Erlang/OTP's tftp server (tftp_file callback, root $LAB_WWW)
# on :$LAB_ERL_TFTP_PORT, IPv4 and IPv6, in one Erlang node without distribution.
# Each daemon names its host: the default, "localhost", may have no IPv6 address.
lab_erl_tftpd() {
	local eval
	eval="{ok, A4} = inet:parse_address(\"$LAB_SRV_IP4\"),
		{ok, A6} = inet:parse_address(\"$LAB_SRV_IP6\"),
		Cb = {callback, {\".*\", tftp_file, [{root_dir, \"$LAB_WWW\"}]}},
		{ok, _} = tftp:start([{port, $LAB_ERL_TFTP_PORT}, {host, \"$LAB_SRV_IP4\"},
			{udp, [{ip, A4}]}, Cb]),
		{ok, _} = tftp:start([{port, $LAB_ERL_TFTP_PORT}, {host, \"$LAB_SRV_IP6\"},
			{udp, [inet6, {ip, A6}]}, Cb]),
		io:format(\"tftp started~n\"),
		receive stop -> ok end."
	_lab_start erl-tftpd env ERL_CRASH_DUMP="$LAB_DIR/erl_crash.dump" erl -noshell -noinput -eval "$eval"
	_lab_wait udp "$LAB_ERL_TFTP_PORT"
}

# _lab_arg NAME ARGS...: print the value of --NAME in ARGS (empty when none).
_lab_arg() {
	local name=$1
	shift
	while [ $# -gt 0 ]; do
		[ "$1" = "--$name" ] && { printf '%s' "$2"; return; }
		shift
	done
}

# lab_isc_dhcpd [--opt242 STR] [--lease S]: ISC dhcpd on the server veth: range
# .100-.200, router and DNS $LAB_SRV_IP4, leases of S seconds (default 3600),
# option 242 declared and set as ISC's users do.
# Exports LAB_ISC_LEASES.
lab_isc_dhcpd() {
	local d=$LAB_DIR/isc-dhcpd opt242 lease
	opt242=$(_lab_arg opt242 "$@")
	lease=$(_lab_arg lease "$@")
	mkdir -p "$d"
	LAB_ISC_LEASES=$d/dhcpd.leases
	export LAB_ISC_LEASES
	: > "$LAB_ISC_LEASES"
	{
		echo 'option avaya-242 code 242 = string;'
		echo 'authoritative;'
		echo "default-lease-time ${lease:-3600};"
		echo "max-lease-time ${lease:-3600};"
		echo "min-lease-time ${lease:-3600};"
		echo "subnet 192.0.2.0 netmask 255.255.255.0 {"
		echo "	range 192.0.2.100 192.0.2.200;"
		echo "	option routers $LAB_SRV_IP4;"
		echo "	option domain-name-servers $LAB_SRV_IP4;"
		# ISC's string syntax: a quoted string, backslash escapes " and \.
		[ -n "$opt242" ] && printf '\toption avaya-242 "%s";\n' "$(printf '%s' "$opt242" | sed 's/[\\"]/\\&/g')"
		echo "}"
	} > "$d/dhcpd.conf"
	_lab_start isc-dhcpd dhcpd -4 -f -d -cf "$d/dhcpd.conf" -lf "$LAB_ISC_LEASES" \
		-pf "$d/dhcpd.pid" "$LAB_SRV_IF"
	_lab_wait udp 67
}

# lab_kea_dhcp4 [--opt242 STR] [--lease S]: Kea's DHCPv4 server on the server
# veth (raw sockets, as on a real LAN): the same pool and leases, option 242 as
# an option-def of type string and an option-data in the subnet. Kea's option data is comma-separated
# (csv-format), so commas inside the string are escaped "\\," as Kea's manual
# says. Exports LAB_KEA_LEASES.
lab_kea_dhcp4() {
	local d=$LAB_DIR/kea opt242 data lease
	opt242=$(_lab_arg opt242 "$@")
	lease=$(_lab_arg lease "$@")
	mkdir -p "$d"
	LAB_KEA_LEASES=$d/kea-leases4.csv
	export LAB_KEA_LEASES
	# In the JSON text: \" for a quote, \\, (a backslash-comma once parsed) for a comma.
	data=$(printf '%s' "$opt242" | sed 's/"/\\"/g; s/,/\\\\,/g')
	[ -n "$opt242" ] && opt242=",
				{ \"name\": \"avaya-242\", \"data\": \"$data\" }"
	cat > "$d/kea-dhcp4.conf" <<-EOF
	{ "Dhcp4": {
		"interfaces-config": { "interfaces": [ "$LAB_SRV_IF/$LAB_SRV_IP4" ], "dhcp-socket-type": "raw" },
		"lease-database": { "type": "memfile", "persist": true, "name": "$LAB_KEA_LEASES", "lfc-interval": 0 },
		"valid-lifetime": ${lease:-3600},
		"option-def": [ { "name": "avaya-242", "code": 242, "type": "string", "space": "dhcp4" } ],
		"subnet4": [ {
			"id": 1,
			"subnet": "192.0.2.0/24",
			"pools": [ { "pool": "192.0.2.100 - 192.0.2.200" } ],
			"option-data": [
				{ "name": "routers", "data": "$LAB_SRV_IP4" },
				{ "name": "domain-name-servers", "data": "$LAB_SRV_IP4" }$opt242
			]
		} ],
		"loggers": [ { "name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 40,
			"output_options": [ { "output": "stdout" } ] } ]
	} }
	EOF
	lab_srv env KEA_LOCKFILE_DIR="$d" KEA_PIDFILE_DIR="$d" kea-dhcp4 -t "$d/kea-dhcp4.conf" > "$d/check.log" 2>&1 ||
		{ lab_log "kea-dhcp4 refuses its configuration: $(tail -n 3 "$d/check.log")"; return 1; }
	_lab_start kea-dhcp4 env KEA_LOCKFILE_DIR="$d" KEA_PIDFILE_DIR="$d" kea-dhcp4 -c "$d/kea-dhcp4.conf"
	_lab_wait udp 67
}
