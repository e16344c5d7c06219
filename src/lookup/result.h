/*
 * Step 4 of the pipeline: addresses x (socket type, protocol, port) triples become the caller's
 * struct addrinfo list, in ONE allocation (musl's way): a header, the nodes in list order, then
 * the canonical name. Each node knows its slot, so any node leads back to the header, and the
 * header counts the nodes still alive: gaix_freeaddrinfo() on any sub-list subtracts that
 * sub-list's length and frees the block when nothing is left (POSIX allows freeing sub-lists).
 *
 * Nodes carry a magic number and put their sockaddr at a different offset from the C library's
 * (glibc places it right after the struct addrinfo), so that the LD_PRELOAD shim can tell a list
 * made by gaix from one made by the C library before the shim was loaded.
 */
#ifndef GX_RESULT_H
#define GX_RESULT_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "lookup/service.h"

/*
 * Builds the list: for each address in order, one node per triple. ai_flags is the caller's
 * flags; ai_canonname (canon, canon_len) goes on the first node only, as in glibc; NULL canon
 * means none. GX_E_MEMORY, GX_E_LIMIT (sizes overflow), or GX_OK with *out set.
 */
int gx_result_build(const struct gx_addr *addrs, size_t naddrs, const struct gx_servtuple *st,
                    size_t nst, int flags, const char *canon, size_t canon_len,
                    struct addrinfo **out);

/* Is this node one of ours? Reads only the node's own fields. */
bool gx_result_is_ours(const struct addrinfo *ai);

/* Frees the list starting at ai (a whole list or a sub-list). NULL is a no-op. */
void gx_result_free(struct addrinfo *ai);

#endif
