/*
 * cmd_check.c - `mxdane check`: the RFC 7672 verdict for the mail servers
 * of each domain given, per MX host and per address. Options in, engine
 * run, reports out (text or JSON lines), exit status = the worst status
 * (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN when DNS itself cannot work);
 * 64 for usage errors, 65 for an invalid name or TLSA record.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cli/cli.h"
#include "common/dname.h"
#include "common/mxd.h"
#include "dane/findings.h"
#include "engine/engine.h"
#include "report/model.h"
#include "report/report.h"
#include "smtp/probe.h"
#include "tlsa/tlsa.h"

#include "help_check.h"

#define CMD		"check"
#define TARGETS_MAX	1024
#define TLSA_MAX	64
#define OUT_MAX		(4 * 1024 * 1024)

enum {
	OPT_JSON = 256,
	OPT_HOST,
	OPT_TLSA,
	OPT_PORT,
	OPT_TIMEOUT,
	OPT_HELO,
	OPT_TA,
	OPT_RESOLVER,
	OPT_RECURSIVE,
	OPT_HINTS,
	OPT_REQUIRE,
	OPT_LEGACY,
	OPT_RESOLV_CONF,
	OPT_LIST_FINDINGS,
};

static const struct option longopts[] = {
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "host",		required_argument,	NULL, OPT_HOST },
	{ "tlsa",		required_argument,	NULL, OPT_TLSA },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "timeout",		required_argument,	NULL, OPT_TIMEOUT },
	{ "helo",		required_argument,	NULL, OPT_HELO },
	{ "trust-anchor",	required_argument,	NULL, OPT_TA },
	{ "resolver",		required_argument,	NULL, OPT_RESOLVER },
	{ "recursive",		no_argument,		NULL, OPT_RECURSIVE },
	{ "root-hints",		required_argument,	NULL, OPT_HINTS },
	{ "resolv-conf",	required_argument,	NULL, OPT_RESOLV_CONF },
	{ "require-dane",	no_argument,		NULL, OPT_REQUIRE },
	{ "legacy-tls",		no_argument,		NULL, OPT_LEGACY },
	{ "list-findings",	no_argument,		NULL,
	    OPT_LIST_FINDINGS },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 },
};

/* One target, in the order given; its report once finished. */
struct target {
	const char		*name;
	int			 host;		/* --host */
	char			 input[REPORT_NAME_MAX];
	struct report_domain	*report;
};

struct check {
	struct target	*t;
	size_t		 nt;
};

static void	on_domain(void *arg, struct report_domain *d);
static int	run(struct engine_opts *o, struct check *c, int json);
static int	check_names(const struct check *c);
static int	list_findings(void);

/* list_findings - the findings table as Markdown (docs/findings.md) */
static int
list_findings(void)
{
	struct mxd_buf	b;
	int		rc;

	mxd_buf_init(&b, 256 * 1024);
	rc = dane_findings_markdown(&b);
	if (rc == 0 && fwrite(b.data, 1, b.len, stdout) != b.len) {
		rc = MXD_EIO;
	}
	mxd_buf_free(&b);
	if (rc != 0) {
		cli_err("--list-findings: %s", mxd_strerror(rc));
		return EX_OSERR;
	}
	return 0;
}

/* check_names - every target a host name (or, for --host, an address) */
static int
check_names(const struct check *c)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	struct mxd_err	 err;
	char		 norm[REPORT_NAME_MAX];
	size_t		 i;
	int		 rc;

	for (i = 0; i < c->nt; i++) {
		if (c->t[i].host && (inet_pton(AF_INET, c->t[i].name, &a4) ==
		    1 || inet_pton(AF_INET6, c->t[i].name, &a6) == 1)) {
			continue;
		}
		mxd_err_clear(&err);
		rc = mxd_dname_normalize(c->t[i].name, norm, sizeof(norm),
		    &err);
		if (rc != 0) {
			(void)fprintf(stderr, "mxdane %s: %s\n", CMD,
			    err.msg[0] != '\0' ? err.msg : mxd_strerror(rc));
			return rc == MXD_ENOMEM ? EX_OSERR : EX_DATAERR;
		}
	}
	return -1;
}

