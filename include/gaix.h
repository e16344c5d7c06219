/*
 * gaix — given a host and a service, every way to connect to it, send to it or listen on it.
 *
 * The calls below have the POSIX signatures and use the system's struct addrinfo and the
 * system's EAI_* values, so a program switches to gaix by renaming getaddrinfo() to
 * gaix_getaddrinfo(), freeaddrinfo() to gaix_freeaddrinfo() and gai_strerror() to gaix_strerror().
 *
 * Contexts. A context holds a configuration (which files to read, which policy to sort by) and
 * what was built from it: the hosts and services indexes, the RFC 6724 policy table and what the
 * kernel said about interfaces and routes. The plain calls use one default context, created on
 * first use and safe to share between threads. Every context notices when its files or the
 * network configuration change and rebuilds what changed; see docs/ARCHITECTURE.md for the delay.
 *
 * Every call is thread-safe. A context may be used by many threads at once.
 */
#ifndef GAIX_H
#define GAIX_H

#include <netdb.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define GAIX_API __attribute__((visibility("default")))
#else
#define GAIX_API
#endif

#define GAIX_VERSION_MAJOR 0
#define GAIX_VERSION_MINOR 1
#define GAIX_VERSION_PATCH 0

/* Which RFC 6724 policy table (and sort) orders the results. */
enum gaix_policy {
    /* RFC 6724 section 2.1's default table and section 6's rules (the default). */
    GAIX_POLICY_RFC6724 = 0,
    /* The table glibc builds in (RFC 3484 with glibc's changes) and glibc's reading of the
     * rules: the same order as the system libc when no /etc/gai.conf changes it. */
    GAIX_POLICY_GLIBC = 1,
};

/* Reload checks: how often a context looks whether its files or the interfaces changed. */
#define GAIX_RELOAD_DEFAULT 0      /* inotify: 100 ms; without inotify: stat() once a second */
#define GAIX_RELOAD_EVERY_CALL (-1) /* look on every call (tests; costs syscalls per call) */
#define GAIX_RELOAD_NEVER (-2)      /* build once, never look again */

/*
 * Everything a context reads, named explicitly. Zero-initialise it: every zero field means the
 * system default. Nothing is taken from the environment, so that a program running setuid cannot
 * be pointed at other files.
 */
struct gaix_config {
    const char *hosts_path;    /* NULL: /etc/hosts.    "": no hosts file */
    const char *services_path; /* NULL: /etc/services. "": no services file */
    const char *gai_conf_path; /* NULL: /etc/gai.conf. "": no gai.conf (built-in table only) */
    enum gaix_policy policy;   /* the built-in table that gai.conf lines modify */
    int reload_interval_ms;    /* > 0: milliseconds; or one of GAIX_RELOAD_* above */
};

typedef struct gaix_ctx gaix_ctx;

/* A new context; cfg NULL means the system defaults. NULL with errno set on failure. */
GAIX_API gaix_ctx *gaix_ctx_new(const struct gaix_config *cfg);

/* Frees the context. Lists it returned stay valid: free them with gaix_freeaddrinfo(). */
GAIX_API void gaix_ctx_free(gaix_ctx *ctx);

/* getaddrinfo() over the given context. */
GAIX_API int gaix_ctx_getaddrinfo(gaix_ctx *ctx, const char *node, const char *service,
                                  const struct addrinfo *hints, struct addrinfo **res);

/* getaddrinfo() over the default context. On error *res is left untouched. */
GAIX_API int gaix_getaddrinfo(const char *node, const char *service,
                              const struct addrinfo *hints, struct addrinfo **res);

/* getnameinfo() over the given context. */
GAIX_API int gaix_ctx_getnameinfo(gaix_ctx *ctx, const struct sockaddr *sa, socklen_t salen,
                                  char *host, socklen_t hostlen, char *serv, socklen_t servlen,
                                  int flags);

/* getnameinfo() over the default context: the host name from the hosts file (or the numeric
 * address), the service name from the services file (or the number). NI_NUMERICHOST,
 * NI_NUMERICSERV, NI_NOFQDN, NI_NAMEREQD, NI_DGRAM and NI_IDN as in the C library; a buffer too
 * small gives EAI_OVERFLOW and nothing is written past its length. */
GAIX_API int gaix_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
                              socklen_t hostlen, char *serv, socklen_t servlen, int flags);

/* Frees a list returned by gaix_getaddrinfo(), or any sub-list of it (POSIX): a list split in
 * several pieces is freed by freeing each piece. NULL is a no-op. */
GAIX_API void gaix_freeaddrinfo(struct addrinfo *res);

/* The text for an EAI_* code: the system C library's own text where it has one, so that messages
 * read the same as before the switch. Never NULL, for any value. */
GAIX_API const char *gaix_strerror(int eai);

/* The symbolic name of an EAI_* code ("EAI_NONAME"), or "EAI_UNKNOWN". Never NULL. */
GAIX_API const char *gaix_eai_name(int eai);

/* "0.1.0" */
GAIX_API const char *gaix_version(void);

#ifdef __cplusplus
}
#endif

#endif /* GAIX_H */
