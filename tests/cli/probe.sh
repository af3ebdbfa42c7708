#!/usr/bin/env bash
# probe.sh - the SMTP/TLS/DANE probe (smtp/probe.h, through the probe1
# tool) against labsmtpd in each of its modes, with certificates made
# here; a few verdicts cross-checked with openssl s_client's DANE code.
. "$TOP/tests/lib.sh"
. "$TOP/tests/smtp_lib.sh"

PROBE1="$BUILD/tools/probe1"
C="$T/certs"
sh "$MKCERTS" "$C" mx.test || { not_ok "make test certificates"; t_done; }

# spki FILE / certhash FILE - TLSA x 1 1 and x 0 1 data of a certificate
spki() {
	openssl x509 -in "$1" -noout -pubkey |
	    openssl pkey -pubin -outform DER | openssl dgst -sha256 -r |
	    cut -c1-64
}
LEAF=$(spki "$C/rsa.pem")
ECLEAF=$(spki "$C/ec.pem")
EXPLEAF=$(spki "$C/expired.pem")
INT=$(spki "$C/int.pem")
ROOT=$(spki "$C/root.pem")
INTCERT=$(openssl x509 -in "$C/int.pem" -outform DER |
    openssl dgst -sha256 -r | cut -c1-64)
ZERO=$(printf '0%.0s' $(seq 64))

# probe DESC ARGS... - run probe1 against $P; result lines in $OUT
probe() {
	t_run "$PROBE1" --timeout 3000 "$@"
	if [ "$STATUS" != 0 ]; then
		not_ok "probe1 $* exited with $STATUS"
		diag "$ERR"
	fi
}
# field NAME - one value from the probe1 output
field() {
	sed -n "s/^$1 //p" "$OUT" | head -n 1
}
# expect DESC VERDICT [ERROR-REGEX] - check the verdict (and the reason)
expect() {
	t_eq "$1: $2" "$(field dane)" "$2"
	case ${3:-} in
	"") ;;
	^*) t_grep "$1: reason" "$3" "$OUT" ;;
	*) t_grep "$1: reason" "^error .*$3" "$OUT" ;;
	esac
}

# server NAME ARGS... - labsmtpd; sets P
server() {
	srv_start "$@" || { not_ok "start labsmtpd $1"; diag "$T/$1.err"; }
	P=$SRV_PORT
}

# --- DANE-EE -----------------------------------------------------------
server good --hostname mx.test --cert "$C/rsa-int.pem" --key "$C/rsa.key"
GOOD=$SRV_PID
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "3 1 1 of the leaf key" pass
t_eq "3 1 1: matched record" "$(field matched)" "3 1 1 $LEAF"
t_eq "3 1 1: depth 0" "$(field depth)" 0
t_eq "3 1 1: TLS 1.3" "$(field tls_version)" TLSv1.3
t_grep "banner recorded" '^banner 220 mx\.test ESMTP' "$OUT"
t_eq "chain as sent: 2 certificates" "$(field chain)" 2
t_grep "chain: leaf subject" '^cert 0 subject CN=mx\.test$' "$OUT"
t_grep "chain: leaf key RSA 2048" '^cert 0 key RSA 2048$' "$OUT"
t_grep "chain: leaf SPKI digest" "^cert 0 spki_sha256 $LEAF\$" "$OUT"
t_grep "chain: issuer" '^cert 1 subject CN=mxdane test intermediate$' "$OUT"
t_eq "error empty on pass" "$(field error)" ""
t_eq "the handshake callback ran once, with the chain and the match" \
    "$(field on_tls)" "1 TLSv1.3 chain 2 pass"

probe 127.0.0.1 "$P" mx.test "3 1 1 $ZERO"
expect "3 1 1 wrong digest" fail \
    "TLSA 3 1 1 00000000\.\.\.00000000 matches no certificate in the chain: leaf key is $LEAF"
t_eq "wrong digest: X509_V_ERR_DANE_NO_MATCH" "$(field verify_error)" 65
t_eq "wrong digest: TLS still recorded" "$(field tls)" 1

