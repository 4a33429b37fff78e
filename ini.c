/*
 * ini.c: configparser-compatible ini parsing.  The rules follow Python's
 * configparser._read() so that a file acme2certifier accepts means the same
 * here; where configparser raises an error, so do we, with the line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "util.h"

#define DEFAULT_SECTION	"DEFAULT"

struct section {
	char			*name;
	struct ini_entry	*entries;
	size_t			 n, cap;
	/* Continuation lines of the entry being read, joined at the end. */
};

struct ini {
	struct section	*sections;
	size_t		 n, cap;
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

/* Trim white space at both ends of [*s, *e). */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && is_space((unsigned char)**s))
		(*s)++;
	while (*e > *s && is_space((unsigned char)(*e)[-1]))
		(*e)--;
}

static char *
dup_range(const char *s, const char *e)
{
	char *p = util_xcalloc(1, (size_t)(e - s) + 1);

	memcpy(p, s, (size_t)(e - s));
	return p;
}

static struct section *
find_section(const struct ini *ini, const char *name)
{
	size_t i;

	for (i = 0; i < ini->n; i++)
		if (strcmp(ini->sections[i].name, name) == 0)
			return &ini->sections[i];
	return NULL;
}

static struct ini_entry *
find_entry(const struct section *sec, const char *key)
{
	size_t i;

	for (i = 0; sec != NULL && i < sec->n; i++)
		if (strcmp(sec->entries[i].key, key) == 0)
			return &sec->entries[i];
	return NULL;
}

static struct section *
add_section(struct ini *ini, char *name)
{
	struct section *p;

	if (ini->n == ini->cap) {
		ini->cap = ini->cap ? ini->cap * 2 : 8;
		p = util_xcalloc(ini->cap, sizeof(*p));
		if (ini->n > 0)
			memcpy(p, ini->sections, ini->n * sizeof(*p));
		free(ini->sections);
		ini->sections = p;
	}
	p = &ini->sections[ini->n++];
	memset(p, 0, sizeof(*p));
	p->name = name;
	return p;
}

static struct ini_entry *
add_entry(struct section *sec, char *key, char *value, unsigned long line)
{
	struct ini_entry *p;

	if (sec->n == sec->cap) {
		sec->cap = sec->cap ? sec->cap * 2 : 16;
		p = util_xcalloc(sec->cap, sizeof(*p));
		if (sec->n > 0)
			memcpy(p, sec->entries, sec->n * sizeof(*p));
		free(sec->entries);
		sec->entries = p;
	}
	p = &sec->entries[sec->n++];
	p->key = key;
	p->value = value;
	p->line = line;
	return p;
}

/* Append a continuation line ("" for an empty line) to an entry. */
static void
append_line(struct ini_entry *ent, const char *s, const char *e)
{
	size_t	 old = strlen(ent->value), add = (size_t)(e - s);
	char	*p = util_xcalloc(1, old + add + 2);

	memcpy(p, ent->value, old);
	p[old] = '\n';
	memcpy(p + old + 1, s, add);
	free(ent->value);
	ent->value = p;
}

/* configparser strips trailing white space, empty lines included. */
static void
finish_values(struct ini *ini)
{
	size_t	 i, j, len;
	char	*v;

	for (i = 0; i < ini->n; i++)
		for (j = 0; j < ini->sections[i].n; j++) {
			v = ini->sections[i].entries[j].value;
			len = strlen(v);
			while (len > 0 && (is_space((unsigned char)v[len - 1]) ||
			    v[len - 1] == '\n'))
				v[--len] = '\0';
		}
}

