/*
 * ini.h: an ini parser that reads files the way Python's configparser
 * (RawConfigParser with case-sensitive keys) reads acme2certifier's
 * acme_srv.cfg: "key = value" or "key: value", full-line "#" and ";"
 * comments, indented continuation lines, a [DEFAULT] section inherited by
 * every other section, no interpolation.
 */
#ifndef CMPENROLL_INI_H
#define CMPENROLL_INI_H

#include <stddef.h>

struct ini_entry {
	char		*key;
	char		*value;
	unsigned long	 line;
};

struct ini;

struct ini_error {
	unsigned long	line;
	char		msg[160];
};

struct ini	*ini_parse(const char *, size_t, struct ini_error *);
void		 ini_free(struct ini *);
int		 ini_has_section(const struct ini *, const char *);
const struct ini_entry *ini_get(const struct ini *, const char *,
		    const char *);
size_t		 ini_items(const struct ini *, const char *,
		    const struct ini_entry ***);
size_t		 ini_sections(const struct ini *, const char ***);

#endif
