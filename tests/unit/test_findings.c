/*
 * test_findings.c - the findings of dane/findings.c on hand-built result
 * models: rollover scheme naming, TTL bounds, digest agility (RFC 7671
 * §9), per-group matching (RFC 7671 §8), shared keys, certificates,
 * STARTTLS and TLS versions; the table itself; allocation failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/mxd.h"
#include "dane/findings.h"
#include "report/model.h"
#include "tlsa/tlsa.h"

#define NOW	((time_t)1800000000)
#define DAY	86400

/* Digests: 64 or 128 times one hex digit. */
static void
hexrep(char c, size_t n, char *out)
{
	memset(out, c, n);
	out[n] = '\0';
}

/* dom - a secure domain with nmx empty hosts */
static struct report_domain *
dom(size_t nmx)
{
	struct report_domain	*d = mxd_calloc(1, sizeof(*d));
	size_t			 i;

	assert_non_null(d);
	(void)snprintf(d->domain, sizeof(d->domain), "example.test");
	d->mx_sec = REPORT_SEC_SECURE;
	d->nmx = nmx;
	if (nmx > 0) {
		d->mx = mxd_calloc(nmx, sizeof(*d->mx));
		assert_non_null(d->mx);
	}
	for (i = 0; i < nmx; i++) {
		struct report_mx *mx = &d->mx[i];

		(void)snprintf(mx->host, sizeof(mx->host), "mx%zu.example.test",
		    i + 1);
		(void)snprintf(mx->tlsa_owner, sizeof(mx->tlsa_owner),
		    "_25._tcp.%.200s", mx->host);
		mx->preference = 10;
		mx->addr_sec = REPORT_SEC_SECURE;
		mx->tlsa_sec = REPORT_SEC_SECURE;
		mx->tlsa_state = REPORT_TLSA_USABLE;
		mx->tlsa_ttl = 3600;
	}
	return d;
}

/* rr - add "U S M" with data of n hex digits c (n 0: "00") */
static void
rr(struct report_mx *mx, const char *usm, char c, size_t n)
{
	struct tlsa_rr	*grown;
	char		 text[300], hex[260];

	hexrep(c, n, hex);
	(void)snprintf(text, sizeof(text), "%s %s", usm, n > 0 ? hex : "00");
	grown = mxd_realloc(mx->tlsa, (mx->ntlsa + 1) * sizeof(*grown));
	assert_non_null(grown);
	mx->tlsa = grown;
	assert_int_equal(tlsa_rr_parse(text, &mx->tlsa[mx->ntlsa], NULL), 0);
	mx->ntlsa++;
}

/* addr - an address that completed TLS with certificates whose SPKI
 * digests are digits keys[0] (leaf), keys[1] (issuer), ... */
static struct report_addr *
addr(struct report_mx *mx, const char *keys)
{
	struct report_addr	*grown, *a;
	size_t			 i, n = strlen(keys);

	grown = mxd_realloc(mx->addrs, (mx->naddrs + 1) * sizeof(*grown));
	assert_non_null(grown);
	mx->addrs = grown;
	a = &mx->addrs[mx->naddrs++];
	memset(a, 0, sizeof(*a));
	(void)snprintf(a->address, sizeof(a->address), "192.0.2.%zu",
	    mx->naddrs);
	a->connected = 1;
	(void)snprintf(a->banner, sizeof(a->banner), "220 mx ESMTP");
	a->starttls = 1;
	a->tls = n > 0;
	(void)snprintf(a->tls_version, sizeof(a->tls_version), "TLSv1.3");
	a->dane = REPORT_ADDR_PASS;
	a->depth = -1;
	a->nchain = n;
	a->chain = n > 0 ? mxd_calloc(n, sizeof(*a->chain)) : NULL;
	for (i = 0; i < n; i++) {
		struct report_cert *c = &a->chain[i];

		hexrep(keys[i], 64, c->spki_sha256);
		hexrep(keys[i], 128, c->spki_sha512);
		/* Certificate digests differ from key digests. */
		hexrep(keys[i] == 'f' ? 'e' : 'f', 64, c->cert_sha256);
		hexrep(keys[i] == 'f' ? 'e' : 'f', 128, c->cert_sha512);
		(void)snprintf(c->key_alg, sizeof(c->key_alg), "EC");
		c->key_bits = 256;
		c->not_before = NOW - 30 * DAY;
		c->not_after = NOW + 300 * DAY;
		(void)snprintf(c->subject, sizeof(c->subject), "CN=c%zu", i);
	}
	return a;
}

