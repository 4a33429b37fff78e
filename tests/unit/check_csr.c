/*
 * check_csr.c: the CSR parser (one PEM or DER object, nothing else), the
 * signature check, the 64 KiB bound, the subject in openssl's slash form
 * and the "fields" mapping's refusals.  Every CSR is made here.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include "units.h"
#include "csr.h"
#include "util.h"

static EVP_PKEY	*key;
static X509_REQ	*req;

/* Each test gets a fresh key and CSR: CN=test.example, DNS:test.example. */
static void
setup(void)
{
	key = ut_key();
	req = ut_req_simple(key, "DNS:test.example");
}

static void
teardown(void)
{
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	req = NULL;
	key = NULL;
}

/* csr_parse accepts buf, and the result holds req's subject and key. */
static void
parses(const void *buf, size_t len)
{
	struct csr_view		*out = NULL;
	const char		*why = NULL;

	ck_assert_msg(csr_parse(buf, len, &out, &why) == 0, "refused: %s",
	    why != NULL ? why : "(no reason)");
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(X509_NAME_cmp(csr_subject(out),
	    X509_REQ_get_subject_name(req)), 0);
	ck_assert_int_eq(X509_PUBKEY_eq(csr_pubkey(out),
	    X509_REQ_get_X509_PUBKEY(req)), 1);
	ck_assert_msg(csr_verify(out, &why), "does not verify: %s", why);
	csr_view_free(out);
}

/* csr_parse refuses buf, with a reason, and returns no CSR. */
static void
refuses(const void *buf, size_t len)
{
	struct csr_view	*out = (struct csr_view *)1;
	const char	*why = NULL;

	ck_assert_int_eq(csr_parse(buf, len, &out, &why), -1);
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(*why != '\0', "empty reason");
}

/* PEM of data with label (and header lines); free with free. */
static char *
pem_of(const char *label, const char *header, const unsigned char *data,
    size_t len)
{
	BIO	*bio;
	char	*p, *copy;
	long	 n;

	ck_assert_ptr_nonnull(bio = BIO_new(BIO_s_mem()));
	ck_assert_int_gt(PEM_write_bio(bio, label, header, data, (long)len), 0);
	n = BIO_get_mem_data(bio, &p);
	ck_assert_ptr_nonnull(copy = calloc(1, (size_t)n + 1));
	memcpy(copy, p, (size_t)n);
	BIO_free(bio);
	return copy;
}

/* a then b, NUL-terminated; free with free. */
static char *
concat(const char *a, size_t alen, const char *b, size_t blen)
{
	char *p = calloc(1, alen + blen + 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, a, alen);
	memcpy(p + alen, b, blen);
	return p;
}

START_TEST(csr_parse_pem)
{
	size_t	 len;
	char	*pem = ut_pem(req, &len);

	parses(pem, len);
	free(pem);
}
END_TEST

START_TEST(csr_parse_der)
{
	size_t		 len;
	unsigned char	*der = ut_der(req, &len);

	parses(der, len);
	OPENSSL_free(der);
}
END_TEST

START_TEST(csr_parse_new_label)
{
	size_t		 len;
	unsigned char	*der = ut_der(req, &len);
	char		*pem = pem_of("NEW CERTIFICATE REQUEST", "", der, len);

	parses(pem, strlen(pem));
	free(pem);
	OPENSSL_free(der);
}
END_TEST

START_TEST(csr_parse_surrounding_whitespace)
{
	size_t	 len;
	char	*pem = ut_pem(req, &len), *a, *b;

	a = concat("\n\n  \t\r\n", 7, pem, len);
	parses(a, strlen(a));
	b = concat(a, strlen(a), "\n\r\n  \n", 6);
	parses(b, strlen(b));
	free(a);
	free(b);
	free(pem);
}
END_TEST

START_TEST(csr_parse_empty)
{
	refuses("", 0);
	refuses(" \n\t\r\n", 5);
}
END_TEST

START_TEST(csr_parse_garbage)
{
	static const unsigned char asn1_junk[] = { 0x30, 0x82, 0xff, 0xff,
	    'j', 'u', 'n', 'k' };
	static const char bad_base64[] = "-----BEGIN CERTIFICATE REQUEST-----\n"
	    "!!!!\n-----END CERTIFICATE REQUEST-----\n";

	refuses("hello, world\n", 13);
	refuses("\x30", 1);
	refuses(asn1_junk, sizeof(asn1_junk));
	refuses("-----BEGIN ", 11);
	refuses(bad_base64, sizeof(bad_base64) - 1);
}
END_TEST

