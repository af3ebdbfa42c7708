/* test_tlsa.c - the TLSA record model: parse, wire, format, usability */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/mxd.h"
#include "tlsa/tlsa.h"

#define D32	"29c8601cb562d00aa7190003b5c17e61" \
		"a93dcbed3f61fd2f86bd35fbb461d084"
#define D64	D32 "22c635348256dc53a2ba6efe56abfbe2" \
		"f0ae70be2238a53472fef5064d9cf437"

/* A DER certificate and its DER SPKI, made once for the Full(0) tests. */
static uint8_t	*cert_der, *spki_der;
static size_t	 cert_len, spki_len;

static int	group_setup(void **state);
static int	group_teardown(void **state);
static void	expect_bad(const char *text, const char *msg_part);
static enum tlsa_unusable usable_of(unsigned u, unsigned s, unsigned m,
		    const uint8_t *data, size_t len);

/* group_setup - a throw-away P-256 key and self-signed certificate */
static int
group_setup(void **state)
{
	EVP_PKEY	*k;
	X509		*x;
	X509_NAME	*n;
	unsigned char	*p;
	int		 len;

	(void)state;
	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	x = X509_new();
	if (k == NULL || x == NULL) {
		return -1;
	}
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"mx.example", -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, k);
	if (X509_sign(x, k, EVP_sha256()) == 0) {
		return -1;
	}
	len = i2d_X509(x, NULL);
	cert_der = malloc((size_t)len + 1);
	p = cert_der;
	cert_len = (size_t)i2d_X509(x, &p);
	len = i2d_PUBKEY(k, NULL);
	spki_der = malloc((size_t)len + 1);
	p = spki_der;
	spki_len = (size_t)i2d_PUBKEY(k, &p);
	X509_free(x);
	EVP_PKEY_free(k);
	return 0;
}

/* group_teardown - free the fixtures */
static int
group_teardown(void **state)
{
	(void)state;
	free(cert_der);
	free(spki_der);
	return 0;
}

/* expect_bad - the text must be refused with a message containing part */
static void
expect_bad(const char *text, const char *msg_part)
{
	struct tlsa_rr	rr;
	struct mxd_err	e;

	mxd_err_clear(&e);
	assert_int_equal(tlsa_rr_parse(text, &rr, &e), MXD_EBADDATA);
	assert_int_equal(e.code, MXD_EBADDATA);
	if (strstr(e.msg, msg_part) == NULL) {
		fail_msg("'%s': message '%s' lacks '%s'", text, e.msg,
		    msg_part);
	}
	assert_null(rr.data);
	assert_int_equal(rr.len, 0);
	assert_null(strchr(e.msg, '\n'));
}

/* usable_of - tlsa_rr_usable() of a record made from parts */
static enum tlsa_unusable
usable_of(unsigned u, unsigned s, unsigned m, const uint8_t *data, size_t len)
{
	struct tlsa_rr rr;

	rr.usage = (uint8_t)u;
	rr.selector = (uint8_t)s;
	rr.mtype = (uint8_t)m;
	rr.data = (uint8_t *)(uintptr_t)data;
	rr.len = len;
	return tlsa_rr_usable(&rr);
}

/* ------------------------------------------------------------------ */

static void
test_tlsa_parse_simple_and_round_trip(void **state)
{
	struct tlsa_rr	 rr;
	struct mxd_err	 e;
	char		*s;

	(void)state;
	assert_int_equal(tlsa_rr_parse("3 1 1 " D32, &rr, &e), 0);
	assert_int_equal(rr.usage, 3);
	assert_int_equal(rr.selector, 1);
	assert_int_equal(rr.mtype, 1);
	assert_int_equal(rr.len, 32);
	assert_int_equal(rr.data[0], 0x29);
	assert_int_equal(rr.data[31], 0x84);
	assert_int_equal(tlsa_rr_usable(&rr), TLSA_USABLE);
	s = tlsa_rr_format(&rr);
	assert_string_equal(s, "3 1 1 " D32);
	mxd_free(s);
	tlsa_rr_clear(&rr);
	assert_null(rr.data);
	tlsa_rr_clear(&rr);
	tlsa_rr_clear(NULL);
}

