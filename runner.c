/*
 * runner.c: run openssl cmp in its own process group with posix_spawn,
 * collect its output, end it (and whatever it started) on our timeout or
 * on SIGINT, SIGTERM, SIGHUP or SIGQUIT, and remove the private work
 * folder on every exit path.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

extern char **environ;

static volatile sig_atomic_t caught;
static char *workdir;
static struct timespec deadline;	/* CLOCK_MONOTONIC; 0: none */

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void
on_signal(int sig)
{
	caught = sig;
}

static void
on_child(int sig)
{
	(void)sig;
}

void
runner_signals_install(void)
{
	struct sigaction	sa, old;
	size_t			i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/*
	 * A signal ignored when we start stays ignored, for openssl too (exec
	 * keeps it so): nohup's SIGHUP, a background job's SIGINT and SIGQUIT.
	 */
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (sigaction(stop_signals[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	/* A handler, not SIG_DFL: only a caught SIGCHLD interrupts ppoll. */
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	/* A closed stdout is reported as a write error, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
}

/* The stop signal caught so far, 0 if none. */
int
runner_caught_signal(void)
{
	return caught;
}

void
runner_set_deadline(unsigned int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds;
}

/* Milliseconds to the deadline, -1 when there is none, 0 when past. */
static int
deadline_ms(void)
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

/* The child's environment: ours, then the secrets for it alone. */
static char **
child_environment(const struct command *c)
{
	char	**env;
	size_t	  n = 0, i, k = 0;

	while (environ[n] != NULL)
		n++;
	env = util_xcalloc(n + c->nenv + 1, sizeof(*env));
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "CMPENROLL_PASS_", 15) != 0)
			env[k++] = environ[i];
	for (i = 0; i < c->nenv; i++)
		env[k++] = c->env[i];
	return env;
}

/* One descriptor the child gets: from is ours, to is the child's number. */
struct fd_map {
	int	from, to;
};

static int
spawn_child(const struct command *c, const struct fd_map *map, size_t nmap,
    pid_t *pid)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 dflt, mask;
	char				**argv, **envp;
	size_t				 i;
	int				 rc;

	argv = util_xcalloc(c->argc + 1, sizeof(*argv));
	for (i = 0; i < c->argc; i++)
		argv[i] = c->argv[i].s;
	envp = child_environment(c);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	for (i = 0; i < nmap; i++)
		posix_spawn_file_actions_adddup2(&fa, map[i].from, map[i].to);
	posix_spawnattr_init(&attr);
	/*
	 * exec resets the signals we catch; SIGPIPE, which we ignore, goes
	 * back to its default, and openssl starts with nothing blocked.
	 */
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	sigemptyset(&mask);
	posix_spawnattr_setsigmask(&attr, &mask);
	/* Its own process group, so that one kill ends all it started. */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	rc = strchr(argv[0], '/') != NULL ?
	    posix_spawn(pid, argv[0], &fa, &attr, argv, envp) :
	    posix_spawnp(pid, argv[0], &fa, &attr, argv, envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(argv);
	free(envp);
	if (rc != 0) {
		msg_err("cannot run %s: %s (set cmp_openssl_bin)",
		    c->argv[0].s, strerror(rc));
		return EX_CONFIG;
	}
	return 0;
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

	if (verbosity > 0)
		fwrite(data, 1, len, stderr);
	buf_append(&r->output, data, len);
	/* Keep the tail: openssl reports what went wrong last. */
	if (r->output.len > RUN_OUTPUT_MAX) {
		drop = r->output.len - RUN_OUTPUT_MAX;
		memmove(r->output.data, r->output.data + drop,
		    r->output.len - drop + 1);
		r->output.len -= drop;
	}
}

/* ppoll's timeout for deadline_ms()'s answer: NULL waits without end. */
static const struct timespec *
poll_timeout(int ms, struct timespec *ts)
{
	if (ms < 0)
		return NULL;
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (long)(ms % 1000) * 1000000;
	return ts;
}

/*
 * Wait for the child after EOF, still honouring signals and the deadline.
 * SIGCHLD is blocked outside ppoll, so its arrival ends the wait at once.
 */
static void
reap_child(pid_t pid, int *status, struct run_result *r,
    const sigset_t *mask)
{
	struct timespec	 ts;
	int		 ms;

	for (;;) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return;
		if (caught || (ms = deadline_ms()) == 0) {
			r->interrupted = caught;
			r->timed_out = !caught;
			stop_child(pid, status);
			return;
		}
		ppoll(NULL, 0, poll_timeout(ms, &ts), mask);
	}
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/*
 * A close-on-exec pipe whose ends lie above every descriptor number the
 * child is given, so that no dup2 in spawn_child overwrites an end that
 * is still to be passed on.
 */
#define FD_FLOOR	16

static int
open_pipe(int fds[2])
{
	int i, fd;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		if (fds[i] >= FD_FLOOR)
			continue;
		fd = fcntl(fds[i], F_DUPFD_CLOEXEC, FD_FLOOR);
		close(fds[i]);
		fds[i] = fd;
	}
	if (fds[0] != -1 && fds[1] != -1)
		return 0;
	close_fd(&fds[0]);
	close_fd(&fds[1]);
	return -1;
}

/*
 * The child's pipes: [0] its output, [1 .. ncap] the captures, and last
 * the feed when there is one; spawn_child is told which end goes where.
 */
static int
open_pipes(int pipes[][2], size_t npipes, int feed)
{
	size_t i;

	for (i = 0; i < npipes; i++)
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

/* Block the signals ppoll waits for; nothing started, no pipe open. */
static void
child_init(struct runner_child *ch)
{
	sigset_t	block;
	size_t		i;

	memset(ch, 0, sizeof(*ch));
	ch->pid = -1;
	ch->feed_fd = -1;
	for (i = 0; i < sizeof(ch->rd) / sizeof(ch->rd[0]); i++)
		ch->rd[i] = -1;
	sigemptyset(&block);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&block, stop_signals[i]);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &ch->orig);
	/*
	 * ppoll waits with our signals open even if they were blocked when
	 * we started: a blocked SIGCHLD would make the wait endless.
	 */
	ch->wait = ch->orig;
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigdelset(&ch->wait, stop_signals[i]);
	sigdelset(&ch->wait, SIGCHLD);
	ch->started = 1;
}

