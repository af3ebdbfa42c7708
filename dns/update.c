/*
 * update.c - change a TLSA RRset on the primary with an RFC 2136 dynamic
 * update signed with TSIG.
 *
 * The change is a compare-and-swap: the RRset is read from the primary
 * first (a direct query, dns/auth), the update carries it back as the
 * prerequisite "RRset exists (value dependent)" (RFC 2136 §2.4.2), or
 * "RRset does not exist" (§2.4.3) when there was none, so a change made by
 * someone else in between fails with NXRRSET/YXRRSET instead of being
 * overwritten. Records already present (add) or already absent (remove)
 * are not sent again: running the same command twice is harmless.
 *
 * The update and the server's reply are signed with TSIG, hmac-sha256
 * (RFC 8945 §5.3, §6); a reply whose signature is missing or does not
 * verify is never taken as success. When the server rejects our
 * signature (§5.2: BADSIG, BADKEY, BADTIME) its reply is unsigned, and we
 * report the TSIG error it carries.
 *
 * The key file is the one BIND's tsig-keygen writes. Its parser is
 * strict and its messages never contain the secret.
 *
 * Message building, TSIG signing and verification are libldns's.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <ldns/ldns.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/mxd.h"
#include "dns/auth.h"
#include "dns/update.h"
#include "tlsa/tlsa.h"

/* RFC 8945 §5.2.3: five minutes of clock difference is fine. */
#define TSIG_FUDGE	300
#define DEFAULT_TTL	3600

enum tok_type {
	TOK_EOF, TOK_WORD, TOK_STRING, TOK_LBRACE, TOK_RBRACE, TOK_SEMI,
	TOK_BAD,
};

struct lexer {
	const char	*p;
	const char	*end;
	unsigned	 line;
	const char	*tok;		/* start of the token's text */
	size_t		 toklen;
};

static enum tok_type	lex(struct lexer *lx);
static int	b64_check(const char *s, size_t len, size_t *decoded);
static int	expect_tok(struct lexer *lx, enum tok_type want,
		    const char *what, struct mxd_err *err);
static int	copy_tok(const struct lexer *lx, char *out, size_t outsz);
static ldns_rr	*tlsa_to_ldns(const ldns_rdf *owner,
		    const struct tlsa_rr *t, uint32_t ttl, ldns_rr_class cls);
static ldns_rr	*empty_rr(const ldns_rdf *owner, ldns_rr_class cls);
static int	list_push(ldns_rr_list *l, ldns_rr *rr);
static int	set_has(const struct tlsa_rr *set, size_t n,
		    const struct tlsa_rr *rr);
static int	sets_equal(const struct tlsa_rr *a, size_t na,
		    const struct tlsa_rr *b, size_t nb);
static void	set_free(struct tlsa_rr *set, size_t n);
static int	read_rrset(const struct dns_publish_req *req,
		    struct tlsa_rr **set, size_t *n, uint32_t *ttl,
		    struct dns_publish_res *res, struct mxd_err *err);
static int	send_update(const struct dns_publish_req *req,
		    const struct tlsa_rr *cur, size_t ncur,
		    const struct tlsa_rr *del, size_t ndel,
		    const struct tlsa_rr *add, size_t nadd, int delete_all,
		    uint32_t ttl, struct dns_publish_res *res,
		    struct mxd_err *err);

/* ------------------------------------------------------------------ */
/* The key file                                                        */
/* ------------------------------------------------------------------ */

