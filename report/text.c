/*
 * text.c - the operator's report of one domain, read top-down: the
 * domain's verdict and what senders do, then per MX host its DNSSEC
 * status, TLSA base domain and records (with their usability), and one
 * line per address with its verdict, TLS version and what matched at
 * which depth, or the reason in words; findings last.
 *
 * Colour (ANSI) only when the caller asks for it; the CLI asks only on a
 * terminal without NO_COLOR. Strings that came from the network are
 * sanitised by whoever filled the model; lengths are capped here again.
 */
#include <stdio.h>
#include <string.h>

#include "common/mxd.h"
#include "report/model.h"
#include "report/report.h"
#include "tlsa/tlsa.h"

#define C_RED		"\033[31m"
#define C_GREEN		"\033[32m"
#define C_YELLOW	"\033[33m"
#define C_BOLD		"\033[1m"
#define C_OFF		"\033[0m"

struct out {
	struct mxd_buf	*b;
	int		 color;
	int		 rc;
};

static void	put(struct out *o, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static const char *paint(const struct out *o, const char *c);
static const char *dane_color(enum report_dane v);
static const char *addr_color(enum report_addr_dane v);
static const char *dane_words(const struct report_domain *d);
static void	text_mx(struct out *o, const struct report_domain *d,
		    const struct report_mx *mx);
static void	text_tlsa(struct out *o, const struct report_mx *mx);
static void	text_addr(struct out *o, const struct report_mx *mx,
		    const struct report_addr *a);
static void	hex_short(const uint8_t *data, size_t len, char *out,
		    size_t outsz);
static void	matched_short(const char *matched, char *out, size_t outsz);
static const char *clean(const char *in, char *out, size_t outsz);
static void	text_notes(struct out *o, const struct report_domain *d,
		    const char *host, const char *indent);
static void	text_group(struct out *o, const struct report_domain *d,
		    enum report_severity sev, const char *host);
static void	text_findings(struct out *o, const struct report_domain *d);
static int	seen_before(const struct report_domain *d, size_t i,
		    enum report_severity sev);

/* put - append formatted text; the first error sticks */
static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->rc != 0) {
		return;
	}
	va_start(ap, fmt);
	o->rc = mxd_buf_vprintf(o->b, fmt, ap);
	va_end(ap);
}

/* paint - an escape sequence, or "" without colour */
static const char *
paint(const struct out *o, const char *c)
{
	return o->color ? c : "";
}

/* dane_color - colour of a domain verdict */
static const char *
dane_color(enum report_dane v)
{
	switch (v) {
	case REPORT_DANE_VERIFIED:
		return C_GREEN;
	case REPORT_DANE_FAILED:
	case REPORT_DANE_BOGUS:
		return C_RED;
	case REPORT_DANE_PARTIAL:
	case REPORT_DANE_UNUSABLE:
	case REPORT_DANE_NONE:
		break;
	}
	return C_YELLOW;
}

/* addr_color - colour of an address verdict */
static const char *
addr_color(enum report_addr_dane v)
{
	switch (v) {
	case REPORT_ADDR_PASS:
		return C_GREEN;
	case REPORT_ADDR_FAIL:
		return C_RED;
	case REPORT_ADDR_UNUSABLE:
		return C_YELLOW;
	case REPORT_ADDR_NONE:
		break;
	}
	return "";
}

/* dane_words - the domain verdict in one sentence (DESIGN.md) */
static const char *
dane_words(const struct report_domain *d)
{
	switch (d->dane) {
	case REPORT_DANE_VERIFIED:
		return "every MX host has usable TLSA records and every "
		    "address authenticates";
	case REPORT_DANE_PARTIAL:
		return "some MX hosts have no TLSA records; all that have "
		    "them authenticate";
	case REPORT_DANE_FAILED:
		return "an address of an MX host with usable TLSA records "
		    "does not authenticate";
	case REPORT_DANE_UNUSABLE:
		return "TLSA records exist but none is usable: senders "
		    "require TLS without authentication";
	case REPORT_DANE_BOGUS:
		return "DNSSEC validation of a needed answer failed: "
		    "senders defer";
	case REPORT_DANE_NONE:
		break;
	}
	if (d->null_mx) {
		return "the domain accepts no mail (null MX, RFC 7505)";
	}
	if (d->mx_sec == REPORT_SEC_INSECURE) {
		return "the MX records are not DNSSEC-signed: DANE does not "
		    "apply (RFC 7672 §2.2.1)";
	}
	return "DANE does not apply: no MX host has secure TLSA records";
}

