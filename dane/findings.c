/*
 * findings.c - the operational findings of `mxdane check`, after the DANE
 * for SMTP how-to's list of mistakes that cause outages: one table (code,
 * severity, meaning, hint, reference) that both the check and
 * docs/findings.md are made from, and the analysis of a filled result
 * model.
 *
 * The analysis reads only the model: the TLSA RRset of each MX host, the
 * chain each address presented (with SHA2-256 and SHA2-512 digests of
 * each certificate and key), the probe results and the DNSSEC status.
 * Findings that need more DNS or more probes (the authoritative servers,
 * RSA and ECDSA handshakes, TLS 1.0/1.1, MTA-STS and TLS-RPT) are added
 * by the engine with dane_finding_add().
 *
 * Rules: RFC 7671 §8 (each usage/selector/matching-type group must match
 * the current chain on its own; current+next and current+issuer rollover),
 * RFC 7671 §9 (digest agility: a client uses only the strongest matching
 * type of a usage/selector pair), RFC 7672 §3.1.3 (PKIX usages unusable),
 * RFC 7672 §3.1.2 (DANE-TA: the server sends the trust anchor; its expiry
 * counts), RFC 7672 §3.1.1 (DANE-EE: dates do not count).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/mxd.h"
#include "dane/findings.h"
#include "tlsa/tlsa.h"

#define FINDINGS_MAX	96		/* per domain */
#define DAY		86400
#define TA_WARN_DAYS	14		/* DANE-TA certificate expiry */
#define RSA_MIN_BITS	2048

static const struct dane_finding_def *def_get(const char *code);
static int	has_finding(const struct report_domain *d, const char *code,
		    const char *host, const char *msg);
static void	host_records(struct report_domain *d,
		    struct report_mx *mx);
static void	host_groups(struct report_domain *d,
		    const struct report_mx *mx);
static int	group_matches(const struct report_mx *mx,
		    const struct report_addr *a, unsigned u, unsigned s,
		    unsigned m);
static void	host_tls(struct report_domain *d, const struct report_mx *mx);
static void	host_certs(struct report_domain *d,
		    const struct report_mx *mx, time_t now);
static void	host_dnssec(struct report_domain *d,
		    const struct report_mx *mx);
static void	domain_shared(struct report_domain *d);
static int	has_records(const struct report_mx *mx);
static void	short_hex(const char *hex, char *out, size_t outsz);

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

#define C	REPORT_SEV_CRITICAL
#define W	REPORT_SEV_WARNING
#define I	REPORT_SEV_INFO

