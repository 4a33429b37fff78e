/*
 * check_spki.c: the CSR's key built from its SubjectPublicKeyInfo (spki.c)
 * for each key type a CSR may carry, and csr_verify() over the signature
 * algorithms: SHA-2, SHA-3, RSA-PSS and EdDSA verify; MD5 and SHA-1 are
 * refused by name, in a PSS mask function too; a key type outside the
 * table, a key whose signature proves nothing (short RSA, a small
 * exponent, a weak curve) and a key not in DER are refused.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "units.h"
#include "csr.h"
#include "spki.h"

/* A throwaway key: "EC" with a curve, "RSA" (2048 bits), EdDSA. */
static EVP_PKEY *
keygen(const char *type, const char *curve)
{
	EVP_PKEY *k;

	if (curve != NULL)
		k = EVP_PKEY_Q_keygen(NULL, NULL, type, curve);
	else if (strcmp(type, "RSA") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, type, (size_t)2048);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, type);
	ck_assert_ptr_nonnull(k);
	return k;
}

/* spki_key on the key's own SubjectPublicKeyInfo; NULL or an equal key. */
static EVP_PKEY *
rebuilt(EVP_PKEY *k, const char **why)
{
	unsigned char	*der = NULL;
	EVP_PKEY	*out;
	int		 len;

	ck_assert_int_gt(len = i2d_PUBKEY(k, &der), 0);
	out = spki_key(der, (size_t)len, why);
	OPENSSL_free(der);
	return out;
}

START_TEST(spki_supported_types)
{
	static const char *const types[][2] = {
		{ "EC", "P-256" }, { "EC", "P-384" }, { "EC", "P-521" },
		{ "EC", "brainpoolP256r1" },
		{ "RSA", NULL }, { "ED25519", NULL }, { "ED448", NULL },
	};
	EVP_PKEY	*k, *out;
	const char	*why = NULL;
	size_t		 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		k = keygen(types[i][0], types[i][1]);
		out = rebuilt(k, &why);
		ck_assert_msg(out != NULL, "%s %s: %s", types[i][0],
		    types[i][1] ? types[i][1] : "", why);
		ck_assert_int_eq(EVP_PKEY_eq(k, out), 1);
		EVP_PKEY_free(out);
		EVP_PKEY_free(k);
	}
}
END_TEST

START_TEST(spki_refused)
{
	EVP_PKEY	*k = keygen("X25519", NULL), *ec = keygen("EC", "P-256");
	unsigned char	*der = NULL, *more;
	const char	*why = NULL;
	int		 len;

	/* A key that cannot sign is not a CSR's. */
	ck_assert_ptr_null(rebuilt(k, &why));
	ck_assert_ptr_nonnull(strstr(why, "unsupported public key type"));
	/* A point off the curve, a byte too many, a byte too few. */
	ck_assert_int_gt(len = i2d_PUBKEY(ec, &der), 0);
	ck_assert_ptr_nonnull(more = calloc(1, (size_t)len + 1));
	memcpy(more, der, (size_t)len);
	more[len - 1] ^= 0x01;
	ck_assert_ptr_null(spki_key(more, (size_t)len, &why));
	ck_assert_ptr_nonnull(strstr(why, "EC key"));
	more[len - 1] ^= 0x01;
	ck_assert_ptr_null(spki_key(more, (size_t)len + 1, &why));
	ck_assert_str_eq(why, "damaged public key");
	ck_assert_ptr_null(spki_key(more, (size_t)len - 1, &why));
	ck_assert_str_eq(why, "damaged public key");
	/* The same key with a long-form length: BER, not DER. */
	ck_assert_int_lt(len, 128);
	more[0] = der[0];
	more[1] = 0x81;
	memcpy(more + 2, der + 1, (size_t)len - 1);
	ck_assert_ptr_null(spki_key(more, (size_t)len + 1, &why));
	ck_assert_str_eq(why, "public key not in DER");
	free(more);
	OPENSSL_free(der);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(k);
}
END_TEST

/* An RSA public key with rsa's modulus and exponent e. */
static EVP_PKEY *
rsa_with_exponent(EVP_PKEY *rsa, unsigned long e)
{
	OSSL_PARAM_BLD	*bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM	*params;
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY	*out = NULL;
	BIGNUM		*n = NULL;

	ck_assert_int_eq(EVP_PKEY_get_bn_param(rsa, OSSL_PKEY_PARAM_RSA_N, &n),
	    1);
	ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n),
	    1);
	ck_assert_int_eq(OSSL_PARAM_BLD_push_ulong(bld, OSSL_PKEY_PARAM_RSA_E,
	    e), 1);
	ck_assert_ptr_nonnull(params = OSSL_PARAM_BLD_to_param(bld));
	ck_assert_int_eq(EVP_PKEY_fromdata_init(ctx), 1);
	ck_assert_int_eq(EVP_PKEY_fromdata(ctx, &out, EVP_PKEY_PUBLIC_KEY,
	    params), 1);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(n);
	return out;
}

