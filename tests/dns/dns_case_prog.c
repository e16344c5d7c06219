/*
 * Runs one case of tests/dns/cases/ against gaix and prints what happened as one JSON object,
 * for tests/dns/test_dns_gaix.sh (which starts the case's fakedns servers, builds these
 * arguments from the case file with tests/dns/gaix_cases.py and judges the output there).
 *
 *   dns_case_prog --server ADDR:PORT... [--search NAME...] [--options "ndots:1 timeout:1 ..."]
 *                 getaddrinfo: [--node NAME] [--service S] [--family AF_*] [--socktype SOCK_*]
 *                              [--protocol N] [--flag AI_*]... [--calls N] [--repeat N]
 *                 getnameinfo: --gni ADDR [--port N] [--ni-flag NI_*]... [--hostlen N]
 *                              [--servlen N]
 *
 * The context reads nothing but what it is given: no resolv.conf, hosts, services or gai.conf
 * file, and the search list is the given one (empty when none is given, so that the machine's
 * host name never adds a domain). Run it only inside a network namespace where the servers are
 * on loopback: it sends queries to the servers it is given and nowhere else.
 *
 * For each call it reports the EAI_* name, the addresses in list order, ai_canonname, what
 * gaix_ctx_getaddrinfo_detail() says (source, server, rcode, queries), the wall time and the
 * process CPU time of the call, the peak heap the call added (malloc is counted here, except in
 * sanitizer builds, which own malloc), the wall clock at its start and end (to match the
 * servers' query logs), and "problems": breaches of TEST-VECTORS' universal invariants (U1 open
 * descriptors, U2 *res untouched on error and well-formed nodes, no duplicates, a valid
 * ai_canonname). --repeat N (V12) runs the lookup N times and reports only how many succeeded.
 * getnameinfo runs with canaries after both buffers (N10).
 *
 * With GAIX_CASE_ASYNC set in the environment each getaddrinfo call goes through the async API
 * instead (gaix_resolve on the context's engine, driven by poll() on gaix_ctx_fd until the
 * callback ran), which is where DNS flights take io_uring: tests/dns/test_dns_gaix_async.sh.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "gaix.h"

#define MAX_SERVERS 8 /* more than gaix uses (3): the rest are its to drop */
#define MAX_SEARCH 16 /* more than any case gives */
#define MAX_CALLS 16  /* T05 and T24 make 3 */
#define NAME_BUF 1025 /* NI_MAXHOST */
#define CANARY_LEN 32 /* bytes after each getnameinfo buffer that must stay untouched */
#define CANARY_BYTE 0xA5
#define PROBLEMS_MAX 8 /* problems reported per call; more are counted */
#define PROBLEM_LEN 160

/* ---- heap accounting (W06) ------------------------------------------------------------------ */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HEAP_TRACK 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) ||                         \
    __has_feature(thread_sanitizer)
#define HEAP_TRACK 0
#endif
#endif
#ifndef HEAP_TRACK
#define HEAP_TRACK 1
#endif

#if HEAP_TRACK
/* glibc's own allocator under its exported internal names: the functions below replace malloc
 * for the whole process (glibc manual, "Replacing malloc") and only count what passes. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static _Atomic long long heap_now, heap_peak;

static void heap_add(long long n)
{
    long long now = atomic_fetch_add_explicit(&heap_now, n, memory_order_relaxed) + n;
    long long peak = atomic_load_explicit(&heap_peak, memory_order_relaxed);
    while (now > peak && !atomic_compare_exchange_weak_explicit(
                             &heap_peak, &peak, now, memory_order_relaxed, memory_order_relaxed)) {
    }
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    if (p)
        heap_add((long long)malloc_usable_size(p));
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    if (p)
        heap_add((long long)malloc_usable_size(p));
    return p;
}

void *realloc(void *old, size_t n)
{
    long long before = old ? (long long)malloc_usable_size(old) : 0;
    void *p = __libc_realloc(old, n);
    if (p)
        heap_add((long long)malloc_usable_size(p) - before);
    else if (n == 0 && old)
        heap_add(-before);
    return p;
}

void free(void *p)
{
    if (p)
        heap_add(-(long long)malloc_usable_size(p));
    __libc_free(p);
}

static void heap_window_start(long long *base)
{
    *base = atomic_load_explicit(&heap_now, memory_order_relaxed);
    atomic_store_explicit(&heap_peak, *base, memory_order_relaxed);
}

static long long heap_window_peak(long long base)
{
    return atomic_load_explicit(&heap_peak, memory_order_relaxed) - base;
}
#else
static void heap_window_start(long long *base)
{
    *base = 0;
}

static long long heap_window_peak(long long base)
{
    (void)base;
    return -1;
}
#endif

/* ---- output -----------------------------------------------------------------------------------
 */

