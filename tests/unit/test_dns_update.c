/*
 * test_dns_update.c - the TSIG key file parser (BIND tsig-keygen format):
 * what it accepts, everything it refuses, and that no message ever shows
 * the secret; the names of rcodes and TSIG errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/mxd.h"
#include "dns/update.h"

#define SECRET	"hI3mGHW/ZV1tFzdqFOsnR4zuoKvl2IYhPZ0ES85gc0Y="

/* parse - dns_tsig_key_parse on a string */
static int
parse(const char *text, struct dns_tsig_key *k, struct mxd_err *err)
{
	mxd_err_clear(err);
	return dns_tsig_key_parse(text, strlen(text), k, err);
}

static void
test_key_parse_accepts_tsig_keygen_output(void **state)
{
	struct dns_tsig_key	k;
	struct mxd_err		err;

	(void)state;
	assert_int_equal(parse("key \"mxdane-update\" {\n"
	    "\talgorithm hmac-sha256;\n\tsecret \"" SECRET "\";\n};\n", &k,
	    &err), 0);
	assert_string_equal(k.name, "mxdane-update");
	assert_string_equal(k.algorithm, "hmac-sha256");
	assert_string_equal(k.secret, SECRET);
	assert_int_equal(k.secret_len, 32);
	dns_tsig_key_clear(&k);
	assert_int_equal(k.name[0], 0);
	assert_int_equal(k.secret[0], 0);
}

static void
test_key_parse_accepts_comments_order_and_case(void **state)
{
	struct dns_tsig_key	k;
	struct mxd_err		err;

	(void)state;
	assert_int_equal(parse("# made by tsig-keygen\n"
	    "// for mxdane\n/* a\n block */ key update.example.nl. {"
	    " secret \"" SECRET "\"; algorithm \"HMAC-SHA256\"; };", &k,
	    &err), 0);
	assert_string_equal(k.name, "update.example.nl.");
	assert_string_equal(k.algorithm, "hmac-sha256");
	dns_tsig_key_clear(&k);
}

static void
test_key_parse_refuses_other_algorithms(void **state)
{
	struct dns_tsig_key	k;
	struct mxd_err		err;

	(void)state;
	assert_int_equal(parse("key \"k\" { algorithm hmac-md5; secret \""
	    SECRET "\"; };", &k, &err), MXD_EUNSUPP);
	assert_non_null(strstr(err.msg, "hmac-md5"));
	assert_non_null(strstr(err.msg, "hmac-sha256 only"));
	assert_int_equal(k.secret[0], 0);	/* wiped on failure */
}

static void
test_key_parse_refuses_malformed_files(void **state)
{
	static const char *bad[] = {
		"",
		"zone \"k\" { type master; };",
		"key { algorithm hmac-sha256; secret \"" SECRET "\"; };",
		"key \"\" { algorithm hmac-sha256; secret \"" SECRET "\"; };",
		"key \"k\" algorithm hmac-sha256; secret \"" SECRET "\"; };",
		"key \"k\" { algorithm hmac-sha256; };",
		"key \"k\" { secret \"" SECRET "\"; };",
		"key \"k\" { algorithm hmac-sha256 secret \"" SECRET "\"; };",
		"key \"k\" { algorithm hmac-sha256; secret \"" SECRET "\"; }",
		"key \"k\" { algorithm hmac-sha256; secret \"" SECRET "\"; };"
		    " key \"j\" { algorithm hmac-sha256; secret \"" SECRET
		    "\"; };",
		"key \"k\" { algorithm hmac-sha256; secret \"" SECRET "\"; };"
		    " x",
		"key \"k\" { algorithm hmac-sha256; algorithm hmac-sha256; "
		    "secret \"" SECRET "\"; };",
		"key \"k\" { algorithm hmac-sha256; mode 0600; secret \""
		    SECRET "\"; };",
		"key \"k { algorithm hmac-sha256; secret \"" SECRET "\"; };",
		"/* open key \"k\" { algorithm hmac-sha256; };",
		"key \"k\" { algorithm hmac-sha256; secret \"" SECRET
		    "\"; }; /*",
		"key \"a..b\" { algorithm hmac-sha256; secret \"" SECRET
		    "\"; };",
		"key \"k\" { algorithm hmac-sha256; secret \"" SECRET "\" };",
		"key \"k\" { algorithm hmac-sha256; secret \"" SECRET "\";",
		"key \"k\" { algorithm hmac-sha256; secret \"" SECRET "\"; };"
		    " }",
		"key \"k\" { algorithm hmac-sha256; secret \"" SECRET
		    "\"; }; ;",
		"key \"k\" { algorithm hmac-sha256; secret \"" SECRET
		    "\"; }; @",
	};
	struct dns_tsig_key	k;
	struct mxd_err		err;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &k, &err) != MXD_EBADDATA) {
			fail_msg("accepted bad key file %zu: %s", i, bad[i]);
		}
		assert_null(strstr(err.msg, SECRET));
		assert_null(strstr(err.msg, "hI3mGHW"));
	}
}

