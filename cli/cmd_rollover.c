/*
 * cmd_rollover.c - `mxdane rollover next-key|plan|gate|retire`: the
 * how-to's rollover advice (RFC 7671 §8.1, §8.4; RFC 7672 §4) as commands
 * automation can rely on. Options in; the look at the nameservers and the
 * state file are engine/rollover.c's, the look at the mail servers is
 * check's engine; verdicts and exit statuses out (mxdane-rollover(1)):
 * gate and retire use the monitoring-plugin statuses, usage and input
 * errors sysexits.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cli/cli.h"
#include "common/dname.h"
#include "common/mxd.h"
#include "dns/auth.h"
#include "dns/update.h"
#include "engine/engine.h"
#include "engine/rollover.h"
#include "report/model.h"
#include "smtp/probe.h"
#include "tlsa/tlsa.h"
#include "tlsa/tlsa_gen.h"

#include "help_rollover.h"

#define CMD		"rollover"
#define WANT_MAX	64
#define NOW_ENV		"MXDANE_NOW"

enum {
	OPT_OUT = 256,
	OPT_ALG,
	OPT_HOST,
	OPT_PORT,
	OPT_CERT,
	OPT_NEXT,
	OPT_CHAIN,
	OPT_STATE,
	OPT_TTL,
	OPT_TA,
	OPT_RESOLVER,
	OPT_RECURSIVE,
	OPT_HINTS,
	OPT_TIMEOUT,
	OPT_PUBLISH,
	OPT_ZONE,
	OPT_SERVER,
	OPT_TSIG,
};

static const struct option longopts[] = {
	{ "out",		required_argument,	NULL, OPT_OUT },
	{ "algorithm",		required_argument,	NULL, OPT_ALG },
	{ "host",		required_argument,	NULL, OPT_HOST },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "cert",		required_argument,	NULL, OPT_CERT },
	{ "next-key",		required_argument,	NULL, OPT_NEXT },
	{ "chain",		required_argument,	NULL, OPT_CHAIN },
	{ "state",		required_argument,	NULL, OPT_STATE },
	{ "ttl",		required_argument,	NULL, OPT_TTL },
	{ "trust-anchor",	required_argument,	NULL, OPT_TA },
	{ "resolver",		required_argument,	NULL, OPT_RESOLVER },
	{ "recursive",		no_argument,		NULL, OPT_RECURSIVE },
	{ "root-hints",		required_argument,	NULL, OPT_HINTS },
	{ "timeout",		required_argument,	NULL, OPT_TIMEOUT },
	{ "publish",		no_argument,		NULL, OPT_PUBLISH },
	{ "zone",		required_argument,	NULL, OPT_ZONE },
	{ "server",		required_argument,	NULL, OPT_SERVER },
	{ "tsig-key",		required_argument,	NULL, OPT_TSIG },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 },
};

/* Everything the command line said, one field per option. */
struct roll_opts {
	const char	*verb;
	const char	*out;		/* next-key */
	enum roll_keyalg alg;
	const char	*host[ROLL_HOST_MAX];
	size_t		 nhost;
	unsigned long	 port;
	const char	*cert;		/* plan: current; gate, retire: new */
	const char	*next_key;
	const char	*chain;
	const char	*state;
	unsigned long	 ttl;		/* plan: the RRset's TTL */
	int		 ttl_set;
	struct roll_dns_opts dns;
	int		 publish;
	const char	*zone;
	const char	*server;
	const char	*tsig;
};

/* Records matching the new certificate, and its SPKI digest. */
struct want {
	struct tlsa_rr	 rr[WANT_MAX];
	size_t		 n;
	char		 spki[65];	/* leaf SHA-256 SPKI, hex */
	struct tlsa_src	*src;
};

static int	parse(int argc, char **argv, struct roll_opts *o);
static int	do_next_key(const struct roll_opts *o);
static int	do_plan(const struct roll_opts *o);
static int	do_gate(const struct roll_opts *o);
static int	do_retire(const struct roll_opts *o);
static int	want_load(const char *path, struct want *w);
static void	want_free(struct want *w);
static int	want_has(const struct want *w, const struct tlsa_rr *rr);
static int	print_rr(const char *owner, const struct tlsa_rr *rr);
static int	now_get(int64_t *now);
static void	on_domain(void *arg, struct report_domain *d);
static int	presented(const struct report_addr *a,
		    const struct tlsa_rr *rr);

