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

#include <arpa/inet.h>
#include <stdio.h>
#include <unistd.h>

#include "api/async.h"
#include "core/clock.h"
#include "core/ip_text.h"
#include "core/limits.h"
#include "core/status.h"

#define SYSTEM_HOSTS "/etc/hosts"
#define SYSTEM_SERVICES "/etc/services"
#define SYSTEM_GAICONF "/etc/gai.conf"
#define SYSTEM_RESOLV "/etc/resolv.conf"

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

static void ctx_ref_resolv(void *p)
{
    gx_resolvconf_ref(p);
}
static void ctx_unref_resolv(void *p)
{
    gx_resolvconf_unref(p);
}

/* resolv.conf, then the context's own lines (search, options) after it, then its servers. */
static int ctx_build_resolv(char *data, size_t len, void *arg, void **out)
{
    const gaix_ctx *ctx = arg;
    char *text = data;
    size_t text_len = len;
    if (ctx->resolv_extra_len) {
        text = malloc(len + 1 + ctx->resolv_extra_len);
        if (!text) {
            free(data);
            return GX_E_MEMORY;
        }
        if (len)
            memcpy(text, data, len);
        text[len] = '\n';
        memcpy(text + len + 1, ctx->resolv_extra, ctx->resolv_extra_len);
        text_len = len + 1 + ctx->resolv_extra_len;
        free(data);
    }
    char host[256];
    struct gx_resolv_env env = {.ifindex = gx_ifindex_system};
    if (gethostname(host, sizeof host) == 0) {
        host[sizeof host - 1] = '\0';
        env.hostname = host;
    }
    char *options = NULL;
    if (ctx->resolv_system) {
        /* The resolver's standard variables, never in a setuid program (AT_SECURE). They apply
         * after the file, as in glibc; what the program itself configured applies after them:
         * an explicit search list ignores LOCALDOMAIN, explicit options follow RES_OPTIONS. */
        if (!ctx->own_search)
            env.localdomain = secure_getenv("LOCALDOMAIN");
        env.res_options = secure_getenv("RES_OPTIONS");
        if (env.res_options && ctx->own_options_len) {
            size_t el = strlen(env.res_options), ol = ctx->own_options_len;
            options = malloc(el + ol + 2);
            if (!options) {
                free(text);
                return GX_E_MEMORY;
            }
            memcpy(options, env.res_options, el);
            options[el] = ' ';
            memcpy(options + el + 1, ctx->resolv_extra + ctx->own_options_off, ol);
            options[el + 1 + ol] = '\0';
            env.res_options = options;
        }
    }
    struct gx_resolv_conf *conf;
    int st = gx_resolvconf_parse(text, text_len, &env, &conf);
    free(text);
    free(options);
    if (st < 0)
        return st;
    if (ctx->nservers > 0) {
        memcpy(conf->ns, ctx->servers, ctx->nservers * sizeof conf->ns[0]);
        conf->nns = ctx->nservers;
    }
    *out = conf;
    return GX_OK;
}

/* "192.0.2.1", "192.0.2.1:5353", "2001:db8::1", "fe80::1%eth0", "[2001:db8::1]:5353". */
static int ctx_parse_server(const char *text, struct gx_nameserver *ns)
{
    memset(ns, 0, sizeof *ns);
    size_t len = strlen(text);
    const char *host = text, *port = NULL;
    size_t host_len = len;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || (close[1] != '\0' && close[1] != ':'))
            return GX_E_MALFORMED;
        host = text + 1;
        host_len = (size_t)(close - host);
        port = close[1] == ':' ? close + 2 : NULL;
    } else {
        const char *colon = strchr(text, ':');
        if (colon && !strchr(colon + 1, ':')) { /* one colon: IPv4 with a port */
            host_len = (size_t)(colon - text);
            port = colon + 1;
        }
    }
    uint16_t port_num = 53;
    if (port) {
        unsigned long v = 0;
        if (*port == '\0')
            return GX_E_MALFORMED;
        for (const char *p = port; *p; p++) {
            if (*p < '0' || *p > '9' || (v = v * 10 + (unsigned long)(*p - '0')) > 65535)
                return GX_E_MALFORMED;
        }
        if (v == 0)
            return GX_E_MALFORMED;
        port_num = (uint16_t)v;
    }
    uint8_t b[16];
    if (gx_ip4_parse_strict(host, host_len, b) == GX_OK) {
        struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ns->addr;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port_num);
        memcpy(&sin->sin_addr, b, 4);
        ns->family = AF_INET;
    } else {
        const char *pct = memchr(host, '%', host_len);
        size_t alen = pct ? (size_t)(pct - host) : host_len;
        uint32_t scope = 0;
        if (gx_ip6_parse(host, alen, b) != GX_OK)
            return GX_E_MALFORMED;
        if (pct && gx_scope_parse(b, pct + 1, host_len - alen - 1, gx_ifindex_system, NULL,
                                  &scope) != GX_OK)
            return GX_E_MALFORMED;
        ns->addr.sin6_family = AF_INET6;
        ns->addr.sin6_port = htons(port_num);
        memcpy(&ns->addr.sin6_addr, b, 16);
        ns->addr.sin6_scope_id = scope;
        ns->family = AF_INET6;
    }
    ns->port = port_num;
    return GX_OK;
}

