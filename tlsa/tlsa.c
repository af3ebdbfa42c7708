/*
 * tlsa.c - the TLSA record model: parse the presentation form (RFC 6698
 * §2.2, including the parenthesised multi-line form of zone files) and the
 * wire form (§2.1), decide whether an SMTP client may use a record, format
 * and compare records.
 *
 * Usability follows RFC 7672 §3.1.3 (usages 0 and 1 are not for SMTP),
 * RFC 7671 §4.1 and §9 (unknown parameters, digests of the wrong length)
 * and RFC 6698 §2.1.4 / RFC 7671 §10.1.2 (Full(0) data must be a DER
 * certificate or SubjectPublicKeyInfo, parsed here with OpenSSL exactly as
 * SSL_dane_tlsa_add() would, with no trailing bytes). Unknown values parse
 * and format unchanged; they are only marked unusable.
 *
 * This module does not look anything up and does not print.
 */
#include <limits.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/mxd.h"
#include "tlsa/tlsa.h"

/* Where the lexer is in a presentation-form string. */
struct lex {
	const char	*p;		/* next character */
	const char	*start;		/* the whole text, for offsets */
	int		 paren;		/* inside "( ... )" */
	int		 closed;	/* a ")" was seen */
};

static int	lex_next(struct lex *lx, const char **tok, size_t *toklen,
		    struct mxd_err *err);
static int	parse_field(const char *tok, size_t len, const char *what,
		    uint8_t *out, struct mxd_err *err);
static int	hexval(int c);
static int	full_data_ok(const struct tlsa_rr *rr);

/* ------------------------------------------------------------------ */
/* Presentation form                                                   */
/* ------------------------------------------------------------------ */

/*
 * lex_next - the next white-space separated token, or *tok NULL at the end
 *
 * Zone files (RFC 1035 §5.1) let one record span lines inside parentheses
 * and end a line with a ";" comment; a line break outside parentheses ends
 * the record, so only trailing white space may follow one.
 */
static int
lex_next(struct lex *lx, const char **tok, size_t *toklen,
    struct mxd_err *err)
{
	const char *p = lx->p;

	*tok = NULL;
	*toklen = 0;
	for (;;) {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (*p == '\n' || *p == '\r') {
			if (!lx->paren) {
				p += strspn(p, " \t\r\n");
				if (*p != '\0') {
					return mxd_err_set(err, MXD_EBADDATA,
					    "line break outside parentheses "
					    "at offset %td",
					    p - lx->start);
				}
			} else {
				p++;
			}
		} else if (*p == ';') {
			p += strcspn(p, "\n");
		} else if (*p == '(') {
			if (lx->paren || lx->closed) {
				return mxd_err_set(err, MXD_EBADDATA,
				    "unexpected '(' at offset %td",
				    p - lx->start);
			}
			lx->paren = 1;
			p++;
		} else if (*p == ')') {
			if (!lx->paren) {
				return mxd_err_set(err, MXD_EBADDATA,
				    "')' without '(' at offset %td",
				    p - lx->start);
			}
			lx->paren = 0;
			lx->closed = 1;
			p++;
		} else {
			break;
		}
	}
	if (*p == '\0') {
		lx->p = p;
		if (lx->paren) {
			return mxd_err_set(err, MXD_EBADDATA,
			    "'(' without ')'");
		}
		return 0;
	}
	*tok = p;
	*toklen = strcspn(p, " \t\r\n;()");
	lx->p = p + *toklen;
	return 0;
}

/* parse_field - one of the three decimal fields, 0-255, digits only */
static int
parse_field(const char *tok, size_t len, const char *what, uint8_t *out,
    struct mxd_err *err)
{
	unsigned	v = 0;
	size_t		i;

