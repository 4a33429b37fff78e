/*
 * genm_tmpl.c: the certificate request template of --get-template (RFC
 * 9483, 4.3.3; RFC 9480, 5.3.19.16): the CertTemplate the CA prefilled
 * (RFC 4211, 5) and the key types it accepts (keySpec), read into the
 * view of genm_tmpl.h that genm_req.c shows.
 *
 * The template's publicKey is not read: RFC 9480 says it MUST NOT be used
 * (keySpec says which keys the CA takes), and OpenSSL 3.0 has no getter.
 *
 * CA text (names, extension values) is kept as the CA sent it; genm_req.c
 * says where the terminal escaping applies.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/bio.h>
#include <openssl/crmf.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "genm_tmpl.h"

#define RSA_BITS_MAX	16384

/* RFC 4211 regCtrl arcs; OpenSSL 3.0 has no NIDs for these two. */
#define OID_ALG_ID	"1.3.6.1.5.5.7.5.1.11"	/* id-regCtrl-algId */
#define OID_RSA_KEYLEN	"1.3.6.1.5.5.7.5.1.12"	/* id-regCtrl-rsaKeyLen */

/*
 * keySpec is Controls ::= SEQUENCE SIZE (1..MAX) OF AttributeTypeAndValue
 * (RFC 4211, 6).  OpenSSL 3.5 has OSSL_CMP_ATAVS for it; 3.0 has nothing.
 */
typedef struct {
	ASN1_OBJECT	*type;
	ASN1_TYPE	*value;
} GENM_ATAV;

/* cppcheck-suppress unknownMacro ; OpenSSL's stack macros */
DEFINE_STACK_OF(GENM_ATAV)
typedef STACK_OF(GENM_ATAV) GENM_CONTROLS;

ASN1_SEQUENCE(GENM_ATAV) = {
	ASN1_SIMPLE(GENM_ATAV, type, ASN1_OBJECT),
	ASN1_SIMPLE(GENM_ATAV, value, ASN1_ANY)
/* cppcheck-suppress unknownMacro ; OpenSSL's template macros */
} static_ASN1_SEQUENCE_END(GENM_ATAV)

ASN1_ITEM_TEMPLATE(GENM_CONTROLS) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, Controls, GENM_ATAV)
static_ASN1_ITEM_TEMPLATE_END(GENM_CONTROLS)

void
genm_template_free(struct genm_template *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nexts; i++) {
		free(t->exts[i].text);
		free(t->exts[i].conf);
	}
	OSSL_CRMF_CERTTEMPLATE_free(t->tmpl);
	free(t);
}

/* ---------------------------------------------------------------- keySpec */

/* An OID in dotted form. */
void
genm_oid_text(const ASN1_OBJECT *obj, char *out, size_t sz)
{
	if (OBJ_obj2txt(out, (int)sz, obj, 1) <= 0)
		snprintf(out, sz, "?");
}

/* An EC key on the curve named by the parameters (absent: any curve). */
static void
spec_ec(const X509_ALGOR *alg, struct keyspec *k)
{
	const ASN1_OBJECT	*curve;
	const void		*param;
	EC_GROUP		*group;
	int			 ptype, nid;

	X509_ALGOR_get0(NULL, &ptype, &param, alg);
	k->kind = SPEC_EC;
	if (ptype == V_ASN1_UNDEF || ptype == V_ASN1_NULL)
		return;
	if (ptype != V_ASN1_OBJECT) {
		k->kind = SPEC_OTHER;
		snprintf(k->name, sizeof(k->name), "EC, explicit curve");
		return;
	}
	curve = param;
	if ((nid = OBJ_obj2nid(curve)) == NID_undef) {
		k->kind = SPEC_OTHER;
		genm_oid_text(curve, k->name, sizeof(k->name));
		return;
	}
	snprintf(k->name, sizeof(k->name), "%s", EC_curve_nid2nist(nid) ?
	    EC_curve_nid2nist(nid) : OBJ_nid2sn(nid));
	if ((group = EC_GROUP_new_by_curve_name(nid)) != NULL)
		k->bits = EC_GROUP_get_degree(group);
	EC_GROUP_free(group);
}

