/*
 * test_smtp_probe.c - the probe's contract without a mail server: bad
 * parameters, the callback never from within smtp_probe_start(), step and
 * total timeouts against a socket that accepts but never speaks, refused
 * connections, cancel, many probes on one loop, and allocation failure.
 * The SMTP/TLS/DANE paths are in tests/cli/probe.sh against labsmtpd.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "common/mxd.h"
#include "report/model.h"
#include "smtp/probe.h"

#define NPROBES	40

struct fixture {
	struct event_base	*base;
	int			 lfd;		/* listens, never accepts */
	unsigned		 port;
	int			 calls;
};

/* on_done - count callbacks */
static void
on_done(void *arg, struct report_addr *a)
{
	struct fixture *f = arg;

	(void)a;
	f->calls++;
}

/* setup - a loop and a silent listener on 127.0.0.1 */
static int
setup(void **state)
{
	struct fixture		*f = calloc(1, sizeof(*f));
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	if (f == NULL) {
		return -1;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	f->base = event_base_new();
	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (f->base == NULL || f->lfd < 0 ||
	    bind(f->lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(f->lfd, 128) != 0 ||
	    getsockname(f->lfd, (struct sockaddr *)&sin, &len) != 0) {
		return -1;
	}
	f->port = ntohs(sin.sin_port);
	*state = f;
	return 0;
}

/* teardown - close and free */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	(void)close(f->lfd);
	event_base_free(f->base);
	smtp_probe_cleanup();
	free(f);
	return 0;
}

/* params - a probe of the silent listener */
static struct smtp_probe_params
params(const struct fixture *f)
{
	struct smtp_probe_params p;

	memset(&p, 0, sizeof(p));
	p.address = "127.0.0.1";
	p.port = f->port;
	p.helo = "client.test";
	p.timeout_ms = 200;
	return p;
}

static void
test_probe_rejects_bad_parameters(void **state)
{
	struct fixture		*f = *state;
	struct smtp_probe_params p = params(f);
	struct report_addr	 out;
	struct smtp_probe	*h = (struct smtp_probe *)&out;

	p.address = "mx.example.test";
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f, &h),
	    MXD_EINVAL);
	assert_null(h);
	p = params(f);
	p.mode = SMTP_PROBE_DANE;		/* no SNI */
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), MXD_EINVAL);
	p = params(f);
	p.tls_version = 0x0200;			/* SSL 2 */
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), MXD_EINVAL);
	p = params(f);
	p.port = 70000;
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), MXD_EINVAL);
	p = params(f);
	assert_int_equal(smtp_probe_start(f->base, &p, &out, NULL, f, NULL),
	    MXD_EINVAL);
	p = params(f);
	p.helo = "client.test\r\nMAIL FROM:<>";	/* command injection */
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), MXD_EINVAL);
	p.helo = "";
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), MXD_EINVAL);
	p = params(f);
	p.address = "127.0.0.1 ";
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), MXD_EINVAL);
	assert_int_equal(f->calls, 0);
}

static void
test_probe_step_timeout_waiting_for_banner(void **state)
{
	struct fixture		*f = *state;
	struct smtp_probe_params p = params(f);
	struct report_addr	 out;
	struct timespec		 t0, t1;
	long			 ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), 0);
	/* Never from within start. */
	assert_int_equal(f->calls, 0);
	assert_int_equal(event_base_dispatch(f->base), 1);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	assert_int_equal(f->calls, 1);
	assert_int_equal(out.connected, 1);
	assert_string_equal(out.error, "timeout waiting for banner after "
	    "0.200 s");
	assert_int_equal(out.dane, REPORT_ADDR_NONE);
	assert_string_equal(out.address, "127.0.0.1");
	assert_int_equal(out.depth, -1);
	assert_true(ms >= 190 && ms < 2000);
}

static void
test_probe_address_may_live_in_its_report(void **state)
{
	struct fixture		*f = *state;
	struct smtp_probe_params p = params(f);
	struct report_addr	 out;

	memset(&out, 0, sizeof(out));
	(void)snprintf(out.address, sizeof(out.address), "127.0.0.1");
	p.address = out.address;
	p.timeout_ms = 50;
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), 0);
	assert_int_equal(event_base_dispatch(f->base), 1);
	assert_string_equal(out.address, "127.0.0.1");
	assert_int_equal(out.connected, 1);
}

