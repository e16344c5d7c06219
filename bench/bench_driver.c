/*
 * bench_driver: asks one getaddrinfo() or getnameinfo() question of one peer, over and over, and
 * says how fast.
 *
 * Model. bench/run.sh builds this file several ways and runs it inside a private mount and network
 * namespace where /etc/hosts, /etc/services, /etc/gai.conf, /etc/nsswitch.conf ("files" only) and
 * /etc/resolv.conf are bench fixtures, so every peer reads the same files and sees the same
 * interfaces, and no lookup can leave the host. The question comes from the command line: a
 * forward one (--node, --service, hints) or a reverse one (--reverse ADDRESS --port N, NI_* flags
 * and the sizes of the caller's buffers); run.sh holds the table of scenarios. Peers:
 *   libc   the C library this binary is linked with: glibc (gcc build) or musl (musl-gcc build);
 *   gaix   gaix_getaddrinfo() / gaix_getnameinfo() over the default context (BENCH_HAVE_GAIX);
 *   cares  ares_getaddrinfo() / ares_getnameinfo() on a channel created once with lookups "f"
 *          (hosts file only, never DNS), driven to completion with ares_fds() + poll() +
 *          ares_process() (BENCH_HAVE_CARES).
 * One "call" is one lookup and the freeing of its answer: getaddrinfo() + freeaddrinfo() for libc
 * and gaix, ares_getaddrinfo() + the loop + ares_freeaddrinfo() for c-ares. A reverse call is one
 * getnameinfo() into the caller's stack buffers (nothing to free); for c-ares, ares_getnameinfo()
 * + the loop, its callback copying the host and service into those buffers.
 *
 * Modes.
 *   answer  one call; prints the answer as one line ("inet 192.0.2.7 80 stream tcp; ...", or
 *           "host dual.bench.test service http" for a reverse question, "-" for a part not asked
 *           for) or the error, so that run.sh can check that every peer answers alike.
 *   time    warms up (the first call, timed on its own, then --warmup-seconds of calls that also
 *           measure a rough rate), then --runs timed runs of --count calls each, each stopped
 *           early once it has taken --max-seconds; prints the calls per second of each run, their
 *           median, and how long the first call took.
 *   count   --warmup-calls calls, then exactly --count calls in bench_loop() (unless --max-seconds
 *           stops it first) and nothing else: run.sh runs it under callgrind (--toggle-collect=
 *           bench_loop*) and strace, with N and 2N calls, and divides the difference by N. Built
 *           with BENCH_COUNT_ALLOCS_*, the allocations made inside the loop are counted too.
 *           run.sh reads the callgrind profile's call edges from libc_lookup(), libc_reverse(),
 *           gaix_lookup() and gaix_reverse() to the library's functions, and from bench_loop() to
 *           cares_lookup() and cares_reverse(): keep those names.
 *
 * Allocation counting (bench_common.c, compiled with BENCH_COUNT_ALLOCS_*): BENCH_COUNT_ALLOCS_
 * INTERPOSE (glibc) defines malloc() and friends, forwarding to glibc's __libc_malloc() and
 * friends: glibc routes its own internal allocations through these symbols, so every allocation of
 * every peer is seen. BENCH_COUNT_ALLOCS_WRAP (static musl) defines __wrap_malloc() and friends for
 * the linker's --wrap option.
 *
 * Bounds. Every loop ends by count and by time; the c-ares completion loop also ends after
 * BENCH_CARES_MAX_ROUNDS rounds.
 *
 * Usage: bench_driver --peer libc|gaix|cares --node NODE|- --service SERVICE|-
 *                     [--family unspec|inet|inet6] [--socktype 0|stream|dgram|raw]
 *                     [--flags passive,canonname,numerichost,numericserv,v4mapped,all,addrconfig]
 *                     [--mode answer|time|count] [--count N] [--runs R] [--max-seconds S]
 *                     [--warmup-seconds S] [--warmup-calls N]
 *        bench_driver --peer libc|gaix|cares --reverse IPV4|IPV6 --port N
 *                     [--ni-flags numerichost,numericserv,nofqdn,namereqd,dgram]
 *                     [--hostlen N] [--servlen N] [--mode ...] (the same timing options)
 * "-" as NODE or SERVICE passes NULL. --hostlen and --servlen are the sizes of the getnameinfo()
 * buffers (defaults 1025 and 32, glibc's NI_MAXHOST and NI_MAXSERV); 0 passes NULL and 0.
 * Output: one line of key=value pairs (time, count) or the answer line (answer). --max-seconds
 * defaults to 1 in time mode and to 300 (a safety net) in count mode. Exit status 0; 2 on a usage
 * error; 3 when the lookup fails; 4 when the peer is not built in or cannot answer this question
 * (the reason on stderr, starting "n/a: ").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bench_common.h"

#ifdef BENCH_HAVE_GAIX
#include <gaix.h>
#endif
#ifdef BENCH_HAVE_CARES
#include <ares.h>
#endif

/* ---- limits ---------------------------------------------------------------------------------- */

