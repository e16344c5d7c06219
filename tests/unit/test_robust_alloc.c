/*
 * R02: allocation failure injection (TEST-VECTORS 5.8; c-ares SetAllocFail).
 *
 * This program replaces malloc, calloc, realloc, free, strdup, strndup and the aligned
 * allocators with versions that forward to glibc's __libc_* functions, keep the set of live
 * blocks, and can be armed to fail the k-th allocation (mode ONE) or every allocation from the
 * k-th on (mode FROM). Allocations made by the C library on gaix's behalf (getifaddrs, qsort)
 * count and fail too. For each scenario and k = 1, 2, ... the armed call must:
 *   - return the scenario's answer, or EAI_MEMORY, or EAI_SYSTEM with errno ENOMEM;
 *   - leave *res untouched on error and return a whole, correct list on success (U2, U5);
 *   - leave the context usable: the same call unarmed right after gives the right answer;
 *   - after gaix_freeaddrinfo() and gaix_ctx_free(), leave exactly as many live blocks as
 *     before the iteration began (no leak), and never free a block it does not own (a double
 *     free shows as a free of an unknown pointer; such a free is counted and not passed on).
 * k grows until a run makes fewer than k allocations: that run had no failure injected and must
 * give the scenario's answer. For the reload scenarios the retry must give the new file's answer:
 * that check is RB_REGRESSION("BUG-RELOAD-LOST"): a change whose rebuild failed was once dropped.
 *
 * Replacing malloc cannot coexist with AddressSanitizer (nor ThreadSanitizer), which own the
 * allocator: under them the program runs one test that prints SKIPPED. It runs in the plain
 * build.
 */
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../adversarial/robust.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ROBUST_NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                        \
    __has_feature(memory_sanitizer)
#define ROBUST_NO_INTERPOSE 1
#endif
#endif

#ifdef ROBUST_NO_INTERPOSE

TEST(alloc_failure_skipped_under_sanitizer)
{
    fprintf(stderr, "SKIPPED test_robust_alloc: a sanitizer owns malloc in this build; the "
                    "allocation failure tests run in the plain build\n");
    printf("SKIPPED (sanitizer build)\n");
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(alloc_failure_skipped_under_sanitizer)));
}

#else

/* ---- the allocator ------------------------------------------------------------------------ */

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t size);

/* Live blocks: an open-addressing set of pointers (linear probing, backward-shift deletion).
 * 2^20 slots hold far more blocks than any scenario keeps live. */
#define TRACK_SLOTS ((size_t)1 << 20)
static uintptr_t track_slots[TRACK_SLOTS];
static atomic_flag track_lock = ATOMIC_FLAG_INIT;

static long track_live;          /* blocks in the set */
static bool track_overflow;      /* the set was full: the counts are not exact */
static bool window_open;         /* between alloc_window_begin() and _end() */
static long window_unknown_frees; /* frees of pointers not in the set, in the window */

enum fail_mode { FAIL_OFF, FAIL_ONE, FAIL_FROM };
static enum fail_mode fail_mode;
static long fail_at;     /* the 1-based allocation that fails (and later ones for FAIL_FROM) */
static long alloc_seen;  /* allocations since arming */
static long alloc_failed; /* allocations failed since arming */

static void track_acquire(void)
{
    while (atomic_flag_test_and_set_explicit(&track_lock, memory_order_acquire))
        ;
}

static void track_release(void)
{
    atomic_flag_clear_explicit(&track_lock, memory_order_release);
}

static size_t track_hash(uintptr_t p)
{
    return (size_t)(((uint64_t)p >> 4) * 0x9e3779b97f4a7c15u >> 44) & (TRACK_SLOTS - 1);
}

/* Called with the lock held. */
static void track_add_locked(void *ptr)
{
    uintptr_t p = (uintptr_t)ptr;
    if ((size_t)track_live >= TRACK_SLOTS / 2) {
        track_overflow = true;
        return;
    }
    size_t i = track_hash(p);
    while (track_slots[i] != 0)
        i = (i + 1) & (TRACK_SLOTS - 1);
    track_slots[i] = p;
    track_live++;
}

