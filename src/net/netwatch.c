/*
 * Watching the kernel for address, link and route changes (see netstate.h).
 *
 * A watcher owns one netlink socket subscribed to RTMGRP_LINK, RTMGRP_IPV4_IFADDR,
 * RTMGRP_IPV6_IFADDR, RTMGRP_IPV4_ROUTE and RTMGRP_IPV6_ROUTE: the kernel queues a message there
 * whenever any of these change. An acquire looks at the socket at most once per interval: it
 * reads (MSG_DONTWAIT) until the socket is empty, and if anything was there, or the kernel
 * reported ENOBUFS (messages were lost because the queue was full: something changed), it builds
 * a new snapshot from a fresh dump. The socket is emptied before the dump, so a change either
 * shows in the dump or leaves a message for the next look; none is missed. Between looks an
 * acquire is a mutex, a clock comparison and a reference count: no system call.
 *
 * Where netlink cannot be opened or dumped (a seccomp filter, a kernel without it, a dump that
 * fails), snapshots come from getifaddrs(), or are glibc's pessimistic "both families" when that
 * fails too, and are rebuilt once per interval since no notification will say when.
 *
 * After fork(), parent and child would share the socket and each notification would reach only
 * one of them. The child notices (gx_fork_generation), closes its copy of the descriptor (which
 * leaves the parent's open) and opens its own, and builds a snapshot of its own.
 *
 * Limits of the model: the whole check, and a rebuild when one is due (two dumps, a few system
 * calls), run under the watcher's mutex, so callers arriving during a rebuild wait for it. The
 * mutex is registered with core/fork.h, so a fork() never happens while another thread holds it.
 * A snapshot's cache mutex is not registered: the child never uses the parent's snapshots, since
 * the new fork generation makes its first acquire build a snapshot of its own, socket or not.
 */
#include "net/netstate.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/fork.h"
#include "core/limits.h"
#include "core/status.h"
#include "gaix.h"

/* The groups whose messages mean "a source address or a route may have changed". */
#define WATCH_GROUPS                                                                               \
    (RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE)

/* Reads per look. The queue holds at most the socket's receive buffer (about 200 KiB, a few
 * thousand messages); a storm of changes that keeps refilling it is cut off here, and what is
 * left in it triggers the next look's rebuild. */
#define WATCH_DRAIN_MAX 4096

/* Notification messages are read only to be counted, never parsed: the small buffer cuts each
 * datagram, and the kernel drops the rest of a cut datagram. */
#define WATCH_DRAIN_BUF 256

struct gx_netwatch {
    pthread_mutex_t lock; /* guards every field below */
    struct gx_fork_lock fork_lock; /* keeps fork() from leaving lock held in a child */
    int interval_ms;      /* > 0, GAIX_RELOAD_EVERY_CALL or GAIX_RELOAD_NEVER */
    int fd;               /* the subscribed socket, or -1 */
    unsigned fork_gen;    /* gx_fork_generation() when fd was opened */
    uint32_t seq;         /* the next dump's netlink sequence number */
    struct gx_netstate *cur;
    /* cur may not match the kernel (a fallback build, a dump interrupted by a change):
     * rebuild at the next look, message or not. */
    bool stale;
    uint64_t last_look_ms;
    struct gx_netwatch_stats stats;
};

int gx_netwatch_new(int interval_ms, struct gx_netwatch **out)
{
    struct gx_netwatch *w = calloc(1, sizeof *w);
    if (!w)
        return GX_E_MEMORY;
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        return GX_E_MEMORY;
    }
    /* Unknown negative values read as the default rather than as an error: the configuration
     * layer validates what users write. */
    if (interval_ms > 0 || interval_ms == GAIX_RELOAD_EVERY_CALL ||
        interval_ms == GAIX_RELOAD_NEVER)
        w->interval_ms = interval_ms;
    else
        w->interval_ms = GX_RELOAD_INOTIFY_MS;
    w->fd = -1;
    w->fork_gen = gx_fork_generation();
    gx_fork_lock_register(&w->fork_lock, &w->lock);
    *out = w;
    return GX_OK;
}