/*
 * Start the command: its output and ncap captures come back through
 * pipes; with feed, its descriptor 3 is a pipe that runner_finish fills.
 * Signals stay blocked until runner_finish or runner_abort, and are
 * delivered only inside ppoll: none is missed.
 */
int
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
	if (caught)
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

/* End a started child, restore the signal mask. */
void
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
	if (ch->started)
		sigprocmask(SIG_SETMASK, &ch->orig, NULL);
	ch->started = 0;
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

/* One wait for the child's pipes, the feed and signals. */
static void
poll_once(struct runner_child *ch, const void *feed, size_t feed_len, size_t *fed,
    struct run_result *r)
{
	struct pollfd	 pfd[2 + RUNNER_CAPTURES];
	size_t		 which[2 + RUNNER_CAPTURES];
	struct timespec	 ts;
	size_t		 i, n = 0;
	int		 ms;

	for (i = 0; i < ch->nrd; i++)
		if (ch->rd[i] != -1) {
			pfd[n] = (struct pollfd){ ch->rd[i], POLLIN, 0 };
			which[n++] = i;
		}
	if (ch->feed_fd != -1) {
		pfd[n] = (struct pollfd){ ch->feed_fd, POLLOUT, 0 };
		which[n++] = SIZE_MAX;
	}
	/* Past the deadline now: the caller's next check ends the child. */
	if ((ms = deadline_ms()) == 0)
		return;
	if (ppoll(pfd, n, poll_timeout(ms, &ts), &ch->wait) <= 0)
		return;
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (which[i] == SIZE_MAX)
			feed_some(ch, feed, feed_len, fed);
		else
			read_some(ch, which[i], r);
	}
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
 * (its own result is in r; r->interrupted or r->timed_out say whether we
 * ended it), else a reported exit status.
 */
