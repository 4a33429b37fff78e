/*
 * output.h: the result of a run as the user asked for it: PEM on stdout
 * or in files written atomically, or one JSON object.
 */
#ifndef CMPENROLL_OUTPUT_H
#define CMPENROLL_OUTPUT_H

#include "chain.h"
#include "diag.h"
#include "util.h"

struct outcome {
	const char		*status;	/* issued revoked not_due error */
	int			 exit_code;
	const struct cert	*cert;
	const struct issued	*issued;	/* the chain, when issued */
	const struct cmp_diag	*diag;
};

/* One output the user named: a file, or "-" for standard output. */
struct output_target {
	const char	*path;
	int		 leaf, chain;	/* what it gets */
};

#define OUTPUTS_MAX	3

void	 output_json(const struct outcome *, struct buf *);
int	 output_stdout(const struct buf *);
int	 output_check_targets(const struct output_target *, size_t);
int	 output_lock_targets(const struct output_target *, size_t);
int	 output_write(const struct output_target *, size_t,
	    const struct issued *);
int	 output_data(const char *, const struct buf *);
void	 json_string(struct buf *, const char *);

#endif