/* Called with the lock held. False when the pointer is not in the set. */
static bool track_del_locked(void *ptr)
{
    uintptr_t p = (uintptr_t)ptr;
    size_t i = track_hash(p);
    while (track_slots[i] != p) {
        if (track_slots[i] == 0)
            return false;
        i = (i + 1) & (TRACK_SLOTS - 1);
    }
    /* Backward-shift deletion keeps every probe chain unbroken. */
    size_t hole = i;
    for (size_t j = (i + 1) & (TRACK_SLOTS - 1); track_slots[j] != 0;
         j = (j + 1) & (TRACK_SLOTS - 1)) {
        size_t home = track_hash(track_slots[j]);
        bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            track_slots[hole] = track_slots[j];
            hole = j;
        }
    }
    track_slots[hole] = 0;
    track_live--;
    return true;
}

/* Counts one allocation attempt; true when it must fail. Called with the lock held. */
static bool alloc_fails_locked(void)
{
    if (fail_mode == FAIL_OFF)
        return false;
    long n = ++alloc_seen;
    bool fail = fail_mode == FAIL_ONE ? n == fail_at : n >= fail_at;
    if (fail)
        alloc_failed++;
    return fail;
}

static void *track_new(void *p)
{
    if (p) {
        track_acquire();
        track_add_locked(p);
        track_release();
    }
    return p;
}

static bool alloc_fails(void)
{
    track_acquire();
    bool f = alloc_fails_locked();
    track_release();
    if (f)
        errno = ENOMEM;
    return f;
}

void *malloc(size_t size)
{
    if (alloc_fails())
        return NULL;
    return track_new(__libc_malloc(size));
}

void *calloc(size_t n, size_t size)
{
    if (alloc_fails())
        return NULL;
    return track_new(__libc_calloc(n, size));
}

void free(void *p)
{
    if (!p)
        return;
    track_acquire();
    bool known = track_del_locked(p);
    bool unknown_in_window = !known && window_open;
    if (unknown_in_window)
        window_unknown_frees++;
    track_release();
    /* A pointer we never handed out, freed inside a scenario, is a double free or a wild
     * free: count it and keep the heap intact so that the report comes from this test. */
    if (!unknown_in_window)
        __libc_free(p);
}

void *realloc(void *old, size_t size)
{
    if (!old)
        return malloc(size);
    if (size == 0) {
        free(old); /* glibc: realloc(p, 0) frees p and returns NULL */
        return NULL;
    }
    if (alloc_fails())
        return NULL;
    void *p = __libc_realloc(old, size);
    if (p) {
        track_acquire();
        if (!track_del_locked(old) && window_open)
            window_unknown_frees++;
        track_add_locked(p);
        track_release();
    }
    return p;
}

void *reallocarray(void *old, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(old, n * size);
}

