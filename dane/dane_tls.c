/*
 * dane_tls.c - OpenSSL's DANE verification set up as an RFC 7672 SMTP
 * client needs it, and the verdict read back after the handshake.
 *
 * The matching itself is OpenSSL's (SSL_dane_enable, SSL_dane_tlsa_add,
 * SSL_get0_dane_authority). What this file decides: which records OpenSSL
 * sees (usages 0/1 and unusable records are dropped, RFC 7672 §3.1.3,
 * RFC 7671 §4.1), which names a DANE-TA chain must match (the TLSA base
 * domain first, then the other reference identifiers, RFC 7672 §3.2.2;
 * whole-label wildcards only, §3.2.3), that DANE-EE ignores names and
 * dates (§3.1.1; OpenSSL skips date checks for a depth-0 EE match), and
 * that nothing passes without a DANE match: the context has no trust
 * store and a pass needs SSL_get0_dane_authority() >= 0. It does no I/O.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/mxd.h"
#include "dane/dane.h"
#include "report/model.h"
#include "tlsa/tlsa.h"

static void	cert_fill(X509 *, struct report_cert *);
static void	name_str(const X509_NAME *, char *, size_t);
static time_t	asn1_time(const ASN1_TIME *);
static const char *key_alg_name(const EVP_PKEY *);
static void	tlsa_list(const struct tlsa_rr *, size_t, char *, size_t,
		    size_t *);
static int	only_ta(const struct tlsa_rr *, size_t);

/* dane_ctx_new - the client context shared by SMTP probes */
SSL_CTX *
dane_ctx_new(int legacy, struct mxd_err *err)
{
	SSL_CTX *ctx;

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL) {
		(void)mxd_err_ssl(err, MXD_ECRYPTO, "SSL_CTX_new");
		return NULL;
	}
	/* RFC 7672 §8.2: no anonymous suites when authenticating. */
	if (SSL_CTX_set_cipher_list(ctx, "DEFAULT:!aNULL:!eNULL") != 1) {
		(void)mxd_err_ssl(err, MXD_ECRYPTO, "cipher list");
		goto fail;
	}
	/*
	 * OpenSSL 3 refuses TLS < 1.2 above level 0 (RFC 8996). Otherwise
	 * level 1, not the system's (2 on Debian): a DANE sender like
	 * Postfix (level 0) authenticates a 1024-bit RSA key that matches,
	 * and finding cert-rsa-small says who refuses it.
	 */
	SSL_CTX_set_security_level(ctx, legacy ? 0 : 1);
	if (SSL_CTX_set_min_proto_version(ctx, legacy ? TLS1_VERSION :
	    TLS1_2_VERSION) != 1 || SSL_CTX_dane_enable(ctx) <= 0) {
		(void)mxd_err_ssl(err, MXD_ECRYPTO, "TLS context set-up");
		goto fail;
	}
	/* Verify, but never abort the handshake; decide afterwards. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/* Every handshake complete, so the peer chain is always seen. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* dane_ssl_enable - SNI, reference identifiers and usable TLSA records */
int
dane_ssl_enable(SSL *ssl, const char *sni, const char *const *names,
    size_t nnames, const struct tlsa_rr *tlsa, size_t ntlsa, size_t *accepted,
    struct mxd_err *err)
{
	size_t	i;
	int	rc;

