#!/usr/bin/env bash
# findings.sh - every finding of `mxdane check` (docs/findings.md) on the
# lab: the scenario that triggers it reports it, by code, and the good
# scenario (dane-ee.test) reports none at all, exits 0 and prints no
# findings section. Every code of the table must be either triggered here
# or listed, with the reason, among those without a lab scenario, so that
# a new code cannot go untested silently. Also: the rollover scheme per
# host, and the exit status that findings raise.
. "$TOP/tests/lib.sh"

T_TIMEOUT=180
var=${MXD_LAB_VAR:-$TOP/lab/var}
if [ ! -f "$var/lab.env" ]; then
	t_skip "findings" "no lab state"
	t_done
fi
if ! command -v jq > /dev/null; then
	t_skip "findings" "no jq"
	t_done
fi
# shellcheck disable=SC1091
. "$var/lab.env"
check=("$TOP/lab/exec" "$MXDANE" check --trust-anchor "$LAB_TA"
    --resolver "$LAB_RESOLVER" --root-hints "$LAB_HINTS" --timeout 5)

# CODE SCENARIO-DOMAIN: the trigger of each finding.
triggers="
no-rollover-record	dane-ta.test
tlsa-ttl	long-ttl.test
tlsa-selector-0	dane-ee-cert.test
tlsa-pkix-usage	pkix-only.test
tlsa-malformed	bad-length.test
tlsa-digest-agility	digest-agility.test
tlsa-group-mismatch	wrong-digest.test
tlsa-leaf-group-mismatch	stale-leaf.test
dane-ta-chain-missing	dane-ta-noissuer.test
key-alg-mismatch	rsa-ecdsa-partial.test
shared-key	same-key.test
tls-no-modern	tls10-only.test
tls-legacy-accepted	rollover-next.test
starttls-missing	no-starttls.test
starttls-refused	starttls-refused.test
tlsa-servers-differ	secondary-differs.test
ns-unreachable	ns-unreachable.test
ns-lame	ns-lame.test
ns-serial-differs	serial-lag.test
tlsa-ent-nxdomain	ent-nxdomain.test
mx-cname	mx-cname.test
dnssec-domain-unsigned	unsigned.test
dnssec-host-unsigned	mx-insecure-host.test
dnssec-bogus	expired-tlsa.test
dnssec-bogus	ds-mismatch.test
dnssec-sig-expiring	sig-expiring.test
cert-ta-expired	ta-expired.test
cert-ta-expiring	ta-expiring.test
cert-ee-expiry	dane-ee-expired.test
mta-sts-present	coexist.test
tls-rpt-present	coexist.test
cert-rsa-small	rsa-small.test
null-mx-mixed	null-mx-mixed.test
mx-too-many	mx-too-many.test
insecure-mx-with-tlsa	insecure-mx.test
tlsa-insecure	tlsa-insecure.test
mx-malformed	mx-malformed.test
"
# Codes without a lab scenario of their own, and why.
untriggered="
tlsa-from-command-line	--tlsa, below and in check_options.sh
"

# Every scenario at once, as one invocation (the engine's real use).
domains=$(printf '%s\n' "$triggers" | awk 'NF { print $2 }' | sort -u)
t_run "${check[@]}" --json dane-ee.test $domains
cp "$OUT" "$T/all.json"
n=$(wc -l < "$T/all.json" | tr -d ' ')
t_eq "one JSON line per domain" "$n" $(($(printf '%s\n' $domains |
    wc -l) + 1))

codes_of() {
	jq -r --arg d "$1" 'select(.domain == $d) | .findings[].code' \
	    "$T/all.json" | sort -u
}

# Each trigger reports its code.
while IFS=$'\t' read -r code dom; do
	[ -n "$code" ] || continue
	if codes_of "$dom" | grep -qx -- "$code"; then
		ok "$dom reports $code"
	else
		not_ok "$dom reports $code"
		printf '#   codes: %s\n' "$(codes_of "$dom" | tr '\n' ' ')"
	fi
done <<< "$triggers"

# The good scenario reports nothing, and each finding's code is absent.
good=$(codes_of dane-ee.test | tr '\n' ' ')
t_eq "dane-ee.test (the good scenario) has no findings" "$good" ""
"$MXDANE" check --list-findings | sed -n 's/^## //p' > "$T/table"
while read -r code; do
	if codes_of dane-ee.test | grep -qx -- "$code"; then
		not_ok "dane-ee.test does not report $code"
	else
		ok "dane-ee.test does not report $code"
	fi
done < "$T/table"

# Every code of the table is triggered above or says why not.
while read -r code; do
	if printf '%s\n' "$triggers" | cut -f1 | grep -qx -- "$code"; then
		ok "$code has a lab trigger"
	elif printf '%s\n' "$untriggered" | cut -f1 | grep -qx -- "$code"; then
		ok "$code has no lab scenario, and says why"
	else
		not_ok "$code is neither triggered nor explained"
	fi
done < "$T/table"
t_eq "the table has every code this test knows" "$(sort -u "$T/table" |
    wc -l | tr -d ' ')" "$(printf '%s\n%s\n' "$triggers" "$untriggered" |
    awk -F'\t' 'NF { print $1 }' | sort -u | wc -l | tr -d ' ')"

