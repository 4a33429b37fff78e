/*
 * fuzz_cert.c: libFuzzer harness for the reading of returned certificates:
 * cert_read_pem() on the bytes as PEM text, then every accessor on each
 * certificate it yields, the key comparison and the issuer test, the way
 * chain.c and output.c use them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cert	*certs[CERTS_MAX];
	struct buf	 pem = { 0 };
	GENERAL_NAMES	*sans;
	char		 text[1024];
	size_t		 i, n;

	if (size > CERTFILE_MAX)
		return -1;
	n = cert_read_pem(data, size, certs, CERTS_MAX);
	for (i = 0; i < n; i++) {
		cert_name_text(cert_subject(certs[i]), text, sizeof(text));
		cert_name_text(cert_issuer(certs[i]), text, sizeof(text));
		cert_serial_text(certs[i], text, sizeof(text));
		cert_time_text(cert_not_before(certs[i]), text, sizeof(text));
		cert_time_text(cert_not_after(certs[i]), text, sizeof(text));
		sans = cert_ext_d2i(certs[i], NID_subject_alt_name);
		GENERAL_NAMES_free(sans);
		(void)cert_issued_by(certs[i], certs[0]);
		/* A certificate read back from its own PEM is the same. */
		if (!cert_same(certs[i], certs[i]) || cert_pem(certs[i], &pem))
			abort();
	}
	for (i = 0; i < n; i++)
		cert_free(certs[i]);
	buf_free(&pem);
	return 0;
}
