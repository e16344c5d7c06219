/*
 * K01, K02 and F30: many threads on one context, while the hosts file is rewritten under them.
 *
 * K01: 64 threads x 1,000 mixed lookups (hosts names with known answers, literals, misses, named
 * services, a name that fails on its service) on one context and through the default-context
 * API; every thread checks that each of its answers is exactly the expected one.
 * K02/F30: the same while another thread rewrites the hosts file every millisecond, alternating
 * rename() and in-place truncate+write between two versions, A and B. The name "pair" has three
 * lines in each version, and its canonical name names the version ("pair-a", "pair-b"): a
 * lookup must return exactly A's three addresses with "pair-a", or B's with "pair-b". Any other
 * answer is a torn configuration (a lookup that saw parts of two files). The names that both
 * versions list the same way must keep their exact answers. An in-place rewrite leaves the file
 * empty between its truncate and its write, and a reader may rightly see that empty file: then
 * every name of the file is unknown (EAI_NONAME), which is counted and allowed while in-place
 * rewrites run, and never allowed while only rename() is used. After the writer stops, the
 * context must answer from the last version written within the documented reload delay (100
 * ms with inotify; checked with a wide margin of 2 s). Both versions must be seen during a run:
 * otherwise the test proved nothing about reloads.
 * F30 made deterministic: a file rewritten in place while a rebuild of it is under way must still
 * be seen (f30_change_during_rebuild_is_seen).
 *
 * The default context reads /etc: those tests run in a private mount namespace in which a
 * temporary directory is bind-mounted over /etc, so the machine's files are never read. They
 * need root; without it they say SKIPPED (and fail in CI).
 *
 * Each thread stops after 1,000 lookups, and, with a writer, not before the writer has rewritten
 * the file 40 times and some thread has seen each version (runs with the default reload
 * interval also go on for 1.5 s); or after 20 s whatever the count (a safety bound). On the ext4
 * /tmp of the test machines an open(O_TRUNC) took 240 us on average and up to 5 ms, the file
 * already empty, so a reload every 100 ms sees the empty file often.
 *
 * Checks that pin a bug this test found use RB_REGRESSION (tests/adversarial/robust.h).
 *
 * ThreadSanitizer, by hand (the CMake sanitizer option builds ASan+UBSan), from the top of the
 * tree:
 *   clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=thread -Iinclude -Isrc -Itests/unit \
 *       $(find src -name '*.c') tests/unit/test_robust_threads.c \
 *       -o /tmp/test_robust_threads_tsan -lpthread -ldl
 *   /tmp/test_robust_threads_tsan
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "check.h"
#include "../adversarial/robust.h"

#define THREADS 64
#define LOOKUPS 1000
#define RUN_LIMIT_MS 20000u
#define CONVERGE_MS 2000u
/* With a writer, lookups go on until it has rewritten the file this often (on a loaded machine
 * the writer may get little time while 64 threads look up). */
#define MIN_WRITES 40

#define STABLE_LINES                                                                              \
    "127.0.0.1 localhost\n"                                                                       \
    "::1 localhost ip6-localhost\n"                                                               \
    "192.0.2.1 stable1\n"                                                                         \
    "2001:db8::1 stable1\n"                                                                       \
    "192.0.2.2 stable2 stable2-alias\n"                                                           \
    "203.0.113.7 only4\n"                                                                         \
    "2001:db8::7 only6\n"

static const char hosts_a[] = STABLE_LINES "192.0.2.101 pair-a pair\n"
                                           "192.0.2.102 pair\n"
                                           "2001:db8::a1 pair\n";
static const char hosts_b[] = STABLE_LINES "198.51.100.201 pair-b pair\n"
                                           "198.51.100.202 pair\n"
                                           "2001:db8::b1 pair\n";

enum kind { STABLE, PAIR, FILELESS };

/* One kind of lookup and its answers, written out by hand (rb_sig() text, or an error). */
struct query {
    const char *node, *service;
    int family, socktype, flags;
    bool as_set;
    enum kind kind;
    int rc;          /* expected code */
    const char *sig; /* expected answer; for PAIR: version A's */
    const char *sig_b;
};