	if (tok == NULL) {
		return mxd_err_set(err, MXD_EBADDATA, "missing %s field", what);
	}
	for (i = 0; i < len; i++) {
		if (tok[i] < '0' || tok[i] > '9') {
			char shown[24];

			return mxd_err_set(err, MXD_EBADDATA,
			    "%s '%s' is not a decimal number 0-255", what,
			    mxd_sanitize(tok, len, shown, sizeof(shown)));
		}
		v = v * 10 + (unsigned)(tok[i] - '0');
		if (v > 255) {
			char shown[24];

			return mxd_err_set(err, MXD_EBADDATA,
			    "%s '%s' is larger than 255", what,
			    mxd_sanitize(tok, len, shown, sizeof(shown)));
		}
	}
	*out = (uint8_t)v;
	return 0;
}

/* hexval - value of one hex digit, or -1 */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* tlsa_rr_parse - "U S M HEX" into a record */
int
tlsa_rr_parse(const char *text, struct tlsa_rr *rr, struct mxd_err *err)
{
	static const char *const names[3] = {
		"usage", "selector", "matching type"
	};
	uint8_t		 f[3];
	struct lex	 lx, hexstart;
	const char	*tok;
	size_t		 toklen, digits, i, o;
	uint8_t		*data;
	int		 rc, k, hi, v;

	if (rr == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no record to fill");
	}
	memset(rr, 0, sizeof(*rr));
	if (text == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no TLSA text");
	}
	memset(&lx, 0, sizeof(lx));
	lx.p = lx.start = text;
	for (k = 0; k < 3; k++) {
		rc = lex_next(&lx, &tok, &toklen, err);
		if (rc != 0) {
			return rc;
		}
		rc = parse_field(tok, toklen, names[k], &f[k], err);
		if (rc != 0) {
			return rc;
		}
	}

	/* First pass: check the hex and count its digits. */
	hexstart = lx;
	digits = 0;
	for (;;) {
		rc = lex_next(&lx, &tok, &toklen, err);
		if (rc != 0) {
			return rc;
		}
		if (tok == NULL) {
			break;
		}
		for (i = 0; i < toklen; i++) {
			if (hexval((unsigned char)tok[i]) < 0) {
				char shown[8];

				return mxd_err_set(err, MXD_EBADDATA,
				    "'%s' at offset %td is not a hex digit "
				    "in the association data",
				    mxd_sanitize(tok + i, 1, shown,
				    sizeof(shown)), tok + i - text);
			}
		}
		digits += toklen;
		if (digits > 2 * (size_t)TLSA_DATA_MAX) {
			return mxd_err_set(err, MXD_EBADDATA,
			    "association data longer than %d octets",
			    TLSA_DATA_MAX);
		}
	}
	if (digits == 0) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "missing certificate association data");
	}
	if (digits % 2 != 0) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "odd number of hex digits (%zu) in the association data",
		    digits);
	}

	/* Second pass: decode. The text was checked; no errors now. */
	data = mxd_malloc(digits / 2);
	if (data == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	lx = hexstart;
	o = 0;
	hi = -1;
	for (;;) {
		(void)lex_next(&lx, &tok, &toklen, NULL);
		if (tok == NULL) {
			break;
		}
		for (i = 0; i < toklen; i++) {
			v = hexval((unsigned char)tok[i]);
			if (hi < 0) {
				hi = v;
			} else {
				data[o++] = (uint8_t)(hi << 4 | v);
				hi = -1;
			}
		}
	}
	rr->usage = f[0];
	rr->selector = f[1];
	rr->mtype = f[2];
	rr->data = data;
	rr->len = o;
	return 0;
}

/* tlsa_rr_format - "U S M hex", lower case, in one token */
char *
tlsa_rr_format(const struct tlsa_rr *rr)
{
	char	*s;
	int	 n;

	if (rr == NULL || rr->len > TLSA_DATA_MAX) {
		return NULL;
	}
	/* "255 255 255 " is 12 characters, plus the hex and a NUL. */
	s = mxd_malloc(12 + 2 * rr->len + 1);
	if (s == NULL) {
		return NULL;
	}
	n = snprintf(s, 13, "%u %u %u", rr->usage, rr->selector, rr->mtype);
	if (rr->len > 0) {
		s[n++] = ' ';
		mxd_hex_encode(rr->data, rr->len, s + n);
	}
	return s;
}

/* ------------------------------------------------------------------ */
/* Wire form, copies, comparison                                       */
/* ------------------------------------------------------------------ */

