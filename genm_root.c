/*
 * genm_root.c: a root CA update (RFC 9483, 4.3.2; the certificates of RFC
 * 4210, 4.4), checked before anything of it is shown.  The old root is
 * the trust anchor the operator already has; trust passes to the new key
 * only through newWithOld, which the old root signed over the new key.
 * openssl cmp checks this too; we do not print on its word alone.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "genm.h"
#include "output.h"

/* Exactly one certificate in in, or *why. */
static int
read_one(const struct buf *in, struct genm_cert *out, const char *bad,
    const char **why)
{
	struct genm_certs	certs;
	const char		*ignored;

	memset(out, 0, sizeof(*out));
	if (genm_read_certs(in, &certs, &ignored) != GENM_OK) {
		*why = bad;
		return -1;
	}
	if (certs.n != 1) {
		genm_certs_free(&certs);
		*why = bad;
		return -1;
	}
	*out = certs.c[0];
	return 0;
}

static int
absent(const struct buf *b)
{
	return b == NULL || b->len == 0;
}

static void
cert_free_one(struct genm_cert *c)
{
	X509_free(c->x509);
	OPENSSL_free(c->der);
	memset(c, 0, sizeof(*c));
}

void
genm_root_free(struct genm_root *r)
{
	cert_free_one(&r->new_with_new);
	cert_free_one(&r->new_with_old);
	cert_free_one(&r->old_with_new);
}

/* Is the certificate's public key the one of other? */
static int
same_key(X509 *x, X509 *other)
{
	EVP_PKEY *a = X509_get0_pubkey(x), *b = X509_get0_pubkey(other);

	return a != NULL && b != NULL && EVP_PKEY_eq(a, b) == 1;
}

/* Was x signed with issuer's key? */
static int
signed_by(X509 *x, X509 *issuer)
{
	EVP_PKEY *k = X509_get0_pubkey(issuer);

	return k != NULL && X509_verify(x, k) == 1;
}

/* newWithNew on its own: self-signed, a CA, valid now. */
static const char *
check_new_root(X509 *nwn)
{
	int before, after;

	if (X509_self_signed(nwn, 1) != 1)
		return "newWithNew is not self-signed";
	if (X509_check_ca(nwn) == 0)
		return "newWithNew is not a CA certificate";
	before = X509_cmp_current_time(X509_get0_notBefore(nwn));
	after = X509_cmp_current_time(X509_get0_notAfter(nwn));
	if (before == 0 || after == 0)
		return "newWithNew has a damaged validity period";
	if (before > 0)
		return "newWithNew is not yet valid";
	if (after < 0)
		return "newWithNew has expired";
	return NULL;
}

/*
 * The reason X509_verify_cert gave, as one of our own static strings: at
 * depth 0 about newWithOld, above it about the old root.
 */
static const char *
chain_error(int err, int depth)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return depth == 0 ? "newWithOld has expired" :
		    "the old root has expired";
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return depth == 0 ? "newWithOld is not yet valid" :
		    "the old root is not yet valid";
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		return "newWithOld is not signed by the old root";
	default:
		return "newWithOld does not verify against the old root";
	}
}

/*
 * newWithOld with the old root as the only trust anchor, by the library's
 * own path validation (signature, validity, the anchor's name and key
 * identifiers).  Verifying newWithNew itself that way is not possible:
 * X509_verify_cert takes a self-signed target for an anchor of its own.
 * newWithOld carries newWithNew's key, checked apart, which is what makes
 * the two equivalent.
 */
static const char *
check_link(X509 *old, X509 *nwo)
{
	X509_STORE	*store = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	const char	*why = "out of memory";

	if (store == NULL || ctx == NULL || X509_STORE_add_cert(store,
	    old) != 1 || X509_STORE_CTX_init(ctx, store, nwo, NULL) != 1)
		goto out;
	why = NULL;
	if (X509_verify_cert(ctx) != 1)
		why = chain_error(X509_STORE_CTX_get_error(ctx),
		    X509_STORE_CTX_get_error_depth(ctx));
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return why;
}

