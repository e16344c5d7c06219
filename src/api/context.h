/*
 * A context: a configuration and what was built from it (internal view of struct gaix_ctx).
 *
 * A lookup borrows what it needs from its context through a gx_ctx_refs: each piece (hosts index,
 * services index, policy, network state) is acquired on first need, with a reference, and all of
 * them are released when the lookup ends. A lookup that needs nothing (a numeric host with a
 * numeric port) touches no lock and no file.
 */
#ifndef GX_CONTEXT_H
#define GX_CONTEXT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "config/hosts.h"
#include "config/policy.h"
#include "config/reload.h"
#include "config/resolvconf.h"
#include "config/services.h"
#include "gaix.h"
#include "net/netstate.h"

struct gx_async; /* api/resolve.c: the context's engine for gaix_resolve() */

struct gaix_ctx {
    enum gaix_policy policy;
    struct gx_reload_set files;
    size_t hosts_file, services_file, gaiconf_file, resolv_file; /* indexes into files */
    struct gx_netwatch *net;
    /* DNS configuration from struct gaix_config, applied over resolv.conf at every rebuild. */
    bool resolv_system;      /* the system file: LOCALDOMAIN and RES_OPTIONS apply */
    char *resolv_extra;      /* resolv.conf lines appended to the file's (search, options) */
    size_t resolv_extra_len;
    bool own_search;         /* config.search given: it wins over LOCALDOMAIN */
    size_t own_options_off, own_options_len; /* config.options in resolv_extra (len 0: none):
                                              * applied after RES_OPTIONS, so that they win */
    struct gx_nameserver servers[GX_RESOLV_MAXNS]; /* replaces the file's when nservers > 0 */
    size_t nservers;
    bool dns_off;            /* an empty nameserver list: no DNS at all */
    atomic_uint rotation;    /* `options rotate`: where the next lookup starts */
    struct gx_async *async;  /* created by the first async call */
    pthread_mutex_t async_once;
};

struct gx_ctx_refs {
    gaix_ctx *ctx;
    uint64_t now_ms; /* read once per lookup, when first needed */
    struct gx_hosts *hosts;
    struct gx_services *services;
    const struct gx_policy *policy;
    struct gx_netstate *net;
    struct gx_resolv_conf *resolv;
};

void gx_ctx_refs_init(struct gx_ctx_refs *r, gaix_ctx *ctx);
void gx_ctx_refs_release(struct gx_ctx_refs *r);

/* Each returns GX_OK and the piece (kept until release), or a negative status. */
int gx_ctx_hosts(struct gx_ctx_refs *r, const struct gx_hosts **out);
int gx_ctx_services(struct gx_ctx_refs *r, const struct gx_services **out);
int gx_ctx_policy(struct gx_ctx_refs *r, const struct gx_policy **out);
int gx_ctx_net(struct gx_ctx_refs *r, struct gx_netstate **out);
int gx_ctx_resolv(struct gx_ctx_refs *r, const struct gx_resolv_conf **out);

/* The default context of the plain calls, created on first use; NULL when that failed. */
gaix_ctx *gx_ctx_default(void);

#endif
