/*
 * engine.c - the asynchronous check: many domains on one libevent loop.
 *
 * For each domain, the steps an RFC 7672 sender takes, each one a DNS query
 * or a probe on the loop:
 *   1. MX lookup (RFC 7672 §2.2.1): a CNAME at the domain is followed by
 *      the resolver and reported; null MX (RFC 7505) ends the check; no MX
 *      means the domain itself is the host (implicit MX, RFC 5321 §5.1);
 *      an MX target that is an IP address gets no DANE (RFC 7672 §2.2).
 *   2. A and AAAA of every MX host, each with its own security status.
 *   3. The TLSA base domain (RFC 7672 §2.2.2, implementation-notes §1.5):
 *      the CNAME-expanded name when the whole chain is secure (and the
 *      original name when that has a secure denial of TLSA), the original
 *      name when only the first CNAME link is secure (learnt with a CNAME
 *      query, as Postfix does), else DANE does not apply.
 *   4. TLSA at _PORT._tcp.BASE (RFC 7672 §2.2.3); a CNAME at that owner is
 *      followed by the resolver and does not change the base domain.
 *      A secure NXDOMAIN there may be the empty non-terminal pitfall
 *      (DANE-RULES.md H.35: _tcp.HOST answered NXDOMAIN, so resolvers with
 *      QNAME minimisation never see the records): the owner is asked again
 *      from the root without minimisation, and records found that way are
 *      used and reported as a zone bug.
 *      With usable records, every authoritative server of the zone is
 *      asked for the TLSA RRset directly (dns/auth.h): one that serves
 *      other records is a finding, and the addresses are probed against
 *      those records too, since senders whose resolver asks that server
 *      get them (RFC 7672 §9.2 [verify]).
 *   5. One probe per address (smtp/probe.h), in the mode the TLSA result
 *      requires: DANE, encrypt, or opportunistic.
 *   6. dane_verdict_domain() (dane/dane.h), then the caller's callback.
 * It does not judge certificates (smtp/, dane/) or print (report/, cli/).
 *
 * Limits: queries and probes in flight and domains in progress are capped;
 * work over a cap waits in a FIFO queue. Each domain counts its outstanding
 * work and is finished when the count drops to zero.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/event.h>

#include "common/dname.h"
#include "common/mxd.h"
#include "dane/dane.h"
#include "dane/findings.h"
#include "dns/auth.h"
#include "dns/dns.h"
#include "engine/engine.h"
#include "report/model.h"
#include "smtp/probe.h"
#include "tlsa/tlsa.h"

#define DEF_PORT		25
#define DEF_TIMEOUT_MS		10000
#define DEF_MAX_QUERIES		256
#define DEF_MAX_PROBES		64
#define DEF_MAX_DOMAINS		256
#define NS_MAX			8	/* nameservers asked per zone */
#define T_TXT			16	/* RFC 1035 §3.3.14 */
#define SIG_WARN_S		(7 * 86400)	/* RRSIG expiry warning */
#define SRV_MAX			16	/* their addresses */

enum qkind {
	Q_MX,
	Q_A,
	Q_AAAA,
	Q_CNAME,
	Q_TLSA,
	Q_TLSA_NOQMIN,		/* the same owner, no QNAME minimisation */
	Q_SOA,			/* the zone of the TLSA owner */
	Q_NS,			/* its nameservers */
	Q_NS_A,			/* their addresses */
	Q_NS_AAAA,
	Q_TXT_STS,		/* _mta-sts.DOMAIN (RFC 8461 §3.1) */
	Q_TXT_RPT,		/* _smtp._tls.DOMAIN (RFC 8460 §3) */
};

/* Which report a probe fills: the address's own, or an extra one. */
enum pslot {
	PS_MAIN = 0,		/* the verdict */
	PS_ALT,			/* another server's TLSA RRset */
	PS_RSA,			/* RSA key only (findings) */
	PS_ECDSA,		/* ECDSA key only */
	PS_TLS10,		/* TLS 1.0 pinned */
	PS_TLS11,		/* TLS 1.1 pinned */
	PS_COUNT,
};
#define PS_EXTRA		(PS_COUNT - PS_RSA)

enum ent_state {
	ENT_IDLE = 0,		/* second resolver not started */
	ENT_STARTING,
	ENT_READY,
	ENT_FAILED,
};

struct edom;

/* One MX host being worked on; mx points into dom->d->mx. */
struct ehost {
	struct edom		*dom;
	struct report_mx	*mx;
	int			 asked;		/* 1: A, 2: AAAA */
	int			 answered;
	enum dns_sec		 sec[2];
	int			 nxdomain[2];
	char			 addr[2][ENGINE_ADDR_MAX][REPORT_ADDR_MAX];
	size_t			 naddr[2];
	int			 expanded;	/* base is the CNAME target */
	struct ehost		*ent_next;	/* waiting for the resolver */
	/* The servers' own copies of the TLSA RRset. */
	char			 zone[DNS_NAME_MAX];
	char			 ns[NS_MAX][DNS_NAME_MAX];
	size_t			 nns;
	size_t			 ns_pending;
	struct dns_auth_server	*srv;
	size_t			 nsrv;
	struct dns_auth_fanout	*fan;
	struct tlsa_rr		*alt;		/* another server's RRset */
	size_t			 nalt;
	char			 alt_from[160];
	struct report_addr	*alt_addrs;	/* probes against it */
	struct report_addr	*xaddrs[PS_EXTRA];	/* extra handshakes */
	struct dns_auth_fanout	*fan_soa;	/* the servers' serials */
};

/* One domain (or --host target) in progress. */
struct edom {
	struct engine		*e;
	struct edom		*next;		/* waiting or active list */
	struct edom		*prev;
	struct report_domain	*d;
	struct ehost		*hosts;		/* d->nmx of them */
	int			 host_mode;	/* no MX lookup */
	size_t			 pending;	/* work not yet done */
};

/* One query or probe, queued or in flight. */
struct ework {
	struct ework		*next, *prev;
	struct edom		*dom;
	struct ehost		*h;		/* NULL for the MX query */
	int			 is_probe;
	enum pslot		 slot;		/* which report it fills */
	int			 inflight;
	enum qkind		 kind;
	int			 qtype;
	char			 qname[DNS_NAME_MAX];
	struct dns_query	*dq;
	size_t			 ai;		/* address index */
	char			 addr[REPORT_ADDR_MAX];	/* the probe clears
							 * its report_addr */
	enum smtp_probe_mode	 mode;
	struct smtp_probe	*probe;
};

struct wqueue {
	struct ework		*head, *tail;
};

struct engine {
	struct event_base	*base;
	struct dns_ctx		*dns;
	struct dns_ctx		*dns_noqmin;	/* recursion, no minimisation */
	enum ent_state		 ent;
	struct ehost		*ent_wait;
	char			 ent_note[320];
	char			 note[640];	/* for engine_note() */
	unsigned		 port;
	int			 family;
	unsigned		 timeout_ms;
	char			*helo;
	int			 legacy_tls;
	int			 require_dane;
	struct tlsa_rr		*tlsa;		/* overrides, ntlsa of them */
	size_t			 ntlsa;
	unsigned		 max_queries, max_probes, max_domains;
	struct edom		*wait_head, *wait_tail;
	struct edom		*active;
	size_t			 nactive;
	struct wqueue		 qwait, pwait;	/* over the limits */
	struct ework		*inflight;	/* both kinds */
	size_t			 nq, np;
	engine_domain_cb	*cb;
	void			*cbarg;
	int			 started;
	int			 pumping;
	int			 start_failed;
	struct mxd_err		 start_err;
};

static int	dom_new(struct engine *e, const char *input, const char *name,
		    int host_mode, struct mxd_err *err);
static void	dom_free(struct edom *dom);
static void	dom_start(struct edom *dom);
static void	dom_ref(struct edom *dom);
static void	dom_unref(struct edom *dom);
static void	dom_finish(struct edom *dom);
static int	hosts_alloc(struct edom *dom, size_t n);
static void	host_start(struct ehost *h);
static void	host_addrs_done(struct ehost *h);
static void	host_tlsa_lookup(struct ehost *h);
static void	host_probes_start(struct ehost *h);
static void	work_query(struct edom *dom, struct ehost *h, enum qkind kind,
		    const char *qname, int qtype);
static void	work_probe(struct edom *dom, struct ehost *h, size_t ai,
		    enum smtp_probe_mode mode, enum pslot slot);
static void	work_query_ns(struct edom *dom, struct ehost *h,
		    enum qkind kind, const char *qname, int qtype, size_t ni);
static void	on_soa(struct ehost *h, const struct dns_answer *ans);
static void	on_ns(struct ehost *h, const struct dns_answer *ans);
static void	on_nsaddr(struct ehost *h, size_t ni, int fam,
		    const struct dns_answer *ans);
static void	fanout_start(struct ehost *h);
static void	on_fanout(void *arg, struct dns_auth_result *res, size_t n);
static int	same_rrset(const struct report_mx *mx,
		    const struct dns_auth_answer *a);
static void	host_cleanup(struct ehost *h);
static void	alt_merge(struct ehost *h);
static void	extra_probes_start(struct ehost *h, enum smtp_probe_mode mode);
static void	extra_merge(struct ehost *h);
static void	extra_next(struct ework *w, const struct report_addr *res);
static void	on_probe_tls(void *arg, const struct report_addr *partial);
static void	on_txt(struct edom *dom, enum qkind kind,
		    const struct dns_answer *ans);
static void	on_fanout_soa(void *arg, struct dns_auth_result *res,
		    size_t n);
static void	fanout_server(struct ehost *h, const struct dns_auth_result *r,
		    time_t now);

