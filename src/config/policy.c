/*
 * The built-in policy tables and the table lookups (RFC 6724 sections 2.1 and 3.2).
 *
 * Two built-in policies exist, both static and immutable:
 * - GAIX_POLICY_RFC6724: RFC 6724 section 2.1's default policy table;
 * - GAIX_POLICY_GLIBC: the tables glibc 2.36 uses when /etc/gai.conf has none (RFC 3484's table
 *   with glibc's additions: site-local fec0::/10, ULA fc00::/7 and Teredo 2001::/32 get labels of
 *   their own but keep the ::/0 precedence).
 * Both use the same IPv4 scope table: RFC 6724 section 3.2 gives 169.254/16 and 127/8 link-local
 * scope (2) and every other IPv4 address, private ranges included, global scope (14).
 *
 * Every table is ordered most specific first and ends with a catch-all (zero bits, or netmask 0),
 * so a lookup is "the first entry that matches" and always finds one. gaiconf.c builds tables from
 * /etc/gai.conf with the same two properties.
 *
 * Reference counting: a policy built from gai.conf lives on the heap and goes away with its last
 * reference; the built-in ones are static and ref/unref do nothing to them.
 */
#include "config/policy.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 6724 section 2.1, sorted by prefix length (entries of equal length do not overlap). */
static const struct gx_prefix_policy rfc6724_precedence[] = {
    {.prefix = {[15] = 1}, .bits = 128, .value = 50},                /* ::1/128 loopback */
    {.prefix = {[10] = 0xff, [11] = 0xff}, .bits = 96, .value = 35}, /* ::ffff:0:0/96 IPv4 */
    {.prefix = {0}, .bits = 96, .value = 1},                         /* ::/96 IPv4-compatible */
    {.prefix = {0x20, 0x01}, .bits = 32, .value = 5},                /* 2001::/32 Teredo */
    {.prefix = {0x20, 0x02}, .bits = 16, .value = 30},               /* 2002::/16 6to4 */
    {.prefix = {0x3f, 0xfe}, .bits = 16, .value = 1},                /* 3ffe::/16 6bone */
    {.prefix = {0xfe, 0xc0}, .bits = 10, .value = 1},                /* fec0::/10 site-local */
    {.prefix = {0xfc}, .bits = 7, .value = 3},                       /* fc00::/7 ULA */
    {.prefix = {0}, .bits = 0, .value = 40},                         /* ::/0 */
};

static const struct gx_prefix_policy rfc6724_labels[] = {
    {.prefix = {[15] = 1}, .bits = 128, .value = 0},
    {.prefix = {[10] = 0xff, [11] = 0xff}, .bits = 96, .value = 4},
    {.prefix = {0}, .bits = 96, .value = 3},
    {.prefix = {0x20, 0x01}, .bits = 32, .value = 5},
    {.prefix = {0x20, 0x02}, .bits = 16, .value = 2},
    {.prefix = {0x3f, 0xfe}, .bits = 16, .value = 12},
    {.prefix = {0xfe, 0xc0}, .bits = 10, .value = 11},
    {.prefix = {0xfc}, .bits = 7, .value = 13},
    {.prefix = {0}, .bits = 0, .value = 1},
};

/* glibc's built-in precedences (RFC 3484 section 2.1): IPv4 (10) below IPv4-compatible (20). */
static const struct gx_prefix_policy glibc_precedence[] = {
    {.prefix = {[15] = 1}, .bits = 128, .value = 50},
    {.prefix = {[10] = 0xff, [11] = 0xff}, .bits = 96, .value = 10},
    {.prefix = {0}, .bits = 96, .value = 20},
    {.prefix = {0x20, 0x02}, .bits = 16, .value = 30},
    {.prefix = {0}, .bits = 0, .value = 40},
};

static const struct gx_prefix_policy glibc_labels[] = {
    {.prefix = {[15] = 1}, .bits = 128, .value = 0},
    {.prefix = {[10] = 0xff, [11] = 0xff}, .bits = 96, .value = 4},
    {.prefix = {0}, .bits = 96, .value = 3},
    {.prefix = {0x20, 0x01}, .bits = 32, .value = 7},
    {.prefix = {0x20, 0x02}, .bits = 16, .value = 2},
    {.prefix = {0xfe, 0xc0}, .bits = 10, .value = 5},
    {.prefix = {0xfc}, .bits = 7, .value = 6},
    {.prefix = {0}, .bits = 0, .value = 1},
};

