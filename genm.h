/*
 * genm.h: what a CA answers to a general message (RFC 9483, 4.3), read
 * from the files openssl cmp saved: its CA certificates (4.3.1), a root CA
 * update (4.3.2), a certificate request template (4.3.3), a CRL (4.3.4).
 * Pure functions over buffers: they print nothing and keep no state; a
 * refusal comes back as a reason (*why, a static string) for the caller's
 * one message.
 *
 * The openssl cmp argv, after -cmd genm and the config's flags (genm_argv
 * builds it):
 *
 *   --get-ca-certs     -infotype caCerts -cacertsout F0
 *   --get-root-update  -infotype rootCaCert -oldwithold OLDROOT
 *                      [-trusted OLDROOT] -newwithnew F0 -newwithold F1
 *                      -oldwithnew F2
 *   --get-template     -infotype certReqTemplate -template F0 -keyspec F1
 *   --get-crl          -infotype crlStatusList [-crlcert CERT]
 *                      [-oldcrl CRL] -crlout F0
 *
 * What openssl writes (3.2.6, 3.5.4 and 3.6.0 alike), and how it says
 * there is nothing: it always exits 0 then, and only the files tell.
 *
 *   caCerts      F0: PEM certificates, as the CA sent them.  None sent:
 *                F0 is not written (nor emptied), a warning is logged.
 *   rootCaCert   F0, F1, F2: one PEM certificate each.  A certificate the
 *                CA did not send is deleted; no update (no newWithNew)
 *                deletes all three.  openssl itself has then checked
 *                newWithNew via newWithOld against OLDROOT.
 *   certReqTemplate  F0: the CertTemplate, DER; F1: the keySpec
 *                (Controls), DER, when the CA sent one.  No template:
 *                both are deleted.  3.5 and later only.
 *   crlStatusList    F0: the CRL, DER (-crlform PEM would make it PEM;
 *                genm_crl_read takes both).  No newer CRL: F0 is deleted.
 *                3.5 and later only; -crlcert or -oldcrl is required.
 *
 * So F0..F2 must be fresh regular files in the private work folder, not
 * the runner's /dev/fd capture pipes: openssl's unlink of /dev/fd/N fails,
 * and it then exits 1 ("Failed to delete /dev/fd/4, which should be done
 * to indicate there is no ...") where the answer was "nothing new", or
 * where a root update simply came without oldWithNew.
 *
 * rootCaCert needs a trust store: openssl 3.2 to 3.6 dereference the
 * missing store and die of SIGSEGV when -oldwithold is given without
 * -trusted.  With PBM (no cmp_trusted, no cmp_srvcert) pass -trusted
 * OLDROOT (add_trusted below); with cmp_trusted set, add nothing; with
 * cmp_srvcert, openssl ignores -trusted and crashes whatever is passed, so
 * the mode must be refused before anything is sent.
 */
#ifndef CMPENROLL_GENM_H
#define CMPENROLL_GENM_H

#include <stddef.h>

#include <openssl/x509.h>

#include "cert.h"
#include "util.h"

enum genm_mode {
	GENM_CA_CERTS,		/* 4.3.1, infotype caCerts */
	GENM_ROOT_UPDATE,	/* 4.3.2, infotype rootCaCert */
	GENM_TEMPLATE,		/* 4.3.3, infotype certReqTemplate */
	GENM_CRL,		/* 4.3.4, infotype crlStatusList */
	GENM_MODES
};

/* What each function returns. */
#define GENM_OK		0
#define GENM_NOTHING	1	/* the CA has nothing (new): exit 1 */
#define GENM_REFUSED	(-1)	/* *why says what is wrong */

/* The most files openssl saves for one mode (F0..F2 above). */
#define GENM_SAVED_MAX	3
/* The most argv elements genm_argv adds. */
#define GENM_ARGV_MAX	20

struct genm_spec {
	const char	*option;	/* "--get-template" */
	const char	*infotype;	/* "certReqTemplate" */
	unsigned long	 since;		/* 0x030500: the first OpenSSL with it */
	const char	*since_text;	/* "3.5" */
	const char	*saves[GENM_SAVED_MAX];	/* "-template", "-keyspec" */
	const char	*nothing;	/* the one line when there is nothing */
};

/* The inputs of a mode and the files openssl is to save. */
struct genm_args {
	const char	*old_root;	/* rootCaCert: the root to update */
	int		 add_trusted;	/* rootCaCert: also -trusted old_root */
	const char	*crl_cert;	/* crlStatusList: -crlcert */
	const char	*old_crl;	/* crlStatusList: -oldcrl */
	const char	*saved[GENM_SAVED_MAX];	/* F0..F2 */
};

const struct genm_spec *genm_spec(enum genm_mode);
const char	*genm_version_refusal(enum genm_mode, unsigned long,
		    const char *, char *, size_t);
size_t		 genm_argv(enum genm_mode, const struct genm_args *,
		    const char **, size_t);
void		 genm_nothing_json(enum genm_mode, struct buf *);

/* A certificate as the CA sent it: parsed, and its DER kept unchanged. */
struct genm_cert {
	X509		*x509;		/* NULL: absent */
	unsigned char	*der;
	size_t		 len;
};

struct genm_certs {
	struct genm_cert c[CERTS_MAX];
	size_t		 n;
};

int	 genm_read_certs(const struct buf *, struct genm_certs *,
	    const char **);
void	 genm_certs_free(struct genm_certs *);
int	 genm_cert_pem(const struct genm_cert *, struct buf *);

/* --get-ca-certs */
int	 genm_ca_certs(const struct buf *, struct genm_certs *,
	    const char **);
int	 genm_ca_certs_pem(const struct genm_certs *, struct buf *);
void	 genm_ca_certs_json(const struct genm_certs *, struct buf *);

/* --get-root-update */
struct genm_root {
	struct genm_cert new_with_new;
	struct genm_cert new_with_old;
	struct genm_cert old_with_new;	/* x509 NULL when not sent */
};

int	 genm_root_update(const struct buf *, const struct buf *,
	    const struct buf *, const struct buf *, struct genm_root *,
	    const char **);
int	 genm_root_pem(const struct genm_root *, struct buf *);
void	 genm_root_json(const struct genm_root *, struct buf *);
void	 genm_root_free(struct genm_root *);

/* --get-template */
struct genm_template;

int	 genm_template_parse(const struct buf *, const struct buf *,
	    struct genm_template **, const char **);
void	 genm_template_text(const struct genm_template *, struct buf *);
void	 genm_template_req(const struct genm_template *, struct buf *);
void	 genm_template_json(const struct genm_template *, struct buf *);
void	 genm_template_free(struct genm_template *);

/* --get-crl */
struct genm_crl {
	X509_CRL	*crl;
	unsigned char	*der;
	size_t		 len;
	char		 issuer[1024];
	char		 this_update[32];
	char		 next_update[32];	/* "" when absent */
};

int	 genm_crl_read(const struct buf *, struct genm_crl *, const char **);
int	 genm_crl_pem(const struct genm_crl *, struct buf *);
void	 genm_crl_json(const struct genm_crl *, struct buf *);
void	 genm_crl_free(struct genm_crl *);

#endif
