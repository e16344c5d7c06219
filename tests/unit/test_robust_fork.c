/*
 * K04: fork() while other threads are mid-lookup, and descriptors that do not survive exec.
 *
 * - 8 threads loop over lookups on one context while the main thread forks 50 times. Each child
 *   must resolve (a hosts name, a literal, AI_ADDRCONFIG, and a name whose line the parent
 *   changes after the child's first lookup, so that only the child's own change notification can
 *   show it), free the context and exit, within 10 s (a child that does not is deadlocked on a
 *   lock some parent thread held at fork time).
 * - fork() while threads wait for the very first build of a big hosts file: the child must build
 *   its own and answer (the parent's waiters do not exist in the child). Skipped under ASan,
 *   whose allocator is not fork-safe (see the test).
 * - fork() while threads sort on a context that never reloads (GAIX_RELOAD_NEVER), and a child
 *   that frees the context it inherited: two bugs this test found, pinned with RB_REGRESSION
 *   (tests/adversarial/robust.h).
 * - After the children are gone, the parent still gets its own notifications: a hosts change is
 *   seen, and (in a private network namespace, as root) an address added to an interface changes
 *   what AI_ADDRCONFIG answers.
 * - Every descriptor the library opens is close-on-exec: socket(), open() and inotify_init1()
 *   are replaced in this program by versions that record their flags; and after warm-up
 *   lookups a program exec'd by us lists the same descriptors as one exec'd before any lookup.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"
#include "../adversarial/robust.h"

/* ---- descriptor creation, recorded ----------------------------------------------------------- */

static atomic_long fd_calls;       /* descriptors created through the functions below */
static atomic_long fd_no_cloexec;  /* ... without close-on-exec */
static char fd_first_bad[128];

static void fd_record(const char *what, bool cloexec)
{
    atomic_fetch_add(&fd_calls, 1);
    if (!cloexec && atomic_fetch_add(&fd_no_cloexec, 1) == 0)
        snprintf(fd_first_bad, sizeof fd_first_bad, "%s", what);
}

int socket(int domain, int type, int protocol)
{
    long fd = syscall(SYS_socket, domain, type, protocol);
    if (fd >= 0)
        fd_record("socket()", (type & SOCK_CLOEXEC) != 0);
    return (int)fd;
}

int open(const char *path, int flags, ...)
{
    unsigned mode = 0;
    if (flags & (O_CREAT | __O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, unsigned);
        va_end(ap);
    }
    long fd = syscall(SYS_openat, AT_FDCWD, path, flags, mode);
    if (fd >= 0)
        fd_record("open()", (flags & O_CLOEXEC) != 0);
    return (int)fd;
}

int inotify_init1(int flags)
{
    long fd = syscall(SYS_inotify_init1, flags);
    if (fd >= 0)
        fd_record("inotify_init1()", (flags & IN_CLOEXEC) != 0);
    return (int)fd;
}

/* ---- the hosts file -------------------------------------------------------------------------- */

/* Rewrites a file in place without truncating it first: with contents of the same length the
 * file is never seen empty or short, only old or new. */
static void overwrite_path(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) != 0)
        abort();
}

/* The hosts file, with forkname's last octet: every octet used has three digits, so that all
 * versions have one length and an in-place rewrite never exposes a short file. */
static void hosts_with(unsigned forkname_octet, bool in_place)
{
    char text[512];
    int n = snprintf(text, sizeof text,
                     "127.0.0.1 localhost\n"
                     "::1 localhost\n"
                     "192.0.2.1 stable1\n"
                     "192.0.2.10 dual\n"
                     "2001:db8::10 dual\n"
                     "203.0.113.7 only4\n"
                     "198.51.100.%u forkname\n",
                     forkname_octet);
    if (in_place)
        overwrite_path(rb_path("hosts"), text, (size_t)n);
    else
        rb_replace_path(rb_path("hosts"), text, (size_t)n);
}

