/*
 * diag.c: reading openssl cmp's log (3.0 to 3.6).  The log is taken line
 * by line in the order openssl wrote it, and the first line that names a
 * cause decides: a CA that could not be reached stays unreachable even
 * when a later line speaks of the total timeout.
 *
 * Only openssl's own words are matched, each at the start of a message.
 * What the CA wrote reaches the log in three places that may hold line
 * breaks: the quoted status string, the quoted reason of a polling answer
 * and the error details; they are cut out before the lines are read, so
 * that a CA cannot fake a line of openssl's.  Names (which openssl
 * escapes) and HTTP reasons stay inside their line, where no match looks.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

enum kind { K_ERROR, K_WARN, K_INFO, K_APP, K_RAW };

struct line {
	enum kind	 kind;
	const char	*msg;	/* after openssl's prefix; NUL-terminated */
};

/* The log as lines, with what the CA wrote cut out. */
struct scan {
	const char	*log;		/* as openssl wrote it */
	char		*text;
	struct line	*lines;
	size_t		 n;
	const struct config *cfg;
	const char	*cmd;
	char		 verify[256];	/* the last certificate check's reason */
	int		 sent_conf;	/* a certConf was sent */
};

typedef void handler(struct scan *, size_t, struct cmp_diag *);

struct rule {
	int		 tier;		/* 1: a cause; 2: a summary of one */
	enum kind	 kind;
	const char	*start;		/* the message starts so */
	int		 exact;		/* ... and is no more */
	const char	*also;		/* ... or holds this after the start */
	int		 status;
	const char	*what;		/* printed before the line; NULL: own */
	handler		*fn;		/* NULL: what and the line */
};

static handler file_problem, unknown_flag, bad_number, tls_verify,
    waiting, refused, http_status, vanished, transfer_failed;

#define CLIENT_CERT_REFUSED \
	"TLS: the CA refused our client certificate (cmp_tls_cert)"
#define CLIENT_CERT_WANTED \
	"TLS: the CA requires a client certificate (cmp_tls_cert, cmp_tls_key)"
#define NO_TLS	"TLS: the CA does not answer in TLS there (cmp_tls_used?)"
#define OTHER_SENDER "the CA's answer comes from another sender than " \
	"expected (cmp_srvcert, cmp_recipient, cmp_expect_sender)"

/*
 * In the order of a transaction; what decides is the order of the lines.
 * Tier 2 lines sum up or follow from a cause: they count only when no
 * tier 1 line names one.  Columns: tier, kind, how the message starts,
 * whether that is all of it, what it must also hold after the start (a
 * hint that 3.0 puts after the server's address), status, what it means.
 */
