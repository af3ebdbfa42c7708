/*
 * tlsa_gen.h - TLSA association data from what a mail operator has at
 * hand: a certificate, a chain or CA bundle, a private key, a public key or
 * a certificate signing request (RFC 6698 §2.1; RFC 7671 §5; the how-to's
 * "Generating DANE records").
 */
#ifndef MXD_TLSA_GEN_H
#define MXD_TLSA_GEN_H

#include <stddef.h>

struct mxd_err;
struct tlsa_rr;
struct tlsa_src;

/* Input files larger than this are refused. */
#define TLSA_SRC_FILE_MAX	(1024 * 1024)
/* At most this many certificates in one file. */
#define TLSA_SRC_CERTS_MAX	256

/** What an input file holds. */
enum tlsa_src_kind {
	TLSA_SRC_CERT = 1,	/**< one certificate (maybe with its key) */
	TLSA_SRC_BUNDLE,	/**< several certificates: chain or bundle */
	TLSA_SRC_PRIVKEY,	/**< a private key (its public half is kept) */
	TLSA_SRC_PUBKEY,	/**< a SubjectPublicKeyInfo */
	TLSA_SRC_CSR,		/**< a certificate signing request */
};

/** The role of a certificate in its file. */
enum tlsa_role {
	TLSA_ROLE_LEAF = 0,	/**< not a CA */
	TLSA_ROLE_INTERMEDIATE,	/**< a CA certificate that is not self-signed */
	TLSA_ROLE_ROOT,		/**< self-issued, self-signature verifies, CA */
};

/** A public key, for display and advice. */
struct tlsa_key_info {
	char	alg[16];	/**< "RSA", "EC", "Ed25519", "Ed448", "DSA" */
	char	desc[32];	/**< "RSA 2048", "EC P-256", "Ed25519" */
	int	bits;		/**< key size in bits */
};

/** One certificate of a source, for display. All strings are printable. */
struct tlsa_cert_info {
	char			subject[256];	/**< "CN = mx, O = ..." */
	char			issuer[256];	/**< the issuer's name */
	enum tlsa_role		role;		/**< in its file */
	int			is_ca;		/**< basicConstraints CA */
	struct tlsa_key_info	key;		/**< its public key */
	char			not_before[24];	/**< "2026-11-30T08:00:00Z" */
	char			not_after[24];	/**< the same form */
	int			expired;	/**< notAfter has passed */
	int			not_yet_valid;	/**< notBefore is to come */
	char			spki_sha256[65];	/**< the "x 1 1" data */
};

/**
 * Load and classify one file: PEM (any mix of certificates, one private or
 * public key, or one CSR; EC parameter blocks are skipped) or DER (one
 * certificate, CSR, SubjectPublicKeyInfo or private key). Of a private key
 * only the public key is kept; an encrypted key is refused (no password is
 * ever asked for). A key given in the same file as certificates must
 * belong to the first leaf certificate.
 * @param[in] path the file to read.
 * @param[out] out the source; free with tlsa_src_free().
 * @param[out] err the reason of a failure, naming the file.
 * @return 0; MXD_ENOENT/MXD_EACCES/MXD_EIO (cannot read the file);
 *     MXD_EBADDATA (not a certificate, key or CSR; encrypted; empty;
 *     too large); MXD_EMISMATCH (key and certificate do not belong
 *     together); MXD_ENOMEM.
 */
int	tlsa_src_load(const char *path, struct tlsa_src **out,
	    struct mxd_err *err);

/** Free a source; NULL is a no-op. */
void	tlsa_src_free(struct tlsa_src *src);

/** The path the source was loaded from (owned by the source). */
const char	*tlsa_src_path(const struct tlsa_src *src);

/** What the file holds. */
enum tlsa_src_kind	tlsa_src_kind(const struct tlsa_src *src);

/** English name of a kind: "certificate", "private key", ... */
const char	*tlsa_src_kind_name(enum tlsa_src_kind kind);

/** English name of a role: "leaf", "intermediate", "root". */
const char	*tlsa_role_name(enum tlsa_role role);

/** Number of certificates (0 for keys and CSRs). */
size_t	tlsa_src_ncerts(const struct tlsa_src *src);

/**
 * Index of the server certificate: the first certificate that is not a
 * CA, else the first certificate. 0 for sources without certificates.
 */
size_t	tlsa_src_leaf(const struct tlsa_src *src);

/**
 * Describe certificate @p i.
 * @return 0, MXD_EINVAL (no such certificate), MXD_ECRYPTO.
 */
int	tlsa_src_cert_info(const struct tlsa_src *src, size_t i,
	    struct tlsa_cert_info *info, struct mxd_err *err);

/**
 * Describe the public key of certificate @p i, or of the key or CSR when
 * the source has no certificates. @return 0 or MXD_EINVAL.
 */
int	tlsa_src_key_info(const struct tlsa_src *src, size_t i,
	    struct tlsa_key_info *info);

/**
 * Make a record: selector 0 is the DER certificate @p i (i2d_X509),
 * selector 1 its DER SubjectPublicKeyInfo (or the key's, for key and CSR
 * sources); matching type 0 is the data itself, 1 its SHA2-256 and 2 its
 * SHA2-512 digest.
 * @param[in] src the loaded file.
 * @param[in] i which certificate (ignored without certificates).
 * @param[in] usage copied into the record as it is.
 * @param[in] selector 0 or 1.
 * @param[in] mtype 0, 1 or 2.
 * @param[out] rr filled; free with tlsa_rr_clear().
 * @param[out] err the reason of a failure.
 * @return 0, MXD_EINVAL (no such certificate, selector or matching type
 *     unknown), MXD_EBADDATA (selector 0 of a source without
 *     certificate), MXD_ENOMEM, MXD_ECRYPTO.
 */
int	tlsa_src_rr(const struct tlsa_src *src, size_t i, unsigned usage,
	    unsigned selector, unsigned mtype, struct tlsa_rr *rr,
	    struct mxd_err *err);

/**
 * Do two items have the same public key? Item @p i of each source as in
 * tlsa_src_key_info(). @return 1 yes, 0 no, or a negative MXD_E* code.
 */
int	tlsa_src_same_key(const struct tlsa_src *a, size_t ia,
	    const struct tlsa_src *b, size_t ib);

/**
 * The certificates of @p chain that issue certificate @p leaf_i of
 * @p leaf, directly or up the chain: path[0] is the direct issuer (depth
 * 1), path[1] its issuer (depth 2), and so on up to a root or until no
 * certificate of @p chain issues the last one. "Issues" means the names
 * and key identifiers fit (X509_check_issued) and the signature verifies.
 * With @p leaf NULL the path starts at the lowest certificate of
 * @p chain (one that issues no other certificate of it), as path[0].
 * Up to @p max indices into @p chain are written to @p path; @p n says
 * how many (0: @p chain does not issue the leaf).
 * @return 0, MXD_EINVAL.
 */
int	tlsa_src_issuer_path(const struct tlsa_src *chain,
	    const struct tlsa_src *leaf, size_t leaf_i, size_t *path,
	    size_t max, size_t *n);

#endif /* MXD_TLSA_GEN_H */