/* The answer to a lookup, as rb_sig() text (as a set) or the error's name. */
static void answer(gaix_ctx *ctx, const char *node, int family, int flags, char *out, size_t len)
{
    struct addrinfo hints = rb_hints(family, SOCK_STREAM, flags), *res = RB_SENTINEL;
    int rc = gaix_ctx_getaddrinfo(ctx, node, "80", &hints, &res);
    if (rc != 0) {
        snprintf(out, len, "%s%s", gaix_eai_name(rc), res == RB_SENTINEL ? "" : " (*res changed)");
        return;
    }
    const char *bad = rb_malformed(res);
    if (bad)
        snprintf(out, len, "malformed: %s", bad);
    else
        rb_sig(res, true, out, len);
    gaix_freeaddrinfo(res);
}

/* Polls until the lookup answers `want`, for at most ms milliseconds. */
static bool answer_becomes(gaix_ctx *ctx, const char *node, int family, int flags,
                           const char *want, unsigned ms, char *got, size_t len)
{
    uint64_t until = rb_now_ms() + ms;
    for (;;) {
        answer(ctx, node, family, flags, got, len);
        if (strcmp(got, want) == 0)
            return true;
        if (rb_now_ms() >= until)
            return false;
        rb_sleep_ms(5);
    }
}

/* ---- a private network ----------------------------------------------------------------------- */

static bool lo_set_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    bool ok = ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
    ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    close(s);
    return ok;
}

/* Adds an IPv4 address on an alias of lo ("lo:9"): the kernel sends RTM_NEWADDR. */
static bool lo_add_v4(const char *text)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo:9");
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    inet_pton(AF_INET, text, &sin.sin_addr);
    memcpy(&ifr.ifr_addr, &sin, sizeof sin);
    bool ok = ioctl(s, SIOCSIFADDR, &ifr) == 0;
    close(s);
    return ok;
}

/* A network namespace with only lo, up: 127.0.0.1 and ::1, neither counting for AI_ADDRCONFIG.
 * Must run before any thread starts. */
static bool private_network(void)
{
    return geteuid() == 0 && unshare(CLONE_NEWNET) == 0 && lo_set_up();
}

/* ---- threads mid-lookup ---------------------------------------------------------------------- */

struct looper {
    gaix_ctx *ctx;
    const char *addrconfig_answer; /* what "dual" with AI_ADDRCONFIG answers here */
    atomic_bool *stop;
    long lookups, errors;
    char first_error[512];
};

static void looper_error(struct looper *l, const char *what, const char *got)
{
    if (l->errors++ == 0)
        snprintf(l->first_error, sizeof l->first_error, "%s: %.400s", what, got);
}

static void *looper_main(void *arg)
{
    struct looper *l = arg;
    char got[4096];
    for (long i = 0; !atomic_load(l->stop) && i < 10000000; i++, l->lookups++) {
        switch (i % 4) {
        case 0:
            answer(l->ctx, "stable1", AF_INET, 0, got, sizeof got);
            if (strcmp(got, "[]4 192.0.2.1 80 1 6") != 0)
                looper_error(l, "stable1", got);
            break;
        case 1:
            answer(l->ctx, "192.0.2.77", AF_UNSPEC, AI_ADDRCONFIG, got, sizeof got);
            if (strcmp(got, "[]4 192.0.2.77 80 1 6") != 0)
                looper_error(l, "literal", got);
            break;
        case 2:
            answer(l->ctx, "dual", AF_UNSPEC, AI_ADDRCONFIG, got, sizeof got);
            if (strcmp(got, l->addrconfig_answer) != 0)
                looper_error(l, "dual with AI_ADDRCONFIG", got);
            break;
        default:
            answer(l->ctx, "forkname", AF_INET, 0, got, sizeof got);
            if (strncmp(got, "[]4 198.51.100.", 15) != 0 || strchr(got, '|'))
                looper_error(l, "forkname", got);
            break;
        }
    }
    return NULL;
}

/* ---- the child ------------------------------------------------------------------------------- */

/* Waits for one byte on fd, for at most ms milliseconds. */
static int byte_wait(int fd, unsigned ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, (int)ms) != 1)
        return -1;
    char c;
    return read(fd, &c, 1) == 1 ? c : -1;
}

