/*
 * R06: lookups on a thread with a 64 KiB stack (TEST-VECTORS 5.8; glibc CVE-2013-4458 and
 * CVE-2016-3706 overflowed small thread stacks with alloca).
 *
 * On a pthread whose stack is 64 KiB (with a guard page below it, so an overflow is a SIGSEGV
 * that check.h reports), each of these runs from a context's creation to its end:
 * - F24: a 200,000-line hosts file, indexed by the first lookup, then its last entry found;
 * - the per-family cap (GX_ADDRS_PER_FAMILY_MAX = 1,024, D5) at N-1, N and N+1 lines of one
 *   name with distinct addresses, for IPv4, IPv6, both at once (AF_UNSPEC, sorted: 2,048
 *   destinations probed), and AI_V4MAPPED|AI_ALL (mapped addresses count as IPv6): each lookup
 *   returns min(lines, 1,024) addresses of each family, all distinct and from the file;
 * - a reload of a changed file.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../adversarial/robust.h"
#include "core/limits.h"

#define SMALL_STACK ((size_t)64 * 1024)
#define CAP GX_ADDRS_PER_FAMILY_MAX

/* Runs fn on a thread with a 64 KiB stack and waits for it. */
static bool on_small_stack(void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    pthread_t t;
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, SMALL_STACK) != 0 ||
        pthread_attr_setguardsize(&attr, 4096) != 0)
        return false;
    int rc = pthread_create(&t, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        return false;
    pthread_join(t, NULL);
    return true;
}

/* What a small-stack thread reports back; checked on the main thread. */
struct job {
    const char *node;
    int family, flags;
    int rc;
    size_t n4, n6, distinct;
    bool malformed, foreign; /* a node not well formed; an address the file does not list */
    char first[128];
};

/* Addresses of the cap files: IPv4 10.x.y.z from the line number i, IPv6 fd00::i. */
static void addr4_of(unsigned i, char *out, size_t len)
{
    snprintf(out, len, "10.%u.%u.%u", (i >> 16) & 255u, (i >> 8) & 255u, i & 255u);
}

static void addr6_of(unsigned i, char *out, size_t len)
{
    snprintf(out, len, "fd00::%x:%x", i >> 16, i & 0xffffu);
}

/* Whether the address of node p is one the cap file lists: 10.x.y.z (or ::ffff:10.x.y.z) with
 * x.y.z below lines4, or fd00::n with n below lines6. */
static bool listed(const struct addrinfo *p, unsigned lines4, unsigned lines6)
{
    const uint8_t *b;
    if (p->ai_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)p->ai_addr;
        b = (const uint8_t *)&s->sin_addr;
        return b[0] == 10 && ((unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3]) < lines4;
    }
    const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)p->ai_addr;
    b = s->sin6_addr.s6_addr;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t fd00[12] = {0xfd, 0};
    unsigned low = (unsigned)b[13] << 16 | (unsigned)b[14] << 8 | b[15];
    if (memcmp(b, mapped, 12) == 0)
        return b[12] == 10 && low < lines4;
    return memcmp(b, fd00, 12) == 0 && b[12] == 0 && low < lines6;
}

static int cmp_sa(const void *x, const void *y)
{
    return memcmp(x, y, sizeof(struct sockaddr_in6));
}

struct cap_job {
    unsigned lines4, lines6;
    struct job jobs[4];
    size_t njobs;
    int ctx_fail;
};

/* The small-stack part: context, first build, lookups, teardown. Heap for bookkeeping. */
static void *cap_thread(void *arg)
{
    struct cap_job *cj = arg;
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    if (!ctx) {
        cj->ctx_fail = 1;
        return NULL;
    }
    for (size_t j = 0; j < cj->njobs; j++) {
        struct job *jb = &cj->jobs[j];
        struct addrinfo hints = rb_hints(jb->family, SOCK_STREAM, jb->flags), *res = RB_SENTINEL;
        jb->rc = gaix_ctx_getaddrinfo(ctx, jb->node, "80", &hints, &res);
        if (jb->rc != 0)
            continue;
        jb->malformed = rb_malformed(res) != NULL;
        size_t n = rb_list_len(res), k = 0;
        struct sockaddr_in6 *all = calloc(n, sizeof *all);
        for (const struct addrinfo *p = res; p; p = p->ai_next) {
            if (p->ai_family == AF_INET)
                jb->n4++;
            else
                jb->n6++;
            if (!listed(p, cj->lines4, cj->lines6) && !jb->foreign) {
                jb->foreign = true;
                rb_node_text(p, jb->first, sizeof jb->first);
            }
            if (all)
                memcpy(&all[k++], p->ai_addr, p->ai_addrlen);
        }
        if (all) {
            qsort(all, k, sizeof *all, cmp_sa);
            jb->distinct = k ? 1 : 0;
            for (size_t i = 1; i < k; i++)
                jb->distinct += memcmp(&all[i], &all[i - 1], sizeof *all) != 0;
            free(all);
        }
        gaix_freeaddrinfo(res);
    }
    gaix_ctx_free(ctx);
    return NULL;
}

/* A hosts file listing "many" on lines4 IPv4 lines, then lines6 IPv6 lines. */
static void cap_file(unsigned lines4, unsigned lines6)
{
    size_t cap = (size_t)(lines4 + lines6 + 1) * 32, used = 0;
    char *t = malloc(cap);
    if (!t)
        abort();
    char a[64];
    for (unsigned i = 0; i < lines4; i++) {
        addr4_of(i, a, sizeof a);
        used += (size_t)snprintf(t + used, cap - used, "%s many\n", a);
    }
    for (unsigned i = 0; i < lines6; i++) {
        addr6_of(i, a, sizeof a);
        used += (size_t)snprintf(t + used, cap - used, "%s many\n", a);
    }
    rb_write_path(rb_path("hosts"), t, used);
    free(t);
}

