#!/usr/bin/env bash
# rawdns.sh - the lab's rawdns test server on loopback: it serves an MX
# record that does not parse exactly as written (what the lab's
# mx-malformed scenario needs), answers NXDOMAIN, NODATA and REFUSED as an
# authoritative server does, truncates what does not fit, refuses bad
# arguments with its documented exit statuses, and ends on SIGTERM,
# removing its pidfile.
. "$TOP/tests/lib.sh"

RAWDNS=$BUILD/tools/rawdns
if ! command -v dig > /dev/null; then
	t_skip "rawdns" "no dig"
	t_done
fi
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	return 0
}
trap cleanup EXIT

{
	printf '$ORIGIN raw.test.\n$TTL 300\n'
	printf '@ 3600 SOA ns.raw.test. h.raw.test. 7 300 60 86400 60\n'
	printf '@ 3600 NS ns.raw.test.\n'
	printf '@ MX \\# 2 000a\n@ MX 10 mx1\nmx1 A 192.0.2.1\n'
	printf '_25._tcp.mx1 TLSA 3 1 1 %064d\n' 0
	for i in $(seq 1 8); do	# about 1800 octets
		printf 'big TXT "%0200d"\n' "$i"
	done
	for i in $(seq 1 4); do	# about 900 octets
		printf 'mid TXT "%0200d"\n' "$i"
	done
} > "$T/raw.zone"

# A free port: retry while the bind fails (exit 69).
port=""
for try in 1 2 3 4 5; do
	p=$((20000 + RANDOM % 40000))
	"$RAWDNS" 127.0.0.1 "$p" "$T/pid" "$T/raw.zone" 2> "$T/err" &
	pid=$!
	for i in $(seq 1 50); do
		[ -s "$T/pid" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -s "$T/pid" ]; then
		port=$p
		break
	fi
	wait "$pid"
	pid=""
done
if [ -z "$port" ]; then
	not_ok "rawdns starts"
	diag "$T/err"
	t_done
fi
t_eq "the pidfile holds its PID" "$(cat "$T/pid")" "$pid"

q() {	# NAME TYPE [DIG-OPTIONS]
	dig +norec +time=2 +tries=1 -p "$port" @127.0.0.1 "${@:3}" "$1" "$2" \
	    > "$OUT" 2>&1
}
q raw.test MX
t_grep "MX: NOERROR" 'status: NOERROR' "$OUT"
t_grep "MX: authoritative, not validated" '^;; flags: qr aa;' "$OUT"
t_grep "MX: both records, one of them malformed" 'ANSWER: 2,' "$OUT"
t_grep "MX: dig sees the record that does not parse" \
    'malformed|extra bytes' "$OUT"
q mx1.raw.test A
t_grep "A: the address" '^mx1\.raw\.test\..*IN	A	192\.0\.2\.1$' "$OUT"
q mx1.raw.test AAAA
t_grep "NODATA: NOERROR" 'status: NOERROR' "$OUT"
t_grep "NODATA: no answer, the SOA" 'ANSWER: 0, AUTHORITY: 1' "$OUT"
q _tcp.mx1.raw.test TXT
t_grep "an empty non-terminal is NODATA" 'status: NOERROR' "$OUT"
q nope.raw.test A
t_grep "NXDOMAIN" 'status: NXDOMAIN' "$OUT"
t_grep "NXDOMAIN: the SOA" 'AUTHORITY: 1' "$OUT"
q example.com A
t_grep "another zone: REFUSED" 'status: REFUSED' "$OUT"
q raw.test SOA
t_grep "SOA" 'IN	SOA	ns\.raw\.test\. h\.raw\.test\. 7 ' "$OUT"
q big.raw.test TXT +noedns +ignore
t_grep "too big without EDNS: truncated" 'flags: qr aa tc;' "$OUT"
q big.raw.test TXT +bufsize=4096 +ignore
t_grep "more than 1232 octets: truncated" 'flags: qr aa tc;' "$OUT"
q mid.raw.test TXT +noedns +ignore
t_grep "900 octets without EDNS: truncated" 'flags: qr aa tc;' "$OUT"
q mid.raw.test TXT +bufsize=1232 +ignore
t_grep "900 octets with EDNS: whole" 'flags: qr aa;.* ANSWER: 4,' "$OUT"

kill "$pid"
st=0
wait "$pid" || st=$?
pid=""
t_eq "SIGTERM: exit 0" "$st" 0
if [ -e "$T/pid" ]; then
	not_ok "SIGTERM: the pidfile is removed"
else
	ok "SIGTERM: the pidfile is removed"
fi

t_cmd "usage: no zone file" 64 "$RAWDNS" 127.0.0.1 53 -
t_oneline_err "usage: one line"
t_cmd "a bad address" 64 "$RAWDNS" 127.0.0.300 53 - "$T/raw.zone"
t_cmd "a bad port" 64 "$RAWDNS" 127.0.0.1 70000 - "$T/raw.zone"
t_cmd "a zone file that is missing" 66 "$RAWDNS" 127.0.0.1 53 - \
    "$T/missing.zone"
t_oneline_err "a missing file: one line"
printf 'x IN A\n' > "$T/bad.zone"
t_cmd "a zone file that does not parse" 65 "$RAWDNS" 127.0.0.1 53 - \
    "$T/bad.zone"
t_oneline_err "a bad zone: one line"
t_done
