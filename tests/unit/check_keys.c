/*
 * check_keys.c: csr_verify() over every key type the system's libcrypto can
 * make and sign a CSR with.  Each verifies; a bad signature of each is
 * refused; so is what the one rule calls proving nothing (a key below 112
 * bits of security, an MD5 or SHA-1 signature), with the rule's message;
 * and a key libcrypto cannot decode.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "units.h"
#include "csr.h"

/* A throwaway key: type with a curve, a modulus size, or neither. */
static EVP_PKEY *
keygen(const char *type, const char *curve, size_t bits)
{
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY	*k = NULL;

	ck_assert_msg(ctx != NULL && EVP_PKEY_keygen_init(ctx) == 1,
	    "no %s keys here", type);
	if (curve != NULL)
		ck_assert_int_eq(EVP_PKEY_CTX_set_group_name(ctx, curve), 1);
	if (bits > 0)
		ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx,
		    (int)bits), 1);
	ck_assert_int_eq(EVP_PKEY_generate(ctx, &k), 1);
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* A CSR for pub signed by signer with md (NULL: the key's default). */
static X509_REQ *
signed_req(EVP_PKEY *pub, EVP_PKEY *signer, const EVP_MD *md, int pss,
    const EVP_MD *pss_md)
{
	X509_REQ	*r = X509_REQ_new();
	X509_NAME	*name = X509_NAME_new();
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX	*pctx = NULL;

	ut_name_add(name, "CN", "keys.example", 0);
	ck_assert_int_eq(X509_REQ_set_subject_name(r, name), 1);
	ck_assert_int_eq(X509_REQ_set_pubkey(r, pub), 1);
	ck_assert_int_eq(EVP_DigestSignInit(ctx, &pctx, md, NULL, signer), 1);
	if (pss)
		ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING), 0);
	if (pss_md != NULL)
		ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, pss_md), 0);
	ck_assert_int_gt(X509_REQ_sign_ctx(r, ctx), 0);
	EVP_MD_CTX_free(ctx);
	X509_NAME_free(name);
	return r;
}

/* csr_verify on req's DER; *why when it refuses. */
static int
verifies(X509_REQ *req, const char **why)
{
	struct csr_view	*v = ut_view(req);
	int		 ok;

	*why = NULL;
	ok = csr_verify(v, why);
	csr_view_free(v);
	return ok;
}

/* The same CSR with one bit of its signature flipped. */
static int
verifies_flipped(X509_REQ *req, const char **why)
{
	struct csr_view	*v = NULL;
	unsigned char	*der;
	size_t		 len;
	int		 ok;

	der = ut_der(req, &len);
	der[len - 1] ^= 0x01;
	ck_assert_int_eq(csr_parse(der, len, &v, why), 0);
	*why = NULL;
	ok = csr_verify(v, why);
	csr_view_free(v);
	OPENSSL_free(der);
	return ok;
}

static const struct key_case {
	const char	*label, *type, *curve;
	size_t		 bits;
	int		 pss;		/* RSA key, RSASSA-PSS signature */
} key_cases[] = {
	{ "RSA 2048",		"RSA",		NULL,		2048, 0 },
	{ "RSA 2048, PSS",	"RSA",		NULL,		2048, 1 },
	{ "RSA-PSS 2048",	"RSA-PSS",	NULL,		2048, 0 },
	{ "P-256",		"EC",		"P-256",	0, 0 },
	{ "P-384",		"EC",		"P-384",	0, 0 },
	{ "P-521",		"EC",		"P-521",	0, 0 },
	{ "secp256k1",		"EC",		"secp256k1",	0, 0 },
	{ "brainpoolP256r1",	"EC",		"brainpoolP256r1", 0, 0 },
	{ "Ed25519",		"ED25519",	NULL,		0, 0 },
	{ "Ed448",		"ED448",	NULL,		0, 0 },
};

/* Each key type verifies with its default digest; a flipped bit does not. */
START_TEST(every_key_type)
{
	const struct key_case	*kc = &key_cases[_i];
	const EVP_MD		*md;
	EVP_PKEY		*k;
	X509_REQ		*r;
	const char		*why;

	k = keygen(kc->type, kc->curve, kc->bits);
	/* EdDSA signs the message itself; the others over SHA-256. */
	md = strncmp(kc->type, "ED", 2) == 0 ? NULL : EVP_sha256();
	r = signed_req(k, k, md, kc->pss, NULL);
	ck_assert_msg(verifies(r, &why), "%s: %s", kc->label, why);
	ck_assert_msg(!verifies_flipped(r, &why), "%s: a flipped signature "
	    "verifies", kc->label);
	ck_assert_str_eq(why, "the signature does not verify");
	X509_REQ_free(r);
	EVP_PKEY_free(k);
}
END_TEST