/* A JSON string: every byte outside printable ASCII, and the quote and backslash, escaped, so
 * that whatever gaix hands back (N06: it must not hand back such bytes) stays visible. */
static void json_str(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void json_key(const char *key, bool *first)
{
    printf("%s\"%s\": ", *first ? "" : ", ", key);
    *first = false;
}

struct problems {
    char text[PROBLEMS_MAX][PROBLEM_LEN];
    unsigned n, total;
};

static void problem(struct problems *pr, const char *what, const char *detail)
{
    if (pr->n < PROBLEMS_MAX) {
        /* A long detail is cut at PROBLEM_LEN: the report is for reading, the cut is harmless. */
        int w = snprintf(pr->text[pr->n], PROBLEM_LEN, "%s%s%s", what, detail ? ": " : "",
                         detail ? detail : "");
        if (w >= PROBLEM_LEN) /* mark the cut */
            memcpy(pr->text[pr->n] + PROBLEM_LEN - 4, "...", 4);
        pr->n++;
    }
    pr->total++;
}

static void json_problems(const struct problems *pr, bool *first)
{
    json_key("problems", first);
    putchar('[');
    for (unsigned i = 0; i < pr->n; i++) {
        if (i)
            fputs(", ", stdout);
        json_str(pr->text[i]);
    }
    if (pr->total > pr->n)
        printf("%s\"... and %u more\"", pr->n ? ", " : "", pr->total - pr->n);
    putchar(']');
}

/* ---- measuring ----------------------------------------------------------------------------------
 */

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Open descriptors (U1), not counting the one opendir() uses to count them. */
static int fd_count(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n - 3; /* ".", ".." and the directory's own */
}

struct window {
    double wall_start, wall_end, mono_start, cpu_start, elapsed_ms, cpu_ms;
    long long heap_base, heap_peak;
    int fds_before, fds_after;
};

static void window_open(struct window *w)
{
    w->fds_before = fd_count();
    heap_window_start(&w->heap_base);
    w->wall_start = clock_ms(CLOCK_REALTIME);
    w->cpu_start = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    w->mono_start = clock_ms(CLOCK_MONOTONIC);
}

static void window_close(struct window *w)
{
    w->elapsed_ms = clock_ms(CLOCK_MONOTONIC) - w->mono_start;
    w->cpu_ms = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - w->cpu_start;
    w->wall_end = clock_ms(CLOCK_REALTIME);
    w->heap_peak = heap_window_peak(w->heap_base);
    w->fds_after = fd_count();
}

static void json_window(const struct window *w, struct problems *pr, bool *first)
{
    json_key("elapsed_ms", first);
    printf("%.3f", w->elapsed_ms);
    json_key("cpu_ms", first);
    printf("%.3f", w->cpu_ms);
    json_key("heap_peak_kib", first);
    if (w->heap_peak < 0)
        fputs("null", stdout);
    else
        printf("%.1f", (double)w->heap_peak / 1024.0);
    json_key("wall_start", first);
    printf("%.6f", w->wall_start / 1e3);
    json_key("wall_end", first);
    printf("%.6f", w->wall_end / 1e3);
    json_key("fds_before", first);
    printf("%d", w->fds_before);
    json_key("fds_after", first);
    printf("%d", w->fds_after);
    if (w->fds_before != w->fds_after) {
        char d[64];
        snprintf(d, sizeof d, "%d before, %d after", w->fds_before, w->fds_after);
        problem(pr, "U1 open descriptors changed", d);
    }
}

/* ---- names of constants ------------------------------------------------------------------------
 */

struct named {
    const char *name;
    int value;
};

static const struct named AI_FLAGS[] = {{"AI_PASSIVE", AI_PASSIVE},
                                        {"AI_CANONNAME", AI_CANONNAME},
                                        {"AI_NUMERICHOST", AI_NUMERICHOST},
                                        {"AI_V4MAPPED", AI_V4MAPPED},
                                        {"AI_ALL", AI_ALL},
                                        {"AI_ADDRCONFIG", AI_ADDRCONFIG},
                                        {"AI_NUMERICSERV", AI_NUMERICSERV},
                                        {NULL, 0}};
static const struct named NI_FLAGS[] = {{"NI_NUMERICHOST", NI_NUMERICHOST},
                                        {"NI_NUMERICSERV", NI_NUMERICSERV},
                                        {"NI_NOFQDN", NI_NOFQDN},
                                        {"NI_NAMEREQD", NI_NAMEREQD},
                                        {"NI_DGRAM", NI_DGRAM},
                                        {NULL, 0}};
static const struct named FAMILIES[] = {
    {"AF_UNSPEC", AF_UNSPEC}, {"AF_INET", AF_INET}, {"AF_INET6", AF_INET6}, {NULL, 0}};
static const struct named SOCKTYPES[] = {{"0", 0},
                                         {"SOCK_STREAM", SOCK_STREAM},
                                         {"SOCK_DGRAM", SOCK_DGRAM},
                                         {"SOCK_RAW", SOCK_RAW},
                                         {NULL, 0}};

static bool named_find(const struct named *t, const char *name, int *out)
{
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0) {
            *out = t->value;
            return true;
        }
    return false;
}

