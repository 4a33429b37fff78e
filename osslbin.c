/*
 * osslbin.c: asking the configured openssl what it is ("openssl version",
 * "openssl cmp -help"), in the environment a run gives it, within the
 * deadline.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "echo.h"
#include "osslbin.h"
#include "runner.h"
#include "stop.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The openssl cmp flags that later releases added, and the first release
 * with each: from the -help of 3.0.19, 3.2.6, 3.5.4 and 3.6.0, and the
 * release notes of 3.3 for what 3.2 lacks and 3.5 has.
 */
static const struct {
	const char	*flag;
	const char	*since;
} later_flags[] = {
	{ "oldwithold", "3.2" },	{ "newwithnew", "3.2" },
	{ "newwithold", "3.2" },	{ "oldwithnew", "3.2" },
	{ "serial", "3.2" },		{ "srvcertout", "3.2" },
	{ "ref_cert", "3.2" },		{ "rsp_newwithnew", "3.2" },
	{ "rsp_newwithold", "3.2" },	{ "rsp_oldwithnew", "3.2" },
	{ "profile", "3.3" },		{ "no_cache_extracerts", "3.3" },
	{ "reqout_only", "3.3" },
	{ "template", "3.5" },		{ "keyspec", "3.5" },
	{ "crlcert", "3.5" },		{ "oldcrl", "3.5" },
	{ "crlout", "3.5" },		{ "crlform", "3.5" },
	{ "centralkeygen", "3.5" },	{ "newkeyout", "3.5" },
	{ "provparam", "3.5" },		{ "rsp_crl", "3.5" },
	{ "rsp_key", "3.5" },		{ "rsp_keypass", "3.5" },
};

/* The release that added flag (without its '-'), or NULL. */
const char *
osslbin_flag_since(const char *flag)
{
	size_t i;

	for (i = 0; i < NITEMS(later_flags); i++)
		if (strcmp(flag, later_flags[i].flag) == 0)
			return later_flags[i].since;
	return NULL;
}

/* Run the configured openssl with args; its output in r.  0: it ran. */
static int
run(const struct config *cfg, const char *const *args, size_t n,
    struct run_result *r)
{
	struct command	c;
	enum echo_mode	was;
	int		rc;

	/* What openssl says of itself is no news for -v. */
	was = echo_set_mode(ECHO_NONE);
	config_openssl_command(cfg, args, n, &c);
	rc = runner_run(&c, NULL, 0, 0, r);
	command_free(&c);
	echo_set_mode(was);
	return rc;
}

/* Why the binary gave no answer: reported, as an exit status. */
static int
no_answer(const struct config *cfg, const struct run_result *r, int rc,
    const char *what)
{
	if (rc != 0)
		return rc;
	if (r->stopped)
		return msg_stopped();
	msg_err("%s %s: is cmp_openssl_bin an OpenSSL 3 binary?",
	    cfg->openssl_bin, what);
	return EX_CONFIG;
}

/*
 * "OpenSSL 3.0.19 27 Jan 2026 ..." as 0x030013, and "3.0.19" in text; 0
 * when s does not start so.
 */
unsigned long
osslbin_parse_version(const char *s, char *text, size_t textsz)
{
	unsigned long	 part[3];
	const char	*start;
	char		*end;
	size_t		 i;

	if (strncmp(s, "OpenSSL ", 8) != 0)
		return 0;
	start = s += 8;
	for (i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*s))
			return 0;
		part[i] = strtoul(s, &end, 10);
		if (part[i] > 255 || (i < 2 && *end != '.'))
			return 0;
		s = end + (i < 2);
	}
	snprintf(text, textsz, "%.*s", (int)(s - start), start);
	return part[0] << 16 | part[1] << 8 | part[2];
}

/*
 * The version of the configured openssl, asked once per run.  Reports
 * and returns an exit status: 78 when it is no OpenSSL 3.
 */
int
osslbin_version(const struct config *cfg, struct osslbin_version *v)
{
	static const char *const args[] = { "version" };
	static struct osslbin_version known;
	struct run_result	r;
	int			rc;

	if (known.number != 0) {
		*v = known;
		return 0;
	}
	rc = run(cfg, args, NITEMS(args), &r);
	if (rc == 0 && r.exited && r.exit_code == 0 && r.output.len > 0)
		known.number = osslbin_parse_version((char *)r.output.data,
		    known.text, sizeof(known.text));
	if (known.number < 0x030000)
		rc = no_answer(cfg, &r, rc, "version names no OpenSSL 3");
	runner_result_free(&r);
	*v = known;
	return known.number >= 0x030000 ? 0 : rc;
}

/*
 * What openssl cmp -help prints, after a newline (so that every flag line
 * starts "\n -"), or NULL with *rc set and reported.
 */
char *
osslbin_help(const struct config *cfg, int *rc)
{
	static const char *const args[] = { "cmp", "-help" };
	struct run_result	 r;
	char			*help = NULL;

	*rc = run(cfg, args, NITEMS(args), &r);
	if (*rc == 0 && r.exited && r.exit_code == 0 && r.output.len > 0 &&
	    strstr((char *)r.output.data, "\n -cmd ") != NULL) {
		help = util_xcalloc(1, r.output.len + 2);
		help[0] = '\n';
		memcpy(help + 1, r.output.data, r.output.len);
	} else
		*rc = no_answer(cfg, &r, *rc, "cmp -help lists no flags");
	runner_result_free(&r);
	return help;
}