/* Timed runs per measurement: the median of 5 shrugs off two disturbed runs on a noisy machine. */
#define BENCH_RUNS_DEFAULT 5
/* Calls per timed run unless --count says otherwise: a few tenths of a second for the fastest
 * peers; the slower ones are stopped by --max-seconds. */
#define BENCH_COUNT_DEFAULT 1000000u
/* The time bound of one timed run, seconds. */
#define BENCH_MAX_SECONDS_DEFAULT 1.0
/* The time bound of a count-mode loop, seconds: a safety net, not a measurement bound. The slowest
 * peer under callgrind makes about one call a second, and a cut-short loop would silently count
 * fewer calls than asked (it says how many it made). */
#define BENCH_COUNT_MAX_SECONDS_DEFAULT 300.0
/* Warm-up before timing: long enough to build indexes and fault in every page the lookup uses. */
#define BENCH_WARMUP_SECONDS_DEFAULT 0.2
/* Warm-up calls before a count-mode loop: the first builds gaix's indexes and resolves lazy
 * PLT bindings; two more make sure nothing first-time is left. */
#define BENCH_WARMUP_CALLS_DEFAULT 3u
/* The clock is read about this many times per second of a timed run: often enough to stop within
 * a millisecond of the bound, rarely enough that reading it (~20 ns through the vDSO) costs
 * nothing next to a call. */
#define BENCH_CLOCK_CHECKS_PER_S 2000.0
/* The longest gap between clock reads in count mode, in calls: the fastest peer makes 1024 calls in
 * well under a millisecond, so the time bound still holds to within a millisecond. */
#define BENCH_COUNT_STRIDE_MAX 1024u
/* Entries printed by the answer mode: the largest bench answer has 4 entries. */
#define BENCH_ANSWER_MAX_ENTRIES 64
/* The getnameinfo() buffers: glibc's NI_MAXHOST and NI_MAXSERV, spelt out because musl's
 * NI_MAXHOST is 255 and every peer must be handed the same buffers. */
#define BENCH_NI_HOST_MAX 1025
#define BENCH_NI_SERV_MAX 32
/* Rounds of ares_fds() + poll() + ares_process() before a c-ares lookup counts as stuck: a
 * hosts-file lookup completes inside ares_getaddrinfo() itself, so even one round is unusual. */
#define BENCH_CARES_MAX_ROUNDS 16
/* Longest poll() of the c-ares loop, ms: nothing is sent, so a wait this long means stuck. */
#define BENCH_CARES_MAX_WAIT_MS 1000

/* ---- the question ---------------------------------------------------------------------------- */

enum question_op {
    OP_ADDRINFO, /* getaddrinfo(node, service, hints) */
    OP_NAMEINFO, /* getnameinfo(addr, host, serv, flags) */
};

struct question {
    enum question_op op;
    /* OP_ADDRINFO */
    const char *node;    /* NULL for "-" */
    const char *service; /* NULL for "-" */
    struct addrinfo hints;
    /* OP_NAMEINFO */
    struct sockaddr_storage addr; /* a sockaddr_in or sockaddr_in6, port included */
    socklen_t addrlen;
    socklen_t hostlen; /* 0: the host buffer is NULL */
    socklen_t servlen; /* 0: the service buffer is NULL */
    int ni_flags;
};

/* The caller's getnameinfo() buffers, on the caller's stack as a program would have them. */
struct ni_buffers {
    char host[BENCH_NI_HOST_MAX];
    char serv[BENCH_NI_SERV_MAX];
};

static char *ni_host(struct ni_buffers *b, const struct question *q)
{
    return q->hostlen ? b->host : NULL;
}

static char *ni_serv(struct ni_buffers *b, const struct question *q)
{
    return q->servlen ? b->serv : NULL;
}

/* Prints a getnameinfo() answer as "host dual.bench.test service http", "-" for a part that was
 * not asked for (a NULL buffer). */
static void nameinfo_print(const struct question *q, const struct ni_buffers *b, FILE *out)
{
    fprintf(out, "host %s service %s\n", q->hostlen ? b->host : "-", q->servlen ? b->serv : "-");
}

/* An answer entry in the peer-neutral form that the answer mode prints. */
struct entry {
    int family, socktype, protocol;
    const struct sockaddr *addr;
};

static const char *family_name(int family)
{
    switch (family) {
    case AF_INET:
        return "inet";
    case AF_INET6:
        return "inet6";
    case AF_UNSPEC:
        return "unspec";
    default:
        return "?";
    }
}

static const char *socktype_name(int socktype)
{
    switch (socktype) {
    case SOCK_STREAM:
        return "stream";
    case SOCK_DGRAM:
        return "dgram";
    case SOCK_RAW:
        return "raw";
    case 0:
        return "0";
    default:
        return "?";
    }
}

static const char *protocol_name(int protocol)
{
    switch (protocol) {
    case IPPROTO_TCP:
        return "tcp";
    case IPPROTO_UDP:
        return "udp";
    case 0:
        return "0";
    default:
        return "?";
    }
}

