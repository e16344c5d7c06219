/*
 * What the kernel says about this host's network: its addresses (with prefix lengths and flags),
 * its links, and for any destination whether it is reachable and from which source address.
 * AI_ADDRCONFIG and the RFC 6724 sort read it.
 *
 * A gx_netstate is an immutable snapshot of addresses and links (from one netlink dump) plus a
 * cache of per-destination answers that fills as lookups ask (internally locked). A gx_netwatch
 * owns a netlink socket subscribed to address, link and route changes: when the kernel reports a
 * change, the next acquire builds a new snapshot and the old one (with its cache) goes away when
 * its last user lets go. In the steady state acquiring costs no system call.
 */
#ifndef GX_NETSTATE_H
#define GX_NETSTATE_H

#include <ifaddrs.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "lookup/sort.h"
#include "net/netlink.h"

struct gx_netstate;

/*
 * AI_ADDRCONFIG's question, answered as glibc's __check_pf does: an IPv4 address other than
 * 127.0.0.1 exists on any interface / an IPv6 address other than ::1 exists on any interface
 * (link-local included).
 */
bool gx_netstate_has_ipv4(const struct gx_netstate *ns);
bool gx_netstate_has_ipv6(const struct gx_netstate *ns);

/*
 * Fills out[i] for dests[i], i < n: from the cache, or by asking the kernel and caching the
 * answer. The destinations not cached are asked all at once over the snapshot's routing socket
 * (RTM_GETROUTE, net/route_probe.h: two system calls for the batch); the few the routing answer
 * leaves in doubt are asked with connect() on a UDP socket, which sends nothing and does not
 * block, then getsockname(). GX_OK, or a negative status (GX_E_MEMORY); an unreachable destination
 * is not an error (out[i].usable is false).
 *
 * An IPv4-mapped IPv6 destination is asked over an IPv6 socket, as a program connecting to it
 * would: its source is IPv4-mapped too, and its prefix length, flags and interface are those of
 * the IPv4 interface address. An IPv4 source in 127.0.0.0/8 is described by 127.0.0.1's entry
 * (glibc's rule: the loopback interface answers for the whole /8 but lists only 127.0.0.1).
 * The cache holds at most GX_NETSTATE_CACHE_MAX destinations per snapshot; past that, a new
 * destination replaces the oldest of its set (an evicted one is asked again when it comes back:
 * correct, only slower) rather than grow memory without bound.
 */
int gx_netstate_dest_info(struct gx_netstate *ns, const struct gx_addr *dests, size_t n,
                          struct gx_dest_info *out);

void gx_netstate_ref(struct gx_netstate *ns);
void gx_netstate_unref(struct gx_netstate *ns);

struct gx_netwatch;

/*
 * interval_ms: how often acquire looks for kernel notifications; > 0 milliseconds, or
 * GAIX_RELOAD_DEFAULT / GAIX_RELOAD_EVERY_CALL / GAIX_RELOAD_NEVER (include/gaix.h).
 * Opening nothing at all until the first acquire. GX_OK or GX_E_MEMORY.
 */
int gx_netwatch_new(int interval_ms, struct gx_netwatch **out);
void gx_netwatch_free(struct gx_netwatch *w);

/*
 * The current snapshot, with a reference for the caller. Builds the first one on first use, and a
 * new one when the kernel reported a change (looked at no more often than the interval; after
 * fork() the child opens its own socket). When netlink cannot be used at all (no permission, no
 * kernel support) it falls back to getifaddrs() once per interval. Negative status on failure.
 */
int gx_netwatch_acquire(struct gx_netwatch *w, uint64_t now_ms, struct gx_netstate **out);

/* ---- Between netwatch.c and netstate.c, and for tests and benchmarks ------------------------ */

/* Destinations one snapshot caches: 256 sets of 4 entries of 64 bytes, 65 KiB made at once on
 * the first answer. Far more than the distinct destinations most processes meet between two network
 * changes; a process that meets more keeps the most recent of each set (the largest lookup, 2 x
 * GX_ADDRS_PER_FAMILY_MAX = 2,048 addresses, is still answered in full, its first destinations
 * then asked again by the next call). */
#define GX_NETSTATE_CACHE_MAX 1024
#define GX_NETSTATE_CACHE_WAYS 4

/* Interface addresses (and links) one snapshot holds. Linux sets no global limit; hosts with
 * thousands of addresses exist (one IPv6 address per container or per customer), hundreds of
 * thousands do not. 262,144 x 28 bytes bounds a snapshot at 7 MiB; a kernel that lists more
 * makes the build fail with GX_E_LIMIT and the watcher fall back (see netwatch.c). */
#define GX_NETSTATE_ADDRS_MAX 262144
#define GX_NETSTATE_LINKS_MAX 262144

/*
 * A snapshot of the given addresses and links (copied; any order). has_ipv4/has_ipv6 follow from
 * the addresses. GX_OK, GX_E_MEMORY or GX_E_LIMIT.
 */
int gx_netstate_new(const struct gx_nl_addr *addrs, size_t n_addrs, const struct gx_nl_link *links,
                    size_t n_links, struct gx_netstate **out);

/*
 * A snapshot from a getifaddrs() list: addresses without IFA_F_* flags, prefix lengths from the
 * netmasks, links from the AF_PACKET entries. list == NULL means "nothing is known" and gives
 * glibc's pessimistic answer: has_ipv4 and has_ipv6 both true, no addresses, no links.
 * GX_OK, GX_E_MEMORY or GX_E_LIMIT.
 */
int gx_netstate_from_ifaddrs(const struct ifaddrs *list, struct gx_netstate **out);

/*
 * A snapshot from an RTM_GETADDR and an RTM_GETLINK dump over a new netlink socket, using
 * sequence numbers seq and seq + 1. *interrupted is set when the kernel flagged the dump as
 * interrupted by a change (the snapshot is usable, but should be rebuilt soon).
 * GX_OK or a negative status (netlink not available: GX_E_SYSTEM with errno).
 */
int gx_netstate_build_netlink(uint32_t seq, struct gx_netstate **out, bool *interrupted);

/* A snapshot from getifaddrs(), or the pessimistic one when getifaddrs() fails. GX_OK or
 * GX_E_MEMORY / GX_E_LIMIT. */
int gx_netstate_build_ifaddrs(struct gx_netstate **out);

/*
 * Fills info->source_prefixlen, source_flags, source_ifindex and native for the source address
 * `source`, from the snapshot alone (no system call): 0, 0, UINT32_MAX, -1 when the snapshot does
 * not list it. `source` may be IPv4, IPv6 or IPv4-mapped IPv6.
 */
void gx_netstate_describe_source(const struct gx_netstate *ns, const struct gx_addr *source,
                                 struct gx_dest_info *info);

struct gx_netstate_stats {
    uint64_t probes;  /* destinations asked of the kernel (by RTM_GETROUTE or connect()) */
    size_t cached;    /* destinations in the cache */
    size_t addresses; /* interface addresses listed */
    size_t links;     /* links listed */
};
void gx_netstate_get_stats(struct gx_netstate *ns, struct gx_netstate_stats *out);

struct gx_netwatch_stats {
    /* Times the notification socket was read (or, without one, the interval elapsed). */
    uint64_t looks;
    uint64_t netlink_builds;  /* snapshots built from a netlink dump */
    uint64_t fallback_builds; /* snapshots built from getifaddrs() or the pessimistic one */
    bool subscribed;          /* a notification socket is open */
};
void gx_netwatch_get_stats(struct gx_netwatch *w, struct gx_netwatch_stats *out);

#endif
