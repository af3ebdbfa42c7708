/*
 * report_render - render hand-built result models with report/text.c and
 * report/json.c, for the golden-output tests (tests/cli/report_golden.sh
 * compares the output with .ref files).
 *
 *   report_render list                  the fixture names
 *   report_render text|color|json NAME  one fixture, one renderer
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/mxd.h"
#include "report/model.h"
#include "report/report.h"
#include "tlsa/tlsa.h"

struct fixture {
	const char		*name;
	struct report_domain	*(*build)(void);
};

static struct report_domain	*fx_verified(void);
static struct report_domain	*fx_failed(void);
static struct report_domain	*fx_bogus(void);
static struct report_domain	*fx_insecure_mx(void);
static struct report_domain	*fx_null_mx(void);
static struct report_domain	*fx_hostile(void);

static const struct fixture fixtures[] = {
	{ "verified", fx_verified },
	{ "failed", fx_failed },
	{ "bogus", fx_bogus },
	{ "insecure-mx", fx_insecure_mx },
	{ "null-mx", fx_null_mx },
	{ "hostile", fx_hostile },
	{ NULL, NULL },
};

/* xcalloc - allocation or exit (a test tool) */
static void *
xcalloc(size_t n, size_t size)
{
	void *p = mxd_calloc(n, size);

	if (p == NULL) {
		(void)fputs("report_render: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* set - bounded copy into a fixed field */
static void
set(char *dst, size_t dstsz, const char *src)
{
	(void)snprintf(dst, dstsz, "%s", src);
}
#define SET(field, s)	set((field), sizeof(field), (s))

/* rr - a TLSA record with data bytes 0, 1, 2... of length len */
static void
rr(struct tlsa_rr *r, unsigned u, unsigned s, unsigned m, size_t len,
    unsigned seed)
{
	size_t i;

	r->usage = (uint8_t)u;
	r->selector = (uint8_t)s;
	r->mtype = (uint8_t)m;
	r->len = len;
	r->data = xcalloc(len, 1);
	for (i = 0; i < len; i++) {
		r->data[i] = (uint8_t)(seed + i * 7);
	}
}

/* domain - an empty domain report */
static struct report_domain *
domain(const char *name, enum report_sec mx_sec, size_t nmx)
{
	struct report_domain *d = xcalloc(1, sizeof(*d));

	SET(d->domain, name);
	SET(d->input, name);
	d->mx_sec = mx_sec;
	if (nmx > 0) {
		d->mx = xcalloc(nmx, sizeof(*d->mx));
		d->nmx = nmx;
	}
	return d;
}

/* host - fill an MX host with a secure base domain at the host name */
static void
host(struct report_mx *mx, const char *name, int pref, size_t naddrs)
{
	SET(mx->host, name);
	mx->preference = pref;
	mx->addr_sec = REPORT_SEC_SECURE;
	SET(mx->base_domain, name);
	(void)snprintf(mx->tlsa_owner, sizeof(mx->tlsa_owner), "_25._tcp.%s",
	    name);
	mx->tlsa_sec = REPORT_SEC_SECURE;
	mx->tlsa_ttl = 3600;
	if (naddrs > 0) {
		mx->addrs = xcalloc(naddrs, sizeof(*mx->addrs));
		mx->naddrs = naddrs;
	}
}

/* addr - a probed address that completed TLS */
static void
addr(struct report_addr *a, const char *ip, enum report_addr_dane v,
    const char *version)
{
	SET(a->address, ip);
	a->family = strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;
	a->connected = 1;
	a->starttls = 1;
	a->tls = 1;
	SET(a->banner, "220 mx.test ESMTP");
	SET(a->tls_version, version);
	SET(a->cipher, "TLS_AES_256_GCM_SHA384");
	a->dane = v;
	a->depth = -1;
	a->ms_connect = 1;
	a->ms_tls = 4;
	a->ms_total = 9;
}

/* leaf - a one-certificate chain */
static void
leaf(struct report_addr *a, const char *cn)
{
	a->chain = xcalloc(1, sizeof(*a->chain));
	a->nchain = 1;
	(void)snprintf(a->chain[0].subject, sizeof(a->chain[0].subject),
	    "CN=%s", cn);
	SET(a->chain[0].issuer, "CN=Lab CA");
	SET(a->chain[0].key_alg, "EC");
	a->chain[0].key_bits = 256;
	a->chain[0].not_before = 1735689600;	/* 2025-01-01 */
	a->chain[0].not_after = 1893456000;	/* 2030-01-01 */
	SET(a->chain[0].spki_sha256, "29c8601cb562d00aa7190003b5c31b5e"
	    "2ae0d1b15dc4cfa9d40f9bd7b461d084");
	SET(a->chain[0].cert_sha256, "0f3c1b6b6a1c4f6e1f7f0a5b1d2c3e4f"
	    "5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d");
}

/* finding - append a finding */
static void
finding(struct report_domain *d, const char *code, enum report_severity sev,
    const char *host_name, const char *msg, const char *hint,
    const char *ref)
{
	struct report_finding *f;

	d->findings = mxd_realloc(d->findings, (d->nfindings + 1) *
	    sizeof(*d->findings));
	if (d->findings == NULL) {
		exit(1);
	}
	f = &d->findings[d->nfindings++];
	memset(f, 0, sizeof(*f));
	SET(f->code, code);
	f->severity = sev;
	SET(f->host, host_name);
	f->message = mxd_strdup(msg);
	f->hint = hint != NULL ? mxd_strdup(hint) : NULL;
	SET(f->ref, ref);
}

/* fx_verified - one MX, two addresses, both pass; one unusable record */
static struct report_domain *
fx_verified(void)
{
	struct report_domain	*d = domain("dane-ee.test", REPORT_SEC_SECURE,
				    1);
	struct report_mx	*mx = &d->mx[0];

	host(mx, "mx1.dane-ee.test", 10, 2);
	mx->tlsa_state = REPORT_TLSA_USABLE;
	mx->tlsa = xcalloc(2, sizeof(*mx->tlsa));
	mx->ntlsa = 2;
	rr(&mx->tlsa[0], 3, 1, 1, 32, 0x29);
	rr(&mx->tlsa[1], 1, 1, 1, 32, 0x11);
	mx->action = REPORT_ACT_DANE;
	addr(&mx->addrs[0], "127.0.10.1", REPORT_ADDR_PASS, "TLSv1.3");
	SET(mx->addrs[0].matched, "3 1 1 29300b12191f262d343b42495057"
	    "5e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1");
	mx->addrs[0].depth = 0;
	leaf(&mx->addrs[0], "mx1.dane-ee.test");
	addr(&mx->addrs[1], "fd00:10::1", REPORT_ADDR_PASS, "TLSv1.2");
	SET(mx->addrs[1].cipher, "ECDHE-ECDSA-AES256-GCM-SHA384");
	SET(mx->addrs[1].matched, mx->addrs[0].matched);
	mx->addrs[1].depth = 0;
	d->dane = REPORT_DANE_VERIFIED;
	d->status = REPORT_OK;
	finding(d, "tlsa-pkix-usage", REPORT_SEV_WARNING, "mx1.dane-ee.test",
	    "TLSA 1 1 1 at _25._tcp.mx1.dane-ee.test has a PKIX usage, which "
	    "SMTP clients ignore", "remove it, or use usage 3",
	    "RFC 7672 §3.1.3");
	return d;
}

/* fx_failed - two MX hosts: one passes, one fails and one is refused */
static struct report_domain *
fx_failed(void)
{
	struct report_domain	*d = domain("dane-fail.test",
				    REPORT_SEC_SECURE, 2);
	struct report_mx	*mx;

	mx = &d->mx[0];
	host(mx, "mx1.dane-fail.test", 10, 1);
	mx->tlsa_state = REPORT_TLSA_USABLE;
	mx->tlsa = xcalloc(1, sizeof(*mx->tlsa));
	mx->ntlsa = 1;
	rr(&mx->tlsa[0], 3, 1, 1, 32, 0x29);
	mx->action = REPORT_ACT_DANE;
	addr(&mx->addrs[0], "127.0.11.1", REPORT_ADDR_PASS, "TLSv1.3");
	SET(mx->addrs[0].matched, "3 1 1 29300b12191f262d343b42495057"
	    "5e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1");
	mx->addrs[0].depth = 0;
	mx = &d->mx[1];
	host(mx, "mx2.dane-fail.test", 20, 2);
	mx->cname[0] = '\0';
	mx->tlsa_state = REPORT_TLSA_USABLE;
	mx->tlsa = xcalloc(1, sizeof(*mx->tlsa));
	mx->ntlsa = 1;
	rr(&mx->tlsa[0], 2, 0, 1, 32, 0x40);
	mx->action = REPORT_ACT_DANE;
	addr(&mx->addrs[0], "127.0.11.2", REPORT_ADDR_FAIL, "TLSv1.3");
	mx->addrs[0].verify_error = 65;
	SET(mx->addrs[0].error, "TLSA 2 0 1 40474e55...e1e8eff6 matches no "
	    "certificate in the chain presented by 127.0.11.2: leaf key is "
	    "29c8601c...b461d084");
	leaf(&mx->addrs[0], "mx2.dane-fail.test");
	SET(mx->addrs[1].address, "127.0.11.3");
	mx->addrs[1].family = AF_INET;
	mx->addrs[1].dane = REPORT_ADDR_FAIL;
	mx->addrs[1].depth = -1;
	SET(mx->addrs[1].error, "connect: connection refused");
	d->dane = REPORT_DANE_FAILED;
	d->status = REPORT_CRITICAL;
	return d;
}

/* fx_bogus - the MX lookup itself is bogus */
static struct report_domain *
fx_bogus(void)
{
	struct report_domain *d = domain("bogus.test", REPORT_SEC_BOGUS, 0);

	SET(d->error, "MX lookup of bogus.test is bogus: signature expired "
	    "from 127.0.0.21 for <bogus.test. MX IN>");
	d->dane = REPORT_DANE_BOGUS;
	d->status = REPORT_CRITICAL;
	return d;
}

/* fx_insecure_mx - unsigned MX RRset, MX host with TLSA anyway */
static struct report_domain *
fx_insecure_mx(void)
{
	struct report_domain	*d = domain("unsigned.test",
				    REPORT_SEC_INSECURE, 1);
	struct report_mx	*mx = &d->mx[0];

	host(mx, "mx.signed-host.test", 0, 1);
	SET(mx->cname, "smtp.signed-host.test");
	SET(mx->base_domain, "smtp.signed-host.test");
	SET(mx->tlsa_owner, "_25._tcp.smtp.signed-host.test");
	mx->tlsa_state = REPORT_TLSA_USABLE;
	mx->tlsa = xcalloc(1, sizeof(*mx->tlsa));
	mx->ntlsa = 1;
	rr(&mx->tlsa[0], 3, 1, 2, 64, 0x03);
	mx->action = REPORT_ACT_OPPORTUNISTIC;
	addr(&mx->addrs[0], "127.0.12.1", REPORT_ADDR_PASS, "TLSv1.3");
	SET(mx->addrs[0].matched, "3 1 2 030a11181f262d343b424950575e656c"
	    "737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e"
	    "454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb");
	mx->addrs[0].depth = 0;
	d->dane = REPORT_DANE_NONE;
	d->status = REPORT_WARNING;
	finding(d, "insecure-mx-with-tlsa", REPORT_SEV_WARNING, "",
	    "the MX RRset of unsigned.test is not DNSSEC-signed, so DANE does "
	    "not apply to this domain; 1 of its MX hosts publish TLSA records "
	    "(Postfix's default policy still uses them)",
	    "sign the zone of the domain and publish its DS record in the "
	    "parent zone", "RFC 7672 §2.2.1");
	return d;
}

/* fx_null_mx - RFC 7505 */
static struct report_domain *
fx_null_mx(void)
{
	struct report_domain *d = domain("nullmx.test", REPORT_SEC_SECURE, 0);

	d->null_mx = 1;
	d->dane = REPORT_DANE_NONE;
	d->status = REPORT_WARNING;
	return d;
}

/* fx_hostile - quotes, backslashes, control and non-UTF-8 bytes */
static struct report_domain *
fx_hostile(void)
{
	struct report_domain	*d = domain("hostile.test",
				    REPORT_SEC_SECURE, 1);
	struct report_mx	*mx = &d->mx[0];

	SET(d->input, "Hostile.TEST.");
	host(mx, "mx.hostile.test", 5, 1);
	mx->tlsa_state = REPORT_TLSA_ERROR;
	mx->tlsa_sec = REPORT_SEC_INDETERMINATE;
	SET(mx->error, "TLSA lookup of _25._tcp.mx.hostile.test is "
	    "indeterminate: no answer within 10.000 s");
	mx->action = REPORT_ACT_DEFER;
	SET(mx->addrs[0].address, "127.0.13.1");
	mx->addrs[0].family = AF_INET;
	mx->addrs[0].connected = 1;
	mx->addrs[0].depth = -1;
	SET(mx->addrs[0].banner, "220 \"quoted\" \\ back\xff\xfe");
	SET(mx->addrs[0].error, "banner: not SMTP: \"\\x16\\x03\" \xc3\x28");
	d->dane = REPORT_DANE_BOGUS;
	d->status = REPORT_CRITICAL;
	return d;
}

int
main(int argc, char **argv)
{
	struct report_domain	*d;
	struct mxd_buf		 out;
	size_t			 i;
	int			 rc;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		for (i = 0; fixtures[i].name != NULL; i++) {
			(void)printf("%s\n", fixtures[i].name);
		}
		return 0;
	}
	if (argc != 3) {
		(void)fputs("usage: report_render list | text|color|json NAME\n",
		    stderr);
		return 64;
	}
	for (i = 0; fixtures[i].name != NULL; i++) {
		if (strcmp(fixtures[i].name, argv[2]) == 0) {
			break;
		}
	}
	if (fixtures[i].name == NULL) {
		(void)fprintf(stderr, "report_render: no fixture %s\n", argv[2]);
		return 64;
	}
	d = fixtures[i].build();
	mxd_buf_init(&out, 1 << 20);
	if (strcmp(argv[1], "json") == 0) {
		rc = report_json(d, &out);
	} else {
		rc = report_text(d, strcmp(argv[1], "color") == 0, &out);
	}
	if (rc == 0) {
		(void)fwrite(out.data, 1, out.len, stdout);
	}
	mxd_buf_free(&out);
	report_domain_free(d);
	return rc == 0 ? 0 : 1;
}