/* Keys whose signature would prove nothing are refused, by name. */
START_TEST(spki_weak_keys)
{
	EVP_PKEY	*rsa = keygen("RSA", NULL), *k;
	const char	*why = NULL;
	unsigned long	 e[] = { 1, 3, 65536 };
	size_t		 i;

	/* e = 1 makes the padded digest its own "signature". */
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		k = rsa_with_exponent(rsa, e[i]);
		ck_assert_msg(rebuilt(k, &why) == NULL, "e = %lu accepted",
		    e[i]);
		ck_assert_ptr_nonnull(strstr(why, "exponent"));
		EVP_PKEY_free(k);
	}
	k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	ck_assert_ptr_null(rebuilt(k, &why));
	ck_assert_str_eq(why, "RSA key shorter than 2048 bits");
	EVP_PKEY_free(k);
	k = keygen("EC", "secp112r1");
	ck_assert_ptr_null(rebuilt(k, &why));
	ck_assert_ptr_nonnull(strstr(why, "curve not accepted"));
	EVP_PKEY_free(k);
	EVP_PKEY_free(rsa);
}
END_TEST

/*
 * A CSR for k signed with md (NULL for EdDSA); pss 1 for PSS padding, 2
 * for PSS with its mask function on SHA-1.
 */
static struct csr_view *
signed_view(EVP_PKEY *k, const EVP_MD *md, int pss)
{
	X509_REQ	*r = X509_REQ_new();
	X509_NAME	*name = X509_NAME_new();
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX	*pctx = NULL;
	struct csr_view	*v;

	ut_name_add(name, "CN", "keys.example", 0);
	ck_assert_int_eq(X509_REQ_set_subject_name(r, name), 1);
	ck_assert_int_eq(X509_REQ_set_pubkey(r, k), 1);
	ck_assert_int_eq(EVP_DigestSignInit(ctx, &pctx, md, NULL, k), 1);
	if (pss)
		ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING), 0);
	if (pss == 2)
		ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx,
		    EVP_sha1()), 0);
	ck_assert_int_gt(X509_REQ_sign_ctx(r, ctx), 0);
	v = ut_view(r);
	EVP_MD_CTX_free(ctx);
	X509_NAME_free(name);
	X509_REQ_free(r);
	return v;
}

START_TEST(verify_signature_algorithms)
{
	EVP_PKEY	*ec = keygen("EC", "P-384"), *rsa = keygen("RSA", NULL);
	EVP_PKEY	*ed = keygen("ED25519", NULL), *ed448 = keygen("ED448",
			    NULL);
	const struct {
		EVP_PKEY	*key;
		const EVP_MD	*md;
		int		 pss, ok;
	} cases[] = {
		{ ec, EVP_sha384(), 0, 1 },	{ rsa, EVP_sha3_256(), 0, 1 },
		{ rsa, EVP_sha256(), 0, 1 },	{ rsa, EVP_sha512(), 0, 1 },
		{ rsa, EVP_sha256(), 1, 1 },	{ ed, NULL, 0, 1 },
		{ ed448, NULL, 0, 1 },		{ rsa, EVP_sha1(), 0, 0 },
		{ ec, EVP_sha1(), 0, 0 },	{ rsa, EVP_md5(), 0, 0 },
		{ rsa, EVP_sha1(), 1, 0 },	{ rsa, EVP_sha256(), 2, 0 },
	};
	struct csr_view	*v;
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = signed_view(cases[i].key, cases[i].md, cases[i].pss);
		why = NULL;
		ck_assert_msg(csr_verify(v, &why) == cases[i].ok,
		    "case %zu: %s", i, why ? why : "verified");
		if (!cases[i].ok)
			ck_assert_ptr_nonnull(why);
		/* MD5 and SHA-1 are refused by name, PSS's too. */
		if (!cases[i].ok)
			ck_assert_ptr_nonnull(strstr(why, "SHA-2 or SHA-3"));
		csr_view_free(v);
	}
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ed448);
}
END_TEST

/* A signature by another key than the CSR's does not verify. */
START_TEST(verify_other_key)
{
	EVP_PKEY	*k = keygen("EC", "P-256"), *other = keygen("EC",
			    "P-256");
	X509_REQ	*r = X509_REQ_new();
	struct csr_view	*v;
	const char	*why = NULL;

	ck_assert_int_eq(X509_REQ_set_pubkey(r, k), 1);
	ck_assert_int_gt(X509_REQ_sign(r, other, EVP_sha256()), 0);
	v = ut_view(r);
	ck_assert(!csr_verify(v, &why));
	ck_assert_str_eq(why, "the signature does not verify");
	csr_view_free(v);
	X509_REQ_free(r);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}
END_TEST

Suite *
spki_suite(void)
{
	Suite	*s = suite_create("keys");
	TCase	*tc = tcase_create("spki");

	tcase_set_timeout(tc, 30);

	tcase_add_test(tc, spki_supported_types);
	tcase_add_test(tc, spki_refused);
	tcase_add_test(tc, spki_weak_keys);
	suite_add_tcase(s, tc);
	tc = tcase_create("verify");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, verify_signature_algorithms);
	tcase_add_test(tc, verify_other_key);
	suite_add_tcase(s, tc);
	return s;
}
