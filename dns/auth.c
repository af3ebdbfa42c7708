/*
 * auth.c - one DNS question to one named authoritative server.
 *
 * A validating resolver answers from whichever server it likes and hides
 * the rest; the rollover gate and the nameserver findings must see every
 * server's own copy. So this module talks to one address directly: a
 * query with RD=0 and EDNS0 DO=1 (RFC 4035 §3.2.1, RFC 6891) over UDP,
 * again over TCP when the reply is truncated (RFC 7766 §5), the reply
 * matched by ID and question (RFC 5452 §9.1), every wait bounded.
 *
 * It does not validate: nothing here is trusted by itself. The signature
 * check takes the zone's DNSKEY RRset from the caller, who got it through
 * the validating resolver, so that a valid RRSIG chains to the trust
 * anchor (RFC 4035 §5.3).
 *
 * Wire parsing and signature verification are libldns's: its parser is
 * bounded (counts, lengths, compression pointers) and its verifier has
 * been used by drill and ldns-verify-zone for years.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <ldns/ldns.h>
#include <openssl/rand.h>

#include "common/mxd.h"
#include "dns/auth.h"

enum xfer_state {
	X_UDP,			/* datagram sent, waiting for the reply */
	X_TCP_CONNECT,		/* connecting */
	X_TCP_WRITE,		/* sending the length-prefixed message */
	X_TCP_READ,		/* reading the length, then the reply */
};

struct dns_auth_xfer {
	struct event_base	*base;
	struct dns_auth_server	 srv;
	enum xfer_state		 state;
	int			 fd;
	struct event		*io;
	struct event		*timer;		/* whole exchange */
	struct event		*resend;	/* UDP retransmission */
	unsigned		 resend_ms;
	unsigned		 sends;
	uint8_t			*out;		/* length, message */
	size_t			 outlen;
	size_t			 outoff;
	uint8_t			*in;		/* reply, max + 2 */
	size_t			 inoff;
	size_t			 inwant;	/* 2, then 2 + len */
	uint16_t		 id;
	int			 failed;	/* errno of a failed start */
	dns_auth_xfer_cb	*cb;
	void			*arg;
};

struct dns_auth_query {
	struct dns_auth_xfer	*x;
	char			 qname[DNS_AUTH_NAME_MAX];
	uint16_t		 qtype;
	uint16_t		 id;
	dns_auth_cb		*cb;
	void			*arg;
};

struct dns_auth_fanout {
	struct dns_auth_query	**q;
	struct dns_auth_result	*res;
	size_t			 n;
	size_t			 left;
	struct fanout_slot	*slot;
	dns_auth_all_cb		*cb;
	void			*arg;
};

struct fanout_slot {
	struct dns_auth_fanout	*f;
	size_t			 i;
};

static int	name_to_str(const ldns_rdf *rdf, char *out, size_t outsz);
static int	name_eq(const ldns_rdf *rdf, const char *name);
static int	rr_rdata(const ldns_rr *rr, struct dns_auth_rdata *out);
static int	parse_pkt(const ldns_pkt *pkt, struct dns_auth_answer *ans,
		    struct mxd_err *err);
static int	set_nonblock(int fd);
static void	xfer_finish(struct dns_auth_xfer *x, int code,
		    const uint8_t *wire, size_t len, const char *why);
static void	xfer_free(struct dns_auth_xfer *x);
static int	xfer_tcp_start(struct dns_auth_xfer *x);
static void	xfer_on_timeout(evutil_socket_t fd, short what, void *arg);
static void	xfer_on_resend(evutil_socket_t fd, short what, void *arg);
static void	xfer_on_udp(evutil_socket_t fd, short what, void *arg);
static void	xfer_on_tcp(evutil_socket_t fd, short what, void *arg);
static void	sync_xfer_cb(void *arg, int code, const uint8_t *wire,
		    size_t len, const struct mxd_err *err);
static void	query_xfer_cb(void *arg, int code, const uint8_t *wire,
		    size_t len, const struct mxd_err *err);
static void	sync_query_cb(void *arg, struct dns_auth_answer *ans);
static void	fanout_cb(void *arg, struct dns_auth_answer *ans);
static void	sync_all_cb(void *arg, struct dns_auth_result *res,
		    size_t n);

/* ------------------------------------------------------------------ */
/* Names, servers, queries                                             */
/* ------------------------------------------------------------------ */

/* dns_auth_server_parse - "ADDR[@PORT]" into a server */
int
dns_auth_server_parse(const char *text, uint16_t defport, const char *name,
    struct dns_auth_server *srv, struct mxd_err *err)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	char			 host[64], shown[64];
	const char		*at;
	unsigned long		 port = defport;
	size_t			 hlen;
	char			*end;

	if (text == NULL || srv == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no server address");
	}
	memset(srv, 0, sizeof(*srv));
	at = strrchr(text, '@');
	hlen = at != NULL ? (size_t)(at - text) : strlen(text);
	if (hlen == 0 || hlen >= sizeof(host)) {
		goto bad;
	}
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (host[0] == '[' && host[hlen - 1] == ']') {
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	if (at != NULL) {
		if (at[1] < '0' || at[1] > '9') {
			goto bad;
		}
		errno = 0;
		port = strtoul(at + 1, &end, 10);
		if (errno != 0 || *end != '\0' || port == 0 || port > 65535) {
			goto bad;
		}
	}
	sin = (struct sockaddr_in *)&srv->sa;
	sin6 = (struct sockaddr_in6 *)&srv->sa;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		srv->salen = sizeof(*sin);
		(void)snprintf(srv->text, sizeof(srv->text), "%s@%lu", host,
		    port);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		srv->salen = sizeof(*sin6);
		(void)snprintf(srv->text, sizeof(srv->text), "%s@%lu", host,
		    port);
	} else {
		goto bad;
	}
	if (name != NULL) {
		(void)snprintf(srv->name, sizeof(srv->name), "%s", name);
	}
	return 0;