static const struct query queries[] = {
    {"stable1", "80", AF_INET, SOCK_STREAM, 0, false, STABLE, 0, "[]4 192.0.2.1 80 1 6", NULL},
    {"stable1", "http", AF_UNSPEC, SOCK_STREAM, 0, true, STABLE, 0,
     "[]4 192.0.2.1 80 1 6|6 2001:db8::1 80 1 6", NULL},
    {"stable2-alias", "domain", AF_INET, SOCK_DGRAM, AI_CANONNAME, false, STABLE, 0,
     "[stable2]4 192.0.2.2 53 2 17", NULL},
    {"198.51.100.77", "443", AF_UNSPEC, 0, 0, false, FILELESS, 0,
     "[]4 198.51.100.77 443 1 6|4 198.51.100.77 443 2 17|4 198.51.100.77 443 3 0", NULL},
    {"2001:db8::77", "ftp", AF_INET6, SOCK_STREAM, 0, false, FILELESS, 0,
     "[]6 2001:db8::77 21 1 6", NULL},
    {"nosuch.test", "80", AF_UNSPEC, SOCK_STREAM, 0, false, FILELESS, EAI_NONAME, NULL, NULL},
    {"pair", "80", AF_UNSPEC, SOCK_STREAM, AI_CANONNAME, true, PAIR, 0,
     "[pair-a]4 192.0.2.101 80 1 6|4 192.0.2.102 80 1 6|6 2001:db8::a1 80 1 6",
     "[pair-b]4 198.51.100.201 80 1 6|4 198.51.100.202 80 1 6|6 2001:db8::b1 80 1 6"},
    {"pair", "www", AF_INET, SOCK_STREAM, AI_CANONNAME, true, PAIR, 0,
     "[pair-a]4 192.0.2.101 80 1 6|4 192.0.2.102 80 1 6",
     "[pair-b]4 198.51.100.201 80 1 6|4 198.51.100.202 80 1 6"},
    {"only6", "80", AF_INET6, SOCK_STREAM, AI_V4MAPPED, false, STABLE, 0,
     "[]6 2001:db8::7 80 1 6", NULL},
    {"stable1", "nosuchsvc", AF_UNSPEC, SOCK_STREAM, 0, false, FILELESS, EAI_SERVICE, NULL,
     NULL},
    {"only4", "80", AF_INET6, SOCK_STREAM, AI_V4MAPPED, false, STABLE, 0,
     "[]6 ::ffff:203.0.113.7 80 1 6", NULL},
    {"localhost", "80", AF_INET, SOCK_STREAM, 0, false, FILELESS, 0, "[]4 127.0.0.1 80 1 6",
     NULL},
};
#define NQUERIES (sizeof queries / sizeof queries[0])

/* What one thread saw. Written by its thread only, read by main after the join. */
struct tally {
    gaix_ctx *ctx; /* NULL: the default-context API */
    bool allow_empty;
    unsigned seed;
    uint64_t deadline_ms;
    uint64_t min_end_ms; /* keep going past LOOKUPS until then (for slow reload intervals) */
    const atomic_long *writes; /* the writer's count, or NULL */
    atomic_int *versions_seen; /* bit 0: some thread saw A, bit 1: B (shared) */
    long done, seen_a, seen_b, empty, errors;
    char first_error[1024];
};

__attribute__((format(printf, 2, 3))) static void tally_error(struct tally *t, const char *fmt,
                                                                ...)
{
    if (t->errors++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->first_error, sizeof t->first_error, fmt, ap);
        va_end(ap);
    }
}

