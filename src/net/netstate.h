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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "lookup/sort.h"

struct gx_netstate;

/*
 * AI_ADDRCONFIG's question, answered as glibc's __check_pf does: an IPv4 address other than
 * 127.0.0.1 exists on any interface / an IPv6 address other than ::1 exists on any interface
 * (link-local included).
 */
bool gx_netstate_has_ipv4(const struct gx_netstate *ns);
bool gx_netstate_has_ipv6(const struct gx_netstate *ns);

/*
 * Fills out[i] for dests[i], i < n: from the cache, or by asking the kernel (connect() on a UDP
 * socket, which sends nothing and does not block, then getsockname()) and caching the answer.
 * GX_OK, or a negative status (GX_E_MEMORY); an unreachable destination is not an error
 * (out[i].usable is false).
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

#endif
