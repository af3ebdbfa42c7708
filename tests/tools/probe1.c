/*
 * probe1.c - run one SMTP probe (smtp/probe.h) and print its report_addr
 * as "key value" lines, for the shell tests and for a quick look by hand.
 *
 *   probe1 [--mode dane|encrypt|opportunistic] [--legacy] [--tls 1.0..1.3]
 *          [--key rsa|ecdsa] [--timeout MS] [--total MS] [--name ID]...
 *          [--helo NAME] [--count N] [-v] ADDR PORT SNI ["U S M HEX"]...
 *
 * The mode defaults to dane when records are given, else opportunistic.
 * SNI "-" sends none. -v traces the session on stderr. --count N runs N
 * identical probes at once on one loop, prints the first report and a
 * line "probes N pass P fail F unusable U none O ms T". The line "on_tls
 * N VERSION chain C VERDICT" says how often the handshake callback ran
 * (once per probe that got TLS) and what it was given. Exit status 0 when
 * the probe ran (whatever its verdict), 64 usage, 70 it could not start.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <event2/event.h>

#include "common/mxd.h"
#include "report/model.h"
#include "smtp/probe.h"
#include "tlsa/tlsa.h"

#define MAX_NAMES	8

static void	done(void *, struct report_addr *);
static void	trace(void *, const char *);
static void	on_tls(void *, const struct report_addr *);
static void	print_time(size_t, const char *, time_t);
static int	num(const char *, unsigned long, unsigned long,
		    unsigned long *);

static unsigned long	finished;
static unsigned long	verdicts[4];	/* by enum report_addr_dane */
static unsigned long	tls_calls;	/* on_tls() before done() */
static char		tls_seen[64];	/* what on_tls() was given */

/* done - the probe called back */
static void
done(void *arg, struct report_addr *a)
{
	size_t i;

	(void)arg;
	verdicts[a->dane]++;
	if (finished++ > 0) {
		return;		/* --count: only the first is printed */
	}
	(void)printf("address %s\n", a->address);
	(void)printf("connected %d\n", a->connected);
	(void)printf("starttls %d\n", a->starttls);
	(void)printf("tls %d\n", a->tls);
	(void)printf("banner %s\n", a->banner);
	(void)printf("tls_version %s\n", a->tls_version);
	(void)printf("cipher %s\n", a->cipher);
	(void)printf("dane %s\n", report_addr_dane_str(a->dane));
	(void)printf("matched %s\n", a->matched);
	(void)printf("depth %d\n", a->depth);
	(void)printf("verify_error %d\n", a->verify_error);
	(void)printf("error %s\n", a->error);
	(void)printf("chain %zu\n", a->nchain);
	for (i = 0; i < a->nchain; i++) {
		const struct report_cert *c = &a->chain[i];

		(void)printf("cert %zu subject %s\n", i, c->subject);
		(void)printf("cert %zu issuer %s\n", i, c->issuer);
		(void)printf("cert %zu key %s %d\n", i, c->key_alg,
		    c->key_bits);
		print_time(i, "not_before", c->not_before);
		print_time(i, "not_after", c->not_after);
		(void)printf("cert %zu spki_sha256 %s\n", i, c->spki_sha256);
		(void)printf("cert %zu cert_sha256 %s\n", i, c->cert_sha256);
	}
	(void)printf("ms_connect %u\nms_tls %u\nms_total %u\n", a->ms_connect,
	    a->ms_tls, a->ms_total);
	(void)printf("on_tls %lu%s%s\n", tls_calls,
	    tls_seen[0] != '\0' ? " " : "", tls_seen);
}

/* on_tls - the handshake is done: count it, and keep what it showed */
static void
on_tls(void *arg, const struct report_addr *a)
{
	(void)arg;
	if (tls_calls++ == 0 && finished == 0) {
		(void)snprintf(tls_seen, sizeof(tls_seen), "%s chain %zu %s",
		    a->tls_version, a->nchain, report_addr_dane_str(a->dane));
	}
}

/* print_time - one date line in UTC */
static void
print_time(size_t i, const char *what, time_t t)
{
	struct tm	tm;
	char		buf[32];

	(void)gmtime_r(&t, &tm);
	(void)strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	(void)printf("cert %zu %s %s\n", i, what, buf);
}

/* trace - the session, on stderr */
static void
trace(void *arg, const char *line)
{
	(void)arg;
	(void)fprintf(stderr, "probe1: %s\n", line);
}