static const struct dane_finding_def table[] = {
	/* Rollover (how-to: "current + next" or "current + issuer"). */
	{ "no-rollover-record", W, "rollover",
	    "The TLSA RRset of an MX host has a single usable record: "
	    "neither \"current + next\" nor \"current + issuer\".",
	    "Publish a second record before you need it: 3 1 1 for the "
	    "next key (current + next), or 2 1 1 for the issuing CA "
	    "(current + issuer).",
	    "RFC 7671 §8.1; how-to: rollover schemes" },
	{ "tlsa-ttl", W, "TTL",
	    "The TTL of a TLSA RRset is outside 1800-3600 s: too long "
	    "delays emergency changes, too short loads the servers.",
	    "Set the TTL of the TLSA RRset between 1800 and 3600 seconds.",
	    "RFC 7671 §8.4; how-to: TTL of TLSA records" },
	/* Record contents. */
	{ "tlsa-selector-0", W, "records",
	    "A usable TLSA record has selector 0 (full certificate): it "
	    "breaks when the certificate is reissued with the same key.",
	    "Use selector 1 (the public key): 3 1 1 or 2 1 1.",
	    "RFC 7671 §5.1; how-to: use 3 1 1" },
	{ "tlsa-pkix-usage", W, "records",
	    "TLSA records with usage 0 (PKIX-TA) or 1 (PKIX-EE) are "
	    "unusable for SMTP; with no other record senders only "
	    "encrypt, without authentication.",
	    "Replace them with usage 3 (DANE-EE) or 2 (DANE-TA) records.",
	    "RFC 7672 §3.1.3" },
	{ "tlsa-malformed", W, "records",
	    "A TLSA record is malformed or unknown: shorter than three "
	    "octets, a digest of the wrong length, an unknown usage, "
	    "selector or matching type, or matching type 0 with data that "
	    "is not a certificate or key.",
	    "Regenerate the record from the certificate or key (mxdane "
	    "tlsa) and remove the broken one.",
	    "RFC 6698 §2.1; RFC 7671 §4.1; RFC 7672 §3.1.3" },
	{ "tlsa-digest-agility", W, "records",
	    "A usage/selector pair has SHA2-256 and SHA2-512 records and "
	    "the SHA2-512 ones match nothing: clients that use only the "
	    "strongest digest (digest agility) never see the SHA2-256 "
	    "record that matches.",
	    "Update or remove the stale SHA2-512 record; publish both "
	    "digests only for the same keys.",
	    "RFC 7671 §9; DANE-RULES D.19" },
	{ "tlsa-group-mismatch", C, "records",
	    "A group of TLSA records (one usage, selector and matching "
	    "type) matches nothing in the chain the server presents: each "
	    "group must match the current chain on its own.",
	    "Correct or remove the records of that group; clients that "
	    "support only its parameters fail.",
	    "RFC 7671 §8" },
	{ "tlsa-leaf-group-mismatch", W, "records",
	    "In a current + issuer RRset the 3 1 x group matches no "
	    "certificate the server presents, while the 2 x x group does: "
	    "the leaf record is stale.",
	    "Publish the 3 1 1 record of the key in use.",
	    "RFC 7671 §8" },
	{ "dane-ta-chain-missing", C, "records",
	    "A DANE-TA (2 x x) record matches no certificate the server "
	    "sends: the server does not send the issuer certificate the "
	    "record names.",
	    "Configure the server to send its full chain, including the "
	    "certificate of the trust anchor.",
	    "RFC 7672 §3.1.2; RFC 7671 §5.2.2" },
	{ "key-alg-mismatch", C, "keys",
	    "The server presents an RSA and an ECDSA certificate (one "
	    "handshake limited to each), and the TLSA RRset matches only one "
	    "of them: senders that get the other key fail.",
	    "Publish a TLSA record for every key the server can present.",
	    "RFC 7671 §8; RFC 7672 §8.1; how-to: multiple certificates" },
	{ "shared-key", W, "keys",
	    "Every MX host presents the same public key, or publishes the "
	    "same TLSA RRset: one rollover mistake takes all inbound mail "
	    "down.",
	    "Give the MX hosts their own keys, or roll them over one at a "
	    "time.",
	    "how-to: one key per MX host" },
	/* TLS. */
	{ "tls-no-modern", C, "TLS",
	    "An MX host with TLSA records accepts neither TLS 1.2 nor TLS "
	    "1.3, only TLS 1.0 or 1.1: senders that require TLS 1.2 defer.",
	    "Enable TLS 1.2 and TLS 1.3 on the mail server.",
	    "RFC 8996; RFC 7525 §3.1.1" },
	{ "tls-legacy-accepted", I, "TLS",
	    "An MX host with TLSA records still accepts TLS 1.0 or TLS 1.1 "
	    "(a handshake pinned to each is tried).",
	    "Disable TLS 1.0 and 1.1 once your senders use TLS 1.2.",
	    "RFC 8996" },
	{ "starttls-missing", C, "STARTTLS",
	    "An MX host with TLSA records does not offer STARTTLS: DANE "
	    "senders defer all mail to it.",
	    "Enable STARTTLS on the mail server.",
	    "RFC 7672 §2.2" },
	{ "starttls-refused", C, "STARTTLS",
	    "An MX host with TLSA records offers STARTTLS but refuses it, "
	    "or the handshake fails: DANE senders defer all mail to it.",
	    "Fix the server's TLS configuration (certificate, key, "
	    "protocols).",
	    "RFC 7672 §2.2" },
	/* Authoritative servers. */
	{ "tlsa-servers-differ", C, "nameservers",
	    "The authoritative servers of the zone serve different TLSA "
	    "RRsets: senders whose resolver asks the stale one see other "
	    "records.",
	    "Publish the same TLSA RRset on every authoritative server "
	    "(check zone transfers and serials).",
	    "RFC 7672 §9.2; RFC 7671 §8" },
	{ "ns-unreachable", W, "nameservers",
	    "An address of an authoritative nameserver does not answer.",
	    "Fix or remove the nameserver; its answers decide rollovers "
	    "too.",
	    "RFC 1034 §4.1; how-to: every authoritative server" },
	{ "ns-lame", W, "nameservers",
	    "An authoritative nameserver answers without authority "
	    "(lame delegation, REFUSED or an error).",
	    "Configure the zone on that server, or remove it from the NS "
	    "set.",
	    "RFC 1912 §2.8; how-to: every authoritative server" },
	{ "ns-serial-differs", W, "nameservers",
	    "The authoritative servers serve different SOA serials: a "
	    "secondary lags behind, and a rollover is not safe yet.",
	    "Wait for, or fix, the zone transfer before the next rollover "
	    "step.",
	    "RFC 1996; how-to: every authoritative server" },
	{ "tlsa-ent-nxdomain", C, "DNS",
	    "The zone answers NXDOMAIN for the empty non-terminal _tcp "
	    "above existing TLSA records: resolvers with QNAME "
	    "minimisation (or RFC 8020) never find them.",
	    "Give _tcp its own NODATA answer (with NSEC3, its own NSEC3 "
	    "record), or fix the signer or server that omits it.",
	    "RFC 5155 §7.1; RFC 8020 §2; RFC 9156" },
	{ "mx-cname", I, "DNS",
	    "An MX target is a CNAME: senders follow it, and the TLSA "
	    "base domain is the expanded name when the chain is secure.",
	    "Nothing required; pointing the MX at the final name avoids "
	    "the question.",
	    "RFC 7671 §7; RFC 7672 §2.2.2; RFC 5321 §5.1" },
	{ "mx-malformed", W, "DNS",
	    "MX records could not be parsed and were ignored.",
	    "Correct the MX records.",
	    "RFC 1035 §3.3.9" },
	{ "null-mx-mixed", C, "DNS",
	    "A null MX stands next to other MX records: Postfix then "
	    "bounces all mail for the domain (\"does not accept mail\"), "
	    "other senders skip the null MX and use the other hosts.",
	    "A null MX must be the only MX record: remove it if the domain "
	    "receives mail, or the other MX records if it does not.",
	    "RFC 7505 §3" },
	{ "mx-too-many", I, "DNS",
	    "The domain has more MX hosts than are checked (16, by "
	    "preference); senders also give up after a few hosts.",
	    "Nothing required; a handful of MX hosts is enough.",
	    "RFC 5321 §5.1" },
	/* DNSSEC. */
	{ "dnssec-domain-unsigned", W, "DNSSEC",
	    "The MX records of the domain are not DNSSEC-signed: DANE "
	    "cannot apply to it.",
	    "Sign the zone and publish its DS record in the parent zone.",
	    "RFC 7672 §2.2.1" },
	{ "dnssec-host-unsigned", W, "DNSSEC",
	    "The addresses of an MX host are not DNSSEC-signed: DANE "
	    "cannot apply to that host.",
	    "Sign the zone of the MX host, or use an MX host in a signed "
	    "zone.",
	    "RFC 7672 §2.2.2" },
	{ "insecure-mx-with-tlsa", W, "DNSSEC",
	    "The MX records are not signed, although MX hosts publish TLSA "
	    "records.",
	    "Sign the zone of the domain and publish its DS record in the "
	    "parent zone.",
	    "RFC 7672 §2.2.1" },
	{ "tlsa-insecure", W, "DNSSEC",
	    "TLSA records exist in an unsigned zone: senders ignore them.",
	    "Sign the zone that holds the TLSA records.",
	    "RFC 7672 §2.2" },
	{ "dnssec-bogus", C, "DNSSEC",
	    "A DNSSEC validation needed for delivery failed (expired "
	    "signatures, DS mismatch, missing DNSKEY): senders defer.",
	    "Fix the signatures or the DS record; the reason names the "
	    "failing step.",
	    "RFC 7672 §2.1.2; RFC 4035 §5" },
	{ "dnssec-sig-expiring", W, "DNSSEC",
	    "An RRSIG over the TLSA RRset expires within a week.",
	    "Check that the signer re-signs the zone and that every "
	    "server loads the new signatures.",
	    "RFC 4034 §3.1.5; how-to: monitoring" },
	/* Certificates. */
	{ "cert-ta-expired", C, "certificates",
	    "With DANE-TA, a certificate of the chain (leaf or issuer) has "
	    "expired: DANE-TA senders check the dates.",
	    "Renew the certificate and update the TLSA records if the key "
	    "changes.",
	    "RFC 7672 §3.1.2" },
	{ "cert-ta-expiring", W, "certificates",
	    "With DANE-TA, a certificate of the chain (leaf or issuer) "
	    "expires within 14 days.",
	    "Renew the certificate in time; with a new key, publish its "
	    "record first.",
	    "RFC 7672 §3.1.2" },
	{ "cert-ee-expiry", I, "certificates",
	    "With DANE-EE only, the leaf certificate has expired or "
	    "expires within 14 days: DANE senders ignore it, senders that "
	    "check certificates without DANE may not.",
	    "Renew the certificate when convenient; keep the key, or "
	    "publish the new key's record first.",
	    "RFC 7672 §3.1.1" },
	{ "cert-rsa-small", W, "certificates",
	    "A certificate of the chain has an RSA key under 2048 bits: "
	    "senders that keep OpenSSL's security level 2 (the default on "
	    "Debian and Ubuntu) refuse it and defer mail, even when the "
	    "TLSA records match; Postfix (level 0) accepts it.",
	    "Use an RSA key of at least 2048 bits, or ECDSA P-256, and "
	    "publish its TLSA record before deploying it.",
	    "how-to: RSA 2048-bit or ECDSA P-256 keys" },
	/* Coexistence. */
	{ "mta-sts-present", I, "coexistence",
	    "The domain publishes an MTA-STS record (_mta-sts TXT).",
	    "Keep the MTA-STS policy and the TLSA records consistent.",
	    "RFC 8461 §3.1" },
	{ "tls-rpt-present", I, "coexistence",
	    "The domain publishes a TLS reporting record (_smtp._tls TXT): "
	    "senders report DANE failures to it.",
	    "Read the reports; they show when senders fail DANE.",
	    "RFC 8460 §3" },
	{ "tlsa-from-command-line", I, "other",
	    "The TLSA records checked are those given on the command line.",
	    "Nothing required.",
	    "" },
};

