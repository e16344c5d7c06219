/*
 * A small test harness. Each TEST runs in its own child process with a time limit (libuv's
 * habit), so a crash or a hang in one test is reported as that test's failure and the others
 * still run. Set CHECK_NOFORK=1 to run tests in-process under a debugger; CHECK_ONLY=name runs one.
 *
 *   TEST(parses_dotted_quad) { CHECK_EQ_INT(f(), 1); }
 *   int main(void) { return check_run(CHECK_TESTS(parses_dotted_quad)); }
 *
 * Each file prints one line per failed check and ends with "N passed, N failed".
 */
#ifndef GAIX_CHECK_H
#define GAIX_CHECK_H

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

typedef void (*check_fn)(void);
struct check_test {
    const char *name;
    check_fn fn;
};

static int check_failures; /* in the child: failed checks of the running test */

#define TEST(name) static void name(void)
#define CHECK_ENTRY(name) {#name, name}

#define CHECK_FAIL_AT(file, line, ...)                                                            \
    do {                                                                                          \
        fprintf(stderr, "%s:%d: ", file, line);                                                   \
        fprintf(stderr, __VA_ARGS__);                                                             \
        fputc('\n', stderr);                                                                      \
        check_failures++;                                                                         \
    } while (0)

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond))                                                                              \
            CHECK_FAIL_AT(__FILE__, __LINE__, "check failed: %s", #cond);                         \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                        \
    do {                                                                                          \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                           \
        if (check_a_ != check_b_)                                                                 \
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, check_a_,         \
                          check_b_);                                                              \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                        \
    do {                                                                                          \
        const char *check_a_ = (a), *check_b_ = (b);                                              \
        if (check_a_ == NULL || check_b_ == NULL ? check_a_ != check_b_                           \
                                                 : strcmp(check_a_, check_b_) != 0)               \
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,               \
                          check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");        \
    } while (0)

#define CHECK_EQ_MEM(a, b, n)                                                                     \
    do {                                                                                          \
        if (memcmp((a), (b), (n)) != 0)                                                           \
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s and %s differ in their first %zu bytes", #a,    \
                          #b, (size_t)(n));                                                       \
    } while (0)

/* Stops the running test at once (e.g. before dereferencing a NULL result). */
#define REQUIRE(cond)                                                                             \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            CHECK_FAIL_AT(__FILE__, __LINE__, "required: %s", #cond);                             \
            return;                                                                               \
        }                                                                                         \
    } while (0)

/*
 * Guard-page copies (picohttpparser's habit): the bytes are placed so that the byte after the last
 * one is the first byte of an inaccessible page. A parser that reads past `len` faults at once.
 * Free with check_guarded_free().
 */
static inline void *check_guarded_copy(const void *data, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (len + page - 1) / page * page;
    if (span == 0)
        span = page;
    unsigned char *base =
        mmap(NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        perror("mmap");
        abort();
    }
    if (mprotect(base + span, page, PROT_NONE) != 0) {
        perror("mprotect");
        abort();
    }
    unsigned char *p = base + span - len;
    if (len)
        memcpy(p, data, len);
    return p;
}

static inline void check_guarded_free(const void *p, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (len + page - 1) / page * page;
    if (span == 0)
        span = page;
    unsigned char *base = (unsigned char *)(uintptr_t)p + len - span;
    munmap(base, span + page);
}

static int check_run_one(const struct check_test *t, unsigned timeout_s)
{
    if (getenv("CHECK_NOFORK")) {
        check_failures = 0;
        t->fn();
        return check_failures == 0;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 0;
    }
    if (pid == 0) {
        alarm(timeout_s);
        check_failures = 0;
        t->fn();
        /* exit(), not _exit(): under LeakSanitizer the leak check runs at exit and fails the
         * test when the test (or the code it drives) leaked. */
        exit(check_failures == 0 ? 0 : 1);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        ;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 1;
    if (WIFSIGNALED(st))
        fprintf(stderr, "%s: killed by signal %d%s\n", t->name, WTERMSIG(st),
                WTERMSIG(st) == SIGALRM ? " (time limit)" : "");
    return 0;
}

static inline int check_run_tests(const struct check_test *tests, size_t n)
{
    const char *only = getenv("CHECK_ONLY");
    const char *limit = getenv("CHECK_TIMEOUT");
    unsigned timeout_s = limit ? (unsigned)strtoul(limit, NULL, 10) : 60;
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (only && strcmp(only, tests[i].name) != 0)
            continue;
        if (check_run_one(&tests[i], timeout_s)) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL %s\n", tests[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

#define CHECK_TESTS(...)                                                                          \
    (const struct check_test[]){__VA_ARGS__},                                                     \
        sizeof((const struct check_test[]){__VA_ARGS__}) / sizeof(struct check_test)
#define check_run(...) check_run_tests(__VA_ARGS__)

#endif
