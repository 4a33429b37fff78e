/*
 * chain.h: the issued certificate and its chain, as openssl cmp saved
 * them, checked against the CSR.
 */
#ifndef CMPENROLL_CHAIN_H
#define CMPENROLL_CHAIN_H

#include <openssl/x509.h>

#include "cert.h"
#include "util.h"

struct issued {
	struct cert	*leaf;
	struct cert	*chain[CERTS_MAX];	/* issuer first */
	size_t		 nchain;
	int		 complete;	/* ends at a root or a trusted cert */
};

int	 chain_collect(const struct buf *, const struct buf *,
	    const struct buf *, const X509_PUBKEY *, struct issued *);
void	 chain_complete(struct issued *, const struct buf *,
	    const struct buf *);
void	 chain_missing(const struct issued *, char *, size_t);
void	 chain_free(struct issued *);
int	 chain_pem(const struct issued *, int, int, struct buf *);
int	 chain_not_due(const char *, const X509_PUBKEY *, long, struct cert **);

#endif
