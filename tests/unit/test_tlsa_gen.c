/* test_tlsa_gen.c - loading certificates and keys, making record data */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/mxd.h"
#include "tlsa/tlsa.h"
#include "tlsa/tlsa_gen.h"

/* Fixtures: a root CA, a leaf it issues, the leaf's key, a stranger. */
static char	 dir[64];
static EVP_PKEY	*root_key, *leaf_key, *other_key;
static X509	*root_cert, *leaf_cert;

static int	group_setup(void **state);
static int	group_teardown(void **state);
static X509	*make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
		    EVP_PKEY *issuer_key, int ca);
static const char *path(const char *name);
static void	write_pem(const char *name, X509 *x1, X509 *x2, EVP_PKEY *priv,
		    EVP_PKEY *pub);
static void	expect_data(const struct tlsa_rr *rr, const uint8_t *der,
		    size_t len, unsigned mtype);

/* path - a file in the fixture folder (static buffer) */
static const char *
path(const char *name)
{
	static char buf[160];

	(void)snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

/* make_cert - a certificate for cn, signed by issuer (or itself) */
static X509 *
make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
    int ca)
{
	X509		*x = X509_new();
	X509_EXTENSION	*ext;
	X509V3_CTX	 ctx;

	ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2);
	X509_set_version(x, 2);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(issuer != NULL ?
	    issuer : x));
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	X509_sign(x, issuer_key, EVP_sha256());
	return x;
}

/* write_pem - a PEM file of up to two certificates and keys */
static void
write_pem(const char *name, X509 *x1, X509 *x2, EVP_PKEY *priv, EVP_PKEY *pub)
{
	FILE *fp = fopen(path(name), "w");

	assert_non_null(fp);
	if (priv != NULL) {
		PEM_write_PrivateKey(fp, priv, NULL, NULL, 0, NULL, NULL);
	}
	if (pub != NULL) {
		PEM_write_PUBKEY(fp, pub);
	}
	if (x1 != NULL) {
		PEM_write_X509(fp, x1);
	}
	if (x2 != NULL) {
		PEM_write_X509(fp, x2);
	}
	fclose(fp);
}

/* group_setup - keys, certificates and the files made of them */
static int
group_setup(void **state)
{
	X509_REQ	*req;
	FILE		*fp;

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/mxdane-gen.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		return -1;
	}
	root_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	leaf_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	other_key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (root_key == NULL || leaf_key == NULL || other_key == NULL) {
		return -1;
	}
	root_cert = make_cert("root", root_key, NULL, root_key, 1);
	leaf_cert = make_cert("mx.example", leaf_key, root_cert, root_key, 0);
	write_pem("leaf.pem", leaf_cert, NULL, NULL, NULL);
	write_pem("chain.pem", leaf_cert, root_cert, NULL, NULL);
	write_pem("root.pem", root_cert, NULL, NULL, NULL);
	write_pem("leaf.key", NULL, NULL, leaf_key, NULL);
	write_pem("leaf.pub", NULL, NULL, NULL, leaf_key);
	write_pem("combined.pem", leaf_cert, NULL, leaf_key, NULL);
	write_pem("mismatch.pem", leaf_cert, NULL, other_key, NULL);
	fp = fopen(path("enc.key"), "w");
	PEM_write_PKCS8PrivateKey(fp, leaf_key, EVP_aes_256_cbc(), NULL, 0,
	    NULL, (void *)"secret");
	fclose(fp);
	fp = fopen(path("leaf.der"), "wb");
	i2d_X509_fp(fp, leaf_cert);
	fclose(fp);
	req = X509_REQ_new();
	X509_REQ_set_pubkey(req, leaf_key);
	X509_REQ_sign(req, leaf_key, EVP_sha256());
	fp = fopen(path("leaf.csr"), "w");
	PEM_write_X509_REQ(fp, req);
	fclose(fp);
	X509_REQ_free(req);
	fp = fopen(path("junk.txt"), "w");
	fputs("-----BEGIN CERTIFICATE-----\nnot base64 at all\n"
	    "-----END CERTIFICATE-----\n", fp);
	fclose(fp);
	return 0;
}

/* group_teardown - remove the files, free the fixtures */
static int
group_teardown(void **state)
{
	static const char *const names[] = {
		"leaf.pem", "chain.pem", "root.pem", "leaf.key", "leaf.pub",
		"combined.pem", "mismatch.pem", "enc.key", "leaf.der",
		"leaf.csr", "junk.txt",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)unlink(path(names[i]));
	}
	(void)rmdir(dir);
	X509_free(root_cert);
	X509_free(leaf_cert);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(leaf_key);
	EVP_PKEY_free(other_key);
	return 0;
}

