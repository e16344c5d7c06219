/*
 * The asynchronous API: gaix_resolve(), gaix_cancel(), gaix_ctx_fd(), gaix_ctx_timeout_ms(),
 * gaix_ctx_process(). Each context gets, on its first async call, an engine whose descriptors
 * live in one epoll set (gaix_ctx_fd) and a lock that every async call takes. Lookups run the
 * same pipeline as gaix_getaddrinfo() (lookup/pipeline.c) on that engine; the DNS answers that
 * one round finishes are ordered together (lookup/sort_batch.h).
 *
 * Callbacks never run under the lock: finished lookups wait in a queue, and gaix_ctx_process()
 * takes the queue and calls them after letting go of the lock, so a callback may start or cancel
 * lookups. A lookup whose answer is known at once (numeric, hosts) still completes through the
 * queue: the eventfd in the epoll set makes the descriptor readable (the callback never runs
 * inside gaix_resolve).
 *
 * gaix_ctx_free() (gx_async_free) cancels every lookup in flight and runs the callbacks itself.
 * From the moment it takes the lock the context is closing: gaix_resolve() refuses new lookups
 * with ECANCELED (an error from a start call means no callback), so a callback that starts a
 * lookup cannot outlive the context, and one that retries on every error cannot keep
 * gaix_ctx_free() from returning.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/async.h"
#include "api/context.h"
#include "core/status.h"
#include "lookup/pipeline.h"

struct gaix_query {
    gaix_ctx *ctx;
    gaix_callback *cb;
    void *arg;
    char *node, *service;
    struct addrinfo hints;
    bool has_hints;
    bool done;       /* queued for its callback: nothing may change it any more */
    bool cancelled;
    uint64_t start_us;
    struct gaix_query *prev, *next; /* the context's lookups in flight */
    struct gaix_query *next_done;   /* the queue of finished lookups */
    struct gx_lookup lk;
};

struct gx_async {
    pthread_mutex_t lock;
    struct gx_engine engine;
    struct gx_sort_batch sort_batch; /* finished DNS answers ordered together, per round */
    struct gaix_query *active;
    struct gaix_query *done_head, *done_tail;
    bool closing; /* gx_async_free() is running: gaix_resolve() refuses new lookups */
};

static struct gx_async *async_get(gaix_ctx *ctx)
{
    pthread_mutex_lock(&ctx->async_once);
    struct gx_async *a = ctx->async;
    if (!a) {
        a = calloc(1, sizeof *a);
        if (a && gx_engine_init(&a->engine, true) != GX_OK) {
            free(a);
            a = NULL;
        }
        if (a) {
            gx_sort_batch_init(&a->sort_batch, &a->engine);
            pthread_mutex_init(&a->lock, NULL);
            ctx->async = a;
        }
    }
    pthread_mutex_unlock(&ctx->async_once);
    return a;
}

/* Called with the lock held: the query leaves the active list and joins the callback queue. */
static void query_finish(struct gx_async *a, struct gaix_query *q)
{
    if (q->done)
        return;
    q->done = true;
    if (q->prev)
        q->prev->next = q->next;
    else
        a->active = q->next;
    if (q->next)
        q->next->prev = q->prev;
    q->next_done = NULL;
    if (a->done_tail)
        a->done_tail->next_done = q;
    else
        a->done_head = q;
    a->done_tail = q;
    gx_engine_wake(&a->engine);
}

/* The pipeline's callback when DNS ended (from the engine, with the lock held). */
static void query_lookup_done(struct gx_lookup *lk)
{
    struct gaix_query *q = (struct gaix_query *)(void *)((char *)lk -
                                                         offsetof(struct gaix_query, lk));
    query_finish(q->ctx->async, q);
}

static void query_free(struct gaix_query *q)
{
    free(q); /* the node and service copies live in the same allocation */
}

/* Copies s (with its NUL) to *tail and moves the tail on; NULL stays NULL. */
static char *copy_to_tail(const char *s, size_t len, char **tail)
{
    if (!s)
        return NULL;
    char *d = *tail;
    memcpy(d, s, len + 1);
    *tail += len + 1;
    return d;
}

