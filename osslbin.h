/*
 * osslbin.h: what the configured openssl binary is: its version, read
 * once from the binary itself (never from its name), the flags its cmp
 * command knows, and which OpenSSL release added a flag it lacks.
 */
#ifndef CMPENROLL_OSSLBIN_H
#define CMPENROLL_OSSLBIN_H

#include <stddef.h>

#include "config.h"

struct osslbin_version {
	unsigned long	 number;	/* 0x030013 for 3.0.19 */
	char		 text[32];	/* "3.0.19" */
};

int	 osslbin_version(const struct config *, struct osslbin_version *);
char	*osslbin_help(const struct config *, int *);
const char *osslbin_flag_since(const char *);
unsigned long osslbin_parse_version(const char *, char *, size_t);

#endif
