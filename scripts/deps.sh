#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install everything ringboot needs to build and test, idempotently.
# Services shipped by these packages are kept from starting (policy-rc.d):
# tests start their own instances.
set -euo pipefail

PKGS=(
	build-essential pkg-config perl python3 git
	liburing-dev libwolfssl-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
	libc-ares-dev libcmocka-dev clang libclang-rt-14-dev llvm
	linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static cpio kmod
	iproute2 dnsmasq-base nginx tftpd-hpa tftp-hpa curl wget openssl
	tcpdump dmsetup e2fsprogs gnuplot-nox dkms procps psmisc xxd jq
	groff-base man-db bsdextrautils
)

cache=${RINGBOOT_CACHE:-/var/cache/ringboot}

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done

need_atftp=0
[ -x "$cache/atftp/usr/sbin/atftpd" ] || need_atftp=1
command -v atftp >/dev/null || missing+=(atftp)

if [ ${#missing[@]} -eq 0 ] && [ $need_atftp -eq 0 ]; then
	echo "deps: all present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]} (and root is needed to install them)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Keep maintainer scripts from starting services system-wide.
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ $had_policy -eq 0 ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi

apt_get() { apt-get -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=false "$@"; }

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	apt_get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
		apt_get -qq update
		apt_get -qq install -y --no-install-recommends "${missing[@]}"
	}
fi

# Debian 12's atftpd conflicts with tftpd-hpa; unpack atftpd into the cache and call it by path.
if [ $need_atftp -eq 0 ]; then :; else
	tmp=$(mktemp -d); chmod 755 "$tmp"
	(cd "$tmp" && apt-get download atftpd >/dev/null)
	mkdir -p "$cache/atftp"
	dpkg-deb -x "$tmp"/atftpd_*.deb "$cache/atftp"
	rm -rf "$tmp"
	echo "deps: atftpd unpacked into $cache/atftp"
fi

# Services the packages may have started before policy-rc.d existed: stop them.
for svc in nginx tftpd-hpa; do
	if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then
		systemctl stop "$svc" || true
	fi
done
pkill -x nginx 2>/dev/null || true
pkill -x in.tftpd 2>/dev/null || true
echo "deps: done"
