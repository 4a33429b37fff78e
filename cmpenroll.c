/*
 * cmpenroll: enroll a certificate from a CMP CA by running openssl cmp.
 * main() reads as the pipeline: options, config, then the one thing asked
 * for (a check, a revocation, an enrollment), then the result.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include "ask.h"
#include "confcheck.h"
#include "echo.h"
#include "enroll.h"
#include "genm.h"
#include "output.h"
#include "stop.h"
#include "util.h"

#define VERSION		"1.0.0"
#define DEFAULT_CONFIG	"/etc/cmpenroll/cmpenroll.ini"
#define DEFAULT_SECTION	"CAhandler"

enum {
	OPT_MAPPING = 256, OPT_CMD, OPT_OLDCERT, OPT_KEY, OPT_REVOKE,
	OPT_REASON, OPT_CERT_OUT, OPT_CHAIN_OUT, OPT_RENEW, OPT_CHECK,
	OPT_JSON, OPT_OLDROOT, OPT_CRL_CERT, OPT_OLD_CRL, OPT_REQUIRE_CHAIN,
	/* --get-*: the general message's mode (genm.h) follows */
	OPT_GET = 512
};

static const struct option long_options[] = {
	{ "config",	  required_argument, NULL, 'c' },
	{ "section",	  required_argument, NULL, 's' },
	{ "mapping",	  required_argument, NULL, OPT_MAPPING },
	{ "cmd",	  required_argument, NULL, OPT_CMD },
	{ "oldcert",	  required_argument, NULL, OPT_OLDCERT },
	{ "key",	  required_argument, NULL, OPT_KEY },
	{ "revoke",	  required_argument, NULL, OPT_REVOKE },
	{ "reason",	  required_argument, NULL, OPT_REASON },
	{ "timeout",	  required_argument, NULL, 't' },
	{ "out",	  required_argument, NULL, 'o' },
	{ "cert-out",	  required_argument, NULL, OPT_CERT_OUT },
	{ "chain-out",	  required_argument, NULL, OPT_CHAIN_OUT },
	{ "renew-within", required_argument, NULL, OPT_RENEW },
	{ "require-chain", no_argument,	     NULL, OPT_REQUIRE_CHAIN },
	{ "dry-run",	  no_argument,	     NULL, 'n' },
	{ "check",	  no_argument,	     NULL, OPT_CHECK },
	{ "json",	  no_argument,	     NULL, OPT_JSON },
	{ "get-ca-certs", no_argument,	     NULL, OPT_GET + GENM_CA_CERTS },
	{ "get-root-update", no_argument,    NULL, OPT_GET + GENM_ROOT_UPDATE },
	{ "oldroot",	  required_argument, NULL, OPT_OLDROOT },
	{ "get-template", no_argument,	     NULL, OPT_GET + GENM_TEMPLATE },
	{ "get-crl",	  no_argument,	     NULL, OPT_GET + GENM_CRL },
	{ "crl-cert",	  required_argument, NULL, OPT_CRL_CERT },
	{ "old-crl",	  required_argument, NULL, OPT_OLD_CRL },
	{ "verbose",	  no_argument,	     NULL, 'v' },
	{ "quiet",	  no_argument,	     NULL, 'q' },
	{ "help",	  no_argument,	     NULL, 'h' },
	{ "version",	  no_argument,	     NULL, 'V' },
	{ NULL,		  0,		     NULL, 0 }
};

static const char synopsis[] =
    "usage: cmpenroll [-nqvV] [-c file] [-s section] [-t seconds] "
    "[--mapping csr|fields]\n"
    "                 [--cmd ir|cr|p10cr|kur] [--oldcert file] "
    "[--key file]\n"
    "                 [-o file] [--cert-out file] [--chain-out file] "
    "[--renew-within days]\n"
    "                 [--require-chain] [--json] [--check] csr\n"
    "       cmpenroll [options] --revoke cert [--reason reason]\n"
    "       cmpenroll [options] --get-ca-certs | --get-template |\n"
    "                 --get-root-update --oldroot file |\n"
    "                 --get-crl [--crl-cert file] [--old-crl file]\n";

