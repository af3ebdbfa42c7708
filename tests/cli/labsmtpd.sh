#!/usr/bin/env bash
# labsmtpd.sh - the lab's test SMTP server in each of its modes, checked
# with a plain socket, openssl s_client and posttls-finger.
. "$TOP/tests/lib.sh"
. "$TOP/tests/smtp_lib.sh"

C="$T/certs"
sh "$MKCERTS" "$C" mx.test || { not_ok "make test certificates"; t_done; }
RSA=(--cert "$C/rsa-int.pem" --key "$C/rsa.key")
EC=(--cert "$C/ec-leaf.pem" --key "$C/ec.key")

# sclient PORT ARGS... - a STARTTLS handshake; output in $OUT
sclient() {
	local port=$1
	shift
	echo QUIT | timeout -k 1 10 openssl s_client -starttls smtp \
	    -connect "127.0.0.1:$port" -servername mx.test "$@" \
	    > "$OUT" 2>&1
	STATUS=$?
}

# --- command line ----------------------------------------------------
t_cmd "--help exits 0" 0 "$LABSMTPD" --help
t_grep "--help lists the modes" 'endless-multiline' "$OUT"
t_cmd "unknown mode is a usage error" 64 "$LABSMTPD" --listen \
    127.0.0.1:1 --mode bogus
t_cmd "no --listen is a usage error" 64 "$LABSMTPD" --mode good
t_cmd "bad listen address is a usage error" 64 "$LABSMTPD" \
    --listen 127.0.0.1
t_cmd "--cert without --key is a usage error" 64 "$LABSMTPD" \
    --listen 127.0.0.1:1 --cert "$C/rsa.pem"
t_cmd "a key that does not match the certificate: 66" 66 "$LABSMTPD" \
    --listen 127.0.0.1:1 --cert "$C/rsa.pem" --key "$C/ec.key"

# --- good: SMTP dialogue ---------------------------------------------
if srv_start good --hostname mx.test "${RSA[@]}" "${EC[@]}"; then
	ok "good server starts and writes its pidfile"
else
	not_ok "good server starts"
	diag "$T/good.err"
	t_done
fi
P=$SRV_PORT
GOOD_PID=$SRV_PID
t_cmd "a second server on the same port: 69" 69 "$LABSMTPD" \
    --listen "127.0.0.1:$P"

smtp_chat "$P" 5 'EHLO client.test\r\nNOOP\r\nRSET\r\nFOO bar\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@mx.test>\r\nDATA\r\nSubject: t\r\n\r\nhello\r\n..dot\r\n.\r\nQUIT\r\n'
t_eq "plain dialogue ends by QUIT (server closes)" "$STATUS" 0
t_grep "banner is 220 with the hostname" '^220 mx\.test ESMTP' "$OUT"
t_grep "EHLO offers STARTTLS" '^250-STARTTLS' "$OUT"
t_grep "EHLO reply ends with a 250 line" '^250 8BITMIME' "$OUT"
t_grep "unknown command is 500" '^500 5\.5\.2' "$OUT"
t_grep "DATA gets 354" '^354 ' "$OUT"
t_grep "the message is accepted" '^250 2\.0\.0 OK: queued' "$OUT"
t_grep "QUIT gets 221" '^221 ' "$OUT"
t_grep "the log has the message size" 'message of [0-9]+ bytes accepted' \
    "$T/good.log"

long=$(printf 'x%.0s' $(seq 600))
smtp_chat "$P" 5 "NOOP $long\\r\\nMAIL FROM:<a@b>\\r\\nHELO c\\r\\nHELO\\r\\nQUIT\\r\\n"
t_grep "a command line over 512 octets is 500" '^500 5\.5\.0 line too long' \
    "$OUT"
t_grep "MAIL before HELO is 503" '^503 ' "$OUT"
t_grep "HELO gets 250" '^250 mx\.test$' "$OUT"
t_grep "HELO without a name is 501" '^501 ' "$OUT"
t_eq "over-long line: the session goes on to QUIT" "$(grep -c '^221' "$OUT")" 1

# --- good: TLS --------------------------------------------------------
sclient "$P" -brief -CAfile "$C/root.pem" -verify_return_error \
    -sigalgs rsa_pss_rsae_sha256
t_eq "s_client STARTTLS handshake succeeds" "$STATUS" 0
t_grep "TLS 1.3 by default" 'Protocol version: TLSv1.3' "$OUT"
t_grep "chain leaf+intermediate verifies to the root" \
    'Verification: OK' "$OUT"
