/*
 * tlsa_gen.c - read certificates, chains, keys and CSRs, and make TLSA
 * association data from them (RFC 6698 §2.1.2-2.1.3: selector 0 is the
 * DER certificate, selector 1 the DER SubjectPublicKeyInfo; matching type
 * 0 the data, 1 SHA2-256, 2 SHA2-512). The same encodings OpenSSL's DANE
 * matching uses: i2d_X509 and i2d_X509_PUBKEY / i2d_PUBKEY.
 *
 * Inputs are untrusted files. A private key is only ever turned into its
 * public key: it is not kept, printed or copied, the file buffer is wiped
 * before it is freed, and an encrypted key is refused through a password
 * callback that declines, so that OpenSSL never prompts on a terminal.
 *
 * A certificate's role follows the how-to ("Generating DANE roll-over
 * records"): a root is self-issued and its self-signature verifies; other
 * CA certificates are intermediates; the rest are leaves. Which bundle
 * certificates issue a leaf is decided by X509_check_issued() and the
 * signature, as a DANE-TA(2) record needs (RFC 7671 §5.2).
 *
 * It does not print and does not decide what to advise; cli/ does.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/mxd.h"
#include "tlsa/tlsa.h"
#include "tlsa/tlsa_gen.h"

struct tlsa_src {
	char		*path;
	enum tlsa_src_kind kind;
	X509		*certs[TLSA_SRC_CERTS_MAX];
	size_t		 ncerts;
	EVP_PKEY	*key;		/* public only: of a key, CSR, or the
					   key given with certificates */
	int		 private;	/* key came from a private key */
	int		 csr;		/* key came from a CSR */
	int		 nkeys;		/* key items seen while loading */
};

static int	refuse_password(char *buf, int size, int rwflag, void *u);
static int	read_file(const char *path, const char *shown,
		    unsigned char **data, size_t *len, struct mxd_err *err);
static int	load_pem(struct tlsa_src *src, const char *shown,
		    const char *text, size_t len, struct mxd_err *err);
static int	load_pem_block(struct tlsa_src *src, const char *shown,
		    const char *name, size_t namelen, const char *block,
		    size_t blen, struct mxd_err *err);
static int	load_der(struct tlsa_src *src, const char *shown,
		    const unsigned char *data, size_t len,
		    struct mxd_err *err);
static int	add_cert(struct tlsa_src *src, const char *shown, X509 *x,
		    struct mxd_err *err);
static int	add_key(struct tlsa_src *src, const char *shown, EVP_PKEY *k,
		    int private, int csr, struct mxd_err *err);
static int	add_csr(struct tlsa_src *src, const char *shown, X509_REQ *req,
		    struct mxd_err *err);
static EVP_PKEY	*public_only(const EVP_PKEY *k);
static int	finish(struct tlsa_src *src, const char *shown,
		    struct mxd_err *err);
static int	is_self_signed(X509 *x);
static int	issues(X509 *issuer, X509 *subject);
static enum tlsa_role cert_role(X509 *x);
static const EVP_PKEY *item_key(const struct tlsa_src *src, size_t i);
static void	key_info(const EVP_PKEY *k, struct tlsa_key_info *info);
static void	name_line(const X509_NAME *n, char *out, size_t outsz);
static void	time_str(const ASN1_TIME *t, char *out, size_t outsz);

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

/* refuse_password - PEM password callback: never ask, never give one */
static int
refuse_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(int *)u = 1;
	return -1;
}

