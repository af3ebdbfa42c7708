/*
 * test_rollover.c - the gate's state file and wait, and the next key:
 * never "long enough" from a missing, truncated, corrupt or foreign file;
 * a clock that went back or a run that did not see the record restarts
 * the wait; a key file is never overwritten.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/mxd.h"
#include "engine/rollover.h"

#define SPKI	"29c8601cb562d00aa7190003b5c17e61" \
		"a93dcbed3f61fd2f86bd35fbb461d084"

static char	dir[64];
static char	path[128];
static char	set[65];

static int	setup(void **state);
static int	teardown(void **state);
static void	write_file(const char *text);

/* setup - a fresh folder and the set id of two hosts */
static int
setup(void **state)
{
	const char *hosts[] = { "mx1.example.nl", "mx2.example.nl" };

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/test_rollover.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		return -1;
	}
	(void)snprintf(path, sizeof(path), "%s/state", dir);
	return engine_roll_set_id(hosts, 2, SPKI, set);
}

/* teardown - remove what the tests left */
static int
teardown(void **state)
{
	char cmd[160];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* write_file - the state file with this content */
static void
write_file(const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void
test_roll_set_id_ignores_order_and_case(void **state)
{
	const char	*a[] = { "MX2.example.nl.", "mx1.example.nl" };
	const char	*b[] = { "mx1.example.nl" };
	char		 id[65];

	(void)state;
	assert_int_equal(engine_roll_set_id(a, 2, SPKI, id), 0);
	assert_string_equal(id, set);
	assert_int_equal(engine_roll_set_id(b, 1, SPKI, id), 0);
	assert_string_not_equal(id, set);
	assert_int_equal(engine_roll_set_id(a, 2, SPKI "00", id), 0);
	assert_string_not_equal(id, set);
	assert_int_equal(engine_roll_set_id(a, 0, SPKI, id), MXD_EINVAL);
}

static void
test_roll_state_missing_is_a_first_run(void **state)
{
	struct roll_state	st;
	struct mxd_err		err;

	(void)state;
	assert_int_equal(engine_roll_state_load(path, set, &st, &err),
	    MXD_ENOENT);
	assert_int_equal(st.nhost, 0);
	assert_string_equal(st.set, set);
}

static void
test_roll_state_round_trip(void **state)
{
	struct roll_state	st, back;
	struct roll_wait	w;
	struct mxd_err		err;

	(void)state;
	memset(&st, 0, sizeof(st));
	memcpy(st.set, set, sizeof(set));
	assert_int_equal(engine_roll_state_mark(&st, "mx1.example.nl", 1,
	    1000, &w), 0);
	assert_int_equal(engine_roll_state_mark(&st, "mx2.example.nl", 0,
	    1000, &w), 0);
	assert_int_equal(engine_roll_state_save(path, &st, &err), 0);
	assert_int_equal(engine_roll_state_load(path, set, &back, &err), 0);
	assert_int_equal(back.nhost, 2);
	assert_string_equal(back.host[0].host, "mx1.example.nl");
	assert_int_equal(back.host[0].first, 1000);
	assert_int_equal(back.host[1].first, 0);
	assert_int_equal(back.host[1].last, 1000);
}

static void
test_roll_state_truncated_is_refused(void **state)
{
	struct roll_state	st;
	struct mxd_err		err;
	char			text[512];

	(void)state;
	(void)snprintf(text, sizeof(text), "mxdane-rollover-state 1\nset %s\n"
	    "host mx1.example.nl 1 5\n", set);
	write_file(text);
	assert_int_equal(engine_roll_state_load(path, set, &st, &err),
	    MXD_EBADDATA);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_int_equal(st.nhost, 0);
	/* Cut inside a line. */
	(void)snprintf(text, sizeof(text), "mxdane-rollover-state 1\nset %s\n"
	    "host mx1.example.nl 1 5\nen", set);
	write_file(text);
	assert_int_equal(engine_roll_state_load(path, set, &st, &err),
	    MXD_EBADDATA);
	assert_int_equal(st.nhost, 0);
}

static void
test_roll_state_corrupt_is_refused(void **state)
{
	struct roll_state	st;
	struct mxd_err		err;
	char			text[512];

	(void)state;
	write_file("garbage\n");
	assert_int_equal(engine_roll_state_load(path, set, &st, &err),
	    MXD_EBADDATA);
	(void)snprintf(text, sizeof(text), "mxdane-rollover-state 1\nset %s\n"
	    "host mx1.example.nl -5 5\nend\n", set);
	write_file(text);
	assert_int_equal(engine_roll_state_load(path, set, &st, &err),
	    MXD_EBADDATA);
	/* First seen after the last run: not a time line. */
	(void)snprintf(text, sizeof(text), "mxdane-rollover-state 1\nset %s\n"
	    "host mx1.example.nl 9 5\nend\n", set);
	write_file(text);
	assert_int_equal(engine_roll_state_load(path, set, &st, &err),
	    MXD_EBADDATA);
	(void)snprintf(text, sizeof(text), "mxdane-rollover-state 1\nset %s\n"
	    "end\nhost mx1.example.nl 1 5\n", set);
	write_file(text);
	assert_int_equal(engine_roll_state_load(path, set, &st, &err),
	    MXD_EBADDATA);
	assert_int_equal(st.nhost, 0);
}

static void
test_roll_state_other_host_set_is_refused(void **state)
{
	struct roll_state	st;
	struct mxd_err		err;
	char			text[512];

	(void)state;
	(void)snprintf(text, sizeof(text), "mxdane-rollover-state 1\nset %064d"
	    "\nhost mx1.example.nl 1 5\nend\n", 7);
	write_file(text);
	assert_int_equal(engine_roll_state_load(path, set, &st, &err),
	    MXD_EMISMATCH);
	assert_int_equal(st.nhost, 0);
}

static void
test_roll_state_unreadable_is_not_empty(void **state)
{
	struct roll_state	st;
	struct mxd_err		err;

	(void)state;
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(engine_roll_state_load(path, set, &st, &err),
	    MXD_EIO);
	assert_int_equal(rmdir(path), 0);
}

static void
test_roll_wait_needs_continuous_sightings(void **state)
{
	struct roll_state	st;
	struct roll_wait	w;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(engine_roll_state_mark(&st, "mx", 1, 100, &w), 0);
	assert_int_equal(w.elapsed, 0);
	assert_int_equal(engine_roll_state_mark(&st, "mx", 1, 150, &w), 0);
	assert_int_equal(w.elapsed, 50);
	/* One run that did not see it everywhere: start again. */
	assert_int_equal(engine_roll_state_mark(&st, "mx", 0, 160, &w), 0);
	assert_int_equal(w.first, 0);
	assert_int_equal(engine_roll_state_mark(&st, "mx", 1, 170, &w), 0);
	assert_int_equal(w.first, 170);
	assert_int_equal(w.elapsed, 0);
}

static void
test_roll_wait_clock_backwards_restarts(void **state)
{
	struct roll_state	st;
	struct roll_wait	w;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(engine_roll_state_mark(&st, "mx", 1, 1000, &w), 0);
	assert_int_equal(engine_roll_state_mark(&st, "mx", 1, 9000, &w), 0);
	assert_int_equal(w.elapsed, 8000);
	assert_int_equal(engine_roll_state_mark(&st, "mx", 1, 500, &w), 0);
	assert_int_equal(w.backwards, 1);
	assert_int_equal(w.elapsed, 0);
	assert_int_equal(w.first, 500);
}

static void
test_roll_key_new_never_overwrites(void **state)
{
	struct mxd_err	err;
	struct stat	sb;
	char		spki[65], spki2[65], key[160];

	(void)state;
	(void)snprintf(key, sizeof(key), "%s/next.key", dir);
	assert_int_equal(engine_roll_key_new(key, ROLL_KEY_ECDSA_P256, spki,
	    &err), 0);
	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(strlen(spki), 64);
	assert_int_equal(engine_roll_key_new(key, ROLL_KEY_ECDSA_P256, spki2,
	    &err), MXD_EEXIST);
	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(unlink(key), 0);
	/* A dangling symbolic link is not followed either. */
	assert_int_equal(symlink("/nonexistent/mxdane-key", key), 0);
	assert_int_equal(engine_roll_key_new(key, ROLL_KEY_ECDSA_P256, spki2,
	    &err), MXD_EEXIST);
	assert_int_equal(unlink(key), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_roll_set_id_ignores_order_and_case, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roll_state_missing_is_a_first_run, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roll_state_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roll_state_truncated_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roll_state_corrupt_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roll_state_other_host_set_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roll_state_unreadable_is_not_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roll_wait_needs_continuous_sightings, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roll_wait_clock_backwards_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_roll_key_new_never_overwrites, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
