/*
 * dns.h - DNSSEC-validated, asynchronous DNS for mxdane: one libunbound
 * context driven from a libevent loop, every answer classified as secure,
 * insecure, bogus or indeterminate (RFC 4035 §4.3; RFC 7672 §2.1.1), with
 * the CNAME chain the answer went through.
 */
#ifndef MXD_DNS_H
#define MXD_DNS_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct mxd_err;
struct ub_result;
struct dns_ctx;
struct dns_query;

#define DNS_NAME_MAX		256	/* a name in text, with NUL */
#define DNS_CHAIN_MAX		16	/* CNAME links kept per answer */
#define DNS_RR_MAX		64	/* records kept per answer */
#define DNS_WHY_MAX		256	/* one line of reason */

/* Record types (not all are in unbound.h). */
#define DNS_T_A			1
#define DNS_T_NS		2
#define DNS_T_CNAME		5
#define DNS_T_SOA		6
#define DNS_T_MX		15
#define DNS_T_AAAA		28
#define DNS_T_TLSA		52
#define DNS_T_DNSKEY		48

#define DNS_RCODE_NOERROR	0
#define DNS_RCODE_SERVFAIL	2
#define DNS_RCODE_NXDOMAIN	3

/* The four RFC 4035 §4.3 outcomes of one lookup. */
enum dns_sec {
	DNS_SEC_INDETERMINATE = 0,	/* lookup failed: an error */
	DNS_SEC_BOGUS,			/* validation failed: an error */
	DNS_SEC_INSECURE,
	DNS_SEC_SECURE,
};

/** One record of the answer RRset: RDATA without RDLENGTH, owned. */
struct dns_rdata {
	uint8_t		*data;
	size_t		 len;
};

/** One CNAME link seen in the answer section. */
struct dns_cname {
	char		 owner[DNS_NAME_MAX];
	char		 target[DNS_NAME_MAX];
};

/**
 * A classified answer. Names are lower-case, without trailing dot. An
 * answer handed to a dns_cb is owned by the dns module and valid only
 * during the callback (copy what you keep).
 */
struct dns_answer {
	char			 qname[DNS_NAME_MAX];
	int			 qtype;
	enum dns_sec		 sec;
	int			 rcode;		/* -1 when no reply at all */
	int			 havedata;
	int			 nxdomain;
	int			 timed_out;
	uint32_t		 ttl;
	struct dns_rdata	*rr;		/* answer RRset, nrr records */
	size_t			 nrr;
	char			 canonname[DNS_NAME_MAX];	/* "" if none */
	struct dns_cname	 chain[DNS_CHAIN_MAX];
	size_t			 nchain;
	char			 why[DNS_WHY_MAX];	/* reason, for errors */
	char			 zone[DNS_NAME_MAX];	/* SOA owner seen, "" */
};

/** Where answers come from. */
struct dns_opts {
	const char	*trust_anchor;	/* NULL: DNS_DEFAULT_TA */
	const char	*resolver;	/* "ADDR[@PORT]", NULL: resolv.conf */
	const char	*resolv_conf;	/* NULL: /etc/resolv.conf */
	int		 recursive;	/* from the root, no forwarder */
	int		 no_qmin;	/* QNAME minimisation off (RFC 9156);
					 * for the empty non-terminal check */
	const char	*root_hints;	/* for recursion (also the fall-back
					 * from a forwarder); NULL: built-in */
	unsigned	 timeout_ms;	/* per query; 0: DNS_DEFAULT_TIMEOUT */
};

#define DNS_DEFAULT_TA		"/usr/share/dns/root.key"
#define DNS_DEFAULT_TIMEOUT	10000

/** Called once per query, from the event loop. */
typedef void dns_cb(void *arg, const struct dns_answer *ans);

/** Called once when dns_ctx_start() has an outcome. */
typedef void dns_start_cb(void *arg, int code, const struct mxd_err *err);

/**
 * Create a context on @p base. Nothing is resolved yet; call
 * dns_ctx_start() before the first dns_query().
 * @param[in] base the event loop that will watch the resolver.
 * @param[in] opts where answers come from (strings are copied).
 * @param[out] out the context, freed with dns_ctx_free().
 * @param[out] err the reason, on failure.
 * @return 0, MXD_ENOMEM, MXD_ENOENT (trust anchor or hints file not
 *     readable), MXD_EINVAL (bad resolver address) or MXD_EDNS; the
 *     reason is in @p err.
 */
int	dns_ctx_new(struct event_base *base, const struct dns_opts *opts,
	    struct dns_ctx **out, struct mxd_err *err);

