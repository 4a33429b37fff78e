/*
 * csr.h: reading and checking a PKCS#10 CSR, and turning its subject and
 * alternative names into the openssl cmp flags of the "fields" mapping.
 */
#ifndef CMPENROLL_CSR_H
#define CMPENROLL_CSR_H

#include <stddef.h>

#include <openssl/x509.h>

#include "util.h"

/* The parsed CSR (libcrypto's X509_REQ inside). */
struct csr_view;

struct csr {
	struct csr_view	*view;
	struct buf	 raw;		/* the bytes as read, PEM or DER */
};

int	 csr_parse(const unsigned char *, size_t, struct csr_view **,
	    const char **);
int	 csr_verify(const struct csr_view *, const char **);
void	 csr_view_free(struct csr_view *);
const X509_NAME	*csr_subject(const struct csr_view *);
const X509_PUBKEY *csr_pubkey(const struct csr_view *);
int	 csr_load(const char *, struct csr *);
int	 csr_pem(const struct csr *, struct buf *);
int	 csr_key_pem(const struct csr_view *, struct buf *);
void	 csr_free(struct csr *);
char	*csr_name_to_slash(const X509_NAME *, const char **);
int	 csr_fields(const struct csr_view *, char **, char **, const char **);

#endif