/* lex - the next token of a key file; comments and space skipped */
static enum tok_type
lex(struct lexer *lx)
{
	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' ||
		    *lx->p == '\r' || *lx->p == '\n')) {
			lx->line += *lx->p == '\n';
			lx->p++;
		}
		if (lx->p >= lx->end) {
			return TOK_EOF;
		}
		if (*lx->p == '#' || (*lx->p == '/' && lx->p + 1 < lx->end &&
		    lx->p[1] == '/')) {
			while (lx->p < lx->end && *lx->p != '\n') {
				lx->p++;
			}
			continue;
		}
		if (*lx->p == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
			lx->p += 2;
			while (lx->p + 1 < lx->end &&
			    !(lx->p[0] == '*' && lx->p[1] == '/')) {
				lx->line += *lx->p == '\n';
				lx->p++;
			}
			if (lx->p + 1 >= lx->end) {
				return TOK_BAD;
			}
			lx->p += 2;
			continue;
		}
		break;
	}
	lx->tok = lx->p;
	lx->toklen = 1;
	switch (*lx->p) {
	case '{':
		lx->p++;
		return TOK_LBRACE;
	case '}':
		lx->p++;
		return TOK_RBRACE;
	case ';':
		lx->p++;
		return TOK_SEMI;
	case '"':
		lx->p++;
		lx->tok = lx->p;
		while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n' &&
		    *lx->p != '\\') {
			lx->p++;
		}
		if (lx->p >= lx->end || *lx->p != '"') {
			return TOK_BAD;
		}
		lx->toklen = (size_t)(lx->p - lx->tok);
		lx->p++;
		return TOK_STRING;
	default:
		break;
	}
	while (lx->p < lx->end && ((*lx->p >= 'a' && *lx->p <= 'z') ||
	    (*lx->p >= 'A' && *lx->p <= 'Z') ||
	    (*lx->p >= '0' && *lx->p <= '9') || *lx->p == '-' ||
	    *lx->p == '.' || *lx->p == '_')) {
		lx->p++;
	}
	lx->toklen = (size_t)(lx->p - lx->tok);
	return lx->toklen > 0 ? TOK_WORD : TOK_BAD;
}

/* expect_tok - the next token must be of one type */
static int
expect_tok(struct lexer *lx, enum tok_type want, const char *what,
    struct mxd_err *err)
{
	if (lex(lx) != want) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "key file line %u: %s expected", lx->line, what);
	}
	return 0;
}

/* copy_tok - the token's text, NUL-terminated; -1 when too long */
static int
copy_tok(const struct lexer *lx, char *out, size_t outsz)
{
	if (lx->toklen >= outsz) {
		return -1;
	}
	memcpy(out, lx->tok, lx->toklen);
	out[lx->toklen] = '\0';
	return 0;
}

/* b64_check - strict base64 (RFC 4648 §4, padded); its decoded length */
static int
b64_check(const char *s, size_t len, size_t *decoded)
{
	size_t	i, pad = 0;

	if (len == 0 || len % 4 != 0) {
		return -1;
	}
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '=') {
			if (i < len - 2) {
				return -1;
			}
			pad++;
			continue;
		}
		if (pad > 0) {
			return -1;	/* data after padding */
		}
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/')) {
			return -1;
		}
	}
	*decoded = len / 4 * 3 - pad;
	return 0;
}

/* dns_tsig_key_parse - a BIND key statement, strictly */
int
dns_tsig_key_parse(const char *text, size_t len, struct dns_tsig_key *key,
    struct mxd_err *err)
{
	struct lexer	 lx;
	enum tok_type	 t;
	ldns_rdf	*dn;
	char		 word[32], shown[40];
	int		 have_alg = 0, have_secret = 0, r;