/* read_file - the whole file, at most TLSA_SRC_FILE_MAX bytes */
static int
read_file(const char *path, const char *shown, unsigned char **data,
    size_t *len, struct mxd_err *err)
{
	struct stat	 st;
	unsigned char	*buf;
	FILE		*fp;
	size_t		 n;
	int		 e;

	*data = NULL;
	*len = 0;
	fp = fopen(path, "rb");
	if (fp == NULL) {
		e = errno;
		return mxd_err_set(err, e == ENOENT ? MXD_ENOENT :
		    e == EACCES ? MXD_EACCES : MXD_EIO, "%s: cannot open: %s",
		    shown, strerror(e));
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		(void)fclose(fp);
		return mxd_err_set(err, MXD_EIO, "%s: not a regular file",
		    shown);
	}
	if (st.st_size > TLSA_SRC_FILE_MAX) {
		(void)fclose(fp);
		return mxd_err_set(err, MXD_EBADDATA,
		    "%s: larger than %d bytes, not a certificate or key file",
		    shown, TLSA_SRC_FILE_MAX);
	}
	buf = mxd_malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		(void)fclose(fp);
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	n = fread(buf, 1, (size_t)st.st_size + 1, fp);
	if (ferror(fp) || n > (size_t)st.st_size) {
		e = errno;
		OPENSSL_cleanse(buf, (size_t)st.st_size + 1);
		mxd_free(buf);
		(void)fclose(fp);
		return mxd_err_set(err, MXD_EIO, "%s: cannot read: %s", shown,
		    n > (size_t)st.st_size ? "file grew while reading" :
		    strerror(e));
	}
	(void)fclose(fp);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

/* add_cert - keep one more certificate (taking ownership) */
static int
add_cert(struct tlsa_src *src, const char *shown, X509 *x,
    struct mxd_err *err)
{
	if (src->ncerts == TLSA_SRC_CERTS_MAX) {
		X509_free(x);
		return mxd_err_set(err, MXD_EBADDATA,
		    "%s: more than %d certificates", shown,
		    TLSA_SRC_CERTS_MAX);
	}
	src->certs[src->ncerts++] = x;
	return 0;
}

/* public_only - a copy of the public half of a key, or NULL */
static EVP_PKEY *
public_only(const EVP_PKEY *k)
{
	unsigned char		*der = NULL;
	const unsigned char	*p;
	EVP_PKEY		*pub;
	int			 len;

	len = i2d_PUBKEY(k, &der);
	if (len <= 0) {
		return NULL;
	}
	p = der;
	pub = d2i_PUBKEY(NULL, &p, len);
	OPENSSL_free(der);
	return pub;
}

/* add_key - keep the public half of a key (taking ownership of k) */
static int
add_key(struct tlsa_src *src, const char *shown, EVP_PKEY *k, int private,
    int csr, struct mxd_err *err)
{
	EVP_PKEY *pub;

	src->nkeys++;
	if (src->nkeys > 1) {
		EVP_PKEY_free(k);
		return mxd_err_set(err, MXD_EBADDATA,
		    "%s: holds more than one key or request; give one per "
		    "file", shown);
	}
	pub = public_only(k);
	EVP_PKEY_free(k);
	if (pub == NULL) {
		return mxd_err_ssl(err, MXD_ECRYPTO,
		    "%s: cannot encode the public key", shown);
	}
	src->key = pub;
	src->private = private;
	src->csr = csr;
	return 0;
}

/*
 * add_csr - keep the public key of a request (taking ownership of req),
 * if the request's signature verifies with it: a damaged request is
 * refused rather than trusted to carry the right key
 */
static int
add_csr(struct tlsa_src *src, const char *shown, X509_REQ *req,
    struct mxd_err *err)
{
	EVP_PKEY	*k;
	int		 ok;

	k = X509_REQ_get_pubkey(req);
	ok = k != NULL && X509_REQ_verify(req, k) == 1;
	X509_REQ_free(req);
	if (!ok) {
		EVP_PKEY_free(k);
		return mxd_err_ssl(err, MXD_EBADDATA, "%s: the certificate "
		    "request's signature does not verify with its key",
		    shown);
	}
	return add_key(src, shown, k, 0, 1, err);
}

/* load_pem_block - one "-----BEGIN NAME-----" block */
static int
load_pem_block(struct tlsa_src *src, const char *shown, const char *name,
    size_t namelen, const char *block, size_t blen, struct mxd_err *err)
{
	char		 kind[40];
	BIO		*bio;
	X509		*x = NULL;
	X509_REQ	*req = NULL;
	EVP_PKEY	*k = NULL;
	int		 asked = 0, rc = 0;

	if (namelen >= sizeof(kind)) {
		return 0;		/* no block we know has such a name */
	}
	memcpy(kind, name, namelen);
	kind[namelen] = '\0';
	if (strcmp(kind, "ENCRYPTED PRIVATE KEY") == 0 ||
	    (strstr(kind, "PRIVATE KEY") != NULL &&
	    memmem(block, blen, "Proc-Type: 4,ENCRYPTED", 22) != NULL)) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "%s: the private key is encrypted; mxdane never asks for "
		    "a password: give the certificate, the public key or an "
		    "unencrypted copy of the key", shown);
	}
	if (blen > INT_MAX) {
		return mxd_err_set(err, MXD_EBADDATA, "%s: block too large",
		    shown);
	}
	bio = BIO_new_mem_buf(block, (int)blen);
	if (bio == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	if (strcmp(kind, "CERTIFICATE") == 0 ||
	    strcmp(kind, "X509 CERTIFICATE") == 0) {
		x = PEM_read_bio_X509(bio, NULL, refuse_password, &asked);
	} else if (strcmp(kind, "TRUSTED CERTIFICATE") == 0) {
		x = PEM_read_bio_X509_AUX(bio, NULL, refuse_password, &asked);
	} else if (strcmp(kind, "CERTIFICATE REQUEST") == 0 ||
	    strcmp(kind, "NEW CERTIFICATE REQUEST") == 0) {
		req = PEM_read_bio_X509_REQ(bio, NULL, refuse_password,
		    &asked);
		if (req != NULL) {
			rc = add_csr(src, shown, req, err);
			goto done;
		}
	} else if (strcmp(kind, "PUBLIC KEY") == 0) {
		k = PEM_read_bio_PUBKEY(bio, NULL, refuse_password, &asked);
		if (k != NULL) {
			rc = add_key(src, shown, k, 0, 0, err);
			goto done;
		}
	} else if (strstr(kind, "PRIVATE KEY") != NULL) {
		k = PEM_read_bio_PrivateKey(bio, NULL, refuse_password,
		    &asked);
		if (k != NULL) {
			rc = add_key(src, shown, k, 1, 0, err);
			goto done;
		}
	} else {
		/* EC PARAMETERS, CRLs and the like carry no key we need. */
		goto done;
	}
	if (x != NULL) {
		rc = add_cert(src, shown, x, err);
		goto done;
	}
	if (asked) {
		rc = mxd_err_set(err, MXD_EBADDATA,
		    "%s: the %s is encrypted; mxdane never asks for a "
		    "password", shown, strstr(kind, "KEY") != NULL ?
		    "key" : "block");
	} else {
		rc = mxd_err_ssl(err, MXD_EBADDATA,
		    "%s: the PEM block '%s' cannot be decoded", shown, kind);
	}
done:
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

/* load_pem - every PEM block of a text file */
static int
load_pem(struct tlsa_src *src, const char *shown, const char *text,
    size_t len, struct mxd_err *err)
{
	const char	*p = text, *end = text + len, *name, *nend, *stop;
	char		 endmark[64];
	size_t		 namelen;
	int		 rc, n;

	for (;;) {
		p = memmem(p, (size_t)(end - p), "-----BEGIN ", 11);
		if (p == NULL) {
			return 0;
		}
		name = p + 11;
		nend = memmem(name, (size_t)(end - name), "-----", 5);
		if (nend == NULL || memchr(name, '\n', (size_t)(nend - name))) {
			return mxd_err_set(err, MXD_EBADDATA,
			    "%s: broken PEM header at offset %td", shown,
			    p - text);
		}
		namelen = (size_t)(nend - name);
		n = snprintf(endmark, sizeof(endmark), "-----END %.*s-----",
		    (int)(namelen < 40 ? namelen : 40), name);
		stop = memmem(nend, (size_t)(end - nend), endmark, (size_t)n);
		if (stop == NULL || namelen >= 40) {
			return mxd_err_set(err, MXD_EBADDATA,
			    "%s: PEM block at offset %td has no matching END "
			    "line", shown, p - text);
		}
		stop += n;
		rc = load_pem_block(src, shown, name, namelen, p,
		    (size_t)(stop - p), err);
		if (rc != 0) {
			return rc;
		}
		p = stop;
	}
}

/*
 * load_der - one DER object: certificate, CSR, SPKI or private key, each
 * only if it uses every byte of the file
 */
static int
load_der(struct tlsa_src *src, const char *shown, const unsigned char *data,
    size_t len, struct mxd_err *err)
{
	const unsigned char	*p;
	const unsigned char	*end = data + len;
	X509			*x;
	X509_REQ		*req;
	X509_SIG		*sig;
	EVP_PKEY		*k;
	long			 l = (long)len;

	p = data;
	x = d2i_X509(NULL, &p, l);
	if (x != NULL && p == end) {
		return add_cert(src, shown, x, err);
	}
	X509_free(x);
	p = data;
	req = d2i_X509_REQ(NULL, &p, l);
	if (req != NULL && p == end) {
		return add_csr(src, shown, req, err);
	}
	X509_REQ_free(req);
	p = data;
	k = d2i_PUBKEY(NULL, &p, l);
	if (k != NULL && p == end) {
		return add_key(src, shown, k, 0, 0, err);
	}
	EVP_PKEY_free(k);
	p = data;
	sig = d2i_X509_SIG(NULL, &p, l);
	if (sig != NULL && p == end) {
		X509_SIG_free(sig);
		return mxd_err_set(err, MXD_EBADDATA,
		    "%s: the private key is encrypted; mxdane never asks for "
		    "a password", shown);
	}
	X509_SIG_free(sig);
	p = data;
	k = d2i_AutoPrivateKey(NULL, &p, l);
	if (k != NULL && p == end) {
		return add_key(src, shown, k, 1, 0, err);
	}
	EVP_PKEY_free(k);
	return mxd_err_set(err, MXD_EBADDATA,
	    "%s: not a certificate, private key, public key or CSR (PEM or "
	    "DER)", shown);
}

/* finish - decide the kind; a key given with certificates must fit */
static int
finish(struct tlsa_src *src, const char *shown, struct mxd_err *err)
{
	size_t	leaf;
	char	subj[128];

	if (src->ncerts == 0) {
		if (src->key == NULL) {
			return mxd_err_set(err, MXD_EBADDATA,
			    "%s: holds no certificate, private key, public "
			    "key or CSR", shown);
		}
		src->kind = src->csr ? TLSA_SRC_CSR : src->private ?
		    TLSA_SRC_PRIVKEY : TLSA_SRC_PUBKEY;
		return 0;
	}
	src->kind = src->ncerts == 1 ? TLSA_SRC_CERT : TLSA_SRC_BUNDLE;
	if (src->key == NULL) {
		return 0;
	}
	if (src->csr) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "%s: mixes certificates and a certificate request", shown);
	}
	leaf = tlsa_src_leaf(src);
	if (EVP_PKEY_eq(src->key, X509_get0_pubkey(src->certs[leaf])) != 1) {
		ERR_clear_error();
		name_line(X509_get_subject_name(src->certs[leaf]), subj,
		    sizeof(subj));
		return mxd_err_set(err, MXD_EMISMATCH,
		    "%s: the %s key in the file does not belong to its "
		    "certificate '%s'", shown, src->private ? "private" :
		    "public", subj);
	}
	return 0;
}

