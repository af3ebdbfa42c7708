/*
 * rollover.c - the pieces of `mxdane rollover` that are not check's: the
 * deploy gate's direct look at every authoritative server of a zone, its
 * state file of first-seen times, and the next private key.
 *
 * The gate follows RFC 7671 §8.1 and RFC 7672 §4 as the how-to puts them:
 * a record for the new key must be published, served by every address of
 * every nameserver (not only the primary: senders' resolvers ask any of
 * them), and have been there for twice the RRset's TTL before the server
 * switches. Each server's copy is checked against the zone's DNSKEY RRset
 * that validated from the trust anchor (RFC 4035 §5), since a record that
 * a validating resolver rejects helps nobody.
 *
 * Nothing here decides exit statuses or prints; cli/cmd_rollover.c does.
 * The state file is never trusted when in doubt: a missing, unreadable,
 * truncated, corrupt or foreign file restarts the wait, never ends it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/mxd.h"
#include "dns/auth.h"
#include "dns/dns.h"
#include "engine/rollover.h"
#include "tlsa/tlsa.h"

#define STATE_MAGIC	"mxdane-rollover-state 1"
#define NS_MAX		8

static int	cmp_str(const void *a, const void *b);
static int	parse_i64(const char *s, size_t n, int64_t *out);
static int	state_parse(char *text, size_t len, const char *set,
		    struct roll_state *st, struct mxd_err *err);
static int	dir_of(const char *path, char *dir, size_t dirsz);
static int	write_all(int fd, const void *p, size_t n);
static int	fsync_dir(const char *path);

/* One synchronous lookup through the validating resolver. */
struct sync_q {
	int			 done;
	struct dns_answer	 ans;	/* copied: owned */
	int			 rc;
};

/* A gate run: one resolver context on a private loop. */
struct gate {
	struct event_base	*base;
	struct dns_ctx		*dc;
	int			 started;
	int			 start_rc;
	struct mxd_err		 start_err;
};

static void	on_start(void *arg, int code, const struct mxd_err *err);
static void	on_answer(void *arg, const struct dns_answer *ans);
static int	resolve(struct gate *g, const char *qname, int qtype,
		    struct dns_answer *out);
static void	look_host(struct gate *g, const struct roll_dns_opts *o,
		    const char *host, unsigned port,
		    const struct tlsa_rr *want, size_t nwant,
		    struct roll_look *lk);
static void	addr_failed(struct roll_look *lk, const char *nsname,
		    int fam, const struct dns_answer *a);
static void	judge(const struct roll_dns_opts *o,
		    const struct dns_auth_answer *a, const char *zone,
		    const struct dns_auth_rdata *keys, size_t nkeys,
		    const struct tlsa_rr *want, size_t nwant,
		    struct roll_srv *s);

/* ------------------------------------------------------------------ */
/* The state file                                                     */
/* ------------------------------------------------------------------ */

/* cmp_str - qsort order of canonical names */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* engine_roll_set_id - hash of the sorted host set and the new key */
int
engine_roll_set_id(const char *const *hosts, size_t n, const char *spki_hex,
    char out[65])
{
	char		(*canon)[DNS_NAME_MAX];
	unsigned char	  md[EVP_MAX_MD_SIZE];
	unsigned int	  mdlen = 0;
	EVP_MD_CTX	 *ctx;
	size_t		  i;
	int		  rc = MXD_ENOMEM;

	if (hosts == NULL || n == 0 || n > ROLL_HOST_MAX || spki_hex == NULL) {
		return MXD_EINVAL;
	}
	canon = mxd_calloc(n, sizeof(*canon));
	ctx = EVP_MD_CTX_new();
	if (canon == NULL || ctx == NULL) {
		goto out;
	}
	/* Canonical first, then sorted: "MX2." and "mx2" are one host. */
	for (i = 0; i < n; i++) {
		if (hosts[i] == NULL || dns_name_canon(hosts[i], canon[i],
		    sizeof(canon[i])) != 0) {
			rc = MXD_EINVAL;
			goto out;
		}
	}
	qsort(canon, n, sizeof(*canon), cmp_str);
	rc = MXD_ECRYPTO;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (EVP_DigestUpdate(ctx, canon[i], strlen(canon[i]) + 1) !=
		    1) {
			goto out;
		}
	}
	if (EVP_DigestUpdate(ctx, spki_hex, strlen(spki_hex)) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		goto out;
	}
	mxd_hex_encode(md, 32, out);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	mxd_free(canon);
	return rc;
}