static void
test_tlsa_parse_upper_case_and_spaces_in_hex(void **state)
{
	struct tlsa_rr	 rr;
	char		*s;

	(void)state;
	assert_int_equal(tlsa_rr_parse("  2\t0 2  29C8601CB562D00A A7190003"
	    "\tb5c17e61a93dcbed 3f61fd2f86bd35fbb461d084 " D32 "  \n",
	    &rr, NULL), 0);
	assert_int_equal(rr.len, 64);
	assert_int_equal(tlsa_rr_usable(&rr), TLSA_USABLE);
	s = tlsa_rr_format(&rr);
	assert_string_equal(s, "2 0 2 " D32 D32);
	mxd_free(s);
	tlsa_rr_clear(&rr);
}

static void
test_tlsa_parse_parenthesised_multi_line(void **state)
{
	struct tlsa_rr	 rr;
	char		*s;

	(void)state;
	assert_int_equal(tlsa_rr_parse("3 1 1 (\n"
	    "\t29c8601cb562d00aa7190003b5c17e61 ; first half\n"
	    "\ta93dcbed3f61fd2f86bd35fbb461d084\n"
	    "\t)", &rr, NULL), 0);
	s = tlsa_rr_format(&rr);
	assert_string_equal(s, "3 1 1 " D32);
	mxd_free(s);
	tlsa_rr_clear(&rr);

	assert_int_equal(tlsa_rr_parse("( 3\n1\n1 " D32 " )", &rr, NULL), 0);
	assert_int_equal(rr.len, 32);
	tlsa_rr_clear(&rr);
}

static void
test_tlsa_parse_leading_zeros_and_extremes(void **state)
{
	struct tlsa_rr rr;

	(void)state;
	assert_int_equal(tlsa_rr_parse("003 000 255 00", &rr, NULL), 0);
	assert_int_equal(rr.usage, 3);
	assert_int_equal(rr.selector, 0);
	assert_int_equal(rr.mtype, 255);
	assert_int_equal(rr.len, 1);
	assert_int_equal(tlsa_rr_usable(&rr), TLSA_UNUSABLE_MTYPE);
	tlsa_rr_clear(&rr);
}

static void
test_tlsa_parse_rejects_odd_hex(void **state)
{
	(void)state;
	expect_bad("3 1 1 abc", "odd number of hex digits (3)");
	expect_bad("3 1 1 ab c", "odd number");
}

static void
test_tlsa_parse_rejects_bad_hex_chars(void **state)
{
	(void)state;
	expect_bad("3 1 1 abzz", "'z' at offset 8 is not a hex digit");
	expect_bad("3 1 1 0x29c8", "'x' at offset 7");
	expect_bad("3 1 1 ab\x01" "cd", "'?' at offset 8");
	expect_bad("3 1 1 ab-cd", "'-'");
}

static void
test_tlsa_parse_rejects_field_over_255(void **state)
{
	(void)state;
	expect_bad("256 1 1 " D32, "usage '256' is larger than 255");
	expect_bad("3 1000 1 " D32, "selector '1000' is larger than 255");
	expect_bad("3 1 99999999999999999999 " D32,
	    "matching type '99999999999999999999' is larger");
}

static void
test_tlsa_parse_rejects_non_decimal_fields(void **state)
{
	(void)state;
	expect_bad("DANE-EE SPKI SHA2-256 " D32, "usage 'DANE-EE' is not a");
	expect_bad("-3 1 1 " D32, "usage '-3'");
	expect_bad("+3 1 1 " D32, "usage '+3'");
	expect_bad("3 1 0x1 " D32, "matching type '0x1'");
	expect_bad("3 a 1 " D32, "selector 'a'");
}

static void
test_tlsa_parse_rejects_missing_fields(void **state)
{
	(void)state;
	expect_bad("", "missing usage field");
	expect_bad("   ", "missing usage field");
	expect_bad("3", "missing selector field");
	expect_bad("3 1", "missing matching type field");
	expect_bad("3 1 1", "missing certificate association data");
	expect_bad("3 1 1 ( )", "missing certificate association data");
	expect_bad("3 1 1 ; " D32, "missing certificate association data");
}

