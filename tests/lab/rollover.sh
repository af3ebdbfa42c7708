#!/usr/bin/env bash
# rollover.sh - a whole rollover on the lab's roll.test (Knot DNS primary
# taking TSIG-signed updates, a secondary that lags LAB_DYN_LAG seconds):
# mail.roll.test goes from key A to key B with "current + next", then from
# B to C with "current + issuer". At every step `mxdane check` must say
# verified; the gate must say WAIT while the secondary lags and while two
# TTLs have not passed, then GO; retire must refuse before the switch and
# remove the old record after it. Negative: a certificate deployed before
# its record is published fails `mxdane check`; a wrong TSIG key changes
# nothing. The mail server is a labsmtpd of this test, on the address of
# mail.roll.test, restarted by PID with another certificate.
. "$TOP/tests/lib.sh"

T_TIMEOUT=60
var=${MXD_LAB_VAR:-$TOP/lab/var}
if [ ! -f "$var/lab.env" ]; then
	t_skip "rollover" "no lab state"
	t_done
fi
# shellcheck disable=SC1091
. "$var/lab.env"
if [ -z "${LAB_DYN_KEY:-}" ] || [ ! -f "$LAB_DYN_KEY" ]; then
	t_skip "rollover" "the lab has no dynamic zone"
	t_done
fi
SMTPD=$BUILD/tools/labsmtpd
if [ ! -x "$SMTPD" ]; then
	t_skip "rollover" "labsmtpd not built"
	t_done
fi
X="$TOP/lab/exec"
HOST=mail.roll.test
ADDR=127.0.10.240
OWNER=_25._tcp.$HOST
DNSOPT=(--trust-anchor "$LAB_TA" --resolver "$LAB_RESOLVER" --timeout 5)
PUB=("$X" "$MXDANE" publish --zone roll.test --server "$LAB_NS_DYN1"
    --tsig-key "$LAB_DYN_KEY" --host "$HOST" --ttl 5)
GATE=("$X" "$MXDANE" rollover gate --host "$HOST" "${DNSOPT[@]}"
    --state "$T/state")
smtpd_pid=""

cleanup() {
	if [ -n "${hole_pid:-}" ]; then
		kill "$hole_pid" 2>/dev/null
	fi
	if [ -n "$smtpd_pid" ]; then
		kill "$smtpd_pid" 2>/dev/null
		wait "$smtpd_pid" 2>/dev/null
	fi
	return 0
}
trap cleanup EXIT

# cert NAME [KEY] - a leaf for mail.roll.test from the lab's intermediate;
# NAME.chain is the leaf and the intermediate
cert() {
	local n=$1 key=${2:-}
	if [ -z "$key" ]; then
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		    -out "$T/$n.key" 2>/dev/null
		key=$T/$n.key
	fi
	openssl req -new -key "$key" -subj "/CN=$HOST" -out "$T/$n.csr" &&
	    printf 'subjectAltName=DNS:%s\n' "$HOST" > "$T/ext" &&
	    openssl x509 -req -in "$T/$n.csr" -CA "$LAB_CERTS/ca-int.crt" \
	    -CAkey "$LAB_CERTS/ca-int.key" -CAcreateserial -days 30 \
	    -extfile "$T/ext" -out "$T/$n.crt" 2>/dev/null &&
	    cat "$T/$n.crt" "$LAB_CERTS/ca-int.crt" > "$T/$n.chain" &&
	    cp "$key" "$T/$n.pem.key"
}

# serve NAME - (re)start the mail server with certificate NAME, by PID
serve() {
	local i
	if [ -n "$smtpd_pid" ]; then
		kill "$smtpd_pid" 2>/dev/null
		wait "$smtpd_pid" 2>/dev/null
		smtpd_pid=""
	fi
	rm -f "$T/smtpd.pid"
	"$X" "$SMTPD" --listen "$ADDR:25" --cert "$T/$1.chain" \
	    --key "$T/$1.pem.key" --hostname "$HOST" --pidfile "$T/smtpd.pid" \
	    --idle-timeout 10 --log "$T/smtpd.log" </dev/null 2>/dev/null &
	smtpd_pid=$!
	for i in $(seq 1 50); do
		[ -f "$T/smtpd.pid" ] && return 0
		sleep 0.1
	done
	return 1
}

# verdict [WANT] - check's domain verdict for the host; the details on
# stderr when it is not WANT (verified)
verdict() {
	timeout 40 "$X" "$MXDANE" check --json "${DNSOPT[@]}" --host "$HOST" \
	    2>/dev/null > "$T/check.json"
	jq -r .dane "$T/check.json"
	if [ "$(jq -r .dane "$T/check.json")" != "${1:-verified}" ]; then
		{
			date +%s
			jq -c '.mx[] | [.tlsa, .addresses[].error]' \
			    "$T/check.json"
			"$X" dig "$OWNER" TLSA @"$LAB_RESOLVER" |
			    grep -E 'IN.TLSA|status'
		} | sed 's/^/#   /' >&2
	fi
}