probe 127.0.0.1 "$P" mx.test "3 1 1 $ZERO" "3 1 1 $LEAF"
expect "a wrong and a right record" pass

probe 127.0.0.1 "$P" mx.test "3 0 1 $(openssl x509 -in "$C/rsa.pem" \
    -outform DER | openssl dgst -sha256 -r | cut -c1-64)"
expect "3 0 1 of the leaf certificate" pass

SPKIDER=$(openssl x509 -in "$C/rsa.pem" -noout -pubkey |
    openssl pkey -pubin -outform DER | od -An -tx1 | tr -d ' \n')
probe 127.0.0.1 "$P" mx.test "3 1 0 $SPKIDER"
expect "3 1 0, the whole key" pass
t_grep "3 1 0: long data shown as head...tail" \
    "^matched 3 1 0 ${SPKIDER:0:32}\.\.\.${SPKIDER: -32}\$" "$OUT"
probe 127.0.0.1 "$P" mx.test "3 1 0 ${SPKIDER}00"
expect "3 1 0 with a trailing byte: OpenSSL refuses it" unusable

probe 127.0.0.1 "$P" other.invalid "3 1 1 $LEAF"
expect "DANE-EE ignores names (SNI other.invalid)" pass

# Usages 0/1 and malformed records never reach OpenSSL.
probe 127.0.0.1 "$P" mx.test "1 1 1 $LEAF" "3 1 1 abcd"
expect "only unusable records: TLS without authentication" unusable
t_eq "only unusable records: TLS up" "$(field tls)" 1
probe 127.0.0.1 "$P" mx.test "0 1 1 $INT" "2 1 1 $INT"
expect "usage 0 dropped, 2 1 1 still used" pass

# --- DANE-TA -----------------------------------------------------------
probe 127.0.0.1 "$P" mx.test "2 1 1 $INT"
expect "2 1 1 of the intermediate" pass
t_eq "2 1 1: depth 1" "$(field depth)" 1
probe 127.0.0.1 "$P" mx.test "2 0 1 $INTCERT"
expect "2 0 1 of the intermediate" pass
probe 127.0.0.1 "$P" mx.test "2 1 1 $ROOT"
expect "2 1 1 of a root the server does not send" fail \
    "matches no issuer in the chain: issuer key is $INT"
probe 127.0.0.1 "$P" mx.test "2 1 1 $LEAF"
expect "a TA record matching the leaf is not a trust anchor" fail
probe 127.0.0.1 "$P" mx.test "3 1 1 $INT"
expect "an EE record matching the issuer does not count" fail
srv_stop "$GOOD"

server full --cert "$C/rsa-full.pem" --key "$C/rsa.key"
probe 127.0.0.1 "$P" mx.test "2 1 1 $ROOT"
expect "2 1 1 of the root, full chain sent" pass
t_eq "2 1 1 of the root: depth 2" "$(field depth)" 2
t_eq "full chain: 3 certificates" "$(field chain)" 3
srv_stop "$SRV_PID"

server leafonly --cert "$C/rsa-leaf.pem" --key "$C/rsa.key"
probe 127.0.0.1 "$P" mx.test "2 1 1 $INT"
expect "2 1 1 with the issuer omitted" fail \
    "matches no certificate in the chain: the server sent only its leaf"
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "leaf only, 3 1 1" pass
srv_stop "$SRV_PID"

server other --cert "$C/other-int.pem" --key "$C/other.key"
probe 127.0.0.1 "$P" mx.test "2 1 1 $INT"
expect "2 1 1, certificate for another name" fail \
    "DANE-TA: no name in the certificate matches mx\.test"
t_eq "name mismatch: X509_V_ERR_HOSTNAME_MISMATCH" "$(field verify_error)" 62
probe --name next-hop.test --name other.invalid 127.0.0.1 "$P" mx.test \
    "2 1 1 $INT"
expect "2 1 1, the name is another reference identifier" pass
srv_stop "$SRV_PID"