static void
test_tlsa_parse_rejects_trailing_junk(void **state)
{
	(void)state;
	expect_bad("3 1 1 " D32 " IN", "'I' at offset 71");
	expect_bad("3 1 1 " D32 " 3 1 1 zz", "'z'");
	expect_bad("3 1 1 " D32 "\n3 1 1 " D32,
	    "line break outside parentheses");
}

static void
test_tlsa_parse_rejects_bad_parentheses(void **state)
{
	(void)state;
	expect_bad("3 1 1 ( " D32, "'(' without ')'");
	expect_bad("3 1 1 " D32 " )", "')' without '('");
	expect_bad("3 1 1 ( ( " D32 " ) )", "unexpected '('");
	expect_bad("3 1 1 ( ab ) ( cd )", "unexpected '('");
}

static void
test_tlsa_parse_rejects_oversized_data(void **state)
{
	size_t	 n = 2 * (size_t)TLSA_DATA_MAX + 2;
	char	*t = malloc(n + 8);

	(void)state;
	memcpy(t, "3 1 0 ", 6);
	memset(t + 6, 'a', n);
	t[6 + n] = '\0';
	expect_bad(t, "longer than 65532 octets");
	/* Exactly the maximum is fine. */
	t[6 + n - 2] = '\0';
	{
		struct tlsa_rr rr;

		assert_int_equal(tlsa_rr_parse(t, &rr, NULL), 0);
		assert_int_equal(rr.len, TLSA_DATA_MAX);
		tlsa_rr_clear(&rr);
	}
	free(t);
}

static void
test_tlsa_parse_null_arguments(void **state)
{
	struct tlsa_rr rr;

	(void)state;
	assert_int_equal(tlsa_rr_parse(NULL, &rr, NULL), MXD_EINVAL);
	assert_int_equal(tlsa_rr_parse("3 1 1 00", NULL, NULL), MXD_EINVAL);
}

static void
test_tlsa_unusable_wrong_digest_lengths(void **state)
{
	uint8_t d[65];

	(void)state;
	memset(d, 0xab, sizeof(d));
	assert_int_equal(usable_of(3, 1, 1, d, 32), TLSA_USABLE);
	assert_int_equal(usable_of(3, 1, 1, d, 31), TLSA_UNUSABLE_LENGTH);
	assert_int_equal(usable_of(3, 1, 1, d, 33), TLSA_UNUSABLE_LENGTH);
	assert_int_equal(usable_of(3, 1, 1, d, 64), TLSA_UNUSABLE_LENGTH);
	assert_int_equal(usable_of(2, 0, 2, d, 64), TLSA_USABLE);
	assert_int_equal(usable_of(2, 0, 2, d, 32), TLSA_UNUSABLE_LENGTH);
	assert_int_equal(usable_of(2, 0, 2, d, 65), TLSA_UNUSABLE_LENGTH);
}

static void
test_tlsa_unusable_usages_selectors_mtypes(void **state)
{
	uint8_t d[32];

	(void)state;
	memset(d, 1, sizeof(d));
	assert_int_equal(usable_of(0, 1, 1, d, 32), TLSA_UNUSABLE_PKIX);
	assert_int_equal(usable_of(1, 1, 1, d, 32), TLSA_UNUSABLE_PKIX);
	assert_int_equal(usable_of(4, 1, 1, d, 32), TLSA_UNUSABLE_USAGE);
	assert_int_equal(usable_of(255, 1, 1, d, 32), TLSA_UNUSABLE_USAGE);
	assert_int_equal(usable_of(3, 2, 1, d, 32), TLSA_UNUSABLE_SELECTOR);
	assert_int_equal(usable_of(3, 255, 1, d, 32),
	    TLSA_UNUSABLE_SELECTOR);
	assert_int_equal(usable_of(3, 1, 3, d, 32), TLSA_UNUSABLE_MTYPE);
	assert_int_equal(usable_of(3, 1, 255, d, 32), TLSA_UNUSABLE_MTYPE);
	assert_int_equal(usable_of(3, 1, 1, d, 0), TLSA_UNUSABLE_EMPTY);
	assert_int_equal(usable_of(3, 1, 1, NULL, 0), TLSA_UNUSABLE_EMPTY);
	assert_int_equal(tlsa_rr_usable(NULL), TLSA_UNUSABLE_EMPTY);
}

