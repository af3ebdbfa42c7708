/*
 * test_dns.c - the resolver's pure parts: classification of libunbound
 * results (built by hand; struct ub_result is public) and the wire parser
 * on hand-made packets, hostile ones included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <unbound.h>

#include "common/mxd.h"
#include "dns/dns.h"

/* A packet under construction. */
struct pkt {
	uint8_t	b[2048];
	size_t	n;
};

static void	put8(struct pkt *p, unsigned v);
static void	put16(struct pkt *p, unsigned v);
static void	put_name(struct pkt *p, const char *dotted);
static void	put_header(struct pkt *p, unsigned qd, unsigned an);
static size_t	put_rr_head(struct pkt *p, unsigned type);
static void	end_rdata(struct pkt *p, size_t lenpos);

/* put8 - one octet */
static void
put8(struct pkt *p, unsigned v)
{
	assert_true(p->n < sizeof(p->b));
	p->b[p->n++] = (uint8_t)v;
}

/* put16 - two octets, network order */
static void
put16(struct pkt *p, unsigned v)
{
	put8(p, v >> 8);
	put8(p, v & 0xff);
}

/* put_name - an uncompressed name from "a.b.c" ("" is the root) */
static void
put_name(struct pkt *p, const char *dotted)
{
	const char *s = dotted, *dot;

	while (*s != '\0') {
		dot = strchr(s, '.');
		if (dot == NULL) {
			dot = s + strlen(s);
		}
		put8(p, (unsigned)(dot - s));
		while (s < dot) {
			put8(p, (unsigned char)*s++);
		}
		if (*s == '.') {
			s++;
		}
	}
	put8(p, 0);
}

/* put_header - id 0, a response, the given counts */
static void
put_header(struct pkt *p, unsigned qd, unsigned an)
{
	p->n = 0;
	put16(p, 0x1234);
	put16(p, 0x8180);
	put16(p, qd);
	put16(p, an);
	put16(p, 0);
	put16(p, 0);
}

/* put_rr_head - type, class IN, TTL; returns where RDLENGTH goes */
static size_t
put_rr_head(struct pkt *p, unsigned type)
{
	size_t pos;

	put16(p, type);
	put16(p, 1);
	put16(p, 0);
	put16(p, 300);
	pos = p->n;
	put16(p, 0);
	return pos;
}

/* end_rdata - fill in RDLENGTH */
static void
end_rdata(struct pkt *p, size_t lenpos)
{
	size_t len = p->n - lenpos - 2;

	p->b[lenpos] = (uint8_t)(len >> 8);
	p->b[lenpos + 1] = (uint8_t)(len & 0xff);
}

/* A reply to "www.example.com A": two CNAMEs then an address. */
static void
build_chain(struct pkt *p)
{
	size_t l;

	put_header(p, 1, 3);
	put_name(p, "www.example.com");		/* offset 12 */
	put16(p, 1);
	put16(p, 1);
	put16(p, 0xc000 | 12);			/* owner: the qname */
	l = put_rr_head(p, DNS_T_CNAME);
	put_name(p, "Mail.Example.NET");
	end_rdata(p, l);
	put_name(p, "mail.example.net");
	l = put_rr_head(p, DNS_T_CNAME);
	put8(p, 2);
	put8(p, 'm');
	put8(p, 'x');
	put16(p, 0xc000 | (12 + 4));		/* "example.com" of qname */
	end_rdata(p, l);
	put_name(p, "mx.example.com");
	l = put_rr_head(p, DNS_T_A);
	put8(p, 192);
	put8(p, 0);
	put8(p, 2);
	put8(p, 1);
	end_rdata(p, l);
}