gaix_query *gaix_resolve(gaix_ctx *ctx, const char *node, const char *service,
                         const struct addrinfo *hints, int deadline_ms, gaix_callback *cb,
                         void *arg)
{
    if (!ctx || !cb || deadline_ms < 0) {
        errno = EINVAL;
        return NULL;
    }
    struct gx_async *a = async_get(ctx);
    /* One allocation for the query and its copies of node and service. */
    size_t node_len = node ? strlen(node) : 0, service_len = service ? strlen(service) : 0;
    size_t size = sizeof(struct gaix_query) + (node ? node_len + 1 : 0) +
                  (service ? service_len + 1 : 0);
    struct gaix_query *q = a ? calloc(1, size) : NULL;
    if (!q) {
        errno = ENOMEM;
        return NULL;
    }
    char *tail = (char *)(q + 1);
    q->node = copy_to_tail(node, node_len, &tail);
    q->service = copy_to_tail(service, service_len, &tail);
    q->ctx = ctx;
    q->cb = cb;
    q->arg = arg;
    if (hints) {
        q->hints = *hints;
        q->has_hints = true;
    }
    q->start_us = gx_engine_now_us();

    pthread_mutex_lock(&a->lock);
    if (a->closing) {
        /* Only a callback that gaix_ctx_free() runs can get here (any other caller would be
         * using a context being freed): refuse, so no callback is promised. */
        pthread_mutex_unlock(&a->lock);
        query_free(q);
        errno = ECANCELED;
        return NULL;
    }
    q->next = a->active;
    if (a->active)
        a->active->prev = q;
    a->active = q;
    gx_lookup_init(&q->lk, ctx, &a->engine, query_lookup_done);
    q->lk.sort_batch = &a->sort_batch;
    if (deadline_ms > 0)
        q->lk.deadline_us = q->start_us + (uint64_t)deadline_ms * 1000u;
    if (gx_lookup_start(&q->lk, q->node, q->service, q->has_hints ? &q->hints : NULL))
        query_finish(a, q);
    pthread_mutex_unlock(&a->lock);
    return q;
}

void gaix_cancel(gaix_query *q)
{
    if (!q)
        return;
    struct gx_async *a = q->ctx->async;
    pthread_mutex_lock(&a->lock);
    if (!q->done) {
        gx_lookup_cancel(&q->lk);
        gx_engine_flush(&a->engine); /* its sockets close now, also those in the ring */
        q->cancelled = true;
        query_finish(a, q);
    }
    pthread_mutex_unlock(&a->lock);
}

int gaix_ctx_fd(gaix_ctx *ctx)
{
    struct gx_async *a = ctx ? async_get(ctx) : NULL;
    if (!a) {
        errno = ctx ? ENOMEM : EINVAL;
        return -1;
    }
    return a->engine.epfd;
}

int gaix_ctx_timeout_ms(gaix_ctx *ctx)
{
    struct gx_async *a = ctx ? async_get(ctx) : NULL;
    if (!a)
        return -1;
    pthread_mutex_lock(&a->lock);
    int64_t us = a->done_head ? 0 : gx_engine_next_us(&a->engine, gx_engine_now_us());
    pthread_mutex_unlock(&a->lock);
    if (us < 0)
        return -1;
    int64_t ms = (us + 999) / 1000;
    return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* Runs the callback of a finished query and frees it (without the lock). */
static void query_callback(struct gaix_query *q)
{
    struct gaix_result r;
    gx_lookup_detail(&q->lk, &r);
    if (q->cancelled) {
        if (r.ai)
            gaix_freeaddrinfo(r.ai);
        memset(&r, 0, sizeof r);
        r.status = EAI_CANCELED;
        r.rcode = -1;
    }
    r.elapsed_us = gx_engine_now_us() - q->start_us;
    gx_lookup_release(&q->lk);
    q->cb(q, &r, q->arg);
    query_free(q);
}

int gaix_ctx_process(gaix_ctx *ctx)
{
    struct gx_async *a = ctx ? async_get(ctx) : NULL;
    if (!a) {
        errno = ctx ? ENOMEM : EINVAL;
        return -1;
    }
    pthread_mutex_lock(&a->lock);
    int st = gx_engine_round(&a->engine, 0);
    struct gaix_query *list = a->done_head;
    a->done_head = a->done_tail = NULL;
    pthread_mutex_unlock(&a->lock);
    int n = 0;
    while (list) {
        struct gaix_query *q = list;
        list = q->next_done;
        query_callback(q);
        n++;
    }
    if (st < 0 && n == 0)
        return -1;
    return n;
}

void gx_async_free(gaix_ctx *ctx)
{
    struct gx_async *a = ctx->async;
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->closing = true;
    while (a->active) {
        struct gaix_query *q = a->active;
        gx_lookup_cancel(&q->lk);
        q->cancelled = true;
        query_finish(a, q);
    }
    struct gaix_query *list = a->done_head;
    a->done_head = a->done_tail = NULL;
    pthread_mutex_unlock(&a->lock);
    while (list) {
        struct gaix_query *q = list;
        list = q->next_done;
        query_callback(q);
    }
    gx_sort_batch_destroy(&a->sort_batch);
    gx_engine_destroy(&a->engine);
    pthread_mutex_destroy(&a->lock);
    free(a);
    ctx->async = NULL;
}
