#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The two wolfSSL builds the agent can link (docs/packaging.md): by default
# the one `make deps` built for this CPU, linked statically (no libwolfssl.so
# at run time, so nothing can load Debian's beside it) with its assembly; and
# WOLFSSL=system, Debian's libwolfssl, which must still build and pass every
# unit test. Both are built here in a make of their own, in a build directory
# of the test's, and that directory switches from one to the other: every
# object is rebuilt (objects made against one build's options.h are never
# linked with the other: their structures differ).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
cd "$RINGBOOT_TOP" || exit 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fresh_make() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u WOLFSSL make --no-print-directory -j"$(nproc)" "$@"; }
wolfssl_so() { ldd "$1" | awk '/libwolfssl/ { print $3 }' | xargs -r realpath; }

b=$tmp/build
out=$(fresh_make BUILD="$b" WOLFSSL=system agent tests 2>&1)
rc=$?
is "$rc" 0 "WOLFSSL=system builds the agent and the tests"
[ $rc -eq 0 ] || diag "$(tail -n 20 <<< "$out")"
is "$(wolfssl_so "$b/ringboot")" "$(dpkg -L libwolfssl35 | grep '/libwolfssl\.so\.' | xargs realpath | sort -u)" \
	"... linked with Debian's libwolfssl"
grep -q -- "-I$(scripts/wolfssl-build --print-dir)" "$b/libs.flags" &&
	fail "... compiled against Debian's headers" || pass "... compiled against Debian's headers"
failed=
for t in "$b"/tests/unit/test_*; do
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "$tmp/unit.out" 2>&1 || failed+=" ${t##*/}"
done
is "$failed" "" "WOLFSSL=system passes every unit test ($(ls "$b"/tests/unit/test_* | wc -l) programs)"
"$b/ringboot" image keygen --out "$tmp/k" > /dev/null &&
	head -c 100000 /dev/urandom > "$tmp/p" && mkdir -p "$tmp/keys" && cp "$tmp/k.pub" "$tmp/keys/" &&
	"$b/ringboot" image pack --key "$tmp/k" --name A --version 1 --models 9608 "$tmp/p" -o "$tmp/sys.img" \
		> /dev/null && pass "WOLFSSL=system: image pack" || fail "WOLFSSL=system: image pack"

# The same build directory back to the default: everything is made again.
out=$(fresh_make BUILD="$b" agent "$b/tests/unit/test_crypto" 2>&1)
rc=$?
is "$rc" 0 "the default build in the same directory"
[ $rc -eq 0 ] || diag "$(tail -n 20 <<< "$out")"
n=$(grep -c '^  CC ' <<< "$out")
is "$n" "$(ls userspace/*.c | wc -l)" "... recompiles every object (the flags changed)"
is "$(wolfssl_so "$b/ringboot")" "" "the default agent needs no libwolfssl.so (static)"
nm "$b/ringboot" | grep -q ' AES_GCM_encrypt_avx2$' && pass "... and carries wolfSSL's AES-NI/AVX2 code" ||
	fail "... and carries wolfSSL's AES-NI/AVX2 code"
CMOCKA_MESSAGE_OUTPUT=TAP "$b/tests/unit/test_crypto" > "$tmp/unit.out" 2>&1 &&
	pass "... whose headers and library agree (test_crypto)" ||
	{ fail "... whose headers and library agree (test_crypto)"; diag "$(cat "$tmp/unit.out")"; }
"$b/ringboot" image verify --keys "$tmp/keys" "$tmp/sys.img" > /dev/null &&
	pass "an image packed with Debian's library verifies with this one" ||
	fail "an image packed with Debian's library verifies with this one"

done_testing
