#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --fastpath on a machine without ringboot.ko (the host: its kernel cannot load
# modules; the VM covers the module itself in tests/vm/guest.d/30-fastpath.t):
# auto falls back to the user-space client and says so in --json, on fails
# clearly and leaves no file, off never tries.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

if [ -e /dev/ringboot ]; then
	# Not an environment this file is about: the module is present here.
	skip module-present "ringboot.ko is loaded; the fallback is tested where it is not"
	done_testing
	exit
fi
lab_setup || bail "lab_setup failed"
lab_tftpd_hpa || bail "tftpd-hpa did not start"
out=$LAB_DIR/out
mkdir -p "$out"
sum=$(lab_file f 100000)

jget() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(eval("r"+sys.argv[2]))' "$out/json" "$1"; }

lab_phone "$RINGBOOT_BIN" --json fetch "tftp://$LAB_SRV_IP4/f" -o "$out/auto" > "$out/json"
is "$?" 0 "--fastpath auto (default) without the module: downloads"
is "$(sha256sum < "$out/auto" | cut -d' ' -f1)" "$sum" "--fastpath auto: bytes identical"
is "$(jget '["path"]')" user "--fastpath auto without the module: \"path\": \"user\""

lab_phone "$RINGBOOT_BIN" --json fetch --fastpath off "tftp://$LAB_SRV_IP4/f" -o "$out/off" > "$out/json"
is "$(jget '["path"]')" user "--fastpath off: \"path\": \"user\""

lab_phone "$RINGBOOT_BIN" fetch --fastpath on "tftp://$LAB_SRV_IP4/f" -o "$out/on" 2> "$out/err"
is "$?" 1 "--fastpath on without the module: exit status 1"
grep -q "kernel fast path unavailable" "$out/err" && pass "--fastpath on: the reason says the fast path is unavailable" ||
	{ fail "--fastpath on: the reason says the fast path is unavailable"; diag "$(cat "$out/err")"; }
[ -e "$out/on" ] && fail "--fastpath on: no file left" || pass "--fastpath on: no file left"

lab_phone "$RINGBOOT_BIN" fetch --fastpath sometimes "tftp://$LAB_SRV_IP4/f" -o "$out/x" 2>/dev/null
is "$?" 2 "--fastpath with a bad mode: usage error"
done_testing
