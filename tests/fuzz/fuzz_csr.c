/*
 * fuzz_csr.c: libFuzzer harness for the CSR path: csr_parse() on the
 * bytes, then what csr_load() and the "fields" mapping do with a CSR that
 * parsed (csr_verify(), libcrypto decoding the key, and csr_fields()).
 *
 * An empty input reaches csr_parse() as a NULL pointer, because that is
 * what util_read_file() hands csr_load() for an empty file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "csr.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csr_view	*req = NULL;
	const char	*why = NULL;
	char		*subject = NULL, *sans = NULL;

	/* csr_load() reads at most CSR_MAX bytes. */
	if (size > CSR_MAX)
		return -1;
	if (csr_parse(size > 0 ? data : NULL, size, &req, &why) != 0) {
		if (req != NULL || why == NULL)
			abort();	/* the contract: NULL and a reason */
		return 0;
	}
	if (req == NULL)
		abort();
	why = NULL;
	if (!csr_verify(req, &why) && why == NULL)
		abort();	/* a refusal always says why */
	why = NULL;
	if (csr_fields(req, &subject, &sans, &why) == 0) {
		if (subject == NULL)
			abort();
	} else if (subject != NULL || sans != NULL || why == NULL)
		abort();
	free(subject);
	free(sans);
	csr_view_free(req);
	ERR_clear_error();
	return 0;
}
