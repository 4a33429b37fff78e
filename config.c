/*
 * config.c: load the ini file and map the section and the command line to
 * the documented openssl cmp flags.  Keys without the cmp_ prefix belong
 * to other programs (acme2certifier's handler_file, say) and are ignored.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "config.h"
#include "secret.h"

#define PREFIX		"cmp_"
#define PREFIX_LEN	4
#define SECRET_ENV	"CMPENROLL_PASS_"
#define DEFAULT_MSG_TIMEOUT	30
#define DEFAULT_TOTAL_TIMEOUT	120

static const struct key_rule {
	const char	*key;
	enum key_kind	 kind;
} key_rules[] = {
	{ "cmp_openssl_bin",	 KEY_OWN },
	{ "cmp_openssl_conf",	 KEY_OWN },
	{ "cmp_tmp_dir",	 KEY_OWN },
	{ "cmp_ref",		 KEY_OWN },
	{ "cmp_secret",		 KEY_OWN },
	{ "cmp_ref_variable",	 KEY_OWN },
	{ "cmp_secret_variable", KEY_OWN },
	{ "cmp_recipient",	 KEY_OWN },
	{ "cmp_cmd",		 KEY_OWN },
	{ "cmp_popo",		 KEY_OWN },
	{ "cmp_mapping",	 KEY_OWN },
	{ "cmp_config",		 KEY_OWN },
	{ "cmp_certout",	 KEY_RESERVED },
	{ "cmp_extracertsout",	 KEY_RESERVED },
	{ "cmp_cacertsout",	 KEY_RESERVED },
	{ "cmp_csr",		 KEY_RESERVED },
	{ "cmp_newkey",		 KEY_RESERVED },
	{ "cmp_subject",	 KEY_RESERVED },
	{ "cmp_keypass",	 KEY_SECRET },
	{ "cmp_newkeypass",	 KEY_SECRET },
	{ "cmp_tls_keypass",	 KEY_SECRET },
	{ "cmp_otherpass",	 KEY_SECRET },
	{ "cmp_srv_secret",	 KEY_SECRET },
	{ "cmp_srv_keypass",	 KEY_SECRET },
};

/* The request types a config or --cmd may name; rr comes from --revoke. */
static const char *const commands[] = { "ir", "cr", "p10cr", "kur" };

/* RFC 5280, 5.3.1; 7 is not used. */
static const char *const reasons[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
	"superseded", "cessationOfOperation", "certificateHold", NULL,
	"removeFromCRL", "privilegeWithdrawn", "aACompromise"
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct key_rule *
key_rule(const char *key)
{
	size_t i;

	for (i = 0; i < NITEMS(key_rules); i++)
		if (strcmp(key_rules[i].key, key) == 0)
			return &key_rules[i];
	return NULL;
}

/* A reason name or number, as --reason takes it; -1 when it is neither. */
int
config_reason_number(const char *s)
{
	char	*end;
	long	 n;
	size_t	 i;

	for (i = 0; i < NITEMS(reasons); i++)
		if (reasons[i] != NULL && strcasecmp(s, reasons[i]) == 0)
			return (int)i;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n < 0 || n >= (long)NITEMS(reasons) ||
	    reasons[n] == NULL)
		return -1;
	return (int)n;
}

enum key_kind
config_key_kind(const char *key)
{
	const struct key_rule *r = key_rule(key);

	return r != NULL ? r->kind : KEY_FLAG;
}

