/*
 * diag.c: reading openssl cmp's log.
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "util.h"

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
diag_read(const char *out, struct cmp_diag *d)
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
