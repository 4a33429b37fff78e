/*
 * fuzz.h: what every harness shares.  Each harness is its own binary and
 * includes this once, so the initialiser is defined once per binary.
 */
#ifndef CMPENROLL_FUZZ_H
#define CMPENROLL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/crypto.h>

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* As cmpenroll itself: openssl.cnf changes nothing. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	return 0;
}

#endif