/* id-regCtrl-algId: an AlgorithmIdentifier, inside the ANY. */
static int
spec_alg(const ASN1_TYPE *value, struct keyspec *k)
{
	const unsigned char	*p, *end;
	X509_ALGOR		*alg;
	int			 nid;

	if (value->type != V_ASN1_SEQUENCE)
		return -1;
	p = ASN1_STRING_get0_data(value->value.sequence);
	end = p + ASN1_STRING_length(value->value.sequence);
	if ((alg = d2i_X509_ALGOR(NULL, &p, end - p)) == NULL || p != end) {
		X509_ALGOR_free(alg);
		return -1;
	}
	nid = OBJ_obj2nid(alg->algorithm);
	if (nid == NID_X9_62_id_ecPublicKey) {
		spec_ec(alg, k);
	} else if (nid == NID_rsaEncryption) {
		k->kind = SPEC_RSA;
	} else if (nid == NID_ED25519 || nid == NID_ED448 ||
	    nid == NID_rsassaPss) {
		k->kind = SPEC_NAMED;
		snprintf(k->name, sizeof(k->name), "%s", OBJ_nid2sn(nid));
	} else {
		k->kind = SPEC_OTHER;
		genm_oid_text(alg->algorithm, k->name, sizeof(k->name));
	}
	X509_ALGOR_free(alg);
	return 0;
}

/* One AttributeTypeAndValue of keySpec. */
static int
spec_read(const GENM_ATAV *atav, struct keyspec *k, const char **why)
{
	char	oid[80];
	long	bits;

	memset(k, 0, sizeof(*k));
	genm_oid_text(atav->type, oid, sizeof(oid));
	*why = "a damaged keySpec";
	if (strcmp(oid, OID_ALG_ID) == 0)
		return spec_alg(atav->value, k);
	if (strcmp(oid, OID_RSA_KEYLEN) != 0) {
		*why = "a keySpec control other than algId and rsaKeyLen";
		return -1;
	}
	if (atav->value->type != V_ASN1_INTEGER)
		return -1;
	bits = ASN1_INTEGER_get(atav->value->value.integer);
	if (bits < 1 || bits > RSA_BITS_MAX) {
		*why = "an RSA key length out of range";
		return -1;
	}
	k->kind = SPEC_RSA;
	k->bits = (int)bits;
	return 0;
}

static int
keyspec_read(const struct buf *der, struct genm_template *t,
    const char **why)
{
	const unsigned char	*p = der->data;
	GENM_CONTROLS		*ctl;
	int			 i, n, rc = -1;

	ctl = (GENM_CONTROLS *)ASN1_item_d2i(NULL, &p, (long)der->len,
	    ASN1_ITEM_rptr(GENM_CONTROLS));
	*why = "a damaged keySpec";
	if (ctl == NULL || p != der->data + der->len)
		goto out;
	if ((n = sk_GENM_ATAV_num(ctl)) > KEYSPECS_MAX) {
		*why = "more than 16 key specifications";
		goto out;
	}
	for (i = 0; i < n; i++)
		if (spec_read(sk_GENM_ATAV_value(ctl, i), &t->keys[i], why))
			goto out;
	t->nkeys = (size_t)n;
	rc = 0;
out:
	ASN1_item_free((ASN1_VALUE *)ctl, ASN1_ITEM_rptr(GENM_CONTROLS));
	return rc;
}

/* ------------------------------------------------------------- extensions */

/* Is s fit for a list in openssl's config syntax (no comma, no control)? */
static int
conf_safe(const unsigned char *s, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] == 0x7f || s[i] == ',')
			return 0;
	return len > 0;
}

