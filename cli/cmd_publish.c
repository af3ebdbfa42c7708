/*
 * cmd_publish.c - mxdane publish add|remove|replace: options in, one
 * dns_publish() call, one line out. The update itself (read, prerequisite,
 * TSIG) is dns/update.c's; the exit statuses are documented in
 * mxdane-publish(1).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "cli/cli.h"
#include "common/mxd.h"
#include "dns/auth.h"
#include "dns/update.h"
#include "engine/engine.h"
#include "help_publish.h"
#include "report/model.h"
#include "smtp/probe.h"
#include "tlsa/tlsa.h"

#define PUBLISH_RR_MAX		64
#define PUBLISH_TIMEOUT		10
/* Longest step of the live guard's look at the servers, in seconds. */
#define GUARD_STEP_MAX		3

/* Exit statuses beyond sysexits' usage/data/input (mxdane-publish(1)). */
#define PUBLISH_EX_EMPTY	1

/* Everything the command line said, one field per option. */
struct publish_opts {
	enum dns_publish_op	 op;
	const char		*zone;
	const char		*server;
	const char		*keyfile;
	const char		*host;
	const char		*owner;
	unsigned long		 port;
	unsigned long		 ttl;
	int			 ttl_set;
	unsigned long		 timeout;
	int			 force;
	const char		*trust_anchor;	/* live guard's DNS */
	const char		*resolver;
	const char		*expect[PUBLISH_RR_MAX];
	size_t			 nexpect;
};

static int	parse_records(char **text, size_t n, struct tlsa_rr *rr,
		    const char *what);
static int	live_guard(const struct publish_opts *o,
		    const struct dns_auth_server *srv, const char *owner,
		    const struct tlsa_rr *rr, size_t n, char *note,
		    size_t notesz);
static void	guard_done(void *arg, struct report_domain *d);
static int	exit_status(const struct dns_publish_res *res, int code);
static void	report(const struct publish_opts *o, const char *owner,
		    const struct dns_publish_res *res);

/* parse_records - each argument one "U S M HEX"; 0 or an exit status */
static int
parse_records(char **text, size_t n, struct tlsa_rr *rr, const char *what)
{
	struct mxd_err	err;
	size_t		i;

	for (i = 0; i < n; i++) {
		mxd_err_clear(&err);
		if (tlsa_rr_parse(text[i], &rr[i], &err) < 0) {
			cli_err("publish: %s %zu: %s", what, i + 1, err.msg);
			return cli_exit_status(err.code);
		}
	}
	return 0;
}

/* guard_done - keep the one report of the live guard */
static void
guard_done(void *arg, struct report_domain *d)
{
	struct report_domain **out = arg;

	if (*out == NULL) {
		*out = d;
	} else {
		report_domain_free(d);
	}
}

/*
 * live_guard - refuse a remove or replace that would leave no record
 * matching what a live address of the host presents, unless --force.
 *
 * The RRset that would be left (the primary's now, less the records
 * removed; or the replacement) is handed to check's engine as the records
 * to test (its pre-publish mode): every address of the host is probed,
 * and one that completes TLS and does not authenticate against what
 * would be left means the change would break delivery to it. Only with
 * --host (an owner name names no server). When the servers cannot be
 * seen (DNS does not work, no address), the guard does not block (no
 * live server was seen to present anything) and leaves a note in @p note
 * for the report of a change that went through.
 * @return 0 (go on) or 1 (refused, said why on stderr).
 */
