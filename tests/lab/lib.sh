# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The lab: a handset and its provisioning servers, built from network
# namespaces and a veth pair, with real servers started per run.
#
#   +---------------------- ns $LAB_PHONE_NS ----+    +------------- ns $LAB_SRV_NS -------------------+
#   | ringboot, curl, tftp, atftp, udhcpc        |    | nginx      192.0.2.1 :80 :443  [2001:db8::1]  |
#   |                                            |    | in.tftpd   192.0.2.1 :69       [2001:db8::1]  |
#   | $LAB_PHONE_IF  192.0.2.2/24                |    | atftpd     192.0.2.1 :1069                    |
#   |                2001:db8::2/64              |    | dnsmasq    192.0.2.3 DHCP, DNS :53, TFTP :69  |
#   +--------------------------|-----------------+    +------------|-----------------------------------+
#                              +-------------- veth ----------------+ $LAB_SRV_IF 192.0.2.1/24, .3/24
#
# Usage (in a TAP test):
#   . "$RINGBOOT_TOP/tests/lab/lib.sh"
#   lab_setup [--no-phone-addr]
#   lab_nginx; lab_tftpd_hpa; lab_atftpd; lab_dnsmasq --opt242 "HTTPSRVR=192.0.2.1"
#   lab_phone curl -s http://192.0.2.1/file
# Other implementations (busybox httpd, mini_httpd, lighttpd, stunnel, Erlang's
# tftp, ISC dhcpd, Kea): . "$RINGBOOT_TOP/tests/lab/interop.sh" (its header).
# Names carry a random suffix, so several labs can exist at once. Cleanup runs on
# every exit path (trap EXIT): processes, namespaces, links and files go.
# Addresses are TEST-NET-1 / documentation prefixes and exist only inside the
# lab's own namespaces.

LAB_SRV_IP4=192.0.2.1
LAB_DNSMASQ_IP4=192.0.2.3
LAB_PHONE_IP4=192.0.2.2
LAB_SRV_IP6=2001:db8::1
LAB_PHONE_IP6=2001:db8::2
LAB_TLS_NAME=lab.ringboot.test
LAB_TFTPD_HPA_PORT=69
LAB_ATFTPD_PORT=1069
LAB_DNSMASQ_TFTP_PORT=69
LAB_HTTP_PORT=80
LAB_HTTPS_PORT=443
LAB_ATFTPD=${LAB_ATFTPD:-${RINGBOOT_CACHE:-/var/cache/ringboot}/atftp/usr/sbin/atftpd}
export LAB_SRV_IP4 LAB_DNSMASQ_IP4 LAB_PHONE_IP4 LAB_SRV_IP6 LAB_PHONE_IP6 LAB_TLS_NAME \
	LAB_TFTPD_HPA_PORT LAB_ATFTPD_PORT LAB_DNSMASQ_TFTP_PORT LAB_HTTP_PORT LAB_HTTPS_PORT

_lab_pids=()
_lab_extra_cleanup=()

lab_log() { echo "# lab: $*" >&2; }

# lab_on_cleanup CMD...: run CMD when the lab is torn down (before the namespaces go).
lab_on_cleanup() { _lab_extra_cleanup+=("$*"); }

lab_cleanup() {
	local pid
	for c in "${_lab_extra_cleanup[@]}"; do eval "$c" 2>/dev/null; done
	for pid in "${_lab_pids[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${_lab_pids[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	done
	# Anything still running inside the namespaces (servers that forked).
	for ns in "$LAB_SRV_NS" "$LAB_PHONE_NS"; do
		[ -n "$ns" ] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "${LAB_DIR:-}" ] && [ -z "${LAB_KEEP:-}" ]; then rm -rf "$LAB_DIR"; fi
}

lab_phone() { ip netns exec "$LAB_PHONE_NS" "$@"; }
lab_srv() { ip netns exec "$LAB_SRV_NS" "$@"; }

