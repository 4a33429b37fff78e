/*
 * ask.h: the general messages of RFC 9483, 4.3: --get-ca-certs,
 * --get-root-update, --get-template, --get-crl.
 */
#ifndef CMPENROLL_ASK_H
#define CMPENROLL_ASK_H

#include "enroll.h"

int	 ask_ca(struct state *, const struct cli *);

#endif
