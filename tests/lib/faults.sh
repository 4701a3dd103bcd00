# SPDX-License-Identifier: GPL-2.0-or-later
# Fault injection over every file system call of an operation (docs/commit.md,
# "Every system call of an update, failed in turn"). With the LD_PRELOAD shim
# tests/helpers/preload/faultio.so, a dry run counts the calls the operation
# makes on the covered paths; then, for each errno and each call k, the state
# is set up afresh, the operation runs with call k failing, and the test's
# check says whether what it left is sound, and again after the operation has
# been run once more without the fault. The calls are enumerated, not listed:
# a new write (a new file, a boot-loader environment, a helper program run by
# the agent: the count is shared by every process) is covered without editing
# a test.
#
#   . "$RINGBOOT_TOP/tests/lib/tap.sh"; . "$RINGBOOT_TOP/tests/lib/faults.sh"
#   FAULT_WORK=DIR               a scratch directory the test removes (logs go there)
#   FAULT_PATHS=DIR[:DIR...]     what is covered: the state directory, slot devices
#   FAULT_OK_RC="0 3"            exit statuses that mean success (default "0")
#   faults NAME SETUP OP CHECK [ERRNO...]
#     SETUP      prepares the state from scratch (before the dry run and each fault)
#     OP ...     runs the operation once: "$@" is a command prefix (env with the
#                shim, or a plain env) to put before the binary
#     CHECK WHEN checks the state after the faulted run (WHEN=fault) and after the
#                operation run again without the fault (WHEN=again); prints why
#                and returns non-zero when it is wrong (fault_state_ok helps)
#     ERRNO      what each call fails with (default: EIO ENOSPC)
#   After it: FAULT_N (calls in the dry run) and FAULT_LOG (its log, "N KIND PATH").
#   fault_saw KIND PATTERN: the dry run made a KIND call on a path matching PATTERN.

FAULTIO=${FAULTIO:-$RINGBOOT_TOP/build/tests/helpers/preload/faultio.so}
FAULT_OK_RC=${FAULT_OK_RC:-0}

_fault_rc_ok() { case " $FAULT_OK_RC " in *" $1 "*) return 0 ;; esac; return 1; }

# _fault_op OP LOG FAIL: OP under the shim (FAIL "" for the dry run); sets _rc.
_fault_op() {
	local op=$1 log=$2 fail=$3
	rm -f "$log" "$log.count"
	"$op" env LD_PRELOAD="$FAULTIO" FAULTIO_PATHS="$FAULT_PATHS" FAULTIO_LOG="$log" \
		FAULTIO_COUNTER="$log.count" FAULTIO_FAIL="$fail" > "$log.out" 2>&1
	_rc=$?
	[ -e "$log" ] || : > "$log"
}

faults() {
	local name=$1 setup=$2 op=$3 check=$4 errs e k n bad why call
	shift 4
	errs=${*:-EIO ENOSPC}
	[ -f "$FAULTIO" ] || { fail "$name: $FAULTIO is built (make tests)"; return 1; }
	mkdir -p "${FAULT_WORK:?set FAULT_WORK to a scratch directory}" || return 1
	FAULT_LOG=$FAULT_WORK/$name.dry
	FAULT_LOG=${FAULT_LOG// /_}
	FAULT_N=0
	if ! why=$("$setup" 2>&1); then
		fail "$name: set-up"; diag "$why"; return 1
	fi
	_fault_op "$op" "$FAULT_LOG" ""
	if ! _fault_rc_ok "$_rc"; then
		fail "$name: the dry run succeeds"; diag "exit $_rc" "$(tail -n 5 "$FAULT_LOG.out")"
		return 1
	fi
	FAULT_N=$(wc -l < "$FAULT_LOG")
	ok "$name: the dry run makes $FAULT_N calls on the state ($(awk '{ print $2 }' "$FAULT_LOG" |
		sort | uniq -c | awk '{ printf "%s%s %s", s, $1, $2; s = ", " }'))" test "$FAULT_N" -gt 0
	for e in $errs; do
		bad=0
		for ((k = 1; k <= FAULT_N; k++)); do
			call=$(sed -n "${k}p" "$FAULT_LOG")
			if ! why=$("$setup" 2>&1); then
				bad=$((bad + 1)); diag "$name, $e at $call: set-up: $why"; continue
			fi
			_fault_op "$op" "$FAULT_WORK/run" "$k:$e"
			if ! grep -q "^$k .* FAIL " "$FAULT_WORK/run"; then
				bad=$((bad + 1))
				diag "$name, $e at $call: not injected (the run made $(wc -l < "$FAULT_WORK/run") calls)"
				continue
			fi
			if [ "$_rc" -ge 128 ]; then
				bad=$((bad + 1)); diag "$name, $e at $call: killed by signal $((_rc - 128))"
				diag "$(tail -n 5 "$FAULT_WORK/run.out")"; continue
			fi
			if ! why=$("$check" fault 2>&1); then
				bad=$((bad + 1)); diag "$name, $e at $call (exit $_rc): $why"
				diag "$(tail -n 3 "$FAULT_WORK/run.out")"; continue
			fi
			"$op" env > "$FAULT_WORK/again.out" 2>&1
			_rc=$?
			if ! _fault_rc_ok "$_rc"; then
				bad=$((bad + 1))
				diag "$name, $e at $call: the operation again, without the fault, exits $_rc"
				diag "$(tail -n 3 "$FAULT_WORK/again.out")"; continue
			fi
			if ! why=$("$check" again 2>&1); then
				bad=$((bad + 1)); diag "$name, $e at $call: after the operation again: $why"
			fi
		done
		is "$bad" 0 "$name: each of the $FAULT_N calls failed with $e in turn: the state is sound, the operation again succeeds"
	done
}

fault_saw() { # KIND PATTERN
	grep -Eq "^[0-9]+ $1 $2\$" "$FAULT_LOG"
}

# fault_state_ok DIR [NAME...]: the record in DIR loads, every slot it calls
# good matches its digest, and (given names) one of them is the active image.
fault_state_ok() {
	local dir=$1 out n
	shift
	out=$("$RINGBOOT_BIN" --state-dir "$dir" status --verify 2>&1) || { echo "status --verify: $out"; return 1; }
	[ $# -eq 0 ] && return 0
	for n in "$@"; do
		case $out in *"image   $n"*) ;; *) continue ;; esac
		"$RINGBOOT_BIN" --state-dir "$dir" status --have "$n" > /dev/null && return 0
	done
	echo "the active image is none of: $*"
	echo "$out"
	return 1
}
