# mxdane publish against a real Knot DNS primary (signing, TSIG-protected
# updates) and a secondary that transfers from it, both on loopback
# addresses, started and stopped by PID (lab/knot/up, lab/knot/down).
# dns/auth is checked on the same servers with build/tools/authq.
. "$TOP/tests/lib.sh"

for tool in knotd dig nsupdate ss; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		t_skip "publish against Knot DNS" "$tool not installed"
		t_done
	fi
done
AUTHQ="$BUILD/tools/authq"
HOLE="$BUILD/tools/blackhole"

# Two addresses and a port nobody uses (other tests run in parallel).
port_free() {
	[ -z "$(ss -Hlnu "( sport = :$1 )" 2>/dev/null)" ] &&
	    [ -z "$(ss -Hlnt "( sport = :$1 )" 2>/dev/null)" ]
}
i=0
while :; do
	PORT=$((20000 + RANDOM % 20000))
	port_free "$PORT" && break
	i=$((i + 1))
	if [ $i -ge 50 ]; then
		not_ok "a free port"
		t_done
	fi
done
n=$((100 + RANDOM % 140))
P=127.0.0.$n
S=127.0.0.$((n + 1))
HOLEADDR=127.0.0.$((n + 2))
K="$T/knot"
hole_pid=""
cleanup() {
	"$TOP/lab/knot/down" "$K" >/dev/null 2>&1
	if [ -d "$T/knot-lag" ]; then
		"$TOP/lab/knot/down" "$T/knot-lag" >/dev/null 2>&1
	fi
	[ -n "$hole_pid" ] && kill "$hole_pid" 2>/dev/null
	return 0
}
trap cleanup EXIT

ZONE=pub.test
OWNER=_25._tcp.mail.$ZONE
R1="3 1 1 1111111111111111111111111111111111111111111111111111111111111111"
R2="3 1 1 2222222222222222222222222222222222222222222222222222222222222222"
R3="3 1 1 3333333333333333333333333333333333333333333333333333333333333333"
R4="3 1 1 4444444444444444444444444444444444444444444444444444444444444444"
mkdir -p "$K/zones"
cat > "$K/zones/$ZONE.zone" <<EOF
\$ORIGIN $ZONE.
\$TTL 3600
@	SOA	ns1 hostmaster 1 60 30 86400 300
@	NS	ns1
@	NS	ns2
ns1	A	$P
ns2	A	$S
mail	A	192.0.2.25
_25._tcp.mail	TLSA	$R1
EOF
cat > "$K/zones/other.test.zone" <<EOF
\$ORIGIN other.test.
\$TTL 3600
@	SOA	ns1 hostmaster 1 60 30 86400 300
@	NS	ns1
ns1	A	$P
EOF

t_cmd "Knot primary and secondary come up" 0 \
    "$TOP/lab/knot/up" "$K" "$P@$PORT" "$S@$PORT"
if [ "$STATUS" != 0 ]; then
	t_done
fi
[ -f "$K/tsig.key" ] && ok "lab/knot/up wrote a TSIG key" ||
    not_ok "lab/knot/up wrote a TSIG key"

PUB=(publish --zone "$ZONE" --server "$P@$PORT" --tsig-key "$K/tsig.key"
    --host "mail.$ZONE" --timeout 5)

# tlsa_at ADDR - the TLSA RRset at OWNER as sorted "U S M HEX" lines
tlsa_at() {
	dig +norec +short +time=2 +tries=1 -p "$PORT" @"$1" TLSA "$OWNER" |
	    tr -d ' ' | tr 'A-F' 'a-f' | sort
}
# want SET... - the same form for records given as "U S M HEX"
want() {
	local r
	for r in "$@"; do printf '%s\n' "$r"; done | tr -d ' ' | sort
}
serial_at() {
	dig +norec +short +time=2 +tries=1 -p "$PORT" @"$1" SOA "$ZONE" |
	    cut -d' ' -f3
}
# wait_secondary SET... - bounded wait until the secondary serves SET
wait_secondary() {
	local w i=0
	w=$(want "$@")
	while [ $i -lt 50 ]; do
		[ "$(tlsa_at "$S")" = "$w" ] && return 0
		i=$((i + 1))
		sleep 0.2
	done
	return 1
}