/* num - a decimal in [lo, hi] */
static int
num(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *out >= lo &&
	    *out <= hi ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "legacy", no_argument, NULL, 'l' },
		{ "tls", required_argument, NULL, 't' },
		{ "key", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "total", required_argument, NULL, 'A' },
		{ "name", required_argument, NULL, 'n' },
		{ "helo", required_argument, NULL, 'H' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct smtp_probe_params p;
	struct report_addr	*out;
	struct timespec		 t0, t1;
	unsigned long		 count = 1, k;
	struct event_base	*base;
	struct tlsa_rr		*tlsa = NULL;
	struct mxd_err		 err;
	const char		*names[MAX_NAMES];
	int			 ch, mode = -1, rc, i, ntlsa = 0;
	unsigned long		 v;

	memset(&p, 0, sizeof(p));
	(void)signal(SIGPIPE, SIG_IGN);	/* smtp/probe.h asks for it */
	while ((ch = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			if (strcmp(optarg, "dane") == 0) {
				mode = SMTP_PROBE_DANE;
			} else if (strcmp(optarg, "encrypt") == 0) {
				mode = SMTP_PROBE_ENCRYPT;
			} else if (strcmp(optarg, "opportunistic") == 0) {
				mode = SMTP_PROBE_OPPORTUNISTIC;
			} else {
				return EX_USAGE;
			}
			break;
		case 'l':
			p.legacy_tls = 1;
			break;
		case 't':
			if (strcmp(optarg, "1.0") == 0) {
				p.tls_version = 0x0301;
			} else if (strcmp(optarg, "1.1") == 0) {
				p.tls_version = 0x0302;
			} else if (strcmp(optarg, "1.2") == 0) {
				p.tls_version = 0x0303;
			} else if (strcmp(optarg, "1.3") == 0) {
				p.tls_version = 0x0304;
			} else {
				return EX_USAGE;
			}
			break;
		case 'k':
			if (strcmp(optarg, "rsa") == 0) {
				p.key_alg = SMTP_PROBE_KEY_RSA;
			} else if (strcmp(optarg, "ecdsa") == 0) {
				p.key_alg = SMTP_PROBE_KEY_ECDSA;
			} else {
				return EX_USAGE;
			}
			break;
		case 'T':
		case 'A':
			if (num(optarg, 1, 600000, &v) != 0) {
				return EX_USAGE;
			}
			if (ch == 'T') {
				p.timeout_ms = (unsigned)v;
			} else {
				p.total_ms = (unsigned)v;
			}
			break;
		case 'n':
			if (p.nnames == MAX_NAMES) {
				return EX_USAGE;
			}
			names[p.nnames++] = optarg;
			break;
		case 'H':
			p.helo = optarg;
			break;
		case 'c':
			if (num(optarg, 1, 10000, &count) != 0) {
				return EX_USAGE;
			}
			break;
		case 'v':
			p.trace = trace;
			break;
		default:
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || num(argv[1], 1, 65535, &v) != 0) {
		(void)fprintf(stderr, "usage: probe1 [options] ADDR PORT SNI "
		    "[\"U S M HEX\"]...\n");
		return EX_USAGE;
	}
	p.address = argv[0];
	p.port = (unsigned)v;
	p.sni = strcmp(argv[2], "-") == 0 ? NULL : argv[2];
	p.names = names;
	if (argc > 3) {
		tlsa = calloc((size_t)(argc - 3), sizeof(*tlsa));
		if (tlsa == NULL) {
			return EX_OSERR;
		}
	}
	for (i = 3; i < argc; i++) {
		if (tlsa_rr_parse(argv[i], &tlsa[ntlsa], &err) != 0) {
			(void)fprintf(stderr, "probe1: %s: %s\n", argv[i],
			    err.msg);
			return EX_USAGE;
		}
		ntlsa++;
	}
	p.tlsa = tlsa;
	p.ntlsa = (size_t)ntlsa;
	p.on_tls = on_tls;
	p.mode = mode >= 0 ? (enum smtp_probe_mode)mode : ntlsa > 0 ?
	    SMTP_PROBE_DANE : SMTP_PROBE_OPPORTUNISTIC;

	base = event_base_new();
	if (base == NULL) {
		return EX_SOFTWARE;
	}
	out = calloc(count, sizeof(*out));
	if (out == NULL) {
		event_base_free(base);
		return EX_OSERR;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = 0;
	for (k = 0; k < count && rc == 0; k++) {
		rc = smtp_probe_start(base, &p, &out[k], done, NULL, NULL);
	}
	if (rc != 0) {
		(void)fprintf(stderr, "probe1: %s\n", mxd_strerror(rc));
	}
	(void)event_base_dispatch(base);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	if (count > 1) {
		(void)printf("probes %lu pass %lu fail %lu unusable %lu none "
		    "%lu ms %ld\n", finished, verdicts[REPORT_ADDR_PASS],
		    verdicts[REPORT_ADDR_FAIL], verdicts[REPORT_ADDR_UNUSABLE],
		    verdicts[REPORT_ADDR_NONE],
		    (long)((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000));
	}
	event_base_free(base);
	smtp_probe_cleanup();
	for (i = 0; i < ntlsa; i++) {
		tlsa_rr_clear(&tlsa[i]);
	}
	free(tlsa);
	for (k = 0; k < count; k++) {
		mxd_free(out[k].chain);
	}
	free(out);
	return rc == 0 && finished == count ? 0 : EX_SOFTWARE;
}