START_TEST(csr_parse_truncated_pem)
{
	size_t	 len;
	char	*pem = ut_pem(req, &len);

	refuses(pem, len / 2);
	/* All but the END line. */
	refuses(pem, (size_t)(strstr(pem, "-----END") - pem));
	/* The END line cut short. */
	refuses(pem, len - 4);
	free(pem);
}
END_TEST

START_TEST(csr_parse_wrong_label)
{
	size_t		 len;
	unsigned char	*der = ut_der(req, &len);
	char		*pem;

	pem = pem_of("CERTIFICATE", "", der, len);
	refuses(pem, strlen(pem));
	free(pem);
	pem = pem_of("PRIVATE KEY", "", der, len);
	refuses(pem, strlen(pem));
	free(pem);
	OPENSSL_free(der);
}
END_TEST

START_TEST(csr_parse_pem_header_lines)
{
	size_t		 len;
	unsigned char	*der = ut_der(req, &len);
	char		*pem;

	pem = pem_of("CERTIFICATE REQUEST", "Proc-Type: 4,ENCRYPTED\n"
	    "DEK-Info: AES-128-CBC,00000000000000000000000000000000\n", der,
	    len);
	refuses(pem, strlen(pem));
	free(pem);
	OPENSSL_free(der);
}
END_TEST

START_TEST(csr_parse_trailing_garbage)
{
	size_t	 len;
	char	*pem = ut_pem(req, &len), *p;

	p = concat(pem, len, "garbage\n", 8);
	refuses(p, strlen(p));
	free(p);
	/* Two CSRs are not one. */
	p = concat(pem, len, pem, len);
	refuses(p, strlen(p));
	free(p);
	/* Nor is a CSR after something else. */
	p = concat("junk\n", 5, pem, len);
	refuses(p, strlen(p));
	free(p);
	free(pem);
}
END_TEST

START_TEST(csr_parse_der_extra_bytes)
{
	size_t		 len;
	unsigned char	*der = ut_der(req, &len), *more;
	char		*pem;

	ck_assert_ptr_nonnull(more = calloc(1, len + 2));
	memcpy(more, der, len);
	refuses(more, len + 2);
	refuses(more, len + 1);
	/* Truncated DER. */
	refuses(der, len - 1);
	/* Leading white space is PEM's privilege. */
	more[0] = ' ';
	memcpy(more + 1, der, len);
	refuses(more, len + 1);
	/* Extra bytes inside the PEM armour. */
	memcpy(more, der, len);
	more[len] = 0;
	pem = pem_of("CERTIFICATE REQUEST", "", more, len + 1);
	refuses(pem, strlen(pem));
	free(pem);
	free(more);
	OPENSSL_free(der);
}
END_TEST

/* csr_load of a temporary file holding data; its status. */
static int
load_bytes(const void *data, size_t len)
{
	struct csr	 csr;
	char		*path = ut_temp_file(data, len, 0600);
	int		 rc;

	memset(&csr, 0, sizeof(csr));
	rc = csr_load(path, &csr);
	ck_assert_msg(rc != 0 || csr.view != NULL, "status 0 without a CSR");
	csr_free(&csr);
	unlink(path);
	free(path);
	return rc;
}

START_TEST(csr_load_good)
{
	size_t		 len;
	char		*pem = ut_pem(req, &len);
	unsigned char	*der = ut_der(req, &len);

	ck_assert_int_eq(load_bytes(pem, strlen(pem)), 0);
	ck_assert_int_eq(load_bytes(der, len), 0);
	free(pem);
	OPENSSL_free(der);
}
END_TEST

START_TEST(csr_load_stdin)
{
	struct csr	 csr;
	size_t		 len;
	char		*pem = ut_pem(req, &len);
	char		*path = ut_temp_file(pem, len, 0600);
	int		 fd;

	ck_assert_int_ne(fd = open(path, O_RDONLY), -1);
	ck_assert_int_ne(dup2(fd, STDIN_FILENO), -1);
	close(fd);
	memset(&csr, 0, sizeof(csr));
	ck_assert_int_eq(csr_load("-", &csr), 0);
	ck_assert_ptr_nonnull(csr.view);
	csr_free(&csr);
	unlink(path);
	free(path);
	free(pem);
}
END_TEST

