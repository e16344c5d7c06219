/*
 * Fuzz target for resolv.conf (TEST-VECTORS Z2, F01-F16).
 *
 * Each input is parsed three ways:
 *   1. the whole input as the file, no environment;
 *   2. split at its first three NUL bytes into file, LOCALDOMAIN, RES_OPTIONS and host name
 *      (a part that is not there is absent), so that seeds can carry an environment;
 *   3. no file, and the input up to its first NUL as LOCALDOMAIN, RES_OPTIONS and host name
 *      all at once.
 * Every snapshot must hold the invariants of resolvconf.h: 1 to GX_RESOLV_MAXNS servers, each
 * a well-formed IPv4 or IPv6 sockaddr on port 53; at most GX_RESOLV_MAXSEARCH search entries,
 * each "." or a valid host name without a leading or final dot, stored in the snapshot, and
 * found whole in the text it came from (never cut, never made up); ndots, timeout and attempts
 * within their clamps; only known option bits. Parsing the same input again must give the same
 * snapshot. Any violation aborts, so the fuzzer reports it.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/resolvconf.h"
#include "core/ascii.h"
#include "core/hostname.h"
#include "core/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define ALL_OPTIONS                                                                                \
    (GX_RES_ROTATE | GX_RES_EDNS0 | GX_RES_USE_VC | GX_RES_NO_AAAA | GX_RES_SINGLE_REQUEST |       \
     GX_RES_SINGLE_REQUEST_REOPEN | GX_RES_TRUST_AD | GX_RES_NO_TLD_QUERY | GX_RES_STRICT_ERROR |  \
     GX_RES_PARALLEL_SEARCH)

/* A fixed fake machine, so that runs are reproducible: lo is 1, eth0 is 2. */
static uint32_t fuzz_ifindex(const char *name, size_t len, void *arg)
{
    (void)arg;
    if (len == 2 && memcmp(name, "lo", 2) == 0)
        return 1;
    if (len == 4 && memcmp(name, "eth0", 4) == 0)
        return 2;
    return 0;
}

struct source {
    const char *p;
    size_t len;
    bool hostname; /* an entry may start right after the first dot */
};

/*
 * The entry appears whole in the source: at the start of a word (or after the one leading dot
 * that the parser drops, or after a host name's first dot), and ending the word (or followed by
 * only the final dot).
 */
static bool appears_whole(const struct source *s, const char *e, size_t elen)
{
    if (s->p == NULL || elen > s->len)
        return false;
    const char *first_dot = s->hostname ? memchr(s->p, '.', s->len) : NULL;
    for (size_t i = 0; i + elen <= s->len; i++) {
        if (memcmp(s->p + i, e, elen) != 0)
            continue;
        bool start =
            i == 0 || gx_ascii_isspace((unsigned char)s->p[i - 1]) ||
            (s->p[i - 1] == '.' && (i == 1 || gx_ascii_isspace((unsigned char)s->p[i - 2]))) ||
            (first_dot != NULL && s->p + i == first_dot + 1);
        size_t j = i + elen;
        bool end =
            j == s->len || gx_ascii_isspace((unsigned char)s->p[j]) ||
            (s->p[j] == '.' && (j + 1 == s->len || gx_ascii_isspace((unsigned char)s->p[j + 1])));
        if (start && end)
            return true;
    }
    return false;
}

static void check_conf(const struct gx_resolv_conf *c, const struct source *sources, size_t n)
{
    FUZZ_ASSERT(c->nns >= 1 && c->nns <= GX_RESOLV_MAXNS);
    for (size_t i = 0; i < c->nns; i++) {
        const struct gx_nameserver *ns = &c->ns[i];
        FUZZ_ASSERT(ns->port == 53);
        if (ns->family == AF_INET) {
            struct sockaddr_in sin;
            memcpy(&sin, &ns->addr, sizeof sin);
            FUZZ_ASSERT(sin.sin_family == AF_INET && sin.sin_port == htons(53));
        } else {
            FUZZ_ASSERT(ns->family == AF_INET6);
            FUZZ_ASSERT(ns->addr.sin6_family == AF_INET6 && ns->addr.sin6_port == htons(53));
        }
    }

    FUZZ_ASSERT(c->nsearch <= GX_RESOLV_MAXSEARCH);
    FUZZ_ASSERT(c->search_dropped == 0 || c->nsearch == GX_RESOLV_MAXSEARCH);
    for (size_t i = 0; i < c->nsearch; i++) {
        const char *e = c->search[i];
        FUZZ_ASSERT(e >= c->storage && (i == 0 || e > c->search[i - 1]));
        size_t len = strlen(e);
        if (len == 1 && e[0] == '.')
            continue;
        FUZZ_ASSERT(gx_hostname_valid(e, len));
        FUZZ_ASSERT(e[0] != '.' && e[len - 1] != '.');
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = appears_whole(&sources[k], e, len);
        FUZZ_ASSERT(found);
    }

    FUZZ_ASSERT(c->ndots <= GX_RESOLV_NDOTS_MAX);
    FUZZ_ASSERT(c->timeout_s >= 1 && c->timeout_s <= GX_RESOLV_TIMEOUT_MAX_S);
    FUZZ_ASSERT(c->attempts >= 1 && c->attempts <= GX_RESOLV_ATTEMPTS_MAX);
    FUZZ_ASSERT((c->options & ~(unsigned)ALL_OPTIONS) == 0);
}

