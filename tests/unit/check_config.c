/*
 * check_config.c: a config section (and the command line's options)
 * becomes the documented openssl cmp argv; secrets reach openssl only
 * through env:CMPENROLL_PASS_<FLAG> in the child's environment.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "units.h"
#include "config.h"
#include "runner.h"
#include "util.h"

static const struct files wd = {
	.csr = "/wd/csr.der", .newkey = "/wd/newkey.pem",
	.certout = "/wd/cert.pem", .extracertsout = "/wd/extracerts.pem",
	.cacertsout = "/wd/cacerts.pem"
};

static void
opts_init(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->section = "CAhandler";
	o->revreason = -1;
}

/* config_load on text written to a temporary file of the given mode. */
static int
load_mode(const char *text, int mode, struct config *cfg)
{
	char	*path = ut_temp_file(text, strlen(text), mode);
	int	 rc;

	rc = config_load(path, "CAhandler", cfg);
	unlink(path);
	free(path);
	return rc;
}

/* Load text (it must load) and build the command; config_command's status. */
static int
build(const char *text, const struct options *o, X509_REQ *req,
    struct command *c)
{
	struct config	 cfg;
	struct options	 dflt;
	struct csr_view	*view = ut_view(req);
	int		 rc;

	if (o == NULL) {
		opts_init(&dflt);
		o = &dflt;
	}
	rc = load_mode(text, 0600, &cfg);
	ck_assert_msg(rc == 0, "config_load: %d for:\n%s", rc, text);
	rc = config_command(&cfg, o, &wd, view, c);
	config_free(&cfg);
	csr_view_free(view);
	return rc;
}

/* Build, which must succeed. */
static void
build_ok(const char *text, const struct options *o, X509_REQ *req,
    struct command *c)
{
	int rc = build(text, o, req, c);

	ck_assert_msg(rc == 0, "config_command: %d for:\n%s", rc, text);
}

static int
arg_count(const struct command *c, const char *s)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < c->argc; i++)
		n += strcmp(c->argv[i].s, s) == 0;
	return n;
}

/* The index of flag followed by value, or -1. */
static long
pair_at(const struct command *c, const char *flag, const char *value)
{
	size_t i;

	for (i = 0; i + 1 < c->argc; i++)
		if (strcmp(c->argv[i].s, flag) == 0 &&
		    strcmp(c->argv[i + 1].s, value) == 0)
			return (long)i;
	return -1;
}

static void
assert_pair(const struct command *c, const char *flag, const char *value)
{
	char *line = runner_command_line(c);

	ck_assert_msg(pair_at(c, flag, value) != -1, "no %s %s in: %s", flag,
	    value, line);
	free(line);
}

static void
assert_no_arg(const struct command *c, const char *s)
{
	char *line = runner_command_line(c);

	ck_assert_msg(arg_count(c, s) == 0, "%s present in: %s", s, line);
	free(line);
}

/* No argument holds needle anywhere: a secret never stands in argv. */
static void
assert_nowhere(const struct command *c, const char *needle)
{
	size_t i;

	for (i = 0; i < c->argc; i++)
		ck_assert_msg(strstr(c->argv[i].s, needle) == NULL,
		    "\"%s\" in argv[%zu] \"%s\"", needle, i, c->argv[i].s);
}

/* The whole command, shell-quoted and masked, equals expect. */
static void
assert_line(const struct command *c, const char *expect)
{
	char *line = runner_command_line(c);

	ck_assert_str_eq(line, expect);
	free(line);
}

/* How many secrets the command hands openssl through its environment. */
static size_t
secrets(const struct command *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nenv; i++)
		n += strncmp(c->env[i], "CMPENROLL_PASS_", 15) == 0;
	return n;
}

/* The first environment entry holding a secret. */
static const char *
secret_env(const struct command *c)
{
	size_t i;

	for (i = 0; i < c->nenv; i++)
		if (strncmp(c->env[i], "CMPENROLL_PASS_", 15) == 0)
			return c->env[i];
	return "";
}

static void
assert_env(const struct command *c, const char *entry)
{
	size_t i;

	for (i = 0; i < c->nenv; i++)
		if (strcmp(c->env[i], entry) == 0)
			return;
	ck_abort_msg("no %s among %zu environment entries", entry, c->nenv);
}

START_TEST(config_generic_flags_golden)
{
	struct command c;

	build_ok("[CAhandler]\ncmp_server = 127.0.0.1:8080\n"
	    "cmp_path = pkix/\n", NULL, NULL, &c);
	assert_line(&c, "OPENSSL_CONF=/dev/null openssl cmp -config '' -cmd ir -batch -server 127.0.0.1:8080"
	    " -path pkix/ -csr /wd/csr.der -san_nodefault -popo 0 -msg_timeout 30"
	    " -total_timeout 120 -certout /wd/cert.pem"
	    " -extracertsout /wd/extracerts.pem -cacertsout /wd/cacerts.pem");
	ck_assert_uint_eq(c.nenv, 1);
	assert_env(&c, "OPENSSL_CONF=/dev/null");
	ck_assert_str_eq(c.cmd, "ir");
	ck_assert_int_eq(c.mapping, MAPPING_CSR);
	command_free(&c);
}
END_TEST

START_TEST(config_true_false)
{
	struct command c;

	build_ok("[CAhandler]\ncmp_ignore_keyusage = True\n"
	    "cmp_tls_used = False\ncmp_implicit_confirm = true\n"
	    "cmp_unprotected_errors = FALSE\ncmp_days = 30\n", NULL, NULL, &c);
	ck_assert_int_eq(arg_count(&c, "-ignore_keyusage"), 1);
	ck_assert_int_eq(arg_count(&c, "-implicit_confirm"), 1);
	ck_assert_int_eq(pair_at(&c, "-ignore_keyusage", "True"), -1);
	assert_no_arg(&c, "-tls_used");
	assert_no_arg(&c, "-unprotected_errors");
	assert_no_arg(&c, "False");
	assert_no_arg(&c, "True");
	assert_pair(&c, "-days", "30");
	command_free(&c);
}
END_TEST