/* Prints one entry as "inet6 2001:db8:1::10 80 stream tcp". */
static void entry_print(const struct entry *e, FILE *out)
{
    char text[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (e->addr && e->addr->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)e->addr;
        inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
        port = ntohs(sin->sin_port);
    } else if (e->addr && e->addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)e->addr;
        inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
        port = ntohs(sin6->sin6_port);
    }
    fprintf(out, "%s %s %u %s %s", family_name(e->family), text, port, socktype_name(e->socktype),
            protocol_name(e->protocol));
}

/* ---- peers ----------------------------------------------------------------------------------- */

/*
 * A peer answers the question. For each kind of question it has a pair: call() makes one call
 * (lookup and free) and returns 0 or the peer's error code; print() makes one call and prints its
 * answer line.
 */
struct peer_op {
    int (*call)(const struct question *q);
    int (*print)(const struct question *q, FILE *out);
};

struct peer {
    const char *name;
    int (*setup)(const struct question *q); /* 0, or prints why not and returns -1 */
    struct peer_op forward;                 /* getaddrinfo + freeaddrinfo */
    struct peer_op reverse;                 /* getnameinfo */
};

static const struct peer_op *peer_op(const struct peer *p, const struct question *q)
{
    return q->op == OP_NAMEINFO ? &p->reverse : &p->forward;
}

/* Prints a struct addrinfo list (libc and gaix answers have the same shape). */
static void addrinfo_print(const struct addrinfo *list, FILE *out)
{
    int n = 0;
    for (const struct addrinfo *ai = list; ai && n < BENCH_ANSWER_MAX_ENTRIES; ai = ai->ai_next) {
        struct entry e = {ai->ai_family, ai->ai_socktype, ai->ai_protocol, ai->ai_addr};
        if (n++ > 0)
            fputs("; ", out);
        entry_print(&e, out);
    }
    fputc('\n', out);
}

static int setup_nothing(const struct question *q)
{
    (void)q;
    return 0;
}

/* The C library this binary links: glibc or musl. */
static int libc_lookup(const struct question *q)
{
    struct addrinfo *res;
    int rc = getaddrinfo(q->node, q->service, &q->hints, &res);
    if (rc == 0)
        freeaddrinfo(res);
    return rc;
}

static int libc_print_answer(const struct question *q, FILE *out)
{
    struct addrinfo *res;
    int rc = getaddrinfo(q->node, q->service, &q->hints, &res);
    if (rc != 0) {
        fprintf(out, "error %d (%s)\n", rc, gai_strerror(rc));
        return rc;
    }
    addrinfo_print(res, out);
    freeaddrinfo(res);
    return 0;
}

static int libc_reverse(const struct question *q)
{
    struct ni_buffers b;
    return getnameinfo((const struct sockaddr *)&q->addr, q->addrlen, ni_host(&b, q), q->hostlen,
                       ni_serv(&b, q), q->servlen, q->ni_flags);
}

static int libc_print_reverse(const struct question *q, FILE *out)
{
    struct ni_buffers b;
    int rc = getnameinfo((const struct sockaddr *)&q->addr, q->addrlen, ni_host(&b, q), q->hostlen,
                         ni_serv(&b, q), q->servlen, q->ni_flags);
    if (rc != 0) {
        fprintf(out, "error %d (%s)\n", rc, gai_strerror(rc));
        return rc;
    }
    nameinfo_print(q, &b, out);
    return 0;
}

static const struct peer peer_libc = {
    "libc", setup_nothing, {libc_lookup, libc_print_answer}, {libc_reverse, libc_print_reverse}};

#ifdef BENCH_HAVE_GAIX
/* gaix over its default context: the first call creates it and builds the indexes. */
static int gaix_lookup(const struct question *q)
{
    struct addrinfo *res;
    int rc = gaix_getaddrinfo(q->node, q->service, &q->hints, &res);
    if (rc == 0)
        gaix_freeaddrinfo(res);
    return rc;
}

static int gaix_print_answer(const struct question *q, FILE *out)
{
    struct addrinfo *res;
    int rc = gaix_getaddrinfo(q->node, q->service, &q->hints, &res);
    if (rc != 0) {
        fprintf(out, "error %d (%s)\n", rc, gaix_strerror(rc));
        return rc;
    }
    addrinfo_print(res, out);
    gaix_freeaddrinfo(res);
    return 0;
}

static int gaix_reverse(const struct question *q)
{
    struct ni_buffers b;
    return gaix_getnameinfo((const struct sockaddr *)&q->addr, q->addrlen, ni_host(&b, q),
                            q->hostlen, ni_serv(&b, q), q->servlen, q->ni_flags);
}

static int gaix_print_reverse(const struct question *q, FILE *out)
{
    struct ni_buffers b;
    int rc = gaix_getnameinfo((const struct sockaddr *)&q->addr, q->addrlen, ni_host(&b, q),
                              q->hostlen, ni_serv(&b, q), q->servlen, q->ni_flags);
    if (rc != 0) {
        fprintf(out, "error %d (%s)\n", rc, gaix_strerror(rc));
        return rc;
    }
    nameinfo_print(q, &b, out);
    return 0;
}

