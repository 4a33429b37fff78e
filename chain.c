/*
 * chain.c: the leaf, then its issuers found among the returned extraCerts
 * and caPubs by following issuer links upward, up to a self-signed root or
 * a certificate the config trusts.  Certificates off that path (a CMP
 * server's own protection certificate, say) are left out.  Where the CA's
 * certificates do not reach that far, the certificates the config names
 * complete the chain (chain_complete).
 */
#include <string.h>
#include <time.h>

#include "chain.h"

#define POOL_MAX	(3 * CERTS_MAX)

/* Certificates to build the chain from; trusted ones end it. */
struct pool {
	struct cert	*c[POOL_MAX];
	int		 trusted[POOL_MAX];
	size_t		 n;
};

static void
free_all(struct cert **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cert_free(v[i]);
}

static void
pool_add(struct pool *p, const struct buf *pem, int trusted)
{
	size_t i, n, room = POOL_MAX - p->n;

	if (pem == NULL || pem->len == 0)
		return;
	n = cert_read_pem(pem->data, pem->len, p->c + p->n,
	    room < CERTS_MAX ? room : CERTS_MAX);
	for (i = 0; i < n; i++)
		p->trusted[p->n + i] = trusted;
	p->n += n;
}

/* The certificate the chain ends with so far. */
static const struct cert *
top(const struct issued *res)
{
	return res->nchain > 0 ? res->chain[res->nchain - 1] : res->leaf;
}

/* The issuer of c in the pool that is neither the leaf nor chained. */
static size_t
find_issuer(const struct issued *res, const struct cert *c,
    const struct pool *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		if (p->c[i] == NULL || !cert_issued_by(c, p->c[i]) ||
		    cert_same(p->c[i], res->leaf))
			continue;
		for (j = 0; j < res->nchain; j++)
			if (cert_same(p->c[i], res->chain[j]))
				break;
		if (j == res->nchain)
			return i;
	}
	return SIZE_MAX;
}

/*
 * Follow issuer links from the chain's top through the pool, moving each
 * issuer found into the chain, until a self-issued or trusted certificate
 * ends it (res->complete) or no issuer is found.
 */
static void
follow(struct issued *res, struct pool *p)
{
	size_t i;

	while (!res->complete && res->nchain < CERTS_MAX) {
		if (cert_issued_by(top(res), top(res))) {
			res->complete = 1;
			break;
		}
		if ((i = find_issuer(res, top(res), p)) == SIZE_MAX)
			break;
		res->chain[res->nchain++] = p->c[i];
		res->complete = p->trusted[i];
		p->c[i] = NULL;
	}
	free_all(p->c, p->n);
	p->n = 0;
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
	struct pool p;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	if (cert_read_pem(certout->data, certout->len, &res->leaf, 1) != 1) {
		msg_err("openssl cmp succeeded but saved no certificate");
		return EX_SOFTWARE;
	}
	if (!cert_has_key(res->leaf, key)) {
		msg_err("the CA returned a certificate for another key than "
		    "the CSR's");
		return EX_DATAERR;
	}
	pool_add(&p, extracerts, 0);
	pool_add(&p, cacerts, 0);
	follow(res, &p);
	return 0;
}

/*
 * Go on from where the CA's certificates left off, with the certificates
 * the config names: trusted (cmp_trusted: one of them ends the chain) and
 * others (cmp_untrusted, cmp_extracerts, cmp_srvcert).
 */
void
chain_complete(struct issued *res, const struct buf *trusted,
    const struct buf *others)
{
	struct pool p;

	if (res->leaf == NULL || res->complete)
		return;
	memset(&p, 0, sizeof(p));
	pool_add(&p, trusted, 1);
	pool_add(&p, others, 0);
	follow(res, &p);
}

/* The issuer the chain lacks, as text, when it is not complete. */
void
chain_missing(const struct issued *res, char *out, size_t sz)
{
	cert_name_text(cert_issuer(top(res)), out, sz);
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
