#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every libFuzzer target (build/fuzz/fuzz_*) for FUZZ_SECONDS (default 10
# under `make check`; `make fuzz` runs longer). Seeds come from
# tests/fuzz/corpus/<target>/ (read-only); new inputs go to a scratch
# directory, crashes to build/fuzz/artifacts/. A crash, leak, sanitizer report
# or timeout fails the target.
#
# Inputs are at most FUZZ_MAX_LEN bytes (tests/fuzz/limits.sh). libFuzzer
# would otherwise take its bound from the largest seed: one 60 KB seed made
# fuzz_script's inputs average 10 KB and its runs 5 times slower. So every
# seed must fit (the first test here), and is split at line boundaries if not.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
cd "$RINGBOOT_TOP" || exit 1
. tests/fuzz/limits.sh
secs=${FUZZ_SECONDS:-10}
targets=()
for src in tests/fuzz/fuzz_*.c; do
	# The built targets, not every build/fuzz/fuzz_* (their logs are there too).
	t=build/fuzz/$(basename "$src" .c)
	[ -x "$t" ] && targets+=("$t")
done
[ ${#targets[@]} -gt 0 ] || { echo "1..0 # no fuzz targets built"; exit 0; }
plan $((${#targets[@]} + 1))
mkdir -p build/fuzz/artifacts
big=$(find tests/fuzz/corpus -type f -size +"$FUZZ_MAX_LEN"c)
if [ -z "$big" ]; then
	pass "every seed fits the fuzzers' input bound ($FUZZ_MAX_LEN bytes)"
else
	fail "every seed fits the fuzzers' input bound ($FUZZ_MAX_LEN bytes)"
	diag "larger (libFuzzer would cut them):" $big
fi
for t in "${targets[@]}"; do
	name=$(basename "$t")
	seeds=tests/fuzz/corpus/${name#fuzz_}
	[ -d "$seeds" ] || seeds=tests/fuzz/corpus/$name
	scratch=$(mktemp -d)
	args=("$scratch")
	[ -d "$seeds" ] && args+=("$seeds")
	log=build/fuzz/$name.log
	"$t" "${args[@]}" -max_total_time="$secs" -max_len="$FUZZ_MAX_LEN" -timeout="$FUZZ_TIMEOUT" \
		-rss_limit_mb="$FUZZ_RSS_MB" -artifact_prefix=build/fuzz/artifacts/"$name"- \
		-print_final_stats=1 > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ $rc -eq 0 ]; then
		pass "$name: ${runs:-?} inputs in ${secs}s, seeds from ${seeds}"
	else
		fail "$name: exit $rc (log: $log)"
		diag "$(grep -E 'ERROR|SUMMARY|==[0-9]+==|Test unit written' "$log" | head -20)"
	fi
	rm -rf "$scratch"
done
done_testing
