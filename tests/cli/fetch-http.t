#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot fetch` with http:// and https:// URLs, without a network: the HTTP
# options in --help, bad option values (exit 2), no way to turn certificate
# verification off, https without trust anchors refused, and a refused
# connection on loopback reported (exit 1, nothing written).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
rb=$RINGBOOT_BIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

help=$("$rb" fetch --help)
is "$?" 0 "fetch --help exits 0"
for opt in --ca --tls-name --tls-server-id --tls-prefer --connect-timeout --first-byte-timeout \
	--idle-timeout --retry-after-max --http-retries --model --mac; do
	case $help in *"$opt"*) pass "--help lists $opt" ;; *) fail "--help lists $opt" ;; esac
done

for bad in "--tls-prefer rc4" "--idle-timeout 0" "--connect-timeout x" "--http-retries -1" \
	"--mac 00:11:22:33:44" "--model a;b" "--insecure" "-k" "--no-verify"; do
	# shellcheck disable=SC2086
	"$rb" fetch $bad http://127.0.0.1/x -o "$tmp/x" > /dev/null 2>&1
	is "$?" 2 "'$bad' is a usage error"
done

err=$("$rb" fetch https://127.0.0.1/x -o "$tmp/noca" 2>&1)
is "$?" 1 "https without --ca fails"
case $err in *"--ca FILE"*) pass "and says --ca FILE is needed" ;; *) fail "and says --ca FILE is needed"; diag "$err" ;; esac

# a port nothing listens on: find one, then connect to it on loopback
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
err=$("$rb" fetch "http://127.0.0.1:$port/x" -o "$tmp/refused" 2>&1)
is "$?" 1 "a refused connection fails"
case $err in *"cannot connect to 127.0.0.1:$port"*) pass "and names the address" ;;
	*) fail "and names the address"; diag "$err" ;; esac
[ ! -e "$tmp/refused" ] && pass "nothing written" || fail "nothing written"

done_testing
