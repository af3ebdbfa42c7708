/*
 * dnsq - one classified lookup through dns/ (the resolver mxdane uses),
 * for the lab tests:
 *
 *   dnsq [-r HINTS | -h HINTS] [-t MS] TA RESOLVER QNAME QTYPE
 *
 * -r resolves from the root with HINTS instead of forwarding to
 * RESOLVER ("-" for resolv.conf); -h forwards, and gives the HINTS for
 * the fall-back to recursion. Prints "start CODE NOTE" after the
 * self-test, then one line:
 *   QNAME QTYPE SEC rcode=N havedata=N nxdomain=N nrr=N canon=NAME
 *   chain=OWNER>TARGET,... why=REASON
 * Exit 0 when an answer was printed, 3 when the self-test failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/mxd.h"
#include "dns/dns.h"

struct state {
	struct event_base	*base;
	struct dns_ctx		*dc;
	const char		*qname;
	int			 qtype;
	int			 status;
};

/* on_answer - print the classified answer */
static void
on_answer(void *arg, const struct dns_answer *a)
{
	struct state	*st = arg;
	size_t		 i;

	(void)printf("%s %d %s rcode=%d havedata=%d nxdomain=%d nrr=%zu "
	    "canon=%s chain=", a->qname, a->qtype, dns_sec_str(a->sec),
	    a->rcode, a->havedata, a->nxdomain, a->nrr,
	    a->canonname[0] != '\0' ? a->canonname : "-");
	for (i = 0; i < a->nchain; i++) {
		(void)printf("%s%s>%s", i > 0 ? "," : "", a->chain[i].owner,
		    a->chain[i].target);
	}
	(void)printf("%s why=%s\n", a->nchain == 0 ? "-" : "",
	    a->why[0] != '\0' ? a->why : "-");
	st->status = 0;
	(void)event_base_loopbreak(st->base);
}

/* on_start - the self-test is done: ask the question */
static void
on_start(void *arg, int code, const struct mxd_err *err)
{
	struct state *st = arg;

	(void)printf("start %d %s\n", code, code != 0 ? err->msg :
	    dns_ctx_note(st->dc));
	if (code != 0 || dns_query(st->dc, st->qname, st->qtype, on_answer,
	    st, NULL) != 0) {
		st->status = 3;
		(void)event_base_loopbreak(st->base);
	}
}

int
main(int argc, char **argv)
{
	struct state	st;
	struct dns_opts	o;
	struct mxd_err	err;
	char		*end;
	int		 ch;

	memset(&st, 0, sizeof(st));
	memset(&o, 0, sizeof(o));
	st.status = 3;
	while ((ch = getopt(argc, argv, "h:r:t:")) != -1) {
		switch (ch) {
		case 'h':
			o.root_hints = optarg;
			break;
		case 'r':
			o.recursive = 1;
			o.root_hints = optarg;
			break;
		case 't':
			o.timeout_ms = (unsigned)strtoul(optarg, &end, 10);
			break;
		default:
			return 64;
		}
	}
	if (argc - optind != 4) {
		(void)fputs("usage: dnsq [-r HINTS] [-t MS] TA RESOLVER QNAME "
		    "QTYPE\n", stderr);
		return 64;
	}
	o.trust_anchor = argv[optind];
	if (!o.recursive && strcmp(argv[optind + 1], "-") != 0) {
		o.resolver = argv[optind + 1];
	}
	st.qname = argv[optind + 2];
	st.qtype = (int)strtoul(argv[optind + 3], &end, 10);
	st.base = event_base_new();
	if (st.base == NULL ||
	    dns_ctx_new(st.base, &o, &st.dc, &err) != 0) {
		(void)printf("start %d %s\n", err.code, err.msg);
		return 3;
	}
	if (dns_ctx_start(st.dc, on_start, &st) == 0) {
		(void)event_base_dispatch(st.base);
	}
	dns_ctx_free(st.dc);
	event_base_free(st.base);
	return st.status;
}
