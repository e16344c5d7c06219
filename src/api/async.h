/* The context's asynchronous side (api/resolve.c), as the rest of the library sees it. */
#ifndef GX_ASYNC_H
#define GX_ASYNC_H

#include "gaix.h"

/* Frees the context's async state: every lookup still in flight is cancelled and its callback
 * runs, with EAI_CANCELED, before this returns (the exactly-once contract holds to the end). */
void gx_async_free(gaix_ctx *ctx);

#endif
