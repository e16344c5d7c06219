/* Reference counts for immutable shared objects (indexes, snapshots). */
#ifndef GX_REFCOUNT_H
#define GX_REFCOUNT_H

#include <stdatomic.h>
#include <stdbool.h>

typedef struct {
    atomic_uint n;
} gx_refcount;

static inline void gx_ref_init(gx_refcount *r)
{
    atomic_init(&r->n, 1);
}

static inline void gx_ref_get(gx_refcount *r)
{
    atomic_fetch_add_explicit(&r->n, 1, memory_order_relaxed);
}

/* True when this was the last reference: the caller frees the object. */
static inline bool gx_ref_put(gx_refcount *r)
{
    return atomic_fetch_sub_explicit(&r->n, 1, memory_order_acq_rel) == 1;
}

#endif
