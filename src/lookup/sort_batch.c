#include "lookup/sort_batch.h"

#include <stdlib.h>

#include "core/status.h"
#include "lookup/pipeline.h"
#include "net/netstate.h"

/* Destinations asked about together at most: the routing question goes 64 at a time anyway
 * (net/netstate.c), so a larger batch would save nothing, and the scratch kept from round to round
 * stays under 64 KiB whatever the answers hold (a lookup may have 2,048 addresses). A lookup with
 * more addresses than this asks alone. */
#define SORT_BATCH_MAX 1024

static void batch_run(struct gx_deferred *d);

void gx_sort_batch_init(struct gx_sort_batch *b, struct gx_engine *e)
{
    b->e = e;
    b->work.run = batch_run;
    b->work.next = NULL;
    b->work.queued = false;
    b->head = b->tail = NULL;
    b->dests = NULL;
    b->info = NULL;
    b->cap = 0;
}

void gx_sort_batch_destroy(struct gx_sort_batch *b)
{
    free(b->dests);
    free(b->info);
    b->dests = NULL;
    b->info = NULL;
    b->cap = 0;
}

static int batch_reserve(struct gx_sort_batch *b, size_t n)
{
    if (n <= b->cap)
        return GX_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < n)
        cap *= 2;
    struct gx_addr *d = malloc(cap * sizeof *d);
    struct gx_dest_info *i = malloc(cap * sizeof *i);
    if (!d || !i) {
        free(d);
        free(i);
        return GX_E_MEMORY;
    }
    free(b->dests);
    free(b->info);
    b->dests = d;
    b->info = i;
    b->cap = cap;
    return GX_OK;
}

/* Deferred: the lookups of the round, grouped by network snapshot (nearly always one), each
 * group's destinations asked about together. */
static void batch_run(struct gx_deferred *d)
{
    struct gx_sort_batch *b = (struct gx_sort_batch *)(void *)((char *)d -
                                                               offsetof(struct gx_sort_batch,
                                                                        work));
    struct gx_lookup *list = b->head;
    b->head = b->tail = NULL;
    while (list) {
        struct gx_netstate *ns = NULL;
        if (gx_ctx_net(&list->refs, &ns) < 0) {
            /* No snapshot: this lookup ends alone, with the error its own sort gets. */
            struct gx_lookup *lk = list;
            list = lk->batch_next;
            gx_lookup_end_batched(lk, NULL);
            continue;
        }
        /* The group: the lookups at the head of the list on the same snapshot. */
        size_t total = 0;
        struct gx_lookup *end = list;
        while (end) {
            struct gx_netstate *other = NULL;
            if (end != list && (total + end->addrs.n > SORT_BATCH_MAX ||
                                gx_ctx_net(&end->refs, &other) < 0 || other != ns))
                break;
            total += end->addrs.n;
            end = end->batch_next;
        }
        bool asked = total <= SORT_BATCH_MAX && batch_reserve(b, total) >= 0;
        if (asked) {
            size_t at = 0;
            for (struct gx_lookup *lk = list; lk != end; lk = lk->batch_next) {
                for (size_t i = 0; i < lk->addrs.n; i++)
                    b->dests[at++] = lk->addrs.v[i];
            }
            asked = gx_netstate_dest_info(ns, b->dests, total, b->info) >= 0;
        }
        size_t at = 0;
        while (list != end) {
            struct gx_lookup *lk = list;
            list = lk->batch_next;
            size_t n = lk->addrs.n;
            /* Without the batch's answers (no memory, or one lookup larger than a batch), each
             * asks alone. */
            gx_lookup_end_batched(lk, asked ? b->info + at : NULL);
            at += n;
        }
    }
}

void gx_sort_batch_add(struct gx_sort_batch *b, struct gx_lookup *lk)
{
    lk->batch_next = NULL;
    if (b->tail)
        b->tail->batch_next = lk;
    else
        b->head = lk;
    b->tail = lk;
    gx_engine_defer(b->e, &b->work);
}
