/*
 * genm_req.c: a certificate request template shown: as text, as JSON,
 * and as the openssl req options that make a CSR the CA will accept.
 *
 * Everything shown here but our own words is CA text.  It is kept as the
 * CA sent it; escaping for the terminal applies where the caller prints
 * it (the one escaping function, once it is in), marked "CA text" below.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

#include "genm_tmpl.h"
#include "output.h"

/* Our own choices where the CA leaves the key open. */
#define DEFAULT_CURVE	"P-256"
#define DEFAULT_RSA	3072

/* s in single quotes for a POSIX shell: ' becomes '\''. */
static void
sh_quote(struct buf *b, const char *s, size_t len)
{
	size_t i;

	buf_append(b, "'", 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '\'')
			buf_append(b, "'\\''", 4);
		else
			buf_append(b, &s[i], 1);
	}
	buf_append(b, "'", 1);
}

/* The key the options make: the first the CA names in full, else the first. */
static const struct keyspec *
key_choice(const struct genm_template *t)
{
	size_t i;

	for (i = 0; i < t->nkeys; i++)
		if ((t->keys[i].kind == SPEC_RSA && t->keys[i].bits > 0) ||
		    (t->keys[i].kind == SPEC_EC && *t->keys[i].name != '\0') ||
		    t->keys[i].kind == SPEC_NAMED)
			return &t->keys[i];
	return t->nkeys > 0 ? &t->keys[0] : NULL;
}

static void
req_newkey(const struct keyspec *k, struct buf *b)
{
	if (k == NULL || (k->kind == SPEC_EC && *k->name == '\0'))
		buf_printf(b, "-newkey ec -pkeyopt ec_paramgen_curve:%s",
		    DEFAULT_CURVE);
	else if (k->kind == SPEC_EC)
		buf_printf(b, "-newkey ec -pkeyopt ec_paramgen_curve:%s",
		    k->name);
	else if (k->kind == SPEC_RSA)
		buf_printf(b, "-newkey rsa:%d", k->bits > 0 ? k->bits :
		    DEFAULT_RSA);
	else if (k->kind == SPEC_NAMED)
		buf_printf(b, "-newkey %s", k->name);
}

/* An attribute's type as openssl names it ("CN"), or its OID. */
static void
attr_type(const X509_NAME_ENTRY *ne, char *out, size_t sz)
{
	const ASN1_OBJECT	*obj = X509_NAME_ENTRY_get_object(ne);
	int			 nid = OBJ_obj2nid(obj);

	if (nid != NID_undef)
		snprintf(out, sz, "%s", OBJ_nid2sn(nid));
	else
		genm_oid_text(obj, out, sz);
}

/* A value for -subj: '/', '+' and '\' escaped as openssl reads them. */
static void
subj_value(struct buf *b, const unsigned char *s, int len, int *utf8)
{
	int i;

	for (i = 0; i < len; i++) {
		if (s[i] == '/' || s[i] == '+' || s[i] == '\\')
			buf_append(b, "\\", 1);
		if (s[i] >= 0x80)
			*utf8 = 1;
		buf_append(b, &s[i], 1);
	}
}

/*
 * The subject in openssl's -subj form, "/O=Org/CN=a+UID=b", in the
 * template's order.  Empty values (to fill in) are left out.
 */
static int
subj_slash(const X509_NAME *name, struct buf *b, int *utf8)
{
	const X509_NAME_ENTRY	*ne;
	unsigned char		*v = NULL;
	char			 type[80];
	int			 i, len, set, last = -1;

	for (i = 0; i < X509_NAME_entry_count(name); i++) {
		ne = X509_NAME_get_entry(name, i);
		if ((len = ASN1_STRING_to_UTF8(&v,
		    X509_NAME_ENTRY_get_data(ne))) < 0)
			return -1;
		set = X509_NAME_ENTRY_set(ne);
		attr_type(ne, type, sizeof(type));
		if (len > 0) {
			buf_printf(b, "%c%s=", set == last ? '+' : '/', type);
			subj_value(b, v, len, utf8);
			last = set;
		}
		OPENSSL_free(v);
		v = NULL;
	}
	return 0;
}