static int
fail(struct ini_error *err, unsigned long line, const char *msg)
{
	err->line = line;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

struct parser {
	struct ini		*ini;
	struct section		*cur;
	struct ini_entry	*opt;
	size_t			 indent;
};

static int
parse_header(struct parser *ps, const char *s, const char *e,
    unsigned long lineno, struct ini_error *err)
{
	const char	*close = e;
	char		*name;

	/* configparser's "\[(?P<header>.+)\]" is greedy: the last ']'. */
	while (close > s && close[-1] != ']')
		close--;
	name = dup_range(s + 1, close - 1);
	/* configparser merges a repeated [DEFAULT]; any other is an error. */
	if ((ps->cur = find_section(ps->ini, name)) != NULL) {
		free(name);
		if (strcmp(ps->cur->name, DEFAULT_SECTION) != 0)
			return fail(err, lineno, "section appears twice");
	} else
		ps->cur = add_section(ps->ini, name);
	ps->opt = NULL;
	return 0;
}

static int
parse_option(struct parser *ps, const char *s, const char *e,
    unsigned long lineno, struct ini_error *err)
{
	const char	*delim, *ks = s, *ke, *vs, *ve = e;

	if (ps->cur == NULL)
		return fail(err, lineno, "key before any [section]");
	for (delim = s; delim < e && *delim != '=' && *delim != ':'; delim++)
		;
	if (delim == e)
		return fail(err, lineno, "line is neither a key = value nor "
		    "a [section]");
	ke = delim;
	vs = delim + 1;
	trim(&ks, &ke);
	trim(&vs, &ve);
	if (ks == ke)
		return fail(err, lineno, "empty key");
	if (memchr(ks, '\0', (size_t)(ke - ks)) != NULL)
		return fail(err, lineno, "NUL byte in key");
	{
		char *key = dup_range(ks, ke);

		if (find_entry(ps->cur, key) != NULL) {
			free(key);
			return fail(err, lineno, "key appears twice in "
			    "this section");
		}
		ps->opt = add_entry(ps->cur, key, dup_range(vs, ve), lineno);
	}
	return 0;
}

static int
parse_line(struct parser *ps, const char *s, const char *e,
    unsigned long lineno, struct ini_error *err)
{
	const char	*vs = s, *ve = e;
	size_t		 indent;

	trim(&vs, &ve);
	if (vs < ve && (*vs == '#' || *vs == ';'))
		return 0;
	if (vs == ve) {
		/* An empty line inside a value is kept; trailing ones go. */
		if (ps->opt != NULL)
			append_line(ps->opt, vs, vs);
		return 0;
	}
	indent = (size_t)(vs - s);
	if (ps->opt != NULL && indent > ps->indent) {
		append_line(ps->opt, vs, ve);
		return 0;
	}
	ps->indent = indent;
	if (*vs == '[' && ve - vs > 2 && memchr(vs + 2, ']', ve - vs - 2))
		return parse_header(ps, vs, ve, lineno, err);
	return parse_option(ps, vs, ve, lineno, err);
}

/*
 * The end of the line that starts at s, and in *next where the one after
 * starts.  Python reads the file with universal newlines: "\n", "\r\n" and
 * a lone "\r" all end a line (a lone "\r" must not hide a key in a value).
 */
static const char *
line_end(const char *s, const char *end, const char **next)
{
	const char *p;

	for (p = s; p < end && *p != '\n' && *p != '\r'; p++)
		;
	*next = p;
	if (p < end)
		*next += *p == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1;
	return p;
}

struct ini *
ini_parse(const char *buf, size_t len, struct ini_error *err)
{
	struct parser	 ps;
	const char	*s, *end, *nl, *next, *nul;
	unsigned long	 lineno = 0;

	memset(&ps, 0, sizeof(ps));
	ps.ini = util_xcalloc(1, sizeof(*ps.ini));
	if (buf == NULL || len == 0)
		return ps.ini;
	s = buf;
	end = buf + len;
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		/* the line the NUL is on: one more than the line ends before */
		for (lineno = 1; s < nul; s = next) {
			if (line_end(s, nul, &next) == next)
				break;
			lineno++;
		}
		fail(err, lineno, "NUL byte in file");
		goto bad;
	}
	while (s < end) {
		lineno++;
		nl = line_end(s, end, &next);
		if ((size_t)(nl - s) > LINE_MAX_LEN) {
			fail(err, lineno, "line longer than 8 KiB");
			goto bad;
		}
		if (parse_line(&ps, s, nl, lineno, err) == -1)
			goto bad;
		s = next;
	}
	finish_values(ps.ini);
	return ps.ini;
bad:
	ini_free(ps.ini);
	return NULL;
}

void
ini_free(struct ini *ini)
{
	size_t i, j;

	if (ini == NULL)
		return;
	for (i = 0; i < ini->n; i++) {
		for (j = 0; j < ini->sections[i].n; j++) {
			free(ini->sections[i].entries[j].key);
			util_wipe_str(ini->sections[i].entries[j].value);
		}
		free(ini->sections[i].entries);
		free(ini->sections[i].name);
	}
	free(ini->sections);
	free(ini);
}

int
ini_has_section(const struct ini *ini, const char *name)
{
	return strcmp(name, DEFAULT_SECTION) != 0 &&
	    find_section(ini, name) != NULL;
}

const struct ini_entry *
ini_get(const struct ini *ini, const char *section, const char *key)
{
	const struct ini_entry *e;

	if (!ini_has_section(ini, section))
		return NULL;
	if ((e = find_entry(find_section(ini, section), key)) != NULL)
		return e;
	return find_entry(find_section(ini, DEFAULT_SECTION), key);
}

/*
 * The entries of a section as configparser's items() lists them: the
 * [DEFAULT] keys first (overridden by the section's own values), then the
 * section's other keys, each in file order.  The caller frees the array.
 */
size_t
ini_items(const struct ini *ini, const char *section,
    const struct ini_entry ***out)
{
	const struct section	*sec, *def;
	const struct ini_entry	**v;
	size_t			 i, n = 0;

	*out = NULL;
	if (!ini_has_section(ini, section))
		return 0;
	sec = find_section(ini, section);
	def = find_section(ini, DEFAULT_SECTION);
	v = util_xcalloc(sec->n + (def ? def->n : 0) + 1,
	    sizeof(const struct ini_entry *));
	for (i = 0; def != NULL && i < def->n; i++)
		v[n++] = ini_get(ini, section, def->entries[i].key);
	for (i = 0; i < sec->n; i++)
		if (find_entry(def, sec->entries[i].key) == NULL)
			v[n++] = &sec->entries[i];
	*out = v;
	return n;
}

/* The names of the sections other than [DEFAULT]; the caller frees. */
size_t
ini_sections(const struct ini *ini, const char ***out)
{
	const char	**v = util_xcalloc(ini->n + 1, sizeof(*v));
	size_t		  i, n = 0;

	for (i = 0; i < ini->n; i++)
		if (strcmp(ini->sections[i].name, DEFAULT_SECTION) != 0)
			v[n++] = ini->sections[i].name;
	*out = v;
	return n;
}
