#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every file system call of an update, failed in turn (docs/commit.md): for
# `image install` (a first install; an update with a commit hook and
# --read-back), `mark-good` and `count-boot` (a counted boot; a rollback, with
# its hook), each open, write/pwrite, fsync/fdatasync, directory fsync,
# rename, ftruncate and fallocate on the state directory is failed, one at a
# time, with EIO and with ENOSPC (tests/lib/faults.sh enumerates them with a
# dry run). After each: the record loads, every slot it calls good matches its
# digest (status --verify), the active image is the old or the new one; the
# same operation run again without the fault succeeds and ends where an
# unfaulted run ends. `boot` gets the same in tests/lab/t/81-boot-faults.t.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lib/faults.sh"

R=$RINGBOOT_BIN
T=$(mktemp -d /tmp/rb-faults-t.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || bail "no temp dir"
ST=$T/state
FAULT_WORK=$T/faults
FAULT_PATHS=$ST

"$R" image keygen --out k >/dev/null || bail "keygen"
mkdir keys && cp k.pub keys/
head -c 700000 /dev/urandom > p1
head -c 1100000 /dev/urandom > p2
"$R" image pack --key k --name IMG_ONE --version 1.0 --models 9611G p1 -o one.img >/dev/null || bail "pack"
"$R" image pack --key k --name IMG_TWO --version 2.0 --models 9611G p2 -o two.img >/dev/null || bail "pack"
printf '#!/bin/sh\necho "$RINGBOOT_EVENT $1" >> "%s/hook.log"\n' "$T" > hook.sh
chmod +x hook.sh
rb() { "$R" --state-dir "$ST" "$@"; }
# A field of the record (its text form, docs/commit.md), once status has
# loaded and verified it: cheaper than status --json and a python per field.
rec() { sed -n "s/^$1 //p" "$ST/slots.state" 2>/dev/null; }

# The states the operations start from, made once, copied before every run.
mkdir bases
rb image install --keys keys one.img >/dev/null && rb mark-good --hook "$T/hook.sh" &&
	cp -a "$ST" bases/confirmed || bail "confirmed state"
rb image install --keys keys --hook "$T/hook.sh" two.img >/dev/null && cp -a "$ST" bases/pending ||
	bail "pending state"
rb count-boot --max-tries 1 >/dev/null && cp -a "$ST" bases/tried || bail "tried state"
from() { rm -rf "$ST"; if [ "$1" = empty ]; then true; else cp -a "bases/$1" "$ST"; fi; }
ends() { # WANT: "active/pending/hook owed", checked after the operation again
	local got
	got="$(rec active)/$(rec pending)/$(rec hook)"
	[ "$got" = "$1" ] || { echo "ends as $got, not $1"; return 1; }
}

# --- image install into an empty state directory
setup_first() { from empty; }
op_first() { "$@" "$R" --state-dir "$ST" image install --keys keys one.img; }
check_first() {
	if [ "$1" = fault ]; then
		# Nothing may be active yet, or the new image, pending.
		fault_state_ok "$ST" && { [ ! -e "$ST/slots.state" ] || [ "$(rec active)" = none ] ||
			fault_state_ok "$ST" IMG_ONE; }
	else
		fault_state_ok "$ST" IMG_ONE && ends "a/1/none"
	fi
}
faults "image install (first)" setup_first op_first check_first

# --- an update with a commit hook and a read-back of the slot
setup_update() { from confirmed; }
op_update() { "$@" "$R" --state-dir "$ST" image install --keys keys --read-back --hook "$T/hook.sh" two.img; }
check_update() {
	if [ "$1" = fault ]; then fault_state_ok "$ST" IMG_ONE IMG_TWO
	else fault_state_ok "$ST" IMG_TWO && ends "b/1/none"; fi
}
faults "image install (update)" setup_update op_update check_update
# What the slot writer does is seen: pwrite(2), not io_uring (docs/commit.md).
ok "the update's calls include the slot's open, fallocate, writes, fdatasync and directory fsync" \
	sh -c "grep -Eq '^[0-9]+ open $ST/slot-b\$' '$FAULT_LOG' &&
	       grep -Eq '^[0-9]+ fallocate $ST/slot-b\$' '$FAULT_LOG' &&
	       [ \$(grep -Ec '^[0-9]+ write $ST/slot-b\$' '$FAULT_LOG') -ge 4 ] &&
	       grep -Eq '^[0-9]+ fdatasync $ST/slot-b\$' '$FAULT_LOG' &&
	       grep -Eq '^[0-9]+ fsync-dir $ST\$' '$FAULT_LOG'"
ok "and the record's temporary file, its fsync and the rename over slots.state" \
	sh -c "grep -Eq '^[0-9]+ write $ST/slots.state.tmp.' '$FAULT_LOG' &&
	       grep -Eq '^[0-9]+ fsync $ST/slots.state.tmp.' '$FAULT_LOG' &&
	       [ \$(grep -Ec '^[0-9]+ rename $ST/slots.state\$' '$FAULT_LOG') -eq 3 ]"

# --- mark-good, with its hook
setup_good() { from pending; }
op_good() { "$@" "$R" --state-dir "$ST" mark-good --hook "$T/hook.sh"; }
check_good() {
	if [ "$1" = fault ]; then fault_state_ok "$ST" IMG_TWO
	else fault_state_ok "$ST" IMG_TWO && ends "b/0/none" && [ "$(rec floor)" = 2.0 ] ||
		{ echo "floor $(rec floor)"; return 1; }; fi
}
faults "mark-good" setup_good op_good check_good

# --- count-boot: a boot counted
setup_count() { from pending; }
op_count() { "$@" "$R" --state-dir "$ST" count-boot --hook "$T/hook.sh"; }
check_count() {
	if [ "$1" = fault ]; then fault_state_ok "$ST" IMG_TWO
	else fault_state_ok "$ST" IMG_TWO && ends "b/1/none" && [ "$(rec tries)" -ge 1 ] ||
		{ echo "tries $(rec tries)"; return 1; }; fi
}
faults "count-boot" setup_count op_count check_count

# --- count-boot: past the tries, the rollback and its hook
setup_rollback() { from tried; }
op_rollback() { "$@" "$R" --state-dir "$ST" count-boot --max-tries 1 --hook "$T/hook.sh"; }
check_rollback() {
	if [ "$1" = fault ]; then fault_state_ok "$ST" IMG_ONE IMG_TWO
	else fault_state_ok "$ST" IMG_ONE && ends "a/0/none" && [ "$(rec b.state)" = bad ] ||
		{ echo "slot b is $(rec b.state)"; return 1; }; fi
}
faults "count-boot (rollback)" setup_rollback op_rollback check_rollback

done_testing
