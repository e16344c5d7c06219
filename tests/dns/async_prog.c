/*
 * async_prog: gaix's asynchronous API against a real server (NSD serving tests/dns/zones.py
 * --extra), driven by tests/dns/test_async_dns.sh inside a network namespace.
 *
 *   async_prog --server ADDR[:PORT] [--server ...] [--count N] [CHECK...]
 *
 * Each CHECK prints "ok NAME" or "FAIL NAME: why" (several lines each); without CHECKs all run:
 *   load      N queries (default 1,000) for n0..n(N-1).load.test started at once, then one loop
 *             (epoll on gaix_ctx_fd, gaix_ctx_timeout_ms as its timeout, gaix_ctx_process):
 *             every callback exactly once, every answer exactly the zone's A and AAAA, the
 *             details right (source dns, the server, rcode 0, at least the 2 queries, TTL 300),
 *             every list in the order the blocking call gives it (the harness routes
 *             198.51.100.0/25 so that both orders occur), no descriptor left
 *   details   the result details of single lookups: numeric, A only, TTL 30 from the smaller
 *             record, NXDOMAIN (rcode 3, no server), TC then TCP (100 AAAA, 2 queries), a CNAME
 *             chain's canonical name, and `elapsed_us`
 *   cancel    200 queries; half cancelled right after gaix_resolve(), a quarter after the
 *             queries left (answers on their way): those call back once with EAI_CANCELED and
 *             no list, the rest with their answer
 *   chain     each callback starts the next lookup (gaix_resolve from a callback), 300 in a row
 *   free      gaix_ctx_free() with 200 queries in flight: 200 callbacks with EAI_CANCELED before
 *             it returns, no descriptor left
 *   threads   one thread runs the loop (waiting with timeout -1 when idle), another starts 500
 *             lookups one by one while it runs ("every async call on one context is
 *             thread-safe"): a lookup started from another thread wakes the loop, all answer
 * Exit status 0 when every check passed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gaix.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "sockets.h"

#define AP_SERVERS_MAX 3
#define AP_COUNT_MAX 1000 /* the zone's load names (zones.py --load-names) */
/* Failure lines printed per check; the rest are counted. */
#define AP_PRINT_MAX 10

static const char *servers[AP_SERVERS_MAX + 1];
static int failures_total;

struct check {
    const char *name;
    int failures;
};

__attribute__((format(printf, 2, 3))) static void check_fail(struct check *c, const char *fmt, ...)
{
    if (c->failures < AP_PRINT_MAX) {
        va_list ap;
        va_start(ap, fmt);
        printf("FAIL %s: ", c->name);
        vprintf(fmt, ap);
        putchar('\n');
        va_end(ap);
    }
    c->failures++;
}

static void check_end(struct check *c)
{
    if (c->failures > AP_PRINT_MAX)
        printf("FAIL %s: ... %d failures in all\n", c->name, c->failures);
    if (c->failures == 0)
        printf("ok %s\n", c->name);
    failures_total += c->failures != 0;
    fflush(stdout);
}

static gaix_ctx *ctx_make(void)
{
    static const char *const no_search[] = {NULL};
    struct gaix_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.hosts_path = "";
    cfg.services_path = "";
    cfg.gai_conf_path = "";
    cfg.resolv_conf_path = "";
    cfg.reload_interval_ms = GAIX_RELOAD_NEVER;
    cfg.nameservers = servers;
    cfg.search = no_search;
    cfg.options = "timeout:1 attempts:3";
    gaix_ctx *ctx = gaix_ctx_new(&cfg);
    if (!ctx) {
        perror("gaix_ctx_new");
        exit(2);
    }
    return ctx;
}

/* Opens what a context keeps for good once it has worked: the engine's descriptor, and the
 * routing socket of the sort's probes (localhost has 127.0.0.1 and ::1 to order; no DNS). The
 * descriptors counted after that are the queries' own. */
static void ctx_warm(gaix_ctx *ctx)
{
    (void)gaix_ctx_fd(ctx);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (gaix_ctx_getaddrinfo(ctx, "localhost", "80", &hints, &res) == 0)
        gaix_freeaddrinfo(res);
}

