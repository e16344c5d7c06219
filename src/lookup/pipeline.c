#include "lookup/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "api/context.h"
#include "core/ascii.h"
#include "core/hostname.h"
#include "core/status.h"
#include "lookup/idn.h"
#include "lookup/node_sources.h"
#include "lookup/result.h"
#include "lookup/service.h"
#include "lookup/sort.h"

/* Flags glibc accepts: the POSIX ones, AI_IDN and AI_CANONIDN, and the two deprecated IDN flags
 * (0x100, 0x200) that it still accepts and ignores. */
#define ACCEPTED_FLAGS                                                                            \
    (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_ADDRCONFIG | AI_V4MAPPED | AI_ALL |          \
     AI_NUMERICSERV | AI_IDN | AI_CANONIDN | 0x300)

/* hints == NULL means AF_UNSPEC, any socket type, AI_V4MAPPED | AI_ADDRCONFIG (A22; glibc's
 * AI_DEFAULT). */
static const struct addrinfo default_hints = {.ai_flags = AI_V4MAPPED | AI_ADDRCONFIG};

/* Nodes AI_ADDRCONFIG never filters (D: docs/DIFFERENCES.md): no node, a numeric host, the
 * loopback names. glibc filters them too, and so fails 127.0.0.1 on an IPv6-only host. */
static bool lookup_exempt_from_addrconfig(const struct gx_lookup *lk)
{
    return lk->node == NULL || lk->literal.kind != GX_LITERAL_NONE || lk->localhost;
}

/* AI_ADDRCONFIG as glibc applies it: with one family configured, AF_UNSPEC narrows to it; asking
 * for a family that is not configured finds nothing. "Configured" ignores 127.0.0.1 and ::1. */
static int lookup_addrconfig(struct gx_lookup *lk)
{
    if (!(lk->flags & AI_ADDRCONFIG) || lookup_exempt_from_addrconfig(lk))
        return GX_OK;
    struct gx_netstate *ns;
    int st = gx_ctx_net(&lk->refs, &ns);
    if (st < 0)
        return st;
    bool v4 = gx_netstate_has_ipv4(ns), v6 = gx_netstate_has_ipv6(ns);
    if (lk->family == AF_UNSPEC) {
        if (v4 != v6)
            lk->family = v4 ? AF_INET : AF_INET6;
        return GX_OK;
    }
    if ((lk->family == AF_INET && !v4) || (lk->family == AF_INET6 && !v6))
        return GX_E_NONAME;
    return GX_OK;
}

static int lookup_service(struct gx_lookup *lk)
{
    const struct gx_services *db = NULL;
    int st;
    if (gx_service_needs_db(&lk->service)) {
        /* The type errors come first, before the database is even read. */
        st = gx_service_check_types(lk->socktype, lk->protocol);
        if (st >= 0)
            st = gx_ctx_services(&lk->refs, &db);
        if (st < 0)
            return st;
    }
    st = gx_service_tuples(&lk->service, lk->socktype, lk->protocol, db, lk->tuples);
    if (st < 0)
        return st;
    lk->ntuples = st;
    return GX_OK;
}

/* Special-use names that never reach DNS and that nothing local answers: .onion (RFC 7686) and
 * .invalid (RFC 6761 6.4). */
static bool name_is_never_asked(const char *name, size_t len)
{
    static const char *const suffixes[] = {"onion", "invalid"};
    len = gx_hostname_strip_dot(name, len);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t sl = strlen(suffixes[i]);
        if (len >= sl && gx_ascii_caseeq(name + len - sl, sl, suffixes[i], sl) &&
            (len == sl || name[len - sl - 1] == '.'))
            return true;
    }
    return false;
}

static void lookup_dns_done(struct gx_dns_lookup *l, void *arg);

/* Starts the DNS lookup of the current stage: AF_UNSPEC asks A and AAAA together (glibc's
 * gethostbyname4), AF_INET asks A, AF_INET6 asks AAAA and then, with AI_V4MAPPED, A when no
 * AAAA was found or with AI_ALL (stage 2), as glibc asks them one after the other. */
