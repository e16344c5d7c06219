/*
 * The names one DNS lookup asks, in order: glibc's res_search() (resolv/res_query.c) read as a
 * list. For NAME with D dots, under ndots N and search list S1..Sk:
 *   - a final dot: NAME alone (S05);
 *   - D >= N: NAME first, then NAME.S1 ... NAME.Sk;
 *   - D < N: NAME.S1 ... NAME.Sk, then NAME last — except that with `options no-tld-query` a name
 *     without dots is never asked alone;
 *   - a root or empty search element ("." or "") stands for NAME itself, asked once (S06: never
 *     a name with "..");
 *   - a candidate longer than 253 characters is left out (S07).
 * What to do with each candidate's answer (go on after NXDOMAIN, NODATA and SERVFAIL; stop after
 * other failures, but still ask NAME if it was not asked) is dns_lookup.c's.
 */
#ifndef GX_SEARCH_H
#define GX_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/resolvconf.h"
#include "dns/wire.h"

#define GX_SEARCH_CANDIDATES_MAX (GX_RESOLV_MAXSEARCH + 1)

struct gx_search {
    uint8_t names[GX_SEARCH_CANDIDATES_MAX][GX_DNS_NAME_WIRE_MAX];
    size_t n;
    size_t as_is;       /* index of NAME itself, or SIZE_MAX when it is not asked */
    bool as_is_first;   /* NAME is asked before the search list (D >= N or a final dot) */
};

/* Fills *s for the host name (validated text). GX_OK, or GX_E_NONAME when the name cannot be
 * asked at all (not encodable, too long), without any query (A15-A17). */
int gx_search_build(const char *name, size_t len, const struct gx_resolv_conf *conf,
                    struct gx_search *s);

#endif
