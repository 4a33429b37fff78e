/*
 * runner.c: run openssl cmp in its own process group with fork and exec,
 * so that the child can ask the kernel to end it when cmpenroll dies
 * (PR_SET_PDEATHSIG: posix_spawn has no hook for it); collect its output
 * and the files it saves; end it (and whatever it started) on a stop
 * signal or the deadline; remove the private work folder on every path.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "echo.h"
#include "runner.h"
#include "stop.h"

extern char **environ;

/* Our ends of the pipes to a started child. */
struct runner_child {
	pid_t		pid;
	int		rd[1 + RUNNER_CAPTURES];	/* output, captures */
	size_t		nrd;
	int		feed_fd;
};

static char *workdir;

int
runner_workdir_create(const char *parent, char **out)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/cmpenroll.XXXXXX", parent) >=
	    (int)sizeof(path)) {
		msg_err("cmp_tmp_dir %s: path too long", parent);
		return EX_CONFIG;
	}
	/* mkdtemp creates the folder with mode 0700. */
	if (mkdtemp(path) == NULL) {
		msg_err("cannot create a work folder in %s: %s", parent,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	workdir = util_xstrdup(path);
	atexit(runner_workdir_remove);
	*out = workdir;
	return 0;
}

/* The folder holds only files we created: no recursion is needed. */
void
runner_workdir_remove(void)
{
	struct dirent	*de;
	DIR		*d;
	int		 dfd;

	if (workdir == NULL)
		return;
	if ((d = opendir(workdir)) != NULL) {
		dfd = dirfd(d);
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				unlinkat(dfd, de->d_name, 0);
		closedir(d);
	}
	if (rmdir(workdir) == -1 && errno != ENOENT)
		msg_warn("cannot remove %s: %s", workdir, strerror(errno));
	free(workdir);
	workdir = NULL;
}

/* Does the NAME=value entry e set one of the variables c sets itself? */
static int
set_by_command(const struct command *c, const char *e)
{
	size_t i, n;

	if (strncmp(e, "CMPENROLL_PASS_", 15) == 0)
		return 1;
	for (i = 0; i < c->nenv; i++) {
		n = strcspn(c->env[i], "=");
		if (strncmp(e, c->env[i], n) == 0 && e[n] == '=')
			return 1;
	}
	return 0;
}

/* The child's environment: ours, then what the command sets for it alone. */
static char **
child_environment(const struct command *c)
{
	char	**env;
	size_t	  n = 0, i, k = 0;

	while (environ[n] != NULL)
		n++;
	env = util_xcalloc(n + c->nenv + 1, sizeof(*env));
	for (i = 0; i < n; i++)
		if (!set_by_command(c, environ[i]))
			env[k++] = environ[i];
	for (i = 0; i < c->nenv; i++)
		env[k++] = c->env[i];
	return env;
}

/* One descriptor the child gets: from is ours, to is the child's number. */
struct fd_map {
	int	from, to;
};

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/*
 * Every descriptor pair the runner opens (pipes, the pseudo-terminal)
 * lies above every number the child is given, so that no dup2 in
 * exec_child overwrites one that is still to be passed on or used.
 */
#define FD_FLOOR	16

/* Move both ends above FD_FLOOR, close-on-exec; on failure, close them. */
static int
lift_fds(int fds[2])
{
	int i, fd, err;

	for (i = 0; i < 2; i++) {
		if (fds[i] == -1 || fds[i] >= FD_FLOOR)
			continue;
		fd = fcntl(fds[i], F_DUPFD_CLOEXEC, FD_FLOOR);
		err = errno;
		close(fds[i]);
		fds[i] = fd;
		errno = err;
	}
	if (fds[0] != -1 && fds[1] != -1)
		return 0;
	err = errno;
	close_fd(&fds[0]);
	close_fd(&fds[1]);
	errno = err;
	return -1;
}

static int
open_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	return lift_fds(fds);
}

/*
 * In the child, between fork and exec: its own process group, death with
 * its parent, our descriptors in place, signals as openssl expects them.
 * An exec failure is reported through errfd.
 */
static void
exec_child(char **argv, char **envp, const struct fd_map *map, size_t nmap,
    pid_t parent, int errfd)
{
	size_t	i;
	int	fd, err;

	setpgid(0, 0);
	/* Check after asking: the parent may have died before prctl. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(127);
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1)
		_exit(127);
	for (i = 0; i < nmap; i++)
		if (dup2(map[i].from, map[i].to) == -1)
			_exit(127);
	/* exec resets what we catch; SIGPIPE we ignore, so reset it here. */
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, stop_child_mask(), NULL);
	if (strchr(argv[0], '/') != NULL)
		execve(argv[0], argv, envp);
	else
		execvpe(argv[0], argv, envp);
	err = errno;
	while (write(errfd, &err, sizeof(err)) == -1 && errno == EINTR)
		;
	_exit(127);
}