/* report_text - the whole report of one domain */
int
report_text(const struct report_domain *d, int color, struct mxd_buf *out)
{
	struct out	o = { out, color, 0 };
	char		tmp[600];
	size_t		i;

	if (d == NULL || out == NULL) {
		return MXD_EINVAL;
	}
	put(&o, "%s%.255s%s: DANE %s%s%s (%s)\n", paint(&o, C_BOLD),
	    d->domain, paint(&o, C_OFF), paint(&o, dane_color(d->dane)),
	    report_dane_str(d->dane), paint(&o, C_OFF),
	    report_status_str(d->status));
	put(&o, "  %s\n", dane_words(d));
	if (d->input[0] != '\0' && strcmp(d->input, d->domain) != 0) {
		put(&o, "  given as: %.255s\n", d->input);
	}
	if (d->mx_cname[0] != '\0') {
		put(&o, "  CNAME: %.255s -> %.255s\n", d->domain, d->mx_cname);
	}
	if (d->null_mx) {
		put(&o, "  MX: null MX (%s)\n", report_sec_str(d->mx_sec));
	} else if (d->implicit_mx) {
		put(&o, "  MX: none (%s); the domain itself is the mail host\n",
		    report_sec_str(d->mx_sec));
	} else if (d->mx_sec != REPORT_SEC_UNKNOWN) {
		put(&o, "  MX records: %s\n", report_sec_str(d->mx_sec));
	}
	if (d->error[0] != '\0') {
		put(&o, "  error: %s\n", clean(d->error, tmp, sizeof(tmp)));
	}
	text_notes(&o, d, "", "  ");
	for (i = 0; i < d->nmx; i++) {
		text_mx(&o, d, &d->mx[i]);
	}
	text_findings(&o, d);
	return o.rc;
}

/* text_notes - the info findings of one host ("" the domain) */
static void
text_notes(struct out *o, const struct report_domain *d, const char *host,
    const char *indent)
{
	char	tmp[600];
	size_t	i;

	for (i = 0; i < d->nfindings; i++) {
		const struct report_finding *f = &d->findings[i];

		if (f->severity != REPORT_SEV_INFO ||
		    strcmp(f->host, host) != 0) {
			continue;
		}
		put(o, "%snote %.48s: %s\n", indent, f->code, clean(
		    f->message != NULL ? f->message : "", tmp, sizeof(tmp)));
	}
}

/* text_group - one severity's findings about one host ("" the domain) */
static void
text_group(struct out *o, const struct report_domain *d,
    enum report_severity sev, const char *host)
{
	char	tmp[600], tmp2[600];
	size_t	i;
	int	head = 0;

	for (i = 0; i < d->nfindings; i++) {
		const struct report_finding *f = &d->findings[i];

		if (f->severity != sev || strcmp(f->host, host) != 0) {
			continue;
		}
		if (!head) {
			put(o, "    %s%s%s, %.255s:\n", paint(o,
			    sev == REPORT_SEV_CRITICAL ? C_RED : C_YELLOW),
			    report_severity_str(sev), paint(o, C_OFF),
			    host[0] != '\0' ? host : d->domain);
			head = 1;
		}
		put(o, "      %.48s: %s", f->code, clean(f->message != NULL ?
		    f->message : "", tmp, sizeof(tmp)));
		if (f->ref[0] != '\0') {
			put(o, " (%.64s)", f->ref);
		}
		put(o, "\n");
		if (f->hint != NULL) {
			put(o, "        hint: %s\n", clean(f->hint, tmp2,
			    sizeof(tmp2)));
		}
	}
}

