#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ringboot image keygen/pack/verify/show/install, status, mark-good, count-boot:
# OpenSSL interoperability, every kind of bad image refused with the active
# slot untouched (nothing written for a bad header, the inactive slot marked
# invalid for a bad payload), hooks, rollback, the
# insecure raw mode. No network: images are streamed from local files.
. "$RINGBOOT_TOP/tests/lib/tap.sh"

R=$RINGBOOT_BIN
T=$(mktemp -d /tmp/rb-image-t.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || bail "no temp dir"
ST=$T/state
rb() { "$R" --state-dir "$ST" "$@"; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
patch_at() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

mkdir keys other
ok "keygen" "$R" image keygen --out k1
is "$(stat -c %a k1)" "600" "private key is mode 0600"
ok "public key beside it" test -s k1.pub
nok "keygen refuses to overwrite" "$R" image keygen --out k1
cp k1.pub keys/
ok "second key (rotation)" "$R" image keygen --out k2
cp k2.pub keys/
ok "untrusted key" "$R" image keygen --out k3
cp k3.pub other/

if command -v openssl >/dev/null; then
	is "$(openssl pkey -in k1 -pubout)" "$(cat k1.pub)" "OpenSSL derives the same public key"
	openssl genpkey -algorithm ed25519 -out ossl.pem 2>/dev/null
	openssl pkey -in ossl.pem -pubout -out keys/ossl.pub
	head -c 70000 /dev/urandom > p0
	ok "pack with an OpenSSL-made key" "$R" image pack --key ossl.pem --name OSSL --version 1 --models 9611G p0 -o ossl.img
	ok "verify it" "$R" image verify --keys keys ossl.img
	head -c 4032 ossl.img > msg
	dd if=ossl.img of=sig bs=1 skip=4032 count=64 status=none
	ok "OpenSSL verifies our header signature" openssl pkeyutl -verify -pubin -inkey keys/ossl.pub -rawin -in msg -sigfile sig
else
	fail "openssl is needed (scripts/deps.sh installs it)"
fi

head -c 1000000 /dev/urandom > p1
head -c 1500001 /dev/urandom > p2
ok "pack v1" "$R" image pack --key k1 --name APP_V1.tar --version 1.0 --models 9611G,96x1* p1 -o v1.img
ok "pack v2 with the rotated key" "$R" image pack --key k2 --name APP_V2.tar --version 2.0 --models 9611G --hw 1,2 p2 -o v2.img
# v3 (newer than v2) for what must get past the version check of the header.
ok "pack v3" "$R" image pack --key k1 --name APP_V3.tar --version 3.0 --models 9611G p1 -o v3.img
is "$(stat -c %s v1.img)" "$((4096 + 1000000))" "payload follows the 4096-byte header"
is "$(tail -c +4097 v1.img | sha256sum)" "$(sha256sum < p1)" "payload stored unchanged"
is "$("$R" image show --json v1.img | jget '["header"]["name"]')" "APP_V1.tar" "show --json: name"
is "$("$R" image show --json v1.img | jget '["header"]["payload_offset"]')" "4096" "show --json: offset"
is "$("$R" image show --json v1.img | jget '["signature_checked"]')" "False" "show without keys checks no signature"
ok "verify v1" "$R" image verify --keys keys v1.img
is "$("$R" image verify --json --keys keys v2.img | jget '["valid"]')" "True" "verify --json v2"
nok "verify refuses a key outside the directory" "$R" image verify --keys other v1.img
nok "verify checks the model when asked" "$R" image verify --keys keys --model 9608 v1.img
ok "model pattern 96x1* fits 96x1" "$R" image verify --keys keys --model 96x1 v1.img

# --- install, status, mark-good
ok "install v1 (TFTP-sized chunks)" rb image install --keys keys --chunk 512 v1.img
is "$(rb status --json | jget '["active"]')" "a" "v1 active in slot a"
is "$(rb status --json | jget '["pending"]')" "True" "awaiting mark-good"
is "$(sha256sum < "$ST/slot-a")" "$(sha256sum < p1)" "slot a holds exactly the payload"
ok "status --verify" rb status --verify
nok "install refused while v1 awaits mark-good" rb image install --keys keys v2.img
ok "mark-good" rb mark-good
is "$(rb status --json | jget '["pending"]')" "False" "confirmed"
ok "install v1 again: already active" rb image install --keys keys v1.img
is "$(rb image install --json --keys keys v1.img | jget '["already_active"]')" "True" "install --json says already active"
ok "status --have" rb status --have APP_V1.tar
nok "status --have other" rb status --have APP_V2.tar
ok "install v2 (odd chunks straddle the header)" rb image install --keys keys --chunk 4095 --model 9611G --hw 2 v2.img
ok "mark-good v2" rb mark-good
is "$(rb status --json | jget '["active"]')" "b" "v2 active in slot b"

# --- bad images: refused, slot b (active) untouched; a refusal on the header
# writes nothing at all, a refusal later leaves slot a (inactive) invalid
good_b=$(sha256sum < "$ST/slot-b")
bad_case() { # name file expected-words [install options]
	local name=$1 file=$2 words=$3 out before rec
	shift 3
	before=$(sha256sum < "$ST/slot-a")
	rec=$(sha256sum < "$ST/slots.state")
	out=$(rb image install --keys keys "$@" "$file" 2>&1)
	if [ $? -ne 0 ] && printf '%s' "$out" | grep -qi -- "$words"; then
		pass "$name refused: $(printf '%s' "$out" | head -1)"
	else
		fail "$name refused with '$words'"; diag "$out"
	fi
	is "$(rb status --json | jget '["active"]')" "b" "$name: active slot unchanged"
	is "$(sha256sum < "$ST/slot-b")" "$good_b" "$name: active slot bytes untouched"
	ok "$name: status --verify" rb status --verify
	if [ -n "$HEADER_LEVEL" ]; then
		is "$(sha256sum < "$ST/slot-a")" "$before" "$name: no payload byte written"
		is "$(sha256sum < "$ST/slots.state")" "$rec" "$name: the record not even replaced"
		is "$(rb status --json | jget '["slots"][0]["state"]')" "good" "$name: slot a keeps its good v1"
	else
		is "$(rb status --json | jget '["slots"][0]["state"]')" "invalid" "$name: inactive slot marked invalid"
	fi
}
# Slot a holds a good v1: each header-level refusal leaves it so.
HEADER_LEVEL=1
head -c 2000 v1.img > trunc-hdr.img
bad_case "truncated header" trunc-hdr.img "truncated"
cp v1.img magic.img; patch_at magic.img 0 'X'
bad_case "wrong magic" magic.img "bad magic"
cp v1.img ver.img; patch_at ver.img 8 '\x02'
bad_case "wrong format version" ver.img "format version 2"
cp v1.img ovf.img; patch_at ovf.img 24 '\xff\xff\xff\xff\xff\xff\xff\xff'
bad_case "overflowing payload length" ovf.img "out of range"
bad_case "wrong model" v1.img "not 9608" --model 9608
bad_case "wrong hardware" v2.img "hardware" --hw 3
bad_case "wrong name" v1.img "was asked for" --name APP_V9.tar
"$R" image pack --key k3 --name APP_V1.tar --version 1.0 --models 9611G p1 -o unknown.img >/dev/null
bad_case "unknown key" unknown.img "unknown key"
cp v1.img sig.img; patch_at sig.img 4040 '\x00\x01'
bad_case "bad signature" sig.img "bad header signature"
cp v1.img name.img; patch_at name.img 80 'B'
bad_case "altered signed field" name.img "bad header signature"
# v2 is confirmed: v1 is older than the rollback floor, refused on its header.
bad_case "older version (downgrade)" v1.img "older than"
cp v1.img flip-old.img; patch_at flip-old.img 600000 '\x5a'
bad_case "older version with a damaged payload: the header refuses it first" flip-old.img "older than"
# The file's size tells already on the header that the payload is short.
head -c $((4096 + 500000)) v1.img > trunc-pay.img
bad_case "truncated payload" trunc-pay.img "truncated payload"
HEADER_LEVEL=
cp v3.img flip.img; patch_at flip.img 600000 '\x5a'
bad_case "payload bit-flip" flip.img "digest mismatch"
head -c $((4096 + 500000)) v3.img > trunc-pay3.img
bad_case "truncated payload, size unknown (stream)" /dev/stdin "truncated payload" < <(cat trunc-pay3.img)
cp v3.img trail.img; printf 'garbage' >> trail.img
bad_case "trailing garbage" trail.img "trailing"
bad_case "trailing garbage, size unknown (stream)" /dev/stdin "trailing" < <(cat trail.img)
bad_case "payload bit-flip (stream)" /dev/stdin "digest mismatch" < <(cat flip.img)
bad_case "raw file without --insecure-unsigned" p1 "bad magic"

# --- insecure raw payloads: explicit opt-in, marked in the record
nok "--insecure-unsigned needs --name" rb image install --insecure-unsigned p1
ok "raw payload with --insecure-unsigned" rb image install --insecure-unsigned --name RAW.bin p1
is "$(rb status --json | jget '["slots"][0]["insecure"]')" "True" "record marks the slot insecure"
ok "status text says INSECURE" sh -c "'$R' --state-dir '$ST' status | grep -q INSECURE"
ok "mark-good raw" rb mark-good

# --- commit hook: told slot and device; a failing hook keeps the old image active
cat > hook.sh <<'EOF'
#!/bin/sh
echo "$RINGBOOT_EVENT $1 $2 $RINGBOOT_IMAGE_NAME" >> "$RINGBOOT_STATE_DIR/../hook.log"
[ ! -e "$RINGBOOT_STATE_DIR/../hook.fail" ]
EOF
chmod +x hook.sh
ok "install with a hook" rb image install --keys keys --hook "$T/hook.sh" v2.img
is "$(tail -1 hook.log)" "commit b $ST/slot-b APP_V2.tar" "hook got event, slot and device"
ok "mark-good runs the hook" rb mark-good --hook "$T/hook.sh"
is "$(tail -1 hook.log)" "good b $ST/slot-b APP_V2.tar" "hook told of mark-good"
touch hook.fail
nok "install fails when the hook fails" rb image install --keys keys --hook "$T/hook.sh" v3.img
is "$(rb status --json | jget '["active"]')" "b" "failed hook: old slot stays active"
is "$(rb status --json | jget '["slots"][0]["state"]')" "good" "failed hook: new slot complete but inactive"
rm hook.fail

# --- rollback after N unconfirmed boots
ok "install v3 for the rollback test (with --read-back)" rb image install --keys keys --read-back v3.img
for n in 1 2; do
	is "$(rb count-boot --max-tries 2 --json | jget '["tries"]')" "$n" "count-boot $n of 2"
done
is "$(rb count-boot --max-tries 2 --hook "$T/hook.sh" --json | jget '["rolled_back"]')" "True" "third unconfirmed boot rolls back"
is "$(rb status --json | jget '["active"]')" "b" "rolled back to slot b"
is "$(rb status --json | jget '["slots"][0]["state"]')" "bad" "rolled-back slot marked bad"
is "$(tail -1 hook.log)" "rollback b $ST/slot-b APP_V2.tar" "hook told of the rollback"
ok "status --verify after rollback" rb status --verify

# --- damage is detected, concurrency is refused
cp "$ST/slot-b" slot-b.orig
patch_at "$ST/slot-b" 1000 '\x00\x00\x00\x00'
nok "status --verify notices a damaged active slot" rb status --verify
cp slot-b.orig "$ST/slot-b"
cp "$ST/slots.state" rec.orig
sed -i 's/^tries 0/tries 1/' "$ST/slots.state"
nok "a hand-edited record is refused (checksum)" rb status
cp rec.orig "$ST/slots.state"
out=$(flock "$ST/slots.lock" "$R" --state-dir "$ST" image install --keys keys v1.img 2>&1)
case $out in *"another ringboot"*) pass "concurrent install refused";;
	*) fail "concurrent install refused"; diag "$out";; esac
