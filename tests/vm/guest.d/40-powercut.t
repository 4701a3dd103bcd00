#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Power-cut safety of an image update, inside the VM (docs/commit.md).
#
#   data.img --loop--> dm-log-writes --> ext4 (state dir: record + slot files)
#                          |
#                          +--> log.img: every write, flush and FUA, in the
#                               order they became durable
#
# v1 is installed and confirmed, a mark is logged, then the update to v2 runs.
# The log is replayed (tests/helpers/dmlogreplay) onto a fresh image up to
# EVERY flush/FUA entry after the mark; each replayed state is mounted (ext4
# journal recovery, as at the next boot) and must show: a record that parses,
# v1 or v2 active, every slot the record calls good matching its digest, and
# an update run on it that completes. Once `image install` has returned, v2
# must be active. A control update without fsync must be caught by the same
# method, so a missing fsync in ringboot would be too.
. "$RINGBOOT_TOP/tests/lib/tap.sh"

R=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
REPLAY=$RINGBOOT_TOP/build/tests/helpers/dmlogreplay
[ -x "$REPLAY" ] || bail "build the helpers first (make tests)"
for t in dmsetup losetup mkfs.ext4 blockdev; do
	command -v $t >/dev/null || bail "$t is missing (scripts/deps.sh)"
done

W=$(mktemp -d /tmp/rb-powercut.XXXXXX)
DM=rbpc-$$-$RANDOM
DATA=
LOG=
cleanup() {
	umount "$W/chk" 2>/dev/null
	umount "$W/mnt" 2>/dev/null
	dmsetup remove "$DM" 2>/dev/null
	[ -n "$DATA" ] && losetup -d "$DATA" 2>/dev/null
	[ -n "$LOG" ] && losetup -d "$LOG" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
cd "$W" || bail "no work dir"
mkdir mnt chk keys

truncate -s 48M data.img
truncate -s 256M log.img
DATA=$(losetup -f --show data.img) || bail "losetup data"
LOG=$(losetup -f --show log.img) || bail "losetup log"
ok "dm-log-writes device" dmsetup create "$DM" --table "0 $(blockdev --getsz "$DATA") log-writes $DATA $LOG" ||
	bail "no dm-log-writes"
# No udev in the guest: use the kernel's own node (devtmpfs), /dev/dm-MINOR.
LW=/dev/dm-$(dmsetup info -c --noheadings -o minor "$DM" | tr -d ' ')
[ -b "$LW" ] || bail "no block device node for $DM ($LW)"
ok "mkfs.ext4 through the log" mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0,nodiscard "$LW" ||
	bail "mkfs failed"
# commit=60: only fsync makes anything durable within the test (see the control).
ok "mount" mount -o commit=60 "$LW" mnt || bail "mount failed"

"$R" image keygen --out k >/dev/null && cp k.pub keys/ || bail "keygen"
head -c 2000000 /dev/urandom > p1
head -c 2500000 /dev/urandom > p2
"$R" image pack --key k --name PWR_V1 --version 1 --models 9611G p1 -o v1.img >/dev/null || bail "pack"
"$R" image pack --key k --name PWR_V2 --version 2 --models 9611G p2 -o v2.img >/dev/null || bail "pack"
ST=$W/mnt/state
ok "install v1" "$R" --state-dir "$ST" image install --keys keys v1.img
ok "confirm v1" "$R" --state-dir "$ST" mark-good
sync
ok "mark: prepared" dmsetup message "$DM" 0 mark prepared
ok "update to v2 (the run under test)" "$R" --state-dir "$ST" image install --keys keys v2.img
ok "mark: installed" dmsetup message "$DM" 0 mark installed
# Control: a record replaced without fsync (what a missing fsync would leave).
printf 'unsafe\n' > "$ST/control.tmp" && mv "$ST/control.tmp" "$ST/control"
ok "mark: control" dmsetup message "$DM" 0 mark control
ok "umount" umount mnt
ok "remove the log device" dmsetup remove "$DM"

"$REPLAY" --list "$LOG" > entries || bail "cannot read the log"
total=$(wc -l < entries)
mark() { awk -v m="$1" '$2 == "M" && $5 == m { print $1; exit }' entries; }
prepared=$(mark prepared)
installed=$(mark installed)
control=$(mark control)
ok "the log holds the marks ($total entries)" test -n "$prepared" -a -n "$installed" -a -n "$control"
# Check points: every flush or FUA after the prepared mark, and the marks.
awk -v p="$prepared" -v c="$control" '$1 > p && $1 <= c && ($2 ~ /[FU]/ || $2 == "M") { print $1 }' \
	entries > points
npoints=$(wc -l < points)
diag "log: $total entries; $npoints check points between 'prepared' (#$prepared) and 'control' (#$control)"
ok "enough check points to mean something ($npoints)" test "$npoints" -ge 5

truncate -s 48M base.img
# check_point K: base.img holds entries [0, K]; mount a copy (journal recovery,
# as at the next boot) and check it. Findings go to results: "K v1|v2 [control]".
check_point() {
	local k=$1 why seen
	cp --sparse=always base.img chk.img
	why=$(mount -o loop chk.img chk 2>&1) || { echo "entry $k: mount failed: $why"; return 1; }
	if ! why=$("$R" --state-dir chk/state status --verify 2>&1); then
		umount chk; echo "entry $k: $why"; return 1
	fi
	if "$R" --state-dir chk/state status --have PWR_V2 >/dev/null; then
		seen=v2
	elif "$R" --state-dir chk/state status --have PWR_V1 >/dev/null; then
		seen=v1
	else
		umount chk; echo "entry $k: neither v1 nor v2 active"; return 1
	fi
	if [ "$k" -eq "$control" ] && ! grep -qs unsafe chk/state/control; then
		seen="$seen control-lost"
	fi
	echo "$k $seen" >> results
	# The next run completes the update on this very state.
	if ! why=$("$R" --state-dir chk/state image install --keys keys v2.img 2>&1) ||
	   ! "$R" --state-dir chk/state status --have PWR_V2 >/dev/null ||
	   ! why=$("$R" --state-dir chk/state status --verify 2>&1); then
		umount chk; echo "entry $k: the next run did not complete: $why"; return 1
	fi
	umount chk
}
applied=0 bad=0
: > results
while read -r k; do
	"$REPLAY" "$LOG" base.img "$applied" $((k + 1)) || { bad=$((bad + 1)); diag "replay to $k failed"; break; }
	applied=$((k + 1))
	out=$(check_point "$k") || { bad=$((bad + 1)); diag "$out"; }
done < points
v1=$(awk '$2 == "v1"' results | wc -l)
v2=$(awk '$2 == "v2"' results | wc -l)
v1_late=$(awk -v i="$installed" '$1 >= i && $2 == "v1"' results | wc -l)
v2_late=$(awk -v i="$installed" '$1 >= i && $2 == "v2"' results | wc -l)
is "$bad" 0 "every flush/FUA point of the update: consistent state, active slot verifies, next run completes"
diag "check points with v1 active: $v1, with v2 active: $v2"
ok "the cut points span the switch (v1 seen at $v1, v2 at $v2)" test "$v1" -gt 0 -a "$v2" -gt 0
ok "once install has returned, v2 survives any power cut ($v2_late points, v1 at $v1_late)" \
	test "$v2_late" -gt 0 -a "$v1_late" -eq 0
ok "control: a rename without fsync is lost at the cut (the method catches missing fsyncs)" \
	grep -q control-lost results
done_testing