/* count - how many findings with this code */
static size_t
count(const struct report_domain *d, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < d->nfindings; i++) {
		n += strcmp(d->findings[i].code, code) == 0;
	}
	return n;
}

/* sev_of - the severity of the first finding with this code */
static enum report_severity
sev_of(const struct report_domain *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->nfindings; i++) {
		if (strcmp(d->findings[i].code, code) == 0) {
			return d->findings[i].severity;
		}
	}
	fail_msg("no finding %s", code);
	return REPORT_SEV_INFO;
}

/* scheme_of - the rollover scheme of a host's records */
static enum dane_rollover
scheme_of(const struct report_mx *mx)
{
	return dane_rollover_scheme(mx->tlsa, mx->ntlsa);
}

/* ------------------------------------------------------------------ */

static void
test_rollover_scheme_names(void **state)
{
	struct report_domain *d = dom(6);

	(void)state;
	rr(&d->mx[0], "3 1 1", 'a', 64);		/* one record */
	rr(&d->mx[1], "3 1 1", 'a', 64);		/* current + next */
	rr(&d->mx[1], "3 1 1", 'b', 64);
	rr(&d->mx[2], "3 1 1", 'a', 64);		/* current + issuer */
	rr(&d->mx[2], "2 1 1", 'b', 64);
	rr(&d->mx[3], "3 0 1", 'a', 64);		/* other */
	rr(&d->mx[3], "3 0 1", 'b', 64);
	rr(&d->mx[4], "3 1 1", 'a', 64);
	rr(&d->mx[4], "1 1 1", 'b', 64);	/* (PKIX: not usable) */
	rr(&d->mx[5], "3 1 1", 'a', 64);		/* bad length neither */
	rr(&d->mx[5], "3 1 1", 'b', 62);
	assert_int_equal(scheme_of(&d->mx[0]), DANE_ROLL_NONE);
	assert_int_equal(scheme_of(&d->mx[1]), DANE_ROLL_CURRENT_NEXT);
	assert_int_equal(scheme_of(&d->mx[2]), DANE_ROLL_CURRENT_ISSUER);
	assert_int_equal(scheme_of(&d->mx[3]), DANE_ROLL_OTHER);
	assert_int_equal(scheme_of(&d->mx[4]), DANE_ROLL_NONE);
	assert_int_equal(scheme_of(&d->mx[5]), DANE_ROLL_NONE);
	assert_string_equal(dane_rollover_str(DANE_ROLL_CURRENT_NEXT),
	    "current+next");
	assert_string_equal(dane_rollover_str(DANE_ROLL_CURRENT_ISSUER),
	    "current+issuer");
	assert_int_equal(dane_rollover_scheme(NULL, 3), DANE_ROLL_NONE);
	dane_findings_analyse(d, NOW);
	assert_string_equal(d->mx[1].rollover, "current+next");
	assert_string_equal(d->mx[2].rollover, "current+issuer");
	assert_string_equal(d->mx[0].rollover, "none");
	/* No rollover record: hosts 0, 4 and 5 (one usable each). */
	assert_int_equal(count(d, "no-rollover-record"), 3);
	assert_int_equal(count(d, "tlsa-pkix-usage"), 1);
	assert_int_equal(count(d, "tlsa-malformed"), 1);
	assert_int_equal(count(d, "tlsa-selector-0"), 1);
	report_domain_free(d);
}