/*
 * The openssl req options for a CSR the CA will accept: -newkey, -subj,
 * one -addext per extension, on one line.  CA text (the subject, the
 * extension values) is single-quoted for the shell the user pastes it
 * into; the terminal escaping of the line applies where it is printed.
 */
void
genm_template_req(const struct genm_template *t, struct buf *b)
{
	const X509_NAME	*subject = OSSL_CRMF_CERTTEMPLATE_get0_subject(t->tmpl);
	struct buf	 subj = { 0 }, ext = { 0 };
	size_t		 i, start = b->len;
	int		 utf8 = 0;

	req_newkey(key_choice(t), b);
	if (subject != NULL && subj_slash(subject, &subj, &utf8) == 0 &&
	    subj.len > 0) {
		buf_printf(b, "%s%s-subj ", b->len > start ? " " : "",
		    utf8 ? "-utf8 " : "");
		sh_quote(b, (char *)subj.data, subj.len);
	}
	for (i = 0; i < t->nexts; i++) {
		if (t->exts[i].conf == NULL)
			continue;
		ext.len = 0;
		buf_printf(&ext, "%s=%s%s", t->exts[i].name,
		    t->exts[i].critical ? "critical," : "", t->exts[i].conf);
		buf_printf(b, "%s-addext ", b->len > start ? " " : "");
		sh_quote(b, (char *)ext.data, ext.len);
	}
	buf_free(&subj);
	buf_free(&ext);
}

/* ------------------------------------------------------------ text, JSON */

static void
key_text(const struct keyspec *k, struct buf *b)
{
	if (k->kind == SPEC_RSA && k->bits > 0)
		buf_printf(b, "RSA, %d bits", k->bits);
	else if (k->kind == SPEC_RSA)
		buf_printf(b, "RSA, any size");
	else if (k->kind == SPEC_EC && *k->name == '\0')
		buf_printf(b, "EC, any curve");
	else if (k->kind == SPEC_EC)
		buf_printf(b, "EC, curve %s (%d bits)", k->name, k->bits);
	else if (k->kind == SPEC_NAMED)
		buf_printf(b, "%s", k->name);
	else
		buf_printf(b, "%s (make this key yourself)", k->name);
}

static void
list_item(struct buf *b, int json, int n, const char *s)
{
	if (n > 0)
		buf_printf(b, "%s", json ? "," : ", ");
	if (json)
		json_string(b, s);
	else
		buf_printf(b, "%s", s);
}

/* What the CA leaves to the requester: empty subject values, extensions. */
static void
fill_in_names(const struct genm_template *t, int json, struct buf *b)
{
	const X509_NAME	*subject = OSSL_CRMF_CERTTEMPLATE_get0_subject(t->tmpl);
	const X509_NAME_ENTRY *ne;
	char		 type[80];
	int		 i, n = 0;
	size_t		 j;

	for (i = 0; subject != NULL && i < X509_NAME_entry_count(subject);
	    i++) {
		ne = X509_NAME_get_entry(subject, i);
		if (ASN1_STRING_length(X509_NAME_ENTRY_get_data(ne)) > 0)
			continue;
		attr_type(ne, type, sizeof(type));
		list_item(b, json, n++, type);
	}
	for (j = 0; j < t->nexts; j++)
		if (t->exts[j].text == NULL)
			list_item(b, json, n++, t->exts[j].name);
}

static void
text_names(const struct genm_template *t, struct buf *b)
{
	const X509_NAME	*issuer = OSSL_CRMF_CERTTEMPLATE_get0_issuer(t->tmpl);
	const X509_NAME	*subject = OSSL_CRMF_CERTTEMPLATE_get0_subject(t->tmpl);
	char		 name[1024];

	if (issuer != NULL) {
		cert_name_text(issuer, name, sizeof(name));
		buf_printf(b, "  Issuer: %s\n", name);
	}
	if (subject != NULL) {
		cert_name_text(subject, name, sizeof(name));
		buf_printf(b, "  Subject: %s\n", name);
	} else {
		buf_printf(b, "  Subject: not given (your choice)\n");
	}
}

/*
 * The template as text, ending with the line of openssl req options.
 * CA text (names, extension values) is shown as the CA sent it: the
 * caller's terminal escaping applies to the whole text.
 */