static int
live_guard(const struct publish_opts *o, const struct dns_auth_server *srv,
    const char *owner, const struct tlsa_rr *rr, size_t n, char *note,
    size_t notesz)
{
	struct dns_auth_answer	 cur;
	struct engine_opts	 eo;
	struct event_base	*base = NULL;
	struct engine		*e = NULL;
	struct report_domain	*d = NULL;
	struct tlsa_rr		 left[PUBLISH_RR_MAX];
	struct mxd_err		 err;
	size_t			 nleft = 0, i, k;
	unsigned		 step;
	int			 rc, status = 0, gone;

	if (o->host == NULL) {
		return 0;
	}
	memset(&cur, 0, sizeof(cur));
	memset(left, 0, sizeof(left));
	mxd_err_clear(&err);
	if (o->op == DNS_PUBLISH_REPLACE) {
		for (i = 0; i < n && nleft < PUBLISH_RR_MAX; i++) {
			left[nleft++] = rr[i];
		}
	} else {
		if (dns_auth_query_sync(srv, owner, 52,
		    (unsigned)o->timeout * 1000, &cur, &err) != 0 ||
		    cur.state != DNS_AUTH_DATA) {
			goto out;	/* dns_publish() reports it */
		}
		for (i = 0; i < cur.nrr && nleft < PUBLISH_RR_MAX; i++) {
			if (tlsa_rr_from_wire(cur.rr[i].data, cur.rr[i].len,
			    &left[nleft], NULL) != 0) {
				continue;
			}
			gone = 0;
			for (k = 0; k < n; k++) {
				if (tlsa_rr_cmp(&left[nleft], &rr[k]) == 0) {
					gone = 1;
				}
			}
			if (gone) {
				tlsa_rr_clear(&left[nleft]);
			} else {
				nleft++;
			}
		}
	}
	if (nleft == 0) {
		goto out;		/* the empty-RRset refusal applies */
	}
	step = o->timeout < GUARD_STEP_MAX ? (unsigned)o->timeout :
	    GUARD_STEP_MAX;
	memset(&eo, 0, sizeof(eo));
	eo.trust_anchor = o->trust_anchor;
	eo.resolver = o->resolver;
	eo.port = (unsigned)o->port;
	eo.timeout_ms = step * 1000;
	eo.helo = "localhost";
	eo.tlsa = left;
	eo.ntlsa = nleft;
	(void)signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (base == NULL) {
		goto out;
	}
	rc = engine_new(base, &eo, &e, &err);
	if (rc == 0) {
		rc = engine_add_host(e, o->host, &err);
	}
	if (rc == 0) {
		rc = engine_run(e, guard_done, &d, &err);
	}
	if (rc != 0 || d == NULL || d->nmx != 1) {
		(void)snprintf(note, notesz, "note: the live servers of %s "
		    "were not checked (%s)", o->host, err.msg[0] != '\0' ?
		    err.msg : "no report");
		goto out;
	}
	for (i = 0; i < d->mx[0].naddrs; i++) {
		const struct report_addr *a = &d->mx[0].addrs[i];

		if (a->tls && a->nchain > 0 && a->dane == REPORT_ADDR_FAIL) {
			(void)fprintf(stderr, "mxdane publish: refused: %s (%s) "
			    "presents a certificate (SPKI %.16s...) that no "
			    "record left would match; deploy the new "
			    "certificate first, or use --force\n", o->host,
			    a->address, a->chain[0].spki_sha256);
			status = 1;
		}
	}
out:
	report_domain_free(d);
	engine_free(e);
	if (e != NULL) {
		smtp_probe_cleanup();
	}
	if (base != NULL) {
		event_base_free(base);
	}
	dns_auth_answer_clear(&cur);
	if (o->op != DNS_PUBLISH_REPLACE) {
		for (i = 0; i < nleft; i++) {
			tlsa_rr_clear(&left[i]);
		}
	}
	return status;
}

/* exit_status - the documented exit status of an outcome */
static int
exit_status(const struct dns_publish_res *res, int code)
{
	switch (res->outcome) {
	case DNS_PUBLISH_DONE:
	case DNS_PUBLISH_NOOP:
		return 0;
	case DNS_PUBLISH_EMPTY:
		return PUBLISH_EX_EMPTY;
	case DNS_PUBLISH_CHANGED:
		return EX_TEMPFAIL;
	case DNS_PUBLISH_REFUSED:
		return EX_NOPERM;
	case DNS_PUBLISH_TSIG:
		return EX_CONFIG;
	case DNS_PUBLISH_UNVERIFIED:
		return EX_PROTOCOL;
	case DNS_PUBLISH_NOANSWER:
		return EX_UNAVAILABLE;
	case DNS_PUBLISH_LOCAL:
		break;
	}
	return cli_exit_status(code);
}

