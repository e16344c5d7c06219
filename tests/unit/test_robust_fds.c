/*
 * R01 and R03: descriptors (TEST-VECTORS 5.8).
 *
 * R03: with 1,100 files open first, every descriptor the library opens is numbered above 1,024
 * (where select() would fail or corrupt memory): lookups that read the files, watch them with
 * inotify, dump and watch netlink and probe source addresses (a sorted name with AI_ADDRCONFIG)
 * still work, a change of the hosts file is still seen, and no descriptor is left behind.
 * R01: with the descriptor table full (RLIMIT_NOFILE lowered and every slot taken by pipes), a
 * lookup with AI_ADDRCONFIG of a name that needs sorting returns a result, or EAI_SYSTEM (errno
 * EMFILE) / EAI_AGAIN / EAI_MEMORY, without crashing; the set of open descriptors is the same
 * afterwards, and no byte was written into any of the pipes (glibc CVE-2013-7423 wrote to a
 * descriptor it had not opened). Once descriptors are free again the same context gives the
 * normal answer: a shortage must not be remembered.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "check.h"
#include "../adversarial/robust.h"

static const char hosts_text[] = "127.0.0.1 localhost\n"
                                 "::1 localhost\n"
                                 "192.0.2.10 dual\n"
                                 "2001:db8::10 dual\n"
                                 "198.51.100.10 dual\n"
                                 "192.0.2.20 dual2\n"
                                 "2001:db8::20 dual2\n"
                                 "203.0.113.20 dual2\n"
                                 "2001:db8:1::20 dual2\n";

/* The answer to a lookup as text: rb_sig() in list order, or the error (and errno). */
static void answer(gaix_ctx *ctx, const char *node, int flags, char *out, size_t len)
{
    struct addrinfo hints = rb_hints(AF_UNSPEC, SOCK_STREAM, flags), *res = RB_SENTINEL;
    errno = 0;
    int rc = gaix_ctx_getaddrinfo(ctx, node, "80", &hints, &res);
    int err = errno;
    if (rc != 0) {
        snprintf(out, len, "%s errno %d%s", gaix_eai_name(rc), rc == EAI_SYSTEM ? err : 0,
                 res == RB_SENTINEL ? "" : " (*res changed)");
        return;
    }
    const char *bad = rb_malformed(res);
    if (bad)
        snprintf(out, len, "malformed: %s", bad);
    else
        rb_sig(res, false, out, len);
    gaix_freeaddrinfo(res);
}

/* What a fresh context, with descriptors to spare, answers. */
static void reference(const char *node, int flags, char *out, size_t len)
{
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    if (!ctx)
        abort();
    answer(ctx, node, flags, out, len);
    gaix_ctx_free(ctx);
}

