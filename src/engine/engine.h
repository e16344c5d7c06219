/*
 * The event engine every DNS lookup runs on. It owns no policy: it watches descriptors, keeps
 * deadlines and runs deferred work, and the DNS lookup (dns_lookup.c) is written against it.
 *
 * Two ways to drive the same engine, sharing every line of the lookup logic:
 * - blocking (gaix_getaddrinfo): a private engine on the caller's stack, driven by
 *   gx_engine_wait() — a poll() over its few descriptors — until the lookup completes;
 * - asynchronous (gaix_resolve): the context's engine, whose descriptors are also registered in
 *   an epoll set that the application's event loop watches through gaix_ctx_fd(); the
 *   application calls gaix_ctx_process() when it is readable or the timeout expired.
 *
 * Callbacks never run in the middle of reading a socket: an I/O handler that finishes a lookup
 * queues its completion with gx_engine_defer(), and queued work runs after the read and timer
 * loops (P8: a lookup is detached from every list before its completion runs).
 *
 * Time is passed in (microseconds, monotonic), so handlers can be driven with a fake clock.
 */
#ifndef GX_ENGINE_H
#define GX_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engine/ring.h"
#include "engine/timers.h"

struct gx_engine;

/* A watched descriptor with its deadline; embedded in its owner. */
struct gx_io {
    int fd;          /* -1: no descriptor, only a deadline */
    short events;    /* POLLIN / POLLOUT */
    bool registered; /* in the engine's list (and epoll set) */
    uint32_t slot;   /* epoll: its entry in the engine's slot table, while registered */
    uint32_t ring_slot; /* a UDP exchange through the engine's ring (GX_RING_NO_SLOT: none) */
    void (*on_ready)(struct gx_io *io, uint64_t now_us);
    /* Ring exchanges: a datagram (len >= 0, msg valid during the call) or an enum gx_udp_result
     * (msg NULL; GX_UDP_UNSENT with errno). */
    void (*on_datagram)(struct gx_io *io, const uint8_t *msg, int len, uint64_t now_us);
    void (*on_timeout)(struct gx_io *io, uint64_t now_us);
    struct gx_timer timer;
    struct gx_io *prev, *next;
};

/* Work to run after the current round of I/O and timers; embedded in its owner. */
struct gx_deferred {
    void (*run)(struct gx_deferred *d);
    struct gx_deferred *next;
    bool queued;
};

/* An epoll registration names its io by slot and generation, never by pointer (see engine.c). */
struct gx_io_slot {
    struct gx_io *io; /* NULL: free */
    uint32_t gen;     /* bumped when the slot is freed: older events are stale */
    uint32_t next_free;
};

struct gx_engine {
    struct gx_io *ios;          /* every registered descriptor */
    size_t nios;
    struct gx_timer_heap timers;
    struct gx_deferred *deferred, *deferred_tail;
    int epfd;                   /* -1 for a private engine */
    int wakefd;                 /* eventfd signalled when deferred work is queued (epoll only) */
    bool wake_pending;          /* wakefd written and not read back yet */
    struct gx_io_slot *slots;   /* epoll only */
    uint32_t nslots, free_slot; /* free_slot: head of the free list, nslots when none */
    struct gx_ring *ring;       /* epoll only, when io_uring serves (engine/ring.h) */
    unsigned ring_fork_gen;     /* the process the ring belongs to */
};

/* A private engine (poll) or, with use_epoll, one an outside loop can watch. */
int gx_engine_init(struct gx_engine *e, bool use_epoll);
void gx_engine_destroy(struct gx_engine *e);

void gx_io_init(struct gx_io *io);
/*
 * Starts or updates watching io->fd for io->events. GX_OK or GX_E_SYSTEM / GX_E_MEMORY.
 * Edge-triggered in an epoll engine: a handler reads (or writes) until the call would block, as
 * dns_lookup.c's do, or it is not called again until something new arrives.
 */
int gx_engine_watch(struct gx_engine *e, struct gx_io *io);
/*
 * Stops watching io and cancels its deadline. The caller closes io->fd at once: in an epoll
 * engine the registration is not taken out by hand, close() takes it out (see engine.c).
 */
void gx_engine_unwatch(struct gx_engine *e, struct gx_io *io);
/*
 * A UDP exchange through the engine's ring (engine/ring.h): a socket connected to server sends
 * the n datagrams; io->on_datagram receives. GX_OK, or GX_E_LIMIT when the engine has no ring,
 * no room or more than GX_RING_SEND_MAX datagrams to send (the caller opens a socket and watches
 * it instead). gx_engine_unwatch() ends it.
 */
int gx_engine_udp_start(struct gx_engine *e, struct gx_io *io, const struct sockaddr *server,
                        socklen_t len, const uint8_t *const *msgs, const size_t *lens, unsigned n);
/* Hands what the ring has queued to the kernel now (a cancelled lookup's sockets close). */
void gx_engine_flush(struct gx_engine *e);
/* Arms io's deadline (io need not have a descriptor). */
int gx_engine_deadline(struct gx_engine *e, struct gx_io *io, uint64_t deadline_us);

void gx_engine_defer(struct gx_engine *e, struct gx_deferred *d);
/* Makes the epoll descriptor readable (work is waiting outside the engine). */
void gx_engine_wake(struct gx_engine *e);
/* Takes queued work off the queue (no-op when not queued). */
void gx_engine_undefer(struct gx_engine *e, struct gx_deferred *d);

/* Microseconds until the next deadline, -1 for none, 0 when work is due. */
int64_t gx_engine_next_us(const struct gx_engine *e, uint64_t now_us);

/*
 * One round: wait up to timeout_us (-1: until an event or deadline) for descriptors (poll for a
 * private engine, epoll_wait for the other), run the handlers of those ready, then of the
 * deadlines passed, then the deferred work. Returns GX_OK or GX_E_SYSTEM (poll failed for a
 * reason other than EINTR).
 */
int gx_engine_round(struct gx_engine *e, int64_t timeout_us);

/* The monotonic clock in microseconds (vDSO, no system call). */
uint64_t gx_engine_now_us(void);

#endif
