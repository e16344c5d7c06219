/*
 * The asynchronous API's contract (include/gaix.h), without a DNS server that answers:
 *
 *   - gaix_resolve() returns NULL (errno EINVAL) for a bad call, and then no callback ever runs;
 *   - otherwise the callback runs exactly once, from gaix_ctx_process(), never from inside
 *     gaix_resolve() — even for a numeric host or a hosts-file name, whose answer is known at once
 *     (the descriptor is then readable and gaix_ctx_timeout_ms() is 0);
 *   - errors of the request itself (bad flags, family, unknown name with DNS off) arrive through
 *     the callback;
 *   - gaix_cancel() before completion: the callback runs once with EAI_CANCELED and no list, and
 *     the query's socket is closed at once; cancel after the answer was queued changes nothing;
 *     cancel from inside another query's callback; gaix_resolve() from inside a callback;
 *   - a deadline_ms against a server that never answers gives EAI_AGAIN at the deadline, and a
 *     loop that only waits for gaix_ctx_fd() with gaix_ctx_timeout_ms() sees it;
 *   - gaix_ctx_free() with queries in flight runs each callback once, with EAI_CANCELED, and
 *     leaks nothing (LeakSanitizer checks at each test's exit in the sanitizer build); a query
 *     started from such a callback is refused (NULL, errno ECANCELED: the context is closing),
 *     even when every callback tries again;
 *   - a forked child holding copies of the query sockets does not disturb the parent: a reply to
 *     a socket the parent closed is never delivered, nor reported round after round;
 *   - no descriptor is left open once every query completed.
 *
 * "A server that never answers" is a UDP socket of this test bound to 127.0.0.1 on a port of the
 * kernel's choosing and never read: queries wait in its buffer, no ICMP comes back, nothing leaves
 * the loopback. DNS is otherwise off (an empty nameserver list), and every file is this test's.
 * The DNS answers themselves are tested against NSD by tests/dns/test_async_dns.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "gaix.h"
#include "sockets.h"

/* Callbacks a test may see; every query of a test has one record. */
#define RECORDS_MAX 64

struct record {
    int calls;
    int status;
    enum gaix_source source;
    int family; /* of the first entry, 0 without a list */
    char addr[INET6_ADDRSTRLEN];
    unsigned port;
    int rcode;
    unsigned queries;
    int server_family;
    unsigned long long elapsed_us;
    bool inside_resolve; /* the callback ran while gaix_resolve() was running */
    /* what the callback does: cancel another query, or start one */
    gaix_query *cancel_this;
    gaix_ctx *resolve_on;
    struct record *resolve_record;
    gaix_query *started;
    int started_errno;  /* errno when gaix_resolve() from the callback returned NULL */
    int resolve_tries;  /* how many times the callback started one */
    bool retry_on_null; /* start another each time the start is refused: must not loop forever */
};

static bool in_resolve; /* set around each gaix_resolve() call of the tests */
static size_t callbacks_total;

static void on_done(gaix_query *q, struct gaix_result *r, void *arg)
{
    (void)q;
    struct record *rec = arg;
    callbacks_total++;
    rec->calls++;
    rec->status = r->status;
    rec->source = r->source;
    rec->rcode = r->rcode;
    rec->queries = r->queries;
    rec->server_family = r->server.ss_family;
    rec->elapsed_us = r->elapsed_us;
    rec->inside_resolve = rec->inside_resolve || in_resolve;
    if (r->ai) {
        rec->family = r->ai->ai_family;
        if (r->ai->ai_family == AF_INET) {
            const struct sockaddr_in *s = (const void *)r->ai->ai_addr;
            inet_ntop(AF_INET, &s->sin_addr, rec->addr, sizeof rec->addr);
            rec->port = ntohs(s->sin_port);
        } else if (r->ai->ai_family == AF_INET6) {
            const struct sockaddr_in6 *s = (const void *)r->ai->ai_addr;
            inet_ntop(AF_INET6, &s->sin6_addr, rec->addr, sizeof rec->addr);
            rec->port = ntohs(s->sin6_port);
        }
        gaix_freeaddrinfo(r->ai);
    }
    if (rec->cancel_this)
        gaix_cancel(rec->cancel_this);
    if (rec->resolve_on) {
        struct addrinfo hints;
        memset(&hints, 0, sizeof hints);
        hints.ai_socktype = SOCK_STREAM;
        do {
            rec->resolve_tries++;
            in_resolve = true;
            errno = 0;
            rec->started = gaix_resolve(rec->resolve_on, "192.0.2.77", "7", &hints, 0, on_done,
                                        rec->resolve_record);
            rec->started_errno = rec->started ? 0 : errno;
            in_resolve = false;
        } while (!rec->started && rec->retry_on_null && rec->resolve_tries < 3);
    }
}

