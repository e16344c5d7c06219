/*
 * dns_driver: asks one peer for the addresses of names that only DNS knows, one lookup after the
 * other or many at once, and says how fast, at what cost.
 *
 * Model. bench/run.sh (its DNS scenarios, bench/dns.sh) builds this file several ways and runs it
 * inside the private mount and network namespace of the benchmark, where NSD serves a generated
 * zone on 127.0.0.1 port 53, /etc/resolv.conf names only 127.0.0.1, /etc/nsswitch.conf says
 * "hosts: files dns" and /etc/hosts holds the localhost lines only: every peer reads the same
 * files and every answer comes from NSD, over the loopback. The names come from a file (--names,
 * one a line), each with one A and one AAAA record; the loops walk through them in order, so no
 * name is asked twice in a row and nothing can be answered from a cache. Every lookup is
 * getaddrinfo(name, "80", {AF_UNSPEC, SOCK_STREAM}) or its equivalent. Peers:
 *   libc   the C library this binary is linked with: glibc (gcc build) or musl (musl-gcc build);
 *   gaix   gaix_ctx_getaddrinfo() on a context with the system's files (gaix_ctx_new with a
 *          zeroed gaix_config, plus --options, e.g. "parallel-search", applied over resolv.conf),
 *          and gaix_resolve() on that context for the async mode (BENCH_HAVE_GAIX);
 *   cares  ares_getaddrinfo() on a channel made once by ares_init() (resolv.conf, nsswitch.conf:
 *          c-ares's defaults), driven with ares_fds() + poll() + ares_process() (BENCH_HAVE_CARES);
 *   floor  no resolver: the A and AAAA queries of every name are built before timing; a lookup
 *          opens a fresh UDP socket, connects it to --server, sends both with one sendmmsg() and
 *          reads both answers (poll + recvmmsg), checking only their IDs, rcode and answer count.
 *          What a stub resolver cannot do with less: the yardstick of issue 4.
 * A lookup counts as answered only when it returns at least one IPv4 and one IPv6 address (the
 * floor: both replies NOERROR with an answer); anything else counts as a failure.
 *
 * Modes.
 *   answer  one lookup of name --index; prints its address set, sorted, on one line
 *           ("198.18.0.5 2001:db8:d45::5"), or the error, so that run.sh checks every peer
 *           against the zone.
 *   time    the first lookup timed on its own, --warmup-seconds of lookups, then --runs runs of
 *           --count lookups each (stopped early after --max-seconds), each lookup timed; prints
 *           the median over the runs of each run's mean latency, and percentiles of all lookups.
 *   count   --warmup-calls lookups, then exactly --count lookups in dns_loop() and nothing else:
 *           run.sh runs it under strace -c (N and 2N lookups); built with BENCH_COUNT_ALLOCS_* it
 *           counts the allocations and bytes made inside the loop.
 *   async   gaix and cares only: --runs runs of --count lookups each, --inflight of them in flight
 *           at any time (topped up as they finish), driven by the peer's event-loop interface on
 *           one thread; each run is stopped after --max-seconds (what is still in flight is
 *           cancelled and counted as unfinished). Prints the median rate of answered lookups,
 *           the client's CPU time per 10,000 lookups (getrusage: user + system), and how many
 *           lookups failed, timed out, were re-sent or went unfinished. Built with
 *           BENCH_COUNT_ALLOCS_*, the allocations of the timed runs are counted too.
 *
 * Bounds. Every loop ends by count and by time; every wait for a reply is bounded
 * (DNS_FLOOR_WAIT_MS for the floor, the c-ares rounds, the async run's --max-seconds); --count,
 * --runs and --inflight have ceilings.
 *
 * Loopback only. A resolver peer does not start unless every nameserver of /etc/resolv.conf is a
 * loopback address, nor the floor unless --server is in 127.0.0.0/8 (exit status 4, "n/a: ..."):
 * run by hand outside bench/run.sh's namespace, the driver would otherwise ask the machine's own
 * nameserver.
 *
 * Usage: dns_driver --peer libc|gaix|cares|floor --names FILE [--mode answer|time|count|async]
 *                   [--index I] [--count N] [--runs R] [--max-seconds S] [--warmup-seconds S]
 *                   [--warmup-calls N] [--inflight K] [--options "resolv.conf options"]
 *                   [--server IPV4[:PORT]]
 * Output: one line of key=value pairs (time, count, async) or the address set (answer). Exit
 * status 0; 2 on a usage error; 3 when a lookup fails; 4 when the peer is not built in or cannot
 * be set up (the reason on stderr, starting "n/a: ").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_common.h"

#ifdef BENCH_HAVE_GAIX
#include <gaix.h>
#endif
#ifdef BENCH_HAVE_CARES
#include <ares.h>
#endif

/* ---- limits ---------------------------------------------------------------------------------- */

/* Names read from --names: the bench zone has 10,000; a million bounds the memory at ~300 MB of
 * prebuilt floor queries in the worst case of 253-octet names (~50 MB for the bench's). */
#define DNS_NAMES_MAX 1000000u
/* A name in text form, without the final dot (RFC 1035: 255 octets on the wire). */
#define DNS_NAME_TEXT_MAX 253
/* A query: the 12-octet header, the name (at most 255 octets on the wire), type and class. */
#define DNS_QUERY_MAX (12 + 255 + 4)
/* A reply read by the floor: NSD's answers to the bench questions are ~100 octets; a 1232-octet
 * buffer (the EDNS0 payload gaix announces) holds any UDP answer without EDNS0 (512) and more. */
#define DNS_REPLY_MAX 1232
/* The floor's wait for its answers, per wait: a loopback answer takes well under a millisecond; a
 * lost one must not hang the benchmark. */
