/*
 * dns.c - mxdane's resolver: one libunbound context, validating with a
 * trust anchor, driven asynchronously from a libevent loop.
 *
 * What it does: sets up libunbound (trust anchor, forwarder or recursion,
 * QNAME minimisation), checks at start-up that the root DNSKEY validates
 * (DANE-RULES.md A.3: without a working anchor every answer would look
 * insecure and DANE would silently never apply), falls back from a
 * forwarder that strips DNSSEC to recursion, runs queries with a timeout
 * each, and classifies every answer into the four RFC 4035 §4.3 states
 * (RFC 7672 §2.1.1). What it does not: decide anything about DANE; the
 * engine does that from the classified answers.
 *
 * Threads, not fork: ub_ctx_async(ctx, 1) makes libunbound resolve in one
 * worker thread. A forked helper would copy the whole process (event base,
 * OpenSSL state, open sockets of probes in flight) and needs its own
 * clean-up; a thread shares nothing of ours, answers arrive on ub_fd(),
 * and ub_process() runs every callback in the loop's thread, so nothing
 * of ours is ever touched by two threads.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <unbound.h>

#include "common/mxd.h"
#include "dns/dns.h"

struct dns_query {
	struct dns_ctx		*dc;
	struct dns_query	*prev, *next;
	struct event		*timer;
	dns_cb			*cb;
	void			*arg;
	int			 id;
	int			 qtype;
	int			 zombie;	/* given up; unbound may answer */
	char			 qname[DNS_NAME_MAX];
};

struct dns_ctx {
	struct event_base	*base;
	struct ub_ctx		*ub;
	struct event		*ev;		/* ub_fd readable */
	struct dns_query	*queries;	/* in flight, and zombies */
	size_t			 npending;
	unsigned		 timeout_ms;
	char			*ta;
	char			*resolver;
	char			*resolv_conf;
	char			*hints;
	int			 recursive;	/* current mode */
	int			 no_qmin;
	int			 fell_back;
	dns_start_cb		*start_cb;
	void			*start_arg;
	char			 note[512];
};

