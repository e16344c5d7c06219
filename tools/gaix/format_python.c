/*
 * The python format: byte for byte what CPython prints for
 *
 *     [(int(f), int(t), p, c, a) for f, t, p, c, a in socket.getaddrinfo(...)]
 *
 * so that a gaix answer can be compared with Python's (and with the seed session) by diff.
 * CPython builds each tuple from (ai_family, ai_socktype, ai_protocol, ai_canonname or '',
 * address), and the address from the sockaddr's own sa_family (Modules/socketmodule.c,
 * makesockaddr):
 *   AF_INET   (host, port)
 *   AF_INET6  (host, port, flowinfo, scope_id): host is inet_ntop() text WITHOUT "%scope" (checked
 *             with Debian 12's Python 3.11: 'fe80::1%lo' gives ('fe80::1', 80, 0, 1)); flowinfo is
 *             ntohl(sin6_flowinfo)
 *   no address (ai_addrlen 0)   None
 *   other families              (sa_family, b'<the 14 bytes of sa_data>'), Python's fallback.
 *                               Python knows a few more (AF_UNIX, AF_PACKET...), which
 *                               getaddrinfo() never returns.
 * CPython never returns an empty list (it raises socket.gaierror), so neither does main(); this
 * writer prints "[]" for an empty list only so that it is total.
 *
 * For --reverse, what CPython prints for socket.getnameinfo((address, port), flags) (IPv4) or
 * socket.getnameinfo((address, port, 0, scope_id), flags) (IPv6): the 2-tuple of the host and
 * the service that getnameinfo() wrote into NI_MAXHOST and NI_MAXSERV buffers,
 * ('localhost', 'http') (Modules/socketmodule.c, socket_getnameinfo; checked with Debian 12's
 * Python 3.11). A scoped IPv6 host keeps getnameinfo()'s "%scope" there ('fe80::1%lo'). The
 * host is decoded as a file name is (UTF-8, undecodable bytes as surrogate escapes), which
 * cli_quote_python_str() writes; CPython would refuse a service name that is not UTF-8, which
 * this writer shows in the same escaped form rather than fail.
 */
#include <stdio.h>

#include "address.h"
#include "format.h"
#include "quote.h"

static void python_address(FILE *out, const struct addrinfo *ai)
{
    struct cli_addr a;
    cli_addr_read(ai, &a);
    switch (a.kind) {
    case CLI_ADDR_NONE:
        fputs("None", out);
        break;
    case CLI_ADDR_INET:
        fputc('(', out);
        cli_quote_python_str(out, a.text);
        fprintf(out, ", %u)", a.port);
        break;
    case CLI_ADDR_INET6:
        fputc('(', out);
        cli_quote_python_str(out, a.text);
        fprintf(out, ", %u, %u, %u)", a.port, (unsigned)a.flowinfo, (unsigned)a.scope_id);
        break;
    case CLI_ADDR_OTHER:
        fprintf(out, "(%d, ", a.sa_family);
        cli_quote_python_bytes(out, a.sa_data, sizeof a.sa_data);
        fputc(')', out);
        break;
    }
}

void cli_format_python(FILE *out, const struct addrinfo *list)
{
    fputc('[', out);
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        if (ai != list)
            fputs(", ", out);
        fprintf(out, "(%d, %d, %d, ", ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        cli_quote_python_str(out, ai->ai_canonname ? ai->ai_canonname : "");
        fputs(", ", out);
        python_address(out, ai);
        fputc(')', out);
    }
    fputs("]\n", out);
}

void cli_format_python_reverse(FILE *out, const char *host, const char *service)
{
    fputc('(', out);
    cli_quote_python_str(out, host);
    fputs(", ", out);
    cli_quote_python_str(out, service);
    fputs(")\n", out);
}
