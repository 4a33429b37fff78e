/*
 * csr.c: the CSR is parsed strictly (one object, nothing before or after
 * it) by libcrypto's own decoder, its self-signature must verify before
 * anything is sent, and the "fields" mapping refuses whatever openssl
 * cmp's -subject and -sans cannot carry faithfully instead of
 * mis-encoding it.
 *
 * Which key types and signature algorithms a CSR may use is libcrypto's
 * answer, not a list of ours: whatever it can decode and verify is
 * accepted, so that a newer libcrypto brings its new algorithms along.
 * One rule says what proves nothing, for every type alike (csr_verify).
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "csr.h"

/* NIST SP 800-57: below this a signature proves nothing today. */
#define SECURITY_BITS_MIN	112

struct csr_view {
	X509_REQ	*req;
};

/* What a PEM label or DER object that is not a CSR holds, by name. */
static const struct {
	const char	*label;
	const char	*what;
} pem_kinds[] = {
	{ "CERTIFICATE",		"a certificate" },
	{ "TRUSTED CERTIFICATE",	"a certificate" },
	{ "X509 CRL",			"a CRL" },
	{ "PRIVATE KEY",		"a private key" },
	{ "ENCRYPTED PRIVATE KEY",	"a private key" },
	{ "RSA PRIVATE KEY",		"a private key" },
	{ "EC PRIVATE KEY",		"a private key" },
	{ "DSA PRIVATE KEY",		"a private key" },
	{ "OPENSSH PRIVATE KEY",	"a private key" },
	{ "PUBLIC KEY",			"a public key" },
	{ "RSA PUBLIC KEY",		"a public key" },
	{ "PKCS7",			"a PKCS#7 structure" },
	{ "CMS",			"a CMS structure" },
};

/* One reason per parse, for *why: names the object found. */
static char	 why_buf[160];

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
	if (v == NULL)
		return;
	X509_REQ_free(v->req);
	free(v);
}

/* Probes for what a DER object that is not a CSR holds. */
static int
is_certificate(const unsigned char *p, long len)
{
	X509 *x = d2i_X509(NULL, &p, len);

	X509_free(x);
	return x != NULL;
}

static int
is_crl(const unsigned char *p, long len)
{
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, len);

	X509_CRL_free(crl);
	return crl != NULL;
}

static int
is_private_key(const unsigned char *p, long len)
{
	EVP_PKEY *k = d2i_AutoPrivateKey(NULL, &p, len);

	EVP_PKEY_free(k);
	return k != NULL;
}

static int
is_public_key(const unsigned char *p, long len)
{
	EVP_PKEY *k = d2i_PUBKEY(NULL, &p, len);

	EVP_PKEY_free(k);
	return k != NULL;
}