/* Whether exec succeeded: 0, or the errno the child reported. */
static int
exec_result(int errfd)
{
	ssize_t	n;
	int	err = 0;

	while ((n = read(errfd, &err, sizeof(err))) == -1 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(err) ? err : 0;
}

static int
spawn_child(const struct command *c, const struct fd_map *map, size_t nmap,
    pid_t *pid)
{
	char	**argv, **envp;
	pid_t	  self = getpid();
	size_t	  i;
	int	  errpipe[2], err, status, rc = 0;

	argv = util_xcalloc(c->argc + 1, sizeof(*argv));
	for (i = 0; i < c->argc; i++)
		argv[i] = c->argv[i].s;
	envp = child_environment(c);
	*pid = -1;
	if (open_pipe(errpipe) == -1) {
		msg_err("pipe: %s", strerror(errno));
		rc = EX_OSERR;
		goto out;
	}
	if ((*pid = fork()) == 0)
		exec_child(argv, envp, map, nmap, self, errpipe[1]);
	err = errno;
	close(errpipe[1]);
	if (*pid == -1) {
		msg_err("fork: %s", strerror(err));
		rc = EX_OSERR;
	} else {
		/* Here too, so that a kill of the group finds it at once. */
		setpgid(*pid, *pid);
		if ((err = exec_result(errpipe[0])) != 0) {
			while (waitpid(*pid, &status, 0) == -1 && errno == EINTR)
				;
			*pid = -1;
			msg_err("cannot run %s: %s (set cmp_openssl_bin)",
			    c->argv[0].s, strerror(err));
			rc = EX_CONFIG;
		}
	}
	close(errpipe[0]);
out:
	free(argv);
	free(envp);
	return rc;
}

/* End the child's whole process group: TERM, then KILL after a second. */
static void
stop_child(pid_t pid, int *status)
{
	int i;

	kill(-pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, status, WNOHANG) == pid) {
			kill(-pid, SIGKILL);
			return;
		}
		usleep(10000);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		;
}

static void
keep_output(struct run_result *r, const char *data, size_t len)
{
	size_t drop;

	echo_log(data, len);
	buf_append(&r->output, data, len);
	/* Keep the tail: openssl reports what went wrong last. */
	if (r->output.len > RUN_OUTPUT_MAX) {
		drop = r->output.len - RUN_OUTPUT_MAX;
		memmove(r->output.data, r->output.data + drop,
		    r->output.len - drop + 1);
		r->output.len -= drop;
	}
}

/*
 * Wait for the child after EOF, still honouring stop signals and the
 * deadline: SIGCHLD ends the wait at once.
 */
static void
reap_child(pid_t pid, int *status, struct run_result *r)
{
	for (;;) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return;
		if (stop_pending()) {
			r->stopped = 1;
			stop_child(pid, status);
			return;
		}
		stop_poll(NULL, 0, echo_tick_ms());
		echo_tick();
	}
}

/*
 * A pseudo-terminal in place of the output pipe: openssl then writes its
 * log line by line, as it happens, instead of all at the end.  Raw mode,
 * so that the bytes come through as written.  [0] is our end, the master.
 */
