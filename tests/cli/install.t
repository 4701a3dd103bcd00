#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make install DESTDIR=... PREFIX=...` (docs/packaging.md): the installed tree is complete,
# the binary runs, ringboot(8) renders cleanly and documents every verb and option the binary
# has and every key of the configuration table, the systemd units verify (and ringboot.service
# acts on each exit status as documented), `make uninstall` removes it all, the UAPI header
# compiles on its own, and the DKMS tree holds the module's sources (no build products) with a
# dkms.conf bash can source.
# tests/lab/t/90-dkms.t builds that DKMS tree with dkms itself.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
top=$RINGBOOT_TOP
ver=$(cat "$top/VERSION")
tmp=$(mktemp -d)
miss_sec=
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

ok "make install DESTDIR=... PREFIX=/usr" make -s -C "$top" -o build/ringboot install DESTDIR="$dest" PREFIX=/usr ||
	bail "make install failed"
src=$dest/usr/src/ringboot-$ver
want="usr/sbin/ringboot usr/share/man/man8/ringboot.8 usr/include/linux/ringboot.h
usr/lib/systemd/system/ringboot.service usr/lib/systemd/system/ringboot-mark-good.service
usr/share/doc/ringboot/ringboot.conf.example
usr/src/ringboot-$ver/dkms.conf usr/src/ringboot-$ver/Kbuild usr/src/ringboot-$ver/VERSION
usr/src/ringboot-$ver/module/Kbuild usr/src/ringboot-$ver/include/uapi/linux/ringboot.h"
missing=
for f in $want; do [ -f "$dest/$f" ] || missing="$missing $f"; done
is "$missing" "" "the installed tree has the binary, man page, header, units, example and DKMS sources"
outside=$(cd "$dest" && find . -mindepth 1 -maxdepth 1 ! -name usr)
is "$outside" "" "with PREFIX=/usr nothing is installed outside DESTDIR/usr"

# --- the binary
rb=$dest/usr/sbin/ringboot
[ -x "$rb" ] && pass "the binary is executable" || fail "the binary is executable"
is "$("$rb" version)" "ringboot $ver" "the installed binary runs: version prints the VERSION file's"
cmp -s "$rb" "$RINGBOOT_BIN" && pass "the installed binary is the built agent" ||
	fail "the installed binary is the built agent"

# --- the man page
man8=$dest/usr/share/man/man8/ringboot.8
err=$(groff -man -Tutf8 -ww -z "$man8" 2>&1); rc=$?
is "$rc:$err" "0:" "ringboot(8) renders with groff -man -ww without a warning"
txt=$(MANWIDTH=80 man -l "$man8" 2>&1 | col -b)
for s in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" VERBS CONFIGURATION "EXIT STATUS" FILES ENVIRONMENT \
		"SYSTEMD UNITS"; do
	grep -qx "$s" <<< "$txt" || miss_sec="$miss_sec $s"
done
is "${miss_sec:-}" "" "man -l renders every section (exit status, files, environment, units)"

# The page against the binary: every verb of `ringboot help` has its .SS section, every section
# names a verb that exists, and every option a verb's --help shows is in the page.
roff=$(sed 's/\\-/-/g' "$man8")
verbs=$("$rb" help | awk '/^Verbs:/ { v = 1; next } v && /^  [a-z]/ { print $1 } v && /^$/ { v = 0 }')
[ -n "$verbs" ] || fail "ringboot help lists verbs"
sections=$(sed -n 's/^\.SS \([a-z][a-z-]*\).*/\1/p' <<< "$roff")
undoc=; gone=
for v in $verbs; do grep -qx -- "$v" <<< "$sections" || undoc="$undoc $v"; done
for s in $sections; do grep -qx -- "$s" <<< "$verbs" || gone="$gone $s"; done
is "$undoc" "" "every verb of 'ringboot help' has a section in ringboot(8)"
is "$gone" "" "every verb section of ringboot(8) is a verb the binary has"
# Options are compared verb by verb: what `ringboot VERB --help` shows must be in that verb's
# section (from its .SS line to the next .SS or .SH), the global options in GLOBAL OPTIONS.
optsof() { grep -oE -- '(^|[^a-zA-Z0-9-])--?[a-zA-Z0-9][a-zA-Z0-9-]*' | sed 's/^[^-]*//' | sort -u; }
has() { grep -qE -- "(^|[^a-zA-Z0-9-])$1([^a-zA-Z0-9-]|\$)"; }
plain=$(sed 's/\\f[BIRP]//g' <<< "$roff")
section() { awk -v v="$1" '/^\.S[HS] / { on = ($1 == ".SS" && $2 == v) || $0 == ".SH " v } on' <<< "$plain"; }
global=$("$rb" help | optsof)
g_sec=$(section 'GLOBAL OPTIONS')
noopt=; nopts=0
for o in $global --verbose; do nopts=$((nopts + 1)); has "$o" <<< "$g_sec" || noopt="$noopt global:$o"; done
for v in $verbs; do
	[ "$v" = help ] && continue
	v_sec=$(section "$v")
	for o in $("$rb" "$v" --help 2>&1 | optsof); do
		grep -qx -- "$o" <<< "$global" && continue
		nopts=$((nopts + 1))
		has "$o" <<< "$v_sec" || noopt="$noopt $v:$o"
	done
