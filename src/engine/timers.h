/*
 * Deadlines of an engine: a binary min-heap of timers embedded in their owners, so that adding,
 * removing and finding the next deadline are O(log n) / O(1) whatever the number of lookups in
 * flight, and no allocation happens per timer beyond the heap's array (none up to
 * GX_TIMER_HEAP_INLINE timers).
 */
#ifndef GX_TIMERS_H
#define GX_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GX_TIMER_NONE SIZE_MAX

struct gx_timer {
    uint64_t deadline_us; /* monotonic microseconds */
    size_t slot;          /* its index in the heap, or GX_TIMER_NONE when not armed */
};

/* Timers a heap holds without allocating: a blocking lookup arms a few (its flights, the twin
 * re-send, the caller's deadline), so its private engine never allocates for them. */
#define GX_TIMER_HEAP_INLINE 8

/* v points at inline_v until more are needed: the heap must not be copied once initialised. */
struct gx_timer_heap {
    struct gx_timer **v;
    size_t n, cap;
    struct gx_timer *inline_v[GX_TIMER_HEAP_INLINE];
};

void gx_timer_heap_init(struct gx_timer_heap *h);
void gx_timer_heap_free(struct gx_timer_heap *h);

static inline void gx_timer_init(struct gx_timer *t)
{
    t->slot = GX_TIMER_NONE;
    t->deadline_us = 0;
}

static inline bool gx_timer_armed(const struct gx_timer *t)
{
    return t->slot != GX_TIMER_NONE;
}

/* Arms (or re-arms) t for deadline_us. GX_OK or GX_E_MEMORY. */
int gx_timer_set(struct gx_timer_heap *h, struct gx_timer *t, uint64_t deadline_us);
/* Disarms t (no-op when not armed). */
void gx_timer_cancel(struct gx_timer_heap *h, struct gx_timer *t);
/* The earliest armed timer, or NULL. */
struct gx_timer *gx_timer_first(const struct gx_timer_heap *h);

#endif
