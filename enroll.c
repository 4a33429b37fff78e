/*
 * enroll.c: one CMP transaction.  Enrollment: read and verify the CSR,
 * check the outputs and take their locks, decide whether renewal is due,
 * build the openssl command, run it, collect and write the certificate
 * and its chain.  Revocation: the same without a CSR or outputs.  Every
 * input is read and checked before the CA is contacted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enroll.h"
#include "output.h"
#include "probe.h"
#include "stop.h"

void
enroll_free(struct state *st)
{
	config_free(&st->cfg);
	csr_free(&st->csr);
	command_free(&st->cmd);
	runner_result_free(&st->run);
	chain_free(&st->issued);
	cert_free(st->subject_cert);
	buf_free(&st->json);
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
int
enroll_interpret(struct state *st)
{
	if (st->run.stopped) {
		stop_phase("openssl cmp was running (it was stopped)");
		return msg_stopped();
	}
	if (!st->run.exited) {
		msg_err("openssl cmp died of signal %d", st->run.term_signal);
		return EX_SOFTWARE;
	}
	if (st->run.overflow) {
		msg_err("openssl cmp saved more than %d bytes of certificates",
		    CERTFILE_MAX);
		return EX_PROTOCOL;
	}
	if (st->run.exit_code == 0)
		return 0;
	if (st->run.output.len == 0) {
		msg_err("openssl cmp failed: exit status %d, no output",
		    st->run.exit_code);
		return EX_SOFTWARE;
	}
	diag_read((char *)st->run.output.data, &st->cfg, st->cmd.cmd,
	    &st->diag);
	msg_err("%s", st->diag.message);
	return st->diag.exit_status;
}

/* Does openssl get the CSR's fields rather than the CSR itself? */
static int
needs_fields(const struct state *st)
{
	return st->cmd.mapping == MAPPING_FIELDS &&
	    strcmp(st->cmd.cmd, "p10cr") != 0;
}

int
enroll_build(struct state *st, const struct cli *cli, const struct files *f)
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

/* The csr mapping: openssl reads the CSR from a pipe. */
static int
run_fed(struct state *st)
{
	struct buf	pem = { 0 };
	int		rc;

	if ((rc = csr_pem(&st->csr, &pem)) == 0)
		rc = runner_run(&st->cmd, pem.data, pem.len, RUNNER_CAPTURES,
		    &st->run);
	buf_free(&pem);
	return rc;
}

/* The fields mapping: the CSR's public key in the work folder. */
static int
run_fields(struct state *st, const struct files *f)
{
	int rc;

	if ((rc = write_public_key(st, f->newkey)) != 0)
		return rc;
	return runner_run(&st->cmd, NULL, 0, RUNNER_CAPTURES, &st->run);
}

/*
 * kur's --oldcert and --key, read before anything is sent: openssl would
 * only say that it cannot load them.  The key is read to know that it
 * can be, and wiped.
 */
static int
kur_inputs_sound(const struct cli *cli)
{
	struct buf	b = { 0 };
	int		rc = 0;

	if (cli->opt.oldcert != NULL)
		rc = cert_file_check(cli->opt.oldcert, "--oldcert");
	if (rc == 0 && cli->opt.key != NULL &&
	    util_is_plain_file(cli->opt.key))
		rc = util_read_file(cli->opt.key, CERTFILE_MAX, "--key",
		    EX_DATAERR, &b);
	buf_free(&b);
	return rc;
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
	    (rc = enroll_build(st, cli, &f)) != 0 ||
	    (rc = probe_ca(&st->cfg)) != 0)
		return rc;
	stop_phase("waiting for openssl cmp");
	if ((rc = needs_fields(st) ? run_fields(st, &f) : run_fed(st)) != 0)
		return rc;
	return enroll_interpret(st);
}

static void
append_file(const char *path, void *ctx)
{
	struct buf b = { 0 };

	if (util_read_quiet(path, CERTFILE_MAX, &b) == 0)
		buf_append(ctx, b.data, b.len);
	buf_free(&b);
}

/* The certificates that the files named by the config's keys hold (PEM). */
static void
named_certs(const struct config *cfg, const char *const *keys, size_t n,
    struct buf *out)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (config_gives_value(cfg, keys[i]) &&
		    (v = config_value(cfg, keys[i])) != NULL)
			config_each_file(v, strcmp(keys[i], "cmp_srvcert") != 0,
			    append_file, out);
}

/*
 * The chain is complete when it reaches a self-signed root or a trusted
 * certificate.  Where the CA's certificates stop short, the config's
 * complete it.  Still short: a warning naming the issuer missing, or with
 * --require-chain a refusal (65) before anything is written.
 */
