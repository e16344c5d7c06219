/*
 * Reading ADDRESS for --reverse; see reverse.h.
 */
#include "reverse.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The address part before "%": the longest IPv6 text inet_pton() reads
 * ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 45 bytes) and its NUL; anything longer is
 * no address. */
#define REVERSE_ADDRESS_MAX INET6_ADDRSTRLEN

/* A scope as the C library's getaddrinfo() reads one: an interface name, else a decimal
 * interface index up to UINT32_MAX (0 is no scope). */
static int scope_parse(const char *text, uint32_t *scope_id, char err[CLI_ERROR_SIZE])
{
    unsigned found = text[0] != '\0' && strlen(text) < IF_NAMESIZE ? if_nametoindex(text) : 0;
    if (found != 0) {
        *scope_id = found;
        return 0;
    }
    uint64_t index = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9' && index <= UINT32_MAX; p++)
        index = index * 10 + (uint64_t)(*p - '0');
    if (p == text || *p != '\0' || index > UINT32_MAX) {
        snprintf(err, CLI_ERROR_SIZE,
                 "invalid scope '%s' for --reverse (an interface name or a decimal index)", text);
        return -1;
    }
    *scope_id = (uint32_t)index;
    return 0;
}

int cli_reverse_sockaddr(const struct cli_reverse_query *q, struct sockaddr_storage *ss,
                         socklen_t *len, char err[CLI_ERROR_SIZE])
{
    memset(ss, 0, sizeof *ss);
    const char *text = q->address;
    const char *pct = strchr(text, '%');
    size_t addr_len = pct ? (size_t)(pct - text) : strlen(text);
    char addr[REVERSE_ADDRESS_MAX];
    if (addr_len >= sizeof addr) {
        snprintf(err, CLI_ERROR_SIZE,
                 "invalid address '%s' for --reverse (a numeric IPv4 or IPv6 address)", text);
        return -1;
    }
    memcpy(addr, text, addr_len);
    addr[addr_len] = '\0';

    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
        if (pct) {
            snprintf(err, CLI_ERROR_SIZE,
                     "invalid address '%s' for --reverse (only an IPv6 address has a scope)", text);
            return -1;
        }
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)q->port);
        memcpy(ss, &sin, sizeof sin);
        *len = (socklen_t)sizeof sin;
        return 0;
    }

    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1) {
        snprintf(err, CLI_ERROR_SIZE,
                 "invalid address '%s' for --reverse (a numeric IPv4 or IPv6 address)", text);
        return -1;
    }
    if (pct && scope_parse(pct + 1, &sin6.sin6_scope_id, err) != 0)
        return -1;
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons((uint16_t)q->port);
    memcpy(ss, &sin6, sizeof sin6);
    *len = (socklen_t)sizeof sin6;
    return 0;
}
