/*
 * stop.c: stop signals and the -t deadline.  The signals stay blocked
 * outside ppoll, which unblocks them atomically for the length of a wait:
 * a signal that arrives between a check and the wait still ends the wait.
 * A signal that is not a stop signal (SIGCHLD of a child we never started,
 * say) only ends one ppoll early; the caller waits again.
 */
#include <limits.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "stop.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static volatile sig_atomic_t caught;
static struct timespec	 deadline;	/* CLOCK_MONOTONIC; 0: none */
static unsigned int	 deadline_s;
static sigset_t		 wait_mask;	/* what ppoll waits with */
static sigset_t		 child_mask;	/* what openssl starts with */
static const char	*phase = "starting";

static void
on_stop(int sig)
{
	caught = sig;
}

/* A handler, not SIG_DFL: only a caught SIGCHLD ends a ppoll. */
static void
on_child(int sig)
{
	(void)sig;
}

void
stop_install(void)
{
	struct sigaction	 sa, old;
	sigset_t		 block, orig;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	/*
	 * A signal ignored when we start stays ignored, for openssl too (exec
	 * keeps it so): nohup's SIGHUP, a background job's SIGINT and SIGQUIT.
	 */
	sa.sa_handler = on_stop;
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		sigaddset(&block, stop_signals[i]);
		if (sigaction(stop_signals[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	}
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	sigaddset(&block, SIGCHLD);
	/* A closed stdout is reported as a write error, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_BLOCK, &block, &orig);
	/*
	 * Waits let our signals through even if they were blocked when we
	 * started: a blocked SIGCHLD would make a wait for openssl endless.
	 */
	wait_mask = orig;
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigdelset(&wait_mask, stop_signals[i]);
	sigdelset(&wait_mask, SIGCHLD);
	sigemptyset(&child_mask);
}

void
stop_set_deadline(unsigned int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds;
	deadline_s = seconds;
}

unsigned int
stop_deadline_seconds(void)
{
	return deadline_s;
}

/* Milliseconds to the deadline, -1 when there is none, 0 when past. */
int
stop_ms_left(void)
{
	struct timespec	now;
	long long	ms;

	if (deadline.tv_sec == 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline.tv_sec - now.tv_sec) * 1000 +
	    (deadline.tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* The stop signal caught so far, 0 if none. */
int
stop_signal(void)
{
	return caught;
}

/* 128 + the stop signal, EX_TEMPFAIL past the deadline, or 0. */
int
stop_pending(void)
{
	if (caught)
		return 128 + caught;
	return stop_ms_left() == 0 ? EX_TEMPFAIL : 0;
}

/*
 * ppoll for at most max_ms (-1: no limit of its own), never past the
 * deadline, with our signals let through.  Returns ppoll's result: 0 when
 * the time is up, -1 with EINTR when a signal came.
 */
int
stop_poll(struct pollfd *pfd, nfds_t n, int max_ms)
{
	struct timespec	 ts;
	int		 ms = stop_ms_left();

	if (ms == 0)
		return 0;
	if (max_ms >= 0 && (ms < 0 || max_ms < ms))
		ms = max_ms;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	return ppoll(pfd, n, ms < 0 ? NULL : &ts, &wait_mask);
}

/* Sleep up to ms, ended early by a stop signal or the deadline. */
void
stop_sleep(int ms)
{
	stop_poll(NULL, 0, ms);
}

/* What the run is doing, for the message when it is stopped. */
void
stop_phase(const char *what)
{
	phase = what;
}

/* What the run was doing, for the message when it was stopped. */
const char *
stop_doing(void)
{
	return phase;
}

/* The signal mask openssl starts with: nothing blocked. */
const sigset_t *
stop_child_mask(void)
{
	return &child_mask;
}
