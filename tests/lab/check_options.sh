#!/usr/bin/env bash
# check_options.sh - `mxdane check` options on the lab's dane-ee.test
# (one MX host, an IPv4 and an IPv6 address, a 3 1 1 record): the text
# report, colour only on a terminal and never with NO_COLOR, -4 and -6,
# --tlsa as a pre-publish test (right and wrong records), --host, --port,
# --require-dane on an unsigned domain, and several domains at once.
. "$TOP/tests/lib.sh"

T_TIMEOUT=120
var=${MXD_LAB_VAR:-$TOP/lab/var}
if [ ! -f "$var/lab.env" ]; then
	t_skip "check options" "no lab state"
	t_done
fi
# shellcheck disable=SC1091
. "$var/lab.env"
check=("$TOP/lab/exec" "$MXDANE" check --trust-anchor "$LAB_TA"
    --resolver "$LAB_RESOLVER" --timeout 5)
d=dane-ee.test
mx=mx1.dane-ee.test

t_run "${check[@]}" "$d"
cp "$OUT" "$T/text"
t_eq "text: exit 0 for a verified domain" "$STATUS" 0
t_grep "text: the verdict comes first" "^$d: DANE verified \\(ok\\)" \
    <(head -n 1 "$T/text")
t_grep "text: the MX host block" "^  MX 10 $mx: addresses secure" "$T/text"
t_grep "text: the TLSA record with its usability" \
    '^      3 1 1 [0-9a-f]{8}\.\.\.[0-9a-f]{8}  usable$' "$T/text"
t_grep "text: one line per address, with the match" \
    '^    127\.0\.10\.1 +pass +TLSv1\.[23] .*matched 3 1 1 .* at depth 0' \
    "$T/text"
t_grep "text: the IPv6 address too" '^    fd00:10::1 +pass' "$T/text"
t_nogrep "text: no colour into a file" $'\033' "$T/text"

if command -v script > /dev/null; then
	cmd=$(printf '%q ' "${check[@]}" "$d")
	t_run script -qec "$cmd" /dev/null
	t_grep "colour on a terminal" $'\033\\[32mverified' "$OUT"
	t_run env NO_COLOR=1 script -qec "$cmd" /dev/null
	t_nogrep "no colour with NO_COLOR" $'\033\\[' "$OUT"
else
	t_skip "colour on a terminal" "no script(1)"
fi

t_run "${check[@]}" --json -4 "$d"
t_eq "-4: only IPv4" "$(jq -r '[.mx[].addresses[].address] | join(" ")' \
    "$OUT")" "127.0.10.1"
t_run "${check[@]}" --json -6 "$d"
t_eq "-6: only IPv6" "$(jq -r '[.mx[].addresses[].address] | join(" ")' \
    "$OUT")" "fd00:10::1"

# Pre-publish: the record that matches passes, another one fails.
t_run "${check[@]}" --json -4 "$d"
rec=$(jq -r '.mx[0].addresses[0].matched' "$OUT")
t_run "${check[@]}" --json -4 --tlsa "$rec" "$d"
t_eq "--tlsa with the right record: pass" \
    "$(jq -r '.mx[0].addresses[0].dane' "$OUT")" "pass"
t_grep "--tlsa: said in the findings" 'tlsa-from-command-line' "$OUT"
wrong="3 1 1 $(printf '%064d' 0)"
t_run "${check[@]}" --json -4 --tlsa "$wrong" "$d"
t_eq "--tlsa with a wrong record: fail" \
    "$(jq -r '.mx[0].addresses[0].dane' "$OUT")" "fail"
t_eq "--tlsa with a wrong record: exit 2" "$STATUS" 2
t_run "${check[@]}" --json --tlsa "$rec" --host 127.0.10.1
t_eq "--host ADDRESS with --tlsa: pass" \
    "$(jq -r '.mx[0].addresses[0].dane' "$OUT")" "pass"
t_run "${check[@]}" --json --host "$mx"
t_eq "--host NAME: no MX lookup, the host checked" \
    "$(jq -r '[.mx[0].host, .mx[0].preference, .mx[0].tlsa_state] |
    join(" ")' "$OUT")" "$mx -1 usable"

# Another port: the TLSA owner follows it (none there), connect fails.
t_run "${check[@]}" --json -4 --timeout 2 --port 2525 "$d"
t_eq "--port: TLSA owner _2525._tcp" \
    "$(jq -r '.mx[0].tlsa_owner' "$OUT")" "_2525._tcp.$mx"

# Unsigned: a warning, critical with --require-dane.
t_run "${check[@]}" unsigned.test
t_eq "unsigned: exit 1" "$STATUS" 1
t_run "${check[@]}" --require-dane unsigned.test
t_eq "unsigned with --require-dane: exit 2" "$STATUS" 2

# A TLS 1.0-only server fails (RFC 8996); --legacy-tls shows it, labelled.
t_run "${check[@]}" tls10-only.test
t_eq "TLS 1.0 only: exit 2" "$STATUS" 2
t_run "${check[@]}" --legacy-tls tls10-only.test
t_grep "--legacy-tls: the handshake is labelled legacy" \
    'TLSv1(\.1)? \(legacy, RFC 8996\)' "$OUT"

# Several domains: one JSON line each, in the order given; worst status.
t_run "${check[@]}" --json unsigned.test "$d" null-mx.test
t_eq "several domains: in order" "$(jq -r .domain "$OUT" | tr '\n' ' ')" \
    "unsigned.test $d null-mx.test "
t_eq "several domains: exit is the worst status" "$STATUS" 1
t_done