sclient "$P" -brief
t_grep "the ECDSA leaf is preferred in TLS 1.3" 'Signature type: ECDSA' "$OUT"
sclient "$P" -showcerts -sigalgs rsa_pss_rsae_sha256
t_eq "RSA chain file: two certificates sent" \
    "$(grep -c 'BEGIN CERTIFICATE' "$OUT")" 2
t_grep "RSA sigalgs: RSA leaf" 'Server public key is 2048 bit' "$OUT"
sclient "$P" -showcerts -sigalgs ecdsa_secp256r1_sha256
t_eq "ECDSA leaf-only file: one certificate sent" \
    "$(grep -c 'BEGIN CERTIFICATE' "$OUT")" 1
t_grep "ECDSA sigalgs: ECDSA leaf" 'Server public key is 256 bit' "$OUT"
sclient "$P" -brief -tls1_2 -cipher aECDSA
t_grep "TLS 1.2 with an ECDSA suite" 'Ciphersuite: ECDHE-ECDSA' "$OUT"

# The TLSA record "3 1 1" of the RSA leaf, checked by OpenSSL's DANE code.
spki=$(openssl x509 -in "$C/rsa.pem" -noout -pubkey |
    openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -c1-64)
sclient "$P" -brief -sigalgs rsa_pss_rsae_sha256 -dane_tlsa_domain mx.test \
    -dane_tlsa_rrdata "3 1 1 $spki" -verify_return_error
t_grep "openssl's DANE check of the RSA leaf: 3 1 1 matches" \
    'Verification: OK' "$OUT"

if command -v posttls-finger > /dev/null; then
	t_run posttls-finger -c -l encrypt "[127.0.0.1]:$P"
	cat "$ERR" >> "$OUT"
	t_grep "posttls-finger establishes TLS" \
	    'TLS connection established' "$OUT"
	t_nogrep "posttls-finger gets the reply to QUIT" 'lost connection' \
	    "$OUT"
else
	t_skip "posttls-finger establishes TLS" "posttls-finger missing"
fi

# STARTTLS twice, and plaintext pipelined after STARTTLS is dropped.
smtp_chat "$P" 3 'EHLO a\r\nSTARTTLS\r\nEHLO smuggled\r\n'
t_grep "STARTTLS gets 220" '^220 2\.0\.0 ' "$OUT"
t_nogrep "commands pipelined after STARTTLS are not answered" \
    '^250-mx' <(sed -n '/^220 2/,$p' "$OUT")

srv_stop "$GOOD_PID"
t_eq "SIGTERM: exit status 0" "$SRV_STATUS" 0
if [ -e "$T/good.pid" ]; then
	not_ok "SIGTERM: pidfile removed"
else
	ok "SIGTERM: pidfile removed"
fi

# --- misbehaving modes -------------------------------------------------
srv_start nostarttls --mode no-starttls "${RSA[@]}"
smtp_chat "$SRV_PORT" 5 'EHLO a\r\nSTARTTLS\r\nQUIT\r\n'
t_nogrep "no-starttls: EHLO does not offer STARTTLS" '^250.STARTTLS' "$OUT"
t_grep "no-starttls: STARTTLS is 502" '^502 ' "$OUT"
srv_stop "$SRV_PID"

srv_start refused --mode starttls-refused "${RSA[@]}"
smtp_chat "$SRV_PORT" 5 'EHLO a\r\nSTARTTLS\r\nQUIT\r\n'
t_grep "starttls-refused: STARTTLS offered" '^250-STARTTLS' "$OUT"
t_grep "starttls-refused: STARTTLS is 454" '^454 4\.7\.0' "$OUT"
srv_stop "$SRV_PID"

srv_start hsfail --mode handshake-fail "${RSA[@]}"
sclient "$SRV_PORT" -brief
t_eq "handshake-fail: s_client fails" "$([ "$STATUS" != 0 ] && [ "$STATUS" != 124 ] && echo failed)" failed
t_grep "handshake-fail: the server answered the ClientHello with garbage" \
    'ClientHello answered with garbage' "$T/hsfail.log"
srv_stop "$SRV_PID"

srv_start stall --mode handshake-stall --idle-timeout 2 "${RSA[@]}"
start=$(date +%s)
sclient "$SRV_PORT" -brief
el=$(($(date +%s) - start))
t_eq "handshake-stall: no handshake" "$([ "$STATUS" != 0 ] && echo failed)" failed
t_eq "handshake-stall: the idle timeout (2 s) ends it in 1-6 s" \
    "$([ "$el" -ge 1 ] && [ "$el" -le 6 ] && echo yes)" yes
