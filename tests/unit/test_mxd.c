/* test_mxd.c - the shared helpers: bounded buffers, errors, display */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/mxd.h"

static void
test_buf_grows_to_its_maximum_and_no_further(void **state)
{
	struct mxd_buf b;
	char chunk[100];
	int i;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	mxd_buf_init(&b, 1000);
	for (i = 0; i < 10; i++) {
		assert_int_equal(mxd_buf_append(&b, chunk, sizeof(chunk)), 0);
	}
	assert_int_equal(b.len, 1000);
	assert_int_equal(mxd_buf_append(&b, "y", 1), MXD_ENOSPC);
	assert_int_equal(b.len, 1000);
	assert_true(b.cap <= 1001);
	assert_int_equal(b.data[1000], '\0');
	mxd_buf_free(&b);
}

static void
test_buf_printf_and_consume(void **state)
{
	struct mxd_buf b;

	(void)state;
	mxd_buf_init(&b, 64);
	assert_int_equal(mxd_buf_printf(&b, "%s %d", "EHLO", 42), 0);
	assert_string_equal(b.data, "EHLO 42");
	mxd_buf_consume(&b, 5);
	assert_string_equal(b.data, "42");
	mxd_buf_consume(&b, 99);
	assert_int_equal(b.len, 0);
	assert_int_equal(mxd_buf_printf(&b, "%070d", 1), MXD_ENOSPC);
	mxd_buf_free(&b);
}

static void
test_buf_steal_empty_gives_empty_string(void **state)
{
	struct mxd_buf b;
	char *s;

	(void)state;
	mxd_buf_init(&b, 16);
	s = mxd_buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	mxd_free(s);
	mxd_buf_free(&b);
}

static void
test_buf_append_survives_allocation_failure(void **state)
{
	struct mxd_buf b;

	(void)state;
	mxd_buf_init(&b, 1 << 20);
	mxd_alloc_fail_after(1);
	assert_int_equal(mxd_buf_puts(&b, "hello"), MXD_ENOMEM);
	mxd_alloc_fail_after(0);
	assert_int_equal(b.len, 0);
	assert_int_equal(mxd_buf_puts(&b, "hello"), 0);
	assert_string_equal(b.data, "hello");
	mxd_buf_free(&b);
}

static void
test_err_set_returns_code_and_formats(void **state)
{
	struct mxd_err e;

	(void)state;
	mxd_err_clear(&e);
	assert_int_equal(mxd_err_set(&e, MXD_EBADDATA, "bad %s", "thing"),
	    MXD_EBADDATA);
	assert_string_equal(e.msg, "bad thing");
	assert_int_equal(mxd_err_set(NULL, MXD_EIO, "dropped"), MXD_EIO);
	assert_string_equal(mxd_strerror(MXD_ENOSPC), "size limit reached");
}

static void
test_sanitize_replaces_controls_and_caps_length(void **state)
{
	char out[16];

	(void)state;
	mxd_sanitize("a\r\nb\x1b[31m", 9, out, sizeof(out));
	assert_string_equal(out, "a??b?[31m");
	mxd_sanitize("0123456789abcdefghij", 20, out, sizeof(out));
	assert_int_equal(strlen(out), 15);
	assert_memory_equal(out + 12, "...", 3);
}

static void
test_hex_encode_and_abbrev(void **state)
{
	const uint8_t	 raw[] = { 0x29, 0xc8, 0x00, 0xff };
	char		 hex[9], ab[32];

	(void)state;
	mxd_hex_encode(raw, sizeof(raw), hex);
	assert_string_equal(hex, "29c800ff");
	mxd_hex_abbrev("29c8601cb562d00aa7190003b5c17e61a93dcbed3f61fd2f86bd35fbb461d084",
	    8, ab, sizeof(ab));
	assert_string_equal(ab, "29c8601c...b461d084");
	mxd_hex_abbrev("abcd", 8, ab, sizeof(ab));
	assert_string_equal(ab, "abcd");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_to_its_maximum_and_no_further),
		cmocka_unit_test(test_buf_printf_and_consume),
		cmocka_unit_test(test_buf_steal_empty_gives_empty_string),
		cmocka_unit_test(test_buf_append_survives_allocation_failure),
		cmocka_unit_test(test_err_set_returns_code_and_formats),
		cmocka_unit_test(test_sanitize_replaces_controls_and_caps_length),
		cmocka_unit_test(test_hex_encode_and_abbrev),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