/* One query's record: what its callback saw. */
struct rec {
    int calls;
    int status;
    enum gaix_source source;
    char addrs[256]; /* "192.0.2.1 2001:db8::1" in list order, each address once */
    size_t n;
    char canon[256];
    struct sockaddr_storage server;
    int rcode;
    unsigned queries, ttl;
    unsigned long long elapsed_us;
    /* chain: start the next lookup from the callback */
    gaix_ctx *chain_ctx;
    int chain_left;
    struct rec *chain_next;
};

static size_t callbacks;

static void addr_text(const struct sockaddr *sa, char *out, size_t size)
{
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
    else
        snprintf(out, size, "-");
}

static void chain_next_start(struct rec *r);

static void on_done(gaix_query *q, struct gaix_result *res, void *arg)
{
    (void)q;
    struct rec *r = arg;
    callbacks++;
    r->calls++;
    r->status = res->status;
    r->source = res->source;
    r->server = res->server;
    r->rcode = res->rcode;
    r->queries = res->queries;
    r->ttl = res->ttl_s;
    r->elapsed_us = res->elapsed_us;
    r->addrs[0] = '\0';
    r->n = 0;
    snprintf(r->canon, sizeof r->canon, "%s",
             res->ai && res->ai->ai_canonname ? res->ai->ai_canonname : "-");
    for (const struct addrinfo *p = res->ai; p; p = p->ai_next) {
        char a[INET6_ADDRSTRLEN];
        addr_text(p->ai_addr, a, sizeof a);
        r->n++;
        size_t len = strlen(r->addrs);
        if (len + strlen(a) + 2 < sizeof r->addrs)
            snprintf(r->addrs + len, sizeof r->addrs - len, "%s%s", len ? " " : "", a);
    }
    if (res->ai)
        gaix_freeaddrinfo(res->ai);
    if (r->chain_left > 0)
        chain_next_start(r);
}

static gaix_query *start(gaix_ctx *ctx, const char *node, int family, int flags, struct rec *r)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    gaix_query *q = gaix_resolve(ctx, node, "80", &hints, 0, on_done, r);
    if (!q) {
        perror("gaix_resolve");
        exit(2);
    }
    return q;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The application's loop: epoll on the context's descriptor, the library's timeout. Until
 * `callbacks` reaches want or max_ms passed. */
static void loop(gaix_ctx *ctx, size_t want, uint64_t max_ms)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, gaix_ctx_fd(ctx), &ev) != 0) {
        perror("epoll");
        exit(2);
    }
    uint64_t end = now_ms() + max_ms;
    while (callbacks < want && now_ms() < end) {
        int t = gaix_ctx_timeout_ms(ctx);
        int left = (int)(end - now_ms());
        if (t < 0 || t > left)
            t = left;
        struct epoll_event out;
        epoll_wait(ep, &out, 1, t);
        if (gaix_ctx_process(ctx) < 0) {
            perror("gaix_ctx_process");
            break;
        }
    }
    close(ep);
}

static void server_text(const struct sockaddr_storage *ss, char *out, size_t size)
{
    char a[INET6_ADDRSTRLEN];
    unsigned port = 0;
    addr_text((const struct sockaddr *)ss, a, sizeof a);
    if (ss->ss_family == AF_INET)
        port = ntohs(((const struct sockaddr_in *)(const void *)ss)->sin_port);
    else if (ss->ss_family == AF_INET6)
        port = ntohs(((const struct sockaddr_in6 *)(const void *)ss)->sin6_port);
    snprintf(out, size, "%s:%u", a, port);
}

/* The zone's answer for nI.load.test, as the list shows it (A first with the default policy
 * is not promised: both orders are accepted by comparing as a set of two). */
static bool load_answer_ok(const struct rec *r, int i)
{
    char a4[32], a6[INET6_ADDRSTRLEN], one[128], two[128];
    struct in6_addr v6;
    snprintf(a4, sizeof a4, "198.51.100.%d", i % 250 + 1);
    snprintf(a6, sizeof a6, "2001:db8:10ad::%x", (unsigned)i);
    /* As inet_ntop writes it ("2001:db8:10ad::" for 0). */
    if (inet_pton(AF_INET6, a6, &v6) != 1 || !inet_ntop(AF_INET6, &v6, a6, sizeof a6))
        return false;
    snprintf(one, sizeof one, "%s %s", a4, a6);
    snprintf(two, sizeof two, "%s %s", a6, a4);
    return r->status == 0 && (strcmp(r->addrs, one) == 0 || strcmp(r->addrs, two) == 0);
}

