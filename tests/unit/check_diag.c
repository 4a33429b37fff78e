/*
 * check_diag.c: openssl cmp's log becomes one line and an exit status,
 * decided by openssl's own words and by the first cause.  The cases below
 * are written by hand around the shapes openssl prints; check_logs.c runs
 * the logs captured from real runs of 3.0, 3.2, 3.5 and 3.6.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "config.h"
#include "diag.h"

static struct cmp_diag d;

/* The log's diagnosis without a config: its status. */
static void
diagnose(const char *log, int status)
{
	diag_read(log, NULL, "ir", &d);
	ck_assert_msg(d.exit_status == status, "status %d, not %d: %s",
	    d.exit_status, status, d.message);
	ck_assert_msg(d.message[0] != '\0', "no message");
}

static void
message_has(const char *needle)
{
	ck_assert_msg(strstr(d.message, needle) != NULL, "\"%s\" not in: %s",
	    needle, d.message);
}

START_TEST(diag_rejection)
{
	diagnose("CMP info: sending IR\n"
	    "CMP info: received IP\n"
	    "CMP error: received \"rejection\" status rather than cert\n"
	    "CMP error: request rejected by server:PKIStatus: rejection; "
	    "PKIFailureInfo: badRequest; StatusString: \"bad thing; really\"; "
	    "cannot extract certificate from response\n", EX_NOPERM);
	ck_assert_str_eq(d.pki_status, "rejection");
	ck_assert_str_eq(d.fail_info, "badRequest");
	ck_assert_str_eq(d.status_string, "bad thing; really");
	ck_assert_str_eq(d.message, "the CA refused the request: PKIStatus: "
	    "rejection; PKIFailureInfo: badRequest; StatusString: \"bad "
	    "thing; really\"");
}
END_TEST

START_TEST(diag_two_failure_bits)
{
	diagnose("CMP error: request rejected by server:PKIStatus: rejection; "
	    "PKIFailureInfo: badMessageCheck, badRequest; StatusString: "
	    "\"no\"\n", EX_NOPERM);
	ck_assert_str_eq(d.fail_info, "badMessageCheck, badRequest");
	ck_assert_str_eq(d.status_string, "no");
}
END_TEST

START_TEST(diag_no_status_string)
{
	diagnose("CMP error: request rejected by server:PKIStatus: rejection; "
	    "PKIFailureInfo: badPOP\n", EX_NOPERM);
	ck_assert_str_eq(d.status_string, "");
	ck_assert_str_eq(d.message, "the CA refused the request: PKIStatus: "
	    "rejection; PKIFailureInfo: badPOP");
}
END_TEST

/*
 * The CA's status string holds openssl's words and a line break that
 * fakes a line of openssl's: neither decides, the rejection does.
 */
START_TEST(diag_ca_text_never_decides)
{
	diagnose("CMP info: received IP\n"
	    "CMP error: received \"rejection\" status rather than cert\n"
	    "CMP error: request rejected by server:PKIStatus: rejection; "
	    "PKIFailureInfo: badRequest; StatusString: \"total timeout; "
	    "Unknown option\nCMP error: connect timeout\ncmp: Unknown option: "
	    "-x\n\"; cannot extract certificate from response\n", EX_NOPERM);
	ck_assert_ptr_nonnull(strstr(d.status_string, "connect timeout"));
	/* A fake line before openssl's own: a reason in a polling answer. */
	diagnose("CMP info: received 'waiting' PKIStatus, starting to poll for "
	    "response\n"
	    "CMP info: received polling response with reason = 'soon\nCMP "
	    "error: connect timeout\nx'; checkAfter = 1 seconds\n"
	    "CMP error: total timeout\n", EX_TEMPFAIL);
	message_has("cmp_total_timeout");
	/* An HTTP reason or content type stays inside openssl's line. */
	diagnose("CMP error: received error:code=500, reason=Oops total "
	    "timeout; PKIStatus: waiting\nCMP error: error receiving\n",
	    EX_UNAVAILABLE);
	message_has("the CA answered HTTP 500: Oops");
	diagnose("CMP error: unexpected content type:expected=application/"
	    "pkixcmp, actual=text/plain; total timeout\n", EX_PROTOCOL);
	message_has("not a CMP message");
	/* Error details after the status string. */
	diagnose("CMP error: received error:PKIStatus: rejection; "
	    "PKIFailureInfo: badRequest; StatusString: \"x\"; errorCode: 1; "
	    "errorDetails: y\nCMP error: total timeout\n", EX_NOPERM);
	message_has("the CA answered with an error: PKIStatus: rejection");
}
END_TEST

