#include "engine/engine.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/fork.h"
#include "core/status.h"

/* Descriptors one poll() round watches on the stack; a blocking lookup uses at most four (two
 * UDP flights and their TCP fallbacks), so this bound only matters for huge private engines,
 * which then take one allocation per round. */
#define ENGINE_POLL_STACK 16
/* Events taken from epoll per round: enough to keep a thousand lookups moving without starving
 * the timers; the rest wait for the next round. */
#define ENGINE_EPOLL_BATCH 256
/* The epoll data of the eventfd, and the slot of an io that has none (see gx_engine_watch). */
#define ENGINE_WAKE_DATA UINT64_MAX
#define ENGINE_RING_DATA (UINT64_MAX - 1)
#define ENGINE_NO_SLOT UINT32_MAX

uint64_t gx_engine_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The ring is an optimisation: without it (or with GAIX_NO_IO_URING set) flights use sockets. */
static void engine_ring_open(struct gx_engine *e)
{
    if (secure_getenv("GAIX_NO_IO_URING") || gx_ring_open(&e->ring) != GX_OK)
        return;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ENGINE_RING_DATA};
    if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, gx_ring_fd(e->ring), &ev) != 0) {
        gx_ring_free(e->ring, false);
        e->ring = NULL;
        return;
    }
    e->ring_fork_gen = gx_fork_generation();
}

/* The ring, if it belongs to this process. A forked child never touches its parent's ring (it
 * is not even mapped there): it lets it go, and its flights in the ring end by their deadlines. */
static struct gx_ring *engine_ring(struct gx_engine *e)
{
    if (e->ring && e->ring_fork_gen != gx_fork_generation()) {
        gx_ring_free(e->ring, true);
        e->ring = NULL;
    }
    return e->ring;
}

int gx_engine_init(struct gx_engine *e, bool use_epoll)
{
    memset(e, 0, sizeof *e);
    gx_timer_heap_init(&e->timers);
    e->epfd = e->wakefd = -1;
    if (!use_epoll)
        return GX_OK;
    e->epfd = epoll_create1(EPOLL_CLOEXEC);
    e->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ENGINE_WAKE_DATA};
    if (e->epfd < 0 || e->wakefd < 0 || epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->wakefd, &ev) != 0) {
        int err = errno;
        gx_engine_destroy(e);
        errno = err;
        return GX_E_SYSTEM;
    }
    engine_ring_open(e);
    return GX_OK;
}

void gx_engine_destroy(struct gx_engine *e)
{
    struct gx_ring *r = engine_ring(e); /* a forked child's is let go there */
    if (r)
        gx_ring_free(r, false);
    e->ring = NULL;
    if (e->epfd >= 0)
        close(e->epfd);
    if (e->wakefd >= 0)
        close(e->wakefd);
    gx_timer_heap_free(&e->timers);
    free(e->slots);
    e->slots = NULL;
    e->nslots = e->free_slot = 0;
    e->epfd = e->wakefd = -1;
}

void gx_io_init(struct gx_io *io)
{
    memset(io, 0, sizeof *io);
    io->fd = -1;
    io->slot = ENGINE_NO_SLOT;
    io->ring_slot = GX_RING_NO_SLOT;
    gx_timer_init(&io->timer);
}

/*
 * The epoll set names an io by (slot, generation) in its 64-bit data, never by pointer. A
 * descriptor's registration is not taken out with EPOLL_CTL_DEL when its owner closes it (a
 * system call per flight): close() takes it out, as the kernel drops a registration when the
 * last reference to the open file goes. When a forked child still holds a copy of the socket
 * the registration outlives our close() and may still report events, with a generation that
 * no longer matches: they are ignored. Registrations are edge-triggered, so such a leftover
 * reports only new arrivals, never the same readable socket round after round.
 */
static int slot_take(struct gx_engine *e, struct gx_io *io)
{
    if (e->free_slot >= e->nslots) {
        uint32_t n = e->nslots ? e->nslots * 2 : 64;
        struct gx_io_slot *t = realloc(e->slots, n * sizeof *t);
        if (!t)
            return GX_E_MEMORY;
        for (uint32_t i = e->nslots; i < n; i++) {
            t[i].io = NULL;
            t[i].gen = 0;
            t[i].next_free = i + 1;
        }
        e->slots = t;
        e->free_slot = e->nslots;
        e->nslots = n;
    }
    uint32_t i = e->free_slot;
    e->free_slot = e->slots[i].next_free;
    e->slots[i].io = io;
    io->slot = i;
    return GX_OK;
}

