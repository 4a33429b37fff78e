/*
 * msg.c: messages and the escaping of outside text.  Every message is one
 * line on stderr starting "cmpenroll: ", passed through msg_vis: a CA's
 * status string, a certificate's subject or openssl's log may hold bytes
 * that a terminal acts on (ESC, the C1 controls CSI and OSC as bytes or as
 * code points), and a newline that would fake a line of our own.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "stop.h"

int verbosity;

/* The last error, kept for the --json result. */
static char last_error[1024];

/*
 * The length of the UTF-8 sequence at p (at most n bytes) when it encodes
 * a printable code point, else 0: no C0 or C1 control, no DEL, no overlong
 * form, no surrogate, nothing past U+10FFFF.
 */
static size_t
printable_utf8(const unsigned char *p, size_t n)
{
	size_t		len, i;
	unsigned int	cp;

	if (p[0] < 0x80)
		return p[0] >= 0x20 && p[0] != 0x7f;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	cp = p[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp < 0xa0)
		return 0;
	return len;
}

/*
 * in as text that is safe on a terminal and stays one line, like
 * OpenBSD's strvisx(VIS_SAFE | VIS_OCTAL): printable UTF-8 is kept, a
 * backslash is doubled, \n \r \t are written so, and every other byte (C0,
 * C1, DEL, invalid UTF-8) becomes \ooo.  out always ends in a NUL; text
 * that does not fit is cut between escapes.  Returns the length written.
 */
size_t
msg_vis(char *out, size_t outsz, const void *in, size_t inlen)
{
	static const char	 named[] = "\\\n\r\t", letters[] = "\\nrt";
	const unsigned char	*p = in, *end = p + inlen;
	const char		*add, *k;
	char			 esc[8];
	size_t			 o = 0, n, alen;

	if (outsz == 0)
		return 0;
	while (p < end) {
		if (*p != '\\' && (n = printable_utf8(p, (size_t)(end - p)))) {
			add = (const char *)p;
			alen = n;
		} else {
			if (*p != '\0' && (k = strchr(named, *p)) != NULL)
				snprintf(esc, sizeof(esc), "\\%c",
				    letters[k - named]);
			else
				snprintf(esc, sizeof(esc), "\\%03o", *p);
			add = esc;
			alen = strlen(esc);
			n = 1;
		}
		if (o + alen >= outsz)
			break;
		memcpy(out + o, add, alen);
		o += alen;
		p += n;
	}
	out[o] = '\0';
	return o;
}

/*
 * Write all of data to fd, waiting for it to take each part within the
 * deadline (a reader that stalls never holds up -t); past the deadline
 * only what it takes at once.  stoppable: a stop signal ends it too, as it
 * does for output; a message is still written after one.  0 or -1.
 */
int
msg_write(int fd, const void *data, size_t len, int stoppable)
{
	const unsigned char	*p = data;
	struct pollfd		 pfd;
	ssize_t			 n;
	int			 ready;

	while (len > 0) {
		pfd = (struct pollfd){ fd, POLLOUT, 0 };
		if (stop_ms_left() == 0)
			ready = poll(&pfd, 1, 0);
		else
			ready = stop_poll(&pfd, 1, -1);
		if (ready == -1 && errno == EINTR) {
			if (stoppable && stop_signal())
				return -1;
			continue;
		}
		if (ready <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		/* At most a pipe's atomic size: taken whole once POLLOUT. */
		n = write(fd, p, len < 4096 ? len : 4096);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
msg_emit(const char *prefix, const char *fmt, va_list ap, char *keep,
    size_t keepsz)
{
	char	raw[4096], line[8192 + 64];
	size_t	n;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	n = (size_t)snprintf(line, sizeof(line), "cmpenroll: %s", prefix);
	n += msg_vis(line + n, sizeof(line) - n - 1, raw, strlen(raw));
	if (keep != NULL)
		snprintf(keep, keepsz, "%s", line + strlen("cmpenroll: ") +
		    strlen(prefix));
	line[n++] = '\n';
	(void)msg_write(STDERR_FILENO, line, n, 0);
}

void
msg_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_emit("", fmt, ap, last_error, sizeof(last_error));
	va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_emit("warning: ", fmt, ap, NULL, 0);
	va_end(ap);
}

void
msg_info(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < 0)
		return;
	va_start(ap, fmt);
	msg_emit("", fmt, ap, NULL, 0);
	va_end(ap);
}

const char *
msg_last_error(void)
{
	return last_error;
}

/*
 * When a stop signal or the deadline ended the run, say so (once) and
 * return its exit status: 128 + the signal, or EX_TEMPFAIL.  0 otherwise.
 */
int
msg_stopped(void)
{
	static int	reported;
	int		rc = stop_pending(), sig = stop_signal();

	if (rc == 0 || reported++)
		return rc;
	if (sig)
		msg_err("stopped by signal %d (%s) while %s", sig,
		    strsignal(sig), stop_doing());
	else
		msg_err("timed out after %u s (--timeout) while %s",
		    stop_deadline_seconds(), stop_doing());
	return rc;
}
