/*
 * chain.c: the leaf, then its issuers found among the returned extraCerts
 * and caPubs by following issuer links upward.  Certificates off that path
 * (a CMP server's own protection certificate, say) are left out.
 */
#include <string.h>
#include <time.h>

#include "chain.h"

static void
free_all(struct cert **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cert_free(v[i]);
}

/* The issuer of c in pool that is neither the leaf nor already chained. */
static struct cert *
find_issuer(const struct issued *res, const struct cert *c,
    struct cert **pool, size_t npool)
{
	size_t i, j;

	for (i = 0; i < npool; i++) {
		if (pool[i] == NULL || !cert_issued_by(c, pool[i]) ||
		    cert_same(pool[i], res->leaf))
			continue;
		for (j = 0; j < res->nchain; j++)
			if (cert_same(pool[i], res->chain[j]))
				break;
		if (j == res->nchain)
			return pool[i];
	}
	return NULL;
}

/*
 * Collect what openssl cmp wrote (PEM): the certificate, extraCerts and
 * caPubs.  Reports and returns an exit status: 65 when the leaf's key is
 * not the CSR's.
 */
int
chain_collect(const struct buf *certout, const struct buf *extracerts,
    const struct buf *cacerts, const X509_PUBKEY *key, struct issued *res)
{
	struct cert	*pool[2 * CERTS_MAX], *cur, *next;
	size_t		 npool, i;

	memset(res, 0, sizeof(*res));
	if (cert_read_pem(certout->data, certout->len, &res->leaf, 1) != 1) {
		msg_err("openssl cmp succeeded but saved no certificate");
		return EX_SOFTWARE;
	}
	if (!cert_has_key(res->leaf, key)) {
		msg_err("the CA returned a certificate for another key than "
		    "the CSR's");
		return EX_DATAERR;
	}
	npool = cert_read_pem(extracerts->data, extracerts->len, pool,
	    CERTS_MAX);
	npool += cert_read_pem(cacerts->data, cacerts->len, pool + npool,
	    CERTS_MAX);
	/* A self-issued certificate ends the path. */
	for (cur = res->leaf; res->nchain < CERTS_MAX &&
	    !cert_issued_by(cur, cur); cur = next) {
		if ((next = find_issuer(res, cur, pool, npool)) == NULL)
			break;
		res->chain[res->nchain++] = next;
		for (i = 0; i < npool; i++)
			if (pool[i] == next)
				pool[i] = NULL;
	}
	free_all(pool, npool);
	return 0;
}

void
chain_free(struct issued *res)
{
	cert_free(res->leaf);
	free_all(res->chain, res->nchain);
	memset(res, 0, sizeof(*res));
}

/* PEM of the leaf and/or the chain. */
int
chain_pem(const struct issued *res, int leaf, int chain, struct buf *out)
{
	size_t i;

	if (leaf && cert_pem(res->leaf, out) != 0)
		return -1;
	for (i = 0; chain && i < res->nchain; i++)
		if (cert_pem(res->chain[i], out) != 0)
			return -1;
	return 0;
}

/*
 * Is the certificate in path still good for more than days, for the
 * CSR's key?  1: not due (the certificate in *cert), 0: enroll.  Anything
 * unreadable, expired or for another key means enroll.
 */
int
chain_not_due(const char *path, const X509_PUBKEY *key, long days,
    struct cert **cert)
{
	struct cert	*c = NULL;
	struct buf	 b = { 0 };
	time_t		 limit = time(NULL) + days * 86400;
	size_t		 n = 0;

	if (util_read_quiet(path, CERTFILE_MAX, &b) == 0)
		n = cert_read_pem(b.data, b.len, &c, 1);
	buf_free(&b);
	if (n != 1)
		return 0;
	if (!cert_has_key(c, key) ||
	    X509_cmp_time(cert_not_before(c), NULL) > 0 ||
	    X509_cmp_time(cert_not_after(c), &limit) <= 0) {
		cert_free(c);
		return 0;
	}
	*cert = c;
	return 1;
}