/* --help: every option, the reasons and the exit codes, one line each. */
static const char help[] =
    "\nEnroll a certificate for a PKCS#10 CSR (a file, or - for stdin) from a "
    "CMP CA\nthrough openssl cmp, and print it and its chain (PEM) on "
    "stdout.\n\n"
    "  -c, --config FILE       the ini file ($CMPENROLL_CONFIG, else "
    DEFAULT_CONFIG ")\n"
    "  -s, --section NAME      its section (default " DEFAULT_SECTION ")\n"
    "  -t, --timeout SECONDS   end the whole run after so long (exit 75)\n"
    "  -o, --out FILE          certificate and chain to FILE (- for stdout)\n"
    "      --cert-out FILE     the certificate alone to FILE\n"
    "      --chain-out FILE    the chain alone to FILE\n"
    "      --renew-within DAYS exit 1 while the certificate in -o or "
    "--cert-out is\n"
    "                          valid for more than DAYS days\n"
    "      --require-chain     refuse (65) a chain that does not reach a "
    "root\n"
    "      --mapping csr|fields  send the CSR (default), or its key, "
    "subject and names\n"
    "      --cmd ir|cr|p10cr|kur the request type (default ir, or "
    "cmp_cmd)\n"
    "      --oldcert FILE      kur: the certificate to update\n"
    "      --key FILE          kur: its private key\n"
    "      --revoke CERT       revoke CERT instead of enrolling\n"
    "      --reason REASON     why CERT is revoked (see below)\n"
    "      --get-ca-certs      ask the CA for its CA certificates\n"
    "      --get-root-update   ask for an update of the root in --oldroot\n"
    "      --oldroot FILE      the root CA certificate to update\n"
    "      --get-template      ask which subject, extensions and key the CA "
    "wants\n"
    "      --get-crl           ask for the CRL of --crl-cert or newer than "
    "--old-crl\n"
    "      --crl-cert FILE     a certificate whose issuer's CRL is wanted\n"
    "      --old-crl FILE      the CRL held now (exit 1 while it is "
    "current)\n"
    "  -n, --dry-run           print the openssl command (secrets masked); "
    "send nothing\n"
    "      --check             check the config (and CSR) against openssl; "
    "send nothing\n"
    "      --json              print the result, errors included, as one "
    "JSON object\n"
    "  -v, --verbose           show the openssl command and its log; -vv: "
    "debug log\n"
    "  -q, --quiet             print nothing but errors\n"
    "  -h, --help              this help\n"
    "  -V, --version           the version and the libcrypto it runs with\n"
    "\nreasons: unspecified(0) keyCompromise(1) cACompromise(2) "
    "affiliationChanged(3)\n  superseded(4) cessationOfOperation(5) "
    "certificateHold(6) removeFromCRL(8)\n  privilegeWithdrawn(9) "
    "aACompromise(10)\n"
    "\nexit status:\n"
    "  0    done\n"
    "  1    not due for renewal, or the CA has nothing new (--get-*)\n"
    "  64   wrong command line\n"
    "  65   the CSR or a certificate is refused\n"
    "  66   an input file cannot be read\n"
    "  69   the CA cannot be reached\n"
    "  70   internal error\n"
    "  71   the system refused a resource (fork, pipe)\n"
    "  73   an output cannot be written\n"
    "  75   try again later (the CA waits, a timeout)\n"
    "  76   the CA's answer breaks the protocol\n"
    "  77   the CA refused, or authentication failed\n"
    "  78   configuration error (cmpenroll --check shows all)\n"
    "  128+n  stopped by signal n\n"
    "\nThe configuration keys and the rest: man cmpenroll\n";

static void
usage(FILE *f, int full)
{
	fputs(synopsis, f);
	if (full)
		fputs(help, f);
}