START_TEST(csr_load_size_limit)
{
	size_t	 len;
	char	*pem = ut_pem(req, &len), *big;

	/* A valid PEM CSR padded with white space to 64 KiB, then one more. */
	ck_assert_ptr_nonnull(big = malloc(CSR_MAX + 2));
	memset(big, ' ', CSR_MAX + 1);
	memcpy(big, pem, len);
	big[CSR_MAX + 1] = '\0';
	ck_assert_int_eq(load_bytes(big, CSR_MAX), 0);
	ck_assert_int_eq(load_bytes(big, CSR_MAX + 1), EX_DATAERR);
	ck_assert_int_eq(load_bytes(big, CSR_MAX + 1), 65);
	free(big);
	free(pem);
}
END_TEST

START_TEST(csr_load_bad_signature)
{
	struct csr_view	*out = NULL;
	const char	*why;
	size_t		 len;
	unsigned char	*der = ut_der(req, &len);

	/* The last byte is the signature's: it still parses... */
	der[len - 1] ^= 0x01;
	ck_assert_int_eq(csr_parse(der, len, &out, &why), 0);
	ck_assert(!csr_verify(out, &why));
	ck_assert_str_eq(why, "the signature does not verify");
	csr_view_free(out);
	/* ...but does not verify. */
	ck_assert_int_eq(load_bytes(der, len), EX_DATAERR);
	OPENSSL_free(der);
}
END_TEST

START_TEST(csr_load_bad_inputs)
{
	struct csr csr;

	memset(&csr, 0, sizeof(csr));
	ck_assert_int_eq(csr_load("/nonexistent/csr.pem", &csr), EX_NOINPUT);
	csr_free(&csr);
	ck_assert_int_eq(load_bytes("", 0), EX_DATAERR);
	ck_assert_int_eq(load_bytes("not a CSR\n", 10), EX_DATAERR);
}
END_TEST

/* The slash form of name; NULL with *why when refused. */
static char *
slash(X509_NAME *name, const char **why)
{
	*why = NULL;
	return csr_name_to_slash(name, why);
}

START_TEST(dn_plain)
{
	X509_NAME	*name = X509_NAME_new();
	const char	*why;
	char		*s;

	ut_name_add(name, "C", "DE", 0);
	ut_name_add(name, "O", "Example Org", 0);
	ut_name_add(name, "CN", "test.example", 0);
	s = slash(name, &why);
	ck_assert_str_eq(s, "/C=DE/O=Example Org/CN=test.example");
	free(s);
	X509_NAME_free(name);

	name = X509_NAME_new();
	s = slash(name, &why);
	ck_assert_str_eq(s, "");
	free(s);
	X509_NAME_free(name);
}
END_TEST

START_TEST(dn_escapes)
{
	X509_NAME	*name = X509_NAME_new();
	const char	*why;
	char		*s;

	ut_name_add(name, "O", "a/b+c=d\\e", 0);
	ut_name_add(name, "CN", "/+=\\", 0);
	ut_name_add(name, "OU", "x, y; \"z\" <w> #1", 0);
	s = slash(name, &why);
	ck_assert_str_eq(s, "/O=a\\/b\\+c\\=d\\\\e/CN=\\/\\+\\=\\\\"
	    "/OU=x, y; \"z\" <w> #1");
	free(s);
	X509_NAME_free(name);
}
END_TEST

START_TEST(dn_multi_valued)
{
	X509_NAME	*name = X509_NAME_new();
	const char	*why;
	char		*s;

	ut_name_add(name, "C", "DE", 0);
	ut_name_add(name, "O", "Org", 0);
	ut_name_add(name, "OU", "Unit", -1);
	ut_name_add(name, "CN", "a+b", 0);
	ut_name_add(name, "serialNumber", "42", -1);
	s = slash(name, &why);
	ck_assert_str_eq(s, "/C=DE/O=Org+OU=Unit/CN=a\\+b+serialNumber=42");
	free(s);
	X509_NAME_free(name);
}
END_TEST