static void lookup_check(struct tally *t, const struct query *q)
{
    struct addrinfo hints = rb_hints(q->family, q->socktype, q->flags), *res = RB_SENTINEL;
    int rc = t->ctx ? gaix_ctx_getaddrinfo(t->ctx, q->node, q->service, &hints, &res)
                    : gaix_getaddrinfo(q->node, q->service, &hints, &res);
    char got[4096];
    if (rc != 0) {
        if (res != RB_SENTINEL)
            tally_error(t, "%s: *res changed on error %s", q->node, gaix_eai_name(rc));
        if (rc == q->rc)
            return;
        /* The default context asks DNS for a name its files do not know; in the test's network
         * namespace no server is reachable, which is EAI_AGAIN (as glibc says then). */
        if (!t->ctx && rc == EAI_AGAIN &&
            (q->rc == EAI_NONAME || (q->kind != FILELESS && t->allow_empty))) {
            if (q->rc != EAI_NONAME)
                t->empty++;
            return;
        }
        if (rc == EAI_NONAME && q->kind != FILELESS && t->allow_empty) {
            t->empty++; /* the file between an in-place truncate and its write */
            return;
        }
        tally_error(t, "%s: %s, expected %s", q->node, gaix_eai_name(rc),
                    q->rc ? gaix_eai_name(q->rc) : "an answer");
        return;
    }
    const char *bad = rb_malformed(res);
    rb_sig(res, q->as_set, got, sizeof got);
    gaix_freeaddrinfo(res);
    if (bad) {
        tally_error(t, "%s: %s", q->node, bad);
        return;
    }
    if (q->rc != 0) {
        tally_error(t, "%s: answered %s, expected %s", q->node, got, gaix_eai_name(q->rc));
        return;
    }
    if (strcmp(got, q->sig) == 0) {
        if (q->kind == PAIR && t->seen_a++ == 0)
            atomic_fetch_or(t->versions_seen, 1);
        return;
    }
    if (q->kind == PAIR && strcmp(got, q->sig_b) == 0) {
        if (t->seen_b++ == 0)
            atomic_fetch_or(t->versions_seen, 2);
        return;
    }
    tally_error(t, "%s: answered %s, expected %s", q->node, got,
                q->kind == PAIR ? "version A or version B whole" : q->sig);
}

static void *lookup_thread(void *arg)
{
    struct tally *t = arg;
    unsigned x = t->seed;
    for (t->done = 0;; t->done++) {
        if ((t->done & 63) == 0) {
            uint64_t now = rb_now_ms();
            bool enough = t->done >= LOOKUPS && now >= t->min_end_ms &&
                          (!t->writes || (atomic_load(t->writes) >= MIN_WRITES &&
                                          atomic_load(t->versions_seen) == 3));
            if (now > t->deadline_ms || enough)
                break;
        }
        x = x * 1103515245u + 12345u;
        lookup_check(t, &queries[(x >> 16) % NQUERIES]);
    }
    return NULL;
}

/* ---- the writer ------------------------------------------------------------------------------ */

struct writer {
    const char *path;
    bool in_place; /* alternate rename() and in-place rewrites; else rename() only */
    atomic_bool stop;
    atomic_long writes;
    int last; /* 0: A, 1: B */
};

static void *writer_thread(void *arg)
{
    struct writer *w = arg;
    for (long i = 0; !atomic_load(&w->stop) && i < 200000; i++) {
        int version = (int)(i & 1);
        const char *text = version ? hosts_b : hosts_a;
        bool rewrite_in_place = w->in_place && (i & 2);
        if (rewrite_in_place)
            rb_write_path(w->path, text, strlen(text));
        else
            rb_replace_path(w->path, text, strlen(text));
        w->last = version;
        atomic_fetch_add(&w->writes, 1);
        rb_sleep_ms(1);
    }
    return NULL;
}

/* ---- one run ----------------------------------------------------------------------------------- */

/* Runs THREADS lookup threads on ctx (NULL: the default API), with a writer on hosts_path when
 * `writer_mode` is 1 (rename only) or 2 (alternating); then checks what they saw. */