bad:
	return mxd_err_set(err, MXD_EBADDATA,
	    "'%s' is not an address ADDR[@PORT]",
	    mxd_sanitize(text, strlen(text), shown, sizeof(shown)));
}

/* dns_auth_servers_add - one more address to ask, once */
int
dns_auth_servers_add(struct dns_auth_server **list, size_t *n,
    const char *nsname, const char *addr, uint16_t port, struct mxd_err *err)
{
	struct dns_auth_server	 srv, *grown;
	size_t			 i;
	int			 r;

	if (list == NULL || n == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no server list");
	}
	r = dns_auth_server_parse(addr, port, nsname, &srv, err);
	if (r < 0) {
		return r;
	}
	for (i = 0; i < *n; i++) {
		if ((*list)[i].salen == srv.salen &&
		    memcmp(&(*list)[i].sa, &srv.sa, srv.salen) == 0) {
			return 0;
		}
	}
	if (*n >= DNS_AUTH_RR_MAX) {
		return mxd_err_set(err, MXD_ENOSPC,
		    "more than %d nameserver addresses", DNS_AUTH_RR_MAX);
	}
	grown = mxd_realloc(*list, (*n + 1) * sizeof(**list));
	if (grown == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	grown[*n] = srv;
	*list = grown;
	(*n)++;
	return 0;
}

/* dns_auth_query_build - a non-recursive DO=1 query in wire form */
int
dns_auth_query_build(const char *qname, uint16_t qtype, uint16_t id,
    uint8_t **wire, size_t *len, struct mxd_err *err)
{
	ldns_pkt	*pkt = NULL;
	uint8_t		*buf = NULL;
	size_t		 size = 0;
	char		 shown[80];

	if (qname == NULL || wire == NULL || len == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no query name");
	}
	if (ldns_pkt_query_new_frm_str(&pkt, qname, (ldns_rr_type)qtype,
	    LDNS_RR_CLASS_IN, 0) != LDNS_STATUS_OK || pkt == NULL) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "'%s' is not a domain name",
		    mxd_sanitize(qname, strlen(qname), shown, sizeof(shown)));
	}
	ldns_pkt_set_id(pkt, id);
	ldns_pkt_set_rd(pkt, false);
	ldns_pkt_set_edns_udp_size(pkt, DNS_AUTH_EDNS_SIZE);
	ldns_pkt_set_edns_do(pkt, true);
	if (ldns_pkt2wire(&buf, pkt, &size) != LDNS_STATUS_OK) {
		ldns_pkt_free(pkt);
		return mxd_err_set(err, MXD_ENOMEM, "cannot build a query");
	}
	ldns_pkt_free(pkt);
	*wire = mxd_malloc(size);
	if (*wire == NULL) {
		LDNS_FREE(buf);
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	memcpy(*wire, buf, size);
	*len = size;
	LDNS_FREE(buf);
	return 0;
}

/* name_to_str - a wire name in presentation form, with the final dot */
static int
name_to_str(const ldns_rdf *rdf, char *out, size_t outsz)
{
	char	*s;
	int	 n;

	s = ldns_rdf2str(rdf);
	if (s == NULL) {
		return MXD_ENOMEM;
	}
	n = snprintf(out, outsz, "%s", s);
	LDNS_FREE(s);
	return n < 0 || (size_t)n >= outsz ? MXD_ENOSPC : 0;
}

/* name_eq - does a wire name equal a presentation name (any case)? */
static int
name_eq(const ldns_rdf *rdf, const char *name)
{
	ldns_rdf	*other;
	int		 eq;

	other = ldns_dname_new_frm_str(name);
	if (other == NULL) {
		return 0;
	}
	eq = ldns_dname_compare(rdf, other) == 0;
	ldns_rdf_deep_free(other);
	return eq;
}

/* rr_rdata - the uncompressed RDATA of a record, as its fields joined */
static int
rr_rdata(const ldns_rr *rr, struct dns_auth_rdata *out)
{
	size_t	 i, len = 0, off = 0;

	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		len += ldns_rdf_size(ldns_rr_rdf(rr, i));
	}
	if (len > 65535) {
		return MXD_EPROTO;
	}
	out->data = mxd_malloc(len);
	if (out->data == NULL) {
		return MXD_ENOMEM;
	}
	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);

		memcpy(out->data + off, ldns_rdf_data(f), ldns_rdf_size(f));
		off += ldns_rdf_size(f);
	}
	out->len = len;
	return 0;
}

/* dns_auth_answer_clear - free an answer */
void
dns_auth_answer_clear(struct dns_auth_answer *ans)
{
	size_t i;

	if (ans == NULL) {
		return;
	}
	for (i = 0; i < ans->nrr; i++) {
		mxd_free(ans->rr[i].data);
	}
	mxd_free(ans->rr);
	mxd_free(ans->sig);
	mxd_free(ans->wire);
	memset(ans, 0, sizeof(*ans));
}

/* parse_pkt - pick the RRset, its RRSIGs, the SOA and the denial records */
static int
parse_pkt(const ldns_pkt *pkt, struct dns_auth_answer *ans,
    struct mxd_err *err)
{
	const ldns_rr_list	*an, *ns;
	const ldns_rr_list	*sects[2];
	const ldns_rr		*rr;
	size_t			 i, s, nan;
	int			 r;

