/* test_dname.c - host name validation and IDN normalisation */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/dname.h"
#include "common/mxd.h"

static void	expect_name(const char *in, const char *want);
static void	expect_bad(const char *in, const char *msg_part);

/* expect_name - in normalises to want */
static void
expect_name(const char *in, const char *want)
{
	char		out[MXD_DNAME_MAX + 1];
	struct mxd_err	e;

	mxd_err_clear(&e);
	if (mxd_dname_normalize(in, out, sizeof(out), &e) != 0) {
		fail_msg("'%s' refused: %s", in, e.msg);
	}
	assert_string_equal(out, want);
}

/* expect_bad - in is refused with a message that contains msg_part */
static void
expect_bad(const char *in, const char *msg_part)
{
	char		out[MXD_DNAME_MAX + 1];
	struct mxd_err	e;

	mxd_err_clear(&e);
	assert_int_equal(mxd_dname_normalize(in, out, sizeof(out), &e),
	    MXD_EBADDATA);
	if (strstr(e.msg, msg_part) == NULL) {
		fail_msg("'%s': message '%s' lacks '%s'", in, e.msg, msg_part);
	}
}

static void
test_dname_plain_names(void **state)
{
	(void)state;
	expect_name("mail.example.nl", "mail.example.nl");
	expect_name("Mail.Example.NL.", "mail.example.nl");
	expect_name("localhost", "localhost");
	expect_name("a-b.c0.example", "a-b.c0.example");
	expect_name("123.example", "123.example");
	expect_name("xn--bcher-kva.example", "xn--bcher-kva.example");
	expect_name("XN--BCHER-KVA.example", "xn--bcher-kva.example");
}

static void
test_dname_idn_to_alabel(void **state)
{
	(void)state;
	expect_name("b\xc3\xbc" "cher.example", "xn--bcher-kva.example");
	expect_name("B\xc3\x9c" "CHER.example.", "xn--bcher-kva.example");
	/* Non-transitional: sharp s stays, it is not mapped to "ss". */
	expect_name("stra\xc3\x9f" "e.example", "xn--strae-oqa.example");
	expect_name("m\xc3\xa4il.\xc3\xa9xample.nl",
	    "xn--mil-qla.xn--xample-9ua.nl");
}

static void
test_dname_label_and_name_lengths(void **state)
{
	char name[300];

	(void)state;
	memset(name, 'a', 63);
	memcpy(name + 63, ".example", 9);
	expect_name(name, name);
	memset(name, 'a', 64);
	memcpy(name + 64, ".example", 9);
	expect_bad(name, "label 1 is longer than 63 octets");

	/* 4 labels of 63 plus 3 dots = 255 > 253; 253 is fine. */
	memset(name, 'a', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	expect_name(name, name);
	name[253] = '.';
	name[254] = '\0';
	expect_name(name, (name[253] = '\0', name));
	name[253] = 'b';
	name[254] = '\0';
	expect_bad(name, "longer than 253 octets");
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	expect_bad(name, "longer than 253");
}

static void
test_dname_rejects_bad_names(void **state)
{
	(void)state;
	expect_bad("", "empty host name");
	expect_bad(".", "empty host name");
	expect_bad("mail..example", "empty label");
	expect_bad(".example", "empty label");
	expect_bad("mail.example..", "empty label");
	expect_bad("-mail.example", "label 1 starts or ends with '-'");
	expect_bad("mail-.example", "starts or ends");
	expect_bad("mail.example-", "label 2 starts");
	expect_bad("_25._tcp.mail.example", "underscore labels");
	expect_bad("mail_1.example", "underscore");
	expect_bad("mail example", "only letters, digits and '-'");
	expect_bad("mail.exa*mple", "only letters");
	expect_bad("*.example", "only letters");
	expect_bad("mail\n.example", "control character");
	expect_bad("192.0.2.1", "is an address");
	expect_bad("2001:db8::1", "only letters");
	expect_bad("xn--zz.example", "not a valid A-label");
	expect_bad("\xff\xfe.example", "not a valid internationalised name");
}

static void
test_dname_small_output_and_null(void **state)
{
	char		out[8];
	struct mxd_err	e;

	(void)state;
	assert_int_equal(mxd_dname_normalize("mail.example", out, sizeof(out),
	    &e), MXD_ENOSPC);
	assert_int_equal(mxd_dname_normalize("a.example", out, sizeof(out),
	    &e), MXD_ENOSPC);
	assert_int_equal(mxd_dname_normalize("a.examp", out, sizeof(out),
	    &e), 0);
	assert_string_equal(out, "a.examp");
	assert_int_equal(mxd_dname_normalize(NULL, out, sizeof(out), &e),
	    MXD_EINVAL);
	assert_int_equal(mxd_dname_normalize("a", NULL, 0, &e), MXD_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dname_plain_names),
		cmocka_unit_test(test_dname_idn_to_alabel),
		cmocka_unit_test(test_dname_label_and_name_lengths),
		cmocka_unit_test(test_dname_rejects_bad_names),
		cmocka_unit_test(test_dname_small_output_and_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