/* ---- checks -------------------------------------------------------------------------------- */

static void check_load(int count)
{
    struct check c = {"load: every query in flight at once answered exactly, once", 0};
    struct check d = {"load: the details of every answer (dns, server, rcode 0, queries, TTL)", 0};
    struct check f = {
        "load: no descriptor or socket left once all completed, none after gaix_ctx_free", 0};
    struct check o = {"load: every list in the blocking call's order, both orders seen", 0};
    static struct rec recs[AP_COUNT_MAX];
    memset(recs, 0, sizeof recs);
    size_t fds_before = fds_open();
    gaix_ctx *ctx = ctx_make();
    ctx_warm(ctx);
    size_t fds_engine = fds_open();
    callbacks = 0;
    char node[64], expect_server[64];
    uint64_t t0 = now_ms();
    for (int i = 0; i < count; i++) {
        snprintf(node, sizeof node, "n%d.load.test", i);
        start(ctx, node, AF_UNSPEC, 0, &recs[i]);
    }
    if (callbacks != 0)
        check_fail(&c, "%zu callbacks ran inside gaix_resolve()", callbacks);
    loop(ctx, (size_t)count, 30000);
    uint64_t took = now_ms() - t0;
    unsigned max_queries = 0;
    snprintf(expect_server, sizeof expect_server, "%s%s", servers[0],
             strchr(servers[0], ':') ? "" : ":53");
    for (int i = 0; i < count; i++) {
        struct rec *r = &recs[i];
        snprintf(node, sizeof node, "n%d.load.test", i);
        if (r->calls != 1)
            check_fail(&c, "%s: %d callbacks", node, r->calls);
        else if (!load_answer_ok(r, i))
            check_fail(&c, "%s: status %d, [%s]", node, r->status, r->addrs);
        char s[64];
        server_text(&r->server, s, sizeof s);
        if (r->calls == 1 && r->status == 0 &&
            (r->source != GAIX_SOURCE_DNS || strcmp(s, expect_server) != 0 || r->rcode != 0 ||
             r->queries < 2 || r->ttl != 300))
            check_fail(&d, "%s: source %d server %s rcode %d queries %u ttl %u", node,
                       (int)r->source, s, r->rcode, r->queries, r->ttl);
        if (r->queries > max_queries)
            max_queries = r->queries;
    }
    if (callbacks != (size_t)count)
        check_fail(&c, "%zu callbacks for %d queries", callbacks, count);
    /* The answers one round finishes are ordered together (lookup/sort_batch.c): each list must
     * still come out as the blocking call orders it alone. The harness routes part of the zone's
     * IPv4 addresses (198.51.100.0/25), so the RFC 6724 order differs from name to name (IPv4
     * first when routed, IPv6 first otherwise) and answers mixed up between lookups would show. */
    int v4_first = 0, v6_first = 0;
    for (int i = 0; i < count; i++) {
        struct rec *r = &recs[i];
        if (r->calls != 1 || r->status != 0)
            continue;
        snprintf(node, sizeof node, "n%d.load.test", i);
        struct addrinfo hints, *res = NULL;
        memset(&hints, 0, sizeof hints);
        hints.ai_socktype = SOCK_STREAM;
        int st = gaix_ctx_getaddrinfo(ctx, node, "80", &hints, &res);
        char want[256] = "";
        for (const struct addrinfo *p = res; st == 0 && p; p = p->ai_next) {
            char a[INET6_ADDRSTRLEN];
            addr_text(p->ai_addr, a, sizeof a);
            size_t len = strlen(want);
            if (len + strlen(a) + 2 < sizeof want)
                snprintf(want + len, sizeof want - len, "%s%s", len ? " " : "", a);
        }
        if (st == 0 && res->ai_family == AF_INET)
            v4_first++;
        else if (st == 0)
            v6_first++;
        if (res)
            gaix_freeaddrinfo(res);
        if (st != 0 || strcmp(want, r->addrs) != 0)
            check_fail(&o, "%s: async [%s], blocking [%s] (status %d)", node, r->addrs, want, st);
    }
    if (count >= 2 && (v4_first == 0 || v6_first == 0))
        check_fail(&o, "IPv4 first in %d lists, IPv6 first in %d: the order cannot tell a mix-up",
                   v4_first, v6_first);
    if (fds_open() != fds_engine)
        check_fail(&f, "descriptors: %zu with the engine, %zu after", fds_engine, fds_open());
    if (udp_sockets_to(server_port(servers[0])) != 0)
        check_fail(&f, "sockets to the server: %zu after all completed",
                   udp_sockets_to(server_port(servers[0])));
    gaix_ctx_free(ctx);
    if (fds_open() != fds_before)
        check_fail(&f, "descriptors: %zu before the context, %zu after", fds_before, fds_open());
    printf("load: %d lookups in flight, %llu ms, at most %u queries for one lookup\n", count,
           (unsigned long long)took, max_queries);
    check_end(&c);
    check_end(&d);
    check_end(&o);
    check_end(&f);
}

