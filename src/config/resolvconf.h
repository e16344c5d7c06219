/*
 * resolv.conf(5), read as glibc 2.36 reads it (res_init.c), into an immutable, reference-counted
 * snapshot that a lookup holds from start to end (F30).
 *
 *   nameserver ADDR          IPv4 (inet_aton forms, whole: "127.1" is 127.0.0.1, as glibc's
 *                            __inet_aton_exact) or IPv6 (with %scope: an interface name or
 *                            number; a scope that names nothing skips the line, F07); the first
 *                            GX_RESOLV_MAXNS are used; a line whose first word is not an address
 *                            is skipped ("192.0.2.2:5353", "example.com", "999.1.1.1"); words
 *                            after the address are ignored
 *   domain NAME              the search list becomes NAME alone
 *   search NAME...           the search list (the last domain/search line wins, F10)
 *   options OPT...           accumulate over lines: ndots:N timeout:N attempts:N rotate edns0
 *                            use-vc no-aaaa single-request single-request-reopen trust-ad
 *                            no-tld-query (or no_tld_query), and gaix's strict-error and
 *                            parallel-search; unknown options are ignored one by one, and so are
 *                            inet6, debug and no-reload
 *   sortlist ...             ignored (getaddrinfo orders by RFC 6724)
 *   #, ;                     comment lines (at column 0; an indented line is ignored anyway)
 *
 * A keyword counts only at column 0 and followed by a space or a tab, as in glibc and musl: an
 * indented line, or "nameserver" followed by anything else, is ignored. Within a line, a word
 * that starts with '#' or ';' begins a comment that runs to the end of the line.
 *
 * Search entries are stored without their final dot; each is a valid host name
 * (gx_hostname_valid), or "." for the root, which stands for the name itself at that place in
 * the list (glibc's res_nsearch reads "." so; no query ever holds ".."). One leading dot is
 * dropped (".example.com" searches example.com, as in glibc). An entry that is not a valid name
 * (over 253 characters, a label over 63, a control or 8-bit byte) is skipped whole, never cut;
 * a search or domain line with no valid entry is skipped whole and leaves the list as it was.
 *
 * Defaults and clamps are glibc's: timeout 5 s (1 to 30), attempts 2 (1 to 5), ndots 1 (0 to
 * 15); a number is decimal digits only, read without wrapping, and one that does not parse
 * ("ndots:abc", "ndots:-1", "timeout:") leaves the value as it was. No nameserver: 127.0.0.1
 * port 53. No search or domain: the domain part of the host name, if it has one. LOCALDOMAIN
 * replaces the search list (and the file's search and domain lines are then ignored; its invalid
 * words are skipped, and if none is valid the list is empty) and RES_OPTIONS adds options after
 * the file's; the caller reads both with secure_getenv() and passes them in (nothing here reads
 * the environment). The deliberate differences from glibc are listed in resolvconf.c.
 */
#ifndef GX_RESOLVCONF_H
#define GX_RESOLVCONF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/hosts.h"
#include "core/refcount.h"

/* glibc's MAXNS. */
#define GX_RESOLV_MAXNS 3
/* Search domains kept: glibc 2.26 lifted the old 6-domain / 256-byte limits (BZ 19569); 32 keeps
 * a bound while holding any real list (Kubernetes uses 3 to 6). Entries beyond are dropped and
 * counted in search_dropped. */
#define GX_RESOLV_MAXSEARCH 32
/* glibc's defaults (res_init.c: RES_TIMEOUT, RES_DFLRETRY, ndots 1) and upper clamps (resolv.h:
 * RES_MAXNDOTS, RES_MAXRETRANS, RES_MAXRETRY). */
#define GX_RESOLV_NDOTS_DEFAULT 1
#define GX_RESOLV_NDOTS_MAX 15
#define GX_RESOLV_TIMEOUT_DEFAULT_S 5
#define GX_RESOLV_TIMEOUT_MAX_S 30
#define GX_RESOLV_ATTEMPTS_DEFAULT 2
#define GX_RESOLV_ATTEMPTS_MAX 5
/* Lower clamps, ours: glibc stores timeout:0 as 0 and its res_send then waits 1 s anyway; it
 * stores attempts:0 as 0 and then sends no query at all, which no one can have meant. */
#define GX_RESOLV_TIMEOUT_MIN_S 1
#define GX_RESOLV_ATTEMPTS_MIN 1

enum gx_resolv_option {
    GX_RES_ROTATE = 1u << 0,
    GX_RES_EDNS0 = 1u << 1,
    GX_RES_USE_VC = 1u << 2,
    GX_RES_NO_AAAA = 1u << 3,
    GX_RES_SINGLE_REQUEST = 1u << 4,
    GX_RES_SINGLE_REQUEST_REOPEN = 1u << 5,
    GX_RES_TRUST_AD = 1u << 6,
    GX_RES_NO_TLD_QUERY = 1u << 7,
    GX_RES_STRICT_ERROR = 1u << 8,    /* gaix: a failed family fails the lookup (D2) */
    GX_RES_PARALLEL_SEARCH = 1u << 9, /* gaix: all search candidates at once */
};

struct gx_nameserver {
    struct sockaddr_in6 addr; /* an IPv4 server is a struct sockaddr_in in this storage; the
                                 sockaddr's own port is set too, in network order */
    uint16_t port;            /* host order; 53 from a file, any from struct gaix_config */
    uint8_t family;
};

struct gx_resolv_conf {
    gx_refcount ref;
    struct gx_nameserver ns[GX_RESOLV_MAXNS];
    size_t nns;
    const char *search[GX_RESOLV_MAXSEARCH]; /* NUL-terminated, in storage below */
    size_t nsearch;
    size_t search_dropped;
    unsigned ndots;
    unsigned timeout_s;
    unsigned attempts;
    unsigned options; /* enum gx_resolv_option bits */
    char *storage;    /* the search strings; part of the snapshot's one allocation */

    /* What the parse refused, for traces (STYLE 3): nothing here changes the lookup. */
    size_t ns_dropped;     /* valid nameserver lines beyond GX_RESOLV_MAXNS */
    size_t search_invalid; /* words of the search list in effect that were not valid names */
    size_t lines_skipped;  /* lines skipped whole: too long, holding a NUL, a nameserver
                              that is no address, a search or domain line with no valid name */
};

/* What the environment and the host add; NULL fields mean absent. */
struct gx_resolv_env {
    const char *localdomain; /* LOCALDOMAIN */
    const char *res_options; /* RES_OPTIONS */
    const char *hostname;    /* gethostname(), for the default search domain */
    gx_ifindex_fn *ifindex;  /* interface names in "%scope": gx_ifindex_system for the real
                                machine; NULL: numeric scopes only (tests, fuzzing) */
    void *ifindex_arg;
};

/*
 * Parses a whole file (data may be NULL with len 0: no file, defaults) plus the environment
 * (env may be NULL: all absent). Malformed lines are skipped one by one (F06-F16); never fails
 * but for GX_E_MEMORY. Reads nothing past len and needs no NUL; does no I/O of its own (only
 * env->ifindex may ask the kernel); makes exactly one allocation. On success *out holds one
 * reference; on failure *out is not written.
 */
int gx_resolvconf_parse(const char *data, size_t len, const struct gx_resolv_env *env,
                        struct gx_resolv_conf **out);

void gx_resolvconf_ref(struct gx_resolv_conf *c);
void gx_resolvconf_unref(struct gx_resolv_conf *c);

#endif