	if (text == NULL || key == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no key");
	}
	memset(key, 0, sizeof(*key));
	memset(&lx, 0, sizeof(lx));
	lx.p = text;
	lx.end = text + len;
	lx.line = 1;
	if (memchr(text, '\0', len) != NULL) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "key file holds a NUL byte");
	}
	t = lex(&lx);
	if (t != TOK_WORD || lx.toklen != 3 ||
	    strncmp(lx.tok, "key", 3) != 0) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "key file line %u: 'key \"NAME\" {' expected (the format "
		    "of tsig-keygen)", lx.line);
	}
	t = lex(&lx);
	if ((t != TOK_STRING && t != TOK_WORD) ||
	    copy_tok(&lx, key->name, sizeof(key->name)) < 0 ||
	    key->name[0] == '\0') {
		r = mxd_err_set(err, MXD_EBADDATA,
		    "key file line %u: key name expected", lx.line);
		goto fail;
	}
	dn = ldns_dname_new_frm_str(key->name);
	if (dn == NULL) {
		r = mxd_err_set(err, MXD_EBADDATA,
		    "key file line %u: '%s' is not a valid key name", lx.line,
		    mxd_sanitize(key->name, strlen(key->name), shown,
		    sizeof(shown)));
		goto fail;
	}
	ldns_rdf_deep_free(dn);
	r = expect_tok(&lx, TOK_LBRACE, "'{'", err);
	if (r < 0) {
		goto fail;
	}
	for (;;) {
		t = lex(&lx);
		if (t == TOK_RBRACE) {
			break;
		}
		if (t != TOK_WORD || copy_tok(&lx, word, sizeof(word)) < 0) {
			r = mxd_err_set(err, MXD_EBADDATA,
			    "key file line %u: 'algorithm', 'secret' or '}' "
			    "expected", lx.line);
			goto fail;
		}
		if (strcmp(word, "algorithm") == 0) {
			t = lex(&lx);
			if (have_alg || (t != TOK_WORD && t != TOK_STRING) ||
			    copy_tok(&lx, key->algorithm,
			    sizeof(key->algorithm)) < 0) {
				r = mxd_err_set(err, MXD_EBADDATA,
				    "key file line %u: %s", lx.line, have_alg ?
				    "a second algorithm" : "algorithm name "
				    "expected");
				goto fail;
			}
			have_alg = 1;
		} else if (strcmp(word, "secret") == 0) {
			t = lex(&lx);
			/* Never show the secret, not even a part of it. */
			if (have_secret || t != TOK_STRING ||
			    copy_tok(&lx, key->secret,
			    sizeof(key->secret)) < 0 ||
			    b64_check(key->secret, strlen(key->secret),
			    &key->secret_len) < 0 ||
			    key->secret_len > DNS_TSIG_SECRET_MAX) {
				r = mxd_err_set(err, MXD_EBADDATA,
				    "key file line %u: %s", lx.line,
				    have_secret ? "a second secret" :
				    "the secret is not a quoted base64 string "
				    "of at most 512 octets");
				goto fail;
			}
			have_secret = 1;
		} else {
			r = mxd_err_set(err, MXD_EBADDATA,
			    "key file line %u: unknown statement '%s'",
			    lx.line, mxd_sanitize(word, strlen(word), shown,
			    sizeof(shown)));
			goto fail;
		}
		r = expect_tok(&lx, TOK_SEMI, "';'", err);
		if (r < 0) {
			goto fail;
		}
	}
	r = expect_tok(&lx, TOK_SEMI, "';' after '}'", err);
	if (r < 0) {
		goto fail;
	}
	if (lex(&lx) != TOK_EOF) {
		r = mxd_err_set(err, MXD_EBADDATA,
		    "key file line %u: only one key statement expected",
		    lx.line);
		goto fail;
	}
	if (!have_alg || !have_secret) {
		r = mxd_err_set(err, MXD_EBADDATA, "key file: no %s",
		    have_alg ? "secret" : "algorithm");
		goto fail;
	}
	if (strcasecmp(key->algorithm, "hmac-sha256") != 0) {
		r = mxd_err_set(err, MXD_EUNSUPP,
		    "key file: algorithm '%s' is not supported (hmac-sha256 "
		    "only)", mxd_sanitize(key->algorithm,
		    strlen(key->algorithm), shown, sizeof(shown)));
		goto fail;
	}
	(void)snprintf(key->algorithm, sizeof(key->algorithm), "hmac-sha256");
	return 0;
fail:
	dns_tsig_key_clear(key);
	return r;
}

/* dns_tsig_key_load - read a key file */
int
dns_tsig_key_load(const char *path, struct dns_tsig_key *key,
    struct mxd_err *err)
{
	struct stat	 st;
	char		 buf[DNS_TSIG_FILE_MAX + 1], shown[80];
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, r, code;

	if (path == NULL || key == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no key file");
	}
	mxd_sanitize(path, strlen(path), shown, sizeof(shown));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		code = errno == ENOENT ? MXD_ENOENT :
		    errno == EACCES ? MXD_EACCES : MXD_EIO;
		return mxd_err_set(err, code, "%s: %s", shown,
		    strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		(void)close(fd);
		return mxd_err_set(err, MXD_EIO, "%s: not a regular file",
		    shown);
	}
	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			r = mxd_err_set(err, MXD_EIO, "%s: %s", shown,
			    strerror(errno));
			(void)close(fd);
			OPENSSL_cleanse(buf, sizeof(buf));
			return r;
		}
		if (n == 0) {
			break;
		}
		len += (size_t)n;
		if (len > DNS_TSIG_FILE_MAX) {
			(void)close(fd);
			OPENSSL_cleanse(buf, sizeof(buf));
			return mxd_err_set(err, MXD_EBADDATA,
			    "%s: longer than %d bytes; not a key file", shown,
			    DNS_TSIG_FILE_MAX);
		}
	}
	(void)close(fd);
	r = dns_tsig_key_parse(buf, len, key, err);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (r < 0 && err != NULL) {
		char msg[sizeof(err->msg)];

		(void)snprintf(msg, sizeof(msg), "%s", err->msg);
		(void)mxd_err_set(err, r, "%s: %s", shown, msg);
	}
	return r;
}