static int lookup_dns_start(struct gx_lookup *lk)
{
    const struct gx_resolv_conf *conf;
    int st = gx_ctx_resolv(&lk->refs, &conf);
    if (st < 0)
        return st;
    bool no_aaaa = (conf->options & GX_RES_NO_AAAA) != 0;
    struct gx_dns_params p = {.conf = conf, .name = lk->node, .name_len = lk->node_len,
                              .deadline_us = lk->deadline_us};
    if (lk->family == AF_UNSPEC) {
        p.want_a = true;
        p.want_aaaa = !no_aaaa;
    } else if (lk->family == AF_INET || lk->dns_stage == DNS_STAGE_A) {
        p.want_a = true;
    } else {
        p.want_aaaa = !no_aaaa;
        if (!p.want_aaaa) {
            /* options no-aaaa: the AAAA stage answers "no data" without a query. Without
             * AI_V4MAPPED the A query is still sent, as glibc does, only to tell a name that
             * does not exist (EAI_NONAME) from one without IPv6 addresses (EAI_NODATA); its
             * addresses are not used (DNS_STAGE_A_PROBE). */
            lk->dns_status1 = GX_E_NODATA;
            lk->dns_stage = (lk->flags & AI_V4MAPPED) ? DNS_STAGE_A : DNS_STAGE_A_PROBE;
            p.want_a = true;
        }
    }
    if (conf->options & GX_RES_ROTATE)
        p.rotation = atomic_fetch_add_explicit(&lk->ctx->rotation, 1, memory_order_relaxed);
    lk->used_dns = true; /* first: gx_lookup_release() looks at DNS state only when set */
    if (!lk->engine) {
        if (!lk->own_engine) {
            st = gx_engine_init(&lk->private_engine, false);
            if (st < 0)
                return st;
            lk->own_engine = true;
        }
        lk->engine = &lk->private_engine;
    }
    return gx_dns_lookup_start(lk->engine, &p, lookup_dns_done, lk, &lk->dns);
}

/* A host name (not numeric): the hosts file, RFC 6761 for localhost names, then DNS. Returns
 * GX_E_INPROGRESS-like 1 when DNS was started. */
static int lookup_name(struct gx_lookup *lk)
{
    if (!gx_hostname_valid(lk->node, lk->node_len))
        return GX_E_NONAME;
    const struct gx_hosts *hosts;
    int st = gx_ctx_hosts(&lk->refs, &hosts);
    if (st < 0)
        return st;
    st = gx_source_hosts(hosts, lk->node, lk->node_len, lk->family, lk->flags, &lk->addrs);
    if (st < 0)
        return st;
    if (lk->addrs.n > 0) {
        lk->source = GAIX_SOURCE_HOSTS;
        return GX_OK;
    }
    if (lk->localhost) {
        lk->source = GAIX_SOURCE_LOCALHOST;
        st = gx_source_localhost(lk->family, lk->flags, &lk->addrs);
        return st < 0 ? st : lk->addrs.n > 0 ? GX_OK : GX_E_NONAME;
    }
    if (name_is_never_asked(lk->node, lk->node_len) || lk->ctx->dns_off)
        return GX_E_NONAME;
    lk->dns_stage = DNS_STAGE_FIRST;
    memset(&lk->dns_stats, 0, sizeof lk->dns_stats);
    lk->dns_stats.rcode = -1;
    st = lookup_dns_start(lk);
    return st < 0 ? st : 1;
}

static int lookup_node(struct gx_lookup *lk)
{
    if (lk->node == NULL) {
        lk->source = GAIX_SOURCE_LOCAL;
        gx_source_null(lk->family, lk->flags, &lk->addrs);
        return GX_OK;
    }
    if (lk->literal.kind != GX_LITERAL_NONE) {
        lk->source = GAIX_SOURCE_NUMERIC;
        return gx_source_literal(&lk->literal, lk->family, lk->flags, &lk->addrs);
    }
    if (lk->flags & AI_NUMERICHOST)
        return GX_E_NONAME;
    return lookup_name(lk);
}