char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *strndup(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void *memalign(size_t align, size_t size)
{
    if (alloc_fails())
        return NULL;
    return track_new(__libc_memalign(align, size));
}

void *aligned_alloc(size_t align, size_t size)
{
    return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0)
        return EINVAL;
    void *p = memalign(align, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t size)
{
    return memalign((size_t)sysconf(_SC_PAGESIZE), size);
}

void *pvalloc(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return memalign(page, (size + page - 1) / page * page);
}

/* ---- arming --------------------------------------------------------------------------------- */

static long live_now(void)
{
    track_acquire();
    long n = track_live;
    track_release();
    return n;
}

static void alloc_window_begin(void)
{
    track_acquire();
    window_open = true;
    window_unknown_frees = 0;
    track_release();
}

static long alloc_window_end(void)
{
    track_acquire();
    window_open = false;
    long n = window_unknown_frees;
    track_release();
    return n;
}

static void arm(enum fail_mode mode, long k)
{
    track_acquire();
    fail_mode = mode;
    fail_at = k;
    alloc_seen = 0;
    alloc_failed = 0;
    track_release();
}

/* Disarms; returns the allocations made while armed, and how many failed. */
static long disarm(long *failed)
{
    track_acquire();
    fail_mode = FAIL_OFF;
    long seen = alloc_seen;
    *failed = alloc_failed;
    track_release();
    return seen;
}

/* ---- scenarios ------------------------------------------------------------------------------ */

static const char hosts_v1[] = "127.0.0.1 localhost\n"
                               "::1 localhost ip6-localhost\n"
                               "192.0.2.10 dual-canon dual dual-alias\n"
                               "2001:db8::10 dual\n"
                               "198.51.100.10 dual\n"
                               "2001:db8::11 dual\n"
                               "192.0.2.20 only4\n";

static const char hosts_v2[] = "127.0.0.1 localhost\n"
                               "::1 localhost ip6-localhost\n"
                               "192.0.2.99 dual-v2 dual dual-alias\n"
                               "2001:db8::99 dual\n"
                               "192.0.2.20 only4\n";

/* 1,000 lines: 500 names, each on an IPv4 line and an IPv6 line (so the index keeps runs). */
static char *big_hosts(void)
{
    size_t cap = 1000 * 48, used = 0;
    char *t = malloc(cap);
    if (!t)
        abort();
    for (int i = 0; i < 500; i++) {
        used += (size_t)snprintf(t + used, cap - used, "10.%d.%d.1 host%04d h%d.example\n",
                                 i / 250, i % 250, i, i);
        used += (size_t)snprintf(t + used, cap - used, "fd00::%x:1 host%04d\n", i + 1, i);
    }
    return t;
}

struct scenario {
    const char *name;
    const char *node, *service;
    int family, socktype, flags;
    bool warm;          /* one unarmed lookup before arming (indexes already built) */
    bool as_set;        /* compare lists as sets: their order follows the machine's routes */
    int reload;         /* 0: none; 1: rename, 2: in-place: hosts_v1 -> hosts_v2 after warming */
    bool big;           /* the hosts file is big_hosts() */
    int expect_rc;      /* the unarmed answer's code ... */
    size_t expect_nodes; /* ... and its length (0 on error), checked once unarmed */
};

struct outcome {
    char expect[4096]; /* the unarmed answer, as rb_sig() text, or "EAI_..." */
    char previous[4096]; /* for reloads: the answer before the change */
    long stale_runs;     /* for reloads: retries that still gave the old answer */
    char stale_first[4200];
};

static void answer_text(int rc, const struct addrinfo *res, bool as_set, char *out, size_t len)
{
    if (rc != 0)
        snprintf(out, len, "%s", gaix_eai_name(rc));
    else
        rb_sig(res, as_set, out, len);
}

static void scenario_files(const struct scenario *sc)
{
    if (sc->big) {
        char *t = big_hosts();
        rb_files(t);
        free(t);
    } else {
        rb_files(hosts_v1);
    }
}

/*
 * One iteration: k == 0 runs unarmed and records the answer in *oc. Returns the allocations the
 * call made while armed, or -1 when the iteration could not run.
 */
static long scenario_run(const struct scenario *sc, enum fail_mode mode, long k,
                         struct outcome *oc)
{
    long base = live_now();
    int base_fds = rb_count_fds();
    alloc_window_begin();
    scenario_files(sc);
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    if (!ctx) {
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s: unarmed context creation failed", sc->name);
        alloc_window_end();
        return -1;
    }
    struct addrinfo hints = rb_hints(sc->family, sc->socktype, sc->flags);
    struct addrinfo *res;
    char got[4096];
    if (sc->warm || sc->reload) {
        int rc0 = rb_gai(ctx, sc->node, sc->service, &hints, &res);
        if (k == 0 && sc->reload)
            answer_text(rc0, res, sc->as_set, oc->previous, sizeof oc->previous);
        gaix_freeaddrinfo(res);
    }
    if (sc->reload == 1)
        rb_replace_path(rb_path("hosts"), hosts_v2, strlen(hosts_v2));
    else if (sc->reload == 2)
        rb_write("hosts", hosts_v2);

    if (k > 0)
        arm(mode, k);
    res = RB_SENTINEL;
    errno = 0;
    int rc = gaix_ctx_getaddrinfo(ctx, sc->node, sc->service, &hints, &res);
    int err = errno;
    long failed = 0;
    long seen = k > 0 ? disarm(&failed) : 0;

    if (k == 0) {
        answer_text(rc, rc == 0 ? res : NULL, sc->as_set, oc->expect, sizeof oc->expect);
        CHECK_EQ_INT(rc, sc->expect_rc);
        CHECK_EQ_INT(rc == 0 ? rb_list_len(res) : 0, sc->expect_nodes);
    }
    bool allowed = rc == sc->expect_rc || rc == EAI_MEMORY || (rc == EAI_SYSTEM && err == ENOMEM);
    if (!allowed)
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s k=%ld mode=%d: returned %s (errno %d)", sc->name,
                      k, (int)mode, gaix_eai_name(rc), err);
    if (rc != 0 && res != RB_SENTINEL)
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s k=%ld: *res changed on error %s", sc->name, k,
                      gaix_eai_name(rc));
    if (rc == 0 && res != RB_SENTINEL) {
        const char *bad = rb_malformed(res);
        if (bad)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s k=%ld: %s", sc->name, k, bad);
        answer_text(0, res, sc->as_set, got, sizeof got);
        bool same = strcmp(got, oc->expect) == 0 ||
                    (sc->reload && strcmp(got, oc->previous) == 0);
        if (!same)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s k=%ld mode=%d: answer\n  %s\nexpected\n  %s",
                          sc->name, k, (int)mode, got, oc->expect);
        gaix_freeaddrinfo(res);
    }
    if (k > 0 && failed == 0 && !(rc == sc->expect_rc))
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s k=%ld: no failure injected, yet %s", sc->name, k,
                      gaix_eai_name(rc));

    /* The context recovers: the same call, unarmed, gives the answer (for a reload: the new
     * file's, which must not be lost because one rebuild failed). */
    if (k > 0) {
        int rc2 = rb_gai(ctx, sc->node, sc->service, &hints, &res);
        answer_text(rc2, res, sc->as_set, got, sizeof got);
        gaix_freeaddrinfo(res);
        if (sc->reload) {
            /* Reported as BUG-RELOAD-LOST: summed up per mode by scenario_all(). */
            if (strcmp(got, oc->expect) != 0 && oc->stale_runs++ == 0)
                snprintf(oc->stale_first, sizeof oc->stale_first, "k=%ld answered %s", k, got);
        } else if (strcmp(got, oc->expect) != 0) {
            CHECK_FAIL_AT(__FILE__, __LINE__,
                          "%s k=%ld mode=%d: unarmed retry answered\n  %s\nexpected\n  %s",
                          sc->name, k, (int)mode, got, oc->expect);
        }
    }

    gaix_ctx_free(ctx);
    long unknown = alloc_window_end();
    long live = live_now();
    if (live != base)
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s k=%ld mode=%d: %ld blocks leaked", sc->name, k,
                      (int)mode, live - base);
    if (unknown != 0)
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s k=%ld mode=%d: %ld frees of unknown pointers "
                      "(double free?)", sc->name, k, (int)mode, unknown);
    int fds = rb_count_fds();
    if (fds != base_fds)
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s k=%ld: %d descriptors before, %d after", sc->name,
                      k, base_fds, fds);
    return seen;
}

