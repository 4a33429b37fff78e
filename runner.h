/*
 * runner.h: the private work folder, the openssl cmp child (an argv
 * vector, never a shell), its captured output and what it means: the
 * CA's PKIStatus, failure bits and status string, and an exit status.
 */
#ifndef CMPENROLL_RUNNER_H
#define CMPENROLL_RUNNER_H

#include <signal.h>
#include <time.h>

#include "config.h"
#include "util.h"

/* openssl cmp 3.0 writes its log to stdout: both streams land here. */
#define RUN_OUTPUT_MAX	(256 * 1024)

/* Where a started child finds what runner_finish feeds it. */
#define RUNNER_FEED_FD	3
#define RUNNER_FEED_PATH "/dev/fd/3"

/*
 * The child's descriptors from 4 on are pipes whose contents land in
 * run_result.captured: openssl writes the files it saves there, so that
 * nothing goes to disk only to be read back.  Each holds at most
 * CERTFILE_MAX bytes.
 */
#define RUNNER_CAPTURE_FD 4
#define RUNNER_CAPTURES	3

struct run_result {
	int		exited;		/* 1: exit_code is valid */
	int		exit_code;
	int		term_signal;	/* the child died of this signal */
	int		timed_out;	/* our --timeout ran out */
	int		interrupted;	/* we caught this signal */
	int		overflow;	/* a capture exceeded CERTFILE_MAX */
	struct buf	output;
	struct buf	captured[RUNNER_CAPTURES];
};

/* Our ends of the pipes to a started child. */
struct runner_child {
	pid_t		pid;
	int		rd[1 + RUNNER_CAPTURES];	/* output, captures */
	size_t		nrd;
	int		feed_fd;
	int		started;
	sigset_t	orig;		/* the mask to restore at the end */
	sigset_t	wait;		/* orig, our signals let through */
};

struct cmp_diag {
	int	exit_status;
	char	pki_status[64];
	char	fail_info[256];
	char	status_string[512];
	char	detail[1024];
	const char *what;
};

void	 runner_signals_install(void);
int	 runner_caught_signal(void);
int	 runner_workdir_create(const char *, char **);
void	 runner_workdir_remove(void);
void	 runner_set_deadline(unsigned int);
int	 runner_run(const struct command *, const void *, size_t, size_t,
	    struct run_result *);
int	 runner_start(const struct command *, int, size_t,
	    struct runner_child *);
int	 runner_finish(struct runner_child *, const void *, size_t,
	    struct run_result *);
void	 runner_abort(struct runner_child *);
const char *runner_capture_path(size_t);
void	 runner_result_free(struct run_result *);
void	 runner_diagnose(const char *, struct cmp_diag *);
char	*runner_command_line(const struct command *);

#endif
