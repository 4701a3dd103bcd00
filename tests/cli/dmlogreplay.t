#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/helpers/dmlogreplay on a log built here byte by byte in the kernel's
# dm-log-writes format (super at 0; per entry one sector of struct
# log_write_entry, mark text after it, then the data unless a discard), so the
# power-cut test's replay tool is itself checked without a VM.
. "$RINGBOOT_TOP/tests/lib/tap.sh"

B=$RINGBOOT_TOP/build/tests/helpers/dmlogreplay
[ -x "$B" ] || bail "build the helpers first (make tests)"
T=$(mktemp -d /tmp/rb-dmlog-t.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || bail "no temp dir"

mklog() { # SECTORSIZE OUT
	python3 - "$1" "$2" <<'PY'
import struct, sys
ss, out = int(sys.argv[1]), sys.argv[2]
ents = []
def ent(sector, nr, flags, text=b"", data=b""):
    blk = struct.pack("<QQQQ", sector, nr, flags, len(text)) + text
    ents.append(blk + b"\0" * (ss - len(blk)) + data)
ent(2, 1, 0, data=b"A" * ss)              # write
ent(0, 0, 1)                              # flush
ent(0, 0, 8, b"after-a")                  # mark
ent(2, 1, 4)                              # discard: no data in the log
ent(3, 2, 2, data=b"B" * (2 * ss))        # FUA write
sup = struct.pack("<QQQI", 0x6a736677736872, 1, len(ents), ss)
open(out, "wb").write(sup + b"\0" * (ss - len(sup)) + b"".join(ents))
PY
}
at() { dd if=dev.img bs=1 skip="$1" count="$2" status=none | tr -d '\0'; }

for ss in 512 4096; do
	mklog $ss log.$ss
	is "$("$B" --list log.$ss | tr '\n' '|')" "0 W 2 1|1 F 0 0|2 M 0 0 after-a|3 D 2 1|4 U 3 2|" \
		"sector size $ss: --list shows kind, sector, length and mark text"
	rm -f dev.img; truncate -s $((8 * ss)) dev.img
	ok "replay entries 0..2" "$B" log.$ss dev.img 0 2
	is "$(at $((2 * ss)) $ss | head -c 4)" "AAAA" "sector size $ss: the write landed at sector 2"
	ok "replay entries 2..5 on top" "$B" log.$ss dev.img 2 5
	is "$(at $((2 * ss)) $ss)" "" "sector size $ss: the discard zeroed sector 2"
	is "$(at $((3 * ss)) $((2 * ss)) | wc -c)" "$((2 * ss))" "sector size $ss: the FUA write covers sectors 3-4"
done
nok "an entry count beyond the log is refused" "$B" log.512 dev.img 0 6
printf 'not a log' > bad.log; truncate -s 4096 bad.log
nok "a file without the magic is refused" "$B" --list bad.log
head -c 700 log.512 > short.log
nok "a truncated log is refused" "$B" --list short.log
done_testing