#define DNS_FLOOR_WAIT_MS 2000
/* Addresses one answer line can hold: the bench names have one of each family. */
#define DNS_ANSWER_ADDRS_MAX 64
/* Timed runs: the median of 5 shrugs off two disturbed runs (at most BENCH_RUNS_MAX). */
#define DNS_RUNS_DEFAULT 5
/* Lookups per timed run unless --count says otherwise: one pass over the 10,000 bench names. */
#define DNS_COUNT_DEFAULT 10000u
/* At most this many lookups per run in time mode: every lookup's latency is kept (8 octets). */
#define DNS_TIME_COUNT_MAX 1000000u
/* The time bound of one timed run, seconds (time and async modes). */
#define DNS_MAX_SECONDS_DEFAULT 2.0
/* The time bound of a count-mode loop, seconds: a safety net, not a measurement bound. */
#define DNS_COUNT_MAX_SECONDS_DEFAULT 300.0
/* Warm-up before timing: long enough to build gaix's indexes and fault in every page. */
#define DNS_WARMUP_SECONDS_DEFAULT 0.2
/* Warm-up lookups before a count-mode loop: the first builds indexes and binds lazy symbols. */
#define DNS_WARMUP_CALLS_DEFAULT 3u
/* Lookups in flight in async mode: 100 unless --inflight says otherwise; at most 10,000. */
#define DNS_INFLIGHT_DEFAULT 100u
#define DNS_INFLIGHT_MAX 10000u
/* The longest single wait of an async loop, ms: the run's deadline is checked at least this often
 * even when the peer asks for no wake-up. */
#define DNS_ASYNC_WAIT_MAX_MS 100
/* Rounds of a c-ares sequential lookup, each waiting at most DNS_CARES_WAIT_MS: c-ares's own
 * schedule (resolv.conf timeout x attempts) ends far earlier; this only stops a stuck channel. */
#define DNS_CARES_MAX_ROUNDS 120
#define DNS_CARES_WAIT_MS 1000
/* Rounds of gaix_ctx_process() after cancelling an async run's remaining lookups: their callbacks
 * are queued at once, so one round normally runs them all. */
#define DNS_CANCEL_ROUNDS 16

/* A lookup that returned without error but without both an IPv4 and an IPv6 address. */
#define DNS_WRONG_ANSWER (-1000)

/* The file every resolver peer takes its servers from (glibc, musl, gaix's default, c-ares). */
#define DNS_RESOLV_CONF "/etc/resolv.conf"
/* The most of it the loopback check reads: the bench's are under 400 octets and a real one a few
 * KB; a larger file is refused whole rather than checked in part. */
#define DNS_RESOLV_CONF_MAX 65536u

/* DNS wire constants (RFC 1035 4.1.1, 3.2.2; RFC 3596). */
#define DNS_TYPE_A 1
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1
#define DNS_FLAG_QR 0x80 /* in the third header octet */
#define DNS_FLAG_RD 0x01 /* in the third header octet */

/* ---- the names ------------------------------------------------------------------------------- */

struct names {
    char *text; /* the file, its newlines replaced by NULs */
    char **v;
    size_t n;
};

/* Reads FILE: one name a line, empty lines skipped. 0, or -1 with the reason on stderr. */
static int names_load(const char *path, struct names *out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "dns_driver: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap + 1);
    while (text) {
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap > (size_t)DNS_NAMES_MAX * (DNS_NAME_TEXT_MAX + 1)) {
            free(text);
            text = NULL;
            break;
        }
        cap *= 2;
        char *bigger = realloc(text, cap + 1);
        if (!bigger)
            free(text);
        text = bigger;
    }
    fclose(f);
    if (!text) {
        fprintf(stderr, "dns_driver: %s: too large or out of memory\n", path);
        return -1;
    }
    text[len] = '\0';
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    out->v = calloc(lines, sizeof *out->v);
    if (!out->v) {
        free(text);
        return -1;
    }
    out->n = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t l = strlen(line);
        if (l > DNS_NAME_TEXT_MAX || out->n == DNS_NAMES_MAX) {
            fprintf(stderr, "dns_driver: %s: a name over %d characters, or over %u names\n", path,
                    DNS_NAME_TEXT_MAX, DNS_NAMES_MAX);
            free(out->v);
            free(text);
            return -1;
        }
        if (l > 0)
            out->v[out->n++] = line;
        line = nl ? nl + 1 : NULL;
    }
    out->text = text;
    if (out->n == 0) {
        fprintf(stderr, "dns_driver: %s: no names\n", path);
        return -1;
    }
    return 0;
}

/* ---- answers --------------------------------------------------------------------------------- */

/* The addresses of an answer as text, kept sorted and without repeats: the form the answer mode
 * prints and run.sh compares. */
struct addr_set {
    char text[DNS_ANSWER_ADDRS_MAX][INET6_ADDRSTRLEN];
    size_t n;
};

static void addr_set_add(struct addr_set *s, int family, const void *addr)
{
    char t[INET6_ADDRSTRLEN];
    if (!inet_ntop(family, addr, t, sizeof t))
        return;
    size_t at = 0;
    while (at < s->n && strcmp(s->text[at], t) < 0)
        at++;
    if ((at < s->n && strcmp(s->text[at], t) == 0) || s->n == DNS_ANSWER_ADDRS_MAX)
        return;
    memmove(s->text[at + 1], s->text[at], (s->n - at) * sizeof s->text[0]);
    memcpy(s->text[at], t, sizeof t);
    s->n++;
}