static const char *source_name(enum gaix_source s)
{
    switch (s) {
    case GAIX_SOURCE_NONE:
        return "none";
    case GAIX_SOURCE_NUMERIC:
        return "numeric";
    case GAIX_SOURCE_LOCAL:
        return "local";
    case GAIX_SOURCE_HOSTS:
        return "hosts";
    case GAIX_SOURCE_LOCALHOST:
        return "localhost";
    case GAIX_SOURCE_DNS:
        return "dns";
    }
    return "?";
}

/* ---- arguments ----------------------------------------------------------------------------------
 */

struct args {
    const char *servers[MAX_SERVERS + 1];
    size_t nservers;
    const char *search[MAX_SEARCH + 1];
    size_t nsearch;
    const char *options;
    const char *node, *service;
    struct addrinfo hints;
    unsigned calls, repeat;
    const char *gni_addr;
    unsigned port;
    int ni_flags;
    unsigned hostlen, servlen;
};

static void usage(const char *why)
{
    fprintf(stderr, "dns_case_prog: %s (see the comment at the top of dns_case_prog.c)\n", why);
    exit(2);
}

static unsigned number(const char *s, unsigned max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > max)
        usage("bad number");
    return (unsigned)v;
}

static void args_parse(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    a->hints.ai_family = AF_UNSPEC;
    a->calls = 1;
    a->port = 80;
    a->hostlen = NAME_BUF;
    a->servlen = 32;
    a->service = NULL;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (i + 1 >= argc)
            usage("an option without its value");
        const char *v = argv[++i];
        int x;
        if (strcmp(k, "--server") == 0) {
            if (a->nservers == MAX_SERVERS)
                usage("too many servers");
            a->servers[a->nservers++] = v;
        } else if (strcmp(k, "--search") == 0) {
            if (a->nsearch == MAX_SEARCH)
                usage("too many search domains");
            a->search[a->nsearch++] = v;
        } else if (strcmp(k, "--options") == 0) {
            a->options = v;
        } else if (strcmp(k, "--node") == 0) {
            a->node = v;
        } else if (strcmp(k, "--service") == 0) {
            a->service = v;
        } else if (strcmp(k, "--family") == 0) {
            if (!named_find(FAMILIES, v, &a->hints.ai_family))
                usage("unknown family");
        } else if (strcmp(k, "--socktype") == 0) {
            if (!named_find(SOCKTYPES, v, &a->hints.ai_socktype))
                usage("unknown socktype");
        } else if (strcmp(k, "--protocol") == 0) {
            a->hints.ai_protocol = (int)number(v, 255);
        } else if (strcmp(k, "--flag") == 0) {
            if (!named_find(AI_FLAGS, v, &x))
                usage("unknown AI_ flag");
            a->hints.ai_flags |= x;
        } else if (strcmp(k, "--calls") == 0) {
            a->calls = number(v, MAX_CALLS);
        } else if (strcmp(k, "--repeat") == 0) {
            a->repeat = number(v, 1000000);
        } else if (strcmp(k, "--gni") == 0) {
            a->gni_addr = v;
        } else if (strcmp(k, "--port") == 0) {
            a->port = number(v, 65535);
        } else if (strcmp(k, "--ni-flag") == 0) {
            if (!named_find(NI_FLAGS, v, &x))
                usage("unknown NI_ flag");
            a->ni_flags |= x;
        } else if (strcmp(k, "--hostlen") == 0) {
            a->hostlen = number(v, NAME_BUF);
        } else if (strcmp(k, "--servlen") == 0) {
            a->servlen = number(v, NAME_BUF);
        } else {
            usage("unknown option");
        }
    }
    if (a->nservers == 0)
        usage("no --server: this program never uses the system's servers");
    if (a->calls == 0)
        usage("--calls 0");
}

