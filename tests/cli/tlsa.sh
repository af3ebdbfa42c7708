# tests/cli/tlsa.sh - mxdane tlsa against independent oracles: the
# how-to's openssl pipelines, hash-slinger's "tlsa --create" and ldns-dane,
# both offline (they read the certificate file given with --certificate /
# -c and make no connection). Keys and certificates are made here.
. "$TOP/tests/lib.sh"

cd "$T" || exit 1
export NO_COLOR=1

# ------------------------------------------------------------------
# Set-up: keys, self-signed certificates, a small CA, DER forms.
# ------------------------------------------------------------------
q() { "$@" >/dev/null 2>&1; }
selfsigned() {	# NAME KEYSPEC... - NAME.key and NAME.pem for mail.NAME.test
	local n=$1
	shift
	q openssl req -x509 -nodes -newkey "$@" -keyout "$n.key" -out "$n.pem" \
	    -days 30 -subj "/CN=mail.$n.test"
}
selfsigned rsa2048 rsa:2048
selfsigned rsa4096 rsa:4096
selfsigned rsa1024 rsa:1024
selfsigned p256 ec -pkeyopt ec_paramgen_curve:P-256
selfsigned p384 ec -pkeyopt ec_paramgen_curve:P-384
selfsigned ed25519 ed25519

# ca NAME SIGNER - a CA certificate NAME.pem (self-signed without SIGNER)
ca() {
	local n=$1 signer=${2:-}
	q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$n.key"
	if [ -z "$signer" ]; then
		q openssl req -x509 -new -key "$n.key" -out "$n.pem" -days 60 \
		    -subj "/O=mxdane test/CN=$n" \
		    -addext basicConstraints=critical,CA:TRUE \
		    -addext keyUsage=critical,keyCertSign,cRLSign
	else
		q openssl req -new -key "$n.key" -out "$n.csr" \
		    -subj "/O=mxdane test/CN=$n"
		printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > "$n.ext"
		q openssl x509 -req -in "$n.csr" -CA "$signer.pem" \
		    -CAkey "$signer.key" -CAcreateserial -out "$n.pem" -days 60 \
		    -extfile "$n.ext"
	fi
}
ca root
ca inter root
ca root2
ca inter2 root2
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout leaf.key -out leaf.csr -subj "/CN=mail.example.test"
printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:mail.example.test\n' \
    > leaf.ext
q openssl x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key \
    -CAcreateserial -out leaf.pem -days 30 -extfile leaf.ext
cat inter.pem root.pem > bundle.pem		# the CA's bundle file
cat root.pem inter.pem > bundle-rev.pem		# the same, other order
cat leaf.pem inter.pem root.pem > fullchain.pem
cat leaf.pem inter.pem > chain-noroot.pem
cat inter2.pem root2.pem > other-bundle.pem
cat leaf.key leaf.pem inter.pem > combined.pem	# Postfix chain file
cat p256.key rsa2048.pem > mismatch.pem

# Other forms of the same keys.
q openssl x509 -in rsa2048.pem -outform DER -out rsa2048.der
q openssl pkey -in p256.key -pubout -out p256.pub
q openssl pkey -in p256.key -pubout -outform DER -out p256.pub.der
q openssl pkey -in p256.key -outform DER -out p256.key.der
q openssl rsa -in rsa2048.key -traditional -out rsa2048.trad.key
q openssl req -new -key p256.key -subj /CN=mail.p256.test -out p256.csr
q openssl req -in p256.csr -outform DER -out p256.csr.der
q openssl ecparam -name prime256v1 -genkey -out p256.ecparam.key
q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out next.key
q openssl pkey -in p256.key -aes256 -passout pass:secret -out enc.key
q openssl pkcs8 -topk8 -in p256.key -v2 aes256 -passout pass:secret \
    -outform DER -out enc.key.der
q openssl rsa -in rsa2048.key -aes256 -traditional -passout pass:secret \
    -out enc-trad.key
