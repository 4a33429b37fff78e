/*
 * util.c: growable buffers, bounded reads, atomic writes, output locks.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "stop.h"
#include "util.h"

void *
util_xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n, size)) == NULL) {
		msg_err("out of memory");
		exit(EX_SOFTWARE);
	}
	return p;
}

char *
util_xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL) {
		msg_err("out of memory");
		exit(EX_SOFTWARE);
	}
	return p;
}

/* Free a string that may hold a secret. */
void
util_wipe_str(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

int
buf_append(struct buf *b, const void *data, size_t len)
{
	unsigned char	*p;
	size_t		 cap, len_before;

	if (len > SIZE_MAX / 2 - b->len)
		return -1;
	if (b->data == NULL || b->len + len + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + len + 1)
			cap *= 2;
		p = util_xcalloc(1, cap);
		len_before = b->len;
		if (b->data != NULL && len_before > 0)
			memcpy(p, b->data, len_before);
		buf_free(b);
		b->data = p;
		b->len = len_before;
		b->cap = cap;
	}
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[256], *big;
	int	 n, rc;

	/* What is formatted may be a secret (push_env): wipe every copy. */
	va_start(ap, fmt);
	/* The analyzer does not see va_start's effect through the macro. */
	n = vsnprintf(small, sizeof(small), fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
	va_end(ap);
	if (n < 0)
		rc = -1;
	else if ((size_t)n < sizeof(small))
		rc = buf_append(b, small, (size_t)n);
	else {
		big = util_xcalloc(1, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		rc = buf_append(b, big, (size_t)n);
		OPENSSL_clear_free(big, (size_t)n + 1);
	}
	OPENSSL_cleanse(small, sizeof(small));
	return rc;
}

/* Buffers may hold secrets or keys: wipe before freeing, always. */
void
buf_free(struct buf *b)
{
	if (b->data != NULL) {
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}

/*
 * Read fd into b, at most max bytes.  Returns 0, or -1 with errno set
 * (EFBIG when there is more than max, /dev/zero included; EINTR when a
 * stop signal or the deadline ended the wait for a pipe, FIFO or
 * terminal).
 */
static int
read_bounded(int fd, size_t max, struct buf *b)
{
	unsigned char	chunk[8192];
	struct pollfd	pfd;
	ssize_t		n;
	int		rc = 0;

	for (;;) {
		/* Wait for the data first: only then does a read not block. */
		pfd = (struct pollfd){ fd, POLLIN, 0 };
		if (stop_poll(&pfd, 1, -1) <= 0) {
			if (stop_pending()) {
				errno = EINTR;
				rc = -1;
				break;
			}
			continue;	/* a signal that is not a stop signal */
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			rc = n == 0 ? 0 : -1;
			break;
		}
		if (b->len + (size_t)n > max) {
			errno = EFBIG;
			rc = -1;
			break;
		}
		buf_append(b, chunk, (size_t)n);
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	/* An empty file still gives a buffer: parsers never see NULL. */
	if (rc == 0 && b->data == NULL)
		buf_append(b, "", 0);
	return rc;
}

/*
 * Read at most max bytes of path ("-" is stdin) into b.  Reports and
 * returns an exit status: 66 when the file cannot be read, too_large when
 * it holds more than max bytes (/dev/zero included), and the stop status
 * when a stop signal or the deadline ended the wait for it.  A FIFO is
 * opened without waiting for its writer: the wait is read_bounded's.
 */
int
util_read_file(const char *path, size_t max, const char *what,
    int too_large, struct buf *b)
{
	const char	*name = strcmp(path, "-") == 0 ? "stdin" : path;
	int		fd, rc = 0;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		msg_err("cannot open %s %s: %s", what, name, strerror(errno));
		return EX_NOINPUT;
	}
	if (read_bounded(fd, max, b) == -1) {
		if (errno == EINTR)
			rc = msg_stopped();
		else if (errno == EFBIG) {
			msg_err("%s %s is larger than %zu KiB", what, name,
			    max / 1024);
			rc = too_large;
		} else {
			msg_err("cannot read %s %s: %s", what, name,
			    strerror(errno));
			rc = EX_NOINPUT;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/*
 * Whether cmpenroll should read path itself before openssl does: a
 * regular file, or a name that does not exist (the read then says so).
 * Not a URI that openssl resolves ("pkcs11:..."), nor a pipe or device,
 * which a read of ours would drain before openssl gets to it.
 */
int
util_is_plain_file(const char *path)
{
	struct stat	st;
	size_t		n;

	n = strspn(path, "abcdefghijklmnopqrstuvwxyz0123456789+.-");
	if (n > 1 && path[n] == ':' && path[0] >= 'a' && path[0] <= 'z')
		return 0;
	if (stat(path, &st) == -1)
		return 1;
	return S_ISREG(st.st_mode);
}

/*
 * Read the regular file at path into b, at most max bytes, and report
 * nothing: for a file whose absence or damage is itself the answer.
 * Returns 0 or -1.  A FIFO or device is not read (nor waited for).
 */
int
util_read_quiet(const char *path, size_t max, struct buf *b)
{
	struct stat	st;
	int		fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		rc = read_bounded(fd, max, b);
	close(fd);
	return rc;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const unsigned char	*p = data;
	ssize_t			 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Whether a staged file can be renamed over path: its folder exists, and
 * path is absent, a regular file, or a symlink to one or to nothing (the
 * link is replaced, not followed).  Anything else is refused: the rename
 * would replace a device node, a FIFO, a socket, or a link to one such as
 * /dev/stdout.  Reports and returns an exit status.
 */
int
util_check_target(const char *path)
{
	char		 dir[PATH_MAX];
	const char	*folder;
	size_t		 len = strlen(path);
	struct stat	 st;

	if (len == 0 || path[len - 1] == '/') {
		msg_err("cannot write '%s': not a file name", path);
		return EX_CANTCREAT;
	}
	if (lstat(path, &st) == -1) {
		if (errno != ENOENT) {
			msg_err("cannot write %s: %s", path, strerror(errno));
			return EX_CANTCREAT;
		}
	} else if (S_ISLNK(st.st_mode) && stat(path, &st) == -1) {
		/* a link to nothing: replaced like any link */
	} else if (!S_ISREG(st.st_mode)) {
		msg_err("cannot write %s: not a regular file", path);
		return EX_CANTCREAT;
	}
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		msg_err("cannot write %s: path too long", path);
		return EX_CANTCREAT;
	}
	folder = dirname(dir);
	if (stat(folder, &st) == -1) {
		msg_err("cannot write %s: %s: %s", path, folder,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	if (!S_ISDIR(st.st_mode)) {
		msg_err("cannot write %s: %s is not a folder", path, folder);
		return EX_CANTCREAT;
	}
	if (faccessat(AT_FDCWD, folder, W_OK | X_OK, AT_EACCESS) == -1) {
		msg_err("cannot write %s: %s: %s", path, folder,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	return 0;
}

/* The process's umask (reading it means setting it: set it back). */
static mode_t
current_umask(void)
{
	mode_t mask = umask(077);

	umask(mask);
	return mask;
}

/*
 * Stage data for path: a fresh temporary file beside it (mkstemp opens
 * with O_EXCL, so a planted symlink is never followed), written and
 * flushed.  util_commit renames it over the target; util_discard removes
 * it.  Until the commit the target is as it was.
 *
 * The file belongs to the user who runs cmpenroll.  It takes from the file
 * it replaces only the permission bits, masked with 0666 & ~umask (no
 * setuid, setgid or sticky bit, ever), and the group only when that file
 * was ours: a daemon may read it through its group.  A symlink at path is
 * replaced, and nothing is taken from its target.
 */
int
util_stage(const char *path, const void *data, size_t len,
    struct staged *sf)
{
	char		 dir[PATH_MAX];
	struct stat	 st;
	mode_t		 mode = 0666;
	int		 fd, saved, rc, old;

	sf->path = path;
	sf->tmp[0] = '\0';
	if ((rc = util_check_target(path)) != 0)
		return rc;
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
	    snprintf(sf->tmp, sizeof(sf->tmp), "%s/.cmpenroll.XXXXXX",
	    dirname(dir)) >= (int)sizeof(sf->tmp)) {
		sf->tmp[0] = '\0';
		msg_err("cannot write %s: path too long", path);
		return EX_CANTCREAT;
	}
	if ((old = lstat(path, &st) == 0 && S_ISREG(st.st_mode)))
		mode = st.st_mode & 0666;
	mode &= ~current_umask();
	if ((fd = mkstemp(sf->tmp)) == -1) {
		sf->tmp[0] = '\0';
		msg_err("cannot write %s: %s", path, strerror(errno));
		return EX_CANTCREAT;
	}
	/* A group that is not ours to give (EPERM) leaves the default. */
	if ((old && st.st_uid == geteuid() && fchown(fd, (uid_t)-1,
	    st.st_gid) == -1 && errno != EPERM) || fchmod(fd, mode) == -1 ||
	    write_all(fd, data, len) == -1 || fsync(fd) == -1 ||
	    close(fd) == -1) {
		saved = errno;
		close(fd);
		util_discard(sf);
		msg_err("cannot write %s: %s", path, strerror(saved));
		return EX_CANTCREAT;
	}
	return 0;
}

int
util_commit(struct staged *sf)
{
	if (rename(sf->tmp, sf->path) == -1) {
		msg_err("cannot write %s: %s", sf->path, strerror(errno));
		util_discard(sf);
		return EX_CANTCREAT;
	}
	sf->tmp[0] = '\0';
	return 0;
}

void
util_discard(struct staged *sf)
{
	if (sf->tmp[0] != '\0')
		unlink(sf->tmp);
	sf->tmp[0] = '\0';
}

/* Create a new file (inside our private work folder) holding data. */
int
util_write_new(const char *path, const void *data, size_t len)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 || write_all(fd, data, len) == -1) {
		msg_err("cannot write %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return EX_CANTCREAT;
	}
	if (close(fd) == -1) {
		msg_err("cannot write %s: %s", path, strerror(errno));
		return EX_CANTCREAT;
	}
	return 0;
}

/*
 * Hold an exclusive lock on the output folder dir until cmpenroll exits, so that two runs on one output never both enroll: a second run
 * waits for the first to finish, within the deadline.  A folder, not a
 * lock file beside the output: nothing is left behind, and there is no
 * file for someone else to plant.  Runs writing into one folder take
 * turns.  Reports and returns an exit status.
 */
int
util_lock(const char *dir)
{
	int fd, waited = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		msg_err("cannot lock %s: %s", dir, strerror(errno));
		return EX_CANTCREAT;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			msg_err("cannot lock %s: %s", dir, strerror(errno));
			close(fd);
			return EX_CANTCREAT;
		}
		if (!waited++) {
			msg_info("waiting for another cmpenroll writing into "
			    "%s", dir);
			stop_phase("waiting for another cmpenroll writing into "
			    "the output folder");
		}
		stop_sleep(50);
		if (stop_pending()) {
			close(fd);
			return msg_stopped();
		}
	}
	return 0;
}

/* Edit distance, for "did you mean"; names are short. */
size_t
util_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, prev[64], cur[64];

	if (la >= 64 || lb >= 64)
		return 64;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			cur[j] = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < cur[j])
				cur[j] = prev[j] + 1;
			if (cur[j - 1] + 1 < cur[j])
				cur[j] = cur[j - 1] + 1;
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return prev[lb];
}
