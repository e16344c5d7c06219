#include "engine/timers.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

void gx_timer_heap_init(struct gx_timer_heap *h)
{
    h->v = h->inline_v;
    h->n = 0;
    h->cap = GX_TIMER_HEAP_INLINE;
}

void gx_timer_heap_free(struct gx_timer_heap *h)
{
    for (size_t i = 0; i < h->n; i++)
        h->v[i]->slot = GX_TIMER_NONE;
    if (h->v != h->inline_v)
        free(h->v);
    gx_timer_heap_init(h);
}

static void heap_place(struct gx_timer_heap *h, size_t i, struct gx_timer *t)
{
    h->v[i] = t;
    t->slot = i;
}

static void heap_up(struct gx_timer_heap *h, size_t i)
{
    struct gx_timer *t = h->v[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->v[parent]->deadline_us <= t->deadline_us)
            break;
        heap_place(h, i, h->v[parent]);
        i = parent;
    }
    heap_place(h, i, t);
}

static void heap_down(struct gx_timer_heap *h, size_t i)
{
    struct gx_timer *t = h->v[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->n)
            break;
        if (child + 1 < h->n && h->v[child + 1]->deadline_us < h->v[child]->deadline_us)
            child++;
        if (t->deadline_us <= h->v[child]->deadline_us)
            break;
        heap_place(h, i, h->v[child]);
        i = child;
    }
    heap_place(h, i, t);
}

int gx_timer_set(struct gx_timer_heap *h, struct gx_timer *t, uint64_t deadline_us)
{
    if (gx_timer_armed(t)) {
        uint64_t old = t->deadline_us;
        t->deadline_us = deadline_us;
        if (deadline_us < old)
            heap_up(h, t->slot);
        else
            heap_down(h, t->slot);
        return GX_OK;
    }
    if (h->n == h->cap) {
        size_t ncap = h->cap * 2;
        bool was_inline = h->v == h->inline_v;
        struct gx_timer **nv = realloc(was_inline ? NULL : h->v, ncap * sizeof *nv);
        if (!nv)
            return GX_E_MEMORY;
        if (was_inline)
            memcpy(nv, h->inline_v, h->n * sizeof *nv);
        h->v = nv;
        h->cap = ncap;
    }
    t->deadline_us = deadline_us;
    heap_place(h, h->n++, t);
    heap_up(h, t->slot);
    return GX_OK;
}

void gx_timer_cancel(struct gx_timer_heap *h, struct gx_timer *t)
{
    if (!gx_timer_armed(t))
        return;
    size_t i = t->slot;
    t->slot = GX_TIMER_NONE;
    struct gx_timer *last = h->v[--h->n];
    if (i == h->n)
        return;
    heap_place(h, i, last);
    if (i > 0 && h->v[(i - 1) / 2]->deadline_us > last->deadline_us)
        heap_up(h, i);
    else
        heap_down(h, i);
}

struct gx_timer *gx_timer_first(const struct gx_timer_heap *h)
{
    return h->n ? h->v[0] : NULL;
}
