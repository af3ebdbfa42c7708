#!/usr/bin/env bash
# engine_limits.sh - the engine's queues: every lab domain checked with
# one query, one probe and one domain in flight at a time gives exactly
# the results of a run with the default limits, and both finish every
# domain (tests/tools/engine_run prints one line per domain).
. "$TOP/tests/lib.sh"

T_TIMEOUT=300
var=${MXD_LAB_VAR:-$TOP/lab/var}
run=$BUILD/tools/engine_run
if [ ! -f "$var/lab.env" ] || [ ! -x "$run" ]; then
	t_skip "engine limits" "no lab state or no $run"
	t_done
fi
# shellcheck disable=SC1091
. "$var/lab.env"
cat=$TOP/lab/scenarios.tsv
c=$(grep -v '^#' "$cat" 2>/dev/null | head -n 1 | tr '\t' '\n' |
    grep -n -i -x 'domain' | head -n 1 | cut -d: -f1)
domains=()
if [ -n "$c" ]; then
	mapfile -t domains < <(grep -v '^#' "$cat" | tail -n +2 |
	    cut -f "$c" | grep -E '^[a-z0-9.-]+$')
fi
if [ "${#domains[@]}" -eq 0 ]; then
	t_skip "engine limits" "no domains in the catalogue"
	t_done
fi
t_run "$TOP/lab/exec" "$run" "$LAB_TA" "$LAB_RESOLVER" 1 1 1 "${domains[@]}"
sort "$OUT" > "$T/serial"
t_eq "one at a time: exit 0" "$STATUS" 0
t_lines "one at a time: every domain finished" "${#domains[@]}" "$T/serial"
t_run "$TOP/lab/exec" "$run" "$LAB_TA" "$LAB_RESOLVER" 0 0 0 "${domains[@]}"
sort "$OUT" > "$T/parallel"
t_eq "default limits: exit 0" "$STATUS" 0
if diff -u "$T/serial" "$T/parallel" > "$T/diff"; then
	ok "queueing changes no result"
else
	not_ok "queueing changes results"
	diag "$T/diff"
fi
t_done
