/*
 * echo.c: the -v pass-through of openssl's log and the waiting line.
 *
 * The log is split into lines, each passed through msg_vis (the CA's words
 * are in it), and queued; at most ECHO_QUEUE_MAX bytes wait, and what does
 * not fit is dropped with a note.  The waiting line reads openssl's own
 * progress lines ("sending IR", "checkAfter = 10 seconds"): when the CA has
 * made us wait for a second, "waiting for the CA: 45 s, next check in 10
 * s" is drawn in place each second, and erased when the wait ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "echo.h"
#include "util.h"

#define ECHO_QUEUE_MAX	(64 * 1024)
#define ECHO_LINE_MAX	4096
#define WAIT_SHOWN_MS	1000	/* a wait shorter than this shows nothing */

static enum echo_mode	 mode;
static struct buf	 queue;		/* escaped, ready for stderr */
static size_t		 queue_off;	/* written so far */
static size_t		 dropped;
static char		 partial[ECHO_LINE_MAX];	/* the line not ended */
static size_t		 npartial;

/* The waiting line's state, in CLOCK_MONOTONIC milliseconds. */
static long long	 wait_from;	/* 0: not waiting */
static char		 drawn[128];	/* the line last queued */
static long long	 next_check;	/* 0: not polling */
static int		 polling, shown;

/* Set the mode; the one it replaces is returned. */
enum echo_mode
echo_set_mode(enum echo_mode m)
{
	enum echo_mode old = mode;

	mode = m;
	return old;
}

/*
 * Whether openssl's log is wanted as it happens: only for a person at a
 * terminal.  openssl buffers its log when its output is not a terminal.
 */
int
echo_live(void)
{
	return mode != ECHO_NONE && isatty(STDERR_FILENO);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
queue_add(const char *s, size_t len)
{
	if (queue.len - queue_off + len > ECHO_QUEUE_MAX) {
		dropped += len;
		return;
	}
	buf_append(&queue, s, len);
}

void
echo_begin(void)
{
	queue.len = queue_off = dropped = npartial = 0;
	wait_from = next_check = 0;
	polling = shown = 0;
}

/* What one of openssl's own progress lines says about waiting. */
static void
progress(const char *line)
{
	const char	*p;
	long		 secs;

	if (strstr(line, "starting to poll") != NULL) {
		polling = 1;
		wait_from = now_ms();
	} else if (strstr(line, "after polling") != NULL) {
		polling = 0;
		wait_from = next_check = 0;
	} else if ((p = strstr(line, "checkAfter = ")) != NULL) {
		secs = strtol(p + 13, NULL, 10);
		next_check = secs > 0 && secs < 86400 ? now_ms() + secs *
		    1000 : 0;
	} else if (strstr(line, "CMP info: sending ") != NULL) {
		if (wait_from == 0)
			wait_from = now_ms();
	} else if (strstr(line, "CMP info: received ") != NULL && !polling)
		wait_from = 0;
}

static void
end_line(void)
{
	char	vis[ECHO_LINE_MAX * 4 + 2];
	size_t	n;

	partial[npartial] = '\0';
	if (mode == ECHO_WAITING)
		progress(partial);
	else if (mode == ECHO_LOG) {
		n = msg_vis(vis, sizeof(vis) - 1, partial, npartial);
		vis[n++] = '\n';
		queue_add(vis, n);
	}
	npartial = 0;
}

/* openssl's output as it comes; a line longer than the bound is split. */
void
echo_log(const char *data, size_t len)
{
	size_t i;

	if (mode == ECHO_NONE)
		return;
	for (i = 0; i < len; i++) {
		if (data[i] == '\n' || npartial == ECHO_LINE_MAX - 1)
			end_line();
		if (data[i] != '\n')
			partial[npartial++] = data[i];
	}
}

int
echo_pending(void)
{
	return queue.len > queue_off;
}

/* stderr took POLLOUT: write one part, at most what a pipe takes whole. */
void
echo_flush_some(void)
{
	size_t	n = queue.len - queue_off;
	ssize_t	w;

	w = write(STDERR_FILENO, queue.data + queue_off, n < 512 ? n : 512);
	if (w > 0)
		queue_off += (size_t)w;
	else if (w == -1 && errno != EAGAIN && errno != EINTR)
		queue_off = queue.len;	/* stderr is gone: drop it */
	if (queue_off == queue.len)
		queue.len = queue_off = 0;
}

/* How long a wait may last before the waiting line needs redrawing. */
int
echo_tick_ms(void)
{
	return mode == ECHO_WAITING ? 1000 - (int)(now_ms() % 1000) : -1;
}

/* Draw the waiting line, or erase it when the wait is over. */
void
echo_tick(void)
{
	char		 line[128];
	long long	 now = now_ms();
	int		 n;

	if (mode != ECHO_WAITING)
		return;
	if (wait_from == 0 || now - wait_from < WAIT_SHOWN_MS) {
		if (shown)
			queue_add("\r\033[K", 4);
		shown = 0;
		return;
	}
	n = snprintf(line, sizeof(line), "\rwaiting for the CA: %lld s",
	    (now - wait_from) / 1000);
	if (polling && next_check > now)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ", next "
		    "check in %lld s", (next_check - now + 999) / 1000);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "\033[K");
	/* Redraw only what changed: a tick comes with every wake-up. */
	if (shown && strcmp(line, drawn) == 0)
		return;
	memcpy(drawn, line, (size_t)n + 1);
	/* Only the latest state matters: replace a line not yet written. */
	if (queue_off == 0 && queue.len > 0 && queue.data[0] == '\r')
		queue.len = 0;
	queue_add(line, (size_t)n);
	shown = 1;
}

/* openssl is done: the rest of its log, the waiting line erased. */
void
echo_end(void)
{
	char note[96];
	int  n;

	if (mode == ECHO_NONE)
		return;
	if (npartial > 0)
		end_line();
	if (shown)
		queue_add("\r\033[K", 4);
	shown = 0;
	if (dropped > 0) {
		n = snprintf(note, sizeof(note), "[%zu bytes of openssl's log "
		    "dropped: stderr was too slow]\n", dropped);
		buf_append(&queue, note, (size_t)n);
	}
	if (echo_pending())
		(void)msg_write(STDERR_FILENO, queue.data + queue_off,
		    queue.len - queue_off, 0);
	buf_free(&queue);
	queue_off = dropped = 0;
}