# lab_setup [--no-phone-addr]
lab_setup() {
	local no_phone_addr=0 id
	[ "${1:-}" = "--no-phone-addr" ] && no_phone_addr=1
	if [ "$(id -u)" -ne 0 ]; then
		echo "lab: needs root (network namespaces)" >&2
		return 1
	fi
	id=$(tr -dc 'a-z0-9' < /dev/urandom 2>/dev/null | head -c 8)
	LAB_ID=$id
	LAB_SRV_NS=rbs-$id
	LAB_PHONE_NS=rbp-$id
	LAB_SRV_IF=rbs$id
	LAB_PHONE_IF=rbp$id
	LAB_DIR=$(mktemp -d /tmp/ringboot-lab.XXXXXX)
	chmod 755 "$LAB_DIR"	# servers that drop privileges must read what they serve
	LAB_WWW=$LAB_DIR/www
	mkdir -m 755 "$LAB_WWW"
	export LAB_ID LAB_SRV_NS LAB_PHONE_NS LAB_SRV_IF LAB_PHONE_IF LAB_DIR LAB_WWW
	trap lab_cleanup EXIT
	# A signal ends the script through exit, so the EXIT trap cleans up too.
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP

	ip netns add "$LAB_SRV_NS" || return 1
	ip netns add "$LAB_PHONE_NS" || return 1
	ip link add "$LAB_SRV_IF" netns "$LAB_SRV_NS" type veth peer name "$LAB_PHONE_IF" \
		netns "$LAB_PHONE_NS" || return 1
	lab_srv ip link set lo up
	lab_phone ip link set lo up
	lab_srv ip addr add "$LAB_SRV_IP4/24" dev "$LAB_SRV_IF"
	lab_srv ip addr add "$LAB_DNSMASQ_IP4/24" dev "$LAB_SRV_IF"
	lab_srv ip -6 addr add "$LAB_SRV_IP6/64" dev "$LAB_SRV_IF" nodad
	lab_srv ip link set "$LAB_SRV_IF" up
	if [ $no_phone_addr -eq 0 ]; then
		lab_phone ip addr add "$LAB_PHONE_IP4/24" dev "$LAB_PHONE_IF"
		lab_phone ip -6 addr add "$LAB_PHONE_IP6/64" dev "$LAB_PHONE_IF" nodad
	fi
	lab_phone ip link set "$LAB_PHONE_IF" up
	# Large windows need socket buffers to match (set per namespace).
	for ns in "$LAB_SRV_NS" "$LAB_PHONE_NS"; do
		ip netns exec "$ns" sysctl -qw net.core.rmem_max=16777216 net.core.wmem_max=16777216 \
			2>/dev/null || true
	done
	lab_log "netns $LAB_SRV_NS <-> $LAB_PHONE_NS, dir $LAB_DIR"
}

# _lab_wait PROTO PORT [ADDR] [NS]: wait until a socket listens (tcp) or is bound (udp).
_lab_wait() {
	local proto=$1 port=$2 ns=${3:-$LAB_SRV_NS} flag=-Hltn
	[ "$proto" = udp ] && flag=-Hlun
	for _ in $(seq 1 100); do
		if ip netns exec "$ns" ss $flag "sport = :$port" 2>/dev/null | grep -q .; then
			return 0
		fi
		sleep 0.05
	done
	lab_log "nothing listens on $proto/$port in $ns"
	return 1
}

# _lab_spawn NAME CMD...: start CMD in the server namespace in the background, log in $LAB_DIR.
_lab_spawn() {
	local name=$1
	shift
	ip netns exec "$LAB_SRV_NS" "$@" > "$LAB_DIR/$name.log" 2>&1 &
	_lab_pids+=($!)
}