static void
test_wire_chain_follows_links_in_order_with_compression(void **state)
{
	struct pkt		p;
	struct dns_cname	c[DNS_CHAIN_MAX];
	size_t			n = 99;

	(void)state;
	build_chain(&p);
	assert_int_equal(dns_wire_cname_chain(p.b, p.n, "WWW.example.com.",
	    c, DNS_CHAIN_MAX, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].owner, "www.example.com");
	assert_string_equal(c[0].target, "mail.example.net");
	assert_string_equal(c[1].owner, "mail.example.net");
	assert_string_equal(c[1].target, "mx.example.com");
}

static void
test_wire_chain_truncated_anywhere_is_an_error(void **state)
{
	struct pkt		p;
	struct dns_cname	c[DNS_CHAIN_MAX];
	size_t			n, cut;

	(void)state;
	build_chain(&p);
	/* Every prefix of the packet: an error or a shorter chain, never a
	 * read past the end (ASan watches). The A record is last: cutting
	 * inside it must still be an error, since counts say it is there. */
	for (cut = 0; cut < p.n; cut++) {
		uint8_t *copy = mxd_malloc(cut);

		assert_non_null(copy);
		memcpy(copy, p.b, cut);
		assert_int_equal(dns_wire_cname_chain(copy, cut,
		    "www.example.com", c, DNS_CHAIN_MAX, &n), MXD_EBADDATA);
		mxd_free(copy);
	}
}

static void
test_wire_chain_oversize_counts_are_an_error(void **state)
{
	struct pkt		p;
	struct dns_cname	c[DNS_CHAIN_MAX];
	size_t			n;

	(void)state;
	build_chain(&p);
	p.b[6] = 0xff;		/* ANCOUNT 65535 */
	p.b[7] = 0xff;
	assert_int_equal(dns_wire_cname_chain(p.b, p.n, "www.example.com",
	    c, DNS_CHAIN_MAX, &n), MXD_EBADDATA);
	build_chain(&p);
	p.b[4] = 0x40;		/* QDCOUNT 16384 */
	assert_int_equal(dns_wire_cname_chain(p.b, p.n, "www.example.com",
	    c, DNS_CHAIN_MAX, &n), MXD_EBADDATA);
}

static void
test_wire_chain_cname_loop_is_an_error(void **state)
{
	struct pkt		p;
	struct dns_cname	c[DNS_CHAIN_MAX];
	size_t			n, l;

	(void)state;
	put_header(&p, 1, 2);
	put_name(&p, "a.test");
	put16(&p, 1);
	put16(&p, 1);
	put_name(&p, "a.test");
	l = put_rr_head(&p, DNS_T_CNAME);
	put_name(&p, "b.test");
	end_rdata(&p, l);
	put_name(&p, "b.test");
	l = put_rr_head(&p, DNS_T_CNAME);
	put_name(&p, "a.test");
	end_rdata(&p, l);
	assert_int_equal(dns_wire_cname_chain(p.b, p.n, "a.test", c,
	    DNS_CHAIN_MAX, &n), MXD_EBADDATA);
}

static void
test_wire_name_pointer_loop_and_forward_pointer_rejected(void **state)
{
	uint8_t	self[] = { 0xc0, 0x00 };
	uint8_t	fwd[] = { 0xc0, 0x02, 0x01, 'a', 0x00 };
	uint8_t	pair[] = { 0x01, 'a', 0xc0, 0x04, 0xc0, 0x00 };
	char	out[DNS_NAME_MAX];
	size_t	off;

	(void)state;
	off = 0;
	assert_int_equal(dns_wire_name(self, sizeof(self), &off, out,
	    sizeof(out)), MXD_EBADDATA);
	off = 0;
	assert_int_equal(dns_wire_name(fwd, sizeof(fwd), &off, out,
	    sizeof(out)), MXD_EBADDATA);
	/* "a" then a pointer forward to a pointer back to "a": a loop. */
	off = 0;
	assert_int_equal(dns_wire_name(pair, sizeof(pair), &off, out,
	    sizeof(out)), MXD_EBADDATA);
}

