/*
 * check_genm.c: the general-message modes (genm*.c): the version table and
 * the openssl argv, CA certificates in chain order, a root CA update
 * accepted and each way it is refused, the certificate request template
 * as text, JSON and openssl req options, and the CRL.  Certificates, keys,
 * templates and CRLs are made here with libcrypto.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crmf.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "units.h"
#include "genm.h"
#include "output.h"

/* ------------------------------------------------------------- helpers */

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ck_assert_ptr_nonnull(ext = X509V3_EXT_conf_nid(NULL, &ctx, nid,
	    value));
	ck_assert_int_eq(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/*
 * A CA certificate for key named CN=cn, with issuer's name and key id
 * (NULL: its own), signed by signer, valid from `from` to `to` days from
 * now.
 */
static X509 *
mk_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *signer,
    long from, long to)
{
	static long	 serial = 1;
	X509		*x;
	X509_NAME	*name;

	ck_assert_ptr_nonnull(x = X509_new());
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	ck_assert_ptr_nonnull(name = X509_NAME_new());
	ut_name_add(name, "CN", cn, 0);
	ck_assert_int_eq(X509_set_subject_name(x, name), 1);
	ck_assert_int_eq(X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name), 1);
	X509_NAME_free(name);
	X509_gmtime_adj(X509_getm_notBefore(x), from * 86400 - 60);
	X509_gmtime_adj(X509_getm_notAfter(x), to * 86400);
	ck_assert_int_eq(X509_set_pubkey(x, key), 1);
	add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
	add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
	add_ext(x, x, NID_subject_key_identifier, "hash");
	add_ext(x, issuer != NULL ? issuer : x, NID_authority_key_identifier,
	    "keyid:always");
	ck_assert_int_gt(X509_sign(x, signer, EVP_sha256()), 0);
	return x;
}

/* A self-signed CA certificate, valid now. */
static X509 *
mk_root(EVP_PKEY *key, const char *cn)
{
	return mk_cert(key, cn, NULL, key, 0, 30);
}

/* The PEM of certs, in that order. */
static struct buf
pem_of(X509 *const *certs, size_t n)
{
	struct buf	 b = { 0 };
	BIO		*bio = BIO_new(BIO_s_mem());
	char		*p;
	long		 len;
	size_t		 i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(PEM_write_bio_X509(bio, certs[i]), 1);
	len = BIO_get_mem_data(bio, &p);
	buf_append(&b, p, (size_t)len);
	BIO_free(bio);
	return b;
}

static struct buf
pem_one(X509 *cert)
{
	return pem_of(&cert, 1);
}

static struct buf
text_buf(const char *s)
{
	struct buf b = { 0 };

	buf_append(&b, s, strlen(s));
	return b;
}

/* ---------------------------------------------------- version, argv */

START_TEST(genm_version_table)
{
	char		 msg[256];
	const char	*m;

	m = genm_version_refusal(GENM_TEMPLATE, 0x030013, "3.0.19", msg,
	    sizeof(msg));
	ck_assert_ptr_eq(m, msg);
	ck_assert_str_eq(m, "--get-template needs OpenSSL 3.5 or later; "
	    "cmp_openssl_bin is 3.0.19");
	m = genm_version_refusal(GENM_CRL, 0x030206, "3.2.6", msg,
	    sizeof(msg));
	ck_assert_str_eq(m, "--get-crl needs OpenSSL 3.5 or later; "
	    "cmp_openssl_bin is 3.2.6");
	m = genm_version_refusal(GENM_CA_CERTS, 0x030013, "3.0.19", msg,
	    sizeof(msg));
	ck_assert_str_eq(m, "--get-ca-certs needs OpenSSL 3.2 or later; "
	    "cmp_openssl_bin is 3.0.19");
	m = genm_version_refusal(GENM_ROOT_UPDATE, 0x030100, "3.1.0", msg,
	    sizeof(msg));
	ck_assert_str_eq(m, "--get-root-update needs OpenSSL 3.2 or later; "
	    "cmp_openssl_bin is 3.1.0");
	/* 3.3 and 3.4 have caCerts and rootCaCert, not the other two. */
	ck_assert_ptr_null(genm_version_refusal(GENM_CA_CERTS, 0x030200,
	    "3.2.0", msg, sizeof(msg)));
	ck_assert_ptr_null(genm_version_refusal(GENM_ROOT_UPDATE, 0x030400,
	    "3.4.1", msg, sizeof(msg)));
	ck_assert_ptr_nonnull(genm_version_refusal(GENM_TEMPLATE, 0x030401,
	    "3.4.1", msg, sizeof(msg)));
	ck_assert_ptr_null(genm_version_refusal(GENM_TEMPLATE, 0x030504,
	    "3.5.4", msg, sizeof(msg)));
	ck_assert_ptr_null(genm_version_refusal(GENM_CRL, 0x030600, "3.6.0",
	    msg, sizeof(msg)));
	/* An unreadable version (0) is refused, a later major taken. */
	ck_assert_ptr_nonnull(genm_version_refusal(GENM_CA_CERTS, 0, "?",
	    msg, sizeof(msg)));
	ck_assert_ptr_null(genm_version_refusal(GENM_CRL, 0x040000, "4.0.0",
	    msg, sizeof(msg)));
	ck_assert_str_eq(genm_spec(GENM_TEMPLATE)->infotype,
	    "certReqTemplate");
	ck_assert_ptr_null(genm_spec(GENM_MODES));
}
END_TEST

/* argv joined by spaces. */
static char *
joined(const char **argv, size_t n)
{
	struct buf	b = { 0 };
	size_t		i;
	char		*s;

	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", argv[i]);
	s = strdup(b.len ? (char *)b.data : "");
	buf_free(&b);
	return s;
}

