#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every real provisioning sample, interpreted by `ringboot script --json` for
# several identities, against outcomes written by reading the files
# (tests/data/provisioning/expected/<sample>.json; see SOURCES.md there).
. "$RINGBOOT_TOP/tests/lib/tap.sh"

data=$RINGBOOT_TOP/tests/data/provisioning
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for exp in "$data"/expected/*.json; do
	sample=$(basename "$exp" .json)
	n=$(jq length "$exp")
	for ((i = 0; i < n; i++)); do
		c=$(jq -c ".[$i]" "$exp")
		name=$(jq -r .name <<<"$c")
		args=()
		while IFS= read -r v; do
			[ -n "$v" ] && args+=(--var "$v")
		done < <(jq -r '.vars[]?' <<<"$c")
		root=$(jq -r '.root // empty' <<<"$c")
		[ -n "$root" ] && args+=(--root "$data/$root")
		"$RINGBOOT_BIN" script --json "${args[@]}" "$data/$sample" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 0 ]; then
			fail "$sample: $name (exit $rc)"
			diag "$(cat "$tmp/err")"
			continue
		fi
		# One check per outcome: files, appname, params, warnings.
		bad=$(jq -n --slurpfile got "$tmp/out" --argjson want "$c" '
			$got[0] as $g |
			[ (if $g.files != $want.files then "files \($g.files)" else empty end),
			  (if $g.appname != $want.appname then "appname \($g.appname)" else empty end),
			  (if ($want | has("params")) and $g.params != $want.params
			   then "params \($g.params)" else empty end),
			  (if ($want | has("params_count")) and ($g.params | length) != $want.params_count
			   then "params_count \($g.params | length)" else empty end),
			  ($want.params_include // {} | to_entries[] |
			   select($g.params[.key] != .value) | "param \(.key)=\($g.params[.key])"),
			  ($want.params_absent // [] | .[] | . as $k |
			   select($g.params | has($k)) | "present \($k)"),
			  (if [$g.warnings[] | [.file, .line]] != $want.warnings
			   then "warnings \($g.warnings)" else empty end)
			] | .[]')
		if [ -z "$bad" ]; then
			pass "$sample: $name"
		else
			fail "$sample: $name"
			diag "$bad"
		fi
	done
done

# The option 242/176 sample is two strings, one per line.
while IFS= read -r line || [ -n "$line" ]; do
	case $line in MCIPADD=*) ;; *) continue ;; esac
	got=$("$RINGBOOT_BIN" sson --json "$line" | jq -c '[.MCIPADD, .MCPORT, .L2QVLAN]')
	case $line in
	*L2QVLAN*) is "$got" '["cho-pbx01.lamundial.hn","1719","233"]' "sson sample with ', L2QVLAN'" ;;
	*) is "$got" '["cho-pbx01.lamundial.hn","1719",null]' "sson sample with TFTPSRVR" ;;
	esac
done < "$data/acevallos_dhcp-option-242-176-examples.txt"

done_testing