static void addr_set_add_sockaddr(struct addr_set *s, const struct sockaddr *sa)
{
    if (sa && sa->sa_family == AF_INET)
        addr_set_add(s, AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
    else if (sa && sa->sa_family == AF_INET6)
        addr_set_add(s, AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
}

static void addr_set_print(const struct addr_set *s, FILE *out)
{
    for (size_t i = 0; i < s->n; i++)
        fprintf(out, "%s%s", i ? " " : "", s->text[i]);
    fputc('\n', out);
}

/* Both families in a struct addrinfo list: 0, or DNS_WRONG_ANSWER. */
static int addrinfo_check(const struct addrinfo *list)
{
    bool v4 = false, v6 = false;
    for (const struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        v4 |= ai->ai_family == AF_INET;
        v6 |= ai->ai_family == AF_INET6;
    }
    return v4 && v6 ? 0 : DNS_WRONG_ANSWER;
}

/* The question every peer is asked about each name. */
#define DNS_SERVICE "80"
static const struct addrinfo dns_hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};

/* ---- loopback only ----------------------------------------------------------------------------
 *
 * The benchmark must never send a packet off the host: bench/run.sh runs this driver in its own
 * network namespace with a resolv.conf that names 127.0.0.1. Run by hand outside it, every resolver
 * peer would ask the machine's own nameserver about the bench names. So the driver refuses to start
 * a resolver peer unless every "nameserver" line of /etc/resolv.conf is a loopback address
 * (127.0.0.0/8 or ::1; a missing file or no such line means 127.0.0.1 to every peer), and the
 * floor unless --server is in 127.0.0.0/8.
 */

static bool ipv4_is_loopback(const struct in_addr *a)
{
    return (ntohl(a->s_addr) >> 24) == 127;
}

/* A nameserver address as resolv.conf writes it (no port; a "%scope" suffix is not loopback). */
static bool server_text_is_loopback(const char *text)
{
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, text, &v4) == 1)
        return ipv4_is_loopback(&v4);
    return inet_pton(AF_INET6, text, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

/* Blank as any of the peers' resolv.conf readers might take it (musl uses isspace()). */
static bool byte_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* 0 when every nameserver of /etc/resolv.conf is on loopback; otherwise prints "n/a: ..." and
 * returns -1. */
static int resolv_conf_check_loopback(void)
{
    FILE *f = fopen(DNS_RESOLV_CONF, "r");
    if (!f && errno == ENOENT)
        return 0; /* no file: every peer asks 127.0.0.1 */
    if (!f) {
        fprintf(stderr, "n/a: %s: %s\n", DNS_RESOLV_CONF, strerror(errno));
        return -1;
    }
    static char text[DNS_RESOLV_CONF_MAX + 1];
    size_t len = fread(text, 1, sizeof text, f);
    bool bad_read = ferror(f) != 0;
    fclose(f);
    if (bad_read || len > DNS_RESOLV_CONF_MAX) {
        fprintf(stderr, "n/a: %s: unreadable or over %u octets: not checked, not used\n",
                DNS_RESOLV_CONF, DNS_RESOLV_CONF_MAX);
        return -1;
    }
    static const char keyword[] = "nameserver";
    const size_t klen = sizeof keyword - 1;
    for (size_t at = 0; at < len;) {
        const char *line = text + at;
        const char *nl = memchr(line, '\n', len - at);
        size_t llen = nl ? (size_t)(nl - line) : len - at;
        at += llen + 1;
        size_t i = 0;
        while (i < llen && byte_is_blank(line[i]))
            i++;
        if (llen - i <= klen || memcmp(line + i, keyword, klen) != 0 ||
            !byte_is_blank(line[i + klen]))
            continue;
        i += klen;
        while (i < llen && byte_is_blank(line[i]))
            i++;
        size_t start = i;
        while (i < llen && !byte_is_blank(line[i]))
            i++;
        char addr[INET6_ADDRSTRLEN + 16];
        size_t alen = i - start < sizeof addr - 1 ? i - start : sizeof addr - 1;
        memcpy(addr, line + start, alen);
        addr[alen] = '\0';
        if (i - start >= sizeof addr || !server_text_is_loopback(addr)) {
            fprintf(stderr,
                    "n/a: %s names nameserver %s, which is not on loopback: the DNS driver asks "
                    "only a server on loopback (run it through bench/run.sh, in its namespace)\n",
                    DNS_RESOLV_CONF, addr);
            return -1;
        }
    }
    return 0;
}

/* ---- peers ----------------------------------------------------------------------------------- */

struct options {
    const char *peer;
    const char *mode;
    const char *names_path;
    const char *gaix_options; /* gaix: resolv.conf options over the file's */
    const char *server;       /* floor: the server */
    size_t index;
    struct bench_timing t;
    unsigned inflight;
};

/* What an async run saw; every started lookup ends in exactly one of ok, wrong, failed and
 * unfinished. */
struct async_stats {
    uint64_t ok;         /* answered with both families */
    uint64_t wrong;      /* answered, without both families */
    uint64_t failed;     /* an error (timeouts included) */
    uint64_t timeouts;   /* of the failed: the resolver's timeout (EAI_AGAIN, ARES_ETIMEOUT) */
    uint64_t retried;    /* lookups that sent more than their two queries (gaix), or met a
                            timeout and sent again (c-ares) */
    uint64_t unfinished; /* still in flight at the run's time bound: cancelled */
    uint64_t finished;   /* callbacks run */
};

struct dns_peer {
    const char *name;
    /* 0, or prints "n/a: why" and returns -1. */
    int (*setup)(const struct options *opt, const struct names *names);
    /* One lookup of name i and the freeing of its answer: 0, or the peer's error. */
    int (*lookup)(size_t i);
    /* One lookup of name i into *set: 0, or prints the error on out and returns it. */
    int (*answer)(size_t i, struct addr_set *set, FILE *out);
    /* One async run (NULL: the peer has no async interface): count lookups from name first on,
     * inflight at a time, until deadline_ns; 0, or -1 when the loop itself failed. */
    int (*async_run)(size_t first, uint64_t count, unsigned inflight, uint64_t deadline_ns,
                     struct async_stats *st);
};

static const struct names *dns_names;

/* The C library this binary links: glibc or musl. */
static int libc_setup(const struct options *opt, const struct names *names)
{
    (void)opt;
    dns_names = names;
    return 0;
}

static int libc_lookup(size_t i)
{
    struct addrinfo *res;
    int rc = getaddrinfo(dns_names->v[i], DNS_SERVICE, &dns_hints, &res);
    if (rc != 0)
        return rc;
    rc = addrinfo_check(res);
    freeaddrinfo(res);
    return rc;
}

static int libc_answer(size_t i, struct addr_set *set, FILE *out)
{
    struct addrinfo *res;
    int rc = getaddrinfo(dns_names->v[i], DNS_SERVICE, &dns_hints, &res);
    if (rc != 0) {
        fprintf(out, "error %d (%s)\n", rc, gai_strerror(rc));
        return rc;
    }
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
        addr_set_add_sockaddr(set, ai->ai_addr);
    freeaddrinfo(res);
    return 0;
}

static const struct dns_peer peer_libc = {"libc", libc_setup, libc_lookup, libc_answer, NULL};

#ifdef BENCH_HAVE_GAIX
/* A context with the system's files, and --options over resolv.conf's: made once, as a program
 * would; the default context of gaix_getaddrinfo() is the same thing without the options. */
static gaix_ctx *gaix_bench_ctx;

static int gaix_setup(const struct options *opt, const struct names *names)
{
    dns_names = names;
    struct gaix_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.options = opt->gaix_options;
    gaix_bench_ctx = gaix_ctx_new(&cfg);
    if (!gaix_bench_ctx) {
        fprintf(stderr, "n/a: gaix_ctx_new: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static int gaix_lookup(size_t i)
{
    struct addrinfo *res;
    int rc = gaix_ctx_getaddrinfo(gaix_bench_ctx, dns_names->v[i], DNS_SERVICE, &dns_hints, &res);
    if (rc != 0)
        return rc;
    rc = addrinfo_check(res);
    gaix_freeaddrinfo(res);
    return rc;
}

static int gaix_answer(size_t i, struct addr_set *set, FILE *out)
{
    struct addrinfo *res;
    struct gaix_result r;
    int rc = gaix_ctx_getaddrinfo_detail(gaix_bench_ctx, dns_names->v[i], DNS_SERVICE, &dns_hints,
                                         &res, &r);
    if (rc != 0) {
        fprintf(out, "error %d (%s)\n", rc, gaix_strerror(rc));
        return rc;
    }
    if (r.source != GAIX_SOURCE_DNS) {
        /* The bench names exist only in the zone: any other source is a fixture mistake. */
        fprintf(out, "error: answered from source %d, not DNS\n", (int)r.source);
        gaix_freeaddrinfo(res);
        return DNS_WRONG_ANSWER;
    }
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
        addr_set_add_sockaddr(set, ai->ai_addr);
    gaix_freeaddrinfo(res);
    return 0;
}

/* An async run's lookups in flight: slot k holds one, its callback's argument. */
struct async_slot {
    gaix_query *q;
    struct async_stats *st;
    unsigned *in_flight;
};

static void gaix_async_done(gaix_query *q, struct gaix_result *r, void *arg)
{
    struct async_slot *s = arg;
    struct async_stats *st = s->st;
    (void)q;
    s->q = NULL;
    (*s->in_flight)--;
    st->finished++;
    if (r->status == 0) {
        if (addrinfo_check(r->ai) == 0)
            st->ok++;
        else
            st->wrong++;
    } else if (r->status == EAI_CANCELED) {
        st->unfinished++;
    } else {
        st->failed++;
        st->timeouts += r->status == EAI_AGAIN;
    }
    st->retried += r->queries > 2;
    if (r->ai)
        gaix_freeaddrinfo(r->ai);
}

/* Cancels every lookup still in flight and runs their callbacks (bounded). */
static void gaix_async_cancel_all(struct async_slot *slots, unsigned nslots,
                                  const unsigned *in_flight)
{
    for (unsigned k = 0; k < nslots; k++)
        if (slots[k].q)
            gaix_cancel(slots[k].q);
    for (int round = 0; *in_flight > 0 && round < DNS_CANCEL_ROUNDS; round++)
        (void)gaix_ctx_process(gaix_bench_ctx);
}

static int gaix_async_run(size_t first, uint64_t count, unsigned inflight, uint64_t deadline_ns,
                          struct async_stats *st)
{
    struct async_slot *slots = calloc(inflight, sizeof *slots);
    if (!slots)
        return -1;
    unsigned in_flight = 0;
    for (unsigned k = 0; k < inflight; k++) {
        slots[k].st = st;
        slots[k].in_flight = &in_flight;
    }
    int fd = gaix_ctx_fd(gaix_bench_ctx);
    if (fd < 0) {
        free(slots);
        return -1;
    }
    uint64_t started = 0;
    unsigned free_from = 0; /* slots are looked for from here on, round robin */
    int rc = 0;
    while (st->finished < count) {
        while (in_flight < inflight && started < count) {
            while (slots[free_from].q)
                free_from = (free_from + 1) % inflight;
            struct async_slot *s = &slots[free_from];
            const char *name = dns_names->v[(first + started) % dns_names->n];
            started++;
            s->q =
                gaix_resolve(gaix_bench_ctx, name, DNS_SERVICE, &dns_hints, 0, gaix_async_done, s);
            if (!s->q) {
                /* No callback will run for it. */
                st->failed++;
                st->finished++;
                continue;
            }
            in_flight++;
        }
        uint64_t now = bench_now_ns();
        if (now >= deadline_ns) {
            gaix_async_cancel_all(slots, inflight, &in_flight);
            break;
        }
        int wait_ms = gaix_ctx_timeout_ms(gaix_bench_ctx);
        int left_ms = (int)((deadline_ns - now) / 1000000u) + 1;
        if (wait_ms < 0 || wait_ms > DNS_ASYNC_WAIT_MAX_MS)
            wait_ms = DNS_ASYNC_WAIT_MAX_MS;
        if (wait_ms > left_ms)
            wait_ms = left_ms;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR) {
            rc = -1;
            gaix_async_cancel_all(slots, inflight, &in_flight);
            break;
        }
        if (gaix_ctx_process(gaix_bench_ctx) < 0) {
            rc = -1;
            gaix_async_cancel_all(slots, inflight, &in_flight);
            break;
        }
    }
    free(slots);
    return rc;
}

static const struct dns_peer peer_gaix = {"gaix", gaix_setup, gaix_lookup, gaix_answer,
                                          gaix_async_run};
#endif

#ifdef BENCH_HAVE_CARES
/* One channel for the whole process, made by ares_init() with c-ares's defaults: it reads
 * resolv.conf (nameserver 127.0.0.1) and nsswitch.conf ("files dns": lookups "fb"). */
static ares_channel cares_channel;
static struct ares_addrinfo_hints cares_hints;

static int cares_setup(const struct options *opt, const struct names *names)
{
    (void)opt;
    dns_names = names;
    int rc = ares_library_init(ARES_LIB_INIT_ALL);
    if (rc == ARES_SUCCESS)
        rc = ares_init(&cares_channel);
    if (rc != ARES_SUCCESS) {
        fprintf(stderr, "n/a: c-ares setup: %s\n", ares_strerror(rc));
        return -1;
    }
    cares_hints.ai_family = dns_hints.ai_family;
    cares_hints.ai_socktype = dns_hints.ai_socktype;
    return 0;
}

/* Both families in a c-ares answer: 0, or DNS_WRONG_ANSWER. */
static int cares_check(const struct ares_addrinfo *res)
{
    bool v4 = false, v6 = false;
    for (const struct ares_addrinfo_node *n = res ? res->nodes : NULL; n; n = n->ai_next) {
        v4 |= n->ai_family == AF_INET;
        v6 |= n->ai_family == AF_INET6;
    }
    return v4 && v6 ? 0 : DNS_WRONG_ANSWER;
}

/* What the callback of a sequential lookup hands back to the waiting loop. */
struct cares_wait {
    int done;
    int status;
    struct addr_set *set; /* answer mode: the addresses go here */
};

static void cares_callback(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    struct cares_wait *w = arg;
    (void)timeouts;
    w->done = 1;
    w->status = status;
    if (status == ARES_SUCCESS)
        w->status = cares_check(res);
    if (w->set && res)
        for (const struct ares_addrinfo_node *n = res->nodes; n; n = n->ai_next)
            addr_set_add_sockaddr(w->set, n->ai_addr);
    if (res)
        ares_freeaddrinfo(res);
}

static int cares_run(size_t i, struct addr_set *set)
{
    struct cares_wait w = {0, 0, set};
    ares_getaddrinfo(cares_channel, dns_names->v[i], DNS_SERVICE, &cares_hints, cares_callback, &w);
    int rc = bench_cares_drive(cares_channel, &w.done, DNS_CARES_MAX_ROUNDS, DNS_CARES_WAIT_MS);
    return rc != ARES_SUCCESS ? rc : w.status;
}

static int cares_lookup(size_t i)
{
    return cares_run(i, NULL);
}

static int cares_answer(size_t i, struct addr_set *set, FILE *out)
{
    int rc = cares_run(i, set);
    if (rc != ARES_SUCCESS)
        fprintf(out, "error %d (%s)\n", rc,
                rc == DNS_WRONG_ANSWER ? "not both families" : ares_strerror(rc));
    return rc;
}

/* The async run's counters, for the callback (c-ares passes one argument; every lookup of a run
 * shares it). */
struct cares_async {
    struct async_stats *st;
    unsigned in_flight;
};

static void cares_async_done(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    struct cares_async *a = arg;
    struct async_stats *st = a->st;
    a->in_flight--;
    st->finished++;
    if (status == ARES_SUCCESS) {
        if (cares_check(res) == 0)
            st->ok++;
        else
            st->wrong++;
    } else if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) {
        st->unfinished++;
    } else {
        st->failed++;
        st->timeouts += status == ARES_ETIMEOUT;
    }
    st->retried += timeouts > 0;
    if (res)
        ares_freeaddrinfo(res);
}

static int cares_async_run(size_t first, uint64_t count, unsigned inflight, uint64_t deadline_ns,
                           struct async_stats *st)
{
    struct cares_async a = {st, 0};
    uint64_t started = 0;
    int rc = 0;
    while (st->finished < count) {
        while (a.in_flight < inflight && started < count) {
            const char *name = dns_names->v[(first + started) % dns_names->n];
            started++;
            a.in_flight++;
            ares_getaddrinfo(cares_channel, name, DNS_SERVICE, &cares_hints, cares_async_done, &a);
        }
        uint64_t now = bench_now_ns();
        if (now >= deadline_ns)
            break;
        int left_ms = (int)((deadline_ns - now) / 1000000u) + 1;
        int round = bench_cares_round(
            cares_channel, left_ms < DNS_ASYNC_WAIT_MAX_MS ? left_ms : DNS_ASYNC_WAIT_MAX_MS);
        if (round != ARES_SUCCESS && a.in_flight > 0) {
            rc = -1;
            break;
        }
    }
    /* Whatever is still in flight ends now, its callback run with ARES_ECANCELLED. */
    ares_cancel(cares_channel);
    return rc;
}

static const struct dns_peer peer_cares = {"cares", cares_setup, cares_lookup, cares_answer,
                                           cares_async_run};
#endif

/* ---- the floor ------------------------------------------------------------------------------- */

/* Every name's two queries, built before timing, and the server. */
static struct {
    uint8_t *buf;  /* 2 x DNS_QUERY_MAX octets per name */
    uint16_t *len; /* 2 per name */
    struct sockaddr_in server;
} floor_q;

/* Writes a query for (name, qtype) with the given ID into out: its length, or 0 for a name that
 * cannot be written (an empty label, a label over 63 octets, over 255 octets in all). */
static size_t query_build(uint8_t *out, uint16_t id, const char *name, uint16_t qtype)
{
    size_t at = 12;
    memset(out, 0, 12);
    out[0] = (uint8_t)(id >> 8);
    out[1] = (uint8_t)id;
    out[2] = DNS_FLAG_RD;
    out[5] = 1; /* QDCOUNT */
    for (const char *label = name; *label;) {
        size_t l = strcspn(label, ".");
        if (l == 0 || l > 63 || at + 1 + l + 1 + 4 > DNS_QUERY_MAX)
            return 0;
        out[at++] = (uint8_t)l;
        memcpy(out + at, label, l);
        at += l;
        label += l;
        if (*label == '.')
            label++;
    }
    out[at++] = 0;
    out[at++] = (uint8_t)(qtype >> 8);
    out[at++] = (uint8_t)qtype;
    out[at++] = 0;
    out[at++] = DNS_CLASS_IN;
    return at;
}

static int floor_setup(const struct options *opt, const struct names *names)
{
    dns_names = names;
    char host[INET_ADDRSTRLEN];
    unsigned long port = 53;
    const char *colon = strchr(opt->server, ':');
    size_t hl = colon ? (size_t)(colon - opt->server) : strlen(opt->server);
    if (hl >= sizeof host) {
        fprintf(stderr, "n/a: bad --server %s\n", opt->server);
        return -1;
    }
    memcpy(host, opt->server, hl);
    host[hl] = '\0';
    if (colon) {
        char *end;
        port = strtoul(colon + 1, &end, 10);
        if (*end || port == 0 || port > 65535) {
            fprintf(stderr, "n/a: bad --server port %s\n", colon + 1);
            return -1;
        }
    }
    memset(&floor_q.server, 0, sizeof floor_q.server);
    floor_q.server.sin_family = AF_INET;
    floor_q.server.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &floor_q.server.sin_addr) != 1) {
        fprintf(stderr, "n/a: --server %s is not an IPv4 address\n", opt->server);
        return -1;
    }
    if (!ipv4_is_loopback(&floor_q.server.sin_addr)) {
        fprintf(stderr, "n/a: --server %s is not in 127.0.0.0/8: the floor asks only loopback\n",
                opt->server);
        return -1;
    }
    floor_q.buf = malloc(names->n * 2 * DNS_QUERY_MAX);
    floor_q.len = malloc(names->n * 2 * sizeof *floor_q.len);
    if (!floor_q.buf || !floor_q.len) {
        fprintf(stderr, "n/a: out of memory for the floor's queries\n");
        return -1;
    }
    for (size_t i = 0; i < names->n; i++) {
        /* The IDs need only tell the two answers apart. */
        for (unsigned k = 0; k < 2; k++) {
            size_t l = query_build(floor_q.buf + (2 * i + k) * DNS_QUERY_MAX, (uint16_t)(2 * i + k),
                                   names->v[i], k == 0 ? DNS_TYPE_A : DNS_TYPE_AAAA);
            if (l == 0) {
                fprintf(stderr, "n/a: cannot build a query for %s\n", names->v[i]);
                return -1;
            }
            floor_q.len[2 * i + k] = (uint16_t)l;
        }
    }
    return 0;
}