static void
assert_argv(enum genm_mode mode, const struct genm_args *a,
    const char *want)
{
	const char	*argv[GENM_ARGV_MAX];
	size_t		 n = genm_argv(mode, a, argv, GENM_ARGV_MAX);
	char		*got = joined(argv, n);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(genm_argv_per_mode)
{
	struct genm_args	 a = { .saved = { "/w/f0", "/w/f1", "/w/f2" } };
	const char		*argv[GENM_ARGV_MAX];

	assert_argv(GENM_CA_CERTS, &a,
	    "-infotype caCerts -cacertsout /w/f0");
	assert_argv(GENM_TEMPLATE, &a, "-infotype certReqTemplate "
	    "-template /w/f0 -keyspec /w/f1");
	/* rootCaCert needs the old root; -trusted only when asked. */
	ck_assert_uint_eq(genm_argv(GENM_ROOT_UPDATE, &a, argv,
	    GENM_ARGV_MAX), 0);
	a.old_root = "/r/old.pem";
	assert_argv(GENM_ROOT_UPDATE, &a, "-infotype rootCaCert "
	    "-oldwithold /r/old.pem -newwithnew /w/f0 -newwithold /w/f1 "
	    "-oldwithnew /w/f2");
	a.add_trusted = 1;
	assert_argv(GENM_ROOT_UPDATE, &a, "-infotype rootCaCert "
	    "-oldwithold /r/old.pem -trusted /r/old.pem -newwithnew /w/f0 "
	    "-newwithold /w/f1 -oldwithnew /w/f2");
	/* crlStatusList needs -crlcert or -oldcrl. */
	ck_assert_uint_eq(genm_argv(GENM_CRL, &a, argv, GENM_ARGV_MAX), 0);
	a.crl_cert = "/c/ee.pem";
	assert_argv(GENM_CRL, &a, "-infotype crlStatusList "
	    "-crlcert /c/ee.pem -crlout /w/f0");
	a.old_crl = "/c/old.crl";
	assert_argv(GENM_CRL, &a, "-infotype crlStatusList "
	    "-crlcert /c/ee.pem -oldcrl /c/old.crl -crlout /w/f0");
	/* No room, or a saved file missing: nothing. */
	ck_assert_uint_eq(genm_argv(GENM_CRL, &a, argv, 7), 0);
	a.saved[1] = NULL;
	ck_assert_uint_eq(genm_argv(GENM_TEMPLATE, &a, argv,
	    GENM_ARGV_MAX), 0);
	ck_assert_uint_eq(genm_argv(GENM_MODES, &a, argv, GENM_ARGV_MAX), 0);
}
END_TEST

START_TEST(genm_nothing_is_one_object)
{
	struct buf b = { 0 };

	genm_nothing_json(GENM_ROOT_UPDATE, &b);
	ck_assert_str_eq((char *)b.data, "{\"status\":\"no_update\","
	    "\"exit_code\":1,\"message\":\"no root CA update available\"}\n");
	buf_free(&b);
}
END_TEST

/* -------------------------------------------------------------- caCerts */

/* Certificates: r root, i under r, l under i; u unrelated. */
struct tree {
	EVP_PKEY	*kr, *ki, *kl, *ku;
	X509		*r, *i, *l, *u;
};

static void
tree_make(struct tree *t)
{
	t->kr = ut_key();
	t->ki = ut_key();
	t->kl = ut_key();
	t->ku = ut_key();
	t->r = mk_root(t->kr, "Root");
	t->i = mk_cert(t->ki, "Intermediate", t->r, t->kr, 0, 30);
	t->l = mk_cert(t->kl, "Issuing", t->i, t->ki, 0, 30);
	t->u = mk_root(t->ku, "Unrelated");
}

static void
tree_free(struct tree *t)
{
	X509_free(t->r);
	X509_free(t->i);
	X509_free(t->l);
	X509_free(t->u);
	EVP_PKEY_free(t->kr);
	EVP_PKEY_free(t->ki);
	EVP_PKEY_free(t->kl);
	EVP_PKEY_free(t->ku);
}

/* genm_ca_certs over `in` gives exactly the PEM of `want`. */
static void
assert_order(X509 *const *in, size_t nin, X509 *const *want, size_t nwant)
{
	struct buf		 saved = pem_of(in, nin), exp = pem_of(want,
				    nwant), got = { 0 };
	struct genm_certs	 certs;
	const char		*why = NULL;

	ck_assert_int_eq(genm_ca_certs(&saved, &certs, &why), GENM_OK);
	ck_assert_uint_eq(certs.n, nwant);
	ck_assert_int_eq(genm_ca_certs_pem(&certs, &got), 0);
	ck_assert_uint_eq(got.len, exp.len);
	ck_assert_mem_eq(got.data, exp.data, exp.len);
	genm_certs_free(&certs);
	buf_free(&saved);
	buf_free(&exp);
	buf_free(&got);
}

START_TEST(genm_ca_certs_chain_order)
{
	struct tree	 t;
	EVP_PKEY	*k2;
	X509		*r2, *i2;

	tree_make(&t);
	{
		X509 *in[] = { t.r, t.l, t.i }, *want[] = { t.l, t.i, t.r };

		assert_order(in, 3, want, 3);
	}
	{
		/* Off the chain: after it, in the order received. */
		X509 *in[] = { t.u, t.r, t.l, t.i };
		X509 *want[] = { t.l, t.i, t.r, t.u };

		assert_order(in, 4, want, 4);
	}
	{
		/* Already in order, or a root alone: unchanged. */
		X509 *in[] = { t.l, t.i, t.r };

		assert_order(in, 3, in, 3);
		assert_order(&t.u, 1, &t.u, 1);
	}
	/* Two chains: the longer one first. */
	k2 = ut_key();
	r2 = mk_root(k2, "Root 2");
	i2 = mk_cert(t.ku, "Intermediate 2", r2, k2, 0, 30);
	{
		X509 *in[] = { i2, r2, t.r, t.i, t.l };
		X509 *want[] = { t.l, t.i, t.r, i2, r2 };

		assert_order(in, 5, want, 5);
	}
	X509_free(r2);
	X509_free(i2);
	EVP_PKEY_free(k2);
	tree_free(&t);
}
END_TEST

START_TEST(genm_ca_certs_refused)
{
	static const char *const bad[][2] = {
		{ "\n \n", "holds no certificate" },
		{ "no PEM here\n", "holds no certificate" },
		{ "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
		    "damaged PEM" },
		{ "-----BEGIN CERTIFICATE-----\nMIIB\n", "damaged PEM" },
		{ "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n",
		    "a PEM block that is not a CERTIFICATE" },
		{ "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
		    "a damaged certificate" },
	};
	struct genm_certs	 certs;
	struct buf		 b, empty = { 0 };
	struct tree		 t;
	const char		*why;
	size_t			 i;
	X509			*many[CERTS_MAX + 1];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = text_buf(bad[i][0]);
		why = NULL;
		ck_assert_int_eq(genm_ca_certs(&b, &certs, &why),
		    GENM_REFUSED);
		ck_assert_str_eq(why, bad[i][1]);
		ck_assert_uint_eq(certs.n, 0);
		buf_free(&b);
	}
	/* Nothing saved: the CA sent none, which is no error. */
	ck_assert_int_eq(genm_ca_certs(&empty, &certs, &why), GENM_NOTHING);
	ck_assert_int_eq(genm_ca_certs(NULL, &certs, &why), GENM_NOTHING);
	/* One good certificate, then a damaged one: refused as a whole. */
	tree_make(&t);
	b = pem_one(t.r);
	buf_append(&b, bad[2][0], strlen(bad[2][0]));
	ck_assert_int_eq(genm_ca_certs(&b, &certs, &why), GENM_REFUSED);
	buf_free(&b);
	for (i = 0; i <= CERTS_MAX; i++)
		many[i] = t.u;
	b = pem_of(many, CERTS_MAX + 1);
	ck_assert_int_eq(genm_ca_certs(&b, &certs, &why), GENM_REFUSED);
	ck_assert_str_eq(why, "more than 32 certificates");
	buf_free(&b);
	b = pem_of(many, CERTS_MAX);
	ck_assert_int_eq(genm_ca_certs(&b, &certs, &why), GENM_OK);
	genm_certs_free(&certs);
	buf_free(&b);
	tree_free(&t);
}
END_TEST

START_TEST(genm_ca_certs_json_lists_pem)
{
	struct tree		 t;
	struct genm_certs	 certs;
	struct buf		 in, json = { 0 }, want = { 0 }, pem;
	const char		*why;

	tree_make(&t);
	{
		X509 *v[] = { t.i, t.l };

		in = pem_of(v, 2);
	}
	ck_assert_int_eq(genm_ca_certs(&in, &certs, &why), GENM_OK);
	genm_ca_certs_json(&certs, &json);
	buf_printf(&want, "{\"status\":\"received\",\"exit_code\":0,"
	    "\"certificates\":[");
	pem = pem_one(t.l);
	json_string(&want, (char *)pem.data);
	buf_free(&pem);
	buf_printf(&want, ",");
	pem = pem_one(t.i);
	json_string(&want, (char *)pem.data);
	buf_free(&pem);
	buf_printf(&want, "]}\n");
	ck_assert_str_eq((char *)json.data, (char *)want.data);
	genm_certs_free(&certs);
	buf_free(&in);
	buf_free(&json);
	buf_free(&want);
	tree_free(&t);
}
END_TEST

