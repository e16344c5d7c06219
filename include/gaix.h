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

    /* DNS. The file is read with resolv.conf(5) syntax; the fields below override it. Only a
     * context that reads the system file (resolv_conf_path NULL) also honours the LOCALDOMAIN
     * and RES_OPTIONS variables (through secure_getenv), after the file and before the fields
     * below: `search` given here ignores LOCALDOMAIN, `options` here apply after RES_OPTIONS. */
    const char *resolv_conf_path; /* NULL: /etc/resolv.conf. "": none (defaults: 127.0.0.1) */
    /* NULL-terminated; replaces the file's servers (at most 3 used): "192.0.2.1",
     * "192.0.2.1:5353", "2001:db8::1", "[2001:db8::1]:5353", "fe80::1%eth0". An empty list
     * (its first element NULL) turns DNS off: names only the hosts file and the local rules know,
     * no packet ever sent (like "hosts: files" in nsswitch.conf). */
    const char *const *nameservers;
    /* NULL-terminated; replaces the search list (an empty list clears it). */
    const char *const *search;
    /* resolv.conf options, applied after the file's: "ndots:2 timeout:1 attempts:3 rotate". */
    const char *options;
};

typedef struct gaix_ctx gaix_ctx;

/* A new context; cfg NULL means the system defaults. NULL with errno set on failure. */
GAIX_API gaix_ctx *gaix_ctx_new(const struct gaix_config *cfg);

/* Frees the context. Lists it returned stay valid: free them with gaix_freeaddrinfo(). Every
 * gaix_resolve() lookup not yet called back is cancelled and its callback runs once, with
 * EAI_CANCELED (or its answer, if it was already queued), before this returns. While it runs
 * the context is closing: a callback's gaix_resolve() on it returns NULL with errno ECANCELED
 * (so no callback), and gaix_cancel() has no effect. No other thread may use the context once
 * this is called. */
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

/*
 * Asynchronous lookups, for any event loop: the library never owns the loop.
 *
 *   gaix_query *q = gaix_resolve(ctx, "example.com", "https", &hints, 5000, done, arg);
 *   ... watch gaix_ctx_fd(ctx) for readability, with gaix_ctx_timeout_ms(ctx) as the timeout;
 *   ... when it is readable or the timeout passed: gaix_ctx_process(ctx);
 *
 * Contract (libuv's): if gaix_resolve() returns NULL the callback never runs; otherwise it runs
 * exactly once, from gaix_ctx_process(), never from inside gaix_resolve() — even when the answer
 * was known at once (a numeric host, the hosts file). gaix_cancel() makes it run (once) with
 * EAI_CANCELED and frees the query's sockets at once. The query handle is valid until its
 * callback returns. Every async call on one context is thread-safe; callbacks run on the thread
 * that calls gaix_ctx_process() and may call gaix_resolve() and gaix_cancel() themselves.
 * gaix_ctx_free() also runs callbacks (for the lookups it cancels); there gaix_resolve() on the
 * closing context is refused (NULL, errno ECANCELED), so no callback is left behind.
 *
 * Where the kernel offers io_uring (Linux 5.19 and later) the queries leave through it, and the
 * kernel tells the thread that sent them that answers arrived the way it tells of a signal: an
 * epoll_wait() in that thread may return -1 with EINTR (poll(), read() and the like restart by
 * themselves). Retry it, as any loop does for signals. GAIX_NO_IO_URING=1 in the environment
 * turns io_uring off: plain sockets, the same answers.
 */
typedef struct gaix_query gaix_query;

/* Where an answer came from. */
enum gaix_source {
    GAIX_SOURCE_NONE = 0,  /* no answer (an error) */
    GAIX_SOURCE_NUMERIC,   /* the node was a numeric address */
    GAIX_SOURCE_LOCAL,     /* no node: the local host (loopback or wildcard) */
    GAIX_SOURCE_HOSTS,     /* the hosts file */
    GAIX_SOURCE_LOCALHOST, /* RFC 6761: a localhost name the hosts file did not list */
    GAIX_SOURCE_DNS,       /* gaix's own stub resolver */
};

