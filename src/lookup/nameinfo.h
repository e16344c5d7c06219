/*
 * getnameinfo(): an address and port become a host name and a service name, in glibc's order of
 * checks and with glibc's results:
 *
 *   flags, address length, family       EAI_BADFLAGS / EAI_FAMILY / EAI_NONAME
 *   host    hosts file (reverse index)  lookup/hosts_reverse.c; else the numeric form, with an
 *                                       IPv6 scope as %ifname (link-local) or %number
 *           AF_UNIX: the node name from uname(), or "localhost"
 *   service services file (reverse)     tcp, or udp with NI_DGRAM; else the number
 *           AF_UNIX: the socket path
 *
 * A buffer that is too small gives EAI_OVERFLOW and nothing is written past its length (N10).
 *
 * gx_getnameinfo_detail() also says where the host name came from (numeric, hosts, DNS, or the
 * local node for AF_UNIX) and, when a PTR query was sent, what DNS said, in the struct that
 * gaix_resolve() fills for getaddrinfo(); gx_getnameinfo() is the same call without it.
 */
#ifndef GX_NAMEINFO_H
#define GX_NAMEINFO_H

#include <netdb.h>
#include <sys/socket.h>

#include "gaix.h"

int gx_getnameinfo(gaix_ctx *ctx, const struct sockaddr *sa, socklen_t salen, char *host,
                   socklen_t hostlen, char *serv, socklen_t servlen, int flags);

/* As gx_getnameinfo(); detail, if not NULL, is filled in as gaix.h says of
 * gaix_ctx_getnameinfo_detail(). */
int gx_getnameinfo_detail(gaix_ctx *ctx, const struct sockaddr *sa, socklen_t salen, char *host,
                          socklen_t hostlen, char *serv, socklen_t servlen, int flags,
                          struct gaix_result *detail);

#endif
