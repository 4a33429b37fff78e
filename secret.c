/*
 * secret.c: a secret from its source, as openssl names sources: pass:TEXT,
 * env:VARIABLE, file:PATH and fd:NUMBER (their first line), or the text
 * itself.  A source that cannot be read, or gives an empty secret or one
 * longer than openssl takes whole, is refused; the reason names the
 * source, never the secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret.h"
#include "stop.h"

/*
 * The first line of fd, at most SECRET_MAX bytes of it, without its
 * newline: 0, or -1 with errno (EFBIG: the line is longer; EINTR: a stop
 * signal or the deadline ended the wait for a pipe).  Read a byte at a
 * time, so that nothing after the line is taken from a shared descriptor.
 */
static int
first_line(int fd, struct buf *out)
{
	struct pollfd	pfd;
	ssize_t		n;
	char		c;

	for (;;) {
		pfd = (struct pollfd){ fd, POLLIN, 0 };
		if (stop_poll(&pfd, 1, -1) <= 0) {
			if (stop_pending()) {
				errno = EINTR;
				return -1;
			}
			continue;
		}
		if ((n = read(fd, &c, 1)) == -1 && (errno == EINTR ||
		    errno == EAGAIN))
			continue;
		if (n <= 0)
			return (int)n;
		if (c == '\n')
			return 0;
		if (out->len == SECRET_MAX) {
			errno = EFBIG;
			return -1;
		}
		buf_append(out, &c, 1);
	}
}

static int
from_file(const char *path, struct buf *out, char *why, size_t whysz)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1) {
		snprintf(why, whysz, "cannot read file:%s: %s", path,
		    strerror(errno));
		return -1;
	}
	if ((rc = first_line(fd, out)) == -1)
		snprintf(why, whysz, "cannot read file:%s: %s", path,
		    errno == EFBIG ? "its first line is too long" :
		    strerror(errno));
	close(fd);
	return rc;
}

static int
from_fd(const char *num, struct buf *out, char *why, size_t whysz)
{
	char	*end;
	long	 fd;

	errno = 0;
	fd = strtol(num, &end, 10);
	if (*num == '\0' || *end != '\0' || errno != 0 || fd < 0 ||
	    fd > INT_MAX || fcntl((int)fd, F_GETFD) == -1) {
		snprintf(why, whysz, "fd:%s is not an open descriptor", num);
		return -1;
	}
	if (first_line((int)fd, out) == 0)
		return 0;
	snprintf(why, whysz, "cannot read fd:%s: %s", num,
	    errno == EFBIG ? "its first line is too long" : strerror(errno));
	return -1;
}

/*
 * Read the secret that source names into out.  0, or -1 with a reason in
 * why (which names the source, never the secret).
 */
int
secret_read(const char *source, struct buf *out, char *why, size_t whysz)
{
	const char	*v = source;
	int		 rc = 0;

	out->len = 0;
	if (strncmp(source, "env:", 4) == 0) {
		if ((v = getenv(source + 4)) == NULL) {
			snprintf(why, whysz, "the environment variable %s is "
			    "not set", source + 4);
			return -1;
		}
	} else if (strncmp(source, "file:", 5) == 0) {
		v = NULL;
		rc = from_file(source + 5, out, why, whysz);
	} else if (strncmp(source, "fd:", 3) == 0) {
		v = NULL;
		rc = from_fd(source + 3, out, why, whysz);
	} else if (strcmp(source, "stdin") == 0) {
		snprintf(why, whysz, "stdin cannot be read here; use env:, "
		    "file: or fd:");
		return -1;
	} else if (strncmp(source, "pass:", 5) == 0)
		v += 5;
	if (rc != 0)
		return rc;
	if (v != NULL)
		buf_append(out, v, strlen(v));
	if (out->len == 0)
		snprintf(why, whysz, "%s gives an empty secret",
		    secret_source_name(source));
	else if (out->len > SECRET_MAX)
		snprintf(why, whysz, "%s gives a secret longer than %d bytes, "
		    "which openssl would cut", secret_source_name(source),
		    SECRET_MAX);
	else if (strpbrk((char *)out->data, "\n\r") != NULL)
		snprintf(why, whysz, "%s gives a secret of several lines, "
		    "which openssl would cut", secret_source_name(source));
	else
		return 0;
	return -1;
}

/* The source as it may be shown: where the secret is, never the secret. */
const char *
secret_source_name(const char *source)
{
	if (strncmp(source, "env:", 4) == 0 ||
	    strncmp(source, "file:", 5) == 0 ||
	    strncmp(source, "fd:", 3) == 0)
		return source;
	if (strncmp(source, "pass:", 5) == 0)
		return "pass:****";
	return "the value";
}
