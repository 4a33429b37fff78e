/*
 * output.c: JSON rendering (one object, valid in every case, errors
 * included) and the write to stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/x509v3.h>

#include "output.h"

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

int
output_stdout(const struct buf *b)
{
	const unsigned char	*p = b->data;
	size_t			 left = b->len;
	ssize_t			 n;

	while (left > 0) {
		n = write(STDOUT_FILENO, p, left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			msg_err("cannot write to stdout: %s", strerror(errno));
			return EX_CANTCREAT;
		}
		p += n;
		left -= (size_t)n;
	}
	return 0;
}