/* ------------------------------------------------------------ rootCaCert */

/*
 * A root key rollover under one name: old (ko) and new (kn) self-signed,
 * nwo the new key certified by the old, own the old key by the new; kx a
 * stranger's key.
 */
struct rollover {
	EVP_PKEY	*ko, *kn, *kx;
	X509		*old, *nwn, *nwo, *own;
};

static void
rollover_make(struct rollover *r)
{
	r->ko = ut_key();
	r->kn = ut_key();
	r->kx = ut_key();
	r->old = mk_root(r->ko, "Root CA");
	r->nwn = mk_root(r->kn, "Root CA");
	r->nwo = mk_cert(r->kn, "Root CA", r->old, r->ko, 0, 30);
	r->own = mk_cert(r->ko, "Root CA", r->nwn, r->kn, 0, 30);
}

static void
rollover_free(struct rollover *r)
{
	X509_free(r->old);
	X509_free(r->nwn);
	X509_free(r->nwo);
	X509_free(r->own);
	EVP_PKEY_free(r->ko);
	EVP_PKEY_free(r->kn);
	EVP_PKEY_free(r->kx);
}

/* genm_root_update over these certificates (NULL: not saved). */
static int
root_update(X509 *old, X509 *nwn, X509 *nwo, X509 *own,
    struct genm_root *out, const char **why)
{
	struct buf	 b[4] = { { 0 } };
	X509		*v[4] = { old, nwn, nwo, own };
	size_t		 i;
	int		 rc;

	for (i = 0; i < 4; i++)
		if (v[i] != NULL)
			b[i] = pem_one(v[i]);
	*why = NULL;
	rc = genm_root_update(&b[0], &b[1], &b[2], &b[3], out, why);
	for (i = 0; i < 4; i++)
		buf_free(&b[i]);
	return rc;
}

/* Refused for the reason want, nothing kept. */
static void
assert_root_refused(X509 *old, X509 *nwn, X509 *nwo, X509 *own,
    const char *want)
{
	struct genm_root	 out;
	const char		*why;

	ck_assert_int_eq(root_update(old, nwn, nwo, own, &out, &why),
	    GENM_REFUSED);
	ck_assert_str_eq(why, want);
	ck_assert_ptr_null(out.new_with_new.x509);
	ck_assert_ptr_null(out.new_with_old.x509);
	ck_assert_ptr_null(out.old_with_new.x509);
}

START_TEST(genm_root_accepted)
{
	struct rollover		 r;
	struct genm_root	 out;
	struct buf		 got = { 0 }, want;
	const char		*why;

	rollover_make(&r);
	ck_assert_int_eq(root_update(r.old, r.nwn, r.nwo, r.own, &out, &why),
	    GENM_OK);
	ck_assert_int_eq(genm_root_pem(&out, &got), 0);
	{
		X509 *v[] = { r.nwn, r.nwo, r.own };

		want = pem_of(v, 3);
	}
	ck_assert_uint_eq(got.len, want.len);
	ck_assert_mem_eq(got.data, want.data, want.len);
	genm_root_free(&out);
	buf_free(&got);
	buf_free(&want);
	/* oldWithNew is optional. */
	ck_assert_int_eq(root_update(r.old, r.nwn, r.nwo, NULL, &out, &why),
	    GENM_OK);
	ck_assert_ptr_null(out.old_with_new.x509);
	ck_assert_int_eq(genm_root_pem(&out, &got), 0);
	{
		X509 *v[] = { r.nwn, r.nwo };

		want = pem_of(v, 2);
	}
	ck_assert_mem_eq(got.data, want.data, want.len);
	genm_root_free(&out);
	buf_free(&got);
	buf_free(&want);
	/* No newWithNew: no update, whatever else came. */
	ck_assert_int_eq(root_update(r.old, NULL, NULL, NULL, &out, &why),
	    GENM_NOTHING);
	ck_assert_int_eq(root_update(r.old, NULL, r.nwo, r.own, &out, &why),
	    GENM_NOTHING);
	rollover_free(&r);
}
END_TEST

START_TEST(genm_root_refused)
{
	struct rollover	 r;
	X509		*bad;

	rollover_make(&r);
	assert_root_refused(r.old, r.nwn, NULL, r.own, "the CA sent no "
	    "newWithOld certificate: the new root cannot be checked against "
	    "the old one");
	/* newWithNew signed by a stranger under the root's name. */
	bad = mk_cert(r.kn, "Root CA", NULL, r.kx, 0, 30);
	assert_root_refused(r.old, bad, r.nwo, NULL,
	    "newWithNew is not self-signed");
	X509_free(bad);
	/* newWithOld over the new key, signed by a stranger. */
	bad = mk_cert(r.kn, "Root CA", r.old, r.kx, 0, 30);
	assert_root_refused(r.old, r.nwn, bad, NULL,
	    "newWithOld is not signed by the old root");
	X509_free(bad);
	/* newWithOld signed by the old root, over another key. */
	bad = mk_cert(r.kx, "Root CA", r.old, r.ko, 0, 30);
	assert_root_refused(r.old, r.nwn, bad, NULL,
	    "newWithOld certifies another key than newWithNew's");
	X509_free(bad);
	/* An expired newWithOld. */
	bad = mk_cert(r.kn, "Root CA", r.old, r.ko, -20, -10);
	assert_root_refused(r.old, r.nwn, bad, NULL,
	    "newWithOld has expired");
	X509_free(bad);
	/* oldWithNew signed by a stranger, or over another key. */
	bad = mk_cert(r.ko, "Root CA", r.nwn, r.kx, 0, 30);
	assert_root_refused(r.old, r.nwn, r.nwo, bad,
	    "oldWithNew is not signed by the new root");
	X509_free(bad);
	bad = mk_cert(r.kx, "Root CA", r.nwn, r.kn, 0, 30);
	assert_root_refused(r.old, r.nwn, r.nwo, bad,
	    "oldWithNew certifies another key than the old root's");
	X509_free(bad);
	/* A new root that expired, or is not valid yet. */
	bad = mk_cert(r.kn, "Root CA", NULL, r.kn, -20, -10);
	assert_root_refused(r.old, bad, r.nwo, NULL, "newWithNew has expired");
	X509_free(bad);
	bad = mk_cert(r.kn, "Root CA", NULL, r.kn, 10, 20);
	assert_root_refused(r.old, bad, r.nwo, NULL,
	    "newWithNew is not yet valid");
	X509_free(bad);
	/* An old root that has expired. */
	bad = mk_cert(r.ko, "Root CA", NULL, r.ko, -20, -10);
	assert_root_refused(bad, r.nwn, r.nwo, NULL,
	    "the old root has expired");
	X509_free(bad);
	/* The old root swapped for another: the link does not lead to it. */
	bad = mk_root(r.kx, "Root CA");
	assert_root_refused(bad, r.nwn, r.nwo, NULL,
	    "newWithOld is not signed by the old root");
	X509_free(bad);
	rollover_free(&r);
}
END_TEST

