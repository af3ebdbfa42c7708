/*
 * test_dns_auth.c - dns/auth on hand-made packets: replies that are good,
 * truncated, lying about their counts, looping in compression, answering
 * another question; the signature check at fixed clocks on an RRset
 * signed here with a key made here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ldns/ldns.h>

#include "common/mxd.h"
#include "dns/auth.h"

#define QID	0x1234
#define T0	1700000000u

/* A reply to "_25._tcp.a.test TLSA", ID 0x1234: QR AA, one 3 1 1 record. */
static const uint8_t good[] = {
	0x12, 0x34, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00,
	/* question at offset 12 */
	0x03, '_', '2', '5', 0x04, '_', 't', 'c', 'p', 0x01, 'a',
	0x04, 't', 'e', 's', 't', 0x00, 0x00, 0x34, 0x00, 0x01,
	/* answer: pointer to the question name */
	0xc0, 0x0c, 0x00, 0x34, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x23, 0x03, 0x01, 0x01,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
};
#define QNAME	"_25._tcp.a.test"
#define ANS_OFF	33		/* offset of the answer's owner */

/* parse - dns_auth_parse on a copy of good[] changed by the caller */
static int
parse(const uint8_t *p, size_t len, struct dns_auth_answer *ans)
{
	struct mxd_err err;

	mxd_err_clear(&err);
	return dns_auth_parse(p, len, QNAME, LDNS_RR_TYPE_TLSA, QID, ans,
	    &err);
}

static void
test_auth_parse_good_reply(void **state)
{
	struct dns_auth_answer ans;

	(void)state;
	assert_int_equal(parse(good, sizeof(good), &ans), 0);
	assert_int_equal(ans.state, DNS_AUTH_DATA);
	assert_int_equal(ans.rcode, 0);
	assert_int_equal(ans.aa, 1);
	assert_int_equal(ans.ttl, 3600);
	assert_int_equal(ans.nrr, 1);
	assert_int_equal(ans.rr[0].len, 35);
	assert_int_equal(ans.rr[0].data[0], 3);
	assert_int_equal(ans.rr[0].data[34], 0xaa);
	assert_int_equal(ans.nsig, 0);
	assert_int_equal(ans.has_soa, 0);
	dns_auth_answer_clear(&ans);
	assert_int_equal(ans.nrr, 0);
	assert_null(ans.rr);
}

static void
test_auth_parse_rejects_every_truncation(void **state)
{
	struct dns_auth_answer	ans;
	size_t			n;

	(void)state;
	for (n = 0; n < sizeof(good); n++) {
		assert_int_equal(parse(good, n, &ans), MXD_EPROTO);
		assert_int_equal(ans.state, DNS_AUTH_BADREPLY);
		assert_int_equal(ans.nrr, 0);
		dns_auth_answer_clear(&ans);
	}
}

