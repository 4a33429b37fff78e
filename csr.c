/*
 * csr.c: the CSR is parsed strictly (one object, nothing before or after
 * it), its self-signature must verify before anything is sent, and the
 * "fields" mapping refuses whatever openssl cmp's -subject and -sans
 * cannot carry faithfully instead of mis-encoding it.
 *
 * The CSR is read into a view of our own, not an X509_REQ: d2i_X509_REQ
 * decodes the public key through OpenSSL 3.0's generic key decoder, whose
 * set-up cost more CPU than everything else cmpenroll does.  The key stays
 * DER here; spki.c builds it only to verify the signature.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "csr.h"
#include "spki.h"

/* RFC 2986, 4.1; the encoding is kept, as it is what was signed. */
typedef struct {
	ASN1_ENCODING		 enc;
	ASN1_INTEGER		*version;
	X509_NAME		*subject;
	ASN1_TYPE		*spki;
	STACK_OF(X509_ATTRIBUTE) *attributes;
} CSR_INFO;

/* Attributes are optional, as OpenSSL's own X509_REQ has them. */
ASN1_SEQUENCE_enc(CSR_INFO, enc, 0) = {
	ASN1_SIMPLE(CSR_INFO, version, ASN1_INTEGER),
	ASN1_SIMPLE(CSR_INFO, subject, X509_NAME),
	ASN1_SIMPLE(CSR_INFO, spki, ASN1_ANY),
	ASN1_IMP_SET_OF_OPT(CSR_INFO, attributes, X509_ATTRIBUTE, 0)
} static_ASN1_SEQUENCE_END_ref(CSR_INFO, CSR_INFO)

struct csr_view {
	CSR_INFO	*info;
	X509_ALGOR	*algorithm;
	ASN1_BIT_STRING	*signature;
};
typedef struct csr_view CSR_VIEW;

