#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot dhcp` without a network: usage errors, --sson (no exchange: the
# parameters of an option 242 string, stored in the state directory), and
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

err=$("$rb" dhcp --state-dir "$tmp/s" --iface rb-no-such-if0 --timeout 1 2>&1 >/dev/null)
is "$?" 1 "a missing interface exits 1"
case $err in *rb-no-such-if0*) pass "the error names the interface" ;;
*) fail "the error names the interface"; diag "$err" ;; esac
err=$("$rb" dhcp --state-dir "$tmp/s" --release --no-configure --iface lo 2>&1 >/dev/null)
is "$?" 1 "--release without a stored lease exits 1"
case $err in *"no stored lease"*) pass "and says so" ;; *) fail "and says so"; diag "$err" ;; esac
done_testing
