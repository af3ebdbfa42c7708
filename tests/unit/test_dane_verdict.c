/*
 * test_dane_verdict.c - the RFC 7672 verdicts of dane_verdict_domain() on
 * hand-built result models: one test per row of the verdict table in
 * dane/verdict.c, and the cases where several rules meet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/mxd.h"
#include "dane/dane.h"
#include "report/model.h"

#define P	REPORT_ADDR_PASS
#define F	REPORT_ADDR_FAIL
#define U	REPORT_ADDR_UNUSABLE
#define N	REPORT_ADDR_NONE

/* dom - a domain with nmx hosts and the given MX security */
static struct report_domain *
dom(enum report_sec mx_sec, size_t nmx)
{
	struct report_domain *d = mxd_calloc(1, sizeof(*d));

	assert_non_null(d);
	(void)snprintf(d->domain, sizeof(d->domain), "example.test");
	d->mx_sec = mx_sec;
	d->nmx = nmx;
	if (nmx > 0) {
		d->mx = mxd_calloc(nmx, sizeof(*d->mx));
		assert_non_null(d->mx);
	}
	return d;
}

/*
 * host - fill MX host i: address security, TLSA state, and naddrs address
 * verdicts (tls is set for every address whose verdict is not fail, and
 * for every address when all_tls).
 */
static void
host(struct report_domain *d, size_t i, enum report_sec addr_sec,
    enum report_tlsa_state st, size_t naddrs, ...)
{
	struct report_mx	*mx = &d->mx[i];
	va_list			 ap;
	size_t			 j;

	(void)snprintf(mx->host, sizeof(mx->host), "mx%zu.example.test", i);
	mx->preference = (int)(10 * (i + 1));
	mx->addr_sec = addr_sec;
	mx->tlsa_state = st;
	mx->tlsa_sec = st == REPORT_TLSA_ERROR ? REPORT_SEC_BOGUS :
	    REPORT_SEC_SECURE;
	mx->naddrs = naddrs;
	if (naddrs == 0) {
		return;
	}
	mx->addrs = mxd_calloc(naddrs, sizeof(*mx->addrs));
	assert_non_null(mx->addrs);
	va_start(ap, naddrs);
	for (j = 0; j < naddrs; j++) {
		mx->addrs[j].dane = (enum report_addr_dane)va_arg(ap, int);
		mx->addrs[j].tls = mx->addrs[j].dane != F;
		mx->addrs[j].starttls = 1;
		(void)snprintf(mx->addrs[j].address,
		    sizeof(mx->addrs[j].address), "192.0.2.%zu", j + 1);
	}
	va_end(ap);
}

/* judge - run the verdict; check dane and status */
static void
judge(struct report_domain *d, int require, enum report_dane want,
    enum report_status status)
{
	dane_verdict_domain(d, require);
	assert_string_equal(report_dane_str(d->dane), report_dane_str(want));
	assert_string_equal(report_status_str(d->status),
	    report_status_str(status));
}

static void
test_verdict_verified_all_hosts_all_addresses(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 2, P, P);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	judge(d, 0, REPORT_DANE_VERIFIED, REPORT_OK);
	assert_int_equal(d->mx[0].action, REPORT_ACT_DANE);
	assert_int_equal(d->mx[1].action, REPORT_ACT_DANE);
	judge(d, 1, REPORT_DANE_VERIFIED, REPORT_OK);
	report_domain_free(d);
}

static void
test_verdict_partial_when_one_host_has_no_tlsa(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_NONE, 1, N);
	judge(d, 0, REPORT_DANE_PARTIAL, REPORT_WARNING);
	assert_int_equal(d->mx[1].action, REPORT_ACT_OPPORTUNISTIC);
	report_domain_free(d);
}

static void
test_verdict_partial_when_one_host_unusable_other_passes(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_UNUSABLE, 1, U);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	judge(d, 0, REPORT_DANE_PARTIAL, REPORT_WARNING);
	assert_int_equal(d->mx[0].action, REPORT_ACT_ENCRYPT);
	assert_int_equal(d->mx[1].action, REPORT_ACT_DANE);
	report_domain_free(d);
}

static void
test_verdict_failed_when_one_address_fails(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 2, P, F);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	judge(d, 0, REPORT_DANE_FAILED, REPORT_CRITICAL);
	report_domain_free(d);
}

static void
test_verdict_failed_no_starttls_beats_partial(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, F);
	d->mx[0].addrs[0].starttls = 0;
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_NONE, 1, N);
	judge(d, 0, REPORT_DANE_FAILED, REPORT_CRITICAL);
	report_domain_free(d);
}