START_TEST(config_file_order_and_foreign_keys)
{
	struct command c;

	build_ok("[CAhandler]\nhandler_file = x.py\ncmp_b = 2\nCMP_c = 3\n"
	    "cmp_a = 1\ndebug = True\n", NULL, NULL, &c);
	ck_assert_int_lt(pair_at(&c, "-b", "2"), pair_at(&c, "-a", "1"));
	ck_assert_int_gt(pair_at(&c, "-cmd", "ir"), 0);
	ck_assert_int_lt(pair_at(&c, "-cmd", "ir"), pair_at(&c, "-b", "2"));
	assert_no_arg(&c, "-handler_file");
	assert_no_arg(&c, "x.py");
	assert_no_arg(&c, "-c");
	assert_no_arg(&c, "-debug");
	command_free(&c);
}
END_TEST

START_TEST(config_reserved_keys)
{
	static const char *const keys[] = {
		"cmp_certout", "cmp_csr", "cmp_newkey", "cmp_subject",
		"cmp_extracertsout", "cmp_cacertsout"
	};
	struct command	c;
	char		text[256];
	size_t		i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		ck_assert_int_eq(config_key_kind(keys[i]), KEY_RESERVED);
		snprintf(text, sizeof(text), "[CAhandler]\ncmp_server = s:1\n"
		    "%s = /x/y\n", keys[i]);
		ck_assert_msg(build(text, NULL, NULL, &c) == EX_CONFIG,
		    "%s not refused", keys[i]);
		/* Inherited from [DEFAULT] it is refused just the same. */
		snprintf(text, sizeof(text), "[DEFAULT]\n%s = /x/y\n"
		    "[CAhandler]\n", keys[i]);
		ck_assert_msg(build(text, NULL, NULL, &c) == EX_CONFIG,
		    "%s in [DEFAULT] not refused", keys[i]);
	}
}
END_TEST

START_TEST(config_bad_flag_name)
{
	struct command c;

	ck_assert_int_eq(build("[CAhandler]\ncmp_ = 1\n", NULL, NULL, &c),
	    EX_CONFIG);
	ck_assert_int_eq(build("[CAhandler]\ncmp_a;b = 1\n", NULL, NULL, &c),
	    EX_CONFIG);
	ck_assert_int_eq(build("[CAhandler]\ncmp_a b = 1\n", NULL, NULL, &c),
	    EX_CONFIG);
	/* openssl would read these as --keypass, --subject */
	ck_assert_int_eq(build("[CAhandler]\ncmp_-keypass = pass:leak\n", NULL,
	    NULL, &c), EX_CONFIG);
	ck_assert_int_eq(build("[CAhandler]\ncmp_-subject = /CN=x\n", NULL,
	    NULL, &c), EX_CONFIG);
}
END_TEST

START_TEST(config_config_flag)
{
	struct command c;

	build_ok("[CAhandler]\ncmp_server = s:1\n", NULL, NULL, &c);
	assert_pair(&c, "-config", "");
	ck_assert_int_eq(arg_count(&c, "-config"), 1);
	command_free(&c);

	build_ok("[CAhandler]\ncmp_config = /etc/ssl/cmp.cnf\n"
	    "cmp_server = s:1\n", NULL, NULL, &c);
	assert_pair(&c, "-config", "/etc/ssl/cmp.cnf");
	ck_assert_int_eq(arg_count(&c, "-config"), 1);
	assert_no_arg(&c, "");
	command_free(&c);
}
END_TEST

/*
 * acme2certifier's forms: a '/' put in front unless there is one, each
 * comma a new RDN; here a comma that no "TYPE=" follows, or an escaped
 * one, stays in the value, and an escaped '/' stays escaped.
 */
static const struct {
	const char *in, *out;
} forms[] = {
	{ "C=DE, CN=x", "/C=DE/CN=x" },
	{ "C=DE,O=Org,CN=Example Issuing CA", "/C=DE/O=Org/CN=Example Issuing CA" },
	{ "/C=DE/CN=x", "/C=DE/CN=x" },
	{ "/O=x, CN=y", "/O=x/CN=y" },
	{ "C=DE/CN=x", "/C=DE/CN=x" },
	{ "O=Test Org/CN=Test CA", "/O=Test Org/CN=Test CA" },
	{ "CN=a\\, b, O=c\\/d", "/CN=a, b/O=c\\/d" },
	{ "O=Foo, Inc., CN=x", "/O=Foo, Inc./CN=x" },
	{ "/O=Foo, Inc./CN=x", "/O=Foo, Inc./CN=x" },
	{ "CN=x, 2.5.4.10=y", "/CN=x/2.5.4.10=y" },
};

START_TEST(config_recipient_forms)
{
	struct command	 c;
	char		*s;
	size_t		 i;

	build_ok("[CAhandler]\ncmp_recipient = C=DE, CN=x\n", NULL, NULL, &c);
	assert_pair(&c, "-recipient", "/C=DE/CN=x");
	command_free(&c);
	build_ok("[CAhandler]\ncmp_recipient = /C=DE/CN=x\n", NULL, NULL, &c);
	assert_pair(&c, "-recipient", "/C=DE/CN=x");
	command_free(&c);

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		s = config_recipient_to_slash(forms[i].in);
		ck_assert_msg(strcmp(s, forms[i].out) == 0, "%s: %s, not %s",
		    forms[i].in, s, forms[i].out);
		free(s);
	}
}
END_TEST