/* The offset just past the name at off in a message, or 0 if it runs off the end. */
static size_t name_skip(const uint8_t *m, size_t len, size_t off)
{
    while (off < len) {
        uint8_t b = m[off];
        if (b == 0)
            return off + 1;
        if ((b & 0xC0) == 0xC0)
            return off + 2 <= len ? off + 2 : 0;
        if (b & 0xC0)
            return 0;
        off += 1u + b;
    }
    return 0;
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* Adds the A and AAAA records of a reply's answer section to *set: 0, or -1 if malformed. */
static int reply_addrs(const uint8_t *m, size_t len, struct addr_set *set)
{
    unsigned qd = get16(m + 4), an = get16(m + 6);
    size_t off = 12;
    for (unsigned i = 0; i < qd; i++) {
        off = name_skip(m, len, off);
        if (off == 0 || off + 4 > len)
            return -1;
        off += 4;
    }
    for (unsigned i = 0; i < an; i++) {
        off = name_skip(m, len, off);
        if (off == 0 || off + 10 > len)
            return -1;
        unsigned type = get16(m + off), rdlen = get16(m + off + 8);
        off += 10;
        if (off + rdlen > len)
            return -1;
        if (type == DNS_TYPE_A && rdlen == 4)
            addr_set_add(set, AF_INET, m + off);
        else if (type == DNS_TYPE_AAAA && rdlen == 16)
            addr_set_add(set, AF_INET6, m + off);
        off += rdlen;
    }
    return 0;
}

/* One floor lookup of name i: a fresh socket, both queries in one sendmmsg(), then poll() and
 * recvmmsg() until both answers are in (each NOERROR with an answer), or DNS_FLOOR_WAIT_MS
 * without one. With set, the answers' addresses are collected into it. */
static int floor_run(size_t i, struct addr_set *set)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return EAI_SYSTEM;
    int rc = 0;
    if (connect(fd, (const struct sockaddr *)(const void *)&floor_q.server,
                sizeof floor_q.server) != 0) {
        close(fd);
        return EAI_SYSTEM;
    }
    struct iovec iov[2];
    struct mmsghdr msgs[2];
    memset(msgs, 0, sizeof msgs);
    for (unsigned k = 0; k < 2; k++) {
        iov[k].iov_base = floor_q.buf + (2 * i + k) * DNS_QUERY_MAX;
        iov[k].iov_len = floor_q.len[2 * i + k];
        msgs[k].msg_hdr.msg_iov = &iov[k];
        msgs[k].msg_hdr.msg_iovlen = 1;
    }
    for (unsigned sent = 0; sent < 2;) {
        int r = sendmmsg(fd, msgs + sent, 2 - sent, 0);
        if (r < 0 && errno != EINTR) {
            close(fd);
            return EAI_SYSTEM;
        }
        sent += r > 0 ? (unsigned)r : 0;
    }
    uint8_t reply[2][DNS_REPLY_MAX];
    unsigned got = 0; /* bit k: the answer to query k is in */
    while (got != 3 && rc == 0) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int p = poll(&pfd, 1, DNS_FLOOR_WAIT_MS);
        if (p == 0)
            rc = EAI_AGAIN;
        if (p <= 0) {
            rc = rc ? rc : errno == EINTR ? 0 : EAI_SYSTEM;
            continue;
        }
        for (unsigned k = 0; k < 2; k++) {
            iov[k].iov_base = reply[k];
            iov[k].iov_len = sizeof reply[k];
            msgs[k].msg_len = 0;
        }
        int n = recvmmsg(fd, msgs, 2, MSG_DONTWAIT, NULL);
        for (int k = 0; k < n; k++) {
            const uint8_t *m = reply[k];
            size_t len = msgs[k].msg_len;
            if (len < 12 || !(m[2] & DNS_FLAG_QR))
                continue;
            unsigned id = get16(m);
            if (id != (uint16_t)(2 * i) && id != (uint16_t)(2 * i + 1))
                continue;
            if ((m[3] & 0x0F) != 0 || get16(m + 6) == 0)
                rc = EAI_FAIL;
            else if (set && reply_addrs(m, len, set) < 0)
                rc = EAI_FAIL;
            got |= 1u << (id & 1u);
        }
    }
    close(fd);
    return rc;
}

