/*
 * rollover.h - what `mxdane rollover` needs beyond check's engine: the
 * deploy gate's look at every authoritative server of the zone of each
 * host's TLSA records (RFC 7671 §8.1, RFC 7672 §4; the how-to's "publish,
 * wait two TTLs, check every nameserver, deploy, retire"), the gate's
 * state file of first-seen times, and the new private key.
 */
#ifndef MXD_ENGINE_ROLLOVER_H
#define MXD_ENGINE_ROLLOVER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct mxd_err;
struct tlsa_rr;

/** Most hosts one gate or state file covers. */
#define ROLL_HOST_MAX		32
/** Largest state file read. */
#define ROLL_STATE_FILE_MAX	(64 * 1024)
/** Most servers (addresses of nameservers) asked per zone. */
#define ROLL_SRV_MAX		32

/* ------------------------------------------------------------------ */
/* The state file                                                     */
/* ------------------------------------------------------------------ */

/** When a matching record was first and last seen everywhere, per host. */
struct roll_state_host {
	char		 host[256];
	int64_t		 first;		/* 0: not seen everywhere */
	int64_t		 last;		/* the last run that looked */
};

/** The gate's memory between runs, for one host set and one key. */
struct roll_state {
	char			 set[65];	/* SHA-256 of hosts + key */
	size_t			 nhost;
	struct roll_state_host	 host[ROLL_HOST_MAX];
};

/**
 * The identifier of a host set and the key to deploy: SHA-256 hex of the
 * sorted, lower-cased host names and the new SPKI digest.
 * @param[in] hosts the host names (in any order).
 * @param[in] n how many.
 * @param[in] spki_hex the SHA-256 hex of the new certificate's SPKI.
 * @param[out] out 65 octets.
 * @return 0, MXD_EINVAL or MXD_ENOMEM.
 */
int	engine_roll_set_id(const char *const *hosts, size_t n,
	    const char *spki_hex, char out[65]);

/**
 * Read a state file. Its first line is "mxdane-rollover-state 1", then
 * "set HEX", then one "host NAME FIRST LAST" per host, then "end" (a
 * file without it is truncated).
 * @param[in] path the file.
 * @param[in] set the host set it must be for.
 * @param[out] st filled on success; empty (set copied) otherwise.
 * @param[out] err the reason on failure.
 * @return 0; MXD_ENOENT (no file: a first run); MXD_EBADDATA (corrupt or
 *     truncated); MXD_EMISMATCH (for another host set or key); MXD_EACCES
 *     or MXD_EIO (cannot read it).
 */
int	engine_roll_state_load(const char *path, const char *set,
	    struct roll_state *st, struct mxd_err *err);

/**
 * Write a state file atomically: a temporary file in the same folder,
 * written, fsync'ed, renamed over @p path, the folder fsync'ed.
 * @return 0, MXD_EACCES, MXD_EIO or MXD_ENOSPC; nothing changes on failure.
 */
int	engine_roll_state_save(const char *path, const struct roll_state *st,
	    struct mxd_err *err);

/** What one look at a host means for the wait. */
struct roll_wait {
	int64_t		 first;		/* first seen everywhere, 0: not */
	int64_t		 elapsed;	/* seconds since first */
	int		 backwards;	/* the clock moved back: reset */
};

/**
 * Record one run's look at @p host at time @p now: seen everywhere or
 * not. Not seen forgets the first-seen time (it must be continuous); a
 * clock earlier than the last run's restarts the wait.
 * @return 0 or MXD_ENOSPC (more than ROLL_HOST_MAX hosts).
 */
int	engine_roll_state_mark(struct roll_state *st, const char *host,
	    int seen, int64_t now, struct roll_wait *w);

/* ------------------------------------------------------------------ */
/* The gate's look at the authoritative servers                       */
/* ------------------------------------------------------------------ */