static void	work_start(struct ework *w);
static void	work_start_query(struct ework *w);
static void	work_start_probe(struct ework *w);
static void	work_done(struct ework *w);
static void	q_push(struct wqueue *q, struct ework *w);
static struct ework *q_pop(struct wqueue *q);
static void	inflight_add(struct engine *e, struct ework *w);
static void	inflight_del(struct engine *e, struct ework *w);
static void	pump(struct engine *e);
static void	on_answer(void *arg, const struct dns_answer *ans);
static void	on_probe(void *arg, struct report_addr *res);
static void	on_mx(struct edom *dom, const struct dns_answer *ans);
static void	on_addr(struct ehost *h, int fam, const struct dns_answer *ans);
static void	on_cname(struct ehost *h, const struct dns_answer *ans);
static void	on_tlsa(struct ehost *h, const struct dns_answer *ans);
static void	on_tlsa_noqmin(struct ehost *h, const struct dns_answer *ans);
static int	tlsa_take(struct ehost *h, const struct dns_answer *ans);
static void	ent_check(struct ehost *h);
static void	on_ent_start(void *arg, int code, const struct mxd_err *err);
static void	on_start(void *arg, int code, const struct mxd_err *err);
static void	check_all_done(struct engine *e);
static enum report_sec	sec_map(enum dns_sec s);
static int	is_error(enum dns_sec s);
static int	is_ip_literal(const char *s);
static int	mx_cmp(const void *a, const void *b);
static void	copy_str(char *dst, size_t dstsz, const char *src);

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

