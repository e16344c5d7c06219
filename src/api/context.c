/*
 * Contexts: gaix_ctx_new() names the files, the reload set keeps their indexes current, the
 * netwatch keeps the network state current. See context.h for how a lookup borrows from it.
 */
#include "api/context.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/status.h"

#define SYSTEM_HOSTS "/etc/hosts"
#define SYSTEM_SERVICES "/etc/services"
#define SYSTEM_GAICONF "/etc/gai.conf"

/* Adapters between the reload set's untyped callbacks and each index's typed functions. */
static int ctx_build_hosts(char *data, size_t len, void *arg, void **out)
{
    (void)arg;
    return gx_hosts_build(data, len, gx_ifindex_system, NULL, (struct gx_hosts **)out);
}
static void ctx_ref_hosts(void *p)
{
    gx_hosts_ref(p);
}
static void ctx_unref_hosts(void *p)
{
    gx_hosts_unref(p);
}
static int ctx_build_services(char *data, size_t len, void *arg, void **out)
{
    (void)arg;
    return gx_services_build(data, len, (struct gx_services **)out);
}
static void ctx_ref_services(void *p)
{
    gx_services_ref(p);
}
static void ctx_unref_services(void *p)
{
    gx_services_unref(p);
}
static int ctx_build_policy(char *data, size_t len, void *arg, void **out)
{
    const gaix_ctx *ctx = arg;
    const struct gx_policy *p;
    int st = gx_policy_from_gaiconf(data, len, ctx->policy, &p);
    free(data);
    if (st >= 0)
        *out = (void *)(uintptr_t)p;
    return st;
}
static void ctx_ref_policy(void *p)
{
    gx_policy_ref(p);
}
static void ctx_unref_policy(void *p)
{
    gx_policy_unref(p);
}

static const char *ctx_path(const char *given, const char *system)
{
    return given ? given : system;
}

gaix_ctx *gaix_ctx_new(const struct gaix_config *cfg)
{
    static const struct gaix_config defaults;
    if (!cfg)
        cfg = &defaults;
    if (cfg->policy != GAIX_POLICY_RFC6724 && cfg->policy != GAIX_POLICY_GLIBC) {
        errno = EINVAL;
        return NULL;
    }
    gaix_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->policy = cfg->policy;
    if (gx_reload_set_init(&ctx->files, cfg->reload_interval_ms) != GX_OK) {
        free(ctx);
        errno = ENOMEM;
        return NULL;
    }
    int h = gx_reload_set_add(&ctx->files, ctx_path(cfg->hosts_path, SYSTEM_HOSTS),
                              ctx_build_hosts, ctx_ref_hosts, ctx_unref_hosts, ctx);
    int s = gx_reload_set_add(&ctx->files, ctx_path(cfg->services_path, SYSTEM_SERVICES),
                              ctx_build_services, ctx_ref_services, ctx_unref_services, ctx);
    int g = gx_reload_set_add(&ctx->files, ctx_path(cfg->gai_conf_path, SYSTEM_GAICONF),
                              ctx_build_policy, ctx_ref_policy, ctx_unref_policy, ctx);
    if (h < 0 || s < 0 || g < 0 ||
        gx_netwatch_new(cfg->reload_interval_ms, &ctx->net) != GX_OK) {
        gx_reload_set_destroy(&ctx->files);
        free(ctx);
        errno = ENOMEM;
        return NULL;
    }
    ctx->hosts_file = (size_t)h;
    ctx->services_file = (size_t)s;
    ctx->gaiconf_file = (size_t)g;
    return ctx;
}

void gaix_ctx_free(gaix_ctx *ctx)
{
    if (!ctx)
        return;
    gx_netwatch_free(ctx->net);
    gx_reload_set_destroy(&ctx->files);
    free(ctx);
}

void gx_ctx_refs_init(struct gx_ctx_refs *r, gaix_ctx *ctx)
{
    r->ctx = ctx;
    r->now_ms = 0;
    r->hosts = NULL;
    r->services = NULL;
    r->policy = NULL;
    r->net = NULL;
}

void gx_ctx_refs_release(struct gx_ctx_refs *r)
{
    if (r->now_ms == 0)
        return; /* nothing was acquired: every acquisition reads the clock first */
    if (r->hosts)
        gx_hosts_unref(r->hosts);
    if (r->services)
        gx_services_unref(r->services);
    if (r->policy)
        gx_policy_unref(r->policy);
    if (r->net)
        gx_netstate_unref(r->net);
    gx_ctx_refs_init(r, r->ctx);
}

static uint64_t refs_now(struct gx_ctx_refs *r)
{
    if (r->now_ms == 0)
        r->now_ms = gx_now_ms() | 1; /* never 0, which means "not read yet" */
    return r->now_ms;
}

static int refs_acquire(struct gx_ctx_refs *r, size_t file, void **slot)
{
    if (*slot)
        return GX_OK;
    return gx_reload_acquire(&r->ctx->files, file, refs_now(r), slot);
}

int gx_ctx_hosts(struct gx_ctx_refs *r, const struct gx_hosts **out)
{
    void *p = r->hosts;
    int st = refs_acquire(r, r->ctx->hosts_file, &p);
    r->hosts = p;
    *out = r->hosts;
    return st;
}

int gx_ctx_services(struct gx_ctx_refs *r, const struct gx_services **out)
{
    void *p = r->services;
    int st = refs_acquire(r, r->ctx->services_file, &p);
    r->services = p;
    *out = r->services;
    return st;
}

int gx_ctx_policy(struct gx_ctx_refs *r, const struct gx_policy **out)
{
    void *p = (void *)(uintptr_t)r->policy;
    int st = refs_acquire(r, r->ctx->gaiconf_file, &p);
    r->policy = p;
    *out = r->policy;
    return st;
}

int gx_ctx_net(struct gx_ctx_refs *r, struct gx_netstate **out)
{
    int st = GX_OK;
    if (!r->net)
        st = gx_netwatch_acquire(r->ctx->net, refs_now(r), &r->net);
    *out = r->net;
    return st;
}

/* The default context. It lives until the process ends: lists and lookups in other threads may
 * still use it when exit() runs, so it is never freed. */
static _Atomic(gaix_ctx *) default_ctx;
static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

/* A fork() while another thread creates the default context would leave default_lock held in the
 * child, which has no such thread: the child starts with a fresh lock. (It cannot be registered
 * with core/fork.h: creating a context registers locks while holding it.) */
static void default_lock_reset(void)
{
    pthread_mutex_init(&default_lock, NULL);
}

static void default_atfork(void)
{
    (void)pthread_atfork(NULL, NULL, default_lock_reset);
}

gaix_ctx *gx_ctx_default(void)
{
    gaix_ctx *ctx = atomic_load_explicit(&default_ctx, memory_order_acquire);
    if (ctx)
        return ctx;
    pthread_once(&default_once, default_atfork);
    pthread_mutex_lock(&default_lock);
    ctx = atomic_load_explicit(&default_ctx, memory_order_relaxed);
    if (!ctx) {
        ctx = gaix_ctx_new(NULL);
        atomic_store_explicit(&default_ctx, ctx, memory_order_release);
    }
    pthread_mutex_unlock(&default_lock);
    return ctx;
}