static int
bad_usage(const char *why, const char *arg)
{
	msg_err("%s%s%s; see cmpenroll --help", why, arg ? ": " : "",
	    arg ? arg : "");
	return EX_USAGE;
}

static int
parse_number(const char *s, long max, long *out)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < 0 || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
parse_option(struct cli *cli, int ch, const char *arg)
{
	long n;

	switch (ch) {
	case 'c': cli->opt.config_path = arg; break;
	case 's': cli->opt.section = arg; break;
	case OPT_MAPPING:
		if (strcmp(arg, "csr") != 0 && strcmp(arg, "fields") != 0)
			return bad_usage("--mapping takes csr or fields", arg);
		cli->opt.mapping = arg;
		break;
	case OPT_CMD:
		if (!config_cmd_known(arg))
			return bad_usage("--cmd takes ir, cr, p10cr or kur",
			    arg);
		cli->opt.cmd = arg;
		break;
	case OPT_OLDCERT: cli->opt.oldcert = arg; break;
	case OPT_KEY: cli->opt.key = arg; break;
	case OPT_REVOKE: cli->opt.revoke = arg; break;
	case OPT_REASON:
		if ((cli->opt.revreason = config_reason_number(arg)) < 0)
			return bad_usage("unknown revocation reason", arg);
		break;
	case 't':
		if (parse_number(arg, 86400 * 365, &n) != 0 || n == 0)
			return bad_usage("--timeout takes seconds", arg);
		stop_set_deadline((unsigned int)n);
		break;
	case 'o': cli->out = arg; break;
	case OPT_CERT_OUT: cli->cert_out = arg; break;
	case OPT_CHAIN_OUT: cli->chain_out = arg; break;
	case OPT_RENEW:
		if (parse_number(arg, 100000, &cli->renew_within) != 0)
			return bad_usage("--renew-within takes days", arg);
		break;
	case OPT_REQUIRE_CHAIN: cli->require_chain = 1; break;
	case OPT_OLDROOT: cli->oldroot = arg; break;
	case OPT_CRL_CERT: cli->crl_cert = arg; break;
	case OPT_OLD_CRL: cli->old_crl = arg; break;
	case 'n': cli->dry_run = 1; break;
	case OPT_CHECK: cli->check = 1; break;
	case OPT_JSON: cli->json = 1; break;
	case 'v': verbosity = verbosity < 0 ? 1 : verbosity + 1; break;
	case 'q': verbosity = -1; break;
	case ':': return bad_usage("option needs an argument", arg);
	default:
		if (ch < OPT_GET || ch >= OPT_GET + GENM_MODES)
			return bad_usage("unknown option", arg);
		if (cli->genm >= 0 && cli->genm != ch - OPT_GET)
			return bad_usage("one --get- mode at a time", arg);
		cli->genm = ch - OPT_GET;
		cli->opt.genm = 1;
	}
	return 0;
}

/* A general message takes no CSR and none of the enrollment's options. */
static int
check_genm_usage(const struct cli *cli, int nargs)
{
	if (nargs != 0 || cli->opt.revoke || cli->cert_out || cli->chain_out ||
	    cli->renew_within >= 0 || cli->require_chain || cli->opt.cmd ||
	    cli->opt.mapping ||
	    cli->opt.oldcert || cli->opt.key || cli->opt.revreason >= 0)
		return bad_usage("a --get- mode takes no CSR, and of the output "
		    "options only -o and --json", NULL);
	if ((cli->genm == GENM_ROOT_UPDATE) != (cli->oldroot != NULL))
		return bad_usage("--get-root-update and --oldroot go together",
		    NULL);
	if (cli->genm != GENM_CRL && (cli->crl_cert || cli->old_crl))
		return bad_usage("--crl-cert and --old-crl go with --get-crl",
		    NULL);
	if (cli->genm == GENM_CRL && !cli->crl_cert && !cli->old_crl)
		return bad_usage("--get-crl needs --crl-cert or --old-crl",
		    NULL);
	return 0;
}

