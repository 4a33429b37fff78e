/*
 * enroll.h: one CMP transaction from the command line's request to its
 * result: enroll a CSR (ir, cr, p10cr, kur) or revoke a certificate (rr),
 * or only show the openssl command that would run.
 */
#ifndef CMPENROLL_ENROLL_H
#define CMPENROLL_ENROLL_H

#include <limits.h>

#include "chain.h"
#include "config.h"
#include "csr.h"
#include "diag.h"
#include "runner.h"

/* What the command line asks for. */
struct cli {
	struct options	 opt;
	const char	*csr_path;
	const char	*out, *cert_out, *chain_out;	/* "-": stdout */
	long		 renew_within;	/* -1: not asked */
	int		 dry_run, check, json, require_chain;
	int		 genm;		/* -1, or what is asked (genm.h) */
	const char	*oldroot, *crl_cert, *old_crl;
};

/* Everything one run owns; freed in one place. */
struct state {
	struct config	 cfg;
	struct csr	 csr;
	struct command	 cmd;
	struct run_result run;
	struct cmp_diag	 diag;
	struct issued	 issued;
	struct cert	*subject_cert;	/* revoked, or the one not yet due */
	const char	*status;	/* issued revoked not_due */
	struct buf	 json;		/* a result that is its own JSON */
	char		 key_path[PATH_MAX];
};

int	 enroll_csr(struct state *, const struct cli *);
int	 enroll_build(struct state *, const struct cli *, const struct files *);
int	 enroll_dry_run(struct state *, const struct cli *,
	    const struct files *);
int	 enroll_interpret(struct state *);
int	 enroll_revoke(struct state *, const struct cli *);
void	 enroll_free(struct state *);

#endif