# The contract of each finding: code, severity, message, hint, ref, host.
t_eq "every finding has code, severity, message, hint and ref" "$(jq -r \
    '.findings[] | select((.code|test("^[a-z0-9]+(-[a-z0-9]+)*$")|not) or
    (.severity|IN("info","warning","critical")|not) or
    (.message|type) != "string" or (.hint|type) != "string" or
    (.ref|type) != "string") | .code' "$T/all.json" | head -n 1)" ""
t_eq "a host finding names its MX host" "$(jq -r \
    'select(.domain=="wrong-digest.test") | .findings[] |
    select(.code=="tlsa-group-mismatch") | .host' "$T/all.json")" \
    "mx1.wrong-digest.test"

# What the new scenarios' findings say, beyond their codes.
finding() {	# DOMAIN CODE FIELD
	jq -r --arg d "$1" --arg c "$2" 'select(.domain == $d) |
	    .findings[] | select(.code == $c) | .'"$3" "$T/all.json" |
	    head -n 1
}
finding rsa-small.test cert-rsa-small message > "$T/rsa-small.msg"
t_grep "cert-rsa-small names the address and the key size" \
    '^127\.0\.10\.60 presents a certificate with a 1024-bit RSA key' \
    "$T/rsa-small.msg"
t_eq "rsa-small.test: the matching 1024-bit key authenticates (level 1)" \
    "$(jq -r 'select(.domain=="rsa-small.test") | .mx[0].addresses[0] |
    "\(.dane) \(.chain[0].key_alg) \(.chain[0].key_bits)"' "$T/all.json")" \
    "pass RSA 1024"
t_eq "null-mx-mixed is critical (Postfix bounces)" \
    "$(finding null-mx-mixed.test null-mx-mixed severity)" critical
t_eq "mx-too-many.test: 16 of its 17 MX hosts are checked" \
    "$(jq -r 'select(.domain=="mx-too-many.test") | [(.mx | length),
    (.mx | map(.host) | index("mx17.mx-too-many.test"))] |
    map(tostring) | join(" ")' "$T/all.json")" "16 null"
finding tlsa-insecure.test tlsa-insecure message > "$T/tlsa-insecure.msg"
t_grep "tlsa-insecure names the CNAME target" \
    'a CNAME to 3\.1\.1\._dane\.tlsa-target\.test,' \
    "$T/tlsa-insecure.msg"
t_eq "insecure-mx.test: the host's records still match (RFC 7672 §2.2.1)" \
    "$(jq -r 'select(.domain=="insecure-mx.test") |
    "\(.dane) \(.mx[0].addresses[0].dane)"' "$T/all.json")" "none pass"

# The rollover scheme of each host (internet.nl's names).
scheme() {
	jq -r --arg d "$1" 'select(.domain == $d) | .mx[0].rollover' \
	    "$T/all.json"
}
t_eq "dane-ee.test: current+next" "$(scheme dane-ee.test)" current+next
t_eq "stale-leaf.test: current+issuer" "$(scheme stale-leaf.test)" \
    current+issuer
t_eq "dane-ta.test: none (one record)" "$(scheme dane-ta.test)" none

# Findings raise the exit status to their severity; info does not.
t_cmd "dane-ee.test: exit 0" 0 "${check[@]}" dane-ee.test
t_nogrep "dane-ee.test: no findings section" '^  findings:' "$OUT"
t_nogrep "dane-ee.test: no notes" 'note ' "$OUT"
t_cmd "coexist.test (info findings only): exit 0" 0 "${check[@]}" \
    coexist.test
t_grep "coexist.test: info findings are notes" \
    '^  note tls-rpt-present: ' "$OUT"
t_nogrep "coexist.test: no findings section" '^  findings:' "$OUT"
t_cmd "ns-lame.test (verified, a warning): exit 1" 1 "${check[@]}" \
    ns-lame.test
t_cmd "ent-nxdomain.test (verified, a critical finding): exit 2" 2 \
    "${check[@]}" ent-nxdomain.test

# Text: critical findings first, under the host they concern.
t_cmd "wrong-digest.test: exit 2" 2 "${check[@]}" wrong-digest.test
sed -n '/^  findings:/,$p' "$OUT" > "$T/sect"
t_grep "the findings section opens with the critical ones, by host" \
    '^    critical, mx1\.wrong-digest\.test:$' <(sed -n 2p "$T/sect")
first_warn=$(grep -n '^    warning' "$T/sect" | head -n 1 | cut -d: -f1)
last_crit=$(grep -n '^    critical' "$T/sect" | tail -n 1 | cut -d: -f1)
if [ -n "$first_warn" ] && [ -n "$last_crit" ] &&
    [ "$last_crit" -lt "$first_warn" ]; then
	ok "warnings come after every critical finding"
else
	not_ok "warnings come after every critical finding"
	diag "$T/sect"
fi

# --tlsa: the records checked are said to come from the command line.
t_run "${check[@]}" --json --tlsa "3 1 1 $(printf '%064d' 0)" dane-ee.test
t_eq "--tlsa: tlsa-from-command-line" "$(jq -r '[.findings[].code] |
    index("tlsa-from-command-line") != null' "$OUT")" true
t_done
