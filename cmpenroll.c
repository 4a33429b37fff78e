/*
 * cmpenroll: enroll a certificate from a CMP CA by running openssl cmp.
 * main() reads as the pipeline: options, config, CSR, command, run,
 * collect, print.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "chain.h"
#include "confcheck.h"
#include "config.h"
#include "csr.h"
#include "output.h"
#include "runner.h"
#include "util.h"

#define VERSION		"1.0.0"
#define DEFAULT_CONFIG	"/etc/cmpenroll/cmpenroll.ini"
#define DEFAULT_SECTION	"CAhandler"

struct cli {
	struct options	 opt;
	const char	*csr_path;
	const char	*out, *cert_out, *chain_out;
	long		 renew_within;	/* -1: not asked */
	int		 dry_run, check, json;
};

enum {
	OPT_MAPPING = 256, OPT_CMD, OPT_OLDCERT, OPT_KEY, OPT_REVOKE,
	OPT_REASON, OPT_CERT_OUT, OPT_CHAIN_OUT, OPT_RENEW, OPT_CHECK,
	OPT_JSON
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
	{ "dry-run",	  no_argument,	     NULL, 'n' },
	{ "check",	  no_argument,	     NULL, OPT_CHECK },
	{ "json",	  no_argument,	     NULL, OPT_JSON },
	{ "verbose",	  no_argument,	     NULL, 'v' },
	{ "quiet",	  no_argument,	     NULL, 'q' },
	{ "help",	  no_argument,	     NULL, 'h' },
	{ "version",	  no_argument,	     NULL, 'V' },
	{ NULL,		  0,		     NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: cmpenroll [-nqvV] [-c file] [-s section] [-t seconds] "
	    "[--mapping csr|fields]\n"
	    "                 [--cmd ir|cr|p10cr|kur] [--oldcert file] "
	    "[--key file]\n"
	    "                 [-o file] [--cert-out file] [--chain-out file] "
	    "[--renew-within days]\n"
	    "                 [--json] [--check] csr\n"
	    "       cmpenroll [options] --revoke cert [--reason reason]\n");
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
		runner_set_deadline((unsigned int)n);
		break;
	case 'o': cli->out = arg; break;
	case OPT_CERT_OUT: cli->cert_out = arg; break;
	case OPT_CHAIN_OUT: cli->chain_out = arg; break;
	case OPT_RENEW:
		if (parse_number(arg, 100000, &cli->renew_within) != 0)
			return bad_usage("--renew-within takes days", arg);
		break;
	case 'n': cli->dry_run = 1; break;
	case OPT_CHECK: cli->check = 1; break;
	case OPT_JSON: cli->json = 1; break;
	case 'v': verbosity = verbosity < 0 ? 1 : verbosity + 1; break;
	case 'q': verbosity = -1; break;
	case ':': return bad_usage("option needs an argument", arg);
	default: return bad_usage("unknown option", arg);
	}
	return 0;
}

