/*
 * One IP address as the pipeline carries it: the family, the address bytes in network order
 * (an IPv4 address in the first four) and, for IPv6, the scope (interface index).
 */
#ifndef GX_ADDR_H
#define GX_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

struct gx_addr {
    uint8_t bytes[16];
    uint32_t scope_id; /* IPv6 only; 0 = none */
    uint8_t family;    /* AF_INET or AF_INET6 */
};

static inline void gx_addr_set4(struct gx_addr *a, const uint8_t b[4])
{
    memset(a, 0, sizeof *a);
    a->family = AF_INET;
    memcpy(a->bytes, b, 4);
}

static inline void gx_addr_set6(struct gx_addr *a, const uint8_t b[16], uint32_t scope_id)
{
    memset(a, 0, sizeof *a);
    a->family = AF_INET6;
    memcpy(a->bytes, b, 16);
    a->scope_id = scope_id;
}

static inline bool gx_addr_equal(const struct gx_addr *a, const struct gx_addr *b)
{
    return a->family == b->family && a->scope_id == b->scope_id &&
           memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16) == 0;
}

/* ::ffff:a.b.c.d */
static inline bool gx_bytes6_is_v4mapped(const uint8_t b[16])
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(b, prefix, 12) == 0;
}

static inline bool gx_bytes6_is_loopback(const uint8_t b[16])
{
    static const uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return memcmp(b, one, 16) == 0;
}

/* fe80::/10 unicast link-local, or ff02::/16-style multicast link-local (scope 2). */
static inline bool gx_bytes6_is_linklocal(const uint8_t b[16])
{
    return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || (b[0] == 0xff && (b[1] & 0x0f) == 0x02);
}

/* IPv4 a.b.c.d -> IPv6 ::ffff:a.b.c.d. */
static inline struct gx_addr gx_addr_map4to6(const struct gx_addr *v4)
{
    struct gx_addr m;
    memset(&m, 0, sizeof m);
    m.family = AF_INET6;
    m.bytes[10] = 0xff;
    m.bytes[11] = 0xff;
    memcpy(m.bytes + 12, v4->bytes, 4);
    return m;
}

/* Fills a sockaddr_in or sockaddr_in6 (port in host order); returns its length. */
static inline socklen_t gx_addr_to_sockaddr(const struct gx_addr *a, uint16_t port,
                                            struct sockaddr_in6 *storage)
{
    if (a->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)(void *)storage;
        memset(sin, 0, sizeof *sin);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, a->bytes, 4);
        return sizeof *sin;
    }
    memset(storage, 0, sizeof *storage);
    storage->sin6_family = AF_INET6;
    storage->sin6_port = htons(port);
    memcpy(&storage->sin6_addr, a->bytes, 16);
    storage->sin6_scope_id = a->scope_id;
    return sizeof *storage;
}

#endif
