/*
 * util.h: growable buffers, bounded file reading, atomic file writing, and
 * (msg.h) the one-line messages.
 */
#ifndef CMPENROLL_UTIL_H
#define CMPENROLL_UTIL_H

#include <stddef.h>
#include <sysexits.h>

#include "msg.h"

/* Input bounds: a CSR, a config file, one config line, a certificate file. */
#define CSR_MAX		(64 * 1024)
#define CONFIG_MAX	(1024 * 1024)
#define LINE_MAX_LEN	(8 * 1024)
#define CERTFILE_MAX	(1024 * 1024)

/* Exit status for "nothing to do", uacme's convention for cron. */
#define EX_NOTDUE	1

struct buf {
	unsigned char	*data;
	size_t		 len, cap;
};

int	buf_append(struct buf *, const void *, size_t);
int	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_free(struct buf *);

int	util_read_file(const char *, size_t, const char *, int, struct buf *);
int	util_read_quiet(const char *, size_t, struct buf *);
int	util_is_plain_file(const char *);
/* A file written beside its target, not yet renamed over it. */
struct staged {
	const char	*path;
	char		 tmp[4096];
};

int	util_check_target(const char *);
int	util_stage(const char *, const void *, size_t, struct staged *);
int	util_commit(struct staged *);
void	util_discard(struct staged *);
int	util_write_new(const char *, const void *, size_t);
int	util_lock(const char *);
void	*util_xcalloc(size_t, size_t);
char	*util_xstrdup(const char *);
void	util_wipe_str(char *);
size_t	util_distance(const char *, const char *);

#endif