/* dns_tsig_key_clear - wipe a key */
void
dns_tsig_key_clear(struct dns_tsig_key *key)
{
	if (key != NULL) {
		OPENSSL_cleanse(key, sizeof(*key));
	}
}

/* ------------------------------------------------------------------ */
/* Names of codes                                                      */
/* ------------------------------------------------------------------ */

/* dns_rcode_str - the mnemonic of an rcode */
const char *
dns_rcode_str(int rcode, char *buf, size_t bufsz)
{
	static const char *names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE",
	};

	if (rcode >= 0 && (size_t)rcode < sizeof(names) / sizeof(names[0])) {
		return names[rcode];
	}
	(void)snprintf(buf, bufsz, "RCODE%d", rcode);
	return buf;
}

/* dns_tsig_error_str - the mnemonic of a TSIG error (RFC 8945 §5.2) */
const char *
dns_tsig_error_str(int error, char *buf, size_t bufsz)
{
	switch (error) {
	case 16:
		return "BADSIG";
	case 17:
		return "BADKEY";
	case 18:
		return "BADTIME";
	case 22:
		return "BADTRUNC";
	default:
		break;
	}
	(void)snprintf(buf, bufsz, "TSIG error %d", error);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Record sets                                                         */
/* ------------------------------------------------------------------ */

/* set_has - is rr in the set? */
static int
set_has(const struct tlsa_rr *set, size_t n, const struct tlsa_rr *rr)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tlsa_rr_cmp(&set[i], rr) == 0) {
			return 1;
		}
	}
	return 0;
}

/* sets_equal - the same records, as sets */
static int
sets_equal(const struct tlsa_rr *a, size_t na, const struct tlsa_rr *b,
    size_t nb)
{
	size_t i;

	for (i = 0; i < na; i++) {
		if (!set_has(b, nb, &a[i])) {
			return 0;
		}
	}
	for (i = 0; i < nb; i++) {
		if (!set_has(a, na, &b[i])) {
			return 0;
		}
	}
	return 1;
}

/* set_free - free records and their array */
static void
set_free(struct tlsa_rr *set, size_t n)
{
	size_t i;

	for (i = 0; set != NULL && i < n; i++) {
		tlsa_rr_clear(&set[i]);
	}
	mxd_free(set);
}

/* tlsa_to_ldns - a TLSA record as an ldns record of class cls */
static ldns_rr *
tlsa_to_ldns(const ldns_rdf *owner, const struct tlsa_rr *t, uint32_t ttl,
    ldns_rr_class cls)
{
	ldns_rr	*rr;
	uint8_t	 hdr[3];
	ldns_rdf *f;

	rr = ldns_rr_new();
	if (rr == NULL) {
		return NULL;
	}
	ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
	ldns_rr_set_type(rr, LDNS_RR_TYPE_TLSA);
	ldns_rr_set_class(rr, cls);
	ldns_rr_set_ttl(rr, ttl);
	hdr[0] = t->usage;
	hdr[1] = t->selector;
	hdr[2] = t->mtype;
	/* The fields as libldns lays TLSA out: three int8, then hex. */
	f = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT8, 1, &hdr[0]);
	if (f == NULL || !ldns_rr_push_rdf(rr, f)) {
		goto fail;
	}
	f = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT8, 1, &hdr[1]);
	if (f == NULL || !ldns_rr_push_rdf(rr, f)) {
		goto fail;
	}
	f = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT8, 1, &hdr[2]);
	if (f == NULL || !ldns_rr_push_rdf(rr, f)) {
		goto fail;
	}
	if (t->len > 0) {
		f = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_HEX, t->len, t->data);
		if (f == NULL || !ldns_rr_push_rdf(rr, f)) {
			goto fail;
		}
	}
	return rr;
fail:
	ldns_rdf_deep_free(f);
	ldns_rr_free(rr);
	return NULL;
}

/* empty_rr - a TLSA record without RDATA (RFC 2136 §2.4.3, §2.5.2) */
static ldns_rr *
empty_rr(const ldns_rdf *owner, ldns_rr_class cls)
{
	ldns_rr *rr;

	rr = ldns_rr_new();
	if (rr == NULL) {
		return NULL;
	}
	ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
	ldns_rr_set_type(rr, LDNS_RR_TYPE_TLSA);
	ldns_rr_set_class(rr, cls);
	ldns_rr_set_ttl(rr, 0);
	return rr;
}

