/*
 * cert.c: certificates parsed with a template of our own that keeps the
 * subjectPublicKeyInfo as raw DER (ASN1_ANY), so that no key decoder runs.
 * The fields follow RFC 5280, 4.1.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1t.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cert.h"

typedef struct {
	ASN1_INTEGER			*version;
	ASN1_INTEGER			*serial;
	X509_ALGOR			*signature;
	X509_NAME			*issuer;
	X509_VAL			*validity;
	X509_NAME			*subject;
	ASN1_TYPE			*spki;
	ASN1_BIT_STRING			*issuer_uid;
	ASN1_BIT_STRING			*subject_uid;
	STACK_OF(X509_EXTENSION)	*extensions;
} CERT_TBS;

typedef struct {
	CERT_TBS		*tbs;
	X509_ALGOR		*algorithm;
	ASN1_BIT_STRING		*signature;
} CERT_VIEW;

ASN1_SEQUENCE(CERT_TBS) = {
	ASN1_EXP_OPT(CERT_TBS, version, ASN1_INTEGER, 0),
	ASN1_SIMPLE(CERT_TBS, serial, ASN1_INTEGER),
	ASN1_SIMPLE(CERT_TBS, signature, X509_ALGOR),
	ASN1_SIMPLE(CERT_TBS, issuer, X509_NAME),
	ASN1_SIMPLE(CERT_TBS, validity, X509_VAL),
	ASN1_SIMPLE(CERT_TBS, subject, X509_NAME),
	ASN1_SIMPLE(CERT_TBS, spki, ASN1_ANY),
	ASN1_IMP_OPT(CERT_TBS, issuer_uid, ASN1_BIT_STRING, 1),
	ASN1_IMP_OPT(CERT_TBS, subject_uid, ASN1_BIT_STRING, 2),
	ASN1_EXP_SEQUENCE_OF_OPT(CERT_TBS, extensions, X509_EXTENSION, 3)
/* cppcheck-suppress unknownMacro ; OpenSSL's template macros */
} static_ASN1_SEQUENCE_END(CERT_TBS)