static int
is_stdout(const char *path)
{
	return path != NULL && strcmp(path, "-") == 0;
}

/* Options that make no sense together are refused before any work. */
static int
check_usage(struct cli *cli, int argc, char **argv)
{
	const char	*renewed = cli->out ? cli->out : cli->cert_out;
	int		 nargs = argc - optind;

	if (cli->dry_run && cli->check)
		return bad_usage("--dry-run and --check exclude each other",
		    NULL);
	if (cli->json && (is_stdout(cli->out) || is_stdout(cli->cert_out) ||
	    is_stdout(cli->chain_out)))
		return bad_usage("--json is what goes to standard output; "
		    "name a file for the PEM", NULL);
	if (cli->genm >= 0)
		return check_genm_usage(cli, nargs);
	if (cli->oldroot || cli->crl_cert || cli->old_crl)
		return bad_usage("--oldroot, --crl-cert and --old-crl go with "
		    "their --get- mode", NULL);
	if (cli->opt.revoke != NULL ? nargs != 0 :
	    nargs != 1 && !(cli->check && nargs == 0))
		return bad_usage(cli->opt.revoke ? "--revoke takes no CSR" :
		    "exactly one CSR file (or -) is needed", NULL);
	cli->csr_path = nargs == 1 ? argv[optind] : NULL;
	if (cli->opt.revreason >= 0 && cli->opt.revoke == NULL)
		return bad_usage("--reason goes with --revoke", NULL);
	if ((cli->opt.oldcert || cli->opt.key) &&
	    (cli->opt.cmd == NULL || strcmp(cli->opt.cmd, "kur") != 0))
		return bad_usage("--oldcert and --key go with --cmd kur",
		    NULL);
	if (cli->renew_within >= 0 && (renewed == NULL ||
	    strcmp(renewed, "-") == 0))
		return bad_usage("--renew-within needs -o or --cert-out naming "
		    "a file", NULL);
	if (cli->opt.revoke != NULL && (cli->out || cli->cert_out ||
	    cli->chain_out || cli->renew_within >= 0 || cli->require_chain))
		return bad_usage("--revoke writes no certificate", NULL);
	return 0;
}

/* The libcrypto this binary runs with, and the one it was built against. */
static void
print_version(void)
{
	printf("cmpenroll %s (running %s; built against %s)\n", VERSION,
	    OpenSSL_version(OPENSSL_VERSION), OPENSSL_VERSION_TEXT);
}

static const char shortopts[] = ":c:s:t:o:nvqhV";

/* --json shapes every error, a bad option's too: so it is found first. */
static int
wants_json(int argc, char **argv)
{
	int ch, json = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, long_options,
	    NULL)) != -1)
		json |= ch == OPT_JSON;
	optind = 0;
	return json;
}