static const struct peer peer_gaix = {
    "gaix", setup_nothing, {gaix_lookup, gaix_print_answer}, {gaix_reverse, gaix_print_reverse}};
#endif

#ifdef BENCH_HAVE_CARES
/* One channel for the whole process, created in cares_setup(): creating a channel reads
 * resolv.conf and is not part of a lookup. */
static ares_channel cares_channel;
static struct ares_addrinfo_hints cares_hints;

/* The ARES_NI_* flags of a reverse question, set by cares_setup(). */
static int cares_ni_flags;

/* What the callback hands back to the waiting loop. */
struct cares_wait {
    int done;
    int status;
    struct ares_addrinfo *res; /* kept only when keep is set (answer mode) */
    int keep;
    /* A reverse question: the caller's buffers, into which the callback copies what c-ares hands
     * it (c-ares owns its strings only for the duration of the callback). */
    const struct question *q;
    struct ni_buffers *ni;
};

static void cares_callback(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    struct cares_wait *w = arg;
    (void)timeouts;
    w->done = 1;
    w->status = status;
    if (w->keep)
        w->res = res;
    else if (res)
        ares_freeaddrinfo(res);
}

/* Maps the POSIX AI_* flags of the question to c-ares's; -1 for a flag c-ares lacks. */
static int cares_flags(int ai_flags)
{
    static const struct {
        int posix, ares;
    } map[] = {
        {AI_PASSIVE, ARES_AI_PASSIVE},         {AI_CANONNAME, ARES_AI_CANONNAME},
        {AI_NUMERICHOST, ARES_AI_NUMERICHOST}, {AI_NUMERICSERV, ARES_AI_NUMERICSERV},
        {AI_V4MAPPED, ARES_AI_V4MAPPED},       {AI_ALL, ARES_AI_ALL},
        {AI_ADDRCONFIG, ARES_AI_ADDRCONFIG},
    };
    int out = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (ai_flags & map[i].posix) {
            out |= map[i].ares;
            ai_flags &= ~map[i].posix;
        }
    }
    return ai_flags ? -1 : out;
}

/* Maps the POSIX NI_* flags and the buffers of a reverse question to c-ares's flags; -1 for a
 * flag c-ares lacks. c-ares is told what to look up (ARES_NI_LOOKUPHOST, ARES_NI_LOOKUPSERVICE)
 * rather than handed NULL buffers. */
static int cares_ni_flags_of(const struct question *q)
{
    static const struct {
        int posix, ares;
    } map[] = {
        {NI_NUMERICHOST, ARES_NI_NUMERICHOST},
        {NI_NUMERICSERV, ARES_NI_NUMERICSERV},
        {NI_NOFQDN, ARES_NI_NOFQDN},
        {NI_NAMEREQD, ARES_NI_NAMEREQD},
        {NI_DGRAM, ARES_NI_DGRAM},
    };
    int ni_flags = q->ni_flags, out = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (ni_flags & map[i].posix) {
            out |= map[i].ares;
            ni_flags &= ~map[i].posix;
        }
    }
    if (q->hostlen)
        out |= ARES_NI_LOOKUPHOST;
    if (q->servlen)
        out |= ARES_NI_LOOKUPSERVICE;
    return ni_flags ? -1 : out;
}

/* The reverse question's checks: what ares_getnameinfo() cannot be asked as asked. */
static int cares_setup_reverse(const struct question *q)
{
    if (!q->hostlen && !q->servlen) {
        /* getnameinfo() with neither buffer is EAI_NONAME; ares_getnameinfo() asked for neither
         * looks up the host instead. */
        fprintf(stderr, "n/a: ares_getnameinfo() asked for neither host nor service looks up the "
                        "host\n");
        return -1;
    }
    cares_ni_flags = cares_ni_flags_of(q);
    if (cares_ni_flags < 0) {
        fprintf(stderr, "n/a: c-ares has no equivalent for NI flags 0x%x\n", (unsigned)q->ni_flags);
        return -1;
    }
    return 0;
}

/* The forward question's checks: what ares_getaddrinfo() cannot be asked as asked. */
static int cares_setup_forward(const struct question *q)
{
    if (!q->node) {
        /* POSIX's NULL node (the loopback or wildcard address) is not something c-ares offers:
         * 1.18's ares_getaddrinfo() dereferences the name unchecked. */
        fprintf(stderr, "n/a: ares_getaddrinfo() takes no NULL node (c-ares %s crashes on one)\n",
                ares_version(NULL));
        return -1;
    }
    /* c-ares 1.18 has the ARES_AI_ADDRCONFIG bit but never looks at it: timing it would time a
     * lookup that skips the work the question asks for. */
    if (q->hints.ai_flags & AI_ADDRCONFIG) {
        fprintf(stderr, "n/a: c-ares %s accepts ARES_AI_ADDRCONFIG but does not implement it\n",
                ares_version(NULL));
        return -1;
    }
    int flags = cares_flags(q->hints.ai_flags);
    if (flags < 0) {
        fprintf(stderr, "n/a: c-ares has no equivalent for flags 0x%x\n",
                (unsigned)q->hints.ai_flags);
        return -1;
    }
    cares_hints.ai_flags = flags;
    cares_hints.ai_family = q->hints.ai_family;
    cares_hints.ai_socktype = q->hints.ai_socktype;
    cares_hints.ai_protocol = q->hints.ai_protocol;
    return 0;
}