static int
complete_chain(struct state *st, const struct cli *cli)
{
	static const char *const trusted[] = { "cmp_trusted" };
	static const char *const others[] = { "cmp_untrusted",
	    "cmp_extracerts", "cmp_srvcert" };
	struct buf	 t = { 0 }, o = { 0 };
	char		 missing[512];

	if (!st->issued.complete) {
		named_certs(&st->cfg, trusted, 1, &t);
		named_certs(&st->cfg, others, 3, &o);
		chain_complete(&st->issued, &t, &o);
		buf_free(&t);
		buf_free(&o);
	}
	if (st->issued.complete)
		return 0;
	chain_missing(&st->issued, missing, sizeof(missing));
	if (cli->require_chain) {
		msg_err("chain incomplete: no certificate for issuer %s; add it "
		    "to cmp_untrusted", missing);
		return EX_DATAERR;
	}
	msg_warn("chain incomplete: no certificate for issuer %s; add it to "
	    "cmp_untrusted", missing);
	return 0;
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

/* The command on stdout, as a line to paste, instead of running it. */
int
enroll_dry_run(struct state *st, const struct cli *cli, const struct files *f)
{
	struct buf	 b = { 0 };
	char		*line;
	int		 rc;

	if ((rc = config_command(&st->cfg, &cli->opt, f, st->csr.view,
	    &st->cmd)) != 0)
		return rc;
	line = runner_command_line(&st->cmd);
	buf_printf(&b, "%s\n", line);
	free(line);
	rc = stop_pending() ? msg_stopped() : output_stdout(&b);
	buf_free(&b);
	return rc;
}

/* Names that work when the dry-run line is pasted into an empty folder. */
static const struct files pasted = { .newkey = "newkey.pem",
    .certout = "cert.pem", .extracertsout = "extracerts.pem",
    .cacertsout = "cacerts.pem" };

static int
dry_run(struct state *st, const struct cli *cli)
{
	struct files f = pasted;

	f.csr = cli->csr_path;
	return enroll_dry_run(st, cli, &f);
}

/* The outputs the user named; none: the bundle on standard output. */
static size_t
targets(const struct cli *cli, struct output_target *t)
{
	size_t n = 0;

	if (cli->out != NULL)
		t[n++] = (struct output_target){ cli->out, 1, 1 };
	if (cli->cert_out != NULL)
		t[n++] = (struct output_target){ cli->cert_out, 1, 0 };
	if (cli->chain_out != NULL)
		t[n++] = (struct output_target){ cli->chain_out, 0, 1 };
	if (n == 0 && !cli->json)
		t[n++] = (struct output_target){ "-", 1, 1 };
	return n;
}

/*
 * The renewal check and everything after it run under the outputs'
 * locks: of two runs on one output, the second finds the first's
 * certificate, not due.
 */
int
enroll_csr(struct state *st, const struct cli *cli)
{
	struct output_target	 t[OUTPUTS_MAX];
	const char		*renewed = cli->out ? cli->out : cli->cert_out;
	const X509_PUBKEY	*key;
	char			 text[1024];
	size_t			 nt = targets(cli, t);
	int			 rc;

	stop_phase("reading the CSR");
	if ((rc = csr_load(cli->csr_path, &st->csr)) != 0 ||
	    (rc = kur_inputs_sound(cli)) != 0 ||
	    (rc = output_check_targets(t, nt)) != 0)
		return rc;
	if (!cli->dry_run && (rc = output_lock_targets(t, nt)) != 0)
		return rc;
	key = csr_pubkey(st->csr.view);
	if (cli->renew_within >= 0 && chain_not_due(renewed, key,
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
	stop_phase("writing the certificate");
	if ((rc = chain_collect(&st->run.captured[0], &st->run.captured[1],
	    &st->run.captured[2], key, &st->issued)) != 0 ||
	    (rc = complete_chain(st, cli)) != 0 ||
	    (rc = output_write(t, nt, &st->issued)) != 0)
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

int
enroll_revoke(struct state *st, const struct cli *cli)
{
	struct files	 f;
	char		 text[1024];
	int		 rc;

	stop_phase("reading the certificate to revoke");
	if ((rc = load_cert(cli->opt.revoke, &st->subject_cert)) != 0)
		return rc;
	if (cli->dry_run) {
		st->status = "revoked";
		return dry_run(st, cli);
	}
	if ((rc = prepare_files(st, 0, &f)) != 0 ||
	    (rc = enroll_build(st, cli, &f)) != 0 ||
	    (rc = probe_ca(&st->cfg)) != 0)
		return rc;
	stop_phase("waiting for openssl cmp");
	if ((rc = runner_run(&st->cmd, NULL, 0, 0, &st->run)) != 0 ||
	    (rc = enroll_interpret(st)) != 0)
		return rc;
	st->status = "revoked";
	describe(st->subject_cert, text, sizeof(text));
	msg_info("revoked %s", text);
	return 0;
}
