/*
 * Numeric hosts. An IPv4 literal is anything inet_aton() reads whole ("127.1", "0x7f.1",
 * "017700000001": D3), the same with and without AI_NUMERICHOST; trailing bytes of any kind make
 * it a non-literal, which no later source matches either (A12). An IPv6 literal is inet_pton()'s
 * form, optionally followed by "%" and a scope (A14).
 */
#include <netdb.h>
#include <string.h>

#include "core/ip_text.h"
#include "core/status.h"
#include "lookup/node_sources.h"

void gx_literal_parse(const char *node, size_t len, struct gx_literal *lit)
{
    lit->kind = GX_LITERAL_NONE;
    /* The dotted quad first: nearly every literal is one, and it reads the same as inet_aton. */
    if (gx_ip4_parse_strict_z(node, len, lit->bytes) == GX_OK ||
        gx_ip4_parse_aton(node, len, lit->bytes) == GX_OK) {
        lit->kind = GX_LITERAL_V4;
        return;
    }
    const char *pct = memchr(node, '%', len);
    size_t addr_len = pct ? (size_t)(pct - node) : len;
    if (gx_ip6_parse(node, addr_len, lit->bytes) != GX_OK)
        return;
    lit->kind = GX_LITERAL_V6;
    lit->scope = NULL; /* read only for IPv6 literals */
    lit->scope_len = 0;
    if (pct) {
        lit->scope = pct + 1;
        lit->scope_len = len - addr_len - 1;
    }
}

int gx_source_literal(const struct gx_literal *lit, int family, int flags,
                      struct gx_addrlist *out)
{
    struct gx_addr a;
    if (lit->kind == GX_LITERAL_V4) {
        gx_addr_set4(&a, lit->bytes);
        if (family == AF_INET6) {
            if (!(flags & AI_V4MAPPED))
                return GX_E_ADDRFAMILY;
            a = gx_addr_map4to6(&a);
        }
        return gx_addrlist_add(out, &a);
    }

    if (family == AF_INET) {
        if (!gx_bytes6_is_v4mapped(lit->bytes))
            return GX_E_ADDRFAMILY;
        gx_addr_set4(&a, lit->bytes + 12);
    } else {
        gx_addr_set6(&a, lit->bytes, 0);
    }
    if (lit->scope) {
        uint32_t scope_id;
        if (gx_scope_parse(lit->bytes, lit->scope, lit->scope_len, gx_ifindex_system, NULL,
                           &scope_id) != GX_OK)
            return GX_E_NONAME;
        if (a.family == AF_INET6)
            a.scope_id = scope_id;
    }
    return gx_addrlist_add(out, &a);
}