/* glibc reads source prefix lengths, flags and interfaces from a table that it keeps only on a
 * host with an IPv6 address (check_pf); without one, every source looks alike to Rules 3, 4, 7
 * and 9. The glibc reading (GAIX_POLICY_GLIBC) does the same, for the same order. */
static void sort_forget_interfaces(struct gx_dest_info *info, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        info[i].source_prefixlen = 0;
        info[i].source_flags = 0;
        info[i].source_ifindex = UINT32_MAX;
    }
}

/* RFC 6724: only a list of two or more addresses has an order to decide. known: what a sort
 * batch already learnt about reaching each address (scratch the sort may reorder), or NULL. */
static int lookup_sort(struct gx_lookup *lk, struct gx_dest_info *known)
{
    size_t n = lk->addrs.n;
    if (n < 2)
        return GX_OK;
    struct gx_netstate *ns;
    const struct gx_policy *policy;
    int st = gx_ctx_net(&lk->refs, &ns);
    if (st >= 0)
        st = gx_ctx_policy(&lk->refs, &policy);
    if (st < 0)
        return st;

    struct gx_dest_info inline_info[GX_ADDRLIST_INLINE];
    struct gx_dest_info *info = known ? known : inline_info;
    if (!known && n > GX_ADDRLIST_INLINE) {
        info = malloc(n * sizeof *info);
        if (!info)
            return GX_E_MEMORY;
    }
    if (!known)
        st = gx_netstate_dest_info(ns, lk->addrs.v, n, info);
    if (st >= 0 && policy->base == GAIX_POLICY_GLIBC && !gx_netstate_has_ipv6(ns))
        sort_forget_interfaces(info, n);
    if (st >= 0)
        st = gx_sort(lk->addrs.v, info, n, policy);
    if (info != inline_info && info != known)
        free(info);
    return st;
}

/* The canonical name (AI_CANONNAME): a source's, else the node as given; AI_CANONIDN decodes
 * it, keeping the ASCII form when it cannot be decoded (glibc's behaviour). */
static int lookup_canon(struct gx_lookup *lk, const char **canon, size_t *len)
{
    *canon = NULL;
    *len = 0;
    if (!(lk->flags & AI_CANONNAME))
        return GX_OK;
    if (lk->source == GAIX_SOURCE_DNS && lk->dns_canon) {
        *canon = lk->dns_canon;
        *len = strlen(lk->dns_canon);
    } else if (lk->addrs.canon && lk->literal.kind == GX_LITERAL_NONE) {
        *canon = lk->addrs.canon;
        *len = lk->addrs.canon_len;
    } else {
        *canon = lk->node;
        *len = lk->node_len;
    }
    if (!(lk->flags & AI_CANONIDN))
        return GX_OK;
    char *ascii = strndup(*canon, *len);
    if (!ascii)
        return GX_E_MEMORY;
    char *uni;
    int st = gx_idn_to_unicode(ascii, &uni);
    free(ascii);
    if (st == GX_E_IDN_ENCODE)
        return GX_OK;
    if (st < 0)
        return st;
    lk->canon_owned = uni;
    *canon = uni;
    *len = strlen(uni);
    return GX_OK;
}

/* Is the node numeric, or a loopback name? */
static void lookup_classify(struct gx_lookup *lk, const char *node)
{
    lk->node = node;
    lk->node_len = strlen(node);
    gx_literal_parse(node, lk->node_len, &lk->literal);
    lk->localhost = lk->literal.kind == GX_LITERAL_NONE &&
                    gx_hostname_is_localhost(node, lk->node_len) &&
                    gx_hostname_valid(node, lk->node_len);
}

