/*
 * output.c: the result as the user asked for it: PEM in files written
 * atomically (all or none of them) and on stdout, or one JSON object,
 * valid in every case, errors included.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/x509v3.h>

#include "output.h"
#include "stop.h"

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t
utf8_len(const unsigned char *p)
{
	size_t	n, i;
	int	cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * A JSON string, valid whatever the bytes: what the CA sent need not be
 * UTF-8, and a byte that is not becomes U+FFFD.
 */
void
json_string(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;

	buf_append(b, "\"", 1);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			buf_printf(b, "\\%c", *p);
			p++;
		} else if (*p == '\n') {
			buf_append(b, "\\n", 2);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_printf(b, "\\u%04x", *p);
			p++;
		} else if ((n = utf8_len(p)) == 0) {
			buf_append(b, "\\ufffd", 6);
			p++;
		} else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* A C1 control: valid JSON, but a terminal acts on it. */
			buf_printf(b, "\\u%04x", p[1]);
			p += 2;
		} else {
			buf_append(b, p, n);
			p += n;
		}
	}
	buf_append(b, "\"", 1);
}

static void
json_key(struct buf *b, const char *key, const char *value)
{
	buf_printf(b, ",\"%s\":", key);
	json_string(b, value);
}

static void
json_sans(struct buf *b, const struct cert *c)
{
	GENERAL_NAMES	*gens;
	GENERAL_NAME	*gn;
	BIO		*bio;
	char		*p;
	long		 n;
	int		 i;

	buf_append(b, ",\"sans\":[", 9);
	gens = cert_ext_d2i(c, NID_subject_alt_name);
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		gn = sk_GENERAL_NAME_value(gens, i);
		if ((bio = BIO_new(BIO_s_mem())) == NULL)
			break;
		GENERAL_NAME_print(bio, gn);
		BIO_write(bio, "", 1);
		n = BIO_get_mem_data(bio, &p);
		/* "IP:" as openssl's own config syntax and -sans write it. */
		if (n > 11 && strncmp(p, "IP Address:", 11) == 0) {
			p += 8;
			memcpy(p, "IP", 2);
		}
		if (n > 0) {
			buf_append(b, i ? "," : "", i ? 1 : 0);
			json_string(b, p);
		}
		BIO_free(bio);
	}
	GENERAL_NAMES_free(gens);
	buf_append(b, "]", 1);
}

static void
json_cert(struct buf *b, const struct cert *c, const struct issued *issued)
{
	struct buf	 pem = { 0 };
	char		 text[1024];
	size_t		 i;

	cert_name_text(cert_subject(c), text, sizeof(text));
	json_key(b, "subject", text);
	cert_name_text(cert_issuer(c), text, sizeof(text));
	json_key(b, "issuer", text);
	cert_serial_text(c, text, sizeof(text));
	json_key(b, "serial", text);
	cert_time_text(cert_not_before(c), text, sizeof(text));
	json_key(b, "not_before", text);
	cert_time_text(cert_not_after(c), text, sizeof(text));
	json_key(b, "not_after", text);
	json_sans(b, c);
	cert_pem(c, &pem);
	json_key(b, "certificate", pem.len ? (char *)pem.data : "");
	if (issued != NULL)
		buf_printf(b, ",\"chain_complete\":%s", issued->complete ?
		    "true" : "false");
	buf_append(b, ",\"chain\":[", 10);
	for (i = 0; issued != NULL && i < issued->nchain; i++) {
		pem.len = 0;
		cert_pem(issued->chain[i], &pem);
		buf_append(b, i ? "," : "", i ? 1 : 0);
		json_string(b, pem.len ? (char *)pem.data : "");
	}
	buf_append(b, "]", 1);
	buf_free(&pem);
}

static void
json_fail_info(struct buf *b, const char *list)
{
	const char	*s = list, *e;
	char		 item[128];
	int		 first = 1;

	buf_append(b, ",\"fail_info\":[", 14);
	while (*s != '\0') {
		while (*s == ' ' || *s == ',')
			s++;
		for (e = s; *e != '\0' && *e != ','; e++)
			;
		if (e > s) {
			snprintf(item, sizeof(item), "%.*s", (int)(e - s), s);
			buf_append(b, first ? "" : ",", first ? 0 : 1);
			json_string(b, item);
			first = 0;
		}
		s = e;
	}
	buf_append(b, "]", 1);
}

