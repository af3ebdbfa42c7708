/*
 * json.c - the `check --json` line of one domain (DESIGN.md "check --json
 * contract"): every contract field, with the contract's names and values,
 * and more fields beside them (base domain, TLSA owner and state, chain,
 * timings). Absent values are null, never "". Built with jansson.
 *
 * jansson refuses strings that are not UTF-8; names and messages from
 * the network are sanitised to ASCII before they are handed to it.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/mxd.h"
#include "report/model.h"
#include "report/report.h"
#include "tlsa/tlsa.h"

static json_t	*jstr(const char *s);
static json_t	*jstr_or_null(const char *s);
static json_t	*jtime(time_t t);
static json_t	*json_mx(const struct report_mx *mx);
static json_t	*json_addr(const struct report_addr *a);
static json_t	*json_cert(const struct report_cert *c);
static json_t	*json_finding(const struct report_finding *f);
static const char *tlsa_state_str(enum report_tlsa_state s);
static const char *action_str(enum report_action a);

/* jstr - a JSON string; bytes that are not UTF-8 become '?' */
static json_t *
jstr(const char *s)
{
	json_t	*j;
	char	 clean[1024];

	j = json_string(s);
	if (j != NULL) {
		return j;
	}
	(void)mxd_sanitize(s, strlen(s), clean, sizeof(clean));
	return json_string(clean);
}

/* jstr_or_null - null for an empty string */
static json_t *
jstr_or_null(const char *s)
{
	return s == NULL || s[0] == '\0' ? json_null() : jstr(s);
}

/* jtime - RFC 3339 UTC time, or null */
static json_t *
jtime(time_t t)
{
	struct tm	tm;
	char		buf[32];

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		return json_null();
	}
	return json_string(buf);
}

/* tlsa_state_str - stable name of a TLSA lookup outcome */
static const char *
tlsa_state_str(enum report_tlsa_state s)
{
	switch (s) {
	case REPORT_TLSA_NONE:
		return "none";
	case REPORT_TLSA_USABLE:
		return "usable";
	case REPORT_TLSA_UNUSABLE:
		return "unusable";
	case REPORT_TLSA_ERROR:
		return "error";
	case REPORT_TLSA_NOT_LOOKED:
		break;
	}
	return "not-looked-up";
}

/* action_str - stable name of a sender action */
static const char *
action_str(enum report_action a)
{
	switch (a) {
	case REPORT_ACT_DANE:
		return "dane";
	case REPORT_ACT_ENCRYPT:
		return "encrypt";
	case REPORT_ACT_DEFER:
		return "defer";
	case REPORT_ACT_OPPORTUNISTIC:
		break;
	}
	return "opportunistic";
}

/* json_cert - one certificate of a presented chain */
static json_t *
json_cert(const struct report_cert *c)
{
	return json_pack("{s:o s:o s:o s:i s:o s:o s:o s:o}",
	    "subject", jstr(c->subject),
	    "issuer", jstr(c->issuer),
	    "key_alg", jstr(c->key_alg),
	    "key_bits", c->key_bits,
	    "not_before", jtime(c->not_before),
	    "not_after", jtime(c->not_after),
	    "spki_sha256", jstr_or_null(c->spki_sha256),
	    "cert_sha256", jstr_or_null(c->cert_sha256));
}

/* json_addr - one address and its probe */
static json_t *
json_addr(const struct report_addr *a)
{
	json_t *j, *chain;
	size_t i;

	chain = json_array();
	for (i = 0; chain != NULL && i < a->nchain; i++) {
		(void)json_array_append_new(chain, json_cert(&a->chain[i]));
	}
	j = json_pack("{s:o s:i s:b s:b s:b s:o s:o s:o s:s s:o s:o s:o"
	    " s:i s:o s:i s:i s:i}",
	    "address", jstr(a->address),
	    "family", a->family == AF_INET6 ? 6 :
		(a->family == AF_INET ? 4 : 0),
	    "connected", a->connected,
	    "starttls", a->starttls,
	    "tls", a->tls,
	    "banner", jstr_or_null(a->banner),
	    "tls_version", jstr_or_null(a->tls_version),
	    "cipher", jstr_or_null(a->cipher),
	    "dane", report_addr_dane_str(a->dane),
	    "matched", jstr_or_null(a->matched),
	    "depth", a->matched[0] != '\0' && a->depth >= 0 ?
		json_integer(a->depth) : json_null(),
	    "error", jstr_or_null(a->error),
	    "verify_error", a->verify_error,
	    "chain", chain != NULL ? chain : json_null(),
	    "ms_connect", (int)a->ms_connect,
	    "ms_tls", (int)a->ms_tls,
	    "ms_total", (int)a->ms_total);
	if (j != NULL) {
		/* The findings' extra handshakes. */
		(void)json_object_set_new(j, "legacy_tls",
		    jstr_or_null(a->legacy_version));
		(void)json_object_set_new(j, "dane_rsa",
		    json_string(report_addr_dane_str(a->rsa_dane)));
		(void)json_object_set_new(j, "dane_ecdsa",
		    json_string(report_addr_dane_str(a->ecdsa_dane)));
	}
	return j;
}

