#include "lookup/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "api/context.h"
#include "core/hostname.h"
#include "core/status.h"
#include "lookup/addrlist.h"
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

/* Everything one lookup carries from step to step. */
struct lookup {
    const char *node; /* NULL: no node */
    size_t node_len;
    char *node_idn;   /* the node converted by AI_IDN, owned */
    int flags, family, socktype, protocol;
    struct gx_literal literal;
    bool localhost;
    struct gx_service service;
    struct gx_servtuple tuples[GX_SERVTUPLES_MAX];
    int ntuples;
    struct gx_addrlist addrs;
    char *canon_owned; /* a canonical name converted by AI_CANONIDN */
    struct gx_ctx_refs refs;
};

/* Nodes AI_ADDRCONFIG never filters (D: docs/DIFFERENCES.md): no node, a numeric host, the
 * loopback names. glibc filters them too, and so fails 127.0.0.1 on an IPv6-only host. */
static bool lookup_exempt_from_addrconfig(const struct lookup *lk)
{
    return lk->node == NULL || lk->literal.kind != GX_LITERAL_NONE || lk->localhost;
}

/* AI_ADDRCONFIG as glibc applies it: with one family configured, AF_UNSPEC narrows to it; asking
 * for a family that is not configured finds nothing. "Configured" ignores 127.0.0.1 and ::1. */
static int lookup_addrconfig(struct lookup *lk)
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

static int lookup_service(struct lookup *lk)
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

/* A host name (not numeric): the hosts file, then RFC 6761 for localhost names. */
static int lookup_name(struct lookup *lk)
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
    if (lk->addrs.n == 0 && lk->localhost)
        st = gx_source_localhost(lk->family, lk->flags, &lk->addrs);
    if (st < 0)
        return st;
    return lk->addrs.n > 0 ? GX_OK : GX_E_NONAME;
}

static int lookup_node(struct lookup *lk)
{
    if (lk->node == NULL) {
        gx_source_null(lk->family, lk->flags, &lk->addrs);
        return GX_OK;
    }
    if (lk->literal.kind != GX_LITERAL_NONE)
        return gx_source_literal(&lk->literal, lk->family, lk->flags, &lk->addrs);
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

/* RFC 6724: only a list of two or more addresses has an order to decide. */
static int lookup_sort(struct lookup *lk)
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
    struct gx_dest_info *info = inline_info;
    if (n > GX_ADDRLIST_INLINE) {
        info = malloc(n * sizeof *info);
        if (!info)
            return GX_E_MEMORY;
    }
    st = gx_netstate_dest_info(ns, lk->addrs.v, n, info);
    if (st >= 0 && policy->base == GAIX_POLICY_GLIBC && !gx_netstate_has_ipv6(ns))
        sort_forget_interfaces(info, n);
    if (st >= 0)
        st = gx_sort(lk->addrs.v, info, n, policy);
    if (info != inline_info)
        free(info);
    return st;
}

/* The canonical name (AI_CANONNAME): a source's, else the node as given; AI_CANONIDN decodes
 * it, keeping the ASCII form when it cannot be decoded (glibc's behaviour). */
static int lookup_canon(struct lookup *lk, const char **canon, size_t *len)
{
    *canon = NULL;
    *len = 0;
    if (!(lk->flags & AI_CANONNAME))
        return GX_OK;
    if (lk->addrs.canon && lk->literal.kind == GX_LITERAL_NONE) {
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
static void lookup_classify(struct lookup *lk, const char *node)
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
static int lookup_idn(struct lookup *lk)
{
    if (!lk->node || !(lk->flags & AI_IDN) || !gx_idn_needs_encoding(lk->node, lk->node_len))
        return GX_OK;
    int st = gx_idn_to_ascii(lk->node, &lk->node_idn);
    if (st < 0)
        return st;
    lookup_classify(lk, lk->node_idn);
    return GX_OK;
}

static int lookup_validate(struct lookup *lk, const char *node, const char *service,
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

static int lookup_run(struct lookup *lk, const char *node, const char *service,
                      const struct addrinfo *hints, struct addrinfo **res)
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
    if (st >= 0)
        st = lookup_sort(lk);
    const char *canon = NULL;
    size_t canon_len = 0;
    if (st >= 0)
        st = lookup_canon(lk, &canon, &canon_len);
    if (st >= 0)
        st = gx_result_build(lk->addrs.v, lk->addrs.n, lk->tuples, (size_t)lk->ntuples,
                             lk->flags, canon, canon_len, res);
    return st;
}

int gx_getaddrinfo(gaix_ctx *ctx, const char *node, const char *service,
                   const struct addrinfo *hints, struct addrinfo **res)
{
    /* Only what every path reads before writing is set here: the rest is filled by the step
     * that owns it before anything reads it (node_len, literal and localhost by
     * lookup_classify(), which runs whenever there is a node and is read only then; the service
     * and the triples by their steps, read only after those succeeded). This path runs for
     * every numeric lookup, whose budget is 700 instructions. */
    struct lookup lk;
    lk.node = NULL;
    lk.node_idn = NULL;
    lk.canon_owned = NULL;
    gx_addrlist_init(&lk.addrs);
    gx_ctx_refs_init(&lk.refs, ctx);

    int st = lookup_run(&lk, node, service, hints, res);

    gx_ctx_refs_release(&lk.refs);
    gx_addrlist_free(&lk.addrs);
    if (lk.canon_owned)
        free(lk.canon_owned);
    if (lk.node_idn)
        free(lk.node_idn);
    return st < 0 ? gx_status_to_eai(st) : 0;
}
