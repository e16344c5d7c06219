/*
 * Helpers shared by the robustness tests (tests/unit/test_robust_*.c, TEST-VECTORS 5.8 R and
 * 5.9 K): a private temporary directory per test with the three files a context reads, contexts
 * that name those files explicitly (never the machine's /etc), the U1/U2 invariants of
 * TEST-VECTORS 5.0, and result lists turned into comparable text.
 *
 * Include after check.h. Everything here is static inline so that a test uses what it needs.
 * rb_path() returns rotating static buffers: call it from one thread (set paths up before
 * starting threads).
 */
#ifndef GAIX_ROBUST_H
#define GAIX_ROBUST_H

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gaix.h"

/* ---- the temporary directory ------------------------------------------------------------- */

static char rb_dir[64];
static pid_t rb_dir_owner;

/* Removes the directory and the files in it; only in the process that made it, so that a
 * forked child that exits never removes its parent's files. */
static inline void rb_dir_remove(void)
{
    if (rb_dir[0] == '\0' || getpid() != rb_dir_owner)
        return;
    DIR *d = opendir(rb_dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[384];
            snprintf(p, sizeof p, "%s/%s", rb_dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(rb_dir);
    rb_dir[0] = '\0';
}

/* Makes the test's directory (removed at exit) with empty services and gai.conf files. */
static inline void rb_tmp_init(void)
{
    snprintf(rb_dir, sizeof rb_dir, "/tmp/gaix-robust-XXXXXX");
    if (!mkdtemp(rb_dir)) {
        perror("mkdtemp");
        abort();
    }
    rb_dir_owner = getpid();
    atexit(rb_dir_remove);
}

static inline const char *rb_path(const char *name)
{
    static char buf[8][320];
    static unsigned i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", rb_dir, name);
    return buf[i];
}

/* Writes bytes to a path in one write() where the size allows (truncating it first). */
static inline void rb_write_path(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        perror(path);
        abort();
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            perror("write");
            abort();
        }
        off += (size_t)n;
    }
    if (close(fd) != 0)
        abort();
}

static inline void rb_write(const char *name, const char *text)
{
    rb_write_path(rb_path(name), text, strlen(text));
}

/* Replaces a file by rename(), so that a reader sees the old inode or the new one, whole. */
static inline void rb_replace_path(const char *path, const char *data, size_t len)
{
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    rb_write_path(tmp, data, len);
    if (rename(tmp, path) != 0) {
        perror("rename");
        abort();
    }
}

/* The standard files: the given hosts text, a small services file, an empty gai.conf. */
static const char rb_services_text[] = "ftp 21/tcp\n"
                                       "http 80/tcp www\n"
                                       "http 80/udp www\n"
                                       "domain 53/tcp\n"
                                       "domain 53/udp\n";

static inline void rb_files(const char *hosts_text)
{
    rb_write("hosts", hosts_text);
    rb_write("services", rb_services_text);
    rb_write("gai.conf", "");
}

static inline struct gaix_config rb_config(int reload_interval_ms)
{
    struct gaix_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.hosts_path = rb_path("hosts");
    cfg.services_path = rb_path("services");
    cfg.gai_conf_path = rb_path("gai.conf");
    cfg.reload_interval_ms = reload_interval_ms;
    /* No DNS: a name the test files do not list is EAI_NONAME and no packet leaves (the
     * network rule; these tests run outside any namespace). */
    static const char *const no_dns[] = {NULL};
    cfg.nameservers = no_dns;
    cfg.resolv_conf_path = "";
    return cfg;
}

/* A context over the test directory's files; NULL only if creation failed. */
static inline gaix_ctx *rb_ctx(int reload_interval_ms)
{
    struct gaix_config cfg = rb_config(reload_interval_ms);
    return gaix_ctx_new(&cfg);
}

/* ---- descriptors (U1) -------------------------------------------------------------------- */

static inline int rb_count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* ---- time -------------------------------------------------------------------------------- */

static inline uint64_t rb_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline void rb_sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- hints and results ------------------------------------------------------------------- */

static inline struct addrinfo rb_hints(int family, int socktype, int flags)
{
    struct addrinfo h;
    memset(&h, 0, sizeof h);
    h.ai_family = family;
    h.ai_socktype = socktype;
    h.ai_flags = flags;
    return h;
}

/* A value no allocator returns: *res must still hold it after an error (U2). */
#define RB_SENTINEL ((struct addrinfo *)(uintptr_t)0x5e5e5e5e)

static inline size_t rb_list_len(const struct addrinfo *ai)
{
    size_t n = 0;
    for (; ai; ai = ai->ai_next)
        n++;
    return n;
}

/* The text of one node: "family address port socktype protocol". */
static inline void rb_node_text(const struct addrinfo *ai, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (ai->ai_family == AF_INET && ai->ai_addr) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)ai->ai_addr;
        inet_ntop(AF_INET, &s->sin_addr, a, sizeof a);
        port = ntohs(s->sin_port);
    } else if (ai->ai_family == AF_INET6 && ai->ai_addr) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)ai->ai_addr;
        inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof a);
        port = ntohs(s->sin6_port);
    }
    snprintf(buf, len, "%d %s %u %d %d", ai->ai_family == AF_INET ? 4 : 6, a, port,
             ai->ai_socktype, ai->ai_protocol);
}