/**
 * The start-up self-test (DANE-RULES.md A.3): ". DNSKEY" must resolve
 * secure with the trust anchor. When a forwarder does not pass DNSSEC
 * through, the context falls back to recursion from the root (the note
 * is then in dns_ctx_note()) and tries again. @p cb runs once, from the
 * loop, with 0 or MXD_EDNS and the reason.
 * @return 0, or a negative MXD_E* code (then @p cb never runs).
 */
int	dns_ctx_start(struct dns_ctx *dc, dns_start_cb *cb, void *arg);

/** A note about the set-up for the operator ("" if none). */
const char	*dns_ctx_note(const struct dns_ctx *dc);

/**
 * Free the context; outstanding queries are dropped without callbacks.
 * NULL is a no-op.
 */
void	dns_ctx_free(struct dns_ctx *dc);

/**
 * Start a DNSSEC-validated lookup of @p qname (fully qualified, with or
 * without the trailing dot). @p cb is called exactly once, from the event
 * loop, unless this returns an error or the query is cancelled. A
 * callback must not free the context.
 * @param[in] dc the context, after dns_ctx_start().
 * @param[in] qname the name to look up.
 * @param[in] qtype the record type (DNS_T_*).
 * @param[in] cb called with the classified answer.
 * @param[in] arg passed to @p cb.
 * @param[out] handle for dns_query_cancel(); may be NULL. It is invalid
 *     once @p cb has run.
 * @return 0, MXD_EINVAL, MXD_ENOMEM or MXD_EDNS.
 */
int	dns_query(struct dns_ctx *dc, const char *qname, int qtype,
	    dns_cb *cb, void *arg, struct dns_query **handle);

/** Drop a query; its callback never runs. */
void	dns_query_cancel(struct dns_query *q);

/** Queries started and not yet answered. */
size_t	dns_ctx_pending(const struct dns_ctx *dc);

/**
 * Classify a libunbound result (implementation-notes §6.3): err != 0,
 * then bogus, then rcode, then secure data or denial, then insecure.
 * Copies records and parses the CNAME chain from the answer packet.
 * @param[out] ans filled; release with dns_answer_clear().
 * @param[in] qname the name asked for.
 * @param[in] qtype the type asked for.
 * @param[in] err libunbound's error code for the query (0: none).
 * @param[in] res libunbound's result; may be NULL when @p err is set.
 * @return 0 or MXD_ENOMEM (ans is then still cleared and valid).
 */
int	dns_answer_from_ub(struct dns_answer *ans, const char *qname,
	    int qtype, int err, const struct ub_result *res);

/** Free the records of an answer; it is left empty. */
void	dns_answer_clear(struct dns_answer *ans);

/** "secure", "insecure", "bogus", "indeterminate". */
const char	*dns_sec_str(enum dns_sec s);

/*
 * Wire format (RFC 1035 §4.1), bounds-checked: nothing here reads outside
 * the buffer, follows a compression pointer forward or loops.
 */

/**
 * Read the name at @p *off in @p pkt (compression allowed) as lower-case
 * text without trailing dot ("." for the root); @p *off moves past it.
 * Bytes outside [a-z0-9-_*] are written as a backslash and three
 * decimal digits.
 * @return 0 or MXD_EBADDATA (truncated, pointer loop, too long, bad label).
 */
int	dns_wire_name(const uint8_t *pkt, size_t len, size_t *off, char *out,
	    size_t outsz);

/**
 * The CNAME chain in the answer section of a reply to @p qname, in order
 * from @p qname; at most @p max links (more is an error: a loop).
 * @return 0 or MXD_EBADDATA.
 */
int	dns_wire_cname_chain(const uint8_t *pkt, size_t len, const char *qname,
	    struct dns_cname *chain, size_t max, size_t *n);

/**
 * Decode MX RDATA (uncompressed, as libunbound gives it).
 * @return 0 or MXD_EBADDATA.
 */
int	dns_wire_mx(const uint8_t *rdata, size_t len, unsigned *pref,
	    char *host, size_t hostsz);

/**
 * The zone a reply comes from: the owner of the first SOA record in its
 * answer or authority section (a negative answer carries it, RFC 2308).
 * @param[in] pkt the reply.
 * @param[in] len its length.
 * @param[out] zone the zone name, lower-case, without trailing dot.
 * @param[in] zonesz the size of @p zone.
 * @return 0, MXD_ENOENT (no SOA) or MXD_EBADDATA.
 */
int	dns_wire_soa_owner(const uint8_t *pkt, size_t len, char *zone,
	    size_t zonesz);

/** Lower-case @p in, strip one trailing dot, into @p out. */
int	dns_name_canon(const char *in, char *out, size_t outsz);

#endif /* MXD_DNS_H */
