# SPDX-License-Identifier: GPL-2.0-or-later
# Minimal TAP producer for shell tests.
#   . tests/lib/tap.sh
#   plan 3            (or no plan and done_testing at the end)
#   ok CMD... -- "description"     runs CMD, ok when it exits 0
#   is "$got" "$want" "description"
#   pass "d" / fail "d" / skip KEY "explanation"
#   diag "text"
# Skips must use a key from tests/skips.allowed.

_tap_n=0
_tap_failed=0
_tap_planned=

plan() { _tap_planned=$1; echo "1..$1"; }

_tap_result() { # status description
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

pass() { _tap_result 0 "$1"; }
fail() { _tap_result 1 "$1"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# ok DESCRIPTION CMD [ARGS...]: ok when CMD exits 0; its output goes to diag on failure.
# CMD runs in the current shell (not a subshell), so functions may set variables.
ok() {
	local desc=$1 out rc
	shift
	out=$(mktemp)
	"$@" > "$out" 2>&1
	rc=$?
	_tap_result $rc "$desc"
	if [ $rc -ne 0 ]; then
		diag "command: $*" "exit status: $rc"
		diag "$(cat "$out")"
	fi
	rm -f "$out"
	return $rc
}

# nok DESCRIPTION CMD...: ok when CMD exits non-zero.
nok() {
	local desc=$1 out rc
	shift
	out=$(mktemp)
	"$@" > "$out" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then _tap_result 0 "$desc"; else
		_tap_result 1 "$desc"; diag "command unexpectedly succeeded: $*" "$(cat "$out")"; fi
	rm -f "$out"
	[ $rc -ne 0 ]
}

is() {
	if [ "$1" = "$2" ]; then _tap_result 0 "$3"; else
		_tap_result 1 "$3"; diag "got:  '$1'" "want: '$2'"; fi
}

skip() { # KEY explanation
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - # SKIP $1: $2"
}

done_testing() {
	[ -n "$_tap_planned" ] || echo "1..$_tap_n"
	[ $_tap_failed -eq 0 ]
}

bail() { echo "Bail out! $*"; exit 255; }
