#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot boot` inside the VM with ringboot.ko loaded: the script, a 2 MiB
# image and the settings come over TFTP through the kernel fast path
# (--fastpath on) from atftpd (windowed, RFC 7440), with netem dropping 5% of
# the packets on both veth ends; the image must be committed with the right
# digest.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
rb=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
[ -c /dev/ringboot ] || bail "ringboot.ko is not loaded"

lab_setup || bail "lab_setup failed"
lab_atftpd || bail "atftpd did not start"
keys=$LAB_DIR/keys
mkdir -p "$keys/trusted"
"$rb" image keygen --out "$keys/signer" > /dev/null || bail "keygen"
cp "$keys/signer.pub" "$keys/trusted/"
head -c $((2 * 1024 * 1024)) /dev/urandom > "$LAB_DIR/payload"
"$rb" image pack --key "$keys/signer" --name vm-app-1.0 --version 1.0 --models 9608 \
	"$LAB_DIR/payload" -o "$LAB_WWW/vm-app-1.0" > /dev/null || bail "pack"
printf 'SET APPNAME vm-app-1.0\nGET 46xxsettings.txt\n' > "$LAB_WWW/96x1Supgrade.txt"
printf 'SET SNTPSRVR 192.0.2.9\n' > "$LAB_WWW/46xxsettings.txt"
chmod 644 "$LAB_WWW"/*
cat > "$LAB_DIR/ringboot.conf" <<CONF
SET MODEL4 9608
SET MODEL 9608D01A
SET SIG 2
SET IMAGE_KEYS_DIR $keys/trusted
CONF
for side in srv phone; do
	if [ $side = srv ]; then dev=$LAB_SRV_IF; else dev=$LAB_PHONE_IF; fi
	lab_$side tc qdisc add dev "$dev" root netem loss 5% || bail "netem"
done

st=$LAB_DIR/state
timeout 300 ip netns exec "$LAB_PHONE_NS" "$rb" --json boot --no-dhcp --fastpath on \
	--config "$LAB_DIR/ringboot.conf" --state-dir "$st" --var "TFTPSRVR=$LAB_SRV_IP4:$LAB_ATFTPD_PORT" \
	--var MACADDR=0a0b0c0d0e0f > "$LAB_DIR/boot.json" 2> "$LAB_DIR/boot.err"
rc=$?
is "$rc" 3 "boot over TFTP with 5% loss: exit 3 (image committed)"
[ "$rc" = 3 ] || diag "$(cat "$LAB_DIR/boot.json" "$LAB_DIR/boot.err" | tail -5)"
detail=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print([p["detail"] for p in d["timeline"] if p["phase"]=="image"][0])' "$LAB_DIR/boot.json" 2>/dev/null)
case $detail in *"kernel path"*) pass "the image came through the kernel fast path" ;;
*) fail "the image came through the kernel fast path"; diag "image phase: $detail" ;; esac
want=$(sha256sum < "$LAB_DIR/payload" | cut -d' ' -f1)
got=$("$rb" --json status --state-dir "$st" | python3 -c 'import json,sys; d=json.load(sys.stdin)
s=[x for x in d["slots"] if x["state"]=="good"][0]; print(s.get("digest") or s.get("sha256"))' 2>/dev/null)
is "$got" "$want" "the committed slot's digest is the payload's SHA-256"
done_testing
