/*
 * output.h: the result of a run as the user asked for it: PEM on stdout
 * or in files written atomically, or one JSON object.
 */
#ifndef CMPENROLL_OUTPUT_H
#define CMPENROLL_OUTPUT_H

#include "chain.h"
#include "runner.h"
#include "util.h"

struct outcome {
	const char		*status;	/* issued revoked not_due error */
	int			 exit_code;
	const struct cert	*cert;
	const struct issued	*issued;	/* the chain, when issued */
	const struct cmp_diag	*diag;
};

void	 output_json(const struct outcome *, struct buf *);
int	 output_stdout(const struct buf *);
void	 json_string(struct buf *, const char *);

#endif
