/*
 * genm.c: the general-message modes (which infotype, from which OpenSSL
 * on, which flags), reading the certificates openssl saved, and the CA
 * certificates of --get-ca-certs put in chain order.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "genm.h"
#include "output.h"

/*
 * openssl cmp 3.2 added caCerts and rootCaCert; certReqTemplate and
 * crlStatusList came with 3.5 (3.3 and 3.4 lack them).  The flags after
 * "saves" name the files openssl writes, F0..F2 of genm.h.
 */
static const struct genm_spec specs[GENM_MODES] = {
	[GENM_CA_CERTS] = { "--get-ca-certs", "caCerts", 0x030200, "3.2",
	    { "-cacertsout" }, "the CA sent no CA certificates" },
	[GENM_ROOT_UPDATE] = { "--get-root-update", "rootCaCert", 0x030200,
	    "3.2", { "-newwithnew", "-newwithold", "-oldwithnew" },
	    "no root CA update available" },
	[GENM_TEMPLATE] = { "--get-template", "certReqTemplate", 0x030500,
	    "3.5", { "-template", "-keyspec" },
	    "the CA has no certificate request template" },
	[GENM_CRL] = { "--get-crl", "crlStatusList", 0x030500, "3.5",
	    { "-crlout" }, "no newer CRL available" },
};

const struct genm_spec *
genm_spec(enum genm_mode mode)
{
	return mode < GENM_MODES ? &specs[mode] : NULL;
}

/*
 * NULL when openssl of this version (0x030500 for 3.5.x) has the mode,
 * else the message, written to msg: "--get-template needs OpenSSL 3.5 or
 * later; cmp_openssl_bin is 3.0.19" (version_text is the "3.0.19").
 */
const char *
genm_version_refusal(enum genm_mode mode, unsigned long version,
    const char *version_text, char *msg, size_t msgsz)
{
	const struct genm_spec *s = genm_spec(mode);

	if (s == NULL || version >= s->since)
		return NULL;
	snprintf(msg, msgsz, "%s needs OpenSSL %s or later; cmp_openssl_bin "
	    "is %s", s->option, s->since_text, version_text);
	return msg;
}

static int
add(const char **argv, size_t max, size_t *n, const char *a, const char *b)
{
	if (a == NULL || b == NULL || *n + 2 > max)
		return -1;
	argv[(*n)++] = a;
	argv[(*n)++] = b;
	return 0;
}

/*
 * Append the mode's openssl cmp flags, after -cmd genm, to argv (room for
 * max elements).
 * Returns how many were added; 0 when a required input is missing or
 * there is no room: rootCaCert needs old_root, crlStatusList crl_cert or
 * old_crl, and every mode its saved files.
 */
size_t
genm_argv(enum genm_mode mode, const struct genm_args *a, const char **argv,
    size_t max)
{
	const struct genm_spec	*s = genm_spec(mode);
	size_t			 n = 0, i;
	int			 bad = 0;

	if (s == NULL)
		return 0;
	bad |= add(argv, max, &n, "-infotype", s->infotype);
	if (mode == GENM_ROOT_UPDATE) {
		bad |= add(argv, max, &n, "-oldwithold", a->old_root);
		if (a->add_trusted)
			bad |= add(argv, max, &n, "-trusted", a->old_root);
	}
	if (mode == GENM_CRL) {
		if (a->crl_cert == NULL && a->old_crl == NULL)
			return 0;
		if (a->crl_cert != NULL)
			bad |= add(argv, max, &n, "-crlcert", a->crl_cert);
		if (a->old_crl != NULL)
			bad |= add(argv, max, &n, "-oldcrl", a->old_crl);
	}
	for (i = 0; i < GENM_SAVED_MAX && s->saves[i] != NULL; i++)
		bad |= add(argv, max, &n, s->saves[i], a->saved[i]);
	return bad ? 0 : n;
}

