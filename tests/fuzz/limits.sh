# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Limits every libFuzzer run of the project shares (run-short.t, campaign).
# The input bound: libFuzzer's own default when no seed is larger, and what
# the parsers' hostile inputs need (a DHCP packet, a header, a script).
FUZZ_MAX_LEN=4096
# One input running longer than this, or a process above this RSS, is a failure.
FUZZ_TIMEOUT=10
FUZZ_RSS_MB=2048
