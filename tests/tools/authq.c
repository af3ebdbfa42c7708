/*
 * authq - ask authoritative servers directly through dns/auth, for tests.
 *
 *   authq [-z ZONE] [-t EPOCH] [-w MS] QNAME TYPE SERVER...
 *
 * Prints one block per server: its state, rcode, AA, TTL, serial, the
 * records (hex RDATA), the RRSIGs, and with -z the outcome of the
 * signature check against the zone's DNSKEY RRset taken from the same
 * server (a test shortcut: mxdane itself takes the keys from the
 * validating resolver). -t fixes the clock of that check.
 * Exit status: 0 when every server answered, 1 otherwise, 2 on misuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "common/mxd.h"
#include "dns/auth.h"

static void	show(const struct dns_auth_result *r, const char *zone,
		    time_t now, unsigned wait_ms);

/* show - one server's answer */
static void
show(const struct dns_auth_result *r, const char *zone, time_t now,
    unsigned wait_ms)
{
	const struct dns_auth_answer	*a = &r->answer;
	struct dns_auth_answer		 keys;
	struct mxd_err			 err;
	char				 hex[2 * 1024 + 1];
	size_t				 i;

	printf("server %s state %s", r->server.text,
	    dns_auth_state_str(a->state));
	if (a->state <= DNS_AUTH_RCODE) {
		printf(" rcode %d aa %d ttl %u", a->rcode, a->aa,
		    (unsigned)a->ttl);
		if (a->has_soa) {
			printf(" serial %u", (unsigned)a->serial);
		}
		printf(" nsec %u nsec3 %u", a->nsec, a->nsec3);
	} else {
		printf(" why %s", a->why);
	}
	printf("\n");
	for (i = 0; i < a->nrr; i++) {
		if (a->rr[i].len <= 1024) {
			mxd_hex_encode(a->rr[i].data, a->rr[i].len, hex);
			printf("  rr %s\n", hex);
		}
	}
	for (i = 0; i < a->nsig; i++) {
		printf("  rrsig alg %u tag %u signer %s inception %u "
		    "expiration %u\n", a->sig[i].algorithm, a->sig[i].key_tag,
		    a->sig[i].signer, (unsigned)a->sig[i].inception,
		    (unsigned)a->sig[i].expiration);
	}
	if (zone == NULL || a->state != DNS_AUTH_DATA) {
		return;
	}
	if (dns_auth_query_sync(&r->server, zone, LDNS_RR_TYPE_DNSKEY,
	    wait_ms, &keys, &err) < 0 || keys.state != DNS_AUTH_DATA) {
		printf("  sigcheck no-dnskey\n");
		dns_auth_answer_clear(&keys);
		return;
	}
	mxd_err_clear(&err);
	printf("  sigcheck %s (%s)\n", dns_auth_sig_str(dns_auth_sig_check(a,
	    zone, keys.rr, keys.nrr, now, &err)), err.msg);
	dns_auth_answer_clear(&keys);
}

int
main(int argc, char **argv)
{
	struct dns_auth_server	*srv;
	struct dns_auth_result	*res = NULL;
	struct mxd_err		 err;
	const char		*zone = NULL;
	time_t			 now = time(NULL);
	unsigned long		 wait_ms = 3000;
	ldns_rr_type		 type;
	size_t			 i, n;
	int			 c, bad = 0;

	while ((c = getopt(argc, argv, "z:t:w:")) != -1) {
		switch (c) {
		case 'z':
			zone = optarg;
			break;
		case 't':
			now = (time_t)strtoll(optarg, NULL, 10);
			break;
		case 'w':
			wait_ms = strtoul(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 3) {
		fprintf(stderr, "usage: authq [-z ZONE] [-t EPOCH] [-w MS] "
		    "QNAME TYPE SERVER...\n");
		return 2;
	}
	type = ldns_get_rr_type_by_name(argv[optind + 1]);
	if (type == 0) {
		fprintf(stderr, "authq: unknown type %s\n", argv[optind + 1]);
		return 2;
	}
	n = (size_t)(argc - optind - 2);
	srv = mxd_calloc(n, sizeof(*srv));
	if (srv == NULL) {
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (dns_auth_server_parse(argv[optind + 2 + (int)i], 53, NULL,
		    &srv[i], &err) < 0) {
			fprintf(stderr, "authq: %s\n", err.msg);
			mxd_free(srv);
			return 2;
		}
	}
	if (dns_auth_query_all_sync(srv, n, argv[optind], (uint16_t)type,
	    (unsigned)wait_ms, &res, &err) < 0) {
		fprintf(stderr, "authq: %s\n", err.msg);
		mxd_free(srv);
		return 2;
	}
	for (i = 0; i < n; i++) {
		show(&res[i], zone, now, (unsigned)wait_ms);
		if (res[i].answer.state >= DNS_AUTH_TIMEOUT) {
			bad = 1;
		}
	}
	dns_auth_results_free(res, n);
	mxd_free(srv);
	return bad;
}
