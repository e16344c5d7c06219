/*
 * The public getaddrinfo() family: thin entry points over lookup/pipeline.c and the contexts of
 * api/context.c.
 */
#include <errno.h>
#include <netdb.h>

#include "api/context.h"
#include "gaix.h"
#include "lookup/pipeline.h"
#include "lookup/result.h"

int gaix_ctx_getaddrinfo(gaix_ctx *ctx, const char *node, const char *service,
                         const struct addrinfo *hints, struct addrinfo **res)
{
    if (!ctx || !res) {
        errno = EINVAL;
        return EAI_SYSTEM;
    }
    return gx_getaddrinfo(ctx, node, service, hints, res, NULL);
}

int gaix_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                     struct addrinfo **res)
{
    gaix_ctx *ctx = gx_ctx_default();
    if (!ctx)
        return EAI_MEMORY;
    if (!res) {
        errno = EINVAL;
        return EAI_SYSTEM;
    }
    return gx_getaddrinfo(ctx, node, service, hints, res, NULL);
}

void gaix_freeaddrinfo(struct addrinfo *res)
{
    gx_result_free(res);
}

int gaix_ctx_getaddrinfo_detail(gaix_ctx *ctx, const char *node, const char *service,
                                const struct addrinfo *hints, struct addrinfo **res,
                                struct gaix_result *r)
{
    if (!ctx || !res || !r) {
        errno = EINVAL;
        return EAI_SYSTEM;
    }
    return gx_getaddrinfo(ctx, node, service, hints, res, r);
}