/* tlsa_src_load - read and classify one input file */
int
tlsa_src_load(const char *path, struct tlsa_src **out, struct mxd_err *err)
{
	struct tlsa_src	*src;
	unsigned char	*data = NULL;
	size_t		 len = 0;
	char		 shown[128];
	int		 rc;

	if (out == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no source to fill");
	}
	*out = NULL;
	if (path == NULL || path[0] == '\0') {
		return mxd_err_set(err, MXD_EINVAL, "no file name");
	}
	(void)mxd_sanitize(path, strlen(path), shown, sizeof(shown));
	src = mxd_calloc(1, sizeof(*src));
	if (src == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	src->path = mxd_strdup(path);
	if (src->path == NULL) {
		rc = mxd_err_set(err, MXD_ENOMEM, "out of memory");
		goto fail;
	}
	rc = read_file(path, shown, &data, &len, err);
	if (rc != 0) {
		goto fail;
	}
	if (len == 0) {
		rc = mxd_err_set(err, MXD_EBADDATA, "%s: the file is empty",
		    shown);
		goto fail;
	}
	ERR_clear_error();
	if (memmem(data, len, "-----BEGIN ", 11) != NULL) {
		rc = load_pem(src, shown, (const char *)data, len, err);
	} else {
		rc = load_der(src, shown, data, len, err);
	}
	ERR_clear_error();
	if (rc == 0) {
		rc = finish(src, shown, err);
	}
	if (rc != 0) {
		goto fail;
	}
	OPENSSL_cleanse(data, len);
	mxd_free(data);
	*out = src;
	return 0;
fail:
	if (data != NULL) {
		OPENSSL_cleanse(data, len);
		mxd_free(data);
	}
	tlsa_src_free(src);
	return rc;
}

/* tlsa_src_free - release a source */
void
tlsa_src_free(struct tlsa_src *src)
{
	size_t i;

	if (src == NULL) {
		return;
	}
	for (i = 0; i < src->ncerts; i++) {
		X509_free(src->certs[i]);
	}
	EVP_PKEY_free(src->key);
	mxd_free(src->path);
	mxd_free(src);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */
/* ------------------------------------------------------------------ */

/* tlsa_src_path - the file name */
const char *
tlsa_src_path(const struct tlsa_src *src)
{
	return src->path;
}

/* tlsa_src_kind - what the file holds */
enum tlsa_src_kind
tlsa_src_kind(const struct tlsa_src *src)
{
	return src->kind;
}

/* tlsa_src_kind_name - English name of a kind */
const char *
tlsa_src_kind_name(enum tlsa_src_kind kind)
{
	switch (kind) {
	case TLSA_SRC_CERT:
		return "certificate";
	case TLSA_SRC_BUNDLE:
		return "certificate bundle";
	case TLSA_SRC_PRIVKEY:
		return "private key";
	case TLSA_SRC_PUBKEY:
		return "public key";
	case TLSA_SRC_CSR:
		return "certificate request";
	}
	return "unknown";
}

/* tlsa_role_name - English name of a role */
const char *
tlsa_role_name(enum tlsa_role role)
{
	switch (role) {
	case TLSA_ROLE_LEAF:
		return "leaf";
	case TLSA_ROLE_INTERMEDIATE:
		return "intermediate";
	case TLSA_ROLE_ROOT:
		return "root";
	}
	return "unknown";
}

/* tlsa_src_ncerts - how many certificates */
size_t
tlsa_src_ncerts(const struct tlsa_src *src)
{
	return src->ncerts;
}

/* tlsa_src_leaf - the server certificate: first non-CA, else the first */
size_t
tlsa_src_leaf(const struct tlsa_src *src)
{
	size_t i;

	for (i = 0; i < src->ncerts; i++) {
		if (cert_role(src->certs[i]) == TLSA_ROLE_LEAF) {
			return i;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Certificates: roles, issuers, descriptions                          */
/* ------------------------------------------------------------------ */

/* issues - does issuer issue subject: names fit and signature verifies */
static int
issues(X509 *issuer, X509 *subject)
{
	EVP_PKEY	*k;
	int		 ok;

	if (X509_check_issued(issuer, subject) != X509_V_OK) {
		return 0;
	}
	k = X509_get0_pubkey(issuer);
	ok = k != NULL && X509_verify(subject, k) == 1;
	ERR_clear_error();
	return ok;
}

/* is_self_signed - self-issued, and its own key verifies its signature */
static int
is_self_signed(X509 *x)
{
	return issues(x, x);
}

/* cert_role - leaf, intermediate or root */
static enum tlsa_role
cert_role(X509 *x)
{
	int ca = X509_check_ca(x) > 0;

	if (ca && is_self_signed(x)) {
		return TLSA_ROLE_ROOT;
	}
	return ca ? TLSA_ROLE_INTERMEDIATE : TLSA_ROLE_LEAF;
}

/* tlsa_src_issuer_path - which certificates of chain issue the leaf */
int
tlsa_src_issuer_path(const struct tlsa_src *chain, const struct tlsa_src *leaf,
    size_t leaf_i, size_t *path, size_t max, size_t *n)
{
	int	used[TLSA_SRC_CERTS_MAX];
	X509	*cur;
	size_t	i, j, k;
	int	found;

	if (chain == NULL || path == NULL || n == NULL) {
		return MXD_EINVAL;
	}
	*n = 0;
	memset(used, 0, sizeof(used));
	if (leaf != NULL) {
		if (leaf_i >= leaf->ncerts) {
			return leaf->ncerts == 0 ? 0 : MXD_EINVAL;
		}
		cur = leaf->certs[leaf_i];
		if (leaf == chain) {
			used[leaf_i] = 1;
		}
	} else {
		if (chain->ncerts == 0 || max == 0) {
			return 0;
		}
		/*
		 * The lowest CA certificate: one that issues no other CA
		 * certificate of the file (leaves are neither issuers nor
		 * part of the path here).
		 */
		for (i = 0; i < chain->ncerts; i++) {
			if (cert_role(chain->certs[i]) == TLSA_ROLE_LEAF) {
				continue;
			}
			for (j = 0; j < chain->ncerts; j++) {
				if (j != i && cert_role(chain->certs[j]) !=
				    TLSA_ROLE_LEAF && issues(chain->certs[i],
				    chain->certs[j])) {
					break;
				}
			}
			if (j == chain->ncerts) {
				break;
			}
		}
		if (i == chain->ncerts) {
			i = 0;		/* only leaves, or a cycle */
		}
		path[(*n)++] = i;
		used[i] = 1;
		cur = chain->certs[i];
	}
	/* Each step uses one more certificate: at most ncerts steps. */
	for (k = 0; k < chain->ncerts && *n < max; k++) {
		if (is_self_signed(cur)) {
			break;
		}
		found = 0;
		for (i = 0; i < chain->ncerts; i++) {
			if (!used[i] && issues(chain->certs[i], cur)) {
				found = 1;
				break;
			}
		}
		if (!found) {
			break;
		}
		path[(*n)++] = i;
		used[i] = 1;
		cur = chain->certs[i];
	}
	return 0;
}

/* name_line - one printable line for a distinguished name */
static void
name_line(const X509_NAME *n, char *out, size_t outsz)
{
	BIO	*bio;
	char	*p;
	long	 len;

	out[0] = '\0';
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL) {
		return;
	}
	if (X509_NAME_print_ex(bio, n, 0, XN_FLAG_ONELINE) >= 0) {
		len = BIO_get_mem_data(bio, &p);
		if (len > 0) {
			(void)mxd_sanitize(p, (size_t)len, out, outsz);
		}
	}
	BIO_free(bio);
	ERR_clear_error();
}

/* time_str - an ASN.1 time as "YYYY-MM-DDTHH:MM:SSZ" */
static void
time_str(const ASN1_TIME *t, char *out, size_t outsz)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		(void)snprintf(out, outsz, "?");
	}
}

/* key_info - algorithm and size of a public key */
static void
key_info(const EVP_PKEY *k, struct tlsa_key_info *info)
{
	char		 group[64];
	const char	*alg, *nist;
	size_t		 glen = 0;
	int		 nid;

	memset(info, 0, sizeof(*info));
	info->bits = EVP_PKEY_get_bits(k);
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
		alg = "RSA";
		break;
	case EVP_PKEY_RSA_PSS:
		alg = "RSA-PSS";
		break;
	case EVP_PKEY_EC:
		alg = "EC";
		break;
	case EVP_PKEY_ED25519:
		alg = "Ed25519";
		break;
	case EVP_PKEY_ED448:
		alg = "Ed448";
		break;
	case EVP_PKEY_DSA:
		alg = "DSA";
		break;
	default:
		alg = OBJ_nid2sn(EVP_PKEY_get_base_id(k));
		if (alg == NULL || alg[0] == '\0' ||
		    strcmp(alg, "UNDEF") == 0) {
			alg = "unknown";
		}
		break;
	}
	(void)snprintf(info->alg, sizeof(info->alg), "%s", alg);
	if (strcmp(alg, "EC") == 0 &&
	    EVP_PKEY_get_group_name(k, group, sizeof(group), &glen) == 1) {
		nid = OBJ_sn2nid(group);
		nist = nid != NID_undef ? EC_curve_nid2nist(nid) : NULL;
		(void)snprintf(info->desc, sizeof(info->desc), "EC %.28s",
		    nist != NULL ? nist : group);
	} else if (strncmp(alg, "Ed", 2) == 0) {
		(void)snprintf(info->desc, sizeof(info->desc), "%s", alg);
	} else {
		(void)snprintf(info->desc, sizeof(info->desc), "%s %d", alg,
		    info->bits);
	}
	ERR_clear_error();
}

/* item_key - the public key of certificate i, or of the key source */
static const EVP_PKEY *
item_key(const struct tlsa_src *src, size_t i)
{
	if (src->ncerts == 0) {
		return src->key;
	}
	if (i >= src->ncerts) {
		return NULL;
	}
	return X509_get0_pubkey(src->certs[i]);
}

/* tlsa_src_key_info - algorithm and size of item i's key */
int
tlsa_src_key_info(const struct tlsa_src *src, size_t i,
    struct tlsa_key_info *info)
{
	const EVP_PKEY *k;

	if (src == NULL || info == NULL) {
		return MXD_EINVAL;
	}
	k = item_key(src, i);
	if (k == NULL) {
		return MXD_EINVAL;
	}
	key_info(k, info);
	return 0;
}

/* tlsa_src_cert_info - describe certificate i */
int
tlsa_src_cert_info(const struct tlsa_src *src, size_t i,
    struct tlsa_cert_info *info, struct mxd_err *err)
{
	struct tlsa_rr	rr;
	X509		*x;
	int		 rc;

	if (src == NULL || info == NULL || i >= src->ncerts) {
		return mxd_err_set(err, MXD_EINVAL, "no such certificate");
	}
	memset(info, 0, sizeof(*info));
	x = src->certs[i];
	name_line(X509_get_subject_name(x), info->subject,
	    sizeof(info->subject));
	name_line(X509_get_issuer_name(x), info->issuer,
	    sizeof(info->issuer));
	info->is_ca = X509_check_ca(x) > 0;
	info->role = cert_role(x);
	key_info(X509_get0_pubkey(x), &info->key);
	time_str(X509_get0_notBefore(x), info->not_before,
	    sizeof(info->not_before));
	time_str(X509_get0_notAfter(x), info->not_after,
	    sizeof(info->not_after));
	info->expired = X509_cmp_current_time(X509_get0_notAfter(x)) < 0;
	info->not_yet_valid =
	    X509_cmp_current_time(X509_get0_notBefore(x)) > 0;
	rc = tlsa_src_rr(src, i, TLSA_USAGE_DANE_TA, TLSA_SEL_SPKI,
	    TLSA_MTYPE_SHA256, &rr, err);
	if (rc != 0) {
		return rc;
	}
	mxd_hex_encode(rr.data, rr.len, info->spki_sha256);
	tlsa_rr_clear(&rr);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/* tlsa_src_rr - a TLSA record of certificate i (or of the key) */
int
tlsa_src_rr(const struct tlsa_src *src, size_t i, unsigned usage,
    unsigned selector, unsigned mtype, struct tlsa_rr *rr,
    struct mxd_err *err)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	unsigned char	*der, *p;
	const EVP_MD	*alg;
	const EVP_PKEY	*k;
	int		 len;

	if (rr == NULL || src == NULL || usage > 255) {
		return mxd_err_set(err, MXD_EINVAL, "bad arguments");
	}
	memset(rr, 0, sizeof(*rr));
	if (selector > TLSA_SEL_SPKI || mtype > TLSA_MTYPE_SHA512) {
		return mxd_err_set(err, MXD_EINVAL,
		    "selector %u or matching type %u unknown", selector, mtype);
	}
	if (src->ncerts > 0 && i >= src->ncerts) {
		return mxd_err_set(err, MXD_EINVAL, "no such certificate");
	}
	ERR_clear_error();
	if (selector == TLSA_SEL_CERT) {
		if (src->ncerts == 0) {
			char shown[128];

			return mxd_err_set(err, MXD_EBADDATA,
			    "%s: selector 0 (Cert) needs a certificate, and "
			    "the file holds a %s", mxd_sanitize(src->path,
			    strlen(src->path), shown, sizeof(shown)),
			    tlsa_src_kind_name(src->kind));
		}
		len = i2d_X509(src->certs[i], NULL);
	} else {
		k = item_key(src, i);
		len = i2d_PUBKEY(k, NULL);
	}
	if (len <= 0) {
		return mxd_err_ssl(err, MXD_ECRYPTO, "cannot encode the %s",
		    selector == TLSA_SEL_CERT ? "certificate" : "public key");
	}
	if ((size_t)len > TLSA_DATA_MAX && mtype == TLSA_MTYPE_FULL) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "%d octets do not fit in a TLSA record", len);
	}
	der = mxd_malloc((size_t)len);
	if (der == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	p = der;
	if (selector == TLSA_SEL_CERT) {
		len = i2d_X509(src->certs[i], &p);
	} else {
		len = i2d_PUBKEY(item_key(src, i), &p);
	}
	if (len <= 0) {
		mxd_free(der);
		return mxd_err_ssl(err, MXD_ECRYPTO, "cannot encode the data");
	}
	rr->usage = (uint8_t)usage;
	rr->selector = (uint8_t)selector;
	rr->mtype = (uint8_t)mtype;
	if (mtype == TLSA_MTYPE_FULL) {
		rr->data = der;
		rr->len = (size_t)len;
		return 0;
	}
	alg = mtype == TLSA_MTYPE_SHA256 ? EVP_sha256() : EVP_sha512();
	if (EVP_Digest(der, (size_t)len, md, &mdlen, alg, NULL) != 1) {
		mxd_free(der);
		memset(rr, 0, sizeof(*rr));
		return mxd_err_ssl(err, MXD_ECRYPTO, "digest failed");
	}
	mxd_free(der);
	rr->data = mxd_malloc(mdlen);
	if (rr->data == NULL) {
		memset(rr, 0, sizeof(*rr));
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	memcpy(rr->data, md, mdlen);
	rr->len = mdlen;
	return 0;
}

/* tlsa_src_same_key - do two items share a public key? */
int
tlsa_src_same_key(const struct tlsa_src *a, size_t ia,
    const struct tlsa_src *b, size_t ib)
{
	const EVP_PKEY	*ka, *kb;
	int		 eq;

	if (a == NULL || b == NULL) {
		return MXD_EINVAL;
	}
	ka = item_key(a, ia);
	kb = item_key(b, ib);
	if (ka == NULL || kb == NULL) {
		return MXD_EINVAL;
	}
	eq = EVP_PKEY_eq(ka, kb);
	ERR_clear_error();
	return eq == 1;
}