# wait_rrset N - until the resolver's and every server's RRset has N
# records (bounded: the TTL is 5 s, the secondary lags 3 s)
wait_rrset() {
	local i a b c
	for i in $(seq 1 40); do
		a=$("$X" dig +short "$OWNER" TLSA @"$LAB_RESOLVER" | wc -l)
		b=$("$X" dig +short +norec "$OWNER" TLSA @"$LAB_NS_DYN1" | wc -l)
		c=$("$X" dig +short +norec "$OWNER" TLSA @"$LAB_NS_DYN2" | wc -l)
		[ "$a" = "$1" ] && [ "$b" = "$1" ] && [ "$c" = "$1" ] &&
		    return 0
		sleep 0.5
	done
	return 1
}

# gate_until_everywhere - run the gate until every server serves the
# record (it then waits for the TTLs); bounded
gate_until_everywhere() {
	local i
	for i in $(seq 1 30); do
		t_run "${GATE[@]}" --cert "$1"
		[ "$STATUS" = 0 ] && return 0
		grep -q "on every nameserver for" "$OUT" && return 0
		sleep 0.5
	done
	return 1
}

# gate_go CERT - run the gate until it says GO; bounded
gate_go() {
	local i
	for i in $(seq 1 30); do
		t_run "${GATE[@]}" --cert "$1"
		[ "$STATUS" = 0 ] && return 0
		[ "$STATUS" = 1 ] || return 1
		sleep 1
	done
	return 1
}

primary_rrset() {
	"$X" dig +short +norec "$OWNER" TLSA @"$LAB_NS_DYN1" | tr -d ' ' | tr A-F a-f |
	    sort
}

cert a || { not_ok "certificates"; t_done; }

# --- The start: key A published and served. --------------------------
A=$("$MXDANE" tlsa "$T/a.crt" | head -n 1)
t_cmd "publish A (replace whatever is there)" 0 "${PUB[@]}" replace "$A"
serve a || not_ok "labsmtpd with A starts"
wait_rrset 1 || not_ok "A reaches every server"
t_eq "start: check says verified with A" "$(verdict)" verified

# --- A wrong TSIG key changes nothing. -------------------------------
sed 's/secret "[^"]*"/secret "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="/' \
    "$LAB_DYN_KEY" > "$T/wrong.key"
before=$(primary_rrset)
t_cmd "wrong TSIG key: refused (78)" 78 "$X" "$MXDANE" publish --zone roll.test \
    --server "$LAB_NS_DYN1" --tsig-key "$T/wrong.key" --host "$HOST" \
    add "3 1 1 $(printf '%064d' 7)"
t_grep "wrong TSIG key: BADSIG said plainly" "BADSIG" "$ERR"
t_eq "wrong TSIG key: the RRset is unchanged" "$(primary_rrset)" "$before"

# --- current + next: the next key, the plan, publish. ----------------
t_cmd "next-key writes key B" 0 "$X" "$MXDANE" rollover next-key \
    --out "$T/b.key" --host "$HOST"
t_eq "next-key: mode 0600" "$(stat -c %a "$T/b.key")" 600
B=$(awk '{print $4, $5, $6, $7}' "$OUT")
t_cmd "next-key: never over an existing file (73)" 73 "$MXDANE" rollover \
    next-key --out "$T/b.key"
cert b "$T/b.key" || not_ok "certificate for key B"
t_eq "next-key's record is B's certificate's" \
    "$("$MXDANE" tlsa "$T/b.crt" | head -n 1)" "$B"

# Negative first: B deployed before its record exists fails, and the
# gate does not say GO for it.
serve b || not_ok "labsmtpd with B starts"
t_eq "deploying B before publishing: check says failed" "$(verdict failed)" failed
t_run "${GATE[@]}" --cert "$T/b.crt"
t_eq "gate for B before publishing: WAIT (1)" "$STATUS" 1
t_grep "gate says what is missing where" "ns4.nic.test .*lacks the new" "$OUT"
serve a || not_ok "labsmtpd back to A"
t_eq "back to A: verified" "$(verdict)" verified

t_cmd "plan current+next" 0 "$MXDANE" rollover plan --host "$HOST" \
    --cert "$T/a.crt" --next-key "$T/b.key" --ttl 5
