/*
 * echo.h: what cmpenroll shows on its stderr while openssl runs: under -v
 * openssl's log, escaped line by line; on a terminal, one status line
 * while the CA makes it wait.  Both are queued and written only as fast as
 * stderr takes them, so that a stalled reader never holds up the deadline.
 */
#ifndef CMPENROLL_ECHO_H
#define CMPENROLL_ECHO_H

#include <stddef.h>

enum echo_mode {
	ECHO_NONE,	/* nothing on stderr while openssl runs */
	ECHO_LOG,	/* -v: the log, escaped line by line */
	ECHO_WAITING	/* a terminal: the waiting line */
};

enum echo_mode echo_set_mode(enum echo_mode);
int	 echo_live(void);
void	 echo_begin(void);
void	 echo_log(const char *, size_t);
int	 echo_pending(void);
void	 echo_flush_some(void);
int	 echo_tick_ms(void);
void	 echo_tick(void);
void	 echo_end(void);

#endif