/* What a lookup found, and what a user needs to understand it. */
struct gaix_result {
    int status;                     /* 0 or an EAI_* value (EAI_CANCELED after gaix_cancel) */
    struct addrinfo *ai;            /* the list, NULL on error: the callback's to free */
    enum gaix_source source;
    unsigned ttl_s;                 /* DNS: the smallest TTL of the records used */
    struct sockaddr_storage server; /* DNS: the server whose answer was used (family 0: none) */
    int rcode;                      /* DNS: the last response code received, -1: none */
    unsigned queries;               /* DNS: queries sent, retries and TCP included */
    unsigned long long elapsed_us;  /* from gaix_resolve() to the answer */
    int truncated;                  /* addresses beyond the per-family cap were dropped */
};

typedef void gaix_callback(gaix_query *q, struct gaix_result *r, void *arg);

/* Starts a lookup; deadline_ms > 0 bounds it (EAI_AGAIN when it passes), 0 means the resolver's
 * own schedule (resolv.conf timeout x attempts x servers). NULL with errno on failure, and then
 * the callback never runs: EINVAL (no ctx or cb, deadline_ms < 0), ENOMEM, or ECANCELED (called
 * from a callback that gaix_ctx_free() runs: the context is closing). */
GAIX_API gaix_query *gaix_resolve(gaix_ctx *ctx, const char *node, const char *service,
                                  const struct addrinfo *hints, int deadline_ms,
                                  gaix_callback *cb, void *arg);

/* Stops a lookup: its callback runs once, at the next gaix_ctx_process(), with EAI_CANCELED. No
 * effect once the callback has been queued or has run. */
GAIX_API void gaix_cancel(gaix_query *q);

/* The one descriptor to watch for readability (an epoll descriptor), or -1 with errno. */
GAIX_API int gaix_ctx_fd(gaix_ctx *ctx);

/* Milliseconds until gaix_ctx_process() must be called even without activity; -1: no deadline,
 * 0: work is due. */
GAIX_API int gaix_ctx_timeout_ms(gaix_ctx *ctx);

/* Handles ready sockets and expired deadlines and runs the callbacks of finished lookups. Never
 * blocks. Returns the number of callbacks run, or -1 with errno. */
GAIX_API int gaix_ctx_process(gaix_ctx *ctx);

/* getaddrinfo() that also reports what gaix_resolve() would (source, server, TTL...): r->ai is
 * *res. For tools such as the CLI's --trace. */
GAIX_API int gaix_ctx_getaddrinfo_detail(gaix_ctx *ctx, const char *node, const char *service,
                                         const struct addrinfo *hints, struct addrinfo **res,
                                         struct gaix_result *r);

/* getnameinfo() over the given context that also reports, in r, how the host name was found,
 * as gaix_ctx_getaddrinfo_detail() does for an address list; for tools such as the CLI's
 * --reverse --trace. The return value and the buffers are gaix_ctx_getnameinfo()'s. r->status is
 * the return value and r->ai is NULL. r->source says where the host name came from:
 * GAIX_SOURCE_NUMERIC (the numeric form: NI_NUMERICHOST, or no name was found),
 * GAIX_SOURCE_HOSTS, GAIX_SOURCE_DNS (a PTR record), GAIX_SOURCE_LOCAL (AF_UNIX: this node),
 * or GAIX_SOURCE_NONE (an error, or no host asked for). The DNS fields (queries, server, rcode,
 * ttl_s) are set whenever a PTR query was sent, even when it found no name and the numeric form
 * was returned; truncated is 0. EAI_SYSTEM with errno EINVAL when ctx or r is NULL, and then r
 * is left untouched. */
GAIX_API int gaix_ctx_getnameinfo_detail(gaix_ctx *ctx, const struct sockaddr *sa, socklen_t salen,
                                         char *host, socklen_t hostlen, char *serv,
                                         socklen_t servlen, int flags, struct gaix_result *r);

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