/* ------------------------------------------------------------------ */
/* Publish                                                             */
/* ------------------------------------------------------------------ */

/* read_rrset - the TLSA RRset the primary serves now */
static int
read_rrset(const struct dns_publish_req *req, struct tlsa_rr **set,
    size_t *n, uint32_t *ttl, struct dns_publish_res *res,
    struct mxd_err *err)
{
	struct dns_auth_answer	 ans;
	struct tlsa_rr		*out = NULL;
	size_t			 i, k = 0;
	int			 r;

	*set = NULL;
	*n = 0;
	*ttl = 0;
	r = dns_auth_query_sync(req->server, req->owner, LDNS_RR_TYPE_TLSA,
	    req->timeout_ms, &ans, err);
	if (r < 0) {
		res->outcome = DNS_PUBLISH_LOCAL;
		return r;
	}
	switch (ans.state) {
	case DNS_AUTH_DATA:
		break;
	case DNS_AUTH_NODATA:
	case DNS_AUTH_NXDOMAIN:
		dns_auth_answer_clear(&ans);
		return 0;
	case DNS_AUTH_LAME:
		res->outcome = DNS_PUBLISH_REFUSED;
		res->rcode = ans.rcode;
		{
			char b[16];

			r = mxd_err_set(err, MXD_EDNS,
			    "%s is not authoritative for %s (%s); is it the "
			    "primary of %s?", req->server->text, req->owner,
			    ans.rcode == 0 ? "no AA flag" :
			    dns_rcode_str(ans.rcode, b, sizeof(b)), req->zone);
		}
		dns_auth_answer_clear(&ans);
		return r;
	case DNS_AUTH_TIMEOUT:
		res->outcome = DNS_PUBLISH_NOANSWER;
		r = mxd_err_set(err, MXD_ETIMEDOUT, "reading %s: %s",
		    req->owner, ans.why);
		dns_auth_answer_clear(&ans);
		return r;
	case DNS_AUTH_UNREACHABLE:
	case DNS_AUTH_BADREPLY:
		res->outcome = DNS_PUBLISH_NOANSWER;
		r = mxd_err_set(err, MXD_EDNS, "reading %s: %s", req->owner,
		    ans.why);
		dns_auth_answer_clear(&ans);
		return r;
	case DNS_AUTH_RCODE:
		res->outcome = DNS_PUBLISH_NOANSWER;
		res->rcode = ans.rcode;
		{
			char b[16];

			r = mxd_err_set(err, MXD_EDNS,
			    "reading %s from %s: %s", req->owner,
			    req->server->text, dns_rcode_str(ans.rcode, b,
			    sizeof(b)));
		}
		dns_auth_answer_clear(&ans);
		return r;
	}
	out = mxd_calloc(ans.nrr, sizeof(*out));
	if (out == NULL) {
		dns_auth_answer_clear(&ans);
		res->outcome = DNS_PUBLISH_LOCAL;
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	for (i = 0; i < ans.nrr; i++) {
		r = tlsa_rr_from_wire(ans.rr[i].data, ans.rr[i].len, &out[k],
		    err);
		if (r < 0) {
			set_free(out, k);
			dns_auth_answer_clear(&ans);
			res->outcome = DNS_PUBLISH_NOANSWER;
			return r;
		}
		k++;
	}
	*set = out;
	*n = k;
	*ttl = ans.ttl;
	dns_auth_answer_clear(&ans);
	return 0;
}


/* list_push - append rr to l; rr (which may be NULL) is freed on failure */
static int
list_push(ldns_rr_list *l, ldns_rr *rr)
{
	if (rr == NULL || !ldns_rr_list_push_rr(l, rr)) {
		ldns_rr_free(rr);
		return 0;
	}
	return 1;
}

/* send_update - build, sign, send, and judge the reply */
static int
send_update(const struct dns_publish_req *req, const struct tlsa_rr *cur,
    size_t ncur, const struct tlsa_rr *del, size_t ndel,
    const struct tlsa_rr *add, size_t nadd, int delete_all, uint32_t ttl,
    struct dns_publish_res *res, struct mxd_err *err)
{
	ldns_rdf	*zone = NULL, *owner = NULL, *mac = NULL;
	ldns_rr_list	*pre = NULL, *upd = NULL;
	ldns_pkt	*pkt = NULL, *reply = NULL;
	ldns_rr		*tsig;
	uint8_t		*wire = NULL, *rwire = NULL;
	size_t		 wlen = 0, rlen = 0, i;
	uint16_t	 id;
	char		 b[32], alg[40];
	const char	*unsig;
	int		 r, signed_ok;