/* Every k, in both modes, until a run needs fewer than k allocations. Bounded by count. */
static void scenario_all(const struct scenario *sc)
{
    rb_tmp_init();
    static struct outcome oc;
    memset(&oc, 0, sizeof oc);
    /* Warm up the C library's one-time allocations (stdio, atfork registration) unarmed. */
    scenario_run(sc, FAIL_OFF, 0, &oc);
    if (check_failures)
        return;
    if (track_overflow) {
        CHECK_FAIL_AT(__FILE__, __LINE__, "the pointer set overflowed");
        return;
    }
    const enum fail_mode modes[2] = {FAIL_ONE, FAIL_FROM};
    for (int m = 0; m < 2; m++) {
        long k;
        for (k = 1; k <= 20000; k++) {
            int before = check_failures;
            long seen = scenario_run(sc, modes[m], k, &oc);
            if (seen < 0 || check_failures > before + 3)
                return; /* enough output for one scenario */
            if (seen < k)
                break;
        }
        printf("%s, mode %s: %ld allocations, each one failed in turn\n", sc->name,
               m == 0 ? "ONE" : "FROM", k - 1);
        RB_REGRESSION(oc.stale_runs == 0, "BUG-RELOAD-LOST",
                     "%s, mode %s: in %ld of %ld runs the unarmed retry after a failed rebuild "
                     "still answered from the old file, expected %s; first: %s",
                     sc->name, m == 0 ? "ONE" : "FROM", oc.stale_runs, k, oc.expect,
                     oc.stale_first);
        oc.stale_runs = 0;
        CHECK(k > 1); /* the scenario allocates: otherwise nothing was tested */
    }
}

