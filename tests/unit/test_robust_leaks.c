/*
 * R05: the leak matrix, with the U1 and U2 invariants of TEST-VECTORS 5.0.
 *
 * Every combination of family {AF_UNSPEC, AF_INET, AF_INET6} x each subset of {AI_CANONNAME,
 * AI_ALL, AI_V4MAPPED, AI_ADDRCONFIG, AI_PASSIVE, AI_NUMERICHOST, AI_NUMERICSERV} x node {a hosts
 * name, a literal, NULL, an unknown name, localhost} x service {numeric, named, NULL} goes through
 * gaix_ctx_getaddrinfo() and gaix_freeaddrinfo(), on a context that reloads on every call and on
 * one with the default interval. In the ASan build LeakSanitizer runs when each test's process
 * exits (check.h uses exit()), so any block a lookup, a failure path or a thread left behind
 * fails the test. Beside leaks, each call is checked for what a user would notice: *res
 * untouched on error (U2), well-formed nodes of the asked family and port on success, the
 * canonical name exactly when asked for, and the descriptor count unchanged after the first
 * lookup (U1).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../adversarial/robust.h"

static const char hosts_text[] = "127.0.0.1 localhost\n"
                                 "::1 localhost ip6-localhost\n"
                                 "192.0.2.10 dual-canon dual\n"
                                 "2001:db8::10 dual\n"
                                 "198.51.100.10 dual\n";

static const int families[3] = {AF_UNSPEC, AF_INET, AF_INET6};
static const int flag_bits[7] = {AI_CANONNAME, AI_ALL,     AI_V4MAPPED,   AI_ADDRCONFIG,
                                 AI_PASSIVE,   AI_NUMERICHOST, AI_NUMERICSERV};
static const char *const nodes[5] = {"dual", "192.0.2.1", NULL, "unknown.invalid", "localhost"};
static const char *const services[3] = {"80", "http", NULL};

static int flags_of(unsigned subset)
{
    int f = 0;
    for (unsigned b = 0; b < 7; b++)
        if (subset & (1u << b))
            f |= flag_bits[b];
    return f;
}

static bool is_loopback(const struct addrinfo *p)
{
    if (p->ai_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)p->ai_addr;
        return ntohl(s->sin_addr.s_addr) == INADDR_LOOPBACK;
    }
    const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)p->ai_addr;
    return IN6_IS_ADDR_LOOPBACK(&s->sin6_addr);
}

static bool is_unspecified(const struct addrinfo *p)
{
    if (p->ai_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)p->ai_addr;
        return s->sin_addr.s_addr == INADDR_ANY;
    }
    const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)p->ai_addr;
    return IN6_IS_ADDR_UNSPECIFIED(&s->sin6_addr);
}

static unsigned port_of(const struct addrinfo *p)
{
    const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)p->ai_addr;
    return ntohs(s->sin_port); /* sin_port and sin6_port share their offset */
}

/* What a user would notice about one combination's answer. */
static void check_combo(int family, int flags, const char *node, const char *service, int rc,
                        const struct addrinfo *res)
{
    char what[160];
    snprintf(what, sizeof what, "family %d flags 0x%x node %s service %s", family, flags,
             node ? node : "NULL", service ? service : "NULL");
    bool must_fail = (!node && !service) || (node && strcmp(node, "unknown.invalid") == 0) ||
                     ((flags & AI_CANONNAME) && !node) ||
                     ((flags & AI_NUMERICSERV) && service && strcmp(service, "http") == 0) ||
                     ((flags & AI_NUMERICHOST) && node && strcmp(node, "192.0.2.1") != 0) ||
                     (node && strcmp(node, "192.0.2.1") == 0 && family == AF_INET6 &&
                      !(flags & AI_V4MAPPED));
    if (must_fail && rc == 0)
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s: succeeded", what);
    if (!node && !service && rc != EAI_NONAME)
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s: %s, not EAI_NONAME", what, gaix_eai_name(rc));
    if (node && service && strcmp(node, "dual") == 0 && strcmp(service, "80") == 0 &&
        !(flags & AI_NUMERICHOST) && !(flags & AI_ADDRCONFIG) && rc != 0)
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s: %s", what, gaix_eai_name(rc));
    if (rc != 0)
        return;
    if (((flags & AI_CANONNAME) != 0) != (res->ai_canonname != NULL))
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s: canonical name %s", what,
                      res->ai_canonname ? res->ai_canonname : "missing");
    /* The first name of the first line read for the family (F23): AF_INET6 reads the IPv6
     * lines first. */
    if ((flags & AI_CANONNAME) && node && strcmp(node, "dual") == 0)
        CHECK_EQ_STR(res->ai_canonname, family == AF_INET6 ? "dual" : "dual-canon");
    unsigned want_port = service ? 80u : 0u;
    for (const struct addrinfo *p = res; p; p = p->ai_next) {
        if (family != AF_UNSPEC && p->ai_family != family)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s: a node of family %d", what, p->ai_family);
        if (port_of(p) != want_port)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s: port %u", what, port_of(p));
        if (!node && (flags & AI_PASSIVE) && !is_unspecified(p))
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s: passive but not the wildcard", what);
        if (!node && !(flags & AI_PASSIVE) && !is_loopback(p))
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s: not the loopback", what);
    }
}

