/*
 * auth.h - one DNS question to one named authoritative server, without a
 * resolver in between: what the rollover gate and the nameserver findings
 * need to see each server's own copy of a zone (RFC 1035 §4, RFC 6891,
 * RFC 4035 §3.2.1), and the transport publish sends its UPDATE over.
 */
#ifndef MXD_DNS_AUTH_H
#define MXD_DNS_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sys/socket.h>

struct event_base;
struct mxd_err;

/** Longest domain name in presentation form, with the final dot. */
#define DNS_AUTH_NAME_MAX	256
/** Largest DNS message, over TCP (RFC 1035 §4.2.2). */
#define DNS_AUTH_MSG_MAX	65535
/** The EDNS0 buffer size offered (DNS flag day 2020). */
#define DNS_AUTH_EDNS_SIZE	1232
/** Most records of one RRset, signatures or servers kept. */
#define DNS_AUTH_RR_MAX		256

/** One server: a display name and an address with a port. */
struct dns_auth_server {
	char			 name[DNS_AUTH_NAME_MAX]; /* NS or "" */
	char			 text[80];	/* "192.0.2.1@53" */
	struct sockaddr_storage	 sa;
	socklen_t		 salen;
};

/** What a server said, or why it said nothing. */
enum dns_auth_state {
	DNS_AUTH_DATA,		/* authoritative, the RRset is there */
	DNS_AUTH_NODATA,	/* authoritative NOERROR, no such RRset */
	DNS_AUTH_NXDOMAIN,	/* authoritative NXDOMAIN */
	DNS_AUTH_LAME,		/* AA=0, REFUSED or NOTAUTH */
	DNS_AUTH_RCODE,		/* SERVFAIL, FORMERR, ... */
	DNS_AUTH_TIMEOUT,	/* no answer within the time allowed */
	DNS_AUTH_UNREACHABLE,	/* connection refused, no route */
	DNS_AUTH_BADREPLY,	/* malformed, or not an answer to our query */
};

/** Uncompressed RDATA of one record. */
struct dns_auth_rdata {
	uint8_t		*data;
	size_t		 len;
};

/** The fields of one RRSIG that covers the answer RRset (RFC 4034 §3.1). */
struct dns_auth_sig {
	uint8_t		 algorithm;
	uint8_t		 labels;
	uint16_t	 key_tag;
	uint32_t	 orig_ttl;
	uint32_t	 inception;	/* RFC 4034 §3.1.5 */
	uint32_t	 expiration;
	char		 signer[DNS_AUTH_NAME_MAX];
};

/**
 * One answer. Filled by dns_auth_parse() or a query callback; emptied with
 * dns_auth_answer_clear().
 */
struct dns_auth_answer {
	enum dns_auth_state	 state;
	int			 rcode;		/* of the reply */
	int			 aa;		/* AA flag */
	int			 cname;		/* CNAME at QNAME */
	uint32_t		 ttl;		/* smallest */
	size_t			 nrr;
	struct dns_auth_rdata	*rr;		/* RRset of QTYPE */
	size_t			 nsig;
	struct dns_auth_sig	*sig;		/* RRSIGs covering it */
	int			 has_soa;	/* SOA seen */
	uint32_t		 serial;
	uint32_t		 soa_minimum;
	unsigned		 nsec;		/* NSEC in authority */
	unsigned		 nsec3;		/* NSEC3 in authority */
	char			 qname[DNS_AUTH_NAME_MAX];
	uint16_t		 qtype;
	uint8_t			*wire;		/* the reply */
	size_t			 wirelen;
	char			 why[256];	/* why it failed */
};

/** The outcome of checking the RRSIGs over an answer RRset. */
enum dns_auth_sig_status {
	DNS_SIG_VALID,		/* a signature verifies and is current */
	DNS_SIG_EXPIRED,	/* verifies, but its expiration has passed */
	DNS_SIG_NOT_YET,	/* verifies, but its inception is ahead */
	DNS_SIG_NONE,		/* no RRSIG by the zone covers the RRset */
	DNS_SIG_BAD,		/* a key fits but the signature does not */
	DNS_SIG_UNKNOWN_KEY,	/* no DNSKEY with the signature's key tag */
};

/**
 * Parse "ADDR[\@PORT]" (IPv4 or IPv6, no name lookup) into @p srv.
 * @param[in] text the address, e.g. "192.0.2.1\@5353" or "::1".
 * @param[in] defport the port when @p text has none.
 * @param[in] name a display name (the NS name) or NULL.
 * @param[out] srv the server.
 * @param[out] err the reason on failure; may be NULL.
 * @return 0 or MXD_EBADDATA.
 */
int	dns_auth_server_parse(const char *text, uint16_t defport,
	    const char *name, struct dns_auth_server *srv, struct mxd_err *err);