/* expect_data - rr holds der (mtype 0) or its digest */
static void
expect_data(const struct tlsa_rr *rr, const uint8_t *der, size_t len,
    unsigned mtype)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen;

	if (mtype == 0) {
		assert_int_equal(rr->len, len);
		assert_memory_equal(rr->data, der, len);
		return;
	}
	EVP_Digest(der, len, md, &mdlen, mtype == 1 ? EVP_sha256() :
	    EVP_sha512(), NULL);
	assert_int_equal(rr->len, mdlen);
	assert_memory_equal(rr->data, md, mdlen);
}

/* ------------------------------------------------------------------ */

static void
test_gen_every_input_kind_gives_the_leaf_spki(void **state)
{
	static const struct {
		const char		*name;
		enum tlsa_src_kind	 kind;
		size_t			 ncerts;
	} in[] = {
		{ "leaf.pem", TLSA_SRC_CERT, 1 },
		{ "leaf.der", TLSA_SRC_CERT, 1 },
		{ "chain.pem", TLSA_SRC_BUNDLE, 2 },
		{ "combined.pem", TLSA_SRC_CERT, 1 },
		{ "leaf.key", TLSA_SRC_PRIVKEY, 0 },
		{ "leaf.pub", TLSA_SRC_PUBKEY, 0 },
		{ "leaf.csr", TLSA_SRC_CSR, 0 },
	};
	unsigned char	*spki = NULL;
	struct tlsa_src	*src;
	struct tlsa_rr	 rr;
	struct mxd_err	 e;
	size_t		 i;
	int		 len;
	unsigned	 m;

	(void)state;
	len = i2d_PUBKEY(leaf_key, &spki);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		if (tlsa_src_load(path(in[i].name), &src, &e) != 0) {
			fail_msg("%s: %s", in[i].name, e.msg);
		}
		assert_int_equal(tlsa_src_kind(src), in[i].kind);
		assert_int_equal(tlsa_src_ncerts(src), in[i].ncerts);
		assert_int_equal(tlsa_src_leaf(src), 0);
		for (m = 0; m <= 2; m++) {
			assert_int_equal(tlsa_src_rr(src, 0, 3, 1, m, &rr, &e),
			    0);
			assert_int_equal(rr.usage, 3);
			assert_int_equal(rr.selector, 1);
			assert_int_equal(rr.mtype, m);
			expect_data(&rr, spki, (size_t)len, m);
			assert_int_equal(tlsa_rr_usable(&rr), TLSA_USABLE);
			tlsa_rr_clear(&rr);
		}
		tlsa_src_free(src);
	}
	OPENSSL_free(spki);
}

static void
test_gen_selector_0_is_the_der_certificate(void **state)
{
	unsigned char	*der = NULL;
	struct tlsa_src	*src;
	struct tlsa_rr	 rr;
	int		 len;
	unsigned	 m;

	(void)state;
	len = i2d_X509(root_cert, &der);
	assert_int_equal(tlsa_src_load(path("chain.pem"), &src, NULL), 0);
	for (m = 0; m <= 2; m++) {
		assert_int_equal(tlsa_src_rr(src, 1, 2, 0, m, &rr, NULL), 0);
		expect_data(&rr, der, (size_t)len, m);
		assert_int_equal(tlsa_rr_usable(&rr), TLSA_USABLE);
		tlsa_rr_clear(&rr);
	}
	assert_int_equal(tlsa_src_rr(src, 2, 2, 0, 1, &rr, NULL), MXD_EINVAL);
	assert_int_equal(tlsa_src_rr(src, 0, 3, 2, 1, &rr, NULL), MXD_EINVAL);
	assert_int_equal(tlsa_src_rr(src, 0, 3, 1, 3, &rr, NULL), MXD_EINVAL);
	tlsa_src_free(src);
	OPENSSL_free(der);

	assert_int_equal(tlsa_src_load(path("leaf.key"), &src, NULL), 0);
	assert_int_equal(tlsa_src_rr(src, 0, 3, 0, 1, &rr, NULL),
	    MXD_EBADDATA);
	assert_null(rr.data);
	tlsa_src_free(src);
}

