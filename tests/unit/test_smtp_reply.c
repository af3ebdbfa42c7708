/* test_smtp_reply.c - the SMTP reply parser: good replies, limits, garbage */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/mxd.h"
#include "smtp/smtp_reply.h"

/* feed_all - feed a whole string; return feed's result, set *used */
static int
feed_all(struct smtp_reply *r, const char *s, size_t *used,
    struct mxd_err *err)
{
	return smtp_reply_feed(r, s, strlen(s), used, err);
}

static void
test_reply_single_line(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used;
	char			sum[64];

	(void)state;
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(feed_all(&r, "220 mx.test ESMTP\r\n", &used, &err),
	    1);
	assert_int_equal(used, 19);
	assert_int_equal(r.code, 220);
	assert_int_equal(r.nlines, 1);
	assert_string_equal(smtp_reply_summary(&r, sum, sizeof(sum)),
	    "220 mx.test ESMTP");
	smtp_reply_free(&r);
}

static void
test_reply_multiline_ehlo_with_keywords(void **state)
{
	static const char ehlo[] = "250-mx.test\r\n250-PIPELINING\r\n"
	    "250-STARTTLS\r\n250-SIZE 1000\r\n250 8BITMIME\r\n";
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used;

	(void)state;
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(feed_all(&r, ehlo, &used, &err), 1);
	assert_int_equal(used, strlen(ehlo));
	assert_int_equal(r.nlines, 5);
	assert_true(smtp_reply_has_keyword(&r, "STARTTLS"));
	assert_true(smtp_reply_has_keyword(&r, "starttls"));
	assert_true(smtp_reply_has_keyword(&r, "SIZE"));
	assert_true(smtp_reply_has_keyword(&r, "8BITMIME"));
	assert_false(smtp_reply_has_keyword(&r, "START"));
	/* The greeting line is not an extension. */
	assert_false(smtp_reply_has_keyword(&r, "mx.test"));
	smtp_reply_free(&r);
}

static void
test_reply_split_across_reads(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used;

	(void)state;
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(feed_all(&r, "250-a\r\n250-STAR", &used, &err), 0);
	assert_int_equal(used, 7);	/* the partial line is left */
	assert_int_equal(feed_all(&r, "250-STARTTLS\r\n25", &used, &err), 0);
	assert_int_equal(used, 14);
	assert_int_equal(feed_all(&r, "250 OK\r\n", &used, &err), 1);
	assert_true(smtp_reply_has_keyword(&r, "STARTTLS"));
	assert_int_equal(r.nlines, 3);
	smtp_reply_free(&r);
}

static void
test_reply_stops_at_end_of_reply(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used;

	(void)state;
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(feed_all(&r, "220 ready\r\n250 next\r\n", &used, &err),
	    1);
	assert_int_equal(used, 11);
	smtp_reply_reset(&r);
	assert_int_equal(feed_all(&r, "250 next\r\n", &used, &err), 1);
	assert_int_equal(r.code, 250);
	smtp_reply_free(&r);
}

static void
test_reply_bare_code_and_bare_lf(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used;
	char			sum[32];

	(void)state;
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(feed_all(&r, "250-x\n250\n", &used, &err), 1);
	assert_int_equal(r.code, 250);
	assert_int_equal(used, 10);
	smtp_reply_free(&r);
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(feed_all(&r, "221\r\n", &used, &err), 1);
	assert_string_equal(smtp_reply_summary(&r, sum, sizeof(sum)), "221");
	smtp_reply_free(&r);
}

static void
test_reply_rejects_continuation_code_mismatch(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used;

	(void)state;
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(feed_all(&r, "250-a\r\n251 b\r\n", &used, &err),
	    MXD_EPROTO);
	assert_non_null(strstr(err.msg, "changed from 250 to 251"));
	smtp_reply_free(&r);
}

static void
test_reply_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"\x16\x03\x01\x02\x05garbage\r\n",	/* binary */
		"hello there\r\n",			/* text */
		"199 too low\r\n",			/* 1xx is not SMTP */
		"600 too high\r\n",
		"25\r\n",				/* short */
		"250x bad separator\r\n",
		"2a0 letters\r\n",
		"\r\n",					/* empty */
	};
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used, i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		smtp_reply_init(&r, 0, 0);
		mxd_err_clear(&err);
		assert_int_equal(feed_all(&r, bad[i], &used, &err),
		    MXD_EPROTO);
		assert_non_null(strstr(err.msg, "not an SMTP reply"));
		/* The message is printable. */
		assert_null(strpbrk(err.msg, "\r\n\x16\x01"));
		smtp_reply_free(&r);
	}
}

