/*
 * engine.h - the check of many domains at once: on one libevent loop,
 * the RFC 7672 DNS steps (MX, addresses, TLSA base domain, TLSA) through
 * dns/, then one SMTP/TLS probe per address through smtp/, then the
 * verdicts of dane/. Bounded concurrency; no thread per probe, no
 * blocking call. `check`, `scan` and `monitor` all run through it.
 */
#ifndef MXD_ENGINE_H
#define MXD_ENGINE_H

#include <stddef.h>

struct event_base;
struct mxd_err;
struct report_domain;
struct tlsa_rr;
struct engine;

#define ENGINE_MX_MAX		16	/* MX hosts looked at per domain */
#define ENGINE_ADDR_MAX		16	/* addresses per host and family */

struct engine_opts {
	/* DNS (dns/dns.h). */
	const char		*trust_anchor;	/* NULL: Debian's root.key */
	const char		*resolver;	/* ADDR[@PORT]; NULL: resolv.conf */
	const char		*resolv_conf;	/* NULL: /etc/resolv.conf */
	int			 recursive;	/* from the root */
	const char		*root_hints;	/* with recursive */
	/* Probes (smtp/probe.h). */
	unsigned		 port;		/* connect and TLSA port; 0: 25 */
	int			 family;	/* 0 both, 4 or 6 only */
	unsigned		 timeout_ms;	/* per step; 0: 10 s */
	const char		*helo;		/* NULL: "localhost" */
	int			 legacy_tls;	/* also offer TLS 1.0/1.1 */
	/* Records that replace the published ones (pre-publish test). */
	const struct tlsa_rr	*tlsa;
	size_t			 ntlsa;
	/* Policy (dane/dane.h). */
	int			 require_dane;
	/* Limits; 0 for the defaults. */
	unsigned		 max_queries;	/* DNS queries in flight: 256 */
	unsigned		 max_probes;	/* probes in flight: 64 */
	unsigned		 max_domains;	/* domains in progress: 256 */
};

/**
 * Called once per finished domain, from the loop, in the order domains
 * finish. The callee owns @p d and frees it with report_domain_free().
 */
typedef void engine_domain_cb(void *arg, struct report_domain *d);

/**
 * Create an engine on @p base. Strings in @p o are copied; the @p o->tlsa
 * records are copied too.
 * @param[in] base the event loop to run on (engine_run() dispatches it).
 * @param[in] o options.
 * @param[out] out freed with engine_free().
 * @param[out] err the reason, on failure.
 * @return 0, MXD_EINVAL, MXD_ENOMEM, or a dns_ctx_new() error (trust
 *     anchor unreadable: MXD_ENOENT), with the reason in @p err.
 */
int	engine_new(struct event_base *base, const struct engine_opts *o,
	    struct engine **out, struct mxd_err *err);

/**
 * Queue a domain (next-hop domain: MX lookup, RFC 7672 §2.2.1). The name
 * is validated and converted to its A-label (IDN).
 * @return 0, MXD_EBADDATA (not a valid domain name; reason in @p err) or
 *     MXD_ENOMEM.
 */
int	engine_add_domain(struct engine *e, const char *name,
	    struct mxd_err *err);

/**
 * Queue one host to check directly, without an MX lookup (a non-MX
 * destination, RFC 7672 §2.2.2). An IPv4 or IPv6 address literal is
 * probed as it is: DANE does not apply unless records are given.
 * @return as engine_add_domain().
 */
int	engine_add_host(struct engine *e, const char *name,
	    struct mxd_err *err);

/**
 * Run the loop until every queued domain is finished and handed to
 * @p cb. First the resolver's self-test (dns_ctx_start()): when DNS
 * cannot work (no working trust anchor, nothing answers), no domain is
 * checked and MXD_EDNS is returned with the reason in @p err.
 * @return 0, MXD_EDNS or MXD_ENOMEM.
 */
int	engine_run(struct engine *e, engine_domain_cb *cb, void *arg,
	    struct mxd_err *err);

/** A note about the DNS set-up (forwarder replaced, ...), "" if none. */
const char	*engine_note(const struct engine *e);

/** Free the engine and every domain not yet handed over. NULL: no-op. */
void	engine_free(struct engine *e);

#endif /* MXD_ENGINE_H */