	*accepted = 0;
	if (sni == NULL || *sni == '\0') {
		return mxd_err_set(err, MXD_EINVAL, "DANE needs the TLSA base "
		    "domain");
	}
	ERR_clear_error();
	/* Sets SNI and the primary reference identifier (RFC 7672 §8.1). */
	if (SSL_dane_enable(ssl, sni) <= 0) {
		return mxd_err_ssl(err, MXD_ECRYPTO, "SSL_dane_enable(%s)",
		    sni);
	}
	(void)SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	for (i = 0; i < nnames; i++) {
		if (names[i] == NULL || strcmp(names[i], sni) == 0) {
			continue;
		}
		if (SSL_add1_host(ssl, names[i]) != 1) {
			return mxd_err_ssl(err, MXD_ECRYPTO, "SSL_add1_host(%s)",
			    names[i]);
		}
	}
	for (i = 0; i < ntlsa; i++) {
		/* RFC 7672 §3.1.3: OpenSSL would take usages 0/1 too. */
		if (tlsa_rr_usable(&tlsa[i]) != TLSA_USABLE) {
			continue;
		}
		rc = SSL_dane_tlsa_add(ssl, tlsa[i].usage, tlsa[i].selector,
		    tlsa[i].mtype, tlsa[i].data, tlsa[i].len);
		if (rc < 0) {
			return mxd_err_ssl(err, MXD_ECRYPTO, "SSL_dane_tlsa_add");
		}
		if (rc > 0) {
			(*accepted)++;
		}
	}
	ERR_clear_error();
	return 0;
}

/* ------------------------------------------------------------------ */
/* The peer chain                                                      */
/* ------------------------------------------------------------------ */

/* name_str - an X.509 name in RFC 2253 form, printable, bounded */
static void
name_str(const X509_NAME *name, char *out, size_t outsz)
{
	BIO	*bio;
	char	 raw[REPORT_NAME_MAX];
	int	 n;

	out[0] = '\0';
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL) {
		return;
	}
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_read(bio, raw, (int)sizeof(raw));
		if (n > 0) {
			(void)mxd_sanitize(raw, (size_t)n, out, outsz);
		}
	}
	BIO_free(bio);
}

/* asn1_time - an ASN1_TIME as time_t; 0 when it cannot be read */
static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
		return 0;
	}
	return timegm(&tm);
}

/* key_alg_name - "RSA", "EC", "ED25519", ... */
static const char *
key_alg_name(const EVP_PKEY *pk)
{
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		return "RSA";
	case EVP_PKEY_RSA_PSS:
		return "RSA-PSS";
	case EVP_PKEY_EC:
		return "EC";
	case EVP_PKEY_ED25519:
		return "ED25519";
	case EVP_PKEY_ED448:
		return "ED448";
	case EVP_PKEY_DSA:
		return "DSA";
	default:
		return "unknown";
	}
}

/* cert_fill - what the report keeps of one certificate */
static void
cert_fill(X509 *x, struct report_cert *rc)
{
	const EVP_PKEY	*pk = X509_get0_pubkey(x);
	unsigned char	 md[EVP_MAX_MD_SIZE], *der = NULL;
	unsigned int	 mdlen = 0;
	int		 len;

	name_str(X509_get_subject_name(x), rc->subject, sizeof(rc->subject));
	name_str(X509_get_issuer_name(x), rc->issuer, sizeof(rc->issuer));
	(void)snprintf(rc->key_alg, sizeof(rc->key_alg), "%s",
	    pk != NULL ? key_alg_name(pk) : "none");
	rc->key_bits = pk != NULL ? EVP_PKEY_get_bits(pk) : 0;
	rc->not_before = asn1_time(X509_get0_notBefore(x));
	rc->not_after = asn1_time(X509_get0_notAfter(x));
	/* Selector 1: the DER SubjectPublicKeyInfo (RFC 6698 §2.1.2). */
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	if (len > 0 && EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(),
	    NULL) == 1) {
		mxd_hex_encode(md, mdlen, rc->spki_sha256);
	}
	/* SHA2-512 too: digest agility (RFC 7671 §9) needs both. */
	if (len > 0 && EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha512(),
	    NULL) == 1) {
		mxd_hex_encode(md, mdlen, rc->spki_sha512);
	}
	OPENSSL_free(der);
	if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1) {
		mxd_hex_encode(md, mdlen, rc->cert_sha256);
	}
	if (X509_digest(x, EVP_sha512(), md, &mdlen) == 1) {
		mxd_hex_encode(md, mdlen, rc->cert_sha512);
	}
	ERR_clear_error();
}