t_grep "handshake-stall: logged as idle timeout" 'idle timeout' \
    "$T/stall.log"
srv_stop "$SRV_PID"

srv_start slow --mode slow --delay-ms 400 "${RSA[@]}"
start=$(date +%s%N)
smtp_chat "$SRV_PORT" 5 'EHLO a\r\nQUIT\r\n'
el=$((($(date +%s%N) - start) / 1000000))
t_grep "slow: replies arrive" '^221 ' "$OUT"
t_eq "slow: three replies took at least 3 x 400 ms" \
    "$([ "$el" -ge 1150 ] && echo yes)" "yes"
srv_stop "$SRV_PID"

srv_start garbage --mode garbage "${RSA[@]}"
smtp_chat "$SRV_PORT" 2 'EHLO a\r\n'
t_nogrep "garbage: no SMTP reply code anywhere" '^[0-9]{3}[ -]' "$OUT"
t_eq "garbage: bytes were sent" "$([ -s "$OUT" ] && echo yes)" yes
srv_stop "$SRV_PID"

srv_start endless --mode endless-multiline "${RSA[@]}"
timeout -k 1 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"; printf "EHLO a\r\n" >&3; head -n 5000 <&3' "$SRV_PORT" > "$OUT"
t_eq "endless-multiline: 5000 lines and still going" \
    "$(grep -c '^250-' "$OUT")" 4999
srv_stop "$SRV_PID"
t_grep "endless-multiline: server stays up and logs the disconnect" \
    'disconnect' "$T/endless.log"

srv_start longline --mode long-line "${RSA[@]}"
smtp_chat "$SRV_PORT" 5 'EHLO a\r\nQUIT\r\n'
t_eq "long-line: an EHLO reply line of 8000 octets" \
    "$(awk 'length($0) >= 8000' "$OUT" | wc -l | tr -d ' ')" 1
srv_stop "$SRV_PID"

srv_start silent --mode silent --idle-timeout 1 "${RSA[@]}"
start=$(date +%s)
smtp_chat "$SRV_PORT" 5 ''
el=$(($(date +%s) - start))
t_eq "silent: no banner" "$(wc -c < "$OUT" | tr -d ' ')" 0
t_eq "silent: closed by the idle timeout before 5 s" \
    "$([ "$STATUS" = 0 ] && [ "$el" -le 4 ] && echo yes)" yes
srv_stop "$SRV_PID"

srv_start maxconns --max-conns 1 --mode silent
timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"; sleep 3' "$SRV_PORT" &
holder=$!
sleep 0.5
smtp_chat "$SRV_PORT" 3 ''
t_grep "max-conns 1: the second connection gets 421" '^421 ' "$OUT"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
srv_stop "$SRV_PID"

# --- TLS versions ------------------------------------------------------
srv_start legacy --tls-min 1.0 --tls-max 1.0 "${RSA[@]}"
sclient "$SRV_PORT" -brief
t_eq "TLS 1.0-only: a default client fails" \
    "$([ "$STATUS" != 0 ] && echo failed)" failed
sclient "$SRV_PORT" -brief -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
t_grep "TLS 1.0-only: a legacy client gets TLSv1" \
    'Protocol version: TLSv1$' "$OUT"
srv_stop "$SRV_PID"

srv_start tls12 --tls-max 1.2 "${RSA[@]}"
sclient "$SRV_PORT" -brief
t_grep "--tls-max 1.2: TLSv1.2" 'Protocol version: TLSv1.2' "$OUT"
srv_stop "$SRV_PID"

# --- IPv6 --------------------------------------------------------------
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	port=$((20000 + RANDOM % 40000))
	"$LABSMTPD" --listen "[::1]:$port" --pidfile "$T/v6.pid" \
	    --log "$T/v6.log" "${RSA[@]}" 2>/dev/null &
	v6=$!
	srv_pids="$srv_pids $v6"
	for i in $(seq 50); do [ -s "$T/v6.pid" ] && break; sleep 0.1; done
	echo QUIT | timeout 10 openssl s_client -starttls smtp \
	    -connect "[::1]:$port" -brief > "$OUT" 2>&1
	t_grep "IPv6 listener: STARTTLS works" 'Protocol version' "$OUT"
	srv_stop "$v6"
else
	t_skip "IPv6 listener: STARTTLS works" "no ::1"
fi

t_done
