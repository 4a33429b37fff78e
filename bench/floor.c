/*
 * floor.c: the least that any wrapper which must check a CSR does, as the
 * benchmark's yardstick: start libcrypto as cmpenroll starts it, read the
 * CSR, decode it with d2i_X509_REQ and verify it with X509_REQ_verify.
 * make bench builds it with cmpenroll's flags and times it beside cmpenroll.
 *
 * usage: floor CSR.pem; exit 0 when the signature verifies.
 */
#include <stdio.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

int
main(int argc, char **argv)
{
	BIO			*bio;
	char			*name = NULL, *header = NULL;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	X509_REQ		*req = NULL;
	long			 len = 0;
	int			 ok = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: floor csr.pem\n");
		return 2;
	}
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
	    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
	if ((bio = BIO_new_file(argv[1], "r")) != NULL &&
	    PEM_read_bio(bio, &name, &header, &der, &len) == 1) {
		p = der;
		req = d2i_X509_REQ(NULL, &p, len);
	}
	if (req != NULL)
		ok = X509_REQ_verify(req, X509_REQ_get0_pubkey(req)) == 1;
	X509_REQ_free(req);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	return ok ? 0 : 1;
}