ASN1_SEQUENCE(CERT_VIEW) = {
	ASN1_SIMPLE(CERT_VIEW, tbs, CERT_TBS),
	ASN1_SIMPLE(CERT_VIEW, algorithm, X509_ALGOR),
	ASN1_SIMPLE(CERT_VIEW, signature, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(CERT_VIEW)

struct cert {
	unsigned char	*der;
	long		 len;
	CERT_VIEW	*view;
};

void
cert_free(struct cert *c)
{
	if (c == NULL)
		return;
	ASN1_item_free((ASN1_VALUE *)c->view, ASN1_ITEM_rptr(CERT_VIEW));
	OPENSSL_free(c->der);
	free(c);
}

/* Parse one DER certificate; it must be whole, with nothing after it. */
static struct cert *
cert_parse(unsigned char *der, long len)
{
	const unsigned char	*p = der;
	struct cert		*c;
	CERT_VIEW		*v;

	v = (CERT_VIEW *)ASN1_item_d2i(NULL, &p, len,
	    ASN1_ITEM_rptr(CERT_VIEW));
	if (v == NULL || p != der + len ||
	    v->tbs->spki->type != V_ASN1_SEQUENCE) {
		ASN1_item_free((ASN1_VALUE *)v, ASN1_ITEM_rptr(CERT_VIEW));
		OPENSSL_free(der);
		return NULL;
	}
	c = util_xcalloc(1, sizeof(*c));
	c->der = der;
	c->len = len;
	c->view = v;
	return c;
}

/* The CERTIFICATE blocks of PEM text, at most max of them. */
static size_t
read_pem_bio(BIO *bio, struct cert **out, size_t max)
{
	char		*name = NULL, *header = NULL;
	unsigned char	*der = NULL;
	long		 len;
	size_t		 n = 0;

	while (n < max && PEM_read_bio(bio, &name, &header, &der, &len) == 1) {
		if (strcmp(name, PEM_STRING_X509) == 0 &&
		    (out[n] = cert_parse(der, len)) != NULL)
			n++;
		else if (strcmp(name, PEM_STRING_X509) != 0)
			OPENSSL_free(der);
		OPENSSL_free(name);
		OPENSSL_free(header);
	}
	ERR_clear_error();
	return n;
}

size_t
cert_read_pem(const void *buf, size_t len, struct cert **out, size_t max)
{
	BIO	*bio;
	size_t	 n;

	if (len == 0 || len > INT_MAX ||
	    (bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return 0;
	n = read_pem_bio(bio, out, max);
	BIO_free(bio);
	return n;
}

const X509_NAME *
cert_subject(const struct cert *c)
{
	return c->view->tbs->subject;
}

const X509_NAME *
cert_issuer(const struct cert *c)
{
	return c->view->tbs->issuer;
}

const ASN1_INTEGER *
cert_serial(const struct cert *c)
{
	return c->view->tbs->serial;
}

const ASN1_TIME *
cert_not_before(const struct cert *c)
{
	return c->view->tbs->validity->notBefore;
}

const ASN1_TIME *
cert_not_after(const struct cert *c)
{
	return c->view->tbs->validity->notAfter;
}

/* An extension, decoded (the caller frees it), or NULL. */
void *
cert_ext_d2i(const struct cert *c, int nid)
{
	return X509V3_get_d2i(c->view->tbs->extensions, nid, NULL, NULL);
}

/* Is this the certificate's SubjectPublicKeyInfo (the CSR's, as DER)? */
int
cert_has_key(const struct cert *c, const unsigned char *spki, size_t len)
{
	const ASN1_STRING *mine = c->view->tbs->spki->value.sequence;

	return len > 0 && len == (size_t)ASN1_STRING_length(mine) &&
	    memcmp(spki, ASN1_STRING_get0_data(mine), len) == 0;
}

int
cert_same(const struct cert *a, const struct cert *b)
{
	return a->len == b->len && memcmp(a->der, b->der, (size_t)a->len) == 0;
}

/*
 * Did issuer issue c?  The names must match; where both carry key
 * identifiers (authority and subject), those must match too, which tells
 * apart a CA's old and new certificate under one name.  Signatures are
 * not checked here: openssl cmp has verified what it accepted.
 */
int
cert_issued_by(const struct cert *c, const struct cert *issuer)
{
	AUTHORITY_KEYID		*akid;
	ASN1_OCTET_STRING	*skid;
	int			 ok = 1;

	if (X509_NAME_cmp(cert_issuer(c), cert_subject(issuer)) != 0)
		return 0;
	akid = cert_ext_d2i(c, NID_authority_key_identifier);
	skid = cert_ext_d2i(issuer, NID_subject_key_identifier);
	if (akid != NULL && akid->keyid != NULL && skid != NULL)
		ok = ASN1_OCTET_STRING_cmp(akid->keyid, skid) == 0;
	AUTHORITY_KEYID_free(akid);
	ASN1_OCTET_STRING_free(skid);
	return ok;
}

/* The certificate as PEM, its DER as received. */
int
cert_pem(const struct cert *c, struct buf *out)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p;
	long	 n;
	int	 rc = -1;

	if (bio != NULL && PEM_write_bio(bio, PEM_STRING_X509, "", c->der,
	    c->len) > 0) {
		n = BIO_get_mem_data(bio, &p);
		rc = buf_append(out, p, (size_t)n);
	}
	BIO_free(bio);
	return rc;
}

/* A DN as RFC 2253 text, with control characters escaped. */
void
cert_name_text(const X509_NAME *name, char *out, size_t sz)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p;
	long	 n = 0;

	out[0] = '\0';
	if (bio == NULL)
		return;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 &
	    ~ASN1_STRFLGS_ESC_MSB) >= 0)
		n = BIO_get_mem_data(bio, &p);
	if (n > 0)
		snprintf(out, sz, "%.*s", (int)n, p);
	BIO_free(bio);
}

/* ISO 8601 in UTC: 2026-11-29T12:00:00Z. */
void
cert_time_text(const ASN1_TIME *t, char *out, size_t sz)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, sz, "?");
}

/* The serial number in upper-case hexadecimal. */
void
cert_serial_text(const struct cert *c, char *out, size_t sz)
{
	BIGNUM	*bn = ASN1_INTEGER_to_BN(cert_serial(c), NULL);
	char	*hex = bn != NULL ? BN_bn2hex(bn) : NULL;

	snprintf(out, sz, "%s", hex != NULL ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
}
