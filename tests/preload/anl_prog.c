/*
 * freeaddrinfo() on lists the C library made, for test_robust.sh. getaddrinfo_a() (libanl, which
 * the shim does not replace) resolves in the C library's own worker thread, through its internal
 * getaddrinfo, so under the shim its lists are glibc's; this program frees them with
 * freeaddrinfo(), the shim's, which must hand them to the C library's (preload/preload.c), and
 * frees lists from getaddrinfo() (gaix's under the shim) in between.
 *
 *   anl_prog
 *
 * Prints one line per request and "gaix: loaded|not loaded". The proof that the lists are the C
 * library's: getaddrinfo_a("foo.localhost") fails (glibc knows no .localhost names) even where
 * getaddrinfo("foo.localhost") succeeds (under the shim). Exit 0 when every expectation holds;
 * run under valgrind --leak-check=full, no list may leak and no read may stray. Before exiting it
 * waits (at most 5 s) for glibc's idle worker threads to exit, which releases what they hold.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const names[] = {"v4only", "multi", "foo.localhost", "dual", "localhost"};
#define NAMES (sizeof names / sizeof names[0])
#define ROUNDS 3
#define HELPERS_WAIT_MS 5000 /* glibc's idle getaddrinfo_a workers exit after 1 s */
#define HELPERS_POLL_MS 50

static int thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* Waits (bounded) until glibc's getaddrinfo_a worker threads have exited, so that what they
 * hold (their resolver context, their thread-local storage) is released and a leak checker
 * reports only real leaks. */
static int helpers_wait(void)
{
    const struct timespec poll = {.tv_nsec = HELPERS_POLL_MS * 1000000L};
    for (int waited = 0; waited < HELPERS_WAIT_MS; waited += HELPERS_POLL_MS) {
        if (thread_count() == 1)
            return 1;
        nanosleep(&poll, NULL);
    }
    return thread_count() == 1;
}

static size_t list_length(const struct addrinfo *ai)
{
    size_t n = 0;
    for (; ai; ai = ai->ai_next)
        n++;
    return n;
}

int main(void)
{
    int gaix = dlsym(RTLD_DEFAULT, "gaix_version") != NULL;
    printf("gaix: %s\n", gaix ? "loaded" : "not loaded");
    int failures = 0;
    for (int round = 0; round < ROUNDS; round++) {
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_CANONNAME};
        struct gaicb cbs[NAMES];
        struct gaicb *list[NAMES];
        for (size_t i = 0; i < NAMES; i++) {
            memset(&cbs[i], 0, sizeof cbs[i]);
            cbs[i].ar_name = names[i];
            cbs[i].ar_service = "http";
            cbs[i].ar_request = &hints;
            list[i] = &cbs[i];
        }
        int rc = getaddrinfo_a(GAI_WAIT, list, (int)NAMES, NULL);
        if (rc != 0 && rc != EAI_ALLDONE && rc != EAI_SYSTEM) {
            printf("getaddrinfo_a: %d %s\n", rc, gai_strerror(rc));
            failures++;
        }
        for (size_t i = 0; i < NAMES; i++) {
            int err = gai_error(&cbs[i]);
            /* A gaix list in between, from the shim's getaddrinfo (or the C library's). */
            struct addrinfo *mine = NULL;
            int mrc = getaddrinfo(names[i], "http", &hints, &mine);
            if (round == 0)
                printf("%s: getaddrinfo_a %s (%zu entries), getaddrinfo %s (%zu entries)\n",
                       names[i], err ? gai_strerror(err) : "ok", list_length(cbs[i].ar_result),
                       mrc ? gai_strerror(mrc) : "ok", list_length(mine));
            int foo = strcmp(names[i], "foo.localhost") == 0;
            if (foo ? err == 0 : err != 0) {
                printf("%s: getaddrinfo_a: unexpected %s\n", names[i], gai_strerror(err));
                failures++;
            }
            if ((foo && !gaix) ? mrc == 0 : mrc != 0) {
                printf("%s: getaddrinfo: unexpected %s\n", names[i], gai_strerror(mrc));
                failures++;
            }
            /* Free in alternating orders; a sub-list of the C library's list too. */
            struct addrinfo *theirs = cbs[i].ar_result;
            if (theirs && theirs->ai_next && round == 1) {
                struct addrinfo *tail = theirs->ai_next;
                theirs->ai_next = NULL;
                freeaddrinfo(tail);
            }
            if (round % 2) {
                freeaddrinfo(theirs);
                freeaddrinfo(mine);
            } else {
                freeaddrinfo(mine);
                freeaddrinfo(theirs);
            }
        }
    }
    freeaddrinfo(NULL); /* a no-op, as in glibc */
    printf("workers exited: %s\n", helpers_wait() ? "yes" : "no");
    printf("failures=%d\n", failures);
    return failures == 0 ? 0 : 1;
}