static void
test_gen_roles_info_and_issuer_path(void **state)
{
	struct tlsa_cert_info	 ci;
	struct tlsa_src		*chain, *leaf, *root;
	size_t			 p[4], n;

	(void)state;
	assert_int_equal(tlsa_src_load(path("chain.pem"), &chain, NULL), 0);
	assert_int_equal(tlsa_src_load(path("leaf.pem"), &leaf, NULL), 0);
	assert_int_equal(tlsa_src_load(path("root.pem"), &root, NULL), 0);
	assert_int_equal(tlsa_src_cert_info(chain, 0, &ci, NULL), 0);
	assert_int_equal(ci.role, TLSA_ROLE_LEAF);
	assert_string_equal(ci.subject, "CN = mx.example");
	assert_string_equal(ci.issuer, "CN = root");
	assert_string_equal(ci.key.desc, "EC P-384");
	assert_int_equal(ci.key.bits, 384);
	assert_int_equal(strlen(ci.spki_sha256), 64);
	assert_int_equal(strlen(ci.not_after), 20);
	assert_int_equal(tlsa_src_cert_info(chain, 1, &ci, NULL), 0);
	assert_int_equal(ci.role, TLSA_ROLE_ROOT);
	assert_true(ci.is_ca);
	assert_string_equal(ci.key.desc, "EC P-256");
	assert_int_equal(tlsa_src_cert_info(chain, 2, &ci, NULL), MXD_EINVAL);

	/* The root issues the leaf, in the same file or another. */
	assert_int_equal(tlsa_src_issuer_path(chain, chain, 0, p, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], 1);
	assert_int_equal(tlsa_src_issuer_path(root, leaf, 0, p, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], 0);
	/* The leaf issues nothing; the root issues itself only. */
	assert_int_equal(tlsa_src_issuer_path(leaf, root, 0, p, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(tlsa_src_issuer_path(chain, NULL, 0, p, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], 1);
	assert_int_equal(tlsa_src_same_key(leaf, 0, chain, 0), 1);
	assert_int_equal(tlsa_src_same_key(leaf, 0, chain, 1), 0);
	tlsa_src_free(chain);
	tlsa_src_free(leaf);
	tlsa_src_free(root);
}

static void
test_gen_bad_inputs(void **state)
{
	struct tlsa_src	*src = (struct tlsa_src *)1;
	struct mxd_err	 e;

	(void)state;
	assert_int_equal(tlsa_src_load(path("nothere.pem"), &src, &e),
	    MXD_ENOENT);
	assert_null(src);
	assert_non_null(strstr(e.msg, "nothere.pem: cannot open"));
	assert_int_equal(tlsa_src_load(dir, &src, &e), MXD_EIO);
	assert_int_equal(tlsa_src_load(path("enc.key"), &src, &e),
	    MXD_EBADDATA);
	assert_non_null(strstr(e.msg, "encrypted"));
	assert_int_equal(tlsa_src_load(path("mismatch.pem"), &src, &e),
	    MXD_EMISMATCH);
	assert_non_null(strstr(e.msg, "does not belong to its certificate"));
	assert_int_equal(tlsa_src_load(path("junk.txt"), &src, &e),
	    MXD_EBADDATA);
	assert_non_null(strstr(e.msg, "cannot be decoded"));
	assert_int_equal(tlsa_src_load(NULL, &src, &e), MXD_EINVAL);
	assert_int_equal(tlsa_src_load("x", NULL, &e), MXD_EINVAL);
	tlsa_src_free(NULL);
}

/* Load, describe and make a record with allocation number n failing. */
static void
test_gen_survives_allocation_failure(void **state)
{
	struct tlsa_cert_info	 ci;
	struct tlsa_src		*src = NULL;
	struct tlsa_rr		 rr;
	struct mxd_err		 e;
	unsigned long		 n;
	int			 rc, done = 0;

	(void)state;
	for (n = 1; !done && n < 200; n++) {
		mxd_alloc_fail_after(n);
		rc = tlsa_src_load(path("chain.pem"), &src, &e);
		if (rc != 0) {
			assert_int_equal(rc, MXD_ENOMEM);
			assert_null(src);
			continue;
		}
		rc = tlsa_src_cert_info(src, 1, &ci, &e);
		if (rc == 0) {
			rc = tlsa_src_rr(src, 0, 3, 0, 0, &rr, &e);
		}
		if (rc != 0) {
			assert_int_equal(rc, MXD_ENOMEM);
			tlsa_src_free(src);
			src = NULL;
			continue;
		}
		assert_int_equal(rr.mtype, 0);
		tlsa_rr_clear(&rr);
		tlsa_src_free(src);
		src = NULL;
		done = 1;
	}
	mxd_alloc_fail_after(0);
	assert_true(done);
	assert_true(n > 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gen_every_input_kind_gives_the_leaf_spki),
		cmocka_unit_test(test_gen_selector_0_is_the_der_certificate),
		cmocka_unit_test(test_gen_roles_info_and_issuer_path),
		cmocka_unit_test(test_gen_bad_inputs),
		cmocka_unit_test(test_gen_survives_allocation_failure),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
