/*
 * stop.h: what ends a run early: a stop signal (INT, TERM, HUP, QUIT) or
 * the -t deadline.  From stop_install on these signals and SIGCHLD are
 * blocked and delivered only inside stop_poll, so every wait of cmpenroll
 * (the CSR on stdin, the output lock, the CA's address, openssl, a slow
 * reader of its output) ends on either, with no window in which one is
 * missed.  What ended the run is reported once, by msg_stopped.
 */
#ifndef CMPENROLL_STOP_H
#define CMPENROLL_STOP_H

#include <poll.h>
#include <signal.h>

void	 stop_install(void);
void	 stop_set_deadline(unsigned int);
unsigned int stop_deadline_seconds(void);
int	 stop_ms_left(void);
int	 stop_pending(void);
int	 stop_signal(void);
int	 stop_poll(struct pollfd *, nfds_t, int);
void	 stop_sleep(int);
void	 stop_phase(const char *);
const char *stop_doing(void);
const sigset_t *stop_child_mask(void);

#endif