/* ------------------------------------------------------------------ */
/* Options                                                            */
/* ------------------------------------------------------------------ */

/* parse - the options of every verb; 0, or an exit status */
static int
parse(int argc, char **argv, struct roll_opts *o)
{
	unsigned long	v;
	size_t		i;
	int		c;

	memset(o, 0, sizeof(*o));
	o->port = 25;
	o->dns.timeout_ms = 10000;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OUT:
			o->out = optarg;
			break;
		case OPT_ALG:
			if (strcmp(optarg, "ecdsa-p256") == 0) {
				o->alg = ROLL_KEY_ECDSA_P256;
			} else if (strcmp(optarg, "rsa2048") == 0) {
				o->alg = ROLL_KEY_RSA2048;
			} else {
				return cli_usage(CMD, "--algorithm is "
				    "rsa2048 or ecdsa-p256, not '%.40s'",
				    optarg);
			}
			break;
		case OPT_HOST:
			if (o->nhost == ROLL_HOST_MAX) {
				return cli_usage(CMD, "at most %d --host",
				    ROLL_HOST_MAX);
			}
			o->host[o->nhost++] = optarg;
			break;
		case OPT_PORT:
			if (cli_parse_ulong(optarg, 1, 65535, &o->port) != 0) {
				return cli_usage(CMD, "--port wants 1 to "
				    "65535");
			}
			break;
		case OPT_CERT:
			o->cert = optarg;
			break;
		case OPT_NEXT:
			o->next_key = optarg;
			break;
		case OPT_CHAIN:
			o->chain = optarg;
			break;
		case OPT_STATE:
			o->state = optarg;
			break;
		case OPT_TTL:
			if (cli_parse_ulong(optarg, 0, 2147483647UL,
			    &o->ttl) != 0) {
				return cli_usage(CMD, "--ttl wants seconds");
			}
			o->ttl_set = 1;
			break;
		case OPT_TA:
			o->dns.trust_anchor = optarg;
			break;
		case OPT_RESOLVER:
			o->dns.resolver = optarg;
			break;
		case OPT_RECURSIVE:
			o->dns.recursive = 1;
			break;
		case OPT_HINTS:
			o->dns.root_hints = optarg;
			break;
		case OPT_TIMEOUT:
			if (cli_parse_ulong(optarg, 1, 300, &v) != 0) {
				return cli_usage(CMD, "--timeout wants 1 to "
				    "300 seconds");
			}
			o->dns.timeout_ms = (unsigned)v * 1000;
			break;
		case OPT_PUBLISH:
			o->publish = 1;
			break;
		case OPT_ZONE:
			o->zone = optarg;
			break;
		case OPT_SERVER:
			o->server = optarg;
			break;
		case OPT_TSIG:
			o->tsig = optarg;
			break;
		case 'h':
			(void)fputs(help_rollover, stdout);
			return -1;
		default:
			return cli_usage(CMD, "unknown option '%.40s' or "
			    "missing argument", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		return cli_usage(CMD, "next-key, plan, gate or retire?");
	}
	o->verb = argv[optind];
	if (optind + 1 != argc) {
		return cli_usage(CMD, "unexpected argument '%.200s'",
		    argv[optind + 1]);
	}
	if (o->dns.resolver != NULL && o->dns.recursive) {
		return cli_usage(CMD, "--resolver and --recursive exclude "
		    "each other");
	}
	for (i = 0; i < o->nhost; i++) {
		struct mxd_err	err;
		char		norm[256];

		mxd_err_clear(&err);
		if (mxd_dname_normalize(o->host[i], norm, sizeof(norm),
		    &err) != 0) {
			cli_err("rollover: --host: %s", err.msg);
			return EX_DATAERR;
		}
	}
	return 0;
}

/* now_get - the time, or MXDANE_NOW (seconds since 1970, for tests) */
static int
now_get(int64_t *now)
{
	const char	*s = getenv(NOW_ENV);
	unsigned long	 v;

	if (s == NULL || *s == '\0') {
		*now = (int64_t)time(NULL);
		return 0;
	}
	if (cli_parse_ulong(s, 1, 4102444800UL, &v) != 0) {
		cli_err("%s is not seconds since 1970: '%.40s'", NOW_ENV, s);
		return -1;
	}
	*now = (int64_t)v;
	return 0;
}