/* report - one line on stdout saying what was done */
static void
report(const struct publish_opts *o, const char *owner,
    const struct dns_publish_res *res)
{
	if (res->outcome == DNS_PUBLISH_NOOP) {
		(void)printf("nothing to change: %s already %s at %s "
		    "(%zu record(s))\n", owner,
		    o->op == DNS_PUBLISH_ADD ? "has these records" :
		    o->op == DNS_PUBLISH_REMOVE ? "lacks these records" :
		    "is exactly these records", o->server, res->before);
		return;
	}
	(void)printf("updated %s at %s: %zu added, %zu removed, %zu record(s) "
	    "now, TTL %u", owner, o->server, res->added, res->removed,
	    res->after, (unsigned)res->ttl);
	if (res->skipped > 0) {
		(void)printf(" (%zu already %s)", res->skipped,
		    o->op == DNS_PUBLISH_REMOVE ? "absent" : "present");
	}
	(void)printf("\n");
}

/* cmd_publish - mxdane publish add|remove|replace */
int
cmd_publish(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "zone",	required_argument,	NULL, 'z' },
		{ "server",	required_argument,	NULL, 's' },
		{ "tsig-key",	required_argument,	NULL, 'k' },
		{ "ttl",	required_argument,	NULL, 't' },
		{ "host",	required_argument,	NULL, 'H' },
		{ "port",	required_argument,	NULL, 'p' },
		{ "owner",	required_argument,	NULL, 'o' },
		{ "expect",	required_argument,	NULL, 'e' },
		{ "force",	no_argument,		NULL, 'f' },
		{ "trust-anchor", required_argument,	NULL, 'A' },
		{ "resolver",	required_argument,	NULL, 'R' },
		{ "timeout",	required_argument,	NULL, 'T' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct publish_opts	 o;
	struct dns_publish_req	 req;
	struct dns_publish_res	 res;
	struct dns_auth_server	 srv;
	struct dns_tsig_key	 key;
	struct tlsa_rr		 rr[PUBLISH_RR_MAX], exp[PUBLISH_RR_MAX];
	struct mxd_err		 err;
	char			 owner[DNS_AUTH_NAME_MAX], note[400];
	size_t			 nrr = 0, i;
	int			 c, r, status = 0, port_set = 0;

	memset(&o, 0, sizeof(o));
	memset(rr, 0, sizeof(rr));
	memset(exp, 0, sizeof(exp));
	memset(&key, 0, sizeof(key));
	note[0] = '\0';
	o.port = 25;
	o.timeout = PUBLISH_TIMEOUT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'z':
			o.zone = optarg;
			break;
		case 's':
			o.server = optarg;
			break;
		case 'k':
			o.keyfile = optarg;
			break;
		case 't':
			if (cli_parse_ulong(optarg, 0, 2147483647UL,
			    &o.ttl) < 0) {
				return cli_usage("publish",
				    "--ttl wants seconds, 0 to 2147483647");
			}
			o.ttl_set = 1;
			break;
		case 'H':
			o.host = optarg;
			break;
		case 'p':
			if (cli_parse_ulong(optarg, 1, 65535, &o.port) < 0) {
				return cli_usage("publish",
				    "--port wants 1 to 65535");
			}
			port_set = 1;
			break;
		case 'o':
			o.owner = optarg;
			break;
		case 'e':
			if (o.nexpect >= PUBLISH_RR_MAX) {
				return cli_usage("publish",
				    "at most %d --expect records",
				    PUBLISH_RR_MAX);
			}
			o.expect[o.nexpect++] = optarg;
			break;
		case 'f':
			o.force = 1;
			break;
		case 'A':
			o.trust_anchor = optarg;
			break;
		case 'R':
			o.resolver = optarg;
			break;
		case 'T':
			if (cli_parse_ulong(optarg, 1, 3600, &o.timeout) < 0) {
				return cli_usage("publish",
				    "--timeout wants 1 to 3600 seconds");
			}
			break;
		case 'h':
			(void)fputs(help_publish, stdout);
			return 0;
		default:
			return cli_usage("publish", "unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		return cli_usage("publish", "add, remove or replace?");
	}
	if (strcmp(argv[0], "add") == 0) {
		o.op = DNS_PUBLISH_ADD;
	} else if (strcmp(argv[0], "remove") == 0) {
		o.op = DNS_PUBLISH_REMOVE;
	} else if (strcmp(argv[0], "replace") == 0) {
		o.op = DNS_PUBLISH_REPLACE;
	} else {
		return cli_usage("publish", "'%.32s' is not add, remove or "
		    "replace", argv[0]);
	}
	argc--;
	argv++;
	if (o.zone == NULL || o.server == NULL || o.keyfile == NULL) {
		return cli_usage("publish",
		    "--zone, --server and --tsig-key are required");
	}
	if ((o.host == NULL) == (o.owner == NULL) ||
	    (o.owner != NULL && port_set)) {
		return cli_usage("publish",
		    "give either --host [--port] or --owner");
	}
	if (argc < 1) {
		return cli_usage("publish", "no RECORD \"U S M HEX\" given");
	}
	if (argc > PUBLISH_RR_MAX) {
		return cli_usage("publish", "at most %d records",
		    PUBLISH_RR_MAX);
	}
	if (o.host != NULL) {
		r = snprintf(owner, sizeof(owner), "_%lu._tcp.%s", o.port,
		    o.host);
	} else {
		r = snprintf(owner, sizeof(owner), "%s", o.owner);
	}
	if (r < 0 || (size_t)r >= sizeof(owner) - 1) {
		return cli_usage("publish", "owner name too long");
	}
	mxd_err_clear(&err);
	if (dns_auth_server_parse(o.server, 53, NULL, &srv, &err) < 0) {
		return cli_usage("publish", "--server: %s", err.msg);
	}
	nrr = (size_t)argc;
	status = parse_records(argv, nrr, rr, "record");
	if (status == 0) {
		status = parse_records((char **)o.expect, o.nexpect, exp,
		    "--expect record");
	}
	if (status != 0) {
		goto out;
	}
	if (dns_tsig_key_load(o.keyfile, &key, &err) < 0) {
		cli_err("publish: %s", err.msg);
		status = cli_exit_status(err.code);
		goto out;
	}
	if (o.op != DNS_PUBLISH_ADD && !o.force &&
	    live_guard(&o, &srv, owner, rr, nrr, note, sizeof(note)) != 0) {
		status = PUBLISH_EX_EMPTY;
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.op = o.op;
	req.zone = o.zone;
	req.owner = owner;
	req.server = &srv;
	req.key = &key;
	req.rr = rr;
	req.nrr = nrr;
	req.ttl = (uint32_t)o.ttl;
	req.ttl_set = o.ttl_set;
	req.expect = exp;
	req.nexpect = o.nexpect;
	req.expect_set = o.nexpect > 0;
	req.force = o.force;
	req.timeout_ms = (unsigned)o.timeout * 1000;
	mxd_err_clear(&err);
	r = dns_publish(&req, &res, &err);
	if (r < 0) {
		cli_err("publish: %s", err.msg);
	} else {
		report(&o, owner, &res);
		if (note[0] != '\0') {
			(void)printf("%s\n", note);
		}
	}
	status = exit_status(&res, r);
out:
	dns_tsig_key_clear(&key);
	for (i = 0; i < PUBLISH_RR_MAX; i++) {
		tlsa_rr_clear(&rr[i]);
		tlsa_rr_clear(&exp[i]);
	}
	return status;
}