static void expect_str(struct check *c, const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        if (c->failures < AP_PRINT_MAX)
            printf("FAIL %s: %s: got [%s], want [%s]\n", c->name, what, got, want);
        c->failures++;
    }
}

static void expect_int(struct check *c, const char *what, long got, long want)
{
    if (got != want) {
        if (c->failures < AP_PRINT_MAX)
            printf("FAIL %s: %s: got %ld, want %ld\n", c->name, what, got, want);
        c->failures++;
    }
}

static void check_details(void)
{
    struct check c = {"details: source, server, rcode, queries, TTL, canonical name, elapsed", 0};
    gaix_ctx *ctx = ctx_make();
    struct rec num = {0}, a4 = {0}, ttl = {0}, nx = {0}, big = {0}, chain = {0};
    callbacks = 0;
    start(ctx, "192.0.2.99", AF_UNSPEC, 0, &num);
    start(ctx, "a.test", AF_INET, 0, &a4);
    start(ctx, "ttl.test", AF_UNSPEC, 0, &ttl);
    start(ctx, "nx.test", AF_UNSPEC, 0, &nx);
    start(ctx, "big.test", AF_INET6, 0, &big);
    start(ctx, "chain5.test", AF_INET, AI_CANONNAME, &chain);
    loop(ctx, 6, 10000);
    char s[64], want_server[64];
    snprintf(want_server, sizeof want_server, "%s%s", servers[0],
             strchr(servers[0], ':') ? "" : ":53");

    expect_int(&c, "numeric: calls", num.calls, 1);
    expect_int(&c, "numeric: source", num.source, GAIX_SOURCE_NUMERIC);
    expect_int(&c, "numeric: queries", num.queries, 0);
    expect_int(&c, "numeric: rcode", num.rcode, -1);
    expect_int(&c, "numeric: server family", num.server.ss_family, 0);

    expect_str(&c, "a.test AF_INET: addresses", a4.addrs, "192.0.2.1");
    expect_int(&c, "a.test AF_INET: source", a4.source, GAIX_SOURCE_DNS);
    server_text(&a4.server, s, sizeof s);
    expect_str(&c, "a.test AF_INET: server", s, want_server);
    expect_int(&c, "a.test AF_INET: rcode", a4.rcode, 0);
    expect_int(&c, "a.test AF_INET: queries", a4.queries, 1);
    expect_int(&c, "a.test AF_INET: ttl", a4.ttl, 300);
    expect_int(&c, "a.test AF_INET: elapsed_us > 0", a4.elapsed_us > 0, 1);

    expect_int(&c, "ttl.test: status", ttl.status, 0);
    expect_int(&c, "ttl.test: the smallest TTL (A 60, AAAA 30)", ttl.ttl, 30);
    expect_int(&c, "ttl.test: queries (A and AAAA)", ttl.queries, 2);

    expect_int(&c, "nx.test: status", nx.status, EAI_NONAME);
    expect_int(&c, "nx.test: rcode", nx.rcode, 3);
    expect_int(&c, "nx.test: source", nx.source, GAIX_SOURCE_NONE);
    expect_int(&c, "nx.test: queries", nx.queries, 2);

    expect_int(&c, "big.test AF_INET6: addresses", (long)big.n, 100);
    expect_int(&c, "big.test AF_INET6: queries (UDP, then TCP)", big.queries, 2);
    expect_int(&c, "big.test AF_INET6: rcode", big.rcode, 0);

    expect_str(&c, "chain5.test: canonical name", chain.canon, "chain5-5.test");
    expect_str(&c, "chain5.test: address", chain.addrs, "192.0.2.105");
    expect_int(&c, "callbacks", (long)callbacks, 6);
    gaix_ctx_free(ctx);
    check_end(&c);
}