/* AI_IDN: a name with non-ASCII characters becomes its ASCII form before any source sees it
 * (after the service, as in glibc, so that errors come in the same order). */
static int lookup_idn(struct gx_lookup *lk)
{
    if (!lk->node || !(lk->flags & AI_IDN) || !gx_idn_needs_encoding(lk->node, lk->node_len))
        return GX_OK;
    int st = gx_idn_to_ascii(lk->node, &lk->node_idn);
    if (st < 0)
        return st;
    lookup_classify(lk, lk->node_idn);
    return GX_OK;
}

static int lookup_validate(struct gx_lookup *lk, const char *node, const char *service,
                           const struct addrinfo *hints)
{
    if (node && node[0] == '*' && node[1] == '\0')
        node = NULL;
    if (service && service[0] == '*' && service[1] == '\0')
        service = NULL;
    if (!node && !service)
        return GX_E_NONAME;
    if (!hints)
        hints = &default_hints;
    if (hints->ai_flags & ~ACCEPTED_FLAGS)
        return GX_E_BADFLAGS;
    if ((hints->ai_flags & AI_CANONNAME) && !node)
        return GX_E_BADFLAGS;
    if (hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET &&
        hints->ai_family != AF_INET6)
        return GX_E_FAMILY;
    lk->flags = hints->ai_flags;
    lk->family = hints->ai_family;
    lk->socktype = hints->ai_socktype;
    lk->protocol = hints->ai_protocol;
    gx_service_read(service, &lk->service);
    if (node)
        lookup_classify(lk, node);
    return GX_OK;
}

/* The steps after the addresses are known: order, canonical name, the caller's list. */
static int lookup_finish_addrs(struct gx_lookup *lk, struct gx_dest_info *known)
{
    /* one address: nothing to order */
    int st = lk->addrs.n < 2 ? GX_OK : lookup_sort(lk, known);
    const char *canon = NULL;
    size_t canon_len = 0;
    if (st >= 0)
        st = lookup_canon(lk, &canon, &canon_len);
    if (st >= 0)
        st = gx_result_build(lk->addrs.v, lk->addrs.n, lk->tuples, (size_t)lk->ntuples,
                             lk->flags, canon, canon_len, &lk->res);
    return st;
}

static void lookup_end(struct gx_lookup *lk, int st, struct gx_dest_info *known)
{
    if (st >= 0)
        st = lookup_finish_addrs(lk, known);
    lk->status = st < 0 ? st : GX_OK;
    lk->finished = true;
}

/* The two stages of AF_INET6 with AI_V4MAPPED combine as glibc's no_data / no_inet6_data: both
 * timed out -> EAI_AGAIN; both without data (or timed out) -> EAI_NODATA; else EAI_NONAME. */
static int dns_stages_status(int s1, int s2)
{
    if (s1 == GX_E_AGAIN && s2 == GX_E_AGAIN)
        return GX_E_AGAIN;
    bool nodata1 = s1 == GX_E_NODATA || s1 == GX_E_AGAIN;
    bool nodata2 = s2 == GX_E_NODATA || s2 == GX_E_AGAIN;
    if (nodata1 && nodata2)
        return GX_E_NODATA;
    if (s1 == GX_E_FAIL && s2 == GX_E_FAIL)
        return GX_E_FAIL;
    return GX_E_NONAME;
}

/* The stats of a lookup made of two DNS stages add up: queries summed, the shortest TTL of the
 * answers used, the server and rcode of the stage whose answer was used (the last one else). */
static void dns_stats_add(struct gx_lookup *lk, const struct gx_dns_stats *s, bool used)
{
    struct gx_dns_stats *t = &lk->dns_stats;
    bool answered = t->server.sin6_family != 0;
    t->queries += s->queries;
    if (used) {
        if (!answered || (s->ttl_s < t->ttl_s))
            t->ttl_s = s->ttl_s;
        if (!answered)
            t->server = s->server;
    }
    if (!answered && s->rcode >= 0)
        t->rcode = s->rcode;
}

