#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every Python module a test, benchmark or script imports comes with Debian's
# python3 or from a package scripts/deps.sh installs: a module that happens
# to be on a development machine (yaml was) must not make a test pass there
# and fail on a fresh one. Imports are read from *.py files and from the
# python3 code inside shell tests (heredocs and -c strings alike).
. "$RINGBOOT_TOP/tests/lib/tap.sh"
cd "$RINGBOOT_TOP" || exit 1
py=/usr/bin/python3
[ -x $py ] || bail "no $py (make deps installs python3)"

# The packages deps.sh installs, one per line.
pkgs=$(sed -n '/^PKGS=(/,/^)/p' scripts/deps.sh | sed '1d;$d' | tr -s ' \t' '\n' | sed '/^$/d')
grep -qx python3 <<< "$pkgs" && pass "deps.sh installs python3" || fail "deps.sh installs python3"

mods=$(grep -rhoE --include='*.py' --include='*.t' --include='*.sh' --include='run' \
	'^[[:space:]]*(import [A-Za-z_][A-Za-z0-9_, ]*|from [A-Za-z_][A-Za-z0-9_.]* import)' \
	tests bench scripts 2>/dev/null |
	sed -E 's/^[[:space:]]*//; s/^from ([A-Za-z0-9_]+).*/\1/; s/^import //' | tr ',' '\n' |
	sed -E 's/^ +//; s/ .*//; s/\..*//' | sed '/^$/d' | sort -u)
[ -n "$mods" ] && pass "imports found: $(echo $mods)" || fail "imports found"

for m in $mods; do
	where=$($py -s -c "import $m, sys; print(getattr($m, '__file__', None) or 'builtin')" 2>&1)
	if [ $? -ne 0 ]; then
		fail "module $m imports with Debian's python3"
		diag "$where"
		continue
	fi
	case $where in
	builtin|/usr/lib/python3.[0-9]*/*)
		pass "module $m: Debian's python3 (standard library)" ;;
	*)
		pkg=$(dpkg -S "$where" 2>/dev/null | head -n 1 | cut -d: -f1)
		if [ -n "$pkg" ] && grep -qxF "$pkg" <<< "$pkgs"; then
			pass "module $m: package $pkg, installed by make deps"
		else
			fail "module $m: from ${pkg:-no package} ($where), which make deps does not install"
		fi ;;
	esac
done
done_testing