#undef C
#undef W
#undef I

/* dane_findings_count - rows in the table */
size_t
dane_findings_count(void)
{
	return sizeof(table) / sizeof(table[0]);
}

/* dane_finding_at - one row by index */
const struct dane_finding_def *
dane_finding_at(size_t i)
{
	return i < dane_findings_count() ? &table[i] : NULL;
}

/* dane_finding_find - one row by code */
const struct dane_finding_def *
dane_finding_find(const char *code)
{
	size_t i;

	for (i = 0; code != NULL && i < dane_findings_count(); i++) {
		if (strcmp(table[i].code, code) == 0) {
			return &table[i];
		}
	}
	return NULL;
}

/* def_get - the row of a code the program uses; none is a bug */
static const struct dane_finding_def *
def_get(const char *code)
{
	const struct dane_finding_def *f = dane_finding_find(code);

	if (f == NULL) {
		MXD_PANIC("finding %s is not in the table", code);
	}
	return f;
}

/* dane_finding_status - the status a severity raises a domain to */
enum report_status
dane_finding_status(enum report_severity sev)
{
	switch (sev) {
	case REPORT_SEV_CRITICAL:
		return REPORT_CRITICAL;
	case REPORT_SEV_WARNING:
		return REPORT_WARNING;
	case REPORT_SEV_INFO:
		break;
	}
	return REPORT_OK;
}