static int	ctx_setup(struct dns_ctx *dc, struct mxd_err *err);
static void	ctx_teardown(struct dns_ctx *dc);
static void	fd_cb(evutil_socket_t fd, short what, void *arg);
static void	ub_cb(void *mydata, int err, struct ub_result *res);
static void	timeout_cb(evutil_socket_t fd, short what, void *arg);
static void	query_unlink(struct dns_query *q);
static void	query_free(struct dns_query *q);
static void	start_answer(void *arg, const struct dns_answer *ans);
static void	start_fallback(evutil_socket_t fd, short what, void *arg);
static void	start_done(struct dns_ctx *dc, int code, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static int	readable(const char *path);
static void	copy_why(char *out, size_t outsz, const char *in);

/* ------------------------------------------------------------------ */
/* Context                                                             */
/* ------------------------------------------------------------------ */

/* readable - can we open this file for reading? */
static int
readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* dns_ctx_new - a validating context on an event base */
int
dns_ctx_new(struct event_base *base, const struct dns_opts *opts,
    struct dns_ctx **out, struct mxd_err *err)
{
	struct dns_ctx	*dc;
	const char	*ta;
	int		 rc;

	if (base == NULL || opts == NULL || out == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "dns: bad arguments");
	}
	*out = NULL;
	ta = opts->trust_anchor != NULL ? opts->trust_anchor : DNS_DEFAULT_TA;
	if (!readable(ta)) {
		return mxd_err_set(err, MXD_ENOENT, "cannot read trust anchor "
		    "%.200s: %s (DNSSEC cannot be validated without it)", ta,
		    strerror(errno));
	}
	if (opts->root_hints != NULL && !readable(opts->root_hints)) {
		return mxd_err_set(err, MXD_ENOENT, "cannot read root hints "
		    "%.200s: %s", opts->root_hints, strerror(errno));
	}
	dc = mxd_calloc(1, sizeof(*dc));
	if (dc == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	dc->base = base;
	dc->timeout_ms = opts->timeout_ms != 0 ? opts->timeout_ms :
	    DNS_DEFAULT_TIMEOUT;
	dc->recursive = opts->recursive;
	dc->no_qmin = opts->no_qmin;
	dc->ta = mxd_strdup(ta);
	if (opts->resolver != NULL) {
		dc->resolver = mxd_strdup(opts->resolver);
	}
	if (opts->resolv_conf != NULL) {
		dc->resolv_conf = mxd_strdup(opts->resolv_conf);
	}
	if (opts->root_hints != NULL) {
		dc->hints = mxd_strdup(opts->root_hints);
	}
	if (dc->ta == NULL || (opts->resolver != NULL && dc->resolver ==
	    NULL) || (opts->resolv_conf != NULL && dc->resolv_conf == NULL) ||
	    (opts->root_hints != NULL && dc->hints == NULL)) {
		rc = mxd_err_set(err, MXD_ENOMEM, "out of memory");
		goto fail;
	}
	rc = ctx_setup(dc, err);
	if (rc != 0) {
		goto fail;
	}
	*out = dc;
	return 0;
fail:
	dns_ctx_free(dc);
	return rc;
}

/* ctx_setup - create and configure the libunbound context */
static int
ctx_setup(struct dns_ctx *dc, struct mxd_err *err)
{
	int rc;

	dc->ub = ub_ctx_create();
	if (dc->ub == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "cannot create a resolver "
		    "context");
	}
	rc = ub_ctx_async(dc->ub, 1);
	if (rc == 0) {
		/* Lab and local resolvers listen on loopback. */
		rc = ub_ctx_set_option(dc->ub, "do-not-query-localhost:", "no");
	}
	if (rc == 0) {
		rc = ub_ctx_set_option(dc->ub, "qname-minimisation:",
		    dc->no_qmin ? "no" : "yes");
	}
	if (rc == 0) {
		rc = ub_ctx_set_option(dc->ub, "val-permissive-mode:", "no");
	}
	if (rc == 0) {
		/* Unbound answers the RFC 6761 name test. itself (NXDOMAIN,
		 * insecure); test beds such as mxdane's lab live there, and
		 * on the Internet the root denies it securely anyway. */
		rc = ub_ctx_set_option(dc->ub, "local-zone:",
		    "test. transparent");
	}
	if (rc != 0) {
		return mxd_err_set(err, MXD_EDNS, "resolver set-up: %s",
		    ub_strerror(rc));
	}
	rc = ub_ctx_add_ta_file(dc->ub, dc->ta);
	if (rc != 0) {
		return mxd_err_set(err, MXD_EBADDATA, "trust anchor %.200s: %s",
		    dc->ta, ub_strerror(rc));
	}
	if (dc->recursive) {
		if (dc->hints != NULL) {
			rc = ub_ctx_set_option(dc->ub, "root-hints:",
			    dc->hints);
			if (rc != 0) {
				return mxd_err_set(err, MXD_EBADDATA,
				    "root hints %.200s: %s", dc->hints,
				    ub_strerror(rc));
			}
		}
	} else if (dc->resolver != NULL) {
		rc = ub_ctx_set_fwd(dc->ub, dc->resolver);
		if (rc != 0) {
			return mxd_err_set(err, MXD_EINVAL, "resolver "
			    "'%.100s': not an address (ADDR or ADDR@PORT)",
			    dc->resolver);
		}
	} else {
		rc = ub_ctx_resolvconf(dc->ub, dc->resolv_conf);
		if (rc != 0) {
			return mxd_err_set(err, MXD_ENOENT, "cannot use "
			    "%.200s: %s", dc->resolv_conf != NULL ?
			    dc->resolv_conf : "/etc/resolv.conf",
			    ub_strerror(rc));
		}
	}
	dc->ev = event_new(dc->base, ub_fd(dc->ub), EV_READ | EV_PERSIST,
	    fd_cb, dc);
	if (dc->ev == NULL || event_add(dc->ev, NULL) != 0) {
		return mxd_err_set(err, MXD_ENOMEM, "cannot watch the resolver");
	}
	return 0;
}

/* ctx_teardown - drop the libunbound context and every query of it */
static void
ctx_teardown(struct dns_ctx *dc)
{
	if (dc->ev != NULL) {
		event_free(dc->ev);
		dc->ev = NULL;
	}
	/* Kills outstanding queries without calling back. */
	if (dc->ub != NULL) {
		ub_ctx_delete(dc->ub);
		dc->ub = NULL;
	}
	while (dc->queries != NULL) {
		struct dns_query *q = dc->queries;

		query_unlink(q);
		query_free(q);
	}
	dc->npending = 0;
}

/* dns_ctx_free - free a context; no callback runs afterwards */
void
dns_ctx_free(struct dns_ctx *dc)
{
	if (dc == NULL) {
		return;
	}
	ctx_teardown(dc);
	mxd_free(dc->ta);
	mxd_free(dc->resolver);
	mxd_free(dc->resolv_conf);
	mxd_free(dc->hints);
	mxd_free(dc);
}

