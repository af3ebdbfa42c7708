/*
 * update.h - change a TLSA RRset on the primary nameserver with an RFC 2136
 * dynamic update signed with TSIG (RFC 8945, hmac-sha256), guarded by a
 * prerequisite so that a concurrent change is never overwritten.
 */
#ifndef MXD_DNS_UPDATE_H
#define MXD_DNS_UPDATE_H

#include <stddef.h>
#include <stdint.h>

struct mxd_err;
struct tlsa_rr;
struct dns_auth_server;

/** Largest key file read. */
#define DNS_TSIG_FILE_MAX	4096
/** Longest secret accepted, decoded. */
#define DNS_TSIG_SECRET_MAX	512

/** A TSIG key. Holds a secret: clear it with dns_tsig_key_clear(). */
struct dns_tsig_key {
	char	name[256];		/* key name, as in the file */
	char	algorithm[32];		/* "hmac-sha256" */
	char	secret[700];		/* base64, as in the file */
	size_t	secret_len;		/* decoded length */
};

/**
 * Parse a key in the format BIND's tsig-keygen writes:
 * `key "NAME" { algorithm hmac-sha256; secret "BASE64"; };`
 * Strict: one key, both statements once, nothing else but white space
 * and comments (# // and C style). No message ever shows the secret.
 * @return 0, MXD_EBADDATA or MXD_EUNSUPP (another algorithm); the reason
 *     in @p err.
 */
int	dns_tsig_key_parse(const char *text, size_t len,
	    struct dns_tsig_key *key, struct mxd_err *err);

/**
 * Read and parse a key file (see dns_tsig_key_parse()).
 * @return 0, MXD_ENOENT, MXD_EACCES, MXD_EIO, MXD_EBADDATA, MXD_EUNSUPP.
 */
int	dns_tsig_key_load(const char *path, struct dns_tsig_key *key,
	    struct mxd_err *err);

/** Wipe a key. */
void	dns_tsig_key_clear(struct dns_tsig_key *key);

enum dns_publish_op {
	DNS_PUBLISH_ADD,	/* add records to the RRset */
	DNS_PUBLISH_REMOVE,	/* remove records from it */
	DNS_PUBLISH_REPLACE,	/* make the RRset exactly these records */
};

/** What happened; the command line maps each onto an exit status. */
enum dns_publish_outcome {
	DNS_PUBLISH_DONE,	/* the server applied the update */
	DNS_PUBLISH_NOOP,	/* nothing to change (idempotent) */
	DNS_PUBLISH_EMPTY,	/* would leave no record; not forced */
	DNS_PUBLISH_CHANGED,	/* the RRset changed under us */
	DNS_PUBLISH_REFUSED,	/* REFUSED, NOTAUTH, NOTZONE, ... */
	DNS_PUBLISH_TSIG,	/* BADSIG, BADKEY, BADTIME */
	DNS_PUBLISH_UNVERIFIED,	/* reply TSIG missing or wrong */
	DNS_PUBLISH_NOANSWER,	/* timeout, unreachable, bad reply */
	DNS_PUBLISH_LOCAL,	/* a local failure before sending */
};

/** One change to make. */
struct dns_publish_req {
	enum dns_publish_op		 op;
	const char			*zone;
	const char			*owner;	/* _25._tcp.mx.example */
	const struct dns_auth_server	*server;	/* the primary */
	const struct dns_tsig_key	*key;
	const struct tlsa_rr		*rr;	/* records of the op */
	size_t				 nrr;
	uint32_t			 ttl;
	int				 ttl_set;	/* else RRset's */
	const struct tlsa_rr		*expect;	/* expected RRset */
	size_t				 nexpect;
	int				 expect_set;
	int				 force;	/* may empty it */
	unsigned			 timeout_ms;	/* per exchange */
};

/** The outcome, with the numbers a report needs. */
struct dns_publish_res {
	enum dns_publish_outcome	 outcome;
	int				 rcode;	/* -1: none */
	int				 tsig_error;	/* BADSIG 16 */
	size_t				 before;	/* records read */
	size_t				 after;		/* wanted */
	size_t				 added;
	size_t				 removed;
	size_t				 skipped;	/* no-ops */
	uint32_t			 ttl;
};

/**
 * Read the RRset at req->owner from the primary, work out the update,
 * send it with the prerequisite "RRset exists (value dependent)" holding
 * the RRset read, or req->expect when set (or "RRset does not exist" when
 * there was none; RFC 2136 §2.4.2, §2.4.3) and check the server's TSIG on
 * the reply.
 * @param[in] req what to change, where, with which key.
 * @param[out] res always filled.
 * @param[out] err the one-line reason on failure; may be NULL.
 * @return 0 (DONE or NOOP) or a negative MXD_E* code, the class of the
 *     failure in res->outcome.
 */
int	dns_publish(const struct dns_publish_req *req,
	    struct dns_publish_res *res, struct mxd_err *err);

/** "NOERROR", "REFUSED", "YXRRSET", ...; "RCODE<n>" for others. */
const char	*dns_rcode_str(int rcode, char *buf, size_t bufsz);

/** "BADSIG", "BADKEY", "BADTIME", ...; "TSIG error <n>" for others. */
const char	*dns_tsig_error_str(int error, char *buf, size_t bufsz);

#endif /* MXD_DNS_UPDATE_H */