/* copy_str - bounded copy that always terminates */
static void
copy_str(char *dst, size_t dstsz, const char *src)
{
	size_t n = strnlen(src, dstsz - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* sec_map - a DNS status in the result model's terms */
static enum report_sec
sec_map(enum dns_sec s)
{
	switch (s) {
	case DNS_SEC_SECURE:
		return REPORT_SEC_SECURE;
	case DNS_SEC_INSECURE:
		return REPORT_SEC_INSECURE;
	case DNS_SEC_BOGUS:
		return REPORT_SEC_BOGUS;
	case DNS_SEC_INDETERMINATE:
		break;
	}
	return REPORT_SEC_INDETERMINATE;
}

/* is_error - bogus and indeterminate are errors (RFC 7672 §2.1.1) */
static int
is_error(enum dns_sec s)
{
	return s == DNS_SEC_BOGUS || s == DNS_SEC_INDETERMINATE;
}

/* is_ip_literal - an IPv4 or IPv6 address in text */
static int
is_ip_literal(const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, s, &a4) == 1 ||
	    inet_pton(AF_INET6, s, &a6) == 1;
}

/* ------------------------------------------------------------------ */
/* Engine                                                              */
/* ------------------------------------------------------------------ */

/* engine_new - an engine with its resolver on an event base */
int
engine_new(struct event_base *base, const struct engine_opts *o,
    struct engine **out, struct mxd_err *err)
{
	struct engine	*e;
	struct dns_opts	 dopts;
	size_t		 i;
	int		 rc;

	if (base == NULL || o == NULL || out == NULL ||
	    (o->ntlsa > 0 && o->tlsa == NULL) || o->port > 65535 ||
	    (o->family != 0 && o->family != 4 && o->family != 6)) {
		return mxd_err_set(err, MXD_EINVAL, "engine: bad options");
	}
	*out = NULL;
	e = mxd_calloc(1, sizeof(*e));
	if (e == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	e->base = base;
	e->port = o->port != 0 ? o->port : DEF_PORT;
	e->family = o->family;
	e->timeout_ms = o->timeout_ms != 0 ? o->timeout_ms : DEF_TIMEOUT_MS;
	e->legacy_tls = o->legacy_tls;
	e->require_dane = o->require_dane;
	e->max_queries = o->max_queries != 0 ? o->max_queries :
	    DEF_MAX_QUERIES;
	e->max_probes = o->max_probes != 0 ? o->max_probes : DEF_MAX_PROBES;
	e->max_domains = o->max_domains != 0 ? o->max_domains :
	    DEF_MAX_DOMAINS;
	e->helo = mxd_strdup(o->helo != NULL ? o->helo : "localhost");
	if (e->helo == NULL) {
		rc = mxd_err_set(err, MXD_ENOMEM, "out of memory");
		goto fail;
	}
	if (o->ntlsa > 0) {
		e->tlsa = mxd_calloc(o->ntlsa, sizeof(*e->tlsa));
		if (e->tlsa == NULL) {
			rc = mxd_err_set(err, MXD_ENOMEM, "out of memory");
			goto fail;
		}
		for (i = 0; i < o->ntlsa; i++) {
			if (tlsa_rr_copy(&e->tlsa[i], &o->tlsa[i]) != 0) {
				rc = mxd_err_set(err, MXD_ENOMEM,
				    "out of memory");
				goto fail;
			}
			e->ntlsa++;
		}
	}
	memset(&dopts, 0, sizeof(dopts));
	dopts.trust_anchor = o->trust_anchor;
	dopts.resolver = o->resolver;
	dopts.resolv_conf = o->resolv_conf;
	dopts.recursive = o->recursive;
	dopts.root_hints = o->root_hints;
	dopts.timeout_ms = e->timeout_ms;
	rc = dns_ctx_new(base, &dopts, &e->dns, err);
	if (rc != 0) {
		goto fail;
	}
	/* The empty non-terminal check asks from the root, unminimised;
	 * it starts on first use. */
	dopts.resolver = NULL;
	dopts.resolv_conf = NULL;
	dopts.recursive = 1;
	dopts.no_qmin = 1;
	if (dopts.timeout_ms > 5000) {
		dopts.timeout_ms = 5000;	/* a side check: do not wait */
	}
	if (dns_ctx_new(base, &dopts, &e->dns_noqmin, NULL) != 0) {
		e->dns_noqmin = NULL;
		e->ent = ENT_FAILED;
	}
	*out = e;
	return 0;
fail:
	engine_free(e);
	return rc;
}

/* engine_free - free the engine, cancelling what is still running */
void
engine_free(struct engine *e)
{
	struct ework	*w;
	struct edom	*dom;
	size_t		 i;

	if (e == NULL) {
		return;
	}
	while ((w = e->inflight) != NULL) {
		inflight_del(e, w);
		if (w->is_probe && w->probe != NULL) {
			smtp_probe_cancel(w->probe);
		} else if (!w->is_probe && w->dq != NULL) {
			dns_query_cancel(w->dq);
		}
		mxd_free(w);
	}
	while ((w = q_pop(&e->qwait)) != NULL) {
		mxd_free(w);
	}
	while ((w = q_pop(&e->pwait)) != NULL) {
		mxd_free(w);
	}
	while ((dom = e->active) != NULL) {
		e->active = dom->next;
		dom_free(dom);
	}
	while ((dom = e->wait_head) != NULL) {
		e->wait_head = dom->next;
		dom_free(dom);
	}
	dns_ctx_free(e->dns);
	dns_ctx_free(e->dns_noqmin);
	for (i = 0; i < e->ntlsa; i++) {
		tlsa_rr_clear(&e->tlsa[i]);
	}
	mxd_free(e->tlsa);
	mxd_free(e->helo);
	mxd_free(e);
}

/* engine_note - what the resolver set-up wants the operator to know */
const char *
engine_note(const struct engine *e)
{
	return e != NULL ? e->note : "";
}

/* dom_new - queue a domain report to be filled */
static int
dom_new(struct engine *e, const char *input, const char *name,
    int host_mode, struct mxd_err *err)
{
	struct edom *dom;

	dom = mxd_calloc(1, sizeof(*dom));
	if (dom == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	dom->d = mxd_calloc(1, sizeof(*dom->d));
	if (dom->d == NULL) {
		mxd_free(dom);
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	dom->e = e;
	dom->host_mode = host_mode;
	copy_str(dom->d->domain, sizeof(dom->d->domain), name);
	(void)mxd_sanitize(input, strlen(input), dom->d->input,
	    sizeof(dom->d->input));
	dom->d->mx_sec = REPORT_SEC_UNKNOWN;
	if (e->wait_tail != NULL) {
		e->wait_tail->next = dom;
	} else {
		e->wait_head = dom;
	}
	e->wait_tail = dom;
	return 0;
}

/* dom_free - free a domain and its report */
static void
dom_free(struct edom *dom)
{
	size_t i;

	for (i = 0; dom->d != NULL && dom->hosts != NULL && i < dom->d->nmx;
	    i++) {
		host_cleanup(&dom->hosts[i]);
	}
	report_domain_free(dom->d);
	mxd_free(dom->hosts);
	mxd_free(dom);
}

/* engine_add_domain - queue a next-hop domain */
int
engine_add_domain(struct engine *e, const char *name, struct mxd_err *err)
{
	char	norm[REPORT_NAME_MAX];
	int	rc;

	if (e == NULL || name == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "engine: bad arguments");
	}
	rc = mxd_dname_normalize(name, norm, sizeof(norm), err);
	if (rc != 0) {
		return rc;
	}
	return dom_new(e, name, norm, 0, err);
}

/* engine_add_host - queue one host without MX lookup */
int
engine_add_host(struct engine *e, const char *name, struct mxd_err *err)
{
	char	norm[REPORT_NAME_MAX];
	int	rc;

	if (e == NULL || name == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "engine: bad arguments");
	}
	if (is_ip_literal(name)) {
		if (strlen(name) >= REPORT_ADDR_MAX) {
			return mxd_err_set(err, MXD_EBADDATA, "address too "
			    "long");
		}
		return dom_new(e, name, name, 1, err);
	}
	rc = mxd_dname_normalize(name, norm, sizeof(norm), err);
	if (rc != 0) {
		return rc;
	}
	return dom_new(e, name, norm, 1, err);
}

/* engine_run - resolve, probe and judge every queued domain */
int
engine_run(struct engine *e, engine_domain_cb *cb, void *arg,
    struct mxd_err *err)
{
	int rc;

	if (e == NULL || cb == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "engine: bad arguments");
	}
	e->cb = cb;
	e->cbarg = arg;
	rc = dns_ctx_start(e->dns, on_start, e);
	if (rc != 0) {
		return mxd_err_set(err, MXD_EDNS, "resolver self-test: %s",
		    mxd_strerror(rc));
	}
	(void)event_base_dispatch(e->base);
	(void)snprintf(e->note, sizeof(e->note), "%s%s%s",
	    dns_ctx_note(e->dns), dns_ctx_note(e->dns)[0] != '\0' &&
	    e->ent_note[0] != '\0' ? "; " : "", e->ent_note);
	if (e->start_failed) {
		return mxd_err_set(err, MXD_EDNS, "%s", e->start_err.msg);
	}
	if (e->nactive > 0 || e->wait_head != NULL) {
		return mxd_err_set(err, MXD_EDNS, "the event loop stopped "
		    "with work left");
	}
	return 0;
}

/* on_start - the resolver's self-test is done */
static void
on_start(void *arg, int code, const struct mxd_err *err)
{
	struct engine *e = arg;

	if (code != 0) {
		e->start_failed = 1;
		(void)mxd_err_set(&e->start_err, MXD_EDNS, "DNSSEC cannot be "
		    "validated: %s", err != NULL ? err->msg : "");
		(void)event_base_loopbreak(e->base);
		return;
	}
	e->started = 1;
	pump(e);
	check_all_done(e);
}

/* check_all_done - stop the loop when nothing is left */
static void
check_all_done(struct engine *e)
{
	if (e->started && e->nactive == 0 && e->wait_head == NULL &&
	    !e->pumping) {
		(void)event_base_loopbreak(e->base);
	}
}

/* ------------------------------------------------------------------ */
/* Work queues and limits                                              */
/* ------------------------------------------------------------------ */

/* q_push - append to a FIFO */
static void
q_push(struct wqueue *q, struct ework *w)
{
	w->next = NULL;
	w->prev = NULL;
	if (q->tail != NULL) {
		q->tail->next = w;
	} else {
		q->head = w;
	}
	q->tail = w;
}

/* q_pop - take the head of a FIFO, or NULL */
static struct ework *
q_pop(struct wqueue *q)
{
	struct ework *w = q->head;

	if (w != NULL) {
		q->head = w->next;
		if (q->head == NULL) {
			q->tail = NULL;
		}
		w->next = NULL;
	}
	return w;
}

/* inflight_add - remember a started query or probe */
static void
inflight_add(struct engine *e, struct ework *w)
{
	w->inflight = 1;
	w->prev = NULL;
	w->next = e->inflight;
	if (e->inflight != NULL) {
		e->inflight->prev = w;
	}
	e->inflight = w;
	if (w->is_probe) {
		e->np++;
	} else {
		e->nq++;
	}
}

/* inflight_del - forget a started query or probe */
static void
inflight_del(struct engine *e, struct ework *w)
{
	if (!w->inflight) {
		return;
	}
	if (w->prev != NULL) {
		w->prev->next = w->next;
	} else {
		e->inflight = w->next;
	}
	if (w->next != NULL) {
		w->next->prev = w->prev;
	}
	w->next = NULL;
	w->prev = NULL;
	w->inflight = 0;
	if (w->is_probe) {
		e->np--;
	} else {
		e->nq--;
	}
}

/* pump - start waiting work and domains while under the limits */
static void
pump(struct engine *e)
{
	struct ework	*w;
	struct edom	*dom;
	int		 moved;

	if (e->pumping || !e->started) {
		return;
	}
	e->pumping = 1;
	do {
		moved = 0;
		while (e->nq < e->max_queries &&
		    (w = q_pop(&e->qwait)) != NULL) {
			work_start(w);
			moved = 1;
		}
		while (e->np < e->max_probes &&
		    (w = q_pop(&e->pwait)) != NULL) {
			work_start(w);
			moved = 1;
		}
		/* New domains only when their first query can start. */
		while (e->nactive < e->max_domains && e->wait_head != NULL &&
		    e->qwait.head == NULL) {
			dom = e->wait_head;
			e->wait_head = dom->next;
			if (e->wait_head == NULL) {
				e->wait_tail = NULL;
			}
			dom->next = e->active;
			dom->prev = NULL;
			if (e->active != NULL) {
				e->active->prev = dom;
			}
			e->active = dom;
			e->nactive++;
			dom_start(dom);
			moved = 1;
		}
	} while (moved);
	e->pumping = 0;
	check_all_done(e);
}

/* work_query - a DNS query for a domain, now or when under the limit */
static void
work_query(struct edom *dom, struct ehost *h, enum qkind kind,
    const char *qname, int qtype)
{
	struct ework		*w;
	struct dns_answer	 ans;

	w = mxd_calloc(1, sizeof(*w));
	if (w == NULL) {
		/* No memory for the work: answer "indeterminate" now. */
		memset(&ans, 0, sizeof(ans));
		ans.sec = DNS_SEC_INDETERMINATE;
		ans.rcode = -1;
		copy_str(ans.why, sizeof(ans.why), "out of memory");
		dom_ref(dom);
		switch (kind) {
		case Q_MX:
			on_mx(dom, &ans);
			break;
		case Q_A:
			on_addr(h, 0, &ans);
			break;
		case Q_AAAA:
			on_addr(h, 1, &ans);
			break;
		case Q_CNAME:
			on_cname(h, &ans);
			break;
		case Q_TLSA:
			on_tlsa(h, &ans);
			break;
		case Q_TLSA_NOQMIN:
			on_tlsa_noqmin(h, &ans);
			break;
		case Q_SOA:
		case Q_NS:
		case Q_NS_A:
		case Q_NS_AAAA:
			break;		/* work_query_ns() handles these */
		case Q_TXT_STS:
		case Q_TXT_RPT:
			break;		/* side checks: left out */
		}
		dom_unref(dom);
		return;
	}
	w->dom = dom;
	w->h = h;
	w->kind = kind;
	w->qtype = qtype;
	copy_str(w->qname, sizeof(w->qname), qname);
	dom_ref(dom);
	q_push(&dom->e->qwait, w);
	pump(dom->e);
}

/* work_probe - a probe of one address, now or when under the limit */
static void
work_probe(struct edom *dom, struct ehost *h, size_t ai,
    enum smtp_probe_mode mode, enum pslot slot)
{
	struct ework *w;

	w = mxd_calloc(1, sizeof(*w));
	if (w == NULL) {
		if (slot == PS_MAIN) {
			copy_str(h->mx->addrs[ai].error,
			    sizeof(h->mx->addrs[ai].error), "not probed: out "
			    "of memory");
		}
		return;
	}
	w->dom = dom;
	w->h = h;
	w->is_probe = 1;
	w->slot = slot;
	w->ai = ai;
	w->mode = mode;
	/* Copied now: the probe clears the report it fills. */
	copy_str(w->addr, sizeof(w->addr), h->mx->addrs[ai].address);
	dom_ref(dom);
	q_push(&dom->e->pwait, w);
	pump(dom->e);
}

/* work_start - start a queued query or probe */
static void
work_start(struct ework *w)
{
	if (w->is_probe) {
		work_start_probe(w);
	} else {
		work_start_query(w);
	}
}

/* work_start_query - hand a query to the resolver */
static void
work_start_query(struct ework *w)
{
	struct engine		*e = w->dom->e;
	struct dns_answer	 ans;
	int			 rc;

	inflight_add(e, w);
	rc = dns_query(w->kind == Q_TLSA_NOQMIN ? e->dns_noqmin : e->dns,
	    w->qname, w->qtype, on_answer, w, &w->dq);
	if (rc == 0) {
		return;
	}
	memset(&ans, 0, sizeof(ans));
	copy_str(ans.qname, sizeof(ans.qname), w->qname);
	ans.qtype = w->qtype;
	ans.sec = DNS_SEC_INDETERMINATE;
	ans.rcode = -1;
	(void)snprintf(ans.why, sizeof(ans.why), "cannot start the query: "
	    "%s", mxd_strerror(rc));
	on_answer(w, &ans);
}

/* work_start_probe - start the probe of one address */
static void
work_start_probe(struct ework *w)
{
	struct engine		*e = w->dom->e;
	struct report_domain	*d = w->dom->d;
	struct report_mx	*mx = w->h->mx;
	struct report_addr	*a;
	struct smtp_probe_params p;
	const char		*names[3];
	size_t			 n = 0, i;
	int			 rc;

	if (w->slot == PS_MAIN) {
		a = &mx->addrs[w->ai];
	} else if (w->slot == PS_ALT) {
		a = &w->h->alt_addrs[w->ai];
	} else {
		a = &w->h->xaddrs[w->slot - PS_RSA][w->ai];
	}
	/* Reference identifiers for DANE-TA (RFC 7672 §3.2.2): the base
	 * domain, and the next-hop domain with its CNAME expansion, but
	 * not when the MX RRset that named them is not secure. */
	if (mx->base_domain[0] != '\0') {
		names[n++] = mx->base_domain;
	}
	if (w->dom->host_mode || d->mx_sec == REPORT_SEC_SECURE) {
		const char *cand[2] = { d->domain, d->mx_cname };

		for (i = 0; i < 2; i++) {
			size_t k;
			int dup = 0;

			if (cand[i][0] == '\0' || is_ip_literal(cand[i])) {
				continue;
			}
			for (k = 0; k < n; k++) {
				dup |= strcmp(names[k], cand[i]) == 0;
			}
			if (!dup) {
				names[n++] = cand[i];
			}
		}
	}
	memset(&p, 0, sizeof(p));
	p.address = w->addr;
	p.port = e->port;
	p.helo = e->helo;
	if (mx->base_domain[0] != '\0') {
		p.sni = mx->base_domain;
	} else if (!is_ip_literal(mx->host) || w->mode == SMTP_PROBE_DANE) {
		/* An address literal with records from the command line:
		 * no name to send, but DANE needs one to be set. */
		p.sni = mx->host;
	}
	p.names = names;
	p.nnames = n;
	p.tlsa = w->slot == PS_ALT ? w->h->alt : mx->tlsa;
	p.ntlsa = w->slot == PS_ALT ? w->h->nalt : mx->ntlsa;
	p.mode = w->mode;
	p.timeout_ms = e->timeout_ms;
	p.legacy_tls = e->legacy_tls;
	if (w->slot == PS_MAIN && w->mode == SMTP_PROBE_DANE) {
		/* The key it gets decides the key algorithm probe. */
		p.on_tls = on_probe_tls;
		p.on_tls_arg = w;
	}
	switch (w->slot) {
	case PS_RSA:
		p.key_alg = SMTP_PROBE_KEY_RSA;
		break;
	case PS_ECDSA:
		p.key_alg = SMTP_PROBE_KEY_ECDSA;
		break;
	case PS_TLS10:
		p.tls_version = 0x0301;
		p.legacy_tls = 1;
		break;
	case PS_TLS11:
		p.tls_version = 0x0302;
		p.legacy_tls = 1;
		break;
	default:
		break;
	}
	inflight_add(e, w);
	rc = smtp_probe_start(e->base, &p, a, on_probe, w, &w->probe);
	if (rc == 0) {
		return;
	}
	inflight_del(e, w);
	copy_str(a->address, sizeof(a->address), w->addr);
	(void)snprintf(a->error, sizeof(a->error), "probe not started: %s",
	    mxd_strerror(rc));
	work_done(w);
}

/* work_done - a query or probe finished: free it, count it */
static void
work_done(struct ework *w)
{
	struct edom	*dom = w->dom;
	struct engine	*e = dom->e;

	inflight_del(e, w);
	mxd_free(w);
	dom_unref(dom);
	pump(e);
}

/* on_answer - a DNS answer for one work item */
static void
on_answer(void *arg, const struct dns_answer *ans)
{
	struct ework	*w = arg;
	struct edom	*dom = w->dom;

	w->dq = NULL;
	inflight_del(dom->e, w);
	dom_ref(dom);
	switch (w->kind) {
	case Q_MX:
		on_mx(dom, ans);
		break;
	case Q_A:
		on_addr(w->h, 0, ans);
		break;
	case Q_AAAA:
		on_addr(w->h, 1, ans);
		break;
	case Q_CNAME:
		on_cname(w->h, ans);
		break;
	case Q_TLSA:
		on_tlsa(w->h, ans);
		break;
	case Q_TLSA_NOQMIN:
		on_tlsa_noqmin(w->h, ans);
		break;
	case Q_SOA:
		on_soa(w->h, ans);
		break;
	case Q_NS:
		on_ns(w->h, ans);
		break;
	case Q_NS_A:
		on_nsaddr(w->h, w->ai, 0, ans);
		break;
	case Q_NS_AAAA:
		on_nsaddr(w->h, w->ai, 1, ans);
		break;
	case Q_TXT_STS:
	case Q_TXT_RPT:
		on_txt(dom, w->kind, ans);
		break;
	}
	work_done(w);
	dom_unref(dom);
}

/* on_probe - a probe has filled its report_addr */
static void
on_probe(void *arg, struct report_addr *res)
{
	struct ework *w = arg;

	w->probe = NULL;
	extra_next(w, res);
	work_done(w);
}

/* ------------------------------------------------------------------ */
/* Domains                                                             */
/* ------------------------------------------------------------------ */

/* dom_ref - one more piece of work outstanding */
static void
dom_ref(struct edom *dom)
{
	dom->pending++;
}

/* dom_unref - one piece of work done; finish the domain after the last */
static void
dom_unref(struct edom *dom)
{
	if (dom->pending == 0) {
		MXD_PANIC("domain %s: work count below zero", dom->d->domain);
	}
	if (--dom->pending == 0) {
		dom_finish(dom);
	}
}

/* dom_start - the first step: MX lookup, or the host itself */
static void
dom_start(struct edom *dom)
{
	struct report_domain *d = dom->d;

	dom_ref(dom);
	if (!dom->host_mode) {
		char name[DNS_NAME_MAX];

		work_query(dom, NULL, Q_MX, d->domain, DNS_T_MX);
		/* Coexistence (RFC 8461, RFC 8460): both TXT records. */
		if (snprintf(name, sizeof(name), "_mta-sts.%s", d->domain) <
		    (int)sizeof(name)) {
			work_query(dom, NULL, Q_TXT_STS, name, T_TXT);
		}
		if (snprintf(name, sizeof(name), "_smtp._tls.%s", d->domain) <
		    (int)sizeof(name)) {
			work_query(dom, NULL, Q_TXT_RPT, name, T_TXT);
		}
	} else if (hosts_alloc(dom, 1) == 0) {
		copy_str(d->mx[0].host, sizeof(d->mx[0].host), d->domain);
		d->mx[0].preference = -1;
		if (is_ip_literal(d->domain)) {
			/* An address literal: DANE does not apply
			 * (RFC 7672 §2.2), but records given on the command
			 * line are tried against it. */
			struct report_addr *a;

			a = mxd_calloc(1, sizeof(*a));
			if (a == NULL) {
				copy_str(d->error, sizeof(d->error),
				    "out of memory");
			} else {
				d->mx[0].addrs = a;
				d->mx[0].naddrs = 1;
				copy_str(a->address, sizeof(a->address),
				    d->domain);
				a->family = strchr(d->domain, ':') != NULL ?
				    AF_INET6 : AF_INET;
				a->depth = -1;
				host_probes_start(&dom->hosts[0]);
			}
		} else {
			host_start(&dom->hosts[0]);
		}
	}
	dom_unref(dom);
}

/* dom_finish - findings, verdict, hand over */
static void
dom_finish(struct edom *dom)
{
	struct engine		*e = dom->e;
	struct report_domain	*d = dom->d;
	size_t			 i, ntlsa = 0;

	for (i = 0; i < d->nmx; i++) {
		if (d->mx[i].tlsa_state == REPORT_TLSA_USABLE ||
		    d->mx[i].tlsa_state == REPORT_TLSA_UNUSABLE) {
			ntlsa++;
		}
	}
	if (!dom->host_mode && d->mx_sec == REPORT_SEC_INSECURE &&
	    ntlsa > 0 && e->ntlsa == 0) {
		(void)dane_finding_add(d, "insecure-mx-with-tlsa", NULL,
		    "the MX RRset of %s is not DNSSEC-signed, so DANE does "
		    "not apply to this domain, although MX hosts publish TLSA "
		    "records (%zu of %zu; Postfix's default policy still uses "
		    "them)", d->domain, ntlsa, d->nmx);
	}
	if (e->ntlsa > 0) {
		(void)dane_finding_add(d, "tlsa-from-command-line", NULL,
		    "the TLSA records checked are the %zu "
		    "given on the command line, not those published in DNS",
		    e->ntlsa);
	}
	for (i = 0; i < d->nmx && dom->hosts != NULL; i++) {
		extra_merge(&dom->hosts[i]);
		alt_merge(&dom->hosts[i]);
	}
	dane_findings_analyse(d, time(NULL));
	if (dom->host_mode && d->nmx == 1) {
		/* No MX RRset was looked up: the host is the next hop
		 * (RFC 7672 §2.2.2), as secure as its own addresses; with
		 * records from the command line it is taken as signed. */
		d->mx_sec = e->ntlsa > 0 ? REPORT_SEC_SECURE :
		    d->mx[0].addr_sec == REPORT_SEC_UNKNOWN ?
		    REPORT_SEC_INSECURE : d->mx[0].addr_sec;
	}
	dane_verdict_domain(d, e->require_dane);
	/* A finding is as serious as it says: a domain that verifies but
	 * whose zone hides its TLSA records from most resolvers is no OK. */
	for (i = 0; i < d->nfindings; i++) {
		enum report_status fs;

		fs = dane_finding_status(d->findings[i].severity);
		if (d->status != REPORT_UNKNOWN && fs > d->status) {
			d->status = fs;
		}
	}
	if (dom->prev != NULL) {
		dom->prev->next = dom->next;
	} else {
		e->active = dom->next;
	}
	if (dom->next != NULL) {
		dom->next->prev = dom->prev;
	}
	e->nactive--;
	for (i = 0; i < d->nmx && dom->hosts != NULL; i++) {
		host_cleanup(&dom->hosts[i]);
	}
	dom->d = NULL;
	mxd_free(dom->hosts);
	mxd_free(dom);
	e->cb(e->cbarg, d);
	pump(e);
}

/* hosts_alloc - the MX host array of a domain, and its work records */
static int
hosts_alloc(struct edom *dom, size_t n)
{
	struct report_domain	*d = dom->d;
	size_t			 i;

	d->mx = mxd_calloc(n, sizeof(*d->mx));
	dom->hosts = mxd_calloc(n, sizeof(*dom->hosts));
	if (d->mx == NULL || dom->hosts == NULL) {
		mxd_free(d->mx);
		mxd_free(dom->hosts);
		d->mx = NULL;
		dom->hosts = NULL;
		copy_str(d->error, sizeof(d->error), "out of memory");
		return MXD_ENOMEM;
	}
	d->nmx = n;
	for (i = 0; i < n; i++) {
		dom->hosts[i].dom = dom;
		dom->hosts[i].mx = &d->mx[i];
		d->mx[i].addr_sec = REPORT_SEC_UNKNOWN;
		d->mx[i].tlsa_state = REPORT_TLSA_NOT_LOOKED;
		d->mx[i].tlsa_sec = REPORT_SEC_UNKNOWN;
	}
	return 0;
}

/* mx_cmp - by preference, then by name */
static int
mx_cmp(const void *a, const void *b)
{
	const struct report_mx *x = a, *y = b;

	if (x->preference != y->preference) {
		return x->preference < y->preference ? -1 : 1;
	}
	return strcmp(x->host, y->host);
}

/* on_mx - the MX answer: hosts, null MX, implicit MX, or an error */
static void
on_mx(struct edom *dom, const struct dns_answer *ans)
{
	struct report_domain	*d = dom->d;
	struct report_mx	*tmp;
	size_t			 i, n = 0, k, bad = 0, dots = 0;

	d->mx_sec = sec_map(ans->sec);
	copy_str(d->mx_cname, sizeof(d->mx_cname), ans->canonname);
	if (is_error(ans->sec)) {
		/* RFC 7672 §2.1.2: the servers cannot be chosen: defer. */
		(void)snprintf(d->error, sizeof(d->error), "MX lookup of "
		    "%.100s is %s: %.120s", d->domain, dns_sec_str(ans->sec), ans->why);
		return;
	}
	if (ans->nxdomain) {
		(void)snprintf(d->error, sizeof(d->error), "%.200s does not "
		    "exist (%s NXDOMAIN)", d->domain, dns_sec_str(ans->sec));
		return;
	}
	if (!ans->havedata || ans->nrr == 0) {
		/* No MX: the domain itself (RFC 5321 §5.1). */
		d->implicit_mx = 1;
		if (hosts_alloc(dom, 1) != 0) {
			return;
		}
		copy_str(d->mx[0].host, sizeof(d->mx[0].host), d->domain);
		d->mx[0].preference = -1;
		host_start(&dom->hosts[0]);
		return;
	}
	tmp = mxd_calloc(ans->nrr, sizeof(*tmp));
	if (tmp == NULL) {
		copy_str(d->error, sizeof(d->error), "out of memory");
		return;
	}
	for (i = 0; i < ans->nrr; i++) {
		unsigned	pref;
		char		host[DNS_NAME_MAX];

		if (dns_wire_mx(ans->rr[i].data, ans->rr[i].len, &pref, host,
		    sizeof(host)) != 0) {
			bad++;
			continue;
		}
		if (strcmp(host, ".") == 0) {
			dots++;
			continue;
		}
		for (k = 0; k < n && strcmp(tmp[k].host, host) != 0; k++) {
			continue;
		}
		if (k < n) {
			if ((int)pref < tmp[k].preference) {
				tmp[k].preference = (int)pref;
			}
			continue;
		}
		copy_str(tmp[n].host, sizeof(tmp[n].host), host);
		tmp[n].preference = (int)pref;
		n++;
	}
	if (bad > 0) {
		(void)dane_finding_add(d, "mx-malformed", NULL, "%zu MX "
		    "records of %s could not be parsed and were ignored", bad,
		    d->domain);
	}
	if (n == 0 && dots > 0) {
		d->null_mx = 1;			/* RFC 7505: no mail */
		mxd_free(tmp);
		return;
	}
	if (dots > 0) {
		(void)dane_finding_add(d, "null-mx-mixed", NULL, "%s has a "
		    "null MX next to %zu other MX record%s: Postfix bounces "
		    "its mail, other senders use the other hosts", d->domain,
		    n, n == 1 ? "" : "s");
	}
	if (n == 0) {
		copy_str(d->error, sizeof(d->error), "no usable MX record");
		mxd_free(tmp);
		return;
	}
	qsort(tmp, n, sizeof(*tmp), mx_cmp);
	if (n > ENGINE_MX_MAX) {
		(void)dane_finding_add(d, "mx-too-many", NULL, "%s has %zu MX "
		    "hosts; only the first %d by preference are checked",
		    d->domain, n, ENGINE_MX_MAX);
		n = ENGINE_MX_MAX;
	}
	if (hosts_alloc(dom, n) != 0) {
		mxd_free(tmp);
		return;
	}
	for (i = 0; i < n; i++) {
		copy_str(d->mx[i].host, sizeof(d->mx[i].host), tmp[i].host);
		d->mx[i].preference = tmp[i].preference;
	}
	mxd_free(tmp);
	for (i = 0; i < n; i++) {
		if (is_ip_literal(d->mx[i].host)) {
			(void)snprintf(d->mx[i].error, sizeof(d->mx[i].error),
			    "the MX target is an IP address, not a host "
			    "name: DANE does not apply (RFC 7672 §2.2)");
			continue;
		}
		host_start(&dom->hosts[i]);
	}
}

/* on_txt - an MTA-STS or TLS-RPT record of the domain (info) */
static void
on_txt(struct edom *dom, enum qkind kind, const struct dns_answer *ans)
{
	const char	*want = kind == Q_TXT_STS ? "v=STSv1" : "v=TLSRPTv1";
	size_t		 i, n = strlen(want);

	if (is_error(ans->sec) || !ans->havedata) {
		return;
	}
	for (i = 0; i < ans->nrr; i++) {
		const uint8_t *p = ans->rr[i].data;

		/* The first character-string starts with the version. */
		if (ans->rr[i].len < n + 1 || p[0] < n ||
		    memcmp(p + 1, want, n) != 0) {
			continue;
		}
		(void)dane_finding_add(dom->d, kind == Q_TXT_STS ?
		    "mta-sts-present" : "tls-rpt-present", NULL,
		    "%s publishes %s (%s)", dom->d->domain, kind == Q_TXT_STS ?
		    "an MTA-STS record at _mta-sts" : "a TLS reporting "
		    "record at _smtp._tls", dns_sec_str(ans->sec));
		return;
	}
}

/* ------------------------------------------------------------------ */
/* MX hosts                                                            */
/* ------------------------------------------------------------------ */

/* host_start - A and AAAA of one MX host */
static void
host_start(struct ehost *h)
{
	struct engine *e = h->dom->e;

	h->asked = (e->family == 6 ? 0 : 1) | (e->family == 4 ? 0 : 2);
	if (h->asked & 1) {
		work_query(h->dom, h, Q_A, h->mx->host, DNS_T_A);
	}
	if (h->asked & 2) {
		work_query(h->dom, h, Q_AAAA, h->mx->host, DNS_T_AAAA);
	}
}

/* on_addr - an A (fam 0) or AAAA (fam 1) answer */
static void
on_addr(struct ehost *h, int fam, const struct dns_answer *ans)
{
	struct report_mx	*mx = h->mx;
	size_t			 i;

	h->sec[fam] = ans->sec;
	h->nxdomain[fam] = ans->nxdomain;
	if (is_error(ans->sec) && mx->error[0] == '\0') {
		(void)snprintf(mx->error, sizeof(mx->error), "%s lookup of "
		    "%.100s is %s: %.120s", fam == 0 ? "A" : "AAAA", mx->host,
		    dns_sec_str(ans->sec), ans->why);
	}
	if (!is_error(ans->sec) && mx->cname[0] == '\0') {
		copy_str(mx->cname, sizeof(mx->cname), ans->canonname);
	}
	for (i = 0; !is_error(ans->sec) && i < ans->nrr &&
	    h->naddr[fam] < ENGINE_ADDR_MAX; i++) {
		size_t want = fam == 0 ? 4 : 16;

		if (ans->rr[i].len != want ||
		    inet_ntop(fam == 0 ? AF_INET : AF_INET6, ans->rr[i].data,
		    h->addr[fam][h->naddr[fam]], REPORT_ADDR_MAX) == NULL) {
			continue;
		}
		h->naddr[fam]++;
	}
	h->answered |= fam == 0 ? 1 : 2;
	if (h->answered == h->asked) {
		host_addrs_done(h);
	}
}

/* host_addrs_done - both address answers in: base domain, then TLSA */
static void
host_addrs_done(struct ehost *h)
{
	struct report_mx	*mx = h->mx;
	enum dns_sec		 worst = DNS_SEC_SECURE;
	size_t			 fam, i, n = 0;
	int			 nx = 1;

	/* The host is as secure as its least secure answer; an error in
	 * either makes it unusable (RFC 7672 §2.1.2: skip the host). */
	for (fam = 0; fam < 2; fam++) {
		if (!(h->asked & (1 << fam))) {
			continue;
		}
		if (h->sec[fam] < worst) {
			worst = h->sec[fam];
		}
		nx &= h->nxdomain[fam];
		n += h->naddr[fam];
	}
	mx->addr_sec = sec_map(worst);
	if (is_error(worst)) {
		return;
	}
	if (n == 0) {
		(void)snprintf(mx->error, sizeof(mx->error), "%.200s has "
		    "no address records (%s)", mx->host, nx ? "NXDOMAIN" :
		    "no data");
		return;
	}
	mx->addrs = mxd_calloc(n, sizeof(*mx->addrs));
	if (mx->addrs == NULL) {
		copy_str(mx->error, sizeof(mx->error), "out of memory");
		return;
	}
	for (fam = 0; fam < 2; fam++) {
		for (i = 0; i < h->naddr[fam]; i++) {
			struct report_addr *a = &mx->addrs[mx->naddrs++];

			copy_str(a->address, sizeof(a->address),
			    h->addr[fam][i]);
			a->family = fam == 0 ? AF_INET : AF_INET6;
			a->depth = -1;
		}
	}
	if (worst == DNS_SEC_SECURE) {
		/* Secure CNAME or no CNAME (RFC 7672 §2.2.2). */
		if (mx->cname[0] != '\0') {
			copy_str(mx->base_domain, sizeof(mx->base_domain),
			    mx->cname);
			h->expanded = 1;
		} else {
			copy_str(mx->base_domain, sizeof(mx->base_domain),
			    mx->host);
		}
		host_tlsa_lookup(h);
		return;
	}
	if (mx->cname[0] != '\0') {
		/* Insecure CNAME: is the first link secure? (Postfix asks
		 * with qtype CNAME, whose answer is that link only.) */
		work_query(h->dom, h, Q_CNAME, mx->host, DNS_T_CNAME);
		return;
	}
	host_probes_start(h);		/* insecure: DANE does not apply */
}

/* on_cname - security of the first CNAME link of an insecure chain */
static void
on_cname(struct ehost *h, const struct dns_answer *ans)
{
	struct report_mx *mx = h->mx;

	if (is_error(ans->sec)) {
		mx->tlsa_state = REPORT_TLSA_ERROR;
		mx->tlsa_sec = sec_map(ans->sec);
		(void)snprintf(mx->error, sizeof(mx->error), "CNAME lookup of "
		    "%.100s is %s: %.120s", mx->host, dns_sec_str(ans->sec),
		    ans->why);
	} else if (ans->sec == DNS_SEC_SECURE && ans->havedata) {
		/* Secure first link, insecure end: the original name. */
		copy_str(mx->base_domain, sizeof(mx->base_domain), mx->host);
		host_tlsa_lookup(h);
		return;
	}
	host_probes_start(h);
}

/* host_tlsa_lookup - TLSA at _PORT._tcp.BASE */
static void
host_tlsa_lookup(struct ehost *h)
{
	struct report_mx	*mx = h->mx;
	int			 len;

	len = snprintf(mx->tlsa_owner, sizeof(mx->tlsa_owner), "_%u._tcp.%s",
	    h->dom->e->port, mx->base_domain);
	if (len < 0 || (size_t)len >= sizeof(mx->tlsa_owner)) {
		mx->tlsa_state = REPORT_TLSA_ERROR;
		(void)snprintf(mx->error, sizeof(mx->error), "TLSA owner name "
		    "for %.200s is too long", mx->base_domain);
		mx->tlsa_owner[0] = '\0';
		host_probes_start(h);
		return;
	}
	work_query(h->dom, h, Q_TLSA, mx->tlsa_owner, DNS_T_TLSA);
}

/* on_tlsa - the TLSA answer decides what the sender must do */
static void
on_tlsa(struct ehost *h, const struct dns_answer *ans)
{
	struct report_mx	*mx = h->mx;

	mx->tlsa_sec = sec_map(ans->sec);
	mx->tlsa_ttl = ans->ttl;
	if (is_error(ans->sec)) {
		/* RFC 7672 §2.1.2: this host is unreachable. */
		mx->tlsa_state = REPORT_TLSA_ERROR;
		(void)snprintf(mx->error, sizeof(mx->error), "TLSA lookup of "
		    "%.100s is %s: %.120s", mx->tlsa_owner, dns_sec_str(ans->sec),
		    ans->why);
	} else if (ans->sec == DNS_SEC_SECURE && ans->havedata &&
	    ans->nrr > 0) {
		if (tlsa_take(h, ans) == 0 &&
		    mx->tlsa_state == REPORT_TLSA_USABLE &&
		    h->dom->e->ntlsa == 0) {
			/* Every server's copy, next to the probes. */
			work_query_ns(h->dom, h, Q_SOA, mx->tlsa_owner,
			    DNS_T_SOA, 0);
		}
	} else if (ans->sec == DNS_SEC_SECURE) {
		if (h->expanded && strcmp(mx->base_domain, mx->host) != 0) {
			/* Secure denial at the expanded name: the original
			 * name is the next candidate (RFC 7672 §2.2.2). */
			h->expanded = 0;
			copy_str(mx->base_domain, sizeof(mx->base_domain),
			    mx->host);
			host_tlsa_lookup(h);
			return;
		}
		mx->tlsa_state = REPORT_TLSA_NONE;
		if (ans->nxdomain) {
			ent_check(h);
			return;
		}
	} else {
		mx->tlsa_state = REPORT_TLSA_NONE;
		if (ans->havedata) {
			(void)dane_finding_add(h->dom->d, "tlsa-insecure",
			    mx->host, "the TLSA records of %s%s%s%s are "
			    "not DNSSEC-signed: senders ignore them",
			    mx->tlsa_owner, ans->canonname[0] != '\0' ?
			    ", a CNAME to " : "", ans->canonname,
			    ans->canonname[0] != '\0' ? "," : "");
		}
	}
	host_probes_start(h);
}

/* tlsa_take - the records of a secure TLSA answer and the host's state */
static int
tlsa_take(struct ehost *h, const struct dns_answer *ans)
{
	struct report_mx	*mx = h->mx;
	size_t			 i, usable = 0, bad = 0;

	mx->tlsa = mxd_calloc(ans->nrr, sizeof(*mx->tlsa));
	if (mx->tlsa == NULL) {
		mx->tlsa_state = REPORT_TLSA_ERROR;
		copy_str(mx->error, sizeof(mx->error), "out of memory");
		return MXD_ENOMEM;
	}
	for (i = 0; i < ans->nrr; i++) {
		struct tlsa_rr *rr = &mx->tlsa[mx->ntlsa];

		if (tlsa_rr_from_wire(ans->rr[i].data, ans->rr[i].len, rr,
		    NULL) != 0) {
			bad++;
			continue;
		}
		if (tlsa_rr_usable(rr) == TLSA_USABLE) {
			usable++;
		}
		mx->ntlsa++;
	}
	if (bad > 0) {
		(void)dane_finding_add(h->dom->d, "tlsa-malformed", mx->host,
		    "%zu TLSA records at %s "
		    "are shorter than 3 octets and unusable", bad,
		    mx->tlsa_owner);
	}
	/* RFC 7672 §2.2: usable → DANE; present but none usable → TLS
	 * without authentication. */
	mx->tlsa_state = usable > 0 ? REPORT_TLSA_USABLE :
	    REPORT_TLSA_UNUSABLE;
	return 0;
}

/* ent_check - ask a secure NXDOMAIN for TLSA again, unminimised */
static void
ent_check(struct ehost *h)
{
	struct engine *e = h->dom->e;

	switch (e->ent) {
	case ENT_READY:
		/* The probes start from on_tlsa_noqmin(). */
		work_query(h->dom, h, Q_TLSA_NOQMIN, h->mx->tlsa_owner,
		    DNS_T_TLSA);
		return;
	case ENT_FAILED:
		host_probes_start(h);
		return;
	case ENT_IDLE:
		if (dns_ctx_start(e->dns_noqmin, on_ent_start, e) != 0) {
			e->ent = ENT_FAILED;
			host_probes_start(h);
			return;
		}
		e->ent = ENT_STARTING;
		break;
	case ENT_STARTING:
		break;
	}
	dom_ref(h->dom);		/* until the resolver is ready */
	h->ent_next = e->ent_wait;
	e->ent_wait = h;
}

/* on_ent_start - the unminimising resolver is ready, or cannot work */
static void
on_ent_start(void *arg, int code, const struct mxd_err *err)
{
	struct engine	*e = arg;
	struct ehost	*h, *next;

	e->ent = code == 0 ? ENT_READY : ENT_FAILED;
	if (code != 0) {
		(void)snprintf(e->ent_note, sizeof(e->ent_note), "the empty "
		    "non-terminal check cannot resolve from the root: %.200s",
		    err != NULL ? err->msg : "");
	}
	h = e->ent_wait;
	e->ent_wait = NULL;
	for (; h != NULL; h = next) {
		struct edom *dom = h->dom;

		next = h->ent_next;
		h->ent_next = NULL;
		ent_check(h);
		dom_unref(dom);
	}
	pump(e);
}

/* on_tlsa_noqmin - records the minimising lookup could not see */
static void
on_tlsa_noqmin(struct ehost *h, const struct dns_answer *ans)
{
	struct report_mx *mx = h->mx;

	if (ans->sec == DNS_SEC_SECURE && ans->havedata && ans->nrr > 0 &&
	    tlsa_take(h, ans) == 0) {
		/* The records exist; minimising senders never see them. */
		mx->tlsa_ttl = ans->ttl;
		(void)dane_finding_add(h->dom->d, "tlsa-ent-nxdomain",
		    mx->host, "the TLSA records at %s exist, but the zone "
		    "answers NXDOMAIN for the empty non-terminal above them: "
		    "resolvers with QNAME minimisation get a secure NXDOMAIN "
		    "and senders using them skip DANE silently",
		    mx->tlsa_owner);
	}
	host_probes_start(h);
}

/* ------------------------------------------------------------------ */
/* The authoritative servers' copies of a TLSA RRset                   */
/* ------------------------------------------------------------------ */

/* work_query_ns - a query of the consistency check, NS index ni */
static void
work_query_ns(struct edom *dom, struct ehost *h, enum qkind kind,
    const char *qname, int qtype, size_t ni)
{
	struct ework *w;

	w = mxd_calloc(1, sizeof(*w));
	if (w == NULL) {
		/* A side check: without memory it is left out. */
		if (kind == Q_NS_A || kind == Q_NS_AAAA) {
			if (h->ns_pending > 0 && --h->ns_pending == 0) {
				fanout_start(h);
			}
		}
		return;
	}
	w->dom = dom;
	w->h = h;
	w->kind = kind;
	w->qtype = qtype;
	w->ai = ni;
	copy_str(w->qname, sizeof(w->qname), qname);
	dom_ref(dom);
	q_push(&dom->e->qwait, w);
	pump(dom->e);
}

/* on_soa - the zone that holds the TLSA owner */
static void
on_soa(struct ehost *h, const struct dns_answer *ans)
{
	if (is_error(ans->sec) || ans->zone[0] == '\0') {
		return;			/* no zone, no check */
	}
	copy_str(h->zone, sizeof(h->zone), ans->zone);
	work_query_ns(h->dom, h, Q_NS, h->zone, DNS_T_NS, 0);
}

/* on_ns - the zone's nameservers: ask for their addresses */
static void
on_ns(struct ehost *h, const struct dns_answer *ans)
{
	size_t i, n;

	if (is_error(ans->sec) || !ans->havedata) {
		return;
	}
	for (i = 0; i < ans->nrr && h->nns < NS_MAX; i++) {
		size_t off = 0;

		if (dns_wire_name(ans->rr[i].data, ans->rr[i].len, &off,
		    h->ns[h->nns], DNS_NAME_MAX) != 0 ||
		    off != ans->rr[i].len) {
			continue;
		}
		h->nns++;
	}
	n = h->nns;
	h->ns_pending = 2 * n;
	for (i = 0; i < n; i++) {
		work_query_ns(h->dom, h, Q_NS_A, h->ns[i], DNS_T_A, i);
		work_query_ns(h->dom, h, Q_NS_AAAA, h->ns[i], DNS_T_AAAA, i);
	}
}

/* on_nsaddr - one nameserver's addresses; the fan-out after the last */
static void
on_nsaddr(struct ehost *h, size_t ni, int fam, const struct dns_answer *ans)
{
	char	text[REPORT_ADDR_MAX];
	size_t	i;

	for (i = 0; !is_error(ans->sec) && i < ans->nrr &&
	    h->nsrv < SRV_MAX; i++) {
		if (ans->rr[i].len != (fam == 0 ? 4u : 16u) ||
		    inet_ntop(fam == 0 ? AF_INET : AF_INET6, ans->rr[i].data,
		    text, sizeof(text)) == NULL) {
			continue;
		}
		(void)dns_auth_servers_add(&h->srv, &h->nsrv, h->ns[ni], text,
		    53, NULL);
	}
	if (h->ns_pending > 0 && --h->ns_pending == 0) {
		fanout_start(h);
	}
}

/* fanout_start - ask every server for the TLSA RRset at once */
static void
fanout_start(struct ehost *h)
{
	struct engine *e = h->dom->e;

	if (h->nsrv < 1) {
		return;
	}
	dom_ref(h->dom);
	if (dns_auth_query_all(e->base, h->srv, h->nsrv, h->mx->tlsa_owner,
	    DNS_T_TLSA, e->timeout_ms, on_fanout, h, &h->fan, NULL) != 0) {
		h->fan = NULL;
		dom_unref(h->dom);
	}
	if (h->nsrv < 2) {
		return;			/* one serial cannot differ */
	}
	dom_ref(h->dom);
	if (dns_auth_query_all(e->base, h->srv, h->nsrv, h->zone, DNS_T_SOA,
	    e->timeout_ms, on_fanout_soa, h, &h->fan_soa, NULL) != 0) {
		h->fan_soa = NULL;
		dom_unref(h->dom);
	}
}

/* on_fanout_soa - every server's SOA serial of the zone */
static void
on_fanout_soa(void *arg, struct dns_auth_result *res, size_t n)
{
	struct ehost	*h = arg;
	struct edom	*dom = h->dom;
	size_t		 i, first = n;

	h->fan_soa = NULL;
	for (i = 0; i < n; i++) {
		const struct dns_auth_answer *a = &res[i].answer;

		if (a->state != DNS_AUTH_DATA || !a->has_soa) {
			continue;
		}
		if (first == n) {
			first = i;
			continue;
		}
		if (a->serial != res[first].answer.serial) {
			(void)dane_finding_add(dom->d, "ns-serial-differs",
			    h->mx->host, "the servers of %s serve different "
			    "SOA serials: %u at %.100s (%s), %u at %.100s (%s)",
			    h->zone, (unsigned)res[first].answer.serial,
			    res[first].server.name, res[first].server.text,
			    (unsigned)a->serial, res[i].server.name,
			    res[i].server.text);
			break;
		}
	}
	dns_auth_results_free(res, n);
	dom_unref(dom);
}

/* fanout_server - an unreachable or lame server; RRSIGs near expiry */
static void
fanout_server(struct ehost *h, const struct dns_auth_result *r,
    time_t now)
{
	const struct dns_auth_answer	*a = &r->answer;
	struct report_domain		*d = h->dom->d;
	size_t				 k;

	switch (a->state) {
	case DNS_AUTH_TIMEOUT:
	case DNS_AUTH_UNREACHABLE:
		(void)dane_finding_add(d, "ns-unreachable", h->mx->host,
		    "nameserver %.100s of %s at %s does not answer: %.100s",
		    r->server.name, h->zone, r->server.text,
		    a->why[0] != '\0' ? a->why : "no reply");
		return;
	case DNS_AUTH_LAME:
	case DNS_AUTH_RCODE:
	case DNS_AUTH_BADREPLY:
		(void)dane_finding_add(d, "ns-lame", h->mx->host,
		    "nameserver %.100s of %s at %s gives no authoritative "
		    "answer for %s: %.100s", r->server.name, h->zone,
		    r->server.text, h->mx->tlsa_owner,
		    a->why[0] != '\0' ? a->why : "not authoritative");
		return;
	case DNS_AUTH_DATA:
		break;
	default:
		return;
	}
	for (k = 0; k < a->nsig; k++) {
		/* Serial number arithmetic is not needed before 2106. */
		int64_t left = (int64_t)a->sig[k].expiration - (int64_t)now;

		if (left >= 0 && left < SIG_WARN_S) {
			(void)dane_finding_add(d, "dnssec-sig-expiring",
			    h->mx->host, "an RRSIG over the TLSA RRset at %s, "
			    "served by %.100s (%s), expires in %lld hours",
			    h->mx->tlsa_owner, r->server.name, r->server.text,
			    (long long)(left / 3600));
			break;
		}
	}
}

/* same_rrset - does a server's RRset equal the validated one? */
static int
same_rrset(const struct report_mx *mx, const struct dns_auth_answer *a)
{
	size_t i, k;

	if (a->nrr != mx->ntlsa) {
		return 0;
	}
	for (i = 0; i < a->nrr; i++) {
		const uint8_t *d = a->rr[i].data;

		for (k = 0; k < mx->ntlsa; k++) {
			const struct tlsa_rr *t = &mx->tlsa[k];

			if (a->rr[i].len == t->len + 3 && d[0] == t->usage &&
			    d[1] == t->selector && d[2] == t->mtype &&
			    memcmp(d + 3, t->data, t->len) == 0) {
				break;
			}
		}
		if (k == mx->ntlsa) {
			return 0;
		}
	}
	return 1;
}

/* on_fanout - compare every server's copy with the validated RRset */
static void
on_fanout(void *arg, struct dns_auth_result *res, size_t n)
{
	struct ehost		*h = arg;
	struct edom		*dom = h->dom;
	struct report_mx	*mx = h->mx;
	size_t			 i, ndiff = 0, nmissing = 0, usable = 0;
	char			 who[160] = "";

	h->fan = NULL;
	for (i = 0; i < n; i++) {
		const struct dns_auth_answer *a = &res[i].answer;

		fanout_server(h, &res[i], time(NULL));
		if (a->cname) {
			/* The owner is an alias (RFC 7671 §7): the records
			 * are at its target, which this server may not
			 * serve. Not compared. */
			continue;
		}
		if (a->state == DNS_AUTH_DATA && same_rrset(mx, a) &&
		    a->ttl > mx->tlsa_ttl) {
			/* The TTL as published, not as a cache counts it
			 * down. */
			mx->tlsa_ttl = a->ttl;
		}
		if (a->state == DNS_AUTH_NODATA ||
		    a->state == DNS_AUTH_NXDOMAIN) {
			nmissing++;
			if (who[0] == '\0') {
				(void)snprintf(who, sizeof(who), "%.100s (%s)",
				    res[i].server.name, res[i].server.text);
			}
			continue;
		}
		if (a->state != DNS_AUTH_DATA || same_rrset(mx, a)) {
			continue;
		}
		ndiff++;
		if (h->alt != NULL || a->nrr == 0) {
			continue;
		}
		h->alt = mxd_calloc(a->nrr, sizeof(*h->alt));
		if (h->alt == NULL) {
			continue;
		}
		for (size_t k = 0; k < a->nrr; k++) {
			if (tlsa_rr_from_wire(a->rr[k].data, a->rr[k].len,
			    &h->alt[h->nalt], NULL) == 0) {
				usable += tlsa_rr_usable(&h->alt[h->nalt]) ==
				    TLSA_USABLE;
				h->nalt++;
			}
		}
		(void)snprintf(h->alt_from, sizeof(h->alt_from), "%.100s (%s)",
		    res[i].server.name, res[i].server.text);
	}
	dns_auth_results_free(res, n);
	if (ndiff + nmissing > 0) {
		(void)dane_finding_add(dom->d, "tlsa-servers-differ", mx->host,
		    "the authoritative servers of %s "
		    "disagree on %s: %zu serve other records%s%s, %zu none; "
		    "senders whose resolver asks them see those", h->zone,
		    mx->tlsa_owner, ndiff, h->alt_from[0] != '\0' ?
		    ", for example " : "", h->alt_from, nmissing);
	}
	if (usable > 0 && mx->naddrs > 0) {
		h->alt_addrs = mxd_calloc(mx->naddrs, sizeof(*h->alt_addrs));
		for (i = 0; h->alt_addrs != NULL && i < mx->naddrs; i++) {
			work_probe(dom, h, i, SMTP_PROBE_DANE, PS_ALT);
		}
	}
	dom_unref(dom);
}

/* alt_merge - an address that fails with another server's RRset fails */
static void
alt_merge(struct ehost *h)
{
	struct report_mx	*mx = h->mx;
	size_t			 i;

	for (i = 0; h->alt_addrs != NULL && i < mx->naddrs; i++) {
		struct report_addr	*m = &mx->addrs[i];
		struct report_addr	*a = &h->alt_addrs[i];
		char			 why[REPORT_ERR_MAX];

		if (a->dane != REPORT_ADDR_FAIL || m->dane == REPORT_ADDR_FAIL) {
			continue;
		}
		copy_str(why, sizeof(why), a->error);
		m->dane = REPORT_ADDR_FAIL;
		m->matched[0] = '\0';
		m->depth = -1;
		(void)snprintf(m->error, sizeof(m->error), "with the TLSA "
		    "records served by %.60s: %.140s", h->alt_from, why);
	}
}

/* host_cleanup - what the consistency check holds */
static void
host_cleanup(struct ehost *h)
{
	size_t i, k;

	if (h->fan != NULL) {
		dns_auth_fanout_cancel(h->fan);
		h->fan = NULL;
	}
	mxd_free(h->srv);
	h->srv = NULL;
	h->nsrv = 0;
	for (i = 0; i < h->nalt; i++) {
		tlsa_rr_clear(&h->alt[i]);
	}
	mxd_free(h->alt);
	h->alt = NULL;
	h->nalt = 0;
	for (i = 0; h->alt_addrs != NULL && i < h->mx->naddrs; i++) {
		mxd_free(h->alt_addrs[i].chain);
	}
	mxd_free(h->alt_addrs);
	h->alt_addrs = NULL;
	if (h->fan_soa != NULL) {
		dns_auth_fanout_cancel(h->fan_soa);
		h->fan_soa = NULL;
	}
	for (k = 0; k < PS_EXTRA; k++) {
		for (i = 0; h->xaddrs[k] != NULL && i < h->mx->naddrs; i++) {
			mxd_free(h->xaddrs[k][i].chain);
		}
		mxd_free(h->xaddrs[k]);
		h->xaddrs[k] = NULL;
	}
}

/* host_probes_start - probe every address in the mode the TLSA requires */
static void
host_probes_start(struct ehost *h)
{
	struct engine		*e = h->dom->e;
	struct report_mx	*mx = h->mx;
	enum smtp_probe_mode	 mode;
	size_t			 i, usable = 0;

	if (e->ntlsa > 0) {
		/* Pre-publish test: the given records replace any found. */
		for (i = 0; i < mx->ntlsa; i++) {
			tlsa_rr_clear(&mx->tlsa[i]);
		}
		mxd_free(mx->tlsa);
		mx->ntlsa = 0;
		mx->tlsa = mxd_calloc(e->ntlsa, sizeof(*mx->tlsa));
		if (mx->tlsa == NULL) {
			copy_str(mx->error, sizeof(mx->error),
			    "out of memory");
			return;
		}
		for (i = 0; i < e->ntlsa; i++) {
			if (tlsa_rr_copy(&mx->tlsa[mx->ntlsa], &e->tlsa[i]) !=
			    0) {
				continue;
			}
			if (tlsa_rr_usable(&e->tlsa[i]) == TLSA_USABLE) {
				usable++;
			}
			mx->ntlsa++;
		}
		mx->tlsa_state = usable > 0 ? REPORT_TLSA_USABLE :
		    REPORT_TLSA_UNUSABLE;
		if (mx->base_domain[0] == '\0' && !is_ip_literal(mx->host)) {
			copy_str(mx->base_domain, sizeof(mx->base_domain),
			    mx->host);
		}
	}
	if (mx->tlsa_state == REPORT_TLSA_ERROR) {
		/* RFC 7672 §2.1.2: senders do not connect to this host. */
		for (i = 0; i < mx->naddrs; i++) {
			copy_str(mx->addrs[i].error, sizeof(mx->addrs[i].error),
			    "not probed: the TLSA lookup failed, so senders do "
			    "not deliver to this host (RFC 7672 §2.1.2)");
		}
		return;
	}
	switch (mx->tlsa_state) {
	case REPORT_TLSA_USABLE:
		mode = SMTP_PROBE_DANE;
		break;
	case REPORT_TLSA_UNUSABLE:
		mode = SMTP_PROBE_ENCRYPT;
		break;
	default:
		mode = SMTP_PROBE_OPPORTUNISTIC;
		break;
	}
	if (mode != SMTP_PROBE_OPPORTUNISTIC) {
		extra_probes_start(h, mode);
	}
	for (i = 0; i < mx->naddrs; i++) {
		work_probe(h->dom, h, i, mode, PS_MAIN);
		/* TLS 1.1 needs nothing from the main probe: alongside it. */
		if (h->xaddrs[PS_TLS11 - PS_RSA] != NULL) {
			work_probe(h->dom, h, i, SMTP_PROBE_OPPORTUNISTIC,
			    PS_TLS11);
		}
	}
}

/*
 * extra_probes_start - room for the findings' handshakes, only those that
 * can tell something new: TLS 1.1 (alongside the address's own probe),
 * TLS 1.0 only when TLS 1.1 failed, and the key algorithm the server did
 * not choose (once its own probe has shown which: extra_next()). At most
 * two connections to an address at a time; typically two more handshakes
 * per address of a host with TLSA records.
 */
static void
extra_probes_start(struct ehost *h, enum smtp_probe_mode mode)
{
	struct report_mx	*mx = h->mx;
	size_t			 k;

	if (mx->naddrs == 0) {
		return;
	}
	for (k = 0; k < PS_EXTRA; k++) {
		enum pslot slot = (enum pslot)(PS_RSA + k);

		/* The key algorithms matter only with usable records. */
		if ((slot == PS_RSA || slot == PS_ECDSA) &&
		    mode != SMTP_PROBE_DANE) {
			continue;
		}
		/* NULL without memory: that side check is left out. */
		h->xaddrs[k] = mxd_calloc(mx->naddrs, sizeof(*h->xaddrs[k]));
	}
}

/* extra_next - after a TLS 1.1 probe that failed, the TLS 1.0 one */
static void
extra_next(struct ework *w, const struct report_addr *res)
{
	struct ehost	*h = w->h;

	if (w->slot == PS_TLS11) {
		if (!res->tls && h->xaddrs[PS_TLS10 - PS_RSA] != NULL) {
			work_probe(w->dom, h, w->ai, SMTP_PROBE_OPPORTUNISTIC,
			    PS_TLS10);
		}
	}
}

/*
 * on_probe_tls - an address's own handshake is done and shows the key the
 * server chose: the handshake restricted to the other key algorithm
 * starts now, before that probe's EHLO and QUIT (the probe calls this at
 * most once)
 */
static void
on_probe_tls(void *arg, const struct report_addr *res)
{
	struct ework	*w = arg;
	struct ehost	*h = w->h;
	const char	*alg;

	if (w->mode != SMTP_PROBE_DANE || res->nchain == 0) {
		return;
	}
	alg = res->chain[0].key_alg;
	if (strcmp(alg, "EC") == 0 && h->xaddrs[PS_RSA - PS_RSA] != NULL) {
		work_probe(w->dom, h, w->ai, SMTP_PROBE_DANE, PS_RSA);
	} else if ((strcmp(alg, "RSA") == 0 || strcmp(alg, "RSA-PSS") == 0) &&
	    h->xaddrs[PS_ECDSA - PS_RSA] != NULL) {
		work_probe(w->dom, h, w->ai, SMTP_PROBE_DANE, PS_ECDSA);
	}
}

/* extra_merge - what the extra handshakes showed, into each address */
static void
extra_merge(struct ehost *h)
{
	struct report_mx	*mx = h->mx;
	size_t			 i;

	for (i = 0; i < mx->naddrs; i++) {
		struct report_addr		*a = &mx->addrs[i];
		const struct report_addr	*x;

		/* The address's own handshake counts for the key the
		 * server chose (before alt_merge() may change its verdict). */
		if (h->xaddrs[PS_RSA - PS_RSA] != NULL && a->tls &&
		    a->nchain > 0) {
			if (strcmp(a->chain[0].key_alg, "EC") == 0) {
				a->ecdsa_dane = a->dane;
			} else if (strncmp(a->chain[0].key_alg, "RSA", 3) ==
			    0) {
				a->rsa_dane = a->dane;
			}
		}
		x = h->xaddrs[PS_RSA - PS_RSA] != NULL ?
		    &h->xaddrs[PS_RSA - PS_RSA][i] : NULL;
		if (x != NULL && x->tls) {
			a->rsa_dane = x->dane;
		}
		x = h->xaddrs[PS_ECDSA - PS_RSA] != NULL ?
		    &h->xaddrs[PS_ECDSA - PS_RSA][i] : NULL;
		if (x != NULL && x->tls) {
			a->ecdsa_dane = x->dane;
		}
		x = h->xaddrs[PS_TLS11 - PS_RSA] != NULL ?
		    &h->xaddrs[PS_TLS11 - PS_RSA][i] : NULL;
		if (x != NULL && x->tls) {
			copy_str(a->legacy_version, sizeof(a->legacy_version),
			    x->tls_version);
			continue;
		}
		x = h->xaddrs[PS_TLS10 - PS_RSA] != NULL ?
		    &h->xaddrs[PS_TLS10 - PS_RSA][i] : NULL;
		if (x != NULL && x->tls) {
			copy_str(a->legacy_version, sizeof(a->legacy_version),
			    x->tls_version);
		}
	}
}