static void
test_tlsa_unknown_values_round_trip(void **state)
{
	struct tlsa_rr	 rr;
	char		*s;

	(void)state;
	assert_int_equal(tlsa_rr_parse("255 254 200 DEADbeef", &rr, NULL), 0);
	assert_int_equal(tlsa_rr_usable(&rr), TLSA_UNUSABLE_USAGE);
	s = tlsa_rr_format(&rr);
	assert_string_equal(s, "255 254 200 deadbeef");
	mxd_free(s);
	tlsa_rr_clear(&rr);
}

static void
test_tlsa_full_data_cert_and_spki(void **state)
{
	uint8_t *buf;

	(void)state;
	assert_int_equal(usable_of(3, 0, 0, cert_der, cert_len), TLSA_USABLE);
	assert_int_equal(usable_of(3, 1, 0, spki_der, spki_len), TLSA_USABLE);
	/* The wrong selector: a certificate is not an SPKI and back. */
	assert_int_equal(usable_of(3, 1, 0, cert_der, cert_len),
	    TLSA_UNUSABLE_FULL_DATA);
	assert_int_equal(usable_of(2, 0, 0, spki_der, spki_len),
	    TLSA_UNUSABLE_FULL_DATA);
	/* Truncated. */
	assert_int_equal(usable_of(3, 0, 0, cert_der, cert_len - 1),
	    TLSA_UNUSABLE_FULL_DATA);
	assert_int_equal(usable_of(3, 1, 0, spki_der, spki_len - 1),
	    TLSA_UNUSABLE_FULL_DATA);
	/* Trailing bytes. */
	buf = malloc(cert_len + spki_len + 1);
	memcpy(buf, cert_der, cert_len);
	buf[cert_len] = 0;
	assert_int_equal(usable_of(3, 0, 0, buf, cert_len + 1),
	    TLSA_UNUSABLE_FULL_DATA);
	memcpy(buf, spki_der, spki_len);
	memcpy(buf + spki_len, spki_der, spki_len);
	assert_int_equal(usable_of(3, 1, 0, buf, 2 * spki_len),
	    TLSA_UNUSABLE_FULL_DATA);
	/* Garbage. */
	memset(buf, 0x30, 40);
	assert_int_equal(usable_of(3, 0, 0, buf, 40), TLSA_UNUSABLE_FULL_DATA);
	assert_int_equal(usable_of(3, 1, 0, buf, 40), TLSA_UNUSABLE_FULL_DATA);
	free(buf);
}

static void
test_tlsa_full_data_through_parse(void **state)
{
	struct tlsa_rr	 rr;
	char		*hex, *text, *s;
	size_t		 n;

	(void)state;
	hex = malloc(2 * spki_len + 1);
	mxd_hex_encode(spki_der, spki_len, hex);
	n = 2 * spki_len + 16;
	text = malloc(n);
	(void)snprintf(text, n, "3 1 0 %s", hex);
	assert_int_equal(tlsa_rr_parse(text, &rr, NULL), 0);
	assert_int_equal(tlsa_rr_usable(&rr), TLSA_USABLE);
	s = tlsa_rr_format(&rr);
	assert_string_equal(s, text);
	mxd_free(s);
	tlsa_rr_clear(&rr);
	free(text);
	free(hex);
}