/* The --json object of "nothing (new)": exit status 1. */
void
genm_nothing_json(enum genm_mode mode, struct buf *b)
{
	const struct genm_spec *s = genm_spec(mode);

	buf_printf(b, "{\"status\":\"no_update\",\"exit_code\":%d,"
	    "\"message\":", EX_NOTDUE);
	json_string(b, s != NULL ? s->nothing : "");
	buf_append(b, "}\n", 2);
}

void
genm_certs_free(struct genm_certs *certs)
{
	size_t i;

	for (i = 0; i < certs->n; i++) {
		X509_free(certs->c[i].x509);
		OPENSSL_free(certs->c[i].der);
	}
	memset(certs, 0, sizeof(*certs));
}

/* One DER certificate, whole, with nothing after it; takes der. */
static int
cert_take(unsigned char *der, long len, struct genm_cert *out)
{
	const unsigned char *p = der;

	out->x509 = d2i_X509(NULL, &p, len);
	if (out->x509 == NULL || p != der + len) {
		X509_free(out->x509);
		OPENSSL_free(der);
		out->x509 = NULL;
		return -1;
	}
	out->der = der;
	out->len = (size_t)len;
	return 0;
}

/* The next PEM block: 1 a certificate, 0 the end, -1 damage (*why). */
static int
read_block(BIO *bio, struct genm_cert *out, const char **why)
{
	char		*name = NULL, *header = NULL;
	unsigned char	*der = NULL;
	long		 len;
	int		 rc = 1;

	ERR_clear_error();
	if (PEM_read_bio(bio, &name, &header, &der, &len) != 1) {
		rc = ERR_GET_REASON(ERR_peek_last_error()) ==
		    PEM_R_NO_START_LINE ? 0 : -1;
		*why = "damaged PEM";
	} else if (strcmp(name, PEM_STRING_X509) != 0) {
		OPENSSL_free(der);
		*why = "a PEM block that is not a CERTIFICATE";
		rc = -1;
	} else if (cert_take(der, len, out) != 0) {
		*why = "a damaged certificate";
		rc = -1;
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	ERR_clear_error();
	return rc;
}

/*
 * The PEM certificates openssl saved, at most CERTS_MAX.  Anything else
 * than whole certificates (damaged base64, another PEM label, a truncated
 * DER) is refused, as is a file without any certificate.
 */
int
genm_read_certs(const struct buf *in, struct genm_certs *out,
    const char **why)
{
	struct genm_cert	 c;
	BIO			*bio = NULL;
	int			 rc = GENM_REFUSED, more;

	memset(out, 0, sizeof(*out));
	*why = "holds no certificate";
	if (in == NULL || in->len == 0)
		return GENM_REFUSED;
	if (in->len > CERTFILE_MAX) {
		*why = "larger than 1 MiB";
		return GENM_REFUSED;
	}
	if ((bio = BIO_new_mem_buf(in->data, (int)in->len)) == NULL) {
		*why = "out of memory";
		return GENM_REFUSED;
	}
	while ((more = read_block(bio, &c, why)) == 1) {
		if (out->n == CERTS_MAX) {
			X509_free(c.x509);
			OPENSSL_free(c.der);
			*why = "more than 32 certificates";
			goto out;
		}
		out->c[out->n++] = c;
	}
	if (more == 0 && out->n > 0)
		rc = GENM_OK;
	else if (more == 0)
		*why = "holds no certificate";
out:
	BIO_free(bio);
	if (rc != GENM_OK)
		genm_certs_free(out);
	return rc;
}

/* The certificate as PEM, its DER as the CA sent it. */
int
genm_cert_pem(const struct genm_cert *c, struct buf *out)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p;
	long	 n;
	int	 rc = -1;

	if (bio != NULL && c->der != NULL && PEM_write_bio(bio,
	    PEM_STRING_X509, "", c->der, (long)c->len) > 0) {
		n = BIO_get_mem_data(bio, &p);
		rc = buf_append(out, p, (size_t)n);
	}
	BIO_free(bio);
	return rc;
}