/** How one server's copy of a host's TLSA RRset looks. */
enum roll_srv_state {
	ROLL_SRV_OK,		/* signed, valid, holds a matching record */
	ROLL_SRV_MISSING,	/* signed, valid, no matching record (yet) */
	ROLL_SRV_NODATA,	/* no TLSA RRset there (yet) */
	ROLL_SRV_BADSIG,	/* no valid signature by the zone */
	ROLL_SRV_LAME,		/* not authoritative, REFUSED, NOTAUTH */
	ROLL_SRV_ERROR,		/* SERVFAIL, bad reply, unreachable */
	ROLL_SRV_TIMEOUT,	/* no answer in time */
};

/** One server's answer for one host. */
struct roll_srv {
	char			 server[360];	/* "ns2.x (192.0.2.2@53)" */
	enum roll_srv_state	 state;
	uint32_t		 ttl;		/* of the RRset */
	uint32_t		 serial;	/* SOA serial, 0 if none */
	char			 why[320];
};

/** One host's look: the zone, and every server's answer. */
struct roll_look {
	char			 host[256];
	char			 owner[256];	/* _25._tcp.HOST */
	char			 zone[256];
	int			 fatal;		/* the zone itself is wrong, */
	int			 unknown;	/* or could not be looked up
						 * (timeout, SERVFAIL) */
	char			 why[640];	/* for fatal */
	uint32_t		 ttl;		/* largest seen */
	size_t			 nsrv;
	struct roll_srv		 srv[ROLL_SRV_MAX];
};

/** Where validated answers come from (as check's options). */
struct roll_dns_opts {
	const char	*trust_anchor;
	const char	*resolver;
	int		 recursive;
	const char	*root_hints;
	unsigned	 timeout_ms;	/* per query */
	time_t		 sig_now;	/* signature time; 0: the real time */
};

/**
 * For each host: the zone of its TLSA owner, the zone's NS set and every
 * address of each NS and the zone's DNSKEY RRset, all through the
 * validating resolver (the DNSKEY RRset must be secure, so that it chains
 * to the trust anchor); then every address is asked directly for the
 * TLSA RRset, whose RRSIGs are checked against those keys, and which must
 * hold a record equal to one of @p want.
 * @param[in] o DNS options.
 * @param[in] hosts the MX host names.
 * @param[in] nhosts how many (at most ROLL_HOST_MAX).
 * @param[in] port the TLSA port (25).
 * @param[in] want the records that match the new certificate.
 * @param[in] nwant how many.
 * @param[out] look one per host, in order (caller's array).
 * @param[out] err the reason when DNS cannot work at all.
 * @return 0 (look at each look), MXD_EDNS (the resolver's self-test
 *     failed), MXD_EINVAL or MXD_ENOMEM.
 */
int	engine_roll_gate_look(const struct roll_dns_opts *o,
	    const char *const *hosts, size_t nhosts, unsigned port,
	    const struct tlsa_rr *want, size_t nwant, struct roll_look *look,
	    struct mxd_err *err);

/** "ok", "missing", "no TLSA RRset", ...; never NULL. */
const char	*engine_roll_srv_str(enum roll_srv_state st);

/* ------------------------------------------------------------------ */
/* The next key                                                       */
/* ------------------------------------------------------------------ */

enum roll_keyalg {
	ROLL_KEY_ECDSA_P256 = 0,
	ROLL_KEY_RSA2048,
};

/**
 * Make a new private key and write it to @p path in PEM (PKCS#8), mode
 * 0600, atomically and never over an existing file: a temporary file in
 * the same folder, written and fsync'ed, then link(2)ed to @p path.
 * @param[in] path where the key goes.
 * @param[in] alg the algorithm.
 * @param[out] spki_sha256 the hex SHA-256 of its SubjectPublicKeyInfo
 *     (the 3 1 1 data), 65 octets.
 * @param[out] err the reason on failure.
 * @return 0, MXD_EEXIST (the file exists; it is left alone), MXD_EACCES,
 *     MXD_EIO, MXD_ECRYPTO or MXD_ENOMEM.
 */
int	engine_roll_key_new(const char *path, enum roll_keyalg alg,
	    char spki_sha256[65], struct mxd_err *err);

#endif /* MXD_ENGINE_ROLLOVER_H */