static int
san_one(const GENERAL_NAME *gn, struct buf *b)
{
	const ASN1_STRING	*s = NULL;
	const char		*tag = NULL;
	char			 ip[INET6_ADDRSTRLEN], oid[80];

	switch (gn->type) {
	case GEN_DNS:
		tag = "DNS", s = gn->d.dNSName;
		break;
	case GEN_EMAIL:
		tag = "email", s = gn->d.rfc822Name;
		break;
	case GEN_URI:
		tag = "URI", s = gn->d.uniformResourceIdentifier;
		break;
	case GEN_IPADD:
		s = gn->d.iPAddress;
		if ((s->length != 4 && s->length != 16) || inet_ntop(
		    s->length == 4 ? AF_INET : AF_INET6, s->data, ip,
		    sizeof(ip)) == NULL)
			return -1;
		return buf_printf(b, "IP:%s", ip);
	case GEN_RID:
		genm_oid_text(gn->d.registeredID, oid, sizeof(oid));
		return buf_printf(b, "RID:%s", oid);
	default:
		return -1;
	}
	if (!conf_safe(s->data, s->length))
		return -1;
	return buf_printf(b, "%s:%.*s", tag, s->length, (const char *)s->data);
}

static int
conf_san(const void *value, struct buf *b)
{
	const GENERAL_NAMES	*gens = value;
	int			 i;

	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		if (i > 0)
			buf_printf(b, ", ");
		if (san_one(sk_GENERAL_NAME_value(gens, i), b) != 0)
			return -1;
	}
	return i > 0 ? 0 : -1;
}

static int
conf_ku(const void *value, struct buf *b)
{
	static const char *const names[] = { "digitalSignature",
	    "nonRepudiation", "keyEncipherment", "dataEncipherment",
	    "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly",
	    "decipherOnly" };
	const ASN1_BIT_STRING	*bits = value;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ASN1_BIT_STRING_get_bit(bits, (int)i))
			buf_printf(b, "%s%s", n++ ? ", " : "", names[i]);
	return n > 0 ? 0 : -1;
}

static int
conf_eku(const void *value, struct buf *b)
{
	const EXTENDED_KEY_USAGE	*eku = value;
	const ASN1_OBJECT		*obj;
	char				 oid[80];
	int				 i, nid;

	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		obj = sk_ASN1_OBJECT_value(eku, i);
		if ((nid = OBJ_obj2nid(obj)) != NID_undef)
			snprintf(oid, sizeof(oid), "%s", OBJ_nid2sn(nid));
		else
			genm_oid_text(obj, oid, sizeof(oid));
		buf_printf(b, "%s%s", i ? ", " : "", oid);
	}
	return i > 0 ? 0 : -1;
}

static int
conf_bc(const void *value, struct buf *b)
{
	const BASIC_CONSTRAINTS *bc = value;

	buf_printf(b, "CA:%s", bc->ca ? "TRUE" : "FALSE");
	if (bc->pathlen != NULL)
		buf_printf(b, ", pathlen:%ld", ASN1_INTEGER_get(bc->pathlen));
	return 0;
}

/* Extensions whose value has a config syntax of its own; others: DER. */
static const struct {
	int		 nid;
	ASN1_ITEM_EXP	*it;
	int		(*conf)(const void *, struct buf *);
} ext_syntax[] = {
	{ NID_subject_alt_name, ASN1_ITEM_ref(GENERAL_NAMES), conf_san },
	{ NID_key_usage, ASN1_ITEM_ref(ASN1_BIT_STRING), conf_ku },
	{ NID_ext_key_usage, ASN1_ITEM_ref(EXTENDED_KEY_USAGE), conf_eku },
	{ NID_basic_constraints, ASN1_ITEM_ref(BASIC_CONSTRAINTS), conf_bc },
};

/* The value in openssl's config syntax, or -1. */
static int
ext_conf(X509_EXTENSION *ext, struct buf *b)
{
	int		 nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
	const ASN1_ITEM	*it;
	void		*value;
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < sizeof(ext_syntax) / sizeof(ext_syntax[0]); i++) {
		if (ext_syntax[i].nid != nid)
			continue;
		it = ASN1_ITEM_ptr(ext_syntax[i].it);
		value = ASN1_item_unpack(X509_EXTENSION_get_data(ext), it);
		if (value != NULL)
			rc = ext_syntax[i].conf(value, b);
		ASN1_item_free(value, it);
		break;
	}
	ERR_clear_error();
	return rc;
}

/* "DER:" and the value's octets in hex: openssl takes any extension so. */
static void
ext_der(X509_EXTENSION *ext, struct buf *b)
{
	const ASN1_OCTET_STRING	*v = X509_EXTENSION_get_data(ext);
	int			 i;

	buf_printf(b, "DER:");
	for (i = 0; i < ASN1_STRING_length(v); i++)
		buf_printf(b, "%02X", ASN1_STRING_get0_data(v)[i]);
}

