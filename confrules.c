/*
 * confrules.c: what a config section must be before anything runs.  A run
 * (and --dry-run) stops at the first problem; --check reports them all.
 * Both use these rules, so that they refuse the same configs.  What only
 * the configured openssl can tell (which flags it knows) is confcheck.c's.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "config.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Keys whose value openssl reads as a name in /type=value/... form. */
static const char *const dn_keys[] = {
	"cmp_recipient", "cmp_issuer", "cmp_expect_sender"
};

static int
in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/*
 * Copy from *p up to an unescaped stop character (or the end) into out,
 * undoing backslash escapes, as openssl's parse_name reads a name.
 * Returns the stop character found ('\0' at the end), or -1 when out is
 * too small or the string ends in a lone backslash.
 */
static int
dn_part(const char **p, const char *stops, char *out, size_t outsz)
{
	size_t n = 0;

	for (; **p != '\0' && strchr(stops, **p) == NULL; (*p)++) {
		if (**p == '\\' && *++*p == '\0')
			return -1;
		if (n + 1 >= outsz)
			return -1;
		out[n++] = **p;
	}
	out[n] = '\0';
	return (unsigned char)**p;
}

/*
 * The first thing openssl cmp would refuse or silently skip in the name s:
 * NULL when there is none.  openssl skips, with a warning only under -v,
 * an attribute type it does not know and an empty value: the request
 * would go to another name than the config says.
 */
static const char *
dn_problem(const char *s, char *why, size_t whysz)
{
	X509_NAME	*name = X509_NAME_new();
	char		 type[128], value[1024];
	const char	*p = s + 1, *res = NULL;
	int		 stop, nid, set = 0;

	if (*s != '/')
		res = "not a name of the form /type=value/type=value";
	while (res == NULL && *p != '\0') {
		if (dn_part(&p, "=", type, sizeof(type)) != '=') {
			snprintf(why, whysz, "'%.100s' has no '=' after its type",
			    type);
			res = why;
			break;
		}
		p++;
		stop = dn_part(&p, "/+", value, sizeof(value));
		if (stop == -1)
			res = "a value is too long or ends in a backslash";
		else if ((nid = OBJ_txt2nid(type)) == NID_undef) {
			snprintf(why, whysz, "unknown attribute type '%.100s' "
			    "(openssl would leave it out)", type);
			res = why;
		} else if (*value == '\0') {
			snprintf(why, whysz, "%.100s has no value (openssl would "
			    "leave it out)", type);
			res = why;
		} else if (name == NULL || !X509_NAME_add_entry_by_NID(name,
		    nid, MBSTRING_ASC, (unsigned char *)value, -1, -1, set)) {
			snprintf(why, whysz, "%.64s=%.200s is not a valid value (C "
			    "takes two letters, CN at most 64)", type, value);
			res = why;
		}
		set = stop == '+' ? -1 : 0;
		if (stop > 0)
			p++;
	}
	X509_NAME_free(name);
	ERR_clear_error();
	return res;
}

/* A value in matching quotes: configparser keeps them as part of it. */
static int
quoted(const char *v)
{
	size_t n = strlen(v);

	return n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0];
}

/* The problem with a value that names a folder or file, or NULL. */
static const char *
path_problem(const struct ini_entry *e, char *why, size_t whysz)
{
	struct stat st;

	if (strcmp(e->key, "cmp_tmp_dir") == 0 && *e->value != '\0') {
		if (stat(e->value, &st) == -1 || !S_ISDIR(st.st_mode))
			snprintf(why, whysz, "%s is not a folder%s", e->value,
			    errno == ENOENT ? " (it does not exist)" : "");
		else if (access(e->value, W_OK | X_OK) == -1)
			snprintf(why, whysz, "cannot write into %s: %s",
			    e->value, strerror(errno));
		else
			return NULL;
		return why;
	}
	if (strcmp(e->key, "cmp_openssl_conf") == 0 && *e->value != '\0' &&
	    strcmp(e->value, "system") != 0 && access(e->value, R_OK) == -1) {
		snprintf(why, whysz, "cannot read %s: %s", e->value,
		    strerror(errno));
		return why;
	}
	return NULL;
}

/* The value's problem, for the rules that need no other key, or NULL. */
static const char *
value_problem(const struct ini_entry *e, char *why, size_t whysz)
{
	char		*slash;
	const char	*res;

	if (quoted(e->value))
		return "the value is in quotes, which the config keeps as "
		    "part of it (as acme2certifier's configparser does): drop "
		    "the quotes";
	if (strcmp(e->key, "cmp_cmd") == 0 && !config_cmd_known(e->value))
		return "must be ir, cr, p10cr or kur";
	if (strcmp(e->key, "cmp_mapping") == 0 &&
	    strcmp(e->value, "csr") != 0 && strcmp(e->value, "fields") != 0)
		return "must be csr or fields";
	if (in_list(e->key, dn_keys, NITEMS(dn_keys)) && *e->value != '\0') {
		slash = strcmp(e->key, "cmp_recipient") == 0 ?
		    config_recipient_to_slash(e->value) :
		    util_xstrdup(e->value);
		res = dn_problem(slash, why, whysz);
		free(slash);
		return res;
	}
	return path_problem(e, why, whysz);
}

/*
 * One cmp_ key: reserved, not a flag name, or a value that cannot work.
 * Reports (with the line) and returns EX_CONFIG, or 0.
 */
int
config_entry_rules(const struct config *cfg, const struct ini_entry *e)
{
	const char	*problem;
	char		 why[512];

	if ((problem = config_key_problem(e->key)) == NULL &&
	    (problem = value_problem(e, why, sizeof(why))) == NULL)
		return 0;
	msg_err("%s:%lu: %s: %s", cfg->path, e->line, e->key, problem);
	return EX_CONFIG;
}

/* openssl cmp needs the CA's address, unless it answers itself. */
static int
names_a_ca(const struct config *cfg)
{
	const char *v;

	if ((v = config_value(cfg, "cmp_server")) != NULL && *v != '\0')
		return 1;
	if ((v = config_value(cfg, "cmp_rspin")) != NULL && *v != '\0')
		return 1;
	return config_is_true(cfg, "cmp_use_mock_srv");
}

/* The section's own rules.  Reports and returns EX_CONFIG, or 0. */
int
config_section_rules(const struct config *cfg)
{
	if (names_a_ca(cfg))
		return 0;
	msg_err("%s: [%s] has no cmp_server: name the CA (cmp_server = "
	    "host:port)", cfg->path, cfg->section);
	return EX_CONFIG;
}

/*
 * What a run checks before anything else: every rule over every cmp_ key
 * of the section, then the section's own; the first problem is reported.
 * 0 or EX_CONFIG.
 */
int
config_rules(const struct config *cfg)
{
	const struct ini_entry	**items;
	size_t			  i, n;
	int			  rc = 0;

	n = ini_items(cfg->ini, cfg->section, &items);
	for (i = 0; i < n && rc == 0; i++)
		if (strncmp(items[i]->key, "cmp_", 4) == 0)
			rc = config_entry_rules(cfg, items[i]);
	free(items);
	return rc != 0 ? rc : config_section_rules(cfg);
}