/* on_domain - keep a finished report in its target's slot */
static void
on_domain(void *arg, struct report_domain *d)
{
	struct check	*c = arg;
	size_t		 i;

	for (i = 0; i < c->nt; i++) {
		if (c->t[i].report == NULL &&
		    strcmp(c->t[i].input, d->input) == 0) {
			c->t[i].report = d;
			return;
		}
	}
	report_domain_free(d);		/* cannot happen */
}

/* run - the engine over every target, then the reports */
static int
run(struct engine_opts *o, struct check *c, int json)
{
	struct event_base	*base;
	struct engine		*e = NULL;
	struct mxd_err		 err;
	struct mxd_buf		 out;
	size_t			 i;
	int			 rc, status = CLI_OK, color;

	mxd_err_clear(&err);
	/* A server that closes while we write must give an error on that
	 * connection, not kill the whole check. */
	(void)signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (base == NULL) {
		cli_err("cannot create an event loop");
		return CLI_UNKNOWN;
	}
	rc = engine_new(base, o, &e, &err);
	if (rc != 0) {
		cli_err("%s", err.msg);
		event_base_free(base);
		if (rc == MXD_EINVAL) {
			return EX_USAGE;
		}
		return CLI_UNKNOWN;	/* DNS cannot work */
	}
	for (i = 0; i < c->nt; i++) {
		if (c->t[i].host) {
			rc = engine_add_host(e, c->t[i].name, &err);
		} else {
			rc = engine_add_domain(e, c->t[i].name, &err);
		}
		if (rc != 0) {
			break;
		}
	}
	if (rc != 0) {
		cli_err("%s", err.msg);
		engine_free(e);
		event_base_free(base);
		return cli_exit_status(rc);
	}
	rc = engine_run(e, on_domain, c, &err);
	if (engine_note(e)[0] != '\0') {
		cli_err("note: %s", engine_note(e));
	}
	engine_free(e);
	smtp_probe_cleanup();
	event_base_free(base);
	if (rc != 0) {
		cli_err("%s", err.msg);
		return CLI_UNKNOWN;
	}
	color = !json && cli_color(stdout);
	mxd_buf_init(&out, OUT_MAX);
	for (i = 0; i < c->nt; i++) {
		struct report_domain *d = c->t[i].report;

		if (d == NULL) {
			status = CLI_UNKNOWN;
			continue;
		}
		if ((int)d->status > status) {
			status = (int)d->status;
		}
		mxd_buf_reset(&out);
		if (!json && i > 0) {
			(void)mxd_buf_puts(&out, "\n");
		}
		rc = json ? report_json(d, &out) : report_text(d, color, &out);
		if (rc != 0) {
			cli_err("%s: cannot render the report: %s", d->domain,
			    mxd_strerror(rc));
			status = CLI_UNKNOWN;
			continue;
		}
		(void)fwrite(out.data, 1, out.len, stdout);
	}
	mxd_buf_free(&out);
	if (fflush(stdout) != 0) {
		cli_err("cannot write the report");
		return CLI_UNKNOWN;
	}
	return status;
}