static gaix_query *start(gaix_ctx *ctx, const char *node, const char *service, int family,
                         int flags, int deadline_ms, struct record *rec)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    in_resolve = true;
    gaix_query *q = gaix_resolve(ctx, node, service, &hints, deadline_ms, on_done, rec);
    in_resolve = false;
    return q;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool fd_readable(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

/*
 * The application's loop, as a user would write it: wait for the descriptor with the library's
 * timeout, then process. Runs until *done_count reaches want or max_ms passed; returns the number
 * of wake-ups.
 */
static int loop_until(gaix_ctx *ctx, const size_t *done_count, size_t want, uint64_t max_ms)
{
    uint64_t end = now_ms() + max_ms;
    int wakeups = 0;
    while (*done_count < want && now_ms() < end) {
        int t = gaix_ctx_timeout_ms(ctx);
        int left = (int)(end - now_ms());
        if (t < 0 || t > left)
            t = left;
        struct pollfd p = {.fd = gaix_ctx_fd(ctx), .events = POLLIN};
        poll(&p, 1, t);
        wakeups++;
        if (gaix_ctx_process(ctx) < 0)
            break;
    }
    return wakeups;
}

/* ---- the files and the silent server ------------------------------------------------------- */

static char tmpdir[] = "/tmp/gaix-async-XXXXXX";
static char hosts_path[64];

static void files_make(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(hosts_path, sizeof hosts_path, "%s/hosts", tmpdir);
    FILE *f = fopen(hosts_path, "w");
    if (!f) {
        perror(hosts_path);
        exit(1);
    }
    fputs("192.0.2.10 fromhosts\n2001:db8::10 fromhosts\n", f);
    fclose(f);
}

static void files_remove(void)
{
    unlink(hosts_path);
    rmdir(tmpdir);
}

/* A UDP socket on 127.0.0.1 that is never read; its "127.0.0.1:PORT" in text. */
static int silent_server(char *text, size_t size)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
        perror("silent server");
        exit(1);
    }
    snprintf(text, size, "127.0.0.1:%u", ntohs(sin.sin_port));
    return fd;
}

/* A query the silent server received, and where from. */
struct query_seen {
    uint8_t buf[512];
    ssize_t len;
    struct sockaddr_in from;
    socklen_t flen;
};

static bool query_take(int silent, struct query_seen *q)
{
    q->flen = sizeof q->from;
    if (!fd_readable(silent, 2000))
        return false;
    q->len = recvfrom(silent, q->buf, sizeof q->buf, 0, (struct sockaddr *)&q->from, &q->flen);
    return q->len >= 12;
}

static const char *const no_servers[] = {NULL};
static const char *const no_search[] = {NULL};

/* A context with DNS off (the hosts file above only), or with the one server given. */
static gaix_ctx *ctx_make(const char *server, const char *options)
{
    static const char *servers[2];
    struct gaix_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.hosts_path = hosts_path;
    cfg.services_path = "";
    cfg.gai_conf_path = "";
    cfg.resolv_conf_path = "";
    cfg.reload_interval_ms = GAIX_RELOAD_NEVER;
    cfg.search = no_search;
    if (server) {
        servers[0] = server;
        servers[1] = NULL;
        cfg.nameservers = servers;
    } else {
        cfg.nameservers = no_servers;
    }
    cfg.options = options;
    return gaix_ctx_new(&cfg);
}

/* ---- tests --------------------------------------------------------------------------------- */

TEST(bad_calls_return_null_and_never_call_back)
{
    gaix_ctx *ctx = ctx_make(NULL, NULL);
    REQUIRE(ctx);
    struct record rec = {0};
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    errno = 0;
    CHECK(gaix_resolve(NULL, "192.0.2.1", "80", &hints, 0, on_done, &rec) == NULL);
    CHECK_EQ_INT(errno, EINVAL);
    errno = 0;
    CHECK(gaix_resolve(ctx, "192.0.2.1", "80", &hints, 0, NULL, &rec) == NULL);
    CHECK_EQ_INT(errno, EINVAL);
    errno = 0;
    CHECK(gaix_resolve(ctx, "192.0.2.1", "80", &hints, -1, on_done, &rec) == NULL);
    CHECK_EQ_INT(errno, EINVAL);
    CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), -1);
    CHECK(!fd_readable(gaix_ctx_fd(ctx), 0));
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK_EQ_INT(rec.calls, 0);
    CHECK_EQ_INT(gaix_ctx_fd(NULL), -1);
    CHECK_EQ_INT(gaix_ctx_process(NULL), -1);
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(rec.calls, 0);
}

