/*
 * runner.h: the private work folder and the openssl cmp child: an argv
 * vector, never a shell; its own process group, ended with cmpenroll even
 * by SIGKILL; its log and the files it saves, collected through pipes.
 */
#ifndef CMPENROLL_RUNNER_H
#define CMPENROLL_RUNNER_H

#include <sys/types.h>

#include "config.h"
#include "util.h"

/* openssl cmp 3.0 writes its log to stdout: both streams land here. */
#define RUN_OUTPUT_MAX	(256 * 1024)

/* Where the child finds what runner_run feeds it. */
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
	int		stopped;	/* a stop signal or -t ended it */
	int		overflow;	/* a capture exceeded CERTFILE_MAX */
	struct buf	output;
	struct buf	captured[RUNNER_CAPTURES];
};

int	 runner_workdir_create(const char *, char **);
void	 runner_workdir_remove(void);
int	 runner_run(const struct command *, const void *, size_t, size_t,
	    struct run_result *);
const char *runner_capture_path(size_t);
void	 runner_result_free(struct run_result *);
char	*runner_command_line(const struct command *);

#endif
