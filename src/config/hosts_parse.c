/*
 * One line of a hosts file, and the scope of an IPv6 address (hosts(5), TEST-VECTORS F17-F26).
 *
 * The parser walks the line once with a cursor bounded by its length: it needs no NUL, does no
 * I/O and no allocation, and points its result into the line. A line is taken whole or refused
 * whole (STYLE 4): one bad name refuses the line even when the other names are fine, because
 * a half-read line would answer for names the administrator did not mean to list together.
 *
 * Scopes are resolved separately (gx_scope_parse) because turning an interface name into an
 * index asks the kernel; the parser only checks that a scope is present where one may be.
 */
#include "config/hosts.h"

#include <limits.h>
#include <net/if.h>
#include <string.h>

#include "config/lines.h"
#include "core/ascii.h"
#include "core/hostname.h"
#include "core/ip_text.h"
#include "core/status.h"

/* The address field: a strict IPv4 address (inet_pton, so "010.0.0.1" and "1.2.3" fail, F21),
 * else an IPv6 address with an optional "%scope". A scope on IPv4 or an empty scope is refused,
 * as getaddrinfo refuses "1.2.3.4%1" and "fe80::1%" (A14). */
static int hosts_parse_addr(const char *f, size_t len, struct gx_hosts_line *out)
{
    const char *pct = memchr(f, '%', len);
    size_t addr_len = pct ? (size_t)(pct - f) : len;
    uint8_t b[16];

    if (gx_ip4_parse_strict(f, addr_len, b) == GX_OK) {
        if (pct)
            return GX_E_MALFORMED;
        gx_addr_set4(&out->addr, b);
        out->scope = NULL;
        out->scope_len = 0;
        return GX_OK;
    }
    if (gx_ip6_parse(f, addr_len, b) != GX_OK)
        return GX_E_MALFORMED;
    gx_addr_set6(&out->addr, b, 0);
    out->scope = pct ? pct + 1 : NULL;
    out->scope_len = pct ? len - addr_len - 1 : 0;
    if (pct && out->scope_len == 0)
        return GX_E_MALFORMED;
    return GX_OK;
}

/* The names after the address: at least one, every one a valid host name (F26). */
static int hosts_parse_names(const char *cursor, const char *end, struct gx_hosts_line *out)
{
    const char *f, *first = NULL, *last_end = NULL;
    size_t flen, count = 0;

    while (gx_field_next(&cursor, end, &f, &flen)) {
        if (!gx_hostname_valid(f, flen) || count == INT_MAX)
            return GX_E_MALFORMED;
        if (first == NULL)
            first = f;
        last_end = f + flen;
        count++;
    }
    if (count == 0)
        return GX_E_MALFORMED; /* an address alone names nothing: glibc skips it too */
    out->names = first;
    out->names_len = (size_t)(last_end - first);
    out->name_count = count;
    return (int)count;
}

int gx_hosts_parse_line(const char *line, size_t len, struct gx_hosts_line *out)
{
    const char *cursor = line;
    const char *end = line + gx_line_uncomment(line, len, '#'); /* F19 */
    const char *f;
    size_t flen;
    struct gx_hosts_line tmp;

    if (!gx_field_next(&cursor, end, &f, &flen))
        return 0; /* blank, white space only, or only a comment */
    if (hosts_parse_addr(f, flen, &tmp) != GX_OK)
        return GX_E_MALFORMED;
    int n = hosts_parse_names(cursor, end, &tmp);
    if (n > 0)
        *out = tmp; /* written only for a line that is taken */
    return n;
}

uint32_t gx_ifindex_system(const char *name, size_t len, void *arg)
{
    char buf[IF_NAMESIZE];

    (void)arg;
    /* if_nametoindex() wants a NUL-terminated name that fits IF_NAMESIZE with its NUL; anything
     * else cannot name an interface, and a NUL inside would make it name a different one. */
    if (len == 0 || len >= sizeof buf || memchr(name, '\0', len) != NULL)
        return 0;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return (uint32_t)if_nametoindex(buf);
}

/* Addresses whose scope is one link or one node, where an interface name means something:
 * fe80::/10 unicast and multicast of node-local (1) or link-local (2) scope (RFC 4291 2.7).
 * Any multicast flag bits are allowed, as the system's IN6_IS_ADDR_MC_* macros allow them. */
static bool scope_takes_ifname(const uint8_t a[16])
{
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return true;
    return a[0] == 0xff && ((a[1] & 0x0f) == 0x01 || (a[1] & 0x0f) == 0x02);
}

/* A scope number: decimal digits only, leading zeros allowed, at most 32 bits. */
static int scope_parse_number(const char *s, size_t len, uint32_t *out)
{
    uint64_t v = 0;

    if (len == 0)
        return GX_E_MALFORMED;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!gx_ascii_isdigit(c))
            return GX_E_MALFORMED;
        v = v * 10 + (uint64_t)(c - '0');
        if (v > UINT32_MAX)
            return GX_E_MALFORMED; /* checked every digit, so v never wraps */
    }
    *out = (uint32_t)v;
    return GX_OK;
}

int gx_scope_parse(const uint8_t addr6[16], const char *scope, size_t len, gx_ifindex_fn *ifindex,
                   void *arg, uint32_t *scope_id)
{
    if (len == 0)
        return GX_E_MALFORMED;
    /* The interface name comes first, so an interface named "2" wins over the number 2, as it
     * does in the C library. */
    if (ifindex != NULL && scope_takes_ifname(addr6)) {
        uint32_t idx = ifindex(scope, len, arg);
        if (idx != 0) {
            *scope_id = idx;
            return GX_OK;
        }
    }
    return scope_parse_number(scope, len, scope_id);
}