int
runner_finish(struct runner_child *ch, const void *feed, size_t feed_len,
    struct run_result *r)
{
	size_t	fed = 0;
	int	status = 0;

	memset(r, 0, sizeof(*r));
	if ((r->interrupted = caught) != 0 || ch->pid <= 0) {
		runner_abort(ch);
		return 0;
	}
	while (reading(ch)) {
		if ((r->interrupted = caught) != 0 ||
		    (r->timed_out = deadline_ms() == 0) != 0)
			break;
		poll_once(ch, feed, feed_len, &fed, r);
	}
	close_fd(&ch->feed_fd);
	if (reading(ch))
		stop_child(ch->pid, &status);
	else
		reap_child(ch->pid, &status, r, &ch->wait);
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
	int		rc;

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

/* Shell-quoted, secrets as ****: safe to show, and to paste. */
char *
runner_command_line(const struct command *c)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
	struct buf	 b = { 0 };
	const char	*s, *p;
	char		*res;
	size_t		 i;

	for (i = 0; i < c->argc; i++) {
		s = c->argv[i].secret ? "****" : c->argv[i].s;
		if (i > 0)
			buf_append(&b, " ", 1);
		if (*s != '\0' && strspn(s, safe) == strlen(s)) {
			buf_append(&b, s, strlen(s));
			continue;
		}
		buf_append(&b, "'", 1);
		for (p = s; *p != '\0'; p++)
			if (*p == '\'')
				buf_append(&b, "'\\''", 4);
			else
				buf_append(&b, p, 1);
		buf_append(&b, "'", 1);
	}
	res = util_xstrdup(b.len ? (char *)b.data : "");
	buf_free(&b);
	return res;
}

/*
 * How openssl cmp's log is read, first match wins.  The texts are those
 * OpenSSL 3.x prints; what none of them explains is an internal error.
 */
static const struct diag_rule {
	const char	*needle;
	int		 status;
	const char	*what;
} diag_rules[] = {
	{ "total timeout", EX_TEMPFAIL,
	    "the CA did not finish in time (total_timeout); try again later" },
	{ "PKIStatus: waiting", EX_TEMPFAIL,
	    "the CA is still processing the request; try again later" },
	{ "PKIStatus: ", EX_NOPERM, "the CA refused the request" },
	{ "does not match our enrollment key", EX_DATAERR, "the CA returned "
	    "a certificate for another key than the CSR's" },
	{ "wrong pbm value", EX_NOPERM, "the CA's answer does not verify "
	    "with our secret (wrong cmp_secret or cmp_ref?)" },
	{ "missing secret", EX_NOPERM, "the CA's answer is protected with a "
	    "secret, but none is configured" },
	{ "error validating protection", EX_NOPERM,
	    "the message protection was not accepted" },
	{ "received ERROR", EX_NOPERM, "the CA answered with an error" },
	{ "Connection refused", EX_UNAVAILABLE, "cannot reach the CA" },
	{ "connect timeout", EX_UNAVAILABLE, "cannot reach the CA" },
	{ "connect error", EX_UNAVAILABLE, "cannot reach the CA" },
	{ "read timeout", EX_TEMPFAIL, "the CA did not answer in time "
	    "(msg_timeout); try again later" },
	{ "HTTP", EX_UNAVAILABLE, "HTTP transfer to the CA failed" },
	{ "transfer error", EX_UNAVAILABLE, "transfer to the CA failed" },
	{ "Unknown option", EX_CONFIG, "openssl cmp does not know a "
	    "configured flag" },
	{ "Can't parse", EX_CONFIG, "openssl cmp cannot read a configured "
	    "value" },
	{ "Could not open", EX_CONFIG, "a file named in the config cannot "
	    "be read" },
	{ "Could not read", EX_CONFIG, "a file named in the config cannot "
	    "be read" },
	{ "cannot set up CMP context", EX_CONFIG,
	    "openssl cmp refused the configuration" },
};