START_TEST(config_secret_pass)
{
	struct command	 c;
	long		 i;

	build_ok("[CAhandler]\ncmp_ref = 1234\ncmp_secret = pass:S3cr;et\n",
	    NULL, NULL, &c);
	assert_pair(&c, "-ref", "1234");
	assert_pair(&c, "-secret", "env:CMPENROLL_PASS_SECRET");
	i = pair_at(&c, "-secret", "env:CMPENROLL_PASS_SECRET");
	ck_assert_int_eq(c.argv[i].secret, 0);
	ck_assert_int_eq(c.argv[i + 1].secret, 1);
	ck_assert_uint_eq(secrets(&c), 1);
	ck_assert_str_eq(secret_env(&c), "CMPENROLL_PASS_SECRET=S3cr;et");
	assert_nowhere(&c, "S3cr");
	assert_line(&c, "OPENSSL_CONF=/dev/null openssl cmp -config '' -cmd ir -batch -ref 1234 -secret '****'"
	    " -csr /wd/csr.der -san_nodefault -popo 0 -msg_timeout 30 -total_timeout 120"
	    " -certout /wd/cert.pem -extracertsout /wd/extracerts.pem"
	    " -cacertsout /wd/cacerts.pem");
	command_free(&c);
}
END_TEST

START_TEST(config_secret_bare)
{
	struct command c;

	build_ok("[CAhandler]\ncmp_secret = b4re #secret\n", NULL, NULL, &c);
	assert_pair(&c, "-secret", "env:CMPENROLL_PASS_SECRET");
	ck_assert_uint_eq(secrets(&c), 1);
	ck_assert_str_eq(secret_env(&c), "CMPENROLL_PASS_SECRET=b4re #secret");
	assert_nowhere(&c, "b4re");
	command_free(&c);
}
END_TEST

/*
 * env:, file: and fd: sources are read by cmpenroll: openssl gets the
 * secret through a variable of its own, never the source, which it would
 * take for the secret itself when it cannot read it.
 */
START_TEST(config_secret_sources_read_here)
{
	struct command	 c;
	char		 text[512], *path;
	int		 fds[2];

	ck_assert_int_eq(setenv("CMPENROLL_UT_SRC", "from-env", 1), 0);
	build_ok("[CAhandler]\ncmp_secret = env:CMPENROLL_UT_SRC\n"
	    "cmp_keypass = env:CMPENROLL_UT_SRC\n", NULL, NULL, &c);
	assert_pair(&c, "-secret", "env:CMPENROLL_PASS_SECRET");
	assert_pair(&c, "-keypass", "env:CMPENROLL_PASS_KEYPASS");
	assert_env(&c, "CMPENROLL_PASS_SECRET=from-env");
	assert_env(&c, "CMPENROLL_PASS_KEYPASS=from-env");
	assert_nowhere(&c, "CMPENROLL_UT_SRC");
	command_free(&c);
	unsetenv("CMPENROLL_UT_SRC");

	/* file: the first line, without its newline */
	path = ut_temp_file("from-file\nsecond line\n", 22, 0600);
	snprintf(text, sizeof(text), "[CAhandler]\ncmp_secret = file:%s\n",
	    path);
	build_ok(text, NULL, NULL, &c);
	assert_env(&c, "CMPENROLL_PASS_SECRET=from-file");
	assert_nowhere(&c, path);
	command_free(&c);
	unlink(path);
	free(path);

	/* fd: the first line of cmpenroll's own descriptor */
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "from-fd\n", 8), 8);
	close(fds[1]);
	snprintf(text, sizeof(text), "[CAhandler]\ncmp_secret = fd:%d\n",
	    fds[0]);
	build_ok(text, NULL, NULL, &c);
	assert_env(&c, "CMPENROLL_PASS_SECRET=from-fd");
	command_free(&c);
	close(fds[0]);
}
END_TEST

/* A source that gives no usable secret: refused, naming line and source. */
START_TEST(config_secret_sources_unusable)
{
	static const char *const bad[] = {
		"env:CMPENROLL_UT_UNSET", "env:CMPENROLL_UT_EMPTY",
		"file:/nonexistent/secret", "fd:987", "fd:x", "pass:", "stdin",
	};
	struct command	 c;
	char		 text[256], *err;
	size_t		 i;

	unsetenv("CMPENROLL_UT_UNSET");
	ck_assert_int_eq(setenv("CMPENROLL_UT_EMPTY", "", 1), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[CAhandler]\n\ncmp_keypass = "
		    "%s\n", bad[i]);
		ut_stderr_begin();
		ck_assert_msg(build(text, NULL, NULL, &c) == EX_CONFIG,
		    "%s not refused", bad[i]);
		err = ut_stderr_end();
		ck_assert_msg(strstr(err, ":3: cmp_keypass: ") != NULL,
		    "no line and key in: %s", err);
		if (strncmp(bad[i], "pass:", 5) != 0 &&
		    strcmp(bad[i], "stdin") != 0)
			ck_assert_msg(strstr(err, bad[i] + (bad[i][0] == 'e' ?
			    4 : 0)) != NULL, "source not named in: %s", err);
		free(err);
	}
	unsetenv("CMPENROLL_UT_EMPTY");
	/* Longer than openssl takes whole. */
	{
		char long_secret[1100];

		memset(long_secret, 'x', sizeof(long_secret) - 1);
		long_secret[sizeof(long_secret) - 1] = '\0';
		ck_assert_int_eq(setenv("CMPENROLL_UT_LONG", long_secret, 1),
		    0);
		ut_stderr_begin();
		ck_assert_int_eq(build("[CAhandler]\ncmp_secret = "
		    "env:CMPENROLL_UT_LONG\n", NULL, NULL, &c), EX_CONFIG);
		err = ut_stderr_end();
		ck_assert_ptr_nonnull(strstr(err, "longer than 1023 bytes"));
		ck_assert_ptr_null(strstr(err, "xxxx"));
		free(err);
		unsetenv("CMPENROLL_UT_LONG");
	}
}
END_TEST

