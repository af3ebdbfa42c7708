# mxdane rollover without the lab: next-key, plan, and the gate's and
# retire's handling of bad input, bad state files and DNS that cannot
# work (never exit 0). The lab test tests/lab/rollover.sh does the rest.
. "$TOP/tests/lib.sh"

cd "$T" || exit 1
# A current certificate (with its chain) and a CA, made here.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca.key -out ca.crt -subj /CN=ca -days 3 \
    -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout cur.key -out cur.csr -subj /CN=mx.example.nl 2>/dev/null
openssl x509 -req -in cur.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -days 3 -out cur.crt 2>/dev/null
cat cur.crt ca.crt > cur.chain
cat ca.crt > other.chain
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout x.key -out x.crt -subj /CN=x -days 3 2>/dev/null

# --- next-key -------------------------------------------------------
t_cmd "next-key: ECDSA key and its record" 0 "$MXDANE" rollover next-key \
    --out next.key --host mx.example.nl --host mx2.example.nl
t_eq "next-key: one record per host" "$(grep -c ' IN TLSA 3 1 1 ' "$OUT")" 2
t_grep "next-key: the owner name" "^_25\\._tcp\\.mx2\\.example\\.nl\\. IN TLSA" \
    "$OUT"
t_eq "next-key: mode 0600" "$(stat -c %a next.key)" 600
t_eq "next-key: the record is the key's" \
    "$(awk 'NR == 1 {print $4, $5, $6, $7}' "$OUT")" \
    "$("$MXDANE" tlsa next.key | head -n 1)"
sum=$(sha256sum next.key)
t_cmd "next-key: an existing file is refused (73)" 73 "$MXDANE" rollover \
    next-key --out next.key
t_oneline_err "next-key: one line says so"
t_eq "next-key: the existing key is unchanged" "$(sha256sum next.key)" "$sum"
t_eq "next-key: no temporary file left" "$(ls next.key.* 2>/dev/null)" ""
ln -s "$T/nowhere" dangling.key
t_cmd "next-key: a dangling link is not followed (73)" 73 "$MXDANE" \
    rollover next-key --out dangling.key
t_eq "next-key: nothing made through the link" "$(ls nowhere 2>/dev/null)" ""
t_cmd "next-key: RSA 2048" 0 "$MXDANE" rollover next-key --out rsa.key \
    --algorithm rsa2048
t_grep "next-key: RSA key" "RSA 2048|2048 bit" \
    <(openssl pkey -in rsa.key -noout -text 2>&1 | head -n 1)
t_cmd "next-key: unknown algorithm (64)" 64 "$MXDANE" rollover next-key \
    --out x2.key --algorithm dsa
t_cmd "next-key: --out is required (64)" 64 "$MXDANE" rollover next-key
t_cmd "next-key: a folder that does not exist (66)" 66 "$MXDANE" rollover \
    next-key --out "$T/no/such/dir/k.pem"

# --- plan -----------------------------------------------------------
t_cmd "plan: current + next" 0 "$MXDANE" rollover plan --host mx.example.nl \
    --cert cur.crt --next-key next.key --ttl 300
t_grep "plan: current's record" \
    "IN TLSA $("$MXDANE" tlsa cur.crt | head -n 1)\$" "$OUT"
t_grep "plan: next key's record" \
    "IN TLSA $("$MXDANE" tlsa next.key | head -n 1)\$" "$OUT"
t_grep "plan: the wait" "600 s with TTL 300" "$OUT"
t_grep "plan: numbered steps" "^4\\. retire" "$OUT"
t_cmd "plan: current + issuer" 0 "$MXDANE" rollover plan --host mx.example.nl \
    --cert cur.crt --chain cur.chain
t_grep "plan: the issuer's 2 1 1" \
    "IN TLSA $("$MXDANE" tlsa --usage 2 ca.crt | head -n 1)\$" "$OUT"
t_cmd "plan: a chain that does not issue the certificate (65)" 65 \
    "$MXDANE" rollover plan --host mx.example.nl --cert x.crt --chain cur.chain
t_cmd "plan: the next key is the current key (65)" 65 "$MXDANE" rollover \
    plan --host mx.example.nl --cert cur.crt --next-key cur.key