# lab_pki: a CA and a server certificate for $LAB_TLS_NAME and the server addresses.
lab_pki() {
	local d=$LAB_DIR/pki
	[ -f "$d/server.pem" ] && return 0
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=ringboot lab CA" -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$LAB_TLS_NAME" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null || return 1
	printf 'subjectAltName=DNS:%s,IP:%s,IP:%s,IP:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
		"$LAB_TLS_NAME" "$LAB_SRV_IP4" "$LAB_DNSMASQ_IP4" "$LAB_SRV_IP6" > "$d/server.ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-days 30 -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null || return 1
	chmod 644 "$d"/*
	LAB_CA=$d/ca.pem
	export LAB_CA
}

# lab_nginx: HTTP on :80 and HTTPS on :443 serving $LAB_WWW.
# Set LAB_NGINX_EXTRA to directives for both server blocks (locations, ...),
# LAB_NGINX_HTTP_EXTRA for directives at http{} level (upstreams, ...).
lab_nginx() {
	local d=$LAB_DIR/nginx
	lab_pki || return 1
	mkdir -p "$d/tmp"
	chmod 755 "$d" "$d/tmp"
	LAB_NGINX_LOG=$d/access.log
	LAB_NGINX_CONF=$d/nginx.conf
	export LAB_NGINX_LOG LAB_NGINX_CONF
	cat > "$d/nginx.conf" <<-EOF
	daemon off;
	master_process on;
	worker_processes 1;
	user www-data;
	pid $d/nginx.pid;
	error_log $d/error.log info;
	events { worker_connections 1024; }
	http {
		types { text/plain txt scr; application/octet-stream bin img; }
		default_type application/octet-stream;
		client_body_temp_path $d/tmp/body;
		proxy_temp_path $d/tmp/proxy;
		fastcgi_temp_path $d/tmp/fastcgi;
		uwsgi_temp_path $d/tmp/uwsgi;
		scgi_temp_path $d/tmp/scgi;
		log_format lab '\$connection \$connection_requests \$ssl_session_reused "\$request" \$status \$body_bytes_sent "\$http_range" "\$http_user_agent" \$scheme \$msec \$request_time';
		access_log $d/access.log lab;
		sendfile on;
		keepalive_requests 1000;
		ssl_certificate $LAB_DIR/pki/server.pem;
		ssl_certificate_key $LAB_DIR/pki/server.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_session_cache shared:lab:1m;
		ssl_session_tickets on;
		${LAB_NGINX_HTTP_EXTRA:-}
		server {
			listen $LAB_SRV_IP4:$LAB_HTTP_PORT;
			listen [$LAB_SRV_IP6]:$LAB_HTTP_PORT;
			server_name $LAB_TLS_NAME;
			root $LAB_WWW;
			${LAB_NGINX_EXTRA:-}
		}
		server {
			listen $LAB_SRV_IP4:$LAB_HTTPS_PORT ssl;
			listen [$LAB_SRV_IP6]:$LAB_HTTPS_PORT ssl;
			server_name $LAB_TLS_NAME;
			root $LAB_WWW;
			${LAB_NGINX_EXTRA:-}
		}
	}
	EOF
	_lab_spawn nginx nginx -c "$d/nginx.conf" -e "$d/error.log"
	_lab_wait tcp $LAB_HTTP_PORT && _lab_wait tcp $LAB_HTTPS_PORT
}

# lab_nginx_reload: re-read $LAB_NGINX_CONF (after a test edits it).
lab_nginx_reload() { lab_srv nginx -c "$LAB_NGINX_CONF" -s reload; sleep 0.3; }

# lab_tftpd_hpa: in.tftpd in the foreground on :69, IPv4 and IPv6.
lab_tftpd_hpa() {
	_lab_spawn tftpd-hpa in.tftpd --foreground --address "$LAB_SRV_IP4:$LAB_TFTPD_HPA_PORT" \
		--secure --user nobody --blocksize 65464 "$LAB_WWW"
	_lab_spawn tftpd-hpa6 in.tftpd --foreground -6 --address "[$LAB_SRV_IP6]:$LAB_TFTPD_HPA_PORT" \
		--secure --user nobody --blocksize 65464 "$LAB_WWW"
	_lab_wait udp $LAB_TFTPD_HPA_PORT
}

# lab_atftpd: atftpd (implements RFC 7440 windowsize) on :1069, IPv4.
lab_atftpd() {
	if [ ! -x "$LAB_ATFTPD" ]; then
		lab_log "atftpd not found at $LAB_ATFTPD (run make deps)"
		return 1
	fi
	_lab_spawn atftpd "$LAB_ATFTPD" --daemon --no-fork --port "$LAB_ATFTPD_PORT" \
		--bind-address "$LAB_SRV_IP4" --user nobody.nogroup --logfile - --maxthread 100 \
		"$LAB_WWW"
	_lab_wait udp $LAB_ATFTPD_PORT
}

# lab_tftp_faulty PORT FAULTS: (re)start tests/lab/tftp_faulty.py, the TFTP server
# that injects FAULTS (see its help), on $LAB_SRV_IP4:PORT serving $LAB_WWW; its log
# is $LAB_DIR/server.log. Returns once it listens.
lab_tftp_faulty() {
	local port=$1 faults=$2
	local pid keep=()
	if [ -n "${_lab_faulty_pid:-}" ]; then
		kill "$_lab_faulty_pid" 2>/dev/null
		wait "$_lab_faulty_pid" 2>/dev/null
		# Gone: cleanup must not signal whoever gets the number next.
		for pid in "${_lab_pids[@]}"; do [ "$pid" = "$_lab_faulty_pid" ] || keep+=("$pid"); done
		_lab_pids=("${keep[@]}")
	fi
	rm -f "$LAB_DIR/tftp_faulty.ready"
	ip netns exec "$LAB_SRV_NS" python3 "$RINGBOOT_TOP/tests/lab/tftp_faulty.py" \
		--addr "$LAB_SRV_IP4" --port "$port" --root "$LAB_WWW" --fault "$faults" \
		--ready "$LAB_DIR/tftp_faulty.ready" 2> "$LAB_DIR/server.log" &
	_lab_faulty_pid=$!
	_lab_pids+=($!)
	for _ in $(seq 100); do [ -e "$LAB_DIR/tftp_faulty.ready" ] && return 0; sleep 0.1; done
	return 1
}

# lab_dnsmasq [--opt242 STR] [--opt176 STR] [-- extra dnsmasq args]
# DHCP on the server veth (range .100-.200, router and DNS = $LAB_DNSMASQ_IP4),
# DNS on $LAB_DNSMASQ_IP4:53, TFTP from $LAB_WWW on $LAB_DNSMASQ_IP4:69.
lab_dnsmasq() {
	local args=() conf=$LAB_DIR/dnsmasq.conf
	# Site-specific strings go through a configuration file: dnsmasq strips the
	# quotes that protect their commas there, but not on its command line.
	: > "$conf"
	while [ $# -gt 0 ]; do
		case $1 in
		--opt242) printf 'dhcp-option-force=242,"%s"\n' "$2" >> "$conf"; shift 2 ;;
		--opt176) printf 'dhcp-option-force=176,"%s"\n' "$2" >> "$conf"; shift 2 ;;
		--) shift; args+=("$@"); break ;;
		*) args+=("$1"); shift ;;
		esac
	done
	LAB_DNSMASQ_LEASES=$LAB_DIR/dnsmasq.leases
	export LAB_DNSMASQ_LEASES
	_lab_spawn dnsmasq dnsmasq --keep-in-foreground --conf-file="$conf" --no-resolv --no-hosts \
		--user=root --pid-file="$LAB_DIR/dnsmasq.pid" --dhcp-leasefile="$LAB_DNSMASQ_LEASES" \
		--listen-address="$LAB_DNSMASQ_IP4" --bind-interfaces \
		--dhcp-range=192.0.2.100,192.0.2.200,255.255.255.0,1h \
		--dhcp-option=3,"$LAB_DNSMASQ_IP4" --dhcp-option=6,"$LAB_DNSMASQ_IP4" \
		--enable-tftp --tftp-root="$LAB_WWW" --log-dhcp --log-facility=- \
		"${args[@]}"
	_lab_wait udp 67 && _lab_wait udp $LAB_DNSMASQ_TFTP_PORT
}

# lab_limit RATE: shape both directions of the veth with tbf (e.g. 100mbit).
lab_limit() {
	local rate=$1
	lab_srv tc qdisc replace dev "$LAB_SRV_IF" root tbf rate "$rate" burst 256kb latency 50ms
	lab_phone tc qdisc replace dev "$LAB_PHONE_IF" root tbf rate "$rate" burst 256kb latency 50ms
}

# lab_file NAME SIZE: a file of SIZE bytes of random data in $LAB_WWW; prints its SHA-256.
lab_file() {
	head -c "$2" /dev/urandom > "$LAB_WWW/$1"
	chmod 644 "$LAB_WWW/$1"
	sha256sum < "$LAB_WWW/$1" | cut -d' ' -f1
}

# lab_json_field FILE KEY: a member of the JSON document in FILE, KEY dotted
# (timeline.0.phase), empty when absent or null.
lab_json_field() {
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
	v=(v[int(k)] if int(k) < len(v) else None) if isinstance(v,list) else (v or {}).get(k)
print("" if v is None else v)' "$1" "$2" 2>/dev/null
}

# lab_json_phase FILE PHASE MEMBER: MEMBER (status, detail...) of every timeline
# phase named PHASE in the boot report FILE, comma-separated.
lab_json_phase() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(",".join(str(p[sys.argv[3]]) for p in d["timeline"] if p["phase"]==sys.argv[2]))' "$1" "$2" "$3"
}