void
output_json(const struct outcome *o, struct buf *b)
{
	buf_append(b, "{\"status\":", 10);
	json_string(b, o->status);
	buf_printf(b, ",\"exit_code\":%d", o->exit_code);
	if (o->cert != NULL)
		json_cert(b, o->cert, o->issued);
	if (strcmp(o->status, "error") == 0) {
		json_key(b, "error", msg_last_error());
		if (o->diag != NULL && *o->diag->pki_status != '\0') {
			json_key(b, "pki_status", o->diag->pki_status);
			json_fail_info(b, o->diag->fail_info);
			json_key(b, "status_string", o->diag->status_string);
		}
	}
	buf_append(b, "}\n", 2);
}

/* Standard output takes the result: within the deadline, until a stop. */
int
output_stdout(const struct buf *b)
{
	if (msg_write(STDOUT_FILENO, b->data, b->len, 1) == 0)
		return 0;
	if (stop_pending())
		return msg_stopped();
	msg_err("cannot write to stdout: %s", strerror(errno));
	return EX_CANTCREAT;
}

static int
is_stdout(const char *path)
{
	return strcmp(path, "-") == 0;
}

/* Files that could not take the result fail before anything is sent. */
int
output_check_targets(const struct output_target *t, size_t n)
{
	size_t	i;
	int	rc;

	for (i = 0; i < n; i++)
		if (!is_stdout(t[i].path) &&
		    (rc = util_check_target(t[i].path)) != 0)
			return rc;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Lock the folder of every file named, in the order of their names, so
 * that two runs naming folders in another order cannot wait for each
 * other.
 */
int
output_lock_targets(const struct output_target *t, size_t n)
{
	char	*dirs[OUTPUTS_MAX] = { NULL }, *copy;
	size_t	 i, nd = 0;
	int	 rc = 0;

	for (i = 0; i < n && nd < OUTPUTS_MAX; i++)
		if (!is_stdout(t[i].path)) {
			copy = util_xstrdup(t[i].path);
			dirs[nd++] = util_xstrdup(dirname(copy));
			free(copy);
		}
	qsort(dirs, nd, sizeof(*dirs), by_name);
	for (i = 0; i < nd && rc == 0; i++)
		if (i == 0 || strcmp(dirs[i], dirs[i - 1]) != 0)
			rc = util_lock(dirs[i]);
	for (i = 0; i < nd; i++)
		free(dirs[i]);
	return rc;
}

/*
 * Every file named is staged first and renamed over its target only when
 * all of them were written: a failed or stopped run changes none of them.
 * Then standard output gets what was asked of it.
 */
int
output_write(const struct output_target *t, size_t n,
    const struct issued *res)
{
	struct staged	 staged[OUTPUTS_MAX];
	struct buf	 b = { 0 };
	size_t		 i, nstaged = 0;
	int		 rc = 0;

	n = n < OUTPUTS_MAX ? n : OUTPUTS_MAX;
	for (i = 0; i < n && rc == 0; i++) {
		if (is_stdout(t[i].path))
			continue;
		b.len = 0;
		chain_pem(res, t[i].leaf, t[i].chain, &b);
		if ((rc = util_stage(t[i].path, b.data, b.len,
		    &staged[nstaged])) == 0)
			nstaged++;
	}
	if (rc == 0 && stop_pending())
		rc = msg_stopped();
	for (i = 0; i < nstaged; i++) {
		if (rc == 0)
			rc = util_commit(&staged[i]);
		else
			util_discard(&staged[i]);
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (!is_stdout(t[i].path))
			continue;
		b.len = 0;
		chain_pem(res, t[i].leaf, t[i].chain, &b);
		rc = output_stdout(&b);
	}
	buf_free(&b);
	return rc;
}

/*
 * Data to path ("-" or NULL: standard output), written atomically like a
 * certificate: checked, staged beside its target, renamed over it.
 */
int
output_data(const char *path, const struct buf *data)
{
	struct staged	sf;
	int		rc;

	if (path == NULL || is_stdout(path))
		return output_stdout(data);
	if ((rc = util_stage(path, data->data, data->len, &sf)) != 0)
		return rc;
	if (stop_pending()) {
		util_discard(&sf);
		return msg_stopped();
	}
	return util_commit(&sf);
}