	an = ldns_pkt_answer(pkt);
	ns = ldns_pkt_authority(pkt);
	nan = an != NULL ? ldns_rr_list_rr_count(an) : 0;
	if (nan > 0) {
		ans->rr = mxd_calloc(nan, sizeof(*ans->rr));
		ans->sig = mxd_calloc(nan, sizeof(*ans->sig));
		if (ans->rr == NULL || ans->sig == NULL) {
			return mxd_err_set(err, MXD_ENOMEM, "out of memory");
		}
	}
	for (i = 0; i < nan; i++) {
		rr = ldns_rr_list_rr(an, i);
		if (!name_eq(ldns_rr_owner(rr), ans->qname)) {
			continue;
		}
		if (ldns_rr_get_type(rr) == ans->qtype) {
			if (ans->nrr >= DNS_AUTH_RR_MAX) {
				return mxd_err_set(err, MXD_EPROTO,
				    "more than %d records in one RRset",
				    DNS_AUTH_RR_MAX);
			}
			r = rr_rdata(rr, &ans->rr[ans->nrr]);
			if (r < 0) {
				return mxd_err_set(err, r, "%s",
				    mxd_strerror(r));
			}
			if (ans->nrr == 0 || ldns_rr_ttl(rr) < ans->ttl) {
				ans->ttl = ldns_rr_ttl(rr);
			}
			ans->nrr++;
		} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME) {
			ans->cname = 1;
		} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_rr_rd_count(rr) >= 9 &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) ==
		    ans->qtype) {
			struct dns_auth_sig *sg = &ans->sig[ans->nsig];

			sg->algorithm = ldns_rdf2native_int8(
			    ldns_rr_rrsig_algorithm(rr));
			sg->labels = ldns_rdf2native_int8(
			    ldns_rr_rrsig_labels(rr));
			sg->orig_ttl = ldns_rdf2native_int32(
			    ldns_rr_rrsig_origttl(rr));
			sg->expiration = ldns_rdf2native_int32(
			    ldns_rr_rrsig_expiration(rr));
			sg->inception = ldns_rdf2native_int32(
			    ldns_rr_rrsig_inception(rr));
			sg->key_tag = ldns_rdf2native_int16(
			    ldns_rr_rrsig_keytag(rr));
			if (name_to_str(ldns_rr_rrsig_signame(rr), sg->signer,
			    sizeof(sg->signer)) < 0) {
				return mxd_err_set(err, MXD_EPROTO,
				    "unreadable RRSIG signer name");
			}
			ans->nsig++;
		}
	}
	sects[0] = an;
	sects[1] = ns;
	for (s = 0; s < 2; s++) {
		if (sects[s] == NULL) {
			continue;
		}
		for (i = 0; i < ldns_rr_list_rr_count(sects[s]); i++) {
			rr = ldns_rr_list_rr(sects[s], i);
			switch (ldns_rr_get_type(rr)) {
			case LDNS_RR_TYPE_SOA:
				if (ans->has_soa ||
				    ldns_rr_rd_count(rr) != 7) {
					break;
				}
				ans->has_soa = 1;
				ans->serial = ldns_rdf2native_int32(
				    ldns_rr_rdf(rr, 2));
				ans->soa_minimum = ldns_rdf2native_int32(
				    ldns_rr_rdf(rr, 6));
				break;
			case LDNS_RR_TYPE_NSEC:
				ans->nsec += s == 1;
				break;
			case LDNS_RR_TYPE_NSEC3:
				ans->nsec3 += s == 1;
				break;
			default:
				break;
			}
		}
	}
	return 0;
}

/* dns_auth_parse - check a reply against its query and pick its parts */
int
dns_auth_parse(const uint8_t *wire, size_t len, const char *qname,
    uint16_t qtype, uint16_t id, struct dns_auth_answer *ans,
    struct mxd_err *err)
{
	struct mxd_err	 local;
	ldns_pkt	*pkt = NULL;
	ldns_status	 st;
	const ldns_rr	*q;
	int		 r;

	if (wire == NULL || qname == NULL || ans == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "nothing to parse");
	}
	if (err == NULL) {
		err = &local;		/* the reason goes to ans->why */
	}
	memset(ans, 0, sizeof(*ans));
	ans->state = DNS_AUTH_BADREPLY;
	ans->qtype = qtype;
	if (snprintf(ans->qname, sizeof(ans->qname), "%s", qname) >=
	    (int)sizeof(ans->qname)) {
		return mxd_err_set(err, MXD_EINVAL, "query name too long");
	}
	if (len < LDNS_HEADER_SIZE) {
		r = mxd_err_set(err, MXD_EPROTO, "reply shorter than a header");
		goto fail;
	}
	if (len > DNS_AUTH_MSG_MAX) {
		r = mxd_err_set(err, MXD_EPROTO, "reply longer than 65535");
		goto fail;
	}
	st = ldns_wire2pkt(&pkt, wire, len);
	if (st != LDNS_STATUS_OK) {
		r = mxd_err_set(err, MXD_EPROTO, "malformed reply: %s",
		    ldns_get_errorstr_by_id(st));
		goto fail;
	}
	if (!ldns_pkt_qr(pkt) || ldns_pkt_id(pkt) != id ||
	    ldns_pkt_get_opcode(pkt) != LDNS_PACKET_QUERY) {
		r = mxd_err_set(err, MXD_EPROTO,
		    "not a reply to our query (QR, ID or opcode differ)");
		goto fail;
	}
	if (ldns_pkt_qdcount(pkt) != 1 ||
	    ldns_rr_list_rr_count(ldns_pkt_question(pkt)) != 1) {
		r = mxd_err_set(err, MXD_EPROTO,
		    "reply has %u questions, not 1",
		    (unsigned)ldns_pkt_qdcount(pkt));
		goto fail;
	}
	q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	if (ldns_rr_get_type(q) != qtype ||
	    ldns_rr_get_class(q) != LDNS_RR_CLASS_IN ||
	    !name_eq(ldns_rr_owner(q), qname)) {
		r = mxd_err_set(err, MXD_EPROTO,
		    "reply answers another question");
		goto fail;
	}
	ans->rcode = ldns_pkt_get_rcode(pkt);
	ans->aa = ldns_pkt_aa(pkt);
	r = parse_pkt(pkt, ans, err);
	if (r < 0) {
		goto fail;
	}
	ans->wire = mxd_malloc(len);
	if (ans->wire == NULL) {
		r = mxd_err_set(err, MXD_ENOMEM, "out of memory");
		goto fail;
	}
	memcpy(ans->wire, wire, len);
	ans->wirelen = len;
	if (ans->rcode == LDNS_RCODE_REFUSED ||
	    ans->rcode == LDNS_RCODE_NOTAUTH) {
		ans->state = DNS_AUTH_LAME;
	} else if (ans->rcode != LDNS_RCODE_NOERROR &&
	    ans->rcode != LDNS_RCODE_NXDOMAIN) {
		ans->state = DNS_AUTH_RCODE;
	} else if (!ans->aa) {
		ans->state = DNS_AUTH_LAME;
	} else if (ans->rcode == LDNS_RCODE_NXDOMAIN) {
		ans->state = DNS_AUTH_NXDOMAIN;
	} else if (ans->nrr > 0) {
		ans->state = DNS_AUTH_DATA;
	} else {
		ans->state = DNS_AUTH_NODATA;
	}
	ldns_pkt_free(pkt);
	return 0;