/* parse_i64 - a decimal number of n characters, 0 to 2^62 */
static int
parse_i64(const char *s, size_t n, int64_t *out)
{
	int64_t	v = 0;
	size_t	i;

	if (n == 0 || n > 18) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* state_parse - the lines of a state file; strict */
static int
state_parse(char *text, size_t len, const char *set, struct roll_state *st,
    struct mxd_err *err)
{
	char	*line = text, *nl, *f[4];
	size_t	 lineno = 0, nf, i;
	int	 ended = 0;

	if (memchr(text, '\0', len) != NULL) {
		return mxd_err_set(err, MXD_EBADDATA, "a NUL octet");
	}
	while (line < text + len) {
		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (nl == NULL) {
			return mxd_err_set(err, MXD_EBADDATA, "line %zu has no "
			    "end (truncated)", lineno + 1);
		}
		*nl = '\0';
		lineno++;
		if (ended) {
			return mxd_err_set(err, MXD_EBADDATA, "data after "
			    "\"end\" at line %zu", lineno);
		}
		if (lineno == 1) {
			if (strcmp(line, STATE_MAGIC) != 0) {
				return mxd_err_set(err, MXD_EBADDATA, "not a "
				    "rollover state file (first line)");
			}
			line = nl + 1;
			continue;
		}
		nf = 0;
		for (i = 0; nf < 4; i++) {
			while (line[i] == ' ') {
				i++;
			}
			if (line[i] == '\0') {
				break;
			}
			f[nf++] = &line[i];
			while (line[i] != ' ' && line[i] != '\0') {
				i++;
			}
			if (line[i] == '\0') {
				break;
			}
			line[i] = '\0';
		}
		if (lineno == 2) {
			if (nf != 2 || strcmp(f[0], "set") != 0 ||
			    strlen(f[1]) != 64) {
				return mxd_err_set(err, MXD_EBADDATA, "line 2 "
				    "is not \"set HEX\"");
			}
			if (strcmp(f[1], set) != 0) {
				return mxd_err_set(err, MXD_EMISMATCH, "it is "
				    "for another host set or certificate key");
			}
		} else if (nf == 1 && strcmp(f[0], "end") == 0) {
			ended = 1;
		} else if (nf == 4 && strcmp(f[0], "host") == 0) {
			struct roll_state_host *h;

			if (st->nhost >= ROLL_HOST_MAX ||
			    strlen(f[1]) >= sizeof(h->host)) {
				return mxd_err_set(err, MXD_EBADDATA, "line "
				    "%zu: too many hosts or too long", lineno);
			}
			h = &st->host[st->nhost];
			memcpy(h->host, f[1], strlen(f[1]) + 1);
			if (parse_i64(f[2], strlen(f[2]), &h->first) != 0 ||
			    parse_i64(f[3], strlen(f[3]), &h->last) != 0 ||
			    h->first > h->last) {
				return mxd_err_set(err, MXD_EBADDATA, "line "
				    "%zu: bad times", lineno);
			}
			st->nhost++;
		} else {
			return mxd_err_set(err, MXD_EBADDATA, "line %zu is "
			    "not understood", lineno);
		}
		line = nl + 1;
	}
	if (!ended) {
		return mxd_err_set(err, MXD_EBADDATA, "no \"end\" line "
		    "(truncated)");
	}
	return 0;
}

/* engine_roll_state_load - read and check a state file */
int
engine_roll_state_load(const char *path, const char *set,
    struct roll_state *st, struct mxd_err *err)
{
	struct mxd_err	 why;
	struct stat	 sb;
	char		*text = NULL;
	ssize_t		 r;
	size_t		 len = 0;
	int		 fd, rc;

	if (path == NULL || set == NULL || st == NULL || strlen(set) != 64) {
		return MXD_EINVAL;
	}
	memset(st, 0, sizeof(*st));
	memcpy(st->set, set, 65);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			return mxd_err_set(err, MXD_ENOENT, "no state file %.200s "
			    "yet", path);
		}
		return mxd_err_set(err, errno == EACCES ? MXD_EACCES : MXD_EIO,
		    "cannot read the state file %.200s: %s", path,
		    strerror(errno));
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		(void)close(fd);
		return mxd_err_set(err, MXD_EIO, "state file %.200s is not a "
		    "regular file", path);
	}
	if (sb.st_size > ROLL_STATE_FILE_MAX) {
		(void)close(fd);
		return mxd_err_set(err, MXD_EBADDATA, "state file %.200s is "
		    "larger than %d octets", path, ROLL_STATE_FILE_MAX);
	}
	text = mxd_malloc(ROLL_STATE_FILE_MAX + 1);
	if (text == NULL) {
		(void)close(fd);
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	for (;;) {
		r = read(fd, text + len, ROLL_STATE_FILE_MAX + 1 - len);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			rc = mxd_err_set(err, MXD_EIO, "cannot read the state "
			    "file %.200s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0) {
			break;
		}
		len += (size_t)r;
		if (len > ROLL_STATE_FILE_MAX) {
			rc = mxd_err_set(err, MXD_EBADDATA, "state file "
			    "%.200s grew past %d octets", path,
			    ROLL_STATE_FILE_MAX);
			goto out;
		}
	}
	text[len] = '\0';
	mxd_err_clear(&why);
	rc = state_parse(text, len, set, st, &why);
	if (rc != 0) {
		(void)mxd_err_set(err, rc, "state file %.200s: %s", path,
		    why.msg);
	}
out:
	if (rc != 0) {
		memset(st, 0, sizeof(*st));
		memcpy(st->set, set, 65);
	}
	mxd_free(text);
	(void)close(fd);
	return rc;
}