TEST(numeric_calls_back_from_process_never_inside_resolve)
{
    gaix_ctx *ctx = ctx_make(NULL, NULL);
    REQUIRE(ctx);
    struct record rec = {0};
    gaix_query *q = start(ctx, "192.0.2.1", "80", AF_UNSPEC, 0, 0, &rec);
    REQUIRE(q);
    CHECK_EQ_INT(rec.calls, 0); /* not inside gaix_resolve() */
    CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), 0);
    CHECK(fd_readable(gaix_ctx_fd(ctx), 0));
    CHECK_EQ_INT(rec.calls, 0); /* nor inside the other calls */
    CHECK_EQ_INT(gaix_ctx_process(ctx), 1);
    CHECK_EQ_INT(rec.calls, 1);
    CHECK(!rec.inside_resolve);
    CHECK_EQ_INT(rec.status, 0);
    CHECK_EQ_INT(rec.source, GAIX_SOURCE_NUMERIC);
    CHECK_EQ_STR(rec.addr, "192.0.2.1");
    CHECK_EQ_INT(rec.port, 80);
    CHECK_EQ_INT(rec.rcode, -1);
    CHECK_EQ_INT(rec.queries, 0);
    CHECK_EQ_INT(rec.server_family, 0);
    /* Exactly once: nothing more, the loop is idle again. */
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), -1);
    CHECK(!fd_readable(gaix_ctx_fd(ctx), 0));
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(rec.calls, 1);
}

TEST(hosts_name_and_ipv6_literal)
{
    gaix_ctx *ctx = ctx_make(NULL, NULL);
    REQUIRE(ctx);
    struct record h = {0}, v6 = {0};
    REQUIRE(start(ctx, "fromhosts", "443", AF_INET, 0, 0, &h));
    REQUIRE(start(ctx, "2001:db8::5", "53", AF_INET6, 0, 0, &v6));
    CHECK_EQ_INT(h.calls + v6.calls, 0);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 2);
    CHECK_EQ_INT(h.calls, 1);
    CHECK_EQ_INT(h.source, GAIX_SOURCE_HOSTS);
    CHECK_EQ_STR(h.addr, "192.0.2.10");
    CHECK_EQ_INT(h.port, 443);
    CHECK_EQ_INT(v6.calls, 1);
    CHECK_EQ_INT(v6.source, GAIX_SOURCE_NUMERIC);
    CHECK_EQ_STR(v6.addr, "2001:db8::5");
    gaix_ctx_free(ctx);
}

TEST(request_errors_arrive_through_the_callback)
{
    gaix_ctx *ctx = ctx_make(NULL, NULL);
    REQUIRE(ctx);
    struct record unknown = {0}, flags = {0}, family = {0}, service = {0}, numeric = {0};
    REQUIRE(start(ctx, "not-in-hosts.test", "80", AF_UNSPEC, 0, 0, &unknown));
    REQUIRE(start(ctx, "192.0.2.1", "80", AF_UNSPEC, 0x10000, 0, &flags));
    REQUIRE(start(ctx, "192.0.2.1", "80", 12345, 0, 0, &family));
    REQUIRE(start(ctx, "192.0.2.1", "no-such-service", AF_UNSPEC, 0, 0, &service));
    REQUIRE(start(ctx, "fromhosts", "80", AF_UNSPEC, AI_NUMERICHOST, 0, &numeric));
    CHECK_EQ_INT(callbacks_total, 0);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 5);
    CHECK_EQ_INT(unknown.calls, 1);
    CHECK_EQ_INT(unknown.status, EAI_NONAME); /* DNS off: nothing was sent */
    CHECK_EQ_INT(unknown.queries, 0);
    CHECK_EQ_INT(flags.calls, 1);
    CHECK_EQ_INT(flags.status, EAI_BADFLAGS);
    CHECK_EQ_INT(family.calls, 1);
    CHECK_EQ_INT(family.status, EAI_FAMILY);
    CHECK_EQ_INT(service.calls, 1);
    CHECK_EQ_INT(service.status, EAI_SERVICE);
    CHECK_EQ_INT(numeric.calls, 1);
    CHECK_EQ_INT(numeric.status, EAI_NONAME);
    CHECK_EQ_INT(unknown.source, GAIX_SOURCE_NONE);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK_EQ_INT(callbacks_total, 5);
    gaix_ctx_free(ctx);
}