/* The whole matrix on one context; returns the lookups made. */
static int matrix_run(gaix_ctx *ctx)
{
    struct addrinfo hints, *res;
    /* Warm-up: the first lookups open what the context keeps (inotify, netlink). */
    hints = rb_hints(AF_UNSPEC, SOCK_STREAM, AI_ADDRCONFIG);
    if (rb_gai(ctx, "dual", "http", &hints, &res) == 0)
        gaix_freeaddrinfo(res);
    int fds = rb_count_fds();
    int n = 0;
    for (int fi = 0; fi < 3; fi++)
        for (unsigned subset = 0; subset < 128; subset++)
            for (int ni = 0; ni < 5; ni++)
                for (int si = 0; si < 3; si++) {
                    int flags = flags_of(subset);
                    hints = rb_hints(families[fi], 0, flags);
                    int before = check_failures;
                    int rc = rb_gai(ctx, nodes[ni], services[si], &hints, &res);
                    check_combo(families[fi], flags, nodes[ni], services[si], rc, res);
                    gaix_freeaddrinfo(res);
                    int now = rb_count_fds();
                    if (now != fds)
                        CHECK_FAIL_AT(__FILE__, __LINE__,
                                      "U1: %d descriptors after the warm-up, %d after family %d "
                                      "flags 0x%x node %s service %s",
                                      fds, now, families[fi], flags,
                                      nodes[ni] ? nodes[ni] : "NULL",
                                      services[si] ? services[si] : "NULL");
                    n++;
                    if (check_failures > before + 20 || check_failures > 60)
                        return n; /* enough output */
                }
    return n;
}

TEST(leak_matrix_every_call)
{
    rb_tmp_init();
    rb_files(hosts_text);
    int fds = rb_count_fds();
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    REQUIRE(ctx);
    CHECK_EQ_INT(matrix_run(ctx), 3 * 128 * 5 * 3);
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(rb_count_fds(), fds);
}

TEST(leak_matrix_default_interval)
{
    rb_tmp_init();
    rb_files(hosts_text);
    int fds = rb_count_fds();
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_DEFAULT);
    REQUIRE(ctx);
    CHECK_EQ_INT(matrix_run(ctx), 3 * 128 * 5 * 3);
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(rb_count_fds(), fds);
}

/* ---- threads that look up (some lookups failing) and exit ---------------------------------- */

static atomic_int thread_errors;

struct worker {
    gaix_ctx *shared;       /* a context shared with other threads, or NULL: make one */
    struct gaix_config cfg; /* for a thread's own context */
    unsigned seed;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    gaix_ctx *ctx = w->shared ? w->shared : gaix_ctx_new(&w->cfg);
    if (!ctx) {
        atomic_fetch_add(&thread_errors, 1);
        return NULL;
    }
    unsigned x = w->seed;
    for (int i = 0; i < 200; i++) {
        x = x * 1103515245u + 12345u;
        int fi = (int)(x >> 16) % 3, ni = (int)(x >> 20) % 5, si = (int)(x >> 24) % 3;
        struct addrinfo hints = rb_hints(families[fi], 0, flags_of((x >> 8) & 127u));
        struct addrinfo *res = RB_SENTINEL;
        int rc = gaix_ctx_getaddrinfo(ctx, nodes[ni], services[si], &hints, &res);
        if (rc != 0 && res != RB_SENTINEL)
            atomic_fetch_add(&thread_errors, 1);
        if (rc == 0) {
            if (rb_malformed(res))
                atomic_fetch_add(&thread_errors, 1);
            gaix_freeaddrinfo(res);
        }
    }
    /* One lookup that fails, as the thread's last act (CVE-2023-5156: a failure path that
     * leaked only when the thread then exited). */
    struct addrinfo hints = rb_hints(AF_UNSPEC, 0, 0), *res = RB_SENTINEL;
    if (gaix_ctx_getaddrinfo(ctx, "unknown.invalid", "80", &hints, &res) != EAI_NONAME ||
        res != RB_SENTINEL)
        atomic_fetch_add(&thread_errors, 1);
    if (!w->shared)
        gaix_ctx_free(ctx);
    return NULL;
}

