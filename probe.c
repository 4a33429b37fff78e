/*
 * probe.c: resolve the CA's name and connect to it (or to the proxy that
 * openssl would use) before openssl starts.  A name that does not resolve
 * and a refused port are named within moments; a silent network is named
 * after the configured message timeout.  The probe's connection is closed
 * at once: openssl makes its own.
 *
 * The name is resolved in a child process, so that a resolver that does
 * not answer is bounded by the deadline and stop signals like every other
 * wait; a numeric address needs none.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"
#include "stop.h"

#define ADDRS_MAX		8
#define DEFAULT_WAIT_S		30	/* config.c's default -msg_timeout */

struct addrs {
	struct sockaddr_storage	a[ADDRS_MAX];
	socklen_t		len[ADDRS_MAX];
	int			n;
	int			gai_error;	/* 0: resolved */
};

/*
 * Split "[scheme://][user@]host[:port][/path]" into host and port.  As
 * openssl does, only "https://" makes the default port 443: -tls_used
 * alone leaves it at 80.  0, or -1 when it does not fit.
 */
static int
split_address(const char *s, char *host, size_t hsz, char *port,
    size_t psz)
{
	const char	*p, *end;
	size_t		 n;
	int		 tls = 0;

	if (strncmp(s, "https://", 8) == 0) {
		s += 8;
		tls = 1;
	} else if (strncmp(s, "http://", 7) == 0)
		s += 7;
	end = s + strcspn(s, "/");
	if ((p = memchr(s, '@', (size_t)(end - s))) != NULL)
		s = p + 1;
	if (*s == '[' && (p = memchr(s, ']', (size_t)(end - s))) != NULL) {
		s++;
		n = (size_t)(p - s);
		p++;
	} else {
		p = s + strcspn(s, ":/");
		n = (size_t)(p - s);
	}
	if (n == 0 || n >= hsz)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (*p == ':' && p + 1 < end && (size_t)(end - p - 1) < psz)
		snprintf(port, psz, "%.*s", (int)(end - p - 1), p + 1);
	else
		snprintf(port, psz, "%s", tls ? "443" : "80");
	return 0;
}