static void
test_ttl_bounds(void **state)
{
	static const struct {
		uint32_t	ttl;
		size_t		want;
	} cases[] = {
		{ 0, 0 },		/* unknown: no judgement */
		{ 300, 1 }, { 1799, 1 }, { 1800, 0 }, { 3600, 0 },
		{ 3601, 1 }, { 604800, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct report_domain *d = dom(1);

		rr(&d->mx[0], "3 1 1", 'a', 64);
		rr(&d->mx[0], "3 1 1", 'b', 64);
		d->mx[0].tlsa_ttl = cases[i].ttl;
		dane_findings_analyse(d, NOW);
		assert_int_equal(count(d, "tlsa-ttl"), cases[i].want);
		report_domain_free(d);
	}
}

static void
test_digest_agility_stale_sha512_hides_sha256(void **state)
{
	struct report_domain *d = dom(1);

	(void)state;
	rr(&d->mx[0], "3 1 1", 'a', 64);		/* matches the leaf */
	rr(&d->mx[0], "3 1 2", 'c', 128);		/* stale */
	addr(&d->mx[0], "ab");
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "tlsa-digest-agility"), 1);
	assert_int_equal(sev_of(d, "tlsa-digest-agility"), REPORT_SEV_WARNING);
	assert_int_equal(count(d, "tlsa-group-mismatch"), 0);
	report_domain_free(d);
}

static void
test_digest_agility_both_digests_match(void **state)
{
	struct report_domain *d = dom(1);

	(void)state;
	rr(&d->mx[0], "3 1 1", 'a', 64);
	rr(&d->mx[0], "3 1 2", 'a', 128);
	addr(&d->mx[0], "ab");
	dane_findings_analyse(d, NOW);
	assert_int_equal(d->nfindings, 0);
	report_domain_free(d);
}

static void
test_groups_current_next_one_matching_is_fine(void **state)
{
	struct report_domain *d = dom(1);

	(void)state;
	rr(&d->mx[0], "3 1 1", 'a', 64);
	rr(&d->mx[0], "3 1 1", 'c', 64);	/* next key, not deployed */
	addr(&d->mx[0], "ab");
	dane_findings_analyse(d, NOW);
	assert_int_equal(d->nfindings, 0);
	report_domain_free(d);
}

static void
test_groups_current_issuer_stale_leaf_is_a_warning(void **state)
{
	struct report_domain *d = dom(1);

	(void)state;
	rr(&d->mx[0], "3 1 1", 'c', 64);	/* stale */
	rr(&d->mx[0], "2 1 1", 'b', 64);	/* the issuer: matches */
	addr(&d->mx[0], "ab");
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "tlsa-leaf-group-mismatch"), 1);
	assert_int_equal(sev_of(d, "tlsa-leaf-group-mismatch"),
	    REPORT_SEV_WARNING);
	assert_int_equal(count(d, "tlsa-group-mismatch"), 0);
	report_domain_free(d);
}

static void
test_groups_other_group_not_matching_is_critical(void **state)
{
	struct report_domain *d = dom(1);

	(void)state;
	rr(&d->mx[0], "3 1 1", 'a', 64);	/* matches */
	rr(&d->mx[0], "3 0 1", 'c', 64);	/* its own group: nothing */
	addr(&d->mx[0], "ab");
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "tlsa-group-mismatch"), 1);
	assert_int_equal(sev_of(d, "tlsa-group-mismatch"),
	    REPORT_SEV_CRITICAL);
	report_domain_free(d);
}

static void
test_groups_dane_ta_without_the_issuer(void **state)
{
	struct report_domain *d = dom(1);

	(void)state;
	rr(&d->mx[0], "2 1 1", 'b', 64);
	addr(&d->mx[0], "a");			/* leaf only */
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "dane-ta-chain-missing"), 1);
	/* The leaf itself is no trust anchor for 2 x x here. */
	report_domain_free(d);
}

static void
test_groups_need_a_chain(void **state)
{
	struct report_domain *d = dom(1);

	(void)state;
	rr(&d->mx[0], "3 1 1", 'c', 64);
	rr(&d->mx[0], "3 1 1", 'd', 64);
	addr(&d->mx[0], "");			/* no handshake */
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "tlsa-group-mismatch"), 0);
	report_domain_free(d);
}