static int cares_setup(const struct question *q)
{
    int rc = q->op == OP_NAMEINFO ? cares_setup_reverse(q) : cares_setup_forward(q);
    if (rc < 0)
        return rc;
    rc = ares_library_init(ARES_LIB_INIT_ALL);
    if (rc != ARES_SUCCESS) {
        fprintf(stderr, "ares_library_init: %s\n", ares_strerror(rc));
        return -1;
    }
    /* Lookups "f": the hosts file only. With no "b" c-ares never sends a query, whatever
     * resolv.conf says (and the bench's resolv.conf says only 127.0.0.1). */
    struct ares_options opts;
    memset(&opts, 0, sizeof opts);
    char lookups[] = "f";
    opts.lookups = lookups;
    rc = ares_init_options(&cares_channel, &opts, ARES_OPT_LOOKUPS);
    if (rc != ARES_SUCCESS) {
        fprintf(stderr, "ares_init_options: %s\n", ares_strerror(rc));
        return -1;
    }
    return 0;
}

/* Drives the channel until the started lookup's callback ran (bench_common.c: ares_fds() for what
 * to wait on, poll() with ares_timeout() as the limit, ares_process() for what poll() saw). */
static int cares_drive(struct cares_wait *w)
{
    int rc =
        bench_cares_drive(cares_channel, &w->done, BENCH_CARES_MAX_ROUNDS, BENCH_CARES_MAX_WAIT_MS);
    return rc != ARES_SUCCESS ? rc : w->status;
}

/* Starts a forward lookup and drives it to completion. */
static int cares_run(const struct question *q, struct cares_wait *w)
{
    ares_getaddrinfo(cares_channel, q->node, q->service, &cares_hints, cares_callback, w);
    return cares_drive(w);
}

static int cares_lookup(const struct question *q)
{
    struct cares_wait w = {0, 0, NULL, 0, q, NULL};
    return cares_run(q, &w);
}

static int cares_print_answer(const struct question *q, FILE *out)
{
    struct cares_wait w = {0, 0, NULL, 1, q, NULL};
    int rc = cares_run(q, &w);
    if (rc != ARES_SUCCESS) {
        fprintf(out, "error %d (%s)", rc, ares_strerror(rc));
        /* The one failure the bench questions meet, explained: c-ares 1.18 recognises an IPv4
         * literal only when asked for AF_INET; under AF_UNSPEC it looks the text up as a name. */
        struct in_addr v4;
        if (q->hints.ai_family == AF_UNSPEC && inet_pton(AF_INET, q->node, &v4) == 1)
            fprintf(out, ": c-ares %s reads an IPv4 literal as an address only with AF_INET",
                    ares_version(NULL));
        fputc('\n', out);
        if (w.res)
            ares_freeaddrinfo(w.res);
        return rc;
    }
    int n = 0;
    for (const struct ares_addrinfo_node *ai = w.res ? w.res->nodes : NULL;
         ai && n < BENCH_ANSWER_MAX_ENTRIES; ai = ai->ai_next) {
        struct entry e = {ai->ai_family, ai->ai_socktype, ai->ai_protocol, ai->ai_addr};
        if (n++ > 0)
            fputs("; ", out);
        entry_print(&e, out);
    }
    fputc('\n', out);
    if (w.res)
        ares_freeaddrinfo(w.res);
    return 0;
}

/* Copies a string c-ares handed the callback into the caller's buffer, as getnameinfo() would
 * have written it; ARES_EBADSTR (never met by the bench questions) when it does not fit or is
 * missing. */
static int cares_ni_copy(char *dest, size_t destlen, const char *src)
{
    if (!src)
        return ARES_EBADSTR;
    size_t len = strlen(src);
    if (len + 1 > destlen)
        return ARES_EBADSTR;
    memcpy(dest, src, len + 1);
    return ARES_SUCCESS;
}

static void cares_ni_callback(void *arg, int status, int timeouts, char *node, char *service)
{
    struct cares_wait *w = arg;
    (void)timeouts;
    w->done = 1;
    w->status = status;
    if (status != ARES_SUCCESS)
        return;
    if (w->q->hostlen)
        w->status = cares_ni_copy(w->ni->host, w->q->hostlen, node);
    if (w->status == ARES_SUCCESS && w->q->servlen)
        w->status = cares_ni_copy(w->ni->serv, w->q->servlen, service);
}

/* Starts a reverse lookup and drives it to completion, the answer landing in *ni. */
static int cares_run_reverse(const struct question *q, struct ni_buffers *ni)
{
    struct cares_wait w = {0, 0, NULL, 0, q, ni};
    ares_getnameinfo(cares_channel, (const struct sockaddr *)&q->addr, (ares_socklen_t)q->addrlen,
                     cares_ni_flags, cares_ni_callback, &w);
    return cares_drive(&w);
}

