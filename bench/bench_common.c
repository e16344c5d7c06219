/*
 * The pieces the bench drivers share; see bench_common.h. Allocation counting is compiled in only
 * with BENCH_COUNT_ALLOCS_INTERPOSE or BENCH_COUNT_ALLOCS_WRAP.
 */
#include "bench_common.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef BENCH_HAVE_CARES
#include <poll.h>
#include <sys/select.h>
#endif

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- allocation counting --------------------------------------------------------------------- */

int bench_alloc_counting;
unsigned long long bench_alloc_count;
unsigned long long bench_alloc_bytes;

#if defined(BENCH_COUNT_ALLOCS_INTERPOSE) || defined(BENCH_COUNT_ALLOCS_WRAP)
const int bench_allocs_counted = 1;

/* alloc_depth keeps an allocator that calls another (musl's calloc() calls malloc(), and --wrap
 * sees that call) from counting one allocation twice. */
static int alloc_depth;

static inline void alloc_note(size_t bytes)
{
    if (bench_alloc_counting && alloc_depth == 0) {
        bench_alloc_count++;
        bench_alloc_bytes += bytes;
    }
}

/* nmemb * size, saturated (an overflowing calloc fails anyway; the count must not wrap). */
static size_t alloc_product(size_t nmemb, size_t size)
{
    return size != 0 && nmemb > SIZE_MAX / size ? SIZE_MAX : nmemb * size;
}
#else
const int bench_allocs_counted = 0;
#endif

#if defined(BENCH_COUNT_ALLOCS_INTERPOSE)
/*
 * BENCH_COUNT_ALLOCS_INTERPOSE (glibc) defines malloc() and friends here, forwarding to glibc's
 * __libc_malloc() and friends: glibc routes its own internal allocations through these symbols, so
 * every allocation of every peer is seen.
 */
#include <malloc.h>
/* glibc's own entry points (exported for exactly this use: a malloc that wraps glibc's). */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);

void *malloc(size_t size)
{
    alloc_note(size);
    return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
    alloc_note(alloc_product(nmemb, size));
    return __libc_calloc(nmemb, size);
}

/* A realloc counts as an allocation: it may move the block, and it is what a malloc counter in a
 * profiler would count too. */
void *realloc(void *ptr, size_t size)
{
    alloc_note(size);
    return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
    __libc_free(ptr);
}

void *memalign(size_t alignment, size_t size)
{
    alloc_note(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
    alloc_note(size);
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    alloc_note(size);
    void *p = __libc_memalign(alignment, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
#elif defined(BENCH_COUNT_ALLOCS_WRAP)
/* Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc: every reference to malloc in every
 * object of the static link, the C library's included, lands here. */
void *__real_malloc(size_t size);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *ptr, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *ptr, size_t size);

void *__wrap_malloc(size_t size)
{
    alloc_note(size);
    alloc_depth++;
    void *p = __real_malloc(size);
    alloc_depth--;
    return p;
}

void *__wrap_calloc(size_t nmemb, size_t size)
{
    alloc_note(alloc_product(nmemb, size));
    alloc_depth++;
    void *p = __real_calloc(nmemb, size);
    alloc_depth--;
    return p;
}

void *__wrap_realloc(void *ptr, size_t size)
{
    alloc_note(size);
    alloc_depth++;
    void *p = __real_realloc(ptr, size);
    alloc_depth--;
    return p;
}
#endif

/* ---- numbers --------------------------------------------------------------------------------- */

int bench_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int bench_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v == 0 || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

int bench_parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0 && v <= 3600))
        return -1;
    *out = v;
    return 0;
}

int bench_timing_option(const char *name, const char *value, struct bench_timing *t,
                        const char **why)
{
    uint64_t runs;
    bool good;
    if (strcmp(name, "--count") == 0) {
        good = bench_parse_u64(value, &t->count) == 0;
        *why = "bad --count";
    } else if (strcmp(name, "--runs") == 0) {
        good = bench_parse_u64(value, &runs) == 0 && runs <= BENCH_RUNS_MAX;
        if (good)
            t->runs = (int)runs;
        *why = "bad --runs";
    } else if (strcmp(name, "--max-seconds") == 0) {
        good = bench_parse_seconds(value, &t->max_seconds) == 0;
        *why = "bad --max-seconds";
    } else if (strcmp(name, "--warmup-seconds") == 0) {
        good = bench_parse_seconds(value, &t->warmup_seconds) == 0;
        *why = "bad --warmup-seconds";
    } else if (strcmp(name, "--warmup-calls") == 0) {
        good = bench_parse_u64(value, &t->warmup_calls) == 0;
        *why = "bad --warmup-calls";
    } else {
        return 0;
    }
    return good ? 1 : -1;
}

/* ---- c-ares ---------------------------------------------------------------------------------- */

#ifdef BENCH_HAVE_CARES
int bench_cares_round(ares_channel channel, int max_wait_ms)
{
    fd_set readers, writers;
    FD_ZERO(&readers);
    FD_ZERO(&writers);
    int nfds = ares_fds(channel, &readers, &writers);
    if (nfds <= 0 || nfds > FD_SETSIZE)
        return ARES_ENOTFOUND; /* nothing to wait for */
    struct pollfd pfd[FD_SETSIZE];
    nfds_t n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short events =
            (short)((FD_ISSET(fd, &readers) ? POLLIN : 0) | (FD_ISSET(fd, &writers) ? POLLOUT : 0));
        if (events)
            pfd[n++] = (struct pollfd){.fd = fd, .events = events};
    }
    struct timeval tv_max = {max_wait_ms / 1000, (max_wait_ms % 1000) * 1000};
    struct timeval tv;
    struct timeval *tvp = ares_timeout(channel, &tv_max, &tv);
    int wait_ms = (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000);
    if (poll(pfd, n, wait_ms) < 0 && errno != EINTR)
        return ARES_ECONNREFUSED;
    FD_ZERO(&readers);
    FD_ZERO(&writers);
    for (nfds_t i = 0; i < n; i++) {
        if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
            FD_SET(pfd[i].fd, &readers);
        if (pfd[i].revents & POLLOUT)
            FD_SET(pfd[i].fd, &writers);
    }
    ares_process(channel, &readers, &writers);
    return ARES_SUCCESS;
}

int bench_cares_drive(ares_channel channel, const int *done, int max_rounds, int max_wait_ms)
{
    for (int round = 0; !*done && round < max_rounds; round++) {
        int rc = bench_cares_round(channel, max_wait_ms);
        if (rc != ARES_SUCCESS)
            return rc;
    }
    return *done ? ARES_SUCCESS : ARES_ETIMEOUT;
}
#endif