static void child_fail(int code, const char *what, const char *got)
{
    dprintf(2, "child %d: %s: %s\n", (int)getpid(), what, got);
    _exit(code);
}

/* The child of fork #round: resolves, waits for the parent to change the file, sees it. */
static void child_main(gaix_ctx *ctx, const char *addrconfig_answer, unsigned round, int rd,
                       int wr)
{
    char got[4096], want[64];
    answer(ctx, "stable1", AF_INET, 0, got, sizeof got);
    if (strcmp(got, "[]4 192.0.2.1 80 1 6") != 0)
        child_fail(10, "stable1", got);
    answer(ctx, "192.0.2.77", AF_UNSPEC, 0, got, sizeof got);
    if (strcmp(got, "[]4 192.0.2.77 80 1 6") != 0)
        child_fail(11, "literal", got);
    answer(ctx, "dual", AF_UNSPEC, AI_ADDRCONFIG, got, sizeof got);
    if (strcmp(got, addrconfig_answer) != 0)
        child_fail(12, "dual with AI_ADDRCONFIG", got);
    if (write(wr, "R", 1) != 1 || byte_wait(rd, 10000) != 'C')
        child_fail(13, "parent", "did not change the file");
    snprintf(want, sizeof want, "[]4 198.51.100.%u 80 1 6", 110 + round);
    if (!answer_becomes(ctx, "forkname", AF_INET, 0, want, 2000, got, sizeof got))
        child_fail(14, "forkname 2 s after the parent changed it", got);
    gaix_ctx_free(ctx);
    _exit(0);
}

/* Waits for a child for at most ms milliseconds; kills it after. Its exit status, or -1. */
static int child_reap(pid_t pid, unsigned ms)
{
    uint64_t until = rb_now_ms() + ms;
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (rb_now_ms() >= until) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        rb_sleep_ms(2);
    }
}

TEST(k04_fork_while_threads_look_up)
{
    bool netns = private_network();
    /* Without a namespace the rest still runs, on the machine's interfaces. */
    (void)rb_skip_unless(netns, "the netlink part of k04_fork_while_threads_look_up",
                         "needs root for a private network namespace");
    rb_tmp_init();
    rb_files("");
    hosts_with(101, false);
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    REQUIRE(ctx);
    char addrconfig_answer[4096], got[4096];
    answer(ctx, "dual", AF_UNSPEC, AI_ADDRCONFIG, addrconfig_answer, sizeof addrconfig_answer);
    REQUIRE(addrconfig_answer[0] == '[');

    atomic_bool stop;
    atomic_init(&stop, false);
    struct looper loopers[8];
    pthread_t tids[8];
    for (int i = 0; i < 8; i++) {
        memset(&loopers[i], 0, sizeof loopers[i]);
        loopers[i].ctx = ctx;
        loopers[i].addrconfig_answer = addrconfig_answer;
        loopers[i].stop = &stop;
        REQUIRE(pthread_create(&tids[i], NULL, looper_main, &loopers[i]) == 0);
    }
    int deadlocks = 0, failures = 0;
    unsigned round;
    for (round = 0; round < 50 && deadlocks == 0 && failures == 0; round++) {
        int to_child[2], to_parent[2];
        REQUIRE(pipe2(to_child, O_CLOEXEC) == 0 && pipe2(to_parent, O_CLOEXEC) == 0);
        rb_sleep_ms(1); /* let the threads get deep into their lookups */
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0)
            child_main(ctx, addrconfig_answer, round, to_child[0], to_parent[1]);
        close(to_child[0]);
        close(to_parent[1]);
        if (byte_wait(to_parent[0], 10000) == 'R') {
            hosts_with(110 + round, round % 2 == 1); /* rename(), then in place, ... */
            if (write(to_child[1], "C", 1) != 1)
                failures++;
        }
        int status = child_reap(pid, 10000);
        close(to_child[1]);
        close(to_parent[0]);
        if (status == -1) {
            deadlocks++;
            CHECK_FAIL_AT(__FILE__, __LINE__, "fork %u: the child did not exit within 10 s",
                          round);
        } else if (status != 0) {
            failures++;
            CHECK_FAIL_AT(__FILE__, __LINE__, "fork %u: the child exited with %d", round, status);
        }
    }
    atomic_store(&stop, true);
    long lookups = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(tids[i], NULL);
        lookups += loopers[i].lookups;
        if (loopers[i].errors)
            CHECK_FAIL_AT(__FILE__, __LINE__, "parent thread %d: %ld wrong answers; first: %s", i,
                          loopers[i].errors, loopers[i].first_error);
    }
    printf("%u forks while 8 threads made %ld lookups\n", round, lookups);
    CHECK(lookups > 0);

    /* The children are gone: the parent's own change notifications still reach it, for a
     * rename() and for an in-place rewrite. */
    hosts_with(250, false);
    CHECK(answer_becomes(ctx, "forkname", AF_INET, 0, "[]4 198.51.100.250 80 1 6", 2000, got,
                         sizeof got));
    hosts_with(251, true);
    CHECK(answer_becomes(ctx, "forkname", AF_INET, 0, "[]4 198.51.100.251 80 1 6", 2000, got,
                         sizeof got));
    if (netns) {
        answer(ctx, "only4", AF_INET, AI_ADDRCONFIG, got, sizeof got);
        CHECK_EQ_STR(got, "EAI_NONAME"); /* no IPv4 address but 127.0.0.1 */
        REQUIRE(lo_add_v4("10.9.9.9"));
        CHECK(answer_becomes(ctx, "only4", AF_INET, AI_ADDRCONFIG, "[]4 203.0.113.7 80 1 6",
                             2000, got, sizeof got));
    }
    gaix_ctx_free(ctx);
}