/* ---- checks of the list (U2) ------------------------------------------------------------------
 */

/* TEST-VECTORS P9: what ai_canonname may be: letters, digits, '-', '_' and dots between labels
 * of 1 to 63 octets, 253 octets at most, not starting with '-' (gaix's documented rule). */
static bool canon_ok(const char *s)
{
    size_t len = strlen(s), label = 0;
    if (len == 0 || len > 253 || s[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0 && i + 1 != len)
                return false;
            label = 0;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok || ++label > 63)
            return false;
    }
    return true;
}

static int addr_text(const struct addrinfo *ai, char *out, size_t cap, unsigned *port)
{
    if (ai->ai_family == AF_INET && ai->ai_addr &&
        ai->ai_addrlen == (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *s = (const void *)ai->ai_addr;
        *port = ntohs(s->sin_port);
        return inet_ntop(AF_INET, &s->sin_addr, out, (socklen_t)cap) ? 0 : -1;
    }
    if (ai->ai_family == AF_INET6 && ai->ai_addr &&
        ai->ai_addrlen == (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *s = (const void *)ai->ai_addr;
        *port = ntohs(s->sin6_port);
        return inet_ntop(AF_INET6, &s->sin6_addr, out, (socklen_t)cap) ? 0 : -1;
    }
    return -1;
}

/* The port the service string should give: a number, or -1 when it is not one (not checked). */
static long service_port(const char *service)
{
    if (!service || !*service)
        return service ? -1 : 0;
    char *end;
    long v = strtol(service, &end, 10);
    return *end ? -1 : v;
}

static void json_list(const struct args *a, const struct addrinfo *res, struct problems *pr,
                      bool *first)
{
    long want_port = service_port(a->service);
    json_key("addrs", first);
    putchar('[');
    unsigned k = 0;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next, k++) {
        char text[INET6_ADDRSTRLEN];
        unsigned port = 0;
        char d[PROBLEM_LEN];
        if (addr_text(ai, text, sizeof text, &port) < 0) {
            snprintf(d, sizeof d, "node %u: family %d, addrlen %u", k, ai->ai_family,
                     (unsigned)ai->ai_addrlen);
            problem(pr, "U2 malformed node", d);
            snprintf(text, sizeof text, "?");
        } else if (ai->ai_addr->sa_family != ai->ai_family) {
            problem(pr, "U2 sa_family differs from ai_family", text);
        }
        if (want_port >= 0 && port != (unsigned long)want_port) {
            snprintf(d, sizeof d, "%s port %u, not %ld", text, port, want_port);
            problem(pr, "U2 wrong port", d);
        }
        if (a->hints.ai_socktype && ai->ai_socktype != a->hints.ai_socktype) {
            snprintf(d, sizeof d, "%s socktype %d", text, ai->ai_socktype);
            problem(pr, "U2 socktype not the one asked", d);
        }
        if (ai != res && ai->ai_canonname)
            problem(pr, "ai_canonname on a node other than the first", text);
        for (const struct addrinfo *b = res; b != ai; b = b->ai_next)
            if (b->ai_family == ai->ai_family && b->ai_socktype == ai->ai_socktype &&
                b->ai_protocol == ai->ai_protocol && b->ai_addrlen == ai->ai_addrlen &&
                memcmp(b->ai_addr, ai->ai_addr, ai->ai_addrlen) == 0) {
                problem(pr, "U2 duplicate node", text);
                break;
            }
        printf("%s", k ? ", " : "");
        json_str(text);
    }
    putchar(']');
    json_key("nodes", first);
    printf("%u", k);
    unsigned v4 = 0, v6 = 0;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        v4 += ai->ai_family == AF_INET;
        v6 += ai->ai_family == AF_INET6;
    }
    json_key("count_inet", first);
    printf("%u", v4);
    json_key("count_inet6", first);
    printf("%u", v6);
    json_key("canonname", first);
    json_str(res ? res->ai_canonname : NULL);
    if (res && res->ai_canonname && !canon_ok(res->ai_canonname))
        problem(pr, "P9 ai_canonname is not a valid host name", NULL);
}

