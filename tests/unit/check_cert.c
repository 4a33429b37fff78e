/*
 * check_cert.c: reading returned certificates without decoding their keys
 * (cert.c), and building the chain from them (chain.c).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "units.h"
#include "cert.h"
#include "chain.h"

struct ca {
	EVP_PKEY	*key;
	X509		*cert;
};

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

/* A certificate for key, named CN=cn, issued by ca (NULL: self-signed). */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, const struct ca *ca, long serial,
    long days)
{
	X509		*x;
	X509_NAME	*name;

	ck_assert_ptr_nonnull(x = X509_new());
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	ck_assert_ptr_nonnull(name = X509_NAME_new());
	ut_name_add(name, "CN", cn, 0);
	ck_assert_int_eq(X509_set_subject_name(x, name), 1);
	ck_assert_int_eq(X509_set_issuer_name(x, ca != NULL ?
	    X509_get_subject_name(ca->cert) : name), 1);
	X509_NAME_free(name);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), days * 86400);
	ck_assert_int_eq(X509_set_pubkey(x, key), 1);
	add_ext(x, x, NID_subject_key_identifier, "hash");
	add_ext(x, ca != NULL ? ca->cert : x, NID_authority_key_identifier,
	    "keyid:always");
	add_ext(x, x, NID_subject_alt_name, "DNS:a.example, IP:192.0.2.1");
	ck_assert_int_gt(X509_sign(x, ca != NULL ? ca->key : key,
	    EVP_sha256()), 0);
	return x;
}

static void
append_pem(BIO *bio, X509 *x)
{
	ck_assert_int_eq(PEM_write_bio_X509(bio, x), 1);
}

/* PEM of certs in memory, as openssl hands it back through a pipe. */
static struct buf
pem_buf(X509 **certs, int n)
{
	struct buf	 b = { 0 };
	BIO		*bio = BIO_new(BIO_s_mem());
	char		*p;
	long		 len;
	int		 i;

	for (i = 0; i < n; i++)
		append_pem(bio, certs[i]);
	len = BIO_get_mem_data(bio, &p);
	buf_append(&b, p, (size_t)len);
	BIO_free(bio);
	return b;
}

/* The PEM of the certificates in a new temporary file. */
static char *
pem_file(X509 **certs, int n)
{
	struct buf	 b = pem_buf(certs, n);
	char		*path = ut_temp_file(b.data, b.len, 0600);

	buf_free(&b);
	return path;
}

struct pki {
	struct ca	 root, sub, other;
	EVP_PKEY	*leaf_key;
	X509		*leaf;
};

static void
pki_make(struct pki *k)
{
	k->root.key = ut_key();
	k->root.cert = make_cert(k->root.key, "Root", NULL, 1, 30);
	k->sub.key = ut_key();
	k->sub.cert = make_cert(k->sub.key, "Sub", &k->root, 2, 30);
	/* Another CA under the same name as sub: only its key id differs. */
	k->other.key = ut_key();
	k->other.cert = make_cert(k->other.key, "Sub", &k->root, 3, 30);
	k->leaf_key = ut_key();
	k->leaf = make_cert(k->leaf_key, "leaf.example", &k->sub, 77, 10);
}

static void
pki_free(struct pki *k)
{
	X509_free(k->root.cert);
	X509_free(k->sub.cert);
	X509_free(k->other.cert);
	X509_free(k->leaf);
	EVP_PKEY_free(k->root.key);
	EVP_PKEY_free(k->sub.key);
	EVP_PKEY_free(k->other.key);
	EVP_PKEY_free(k->leaf_key);
}

/* The key's SubjectPublicKeyInfo; free with X509_PUBKEY_free. */
static X509_PUBKEY *
spki_of(EVP_PKEY *key)
{
	X509_PUBKEY *pk = NULL;

	ck_assert_int_eq(X509_PUBKEY_set(&pk, key), 1);
	return pk;
}

