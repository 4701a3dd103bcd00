#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The VM suite: one QEMU boot runs every selftest and guest test
# (tests/vm/guest-suite); two more boots prove the runner itself fails on a
# failing command and on a kernel WARN.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
cd "$RINGBOOT_TOP" || exit 1
run=tests/vm/run

nok "runner: a failing command fails the run" $run --timeout 120 -- false
# test_warn=1 makes ringboot.ko WARN_ON(1) at load; with panic_on_warn the guest
# dies before its exit marker, and the kernel log shows the warning.
nok "runner: a kernel WARN in the guest fails the run" \
	$run --timeout 120 -- bash -c 'tests/vm/load-module test_warn=1; true'

out=$(mktemp)
$run --timeout "${RINGBOOT_VM_TIMEOUT:-1500}" -- tests/vm/guest-suite > "$out" 2>&1
rc=$?
n=$_tap_n
while IFS= read -r line; do
	case $line in
	"ok - "*|"not ok - "*)
		n=$((n + 1))
		case $line in "not ok"*) _tap_failed=$((_tap_failed + 1)) ;; esac
		echo "${line/ok - /ok $n - vm: }" ;;
	*) echo "# $line" ;;
	esac
done < "$out"
_tap_n=$n
[ "$n" -gt 2 ] || { fail "vm: the guest suite reported results"; }
if [ $rc -eq 0 ]; then pass "vm: guest exit marker present, kernel log clean"; else
	fail "vm: guest exit marker present, kernel log clean (vm/run status $rc)"; fi
rm -f "$out"
done_testing
