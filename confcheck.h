/*
 * confcheck.h: --check, a config (and CSR) review that sends nothing and
 * lists every problem it finds, one line each.
 */
#ifndef CMPENROLL_CONFCHECK_H
#define CMPENROLL_CONFCHECK_H

#include "config.h"

int	check_run(const struct config *, const struct options *, const char *);

#endif
