/*
 * verdict.c - the RFC 7672 verdicts of a checked domain: what a DANE-aware
 * sender does with each MX host (its action), the domain's `dane` verdict
 * and the monitoring status. It reads only the result model the engine
 * filled (DNSSEC status of the MX, address and TLSA answers, and each
 * address's probe verdict) and does no I/O.
 *
 * Host action (RFC 7672 §2.2, DANE-RULES C.12-C.15):
 *   defer          MX lookup bogus or indeterminate (§2.1.2, rule A.4);
 *                  the host's address lookup bogus or indeterminate, or
 *                  its TLSA lookup failed (§2.1.2, rules A.5, A.6; under
 *                  an insecure MX RRset the TLSA answer is not needed and
 *                  its failure is not counted); no address at all
 *                  (nothing to deliver to)
 *   opportunistic  insecure MX RRset: DANE does not apply to the domain
 *                  (§2.2.1, rule B.8; mxdane's fixed reading), or no TLSA
 *                  (insecure, secure denial, or not looked up)
 *   dane           secure TLSA with at least one usable record (C.12)
 *   encrypt        secure TLSA, none usable: TLS without authentication
 *                  (C.13)
 *
 * Domain verdict, first rule that applies wins:
 *   1. null MX (RFC 7505): `none`, status ok - the domain takes no mail,
 *      so there is no transport to secure.
 *   2. `bogus`: the MX answer, or an address or TLSA answer of any MX host,
 *      failed validation or could not be had (RFC 7672 §2.1.1, §2.1.2;
 *      DANE-RULES A.1, A.4-A.6). It comes before `failed` because until
 *      DNSSEC validates, a sender cannot even learn the policy: the TLSA
 *      records themselves cannot be trusted, and the fix starts there.
 *   3. `none`: the MX RRset is insecure (RFC 7672 §2.2.1, rule B.8), or
 *      no MX host has TLSA records.
 *   4. `failed`: an address of an MX host with usable TLSA records does not
 *      authenticate or offers no STARTTLS (RFC 7672 §2.2, rule C.12).
 *   5. `verified`: every reachable MX host has usable TLSA records and
 *      every one of their addresses authenticates.
 *   6. `partial`: some MX hosts have no usable TLSA records (none at all,
 *      or only unusable ones), and every address of those that have them
 *      authenticates (RFC 7672 §2.2.1: a domain is only protected when all
 *      its MX hosts are, rule C.17).
 *   7. `unusable`: TLSA records exist, but no MX host has a usable one.
 * Hosts without any address are left out of 5-7 (a sender skips them,
 * RFC 7672 §2.1.2); an MX lookup that was not made (a host checked
 * directly) counts as secure.
 *
 * Status: verified ok; partial warning; none warning, critical with
 * require_dane; failed and bogus critical. unusable is a warning: RFC 7672
 * §2.2 makes TLS mandatory for such a host, so mail still flows encrypted,
 * only unauthenticated; it is critical when TLS cannot be set up at one of
 * those hosts' addresses (the sender then defers: never cleartext, §2.2)
 * and with require_dane (a mandatory-DANE sender defers, RFC 7672 §6).
 * A domain whose MX lookup gave no answer and no verdict (d->error set, no
 * host) is unknown.
 */
#include <stdio.h>
#include <string.h>

#include "common/mxd.h"
#include "dane/dane.h"
#include "dane/findings.h"
#include "report/model.h"

/* What one MX host contributes to the domain verdict. */
struct tally {
	size_t	hosts;		/* reachable hosts (with addresses) */
	size_t	bogus;		/* hosts with a failed DNS answer */
	size_t	usable;		/* reachable hosts with usable TLSA */
	size_t	unusable;	/* reachable hosts with TLSA, none usable */
	size_t	failed;		/* usable hosts with an address not passing */
	size_t	tls_failed;	/* unusable hosts with an address without TLS */
	size_t	with_tlsa;	/* hosts with any TLSA records (any MX sec) */
};

static int	sec_failed(enum report_sec);
static void	host_judge(struct report_domain *, struct report_mx *,
		    struct tally *);
static void	note_insecure_mx(struct report_domain *, size_t);

/* sec_failed - bogus or indeterminate: an error, never "no DANE" */
static int
sec_failed(enum report_sec s)
{
	return s == REPORT_SEC_BOGUS || s == REPORT_SEC_INDETERMINATE;
}