ASN1_SEQUENCE(CSR_VIEW) = {
	ASN1_SIMPLE(CSR_VIEW, info, CSR_INFO),
	ASN1_SIMPLE(CSR_VIEW, algorithm, X509_ALGOR),
	ASN1_SIMPLE(CSR_VIEW, signature, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(CSR_VIEW)

/*
 * The digests a CSR signature may use.  cmpenroll.c starts libcrypto
 * without its table of every digest; the one a signature uses is added
 * when it is checked, and one made with MD5 or SHA-1 is refused by name.
 */
static const struct {
	int		  nid;
	const EVP_MD	*(*md)(void);
} digests[] = {
	{ NID_sha224, EVP_sha224 },	{ NID_sha256, EVP_sha256 },
	{ NID_sha384, EVP_sha384 },	{ NID_sha512, EVP_sha512 },
	{ NID_sha512_224, EVP_sha512_224 }, { NID_sha512_256, EVP_sha512_256 },
	{ NID_sha3_224, EVP_sha3_224 },	{ NID_sha3_256, EVP_sha3_256 },
	{ NID_sha3_384, EVP_sha3_384 },	{ NID_sha3_512, EVP_sha3_512 },
};

static int
only_space(const unsigned char *p, size_t len)
{
	while (len > 0 && isspace(*p)) {
		p++;
		len--;
	}
	return len == 0;
}

void
csr_view_free(struct csr_view *v)
{
	ASN1_item_free((ASN1_VALUE *)v, ASN1_ITEM_rptr(CSR_VIEW));
}

static int
parse_der(const unsigned char *der, size_t len, struct csr_view **out)
{
	const unsigned char	*p = der;
	int			 rc;

	if (len > LONG_MAX)
		return -1;
	*out = (CSR_VIEW *)ASN1_item_d2i(NULL, &p, (long)len,
	    ASN1_ITEM_rptr(CSR_VIEW));
	if (*out == NULL)
		return -1;
	rc = (*out)->info->spki->type != V_ASN1_SEQUENCE ? -1 :
	    p != der + len ? -2 : 0;
	if (rc != 0) {
		csr_view_free(*out);
		*out = NULL;
	}
	return rc;
}

/*
 * Parse one CSR, PEM (with the label "CERTIFICATE REQUEST" or "NEW
 * CERTIFICATE REQUEST") or DER.  On failure *why says what is wrong.
 */
int
csr_parse(const unsigned char *buf, size_t len, struct csr_view **out,
    const char **why)
{
	BIO		*bio = NULL;
	char		*name = NULL, *header = NULL, *rest;
	unsigned char	*data = NULL;
	const unsigned char *p;
	long		 dlen = 0, restlen;
	int		 rc = -1;

	*out = NULL;
	if (buf == NULL || len == 0) {
		*why = "empty";
		return -1;
	}
	p = buf;
	while (p < buf + len && isspace(*p))
		p++;
	if (p == buf + len) {
		*why = "empty";
		return -1;
	}
	if ((size_t)(buf + len - p) < 11 || memcmp(p, "-----BEGIN ", 11) != 0) {
		if (p != buf || *p != 0x30) {
			*why = "neither a PEM nor a DER CSR";
			return -1;
		}
		rc = parse_der(buf, len, out);
		*why = rc == -2 ? "extra bytes after the DER CSR" :
		    "not a valid DER CSR";
		goto out;
	}
	if (len > INT_MAX || (bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		*why = "cannot read";
		goto out;
	}
	if (!PEM_read_bio(bio, &name, &header, &data, &dlen)) {
		*why = "truncated or damaged PEM";
		goto out;
	}
	if (strcmp(name, "CERTIFICATE REQUEST") != 0 &&
	    strcmp(name, "NEW CERTIFICATE REQUEST") != 0) {
		*why = "the PEM label is not CERTIFICATE REQUEST";
		goto out;
	}
	restlen = BIO_get_mem_data(bio, &rest);
	if ((header != NULL && *header != '\0') ||
	    (restlen > 0 && !only_space((unsigned char *)rest, (size_t)restlen))) {
		*why = "extra data around the PEM CSR";
		goto out;
	}
	rc = parse_der(data, (size_t)dlen, out);
	*why = rc == -2 ? "extra bytes inside the PEM CSR" :
	    "the PEM holds no valid CSR";
out:
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	ERR_clear_error();
	return rc == 0 ? 0 : -1;
}

static int
digest_index(int nid)
{
	size_t i;

	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (digests[i].nid == nid)
			return (int)i;
	return -1;
}

/* The hash an MGF1 AlgorithmIdentifier names, NID_undef if not MGF1. */
static int
mgf1_digest(const X509_ALGOR *mgf)
{
	X509_ALGOR	*hash;
	int		 nid;

	if (OBJ_obj2nid(mgf->algorithm) != NID_mgf1 ||
	    (hash = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
	    mgf->parameter)) == NULL)
		return NID_undef;
	nid = OBJ_obj2nid(hash->algorithm);
	X509_ALGOR_free(hash);
	return nid;
}

/*
 * The digest an RSASSA-PSS signature uses, when its hash and its mask's
 * hash are both ours; else the one that is not (SHA-1 when absent, as
 * RFC 4055 defaults), or NID_undef when the parameters are damaged.
 */
static int
pss_digest(const X509_ALGOR *alg)
{
	RSA_PSS_PARAMS	*pss;
	int		 hash, mask;

	if (alg->parameter == NULL)
		return NID_sha1;
	if ((pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS),
	    alg->parameter)) == NULL)
		return NID_undef;
	hash = pss->hashAlgorithm == NULL ? NID_sha1 :
	    OBJ_obj2nid(pss->hashAlgorithm->algorithm);
	mask = pss->maskGenAlgorithm == NULL ? NID_sha1 :
	    mgf1_digest(pss->maskGenAlgorithm);
	RSA_PSS_PARAMS_free(pss);
	return digest_index(mask) < 0 ? mask : hash;
}

