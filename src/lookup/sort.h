/*
 * RFC 6724 section 6: ordering destination addresses. A pure function over the addresses and what
 * the kernel said about reaching each of them (net/netstate.h gathers that), so that the worked
 * examples of RFC 6724 section 10 are plain unit tests.
 */
#ifndef GX_SORT_H
#define GX_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/policy.h"
#include "core/addr.h"

/* Source address flags, from the kernel's address list (IFA_F_*). */
#define GX_SRC_DEPRECATED 0x1u /* deprecated or optimistic (glibc counts both) */
#define GX_SRC_HOME 0x2u       /* a Mobile IPv6 home address */
#define GX_SRC_TEMPORARY 0x4u  /* a privacy (temporary) address */

/* What the kernel says about reaching one destination. */
struct gx_dest_info {
    bool usable;             /* the kernel has a route and picked a source (Rule 1) */
    struct gx_addr source;   /* that source address (valid when usable) */
    uint8_t source_prefixlen;/* prefix length of the interface address the source is, or 0 */
    uint8_t source_flags;    /* GX_SRC_* of that interface address */
    uint32_t source_ifindex; /* its interface, or UINT32_MAX when unknown */
    int8_t native;           /* Rule 7: 1 native, 0 tunnelled (6in4, 6to4, ...), -1 unknown */
};

/*
 * Orders addrs[0..n) in place, most preferred first; info[i] describes addrs[i] and moves with
 * it. Ties keep the input order (Rule 10), and sorting changes only the order of a list, never
 * its set (F29). With policy->base == GAIX_POLICY_GLIBC the rules read as glibc reads them, and
 * the sort has glibc's shape, so that even the lists for which the rules are not transitive come
 * out as glibc orders them (see sort.c); otherwise the rules read as RFC 6724 writes them.
 * policy NULL means the built-in RFC 6724 policy.
 * GX_OK, or GX_E_MEMORY when a list longer than 16 needs scratch space that cannot be had (the
 * list is then unchanged).
 */
int gx_sort(struct gx_addr *addrs, struct gx_dest_info *info, size_t n,
            const struct gx_policy *policy);

#endif