static void
test_auth_parse_rejects_counts_beyond_the_data(void **state)
{
	struct dns_auth_answer	ans;
	uint8_t			p[sizeof(good)];

	(void)state;
	memcpy(p, good, sizeof(p));
	p[7] = 2;			/* ANCOUNT 2, one record present */
	assert_int_equal(parse(p, sizeof(p), &ans), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[6] = 0xff;			/* ANCOUNT 65281 */
	p[7] = 0x01;
	assert_int_equal(parse(p, sizeof(p), &ans), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[11] = 1;			/* an ARCOUNT with nothing there */
	assert_int_equal(parse(p, sizeof(p), &ans), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[ANS_OFF + 11] = 0x30;		/* RDLENGTH past the end */
	assert_int_equal(parse(p, sizeof(p), &ans), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
}

static void
test_auth_parse_rejects_question_count_not_one(void **state)
{
	struct dns_auth_answer	ans;
	uint8_t			p[12];

	(void)state;
	memcpy(p, good, sizeof(p));
	p[5] = 0;			/* no question, no answer */
	p[7] = 0;
	assert_int_equal(parse(p, sizeof(p), &ans), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
}

static void
test_auth_parse_rejects_compression_loops(void **state)
{
	struct dns_auth_answer	ans;
	uint8_t			p[sizeof(good)];

	(void)state;
	memcpy(p, good, sizeof(p));
	p[ANS_OFF] = 0xc0;		/* owner points at itself */
	p[ANS_OFF + 1] = ANS_OFF;
	assert_int_equal(parse(p, sizeof(p), &ans), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[ANS_OFF + 1] = 0xff;		/* points past the end */
	assert_int_equal(parse(p, sizeof(p), &ans), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[ANS_OFF] = 0x80;		/* reserved label type 10 */
	assert_int_equal(parse(p, sizeof(p), &ans), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
}

static void
test_auth_parse_rejects_another_question_or_id(void **state)
{
	struct dns_auth_answer	ans;
	struct mxd_err		err;
	uint8_t			p[sizeof(good)];

	(void)state;
	assert_int_equal(dns_auth_parse(good, sizeof(good), QNAME,
	    LDNS_RR_TYPE_TLSA, QID + 1, &ans, &err), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
	assert_int_equal(dns_auth_parse(good, sizeof(good), "_25._tcp.b.test",
	    LDNS_RR_TYPE_TLSA, QID, &ans, &err), MXD_EPROTO);
	assert_non_null(strstr(err.msg, "another question"));
	dns_auth_answer_clear(&ans);
	assert_int_equal(dns_auth_parse(good, sizeof(good), QNAME,
	    LDNS_RR_TYPE_A, QID, &ans, &err), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
	/* The name matches in any case (RFC 4343). */
	assert_int_equal(dns_auth_parse(good, sizeof(good), "_25._TCP.A.Test.",
	    LDNS_RR_TYPE_TLSA, QID, &ans, &err), 0);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[2] &= 0x7f;			/* QR=0: a query, not a reply */
	assert_int_equal(parse(p, sizeof(p), &ans), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
}

static void
test_auth_parse_classifies_rcode_and_aa(void **state)
{
	struct dns_auth_answer	ans;
	uint8_t			p[sizeof(good)];

	(void)state;
	memcpy(p, good, sizeof(p));
	p[2] &= (uint8_t)~0x04;		/* AA=0: lame */
	assert_int_equal(parse(p, sizeof(p), &ans), 0);
	assert_int_equal(ans.state, DNS_AUTH_LAME);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[3] = 5;			/* REFUSED */
	assert_int_equal(parse(p, sizeof(p), &ans), 0);
	assert_int_equal(ans.state, DNS_AUTH_LAME);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[3] = 2;			/* SERVFAIL */
	assert_int_equal(parse(p, sizeof(p), &ans), 0);
	assert_int_equal(ans.state, DNS_AUTH_RCODE);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[3] = 3;			/* NXDOMAIN, no answer */
	p[7] = 0;
	assert_int_equal(parse(p, ANS_OFF, &ans), 0);
	assert_int_equal(ans.state, DNS_AUTH_NXDOMAIN);
	dns_auth_answer_clear(&ans);
	memcpy(p, good, sizeof(p));
	p[7] = 0;			/* NOERROR, no answer */
	assert_int_equal(parse(p, ANS_OFF, &ans), 0);
	assert_int_equal(ans.state, DNS_AUTH_NODATA);
	assert_string_equal(dns_auth_state_str(ans.state), "nodata");
	dns_auth_answer_clear(&ans);
}

static void
test_auth_parse_soa_serial_from_authority(void **state)
{
	static const uint8_t soa[] = {
		0xc0, 0x17,		/* "test." inside the question */
		0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
		0x00, 0x1d,
		0x02, 'n', 's', 0xc0, 0x17,	/* ns.test. */
		0x01, 'h', 0xc0, 0x17,		/* h.test. */
		0x00, 0x00, 0x30, 0x39,		/* serial 12345 */
		0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x1e,
		0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x01, 0x2c,
	};
	struct dns_auth_answer	ans;
	uint8_t			p[ANS_OFF + sizeof(soa)];

	(void)state;
	memcpy(p, good, ANS_OFF);
	memcpy(p + ANS_OFF, soa, sizeof(soa));
	p[7] = 0;
	p[9] = 1;			/* NSCOUNT 1 */
	assert_int_equal(parse(p, sizeof(p), &ans), 0);
	assert_int_equal(ans.state, DNS_AUTH_NODATA);
	assert_int_equal(ans.has_soa, 1);
	assert_int_equal(ans.serial, 12345);
	assert_int_equal(ans.soa_minimum, 300);
	dns_auth_answer_clear(&ans);
}

static void
test_auth_parse_survives_allocation_failures(void **state)
{
	struct dns_auth_answer	ans;
	unsigned long		n;
	int			r = -1;

	(void)state;
	for (n = 1; n < 100 && r != 0; n++) {
		mxd_alloc_fail_after(n);
		r = parse(good, sizeof(good), &ans);
		assert_true(r == 0 || r == MXD_ENOMEM);
		dns_auth_answer_clear(&ans);
	}
	mxd_alloc_fail_after(0);
	assert_int_equal(r, 0);
}

static void
test_auth_query_build_is_rd0_edns_do(void **state)
{
	struct dns_auth_answer	 ans;
	struct mxd_err		 err;
	uint8_t			*w = NULL;
	size_t			 len = 0;

	(void)state;
	assert_int_equal(dns_auth_query_build(QNAME, LDNS_RR_TYPE_TLSA, 0xbeef,
	    &w, &len, &err), 0);
	assert_int_equal(len, 12 + 21 + 11);
	assert_int_equal(w[0], 0xbe);
	assert_int_equal(w[1], 0xef);
	assert_int_equal(w[2] & 0x01, 0);	/* RD=0 */
	assert_int_equal(w[11], 1);		/* ARCOUNT: the OPT */
	/* OPT: root, type 41, class = buffer size, TTL with DO set */
	assert_int_equal(w[33], 0);
	assert_int_equal(w[34] << 8 | w[35], 41);
	assert_int_equal(w[36] << 8 | w[37], DNS_AUTH_EDNS_SIZE);
	assert_int_equal(w[40] & 0x80, 0x80);
	/* A query is not a reply. */
	assert_int_equal(dns_auth_parse(w, len, QNAME, LDNS_RR_TYPE_TLSA,
	    0xbeef, &ans, &err), MXD_EPROTO);
	dns_auth_answer_clear(&ans);
	mxd_free(w);
	assert_int_equal(dns_auth_query_build("a..b", LDNS_RR_TYPE_A, 1, &w,
	    &len, &err), MXD_EBADDATA);
}

static void
test_auth_server_parse(void **state)
{
	static const char *bad[] = {
		"", "@53", "mail.example", "192.0.2.1@", "192.0.2.1@0",
		"192.0.2.1@65536", "192.0.2.1@53x", "192.0.2.256", "::g",
		"192.0.2.1@-1",
	};
	struct dns_auth_server	s;
	struct mxd_err		err;
	size_t			i;

	(void)state;
	assert_int_equal(dns_auth_server_parse("192.0.2.1", 53, "ns1", &s,
	    &err), 0);
	assert_string_equal(s.text, "192.0.2.1@53");
	assert_string_equal(s.name, "ns1");
	assert_int_equal(s.sa.ss_family, AF_INET);
	assert_int_equal(dns_auth_server_parse("192.0.2.1@5353", 53, NULL, &s,
	    &err), 0);
	assert_string_equal(s.text, "192.0.2.1@5353");
	assert_int_equal(dns_auth_server_parse("2001:db8::1@53", 53, NULL, &s,
	    &err), 0);
	assert_int_equal(s.sa.ss_family, AF_INET6);
	assert_int_equal(dns_auth_server_parse("[::1]@8053", 53, NULL, &s,
	    &err), 0);
	assert_string_equal(s.text, "::1@8053");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dns_auth_server_parse(bad[i], 53, NULL, &s,
		    &err), MXD_EBADDATA);
	}
}

static void
test_auth_servers_add_dedups_addresses(void **state)
{
	struct dns_auth_server	*list = NULL;
	struct mxd_err		 err;
	size_t			 n = 0;

	(void)state;
	assert_int_equal(dns_auth_servers_add(&list, &n, "ns1.example.",
	    "192.0.2.1", 53, &err), 0);
	assert_int_equal(dns_auth_servers_add(&list, &n, "ns1.example.",
	    "2001:db8::1", 53, &err), 0);
	assert_int_equal(dns_auth_servers_add(&list, &n, "ns2.example.",
	    "192.0.2.1", 53, &err), 0);		/* the same server */
	assert_int_equal(dns_auth_servers_add(&list, &n, "ns2.example.",
	    "192.0.2.1@5353", 53, &err), 0);	/* another port */
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "ns1.example.");
	assert_string_equal(list[2].text, "192.0.2.1@5353");
	assert_int_equal(dns_auth_servers_add(&list, &n, "ns3.example.",
	    "ns3.example", 53, &err), MXD_EBADDATA);
	assert_int_equal(n, 3);
	mxd_free(list);
}

/* ------------------------------------------------------------------ */
/* Signatures, with a key made here                                    */
/* ------------------------------------------------------------------ */

struct signed_fixture {
	uint8_t			*wire;		/* signed reply */
	size_t			 len;
	uint8_t			*unsigned_wire;	/* no RRSIG */
	size_t			 ulen;
	uint8_t			*tampered;	/* changed data */
	size_t			 tlen;
	struct dns_auth_rdata	 key;		/* zone DNSKEY */
	struct dns_auth_rdata	 other;		/* another one */
};

/* key_rdata - a DNSKEY RR's RDATA */
static void
key_rdata(const ldns_rr *rr, struct dns_auth_rdata *out)
{
	size_t i, off = 0, len = 0;

	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		len += ldns_rdf_size(ldns_rr_rdf(rr, i));
	}
	out->data = mxd_malloc(len);
	assert_non_null(out->data);
	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		memcpy(out->data + off, ldns_rdf_data(ldns_rr_rdf(rr, i)),
		    ldns_rdf_size(ldns_rr_rdf(rr, i)));
		off += ldns_rdf_size(ldns_rr_rdf(rr, i));
	}
	out->len = len;
}

/* make_key - an ECDSA P-256 zone key for "test." */
static ldns_key *
make_key(void)
{
	ldns_key	*k;
	ldns_rr		*rr;

	k = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
	assert_non_null(k);
	ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str("test."));
	ldns_key_set_flags(k, 257);
	ldns_key_set_inception(k, T0);
	ldns_key_set_expiration(k, T0 + 86400);
	rr = ldns_key2rr(k);
	ldns_key_set_keytag(k, ldns_calc_keytag(rr));
	ldns_rr_free(rr);
	return k;
}

/* to_wire - a reply with the given answer records */
static void
to_wire(const ldns_rr_list *answer, uint8_t **w, size_t *len)
{
	ldns_pkt	*pkt = NULL;
	uint8_t		*buf = NULL;
	size_t		 i;

	assert_int_equal(ldns_pkt_query_new_frm_str(&pkt, QNAME,
	    LDNS_RR_TYPE_TLSA, LDNS_RR_CLASS_IN, 0), LDNS_STATUS_OK);
	ldns_pkt_set_id(pkt, QID);
	ldns_pkt_set_qr(pkt, true);
	ldns_pkt_set_aa(pkt, true);
	for (i = 0; i < ldns_rr_list_rr_count(answer); i++) {
		assert_true(ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER,
		    ldns_rr_clone(ldns_rr_list_rr(answer, i))));
	}
	assert_int_equal(ldns_pkt2wire(&buf, pkt, len), LDNS_STATUS_OK);
	*w = mxd_malloc(*len);
	assert_non_null(*w);
	memcpy(*w, buf, *len);
	LDNS_FREE(buf);
	ldns_pkt_free(pkt);
}

static int
signed_setup(void **state)
{
	struct signed_fixture	*f;
	ldns_key_list		*keys, *others;
	ldns_key		*k, *o;
	ldns_rr_list		*rrset, *sigs, *all;
	ldns_rr			*rr, *krr;

	f = mxd_calloc(1, sizeof(*f));
	assert_non_null(f);
	k = make_key();
	o = make_key();
	keys = ldns_key_list_new();
	others = ldns_key_list_new();
	ldns_key_list_push_key(keys, k);
	ldns_key_list_push_key(others, o);
	krr = ldns_key2rr(k);
	key_rdata(krr, &f->key);
	ldns_rr_free(krr);
	krr = ldns_key2rr(o);
	key_rdata(krr, &f->other);
	ldns_rr_free(krr);

	rrset = ldns_rr_list_new();
	assert_int_equal(ldns_rr_new_frm_str(&rr, QNAME ". 3600 IN TLSA 3 1 1 "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    0, NULL, NULL), LDNS_STATUS_OK);
	ldns_rr_list_push_rr(rrset, rr);
	assert_int_equal(ldns_rr_new_frm_str(&rr, QNAME ". 3600 IN TLSA 3 1 1 "
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	    0, NULL, NULL), LDNS_STATUS_OK);
	ldns_rr_list_push_rr(rrset, rr);
	sigs = ldns_sign_public(rrset, keys);
	assert_non_null(sigs);
	assert_int_equal(ldns_rr_list_rr_count(sigs), 1);

	to_wire(rrset, &f->unsigned_wire, &f->ulen);
	all = ldns_rr_list_clone(rrset);
	ldns_rr_list_cat(all, sigs);
	to_wire(all, &f->wire, &f->len);
	/* The same signature over changed data. */
	ldns_rdf_data(ldns_rr_rdf(ldns_rr_list_rr(all, 0), 3))[0] = 0xab;
	to_wire(all, &f->tampered, &f->tlen);

	ldns_rr_list_deep_free(all);	/* holds the signatures too */
	ldns_rr_list_free(sigs);
	ldns_rr_list_deep_free(rrset);
	ldns_key_list_free(keys);	/* and the keys in them */
	ldns_key_list_free(others);
	*state = f;
	return 0;
}

static int
signed_teardown(void **state)
{
	struct signed_fixture *f = *state;

	mxd_free(f->wire);
	mxd_free(f->unsigned_wire);
	mxd_free(f->tampered);
	mxd_free(f->key.data);
	mxd_free(f->other.data);
	mxd_free(f);
	return 0;
}

/* check - parse a fixture reply and check its signature at time t */
static enum dns_auth_sig_status
check(const uint8_t *w, size_t len, const struct dns_auth_rdata *key,
    time_t t)
{
	struct dns_auth_answer		ans;
	struct mxd_err			err;
	enum dns_auth_sig_status	st;

	assert_int_equal(dns_auth_parse(w, len, QNAME, LDNS_RR_TYPE_TLSA, QID,
	    &ans, &err), 0);
	assert_int_equal(ans.nrr, 2);
	st = dns_auth_sig_check(&ans, "test.", key, 1, t, &err);
	dns_auth_answer_clear(&ans);
	return st;
}

static void
test_auth_sig_valid_between_inception_and_expiration(void **state)
{
	struct signed_fixture	*f = *state;
	struct dns_auth_answer	 ans;
	struct mxd_err		 err;

	assert_int_equal(check(f->wire, f->len, &f->key, T0 + 100),
	    DNS_SIG_VALID);
	assert_int_equal(dns_auth_parse(f->wire, f->len, QNAME,
	    LDNS_RR_TYPE_TLSA, QID, &ans, &err), 0);
	assert_int_equal(ans.nsig, 1);
	assert_int_equal(ans.sig[0].inception, T0);
	assert_int_equal(ans.sig[0].expiration, T0 + 86400);
	assert_int_equal(ans.sig[0].algorithm, 13);
	assert_string_equal(ans.sig[0].signer, "test.");
	/* Signatures by another zone do not count. */
	assert_int_equal(dns_auth_sig_check(&ans, "a.test.", &f->key, 1,
	    T0 + 100, &err), DNS_SIG_NONE);
	dns_auth_answer_clear(&ans);
}

static void
test_auth_sig_expired_and_not_yet_valid(void **state)
{
	struct signed_fixture *f = *state;

	assert_int_equal(check(f->wire, f->len, &f->key, T0 + 86400 + 1),
	    DNS_SIG_EXPIRED);
	assert_int_equal(check(f->wire, f->len, &f->key, T0 - 1),
	    DNS_SIG_NOT_YET);
}

static void
test_auth_sig_none_bad_and_unknown_key(void **state)
{
	struct signed_fixture *f = *state;

	assert_int_equal(check(f->unsigned_wire, f->ulen, &f->key, T0 + 100),
	    DNS_SIG_NONE);
	assert_int_equal(check(f->tampered, f->tlen, &f->key, T0 + 100),
	    DNS_SIG_BAD);
	assert_int_equal(check(f->wire, f->len, &f->other, T0 + 100),
	    DNS_SIG_UNKNOWN_KEY);
	assert_string_equal(dns_auth_sig_str(DNS_SIG_UNKNOWN_KEY),
	    "unknown key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_parse_good_reply),
		cmocka_unit_test(test_auth_parse_rejects_every_truncation),
		cmocka_unit_test(
		    test_auth_parse_rejects_counts_beyond_the_data),
		cmocka_unit_test(
		    test_auth_parse_rejects_question_count_not_one),
		cmocka_unit_test(test_auth_parse_rejects_compression_loops),
		cmocka_unit_test(
		    test_auth_parse_rejects_another_question_or_id),
		cmocka_unit_test(test_auth_parse_classifies_rcode_and_aa),
		cmocka_unit_test(test_auth_parse_soa_serial_from_authority),
		cmocka_unit_test(test_auth_parse_survives_allocation_failures),
		cmocka_unit_test(test_auth_query_build_is_rd0_edns_do),
		cmocka_unit_test(test_auth_server_parse),
		cmocka_unit_test(test_auth_servers_add_dedups_addresses),
	};
	const struct CMUnitTest sigtests[] = {
		cmocka_unit_test(
		    test_auth_sig_valid_between_inception_and_expiration),
		cmocka_unit_test(test_auth_sig_expired_and_not_yet_valid),
		cmocka_unit_test(test_auth_sig_none_bad_and_unknown_key),
	};
	int fails;

	fails = cmocka_run_group_tests(tests, NULL, NULL);
	fails += cmocka_run_group_tests(sigtests, signed_setup,
	    signed_teardown);
	return fails;
}