server expired --cert "$C/expired-int.pem" --key "$C/expired.key"
probe 127.0.0.1 "$P" mx.test "3 1 1 $EXPLEAF"
expect "expired leaf, 3 1 1 (dates ignored)" pass
probe 127.0.0.1 "$P" mx.test "2 1 1 $INT"
expect "expired leaf, 2 1 1" fail "DANE-TA chain: certificate has expired \(certificate at depth 0"
srv_stop "$SRV_PID"

# --- RSA and ECDSA at once, version pinning ----------------------------
server dual --cert "$C/rsa-int.pem" --key "$C/rsa.key" \
    --cert "$C/ec-int.pem" --key "$C/ec.key"
probe --key rsa 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "RSA key asked, RSA record" pass
probe --key ecdsa 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "ECDSA key asked, only the RSA record" fail "leaf key is $ECLEAF"
t_grep "ECDSA key asked: EC leaf" '^cert 0 key EC 256$' "$OUT"
probe --key ecdsa --tls 1.2 127.0.0.1 "$P" mx.test "3 1 1 $ECLEAF"
expect "ECDSA in TLS 1.2" pass
t_eq "pinned TLS 1.2" "$(field tls_version)" TLSv1.2
t_grep "ECDSA suite in TLS 1.2" '^cipher ECDHE-ECDSA' "$OUT"
probe --key rsa --tls 1.2 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
t_grep "RSA suite in TLS 1.2" '^cipher ECDHE-RSA' "$OUT"
srv_stop "$SRV_PID"

# --- long chains ------------------------------------------------------------
# 60 copies of the intermediate (~60 KB): sent, recorded up to the cap.
{ cat "$C/rsa.pem"; for i in $(seq 60); do cat "$C/int.pem"; done; } \
    > "$C/long.pem"
server longchain --cert "$C/long.pem" --key "$C/rsa.key"
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "chain of 61 certificates, 3 1 1" pass
t_eq "chain of 61: 32 recorded" "$(field chain)" 32
srv_stop "$SRV_PID"
# 300 copies (~300 KB): over OpenSSL's limit on the certificate message.
{ cat "$C/rsa.pem"; for i in $(seq 300); do cat "$C/int.pem"; done; } \
    > "$C/huge.pem"
server hugechain --cert "$C/huge.pem" --key "$C/rsa.key"
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "chain of 301 certificates" fail "^error TLS handshake: "
srv_stop "$SRV_PID"

# --- IPv6 ------------------------------------------------------------------
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	SRV_V6=1 server v6 --cert "$C/rsa-int.pem" --key "$C/rsa.key"
	probe ::1 "$P" mx.test "3 1 1 $LEAF"
	expect "IPv6 address" pass
	t_eq "IPv6: address recorded" "$(field address)" "::1"
	srv_stop "$SRV_PID"
else
	t_skip "IPv6 address" "no ::1 on lo"
fi

# --- many at once -----------------------------------------------------------
server many --max-conns 200 --cert "$C/rsa-int.pem" --key "$C/rsa.key"
t_run "$PROBE1" --count 100 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
t_eq "100 probes on one loop: exit 0" "$STATUS" 0
t_grep "100 probes on one loop: all pass" \
    '^probes 100 pass 100 fail 0 unusable 0 none 0 ms ' "$OUT"
srv_stop "$SRV_PID"

# --- modes of the sender ------------------------------------------------
server good2 --cert "$C/rsa-int.pem" --key "$C/rsa.key"
probe --mode encrypt 127.0.0.1 "$P" mx.test
expect "mode encrypt, TLS works" unusable
probe --mode opportunistic 127.0.0.1 "$P" -
expect "mode opportunistic" none
t_eq "opportunistic: TLS details recorded" "$(field tls)" 1
srv_stop "$SRV_PID"