TEST(leak_threads_that_exit)
{
    rb_tmp_init();
    rb_files(hosts_text);
    int fds = rb_count_fds();
    gaix_ctx *shared = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    REQUIRE(shared);
    struct worker w[16];
    pthread_t t[16];
    for (int i = 0; i < 16; i++) {
        w[i].shared = i % 2 ? shared : NULL;
        w[i].cfg = rb_config(i % 4 == 0 ? GAIX_RELOAD_EVERY_CALL : GAIX_RELOAD_DEFAULT);
        w[i].seed = (unsigned)i * 7919u + 1u;
    }
    /* Two waves, so that threads exit while others still run. */
    for (int wave = 0; wave < 2; wave++) {
        for (int i = 0; i < 16; i++)
            REQUIRE(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0);
        for (int i = 0; i < 16; i++)
            pthread_join(t[i], NULL);
    }
    CHECK_EQ_INT(atomic_load(&thread_errors), 0);
    gaix_ctx_free(shared);
    CHECK_EQ_INT(rb_count_fds(), fds);
}

/* ---- U2 through every error path of the entry points ---------------------------------------- */

TEST(errors_leave_res_untouched)
{
    rb_tmp_init();
    rb_files(hosts_text);
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    REQUIRE(ctx);
    struct addrinfo *res;
    struct addrinfo bad_flags = rb_hints(AF_UNSPEC, 0, 0x10000);
    struct addrinfo bad_family = rb_hints(AF_UNIX, 0, 0);
    struct addrinfo canon_null = rb_hints(AF_UNSPEC, 0, AI_CANONNAME);
    struct addrinfo bad_socktype = rb_hints(AF_UNSPEC, 12345, 0);
    struct addrinfo numhost = rb_hints(AF_UNSPEC, 0, AI_NUMERICHOST);
    struct addrinfo numserv = rb_hints(AF_UNSPEC, 0, AI_NUMERICSERV);
    struct addrinfo v6only = rb_hints(AF_INET6, 0, 0);
    struct addrinfo udp_ftp = rb_hints(AF_INET, SOCK_DGRAM, 0);
    CHECK_EQ_INT(rb_gai(ctx, NULL, NULL, NULL, &res), EAI_NONAME);
    CHECK_EQ_INT(rb_gai(ctx, "dual", "80", &bad_flags, &res), EAI_BADFLAGS);
    CHECK_EQ_INT(rb_gai(ctx, "dual", "80", &bad_family, &res), EAI_FAMILY);
    CHECK_EQ_INT(rb_gai(ctx, NULL, "80", &canon_null, &res), EAI_BADFLAGS);
    CHECK(rb_gai(ctx, "dual", "80", &bad_socktype, &res) != 0);
    CHECK_EQ_INT(rb_gai(ctx, "dual", "80", &numhost, &res), EAI_NONAME);
    CHECK_EQ_INT(rb_gai(ctx, "192.0.2.1", "http", &numserv, &res), EAI_NONAME);
    CHECK(rb_gai(ctx, "192.0.2.1", "80", &v6only, &res) != 0);
    CHECK_EQ_INT(rb_gai(ctx, "dual", "nosuchservice", NULL, &res), EAI_SERVICE);
    CHECK_EQ_INT(rb_gai(ctx, "dual", "ftp", &udp_ftp, &res), EAI_SERVICE);
    CHECK_EQ_INT(rb_gai(ctx, "unknown.invalid", "80", NULL, &res), EAI_NONAME);
    CHECK_EQ_INT(rb_gai(ctx, "bad..name", "80", NULL, &res), EAI_NONAME);
    CHECK_EQ_INT(rb_gai(ctx, "192.0.2.1", "99999", NULL, &res), EAI_SERVICE);
    gaix_ctx_free(ctx);

    /* The entry points' own checks: no context, and the default context's validation (which
     * fails before any file is read, so the machine's /etc is never consulted). */
    res = RB_SENTINEL;
    CHECK_EQ_INT(gaix_ctx_getaddrinfo(NULL, "192.0.2.1", "80", NULL, &res), EAI_SYSTEM);
    CHECK(res == RB_SENTINEL);
    CHECK_EQ_INT(gaix_getaddrinfo(NULL, NULL, NULL, &res), EAI_NONAME);
    CHECK(res == RB_SENTINEL);
    CHECK_EQ_INT(gaix_getaddrinfo("192.0.2.1", "80", &bad_flags, &res), EAI_BADFLAGS);
    CHECK(res == RB_SENTINEL);
    CHECK_EQ_INT(gaix_getaddrinfo("192.0.2.1", "80", &bad_family, &res), EAI_FAMILY);
    CHECK(res == RB_SENTINEL);
    CHECK_EQ_INT(gaix_getaddrinfo(NULL, "80", &canon_null, &res), EAI_BADFLAGS);
    CHECK(res == RB_SENTINEL);
    CHECK_EQ_INT(gaix_getaddrinfo("192.0.2.1", "http", &numserv, &res), EAI_NONAME);
    CHECK(res == RB_SENTINEL);
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(leak_matrix_every_call),
                                 CHECK_ENTRY(leak_matrix_default_interval),
                                 CHECK_ENTRY(leak_threads_that_exit),
                                 CHECK_ENTRY(errors_leave_res_untouched)));
}
