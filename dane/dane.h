/*
 * dane.h - RFC 7672 policy: the OpenSSL set-up of a DANE-authenticating
 * SMTP client (one context, per-connection TLSA records and reference
 * identifiers, the verdict read back after the handshake), and the
 * verdicts of an MX host and a domain drawn from a filled result model.
 */
#ifndef MXD_DANE_H
#define MXD_DANE_H

#include <stddef.h>

struct mxd_err;
struct report_addr;
struct report_domain;
struct ssl_ctx_st;
struct ssl_st;
struct tlsa_rr;

/**
 * A TLS client context for SMTP probes, shared by many connections
 * (RFC 7672 §8, implementation notes §5.2): TLS 1.2 and 1.3, or with
 * @p legacy also TLS 1.0 and 1.1 at OpenSSL security level 0 (RFC 8996
 * deprecates them; only for explicit, labelled probes); DANE enabled; no
 * default trust store, so that nothing can ever pass by PKIX; no session
 * cache and no tickets, so that every handshake shows the peer chain;
 * no anonymous or null cipher suites (RFC 7672 §8.2). Verification never
 * stops a handshake: the verdict is read afterwards (dane_ssl_verdict()).
 * @return a context the caller frees with SSL_CTX_free(), or NULL with
 *	the reason in @p err.
 */
struct ssl_ctx_st	*dane_ctx_new(int legacy, struct mxd_err *err);

/**
 * Turn on DANE for one connection before its handshake: SNI and primary
 * reference identifier @p sni (the TLSA base domain, A-label), further
 * reference identifiers @p names (DANE-TA only; RFC 7672 §3.2.2), no name
 * checks for DANE-EE (RFC 7672 §3.1.1), no partial wildcards (§3.2.3),
 * and the usable records of @p tlsa (usages 0/1 and unusable records are
 * dropped first, RFC 7672 §3.1.3).
 * On return, *@p accepted says how many records OpenSSL took; 0 means
 * that no authentication is possible (the host is "unusable": TLS only).
 * Errors are described in @p err.
 * @return 0, MXD_EINVAL (no @p sni) or MXD_ECRYPTO (OpenSSL failed).
 */
int	dane_ssl_enable(struct ssl_st *ssl, const char *sni,
	    const char *const *names, size_t nnames, const struct tlsa_rr *tlsa,
	    size_t ntlsa, size_t *accepted, struct mxd_err *err);

/**
 * After a completed handshake: the TLS version, cipher suite and the
 * peer's chain as sent, leaf first (at most DANE_CHAIN_MAX certificates).
 * Fills tls_version, cipher, chain and nchain of @p out; the chain is
 * allocated with mxd_calloc() and freed with mxd_free() by whoever frees
 * @p out (an old chain is freed first).
 * @return 0 or MXD_ENOMEM.
 */
int	dane_ssl_peer(struct ssl_st *ssl, struct report_addr *out);

/** Most certificates of a peer chain that are recorded. */
#define DANE_CHAIN_MAX	32

/**
 * After a completed handshake on a connection set up by dane_ssl_enable()
 * with at least one accepted record: `pass` with the matched record and
 * its depth, or `fail` with verify_error and a one-line reason in
 * out->error ("TLSA 3 1 1 29c8...b461 matches no certificate in the
 * chain: leaf key is ..."). Call dane_ssl_peer() first (the reason uses
 * the recorded chain).
 */
void	dane_ssl_verdict(struct ssl_st *ssl, const struct tlsa_rr *tlsa,
	    size_t ntlsa, const char *sni, const char *const *names,
	    size_t nnames, struct report_addr *out);

/**
 * Format a TLSA record for messages: "3 1 1 29c8601c...b461d084" with the
 * data cut to @p keep hex digits at each end when longer (0: never cut).
 * @return @p out.
 */
char	*dane_tlsa_str(unsigned usage, unsigned selector, unsigned mtype,
	    const unsigned char *data, size_t len, size_t keep, char *out,
	    size_t outsz);

/**
 * The RFC 7672 verdicts of one domain (DESIGN.md, DANE-RULES.md): each MX
 * host's action, the domain's dane verdict and its status, from what the
 * engine filled in (MX security, each host's address security and TLSA
 * state, each address's probe verdict). @p require_dane makes `none` (and
 * `unusable`) critical, as for a sender with mandatory DANE (RFC 7672 §6).
 * Reads and writes only @p d.
 */
void	dane_verdict_domain(struct report_domain *d, int require_dane);

#endif /* MXD_DANE_H */
