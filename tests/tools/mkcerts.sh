#!/bin/sh
# mkcerts.sh DIR [NAME] - make the test PKI that the SMTP tests serve with
# labsmtpd: a root CA, an intermediate CA, and leaves for NAME (default
# mx.test) signed by the intermediate. Keys are made fresh every run;
# nothing is downloaded. Files in DIR:
#
#   root.pem root.key       self-signed root ("mxdane test root")
#   int.pem int.key         intermediate CA, signed by the root
#   rsa.pem rsa.key         RSA 2048 leaf for NAME
#   ec.pem ec.key           ECDSA P-256 leaf for NAME
#   expired.pem expired.key RSA leaf for NAME, expired a day ago
#   other.pem other.key     RSA leaf for other.invalid (matches no name)
#   self.pem self.key       self-signed RSA leaf for NAME
#   X-leaf.pem              the leaf only            (X: rsa ec expired other)
#   X-int.pem               leaf + intermediate
#   X-full.pem              leaf + intermediate + root
set -eu
dir=${1:?usage: mkcerts.sh DIR [NAME]}
name=${2:-mx.test}
mkdir -p "$dir"
cd "$dir"

cat > ext.cnf <<EOF
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:$name
[other]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.invalid
EOF

rsakey() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$1" 2>/dev/null; }
eckey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$1" 2>/dev/null; }

# sign KEY CN ISSUER SECTION DAYS OUT
sign() {
	openssl req -new -key "$1" -subj "/CN=$2" -out req.csr 2>/dev/null
	openssl x509 -req -in req.csr -CA "$3.pem" -CAkey "$3.key" \
	    -CAcreateserial -days "$5" -extfile ext.cnf -extensions "$4" \
	    -out "$6" 2>/dev/null
}

rsakey root.key
openssl req -x509 -new -key root.key -subj "/CN=mxdane test root" \
    -days 30 -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem 2>/dev/null
rsakey int.key
sign int.key "mxdane test intermediate" root ca 30 int.pem

rsakey rsa.key
sign rsa.key "$name" int leaf 30 rsa.pem
eckey ec.key
sign ec.key "$name" int leaf 30 ec.pem
rsakey expired.key
# -days -1: the certificate's notAfter is a day before its notBefore (now).
sign expired.key "$name" int leaf -1 expired.pem
rsakey other.key
sign other.key other.invalid int other 30 other.pem
rsakey self.key
openssl req -x509 -new -key self.key -subj "/CN=$name" -days 30 \
    -addext "subjectAltName=DNS:$name" -out self.pem 2>/dev/null

for x in rsa ec expired other; do
	cp "$x.pem" "$x-leaf.pem"
	cat "$x.pem" int.pem > "$x-int.pem"
	cat "$x.pem" int.pem root.pem > "$x-full.pem"
done
rm -f req.csr root.srl int.srl