static void check_same(const struct gx_resolv_conf *a, const struct gx_resolv_conf *b)
{
    FUZZ_ASSERT(a->nns == b->nns && memcmp(a->ns, b->ns, sizeof a->ns) == 0);
    FUZZ_ASSERT(a->nsearch == b->nsearch);
    for (size_t i = 0; i < a->nsearch; i++)
        FUZZ_ASSERT(strcmp(a->search[i], b->search[i]) == 0);
    FUZZ_ASSERT(a->ndots == b->ndots && a->timeout_s == b->timeout_s &&
                a->attempts == b->attempts && a->options == b->options);
    FUZZ_ASSERT(a->search_dropped == b->search_dropped && a->search_invalid == b->search_invalid &&
                a->ns_dropped == b->ns_dropped && a->lines_skipped == b->lines_skipped);
}

static void run(const char *file, size_t file_len, const struct gx_resolv_env *env)
{
    struct source sources[3];
    size_t n = 0;
    sources[n++] = (struct source){file, file_len, false};
    if (env->localdomain)
        sources[n++] = (struct source){env->localdomain, strlen(env->localdomain), false};
    if (env->hostname)
        sources[n++] = (struct source){env->hostname, strlen(env->hostname), true};

    struct gx_resolv_conf *c = NULL, *again = NULL;
    FUZZ_ASSERT(gx_resolvconf_parse(file, file_len, env, &c) == GX_OK && c != NULL);
    check_conf(c, sources, n);
    FUZZ_ASSERT(gx_resolvconf_parse(file, file_len, env, &again) == GX_OK && again != NULL);
    check_same(c, again);
    gx_resolvconf_ref(c);
    gx_resolvconf_unref(c);
    gx_resolvconf_unref(c);
    gx_resolvconf_unref(again);
}

/* A NUL-terminated copy of (p, len), for the environment strings. */
static char *dup_part(const char *p, size_t len)
{
    char *s = malloc(len + 1);
    FUZZ_ASSERT(s != NULL);
    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct gx_resolv_env env;

    /* 1. The file alone. */
    memset(&env, 0, sizeof env);
    env.ifindex = fuzz_ifindex;
    run(size ? text : NULL, size, &env);

    /* 2. file \0 LOCALDOMAIN \0 RES_OPTIONS \0 host name. */
    const char *part[4] = {text, NULL, NULL, NULL};
    size_t part_len[4] = {size, 0, 0, 0};
    size_t parts = 1;
    for (size_t i = 0; i < size && parts < 4; i++) {
        if (data[i] != 0)
            continue;
        part_len[parts - 1] = (size_t)(text + i - part[parts - 1]);
        part[parts] = text + i + 1;
        part_len[parts] = size - i - 1;
        parts++;
    }
    if (parts > 1) {
        char *envs[3] = {NULL, NULL, NULL};
        for (size_t k = 1; k < parts; k++)
            envs[k - 1] = dup_part(part[k], part_len[k]);
        env.localdomain = envs[0];
        env.res_options = envs[1];
        env.hostname = envs[2];
        run(part[0], part_len[0], &env);
        for (size_t k = 0; k < 3; k++)
            free(envs[k]);
    }

    /* 3. No file; the input as every variable. */
    char *s = dup_part(text, part_len[0]);
    env.localdomain = s;
    env.res_options = s;
    env.hostname = s;
    run(NULL, 0, &env);
    free(s);
    return 0;
}