/* tlsa_rr_from_wire - decode RDATA as it comes from DNS */
int
tlsa_rr_from_wire(const uint8_t *rdata, size_t len, struct tlsa_rr *rr,
    struct mxd_err *err)
{
	if (rr == NULL || (rdata == NULL && len > 0)) {
		return mxd_err_set(err, MXD_EINVAL, "no record to decode");
	}
	memset(rr, 0, sizeof(*rr));
	if (len < 3) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "TLSA RDATA of %zu octets is shorter than 3", len);
	}
	if (len - 3 > TLSA_DATA_MAX) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "TLSA RDATA of %zu octets is too long", len);
	}
	if (len > 3) {
		rr->data = mxd_malloc(len - 3);
		if (rr->data == NULL) {
			return mxd_err_set(err, MXD_ENOMEM, "out of memory");
		}
		memcpy(rr->data, rdata + 3, len - 3);
	}
	rr->usage = rdata[0];
	rr->selector = rdata[1];
	rr->mtype = rdata[2];
	rr->len = len - 3;
	return 0;
}

/* tlsa_rr_copy - deep copy */
int
tlsa_rr_copy(struct tlsa_rr *dst, const struct tlsa_rr *src)
{
	if (dst == NULL || src == NULL) {
		return MXD_EINVAL;
	}
	memset(dst, 0, sizeof(*dst));
	if (src->len > 0) {
		dst->data = mxd_malloc(src->len);
		if (dst->data == NULL) {
			return MXD_ENOMEM;
		}
		memcpy(dst->data, src->data, src->len);
	}
	dst->usage = src->usage;
	dst->selector = src->selector;
	dst->mtype = src->mtype;
	dst->len = src->len;
	return 0;
}

/* tlsa_rr_clear - free the data, leave an empty record */
void
tlsa_rr_clear(struct tlsa_rr *rr)
{
	if (rr == NULL) {
		return;
	}
	mxd_free(rr->data);
	memset(rr, 0, sizeof(*rr));
}