t_cmd "plan: a certificate as next key (65)" 65 "$MXDANE" rollover plan \
    --host mx.example.nl --cert cur.crt --next-key x.crt
t_cmd "plan: both --next-key and --chain (64)" 64 "$MXDANE" rollover plan \
    --host mx.example.nl --cert cur.crt --next-key next.key --chain cur.chain
t_cmd "plan: no --host (64)" 64 "$MXDANE" rollover plan --cert cur.crt \
    --next-key next.key
t_cmd "plan: missing certificate (66)" 66 "$MXDANE" rollover plan \
    --host mx.example.nl --cert nothere.crt --next-key next.key

# --- gate: never GO when it cannot see ------------------------------
# No DNS here: a resolver that does not exist, and a trust anchor of ours.
printf '. IN DS 20326 8 2 %064d\n' 0 > ta.ds
nodns=(--trust-anchor ta.ds --resolver 127.0.0.1@9 --timeout 1)
t_cmd "gate: DNS that cannot work is UNKNOWN (3)" 3 "$MXDANE" rollover gate \
    --host mx.example.nl --cert cur.crt --state st "${nodns[@]}"
t_grep "gate: says DNS cannot work" "DNS cannot work" "$ERR"
t_cmd "gate: without --state either, UNKNOWN" 3 "$MXDANE" rollover gate \
    --host mx.example.nl --cert cur.crt "${nodns[@]}"
printf 'mxdane-rollover-state 1\nset ' > st
t_cmd "gate: a truncated state file, UNKNOWN here" 3 "$MXDANE" rollover gate \
    --host mx.example.nl --cert cur.crt --state st "${nodns[@]}"
t_grep "gate: the truncated file is named" "state file st: .*; kept as st.bad" \
    "$OUT"
t_eq "gate: the truncated file is kept aside, unchanged" "$(cat st.bad)" \
    "$(printf 'mxdane-rollover-state 1\nset ')"
printf 'mxdane-rollover-state 1\nset %064d\nhost mx.example.nl 1 2\nend\n' 7 \
    > st
t_cmd "gate: another host set's state file" 3 "$MXDANE" rollover gate \
    --host mx.example.nl --cert cur.crt --state st "${nodns[@]}"
t_grep "gate: says it is for another set" "another host set.*kept as st.old" \
    "$OUT"
t_eq "gate: the other set's file is kept" "$(grep -c '^host' st.old)" 1
mkdir stdir
t_cmd "gate: a state file that cannot be read (3)" 3 "$MXDANE" rollover gate \
    --host mx.example.nl --cert cur.crt --state stdir "${nodns[@]}"
t_grep "gate: nothing changed" "nothing changed" "$ERR"
t_cmd "gate: MXDANE_NOW that is not a time (64)" 64 env MXDANE_NOW=soon \
    "$MXDANE" rollover gate --host mx.example.nl --cert cur.crt "${nodns[@]}"
t_cmd "gate: a key is not a certificate (65)" 65 "$MXDANE" rollover gate \
    --host mx.example.nl --cert next.key "${nodns[@]}"
t_cmd "gate: --resolver and --recursive (64)" 64 "$MXDANE" rollover gate \
    --host mx.example.nl --cert cur.crt --resolver 127.0.0.1 --recursive
t_cmd "gate: a bad host name (65)" 65 "$MXDANE" rollover gate \
    --host 'bad..name' --cert cur.crt "${nodns[@]}"

# --- retire ---------------------------------------------------------
t_cmd "retire: --publish without --zone (64)" 64 "$MXDANE" rollover retire \
    --host mx.example.nl --cert cur.crt --publish
t_cmd "retire: DNS that cannot work is UNKNOWN (3)" 3 "$MXDANE" rollover \
    retire --host mx.example.nl --cert cur.crt "${nodns[@]}"
t_cmd "rollover: unknown verb (64)" 64 "$MXDANE" rollover frobnicate
t_cmd "rollover --help" 0 "$MXDANE" rollover --help
t_grep "--help: the gate's synopsis" "rollover gate --host" "$OUT"
t_done