fail:
	ldns_pkt_free(pkt);
	{
		char keep[DNS_AUTH_NAME_MAX];

		memcpy(keep, ans->qname, sizeof(keep));
		dns_auth_answer_clear(ans);
		memcpy(ans->qname, keep, sizeof(keep));
	}
	ans->qtype = qtype;
	ans->state = DNS_AUTH_BADREPLY;
	(void)snprintf(ans->why, sizeof(ans->why), "%s", err->msg);
	return r;
}

/* dns_auth_state_str - display name of a state */
const char *
dns_auth_state_str(enum dns_auth_state st)
{
	switch (st) {
	case DNS_AUTH_DATA:
		return "data";
	case DNS_AUTH_NODATA:
		return "nodata";
	case DNS_AUTH_NXDOMAIN:
		return "nxdomain";
	case DNS_AUTH_LAME:
		return "lame";
	case DNS_AUTH_RCODE:
		return "error";
	case DNS_AUTH_TIMEOUT:
		return "timeout";
	case DNS_AUTH_UNREACHABLE:
		return "unreachable";
	case DNS_AUTH_BADREPLY:
		return "bad reply";
	}
	return "unknown";
}

/* dns_auth_sig_str - display name of a signature check outcome */
const char *
dns_auth_sig_str(enum dns_auth_sig_status st)
{
	switch (st) {
	case DNS_SIG_VALID:
		return "valid";
	case DNS_SIG_EXPIRED:
		return "expired";
	case DNS_SIG_NOT_YET:
		return "not yet valid";
	case DNS_SIG_NONE:
		return "no signature";
	case DNS_SIG_BAD:
		return "bad signature";
	case DNS_SIG_UNKNOWN_KEY:
		return "unknown key";
	}
	return "unknown";
}

/* ------------------------------------------------------------------ */
/* Signatures                                                          */
/* ------------------------------------------------------------------ */

/* dns_auth_sig_check - verify the RRSIGs over the answer RRset */
enum dns_auth_sig_status
dns_auth_sig_check(const struct dns_auth_answer *ans, const char *zone,
    const struct dns_auth_rdata *keys, size_t nkeys, time_t now,
    struct mxd_err *why)
{
	enum dns_auth_sig_status	 best = DNS_SIG_NONE;
	ldns_pkt			*pkt = NULL;
	ldns_rr_list			*rrset = NULL, *sigs = NULL;
	ldns_rr_list			*klist = NULL;
	ldns_rdf			*zname = NULL;
	ldns_rr				*rr;
	const ldns_rr_list		*an;
	uint8_t				*buf = NULL;
	size_t				 i, pos;
	ldns_status			 st;
	int				 rank[] = { 0, 2, 3, 5, 4, 4 };

	mxd_err_clear(why);
	if (ans == NULL || zone == NULL || ans->wire == NULL) {
		mxd_err_set(why, MXD_EINVAL, "no answer to check");
		return DNS_SIG_NONE;
	}
	zname = ldns_dname_new_frm_str(zone);
	rrset = ldns_rr_list_new();
	sigs = ldns_rr_list_new();
	klist = ldns_rr_list_new();
	if (zname == NULL || rrset == NULL || sigs == NULL || klist == NULL ||
	    ldns_wire2pkt(&pkt, ans->wire, ans->wirelen) != LDNS_STATUS_OK) {
		mxd_err_set(why, MXD_EPROTO, "cannot read the answer again");
		best = DNS_SIG_BAD;
		goto out;
	}
	an = ldns_pkt_answer(pkt);
	for (i = 0; an != NULL && i < ldns_rr_list_rr_count(an); i++) {
		rr = ldns_rr_list_rr(an, i);
		if (!name_eq(ldns_rr_owner(rr), ans->qname)) {
			continue;
		}
		if (ldns_rr_get_type(rr) == ans->qtype) {
			(void)ldns_rr_list_push_rr(rrset, rr);
		} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_rr_rd_count(rr) >= 9 &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) ==
		    ans->qtype &&
		    ldns_dname_compare(ldns_rr_rrsig_signame(rr), zname) == 0) {
			(void)ldns_rr_list_push_rr(sigs, rr);
		}
	}
	if (ldns_rr_list_rr_count(rrset) == 0 ||
	    ldns_rr_list_rr_count(sigs) == 0) {
		mxd_err_set(why, MXD_EBADDATA, "no RRSIG by %s", zone);
		goto out;
	}
	for (i = 0; i < nkeys; i++) {
		if (keys[i].len > 65535) {
			continue;
		}
		buf = mxd_malloc(keys[i].len + 2);
		rr = ldns_rr_new();
		if (buf == NULL || rr == NULL) {
			ldns_rr_free(rr);
			mxd_err_set(why, MXD_ENOMEM, "out of memory");
			best = DNS_SIG_BAD;
			goto out;
		}
		ldns_rr_set_type(rr, LDNS_RR_TYPE_DNSKEY);
		buf[0] = (uint8_t)(keys[i].len >> 8);
		buf[1] = (uint8_t)keys[i].len;
		memcpy(buf + 2, keys[i].data, keys[i].len);
		pos = 0;
		ldns_rr_set_owner(rr, ldns_rdf_clone(zname));
		ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
		if (ldns_wire2rdf(rr, buf, keys[i].len + 2, &pos) !=
		    LDNS_STATUS_OK) {
			ldns_rr_free(rr);
		} else {
			(void)ldns_rr_list_push_rr(klist, rr);
		}
		mxd_free(buf);
		buf = NULL;
	}
	best = DNS_SIG_BAD;
	for (i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
		enum dns_auth_sig_status one;

		st = ldns_verify_rrsig_keylist_time(rrset,
		    ldns_rr_list_rr(sigs, i), klist, now, NULL);
		switch (st) {
		case LDNS_STATUS_OK:
			one = DNS_SIG_VALID;
			break;
		case LDNS_STATUS_CRYPTO_SIG_EXPIRED:
			one = DNS_SIG_EXPIRED;
			break;
		case LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED:
			one = DNS_SIG_NOT_YET;
			break;
		case LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY:
		case LDNS_STATUS_CRYPTO_NO_DNSKEY:
			one = DNS_SIG_UNKNOWN_KEY;
			break;
		default:
			one = DNS_SIG_BAD;
			break;
		}
		if (i == 0 || rank[one] < rank[best]) {
			best = one;
			mxd_err_set(why, one == DNS_SIG_VALID ? 0 :
			    MXD_EBADDATA, "RRSIG key tag %u: %s",
			    (unsigned)ldns_rdf2native_int16(
			    ldns_rr_rrsig_keytag(ldns_rr_list_rr(sigs, i))),
			    ldns_get_errorstr_by_id(st));
		}
	}