/* dir_of - the folder of a path ("." when it has none) */
static int
dir_of(const char *path, char *dir, size_t dirsz)
{
	const char	*slash = strrchr(path, '/');
	size_t		 n;

	if (slash == NULL) {
		return snprintf(dir, dirsz, ".") >= (int)dirsz ? -1 : 0;
	}
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= dirsz) {
		return -1;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

/* write_all - write n octets, retrying short writes */
static int
write_all(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* fsync_dir - make a rename or link in the folder of path durable */
static int
fsync_dir(const char *path)
{
	char	dir[4096];
	int	fd, rc;

	if (dir_of(path, dir, sizeof(dir)) != 0) {
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	rc = fsync(fd);
	(void)close(fd);
	return rc;
}

/* engine_roll_state_save - write the state file atomically */
int
engine_roll_state_save(const char *path, const struct roll_state *st,
    struct mxd_err *err)
{
	struct mxd_buf	 b;
	char		 tmp[4096];
	size_t		 i;
	int		 fd, rc;

	if (path == NULL || st == NULL) {
		return MXD_EINVAL;
	}
	mxd_buf_init(&b, ROLL_STATE_FILE_MAX);
	rc = mxd_buf_printf(&b, "%s\nset %s\n", STATE_MAGIC, st->set);
	for (i = 0; rc == 0 && i < st->nhost; i++) {
		rc = mxd_buf_printf(&b, "host %s %" PRId64 " %" PRId64 "\n",
		    st->host[i].host, st->host[i].first, st->host[i].last);
	}
	if (rc == 0) {
		rc = mxd_buf_puts(&b, "end\n");
	}
	if (rc != 0) {
		mxd_buf_free(&b);
		return mxd_err_set(err, rc, "state too large");
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(tmp)) {
		mxd_buf_free(&b);
		return mxd_err_set(err, MXD_EINVAL, "state file name too long");
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = mxd_err_set(err, errno == EACCES ? MXD_EACCES : MXD_EIO,
		    "cannot write the state file next to %.200s: %s", path,
		    strerror(errno));
		mxd_buf_free(&b);
		return rc;
	}
	if (write_all(fd, b.data, b.len) != 0 || fsync(fd) != 0) {
		rc = mxd_err_set(err, MXD_EIO, "cannot write %.200s: %s", tmp,
		    strerror(errno));
		(void)close(fd);
		(void)unlink(tmp);
		mxd_buf_free(&b);
		return rc;
	}
	mxd_buf_free(&b);
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		rc = mxd_err_set(err, MXD_EIO, "cannot replace the state file "
		    "%.200s: %s", path, strerror(errno));
		(void)unlink(tmp);
		return rc;
	}
	(void)fsync_dir(path);
	return 0;
}

/* engine_roll_state_mark - one run's look at one host */
int
engine_roll_state_mark(struct roll_state *st, const char *host, int seen,
    int64_t now, struct roll_wait *w)
{
	struct roll_state_host	*h = NULL;
	size_t			 i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < st->nhost; i++) {
		if (strcmp(st->host[i].host, host) == 0) {
			h = &st->host[i];
			break;
		}
	}
	if (h == NULL) {
		if (st->nhost >= ROLL_HOST_MAX ||
		    strlen(host) >= sizeof(h->host)) {
			return MXD_ENOSPC;
		}
		h = &st->host[st->nhost++];
		memset(h, 0, sizeof(*h));
		memcpy(h->host, host, strlen(host) + 1);
	}
	if (h->last > now) {
		/* The clock moved back: what we measured cannot be
		 * trusted; start over. */
		w->backwards = 1;
		h->first = 0;
	}
	if (!seen) {
		h->first = 0;
	} else if (h->first == 0) {
		h->first = now;
	}
	h->last = now;
	if (h->first != 0 && h->first > h->last) {
		h->first = now;
	}
	w->first = h->first;
	w->elapsed = h->first != 0 ? now - h->first : 0;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The gate's look                                                    */
/* ------------------------------------------------------------------ */

/* engine_roll_srv_str - a short name for a server's state */
const char *
engine_roll_srv_str(enum roll_srv_state st)
{
	switch (st) {
	case ROLL_SRV_OK:
		return "serves it";
	case ROLL_SRV_MISSING:
		return "lacks the new record";
	case ROLL_SRV_NODATA:
		return "has no TLSA RRset";
	case ROLL_SRV_BADSIG:
		return "no valid signature";
	case ROLL_SRV_LAME:
		return "lame";
	case ROLL_SRV_ERROR:
		return "error";
	case ROLL_SRV_TIMEOUT:
		return "timed out";
	}
	return "?";
}

/* on_start - the resolver's self-test is done */
static void
on_start(void *arg, int code, const struct mxd_err *err)
{
	struct gate *g = arg;

	g->started = 1;
	g->start_rc = code;
	if (err != NULL) {
		g->start_err = *err;
	}
}

/* on_answer - keep a copy of the answer */
static void
on_answer(void *arg, const struct dns_answer *ans)
{
	struct sync_q	*q = arg;
	size_t		 i;

	q->done = 1;
	q->ans = *ans;
	q->ans.rr = NULL;
	q->ans.nrr = 0;
	if (ans->nrr == 0) {
		return;
	}
	q->ans.rr = mxd_calloc(ans->nrr, sizeof(*q->ans.rr));
	if (q->ans.rr == NULL) {
		q->rc = MXD_ENOMEM;
		return;
	}
	for (i = 0; i < ans->nrr; i++) {
		q->ans.rr[i].data = mxd_malloc(ans->rr[i].len + 1);
		if (q->ans.rr[i].data == NULL) {
			q->rc = MXD_ENOMEM;
			break;
		}
		memcpy(q->ans.rr[i].data, ans->rr[i].data, ans->rr[i].len);
		q->ans.rr[i].len = ans->rr[i].len;
		q->ans.nrr++;
	}
}

/* resolve - one validated lookup, waiting for it */
static int
resolve(struct gate *g, const char *qname, int qtype, struct dns_answer *out)
{
	struct sync_q	q;
	int		rc;

	memset(&q, 0, sizeof(q));
	rc = dns_query(g->dc, qname, qtype, on_answer, &q, NULL);
	if (rc != 0) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	while (!q.done) {
		if (event_base_loop(g->base, EVLOOP_ONCE) < 0) {
			break;
		}
	}
	*out = q.ans;
	if (!q.done) {
		out->sec = DNS_SEC_INDETERMINATE;
		(void)snprintf(out->why, sizeof(out->why), "event loop failed");
	}
	return q.rc;
}

/* judge - one server's answer for one host */
static void
judge(const struct roll_dns_opts *o, const struct dns_auth_answer *a,
    const char *zone, const struct dns_auth_rdata *keys, size_t nkeys,
    const struct tlsa_rr *want, size_t nwant, struct roll_srv *s)
{
	enum dns_auth_sig_status	sig;
	struct mxd_err			why;
	struct tlsa_rr			rr;
	size_t				i, k;

	s->ttl = a->ttl;
	s->serial = a->has_soa ? a->serial : 0;
	switch (a->state) {
	case DNS_AUTH_DATA:
		break;
	case DNS_AUTH_NODATA:
	case DNS_AUTH_NXDOMAIN:
		s->state = ROLL_SRV_NODATA;
		(void)snprintf(s->why, sizeof(s->why), "%s",
		    dns_auth_state_str(a->state));
		return;
	case DNS_AUTH_LAME:
		s->state = ROLL_SRV_LAME;
		(void)snprintf(s->why, sizeof(s->why), "%.200s", a->why);
		return;
	case DNS_AUTH_TIMEOUT:
		s->state = ROLL_SRV_TIMEOUT;
		(void)snprintf(s->why, sizeof(s->why), "%.200s", a->why);
		return;
	default:
		s->state = ROLL_SRV_ERROR;
		(void)snprintf(s->why, sizeof(s->why), "%s: %.200s",
		    dns_auth_state_str(a->state), a->why);
		return;
	}
	mxd_err_clear(&why);
	sig = dns_auth_sig_check(a, zone, keys, nkeys,
	    o->sig_now != 0 ? o->sig_now : time(NULL), &why);
	if (sig != DNS_SIG_VALID) {
		s->state = ROLL_SRV_BADSIG;
		(void)snprintf(s->why, sizeof(s->why), "%s%s%.200s",
		    dns_auth_sig_str(sig), why.msg[0] != '\0' ? ": " : "",
		    why.msg);
		return;
	}
	s->state = ROLL_SRV_MISSING;
	for (i = 0; i < a->nrr; i++) {
		memset(&rr, 0, sizeof(rr));
		if (tlsa_rr_from_wire(a->rr[i].data, a->rr[i].len, &rr,
		    NULL) != 0) {
			continue;
		}
		for (k = 0; k < nwant; k++) {
			if (tlsa_rr_cmp(&rr, &want[k]) == 0) {
				s->state = ROLL_SRV_OK;
			}
		}
		tlsa_rr_clear(&rr);
	}
	if (s->state == ROLL_SRV_MISSING) {
		(void)snprintf(s->why, sizeof(s->why), "%zu record(s), none "
		    "for the new certificate", a->nrr);
	}
}

/* addr_failed - a nameserver's address lookup failed: a server entry */
static void
addr_failed(struct roll_look *lk, const char *nsname, int fam,
    const struct dns_answer *a)
{
	struct roll_srv	*s;

	if (lk->nsrv >= ROLL_SRV_MAX) {
		return;
	}
	s = &lk->srv[lk->nsrv++];
	memset(s, 0, sizeof(*s));
	(void)snprintf(s->server, sizeof(s->server), "%.250s (address "
	    "unknown)", nsname);
	s->state = a->timed_out ? ROLL_SRV_TIMEOUT : ROLL_SRV_ERROR;
	(void)snprintf(s->why, sizeof(s->why), "its %s lookup failed: %s%s"
	    "%.200s", fam == 0 ? "A" : "AAAA", dns_sec_str(a->sec),
	    a->why[0] != '\0' ? ": " : "", a->why);
}

/* look_host - the zone, its servers and their copies for one host */
static void
look_host(struct gate *g, const struct roll_dns_opts *o, const char *host,
    unsigned port, const struct tlsa_rr *want, size_t nwant,
    struct roll_look *lk)
{
	struct dns_answer	 soa, ns, keys, addr;
	struct dns_auth_server	*srv = NULL;
	struct dns_auth_result	*res = NULL;
	struct dns_auth_rdata	*kr = NULL;
	char			 nsname[NS_MAX][DNS_NAME_MAX], text[64];
	size_t			 nns = 0, nsrv = 0, i, k;
	int			 fam;

	memset(&soa, 0, sizeof(soa));
	memset(&ns, 0, sizeof(ns));
	memset(&keys, 0, sizeof(keys));
	(void)snprintf(lk->host, sizeof(lk->host), "%s", host);
	if (snprintf(lk->owner, sizeof(lk->owner), "_%u._tcp.%s", port,
	    host) >= (int)sizeof(lk->owner)) {
		lk->fatal = 1;
		(void)snprintf(lk->why, sizeof(lk->why), "name too long");
		return;
	}
	/* The zone: the owner of the SOA in the answer or the denial. */
	if (resolve(g, lk->owner, DNS_T_SOA, &soa) != 0 ||
	    soa.zone[0] == '\0' || soa.sec != DNS_SEC_SECURE) {
		lk->fatal = 1;
		lk->unknown = soa.sec == DNS_SEC_INDETERMINATE;
		(void)snprintf(lk->why, sizeof(lk->why), "the zone of %.100s "
		    "is not known securely (%s%s%.100s)", lk->owner,
		    dns_sec_str(soa.sec), soa.why[0] != '\0' ? ": " : "",
		    soa.why);
		goto out;
	}
	(void)snprintf(lk->zone, sizeof(lk->zone), "%s", soa.zone);
	if (resolve(g, lk->zone, DNS_T_DNSKEY, &keys) != 0 ||
	    keys.sec != DNS_SEC_SECURE || keys.nrr == 0) {
		lk->fatal = 1;
		lk->unknown = keys.sec == DNS_SEC_INDETERMINATE;
		(void)snprintf(lk->why, sizeof(lk->why), "the DNSKEY RRset of "
		    "%.100s does not validate from the trust anchor (%s%s"
		    "%.100s)", lk->zone, dns_sec_str(keys.sec),
		    keys.why[0] != '\0' ? ": " : "", keys.why);
		goto out;
	}
	if (resolve(g, lk->zone, DNS_T_NS, &ns) != 0 ||
	    ns.sec != DNS_SEC_SECURE || ns.nrr == 0) {
		lk->fatal = 1;
		lk->unknown = ns.sec == DNS_SEC_INDETERMINATE;
		(void)snprintf(lk->why, sizeof(lk->why), "the NS RRset of "
		    "%.100s is not known securely (%s)", lk->zone,
		    dns_sec_str(ns.sec));
		goto out;
	}
	for (i = 0; i < ns.nrr && nns < NS_MAX; i++) {
		size_t off = 0;

		if (dns_wire_name(ns.rr[i].data, ns.rr[i].len, &off,
		    nsname[nns], DNS_NAME_MAX) == 0 && off == ns.rr[i].len) {
			nns++;
		}
	}
	/*
	 * A nameserver whose address lookup failed (timeout, SERVFAIL,
	 * bogus) cannot be asked, yet resolvers may reach it: it is
	 * reported as not checked, never left out, or the gate would say
	 * GO on the servers it happened to find.
	 */
	for (i = 0; i < nns; i++) {
		for (fam = 0; fam < 2; fam++) {
			memset(&addr, 0, sizeof(addr));
			if (resolve(g, nsname[i], fam == 0 ? DNS_T_A :
			    DNS_T_AAAA, &addr) != 0 ||
			    addr.sec == DNS_SEC_INDETERMINATE ||
			    addr.sec == DNS_SEC_BOGUS) {
				/* Not checked, whatever the other family
				 * says: one entry, and no more waiting. */
				addr_failed(lk, nsname[i], fam, &addr);
				dns_answer_clear(&addr);
				break;
			}
			for (k = 0; k < addr.nrr; k++) {
				if (addr.rr[k].len != (fam == 0 ? 4u : 16u) ||
				    inet_ntop(fam == 0 ? AF_INET : AF_INET6,
				    addr.rr[k].data, text, sizeof(text)) ==
				    NULL || nsrv >= ROLL_SRV_MAX) {
					continue;
				}
				(void)dns_auth_servers_add(&srv, &nsrv,
				    nsname[i], text, 53, NULL);
			}
			dns_answer_clear(&addr);
		}
	}
	if (nsrv == 0 && lk->nsrv > 0) {
		/* Only failed lookups: nothing to ask, nothing decided. */
		goto out;
	}
	if (nsrv == 0) {
		lk->fatal = 1;
		(void)snprintf(lk->why, sizeof(lk->why), "no address for any "
		    "nameserver of %.100s", lk->zone);
		goto out;
	}
	kr = mxd_calloc(keys.nrr, sizeof(*kr));
	if (kr == NULL || dns_auth_query_all_sync(srv, nsrv, lk->owner,
	    DNS_T_TLSA, o->timeout_ms, &res, NULL) != 0) {
		lk->fatal = 1;
		(void)snprintf(lk->why, sizeof(lk->why), "cannot ask the "
		    "nameservers of %.100s", lk->zone);
		goto out;
	}
	for (i = 0; i < keys.nrr; i++) {
		kr[i].data = keys.rr[i].data;
		kr[i].len = keys.rr[i].len;
	}
	for (i = 0; i < nsrv && lk->nsrv < ROLL_SRV_MAX; i++) {
		struct roll_srv *s = &lk->srv[lk->nsrv++];

		(void)snprintf(s->server, sizeof(s->server), "%.250s (%s)",
		    res[i].server.name, res[i].server.text);
		judge(o, &res[i].answer, lk->zone, kr, keys.nrr, want, nwant,
		    s);
		if (s->ttl > lk->ttl && s->state <= ROLL_SRV_MISSING) {
			lk->ttl = s->ttl;
		}
	}
out:
	dns_auth_results_free(res, nsrv);
	mxd_free(kr);
	mxd_free(srv);
	dns_answer_clear(&soa);
	dns_answer_clear(&ns);
	dns_answer_clear(&keys);
}

/* engine_roll_gate_look - every host's copy on every server */
int
engine_roll_gate_look(const struct roll_dns_opts *o,
    const char *const *hosts, size_t nhosts, unsigned port,
    const struct tlsa_rr *want, size_t nwant, struct roll_look *look,
    struct mxd_err *err)
{
	struct dns_opts	 d;
	struct gate	 g;
	size_t		 i;
	int		 rc;

	if (o == NULL || hosts == NULL || nhosts == 0 ||
	    nhosts > ROLL_HOST_MAX || look == NULL || want == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "rollover: bad arguments");
	}
	memset(&g, 0, sizeof(g));
	memset(&d, 0, sizeof(d));
	d.trust_anchor = o->trust_anchor;
	d.resolver = o->resolver;
	d.recursive = o->recursive;
	d.root_hints = o->root_hints;
	d.timeout_ms = o->timeout_ms;
	g.base = event_base_new();
	if (g.base == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "cannot make an event "
		    "loop");
	}
	rc = dns_ctx_new(g.base, &d, &g.dc, err);
	if (rc != 0) {
		event_base_free(g.base);
		return rc;
	}
	rc = dns_ctx_start(g.dc, on_start, &g);
	while (rc == 0 && !g.started) {
		if (event_base_loop(g.base, EVLOOP_ONCE) < 0) {
			break;
		}
	}
	if (rc != 0 || !g.started || g.start_rc != 0) {
		rc = mxd_err_set(err, MXD_EDNS, "DNS cannot work: %s",
		    g.start_err.msg[0] != '\0' ? g.start_err.msg :
		    "the resolver's self-test did not finish");
		goto out;
	}
	for (i = 0; i < nhosts; i++) {
		memset(&look[i], 0, sizeof(look[i]));
		look_host(&g, o, hosts[i], port, want, nwant, &look[i]);
	}
	rc = 0;
out:
	dns_ctx_free(g.dc);
	event_base_free(g.base);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The next key                                                       */
/* ------------------------------------------------------------------ */

/* engine_roll_key_new - a new private key, atomically, never over a file */
int
engine_roll_key_new(const char *path, enum roll_keyalg alg,
    char spki_sha256[65], struct mxd_err *err)
{
	EVP_PKEY	*pkey = NULL;
	BIO		*mem = NULL;
	unsigned char	*der = NULL, md[32];
	const char	*pem;
	char		 tmp[4096];
	long		 pemlen;
	int		 derlen, fd = -1, rc;
	struct stat	 sb;

	if (path == NULL || spki_sha256 == NULL) {
		return MXD_EINVAL;
	}
	/* Checked first, so that no key is made for nothing; link(2)
	 * below is what guarantees it. */
	if (lstat(path, &sb) == 0) {
		return mxd_err_set(err, MXD_EEXIST, "%.200s exists; it is left "
		    "as it is (choose another name)", path);
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(tmp)) {
		return mxd_err_set(err, MXD_EINVAL, "file name too long");
	}
	ERR_clear_error();
	if (alg == ROLL_KEY_RSA2048) {
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	} else {
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	}
	if (pkey == NULL) {
		return mxd_err_ssl(err, MXD_ECRYPTO, "cannot make a key");
	}
	derlen = i2d_PUBKEY(pkey, &der);
	if (derlen <= 0 || EVP_Digest(der, (size_t)derlen, md, NULL,
	    EVP_sha256(), NULL) != 1) {
		rc = mxd_err_ssl(err, MXD_ECRYPTO, "cannot encode the key");
		goto out;
	}
	mxd_hex_encode(md, sizeof(md), spki_sha256);
	mem = BIO_new(BIO_s_mem());
	if (mem == NULL || PEM_write_bio_PrivateKey(mem, pkey, NULL, NULL, 0,
	    NULL, NULL) != 1) {
		rc = mxd_err_ssl(err, MXD_ECRYPTO, "cannot encode the key");
		goto out;
	}
	pemlen = BIO_get_mem_data(mem, &pem);
	fd = mkstemp(tmp);	/* mode 0600 */
	if (fd < 0) {
		rc = mxd_err_set(err, errno == EACCES ? MXD_EACCES : MXD_EIO,
		    "cannot create a file next to %.200s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || pemlen <= 0 ||
	    write_all(fd, pem, (size_t)pemlen) != 0 || fsync(fd) != 0 ||
	    close(fd) != 0) {
		rc = mxd_err_set(err, MXD_EIO, "cannot write %.200s: %s", tmp,
		    strerror(errno));
		fd = -1;
		(void)unlink(tmp);
		goto out;
	}
	fd = -1;
	/* link(2) fails with EEXIST instead of replacing: a key that
	 * appeared meanwhile is never overwritten. */
	if (link(tmp, path) != 0) {
		int e = errno;

		(void)unlink(tmp);
		rc = mxd_err_set(err, e == EEXIST ? MXD_EEXIST : e == EACCES ?
		    MXD_EACCES : MXD_EIO, "cannot write %.200s: %s%s", path,
		    strerror(e), e == EEXIST ? " (it is left as it is)" : "");
		goto out;
	}
	(void)unlink(tmp);
	(void)fsync_dir(path);
	rc = 0;
out:
	if (fd >= 0) {
		(void)close(fd);
		(void)unlink(tmp);
	}
	OPENSSL_free(der);
	BIO_free(mem);
	EVP_PKEY_free(pkey);
	return rc;
}