/* A DNS lookup ended (from the engine's deferred work): take its answer and go on. */
static void lookup_dns_done(struct gx_dns_lookup *l, void *arg)
{
    struct gx_lookup *lk = arg;
    lk->dns = NULL;
    int st = gx_dns_lookup_status(l);
    bool mapped = lk->family == AF_INET6 && lk->dns_stage == DNS_STAGE_A;
    size_t had = lk->addrs.n;
    if (lk->dns_stage == DNS_STAGE_A_PROBE) {
        /* no-aaaa, AF_INET6: the A answer only says the name exists. */
        if (st >= 0)
            st = GX_E_NODATA;
    } else if (st >= 0) {
        struct gx_addrlist got;
        gx_addrlist_init(&got);
        st = gx_dns_lookup_take(l, &got);
        for (size_t i = 0; st >= 0 && i < got.n; i++) {
            struct gx_addr a = mapped ? gx_addr_map4to6(&got.v[i]) : got.v[i];
            st = gx_addrlist_add(&lk->addrs, &a);
        }
        lk->addrs.truncated |= got.truncated;
        gx_addrlist_free(&got);
        const char *name = gx_dns_lookup_name(l);
        if (st >= 0 && name && !lk->dns_canon && (lk->flags & AI_CANONNAME)) {
            /* Kept only for ai_canonname: no allocation for the lookups that do not ask. */
            lk->dns_canon = strdup(name);
            if (!lk->dns_canon)
                st = GX_E_MEMORY;
        }
        if (st >= 0)
            lk->source = GAIX_SOURCE_DNS;
    }
    dns_stats_add(lk, gx_dns_lookup_stats(l), lk->addrs.n > had);
    bool second = lk->family == AF_INET6 && lk->dns_stage == DNS_STAGE_FIRST &&
                  (lk->flags & AI_V4MAPPED) &&
                  ((lk->flags & AI_ALL) || lk->addrs.n == 0) && st != GX_E_MEMORY;
    if (second) {
        lk->dns_status1 = st;
        lk->dns_stage = DNS_STAGE_A;
        int s2 = lookup_dns_start(lk);
        if (s2 >= 0)
            return; /* resumes here when stage 2 ends */
        st = s2;
    } else if (lk->dns_stage == DNS_STAGE_A && lk->addrs.n == 0 && st < 0) {
        st = dns_stages_status(lk->dns_status1, st);
    }
    if (lk->addrs.n > 0)
        st = GX_OK;
    if (lk->sort_batch && lk->addrs.n >= 2) {
        gx_sort_batch_add(lk->sort_batch, lk); /* ends in gx_lookup_end_batched() */
        return;
    }
    lookup_end(lk, st, NULL);
    if (lk->done)
        lk->done(lk);
}

void gx_lookup_end_batched(struct gx_lookup *lk, struct gx_dest_info *info)
{
    lookup_end(lk, GX_OK, info);
    if (lk->done)
        lk->done(lk);
}

static int lookup_prepare(struct gx_lookup *lk, const char *node, const char *service,
                          const struct addrinfo *hints)
{
    int st = lookup_validate(lk, node, service, hints);
    if (st >= 0)
        st = lookup_addrconfig(lk);
    if (st >= 0 && (lk->flags & AI_NUMERICSERV) && lk->service.kind == GX_SERVICE_NAME)
        st = GX_E_NONAME;
    if (st >= 0)
        st = lookup_service(lk);
    if (st >= 0)
        st = lookup_idn(lk);
    if (st >= 0)
        st = lookup_node(lk);
    return st;
}