static void
test_wire_name_backward_label_loop_stops_at_255_octets(void **state)
{
	/* "a" at 0, then a pointer at 2 back to 0: each pass adds a label,
	 * and every pointer points backwards; the length cap ends it. */
	uint8_t	loop[] = { 0x01, 'a', 0xc0, 0x00 };
	char	out[DNS_NAME_MAX];
	size_t	off = 0;

	(void)state;
	assert_int_equal(dns_wire_name(loop, sizeof(loop), &off, out,
	    sizeof(out)), MXD_EBADDATA);
}

static void
test_wire_name_escapes_odd_bytes_and_lowercases(void **state)
{
	uint8_t	name[] = { 0x03, 'A', '.', 0x07, 0x02, 'X', 'y', 0x00 };
	uint8_t	root[] = { 0x00 };
	uint8_t	ext[] = { 0x41, 0x00 };
	char	out[DNS_NAME_MAX];
	size_t	off = 0;

	(void)state;
	assert_int_equal(dns_wire_name(name, sizeof(name), &off, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "a\\046\\007.xy");
	assert_int_equal(off, sizeof(name));
	off = 0;
	assert_int_equal(dns_wire_name(root, sizeof(root), &off, out,
	    sizeof(out)), 0);
	assert_string_equal(out, ".");
	off = 0;
	assert_int_equal(dns_wire_name(ext, sizeof(ext), &off, out,
	    sizeof(out)), MXD_EBADDATA);
}

static void
test_wire_name_over_255_octets_rejected(void **state)
{
	struct pkt	p;
	char		out[1024];
	size_t		off = 0;
	int		i;

	(void)state;
	p.n = 0;
	for (i = 0; i < 5; i++) {	/* 5 * 64 octets > 255 */
		int k;

		put8(&p, 63);
		for (k = 0; k < 63; k++) {
			put8(&p, 'x');
		}
	}
	put8(&p, 0);
	assert_int_equal(dns_wire_name(p.b, p.n, &off, out, sizeof(out)),
	    MXD_EBADDATA);
}

static void
test_wire_mx_parses_and_rejects_trailing_bytes(void **state)
{
	uint8_t		mx[] = { 0x00, 0x0a, 0x02, 'm', 'x', 0x04, 't', 'e',
			    's', 't', 0x00 };
	uint8_t		nullmx[] = { 0x00, 0x00, 0x00 };
	uint8_t		extra[] = { 0x00, 0x0a, 0x00, 0x00 };
	uint8_t		ptr[] = { 0x00, 0x0a, 0xc0, 0x00 };
	char		host[DNS_NAME_MAX];
	unsigned	pref;

	(void)state;
	assert_int_equal(dns_wire_mx(mx, sizeof(mx), &pref, host,
	    sizeof(host)), 0);
	assert_int_equal(pref, 10);
	assert_string_equal(host, "mx.test");
	assert_int_equal(dns_wire_mx(nullmx, sizeof(nullmx), &pref, host,
	    sizeof(host)), 0);
	assert_int_equal(pref, 0);
	assert_string_equal(host, ".");
	assert_int_equal(dns_wire_mx(extra, sizeof(extra), &pref, host,
	    sizeof(host)), MXD_EBADDATA);
	assert_int_equal(dns_wire_mx(ptr, sizeof(ptr), &pref, host,
	    sizeof(host)), MXD_EBADDATA);
	assert_int_equal(dns_wire_mx(mx, 2, &pref, host, sizeof(host)),
	    MXD_EBADDATA);
}

static void
test_wire_soa_owner_from_authority_and_errors(void **state)
{
	struct pkt	p;
	char		zone[DNS_NAME_MAX];
	size_t		l;

	(void)state;
	/* NODATA for _25._tcp.mx.example.com TLSA: SOA in authority. */
	p.n = 0;
	put16(&p, 0x1234);
	put16(&p, 0x8180);
	put16(&p, 1);
	put16(&p, 0);
	put16(&p, 1);
	put16(&p, 0);
	put_name(&p, "_25._tcp.mx.example.com");
	put16(&p, DNS_T_TLSA);
	put16(&p, 1);
	put16(&p, 0xc000 | (12 + 12));	/* "example.com" of the qname */
	l = put_rr_head(&p, DNS_T_SOA);
	put_name(&p, "ns.example.com");
	put_name(&p, "hostmaster.example.com");
	put16(&p, 0);
	put16(&p, 1);			/* serial and four timers */
	put16(&p, 0);
	put16(&p, 2);
	put16(&p, 0);
	put16(&p, 3);
	put16(&p, 0);
	put16(&p, 4);
	put16(&p, 0);
	put16(&p, 5);
	end_rdata(&p, l);
	assert_int_equal(dns_wire_soa_owner(p.b, p.n, zone, sizeof(zone)), 0);
	assert_string_equal(zone, "example.com");
	assert_int_equal(dns_wire_soa_owner(p.b, p.n - 1, zone,
	    sizeof(zone)), MXD_EBADDATA);
	assert_int_equal(dns_wire_soa_owner(p.b, p.n, zone, 5),
	    MXD_EBADDATA);
	p.b[9] = 0;			/* NSCOUNT 0: no SOA anywhere */
	assert_int_equal(dns_wire_soa_owner(p.b, p.n, zone, sizeof(zone)),
	    MXD_ENOENT);
	p.b[9] = 1;
	p.b[5] = 200;			/* more questions than the packet */
	assert_int_equal(dns_wire_soa_owner(p.b, p.n, zone, sizeof(zone)),
	    MXD_EBADDATA);
}

/* ------------------------------------------------------------------ */
/* Classification                                                      */
/* ------------------------------------------------------------------ */

static char	 rd0[] = { 3, 1, 1, 0x29, (char)0xc8 };
static char	*rdata[] = { rd0, NULL };
static int	 rdlen[] = { 5, 0 };

/* result - a plausible libunbound result */
static void
result(struct ub_result *r, int rcode, int havedata, int secure, int bogus)
{
	memset(r, 0, sizeof(*r));
	r->qname = (char *)"_25._tcp.mx.test.";
	r->qtype = DNS_T_TLSA;
	r->qclass = 1;
	r->rcode = rcode;
	r->havedata = havedata;
	r->nxdomain = rcode == DNS_RCODE_NXDOMAIN;
	r->secure = secure;
	r->bogus = bogus;
	r->ttl = 3600;
	if (havedata) {
		r->data = rdata;
		r->len = rdlen;
	}
}

static void
test_classify_error_is_indeterminate(void **state)
{
	struct dns_answer a;

	(void)state;
	assert_int_equal(dns_answer_from_ub(&a, "x.test", DNS_T_A,
	    UB_SERVFAIL, NULL), 0);
	assert_int_equal(a.sec, DNS_SEC_INDETERMINATE);
	assert_int_equal(a.rcode, -1);
	assert_true(a.why[0] != '\0');
	dns_answer_clear(&a);
}

static void
test_classify_bogus_with_noerror_and_data_is_bogus(void **state)
{
	struct ub_result	r;
	struct dns_answer	a;

	(void)state;
	result(&r, DNS_RCODE_NOERROR, 1, 0, 1);
	r.why_bogus = (char *)"signature expired\nfrom 192.0.2.53";
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_TLSA, 0, &r),
	    0);
	assert_int_equal(a.sec, DNS_SEC_BOGUS);
	assert_int_equal(a.rcode, 0);
	assert_int_equal(a.havedata, 1);
	assert_non_null(strstr(a.why, "signature expired"));
	assert_null(strchr(a.why, '\n'));
	assert_string_equal(a.qname, "_25._tcp.mx.test");
	dns_answer_clear(&a);
}

