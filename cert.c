/*
 * cert.c: certificates as libcrypto parses them (d2i_X509), read from PEM
 * text with a bound on how many, and the few fields cmpenroll shows or
 * follows.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cert.h"

struct cert {
	X509	*x;
};

void
cert_free(struct cert *c)
{
	if (c == NULL)
		return;
	X509_free(c->x);
	free(c);
}

/* One DER certificate; it must be whole, with nothing after it. */
static struct cert *
cert_parse(const unsigned char *der, long len)
{
	const unsigned char	*p = der;
	struct cert		*c;
	X509			*x;

	if ((x = d2i_X509(NULL, &p, len)) == NULL || p != der + len) {
		X509_free(x);
		return NULL;
	}
	c = util_xcalloc(1, sizeof(*c));
	c->x = x;
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

/* Whether b holds a certificate as openssl loads one: PEM, or DER. */
static int
cert_in(const struct buf *b)
{
	struct cert	*c = NULL;
	int		 found;

	found = cert_read_pem(b->data, b->len, &c, 1) == 1 ||
	    (b->len <= CERTFILE_MAX &&
	    (c = cert_parse(b->data, (long)b->len)) != NULL);
	cert_free(c);
	return found;
}

/*
 * Read the certificate file an option names into b: 0; 66 when it cannot
 * be read; 65 when it holds no certificate.
 */
int
cert_file_load(const char *path, const char *option, struct buf *b)
{
	int rc;

	if ((rc = util_read_file(path, CERTFILE_MAX, option, EX_DATAERR,
	    b)) == 0 && !cert_in(b)) {
		msg_err("%s %s: no certificate in it", option, path);
		rc = EX_DATAERR;
	}
	return rc;
}

/*
 * cert_file_load, for a file only checked before anything is sent.  What
 * openssl resolves itself (a URI, a pipe) is left to it.
 */
int
cert_file_check(const char *path, const char *option)
{
	struct buf	b = { 0 };
	int		rc;

	if (!util_is_plain_file(path))
		return 0;
	rc = cert_file_load(path, option, &b);
	buf_free(&b);
	return rc;
}

const X509_NAME *
cert_subject(const struct cert *c)
{
	return X509_get_subject_name(c->x);
}

const X509_NAME *
cert_issuer(const struct cert *c)
{
	return X509_get_issuer_name(c->x);
}

const ASN1_INTEGER *
cert_serial(const struct cert *c)
{
	return X509_get0_serialNumber(c->x);
}

const ASN1_TIME *
cert_not_before(const struct cert *c)
{
	return X509_get0_notBefore(c->x);
}

const ASN1_TIME *
cert_not_after(const struct cert *c)
{
	return X509_get0_notAfter(c->x);
}

/* An extension, decoded (the caller frees it), or NULL. */
void *
cert_ext_d2i(const struct cert *c, int nid)
{
	return X509_get_ext_d2i(c->x, nid, NULL, NULL);
}

/* Does the certificate carry this public key (the CSR's)? */
int
cert_has_key(const struct cert *c, const X509_PUBKEY *key)
{
	int same = X509_PUBKEY_eq(X509_get_X509_PUBKEY(c->x), key) == 1;

	ERR_clear_error();
	return same;
}

int
cert_same(const struct cert *a, const struct cert *b)
{
	return X509_cmp(a->x, b->x) == 0;
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

/* The certificate as PEM. */
int
cert_pem(const struct cert *c, struct buf *out)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p;
	long	 n;
	int	 rc = -1;

	if (bio != NULL && PEM_write_bio_X509(bio, c->x) == 1) {
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
