#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make deps` (scripts/deps.sh) never touches what it did not start: an nginx
# and a tftpd-hpa that were running before it (here in a lab namespace, as a
# developer's own would be) still run after it; the policy-rc.d that keeps
# services from starting while packages install is in force during apt-get
# and afterwards is exactly what was there before (or absent), also when
# apt-get fails, when deps.sh is interrupted, and after a run killed outright.
# A lab daemon the install enabled for the next boot (a unit link, a SysV start
# link) is disabled again; other services it enabled, and what was enabled
# before, are left alone.
#
# apt-get and dpkg-query are stand-ins on PATH (dpkg-query reports every
# package missing, apt-get records what the policy said, enables lighttpd and
# dkms in the test's own root (RINGBOOT_SYSROOT) as their postinsts would, and
# then succeeds, fails or hangs as told), so the install path runs without
# installing; systemctl and update-rc.d are stand-ins that record their calls.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"

lab_setup || bail "lab_setup failed"
lab_nginx || bail "nginx did not start"
lab_tftpd_hpa || bail "tftpd-hpa did not start"
nginx_pid=$(cat "$LAB_DIR/nginx/nginx.pid")
tftpd_pids=$(ip netns pids "$LAB_SRV_NS" | xargs -r ps -o pid= -o comm= -p | awk '$2 == "in.tftpd" { print $1 }')
[ -n "$nginx_pid" ] && [ -n "$tftpd_pids" ] || bail "no pids for nginx/in.tftpd"

fake=$LAB_DIR/fakebin
mkdir -p "$fake"
cat > "$fake/dpkg-query" <<'SH'
#!/bin/sh
echo "unknown ok not-installed"
SH
cat > "$fake/apt-get" <<SH
#!/bin/sh
# What the policy answers while packages install.
sh "\$RINGBOOT_POLICY_RC_D" nginx start > /dev/null 2>&1
echo "policy=\$?" >> "$LAB_DIR/apt.log"
# As postinsts do: a lab daemon (lighttpd) and another service (dkms) enabled
# for the next boot, systemd and SysV.
for u in lighttpd dkms; do
	ln -sf /lib/systemd/system/\$u.service "\$RINGBOOT_SYSROOT/etc/systemd/system/multi-user.target.wants/\$u.service"
	[ -e "\$RINGBOOT_SYSROOT/etc/rc2.d/K01\$u" ] || ln -sf ../init.d/\$u "\$RINGBOOT_SYSROOT/etc/rc2.d/S01\$u"