/* ---- fork during the very first build ------------------------------------------------------- */

static atomic_int first_done; /* first lookups finished */

static void *first_lookup(void *arg)
{
    char got[4096];
    answer(arg, "pair", AF_INET, 0, got, sizeof got);
    atomic_fetch_add(&first_done, 1);
    return NULL;
}

#if defined(__SANITIZE_ADDRESS__)
#define ROBUST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ROBUST_ASAN 1
#endif
#endif

TEST(k04_fork_during_first_build)
{
#ifdef ROBUST_ASAN
    /* The ASan runtime of gcc 12 / clang 14 takes no allocator locks around fork(): a child
     * forked while another thread refills its allocator cache (as the index build does, many
     * times) hangs in its first malloc, whatever the library does. Seen here, with the hung
     * child's stack in __sanitizer::SizeClassAllocator64::GetFromAllocator. */
    fprintf(stderr, "SKIPPED k04_fork_during_first_build: the ASan allocator is not fork-safe "
                    "while other threads allocate; runs in the plain build\n");
    return;
#endif
    rb_tmp_init();
    rb_files("");
    /* About 150 ms to index in the plain build: threads wait for it on a condition variable. */
    size_t cap = (size_t)100000 * 40, used = 0;
    char *big = malloc(cap);
    REQUIRE(big);
    for (unsigned i = 0; i < 100000; i++)
        used += (size_t)snprintf(big + used, cap - used, "10.%u.%u.%u host%u\n", i >> 16,
                                 (i >> 8) & 255u, i & 255u, i);
    used += (size_t)snprintf(big + used, cap - used, "192.0.2.5 pair\n");
    rb_write_path(rb_path("hosts"), big, used);
    free(big);
    int during = 0; /* forks made while every first lookup still waited */
    for (int round = 0; round < 5; round++) {
        gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_DEFAULT);
        REQUIRE(ctx);
        pthread_t tids[8];
        atomic_store(&first_done, 0);
        for (int i = 0; i < 8; i++)
            REQUIRE(pthread_create(&tids[i], NULL, first_lookup, ctx) == 0);
        rb_sleep_ms(20 + 10 * (unsigned)round);
        during += atomic_load(&first_done) == 0;
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            char got[4096];
            answer(ctx, "pair", AF_INET, 0, got, sizeof got);
            if (strcmp(got, "[]4 192.0.2.5 80 1 6") != 0)
                child_fail(20, "pair after fork during the first build", got);
            answer(ctx, "host99999", AF_INET, 0, got, sizeof got);
            if (strcmp(got, "[]4 10.1.134.159 80 1 6") != 0)
                child_fail(21, "host99999", got);
            _exit(0);
        }
        int status = child_reap(pid, 20000);
        CHECK_EQ_INT(status, 0);
        for (int i = 0; i < 8; i++)
            pthread_join(tids[i], NULL);
        gaix_ctx_free(ctx);
        if (status != 0)
            break;
    }
    /* Otherwise the build was over before fork(), and this test tested nothing. */
    CHECK(during > 0);
}

