/*
 * getaddrinfo() as a pipeline (DESIGN.md section 2):
 *
 *   hints   -> validated request            EAI_BADFLAGS / EAI_FAMILY / EAI_NONAME
 *   flags   -> AI_ADDRCONFIG family choice  (net/netstate.h)
 *   service -> (socktype, protocol, port)   lookup/service.c, the services index
 *   node    -> addresses + canonical name   lookup/node_sources.h: null node, literal, hosts,
 *                                           localhost; then DNS (engine/dns_lookup.h)
 *   addresses -> RFC 6724 order             lookup/sort.c with net/netstate.h's source addresses
 *   addresses x triples -> addrinfo list    lookup/result.c, one allocation
 *
 * The checks come in the C library's order, so that a request with several faults gets the same
 * error as with the C library.
 *
 * A lookup runs as far as it can at once; when it needs DNS it starts a DNS lookup on an engine
 * and resumes when that ends. The blocking call drives a private engine until then, the async
 * API the context's: both run every line of this file.
 */
#ifndef GX_PIPELINE_H
#define GX_PIPELINE_H

#include <netdb.h>
#include <stdbool.h>

#include "api/context.h"
#include "engine/dns_lookup.h"
#include "engine/engine.h"
#include "gaix.h"
#include "lookup/addrlist.h"
#include "lookup/node_sources.h"
#include "lookup/service.h"
#include "lookup/sort.h"
#include "lookup/sort_batch.h"

struct gx_lookup;
typedef void gx_lookup_done_fn(struct gx_lookup *lk);

/* Everything one lookup carries from step to step. */
/* The DNS stages of one lookup (gx_lookup.dns_stage). */
enum {
    DNS_STAGE_NONE = 0,
    DNS_STAGE_FIRST,   /* what the family asks: A and AAAA, A, or AAAA */
    DNS_STAGE_A,       /* AF_INET6 with AI_V4MAPPED: A, mapped, after AAAA found none (or AI_ALL) */
    DNS_STAGE_A_PROBE, /* AF_INET6 with options no-aaaa: A, only to tell NONAME from NODATA */
};

struct gx_lookup {
    gaix_ctx *ctx;
    const char *node; /* NULL: no node */
    size_t node_len;
    char *node_idn;   /* the node converted by AI_IDN, owned */
    int flags, family, socktype, protocol;
    struct gx_literal literal;
    bool localhost;
    struct gx_service service;
    struct gx_servtuple tuples[GX_SERVTUPLES_MAX];
    int ntuples;
    struct gx_addrlist addrs;
    char *canon_owned; /* a canonical name converted by AI_CANONIDN, owned */
    char *dns_canon;   /* the canonical name DNS found (end of the CNAME chain), owned */
    struct gx_ctx_refs refs;
    /* DNS */
    struct gx_engine *engine;     /* the engine DNS runs on; the private one when NULL */
    bool own_engine;              /* private_engine is initialised */
    struct gx_engine private_engine;
    struct gx_dns_lookup *dns;    /* in flight, or NULL */
    int dns_stage;                /* DNS_STAGE_*: AF_INET6 with AI_V4MAPPED asks AAAA, then A */
    int dns_status1;              /* the first stage's outcome */
    gx_lookup_done_fn *done;      /* called once when a lookup that went to DNS ends */
    uint64_t deadline_us;         /* the caller's deadline for DNS, 0: the schedule's */
    /* Outcome */
    bool finished;
    int status;                   /* GX_OK or a negative status */
    struct addrinfo *res;
    enum gaix_source source;
    struct gx_dns_stats dns_stats; /* DNS: copied when the DNS lookup ends */
    bool used_dns;
    /* The async API: where a DNS answer waits for its order (lookup/sort_batch.h), or NULL */
    struct gx_sort_batch *sort_batch;
    struct gx_lookup *batch_next;
};

/* The end of a lookup that waited in a sort batch: info[i] describes addrs.v[i] (the batch's
 * scratch, reordered by the sort), or NULL when the batch could not ask and the lookup asks alone.
 * Calls lk->done. */
void gx_lookup_end_batched(struct gx_lookup *lk, struct gx_dest_info *info);

/* Prepares a lookup; engine NULL means a private one (the blocking call). */
void gx_lookup_init(struct gx_lookup *lk, gaix_ctx *ctx, struct gx_engine *engine,
                    gx_lookup_done_fn *done);

/* Runs as far as possible. True when finished (status, res, detail set); false when a DNS lookup
 * is in flight on the engine: `done` is called when it ends. node and service must live until
 * then. */
bool gx_lookup_start(struct gx_lookup *lk, const char *node, const char *service,
                     const struct addrinfo *hints);

/* Stops a lookup in flight (its sockets close at once; `done` will not be called). */
void gx_lookup_cancel(struct gx_lookup *lk);

/* Frees what the lookup holds, except res (the caller's). */
void gx_lookup_release(struct gx_lookup *lk);

/* The details of a finished lookup (r->ai is set to res). */
void gx_lookup_detail(const struct gx_lookup *lk, struct gaix_result *r);

/* The fields of a struct gaix_result every lookup reports, getaddrinfo's and getnameinfo's alike
 * (gaix.h): r zeroed, then its status (an EAI_* code, 0 on success), where the answer came from
 * (GAIX_SOURCE_NONE on an error) and, when DNS was asked (dns not NULL), its rcode, queries, TTL
 * and server; rcode is -1 otherwise. */
void gx_detail_fill(struct gaix_result *r, int eai, enum gaix_source source,
                    const struct gx_dns_stats *dns);

/* getaddrinfo() over a context; returns 0 or an EAI_* value, *res untouched on error. detail may
 * be NULL. */
int gx_getaddrinfo(gaix_ctx *ctx, const char *node, const char *service,
                   const struct addrinfo *hints, struct addrinfo **res, struct gaix_result *detail);

#endif
