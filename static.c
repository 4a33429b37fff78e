/*
 * static.c: linked only into the static build (glibc and libcrypto linked
 * in, see the Makefile).  libcrypto's socket and shared-object code refers
 * to the glibc functions below, which load shared objects at run time: the
 * name service (NSS) modules behind the host and service lookups, or any
 * object for dlopen.  In a static binary those would have to come from the
 * very glibc version it was linked with, which the system need not have.
 * cmpenroll resolves no name (openssl cmp does) and loads no module, so the
 * link sends libcrypto's calls of them here (ld --wrap), and they fail.
 */
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <stddef.h>

int	 __wrap_getaddrinfo(const char *, const char *,
	    const struct addrinfo *, struct addrinfo **);
void	 __wrap_freeaddrinfo(struct addrinfo *);
int	 __wrap_getnameinfo(const struct sockaddr *, socklen_t, char *,
	    socklen_t, char *, socklen_t, int);
struct hostent *__wrap_gethostbyname(const char *);
void	*__wrap_dlopen(const char *, int);
void	*__wrap_dlsym(void *, const char *);
int	 __wrap_dlclose(void *);
char	*__wrap_dlerror(void);
int	 __wrap_dladdr(const void *, Dl_info *);

int
__wrap_getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	(void)node;
	(void)service;
	(void)hints;
	*res = NULL;
	return EAI_FAIL;
}

void
__wrap_freeaddrinfo(struct addrinfo *ai)
{
	(void)ai;
}

int
__wrap_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
	(void)sa;
	(void)salen;
	(void)host;
	(void)hostlen;
	(void)serv;
	(void)servlen;
	(void)flags;
	return EAI_FAIL;
}

struct hostent *
__wrap_gethostbyname(const char *name)
{
	(void)name;
	h_errno = NO_RECOVERY;
	return NULL;
}

void *
__wrap_dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}

void *
__wrap_dlsym(void *handle, const char *name)
{
	(void)handle;
	(void)name;
	return NULL;
}

int
__wrap_dlclose(void *handle)
{
	(void)handle;
	return -1;
}

/* libcrypto quotes this string after a failed dlopen or dlsym. */
char *
__wrap_dlerror(void)
{
	static char why[] = "no shared objects in a static cmpenroll";

	return why;
}

int
__wrap_dladdr(const void *addr, Dl_info *info)
{
	(void)addr;
	(void)info;
	return 0;
}