/* ---- a context that never reloads ------------------------------------------------------------ */

struct sorter {
    gaix_ctx *ctx;
    atomic_bool *stop;
};

/* Sorted lookups of many names: each takes the network snapshot's cache mutex. */
static void *sorter_main(void *arg)
{
    struct sorter *so = arg;
    unsigned x = 1;
    char node[16], got[4096];
    for (long i = 0; !atomic_load(so->stop) && i < 10000000; i++) {
        x = x * 1103515245u + 12345u;
        snprintf(node, sizeof node, "n%u", (x >> 16) % 64);
        answer(so->ctx, node, AF_UNSPEC, 0, got, sizeof got);
    }
    return NULL;
}

/*
 * K04 with reload_interval_ms = GAIX_RELOAD_NEVER: no netlink socket is ever opened, so nothing
 * makes the child build a network snapshot of its own. It sorts with the parent's, whose cache
 * mutex another thread may have held at fork() (BUG-FORK-NEVER-DEADLOCK). Up to 200 forks while
 * 8 threads sort; each child must sort one list and exit within 3 s.
 */
TEST(k04_fork_context_that_never_reloads)
{
#ifdef ROBUST_ASAN
    /* As k04_fork_during_first_build: the eight sorting threads allocate (every answer is a
     * list), and a child forked while one of them refills its ASan allocator cache hangs in its
     * first malloc (the new snapshot it builds), whatever the library does. Seen in CI under
     * load as "hung" roughly one run in three; never in the plain build, where glibc's malloc
     * is fork-safe and this test keeps guarding BUG-FORK-NEVER-DEADLOCK. */
    fprintf(stderr, "SKIPPED k04_fork_context_that_never_reloads: the ASan allocator is not "
                    "fork-safe while other threads allocate; runs in the plain build\n");
    return;
#endif
    rb_tmp_init();
    char text[8192];
    size_t used = 0;
    for (int i = 0; i < 64; i++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "192.0.2.%d n%d\n2001:db8::%x n%d\n", i + 1, i, i + 1, i);
    rb_files(text);
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_NEVER);
    REQUIRE(ctx);
    char want[4096];
    answer(ctx, "n5", AF_UNSPEC, 0, want, sizeof want);
    REQUIRE(want[0] == '[');
    atomic_bool stop;
    atomic_init(&stop, false);
    struct sorter so = {ctx, &stop};
    pthread_t tids[8];
    for (int i = 0; i < 8; i++)
        REQUIRE(pthread_create(&tids[i], NULL, sorter_main, &so) == 0);
    int hung = 0, failed = 0, n;
    for (n = 0; n < 200 && !hung && !failed; n++) {
        rb_sleep_ms(1);
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            char got[4096];
            answer(ctx, "n5", AF_UNSPEC, 0, got, sizeof got);
            _exit(strcmp(got, want) == 0 ? 0 : 30);
        }
        int status = child_reap(pid, 3000);
        hung += status == -1;
        failed += status > 0;
    }
    atomic_store(&stop, true);
    for (int i = 0; i < 8; i++)
        pthread_join(tids[i], NULL);
    CHECK_EQ_INT(failed, 0);
    RB_REGRESSION(hung == 0, "BUG-FORK-NEVER-DEADLOCK",
                 "fork %d: the child of a GAIX_RELOAD_NEVER context hung sorting (the parent's "
                 "snapshot's cache mutex was held at fork)",
                 n - 1);
    gaix_ctx_free(ctx);
}

/* A child that frees the context it inherited, without using it, closes what the context held
 * (U1): its copies of the inotify descriptor, the netlink subscription and the routing socket
 * (BUG-CHILD-INOTIFY-LEAK). */