/* Copy the field after label up to the next ';' (or, quoted, the last '"'). */
static void
field_after(const char *line, size_t len, const char *label, char *out,
    size_t outsz)
{
	const char	*s, *e, *end = line + len;
	size_t		 n;

	out[0] = '\0';
	if ((s = strstr(line, label)) == NULL || s >= end)
		return;
	s += strlen(label);
	if (*s == '"') {
		s++;
		for (e = end; e > s && e[-1] != '"'; e--)
			;
		e = e > s ? e - 1 : s;
	} else
		for (e = s; e < end && *e != ';'; e++)
			;
	n = (size_t)(e - s) < outsz - 1 ? (size_t)(e - s) : outsz - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* The line holding needle, without openssl's "...CMP error: " prefix. */
static void
line_of(const char *out, const char *at, char *detail, size_t sz)
{
	const char	*s = at, *e = at, *p;
	size_t		 n;

	while (s > out && s[-1] != '\n')
		s--;
	while (*e != '\0' && *e != '\n')
		e++;
	if ((p = strstr(s, "CMP error: ")) != NULL && p < e)
		s = p + strlen("CMP error: ");
	while (e > s && (e[-1] == '\r' || e[-1] == ' '))
		e--;
	n = (size_t)(e - s) < sz - 1 ? (size_t)(e - s) : sz - 1;
	memcpy(detail, s, n);
	detail[n] = '\0';
}

/* The last line that says "error", or the last line at all. */
static const char *
last_error_line(const char *out)
{
	const char *line = out, *next, *best = NULL, *last = out;

	for (; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			next = line + strlen(line);
		else
			next++;
		if (next - line > 1)
			last = line;
		if (memmem(line, (size_t)(next - line), "rror", 4) != NULL)
			best = line;
	}
	return best != NULL ? best : last;
}

void
runner_diagnose(const char *out, struct cmp_diag *d)
{
	const struct diag_rule	*rule = NULL;
	const char		*at = NULL, *s, *e;
	size_t			 i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < sizeof(diag_rules) / sizeof(diag_rules[0]); i++)
		if ((at = strstr(out, diag_rules[i].needle)) != NULL) {
			rule = &diag_rules[i];
			break;
		}
	if (rule == NULL) {
		d->exit_status = EX_SOFTWARE;
		d->what = "openssl cmp failed";
		line_of(out, last_error_line(out), d->detail,
		    sizeof(d->detail));
		return;
	}
	d->exit_status = rule->status;
	d->what = rule->what;
	line_of(out, at, d->detail, sizeof(d->detail));
	if ((s = strstr(out, "PKIStatus: ")) == NULL)
		return;
	for (e = s; *e != '\0' && *e != '\n'; e++)
		;
	field_after(s, (size_t)(e - s), "PKIStatus: ", d->pki_status,
	    sizeof(d->pki_status));
	field_after(s, (size_t)(e - s), "PKIFailureInfo: ", d->fail_info,
	    sizeof(d->fail_info));
	field_after(s, (size_t)(e - s), "StatusString: ", d->status_string,
	    sizeof(d->status_string));
	/* Keep the CA's words, not openssl's preamble around them. */
	snprintf(d->detail, sizeof(d->detail), "PKIStatus: %s%s%s%s%s%s",
	    d->pki_status, *d->fail_info ? "; PKIFailureInfo: " : "",
	    d->fail_info, *d->status_string ? "; StatusString: \"" : "",
	    d->status_string, *d->status_string ? "\"" : "");
}