# --- Part A on the real servers ----------------------------------------
t_run "$AUTHQ" -z "$ZONE" "$OWNER" TLSA "$P@$PORT" "$S@$PORT"
t_eq "authq: both servers answer" "$STATUS" 0
t_eq "authq: both have the signed TLSA RRset, signatures valid" \
    "$(grep -c 'sigcheck valid' "$OUT")" 2
t_grep "authq: authoritative data with a serial" \
    "state data rcode 0 aa 1 ttl 3600" "$OUT"
t_grep "authq: the record's RDATA" "rr 03010111111111" "$OUT"
t_run "$AUTHQ" -z "$ZONE" -t 100000 "$OWNER" TLSA "$P@$PORT"
t_grep "authq: a clock before inception says not yet valid" \
    "sigcheck not yet valid" "$OUT"
t_run "$AUTHQ" -z "$ZONE" -t 1900000000 "$OWNER" TLSA "$P@$PORT"
t_grep "authq: a clock after expiration says expired" \
    "sigcheck expired" "$OUT"
t_run "$AUTHQ" "_tcp.mail.$ZONE" A "$P@$PORT"
t_grep "authq: the empty non-terminal is NODATA with NSEC" \
    "state nodata rcode 0 aa 1 .* nsec [1-9]" "$OUT"
t_run "$AUTHQ" "nx.mail.$ZONE" A "$P@$PORT"
t_grep "authq: a missing name is NXDOMAIN" "state nxdomain rcode 3" "$OUT"
t_run "$AUTHQ" "mail.nowhere.test" A "$P@$PORT"
t_grep "authq: a zone not served is lame" "state lame" "$OUT"
t_run "$AUTHQ" -w 500 "$OWNER" TLSA "127.0.0.$((n + 3))@$PORT"
t_grep "authq: nothing listening is unreachable" "state unreachable" "$OUT"
t_run "$AUTHQ" -w 500 "$OWNER" TLSA "fe80::1@$PORT" "$P@$PORT"
t_grep "authq: an address that cannot be used is unreachable" \
    "server fe80::1@$PORT state unreachable" "$OUT"
t_grep "authq: and the other servers are still asked" \
    "server $P@$PORT state data" "$OUT"

# --- add, idempotency, signatures, propagation ---------------------------
serial0=$(serial_at "$P")
t_cmd "add a record" 0 "$MXDANE" "${PUB[@]}" add "$R2"
t_grep "add says what it did" "1 added, 0 removed, 2 record" "$OUT"
t_eq "the primary serves both records" "$(tlsa_at "$P")" "$(want "$R1" "$R2")"
t_run "$AUTHQ" -z "$ZONE" "$OWNER" TLSA "$P@$PORT"
t_grep "the new RRset is signed, and the signature is valid" \
    "sigcheck valid" "$OUT"
if wait_secondary "$R1" "$R2"; then
	ok "the secondary picks the change up"
else
	not_ok "the secondary picks the change up (within 10 s)"
fi
serial1=$(serial_at "$P")
[ "$serial1" -gt "$serial0" ] && ok "the serial went up" ||
    not_ok "the serial went up ($serial0 -> $serial1)"
t_cmd "adding it again succeeds" 0 "$MXDANE" "${PUB[@]}" add "$R2"
t_grep "with a note that nothing changed" "^nothing to change" "$OUT"
t_eq "and nothing was sent (serial unchanged)" "$(serial_at "$P")" "$serial1"

# --- remove ---------------------------------------------------------------
t_cmd "remove a record" 0 "$MXDANE" "${PUB[@]}" remove "$R1"
t_eq "the primary serves the rest" "$(tlsa_at "$P")" "$(want "$R2")"
t_cmd "removing an absent record succeeds" 0 "$MXDANE" "${PUB[@]}" \
    remove "$R1"