START_TEST(config_secret_flags)
{
	static const struct {
		const char *key, *flag, *env;
	} t[] = {
		{ "cmp_keypass", "-keypass", "CMPENROLL_PASS_KEYPASS" },
		{ "cmp_newkeypass", "-newkeypass", "CMPENROLL_PASS_NEWKEYPASS" },
		{ "cmp_tls_keypass", "-tls_keypass",
		    "CMPENROLL_PASS_TLS_KEYPASS" },
		{ "cmp_otherpass", "-otherpass", "CMPENROLL_PASS_OTHERPASS" },
		{ "cmp_srv_secret", "-srv_secret", "CMPENROLL_PASS_SRV_SECRET" },
		{ "cmp_srv_keypass", "-srv_keypass",
		    "CMPENROLL_PASS_SRV_KEYPASS" },
	};
	struct command	c;
	char		text[256], ref[128], entry[128];
	size_t		k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		ck_assert_int_eq(config_key_kind(t[k].key), KEY_SECRET);
		snprintf(text, sizeof(text), "[CAhandler]\n%s = pass:K%zu\n",
		    t[k].key, k);
		build_ok(text, NULL, NULL, &c);
		snprintf(ref, sizeof(ref), "env:%s", t[k].env);
		snprintf(entry, sizeof(entry), "%s=K%zu", t[k].env, k);
		assert_pair(&c, t[k].flag, ref);
		ck_assert_int_eq(c.argv[pair_at(&c, t[k].flag, ref) + 1].secret,
		    1);
		ck_assert_uint_eq(secrets(&c), 1);
		ck_assert_str_eq(secret_env(&c), entry);
		snprintf(entry, sizeof(entry), "K%zu", k);
		assert_nowhere(&c, entry);
		command_free(&c);
	}
}
END_TEST

START_TEST(config_secret_and_keypass_together)
{
	struct command c;

	build_ok("[CAhandler]\ncmp_keypass = pass:kp\ncmp_secret = sec\n",
	    NULL, NULL, &c);
	ck_assert_uint_eq(secrets(&c), 2);
	assert_env(&c, "CMPENROLL_PASS_KEYPASS=kp");
	assert_env(&c, "CMPENROLL_PASS_SECRET=sec");
	assert_pair(&c, "-keypass", "env:CMPENROLL_PASS_KEYPASS");
	assert_pair(&c, "-secret", "env:CMPENROLL_PASS_SECRET");
	command_free(&c);
}
END_TEST

START_TEST(config_secret_refused_forms)
{
	struct command c;

	/* openssl's stdin is /dev/null here: it cannot read a secret. */
	ck_assert_int_eq(build("[CAhandler]\ncmp_secret = stdin\n", NULL, NULL,
	    &c), EX_CONFIG);
	/* A value over several lines cannot be one pass phrase. */
	ck_assert_int_eq(build("[CAhandler]\ncmp_secret = pass:a\n  b\n",
	    NULL, NULL, &c), EX_CONFIG);
}
END_TEST

START_TEST(config_variables)
{
	struct command c;

	ck_assert_int_eq(setenv("CMPENROLL_UT_REF", "ref42", 1), 0);
	ck_assert_int_eq(setenv("CMPENROLL_UT_SECRET", "pass:fromenv", 1), 0);
	build_ok("[CAhandler]\ncmp_ref_variable = CMPENROLL_UT_REF\n"
	    "cmp_secret_variable = CMPENROLL_UT_SECRET\n", NULL, NULL, &c);
	assert_pair(&c, "-ref", "ref42");
	assert_pair(&c, "-secret", "env:CMPENROLL_PASS_SECRET");
	ck_assert_uint_eq(secrets(&c), 1);
	ck_assert_str_eq(secret_env(&c), "CMPENROLL_PASS_SECRET=fromenv");
	assert_nowhere(&c, "fromenv");
	assert_no_arg(&c, "-ref_variable");
	assert_no_arg(&c, "-secret_variable");
	command_free(&c);

	/* A variable holding a source (env:, file:) is read in turn. */
	ck_assert_int_eq(setenv("CMPENROLL_UT_SECRET", "env:CMPENROLL_UT_REF",
	    1), 0);
	build_ok("[CAhandler]\ncmp_secret_variable = CMPENROLL_UT_SECRET\n",
	    NULL, NULL, &c);
	assert_pair(&c, "-secret", "env:CMPENROLL_PASS_SECRET");
	assert_env(&c, "CMPENROLL_PASS_SECRET=ref42");
	command_free(&c);
	ck_assert_int_eq(setenv("CMPENROLL_UT_SECRET", "file:/nonexistent/s",
	    1), 0);
	ck_assert_int_eq(build("[CAhandler]\ncmp_secret_variable = "
	    "CMPENROLL_UT_SECRET\n", NULL, NULL, &c), EX_CONFIG);
	unsetenv("CMPENROLL_UT_REF");
	unsetenv("CMPENROLL_UT_SECRET");
}
END_TEST

START_TEST(config_direct_wins_over_variable)
{
	struct command c;

	ck_assert_int_eq(setenv("CMPENROLL_UT_REF", "ref42", 1), 0);
	ck_assert_int_eq(setenv("CMPENROLL_UT_SECRET", "pass:fromenv", 1), 0);
	build_ok("[CAhandler]\ncmp_ref_variable = CMPENROLL_UT_REF\n"
	    "cmp_secret_variable = CMPENROLL_UT_SECRET\ncmp_ref = direct\n"
	    "cmp_secret = pass:direct\n", NULL, NULL, &c);
	assert_pair(&c, "-ref", "direct");
	ck_assert_int_eq(arg_count(&c, "-ref"), 1);
	ck_assert_int_eq(arg_count(&c, "-secret"), 1);
	ck_assert_uint_eq(secrets(&c), 1);
	ck_assert_str_eq(secret_env(&c), "CMPENROLL_PASS_SECRET=direct");
	assert_no_arg(&c, "ref42");
	command_free(&c);

	/* The direct value wins even when the variable is not set. */
	unsetenv("CMPENROLL_UT_SECRET");
	build_ok("[CAhandler]\ncmp_secret_variable = CMPENROLL_UT_SECRET\n"
	    "cmp_secret = pass:direct\n", NULL, NULL, &c);
	ck_assert_str_eq(secret_env(&c), "CMPENROLL_PASS_SECRET=direct");
	command_free(&c);
	unsetenv("CMPENROLL_UT_REF");
}
END_TEST

