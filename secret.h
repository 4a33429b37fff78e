/*
 * secret.h: secrets and pass phrases read where the config says they are,
 * by cmpenroll itself and before anything runs: openssl's own reading
 * falls back to using the source string as the secret when the source
 * cannot be read, and would send that to the CA.
 */
#ifndef CMPENROLL_SECRET_H
#define CMPENROLL_SECRET_H

#include <stddef.h>

#include "util.h"

/* openssl takes a pass phrase of at most this many bytes whole. */
#define SECRET_MAX	1023

int	 secret_read(const char *, struct buf *, char *, size_t);
const char *secret_source_name(const char *);

#endif
