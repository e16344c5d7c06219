/*
 * The socket address of a reverse question (gaix --reverse ADDRESS [PORT]). ADDRESS is read with
 * the C library's inet_pton(): a dotted-quad IPv4 address, or an IPv6 address with an optional
 * "%scope", an interface name (if_nametoindex()) or a decimal interface index, as the C library's
 * getaddrinfo() reads a scope; a scope on an IPv4
 * address, an empty or unknown scope and anything inet_pton() refuses are usage errors.
 *
 * This is the one step of the reverse question that may ask the kernel (for a scope name); the
 * option parser (options.c) leaves ADDRESS as text for it.
 */
#ifndef GAIX_CLI_REVERSE_H
#define GAIX_CLI_REVERSE_H

#include <sys/socket.h>

#include "options.h"
#include "query.h"

/* Fills *ss with a sockaddr_in or sockaddr_in6 for q (port and scope set, flowinfo 0) and *len
 * with its size. Returns 0, or -1 with a one-line message in err. */
int cli_reverse_sockaddr(const struct cli_reverse_query *q, struct sockaddr_storage *ss,
                         socklen_t *len, char err[CLI_ERROR_SIZE]);

#endif