/*
 * Is the signature's digest one of ours?  Adds it to libcrypto's table,
 * where ASN1_item_verify looks it up: RSA-PSS gets all of ours, as its
 * mask function may name another.  EdDSA has no digest.
 */
static int
allow_digest(const X509_ALGOR *alg, const char **why)
{
	const ASN1_OBJECT	*obj;
	size_t			 j;
	int			 md, pk, i;

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (!OBJ_find_sigid_algs(OBJ_obj2nid(obj), &md, &pk)) {
		*why = "unknown signature algorithm";
		return 0;
	}
	if (pk == NID_rsassaPss)
		md = pss_digest(alg);
	if (md == NID_undef && (pk == NID_ED25519 || pk == NID_ED448))
		return 1;
	if ((i = digest_index(md)) < 0) {
		*why = md == NID_undef ? "damaged signature parameters" :
		    "signed with a digest other than SHA-2 or SHA-3";
		return 0;
	}
	for (j = 0; j < sizeof(digests) / sizeof(digests[0]); j++)
		if (j == (size_t)i || pk == NID_rsassaPss)
			EVP_add_digest(digests[j].md());
	return 1;
}

/*
 * Does the CSR's self-signature verify with its own key?  The signed
 * bytes are the request info exactly as received (its kept encoding).
 */
int
csr_verify(const struct csr_view *v, const char **why)
{
	const unsigned char	*der;
	EVP_PKEY		*pkey;
	size_t			 len;
	int			 ok = 0;

	der = csr_spki(v, &len);
	if ((pkey = spki_key(der, len, why)) == NULL)
		return 0;
	if (allow_digest(v->algorithm, why)) {
		ok = ASN1_item_verify(ASN1_ITEM_rptr(CSR_INFO), v->algorithm,
		    v->signature, v->info, pkey) == 1;
		if (!ok)
			*why = "the signature does not verify";
	}
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return ok;
}

static const char *
display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

/*
 * Read and parse the CSR at path ("-" is stdin).  Reports and returns an
 * exit status.
 */
int
csr_read(const char *path, struct csr *csr)
{
	const char	*why;
	int		 rc;

	if ((rc = util_read_file(path, CSR_MAX, "CSR", EX_DATAERR,
	    &csr->raw)) != 0)
		return rc;
	if (csr_parse(csr->raw.data, csr->raw.len, &csr->view, &why) != 0) {
		msg_err("CSR %s: %s", display_name(path), why);
		return EX_DATAERR;
	}
	return 0;
}

/*
 * With -popo 0 the RA vouches for proof of possession: the read CSR's
 * signature must verify (once).  Reports and returns an exit status.
 */
int
csr_check(const char *path, struct csr *csr)
{
	const char *why;

	if (csr->verified)
		return 0;
	if (!csr_verify(csr->view, &why)) {
		msg_err("CSR %s: %s", display_name(path), why);
		return EX_DATAERR;
	}
	csr->verified = 1;
	return 0;
}

/* csr_read, then csr_check. */
int
csr_load(const char *path, struct csr *csr)
{
	int rc;

	if ((rc = csr_read(path, csr)) != 0)
		return rc;
	return csr_check(path, csr);
}

static int
pem_wrap(const char *label, const unsigned char *der, size_t len,
    struct buf *out)
{
	BIO	*bio;
	char	*p;
	long	 n;

	if (len > LONG_MAX || (bio = BIO_new(BIO_s_mem())) == NULL)
		return EX_SOFTWARE;
	if (PEM_write_bio(bio, label, "", der, (long)len) <= 0) {
		BIO_free(bio);
		return EX_SOFTWARE;
	}
	n = BIO_get_mem_data(bio, &p);
	buf_append(out, p, (size_t)n);
	BIO_free(bio);
	return 0;
}