static void threads_run(gaix_ctx *ctx, const char *hosts_path, int writer_mode, unsigned min_ms,
                        const char *label)
{
    static struct tally tallies[THREADS];
    pthread_t tids[THREADS], wtid;
    struct writer w;
    memset(&w, 0, sizeof w);
    w.path = hosts_path;
    w.in_place = writer_mode == 2;
    atomic_init(&w.stop, false);
    atomic_init(&w.writes, 0);
    static atomic_int versions_seen;
    atomic_store(&versions_seen, 0);
    uint64_t start = rb_now_ms();
    if (writer_mode)
        REQUIRE(pthread_create(&wtid, NULL, writer_thread, &w) == 0);
    for (int i = 0; i < THREADS; i++) {
        memset(&tallies[i], 0, sizeof tallies[i]);
        tallies[i].ctx = ctx;
        tallies[i].allow_empty = writer_mode == 2;
        tallies[i].seed = (unsigned)i * 2654435761u + 17u;
        tallies[i].deadline_ms = start + RUN_LIMIT_MS;
        tallies[i].min_end_ms = start + min_ms;
        tallies[i].writes = writer_mode ? &w.writes : NULL;
        tallies[i].versions_seen = &versions_seen;
        REQUIRE(pthread_create(&tids[i], NULL, lookup_thread, &tallies[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(tids[i], NULL);
    if (writer_mode) {
        atomic_store(&w.stop, true);
        pthread_join(wtid, NULL);
    }
    long done = 0, a = 0, b = 0, empty = 0, errors = 0;
    for (int i = 0; i < THREADS; i++) {
        done += tallies[i].done;
        a += tallies[i].seen_a;
        b += tallies[i].seen_b;
        empty += tallies[i].empty;
        errors += tallies[i].errors;
        if (tallies[i].errors)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s, thread %d: %ld wrong answers; first: %s",
                          label, i, tallies[i].errors, tallies[i].first_error);
    }
    printf("%s: %ld lookups in %llu ms, %ld rewrites; pair seen as A %ld, as B %ld; empty file "
           "seen %ld times\n",
           label, done, (unsigned long long)(rb_now_ms() - start), atomic_load(&w.writes), a, b,
           empty);
    if (done < (long)THREADS * LOOKUPS || rb_now_ms() - start >= RUN_LIMIT_MS)
        printf("%s: stopped by the %u ms safety bound\n", label, RUN_LIMIT_MS);
    CHECK_EQ_INT(errors, 0);
    if (!writer_mode) {
        CHECK(b == 0 && a > 0);
        return;
    }
    /* A run that never saw both versions proves nothing about reloads. */
    CHECK(a > 0);
    CHECK(b > 0);

    /* After the last write, the context answers from the last version. */
    const struct query *q = &queries[6];
    const char *want = w.last ? q->sig_b : q->sig;
    char got[4096] = "";
    uint64_t until = rb_now_ms() + CONVERGE_MS;
    do {
        struct addrinfo hints = rb_hints(q->family, q->socktype, q->flags), *res = NULL;
        int rc = ctx ? gaix_ctx_getaddrinfo(ctx, q->node, q->service, &hints, &res)
                     : gaix_getaddrinfo(q->node, q->service, &hints, &res);
        if (rc == 0) {
            rb_sig(res, true, got, sizeof got);
            gaix_freeaddrinfo(res);
        } else {
            snprintf(got, sizeof got, "%s", gaix_eai_name(rc));
        }
        if (strcmp(got, want) == 0)
            break;
        rb_sleep_ms(10);
    } while (rb_now_ms() < until);
    RB_REGRESSION(strcmp(got, want) == 0, "BUG-RELOAD-WATCH-RACE",
                 "%s: %u ms after the last rewrite (version %c) the context still answers %s",
                 label, CONVERGE_MS, w.last ? 'B' : 'A', got);
}

/* With the default interval a change is seen within 100 ms (inotify) or 1 s (stat): runs with
 * rewrites then last at least this long, so that both versions get seen. */
#define SLOW_RELOAD_RUN_MS 1500u

static void ctx_run(int interval, int writer_mode, const char *label)
{
    rb_tmp_init();
    rb_files(hosts_a);
    gaix_ctx *ctx = rb_ctx(interval);
    REQUIRE(ctx);
    threads_run(ctx, rb_path("hosts"), writer_mode,
                interval == GAIX_RELOAD_EVERY_CALL || !writer_mode ? 0 : SLOW_RELOAD_RUN_MS, label);
    gaix_ctx_free(ctx);
}

TEST(k01_one_context)
{
    ctx_run(GAIX_RELOAD_EVERY_CALL, 0, "K01 one context");
}

TEST(k02_rename_every_call)
{
    ctx_run(GAIX_RELOAD_EVERY_CALL, 1, "K02 rename(), reload on every call");
}

TEST(k02_alternating_every_call)
{
    ctx_run(GAIX_RELOAD_EVERY_CALL, 2, "K02 rename() and in place, reload on every call");
}

TEST(k02_alternating_default_interval)
{
    ctx_run(GAIX_RELOAD_DEFAULT, 2, "K02 rename() and in place, default interval");
}

/* A private mount namespace whose /etc is the test's directory, for the default context, in a
 * network namespace of its own: the default context reads /etc/resolv.conf and asks DNS for
 * names its files do not know, and no such packet may leave (it finds no interface up). */
static bool private_etc(void)
{
    if (geteuid() != 0)
        return false;
    if (unshare(CLONE_NEWNS | CLONE_NEWNET) != 0)
        return false;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return false;
    return mount(rb_dir, "/etc", NULL, MS_BIND, NULL) == 0;
}

static void default_run(int writer_mode, const char *label)
{
    rb_tmp_init();
    rb_files(hosts_a);
    if (rb_skip_unless(private_etc(), label, "needs root for a private mount namespace"))
        return;
    threads_run(NULL, rb_path("hosts"), writer_mode, writer_mode ? SLOW_RELOAD_RUN_MS : 0, label);
}

TEST(k01_default_context)
{
    default_run(0, "K01 default context");
}

TEST(k02_default_context_alternating)
{
    default_run(2, "K02 default context, rename() and in place");
}

/* ---- a change made while a rebuild is under way ------------------------------------------- */

static void *pair_lookup(void *arg)
{
    struct addrinfo hints = rb_hints(AF_INET, SOCK_STREAM, 0), *res = NULL;
    if (gaix_ctx_getaddrinfo(arg, "pair", "80", &hints, &res) == 0)
        gaix_freeaddrinfo(res);
    return NULL;
}

/*
 * F30, "a new config is used within the documented reload interval", made deterministic: the
 * hosts file is replaced by rename() with a big file (200,000 lines: its rebuild takes about
 * 200 ms), and while a lookup rebuilds from it, the new file is rewritten in place. The context
 * must then answer from the rewritten file within the delay a change is seen (checked with a
 * 2 s margin), however often it is asked.
 */
TEST(f30_change_during_rebuild_is_seen)
{
    rb_tmp_init();
    rb_files("192.0.2.1 pair\n");
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    REQUIRE(ctx);
    pair_lookup(ctx);
    size_t cap = (size_t)200000 * 40, used = 0;
    char *big = malloc(cap);
    REQUIRE(big);
    for (unsigned i = 0; i < 200000; i++)
        used += (size_t)snprintf(big + used, cap - used, "10.%u.%u.%u host%u\n", i >> 16,
                                 (i >> 8) & 255u, i & 255u, i);
    used += (size_t)snprintf(big + used, cap - used, "192.0.2.2 pair\n");
    rb_replace_path(rb_path("hosts"), big, used);
    free(big);
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, pair_lookup, ctx) == 0);
    rb_sleep_ms(20); /* the lookup is now reading or indexing the big file */
    rb_write("hosts", "192.0.2.3 pair\n");
    pthread_join(t, NULL);

    char got[4096] = "";
    uint64_t until = rb_now_ms() + CONVERGE_MS;
    do {
        struct addrinfo hints = rb_hints(AF_INET, SOCK_STREAM, 0), *res = NULL;
        int rc = gaix_ctx_getaddrinfo(ctx, "pair", "80", &hints, &res);
        if (rc == 0) {
            rb_sig(res, false, got, sizeof got);
            gaix_freeaddrinfo(res);
        } else {
            snprintf(got, sizeof got, "%s", gaix_eai_name(rc));
        }
        if (strcmp(got, "[]4 192.0.2.3 80 1 6") == 0)
            break;
        rb_sleep_ms(10);
    } while (rb_now_ms() < until);
    /* Answering 192.0.2.2 (the big file) would be right only until the next check. */
    RB_REGRESSION(strcmp(got, "[]4 192.0.2.3 80 1 6") == 0, "BUG-RELOAD-WATCH-RACE",
                 "%u ms after an in-place rewrite made during a rebuild, the context still "
                 "answers %s instead of []4 192.0.2.3 80 1 6",
                 CONVERGE_MS, got);
    gaix_ctx_free(ctx);
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(k01_one_context), CHECK_ENTRY(k02_rename_every_call),
        CHECK_ENTRY(k02_alternating_every_call), CHECK_ENTRY(k02_alternating_default_interval),
        CHECK_ENTRY(k01_default_context), CHECK_ENTRY(k02_default_context_alternating),
        CHECK_ENTRY(f30_change_during_rebuild_is_seen)));
}