/* Below 112 bits of security, whatever the type, with the rule's words. */
START_TEST(weak_keys_refused)
{
	static const struct {
		const char	*type, *curve;
		size_t		 bits;
		const char	*message;
	} weak[] = {
		{ "RSA", NULL, 1024,
		    "RSA key of 1024 bits: 80-bit security, below 112" },
		{ "EC", "secp112r1", 0,
		    "EC key of 112 bits: 56-bit security, below 112" },
		{ "EC", "prime192v1", 0,
		    "EC key of 192 bits: 80-bit security, below 112" },
	};
	EVP_PKEY	*k;
	X509_REQ	*r;
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		k = keygen(weak[i].type, weak[i].curve, weak[i].bits);
		r = signed_req(k, k, EVP_sha256(), 0, NULL);
		ck_assert(!verifies(r, &why));
		ck_assert_str_eq(why, weak[i].message);
		X509_REQ_free(r);
		EVP_PKEY_free(k);
	}
}
END_TEST

/* MD5 and SHA-1 signatures prove nothing; PSS over SHA-1 neither. */
START_TEST(weak_digests_refused)
{
	EVP_PKEY	*rsa = keygen("RSA", NULL, 2048);
	EVP_PKEY	*ec = keygen("EC", "P-256", 0);
	X509_REQ	*r;
	const char	*why;

	r = signed_req(ec, ec, EVP_sha1(), 0, NULL);
	ck_assert(!verifies(r, &why));
	ck_assert_str_eq(why, "signed with SHA1: a signature made with MD5 or "
	    "SHA-1 proves nothing");
	X509_REQ_free(r);
	r = signed_req(rsa, rsa, EVP_md5(), 0, NULL);
	ck_assert(!verifies(r, &why));
	ck_assert_str_eq(why, "signed with MD5: a signature made with MD5 or "
	    "SHA-1 proves nothing");
	X509_REQ_free(r);
	r = signed_req(rsa, rsa, EVP_sha1(), 1, NULL);
	ck_assert(!verifies(r, &why));
	ck_assert_ptr_nonnull(strstr(why, "signed with SHA1"));
	X509_REQ_free(r);
	/* The mask function's digest is no signature digest: accepted. */
	r = signed_req(rsa, rsa, EVP_sha256(), 1, EVP_sha1());
	ck_assert_msg(verifies(r, &why), "%s", why);
	X509_REQ_free(r);
	/* SHA-3 is as good as SHA-2. */
	r = signed_req(rsa, rsa, EVP_sha3_256(), 0, NULL);
	ck_assert_msg(verifies(r, &why), "%s", why);
	X509_REQ_free(r);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}
END_TEST

/* Signed by another key, or by a key that cannot sign at all. */
START_TEST(other_signers_refused)
{
	EVP_PKEY	*k = keygen("EC", "P-256", 0);
	EVP_PKEY	*other = keygen("EC", "P-256", 0);
	EVP_PKEY	*x = keygen("X25519", NULL, 0);
	EVP_PKEY	*ed = keygen("ED25519", NULL, 0);
	X509_REQ	*r;
	const char	*why;

	r = signed_req(k, other, EVP_sha256(), 0, NULL);
	ck_assert(!verifies(r, &why));
	ck_assert_str_eq(why, "the signature does not verify");
	X509_REQ_free(r);
	r = signed_req(x, ed, NULL, 0, NULL);
	ck_assert(!verifies(r, &why));
	X509_REQ_free(r);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
	EVP_PKEY_free(x);
	EVP_PKEY_free(ed);
}
END_TEST

/* An EC point moved off its curve: libcrypto's decoder refuses the key. */
START_TEST(point_off_curve_refused)
{
	EVP_PKEY	*k = keygen("EC", "P-256", 0);
	struct csr_view	*v = NULL;
	unsigned char	 point[65], *der, *at;
	const char	*why = NULL;
	X509_REQ	*r;
	size_t		 len, plen;

	ck_assert_int_eq(EVP_PKEY_get_octet_string_param(k,
	    OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &plen), 1);
	r = signed_req(k, k, EVP_sha256(), 0, NULL);
	der = ut_der(r, &len);
	ck_assert_ptr_nonnull(at = memmem(der, len, point, plen));
	at[plen - 1] ^= 0x01;
	ck_assert_int_eq(csr_parse(der, len, &v, &why), 0);
	ck_assert(!csr_verify(v, &why));
	ck_assert_ptr_nonnull(strstr(why, "that this libcrypto cannot "
	    "decode"));
	csr_view_free(v);
	OPENSSL_free(der);
	X509_REQ_free(r);
	EVP_PKEY_free(k);
}
END_TEST

Suite *
keys_suite(void)
{
	Suite	*s = suite_create("keys");
	TCase	*tc = tcase_create("verify");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, every_key_type, 0,
	    (int)(sizeof(key_cases) / sizeof(key_cases[0])));
	tcase_add_test(tc, weak_keys_refused);
	tcase_add_test(tc, weak_digests_refused);
	tcase_add_test(tc, other_signers_refused);
	tcase_add_test(tc, point_off_curve_refused);
	suite_add_tcase(s, tc);
	return s;
}