/* json_mx - one MX host */
static json_t *
json_mx(const struct report_mx *mx)
{
	json_t	*tlsa, *recs, *addrs;
	size_t	 i;

	tlsa = json_array();
	recs = json_array();
	addrs = json_array();
	if (tlsa == NULL || recs == NULL || addrs == NULL) {
		json_decref(tlsa);
		json_decref(recs);
		json_decref(addrs);
		return NULL;
	}
	for (i = 0; i < mx->ntlsa; i++) {
		enum tlsa_unusable	 why = tlsa_rr_usable(&mx->tlsa[i]);
		char			*txt = tlsa_rr_format(&mx->tlsa[i]);

		if (txt == NULL) {
			continue;
		}
		(void)json_array_append_new(tlsa, jstr(txt));
		(void)json_array_append_new(recs, json_pack("{s:o s:b s:o}",
		    "record", jstr(txt), "usable", why == TLSA_USABLE,
		    "reason", why == TLSA_USABLE ? json_null() :
		    jstr(tlsa_unusable_str(why))));
		mxd_free(txt);
	}
	for (i = 0; i < mx->naddrs; i++) {
		(void)json_array_append_new(addrs, json_addr(&mx->addrs[i]));
	}
	return json_pack("{s:o s:i s:s s:o s:o s:s s:s s:o s:i s:o s:o s:o"
	    " s:s s:o s:o}",
	    "host", jstr(mx->host),
	    "preference", mx->preference,
	    "dnssec", report_sec_str(mx->addr_sec),
	    "cname", jstr_or_null(mx->cname),
	    "base_domain", jstr_or_null(mx->base_domain),
	    "tlsa_state", tlsa_state_str(mx->tlsa_state),
	    "tlsa_dnssec", report_sec_str(mx->tlsa_sec),
	    "tlsa_owner", jstr_or_null(mx->tlsa_owner),
	    "tlsa_ttl", (int)mx->tlsa_ttl,
	    "rollover", jstr_or_null(mx->rollover),
	    "tlsa", tlsa,
	    "tlsa_records", recs,
	    "action", action_str(mx->action),
	    "error", jstr_or_null(mx->error),
	    "addresses", addrs);
}

/* json_finding - one finding */
static json_t *
json_finding(const struct report_finding *f)
{
	return json_pack("{s:o s:s s:o s:o s:o s:o}",
	    "code", jstr(f->code),
	    "severity", report_severity_str(f->severity),
	    "message", jstr_or_null(f->message),
	    "hint", jstr_or_null(f->hint),
	    "ref", jstr_or_null(f->ref),
	    "host", jstr_or_null(f->host));
}

/* report_json - one line of JSON for one domain */
int
report_json(const struct report_domain *d, struct mxd_buf *out)
{
	json_t	*j, *mx, *fs;
	char	*s;
	size_t	 i;
	int	 rc;

	if (d == NULL || out == NULL) {
		return MXD_EINVAL;
	}
	mx = json_array();
	fs = json_array();
	if (mx == NULL || fs == NULL) {
		json_decref(mx);
		json_decref(fs);
		return MXD_ENOMEM;
	}
	for (i = 0; i < d->nmx; i++) {
		if (json_array_append_new(mx, json_mx(&d->mx[i])) != 0) {
			json_decref(mx);
			json_decref(fs);
			return MXD_ENOMEM;
		}
	}
	for (i = 0; i < d->nfindings; i++) {
		if (json_array_append_new(fs, json_finding(&d->findings[i])) !=
		    0) {
			json_decref(mx);
			json_decref(fs);
			return MXD_ENOMEM;
		}
	}
	j = json_pack("{s:o s:o s:s s:s s:s s:b s:b s:o s:o s:o s:o}",
	    "domain", jstr(d->domain),
	    "input", jstr_or_null(d->input),
	    "status", report_status_str(d->status),
	    "dane", report_dane_str(d->dane),
	    "mx_dnssec", report_sec_str(d->mx_sec),
	    "null_mx", d->null_mx,
	    "implicit_mx", d->implicit_mx,
	    "cname", jstr_or_null(d->mx_cname),
	    "error", jstr_or_null(d->error),
	    "mx", mx,
	    "findings", fs);
	if (j == NULL) {
		return MXD_ENOMEM;
	}
	s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	if (s == NULL) {
		return MXD_ENOMEM;
	}
	rc = mxd_buf_puts(out, s);
	if (rc == 0) {
		rc = mxd_buf_puts(out, "\n");
	}
	free(s);		/* jansson's own allocation */
	return rc;
}
