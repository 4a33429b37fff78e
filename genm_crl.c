/*
 * genm_crl.c: the CRL of --get-crl (RFC 9483, 4.3.4).  openssl cmp saves
 * it as DER unless told -crlform PEM; both are read.
 */
#include <limits.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "genm.h"
#include "output.h"

void
genm_crl_free(struct genm_crl *c)
{
	X509_CRL_free(c->crl);
	OPENSSL_free(c->der);
	memset(c, 0, sizeof(*c));
}

/* Does the text start with a PEM line (after white space)? */
static int
looks_pem(const struct buf *in)
{
	size_t i = 0;

	while (i < in->len && (in->data[i] == ' ' || in->data[i] == '\t' ||
	    in->data[i] == '\r' || in->data[i] == '\n'))
		i++;
	return in->len - i >= 11 && memcmp(in->data + i, "-----BEGIN ", 11) ==
	    0;
}

/* The DER inside the first PEM block, which must be an X509 CRL. */
static int
pem_der(const struct buf *in, unsigned char **der, long *len,
    const char **why)
{
	BIO	*bio = BIO_new_mem_buf(in->data, (int)in->len);
	char	*name = NULL, *header = NULL;
	int	 rc = -1;

	*why = "damaged PEM";
	if (bio != NULL && PEM_read_bio(bio, &name, &header, der, len) == 1) {
		if (strcmp(name, PEM_STRING_X509_CRL) == 0)
			rc = 0;
		else
			*why = "a PEM block that is not an X509 CRL";
	}
	if (rc != 0) {
		OPENSSL_free(*der);
		*der = NULL;
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

/* Takes der: one whole CRL, nothing after it. */
static int
crl_take(unsigned char *der, long len, struct genm_crl *out)
{
	const unsigned char *p = der;

	out->crl = d2i_X509_CRL(NULL, &p, len);
	if (out->crl == NULL || p != der + len) {
		OPENSSL_free(der);
		return -1;
	}
	out->der = der;
	out->len = (size_t)len;
	return 0;
}

/*
 * The CRL openssl saved.  GENM_NOTHING when it saved none (the CA has no
 * newer one); GENM_REFUSED for anything but one whole CRL.  On success
 * out holds it with its issuer and times as text; free with
 * genm_crl_free.
 */
int
genm_crl_read(const struct buf *saved, struct genm_crl *out,
    const char **why)
{
	unsigned char	*der = NULL;
	long		 len;

	memset(out, 0, sizeof(*out));
	if (saved == NULL || saved->len == 0)
		return GENM_NOTHING;
	if (saved->len > CERTFILE_MAX) {
		*why = "larger than 1 MiB";
		return GENM_REFUSED;
	}
	if (looks_pem(saved)) {
		if (pem_der(saved, &der, &len, why) != 0)
			return GENM_REFUSED;
	} else {
		der = OPENSSL_memdup(saved->data, saved->len);
		len = (long)saved->len;
	}
	if (der == NULL || crl_take(der, len, out) != 0) {
		genm_crl_free(out);
		*why = "not a CRL, or a damaged one";
		ERR_clear_error();
		return GENM_REFUSED;
	}
	/* CA text: the terminal escaping is applied where it is printed. */
	cert_name_text(X509_CRL_get_issuer(out->crl), out->issuer,
	    sizeof(out->issuer));
	cert_time_text(X509_CRL_get0_lastUpdate(out->crl), out->this_update,
	    sizeof(out->this_update));
	if (X509_CRL_get0_nextUpdate(out->crl) != NULL)
		cert_time_text(X509_CRL_get0_nextUpdate(out->crl),
		    out->next_update, sizeof(out->next_update));
	return GENM_OK;
}

/* The CRL as PEM, its DER as the CA sent it. */
int
genm_crl_pem(const struct genm_crl *c, struct buf *out)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p;
	long	 n;
	int	 rc = -1;

	if (bio != NULL && c->der != NULL && PEM_write_bio(bio,
	    PEM_STRING_X509_CRL, "", c->der, (long)c->len) > 0) {
		n = BIO_get_mem_data(bio, &p);
		rc = buf_append(out, p, (size_t)n);
	}
	BIO_free(bio);
	return rc;
}

/* {"status":"received","exit_code":0,"issuer":...,"crl":PEM} */
void
genm_crl_json(const struct genm_crl *c, struct buf *b)
{
	struct buf pem = { 0 };

	buf_printf(b, "{\"status\":\"received\",\"exit_code\":0,\"issuer\":");
	json_string(b, c->issuer);
	buf_printf(b, ",\"this_update\":");
	json_string(b, c->this_update);
	buf_printf(b, ",\"next_update\":");
	if (*c->next_update == '\0')
		buf_printf(b, "null");
	else
		json_string(b, c->next_update);
	buf_printf(b, ",\"crl\":");
	genm_crl_pem(c, &pem);
	json_string(b, pem.len ? (char *)pem.data : "");
	buf_printf(b, "}\n");
	buf_free(&pem);
}
