#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot dhcp` against dnsmasq: a lease with option 242, one with 176, one
# with option 43 (sub-option 1 = 6889), one with only siaddr and option 66;
# each yields the parameters PROVISIONING.md "DHCP" names. One dnsmasq serves
# all four: the phone's MAC address selects the options (dhcp-host tags).
#
#   phone ns: ringboot dhcp --no-configure  <-- veth -->  server ns: dnsmasq
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

plan 22

lab_setup --no-phone-addr || bail "lab_setup failed"
conf=$LAB_DIR/dhcp-options.conf
cat > "$conf" <<'CONF'
dhcp-host=02:00:5e:00:02:42,set:t242
dhcp-host=02:00:5e:00:01:76,set:t176
dhcp-host=02:00:5e:00:00:43,set:t43
dhcp-host=02:00:5e:00:00:66,set:t66
dhcp-option-force=tag:t242,242,"MCIPADD=10.0.0.9,MCPORT=1719,HTTPSRVR=192.0.2.1,10.0.0.6,HTTPDIR=/p242, L2Q=2"
dhcp-option-force=tag:t176,176,"TFTPSRVR=192.0.2.1,TFTPDIR=/p176"
dhcp-option-force=tag:t43,43,01:04:36:38:38:39:02:09:31:39:32:2e:30:2e:32:2e:35:03:04:2f:70:34:33:0f:05:31:2e:32:2e:33
dhcp-option-force=tag:t66,66,"tftp.lab.test"
dhcp-boot=tag:t66,boot.bin,,192.0.2.7
dhcp-option=tag:t66,42,192.0.2.11
dhcp-option=tag:t66,15,lab.test
dhcp-option=tag:t66,26,1400
CONF
lab_dnsmasq -- --no-ping --conf-file="$conf" || bail "dnsmasq did not start"

# lease MAC: one exchange with the phone's MAC set to MAC; JSON in $LAB_DIR/MAC.json
lease() {
	local mac=$1 out=$LAB_DIR/$1.json
	lab_phone ip link set dev "$LAB_PHONE_IF" address "$mac"
	lab_phone "$RINGBOOT_BIN" dhcp --iface "$LAB_PHONE_IF" --no-configure --json \
		--state-dir "$LAB_DIR/state-$mac" --arp-wait 0 --timeout 10 > "$out" 2> "$out.err"
}
# p MAC NAME: a parameter of that lease ("" when absent)
p() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["params"].get(sys.argv[2], ""))' \
	"$LAB_DIR/$1.json" "$2" 2>/dev/null; }

m=02:00:5e:00:02:42
ok "lease with option 242" lease $m
is "$(p $m HTTPSRVR)" "192.0.2.1,10.0.0.6" "242: HTTPSRVR list (continuation token)"
is "$(p $m HTTPDIR)" "/p242" "242: HTTPDIR"
is "$(p $m MCIPADD)" "10.0.0.9" "242: MCIPADD"
is "$(p $m L2Q)" "2" "242: blanks after a comma trimmed (L2Q)"
is "$(p $m GIPADD)" "$LAB_DNSMASQ_IP4" "standard option 3 -> GIPADD"
is "$(p $m NETMASK)" "255.255.255.0" "standard option 1 -> NETMASK"

m=02:00:5e:00:01:76
ok "lease with option 176" lease $m
is "$(p $m TFTPSRVR)" "192.0.2.1" "176: TFTPSRVR"
is "$(p $m TFTPDIR)" "/p176" "176: TFTPDIR"
is "$(p $m HTTPDIR)" "" "176 lease: no 242 parameters"

m=02:00:5e:00:00:43
ok "lease with option 43 (sub-option 1 = 6889)" lease $m
is "$(p $m HTTPSRVR)" "192.0.2.5" "43: sub-option 2 -> HTTPSRVR"
is "$(p $m HTTPDIR)" "/p43" "43: sub-option 3 -> HTTPDIR"
is "$(p $m SIP_CONTROLLER_LIST)" "1.2.3" "43: sub-option 15 -> SIP_CONTROLLER_LIST"

m=02:00:5e:00:00:66
ok "lease with only siaddr and option 66" lease $m
is "$(p $m HTTPSRVR)" "192.0.2.7" "siaddr -> HTTPSRVR"
is "$(p $m TLSSRVR)" "192.0.2.7" "siaddr -> TLSSRVR"
is "$(p $m TFTPSRVR)" "tftp.lab.test" "option 66 -> TFTPSRVR"
is "$(p $m SNTPSRVR)" "192.0.2.11" "option 42 -> SNTPSRVR"
is "$(p $m DOMAIN),$(p $m MTU_SIZE)" "lab.test,1400" "options 15, 26 -> DOMAIN, MTU_SIZE"
is "$(lab_phone ip -j -4 addr show dev "$LAB_PHONE_IF" | python3 -c 'import json,sys; print(sum(len(i["addr_info"]) for i in json.load(sys.stdin)))')" \
	"0" "--no-configure leaves the interface without an address"
done_testing