static inline int rb_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A list as one comparable string: its canonical name, then its nodes separated by '|', in list
 * order, or sorted when `as_set` (for lists whose order depends on the machine's routes). Lists
 * longer than 64 nodes end in "|...". Uses no heap, so it is safe inside allocation tests.
 */
static inline void rb_sig(const struct addrinfo *res, bool as_set, char *out, size_t len)
{
    char items[64][64];
    const char *ptr[64];
    size_t n = 0;
    for (const struct addrinfo *p = res; p && n < 64; p = p->ai_next, n++) {
        rb_node_text(p, items[n], sizeof items[n]);
        ptr[n] = items[n];
    }
    if (as_set && n > 1)
        qsort(ptr, n, sizeof ptr[0], rb_strcmp_p);
    size_t used = (size_t)snprintf(out, len, "[%s]",
                                   res && res->ai_canonname ? res->ai_canonname : "");
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? "|" : "", ptr[i]);
    if (rb_list_len(res) > 64 && used < len)
        snprintf(out + used, len - used, "|...");
}

/* A host name fit to hand to a caller (P9): letters, digits, '-', '.', '_'. */
static inline bool rb_name_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_';
        if (!ok)
            return false;
    }
    return n > 0 && n <= 254;
}

/* U2/U5 on success: every node whole. NULL when well formed, else what is wrong. */
static inline const char *rb_malformed(const struct addrinfo *res)
{
    if (!res)
        return "empty list on success";
    size_t i = 0;
    for (const struct addrinfo *p = res; p; p = p->ai_next, i++) {
        if (i > 100000)
            return "list does not end";
        if (!p->ai_addr)
            return "node without an address";
        if (p->ai_family == AF_INET) {
            if (p->ai_addrlen != sizeof(struct sockaddr_in) || p->ai_addr->sa_family != AF_INET)
                return "AF_INET node with a wrong sockaddr";
        } else if (p->ai_family == AF_INET6) {
            if (p->ai_addrlen != sizeof(struct sockaddr_in6) ||
                p->ai_addr->sa_family != AF_INET6)
                return "AF_INET6 node with a wrong sockaddr";
        } else {
            return "node of an unknown family";
        }
        if (i > 0 && p->ai_canonname)
            return "ai_canonname on a node other than the first";
        if (p->ai_canonname && !rb_name_ok(p->ai_canonname))
            return "ai_canonname is not a valid host name";
    }
    return NULL;
}

/*
 * getaddrinfo on a context with U2 checked: *res is set to a sentinel before the call and must
 * still hold it after an error (then *res is set to NULL for the caller); a success must be well
 * formed. Counts failures through check.h (call from the test's main thread).
 */
#define rb_gai(ctx, node, service, hints, res)                                                    \
    rb_gai_at(__FILE__, __LINE__, ctx, node, service, hints, res)

static inline int rb_gai_at(const char *file, int line, gaix_ctx *ctx, const char *node,
                            const char *service, const struct addrinfo *hints,
                            struct addrinfo **res)
{
    *res = RB_SENTINEL;
    int rc = gaix_ctx_getaddrinfo(ctx, node, service, hints, res);
    if (rc != 0) {
        if (*res != RB_SENTINEL)
            CHECK_FAIL_AT(file, line, "U2: *res changed on error %s (node %s)",
                          gaix_eai_name(rc), node ? node : "(null)");
        *res = NULL;
        return rc;
    }
    const char *bad = rb_malformed(*res);
    if (bad)
        CHECK_FAIL_AT(file, line, "U2: %s (node %s)", bad, node ? node : "(null)");
    return rc;
}

/* Root is needed for namespaces. Without it a test says SKIPPED loudly, and fails in CI. */
static inline bool rb_skip_unless(bool ok, const char *test, const char *why)
{
    if (ok)
        return false;
    const char *ci = getenv("CI");
    if (ci && strcmp(ci, "true") == 0) {
        CHECK_FAIL_AT(__FILE__, __LINE__, "%s cannot run in CI: %s", test, why);
        return true;
    }
    fprintf(stderr, "SKIPPED %s: %s\n", test, why);
    return true;
}

/*
 * A check that pins a library bug this suite found and that was fixed; a failure names the bug
 * (`id`) so that its history is easy to find:
 *   BUG-RELOAD-LOST          a change was lost for good when its rebuild failed once (EMFILE)
 *   BUG-RELOAD-WATCH-RACE    a write between reading a file and watching it went unseen
 *   BUG-FORK-NEVER-DEADLOCK  a child of a context without a netlink socket used the parent's
 *                            snapshot, whose lock a parent thread could hold
 *   BUG-CHILD-INOTIFY-LEAK   a child freeing an inherited context kept its inotify descriptor
 */
#define RB_REGRESSION(cond, id, ...)                                                              \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "%s:%d: regression %s: ", __FILE__, __LINE__, id);                    \
            fprintf(stderr, __VA_ARGS__);                                                         \
            fputc('\n', stderr);                                                                  \
            check_failures++;                                                                     \
        }                                                                                         \
    } while (0)

#endif
