/*
 * No node: getaddrinfo(NULL, service) is the local host. Without AI_PASSIVE the loopback
 * addresses (connect to a local service), with AI_PASSIVE the unspecified ones (bind to every
 * interface). IPv6 comes first, as in glibc; the sort decides the final order.
 */
#include <netdb.h>
#include <string.h>

#include "lookup/node_sources.h"

void gx_source_null(int family, int flags, struct gx_addrlist *out)
{
    struct gx_addr a;
    if (family == AF_UNSPEC || family == AF_INET6) {
        uint8_t b6[16] = {0};
        if (!(flags & AI_PASSIVE))
            b6[15] = 1;
        gx_addr_set6(&a, b6, 0);
        (void)gx_addrlist_add(out, &a); /* fits inline: cannot fail */
    }
    if (family == AF_UNSPEC || family == AF_INET) {
        uint8_t b4[4] = {0, 0, 0, 0};
        if (!(flags & AI_PASSIVE))
            b4[0] = 127, b4[3] = 1;
        gx_addr_set4(&a, b4);
        (void)gx_addrlist_add(out, &a);
    }
}