TEST(many_at_once_one_process_runs_them_all)
{
    gaix_ctx *ctx = ctx_make(NULL, NULL);
    REQUIRE(ctx);
    static struct record recs[RECORDS_MAX];
    memset(recs, 0, sizeof recs);
    char node[32];
    for (int i = 0; i < RECORDS_MAX; i++) {
        snprintf(node, sizeof node, "198.51.100.%d", i + 1);
        REQUIRE(start(ctx, node, "80", AF_INET, 0, 0, &recs[i]));
    }
    CHECK_EQ_INT(callbacks_total, 0);
    CHECK_EQ_INT(gaix_ctx_process(ctx), RECORDS_MAX);
    for (int i = 0; i < RECORDS_MAX; i++) {
        snprintf(node, sizeof node, "198.51.100.%d", i + 1);
        CHECK_EQ_INT(recs[i].calls, 1);
        CHECK_EQ_STR(recs[i].addr, node);
    }
    gaix_ctx_free(ctx);
}

TEST(cancel_after_the_answer_was_queued_changes_nothing)
{
    gaix_ctx *ctx = ctx_make(NULL, NULL);
    REQUIRE(ctx);
    struct record rec = {0};
    gaix_query *q = start(ctx, "192.0.2.1", "80", AF_INET, 0, 0, &rec);
    REQUIRE(q);
    gaix_cancel(q); /* gaix.h: no effect once the callback has been queued */
    gaix_cancel(q);
    CHECK_EQ_INT(rec.calls, 0);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 1);
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.status, 0);
    CHECK_EQ_STR(rec.addr, "192.0.2.1");
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK_EQ_INT(rec.calls, 1);
    gaix_ctx_free(ctx);
}

TEST(cancel_in_flight_calls_back_once_with_eai_canceled_and_closes_at_once)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    gaix_ctx *ctx = ctx_make(server, "timeout:5 attempts:2");
    REQUIRE(ctx);
    REQUIRE(gaix_ctx_fd(ctx) >= 0); /* the engine exists: its descriptors count as before */
    size_t before = fds_open();
    unsigned port = server_port(server);
    struct record rec = {0};
    gaix_query *q = start(ctx, "name.test", "80", AF_UNSPEC, 0, 0, &rec);
    REQUIRE(q);
    /* The queries leave from the first gaix_ctx_process() (work is due at once). */
    CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), 0);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK_EQ_INT(rec.calls, 0);
    CHECK_EQ_INT(udp_sockets_to(port), 1); /* one socket to the server for A and AAAA */
    /* Through io_uring the socket is a direct descriptor, in no descriptor table. */
    CHECK_EQ_INT(fds_open(), before + (flights_use_the_ring() ? 0 : 1));
    CHECK(gaix_ctx_timeout_ms(ctx) > 0);
    gaix_cancel(q);
    CHECK_EQ_INT(udp_sockets_to(port), 0); /* "frees the query's sockets at once" */
    CHECK_EQ_INT(fds_open(), before);
    CHECK_EQ_INT(rec.calls, 0);       /* the callback runs from gaix_ctx_process() */
    CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), 0);
    CHECK(fd_readable(gaix_ctx_fd(ctx), 0));
    CHECK_EQ_INT(gaix_ctx_process(ctx), 1);
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.status, EAI_CANCELED);
    CHECK_EQ_INT(rec.family, 0); /* no list */
    CHECK_EQ_INT(rec.source, GAIX_SOURCE_NONE);
    /* No later callback, whatever the loop does. */
    CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), -1);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK_EQ_INT(rec.calls, 1);
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(rec.calls, 1);
    close(silent);
}

TEST(cancel_from_inside_another_callback)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    gaix_ctx *ctx = ctx_make(server, "timeout:5 attempts:2");
    REQUIRE(ctx);
    struct record first = {0}, dns = {0}, sibling = {0};
    gaix_query *qd = start(ctx, "name.test", "80", AF_UNSPEC, 0, 0, &dns);
    REQUIRE(qd);
    gaix_query *qf = start(ctx, "192.0.2.1", "80", AF_INET, 0, 0, &first);
    REQUIRE(qf);
    gaix_query *qs = start(ctx, "192.0.2.2", "80", AF_INET, 0, 0, &sibling);
    REQUIRE(qs);
    /* The first numeric query's callback cancels the DNS query, in flight; the second numeric
     * query, answered in the same round, is not disturbed. */
    first.cancel_this = qd;
    CHECK_EQ_INT(gaix_ctx_process(ctx), 2);
    CHECK_EQ_INT(first.calls, 1);
    CHECK_EQ_INT(sibling.calls, 1);
    CHECK_EQ_INT(dns.calls, 0); /* not from inside the other callback */
    CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), 0);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 1);
    CHECK_EQ_INT(dns.calls, 1);
    CHECK_EQ_INT(dns.status, EAI_CANCELED);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK_EQ_INT(dns.calls + first.calls + sibling.calls, 3);
    gaix_ctx_free(ctx);
    close(silent);
}