START_TEST(dn_what_subject_cannot_carry)
{
	X509_NAME	*name = X509_NAME_new();
	const char	*why;
	char		*s, cn[66];

	/* openssl cmp -subject would drop a type it has no name for */
	ut_name_add(name, "1.2.3.4.5", "x", 0);
	ck_assert_ptr_null(slash(name, &why));
	ck_assert_ptr_nonnull(why);
	X509_NAME_free(name);
	/* a type given as an OID that openssl knows gets its name */
	name = X509_NAME_new();
	ut_name_add(name, "2.5.4.3", "x", 0);
	s = slash(name, &why);
	ck_assert_str_eq(s, "/CN=x");
	free(s);
	X509_NAME_free(name);
	/* values openssl -subject refuses: a 65-character CN, a C of three */
	memset(cn, 'a', 65);
	cn[65] = '\0';
	name = X509_NAME_new();
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN",
	    V_ASN1_UTF8STRING, (const unsigned char *)cn, -1, -1, 0), 1);
	ck_assert_ptr_null(slash(name, &why));
	X509_NAME_free(name);
	name = X509_NAME_new();
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "C",
	    V_ASN1_PRINTABLESTRING, (const unsigned char *)"DEU", -1, -1, 0), 1);
	ck_assert_ptr_null(slash(name, &why));
	X509_NAME_free(name);
	/* 64 characters is the bound, and fits */
	cn[64] = '\0';
	name = X509_NAME_new();
	ut_name_add(name, "CN", cn, 0);
	s = slash(name, &why);
	ck_assert_ptr_nonnull(s);
	free(s);
	X509_NAME_free(name);
	/* control characters would reach the terminal through --dry-run */
	name = X509_NAME_new();
	ut_name_add(name, "CN", "ok.example\x1b[2K\rEVIL", 0);
	ck_assert_ptr_null(slash(name, &why));
	X509_NAME_free(name);
}
END_TEST

START_TEST(dn_non_ascii)
{
	X509_NAME	*name = X509_NAME_new();
	const char	*why;

	ut_name_add(name, "C", "DE", 0);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"M\xc3\xbcller", -1, -1, 0), 1);
	ck_assert_ptr_null(slash(name, &why));
	ck_assert_ptr_nonnull(why);
	X509_NAME_free(name);
}
END_TEST

START_TEST(dn_empty_value)
{
	X509_NAME	*name = X509_NAME_new();
	const char	*why;

	/* MBSTRING_ASC refuses an empty CN; a raw UTF8String does not. */
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN",
	    V_ASN1_UTF8STRING, (const unsigned char *)"", 0, -1, 0), 1);
	ck_assert_ptr_null(slash(name, &why));
	ck_assert_ptr_nonnull(why);
	X509_NAME_free(name);
}
END_TEST

/* csr_fields on a CN=test.example CSR with san (and ku); its status. */
static int
fields(const char *san, const char *ku, char **subject, char **sans,
    const char **why)
{
	X509_NAME	*name = X509_NAME_new();
	X509_REQ	*r;
	struct csr_view	*v;
	int		 rc;

	ut_name_add(name, "CN", "test.example", 0);
	r = ut_req(key, name, san, ku);
	v = ut_view(r);
	*why = NULL;
	rc = csr_fields(v, subject, sans, why);
	csr_view_free(v);
	X509_REQ_free(r);
	X509_NAME_free(name);
	if (rc != 0) {
		ck_assert_ptr_null(*subject);
		ck_assert_ptr_nonnull(*why);
	}
	return rc;
}

START_TEST(fields_accepted_names)
{
	char		*subject, *sans;
	const char	*why;

	ck_assert_int_eq(fields("DNS:a.example, IP:192.0.2.1, "
	    "URI:https://a.example/p?q=1, DNS:*.b.example, IP:2001:db8::1",
	    NULL, &subject, &sans, &why), 0);
	ck_assert_str_eq(subject, "/CN=test.example");
	ck_assert_str_eq(sans, "a.example 192.0.2.1 https://a.example/p?q=1 "
	    "*.b.example 2001:db8:0:0:0:0:0:1");
	free(subject);
	free(sans);

	ck_assert_int_eq(fields(NULL, NULL, &subject, &sans, &why), 0);
	ck_assert_str_eq(subject, "/CN=test.example");
	ck_assert_ptr_null(sans);
	free(subject);
}
END_TEST

START_TEST(fields_refused_names)
{
	static const char *const refused[] = {
		"email:a@test.example",
		"DNS:a.example, email:a@test.example",
		"RID:1.2.3.4",
		/* -sans would read these back as another type. */
		"DNS:192.0.2.1",
		"DNS:a:b",
		"URI:no-colon",
	};
	char		*subject, *sans;
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ck_assert_msg(fields(refused[i], NULL, &subject, &sans,
		    &why) == -1, "%s accepted", refused[i]);
}
END_TEST

