/*
 * check_logs.c: the logs of real openssl cmp runs, captured from OpenSSL
 * 3.0.19, 3.2.6, 3.5.4 and 3.6.0 (tests/unit/logs, capture.sh and INDEX
 * there), each read as cmpenroll reads it: every failure gets the exit
 * status and message it should, on every version.  The "evil" cases put
 * openssl's own words, line breaks and terminal controls into what the CA
 * sends: they must change nothing.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "config.h"
#include "diag.h"
#include "util.h"

#define LOGS	"tests/unit/logs"

static const char *const versions[] = { "3.0", "3.2", "3.5", "3.6" };

/*
 * Each case: the exit status and a part of the message; where a version
 * says it otherwise, from which version on (since) the second pair holds.
 */
static const struct log_case {
	const char	*name, *cmd;
	int		 status;
	const char	*says;
	const char	*since;
	int		 later_status;
	const char	*later_says;
} cases[] = {
	{ "bad_cert_file", "ir", EX_CONFIG, "c.ini:8: cmp_cert: openssl cannot "
	    "load /nonexistent/cert.pem", NULL, 0, NULL },
	{ "bad_key_file", "ir", EX_CONFIG, "c.ini:9: cmp_key: openssl cannot "
	    "load /nonexistent/key.pem", NULL, 0, NULL },
	{ "bad_key_notpem", "ir", EX_CONFIG, "openssl cannot load "
	    "/TMP/pki/junk.pem (private key", NULL, 0, NULL },
	{ "bad_trusted_file", "ir", EX_CONFIG, "c.ini:7: cmp_trusted: openssl "
	    "cannot load /nonexistent/trusted.pem", NULL, 0, NULL },
	{ "wrong_keypass", "ir", EX_CONFIG, "c.ini:10: cmp_keypass does not "
	    "decrypt /TMP/pki/ra.key", NULL, 0, NULL },
	{ "encrypted_key_no_keypass", "ir", EX_CONFIG, "c.ini:10: cmp_keypass "
	    "does not decrypt /TMP/pki/ra.key", NULL, 0, NULL },
	{ "tls_wrong_keypass", "ir", EX_CONFIG, "c.ini:11: cmp_tls_keypass "
	    "does not decrypt /TMP/pki/tlscli_enc.key", NULL, 0, NULL },
	{ "unknown_option", "ir", EX_CONFIG, "c.ini:4: cmp_trustd: openssl "
	    "cmp has no flag -trustd", NULL, 0, NULL },
	{ "bad_number", "ir", EX_CONFIG, "c.ini:5: cmp_msg_timeout: soon is "
	    "not a number", NULL, 0, NULL },
	{ "recipient_mixed", "ir", EX_CONFIG, "cannot read cmp_recipient",
	    NULL, 0, NULL },
	{ "no_server", "ir", EX_CONFIG, "no CA is configured", NULL, 0, NULL },
	{ "missing_secret", "ir", EX_CONFIG, "cannot be protected", NULL, 0,
	    NULL },
	{ "silent_total", "ir", EX_CONFIG, "cmp_total_timeout is shorter",
	    NULL, 0, NULL },
	{ "secret_env_unset", "ir", EX_CONFIG, "cannot read a secret's source",
	    NULL, 0, NULL },
	{ "secret_file_unreadable", "ir", EX_CONFIG, "cannot read a secret's "
	    "source", NULL, 0, NULL },
	{ "connect_refused", "ir", EX_UNAVAILABLE, "cannot connect to the CA",
	    NULL, 0, NULL },
	{ "connect_refused_total", "ir", EX_UNAVAILABLE, "cannot connect",
	    NULL, 0, NULL },
	{ "unresolvable", "ir", EX_UNAVAILABLE, "cannot connect to the CA",
	    NULL, 0, NULL },
	{ "proxy_unreachable", "ir", EX_UNAVAILABLE, "cannot connect", NULL,
	    0, NULL },
	{ "proxy_connect_refused", "ir", EX_UNAVAILABLE, "the proxy refused",
	    NULL, 0, NULL },
	{ "silent", "ir", EX_TEMPFAIL, "did not answer in time", NULL, 0,
	    NULL },
	{ "silent_total_eq", "ir", EX_TEMPFAIL, "did not answer in time",
	    NULL, 0, NULL },
	{ "silent_total_msg0", "ir", EX_TEMPFAIL, "did not answer in time",
	    NULL, 0, NULL },
	{ "polling_total_timeout", "ir", EX_TEMPFAIL, "(cmp_total_timeout)",
	    NULL, 0, NULL },
	{ "http_500", "ir", EX_UNAVAILABLE, "the CA answered HTTP 500: "
	    "Internal Server Error", "3.5", EX_PROTOCOL, "not a CMP message" },
	{ "http_500_evil", "ir", EX_UNAVAILABLE, "the CA answered HTTP 500",
	    "3.5", EX_PROTOCOL, "not a CMP message" },
	{ "http_500_pkix", "ir", EX_UNAVAILABLE, "the CA answered HTTP 500",
	    "3.5", EX_PROTOCOL, "not a CMP message" },
	{ "http_200_not_cmp_text", "ir", EX_PROTOCOL, "not a CMP message",
	    NULL, 0, NULL },
	{ "http_200_not_cmp_pkix", "ir", EX_PROTOCOL, "not a CMP message",
	    NULL, 0, NULL },
	{ "http_200_evil_ctype", "ir", EX_PROTOCOL, "not a CMP message",
	    NULL, 0, NULL },
	{ "wrong_secret", "ir", EX_NOPERM, "wrong cmp_secret or cmp_ref",
	    NULL, 0, NULL },
	{ "missing_secret_unprotected", "ir", EX_NOPERM, "but none is "
	    "configured", NULL, 0, NULL },
	{ "bad_srvcert", "ir", EX_NOPERM, "another sender than expected",
	    NULL, 0, NULL },
	{ "bad_srvcert_evil", "ir", EX_NOPERM, "another sender than expected",
	    NULL, 0, NULL },
	{ "untrusted_server", "ir", EX_NOPERM, "signed by no certificate we "
	    "trust", NULL, 0, NULL },
	{ "untrusted_server_evil", "ir", EX_NOPERM, "signed by no certificate "
	    "we trust", NULL, 0, NULL },
	{ "rejection", "ir", EX_NOPERM, "the CA refused the request: "
	    "PKIStatus: rejection; PKIFailureInfo: badRequest; StatusString: "
	    "\"policy says no\"", NULL, 0, NULL },
	{ "rejection_evil", "ir", EX_NOPERM, "the CA refused the request",
	    NULL, 0, NULL },
	{ "rejection_evil_v7", "ir", EX_NOPERM, "the CA refused the request",
	    NULL, 0, NULL },
	{ "error_msg", "ir", EX_NOPERM, "the CA answered with an error: "
	    "PKIStatus: rejection", NULL, 0, NULL },
	{ "kur_unknown_oldcert", "kur", EX_NOPERM, "the CA answered with an "
	    "error", NULL, 0, NULL },
	{ "leaf_other_key", "ir", EX_DATAERR, "another key than the CSR's",
	    NULL, 0, NULL },
	{ "leaf_other_key_evil", "ir", EX_DATAERR, "another key than the "
	    "CSR's", NULL, 0, NULL },
	{ "delayed_confirm", "ir", EX_TEMPFAIL, "delays its confirmation, and "
	    "OpenSSL 3.0 to 3.2 cannot poll for it", NULL, 0, NULL },
	{ "delayed_rr", "rr", EX_TEMPFAIL, "delays its answer to the "
	    "revocation", NULL, 0, NULL },
	{ "tls_untrusted", "ir", EX_NOPERM, "does not verify against "
	    "cmp_tls_trusted: 20 (unable to get local issuer certificate)",
	    NULL, 0, NULL },
	{ "tls_hostname", "ir", EX_NOPERM, "not for the name it was reached "
	    "by", NULL, 0, NULL },
	{ "tls_client_refused_nocert", "ir", EX_NOPERM, "requires a client "
	    "certificate", NULL, 0, NULL },
	{ "tls12_client_refused_nocert", "ir", EX_NOPERM, "requires a client "
	    "certificate", NULL, 0, NULL },
	{ "tls12_client_refused_untrusted", "ir", EX_NOPERM, "refused our "
	    "client certificate", NULL, 0, NULL },
	{ "tls_plain_to_tls", "ir", EX_UNAVAILABLE, "ended the connection "
	    "without an answer", NULL, 0, NULL },
	{ "tls_to_plain", "ir", EX_UNAVAILABLE, "does not answer in TLS",
	    NULL, 0, NULL },
	{ "genm_rootcacert_srv_crash", "genm", EX_CONFIG, "does not know a "
	    "flag it was given: Unknown option: -oldwithold", "3.2",
	    EX_UNAVAILABLE, "ended the connection" },
};