START_TEST(genm_root_refuses_damage)
{
	struct rollover		 r;
	struct genm_root	 out;
	struct buf		 old, nwn, two, junk = text_buf("junk\n");
	const char		*why = NULL;

	rollover_make(&r);
	old = pem_one(r.old);
	nwn = pem_one(r.nwn);
	{
		X509 *v[] = { r.nwo, r.nwo };

		two = pem_of(v, 2);
	}
	ck_assert_int_eq(genm_root_update(&junk, &nwn, &nwn, NULL, &out,
	    &why), GENM_REFUSED);
	ck_assert_str_eq(why, "the old root is not one PEM certificate");
	ck_assert_int_eq(genm_root_update(NULL, &nwn, &nwn, NULL, &out,
	    &why), GENM_REFUSED);
	ck_assert_int_eq(genm_root_update(&old, &junk, &nwn, NULL, &out,
	    &why), GENM_REFUSED);
	ck_assert_str_eq(why, "newWithNew is not one PEM certificate");
	ck_assert_int_eq(genm_root_update(&old, &nwn, &two, NULL, &out,
	    &why), GENM_REFUSED);
	ck_assert_str_eq(why, "newWithOld is not one PEM certificate");
	ck_assert_int_eq(genm_root_update(&old, &nwn, &two, &junk, &out,
	    &why), GENM_REFUSED);
	buf_free(&old);
	buf_free(&nwn);
	buf_free(&two);
	buf_free(&junk);
	rollover_free(&r);
}
END_TEST

START_TEST(genm_root_json_labels)
{
	struct rollover		 r;
	struct genm_root	 out;
	struct buf		 json = { 0 }, want = { 0 }, pem;
	const char		*why;

	rollover_make(&r);
	ck_assert_int_eq(root_update(r.old, r.nwn, r.nwo, NULL, &out, &why),
	    GENM_OK);
	genm_root_json(&out, &json);
	buf_printf(&want, "{\"status\":\"updated\",\"exit_code\":0,"
	    "\"new_with_new\":");
	pem = pem_one(r.nwn);
	json_string(&want, (char *)pem.data);
	buf_free(&pem);
	buf_printf(&want, ",\"new_with_old\":");
	pem = pem_one(r.nwo);
	json_string(&want, (char *)pem.data);
	buf_free(&pem);
	buf_printf(&want, ",\"old_with_new\":null}\n");
	ck_assert_str_eq((char *)json.data, (char *)want.data);
	genm_root_free(&out);
	buf_free(&json);
	buf_free(&want);
	rollover_free(&r);
}
END_TEST

/* -------------------------------------------------------------- template */

static X509_NAME *
name_of(const char *const *pairs)
{
	X509_NAME	*n = X509_NAME_new();
	size_t		 i;

	ck_assert_ptr_nonnull(n);
	for (i = 0; pairs[i] != NULL; i += 2)
		ck_assert_int_eq(X509_NAME_add_entry_by_txt(n, pairs[i],
		    MBSTRING_UTF8, (const unsigned char *)pairs[i + 1], -1,
		    -1, 0), 1);
	return n;
}

/* A CertTemplate as openssl saves it (DER), with these extensions. */
static struct buf
tmpl_der_sk(const char *const *subject, const char *const *issuer,
    STACK_OF(X509_EXTENSION) *sk)
{
	OSSL_CRMF_MSG	*crm = OSSL_CRMF_MSG_new();
	X509_NAME	*s = NULL, *i = NULL;
	unsigned char	*der = NULL;
	struct buf	 b = { 0 };
	int		 len;

	ck_assert_ptr_nonnull(crm);
	if (subject != NULL)
		s = name_of(subject);
	if (issuer != NULL)
		i = name_of(issuer);
	ck_assert_int_eq(OSSL_CRMF_CERTTEMPLATE_fill(OSSL_CRMF_MSG_get0_tmpl(
	    crm), NULL, s, i, NULL), 1);
	if (sk != NULL)
		ck_assert_int_eq(OSSL_CRMF_MSG_set0_extensions(crm, sk), 1);
	len = i2d_OSSL_CRMF_CERTTEMPLATE(OSSL_CRMF_MSG_get0_tmpl(crm), &der);
	ck_assert_int_gt(len, 0);
	buf_append(&b, der, (size_t)len);
	OPENSSL_free(der);
	X509_NAME_free(s);
	X509_NAME_free(i);
	OSSL_CRMF_MSG_free(crm);
	return b;
}

/*
 * The same with subject and issuer as type/value pairs (NULL: absent) and
 * extensions in openssl's config syntax as name/value pairs.
 */
static struct buf
tmpl_der(const char *const *subject, const char *const *issuer,
    const char *const *exts)
{
	STACK_OF(X509_EXTENSION)	*sk = NULL;
	X509_EXTENSION			*e;
	X509V3_CTX			 ctx;
	size_t				 k;

	X509V3_set_ctx(&ctx, NULL, NULL, NULL, NULL, 0);
	X509V3_set_ctx_nodb(&ctx);
	if (exts != NULL)
		ck_assert_ptr_nonnull(sk = sk_X509_EXTENSION_new_null());
	for (k = 0; exts != NULL && exts[k] != NULL; k += 2) {
		ck_assert_ptr_nonnull(e = X509V3_EXT_nconf(NULL, &ctx,
		    exts[k], exts[k + 1]));
		ck_assert_int_gt(sk_X509_EXTENSION_push(sk, e), 0);
	}
	return tmpl_der_sk(subject, issuer, sk);
}

/* tag, length (short or long form), content. */
static void
der_tlv(struct buf *out, unsigned char tag, const struct buf *content)
{
	unsigned char	hdr[6];
	size_t		n = 0, len = content->len;

	hdr[n++] = tag;
	if (len < 0x80) {
		hdr[n++] = (unsigned char)len;
	} else {
		hdr[n++] = 0x82;
		hdr[n++] = (unsigned char)(len >> 8);
		hdr[n++] = (unsigned char)len;
	}
	buf_append(out, hdr, n);
	buf_append(out, content->data, content->len);
}

static void
der_oid(struct buf *out, const char *oid)
{
	ASN1_OBJECT	*obj = OBJ_txt2obj(oid, 0);
	unsigned char	*der = NULL;
	int		 len;

	ck_assert_ptr_nonnull(obj);
	ck_assert_int_gt(len = i2d_ASN1_OBJECT(obj, &der), 0);
	buf_append(out, der, (size_t)len);
	OPENSSL_free(der);
	ASN1_OBJECT_free(obj);
}

/* One AttributeTypeAndValue of keySpec: id-regCtrl-algId. */
static void
ks_alg(struct buf *ctl, int alg, int curve)
{
	X509_ALGOR	*a = X509_ALGOR_new();
	unsigned char	*der = NULL;
	struct buf	 atav = { 0 };
	int		 len;

	ck_assert_int_eq(X509_ALGOR_set0(a, OBJ_nid2obj(alg), curve ==
	    NID_undef ? V_ASN1_UNDEF : V_ASN1_OBJECT, curve == NID_undef ?
	    NULL : OBJ_nid2obj(curve)), 1);
	der_oid(&atav, "1.3.6.1.5.5.7.5.1.11");
	ck_assert_int_gt(len = i2d_X509_ALGOR(a, &der), 0);
	buf_append(&atav, der, (size_t)len);
	der_tlv(ctl, 0x30, &atav);
	OPENSSL_free(der);
	X509_ALGOR_free(a);
	buf_free(&atav);
}