START_TEST(fields_refused_extensions)
{
	char		*subject, *sans;
	const char	*why;

	ck_assert_int_eq(fields("DNS:a.example", "digitalSignature", &subject,
	    &sans, &why), -1);
	ck_assert_int_eq(fields(NULL, "critical,keyEncipherment", &subject,
	    &sans, &why), -1);
}
END_TEST

START_TEST(fields_refused_subject)
{
	X509_NAME	*name = X509_NAME_new();
	X509_REQ	*r;
	struct csr_view	*v;
	char		*subject, *sans;
	const char	*why = NULL;

	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"\xc3\xa9t\xc3\xa9", -1, -1, 0), 1);
	r = ut_req(key, name, "DNS:a.example", NULL);
	v = ut_view(r);
	ck_assert_int_eq(csr_fields(v, &subject, &sans, &why), -1);
	ck_assert_ptr_null(subject);
	ck_assert_ptr_nonnull(why);
	csr_view_free(v);
	X509_REQ_free(r);
	X509_NAME_free(name);
}
END_TEST

/* Does the space-separated list hold word? */
static int
has_word(const char *list, const char *word)
{
	size_t		 n = strlen(word);
	const char	*p;

	for (p = list; p != NULL && (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return 1;
	return 0;
}

/*
 * A critical subjectAltName extension in the CSR
 * is mapped to a plain -sans list, and openssl cmp 3.0 then requests a
 * NON-critical SAN (it marks it critical only for "-sans critical ..." or
 * an empty subject): the request silently differs from the CSR.  The
 * mapping must either refuse the CSR or put the word "critical" into
 * -sans.
 */
START_TEST(fields_critical_san_kept_or_refused)
{
	char		*subject = NULL, *sans = NULL;
	const char	*why;
	int		 rc;

	rc = fields("critical,DNS:a.example", NULL, &subject, &sans, &why);
	ck_assert_msg(rc == -1 || has_word(sans, "critical"),
	    "critical SAN mapped to -sans \"%s\", criticality lost", sans);
	free(subject);
	free(sans);
}
END_TEST

/*
 * openssl cmp 3.0 (apps/cmp.c set_gennames)
 * reads the word "critical" in -sans as the criticality flag, not as a
 * name, so a CSR asking for DNS:critical loses that name and gets a
 * critical SAN instead.  It must be refused.
 */
START_TEST(fields_dns_named_critical_refused)
{
	char		*subject = NULL, *sans = NULL;
	const char	*why;
	int		 rc;

	rc = fields("DNS:a.example, DNS:critical", NULL, &subject, &sans,
	    &why);
	ck_assert_msg(rc == -1, "DNS:critical mapped to -sans \"%s\"", sans);
	free(subject);
	free(sans);
}
END_TEST

Suite *
csr_suite(void)
{
	Suite	*s = suite_create("csr");
	TCase	*tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, csr_parse_pem);
	tcase_add_test(tc, csr_parse_der);
	tcase_add_test(tc, csr_parse_new_label);
	tcase_add_test(tc, csr_parse_surrounding_whitespace);
	tcase_add_test(tc, csr_parse_empty);
	tcase_add_test(tc, csr_parse_garbage);
	tcase_add_test(tc, csr_parse_truncated_pem);
	tcase_add_test(tc, csr_parse_wrong_label);
	tcase_add_test(tc, csr_parse_pem_header_lines);
	tcase_add_test(tc, csr_parse_trailing_garbage);
	tcase_add_test(tc, csr_parse_der_extra_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, csr_load_good);
	tcase_add_test(tc, csr_load_stdin);
	tcase_add_test(tc, csr_load_size_limit);
	tcase_add_test(tc, csr_load_bad_signature);
	tcase_add_test(tc, csr_load_bad_inputs);
	suite_add_tcase(s, tc);

	tc = tcase_create("dn");
	tcase_add_test(tc, dn_plain);
	tcase_add_test(tc, dn_escapes);
	tcase_add_test(tc, dn_multi_valued);
	tcase_add_test(tc, dn_what_subject_cannot_carry);
	tcase_add_test(tc, dn_non_ascii);
	tcase_add_test(tc, dn_empty_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("fields");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fields_accepted_names);
	tcase_add_test(tc, fields_refused_names);
	tcase_add_test(tc, fields_refused_extensions);
	tcase_add_test(tc, fields_refused_subject);
	tcase_add_test(tc, fields_critical_san_kept_or_refused);
	tcase_add_test(tc, fields_dns_named_critical_refused);
	suite_add_tcase(s, tc);
	return s;
}