START_TEST(config_unset_variable)
{
	struct command c;

	unsetenv("CMPENROLL_UT_UNSET");
	ck_assert_int_eq(build("[CAhandler]\n"
	    "cmp_secret_variable = CMPENROLL_UT_UNSET\n", NULL, NULL, &c),
	    EX_CONFIG);
	ck_assert_int_eq(build("[CAhandler]\n"
	    "cmp_ref_variable = CMPENROLL_UT_UNSET\n", NULL, NULL, &c),
	    EX_CONFIG);
}
END_TEST

START_TEST(config_default_timeouts)
{
	struct command c;

	build_ok("[CAhandler]\ncmp_server = s:1\n", NULL, NULL, &c);
	assert_pair(&c, "-msg_timeout", "30");
	assert_pair(&c, "-total_timeout", "120");
	command_free(&c);

	build_ok("[CAhandler]\ncmp_msg_timeout = 5\ncmp_total_timeout = 10\n",
	    NULL, NULL, &c);
	assert_pair(&c, "-msg_timeout", "5");
	assert_pair(&c, "-total_timeout", "10");
	ck_assert_int_eq(arg_count(&c, "-msg_timeout"), 1);
	ck_assert_int_eq(arg_count(&c, "-total_timeout"), 1);
	command_free(&c);

	/* openssl refuses -msg_timeout above a non-zero -total_timeout. */
	build_ok("[CAhandler]\ncmp_total_timeout = 10\n", NULL, NULL, &c);
	assert_pair(&c, "-msg_timeout", "10");
	assert_pair(&c, "-total_timeout", "10");
	ck_assert_int_eq(arg_count(&c, "-msg_timeout"), 1);
	ck_assert_int_eq(arg_count(&c, "-total_timeout"), 1);
	command_free(&c);

	/* 0 is "no limit": the default message timeout stays. */
	build_ok("[CAhandler]\ncmp_total_timeout = 0\n", NULL, NULL, &c);
	assert_pair(&c, "-msg_timeout", "30");
	assert_pair(&c, "-total_timeout", "0");
	command_free(&c);

	/* A longer message timeout raises the default total. */
	build_ok("[CAhandler]\ncmp_msg_timeout = 200\n", NULL, NULL, &c);
	assert_pair(&c, "-msg_timeout", "200");
	assert_pair(&c, "-total_timeout", "200");
	ck_assert_int_eq(arg_count(&c, "-total_timeout"), 1);
	command_free(&c);

	/* Set in [DEFAULT], they count as set. */
	build_ok("[DEFAULT]\ncmp_msg_timeout = 7\ncmp_total_timeout = 9\n"
	    "[CAhandler]\n", NULL, NULL, &c);
	assert_pair(&c, "-msg_timeout", "7");
	assert_pair(&c, "-total_timeout", "9");
	ck_assert_int_eq(arg_count(&c, "-msg_timeout"), 1);
	command_free(&c);
}
END_TEST

START_TEST(config_debug_verbosity)
{
	struct options	o;
	struct command	c;

	opts_init(&o);
	o.debug = 1;
	build_ok("[CAhandler]\n", &o, NULL, &c);
	assert_pair(&c, "-verbosity", "7");
	command_free(&c);
	build_ok("[CAhandler]\ncmp_verbosity = 3\n", &o, NULL, &c);
	assert_pair(&c, "-verbosity", "3");
	ck_assert_int_eq(arg_count(&c, "-verbosity"), 1);
	command_free(&c);
}
END_TEST

START_TEST(config_mapping_csr)
{
	struct command	c;
	EVP_PKEY	*key = ut_key();
	X509_REQ	*req = ut_req_simple(key, "DNS:test.example");
	long		 i;

	build_ok("[CAhandler]\n", NULL, req, &c);
	i = pair_at(&c, "-csr", "/wd/csr.der");
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(arg_count(&c, "-san_nodefault"), 1);
	ck_assert_int_eq(pair_at(&c, "-popo", "0"), i + 3);
	assert_no_arg(&c, "-newkey");
	assert_no_arg(&c, "-subject");
	assert_no_arg(&c, "-sans");
	command_free(&c);

	build_ok("[CAhandler]\ncmp_mapping = csr\ncmp_popo = -1\n", NULL, req,
	    &c);
	assert_pair(&c, "-csr", "/wd/csr.der");
	assert_pair(&c, "-popo", "-1");
	ck_assert_int_eq(arg_count(&c, "-popo"), 1);
	command_free(&c);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
}
END_TEST

/*
 * Only the methods an RA without the private key can use: 0 and -1.  True
 * and False are no methods; a p10cr sends no -popo and so takes any value.
 */
START_TEST(config_popo_ra_only)
{
	static const char *const refused[] = {
		"1", "2", "3", "-2", "True", "False", "", "00", "+0"
	};
	struct command	c;
	char		text[128];
	size_t		i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(text, sizeof(text), "[CAhandler]\ncmp_popo = %s\n",
		    refused[i]);
		ck_assert_msg(build(text, NULL, NULL, &c) == EX_CONFIG,
		    "cmp_popo = '%s' not refused", refused[i]);
	}
	build_ok("[CAhandler]\ncmp_popo = 0\n", NULL, NULL, &c);
	assert_pair(&c, "-popo", "0");
	command_free(&c);
	build_ok("[CAhandler]\ncmp_cmd = p10cr\ncmp_popo = 1\n", NULL, NULL,
	    &c);
	assert_no_arg(&c, "-popo");
	command_free(&c);
}
END_TEST

START_TEST(config_p10cr)
{
	struct options	o;
	struct command	c;

	build_ok("[CAhandler]\ncmp_cmd = p10cr\ncmp_mapping = fields\n"
	    "cmp_popo = 1\n", NULL, NULL, &c);
	ck_assert_str_eq(c.cmd, "p10cr");
	assert_pair(&c, "-cmd", "p10cr");
	assert_pair(&c, "-csr", "/wd/csr.der");
	assert_no_arg(&c, "-popo");
	assert_no_arg(&c, "-newkey");
	assert_no_arg(&c, "-san_nodefault");
	command_free(&c);

	opts_init(&o);
	o.cmd = "p10cr";
	build_ok("[CAhandler]\ncmp_cmd = ir\n", &o, NULL, &c);
	assert_pair(&c, "-cmd", "p10cr");
	assert_pair(&c, "-csr", "/wd/csr.der");
	assert_no_arg(&c, "-popo");
	command_free(&c);
}
END_TEST

