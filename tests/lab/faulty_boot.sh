# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Boots of a handset against the faulty HTTP server (tests/lab/http_faulty.py),
# for tests of what a boot does when a server misbehaves. Sourced after
# lib.sh and lab_setup:
#
#   fb_setup RETRY_MAX     the faulty server on :$FPORT (log $FLOG), a signing
#                          key, a signed image app-1.0.bin for a 9608, the
#                          upgrade script 96x1Supgrade.txt (SET APPNAME
#                          app-1.0.bin, GET 46xxsettings.txt), the settings
#                          file, and the handset's configuration $conf
#   fb_boot DIR SERVERS [ARGS...]
#                          a fresh handset (new state directory) boots with
#                          --no-dhcp from HTTPSRVR=SERVERS, HTTPPORT=$FPORT,
#                          HTTPDIR=DIR (the faulty server's mode); $rc and
#                          the JSON document $json hold the outcome
#   fb_field KEY           a top-level field of $json ("" for null)
#   fb_phase_status PHASE  the status of each PHASE row of the timeline
#   fb_gets PATH           requests the faulty server saw for /PATH

FPORT=8080

fb_setup() {
	local keys=$LAB_DIR/keys
	_lab_spawn faulty python3 "$RINGBOOT_TOP/tests/lab/http_faulty.py" 0.0.0.0 $FPORT "$LAB_WWW"
	_lab_wait tcp $FPORT || return 1
	FLOG=$LAB_DIR/faulty.log
	mkdir -p "$keys/trusted"
	"$RINGBOOT_BIN" image keygen --out "$keys/signer" > /dev/null || return 1
	cp "$keys/signer.pub" "$keys/trusted/"
	head -c 300000 /dev/urandom > "$LAB_DIR/payload"
	"$RINGBOOT_BIN" image pack --key "$keys/signer" --name app-1.0.bin --version 1.0 \
		--models 9608 "$LAB_DIR/payload" -o "$LAB_WWW/app-1.0.bin" > /dev/null || return 1
	printf 'SET APPNAME app-1.0.bin\nGET 46xxsettings.txt\n' > "$LAB_WWW/96x1Supgrade.txt"
	printf 'SET SNTPSRVR 192.0.2.9\n' > "$LAB_WWW/46xxsettings.txt"
	chmod 644 "$LAB_WWW"/*
	conf=$LAB_DIR/ringboot.conf
	json=$LAB_DIR/boot.json
	_fb_n=0
	cat > "$conf" <<-EOF
	SET MODEL4 9608
	SET MODEL 9608D01A
	SET SIG 2
	SET MACADDR 0a:0b:0c:0d:0e:0f
	SET IMAGE_KEYS_DIR $keys/trusted
	SET RETRY_MAX $1
	SET RETRY_BASE_MS 50
	EOF
}

# `timeout` only keeps an agent that hangs from holding the suite.
fb_boot() {
	local dir=$1 servers=$2
	shift 2
	_fb_n=$((_fb_n + 1))
	timeout 200 ip netns exec "$LAB_PHONE_NS" "$RINGBOOT_BIN" --json boot --config "$conf" \
		--state-dir "$LAB_DIR/st.$_fb_n" --no-dhcp --var "HTTPSRVR=$servers" \
		--var "HTTPPORT=$FPORT" --var "HTTPDIR=$dir" "$@" > "$json" 2> "$LAB_DIR/boot.err"
	rc=$?
}

fb_field() {
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2])
print("" if v is None else v)' "$json" "$1" 2>/dev/null
}

fb_phase_status() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(",".join(p["status"] for p in d["timeline"] if p["phase"]==sys.argv[2]))' "$json" "$1" 2>/dev/null
}

fb_gets() { grep -c "GET /$1 " "$FLOG"; }