/* tlsa_rr_cmp - usage, selector, matching type, then the data */
int
tlsa_rr_cmp(const struct tlsa_rr *a, const struct tlsa_rr *b)
{
	size_t	n;
	int	c;

	if (a->usage != b->usage) {
		return a->usage < b->usage ? -1 : 1;
	}
	if (a->selector != b->selector) {
		return a->selector < b->selector ? -1 : 1;
	}
	if (a->mtype != b->mtype) {
		return a->mtype < b->mtype ? -1 : 1;
	}
	n = a->len < b->len ? a->len : b->len;
	c = n > 0 ? memcmp(a->data, b->data, n) : 0;
	if (c != 0) {
		return c < 0 ? -1 : 1;
	}
	if (a->len != b->len) {
		return a->len < b->len ? -1 : 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Usability                                                           */
/* ------------------------------------------------------------------ */

/*
 * full_data_ok - is Full(0) data exactly one DER certificate (selector 0)
 * or one DER SubjectPublicKeyInfo (selector 1)? OpenSSL's own check in
 * SSL_dane_tlsa_add() parses the same way; trailing bytes fail.
 */
static int
full_data_ok(const struct tlsa_rr *rr)
{
	const unsigned char	*p = rr->data;
	X509			*x;
	EVP_PKEY		*k;
	int			 ok = 0;

	if (rr->len > LONG_MAX) {
		return 0;
	}
	ERR_clear_error();
	if (rr->selector == TLSA_SEL_CERT) {
		x = d2i_X509(NULL, &p, (long)rr->len);
		ok = x != NULL && p == rr->data + rr->len;
		X509_free(x);
	} else {
		k = d2i_PUBKEY(NULL, &p, (long)rr->len);
		ok = k != NULL && p == rr->data + rr->len;
		EVP_PKEY_free(k);
	}
	ERR_clear_error();
	return ok;
}

/* tlsa_rr_usable - may an SMTP client use this record, and if not, why */
enum tlsa_unusable
tlsa_rr_usable(const struct tlsa_rr *rr)
{
	if (rr == NULL || rr->len == 0 || rr->data == NULL) {
		return TLSA_UNUSABLE_EMPTY;
	}
	/* RFC 7672 §3.1.3: PKIX-TA/PKIX-EE are unusable in SMTP. */
	if (rr->usage == TLSA_USAGE_PKIX_TA ||
	    rr->usage == TLSA_USAGE_PKIX_EE) {
		return TLSA_UNUSABLE_PKIX;
	}
	if (rr->usage != TLSA_USAGE_DANE_TA &&
	    rr->usage != TLSA_USAGE_DANE_EE) {
		return TLSA_UNUSABLE_USAGE;
	}
	if (rr->selector != TLSA_SEL_CERT && rr->selector != TLSA_SEL_SPKI) {
		return TLSA_UNUSABLE_SELECTOR;
	}
	switch (rr->mtype) {
	case TLSA_MTYPE_FULL:
		return full_data_ok(rr) ? TLSA_USABLE :
		    TLSA_UNUSABLE_FULL_DATA;
	case TLSA_MTYPE_SHA256:
		/* RFC 6698 §2.1.3, RFC 7671 §9: the digest length is fixed. */
		return rr->len == 32 ? TLSA_USABLE : TLSA_UNUSABLE_LENGTH;
	case TLSA_MTYPE_SHA512:
		return rr->len == 64 ? TLSA_USABLE : TLSA_UNUSABLE_LENGTH;
	default:
		return TLSA_UNUSABLE_MTYPE;
	}
}

/* tlsa_unusable_str - why a record is unusable, in English */
const char *
tlsa_unusable_str(enum tlsa_unusable why)
{
	switch (why) {
	case TLSA_USABLE:
		return "usable";
	case TLSA_UNUSABLE_EMPTY:
		return "no certificate association data";
	case TLSA_UNUSABLE_PKIX:
		return "usage PKIX-TA(0)/PKIX-EE(1) is not for SMTP "
		    "(RFC 7672 section 3.1.3)";
	case TLSA_UNUSABLE_USAGE:
		return "certificate usage unassigned or private";
	case TLSA_UNUSABLE_SELECTOR:
		return "selector unassigned or private";
	case TLSA_UNUSABLE_MTYPE:
		return "matching type unassigned or private";
	case TLSA_UNUSABLE_LENGTH:
		return "digest length does not fit the matching type "
		    "(SHA2-256 is 32 octets, SHA2-512 is 64)";
	case TLSA_UNUSABLE_FULL_DATA:
		return "Full(0) data is not exactly one DER certificate "
		    "or SubjectPublicKeyInfo";
	}
	return "unknown reason";
}

/* ------------------------------------------------------------------ */
/* RFC 7218 names                                                      */
/* ------------------------------------------------------------------ */

/* tlsa_usage_name - RFC 7218 acronym of a certificate usage */
const char *
tlsa_usage_name(unsigned usage)
{
	switch (usage) {
	case TLSA_USAGE_PKIX_TA:
		return "PKIX-TA";
	case TLSA_USAGE_PKIX_EE:
		return "PKIX-EE";
	case TLSA_USAGE_DANE_TA:
		return "DANE-TA";
	case TLSA_USAGE_DANE_EE:
		return "DANE-EE";
	case 255:
		return "PrivCert";
	default:
		return NULL;
	}
}

/* tlsa_selector_name - RFC 7218 acronym of a selector */
const char *
tlsa_selector_name(unsigned selector)
{
	switch (selector) {
	case TLSA_SEL_CERT:
		return "Cert";
	case TLSA_SEL_SPKI:
		return "SPKI";
	case 255:
		return "PrivSel";
	default:
		return NULL;
	}
}

/* tlsa_mtype_name - RFC 7218 acronym of a matching type */
const char *
tlsa_mtype_name(unsigned mtype)
{
	switch (mtype) {
	case TLSA_MTYPE_FULL:
		return "Full";
	case TLSA_MTYPE_SHA256:
		return "SHA2-256";
	case TLSA_MTYPE_SHA512:
		return "SHA2-512";
	case 255:
		return "PrivMatch";
	default:
		return NULL;
	}
}