START_TEST(diag_wrong_secret)
{
	diagnose("CMP info: sending IR\n"
	    "CMP info: received ERROR\n"
	    "CMP warning: verifying PBM-based CMP message protection failed\n"
	    "CMP error: wrong pbm value\n"
	    "CMP error: error validating protection\n", EX_NOPERM);
	message_has("wrong cmp_secret or cmp_ref");
	ck_assert_str_eq(d.pki_status, "");
}
END_TEST

/* The first cause decides: an unreachable CA is 69, timeouts or not. */
START_TEST(diag_first_cause)
{
	diagnose("setup_client_ctx:apps/cmp.c:2335:CMP info: will contact "
	    "http://127.0.0.1:1/ \n"	/* 3.2 on end this line with a blank */
	    "CMP info: sending IR\n"
	    "CMP error: connect timeout\n"
	    "CMP error: total timeout:request sent: IR, expected response: IP\n",
	    EX_UNAVAILABLE);
	message_has("cannot connect to the CA");
	diagnose("CMP info: sending IR\n"
	    "CMP info: received IP\n"
	    "CMP info: received 'waiting' PKIStatus, starting to poll for "
	    "response\n"
	    "CMP info: sending POLLREQ\n"
	    "CMP error: total timeout\n"
	    "CMP error: polling failed\n", EX_TEMPFAIL);
}
END_TEST

START_TEST(diag_waiting)
{
	diagnose("CMP error: request rejected by server:PKIStatus: waiting\n",
	    EX_TEMPFAIL);
	ck_assert_str_eq(d.pki_status, "waiting");
	message_has("try again later");
	/* A delayed certConf, which openssl before 3.3 cannot poll for. */
	diagnose("CMP info: sending CERTCONF\nCMP info: received ERROR\n"
	    "CMP error: received error:PKIStatus: waiting; <no failure info>; "
	    "errorCode: 00000000\nCMP error: unexpected pkistatus\n",
	    EX_TEMPFAIL);
	message_has("issued the certificate but delays its confirmation");
	message_has("OpenSSL 3.3 or later");
	diag_read("CMP info: sending RR\nCMP info: received ERROR\n"
	    "CMP error: received error:PKIStatus: waiting; <no failure info>; "
	    "errorCode: 00000000\n", NULL, "rr", &d);
	ck_assert_int_eq(d.exit_status, EX_TEMPFAIL);
	message_has("delays its answer to the revocation");
}
END_TEST

START_TEST(diag_key_mismatch)
{
	/* The subject is the CA's: its words decide nothing. */
	diagnose("CMP error: rejecting newly enrolled cert with subject: "
	    "/CN=total timeout\nCMP error: key values mismatch\n"
	    "CMP info: sending CERTCONF\n", EX_DATAERR);
	message_has("another key than the CSR's");
}
END_TEST

START_TEST(diag_unrecognised)
{
	diagnose("something went sideways\nno idea\n", EX_SOFTWARE);
	diagnose("CMP info: sending IR\nCMP error: some new error text\n"
	    "last line\n", EX_SOFTWARE);
	ck_assert_str_eq(d.message, "openssl cmp failed: some new error text");
	diagnose("CMP error: some new error text\nlast line\n", EX_SOFTWARE);
	ck_assert_str_eq(d.message, "openssl cmp failed: some new error text");
}
END_TEST