/* host_judge - one MX host's action, and its part of the tally */
static void
host_judge(struct report_domain *d, struct report_mx *mx, struct tally *t)
{
	size_t	i;
	int	addr_bad, tlsa_bad;

	if (mx->tlsa_state == REPORT_TLSA_USABLE ||
	    mx->tlsa_state == REPORT_TLSA_UNUSABLE) {
		t->with_tlsa++;
	}
	if (sec_failed(d->mx_sec)) {
		mx->action = REPORT_ACT_DEFER;
		return;
	}
	addr_bad = sec_failed(mx->addr_sec);
	/* Under an insecure MX RRset the TLSA answer is not needed. */
	tlsa_bad = mx->tlsa_state == REPORT_TLSA_ERROR &&
	    d->mx_sec != REPORT_SEC_INSECURE;
	if (addr_bad || tlsa_bad) {
		mx->action = REPORT_ACT_DEFER;
		t->bogus++;
		if (mx->error[0] == '\0') {
			(void)snprintf(mx->error, sizeof(mx->error), "%s "
			    "lookup failed (%s): senders skip this host",
			    addr_bad ? "address" : "TLSA",
			    report_sec_str(addr_bad ? mx->addr_sec :
			    mx->tlsa_sec));
		}
		return;
	}
	if (mx->naddrs == 0) {
		mx->action = REPORT_ACT_DEFER;
		if (mx->error[0] == '\0') {
			(void)snprintf(mx->error, sizeof(mx->error), "no "
			    "address: senders skip this host");
		}
		return;
	}
	t->hosts++;
	if (d->mx_sec == REPORT_SEC_INSECURE) {
		/* RFC 7672 §2.2.1: DANE does not apply to this domain. */
		mx->action = REPORT_ACT_OPPORTUNISTIC;
		return;
	}
	switch (mx->tlsa_state) {
	case REPORT_TLSA_USABLE:
		mx->action = REPORT_ACT_DANE;
		t->usable++;
		for (i = 0; i < mx->naddrs; i++) {
			if (mx->addrs[i].dane != REPORT_ADDR_PASS) {
				t->failed++;
				break;
			}
		}
		break;
	case REPORT_TLSA_UNUSABLE:
		mx->action = REPORT_ACT_ENCRYPT;
		t->unusable++;
		for (i = 0; i < mx->naddrs; i++) {
			if (!mx->addrs[i].tls) {
				t->tls_failed++;
				break;
			}
		}
		break;
	default:
		mx->action = REPORT_ACT_OPPORTUNISTIC;
		break;
	}
}

/* note_insecure_mx - say that TLSA records exist behind an unsigned MX,
 * unless the engine has said it already */
static void
note_insecure_mx(struct report_domain *d, size_t nhosts)
{
	static const char	code[] = "insecure-mx-with-tlsa";
	size_t			i;

	for (i = 0; i < d->nfindings; i++) {
		if (strcmp(d->findings[i].code, code) == 0) {
			return;
		}
	}
	(void)dane_finding_add(d, code, NULL, "The MX records of %s are not "
	    "DNSSEC-signed, so DANE does not apply to the domain, although "
	    "%zu of its MX hosts publish TLSA records", d->domain, nhosts);
}

/* dane_verdict_domain - host actions, domain verdict and status */
void
dane_verdict_domain(struct report_domain *d, int require_dane)
{
	struct tally	t;
	size_t		i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < d->nmx; i++) {
		host_judge(d, &d->mx[i], &t);
	}

	if (d->null_mx) {
		d->dane = REPORT_DANE_NONE;
		d->status = REPORT_OK;
		return;
	}
	if (sec_failed(d->mx_sec) || t.bogus > 0) {
		d->dane = REPORT_DANE_BOGUS;
		d->status = REPORT_CRITICAL;
		return;
	}
	if (d->mx_sec == REPORT_SEC_INSECURE || t.with_tlsa == 0) {
		d->dane = REPORT_DANE_NONE;
		if (d->nmx == 0 && d->error[0] != '\0') {
			d->status = REPORT_UNKNOWN;
		} else {
			d->status = require_dane ? REPORT_CRITICAL :
			    REPORT_WARNING;
		}
		if (d->mx_sec == REPORT_SEC_INSECURE && t.with_tlsa > 0) {
			note_insecure_mx(d, t.with_tlsa);
		}
		return;
	}
	if (t.failed > 0) {
		d->dane = REPORT_DANE_FAILED;
		d->status = REPORT_CRITICAL;
	} else if (t.usable > 0 && t.usable == t.hosts) {
		d->dane = REPORT_DANE_VERIFIED;
		d->status = REPORT_OK;
	} else if (t.usable > 0) {
		d->dane = REPORT_DANE_PARTIAL;
		d->status = REPORT_WARNING;
	} else if (t.unusable > 0) {
		d->dane = REPORT_DANE_UNUSABLE;
		d->status = require_dane || t.tls_failed > 0 ?
		    REPORT_CRITICAL : REPORT_WARNING;
	} else {
		/* TLSA only at hosts without addresses. */
		d->dane = REPORT_DANE_NONE;
		d->status = require_dane ? REPORT_CRITICAL : REPORT_WARNING;
	}
}