/* The context's DNS settings: servers parsed now, search and options as resolv.conf lines. */
static int ctx_dns_config(gaix_ctx *ctx, const struct gaix_config *cfg)
{
    ctx->resolv_system = cfg->resolv_conf_path == NULL;
    ctx->dns_off = cfg->nameservers != NULL && cfg->nameservers[0] == NULL;
    for (size_t i = 0; cfg->nameservers && cfg->nameservers[i]; i++) {
        if (ctx->nservers == GX_RESOLV_MAXNS)
            break; /* as resolv.conf: the first three */
        if (ctx_parse_server(cfg->nameservers[i], &ctx->servers[ctx->nservers]) != GX_OK)
            return GX_E_MALFORMED;
        ctx->nservers++;
    }
    size_t need = 1;
    for (size_t i = 0; cfg->search && cfg->search[i]; i++)
        need += strlen(cfg->search[i]) + 1;
    if (cfg->options)
        need += strlen(cfg->options) + 10;
    if (!cfg->search && !cfg->options)
        return GX_OK;
    if (need > GX_CONFIG_LINE_MAX * 2)
        return GX_E_LIMIT;
    char *extra = malloc(need + 16);
    if (!extra)
        return GX_E_MEMORY;
    size_t n = 0;
    ctx->own_search = cfg->search != NULL;
    if (cfg->search) {
        /* "search" with no word clears the list: write the root, which searches nothing. */
        n += (size_t)snprintf(extra + n, need + 16 - n, "search");
        for (size_t i = 0; cfg->search[i]; i++) {
            if (strpbrk(cfg->search[i], " \t\r\n#;")) {
                free(extra);
                return GX_E_MALFORMED;
            }
            n += (size_t)snprintf(extra + n, need + 16 - n, " %s", cfg->search[i]);
        }
        if (!cfg->search[0])
            n += (size_t)snprintf(extra + n, need + 16 - n, " .");
        extra[n++] = '\n';
    }
    if (cfg->options) {
        if (strpbrk(cfg->options, "\r\n")) {
            free(extra);
            return GX_E_MALFORMED;
        }
        n += (size_t)snprintf(extra + n, need + 16 - n, "options ");
        ctx->own_options_off = n;
        ctx->own_options_len = strlen(cfg->options);
        n += (size_t)snprintf(extra + n, need + 16 - n, "%s\n", cfg->options);
    }
    ctx->resolv_extra = extra;
    ctx->resolv_extra_len = n;
    return GX_OK;
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
    atomic_init(&ctx->rotation, 0);
    int dst = ctx_dns_config(ctx, cfg);
    if (dst < 0) {
        free(ctx->resolv_extra);
        free(ctx);
        errno = dst == GX_E_MEMORY ? ENOMEM : EINVAL;
        return NULL;
    }
    if (gx_reload_set_init(&ctx->files, cfg->reload_interval_ms) != GX_OK) {
        free(ctx->resolv_extra);
        free(ctx);
        errno = ENOMEM;
        return NULL;
    }
    pthread_mutex_init(&ctx->async_once, NULL);
    int h = gx_reload_set_add(&ctx->files, ctx_path(cfg->hosts_path, SYSTEM_HOSTS),
                              ctx_build_hosts, ctx_ref_hosts, ctx_unref_hosts, ctx);
    int s = gx_reload_set_add(&ctx->files, ctx_path(cfg->services_path, SYSTEM_SERVICES),
                              ctx_build_services, ctx_ref_services, ctx_unref_services, ctx);
    int g = gx_reload_set_add(&ctx->files, ctx_path(cfg->gai_conf_path, SYSTEM_GAICONF),
                              ctx_build_policy, ctx_ref_policy, ctx_unref_policy, ctx);
    int r = gx_reload_set_add(&ctx->files, ctx_path(cfg->resolv_conf_path, SYSTEM_RESOLV),
                              ctx_build_resolv, ctx_ref_resolv, ctx_unref_resolv, ctx);
    if (h < 0 || s < 0 || g < 0 || r < 0 ||
        gx_netwatch_new(cfg->reload_interval_ms, &ctx->net) != GX_OK) {
        gx_reload_set_destroy(&ctx->files);
        pthread_mutex_destroy(&ctx->async_once);
        free(ctx->resolv_extra);
        free(ctx);
        errno = ENOMEM;
        return NULL;
    }
    ctx->hosts_file = (size_t)h;
    ctx->services_file = (size_t)s;
    ctx->gaiconf_file = (size_t)g;
    ctx->resolv_file = (size_t)r;
    return ctx;
}

void gaix_ctx_free(gaix_ctx *ctx)
{
    if (!ctx)
        return;
    gx_async_free(ctx);
    gx_netwatch_free(ctx->net);
    gx_reload_set_destroy(&ctx->files);
    pthread_mutex_destroy(&ctx->async_once);
    free(ctx->resolv_extra);
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
    r->resolv = NULL;
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
    if (r->resolv)
        gx_resolvconf_unref(r->resolv);
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

int gx_ctx_resolv(struct gx_ctx_refs *r, const struct gx_resolv_conf **out)
{
    void *p = r->resolv;
    int st = refs_acquire(r, r->ctx->resolv_file, &p);
    r->resolv = p;
    *out = r->resolv;
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