static int
self_issued(const struct genm_cert *c)
{
	return X509_check_issued(c->x509, c->x509) == X509_V_OK;
}

/* Did issuer issue c (another certificate than itself)? */
static int
issues(const struct genm_cert *issuer, const struct genm_cert *c)
{
	return issuer != c &&
	    X509_check_issued(issuer->x509, c->x509) == X509_V_OK;
}

/* The path from certs->c[start] up through its issuers, as indexes. */
static size_t
path_from(const struct genm_certs *certs, size_t start, size_t *path)
{
	unsigned char	used[CERTS_MAX] = { 0 };
	size_t		n = 0, cur = start, j;

	for (;;) {
		path[n++] = cur;
		used[cur] = 1;
		if (self_issued(&certs->c[cur]))
			break;
		for (j = 0; j < certs->n; j++)
			if (!used[j] && issues(&certs->c[j], &certs->c[cur]))
				break;
		if (j == certs->n)
			break;
		cur = j;
	}
	return n;
}

/* Does c issue any other certificate of the set? */
static int
issues_any(const struct genm_certs *certs, size_t c)
{
	size_t i;

	for (i = 0; i < certs->n; i++)
		if (issues(&certs->c[c], &certs->c[i]))
			return 1;
	return 0;
}

/*
 * Reorder: the longest path from a certificate that issued none of the
 * others (the earliest received among equals), leaf-most first up to its
 * root; then the rest in the order received.
 */
static void
chain_order(struct genm_certs *certs)
{
	struct genm_cert	 sorted[CERTS_MAX];
	size_t			 best[CERTS_MAX], path[CERTS_MAX];
	size_t			 nbest = 0, n, i, k = 0;
	unsigned char		 placed[CERTS_MAX] = { 0 };

	for (i = 0; i < certs->n; i++) {
		if (issues_any(certs, i))
			continue;
		if ((n = path_from(certs, i, path)) > nbest) {
			memcpy(best, path, n * sizeof(path[0]));
			nbest = n;
		}
	}
	for (i = 0; i < nbest; i++) {
		sorted[k++] = certs->c[best[i]];
		placed[best[i]] = 1;
	}
	for (i = 0; i < certs->n; i++)
		if (!placed[i])
			sorted[k++] = certs->c[i];
	memcpy(certs->c, sorted, certs->n * sizeof(sorted[0]));
}

/*
 * --get-ca-certs: the caCerts openssl saved.  GENM_NOTHING when it saved
 * nothing (the CA sent none); GENM_REFUSED for a file that holds anything
 * but certificates.  On success out holds them in chain order.
 */
int
genm_ca_certs(const struct buf *saved, struct genm_certs *out,
    const char **why)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (saved == NULL || saved->len == 0)
		return GENM_NOTHING;
	if ((rc = genm_read_certs(saved, out, why)) == GENM_OK)
		chain_order(out);
	return rc;
}

int
genm_ca_certs_pem(const struct genm_certs *certs, struct buf *out)
{
	size_t i;

	for (i = 0; i < certs->n; i++)
		if (genm_cert_pem(&certs->c[i], out) != 0)
			return -1;
	return 0;
}

/* {"status":"received","exit_code":0,"certificates":[PEM, ...]} */
void
genm_ca_certs_json(const struct genm_certs *certs, struct buf *b)
{
	struct buf	pem = { 0 };
	size_t		i;

	buf_printf(b, "{\"status\":\"received\",\"exit_code\":0,"
	    "\"certificates\":[");
	for (i = 0; i < certs->n; i++) {
		pem.len = 0;
		genm_cert_pem(&certs->c[i], &pem);
		buf_append(b, i ? "," : "", i ? 1 : 0);
		json_string(b, pem.len ? (char *)pem.data : "");
	}
	buf_append(b, "]}\n", 3);
	buf_free(&pem);
}