t_grep "plan: A's record" "^$OWNER\\. IN TLSA $A\$" "$OUT"
t_grep "plan: B's record" "^$OWNER\\. IN TLSA $B\$" "$OUT"
t_grep "plan: the wait is twice the TTL" "10 s with TTL 5" "$OUT"

rm -f "$T/state"
t_cmd "publish B next to A" 0 "${PUB[@]}" add "$B"
t_run "${GATE[@]}" --cert "$T/b.crt"
t_eq "gate right after publishing: WAIT (1)" "$STATUS" 1
t_grep "gate: the lagging secondary lacks it, or the TTL has not passed" \
    "ns5.nic.test .*(has no TLSA|lacks)|wait [0-9]+ s more" "$OUT"
gate_until_everywhere "$T/b.crt" || not_ok "the secondary catches up"
t_eq "gate once everywhere: still WAIT for 2 x TTL" "$STATUS" 1
t_grep "gate: says how long" "wait [0-9]+ s more" "$OUT"
t_eq "A+B published, server A: verified" "$(verdict)" verified

# The fixed clock, on a copy of the state: a clock that went back
# restarts the wait; 2 x TTL after that, GO.
cp "$T/state" "$T/state.fixed"
now=$(date +%s)
t_run env MXDANE_NOW=$((now - 3600)) "${GATE[@]}" --cert "$T/b.crt" \
    --state "$T/state.fixed"
t_eq "gate: a clock that went back is WAIT" "$STATUS" 1
t_grep "gate: says the clock went back" "clock moved backwards" "$OUT"
t_run env MXDANE_NOW=$((now - 3600 + 9)) "${GATE[@]}" --cert "$T/b.crt" \
    --state "$T/state.fixed"
t_eq "gate: 9 s after the reset (2 x TTL = 10 s): WAIT" "$STATUS" 1
t_run env MXDANE_NOW=$((now - 3600 + 10)) "${GATE[@]}" --cert "$T/b.crt" \
    --state "$T/state.fixed"
t_eq "gate: 10 s after the reset: GO" "$STATUS" 0
# The real wait: resolvers may hold the old RRset, fetched from the
# lagging secondary, for one TTL; the gate waits for two.
gate_go "$T/b.crt" || not_ok "the gate says GO within 30 s"
t_grep "gate: GO" "^GO: safe to deploy" "$OUT"

t_run "$X" "$MXDANE" rollover retire --host "$HOST" --cert "$T/b.crt" \
    "${DNSOPT[@]}"
t_eq "retire before the switch: refused (1)" "$STATUS" 1
t_grep "retire: says which address presents the old key" \
    "$ADDR: still presents the old key" "$OUT"
t_eq "retire refused: both records still there" "$(primary_rrset | wc -l)" 2
t_cmd "publish remove A while the server presents A: refused (1)" 1 \
    "${PUB[@]}" --trust-anchor "$LAB_TA" --resolver "$LAB_RESOLVER" \
    remove "$A"
t_grep "publish: says which address" "refused: $HOST \\($ADDR\\) presents" \
    "$ERR"
t_eq "publish refused: both records still there" \
    "$(primary_rrset | wc -l)" 2

serve b || not_ok "labsmtpd switches to B"
t_eq "switched to B: verified" "$(verdict)" verified
t_cmd "retire A with --publish" 0 "$X" "$MXDANE" rollover retire \
    --host "$HOST" --cert "$T/b.crt" "${DNSOPT[@]}" --publish \
    --zone roll.test --server "$LAB_NS_DYN1" --tsig-key "$LAB_DYN_KEY"
t_grep "retire: names A's record" "^retire: $OWNER\\. IN TLSA $A\$" "$OUT"
t_grep "retire: removed it" "removed 1 record\\(s\\)" "$OUT"
wait_rrset 1 || not_ok "the removal reaches every server"
t_eq "after retiring A: only B" "$(primary_rrset)" "$(echo "$B" | tr -d ' ')"
t_eq "after retiring A: verified" "$(verdict)" verified

# --- current + issuer: B to C, from the same intermediate. ------------
t_cmd "plan current+issuer" 0 "$MXDANE" rollover plan --host "$HOST" \
    --cert "$T/b.crt" --chain "$T/b.chain" --ttl 5
I=$(awk '/IN TLSA 2 1 1/ {print $4, $5, $6, $7}' "$OUT")
t_eq "plan: the issuer's 2 1 1 is the intermediate's" "$I" \
    "$("$MXDANE" tlsa --usage 2 "$LAB_CERTS/ca-int.crt" | head -n 1)"