TEST(cancel_a_queued_sibling_from_a_callback)
{
    gaix_ctx *ctx = ctx_make(NULL, NULL);
    REQUIRE(ctx);
    struct record a = {0}, b = {0};
    gaix_query *qa = start(ctx, "192.0.2.1", "80", AF_INET, 0, 0, &a);
    gaix_query *qb = start(ctx, "192.0.2.2", "80", AF_INET, 0, 0, &b);
    REQUIRE(qa && qb);
    a.cancel_this = qb; /* b's answer is queued, its callback not yet run: its handle is valid */
    CHECK_EQ_INT(gaix_ctx_process(ctx), 2);
    CHECK_EQ_INT(a.calls, 1);
    CHECK_EQ_INT(b.calls, 1);
    CHECK_EQ_INT(b.status, 0); /* queued already: the cancel changed nothing */
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK_EQ_INT(b.calls, 1);
    gaix_ctx_free(ctx);
}

TEST(resolve_from_inside_a_callback)
{
    gaix_ctx *ctx = ctx_make(NULL, NULL);
    REQUIRE(ctx);
    struct record outer = {0}, inner = {0};
    outer.resolve_on = ctx;
    outer.resolve_record = &inner;
    REQUIRE(start(ctx, "192.0.2.1", "80", AF_INET, 0, 0, &outer));
    int n = gaix_ctx_process(ctx);
    CHECK_EQ_INT(outer.calls, 1);
    CHECK(outer.started != NULL);
    /* The inner query's callback never ran inside its gaix_resolve() (in the outer callback). */
    CHECK(!inner.inside_resolve);
    if (inner.calls == 0) {
        CHECK_EQ_INT(n, 1);
        CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), 0);
        CHECK(fd_readable(gaix_ctx_fd(ctx), 0));
        CHECK_EQ_INT(gaix_ctx_process(ctx), 1);
    }
    CHECK_EQ_INT(inner.calls, 1);
    CHECK_EQ_INT(inner.status, 0);
    CHECK_EQ_STR(inner.addr, "192.0.2.77");
    CHECK_EQ_INT(inner.port, 7);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK_EQ_INT(inner.calls + outer.calls, 2);
    gaix_ctx_free(ctx);
}

TEST(deadline_gives_eai_again_at_the_deadline_seen_through_timeout_ms)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    /* The resolver's own schedule would take 10 s (timeout 5 x attempts 2): the deadline is what
     * ends the query. */
    gaix_ctx *ctx = ctx_make(server, "timeout:5 attempts:2");
    REQUIRE(ctx);
    struct record rec = {0};
    uint64_t t0 = now_ms();
    REQUIRE(start(ctx, "name.test", "80", AF_UNSPEC, 0, 300, &rec));
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0); /* sends */
    int t = gaix_ctx_timeout_ms(ctx);
    CHECK(t > 0 && t <= 300);
    int wakeups = loop_until(ctx, &callbacks_total, 1, 5000);
    uint64_t took = now_ms() - t0;
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.status, EAI_AGAIN);
    CHECK(took >= 290); /* not before the deadline */
    CHECK(took < 2500); /* and at it, not at the schedule's 10 s */
    CHECK(rec.elapsed_us >= 290000u && rec.elapsed_us < 2500000u);
    CHECK(rec.queries >= 2); /* A and AAAA were sent */
    /* The loop slept on the library's timeout: a few wake-ups, not a busy loop. */
    CHECK(wakeups >= 1 && wakeups <= 20);
    if (wakeups > 20)
        fprintf(stderr, "%d wake-ups for one deadline\n", wakeups);
    CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), -1);
    gaix_ctx_free(ctx);
    close(silent);
}

TEST(the_resolver_schedule_ends_a_query_without_a_deadline)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    gaix_ctx *ctx = ctx_make(server, "timeout:1 attempts:1");
    REQUIRE(ctx);
    struct record rec = {0};
    uint64_t t0 = now_ms();
    REQUIRE(start(ctx, "name.test", "80", AF_INET, 0, 0, &rec));
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0); /* sends */
    int t = gaix_ctx_timeout_ms(ctx);
    CHECK(t > 0 && t <= 1000);
    int wakeups = loop_until(ctx, &callbacks_total, 1, 5000);
    uint64_t took = now_ms() - t0;
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.status, EAI_AGAIN);
    CHECK(took >= 950 && took < 3000); /* U3: attempts x timeout x servers + 1 s */
    CHECK(wakeups <= 20);
    gaix_ctx_free(ctx);
    close(silent);
}

