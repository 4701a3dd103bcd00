#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every file system call of `ringboot boot`, failed in turn (docs/commit.md):
# against the lab's real nginx (HTTP), a boot that commits a new image with a
# commit hook, fetches the settings and stores parameters, the environment file
# and the timeline. Each open, write/pwrite, fsync/fdatasync, directory fsync,
# rename, ftruncate and fallocate it makes in the state directory fails, one
# at a time, with EIO and with ENOSPC (tests/lib/faults.sh counts them in a dry
# run). After each: the record loads, every good slot verifies (status
# --verify), the active image is the old or the new one, and the report of
# the boot names the image the record has active (or none, when it could not
# read the record); the same boot run again
# without the fault succeeds (exit 0 or 3) and leaves the new image active
# with nothing owed, its parameters stored.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lib/faults.sh"
rb=$RINGBOOT_BIN

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx"

keys=$LAB_DIR/keys
mkdir -p "$keys/trusted"
"$rb" image keygen --out "$keys/signer" > /dev/null || bail "keygen"
cp "$keys/signer.pub" "$keys/trusted/"
for v in 1.0 2.0; do
	head -c 700000 /dev/urandom > "$LAB_DIR/payload"
	"$rb" image pack --key "$keys/signer" --name "app-$v" --version "$v" --models 9608 \
		"$LAB_DIR/payload" -o "$LAB_WWW/app-$v" > /dev/null || bail "pack"
done
cat > "$LAB_WWW/96x1Supgrade.txt" <<-EOF
SET APPNAME app-2.0
GET 46xxsettings.txt
EOF
printf 'SET SNTPSRVR 192.0.2.9\n' > "$LAB_WWW/46xxsettings.txt"
chmod 644 "$LAB_WWW"/*
conf=$LAB_DIR/ringboot.conf
cat > "$conf" <<EOF
SET MODEL4 9608
SET MODEL 9608D01A
SET MACADDR 0a:0b:0c:0d:0e:0f
SET IMAGE_KEYS_DIR $keys/trusted
SET RETRY_MAX 1
EOF
printf '#!/bin/sh\necho "$RINGBOOT_EVENT $1" >> "%s/hook.log"\n' "$LAB_DIR" > "$LAB_DIR/hook.sh"
chmod +x "$LAB_DIR/hook.sh"

st=$LAB_DIR/state base=$LAB_DIR/base
FAULT_WORK=$LAB_DIR/faults
FAULT_PATHS=$st
FAULT_OK_RC="0 3"
# The handset runs app-1.0, confirmed; the script names app-2.0.
"$rb" --state-dir "$base" image install --keys "$keys/trusted" "$LAB_WWW/app-1.0" > /dev/null &&
	"$rb" --state-dir "$base" mark-good || bail "base state"
rec() { sed -n "s/^$1 //p" "$st/slots.state" 2>/dev/null; }
json=$LAB_DIR/boot.json

setup_boot() { rm -rf "$st" && cp -a "$base" "$st"; }
op_boot() {
	lab_phone "$@" "$rb" --json boot --config "$conf" --state-dir "$st" \
		--sson "HTTPSRVR=$LAB_SRV_IP4" --hook "$LAB_DIR/hook.sh" > "$json"
}
check_boot() {
	local active slot
	fault_state_ok "$st" app-1.0 app-2.0 || return 1
	# What the boot reported active is what the record holds.
	slot=$(rec active)
	active=$(rec "$slot.name")
	python3 - "$json" "$active" <<-'EOF' || return 1
	import json, sys
	d = json.load(open(sys.argv[1]))
	if d.get("active") not in (None, sys.argv[2]):
	    sys.exit("the boot reported %r active, the record has %r" % (d.get("active"), sys.argv[2]))
	EOF
	[ "$1" = fault ] && return 0
	[ "$active/$(rec pending)/$(rec hook)" = "app-2.0/1/none" ] ||
		{ echo "ends as $active/$(rec pending)/$(rec hook)"; return 1; }
	grep -q "^RB_SNTPSRVR='192.0.2.9'$" "$st/params.env" || { echo "no parameters exported"; return 1; }
}
faults "boot" setup_boot op_boot check_boot
ok "the boot's calls include the slot's writes, the record's rename and the parameters' files" \
	sh -c "[ \$(grep -Ec '^[0-9]+ write $st/slot-b\$' '$FAULT_LOG') -ge 3 ] &&
	       grep -Eq '^[0-9]+ fdatasync $st/slot-b\$' '$FAULT_LOG' &&
	       grep -Eq '^[0-9]+ rename $st/slots.state\$' '$FAULT_LOG' &&
	       grep -Eq '^[0-9]+ rename $st/params\$' '$FAULT_LOG' &&
	       grep -Eq '^[0-9]+ rename $st/params.env\$' '$FAULT_LOG' &&
	       grep -Eq '^[0-9]+ rename $st/timeline.json\$' '$FAULT_LOG'"
done_testing