/* print_rr - one record line: "OWNER. IN TLSA U S M HEX" or bare */
static int
print_rr(const char *owner, const struct tlsa_rr *rr)
{
	char *text = tlsa_rr_format(rr);

	if (text == NULL) {
		cli_err("out of memory");
		return EX_OSERR;
	}
	if (owner != NULL) {
		(void)printf("%s. IN TLSA %s\n", owner, text);
	} else {
		(void)printf("%s\n", text);
	}
	mxd_free(text);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Records of the new certificate                                     */
/* ------------------------------------------------------------------ */

/*
 * want_load - every record that matches the certificate in @p path: 3 S M
 * of its leaf, and 2 S M of each certificate in the file that issues it
 * (a current+issuer RRset keeps authenticating across the switch).
 */
static int
want_load(const char *path, struct want *w)
{
	struct tlsa_cert_info	 info;
	struct mxd_err		 err;
	size_t			 leaf, path_i[16], npath = 0, i, k;
	unsigned		 s, m;
	int			 rc;

	memset(w, 0, sizeof(*w));
	mxd_err_clear(&err);
	rc = tlsa_src_load(path, &w->src, &err);
	if (rc != 0) {
		cli_err("%s", err.msg);
		return cli_exit_status(rc);
	}
	if (tlsa_src_ncerts(w->src) == 0) {
		cli_err("%.200s holds no certificate (a %s)", path,
		    tlsa_src_kind_name(tlsa_src_kind(w->src)));
		return EX_DATAERR;
	}
	leaf = tlsa_src_leaf(w->src);
	if (tlsa_src_cert_info(w->src, leaf, &info, &err) != 0) {
		cli_err("%s", err.msg);
		return EX_DATAERR;
	}
	memcpy(w->spki, info.spki_sha256, sizeof(w->spki));
	(void)tlsa_src_issuer_path(w->src, w->src, leaf, path_i, 16, &npath);
	for (k = 0; k <= npath; k++) {
		i = k == 0 ? leaf : path_i[k - 1];
		for (s = 0; s <= 1; s++) {
			for (m = 0; m <= 2; m++) {
				if (w->n == WANT_MAX) {
					break;
				}
				rc = tlsa_src_rr(w->src, i, k == 0 ? 3 : 2, s,
				    m, &w->rr[w->n], &err);
				if (rc != 0) {
					cli_err("%s", err.msg);
					return cli_exit_status(rc);
				}
				w->n++;
			}
		}
	}
	return 0;
}

/* want_free - the records and the source */
static void
want_free(struct want *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		tlsa_rr_clear(&w->rr[i]);
	}
	tlsa_src_free(w->src);
	w->src = NULL;
	w->n = 0;
}