TEST(timeout_ms_is_honoured_a_wait_of_exactly_that_finds_work_due)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    gaix_ctx *ctx = ctx_make(server, "timeout:5 attempts:2");
    REQUIRE(ctx);
    struct record rec = {0};
    REQUIRE(start(ctx, "name.test", "80", AF_UNSPEC, 0, 200, &rec));
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0); /* sends */
    /* Wait exactly as long as the library says, without processing early: then the deadline
     * must be due (timeout 0) and one process call must deliver the callback. */
    int t = gaix_ctx_timeout_ms(ctx), waits = 0;
    CHECK(t > 0 && t <= 200);
    while (waits < 50 && rec.calls == 0) {
        t = gaix_ctx_timeout_ms(ctx);
        struct pollfd p = {.fd = gaix_ctx_fd(ctx), .events = POLLIN};
        int ready = poll(&p, 1, t);
        waits++;
        if (ready != 0)
            fprintf(stderr, "wait %d: the descriptor was readable (%d ms asked)\n", waits, t);
        gaix_ctx_process(ctx);
    }
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.status, EAI_AGAIN);
    /* Nothing arrives from a silent server: the first full wait reaches the deadline. */
    CHECK_EQ_INT(waits, 1);
    gaix_ctx_free(ctx);
    close(silent);
}

TEST(ctx_free_with_queries_in_flight_calls_each_back_once_canceled)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    size_t fds_before_ctx = fds_open();
    gaix_ctx *ctx = ctx_make(server, "timeout:5 attempts:2");
    REQUIRE(ctx);
    static struct record recs[8];
    memset(recs, 0, sizeof recs);
    char node[32];
    for (int i = 0; i < 6; i++) {
        snprintf(node, sizeof node, "n%d.test", i);
        REQUIRE(start(ctx, node, "80", i % 2 ? AF_INET : AF_UNSPEC, 0, 0, &recs[i]));
    }
    REQUIRE(start(ctx, "192.0.2.1", "80", AF_INET, 0, 0, &recs[6])); /* answered, not delivered */
    CHECK_EQ_INT(gaix_ctx_process(ctx), 1);
    CHECK_EQ_INT(recs[6].calls, 1);
    REQUIRE(start(ctx, "192.0.2.2", "80", AF_INET, 0, 0, &recs[7])); /* queued at free time */
    CHECK_EQ_INT(callbacks_total, 1);
    gaix_ctx_free(ctx);
    for (int i = 0; i < 6; i++) {
        CHECK_EQ_INT(recs[i].calls, 1);
        CHECK_EQ_INT(recs[i].status, EAI_CANCELED);
    }
    CHECK_EQ_INT(recs[6].calls, 1);
    CHECK_EQ_INT(recs[7].calls, 1); /* its callback ran, once, before gaix_ctx_free returned */
    CHECK_EQ_INT(callbacks_total, 8);
    CHECK_EQ_INT(fds_open(), fds_before_ctx);
    CHECK_EQ_INT(udp_sockets_to(server_port(server)), 0);
    close(silent);
}

/* gaix.h lets callbacks call gaix_resolve(); gaix_ctx_free() runs callbacks. A query started
 * there is refused (NULL with ECANCELED: no callback, by the contract), never accepted and then
 * forgotten (its callback lost, its memory leaked, its context gone). The refusal holds for every
 * try, so a callback that retries on failure cannot start a lookup on a context being freed. The
 * same callback run by gaix_ctx_process() does start its lookup, which is then called back. */
TEST(resolve_from_a_callback_that_ctx_free_runs)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    size_t fds_before_ctx = fds_open();
    gaix_ctx *ctx = ctx_make(server, "timeout:5 attempts:2");
    REQUIRE(ctx);
    struct record outer = {0}, inner = {0}, live = {0}, live_inner = {0};
    outer.resolve_on = ctx;
    outer.resolve_record = &inner;
    outer.retry_on_null = true;
    live.resolve_on = ctx;
    live.resolve_record = &live_inner;
    REQUIRE(start(ctx, "name.test", "80", AF_INET, 0, 0, &outer));
    REQUIRE(start(ctx, "192.0.2.9", "80", AF_INET, 0, 0, &live));
    CHECK_EQ_INT(gaix_ctx_process(ctx), 1); /* live's callback starts live_inner */
    CHECK(live.started != NULL);
    CHECK_EQ_INT(live_inner.calls, 0);
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(outer.calls, 1);
    CHECK_EQ_INT(outer.status, EAI_CANCELED);
    CHECK(outer.started == NULL);
    CHECK_EQ_INT(outer.started_errno, ECANCELED);
    CHECK_EQ_INT(outer.resolve_tries, 3); /* each retry refused too */
    CHECK_EQ_INT(inner.calls, 0);
    CHECK_EQ_INT(live_inner.calls, 1); /* started before the free: called back by it */
    CHECK_EQ_INT(fds_open(), fds_before_ctx);
    close(silent);
}

