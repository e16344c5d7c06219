/* The public getnameinfo() family: thin entry points over lookup/nameinfo.c. */
#include <errno.h>

#include "api/context.h"
#include "gaix.h"
#include "lookup/nameinfo.h"

int gaix_ctx_getnameinfo(gaix_ctx *ctx, const struct sockaddr *sa, socklen_t salen, char *host,
                         socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
    if (!ctx)
        return EAI_SYSTEM;
    return gx_getnameinfo(ctx, sa, salen, host, hostlen, serv, servlen, flags);
}

int gaix_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
                     char *serv, socklen_t servlen, int flags)
{
    gaix_ctx *ctx = gx_ctx_default();
    if (!ctx)
        return EAI_MEMORY;
    return gx_getnameinfo(ctx, sa, salen, host, hostlen, serv, servlen, flags);
}

int gaix_ctx_getnameinfo_detail(gaix_ctx *ctx, const struct sockaddr *sa, socklen_t salen,
                                char *host, socklen_t hostlen, char *serv, socklen_t servlen,
                                int flags, struct gaix_result *r)
{
    if (!ctx || !r) {
        errno = EINVAL;
        return EAI_SYSTEM;
    }
    return gx_getnameinfo_detail(ctx, sa, salen, host, hostlen, serv, servlen, flags, r);
}
