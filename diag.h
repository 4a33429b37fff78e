/*
 * diag.h: what openssl cmp's log says went wrong: the first cause, as one
 * line and an exit status, and the CA's PKIStatus, failure bits and status
 * string when it sent them.  Only openssl's own words decide: text the CA
 * sent (status strings, error details, names, HTTP reasons) is quoted,
 * never matched.
 */
#ifndef CMPENROLL_DIAG_H
#define CMPENROLL_DIAG_H

#include "config.h"

struct cmp_diag {
	int	exit_status;
	char	pki_status[64];
	char	fail_info[256];
	char	status_string[512];
	char	message[1280];	/* the one line to print */
};

void	 diag_read(const char *, const struct config *, const char *,
	    struct cmp_diag *);

#endif