TEST(alloc_numeric_literal)
{
    const struct scenario sc = {"numeric literal", "192.0.2.1", "80", AF_UNSPEC, 0, 0,
                                false, false, 0, false, 0, 3};
    scenario_all(&sc);
}

TEST(alloc_hosts_hit_sorted)
{
    const struct scenario sc = {"hosts hit, dual-stack, sorted", "dual", "80", AF_UNSPEC,
                                SOCK_STREAM, 0, false, true, 0, false, 0, 4};
    scenario_all(&sc);
}

TEST(alloc_hosts_hit_warm)
{
    const struct scenario sc = {"hosts hit on a warm context", "dual", "80", AF_UNSPEC,
                                SOCK_STREAM, 0, true, true, 0, false, 0, 4};
    scenario_all(&sc);
}

TEST(alloc_hosts_miss)
{
    const struct scenario sc = {"hosts miss", "nosuch.test", "80", AF_UNSPEC, SOCK_STREAM, 0,
                                false, false, 0, false, EAI_NONAME, 0};
    scenario_all(&sc);
}

TEST(alloc_named_service)
{
    const struct scenario sc = {"named service", "only4", "www", AF_INET, 0, 0,
                                false, false, 0, false, 0, 2};
    scenario_all(&sc);
}

TEST(alloc_null_node)
{
    const struct scenario sc = {"NULL node, passive, named service", NULL, "http", AF_UNSPEC,
                                0, AI_PASSIVE, false, true, 0, false, 0, 4};
    scenario_all(&sc);
}

TEST(alloc_canonname)
{
    const struct scenario sc = {"AI_CANONNAME", "dual", "80", AF_UNSPEC, SOCK_STREAM,
                                AI_CANONNAME, false, true, 0, false, 0, 4};
    scenario_all(&sc);
}

TEST(alloc_v4mapped_all)
{
    const struct scenario sc = {"AI_V4MAPPED|AI_ALL", "dual", "80", AF_INET6, SOCK_STREAM,
                                AI_V4MAPPED | AI_ALL, false, true, 0, false, 0, 4};
    scenario_all(&sc);
}

TEST(alloc_addrconfig)
{
    /* The answer depends on the machine's families; the unarmed run defines it. */
    const struct scenario sc = {"AI_ADDRCONFIG", "only4", "80", AF_INET, SOCK_STREAM,
                                AI_ADDRCONFIG, false, true, 0, false, 0, 1};
    scenario_all(&sc);
}

TEST(alloc_big_hosts_index)
{
    const struct scenario sc = {"1,000-line hosts file indexed", "host0499", "80", AF_UNSPEC,
                                SOCK_STREAM, AI_CANONNAME, false, true, 0, true, 0, 2};
    scenario_all(&sc);
}

TEST(alloc_reload_renamed)
{
    const struct scenario sc = {"reload of a renamed file", "dual", "80", AF_UNSPEC,
                                SOCK_STREAM, AI_CANONNAME, false, true, 1, false, 0, 2};
    scenario_all(&sc);
}

TEST(alloc_reload_in_place)
{
    const struct scenario sc = {"reload of a file rewritten in place", "dual", "80",
                                AF_UNSPEC, SOCK_STREAM, AI_CANONNAME, false, true, 2, false,
                                0, 2};
    scenario_all(&sc);
}

