/*
 * check_runner.c: messages and their escaping, JSON strings, and
 * util_distance, behind the "did you mean"s.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "confcheck.h"
#include "output.h"
#include "runner.h"
#include "util.h"

START_TEST(distance)
{
	ck_assert_uint_eq(util_distance("trustd", "trusted"), 1);
	ck_assert_uint_eq(util_distance("trusted", "trusted"), 0);
	ck_assert_uint_eq(util_distance("", "abc"), 3);
	ck_assert_uint_eq(util_distance("srvcert", "srv_cert"), 1);
	ck_assert_uint_eq(util_distance("kitten", "sitting"), 3);
}
END_TEST

static void
assert_json(const char *in, const char *want)
{
	struct buf b = { 0 };

	json_string(&b, in);
	ck_assert_str_eq((char *)b.data, want);
	buf_free(&b);
}

START_TEST(json_strings)
{
	assert_json("a\"b\\c", "\"a\\\"b\\\\c\"");
	assert_json("l1\nl2\t\x1b[31m", "\"l1\\nl2\\u0009\\u001b[31m\"");
	/* Valid UTF-8 is kept as it is. */
	assert_json("M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x94\x91",
	    "\"M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x94\x91\"");
	/* Latin-1, overlong, surrogate and cut sequences become U+FFFD. */
	assert_json("M\xfcnchen", "\"M\\ufffdnchen\"");
	assert_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	assert_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	assert_json("\xe2\x82", "\"\\ufffd\\ufffd\"");
	/* C1 controls are valid UTF-8, but escaped: a terminal acts on them. */
	assert_json("a\xc2\x9b" "2J\xc2\x9d", "\"a\\u009b2J\\u009d\"");
}
END_TEST

START_TEST(message_one_clean_line)
{
	char *err;

	ut_stderr_begin();
	msg_err("CA says: %s", "bad\r\nthing\x1b]0;title\x07 here");
	err = ut_stderr_end();
	ck_assert_str_eq(err, "cmpenroll: CA says: bad\\r\\nthing\\033]0;title"
	    "\\007 here\n");
	ck_assert_str_eq(msg_last_error(), "CA says: bad\\r\\nthing\\033]0;"
	    "title\\007 here");
	free(err);
}
END_TEST

/* msg_vis: C0, C1 (as bytes and as code points), DEL, invalid UTF-8. */
START_TEST(vis_escapes_what_a_terminal_acts_on)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "plain text", "plain text" },
		{ "M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x94\x91",
		    "M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x94\x91" },
		{ "CSI \xc2\x9b" "31m OSC \xc2\x9d" "0;t ST \xc2\x9c",
		    "CSI \\302\\233" "31m OSC \\302\\235" "0;t ST \\302\\234" },
		{ "raw \x9b" "2J \x9d", "raw \\233" "2J \\235" },
		{ "esc \x1b[2J bel \x07 del \x7f", "esc \\033[2J bel \\007 "
		    "del \\177" },
		{ "tab\tcr\rlf\n", "tab\\tcr\\rlf\\n" },
		{ "back\\slash", "back\\\\slash" },
		{ "nbsp \xc2\xa0 ok", "nbsp \xc2\xa0 ok" },
		{ "cut \xe2\x82", "cut \\342\\202" },
		{ "overlong \xc0\xaf", "overlong \\300\\257" },
	};
	char	out[256];
	size_t	i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = msg_vis(out, sizeof(out), cases[i].in,
		    strlen(cases[i].in));
		ck_assert_str_eq(out, cases[i].out);
		ck_assert_uint_eq(n, strlen(cases[i].out));
	}
	/* Cut between escapes, never inside one; always NUL-terminated. */
	n = msg_vis(out, 6, "ab\x1b" "cd", 5);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(n, 2);
}
END_TEST

Suite *
runner_suite(void)
{
	Suite	*s = suite_create("runner");
	TCase	*tc = tcase_create("check");
	tcase_add_test(tc, distance);
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_test(tc, json_strings);
	tcase_add_test(tc, message_one_clean_line);
	tcase_add_test(tc, vis_escapes_what_a_terminal_acts_on);
	suite_add_tcase(s, tc);
	return s;
}