/* text_findings - critical first, then warnings, each under its host */
static void
text_findings(struct out *o, const struct report_domain *d)
{
	static const enum report_severity order[] = {
		REPORT_SEV_CRITICAL, REPORT_SEV_WARNING,
	};
	size_t i, k, n = 0;

	for (i = 0; i < d->nfindings; i++) {
		n += d->findings[i].severity != REPORT_SEV_INFO;
	}
	if (n == 0) {
		return;			/* no problems: no section */
	}
	put(o, "\n  findings:\n");
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		text_group(o, d, order[k], "");
		for (i = 0; i < d->nmx; i++) {
			text_group(o, d, order[k], d->mx[i].host);
		}
		/* A host that is not among the MX hosts (cannot happen
		 * from the engine, but the model allows it). */
		for (i = 0; i < d->nfindings; i++) {
			const struct report_finding *f = &d->findings[i];
			size_t m;

			if (f->severity != order[k] || f->host[0] == '\0') {
				continue;
			}
			for (m = 0; m < d->nmx &&
			    strcmp(d->mx[m].host, f->host) != 0; m++) {
				continue;
			}
			if (m == d->nmx && !seen_before(d, i, order[k])) {
				text_group(o, d, order[k], f->host);
			}
		}
	}
}

/* seen_before - an earlier finding of this severity has the same host */
static int
seen_before(const struct report_domain *d, size_t i,
    enum report_severity sev)
{
	size_t k;

	for (k = 0; k < i; k++) {
		if (d->findings[k].severity == sev &&
		    strcmp(d->findings[k].host, d->findings[i].host) == 0) {
			return 1;
		}
	}
	return 0;
}

/* text_mx - one MX host block */
static void
text_mx(struct out *o, const struct report_domain *d,
    const struct report_mx *mx)
{
	size_t i;

	put(o, "\n");
	if (mx->preference >= 0) {
		put(o, "  MX %d %s%.255s%s", mx->preference, paint(o, C_BOLD),
		    mx->host, paint(o, C_OFF));
	} else {
		put(o, "  host %s%.255s%s", paint(o, C_BOLD), mx->host,
		    paint(o, C_OFF));
	}
	put(o, ": addresses %s, sender: %s\n", report_sec_str(mx->addr_sec),
	    report_action_str(mx->action));
	if (mx->cname[0] != '\0') {
		put(o, "    CNAME: %.255s -> %.255s\n", mx->host, mx->cname);
	}
	if (mx->error[0] != '\0') {
		char tmp[300];

		put(o, "    error: %s\n", clean(mx->error, tmp, sizeof(tmp)));
	}
	text_tlsa(o, mx);
	for (i = 0; i < mx->naddrs; i++) {
		text_addr(o, mx, &mx->addrs[i]);
	}
	text_notes(o, d, mx->host, "    ");
}

/* text_tlsa - the TLSA base domain and records of one MX host */
static void
text_tlsa(struct out *o, const struct report_mx *mx)
{
	size_t i;

	switch (mx->tlsa_state) {
	case REPORT_TLSA_NOT_LOOKED:
		if (mx->naddrs > 0) {
			put(o, "    TLSA: not looked up: the address records "
			    "are not secure, DANE does not apply\n");
		}
		return;
	case REPORT_TLSA_NONE:
		put(o, "    TLSA %.255s: none (%s)\n", mx->tlsa_owner,
		    mx->tlsa_sec == REPORT_SEC_SECURE ? "secure denial" :
		    report_sec_str(mx->tlsa_sec));
		return;
	case REPORT_TLSA_ERROR:
		put(o, "    TLSA %.255s: lookup failed (%s): senders defer\n",
		    mx->tlsa_owner[0] != '\0' ? mx->tlsa_owner : "-",
		    report_sec_str(mx->tlsa_sec));
		return;
	case REPORT_TLSA_USABLE:
	case REPORT_TLSA_UNUSABLE:
		break;
	}
	put(o, "    TLSA %.255s (%s, TTL %u), base domain %.255s%s%.16s:\n",
	    mx->tlsa_owner[0] != '\0' ? mx->tlsa_owner : "-",
	    report_sec_str(mx->tlsa_sec), (unsigned)mx->tlsa_ttl,
	    mx->base_domain, mx->rollover[0] != '\0' ? ", rollover " : "",
	    mx->rollover);
	for (i = 0; i < mx->ntlsa; i++) {
		const struct tlsa_rr	*rr = &mx->tlsa[i];
		enum tlsa_unusable	 why = tlsa_rr_usable(rr);
		char			 abbr[40];

		hex_short(rr->data, rr->len, abbr, sizeof(abbr));
		put(o, "      %u %u %u %s  ", rr->usage, rr->selector,
		    rr->mtype, abbr);
		if (why == TLSA_USABLE) {
			put(o, "usable\n");
		} else {
			put(o, "%sunusable%s: %s\n", paint(o, C_YELLOW),
			    paint(o, C_OFF), tlsa_unusable_str(why));
		}
	}
}

