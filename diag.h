/*
 * diag.h: what openssl cmp's log says went wrong: the cause, as one line
 * and an exit status, and the CA's PKIStatus, failure bits and status
 * string when it sent them.
 */
#ifndef CMPENROLL_DIAG_H
#define CMPENROLL_DIAG_H

struct cmp_diag {
	int	exit_status;
	char	pki_status[64];
	char	fail_info[256];
	char	status_string[512];
	char	detail[1024];
	const char *what;
};

void	 diag_read(const char *, struct cmp_diag *);

#endif