/* id-regCtrl-rsaKeyLen. */
static void
ks_rsa(struct buf *ctl, long bits)
{
	ASN1_INTEGER	*n = ASN1_INTEGER_new();
	unsigned char	*der = NULL;
	struct buf	 atav = { 0 };
	int		 len;

	ck_assert_int_eq(ASN1_INTEGER_set(n, bits), 1);
	der_oid(&atav, "1.3.6.1.5.5.7.5.1.12");
	ck_assert_int_gt(len = i2d_ASN1_INTEGER(n, &der), 0);
	buf_append(&atav, der, (size_t)len);
	der_tlv(ctl, 0x30, &atav);
	OPENSSL_free(der);
	ASN1_INTEGER_free(n);
	buf_free(&atav);
}

/* Controls: the SEQUENCE OF around the entries. */
static struct buf
ks_der(struct buf *entries)
{
	struct buf b = { 0 };

	der_tlv(&b, 0x30, entries);
	buf_free(entries);
	return b;
}

static const char *const ee_subject[] = { "O", "Example Org",
	"CN", "ee.example", NULL };
static const char *const ca_name[] = { "O", "Test Org",
	"CN", "Test Issuing CA", NULL };
static const char *const ee_exts[] = {
	"subjectAltName", "DNS:ee.example, DNS:www.ee.example, IP:192.0.2.1",
	"keyUsage", "critical,digitalSignature,keyEncipherment",
	"extendedKeyUsage", "serverAuth,clientAuth", NULL };

/* Parse, and return the three renderings. */
static struct genm_template *
tmpl_parse(const struct buf *t, const struct buf *ks, struct buf *text,
    struct buf *req, struct buf *json)
{
	struct genm_template	*tp = NULL;
	const char		*why = NULL;

	ck_assert_msg(genm_template_parse(t, ks, &tp, &why) == GENM_OK,
	    "genm_template_parse: %s", why);
	genm_template_text(tp, text);
	genm_template_req(tp, req);
	genm_template_json(tp, json);
	return tp;
}

START_TEST(genm_template_rsa)
{
	struct buf		 t = tmpl_der(ee_subject, ca_name, ee_exts);
	struct buf		 e = { 0 }, ks, text = { 0 }, req = { 0 };
	struct buf		 json = { 0 };
	struct genm_template	*tp;

	ks_rsa(&e, 3072);
	ks = ks_der(&e);
	tp = tmpl_parse(&t, &ks, &text, &req, &json);
	ck_assert_str_eq((char *)req.data, "-newkey rsa:3072 "
	    "-subj '/O=Example Org/CN=ee.example' "
	    "-addext 'subjectAltName=DNS:ee.example, DNS:www.ee.example, "
	    "IP:192.0.2.1' "
	    "-addext 'keyUsage=critical,digitalSignature, keyEncipherment' "
	    "-addext 'extendedKeyUsage=serverAuth, clientAuth'");
	ck_assert_str_eq((char *)text.data,
	    "Certificate request template from the CA:\n"
	    "  Issuer: CN=Test Issuing CA,O=Test Org\n"
	    "  Subject: CN=ee.example,O=Example Org\n"
	    "  Extensions:\n"
	    "    subjectAltName: DNS:ee.example, DNS:www.ee.example, "
	    "IP:192.0.2.1\n"
	    "    keyUsage (critical): digitalSignature, keyEncipherment\n"
	    "    extendedKeyUsage: serverAuth, clientAuth\n"
	    "  Key types (any one of them):\n"
	    "    RSA, 3072 bits\n"
	    "openssl req options for a matching CSR:\n"
	    "-newkey rsa:3072 -subj '/O=Example Org/CN=ee.example' "
	    "-addext 'subjectAltName=DNS:ee.example, DNS:www.ee.example, "
	    "IP:192.0.2.1' "
	    "-addext 'keyUsage=critical,digitalSignature, keyEncipherment' "
	    "-addext 'extendedKeyUsage=serverAuth, clientAuth'\n");
	ck_assert_str_eq((char *)json.data,
	    "{\"status\":\"received\",\"exit_code\":0,"
	    "\"issuer\":\"CN=Test Issuing CA,O=Test Org\","
	    "\"subject\":\"CN=ee.example,O=Example Org\","
	    "\"extensions\":["
	    "{\"name\":\"subjectAltName\",\"critical\":false,\"value\":"
	    "\"DNS:ee.example, DNS:www.ee.example, IP:192.0.2.1\"},"
	    "{\"name\":\"keyUsage\",\"critical\":true,\"value\":"
	    "\"digitalSignature, keyEncipherment\"},"
	    "{\"name\":\"extendedKeyUsage\",\"critical\":false,\"value\":"
	    "\"serverAuth, clientAuth\"}],"
	    "\"key_specs\":[{\"type\":\"RSA\",\"bits\":3072}],"
	    "\"fill_in\":[],"
	    "\"openssl_req\":\"-newkey rsa:3072 "
	    "-subj '/O=Example Org/CN=ee.example' "
	    "-addext 'subjectAltName=DNS:ee.example, DNS:www.ee.example, "
	    "IP:192.0.2.1' "
	    "-addext 'keyUsage=critical,digitalSignature, keyEncipherment' "
	    "-addext 'extendedKeyUsage=serverAuth, clientAuth'\"}\n");
	genm_template_free(tp);
	buf_free(&t);
	buf_free(&ks);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
}
END_TEST

START_TEST(genm_template_ec)
{
	static const char *const exts[] = { "subjectAltName",
	    "DNS:ec.example", NULL };
	static const char *const subj[] = { "CN", "ec.example", NULL };
	struct buf		 t = tmpl_der(subj, NULL, exts);
	struct buf		 e = { 0 }, ks, text = { 0 }, req = { 0 };
	struct buf		 json = { 0 };
	struct genm_template	*tp;

	/* EC P-384 first, RSA 4096 as the alternative. */
	ks_alg(&e, NID_X9_62_id_ecPublicKey, NID_secp384r1);
	ks_rsa(&e, 4096);
	ks = ks_der(&e);
	tp = tmpl_parse(&t, &ks, &text, &req, &json);
	ck_assert_str_eq((char *)req.data, "-newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-384 -subj '/CN=ec.example' "
	    "-addext 'subjectAltName=DNS:ec.example'");
	ck_assert_ptr_nonnull(strstr((char *)text.data,
	    "  Key types (any one of them):\n"
	    "    EC, curve P-384 (384 bits)\n"
	    "    RSA, 4096 bits\n"));
	ck_assert_ptr_null(strstr((char *)text.data, "Issuer"));
	ck_assert_ptr_nonnull(strstr((char *)json.data, ",\"issuer\":null,"));
	ck_assert_ptr_nonnull(strstr((char *)json.data, "\"key_specs\":["
	    "{\"type\":\"EC\",\"curve\":\"P-384\",\"bits\":384},"
	    "{\"type\":\"RSA\",\"bits\":4096}]"));
	genm_template_free(tp);
	buf_free(&t);
	buf_free(&ks);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
}
END_TEST