static void json_server(const struct sockaddr_storage *ss, bool *first)
{
    char text[INET6_ADDRSTRLEN + 16], host[INET6_ADDRSTRLEN];
    json_key("server", first);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)ss;
        inet_ntop(AF_INET, &s->sin_addr, host, sizeof host);
        snprintf(text, sizeof text, "%s:%u", host, ntohs(s->sin_port));
        json_str(text);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const void *)ss;
        inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof host);
        snprintf(text, sizeof text, "[%s]:%u", host, ntohs(s->sin6_port));
        json_str(text);
    } else {
        fputs("null", stdout);
    }
}

/* ---- the calls ----------------------------------------------------------------------------------
 */

static bool async_mode;

struct async_wait {
    bool done;
    struct gaix_result r;
};

static void async_done(gaix_query *q, struct gaix_result *r, void *arg)
{
    struct async_wait *w = arg;
    (void)q;
    w->r = *r;
    w->done = true;
}

/* gaix_ctx_getaddrinfo_detail() through gaix_resolve(): the same answer, the same details. */
static int getaddrinfo_async(gaix_ctx *ctx, const char *node, const char *service,
                             const struct addrinfo *hints, struct addrinfo **res,
                             struct gaix_result *out)
{
    struct async_wait w;
    memset(&w, 0, sizeof w);
    if (!gaix_resolve(ctx, node, service, hints, 0, async_done, &w))
        return EAI_SYSTEM;
    int fd = gaix_ctx_fd(ctx);
    while (!w.done) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        (void)poll(&p, 1, gaix_ctx_timeout_ms(ctx));
        (void)gaix_ctx_process(ctx);
    }
    *out = w.r;
    if (w.r.status == 0)
        *res = w.r.ai;
    return w.r.status;
}