/* want_has - is this record one of the new certificate's? */
static int
want_has(const struct want *w, const struct tlsa_rr *rr)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (tlsa_rr_cmp(&w->rr[i], rr) == 0) {
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* next-key                                                           */
/* ------------------------------------------------------------------ */

/* do_next_key - a new private key and its 3 1 1 record(s) */
static int
do_next_key(const struct roll_opts *o)
{
	struct mxd_err	err;
	struct tlsa_rr	rr;
	char		spki[65], owner[300];
	uint8_t		data[32];
	size_t		i;
	int		rc;

	if (o->out == NULL) {
		return cli_usage(CMD, "next-key wants --out FILE");
	}
	mxd_err_clear(&err);
	rc = engine_roll_key_new(o->out, o->alg, spki, &err);
	if (rc != 0) {
		cli_err("rollover next-key: %s", err.msg);
		return cli_exit_status(rc);
	}
	for (i = 0; i < 32; i++) {
		unsigned hi = (unsigned)(spki[2 * i] <= '9' ? spki[2 * i] -
		    '0' : spki[2 * i] - 'a' + 10);
		unsigned lo = (unsigned)(spki[2 * i + 1] <= '9' ?
		    spki[2 * i + 1] - '0' : spki[2 * i + 1] - 'a' + 10);

		data[i] = (uint8_t)(hi << 4 | lo);
	}
	rr.usage = 3;
	rr.selector = 1;
	rr.mtype = 1;
	rr.data = data;
	rr.len = sizeof(data);
	(void)fprintf(stderr, "mxdane rollover: wrote %s (mode 0600); "
	    "publish its record next to the current one\n", o->out);
	if (o->nhost == 0) {
		return print_rr(NULL, &rr);
	}
	for (i = 0; i < o->nhost; i++) {
		(void)snprintf(owner, sizeof(owner), "_%lu._tcp.%s", o->port,
		    o->host[i]);
		rc = print_rr(owner, &rr);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* plan                                                               */
/* ------------------------------------------------------------------ */

/* do_plan - the RRset to publish now, and the steps that follow */
static int
do_plan(const struct roll_opts *o)
{
	struct tlsa_src		*cur = NULL, *other = NULL;
	struct tlsa_rr		 rr[2];
	struct mxd_err		 err;
	char			 owner[300];
	size_t			 leaf, ipath[16], npath = 0, i, k;
	unsigned long		 ttl = o->ttl_set ? o->ttl : 3600;
	int			 rc, status = 0, issuer;

	if (o->nhost == 0 || o->cert == NULL) {
		return cli_usage(CMD, "plan wants --host H... and --cert FILE");
	}
	if ((o->next_key == NULL) == (o->chain == NULL)) {
		return cli_usage(CMD, "plan wants one of --next-key or --chain");
	}
	issuer = o->chain != NULL;
	memset(rr, 0, sizeof(rr));
	mxd_err_clear(&err);
	rc = tlsa_src_load(o->cert, &cur, &err);
	if (rc == 0) {
		rc = tlsa_src_load(issuer ? o->chain : o->next_key, &other,
		    &err);
	}
	if (rc != 0) {
		cli_err("%s", err.msg);
		status = cli_exit_status(rc);
		goto out;
	}
	if (tlsa_src_ncerts(cur) == 0) {
		cli_err("%.200s holds no certificate", o->cert);
		status = EX_DATAERR;
		goto out;
	}
	leaf = tlsa_src_leaf(cur);
	rc = tlsa_src_rr(cur, leaf, 3, 1, 1, &rr[0], &err);
	if (rc == 0 && issuer) {
		(void)tlsa_src_issuer_path(other, cur, leaf, ipath, 16, &npath);
		if (npath == 0) {
			cli_err("no certificate in %.200s issues %.200s",
			    o->chain, o->cert);
			status = EX_DATAERR;
			goto out;
		}
		rc = tlsa_src_rr(other, ipath[0], 2, 1, 1, &rr[1], &err);
	} else if (rc == 0) {
		if (tlsa_src_ncerts(other) != 0 ||
		    tlsa_src_kind(other) == TLSA_SRC_CSR) {
			cli_err("%.200s is a %s, not the next key", o->next_key,
			    tlsa_src_kind_name(tlsa_src_kind(other)));
			status = EX_DATAERR;
			goto out;
		}
		rc = tlsa_src_rr(other, 0, 3, 1, 1, &rr[1], &err);
		if (rc == 0 && tlsa_rr_cmp(&rr[0], &rr[1]) == 0) {
			cli_err("the next key is the current certificate's "
			    "key: make a new one (mxdane rollover next-key)");
			status = EX_DATAERR;
			goto out;
		}
	}
	if (rc != 0) {
		cli_err("%s", err.msg);
		status = cli_exit_status(rc);
		goto out;
	}
	(void)printf("; %s: publish this RRset for every host now\n",
	    issuer ? "current + issuer" : "current + next");
	for (i = 0; i < o->nhost; i++) {
		(void)snprintf(owner, sizeof(owner), "_%lu._tcp.%s", o->port,
		    o->host[i]);
		for (k = 0; k < 2; k++) {
			status = print_rr(owner, &rr[k]);
			if (status != 0) {
				goto out;
			}
		}
	}
	(void)printf("\nsteps:\n"
	    "1. publish both records for every host, e.g.\n"
	    "   mxdane publish add --zone ZONE --server PRIMARY "
	    "--tsig-key KEY --host HOST ...\n"
	    "2. run the gate until it exits 0 (the records on every "
	    "nameserver for\n"
	    "   at least twice the TTL: %lu s with TTL %lu):\n"
	    "   mxdane rollover gate",
	    2 * ttl, ttl);
	for (i = 0; i < o->nhost; i++) {
		(void)printf(" --host %s", o->host[i]);
	}
	(void)printf(" --cert NEW.pem --state STATE\n"
	    "3. deploy %s on every server, then check it:\n"
	    "   mxdane check --host HOST\n"
	    "4. retire the old record once every address presents it:\n"
	    "   mxdane rollover retire",
	    issuer ? "the new certificate (from the same issuer)" :
	    "the certificate for the next key");
	for (i = 0; i < o->nhost; i++) {
		(void)printf(" --host %s", o->host[i]);
	}
	(void)printf(" --cert NEW.pem [--publish ...]\n");
	if (!issuer) {
		(void)printf("5. make the following next key and publish it "
		    "(back to step 1)\n");
	}
out:
	tlsa_rr_clear(&rr[0]);
	tlsa_rr_clear(&rr[1]);
	tlsa_src_free(cur);
	tlsa_src_free(other);
	return status;
}

/* ------------------------------------------------------------------ */
/* gate                                                               */
/* ------------------------------------------------------------------ */

/* do_gate - exit 0 only when deploying the new certificate is safe */
static int
do_gate(const struct roll_opts *o)
{
	struct roll_look	*look = NULL;
	struct roll_state	 st;
	struct roll_wait	 w;
	struct want		 want;
	struct mxd_err		 err;
	char			 set[65], aside[4200];
	int64_t			 now, need, left = 0;
	size_t			 i, k;
	int			 rc, status = CLI_OK, seen, state_ok = 1;

	if (o->nhost == 0 || o->cert == NULL) {
		return cli_usage(CMD, "gate wants --host H... and --cert FILE");
	}
	if (now_get(&now) != 0) {
		return EX_USAGE;
	}
	rc = want_load(o->cert, &want);
	if (rc != 0) {
		want_free(&want);
		return rc;
	}
	if (engine_roll_set_id(o->host, o->nhost, want.spki, set) != 0) {
		cli_err("rollover gate: a host name is not valid");
		want_free(&want);
		return EX_DATAERR;
	}
	/* The state first: when it cannot be read, nothing is asked. */
	mxd_err_clear(&err);
	memset(&st, 0, sizeof(st));
	if (o->state == NULL) {
		memcpy(st.set, set, sizeof(set));
		state_ok = 0;
	} else {
		rc = engine_roll_state_load(o->state, set, &st, &err);
		if (rc == MXD_EACCES || rc == MXD_EIO) {
			cli_err("rollover gate: %s; nothing changed", err.msg);
			want_free(&want);
			return CLI_UNKNOWN;
		}
		if (rc == MXD_EBADDATA || rc == MXD_EMISMATCH) {
			/* Kept aside, never read as "long enough". */
			(void)snprintf(aside, sizeof(aside), "%s.%s", o->state,
			    rc == MXD_EBADDATA ? "bad" : "old");
			if (rename(o->state, aside) != 0) {
				cli_err("rollover gate: %s; cannot move it "
				    "aside", err.msg);
				want_free(&want);
				return CLI_UNKNOWN;
			}
			(void)printf("state: %s; kept as %s, the wait starts "
			    "again\n", err.msg, aside);
		} else if (rc == MXD_ENOENT) {
			(void)printf("state: %s, the wait starts now\n",
			    o->state);
		}
	}
	look = mxd_calloc(o->nhost, sizeof(*look));
	if (look == NULL) {
		cli_err("out of memory");
		want_free(&want);
		return EX_OSERR;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	mxd_err_clear(&err);
	rc = engine_roll_gate_look(&o->dns, o->host, o->nhost,
	    (unsigned)o->port, want.rr, want.n, look, &err);
	if (rc != 0) {
		cli_err("rollover gate: %s", err.msg);
		status = rc == MXD_EINVAL ? EX_USAGE : CLI_UNKNOWN;
		goto out;
	}
	for (i = 0; i < o->nhost; i++) {
		struct roll_look *lk = &look[i];
		int hs = CLI_OK;

		if (lk->fatal && lk->unknown) {
			/* A lookup that failed says nothing of the zone. */
			(void)printf("%s: UNKNOWN: %s\n", lk->host, lk->why);
			hs = CLI_UNKNOWN;
		} else if (lk->fatal) {
			(void)printf("%s: CRITICAL: %s\n", lk->host, lk->why);
			hs = CLI_CRITICAL;
		}
		for (k = 0; k < lk->nsrv; k++) {
			const struct roll_srv *s = &lk->srv[k];
			int ss;

			switch (s->state) {
			case ROLL_SRV_OK:
				ss = CLI_OK;
				break;
			case ROLL_SRV_MISSING:
			case ROLL_SRV_NODATA:
				ss = CLI_WARNING;
				break;
			case ROLL_SRV_TIMEOUT:
			case ROLL_SRV_ERROR:
				ss = CLI_UNKNOWN;
				break;
			default:
				ss = CLI_CRITICAL;
				break;
			}
			(void)printf("%s: %s %s: %s%s%s", lk->host,
			    lk->owner, s->server, engine_roll_srv_str(s->state),
			    s->why[0] != '\0' && ss != CLI_OK ? " - " : "",
			    ss != CLI_OK ? s->why : "");
			if (s->serial != 0) {
				(void)printf(" (serial %" PRIu32 ")",
				    s->serial);
			}
			(void)printf("\n");
			if (ss == CLI_CRITICAL || hs == CLI_CRITICAL) {
				hs = CLI_CRITICAL;
			} else if (ss > hs) {
				hs = ss;
			}
		}
		seen = hs == CLI_OK && !lk->fatal && lk->nsrv > 0;
		if (engine_roll_state_mark(&st, lk->host, seen, now, &w) != 0) {
			hs = CLI_UNKNOWN;
		}
		if (w.backwards) {
			(void)printf("%s: the clock moved backwards since the "
			    "last run: the wait starts again\n", lk->host);
		}
		need = 2 * (int64_t)lk->ttl;
		if (seen && !state_ok) {
			(void)printf("%s: on every nameserver; without --state "
			    "the gate cannot know for how long (%" PRId64
			    " s needed)\n", lk->host, need);
			hs = CLI_WARNING;
			left = left > need ? left : need;
		} else if (seen && w.elapsed < need) {
			(void)printf("%s: on every nameserver for %" PRId64
			    " s of the %" PRId64 " s needed (2 x TTL %" PRIu32
			    "): wait %" PRId64 " s more\n", lk->host,
			    w.elapsed, need, lk->ttl, need - w.elapsed);
			hs = CLI_WARNING;
			if (need - w.elapsed > left) {
				left = need - w.elapsed;
			}
		} else if (seen) {
			(void)printf("%s: on every nameserver for %" PRId64
			    " s (2 x TTL %" PRIu32 " = %" PRId64 " s)\n",
			    lk->host, w.elapsed, lk->ttl, need);
		} else if (lk->nsrv == 0 && !lk->fatal) {
			hs = CLI_UNKNOWN;
		}
		if (hs == CLI_CRITICAL || status == CLI_CRITICAL) {
			status = CLI_CRITICAL;
		} else if (hs > status) {
			status = hs;
		}
	}
	if (o->state != NULL) {
		mxd_err_clear(&err);
		if (engine_roll_state_save(o->state, &st, &err) != 0) {
			cli_err("rollover gate: %s", err.msg);
			if (status == CLI_OK) {
				status = CLI_UNKNOWN;
			}
		}
	}
	switch (status) {
	case CLI_OK:
		(void)printf("GO: safe to deploy %s\n", o->cert);
		break;
	case CLI_WARNING:
		if (left > 0) {
			(void)printf("WAIT: do not deploy yet; run again in "
			    "%" PRId64 " s\n", left);
		} else {
			(void)printf("WAIT: do not deploy yet; a nameserver "
			    "does not serve the new record\n");
		}
		break;
	case CLI_CRITICAL:
		(void)printf("CRITICAL: do not deploy; fix the zone first\n");
		break;
	default:
		(void)printf("UNKNOWN: do not deploy; a lookup or a "
		    "nameserver could not be checked: run again\n");
		break;
	}
out:
	mxd_free(look);
	want_free(&want);
	return status;
}

/* ------------------------------------------------------------------ */
/* retire                                                             */
/* ------------------------------------------------------------------ */

/* One host's report, by input name. */
struct retire_run {
	struct report_domain	*d[ROLL_HOST_MAX];
	const char *const	*host;
	size_t			 n;
};

/* on_domain - keep a host's report */
static void
on_domain(void *arg, struct report_domain *d)
{
	struct retire_run	*r = arg;
	size_t			 i;

	for (i = 0; i < r->n; i++) {
		if (r->d[i] == NULL && strcmp(d->input, r->host[i]) == 0) {
			r->d[i] = d;
			return;
		}
	}
	report_domain_free(d);
}

/* presented - does a presented chain hold a certificate this record is? */
static int
presented(const struct report_addr *a, const struct tlsa_rr *rr)
{
	char	hex[2 * 64 + 1];
	size_t	i;

	if (rr->mtype != TLSA_MTYPE_SHA256 || rr->len != 32) {
		return 0;
	}
	mxd_hex_encode(rr->data, rr->len, hex);
	for (i = 0; i < a->nchain; i++) {
		if (rr->usage == 3 && i > 0) {
			break;
		}
		if (strcmp(rr->selector == 1 ? a->chain[i].spki_sha256 :
		    a->chain[i].cert_sha256, hex) == 0) {
			return 1;
		}
	}
	return 0;
}

/* do_retire - which old records can go; with --publish, remove them */
static int
do_retire(const struct roll_opts *o)
{
	struct engine_opts	 eo;
	struct event_base	*base = NULL;
	struct engine		*e = NULL;
	struct retire_run	 run;
	struct want		 want;
	struct mxd_err		 err;
	size_t			 i, a, r, nold;
	int			 rc, status = CLI_OK, refuse = 0;

	if (o->nhost == 0 || o->cert == NULL) {
		return cli_usage(CMD, "retire wants --host H... and --cert "
		    "FILE");
	}
	if (o->publish && (o->zone == NULL || o->server == NULL ||
	    o->tsig == NULL)) {
		return cli_usage(CMD, "--publish wants --zone, --server and "
		    "--tsig-key");
	}
	rc = want_load(o->cert, &want);
	if (rc != 0) {
		want_free(&want);
		return rc;
	}
	memset(&run, 0, sizeof(run));
	run.host = o->host;
	run.n = o->nhost;
	memset(&eo, 0, sizeof(eo));
	eo.trust_anchor = o->dns.trust_anchor;
	eo.resolver = o->dns.resolver;
	eo.recursive = o->dns.recursive;
	eo.root_hints = o->dns.root_hints;
	eo.port = (unsigned)o->port;
	eo.timeout_ms = o->dns.timeout_ms;
	eo.helo = "localhost";
	(void)signal(SIGPIPE, SIG_IGN);
	mxd_err_clear(&err);
	base = event_base_new();
	if (base == NULL) {
		cli_err("cannot create an event loop");
		want_free(&want);
		return CLI_UNKNOWN;
	}
	rc = engine_new(base, &eo, &e, &err);
	for (i = 0; rc == 0 && i < o->nhost; i++) {
		rc = engine_add_host(e, o->host[i], &err);
	}
	if (rc == 0) {
		rc = engine_run(e, on_domain, &run, &err);
	}
	if (rc != 0) {
		cli_err("rollover retire: %s", err.msg);
		status = rc == MXD_EBADDATA ? EX_DATAERR : CLI_UNKNOWN;
		goto out;
	}
	for (i = 0; i < o->nhost; i++) {
		struct report_domain	*d = run.d[i];
		struct report_mx	*mx;

		if (d == NULL || d->nmx != 1) {
			(void)printf("%s: UNKNOWN: no report\n", o->host[i]);
			status = CLI_UNKNOWN;
			refuse = 1;
			continue;
		}
		mx = &d->mx[0];
		if (mx->tlsa_state != REPORT_TLSA_USABLE) {
			(void)printf("%s: CRITICAL: no usable TLSA records "
			    "published (%s)\n", o->host[i], mx->error);
			status = CLI_CRITICAL;
			refuse = 1;
			continue;
		}
		if (mx->naddrs == 0) {
			(void)printf("%s: UNKNOWN: no address\n", o->host[i]);
			refuse = 1;
			status = status > CLI_UNKNOWN ? status : CLI_UNKNOWN;
		}
		for (a = 0; a < mx->naddrs; a++) {
			const struct report_addr *ad = &mx->addrs[a];

			if (ad->nchain == 0) {
				(void)printf("%s: %s: presents no certificate "
				    "(%s): cannot tell\n", o->host[i],
				    ad->address, ad->error[0] != '\0' ?
				    ad->error : "no TLS");
				refuse = 1;
				if (status != CLI_CRITICAL) {
					status = CLI_UNKNOWN;
				}
			} else if (strcmp(ad->chain[0].spki_sha256,
			    want.spki) != 0) {
				(void)printf("%s: %s: still presents the old "
				    "key (SPKI %.16s...), which only an old "
				    "record matches: deploy first\n",
				    o->host[i], ad->address,
				    ad->chain[0].spki_sha256);
				refuse = 1;
				if (status == CLI_OK) {
					status = CLI_WARNING;
				}
			} else if (ad->dane != REPORT_ADDR_PASS) {
				(void)printf("%s: %s: presents the new key "
				    "but does not authenticate (%s): fix this "
				    "first\n", o->host[i], ad->address,
				    ad->error);
				refuse = 1;
				status = CLI_CRITICAL;
			} else {
				(void)printf("%s: %s: presents the new "
				    "certificate, authenticated by %s\n",
				    o->host[i], ad->address, ad->matched);
			}
		}
	}
	if (refuse) {
		(void)printf("REFUSED: no record retired while an address "
		    "does not present the new certificate\n");
		goto out;
	}
	nold = 0;
	for (i = 0; i < o->nhost; i++) {
		struct report_mx	*mx = &run.d[i]->mx[0];
		struct tlsa_rr		 old[64];
		char			 owner[300];
		size_t			 n = 0;

		for (r = 0; r < mx->ntlsa; r++) {
			int keep = want_has(&want, &mx->tlsa[r]);

			for (a = 0; !keep && a < mx->naddrs; a++) {
				keep = presented(&mx->addrs[a], &mx->tlsa[r]);
			}
			if (!keep && n < 64) {
				old[n++] = mx->tlsa[r];
			}
		}
		(void)snprintf(owner, sizeof(owner), "%s", mx->tlsa_owner);
		for (r = 0; r < n; r++) {
			char *t = tlsa_rr_format(&old[r]);

			(void)printf("retire: %s. IN TLSA %s\n", owner,
			    t != NULL ? t : "?");
			mxd_free(t);
		}
		nold += n;
		if (o->publish && n > 0) {
			struct dns_publish_req	req;
			struct dns_publish_res	res;
			struct dns_auth_server	srv;
			struct dns_tsig_key	key;

			memset(&key, 0, sizeof(key));
			mxd_err_clear(&err);
			if (dns_auth_server_parse(o->server, 53, NULL, &srv,
			    &err) != 0 || dns_tsig_key_load(o->tsig, &key,
			    &err) != 0) {
				cli_err("rollover retire: %s", err.msg);
				dns_tsig_key_clear(&key);
				status = cli_exit_status(err.code);
				goto out;
			}
			memset(&req, 0, sizeof(req));
			req.op = DNS_PUBLISH_REMOVE;
			req.zone = o->zone;
			req.owner = owner;
			req.server = &srv;
			req.key = &key;
			req.rr = old;
			req.nrr = n;
			req.expect = mx->tlsa;
			req.nexpect = mx->ntlsa;
			req.expect_set = 1;
			req.timeout_ms = o->dns.timeout_ms;
			rc = dns_publish(&req, &res, &err);
			dns_tsig_key_clear(&key);
			if (rc != 0) {
				cli_err("rollover retire: %s: %s", owner,
				    err.msg);
				status = CLI_CRITICAL;
				goto out;
			}
			(void)printf("removed %zu record(s) at %s: %zu "
			    "left\n", res.removed, owner, res.after);
		}
	}
	if (nold == 0) {
		(void)printf("nothing to retire: every record matches the "
		    "new certificate\n");
	}
out:
	engine_free(e);
	smtp_probe_cleanup();
	if (base != NULL) {
		event_base_free(base);
	}
	for (i = 0; i < o->nhost; i++) {
		report_domain_free(run.d[i]);
	}
	want_free(&want);
	return status;
}

/* cmd_rollover - mxdane rollover next-key|plan|gate|retire */
int
cmd_rollover(int argc, char **argv)
{
	struct roll_opts	o;
	int			rc;

	rc = parse(argc, argv, &o);
	if (rc < 0) {
		return 0;		/* --help */
	}
	if (rc != 0) {
		return rc;
	}
	if (strcmp(o.verb, "next-key") == 0) {
		return do_next_key(&o);
	}
	if (strcmp(o.verb, "plan") == 0) {
		return do_plan(&o);
	}
	if (strcmp(o.verb, "gate") == 0) {
		return do_gate(&o);
	}
	if (strcmp(o.verb, "retire") == 0) {
		return do_retire(&o);
	}
	return cli_usage(CMD, "'%.40s' is not next-key, plan, gate or retire",
	    o.verb);
}