static int cares_reverse(const struct question *q)
{
    struct ni_buffers b;
    return cares_run_reverse(q, &b);
}

static int cares_print_reverse(const struct question *q, FILE *out)
{
    struct ni_buffers b;
    int rc = cares_run_reverse(q, &b);
    if (rc != ARES_SUCCESS) {
        fprintf(out, "error %d (%s)\n", rc, ares_strerror(rc));
        return rc;
    }
    nameinfo_print(q, &b, out);
    return 0;
}

static const struct peer peer_cares = {
    "cares", cares_setup, {cares_lookup, cares_print_answer}, {cares_reverse, cares_print_reverse}};
#endif

/* ---- timing ---------------------------------------------------------------------------------- */

/*
 * The measured loop: count calls, or fewer when deadline_ns (0: none) passes. The clock is read
 * after stride calls, then after twice as many, and so on up to stride_max calls apart: a time
 * mode run passes its computed stride twice; a count-mode run passes 1 and
 * BENCH_COUNT_STRIDE_MAX, so it reads the clock about log2(count) times and the clock costs
 * nothing next to the calls even under callgrind. Returns the calls made; failed calls are added
 * to *failures. Not inlined and not cloned, so that callgrind's --toggle-collect=bench_loop*
 * collects exactly these calls.
 */
BENCH_NOINLINE static uint64_t bench_loop(const struct peer *p, const struct question *q,
                                          uint64_t count, uint64_t stride, uint64_t stride_max,
                                          uint64_t deadline_ns, uint64_t *failures)
{
    int (*call)(const struct question *q) = peer_op(p, q)->call;
    uint64_t done = 0, until_check = stride;
    while (done < count) {
        if (call(q) != 0)
            (*failures)++;
        done++;
        if (deadline_ns != 0 && --until_check == 0) {
            if (bench_now_ns() >= deadline_ns)
                break;
            if (stride < stride_max)
                stride = stride * 2 < stride_max ? stride * 2 : stride_max;
            until_check = stride;
        }
    }
    return done;
}

struct options {
    const char *peer;
    const char *mode;
    struct bench_timing t;
};

/* time mode: warm up, then opt->t.runs timed runs; prints the rates and their median. */
static int mode_time(const struct peer *p, const struct question *q, const struct options *opt)
{
    uint64_t failures = 0;
    /* The first call of the process: for gaix it creates the default context and builds the
     * indexes; for every peer it also pays for lazy binding and first page faults. */
    uint64_t first_start = bench_now_ns();
    if (peer_op(p, q)->call(q) != 0) {
        fprintf(stderr, "%s: the lookup fails\n", p->name);
        return 3;
    }
    uint64_t first_ns = bench_now_ns() - first_start;
    /* Warm-up that also measures a rough rate, to space the clock reads of the timed runs. */
    uint64_t t0 = bench_now_ns();
    uint64_t warm = bench_loop(p, q, opt->t.count, 1, 1,
                               t0 + (uint64_t)(opt->t.warmup_seconds * NS_PER_S), &failures);
    double warm_s = (double)(bench_now_ns() - t0) / NS_PER_S;
    double rough_rate = warm_s > 0 ? (double)warm / warm_s : 1.0;
    uint64_t stride = (uint64_t)(rough_rate / BENCH_CLOCK_CHECKS_PER_S);
    if (stride < 1)
        stride = 1;

    double rate[BENCH_RUNS_MAX];
    uint64_t calls_total = 0;
    int bounded = 0;
    for (int r = 0; r < opt->t.runs; r++) {
        uint64_t start = bench_now_ns();
        uint64_t deadline = start + (uint64_t)(opt->t.max_seconds * NS_PER_S);
        uint64_t done = bench_loop(p, q, opt->t.count, stride, stride, deadline, &failures);
        uint64_t elapsed = bench_now_ns() - start;
        if (done < opt->t.count)
            bounded++;
        calls_total += done;
        rate[r] = (double)done * NS_PER_S / (double)(elapsed ? elapsed : 1);
    }
    double sorted[BENCH_RUNS_MAX];
    memcpy(sorted, rate, sizeof(double) * (size_t)opt->t.runs);
    double median = bench_median(sorted, (size_t)opt->t.runs);
    printf("peer=%s median=%.1f min=%.1f max=%.1f runs=%d count=%llu calls=%llu "
           "time_bounded_runs=%d failures=%llu first_call_ns=%llu rates=",
           p->name, median, sorted[0], sorted[opt->t.runs - 1], opt->t.runs,
           (unsigned long long)opt->t.count, (unsigned long long)calls_total, bounded,
           (unsigned long long)failures, (unsigned long long)first_ns);
    for (int r = 0; r < opt->t.runs; r++)
        printf("%s%.0f", r ? "," : "", rate[r]);
    printf("\n");
    return failures ? 3 : 0;
}

