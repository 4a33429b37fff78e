/*
 * ask.c: what cmpenroll asks a CA besides certificates (RFC 9483, 4.3):
 * its CA certificates, a root CA update, a certificate request template,
 * a CRL.  openssl cmp -cmd genm saves the answer in fresh files of the
 * private work folder (it deletes them to say "nothing new", which a pipe
 * would not survive); genm.c reads, checks and orders what it saved.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "cert.h"
#include "genm.h"
#include "osslbin.h"
#include "output.h"
#include "probe.h"
#include "stop.h"

/* The files openssl is to save, in the work folder, and the old root. */
struct saved {
	char		path[GENM_SAVED_MAX][PATH_MAX];
	struct buf	got[GENM_SAVED_MAX];
	struct buf	old_root;
};

/*
 * What refuses the mode before anything is sent: an openssl too old for
 * it, and (root update) a config openssl 3.2 to 3.6 crash on.
 */
static int
refused_before_sending(struct state *st, enum genm_mode mode)
{
	struct osslbin_version	 v;
	const char		*srvcert;
	char			 msg[256];
	int			 rc;

	stop_phase("asking openssl for its version");
	if ((rc = osslbin_version(&st->cfg, &v)) != 0)
		return rc;
	if (genm_version_refusal(mode, v.number, v.text, msg,
	    sizeof(msg)) != NULL) {
		msg_err("%s", msg);
		return EX_CONFIG;
	}
	srvcert = config_value(&st->cfg, "cmp_srvcert");
	if (mode == GENM_ROOT_UPDATE && srvcert != NULL && *srvcert != '\0') {
		msg_err("--get-root-update cannot work with cmp_srvcert: openssl "
		    "cmp crashes on it; name the CA's root in cmp_trusted "
		    "instead");
		return EX_CONFIG;
	}
	return 0;
}

/*
 * The files the command line hands openssl, read and checked before
 * anything is sent: openssl would only say that it cannot load them.
 * The old root is kept: the answer is checked against it.
 */
static int
inputs_sound(const struct cli *cli, struct saved *sv)
{
	struct genm_crl	 crl;
	struct buf	 b = { 0 };
	const char	*why = "holds no CRL";
	int		 rc = 0;

	if (cli->oldroot != NULL && (rc = cert_file_load(cli->oldroot,
	    "--oldroot", &sv->old_root)) != 0)
		return rc;
	if (cli->crl_cert != NULL &&
	    (rc = cert_file_check(cli->crl_cert, "--crl-cert")) != 0)
		return rc;
	if (cli->old_crl == NULL || !util_is_plain_file(cli->old_crl) ||
	    (rc = util_read_file(cli->old_crl, CERTFILE_MAX, "--old-crl",
	    EX_DATAERR, &b)) != 0)
		goto out;
	if (genm_crl_read(&b, &crl, &why) != GENM_OK) {
		msg_err("--old-crl %s: %s", cli->old_crl, why);
		rc = EX_DATAERR;
	}
	genm_crl_free(&crl);
out:
	buf_free(&b);
	return rc;
}

/*
 * The mode's openssl flags into argv; the saved files are named dir/NAME
 * after their flags (NAME alone for a dry run, to paste into a folder).
 */
static size_t
mode_argv(const struct state *st, const struct cli *cli, const char *dir,
    struct saved *sv, const char **argv)
{
	const struct genm_spec	*s = genm_spec((enum genm_mode)cli->genm);
	struct genm_args	 a;
	size_t			 i;

	memset(&a, 0, sizeof(a));
	a.old_root = cli->oldroot;
	/* Without a trust anchor in the config, the old root serves. */
	a.add_trusted = !config_gives_value(&st->cfg, "cmp_trusted");
	a.crl_cert = cli->crl_cert;
	a.old_crl = cli->old_crl;
	for (i = 0; i < GENM_SAVED_MAX && s->saves[i] != NULL; i++) {
		snprintf(sv->path[i], sizeof(sv->path[i]), "%s%s%s",
		    dir != NULL ? dir : "", dir != NULL ? "/" : "",
		    s->saves[i] + 1);
		a.saved[i] = sv->path[i];
	}
	return genm_argv((enum genm_mode)cli->genm, &a, argv, GENM_ARGV_MAX);
}

/* Run openssl and read what it saved: absent files stay empty. */
static int
run_and_collect(struct state *st, const struct cli *cli, struct saved *sv)
{
	const char	*argv[GENM_ARGV_MAX];
	struct files	 f;
	char		*wd;
	size_t		 i;
	int		 rc;

	memset(&f, 0, sizeof(f));
	if ((rc = runner_workdir_create(st->cfg.tmp_dir, &wd)) != 0)
		return rc;
	f.genm = argv;
	f.ngenm = mode_argv(st, cli, wd, sv, argv);
	if ((rc = enroll_build(st, cli, &f)) != 0 ||
	    (rc = probe_ca(&st->cfg)) != 0)
		return rc;
	stop_phase("waiting for openssl cmp");
	if ((rc = runner_run(&st->cmd, NULL, 0, 0, &st->run)) != 0 ||
	    (rc = enroll_interpret(st)) != 0)
		return rc;
	for (i = 0; i < GENM_SAVED_MAX && sv->path[i][0] != '\0'; i++)
		if (util_read_quiet(sv->path[i], CERTFILE_MAX, &sv->got[i]) != 0)
			sv->got[i].len = 0;
	return 0;
}

