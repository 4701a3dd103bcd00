#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install everything ringboot needs to build and test, idempotently.
#
# Set-up never touches what it did not start: while apt-get runs, a
# policy-rc.d that answers 101 ("action forbidden") keeps the packages'
# maintainer scripts from starting their services (tests start their own
# instances), and whatever policy-rc.d was there before, or its absence, is
# put back exactly as it was on every exit path (success, apt-get failure,
# SIGINT, SIGTERM). No service or process is stopped or killed. The one change
# to the boot configuration: the daemons the lab runs instances of its own
# (LAB_DAEMONS), when their packages, installed by this run, enabled them for
# the next boot (a systemd link under *.wants/, a SysV start link that was not
# there before), are disabled again. Anything else they enabled (dkms, say) and
# anything enabled before stays as it is.
#
# Then wolfSSL is built for this machine from Debian's source package into
# the cache (scripts/wolfssl-build; instant when it is there already), unless
# WOLFSSL=system asks for Debian's library alone.
#
# RINGBOOT_POLICY_RC_D names the policy file, RINGBOOT_SYSROOT the root whose
# etc/systemd/system and etc/rc?.d are compared (tests point them elsewhere).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

PKGS=(
	build-essential pkg-config perl python3 python3-yaml git
	liburing-dev libwolfssl-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
	libc-ares-dev libcmocka-dev clang libclang-rt-14-dev llvm
	linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static cpio kmod
	iproute2 dnsmasq-base nginx tftpd-hpa tftp-hpa curl wget openssl
	isc-dhcp-server kea-dhcp4-server lighttpd lighttpd-mod-openssl lighttpd-mod-gnutls
	mini-httpd stunnel4 erlang-base erlang-tftp
	tcpdump lldpd dmsetup e2fsprogs gnuplot-nox dkms procps psmisc xxd jq
	groff-base man-db bsdextrautils
	autoconf automake libtool dpkg-dev
)

# Services (unit or init script names, without .service/.socket/.target) of the
# daemons tests start themselves: never at boot.
LAB_DAEMONS=(nginx tftpd-hpa isc-dhcp-server kea-dhcp4-server lighttpd mini-httpd stunnel stunnel4 epmd lldpd)

cache=${RINGBOOT_CACHE:-/var/cache/ringboot}
policy=${RINGBOOT_POLICY_RC_D:-/usr/sbin/policy-rc.d}
sysroot=${RINGBOOT_SYSROOT:-}

marker='# ringboot deps: no service starts while packages install'
# A run killed by SIGKILL (or a power cut) left ours in place: put back what it had saved.
if grep -qxF "$marker" "$policy" 2>/dev/null; then
	prev=$(ls -1 "$policy".ringboot-saved.* 2>/dev/null | head -n 1)
	if [ -n "$prev" ]; then mv -f "$prev" "$policy"; else rm -f "$policy"; fi
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done

need_atftp=0
[ -x "$cache/atftp/usr/sbin/atftpd" ] || need_atftp=1
command -v atftp >/dev/null || missing+=(atftp)

# wolfSSL for this CPU (autoconf, automake, libtool and dpkg-dev build it).
wolfssl() {
	if [ "${WOLFSSL:-cpu}" = system ]; then
		echo "deps: wolfSSL: Debian's library (WOLFSSL=system)"
	else
		"$here/wolfssl-build"
	fi
}

if [ ${#missing[@]} -eq 0 ] && [ $need_atftp -eq 0 ]; then
	echo "deps: all present"
	wolfssl
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]} (and root is needed to install them)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# The policy file as it was: moved aside (mode, owner and contents kept by
# rename) and moved back, or removed again when there was none.
saved=
restore_policy() {
	if [ -n "$saved" ]; then
		mv -f "$saved" "$policy"
		saved=
	else
		rm -f "$policy"
	fi
}
if [ -e "$policy" ] || [ -L "$policy" ]; then
	saved=$(mktemp "$policy.ringboot-saved.XXXXXX")
	mv -f "$policy" "$saved"
fi
trap 'restore_policy' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf '#!/bin/sh\n%s\nexit 101\n' "$marker" > "$policy"
chmod 755 "$policy"

apt_get() { apt-get -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=false "$@"; }

# What starts at boot: "unit NAME" per systemd link in a .wants directory,
# "sysv NAME" per SysV start link of a multi-user runlevel.
enabled_at_boot() {
	local l
	for l in "$sysroot"/etc/systemd/system/*.wants/*; do
		[ -L "$l" ] && echo "unit ${l##*/}"
	done
	for l in "$sysroot"/etc/rc[2345].d/S*; do
		[ -L "$l" ] || [ -f "$l" ] || continue
		l=${l##*/S}
		echo "sysv ${l#[0-9][0-9]}"
	done
}

if [ ${#missing[@]} -gt 0 ]; then
	enabled_before=$(enabled_at_boot | sort -u)
	echo "deps: installing ${missing[*]}"
	apt_get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
		apt_get -qq update
		apt_get -qq install -y --no-install-recommends "${missing[@]}"
	}
	# The packages just installed may have enabled their daemons for the next
	# boot; the lab runs its own instances, so those go back to disabled.
	comm -13 <(printf '%s\n' "$enabled_before") <(enabled_at_boot | sort -u) |
	while read -r kind name; do
		case " ${LAB_DAEMONS[*]} " in *" ${name%.*} "*|*" $name "*) ;; *) continue ;; esac
		# update-rc.d also disables the systemd unit of the same name.
		case $kind in
		unit) systemctl disable --quiet "$name" 2>/dev/null ;;
		sysv) update-rc.d "$name" disable > /dev/null 2>&1 ;;
		esac && echo "deps: $name: enabled by its package, disabled again" ||
			echo "deps: could not disable $name ($kind): it may start at the next boot" >&2
	done
fi

# Debian 12's atftpd conflicts with tftpd-hpa; unpack atftpd into the cache and call it by path.
if [ $need_atftp -ne 0 ]; then
	tmp=$(mktemp -d); chmod 755 "$tmp"
	(cd "$tmp" && apt-get download atftpd >/dev/null)
	mkdir -p "$cache/atftp"
	dpkg-deb -x "$tmp"/atftpd_*.deb "$cache/atftp"
	rm -rf "$tmp"
	echo "deps: atftpd unpacked into $cache/atftp"
fi
# Packages are in: the policy goes back now, not after the minutes of building.
restore_policy
trap - EXIT INT TERM
wolfssl
echo "deps: done"
