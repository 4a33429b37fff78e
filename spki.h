/*
 * spki.h: a public key from its SubjectPublicKeyInfo DER, for the key
 * types a CSR may carry: RSA, EC on a named curve, Ed25519 and Ed448.
 */
#ifndef CMPENROLL_SPKI_H
#define CMPENROLL_SPKI_H

#include <stddef.h>

#include <openssl/evp.h>

EVP_PKEY	*spki_key(const unsigned char *, size_t, const char **);

#endif