q openssl ecparam -name prime256v1 -out params.pem
# An expired self-signed CA (openssl ca can set past dates).
mkdir cadb
: > cadb/index.txt
echo 01 > cadb/serial
printf '[ca]\ndefault_ca = d\n[d]\ndatabase = cadb/index.txt\nserial = cadb/serial\nnew_certs_dir = cadb\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\norganizationName = optional\n' > old.cnf
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n' \
    > old.ext
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout old.key -out old.csr -subj "/O=mxdane test/CN=old root"
q openssl ca -batch -config old.cnf -selfsign -keyfile old.key -in old.csr \
    -out old.pem -startdate 20200101000000Z -enddate 20210101000000Z \
    -extfile old.ext -notext
# A request whose signature was damaged in its last octet.
python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[-1] ^= 0x55; open(sys.argv[2], "wb").write(d)' \
    p256.csr.der bad.csr.der
: > empty.pem
printf 'hello, this is not a certificate\n' > garbage.txt
head -c 600 /dev/urandom > random.bin
mkdir adir

for f in rsa2048.pem rsa4096.pem rsa1024.pem p256.pem p384.pem ed25519.pem \
    leaf.pem inter.pem root.pem enc.key enc.key.der p256.csr.der old.pem \
    bad.csr.der; do
	[ -s "$f" ] || { echo "not ok - set-up made no $f"; exit 1; }
done

# oracle: SHA-256 or SHA-512 of a certificate's SPKI or DER
spki() {	# CERT [sha256|sha512]
	openssl x509 -in "$1" -noout -pubkey |
	    openssl pkey -pubin -outform DER | openssl "${2:-sha256}" -r |
	    cut -d' ' -f1
}
certhash() {	# CERT [sha256|sha512]
	openssl x509 -in "$1" -outform DER | openssl "${2:-sha256}" -r |
	    cut -d' ' -f1
}
rdata() { cut -d' ' -f4- "$OUT"; }

# want_err DESC STATUS REGEX CMD... - fails with STATUS, one line matching
want_err() {
	local desc=$1 st=$2 re=$3
	shift 3
	t_cmd "$desc: exit $st" "$st" "$@"
	t_oneline_err "$desc: one line on stderr, nothing on stdout"
	t_grep "$desc: message" "$re" "$ERR"
}

# ------------------------------------------------------------------
# 3 1 1, 3 0 1 and x x 2 against the how-to's openssl pipelines.
# ------------------------------------------------------------------
for c in rsa2048 rsa4096 p256 p384 ed25519; do
	t_cmd "$c: 3 1 1" 0 "$MXDANE" tlsa "$c.pem"
	t_eq "$c: 3 1 1 = openssl pipeline" "$(cat "$OUT")" \
	    "3 1 1 $(spki "$c.pem")"
	t_cmd "$c: 3 0 1" 0 "$MXDANE" tlsa --selector 0 "$c.pem"
	t_eq "$c: 3 0 1 = sha256 of the DER certificate" "$(cat "$OUT")" \
	    "3 0 1 $(certhash "$c.pem")"
	t_cmd "$c: 3 1 2" 0 "$MXDANE" tlsa --mtype 2 "$c.pem"
	t_eq "$c: 3 1 2 = sha512 of the SPKI" "$(cat "$OUT")" \
	    "3 1 2 $(spki "$c.pem" sha512)"
	t_cmd "$c: 3 0 2" 0 "$MXDANE" tlsa --selector 0 --mtype 2 "$c.pem"
	t_eq "$c: 3 0 2 = sha512 of the DER certificate" "$(cat "$OUT")" \
	    "3 0 2 $(certhash "$c.pem" sha512)"
	t_cmd "$c: 3 1 0" 0 "$MXDANE" tlsa --mtype 0 "$c.pem"
	t_eq "$c: 3 1 0 = the DER SPKI" "$(rdata)" "$(openssl x509 -in "$c.pem" \
	    -noout -pubkey | openssl pkey -pubin -outform DER | od -An -v -tx1 |
	    tr -d ' \n')"
	t_cmd "$c: 3 0 0" 0 "$MXDANE" tlsa --selector 0 --mtype 0 "$c.pem"
	t_eq "$c: 3 0 0 = the DER certificate" "$(rdata)" "$(openssl x509 \
	    -in "$c.pem" -outform DER | od -An -v -tx1 | tr -d ' \n')"
done

