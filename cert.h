/*
 * cert.h: a certificate as cmpenroll reads it (libcrypto's X509 inside)
 * and the fields it shows or follows: names, serial, validity, extensions,
 * the public key.
 */
#ifndef CMPENROLL_CERT_H
#define CMPENROLL_CERT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "util.h"

/* At most this many certificates are read from one PEM file. */
#define CERTS_MAX	32

struct cert;

size_t		 cert_read_pem(const void *, size_t, struct cert **, size_t);
void		 cert_free(struct cert *);
int		 cert_file_load(const char *, const char *, struct buf *);
int		 cert_file_check(const char *, const char *);
const X509_NAME	*cert_subject(const struct cert *);
const X509_NAME	*cert_issuer(const struct cert *);
const ASN1_INTEGER *cert_serial(const struct cert *);
const ASN1_TIME	*cert_not_before(const struct cert *);
const ASN1_TIME	*cert_not_after(const struct cert *);
void		*cert_ext_d2i(const struct cert *, int);
int		 cert_has_key(const struct cert *, const X509_PUBKEY *);
int		 cert_same(const struct cert *, const struct cert *);
int		 cert_issued_by(const struct cert *, const struct cert *);
int		 cert_pem(const struct cert *, struct buf *);
void		 cert_name_text(const X509_NAME *, char *, size_t);
void		 cert_time_text(const ASN1_TIME *, char *, size_t);
void		 cert_serial_text(const struct cert *, char *, size_t);

#endif