void
genm_template_text(const struct genm_template *t, struct buf *b)
{
	struct buf	fill = { 0 };
	size_t		i;

	buf_printf(b, "Certificate request template from the CA:\n");
	text_names(t, b);
	buf_printf(b, "  Extensions:%s\n", t->nexts ? "" : " none");
	for (i = 0; i < t->nexts; i++)
		buf_printf(b, "    %s%s: %s\n", t->exts[i].name,
		    t->exts[i].critical ? " (critical)" : "",
		    t->exts[i].text ? t->exts[i].text : "(empty)");
	if (t->nkeys == 0)
		buf_printf(b, "  Key types: not given (EC %s chosen below)\n",
		    DEFAULT_CURVE);
	else
		buf_printf(b, "  Key types (any one of them):\n");
	for (i = 0; i < t->nkeys; i++) {
		buf_printf(b, "    ");
		key_text(&t->keys[i], b);
		buf_printf(b, "\n");
	}
	fill_in_names(t, 0, &fill);
	if (fill.len > 0)
		buf_printf(b, "  To fill in (not in the options below): %s\n",
		    (char *)fill.data);
	buf_printf(b, "openssl req options for a matching CSR:\n");
	genm_template_req(t, b);
	buf_printf(b, "\n");
	buf_free(&fill);
}

static void
json_name(struct buf *b, const char *key, const X509_NAME *name)
{
	char text[1024];

	buf_printf(b, ",\"%s\":", key);
	if (name == NULL) {
		buf_printf(b, "null");
		return;
	}
	cert_name_text(name, text, sizeof(text));
	json_string(b, text);
}

static void
json_key(const struct keyspec *k, struct buf *b)
{
	if (k->kind == SPEC_RSA) {
		buf_printf(b, "{\"type\":\"RSA\",\"bits\":");
		if (k->bits > 0)
			buf_printf(b, "%d}", k->bits);
		else
			buf_printf(b, "null}");
	} else if (k->kind == SPEC_EC && *k->name == '\0') {
		buf_printf(b, "{\"type\":\"EC\",\"curve\":null,\"bits\":null}");
	} else if (k->kind == SPEC_EC) {
		buf_printf(b, "{\"type\":\"EC\",\"curve\":");
		json_string(b, k->name);
		buf_printf(b, ",\"bits\":%d}", k->bits);
	} else {
		buf_printf(b, "{\"type\":");
		json_string(b, k->name);
		buf_printf(b, "}");
	}
}

static void
json_exts(const struct genm_template *t, struct buf *b)
{
	size_t i;

	buf_printf(b, ",\"extensions\":[");
	for (i = 0; i < t->nexts; i++) {
		buf_printf(b, "%s{\"name\":", i ? "," : "");
		json_string(b, t->exts[i].name);
		buf_printf(b, ",\"critical\":%s,\"value\":",
		    t->exts[i].critical ? "true" : "false");
		if (t->exts[i].text != NULL)
			json_string(b, t->exts[i].text);
		else
			buf_printf(b, "null");
		buf_printf(b, "}");
	}
	buf_printf(b, "]");
}

/*
 * {"status":"received","exit_code":0,"issuer":..,"subject":..,
 * "extensions":[{"name","critical","value"}],"key_specs":[..],
 * "fill_in":[..],"openssl_req":".."}
 */
void
genm_template_json(const struct genm_template *t, struct buf *b)
{
	struct buf	req = { 0 };
	size_t		i;

	buf_printf(b, "{\"status\":\"received\",\"exit_code\":0");
	json_name(b, "issuer", OSSL_CRMF_CERTTEMPLATE_get0_issuer(t->tmpl));
	json_name(b, "subject", OSSL_CRMF_CERTTEMPLATE_get0_subject(t->tmpl));
	json_exts(t, b);
	buf_printf(b, ",\"key_specs\":[");
	for (i = 0; i < t->nkeys; i++) {
		buf_printf(b, "%s", i ? "," : "");
		json_key(&t->keys[i], b);
	}
	buf_printf(b, "],\"fill_in\":[");
	fill_in_names(t, 1, b);
	buf_printf(b, "],\"openssl_req\":");
	genm_template_req(t, &req);
	json_string(b, req.len ? (char *)req.data : "");
	buf_printf(b, "}\n");
	buf_free(&req);
}