static int
parse_args(struct cli *cli, int argc, char **argv)
{
	int ch, rc;

	memset(cli, 0, sizeof(*cli));
	cli->opt.revreason = -1;
	cli->renew_within = -1;
	cli->genm = -1;
	cli->json = wants_json(argc, argv);
	/* getopt's own messages would not be one "cmpenroll: " line. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, long_options,
	    NULL)) != -1) {
		if (ch == '?' || ch == ':')
			optarg = argv[optind - 1];
		if (ch == 'h' || ch == 'V') {
			if (ch == 'h')
				usage(stdout, 1);
			else
				print_version();
			exit(fflush(stdout) == 0 ? 0 : EX_CANTCREAT);
		}
		if ((rc = parse_option(cli, ch, optarg)) != 0)
			return rc;
	}
	if (cli->opt.config_path == NULL)
		cli->opt.config_path = getenv("CMPENROLL_CONFIG");
	if (cli->opt.config_path == NULL || *cli->opt.config_path == '\0')
		cli->opt.config_path = DEFAULT_CONFIG;
	if (cli->opt.section == NULL)
		cli->opt.section = DEFAULT_SECTION;
	cli->opt.debug = verbosity > 1;
	return check_usage(cli, argc, argv);
}

/*
 * What goes to stderr while openssl runs: its log under -v; on a
 * terminal, the waiting line, unless -q or --json asked for quiet.
 */
static enum echo_mode
echo_mode(const struct cli *cli)
{
	if (verbosity > 0)
		return ECHO_LOG;
	if (verbosity == 0 && !cli->json && isatty(STDERR_FILENO))
		return ECHO_WAITING;
	return ECHO_NONE;
}

/*
 * From the config on, memory may hold a secret until the exit: no core
 * file, and no reading of this process's memory by others of its user
 * (ptrace, /proc/PID/mem).  openssl, once executed, is dumpable again,
 * but keeps the core limit of 0.
 */
static void
keep_secrets_in(void)
{
	const struct rlimit none = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &none);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int
emit_json(struct state *st, int rc)
{
	struct outcome	 o;
	struct buf	 b = { 0 };

	/* A general message's answer is its own JSON object. */
	if (st->json.len > 0 && (rc == 0 || rc == EX_NOTDUE)) {
		if (output_stdout(&st->json) != 0 && rc == 0)
			rc = EX_CANTCREAT;
		return rc;
	}
	memset(&o, 0, sizeof(o));
	o.status = rc == 0 || rc == EX_NOTDUE ? st->status : "error";
	if (o.status == NULL)
		o.status = rc == 0 ? "ok" : "error";
	o.exit_code = rc;
	o.cert = st->issued.leaf ? st->issued.leaf : st->subject_cert;
	o.issued = st->issued.leaf ? &st->issued : NULL;
	if (rc != 0 && rc != EX_NOTDUE) {
		o.cert = NULL;
		o.diag = &st->diag;
	}
	output_json(&o, &b);
	/* The JSON is the result: when it cannot be written, the run failed. */
	if (output_stdout(&b) != 0 && rc == 0)
		rc = EX_CANTCREAT;
	buf_free(&b);
	return rc;
}

/* The one thing asked for: a general message, a revocation, enrollment. */
static int
run_mode(struct state *st, const struct cli *cli)
{
	if (cli->genm >= 0)
		return ask_ca(st, cli);
	if (cli->opt.revoke != NULL)
		return enroll_revoke(st, cli);
	return enroll_csr(st, cli);
}

/*
 * Every failure says why in one line.  One that has not (a stop that
 * ended a wait without a word) is said here, so that no run fails
 * silently and --json's error is never empty.
 */
static int
report_unsaid(int rc)
{
	if (rc == 0 || rc == EX_NOTDUE || *msg_last_error() != '\0')
		return rc;
	if (stop_pending())
		return msg_stopped();
	msg_err("failed with exit status %d", rc);
	return rc;
}

int
main(int argc, char **argv)
{
	struct state	st;
	struct cli	cli;
	int		rc;

	memset(&st, 0, sizeof(st));
	/*
	 * Nothing in openssl.cnf (OPENSSL_CONF) changes what this process
	 * does: which providers verify the CSR is libcrypto's default.  Its
	 * error strings are never printed, so they are not loaded.
	 */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
	    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
	stop_install();
	if ((rc = parse_args(&cli, argc, argv)) != 0)
		goto out;
	echo_set_mode(echo_mode(&cli));
	keep_secrets_in();
	stop_phase("reading the config");
	if ((rc = config_load(cli.opt.config_path, cli.opt.section,
	    &st.cfg)) != 0)
		goto out;
	if (stop_pending())
		rc = msg_stopped();
	else if (cli.check)
		rc = check_run(&st.cfg, &cli.opt, cli.csr_path);
	else if ((rc = config_rules(&st.cfg)) == 0)
		rc = run_mode(&st, &cli);
out:
	rc = report_unsaid(rc);
	if (cli.json && !cli.dry_run && !cli.check)
		rc = emit_json(&st, rc);
	enroll_free(&st);
	runner_workdir_remove();
	return rc;
}
