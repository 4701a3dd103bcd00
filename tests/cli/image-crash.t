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
# Then, with a commit hook: a kill right before or right after a hook (of a
# commit, a confirmation or a rollback) leaves the event owed in the record,
# the next verb runs the hook exactly once more before anything else, and a
# hook that fails keeps the event owed and fails the verb.
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

# --- The hook event survives a kill between the record replacement and the
# end of the hook: the record owes it, the next verb that acts on the slots
# runs it exactly once more before anything else, and status shows it.
HS=$T/hookstate
ST=$HS	# where check_state looks from here on
printf '#!/bin/sh\necho "$RINGBOOT_EVENT $1 $RINGBOOT_IMAGE_NAME" >> "%s/hook.log"\n[ ! -e "%s/hook.fail" ]\n' \
	"$T" "$T" > hook.sh
chmod +x hook.sh
hk() { "$R" --state-dir "$HS" "$@" --hook "$T/hook.sh"; }
killed_hk() { # FAULT VERB...: the verb must die at the fault point
	local rc
	exec 3>&2 2>/dev/null
	RINGBOOT_FAULT=$1 "$R" --state-dir "$HS" "${@:2}" --hook "$T/hook.sh" >/dev/null
	rc=$?
	exec 2>&3 3>&-
	[ $rc -eq 137 ]
}
jfield() { "$R" --state-dir "$HS" status --json |
	python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print("" if v is None else v)' "$1"; }
owed() { jfield hook_owed; }
ran() { grep -cx "$1" hook.log; }	# how often the hook ran with "EVENT SLOT NAME"
other() { case $1 in one) echo two;; two) echo one;; a) echo b;; b) echo a;; esac; }
upper() { echo "IMG_$1" | tr a-z A-Z; }
# The current image ($hc, in slot $hs) and the next one ($hn, going to slot $ns).
advance() { hc=$hn hs=$ns; hn=$(other "$hn") ns=$(other "$ns"); }

: > hook.log
ok "install with a hook" hk image install --keys keys one.img
ok "mark-good with a hook" hk mark-good
is "$(cat hook.log)" "commit a IMG_ONE
good a IMG_ONE" "the hook ran for the commit and for the confirmation"
is "$(owed)" "" "nothing owed once the hooks completed"
hc=one hs=a hn=two ns=b

