/*
 * genm_tmpl.h: the view of a certificate request template that
 * genm_tmpl.c reads and genm_req.c shows; private to the two.
 */
#ifndef CMPENROLL_GENM_TMPL_H
#define CMPENROLL_GENM_TMPL_H

#include <openssl/crmf.h>

#include "genm.h"

/* Bounds on what one template may list. */
#define KEYSPECS_MAX	16
#define EXTS_MAX	32

enum spec_kind {
	SPEC_RSA,	/* bits 0: any size */
	SPEC_EC,	/* name "": any curve */
	SPEC_NAMED,	/* -newkey name: EdDSA, RSA-PSS */
	SPEC_OTHER	/* a key openssl req is not told how to make */
};

struct keyspec {
	enum spec_kind	kind;
	int		bits;		/* RSA modulus, EC degree; 0 unknown */
	char		name[80];	/* curve, algorithm, or OID */
};

struct tmpl_ext {
	char		 name[80];	/* "subjectAltName", or the OID */
	int		 critical;
	char		*text;		/* CA text; NULL: empty, to fill in */
	char		*conf;		/* the -addext value; NULL: none */
};

struct genm_template {
	OSSL_CRMF_CERTTEMPLATE	*tmpl;
	struct keyspec		 keys[KEYSPECS_MAX];
	size_t			 nkeys;
	struct tmpl_ext		 exts[EXTS_MAX];
	size_t			 nexts;
};

void	genm_oid_text(const ASN1_OBJECT *, char *, size_t);

#endif