static void
test_verdict_unusable_is_warning_unless_tls_fails_or_required(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_UNUSABLE, 1, U);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_NONE, 1, N);
	judge(d, 0, REPORT_DANE_UNUSABLE, REPORT_WARNING);
	assert_int_equal(d->mx[0].action, REPORT_ACT_ENCRYPT);
	judge(d, 1, REPORT_DANE_UNUSABLE, REPORT_CRITICAL);
	/* TLS cannot be set up: the sender defers (never cleartext). */
	d->mx[0].addrs[0].dane = F;
	d->mx[0].addrs[0].tls = 0;
	judge(d, 0, REPORT_DANE_UNUSABLE, REPORT_CRITICAL);
	report_domain_free(d);
}

static void
test_verdict_bogus_tlsa_at_one_host(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_ERROR, 1, N);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	judge(d, 0, REPORT_DANE_BOGUS, REPORT_CRITICAL);
	assert_int_equal(d->mx[0].action, REPORT_ACT_DEFER);
	assert_non_null(strstr(d->mx[0].error, "TLSA lookup failed (bogus)"));
	assert_int_equal(d->mx[1].action, REPORT_ACT_DANE);
	report_domain_free(d);
}

static void
test_verdict_bogus_beats_failed(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_BOGUS, REPORT_TLSA_NOT_LOOKED, 1, N);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, F);
	judge(d, 0, REPORT_DANE_BOGUS, REPORT_CRITICAL);
	assert_int_equal(d->mx[0].action, REPORT_ACT_DEFER);
	assert_non_null(strstr(d->mx[0].error, "address lookup failed"));
	report_domain_free(d);
}

static void
test_verdict_indeterminate_address_is_bogus(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 1);

	(void)state;
	host(d, 0, REPORT_SEC_INDETERMINATE, REPORT_TLSA_NOT_LOOKED, 0);
	judge(d, 0, REPORT_DANE_BOGUS, REPORT_CRITICAL);
	report_domain_free(d);
}

static void
test_verdict_bogus_mx_defers_every_host(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_BOGUS, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	judge(d, 0, REPORT_DANE_BOGUS, REPORT_CRITICAL);
	assert_int_equal(d->mx[0].action, REPORT_ACT_DEFER);
	assert_int_equal(d->mx[1].action, REPORT_ACT_DEFER);
	report_domain_free(d);
}

static void
test_verdict_insecure_mx_with_tlsa_hosts_is_none(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_INSECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	judge(d, 0, REPORT_DANE_NONE, REPORT_WARNING);
	assert_int_equal(d->mx[0].action, REPORT_ACT_OPPORTUNISTIC);
	assert_int_equal(d->nfindings, 1);
	assert_string_equal(d->findings[0].code, "insecure-mx-with-tlsa");
	assert_string_equal(d->findings[0].ref, "RFC 7672 §2.2.1");
	assert_non_null(strstr(d->findings[0].message, "2 of its MX hosts"));
	/* Judged again (require-dane): critical, and one finding only. */
	judge(d, 1, REPORT_DANE_NONE, REPORT_CRITICAL);
	assert_int_equal(d->nfindings, 1);
	report_domain_free(d);
}

static void
test_verdict_insecure_mx_bogus_tlsa_not_needed(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_INSECURE, 1);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_ERROR, 1, N);
	judge(d, 0, REPORT_DANE_NONE, REPORT_WARNING);
	assert_int_equal(d->mx[0].action, REPORT_ACT_OPPORTUNISTIC);
	report_domain_free(d);
}

static void
test_verdict_insecure_mx_bogus_address_is_bogus(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_INSECURE, 1);

	(void)state;
	host(d, 0, REPORT_SEC_BOGUS, REPORT_TLSA_NOT_LOOKED, 0);
	judge(d, 0, REPORT_DANE_BOGUS, REPORT_CRITICAL);
	report_domain_free(d);
}

static void
test_verdict_null_mx_is_none_and_ok(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 0);

	(void)state;
	d->null_mx = 1;
	judge(d, 0, REPORT_DANE_NONE, REPORT_OK);
	judge(d, 1, REPORT_DANE_NONE, REPORT_OK);
	report_domain_free(d);
}

static void
test_verdict_host_without_addresses_is_skipped(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_NOT_LOOKED, 0);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	judge(d, 0, REPORT_DANE_VERIFIED, REPORT_OK);
	assert_int_equal(d->mx[0].action, REPORT_ACT_DEFER);
	assert_string_equal(d->mx[0].error, "no address: senders skip this "
	    "host");
	report_domain_free(d);
}

