#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot fetch` command line, without a network: usage errors exit 2 with a
# message, --help documents the options, a transfer failure exits 1 with a
# one-line reason and leaves no file, --json is an array even then.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
RB=$RINGBOOT_BIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

usage_err() { # DESC ARGS...
	local desc=$1 rc
	shift
	"$RB" fetch "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ -s "$tmp/err" ]; then pass "$desc"; else
		fail "$desc"; diag "exit $rc, stderr: $(cat "$tmp/err")"; fi
}

usage_err "no URL" 
usage_err "URL without -o" tftp://192.0.2.1/f
usage_err "-o before any URL" -o "$tmp/x" tftp://192.0.2.1/f
usage_err "second URL without -o" tftp://192.0.2.1/f -o "$tmp/a" tftp://192.0.2.1/g
usage_err "malformed URL" "tftp:/nohost" -o "$tmp/x"
usage_err "unsupported scheme" "gopher://h/f" -o "$tmp/x"
usage_err "blksize below 8" --blksize 7 tftp://192.0.2.1/f -o "$tmp/x"
usage_err "blksize above 65464" --blksize 65465 tftp://192.0.2.1/f -o "$tmp/x"
usage_err "windowsize 0" --windowsize 0 tftp://192.0.2.1/f -o "$tmp/x"
usage_err "timeout 256" --timeout 256 tftp://192.0.2.1/f -o "$tmp/x"
usage_err "negative deadline" --deadline -1 tftp://192.0.2.1/f -o "$tmp/x"
usage_err "bad --fastpath" --fastpath sometimes tftp://192.0.2.1/f -o "$tmp/x"
usage_err "unknown option" --frobnicate tftp://192.0.2.1/f -o "$tmp/x"
grep -q "frobnicate" "$tmp/err" && pass "the unknown option is named" || fail "the unknown option is named"

"$RB" fetch --help > "$tmp/help"
is "$?" 0 "fetch --help exits 0"
for o in --blksize --windowsize --timeout --retries --deadline --no-options --fastpath --json; do
	grep -q -- "$o" "$tmp/help" || fail "--help documents $o"
done
pass "--help documents every TFTP option"

# An address that cannot be used (an IPv6 literal with -4: no packet leaves):
# exit 1, one line, nothing written; --json still an array.
"$RB" --json fetch -4 --retries 1 "tftp://[2001:db8::1]/f" -o "$tmp/x" > "$tmp/json" 2> "$tmp/err"
is "$?" 1 "unresolvable host: exit status 1"
is "$(wc -l < "$tmp/err")" 1 "unresolvable host: one line on stderr"
[ -e "$tmp/x" ] && fail "unresolvable host: no file" || pass "unresolvable host: no file"
python3 - "$tmp/json" <<'PY' && pass "--json: an array with ok=false and the reason" || fail "--json: an array with ok=false and the reason"
import json, sys
r = json.load(open(sys.argv[1]))
assert isinstance(r, list) and len(r) == 1
o = r[0]
assert o["ok"] is False and "resolve" in o["error"] and o["transport"] == "tftp"
for k in ("url", "path", "server", "bytes", "size", "seconds", "throughput_bps", "options",
          "retransmits", "timeouts", "duplicates", "tftp_error"):
    assert k in o, k
PY

done_testing