/* What the mock server of OpenSSL 3.5 and 3.6 sends: an issuer only. */
START_TEST(genm_template_mock_answer)
{
	struct buf		 t = tmpl_der(NULL, ca_name, NULL);
	struct buf		 e = { 0 }, ks, text = { 0 }, req = { 0 };
	struct buf		 json = { 0 };
	struct genm_template	*tp;

	ks_alg(&e, NID_X9_62_id_ecPublicKey, NID_undef);
	ks_rsa(&e, 4096);
	ks = ks_der(&e);
	tp = tmpl_parse(&t, &ks, &text, &req, &json);
	/* Any curve is no complete choice; RSA 4096 is. */
	ck_assert_str_eq((char *)req.data, "-newkey rsa:4096");
	ck_assert_str_eq((char *)text.data,
	    "Certificate request template from the CA:\n"
	    "  Issuer: CN=Test Issuing CA,O=Test Org\n"
	    "  Subject: not given (your choice)\n"
	    "  Extensions: none\n"
	    "  Key types (any one of them):\n"
	    "    EC, any curve\n"
	    "    RSA, 4096 bits\n"
	    "openssl req options for a matching CSR:\n"
	    "-newkey rsa:4096\n");
	ck_assert_ptr_nonnull(strstr((char *)json.data, "\"subject\":null,"
	    "\"extensions\":[],\"key_specs\":[{\"type\":\"EC\",\"curve\":null,"
	    "\"bits\":null},{\"type\":\"RSA\",\"bits\":4096}]"));
	genm_template_free(tp);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
	/* Without a keySpec, and with an EC key of any curve only. */
	tp = tmpl_parse(&t, NULL, &text, &req, &json);
	ck_assert_str_eq((char *)req.data,
	    "-newkey ec -pkeyopt ec_paramgen_curve:P-256");
	ck_assert_ptr_nonnull(strstr((char *)text.data, "  Key types: not "
	    "given (EC P-256 chosen below)\n"));
	genm_template_free(tp);
	buf_free(&ks);
	buf_free(&req);
	ks_alg(&e, NID_X9_62_id_ecPublicKey, NID_undef);
	ks = ks_der(&e);
	tp = tmpl_parse(&t, &ks, &text, &req, &json);
	ck_assert_str_eq((char *)req.data,
	    "-newkey ec -pkeyopt ec_paramgen_curve:P-256");
	genm_template_free(tp);
	buf_free(&t);
	buf_free(&ks);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
}
END_TEST

/* The req options of a template with this subject and no keySpec. */
static char *
req_for(const char *const *subject, const char *const *exts)
{
	struct buf		 t = tmpl_der(subject, NULL, exts);
	struct buf		 text = { 0 }, req = { 0 }, json = { 0 };
	struct genm_template	*tp = tmpl_parse(&t, NULL, &text, &req, &json);
	char			*s = strdup((char *)req.data);

	genm_template_free(tp);
	buf_free(&t);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
	return s;
}

START_TEST(genm_template_key_types)
{
	static const char *const subj[] = { "CN", "k", NULL };
	struct buf		 t = tmpl_der(subj, NULL, NULL);
	struct buf		 e = { 0 }, ks, text = { 0 }, req = { 0 };
	struct buf		 json = { 0 };
	struct genm_template	*tp;
	X509_ALGOR		*alg = X509_ALGOR_new();
	unsigned char		*der = NULL;
	struct buf		 atav = { 0 };
	int			 len;

	/* A key type of no name of ours first: not one openssl req makes. */
	ck_assert_int_eq(X509_ALGOR_set0(alg, OBJ_txt2obj("1.2.3.99", 1),
	    V_ASN1_UNDEF, NULL), 1);
	der_oid(&atav, "1.3.6.1.5.5.7.5.1.11");
	ck_assert_int_gt(len = i2d_X509_ALGOR(alg, &der), 0);
	buf_append(&atav, der, (size_t)len);
	der_tlv(&e, 0x30, &atav);
	ks_alg(&e, NID_ED25519, NID_undef);
	ks_alg(&e, NID_X9_62_id_ecPublicKey, NID_brainpoolP256r1);
	ks = ks_der(&e);
	tp = tmpl_parse(&t, &ks, &text, &req, &json);
	ck_assert_str_eq((char *)req.data, "-newkey ED25519 -subj '/CN=k'");
	ck_assert_ptr_nonnull(strstr((char *)text.data,
	    "    1.2.3.99 (make this key yourself)\n"
	    "    ED25519\n"
	    "    EC, curve brainpoolP256r1 (256 bits)\n"));
	ck_assert_ptr_nonnull(strstr((char *)json.data, "\"key_specs\":["
	    "{\"type\":\"1.2.3.99\"},{\"type\":\"ED25519\"},"
	    "{\"type\":\"EC\",\"curve\":\"brainpoolP256r1\",\"bits\":256}]"));
	genm_template_free(tp);
	buf_free(&ks);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
	/* Only that one: no -newkey, and no leading space. */
	buf_free(&atav);
	der_oid(&atav, "1.3.6.1.5.5.7.5.1.11");
	buf_append(&atav, der, (size_t)len);
	der_tlv(&e, 0x30, &atav);
	ks = ks_der(&e);
	tp = tmpl_parse(&t, &ks, &text, &req, &json);
	ck_assert_str_eq((char *)req.data, "-subj '/CN=k'");
	genm_template_free(tp);
	OPENSSL_free(der);
	X509_ALGOR_free(alg);
	buf_free(&atav);
	buf_free(&t);
	buf_free(&ks);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
}
END_TEST

START_TEST(genm_template_req_quoting)
{
	static const char *const quote[] = { "O", "O'Brien & Sons",
	    "CN", "a b", NULL };
	static const char *const slash[] = { "CN", "a/b+c\\d", NULL };
	static const char *const utf8[] = { "CN", "M\xc3\xbcller", NULL };
	static const char *const exts[] = { "subjectAltName",
	    "DNS:it's.example", NULL };
	char *req;

	req = req_for(quote, NULL);
	ck_assert_str_eq(req, "-newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-subj '/O=O'\\''Brien & Sons/CN=a b'");
	free(req);
	/* openssl req reads \ as an escape, / and + as separators. */
	req = req_for(slash, NULL);
	ck_assert_str_eq(req, "-newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-subj '/CN=a\\/b\\+c\\\\d'");
	free(req);
	/* Non-ASCII needs -utf8, or openssl req would read it as Latin-1. */
	req = req_for(utf8, NULL);
	ck_assert_str_eq(req, "-newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-utf8 -subj '/CN=M\xc3\xbcller'");
	free(req);
	req = req_for(NULL, exts);
	ck_assert_str_eq(req, "-newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-addext 'subjectAltName=DNS:it'\\''s.example'");
	free(req);
}
END_TEST

/* A SAN holding one DNS name, which may hold anything. */
static X509_EXTENSION *
san_dns(const char *dns)
{
	GENERAL_NAMES	*gens = GENERAL_NAMES_new();
	GENERAL_NAME	*gn = GENERAL_NAME_new();
	ASN1_IA5STRING	*s = ASN1_IA5STRING_new();
	X509_EXTENSION	*ext;

	ck_assert_int_eq(ASN1_STRING_set(s, dns, -1), 1);
	GENERAL_NAME_set0_value(gn, GEN_DNS, s);
	ck_assert_int_gt(sk_GENERAL_NAME_push(gens, gn), 0);
	ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, gens);
	ck_assert_ptr_nonnull(ext);
	GENERAL_NAMES_free(gens);
	return ext;
}