static int
valid_flag_name(const char *s)
{
	/* "cmp_-keypass" would reach openssl as --keypass, past every rule. */
	if (!isalnum((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

/* What is wrong with a cmp_ key itself (reserved, no flag), or NULL. */
const char *
config_key_problem(const char *key)
{
	enum key_kind kind = config_key_kind(key);

	if (kind == KEY_RESERVED)
		return "is set by cmpenroll itself and cannot be configured";
	if (kind != KEY_OWN && !valid_flag_name(key + 4))
		return "does not name an openssl cmp flag";
	return NULL;
}

const char *
config_value(const struct config *cfg, const char *key)
{
	const struct ini_entry *e = ini_get(cfg->ini, cfg->section, key);

	return e != NULL ? e->value : NULL;
}

/* A pass phrase source that names where the secret is, not the secret. */
static int
is_indirect_source(const char *v)
{
	return strncmp(v, "env:", 4) == 0 || strncmp(v, "file:", 5) == 0 ||
	    strncmp(v, "fd:", 3) == 0;
}

/* Does the section hold a secret in clear (pass:X or a bare value)? */
static int
holds_literal_secret(const struct config *cfg)
{
	const struct ini_entry	**items;
	const struct key_rule	 *r;
	size_t			  i, n;
	int			  found = 0;

	n = ini_items(cfg->ini, cfg->section, &items);
	for (i = 0; i < n && !found; i++) {
		r = key_rule(items[i]->key);
		if (r != NULL && (r->kind == KEY_SECRET ||
		    strcmp(r->key, "cmp_secret") == 0))
			found = !is_indirect_source(items[i]->value);
	}
	free(items);
	return found;
}

/* The section is missing: name one that differs only in case or a letter. */
static void
no_section(const struct config *cfg)
{
	const char	**names, *near = NULL;
	size_t		  i, n, d, best = 2;

	n = ini_sections(cfg->ini, &names);
	for (i = 0; i < n; i++) {
		d = strcasecmp(names[i], cfg->section) == 0 ? 0 :
		    util_distance(names[i], cfg->section);
		if (d < best) {
			best = d;
			near = names[i];
		}
	}
	if (near != NULL)
		msg_err("%s: no section [%s]; did you mean [%s]?", cfg->path,
		    cfg->section, near);
	else
		msg_err("%s: no section [%s]", cfg->path, cfg->section);
	free(names);
}

int
config_load(const char *path, const char *section, struct config *cfg)
{
	struct buf		b = { 0 };
	struct ini_error	err;
	struct stat		st;
	const char		*v;
	int			rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->path = util_xstrdup(path);
	cfg->section = section;
	if ((rc = util_read_file(path, CONFIG_MAX, "config", EX_CONFIG,
	    &b)) != 0)
		goto out;
	if ((cfg->ini = ini_parse((char *)b.data, b.len, &err)) == NULL) {
		msg_err("%s:%lu: %s", path, err.line, err.msg);
		rc = EX_CONFIG;
		goto out;
	}
	if (!ini_has_section(cfg->ini, section)) {
		no_section(cfg);
		rc = EX_CONFIG;
		goto out;
	}
	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0 &&
	    holds_literal_secret(cfg))
		msg_warn("%s holds a secret and is readable by others; "
		    "chmod 600 %s", path, path);
	v = config_value(cfg, "cmp_openssl_bin");
	cfg->openssl_bin = v != NULL && *v != '\0' ? v : "openssl";
	v = config_value(cfg, "cmp_tmp_dir");
	if (v == NULL || *v == '\0')
		v = getenv("TMPDIR");
	cfg->tmp_dir = v != NULL && *v != '\0' ? v : "/tmp";
out:
	buf_free(&b);
	return rc;
}

void
config_free(struct config *cfg)
{
	ini_free(cfg->ini);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

static void
push(struct command *c, const char *s, int secret)
{
	struct arg *p;

	if (c->argc + 1 >= c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		p = util_xcalloc(c->cap, sizeof(*p));
		if (c->argc > 0)
			memcpy(p, c->argv, c->argc * sizeof(*p));
		free(c->argv);
		c->argv = p;
	}
	c->argv[c->argc].s = util_xstrdup(s);
	c->argv[c->argc].secret = secret;
	c->argc++;
}

static void
push_flag(struct command *c, const char *flag, const char *value)
{
	char name[128];

	snprintf(name, sizeof(name), "-%s", flag);
	push(c, name, 0);
	if (value != NULL)
		push(c, value, 0);
}

static void
push_env(struct command *c, const char *name, const char *value)
{
	struct buf	 b = { 0 };
	char		**p;

	buf_printf(&b, "%s=%s", name, value);
	p = util_xcalloc(c->nenv + 2, sizeof(*p));
	if (c->nenv > 0)
		memcpy(p, c->env, c->nenv * sizeof(*p));
	free(c->env);
	c->env = p;
	c->env[c->nenv++] = util_xstrdup((char *)b.data);
	buf_free(&b);
}

void
command_free(struct command *c)
{
	size_t i;

	for (i = 0; i < c->argc; i++)
		free(c->argv[i].s);
	for (i = 0; i < c->nenv; i++)
		util_wipe_str(c->env[i]);
	free(c->argv);
	free(c->env);
	memset(c, 0, sizeof(*c));
}

/*
 * Read the secret that source names and hand it to openssl through the
 * child's own environment, as env:CMPENROLL_PASS_<FLAG>: it never stands
 * in an argv that every local user can read, and openssl never sees a
 * source it could misread (it takes an unreadable file: for the secret).
 * where names the config line for messages.
 */
static int
push_secret(struct command *c, const char *flag, const char *source,
    const char *where)
{
	struct buf	secret = { 0 };
	char		name[96], ref[112], why[512];
	size_t		i;

	if (secret_read(source, &secret, why, sizeof(why)) != 0) {
		msg_err("%s: %s", where, why);
		buf_free(&secret);
		return EX_CONFIG;
	}
	snprintf(name, sizeof(name), SECRET_ENV "%s", flag);
	for (i = 0; name[i] != '\0'; i++)
		name[i] = (char)toupper((unsigned char)name[i]);
	snprintf(ref, sizeof(ref), "env:%s", name);
	push_flag(c, flag, NULL);
	push(c, ref, 1);
	push_env(c, name, (char *)secret.data);
	buf_free(&secret);
	return 0;
}

/* Whether what follows a comma starts an attribute: "TYPE=". */
static int
starts_attribute(const char *p)
{
	size_t n;

	p += strspn(p, " ");
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.-");
	return n > 0 && p[n] == '=';
}

/*
 * The recipient in the slash form openssl wants.  acme2certifier puts a
 * '/' in front unless there is one, and turns every comma into a '/', so
 * "C=DE, CN=x", "/C=DE, CN=x" and "C=DE/CN=x" all work there.  Here too;
 * but a comma that no "TYPE=" follows ("O=Foo, Inc.") stays in the value,
 * where acme2certifier would have cut it, and so does "\,".
 */
char *
config_recipient_to_slash(const char *v)
{
	struct buf	 b = { 0 };
	const char	*p;
	char		*res;

	if (*v != '/')
		buf_append(&b, "/", 1);
	for (p = v; *p != '\0'; p++) {
		if (*p == '\\' && (p[1] == ',' || p[1] == '\\')) {
			p++;
			buf_append(&b, p[0] == ',' ? "," : "\\\\", p[0] == ','
			    ? 1 : 2);
		} else if (*p == ',' && starts_attribute(p + 1)) {
			buf_append(&b, "/", 1);
			while (p[1] == ' ')
				p++;
		} else
			buf_append(&b, p, 1);
	}
	res = util_xstrdup((char *)b.data);
	buf_free(&b);
	return res;
}

struct build {
	const struct config	*cfg;
	const struct options	*opt;
	struct command		*c;
	int			 kur_signed;	/* kur protected by old key */
};

/* A config key the command line replaces, or that rr has no use for. */
static int
overridden(const struct build *bd, const char *flag)
{
	const struct options *o = bd->opt;

	if (strcmp(flag, "oldcert") == 0)
		return o->oldcert != NULL || o->revoke != NULL;
	if (strcmp(flag, "cert") == 0)
		return o->oldcert != NULL;
	if (strcmp(flag, "key") == 0)
		return o->key != NULL;
	return 0;
}

static int
emit_generic(struct build *bd, const struct ini_entry *e)
{
	const struct key_rule	*r = key_rule(e->key);
	const char		*flag = e->key + PREFIX_LEN, *problem;
	char			 where[512];

	snprintf(where, sizeof(where), "%s:%lu: %s", bd->cfg->path, e->line,
	    e->key);
	/* config_rules has said more; this holds for every caller. */
	if ((problem = config_key_problem(e->key)) != NULL) {
		msg_err("%s: %s", where, problem);
		return EX_CONFIG;
	}
	if ((r != NULL && r->kind == KEY_OWN) || overridden(bd, flag) ||
	    strcasecmp(e->value, "False") == 0)
		return 0;
	if (strcasecmp(e->value, "True") == 0) {
		push_flag(bd->c, flag, NULL);
		return 0;
	}
	if (r != NULL && r->kind == KEY_SECRET)
		return push_secret(bd->c, flag, e->value, where);
	push_flag(bd->c, flag, e->value);
	return 0;
}

/*
 * The value of key, from the config, or from the environment variable
 * that key_variable names (acme2certifier's way to keep it out of the
 * file), with where it came from for messages; *value NULL when neither
 * is set.  An unset variable is a config error.
 */
static int
direct_or_variable(const struct build *bd, const char *key,
    const char **value, char *where, size_t wsz)
{
	const struct ini_entry	*e;
	char			 vkey[64];

	snprintf(vkey, sizeof(vkey), "%s_variable", key);
	if ((e = ini_get(bd->cfg->ini, bd->cfg->section, key)) != NULL)
		*value = e->value;
	else if ((e = ini_get(bd->cfg->ini, bd->cfg->section, vkey)) != NULL) {
		if ((*value = getenv(e->value)) == NULL) {
			msg_err("%s:%lu: %s: the environment variable %s is "
			    "not set", bd->cfg->path, e->line, vkey, e->value);
			return EX_CONFIG;
		}
	} else {
		*value = NULL;
		return 0;
	}
	snprintf(where, wsz, "%s:%lu: %s", bd->cfg->path, e->line, e->key);
	return 0;
}

static int
emit_protection(struct build *bd)
{
	const char	*ref, *secret, *recipient;
	char		*slash, where[512], ignored[512];
	int		 rc;

	if ((rc = direct_or_variable(bd, "cmp_ref", &ref, ignored,
	    sizeof(ignored))) != 0 ||
	    (rc = direct_or_variable(bd, "cmp_secret", &secret, where,
	    sizeof(where))) != 0)
		return rc;
	/* RFC 9483 4.1.3: a kur is signed with the key being updated. */
	if (!bd->kur_signed) {
		if (ref != NULL)
			push_flag(bd->c, "ref", ref);
		if (secret != NULL &&
		    (rc = push_secret(bd->c, "secret", secret, where)) != 0)
			return rc;
	}
	if ((recipient = config_value(bd->cfg, "cmp_recipient")) != NULL &&
	    *recipient != '\0') {
		slash = config_recipient_to_slash(recipient);
		push_flag(bd->c, "recipient", slash);
		free(slash);
	}
	return 0;
}

int
config_cmd_known(const char *cmd)
{
	size_t i;

	for (i = 0; i < NITEMS(commands); i++)
		if (strcmp(cmd, commands[i]) == 0)
			return 1;
	return 0;
}

static int
resolve_cmd(struct build *bd)
{
	const struct ini_entry	*e;
	const char		*cmd = "ir";

	if (bd->opt->revoke != NULL)
		cmd = "rr";
	else if (bd->opt->genm)
		cmd = "genm";
	else if (bd->opt->cmd != NULL)
		cmd = bd->opt->cmd;
	else if ((e = ini_get(bd->cfg->ini, bd->cfg->section, "cmp_cmd"))) {
		cmd = e->value;
		if (!config_cmd_known(cmd)) {
			msg_err("%s:%lu: cmp_cmd must be ir, cr, p10cr or kur",
			    bd->cfg->path, e->line);
			return EX_CONFIG;
		}
	}
	snprintf(bd->c->cmd, sizeof(bd->c->cmd), "%s", cmd);
	return 0;
}

/*
 * cmpenroll is the RA: it never holds the requester's private key, so of
 * openssl's -popo methods only 0 (RAVERIFIED, the CSR's signature checked
 * here) and -1 (none) can work; 1 and 2 would fail inside openssl.  A
 * p10cr, an rr and a genm send no -popo, so any value is left alone there.
 */
static int
check_popo(const struct build *bd)
{
	const struct ini_entry	*e;

	if (strcmp(bd->c->cmd, "p10cr") == 0 || strcmp(bd->c->cmd, "rr") == 0 ||
	    strcmp(bd->c->cmd, "genm") == 0)
		return 0;
	e = ini_get(bd->cfg->ini, bd->cfg->section, "cmp_popo");
	if (e == NULL || strcmp(e->value, "0") == 0 ||
	    strcmp(e->value, "-1") == 0)
		return 0;
	msg_err("%s:%lu: cmp_popo must be 0 (RA verified) or -1 (none): "
	    "cmpenroll holds no private key to prove possession with",
	    bd->cfg->path, e->line);
	return EX_CONFIG;
}

static int
resolve_mapping(struct build *bd)
{
	const struct ini_entry	*e;
	const char		*m = bd->opt->mapping;
	char			 where[512] = "--mapping";

	e = ini_get(bd->cfg->ini, bd->cfg->section, "cmp_mapping");
	if (m == NULL && e != NULL) {
		m = e->value;
		snprintf(where, sizeof(where), "%s:%lu: cmp_mapping",
		    bd->cfg->path, e->line);
	}
	if (m == NULL || strcmp(m, "csr") == 0)
		bd->c->mapping = MAPPING_CSR;
	else if (strcmp(m, "fields") == 0)
		bd->c->mapping = MAPPING_FIELDS;
	else {
		msg_err("%s must be csr or fields", where);
		return bd->opt->mapping != NULL ? EX_USAGE : EX_CONFIG;
	}
	return 0;
}

/*
 * The request type and the mapping, into a cleared c: what a caller needs
 * to know before the files are named.  Reports and returns an exit status.
 */
int
config_resolve(const struct config *cfg, const struct options *opt,
    struct command *c)
{
	struct build	bd = { cfg, opt, c, 0 };
	int		rc;

	memset(c, 0, sizeof(*c));
	if ((rc = resolve_cmd(&bd)) != 0 || (rc = check_popo(&bd)) != 0)
		return rc;
	return resolve_mapping(&bd);
}

/* What is asked for: the CSR itself, or its key, subject and SANs. */
static int
emit_request(struct build *bd, const struct files *f,
    const struct csr_view *req)
{
	const char	*why, *popo;
	char		*subject = NULL, *sans = NULL;

	if (strcmp(bd->c->cmd, "p10cr") == 0 ||
	    bd->c->mapping == MAPPING_CSR) {
		push_flag(bd->c, "csr", f->csr);
	} else {
		if (req != NULL && csr_fields(req, &subject, &sans, &why)) {
			msg_err("the fields mapping cannot carry this CSR: %s; "
			    "set cmp_mapping = csr", why);
			return EX_DATAERR;
		}
		if (req != NULL && (subject == NULL || *subject == '\0') &&
		    (sans == NULL || strcmp(bd->c->cmd, "kur") == 0)) {
			/*
			 * openssl would fill in a subject of its own: the
			 * RA certificate's, or in a kur the old certificate's
			 * (and the SANs would lose their criticality).
			 */
			msg_err("the fields mapping cannot carry this CSR: it "
			    "names no subject, and openssl would take %s; set "
			    "cmp_mapping = csr", strcmp(bd->c->cmd, "kur") == 0 ?
			    "the old certificate's" : "the RA certificate's");
			free(subject);
			free(sans);
			return EX_DATAERR;
		}
		push_flag(bd->c, "newkey", f->newkey);
		if (subject != NULL && *subject != '\0')
			push_flag(bd->c, "subject", subject);
		if (sans != NULL)
			push_flag(bd->c, "sans", sans);
		free(subject);
		free(sans);
	}
	/*
	 * Without it openssl adds the SANs of the RA's own certificate (-cert)
	 * to a request that has none: only the CSR says what is asked for.
	 */
	if (strcmp(bd->c->cmd, "p10cr") != 0)
		push_flag(bd->c, "san_nodefault", NULL);
	/* A p10cr carries its own proof of possession: the CSR signature. */
	if (strcmp(bd->c->cmd, "p10cr") != 0) {
		popo = config_value(bd->cfg, "cmp_popo");
		push_flag(bd->c, "popo", popo != NULL ? popo : "0");
	}
	return 0;
}

/*
 * Bounded waits unless the config says otherwise.  openssl refuses a
 * -msg_timeout above a non-zero -total_timeout, so a default never
 * exceeds the other value the config sets.
 */
static void
emit_defaults(struct build *bd, int debug)
{
	const char	*msg = config_value(bd->cfg, "cmp_msg_timeout");
	const char	*total = config_value(bd->cfg, "cmp_total_timeout");
	long		 t;
	char		 num[24];

	if (msg == NULL) {
		t = total != NULL ? strtol(total, NULL, 10) : 0;
		snprintf(num, sizeof(num), "%ld", t > 0 && t < DEFAULT_MSG_TIMEOUT
		    ? t : DEFAULT_MSG_TIMEOUT);
		push_flag(bd->c, "msg_timeout", num);
	}
	if (total == NULL) {
		t = msg != NULL ? strtol(msg, NULL, 10) : 0;
		snprintf(num, sizeof(num), "%ld", t > DEFAULT_TOTAL_TIMEOUT ?
		    t : DEFAULT_TOTAL_TIMEOUT);
		push_flag(bd->c, "total_timeout", num);
	}
	if (debug && config_value(bd->cfg, "cmp_verbosity") == NULL)
		push_flag(bd->c, "verbosity", "7");
}

/*
 * Which openssl.cnf openssl loads as it starts (providers, default
 * properties, TLS settings): by default none, so that the environment's
 * OPENSSL_CONF changes nothing; cmp_openssl_conf names one, or "system"
 * leaves it to the environment and openssl's built-in default.
 */
static void
openssl_env(const struct config *cfg, struct command *c)
{
	const char *v = config_value(cfg, "cmp_openssl_conf");

	if (v == NULL || *v == '\0')
		push_env(c, "OPENSSL_CONF", "/dev/null");
	else if (strcmp(v, "system") != 0)
		push_env(c, "OPENSSL_CONF", v);
}

/*
 * Whether a key gives openssl a value: present, not empty, not False
 * (which leaves its flag out).
 */
int
config_gives_value(const struct config *cfg, const char *key)
{
	const char *v = config_value(cfg, key);

	return v != NULL && *v != '\0' && strcasecmp(v, "False") != 0;
}

/* Whether a flag key is True (any case): its bare flag is passed. */
int
config_is_true(const struct config *cfg, const char *key)
{
	const char *v = config_value(cfg, key);

	return v != NULL && strcasecmp(v, "True") == 0;
}

/*
 * The configured openssl with args, in the environment a run gives it:
 * what --check and the version check ask it.
 */
void
config_openssl_command(const struct config *cfg, const char *const *args,
    size_t nargs, struct command *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	push(c, cfg->openssl_bin, 0);
	for (i = 0; i < nargs; i++)
		push(c, args[i], 0);
	openssl_env(cfg, c);
}

/*
 * Build the whole command.  Reports and returns an exit status.  req may
 * be NULL (revocation, or a config check without a CSR).
 */
int
config_command(const struct config *cfg, const struct options *opt,
    const struct files *f, const struct csr_view *req, struct command *c)
{
	const struct ini_entry	**items = NULL;
	struct build		  bd = { cfg, opt, c, 0 };
	const char		 *v;
	char			  num[16];
	size_t			  i, n;
	int			  rc;

	if ((rc = config_resolve(cfg, opt, c)) != 0)
		return rc;
	bd.kur_signed = strcmp(c->cmd, "kur") == 0 &&
	    (opt->oldcert != NULL || config_gives_value(cfg, "cmp_cert")) &&
	    (opt->key != NULL || config_gives_value(cfg, "cmp_key"));
	if (strcmp(c->cmd, "kur") == 0 && !bd.kur_signed) {
		msg_err("kur needs the certificate to update and its key: "
		    "--oldcert and --key, or cmp_cert and cmp_key");
		return opt->cmd != NULL ? EX_USAGE : EX_CONFIG;
	}
	push(c, cfg->openssl_bin, 0);
	push(c, "cmp", 0);
	v = config_value(cfg, "cmp_config");
	push_flag(c, "config", v != NULL ? v : "");
	push_flag(c, "cmd", c->cmd);
	/* Never a prompt on a terminal: a cron job would wait for it. */
	push_flag(c, "batch", NULL);
	openssl_env(cfg, c);
	n = ini_items(cfg->ini, cfg->section, &items);
	for (i = 0; i < n; i++)
		if (strncmp(items[i]->key, PREFIX, PREFIX_LEN) == 0 &&
		    (rc = emit_generic(&bd, items[i])) != 0)
			goto out;
	if ((rc = emit_protection(&bd)) != 0)
		goto out;
	if (opt->oldcert != NULL) {
		push_flag(c, "oldcert", opt->oldcert);
		push_flag(c, "cert", opt->oldcert);
	}
	if (opt->key != NULL)
		push_flag(c, "key", opt->key);
	if (opt->revoke != NULL) {
		push_flag(c, "oldcert", opt->revoke);
		if (opt->revreason >= 0) {
			snprintf(num, sizeof(num), "%d", opt->revreason);
			push_flag(c, "revreason", num);
		}
	} else if (opt->genm) {
		for (i = 0; i < f->ngenm; i++)
			push(c, f->genm[i], 0);
	} else if ((rc = emit_request(&bd, f, req)) != 0)
		goto out;
	emit_defaults(&bd, opt->debug);
	if (opt->revoke == NULL && !opt->genm) {
		push_flag(c, "certout", f->certout);
		push_flag(c, "extracertsout", f->extracertsout);
		push_flag(c, "cacertsout", f->cacertsout);
	}
out:
	free(items);
	if (rc != 0)
		command_free(c);
	return rc;
}

/*
 * Call fn on each file a value names, as openssl reads it: with list,
 * split at commas and blanks; "file:" dropped; a URI (with "://") left
 * out, as no file.
 */
void
config_each_file(const char *value, int list,
    void (*fn)(const char *, void *), void *ctx)
{
	char *copy = util_xstrdup(value), *item, *save = NULL, *p;

	for (item = strtok_r(copy, list ? ", \t" : "", &save); item != NULL;
	    item = strtok_r(NULL, list ? ", \t" : "", &save)) {
		while (isspace((unsigned char)*item))
			item++;
		for (p = item + strlen(item); p > item &&
		    isspace((unsigned char)p[-1]); p--)
			p[-1] = '\0';
		if (strncmp(item, "file:", 5) == 0)
			item += 5;
		if (*item != '\0' && strstr(item, "://") == NULL)
			fn(item, ctx);
	}
	free(copy);
}
