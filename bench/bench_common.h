/*
 * What the bench drivers share (bench_driver.c for the local questions, dns_driver.c for the DNS
 * ones): the clock, allocation counting, number parsing and the loop that drives a c-ares channel.
 * bench/run.sh compiles bench_common.c into every driver it builds; the allocation-counting
 * variants compile it with BENCH_COUNT_ALLOCS_INTERPOSE (glibc) or BENCH_COUNT_ALLOCS_WRAP (static
 * musl, linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc).
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define NS_PER_S 1000000000.0

/* A function callgrind can find by name: never inlined, and (gcc) never cloned into a renamed
 * copy such as bench_loop.constprop.0. clang makes no such clones and has no such attribute. */
#if defined(__clang__)
#define BENCH_NOINLINE __attribute__((noinline))
#else
#define BENCH_NOINLINE __attribute__((noinline, noclone))
#endif

/* CLOCK_MONOTONIC in nanoseconds (through the vDSO: no system call). */
uint64_t bench_now_ns(void);

/*
 * Allocation counting. Allocations are counted only while bench_alloc_counting is set (inside a
 * count-mode loop); bench_allocs_counted says whether this binary counts at all. The drivers are
 * single-threaded, and so are the peers on the measured paths, so plain counters suffice.
 * bench_alloc_bytes adds up the sizes asked for (a realloc counts its new size).
 */
extern int bench_alloc_counting;
extern unsigned long long bench_alloc_count;
extern unsigned long long bench_alloc_bytes;
extern const int bench_allocs_counted;

/* Timed runs at most: the rates are kept in fixed arrays and sorted. */
#define BENCH_RUNS_MAX 25

/* The timing options every driver takes: --count, --runs, --max-seconds, --warmup-seconds and
 * --warmup-calls. */
struct bench_timing {
    uint64_t count;     /* calls per timed run, or in the count-mode loop */
    int runs;           /* timed runs, 1 .. BENCH_RUNS_MAX */
    double max_seconds; /* the time bound of one run; 0 until given (the default is the mode's) */
    double warmup_seconds; /* time mode: calls before the timed runs */
    uint64_t warmup_calls; /* count mode: calls before the loop */
};

/* One command-line option: 1 if NAME is a timing option and VALUE is good (now in *t); 0 if NAME
 * is no timing option; -1 if VALUE is bad (*why then says so: "bad --runs", for the usage
 * message). */
int bench_timing_option(const char *name, const char *value, struct bench_timing *t,
                        const char **why);

/* qsort() comparison of doubles, ascending. */
int bench_compare_double(const void *a, const void *b);
/* The median of n values (n >= 1), which it sorts in place. */
double bench_median(double *v, size_t n);

/* A decimal > 0; -1 for anything else. */
int bench_parse_u64(const char *s, uint64_t *out);
/* Seconds in (0, 3600]; -1 for anything else. */
int bench_parse_seconds(const char *s, double *out);

#ifdef BENCH_HAVE_CARES
#include <ares.h>
/* One round of the c-ares loop: ares_fds() for what to wait on, poll() with ares_timeout() as the
 * limit (at most max_wait_ms), ares_process() for what poll() saw. ARES_SUCCESS, ARES_ENOTFOUND
 * when the channel has no socket to wait on, ARES_ECONNREFUSED when poll() fails. */
int bench_cares_round(ares_channel channel, int max_wait_ms);
/* Rounds until *done is set: ARES_SUCCESS then; ARES_ETIMEOUT after max_rounds rounds; or the
 * error of a round. */
int bench_cares_drive(ares_channel channel, const int *done, int max_rounds, int max_wait_ms);
#endif

#endif
