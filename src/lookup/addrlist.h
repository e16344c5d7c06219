/*
 * The addresses a source found for a node, in the source's order, with the canonical name it
 * gave. Exact duplicates are merged as they arrive (D5) and each family is capped at
 * GX_ADDRS_PER_FAMILY_MAX (the cap is reported in `truncated`, never silent to a trace). The
 * first GX_ADDRLIST_INLINE addresses live inside the struct, so that a typical lookup needs no
 * allocation beyond its result.
 */
#ifndef GX_ADDRLIST_H
#define GX_ADDRLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/addr.h"

/* Eight covers localhost (two), a dual-stack name (two to four) and most DNS answers. */
#define GX_ADDRLIST_INLINE 8

struct gx_addrlist {
    struct gx_addr *v;
    size_t n;
    size_t cap;
    size_t count4, count6;
    bool truncated; /* GX_ADDRS_PER_FAMILY_MAX was reached; later addresses were dropped */
    const char *canon; /* the source's canonical name, or NULL; not owned */
    size_t canon_len;
    struct gx_addr inline_v[GX_ADDRLIST_INLINE];
};

void gx_addrlist_init(struct gx_addrlist *l);
/* Frees what the list allocated; the list must be initialised again before reuse. */
static inline void gx_addrlist_free(struct gx_addrlist *l)
{
    if (l->v != l->inline_v)
        free(l->v);
}

/* The general case of gx_addrlist_add(). */
int gx_addrlist_add_slow(struct gx_addrlist *l, const struct gx_addr *a);

/* Appends a copy of *a unless an equal address is already there. GX_OK or GX_E_MEMORY. The first
 * address (every numeric host) needs no comparison and no room check. */
static inline int gx_addrlist_add(struct gx_addrlist *l, const struct gx_addr *a)
{
    if (l->n == 0) {
        l->v[0] = *a;
        l->n = 1;
        l->count4 = a->family == AF_INET;
        l->count6 = a->family != AF_INET;
        return 0;
    }
    return gx_addrlist_add_slow(l, a);
}

/* Drops every address for which keep() is false, keeping the order. */
void gx_addrlist_filter(struct gx_addrlist *l, bool (*keep)(const struct gx_addr *));

#endif