static void
test_classify_bogus_beats_secure_flag_and_servfail(void **state)
{
	struct ub_result	r;
	struct dns_answer	a;

	(void)state;
	result(&r, DNS_RCODE_SERVFAIL, 0, 1, 1);
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_TLSA, 0, &r),
	    0);
	assert_int_equal(a.sec, DNS_SEC_BOGUS);
	assert_string_equal(a.why, "validation failed");
	dns_answer_clear(&a);
}

static void
test_classify_servfail_is_indeterminate(void **state)
{
	struct ub_result	r;
	struct dns_answer	a;

	(void)state;
	result(&r, DNS_RCODE_SERVFAIL, 0, 0, 0);
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_TLSA, 0, &r),
	    0);
	assert_int_equal(a.sec, DNS_SEC_INDETERMINATE);
	assert_string_equal(a.why, "SERVFAIL");
	result(&r, 5, 0, 1, 0);		/* REFUSED, even "secure" */
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_TLSA, 0, &r),
	    0);
	assert_int_equal(a.sec, DNS_SEC_INDETERMINATE);
	assert_string_equal(a.why, "rcode 5");
}

static void
test_classify_secure_data_copies_records(void **state)
{
	struct ub_result	r;
	struct dns_answer	a;

	(void)state;
	result(&r, DNS_RCODE_NOERROR, 1, 1, 0);
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_TLSA, 0, &r),
	    0);
	assert_int_equal(a.sec, DNS_SEC_SECURE);
	assert_int_equal(a.nrr, 1);
	assert_int_equal(a.rr[0].len, 5);
	assert_memory_equal(a.rr[0].data, rd0, 5);
	assert_int_equal(a.ttl, 3600);
	dns_answer_clear(&a);
	assert_null(a.rr);
}

