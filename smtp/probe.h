/*
 * probe.h - probe one address of one MX host: TCP connect, banner, EHLO,
 * STARTTLS, TLS handshake with SNI and OpenSSL's DANE verification, EHLO
 * again, QUIT. Asynchronous on a libevent base; never blocks. Fills one
 * struct report_addr (report/model.h).
 */
#ifndef MXD_SMTP_PROBE_H
#define MXD_SMTP_PROBE_H

#include <stddef.h>

struct event_base;
struct report_addr;
struct tlsa_rr;
struct smtp_probe;

/* What the sender requires of this host (RFC 7672 §2.2). */
enum smtp_probe_mode {
	SMTP_PROBE_OPPORTUNISTIC = 0,	/* no TLSA: report what happens */
	SMTP_PROBE_ENCRYPT,		/* TLSA, none usable: TLS required */
	SMTP_PROBE_DANE,		/* usable TLSA: TLS + DANE required */
};

/* Which server key the probe asks for (RSA and ECDSA chains may differ). */
enum smtp_probe_keyalg {
	SMTP_PROBE_KEY_ANY = 0,		/* whatever the server prefers */
	SMTP_PROBE_KEY_RSA,		/* aRSA suites, RSA(-PSS) sigalgs */
	SMTP_PROBE_KEY_ECDSA,		/* aECDSA suites, ECDSA sigalgs */
};

/** One line of protocol trace: a state change, a command, a reply. */
typedef void smtp_probe_trace_cb(void *arg, const char *line);

/**
 * The TLS handshake is done: TLS version, cipher and the peer's chain are
 * in @p partial (and the DANE match in mode SMTP_PROBE_DANE). Called at
 * most once, from the event loop; the probe goes on (EHLO, QUIT) and its
 * smtp_probe_cb still runs. It must not cancel the probe.
 */
typedef void smtp_probe_tls_cb(void *arg, const struct report_addr *partial);

struct smtp_probe_params {
	const char		*address;	/* numeric IPv4 or IPv6 */
	unsigned		 port;		/* 25 by default */
	const char		*helo;		/* EHLO name */
	const char		*sni;		/* TLSA base domain (A-label) */
	const char *const	*names;		/* DANE-TA reference ids */
	size_t			 nnames;
	const struct tlsa_rr	*tlsa;		/* as published; the probe */
	size_t			 ntlsa;		/* drops unusable ones */
	enum smtp_probe_mode	 mode;
	unsigned		 timeout_ms;	/* per step */
	int			 legacy_tls;	/* also offer TLS 1.0/1.1 */
	/* Added after the first version of this contract: */
	unsigned		 total_ms;	/* whole probe; 0: 4 x step */
	unsigned		 tls_version;	/* 0 any, or pin one: 0x0301 */
						/* (1.0) .. 0x0304 (1.3) */
	enum smtp_probe_keyalg	 key_alg;
	smtp_probe_trace_cb	*trace;		/* NULL: no trace */
	void			*trace_arg;
	smtp_probe_tls_cb	*on_tls;	/* NULL: not told */
	void			*on_tls_arg;
};

/** Called once when the probe ends; the result is in the report_addr. */
typedef void smtp_probe_cb(void *arg, struct report_addr *result);

/**
 * Start a probe. @p out must stay valid until @p cb has run; the probe
 * copies what it needs from @p p. @p cb runs from the event loop, never
 * from within this call. The probe clears @p out first (it must not own a
 * chain yet) and fills address and family from @p p (p->address may
 * point into @p out). timeout_ms 0 means 10 s per step. In mode
 * SMTP_PROBE_DANE, @p p->sni is required. The process must ignore SIGPIPE:
 * a server that closes while the probe writes would otherwise end it.
 * @param[in] base the event loop the probe runs on.
 * @param[in] p what to probe and how.
 * @param[out] out the result, filled in by the time @p cb runs.
 * @param[in] cb called once, with @p arg.
 * @param[in] arg passed to @p cb.
 * @param[out] handle set to the probe, for smtp_probe_cancel(); may be NULL.
 * @return 0, or a negative MXD_E* code (then @p cb is never called).
 */
int	smtp_probe_start(struct event_base *base,
	    const struct smtp_probe_params *p, struct report_addr *out,
	    smtp_probe_cb *cb, void *arg, struct smtp_probe **handle);

/** Stop a probe that has not called back yet; its callback never runs. */
void	smtp_probe_cancel(struct smtp_probe *probe);

/**
 * Free the TLS contexts the probes share (made on first use). Only when
 * no probe is running, e.g. at exit; a later probe makes them again.
 */
void	smtp_probe_cleanup(void);

#endif /* MXD_SMTP_PROBE_H */