t_grep "with a note" "^nothing to change" "$OUT"
serial2=$(serial_at "$P")
t_cmd "removing the last record is refused" 1 "$MXDANE" "${PUB[@]}" \
    remove "$R2"
t_oneline_err "with one line saying why"
t_grep "naming --force" "use --force" "$ERR"
t_eq "and the zone is unchanged" "$(serial_at "$P")" "$serial2"

t_cmd "--owner names the RRset directly" 0 "$MXDANE" publish \
    --zone "$ZONE" --server "$P@$PORT" --tsig-key "$K/tsig.key" \
    --owner "$OWNER" add "$R2"
t_grep "(the same RRset: nothing to change)" "^nothing to change" "$OUT"

# --- replace and TTL --------------------------------------------------------
t_cmd "replace the RRset" 0 "$MXDANE" "${PUB[@]}" replace "$R3" "$R4"
t_eq "the primary serves exactly the new set" "$(tlsa_at "$P")" \
    "$(want "$R3" "$R4")"
t_cmd "the same replace again is a no-op" 0 "$MXDANE" "${PUB[@]}" \
    replace "$R4" "$R3"
t_grep "with a note" "^nothing to change" "$OUT"
t_cmd "replace with a TTL" 0 "$MXDANE" "${PUB[@]}" --ttl 1800 \
    replace "$R1" "$R2"
ttl=$(dig +norec +noall +answer -p "$PORT" @"$P" TLSA "$OWNER" |
    awk '{ print $2 }' | sort -u)
t_eq "the TTL is the one asked for" "$ttl" 1800
if wait_secondary "$R1" "$R2"; then
	ok "the secondary picks the replacement up"
else
	not_ok "the secondary picks the replacement up (within 10 s)"
fi

# --- a concurrent change is caught by the prerequisite ---------------------
before=$(tlsa_at "$P")
printf 'server %s %s\nzone %s\nupdate add %s 1800 TLSA %s\nsend\n' \
    "$P" "$PORT" "$ZONE" "$OWNER" "$R3" > "$T/nsupdate.txt"
t_cmd "someone else adds a record (nsupdate)" 0 \
    nsupdate -k "$K/tsig.key" "$T/nsupdate.txt"
serial3=$(serial_at "$P")
t_cmd "a change planned on the old RRset is refused" 75 "$MXDANE" \
    "${PUB[@]}" --expect "$R1" --expect "$R2" replace "$R1" "$R4"
t_oneline_err "with one line"
t_grep "saying it changed under us" "changed under us .*NXRRSET|YXRRSET" \
    "$ERR"
t_eq "and nothing was changed" "$(serial_at "$P")" "$serial3"
t_eq "the other change is kept" "$(tlsa_at "$P")" "$(want "$R1" "$R2" "$R3")"
[ "$before" != "$(tlsa_at "$P")" ] && ok "(the RRset did change)" ||
    not_ok "(the RRset did change)"

# --- wrong keys -------------------------------------------------------------
name=$(sed -n 's/^key "\([^"]*\)".*/\1/p' "$K/tsig.key")
printf 'key "%s" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$name" \
    "c2VjcmV0LWJ1dC13cm9uZy1zZWNyZXQtYnV0LXdyb25nLXg=" > "$T/wrong.key"
printf 'key "no-such-key" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' \
    "c2VjcmV0LWJ1dC13cm9uZy1zZWNyZXQtYnV0LXdyb25nLXg=" > "$T/unknown.key"
serial4=$(serial_at "$P")
t_cmd "a wrong secret is rejected" 78 "$MXDANE" publish --zone "$ZONE" \
    --server "$P@$PORT" --tsig-key "$T/wrong.key" --host "mail.$ZONE" add "$R4"
t_oneline_err "with one line"
t_grep "naming BADSIG" "BADSIG" "$ERR"
t_nogrep "without the secret" "c2VjcmV0" "$ERR"
t_cmd "an unknown key is rejected" 78 "$MXDANE" publish --zone "$ZONE" \
    --server "$P@$PORT" --tsig-key "$T/unknown.key" --host "mail.$ZONE" \
    add "$R4"