/* gaix_ctx_new() itself: a context, or NULL with errno ENOMEM; never a leak. */
TEST(alloc_context_creation)
{
    rb_tmp_init();
    rb_files(hosts_v1);
    struct gaix_config cfg = rb_config(GAIX_RELOAD_EVERY_CALL);
    gaix_ctx_free(gaix_ctx_new(&cfg)); /* one-time registrations, unarmed */
    const enum fail_mode modes[2] = {FAIL_ONE, FAIL_FROM};
    for (int m = 0; m < 2; m++) {
        long k, seen = 0;
        for (k = 1; k <= 1000; k++) {
            long base = live_now();
            int base_fds = rb_count_fds();
            alloc_window_begin();
            arm(modes[m], k);
            errno = 0;
            gaix_ctx *ctx = gaix_ctx_new(&cfg);
            int err = errno;
            long failed;
            seen = disarm(&failed);
            if (!ctx && err != ENOMEM)
                CHECK_FAIL_AT(__FILE__, __LINE__, "k=%ld: NULL with errno %d", k, err);
            if (!ctx && failed == 0)
                CHECK_FAIL_AT(__FILE__, __LINE__, "k=%ld: NULL with no failure injected", k);
            if (ctx) {
                struct addrinfo hints = rb_hints(AF_INET, SOCK_STREAM, 0), *res;
                int rc = rb_gai(ctx, "only4", "80", &hints, &res);
                CHECK_EQ_INT(rc, 0);
                CHECK_EQ_INT(rb_list_len(res), 1);
                gaix_freeaddrinfo(res);
                gaix_ctx_free(ctx);
            }
            long unknown = alloc_window_end();
            if (live_now() != base)
                CHECK_FAIL_AT(__FILE__, __LINE__, "k=%ld mode=%d: %ld blocks leaked", k, m,
                              live_now() - base);
            CHECK_EQ_INT(unknown, 0);
            CHECK_EQ_INT(rb_count_fds(), base_fds);
            if (check_failures || seen < k)
                break;
        }
        printf("context creation, mode %s: %ld allocations, each one failed in turn\n",
               m == 0 ? "ONE" : "FROM", seen);
        CHECK(seen > 0);
    }
}

/* The interposer itself: a test that cannot fail is a defect, so prove that it sees a leak and
 * a double free, and that arming fails exactly the k-th allocation. */
TEST(alloc_interposer_works)
{
    long base = live_now();
    alloc_window_begin();
    void *a = malloc(16);
    char *s = strdup("x");
    CHECK_EQ_INT(live_now(), base + 2);
    char *volatile again = s; /* the same pointer, out of the compiler's sight */
    free(s);
    free(again); /* counted as unknown, not passed to glibc */
    CHECK_EQ_INT(alloc_window_end(), 1);
    free(a);
    CHECK_EQ_INT(live_now(), base);
    arm(FAIL_ONE, 2);
    void *p1 = malloc(8), *p2 = malloc(8), *p3 = calloc(1, 8);
    long failed;
    CHECK_EQ_INT(disarm(&failed), 3);
    CHECK_EQ_INT(failed, 1);
    CHECK(p1 != NULL && p2 == NULL && p3 != NULL);
    free(p1);
    free(p3);
    CHECK_EQ_INT(live_now(), base);
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(alloc_interposer_works), CHECK_ENTRY(alloc_numeric_literal),
        CHECK_ENTRY(alloc_hosts_hit_sorted), CHECK_ENTRY(alloc_hosts_hit_warm),
        CHECK_ENTRY(alloc_hosts_miss), CHECK_ENTRY(alloc_named_service),
        CHECK_ENTRY(alloc_null_node), CHECK_ENTRY(alloc_canonname),
        CHECK_ENTRY(alloc_v4mapped_all), CHECK_ENTRY(alloc_addrconfig),
        CHECK_ENTRY(alloc_big_hosts_index), CHECK_ENTRY(alloc_reload_renamed),
        CHECK_ENTRY(alloc_reload_in_place), CHECK_ENTRY(alloc_context_creation)));
}

#endif
