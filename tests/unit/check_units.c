/*
 * check_units.c: the unit test runner and the helpers the suites share.
 * Keys and CSRs are made here with libcrypto, so the tests need no files
 * of their own; temporary files are made with mkstemp and removed.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "config.h"
#include "csr.h"
#include "units.h"
#include "util.h"

EVP_PKEY *
ut_key(void)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	ck_assert_ptr_nonnull(key);
	return key;
}

/* Add type=value (ASCII) to name; set -1 joins the previous RDN. */
void
ut_name_add(X509_NAME *name, const char *type, const char *value, int set)
{
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, type, MBSTRING_ASC,
	    (const unsigned char *)value, -1, -1, set), 1);
}

static void
add_ext(STACK_OF(X509_EXTENSION) *exts, int nid, const char *conf)
{
	X509_EXTENSION *ext;

	ext = X509V3_EXT_nconf_nid(NULL, NULL, nid, conf);
	ck_assert_msg(ext != NULL, "cannot make extension from \"%s\"", conf);
	ck_assert_int_gt(sk_X509_EXTENSION_push(exts, ext), 0);
}

/*
 * A CSR signed by key.  san and ku are extension values in openssl's
 * config syntax ("DNS:a.example, IP:127.0.0.1", "critical,DNS:x",
 * "digitalSignature"), or NULL for none.
 */
X509_REQ *
ut_req(EVP_PKEY *key, const X509_NAME *name, const char *san, const char *ku)
{
	STACK_OF(X509_EXTENSION)	*exts;
	X509_REQ			*req;

	ck_assert_ptr_nonnull(req = X509_REQ_new());
	ck_assert_int_eq(X509_REQ_set_version(req, 0), 1);
	if (name != NULL)
		ck_assert_int_eq(X509_REQ_set_subject_name(req, name), 1);
	ck_assert_int_eq(X509_REQ_set_pubkey(req, key), 1);
	if (san != NULL || ku != NULL) {
		ck_assert_ptr_nonnull(exts = sk_X509_EXTENSION_new_null());
		if (san != NULL)
			add_ext(exts, NID_subject_alt_name, san);
		if (ku != NULL)
			add_ext(exts, NID_key_usage, ku);
		ck_assert_int_eq(X509_REQ_add_extensions(req, exts), 1);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	ck_assert_int_gt(X509_REQ_sign(req, key, EVP_sha256()), 0);
	return req;
}

/* CN=test.example with the given SANs (or none). */
X509_REQ *
ut_req_simple(EVP_PKEY *key, const char *san)
{
	X509_NAME	*name;
	X509_REQ	*req;

	ck_assert_ptr_nonnull(name = X509_NAME_new());
	ut_name_add(name, "CN", "test.example", 0);
	req = ut_req(key, name, san, NULL);
	X509_NAME_free(name);
	return req;
}

/* The DER encoding; free with OPENSSL_free. */
unsigned char *
ut_der(X509_REQ *req, size_t *len)
{
	unsigned char	*der = NULL;
	int		 n;

	n = i2d_X509_REQ(req, &der);
	ck_assert_int_gt(n, 0);
	*len = (size_t)n;
	return der;
}

/* req as cmpenroll reads it (NULL stays NULL); free with csr_view_free. */
struct csr_view *
ut_view(X509_REQ *req)
{
	struct csr_view	*v = NULL;
	unsigned char	*der;
	const char	*why = NULL;
	size_t		 len;

	if (req == NULL)
		return NULL;
	der = ut_der(req, &len);
	ck_assert_msg(csr_parse(der, len, &v, &why) == 0, "csr_parse: %s",
	    why);
	OPENSSL_free(der);
	return v;
}

/* The PEM encoding, NUL-terminated; free with free. */
char *
ut_pem(X509_REQ *req, size_t *len)
{
	BIO	*bio;
	char	*data, *copy;
	long	 n;

	ck_assert_ptr_nonnull(bio = BIO_new(BIO_s_mem()));
	ck_assert_int_eq(PEM_write_bio_X509_REQ(bio, req), 1);
	n = BIO_get_mem_data(bio, &data);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(copy = malloc((size_t)n + 1));
	memcpy(copy, data, (size_t)n);
	copy[n] = '\0';
	*len = (size_t)n;
	BIO_free(bio);
	return copy;
}

/* A new temporary file holding data, with the given mode; free the path. */
char *
ut_temp_file(const void *data, size_t len, int mode)
{
	const unsigned char	*p = data;
	const char		*dir = getenv("TMPDIR");
	char			*path;
	size_t			 sz;
	ssize_t			 n;
	int			 fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	sz = strlen(dir) + sizeof("/cmpenroll-unit.XXXXXX");
	ck_assert_ptr_nonnull(path = malloc(sz));
	snprintf(path, sz, "%s/cmpenroll-unit.XXXXXX", dir);
	fd = mkstemp(path);
	ck_assert_msg(fd != -1, "mkstemp %s: %s", path, strerror(errno));
	while (len > 0) {
		n = write(fd, p, len);
		ck_assert_msg(n > 0, "write %s: %s", path, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	ck_assert_int_eq(fchmod(fd, (mode_t)mode), 0);
	ck_assert_int_eq(close(fd), 0);
	return path;
}

/*
 * The [CAhandler] of a config written as text (it must load), named
 * c.ini so that messages naming its lines are the same on every run.
 */
void
ut_config(const char *text, struct config *cfg)
{
	char *path = ut_temp_file(text, strlen(text), 0600);

	ck_assert_int_eq(config_load(path, "CAhandler", cfg), 0);
	unlink(path);
	free(path);
	free(cfg->path);
	cfg->path = util_xstrdup("c.ini");
}

static FILE	*captured;
static int	 saved_stderr = -1;

/* Send stderr to a temporary file until ut_stderr_end. */
void
ut_stderr_begin(void)
{
	fflush(stderr);
	ck_assert_ptr_nonnull(captured = tmpfile());
	ck_assert_int_ne(saved_stderr = dup(STDERR_FILENO), -1);
	ck_assert_int_ne(dup2(fileno(captured), STDERR_FILENO), -1);
}

/* What was written to stderr since ut_stderr_begin; free with free. */
char *
ut_stderr_end(void)
{
	char	*text;
	long	 n;

	fflush(stderr);
	ck_assert_int_ne(dup2(saved_stderr, STDERR_FILENO), -1);
	close(saved_stderr);
	saved_stderr = -1;
	ck_assert_int_eq(fseek(captured, 0, SEEK_END), 0);
	n = ftell(captured);
	ck_assert_int_ge(n, 0);
	rewind(captured);
	ck_assert_ptr_nonnull(text = calloc(1, (size_t)n + 1));
	ck_assert_uint_eq(fread(text, 1, (size_t)n, captured), (size_t)n);
	fclose(captured);
	captured = NULL;
	/* Show it anyway: a failing test's messages help. */
	fputs(text, stderr);
	return text;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(ini_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, csr_suite());
	srunner_add_suite(sr, runner_suite());
	srunner_add_suite(sr, cert_suite());
	srunner_add_suite(sr, keys_suite());
	srunner_add_suite(sr, genm_suite());
	srunner_add_suite(sr, diag_suite());
	srunner_add_suite(sr, logs_suite());
	srunner_add_suite(sr, probe_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