/*
 * The CSR as PEM, for openssl to read from a pipe (it reads DER only from
 * a file it can open twice).  PEM input is passed as read; DER is wrapped
 * as it is, byte for byte.
 */
int
csr_pem(const struct csr *csr, struct buf *out)
{
	if (csr->raw.len > 0 && csr->raw.data[0] != 0x30)
		buf_append(out, csr->raw.data, csr->raw.len);
	else if (pem_wrap(PEM_STRING_X509_REQ, csr->raw.data, csr->raw.len,
	    out) != 0) {
		msg_err("cannot encode the CSR as PEM");
		return EX_SOFTWARE;
	}
	return 0;
}

/* The CSR's public key as a PEM PUBLIC KEY, for openssl -newkey. */
int
csr_key_pem(const struct csr_view *v, struct buf *out)
{
	const unsigned char	*der;
	size_t			 len;

	der = csr_spki(v, &len);
	if (pem_wrap(PEM_STRING_PUBLIC, der, len, out) != 0) {
		msg_err("cannot encode the CSR's public key");
		return EX_SOFTWARE;
	}
	return 0;
}

const X509_NAME *
csr_subject(const struct csr_view *v)
{
	return v->info->subject;
}

/* The SubjectPublicKeyInfo, DER, as received. */
const unsigned char *
csr_spki(const struct csr_view *v, size_t *len)
{
	const ASN1_STRING *s = v->info->spki->value.sequence;

	*len = (size_t)ASN1_STRING_length(s);
	return ASN1_STRING_get0_data(s);
}

void
csr_free(struct csr *csr)
{
	csr_view_free(csr->view);
	csr->view = NULL;
	buf_free(&csr->raw);
}

/*
 * The extensions requested (PKCS#9 extensionRequest, or Microsoft's), as
 * X509_REQ_get_extensions finds them.  0 with *exts NULL when there are
 * none, -1 when the attribute is damaged.
 */
static int
csr_extensions(const struct csr_view *v, STACK_OF(X509_EXTENSION) **exts)
{
	const STACK_OF(X509_ATTRIBUTE)	*attrs = v->info->attributes;
	const X509_ATTRIBUTE		*attr;
	const ASN1_TYPE			*val;
	const unsigned char		*p;
	int				 i, nid;

	*exts = NULL;
	for (i = 0; i < sk_X509_ATTRIBUTE_num(attrs); i++) {
		attr = sk_X509_ATTRIBUTE_value(attrs, i);
		nid = OBJ_obj2nid(X509_ATTRIBUTE_get0_object(
		    (X509_ATTRIBUTE *)attr));
		if (nid != NID_ext_req && nid != NID_ms_ext_req)
			continue;
		val = X509_ATTRIBUTE_get0_type((X509_ATTRIBUTE *)attr, 0);
		if (val == NULL || val->type != V_ASN1_SEQUENCE)
			return -1;
		p = val->value.sequence->data;
		*exts = (STACK_OF(X509_EXTENSION) *)ASN1_item_d2i(NULL, &p,
		    val->value.sequence->length,
		    ASN1_ITEM_rptr(X509_EXTENSIONS));
		return *exts != NULL ? 0 : -1;
	}
	return 0;
}

/* String types whose bytes are ASCII text when they are below 0x80. */
static int
is_text_type(int type)
{
	switch (type) {
	case V_ASN1_UTF8STRING:
	case V_ASN1_PRINTABLESTRING:
	case V_ASN1_IA5STRING:
	case V_ASN1_T61STRING:
	case V_ASN1_VISIBLESTRING:
	case V_ASN1_NUMERICSTRING:
		return 1;
	default:
		return 0;
	}
}

/*
 * The subject in openssl's "/type=value/type=value+type=value" form, the
 * form -subject reads.  openssl cmp reads it as ASCII (MBSTRING_ASC), so a
 * value with bytes beyond ASCII cannot be carried and gives NULL.
 */