static void
test_tlsa_wire_decoding(void **state)
{
	const uint8_t	 w[] = { 3, 1, 1, 0xde, 0xad };
	struct tlsa_rr	 rr;
	struct mxd_err	 e;
	char		*s;

	(void)state;
	assert_int_equal(tlsa_rr_from_wire(w, sizeof(w), &rr, &e), 0);
	s = tlsa_rr_format(&rr);
	assert_string_equal(s, "3 1 1 dead");
	mxd_free(s);
	assert_int_equal(tlsa_rr_usable(&rr), TLSA_UNUSABLE_LENGTH);
	tlsa_rr_clear(&rr);

	/* Three octets: a record with no data, unusable. */
	assert_int_equal(tlsa_rr_from_wire(w, 3, &rr, &e), 0);
	assert_int_equal(rr.len, 0);
	assert_int_equal(tlsa_rr_usable(&rr), TLSA_UNUSABLE_EMPTY);
	s = tlsa_rr_format(&rr);
	assert_string_equal(s, "3 1 1");
	mxd_free(s);
	tlsa_rr_clear(&rr);

	assert_int_equal(tlsa_rr_from_wire(w, 2, &rr, &e), MXD_EBADDATA);
	assert_non_null(strstr(e.msg, "shorter than 3"));
	assert_int_equal(tlsa_rr_from_wire(w, 0, &rr, &e), MXD_EBADDATA);
	assert_int_equal(tlsa_rr_from_wire(NULL, 0, &rr, &e), MXD_EBADDATA);
	assert_int_equal(tlsa_rr_from_wire(NULL, 5, &rr, &e), MXD_EINVAL);
	assert_int_equal(tlsa_rr_from_wire(w, 5, NULL, &e), MXD_EINVAL);
}

static void
test_tlsa_cmp_and_copy(void **state)
{
	struct tlsa_rr	a, b, c;

	(void)state;
	assert_int_equal(tlsa_rr_parse("3 1 1 " D32, &a, NULL), 0);
	assert_int_equal(tlsa_rr_copy(&b, &a), 0);
	assert_ptr_not_equal(a.data, b.data);
	assert_int_equal(tlsa_rr_cmp(&a, &b), 0);
	b.data[31] ^= 1;
	assert_int_equal(tlsa_rr_cmp(&a, &b), -1);
	assert_int_equal(tlsa_rr_cmp(&b, &a), 1);
	tlsa_rr_clear(&b);

	assert_int_equal(tlsa_rr_parse("2 1 1 " D32, &b, NULL), 0);
	assert_int_equal(tlsa_rr_cmp(&b, &a), -1);
	tlsa_rr_clear(&b);
	assert_int_equal(tlsa_rr_parse("3 0 1 " D32, &b, NULL), 0);
	assert_int_equal(tlsa_rr_cmp(&b, &a), -1);
	tlsa_rr_clear(&b);
	assert_int_equal(tlsa_rr_parse("3 1 2 " D32, &b, NULL), 0);
	assert_int_equal(tlsa_rr_cmp(&b, &a), 1);
	tlsa_rr_clear(&b);
	/* A prefix sorts first. */
	assert_int_equal(tlsa_rr_parse("3 1 1 29c8", &b, NULL), 0);
	assert_int_equal(tlsa_rr_cmp(&b, &a), -1);
	assert_int_equal(tlsa_rr_cmp(&a, &b), 1);
	tlsa_rr_clear(&b);

	/* Copy of an empty record. */
	memset(&b, 0, sizeof(b));
	b.usage = 3;
	assert_int_equal(tlsa_rr_copy(&c, &b), 0);
	assert_null(c.data);
	assert_int_equal(c.usage, 3);
	assert_int_equal(tlsa_rr_cmp(&b, &c), 0);
	assert_int_equal(tlsa_rr_copy(NULL, &a), MXD_EINVAL);
	tlsa_rr_clear(&a);
}