#define AP_CANCEL_N 200

static void check_cancel(void)
{
    struct check c = {"cancel: cancelled queries call back once with EAI_CANCELED, the rest answer",
                      0};
    struct check f = {"cancel: a cancelled query's socket closes at once", 0};
    static struct rec recs[AP_CANCEL_N];
    static gaix_query *qs[AP_CANCEL_N];
    memset(recs, 0, sizeof recs);
    gaix_ctx *ctx = ctx_make();
    ctx_warm(ctx);
    size_t fds_engine = fds_open();
    callbacks = 0;
    char node[64];
    for (int i = 0; i < AP_CANCEL_N; i++) {
        snprintf(node, sizeof node, "n%d.load.test", i);
        qs[i] = start(ctx, node, AF_UNSPEC, 0, &recs[i]);
    }
    /* Half at once, before anything was sent. */
    for (int i = 0; i < AP_CANCEL_N; i += 2)
        gaix_cancel(qs[i]);
    /* Send the rest: one round, then a quarter more cancelled with answers on their way. */
    gaix_ctx_process(ctx);
    /* Sockets, not descriptors: through io_uring a flight's socket has none (sockets.h). No
     * flight ends between two gaix_ctx_process() calls but by gaix_cancel(). */
    unsigned port = server_port(servers[0]);
    size_t socks_sent = udp_sockets_to(port);
    for (int i = 1; i < AP_CANCEL_N; i += 4)
        if (recs[i].calls == 0)
            gaix_cancel(qs[i]);
    size_t socks_left = udp_sockets_to(port);
    if (socks_sent == 0 || socks_left + AP_CANCEL_N / 4 != socks_sent)
        check_fail(&f, "sockets to the server: %zu while sending, %zu after cancelling %d",
                   socks_sent, socks_left, AP_CANCEL_N / 4);
    loop(ctx, AP_CANCEL_N, 10000);
    int canceled = 0, answered = 0;
    for (int i = 0; i < AP_CANCEL_N; i++) {
        struct rec *r = &recs[i];
        snprintf(node, sizeof node, "n%d.load.test", i);
        if (r->calls != 1) {
            check_fail(&c, "%s: %d callbacks", node, r->calls);
            continue;
        }
        bool early = i % 2 == 0;
        if (early && r->status != EAI_CANCELED)
            check_fail(&c, "%s cancelled before sending: status %d", node, r->status);
        if (r->status == EAI_CANCELED) {
            canceled++;
            if (r->n != 0 || r->source != GAIX_SOURCE_NONE)
                check_fail(&c, "%s cancelled: %zu entries, source %d", node, r->n, (int)r->source);
        } else if (!load_answer_ok(r, i)) {
            check_fail(&c, "%s: status %d, [%s]", node, r->status, r->addrs);
        } else {
            answered++;
        }
    }
    expect_int(&c, "callbacks", (long)callbacks, AP_CANCEL_N);
    /* Every odd i not cancelled answers; cancelled ones at i % 4 == 1 may have been answered
     * before the cancel (then they answer): at least half cancelled, at least a quarter
     * answered. */
    if (canceled < AP_CANCEL_N / 2 || answered < AP_CANCEL_N / 4)
        check_fail(&c, "%d cancelled, %d answered", canceled, answered);
    gaix_ctx_process(ctx);
    expect_int(&c, "no callback after all completed", (long)callbacks, AP_CANCEL_N);
    expect_int(&f, "descriptors after all completed", (long)fds_open(), (long)fds_engine);
    printf("cancel: %d cancelled, %d answered\n", canceled, answered);
    gaix_ctx_free(ctx);
    check_end(&c);
    check_end(&f);
}

#define AP_CHAIN_N 300
static struct rec chain_recs[AP_CHAIN_N];

static void chain_next_start(struct rec *r)
{
    struct rec *next = r + 1;
    char node[64];
    int i = (int)(next - chain_recs);
    next->chain_ctx = r->chain_ctx;
    next->chain_left = r->chain_left - 1;
    snprintf(node, sizeof node, "n%d.load.test", i);
    start(r->chain_ctx, node, AF_UNSPEC, 0, next);
}

