/*
 * probe.h: can the CA (or the proxy in front of it) be reached?  Asked
 * before openssl starts, so that a typo is named at once: openssl 3.0
 * retries a refused connection until -msg_timeout and then calls it a
 * "connect timeout", which sends the operator to the firewall.
 */
#ifndef CMPENROLL_PROBE_H
#define CMPENROLL_PROBE_H

#include "config.h"

/* Where openssl will connect: the CA, or the proxy in front of it. */
struct probe_target {
	char	host[256];
	char	port[16];
	int	proxy;		/* 1: host:port is the proxy */
	char	proxy_from[32];	/* "cmp_proxy", "https_proxy", ... */
};

int	 probe_target(const struct config *, struct probe_target *);
int	 probe_reach(const struct probe_target *, unsigned int);
int	 probe_ca(const struct config *);

#endif