# --- servers that fail ---------------------------------------------------
server nostarttls --mode no-starttls --cert "$C/rsa-int.pem" \
    --key "$C/rsa.key"
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "no STARTTLS, usable TLSA" fail "^error STARTTLS not offered$"
t_eq "no STARTTLS: starttls 0" "$(field starttls)" 0
t_eq "no STARTTLS: no handshake callback" "$(field on_tls)" "0"
probe --mode encrypt 127.0.0.1 "$P" mx.test
expect "no STARTTLS, mode encrypt" fail
probe --mode opportunistic 127.0.0.1 "$P" mx.test
expect "no STARTTLS, opportunistic" none
srv_stop "$SRV_PID"

server refused --mode starttls-refused --cert "$C/rsa-int.pem" \
    --key "$C/rsa.key"
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "STARTTLS answered 454" fail \
    "^error STARTTLS refused: 454 4\.7\.0 TLS not available"
srv_stop "$SRV_PID"

server hsfail --mode handshake-fail --cert "$C/rsa-int.pem" \
    --key "$C/rsa.key"
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "garbage instead of a ServerHello" fail "^error TLS handshake: "
t_eq "handshake failure: tls 0" "$(field tls)" 0
t_eq "handshake failure: no handshake callback" "$(field on_tls)" "0"
srv_stop "$SRV_PID"

server stall --mode handshake-stall --cert "$C/rsa-int.pem" \
    --key "$C/rsa.key"
start=$(date +%s%N)
t_run "$PROBE1" --timeout 1500 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
el=$((($(date +%s%N) - start) / 1000000))
expect "handshake stall" fail \
    "^error timeout in TLS handshake after 1\.500 s$"
t_eq "handshake stall: ends within 1.5-4 s (took $el ms)" \
    "$([ "$el" -ge 1400 ] && [ "$el" -lt 4000 ] && echo yes)" yes
srv_stop "$SRV_PID"

server slow --mode slow --delay-ms 300 --cert "$C/rsa-int.pem" \
    --key "$C/rsa.key"
probe --timeout 1000 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "slow server within the step timeout" pass
probe --timeout 1000 --total 700 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "slow server beyond the total budget" fail \
    "^error timeout: probe took more than 0\.700 s in total"
srv_stop "$SRV_PID"

server garbage --mode garbage
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "garbage banner" fail "^error waiting for banner: not an SMTP reply"
t_nogrep "garbage: the message is printable" $'[\x01-\x08\x0e-\x1f\x7f]' \
    "$OUT"
srv_stop "$SRV_PID"

server endless --mode endless-multiline
start=$(date +%s)
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "endless EHLO reply" fail \
    "^error waiting for EHLO reply: reply has more than [0-9]+ lines"
t_eq "endless: ends at once" "$([ $(($(date +%s) - start)) -le 2 ] &&
    echo yes)" yes
srv_stop "$SRV_PID"

server longline --mode long-line
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "EHLO reply line of 8000 octets" fail \
    "^error waiting for EHLO reply: reply line longer than 512 octets"
srv_stop "$SRV_PID"

server silent --mode silent
t_run "$PROBE1" --timeout 1000 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "silent server" fail "^error timeout waiting for banner after 1 s$"
t_eq "silent: connected" "$(field connected)" 1
srv_stop "$SRV_PID"

# A port nobody listens on (the last server's, now stopped).
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "nothing listening" fail "^error connect: connection refused$"
t_eq "refused: not connected" "$(field connected)" 0

# --- TLS 1.0 only ---------------------------------------------------------
server tls10 --tls-min 1.0 --tls-max 1.0 --cert "$C/rsa-int.pem" \
    --key "$C/rsa.key"
probe 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "TLS 1.0-only server, default probe (RFC 8996)" fail \
    "^error TLS handshake: "
probe --legacy 127.0.0.1 "$P" mx.test "3 1 1 $LEAF"
expect "TLS 1.0-only server, legacy probe" pass
t_eq "legacy probe: TLSv1" "$(field tls_version)" TLSv1
srv_stop "$SRV_PID"

# --- bad arguments ----------------------------------------------------------
t_cmd "not an address: the probe does not start" 70 "$PROBE1" \
    mail.example 25 mx.test "3 1 1 $LEAF"