void gx_netwatch_free(struct gx_netwatch *w)
{
    if (!w)
        return;
    /* In a child of fork() this closes only the child's copy of the parent's descriptor. */
    if (w->fd >= 0)
        close(w->fd);
    gx_netstate_unref(w->cur);
    gx_fork_lock_unregister(&w->fork_lock);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* Whether the interval allows a look at now_ms. */
static bool watch_due(const struct gx_netwatch *w, uint64_t now_ms)
{
    if (w->interval_ms == GAIX_RELOAD_NEVER)
        return false;
    if (w->interval_ms == GAIX_RELOAD_EVERY_CALL)
        return true;
    /* A caller that read the clock before waiting for the lock may bring a now_ms older than
     * the last look: that is not due either. */
    return now_ms >= w->last_look_ms && now_ms - w->last_look_ms >= (uint64_t)w->interval_ms;
}

/* Empties the socket. True when anything was in it, or something else says "rebuild". */
static bool watch_drain(struct gx_netwatch *w)
{
    bool changed = w->stale;
    if (w->fd < 0)
        return true; /* no notifications: a look is a rebuild */
    uint8_t buf[WATCH_DRAIN_BUF];
    for (int i = 0; i < WATCH_DRAIN_MAX; i++) {
        ssize_t n = recv(w->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n >= 0) {
            changed = true;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return changed;
        if (errno == ENOBUFS) {
            /* The queue overflowed and messages were dropped: something changed. The socket
             * works on; read what is still queued. */
            changed = true;
            continue;
        }
        /* Anything else leaves the socket unusable: drop it and rebuild, which reopens. */
        close(w->fd);
        w->fd = -1;
        return true;
    }
    return true;
}

/* Opens the subscription if there is none. Failure leaves fd at -1: the fallback mode. */
static void watch_subscribe(struct gx_netwatch *w)
{
    if (w->fd >= 0 || w->interval_ms == GAIX_RELOAD_NEVER)
        return;
    int fd = gx_nl_open(WATCH_GROUPS);
    if (fd >= 0) {
        w->fd = fd;
        w->fork_gen = gx_fork_generation();
    }
}

/* Builds a new snapshot and makes it current. Keeps the old one when nothing can be built. */
static int watch_rebuild(struct gx_netwatch *w)
{
    /* Subscribe before dumping, so that a change during the dump leaves a message. */
    watch_subscribe(w);
    struct gx_netstate *ns = NULL;
    bool interrupted = false;
    int r = gx_netstate_build_netlink(w->seq, &ns, &interrupted);
    w->seq += 2; /* one number for each of the two dumps */
    if (r == GX_OK) {
        w->stats.netlink_builds++;
        w->stale = interrupted;
    } else {
        r = gx_netstate_build_ifaddrs(&ns);
        if (r == GX_E_LIMIT)
            r = gx_netstate_from_ifaddrs(NULL, &ns); /* too many to list: know nothing */
        if (r < 0)
            return r;
        w->stats.fallback_builds++;
        w->stale = true;
    }
    gx_netstate_unref(w->cur);
    w->cur = ns;
    return GX_OK;
}

int gx_netwatch_acquire(struct gx_netwatch *w, uint64_t now_ms, struct gx_netstate **out)
{
    pthread_mutex_lock(&w->lock);
    int r = GX_OK;
    bool build = w->cur == NULL;
    unsigned gen = gx_fork_generation();
    if (gen != w->fork_gen) {
        /* A child of fork(): the socket is the parent's too. Closing the inherited descriptor
         * drops only this process's reference to it. */
        w->fork_gen = gen;
        if (w->fd >= 0) {
            close(w->fd);
            w->fd = -1;
        }
        /* Always a snapshot of its own, even without a socket (GAIX_RELOAD_NEVER, or netlink
         * refused): a parent's snapshot may have had its cache mutex held by a parent thread at
         * the fork, and that thread does not exist here. */
        build = true;
    }
    if (!build && watch_due(w, now_ms)) {
        w->last_look_ms = now_ms;
        w->stats.looks++;
        build = watch_drain(w);
    }
    if (build) {
        if (w->cur == NULL)
            w->last_look_ms = now_ms;
        r = watch_rebuild(w);
    }
    struct gx_netstate *ns = w->cur;
    if (ns)
        gx_netstate_ref(ns);
    pthread_mutex_unlock(&w->lock);
    if (!ns)
        return r < 0 ? r : GX_E_FAIL;
    *out = ns;
    return GX_OK;
}

void gx_netwatch_get_stats(struct gx_netwatch *w, struct gx_netwatch_stats *out)
{
    pthread_mutex_lock(&w->lock);
    *out = w->stats;
    out->subscribed = w->fd >= 0;
    pthread_mutex_unlock(&w->lock);
}