/* count mode: warm-up calls, then exactly opt->t.count calls in bench_loop(). */
static int mode_count(const struct peer *p, const struct question *q, const struct options *opt)
{
    uint64_t failures = 0;
    for (uint64_t i = 0; i < opt->t.warmup_calls; i++) {
        if (peer_op(p, q)->call(q) != 0) {
            fprintf(stderr, "%s: the lookup fails\n", p->name);
            return 3;
        }
    }
    uint64_t deadline = bench_now_ns() + (uint64_t)(opt->t.max_seconds * NS_PER_S);
    bench_alloc_counting = 1;
    uint64_t done = bench_loop(p, q, opt->t.count, 1, BENCH_COUNT_STRIDE_MAX, deadline, &failures);
    bench_alloc_counting = 0;
    printf("peer=%s calls=%llu failures=%llu", p->name, (unsigned long long)done,
           (unsigned long long)failures);
    if (bench_allocs_counted)
        printf(" allocs=%llu", bench_alloc_count);
    printf("\n");
    return failures ? 3 : 0;
}

/* ---- command line ---------------------------------------------------------------------------- */

static int usage(const char *why)
{
    fprintf(stderr,
            "bench_driver: %s\n"
            "usage: bench_driver --peer libc|gaix|cares --node NODE|- --service SERVICE|-\n"
            "         [--family unspec|inet|inet6] [--socktype 0|stream|dgram|raw]\n"
            "         [--flags passive,canonname,numerichost,numericserv,v4mapped,all,addrconfig]\n"
            "         [--mode answer|time|count] [--count N] [--runs R] [--max-seconds S]\n"
            "         [--warmup-seconds S] [--warmup-calls N]\n"
            "   or: bench_driver --peer libc|gaix|cares --reverse IPV4|IPV6 --port N\n"
            "         [--ni-flags numerichost,numericserv,nofqdn,namereqd,dgram]\n"
            "         [--hostlen N] [--servlen N] (0: a NULL buffer) [--mode ...] (as above)\n",
            why);
    return 2;
}

static int parse_family(const char *s, int *out)
{
    if (strcmp(s, "unspec") == 0)
        *out = AF_UNSPEC;
    else if (strcmp(s, "inet") == 0)
        *out = AF_INET;
    else if (strcmp(s, "inet6") == 0)
        *out = AF_INET6;
    else
        return -1;
    return 0;
}

static int parse_socktype(const char *s, int *out)
{
    if (strcmp(s, "0") == 0)
        *out = 0;
    else if (strcmp(s, "stream") == 0)
        *out = SOCK_STREAM;
    else if (strcmp(s, "dgram") == 0)
        *out = SOCK_DGRAM;
    else if (strcmp(s, "raw") == 0)
        *out = SOCK_RAW;
    else
        return -1;
    return 0;
}

/* "addrconfig,v4mapped" -> AI_ADDRCONFIG | AI_V4MAPPED; "" or "0" -> 0. */
static int parse_flags(const char *s, int *out)
{
    static const struct {
        const char *name;
        int flag;
    } names[] = {
        {"passive", AI_PASSIVE},         {"canonname", AI_CANONNAME},
        {"numerichost", AI_NUMERICHOST}, {"numericserv", AI_NUMERICSERV},
        {"v4mapped", AI_V4MAPPED},       {"all", AI_ALL},
        {"addrconfig", AI_ADDRCONFIG},
    };
    *out = 0;
    if (strcmp(s, "0") == 0)
        return 0;
    while (*s) {
        size_t len = strcspn(s, ",");
        size_t i;
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (strlen(names[i].name) == len && strncmp(s, names[i].name, len) == 0)
                break;
        }
        if (i == sizeof names / sizeof names[0])
            return -1;
        *out |= names[i].flag;
        s += len;
        if (*s == ',')
            s++;
    }
    return 0;
}

/* "numerichost,numericserv" -> NI_NUMERICHOST | NI_NUMERICSERV; "0" -> 0. */
static int parse_ni_flags(const char *s, int *out)
{
    static const struct {
        const char *name;
        int flag;
    } names[] = {
        {"numerichost", NI_NUMERICHOST},
        {"numericserv", NI_NUMERICSERV},
        {"nofqdn", NI_NOFQDN},
        {"namereqd", NI_NAMEREQD},
        {"dgram", NI_DGRAM},
    };
    *out = 0;
    if (strcmp(s, "0") == 0)
        return 0;
    while (*s) {
        size_t len = strcspn(s, ",");
        size_t i;
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (strlen(names[i].name) == len && strncmp(s, names[i].name, len) == 0)
                break;
        }
        if (i == sizeof names / sizeof names[0])
            return -1;
        *out |= names[i].flag;
        s += len;
        if (*s == ',')
            s++;
    }
    return 0;
}

/* A decimal in [0, max]. */
static int parse_bounded(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max)
        return -1;
    *out = v;
    return 0;
}

/* The address of a reverse question, IPv4 or IPv6 text, into q->addr (the port set later). */
static int parse_reverse(const char *s, struct question *q)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    memset(&sin, 0, sizeof sin);
    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET, s, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        memcpy(&q->addr, &sin, sizeof sin);
        q->addrlen = sizeof sin;
    } else if (inet_pton(AF_INET6, s, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        memcpy(&q->addr, &sin6, sizeof sin6);
        q->addrlen = sizeof sin6;
    } else {
        return -1;
    }
    return 0;
}