/* The config the captures used, as far as the messages name its lines. */
static const char config_text[] =
    "[CAhandler]\n"				/* 1 */
    "cmp_server = 127.0.0.1:1\n"		/* 2 */
    "cmp_ref = 1234\n"				/* 3 */
    "cmp_trustd = /TMP/pki/root.pem\n"		/* 4 */
    "cmp_msg_timeout = soon\n"			/* 5 */
    "cmp_recipient = /CN=x\n"			/* 6 */
    "cmp_trusted = /nonexistent/trusted.pem\n"	/* 7 */
    "cmp_cert = /nonexistent/cert.pem\n"	/* 8 */
    "cmp_key = /nonexistent/key.pem\n"		/* 9 */
    "cmp_keypass = pass:x\n"			/* 10 */
    "cmp_tls_keypass = pass:y\n";		/* 11 */

static char *
read_log(const char *version, const char *name)
{
	char		 path[512];
	struct buf	 b = { 0 };
	char		*text;

	snprintf(path, sizeof(path), "%s/%s/%s.log", LOGS, version, name);
	if (util_read_quiet(path, 1024 * 1024, &b) != 0)
		return NULL;
	text = util_xstrdup(b.len ? (char *)b.data : "");
	buf_free(&b);
	return text;
}

/* Did openssl succeed in this capture (INDEX: case, client, ..., rc)? */
static int
succeeded(const char *version, const char *name)
{
	struct buf	 b = { 0 };
	char		 needle[256], *p;
	int		 ok = 0;

	snprintf(needle, sizeof(needle), "\n%s\t%s\t", name, version);
	if (util_read_quiet(LOGS "/INDEX", 1024 * 1024, &b) == 0 &&
	    (p = strstr((char *)b.data, needle)) != NULL &&
	    (p = strchr(p + strlen(needle), '\t')) != NULL)
		ok = strncmp(p, "\t0\t", 3) == 0;
	buf_free(&b);
	return ok;
}

