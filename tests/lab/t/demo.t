#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`'s lab part (scripts/demo, DEMO_VM=0): it succeeds and says so,
# and when a step does not happen as it should it fails loudly, naming the step:
# servers that do not come up, a boot that does not commit the image.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
cd "$RINGBOOT_TOP" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

DEMO_VM=0 scripts/demo > "$tmp/ok.out" 2>&1
rc=$?
is "$rc" 0 "the demo succeeds"
[ "$rc" = 0 ] || diag "$(tail -n 20 "$tmp/ok.out")"
grep -q 'demo: every step succeeded' "$tmp/ok.out" && pass "... and says so" || fail "... and says so"
grep -qE '^  image .* ok .*verified while streaming' "$tmp/ok.out" &&
	pass "... its first boot's timeline shows the image nested in the interpretation" ||
	fail "... its first boot's timeline shows the image nested in the interpretation"

# nginx refuses a configuration with an unknown directive: the lab has no HTTP(S).
LAB_NGINX_EXTRA='no_such_directive on;' DEMO_VM=0 scripts/demo > "$tmp/nginx.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && pass "servers not up: the demo fails (exit $rc)" || fail "servers not up: the demo fails"
grep -q 'demo failed in step "lab: .*nginx did not start' "$tmp/nginx.out" &&
	pass "... naming the step and the server" || { fail "... naming the step and the server"; diag "$(tail -n 5 "$tmp/nginx.out")"; }
grep -q '== first boot' "$tmp/nginx.out" && fail "... and goes no further" || pass "... and goes no further"

# A ringboot whose boot verb fails as it did when nothing listened (exit 255).
cat > "$tmp/ringboot" <<SH
#!/bin/sh
[ "\$1" = boot ] && exit 255
exec "$RINGBOOT_BIN" "\$@"
SH
chmod 755 "$tmp/ringboot"
RINGBOOT_BIN=$tmp/ringboot DEMO_VM=0 scripts/demo > "$tmp/boot.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && pass "a first boot that exits 255: the demo fails" || fail "a first boot that exits 255: the demo fails"
grep -q 'demo failed in step "first boot.*exited 255' "$tmp/boot.out" &&
	pass "... naming the step and the exit status" || { fail "... naming the step and the exit status"; diag "$(tail -n 5 "$tmp/boot.out")"; }
done_testing
