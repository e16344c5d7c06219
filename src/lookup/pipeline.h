/*
 * getaddrinfo() as a pipeline (DESIGN.md section 2):
 *
 *   hints   -> validated request            EAI_BADFLAGS / EAI_FAMILY / EAI_NONAME
 *   flags   -> AI_ADDRCONFIG family choice  (net/netstate.h)
 *   service -> (socktype, protocol, port)   lookup/service.c, the services index
 *   node    -> addresses + canonical name   lookup/node_sources.h: null node, literal, hosts,
 *                                           localhost (DNS slots in after them)
 *   addresses -> RFC 6724 order             lookup/sort.c with net/netstate.h's source addresses
 *   addresses x triples -> addrinfo list    lookup/result.c, one allocation
 *
 * The checks come in the C library's order, so that a request with several faults gets the same
 * error as with the C library.
 */
#ifndef GX_PIPELINE_H
#define GX_PIPELINE_H

#include <netdb.h>

#include "gaix.h"

/* getaddrinfo() over a context; returns 0 or an EAI_* value, *res untouched on error. */
int gx_getaddrinfo(gaix_ctx *ctx, const char *node, const char *service,
                   const struct addrinfo *hints, struct addrinfo **res);

#endif
