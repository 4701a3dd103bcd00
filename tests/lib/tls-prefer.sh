# SPDX-License-Identifier: GPL-2.0-or-later
# The TLS cipher preference ringboot must choose by default (--tls-prefer auto),
# worked out without asking it: AES-GCM first when the wolfSSL it was compiled
# against has AES-NI code (WOLFSSL_AESNI in that build's wolfssl/options.h:
# the -I named in the libs.flags beside the binary, else Debian's in
# /usr/include) and this CPU has AES-NI and PCLMULQDQ (/proc/cpuinfo);
# ChaCha20-Poly1305 otherwise.
#
#   expected_tls_prefer BIN   prints "PREFER REASON" as the agent reports them
expected_tls_prefer() {
	local flags inc=/usr/include d cpu
	flags=$(dirname "$1")/libs.flags
	d=$(grep -oE -- '-I[^ ]*/wolfssl/[^ ]*/include' "$flags" 2>/dev/null | head -n 1)
	[ -n "$d" ] && inc=${d#-I}
	cpu=$(grep -m1 '^flags' /proc/cpuinfo)
	if ! grep -q '^#define WOLFSSL_AESNI' "$inc/wolfssl/options.h"; then
		echo "chacha20 wolfSSL built without hardware AES"
	elif grep -qw aes <<< "$cpu" && grep -qw pclmulqdq <<< "$cpu"; then
		echo "aes AES-NI"
	else
		echo "chacha20 no AES-NI on this CPU"
	fi
}

# The TLS 1.3 suite wolfSSL names for a preference.
tls13_suite() {
	case $1 in
	aes) echo TLS13-AES128-GCM-SHA256 ;;
	*) echo TLS13-CHACHA20-POLY1305-SHA256 ;;
	esac
}
