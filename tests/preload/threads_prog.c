/*
 * A multithreaded C library client for test_robust.sh: 16 threads resolve the same set of names
 * over and over and free every list, whole or as sub-lists (POSIX lets a program cut a list and
 * free each piece), and read addresses back with getnameinfo(). It knows nothing of gaix: under
 * the shim every call goes to gaix, without it to the C library, and both must behave.
 *
 *   threads_prog [ITERATIONS] [SECONDS]      defaults 2000 per thread, 60 s in all
 *
 * Every answer for a name (the addresses and the canonical name, as text) must equal the first
 * answer any thread got for it: a lookup that races another must not see a torn or stale list.
 * Prints "threads=16 lookups=N subfrees=N mismatches=N" and exits 0 when mismatches is 0 and no
 * thread was stopped by the time limit before doing any work.
 */
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define THREADS 16
#define ANSWER_MAX 4096 /* text of one answer: a few dozen addresses of at most 64 bytes */

static const char *const names[] = {
    "localhost",        "v4only",    "v6only",    "dual", "multi",
    "sortme",           "canonmix",  "192.0.2.7", "::1",  "web.test",
    "nonexistent.test", "127.0.0.1", "thor",
};
#define NAMES (sizeof names / sizeof names[0])

static struct {
    pthread_mutex_t lock;
    char text[NAMES][ANSWER_MAX];
    int set[NAMES];
} first = {.lock = PTHREAD_MUTEX_INITIALIZER};

static long iterations = 2000;
static double limit_s = 60;
static struct timespec start;
static atomic_long lookups, subfrees, mismatches;

static double elapsed_s(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
}

/* The answer as text: error code, or every address (numeric, via getnameinfo) and the
 * canonical name. Returns the number of nodes. */
static size_t answer_text(int rc, const struct addrinfo *res, char *out, size_t outlen)
{
    size_t used = 0, n = 0;
    if (rc != 0) {
        snprintf(out, outlen, "error %d %s", rc, gai_strerror(rc));
        return 0;
    }
    out[0] = '\0';
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next, n++) {
        char host[NI_MAXHOST], serv[NI_MAXSERV];
        int nrc = getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, serv, sizeof serv,
                              NI_NUMERICHOST | NI_NUMERICSERV);
        int w = snprintf(out + used, outlen - used, "%s/%d/%d/%s/%s;", nrc ? "?" : host,
                         ai->ai_socktype, ai->ai_protocol, nrc ? "?" : serv,
                         ai->ai_canonname ? ai->ai_canonname : "");
        if (w < 0 || (size_t)w >= outlen - used)
            break;
        used += (size_t)w;
    }
    return n;
}

static void list_free(struct addrinfo *res, size_t n, unsigned seed)
{
    if (n < 2 || seed % 3 == 0) {
        freeaddrinfo(res);
        return;
    }
    /* Cut after node k and free the pieces in an order that depends on the seed. */
    size_t k = 1 + seed % (n - 1);
    struct addrinfo *prev = res;
    for (size_t i = 1; i < k; i++)
        prev = prev->ai_next;
    struct addrinfo *tail = prev->ai_next;
    prev->ai_next = NULL;
    if (seed % 2) {
        freeaddrinfo(tail);
        freeaddrinfo(res);
    } else {
        freeaddrinfo(res);
        freeaddrinfo(tail);
    }
    atomic_fetch_add(&subfrees, 1);
}

static void *worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u;
    char text[ANSWER_MAX];
    for (long it = 0; it < iterations && elapsed_s() < limit_s; it++) {
        size_t which = (size_t)(seed + (unsigned)it) % NAMES;
        struct addrinfo hints = {.ai_flags = AI_CANONNAME};
        struct addrinfo *res = NULL;
        int rc = getaddrinfo(names[which], "80", &hints, &res);
        size_t n = answer_text(rc, res, text, sizeof text);
        pthread_mutex_lock(&first.lock);
        if (!first.set[which]) {
            memcpy(first.text[which], text, sizeof text);
            first.set[which] = 1;
        } else if (strcmp(first.text[which], text) != 0) {
            if (atomic_fetch_add(&mismatches, 1) < 5)
                fprintf(stderr, "mismatch for %s:\n  first: %s\n  now:   %s\n", names[which],
                        first.text[which], text);
        }
        pthread_mutex_unlock(&first.lock);
        if (rc == 0)
            list_free(res, n, seed + (unsigned)it);
        atomic_fetch_add(&lookups, 1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        iterations = strtol(argv[1], NULL, 10);
    if (argc > 2)
        limit_s = strtod(argv[2], NULL);
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t t[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++) {
        if (pthread_create(&t[i], NULL, worker, (void *)(i + 1)) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("threads=%d lookups=%ld subfrees=%ld mismatches=%ld\n", THREADS, atomic_load(&lookups),
           atomic_load(&subfrees), atomic_load(&mismatches));
    for (size_t i = 0; i < NAMES; i++)
        printf("  %s: %s\n", names[i], first.set[i] ? first.text[i] : "(never asked)");
    return atomic_load(&mismatches) == 0 && atomic_load(&lookups) >= THREADS ? 0 : 1;
}
