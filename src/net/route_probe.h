/*
 * Asking the kernel's routing, for many destinations in one round trip, what a UDP connect()
 * would tell about each: is there a route, and which source address would be used.
 *
 * The RFC 6724 sort needs, for every destination of a result, the source address the kernel would
 * pick (RFC 6724 section 4 leaves source selection to the kernel). Asking with connect() and
 * getsockname() costs four system calls per destination (socket, connect, getsockname, close);
 * asking with RTM_GETROUTE, as `ip route get` does, costs two for the whole list: one sendmsg()
 * carrying a request per destination, which the kernel answers before returning, and one
 * recvmmsg() reading the answers. The kernel answers both questions from the same route lookup
 * and the same source selection (inet_rtm_getroute / ip_route_output_key for IPv4,
 * inet6_rtm_getroute / ip6_route_output and ipv6_dev_get_saddr for IPv6).
 *
 * Destinations whose connect() has rules of its own are not asked here and come back
 * GX_ROUTE_UNKNOWN, for the caller to probe with connect(): IPv4 0.0.0.0/8, multicast and
 * limited broadcast; IPv6 unspecified, multicast, IPv4-mapped, and link-local or other scoped
 * addresses without a scope id (connect() refuses them with EINVAL). So does any destination the
 * kernel's answer leaves in doubt (no answer, a route type not listed below, a unicast route
 * without a preferred source, netlink refused altogether).
 *
 * A gx_route_probe keeps one NETLINK_ROUTE socket for its owner (a gx_netstate snapshot). Calls
 * from several threads are safe: the socket is used under a mutex taken with trylock, and a
 * caller that finds it busy asks over a socket of its own. After fork() the child opens its own
 * socket (a shared one would let parent and child read each other's answers).
 */
#ifndef GX_ROUTE_PROBE_H
#define GX_ROUTE_PROBE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

enum gx_route_state {
    GX_ROUTE_UNKNOWN = 0, /* not asked or not answered clearly: ask connect() */
    GX_ROUTE_USABLE,      /* a unicast or local route, and its source */
    GX_ROUTE_UNUSABLE,    /* no route (an error, or an unreachable, prohibit, blackhole,
                           * throw or broadcast route, which connect() refuses too) */
};

struct gx_route_answer {
    enum gx_route_state state;
    bool lasting;          /* UNUSABLE: says something about the destination, may be cached */
    struct gx_addr source; /* USABLE: the source, with its scope id when link-local */
};

struct gx_route_probe {
    pthread_mutex_t lock; /* guards everything below */
    int fd;               /* the shared socket, or -1 */
    unsigned generation;  /* gx_fork_generation() when fd was opened */
    uint32_t seq;         /* the last sequence number used on fd */
};

/* Whether a failure with errno e says something lasting about the destination (no route, no
 * source, refused), as opposed to a shortage of the moment (descriptors, memory, buffers) that
 * must not be cached. */
bool gx_route_errno_is_lasting(int e);

void gx_route_probe_init(struct gx_route_probe *rp);
void gx_route_probe_destroy(struct gx_route_probe *rp);

/* Fills out[i] for dests[i], i < n. Never fails: what it cannot answer stays GX_ROUTE_UNKNOWN. */
void gx_route_probe_ask(struct gx_route_probe *rp, const struct gx_addr *dests, size_t n,
                        struct gx_route_answer *out);

#endif
