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

#include <stdint.h>

#include "config/hosts.h"
#include "config/policy.h"
#include "config/reload.h"
#include "config/services.h"
#include "gaix.h"
#include "net/netstate.h"

struct gaix_ctx {
    enum gaix_policy policy;
    struct gx_reload_set files;
    size_t hosts_file, services_file, gaiconf_file; /* indexes into files */
    struct gx_netwatch *net;
};

struct gx_ctx_refs {
    gaix_ctx *ctx;
    uint64_t now_ms; /* read once per lookup, when first needed */
    struct gx_hosts *hosts;
    struct gx_services *services;
    const struct gx_policy *policy;
    struct gx_netstate *net;
};

void gx_ctx_refs_init(struct gx_ctx_refs *r, gaix_ctx *ctx);
void gx_ctx_refs_release(struct gx_ctx_refs *r);

/* Each returns GX_OK and the piece (kept until release), or a negative status. */
int gx_ctx_hosts(struct gx_ctx_refs *r, const struct gx_hosts **out);
int gx_ctx_services(struct gx_ctx_refs *r, const struct gx_services **out);
int gx_ctx_policy(struct gx_ctx_refs *r, const struct gx_policy **out);
int gx_ctx_net(struct gx_ctx_refs *r, struct gx_netstate **out);

/* The default context of the plain calls, created on first use; NULL when that failed. */
gaix_ctx *gx_ctx_default(void);

#endif