# hash-slinger and ldns-dane, offline, on local certificate files.
if command -v tlsa >/dev/null 2>&1; then
	for c in rsa2048 p256 ed25519; do
		for sm in "1 1" "0 1" "1 2" "0 2"; do
			set -- $sm
			want=$(timeout 20 tlsa --create --certificate "$c.pem" \
			    --usage 3 --selector "$1" --mtype "$2" --port 25 \
			    --output rfc "mail.$c.test" 2>/dev/null |
			    sed -n 's/.* IN TLSA //p')
			t_cmd "$c 3 $sm: mxdane" 0 "$MXDANE" tlsa --selector "$1" \
			    --mtype "$2" --host "mail.$c.test" "$c.pem"
			t_eq "$c 3 $sm = hash-slinger tlsa --create" "$(rdata |
			    sed 's/^TLSA //')" "$want"
		done
	done
else
	t_skip "hash-slinger oracle" "tlsa (hash-slinger) not installed"
fi
if command -v ldns-dane >/dev/null 2>&1; then
	for c in rsa4096 p384; do
		want=$(timeout 20 ldns-dane -n -c "$c.pem" create "mail.$c.test" \
		    25 3 1 1 2>/dev/null | awk '{print $5, $6, $7, $8}')
		t_cmd "$c: mxdane --host" 0 "$MXDANE" tlsa --host "mail.$c.test" \
		    --ttl 3600 "$c.pem"
		t_eq "$c: owner, TTL and data = ldns-dane create" \
		    "$(cat "$OUT")" \
		    "$(timeout 20 ldns-dane -n -c "$c.pem" create \
		    "mail.$c.test" 25 3 1 1 2>/dev/null | tr '\t' ' ')"
		t_eq "$c: 3 1 1 = ldns-dane" "$(cut -d' ' -f5- "$OUT")" "$want"
	done
	# ldns-dane -o 0 picks the last certificate of the chain file.
	want=$(timeout 20 ldns-dane -n -c fullchain.pem -o 0 create \
	    mail.example.test 25 2 1 1 2>/dev/null | awk '{print $5,$6,$7,$8}')
	t_cmd "fullchain: 2 1 1 of the root" 0 "$MXDANE" tlsa --usage 2 \
	    fullchain.pem
	t_eq "2 1 1 of the root = ldns-dane -o 0" "$(cat "$OUT")" "$want"
else
	t_skip "ldns-dane oracle" "ldns-dane not installed"
fi

# ------------------------------------------------------------------
# Every kind of input gives the same 3 1 1 for the same key.
# ------------------------------------------------------------------
want="3 1 1 $(spki p256.pem)"
for f in p256.pem p256.key p256.pub p256.pub.der p256.key.der p256.csr \
    p256.csr.der; do
	t_cmd "$f: accepted" 0 "$MXDANE" tlsa "$f"
	t_eq "$f: same 3 1 1 as the certificate" "$(cat "$OUT")" "$want"
	t_nogrep "$f: no private key material on stdout" "PRIVATE|BEGIN" "$OUT"
done
for f in rsa2048.der rsa2048.key rsa2048.trad.key; do
	t_cmd "$f: accepted" 0 "$MXDANE" tlsa "$f"
	t_eq "$f: same 3 1 1 as rsa2048.pem" "$(cat "$OUT")" \
	    "3 1 1 $(spki rsa2048.pem)"
done
t_cmd "openssl ecparam -genkey output (EC PARAMETERS block)" 0 \
    "$MXDANE" tlsa p256.ecparam.key
t_eq "ecparam key: 3 1 1 of its public key" "$(cat "$OUT")" \
    "3 1 1 $(openssl pkey -in p256.ecparam.key -pubout -outform DER |
    openssl sha256 -r | cut -d' ' -f1)"
t_cmd "Postfix chain file (key + leaf + intermediate)" 0 "$MXDANE" tlsa \
    combined.pem
t_eq "combined: 3 1 1 of the leaf" "$(cat "$OUT")" "3 1 1 $(spki leaf.pem)"
t_cmd "selector 0 of a key is refused" 65 "$MXDANE" tlsa --selector 0 p256.key
t_oneline_err "selector 0 of a key: one line"
t_grep "selector 0 of a key: says why" "needs a certificate" "$ERR"

# ------------------------------------------------------------------
# Zone-file lines, hosts, ports, TTLs.
# ------------------------------------------------------------------
t_cmd "two hosts, two files" 0 "$MXDANE" tlsa --host mail1.example.nl \
    --host MAIL2.Example.NL. --ttl 1800 p256.pem rsa2048.pem
