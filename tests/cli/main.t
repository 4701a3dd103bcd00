#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The verb table and the exit-code contract of the agent's command line.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
rb=$RINGBOOT_BIN

out=$("$rb" help); rc=$?
is "$rc" 0 "help exits 0"
case $out in *"version"*"print the version"*) pass "help lists the verbs with summaries" ;;
*) fail "help lists the verbs with summaries"; diag "$out" ;; esac
is "$("$rb" version)" "ringboot $(cat "$RINGBOOT_TOP/VERSION")" "version prints the VERSION file's version"
is "$("$rb" --json version)" "{\"version\": \"$(cat "$RINGBOOT_TOP/VERSION")\"}" "--json version prints one JSON object"
"$rb" no-such-verb > /dev/null 2>&1
is "$?" 2 "an unknown verb exits 2"
err=$("$rb" no-such-verb 2>&1 >/dev/null)
case $err in *"'no-such-verb'"*) pass "the error quotes the bad verb" ;;
*) fail "the error quotes the bad verb"; diag "$err" ;; esac
"$rb" > /dev/null 2>&1
is "$?" 2 "no verb exits 2"
"$rb" --no-such-option help > /dev/null 2>&1
is "$?" 2 "an unknown global option exits 2"
"$rb" help no-such-verb > /dev/null 2>&1
is "$?" 2 "help for an unknown verb exits 2"
done_testing