static void
test_reply_rejects_line_over_512_octets(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	char			line[600];
	size_t			used;

	(void)state;
	/* 510 octets + CRLF = 512: allowed. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "250 ", 4);
	memcpy(line + 510, "\r\n", 2);
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(smtp_reply_feed(&r, line, 512, &used, &err), 1);
	smtp_reply_free(&r);
	/* 511 + CRLF = 513: refused. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "250 ", 4);
	memcpy(line + 511, "\r\n", 2);
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(smtp_reply_feed(&r, line, 513, &used, &err),
	    MXD_ENOSPC);
	assert_non_null(strstr(err.msg, "longer than 512"));
	smtp_reply_free(&r);
	/* No line end yet, but already too long: refused without waiting. */
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(smtp_reply_feed(&r, line, 512, &used, &err),
	    MXD_ENOSPC);
	smtp_reply_free(&r);
	/* A partial line below the limit waits for more. */
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(smtp_reply_feed(&r, line, 511, &used, &err), 0);
	assert_int_equal(used, 0);
	smtp_reply_free(&r);
}

static void
test_reply_caps_lines_per_reply(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used;
	int			i, rc = 0;

	(void)state;
	smtp_reply_init(&r, 10, 0);
	for (i = 0; i < 1000 && rc == 0; i++) {
		rc = feed_all(&r, "250-X-ENDLESS\r\n", &used, &err);
	}
	assert_int_equal(rc, MXD_ENOSPC);
	assert_int_equal(i, 11);
	assert_non_null(strstr(err.msg, "more than 10 lines"));
	smtp_reply_free(&r);
}

static void
test_reply_caps_bytes_per_reply(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	char			line[300];
	size_t			used;
	int			i, rc = 0;

	(void)state;
	memset(line, 'y', sizeof(line));
	memcpy(line, "250-", 4);
	memcpy(line + 298, "\r\n", 2);
	smtp_reply_init(&r, 1000, 1000);
	for (i = 0; i < 100 && rc == 0; i++) {
		rc = smtp_reply_feed(&r, line, sizeof(line), &used, &err);
	}
	assert_int_equal(rc, MXD_ENOSPC);
	assert_int_equal(i, 4);
	assert_non_null(strstr(err.msg, "longer than 1000 bytes"));
	assert_true(r.text.len <= 1000);
	smtp_reply_free(&r);
}

static void
test_reply_summary_sanitises(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used;
	char			sum[64];

	(void)state;
	smtp_reply_init(&r, 0, 0);
	assert_int_equal(feed_all(&r, "554 no\x1b[31m way\r\n", &used, &err),
	    1);
	assert_string_equal(smtp_reply_summary(&r, sum, sizeof(sum)),
	    "554 no?[31m way");
	smtp_reply_free(&r);
}

static void
test_reply_survives_allocation_failure(void **state)
{
	struct smtp_reply	r;
	struct mxd_err		err;
	size_t			used;

	(void)state;
	smtp_reply_init(&r, 0, 0);
	mxd_alloc_fail_after(1);
	assert_int_equal(feed_all(&r, "220 x\r\n", &used, &err), MXD_ENOMEM);
	mxd_alloc_fail_after(0);
	smtp_reply_reset(&r);
	assert_int_equal(feed_all(&r, "220 x\r\n", &used, &err), 1);
	smtp_reply_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_single_line),
		cmocka_unit_test(test_reply_multiline_ehlo_with_keywords),
		cmocka_unit_test(test_reply_split_across_reads),
		cmocka_unit_test(test_reply_stops_at_end_of_reply),
		cmocka_unit_test(test_reply_bare_code_and_bare_lf),
		cmocka_unit_test(test_reply_rejects_continuation_code_mismatch),
		cmocka_unit_test(test_reply_rejects_garbage),
		cmocka_unit_test(test_reply_rejects_line_over_512_octets),
		cmocka_unit_test(test_reply_caps_lines_per_reply),
		cmocka_unit_test(test_reply_caps_bytes_per_reply),
		cmocka_unit_test(test_reply_summary_sanitises),
		cmocka_unit_test(test_reply_survives_allocation_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
