/*
 * spki.c: the CSR's public key, built from its own numbers with
 * EVP_PKEY_fromdata.  OpenSSL 3.0's generic decoder (d2i_PUBKEY, and so
 * d2i_X509_REQ) first sets up every key decoder of every provider, which
 * cost cmpenroll more CPU than all the rest of its work; a table of four
 * key types needs none of that.  Every other key type is refused.
 */
#include <limits.h>

#include <openssl/asn1t.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "spki.h"

typedef struct {
	X509_ALGOR	*algorithm;
	ASN1_BIT_STRING	*key;
} SPKI_VIEW;

ASN1_SEQUENCE(SPKI_VIEW) = {
	ASN1_SIMPLE(SPKI_VIEW, algorithm, X509_ALGOR),
	ASN1_SIMPLE(SPKI_VIEW, key, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(SPKI_VIEW)

/* RFC 8017, A.1.1 */
typedef struct {
	ASN1_INTEGER	*modulus;
	ASN1_INTEGER	*exponent;
} RSA_PUBLIC;

ASN1_SEQUENCE(RSA_PUBLIC) = {
	ASN1_SIMPLE(RSA_PUBLIC, modulus, ASN1_INTEGER),
	ASN1_SIMPLE(RSA_PUBLIC, exponent, ASN1_INTEGER)
} static_ASN1_SEQUENCE_END(RSA_PUBLIC)

typedef EVP_PKEY *key_maker(const SPKI_VIEW *, const char *, const char **);

static EVP_PKEY *
from_params(const char *type, const OSSL_PARAM *params)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;

	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY,
	    (OSSL_PARAM *)params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* rsaEncryption: parameters NULL (RFC 3279) or absent. */
static EVP_PKEY *
rsa_key(const SPKI_VIEW *v, const char *type, const char **why)
{
	const unsigned char	*p = v->key->data;
	RSA_PUBLIC		*rsa;
	OSSL_PARAM_BLD		*bld = NULL;
	OSSL_PARAM		*params = NULL;
	BIGNUM			*n = NULL, *e = NULL;
	EVP_PKEY		*pkey = NULL;
	int			 ptype;

	X509_ALGOR_get0(NULL, &ptype, NULL, v->algorithm);
	if (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF) {
		*why = "RSA key with parameters";
		return NULL;
	}
	rsa = (RSA_PUBLIC *)ASN1_item_d2i(NULL, &p, v->key->length,
	    ASN1_ITEM_rptr(RSA_PUBLIC));
	*why = "damaged RSA key";
	if (rsa == NULL || p != v->key->data + v->key->length ||
	    ASN1_STRING_type(rsa->modulus) != V_ASN1_INTEGER ||
	    ASN1_STRING_type(rsa->exponent) != V_ASN1_INTEGER)
		goto out;
	if ((n = ASN1_INTEGER_to_BN(rsa->modulus, NULL)) == NULL ||
	    (e = ASN1_INTEGER_to_BN(rsa->exponent, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	pkey = from_params(type, params);
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	ASN1_item_free((ASN1_VALUE *)rsa, ASN1_ITEM_rptr(RSA_PUBLIC));
	return pkey;
}

/* id-ecPublicKey on a named curve (RFC 5480); the point must be on it. */
static EVP_PKEY *
ec_key(const SPKI_VIEW *v, const char *type, const char **why)
{
	const void	*curve;
	const char	*name;
	OSSL_PARAM	 params[3];
	int		 ptype;

	X509_ALGOR_get0(NULL, &ptype, &curve, v->algorithm);
	if (ptype != V_ASN1_OBJECT ||
	    (name = OBJ_nid2sn(OBJ_obj2nid(curve))) == NULL) {
		*why = "EC key without a named curve";
		return NULL;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_PUB_KEY, v->key->data, (size_t)v->key->length);
	params[2] = OSSL_PARAM_construct_end();
	*why = "EC key on an unsupported curve, or not a point on it";
	return from_params(type, params);
}

/* Ed25519 and Ed448: parameters absent (RFC 8410). */
static EVP_PKEY *
raw_key(const SPKI_VIEW *v, const char *type, const char **why)
{
	int ptype;

	X509_ALGOR_get0(NULL, &ptype, NULL, v->algorithm);
	if (ptype != V_ASN1_UNDEF) {
		*why = "EdDSA key with parameters";
		return NULL;
	}
	*why = "damaged EdDSA key";
	return EVP_PKEY_new_raw_public_key_ex(NULL, type, NULL,
	    v->key->data, (size_t)v->key->length);
}

static const struct {
	int		 nid;
	const char	*type;	/* the provider's key type name */
	key_maker	*make;
} key_types[] = {
	{ NID_rsaEncryption,		"RSA",		rsa_key },
	{ NID_X9_62_id_ecPublicKey,	"EC",		ec_key },
	{ NID_ED25519,			"ED25519",	raw_key },
	{ NID_ED448,			"ED448",	raw_key },
};

/*
 * The key in a SubjectPublicKeyInfo, or NULL with *why.  The DER must
 * hold exactly one SubjectPublicKeyInfo, its key a whole number of bytes.
 */
EVP_PKEY *
spki_key(const unsigned char *der, size_t len, const char **why)
{
	const unsigned char	*p = der;
	const ASN1_OBJECT	*alg;
	SPKI_VIEW		*v = NULL;
	EVP_PKEY		*pkey = NULL;
	size_t			 i;
	int			 nid;

	*why = "damaged public key";
	if (len > INT_MAX || (v = (SPKI_VIEW *)ASN1_item_d2i(NULL, &p,
	    (long)len, ASN1_ITEM_rptr(SPKI_VIEW))) == NULL ||
	    p != der + len || (v->key->flags & 0x07) != 0)
		goto out;
	X509_ALGOR_get0(&alg, NULL, NULL, v->algorithm);
	nid = OBJ_obj2nid(alg);
	*why = "unsupported public key type (RSA, EC, Ed25519 or Ed448)";
	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (key_types[i].nid == nid) {
			pkey = key_types[i].make(v, key_types[i].type, why);
			break;
		}
out:
	ASN1_item_free((ASN1_VALUE *)v, ASN1_ITEM_rptr(SPKI_VIEW));
	ERR_clear_error();
	return pkey;
}
