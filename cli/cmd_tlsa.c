/*
 * cmd_tlsa.c - "mxdane tlsa": TLSA records from certificates, keys, CSRs
 * and bundles, and the how-to's roll-over record sets ("current + next",
 * "current + issuer"; RFC 7671 §8.1).
 *
 * Everything is read and every record made before anything is printed:
 * output and advice are collected in bounded buffers, so that an error
 * leaves standard output empty and says one line on standard error
 * (DESIGN.md: 64 usage, 65 bad data, 66 missing input). Advice (RFC 7672
 * §3.1.3, RFC 7671 §5.2 and §10.1.2, the how-to's "2 0 1" lesson) goes to
 * standard error, never to standard output.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "common/dname.h"
#include "common/mxd.h"
#include "help_tlsa.h"
#include "tlsa/tlsa.h"
#include "tlsa/tlsa_gen.h"

#define CMD		"tlsa"
#define HOSTS_MAX	64
#define FILES_MAX	64
#define ITEMS_MAX	(2 * FILES_MAX + FILES_MAX)
#define OUT_MAX		(16 * 1024 * 1024)
#define ADVICE_MAX	(16 * 1024)
#define FULL_LARGE	128	/* Full(0) data above this: advise mtype 1 */

enum issuer_pick {
	PICK_DEFAULT = 0,	/* root if the chain has it, else the top */
	PICK_ROOT,
	PICK_INTERMEDIATE,
	PICK_DEPTH,
};

enum rollover {
	ROLL_NONE = 0,
	ROLL_NEXT,		/* current + next */
	ROLL_ISSUER,		/* current + issuer */
};

/* What the command line asked for. */
struct opts {
	char		 hosts[HOSTS_MAX][MXD_DNAME_MAX + 1];
	size_t		 nhosts;
	unsigned long	 port;		/* 25 */
	long		 ttl;		/* -1: none */
	int		 usage;		/* -1: not given */
	int		 selector;	/* -1: not given */
	int		 mtype;		/* -1: not given */
	int		 port_given;
	int		 json;
	int		 list;
	enum issuer_pick pick;
	unsigned long	 depth;		/* with PICK_DEPTH */
	enum rollover	 rollover;
	const char	*next[FILES_MAX];
	size_t		 nnext;
	const char	*chain;
};

/* One record to print, for every host. */
struct item {
	struct tlsa_rr	 rr;
	const char	*file;
	const char	*kind;
	const char	*role;		/* record, current, next, issuer */
	char		 subject[256];	/* empty for keys and CSRs */
};

/* Everything one run holds; freed by run_free(). */
struct run {
	struct opts		 o;
	struct tlsa_src		*files[FILES_MAX];
	size_t			 nfiles;
	struct tlsa_src		*nexts[FILES_MAX];
	struct tlsa_src		*chain;
	struct item		 items[ITEMS_MAX];
	size_t			 nitems;
	struct mxd_buf		 out;
	struct mxd_buf		 advice;
	struct mxd_err		 err;
};