/* has_finding - is this finding there already? msg NULL: any message */
static int
has_finding(const struct report_domain *d, const char *code,
    const char *host, const char *msg)
{
	size_t i;

	for (i = 0; i < d->nfindings; i++) {
		const struct report_finding *f = &d->findings[i];

		if (strcmp(f->code, code) == 0 &&
		    strcmp(f->host, host != NULL ? host : "") == 0 &&
		    (msg == NULL || (f->message != NULL &&
		    strcmp(f->message, msg) == 0))) {
			return 1;
		}
	}
	return 0;
}

/* dane_finding_add - one finding, its severity, hint and ref from the table */
int
dane_finding_add(struct report_domain *d, const char *code, const char *host,
    const char *fmt, ...)
{
	const struct dane_finding_def	*def = def_get(code);
	struct report_finding		*f, *grown;
	char				 msg[512];
	va_list				 ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->nfindings >= FINDINGS_MAX || has_finding(d, code, host, msg)) {
		return 0;
	}
	grown = mxd_realloc(d->findings, (d->nfindings + 1) * sizeof(*f));
	if (grown == NULL) {
		return MXD_ENOMEM;
	}
	d->findings = grown;
	f = &d->findings[d->nfindings];
	memset(f, 0, sizeof(*f));
	f->message = mxd_strdup(msg);
	f->hint = mxd_strdup(def->hint);
	if (f->message == NULL || f->hint == NULL) {
		mxd_free(f->message);
		mxd_free(f->hint);
		return MXD_ENOMEM;
	}
	(void)snprintf(f->code, sizeof(f->code), "%s", def->code);
	f->severity = def->severity;
	(void)snprintf(f->ref, sizeof(f->ref), "%s", def->ref);
	(void)snprintf(f->host, sizeof(f->host), "%s",
	    host != NULL ? host : "");
	d->nfindings++;
	return 0;
}

