/*
 * `getent ahosts` with the hints as arguments: the oracle that getent itself cannot be when a
 * documented difference is defined against glibc's answer to a *different* request
 * (DIFF-ADDRCONFIG-EXEMPT: glibc's answer without AI_ADDRCONFIG).
 *
 *   ahosts_prog FAMILY FLAGS NAME      FAMILY and FLAGS as numbers (strtol base 0)
 *
 * It prints each entry as Debian 12's getent (glibc 2.36, nss/getent.c ahosts_keys_int) does:
 * the address from inet_ntop(), then "%<sin6_scope_id>" for a scoped IPv6 address, padded to
 * 15 minus the lengths of both (getent's quirk: "fe80::1%1" takes 13 columns), a space, the socket
 * type padded to 6, a space and the canonical name ("" but on the first entry), in the locale's
 * character set (setlocale(LC_ALL, ""), as getent). Exit status 2 when getaddrinfo() fails, as
 * getent's. The test checks that it prints exactly what getent prints for getent's own hints (0xea:
 * AI_CANONNAME, AI_V4MAPPED, AI_ADDRCONFIG, AI_IDN, AI_CANONIDN) before trusting it for other
 * hints.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <locale.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADDRESS_COLUMNS 15 /* getent's "%-15s" */

static const char *socktype_name(int socktype, char buf[static 16])
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
        snprintf(buf, 16, "%d", socktype);
        return buf;
    }
}

static void print_entry(const struct addrinfo *ai)
{
    char scope[3 * sizeof(uint32_t) + 2] = "";
    char text[INET6_ADDRSTRLEN];
    const void *bytes;
    if (ai->ai_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)ai->ai_addr;
        bytes = &s6->sin6_addr;
        if (s6->sin6_scope_id != 0)
            snprintf(scope, sizeof scope, "%%%" PRIu32, s6->sin6_scope_id);
    } else {
        bytes = &((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr;
    }
    if (inet_ntop(ai->ai_family, bytes, text, sizeof text) == NULL) {
        snprintf(text, sizeof text, "<invalid>");
        scope[0] = '\0';
    }
    /* getent's arithmetic: the scope is padded to what the address leaves of 15 columns minus
     * its own length, so "fe80::1%1" takes 13 columns. */
    int pad = ADDRESS_COLUMNS - (int)strlen(text) - (int)strlen(scope);
    if (pad < 0)
        pad = 0;
    char typebuf[16];
    printf("%s%-*s %-6s %s\n", text, pad, scope, socktype_name(ai->ai_socktype, typebuf),
           ai->ai_canonname ? ai->ai_canonname : "");
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: ahosts_prog FAMILY FLAGS NAME\n");
        return 64;
    }
    /* As getent: AI_CANONIDN writes the canonical name in the locale's character set. */
    setlocale(LC_ALL, "");
    struct addrinfo hints = {
        .ai_family = (int)strtol(argv[1], NULL, 0),
        .ai_flags = (int)strtol(argv[2], NULL, 0),
    };
    struct addrinfo *res;
    if (getaddrinfo(argv[3], NULL, &hints, &res) != 0)
        return 2;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
        print_entry(ai);
    freeaddrinfo(res);
    return 0;
}
