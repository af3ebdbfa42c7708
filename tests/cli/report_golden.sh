#!/usr/bin/env bash
# report_golden.sh - the text and JSON renderers against .ref files:
# tests/tools/report_render builds fixed result models (verified, failed,
# bogus, insecure MX, null MX, hostile strings) and renders them; each
# output must equal its reference byte for byte. To accept a deliberate
# change: MXD_REGOLD=1 tests/run build (then review the diff in git).
. "$TOP/tests/lib.sh"

render=$BUILD/tools/report_render
refs=$TOP/tests/cli/report

if [ ! -x "$render" ]; then
	t_skip "report renderers" "no $render"
	t_done
fi

fixtures=$("$render" list)
for f in $fixtures; do
	for kind in text color json; do
		ref=$refs/$f.$kind.ref
		t_run "$render" "$kind" "$f"
		if [ "$STATUS" != 0 ]; then
			not_ok "$f $kind renders (exit $STATUS)"
			diag "$ERR"
			continue
		fi
		if [ "${MXD_REGOLD:-0}" = 1 ]; then
			cp "$OUT" "$ref"
		fi
		if [ ! -f "$ref" ]; then
			not_ok "$f $kind: no reference $ref"
		elif diff -u "$ref" "$OUT" > "$T/diff"; then
			ok "$f $kind output equals its reference"
		else
			not_ok "$f $kind output differs from its reference"
			diag "$T/diff"
		fi
	done
	# The JSON is one line, valid, with every field of the contract.
	"$render" json "$f" > "$T/j"
	t_lines "$f json is one line" 1 "$T/j"
	if command -v jq > /dev/null; then
		if jq -e '(.domain|type=="string") and
		    (.status|IN("ok","warning","critical","unknown")) and
		    (.dane|IN("verified","partial","failed","unusable","bogus",
		        "none")) and (.mx|type=="array") and
		    (.findings|type=="array") and
		    all(.mx[]; (.host|type=="string") and
		        (.preference|type=="number") and
		        (.dnssec|type=="string") and (.tlsa|type=="array") and
		        all(.addresses[]; (.address|type=="string") and
		            (.starttls|type=="boolean") and
		            has("tls_version") and has("matched") and
		            has("depth") and has("error") and
		            (.dane|IN("pass","fail","none","unusable")))) and
		    all(.findings[]; has("code") and has("severity") and
		        has("message") and has("hint") and has("ref"))' \
		    "$T/j" > /dev/null 2>&1; then
			ok "$f json has the contract's fields and values"
		else
			not_ok "$f json misses contract fields"
			diag "$T/j"
		fi
	else
		t_skip "$f json contract fields" "no jq"
	fi
done

# Colour only when asked: the plain text has no escape sequences.
"$render" text verified > "$T/plain"
t_nogrep "plain text has no ANSI escapes" $'\033' "$T/plain"
"$render" color verified > "$T/color"
t_grep "colour text has ANSI escapes" $'\033\\[32m' "$T/color"
# Strings from the network never reach the output raw.
"$render" text hostile > "$T/hostile"
if LC_ALL=C grep -q $'[\x80-\xff]' "$T/hostile"; then
	not_ok "hostile bytes are sanitised in text"
else
	ok "hostile bytes are sanitised in text"
fi
t_done