/* dns_ctx_note - what the operator should know about the set-up */
const char *
dns_ctx_note(const struct dns_ctx *dc)
{
	return dc != NULL ? dc->note : "";
}

/* dns_ctx_pending - queries in flight */
size_t
dns_ctx_pending(const struct dns_ctx *dc)
{
	return dc != NULL ? dc->npending : 0;
}

/* ------------------------------------------------------------------ */
/* Start-up self-test                                                  */
/* ------------------------------------------------------------------ */

/* dns_ctx_start - check that the root DNSKEY validates */
int
dns_ctx_start(struct dns_ctx *dc, dns_start_cb *cb, void *arg)
{
	if (dc == NULL || cb == NULL) {
		return MXD_EINVAL;
	}
	dc->start_cb = cb;
	dc->start_arg = arg;
	return dns_query(dc, ".", DNS_T_DNSKEY, start_answer, dc, NULL);
}

/* start_done - report the outcome of the self-test, once */
static void
start_done(struct dns_ctx *dc, int code, const char *fmt, ...)
{
	struct mxd_err	 e;
	dns_start_cb	*cb = dc->start_cb;
	va_list		 ap;

	mxd_err_clear(&e);
	e.code = code;
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
		va_end(ap);
	}
	dc->start_cb = NULL;
	if (cb != NULL) {
		cb(dc->start_arg, code, &e);
	}
}

/* start_answer - the root DNSKEY answer: secure, or fall back, or fail */
static void
start_answer(void *arg, const struct dns_answer *ans)
{
	struct dns_ctx *dc = arg;

	if (ans->sec == DNS_SEC_SECURE && ans->havedata) {
		start_done(dc, 0, NULL);
		return;
	}
	if (!dc->recursive && !dc->fell_back) {
		/* RFC 7672 §2.1.3: a resolver that strips DNSSEC must not
		 * make every domain look unsigned. */
		(void)snprintf(dc->note, sizeof(dc->note), "resolver %.100s "
		    "%s (the root DNSKEY is %s via it%s%.200s); resolving "
		    "from the root instead", dc->resolver != NULL ?
		    dc->resolver : "from resolv.conf",
		    ans->sec == DNS_SEC_INDETERMINATE ? "gives no usable "
		    "answer" : "does not pass DNSSEC through",
		    dns_sec_str(ans->sec), ans->why[0] != '\0' ? ": " : "",
		    ans->why);
		dc->fell_back = 1;
		/* Not from inside ub_process() of the context we replace. */
		if (event_base_once(dc->base, -1, EV_TIMEOUT, start_fallback,
		    dc, NULL) != 0) {
			start_done(dc, MXD_EDNS, "cannot schedule recursion");
		}
		return;
	}
	if (ans->sec == DNS_SEC_INSECURE) {
		start_done(dc, MXD_EDNS, "the root DNSKEY is insecure with "
		    "trust anchor %.150s: it holds no usable root key",
		    dc->ta);
		return;
	}
	start_done(dc, MXD_EDNS, "the root DNSKEY does not validate with "
	    "trust anchor %.120s: %s%s%.150s", dc->ta, dns_sec_str(ans->sec),
	    ans->why[0] != '\0' ? ": " : "", ans->why);
}