out:
	mxd_free(buf);
	ldns_rr_list_free(rrset);
	ldns_rr_list_free(sigs);
	ldns_rr_list_deep_free(klist);
	ldns_rdf_deep_free(zname);
	ldns_pkt_free(pkt);
	return best;
}

/* ------------------------------------------------------------------ */
/* Transport: UDP, then TCP when truncated                             */
/* ------------------------------------------------------------------ */

/* set_nonblock - O_NONBLOCK on a socket */
static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		return -1;
	}
	return 0;
}

/* xfer_free - close and free an exchange */
static void
xfer_free(struct dns_auth_xfer *x)
{
	if (x == NULL) {
		return;
	}
	if (x->io != NULL) {
		event_free(x->io);
	}
	if (x->timer != NULL) {
		event_free(x->timer);
	}
	if (x->resend != NULL) {
		event_free(x->resend);
	}
	if (x->fd >= 0) {
		(void)close(x->fd);
	}
	mxd_free(x->out);
	mxd_free(x->in);
	mxd_free(x);
}

/* xfer_finish - hand the outcome to the caller, then free the exchange */
static void
xfer_finish(struct dns_auth_xfer *x, int code, const uint8_t *wire,
    size_t len, const char *why)
{
	struct mxd_err	 err;
	dns_auth_xfer_cb *cb = x->cb;
	void		*arg = x->arg;

	mxd_err_clear(&err);
	if (code < 0) {
		mxd_err_set(&err, code, "%s: %s", x->srv.text, why);
	}
	/* The reply lives in x->in: call back first, free after. */
	cb(arg, code, wire, len, &err);
	xfer_free(x);
}

/* xfer_on_timeout - the whole exchange took too long */
static void
xfer_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct dns_auth_xfer *x = arg;

	(void)fd;
	(void)what;
	if (x->failed != 0) {
		xfer_finish(x, MXD_EIO, NULL, 0, strerror(x->failed));
		return;
	}
	xfer_finish(x, MXD_ETIMEDOUT, NULL, 0,
	    x->state == X_UDP ? "no answer (timeout)" :
	    "no answer over TCP (timeout)");
}

/*
 * xfer_on_resend - no UDP reply yet: send the same query again, so that
 * one lost datagram does not make a server look dead (RFC 1035 §4.2.1)
 */
static void
xfer_on_resend(evutil_socket_t fd, short what, void *arg)
{
	struct dns_auth_xfer	*x = arg;
	struct timeval		 tv;

	(void)fd;
	(void)what;
	if (x->state != X_UDP || x->sends >= DNS_AUTH_UDP_SENDS) {
		return;
	}
	if (send(x->fd, x->out + 2, x->outlen - 2, 0) < 0 &&
	    errno != EAGAIN) {
		xfer_finish(x, MXD_EIO, NULL, 0, strerror(errno));
		return;
	}
	x->sends++;
	tv.tv_sec = x->resend_ms / 1000;
	tv.tv_usec = (suseconds_t)(x->resend_ms % 1000) * 1000;
	(void)evtimer_add(x->resend, &tv);
}

/* xfer_on_udp - a datagram arrived (or an ICMP error) */
static void
xfer_on_udp(evutil_socket_t fd, short what, void *arg)
{
	struct dns_auth_xfer	*x = arg;
	ssize_t			 n;
	int			 i;

	(void)what;
	/* Bounded: at most a few datagrams per wake-up. */
	for (i = 0; i < 16; i++) {
		n = recv(fd, x->in, DNS_AUTH_MSG_MAX, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR) {
				return;
			}
			xfer_finish(x, MXD_EIO, NULL, 0, strerror(errno));
			return;
		}
		/* Not ours (RFC 5452 §9.1): ignore, keep waiting. */
		if (n < LDNS_HEADER_SIZE || LDNS_ID_WIRE(x->in) != x->id ||
		    !LDNS_QR_WIRE(x->in)) {
			continue;
		}
		if (LDNS_TC_WIRE(x->in)) {
			event_free(x->io);
			x->io = NULL;
			(void)close(x->fd);
			x->fd = -1;
			if (xfer_tcp_start(x) < 0) {
				xfer_finish(x, MXD_EIO, NULL, 0,
				    "truncated, and TCP failed");
			}
			return;
		}
		xfer_finish(x, 0, x->in, (size_t)n, NULL);
		return;
	}
}