/* RFC 6724 section 3.2; glibc 2.36 builds in the same three entries. */
static const struct gx_scope_policy default_scopes[] = {
    {.addr = 0xa9fe0000u, .netmask = 0xffff0000u, .scope = 2}, /* 169.254.0.0/16 */
    {.addr = 0x7f000000u, .netmask = 0xff000000u, .scope = 2}, /* 127.0.0.0/8 */
    {.addr = 0, .netmask = 0, .scope = 14},                    /* 0.0.0.0/0 */
};

static const struct gx_policy builtin_rfc6724 = {
    .base = GAIX_POLICY_RFC6724,
    .precedence = rfc6724_precedence,
    .nprecedence = ARRAY_LEN(rfc6724_precedence),
    .labels = rfc6724_labels,
    .nlabels = ARRAY_LEN(rfc6724_labels),
    .scopes = default_scopes,
    .nscopes = ARRAY_LEN(default_scopes),
    .owned = NULL,
};

static const struct gx_policy builtin_glibc = {
    .base = GAIX_POLICY_GLIBC,
    .precedence = glibc_precedence,
    .nprecedence = ARRAY_LEN(glibc_precedence),
    .labels = glibc_labels,
    .nlabels = ARRAY_LEN(glibc_labels),
    .scopes = default_scopes,
    .nscopes = ARRAY_LEN(default_scopes),
    .owned = NULL,
};

const struct gx_policy *gx_policy_builtin(enum gaix_policy base)
{
    return base == GAIX_POLICY_GLIBC ? &builtin_glibc : &builtin_rfc6724;
}

static bool policy_is_builtin(const struct gx_policy *p)
{
    return p == &builtin_rfc6724 || p == &builtin_glibc;
}

void gx_policy_ref(const struct gx_policy *p)
{
    if (p == NULL || policy_is_builtin(p))
        return;
    /* Only the count changes; the object was allocated writable by gaiconf.c. */
    gx_ref_get(&((struct gx_policy *)p)->ref);
}

void gx_policy_unref(const struct gx_policy *p)
{
    if (p == NULL || policy_is_builtin(p))
        return;
    struct gx_policy *mp = (struct gx_policy *)p;
    if (gx_ref_put(&mp->ref)) {
        free(mp->owned);
        free(mp);
    }
}

/* True when the first `bits` bits of a equal those of prefix. */
static bool prefix_matches(const uint8_t prefix[16], unsigned bits, const uint8_t a[16])
{
    if (bits > 128)
        bits = 128;
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(prefix, a, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff00u >> rest);
    return ((prefix[whole] ^ a[whole]) & mask) == 0;
}

/*
 * The value of the first matching entry. The tables built here and in gaiconf.c end with a
 * catch-all, so `fallback` (glibc's answer for an address that matches nothing) is never used.
 */
static int32_t prefix_lookup(const struct gx_prefix_policy *table, size_t n,
                             const struct gx_addr *a, int32_t fallback)
{
    struct gx_addr mapped;
    const uint8_t *b = a->bytes;
    if (a->family == AF_INET) {
        mapped = gx_addr_map4to6(a);
        b = mapped.bytes;
    }
    for (size_t i = 0; i < n; i++)
        if (prefix_matches(table[i].prefix, table[i].bits, b))
            return table[i].value;
    return fallback;
}

int32_t gx_policy_precedence(const struct gx_policy *p, const struct gx_addr *a)
{
    return prefix_lookup(p->precedence, p->nprecedence, a, 0);
}

int32_t gx_policy_label(const struct gx_policy *p, const struct gx_addr *a)
{
    return prefix_lookup(p->labels, p->nlabels, a, INT32_MAX);
}

int32_t gx_policy_scope4(const struct gx_policy *p, const uint8_t v4[4])
{
    uint32_t x = (uint32_t)v4[0] << 24 | (uint32_t)v4[1] << 16 | (uint32_t)v4[2] << 8 | v4[3];
    for (size_t i = 0; i < p->nscopes; i++)
        if ((x & p->scopes[i].netmask) == p->scopes[i].addr)
            return p->scopes[i].scope;
    return 14; /* global; unreachable with a catch-all */
}