t_grep "naming BADKEY" "BADKEY" "$ERR"
t_eq "the zone is unchanged" "$(serial_at "$P")" "$serial4"
t_eq "and so is the RRset" "$(tlsa_at "$P")" "$(want "$R1" "$R2" "$R3")"

# --- zones the server does not have ---------------------------------------
t_cmd "an unknown zone is refused" 77 "$MXDANE" publish --zone nowhere.test \
    --server "$P@$PORT" --tsig-key "$K/tsig.key" --host "mail.$ZONE" add "$R4"
t_oneline_err "with one line"
t_grep "naming NOTAUTH" "NOTAUTH" "$ERR"
t_cmd "an owner outside the zone is refused" 77 "$MXDANE" publish \
    --zone other.test --server "$P@$PORT" --tsig-key "$K/tsig.key" \
    --host "mail.$ZONE" add "$R4"
t_grep "naming NOTZONE" "NOTZONE" "$ERR"
t_cmd "a name the server does not serve is refused" 77 "$MXDANE" publish \
    --zone nowhere.test --server "$P@$PORT" --tsig-key "$K/tsig.key" \
    --host mail.nowhere.test add "$R4"
t_grep "saying it is not authoritative" "not authoritative" "$ERR"
# Knot's ACL refusal says NOTAUTH with BADKEY (the key may not update
# here): a refusal either way.
t_run "$MXDANE" publish --zone "$ZONE" --server "$S@$PORT" \
    --tsig-key "$K/tsig.key" --host "mail.$ZONE" add "$R4"
case $STATUS in
77|78) ok "the secondary refuses the update (exit $STATUS)" ;;
*) not_ok "the secondary refuses the update (exit $STATUS)"; diag "$ERR" ;;
esac
t_grep "naming the secondary" "$S@$PORT" "$ERR"
t_eq "nothing changed anywhere" "$(serial_at "$P")" "$serial4"

# --- servers that do not answer -------------------------------------------
"$HOLE" "$HOLEADDR" "$PORT" 30 > "$T/hole.out" 2>&1 &
hole_pid=$!
i=0
while ! grep -q ready "$T/hole.out" 2>/dev/null && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
start=$(date +%s)
t_cmd "a server that does not answer times out" 69 "$MXDANE" publish \
    --zone "$ZONE" --server "$HOLEADDR@$PORT" --tsig-key "$K/tsig.key" \
    --host "mail.$ZONE" --timeout 2 add "$R4"
took=$(($(date +%s) - start))
t_oneline_err "with one line"
t_grep "saying timeout" "timeout" "$ERR"
[ "$took" -le 4 ] && ok "within the time allowed ($took s for 2 s)" ||
    not_ok "within the time allowed ($took s for 2 s)"
kill "$hole_pid" 2>/dev/null
wait "$hole_pid" 2>/dev/null
hole_pid=""
t_cmd "a server that is not there is reported" 69 "$MXDANE" publish \
    --zone "$ZONE" --server "127.0.0.$((n + 3))@$PORT" \
    --tsig-key "$K/tsig.key" --host "mail.$ZONE" add "$R4"
t_grep "as unreachable" "refused|unreachable" "$ERR"