static void
test_probe_total_timeout_bounds_the_probe(void **state)
{
	struct fixture		*f = *state;
	struct smtp_probe_params p = params(f);
	struct report_addr	 out;

	p.timeout_ms = 5000;
	p.total_ms = 150;
	p.mode = SMTP_PROBE_ENCRYPT;
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), 0);
	assert_int_equal(event_base_dispatch(f->base), 1);
	assert_int_equal(f->calls, 1);
	assert_string_equal(out.error, "timeout: probe took more than 0.150 s "
	    "in total (waiting for banner)");
	/* TLS was required and never came. */
	assert_int_equal(out.dane, REPORT_ADDR_FAIL);
}

static void
test_probe_connection_refused(void **state)
{
	struct fixture		*f = *state;
	struct smtp_probe_params p = params(f);
	struct report_addr	 out;
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd;

	/* A port that was just free: bind, learn it, close. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	(void)close(fd);
	p.port = ntohs(sin.sin_port);
	p.mode = SMTP_PROBE_DANE;
	p.sni = "mx.test";
	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f,
	    NULL), 0);
	assert_int_equal(f->calls, 0);
	assert_int_equal(event_base_dispatch(f->base), 1);
	assert_int_equal(f->calls, 1);
	assert_int_equal(out.connected, 0);
	assert_string_equal(out.error, "connect: connection refused");
	assert_int_equal(out.dane, REPORT_ADDR_FAIL);
}

static void
test_probe_cancel_never_calls_back(void **state)
{
	struct fixture		*f = *state;
	struct smtp_probe_params p = params(f);
	struct report_addr	 out;
	struct smtp_probe	*h = NULL;
	struct timeval		 tv = { 0, 50000 };

	assert_int_equal(smtp_probe_start(f->base, &p, &out, on_done, f, &h),
	    0);
	assert_non_null(h);
	(void)event_base_loopexit(f->base, &tv);
	assert_int_equal(event_base_dispatch(f->base), 0);
	smtp_probe_cancel(h);
	smtp_probe_cancel(NULL);
	/* Nothing is left on the loop: it returns at once (1). */
	assert_int_equal(event_base_dispatch(f->base), 1);
	assert_int_equal(f->calls, 0);
}

static void
test_probe_many_on_one_loop(void **state)
{
	struct fixture		*f = *state;
	struct smtp_probe_params p = params(f);
	struct report_addr	*out;
	struct timespec		 t0, t1;
	long			 ms;
	int			 i;

	out = calloc(NPROBES, sizeof(*out));
	assert_non_null(out);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < NPROBES; i++) {
		assert_int_equal(smtp_probe_start(f->base, &p, &out[i],
		    on_done, f, NULL), 0);
	}
	assert_int_equal(event_base_dispatch(f->base), 1);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	assert_int_equal(f->calls, NPROBES);
	for (i = 0; i < NPROBES; i++) {
		assert_string_equal(out[i].error, "timeout waiting for banner "
		    "after 0.200 s");
	}
	/* Concurrent: about one step timeout, not NPROBES of them. */
	assert_true(ms < 3000);
	free(out);
}

static void
test_probe_start_survives_allocation_failure(void **state)
{
	struct fixture		*f = *state;
	struct smtp_probe_params p = params(f);
	static const char *const names[] = { "a.test", "b.test" };
	struct report_addr	 out;
	unsigned long		 n;
	int			 rc = MXD_ENOMEM;

	p.names = names;
	p.nnames = 2;
	p.sni = "mx.test";
	for (n = 1; n < 100 && rc == MXD_ENOMEM; n++) {
		mxd_alloc_fail_after(n);
		rc = smtp_probe_start(f->base, &p, &out, on_done, f, NULL);
		mxd_alloc_fail_after(0);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 2);
	assert_int_equal(event_base_dispatch(f->base), 1);
	assert_int_equal(f->calls, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_probe_rejects_bad_parameters, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_probe_step_timeout_waiting_for_banner, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_probe_address_may_live_in_its_report, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_probe_total_timeout_bounds_the_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_probe_connection_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_probe_cancel_never_calls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_probe_many_on_one_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_probe_start_survives_allocation_failure, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
