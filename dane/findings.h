/*
 * findings.h - the operational findings of `mxdane check`: one table with
 * every finding's stable code, severity, meaning, hint and reference, the
 * function that adds a finding to a domain report from that table, and
 * the analysis that derives findings from a filled result model (TLSA
 * records, presented chains, probe results). docs/findings.md is made
 * from the same table (dane_findings_markdown()).
 */
#ifndef MXD_DANE_FINDINGS_H
#define MXD_DANE_FINDINGS_H

#include <stddef.h>
#include <time.h>

#include "report/model.h"

struct mxd_buf;
struct tlsa_rr;

/** One row of the findings table. */
struct dane_finding_def {
	const char		*code;		/* kebab-case, stable */
	enum report_severity	 severity;
	const char		*topic;		/* the how-to pitfall */
	const char		*meaning;	/* one sentence */
	const char		*hint;		/* what to do */
	const char		*ref;		/* RFC section or how-to */
};

/** The rollover scheme of one TLSA RRset (internet.nl's names). */
enum dane_rollover {
	DANE_ROLL_NONE = 0,		/* fewer than two usable records */
	DANE_ROLL_CURRENT_NEXT,		/* two or more 3 1 x */
	DANE_ROLL_CURRENT_ISSUER,	/* 3 1 x next to 2 x x */
	DANE_ROLL_OTHER,		/* several usable, another mix */
};

/** How many rows the table has. */
size_t	dane_findings_count(void);

/** Row @p i of the table (0 .. count-1), or NULL. */
const struct dane_finding_def	*dane_finding_at(size_t i);

/** The row of @p code, or NULL when no such code exists. */
const struct dane_finding_def	*dane_finding_find(const char *code);

/**
 * Add a finding to @p d: severity, hint and reference from the table row
 * of @p code, the message from @p fmt. A code that is not in the table is
 * a bug (mxd_panic). A finding with the same code, host and message is
 * not added twice. On allocation failure the finding is dropped.
 * @param[in,out] d the domain report; it owns the strings added.
 * @param[in] code a code of the table.
 * @param[in] host the MX host concerned, or NULL for the domain.
 * @param[in] fmt the message, printf-style: one sentence naming the
 *     host, address or record.
 * @return 0 or MXD_ENOMEM.
 */
int	dane_finding_add(struct report_domain *d, const char *code,
	    const char *host, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/**
 * The rollover scheme of a TLSA RRset: its usable records only
 * (RFC 7671 §8.1, §8.4).
 */
enum dane_rollover	dane_rollover_scheme(const struct tlsa_rr *rr,
			    size_t n);

/** "current+next", "current+issuer", "other" or "none". */
const char	*dane_rollover_str(enum dane_rollover r);

/** The TLSA TTL bounds the how-to advises, in seconds. */
#define DANE_TTL_MIN	1800
#define DANE_TTL_MAX	3600

/**
 * Does @p rr match certificate @p c (its recorded SHA2-256 and SHA2-512
 * digests)? Matching type 0 cannot be judged from the digests.
 * @return 1 match, 0 no match, -1 cannot tell.
 */
int	dane_rr_matches_cert(const struct tlsa_rr *rr,
	    const struct report_cert *c);

/**
 * Do two MX hosts share a key (the same leaf key presented, or the same
 * TLSA RRset)? @return 1 or 0.
 */
int	dane_hosts_share_key(const struct report_mx *a,
	    const struct report_mx *b);

/**
 * Every finding that follows from the filled model alone: rollover
 * record and scheme, TLSA TTL, selector 0, usages 0/1, malformed records,
 * digest agility, per-group matching (RFC 7671 §8), DANE-TA chain,
 * shared keys, STARTTLS, TLS versions, DNSSEC state, certificates
 * (expiry at @p now, RSA size), MX through a CNAME. Call after the
 * probes, before dane_verdict_domain()'s status is raised by findings.
 * @param[in,out] d the domain report.
 * @param[in] now the time certificates are judged at.
 */
void	dane_findings_analyse(struct report_domain *d, time_t now);

/**
 * docs/findings.md: every row of the table as Markdown.
 * @return 0, MXD_ENOSPC or MXD_ENOMEM.
 */
int	dane_findings_markdown(struct mxd_buf *out);

/** The status a finding of @p sev raises a domain to. */
enum report_status	dane_finding_status(enum report_severity sev);

#endif /* MXD_DANE_FINDINGS_H */
