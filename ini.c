/*
 * ini.c: configparser-compatible ini parsing.  The rules follow Python's
 * configparser._read() so that a file acme2certifier accepts means the same
 * here; where configparser raises an error, so do we, with the line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "ini.h"
#include "util.h"

#define DEFAULT_SECTION	"DEFAULT"
#define EMPTY		UINT32_MAX

struct section {
	char			*name;
	struct ini_entry	*entries;
	size_t			 n, cap;
};

/*
 * One open-addressing hash table finds sections by name and entries by
 * section and key, so that a file of any shape (many keys, many sections)
 * is read in linear time.  A slot names a section (ent == EMPTY) or an
 * entry; sec == EMPTY is a free slot.
 */
struct slot {
	uint32_t	sec, ent;
};

struct ini {
	struct section	*sections;
	size_t		 n, cap;
	struct slot	*slots;
	size_t		 nslots, used;	/* nslots: a power of two */
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

/* FNV-1a over a name, mixed with the section it is in (EMPTY for none). */
static size_t
slot_hash(uint32_t sec, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ sec;

	for (; *name != '\0'; name++) {
		h ^= (unsigned char)*name;
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

static const char *
slot_name(const struct ini *ini, const struct slot *s)
{
	const struct section *sec = &ini->sections[s->sec];

	return s->ent == EMPTY ? sec->name : sec->entries[s->ent].key;
}

/* The slot holding name (in section sec, or a section's name), or a free one. */
static struct slot *
slot_find(const struct ini *ini, uint32_t sec, const char *name)
{
	size_t		 i;
	struct slot	*s;

	if (ini->nslots == 0)
		return NULL;
	i = slot_hash(sec, name) & (ini->nslots - 1);
	for (;; i = (i + 1) & (ini->nslots - 1)) {
		s = &ini->slots[i];
		if (s->sec == EMPTY)
			return s;
		if ((sec == EMPTY ? s->ent == EMPTY : s->ent != EMPTY &&
		    s->sec == sec) && strcmp(slot_name(ini, s), name) == 0)
			return s;
	}
}

static void slot_add(struct ini *, uint32_t, uint32_t);

/* Keep the table at most half full. */
static void
slots_grow(struct ini *ini)
{
	struct slot	*old = ini->slots;
	size_t		 i, n = ini->nslots;

	ini->nslots = n ? n * 2 : 64;
	ini->slots = util_xcalloc(ini->nslots, sizeof(*ini->slots));
	memset(ini->slots, 0xff, ini->nslots * sizeof(*ini->slots));
	ini->used = 0;
	for (i = 0; i < n; i++)
		if (old[i].sec != EMPTY)
			slot_add(ini, old[i].sec, old[i].ent);
	free(old);
}

static void
slot_add(struct ini *ini, uint32_t sec, uint32_t ent)
{
	struct slot *s;

	if (2 * (ini->used + 1) > ini->nslots)
		slots_grow(ini);
	s = slot_find(ini, ent == EMPTY ? EMPTY : sec, ent == EMPTY ?
	    ini->sections[sec].name : ini->sections[sec].entries[ent].key);
	s->sec = sec;
	s->ent = ent;
	ini->used++;
}

static struct section *
find_section(const struct ini *ini, const char *name)
{
	const struct slot *s = slot_find(ini, EMPTY, name);

	return s != NULL && s->sec != EMPTY ? &ini->sections[s->sec] : NULL;
}

static struct ini_entry *
find_entry(const struct ini *ini, const struct section *sec,
    const char *key)
{
	const struct slot *s;

	if (sec == NULL)
		return NULL;
	s = slot_find(ini, (uint32_t)(sec - ini->sections), key);
	return s != NULL && s->sec != EMPTY ? &sec->entries[s->ent] : NULL;
}

static struct section *
add_section(struct ini *ini, char *name)
{
	struct section *p;

	if (ini->n == ini->cap || ini->sections == NULL) {
		ini->cap = ini->cap ? ini->cap * 2 : 8;
		p = util_xcalloc(ini->cap, sizeof(*p));
		if (ini->sections != NULL)
			memcpy(p, ini->sections, ini->n * sizeof(*p));
		free(ini->sections);
		ini->sections = p;
	}
	p = &ini->sections[ini->n++];
	memset(p, 0, sizeof(*p));
	p->name = name;
	slot_add(ini, (uint32_t)(ini->n - 1), EMPTY);
	return p;
}

static struct ini_entry *
add_entry(struct ini *ini, struct section *sec, char *key,
    unsigned long line)
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
	p->value = NULL;
	p->line = line;
	slot_add(ini, (uint32_t)(sec - ini->sections), (uint32_t)(sec->n - 1));
	return p;
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
	struct ini_entry	*opt;	/* the entry whose value is being read */
	struct buf		 value;	/* its value so far */
	size_t			 indent;
};

/*
 * The entry being read is complete: configparser strips trailing white
 * space, empty lines included.  The buffer is reused, and wiped at the
 * end: a value may be a secret.
 */
static void
finish_option(struct parser *ps)
{
	const unsigned char	*v = ps->value.data;
	size_t			 len = ps->value.len;

	if (ps->opt == NULL)
		return;
	while (len > 0 && (is_space(v[len - 1]) || v[len - 1] == '\n'))
		len--;
	ps->opt->value = dup_range((const char *)v, (const char *)v + len);
	ps->opt = NULL;
	ps->value.len = 0;
}

/* Append a continuation line ("" for an empty line) to the value. */
static void
append_line(struct parser *ps, const char *s, const char *e)
{
	buf_append(&ps->value, "\n", 1);
	buf_append(&ps->value, s, (size_t)(e - s));
}

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
	return 0;
}

static int
parse_option(struct parser *ps, const char *s, const char *e,
    unsigned long lineno, struct ini_error *err)
{
	const char	*delim, *ks = s, *ke, *vs, *ve = e;
	char		*key;

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
	key = dup_range(ks, ke);
	if (find_entry(ps->ini, ps->cur, key) != NULL) {
		free(key);
		return fail(err, lineno, "key appears twice in this section");
	}
	ps->opt = add_entry(ps->ini, ps->cur, key, lineno);
	buf_append(&ps->value, vs, (size_t)(ve - vs));
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
			append_line(ps, vs, vs);
		return 0;
	}
	indent = (size_t)(vs - s);
	if (ps->opt != NULL && indent > ps->indent) {
		append_line(ps, vs, ve);
		return 0;
	}
	finish_option(ps);
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
	finish_option(&ps);
	buf_free(&ps.value);
	return ps.ini;
bad:
	buf_free(&ps.value);
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
	free(ini->slots);
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
	if ((e = find_entry(ini, find_section(ini, section), key)) != NULL)
		return e;
	return find_entry(ini, find_section(ini, DEFAULT_SECTION), key);
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
		if (find_entry(ini, def, sec->entries[i].key) == NULL)
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