done
is "$noopt" "" "every option of 'ringboot VERB --help' is in that verb's section of ringboot(8) ($nopts options)"
# Every key of the configuration table (userspace/config.c) is in the page's CONFIGURATION.
keys=$(sed -n 's/^[[:space:]]*{ "\([A-Z0-9_]*\)", \(true\|false\), K_.*/\1/p' "$top/userspace/config.c")
nokey=
for k in $keys; do grep -qE -- "(^|[^A-Z0-9_])$k([^A-Z0-9_]|\$)" <<< "$roff" || nokey="$nokey $k"; done
[ -n "$keys" ] || nokey="(no key found in userspace/config.c)"
is "$nokey" "" "every configuration key of userspace/config.c is in ringboot(8) ($(wc -w <<< "$keys") keys)"
# Every environment variable the agent reads (getenv in userspace/) is in ENVIRONMENT.
envs=$(grep -ho 'getenv("[A-Z0-9_]*")' "$top"/userspace/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u)
e_sec=$(section ENVIRONMENT)
noenv=
for e in $envs; do grep -q -- "^\.B $e\$" <<< "$e_sec" || noenv="$noenv $e"; done
is "$noenv" "" "every variable the agent reads from its environment is in ENVIRONMENT ($(wc -w <<< "$envs"))"

# --- the UAPI header stands alone, in C and in C++ as user space includes it
hdr_ok() { printf '#include <linux/ringboot.h>\nint main(void) { return 0; }\n' |
	"$@" -fsyntax-only -Wall -Werror -I"$dest/usr/include" -x "${lang:-c}" -; }
ok "the installed <linux/ringboot.h> compiles alone (C)" hdr_ok cc
if command -v c++ > /dev/null; then
	lang=c++ ok "the installed <linux/ringboot.h> compiles alone (C++)" hdr_ok c++
else
	lang=c++ ok "the installed <linux/ringboot.h> compiles alone (C++, clang)" hdr_ok clang
fi
cmp -s "$dest/usr/include/linux/ringboot.h" "$top/include/uapi/linux/ringboot.h" &&
	pass "the installed header is the tree's UAPI header" || fail "the installed header is the tree's UAPI header"

# --- the systemd units
units=$dest/usr/lib/systemd/system
grep -qF "/usr/sbin/ringboot boot \$\$RINGBOOT_ARGS" "$units/ringboot.service" &&
grep -qx "ExecStartPre=-/usr/sbin/ringboot count-boot" "$units/ringboot.service" &&
grep -qx "Type=oneshot" "$units/ringboot.service" &&
grep -qE '^Before=.*telephony\.service' "$units/ringboot.service" &&
	pass "ringboot.service runs 'ringboot boot' once, before the telephony service" ||
	fail "ringboot.service runs 'ringboot boot' once, before the telephony service"
grep -qx "ExecStart=/usr/sbin/ringboot mark-good" "$units/ringboot-mark-good.service" &&
grep -qE '^After=.*boot-complete\.target' "$units/ringboot-mark-good.service" &&
	pass "ringboot-mark-good.service confirms the image after boot-complete.target" ||
	fail "ringboot-mark-good.service confirms the image after boot-complete.target"
