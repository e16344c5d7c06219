/*
 * One DNS lookup: the addresses (or, for getnameinfo, the PTR name) of one host name, through the
 * search list, from the configured nameservers, on an engine (engine.h).
 *
 * The model, one level at a time:
 *   lookup     the candidates of the search list (lookup/search.h), asked one after the other;
 *   question   per candidate, one question per record type (A and AAAA in parallel, as glibc's
 *              gethostbyname4; PTR alone), each walking the schedule of (attempt, server) steps
 *              on its own: a SERVFAIL or REFUSED from one server moves only that question on;
 *   flight     a socket to one server carrying the questions sent there together (A and AAAA
 *              leave in one sendmmsg() and come back on one socket), UDP or, after TC=1, TCP.
 *
 * Timing: step k asks server s = (k + rotation) mod n for attempt k / n, and waits glibc's
 * (timeout << s) / n seconds (timeout for the first server), at least one; a server that answers
 * ICMP port-unreachable is left at once. When one question of a pair is answered and its twin is
 * not, the twin is re-sent from a fresh socket after a few round-trip times instead of waiting for
 * the full timeout (a conntrack race can drop the second of two packets from one port).
 *
 * Outcome (TEST-VECTORS D1, D2): the addresses, A before AAAA, with the canonical name at the end
 * of the CNAME chain and the smallest TTL; otherwise NXDOMAIN -> GX_E_NONAME, NODATA ->
 * GX_E_NODATA, timeouts or SERVFAIL -> GX_E_AGAIN, every server REFUSED / NOTIMP / FORMERR /
 * malformed -> GX_E_FAIL. One family answered and the other failed: the answer wins, unless
 * `options strict-error`.
 */
#ifndef GX_DNS_LOOKUP_H
#define GX_DNS_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/resolvconf.h"
#include "engine/engine.h"
#include "lookup/addrlist.h"

struct gx_dns_lookup;

/* What a finished lookup reports beside its addresses (the async result shows it). */
struct gx_dns_stats {
    int rcode;                  /* the last rcode received, -1 when nothing was */
    struct sockaddr_in6 server; /* the server whose answer was used (family 0 when none) */
    unsigned queries;           /* queries sent, retries and TCP included */
    uint32_t ttl_s;
};

struct gx_dns_params {
    const struct gx_resolv_conf *conf; /* referenced by the lookup until it ends */
    const char *name;                  /* a validated host name (text), or NULL for ptr */
    size_t name_len;
    bool want_a, want_aaaa;            /* address lookup: the record types to ask */
    const uint8_t *ptr_name;           /* PTR lookup: the wire name, asked alone */
    unsigned rotation;                 /* first server for `options rotate` */
    uint64_t deadline_us;              /* 0: none beyond the schedule */
};

/* Called once, from deferred work, when the lookup ends (never after gx_dns_lookup_cancel). The
 * lookup is freed right after the call returns. */
typedef void gx_dns_done_fn(struct gx_dns_lookup *l, void *arg);

/*
 * Starts a lookup. GX_OK and *out; or a negative status and no lookup (no callback): GX_E_NONAME
 * for a name that cannot be asked, GX_E_MEMORY.
 */
int gx_dns_lookup_start(struct gx_engine *e, const struct gx_dns_params *p, gx_dns_done_fn *done,
                        void *arg, struct gx_dns_lookup **out);

/* Stops a lookup at once: its sockets are closed and freed; its callback will not run. */
void gx_dns_lookup_cancel(struct gx_dns_lookup *l);

/* In the callback: the outcome. Status GX_OK means addresses (or, for PTR, a name). */
int gx_dns_lookup_status(const struct gx_dns_lookup *l);
/* Moves the addresses (A first, then AAAA; exact duplicates merged) into out. */
int gx_dns_lookup_take(struct gx_dns_lookup *l, struct gx_addrlist *out);
/* The canonical name (end of the CNAME chain) or the PTR name, as text; NULL when none passed
 * the host-name check. */
const char *gx_dns_lookup_name(const struct gx_dns_lookup *l);
const struct gx_dns_stats *gx_dns_lookup_stats(const struct gx_dns_lookup *l);

#endif
