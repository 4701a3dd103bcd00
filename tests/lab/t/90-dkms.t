#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DKMS builds ringboot.ko from the tree `make install` puts under PREFIX/src/ringboot-VERSION,
# against the installed Debian kernel headers (scripts/kernel-version), exactly as `dkms add` and
# `dkms build` would on a handset's build host. Nothing is left on the system: the source and
# DKMS trees are temporary (--sourcetree, --dkmstree), and the module signing key dkms 3 makes
# in /var/lib/dkms on first use lands in a private mount namespace's temporary directory.
# The module DKMS built is then loaded in the VM (tests/vm/run) and answers the Generic Netlink
# selftest. Needs root (mount namespace), like the rest of the lab suite.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
top=$RINGBOOT_TOP
ver=$(cat "$top/VERSION")
arch=$(uname -m)

plan 13

[ "$(id -u)" -eq 0 ] || bail "90-dkms.t needs root (the lab suite runs as root)"
command -v dkms > /dev/null || bail "dkms is not installed (make deps)"
kver=$("$top/scripts/kernel-version") || bail "scripts/kernel-version found no kernel with headers"
[ -d /var/lib/dkms ] || bail "/var/lib/dkms is missing (the dkms package makes it)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# What must be the same afterwards: the system's DKMS state, /usr/src and the kernel's modules.
snapshot() { find /var/lib/dkms /usr/src /lib/modules/"$kver" -maxdepth 3 -printf '%p %y %T@\n' \
	2>/dev/null | sort | md5sum; }
before=$(snapshot)

ok "make install DESTDIR=... PREFIX=/usr" make -s -C "$top" -o build/ringboot install \
	DESTDIR="$tmp/dest" PREFIX=/usr || bail "make install failed"
mkdir -p "$tmp/src" "$tmp/dkms" "$tmp/var-lib-dkms"
cp -a "$tmp/dest/usr/src/ringboot-$ver" "$tmp/src/"

# One private mount namespace for every dkms call: /var/lib/dkms is a temporary directory in it.
dk() {
	unshare -m --propagation private sh -c \
		'mount --bind "$1" /var/lib/dkms && shift && exec dkms "$@"' sh \
		"$tmp/var-lib-dkms" "$@" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms"
}
ok "dkms add from a copy of the installed source tree" dk add -m ringboot -v "$ver"
log=$tmp/build.log
dk build -m ringboot -v "$ver" -k "$kver" > "$log" 2>&1
rc=$?
is "$rc" 0 "dkms build -k $kver succeeds"
[ $rc -eq 0 ] || { diag "$(tail -n 40 "$log")"
	diag "$(tail -n 40 "$tmp/dkms/ringboot/$ver/build/make.log" 2>/dev/null)"; }
st=$(dk status -m ringboot -v "$ver" 2>&1)
is "$st" "ringboot/$ver, $kver, $arch: built" "dkms status: ringboot/$ver built for $kver"

ko=$tmp/dkms/ringboot/$ver/$kver/$arch/module/ringboot.ko
[ -f "$ko" ] && pass "the built module is $kver/$arch/module/ringboot.ko in the DKMS tree" ||
	fail "the built module is $kver/$arch/module/ringboot.ko in the DKMS tree"
vm=$(modinfo -F vermagic "$ko" 2>&1)
case $vm in "$kver "*) pass "its vermagic is $kver's" ;;
*) fail "its vermagic is $kver's"; diag "vermagic: $vm" ;; esac
is "$(modinfo -F name "$ko" 2>&1)" "ringboot" "modinfo names it ringboot"
is "$(modinfo -F version "$ko" 2>&1)" "$ver" "modinfo gives the release it was built from"
warn=$(grep -E 'warning:|error:' "$tmp/dkms/ringboot/$ver/$kver/$arch/log/make.log" 2>&1)
is "$warn" "" "the DKMS build log has no compiler warning"

# The guest sees the checkout read-only and the VM output directory writable; the module goes
# to the latter so that nothing is written into the tree.
mkdir -p "${RINGBOOT_VM_OUT:-$top/build/vm-out}"
vmdir=$(mktemp -d "${RINGBOOT_VM_OUT:-$top/build/vm-out}/dkms.XXXXXX")
trap 'rm -rf "$tmp" "$vmdir"' EXIT
cp "$ko" "$vmdir/ringboot.ko" 2>/dev/null
sel=$top/build/tests/selftests/genl_resolve
ok "the DKMS-built module loads in the VM ($kver) and passes the genl_resolve selftest" \
	"$top/tests/vm/run" --timeout 300 -- sh -c 'set -e
		for d in $(modinfo -F depends "$1" | tr , " "); do modprobe "$d"; done
		insmod "$1"
		grep -q "^ringboot " /proc/modules
		"$2"
		rmmod ringboot' sh "$vmdir/ringboot.ko" "$sel"

ok "dkms remove --all takes it out of the DKMS tree" dk remove -m ringboot -v "$ver" --all
left=$(find "$tmp/dkms" -name '*.ko' 2>/dev/null)
is "$left" "" "no built module is left in the DKMS tree after remove"

is "$(snapshot)" "$before" "/var/lib/dkms, /usr/src and /lib/modules/$kver are unchanged"
