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
 */
#ifndef GX_NAMEINFO_H
#define GX_NAMEINFO_H

#include <netdb.h>
#include <sys/socket.h>

#include "gaix.h"

int gx_getnameinfo(gaix_ctx *ctx, const struct sockaddr *sa, socklen_t salen, char *host,
                   socklen_t hostlen, char *serv, socklen_t servlen, int flags);

#endif
