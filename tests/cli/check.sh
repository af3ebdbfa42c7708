#!/usr/bin/env bash
# check.sh - `mxdane check` without network: usage errors (64), invalid
# names and records (65), DNS that cannot work (3), and the options the
# parser accepts (tests/cli/docs.sh checks them against the page).
. "$TOP/tests/lib.sh"

T_TIMEOUT=30

t_cmd "--help exits 0" 0 "$MXDANE" check --help
t_grep "--help shows the synopsis" '^usage:' "$OUT"
t_cmd "help check works too" 0 "$MXDANE" help check

t_cmd "no domain is a usage error" 64 "$MXDANE" check
t_oneline_err "no domain: one line"
t_cmd "unknown option" 64 "$MXDANE" check --frobnicate x.test
t_oneline_err "unknown option: one line"
t_cmd "--port 0" 64 "$MXDANE" check --port 0 x.test
t_cmd "--port 65536" 64 "$MXDANE" check --port 65536 x.test
t_cmd "--port abc" 64 "$MXDANE" check --port abc x.test
t_cmd "--timeout 0" 64 "$MXDANE" check --timeout 0 x.test
t_cmd "--timeout 301" 64 "$MXDANE" check --timeout 301 x.test
t_cmd "-4 with -6" 64 "$MXDANE" check -4 -6 x.test
t_oneline_err "-4 -6: one line"
t_cmd "unreadable --root-hints is UNKNOWN" 3 \
    "$MXDANE" check --recursive --root-hints "$T/no-hints" x.test
t_oneline_err "unreadable --root-hints: one line"
t_cmd "--resolver with --recursive" 64 \
    "$MXDANE" check --resolver 127.0.0.1 --recursive x.test
t_cmd "--tlsa without argument" 64 "$MXDANE" check x.test --tlsa

for bad in "exa mple.test" "a..b.test" "_25._tcp.mx.test" "-x.test" \
    "$(printf 'a%.0s' $(seq 1 64)).test" "x.test\tx"; do
	t_cmd "invalid domain '$bad' is bad data" 65 "$MXDANE" check -- "$bad"
	t_oneline_err "invalid domain '$bad': one line"
done
t_cmd "invalid --host is bad data" 65 "$MXDANE" check --host "mx..test"
t_cmd "bad --tlsa record is bad data" 65 \
    "$MXDANE" check --tlsa "3 1 1 zz" x.test
t_oneline_err "bad --tlsa: one line"
t_grep "bad --tlsa: names the option" 'tlsa' "$ERR"

# DNS that cannot work: UNKNOWN (3), one clear line, nothing on stdout.
t_cmd "missing trust anchor is UNKNOWN" 3 \
    "$MXDANE" check --trust-anchor "$T/none.key" x.test
t_oneline_err "missing trust anchor: one line"
t_grep "missing trust anchor: says so" 'trust anchor' "$ERR"
printf '.  3600000 IN NS a.root.test.\na.root.test. 3600000 IN A 192.0.2.1\n' \
    > "$T/hints"
t_cmd "unreachable root is UNKNOWN within the timeout" 3 \
    "$MXDANE" check --recursive --root-hints "$T/hints" --timeout 2 x.test
t_grep "unreachable root: explains" 'DNSSEC cannot be validated' "$ERR"
t_nogrep "unreachable root: no report" '.' "$OUT"
t_cmd "bad --resolver address" 64 \
    "$MXDANE" check --resolver "not an address" x.test

t_done
