/*
 * rawdns - an authoritative server that serves records as written, for
 * the lab zones that NSD and Knot refuse to serve (an MX record whose
 * data does not parse, written in RFC 3597 form as "MX \# 2 000a").
 *
 *   rawdns ADDR PORT PIDFILE ZONEFILE...
 *
 * Each ZONEFILE is read with libldns (its $ORIGIN and SOA name the zone).
 * UDP only, IPv4 only, no DNSSEC: a question about a name of a loaded
 * zone gets an authoritative answer (the records of that name and type,
 * NODATA or NXDOMAIN with the SOA), any other question REFUSED. An answer
 * that does not fit the client's buffer is sent empty with TC set. The
 * pidfile ("-" for none) is written once the socket is bound; SIGTERM or
 * SIGINT ends the server (exit 0). Exit 64 usage, 65 a zone file does not
 * parse, 66 it cannot be read, 69 bind, 70 internal error.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#define MAX_ZONES	8
#define UDP_PLAIN	512	/* a client without EDNS (RFC 1035 §4.2.1) */
#define UDP_EDNS	1232	/* our EDNS buffer size */

static volatile sig_atomic_t	stop;

static void	on_signal(int);
static int	zone_load(const char *, ldns_zone **);
static ldns_zone *zone_for(ldns_zone *const *, int, const ldns_rdf *);
static int	name_exists(const ldns_zone *, const ldns_rdf *);
static ldns_pkt	*answer(ldns_zone *const *, int, const uint8_t *, size_t);

/* on_signal - SIGTERM, SIGINT: end the loop */
static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* zone_load - one zone file; 0, or an exit status */
static int
zone_load(const char *path, ldns_zone **out)
{
	FILE		*fp;
	ldns_status	 st;
	int		 line = 0;

	fp = fopen(path, "r");
	if (fp == NULL) {
		(void)fprintf(stderr, "rawdns: %s: %s\n", path,
		    strerror(errno));
		return EX_NOINPUT;
	}
	st = ldns_zone_new_frm_fp_l(out, fp, NULL, 3600, LDNS_RR_CLASS_IN,
	    &line);
	(void)fclose(fp);
	if (st != LDNS_STATUS_OK || ldns_zone_soa(*out) == NULL) {
		(void)fprintf(stderr, "rawdns: %s:%d: %s\n", path, line,
		    st != LDNS_STATUS_OK ? ldns_get_errorstr_by_id(st) :
		    "no SOA record");
		if (st == LDNS_STATUS_OK) {
			ldns_zone_deep_free(*out);
		}
		return EX_DATAERR;
	}
	return 0;
}

/* zone_for - the loaded zone that holds NAME (the deepest), or NULL */
static ldns_zone *
zone_for(ldns_zone *const *zones, int nzones, const ldns_rdf *name)
{
	ldns_zone	*best = NULL;
	size_t		 bestlen = 0;
	int		 i;

	for (i = 0; i < nzones; i++) {
		const ldns_rdf *apex = ldns_rr_owner(ldns_zone_soa(zones[i]));

		if ((ldns_dname_compare(apex, name) == 0 ||
		    ldns_dname_is_subdomain(name, apex)) &&
		    ldns_rdf_size(apex) >= bestlen) {
			best = zones[i];
			bestlen = ldns_rdf_size(apex);
		}
	}
	return best;
}

/* name_exists - NAME owns records, is the apex, or is an empty
 * non-terminal above names that do */
static int
name_exists(const ldns_zone *z, const ldns_rdf *name)
{
	const ldns_rr_list	*rrs = ldns_zone_rrs(z);
	size_t			 i;

	if (ldns_dname_compare(ldns_rr_owner(ldns_zone_soa(z)), name) == 0) {
		return 1;
	}
	for (i = 0; i < ldns_rr_list_rr_count(rrs); i++) {
		const ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(rrs, i));

		if (ldns_dname_compare(o, name) == 0 ||
		    ldns_dname_is_subdomain(o, name)) {
			return 1;
		}
	}
	return 0;
}