/* Does no_proxy (names split at commas and blanks) list host? */
static int
listed(const char *no_proxy, const char *host)
{
	const char	*p = no_proxy;
	size_t		 n, len = strlen(host);

	while (p != NULL && *p != '\0') {
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n == len && strncmp(p, host, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/*
 * As OpenSSL reads them: the lower-case name if set (even empty), else
 * the upper-case one.
 */
static const char *
env_either(const char *lower, const char *upper, const char **which)
{
	const char *v;

	*which = lower;
	if ((v = getenv(lower)) != NULL)
		return v;
	*which = upper;
	return getenv(upper);
}

/*
 * The proxy openssl would use for host, as OpenSSL's HTTP client picks
 * it: cmp_proxy, else http_proxy or https_proxy (then the upper-case
 * names), unless cmp_no_proxy or no_proxy lists the host.  NULL: none.
 */
static const char *
proxy_for(const struct config *cfg, const char *host, int tls,
    const char **from)
{
	const char *proxy, *no_proxy, *ignored;

	*from = "cmp_proxy";
	if (config_gives_value(cfg, "cmp_proxy"))
		proxy = config_value(cfg, "cmp_proxy");
	else
		proxy = env_either(tls ? "https_proxy" : "http_proxy",
		    tls ? "HTTPS_PROXY" : "HTTP_PROXY", from);
	if ((no_proxy = config_value(cfg, "cmp_no_proxy")) == NULL)
		no_proxy = env_either("no_proxy", "NO_PROXY", &ignored);
	if (proxy == NULL || *proxy == '\0' || listed(no_proxy, host))
		return NULL;
	return proxy;
}

/*
 * Where openssl will connect: 1 with t filled in, 0 when it will not
 * (its answers come from a file or its own mock server).
 */
int
probe_target(const struct config *cfg, struct probe_target *t)
{
	const char	*server = config_value(cfg, "cmp_server"), *proxy, *from;
	int		 tls = config_is_true(cfg, "cmp_tls_used");
	char		 port[16];

	memset(t, 0, sizeof(*t));
	if (server == NULL || *server == '\0' || config_is_true(cfg,
	    "cmp_use_mock_srv") || config_gives_value(cfg, "cmp_rspin"))
		return 0;
	tls |= strncmp(server, "https://", 8) == 0;
	if (split_address(server, t->host, sizeof(t->host), t->port,
	    sizeof(t->port)) != 0)
		return 0;
	if ((proxy = proxy_for(cfg, t->host, tls, &from)) == NULL)
		return 1;
	if (split_address(proxy, t->host, sizeof(t->host), port,
	    sizeof(port)) != 0)
		return 0;
	snprintf(t->port, sizeof(t->port), "%s", port);
	snprintf(t->proxy_from, sizeof(t->proxy_from), "%s", from);
	t->proxy = 1;
	return 1;
}

static void
resolve_here(const char *host, const char *port, int flags, struct addrs *r)
{
	struct addrinfo	 hints, *res = NULL, *ai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = flags;
	memset(r, 0, sizeof(*r));
	if ((r->gai_error = getaddrinfo(host, port, &hints, &res)) != 0)
		return;
	for (ai = res; ai != NULL && r->n < ADDRS_MAX; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(r->a[0]))
			continue;
		memcpy(&r->a[r->n], ai->ai_addr, ai->ai_addrlen);
		r->len[r->n++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
}

/*
 * Resolve a name in a child process, waiting for its answer at most
 * wait_ms (-1: no limit of its own) and within the deadline.  0, or a
 * reported exit status; r->gai_error says whether the name resolved.
 */
static int
resolve_apart(const char *host, const char *port, int wait_ms,
    struct addrs *r)
{
	struct pollfd	 pfd;
	pid_t		 pid;
	ssize_t		 n;
	int		 fds[2], status, ready;

	if (pipe2(fds, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		msg_err("cannot resolve %s: %s", host, strerror(errno));
		return EX_OSERR;
	}
	if (pid == 0) {
		resolve_here(host, port, 0, r);
		_exit(write(fds[1], r, sizeof(*r)) == (ssize_t)sizeof(*r) ?
		    0 : 1);
	}
	close(fds[1]);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	while ((ready = stop_poll(&pfd, 1, wait_ms)) == -1 && !stop_pending())
		;
	n = ready > 0 ? read(fds[0], r, sizeof(*r)) : -1;
	close(fds[0]);
	if (n != (ssize_t)sizeof(*r))
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(*r))
		return 0;
	if (stop_pending())
		return msg_stopped();
	msg_err("cannot resolve %s: no answer from the resolver within %d s",
	    host, wait_ms / 1000);
	return EX_UNAVAILABLE;
}

/*
 * Connect to one address within wait_ms: 0 connected, else the errno
 * (ETIMEDOUT when it did not answer in time, EINTR when stopped).
 */
static int
try_connect(const struct sockaddr_storage *a, socklen_t len, int wait_ms)
{
	struct pollfd	 pfd;
	socklen_t	 elen = sizeof(int);
	int		 fd, err = 0, ready;

	if ((fd = socket(a->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return errno;
	if (connect(fd, (const struct sockaddr *)a, len) == -1) {
		err = errno;
		if (err == EINPROGRESS) {
			pfd = (struct pollfd){ fd, POLLOUT, 0 };
			while ((ready = stop_poll(&pfd, 1, wait_ms)) == -1 &&
			    !stop_pending())
				;
			if (ready > 0)
				getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
			else
				err = stop_pending() ? EINTR : ETIMEDOUT;
		}
	}
	close(fd);
	return err;
}

/* What could not be reached, as the message names it. */
static void
target_name(const struct probe_target *t, char *out, size_t sz)
{
	snprintf(out, sz, "%s%s%s%s:%s%s%s%s", t->proxy ? "the proxy " : "",
	    strchr(t->host, ':') ? "[" : "", t->host,
	    strchr(t->host, ':') ? "]" : "", t->port, t->proxy ? " (" : "",
	    t->proxy ? t->proxy_from : "", t->proxy ? ")" : "");
}

/*
 * Resolve and connect to t within wait_s seconds (0: no limit of its
 * own).  0, or a reported exit status: 69 for every way the CA (or its
 * proxy) cannot be reached.
 */
int
probe_reach(const struct probe_target *t, unsigned int wait_s)
{
	struct addrs	 r;
	char		 name[320];
	int		 wait_ms = wait_s > 0 ? (int)wait_s * 1000 : -1;
	int		 i, err = 0, rc;

	target_name(t, name, sizeof(name));
	resolve_here(t->host, t->port, AI_NUMERICHOST | AI_NUMERICSERV, &r);
	if (r.gai_error != 0 &&
	    (rc = resolve_apart(t->host, t->port, wait_ms, &r)) != 0)
		return rc;
	if (r.gai_error != 0 || r.n == 0) {
		msg_err("cannot resolve %s%s: %s", t->proxy ? "the proxy " : "",
		    t->host, r.gai_error ? gai_strerror(r.gai_error) :
		    "no address");
		return EX_UNAVAILABLE;
	}
	for (i = 0; i < r.n; i++)
		if ((err = try_connect(&r.a[i], r.len[i], wait_ms)) == 0 ||
		    err == EINTR || err == ETIMEDOUT)
			break;
	if (err == 0)
		return 0;
	if (err == EINTR)
		return msg_stopped();
	if (err == ETIMEDOUT && wait_s > 0)
		msg_err("no answer from %s within %u s", name, wait_s);
	else if (err == ECONNREFUSED)
		msg_err("connection refused by %s", name);
	else
		msg_err("cannot reach %s: %s", name, strerror(err));
	return EX_UNAVAILABLE;
}

/* How long openssl would wait for one answer: -msg_timeout. */
static unsigned int
message_wait(const struct config *cfg)
{
	const char	*msg = config_value(cfg, "cmp_msg_timeout");
	const char	*total = config_value(cfg, "cmp_total_timeout");
	long		 m = msg != NULL ? strtol(msg, NULL, 10) : DEFAULT_WAIT_S;
	long		 t = total != NULL ? strtol(total, NULL, 10) : 0;

	if (t > 0 && (m <= 0 || t < m))
		m = t;
	return m > 0 && m < 86400 ? (unsigned int)m : 0;
}

/* Can openssl reach the CA?  0, or a reported exit status (69). */
int
probe_ca(const struct config *cfg)
{
	struct probe_target t;

	if (!probe_target(cfg, &t))
		return 0;
	stop_phase("connecting to the CA");
	return probe_reach(&t, message_wait(cfg));
}
