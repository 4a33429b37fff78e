/*
 * confcheck.c: --check asks the configured openssl binary which flags its cmp
 * command takes (openssl cmp -help), then reviews every cmp_ key against
 * that list, the files the config names, and the numbers it holds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "confcheck.h"
#include "osslbin.h"

/* Flags whose value names files. */
static const char *const file_flags[] = {
	"trusted", "untrusted", "srvcert", "cert", "key", "extracerts",
	"own_trusted", "out_trusted", "tls_cert", "tls_key", "tls_extra",
	"tls_trusted", "oldcert", "config", "reqin", "rspin"
};

/* Of those, the ones openssl reads as a list split at commas and blanks. */
static const char *const list_flags[] = {
	"trusted", "untrusted", "extracerts", "own_trusted", "out_trusted",
	"tls_extra", "tls_trusted", "reqin", "rspin"
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static int
in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* The " -name type  description" lines of openssl cmp -help. */
static const char *
help_entry(const char *help, const char *flag, char *type, size_t typesz)
{
	char		 needle[96];
	const char	*p = help, *t;
	size_t		 n;

	snprintf(needle, sizeof(needle), "\n -%s ", flag);
	if ((p = strstr(help, needle)) == NULL)
		return NULL;
	t = p + strlen(needle);
	while (*t == ' ')
		t++;
	for (n = 0; t[n] != '\0' && !isspace((unsigned char)t[n]); n++)
		;
	snprintf(type, typesz, "%.*s", (int)n, t);
	return p;
}

static const char *
nearest_flag(const char *help, const char *flag, char *out, size_t sz)
{
	const char	*p;
	char		 name[64];
	size_t		 n, best = 3;

	out[0] = '\0';
	for (p = strstr(help, "\n -"); p != NULL; p = strstr(p + 1, "\n -")) {
		for (n = 0; n < sizeof(name) - 1 && p[3 + n] != '\0' &&
		    !isspace((unsigned char)p[3 + n]); n++)
			name[n] = p[3 + n];
		name[n] = '\0';
		if (n > 0 && util_distance(flag, name) < best) {
			best = util_distance(flag, name);
			snprintf(out, sz, "%s", name);
		}
	}
	return out[0] ? out : NULL;
}

struct file_check {
	const struct config	*cfg;
	const struct ini_entry	*e;
	int			 bad;
};

static void
check_file(const char *path, void *ctx)
{
	struct file_check *fc = ctx;

	if (access(path, R_OK) != 0) {
		msg_err("%s:%lu: %s: cannot read %s", fc->cfg->path, fc->e->line,
		    fc->e->key, path);
		fc->bad = 1;
	}
}

/* Every file the key names must be readable.  1 when one is not. */
static int
check_files(const struct config *cfg, const struct ini_entry *e, int list)
{
	struct file_check fc = { cfg, e, 0 };

	config_each_file(e->value, list, check_file, &fc);
	return fc.bad;
}

static int
is_number(const char *s, int allow_negative)
{
	if (allow_negative && *s == '-')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * A flag that the configured openssl lacks but a later release has:
 * reported as such (1), or 0.
 */
static int
later_flag(const struct config *cfg, const struct ini_entry *e)
{
	struct osslbin_version	 v;
	const char		*since = osslbin_flag_since(e->key + 4);

	if (since == NULL || osslbin_version(cfg, &v) != 0)
		return 0;
	msg_err("%s:%lu: %s needs OpenSSL %s or later; cmp_openssl_bin is %s",
	    cfg->path, e->line, e->key, since, v.text);
	return 1;
}

/*
 * One key that is an openssl flag, against what the configured openssl
 * knows: 1 when it has a problem (already reported).
 */
static int
check_flag(const struct config *cfg, const char *help,
    const struct ini_entry *e)
{
	const char	*flag = e->key + 4;
	char		 type[32], near[64];

	if (help_entry(help, flag, type, sizeof(type)) == NULL) {
		if (later_flag(cfg, e))
			return 1;
		if (nearest_flag(help, flag, near, sizeof(near)) != NULL)
			msg_err("%s:%lu: %s: openssl cmp has no flag -%s; did "
			    "you mean cmp_%s?", cfg->path, e->line, e->key,
			    flag, near);
		else
			msg_err("%s:%lu: %s: openssl cmp has no flag -%s",
			    cfg->path, e->line, e->key, flag);
		return 1;
	}
	if (strcasecmp(e->value, "True") == 0 ||
	    strcasecmp(e->value, "False") == 0)
		return 0;
	if ((strcmp(type, "nonneg") == 0 || strcmp(type, "+int") == 0 ||
	    strcmp(type, "int") == 0) &&
	    !is_number(e->value, strcmp(type, "int") == 0)) {
		msg_err("%s:%lu: %s: %s is not a number", cfg->path, e->line,
		    e->key, e->value);
		return 1;
	}
	if (in_list(flag, list_flags, NITEMS(list_flags)))
		return check_files(cfg, e, 1);
	if (in_list(flag, file_flags, NITEMS(file_flags)))
		return check_files(cfg, e, 0);
	return 0;
}

/*
 * Every cmp_ key: the rules a run applies (confrules.c), then, for a
 * flag, what the configured openssl knows.  The number of problems.
 */
static int
check_keys(const struct config *cfg, const char *help)
{
	const struct ini_entry	**items;
	size_t			  i, n;
	int			  problems = 0;

	n = ini_items(cfg->ini, cfg->section, &items);
	for (i = 0; i < n; i++) {
		if (strncmp(items[i]->key, "cmp_", 4) != 0)
			continue;
		if (config_entry_rules(cfg, items[i]) != 0)
			problems++;
		else if (config_key_kind(items[i]->key) != KEY_OWN)
			problems += check_flag(cfg, help, items[i]);
	}
	free(items);
	return problems;
}

/*
 * Build the command as a run would, against the CSR when one is given:
 * what the mapping refuses (a kur without its key, a CSR the fields
 * mapping cannot carry, a secret source openssl cannot read here) shows
 * now.  Only asked when the keys themselves are sound, so that nothing is
 * reported twice.
 */
static int
check_command(const struct config *cfg, const struct options *opt,
    const struct csr_view *req)
{
	static const struct files f = { .csr = "csr.pem",
	    .newkey = "newkey.pem", .certout = "cert.pem",
	    .extracertsout = "extracerts.pem", .cacertsout = "cacerts.pem" };
	struct command	c;
	int		rc;

	memset(&c, 0, sizeof(c));
	rc = config_command(cfg, opt, &f, req, &c);
	command_free(&c);
	return rc;
}

int
check_run(const struct config *cfg, const struct options *opt,
    const char *csr_path)
{
	struct csr	 csr;
	char		*help;
	int		 problems, rc = 0;

	if ((help = osslbin_help(cfg, &rc)) == NULL)
		return rc;
	problems = check_keys(cfg, help);
	problems += config_section_rules(cfg) != 0;
	free(help);
	memset(&csr, 0, sizeof(csr));
	/* The run's status for the CSR: 66 unreadable, 65 refused. */
	if (csr_path != NULL)
		rc = csr_load(csr_path, &csr);
	if (problems == 0 && rc == 0)
		rc = check_command(cfg, opt, csr.view);
	csr_free(&csr);
	if (problems > 0)
		return EX_CONFIG;
	if (rc == 0)
		msg_info("%s [%s]: no problems found", cfg->path,
		    cfg->section);
	return rc;
}