out=$(flock "$ST/slots.lock" "$R" --state-dir "$ST" status --verify --json 2>&1)
case $out in *"verifying the active slot only"*'"verified":true'*) pass "status --verify during an update checks the active slot only";;
	*) fail "status --verify during an update checks the active slot only"; diag "$out";; esac
ok "config file supplies keys and slot files" sh -c "
	printf 'SET IMAGE_KEYS_DIR $T/keys\nSET SLOT_A $T/ca\nSET SLOT_B $T/cb\nSET MODEL 9611G\n' > '$T/rb.conf' &&
	'$R' --config '$T/rb.conf' --state-dir '$T/st2' image install v1.img &&
	cmp -s '$T/ca' p1"
nok "config MODEL is enforced" sh -c "
	printf 'SET IMAGE_KEYS_DIR $T/keys\nSET MODEL 9608\n' > '$T/rb2.conf' &&
	'$R' --config '$T/rb2.conf' --state-dir '$T/st3' image install v1.img"
# --- no downgrade: the rollback floor after commit, mark-good and rollback
DS=$T/down
rd() { "$R" --state-dir "$DS" "$@"; }
floor() { rd status --json | jget '["floor"]'; }
ok "downgrade: install v1" rd image install --keys keys v1.img
is "$(floor)" "None" "no floor before anything is confirmed"
ok "downgrade: confirm v1" rd mark-good
is "$(floor)" "1.0" "mark-good sets the floor to v1's version"
ok "downgrade: install v2" rd image install --keys keys v2.img
is "$(floor)" "1.0" "a commit keeps the floor (v1 stays the rollback target)"
for n in 1 2; do rd count-boot --max-tries 1 >/dev/null; done
is "$(rd status --json | jget '["slots"][0]["name"]')/$(rd status --json | jget '["active"]')/$(floor)" \
	"APP_V1.tar/a/1.0" "unconfirmed v2 rolled back to v1: the floor is still v1's"