/* xfer_tcp_start - connect over TCP and wait until writable */
static int
xfer_tcp_start(struct dns_auth_xfer *x)
{
	x->fd = socket(x->srv.sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (x->fd < 0 || set_nonblock(x->fd) < 0) {
		return -1;
	}
	x->state = X_TCP_CONNECT;
	x->outoff = 0;
	x->inoff = 0;
	x->inwant = 2;
	if (connect(x->fd, (struct sockaddr *)&x->srv.sa, x->srv.salen) < 0 &&
	    errno != EINPROGRESS) {
		return -1;
	}
	x->io = event_new(x->base, x->fd, EV_WRITE | EV_PERSIST, xfer_on_tcp,
	    x);
	if (x->io == NULL || event_add(x->io, NULL) < 0) {
		return -1;
	}
	return 0;
}

/* xfer_on_tcp - connect, write the message, read the reply */
static void
xfer_on_tcp(evutil_socket_t fd, short what, void *arg)
{
	struct dns_auth_xfer	*x = arg;
	socklen_t		 sl;
	ssize_t			 n;
	int			 soerr = 0;
	size_t			 rlen;

	(void)what;
	switch (x->state) {
	case X_TCP_CONNECT:
		sl = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0) {
			soerr = errno;
		}
		if (soerr != 0) {
			xfer_finish(x, MXD_EIO, NULL, 0, strerror(soerr));
			return;
		}
		x->state = X_TCP_WRITE;
		__attribute__((fallthrough));
	case X_TCP_WRITE:
		n = send(fd, x->out + x->outoff, x->outlen - x->outoff,
		    MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				return;
			}
			xfer_finish(x, MXD_EIO, NULL, 0, strerror(errno));
			return;
		}
		x->outoff += (size_t)n;
		if (x->outoff < x->outlen) {
			return;
		}
		event_free(x->io);
		x->io = event_new(x->base, fd, EV_READ | EV_PERSIST,
		    xfer_on_tcp, x);
		if (x->io == NULL || event_add(x->io, NULL) < 0) {
			xfer_finish(x, MXD_ENOMEM, NULL, 0, "event set-up");
			return;
		}
		x->state = X_TCP_READ;
		return;
	case X_TCP_READ:
		n = recv(fd, x->in + x->inoff, x->inwant - x->inoff, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				return;
			}
			xfer_finish(x, MXD_EIO, NULL, 0, strerror(errno));
			return;
		}
		if (n == 0) {
			xfer_finish(x, MXD_EPROTO, NULL, 0,
			    "connection closed before the reply");
			return;
		}
		x->inoff += (size_t)n;
		if (x->inoff < x->inwant) {
			return;
		}
		if (x->inwant == 2) {
			rlen = ((size_t)x->in[0] << 8) | x->in[1];
			if (rlen < LDNS_HEADER_SIZE) {
				xfer_finish(x, MXD_EPROTO, NULL, 0,
				    "reply shorter than a header");
				return;
			}
			x->inwant = 2 + rlen;
			return;
		}
		if (LDNS_ID_WIRE(x->in + 2) != x->id) {
			xfer_finish(x, MXD_EPROTO, NULL, 0,
			    "reply with another ID over TCP");
			return;
		}
		xfer_finish(x, 0, x->in + 2, x->inoff - 2, NULL);
		return;
	case X_UDP:
		break;
	}
	MXD_PANIC("TCP event in state %d", (int)x->state);
}

/* dns_auth_xfer_start - send one message, get one reply */
int
dns_auth_xfer_start(struct event_base *base,
    const struct dns_auth_server *srv, const uint8_t *msg, size_t len,
    unsigned flags, unsigned timeout_ms, dns_auth_xfer_cb *cb, void *arg,
    struct dns_auth_xfer **out, struct mxd_err *err)
{
	struct dns_auth_xfer	*x;
	struct timeval		 tv;