static size_t min_cap(unsigned lines)
{
    return lines < CAP ? lines : CAP;
}

static void cap_case(unsigned lines)
{
    static struct cap_job cj;
    memset(&cj, 0, sizeof cj);
    cj.lines4 = cj.lines6 = lines;
    cap_file(lines, lines);
    const struct {
        int family, flags;
    } asks[4] = {{AF_INET, 0}, {AF_INET6, 0}, {AF_UNSPEC, 0}, {AF_INET6, AI_V4MAPPED | AI_ALL}};
    for (size_t j = 0; j < 4; j++) {
        cj.jobs[j].node = "many";
        cj.jobs[j].family = asks[j].family;
        cj.jobs[j].flags = asks[j].flags;
    }
    cj.njobs = 4;
    REQUIRE(on_small_stack(cap_thread, &cj));
    REQUIRE(cj.ctx_fail == 0);
    /* With AI_V4MAPPED|AI_ALL the mapped IPv4 addresses join the IPv6 ones, under one cap. */
    size_t want = min_cap(lines);
    const size_t want4[4] = {want, 0, want, 0};
    const size_t want6[4] = {0, want, want, min_cap(2 * lines)};
    for (size_t j = 0; j < 4; j++) {
        const struct job *jb = &cj.jobs[j];
        if (jb->rc != 0) {
            CHECK_FAIL_AT(__FILE__, __LINE__, "%u lines, ask %zu: %s", lines, j,
                          gaix_eai_name(jb->rc));
            continue;
        }
        if (jb->n4 != want4[j] || jb->n6 != want6[j])
            CHECK_FAIL_AT(__FILE__, __LINE__,
                          "%u lines of each family, ask %zu (family %d flags 0x%x): %zu IPv4 and "
                          "%zu IPv6 addresses, expected %zu and %zu",
                          lines, j, jb->family, jb->flags, jb->n4, jb->n6, want4[j], want6[j]);
        CHECK_EQ_INT(jb->distinct, jb->n4 + jb->n6);
        CHECK(!jb->malformed);
        if (jb->foreign)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%u lines: %s is not in the file", lines,
                          jb->first);
    }
}

TEST(r06_cap_n_minus_1)
{
    rb_tmp_init();
    rb_files("");
    cap_case(CAP - 1);
}

TEST(r06_cap_n)
{
    rb_tmp_init();
    rb_files("");
    cap_case(CAP);
}

TEST(r06_cap_n_plus_1)
{
    rb_tmp_init();
    rb_files("");
    cap_case(CAP + 1);
}

/* ---- F24 and a reload -------------------------------------------------------------------------- */

struct big_job {
    char last[256], first[256], reloaded[256], alias[256];
    int ctx_fail;
};

static void sig_of(gaix_ctx *ctx, const char *node, int flags, char *out, size_t len)
{
    struct addrinfo hints = rb_hints(AF_UNSPEC, SOCK_STREAM, flags), *res = RB_SENTINEL;
    int rc = gaix_ctx_getaddrinfo(ctx, node, "80", &hints, &res);
    if (rc != 0) {
        snprintf(out, len, "%s", gaix_eai_name(rc));
        return;
    }
    rb_sig(res, true, out, len);
    gaix_freeaddrinfo(res);
}

static void *big_thread(void *arg)
{
    struct big_job *bj = arg;
    gaix_ctx *ctx = rb_ctx(GAIX_RELOAD_EVERY_CALL);
    if (!ctx) {
        bj->ctx_fail = 1;
        return NULL;
    }
    sig_of(ctx, "host199999", AI_CANONNAME, bj->last, sizeof bj->last); /* builds the index */
    sig_of(ctx, "h0.example", AI_CANONNAME, bj->first, sizeof bj->first);
    rb_replace_path(rb_path("hosts"), "192.0.2.77 host199999 again\n", 28);
    sig_of(ctx, "host199999", 0, bj->reloaded, sizeof bj->reloaded);
    sig_of(ctx, "again", 0, bj->alias, sizeof bj->alias);
    gaix_ctx_free(ctx);
    return NULL;
}

TEST(r06_f24_200000_lines_and_reload)
{
    rb_tmp_init();
    rb_files("");
    size_t cap = (size_t)200000 * 48, used = 0;
    char *t = malloc(cap);
    REQUIRE(t);
    for (unsigned i = 0; i < 200000; i++)
        used += (size_t)snprintf(t + used, cap - used, "10.%u.%u.%u host%u h%u.example\n",
                                 i >> 16, (i >> 8) & 255u, i & 255u, i, i);
    rb_write_path(rb_path("hosts"), t, used);
    free(t);
    static struct big_job bj;
    memset(&bj, 0, sizeof bj);
    REQUIRE(on_small_stack(big_thread, &bj));
    REQUIRE(bj.ctx_fail == 0);
    CHECK_EQ_STR(bj.last, "[host199999]4 10.3.13.63 80 1 6");
    CHECK_EQ_STR(bj.first, "[host0]4 10.0.0.0 80 1 6");
    CHECK_EQ_STR(bj.reloaded, "[]4 192.0.2.77 80 1 6");
    CHECK_EQ_STR(bj.alias, "[]4 192.0.2.77 80 1 6");
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(r06_f24_200000_lines_and_reload),
                                 CHECK_ENTRY(r06_cap_n_minus_1), CHECK_ENTRY(r06_cap_n),
                                 CHECK_ENTRY(r06_cap_n_plus_1)));
}
