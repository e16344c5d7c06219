/*
 * Ordering the answers of many lookups with one routing question. In the async API a round of
 * the engine often finishes dozens of DNS lookups at once; each needs, to order its addresses
 * (RFC 6724), what the kernel says about reaching every one of them (net/netstate.h), which costs
 * two system calls per batch of destinations that are not cached. A lookup whose DNS answer has
 * two addresses or more joins the context's batch instead of asking alone; the batch runs once,
 * as deferred work after every lookup of the round has joined (engine.h: work queued while
 * deferred work runs runs in the same round), asks about all their destinations together, and
 * ends each lookup with its share of the answers: the same order, the same result, as if each
 * had asked alone. The blocking call has a single lookup and no batch.
 *
 * Lookups wait in the batch only inside one engine round, under the async lock: a lookup can be
 * neither cancelled nor freed while it waits.
 */
#ifndef GX_SORT_BATCH_H
#define GX_SORT_BATCH_H

#include <stddef.h>

#include "core/addr.h"
#include "engine/engine.h"
#include "lookup/sort.h"

struct gx_lookup;

struct gx_sort_batch {
    struct gx_engine *e;
    struct gx_deferred work;
    struct gx_lookup *head, *tail; /* waiting, linked by gx_lookup.batch_next */
    struct gx_addr *dests;         /* scratch, kept from round to round */
    struct gx_dest_info *info;
    size_t cap;
};

void gx_sort_batch_init(struct gx_sort_batch *b, struct gx_engine *e);
/* Frees the scratch; no lookup waits (see above). */
void gx_sort_batch_destroy(struct gx_sort_batch *b);
/* lk (finished DNS, two addresses or more) waits for the batch, which ends it. */
void gx_sort_batch_add(struct gx_sort_batch *b, struct gx_lookup *lk);

#endif