ok "downgrade: install v2 again after the rollback" rd image install --keys keys v2.img
ok "downgrade: confirm v2" rd mark-good
is "$(floor)" "2.0" "mark-good raises the floor to v2's version"
rec=$(sha256sum < "$DS/slots.state") slot_a=$(sha256sum < "$DS/slot-a")
out=$(rd image install --keys keys v1.img 2>&1)
is "$?" 1 "a fresh install of v1 (older than the floor) is refused"
case $out in *"APP_V1.tar 1.0 is older than 2.0"*"--allow-downgrade"*) pass "the refusal names both versions and the way out" ;;
	*) fail "the refusal names both versions and the way out"; diag "$out" ;; esac
is "$(sha256sum < "$DS/slots.state")/$(sha256sum < "$DS/slot-a")" "$rec/$slot_a" \
	"the refusal came on the header: neither the record nor slot a changed"
out=$(rd status)
case $out in *"floor: 2.0"*) pass "status shows the floor" ;; *) fail "status shows the floor"; diag "$out" ;; esac
"$R" image pack --key k1 --name APP_V2_RESPIN.tar --version 2.00 --models 9611G p1 -o v2b.img >/dev/null
ok "another image of the same version (2.00 = 2.0) is no downgrade" rd image install --keys keys v2b.img
ok "downgrade: confirm it" rd mark-good
"$R" image pack --key k1 --name APP_RC.tar --version 2.1-rc1 --models 9611G p1 -o rc.img >/dev/null
out=$(rd image install --keys keys rc.img 2>&1)
case $? in 1) case $out in *"cannot be ordered"*) pass "a version that is not dotted numbers cannot be ordered: refused" ;;
	*) fail "a version that is not dotted numbers cannot be ordered: refused"; diag "$out" ;; esac ;;
	*) fail "a version that is not dotted numbers cannot be ordered: refused"; diag "$out" ;; esac
ok "--allow-downgrade on the command line installs v1" rd image install --keys keys --allow-downgrade v1.img
is "$(floor)" "2.00" "the floor stays while v1 is pending"
ok "downgrade: confirm v1" rd mark-good
is "$(floor)" "1.0" "confirming the allowed downgrade lowers the floor to v1"
ok "then v2 installs again (newer)" rd image install --keys keys v2.img
done_testing
