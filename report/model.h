/*
 * model.h - the result model of a check: what the engine found for each
 * domain, MX host and address, and the verdicts drawn from it. The engine
 * fills these plain structs; renderers (text, JSON, later HTML and metrics)
 * only read them. Field names follow the `check --json` contract in
 * DESIGN.md.
 */
#ifndef MXD_REPORT_MODEL_H
#define MXD_REPORT_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tlsa/tlsa.h"

#define REPORT_NAME_MAX		256	/* a DNS name in text, with NUL */
#define REPORT_ADDR_MAX		48	/* an IPv6 address in text */
#define REPORT_ERR_MAX		256	/* one line of reason */

/* The DNSSEC status of one answer (RFC 4035 §4.3; RFC 7672 §2.1.1). */
enum report_sec {
	REPORT_SEC_UNKNOWN = 0,		/* not looked up */
	REPORT_SEC_SECURE,
	REPORT_SEC_INSECURE,
	REPORT_SEC_BOGUS,		/* validation failed: an error */
	REPORT_SEC_INDETERMINATE,	/* lookup failed: an error */
};

/* What the TLSA lookup for one MX host gave (RFC 7672 §2.2). */
enum report_tlsa_state {
	REPORT_TLSA_NOT_LOOKED = 0,	/* address not secure: DANE n/a */
	REPORT_TLSA_NONE,		/* secure denial or insecure RRset */
	REPORT_TLSA_USABLE,		/* secure, at least one usable */
	REPORT_TLSA_UNUSABLE,		/* secure, none usable: TLS only */
	REPORT_TLSA_ERROR,		/* bogus, SERVFAIL, timeout: defer */
};

/* Verdict of one address. */
enum report_addr_dane {
	REPORT_ADDR_NONE = 0,		/* DANE does not apply */
	REPORT_ADDR_PASS,		/* authenticated by a usable TLSA */
	REPORT_ADDR_FAIL,		/* must authenticate and did not */
	REPORT_ADDR_UNUSABLE,		/* TLS required, no authentication */
};

/* Verdict of a domain (DESIGN.md). */
enum report_dane {
	REPORT_DANE_NONE = 0,
	REPORT_DANE_VERIFIED,
	REPORT_DANE_PARTIAL,
	REPORT_DANE_FAILED,
	REPORT_DANE_UNUSABLE,
	REPORT_DANE_BOGUS,
};

/* Monitoring-plugin status; the values are the exit codes. */
enum report_status {
	REPORT_OK = 0,
	REPORT_WARNING = 1,
	REPORT_CRITICAL = 2,
	REPORT_UNKNOWN = 3,
};

/* What an RFC 7672 sender does with this host or domain. */
enum report_action {
	REPORT_ACT_OPPORTUNISTIC = 0,	/* TLS if offered, else cleartext */
	REPORT_ACT_DANE,		/* TLS with DANE authentication */
	REPORT_ACT_ENCRYPT,		/* TLS required, no authentication */
	REPORT_ACT_DEFER,		/* do not deliver (this host) */
};

enum report_severity {
	REPORT_SEV_INFO = 0,
	REPORT_SEV_WARNING,
	REPORT_SEV_CRITICAL,
};

/** One certificate of a presented chain. */
struct report_cert {
	char		 subject[REPORT_NAME_MAX];
	char		 issuer[REPORT_NAME_MAX];
	char		 key_alg[16];		/* "RSA", "EC", "ED25519" */
	int		 key_bits;
	time_t		 not_before;
	time_t		 not_after;
	char		 spki_sha256[65];	/* hex, the 3 1 1 / 2 1 1 data */
	char		 cert_sha256[65];	/* hex, the x 0 1 data */
	char		 spki_sha512[129];	/* hex, the x 1 2 data */
	char		 cert_sha512[129];	/* hex, the x 0 2 data */
};

/** One address of one MX host, and what the probe found there. */
struct report_addr {
	char			 address[REPORT_ADDR_MAX];
	int			 family;	/* AF_INET or AF_INET6 */
	int			 connected;
	int			 starttls;	/* STARTTLS offered in EHLO */
	int			 tls;		/* handshake completed */
	char			 banner[128];	/* sanitised, first line */
	char			 tls_version[16];
	char			 cipher[64];
	enum report_addr_dane	 dane;
	char			 matched[160];	/* "3 1 1 29c8...", or "" */
	int			 depth;		/* of the match; -1 none */
	struct report_cert	*chain;		/* as sent, leaf first */
	size_t			 nchain;
	int			 verify_error;	/* X509_V_ERR_*, 0 if none */
	char			 error[REPORT_ERR_MAX];	/* "" when none */
	unsigned		 ms_connect, ms_tls, ms_total;
	/* Extra handshakes of the findings (hosts with TLSA records): */
	char			 legacy_version[16];	/* TLS 1.0/1.1 that a
							 * pinned handshake
							 * completed, "" */
	enum report_addr_dane	 rsa_dane;	/* with an RSA key only; */
	enum report_addr_dane	 ecdsa_dane;	/* NONE: no handshake */
};

/** One MX host of a domain. */
struct report_mx {
	char			 host[REPORT_NAME_MAX];	/* A-label, no dot */
	int			 preference;	/* -1 for an implicit MX */
	enum report_sec		 addr_sec;	/* of its A/AAAA answers */
	char			 base_domain[REPORT_NAME_MAX];	/* "" if n/a */
	char			 cname[REPORT_NAME_MAX];	/* expansion, "" */
	enum report_tlsa_state	 tlsa_state;
	enum report_sec		 tlsa_sec;
	char			 tlsa_owner[REPORT_NAME_MAX];
	uint32_t		 tlsa_ttl;
	struct tlsa_rr		*tlsa;		/* as published */
	size_t			 ntlsa;
	enum report_action	 action;
	char			 rollover[16];	/* scheme, "" when n/a */
	struct report_addr	*addrs;
	size_t			 naddrs;
	char			 error[REPORT_ERR_MAX];
};

/** One finding (issue: operational pitfalls); strings are owned. */
struct report_finding {
	char			 code[48];	/* kebab-case, stable */
	enum report_severity	 severity;
	char			*message;
	char			*hint;
	char			 ref[64];	/* "RFC 7671 §8.1" */
	char			 host[REPORT_NAME_MAX];	/* "" for the domain */
};

/** Everything about one domain. */
struct report_domain {
	char			 domain[REPORT_NAME_MAX];	/* A-label */
	char			 input[REPORT_NAME_MAX];	/* as given */
	enum report_sec		 mx_sec;
	int			 null_mx;	/* RFC 7505 */
	int			 implicit_mx;	/* no MX: the domain itself */
	char			 mx_cname[REPORT_NAME_MAX];
	struct report_mx	*mx;		/* sorted by preference */
	size_t			 nmx;
	enum report_dane	 dane;
	enum report_status	 status;
	struct report_finding	*findings;
	size_t			 nfindings;
	char			 error[REPORT_ERR_MAX];
};

/** Free everything a domain report owns, and the report. NULL: no-op. */
void	report_domain_free(struct report_domain *d);

const char	*report_sec_str(enum report_sec);
const char	*report_dane_str(enum report_dane);
const char	*report_addr_dane_str(enum report_addr_dane);
const char	*report_status_str(enum report_status);
const char	*report_action_str(enum report_action);
const char	*report_severity_str(enum report_severity);

#endif /* MXD_REPORT_MODEL_H */