START_TEST(cert_reads_fields)
{
	struct pki	 k;
	struct cert	*c[4];
	struct buf	 pem = { 0 };
	BIO		*bio = BIO_new(BIO_s_mem());
	X509_PUBKEY	*mine, *other;
	GENERAL_NAMES	*sans;
	char		 text[256], *p;
	long		 len;

	pki_make(&k);
	append_pem(bio, k.leaf);
	BIO_puts(bio, "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
	append_pem(bio, k.sub.cert);
	len = BIO_get_mem_data(bio, &p);
	/* The CRL block is skipped, the two certificates read in order. */
	ck_assert_uint_eq(cert_read_pem(p, (size_t)len, c, 4), 2);
	cert_name_text(cert_subject(c[0]), text, sizeof(text));
	ck_assert_str_eq(text, "CN=leaf.example");
	cert_name_text(cert_issuer(c[0]), text, sizeof(text));
	ck_assert_str_eq(text, "CN=Sub");
	cert_serial_text(c[0], text, sizeof(text));
	ck_assert_str_eq(text, "4D");
	ck_assert_int_eq(ASN1_TIME_compare(cert_not_after(c[0]),
	    X509_get0_notAfter(k.leaf)), 0);
	sans = cert_ext_d2i(c[0], NID_subject_alt_name);
	ck_assert_int_eq(sk_GENERAL_NAME_num(sans), 2);
	GENERAL_NAMES_free(sans);
	mine = spki_of(k.leaf_key);
	other = spki_of(k.sub.key);
	ck_assert(cert_has_key(c[0], mine));
	ck_assert(!cert_has_key(c[0], other));
	ck_assert(cert_issued_by(c[0], c[1]));
	ck_assert(!cert_issued_by(c[1], c[0]));
	ck_assert(!cert_same(c[0], c[1]));
	/* PEM out is the DER received. */
	ck_assert_int_eq(cert_pem(c[0], &pem), 0);
	ck_assert_uint_eq(cert_read_pem(pem.data, pem.len, c + 2, 1), 1);
	ck_assert(cert_same(c[0], c[2]));
	cert_free(c[0]);
	cert_free(c[1]);
	cert_free(c[2]);
	X509_PUBKEY_free(mine);
	X509_PUBKEY_free(other);
	buf_free(&pem);
	BIO_free(bio);
	pki_free(&k);
}
END_TEST

START_TEST(cert_refuses_garbage)
{
	static const char truncated[] = "-----BEGIN CERTIFICATE-----\n"
	    "MIIBszCCAVmgAwIBAgIBTTAKBggqhkjOPQQDAjARMQ8wDQYDVQQDDAZNZSBTdWIw\n"
	    "-----END CERTIFICATE-----\n";
	struct cert *c[2];

	ck_assert_uint_eq(cert_read_pem("garbage\n", 8, c, 2), 0);
	ck_assert_uint_eq(cert_read_pem(truncated, sizeof(truncated) - 1, c,
	    2), 0);
	ck_assert_uint_eq(cert_read_pem("", 0, c, 2), 0);
}
END_TEST

START_TEST(chain_follows_issuers)
{
	struct pki	 k;
	struct issued	 res;
	X509		*extra[3], *capubs[1], *leafs[1];
	struct buf	 leaf_pem, extra_pem, ca_pem, none = { 0 };
	X509_PUBKEY	*key;
	char		 text[64];

	pki_make(&k);
	leafs[0] = k.leaf;
	/* The server's own certificate and a namesake CA are not on the path. */
	extra[0] = k.other.cert;
	extra[1] = k.sub.cert;
	extra[2] = k.leaf;
	capubs[0] = k.root.cert;
	leaf_pem = pem_buf(leafs, 1);
	extra_pem = pem_buf(extra, 3);
	ca_pem = pem_buf(capubs, 1);
	key = spki_of(k.leaf_key);
	ck_assert_int_eq(chain_collect(&leaf_pem, &extra_pem, &ca_pem,
	    key, &res), 0);
	ck_assert_uint_eq(res.nchain, 2);
	cert_serial_text(res.chain[0], text, sizeof(text));
	ck_assert_str_eq(text, "02");
	cert_name_text(cert_subject(res.chain[1]), text, sizeof(text));
	ck_assert_str_eq(text, "CN=Root");
	chain_free(&res);
	/* Without extraCerts and caPubs the chain is empty. */
	ck_assert_int_eq(chain_collect(&leaf_pem, &none, &none, key, &res),
	    0);
	ck_assert_uint_eq(res.nchain, 0);
	chain_free(&res);
	/* No certificate at all is openssl's failure, not the CA's. */
	ut_stderr_begin();
	ck_assert_int_eq(chain_collect(&none, &extra_pem, &ca_pem, key, &res),
	    70);
	free(ut_stderr_end());
	chain_free(&res);
	X509_PUBKEY_free(key);
	/* A leaf for another key than the CSR's is refused. */
	key = spki_of(k.sub.key);
	ut_stderr_begin();
	ck_assert_int_eq(chain_collect(&leaf_pem, &extra_pem, &ca_pem,
	    key, &res), 65);
	free(ut_stderr_end());
	chain_free(&res);
	X509_PUBKEY_free(key);
	buf_free(&leaf_pem);
	buf_free(&extra_pem);
	buf_free(&ca_pem);
	pki_free(&k);
}
END_TEST

START_TEST(chain_renewal_due)
{
	struct pki	 k;
	struct cert	*c = NULL;
	X509		*leafs[1];
	X509_PUBKEY	*key, *other;
	char		*path;

	pki_make(&k);
	leafs[0] = k.leaf;
	path = pem_file(leafs, 1);
	key = spki_of(k.leaf_key);
	other = spki_of(k.root.key);
	/* Valid for 10 more days: not due within 5, due within 20. */
	ck_assert_int_eq(chain_not_due(path, key, 5, &c), 1);
	ck_assert_ptr_nonnull(c);
	cert_free(c);
	c = NULL;
	ck_assert_int_eq(chain_not_due(path, key, 20, &c), 0);
	ck_assert_int_eq(chain_not_due(path, other, 5, &c), 0);
	ck_assert_int_eq(chain_not_due("/nonexistent", key, 5, &c), 0);
	ck_assert_ptr_null(c);
	unlink(path);
	free(path);
	X509_PUBKEY_free(key);
	X509_PUBKEY_free(other);
	pki_free(&k);
}
END_TEST

/*
 * The renewal target is read only when it is a regular file, and only up to
 * CERTFILE_MAX: a FIFO is neither waited for nor read, a larger file means
 * enroll.  alarm ends the process if a read blocks (no Check timeout runs
 * with CK_FORK=no).
 */
START_TEST(chain_renewal_reads_bounded)
{
	struct pki	 k;
	struct cert	*c = NULL;
	X509		*leafs[1];
	X509_PUBKEY	*key;
	struct buf	 b = { 0 };
	char		*path, *big, fifo[4096];
	unsigned char	*data;
	size_t		 len;

	pki_make(&k);
	leafs[0] = k.leaf;
	path = pem_file(leafs, 1);
	key = spki_of(k.leaf_key);
	ck_assert_int_eq(chain_not_due(path, key, 5, &c), 1);
	cert_free(c);
	c = NULL;

	/* the same certificate, then spaces up to one byte over the bound */
	ck_assert_int_eq(util_read_quiet(path, CERTFILE_MAX, &b), 0);
	len = CERTFILE_MAX + 1;
	ck_assert_ptr_nonnull(data = malloc(len));
	memset(data, ' ', len);
	memcpy(data, b.data, b.len);
	big = ut_temp_file(data, len, 0644);
	ck_assert_int_eq(chain_not_due(big, key, 5, &c), 0);
	/* the bound is exact: one byte over fails, a bound one larger reads */
	buf_free(&b);
	ck_assert_int_eq(util_read_quiet(big, CERTFILE_MAX, &b), -1);
	buf_free(&b);
	ck_assert_int_eq(util_read_quiet(big, CERTFILE_MAX + 1, &b), 0);
	ck_assert_uint_eq(b.len, CERTFILE_MAX + 1);

	snprintf(fifo, sizeof(fifo), "%s.fifo", path);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	alarm(5);
	ck_assert_int_eq(chain_not_due(fifo, key, 5, &c), 0);
	alarm(0);
	ck_assert_ptr_null(c);

	unlink(fifo);
	unlink(big);
	unlink(path);
	free(big);
	free(data);
	free(path);
	buf_free(&b);
	X509_PUBKEY_free(key);
	pki_free(&k);
}
END_TEST

Suite *
cert_suite(void)
{
	Suite	*s = suite_create("cert");
	TCase	*tc = tcase_create("cert");

	tcase_add_test(tc, cert_reads_fields);
	tcase_add_test(tc, cert_refuses_garbage);
	tcase_add_test(tc, chain_follows_issuers);
	tcase_add_test(tc, chain_renewal_due);
	tcase_add_test(tc, chain_renewal_reads_bounded);
	suite_add_tcase(s, tc);
	return s;
}