static const struct rule rules[] = {
	/* the config and its files, before anything is sent */
	{ 1, K_APP, "Unknown option: -", 0, NULL, EX_CONFIG, NULL,
	    unknown_flag },
	{ 1, K_APP, "Can't parse \"", 0, NULL, EX_CONFIG, NULL, bad_number },
	{ 1, K_APP, "recipient name is expected", 0, NULL, EX_CONFIG,
	    "openssl cmp cannot read cmp_recipient", NULL },
	{ 1, K_ERROR, "missing -server", 0, NULL, EX_CONFIG,
	    "no CA is configured (cmp_server)", NULL },
	{ 1, K_ERROR, "must give ", 0, NULL, EX_CONFIG, "the request cannot "
	    "be protected (cmp_ref and cmp_secret, or cmp_cert and cmp_key)",
	    NULL },
	{ 1, K_ERROR, "-total_timeout argument", 0, NULL, EX_CONFIG,
	    "cmp_total_timeout is shorter than cmp_msg_timeout", NULL },
	{ 1, K_RAW, "Error getting password", 0, NULL, EX_CONFIG,
	    "openssl cannot read a secret's source", NULL },
	{ 1, K_RAW, "Could not open file or uri for loading ", 0, NULL,
	    EX_CONFIG, NULL, file_problem },
	{ 1, K_RAW, "Could not read ", 0, NULL, EX_CONFIG, NULL, file_problem },
	{ 1, K_RAW, "Could not find ", 0, NULL, EX_CONFIG, NULL, file_problem },
	/* reaching the CA, or its proxy */
	{ 1, K_APP, "HTTP CONNECT failed", 0, NULL, EX_UNAVAILABLE,
	    "the proxy refused the connection to the CA", NULL },
	{ 1, K_ERROR, "connect failure:", 0, NULL, EX_UNAVAILABLE,
	    "the proxy refused the connection to the CA", NULL },
	{ 1, K_ERROR, "connect timeout", 1, NULL, EX_UNAVAILABLE,
	    "cannot connect to the CA", NULL },
	{ 1, K_ERROR, "connect error", 0, NULL, EX_UNAVAILABLE,
	    "cannot connect to the CA", NULL },
	{ 1, K_ERROR, "transfer timeout", 1, NULL, EX_TEMPFAIL, "the CA did "
	    "not answer in time (cmp_msg_timeout); try again later", NULL },
	{ 1, K_ERROR, "read timeout", 1, NULL, EX_TEMPFAIL, "the CA did not "
	    "answer in time (cmp_msg_timeout); try again later", NULL },
	{ 1, K_ERROR, "failed reading data", 1, NULL, EX_UNAVAILABLE, NULL,
	    vanished },
	/* TLS */
	{ 1, K_ERROR, "certificate verify failed", 1, NULL, EX_NOPERM, NULL,
	    tls_verify },
	{ 1, K_ERROR, "tlsv13 alert certificate required", 0, NULL, EX_NOPERM,
	    CLIENT_CERT_WANTED, NULL },
	{ 1, K_RAW, "TLS handshake failure. Possibly the server requires", 0,
	    NULL, EX_NOPERM, CLIENT_CERT_WANTED, NULL },
	{ 1, K_ERROR, "error sending:", 0, "TLS handshake failure. Possibly "
	    "the server requires", EX_NOPERM, CLIENT_CERT_WANTED, NULL },
	{ 1, K_RAW, "Server did not accept our TLS certificate", 0, NULL,
	    EX_NOPERM, CLIENT_CERT_REFUSED, NULL },
	{ 1, K_ERROR, "error sending:", 0, "Server did not accept our TLS "
	    "certificate", EX_NOPERM, CLIENT_CERT_REFUSED, NULL },
	{ 1, K_ERROR, "error receiving:", 0, "Server did not accept our TLS "
	    "certificate", EX_NOPERM, CLIENT_CERT_REFUSED, NULL },
	{ 1, K_ERROR, "tlsv1 alert unknown ca", 0, NULL, EX_NOPERM,
	    CLIENT_CERT_REFUSED, NULL },
	{ 1, K_ERROR, "tlsv1 alert bad certificate", 0, NULL, EX_NOPERM,
	    CLIENT_CERT_REFUSED, NULL },
	{ 1, K_ERROR, "tlsv1 alert certificate unknown", 0, NULL, EX_NOPERM,
	    CLIENT_CERT_REFUSED, NULL },
	{ 1, K_ERROR, "wrong version number", 1, NULL, EX_UNAVAILABLE, NO_TLS,
	    NULL },
	{ 1, K_ERROR, "packet length too long", 1, NULL, EX_UNAVAILABLE,
	    NO_TLS, NULL },
	{ 1, K_ERROR, "record layer failure", 1, NULL, EX_UNAVAILABLE, NO_TLS,
	    NULL },
	/* HTTP, and what came back */
	{ 1, K_ERROR, "received error:code=", 0, NULL, EX_UNAVAILABLE, NULL,
	    http_status },
	{ 1, K_ERROR, "unexpected content type:", 0, NULL, EX_PROTOCOL,
	    "the answer is not a CMP message", NULL },
	{ 1, K_ERROR, "missing asn1 encoding", 0, NULL, EX_PROTOCOL,
	    "the answer is not a CMP message", NULL },
	{ 1, K_ERROR, "received error:PKIStatus: waiting", 0, NULL,
	    EX_TEMPFAIL, NULL, waiting },
	{ 1, K_ERROR, "request rejected by server:PKIStatus: waiting", 0, NULL,
	    EX_TEMPFAIL, NULL, waiting },
	{ 1, K_ERROR, "received \"waiting\" status", 0, NULL, EX_TEMPFAIL,
	    NULL, waiting },
	{ 1, K_ERROR, "received error:", 0, NULL, EX_NOPERM, NULL, refused },
	{ 1, K_ERROR, "received \"", 0, NULL, EX_NOPERM, NULL, refused },
	{ 1, K_ERROR, "request rejected by server:", 0, NULL, EX_NOPERM, NULL,
	    refused },
	/* the answer's protection */
	{ 1, K_ERROR, "wrong pbm value", 1, NULL, EX_NOPERM, "the CA's answer "
	    "does not verify with our secret (wrong cmp_secret or cmp_ref?)",
	    NULL },
	{ 1, K_ERROR, "missing secret", 1, NULL, EX_NOPERM, "the CA's answer "
	    "is protected with a secret, but none is configured", NULL },
	{ 1, K_INFO, " does not match expected sender", 0, NULL, EX_NOPERM,
	    OTHER_SENDER, NULL },
	{ 1, K_ERROR, "unexpected sender:", 0, NULL, EX_NOPERM, OTHER_SENDER,
	    NULL },
	{ 1, K_ERROR, "no suitable sender cert", 0, NULL, EX_NOPERM, "the CA's "
	    "answer is signed by no certificate we trust (cmp_srvcert, "
	    "cmp_trusted)", NULL },
	/* the certificate, and the end */
	{ 1, K_ERROR, "key values mismatch", 1, NULL, EX_DATAERR, "the CA "
	    "returned a certificate for another key than the CSR's", NULL },
	{ 1, K_ERROR, "invalid rootcakeyupdate", 0, NULL, EX_PROTOCOL,
	    "the CA's root update does not verify", NULL },
	{ 1, K_ERROR, "unexpected pkibody", 0, NULL, EX_PROTOCOL,
	    "the CA's answer breaks the protocol", NULL },
	{ 1, K_ERROR, "total timeout", 1, NULL, EX_TEMPFAIL, "the CA did not "
	    "finish in time (cmp_total_timeout); try again later", NULL },
	/* summaries and consequences */
	{ 2, K_ERROR, "cannot set up CMP context", 1, NULL, EX_CONFIG,
	    "openssl cmp refused the configuration", NULL },
	{ 2, K_ERROR, "error validating protection", 1, NULL, EX_NOPERM,
	    "the CA's answer does not verify", NULL },
	{ 2, K_ERROR, "certificate not accepted", 0, NULL, EX_NOPERM,
	    "the certificate the CA returned was not accepted", NULL },
	{ 2, K_ERROR, "total timeout:", 0, NULL, EX_TEMPFAIL, "the CA did not "
	    "finish in time (cmp_total_timeout); try again later", NULL },
	{ 2, K_ERROR, "error sending", 0, NULL, EX_UNAVAILABLE, NULL,
	    transfer_failed },
	{ 2, K_ERROR, "error receiving", 0, NULL, EX_UNAVAILABLE, NULL,
	    transfer_failed },
	{ 2, K_ERROR, "transfer error", 0, NULL, EX_UNAVAILABLE, NULL,
	    transfer_failed },
	{ 2, K_ERROR, "ssl/tls alert ", 0, NULL, EX_UNAVAILABLE,
	    "TLS: the handshake with the CA failed", NULL },
	{ 2, K_ERROR, "sslv3 alert ", 0, NULL, EX_UNAVAILABLE,
	    "TLS: the handshake with the CA failed", NULL },
	{ 2, K_ERROR, "tlsv1 alert ", 0, NULL, EX_UNAVAILABLE,
	    "TLS: the handshake with the CA failed", NULL },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Blank what the CA wrote after each marker, up to the last closer in the
 * log: greedy, so that a closer the CA wrote itself ends nothing early.
 */
static void
blank_ca_text(char *text, const char *marker, const char *closer)
{
	char	*p = text, *end, *q;

	while ((p = strstr(p, marker)) != NULL) {
		p += strlen(marker);
		for (end = NULL, q = p; (q = strstr(q, closer)) != NULL; q++)
			end = q;
		if (end == NULL)
			end = p + strcspn(p, "\n");
		memset(p, ' ', (size_t)(end - p));
		p = end;
	}
}

/* openssl's "func:file:line:" in front of a message. */
static const char *
skip_location(const char *s)
{
	const char *p = s;

	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (p == s || *p++ != ':')
		return s;
	while (*p != '\0' && *p != ':' && *p != ' ')
		p++;
	if (*p++ != ':' || !isdigit((unsigned char)*p))
		return s;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == ':' ? p + 1 : s;
}

static struct line
classify(const char *s)
{
	static const struct {
		const char	*prefix;
		enum kind	 kind;
	} kinds[] = {
		{ "CMP error: ", K_ERROR }, { "CMP warning: ", K_WARN },
		{ "CMP info: ", K_INFO }, { "cmp: ", K_APP },
	};
	size_t i;

	s = skip_location(s);
	for (i = 0; i < NITEMS(kinds); i++)
		if (strncmp(s, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return (struct line){ kinds[i].kind,
			    s + strlen(kinds[i].prefix) };
	return (struct line){ K_RAW, s };
}

static void
scan_init(struct scan *sc, const char *log, const struct config *cfg,
    const char *cmd)
{
	char	*p, *nl, *q;
	size_t	 n = 1;

	memset(sc, 0, sizeof(*sc));
	sc->log = log;
	sc->cfg = cfg;
	sc->cmd = cmd != NULL ? cmd : "";
	sc->text = util_xstrdup(log);
	blank_ca_text(sc->text, "StatusString: \"", "\"");
	blank_ca_text(sc->text, " with reason = '", "'; checkAfter = ");
	blank_ca_text(sc->text, "errorDetails: ", "\n");
	for (p = sc->text; *p != '\0'; p++)
		n += *p == '\n';
	sc->lines = util_xcalloc(n, sizeof(*sc->lines));
	for (p = sc->text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		else
			*nl = '\0';
		/* 3.2 and later end some lines with a blank */
		for (q = p + strlen(p); q > p && (q[-1] == '\r' ||
		    q[-1] == ' '); q--)
			q[-1] = '\0';
		sc->lines[sc->n++] = classify(p);
	}
}

static int
matches(const struct rule *r, const struct line *l)
{
	size_t n = strlen(r->start);

	return r->kind == l->kind && strncmp(l->msg, r->start, n) == 0 &&
	    (!r->exact || l->msg[n] == '\0') &&
	    (r->also == NULL || strstr(l->msg + n, r->also) != NULL);
}

/* Facts a later line's meaning depends on, gathered as lines go by. */
static void
note_context(struct scan *sc, const struct line *l)
{
	const char *p;

	if (l->kind == K_INFO && strcmp(l->msg, "sending CERTCONF") == 0)
		sc->sent_conf = 1;
	if (l->kind == K_ERROR && strncmp(l->msg, "certificate verification "
	    "failed:", 32) == 0 && (p = strstr(l->msg, " error = ")) != NULL)
		snprintf(sc->verify, sizeof(sc->verify), "%s", p + 9);
}

static void
say(struct cmp_diag *d, const char *what, const char *detail)
{
	if (detail != NULL && *detail != '\0')
		snprintf(d->message, sizeof(d->message), "%s: %s", what,
		    detail);
	else
		snprintf(d->message, sizeof(d->message), "%s", what);
}
/* The field after label, up to the next ';' or the end of the line. */
static void
field(const char *line, const char *label, char *out, size_t sz)
{
	const char *p = strstr(line, label);

	out[0] = '\0';
	if (p != NULL)
		snprintf(out, sz, "%.*s", (int)strcspn(p + strlen(label), ";"),
		    p + strlen(label));
}

/*
 * The CA's status: PKIStatus and failure bits from openssl's own line,
 * the status string from the log as written (the CA's words, quoted, as
 * the message shows them; greedy, like the cut in scan_init).
 */
static void
status_fields(const struct scan *sc, size_t i, struct cmp_diag *d)
{
	const char	*s, *q, *end = NULL;
	size_t		 n;

	for (; i < sc->n && strstr(sc->lines[i].msg, "PKIStatus: ") == NULL;
	    i++)
		;
	if (i == sc->n)
		return;
	field(sc->lines[i].msg, "PKIStatus: ", d->pki_status,
	    sizeof(d->pki_status));
	field(sc->lines[i].msg, "PKIFailureInfo: ", d->fail_info,
	    sizeof(d->fail_info));
	if ((s = strstr(sc->log, "StatusString: \"")) == NULL)
		return;
	s += 15;
	for (q = s; (q = strchr(q, '"')) != NULL; q++)
		end = q;
	n = end != NULL ? (size_t)(end - s) : strcspn(s, "\n");
	snprintf(d->status_string, sizeof(d->status_string), "%.*s", (int)n,
	    s);
}

/* The CA said no, or answered with an error message. */
static void
refused(struct scan *sc, size_t i, struct cmp_diag *d)
{
	const char	*what = d->exit_status == EX_NOPERM &&
	    strncmp(sc->lines[i].msg, "received error:", 15) == 0 ?
	    "the CA answered with an error" : "the CA refused the request";
	char		 detail[1024];

	status_fields(sc, i, d);
	if (*d->pki_status == '\0') {
		say(d, what, sc->lines[i].msg);
		return;
	}
	snprintf(detail, sizeof(detail), "PKIStatus: %s%s%s%s%s%s",
	    d->pki_status, *d->fail_info ? "; PKIFailureInfo: " : "",
	    d->fail_info, *d->status_string ? "; StatusString: \"" : "",
	    d->status_string, *d->status_string ? "\"" : "");
	say(d, what, detail);
}

/*
 * "waiting": the CA has not decided yet.  After a certConf or to an rr it
 * means the CA delays its answer (OpenSSL 3.3's mock server does that),
 * which openssl before 3.3 cannot poll for.
 */
static void
waiting(struct scan *sc, size_t i, struct cmp_diag *d)
{
	status_fields(sc, i, d);
	if (sc->sent_conf)
		say(d, "the CA issued the certificate but delays its "
		    "confirmation, and OpenSSL 3.0 to 3.2 cannot poll for it; "
		    "set cmp_openssl_bin to OpenSSL 3.3 or later, or "
		    "cmp_implicit_confirm = True if the CA grants it", NULL);
	else if (strcmp(sc->cmd, "rr") == 0)
		say(d, "the CA delays its answer to the revocation, and OpenSSL "
		    "3.0 to 3.2 cannot poll for it; set cmp_openssl_bin to "
		    "OpenSSL 3.3 or later", NULL);
	else
		say(d, "the CA is still processing the request; try again "
		    "later", "PKIStatus: waiting");
}

/* The config entry that names path (as a file it lists), or NULL. */
struct find_file {
	const char	*path;
	int		 found;
};

static void
same_file(const char *p, void *ctx)
{
	struct find_file *ff = ctx;

	ff->found |= strcmp(p, ff->path) == 0;
}

static const struct ini_entry *
entry_naming(const struct config *cfg, const char *path)
{
	const struct ini_entry	**items, *hit = NULL;
	struct find_file	  ff = { path, 0 };
	size_t			  i, n;

	if (cfg == NULL)
		return NULL;
	n = ini_items(cfg->ini, cfg->section, &items);
	for (i = 0; i < n && hit == NULL; i++) {
		if (strncmp(items[i]->key, "cmp_", 4) != 0)
			continue;
		config_each_file(items[i]->value, 1, same_file, &ff);
		if (ff.found)
			hit = items[i];
	}
	free(items);
	return hit;
}

static const struct ini_entry *
entry(const struct config *cfg, const char *key)
{
	return cfg != NULL ? ini_get(cfg->ini, cfg->section, key) : NULL;
}

/* Does an error line after line i say the pass phrase was wrong? */
static int
pass_phrase_wrong(const struct scan *sc, size_t i)
{
	for (i++; i < sc->n; i++)
		if (sc->lines[i].kind == K_RAW &&
		    (strstr(sc->lines[i].msg, ":maybe wrong password") ||
		    strstr(sc->lines[i].msg, ":empty password")))
			return 1;
		else if (sc->lines[i].kind == K_ERROR)
			break;
	return 0;
}

/*
 * "Could not read|find|open file or uri for loading WHAT from PATH[:
 * REASON]": a file the config names, or its pass phrase.
 */
static void
file_problem(struct scan *sc, size_t i, struct cmp_diag *d)
{
	const struct ini_entry	*e, *pass;
	const char		*msg = sc->lines[i].msg, *from = NULL, *p;
	char			 what[128], path[400], reason[200] = "";
	size_t			 n;

	for (p = msg; (p = strstr(p, " from ")) != NULL; p++)
		from = p;
	if (from == NULL) {
		say(d, "openssl cannot load a file", msg);
		return;
	}
	p = msg + (strncmp(msg, "Could not open file or uri for loading ",
	    39) == 0 ? 39 : 15);
	snprintf(what, sizeof(what), "%.*s", (int)(from > p ? from - p : 0), p);
	n = strcspn(from + 6, ":");
	snprintf(path, sizeof(path), "%.*s", (int)n, from + 6);
	if (from[6 + n] == ':')
		snprintf(reason, sizeof(reason), ":%s", from + 7 + n);
	e = entry_naming(sc->cfg, path);
	if (pass_phrase_wrong(sc, i) && strstr(what, "private key") != NULL) {
		pass = entry(sc->cfg, strstr(what, "TLS") != NULL ?
		    "cmp_tls_keypass" : "cmp_keypass");
		if (pass != NULL)
			snprintf(d->message, sizeof(d->message), "%s:%lu: %s "
			    "does not decrypt %s", sc->cfg->path, pass->line,
			    pass->key, path);
		else
			snprintf(d->message, sizeof(d->message), "%s is "
			    "encrypted, and no %s is set", path,
			    strstr(what, "TLS") ? "cmp_tls_keypass" :
			    "cmp_keypass");
	} else if (e != NULL)
		snprintf(d->message, sizeof(d->message), "%s:%lu: %s: openssl "
		    "cannot load %s (%s)%s", sc->cfg->path, e->line, e->key,
		    path, what, reason);
	else
		snprintf(d->message, sizeof(d->message), "openssl cannot load "
		    "%s (%s)%s", path, what, reason);
}

/* "Unknown option: -FLAG": the config line that gave it. */
static void
unknown_flag(struct scan *sc, size_t i, struct cmp_diag *d)
{
	const char		*flag = sc->lines[i].msg + 17;
	const struct ini_entry	*e;
	char			 key[128];

	snprintf(key, sizeof(key), "cmp_%s", flag);
	if ((e = entry(sc->cfg, key)) == NULL) {
		say(d, "openssl cmp does not know a flag it was given",
		    sc->lines[i].msg);
		return;
	}
	snprintf(d->message, sizeof(d->message), "%s:%lu: %s: openssl cmp "
	    "has no flag -%s; cmpenroll --check lists every problem",
	    sc->cfg->path, e->line, e->key, flag);
}

/* "Can't parse "VALUE" as a number": the config line that holds it. */
static void
bad_number(struct scan *sc, size_t i, struct cmp_diag *d)
{
	const struct ini_entry	**items, *hit = NULL;
	const char		 *v = sc->lines[i].msg + 13;
	char			  value[256];
	size_t			  k, n;

	snprintf(value, sizeof(value), "%.*s", (int)strcspn(v, "\""), v);
	n = sc->cfg != NULL ? ini_items(sc->cfg->ini, sc->cfg->section,
	    &items) : 0;
	for (k = 0; k < n && hit == NULL; k++)
		if (strncmp(items[k]->key, "cmp_", 4) == 0 &&
		    strcmp(items[k]->value, value) == 0)
			hit = items[k];
	if (hit != NULL)
		snprintf(d->message, sizeof(d->message), "%s:%lu: %s: %s is not "
		    "a number", sc->cfg->path, hit->line, hit->key, value);
	else
		say(d, "openssl cmp cannot read a number", sc->lines[i].msg);
	if (n > 0)
		free(items);
}

/* The TLS server's certificate: no path to cmp_tls_trusted, or a name. */
static void
tls_verify(struct scan *sc, size_t i, struct cmp_diag *d)
{
	const char *why = *sc->verify ? sc->verify : sc->lines[i].msg;

	if (strstr(why, "mismatch") != NULL)
		say(d, "TLS: the CA's certificate is not for the name it was "
		    "reached by (cmp_server, cmp_tls_host)", why);
	else
		say(d, "TLS: the CA's certificate does not verify against "
		    "cmp_tls_trusted", why);
}

/* An end of the connection with no answer. */
static void
vanished(struct scan *sc, size_t i, struct cmp_diag *d)
{
	(void)i;
	if (sc->cfg != NULL && config_is_true(sc->cfg, "cmp_tls_used"))
		say(d, "TLS: the CA ended the connection", NULL);
	else
		say(d, "the CA ended the connection without an answer (does "
		    "it want TLS? cmp_tls_used)", NULL);
}

/*
 * A transfer that failed without a cause of its own.  Over TLS 1.3 a CA
 * that wants a client certificate may refuse it after the handshake,
 * racing with the request: then this is all openssl says.
 */
static void
transfer_failed(struct scan *sc, size_t i, struct cmp_diag *d)
{
	if (sc->cfg != NULL && config_is_true(sc->cfg, "cmp_tls_used") &&
	    !config_gives_value(sc->cfg, "cmp_tls_cert"))
		say(d, "the transfer to the CA failed (does it want a TLS client "
		    "certificate? cmp_tls_cert, cmp_tls_key)", sc->lines[i].msg);
	else
		say(d, "the transfer to the CA failed", sc->lines[i].msg);
}

/* "received error:code=500, reason=...": the HTTP status and reason. */
static void
http_status(struct scan *sc, size_t i, struct cmp_diag *d)
{
	const char	*msg = sc->lines[i].msg + 20, *r;
	char		 what[64];

	snprintf(what, sizeof(what), "the CA answered HTTP %.*s",
	    (int)strspn(msg, "0123456789"), msg);
	r = strstr(msg, "reason=");
	say(d, what, r != NULL ? r + 7 : NULL);
}

/* The first line that a rule of the tier matches, and its rule. */
static int
first_cause(struct scan *sc, int tier, size_t *li, size_t *ri)
{
	size_t i, j;

	for (i = 0; i < sc->n; i++) {
		if (tier == 1)
			note_context(sc, &sc->lines[i]);
		for (j = 0; j < NITEMS(rules); j++)
			if (rules[j].tier == tier &&
			    matches(&rules[j], &sc->lines[i])) {
				*li = i;
				*ri = j;
				return 1;
			}
	}
	return 0;
}

void
diag_read(const char *log, const struct config *cfg, const char *cmd,
    struct cmp_diag *d)
{
	struct scan	sc;
	size_t		i, j;

	memset(d, 0, sizeof(*d));
	scan_init(&sc, log, cfg, cmd);
	if (first_cause(&sc, 1, &i, &j) || first_cause(&sc, 2, &i, &j)) {
		d->exit_status = rules[j].status;
		if (rules[j].fn != NULL)
			rules[j].fn(&sc, i, d);
		else
			say(d, rules[j].what, sc.lines[i].msg);
	} else {
		d->exit_status = EX_SOFTWARE;
		for (j = sc.n; j > 0 && sc.lines[j - 1].kind != K_ERROR; j--)
			;
		say(d, "openssl cmp failed", j > 0 ? sc.lines[j - 1].msg :
		    sc.n > 0 ? sc.lines[sc.n - 1].msg : "");
	}
	free(sc.lines);
	free(sc.text);
}