static int floor_lookup(size_t i)
{
    return floor_run(i, NULL);
}

static int floor_answer(size_t i, struct addr_set *set, FILE *out)
{
    int rc = floor_run(i, set);
    if (rc != 0)
        fprintf(out, "error %d (%s)\n", rc, gai_strerror(rc));
    return rc;
}

static const struct dns_peer peer_floor = {"floor", floor_setup, floor_lookup, floor_answer, NULL};

/* ---- modes ----------------------------------------------------------------------------------- */

/*
 * The measured loop of count mode: count lookups of the names from *next on, fewer if deadline_ns
 * passes. Not inlined and not cloned, so that a profiler finds it by name.
 */
BENCH_NOINLINE static uint64_t dns_loop(const struct dns_peer *p, size_t *next, uint64_t count,
                                        uint64_t deadline_ns, uint64_t *failures)
{
    uint64_t done = 0;
    while (done < count && bench_now_ns() < deadline_ns) {
        if (p->lookup(*next) != 0)
            (*failures)++;
        *next = (*next + 1) % dns_names->n;
        done++;
    }
    return done;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of n sorted values (nearest rank). */
static uint64_t quantile(const uint64_t *sorted, size_t n, double q)
{
    size_t k = (size_t)(q * (double)n);
    return sorted[k < n ? k : n - 1];
}

static int mode_answer(const struct dns_peer *p, const struct options *opt)
{
    if (opt->index >= dns_names->n) {
        fprintf(stderr, "dns_driver: --index %zu: only %zu names\n", opt->index, dns_names->n);
        return 2;
    }
    struct addr_set set;
    set.n = 0;
    int rc = p->answer(opt->index, &set, stdout);
    if (rc != 0)
        return 3;
    addr_set_print(&set, stdout);
    return 0;
}

/* time mode: every lookup timed; the run means' median and the lookups' percentiles. */
static int mode_time(const struct dns_peer *p, const struct options *opt)
{
    uint64_t failures = 0;
    size_t next = 0;
    uint64_t t = bench_now_ns();
    if (p->lookup(next) != 0) {
        fprintf(stderr, "%s: the lookup of %s fails\n", p->name, dns_names->v[next]);
        return 3;
    }
    uint64_t first_ns = bench_now_ns() - t;
    next = (next + 1) % dns_names->n;
    uint64_t warm_end = bench_now_ns() + (uint64_t)(opt->t.warmup_seconds * NS_PER_S);
    (void)dns_loop(p, &next, UINT64_MAX, warm_end, &failures);
    failures = 0;

    uint64_t *lat = malloc((size_t)opt->t.count * (size_t)opt->t.runs * sizeof *lat);
    if (!lat)
        return 3;
    size_t nlat = 0;
    double mean_us[BENCH_RUNS_MAX];
    for (int r = 0; r < opt->t.runs; r++) {
        uint64_t deadline = bench_now_ns() + (uint64_t)(opt->t.max_seconds * NS_PER_S);
        uint64_t sum = 0, done = 0;
        while (done < opt->t.count) {
            uint64_t t0 = bench_now_ns();
            if (t0 >= deadline)
                break;
            if (p->lookup(next) != 0)
                failures++;
            uint64_t d = bench_now_ns() - t0;
            lat[nlat++] = d;
            sum += d;
            done++;
            next = (next + 1) % dns_names->n;
        }
        mean_us[r] = done ? (double)sum / (double)done / 1000.0 : 0;
    }
    double sorted[BENCH_RUNS_MAX];
    memcpy(sorted, mean_us, sizeof(double) * (size_t)opt->t.runs);
    double median = bench_median(sorted, (size_t)opt->t.runs);
    qsort(lat, nlat, sizeof *lat, compare_u64);
    printf("peer=%s mean_us=%.2f min_mean_us=%.2f max_mean_us=%.2f p50_us=%.2f p90_us=%.2f "
           "p99_us=%.2f runs=%d calls=%zu failures=%llu first_call_us=%.1f means=",
           p->name, median, sorted[0], sorted[opt->t.runs - 1],
           nlat ? (double)quantile(lat, nlat, 0.5) / 1000.0 : 0,
           nlat ? (double)quantile(lat, nlat, 0.9) / 1000.0 : 0,
           nlat ? (double)quantile(lat, nlat, 0.99) / 1000.0 : 0, opt->t.runs, nlat,
           (unsigned long long)failures, (double)first_ns / 1000.0);
    for (int r = 0; r < opt->t.runs; r++)
        printf("%s%.2f", r ? "," : "", mean_us[r]);
    printf("\n");
    free(lat);
    return failures ? 3 : 0;
}

/* count mode: warm-up lookups, then exactly opt->t.count lookups in dns_loop(). */
static int mode_count(const struct dns_peer *p, const struct options *opt)
{
    uint64_t failures = 0;
    size_t next = 0;
    for (uint64_t i = 0; i < opt->t.warmup_calls; i++) {
        if (p->lookup(next) != 0) {
            fprintf(stderr, "%s: the lookup of %s fails\n", p->name, dns_names->v[next]);
            return 3;
        }
        next = (next + 1) % dns_names->n;
    }
    uint64_t deadline = bench_now_ns() + (uint64_t)(opt->t.max_seconds * NS_PER_S);
    bench_alloc_counting = 1;
    uint64_t done = dns_loop(p, &next, opt->t.count, deadline, &failures);
    bench_alloc_counting = 0;
    printf("peer=%s calls=%llu failures=%llu", p->name, (unsigned long long)done,
           (unsigned long long)failures);
    if (bench_allocs_counted)
        printf(" allocs=%llu alloc_bytes=%llu", bench_alloc_count, bench_alloc_bytes);
    printf("\n");
    return failures ? 3 : 0;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* async mode: opt->t.runs runs of opt->t.count lookups, opt->inflight at a time. */
static int mode_async(const struct dns_peer *p, const struct options *opt)
{
    if (!p->async_run) {
        fprintf(stderr, "n/a: %s has no asynchronous interface here\n", p->name);
        return 4;
    }
    /* A short warm-up run (indexes, lazy binding, the first sockets), not counted. */
    struct async_stats warm;
    memset(&warm, 0, sizeof warm);
    uint64_t warm_count = opt->inflight < opt->t.count ? opt->inflight : opt->t.count;
    if (p->async_run(0, warm_count, opt->inflight,
                     bench_now_ns() + (uint64_t)(opt->t.max_seconds * NS_PER_S), &warm) < 0) {
        fprintf(stderr, "%s: the async loop failed\n", p->name);
        return 3;
    }
    double rate[BENCH_RUNS_MAX], cpu10k[BENCH_RUNS_MAX], wall[BENCH_RUNS_MAX];
    struct async_stats total;
    memset(&total, 0, sizeof total);
    size_t first = (size_t)(warm_count % dns_names->n);
    bench_alloc_counting = 1;
    for (int r = 0; r < opt->t.runs; r++) {
        struct async_stats st;
        memset(&st, 0, sizeof st);
        double cpu0 = cpu_seconds();
        uint64_t t0 = bench_now_ns();
        int rc = p->async_run(first, opt->t.count, opt->inflight,
                              t0 + (uint64_t)(opt->t.max_seconds * NS_PER_S), &st);
        double secs = (double)(bench_now_ns() - t0) / NS_PER_S;
        double cpu = cpu_seconds() - cpu0;
        if (rc < 0) {
            bench_alloc_counting = 0;
            fprintf(stderr, "%s: the async loop failed\n", p->name);
            return 3;
        }
        first = (first + (size_t)(opt->t.count % dns_names->n)) % dns_names->n;
        rate[r] = secs > 0 ? (double)st.ok / secs : 0;
        uint64_t ended = st.ok + st.wrong + st.failed;
        cpu10k[r] = ended ? cpu / (double)ended * 10000.0 : 0;
        wall[r] = secs;
        total.ok += st.ok;
        total.wrong += st.wrong;
        total.failed += st.failed;
        total.timeouts += st.timeouts;
        total.retried += st.retried;
        total.unfinished += st.unfinished;
    }
    bench_alloc_counting = 0;
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) != 0)
        nofile.rlim_cur = 0;
    double rates[BENCH_RUNS_MAX];
    memcpy(rates, rate, sizeof(double) * (size_t)opt->t.runs);
    double median = bench_median(rates, (size_t)opt->t.runs);
    printf("peer=%s inflight=%u count=%llu median=%.1f min=%.1f max=%.1f cpu_10k=%.4f "
           "wall_s=%.3f ok=%llu wrong=%llu failed=%llu timeouts=%llu retried=%llu "
           "unfinished=%llu lookups=%llu nofile=%llu",
           p->name, opt->inflight, (unsigned long long)opt->t.count, median, rates[0],
           rates[opt->t.runs - 1], bench_median(cpu10k, (size_t)opt->t.runs),
           bench_median(wall, (size_t)opt->t.runs), (unsigned long long)total.ok,
           (unsigned long long)total.wrong, (unsigned long long)total.failed,
           (unsigned long long)total.timeouts, (unsigned long long)total.retried,
           (unsigned long long)total.unfinished,
           (unsigned long long)(total.ok + total.wrong + total.failed + total.unfinished),
           (unsigned long long)nofile.rlim_cur);
    if (bench_allocs_counted)
        printf(" allocs=%llu alloc_bytes=%llu", bench_alloc_count, bench_alloc_bytes);
    printf(" rates=");
    for (int r = 0; r < opt->t.runs; r++)
        printf("%s%.0f", r ? "," : "", rate[r]);
    printf("\n");
    return 0;
}