left=$(grep -l '@[A-Z]*@' "$units"/* 2>/dev/null)
is "$left" "" "no @PLACEHOLDER@ is left in an installed unit"
# systemd-analyze checks ExecStart= binaries on the real root, so verify units installed
# without DESTDIR under a temporary PREFIX; MANPATH lets it find man:ringboot(8).
pfx=$tmp/prefix
make -s -C "$top" -o build/ringboot install PREFIX="$pfx" > /dev/null 2>&1 || fail "make install PREFIX=tmp"
if command -v systemd-analyze > /dev/null; then
	out=$(cd "$tmp" && MANPATH=$pfx/share/man systemd-analyze verify \
		"$pfx"/lib/systemd/system/*.service 2>&1); rc=$?
	is "$rc:$out" "0:" "systemd-analyze verify passes every installed unit"
else
	# No systemd here: check what verify would (absolute, executable ExecStart= binaries).
	bad=
	for u in "$pfx"/lib/systemd/system/*.service; do
		for b in $(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$u"); do
			case $b in /*) [ -x "$b" ] || bad="$bad $b" ;; *) bad="$bad $b" ;; esac
		done
	done
	diag "systemd-analyze is not installed: checked the units' ExecStart= binaries only"
	is "$bad" "" "every unit's Exec binaries are absolute and executable"
fi

# What ringboot.service's ExecStart= does with each exit status of `ringboot boot`: the shell
# command as systemd hands it over (continuation lines joined, $$ a literal $), run with
# stand-ins for the agent and systemctl that record their calls (nothing reboots here).
cmd=$(sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba' -e '}' "$units/ringboot.service" |
	sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'\$/\1/p" | sed 's/\$\$/$/g')
[ -n "$cmd" ] || fail "ringboot.service: ExecStart= is a /bin/sh -c '...' command"
stub=$tmp/stub
mkdir -p "$stub/usr/sbin"
printf '#!/bin/sh\necho "systemctl $*" >> "%s/calls"\n' "$stub" > "$stub/systemctl"
printf '#!/bin/sh\necho "ringboot $*" >> "%s/calls"\nexit $STUB_RC\n' "$stub" > "$stub/usr/sbin/ringboot"
chmod +x "$stub/systemctl" "$stub/usr/sbin/ringboot"
unit_run() { # RC RESTART -> "exit status|calls"
	rm -f "$stub/calls"
	env -i PATH="$stub:$PATH" STUB_RC=$1 ${2:+RINGBOOT_RESTART=$2} RINGBOOT_ARGS="--iface eth1" \
		sh -c "${cmd//\/usr\/sbin\//$stub/usr/sbin/}"
	echo "$?|$(paste -sd';' "$stub/calls")"
}
is "$(unit_run 0)" "0|ringboot boot --iface eth1" "ringboot.service: exit 0 passes, no reboot"
is "$(unit_run 1)" "1|ringboot boot --iface eth1" "ringboot.service: exit 1 fails the unit, no reboot"
is "$(unit_run 3)" "3|ringboot boot --iface eth1;systemctl --no-block reboot" \
	"ringboot.service: exit 3 (new image committed) queues a reboot"
is "$(unit_run 3 none)" "3|ringboot boot --iface eth1" "ringboot.service: RINGBOOT_RESTART=none leaves the restart to the maker"
grep -qx 'SuccessExitStatus=3' "$units/ringboot.service" && pass "ringboot.service: exit 3 is a success" ||
	fail "ringboot.service: exit 3 is a success"

# --- the DKMS tree
conf=$(cd "$src" && bash -c 'set -eu; kernel_source_dir=/k; dkms_tree=/d; . ./dkms.conf
	echo "$PACKAGE_NAME $PACKAGE_VERSION ${BUILT_MODULE_NAME[0]} ${BUILT_MODULE_LOCATION[0]}"
	echo "${MAKE[0]}"' 2>&1)
is "$(head -1 <<< "$conf")" "ringboot $ver ringboot module/" \
	"dkms.conf sources in bash: package ringboot, version $ver, ringboot.ko from module/"
is "$(sed -n 2p <<< "$conf")" "make -C /k M=/d/ringboot/$ver/build modules" \
	"dkms.conf builds through the top-level Kbuild"
objs=$(sed -n 's/^ringboot-y[ :+]*=//p' "$top/module/Kbuild")
nosrc=
for o in $objs; do [ -f "$src/module/${o%.o}.c" ] || nosrc="$nosrc ${o%.o}.c"; done
[ -n "$objs" ] || nosrc="(no ringboot-y in module/Kbuild)"
is "$nosrc" "" "the DKMS tree has the source of every object module/Kbuild links"
for h in $(cd "$top/module" && ls *.h); do cmp -s "$top/module/$h" "$src/module/$h" || nosrc="$nosrc $h"; done
is "$nosrc" "" "the DKMS tree has every module header, unchanged"
junk=$(cd "$src" && find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '*.cmd' \
	-o -name 'Module.symvers' -o -name 'modules.order' \) -print)
is "$junk" "" "the DKMS tree holds no build products"

# --- PREFIX defaults to /usr/local
ok "make install DESTDIR=... (default PREFIX)" make -s -C "$top" -o build/ringboot install DESTDIR="$tmp/def"
[ -x "$tmp/def/usr/local/sbin/ringboot" ] && [ -f "$tmp/def/usr/local/share/man/man8/ringboot.8" ] &&
grep -qx 'ExecStart=/usr/local/sbin/ringboot mark-good' \
	"$tmp/def/usr/local/lib/systemd/system/ringboot-mark-good.service" &&
	pass "the default PREFIX is /usr/local, and the units name its sbin" ||
	fail "the default PREFIX is /usr/local, and the units name its sbin"

# --- make uninstall takes back every file install put there
ok "make uninstall DESTDIR=... PREFIX=/usr" make -s -C "$top" uninstall DESTDIR="$dest" PREFIX=/usr
is "$(cd "$dest" && find . -type f -o -type l)" "" "after make uninstall no installed file is left"
done_testing
