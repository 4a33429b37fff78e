/*
 * spki.c: the CSR's public key, built from its own numbers with
 * EVP_PKEY_fromdata.  OpenSSL 3.0's generic decoder (d2i_PUBKEY, and so
 * d2i_X509_REQ) first sets up every key decoder of every provider, which
 * cost cmpenroll more CPU than all the rest of its work; a table of four
 * key types needs none of that.  Every other key type is refused, and so
 * is a key whose signature would prove nothing: with -popo 0 the RA vouches
 * for the proof of possession.
 */
#include <limits.h>

#include <openssl/asn1t.h>
#include <openssl/bn.h>
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

#define RSA_BITS_MIN	2048

/* The curves a CSR's EC key may be on. */
static const int curves[] = {
	NID_X9_62_prime256v1, NID_secp384r1, NID_secp521r1,
	NID_brainpoolP256r1, NID_brainpoolP384r1, NID_brainpoolP512r1,
};

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
	    (e = ASN1_INTEGER_to_BN(rsa->exponent, NULL)) == NULL)
		goto out;
	if (BN_num_bits(n) < RSA_BITS_MIN) {
		*why = "RSA key shorter than 2048 bits";
		goto out;
	}
	/* With e = 1 or 3, say, a "signature" needs no private key. */
	if (!BN_is_odd(e) || BN_num_bits(e) < 17 || BN_num_bits(e) > 256) {
		*why = "RSA key whose exponent is not odd, at least 65537 and "
		    "at most 256 bits";
		goto out;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
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
	size_t		 i;
	int		 ptype, nid;

	X509_ALGOR_get0(NULL, &ptype, &curve, v->algorithm);
	if (ptype != V_ASN1_OBJECT) {
		*why = "EC key without a named curve";
		return NULL;
	}
	nid = OBJ_obj2nid(curve);
	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (curves[i] == nid)
			break;
	if (i == sizeof(curves) / sizeof(curves[0]) ||
	    (name = OBJ_nid2sn(nid)) == NULL) {
		*why = "EC key on a curve not accepted (P-256, P-384, P-521 "
		    "or brainpool)";
		return NULL;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_PUB_KEY, v->key->data, (size_t)v->key->length);
	params[2] = OSSL_PARAM_construct_end();
	*why = "EC key that is not a point on its curve";
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

/* Is der exactly the DER encoding of v, as a certificate would carry it? */
static int
is_der(const SPKI_VIEW *v, const unsigned char *der, size_t len)
{
	unsigned char	*out = NULL;
	int		 n, same;

	n = ASN1_item_i2d((const ASN1_VALUE *)v, &out,
	    ASN1_ITEM_rptr(SPKI_VIEW));
	same = n > 0 && (size_t)n == len && memcmp(out, der, len) == 0;
	OPENSSL_free(out);
	return same;
}

/*
 * The key in a SubjectPublicKeyInfo, or NULL with *why.  The bytes must
 * be exactly one SubjectPublicKeyInfo in DER (the issued certificate
 * carries the key in DER, and is compared with it byte for byte), its key
 * a whole number of bytes.
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
	if (!is_der(v, der, len)) {
		*why = "public key not in DER";
		goto out;
	}
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