static void
test_rr_matches_cert(void **state)
{
	struct report_domain	*d = dom(1);
	struct report_addr	*a;

	(void)state;
	rr(&d->mx[0], "3 1 1", 'a', 64);
	rr(&d->mx[0], "3 0 1", 'f', 64);	/* the cert digest of 'a' */
	rr(&d->mx[0], "3 1 2", 'b', 128);
	rr(&d->mx[0], "3 1 0", 'a', 64);	/* full data: cannot tell */
	a = addr(&d->mx[0], "ab");
	assert_int_equal(dane_rr_matches_cert(&d->mx[0].tlsa[0],
	    &a->chain[0]), 1);
	assert_int_equal(dane_rr_matches_cert(&d->mx[0].tlsa[1],
	    &a->chain[0]), 1);
	assert_int_equal(dane_rr_matches_cert(&d->mx[0].tlsa[2],
	    &a->chain[0]), 0);
	assert_int_equal(dane_rr_matches_cert(&d->mx[0].tlsa[2],
	    &a->chain[1]), 1);
	assert_int_equal(dane_rr_matches_cert(&d->mx[0].tlsa[3],
	    &a->chain[0]), -1);
	report_domain_free(d);
}

static void
test_shared_key_detection(void **state)
{
	struct report_domain *d = dom(2);

	(void)state;
	rr(&d->mx[0], "3 1 1", 'a', 64);
	rr(&d->mx[1], "3 1 1", 'b', 64);
	addr(&d->mx[0], "a");
	addr(&d->mx[1], "b");
	assert_int_equal(dane_hosts_share_key(&d->mx[0], &d->mx[1]), 0);
	/* The same leaf key. */
	d->mx[1].addrs[0].chain[0] = d->mx[0].addrs[0].chain[0];
	assert_int_equal(dane_hosts_share_key(&d->mx[0], &d->mx[1]), 1);
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "shared-key"), 1);
	report_domain_free(d);

	/* The same RRset, different leaves. */
	d = dom(2);
	rr(&d->mx[0], "3 1 1", 'a', 64);
	rr(&d->mx[0], "3 1 1", 'c', 64);
	rr(&d->mx[1], "3 1 1", 'c', 64);
	rr(&d->mx[1], "3 1 1", 'a', 64);
	assert_int_equal(dane_hosts_share_key(&d->mx[0], &d->mx[1]), 1);
	rr(&d->mx[1], "3 1 1", 'd', 64);
	assert_int_equal(dane_hosts_share_key(&d->mx[0], &d->mx[1]), 0);
	report_domain_free(d);

	/* Two of three hosts share: not every host, no finding. */
	d = dom(3);
	rr(&d->mx[0], "3 1 1", 'a', 64);
	rr(&d->mx[1], "3 1 1", 'a', 64);
	rr(&d->mx[2], "3 1 1", 'b', 64);
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "shared-key"), 0);
	report_domain_free(d);
}

static void
test_certificates(void **state)
{
	struct report_domain	*d = dom(3);
	struct report_addr	*a;

	(void)state;
	/* DANE-TA: an issuer that expired, a leaf expiring in 3 days. */
	rr(&d->mx[0], "2 1 1", 'b', 64);
	rr(&d->mx[0], "3 1 1", 'a', 64);
	a = addr(&d->mx[0], "ab");
	a->chain[0].not_after = NOW + 3 * DAY;
	a->chain[1].not_after = NOW - DAY;
	/* DANE-EE only: an expired leaf is a note. */
	rr(&d->mx[1], "3 1 1", 'c', 64);
	rr(&d->mx[1], "3 1 1", 'a', 64);
	a = addr(&d->mx[1], "a");
	a->chain[0].not_after = NOW - DAY;
	/* A small RSA key; one of 2048 bits is fine. */
	rr(&d->mx[2], "3 1 1", 'a', 64);
	rr(&d->mx[2], "3 1 1", 'c', 64);
	a = addr(&d->mx[2], "ab");
	(void)snprintf(a->chain[0].key_alg, sizeof(a->chain[0].key_alg),
	    "RSA");
	a->chain[0].key_bits = 1024;
	(void)snprintf(a->chain[1].key_alg, sizeof(a->chain[1].key_alg),
	    "RSA");
	a->chain[1].key_bits = 2048;
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "cert-ta-expiring"), 1);
	assert_int_equal(count(d, "cert-ta-expired"), 1);
	assert_int_equal(sev_of(d, "cert-ta-expired"), REPORT_SEV_CRITICAL);
	assert_int_equal(count(d, "cert-ee-expiry"), 1);
	assert_int_equal(sev_of(d, "cert-ee-expiry"), REPORT_SEV_INFO);
	assert_int_equal(count(d, "cert-rsa-small"), 1);
	report_domain_free(d);
}

