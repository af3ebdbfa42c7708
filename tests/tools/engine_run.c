/*
 * engine_run - drive the check engine with chosen limits, for tests:
 *
 *   engine_run TA RESOLVER MAXQ MAXP MAXD DOMAIN...
 *
 * prints one line per domain, sorted by the caller if needed:
 *   DOMAIN DANE MXSEC host/base/tlsa_state/addr=verdict...
 * so that runs with different limits (1 1 1 against 0 0 0) can be
 * compared: queueing must not change any result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "common/mxd.h"
#include "engine/engine.h"
#include "report/model.h"

static unsigned long	ndone;

/* on_domain - print one line and free the report */
static void
on_domain(void *arg, struct report_domain *d)
{
	size_t i, j;

	(void)arg;
	ndone++;
	(void)printf("%s %s %s", d->domain, report_dane_str(d->dane),
	    report_sec_str(d->mx_sec));
	for (i = 0; i < d->nmx; i++) {
		const struct report_mx *mx = &d->mx[i];

		(void)printf(" %s/%s/%d", mx->host, mx->base_domain[0] != '\0' ?
		    mx->base_domain : "-", (int)mx->tlsa_state);
		for (j = 0; j < mx->naddrs; j++) {
			(void)printf("/%s=%s", mx->addrs[j].address,
			    report_addr_dane_str(mx->addrs[j].dane));
		}
	}
	(void)printf("\n");
	report_domain_free(d);
}

/* num - a small decimal argument */
static unsigned
num(const char *s)
{
	char		*end;
	unsigned long	 v = strtoul(s, &end, 10);

	if (*end != '\0' || v > 100000) {
		(void)fprintf(stderr, "engine_run: bad number %s\n", s);
		exit(64);
	}
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct engine		*e;
	struct engine_opts	 o;
	struct mxd_err		 err;
	int			 i, rc;

	if (argc < 7) {
		(void)fputs("usage: engine_run TA RESOLVER MAXQ MAXP MAXD "
		    "DOMAIN...\n", stderr);
		return 64;
	}
	memset(&o, 0, sizeof(o));
	o.trust_anchor = argv[1];
	o.resolver = argv[2];
	o.max_queries = num(argv[3]);
	o.max_probes = num(argv[4]);
	o.max_domains = num(argv[5]);
	o.timeout_ms = 5000;
	base = event_base_new();
	if (base == NULL || engine_new(base, &o, &e, &err) != 0) {
		(void)fprintf(stderr, "engine_run: %s\n", err.msg);
		return 3;
	}
	for (i = 6; i < argc; i++) {
		if (engine_add_domain(e, argv[i], &err) != 0) {
			(void)fprintf(stderr, "engine_run: %s\n", err.msg);
			return 65;
		}
	}
	rc = engine_run(e, on_domain, NULL, &err);
	if (rc != 0) {
		(void)fprintf(stderr, "engine_run: %s\n", err.msg);
	}
	engine_free(e);
	event_base_free(base);
	(void)fprintf(stderr, "engine_run: %lu domains\n", ndone);
	return rc == 0 ? 0 : 3;
}