static int	parse_args(struct opts *o, int argc, char **argv);
static int	check_opts(const struct opts *o, int nfiles);
static void	advise(struct run *r, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static int	add_item(struct run *r, const struct tlsa_src *src, size_t i,
		    unsigned usage, unsigned selector, unsigned mtype,
		    const char *role);
static void	advise_record(struct run *r, const struct item *it,
		    const struct tlsa_src *src, size_t i);
static int	pick_issuer(struct run *r, const struct tlsa_src *file,
		    const struct tlsa_src *chain, size_t *idx);
static int	make_records(struct run *r);
static int	make_plain(struct run *r, const struct tlsa_src *f);
static int	render_records(struct run *r);
static int	render_list(struct run *r);
static int	list_json(struct run *r, json_t *arr, const struct tlsa_src *f);
static int	list_text(struct run *r, const struct tlsa_src *f);
static int	issued_by(const struct tlsa_src *f, size_t i, long *by);
static int	emit_json(struct run *r, json_t *root);
static int	finish_json(struct run *r, json_t *arr, int rc);
static int	fail(struct run *r, int rc);
static void	run_free(struct run *r);
static const char *shown(const char *s, char *buf, size_t bufsz);

static const struct option longopts[] = {
	{ "host",	required_argument,	NULL, 'H' },
	{ "port",	required_argument,	NULL, 'p' },
	{ "ttl",	required_argument,	NULL, 't' },
	{ "usage",	required_argument,	NULL, 'u' },
	{ "selector",	required_argument,	NULL, 's' },
	{ "mtype",	required_argument,	NULL, 'm' },
	{ "issuer",	required_argument,	NULL, 'i' },
	{ "chain",	required_argument,	NULL, 'c' },
	{ "rollover",	required_argument,	NULL, 'r' },
	{ "next-key",	required_argument,	NULL, 'n' },
	{ "list",	no_argument,		NULL, 'l' },
	{ "json",	no_argument,		NULL, 'j' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 },
};

/* shown - a printable, length-capped copy of a string from the user */
static const char *
shown(const char *s, char *buf, size_t bufsz)
{
	return mxd_sanitize(s, strlen(s), buf, bufsz);
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

/* parse_args - fill o from argv; 0, or an exit status (help: -1) */
static int
parse_args(struct opts *o, int argc, char **argv)
{
	struct mxd_err	 e;
	unsigned long	 v;
	char		 buf[80];
	size_t		 i;
	int		 c, dup;

	memset(o, 0, sizeof(*o));
	o->port = 25;
	o->ttl = -1;
	o->usage = o->selector = o->mtype = -1;
	optind = 1;
	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, ":", longopts, NULL);
		if (c == -1) {
			break;
		}
		switch (c) {
		case 'H':
			if (o->nhosts == HOSTS_MAX) {
				return cli_usage(CMD, "more than %d --host",
				    HOSTS_MAX);
			}
			if (mxd_dname_normalize(optarg, o->hosts[o->nhosts],
			    sizeof(o->hosts[0]), &e) != 0) {
				return cli_usage(CMD, "--host: %s", e.msg);
			}
			dup = 0;
			for (i = 0; i < o->nhosts; i++) {
				if (strcmp(o->hosts[i],
				    o->hosts[o->nhosts]) == 0) {
					dup = 1;
				}
			}
			o->nhosts += !dup;
			break;
		case 'p':
			if (cli_parse_ulong(optarg, 1, 65535, &o->port) != 0) {
				return cli_usage(CMD, "--port '%s' is not a "
				    "port number 1-65535",
				    shown(optarg, buf, 24));
			}
			o->port_given = 1;
			break;
		case 't':
			if (cli_parse_ulong(optarg, 0, 2147483647UL, &v) != 0) {
				return cli_usage(CMD, "--ttl '%s' is not a "
				    "number 0-2147483647",
				    shown(optarg, buf, 24));
			}
			o->ttl = (long)v;
			break;
		case 'u':
			if (cli_parse_ulong(optarg, 0, 3, &v) != 0) {
				return cli_usage(CMD, "--usage '%s' is not "
				    "0-3 (3 DANE-EE, 2 DANE-TA)",
				    shown(optarg, buf, 24));
			}
			o->usage = (int)v;
			break;
		case 's':
			if (cli_parse_ulong(optarg, 0, 1, &v) != 0) {
				return cli_usage(CMD, "--selector '%s' is not "
				    "0 or 1", shown(optarg, buf, 24));
			}
			o->selector = (int)v;
			break;
		case 'm':
			if (cli_parse_ulong(optarg, 0, 2, &v) != 0) {
				return cli_usage(CMD, "--mtype '%s' is not "
				    "0, 1 or 2", shown(optarg, buf, 24));
			}
			o->mtype = (int)v;
			break;
		case 'i':
			if (strcmp(optarg, "root") == 0) {
				o->pick = PICK_ROOT;
			} else if (strcmp(optarg, "intermediate") == 0) {
				o->pick = PICK_INTERMEDIATE;
			} else if (cli_parse_ulong(optarg, 1,
			    TLSA_SRC_CERTS_MAX, &o->depth) == 0) {
				o->pick = PICK_DEPTH;
			} else {
				return cli_usage(CMD, "--issuer '%s' is not "
				    "root, intermediate or a depth 1-%d",
				    shown(optarg, buf, 24), TLSA_SRC_CERTS_MAX);
			}
			break;
		case 'c':
			if (o->chain != NULL) {
				return cli_usage(CMD, "--chain given twice");
			}
			o->chain = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "current+next") == 0) {
				o->rollover = ROLL_NEXT;
			} else if (strcmp(optarg, "current+issuer") == 0) {
				o->rollover = ROLL_ISSUER;
			} else {
				return cli_usage(CMD, "--rollover '%s' is not "
				    "current+next or current+issuer",
				    shown(optarg, buf, 32));
			}
			break;
		case 'n':
			if (o->nnext == FILES_MAX) {
				return cli_usage(CMD, "more than %d "
				    "--next-key", FILES_MAX);
			}
			o->next[o->nnext++] = optarg;
			break;
		case 'l':
			o->list = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			return -1;
		case ':':
			return cli_usage(CMD, "option '%s' needs a value",
			    shown(argv[optind - 1], buf, 32));
		default:
			return cli_usage(CMD, "unknown option '%s'",
			    shown(argv[optind - 1], buf, 32));
		}
	}
	return check_opts(o, argc - optind);
}

