#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `ringboot fetch http://` against HTTP servers whose framing differs from
# nginx's (tests/lab/interop.sh): busybox httpd and mini_httpd close the
# connection after every response, and their CGI responses carry no
# Content-Length, so the body ends where the connection does (RFC 9112 6.3
# rule 8; mini_httpd's CGI status line is HTTP/1.0); lighttpd keeps the
# connection and sends its CGI responses chunked (RFC 9112 7.1). First the test
# shows with curl that each server frames the way it says, then ringboot
# fetches files of 0 B, 1 B, some KiB and over 1 MiB from each, static and
# through the CGIs (CRLF and bare-LF header lines), over IPv4 and IPv6, several
# in one call, each compared by SHA-256; and a missing file from each is a
# clear failure that writes nothing.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
. "$RINGBOOT_TOP/tests/lab/lib.sh"
. "$RINGBOOT_TOP/tests/lab/interop.sh"

lab_setup || bail "lab_setup failed"
lab_busybox_httpd || bail "busybox httpd did not start"
lab_mini_httpd || bail "mini_httpd did not start"
lab_lighttpd || bail "lighttpd did not start"

out=$LAB_DIR/out
mkdir -p "$out"
declare -A sum
files="zero one mid big"
sum[zero]=$(lab_file zero 0)
sum[one]=$(lab_file one 1)
sum[mid]=$(lab_file mid $((5000 + RANDOM)))
sum[big]=$(lab_file big $((1048576 + 1 + RANDOM * 3)))	# > 1 MiB
got() { sha256sum < "$1" | cut -d' ' -f1; }

# head URL: the response head as a stock HTTP/1.1 client (curl) receives it.
head_of() { lab_phone curl -s --http1.1 -D - -o /dev/null "$1" | tr -d '\r'; }
# framing URL: "STATUS-LINE-VERSION length|chunked|close keep|close".
framing() {
	local h v len=close conn=keep
	h=$(head_of "$1")
	v=$(printf '%s\n' "$h" | head -n 1 | cut -d' ' -f1)
	printf '%s\n' "$h" | grep -qi '^content-length:' && len=length
	printf '%s\n' "$h" | grep -qi '^transfer-encoding: *chunked' && len=chunked
	{ [ "$v" = HTTP/1.0 ] || printf '%s\n' "$h" | grep -qi '^connection: *close'; } && conn=close
	echo "$v $len $conn"
}

bb=http://$LAB_SRV_IP4:$LAB_BUSYBOX_HTTP_PORT
mh=http://$LAB_SRV_IP4:$LAB_MINI_HTTPD_PORT
lh=http://$LAB_SRV_IP4:$LAB_LIGHTTPD_HTTP_PORT

# --- what each server sends (so the fetches below exercise what they claim)
is "$(framing "$bb/big")" "HTTP/1.1 length close" "busybox httpd, static: Content-Length, Connection: close"
is "$(framing "$bb/cgi-bin/cat/big")" "HTTP/1.1 close keep" \
	"busybox httpd, CGI: neither Content-Length nor chunked: the body ends at the close"
is "$(framing "$mh/big")" "HTTP/1.1 length close" "mini_httpd, static: Content-Length, Connection: close"
is "$(framing "$mh/cgi-bin/cat/big")" "HTTP/1.0 close close" \
	"mini_httpd, CGI: an HTTP/1.0 response, body delimited by the close"
is "$(framing "$lh/big")" "HTTP/1.1 length keep" "lighttpd, static: Content-Length, keep-alive"
is "$(framing "$lh/cgi-bin/cat/big")" "HTTP/1.1 chunked keep" "lighttpd, CGI: Transfer-Encoding: chunked, keep-alive"
head_of "$mh/cgi-bin/catlf/one" > "$out/lfhead"
grep -q $'^Content-Type: application/octet-stream$' "$out/lfhead" &&
	! lab_phone curl -s --http1.1 -D - -o /dev/null "$mh/cgi-bin/catlf/one" | grep -q $'Content-Type: application/octet-stream\r'
is "$?" 0 "the catlf CGI's header lines end in a bare LF, as the server passes them on"

# fetch_all DESC BASE PREFIX: every file in one ringboot call; checks exit,
# bytes and the connection count ("one" when the server keeps the connection,
# one per file when it closes after each response).
fetch_all() {
	local desc=$1 base=$2 prefix=$3 conns=$4 args=() f n
	for f in $files; do args+=("$base/$prefix$f" -o "$out/$f"); rm -f "$out/$f"; done
	if ! lab_phone "$RINGBOOT_BIN" --json fetch "${args[@]}" > "$out/json" 2> "$out/err"; then
		fail "$desc: fetch"
		diag "$(cat "$out/err")"
		return
	fi
	for f in $files; do
		is "$(got "$out/$f" 2>/dev/null)" "${sum[$f]}" "$desc: $f ($(stat -c %s "$LAB_WWW/$f") B) intact"
	done
	n=$(python3 -c 'import json,sys; print(max(r["options"]["connections"] for r in json.load(open(sys.argv[1]))))' "$out/json")
	case $conns in
	one) is "$n" 1 "$desc: the four files shared one connection" ;;
	each) is "$n" 4 "$desc: a new connection for each file (the server closed after each)" ;;
	esac
}

for fam in 4 6; do
	ip=$LAB_SRV_IP4
	[ $fam = 6 ] && ip="[$LAB_SRV_IP6]"
	for srv in "busybox httpd:$LAB_BUSYBOX_HTTP_PORT:each:each" "mini_httpd:$LAB_MINI_HTTPD_PORT:each:each" \
		"lighttpd:$LAB_LIGHTTPD_HTTP_PORT:one:one"; do
		IFS=: read -r name port sconn cconn <<< "$srv"
		base=http://$ip:$port
		fetch_all "$name IPv$fam static" "$base" "" "$sconn"
		fetch_all "$name IPv$fam CGI (CRLF)" "$base" cgi-bin/cat/ "$cconn"
		fetch_all "$name IPv$fam CGI (bare LF)" "$base" cgi-bin/catlf/ "$cconn"
	done
done

# --- a missing file: HTTP 404 from the server itself and from the CGI
for url in "$bb/no-such-file" "$bb/cgi-bin/cat/no-such-file" "$mh/no-such-file" \
	"$mh/cgi-bin/cat/no-such-file" "$lh/no-such-file" "$lh/cgi-bin/cat/no-such-file"; do
	rm -f "$out/missing"
	lab_phone "$RINGBOOT_BIN" fetch "$url" -o "$out/missing" 2> "$out/err"
	rc=$?
	if [ $rc = 1 ] && grep -q 404 "$out/err" && [ ! -e "$out/missing" ]; then
		pass "404 for $url: exit 1, the reason names 404, nothing written"
	else
		fail "404 for $url: exit 1, the reason names 404, nothing written"
		diag "exit $rc: $(cat "$out/err")"
	fi
done

done_testing
