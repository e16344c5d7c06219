/*
 * The hosts file read backwards: an address -> the canonical name of the first line, in file
 * order, that lists it, as glibc's nss_files gethostbyaddr reads the file:
 * - an IPv4 address matches an IPv4 line, an IPv4-mapped IPv6 line (::ffff:a.b.c.d), and for
 *   127.0.0.1 also a "::1" line (nss_files reads ::1 as 127.0.0.1 for IPv4);
 * - an IPv6 address matches an IPv6 line only (an IPv4-mapped address does not find the IPv4
 *   line of its IPv4 part: glibc 2.36 answers it numerically, which the differential test pins);
 *   a line without a scope matches whatever the scope asked, a scoped line (which glibc would
 *   skip) only its own scope;
 * - the unspecified address :: has no name.
 * Every candidate is one O(1) probe of the address index; the earliest line wins.
 */
#include <string.h>

#include "core/status.h"
#include "lookup/hosts_reverse.h"

/* Keeps the earlier of two line numbers (negative: none). */
static int reverse_earliest(int best, int id)
{
    if (id < 0)
        return best;
    return best < 0 || id < best ? id : best;
}

int gx_hosts_reverse(const struct gx_hosts *h, const struct gx_addr *a, const char **name,
                     size_t *len)
{
    static const uint8_t loopback4[4] = {127, 0, 0, 1};
    static const uint8_t any6[16] = {0};
    struct gx_addr probe;
    int best = GX_E_NOTFOUND;

    if (a->family == AF_INET) {
        gx_addr_set4(&probe, a->bytes);
        best = reverse_earliest(best, gx_hosts_find_addr(h, &probe));
        probe = gx_addr_map4to6(&probe);
        best = reverse_earliest(best, gx_hosts_find_addr(h, &probe));
        if (memcmp(a->bytes, loopback4, 4) == 0) {
            uint8_t one[16] = {0};
            one[15] = 1;
            gx_addr_set6(&probe, one, 0);
            best = reverse_earliest(best, gx_hosts_find_addr(h, &probe));
        }
    } else {
        if (memcmp(a->bytes, any6, 16) == 0)
            return GX_E_NOTFOUND;
        gx_addr_set6(&probe, a->bytes, 0);
        best = reverse_earliest(best, gx_hosts_find_addr(h, &probe));
        if (a->scope_id != 0) {
            probe.scope_id = a->scope_id;
            best = reverse_earliest(best, gx_hosts_find_addr(h, &probe));
        }
    }
    if (best < 0)
        return GX_E_NOTFOUND;
    const struct gx_hosts_entry *e = gx_hosts_entry(h, (uint32_t)best);
    *name = e->canon;
    *len = e->canon_len;
    return GX_OK;
}