/**
 * Add one address of one nameserver to a list of servers to ask, as the
 * caller resolved them (NS set of the zone, then every A and AAAA of each
 * NS, through the validating resolver). An address already in the list is
 * not added again: two NS names on one address are one server.
 * @param[in,out] list the array, grown here; start with NULL, free with
 *     mxd_free().
 * @param[in,out] n its length.
 * @param[in] nsname the NS name, for messages.
 * @param[in] addr an IPv4 or IPv6 address, optionally with \@PORT.
 * @param[in] port the port when @p addr has none (53).
 * @param[out] err the reason on failure; may be NULL.
 * @return 0, MXD_EBADDATA, MXD_ENOSPC (more than DNS_AUTH_RR_MAX) or
 *     MXD_ENOMEM.
 */
int	dns_auth_servers_add(struct dns_auth_server **list, size_t *n,
	    const char *nsname, const char *addr, uint16_t port,
	    struct mxd_err *err);

/**
 * Build a query: QNAME, QTYPE, class IN, RD=0, EDNS0 with DO=1 and a
 * DNS_AUTH_EDNS_SIZE buffer, the given ID.
 * @param[in] qname the name asked for.
 * @param[in] qtype the type asked for.
 * @param[in] id the message ID.
 * @param[out] wire the message; the caller frees it with mxd_free().
 * @param[out] len its length.
 * @param[out] err the reason on failure; may be NULL.
 * @return 0, MXD_EBADDATA (a bad name) or MXD_ENOMEM.
 */
int	dns_auth_query_build(const char *qname, uint16_t qtype, uint16_t id,
	    uint8_t **wire, size_t *len, struct mxd_err *err);

/**
 * Parse a reply to the query (@p qname, @p qtype, @p id) into @p ans:
 * the header, the RRset of QTYPE at QNAME with its TTL and RRSIGs, the SOA
 * serial, the NSEC/NSEC3 count. A reply that is malformed (truncated, bad
 * counts, compression loops) or that answers another question fails.
 * @param[in] wire the reply.
 * @param[in] len its length.
 * @param[in] qname the name that was asked for.
 * @param[in] qtype the type that was asked for.
 * @param[in] id the ID of the query.
 * @param[out] ans filled on success and on failure (state
 *     DNS_AUTH_BADREPLY, reason in why); free with dns_auth_answer_clear().
 * @param[out] err the reason on failure; may be NULL.
 * @return 0, MXD_EPROTO or MXD_ENOMEM.
 */
int	dns_auth_parse(const uint8_t *wire, size_t len, const char *qname,
	    uint16_t qtype, uint16_t id, struct dns_auth_answer *ans,
	    struct mxd_err *err);

/** Free what an answer holds; it is left empty. NULL is a no-op. */
void	dns_auth_answer_clear(struct dns_auth_answer *ans);

/**
 * Check the RRSIGs of @p ans, made by @p zone, over its RRset with the
 * zone's DNSKEY RRset (wire RDATA, as the validating resolver returned it,
 * so that it chains to the trust anchor), at time @p now.
 * @param[in] ans an answer from dns_auth_parse() or a query.
 * @param[in] zone the signer: only its RRSIGs count.
 * @param[in] keys the zone's DNSKEY records, wire RDATA.
 * @param[in] nkeys how many.
 * @param[in] now the time to check at (a parameter for fixed clocks).
 * @param[out] why a one-line detail; may be NULL.
 * @return the best outcome over the signatures (valid first).
 */
enum dns_auth_sig_status	dns_auth_sig_check(
	    const struct dns_auth_answer *ans, const char *zone,
	    const struct dns_auth_rdata *keys, size_t nkeys, time_t now,
	    struct mxd_err *why);

/** A short English name: "valid", "expired", ...; never NULL. */
const char	*dns_auth_sig_str(enum dns_auth_sig_status st);

/** A short English name: "data", "nodata", "timeout", ...; never NULL. */
const char	*dns_auth_state_str(enum dns_auth_state st);

/* ------------------------------------------------------------------ */

/** UDP sends of one query, spread evenly over the time allowed. */
#define DNS_AUTH_UDP_SENDS	3

/** Send over TCP from the start (else UDP, and TCP when truncated). */
#define DNS_AUTH_F_TCP	0x01

struct dns_auth_xfer;

/**
 * Called once per exchange with the reply (borrowed, valid during the call)
 * or @p code < 0: MXD_ETIMEDOUT, MXD_EIO (unreachable), MXD_EPROTO.
 */
typedef void dns_auth_xfer_cb(void *arg, int code, const uint8_t *wire,
    size_t len, const struct mxd_err *err);

/**
 * Send one message (its first two octets are the ID the reply must carry)
 * to @p srv on @p base: UDP (sent up to DNS_AUTH_UDP_SENDS times), and TCP
 * again when the reply is truncated, all within @p timeout_ms.
 * Non-blocking; @p cb runs from the loop exactly once
 * unless this fails or the exchange is cancelled. The message is copied.
 * @param[in] base the event loop.
 * @param[in] srv the server.
 * @param[in] msg the message.
 * @param[in] len its length.
 * @param[in] flags DNS_AUTH_F_TCP or 0.
 * @param[in] timeout_ms the time allowed for the whole exchange.
 * @param[in] cb called with the outcome.
 * @param[in] arg for @p cb.
 * @param[out] out the handle, for dns_auth_xfer_cancel(); may be NULL.
 * @param[out] err the reason on failure; may be NULL.
 * @return 0, MXD_EINVAL or MXD_ENOMEM. A server that cannot be reached
 *     (no socket, no route) is reported through @p cb, with MXD_EIO.
 */