/* text_addr - one line (two with a reason) per address */
static void
text_addr(struct out *o, const struct report_mx *mx,
    const struct report_addr *a)
{
	const char	*c = addr_color(a->dane);
	char		 line[512], tmp[300];
	size_t		 n, w = 0, i;
	int		 len;

	for (i = 0; i < mx->naddrs; i++) {
		n = strnlen(mx->addrs[i].address, REPORT_ADDR_MAX);
		w = n > w ? n : w;
	}
	len = snprintf(line, sizeof(line), "    %-*.*s %s%-8s%s", (int)w,
	    REPORT_ADDR_MAX, a->address, paint(o, c),
	    report_addr_dane_str(a->dane), o->color && c[0] != '\0' ?
	    C_OFF : "");
	n = len > 0 ? (size_t)len : 0;
	if (a->tls) {
		int legacy = strcmp(a->tls_version, "TLSv1") == 0 ||
		    strcmp(a->tls_version, "TLSv1.1") == 0;

		n += (size_t)snprintf(line + n, sizeof(line) - n, " %.16s%s%s"
		    "%.64s", a->tls_version, legacy ? " (legacy, RFC 8996)" :
		    "", a->cipher[0] != '\0' ? " " : "", a->cipher);
	} else if (a->connected && !a->starttls) {
		n += (size_t)snprintf(line + n, sizeof(line) - n,
		    " no STARTTLS");
	}
	if (n < sizeof(line) && a->matched[0] != '\0') {
		matched_short(a->matched, tmp, sizeof(tmp));
		n += (size_t)snprintf(line + n, sizeof(line) - n,
		    ", matched %s at depth %d", tmp, a->depth);
	}
	n = strnlen(line, sizeof(line));
	while (n > 0 && line[n - 1] == ' ') {
		line[--n] = '\0';
	}
	put(o, "%s\n", line);
	if (a->error[0] != '\0') {
		put(o, "      %s\n", clean(a->error, tmp, sizeof(tmp)));
	}
}

/* hex_short - "29c8601c...b461d084" for long data, all of short data */
static void
hex_short(const uint8_t *data, size_t len, char *out, size_t outsz)
{
	char head[17], tail[17];

	if (len <= 8) {
		char full[17];

		mxd_hex_encode(data, len, full);
		(void)snprintf(out, outsz, "%s", full);
		return;
	}
	mxd_hex_encode(data, 4, head);
	mxd_hex_encode(data + len - 4, 4, tail);
	(void)snprintf(out, outsz, "%s...%s", head, tail);
}

/* matched_short - "3 1 1 29c8601c...b461d084" from the full text form */
static void
matched_short(const char *matched, char *out, size_t outsz)
{
	const char	*p = matched;
	char		 abbr[40];
	int		 spaces = 0;

	while (*p != '\0' && spaces < 3) {
		if (*p++ == ' ') {
			spaces++;
		}
	}
	if (spaces < 3) {
		(void)mxd_sanitize(matched, strlen(matched), out, outsz);
		return;
	}
	(void)mxd_hex_abbrev(p, 8, abbr, sizeof(abbr));
	(void)snprintf(out, outsz, "%.*s%s", (int)(p - matched), matched,
	    abbr);
}

/* clean - for display: control bytes and broken UTF-8 become '?' */
static const char *
clean(const char *in, char *out, size_t outsz)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 o = 0, n, k;

	while (*p != '\0' && o + 5 < outsz) {
		n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 :
		    (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		for (k = 1; k < n; k++) {
			if ((p[k] & 0xc0) != 0x80) {
				n = 0;		/* truncated sequence */
				break;
			}
		}
		if (n == 2 && *p < 0xc2) {
			n = 0;			/* overlong */
		}
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
			out[o++] = '?';
			p++;
			continue;
		}
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
	return out;
}