t_cmd "DANE without SNI: the probe does not start" 70 "$PROBE1" \
    127.0.0.1 25 - "3 1 1 $LEAF"

# --- oracle: openssl s_client's own DANE verdict agrees --------------------
# oracle NAME CERTFILE KEYFILE RECORD PROBE-VERDICT
oracle() {
	local want
	server "oracle-$1" --cert "$2" --key "$3"
	probe 127.0.0.1 "$P" mx.test "$4"
	echo QUIT | timeout 10 openssl s_client -starttls smtp -brief \
	    -connect "127.0.0.1:$P" -servername mx.test \
	    -dane_tlsa_domain mx.test -dane_ee_no_namechecks \
	    -dane_tlsa_rrdata "$4" > "$T/oracle.out" 2>&1
	if grep -q '^Verification: OK' "$T/oracle.out"; then
		want=pass
	else
		want=fail
	fi
	t_eq "oracle $1: probe and s_client agree ($want)" \
	    "$(field dane)" "$want"
	t_eq "oracle $1: the expected verdict" "$want" "$5"
	srv_stop "$SRV_PID"
}
oracle ee-good "$C/rsa-int.pem" "$C/rsa.key" "3 1 1 $LEAF" pass
oracle ee-expired "$C/expired-int.pem" "$C/expired.key" "3 1 1 $EXPLEAF" pass
oracle ta-expired "$C/expired-int.pem" "$C/expired.key" "2 1 1 $INT" fail
oracle ta-no-issuer "$C/rsa-leaf.pem" "$C/rsa.key" "2 1 1 $INT" fail
oracle ta-wrong-name "$C/other-int.pem" "$C/other.key" "2 1 1 $INT" fail

# --- small RSA keys: security level 1, as s_client -auth_level 1 ------------
# A 1024-bit key that matches passes (Postfix, at level 0, agrees); a
# 768-bit one fails before matching, and the reason names its size.
for bits in 1024 768; do
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:$bits \
	    -out "$T/rsa$bits.key" 2>/dev/null &&
	    openssl req -x509 -new -key "$T/rsa$bits.key" -subj /CN=mx.test \
	    -days 30 -out "$T/rsa$bits.pem" 2>/dev/null ||
	    not_ok "make a $bits-bit RSA certificate"
	server "rsa$bits" --cert "$T/rsa$bits.pem" --key "$T/rsa$bits.key" \
	    --security-level 0
	rec="3 1 1 $(spki "$T/rsa$bits.pem")"
	probe 127.0.0.1 "$P" mx.test "$rec"
	t_grep "RSA $bits: the chain says so" "^cert 0 key RSA $bits\$" "$OUT"
	echo QUIT | timeout 10 openssl s_client -starttls smtp -brief \
	    -connect "127.0.0.1:$P" -servername mx.test -auth_level 1 \
	    -dane_tlsa_domain mx.test -dane_ee_no_namechecks \
	    -dane_tlsa_rrdata "$rec" > "$T/oracle.out" 2>&1
	want=fail
	grep -q '^Verification: OK' "$T/oracle.out" && want=pass
	t_eq "RSA $bits: probe and s_client -auth_level 1 agree ($want)" \
	    "$(field dane)" "$want"
	t_eq "RSA $bits: the expected verdict" "$want" \
	    "$([ "$bits" -ge 1024 ] && echo pass || echo fail)"
	srv_stop "$SRV_PID"
done
expect "RSA 768" fail "the leaf's 768-bit RSA key is too weak"
t_eq "RSA 768: X509_V_ERR_EE_KEY_TOO_SMALL" "$(field verify_error)" 66
t_cmd "labsmtpd: a security level out of range" 64 "$BUILD/tools/labsmtpd" \
    --listen 127.0.0.1:1 --security-level 6
t_cmd "labsmtpd: a security level that is no number" 64 \
    "$BUILD/tools/labsmtpd" --listen 127.0.0.1:1 --security-level x

t_done