static void run_getaddrinfo(gaix_ctx *ctx, const struct args *a, unsigned call)
{
    struct addrinfo *res = NULL;
    struct gaix_result r;
    memset(&r, 0, sizeof r);
    struct window w;
    struct problems pr;
    memset(&pr, 0, sizeof pr);
    window_open(&w);
    int rc = async_mode
                 ? getaddrinfo_async(ctx, a->node, a->service, &a->hints, &res, &r)
                 : gaix_ctx_getaddrinfo_detail(ctx, a->node, a->service, &a->hints, &res, &r);
    window_close(&w);
    bool first = true;
    printf("%s{", call ? ",\n  " : "  ");
    json_key("rc", &first);
    json_str(rc == 0 ? "0" : gaix_eai_name(rc));
    json_key("rc_num", &first);
    printf("%d", rc);
    if (rc != 0 && res != NULL)
        problem(&pr, "U2 *res changed on error", NULL);
    if (rc == 0 && res == NULL)
        problem(&pr, "success with an empty list", NULL);
    if (r.ai != res)
        problem(&pr, "gaix_result.ai is not *res", NULL);
    json_list(a, rc == 0 ? res : NULL, &pr, &first);
    json_key("source", &first);
    json_str(source_name(r.source));
    json_server(&r.server, &first);
    json_key("rcode", &first);
    printf("%d", r.rcode);
    json_key("queries", &first);
    printf("%u", r.queries);
    json_key("ttl_s", &first);
    printf("%u", r.ttl_s);
    json_key("truncated", &first);
    printf("%d", r.truncated);
    json_key("gaix_elapsed_ms", &first);
    printf("%.3f", (double)r.elapsed_us / 1e3);
    if (rc == 0)
        gaix_freeaddrinfo(res);
    json_window(&w, &pr, &first);
    json_problems(&pr, &first);
    putchar('}');
}

/* V12: the lookup many times over; the servers' log has the IDs and ports. */
static void run_repeat(gaix_ctx *ctx, const struct args *a)
{
    unsigned ok = 0;
    int first_error = 0;
    double t0 = clock_ms(CLOCK_MONOTONIC);
    for (unsigned i = 0; i < a->repeat; i++) {
        struct addrinfo *res = NULL;
        int rc = gaix_ctx_getaddrinfo(ctx, a->node, a->service, &a->hints, &res);
        if (rc == 0) {
            ok++;
            gaix_freeaddrinfo(res);
        } else if (first_error == 0) {
            first_error = rc;
        }
    }
    bool first = true;
    printf("  {");
    json_key("repeat", &first);
    printf("%u", a->repeat);
    json_key("ok", &first);
    printf("%u", ok);
    json_key("first_error", &first);
    json_str(first_error ? gaix_eai_name(first_error) : NULL);
    json_key("elapsed_ms", &first);
    printf("%.3f", clock_ms(CLOCK_MONOTONIC) - t0);
    putchar('}');
}

static int sockaddr_parse(const char *text, unsigned port, struct sockaddr_storage *ss,
                          socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
    if (inet_pton(AF_INET, text, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        *len = sizeof *s4;
        return 0;
    }
    if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        *len = sizeof *s6;
        return 0;
    }
    return -1;
}

static bool canary_intact(const unsigned char *p)
{
    for (size_t i = 0; i < CANARY_LEN; i++)
        if (p[i] != CANARY_BYTE)
            return false;
    return true;
}