/* Options that make no sense together are refused before any work. */
static int
check_usage(struct cli *cli, int argc, char **argv)
{
	int nargs = argc - optind;

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
	if (cli->renew_within >= 0 && cli->out == NULL &&
	    cli->cert_out == NULL)
		return bad_usage("--renew-within needs -o or --cert-out", NULL);
	if (cli->dry_run && cli->check)
		return bad_usage("--dry-run and --check exclude each other",
		    NULL);
	if (cli->opt.revoke != NULL && (cli->out || cli->cert_out ||
	    cli->chain_out || cli->renew_within >= 0))
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

static int
parse_args(struct cli *cli, int argc, char **argv)
{
	int ch, rc;

	memset(cli, 0, sizeof(*cli));
	cli->opt.revreason = -1;
	cli->renew_within = -1;
	/* getopt's own messages would not be one "cmpenroll: " line. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:s:t:o:nvqhV", long_options,
	    NULL)) != -1) {
		if (ch == '?' || ch == ':')
			optarg = argv[optind - 1];
		if (ch == 'h') {
			usage(stdout);
			exit(0);
		}
		if (ch == 'V') {
			print_version();
			exit(0);
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

/* Everything one run owns; freed in one place. */
struct state {
	struct config	 cfg;
	struct csr	 csr;
	struct command	 cmd;
	struct run_result run;
	struct cmp_diag	 diag;
	struct issued	 issued;
	struct cert	*subject_cert;	/* revoked, or the one not yet due */
	const char	*status;
	char		 key_path[PATH_MAX];
};

static void
state_free(struct state *st)
{
	config_free(&st->cfg);
	csr_free(&st->csr);
	command_free(&st->cmd);
	runner_result_free(&st->run);
	chain_free(&st->issued);
	cert_free(st->subject_cert);
}

/*
 * Where openssl reads the CSR and writes what it saves: pipes, so that no
 * file goes to disk only to be read back.  Only the fields mapping needs
 * the private work folder, for the CSR's public key, since openssl opens
 * -newkey twice.  A revocation saves nothing.
 */
static int
prepare_files(struct state *st, int key_file, struct files *f)
{
	char	*wd;
	int	 rc;

	memset(f, 0, sizeof(*f));
	f->csr = RUNNER_FEED_PATH;
	f->certout = runner_capture_path(0);
	f->extracertsout = runner_capture_path(1);
	f->cacertsout = runner_capture_path(2);
	if (!key_file)
		return 0;
	if ((rc = runner_workdir_create(st->cfg.tmp_dir, &wd)) != 0)
		return rc;
	snprintf(st->key_path, sizeof(st->key_path), "%s/newkey.pem", wd);
	f->newkey = st->key_path;
	return 0;
}

/* The "fields" mapping hands openssl the CSR's public key as a file. */
static int
write_public_key(const struct state *st, const char *path)
{
	struct buf	 pem = { 0 };
	int		 rc;

	if ((rc = csr_key_pem(st->csr.view, &pem)) == 0)
		rc = util_write_new(path, pem.data, pem.len);
	buf_free(&pem);
	return rc;
}

/* What the child's end means, reported once, as an exit status. */
static int
interpret_run(struct state *st)
{
	/* main reports the signal */
	if (st->run.interrupted)
		return 128 + st->run.interrupted;
	if (st->run.timed_out) {
		msg_err("timed out (--timeout); openssl cmp was stopped");
		return EX_TEMPFAIL;
	}
	if (!st->run.exited) {
		msg_err("openssl cmp died of signal %d", st->run.term_signal);
		return EX_SOFTWARE;
	}
	if (st->run.exit_code == 0)
		return 0;
	runner_diagnose(st->run.output.len ? (char *)st->run.output.data : "",
	    &st->diag);
	if (*st->diag.detail == '\0')
		msg_err("%s: exit status %d, no output", st->diag.what,
		    st->run.exit_code);
	else
		msg_err("%s: %s", st->diag.what, st->diag.detail);
	return st->diag.exit_status;
}

/* Does openssl get the CSR's fields rather than the CSR itself? */
static int
needs_fields(const struct state *st)
{
	return st->cmd.mapping == MAPPING_FIELDS &&
	    strcmp(st->cmd.cmd, "p10cr") != 0;
}

static int
build_command(struct state *st, const struct cli *cli, const struct files *f)
{
	char	*line;
	int	 rc;

	if ((rc = config_command(&st->cfg, &cli->opt, f, st->csr.view,
	    &st->cmd)) != 0)
		return rc;
	if (verbosity > 0) {
		line = runner_command_line(&st->cmd);
		msg_info("running %s", line);
		free(line);
	}
	return 0;
}

/*
 * The csr mapping: openssl reads the CSR from a pipe.  It is started
 * first and the signature checked while it loads: it blocks reading the
 * CSR, so nothing reaches the CA before the check has passed, and a CSR
 * that fails it stops openssl with nothing sent.
 */
static int
run_fed(struct state *st, const struct cli *cli)
{
	struct runner_child	 child;
	struct buf		 pem = { 0 };
	int			 rc;

	if ((rc = csr_pem(&st->csr, &pem)) == 0 &&
	    (rc = runner_start(&st->cmd, 1, RUNNER_CAPTURES, &child)) == 0) {
		if ((rc = csr_check(cli->csr_path, &st->csr)) != 0)
			runner_abort(&child);
		else
			rc = runner_finish(&child, pem.data, pem.len,
			    &st->run);
	}
	buf_free(&pem);
	return rc;
}

/* The fields mapping: the CSR's public key in the work folder. */
static int
run_fields(struct state *st, const struct cli *cli, const struct files *f)
{
	int rc;

	if ((rc = csr_check(cli->csr_path, &st->csr)) != 0 ||
	    (rc = write_public_key(st, f->newkey)) != 0)
		return rc;
	return runner_run(&st->cmd, NULL, 0, RUNNER_CAPTURES, &st->run);
}

/*
 * Run openssl on the CSR, which it gets through a pipe, or (mapping
 * fields) as its subject and names on the command line and its public key
 * in a file.  What openssl saves comes back through the capture pipes.
 */
static int
run_command(struct state *st, const struct cli *cli)
{
	struct files	 f;
	int		 rc;

	if ((rc = config_resolve(&st->cfg, &cli->opt, &st->cmd)) != 0 ||
	    (rc = prepare_files(st, needs_fields(st), &f)) != 0 ||
	    (rc = build_command(st, cli, &f)) != 0)
		return rc;
	if ((rc = needs_fields(st) ? run_fields(st, cli, &f) :
	    run_fed(st, cli)) != 0)
		return rc;
	if (st->run.overflow) {
		msg_err("openssl cmp saved more than %d bytes of certificates",
		    CERTFILE_MAX);
		return EX_PROTOCOL;
	}
	return interpret_run(st);
}

static void
describe(const struct cert *c, char *out, size_t sz)
{
	char subject[512], serial[128], expires[64];

	cert_name_text(cert_subject(c), subject, sizeof(subject));
	cert_serial_text(c, serial, sizeof(serial));
	cert_time_text(cert_not_after(c), expires, sizeof(expires));
	snprintf(out, sz, "%s, serial %s, expires %s", subject, serial,
	    expires);
}

/* Output files that could not take the result fail before anything is sent. */
static int
check_targets(const struct cli *cli)
{
	const char	*paths[] = { cli->out, cli->cert_out, cli->chain_out };
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (paths[i] != NULL && (rc = util_check_target(paths[i])) != 0)
			return rc;
	return 0;
}

/*
 * Every file named is staged first and renamed over its target only when
 * all of them were written: a failed run changes none of them.  Standard
 * output gets the bundle when no file was named.
 */
static int
write_outputs(struct state *st, const struct cli *cli)
{
	const struct {
		const char	*path;
		int		 leaf, chain;
	} outs[] = {
		{ cli->out, 1, 1 },
		{ cli->cert_out, 1, 0 },
		{ cli->chain_out, 0, 1 },
	};
	struct staged	 staged[sizeof(outs) / sizeof(outs[0])];
	struct buf	 b = { 0 };
	size_t		 i, n = 0;
	int		 rc = 0;

	for (i = 0; i < sizeof(outs) / sizeof(outs[0]) && rc == 0; i++) {
		if (outs[i].path == NULL)
			continue;
		b.len = 0;
		chain_pem(&st->issued, outs[i].leaf, outs[i].chain, &b);
		if ((rc = util_stage(outs[i].path, b.data, b.len,
		    &staged[n])) == 0)
			n++;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = util_commit(&staged[i]);
		else
			util_discard(&staged[i]);
	}
	if (rc == 0 && n == 0 && !cli->json) {
		b.len = 0;
		chain_pem(&st->issued, 1, 1, &b);
		rc = output_stdout(&b);
	}
	buf_free(&b);
	return rc;
}

static int
dry_run(struct state *st, const struct cli *cli)
{
	/* Names that work when the line is pasted into an empty folder. */
	const struct files f = { cli->csr_path, "newkey.pem", "cert.pem",
	    "extracerts.pem", "cacerts.pem" };
	struct buf	 b = { 0 };
	char		*line;
	int		 rc;

	if ((rc = config_command(&st->cfg, &cli->opt, &f, st->csr.view,
	    &st->cmd)) != 0)
		return rc;
	line = runner_command_line(&st->cmd);
	buf_printf(&b, "%s\n", line);
	free(line);
	rc = output_stdout(&b);
	buf_free(&b);
	return rc;
}

static int
enroll(struct state *st, const struct cli *cli)
{
	const char	*target = cli->out ? cli->out : cli->cert_out;
	const X509_PUBKEY *key;
	char		 text[1024];
	int		 rc;

	if ((rc = csr_read(cli->csr_path, &st->csr)) != 0 ||
	    (rc = check_targets(cli)) != 0)
		return rc;
	/* A run checks the signature while openssl starts (run_fed). */
	if ((cli->dry_run || cli->renew_within >= 0) &&
	    (rc = csr_check(cli->csr_path, &st->csr)) != 0)
		return rc;
	key = csr_pubkey(st->csr.view);
	if (cli->renew_within >= 0 && chain_not_due(target, key,
	    cli->renew_within, &st->subject_cert)) {
		cert_time_text(cert_not_after(st->subject_cert), text,
		    sizeof(text));
		msg_info("not due for renewal (expires %s)", text);
		st->status = "not_due";
		return EX_NOTDUE;
	}
	if (cli->dry_run)
		return dry_run(st, cli);
	if ((rc = run_command(st, cli)) != 0)
		return rc;
	if ((rc = chain_collect(&st->run.captured[0], &st->run.captured[1],
	    &st->run.captured[2], key, &st->issued)) != 0 ||
	    (rc = write_outputs(st, cli)) != 0)
		return rc;
	st->status = "issued";
	describe(st->issued.leaf, text, sizeof(text));
	msg_info("issued %s", text);
	return 0;
}

static int
load_cert(const char *path, struct cert **out)
{
	struct buf	 b = { 0 };
	int		 rc;

	if ((rc = util_read_file(path, CERTFILE_MAX, "certificate",
	    EX_DATAERR, &b)) != 0)
		return rc;
	if (cert_read_pem(b.data, b.len, out, 1) != 1) {
		msg_err("%s: not a PEM certificate", path);
		rc = EX_DATAERR;
	}
	buf_free(&b);
	return rc;
}

static int
revoke_cert(struct state *st, const struct cli *cli)
{
	struct files	 f;
	char		 text[1024];
	int		 rc;

	if ((rc = load_cert(cli->opt.revoke, &st->subject_cert)) != 0)
		return rc;
	if (cli->dry_run) {
		st->status = "revoked";
		return dry_run(st, cli);
	}
	if ((rc = prepare_files(st, 0, &f)) != 0 ||
	    (rc = build_command(st, cli, &f)) != 0 ||
	    (rc = runner_run(&st->cmd, NULL, 0, 0, &st->run)) != 0 ||
	    (rc = interpret_run(st)) != 0)
		return rc;
	st->status = "revoked";
	describe(st->subject_cert, text, sizeof(text));
	msg_info("revoked %s", text);
	return 0;
}

static int
emit_json(struct state *st, int rc)
{
	struct outcome	 o;
	struct buf	 b = { 0 };

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

int
main(int argc, char **argv)
{
	struct state	st;
	struct cli	cli;
	int		rc, sig;

	memset(&st, 0, sizeof(st));
	/*
	 * Nothing in openssl.cnf (OPENSSL_CONF) changes what this process
	 * does: which providers verify the CSR is libcrypto's default.
	 */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	runner_signals_install();
	if ((rc = parse_args(&cli, argc, argv)) != 0)
		goto out;
	if ((rc = config_load(cli.opt.config_path, cli.opt.section,
	    &st.cfg)) != 0)
		goto out;
	if (cli.check)
		rc = check_run(&st.cfg, &cli.opt, cli.csr_path);
	else if (cli.opt.revoke != NULL)
		rc = revoke_cert(&st, &cli);
	else
		rc = enroll(&st, &cli);
out:
	/*
	 * A stop signal that cut the run short, wherever it waited (openssl,
	 * a CSR on stdin): reported here, once.  One that came after the work
	 * was done changes nothing: the outputs are written.
	 */
	if (rc != 0 && (sig = runner_caught_signal()) != 0) {
		msg_err("stopped by signal %d (%s)", sig, strsignal(sig));
		rc = 128 + sig;
	}
	if (cli.json && !cli.dry_run && !cli.check)
		rc = emit_json(&st, rc);
	state_free(&st);
	runner_workdir_remove();
	return rc;
}
