/*
 * fakeupd - a primary that lies about updates, for tests of publish.
 *
 *   fakeupd ADDR PORT MODE [SECONDS]
 *
 * Answers queries (UDP and TCP) with an authoritative NODATA, and answers
 * an UPDATE over TCP according to MODE:
 *   unsigned   NOERROR without a TSIG
 *   badmac     NOERROR signed with another secret under the same key name
 *   wrongid    NOERROR with another message ID
 *   garbage    bytes that are no DNS message
 *   badtime    NOTAUTH with the TSIG error BADTIME
 * Exits by itself after SECONDS (default 60). Prints "ready" once bound.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

static const char	*mode;

static int	reply(const uint8_t *q, size_t qlen, uint8_t **out,
		    size_t *outlen);
static int	read_full(int fd, uint8_t *p, size_t n);
static void	serve_tcp(int fd);

/* reply - the answer to one message, as MODE says */
static int
reply(const uint8_t *q, size_t qlen, uint8_t **out, size_t *outlen)
{
	ldns_pkt	*pkt = NULL;
	uint8_t		*buf = NULL;
	size_t		 len = 0;
	int		 update;

	if (ldns_wire2pkt(&pkt, q, qlen) != LDNS_STATUS_OK) {
		return -1;
	}
	update = ldns_pkt_get_opcode(pkt) == LDNS_PACKET_UPDATE;
	if (update && strcmp(mode, "garbage") == 0) {
		ldns_pkt_free(pkt);
		*out = malloc(40);
		if (*out == NULL) {
			return -1;
		}
		memset(*out, 0xee, 40);
		memcpy(*out, q, 2);	/* the right ID, then nonsense */
		*outlen = 40;
		return 0;
	}
	ldns_pkt_set_qr(pkt, true);
	ldns_pkt_set_aa(pkt, true);
	ldns_pkt_set_rcode(pkt, LDNS_RCODE_NOERROR);
	if (update) {
		/* The zone, prerequisite and update sections go away. */
		ldns_rr_list_deep_free(ldns_pkt_answer(pkt));
		ldns_rr_list_deep_free(ldns_pkt_authority(pkt));
		ldns_pkt_set_answer(pkt, ldns_rr_list_new());
		ldns_pkt_set_authority(pkt, ldns_rr_list_new());
		ldns_pkt_set_ancount(pkt, 0);
		ldns_pkt_set_nscount(pkt, 0);
		ldns_rr_free(ldns_pkt_tsig(pkt));
		ldns_pkt_set_tsig(pkt, NULL);
		if (strcmp(mode, "wrongid") == 0) {
			ldns_pkt_set_id(pkt, (uint16_t)(ldns_pkt_id(pkt) + 1));
		}
		if (strcmp(mode, "badtime") == 0) {
			ldns_rdf *old;

			ldns_pkt_set_rcode(pkt, LDNS_RCODE_NOTAUTH);
			if (ldns_pkt_tsig_sign(pkt, "mxdane-update",
			    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 300,
			    "hmac-sha256.", NULL) != LDNS_STATUS_OK) {
				ldns_pkt_free(pkt);
				return -1;
			}
			old = ldns_rr_set_rdf(ldns_pkt_tsig(pkt),
			    ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 18), 5);
			ldns_rdf_deep_free(old);
		}
		if (strcmp(mode, "badmac") == 0 &&
		    ldns_pkt_tsig_sign(pkt, "mxdane-update",
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 300,
		    "hmac-sha256.", NULL) != LDNS_STATUS_OK) {
			ldns_pkt_free(pkt);
			return -1;
		}
	} else {
		ldns_pkt_set_edns_udp_size(pkt, 0);
	}
	if (ldns_pkt2wire(&buf, pkt, &len) != LDNS_STATUS_OK) {
		ldns_pkt_free(pkt);
		return -1;
	}
	ldns_pkt_free(pkt);
	*out = buf;
	*outlen = len;
	return 0;
}

/* read_full - exactly n bytes, or -1 */
static int
read_full(int fd, uint8_t *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = read(fd, p, n);
		if (r <= 0) {
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* serve_tcp - one message on one connection */
static void
serve_tcp(int fd)
{
	uint8_t		 hdr[2], q[65535], *out = NULL;
	uint8_t		 lenb[2];
	size_t		 qlen, outlen = 0;
	struct timeval	 tv = { 5, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (read_full(fd, hdr, 2) < 0) {
		return;
	}
	qlen = (size_t)hdr[0] << 8 | hdr[1];
	if (read_full(fd, q, qlen) < 0 || reply(q, qlen, &out, &outlen) < 0) {
		return;
	}
	lenb[0] = (uint8_t)(outlen >> 8);
	lenb[1] = (uint8_t)outlen;
	(void)write(fd, lenb, 2);
	(void)write(fd, out, outlen);
	free(out);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct sockaddr_storage	 from;
	struct pollfd		 pfd[2];
	socklen_t		 fromlen;
	unsigned long		 secs = 60;
	time_t			 end;
	uint8_t			 buf[65535], *out;
	size_t			 outlen;
	ssize_t			 n;
	int			 udp, tcp, fd, one = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: fakeupd ADDR PORT MODE [SECONDS]\n");
		return 2;
	}
	mode = argv[3];
	if (argc > 4) {
		secs = strtoul(argv[4], NULL, 10);
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)strtoul(argv[2], NULL, 10));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		return 2;
	}
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	(void)setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (udp < 0 || tcp < 0 ||
	    bind(udp, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    bind(tcp, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(tcp, 8) < 0) {
		fprintf(stderr, "fakeupd: bind: %s\n", strerror(errno));
		return 1;
	}
	printf("ready\n");
	(void)fflush(stdout);
	end = time(NULL) + (time_t)secs;
	while (time(NULL) < end) {
		pfd[0].fd = udp;
		pfd[0].events = POLLIN;
		pfd[1].fd = tcp;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, 500) <= 0) {
			continue;
		}
		if (pfd[0].revents & POLLIN) {
			fromlen = sizeof(from);
			n = recvfrom(udp, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &fromlen);
			if (n > 0 &&
			    reply(buf, (size_t)n, &out, &outlen) == 0) {
				(void)sendto(udp, out, outlen, 0,
				    (struct sockaddr *)&from, fromlen);
				free(out);
			}
		}
		if (pfd[1].revents & POLLIN) {
			fd = accept(tcp, NULL, NULL);
			if (fd >= 0) {
				serve_tcp(fd);
				(void)close(fd);
			}
		}
	}
	return 0;
}
