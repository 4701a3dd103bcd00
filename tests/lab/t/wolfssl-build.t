#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The wolfSSL `make deps` builds for this machine (scripts/wolfssl-build):
# Debian's own source package of the version Debian ships, fetched through a
# private apt directory that leaves the system's apt configuration and lists
# alone; configured with debian/rules' options plus the CPU's (its options.h
# is Debian's plus exactly what --enable-intelasm adds); never -march=native;
# installed static with its own options.h and a pkg-config file into a cache
# directory named by the source version and the options, which a second run
# finds (instant, nothing rebuilt) and another version would not.
#
# Run after `make deps` (as in `make check`): the build itself takes minutes
# and is not repeated here.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
cd "$RINGBOOT_TOP" || exit 1

wb=scripts/wolfssl-build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dir=$($wb --print-dir)
is "$?" 0 "--print-dir names the install for this machine's inputs"
[ -e "$dir/lib/libwolfssl.a" ] && pass "make deps built it: $dir" || bail "no wolfSSL build in $dir (make deps)"

before=$(stat -c '%i %Y' "$dir" "$dir/lib/libwolfssl.a")
start=$(date +%s%N)
out=$($wb 2>&1)
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$rc" 0 "a second run succeeds"
case $out in *"cached in $dir"*) pass "... and says the build is cached" ;; *) fail "... and says the build is cached"; diag "$out" ;; esac
is "$(stat -c '%i %Y' "$dir" "$dir/lib/libwolfssl.a")" "$before" "... and rebuilds nothing (same directory, same archive)"
diag "second run: $ms ms"

# What is installed: static archive, options.h, pkg-config file, log and record.
for f in lib/libwolfssl.a include/wolfssl/options.h include/wolfssl/ssl.h lib/pkgconfig/wolfssl.pc \
	build.log BUILD-INFO; do
	[ -s "$dir/$f" ] && pass "installed: $f" || fail "installed: $f"
done
is "$(find "$dir" -name 'libwolfssl.so*' | wc -l)" 0 "no shared object: nothing links it at run time"
libs=$(PKG_CONFIG_LIBDIR=$dir/lib/pkgconfig pkg-config --libs wolfssl)
case $libs in "$dir/lib/libwolfssl.a "*) pass "pkg-config links the static archive" ;;
	*) fail "pkg-config links the static archive"; diag "$libs" ;; esac
is "$(PKG_CONFIG_LIBDIR=$dir/lib/pkgconfig pkg-config --cflags wolfssl | xargs)" "-I$dir/include" \
	"pkg-config compiles against its own headers"

# Its options: Debian's, plus what the CPU option adds (amd64: --enable-intelasm).
defines() { grep -E '^#define ' "$1" | awk '{ print $2 }' | sort -u; }
extra=$(comm -13 <(defines /usr/include/wolfssl/options.h) <(defines "$dir/include/wolfssl/options.h") | tr '\n' ' ')
missing=$(comm -23 <(defines /usr/include/wolfssl/options.h) <(defines "$dir/include/wolfssl/options.h") | tr '\n' ' ')
is "$missing" "" "every option of Debian's libwolfssl-dev is in its options.h"
if [ "$(dpkg --print-architecture)" = amd64 ]; then
	is "$extra" "USE_INTEL_SPEEDUP WOLFSSL_AESNI " "... and on amd64 exactly --enable-intelasm's: AES-NI and the AVX code"
	grep -q -- '--enable-distro --enable-pkcs11 --disable-examples --disable-silent-rules --enable-intelasm' \
		"$dir/BUILD-INFO" && pass "configured with debian/rules' options plus --enable-intelasm" ||
		fail "configured with debian/rules' options plus --enable-intelasm"
fi
grep -qE -- '-m(arch|tune|cpu)=native' "$dir/build.log" && fail "no -m...=native in the build log" ||
	pass "no -m...=native in the build log"
grep -q '^Test complete' "$dir/build.log" && pass "wolfCrypt's known-answer tests passed on this CPU during the build" ||
	fail "wolfCrypt's known-answer tests passed on this CPU during the build"
version=$(dpkg-query -W -f='${source:Version}' libwolfssl-dev)
case $(basename "$dir") in "${version//:/_}-"*) pass "the directory is named by the source version $version" ;;
	*) fail "the directory is named by the source version $version" ;; esac

# Another source version (a new Debian upload): another directory, not the cached one.
mkdir -p "$tmp/bin"
cat > "$tmp/bin/dpkg-query" <<'SH'
#!/bin/sh
case "$*" in *libwolfssl-dev*) echo "5.5.4-2+deb12u99" ;; *) exec /usr/bin/dpkg-query "$@" ;; esac
SH
chmod 755 "$tmp/bin/dpkg-query"
other=$(PATH="$tmp/bin:$PATH" $wb --print-dir)
case $other in */5.5.4-2+deb12u99-*) [ "$other" != "$dir" ] && pass "another source version: another directory ($(basename "$other"))" ||
	fail "another source version: another directory" ;; *) fail "another source version: another directory"; diag "$other" ;; esac
# Other build flags (Debian's hardening changed, say): another directory.
cat > "$tmp/bin/dpkg-buildflags" <<'SH'
#!/bin/sh
/usr/bin/dpkg-buildflags "$@" | sed 's/-O2/-O3/'
SH
chmod 755 "$tmp/bin/dpkg-buildflags"
rm -f "$tmp/bin/dpkg-query"
other=$(PATH="$tmp/bin:$PATH" $wb --print-dir)
[ -n "$other" ] && [ "$other" != "$dir" ] && pass "other build flags: another directory" ||
	fail "other build flags: another directory"
rm -f "$tmp/bin/dpkg-buildflags"
is "$($wb --print-dir)" "$dir" "the same inputs name the same directory again"

# The source through the private apt directory: the system's apt is only read.
apt_state() {
	find /etc/apt -type f -exec sha256sum {} + | sort
	ls /var/lib/apt/lists | grep -i sources || true
}
sys_before=$(apt_state)
out=$($wb --fetch-only "$tmp/src" 2>&1)
rc=$?
is "$rc" 0 "--fetch-only: apt-get source through the private apt directory"
[ $rc -eq 0 ] || diag "$(tail -n 20 <<< "$out")"
is "$(apt_state)" "$sys_before" "the system's apt configuration is unchanged and its lists have no Sources"
grep -q -- '--enable-distro' "$tmp/src/debian/rules" && pass "the unpacked source is Debian's (debian/rules)" ||
	fail "the unpacked source is Debian's (debian/rules)"
head -n 1 "$tmp/src/debian/changelog" | grep -qF "($version)" && pass "... of version $version" ||
	fail "... of version $version"
is "$(wc -l < "$tmp/src/.pc/applied-patches")" "$(grep -cv '^#' "$tmp/src/debian/patches/series")" \
	"... with every one of Debian's patches applied"
grep -q "signed-by=/usr/share/keyrings/debian-archive-keyring.gpg" "${RINGBOOT_CACHE:-/var/cache/ringboot}/wolfssl/apt/sources.list" &&
	pass "its deb-src entries trust Debian's archive key only" || fail "its deb-src entries trust Debian's archive key only"

done_testing