/* answer - the reply to one query, or NULL to stay silent */
static ldns_pkt *
answer(ldns_zone *const *zones, int nzones, const uint8_t *q, size_t qlen)
{
	ldns_pkt	*p = NULL;
	ldns_zone	*z;
	ldns_rr		*qrr, *soa;
	const ldns_rr_list *rrs;
	size_t		 i, n = 0;

	if (ldns_wire2pkt(&p, q, qlen) != LDNS_STATUS_OK) {
		return NULL;
	}
	if (ldns_pkt_qr(p) || ldns_pkt_qdcount(p) != 1 ||
	    ldns_pkt_get_opcode(p) != LDNS_PACKET_QUERY) {
		ldns_pkt_free(p);
		return NULL;
	}
	/* The query's other sections do not go back. */
	ldns_rr_list_deep_free(ldns_pkt_answer(p));
	ldns_rr_list_deep_free(ldns_pkt_authority(p));
	ldns_rr_list_deep_free(ldns_pkt_additional(p));
	ldns_pkt_set_answer(p, ldns_rr_list_new());
	ldns_pkt_set_authority(p, ldns_rr_list_new());
	ldns_pkt_set_additional(p, ldns_rr_list_new());
	ldns_pkt_set_ancount(p, 0);
	ldns_pkt_set_nscount(p, 0);
	ldns_pkt_set_arcount(p, 0);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, false);
	ldns_pkt_set_ad(p, false);	/* nothing here is validated */
	qrr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	z = zone_for(zones, nzones, ldns_rr_owner(qrr));
	if (z == NULL) {
		ldns_pkt_set_rcode(p, LDNS_RCODE_REFUSED);
		return p;
	}
	ldns_pkt_set_aa(p, true);
	soa = ldns_zone_soa(z);
	if (ldns_rr_get_type(qrr) == LDNS_RR_TYPE_SOA &&
	    ldns_dname_compare(ldns_rr_owner(soa), ldns_rr_owner(qrr)) == 0) {
		(void)ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER,
		    ldns_rr_clone(soa));
		n++;
	}
	rrs = ldns_zone_rrs(z);
	for (i = 0; i < ldns_rr_list_rr_count(rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(rrs, i);

		if (ldns_rr_get_type(rr) == ldns_rr_get_type(qrr) &&
		    ldns_dname_compare(ldns_rr_owner(rr),
		    ldns_rr_owner(qrr)) == 0) {
			(void)ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER,
			    ldns_rr_clone(rr));
			n++;
		}
	}
	if (n == 0) {
		ldns_pkt_set_rcode(p, name_exists(z, ldns_rr_owner(qrr)) ?
		    LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN);
		(void)ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY,
		    ldns_rr_clone(soa));
	} else {
		ldns_pkt_set_rcode(p, LDNS_RCODE_NOERROR);
	}
	return p;
}

int
main(int argc, char **argv)
{
	ldns_zone		*zones[MAX_ZONES];
	struct sockaddr_in	 sin;
	struct sockaddr_storage	 from;
	struct sigaction	 sa;
	struct pollfd		 pfd;
	socklen_t		 fromlen;
	uint8_t			 buf[65535], *out;
	size_t			 outlen, room;
	unsigned long		 port;
	char			*end;
	ssize_t			 n;
	int			 nzones = 0, fd, i, rc = 0;
	FILE			*fp;

	if (argc < 5 || argc - 4 > MAX_ZONES) {
		(void)fprintf(stderr, "usage: rawdns ADDR PORT PIDFILE "
		    "ZONEFILE... (at most %d zones)\n", MAX_ZONES);
		return EX_USAGE;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	errno = 0;
	port = strtoul(argv[2], &end, 10);
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 || errno != 0 ||
	    *end != '\0' || port == 0 || port > 65535) {
		(void)fprintf(stderr, "rawdns: bad address or port\n");
		return EX_USAGE;
	}
	sin.sin_port = htons((uint16_t)port);
	for (i = 4; i < argc; i++) {
		rc = zone_load(argv[i], &zones[nzones]);
		if (rc != 0) {
			goto out;
		}
		nzones++;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		(void)fprintf(stderr, "rawdns: bind %s:%lu: %s\n", argv[1],
		    port, strerror(errno));
		rc = EX_UNAVAILABLE;
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	if (strcmp(argv[3], "-") != 0) {
		fp = fopen(argv[3], "w");
		if (fp == NULL || fprintf(fp, "%ld\n", (long)getpid()) < 0 ||
		    fclose(fp) != 0) {
			(void)fprintf(stderr, "rawdns: %s: cannot write\n",
			    argv[3]);
			(void)close(fd);
			rc = EX_CANTCREAT;
			goto out;
		}
	}
	while (!stop) {
		ldns_pkt *p;

		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 500) <= 0 || !(pfd.revents & POLLIN)) {
			continue;
		}
		fromlen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n <= 0 || (p = answer(zones, nzones, buf,
		    (size_t)n)) == NULL) {
			continue;
		}
		room = UDP_PLAIN;
		if (ldns_pkt_edns(p)) {
			room = ldns_pkt_edns_udp_size(p) > UDP_PLAIN ?
			    ldns_pkt_edns_udp_size(p) : UDP_PLAIN;
			ldns_pkt_set_edns_udp_size(p, UDP_EDNS);
			room = room < UDP_EDNS ? room : UDP_EDNS;
		}
		out = NULL;
		if (ldns_pkt2wire(&out, p, &outlen) == LDNS_STATUS_OK &&
		    outlen > room) {
			/* Too big: the header and question, with TC. */
			free(out);
			out = NULL;
			ldns_rr_list_deep_free(ldns_pkt_answer(p));
			ldns_pkt_set_answer(p, ldns_rr_list_new());
			ldns_pkt_set_ancount(p, 0);
			ldns_pkt_set_tc(p, true);
			if (ldns_pkt2wire(&out, p, &outlen) != LDNS_STATUS_OK) {
				out = NULL;
			}
		}
		if (out != NULL) {
			(void)sendto(fd, out, outlen, 0,
			    (struct sockaddr *)&from, fromlen);
			free(out);
		}
		ldns_pkt_free(p);
	}
	(void)close(fd);
	if (strcmp(argv[3], "-") != 0) {
		(void)unlink(argv[3]);
	}
out:
	for (i = 0; i < nzones; i++) {
		ldns_zone_deep_free(zones[i]);
	}
	return rc;
}
