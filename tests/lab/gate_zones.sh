#!/usr/bin/env bash
# gate_zones.sh - `mxdane rollover gate` on the lab's fixed scenario zones,
# for the answers the rollover of the dynamic zone (rollover.sh) does not
# meet: a TLSA RRset whose only signature has expired on the server (the
# server's copy is checked, not only the resolver's answer), a zone whose
# DS matches no key, an unsigned zone, a second nameserver with another
# RRset, an unreachable nameserver, and GO once two TTLs have passed.
# Exit statuses: 0 go, 1 wait, 2 critical, 3 unknown.
. "$TOP/tests/lib.sh"

var=${MXD_LAB_VAR:-$TOP/lab/var}
if [ ! -f "$var/lab.env" ]; then
	t_skip "gate on the lab zones" "no lab state"
	t_done
fi
# shellcheck disable=SC1091
. "$var/lab.env"
gate() {	# SCENARIO [ARGS...] - the gate for mx1.SCENARIO.test
	local s=$1
	shift
	t_run "$TOP/lab/exec" "$MXDANE" rollover gate --host "mx1.$s.test" \
	    --cert "$LAB_CERTS/$s.crt" --trust-anchor "$LAB_TA" \
	    --resolver "$LAB_RESOLVER" --timeout 5 "$@"
}
expect() {	# DESC STATUS REGEX - the last gate's status and a line
	t_eq "$1: exit $2" "$STATUS" "$2"
	t_grep "$1: says why" "$3" "$OUT"
}

gate expired-tlsa
expect "an expired signature on the server" 2 \
    'ns1\.nic\.test \(127\.0\.1\.3@53\): no valid signature - expired'
t_grep "expired signature: do not deploy" '^CRITICAL: do not deploy' "$OUT"

gate ds-mismatch
expect "a DS that matches no key" 2 'not known securely \(bogus'

gate unsigned
expect "an unsigned zone" 2 'not known securely \(insecure\)'

gate secondary-differs
expect "a nameserver with another RRset" 1 \
    'ns2\.nic\.test \(127\.0\.1\.4@53\): lacks the new record'
t_grep "another RRset: the other one serves it" \
    'ns1\.nic\.test \(127\.0\.1\.3@53\): serves it' "$OUT"

gate ns-unreachable --state "$T/unreach.state"
expect "an unreachable nameserver" 3 \
    'ns9\.nic\.test \(127\.0\.1\.99@53\): error - unreachable'

# Seen on every server: WAIT until 2 x TTL (3600 s) has passed since the
# first run that saw it, then GO. MXDANE_NOW dates that first run back.
now=$(date +%s)
t_run env MXDANE_NOW=$((now - 3600)) "$TOP/lab/exec" "$MXDANE" rollover \
    gate --host mx1.dane-ee.test --cert "$LAB_CERTS/dane-ee.crt" \
    --trust-anchor "$LAB_TA" --resolver "$LAB_RESOLVER" --timeout 5 \
    --state "$T/ee.state"
expect "the first sighting" 1 'the wait starts now'
gate dane-ee --state "$T/ee.state"
expect "half the wait" 1 'for 36[0-9][0-9] s of the 7200 s needed'
t_run env MXDANE_NOW=$((now - 7300)) "$TOP/lab/exec" "$MXDANE" rollover \
    gate --host mx1.dane-ee.test --cert "$LAB_CERTS/dane-ee.crt" \
    --trust-anchor "$LAB_TA" --resolver "$LAB_RESOLVER" --timeout 5 \
    --state "$T/ee2.state"
gate dane-ee --state "$T/ee2.state"
expect "two TTLs later" 0 '^GO: safe to deploy'
t_done