/* start_fallback - recurse from the root, then test again */
static void
start_fallback(evutil_socket_t fd, short what, void *arg)
{
	struct dns_ctx	*dc = arg;
	struct mxd_err	 e;
	int		 rc;

	(void)fd;
	(void)what;
	ctx_teardown(dc);
	dc->recursive = 1;
	mxd_err_clear(&e);
	rc = ctx_setup(dc, &e);
	if (rc == 0) {
		rc = dns_query(dc, ".", DNS_T_DNSKEY, start_answer, dc, NULL);
		if (rc == 0) {
			return;
		}
		(void)mxd_err_set(&e, rc, "%s", mxd_strerror(rc));
	}
	start_done(dc, MXD_EDNS, "recursion from the root: %s", e.msg);
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */

/* query_unlink - take a query off the context's list */
static void
query_unlink(struct dns_query *q)
{
	struct dns_ctx *dc = q->dc;

	if (q->prev != NULL) {
		q->prev->next = q->next;
	} else if (dc->queries == q) {
		dc->queries = q->next;
	}
	if (q->next != NULL) {
		q->next->prev = q->prev;
	}
	q->prev = NULL;
	q->next = NULL;
	if (!q->zombie && dc->npending > 0) {
		dc->npending--;
	}
}

/* query_free - free an unlinked query */
static void
query_free(struct dns_query *q)
{
	if (q->timer != NULL) {
		event_free(q->timer);
	}
	mxd_free(q);
}

/* dns_query - start one validated lookup */
int
dns_query(struct dns_ctx *dc, const char *qname, int qtype, dns_cb *cb,
    void *arg, struct dns_query **handle)
{
	struct dns_query	*q;
	struct timeval		 tv;
	int			 rc;

	if (handle != NULL) {
		*handle = NULL;
	}
	if (dc == NULL || qname == NULL || cb == NULL || dc->ub == NULL ||
	    qtype <= 0 || qtype > 65535) {
		return MXD_EINVAL;
	}
	q = mxd_calloc(1, sizeof(*q));
	if (q == NULL) {
		return MXD_ENOMEM;
	}
	q->dc = dc;
	q->cb = cb;
	q->arg = arg;
	q->qtype = qtype;
	if (dns_name_canon(qname, q->qname, sizeof(q->qname)) != 0) {
		mxd_free(q);
		return MXD_EINVAL;
	}
	q->timer = evtimer_new(dc->base, timeout_cb, q);
	if (q->timer == NULL) {
		mxd_free(q);
		return MXD_ENOMEM;
	}
	rc = ub_resolve_async(dc->ub, q->qname, qtype, 1, q, ub_cb, &q->id);
	if (rc != 0) {
		query_free(q);
		return rc == UB_NOMEM ? MXD_ENOMEM : MXD_EDNS;
	}
	tv.tv_sec = dc->timeout_ms / 1000;
	tv.tv_usec = (dc->timeout_ms % 1000) * 1000;
	(void)evtimer_add(q->timer, &tv);
	q->next = dc->queries;
	if (dc->queries != NULL) {
		dc->queries->prev = q;
	}
	dc->queries = q;
	dc->npending++;
	if (handle != NULL) {
		*handle = q;
	}
	return 0;
}

/* dns_query_cancel - drop a query without calling back */
void
dns_query_cancel(struct dns_query *q)
{
	if (q == NULL || q->zombie) {
		return;
	}
	if (q->timer != NULL) {
		(void)evtimer_del(q->timer);
	}
	if (ub_cancel(q->dc->ub, q->id) == 0) {
		query_unlink(q);
		query_free(q);
		return;
	}
	/* Already on its way: keep it until unbound hands it over. */
	query_unlink(q);
	q->zombie = 1;
	q->next = q->dc->queries;
	if (q->dc->queries != NULL) {
		q->dc->queries->prev = q;
	}
	q->dc->queries = q;
}

/* fd_cb - answers are ready: let libunbound call back */
static void
fd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_ctx *dc = arg;

	(void)fd;
	(void)what;
	(void)ub_process(dc->ub);
}

/* ub_cb - one answer from libunbound */
static void
ub_cb(void *mydata, int err, struct ub_result *res)
{
	struct dns_query	*q = mydata;
	struct dns_answer	 ans;

	query_unlink(q);
	if (q->zombie) {
		ub_resolve_free(res);
		query_free(q);
		return;
	}
	(void)dns_answer_from_ub(&ans, q->qname, q->qtype, err, res);
	ub_resolve_free(res);
	q->cb(q->arg, &ans);
	dns_answer_clear(&ans);
	query_free(q);
}

/* timeout_cb - a query took too long: cancel it, answer indeterminate */
static void
timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_query	*q = arg;
	struct dns_answer	 ans;
	dns_cb			*cb = q->cb;
	void			*cbarg = q->arg;
	unsigned		 ms = q->dc->timeout_ms;

	(void)fd;
	(void)what;
	memset(&ans, 0, sizeof(ans));
	(void)dns_name_canon(q->qname, ans.qname, sizeof(ans.qname));
	ans.qtype = q->qtype;
	ans.sec = DNS_SEC_INDETERMINATE;
	ans.rcode = -1;
	ans.timed_out = 1;
	(void)snprintf(ans.why, sizeof(ans.why), "no answer within %u.%03u s",
	    ms / 1000, ms % 1000);
	dns_query_cancel(q);
	cb(cbarg, &ans);
}

/* ------------------------------------------------------------------ */
/* Classification                                                      */
/* ------------------------------------------------------------------ */

/* copy_why - a reason from the resolver, sanitised for one line */
static void
copy_why(char *out, size_t outsz, const char *in)
{
	(void)mxd_sanitize(in, strlen(in), out, outsz);
}

