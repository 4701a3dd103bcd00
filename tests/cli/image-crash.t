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
# hook that fails keeps the event owed and fails the verb. A commit hook run
# late (owed from a killed update) means the boot it ran in is still the old
# image's: in that boot (RINGBOOT_BOOT_ID) count-boot counts nothing,
# mark-good refuses and boot asks for a restart; the next boot counts and
# confirms.
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
# One version for all: updates go back and forth, and an image of the version
# last confirmed is no downgrade (the version order is tested in image.t).
"$R" image pack --key k --name IMG_ONE --version 1 --models 9611G p1 -o one.img >/dev/null || bail "pack"
"$R" image pack --key k --name IMG_TWO --version 1 --models 9611G p2 -o two.img >/dev/null || bail "pack"
# The kernel boot id the verbs see: each test "boot" gets its own.
boots=0
new_boot() { boots=$((boots + 1)); RINGBOOT_BOOT_ID=$(printf '00000000-0000-4000-8000-%012d' $boots); }
export RINGBOOT_BOOT_ID
new_boot
# Big enough that a random kill lands mid-stream.
head -c 16000000 /dev/urandom > p3
"$R" image pack --key k --name IMG_BIG --version 1 --models 9611G p3 -o big.img >/dev/null || bail "pack"

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

# Random instants, from outside, during the streaming of a 16 MB image: within
# the time such an update takes here (the fastest of three, each in a state
# directory of its own), so that a faster machine or library does not make
# most kills land after the update has finished.
span_ms=
for i in 1 2 3; do
	t0=$(date +%s%N)
	"$R" --state-dir "$T/timing$i" image install --keys keys --chunk 4096 big.img >/dev/null 2>&1 ||
		bail "a timing run of the 16 MB update failed"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ -n "$span_ms" ] && [ "$span_ms" -le "$ms" ] || span_ms=$ms
done
[ "$span_ms" -ge 10 ] || span_ms=10
diag "one 16 MB update takes $span_ms ms here: kills land within that"
bigkills=0 bigbad=0
for i in $(seq 1 "$RANDOM_RUNS"); do
	"$R" --state-dir "$ST" image install --keys keys --chunk 4096 big.img >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v ms=$((RANDOM % span_ms + 1)) 'BEGIN { printf "%.3f", ms / 1000 }')"
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
# says it is done); then each verb that acts on the slots settles it, in the
# same boot.
for fault in hook:1 after-hook:1; do
	before=0
	[ $fault = after-hook:1 ] && before=1
	# "!": the verb then fails for its own reason after the hook ran: the new
	# image awaits mark-good, so the old one may not overwrite it; mark-good
	# does not confirm an image whose commit hook ran late in this boot.
	for verb in "image install --keys keys @next.img" count-boot "!mark-good" \
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
			nok "$fault, then $v: refused (pending, or the hook ran late in this boot)" hk $v
		fi
		is "$(ran "commit $ns $name")" $((before + 1)) "$fault, then $v: the owed commit hook ran exactly once more"
		is "$(owed)/$(jfield active)/$(jfield tries)" "/$ns/0" \
			"$fault, then $v: nothing owed, slot $ns active, this boot not counted"
		# The restart into the new image: confirmed there.
		new_boot
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
is "$(owed)/$(jfield tries)" "/0" "the event is cleared; it ran late, so this boot is not counted"
new_boot
ok "the next boot is counted" hk count-boot
is "$(jfield tries)" 1 "the next boot is counted"
: > hook.log
touch hook.fail
nok "mark-good whose own hook fails: fails" hk mark-good
is "$(owed)/$(jfield pending)" "good/False" "mark-good whose own hook fails: confirmed, the good event owed"
rm hook.fail
ok "the next verb settles it" hk count-boot
is "$(owed)/$(ran "good $ns $name")" "/2" "the good hook ran once more, nothing owed"
ok "the hook state directory verifies" "$R" --state-dir "$HS" status --verify
advance

# --- The boot in which a late commit hook runs is still the old image's: the
# boot loader that started it had not been told of the new one. In that boot
# (the same RINGBOOT_BOOT_ID) count-boot runs the hook and counts nothing,
# mark-good refuses and boot asks for a restart (exit 3); in the next boot
# count-boot counts and mark-good confirms.
new_boot
name=$(upper "$hn")
ok "late: an update to $name is killed before its hook" killed_hk hook:1 image install --keys keys "$hn.img"
new_boot	# restarted; the boot loader still boots slot $hs
late_boot=$RINGBOOT_BOOT_ID
: > hook.log
out=$(hk count-boot 2>&1)
is "$?" 0 "late: count-boot succeeds"
is "$(cat hook.log)" "commit $ns $name" "late: count-boot ran the owed commit hook once"
is "$(owed)/$(jfield pending)/$(jfield tries)/$(jfield restart_due)" "/True/0/True" \
	"late: count-boot did not count this boot, a restart is due"
