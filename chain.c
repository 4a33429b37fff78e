/*
 * chain.c: the leaf, then its issuers found among the returned extraCerts
 * and caPubs by following issuer links upward.  Certificates off that path
 * (a CMP server's own protection certificate, say) are left out.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "chain.h"

/* All certificates of a PEM file; a missing or empty file gives none. */
static int
load_certs(const char *path, STACK_OF(X509) *into)
{
	BIO	*bio;
	X509	*x;
	int	 n = 0;

	if (path == NULL || (bio = BIO_new_file(path, "r")) == NULL) {
		ERR_clear_error();
		return 0;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(into, x)) {
			X509_free(x);
			break;
		}
		n++;
	}
	ERR_clear_error();
	BIO_free(bio);
	return n;
}

/* Byte for byte, in DER. */
static int
same_der(const void *a, const void *b, int (*i2d)(const void *,
    unsigned char **))
{
	unsigned char	*da = NULL, *db = NULL;
	int		 la, lb, same;

	la = i2d(a, &da);
	lb = i2d(b, &db);
	same = la > 0 && la == lb && memcmp(da, db, (size_t)la) == 0;
	OPENSSL_free(da);
	OPENSSL_free(db);
	return same;
}

static int
i2d_cert(const void *x, unsigned char **out)
{
	return i2d_X509((const X509 *)x, out);
}

static int
i2d_spki(const void *k, unsigned char **out)
{
	return i2d_X509_PUBKEY((const X509_PUBKEY *)k, out);
}

/* Is this the CSR's public key?  Compared as SubjectPublicKeyInfo. */
static int
has_key(X509 *x, const X509_PUBKEY *key)
{
	return same_der(X509_get_X509_PUBKEY(x), key, i2d_spki);
}

static int
contains(STACK_OF(X509) *sk, X509 *x)
{
	int i;

	for (i = 0; i < sk_X509_num(sk); i++)
		if (same_der(sk_X509_value(sk, i), x, i2d_cert))
			return 1;
	return 0;
}

/*
 * Did cand issue child?  The names must match; where both carry key
 * identifiers (authority and subject), those must match too, which tells
 * apart a CA's old and new certificate under one name.
 */
static int
issued_by(X509 *child, X509 *cand)
{
	AUTHORITY_KEYID		*akid;
	ASN1_OCTET_STRING	*skid;
	int			 ok = 1;

	if (X509_NAME_cmp(X509_get_issuer_name(child),
	    X509_get_subject_name(cand)) != 0)
		return 0;
	akid = X509_get_ext_d2i(child, NID_authority_key_identifier, NULL,
	    NULL);
	skid = X509_get_ext_d2i(cand, NID_subject_key_identifier, NULL, NULL);
	if (akid != NULL && akid->keyid != NULL && skid != NULL)
		ok = ASN1_OCTET_STRING_cmp(akid->keyid, skid) == 0;
	AUTHORITY_KEYID_free(akid);
	ASN1_OCTET_STRING_free(skid);
	return ok;
}

/*
 * Collect what openssl cmp saved.  Reports and returns an exit status:
 * 65 when the leaf's key is not the CSR's.
 */
int
chain_collect(const char *certout, const char *extracerts,
    const char *cacerts, const X509_PUBKEY *csr_key, struct issued *res)
{
	STACK_OF(X509)	*leafs, *pool;
	X509		*cur, *cand = NULL;
	int		 i, rc = 0;

	memset(res, 0, sizeof(*res));
	leafs = sk_X509_new_null();
	pool = sk_X509_new_null();
	res->chain = sk_X509_new_null();
	if (leafs == NULL || pool == NULL || res->chain == NULL) {
		msg_err("out of memory");
		rc = EX_SOFTWARE;
		goto out;
	}
	if (load_certs(certout, leafs) != 1) {
		msg_err("openssl cmp succeeded but saved no certificate");
		rc = EX_SOFTWARE;
		goto out;
	}
	res->leaf = sk_X509_shift(leafs);
	if (csr_key != NULL && !has_key(res->leaf, csr_key)) {
		msg_err("the CA returned a certificate for another key than "
		    "the CSR's");
		rc = EX_DATAERR;
		goto out;
	}
	load_certs(extracerts, pool);
	load_certs(cacerts, pool);
	/* A self-issued certificate ends the path. */
	for (cur = res->leaf; !issued_by(cur, cur); cur = cand) {
		for (i = 0, cand = NULL; i < sk_X509_num(pool); i++) {
			cand = sk_X509_value(pool, i);
			if (issued_by(cur, cand) &&
			    !same_der(cand, res->leaf, i2d_cert) &&
			    !contains(res->chain, cand))
				break;
			cand = NULL;
		}
		if (cand == NULL)
			break;
		X509_up_ref(cand);
		sk_X509_push(res->chain, cand);
	}
out:
	sk_X509_pop_free(leafs, X509_free);
	sk_X509_pop_free(pool, X509_free);
	ERR_clear_error();
	return rc;
}

void
chain_free(struct issued *res)
{
	X509_free(res->leaf);
	sk_X509_pop_free(res->chain, X509_free);
	memset(res, 0, sizeof(*res));
}

static int
append_pem(X509 *x, struct buf *out)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p;
	long	 n;
	int	 rc = -1;

	if (bio != NULL && PEM_write_bio_X509(bio, x) == 1) {
		n = BIO_get_mem_data(bio, &p);
		rc = buf_append(out, p, (size_t)n);
	}
	BIO_free(bio);
	return rc;
}

/* PEM of leaf (when given) then chain (when given). */
int
chain_pem(X509 *leaf, STACK_OF(X509) *chain, struct buf *out)
{
	int i;

	if (leaf != NULL && append_pem(leaf, out) != 0)
		return -1;
	for (i = 0; i < sk_X509_num(chain); i++)
		if (append_pem(sk_X509_value(chain, i), out) != 0)
			return -1;
	return 0;
}

/* A DN as RFC 2253 text, with control characters escaped. */
void
chain_name(const X509_NAME *name, char *out, size_t sz)
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
chain_time(const ASN1_TIME *t, char *out, size_t sz)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, sz, "?");
}

/*
 * Is the certificate in path still good for more than days, for the
 * CSR's key?  1: not due (the certificate in *cert), 0: enroll.  Anything
 * unreadable, expired or for another key means enroll.
 */
int
chain_not_due(const char *path, const X509_PUBKEY *key, long days,
    X509 **cert)
{
	STACK_OF(X509)	*sk = sk_X509_new_null();
	X509		*x;
	time_t		 limit = time(NULL) + days * 86400;
	int		 due = 0;

	if (sk == NULL || load_certs(path, sk) < 1)
		goto out;
	x = sk_X509_value(sk, 0);
	if (!has_key(x, key) ||
	    X509_cmp_time(X509_get0_notBefore(x), NULL) > 0 ||
	    X509_cmp_time(X509_get0_notAfter(x), &limit) <= 0)
		goto out;
	X509_up_ref(x);
	*cert = x;
	due = 1;
out:
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
	return due;
}