/* ---- command line ---------------------------------------------------------------------------- */

static int usage(const char *why)
{
    fprintf(stderr,
            "dns_driver: %s\n"
            "usage: dns_driver --peer libc|gaix|cares|floor --names FILE\n"
            "         [--mode answer|time|count|async] [--index I] [--count N] [--runs R]\n"
            "         [--max-seconds S] [--warmup-seconds S] [--warmup-calls N] [--inflight K]\n"
            "         [--options \"resolv.conf options\"] (gaix) [--server IPV4[:PORT]] (floor)\n",
            why);
    return 2;
}

/* The peers built into this binary, by the name --peer gives. */
static const struct dns_peer *const dns_peers[] = {
    &peer_libc,
    &peer_floor,
#ifdef BENCH_HAVE_GAIX
    &peer_gaix,
#endif
#ifdef BENCH_HAVE_CARES
    &peer_cares,
#endif
};

static const struct dns_peer *peer_find(const char *name)
{
    for (size_t i = 0; i < sizeof dns_peers / sizeof dns_peers[0]; i++)
        if (strcmp(dns_peers[i]->name, name) == 0)
            return dns_peers[i];
    return NULL;
}

int main(int argc, char **argv)
{
    /* max_seconds 0 until given: its default depends on the mode. */
    struct options opt = {.mode = "time",
                          .server = "127.0.0.1:53",
                          .t = {.count = DNS_COUNT_DEFAULT,
                                .runs = DNS_RUNS_DEFAULT,
                                .warmup_seconds = DNS_WARMUP_SECONDS_DEFAULT,
                                .warmup_calls = DNS_WARMUP_CALLS_DEFAULT},
                          .inflight = DNS_INFLIGHT_DEFAULT};
    uint64_t v;
    const char *why = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            return usage("every option takes a value");
        const char *val = argv[++i];
        if (strcmp(a, "--peer") == 0) {
            opt.peer = val;
        } else if (strcmp(a, "--names") == 0) {
            opt.names_path = val;
        } else if (strcmp(a, "--options") == 0) {
            opt.gaix_options = val;
        } else if (strcmp(a, "--server") == 0) {
            opt.server = val;
        } else if (strcmp(a, "--mode") == 0) {
            if (strcmp(val, "answer") != 0 && strcmp(val, "time") != 0 &&
                strcmp(val, "count") != 0 && strcmp(val, "async") != 0)
                return usage("bad --mode");
            opt.mode = val;
        } else if (strcmp(a, "--index") == 0) {
            if (strcmp(val, "0") == 0)
                v = 0;
            else if (bench_parse_u64(val, &v) < 0)
                return usage("bad --index");
            opt.index = (size_t)v;
        } else if (strcmp(a, "--inflight") == 0) {
            if (bench_parse_u64(val, &v) < 0 || v > DNS_INFLIGHT_MAX)
                return usage("bad --inflight");
            opt.inflight = (unsigned)v;
        } else {
            int took = bench_timing_option(a, val, &opt.t, &why);
            if (took <= 0)
                return usage(took < 0 ? why : "unknown option");
        }
    }
    if (!opt.peer || !opt.names_path)
        return usage("--peer and --names are required");
    if (strcmp(opt.mode, "time") == 0 && opt.t.count > DNS_TIME_COUNT_MAX)
        return usage("--count is at most 1000000 in time mode");
    if (opt.t.max_seconds == 0)
        opt.t.max_seconds = strcmp(opt.mode, "count") == 0 ? DNS_COUNT_MAX_SECONDS_DEFAULT
                                                           : DNS_MAX_SECONDS_DEFAULT;
    const struct dns_peer *p = peer_find(opt.peer);
    if (!p) {
        fprintf(stderr, "n/a: peer %s is not built into this driver\n", opt.peer);
        return 4;
    }
    struct names names;
    if (names_load(opt.names_path, &names) < 0)
        return 2;
    /* The floor checks its own --server; every other peer reads /etc/resolv.conf. */
    if (p != &peer_floor && resolv_conf_check_loopback() < 0)
        return 4;
    if (p->setup(&opt, &names) < 0)
        return 4;
    if (strcmp(opt.mode, "answer") == 0)
        return mode_answer(p, &opt);
    if (strcmp(opt.mode, "time") == 0)
        return mode_time(p, &opt);
    if (strcmp(opt.mode, "async") == 0)
        return mode_async(p, &opt);
    return mode_count(p, &opt);
}