static void check_chain(void)
{
    struct check c = {"chain: each callback starts the next lookup, 300 in a row", 0};
    memset(chain_recs, 0, sizeof chain_recs);
    gaix_ctx *ctx = ctx_make();
    callbacks = 0;
    chain_recs[0].chain_ctx = ctx;
    chain_recs[0].chain_left = AP_CHAIN_N - 1;
    start(ctx, "n0.load.test", AF_UNSPEC, 0, &chain_recs[0]);
    loop(ctx, AP_CHAIN_N, 20000);
    for (int i = 0; i < AP_CHAIN_N; i++) {
        char node[64];
        snprintf(node, sizeof node, "n%d.load.test", i);
        if (chain_recs[i].calls != 1 || !load_answer_ok(&chain_recs[i], i))
            check_fail(&c, "%s: %d callbacks, status %d", node, chain_recs[i].calls,
                       chain_recs[i].status);
    }
    expect_int(&c, "callbacks", (long)callbacks, AP_CHAIN_N);
    gaix_ctx_free(ctx);
    check_end(&c);
}

#define AP_FREE_N 200

static void check_free(void)
{
    struct check c = {"free: gaix_ctx_free with 200 in flight calls each back once, EAI_CANCELED",
                      0};
    static struct rec recs[AP_FREE_N];
    memset(recs, 0, sizeof recs);
    size_t fds_before = fds_open();
    gaix_ctx *ctx = ctx_make();
    callbacks = 0;
    char node[64];
    for (int i = 0; i < AP_FREE_N; i++) {
        snprintf(node, sizeof node, "n%d.load.test", i);
        start(ctx, node, AF_UNSPEC, 0, &recs[i]);
    }
    gaix_ctx_process(ctx); /* the queries leave; their answers stay unread */
    size_t before_free = callbacks;
    gaix_ctx_free(ctx);
    for (int i = 0; i < AP_FREE_N; i++) {
        snprintf(node, sizeof node, "n%d.load.test", i);
        if (recs[i].calls != 1)
            check_fail(&c, "%s: %d callbacks", node, recs[i].calls);
        else if (recs[i].status != EAI_CANCELED && !load_answer_ok(&recs[i], i))
            check_fail(&c, "%s: status %d", node, recs[i].status);
    }
    expect_int(&c, "callbacks before gaix_ctx_free", (long)before_free, 0);
    expect_int(&c, "callbacks", (long)callbacks, AP_FREE_N);
    expect_int(&c, "descriptors after gaix_ctx_free", (long)fds_open(), (long)fds_before);
    check_end(&c);
}

#define AP_THREAD_N 500

struct thread_run {
    gaix_ctx *ctx;
    struct rec *recs;
    volatile int started;
};

/* The other thread: starts the lookups one after the other, a little apart, while the loop
 * thread may be asleep in epoll_wait() with no timeout. */
static void *thread_starter(void *arg)
{
    struct thread_run *t = arg;
    char node[64];
    for (int i = 0; i < AP_THREAD_N; i++) {
        snprintf(node, sizeof node, "n%d.load.test", i);
        start(t->ctx, node, AF_UNSPEC, 0, &t->recs[i]);
        __atomic_store_n(&t->started, i + 1, __ATOMIC_RELEASE);
        if (i % 50 == 0) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

static void check_threads(void)
{
    struct check c = {"threads: lookups started from another thread wake the loop, all answer", 0};
    static struct rec recs[AP_THREAD_N];
    memset(recs, 0, sizeof recs);
    gaix_ctx *ctx = ctx_make();
    struct thread_run t = {ctx, recs, 0};
    pthread_t th;
    __atomic_store_n(&callbacks, 0, __ATOMIC_RELEASE);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, gaix_ctx_fd(ctx), &ev) != 0 ||
        pthread_create(&th, NULL, thread_starter, &t) != 0) {
        perror("threads");
        exit(2);
    }
    /* The loop: an idle context says -1 (no deadline): the wait then ends only when the
     * descriptor becomes readable. A safety bound of 10 s on the whole. */
    uint64_t end = now_ms() + 10000;
    while (__atomic_load_n(&callbacks, __ATOMIC_ACQUIRE) < AP_THREAD_N && now_ms() < end) {
        int timeout = gaix_ctx_timeout_ms(ctx);
        int left = (int)(end - now_ms());
        struct epoll_event out;
        epoll_wait(ep, &out, 1, timeout < 0 || timeout > left ? left : timeout);
        gaix_ctx_process(ctx);
    }
    pthread_join(th, NULL);
    close(ep);
    for (int i = 0; i < AP_THREAD_N; i++) {
        char node[64];
        snprintf(node, sizeof node, "n%d.load.test", i);
        if (recs[i].calls != 1 || !load_answer_ok(&recs[i], i))
            check_fail(&c, "%s: %d callbacks, status %d (loop gave up after 10 s: lost wake-up?)",
                       node, recs[i].calls, recs[i].status);
    }
    gaix_ctx_free(ctx);
    check_end(&c);
}