/*
 * A forked child keeps copies of the parent's sockets, and so keeps their epoll registrations
 * alive after the parent closed them (the engine lets close() take a registration out instead of
 * EPOLL_CTL_DEL, and close() does so only for the last copy). A reply then arriving at such a
 * socket must not reach a freed query, nor leave the context's descriptor readable for ever (a
 * busy loop): the parent goes on resolving, and its descriptor goes quiet once processed.
 */
TEST(a_forked_child_holding_a_closed_socket_does_not_disturb_the_parent)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    gaix_ctx *ctx = ctx_make(server, "timeout:5 attempts:2");
    REQUIRE(ctx);
    struct record rec[3] = {{0}};
    gaix_query *q = start(ctx, "name.test", "80", AF_UNSPEC, 0, 0, &rec[0]);
    REQUIRE(q);
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0); /* the A and AAAA questions leave */
    /* Where they came from: the query's socket. */
    struct query_seen qs;
    REQUIRE(query_take(silent, &qs));
    uint8_t *buf = qs.buf;
    struct sockaddr_in from = qs.from;
    socklen_t flen = qs.flen;
    ssize_t got = qs.len;

    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        /* Holds every copy until the parent is done, touches nothing of the library's. */
        close(go[1]);
        char c;
        ssize_t n = read(go[0], &c, 1);
        (void)n;
        _exit(0);
    }
    close(go[0]);
    gaix_cancel(q); /* the parent's copy of the socket closes; the child's lives on */
    CHECK_EQ_INT(gaix_ctx_process(ctx), 1);
    CHECK_EQ_INT(rec[0].status, EAI_CANCELED);

    /* A late reply (its content does not matter: nobody may read it), twice. */
    for (int i = 0; i < 2; i++)
        CHECK(sendto(silent, buf, (size_t)got, 0, (struct sockaddr *)&from, flen) == got);
    /* New lookups run as before, and the leftover registration's events are ignored. */
    REQUIRE(start(ctx, "192.0.2.1", "80", AF_INET, 0, 0, &rec[1]));
    REQUIRE(start(ctx, "fromhosts", "80", AF_UNSPEC, 0, 0, &rec[2]));
    size_t done = 0;
    for (int round = 0; round < 10 && done < 2; round++) {
        int n = gaix_ctx_process(ctx);
        CHECK(n >= 0);
        done += n > 0 ? (size_t)n : 0;
    }
    CHECK_EQ_INT((int)done, 2);
    CHECK_EQ_INT(rec[1].status, 0);
    CHECK_EQ_STR(rec[1].addr, "192.0.2.1");
    CHECK_EQ_INT(rec[2].status, 0);
    CHECK_EQ_INT(rec[2].source, GAIX_SOURCE_HOSTS);
    /* Quiet once processed: a reply to the child's copy is not reported round after round. */
    CHECK_EQ_INT(gaix_ctx_process(ctx), 0);
    CHECK(!fd_readable(gaix_ctx_fd(ctx), 50));
    CHECK_EQ_INT(gaix_ctx_timeout_ms(ctx), -1);
    CHECK_EQ_INT(rec[0].calls + rec[1].calls + rec[2].calls, 3);

    close(go[1]);
    int status;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    gaix_ctx_free(ctx);
    close(silent);
}

/* The round that sends the queries, run by a thread that ends at once. */
static void *send_round(void *arg)
{
    (void)gaix_ctx_process(arg);
    return NULL;
}

/*
 * Through io_uring a request belongs to the thread that submitted it: once that thread has
 * exited, a receive it armed ends with ECANCELED when something arrives. The engine arms it again
 * from the thread that goes on, and the answer waiting in the socket is read at once, not left
 * to the timeout (5 s here). With sockets of their own, flights do not care which thread sent.
 */
