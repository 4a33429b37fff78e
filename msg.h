/*
 * msg.h: the one-line messages on stderr ("cmpenroll: ..."), and the one
 * escaping function for every byte that reaches a terminal or a log: what
 * the CA says, openssl's log under -v, a certificate's names.
 */
#ifndef CMPENROLL_MSG_H
#define CMPENROLL_MSG_H

#include <stddef.h>

/* -q gives -1, default 0, each -v adds one. */
extern int verbosity;

void	msg_err(const char *, ...) __attribute__((format(printf, 1, 2)));
void	msg_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	msg_info(const char *, ...) __attribute__((format(printf, 1, 2)));
const char *msg_last_error(void);
size_t	msg_vis(char *, size_t, const void *, size_t);
int	msg_write(int, const void *, size_t, int);
int	msg_stopped(void);

#endif
