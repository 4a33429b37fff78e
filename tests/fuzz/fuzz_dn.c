/*
 * fuzz_dn.c: libFuzzer harness for the DN formatter: d2i_X509_NAME() on
 * the bytes, then csr_name_to_slash(), which builds the -subject argument
 * of the "fields" mapping.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "csr.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char	*p = data;
	X509_NAME		*name;
	const char		*why = NULL;
	char			*slash;

	/* A subject comes out of a CSR, which is at most CSR_MAX bytes. */
	if (size > CSR_MAX || size > LONG_MAX)
		return -1;
	if ((name = d2i_X509_NAME(NULL, &p, (long)size)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	if ((slash = csr_name_to_slash(name, &why)) != NULL) {
		/* Empty for an empty name, else "/type=value...". */
		if (X509_NAME_entry_count(name) > 0 && slash[0] != '/')
			abort();
		free(slash);
	} else if (why == NULL)
		abort();
	X509_NAME_free(name);
	ERR_clear_error();
	return 0;
}