static void slot_give_back(struct gx_engine *e, struct gx_io *io)
{
    struct gx_io_slot *s = &e->slots[io->slot];
    s->io = NULL;
    s->gen++;
    s->next_free = e->free_slot;
    e->free_slot = io->slot;
    io->slot = ENGINE_NO_SLOT;
}

int gx_engine_watch(struct gx_engine *e, struct gx_io *io)
{
    if (io->ring_slot != GX_RING_NO_SLOT)
        return GX_OK; /* the ring reports it */
    if (e->epfd >= 0 && io->fd >= 0) {
        bool fresh = !io->registered || io->slot == ENGINE_NO_SLOT;
        if (fresh && slot_take(e, io) < 0)
            return GX_E_MEMORY;
        struct epoll_event ev = {.events = EPOLLET};
        ev.data.u64 = (uint64_t)e->slots[io->slot].gen << 32 | io->slot;
        if (io->events & POLLIN)
            ev.events |= EPOLLIN;
        if (io->events & POLLOUT)
            ev.events |= EPOLLOUT;
        if (epoll_ctl(e->epfd, fresh ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, io->fd, &ev) != 0) {
            if (fresh)
                slot_give_back(e, io);
            return GX_E_SYSTEM;
        }
    }
    if (!io->registered) {
        io->prev = NULL;
        io->next = e->ios;
        if (e->ios)
            e->ios->prev = io;
        e->ios = io;
        e->nios++;
        io->registered = true;
    }
    return GX_OK;
}

void gx_engine_unwatch(struct gx_engine *e, struct gx_io *io)
{
    gx_timer_cancel(&e->timers, &io->timer);
    if (io->ring_slot != GX_RING_NO_SLOT) {
        struct gx_ring *r = engine_ring(e);
        if (r)
            gx_ring_udp_stop(r, io);
        io->ring_slot = GX_RING_NO_SLOT;
    }
    if (!io->registered)
        return;
    if (io->slot != ENGINE_NO_SLOT)
        slot_give_back(e, io); /* no EPOLL_CTL_DEL: the caller's close() (see above) */
    if (io->prev)
        io->prev->next = io->next;
    else
        e->ios = io->next;
    if (io->next)
        io->next->prev = io->prev;
    e->nios--;
    io->registered = false;
    io->prev = io->next = NULL;
}

int gx_engine_udp_start(struct gx_engine *e, struct gx_io *io, const struct sockaddr *server,
                        socklen_t len, const uint8_t *const *msgs, const size_t *lens, unsigned n)
{
    struct gx_ring *r = engine_ring(e);
    return r ? gx_ring_udp_start(r, io, server, len, msgs, lens, n) : GX_E_LIMIT;
}

void gx_engine_flush(struct gx_engine *e)
{
    struct gx_ring *r = engine_ring(e);
    if (r)
        gx_ring_submit(r);
}

int gx_engine_deadline(struct gx_engine *e, struct gx_io *io, uint64_t deadline_us)
{
    return gx_timer_set(&e->timers, &io->timer, deadline_us);
}

void gx_engine_defer(struct gx_engine *e, struct gx_deferred *d)
{
    if (d->queued)
        return;
    d->queued = true;
    d->next = NULL;
    if (e->deferred_tail)
        e->deferred_tail->next = d;
    else
        e->deferred = d;
    e->deferred_tail = d;
    gx_engine_wake(e);
}

void gx_engine_wake(struct gx_engine *e)
{
    /* One write until the loop has read it: the descriptor is readable either way, and a round
     * that finishes a hundred lookups then costs one system call here, not a hundred. */
    if (e->wakefd >= 0 && !e->wake_pending) {
        e->wake_pending = true;
        uint64_t one = 1;
        ssize_t n = write(e->wakefd, &one, sizeof one);
        (void)n; /* a full counter still wakes the loop */
    }
}

void gx_engine_undefer(struct gx_engine *e, struct gx_deferred *d)
{
    if (!d->queued)
        return;
    struct gx_deferred **pp = &e->deferred, *prev = NULL;
    while (*pp && *pp != d) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (*pp) {
        *pp = d->next;
        if (e->deferred_tail == d)
            e->deferred_tail = prev;
    }
    d->queued = false;
    d->next = NULL;
}

int64_t gx_engine_next_us(const struct gx_engine *e, uint64_t now_us)
{
    if (e->deferred)
        return 0;
    const struct gx_timer *t = gx_timer_first(&e->timers);
    if (!t)
        return -1;
    return t->deadline_us <= now_us ? 0 : (int64_t)(t->deadline_us - now_us);
}