static void
test_verdict_no_addresses_anywhere_is_none(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_NOT_LOOKED, 0);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_NOT_LOOKED, 0);
	judge(d, 0, REPORT_DANE_NONE, REPORT_WARNING);
	report_domain_free(d);
}

static void
test_verdict_tlsa_only_at_hosts_without_addresses(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 2);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 0);
	host(d, 1, REPORT_SEC_SECURE, REPORT_TLSA_NONE, 1, N);
	judge(d, 0, REPORT_DANE_NONE, REPORT_WARNING);
	report_domain_free(d);
}

static void
test_verdict_none_signed_without_tlsa(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 1);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_NONE, 2, N, N);
	judge(d, 0, REPORT_DANE_NONE, REPORT_WARNING);
	judge(d, 1, REPORT_DANE_NONE, REPORT_CRITICAL);
	report_domain_free(d);
}

static void
test_verdict_none_unsigned_implicit_mx(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_INSECURE, 1);

	(void)state;
	d->implicit_mx = 1;
	host(d, 0, REPORT_SEC_INSECURE, REPORT_TLSA_NOT_LOOKED, 1, N);
	d->mx[0].preference = -1;
	judge(d, 0, REPORT_DANE_NONE, REPORT_WARNING);
	assert_int_equal(d->nfindings, 0);
	report_domain_free(d);
}

static void
test_verdict_nxdomain_is_unknown(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_SECURE, 0);

	(void)state;
	(void)snprintf(d->error, sizeof(d->error), "no such domain");
	judge(d, 0, REPORT_DANE_NONE, REPORT_UNKNOWN);
	report_domain_free(d);
}

static void
test_verdict_host_checked_directly(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_UNKNOWN, 1);

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 2, P, P);
	judge(d, 0, REPORT_DANE_VERIFIED, REPORT_OK);
	d->mx[0].addrs[1].dane = F;
	judge(d, 0, REPORT_DANE_FAILED, REPORT_CRITICAL);
	report_domain_free(d);
}

static void
test_verdict_finding_survives_allocation_failure(void **state)
{
	struct report_domain *d = dom(REPORT_SEC_INSECURE, 1);
	unsigned long n;

	(void)state;
	host(d, 0, REPORT_SEC_SECURE, REPORT_TLSA_USABLE, 1, P);
	for (n = 1; n < 6; n++) {
		mxd_alloc_fail_after(n);
		dane_verdict_domain(d, 0);
		mxd_alloc_fail_after(0);
		assert_int_equal(d->dane, REPORT_DANE_NONE);
		assert_true(d->nfindings <= 1);
	}
	report_domain_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_verified_all_hosts_all_addresses),
		cmocka_unit_test(test_verdict_partial_when_one_host_has_no_tlsa),
		cmocka_unit_test(
		    test_verdict_partial_when_one_host_unusable_other_passes),
		cmocka_unit_test(test_verdict_failed_when_one_address_fails),
		cmocka_unit_test(test_verdict_failed_no_starttls_beats_partial),
		cmocka_unit_test(
		    test_verdict_unusable_is_warning_unless_tls_fails_or_required),
		cmocka_unit_test(test_verdict_bogus_tlsa_at_one_host),
		cmocka_unit_test(test_verdict_bogus_beats_failed),
		cmocka_unit_test(test_verdict_indeterminate_address_is_bogus),
		cmocka_unit_test(test_verdict_bogus_mx_defers_every_host),
		cmocka_unit_test(
		    test_verdict_insecure_mx_with_tlsa_hosts_is_none),
		cmocka_unit_test(test_verdict_insecure_mx_bogus_tlsa_not_needed),
		cmocka_unit_test(
		    test_verdict_insecure_mx_bogus_address_is_bogus),
		cmocka_unit_test(test_verdict_null_mx_is_none_and_ok),
		cmocka_unit_test(test_verdict_host_without_addresses_is_skipped),
		cmocka_unit_test(test_verdict_no_addresses_anywhere_is_none),
		cmocka_unit_test(
		    test_verdict_tlsa_only_at_hosts_without_addresses),
		cmocka_unit_test(test_verdict_none_signed_without_tlsa),
		cmocka_unit_test(test_verdict_none_unsigned_implicit_mx),
		cmocka_unit_test(test_verdict_nxdomain_is_unknown),
		cmocka_unit_test(test_verdict_host_checked_directly),
		cmocka_unit_test(
		    test_verdict_finding_survives_allocation_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