static void nofile_at_least(rlim_t n)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        abort();
    if (rl.rlim_cur < n) {
        rl.rlim_cur = n <= rl.rlim_max ? n : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* ---- R03 ------------------------------------------------------------------------------------- */

TEST(r03_descriptors_above_1024)
{
    rb_tmp_init();
    rb_files(hosts_text);
    char want[4096], got[4096];
    reference("dual", AI_ADDRCONFIG, want, sizeof want);
    REQUIRE(want[0] == '[');

    nofile_at_least(4096);
    static int held[1100];
    for (int i = 0; i < 1100; i++) {
        held[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        REQUIRE(held[i] >= 0);
    }
    REQUIRE(held[1099] > 1024);
    int fds = rb_count_fds();
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    gaix_ctx *dflt = rb_ctx(GAIX_RELOAD_DEFAULT);
    REQUIRE(ctx && dflt);
    answer(ctx, "dual", AI_ADDRCONFIG, got, sizeof got);
    CHECK_EQ_STR(got, want);
    answer(dflt, "dual", AI_ADDRCONFIG, got, sizeof got);
    CHECK_EQ_STR(got, want);
    /* Each context now holds an inotify, a netlink subscription and a routing socket (the sort's
     * probes), all above 1,024. */
    CHECK_EQ_INT(rb_count_fds(), fds + 6);
    int highest = -1;
    for (int fd = 1100; fd < 1200; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            highest = fd;
    CHECK(highest > held[1099]);

    /* The inotify descriptor above 1,024 still reports a change. */
    rb_replace_path(rb_path("hosts"), "192.0.2.99 dual\n", 16);
    answer(ctx, "dual", AI_ADDRCONFIG, got, sizeof got);
    CHECK_EQ_STR(got, "[]4 192.0.2.99 80 1 6");
    gaix_ctx_free(ctx);
    gaix_ctx_free(dflt);
    CHECK_EQ_INT(rb_count_fds(), fds);
    for (int i = 0; i < 1100; i++)
        close(held[i]);
}

/* ---- R01 ------------------------------------------------------------------------------------- */

/* The table is cut to this many slots above the highest descriptor open (the process may
 * inherit high ones), and to at most FILL_MAX in all. */
#define FILL_SPARE 64
#define FILL_MAX 2048

/* Every free descriptor below the limit, taken by pipes (read end, write end). */
struct fill {
    int fd[FILL_MAX];
    int n;
    int limit;
    rlim_t saved_cur;
};

static bool fill_table(struct fill *f)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return false;
    f->saved_cur = rl.rlim_cur;
    f->n = 0;
    int highest = -1;
    for (int fd = 0; fd < FILL_MAX; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            highest = fd;
    f->limit = highest + FILL_SPARE;
    if (f->limit > FILL_MAX)
        return false;
    rl.rlim_cur = (rlim_t)f->limit;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        return false;
    int p[2];
    while (f->n + 2 <= FILL_MAX && pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0) {
        f->fd[f->n++] = p[0];
        f->fd[f->n++] = p[1];
    }
    /* A slot left over (an odd count): a duplicate of a pipe's write end fills it, and a write
     * to it would show in that pipe too. */
    int d;
    while (f->n > 0 && f->n < FILL_MAX && (d = fcntl(f->fd[1], F_DUPFD_CLOEXEC, 0)) >= 0)
        f->fd[f->n++] = d;
    return open("/dev/null", O_RDONLY | O_CLOEXEC) < 0 && errno == EMFILE;
}

static void unfill_table(struct fill *f)
{
    for (int i = 0; i < f->n; i++)
        close(f->fd[i]);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = f->saved_cur;
    setrlimit(RLIMIT_NOFILE, &rl);
}

/* Which descriptors below `limit` are open, without opening one (the table is full). */
static void fd_bitmap(unsigned char *map, int limit)
{
    for (int fd = 0; fd < limit; fd++)
        map[fd] = fcntl(fd, F_GETFD) >= 0;
}

/* True when any pipe of the fill has bytes waiting: something wrote to a descriptor it had not
 * opened. */
static int fill_bytes_written(const struct fill *f)
{
    int n = 0;
    for (int i = 0; i < f->n; i++) {
        struct pollfd p = {f->fd[i], POLLIN, 0};
        if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
            n++;
    }
    return n;
}

static bool r01_outcome_ok(const char *got, const char *normal)
{
    return strcmp(got, normal) == 0 || got[0] == '[' ||
           strcmp(got, "EAI_SYSTEM errno 24") == 0 || /* EMFILE */
           strncmp(got, "EAI_AGAIN ", 10) == 0 || strncmp(got, "EAI_MEMORY ", 11) == 0;
}

/* Runs one lookup with the table full; checks what R01 asks; returns the answer. */
static void r01_lookup_full(gaix_ctx *ctx, const char *node, const char *normal, char *got,
                            size_t len)
{
    static struct fill f;
    static unsigned char before[FILL_MAX], after[FILL_MAX];
    bool full = fill_table(&f);
    fd_bitmap(before, FILL_MAX);
    answer(ctx, node, AI_ADDRCONFIG, got, len);
    fd_bitmap(after, FILL_MAX);
    int written = fill_bytes_written(&f);
    unfill_table(&f);
    REQUIRE(full);
    if (!r01_outcome_ok(got, normal))
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s with no descriptor free: %s", node, got);
    CHECK_EQ_MEM(before, after, sizeof before);
    CHECK_EQ_INT(written, 0);
}

TEST(r01_fresh_context_no_descriptor_free)
{
    rb_tmp_init();
    rb_files(hosts_text);
    char want[4096], got[4096];
    reference("dual", AI_ADDRCONFIG, want, sizeof want);
    REQUIRE(want[0] == '[');
    int fds = rb_count_fds();
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    REQUIRE(ctx);
    r01_lookup_full(ctx, "dual", want, got, sizeof got);
    printf("fresh context, no descriptor free: %s\n", got);
    /* Descriptors free again: the normal answer (the failure was not remembered). */
    answer(ctx, "dual", AI_ADDRCONFIG, got, sizeof got);
    CHECK_EQ_STR(got, want);
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(rb_count_fds(), fds);
}

/* The files are read already; the netlink dump and the source probes of new destinations find
 * no descriptor. */
TEST(r01_warm_context_probes_without_descriptors)
{
    rb_tmp_init();
    rb_files(hosts_text);
    char want[4096], got[4096];
    reference("dual2", AI_ADDRCONFIG, want, sizeof want);
    REQUIRE(want[0] == '[');
    int fds = rb_count_fds();
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    REQUIRE(ctx);
    answer(ctx, "dual", AI_ADDRCONFIG, got, sizeof got); /* builds files and netstate */
    REQUIRE(got[0] == '[');
    r01_lookup_full(ctx, "dual2", want, got, sizeof got);
    printf("warm context, no descriptor free: %s\n", got);
    /* The probes that failed for want of a descriptor were not cached: the normal order. */
    answer(ctx, "dual2", AI_ADDRCONFIG, got, sizeof got);
    CHECK_EQ_STR(got, want);
    gaix_ctx_free(ctx);
    CHECK_EQ_INT(rb_count_fds(), fds);
}

/*
 * A reload that fails for want of a descriptor must not lose the change: once descriptors are
 * free, the next lookup reads the new file. (BUG-RELOAD-LOST: a failed rebuild clears the
 * file's "changed" marks and keeps the old index; with inotify nothing marks it again until the
 * file changes once more.)
 */
TEST(r01_reload_after_emfile)
{
    rb_tmp_init();
    rb_files(hosts_text);
    char got[4096];
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    REQUIRE(ctx);
    answer(ctx, "dual", 0, got, sizeof got);
    REQUIRE(got[0] == '[');
    rb_replace_path(rb_path("hosts"), "192.0.2.99 dual\n", 16);
    static struct fill f;
    bool full = fill_table(&f);
    answer(ctx, "dual", 0, got, sizeof got);
    unfill_table(&f);
    REQUIRE(full);
    /* While full: the old answer (the old index is kept) or an error, not a crash. */
    CHECK(got[0] == '[' || strncmp(got, "EAI_SYSTEM", 10) == 0);
    answer(ctx, "dual", 0, got, sizeof got);
    RB_REGRESSION(strcmp(got, "[]4 192.0.2.99 80 1 6") == 0, "BUG-RELOAD-LOST",
                 "after a rebuild failed with EMFILE the context still answers %s", got);
    gaix_ctx_free(ctx);
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(r03_descriptors_above_1024),
                                 CHECK_ENTRY(r01_fresh_context_no_descriptor_free),
                                 CHECK_ENTRY(r01_warm_context_probes_without_descriptors),
                                 CHECK_ENTRY(r01_reload_after_emfile)));
}