/* dane_findings_markdown - docs/findings.md from the table */
int
dane_findings_markdown(struct mxd_buf *out)
{
	static const char *sev[] = { "info", "warning", "critical" };
	size_t	i;
	int	rc;

	rc = mxd_buf_puts(out, "# mxdane check findings\n\n"
	    "Generated by `mxdane check --list-findings` from the table in "
	    "dane/findings.c; do not edit by hand.\n\n"
	    "Every finding has a stable code, a severity, a message naming "
	    "the host, address or record, a hint and a reference. A critical "
	    "finding makes the exit status 2 (CRITICAL), a warning at least "
	    "1 (WARNING); info findings do not change it. In the text report "
	    "info findings are notes under their host; warnings and critical "
	    "findings are listed, critical first, in the findings section.\n"
	    "\n| code | severity | topic |\n|---|---|---|\n");
	for (i = 0; rc == 0 && i < dane_findings_count(); i++) {
		rc = mxd_buf_printf(out, "| [`%s`](#%s) | %s | %s |\n",
		    table[i].code, table[i].code, sev[table[i].severity],
		    table[i].topic);
	}
	for (i = 0; rc == 0 && i < dane_findings_count(); i++) {
		rc = mxd_buf_printf(out, "\n## %s\n\n- severity: %s\n"
		    "- meaning: %s\n- fix: %s\n- reference: %s\n",
		    table[i].code, sev[table[i].severity], table[i].meaning,
		    table[i].hint, table[i].ref[0] != '\0' ? table[i].ref :
		    "-");
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Pure rules                                                          */
/* ------------------------------------------------------------------ */

/* dane_rollover_scheme - current+next, current+issuer, other or none */
enum dane_rollover
dane_rollover_scheme(const struct tlsa_rr *rr, size_t n)
{
	size_t i, ee = 0, ta = 0, usable = 0;

	for (i = 0; rr != NULL && i < n; i++) {
		if (tlsa_rr_usable(&rr[i]) != TLSA_USABLE) {
			continue;
		}
		usable++;
		if (rr[i].usage == TLSA_USAGE_DANE_EE &&
		    rr[i].selector == TLSA_SEL_SPKI) {
			ee++;
		} else if (rr[i].usage == TLSA_USAGE_DANE_TA) {
			ta++;
		}
	}
	if (usable < 2) {
		return DANE_ROLL_NONE;
	}
	if (ee >= 1 && ta >= 1) {
		return DANE_ROLL_CURRENT_ISSUER;
	}
	if (ee >= 2 && ee == usable) {
		return DANE_ROLL_CURRENT_NEXT;
	}
	return DANE_ROLL_OTHER;
}

/* dane_rollover_str - the scheme's name */
const char *
dane_rollover_str(enum dane_rollover r)
{
	switch (r) {
	case DANE_ROLL_CURRENT_NEXT:
		return "current+next";
	case DANE_ROLL_CURRENT_ISSUER:
		return "current+issuer";
	case DANE_ROLL_OTHER:
		return "other";
	case DANE_ROLL_NONE:
		break;
	}
	return "none";
}

/* dane_rr_matches_cert - compare a record with a certificate's digests */
int
dane_rr_matches_cert(const struct tlsa_rr *rr, const struct report_cert *c)
{
	const char	*hex;
	char		 want[129];

	if (rr->mtype == TLSA_MTYPE_SHA256 && rr->len == 32) {
		hex = rr->selector == TLSA_SEL_SPKI ? c->spki_sha256 :
		    c->cert_sha256;
	} else if (rr->mtype == TLSA_MTYPE_SHA512 && rr->len == 64) {
		hex = rr->selector == TLSA_SEL_SPKI ? c->spki_sha512 :
		    c->cert_sha512;
	} else {
		return -1;
	}
	if (rr->selector > TLSA_SEL_SPKI || hex[0] == '\0') {
		return -1;
	}
	mxd_hex_encode(rr->data, rr->len, want);
	return strcmp(want, hex) == 0;
}

/* dane_hosts_share_key - the same leaf key, or the same TLSA RRset */
int
dane_hosts_share_key(const struct report_mx *a, const struct report_mx *b)
{
	size_t i, k;

	for (i = 0; i < a->naddrs; i++) {
		for (k = 0; k < b->naddrs; k++) {
			const struct report_addr *x = &a->addrs[i];
			const struct report_addr *y = &b->addrs[k];

			if (x->nchain > 0 && y->nchain > 0 &&
			    x->chain[0].spki_sha256[0] != '\0' &&
			    strcmp(x->chain[0].spki_sha256,
			    y->chain[0].spki_sha256) == 0) {
				return 1;
			}
		}
	}
	if (a->ntlsa == 0 || a->ntlsa != b->ntlsa) {
		return 0;
	}
	for (i = 0; i < a->ntlsa; i++) {
		for (k = 0; k < b->ntlsa; k++) {
			if (tlsa_rr_cmp(&a->tlsa[i], &b->tlsa[k]) == 0) {
				break;
			}
		}
		if (k == b->ntlsa) {
			return 0;
		}
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Analysis of a filled model                                          */
/* ------------------------------------------------------------------ */

/* has_records - the host has a secure TLSA RRset (usable or not) */
static int
has_records(const struct report_mx *mx)
{
	return mx->tlsa_state == REPORT_TLSA_USABLE ||
	    mx->tlsa_state == REPORT_TLSA_UNUSABLE;
}

/* short_hex - head...tail of a long hex string */
static void
short_hex(const char *hex, char *out, size_t outsz)
{
	size_t n = strlen(hex);

	if (n <= 16) {
		(void)snprintf(out, outsz, "%s", hex);
	} else {
		(void)snprintf(out, outsz, "%.8s...%s", hex, hex + n - 8);
	}
}

/* host_records - rollover, TTL and the records one by one */
static void
host_records(struct report_domain *d, struct report_mx *mx)
{
	enum dane_rollover	 scheme;
	size_t			 i, usable = 0, pkix = 0, sel0 = 0;
	char			*txt;

	for (i = 0; i < mx->ntlsa; i++) {
		enum tlsa_unusable why = tlsa_rr_usable(&mx->tlsa[i]);

		if (why == TLSA_USABLE) {
			usable++;
			sel0 += mx->tlsa[i].selector == TLSA_SEL_CERT;
			continue;
		}
		if (why == TLSA_UNUSABLE_PKIX) {
			pkix++;
			continue;
		}
		txt = tlsa_rr_format(&mx->tlsa[i]);
		(void)dane_finding_add(d, "tlsa-malformed", mx->host,
		    "TLSA %.24s%s at %s is unusable: %s",
		    txt != NULL ? txt : "?", txt != NULL && strlen(txt) > 24 ?
		    "..." : "", mx->tlsa_owner, tlsa_unusable_str(why));
		mxd_free(txt);
	}
	if (pkix > 0) {
		(void)dane_finding_add(d, "tlsa-pkix-usage", mx->host,
		    "%zu TLSA records at %s have usage 0 or 1, which SMTP "
		    "clients ignore%s", pkix, mx->tlsa_owner, usable == 0 ?
		    "; with no usable record senders only encrypt" : "");
	}
	if (sel0 > 0) {
		(void)dane_finding_add(d, "tlsa-selector-0", mx->host,
		    "%zu usable TLSA records at %s have selector 0 (full "
		    "certificate)", sel0, mx->tlsa_owner);
	}
	scheme = dane_rollover_scheme(mx->tlsa, mx->ntlsa);
	(void)snprintf(mx->rollover, sizeof(mx->rollover), "%s",
	    dane_rollover_str(scheme));
	/* The scheme itself is not a finding: it is the host's
	 * "rollover" field, in the report's TLSA line and in JSON. */
	if (usable == 1) {
		(void)dane_finding_add(d, "no-rollover-record", mx->host,
		    "the TLSA RRset at %s has a single usable record: no "
		    "rollover record", mx->tlsa_owner);
	}
	if (mx->tlsa_ttl != 0 && (mx->tlsa_ttl < DANE_TTL_MIN ||
	    mx->tlsa_ttl > DANE_TTL_MAX)) {
		(void)dane_finding_add(d, "tlsa-ttl", mx->host,
		    "the TLSA RRset at %s has a TTL of %u s, outside "
		    "%u-%u s", mx->tlsa_owner, (unsigned)mx->tlsa_ttl,
		    DANE_TTL_MIN, DANE_TTL_MAX);
	}
}

/* group_matches - does any record of one group match the chain? */
static int
group_matches(const struct report_mx *mx, const struct report_addr *a,
    unsigned u, unsigned s, unsigned m)
{
	size_t	i, k;
	int	unknown = 0;

	for (i = 0; i < mx->ntlsa; i++) {
		const struct tlsa_rr *rr = &mx->tlsa[i];

		if (rr->usage != u || rr->selector != s || rr->mtype != m ||
		    tlsa_rr_usable(rr) != TLSA_USABLE) {
			continue;
		}
		/* DANE-EE: the leaf; DANE-TA: a certificate above it. */
		for (k = u == TLSA_USAGE_DANE_EE ? 0 : 1;
		    k < a->nchain && (u != TLSA_USAGE_DANE_EE || k == 0);
		    k++) {
			int r = dane_rr_matches_cert(rr, &a->chain[k]);

			if (r == 1) {
				return 1;
			}
			unknown |= r < 0;
		}
	}
	return unknown ? -1 : 0;
}

/* host_groups - RFC 7671 §8 per group, §9 digest agility, DANE-TA chain */
static void
host_groups(struct report_domain *d, const struct report_mx *mx)
{
	enum dane_rollover	scheme = dane_rollover_scheme(mx->tlsa,
				    mx->ntlsa);
	size_t			i, ai;

	for (ai = 0; ai < mx->naddrs; ai++) {
		const struct report_addr *a = &mx->addrs[ai];
		int ta_match = 0, any_match = 0;

		if (!a->tls || a->nchain == 0) {
			continue;
		}
		for (i = 0; i < mx->ntlsa; i++) {
			const struct tlsa_rr *rr = &mx->tlsa[i];

			if (rr->usage == TLSA_USAGE_DANE_TA &&
			    group_matches(mx, a, rr->usage, rr->selector,
			    rr->mtype) == 1) {
				ta_match = 1;
			}
			if (tlsa_rr_usable(rr) == TLSA_USABLE &&
			    group_matches(mx, a, rr->usage, rr->selector,
			    rr->mtype) == 1) {
				any_match = 1;
			}
		}
		for (i = 0; i < mx->ntlsa; i++) {
			const struct tlsa_rr	*rr = &mx->tlsa[i];
			size_t			 k;
			int			 seen = 0, m;

			if (tlsa_rr_usable(rr) != TLSA_USABLE) {
				continue;
			}
			for (k = 0; k < i; k++) {
				seen |= mx->tlsa[k].usage == rr->usage &&
				    mx->tlsa[k].selector == rr->selector &&
				    mx->tlsa[k].mtype == rr->mtype;
			}
			if (seen) {
				continue;	/* one verdict per group */
			}
			m = group_matches(mx, a, rr->usage, rr->selector,
			    rr->mtype);
			if (m != 0) {
				continue;
			}
			/* RFC 7671 §9: SHA2-512 that matches nothing next
			 * to SHA2-256 that matches hides it. */
			if (rr->mtype == TLSA_MTYPE_SHA512 &&
			    group_matches(mx, a, rr->usage, rr->selector,
			    TLSA_MTYPE_SHA256) == 1) {
				(void)dane_finding_add(d,
				    "tlsa-digest-agility", mx->host,
				    "at %s the %u %u 2 (SHA2-512) records "
				    "match nothing %s presents, but the "
				    "%u %u 1 (SHA2-256) ones match: clients "
				    "with digest agility fail", mx->tlsa_owner,
				    rr->usage, rr->selector, a->address,
				    rr->usage, rr->selector);
				continue;
			}
			if (rr->usage == TLSA_USAGE_DANE_TA && !ta_match) {
				(void)dane_finding_add(d,
				    "dane-ta-chain-missing", mx->host,
				    "the %u %u %u records at %s match no "
				    "certificate %s sends (%zu in its chain)",
				    rr->usage, rr->selector, rr->mtype,
				    mx->tlsa_owner, a->address, a->nchain);
				continue;
			}
			if (rr->usage == TLSA_USAGE_DANE_EE &&
			    scheme == DANE_ROLL_CURRENT_ISSUER && ta_match) {
				(void)dane_finding_add(d,
				    "tlsa-leaf-group-mismatch", mx->host,
				    "the %u %u %u records at %s match no key "
				    "%s presents; the issuer record does",
				    rr->usage, rr->selector, rr->mtype,
				    mx->tlsa_owner, a->address);
				continue;
			}
			if (any_match) {
				(void)dane_finding_add(d,
				    "tlsa-group-mismatch", mx->host,
				    "the %u %u %u records at %s match nothing "
				    "%s presents, while another group does",
				    rr->usage, rr->selector, rr->mtype,
				    mx->tlsa_owner, a->address);
			} else {
				char leaf[24];

				short_hex(a->chain[0].spki_sha256, leaf,
				    sizeof(leaf));
				(void)dane_finding_add(d,
				    "tlsa-group-mismatch", mx->host,
				    "the %u %u %u records at %s match nothing "
				    "%s presents (leaf key SHA2-256 %s)",
				    rr->usage, rr->selector, rr->mtype,
				    mx->tlsa_owner, a->address, leaf);
			}
		}
	}
}

/* host_tls - STARTTLS and TLS versions */
static void
host_tls(struct report_domain *d, const struct report_mx *mx)
{
	size_t i;

	for (i = 0; i < mx->naddrs; i++) {
		const struct report_addr *a = &mx->addrs[i];

		if (!a->connected) {
			continue;
		}
		if (has_records(mx) && a->banner[0] != '\0' &&
		    !a->starttls && !a->tls && strstr(a->error,
		    "STARTTLS not offered") != NULL) {
			(void)dane_finding_add(d, "starttls-missing", mx->host,
			    "%s does not offer STARTTLS, yet %s has TLSA "
			    "records", a->address, mx->tlsa_owner);
			continue;
		}
		if (a->starttls && !a->tls && a->legacy_version[0] != '\0') {
			/* The TLS 1.0/1.1 handshake of the findings worked
			 * where the TLS 1.2+ one failed. */
			(void)dane_finding_add(d, "tls-no-modern", mx->host,
			    "%s accepts neither TLS 1.2 nor TLS 1.3, only "
			    "%.16s", a->address, a->legacy_version);
			continue;
		}
		if (has_records(mx) && a->starttls && !a->tls) {
			(void)dane_finding_add(d, "starttls-refused", mx->host,
			    "%s offers STARTTLS but TLS does not start: "
			    "%.120s", a->address, a->error);
			continue;
		}
		if (a->tls && (strcmp(a->tls_version, "TLSv1") == 0 ||
		    strcmp(a->tls_version, "TLSv1.1") == 0)) {
			(void)dane_finding_add(d, "tls-legacy-accepted",
			    mx->host, "%s negotiated %s (%s)", a->address,
			    a->tls_version, a->cipher);
		} else if (a->tls && a->legacy_version[0] != '\0') {
			(void)dane_finding_add(d, "tls-legacy-accepted",
			    mx->host, "%s still accepts %.16s (it negotiates "
			    "%.16s %.64s by default)", a->address,
			    a->legacy_version, a->tls_version, a->cipher);
		}
		if ((a->rsa_dane == REPORT_ADDR_PASS &&
		    a->ecdsa_dane == REPORT_ADDR_FAIL) ||
		    (a->rsa_dane == REPORT_ADDR_FAIL &&
		    a->ecdsa_dane == REPORT_ADDR_PASS)) {
			(void)dane_finding_add(d, "key-alg-mismatch",
			    mx->host, "%s presents an RSA and an ECDSA key; "
			    "the TLSA records at %s match only the %s one",
			    a->address, mx->tlsa_owner,
			    a->rsa_dane == REPORT_ADDR_PASS ? "RSA" : "ECDSA");
		}
	}
}

/* host_certs - certificate dates (DANE-TA, DANE-EE) and RSA sizes */
static void
host_certs(struct report_domain *d, const struct report_mx *mx, time_t now)
{
	size_t	i, k;
	int	ta = 0, ee = 0;

	for (i = 0; i < mx->ntlsa; i++) {
		if (tlsa_rr_usable(&mx->tlsa[i]) != TLSA_USABLE) {
			continue;
		}
		ta |= mx->tlsa[i].usage == TLSA_USAGE_DANE_TA;
		ee |= mx->tlsa[i].usage == TLSA_USAGE_DANE_EE;
	}
	for (i = 0; i < mx->naddrs; i++) {
		const struct report_addr *a = &mx->addrs[i];

		for (k = 0; k < a->nchain; k++) {
			const struct report_cert	*c = &a->chain[k];
			long				 days;

			if ((strcmp(c->key_alg, "RSA") == 0 ||
			    strcmp(c->key_alg, "RSA-PSS") == 0) &&
			    c->key_bits > 0 && c->key_bits < RSA_MIN_BITS) {
				(void)dane_finding_add(d, "cert-rsa-small",
				    mx->host, "%s presents a certificate "
				    "with a %d-bit RSA key (%.120s): "
				    "senders at OpenSSL security level 2 "
				    "refuse it", a->address, c->key_bits,
				    c->subject);
			}
			if (c->not_after == 0) {
				continue;
			}
			days = (long)((c->not_after - now) / DAY);
			if (ta && c->not_after <= now) {
				(void)dane_finding_add(d, "cert-ta-expired",
				    mx->host, "%s presents %s certificate "
				    "%.120s, expired %ld days ago",
				    a->address, k == 0 ? "leaf" : "issuer",
				    c->subject, -days);
			} else if (ta && days < TA_WARN_DAYS) {
				(void)dane_finding_add(d, "cert-ta-expiring",
				    mx->host, "%s presents %s certificate "
				    "%.120s, which expires in %ld days",
				    a->address, k == 0 ? "leaf" : "issuer",
				    c->subject, days);
			} else if (!ta && ee && k == 0 &&
			    days < TA_WARN_DAYS) {
				(void)dane_finding_add(d, "cert-ee-expiry",
				    mx->host, "%s presents a leaf certificate "
				    "that %s %ld days; DANE-EE senders do not "
				    "mind, others may", a->address,
				    c->not_after <= now ? "expired" :
				    "expires in", c->not_after <= now ? -days :
				    days);
			}
		}
	}
}

/* host_dnssec - an unsigned or bogus host, and an MX through a CNAME */
static void
host_dnssec(struct report_domain *d, const struct report_mx *mx)
{
	if (mx->cname[0] != '\0') {
		(void)dane_finding_add(d, "mx-cname", mx->host,
		    "the MX host %s is a CNAME to %s; TLSA base domain: %s",
		    mx->host, mx->cname, mx->base_domain[0] != '\0' ?
		    mx->base_domain : "none (DANE does not apply)");
	}
	if (d->mx_sec == REPORT_SEC_SECURE &&
	    mx->addr_sec == REPORT_SEC_INSECURE) {
		(void)dane_finding_add(d, "dnssec-host-unsigned", mx->host,
		    "the addresses of %s are not DNSSEC-signed: DANE does not "
		    "apply to it", mx->host);
	}
	if (mx->addr_sec == REPORT_SEC_BOGUS ||
	    mx->tlsa_sec == REPORT_SEC_BOGUS) {
		(void)dane_finding_add(d, "dnssec-bogus", mx->host, "%.300s",
		    mx->error[0] != '\0' ? mx->error : "validation failed");
	}
}

/* domain_shared - every MX host with the same key or TLSA RRset */
static void
domain_shared(struct report_domain *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->nmx; i++) {
		if (has_records(&d->mx[i])) {
			n++;
		}
	}
	if (n < 2 || n != d->nmx) {
		return;
	}
	for (i = 1; i < d->nmx; i++) {
		if (!dane_hosts_share_key(&d->mx[0], &d->mx[i])) {
			return;
		}
	}
	(void)dane_finding_add(d, "shared-key", NULL, "all %zu MX hosts of "
	    "%s present the same key or publish the same TLSA RRset",
	    d->nmx, d->domain);
}

/* dane_findings_analyse - every finding the model alone shows */
void
dane_findings_analyse(struct report_domain *d, time_t now)
{
	size_t i;

	if (d == NULL) {
		return;
	}
	if (d->mx_sec == REPORT_SEC_BOGUS) {
		(void)dane_finding_add(d, "dnssec-bogus", NULL, "%.300s",
		    d->error[0] != '\0' ? d->error : "the MX lookup is bogus");
	} else if (d->mx_sec == REPORT_SEC_INSECURE) {
		(void)dane_finding_add(d, "dnssec-domain-unsigned", NULL,
		    "the MX records of %s are not DNSSEC-signed: DANE does "
		    "not apply to the domain", d->domain);
	}
	for (i = 0; i < d->nmx; i++) {
		struct report_mx *mx = &d->mx[i];

		host_dnssec(d, mx);
		if (has_records(mx)) {
			host_records(d, mx);
			host_groups(d, mx);
			host_certs(d, mx, now);
		}
		host_tls(d, mx);
	}
	domain_shared(d);
}