t_lines "two hosts x two files = 4 lines" 4 "$OUT"
t_eq "first line" "$(sed -n 1p "$OUT")" \
    "_25._tcp.mail1.example.nl. 1800 IN TLSA 3 1 1 $(spki p256.pem)"
t_eq "host names are normalised" "$(sed -n 4p "$OUT")" \
    "_25._tcp.mail2.example.nl. 1800 IN TLSA 3 1 1 $(spki rsa2048.pem)"
t_cmd "port and no TTL" 0 "$MXDANE" tlsa --host mx.example.nl --port 465 \
    p256.pem
t_eq "port 465 owner, no TTL field" "$(cat "$OUT")" \
    "_465._tcp.mx.example.nl. IN TLSA 3 1 1 $(spki p256.pem)"
t_cmd "IDN host" 0 "$MXDANE" tlsa --host "mail.b$(printf '\303\274')cher.example" \
    p256.pem
t_grep "IDN host becomes its A-label" \
    "^_25\._tcp\.mail\.xn--bcher-kva\.example\. IN TLSA 3 1 1 " "$OUT"
t_cmd "same host twice: one line" 0 "$MXDANE" tlsa --host a.example \
    --host A.EXAMPLE. p256.pem
t_lines "duplicate host dropped" 1 "$OUT"
t_cmd "same key twice: one record" 0 "$MXDANE" tlsa p256.pem p256.key
t_lines "duplicate record dropped" 1 "$OUT"
t_cmd "zone lines load into a zone (ldns-read-zone)" 0 "$MXDANE" tlsa \
    --host mail.example.nl --ttl 3600 rsa2048.pem p256.pem
if command -v ldns-read-zone >/dev/null 2>&1; then
	cp "$OUT" zone.txt
	t_cmd "ldns-read-zone accepts the lines" 0 ldns-read-zone zone.txt
	t_lines "both records read back" 2 "$OUT"
else
	t_skip "ldns-read-zone accepts the lines" "ldnsutils not installed"
fi

# ------------------------------------------------------------------
# Bundles: --list, roles, --issuer.
# ------------------------------------------------------------------
t_cmd "--list fullchain" 0 "$MXDANE" tlsa --list fullchain.pem
t_grep "list: three certificates" "^fullchain.pem: certificate bundle, 3 certificates" "$OUT"
t_grep "list: [0] is the leaf" '^\[0\] leaf$' "$OUT"
t_grep "list: [1] is the intermediate" '^\[1\] intermediate$' "$OUT"
t_grep "list: [2] is the root" '^\[2\] root$' "$OUT"
t_grep "list: leaf issued by [1]" '^  issued by:  \[1\]$' "$OUT"
t_grep "list: root issued by itself" '^  issued by:  itself$' "$OUT"
t_grep "list: subject" '^  subject:    O = mxdane test, CN = inter$' "$OUT"
t_grep "list: key" '^  key:        EC P-256$' "$OUT"
t_grep "list: validity" '^  valid:      20[0-9-]+T[0-9:]+Z to 20' "$OUT"
t_grep "list: 2 1 1 of the root" "^  2 1 1      $(spki root.pem)\$" "$OUT"
t_grep "list: 2 1 1 of the intermediate" "^  2 1 1      $(spki inter.pem)\$" "$OUT"
t_grep "list: 3 1 1 of the leaf" "^  3 1 1      $(spki leaf.pem)\$" "$OUT"
t_cmd "--list of keys, RSA sizes" 0 "$MXDANE" tlsa --list p256.key \
    rsa4096.pem ed25519.pem p384.pem
t_grep "list: private key kind" '^p256.key: private key$' "$OUT"
t_grep "list: RSA 4096" 'key: +RSA 4096' "$OUT"
t_grep "list: Ed25519" 'key: +Ed25519' "$OUT"
t_grep "list: P-384" 'key: +EC P-384' "$OUT"
t_cmd "--list --json" 0 "$MXDANE" tlsa --list --json bundle-rev.pem
cp "$OUT" list.json
t_cmd "list JSON parses" 0 python3 -m json.tool list.json
t_eq "list JSON: roles in file order" \
    "$(jq -r '.[] | .role' list.json | tr '\n' ' ')" "root intermediate "