START_TEST(genm_template_other_extensions)
{
	static const char *const subj[] = { "CN", "x", NULL };
	static const char *const bc[] = {
	    "basicConstraints", "critical,CA:TRUE,pathlen:0",
	    "1.2.3.4", "DER:0101FF", NULL };
	static const char *const other[] = {
	    "1.2.3.4", "DER:0101FF",
	    "subjectAltName", "email:a@example, RID:1.2.3, IP:2001:db8::1",
	    "subjectKeyIdentifier", "0102", NULL };
	STACK_OF(X509_EXTENSION)	*sk = sk_X509_EXTENSION_new_null();
	struct buf			 t, text = { 0 }, req = { 0 };
	struct buf			 json = { 0 };
	struct genm_template		*tp;
	char				*r;

	r = req_for(subj, bc);
	ck_assert_str_eq(r, "-newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-subj '/CN=x' -addext 'basicConstraints=critical,CA:TRUE, "
	    "pathlen:0' -addext '1.2.3.4=DER:0101FF'");
	free(r);
	/* An extension without a syntax of ours: openssl's words, DER. */
	t = tmpl_der(subj, NULL, other);
	tp = tmpl_parse(&t, NULL, &text, &req, &json);
	ck_assert_ptr_nonnull(strstr((char *)text.data,
	    "    1.2.3.4: DER:0101FF\n"
	    "    subjectAltName: email:a@example, RID:1.2.3, "
	    "IP:2001:db8::1\n"
	    "    subjectKeyIdentifier: 01:02\n"));
	ck_assert_ptr_nonnull(strstr((char *)req.data,
	    " -addext 'subjectKeyIdentifier=DER:04020102'"));
	genm_template_free(tp);
	buf_free(&t);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
	/* A DNS name with a comma cannot be said in config syntax. */
	ck_assert_int_gt(sk_X509_EXTENSION_push(sk, san_dns("a,b.example")),
	    0);
	t = tmpl_der_sk(subj, NULL, sk);
	tp = tmpl_parse(&t, NULL, &text, &req, &json);
	ck_assert_ptr_nonnull(strstr((char *)text.data,
	    "    subjectAltName: DNS:a,b.example\n"));
	ck_assert_ptr_nonnull(strstr((char *)req.data,
	    " -addext 'subjectAltName=DER:300D820B612C622E6578616D706C65'"));
	genm_template_free(tp);
	buf_free(&t);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
}
END_TEST

START_TEST(genm_template_refused)
{
	struct buf		 t = tmpl_der(ee_subject, NULL, NULL);
	struct buf		 junk = text_buf("\x30\x03\x02\x01"), e = { 0 };
	struct buf		 ks, empty = { 0 };
	struct genm_template	*tp;
	const char		*why = NULL;

	ck_assert_int_eq(genm_template_parse(&empty, NULL, &tp, &why),
	    GENM_NOTHING);
	ck_assert_int_eq(genm_template_parse(NULL, NULL, &tp, &why),
	    GENM_NOTHING);
	ck_assert_int_eq(genm_template_parse(&junk, NULL, &tp, &why),
	    GENM_REFUSED);
	ck_assert_str_eq(why, "a damaged certificate template");
	ck_assert_ptr_null(tp);
	/* Trailing bytes after the template. */
	buf_append(&t, "\0", 1);
	ck_assert_int_eq(genm_template_parse(&t, NULL, &tp, &why),
	    GENM_REFUSED);
	t.len--;
	ck_assert_int_eq(genm_template_parse(&t, &junk, &tp, &why),
	    GENM_REFUSED);
	ck_assert_str_eq(why, "a damaged keySpec");
	/* An RSA key length of 0, a control keySpec does not allow. */
	ks_rsa(&e, 0);
	ks = ks_der(&e);
	ck_assert_int_eq(genm_template_parse(&t, &ks, &tp, &why),
	    GENM_REFUSED);
	ck_assert_str_eq(why, "an RSA key length out of range");
	buf_free(&ks);
	{
		struct buf atav = { 0 };
		ASN1_INTEGER *n = ASN1_INTEGER_new();
		unsigned char *der = NULL;
		int len;

		der_oid(&atav, "1.3.6.1.5.5.7.5.1.5");
		ASN1_INTEGER_set(n, 1);
		len = i2d_ASN1_INTEGER(n, &der);
		buf_append(&atav, der, (size_t)len);
		der_tlv(&e, 0x30, &atav);
		ks = ks_der(&e);
		OPENSSL_free(der);
		ASN1_INTEGER_free(n);
		buf_free(&atav);
	}
	ck_assert_int_eq(genm_template_parse(&t, &ks, &tp, &why),
	    GENM_REFUSED);
	ck_assert_str_eq(why, "a keySpec control other than algId and "
	    "rsaKeyLen");
	buf_free(&ks);
	buf_free(&t);
	buf_free(&junk);
}
END_TEST

START_TEST(genm_template_fill_in)
{
	OSSL_CRMF_MSG			*crm = OSSL_CRMF_MSG_new();
	STACK_OF(X509_EXTENSION)	*sk = sk_X509_EXTENSION_new_null();
	ASN1_OCTET_STRING		*none = ASN1_OCTET_STRING_new();
	X509_NAME			*subj = X509_NAME_new();
	struct buf			 t = { 0 }, text = { 0 }, req = { 0 };
	struct buf			 json = { 0 };
	struct genm_template		*tp;
	unsigned char			*der = NULL;
	int				 len;

	/* An empty CN and an empty SAN: the CA leaves them to us. */
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(subj, "O", MBSTRING_ASC,
	    (const unsigned char *)"Org", -1, -1, 0), 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_NID(subj, NID_commonName,
	    V_ASN1_UTF8STRING, (const unsigned char *)"", 0, -1, 0), 1);
	ck_assert_int_gt(sk_X509_EXTENSION_push(sk,
	    X509_EXTENSION_create_by_NID(NULL, NID_subject_alt_name, 0,
	    none)), 0);
	ck_assert_int_eq(OSSL_CRMF_CERTTEMPLATE_fill(OSSL_CRMF_MSG_get0_tmpl(
	    crm), NULL, subj, NULL, NULL), 1);
	ck_assert_int_eq(OSSL_CRMF_MSG_set0_extensions(crm, sk), 1);
	ck_assert_int_gt(len = i2d_OSSL_CRMF_CERTTEMPLATE(
	    OSSL_CRMF_MSG_get0_tmpl(crm), &der), 0);
	buf_append(&t, der, (size_t)len);
	tp = tmpl_parse(&t, NULL, &text, &req, &json);
	ck_assert_str_eq((char *)req.data,
	    "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj '/O=Org'");
	ck_assert_ptr_nonnull(strstr((char *)text.data,
	    "    subjectAltName: (empty)\n"));
	ck_assert_ptr_nonnull(strstr((char *)text.data,
	    "  To fill in (not in the options below): CN, subjectAltName\n"));
	ck_assert_ptr_nonnull(strstr((char *)json.data,
	    "\"fill_in\":[\"CN\",\"subjectAltName\"]"));
	ck_assert_ptr_nonnull(strstr((char *)json.data,
	    "{\"name\":\"subjectAltName\",\"critical\":false,\"value\":null}"));
	genm_template_free(tp);
	OPENSSL_free(der);
	ASN1_OCTET_STRING_free(none);
	X509_NAME_free(subj);
	OSSL_CRMF_MSG_free(crm);
	buf_free(&t);
	buf_free(&text);
	buf_free(&req);
	buf_free(&json);
}
END_TEST

/* ------------------------------------------------------------------- CRL */

