#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot dhcp` without a network: usage errors, --sson (no exchange: the
# parameters of an option 242 string, stored in the state directory, params.env
# readable by root and ENV_GROUP only), and
# clear failures for a missing interface or a missing stored lease.
# The exchange itself is tested in the lab (tests/lab/t/dhcp-*.t).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
rb=$RINGBOOT_BIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$rb" dhcp --help > "$tmp/help"
is "$?" 0 "dhcp --help exits 0"
grep -q -- "--no-configure" "$tmp/help" && pass "--help lists --no-configure" || fail "--help lists --no-configure"
"$rb" dhcp --bogus > /dev/null 2>&1
is "$?" 2 "an unknown option exits 2"
"$rb" dhcp extra-arg > /dev/null 2>&1
is "$?" 2 "a stray argument exits 2"
"$rb" dhcp --daemon --release > /dev/null 2>&1
is "$?" 2 "--daemon with --release exits 2"
"$rb" dhcp --timeout x > /dev/null 2>&1
is "$?" 2 "a bad number exits 2"
"$rb" dhcp --daemon --no-configure > /dev/null 2>&1
is "$?" 2 "--daemon with --no-configure exits 2"

out=$("$rb" dhcp --state-dir "$tmp/s" --json --sson "MCIPADD=10.0.0.9,HTTPSRVR=10.0.0.5,10.0.0.6, L2Q=1, L2QVLAN=233")
is "$?" 0 "--sson exits 0"
is "$out" '{"params":{"MCIPADD":"10.0.0.9","HTTPSRVR":"10.0.0.5,10.0.0.6","L2Q":"1","L2QVLAN":"233"}}' \
	"--sson prints the parameters of the string"
grep -q "^RB_HTTPSRVR='10.0.0.5,10.0.0.6'$" "$tmp/s/params.env" && pass "--sson stores params.env" ||
	fail "--sson stores params.env"
# A later --sson replaces the option 242 layer: L2QVLAN goes.
"$rb" dhcp --state-dir "$tmp/s" --sson "HTTPSRVR=10.0.0.7" > /dev/null
grep -q "L2QVLAN" "$tmp/s/params.env" && fail "a new option 242 string replaces the last one" ||
	pass "a new option 242 string replaces the last one"

# A name the last string had and this one lacks leaves no hole in the store:
# every parameter after it is still printed (and exported).
"$rb" dhcp --state-dir "$tmp/h" --sson "HTTPSRVR=10.0.0.1,TFTPSRVR=10.0.0.2,HTTPDIR=x,TLSSRVR=10.0.0.3" > /dev/null
out=$("$rb" --json dhcp --state-dir "$tmp/h" --sson "HTTPSRVR=10.0.0.1,HTTPDIR=x,TLSSRVR=10.0.0.3")
is "$out" '{"params":{"HTTPSRVR":"10.0.0.1","HTTPDIR":"x","TLSSRVR":"10.0.0.3"}}' \
	"a name dropped by the next string: the names after it are still printed"
out=$("$rb" dhcp --state-dir "$tmp/h" --sson "TLSSRVR=10.0.0.3")
case $out in *HTTPSRVR*|*HTTPDIR*) fail "the text output lists only the names left"; diag "$out" ;;
*"TLSSRVR=10.0.0.3 (option242)"*) pass "the text output lists only the names left" ;;
*) fail "the text output lists only the names left"; diag "$out" ;; esac
grep -c "^RB_" "$tmp/h/params.env" | grep -qx 1 && pass "params.env exports the one name left" ||
	fail "params.env exports the one name left"

# params.env holds passwords: root only, or root and ENV_GROUP. Read as
# nobody (uid 65534) through a real setpriv, with and without the group.
chmod 711 "$tmp"
as_nobody() { # GID FILE: cat FILE as uid 65534 with only group GID
	setpriv --reuid=65534 --regid="$1" --clear-groups cat "$2" > /dev/null 2>&1
}
ngid=$(getent group nogroup | cut -d: -f3)
out=$("$rb" --json dhcp --state-dir "$tmp/p" --sson "HTTPSRVR=10.0.0.1,PROCPSWD=4711,SCEPPASSWORD=s3cret")
is "$out" '{"params":{"HTTPSRVR":"10.0.0.1","PROCPSWD":"(hidden)","SCEPPASSWORD":"(hidden)"}}' \
	"the printed parameters hide the passwords (a service's output goes to the journal)"
