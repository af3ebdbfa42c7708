#!/usr/bin/env bash
# dns_lab.sh - dns/ against the lab's signed hierarchy: each answer class
# (secure data, secure NXDOMAIN and NODATA, insecure, bogus with the
# validator's reason), CNAME chains read from the answer packet, the CNAME
# query for the first link, recursion from the lab root, the fall-back
# from a forwarder that does not serve DNSSEC, and a trust anchor that
# does not match (tests/tools/dnsq prints one classified answer).
. "$TOP/tests/lib.sh"

T_TIMEOUT=60
var=${MXD_LAB_VAR:-$TOP/lab/var}
q=$BUILD/tools/dnsq
if [ ! -f "$var/lab.env" ] || [ ! -x "$q" ]; then
	t_skip "dns against the lab" "no lab state or no $q"
	t_done
fi
# shellcheck disable=SC1091
. "$var/lab.env"

# ask DESC REGEX ARGS... - one lookup; its answer line matches REGEX
ask() {
	local desc=$1 re=$2
	shift 2
	t_run "$TOP/lab/exec" "$q" -t 5000 "$@"
	tail -n 1 "$OUT" > "$T/answer"
	t_grep "$desc" "$re" "$T/answer"
}

fwd=("$LAB_TA" "$LAB_RESOLVER")
ask "MX of a signed domain is secure data" \
    '^dane-ee\.test 15 secure rcode=0 havedata=1 .*nrr=1' \
    "${fwd[@]}" dane-ee.test 15
ask "a missing name is a secure NXDOMAIN" \
    ' 1 secure rcode=3 havedata=0 nxdomain=1' \
    "${fwd[@]}" no-such-name.dane-ee.test 1
ask "a missing type is a secure NODATA" \
    ' 16 secure rcode=0 havedata=0 nxdomain=0' \
    "${fwd[@]}" mx1.dane-ee.test 16
ask "an unsigned zone is insecure" \
    '^unsigned\.test 15 insecure rcode=0 havedata=1' \
    "${fwd[@]}" unsigned.test 15
ask "a DS that matches no key is bogus, with the reason" \
    ' bogus .*why=validation failure' \
    "${fwd[@]}" ds-mismatch.test 15
ask "expired TLSA signatures are bogus (NOERROR with data)" \
    ' 52 bogus rcode=0 havedata=1 .*signature expired' \
    "${fwd[@]}" _25._tcp.mx1.expired-tlsa.test 52
ask "an MX host behind a CNAME: chain and canonical name" \
    'canon=mx1\.mx-cname\.test chain=mail\.mx-cname\.test>mx1\.mx-cname\.test' \
    "${fwd[@]}" mail.mx-cname.test 1
ask "a CNAME query gives the first link, secure" \
    ' 5 secure rcode=0 havedata=1 .*chain=mail\.mx-cname\.test>' \
    "${fwd[@]}" mail.mx-cname.test 5
ask "a TLSA owner behind a CNAME is followed, secure" \
    ' 52 secure rcode=0 havedata=1 .*chain=_25\._tcp\.mx1\.tlsa-cname\.test>' \
    "${fwd[@]}" _25._tcp.mx1.tlsa-cname.test 52
ask "recursion from the lab root validates too" \
    '^dane-ee\.test 15 secure rcode=0 havedata=1' \
    -r "$LAB_HINTS" "$LAB_TA" - dane-ee.test 15

# An authoritative server is no resolver: mxdane says so and recurses.
t_run "$TOP/lab/exec" "$q" -t 3000 -h "$LAB_HINTS" "$LAB_TA" "$LAB_NS_TLD" \
    dane-ee.test 15
t_grep "a forwarder without DNSSEC answers is named" \
    "^start 0 resolver $LAB_NS_TLD .*resolving from the root instead" "$OUT"
t_grep "... and recursion from the root takes over" \
    '^dane-ee\.test 15 secure rcode=0 havedata=1' "$OUT"

# A trust anchor for another root key: DNS cannot work, said plainly.
sed 's/IN[[:space:]]*DS[[:space:]]*\([0-9]*\)/IN DS 1\1/' "$LAB_TA" \
    > "$T/wrong.key"
t_run "$TOP/lab/exec" "$q" -t 3000 "$T/wrong.key" "$LAB_RESOLVER" \
    dane-ee.test 15
t_eq "a wrong trust anchor: exit 3" "$STATUS" 3
t_grep "a wrong trust anchor: the reason" \
    '^start -1002 .*root DNSKEY does not validate' "$OUT"
t_done