static void
test_classify_secure_denial_nxdomain_vs_nodata(void **state)
{
	struct ub_result	r;
	struct dns_answer	a;

	(void)state;
	result(&r, DNS_RCODE_NXDOMAIN, 0, 1, 0);
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_TLSA, 0, &r),
	    0);
	assert_int_equal(a.sec, DNS_SEC_SECURE);
	assert_int_equal(a.havedata, 0);
	assert_int_equal(a.nxdomain, 1);
	result(&r, DNS_RCODE_NOERROR, 0, 1, 0);
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_TLSA, 0, &r),
	    0);
	assert_int_equal(a.sec, DNS_SEC_SECURE);
	assert_int_equal(a.havedata, 0);
	assert_int_equal(a.nxdomain, 0);
}

static void
test_classify_insecure(void **state)
{
	struct ub_result	r;
	struct dns_answer	a;

	(void)state;
	result(&r, DNS_RCODE_NOERROR, 1, 0, 0);
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_TLSA, 0, &r),
	    0);
	assert_int_equal(a.sec, DNS_SEC_INSECURE);
	assert_int_equal(a.nrr, 1);
	dns_answer_clear(&a);
}

static void
test_classify_parses_cname_chain_and_canonname(void **state)
{
	struct ub_result	r;
	struct dns_answer	a;
	struct pkt		p;

	(void)state;
	build_chain(&p);
	memset(&r, 0, sizeof(r));
	r.qname = (char *)"www.example.com";
	r.qtype = DNS_T_A;
	r.rcode = 0;
	r.secure = 1;
	r.canonname = (char *)"mx.example.com.";
	r.answer_packet = p.b;
	r.answer_len = (int)p.n;
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_A, 0, &r), 0);
	assert_string_equal(a.canonname, "mx.example.com");
	assert_int_equal(a.nchain, 2);
	assert_string_equal(a.chain[1].target, "mx.example.com");
	/* A broken packet loses the chain, not the answer. */
	r.answer_len = 20;
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_A, 0, &r), 0);
	assert_int_equal(a.sec, DNS_SEC_SECURE);
	assert_int_equal(a.nchain, 0);
}