TEST(k04_child_frees_inherited_context)
{
    rb_tmp_init();
    rb_files("");
    hosts_with(101, false);
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_DEFAULT);
    REQUIRE(ctx);
    char got[4096];
    answer(ctx, "dual", AF_UNSPEC, AI_ADDRCONFIG, got, sizeof got); /* inotify, netlink x2 */
    REQUIRE(got[0] == '[');
    int with_ctx = rb_count_fds();
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        gaix_ctx_free(ctx);
        int left = rb_count_fds();
        /* 0: all three closed; 1: some left open; other: something else changed. */
        _exit(left == with_ctx - 3 ? 0 : left > with_ctx - 3 && left < with_ctx ? 1 : 2);
    }
    int status = child_reap(pid, 10000);
    CHECK(status == 0 || status == 1);
    RB_REGRESSION(status != 1, "BUG-CHILD-INOTIFY-LEAK",
                 "a child that frees an inherited context keeps its copy of the inotify "
                 "descriptor");
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(rb_count_fds(), with_ctx - 3);
}

/* ---- close-on-exec --------------------------------------------------------------------------- */

/* The descriptors a freshly exec'd shell has, as "0 1 2 ..." (via a pipe on its stdout). */
static void exec_fd_list(char *out, size_t len)
{
    int p[2];
    out[0] = '\0';
    if (pipe2(p, O_CLOEXEC) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1); /* dup2 clears close-on-exec on the copy */
        execl("/bin/sh", "sh", "-c", "cd /proc/$$/fd && echo *", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    size_t used = 0;
    ssize_t n;
    while (used + 1 < len && (n = read(p[0], out + used, len - 1 - used)) > 0)
        used += (size_t)n;
    out[used] = '\0';
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
}

TEST(k04_descriptors_are_cloexec)
{
    rb_tmp_init();
    rb_files("");
    hosts_with(101, false);
    char before[512], after[512], got[4096];
    exec_fd_list(before, sizeof before);
    REQUIRE(before[0] != '\0');
    long calls0 = atomic_load(&fd_calls);

    gaix_ctx *every = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    gaix_ctx *dflt = rb_ctx(GAIX_RELOAD_DEFAULT);
    REQUIRE(every && dflt);
    /* Warm-up: hosts, services and gai.conf read; inotify and netlink opened; probes made. */
    answer(every, "dual", AF_UNSPEC, AI_ADDRCONFIG, got, sizeof got);
    CHECK(got[0] == '[');
    answer(dflt, "dual", AF_UNSPEC, AI_ADDRCONFIG, got, sizeof got);
    CHECK(got[0] == '[');
    struct addrinfo hints = rb_hints(AF_UNSPEC, 0, 0), *res;
    CHECK_EQ_INT(rb_gai(every, "dual", "http", &hints, &res), 0);
    gaix_freeaddrinfo(res);
    hosts_with(102, true);
    answer(every, "forkname", AF_INET, 0, got, sizeof got);
    CHECK_EQ_STR(got, "[]4 198.51.100.102 80 1 6");

    exec_fd_list(after, sizeof after);
    CHECK_EQ_STR(after, before);
    /* The recorder saw the library's descriptors (so this test can fail), all close-on-exec. */
    long calls = atomic_load(&fd_calls) - calls0;
    printf("%ld descriptors created by the library during the warm-up\n", calls);
    CHECK(calls >= 5);
    if (atomic_load(&fd_no_cloexec) != 0)
        CHECK_FAIL_AT(__FILE__, __LINE__, "%ld descriptors without close-on-exec; first from %s",
                      atomic_load(&fd_no_cloexec), fd_first_bad);
    gaix_ctx_free(every);
    gaix_ctx_free(dflt);
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(k04_descriptors_are_cloexec),
                                 CHECK_ENTRY(k04_fork_while_threads_look_up),
                                 CHECK_ENTRY(k04_fork_during_first_build),
                                 CHECK_ENTRY(k04_fork_context_that_never_reloads),
                                 CHECK_ENTRY(k04_child_frees_inherited_context)));
}
