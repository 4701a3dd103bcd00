#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The agent built on the host, with the wolfSSL `make deps` built for the
# host's CPU, on the guest's CPU (inside the VM, whose emulated CPU lacks
# instructions the host has: AVX-512 and SHA-NI under `-cpu max`; AES-NI,
# PCLMULQDQ, AVX and AVX2 too in tests/vm/suite.t's second boot): wolfSSL
# picks its code paths by CPUID at run time, so the known answers hold, an
# image signs and verifies, an HTTPS download from nginx arrives intact, and
# the cipher preference follows the guest's CPU, not the host's.
#
#   rbs-ID (server)                 rbp-ID (phone)
#   nginx :443         <-veth->     ringboot fetch https://
RINGBOOT_TOP=${RINGBOOT_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
export RINGBOOT_TOP
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lib/tls-prefer.sh"

RB=${RINGBOOT_BIN:-$RINGBOOT_TOP/build/ringboot}
modprobe -a veth 2>/dev/null

cpu=$(grep -m1 '^flags' /proc/cpuinfo)
have=
for f in aes pclmulqdq sse4_2 avx avx2 bmi2 adx sha_ni avx512f; do
	grep -qw "$f" <<< "$cpu" && have+=" $f" || have+=" -$f"
done
diag "guest CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)):$have"

for t in test_crypto test_tls_prefer; do
	if CMOCKA_MESSAGE_OUTPUT=TAP "$RINGBOOT_TOP/build/tests/unit/$t" > "/tmp/$t.out" 2>&1; then
		pass "$t passes on this CPU"
	else
		fail "$t passes on this CPU"; diag "$(cat "/tmp/$t.out")"
	fi
done

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx did not start"
out=$LAB_DIR/out
mkdir -p "$out/keys"

# An image: keygen, pack (Ed25519 signature, SHA-256), verify; a flipped byte is refused.
head -c $((3 * 1024 * 1024 + 5)) /dev/urandom > "$out/payload"
ok "image keygen" "$RB" image keygen --out "$out/k"
cp "$out/k.pub" "$out/keys/"
ok "image pack" "$RB" image pack --key "$out/k" --name APP --version 1 --models 9608 "$out/payload" \
	-o "$LAB_WWW/app.img"
chmod 644 "$LAB_WWW/app.img"
ok "image verify" "$RB" image verify --keys "$out/keys" "$LAB_WWW/app.img"
cp "$LAB_WWW/app.img" "$out/bad.img"
at=$((2 * 1024 * 1024))
byte=$(dd if="$out/bad.img" bs=1 skip=$at count=1 status=none | xxd -p)
printf "\\x$(printf '%02x' $((0x$byte ^ 0xff)))" | dd of="$out/bad.img" bs=1 seek=$at conv=notrunc status=none
nok "image verify refuses a payload with one byte changed" "$RB" image verify --keys "$out/keys" "$out/bad.img"

# HTTPS: the preference the guest's CPU calls for, negotiated with nginx, the file intact.
read -r want why <<< "$(expected_tls_prefer "$RB")"
json=$(lab_phone "$RB" fetch --json --ca "$LAB_CA" "https://$LAB_SRV_IP4/app.img" -o "$out/dl.img" 2>&1)
is "$?" 0 "HTTPS download of the image"
is "$(sha256sum < "$out/dl.img")" "$(sha256sum < "$LAB_WWW/app.img")" "... intact"
case $json in *"\"tls_prefer\": \"$want\""*"\"tls_prefer_reason\": \"$why\""*)
	pass "$want preferred on this CPU ($why)" ;;
	*) fail "$want preferred on this CPU ($why)"; diag "$json" ;; esac
case $json in *"\"tls_cipher\": \"$(tls13_suite "$want")\""*) pass "... negotiated: $(tls13_suite "$want")" ;;
	*) fail "... negotiated: $(tls13_suite "$want")"; diag "$json" ;; esac
json=$(lab_phone "$RB" fetch --json --ca "$LAB_CA" --tls-prefer aes "https://$LAB_SRV_IP4/app.img" -o "$out/aes.img" 2>&1)
case $json in *'"tls_cipher": "TLS13-AES128-GCM-SHA256"'*) pass "--tls-prefer aes: AES-128-GCM on this CPU too" ;;
	*) fail "--tls-prefer aes: AES-128-GCM on this CPU too"; diag "$json" ;; esac
is "$(sha256sum < "$out/aes.img")" "$(sha256sum < "$LAB_WWW/app.img")" "... intact"
ok "the downloaded image verifies" "$RB" image verify --keys "$out/keys" "$out/dl.img"

done_testing