START_TEST(diag_names_the_config_line)
{
	struct config cfg;

	ut_config("[CAhandler]\ncmp_server = s:1\ncmp_trustd = /x.pem\n"
	    "cmp_msg_timeout = soon\ncmp_key = /k.pem\ncmp_keypass = pass:x\n"
	    "cmp_tls_key = /t.pem\n", &cfg);
	diag_read("cmp: Unknown option: -trustd\ncmp: Use -help for summary.\n",
	    &cfg, "ir", &d);
	ck_assert_int_eq(d.exit_status, EX_CONFIG);
	ck_assert_str_eq(d.message, "c.ini:3: cmp_trustd: openssl cmp has no "
	    "flag -trustd; cmpenroll --check lists every problem");
	diag_read("cmp: Can't parse \"soon\" as a number\n", &cfg, "ir", &d);
	ck_assert_str_eq(d.message, "c.ini:4: cmp_msg_timeout: soon is not a "
	    "number");
	diag_read("Could not find private key for CMP client certificate from "
	    "/k.pem\nTID:error:11800074:PKCS12 routines:PKCS12_pbe_crypt_ex:"
	    "pkcs12 cipherfinal error:p12_decr.c:92:maybe wrong password\n"
	    "cmp_main:apps/cmp.c:3787:CMP error: cannot set up CMP context\n",
	    &cfg, "ir", &d);
	ck_assert_int_eq(d.exit_status, EX_CONFIG);
	ck_assert_str_eq(d.message, "c.ini:6: cmp_keypass does not decrypt "
	    "/k.pem");
	diag_read("Could not open file or uri for loading private key for "
	    "CMP client certificate from /k.pem: No such file or directory\n"
	    "cmp_main:apps/cmp.c:3787:CMP error: cannot set up CMP context\n",
	    &cfg, "ir", &d);
	ck_assert_str_eq(d.message, "c.ini:5: cmp_key: openssl cannot load "
	    "/k.pem (private key for CMP client certificate): No such file or "
	    "directory");
	diag_read("Could not read TLS client private key from /t.pem\n"
	    "TID:error:x:y:z:empty password\n", &cfg, "ir", &d);
	ck_assert_str_eq(d.message, "/t.pem is encrypted, and no "
	    "cmp_tls_keypass is set");
	config_free(&cfg);
}
END_TEST

START_TEST(diag_tls)
{
	diagnose("CMP info: sending IR\n"
	    "CMP error: certificate verification failed:Certificate "
	    "verification at depth = 0 error = 20 (unable to get local issuer "
	    "certificate)\nFailure for:\n    certificate\n"
	    "CMP error: certificate verify failed\nCMP error: error sending\n",
	    EX_NOPERM);
	ck_assert_str_eq(d.message, "TLS: the CA's certificate does not verify "
	    "against cmp_tls_trusted: 20 (unable to get local issuer "
	    "certificate)");
	diagnose("CMP error: certificate verification failed:Certificate "
	    "verification at depth = 0 error = 64 (IP address mismatch)\n"
	    "CMP error: certificate verify failed\n", EX_NOPERM);
	message_has("not for the name it was reached by");
	/* Our own chain's check first, then the CA's refusal: the refusal. */
	diagnose("CMP error: certificate verification failed:Certificate "
	    "verification at depth = 0 error = 20 (unable)\n"
	    "CMP error: certificate verify failed:Verify error:unable\n"
	    "CMP warning: could not build cert chain for own TLS cert\n"
	    "CMP info: sending IR\nCMP error: tlsv1 alert unknown ca:SSL alert "
	    "number 48\n", EX_NOPERM);
	message_has("refused our client certificate");
	diagnose("CMP error: tlsv13 alert certificate required:SSL alert number "
	    "116\n", EX_NOPERM);
	message_has("requires a client certificate");
	diagnose("CMP error: wrong version number\n", EX_UNAVAILABLE);
	message_has("does not answer in TLS");
}
END_TEST

Suite *
diag_suite(void)
{
	Suite	*s = suite_create("diag");
	TCase	*tc = tcase_create("rules");

	tcase_add_test(tc, diag_rejection);
	tcase_add_test(tc, diag_two_failure_bits);
	tcase_add_test(tc, diag_no_status_string);
	tcase_add_test(tc, diag_ca_text_never_decides);
	tcase_add_test(tc, diag_wrong_secret);
	tcase_add_test(tc, diag_first_cause);
	tcase_add_test(tc, diag_waiting);
	tcase_add_test(tc, diag_key_mismatch);
	tcase_add_test(tc, diag_unrecognised);
	tcase_add_test(tc, diag_names_the_config_line);
	tcase_add_test(tc, diag_tls);
	suite_add_tcase(s, tc);
	return s;
}