static void
test_starttls_and_tls_versions(void **state)
{
	struct report_domain	*d = dom(5);
	struct report_addr	*a;
	size_t			 i;

	(void)state;
	for (i = 0; i < 5; i++) {
		/* Own next keys: no shared RRset. */
		rr(&d->mx[i], "3 1 1", 'a', 64);
		rr(&d->mx[i], "3 1 1", (char)('0' + i), 64);
	}
	a = addr(&d->mx[0], "");
	a->starttls = 0;
	(void)snprintf(a->error, sizeof(a->error), "STARTTLS not offered");
	a = addr(&d->mx[1], "");
	(void)snprintf(a->error, sizeof(a->error), "STARTTLS refused: 454");
	a = addr(&d->mx[2], "");
	(void)snprintf(a->error, sizeof(a->error), "TLS handshake: failed");
	(void)snprintf(a->legacy_version, sizeof(a->legacy_version),
	    "TLSv1");
	a = addr(&d->mx[3], "a");
	(void)snprintf(a->legacy_version, sizeof(a->legacy_version),
	    "TLSv1.1");
	a = addr(&d->mx[4], "a");
	a->rsa_dane = REPORT_ADDR_PASS;
	a->ecdsa_dane = REPORT_ADDR_FAIL;
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "starttls-missing"), 1);
	assert_int_equal(count(d, "starttls-refused"), 1);
	assert_int_equal(count(d, "tls-no-modern"), 1);
	assert_int_equal(count(d, "tls-legacy-accepted"), 1);
	assert_int_equal(count(d, "key-alg-mismatch"), 1);
	assert_int_equal(d->nfindings, 5);
	report_domain_free(d);
}

static void
test_dnssec_and_cname(void **state)
{
	struct report_domain *d = dom(2);

	(void)state;
	d->mx[0].tlsa_state = REPORT_TLSA_NOT_LOOKED;
	d->mx[0].addr_sec = REPORT_SEC_INSECURE;
	d->mx[1].tlsa_state = REPORT_TLSA_ERROR;
	d->mx[1].tlsa_sec = REPORT_SEC_BOGUS;
	(void)snprintf(d->mx[1].error, sizeof(d->mx[1].error), "TLSA lookup "
	    "is bogus: signature expired");
	(void)snprintf(d->mx[1].cname, sizeof(d->mx[1].cname), "real.test");
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "dnssec-host-unsigned"), 1);
	assert_int_equal(count(d, "dnssec-bogus"), 1);
	assert_int_equal(count(d, "mx-cname"), 1);
	assert_int_equal(count(d, "dnssec-domain-unsigned"), 0);
	report_domain_free(d);

	d = dom(0);
	d->mx_sec = REPORT_SEC_INSECURE;
	dane_findings_analyse(d, NOW);
	assert_int_equal(count(d, "dnssec-domain-unsigned"), 1);
	report_domain_free(d);
}

static void
test_table_codes_unique_and_findable(void **state)
{
	size_t i, k, n = dane_findings_count();

	(void)state;
	assert_true(n >= 17);
	for (i = 0; i < n; i++) {
		const struct dane_finding_def *f = dane_finding_at(i);
		const char *c;

		assert_non_null(f);
		assert_ptr_equal(dane_finding_find(f->code), f);
		assert_true(strlen(f->code) < 48);
		assert_true(strlen(f->ref) < 64);
		assert_true(f->meaning[0] != '\0' && f->hint[0] != '\0');
		for (c = f->code; *c != '\0'; c++) {
			assert_true((*c >= 'a' && *c <= 'z') ||
			    (*c >= '0' && *c <= '9') ||
			    (*c == '-' && c != f->code && c[1] != '\0'));
		}
		for (k = 0; k < i; k++) {
			assert_string_not_equal(dane_finding_at(k)->code,
			    f->code);
		}
	}
	assert_null(dane_finding_at(n));
	assert_null(dane_finding_find("no-such-finding"));
	assert_null(dane_finding_find(NULL));
	assert_int_equal(dane_finding_status(REPORT_SEV_INFO), REPORT_OK);
	assert_int_equal(dane_finding_status(REPORT_SEV_WARNING),
	    REPORT_WARNING);
	assert_int_equal(dane_finding_status(REPORT_SEV_CRITICAL),
	    REPORT_CRITICAL);
}