static void
test_classify_survives_allocation_failure(void **state)
{
	struct ub_result	r;
	struct dns_answer	a;

	(void)state;
	result(&r, DNS_RCODE_NOERROR, 1, 1, 0);
	mxd_alloc_fail_after(2);	/* the array works, the record not */
	assert_int_equal(dns_answer_from_ub(&a, r.qname, DNS_T_TLSA, 0, &r),
	    MXD_ENOMEM);
	mxd_alloc_fail_after(0);
	assert_int_equal(a.nrr, 0);
	dns_answer_clear(&a);
}

static void
test_classify_every_allocation_failure_is_clean(void **state)
{
	struct ub_result	r;
	struct dns_answer	a;
	struct pkt		p;
	unsigned long		n;
	int			rc;

	(void)state;
	build_chain(&p);
	result(&r, DNS_RCODE_NOERROR, 1, 1, 0);
	r.answer_packet = p.b;
	r.answer_len = (int)p.n;
	/* Fail the 1st, 2nd, ... allocation: ENOMEM or success, never a
	 * leak or a half-filled answer (ASan and valgrind watch). */
	for (n = 1; n < 10; n++) {
		mxd_alloc_fail_after(n);
		rc = dns_answer_from_ub(&a, "www.example.com", DNS_T_A, 0,
		    &r);
		mxd_alloc_fail_after(0);
		assert_true(rc == 0 || rc == MXD_ENOMEM);
		assert_int_equal(a.sec, DNS_SEC_SECURE);
		if (rc == 0) {
			assert_int_equal(a.nrr, 1);
		}
		dns_answer_clear(&a);
	}
}

static void
test_name_canon(void **state)
{
	char out[DNS_NAME_MAX];

	(void)state;
	assert_int_equal(dns_name_canon("MX.Test.", out, sizeof(out)), 0);
	assert_string_equal(out, "mx.test");
	assert_int_equal(dns_name_canon(".", out, sizeof(out)), 0);
	assert_string_equal(out, ".");
	assert_int_equal(dns_name_canon("", out, sizeof(out)), MXD_EBADDATA);
	assert_int_equal(dns_name_canon("abc", out, 3), MXD_EBADDATA);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_wire_chain_follows_links_in_order_with_compression),
		cmocka_unit_test(test_wire_chain_truncated_anywhere_is_an_error),
		cmocka_unit_test(test_wire_chain_oversize_counts_are_an_error),
		cmocka_unit_test(test_wire_chain_cname_loop_is_an_error),
		cmocka_unit_test(
		    test_wire_name_pointer_loop_and_forward_pointer_rejected),
		cmocka_unit_test(
		    test_wire_name_backward_label_loop_stops_at_255_octets),
		cmocka_unit_test(test_wire_name_escapes_odd_bytes_and_lowercases),
		cmocka_unit_test(test_wire_name_over_255_octets_rejected),
		cmocka_unit_test(test_wire_mx_parses_and_rejects_trailing_bytes),
		cmocka_unit_test(test_wire_soa_owner_from_authority_and_errors),
		cmocka_unit_test(test_classify_error_is_indeterminate),
		cmocka_unit_test(
		    test_classify_bogus_with_noerror_and_data_is_bogus),
		cmocka_unit_test(
		    test_classify_bogus_beats_secure_flag_and_servfail),
		cmocka_unit_test(test_classify_servfail_is_indeterminate),
		cmocka_unit_test(test_classify_secure_data_copies_records),
		cmocka_unit_test(test_classify_secure_denial_nxdomain_vs_nodata),
		cmocka_unit_test(test_classify_insecure),
		cmocka_unit_test(test_classify_parses_cname_chain_and_canonname),
		cmocka_unit_test(test_classify_survives_allocation_failure),
		cmocka_unit_test(
		    test_classify_every_allocation_failure_is_clean),
		cmocka_unit_test(test_name_canon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
