/*
 * config.h: the [CAhandler] section and the command line become one
 * openssl cmp command: an argv vector in which secrets appear only as
 * env:NAME references, plus the child-only environment holding them.
 */
#ifndef CMPENROLL_CONFIG_H
#define CMPENROLL_CONFIG_H

#include <stddef.h>

#include "csr.h"
#include "ini.h"

enum mapping { MAPPING_CSR, MAPPING_FIELDS };

enum key_kind {
	KEY_FLAG,	/* cmp_<flag> = value becomes -<flag> value */
	KEY_OWN,	/* read by the tool itself */
	KEY_RESERVED,	/* a flag the tool sets itself: refused */
	KEY_SECRET	/* a pass phrase source: never on the command line */
};

/* What the command line says; NULL or -1 where it says nothing. */
struct options {
	const char	*config_path;
	const char	*section;
	const char	*mapping;
	const char	*cmd;
	const char	*oldcert;
	const char	*key;
	const char	*revoke;	/* certificate to revoke: -cmd rr */
	int		 revreason;	/* -1: none */
	int		 genm;		/* a general message: -cmd genm */
	int		 debug;		/* -vv: openssl -verbosity 7 */
};

struct config {
	char		*path;
	const char	*section;
	struct ini	*ini;
	const char	*openssl_bin;
	const char	*tmp_dir;
};

/* The files the tool's own flags name. */
struct files {
	const char	*csr;
	const char	*newkey;
	const char	*certout;
	const char	*extracertsout;
	const char	*cacertsout;
	const char	*const *genm;	/* a general message's flags (genm.h) */
	size_t		 ngenm;
};

struct arg {
	char	*s;
	int	 secret;	/* shown as **** wherever the command is shown */
};

struct command {
	struct arg	*argv;
	size_t		 argc, cap;
	char		**env;		/* NAME=value, for the child only */
	size_t		 nenv;
	enum mapping	 mapping;
	char		 cmd[8];
};

int	 config_load(const char *, const char *, struct config *);
int	 config_rules(const struct config *);
int	 config_section_rules(const struct config *);
int	 config_entry_rules(const struct config *, const struct ini_entry *);
const char *config_key_problem(const char *);
void	 config_free(struct config *);
const char *config_value(const struct config *, const char *);
int	 config_gives_value(const struct config *, const char *);
int	 config_is_true(const struct config *, const char *);
int	 config_command(const struct config *, const struct options *,
	    const struct files *, const struct csr_view *, struct command *);
int	 config_resolve(const struct config *, const struct options *,
	    struct command *);
void	 command_free(struct command *);
void	 config_each_file(const char *, int, void (*)(const char *, void *),
	    void *);
void	 config_openssl_command(const struct config *, const char *const *,
	    size_t, struct command *);
char	*config_recipient_to_slash(const char *);
int	 config_reason_number(const char *);
int	 config_cmd_known(const char *);
enum key_kind config_key_kind(const char *);

#endif