void gx_lookup_init(struct gx_lookup *lk, gaix_ctx *ctx, struct gx_engine *engine,
                    gx_lookup_done_fn *done)
{
    /* Only what every path reads before writing is set here: the rest is filled by the step
     * that owns it before anything reads it (node_len, literal and localhost by
     * lookup_classify(), which runs whenever there is a node and is read only then; the service
     * and the triples by their steps, read only after those succeeded). This path runs for
     * every numeric lookup, whose budget is 700 instructions. */
    lk->ctx = ctx;
    lk->node = NULL;
    lk->node_idn = NULL;
    lk->canon_owned = NULL;
    lk->dns_canon = NULL;
    lk->engine = engine;
    lk->own_engine = false;
    lk->dns = NULL;
    lk->done = done;
    lk->deadline_us = 0;
    lk->finished = false;
    lk->res = NULL;
    lk->source = GAIX_SOURCE_NONE;
    lk->used_dns = false;
    lk->sort_batch = NULL;
    gx_addrlist_init(&lk->addrs);
    gx_ctx_refs_init(&lk->refs, ctx);
}

bool gx_lookup_start(struct gx_lookup *lk, const char *node, const char *service,
                     const struct addrinfo *hints)
{
    int st = lookup_prepare(lk, node, service, hints);
    if (st == 1)
        return false; /* DNS in flight */
    lookup_end(lk, st, NULL);
    return true;
}

void gx_lookup_cancel(struct gx_lookup *lk)
{
    if (lk->dns) {
        gx_dns_lookup_cancel(lk->dns);
        lk->dns = NULL;
    }
}

void gx_lookup_release(struct gx_lookup *lk)
{
    if (lk->used_dns) {
        /* What only DNS holds (one test on the numeric path, whose budget is 700
         * instructions): the lookup in flight, the private engine, the canonical name. */
        gx_lookup_cancel(lk);
        if (lk->own_engine) {
            gx_engine_destroy(&lk->private_engine);
            lk->own_engine = false;
        }
        if (lk->dns_canon)
            free(lk->dns_canon);
    }
    gx_ctx_refs_release(&lk->refs);
    gx_addrlist_free(&lk->addrs);
    if (lk->canon_owned)
        free(lk->canon_owned);
    if (lk->node_idn)
        free(lk->node_idn);
}

void gx_detail_fill(struct gaix_result *r, int eai, enum gaix_source source,
                    const struct gx_dns_stats *dns)
{
    memset(r, 0, sizeof *r);
    r->status = eai;
    r->source = eai != 0 ? GAIX_SOURCE_NONE : source;
    r->rcode = -1;
    if (dns) {
        r->rcode = dns->rcode;
        r->queries = dns->queries;
        r->ttl_s = dns->ttl_s;
        memcpy(&r->server, &dns->server, sizeof dns->server);
    }
}

void gx_lookup_detail(const struct gx_lookup *lk, struct gaix_result *r)
{
    gx_detail_fill(r, lk->status < 0 ? gx_status_to_eai(lk->status) : 0, lk->source,
                   lk->used_dns ? &lk->dns_stats : NULL);
    r->ai = lk->res;
    r->truncated = lk->addrs.truncated;
}

int gx_getaddrinfo(gaix_ctx *ctx, const char *node, const char *service,
                   const struct addrinfo *hints, struct addrinfo **res, struct gaix_result *detail)
{
    struct gx_lookup lk;
    gx_lookup_init(&lk, ctx, NULL, NULL);
    uint64_t start = detail ? gx_engine_now_us() : 0;
    if (!gx_lookup_start(&lk, node, service, hints)) {
        /* DNS: drive the private engine until the lookup ends. */
        while (!lk.finished) {
            if (gx_engine_round(&lk.private_engine, -1) < 0 && !lk.finished) {
                gx_lookup_cancel(&lk);
                lk.status = GX_E_SYSTEM;
                lk.finished = true;
            }
        }
    }
    if (detail) {
        gx_lookup_detail(&lk, detail);
        detail->elapsed_us = gx_engine_now_us() - start;
    }
    int st = lk.status;
    if (st >= 0)
        *res = lk.res;
    gx_lookup_release(&lk);
    return st < 0 ? gx_status_to_eai(st) : 0;
}
