/*
 * units.h: the suites of the Check unit tests and the helpers they share
 * (keys and CSRs made with libcrypto, temporary files, captured stderr).
 */
#ifndef CMPENROLL_UNITS_H
#define CMPENROLL_UNITS_H

#include <stddef.h>

/* Check's own header; no project header may be called check.h. */
#include <check.h>
#ifndef START_TEST
#error "<check.h> is not Check's header"
#endif
#include <openssl/evp.h>
#include <openssl/x509.h>

Suite		*ini_suite(void);
Suite		*config_suite(void);
Suite		*csr_suite(void);
Suite		*runner_suite(void);
Suite		*cert_suite(void);
Suite		*keys_suite(void);
Suite		*genm_suite(void);
Suite		*diag_suite(void);
Suite		*logs_suite(void);
Suite		*probe_suite(void);

/* An acme2certifier acme_srv.cfg with a [CAhandler] for CMP. */
extern const char acme_srv_cfg[];

EVP_PKEY	*ut_key(void);
void		 ut_name_add(X509_NAME *, const char *, const char *, int);
X509_REQ	*ut_req(EVP_PKEY *, const X509_NAME *, const char *,
		    const char *);
X509_REQ	*ut_req_simple(EVP_PKEY *, const char *);
unsigned char	*ut_der(X509_REQ *, size_t *);
struct csr_view	*ut_view(X509_REQ *);
char		*ut_pem(X509_REQ *, size_t *);
char		*ut_temp_file(const void *, size_t, int);
struct config;
void		 ut_config(const char *, struct config *);
void		 ut_stderr_begin(void);
char		*ut_stderr_end(void);

#endif