case $out in *"slot $ns's commit hook ran during this boot"*"not counted"*) pass "late: count-boot says why it counts nothing" ;;
	*) fail "late: count-boot says why it counts nothing"; diag "$out" ;; esac
grep -qx "hookboot $late_boot" "$HS/slots.state"
is "$?" 0 "late: the record holds the boot the hook ran in"
out=$("$R" --state-dir "$HS" status)
case $out in *"restart due: slot $ns's commit hook ran late, during this boot"*) pass "late: status shows the restart due" ;;
	*) fail "late: status shows the restart due"; diag "$out" ;; esac
gen=$(jfield generation)
ok "late: count-boot again in the same boot" hk count-boot
is "$(jfield tries)/$(jfield generation)/$(wc -l < hook.log)" "0/$gen/1" \
	"late: counted nothing, wrote nothing, ran no hook"
out=$(hk mark-good 2>&1)
is "$?" 1 "late: mark-good refuses in the same boot"
case $out in *"slot $ns's commit hook ran during this boot"*"still the old image"*"confirm after restarting into it"*)
	pass "late: mark-good says why" ;;
	*) fail "late: mark-good says why"; diag "$out" ;; esac
is "$(jfield pending)/$(jfield generation)/$(wc -l < hook.log)" "True/$gen/1" \
	"late: mark-good left the record unchanged and ran no hook"
# boot: this configuration fails at once (no upgrade script), so the test
# needs no server; a restart due outranks the failure, which is still reported.
: > boot.conf
bj=$("$R" --json --state-dir "$HS" boot --no-dhcp --config "$T/boot.conf" --hook "$T/hook.sh" 2>boot.err)
is "$?" 3 "late: boot in the same boot exits 3 (restart due), although nothing is owed any more"
bfield() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); v=d
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v,list) else v.get(k)
print("" if v is None else v)' "$bj" "$1"; }
is "$(bfield result)/$(bfield phase)/$(bfield timeline.0.phase)/$(bfield timeline.0.status)/$(bfield active_slot)" \
	"restart/config/hook/skipped/$ns" \
	"late: the timeline says the hook ran earlier in this boot; the later failure is reported with its phase"
case $(bfield reason) in *"no upgrade script"*) pass "late: the failure's reason is reported" ;;
	*) fail "late: the failure's reason is reported"; diag "$bj" ;; esac
out=$("$R" --state-dir "$HS" boot --no-dhcp --config "$T/boot.conf" --hook "$T/hook.sh" 2>&1)
is "$?" 3 "late: boot (text) exits 3 too"
case $out in *"phase config failed: "*"a restart into $name is due all the same"*) pass "late: boot (text) prints the failure and the restart" ;;
	*) fail "late: boot (text) prints the failure and the restart"; diag "$out" ;; esac
is "$(jfield tries)/$(jfield pending)/$(wc -l < hook.log)" "0/True/1" "late: boot counted, confirmed and ran nothing"
new_boot	# the restart: the boot loader boots slot $ns now
ok "late, next boot: count-boot" hk count-boot
is "$(jfield tries)/$(jfield restart_due)/$(wc -l < hook.log)" "1/False/1" "late, next boot: counted, no restart due, no hook"
grep -q "^hookboot" "$HS/slots.state"
is "$?" 1 "late, next boot: the record forgets the late hook's boot"
ok "late, next boot: mark-good confirms" hk mark-good
is "$(jfield pending)/$(tail -n 1 hook.log)" "False/good $ns $name" "late, next boot: confirmed, the good hook ran"
bj=$("$R" --json --state-dir "$HS" boot --no-dhcp --config "$T/boot.conf" --hook "$T/hook.sh" 2>/dev/null)
is "$?/$(bfield result)/$(bfield phase)" "1/failed/config" "late, next boot: boot no longer asks for a restart"
advance
# A boot killed after the commit hook of its own run: the next verb in the
# same boot repeats it, late, and the same rules apply.
name=$(upper "$hn")
ok "late: an update to $name is killed right after its hook" killed_hk after-hook:1 image install --keys keys "$hn.img"
nok "late: mark-good in the same boot runs the hook and refuses" hk mark-good
is "$(owed)/$(jfield pending)/$(jfield restart_due)" "/True/True" "late: settled, still pending, a restart due"
new_boot
ok "late: confirmed after the restart" hk mark-good
is "$(jfield pending)" False "late: confirmed"
ok "the hook state directory verifies at the end" "$R" --state-dir "$HS" status --verify
done_testing