/* cmd_check - the check subcommand */
int
cmd_check(int argc, char **argv)
{
	struct engine_opts	 o;
	struct check		 c;
	struct tlsa_rr		 tlsa[TLSA_MAX];
	struct mxd_err		 err;
	unsigned long		 v;
	char			 helo[256];
	size_t			 ntlsa = 0, i;
	int			 ch, json = 0, status;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	c.t = mxd_calloc(TARGETS_MAX, sizeof(*c.t));
	if (c.t == NULL) {
		cli_err("out of memory");
		return EX_OSERR;
	}
	optind = 1;
	opterr = 0;
	status = -1;
	while (status < 0 &&
	    (ch = getopt_long(argc, argv, "46h", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_HOST:
			if (c.nt == TARGETS_MAX) {
				status = cli_usage(CMD, "more than %d targets",
				    TARGETS_MAX);
				break;
			}
			c.t[c.nt].name = optarg;
			c.t[c.nt].host = 1;
			c.nt++;
			break;
		case OPT_TLSA:
			if (ntlsa == TLSA_MAX) {
				status = cli_usage(CMD, "more than %d --tlsa",
				    TLSA_MAX);
				break;
			}
			mxd_err_clear(&err);
			if (tlsa_rr_parse(optarg, &tlsa[ntlsa], &err) != 0) {
				(void)fprintf(stderr, "mxdane %s: --tlsa "
				    "'%.80s': %s\n", CMD, optarg, err.msg);
				status = EX_DATAERR;
				break;
			}
			ntlsa++;
			break;
		case OPT_PORT:
			if (cli_parse_ulong(optarg, 1, 65535, &v) != 0) {
				status = cli_usage(CMD, "--port wants a number "
				    "from 1 to 65535, not '%.40s'", optarg);
				break;
			}
			o.port = (unsigned)v;
			break;
		case OPT_TIMEOUT:
			if (cli_parse_ulong(optarg, 1, 300, &v) != 0) {
				status = cli_usage(CMD, "--timeout wants "
				    "seconds from 1 to 300, not '%.40s'",
				    optarg);
				break;
			}
			o.timeout_ms = (unsigned)v * 1000;
			break;
		case OPT_HELO:
			o.helo = optarg;
			break;
		case OPT_TA:
			o.trust_anchor = optarg;
			break;
		case OPT_RESOLVER:
			o.resolver = optarg;
			break;
		case OPT_RECURSIVE:
			o.recursive = 1;
			break;
		case OPT_HINTS:
			o.root_hints = optarg;
			break;
		case OPT_RESOLV_CONF:
			o.resolv_conf = optarg;
			break;
		case OPT_REQUIRE:
			o.require_dane = 1;
			break;
		case OPT_LEGACY:
			o.legacy_tls = 1;
			break;
		case OPT_LIST_FINDINGS:
			status = list_findings();
			break;
		case '4':
		case '6':
			if (o.family != 0 && o.family != ch - '0') {
				status = cli_usage(CMD, "-4 and -6 exclude "
				    "each other");
				break;
			}
			o.family = ch - '0';
			break;
		case 'h':
			(void)fputs(help_check, stdout);
			status = 0;
			break;
		default:
			if (optopt != 0 && optopt < 256) {
				status = cli_usage(CMD, "unknown option '-%c' "
				    "or missing argument", optopt);
			} else {
				status = cli_usage(CMD, "unknown option '%.40s'"
				    " or missing argument", argv[optind - 1]);
			}
			break;
		}
	}
	if (status < 0 && o.resolver != NULL && o.recursive) {
		status = cli_usage(CMD, "--resolver and --recursive exclude "
		    "each other");
	}
	for (i = (size_t)optind; status < 0 && i < (size_t)argc; i++) {
		if (c.nt == TARGETS_MAX) {
			status = cli_usage(CMD, "more than %d targets",
			    TARGETS_MAX);
			break;
		}
		c.t[c.nt].name = argv[i];
		c.nt++;
	}
	if (status < 0 && c.nt == 0) {
		status = cli_usage(CMD, "no domain given");
	}
	if (status < 0) {
		status = check_names(&c);
	}
	if (status < 0) {
		status = check_names(&c);
	}
	if (status < 0) {
		for (i = 0; i < c.nt; i++) {
			(void)mxd_sanitize(c.t[i].name, strlen(c.t[i].name),
			    c.t[i].input, sizeof(c.t[i].input));
		}
		if (o.helo == NULL) {
			if (gethostname(helo, sizeof(helo) - 1) != 0 ||
			    helo[0] == '\0') {
				(void)snprintf(helo, sizeof(helo), "localhost");
			}
			helo[sizeof(helo) - 1] = '\0';
			o.helo = helo;
		}
		o.tlsa = tlsa;
		o.ntlsa = ntlsa;
		status = run(&o, &c, json);
	}
	for (i = 0; i < ntlsa; i++) {
		tlsa_rr_clear(&tlsa[i]);
	}
	for (i = 0; i < c.nt; i++) {
		report_domain_free(c.t[i].report);
	}
	mxd_free(c.t);
	return status;
}
