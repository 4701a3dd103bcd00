#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The VM suite: one QEMU boot runs every selftest and guest test
# (tests/vm/guest-suite); two more boots prove the runner itself fails on a
# failing command and on a kernel WARN; one more runs the crypto guest test
# on the same CPU model without AES-NI, PCLMULQDQ, AVX, AVX2, BMI1/2, ADX, FMA
# and F16C, where the agent and the wolfSSL built for the host's CPU must still
# work (wolfSSL chooses its code by CPUID at run time) and prefer ChaCha20.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
cd "$RINGBOOT_TOP" || exit 1
run=tests/vm/run

nok "runner: a failing command fails the run" $run --timeout 120 -- false
# test_warn=1 makes ringboot.ko WARN_ON(1) at load; with panic_on_warn the guest
# dies before its exit marker, and the kernel log shows the warning.
nok "runner: a kernel WARN in the guest fails the run" \
	$run --timeout 120 -- bash -c 'tests/vm/load-module test_warn=1; true'

# relay FILE PREFIX: the guest's unnumbered "ok - ..." lines as numbered results.
relay() {
	local n=$_tap_n line
	while IFS= read -r line; do
		case $line in
		"ok - "*|"not ok - "*)
			n=$((n + 1))
			case $line in "not ok"*) _tap_failed=$((_tap_failed + 1)) ;; esac
			echo "${line/ok - /ok $n - $2: }" ;;
		*) echo "# $line" ;;
		esac
	done < "$1"
	_tap_n=$n
}

out=$(mktemp)
$run --timeout "${RINGBOOT_VM_TIMEOUT:-1500}" -- tests/vm/guest-suite > "$out" 2>&1
rc=$?
n0=$_tap_n
relay "$out" vm
[ $((_tap_n - n0)) -gt 2 ] || { fail "vm: the guest suite reported results"; }
if [ $rc -eq 0 ]; then pass "vm: guest exit marker present, kernel log clean"; else
	fail "vm: guest exit marker present, kernel log clean (vm/run status $rc)"; fi

# The guest test speaks numbered TAP: make it the guest suite's kind of line.
nocrypto=max,-aes,-pclmulqdq,-avx,-avx2,-bmi1,-bmi2,-adx,-fma,-f16c
$run --cpu "$nocrypto" --timeout 600 -- bash -c \
	'tests/vm/guest.d/15-crypto-cpu.t | sed -E "s/^(not ok|ok) [0-9]+ (- )?/\1 - /"; exit ${PIPESTATUS[0]}' \
	> "$out" 2>&1
rc=$?
n0=$_tap_n
relay "$out" "vm no AES-NI/AVX"
[ $((_tap_n - n0)) -gt 5 ] || { fail "vm no AES-NI/AVX: the crypto test reported results"; }
grep -q '^ok - chacha20 preferred on this CPU (no AES-NI on this CPU)' "$out" &&
	pass "vm no AES-NI/AVX: the guest had no AES-NI, and the agent saw it" ||
	fail "vm no AES-NI/AVX: the guest had no AES-NI, and the agent saw it"
if [ $rc -eq 0 ]; then pass "vm no AES-NI/AVX: the crypto test passed, kernel log clean"; else
	fail "vm no AES-NI/AVX: the crypto test passed, kernel log clean (vm/run status $rc)"; fi
rm -f "$out"
done_testing
