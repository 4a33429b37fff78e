/*
 * fuzz_ini.c: libFuzzer harness for the config parser: ini_parse() on the
 * bytes (at most CONFIG_MAX, as config_load() reads), then every section's
 * items and an ini_get() of each of its keys, the way config.c walks it.
 *
 * An empty input reaches ini_parse() as a NULL pointer, because that is
 * what util_read_file() hands config_load() for an empty file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ini.h"
#include "util.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini		*ini;
	struct ini_error	 err;
	const struct ini_entry	**items, *e;
	const char		**sections;
	size_t			 i, j, nsec, nitems;

	if (size > CONFIG_MAX)
		return -1;
	memset(&err, 0, sizeof(err));
	ini = ini_parse(size > 0 ? (const char *)data : NULL, size, &err);
	if (ini == NULL) {
		/* A refusal names a line of the file and says why. */
		if (err.line == 0 || err.msg[0] == '\0' ||
		    memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return 0;
	}
	nsec = ini_sections(ini, &sections);
	for (i = 0; i < nsec; i++) {
		if (!ini_has_section(ini, sections[i]))
			abort();
		nitems = ini_items(ini, sections[i], &items);
		for (j = 0; j < nitems; j++) {
			if (items[j] == NULL || items[j]->key == NULL ||
			    items[j]->value == NULL)
				abort();
			/* An item is what ini_get() finds under its key. */
			e = ini_get(ini, sections[i], items[j]->key);
			if (e != items[j])
				abort();
			(void)strlen(e->value);
		}
		free(items);
	}
	free(sections);
	(void)ini_get(ini, "DEFAULT", "cmp_secret");
	(void)ini_has_section(ini, "DEFAULT");
	ini_free(ini);
	return 0;
}