static int engine_poll(struct gx_engine *e, int timeout_ms, uint64_t *now)
{
    struct pollfd stack[ENGINE_POLL_STACK];
    struct gx_io *stack_io[ENGINE_POLL_STACK];
    struct pollfd *pfd = stack;
    struct gx_io **owner = stack_io;
    size_t n = 0;
    if (e->nios > ENGINE_POLL_STACK) {
        pfd = malloc(e->nios * sizeof *pfd);
        owner = malloc(e->nios * sizeof *owner);
        if (!pfd || !owner) {
            free(pfd == stack ? NULL : pfd);
            free(owner == stack_io ? NULL : owner);
            return GX_E_MEMORY;
        }
    }
    for (struct gx_io *io = e->ios; io; io = io->next) {
        if (io->fd < 0)
            continue;
        pfd[n].fd = io->fd;
        pfd[n].events = io->events;
        pfd[n].revents = 0;
        owner[n++] = io;
    }
    /* Nothing to watch and nothing to wait for (the lookup finished, or only deferred work is
     * due): no system call. With a timeout, poll() is the sleep until the next timer. */
    int r = n == 0 && timeout_ms == 0 ? 0 : poll(pfd, n, timeout_ms);
    int st = GX_OK;
    if (r < 0 && errno != EINTR)
        st = GX_E_SYSTEM;
    *now = gx_engine_now_us();
    for (size_t i = 0; r > 0 && i < n; i++) {
        /* A handler may unwatch other ios of this round (a lookup closing its twin flight):
         * those are skipped by checking that the io is still watched with this descriptor. */
        if (pfd[i].revents && owner[i]->registered && owner[i]->fd == pfd[i].fd)
            owner[i]->on_ready(owner[i], *now);
    }
    if (pfd != stack) {
        free(pfd);
        free(owner);
    }
    return st;
}

static int engine_epoll(struct gx_engine *e, int timeout_ms, uint64_t *now)
{
    struct epoll_event evs[ENGINE_EPOLL_BATCH];
    int r = epoll_wait(e->epfd, evs, ENGINE_EPOLL_BATCH, timeout_ms);
    if (r < 0 && errno != EINTR)
        return GX_E_SYSTEM;
    *now = gx_engine_now_us();
    for (int i = 0; i < r; i++) {
        uint64_t data = evs[i].data.u64;
        if (data == ENGINE_RING_DATA)
            continue; /* its completions are reaped after this loop */
        if (data == ENGINE_WAKE_DATA) {
            e->wake_pending = false;
            uint64_t count;
            ssize_t n = read(e->wakefd, &count, sizeof count);
            (void)n;
            continue;
        }
        /* A handler earlier in this batch may have unwatched this io (its slot was given back,
         * and maybe taken again by a new io: the generation tells), or the event comes from a
         * registration that outlived its descriptor (a forked child's copy): skipped. */
        uint32_t slot = (uint32_t)data;
        if (slot < e->nslots && e->slots[slot].io && e->slots[slot].gen == (uint32_t)(data >> 32))
            e->slots[slot].io->on_ready(e->slots[slot].io, *now);
    }
    return GX_OK;
}

static void engine_timers(struct gx_engine *e, uint64_t now)
{
    struct gx_timer *t;
    while ((t = gx_timer_first(&e->timers)) != NULL && t->deadline_us <= now) {
        gx_timer_cancel(&e->timers, t);
        struct gx_io *io = (struct gx_io *)(void *)((char *)t - offsetof(struct gx_io, timer));
        io->on_timeout(io, now);
    }
}

static void engine_deferred(struct gx_engine *e)
{
    /* Work queued while running queued work runs in the same round. */
    while (e->deferred) {
        struct gx_deferred *d = e->deferred;
        e->deferred = d->next;
        if (!e->deferred)
            e->deferred_tail = NULL;
        d->queued = false;
        d->run(d);
    }
}

int gx_engine_round(struct gx_engine *e, int64_t timeout_us)
{
    uint64_t now = gx_engine_now_us();
    int64_t next = gx_engine_next_us(e, now);
    if (next >= 0 && (timeout_us < 0 || next < timeout_us))
        timeout_us = next;
    /* Round up to whole milliseconds: waking early would only spin. */
    int timeout_ms = timeout_us < 0 ? -1 : (int)((timeout_us + 999) / 1000);
    int st = e->epfd >= 0 ? engine_epoll(e, timeout_ms, &now) : engine_poll(e, timeout_ms, &now);
    /* The wait ran what the kernel owed this thread: the ring's completions are in place. */
    struct gx_ring *r = engine_ring(e); /* NULL for a private engine */
    if (r)
        gx_ring_reap(r, now);
    engine_timers(e, now);
    engine_deferred(e);
    if (r)
        gx_ring_submit(r);
    return st;
}