t_eq "list JSON: intermediate issued_by the root (index 0)" \
    "$(jq -r '.[1].issued_by' list.json)" "0"
t_eq "list JSON: root issued_by null" "$(jq -r '.[0].issued_by' list.json)" \
    "null"
t_eq "list JSON: spki_sha256" "$(jq -r '.[0].spki_sha256' list.json)" \
    "$(spki root.pem)"
t_eq "list JSON: key bits" "$(jq -r '.[0].key_bits' list.json)" "256"

t_cmd "usage 2 on a bundle: root preferred" 0 "$MXDANE" tlsa --usage 2 \
    bundle.pem
t_eq "default issuer is the root" "$(cat "$OUT")" "2 1 1 $(spki root.pem)"
t_cmd "usage 2, root first in the file" 0 "$MXDANE" tlsa --usage 2 \
    bundle-rev.pem
t_eq "order in the file does not matter" "$(cat "$OUT")" \
    "2 1 1 $(spki root.pem)"
t_cmd "--issuer intermediate" 0 "$MXDANE" tlsa --issuer intermediate \
    fullchain.pem
t_eq "--issuer intermediate (implies usage 2)" "$(cat "$OUT")" \
    "2 1 1 $(spki inter.pem)"
t_cmd "--issuer 1" 0 "$MXDANE" tlsa --issuer 1 --chain bundle.pem leaf.pem
t_eq "--issuer 1 is the leaf's issuer" "$(cat "$OUT")" \
    "2 1 1 $(spki inter.pem)"
t_cmd "--issuer 2" 0 "$MXDANE" tlsa --issuer 2 --selector 0 fullchain.pem
t_eq "--issuer 2 --selector 0 is 2 0 1 of the root" "$(cat "$OUT")" \
    "2 0 1 $(certhash root.pem)"
want_err "--issuer 3 beyond the chain" 65 \
    "fullchain.pem: no certificate at depth 3" \
    "$MXDANE" tlsa --issuer 3 fullchain.pem
want_err "--issuer root without a root" 65 \
    "chain-noroot.pem: no root certificate issues the leaf" \
    "$MXDANE" tlsa --issuer root chain-noroot.pem
t_cmd "default issuer without a root: the top intermediate" 0 \
    "$MXDANE" tlsa --usage 2 chain-noroot.pem
t_eq "top intermediate" "$(cat "$OUT")" "2 1 1 $(spki inter.pem)"
t_grep "advice: no root in the chain" "advice: chain-noroot.pem has no root certificate" "$ERR"
t_cmd "--issuer intermediate when the root signs the leaf directly" 65 \
    "$MXDANE" tlsa --issuer intermediate --chain bundle.pem inter.pem
t_oneline_err "no intermediate: one line"

# ------------------------------------------------------------------
# Roll-over sets.
# ------------------------------------------------------------------
t_cmd "current+next" 0 "$MXDANE" tlsa --rollover current+next \
    --next-key next.key --host mail.example.nl --host mx2.example.nl \
    --ttl 3600 p256.pem
t_lines "current+next: 2 records x 2 hosts" 4 "$OUT"
t_eq "current+next: current first" "$(sed -n 1p "$OUT")" \
    "_25._tcp.mail.example.nl. 3600 IN TLSA 3 1 1 $(spki p256.pem)"
t_eq "current+next: then next" "$(sed -n 2p "$OUT")" \
    "_25._tcp.mail.example.nl. 3600 IN TLSA 3 1 1 $(openssl pkey -in next.key \
    -pubout -outform DER | openssl sha256 -r | cut -d' ' -f1)"
t_grep "current+next: second host" "^_25\._tcp\.mx2\.example\.nl\. 3600 IN TLSA 3 1 1 $(spki p256.pem)\$" "$OUT"
t_cmd "current+next with a CSR and a public key as next keys" 0 \
    "$MXDANE" tlsa --rollover current+next --next-key p384.pem \
    --next-key ed25519.key rsa2048.pem
t_lines "three records" 3 "$OUT"
want_err "next key equal to the current key" 65 \
    "next-key p256.csr has the same key as the current p256.pem" \
    "$MXDANE" tlsa --rollover current+next --next-key p256.csr p256.pem