rm -f "$T/state"
t_cmd "publish the issuer's record next to B" 0 "${PUB[@]}" add "$I"
cert c || not_ok "certificate C"
gate_until_everywhere "$T/c.chain" || not_ok "issuer record everywhere"
t_eq "gate for C: WAIT until 2 x TTL" "$STATUS" 1
gate_go "$T/c.chain"
t_eq "gate for C after 2 x TTL: GO" "$STATUS" 0
t_eq "B + issuer, server B: verified" "$(verdict)" verified
serve c || not_ok "labsmtpd switches to C"
t_eq "switched to C: verified (by the issuer's record)" "$(verdict)" verified
t_cmd "retire with a wrong TSIG key: CRITICAL (2)" 2 "$X" "$MXDANE" rollover \
    retire --host "$HOST" --cert "$T/c.chain" "${DNSOPT[@]}" --publish \
    --zone roll.test --server "$LAB_NS_DYN1" --tsig-key "$T/wrong.key"
t_grep "retire: the server's BADSIG said plainly" "BADSIG" "$ERR"
t_eq "retire with a wrong key: nothing removed" "$(primary_rrset | wc -l)" 2
t_cmd "retire B's 3 1 1 with --publish" 0 "$X" "$MXDANE" rollover retire \
    --host "$HOST" --cert "$T/c.chain" "${DNSOPT[@]}" --publish \
    --zone roll.test --server "$LAB_NS_DYN1" --tsig-key "$LAB_DYN_KEY"
t_grep "retire: names B's record" "^retire: $OWNER\\. IN TLSA $B\$" "$OUT"
wait_rrset 1 || not_ok "the removal of B reaches every server"
t_eq "after retiring B: only the issuer's record" "$(primary_rrset)" \
    "$(echo "$I" | tr -d ' ')"
t_eq "after retiring B: verified" "$(verdict)" verified

# --- Faults: a third nameserver that times out, then one that is lame.
# The zone's NS set (TTL 5) gets ns6.roll.test through a signed update.
keyname=$(sed -n 's/^key "\([^"]*\)".*/\1/p' "$LAB_DYN_KEY")
secret=$(sed -n 's/.*secret "\([^"]*\)".*/\1/p' "$LAB_DYN_KEY")
nsupd() {
	printf 'server %s\nzone roll.test\n%s\nsend\n' "$LAB_NS_DYN1" "$1" |
	    timeout 10 "$X" nsupdate -y "hmac-sha256:$keyname:$secret"
}
BAD=127.0.1.8
hole_pid=""
"$X" "$BUILD/tools/blackhole" "$BAD" 53 40 > "$T/hole.out" &
hole_pid=$!
for i in $(seq 1 50); do
	grep -q ready "$T/hole.out" 2>/dev/null && break
	sleep 0.1
done
nsupd "update add ns6.roll.test. 5 A $BAD
update add roll.test. 5 NS ns6.roll.test." || not_ok "nsupdate adds ns6"
# wait_ns N - until the resolver's NS set of roll.test has N names
wait_ns() {
	local i
	for i in $(seq 1 30); do
		[ "$("$X" dig +short roll.test NS @"$LAB_RESOLVER" | wc -l)" = \
		    "$1" ] && return 0
		sleep 0.5
	done
	return 1
}
wait_ns 3 || not_ok "the resolver sees ns6"
cp "$T/state" "$T/state.before"
t_run "${GATE[@]}" --cert "$T/c.chain" --timeout 2
t_eq "gate with a nameserver that times out: UNKNOWN (3)" "$STATUS" 3
t_grep "gate names the server that timed out" \
    "ns6.roll.test \\($BAD@53\\): timed out" "$OUT"
t_grep "gate: do not deploy" "^UNKNOWN: do not deploy" "$OUT"
t_grep "gate: a timeout breaks the continuous wait" \
    "^host $HOST 0 [0-9]+\$" "$T/state"
kill "$hole_pid" 2>/dev/null
wait "$hole_pid" 2>/dev/null
hole_pid=""
nsupd "update delete ns6.roll.test. A
update add ns6.roll.test. 5 A $LAB_NS_PRIMARY" || not_ok "ns6 made lame"
for i in $(seq 1 30); do
	[ "$("$X" dig +short ns6.roll.test A @"$LAB_RESOLVER")" = \
	    "$LAB_NS_PRIMARY" ] && break
	sleep 0.5
done
t_run "${GATE[@]}" --cert "$T/c.chain" --timeout 2
t_eq "gate with a lame nameserver: CRITICAL (2)" "$STATUS" 2
t_grep "gate names the lame server" "ns6.roll.test .*: lame" "$OUT"
nsupd "update delete roll.test. NS ns6.roll.test.
update delete ns6.roll.test." || not_ok "ns6 removed"
wait_ns 2 || not_ok "the resolver forgets ns6"

t_done