int	dns_auth_xfer_start(struct event_base *base,
	    const struct dns_auth_server *srv, const uint8_t *msg, size_t len,
	    unsigned flags, unsigned timeout_ms, dns_auth_xfer_cb *cb,
	    void *arg, struct dns_auth_xfer **out, struct mxd_err *err);

/** Stop an exchange before its callback ran; the callback never runs. */
void	dns_auth_xfer_cancel(struct dns_auth_xfer *x);

/**
 * The same exchange on a private event base, waiting for it.
 * @param[in] srv the server.
 * @param[in] msg the message.
 * @param[in] len its length.
 * @param[in] flags DNS_AUTH_F_TCP or 0.
 * @param[in] timeout_ms the time allowed.
 * @param[out] reply the reply; the caller frees it with mxd_free().
 * @param[out] rlen its length.
 * @param[out] err the reason on failure; may be NULL.
 * @return 0 or a negative MXD_E* code.
 */
int	dns_auth_xfer_sync(const struct dns_auth_server *srv,
	    const uint8_t *msg, size_t len, unsigned flags, unsigned timeout_ms,
	    uint8_t **reply, size_t *rlen, struct mxd_err *err);

struct dns_auth_query;

/**
 * Called once with the answer, which the callback now owns (it frees it
 * with dns_auth_answer_clear()). Failures are answers too: state
 * DNS_AUTH_TIMEOUT, DNS_AUTH_UNREACHABLE or DNS_AUTH_BADREPLY.
 */
typedef void dns_auth_cb(void *arg, struct dns_auth_answer *ans);

/**
 * Ask @p srv for @p qname @p qtype (see dns_auth_query_build()) on @p base.
 * @return 0 or a negative MXD_E* code; @p cb is not called on failure.
 */
int	dns_auth_query_start(struct event_base *base,
	    const struct dns_auth_server *srv, const char *qname,
	    uint16_t qtype, unsigned timeout_ms, dns_auth_cb *cb, void *arg,
	    struct dns_auth_query **out, struct mxd_err *err);

/** Stop a query before its callback ran. */
void	dns_auth_query_cancel(struct dns_auth_query *q);

/**
 * One query, waiting for it on a private event base.
 * @param[in] srv the server.
 * @param[in] qname the name.
 * @param[in] qtype the type.
 * @param[in] timeout_ms the time allowed.
 * @param[out] ans the answer (also for timeouts and the like); free with
 *     dns_auth_answer_clear().
 * @param[out] err the reason on failure; may be NULL.
 * @return 0 (look at ans->state) or a negative MXD_E* code.
 */
int	dns_auth_query_sync(const struct dns_auth_server *srv,
	    const char *qname, uint16_t qtype, unsigned timeout_ms,
	    struct dns_auth_answer *ans, struct mxd_err *err);

/** The answer of one server of many. */
struct dns_auth_result {
	struct dns_auth_server	 server;
	struct dns_auth_answer	 answer;
};

struct dns_auth_fanout;

/**
 * Called once when every server has answered or failed. @p res has one
 * entry per server, in the order given; the callback owns it and frees it
 * with dns_auth_results_free().
 */
typedef void dns_auth_all_cb(void *arg, struct dns_auth_result *res,
    size_t n);

/**
 * Ask every server (every address of every NS of a zone, which the caller
 * resolved) for @p qname @p qtype at once.
 * @return 0 or a negative MXD_E* code; @p cb is not called on failure.
 */
int	dns_auth_query_all(struct event_base *base,
	    const struct dns_auth_server *srv, size_t nsrv, const char *qname,
	    uint16_t qtype, unsigned timeout_ms, dns_auth_all_cb *cb, void *arg,
	    struct dns_auth_fanout **out, struct mxd_err *err);

/** Stop a fan-out before its callback ran. */
void	dns_auth_fanout_cancel(struct dns_auth_fanout *f);

/**
 * dns_auth_query_all() on a private base, waiting for all.
 * @param[in] srv the servers.
 * @param[in] nsrv how many.
 * @param[in] qname the name.
 * @param[in] qtype the type.
 * @param[in] timeout_ms the time allowed for each server.
 * @param[out] res one result per server, in order; free with
 *     dns_auth_results_free(res, nsrv).
 * @param[out] err the reason on failure; may be NULL.
 * @return 0 or a negative MXD_E* code.
 */
int	dns_auth_query_all_sync(const struct dns_auth_server *srv,
	    size_t nsrv, const char *qname, uint16_t qtype, unsigned timeout_ms,
	    struct dns_auth_result **res, struct mxd_err *err);

/** Free results; NULL is a no-op. */
void	dns_auth_results_free(struct dns_auth_result *res, size_t n);

#endif /* MXD_DNS_AUTH_H */