/*
 * Whether openssl cmp -subject takes this value: it builds the name under
 * the string table's bounds (a CN of at most 64 characters, a C of two), and
 * a value outside them would fail the run as a config error.
 */
static int
subject_value_fits(int nid, const unsigned char *s, int len)
{
	X509_NAME	*scratch = X509_NAME_new();
	int		 ok;

	ok = scratch != NULL && X509_NAME_add_entry_by_NID(scratch, nid,
	    MBSTRING_ASC, s, len, -1, 0) == 1;
	X509_NAME_free(scratch);
	ERR_clear_error();
	return ok;
}

char *
csr_name_to_slash(const X509_NAME *name, const char **why)
{
	const X509_NAME_ENTRY	*ent;
	const ASN1_STRING	*val;
	const unsigned char	*s;
	struct buf		 b = { 0 };
	char			 oid[128];
	int			 i, j, n, nid, prev_set = -1;
	char			*res;

	n = X509_NAME_entry_count(name);
	for (i = 0; i < n; i++) {
		ent = X509_NAME_get_entry(name, i);
		val = X509_NAME_ENTRY_get_data(ent);
		/*
		 * openssl cmp -subject skips, with a warning only, a type it has
		 * no name for (a bare OID): the request would lose it.
		 */
		nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(ent));
		if (nid == NID_undef || OBJ_nid2sn(nid) == NULL ||
		    strlen(OBJ_nid2sn(nid)) >= sizeof(oid))
			goto bad_oid;
		snprintf(oid, sizeof(oid), "%s", OBJ_nid2sn(nid));
		buf_append(&b, X509_NAME_ENTRY_set(ent) == prev_set ? "+" : "/",
		    1);
		prev_set = X509_NAME_ENTRY_set(ent);
		buf_printf(&b, "%s=", oid);
		s = ASN1_STRING_get0_data(val);
		if (!is_text_type(ASN1_STRING_type(val)))
			goto bad_char;
		/* printable ASCII only: the value is shown in --dry-run too */
		for (j = 0; j < ASN1_STRING_length(val); j++) {
			if (s[j] >= 0x7f || s[j] < 0x20)
				goto bad_char;
			if (strchr("/+=\\", s[j]) != NULL)
				buf_append(&b, "\\", 1);
			buf_append(&b, &s[j], 1);
		}
		if (ASN1_STRING_length(val) == 0) {
			*why = "an empty value in the subject";
			goto bad;
		}
		if (!subject_value_fits(nid, s, ASN1_STRING_length(val))) {
			*why = "a subject value out of the bounds openssl "
			    "-subject keeps (a CN over 64 characters, a C that "
			    "is not two letters)";
			goto bad;
		}
	}
	res = util_xstrdup(b.len ? (char *)b.data : "");
	buf_free(&b);
	return res;
bad_oid:
	*why = "an attribute type in the subject that openssl has no name for";
	goto bad;
bad_char:
	*why = "a subject value that is not printable ASCII text";
bad:
	buf_free(&b);
	return NULL;
}