static void
test_tlsa_names_and_reasons(void **state)
{
	int i;

	(void)state;
	assert_string_equal(tlsa_usage_name(3), "DANE-EE");
	assert_string_equal(tlsa_usage_name(2), "DANE-TA");
	assert_string_equal(tlsa_usage_name(0), "PKIX-TA");
	assert_string_equal(tlsa_usage_name(255), "PrivCert");
	assert_null(tlsa_usage_name(4));
	assert_string_equal(tlsa_selector_name(1), "SPKI");
	assert_string_equal(tlsa_selector_name(0), "Cert");
	assert_null(tlsa_selector_name(2));
	assert_string_equal(tlsa_mtype_name(1), "SHA2-256");
	assert_string_equal(tlsa_mtype_name(2), "SHA2-512");
	assert_string_equal(tlsa_mtype_name(0), "Full");
	assert_null(tlsa_mtype_name(3));
	for (i = TLSA_USABLE; i <= TLSA_UNUSABLE_FULL_DATA; i++) {
		const char *s = tlsa_unusable_str((enum tlsa_unusable)i);

		assert_non_null(s);
		assert_string_not_equal(s, "unknown reason");
	}
	assert_non_null(strstr(tlsa_unusable_str(TLSA_UNUSABLE_PKIX),
	    "7672"));
}

/* Each call of a library function under failing allocations. */
static void
test_tlsa_survives_allocation_failure(void **state)
{
	const uint8_t	 w[] = { 3, 1, 1, 0xde, 0xad };
	struct tlsa_rr	 rr, cp;
	struct mxd_err	 e;
	unsigned long	 n;
	char		*s;
	int		 rc, done = 0;

	(void)state;
	for (n = 1; !done && n < 100; n++) {
		mxd_alloc_fail_after(n);
		rc = tlsa_rr_parse("3 1 1 ( " D32 " )", &rr, &e);
		if (rc == MXD_ENOMEM) {
			assert_null(rr.data);
			continue;
		}
		assert_int_equal(rc, 0);
		rc = tlsa_rr_copy(&cp, &rr);
		if (rc == MXD_ENOMEM) {
			assert_null(cp.data);
			tlsa_rr_clear(&rr);
			continue;
		}
		s = tlsa_rr_format(&rr);
		if (s == NULL) {
			tlsa_rr_clear(&rr);
			tlsa_rr_clear(&cp);
			continue;
		}
		tlsa_rr_clear(&cp);
		rc = tlsa_rr_from_wire(w, sizeof(w), &cp, &e);
		if (rc == MXD_ENOMEM) {
			assert_null(cp.data);
			mxd_free(s);
			tlsa_rr_clear(&rr);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(s, "3 1 1 " D32);
		mxd_free(s);
		tlsa_rr_clear(&rr);
		tlsa_rr_clear(&cp);
		done = 1;
	}
	mxd_alloc_fail_after(0);
	assert_true(done);
	assert_true(n > 4);	/* four allocations had to fail first */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlsa_parse_simple_and_round_trip),
		cmocka_unit_test(test_tlsa_parse_upper_case_and_spaces_in_hex),
		cmocka_unit_test(test_tlsa_parse_parenthesised_multi_line),
		cmocka_unit_test(test_tlsa_parse_leading_zeros_and_extremes),
		cmocka_unit_test(test_tlsa_parse_rejects_odd_hex),
		cmocka_unit_test(test_tlsa_parse_rejects_bad_hex_chars),
		cmocka_unit_test(test_tlsa_parse_rejects_field_over_255),
		cmocka_unit_test(test_tlsa_parse_rejects_non_decimal_fields),
		cmocka_unit_test(test_tlsa_parse_rejects_missing_fields),
		cmocka_unit_test(test_tlsa_parse_rejects_trailing_junk),
		cmocka_unit_test(test_tlsa_parse_rejects_bad_parentheses),
		cmocka_unit_test(test_tlsa_parse_rejects_oversized_data),
		cmocka_unit_test(test_tlsa_parse_null_arguments),
		cmocka_unit_test(test_tlsa_unusable_wrong_digest_lengths),
		cmocka_unit_test(test_tlsa_unusable_usages_selectors_mtypes),
		cmocka_unit_test(test_tlsa_unknown_values_round_trip),
		cmocka_unit_test(test_tlsa_full_data_cert_and_spki),
		cmocka_unit_test(test_tlsa_full_data_through_parse),
		cmocka_unit_test(test_tlsa_wire_decoding),
		cmocka_unit_test(test_tlsa_cmp_and_copy),
		cmocka_unit_test(test_tlsa_names_and_reasons),
		cmocka_unit_test(test_tlsa_survives_allocation_failure),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
