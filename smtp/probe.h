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
};

/** Called once when the probe ends; the result is in the report_addr. */
typedef void smtp_probe_cb(void *arg, struct report_addr *result);

/**
 * Start a probe. @p out must stay valid until @p cb has run; the probe
 * copies what it needs from @p p. @p cb runs from the event loop, never
 * from within this call.
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

#endif /* MXD_SMTP_PROBE_H */
