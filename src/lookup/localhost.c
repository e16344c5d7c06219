/*
 * RFC 6761 section 6.3: "localhost" and names under it are the loopback host, whatever DNS or a
 * forgetful hosts file says. The hosts file still answers first (so a machine that lists
 * localhost gets exactly its own lines, as with the C library); when it has nothing for the
 * request, the answer is what the two standard lines give, read like any hosts lines (A19). So
 * foo.localhost answers exactly as localhost does on a machine with a standard hosts file.
 */
#include <netdb.h>

#include "lookup/node_sources.h"

int gx_source_localhost(int family, int flags, struct gx_addrlist *out)
{
    static const struct gx_hosts_entry standard[2] = {
        {{.bytes = {127, 0, 0, 1}, .family = AF_INET}, "localhost", 9},
        {{.bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, .family = AF_INET6},
         "localhost", 9},
    };
    if (out->n > 0)
        return 0;
    int st = gx_source_hosts_lines(standard, 2, family, flags, out);
    out->canon = NULL;
    out->canon_len = 0;
    return st;
}
