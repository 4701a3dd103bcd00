#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo` and `make check` on a machine that has none of the libraries yet:
# the first thing either does is `make deps`, and the build that follows must
# see what deps installed. Reproduced without uninstalling anything: pkg-config
# is a wrapper that fails (as it does before libnl and the rest are installed)
# until the stand-in for scripts/deps.sh has created a stamp.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
cd "$RINGBOOT_TOP" || exit 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/pkg-config" <<SH
#!/bin/sh
[ -e "$tmp/stamp" ] || exit 1
exec pkg-config "\$@"
SH
chmod 755 "$tmp/pkg-config"

# A make of its own (not a job of the make running this suite, nor told by it that
# deps already ran).
fresh_make() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DEPS_DONE make --no-print-directory "$@"; }

# 1. Without the libraries, a plain build stops with the command that installs them.
out=$(fresh_make BUILD="$tmp/plain" PKG_CONFIG="$tmp/pkg-config" agent 2>&1)
rc=$?
[ $rc -ne 0 ] && pass "make without the libraries fails" || fail "make without the libraries fails"
case $out in
*"make deps"*) pass "... and names make deps" ;;
*) fail "... and names make deps"; diag "$out" ;;
esac
[ ! -e "$tmp/plain/ringboot" ] && pass "... and links nothing" || fail "... and links nothing"

# 2. make demo: deps, then a build that finds the libraries (the demo itself is
#    replaced by true: the lab has its own tests).
out=$(fresh_make BUILD="$tmp/demo" PKG_CONFIG="$tmp/pkg-config" DEPS_SCRIPT="touch $tmp/stamp" \
	DEMO_BUILD=agent DEMO_SCRIPT=true demo 2>&1)
rc=$?
is "$rc" 0 "make demo from nothing: deps, then the build"
[ $rc -eq 0 ] || diag "$(tail -n 15 <<< "$out")"
[ -x "$tmp/demo/ringboot" ] && pass "make demo built the agent" || fail "make demo built the agent"
"$tmp/demo/ringboot" version > /dev/null 2>&1 && pass "the agent it built runs" ||
	fail "the agent it built runs"

# 3. make check, the same way (no suite: what matters is the build after deps).
rm -f "$tmp/stamp"
out=$(fresh_make BUILD="$tmp/check" PKG_CONFIG="$tmp/pkg-config" DEPS_SCRIPT="touch $tmp/stamp" \
	CHECK_BUILD=agent SUITES= check 2>&1)
rc=$?
is "$rc" 0 "make check from nothing: deps, then the build"
[ $rc -eq 0 ] || diag "$(tail -n 15 <<< "$out")"
[ -x "$tmp/check/ringboot" ] && pass "make check built the agent" || fail "make check built the agent"

done_testing