	if (base == NULL || srv == NULL || msg == NULL || cb == NULL ||
	    len < LDNS_HEADER_SIZE || len > DNS_AUTH_MSG_MAX ||
	    timeout_ms == 0) {
		return mxd_err_set(err, MXD_EINVAL, "bad exchange arguments");
	}
	x = mxd_calloc(1, sizeof(*x));
	if (x == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	x->fd = -1;
	x->base = base;
	x->srv = *srv;
	x->cb = cb;
	x->arg = arg;
	x->id = LDNS_ID_WIRE(msg);
	x->out = mxd_malloc(len + 2);
	x->in = mxd_malloc(DNS_AUTH_MSG_MAX + 2);
	x->timer = evtimer_new(base, xfer_on_timeout, x);
	if (x->out == NULL || x->in == NULL || x->timer == NULL) {
		xfer_free(x);
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	x->out[0] = (uint8_t)(len >> 8);
	x->out[1] = (uint8_t)len;
	memcpy(x->out + 2, msg, len);
	x->outlen = len + 2;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (suseconds_t)(timeout_ms % 1000) * 1000;
	if (evtimer_add(x->timer, &tv) < 0) {
		xfer_free(x);
		return mxd_err_set(err, MXD_ENOMEM, "timer set-up failed");
	}
	if ((flags & DNS_AUTH_F_TCP) != 0) {
		if (xfer_tcp_start(x) < 0) {
			goto sockfail;
		}
	} else {
		x->state = X_UDP;
		x->fd = socket(srv->sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC,
		    0);
		if (x->fd < 0 || set_nonblock(x->fd) < 0 ||
		    connect(x->fd, (const struct sockaddr *)&srv->sa,
		    srv->salen) < 0) {
			goto sockfail;
		}
		if (send(x->fd, msg, len, 0) < 0 && errno != EAGAIN) {
			goto sockfail;
		}
		x->sends = 1;
		x->resend_ms = timeout_ms / DNS_AUTH_UDP_SENDS;
		tv.tv_sec = x->resend_ms / 1000;
		tv.tv_usec = (suseconds_t)(x->resend_ms % 1000) * 1000;
		x->io = event_new(base, x->fd, EV_READ | EV_PERSIST,
		    xfer_on_udp, x);
		x->resend = evtimer_new(base, xfer_on_resend, x);
		if (x->io == NULL || event_add(x->io, NULL) < 0 ||
		    x->resend == NULL || evtimer_add(x->resend, &tv) < 0) {
			xfer_free(x);
			return mxd_err_set(err, MXD_ENOMEM, "event set-up");
		}
	}
	if (out != NULL) {
		*out = x;
	}
	return 0;
sockfail:
	/*
	 * No socket, no route, refused at once: the server is unreachable,
	 * which is an outcome like any other, reported from the loop, so that
	 * one bad address does not stop a fan-out over all of them.
	 */
	x->failed = errno != 0 ? errno : EIO;
	if (x->io != NULL) {
		event_free(x->io);
		x->io = NULL;
	}
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	if (evtimer_del(x->timer) < 0 || evtimer_add(x->timer, &tv) < 0) {
		xfer_free(x);
		return mxd_err_set(err, MXD_EIO, "%s: %s", srv->text,
		    strerror(errno));
	}
	if (out != NULL) {
		*out = x;
	}
	return 0;
}

/* dns_auth_xfer_cancel - stop an exchange; its callback never runs */
void
dns_auth_xfer_cancel(struct dns_auth_xfer *x)
{
	xfer_free(x);
}

struct sync_xfer {
	int		 code;
	uint8_t		*reply;
	size_t		 len;
	struct mxd_err	 err;
};

/* sync_xfer_cb - keep a copy of the reply for the waiting caller */
static void
sync_xfer_cb(void *arg, int code, const uint8_t *wire, size_t len,
    const struct mxd_err *err)
{
	struct sync_xfer *s = arg;

	s->code = code;
	if (code < 0) {
		s->err = *err;
		return;
	}
	s->reply = mxd_malloc(len);
	if (s->reply == NULL) {
		s->code = mxd_err_set(&s->err, MXD_ENOMEM, "out of memory");
		return;
	}
	memcpy(s->reply, wire, len);
	s->len = len;
}

/* dns_auth_xfer_sync - one exchange on a private event base */
int
dns_auth_xfer_sync(const struct dns_auth_server *srv, const uint8_t *msg,
    size_t len, unsigned flags, unsigned timeout_ms, uint8_t **reply,
    size_t *rlen, struct mxd_err *err)
{
	struct event_base	*base;
	struct sync_xfer	 s;
	int			 r;

	if (reply == NULL || rlen == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "nowhere to put the reply");
	}
	memset(&s, 0, sizeof(s));
	base = event_base_new();
	if (base == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "no event base");
	}
	r = dns_auth_xfer_start(base, srv, msg, len, flags, timeout_ms,
	    sync_xfer_cb, &s, NULL, err);
	if (r < 0) {
		event_base_free(base);
		return r;
	}
	(void)event_base_dispatch(base);
	event_base_free(base);
	if (s.code < 0) {
		if (err != NULL) {
			*err = s.err;
		}
		return s.code;
	}
	*reply = s.reply;
	*rlen = s.len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Queries and fan-out                                                 */
/* ------------------------------------------------------------------ */

/* query_xfer_cb - turn the exchange's outcome into an answer */
static void
query_xfer_cb(void *arg, int code, const uint8_t *wire, size_t len,
    const struct mxd_err *err)
{
	struct dns_auth_query	*q = arg;
	struct dns_auth_answer	 ans;
	struct mxd_err		 perr;

	memset(&ans, 0, sizeof(ans));
	if (code < 0) {
		(void)snprintf(ans.qname, sizeof(ans.qname), "%s", q->qname);
		ans.qtype = q->qtype;
		ans.state = code == MXD_ETIMEDOUT ? DNS_AUTH_TIMEOUT :
		    code == MXD_EIO ? DNS_AUTH_UNREACHABLE : DNS_AUTH_BADREPLY;
		(void)snprintf(ans.why, sizeof(ans.why), "%s", err->msg);
	} else {
		mxd_err_clear(&perr);
		(void)dns_auth_parse(wire, len, q->qname, q->qtype, q->id,
		    &ans, &perr);
	}
	q->cb(q->arg, &ans);
	mxd_free(q);
}

/* dns_auth_query_start - ask one server one question */
int
dns_auth_query_start(struct event_base *base,
    const struct dns_auth_server *srv, const char *qname, uint16_t qtype,
    unsigned timeout_ms, dns_auth_cb *cb, void *arg,
    struct dns_auth_query **out, struct mxd_err *err)
{
	struct dns_auth_query	*q;
	uint8_t			*msg = NULL;
	size_t			 len = 0;
	int			 r;

	if (qname == NULL || cb == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "bad query arguments");
	}
	q = mxd_calloc(1, sizeof(*q));
	if (q == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	if (snprintf(q->qname, sizeof(q->qname), "%s", qname) >=
	    (int)sizeof(q->qname)) {
		mxd_free(q);
		return mxd_err_set(err, MXD_EBADDATA, "query name too long");
	}
	if (RAND_bytes((unsigned char *)&q->id, sizeof(q->id)) != 1) {
		mxd_free(q);
		return mxd_err_set(err, MXD_ECRYPTO, "no random query ID");
	}
	q->qtype = qtype;
	q->cb = cb;
	q->arg = arg;
	r = dns_auth_query_build(qname, qtype, q->id, &msg, &len, err);
	if (r < 0) {
		mxd_free(q);
		return r;
	}
	r = dns_auth_xfer_start(base, srv, msg, len, 0, timeout_ms,
	    query_xfer_cb, q, &q->x, err);
	mxd_free(msg);
	if (r < 0) {
		mxd_free(q);
		return r;
	}
	if (out != NULL) {
		*out = q;
	}
	return 0;
}

/* dns_auth_query_cancel - stop a query before its callback ran */
void
dns_auth_query_cancel(struct dns_auth_query *q)
{
	if (q == NULL) {
		return;
	}
	dns_auth_xfer_cancel(q->x);
	mxd_free(q);
}

/* sync_query_cb - move the answer to the waiting caller */
static void
sync_query_cb(void *arg, struct dns_auth_answer *ans)
{
	struct dns_auth_answer *dst = arg;

	*dst = *ans;
}

/* dns_auth_query_sync - one query on a private event base */
int
dns_auth_query_sync(const struct dns_auth_server *srv, const char *qname,
    uint16_t qtype, unsigned timeout_ms, struct dns_auth_answer *ans,
    struct mxd_err *err)
{
	struct event_base	*base;
	int			 r;