	zone = ldns_dname_new_frm_str(req->zone);
	owner = ldns_dname_new_frm_str(req->owner);
	pre = ldns_rr_list_new();
	upd = ldns_rr_list_new();
	if (zone == NULL || owner == NULL || pre == NULL || upd == NULL) {
		res->outcome = DNS_PUBLISH_LOCAL;
		r = mxd_err_set(err, MXD_EBADDATA, "bad zone or owner name");
		goto out;
	}
	/* Prerequisite: exactly the RRset we read (RFC 2136 §2.4.2). */
	if (ncur == 0) {
		if (!list_push(pre, empty_rr(owner, LDNS_RR_CLASS_NONE))) {
			goto nomem;
		}
	}
	for (i = 0; i < ncur; i++) {
		if (!list_push(pre, tlsa_to_ldns(owner, &cur[i], 0,
		    LDNS_RR_CLASS_IN))) {
			goto nomem;
		}
	}
	if (delete_all) {
		if (!list_push(upd, empty_rr(owner, LDNS_RR_CLASS_ANY))) {
			goto nomem;
		}
	}
	for (i = 0; i < ndel; i++) {
		if (!list_push(upd, tlsa_to_ldns(owner, &del[i], 0,
		    LDNS_RR_CLASS_NONE))) {
			goto nomem;
		}
	}
	for (i = 0; i < nadd; i++) {
		if (!list_push(upd, tlsa_to_ldns(owner, &add[i], ttl,
		    LDNS_RR_CLASS_IN))) {
			goto nomem;
		}
	}
	pkt = ldns_update_pkt_new(zone, LDNS_RR_CLASS_IN, pre, upd, NULL);
	zone = NULL;		/* the packet owns it now */
	if (pkt == NULL ||
	    RAND_bytes((unsigned char *)&id, sizeof(id)) != 1) {
		goto nomem;
	}
	ldns_pkt_set_id(pkt, id);
	ldns_pkt_set_rd(pkt, false);	/* RFC 2136 §2.2: Z is zero */
	(void)snprintf(alg, sizeof(alg), "%s.", req->key->algorithm);
	if (ldns_pkt_tsig_sign(pkt, req->key->name, req->key->secret,
	    TSIG_FUDGE, alg, NULL) != LDNS_STATUS_OK) {
		res->outcome = DNS_PUBLISH_LOCAL;
		r = mxd_err_set(err, MXD_ECRYPTO, "cannot sign the update");
		goto out;
	}
	tsig = ldns_pkt_tsig(pkt);
	if (tsig == NULL || ldns_rr_rd_count(tsig) < 4 ||
	    (mac = ldns_rdf_clone(ldns_rr_rdf(tsig, 3))) == NULL ||
	    ldns_pkt2wire(&wire, pkt, &wlen) != LDNS_STATUS_OK) {
		goto nomem;
	}
	/* Over TCP: no retransmission that could apply twice. */
	r = dns_auth_xfer_sync(req->server, wire, wlen, DNS_AUTH_F_TCP,
	    req->timeout_ms, &rwire, &rlen, err);
	if (r < 0) {
		res->outcome = DNS_PUBLISH_NOANSWER;
		goto out;
	}
	if (ldns_wire2pkt(&reply, rwire, rlen) != LDNS_STATUS_OK ||
	    !ldns_pkt_qr(reply) || ldns_pkt_id(reply) != id ||
	    ldns_pkt_get_opcode(reply) != LDNS_PACKET_UPDATE) {
		res->outcome = DNS_PUBLISH_NOANSWER;
		r = mxd_err_set(err, MXD_EPROTO,
		    "%s: malformed reply to the update", req->server->text);
		goto out;
	}
	res->rcode = ldns_pkt_get_rcode(reply);
	tsig = ldns_pkt_tsig(reply);
	if (tsig != NULL && ldns_rr_rd_count(tsig) >= 6) {
		res->tsig_error = ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5));
	}
	if (res->tsig_error != 0) {
		/* RFC 8945 §5.3.2: the server could not verify us. */
		res->outcome = DNS_PUBLISH_TSIG;
		r = mxd_err_set(err, MXD_EACCES,
		    "%s rejected the update: %s, %s (key '%.64s')",
		    req->server->text, dns_rcode_str(res->rcode, b, sizeof(b)),
		    dns_tsig_error_str(res->tsig_error, alg, sizeof(alg)),
		    req->key->name);
		goto out;
	}
	signed_ok = tsig != NULL && ldns_pkt_tsig_verify(reply, rwire, rlen,
	    req->key->name, req->key->secret, mac);
	if (!signed_ok && res->rcode == LDNS_RCODE_NOERROR) {
		res->outcome = DNS_PUBLISH_UNVERIFIED;
		r = mxd_err_set(err, MXD_EPROTO,
		    "%s answered NOERROR to the update, %s; the outcome is "
		    "unknown", req->server->text, tsig == NULL ?
		    "unsigned" : "with a TSIG that does not verify");
		goto out;
	}
	/* An unsigned refusal is reported, and marked as such. */
	unsig = signed_ok ? "" : tsig == NULL ? " (reply unsigned)" :
	    " (reply TSIG does not verify)";
	switch (res->rcode) {
	case LDNS_RCODE_NOERROR:
		res->outcome = DNS_PUBLISH_DONE;
		r = 0;
		break;
	case LDNS_RCODE_YXRRSET:
	case LDNS_RCODE_NXRRSET:
	case LDNS_RCODE_YXDOMAIN:
	case LDNS_RCODE_NXDOMAIN:
		res->outcome = DNS_PUBLISH_CHANGED;
		r = mxd_err_set(err, MXD_EMISMATCH,
		    "%s changed under us (%s: prerequisite failed); nothing "
		    "was changed, read it again%s", req->owner,
		    dns_rcode_str(res->rcode, b, sizeof(b)), unsig);
		break;
	case LDNS_RCODE_NOTZONE:
		res->outcome = DNS_PUBLISH_REFUSED;
		r = mxd_err_set(err, MXD_EBADDATA,
		    "%s rejected the update: NOTZONE (%s is not in zone "
		    "%s)%s", req->server->text, req->owner, req->zone, unsig);
		break;
	case LDNS_RCODE_NOTAUTH:
		res->outcome = DNS_PUBLISH_REFUSED;
		r = mxd_err_set(err, MXD_EACCES,
		    "%s rejected the update: NOTAUTH (not authoritative for "
		    "zone %s, or the key may not update it)%s",
		    req->server->text, req->zone, unsig);
		break;
	case LDNS_RCODE_SERVFAIL:
		/* The server could not apply it now: try again later. */
		res->outcome = DNS_PUBLISH_NOANSWER;
		r = mxd_err_set(err, MXD_EDNS,
		    "%s could not apply the update: SERVFAIL%s",
		    req->server->text, unsig);
		break;
	default:
		res->outcome = DNS_PUBLISH_REFUSED;
		r = mxd_err_set(err, MXD_EACCES,
		    "%s rejected the update: %s%s", req->server->text,
		    dns_rcode_str(res->rcode, b, sizeof(b)), unsig);
		break;
	}
	goto out;