/* dane_ssl_peer - version, cipher and the chain as the peer sent it */
int
dane_ssl_peer(SSL *ssl, struct report_addr *out)
{
	STACK_OF(X509)	*sk = SSL_get_peer_cert_chain(ssl);
	size_t		 i, n;

	(void)snprintf(out->tls_version, sizeof(out->tls_version), "%s",
	    SSL_get_version(ssl));
	(void)snprintf(out->cipher, sizeof(out->cipher), "%s",
	    SSL_get_cipher_name(ssl));
	mxd_free(out->chain);
	out->chain = NULL;
	out->nchain = 0;
	n = sk != NULL ? (size_t)sk_X509_num(sk) : 0;
	if (n > DANE_CHAIN_MAX) {
		n = DANE_CHAIN_MAX;
	}
	if (n == 0) {
		return 0;
	}
	out->chain = mxd_calloc(n, sizeof(*out->chain));
	if (out->chain == NULL) {
		return MXD_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		cert_fill(sk_X509_value(sk, (int)i), &out->chain[i]);
	}
	out->nchain = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The verdict                                                         */
/* ------------------------------------------------------------------ */

/* dane_tlsa_str - "U S M hex", the hex cut to head...tail if asked */
char *
dane_tlsa_str(unsigned usage, unsigned selector, unsigned mtype,
    const unsigned char *data, size_t len, size_t keep, char *out,
    size_t outsz)
{
	char	head[65], tail[65];
	size_t	bytes = keep / 2;

	if (keep == 0 || len <= 2 * bytes + 1 || bytes > 32) {
		/* Whole, as far as it fits (a Full(0) record may not). */
		int	n = snprintf(out, outsz, "%u %u %u ", usage, selector,
		    mtype);
		size_t	i, o = n > 0 ? (size_t)n : 0;

		for (i = 0; i < len && o + 3 <= outsz; i++) {
			mxd_hex_encode(&data[i], 1, out + o);
			o += 2;
		}
		return out;
	}
	mxd_hex_encode(data, bytes, head);
	mxd_hex_encode(data + len - bytes, bytes, tail);
	(void)snprintf(out, outsz, "%u %u %u %s...%s", usage, selector, mtype,
	    head, tail);
	return out;
}

/* tlsa_list - "3 1 1 29c8...b461, 2 1 1 ..." of the usable records */
static void
tlsa_list(const struct tlsa_rr *tlsa, size_t ntlsa, char *out, size_t outsz,
    size_t *nusable)
{
	char	one[64];
	size_t	i, o = 0;
	int	n;

	out[0] = '\0';
	*nusable = 0;
	for (i = 0; i < ntlsa; i++) {
		if (tlsa_rr_usable(&tlsa[i]) != TLSA_USABLE) {
			continue;
		}
		(void)dane_tlsa_str(tlsa[i].usage, tlsa[i].selector,
		    tlsa[i].mtype, tlsa[i].data, tlsa[i].len, 8, one,
		    sizeof(one));
		if (o < outsz) {
			n = snprintf(out + o, outsz - o, "%s%s",
			    *nusable > 0 ? ", " : "", one);
			o += n > 0 ? (size_t)n : 0;
		}
		(*nusable)++;
	}
}

/* only_ta - are all usable records DANE-TA(2)? */
static int
only_ta(const struct tlsa_rr *tlsa, size_t ntlsa)
{
	size_t	i, n = 0;

	for (i = 0; i < ntlsa; i++) {
		if (tlsa_rr_usable(&tlsa[i]) != TLSA_USABLE) {
			continue;
		}
		if (tlsa[i].usage != TLSA_USAGE_DANE_TA) {
			return 0;
		}
		n++;
	}
	return n > 0;
}

/* dane_ssl_verdict - pass with the match, or fail with the reason */
void
dane_ssl_verdict(SSL *ssl, const struct tlsa_rr *tlsa, size_t ntlsa,
    const char *sni, const char *const *names, size_t nnames,
    struct report_addr *out)
{
	uint8_t			 u, s, m;
	unsigned const char	*data = NULL;
	size_t			 dlen = 0, nusable, i;
	char			 recs[160], ids[160];
	const char		*leafkey;
	long			 verr;
	int			 depth, o;

	verr = SSL_get_verify_result(ssl);
	depth = SSL_get0_dane_authority(ssl, NULL, NULL);
	out->verify_error = (int)verr;
	if (verr == X509_V_OK && depth >= 0 &&
	    SSL_get0_dane_tlsa(ssl, &u, &s, &m, &data, &dlen) >= 0) {
		out->dane = REPORT_ADDR_PASS;
		out->depth = depth;
		/* Whole when it fits (digests do), else head...tail. */
		(void)dane_tlsa_str(u, s, m, data, dlen,
		    2 * dlen + 12 < sizeof(out->matched) ? 0 : 32,
		    out->matched, sizeof(out->matched));
		return;
	}
	out->dane = REPORT_ADDR_FAIL;
	out->depth = -1;
	tlsa_list(tlsa, ntlsa, recs, sizeof(recs), &nusable);
	leafkey = out->nchain > 0 ? out->chain[0].spki_sha256 : "unknown";
	switch (verr) {
	case X509_V_ERR_DANE_NO_MATCH:
		if (only_ta(tlsa, ntlsa) && out->nchain == 1) {
			(void)snprintf(out->error, sizeof(out->error), "TLSA "
			    "%s matches no certificate in the chain: the "
			    "server sent only its leaf, DANE-TA needs the "
			    "issuers (RFC 7672 §3.1.2)", recs);
			return;
		}
		if (only_ta(tlsa, ntlsa) && out->nchain > 1) {
			(void)snprintf(out->error, sizeof(out->error), "TLSA "
			    "%s matches no issuer in the chain: issuer key is "
			    "%s", recs, out->chain[1].spki_sha256);
			return;
		}
		if (nusable == 1) {
			(void)snprintf(out->error, sizeof(out->error), "TLSA "
			    "%s matches no certificate in the chain: leaf key "
			    "is %s", recs, leafkey);
		} else {
			(void)snprintf(out->error, sizeof(out->error), "none "
			    "of %zu TLSA records (%s) matches the chain: leaf "
			    "key is %s", nusable, recs, leafkey);
		}
		return;
	case X509_V_ERR_HOSTNAME_MISMATCH:
		/* Only DANE-TA checks names (RFC 7672 §3.2.2). */
		o = snprintf(ids, sizeof(ids), "%s", sni != NULL ? sni : "");
		for (i = 0; i < nnames && o > 0 && (size_t)o < sizeof(ids);
		    i++) {
			if (names[i] != NULL && (sni == NULL ||
			    strcmp(names[i], sni) != 0)) {
				o += snprintf(ids + o, sizeof(ids) - (size_t)o,
				    ", %s", names[i]);
			}
		}
		(void)snprintf(out->error, sizeof(out->error), "DANE-TA: no "
		    "name in the certificate matches %s (TLSA %s)", ids, recs);
		return;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		for (i = 0; i < out->nchain; i++) {
			time_t now = time(NULL);

			if (out->chain[i].not_after < now ||
			    out->chain[i].not_before > now) {
				break;
			}
		}
		(void)snprintf(out->error, sizeof(out->error), "DANE-TA chain: "
		    "%s (certificate at depth %zu, %.80s)",
		    X509_verify_cert_error_string(verr), i,
		    i < out->nchain ? out->chain[i].subject : "?");
		return;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
		(void)snprintf(out->error, sizeof(out->error), "the leaf's "
		    "%d-bit %s key is too weak for any sender: refused before "
		    "matching (TLSA %s)", out->nchain > 0 ?
		    out->chain[0].key_bits : 0, out->nchain > 0 ?
		    out->chain[0].key_alg : "?", recs);
		return;
	case X509_V_OK:
		(void)snprintf(out->error, sizeof(out->error), "no DANE "
		    "authentication (TLSA %s)", recs);
		return;
	default:
		(void)snprintf(out->error, sizeof(out->error), "certificate "
		    "verification failed: %s (TLSA %s)",
		    X509_verify_cert_error_string(verr), recs);
		return;
	}
}