static int
version_at_least(const char *v, const char *min)
{
	return min != NULL && strcmp(v, min) >= 0;
}

START_TEST(captured_log)
{
	const struct log_case	*lc = &cases[_i];
	struct cmp_diag		 d;
	struct config		 cfg;
	char			*log;
	const char		*says;
	size_t			 v;
	int			 status, seen = 0;

	ut_config(config_text, &cfg);
	for (v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
		if (succeeded(versions[v], lc->name) ||
		    (log = read_log(versions[v], lc->name)) == NULL)
			continue;
		seen++;
		diag_read(log, &cfg, lc->cmd, &d);
		status = version_at_least(versions[v], lc->since) ?
		    lc->later_status : lc->status;
		says = version_at_least(versions[v], lc->since) ?
		    lc->later_says : lc->says;
		ck_assert_msg(d.exit_status == status && strstr(d.message,
		    says) != NULL, "%s/%s: %d \"%s\", not %d \"...%s...\"",
		    versions[v], lc->name, d.exit_status, d.message, status,
		    says);
		free(log);
	}
	ck_assert_msg(seen > 0, "no log of %s under %s", lc->name, LOGS);
	config_free(&cfg);
}
END_TEST

/* Nothing the CA wrote reaches the one line unescaped. */
START_TEST(captured_evil_stays_quoted)
{
	static const char *const evil[] = {
		"rejection_evil", "rejection_evil_v7", "http_500_evil",
		"http_200_evil_ctype", "bad_srvcert_evil", "leaf_other_key_evil",
		"untrusted_server_evil",
	};
	struct cmp_diag	 d;
	char		*log, out[4096];
	size_t		 i, v;

	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++)
		for (v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
			if ((log = read_log(versions[v], evil[i])) == NULL)
				continue;
			diag_read(log, NULL, "ir", &d);
			msg_vis(out, sizeof(out), d.message, strlen(d.message));
			ck_assert_msg(strpbrk(out, "\x1b\x07\n") == NULL &&
			    strstr(out, "\xc2\x9b") == NULL, "%s/%s: %s",
			    versions[v], evil[i], out);
			free(log);
		}
}
END_TEST

Suite *
logs_suite(void)
{
	Suite	*s = suite_create("logs");
	TCase	*tc = tcase_create("captured");

	tcase_add_loop_test(tc, captured_log, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, captured_evil_stays_quoted);
	suite_add_tcase(s, tc);
	return s;
}
