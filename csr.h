/*
 * csr.h: reading and checking a PKCS#10 CSR, and turning its subject and
 * alternative names into the openssl cmp flags of the "fields" mapping.
 */
#ifndef CMPENROLL_CSR_H
#define CMPENROLL_CSR_H

#include <stddef.h>

#include <openssl/x509.h>

#include "util.h"

struct csr {
	X509_REQ	*req;
	struct buf	 raw;	/* the bytes as read, PEM or DER */
};

int	 csr_parse(const unsigned char *, size_t, X509_REQ **, const char **);
int	 csr_load(const char *, struct csr *);
int	 csr_pem(const struct csr *, struct buf *);
void	 csr_free(struct csr *);
char	*csr_name_to_slash(const X509_NAME *, const char **);
int	 csr_fields(X509_REQ *, char **, char **, const char **);

#endif
