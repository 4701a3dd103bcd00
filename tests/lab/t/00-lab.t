#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The lab itself: each real server starts and serves a file to a stock client,
# dnsmasq hands out a lease with option 242, and teardown leaves nothing behind.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 15

# --- a lab in a subshell: its cleanup must remove namespaces, links and processes
sub_ns=$( (lab_setup >/dev/null 2>&1 && lab_tftpd_hpa >/dev/null 2>&1 && echo "$LAB_SRV_NS $LAB_PHONE_NS $LAB_DIR") )
read -r s p d <<< "$sub_ns"
if [ -n "$s" ] && ! ip netns list | grep -qE "^($s|$p)( |$)" && [ ! -e "$d" ]; then
	pass "a lab's cleanup removes its namespaces and directory"
else
	fail "a lab's cleanup removes its namespaces and directory"; diag "left: $(ip netns list)"
fi

# --- the same with every server of interop.sh: none outlives its lab
sub_dir=$( (lab_setup >/dev/null 2>&1 && . "$RINGBOOT_TOP/tests/lab/interop.sh" &&
	lab_busybox_httpd && lab_mini_httpd && lab_lighttpd && lab_lighttpd_tls13 && lab_stunnel_tls12 &&
	lab_erl_tftpd && lab_kea_dhcp4 --opt242 A=1 && lab_stop kea-dhcp4 && lab_isc_dhcpd --opt242 A=1 &&
	echo "$LAB_DIR") 2>/dev/null )
left=$(pgrep -af -- "${sub_dir:-no lab}")
if [ -n "$sub_dir" ] && [ -z "$left" ] && [ ! -e "$sub_dir" ]; then
	pass "a lab's cleanup ends every interop.sh server"
else
	fail "a lab's cleanup ends every interop.sh server"; diag "lab '$sub_dir', left: $left"
fi

lab_setup || bail "lab_setup failed"
sum=$(lab_file f.bin 300000)
ok "nginx starts" lab_nginx
ok "tftpd-hpa starts" lab_tftpd_hpa
ok "atftpd starts" lab_atftpd
ok "dnsmasq starts" lab_dnsmasq --opt242 "HTTPSRVR=$LAB_SRV_IP4,HTTPDIR=/"

got() { sha256sum < "$1" | cut -d' ' -f1; }
out=$LAB_DIR/out
mkdir -p "$out"

lab_phone curl -sf -o "$out/http" "http://$LAB_SRV_IP4/f.bin"
is "$(got "$out/http")" "$sum" "curl fetches over HTTP from nginx"
lab_phone curl -sf --cacert "$LAB_CA" -o "$out/https" "https://$LAB_TLS_NAME/f.bin" \
	--resolve "$LAB_TLS_NAME:443:$LAB_SRV_IP4"
is "$(got "$out/https")" "$sum" "curl fetches over HTTPS from nginx with the lab CA"
lab_phone curl -sf -o "$out/http6" "http://[$LAB_SRV_IP6]/f.bin"
is "$(got "$out/http6")" "$sum" "curl fetches over HTTP/IPv6 from nginx"

(cd "$out" && lab_phone tftp -m binary "$LAB_SRV_IP4" -c get f.bin tftpd-hpa)
is "$(got "$out/tftpd-hpa")" "$sum" "tftp-hpa fetches from tftpd-hpa"
(cd "$out" && lab_phone tftp -6 -m binary "$LAB_SRV_IP6" -c get f.bin tftpd-hpa6)
is "$(got "$out/tftpd-hpa6")" "$sum" "tftp-hpa fetches from tftpd-hpa over IPv6"

lab_phone atftp --option "blksize 1468" --option "windowsize 16" -g -r f.bin -l "$out/atftpd" \
	"$LAB_SRV_IP4" "$LAB_ATFTPD_PORT" >/dev/null 2>&1
is "$(got "$out/atftpd")" "$sum" "atftp fetches from atftpd with windowsize 16"

(cd "$out" && lab_phone tftp -m binary "$LAB_DNSMASQ_IP4" -c get f.bin dnsmasq)
is "$(got "$out/dnsmasq")" "$sum" "tftp-hpa fetches from dnsmasq's TFTP server"

# --- DHCP: the phone gives up its static address and asks dnsmasq with busybox udhcpc.
lab_phone ip addr flush dev "$LAB_PHONE_IF"
cat > "$LAB_DIR/udhcpc.sh" <<'SH'
#!/bin/sh
[ "$1" = bound ] && echo "lease ip=$ip opt242=$opt242" >> "$LEASE_OUT"
exit 0
SH
chmod 755 "$LAB_DIR/udhcpc.sh"
LEASE_OUT=$LAB_DIR/lease lab_phone busybox udhcpc -f -q -n -t 10 -T 1 -i "$LAB_PHONE_IF" \
	-s "$LAB_DIR/udhcpc.sh" -O 242 >/dev/null 2>&1
lease=$(cat "$LAB_DIR/lease" 2>/dev/null)
case $lease in
*"ip=192.0.2.1"[0-9][0-9]*) pass "dnsmasq hands out a lease in the lab range" ;;
*) fail "dnsmasq hands out a lease in the lab range"; diag "udhcpc saw: $lease"
   diag "$(tail -n 20 "$LAB_DIR/dnsmasq.log" 2>/dev/null)" ;;
esac
# udhcpc hands unknown options over in hex.
hex=${lease##*opt242=}
is "$(printf '%s' "$hex" | xxd -r -p)" "HTTPSRVR=$LAB_SRV_IP4,HTTPDIR=/" "the lease carries the option 242 string exactly"
done_testing