t_cmd "current+issuer with --chain" 0 "$MXDANE" tlsa --rollover \
    current+issuer --chain bundle.pem --host mail.example.test leaf.pem
t_lines "current+issuer: two lines" 2 "$OUT"
t_eq "current+issuer: 3 1 1 of the leaf" "$(sed -n 1p "$OUT")" \
    "_25._tcp.mail.example.test. IN TLSA 3 1 1 $(spki leaf.pem)"
t_eq "current+issuer: 2 1 1 of the root" "$(sed -n 2p "$OUT")" \
    "_25._tcp.mail.example.test. IN TLSA 2 1 1 $(spki root.pem)"
t_eq "current+issuer: no advice" "$(cat "$ERR")" ""
t_cmd "current+issuer from a full chain, --issuer intermediate" 0 \
    "$MXDANE" tlsa --rollover current+issuer --issuer intermediate \
    fullchain.pem
t_eq "current+issuer: 3 1 1 + 2 1 1 of the intermediate" \
    "$(tr '\n' '|' < "$OUT")" \
    "3 1 1 $(spki leaf.pem)|2 1 1 $(spki inter.pem)|"
t_cmd "current+issuer with a bundle that does not issue the leaf" 0 \
    "$MXDANE" tlsa --rollover current+issuer --chain other-bundle.pem \
    leaf.pem
t_grep "advice: bundle does not issue the leaf" \
    "^mxdane tlsa: advice: other-bundle.pem does not issue the leaf 'CN = mail.example.test' of leaf.pem" \
    "$ERR"
t_nogrep "advice never on stdout" "advice" "$OUT"
want_err "current+issuer without any CA" 65 \
    "p256.pem: holds no CA certificate; give the chain" \
    "$MXDANE" tlsa --rollover current+issuer p256.pem

# ------------------------------------------------------------------
# JSON.
# ------------------------------------------------------------------
t_cmd "--json with hosts" 0 "$MXDANE" tlsa --json --host mail.example.nl \
    --host mx.example.nl --ttl 3600 --rollover current+issuer \
    --chain bundle.pem leaf.pem
cp "$OUT" rec.json
t_cmd "record JSON parses" 0 python3 -m json.tool rec.json
t_eq "JSON: one object per record and host" "$(jq length rec.json)" 4
t_eq "JSON: fields of the first" "$(jq -r '.[0] | [.host, .owner, .port,
    .ttl, .usage, .selector, .mtype, .role, .file, .kind, .subject] |
    @tsv' rec.json)" "$(printf 'mail.example.nl\t_25._tcp.mail.example.nl.\t25\t3600\t3\t1\t1\tcurrent\tleaf.pem\tcertificate\tCN = mail.example.test')"
t_eq "JSON: data" "$(jq -r '.[0].data' rec.json)" "$(spki leaf.pem)"
t_eq "JSON: rdata" "$(jq -r '.[1].rdata' rec.json)" "2 1 1 $(spki root.pem)"
t_eq "JSON: issuer subject" "$(jq -r '.[1].subject' rec.json)" \
    "O = mxdane test, CN = root"
t_cmd "--json without hosts, a key" 0 "$MXDANE" tlsa --json p256.key
cp "$OUT" key.json
t_eq "JSON: nulls without host, subject null for a key" \
    "$(jq -c '.[0] | [.host, .owner, .port, .ttl, .subject, .kind]' key.json)" \
    '[null,null,null,null,null,"private key"]'

# ------------------------------------------------------------------
# Advice: stderr only, one line each, exit 0.
# ------------------------------------------------------------------
advice() {	# DESC REGEX ARGS...
	local desc=$1 re=$2
	shift 2
	t_cmd "$desc: exit 0" 0 "$MXDANE" tlsa "$@"
	t_grep "$desc: advice" "^mxdane tlsa: advice: .*$re" "$ERR"
	t_nogrep "$desc: not on stdout" "advice" "$OUT"
	t_lines "$desc: the record is still printed" 1 "$OUT"
}
advice "selector 0" "prefer selector 1.*2 0 1" --selector 0 p256.pem
advice "usage 1" "usage 1 \(PKIX-EE\) is not used by SMTP.*7672" --usage 1 \
    p256.pem