/* dns_answer_from_ub - classify a libunbound result (notes §6.3) */
int
dns_answer_from_ub(struct dns_answer *ans, const char *qname, int qtype,
    int err, const struct ub_result *res)
{
	size_t	i, n;
	int	rc = 0;

	if (ans == NULL) {
		return MXD_EINVAL;
	}
	memset(ans, 0, sizeof(*ans));
	ans->qtype = qtype;
	ans->rcode = -1;
	if (qname != NULL &&
	    dns_name_canon(qname, ans->qname, sizeof(ans->qname)) != 0) {
		ans->qname[0] = '\0';
	}
	/* 1. The lookup itself failed. */
	if (err != 0 || res == NULL) {
		ans->sec = DNS_SEC_INDETERMINATE;
		copy_why(ans->why, sizeof(ans->why), err != 0 ?
		    ub_strerror(err) : "no result");
		return 0;
	}
	ans->rcode = res->rcode;
	ans->havedata = res->havedata != 0;
	ans->nxdomain = res->nxdomain != 0;
	ans->ttl = res->ttl > 0 ? (uint32_t)res->ttl : 0;
	if (res->canonname != NULL) {
		(void)dns_name_canon(res->canonname, ans->canonname,
		    sizeof(ans->canonname));
		if (strcmp(ans->canonname, ans->qname) == 0) {
			ans->canonname[0] = '\0';
		}
	}
	/* 2. Bogus comes first: libunbound keeps rcode and data. */
	if (res->bogus) {
		ans->sec = DNS_SEC_BOGUS;
		copy_why(ans->why, sizeof(ans->why), res->why_bogus != NULL ?
		    res->why_bogus : "validation failed");
	} else if (res->rcode != DNS_RCODE_NOERROR &&
	    res->rcode != DNS_RCODE_NXDOMAIN) {
		/* 3. SERVFAIL, REFUSED, ...: the validator got nothing. */
		ans->sec = DNS_SEC_INDETERMINATE;
		if (res->rcode == DNS_RCODE_SERVFAIL) {
			(void)snprintf(ans->why, sizeof(ans->why),
			    "SERVFAIL");
		} else {
			(void)snprintf(ans->why, sizeof(ans->why),
			    "rcode %d", res->rcode);
		}
	} else if (res->secure) {
		ans->sec = DNS_SEC_SECURE;	/* 4. data or secure denial */
	} else {
		ans->sec = DNS_SEC_INSECURE;	/* 5. */
	}
	if (ans->qname[0] != '\0' && res->answer_packet != NULL &&
	    res->answer_len > 0) {
		if (dns_wire_cname_chain(res->answer_packet,
		    (size_t)res->answer_len, ans->qname, ans->chain,
		    DNS_CHAIN_MAX, &ans->nchain) != 0) {
			ans->nchain = 0;
		}
		if (dns_wire_soa_owner(res->answer_packet,
		    (size_t)res->answer_len, ans->zone,
		    sizeof(ans->zone)) != 0) {
			ans->zone[0] = '\0';
		}
	}
	if (!ans->havedata || res->data == NULL || res->len == NULL) {
		return 0;
	}
	for (n = 0; res->data[n] != NULL && n < DNS_RR_MAX; n++) {
		continue;
	}
	if (n == 0) {
		return 0;
	}
	ans->rr = mxd_calloc(n, sizeof(*ans->rr));
	if (ans->rr == NULL) {
		return MXD_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		size_t len = res->len[i] > 0 ? (size_t)res->len[i] : 0;

		ans->rr[i].data = mxd_malloc(len);
		if (ans->rr[i].data == NULL) {
			rc = MXD_ENOMEM;
			break;
		}
		memcpy(ans->rr[i].data, res->data[i], len);
		ans->rr[i].len = len;
		ans->nrr++;
	}
	return rc;
}

/* dns_answer_clear - free the records of an answer */
void
dns_answer_clear(struct dns_answer *ans)
{
	size_t i;

	if (ans == NULL) {
		return;
	}
	for (i = 0; i < ans->nrr; i++) {
		mxd_free(ans->rr[i].data);
	}
	mxd_free(ans->rr);
	ans->rr = NULL;
	ans->nrr = 0;
}

/* dns_sec_str - the name of a security status */
const char *
dns_sec_str(enum dns_sec s)
{
	switch (s) {
	case DNS_SEC_SECURE:
		return "secure";
	case DNS_SEC_INSECURE:
		return "insecure";
	case DNS_SEC_BOGUS:
		return "bogus";
	case DNS_SEC_INDETERMINATE:
		break;
	}
	return "indeterminate";
}