/* CA text made safe for a terminal, line by line (msg_vis). */
static void
vis_lines(const struct buf *in, struct buf *out)
{
	const char	*s = (const char *)in->data, *end = s + in->len, *nl;
	char		 line[4096 * 4];
	size_t		 n;

	for (; s < end; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		n = msg_vis(line, sizeof(line), s, (size_t)(nl - s));
		buf_append(out, line, n);
		buf_append(out, "\n", 1);
	}
}

/* The answer of each mode, as the text printed and the JSON object. */
static int
answer(enum genm_mode mode, struct saved *sv, struct buf *text,
    struct buf *json, const char **why)
{
	struct genm_certs	 certs;
	struct genm_root	 root;
	struct genm_template	*tmpl = NULL;
	struct genm_crl		 crl;
	struct buf		 raw = { 0 };
	int			 rc = GENM_REFUSED;

	memset(&certs, 0, sizeof(certs));
	memset(&root, 0, sizeof(root));
	memset(&crl, 0, sizeof(crl));
	switch (mode) {
	case GENM_CA_CERTS:
		if ((rc = genm_ca_certs(&sv->got[0], &certs, why)) == GENM_OK) {
			genm_ca_certs_pem(&certs, text);
			genm_ca_certs_json(&certs, json);
		}
		genm_certs_free(&certs);
		break;
	case GENM_ROOT_UPDATE:
		if ((rc = genm_root_update(&sv->old_root, &sv->got[0], &sv->got[1],
		    &sv->got[2], &root, why)) == GENM_OK) {
			genm_root_pem(&root, text);
			genm_root_json(&root, json);
		}
		genm_root_free(&root);
		break;
	case GENM_TEMPLATE:
		if ((rc = genm_template_parse(&sv->got[0], &sv->got[1], &tmpl,
		    why)) == GENM_OK) {
			genm_template_text(tmpl, &raw);
			vis_lines(&raw, text);
			genm_template_json(tmpl, json);
		}
		genm_template_free(tmpl);
		break;
	default:
		if ((rc = genm_crl_read(&sv->got[0], &crl, why)) == GENM_OK) {
			genm_crl_pem(&crl, text);
			genm_crl_json(&crl, json);
		}
		genm_crl_free(&crl);
		break;
	}
	buf_free(&raw);
	return rc;
}

/*
 * Ask the CA, check its answer, print it (-o: write it) or, with --json,
 * leave the JSON object in st->json.  0; EX_NOTDUE when the CA has
 * nothing new; 76 when what it sent does not hold up.
 */
static int
deliver(struct state *st, const struct cli *cli, struct saved *sv)
{
	enum genm_mode	 mode = (enum genm_mode)cli->genm;
	struct buf	 text = { 0 }, json = { 0 };
	const char	*why = NULL;
	int		 rc;

	stop_phase("writing the CA's answer");
	rc = answer(mode, sv, &text, &json, &why);
	if (rc == GENM_NOTHING) {
		msg_info("%s", genm_spec(mode)->nothing);
		genm_nothing_json(mode, &st->json);
		rc = EX_NOTDUE;
	} else if (rc == GENM_REFUSED) {
		msg_err("%s: %s", genm_spec(mode)->option, why);
		rc = EX_PROTOCOL;
	} else {
		/* With --json the answer is the object, and -o still a file. */
		if (!cli->json || cli->out != NULL)
			rc = output_data(cli->out, &text);
		if (rc == 0 && cli->json)
			buf_append(&st->json, json.data, json.len);
	}
	buf_free(&text);
	buf_free(&json);
	return rc;
}

int
ask_ca(struct state *st, const struct cli *cli)
{
	const struct output_target	 t = { cli->out, 0, 0 };
	const char			*argv[GENM_ARGV_MAX];
	struct saved			 sv;
	struct files			 f;
	size_t				 i;
	int				 rc;

	memset(&sv, 0, sizeof(sv));
	if ((rc = refused_before_sending(st, (enum genm_mode)cli->genm)) != 0 ||
	    (rc = inputs_sound(cli, &sv)) != 0)
		goto out;
	if (cli->dry_run) {
		memset(&f, 0, sizeof(f));
		f.genm = argv;
		f.ngenm = mode_argv(st, cli, NULL, &sv, argv);
		rc = enroll_dry_run(st, cli, &f);
		goto out;
	}
	if (cli->out != NULL &&
	    ((rc = output_check_targets(&t, 1)) != 0 ||
	    (rc = output_lock_targets(&t, 1)) != 0))
		goto out;
	if ((rc = run_and_collect(st, cli, &sv)) == 0)
		rc = deliver(st, cli, &sv);
out:
	for (i = 0; i < GENM_SAVED_MAX; i++)
		buf_free(&sv.got[i]);
	buf_free(&sv.old_root);
	return rc;
}