/* One alternative name as openssl cmp -sans would read it back, or NULL. */
static const char *
san_to_arg(const GENERAL_NAME *gn, char *tmp, size_t tmpsz)
{
	const ASN1_STRING	*s;
	const unsigned char	*p;
	unsigned char		*ip;
	int			 i, len;

	switch (gn->type) {
	case GEN_IPADD:
		s = gn->d.iPAddress;
		len = ASN1_STRING_length(s);
		if (len != 4 && len != 16)
			return NULL;
		p = ASN1_STRING_get0_data(s);
		if (len == 4)
			snprintf(tmp, tmpsz, "%u.%u.%u.%u", p[0], p[1], p[2],
			    p[3]);
		else
			for (i = 0, tmp[0] = '\0'; i < 16; i += 2)
				snprintf(tmp + strlen(tmp), tmpsz - strlen(tmp),
				    "%s%x", i ? ":" : "", p[i] << 8 | p[i + 1]);
		return tmp;
	case GEN_DNS:
	case GEN_URI:
		s = gn->type == GEN_DNS ? gn->d.dNSName :
		    gn->d.uniformResourceIdentifier;
		len = ASN1_STRING_length(s);
		p = ASN1_STRING_get0_data(s);
		if (len <= 0 || (size_t)len >= tmpsz)
			return NULL;
		for (i = 0; i < len; i++)
			if (p[i] <= ' ' || p[i] >= 0x7f || p[i] == ',')
				return NULL;
		memcpy(tmp, p, (size_t)len);
		tmp[len] = '\0';
		/* -sans reads an IP address first, then a name with ':' as URI. */
		if ((ip = (unsigned char *)a2i_IPADDRESS(tmp)) != NULL) {
			ASN1_OCTET_STRING_free((ASN1_OCTET_STRING *)ip);
			return NULL;
		}
		ERR_clear_error();
		if ((strchr(tmp, ':') != NULL) != (gn->type == GEN_URI))
			return NULL;
		/* -sans reads the word "critical" as a switch, not a name. */
		if (strcmp(tmp, "critical") == 0)
			return NULL;
		return tmp;
	default:
		return NULL;
	}
}

/*
 * The "fields" mapping: the subject for -subject and the alternative
 * names for -sans (NULL when there are none).  Refuses (returns -1 with
 * *why) what those flags cannot carry faithfully: e-mail and other name
 * types, names with separators, requested extensions other than SANs.
 */
int
csr_fields(const struct csr_view *v, char **subject, char **sans,
    const char **why)
{
	STACK_OF(X509_EXTENSION)	*exts;
	GENERAL_NAMES			*gens = NULL;
	X509_EXTENSION			*ext, *san_ext = NULL;
	struct buf			 b = { 0 };
	char				 tmp[1024];
	const char			*arg;
	int				 i, rc = -1;

	*subject = *sans = NULL;
	if (csr_extensions(v, &exts) != 0) {
		*why = "its extension request is damaged";
		goto out;
	}
	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		ext = sk_X509_EXTENSION_value(exts, i);
		if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) !=
		    NID_subject_alt_name) {
			*why = "it requests extensions other than "
			    "subjectAltName";
			goto out;
		}
		if (gens != NULL) {
			*why = "it holds two subjectAltName extensions";
			goto out;
		}
		san_ext = ext;
		if ((gens = X509V3_EXT_d2i(ext)) == NULL) {
			*why = "its subjectAltName extension is damaged";
			goto out;
		}
	}
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		arg = san_to_arg(sk_GENERAL_NAME_value(gens, i), tmp,
		    sizeof(tmp));
		if (arg == NULL) {
			*why = "it holds an alternative name that -sans "
			    "cannot carry (only DNS, IP and URI names)";
			goto out;
		}
		buf_printf(&b, "%s%s", b.len ? " " : "", arg);
	}
	if ((*subject = csr_name_to_slash(csr_subject(v),
	    why)) == NULL)
		goto out;
	/*
	 * openssl cmp marks the SANs it adds critical exactly when the subject
	 * is empty (RFC 5280, 4.2.1.6): anything else would change the request.
	 */
	if (san_ext != NULL &&
	    X509_EXTENSION_get_critical(san_ext) != (**subject == '\0')) {
		*why = **subject == '\0' ? "its subjectAltName is not critical "
		    "although the subject is empty" : "its subjectAltName is "
		    "critical although the subject is not empty";
		goto out;
	}
	if (b.len > 0)
		*sans = util_xstrdup((char *)b.data);
	rc = 0;
out:
	if (rc != 0) {
		free(*subject);
		*subject = NULL;
	}
	GENERAL_NAMES_free(gens);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	buf_free(&b);
	ERR_clear_error();
	return rc;
}