advice "usage 0" "usage 0 \(PKIX-TA\)" --usage 0 bundle.pem
advice "Full(0) on large data" "matching type 0 \(Full\) puts [0-9]+ octets.*10\.1\.2" \
    --mtype 0 rsa2048.pem
advice "RSA 1024" "rsa1024.pem: the RSA key has only 1024 bits" rsa1024.pem
advice "usage 2 on a leaf" "usage 2 on the leaf certificate" --usage 2 leaf.pem
advice "usage 3 on a CA" "usage 3 on the CA certificate 'O = mxdane test, CN = inter'" \
    inter.pem
advice "usage 2 on a CSR" "certificate request is for a server" --usage 2 \
    p256.csr
advice "expired CA in a usage 2 record" \
    "old.pem: the certificate 'CN = old root, O = mxdane test' expired on 2021-01-01T00:00:00Z.*DANE-TA" \
    --usage 2 old.pem
t_cmd "expired self-signed certificate, usage 3" 0 "$MXDANE" tlsa old.pem
t_eq "DANE-EE ignores dates: no advice" "$(cat "$ERR")" ""
t_cmd "--list marks an expired certificate" 0 "$MXDANE" tlsa --list old.pem
t_grep "list: (expired)" "^  valid:      2020-01-01T00:00:00Z to 2021-01-01T00:00:00Z \(expired\)\$" "$OUT"
t_cmd "--list --json: expired" 0 "$MXDANE" tlsa --list --json old.pem fullchain.pem
cp "$OUT" exp.json
t_eq "JSON expired flags" "$(jq -c '[.[].expired]' exp.json)" \
    '[true,false,false,false]'
t_cmd "3 1 1 of a good key: no advice" 0 "$MXDANE" tlsa --host a.example p256.pem
t_eq "no advice for 3 1 1" "$(cat "$ERR")" ""
t_cmd "Ed25519 3 1 0 is small: no Full advice" 0 "$MXDANE" tlsa --mtype 0 \
    ed25519.pem
t_eq "no advice for a 44-octet SPKI" "$(cat "$ERR")" ""

# ------------------------------------------------------------------
# Bad input: one line on stderr, nothing on stdout, defined status.
# ------------------------------------------------------------------
want_err "missing file" 66 "no-such.pem: cannot open" \
    "$MXDANE" tlsa p256.pem no-such.pem
want_err "a directory" 66 "adir: not a regular file" "$MXDANE" tlsa adir
if [ "$(id -u)" != 0 ]; then
	cp p256.pem unreadable.pem
	chmod 000 unreadable.pem
	want_err "unreadable file" 66 "unreadable.pem: cannot open" \
	    "$MXDANE" tlsa unreadable.pem
else
	t_skip "unreadable file" "root reads every file"
fi
want_err "empty file" 65 "empty.pem: the file is empty" "$MXDANE" tlsa \
    empty.pem
want_err "not a certificate" 65 "garbage.txt: not a certificate, private key" \
    "$MXDANE" tlsa garbage.txt
want_err "random bytes" 65 "random.bin: not a certificate" "$MXDANE" tlsa \
    random.bin
want_err "PEM without certificate or key" 65 \
    "params.pem: holds no certificate, private key" "$MXDANE" tlsa params.pem
want_err "empty --chain bundle" 65 "holds no certificate" "$MXDANE" tlsa \
    --usage 2 --chain params.pem leaf.pem
want_err "--chain that is a key" 65 "--chain p256.key: holds a private key" \
    "$MXDANE" tlsa --usage 2 --chain p256.key leaf.pem
want_err "encrypted PKCS#8 key" 65 "enc.key: the private key is encrypted" \
    "$MXDANE" tlsa enc.key
want_err "encrypted DER key" 65 "enc.key.der: the private key is encrypted" \
    "$MXDANE" tlsa enc.key.der
want_err "encrypted traditional key" 65 "enc-trad.key: the private key is encrypted" \
    "$MXDANE" tlsa enc-trad.key
t_cmd "encrypted key: no prompt even on a terminal-less stdin" 65 \
    "$MXDANE" tlsa enc.key < /dev/null
want_err "damaged certificate request" 65 \
    "bad.csr.der: the certificate request's signature does not verify" \
    "$MXDANE" tlsa bad.csr.der
