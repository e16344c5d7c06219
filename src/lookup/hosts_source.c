/*
 * The hosts file as a source, read per family the way glibc's nss_files module reads it, so that
 * a name gives the same addresses in the same order (before sorting) as with the C library. The
 * one deliberate difference is that exact duplicates are merged (D5; gx_addrlist_add).
 */
#include <netdb.h>

#include "core/status.h"
#include "lookup/node_sources.h"

/* A line read for AF_INET: IPv4 as itself; IPv4-mapped IPv6 and ::1 become IPv4. */
static bool hosts_line_as_v4(const struct gx_addr *line, struct gx_addr *v4)
{
    if (line->family == AF_INET) {
        *v4 = *line;
        return true;
    }
    if (gx_bytes6_is_v4mapped(line->bytes)) {
        gx_addr_set4(v4, line->bytes + 12);
        return true;
    }
    if (gx_bytes6_is_loopback(line->bytes)) {
        static const uint8_t loop4[4] = {127, 0, 0, 1};
        gx_addr_set4(v4, loop4);
        return true;
    }
    return false;
}

static void hosts_take_canon(struct gx_addrlist *out, const struct gx_hosts_entry *e)
{
    if (out->canon == NULL) {
        out->canon = e->canon;
        out->canon_len = e->canon_len;
    }
}

/* The lines of one name: entries of an index, or a fixed array (localhost.c). */
struct hosts_lines {
    const struct gx_hosts *h;
    const uint32_t *ids;
    const struct gx_hosts_entry *fixed;
    size_t n;
};

static const struct gx_hosts_entry *hosts_line(const struct hosts_lines *l, size_t i)
{
    return l->h ? gx_hosts_entry(l->h, l->ids[i]) : &l->fixed[i];
}

/* The AF_INET reading of the lines, mapped to IPv6 when `map`. */
static int hosts_add_v4(const struct hosts_lines *l, bool map, struct gx_addrlist *out)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct gx_hosts_entry *e = hosts_line(l, i);
        struct gx_addr a;
        if (!hosts_line_as_v4(&e->addr, &a))
            continue;
        hosts_take_canon(out, e);
        if (map)
            a = gx_addr_map4to6(&a);
        int st = gx_addrlist_add(out, &a);
        if (st < 0)
            return st;
    }
    return GX_OK;
}

static bool addr_is_not_v4mapped(const struct gx_addr *a)
{
    return a->family != AF_INET6 || !gx_bytes6_is_v4mapped(a->bytes);
}

static int hosts_read(const struct hosts_lines *l, int family, int flags, struct gx_addrlist *out)
{
    if (family == AF_INET)
        return hosts_add_v4(l, false, out);

    bool found6 = false;
    for (size_t i = 0; i < l->n; i++) {
        const struct gx_hosts_entry *e = hosts_line(l, i);
        if (family == AF_INET6 && e->addr.family != AF_INET6)
            continue;
        hosts_take_canon(out, e);
        found6 |= e->addr.family == AF_INET6;
        int st = gx_addrlist_add(out, &e->addr);
        if (st < 0)
            return st;
    }
    if (family != AF_INET6 || !(flags & AI_V4MAPPED))
        return GX_OK;
    if (flags & AI_ALL || !found6)
        return hosts_add_v4(l, true, out);
    /* glibc drops IPv4-mapped addresses once native IPv6 ones were found (AI_V4MAPPED without
     * AI_ALL), even those the file itself wrote as ::ffff:a.b.c.d. */
    gx_addrlist_filter(out, addr_is_not_v4mapped);
    return GX_OK;
}

int gx_source_hosts(const struct gx_hosts *h, const char *name, size_t len, int family, int flags,
                    struct gx_addrlist *out)
{
    struct hosts_lines l = {h, NULL, NULL, 0};
    l.n = gx_hosts_find(h, name, len, &l.ids);
    return l.n ? hosts_read(&l, family, flags, out) : GX_OK;
}

int gx_source_hosts_lines(const struct gx_hosts_entry *lines, size_t n, int family, int flags,
                          struct gx_addrlist *out)
{
    struct hosts_lines l = {NULL, NULL, lines, n};
    return hosts_read(&l, family, flags, out);
}