# --- a primary that lies: no NOERROR is believed without its TSIG ----------
FAKE="$BUILD/tools/fakeupd"
for m in unsigned:76:unsigned badmac:76:"does not verify" \
    wrongid:69:"reply with another ID" garbage:69:malformed \
    badtime:78:BADTIME; do
	mode=${m%%:*}
	rest=${m#*:}
	want=${rest%%:*}
	why=${rest#*:}
	"$FAKE" "$HOLEADDR" "$PORT" "$mode" 30 > "$T/fake.out" 2>&1 &
	hole_pid=$!
	i=0
	while ! grep -q ready "$T/fake.out" 2>/dev/null && [ $i -lt 50 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	t_cmd "a $mode reply to the update: exit $want" "$want" "$MXDANE" \
	    publish --zone "$ZONE" --server "$HOLEADDR@$PORT" \
	    --tsig-key "$K/tsig.key" --host "mail.$ZONE" --timeout 3 add "$R4"
	t_oneline_err "a $mode reply: one line"
	t_grep "a $mode reply: says $why" "$why" "$ERR"
	t_nogrep "a $mode reply: no success claimed" "." "$OUT"
	kill "$hole_pid" 2>/dev/null
	wait "$hole_pid" 2>/dev/null
	hole_pid=""
done

# --- a big RRset: truncated over UDP, complete over TCP -------------------
BIG=()
for i in $(seq 10 49); do
	BIG+=("3 1 1 $(printf '%064d' "$i")")
done
t_cmd "add 40 records in one update" 0 "$MXDANE" publish --zone "$ZONE" \
    --server "$P@$PORT" --tsig-key "$K/tsig.key" --host "big.$ZONE" \
    add "${BIG[@]}"
dig +norec +dnssec +notcp +ignore +bufsize=1232 -p "$PORT" @"$P" TLSA \
    "_25._tcp.big.$ZONE" > "$T/dig-big.txt" 2>&1
t_grep "over UDP the answer is truncated" "flags: qr aa tc" "$T/dig-big.txt"
i=0
while [ "$(dig +norec +short +tcp -p "$PORT" @"$S" TLSA "_25._tcp.big.$ZONE" |
    wc -l)" -lt 40 ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.2
done
t_run "$AUTHQ" -z "$ZONE" "_25._tcp.big.$ZONE" TLSA "$P@$PORT" "$S@$PORT"
t_eq "dns/auth gets all 40 records from each server (TCP retry)" \
    "$(grep -c '^  rr ' "$OUT")" 80
t_eq "with valid signatures" "$(grep -c 'sigcheck valid' "$OUT")" 2

# --- a silent server, seen by dns/auth ----------------------------------------
"$HOLE" "$HOLEADDR" "$PORT" 30 > "$T/hole.out" 2>&1 &
hole_pid=$!
i=0
while ! grep -q ready "$T/hole.out" 2>/dev/null && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
start=$(date +%s)
t_run "$AUTHQ" -w 1500 "$OWNER" TLSA "$HOLEADDR@$PORT" "$P@$PORT"
took=$(($(date +%s) - start))
t_grep "authq: the silent server times out" \
    "server $HOLEADDR@$PORT state timeout" "$OUT"
t_grep "authq: while the other answers" "server $P@$PORT state data" "$OUT"
[ "$took" -le 3 ] && ok "authq: in parallel, within the budget ($took s)" ||
    not_ok "authq: in parallel, within the budget ($took s for 1.5 s)"
kill "$hole_pid" 2>/dev/null
wait "$hole_pid" 2>/dev/null
hole_pid=""

# --- a secondary that lags (no NOTIFY, hourly refresh) ---------------------
L="$T/knot-lag"
LP=127.0.0.$((n + 4))
LS=127.0.0.$((n + 5))
mkdir -p "$L/zones"
cp "$K/zones/$ZONE.zone" "$L/zones/"
cp "$K/tsig.key" "$L/"
if KNOT_LAG=3600 "$TOP/lab/knot/up" "$L" "$LP@$PORT" "$LS@$PORT" \
    > "$T/lag-up.txt" 2>&1; then
	ok "a lagging pair comes up"
	t_cmd "publish to its primary" 0 "$MXDANE" publish --zone "$ZONE" \
	    --server "$LP@$PORT" --tsig-key "$L/tsig.key" --host "mail.$ZONE" \
	    add "$R4"
	sleep 1
	t_run "$AUTHQ" -z "$ZONE" "$OWNER" TLSA "$LP@$PORT" "$LS@$PORT"
	t_eq "authq: the primary has the new record, the secondary not" \
	    "$(grep -c "^  rr 030101$(printf '4%.0s' $(seq 64))" "$OUT")" 1
	t_run "$AUTHQ" "$ZONE" SOA "$LP@$PORT" "$LS@$PORT"
	s1=$(sed -n "s/^server $LP@$PORT .* serial \([0-9]*\).*/\1/p" "$OUT")
	s2=$(sed -n "s/^server $LS@$PORT .* serial \([0-9]*\).*/\1/p" "$OUT")
	[ -n "$s1" ] && [ -n "$s2" ] && [ "$s1" -gt "$s2" ] &&
	    ok "authq: the serials differ ($s1 > $s2)" ||
	    not_ok "authq: the serials differ ($s1 > $s2)"
else
	not_ok "a lagging pair comes up"
	diag "$T/lag-up.txt"
fi
"$TOP/lab/knot/down" "$L"

# --- bad input ------------------------------------------------------------
t_cmd "a missing key file" 66 "$MXDANE" publish --zone "$ZONE" \
    --server "$P@$PORT" --tsig-key "$T/none.key" --host "mail.$ZONE" add "$R4"
t_oneline_err "with one line"
printf 'key "k" { algorithm hmac-md5; secret "%s"; };\n' \
    "c2VjcmV0LWJ1dC13cm9uZy1zZWNyZXQtYnV0LXdyb25nLXg=" > "$T/md5.key"
t_cmd "a key of another algorithm" 65 "$MXDANE" publish --zone "$ZONE" \
    --server "$P@$PORT" --tsig-key "$T/md5.key" --host "mail.$ZONE" add "$R4"
t_grep "says hmac-sha256 only" "hmac-sha256 only" "$ERR"
printf 'key "k" { algorithm hmac-sha256; secret "not base64!"; };\n' \
    > "$T/b64.key"
t_cmd "a secret that is not base64" 65 "$MXDANE" publish --zone "$ZONE" \
    --server "$P@$PORT" --tsig-key "$T/b64.key" --host "mail.$ZONE" add "$R4"
t_oneline_err "with one line"
t_nogrep "without the secret" "not base64!" "$ERR"
printf 'zone "x" { type master; };\n' > "$T/conf.key"
t_cmd "a file that is no key file" 65 "$MXDANE" publish --zone "$ZONE" \
    --server "$P@$PORT" --tsig-key "$T/conf.key" --host "mail.$ZONE" add "$R4"
t_cmd "a bad host name" 65 "$MXDANE" publish --zone "$ZONE" \
    --server "$P@$PORT" --tsig-key "$K/tsig.key" --host "mail..$ZONE" \
    add "$R4"
t_oneline_err "with one line"
t_cmd "a malformed record" 65 "$MXDANE" "${PUB[@]}" add "3 1 1 zz"
t_oneline_err "with one line"
t_grep "naming the record" "record 1" "$ERR"
t_cmd "an odd number of hex digits" 65 "$MXDANE" "${PUB[@]}" add "$R4" \
    "3 1 1 123"
t_grep "naming the record" "record 2" "$ERR"
t_cmd "a bad server address" 64 "$MXDANE" publish --zone "$ZONE" \
    --server "ns1.$ZONE" --tsig-key "$K/tsig.key" --host "mail.$ZONE" add "$R4"
t_cmd "no --zone" 64 "$MXDANE" publish --server "$P@$PORT" \
    --tsig-key "$K/tsig.key" --host "mail.$ZONE" add "$R4"
t_cmd "both --host and --owner" 64 "$MXDANE" "${PUB[@]}" --owner "$OWNER" \
    add "$R4"
t_cmd "no operation" 64 "$MXDANE" "${PUB[@]}" "$R4"
t_eq "after all that, the RRset is unchanged" "$(tlsa_at "$P")" \
    "$(want "$R1" "$R2" "$R3")"

# --- the help is the man page's -------------------------------------------
t_cmd "--help" 0 "$MXDANE" publish --help
for opt in --zone --server --tsig-key --ttl --host --port --owner --expect \
    --force --timeout; do
	t_grep "--help lists $opt" "^$opt|, $opt" "$OUT"
done
t_done