/* openssl's own rendering of the value, its white space made one space. */
static int
ext_print(X509_EXTENSION *ext, struct buf *b)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p;
	long	 n = 0, i;
	int	 space = 0;

	if (bio != NULL && X509V3_EXT_print(bio, ext, 0, 0) == 1)
		n = BIO_get_mem_data(bio, &p);
	for (i = 0; i < n; i++) {
		if (strchr(" \t\r\n", p[i]) != NULL && p[i] != '\0') {
			space = b->len > 0;
			continue;
		}
		if (space)
			buf_append(b, " ", 1);
		buf_append(b, &p[i], 1);
		space = 0;
	}
	BIO_free(bio);
	ERR_clear_error();
	return b->len > 0 ? 0 : -1;
}

static char *
buf_take(struct buf *b)
{
	char *s = util_xstrdup(b->len ? (char *)b->data : "");

	buf_free(b);
	return s;
}

/* One extension's view: its name, criticality, text and -addext value. */
static void
ext_read(X509_EXTENSION *ext, struct tmpl_ext *e)
{
	const ASN1_OBJECT	*obj = X509_EXTENSION_get_object(ext);
	struct buf		 conf = { 0 }, text = { 0 };
	int			 nid = OBJ_obj2nid(obj);

	if (nid != NID_undef)
		snprintf(e->name, sizeof(e->name), "%s", OBJ_nid2sn(nid));
	else
		genm_oid_text(obj, e->name, sizeof(e->name));
	e->critical = X509_EXTENSION_get_critical(ext) > 0;
	/* An empty value is one the CA leaves to the requester. */
	if (ASN1_STRING_length(X509_EXTENSION_get_data(ext)) == 0)
		return;
	if (ext_conf(ext, &conf) == 0) {
		e->text = util_xstrdup((char *)conf.data);
	} else {
		conf.len = 0;
		ext_der(ext, &conf);
		if (ext_print(ext, &text) != 0)
			buf_append(&text, conf.data, conf.len);
		e->text = buf_take(&text);
	}
	e->conf = buf_take(&conf);
}

static int
exts_read(struct genm_template *t, const char **why)
{
	X509_EXTENSIONS	*exts = OSSL_CRMF_CERTTEMPLATE_get0_extensions(t->tmpl);
	int		 i, n = sk_X509_EXTENSION_num(exts);

	if (n > EXTS_MAX) {
		*why = "more than 32 extensions";
		return -1;
	}
	for (i = 0; i < n; i++)
		ext_read(sk_X509_EXTENSION_value(exts, i), &t->exts[i]);
	t->nexts = n > 0 ? (size_t)n : 0;
	return 0;
}

/*
 * --get-template: the DER openssl saved for -template and -keyspec (NULL
 * or empty when it saved none).  GENM_NOTHING without a template;
 * GENM_REFUSED when either does not decode whole.
 */
int
genm_template_parse(const struct buf *tmpl, const struct buf *keyspec,
    struct genm_template **out, const char **why)
{
	struct genm_template	*t;
	const unsigned char	*p;

	*out = NULL;
	if (tmpl == NULL || tmpl->len == 0)
		return GENM_NOTHING;
	if (tmpl->len > CERTFILE_MAX || (keyspec != NULL &&
	    keyspec->len > CERTFILE_MAX)) {
		*why = "larger than 1 MiB";
		return GENM_REFUSED;
	}
	t = util_xcalloc(1, sizeof(*t));
	p = tmpl->data;
	t->tmpl = d2i_OSSL_CRMF_CERTTEMPLATE(NULL, &p, (long)tmpl->len);
	*why = "a damaged certificate template";
	if (t->tmpl == NULL || p != tmpl->data + tmpl->len ||
	    exts_read(t, why) != 0 || (keyspec != NULL && keyspec->len > 0 &&
	    keyspec_read(keyspec, t, why) != 0)) {
		genm_template_free(t);
		ERR_clear_error();
		return GENM_REFUSED;
	}
	*out = t;
	return GENM_OK;
}