START_TEST(config_mapping_fields)
{
	struct options	 o;
	struct command	 c;
	EVP_PKEY	*key = ut_key();
	X509_REQ	*req;

	req = ut_req_simple(key, "DNS:test.example, IP:127.0.0.1, "
	    "URI:https://test.example/x");
	build_ok("[CAhandler]\ncmp_mapping = fields\n", NULL, req, &c);
	ck_assert_int_eq(c.mapping, MAPPING_FIELDS);
	assert_pair(&c, "-newkey", "/wd/newkey.pem");
	assert_pair(&c, "-subject", "/CN=test.example");
	assert_pair(&c, "-sans",
	    "test.example 127.0.0.1 https://test.example/x");
	assert_pair(&c, "-popo", "0");
	assert_no_arg(&c, "-csr");
	command_free(&c);

	/* --mapping overrides the config. */
	opts_init(&o);
	o.mapping = "fields";
	build_ok("[CAhandler]\ncmp_mapping = csr\n", &o, req, &c);
	assert_pair(&c, "-newkey", "/wd/newkey.pem");
	assert_no_arg(&c, "-csr");
	command_free(&c);
	o.mapping = "csr";
	build_ok("[CAhandler]\ncmp_mapping = fields\n", &o, req, &c);
	assert_pair(&c, "-csr", "/wd/csr.der");
	assert_no_arg(&c, "-newkey");
	command_free(&c);
	X509_REQ_free(req);

	/* No SANs: no -sans. */
	req = ut_req_simple(key, NULL);
	build_ok("[CAhandler]\ncmp_mapping = fields\n", NULL, req, &c);
	assert_pair(&c, "-subject", "/CN=test.example");
	assert_no_arg(&c, "-sans");
	command_free(&c);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(config_mapping_fields_refuses)
{
	struct command	 c;
	EVP_PKEY	*key = ut_key();
	X509_REQ	*req;

	X509_NAME	*empty;

	req = ut_req_simple(key, "DNS:test.example, email:a@test.example");
	ck_assert_int_eq(build("[CAhandler]\ncmp_mapping = fields\n", NULL,
	    req, &c), EX_DATAERR);
	/* The csr mapping carries it byte for byte. */
	build_ok("[CAhandler]\ncmp_mapping = csr\n", NULL, req, &c);
	command_free(&c);
	X509_REQ_free(req);

	/* No subject, no SAN: openssl would take the RA certificate's subject. */
	ck_assert_ptr_nonnull(empty = X509_NAME_new());
	req = ut_req(key, empty, NULL, NULL);
	ck_assert_int_eq(build("[CAhandler]\ncmp_mapping = fields\n", NULL,
	    req, &c), EX_DATAERR);
	X509_REQ_free(req);
	req = ut_req(key, empty, "critical,DNS:only-a-san.example", NULL);
	build_ok("[CAhandler]\ncmp_mapping = fields\n", NULL, req, &c);
	assert_no_arg(&c, "-subject");
	assert_pair(&c, "-sans", "only-a-san.example");
	command_free(&c);
	X509_REQ_free(req);
	X509_NAME_free(empty);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(config_bad_cmd_and_mapping)
{
	struct options	o;
	struct command	c;

	ck_assert_int_eq(build("[CAhandler]\ncmp_cmd = rr\n", NULL, NULL, &c),
	    EX_CONFIG);
	ck_assert_int_eq(build("[CAhandler]\ncmp_cmd = genm\n", NULL, NULL,
	    &c), EX_CONFIG);
	ck_assert_int_eq(build("[CAhandler]\ncmp_mapping = both\n", NULL,
	    NULL, &c), EX_CONFIG);
	opts_init(&o);
	o.mapping = "both";
	ck_assert_int_eq(build("[CAhandler]\n", &o, NULL, &c), EX_USAGE);
}
END_TEST

START_TEST(config_revoke)
{
	struct options	o;
	struct command	c;

	opts_init(&o);
	o.revoke = "/x/cert.pem";
	o.revreason = 1;
	ck_assert_int_eq(setenv("RR_SECRET", "rr-secret", 1), 0);
	build_ok("[CAhandler]\ncmp_server = s:1\ncmp_oldcert = /cfg/old.pem\n"
	    "cmp_ref = 1\ncmp_secret = env:RR_SECRET\ncmp_cmd = cr\n"
	    "cmp_mapping = fields\n", &o, NULL, &c);
	ck_assert_str_eq(c.cmd, "rr");
	assert_pair(&c, "-cmd", "rr");
	assert_pair(&c, "-oldcert", "/x/cert.pem");
	ck_assert_int_eq(arg_count(&c, "-oldcert"), 1);
	assert_pair(&c, "-revreason", "1");
	assert_pair(&c, "-secret", "env:CMPENROLL_PASS_SECRET");
	assert_env(&c, "CMPENROLL_PASS_SECRET=rr-secret");
	unsetenv("RR_SECRET");
	assert_no_arg(&c, "/cfg/old.pem");
	assert_no_arg(&c, "-certout");
	assert_no_arg(&c, "-extracertsout");
	assert_no_arg(&c, "-cacertsout");
	assert_no_arg(&c, "-csr");
	assert_no_arg(&c, "-newkey");
	assert_no_arg(&c, "-popo");
	command_free(&c);

	o.revreason = -1;
	build_ok("[CAhandler]\ncmp_server = s:1\n", &o, NULL, &c);
	assert_pair(&c, "-oldcert", "/x/cert.pem");
	assert_no_arg(&c, "-revreason");
	command_free(&c);
}
END_TEST

START_TEST(config_kur)
{
	static const char text[] = "[CAhandler]\ncmp_server = s:1\n"
	    "cmp_ref = 1234\ncmp_secret = pass:S\ncmp_cert = /cfg/ra.pem\n"
	    "cmp_key = /cfg/ra.key\n";
	struct options	o;
	struct command	c;

	opts_init(&o);
	o.cmd = "kur";
	o.oldcert = "/x/old.pem";
	o.key = "/x/old.key";
	build_ok(text, &o, NULL, &c);
	assert_pair(&c, "-cmd", "kur");
	assert_pair(&c, "-oldcert", "/x/old.pem");
	assert_pair(&c, "-cert", "/x/old.pem");
	assert_pair(&c, "-key", "/x/old.key");
	ck_assert_int_eq(arg_count(&c, "-cert"), 1);
	ck_assert_int_eq(arg_count(&c, "-key"), 1);
	assert_no_arg(&c, "/cfg/ra.pem");
	assert_no_arg(&c, "/cfg/ra.key");
	/* RFC 9483 4.1.3: signed with the old key, so no MAC. */
	assert_no_arg(&c, "-secret");
	assert_no_arg(&c, "-ref");
	ck_assert_uint_eq(secrets(&c), 0);
	assert_pair(&c, "-certout", "/wd/cert.pem");
	command_free(&c);

	/* A kur without the old key cannot be signed: refused, nothing sent. */
	opts_init(&o);
	o.cmd = "kur";
	o.oldcert = "/x/old.pem";
	ck_assert_int_eq(build("[CAhandler]\ncmp_ref = 1234\n"
	    "cmp_secret = pass:S\n", &o, NULL, &c), EX_USAGE);
	ck_assert_uint_eq(c.argc, 0);
	ck_assert_int_eq(build("[CAhandler]\ncmp_cmd = kur\n", NULL, NULL,
	    &c), EX_CONFIG);
	/* A key set to False or to nothing names no file: refused too. */
	ck_assert_int_eq(build("[CAhandler]\ncmp_cmd = kur\ncmp_cert = False\n"
	    "cmp_key = False\ncmp_ref = 1\ncmp_secret = pass:x\n", NULL, NULL,
	    &c), EX_CONFIG);
	ck_assert_int_eq(build("[CAhandler]\ncmp_cmd = kur\ncmp_cert =\n"
	    "cmp_key = /k\n", NULL, NULL, &c), EX_CONFIG);
}
END_TEST

START_TEST(config_reasons)
{
	static const char *const names[] = {
		"unspecified", "keyCompromise", "cACompromise",
		"affiliationChanged", "superseded", "cessationOfOperation",
		"certificateHold", NULL, "removeFromCRL", "privilegeWithdrawn",
		"aACompromise"
	};
	static const char *const bad[] = {
		"7", "11", "-1", "", "x", "1x", "99999999999999999999",
		"unused", "keycompromis"
	};
	char	num[8];
	int	i;

	for (i = 0; i <= 10; i++) {
		snprintf(num, sizeof(num), "%d", i);
		ck_assert_int_eq(config_reason_number(num), i == 7 ? -1 : i);
		if (names[i] != NULL)
			ck_assert_int_eq(config_reason_number(names[i]), i);
	}
	ck_assert_int_eq(config_reason_number("KEYCOMPROMISE"), 1);
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++)
		ck_assert_msg(config_reason_number(bad[i]) == -1,
		    "\"%s\" accepted", bad[i]);
}
END_TEST

START_TEST(config_key_kinds)
{
	ck_assert_int_eq(config_key_kind("cmp_server"), KEY_FLAG);
	ck_assert_int_eq(config_key_kind("cmp_secret"), KEY_OWN);
	ck_assert_int_eq(config_key_kind("cmp_config"), KEY_OWN);
	ck_assert_int_eq(config_key_kind("cmp_keypass"), KEY_SECRET);
	ck_assert_int_eq(config_key_kind("cmp_csr"), KEY_RESERVED);
}
END_TEST

START_TEST(config_acme2certifier)
{
	struct config	cfg;
	struct options	o;
	struct command	c;

	ck_assert_int_eq(load_mode(acme_srv_cfg, 0600, &cfg), 0);
	ck_assert_str_eq(cfg.openssl_bin, "/usr/bin/openssl");
	ck_assert_str_eq(cfg.tmp_dir, "/tmp/acme_cmp");
	opts_init(&o);
	ck_assert_int_eq(config_command(&cfg, &o, &wd, NULL, &c), 0);
	assert_line(&c, "OPENSSL_CONF=/dev/null /usr/bin/openssl cmp -config '' -cmd ir -batch"
	    " -ignore_keyusage -server 127.0.0.1:8086 -path pkix/"
	    " -trusted acme_srv/ca_certs/root.pem -msg_timeout 5"
	    " -total_timeout 10 -ref 1234 -secret '****'"
	    " -recipient /C=DE/CN=tst_sub_ca -csr /wd/csr.der -san_nodefault -popo 0"
	    " -certout /wd/cert.pem -extracertsout /wd/extracerts.pem"
	    " -cacertsout /wd/cacerts.pem");
	ck_assert_uint_eq(secrets(&c), 1);
	ck_assert_str_eq(secret_env(&c), "CMPENROLL_PASS_SECRET=xxx;yyy");
	command_free(&c);
	config_free(&cfg);
}
END_TEST

START_TEST(config_load_errors)
{
	struct config	 cfg;
	char		*path, *err, expect[512];
	static const char dup[] = "[CAhandler]\nk = 1\n\n[CAhandler]\n";

	ck_assert_int_eq(config_load("/nonexistent/cmpenroll.ini",
	    "CAhandler", &cfg), EX_NOINPUT);
	config_free(&cfg);
	ck_assert_int_eq(load_mode("[Other]\ncmp_server = s:1\n", 0600, &cfg),
	    EX_CONFIG);
	config_free(&cfg);
	/* [DEFAULT] alone is not the section. */
	ck_assert_int_eq(load_mode("[DEFAULT]\ncmp_server = s:1\n", 0600,
	    &cfg), EX_CONFIG);
	config_free(&cfg);

	/* cmpenroll: FILE:LINE: message */
	path = ut_temp_file(dup, strlen(dup), 0600);
	ut_stderr_begin();
	ck_assert_int_eq(config_load(path, "CAhandler", &cfg), EX_CONFIG);
	err = ut_stderr_end();
	snprintf(expect, sizeof(expect), "cmpenroll: %s:4: ", path);
	ck_assert_msg(strncmp(err, expect, strlen(expect)) == 0,
	    "stderr \"%s\" does not start \"%s\"", err, expect);
	/* One line. */
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
	config_free(&cfg);
	unlink(path);
	free(path);
	free(err);
}
END_TEST

START_TEST(config_load_defaults)
{
	struct config	cfg;
	char		*path;
	static const char text[] = "[CAhandler]\n";

	path = ut_temp_file(text, strlen(text), 0600);
	ck_assert_int_eq(setenv("TMPDIR", "/var/tmp/ut-cmpenroll", 1), 0);
	ck_assert_int_eq(config_load(path, "CAhandler", &cfg), 0);
	ck_assert_str_eq(cfg.openssl_bin, "openssl");
	ck_assert_str_eq(cfg.tmp_dir, "/var/tmp/ut-cmpenroll");
	config_free(&cfg);
	unsetenv("TMPDIR");
	ck_assert_int_eq(config_load(path, "CAhandler", &cfg), 0);
	ck_assert_str_eq(cfg.tmp_dir, "/tmp");
	config_free(&cfg);
	unlink(path);
	free(path);
}
END_TEST

/* Load text with mode; does stderr carry the "readable by others" warning? */
static int
warns(const char *text, int mode)
{
	struct config	 cfg;
	char		*err;
	int		 found;

	ut_stderr_begin();
	ck_assert_int_eq(load_mode(text, mode, &cfg), 0);
	err = ut_stderr_end();
	found = strstr(err, "holds a secret and is readable by others; "
	    "chmod 600") != NULL;
	config_free(&cfg);
	free(err);
	return found;
}

START_TEST(config_readable_secret_warning)
{
	ck_assert_int_eq(warns("[CAhandler]\ncmp_secret = pass:x\n", 0644), 1);
	ck_assert_int_eq(warns("[CAhandler]\ncmp_secret = bare\n", 0640), 1);
	ck_assert_int_eq(warns("[DEFAULT]\ncmp_keypass = kp\n[CAhandler]\n",
	    0644), 1);
	ck_assert_int_eq(warns("[CAhandler]\ncmp_secret = pass:x\n", 0600), 0);
	ck_assert_int_eq(warns("[CAhandler]\ncmp_secret = env:X\n", 0644), 0);
	ck_assert_int_eq(warns("[CAhandler]\ncmp_server = s:1\n", 0644), 0);
}
END_TEST

START_TEST(command_line_quoting)
{
	struct arg	args[] = {
		{ "openssl", 0 }, { "-config", 0 }, { "", 0 },
		{ "-secret", 0 }, { "env:CMPENROLL_PASS_SECRET", 1 },
		{ "-recipient", 0 }, { "/CN=Example CA", 0 },
		{ "-x", 0 }, { "it's", 0 }, { "a\"b", 0 }, { "$HOME", 0 },
		{ "a;b", 0 }, { "/p/x.pem", 0 }, { "k=v:w,z@h+1%", 0 }
	};
	struct command	c;
	char		*line;

	memset(&c, 0, sizeof(c));
	c.argv = args;
	c.argc = sizeof(args) / sizeof(args[0]);
	line = runner_command_line(&c);
	ck_assert_str_eq(line, "openssl -config '' -secret '****' -recipient "
	    "'/CN=Example CA' -x 'it'\\''s' 'a\"b' '$HOME' 'a;b' /p/x.pem "
	    "k=v:w,z@h+1%");
	free(line);
	c.argc = 0;
	line = runner_command_line(&c);
	ck_assert_str_eq(line, "");
	free(line);
}
END_TEST

Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("flags");

	tcase_add_test(tc, config_generic_flags_golden);
	tcase_add_test(tc, config_true_false);
	tcase_add_test(tc, config_file_order_and_foreign_keys);
	tcase_add_test(tc, config_reserved_keys);
	tcase_add_test(tc, config_bad_flag_name);
	tcase_add_test(tc, config_config_flag);
	tcase_add_test(tc, config_recipient_forms);
	tcase_add_test(tc, config_default_timeouts);
	tcase_add_test(tc, config_debug_verbosity);
	tcase_add_test(tc, config_bad_cmd_and_mapping);
	tcase_add_test(tc, config_key_kinds);
	tcase_add_test(tc, config_acme2certifier);
	suite_add_tcase(s, tc);

	tc = tcase_create("secrets");
	tcase_add_test(tc, config_secret_pass);
	tcase_add_test(tc, config_secret_bare);
	tcase_add_test(tc, config_secret_sources_read_here);
	tcase_add_test(tc, config_secret_sources_unusable);
	tcase_add_test(tc, config_secret_flags);
	tcase_add_test(tc, config_secret_and_keypass_together);
	tcase_add_test(tc, config_secret_refused_forms);
	tcase_add_test(tc, config_variables);
	tcase_add_test(tc, config_direct_wins_over_variable);
	tcase_add_test(tc, config_unset_variable);
	tcase_add_test(tc, config_readable_secret_warning);
	tcase_add_test(tc, command_line_quoting);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_add_test(tc, config_mapping_csr);
	tcase_add_test(tc, config_p10cr);
	tcase_add_test(tc, config_popo_ra_only);
	tcase_add_test(tc, config_mapping_fields);
	tcase_add_test(tc, config_mapping_fields_refuses);
	tcase_add_test(tc, config_revoke);
	tcase_add_test(tc, config_kur);
	tcase_add_test(tc, config_reasons);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_test(tc, config_load_errors);
	tcase_add_test(tc, config_load_defaults);
	suite_add_tcase(s, tc);
	return s;
}