static void
test_key_parse_refuses_bad_secrets_without_showing_them(void **state)
{
	static const char *secrets[] = {
		/* no padding */
		"hI3mGHW/ZV1tFzdqFOsnR4zuoKvl2IYhPZ0ES85gc0Y",
		"hI3mGHW/ZV1tFzdqFOsnR4zuoKvl2IYhPZ0ES85gc0Y==",
		"hI3mGHW/ZV1tFzdq=OsnR4zuoKvl2IYhPZ0ES85gc0Y=",
		"hI3mGHW/ZV1tFzdq FOsnR4zuoKvl2IYhPZ0ES85gc0Y=",
		"hI3mGHW-ZV1tFzdqFOsnR4zuoKvl2IYhPZ0ES85gc0Y=",
		"",
		"====",
	};
	struct dns_tsig_key	 k;
	struct mxd_err		 err;
	char			 text[2048];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		(void)snprintf(text, sizeof(text), "key \"k\" { algorithm "
		    "hmac-sha256; secret \"%s\"; };", secrets[i]);
		if (parse(text, &k, &err) != MXD_EBADDATA) {
			fail_msg("accepted bad secret %zu", i);
		}
		assert_null(strstr(err.msg, "hI3mGHW"));
		assert_non_null(strstr(err.msg, "secret"));
	}
	/* Unquoted: refused too, and not shown. */
	assert_int_equal(parse("key \"k\" { algorithm hmac-sha256; secret "
	    SECRET "; };", &k, &err), MXD_EBADDATA);
	assert_null(strstr(err.msg, "hI3mGHW"));
	/* Longer than 512 octets. */
	memset(text, 0, sizeof(text));
	(void)snprintf(text, sizeof(text), "key \"k\" { algorithm "
	    "hmac-sha256; secret \"");
	for (i = 0; i < 688 / 4; i++) {
		(void)strncat(text, "AAAA", sizeof(text) - strlen(text) - 1);
	}
	(void)strncat(text, "\"; };", sizeof(text) - strlen(text) - 1);
	assert_int_equal(parse(text, &k, &err), MXD_EBADDATA);
}

static void
test_key_parse_refuses_nul_bytes(void **state)
{
	static const char text[] = "key \"k\" { algorithm hmac-sha256;\0 "
	    "secret \"" SECRET "\"; };";
	struct dns_tsig_key	k;
	struct mxd_err		err;

	(void)state;
	assert_int_equal(dns_tsig_key_parse(text, sizeof(text) - 1, &k, &err),
	    MXD_EBADDATA);
}

static void
test_key_load_files(void **state)
{
	struct dns_tsig_key	 k;
	struct mxd_err		 err;
	char			 path[] = "/tmp/mxdane-key.XXXXXX";
	FILE			*fp;
	int			 fd, i;

	(void)state;
	assert_int_equal(dns_tsig_key_load("/nonexistent/mxdane.key", &k,
	    &err), MXD_ENOENT);
	assert_int_equal(dns_tsig_key_load("/", &k, &err), MXD_EIO);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fprintf(fp, "key \"k\" {\n\talgorithm hmac-sha256;\n\tsecret \"%s\";"
	    "\n};\n", SECRET);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(dns_tsig_key_load(path, &k, &err), 0);
	assert_string_equal(k.name, "k");
	dns_tsig_key_clear(&k);
	/* A big file is no key file. */
	fp = fopen(path, "a");
	assert_non_null(fp);
	for (i = 0; i < DNS_TSIG_FILE_MAX; i++) {
		fputc('#', fp);
	}
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(dns_tsig_key_load(path, &k, &err), MXD_EBADDATA);
	assert_non_null(strstr(err.msg, "not a key file"));
	/* The message names the file and the line. */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "key \"k\" {\n\talgorithm hmac-sha256;\n\tsecret \"%s\""
	    "\n};\n", SECRET);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(dns_tsig_key_load(path, &k, &err), MXD_EBADDATA);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "line 4"));
	assert_null(strstr(err.msg, "hI3mGHW"));
	(void)unlink(path);
}

static void
test_rcode_and_tsig_error_names(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(dns_rcode_str(0, b, sizeof(b)), "NOERROR");
	assert_string_equal(dns_rcode_str(5, b, sizeof(b)), "REFUSED");
	assert_string_equal(dns_rcode_str(7, b, sizeof(b)), "YXRRSET");
	assert_string_equal(dns_rcode_str(8, b, sizeof(b)), "NXRRSET");
	assert_string_equal(dns_rcode_str(9, b, sizeof(b)), "NOTAUTH");
	assert_string_equal(dns_rcode_str(10, b, sizeof(b)), "NOTZONE");
	assert_string_equal(dns_rcode_str(23, b, sizeof(b)), "RCODE23");
	assert_string_equal(dns_tsig_error_str(16, b, sizeof(b)), "BADSIG");
	assert_string_equal(dns_tsig_error_str(17, b, sizeof(b)), "BADKEY");
	assert_string_equal(dns_tsig_error_str(18, b, sizeof(b)), "BADTIME");
	assert_string_equal(dns_tsig_error_str(99, b, sizeof(b)),
	    "TSIG error 99");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_parse_accepts_tsig_keygen_output),
		cmocka_unit_test(
		    test_key_parse_accepts_comments_order_and_case),
		cmocka_unit_test(test_key_parse_refuses_other_algorithms),
		cmocka_unit_test(test_key_parse_refuses_malformed_files),
		cmocka_unit_test(
		    test_key_parse_refuses_bad_secrets_without_showing_them),
		cmocka_unit_test(test_key_parse_refuses_nul_bytes),
		cmocka_unit_test(test_key_load_files),
		cmocka_unit_test(test_rcode_and_tsig_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
