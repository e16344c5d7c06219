#include "lookup/addrlist.h"

#include <stdlib.h>

#include "core/limits.h"
#include "core/status.h"

void gx_addrlist_init(struct gx_addrlist *l)
{
    l->v = l->inline_v;
    l->n = 0;
    l->cap = GX_ADDRLIST_INLINE;
    l->count4 = l->count6 = 0;
    l->truncated = false;
    l->canon = NULL;
    l->canon_len = 0;
}

static int addrlist_grow(struct gx_addrlist *l)
{
    /* cap never exceeds 2 x GX_ADDRS_PER_FAMILY_MAX, so the products cannot overflow. */
    size_t ncap = l->cap * 2;
    struct gx_addr *nv = malloc(ncap * sizeof *nv);
    if (!nv)
        return GX_E_MEMORY;
    for (size_t i = 0; i < l->n; i++)
        nv[i] = l->v[i];
    if (l->v != l->inline_v)
        free(l->v);
    l->v = nv;
    l->cap = ncap;
    return GX_OK;
}

int gx_addrlist_add_slow(struct gx_addrlist *l, const struct gx_addr *a)
{
    size_t *count = a->family == AF_INET ? &l->count4 : &l->count6;
    /* A linear scan: lists are short, and the cap bounds the worst case at about a million
     * comparisons for a pathological source. */
    for (size_t i = 0; i < l->n; i++)
        if (gx_addr_equal(&l->v[i], a))
            return GX_OK;
    if (*count >= GX_ADDRS_PER_FAMILY_MAX) {
        l->truncated = true;
        return GX_OK;
    }
    if (l->n == l->cap) {
        int st = addrlist_grow(l);
        if (st < 0)
            return st;
    }
    l->v[l->n++] = *a;
    (*count)++;
    return GX_OK;
}

void gx_addrlist_filter(struct gx_addrlist *l, bool (*keep)(const struct gx_addr *))
{
    size_t out = 0;
    l->count4 = l->count6 = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!keep(&l->v[i]))
            continue;
        if (l->v[i].family == AF_INET)
            l->count4++;
        else
            l->count6++;
        l->v[out++] = l->v[i];
    }
    l->n = out;
}