static void run_getnameinfo(gaix_ctx *ctx, const struct args *a)
{
    struct sockaddr_storage ss;
    socklen_t len;
    if (sockaddr_parse(a->gni_addr, a->port, &ss, &len) < 0)
        usage("--gni: not an address");
    /* Each buffer is followed by canaries; the lengths given are the buffers' own. */
    unsigned char host[NAME_BUF + CANARY_LEN], serv[NAME_BUF + CANARY_LEN];
    memset(host, CANARY_BYTE, sizeof host);
    memset(serv, CANARY_BYTE, sizeof serv);
    struct window w;
    struct problems pr;
    memset(&pr, 0, sizeof pr);
    window_open(&w);
    int rc = gaix_ctx_getnameinfo(ctx, (const struct sockaddr *)(const void *)&ss, len,
                                  (char *)host, (socklen_t)a->hostlen, (char *)serv,
                                  (socklen_t)a->servlen, a->ni_flags);
    window_close(&w);
    bool canary = canary_intact(host + a->hostlen) && canary_intact(serv + a->servlen);
    bool first = true;
    printf("  {");
    json_key("rc", &first);
    json_str(rc == 0 ? "0" : gaix_eai_name(rc));
    json_key("rc_num", &first);
    printf("%d", rc);
    json_key("host", &first);
    if (rc == 0 && memchr(host, '\0', a->hostlen))
        json_str((const char *)host);
    else
        fputs("null", stdout);
    json_key("serv", &first);
    if (rc == 0 && memchr(serv, '\0', a->servlen))
        json_str((const char *)serv);
    else
        fputs("null", stdout);
    if (rc == 0 && (!memchr(host, '\0', a->hostlen) || !memchr(serv, '\0', a->servlen)))
        problem(&pr, "success without a NUL-terminated host or service", NULL);
    json_key("canary_ok", &first);
    fputs(canary ? "true" : "false", stdout);
    if (!canary)
        problem(&pr, "N10 bytes written past a buffer's length", NULL);
    json_window(&w, &pr, &first);
    json_problems(&pr, &first);
    putchar('}');
}

int main(int argc, char **argv)
{
    struct args a;
    args_parse(argc, argv, &a);
    a.servers[a.nservers] = NULL;
    a.search[a.nsearch] = NULL;
    struct gaix_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.hosts_path = "";
    cfg.services_path = "";
    cfg.gai_conf_path = "";
    cfg.resolv_conf_path = "";
    cfg.reload_interval_ms = GAIX_RELOAD_NEVER;
    cfg.nameservers = a.servers;
    cfg.search = a.search; /* empty: no search list, whatever the host name */
    cfg.options = a.options;
    gaix_ctx *ctx = gaix_ctx_new(&cfg);
    if (!ctx) {
        printf("{\"error\": \"gaix_ctx_new: %s\"}\n", strerror(errno));
        return 1;
    }
    /* Warm up what every lookup with two or more addresses borrows (the interfaces, the policy
     * table), so that the measured calls are the lookups themselves: a null node asks nobody. */
    struct addrinfo warm_hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *warm = NULL;
    if (gaix_ctx_getaddrinfo(ctx, NULL, "80", &warm_hints, &warm) == 0)
        gaix_freeaddrinfo(warm);
    /* The async engine's own descriptors exist before the first measured call (U1), and its
     * code has run once (a cold first call would count its page faults in the CPU bounds). */
    async_mode = getenv("GAIX_CASE_ASYNC") != NULL;
    if (async_mode) {
        struct gaix_result wr;
        warm = NULL;
        if (getaddrinfo_async(ctx, NULL, "80", &warm_hints, &warm, &wr) != 0) {
            printf("{\"error\": \"the async warm-up failed\"}\n");
            return 1;
        }
        gaix_freeaddrinfo(warm);
    }

    printf("{\"heap_tracked\": %s, \"async\": %s, \"calls\": [\n", HEAP_TRACK ? "true" : "false",
           async_mode ? "true" : "false");
    if (a.gni_addr)
        run_getnameinfo(ctx, &a);
    else if (a.repeat)
        run_repeat(ctx, &a);
    else
        for (unsigned i = 0; i < a.calls; i++)
            run_getaddrinfo(ctx, &a, i);
    printf("\n]}\n");
    gaix_ctx_free(ctx);
    return 0;
}