static void
test_finding_add_takes_the_table_and_dedups(void **state)
{
	struct report_domain *d = dom(1);

	(void)state;
	assert_int_equal(dane_finding_add(d, "tlsa-ttl", "mx1.example.test",
	    "TTL %u", 300u), 0);
	assert_int_equal(dane_finding_add(d, "tlsa-ttl", "mx1.example.test",
	    "TTL %u", 300u), 0);
	assert_int_equal(d->nfindings, 1);
	assert_int_equal(d->findings[0].severity, REPORT_SEV_WARNING);
	assert_string_equal(d->findings[0].message, "TTL 300");
	assert_string_equal(d->findings[0].ref,
	    dane_finding_find("tlsa-ttl")->ref);
	assert_string_equal(d->findings[0].hint,
	    dane_finding_find("tlsa-ttl")->hint);
	assert_string_equal(d->findings[0].host, "mx1.example.test");
	report_domain_free(d);
}

static void
test_markdown_lists_every_code(void **state)
{
	struct mxd_buf	b;
	size_t		i;
	char		head[80];

	(void)state;
	mxd_buf_init(&b, 256 * 1024);
	assert_int_equal(dane_findings_markdown(&b), 0);
	for (i = 0; i < dane_findings_count(); i++) {
		(void)snprintf(head, sizeof(head), "\n## %s\n",
		    dane_finding_at(i)->code);
		assert_non_null(strstr(b.data, head));
	}
	mxd_buf_free(&b);
	mxd_buf_init(&b, 64);			/* too small: ENOSPC */
	assert_int_equal(dane_findings_markdown(&b), MXD_ENOSPC);
	mxd_buf_free(&b);
}

static void
test_analyse_survives_allocation_failure(void **state)
{
	unsigned long n;

	(void)state;
	dane_findings_analyse(NULL, NOW);	/* no-op */
	for (n = 1; n < 40; n++) {
		struct report_domain *d = dom(2);

		rr(&d->mx[0], "3 1 1", 'c', 64);
		rr(&d->mx[0], "2 1 1", 'b', 64);
		rr(&d->mx[1], "1 1 1", 'a', 62);
		d->mx[1].tlsa_ttl = 10;
		addr(&d->mx[0], "ab");
		mxd_alloc_fail_after(n);
		dane_findings_analyse(d, NOW);
		mxd_alloc_fail_after(0);
		assert_true(d->nfindings <= 6);
		report_domain_free(d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollover_scheme_names),
		cmocka_unit_test(test_ttl_bounds),
		cmocka_unit_test(test_digest_agility_stale_sha512_hides_sha256),
		cmocka_unit_test(test_digest_agility_both_digests_match),
		cmocka_unit_test(test_groups_current_next_one_matching_is_fine),
		cmocka_unit_test(
		    test_groups_current_issuer_stale_leaf_is_a_warning),
		cmocka_unit_test(
		    test_groups_other_group_not_matching_is_critical),
		cmocka_unit_test(test_groups_dane_ta_without_the_issuer),
		cmocka_unit_test(test_groups_need_a_chain),
		cmocka_unit_test(test_rr_matches_cert),
		cmocka_unit_test(test_shared_key_detection),
		cmocka_unit_test(test_certificates),
		cmocka_unit_test(test_starttls_and_tls_versions),
		cmocka_unit_test(test_dnssec_and_cname),
		cmocka_unit_test(test_table_codes_unique_and_findable),
		cmocka_unit_test(test_finding_add_takes_the_table_and_dedups),
		cmocka_unit_test(test_markdown_lists_every_code),
		cmocka_unit_test(test_analyse_survives_allocation_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
