/*
 * model.c - ownership and names of the result model (model.h).
 */
#include "common/mxd.h"
#include "report/model.h"

/* report_domain_free - free a domain report and all it owns */
void
report_domain_free(struct report_domain *d)
{
	size_t i, j;

	if (d == NULL) {
		return;
	}
	for (i = 0; i < d->nmx; i++) {
		struct report_mx *mx = &d->mx[i];

		for (j = 0; j < mx->ntlsa; j++) {
			tlsa_rr_clear(&mx->tlsa[j]);
		}
		mxd_free(mx->tlsa);
		for (j = 0; j < mx->naddrs; j++) {
			mxd_free(mx->addrs[j].chain);
		}
		mxd_free(mx->addrs);
	}
	mxd_free(d->mx);
	for (i = 0; i < d->nfindings; i++) {
		mxd_free(d->findings[i].message);
		mxd_free(d->findings[i].hint);
	}
	mxd_free(d->findings);
	mxd_free(d);
}

/* report_sec_str - contract name of a DNSSEC status */
const char *
report_sec_str(enum report_sec s)
{
	switch (s) {
	case REPORT_SEC_SECURE:
		return "secure";
	case REPORT_SEC_INSECURE:
		return "insecure";
	case REPORT_SEC_BOGUS:
		return "bogus";
	case REPORT_SEC_INDETERMINATE:
		return "indeterminate";
	case REPORT_SEC_UNKNOWN:
		break;
	}
	return "unknown";
}

/* report_dane_str - contract name of a domain verdict */
const char *
report_dane_str(enum report_dane v)
{
	switch (v) {
	case REPORT_DANE_VERIFIED:
		return "verified";
	case REPORT_DANE_PARTIAL:
		return "partial";
	case REPORT_DANE_FAILED:
		return "failed";
	case REPORT_DANE_UNUSABLE:
		return "unusable";
	case REPORT_DANE_BOGUS:
		return "bogus";
	case REPORT_DANE_NONE:
		break;
	}
	return "none";
}

/* report_addr_dane_str - contract name of an address verdict */
const char *
report_addr_dane_str(enum report_addr_dane v)
{
	switch (v) {
	case REPORT_ADDR_PASS:
		return "pass";
	case REPORT_ADDR_FAIL:
		return "fail";
	case REPORT_ADDR_UNUSABLE:
		return "unusable";
	case REPORT_ADDR_NONE:
		break;
	}
	return "none";
}

/* report_status_str - contract name of a status */
const char *
report_status_str(enum report_status s)
{
	switch (s) {
	case REPORT_OK:
		return "ok";
	case REPORT_WARNING:
		return "warning";
	case REPORT_CRITICAL:
		return "critical";
	case REPORT_UNKNOWN:
		break;
	}
	return "unknown";
}

/* report_action_str - what a sender does, in words */
const char *
report_action_str(enum report_action a)
{
	switch (a) {
	case REPORT_ACT_DANE:
		return "authenticated TLS";
	case REPORT_ACT_ENCRYPT:
		return "unauthenticated TLS";
	case REPORT_ACT_DEFER:
		return "defer";
	case REPORT_ACT_OPPORTUNISTIC:
		break;
	}
	return "opportunistic";
}

/* report_severity_str - contract name of a severity */
const char *
report_severity_str(enum report_severity s)
{
	switch (s) {
	case REPORT_SEV_CRITICAL:
		return "critical";
	case REPORT_SEV_WARNING:
		return "warning";
	case REPORT_SEV_INFO:
		break;
	}
	return "info";
}