	if (ans == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no answer record");
	}
	memset(ans, 0, sizeof(*ans));
	base = event_base_new();
	if (base == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "no event base");
	}
	r = dns_auth_query_start(base, srv, qname, qtype, timeout_ms,
	    sync_query_cb, ans, NULL, err);
	if (r == 0) {
		(void)event_base_dispatch(base);
	}
	event_base_free(base);
	return r;
}

/* fanout_cb - one server answered; the last one calls the caller */
static void
fanout_cb(void *arg, struct dns_auth_answer *ans)
{
	struct fanout_slot	*sl = arg;
	struct dns_auth_fanout	*f = sl->f;
	dns_auth_all_cb		*cb;
	struct dns_auth_result	*res;
	void			*cbarg;
	size_t			 n;

	f->res[sl->i].answer = *ans;
	f->q[sl->i] = NULL;
	if (--f->left > 0) {
		return;
	}
	cb = f->cb;
	cbarg = f->arg;
	res = f->res;
	n = f->n;
	mxd_free(f->q);
	mxd_free(f->slot);
	mxd_free(f);
	cb(cbarg, res, n);
}

/* dns_auth_query_all - ask every server the same question at once */
int
dns_auth_query_all(struct event_base *base,
    const struct dns_auth_server *srv, size_t nsrv, const char *qname,
    uint16_t qtype, unsigned timeout_ms, dns_auth_all_cb *cb, void *arg,
    struct dns_auth_fanout **out, struct mxd_err *err)
{
	struct dns_auth_fanout	*f;
	size_t			 i;
	int			 r;

	if (srv == NULL || nsrv == 0 || nsrv > DNS_AUTH_RR_MAX || cb == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "no servers to ask");
	}
	f = mxd_calloc(1, sizeof(*f));
	if (f == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	f->q = mxd_calloc(nsrv, sizeof(*f->q));
	f->res = mxd_calloc(nsrv, sizeof(*f->res));
	f->slot = mxd_calloc(nsrv, sizeof(*f->slot));
	if (f->q == NULL || f->res == NULL || f->slot == NULL) {
		r = mxd_err_set(err, MXD_ENOMEM, "out of memory");
		goto fail;
	}
	f->n = nsrv;
	f->cb = cb;
	f->arg = arg;
	for (i = 0; i < nsrv; i++) {
		f->res[i].server = srv[i];
		f->slot[i].f = f;
		f->slot[i].i = i;
	}
	for (i = 0; i < nsrv; i++) {
		r = dns_auth_query_start(base, &srv[i], qname, qtype,
		    timeout_ms, fanout_cb, &f->slot[i], &f->q[i], err);
		if (r < 0) {
			goto fail;
		}
		f->left++;
	}
	if (out != NULL) {
		*out = f;
	}
	return 0;
fail:
	if (f->q != NULL) {
		for (i = 0; i < nsrv; i++) {
			dns_auth_query_cancel(f->q[i]);
		}
	}
	mxd_free(f->q);
	mxd_free(f->res);
	mxd_free(f->slot);
	mxd_free(f);
	return r;
}

/* dns_auth_fanout_cancel - stop every query of a fan-out */
void
dns_auth_fanout_cancel(struct dns_auth_fanout *f)
{
	size_t i;

	if (f == NULL) {
		return;
	}
	for (i = 0; i < f->n; i++) {
		dns_auth_query_cancel(f->q[i]);
	}
	dns_auth_results_free(f->res, f->n);
	mxd_free(f->q);
	mxd_free(f->slot);
	mxd_free(f);
}

struct sync_all {
	struct dns_auth_result	*res;
};

/* sync_all_cb - hand the results to the waiting caller */
static void
sync_all_cb(void *arg, struct dns_auth_result *res, size_t n)
{
	struct sync_all *s = arg;

	(void)n;
	s->res = res;
}

/* dns_auth_query_all_sync - the fan-out on a private event base */
int
dns_auth_query_all_sync(const struct dns_auth_server *srv, size_t nsrv,
    const char *qname, uint16_t qtype, unsigned timeout_ms,
    struct dns_auth_result **res, struct mxd_err *err)
{
	struct event_base	*base;
	struct sync_all		 s = { NULL };
	int			 r;

	if (res == NULL) {
		return mxd_err_set(err, MXD_EINVAL, "nowhere to put results");
	}
	base = event_base_new();
	if (base == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "no event base");
	}
	r = dns_auth_query_all(base, srv, nsrv, qname, qtype, timeout_ms,
	    sync_all_cb, &s, NULL, err);
	if (r == 0) {
		(void)event_base_dispatch(base);
	}
	event_base_free(base);
	*res = s.res;
	return r;
}

/* dns_auth_results_free - free a fan-out's results */
void
dns_auth_results_free(struct dns_auth_result *res, size_t n)
{
	size_t i;

	if (res == NULL) {
		return;
	}
	for (i = 0; i < n; i++) {
		dns_auth_answer_clear(&res[i].answer);
	}
	mxd_free(res);
}