/* A CRL by key for issuer, this update now, next in days (0: none). */
static X509_CRL *
mk_crl(X509 *issuer, EVP_PKEY *key, long next_days)
{
	X509_CRL	*crl = X509_CRL_new();
	ASN1_TIME	*t = ASN1_TIME_new();

	ck_assert_ptr_nonnull(crl);
	ck_assert_int_eq(X509_CRL_set_version(crl, 1), 1);
	ck_assert_int_eq(X509_CRL_set_issuer_name(crl,
	    X509_get_subject_name(issuer)), 1);
	ck_assert_ptr_nonnull(X509_gmtime_adj(t, 0));
	ck_assert_int_eq(X509_CRL_set1_lastUpdate(crl, t), 1);
	if (next_days > 0) {
		ck_assert_ptr_nonnull(X509_gmtime_adj(t, next_days * 86400));
		ck_assert_int_eq(X509_CRL_set1_nextUpdate(crl, t), 1);
	}
	ck_assert_int_gt(X509_CRL_sign(crl, key, EVP_sha256()), 0);
	ASN1_TIME_free(t);
	return crl;
}

static struct buf
crl_der(X509_CRL *crl)
{
	struct buf	 b = { 0 };
	unsigned char	*der = NULL;
	int		 len = i2d_X509_CRL(crl, &der);

	ck_assert_int_gt(len, 0);
	buf_append(&b, der, (size_t)len);
	OPENSSL_free(der);
	return b;
}

static struct buf
crl_pem(X509_CRL *crl)
{
	struct buf	 b = { 0 };
	BIO		*bio = BIO_new(BIO_s_mem());
	char		*p;
	long		 len;

	ck_assert_int_eq(PEM_write_bio_X509_CRL(bio, crl), 1);
	len = BIO_get_mem_data(bio, &p);
	buf_append(&b, p, (size_t)len);
	BIO_free(bio);
	return b;
}

START_TEST(genm_crl_der_and_pem)
{
	struct tree		 t;
	X509_CRL		*crl;
	struct buf		 der, pem, got = { 0 }, json = { 0 };
	struct genm_crl		 c;
	const char		*why = NULL;
	char			 when[32];

	tree_make(&t);
	crl = mk_crl(t.i, t.ki, 7);
	der = crl_der(crl);
	pem = crl_pem(crl);
	/* openssl saves DER by default: read, shown as PEM. */
	ck_assert_int_eq(genm_crl_read(&der, &c, &why), GENM_OK);
	ck_assert_str_eq(c.issuer, "CN=Intermediate");
	cert_time_text(X509_CRL_get0_lastUpdate(crl), when, sizeof(when));
	ck_assert_str_eq(c.this_update, when);
	cert_time_text(X509_CRL_get0_nextUpdate(crl), when, sizeof(when));
	ck_assert_str_eq(c.next_update, when);
	ck_assert_int_eq(genm_crl_pem(&c, &got), 0);
	ck_assert_uint_eq(got.len, pem.len);
	ck_assert_mem_eq(got.data, pem.data, pem.len);
	genm_crl_json(&c, &json);
	ck_assert_ptr_nonnull(strstr((char *)json.data, "{\"status\":"
	    "\"received\",\"exit_code\":0,\"issuer\":\"CN=Intermediate\","
	    "\"this_update\":\""));
	ck_assert_ptr_nonnull(strstr((char *)json.data,
	    "\"crl\":\"-----BEGIN X509 CRL-----\\n"));
	genm_crl_free(&c);
	/* -crlform PEM: the same. */
	got.len = 0;
	ck_assert_int_eq(genm_crl_read(&pem, &c, &why), GENM_OK);
	ck_assert_int_eq(genm_crl_pem(&c, &got), 0);
	ck_assert_mem_eq(got.data, pem.data, pem.len);
	genm_crl_free(&c);
	X509_CRL_free(crl);
	buf_free(&der);
	buf_free(&pem);
	buf_free(&got);
	buf_free(&json);
	/* No nextUpdate: "" and JSON null. */
	crl = mk_crl(t.i, t.ki, 0);
	der = crl_der(crl);
	ck_assert_int_eq(genm_crl_read(&der, &c, &why), GENM_OK);
	ck_assert_str_eq(c.next_update, "");
	json.len = 0;
	genm_crl_json(&c, &json);
	ck_assert_ptr_nonnull(strstr((char *)json.data,
	    "\"next_update\":null,"));
	genm_crl_free(&c);
	X509_CRL_free(crl);
	buf_free(&der);
	buf_free(&json);
	tree_free(&t);
}
END_TEST

START_TEST(genm_crl_refused)
{
	struct tree	 t;
	X509_CRL	*crl;
	struct buf	 der, pem, junk = text_buf("junk"), empty = { 0 };
	struct genm_crl	 c;
	const char	*why = NULL;
	struct buf	 cert;

	ck_assert_int_eq(genm_crl_read(&empty, &c, &why), GENM_NOTHING);
	ck_assert_int_eq(genm_crl_read(NULL, &c, &why), GENM_NOTHING);
	ck_assert_int_eq(genm_crl_read(&junk, &c, &why), GENM_REFUSED);
	ck_assert_str_eq(why, "not a CRL, or a damaged one");
	tree_make(&t);
	crl = mk_crl(t.i, t.ki, 7);
	der = crl_der(crl);
	pem = crl_pem(crl);
	/* Cut short, or a byte too many. */
	der.len--;
	ck_assert_int_eq(genm_crl_read(&der, &c, &why), GENM_REFUSED);
	der.len++;
	buf_append(&der, "", 1);
	ck_assert_int_eq(genm_crl_read(&der, &c, &why), GENM_REFUSED);
	ck_assert_ptr_null(c.crl);
	/* A certificate where the CRL should be. */
	cert = pem_one(t.i);
	ck_assert_int_eq(genm_crl_read(&cert, &c, &why), GENM_REFUSED);
	ck_assert_str_eq(why, "a PEM block that is not an X509 CRL");
	pem.data[40] = '!';
	ck_assert_int_eq(genm_crl_read(&pem, &c, &why), GENM_REFUSED);
	X509_CRL_free(crl);
	buf_free(&der);
	buf_free(&pem);
	buf_free(&cert);
	buf_free(&junk);
	tree_free(&t);
}
END_TEST

Suite *
genm_suite(void)
{
	Suite	*s = suite_create("genm");
	TCase	*tc = tcase_create("genm");

	tcase_add_test(tc, genm_version_table);
	tcase_add_test(tc, genm_argv_per_mode);
	tcase_add_test(tc, genm_nothing_is_one_object);
	tcase_add_test(tc, genm_ca_certs_chain_order);
	tcase_add_test(tc, genm_ca_certs_refused);
	tcase_add_test(tc, genm_ca_certs_json_lists_pem);
	tcase_add_test(tc, genm_root_accepted);
	tcase_add_test(tc, genm_root_refused);
	tcase_add_test(tc, genm_root_refuses_damage);
	tcase_add_test(tc, genm_root_json_labels);
	tcase_add_test(tc, genm_template_rsa);
	tcase_add_test(tc, genm_template_ec);
	tcase_add_test(tc, genm_template_mock_answer);
	tcase_add_test(tc, genm_template_key_types);
	tcase_add_test(tc, genm_template_req_quoting);
	tcase_add_test(tc, genm_template_other_extensions);
	tcase_add_test(tc, genm_template_refused);
	tcase_add_test(tc, genm_template_fill_in);
	tcase_add_test(tc, genm_crl_der_and_pem);
	tcase_add_test(tc, genm_crl_refused);
	suite_add_tcase(s, tc);
	return s;
}
