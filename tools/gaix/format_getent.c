/*
 * The getent format: the lines `getent ahosts NAME` prints for each entry, checked byte by byte
 * (od -c) against Debian 12's getent (glibc 2.36):
 *
 *     ADDRESS, padding, ' ', SOCKTYPE padded to 6 columns, ' ', CANONNAME, '\n'
 *
 * An unscoped address is padded to 15 columns. A scoped IPv6 address is written as getent
 * writes it, which is not quite "padded to 15": getent computes the padding as 15 minus the
 * address and the "%scope" lengths, then pads the "%scope" text to that width, so "fe80::1%1"
 * takes 13 columns, not 15 ("fe80::1%1     STREAM", and "2001:db8::1%1 STREAM"). This writer
 * reproduces that, since byte equality with getent is the point of the format.
 *
 * The canonical name is empty on every entry but the first, and the line then ends in spaces
 * ("::1             DGRAM  \n"); a longer address pushes the rest right. getent appends
 * "%<scope_id number>" only when ai_family is AF_INET6 and the scope is not 0, and writes
 * "<invalid>" (with no scope) when the address cannot be converted: any family but AF_INET and
 * AF_INET6. The socket type names are getent's, upper case; other types print as numbers.
 *
 * For --reverse, the line `getent hosts ADDRESS` prints (print_hosts() in glibc's getent.c):
 *
 *     ADDRESS padded to 15 columns, ' ', HOST, '\n'          "127.0.0.1       localhost"
 *
 * The address is inet_ntop()'s text of the queried address, without a scope, as getent prints
 * the address of the hostent it got back. getent then lists the hosts line's aliases, which
 * getnameinfo() does not return: this line stops after the name. Where getent finds no name it
 * prints nothing (and exits 2); gaix prints getnameinfo()'s numeric host in its place, unless
 * --ni-flags namereqd makes that a failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "address.h"
#include "format.h"

/* getent's column widths. */
#define GETENT_ADDRESS_WIDTH 15
#define GETENT_SOCKTYPE_WIDTH 6

static const char *getent_socktype_name(int socktype)
{
    switch (socktype) {
    case SOCK_STREAM:
        return "STREAM";
    case SOCK_DGRAM:
        return "DGRAM";
    case SOCK_RAW:
        return "RAW";
    case SOCK_SEQPACKET:
        return "SEQPACKET";
    case SOCK_RDM:
        return "RDM";
    case SOCK_DCCP:
        return "DCCP";
    case SOCK_PACKET:
        return "PACKET";
    default:
        return NULL;
    }
}

static void getent_line(FILE *out, const struct addrinfo *ai)
{
    struct cli_addr a;
    cli_addr_read(ai, &a);
    /* getent reads the address as ai_family says; this line also wants the sockaddr to agree,
     * which it does in every list a getaddrinfo() returns, rather than read a misdeclared one. */
    int readable = (ai->ai_family == AF_INET && a.kind == CLI_ADDR_INET) ||
                   (ai->ai_family == AF_INET6 && a.kind == CLI_ADDR_INET6);
    const char *address = readable ? a.text : "<invalid>";
    char scope[CLI_SCOPE_TEXT_MAX + 1] = "";
    if (readable && a.kind == CLI_ADDR_INET6 && a.scope_id != 0)
        snprintf(scope, sizeof scope, "%%%u", (unsigned)a.scope_id);

    /* getent's arithmetic, quirk included (see the top of the file). */
    int pad = GETENT_ADDRESS_WIDTH - (int)strlen(address) - (int)strlen(scope);
    if (pad < 0)
        pad = 0;
    fprintf(out, "%s%-*s ", address, pad, scope);

    const char *type = getent_socktype_name(ai->ai_socktype);
    if (type)
        fprintf(out, "%-*s ", GETENT_SOCKTYPE_WIDTH, type);
    else
        fprintf(out, "%-*d ", GETENT_SOCKTYPE_WIDTH, ai->ai_socktype);
    fprintf(out, "%s\n", ai->ai_canonname ? ai->ai_canonname : "");
}

void cli_format_getent(FILE *out, const struct addrinfo *list)
{
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next)
        getent_line(out, ai);
}

void cli_format_getent_reverse(FILE *out, const struct sockaddr *sa, socklen_t salen,
                               const char *host)
{
    struct addrinfo ai;
    memset(&ai, 0, sizeof ai);
    ai.ai_addr = (struct sockaddr *)(uintptr_t)sa;
    ai.ai_addrlen = salen;
    struct cli_addr a;
    cli_addr_read(&ai, &a);
    const char *address =
        a.kind == CLI_ADDR_INET || a.kind == CLI_ADDR_INET6 ? a.text : "<invalid>";
    fprintf(out, "%-*s %s\n", GETENT_ADDRESS_WIDTH, address, host);
}