TEST(an_answer_to_a_query_sent_by_a_thread_that_ended_is_read)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    gaix_ctx *ctx = ctx_make(server, "timeout:5 attempts:1");
    REQUIRE(ctx);
    struct record rec = {0};
    REQUIRE(start(ctx, "name.test", "80", AF_INET, 0, 0, &rec));
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, send_round, ctx) == 0);
    REQUIRE(pthread_join(th, NULL) == 0);
    /* The A question, answered with no address (the question echoed as a reply), after the
     * thread that sent it is gone. */
    struct query_seen q;
    REQUIRE(query_take(silent, &q));
    q.buf[2] |= 0x80; /* QR */
    q.buf[3] |= 0x80; /* RA: a recursive server's "no such address", not a lame referral */
    REQUIRE(sendto(silent, q.buf, (size_t)q.len, 0, (struct sockaddr *)&q.from, q.flen) == q.len);
    uint64_t end = now_ms() + 2000;
    while (rec.calls == 0 && now_ms() < end) {
        (void)fd_readable(gaix_ctx_fd(ctx), 100);
        (void)gaix_ctx_process(ctx);
    }
    CHECK_EQ_INT(rec.calls, 1);
    CHECK_EQ_INT(rec.status, EAI_NODATA);
    gaix_ctx_free(ctx);
    close(silent);
}

TEST(no_descriptor_left_after_every_query_completed)
{
    char server[32];
    int silent = silent_server(server, sizeof server);
    size_t fds_before_ctx = fds_open();
    gaix_ctx *ctx = ctx_make(server, "timeout:1 attempts:1");
    REQUIRE(ctx);
    REQUIRE(gaix_ctx_fd(ctx) >= 0);
    size_t baseline = fds_open();
    static struct record recs[RECORDS_MAX];
    memset(recs, 0, sizeof recs);
    char node[32];
    /* Half DNS (timing out at 150 ms), half local; then all of them again. */
    for (int round = 0; round < 2; round++) {
        size_t want = callbacks_total + RECORDS_MAX / 2;
        for (int i = 0; i < RECORDS_MAX / 2; i++) {
            struct record *r = &recs[round * (RECORDS_MAX / 2) + i];
            if (i % 2)
                snprintf(node, sizeof node, "n%d.test", i);
            else
                snprintf(node, sizeof node, "192.0.2.%d", i + 1);
            REQUIRE(start(ctx, node, "80", AF_UNSPEC, 0, 150, r));
        }
        loop_until(ctx, &callbacks_total, want, 5000);
        CHECK_EQ_INT(callbacks_total, want);
        CHECK_EQ_INT(fds_open(), baseline);
        CHECK_EQ_INT(udp_sockets_to(server_port(server)), 0);
    }
    for (int i = 0; i < RECORDS_MAX; i++) {
        CHECK_EQ_INT(recs[i].calls, 1);
        CHECK_EQ_INT(recs[i].status, (i % (RECORDS_MAX / 2)) % 2 ? EAI_AGAIN : 0);
    }
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(fds_open(), fds_before_ctx);
    close(silent);
}

int main(void)
{
    files_make();
    int rc = check_run(CHECK_TESTS(
        CHECK_ENTRY(bad_calls_return_null_and_never_call_back),
        CHECK_ENTRY(numeric_calls_back_from_process_never_inside_resolve),
        CHECK_ENTRY(hosts_name_and_ipv6_literal),
        CHECK_ENTRY(request_errors_arrive_through_the_callback),
        CHECK_ENTRY(many_at_once_one_process_runs_them_all),
        CHECK_ENTRY(cancel_after_the_answer_was_queued_changes_nothing),
        CHECK_ENTRY(cancel_in_flight_calls_back_once_with_eai_canceled_and_closes_at_once),
        CHECK_ENTRY(cancel_from_inside_another_callback),
        CHECK_ENTRY(cancel_a_queued_sibling_from_a_callback),
        CHECK_ENTRY(resolve_from_inside_a_callback),
        CHECK_ENTRY(deadline_gives_eai_again_at_the_deadline_seen_through_timeout_ms),
        CHECK_ENTRY(the_resolver_schedule_ends_a_query_without_a_deadline),
        CHECK_ENTRY(timeout_ms_is_honoured_a_wait_of_exactly_that_finds_work_due),
        CHECK_ENTRY(ctx_free_with_queries_in_flight_calls_each_back_once_canceled),
        CHECK_ENTRY(resolve_from_a_callback_that_ctx_free_runs),
        CHECK_ENTRY(a_forked_child_holding_a_closed_socket_does_not_disturb_the_parent),
        CHECK_ENTRY(an_answer_to_a_query_sent_by_a_thread_that_ended_is_read),
        CHECK_ENTRY(no_descriptor_left_after_every_query_completed)));
    files_remove();
    return rc;
}