/* Every check of RFC 9483, 4.3.2 over certificates that parsed. */
static const char *
check_update(X509 *old, const struct genm_root *r)
{
	X509		*nwn = r->new_with_new.x509;
	X509		*nwo = r->new_with_old.x509;
	X509		*own = r->old_with_new.x509;
	const char	*why;

	if ((why = check_new_root(nwn)) != NULL)
		return why;
	if (!same_key(nwo, nwn))
		return "newWithOld certifies another key than newWithNew's";
	if (!signed_by(nwo, old))
		return "newWithOld is not signed by the old root";
	if ((why = check_link(old, nwo)) != NULL)
		return why;
	if (own != NULL && !same_key(own, old))
		return "oldWithNew certifies another key than the old root's";
	if (own != NULL && !signed_by(own, nwn))
		return "oldWithNew is not signed by the new root";
	return NULL;
}

/*
 * --get-root-update: the old root (PEM, the operator's file) and what
 * openssl saved for newWithNew, newWithOld and oldWithNew (PEM each, NULL
 * or empty when not saved).  GENM_NOTHING: no update (no newWithNew).
 * GENM_OK: out holds the checked certificates; free with genm_root_free.
 */
int
genm_root_update(const struct buf *old_root, const struct buf *nwn,
    const struct buf *nwo, const struct buf *own, struct genm_root *out,
    const char **why)
{
	struct genm_cert	old;
	int			rc = GENM_REFUSED;

	memset(out, 0, sizeof(*out));
	memset(&old, 0, sizeof(old));
	if (read_one(old_root, &old, "the old root is not one PEM "
	    "certificate", why) != 0)
		return GENM_REFUSED;
	if (absent(nwn)) {
		rc = GENM_NOTHING;
		goto out;
	}
	if (absent(nwo)) {
		*why = "the CA sent no newWithOld certificate: the new root "
		    "cannot be checked against the old one";
		goto out;
	}
	if (read_one(nwn, &out->new_with_new, "newWithNew is not one PEM "
	    "certificate", why) != 0 ||
	    read_one(nwo, &out->new_with_old, "newWithOld is not one PEM "
	    "certificate", why) != 0 ||
	    (!absent(own) && read_one(own, &out->old_with_new, "oldWithNew "
	    "is not one PEM certificate", why) != 0))
		goto out;
	if ((*why = check_update(old.x509, out)) == NULL)
		rc = GENM_OK;
out:
	cert_free_one(&old);
	if (rc != GENM_OK)
		genm_root_free(out);
	return rc;
}

/* newWithNew, then newWithOld and oldWithNew where sent, as PEM. */
int
genm_root_pem(const struct genm_root *r, struct buf *out)
{
	if (genm_cert_pem(&r->new_with_new, out) != 0 ||
	    genm_cert_pem(&r->new_with_old, out) != 0)
		return -1;
	if (r->old_with_new.x509 != NULL &&
	    genm_cert_pem(&r->old_with_new, out) != 0)
		return -1;
	return 0;
}

static void
json_cert(struct buf *b, const char *key, const struct genm_cert *c)
{
	struct buf pem = { 0 };

	buf_printf(b, ",\"%s\":", key);
	if (c->x509 == NULL || genm_cert_pem(c, &pem) != 0)
		buf_printf(b, "null");
	else
		json_string(b, (char *)pem.data);
	buf_free(&pem);
}

/* {"status":"updated","exit_code":0,"new_with_new":PEM,...} */
void
genm_root_json(const struct genm_root *r, struct buf *b)
{
	buf_printf(b, "{\"status\":\"updated\",\"exit_code\":0");
	json_cert(b, "new_with_new", &r->new_with_new);
	json_cert(b, "new_with_old", &r->new_with_old);
	json_cert(b, "old_with_new", &r->old_with_new);
	buf_printf(b, "}\n");
}