done
case \${FAKE_APT:-ok} in
fail) exit 100 ;;
hang) echo started >> "$LAB_DIR/apt.log"; sleep 60 ;;
esac
exit 0
SH
cat > "$fake/systemctl" <<SH
#!/bin/sh
echo "systemctl \$*" >> "$LAB_DIR/disable.log"
[ "\$1 \$2" = "disable --quiet" ] && rm -f "\$RINGBOOT_SYSROOT"/etc/systemd/system/*.wants/"\$3"
exit 0
SH
cat > "$fake/update-rc.d" <<SH
#!/bin/sh
echo "update-rc.d \$*" >> "$LAB_DIR/disable.log"
for l in "\$RINGBOOT_SYSROOT"/etc/rc2.d/S??"\$1"; do mv "\$l" "\$RINGBOOT_SYSROOT/etc/rc2.d/K01\$1"; done
exit 0
SH
chmod 755 "$fake"/*

# The test's own root: the owner enabled a service of theirs before make deps.
export RINGBOOT_SYSROOT=$LAB_DIR/root
mkdir -p "$RINGBOOT_SYSROOT/etc/systemd/system/multi-user.target.wants" "$RINGBOOT_SYSROOT/etc/rc2.d"
ln -s /lib/systemd/system/owner.service "$RINGBOOT_SYSROOT/etc/systemd/system/multi-user.target.wants/owner.service"
ln -s ../init.d/owner "$RINGBOOT_SYSROOT/etc/rc2.d/S01owner"

policy=$LAB_DIR/policy-rc.d
export RINGBOOT_POLICY_RC_D=$policy
# WOLFSSL=system: the wolfSSL build that follows the packages has its own test
# (wolfssl-build.t) and needs the real dpkg-query.
deps() { WOLFSSL=system PATH="$fake:$PATH" "$RINGBOOT_TOP/scripts/deps.sh"; }
state() { if [ -e "$policy" ]; then printf '%s %s\n' "$(stat -c %a "$policy")" "$(sha256sum < "$policy")"; else echo absent; fi; }
leftovers() { ls "$policy".ringboot-saved.* 2>/dev/null | wc -l; }

# A policy of the machine's own (a container's, say): not ours, mode 700.
printf '#!/bin/sh\n# the owner'"'"'s own policy\nexit 0\n' > "$policy"
chmod 700 "$policy"
before=$(state)

ok "make deps runs its install path" deps
is "$(tail -n 1 "$LAB_DIR/apt.log")" "policy=101" "while apt-get runs, services may not start"
is "$(state)" "$before" "afterwards the owner's policy-rc.d is back, same mode and contents"
is "$(leftovers)" 0 "no saved copy is left behind"
kill -0 "$nginx_pid" 2>/dev/null && pass "an nginx running before make deps still runs" ||
	fail "an nginx running before make deps still runs"
alive=1
for p in $tftpd_pids; do kill -0 "$p" 2>/dev/null || alive=0; done
[ $alive = 1 ] && pass "an in.tftpd running before make deps still runs" ||
	fail "an in.tftpd running before make deps still runs"
ok "... and that nginx still answers" lab_phone curl -s -o /dev/null "http://$LAB_SRV_IP4/"
is "$(sort "$LAB_DIR/disable.log" | tr '\n' ';')" \
	"systemctl disable --quiet lighttpd.service;update-rc.d lighttpd disable;" \
	"the lab daemon the install enabled is disabled again (systemd unit and SysV script), nothing else"
is "$(cd "$RINGBOOT_SYSROOT/etc" && echo systemd/system/*.wants/* rc2.d/*)" \
	"systemd/system/multi-user.target.wants/dkms.service systemd/system/multi-user.target.wants/owner.service rc2.d/K01lighttpd rc2.d/S01dkms rc2.d/S01owner" \
	"another service the install enabled (dkms) and the owner's services stay enabled"

FAKE_APT=fail nok "apt-get failing fails make deps" deps
is "$(state)" "$before" "after a failed apt-get the policy is restored"

# Interrupted while apt-get runs (SIGINT as from ^C, then SIGTERM).
for sig in INT TERM; do
	: > "$LAB_DIR/apt.log"
	( WOLFSSL=system FAKE_APT=hang exec setsid bash -c 'PATH="$0:$PATH" exec "$1"' "$fake" \
		"$RINGBOOT_TOP/scripts/deps.sh" ) > /dev/null 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q started "$LAB_DIR/apt.log" 2>/dev/null && break; sleep 0.1; done
	# The whole process group, as a terminal's ^C reaches it.
	kill -s "$sig" -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	is "$(state)" "$before" "interrupted by SIG$sig during apt-get: the policy is restored"
done

# Killed outright: ours is left in place; the next run puts the owner's back.
: > "$LAB_DIR/apt.log"
( WOLFSSL=system FAKE_APT=hang exec setsid bash -c 'PATH="$0:$PATH" exec "$1"' "$fake" \
	"$RINGBOOT_TOP/scripts/deps.sh" ) > /dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q started "$LAB_DIR/apt.log" 2>/dev/null && break; sleep 0.1; done
kill -KILL -- "-$pid" 2>/dev/null
wait "$pid" 2>/dev/null
[ "$(state)" != "$before" ] && pass "a SIGKILLed run leaves its own policy (nothing can restore it then)" ||
	fail "a SIGKILLed run leaves its own policy (nothing can restore it then)"
ok "the next make deps runs" deps
is "$(state)" "$before" "... and puts the owner's policy back"
is "$(leftovers)" 0 "... leaving no saved copy"

# No policy before: none after.
rm -f "$policy"
ok "make deps with no policy-rc.d" deps
is "$(state)" absent "no policy-rc.d before, none after"

done_testing