static const struct {
	int		(*is)(const unsigned char *, long);
	const char	*what;
} der_kinds[] = {
	{ is_certificate,	"a certificate" },
	{ is_crl,		"a CRL" },
	{ is_private_key,	"a private key" },
	{ is_public_key,	"a public key" },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* A reason naming what was found instead of a CSR; never its content. */
static const char *
not_a_csr(const char *what, const char *label)
{
	snprintf(why_buf, sizeof(why_buf), "this is %s (%.40s), not a CSR",
	    what, label);
	return why_buf;
}

static const char *
pem_kind(const char *label)
{
	size_t i;

	for (i = 0; i < NITEMS(pem_kinds); i++)
		if (strcmp(label, pem_kinds[i].label) == 0)
			return not_a_csr(pem_kinds[i].what, label);
	snprintf(why_buf, sizeof(why_buf), "the PEM label is %.40s, not "
	    "CERTIFICATE REQUEST", label);
	return why_buf;
}

static const char *
der_kind(const unsigned char *der, long len)
{
	size_t i;

	for (i = 0; i < NITEMS(der_kinds); i++)
		if (der_kinds[i].is(der, len)) {
			ERR_clear_error();
			return not_a_csr(der_kinds[i].what, "DER");
		}
	ERR_clear_error();
	return NULL;
}

/*
 * One DER CSR, nothing after it: 0, or -1 with *why (what it is when it
 * is something else).
 */
static int
parse_der(const unsigned char *der, size_t len, struct csr_view **out,
    const char **why)
{
	const unsigned char	*p = der;
	X509_REQ		*req;

	if (len > LONG_MAX) {
		*why = "too large";
		return -1;
	}
	if ((req = d2i_X509_REQ(NULL, &p, (long)len)) == NULL) {
		if ((*why = der_kind(der, (long)len)) == NULL)
			*why = "not a valid DER CSR";
		return -1;
	}
	if (p != der + len) {
		X509_REQ_free(req);
		*why = "extra bytes after the DER CSR";
		return -1;
	}
	*out = util_xcalloc(1, sizeof(**out));
	(*out)->req = req;
	return 0;
}

/* The one PEM block in bio: a CSR, nothing around it. */
static int
parse_pem(BIO *bio, struct csr_view **out, const char **why)
{
	char		*name = NULL, *header = NULL, *rest;
	unsigned char	*data = NULL;
	long		 dlen = 0, restlen;
	int		 rc = -1;

	if (!PEM_read_bio(bio, &name, &header, &data, &dlen)) {
		*why = "truncated or damaged PEM";
		goto out;
	}
	if (strcmp(name, PEM_STRING_X509_REQ) != 0 &&
	    strcmp(name, PEM_STRING_X509_REQ_OLD) != 0) {
		*why = pem_kind(name);
		goto out;
	}
	restlen = BIO_get_mem_data(bio, &rest);
	if ((header != NULL && *header != '\0') ||
	    (restlen > 0 && !only_space((unsigned char *)rest,
	    (size_t)restlen))) {
		*why = "extra data around the PEM CSR";
		goto out;
	}
	if ((rc = parse_der(data, (size_t)dlen, out, why)) != 0 &&
	    strcmp(*why, "extra bytes after the DER CSR") == 0)
		*why = "extra bytes inside the PEM CSR";
	else if (rc != 0)
		*why = "the PEM holds no valid CSR";
out:
	OPENSSL_free(name);
	OPENSSL_free(header);
	/* It may be a private key given by mistake: wipe it. */
	OPENSSL_clear_free(data, dlen > 0 ? (size_t)dlen : 0);
	return rc;
}

/*
 * Parse one CSR, PEM (with the label "CERTIFICATE REQUEST" or "NEW
 * CERTIFICATE REQUEST") or DER.  On failure *why says what is wrong,
 * and what the input is when it is another object.
 */
int
csr_parse(const unsigned char *buf, size_t len, struct csr_view **out,
    const char **why)
{
	const unsigned char	*p;
	BIO			*bio;
	int			 rc;

	*out = NULL;
	p = buf;
	while (buf != NULL && p < buf + len && isspace(*p))
		p++;
	if (buf == NULL || p == buf + len) {
		*why = "empty";
		return -1;
	}
	if ((size_t)(buf + len - p) < 11 || memcmp(p, "-----BEGIN ", 11) != 0) {
		if (p != buf || *p != 0x30) {
			*why = "neither a PEM nor a DER CSR";
			return -1;
		}
		rc = parse_der(buf, len, out, why);
	} else if (len > INT_MAX || (bio = BIO_new_mem_buf(buf,
	    (int)len)) == NULL) {
		*why = "cannot read";
		rc = -1;
	} else {
		rc = parse_pem(bio, out, why);
		BIO_free(bio);
	}
	ERR_clear_error();
	return rc;
}

/* Collision attacks make a signature over these digests prove nothing. */
static int
weak_digest(int nid)
{
	return nid == NID_md2 || nid == NID_md4 || nid == NID_md5 ||
	    nid == NID_md5_sha1 || nid == NID_sha1;
}

/* The message digest an RSASSA-PSS signature uses (SHA-1 when absent). */
static int
pss_digest(const X509_ALGOR *alg)
{
	RSA_PSS_PARAMS	*pss;
	int		 nid;

	if (alg->parameter == NULL)
		return NID_sha1;
	if ((pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS),
	    alg->parameter)) == NULL)
		return NID_undef;
	nid = pss->hashAlgorithm == NULL ? NID_sha1 :
	    OBJ_obj2nid(pss->hashAlgorithm->algorithm);
	RSA_PSS_PARAMS_free(pss);
	return nid;
}

/* Refuse a signature over MD5 or SHA-1; everything else is libcrypto's. */
static int
digest_acceptable(const X509_REQ *req, const char **why)
{
	const X509_ALGOR	*alg;
	const ASN1_OBJECT	*obj;
	int			 md, pk;

	X509_REQ_get0_signature(req, NULL, &alg);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (!OBJ_find_sigid_algs(OBJ_obj2nid(obj), &md, &pk)) {
		*why = "a signature algorithm that this libcrypto cannot "
		    "verify";
		return 0;
	}
	if (pk == NID_rsassaPss)
		md = pss_digest(alg);
	if (!weak_digest(md))
		return 1;
	snprintf(why_buf, sizeof(why_buf), "signed with %s: a signature "
	    "made with MD5 or SHA-1 proves nothing", OBJ_nid2sn(md));
	*why = why_buf;
	return 0;
}