want_err "key does not belong to its certificate" 65 \
    "mismatch.pem: the private key in the file does not belong to its certificate 'CN = mail.rsa2048.test'" \
    "$MXDANE" tlsa mismatch.pem
want_err "next key equal to the current" 65 "same key as the current" \
    "$MXDANE" tlsa --rollover current+next --next-key p256.key p256.pem
want_err "bad host name" 64 "host name 'bad_host.example': underscore" \
    "$MXDANE" tlsa --host bad_host.example p256.pem
want_err "host label too long" 64 "longer than 63" \
    "$MXDANE" tlsa --host "$(printf '%070d' 0 | tr 0 a).example" p256.pem
want_err "host is an address" 64 "is an address" \
    "$MXDANE" tlsa --host 192.0.2.1 p256.pem
want_err "host with a space" 64 "only letters, digits" \
    "$MXDANE" tlsa --host "mail example" p256.pem
want_err "usage out of range" 64 "--usage '4' is not 0-3" \
    "$MXDANE" tlsa --usage 4 p256.pem
want_err "selector out of range" 64 "--selector '2'" \
    "$MXDANE" tlsa --selector 2 p256.pem
want_err "mtype out of range" 64 "--mtype '3'" "$MXDANE" tlsa --mtype 3 p256.pem
want_err "mtype not a number" 64 "--mtype 'x1'" "$MXDANE" tlsa --mtype x1 p256.pem
want_err "port 0" 64 "--port '0'" "$MXDANE" tlsa --host a.example --port 0 \
    p256.pem
want_err "port 65536" 64 "--port '65536'" "$MXDANE" tlsa --host a.example \
    --port 65536 p256.pem
want_err "negative TTL" 64 "--ttl '-1'" "$MXDANE" tlsa --host a.example \
    --ttl -1 p256.pem
want_err "TTL without host" 64 "need --host" "$MXDANE" tlsa --ttl 60 p256.pem
want_err "bad --issuer" 64 "--issuer 'top'" "$MXDANE" tlsa --issuer top \
    bundle.pem
want_err "--issuer 0" 64 "--issuer '0'" "$MXDANE" tlsa --issuer 0 bundle.pem
want_err "--issuer with usage 3" 64 "need --usage 2" "$MXDANE" tlsa \
    --issuer root --usage 3 fullchain.pem
want_err "bad --rollover" 64 "--rollover 'next'" "$MXDANE" tlsa \
    --rollover next p256.pem
want_err "--rollover with --usage" 64 "drop --usage" "$MXDANE" tlsa \
    --rollover current+next --next-key next.key --usage 3 p256.pem
want_err "current+next without --next-key" 64 "needs --next-key" \
    "$MXDANE" tlsa --rollover current+next p256.pem
want_err "--next-key without current+next" 64 "--next-key is for" \
    "$MXDANE" tlsa --next-key next.key p256.pem
want_err "--list with record options" 64 "--list takes no record options" \
    "$MXDANE" tlsa --list --host a.example p256.pem
want_err "no FILE" 64 "no FILE given" "$MXDANE" tlsa --host a.example
want_err "unknown option" 64 "unknown option '--bogus'" "$MXDANE" tlsa \
    --bogus p256.pem
want_err "option without its value" 64 "option '--host' needs a value" \
    "$MXDANE" tlsa p256.pem --host
want_err "missing --next-key file" 66 "missing.key: cannot open" \
    "$MXDANE" tlsa --rollover current+next --next-key missing.key p256.pem
want_err "missing --chain file" 66 "missing.pem: cannot open" \
    "$MXDANE" tlsa --usage 2 --chain missing.pem leaf.pem

# ------------------------------------------------------------------
# Help and the command table.
# ------------------------------------------------------------------
t_cmd "--help" 0 "$MXDANE" tlsa --help
t_grep "help shows the synopsis" "^  mxdane tlsa \[--host H\]" "$OUT"
t_grep "help shows --rollover" "^--rollover SCHEME" "$OUT"
t_cmd "mxdane help tlsa" 0 "$MXDANE" help tlsa
t_grep "help tlsa is the same text" "^--next-key KEY" "$OUT"
t_cmd "mxdane help lists tlsa" 0 "$MXDANE" help
t_grep "tlsa in the command list" "^  tlsa " "$OUT"

t_done