nomem:
	res->outcome = DNS_PUBLISH_LOCAL;
	r = mxd_err_set(err, MXD_ENOMEM, "cannot build the update");
out:
	if (wire != NULL) {
		LDNS_FREE(wire);
	}
	mxd_free(rwire);
	ldns_pkt_free(reply);
	ldns_pkt_free(pkt);
	ldns_rr_list_deep_free(pre);
	ldns_rr_list_deep_free(upd);
	ldns_rdf_deep_free(mac);
	ldns_rdf_deep_free(owner);
	ldns_rdf_deep_free(zone);
	return r;
}

/* dns_publish - read, decide, update with a prerequisite */
int
dns_publish(const struct dns_publish_req *req, struct dns_publish_res *res,
    struct mxd_err *err)
{
	struct tlsa_rr	*cur = NULL, *todo = NULL;
	const struct tlsa_rr *base;
	size_t		 ncur = 0, ntodo = 0, nbase, i, keep;
	uint32_t	 curttl = 0, ttl;
	int		 r, delete_all = 0, noop_ok = 1;

	if (res == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "nowhere to put results");
	}
	memset(res, 0, sizeof(*res));
	res->rcode = -1;
	res->outcome = DNS_PUBLISH_LOCAL;
	if (req == NULL || req->zone == NULL || req->owner == NULL ||
	    req->server == NULL || req->key == NULL || req->nrr == 0 ||
	    req->rr == NULL || req->timeout_ms == 0) {
		return mxd_err_set(err, MXD_EINVAL, "incomplete request");
	}
	r = read_rrset(req, &cur, &ncur, &curttl, res, err);
	if (r < 0) {
		return r;
	}
	res->before = ncur;
	/*
	 * With an expected RRset, the update is judged against it and carries
	 * it as the prerequisite, so that the primary, not our earlier read,
	 * decides whether the RRset changed.
	 */
	base = cur;
	nbase = ncur;
	if (req->expect_set) {
		base = req->expect;
		nbase = req->nexpect;
	}
	ttl = req->ttl_set ? req->ttl : ncur > 0 ? curttl : DEFAULT_TTL;
	res->ttl = ttl;
	todo = mxd_calloc(req->nrr, sizeof(*todo));
	if (todo == NULL) {
		r = mxd_err_set(err, MXD_ENOMEM, "out of memory");
		goto out;
	}
	/* The records that change, each once. */
	for (i = 0; i < req->nrr; i++) {
		int present = set_has(base, nbase, &req->rr[i]);

		if (set_has(todo, ntodo, &req->rr[i])) {
			continue;
		}
		if (req->op != DNS_PUBLISH_REPLACE &&
		    present == (req->op == DNS_PUBLISH_ADD)) {
			res->skipped++;
			continue;
		}
		r = tlsa_rr_copy(&todo[ntodo], &req->rr[i]);
		if (r < 0) {
			(void)mxd_err_set(err, r, "out of memory");
			goto out;
		}
		ntodo++;
	}
	if (req->expect_set && !sets_equal(cur, ncur, base, nbase)) {
		/* Sent anyway: the primary's prerequisite check decides. */
		noop_ok = 0;
	}
	switch (req->op) {
	case DNS_PUBLISH_ADD:
		res->added = ntodo;
		res->after = nbase + ntodo;
		if (ntodo == 0 && (!req->ttl_set || ttl == curttl) &&
		    noop_ok) {
			res->outcome = DNS_PUBLISH_NOOP;
			r = 0;
			goto out;
		}
		break;
	case DNS_PUBLISH_REMOVE:
		res->removed = ntodo;
		keep = nbase - ntodo;
		res->after = keep;
		if (ntodo == 0 && noop_ok) {
			res->outcome = DNS_PUBLISH_NOOP;
			r = 0;
			goto out;
		}
		if (keep == 0 && !req->force) {
			res->outcome = DNS_PUBLISH_EMPTY;
			r = mxd_err_set(err, MXD_EMISMATCH,
			    "removing %zu record(s) would leave %s without "
			    "TLSA records (senders fall back to unauthenticated"
			    " TLS); use --force to do it anyway", ntodo,
			    req->owner);
			goto out;
		}
		break;
	case DNS_PUBLISH_REPLACE:
		res->after = ntodo;
		if (sets_equal(base, nbase, todo, ntodo) &&
		    (!req->ttl_set || ttl == curttl) && noop_ok) {
			res->outcome = DNS_PUBLISH_NOOP;
			res->skipped = ntodo;
			r = 0;
			goto out;
		}
		for (i = 0; i < ntodo; i++) {
			res->added += !set_has(base, nbase, &todo[i]);
		}
		for (i = 0; i < nbase; i++) {
			res->removed += !set_has(todo, ntodo, &base[i]);
		}
		delete_all = 1;
		break;
	}
	if (req->op == DNS_PUBLISH_ADD && ntodo == 0) {
		/* Only the TTL changes: send the RRset again with it. */
		r = send_update(req, base, nbase, NULL, 0, base, nbase, 0, ttl,
		    res, err);
	} else {
		r = send_update(req, base, nbase,
		    req->op == DNS_PUBLISH_REMOVE ? todo : NULL,
		    req->op == DNS_PUBLISH_REMOVE ? ntodo : 0,
		    req->op == DNS_PUBLISH_REMOVE ? NULL : todo,
		    req->op == DNS_PUBLISH_REMOVE ? 0 : ntodo, delete_all, ttl,
		    res, err);
	}
out:
	set_free(cur, ncur);
	set_free(todo, ntodo);
	return r;
}