/* Sets the port of q->addr, which parse_reverse() filled. */
static void question_set_port(struct question *q, uint16_t port)
{
    if (q->addr.ss_family == AF_INET)
        ((struct sockaddr_in *)(void *)&q->addr)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)(void *)&q->addr)->sin6_port = htons(port);
}

static const struct peer *peer_find(const char *name)
{
    if (strcmp(name, "libc") == 0)
        return &peer_libc;
#ifdef BENCH_HAVE_GAIX
    if (strcmp(name, "gaix") == 0)
        return &peer_gaix;
#endif
#ifdef BENCH_HAVE_CARES
    if (strcmp(name, "cares") == 0)
        return &peer_cares;
#endif
    return NULL;
}

int main(int argc, char **argv)
{
    /* max_seconds 0 until given: its default depends on the mode. */
    struct options opt = {NULL,
                          "time",
                          {BENCH_COUNT_DEFAULT, BENCH_RUNS_DEFAULT, 0, BENCH_WARMUP_SECONDS_DEFAULT,
                           BENCH_WARMUP_CALLS_DEFAULT}};
    struct question q;
    memset(&q, 0, sizeof q);
    q.op = OP_ADDRINFO;
    q.hostlen = BENCH_NI_HOST_MAX;
    q.servlen = BENCH_NI_SERV_MAX;
    int have_node = 0, have_service = 0, have_reverse = 0, have_port = 0;
    unsigned long port = 0, len;
    const char *why = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            return usage("every option takes a value");
        const char *v = argv[++i];
        if (strcmp(a, "--peer") == 0) {
            opt.peer = v;
        } else if (strcmp(a, "--node") == 0) {
            q.node = strcmp(v, "-") == 0 ? NULL : v;
            have_node = 1;
        } else if (strcmp(a, "--service") == 0) {
            q.service = strcmp(v, "-") == 0 ? NULL : v;
            have_service = 1;
        } else if (strcmp(a, "--reverse") == 0) {
            if (parse_reverse(v, &q) < 0)
                return usage("bad --reverse: an IPv4 or IPv6 address");
            q.op = OP_NAMEINFO;
            have_reverse = 1;
        } else if (strcmp(a, "--port") == 0) {
            if (parse_bounded(v, 65535, &port) < 0)
                return usage("bad --port");
            have_port = 1;
        } else if (strcmp(a, "--ni-flags") == 0) {
            if (parse_ni_flags(v, &q.ni_flags) < 0)
                return usage("bad --ni-flags");
        } else if (strcmp(a, "--hostlen") == 0) {
            if (parse_bounded(v, BENCH_NI_HOST_MAX, &len) < 0)
                return usage("bad --hostlen");
            q.hostlen = (socklen_t)len;
        } else if (strcmp(a, "--servlen") == 0) {
            if (parse_bounded(v, BENCH_NI_SERV_MAX, &len) < 0)
                return usage("bad --servlen");
            q.servlen = (socklen_t)len;
        } else if (strcmp(a, "--family") == 0) {
            if (parse_family(v, &q.hints.ai_family) < 0)
                return usage("bad --family");
        } else if (strcmp(a, "--socktype") == 0) {
            if (parse_socktype(v, &q.hints.ai_socktype) < 0)
                return usage("bad --socktype");
        } else if (strcmp(a, "--flags") == 0) {
            if (parse_flags(v, &q.hints.ai_flags) < 0)
                return usage("bad --flags");
        } else if (strcmp(a, "--mode") == 0) {
            if (strcmp(v, "answer") != 0 && strcmp(v, "time") != 0 && strcmp(v, "count") != 0)
                return usage("bad --mode");
            opt.mode = v;
        } else {
            int took = bench_timing_option(a, v, &opt.t, &why);
            if (took <= 0)
                return usage(took < 0 ? why : "unknown option");
        }
    }
    if (!opt.peer)
        return usage("--peer is required");
    if (have_reverse) {
        if (have_node || have_service)
            return usage("--reverse asks getnameinfo(): no --node or --service");
        if (!have_port)
            return usage("--reverse needs --port");
        question_set_port(&q, (uint16_t)port);
    } else if (!have_node || !have_service) {
        return usage("--node and --service are required (or --reverse and --port)");
    }
    if (opt.t.max_seconds == 0)
        opt.t.max_seconds = strcmp(opt.mode, "count") == 0 ? BENCH_COUNT_MAX_SECONDS_DEFAULT
                                                           : BENCH_MAX_SECONDS_DEFAULT;
    const struct peer *p = peer_find(opt.peer);
    if (!p) {
        fprintf(stderr, "n/a: peer %s is not built into this driver\n", opt.peer);
        return 4;
    }
    if (p->setup(&q) < 0)
        return 4;

    if (strcmp(opt.mode, "answer") == 0) {
        int rc = peer_op(p, &q)->print(&q, stdout);
        return rc ? 3 : 0;
    }
    if (strcmp(opt.mode, "time") == 0)
        return mode_time(p, &q, &opt);
    return mode_count(p, &q, &opt);
}