# A kill right before the commit hook and right after it (before the record
# says it is done); then each verb that acts on the slots settles it.
for fault in hook:1 after-hook:1; do
	before=0
	[ $fault = after-hook:1 ] && before=1
	# "!": the verb then fails for its own reason (the new image awaits
	# mark-good, so the old one may not overwrite it), after the hook ran.
	for verb in "image install --keys keys @next.img" count-boot mark-good \
		    "!image install --keys keys @cur.img"; do
		name=$(upper $hn)
		v=${verb//@next/$hn}
		v=${v//@cur/$hc}
		: > hook.log
		ok "$fault: the update to $name is killed" killed_hk "$fault" image install --keys keys $hn.img
		ok "$fault: state consistent" check_state "$(upper $hc)" "$name"
		is "$(owed)/$(jfield active)/$(jfield pending)" "commit/$ns/True" \
			"$fault: the record owes the commit hook of slot $ns"
		out=$("$R" --state-dir "$HS" status)
		case $out in *"hook owed: commit for slot $ns"*) pass "$fault: status text shows the owed hook" ;;
			*) fail "$fault: status text shows the owed hook"; diag "$out" ;; esac
		is "$(ran "commit $ns $name")" $before "$fault: the hook ran $before time(s) before the kill"
		if [ "${v#!}" = "$v" ]; then
			# shellcheck disable=SC2086
			ok "$fault, then $v: succeeds" hk $v
		else
			v=${v#!}
			# shellcheck disable=SC2086
			nok "$fault, then $v: refused (pending)" hk $v
		fi
		is "$(ran "commit $ns $name")" $((before + 1)) "$fault, then $v: the owed commit hook ran exactly once more"
		is "$(owed)/$(jfield active)" "/$ns" "$fault, then $v: nothing owed, slot $ns active"
		if [ "$(jfield pending)" = True ]; then hk mark-good || fail "mark-good after $v"; fi
		advance
	done
done

# mark-good killed before and after its hook: the next verb runs "good" first.
for fault in hook:1 after-hook:1; do
	before=0
	[ $fault = after-hook:1 ] && before=1
	name=$(upper $hn)
	ok "update to $name for the mark-good kill" hk image install --keys keys $hn.img
	: > hook.log
	ok "mark-good killed at $fault" killed_hk "$fault" mark-good
	is "$(owed)/$(jfield pending)" "good/False" "mark-good killed at $fault: the good event is owed"
	ok "$fault: count-boot after it" hk count-boot
	is "$(ran "good $ns $name")" $((before + 1)) "mark-good killed at $fault: count-boot ran the good hook exactly once more"
	is "$(owed)/$(jfield tries)" "/0" "mark-good killed at $fault: settled; the confirmed image is not counted"
	advance
done

# A rollback killed before its hook: the next verb tells the boot loader.
ok "update to $(upper $hn) for the rollback kill" hk image install --keys keys $hn.img
ok "count-boot 1 of 1" hk count-boot --max-tries 1
: > hook.log
ok "the rollback is killed before its hook" killed_hk hook:1 count-boot --max-tries 1
is "$(owed)/$(jfield active)" "rollback/$hs" "the rollback event is owed, slot $hs active again"
ok "mark-good after it" hk mark-good
is "$(cat hook.log)" "rollback $hs $(upper $hc)" "mark-good ran the owed rollback hook once, and nothing else"
is "$(owed)" "" "the rollback event is settled"
ok "the rolled-back slot is rewritten" hk image install --keys keys $hn.img
ok "and confirmed" hk mark-good
advance

# A hook that fails leaves the event owed and fails the verb, with the state
# unchanged; once it works again, the next verb clears it.
name=$(upper $hn)
ok "update killed before its hook" killed_hk hook:1 image install --keys keys $hn.img
: > hook.log
touch hook.fail
gen=$(jfield generation)
out=$(hk mark-good 2>&1)
is "$?" 1 "failing hook: mark-good fails"
case $out in *"$T/hook.sh"*"event commit"*"stays owed"*) pass "failing hook: the message names the hook and the event" ;;
	*) fail "failing hook: the message names the hook and the event"; diag "$out" ;; esac
is "$(owed)/$(jfield pending)/$(jfield generation)" "commit/True/$gen" \
	"failing hook: mark-good confirmed nothing, the record is unchanged, the event still owed"
nok "failing hook: count-boot fails" hk count-boot
is "$(jfield tries)/$(jfield generation)" "0/$gen" "failing hook: count-boot counted nothing"
nok "failing hook: an update fails" hk image install --keys keys $hc.img
is "$(jfield generation)/$(owed)" "$gen/commit" "failing hook: the update changed nothing"
ok "failing hook: state consistent" check_state "$name" "$name"
out=$("$R" --state-dir "$HS" mark-good 2>&1)
is "$?" 1 "no hook configured: mark-good fails"
case $out in *"commit hook event"*"no commit hook is configured"*) pass "no hook configured: the message says what is owed" ;;
	*) fail "no hook configured: the message says what is owed"; diag "$out" ;; esac
is "$(ran "commit $ns $name")/$(owed)" "3/commit" "failing hook: tried once by each verb, still owed"
rm hook.fail
: > hook.log
ok "the hook works again: count-boot succeeds" hk count-boot
is "$(cat hook.log)" "commit $ns $name" "the next verb ran the owed commit hook once"
is "$(owed)/$(jfield tries)" "/1" "the event is cleared, then the boot was counted"
: > hook.log
touch hook.fail
nok "mark-good whose own hook fails: fails" hk mark-good
is "$(owed)/$(jfield pending)" "good/False" "mark-good whose own hook fails: confirmed, the good event owed"
rm hook.fail
ok "the next verb settles it" hk count-boot
is "$(owed)/$(ran "good $ns $name")" "/2" "the good hook ran once more, nothing owed"
ok "the hook state directory verifies" "$R" --state-dir "$HS" status --verify
done_testing