out=$("$rb" dhcp --state-dir "$tmp/p" --sson "HTTPSRVR=10.0.0.1,PROCPSWD=4711,SCEPPASSWORD=s3cret")
case $out in *4711*|*s3cret*) fail "so does the text output"; diag "$out" ;;
*"PROCPSWD=(hidden) (option242)"*) pass "so does the text output" ;;
*) fail "so does the text output"; diag "$out" ;; esac
is "$(stat -c %a "$tmp/p/params.env")/$(stat -c %a "$tmp/p/params")" "600/600" \
	"params.env and params are root's only (mode 600)"
grep -q "^RB_PROCPSWD='4711'$" "$tmp/p/params.env" && pass "the password is still exported for root" ||
	fail "the password is still exported for root"
as_nobody "$ngid" "$tmp/p/params.env" && fail "another user cannot read params.env" ||
	pass "another user cannot read params.env"
printf 'SET ENV_GROUP nogroup\n' > "$tmp/group.conf"
"$rb" dhcp --config "$tmp/group.conf" --state-dir "$tmp/p" --sson "HTTPSRVR=10.0.0.1,PROCPSWD=4711" > /dev/null
is "$(stat -c %a/%G "$tmp/p/params.env")" "640/nogroup" "with ENV_GROUP: mode 640, group ENV_GROUP"
as_nobody "$ngid" "$tmp/p/params.env" && pass "a member of ENV_GROUP reads params.env" ||
	fail "a member of ENV_GROUP reads params.env"
as_nobody 4711 "$tmp/p/params.env" && fail "a user outside ENV_GROUP still cannot" ||
	pass "a user outside ENV_GROUP still cannot"
as_nobody "$ngid" "$tmp/p/params" && fail "the group cannot read params (every layer)" ||
	pass "the group cannot read params (every layer)"
# ... also with only the capabilities the packaged ringboot-dhcp.service keeps
unit=$RINGBOOT_TOP/packaging/systemd/ringboot-dhcp.service.in
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
rm -f "$tmp/p/params.env"
setpriv --bounding-set="-all,$caps" --inh-caps=-all "$rb" dhcp --config "$tmp/group.conf" \
	--state-dir "$tmp/p" --sson "HTTPSRVR=10.0.0.1" > /dev/null 2>&1
is "$?/$(stat -c %a/%G "$tmp/p/params.env" 2>&1)" "0/640/nogroup" \
	"with ENV_GROUP, the capabilities ringboot-dhcp.service keeps ($caps) suffice"
printf 'SET ENV_GROUP rb-no-such-group\n' > "$tmp/nogroup.conf"
err=$("$rb" dhcp --config "$tmp/nogroup.conf" --state-dir "$tmp/p" --sson "HTTPSRVR=10.0.0.1" 2>&1 >/dev/null)
is "$?/$(stat -c %a "$tmp/p/params.env")" "0/600" "an unknown ENV_GROUP: root only, with a warning"
case $err in *ENV_GROUP*rb-no-such-group*) pass "the warning names the group" ;;
*) fail "the warning names the group"; diag "$err" ;; esac

err=$("$rb" dhcp --state-dir "$tmp/s" --iface rb-no-such-if0 --timeout 1 2>&1 >/dev/null)
is "$?" 1 "a missing interface exits 1"
case $err in *rb-no-such-if0*) pass "the error names the interface" ;;
*) fail "the error names the interface"; diag "$err" ;; esac
err=$("$rb" dhcp --state-dir "$tmp/s" --release --no-configure --iface lo 2>&1 >/dev/null)
is "$?" 1 "--release without a stored lease exits 1"
case $err in *"no stored lease"*) pass "and says so" ;; *) fail "and says so"; diag "$err" ;; esac
done_testing