/* The one rule for every key type: at least 112 bits of security. */
static int
strength_acceptable(const EVP_PKEY *pkey, const char **why)
{
	int bits = EVP_PKEY_get_security_bits(pkey);

	if (bits >= SECURITY_BITS_MIN)
		return 1;
	snprintf(why_buf, sizeof(why_buf), "%s key of %d bits: %d-bit "
	    "security, below %d", EVP_PKEY_get0_type_name(pkey),
	    EVP_PKEY_get_bits(pkey), bits, SECURITY_BITS_MIN);
	*why = why_buf;
	return 0;
}

/* The algorithm of a key libcrypto could not decode, for the message. */
static const char *
unusable_key(const X509_REQ *req)
{
	const ASN1_OBJECT	*obj = NULL;
	char			 oid[80];

	X509_PUBKEY_get0_param((ASN1_OBJECT **)&obj, NULL, NULL, NULL,
	    X509_REQ_get_X509_PUBKEY((X509_REQ *)req));
	if (obj == NULL || OBJ_obj2txt(oid, sizeof(oid), obj, 0) <= 0)
		snprintf(oid, sizeof(oid), "?");
	snprintf(why_buf, sizeof(why_buf), "a public key (%s) that this "
	    "libcrypto cannot decode", oid);
	return why_buf;
}

/*
 * Does the CSR's self-signature verify with its own key, and would it
 * prove anything?  libcrypto decodes the key (an EC point must be on its
 * curve) and verifies the signature over the request info exactly as
 * received.
 */
int
csr_verify(const struct csr_view *v, const char **why)
{
	EVP_PKEY	*pkey;
	int		 ok = 0;

	if ((pkey = X509_REQ_get0_pubkey(v->req)) == NULL)
		*why = unusable_key(v->req);
	else if (digest_acceptable(v->req, why) &&
	    strength_acceptable(pkey, why)) {
		ok = X509_REQ_verify(v->req, pkey) == 1;
		if (!ok)
			*why = "the signature does not verify";
	}
	ERR_clear_error();
	return ok;
}

static const char *
display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

/*
 * Read the CSR at path ("-" is stdin), parse it, and verify its
 * signature: with -popo 0 the RA vouches for proof of possession.
 * Reports and returns an exit status.
 */
int
csr_load(const char *path, struct csr *csr)
{
	const char	*why;
	int		 rc;

	if ((rc = util_read_file(path, CSR_MAX, "CSR", EX_DATAERR,
	    &csr->raw)) != 0)
		return rc;
	if (csr_parse(csr->raw.data, csr->raw.len, &csr->view, &why) != 0 ||
	    !csr_verify(csr->view, &why)) {
		msg_err("CSR %s: %s", display_name(path), why);
		return EX_DATAERR;
	}
	return 0;
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
	unsigned char	*der = NULL;
	int		 len, rc = EX_SOFTWARE;

	if ((len = i2d_X509_PUBKEY(csr_pubkey(v), &der)) > 0)
		rc = pem_wrap(PEM_STRING_PUBLIC, der, (size_t)len, out);
	OPENSSL_free(der);
	if (rc != 0)
		msg_err("cannot encode the CSR's public key");
	return rc;
}

const X509_NAME *
csr_subject(const struct csr_view *v)
{
	return X509_REQ_get_subject_name(v->req);
}

/* The SubjectPublicKeyInfo, as the issued certificate must carry it. */
const X509_PUBKEY *
csr_pubkey(const struct csr_view *v)
{
	return X509_REQ_get_X509_PUBKEY(v->req);
}

void
csr_free(struct csr *csr)
{
	csr_view_free(csr->view);
	csr->view = NULL;
	buf_free(&csr->raw);
}

/*
 * The extensions requested (PKCS#9 extensionRequest, or Microsoft's): 0
 * with *exts (empty when there are none), -1 when the attribute is
 * damaged.
 */
static int
csr_extensions(const struct csr_view *v, STACK_OF(X509_EXTENSION) **exts)
{
	*exts = X509_REQ_get_extensions(v->req);
	return *exts != NULL ? 0 : -1;
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
