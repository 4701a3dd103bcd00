#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot dhcp` against DHCP servers other than dnsmasq, with option 242
# configured the way each server's users write it (tests/lab/interop.sh):
#  - ISC dhcpd: `option avaya-242 code 242 = string;` and a quoted string;
#  - Kea DHCPv4: an option-def of type string and an option-data in the
#    subnet, its commas escaped for Kea's comma-separated data.
# Neither server sends an option the client did not ask for, so the lease
# carrying 242 also shows that ringboot requests it (option 55). Each lease:
# the address from the pool, router, mask, DNS, and the 242 parameters; and the
# server's own lease database records the handset. Then `dhcp --daemon` with
# 8-second leases: the server sees a renewal (RFC 2131 4.4.5, unicast to it) and,
# on SIGTERM, a DHCPRELEASE; the address leaves the interface.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/interop.sh"

lab_setup --no-phone-addr || bail "lab_setup failed"

# As an Avaya guide's example writes it: a list continued after a comma, blanks after commas.
opt242="MCIPADD=198.51.100.10,198.51.100.11,MCPORT=1719,TLSSRVR=$LAB_SRV_IP4,HTTPSRVR=$LAB_SRV_IP4, HTTPDIR=/J100,L2Q=0,VLANTEST=0"
mac=$(lab_phone cat "/sys/class/net/$LAB_PHONE_IF/address")

# lease NAME: one exchange; the JSON result in $LAB_DIR/NAME.json
lease() {
	lab_phone "$RINGBOOT_BIN" dhcp --iface "$LAB_PHONE_IF" --no-configure --json \
		--state-dir "$LAB_DIR/state-$1" --arp-wait 0 --timeout 10 > "$LAB_DIR/$1.json" 2> "$LAB_DIR/$1.err"
}
p() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["params"].get(sys.argv[2], ""))' \
	"$LAB_DIR/$1.json" "$2" 2>/dev/null; }

# daemon NAME RENEWED RELEASED: --daemon until the server has renewed, then
# SIGTERM; RENEWED and RELEASED are commands that succeed once the server's log
# shows a renewal / the release.
addr() { lab_phone ip -4 -o addr show dev "$LAB_PHONE_IF" | awk '{print $4}'; }
daemon() {
	local n=$1 renewed=$2 released=$3 pid rc
	# ip netns exec execs the agent: $! is the agent itself.
	ip netns exec "$LAB_PHONE_NS" "$RINGBOOT_BIN" dhcp --daemon --iface "$LAB_PHONE_IF" \
		--state-dir "$LAB_DIR/daemon-$n" --arp-wait 0 > "$LAB_DIR/daemon-$n.out" 2>&1 &
	pid=$!
	for _ in $(seq 300); do eval "$renewed" && break; sleep 0.1; done
	case $(addr) in 192.0.2.*/24) pass "$n: --daemon configured the lease's address" ;;
	*) fail "$n: --daemon configured the lease's address"; diag "$(cat "$LAB_DIR/daemon-$n.out")" ;; esac
	eval "$renewed"
	is "$?" 0 "$n: the server renewed the lease (T1 of an 8 s lease)"
	kill -TERM $pid
	wait $pid
	rc=$?
	is "$rc/$(addr)" "0/" "$n: SIGTERM: exit 0, the address removed"
	for _ in $(seq 30); do eval "$released" && break; sleep 0.1; done
	eval "$released"
	is "$?" 0 "$n: the server logged the DHCPRELEASE"
}

check() { # NAME: what the lease from that server must carry
	local n=$1 ip
	ip=$(p "$n" IPADD)
	case $ip in 192.0.2.1[0-9][0-9]|192.0.2.200) pass "$n: an address from the pool ($ip)" ;;
	*) fail "$n: an address from the pool"; diag "IPADD '$ip'" "$(cat "$LAB_DIR/$n.err")" ;; esac
	is "$(p "$n" NETMASK)/$(p "$n" GIPADD)/$(p "$n" DNSSRVR)" "255.255.255.0/$LAB_SRV_IP4/$LAB_SRV_IP4" \
		"$n: mask, router and DNS server"
	is "$(p "$n" MCIPADD)" "198.51.100.10,198.51.100.11" "$n: 242 MCIPADD list (continued after a comma)"
	is "$(p "$n" MCPORT)/$(p "$n" TLSSRVR)/$(p "$n" HTTPSRVR)" "1719/$LAB_SRV_IP4/$LAB_SRV_IP4" \
		"$n: 242 MCPORT, TLSSRVR, HTTPSRVR"
	is "$(p "$n" HTTPDIR)/$(p "$n" L2Q)/$(p "$n" VLANTEST)" "/J100/0/0" "$n: 242 HTTPDIR (blank trimmed), L2Q, VLANTEST"
}

# --- ISC dhcpd
ok "ISC dhcpd starts" lab_isc_dhcpd --opt242 "$opt242" --lease 8
grep -q '^option avaya-242 code 242 = string;$' "$LAB_DIR/isc-dhcpd/dhcpd.conf"
is "$?" 0 "ISC dhcpd: option 242 declared as ISC's users write it"
ok "a lease from ISC dhcpd" lease isc
check isc
ip=$(p isc IPADD)
grep -A8 "^lease $ip {" "$LAB_ISC_LEASES" | grep -qi "hardware ethernet $mac;"
is "$?" 0 "ISC dhcpd's lease file holds $ip for the handset"
grep -q "DHCPACK on $ip to $mac" "$LAB_DIR/isc-dhcpd.log"
is "$?" 0 "ISC dhcpd logged the DHCPACK"
acks() { grep -c "DHCPACK on .* to $mac" "$LAB_DIR/isc-dhcpd.log"; }
a0=$(acks)
daemon isc '[ "$(acks)" -ge $((a0 + 2)) ]' "grep -q 'DHCPRELEASE of .* from $mac' '$LAB_DIR/isc-dhcpd.log'"
lab_stop isc-dhcpd

# --- Kea
ok "Kea starts" lab_kea_dhcp4 --opt242 "$opt242" --lease 8
grep -q '"option-def": \[ { "name": "avaya-242", "code": 242, "type": "string"' "$LAB_DIR/kea/kea-dhcp4.conf"
is "$?" 0 "Kea: option 242 defined in option-def, as Kea's users write it"
ok "a lease from Kea" lease kea
check kea
ip=$(p kea IPADD)
grep -q "^$ip,$mac," "$LAB_KEA_LEASES"
is "$?" 0 "Kea's lease database holds $ip for the handset"
allocs() { grep -c 'DHCP4_LEASE_ALLOC' "$LAB_DIR/kea-dhcp4.log"; }
a0=$(allocs)
daemon kea '[ "$(allocs)" -ge $((a0 + 2)) ]' "grep -q 'DHCP4_RELEASE ' '$LAB_DIR/kea-dhcp4.log'"
lab_stop kea-dhcp4

done_testing