/* The thread that sends and ends: starts the lookups, runs the one round that sends their
 * queries (through io_uring, the entries are this thread's), and returns before any answer. */
static void *thread_sender(void *arg)
{
    struct thread_run *t = arg;
    char node[64];
    for (int i = 0; i < AP_THREAD_N; i++) {
        snprintf(node, sizeof node, "n%d.load.test", i);
        start(t->ctx, node, AF_UNSPEC, 0, &t->recs[i]);
    }
    gaix_ctx_process(t->ctx);
    return NULL;
}

/* A thread that sent and ended: through io_uring the entries (and the receives armed) are that
 * thread's; the answers must still reach the loop of the thread that goes on, every lookup
 * answered, none re-sent, none left to the timeout (1 s). (test_async covers the receive the
 * kernel cancels when such a thread exits.) */
static void check_handoff(void)
{
    struct check c = {"handoff: lookups sent by a thread that ended answer, without a re-send", 0};
    static struct rec recs[AP_THREAD_N];
    memset(recs, 0, sizeof recs);
    gaix_ctx *ctx = ctx_make();
    ctx_warm(ctx);
    struct thread_run t = {ctx, recs, 0};
    pthread_t th;
    callbacks = 0;
    if (pthread_create(&th, NULL, thread_sender, &t) != 0) {
        perror("handoff");
        exit(2);
    }
    pthread_join(th, NULL);
    uint64_t t0 = now_ms();
    loop(ctx, AP_THREAD_N, 10000);
    uint64_t took = now_ms() - t0;
    for (int i = 0; i < AP_THREAD_N; i++) {
        char node[64];
        snprintf(node, sizeof node, "n%d.load.test", i);
        if (recs[i].calls != 1 || !load_answer_ok(&recs[i], i) || recs[i].queries != 2)
            check_fail(&c, "%s: %d callbacks, status %d, %u queries", node, recs[i].calls,
                       recs[i].status, recs[i].queries);
    }
    if (took >= 900)
        check_fail(&c, "%llu ms to answer: the timeout, not the answers waiting, ended them",
                   (unsigned long long)took);
    gaix_ctx_free(ctx);
    check_end(&c);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } checks[] = {{"load", NULL},
                  {"details", check_details},
                  {"cancel", check_cancel},
                  {"chain", check_chain},
                  {"free", check_free},
                  {"threads", check_threads},
                  {"handoff", check_handoff}};
    bool wanted[sizeof checks / sizeof checks[0]] = {false};
    int nservers = 0, count = AP_COUNT_MAX;
    bool any = false;
    for (int i = 1; i < argc; i++) {
        size_t k = 0;
        if (strcmp(argv[i], "--server") == 0 && i + 1 < argc && nservers < AP_SERVERS_MAX) {
            servers[nservers++] = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            count = (int)strtol(argv[++i], NULL, 10);
            continue;
        }
        while (k < sizeof checks / sizeof checks[0] && strcmp(argv[i], checks[k].name) != 0)
            k++;
        if (k == sizeof checks / sizeof checks[0]) {
            fprintf(stderr, "usage: async_prog --server ADDR[:PORT] [--count N] "
                            "[load|details|cancel|chain|free|threads|handoff...]\n");
            return 2;
        }
        wanted[k] = any = true;
    }
    if (nservers == 0 || count < 1 || count > AP_COUNT_MAX) {
        fprintf(stderr, "async_prog: one --server at least, --count 1..%d\n", AP_COUNT_MAX);
        return 2;
    }
    for (size_t k = 0; k < sizeof checks / sizeof checks[0]; k++) {
        if (any && !wanted[k])
            continue;
        if (checks[k].run)
            checks[k].run();
        else
            check_load(count);
    }
    return failures_total ? 1 : 0;
}
