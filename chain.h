/*
 * chain.h: the issued certificate and its chain, as openssl cmp saved
 * them, checked against the CSR and rendered as PEM or JSON.
 */
#ifndef CMPENROLL_CHAIN_H
#define CMPENROLL_CHAIN_H

#include <openssl/x509.h>

#include "util.h"

struct issued {
	X509		*leaf;
	STACK_OF(X509)	*chain;		/* issuer first, leaf excluded */
};

int	 chain_collect(const char *, const char *, const char *,
	    const X509_PUBKEY *, struct issued *);
void	 chain_free(struct issued *);
int	 chain_pem(X509 *, STACK_OF(X509) *, struct buf *);
int	 chain_not_due(const char *, const X509_PUBKEY *, long, X509 **);
void	 chain_name(const X509_NAME *, char *, size_t);
void	 chain_time(const ASN1_TIME *, char *, size_t);

#endif
