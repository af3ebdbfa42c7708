# tests/lab/lab_tlsa.sh - mxdane tlsa and the lab agree on TLSA data.
#
# The lab computes its TLSA digests with the openssl command line; mxdane
# tlsa computes them with the library. For the scenarios whose records are
# plain digests of one certificate, both must give the RRset that the lab
# resolver returns (validated).
. "$TOP/tests/lib.sh"
. "$TOP/lab/lib.sh"

if ! "$MXDANE" tlsa --help >/dev/null 2>&1; then
	t_skip "mxdane tlsa matches the lab's TLSA records" \
	    "mxdane tlsa is not built"
	t_done
fi
certs=$LAB_VAR/certs

# check NAME OWNER CERT TLSA_OPTIONS... - the RRset at OWNER is exactly
# what mxdane tlsa makes from CERT
check() {
	local name=$1 owner=$2 cert=$3 got want
	shift 3
	t_run "$MXDANE" tlsa "$@" "$certs/$cert.crt"
	want=$(tr 'A-F' 'a-f' < "$OUT" | sort)
	got=$(ip netns exec "$LAB_NS" dig +short +time=3 +tries=2 "$owner" TLSA |
	    awk '$1 ~ /^[0-9]+$/ {d = ""; for (i = 4; i <= NF; i++) d = d $i;
	    print $1, $2, $3, tolower(d)}' | sort)
	t_eq "$name: mxdane tlsa${*:+ $*} gives the RRset at $owner" "$got" "$want"
}

# dane-ee: current + next, the next key's certificate given first.
check dane-ee _25._tcp.mx1.dane-ee.test dane-ee "$certs/dane-ee-next.crt"
check dane-ee-cert _25._tcp.mx1.dane-ee-cert.test dane-ee-cert --selector 0
check dane-ee-sha512 _25._tcp.mx1.dane-ee-sha512.test dane-ee-sha512 --mtype 2
check dane-ta _25._tcp.mx1.dane-ta.test ca-int --usage 2
check dane-ta-full _25._tcp.mx1.dane-ta-full.test ca-root --usage 2
check tlsa-cname _25._tcp.mx1.tlsa-cname.test tlsa-cname
check long-ttl _25._tcp.mx1.long-ttl.test long-ttl

# And a mismatch is seen as one: the wrong-digest record is not the key
# the server has.
t_run "$MXDANE" tlsa "$certs/wrong-digest.crt"
want=$(tr 'A-F' 'a-f' < "$OUT")
got=$(ip netns exec "$LAB_NS" dig +short +time=3 +tries=2 \
    _25._tcp.mx1.wrong-digest.test TLSA |
    awk '$1 ~ /^[0-9]+$/ {d = ""; for (i = 4; i <= NF; i++) d = d $i;
    print $1, $2, $3, tolower(d)}')
if [ -n "$got" ] && [ "$got" != "$want" ]; then
	ok "wrong-digest: the published record is not the server's key"
else
	not_ok "wrong-digest: the published record is not the server's key"
fi

t_done