/* check_opts - options that conflict or are missing; 0 or EX_USAGE */
static int
check_opts(const struct opts *o, int nfiles)
{
	if (nfiles <= 0) {
		return cli_usage(CMD, "no FILE given");
	}
	if (nfiles > FILES_MAX) {
		return cli_usage(CMD, "more than %d files", FILES_MAX);
	}
	if (o->list) {
		if (o->nhosts > 0 || o->port_given || o->ttl >= 0 ||
		    o->usage >= 0 || o->selector >= 0 || o->mtype >= 0 ||
		    o->pick != PICK_DEFAULT || o->chain != NULL ||
		    o->rollover != ROLL_NONE || o->nnext > 0) {
			return cli_usage(CMD, "--list takes no record "
			    "options (only --json)");
		}
		return 0;
	}
	if ((o->port_given || o->ttl >= 0) && o->nhosts == 0) {
		return cli_usage(CMD, "--port and --ttl need --host");
	}
	if (o->rollover != ROLL_NONE && o->usage >= 0) {
		return cli_usage(CMD, "--rollover sets the usages itself; "
		    "drop --usage");
	}
	if (o->rollover == ROLL_NEXT && o->nnext == 0) {
		return cli_usage(CMD, "--rollover current+next needs "
		    "--next-key KEY");
	}
	if (o->rollover != ROLL_NEXT && o->nnext > 0) {
		return cli_usage(CMD, "--next-key is for --rollover "
		    "current+next");
	}
	if (o->rollover == ROLL_NEXT &&
	    (o->pick != PICK_DEFAULT || o->chain != NULL)) {
		return cli_usage(CMD, "--issuer and --chain are for issuer "
		    "records, not for --rollover current+next");
	}
	if (o->rollover == ROLL_NONE && (o->pick != PICK_DEFAULT ||
	    o->chain != NULL) && o->usage >= 0 &&
	    o->usage != TLSA_USAGE_DANE_TA && o->usage != TLSA_USAGE_PKIX_TA) {
		return cli_usage(CMD, "--issuer and --chain make issuer "
		    "records: they need --usage 2, not %d", o->usage);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/* advise - one advice line, once */
static void
advise(struct run *r, const char *fmt, ...)
{
	char	line[512];
	va_list	ap;
	int	n;

	n = snprintf(line, sizeof(line), "mxdane tlsa: advice: ");
	va_start(ap, fmt);
	(void)vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (r->advice.data != NULL && strstr(r->advice.data, line) != NULL) {
		return;
	}
	/* Advice that does not fit is dropped: it never fails the run. */
	if (mxd_buf_puts(&r->advice, line) == 0) {
		(void)mxd_buf_puts(&r->advice, "\n");
	}
}

/* add_item - make record i of src and keep it, unless already kept */
static int
add_item(struct run *r, const struct tlsa_src *src, size_t i,
    unsigned usage, unsigned selector, unsigned mtype, const char *role)
{
	struct tlsa_cert_info	 ci;
	struct item		*it;
	size_t			 k;
	int			 rc;

	if (r->nitems == ITEMS_MAX) {
		return mxd_err_set(&r->err, MXD_ENOSPC, "too many records");
	}
	it = &r->items[r->nitems];
	memset(it, 0, sizeof(*it));
	rc = tlsa_src_rr(src, i, usage, selector, mtype, &it->rr, &r->err);
	if (rc != 0) {
		return rc;
	}
	for (k = 0; k < r->nitems; k++) {
		if (tlsa_rr_cmp(&r->items[k].rr, &it->rr) == 0) {
			tlsa_rr_clear(&it->rr);
			return 0;	/* same record from another input */
		}
	}
	it->file = tlsa_src_path(src);
	it->kind = tlsa_src_kind_name(tlsa_src_kind(src));
	it->role = role;
	if (tlsa_src_ncerts(src) > 0) {
		rc = tlsa_src_cert_info(src, i, &ci, &r->err);
		if (rc != 0) {
			tlsa_rr_clear(&it->rr);
			return rc;
		}
		(void)snprintf(it->subject, sizeof(it->subject), "%s",
		    ci.subject);
	}
	r->nitems++;
	advise_record(r, it, src, i);
	return 0;
}

/* advise_record - what to say about one record made from src item i */
static void
advise_record(struct run *r, const struct item *it, const struct tlsa_src *src,
    size_t i)
{
	struct tlsa_cert_info	 ci;
	struct tlsa_key_info	 ki;
	char			 f[128];
	int			 ncerts = (int)tlsa_src_ncerts(src);

	(void)shown(it->file, f, sizeof(f));
	if (it->rr.selector == TLSA_SEL_CERT) {
		advise(r, "selector 0 (Cert) changes whenever the certificate "
		    "is reissued, even with the same key; prefer selector 1 "
		    "(SPKI): a CA that reissues its certificate usually keeps "
		    "its key (the Let's Encrypt \"2 0 1\" lesson)");
	}
	if (it->rr.usage == TLSA_USAGE_PKIX_TA ||
	    it->rr.usage == TLSA_USAGE_PKIX_EE) {
		advise(r, "usage %u (%s) is not used by SMTP clients (RFC 7672 "
		    "section 3.1.3): publish usage 3 (DANE-EE) or 2 (DANE-TA)",
		    it->rr.usage, tlsa_usage_name(it->rr.usage));
	}
	if (it->rr.mtype == TLSA_MTYPE_FULL && it->rr.len > FULL_LARGE) {
		advise(r, "matching type 0 (Full) puts %zu octets into DNS "
		    "for %s; prefer 1 (SHA2-256) (RFC 7671 section 10.1.2)",
		    it->rr.len, f);
	}
	if (tlsa_src_key_info(src, i, &ki) == 0 &&
	    (strcmp(ki.alg, "RSA") == 0 || strcmp(ki.alg, "RSA-PSS") == 0) &&
	    ki.bits < 2048) {
		advise(r, "%s: the RSA key has only %d bits; use at least 2048",
		    f, ki.bits);
	}
	if (ncerts == 0) {
		if (tlsa_src_kind(src) == TLSA_SRC_CSR &&
		    (it->rr.usage == TLSA_USAGE_DANE_TA ||
		    it->rr.usage == TLSA_USAGE_PKIX_TA)) {
			advise(r, "%s: usage %u names a CA, but a certificate "
			    "request is for a server (leaf) key; use usage 3",
			    f, it->rr.usage);
		}
		return;
	}
	if (tlsa_src_cert_info(src, i, &ci, NULL) != 0) {
		return;
	}
	if ((it->rr.usage == TLSA_USAGE_DANE_TA ||
	    it->rr.usage == TLSA_USAGE_PKIX_TA) && ci.role == TLSA_ROLE_LEAF) {
		advise(r, "%s: usage %u on the leaf certificate '%.80s': a "
		    "trust-anchor record never matches the server's own "
		    "certificate (RFC 7671 section 5.2); use usage 3, or "
		    "--issuer with the CA chain", f, it->rr.usage, ci.subject);
	}
	/* RFC 7672 §3.1.2: DANE-TA checks the dates; DANE-EE does not. */
	if (it->rr.usage == TLSA_USAGE_DANE_TA &&
	    (ci.expired || ci.not_yet_valid)) {
		advise(r, "%s: the certificate '%.80s' %s %s, and a DANE-TA(2) "
		    "record needs a chain that is valid now (RFC 7672 section "
		    "3.1.2)", f, ci.subject, ci.expired ? "expired on" :
		    "is not valid before", ci.expired ? ci.not_after :
		    ci.not_before);
	}
	if ((it->rr.usage == TLSA_USAGE_DANE_EE ||
	    it->rr.usage == TLSA_USAGE_PKIX_EE) &&
	    (ci.role == TLSA_ROLE_INTERMEDIATE ||
	    (ci.role == TLSA_ROLE_ROOT && ncerts > 1))) {
		advise(r, "%s: usage %u on the CA certificate '%.80s': an "
		    "end-entity record must match the server's own "
		    "certificate; use usage 2 for a CA", f, it->rr.usage,
		    ci.subject);
	}
}

/*
 * pick_issuer - the certificate of chain that an issuer record names, by
 * --issuer; file is the input whose leaf it should issue
 */
static int
pick_issuer(struct run *r, const struct tlsa_src *file,
    const struct tlsa_src *chain, size_t *idx)
{
	struct tlsa_cert_info	 ci, top;
	size_t			 path[TLSA_SRC_CERTS_MAX], n = 0, leaf;
	char			 cf[128], ff[128];
	int			 leafed = 0, rc;

	(void)shown(tlsa_src_path(chain), cf, sizeof(cf));
	(void)shown(tlsa_src_path(file), ff, sizeof(ff));
	leaf = tlsa_src_leaf(file);
	/*
	 * The certificate to be issued: the leaf of FILE, or with a separate
	 * chain whatever certificate FILE holds (maybe a CA below it).
	 */
	if (tlsa_src_ncerts(file) > 0 &&
	    tlsa_src_cert_info(file, leaf, &ci, &r->err) == 0 &&
	    (ci.role == TLSA_ROLE_LEAF || chain != file)) {
		leafed = 1;
		rc = tlsa_src_issuer_path(chain, file, leaf, path,
		    TLSA_SRC_CERTS_MAX, &n);
		if (rc != 0) {
			return mxd_err_set(&r->err, rc, "%s: %s", cf,
			    mxd_strerror(rc));
		}
		if (n == 0) {
			advise(r, "%s does not issue the %s '%.80s' of %s: "
			    "its issuer record will not match that "
			    "certificate", cf, ci.role == TLSA_ROLE_LEAF ?
			    "leaf" : "certificate", ci.subject, ff);
		}
	} else if (chain != file) {
		advise(r, "%s holds no certificate, so mxdane cannot check "
		    "that %s issues it", ff, cf);
	}
	if (n == 0) {
		rc = tlsa_src_issuer_path(chain, NULL, 0, path,
		    TLSA_SRC_CERTS_MAX, &n);
		if (rc != 0 || n == 0) {
			return mxd_err_set(&r->err, MXD_EBADDATA,
			    "%s: holds no CA certificate for an issuer record",
			    cf);
		}
		/* A lone leaf is no CA: the "leaf" advice will say so. */
	}
	rc = tlsa_src_cert_info(chain, path[n - 1], &top, &r->err);
	if (rc != 0) {
		return rc;
	}
	switch (r->o.pick) {
	case PICK_DEFAULT:
		*idx = path[n - 1];
		if (top.role != TLSA_ROLE_ROOT && top.is_ca) {
			advise(r, "%s has no root certificate above '%.80s'; "
			    "the issuer record names that CA, and the server "
			    "must send it in its chain", cf, top.subject);
		}
		return 0;
	case PICK_ROOT:
		if (top.role != TLSA_ROLE_ROOT) {
			return mxd_err_set(&r->err, MXD_EBADDATA,
			    "%s: no root certificate%s (the chain ends at "
			    "'%.80s'); try --issuer intermediate or a depth",
			    cf, leafed ? " issues the leaf" : "",
			    top.subject);
		}
		*idx = path[n - 1];
		return 0;
	case PICK_INTERMEDIATE:
		rc = tlsa_src_cert_info(chain, path[0], &ci, &r->err);
		if (rc != 0) {
			return rc;
		}
		if (ci.role != TLSA_ROLE_INTERMEDIATE) {
			return mxd_err_set(&r->err, MXD_EBADDATA,
			    "%s: no intermediate certificate: '%.80s' is a "
			    "%s; try --issuer root", cf, ci.subject,
			    tlsa_role_name(ci.role));
		}
		*idx = path[0];
		return 0;
	case PICK_DEPTH:
		if (r->o.depth > n) {
			return mxd_err_set(&r->err, MXD_EBADDATA,
			    "%s: no certificate at depth %lu (the chain has "
			    "depths 1-%zu above the leaf)", cf, r->o.depth, n);
		}
		*idx = path[r->o.depth - 1];
		return 0;
	}
	return MXD_EINVAL;
}

/* make_plain - the record(s) of one FILE without --rollover */
static int
make_plain(struct run *r, const struct tlsa_src *f)
{
	const struct tlsa_src	*chain = r->chain != NULL ? r->chain : f;
	struct tlsa_cert_info	 ci;
	unsigned		 u, s, m;
	size_t			 idx, leaf = tlsa_src_leaf(f);
	int			 rc;

	u = r->o.usage >= 0 ? (unsigned)r->o.usage :
	    r->o.pick != PICK_DEFAULT || r->o.chain != NULL ?
	    TLSA_USAGE_DANE_TA : TLSA_USAGE_DANE_EE;
	s = r->o.selector >= 0 ? (unsigned)r->o.selector : TLSA_SEL_SPKI;
	m = r->o.mtype >= 0 ? (unsigned)r->o.mtype : TLSA_MTYPE_SHA256;
	if (u == TLSA_USAGE_DANE_EE || u == TLSA_USAGE_PKIX_EE) {
		return add_item(r, f, leaf, u, s, m, "record");
	}
	/*
	 * A trust-anchor record: from the chain when there is one to look
	 * at; a lone certificate or key is taken as it is (with advice
	 * when it is a leaf).
	 */
	if (chain == f && tlsa_src_ncerts(f) <= 1) {
		if (r->o.pick != PICK_DEFAULT && tlsa_src_ncerts(f) == 1 &&
		    tlsa_src_cert_info(f, 0, &ci, NULL) == 0 &&
		    ci.role == TLSA_ROLE_LEAF) {
			char ff[128];

			return mxd_err_set(&r->err, MXD_EBADDATA,
			    "%s: holds only a leaf certificate, no CA for "
			    "--issuer; give the CA bundle with --chain",
			    shown(tlsa_src_path(f), ff, sizeof(ff)));
		}
		return add_item(r, f, 0, u, s, m, "record");
	}
	rc = pick_issuer(r, f, chain, &idx);
	if (rc != 0) {
		return rc;
	}
	return add_item(r, chain, idx, u, s, m, "record");
}

/* make_records - every record, in output order */
static int
make_records(struct run *r)
{
	const struct tlsa_src	*chain;
	unsigned		 s, m;
	size_t			 i, j, idx;
	char			 a[128], b[128];
	int			 rc;

	s = r->o.selector >= 0 ? (unsigned)r->o.selector : TLSA_SEL_SPKI;
	m = r->o.mtype >= 0 ? (unsigned)r->o.mtype : TLSA_MTYPE_SHA256;
	if (r->o.rollover == ROLL_NONE) {
		for (i = 0; i < r->nfiles; i++) {
			rc = make_plain(r, r->files[i]);
			if (rc != 0) {
				return rc;
			}
		}
		return 0;
	}
	for (i = 0; i < r->nfiles; i++) {
		rc = add_item(r, r->files[i], tlsa_src_leaf(r->files[i]),
		    TLSA_USAGE_DANE_EE, s, m, "current");
		if (rc != 0) {
			return rc;
		}
	}
	if (r->o.rollover == ROLL_NEXT) {
		for (j = 0; j < r->o.nnext; j++) {
			for (i = 0; i < r->nfiles; i++) {
				rc = tlsa_src_same_key(r->nexts[j],
				    tlsa_src_leaf(r->nexts[j]), r->files[i],
				    tlsa_src_leaf(r->files[i]));
				if (rc == 1) {
					return mxd_err_set(&r->err,
					    MXD_EMISMATCH, "--next-key %s has "
					    "the same key as the current %s: "
					    "the next key must be a new key",
					    shown(r->o.next[j], a, sizeof(a)),
					    shown(tlsa_src_path(r->files[i]),
					    b, sizeof(b)));
				}
			}
			rc = add_item(r, r->nexts[j],
			    tlsa_src_leaf(r->nexts[j]), TLSA_USAGE_DANE_EE, s,
			    m, "next");
			if (rc != 0) {
				return rc;
			}
		}
		return 0;
	}
	for (i = 0; i < r->nfiles; i++) {
		chain = r->chain != NULL ? r->chain : r->files[i];
		if (chain == r->files[i] && tlsa_src_ncerts(chain) <= 1) {
			return mxd_err_set(&r->err, MXD_EBADDATA,
			    "%s: holds no CA certificate; give the chain or CA "
			    "bundle with --chain", shown(tlsa_src_path(chain),
			    a, sizeof(a)));
		}
		rc = pick_issuer(r, r->files[i], chain, &idx);
		if (rc != 0) {
			return rc;
		}
		rc = add_item(r, chain, idx, TLSA_USAGE_DANE_TA, s, m,
		    "issuer");
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* emit_json - append one JSON document to the output */
static int
emit_json(struct run *r, json_t *root)
{
	char	*s;
	int	 rc;

	if (root == NULL) {
		return mxd_err_set(&r->err, MXD_ENOMEM, "out of memory");
	}
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL) {
		return mxd_err_set(&r->err, MXD_ENOMEM, "out of memory");
	}
	rc = mxd_buf_puts(&r->out, s);
	free(s);
	if (rc == 0) {
		rc = mxd_buf_puts(&r->out, "\n");
	}
	if (rc != 0) {
		return mxd_err_set(&r->err, rc, "output: %s",
		    mxd_strerror(rc));
	}
	return 0;
}

/* finish_json - print the JSON array (if any) unless an error came first */
static int
finish_json(struct run *r, json_t *arr, int rc)
{
	if (arr == NULL) {
		return rc;
	}
	if (rc != 0) {
		json_decref(arr);
		return rc;
	}
	return emit_json(r, arr);
}

/* render_records - zone-file lines or RDATA, or JSON, per host */
static int
render_records(struct run *r)
{
	const struct item	*it;
	json_t			*arr = NULL, *obj;
	char			*rdata, owner[MXD_DNAME_MAX + 32];
	size_t			 h, i, nh;
	int			 rc = 0;

	if (r->o.json) {
		arr = json_array();
		if (arr == NULL) {
			return mxd_err_set(&r->err, MXD_ENOMEM,
			    "out of memory");
		}
	}
	nh = r->o.nhosts > 0 ? r->o.nhosts : 1;
	for (h = 0; h < nh && rc == 0; h++) {
		if (r->o.nhosts > 0) {
			(void)snprintf(owner, sizeof(owner), "_%lu._tcp.%s.",
			    r->o.port, r->o.hosts[h]);
		}
		for (i = 0; i < r->nitems && rc == 0; i++) {
			it = &r->items[i];
			rdata = tlsa_rr_format(&it->rr);
			if (rdata == NULL) {
				rc = mxd_err_set(&r->err, MXD_ENOMEM,
				    "out of memory");
				break;
			}
			if (arr != NULL) {
				obj = json_pack("{s:o,s:o,s:o,s:o,s:i,s:i,"
				    "s:i,s:s%,s:s,s:s,s:s,s:s,s:o}",
				    "host", r->o.nhosts > 0 ?
				    json_string(r->o.hosts[h]) : json_null(),
				    "owner", r->o.nhosts > 0 ?
				    json_string(owner) : json_null(),
				    "port", r->o.nhosts > 0 ?
				    json_integer((json_int_t)r->o.port) :
				    json_null(),
				    "ttl", r->o.ttl >= 0 ?
				    json_integer(r->o.ttl) : json_null(),
				    "usage", it->rr.usage,
				    "selector", it->rr.selector,
				    "mtype", it->rr.mtype,
				    "data", rdata + strlen(rdata) -
				    2 * it->rr.len, 2 * it->rr.len,
				    "rdata", rdata,
				    "role", it->role,
				    "file", it->file,
				    "kind", it->kind,
				    "subject", it->subject[0] != '\0' ?
				    json_string(it->subject) : json_null());
				if (obj == NULL ||
				    json_array_append_new(arr, obj) != 0) {
					rc = mxd_err_set(&r->err, MXD_EBADDATA,
					    "cannot write JSON for %s (is "
					    "the file name UTF-8?)", it->file);
				}
			} else if (r->o.nhosts == 0) {
				rc = mxd_buf_printf(&r->out, "%s\n", rdata);
			} else if (r->o.ttl >= 0) {
				rc = mxd_buf_printf(&r->out,
				    "%s %ld IN TLSA %s\n", owner, r->o.ttl,
				    rdata);
			} else {
				rc = mxd_buf_printf(&r->out,
				    "%s IN TLSA %s\n", owner, rdata);
			}
			mxd_free(rdata);
			if (rc != 0 && r->err.code == 0) {
				rc = mxd_err_set(&r->err, rc, "output: %s",
				    mxd_strerror(rc));
			}
		}
	}
	return finish_json(r, arr, rc);
}

/* issued_by - index of the certificate of f that issues certificate i */
static int
issued_by(const struct tlsa_src *f, size_t i, long *by)
{
	size_t	path[1], n = 0;
	int	rc;

	*by = -1;
	rc = tlsa_src_issuer_path(f, f, i, path, 1, &n);
	if (rc == 0 && n == 1) {
		*by = (long)path[0];
	}
	return rc;
}

/* list_json - the certificates or the key of one file, as JSON objects */
static int
list_json(struct run *r, json_t *arr, const struct tlsa_src *f)
{
	struct tlsa_cert_info	 ci;
	struct tlsa_key_info	 ki;
	struct tlsa_rr		 rr;
	char			 hex[65];
	json_t			*obj;
	size_t			 i, n = tlsa_src_ncerts(f);
	long			 by;
	int			 rc;

	if (n == 0) {
		rc = tlsa_src_rr(f, 0, TLSA_USAGE_DANE_EE, TLSA_SEL_SPKI,
		    TLSA_MTYPE_SHA256, &rr, &r->err);
		if (rc != 0) {
			return rc;
		}
		mxd_hex_encode(rr.data, rr.len, hex);
		tlsa_rr_clear(&rr);
		(void)tlsa_src_key_info(f, 0, &ki);
		obj = json_pack("{s:s,s:n,s:s,s:n,s:n,s:n,s:n,s:n,s:s,s:s,"
		    "s:i,s:n,s:n,s:s,s:n}", "file", tlsa_src_path(f), "index",
		    "kind", tlsa_src_kind_name(tlsa_src_kind(f)), "role",
		    "subject", "issuer", "issued_by", "ca", "key", ki.desc,
		    "key_alg", ki.alg, "key_bits", ki.bits, "not_before",
		    "not_after", "spki_sha256", hex, "expired");
		if (obj == NULL || json_array_append_new(arr, obj) != 0) {
			return mxd_err_set(&r->err, MXD_ENOMEM,
			    "cannot build JSON");
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		rc = tlsa_src_cert_info(f, i, &ci, &r->err);
		if (rc == 0) {
			rc = issued_by(f, i, &by);
		}
		if (rc != 0) {
			return rc;
		}
		obj = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:o,s:b,s:s,s:s,"
		    "s:i,s:s,s:s,s:s,s:b}", "file", tlsa_src_path(f),
		    "index", (int)i, "kind", "certificate",
		    "role", tlsa_role_name(ci.role), "subject", ci.subject,
		    "issuer", ci.issuer, "issued_by", by >= 0 ?
		    json_integer(by) : json_null(), "ca", ci.is_ca,
		    "key", ci.key.desc, "key_alg", ci.key.alg,
		    "key_bits", ci.key.bits, "not_before", ci.not_before,
		    "not_after", ci.not_after, "spki_sha256", ci.spki_sha256,
		    "expired", ci.expired);
		if (obj == NULL || json_array_append_new(arr, obj) != 0) {
			return mxd_err_set(&r->err, MXD_ENOMEM,
			    "cannot build JSON");
		}
	}
	return 0;
}

/* list_text - the certificates or the key of one file, for people */
static int
list_text(struct run *r, const struct tlsa_src *f)
{
	struct tlsa_cert_info	 ci;
	struct tlsa_key_info	 ki;
	struct tlsa_rr		 rr;
	struct mxd_buf		*o = &r->out;
	char			 hex[65], by_s[32], ff[256];
	size_t			 i, n = tlsa_src_ncerts(f);
	long			 by;
	int			 rc = 0;

	(void)shown(tlsa_src_path(f), ff, sizeof(ff));
	if (n == 0) {
		rc = tlsa_src_rr(f, 0, TLSA_USAGE_DANE_EE, TLSA_SEL_SPKI,
		    TLSA_MTYPE_SHA256, &rr, &r->err);
		if (rc != 0) {
			return rc;
		}
		mxd_hex_encode(rr.data, rr.len, hex);
		tlsa_rr_clear(&rr);
		(void)tlsa_src_key_info(f, 0, &ki);
		rc = mxd_buf_printf(o, "%s: %s\n  key:        %s\n"
		    "  3 1 1      %s\n", ff,
		    tlsa_src_kind_name(tlsa_src_kind(f)), ki.desc, hex);
		goto done;
	}
	rc = mxd_buf_printf(o, "%s: %s, %zu certificate%s\n", ff,
	    tlsa_src_kind_name(tlsa_src_kind(f)), n, n == 1 ? "" : "s");
	for (i = 0; i < n && rc == 0; i++) {
		rc = tlsa_src_cert_info(f, i, &ci, &r->err);
		if (rc == 0) {
			rc = issued_by(f, i, &by);
		}
		if (rc != 0) {
			return rc;
		}
		if (by >= 0) {
			(void)snprintf(by_s, sizeof(by_s), "[%ld]", by);
		} else {
			(void)snprintf(by_s, sizeof(by_s), "%s",
			    ci.role == TLSA_ROLE_ROOT ? "itself" :
			    "not in this file");
		}
		rc = mxd_buf_printf(o, "[%zu] %s\n"
		    "  subject:    %s\n"
		    "  issuer:     %s\n"
		    "  issued by:  %s\n"
		    "  key:        %s\n"
		    "  valid:      %s to %s%s\n"
		    "  %s      %s\n",
		    i, tlsa_role_name(ci.role), ci.subject, ci.issuer, by_s,
		    ci.key.desc, ci.not_before, ci.not_after,
		    ci.expired ? " (expired)" : ci.not_yet_valid ?
		    " (not yet valid)" : "",
		    ci.role == TLSA_ROLE_LEAF ? "3 1 1" : "2 1 1",
		    ci.spki_sha256);
	}
done:
	if (rc != 0 && r->err.code == 0) {
		rc = mxd_err_set(&r->err, rc, "output: %s", mxd_strerror(rc));
	}
	return rc;
}

/* render_list - --list of every FILE */
static int
render_list(struct run *r)
{
	json_t	*arr = NULL;
	size_t	 i;
	int	 rc = 0;

	if (r->o.json) {
		arr = json_array();
		if (arr == NULL) {
			return mxd_err_set(&r->err, MXD_ENOMEM,
			    "out of memory");
		}
	}
	for (i = 0; i < r->nfiles && rc == 0; i++) {
		if (arr != NULL) {
			rc = list_json(r, arr, r->files[i]);
		} else {
			if (i > 0) {
				rc = mxd_buf_puts(&r->out, "\n");
			}
			if (rc == 0) {
				rc = list_text(r, r->files[i]);
			}
		}
	}
	return finish_json(r, arr, rc);
}

/* ------------------------------------------------------------------ */
/* The command                                                         */
/* ------------------------------------------------------------------ */

/* fail - the one error line and the exit status for a library error */
static int
fail(struct run *r, int rc)
{
	(void)fprintf(stderr, "mxdane tlsa: %s\n", r->err.msg[0] != '\0' ?
	    r->err.msg : mxd_strerror(rc));
	return cli_exit_status(rc);
}

/* run_free - release everything a run holds */
static void
run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		tlsa_src_free(r->files[i]);
	}
	for (i = 0; i < r->o.nnext; i++) {
		tlsa_src_free(r->nexts[i]);
	}
	tlsa_src_free(r->chain);
	for (i = 0; i < r->nitems; i++) {
		tlsa_rr_clear(&r->items[i].rr);
	}
	mxd_buf_free(&r->out);
	mxd_buf_free(&r->advice);
	mxd_free(r);
}

/* cmd_tlsa - mxdane tlsa [OPTIONS] FILE... */
int
cmd_tlsa(int argc, char **argv)
{
	struct run	*r;
	char		 cf[128];
	int		 rc, i, status;

	r = mxd_calloc(1, sizeof(*r));
	if (r == NULL) {
		cli_err("out of memory");
		return EX_OSERR;
	}
	mxd_buf_init(&r->out, OUT_MAX);
	mxd_buf_init(&r->advice, ADVICE_MAX);
	rc = parse_args(&r->o, argc, argv);
	if (rc != 0) {
		status = rc;
		if (rc < 0) {
			(void)fputs(help_tlsa, stdout);
			status = 0;
		}
		run_free(r);
		return status;
	}
	for (i = optind; i < argc; i++) {
		rc = tlsa_src_load(argv[i], &r->files[r->nfiles], &r->err);
		if (rc != 0) {
			goto out;
		}
		r->nfiles++;
	}
	if (r->o.list) {
		rc = render_list(r);
		goto out;
	}
	for (i = 0; i < (int)r->o.nnext; i++) {
		rc = tlsa_src_load(r->o.next[i], &r->nexts[i], &r->err);
		if (rc != 0) {
			goto out;
		}
	}
	if (r->o.chain != NULL) {
		rc = tlsa_src_load(r->o.chain, &r->chain, &r->err);
		if (rc != 0) {
			goto out;
		}
		if (tlsa_src_ncerts(r->chain) == 0) {
			rc = mxd_err_set(&r->err, MXD_EBADDATA,
			    "--chain %s: holds a %s, not certificates",
			    shown(r->o.chain, cf, sizeof(cf)),
			    tlsa_src_kind_name(tlsa_src_kind(r->chain)));
			goto out;
		}
	}
	rc = make_records(r);
	if (rc == 0) {
		rc = render_records(r);
	}
out:
	if (rc != 0) {
		status = fail(r, rc);
		run_free(r);
		return status;
	}
	(void)fwrite(r->out.data != NULL ? r->out.data : "", 1, r->out.len,
	    stdout);
	if (r->advice.len > 0) {
		(void)fwrite(r->advice.data, 1, r->advice.len, stderr);
	}
	status = fflush(stdout) == 0 ? 0 : EX_IOERR;
	run_free(r);
	return status;
}
