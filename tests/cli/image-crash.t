#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash safety under SIGKILL (docs/commit.md "Crash safety, proven").
#
# An update is killed at every injected fault point (RINGBOOT_FAULT=KIND:N:
# the process SIGKILLs itself right before its Nth write, fsync, rename, or
# before the commit hook) and at random instants from outside. After every
# kill: the record parses, the active slot is the old or the new image and
# verifies against its recorded digest, every slot the record calls good
# verifies, and the next, unfaulted run completes the update.
# At least 200 killed runs (RINGBOOT_CRASH_RANDOM sets the random ones).
. "$RINGBOOT_TOP/tests/lib/tap.sh"

R=$RINGBOOT_BIN
T=$(mktemp -d /tmp/rb-crash-t.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || bail "no temp dir"
ST=$T/state
RANDOM_RUNS=${RINGBOOT_CRASH_RANDOM:-120}

"$R" image keygen --out k >/dev/null || bail "keygen"
mkdir keys && cp k.pub keys/
head -c 1200000 /dev/urandom > p1
head -c 1100000 /dev/urandom > p2
"$R" image pack --key k --name IMG_ONE --version 1 --models 9611G p1 -o one.img >/dev/null || bail "pack"
"$R" image pack --key k --name IMG_TWO --version 2 --models 9611G p2 -o two.img >/dev/null || bail "pack"
# Big enough that a random kill lands mid-stream.
head -c 16000000 /dev/urandom > p3
"$R" image pack --key k --name IMG_BIG --version 3 --models 9611G p3 -o big.img >/dev/null || bail "pack"

# Check the state after a kill: the record parses, the active image is the
# old or the new one, and every slot the record calls good matches its digest.
check_state() { # old-name new-name
	local out
	out=$("$R" --state-dir "$ST" status --verify 2>&1) || { echo "$out"; return 1; }
	"$R" --state-dir "$ST" status --have "$1" >/dev/null ||
		"$R" --state-dir "$ST" status --have "$2" >/dev/null ||
		{ echo "active image is neither $1 nor $2"; echo "$out"; return 1; }
}

install() { "$R" --state-dir "$ST" image install --keys keys "$@"; }
have() { "$R" --state-dir "$ST" status --have "$1" >/dev/null; }

install one.img >/dev/null && "$R" --state-dir "$ST" mark-good || bail "first install"
cur=IMG_ONE
killed=0 bad=0 runs=0

# One killed (or completed) update from cur to the other image, then recovery.
crash_run() { # description, then the command's environment assignments
	local desc=$1 next img rc why
	shift
	if [ $cur = IMG_ONE ]; then next=IMG_TWO img=two.img; else next=IMG_ONE img=one.img; fi
	runs=$((runs + 1))
	# stderr off around the kill: bash reports a killed foreground job there.
	exec 3>&2 2>/dev/null
	env "$@" "$R" --state-dir "$ST" image install --keys keys "$img" >/dev/null
	rc=$?
	exec 2>&3 3>&-
	[ $rc -eq 137 ] && killed=$((killed + 1))
	if ! why=$(check_state $cur $next 2>&1); then
		bad=$((bad + 1)); diag "$desc (exit $rc): $why"; return
	fi
	if ! why=$(install "$img" 2>&1); then
		bad=$((bad + 1)); diag "$desc: the next run did not complete: $why"; return
	fi
	if ! have $next; then
		bad=$((bad + 1)); diag "$desc: after the next run $next is not active"; return
	fi
	# Kill the confirmation too, now and then, and confirm again.
	if [ $((runs % 3)) -eq 0 ]; then
		exec 3>&2 2>/dev/null
		RINGBOOT_FAULT=rename:1 "$R" --state-dir "$ST" mark-good >/dev/null
		[ $? -eq 137 ] && killed=$((killed + 1))
		exec 2>&3 3>&-
		why=$(check_state $next $next 2>&1) || { bad=$((bad + 1)); diag "$desc: mark-good kill: $why"; }
	fi
	"$R" --state-dir "$ST" mark-good || { bad=$((bad + 1)); diag "$desc: mark-good failed"; return; }
	cur=$next
}

# Every injected point, in both directions (A->B and B->A): 3 rounds each.
for round in 1 2 3 4 5 6; do
	for n in $(seq 1 9); do crash_run "write:$n" RINGBOOT_FAULT=write:$n; done
	for n in 1 2 3 4; do crash_run "fsync:$n" RINGBOOT_FAULT=fsync:$n; done
	for n in 1 2 3; do crash_run "rename:$n" RINGBOOT_FAULT=rename:$n; done
	crash_run "hook:1" RINGBOOT_FAULT=hook:1
done
is "$bad" 0 "injected kills at every write, fsync, rename and before the hook: state consistent, next run completes"
injected=$killed
ok "injected runs really killed the process ($injected kills)" test "$injected" -ge 100

# Random instants, from outside, during the streaming of a 16 MB image.
bigkills=0 bigbad=0
for i in $(seq 1 "$RANDOM_RUNS"); do
	"$R" --state-dir "$ST" image install --keys keys --chunk 4096 big.img >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$((RANDOM % 60 + 1))"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ $? -eq 137 ] && bigkills=$((bigkills + 1))
	if ! why=$(check_state $cur IMG_BIG 2>&1); then
		bigbad=$((bigbad + 1)); diag "random kill $i: $why"; continue
	fi
	if have IMG_BIG; then
		# The kill came after the flip: confirm, then go back to a small image.
		"$R" --state-dir "$ST" mark-good
		if [ $cur = IMG_ONE ]; then img=two.img cur=IMG_TWO; else img=one.img cur=IMG_ONE; fi
		install "$img" >/dev/null && "$R" --state-dir "$ST" mark-good ||
			{ bigbad=$((bigbad + 1)); diag "random kill $i: recovery failed"; }
	fi
done
is "$bigbad" 0 "random SIGKILLs during streaming: state consistent every time"
ok "random kills hit running updates ($bigkills of $RANDOM_RUNS)" test "$bigkills" -ge $((RANDOM_RUNS / 2))
ok "the update completes after all that" install big.img
ok "and verifies" "$R" --state-dir "$ST" status --verify
total=$((killed + bigkills))
diag "killed runs: $total ($injected injected, $bigkills random)"
ok "at least 200 killed runs ($total)" test "$total" -ge 200
done_testing