static int
open_pty(int fds[2])
{
	struct termios	t;
	char		name[64];

	fds[1] = -1;
	if ((fds[0] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return -1;
	if (grantpt(fds[0]) == -1 || unlockpt(fds[0]) == -1 ||
	    ptsname_r(fds[0], name, sizeof(name)) != 0 ||
	    (fds[1] = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    tcgetattr(fds[1], &t) == -1)
		goto fail;
	cfmakeraw(&t);
	if (tcsetattr(fds[1], TCSANOW, &t) == -1)
		goto fail;
	return lift_fds(fds);
fail:
	close_fd(&fds[0]);
	close_fd(&fds[1]);
	return -1;
}

/*
 * The child's pipes: [0] its output, [1 .. ncap] the captures, and last
 * the feed when there is one; exec_child is told which end goes where.
 */
static int
open_pipes(int pipes[][2], size_t npipes, int feed)
{
	size_t i;

	/* A person is watching: the log live, else the pipe as ever. */
	if (echo_live() && open_pty(pipes[0]) == 0)
		i = 1;
	else
		i = 0;
	for (; i < npipes; i++)
		if (open_pipe(pipes[i]) == -1) {
			msg_err("pipe: %s", strerror(errno));
			return EX_OSERR;
		}
	/* Only our end of the feed is non-blocking: openssl reads it plainly. */
	if (feed && fcntl(pipes[npipes - 1][1], F_SETFL, O_NONBLOCK) == -1) {
		msg_err("fcntl: %s", strerror(errno));
		return EX_OSERR;
	}
	return 0;
}

static size_t
child_map(int pipes[][2], size_t ncap, int feed, struct fd_map *map)
{
	size_t i, n = 0;

	map[n++] = (struct fd_map){ pipes[0][1], STDOUT_FILENO };
	map[n++] = (struct fd_map){ pipes[0][1], STDERR_FILENO };
	if (feed)
		map[n++] = (struct fd_map){ pipes[1 + ncap][0], RUNNER_FEED_FD };
	for (i = 0; i < ncap; i++)
		map[n++] = (struct fd_map){ pipes[1 + i][1],
		    RUNNER_CAPTURE_FD + (int)i };
	return n;
}

static void
child_init(struct runner_child *ch)
{
	size_t i;

	memset(ch, 0, sizeof(*ch));
	ch->pid = -1;
	ch->feed_fd = -1;
	for (i = 0; i < sizeof(ch->rd) / sizeof(ch->rd[0]); i++)
		ch->rd[i] = -1;
}

/* End a started child. */
static void
runner_abort(struct runner_child *ch)
{
	size_t	i;
	int	status;

	if (ch->pid > 0)
		stop_child(ch->pid, &status);
	ch->pid = -1;
	for (i = 0; i < ch->nrd; i++)
		close_fd(&ch->rd[i]);
	close_fd(&ch->feed_fd);
	echo_end();
}

/*
 * Start the command: its output and ncap captures come back through
 * pipes; with feed, its descriptor 3 is a pipe that runner_finish fills.
 * A stop signal or the deadline before the start starts nothing.
 */
static int
runner_start(const struct command *c, int feed, size_t ncap,
    struct runner_child *ch)
{
	struct fd_map	map[3 + RUNNER_CAPTURES];
	int		pipes[2 + RUNNER_CAPTURES][2];
	size_t		i, npipes;
	int		rc;

	ncap = ncap < RUNNER_CAPTURES ? ncap : RUNNER_CAPTURES;
	npipes = 1 + ncap + (feed != 0);
	for (i = 0; i < npipes; i++)
		pipes[i][0] = pipes[i][1] = -1;
	child_init(ch);
	if (stop_pending())
		return 0;
	if ((rc = open_pipes(pipes, npipes, feed)) == 0)
		rc = spawn_child(c, map, child_map(pipes, ncap, feed, map),
		    &ch->pid);
	if (rc == 0) {
		/* Our ends move into ch; every other end is closed below. */
		ch->nrd = 1 + ncap;
		for (i = 0; i < ch->nrd; i++) {
			ch->rd[i] = pipes[i][0];
			pipes[i][0] = -1;
		}
		if (feed) {
			ch->feed_fd = pipes[npipes - 1][1];
			pipes[npipes - 1][1] = -1;
		}
	}
	for (i = 0; i < npipes; i++) {
		close_fd(&pipes[i][0]);
		close_fd(&pipes[i][1]);
	}
	if (rc != 0)
		runner_abort(ch);
	return rc;
}

/* Write what the pipe takes now; close it when all is written. */
static void
feed_some(struct runner_child *ch, const unsigned char *data, size_t len,
    size_t *done)
{
	ssize_t n;

	n = write(ch->feed_fd, data + *done, len - *done);
	if (n > 0)
		*done += (size_t)n;
	if ((n == -1 && errno != EAGAIN && errno != EINTR) || *done == len)
		close_fd(&ch->feed_fd);
}

/* Read what one of the child's pipes holds; close it at its end. */
static void
read_some(struct runner_child *ch, size_t i, struct run_result *r)
{
	char		 chunk[4096];
	struct buf	*cap;
	ssize_t		 n;

	if ((n = read(ch->rd[i], chunk, sizeof(chunk))) == -1 &&
	    (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close_fd(&ch->rd[i]);
		return;
	}
	if (i == 0) {
		keep_output(r, chunk, (size_t)n);
		return;
	}
	/* Drained to the end either way, so that the child never blocks. */
	cap = &r->captured[i - 1];
	if (cap->len + (size_t)n > CERTFILE_MAX)
		r->overflow = 1;
	else
		buf_append(cap, chunk, (size_t)n);
}

/* Which pollfd is the feed, and which our stderr. */
#define WHICH_FEED	SIZE_MAX
#define WHICH_ECHO	(SIZE_MAX - 1)

/* One wait for the child's pipes, the feed, our stderr and signals. */
static void
poll_once(struct runner_child *ch, const void *feed, size_t feed_len,
    size_t *fed, struct run_result *r)
{
	struct pollfd	 pfd[3 + RUNNER_CAPTURES];
	size_t		 which[3 + RUNNER_CAPTURES];
	size_t		 i, n = 0;

	for (i = 0; i < ch->nrd; i++)
		if (ch->rd[i] != -1) {
			pfd[n] = (struct pollfd){ ch->rd[i], POLLIN, 0 };
			which[n++] = i;
		}
	if (ch->feed_fd != -1) {
		pfd[n] = (struct pollfd){ ch->feed_fd, POLLOUT, 0 };
		which[n++] = WHICH_FEED;
	}
	if (echo_pending()) {
		pfd[n] = (struct pollfd){ STDERR_FILENO, POLLOUT, 0 };
		which[n++] = WHICH_ECHO;
	}
	if (stop_poll(pfd, n, echo_tick_ms()) > 0)
		for (i = 0; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (which[i] == WHICH_FEED)
				feed_some(ch, feed, feed_len, fed);
			else if (which[i] == WHICH_ECHO)
				echo_flush_some();
			else
				read_some(ch, which[i], r);
		}
	echo_tick();
}

static int
reading(const struct runner_child *ch)
{
	size_t i;

	for (i = 0; i < ch->nrd; i++)
		if (ch->rd[i] != -1)
			return 1;
	return 0;
}

/*
 * Feed the child (when it was started with feed), collect its output and
 * captures until it ends, and wait for it.  Returns 0 when the child ran
 * (its own result is in r; r->stopped says whether a stop signal or the
 * deadline ended it), else a reported exit status.
 */
static int
runner_finish(struct runner_child *ch, const void *feed, size_t feed_len,
    struct run_result *r)
{
	size_t	fed = 0;
	int	status = 0;

	memset(r, 0, sizeof(*r));
	if ((r->stopped = stop_pending() != 0) || ch->pid <= 0) {
		runner_abort(ch);
		return 0;
	}
	echo_begin();
	while (reading(ch)) {
		if ((r->stopped = stop_pending() != 0))
			break;
		poll_once(ch, feed, feed_len, &fed, r);
	}
	close_fd(&ch->feed_fd);
	if (reading(ch))
		stop_child(ch->pid, &status);
	else
		reap_child(ch->pid, &status, r);
	ch->pid = -1;
	if (WIFEXITED(status)) {
		r->exited = 1;
		r->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status))
		r->term_signal = WTERMSIG(status);
	runner_abort(ch);
	return 0;
}

/*
 * Run a command from start to end.  With feed, the child reads it from
 * RUNNER_FEED_PATH; what it writes to runner_capture_path(0 .. ncap - 1)
 * lands in r->captured.  No file holds either, and nothing is left behind.
 */
int
runner_run(const struct command *c, const void *feed, size_t feed_len,
    size_t ncap, struct run_result *r)
{
	struct runner_child	ch;
	int			rc;

	if ((rc = runner_start(c, feed != NULL, ncap, &ch)) != 0) {
		memset(r, 0, sizeof(*r));
		return rc;
	}
	return runner_finish(&ch, feed, feed_len, r);
}

void
runner_result_free(struct run_result *r)
{
	size_t i;

	buf_free(&r->output);
	for (i = 0; i < RUNNER_CAPTURES; i++)
		buf_free(&r->captured[i]);
}

/* The name the child opens to write capture i. */
const char *
runner_capture_path(size_t i)
{
	static const char *const paths[RUNNER_CAPTURES] = {
		"/dev/fd/4", "/dev/fd/5", "/dev/fd/6"
	};

	return i < RUNNER_CAPTURES ? paths[i] : NULL;
}

/* s, shell-quoted where it needs to be. */
static void
quote_word(struct buf *b, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
	const char *p;

	if (*s != '\0' && strspn(s, safe) == strlen(s)) {
		buf_append(b, s, strlen(s));
		return;
	}
	buf_append(b, "'", 1);
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			buf_append(b, "'\\''", 4);
		else
			buf_append(b, p, 1);
	buf_append(b, "'", 1);
}

/*
 * The command as a shell line, safe to show and to paste: the variables
 * it sets for openssl first (OPENSSL_CONF=/dev/null), secrets as ****;
 * the variables holding secrets are left out.
 */
char *
runner_command_line(const struct command *c)
{
	struct buf	 b = { 0 };
	char		*res;
	size_t		 i, n;

	for (i = 0; i < c->nenv; i++) {
		if (strncmp(c->env[i], "CMPENROLL_PASS_", 15) == 0)
			continue;
		n = strcspn(c->env[i], "=");
		buf_append(&b, c->env[i], n + 1);
		quote_word(&b, c->env[i] + n + 1);
		buf_append(&b, " ", 1);
	}
	for (i = 0; i < c->argc; i++) {
		if (i > 0)
			buf_append(&b, " ", 1);
		quote_word(&b, c->argv[i].secret ? "****" : c->argv[i].s);
	}
	res = util_xstrdup(b.len ? (char *)b.data : "");
	buf_free(&b);
	return res;
}
