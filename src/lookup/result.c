#include "lookup/result.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/status.h"

/* "gaix" in ASCII: marks a node as made by gaix_getaddrinfo(). */
#define RESULT_MAGIC 0x67616978u

struct result_node {
    struct addrinfo ai;
    uint32_t magic;
    uint32_t slot; /* index of this node in the block */
    union {
        struct sockaddr_in v4;
        struct sockaddr_in6 v6;
    } sa;
};

struct result_block {
    atomic_size_t live; /* nodes not yet freed */
    size_t count;
    struct result_node nodes[];
};

static struct result_block *result_block_of(struct result_node *node)
{
    return (struct result_block *)(void *)((char *)(node - node->slot) -
                                           offsetof(struct result_block, nodes));
}

int gx_result_build(const struct gx_addr *addrs, size_t naddrs, const struct gx_servtuple *st,
                    size_t nst, int flags, const char *canon, size_t canon_len,
                    struct addrinfo **out)
{
    /* Both factors are bounded (limits.h), so the sizes below cannot overflow. */
    if (naddrs == 0 || nst == 0 || naddrs > 2 * GX_ADDRS_PER_FAMILY_MAX || nst > GX_SERVTUPLES_MAX)
        return GX_E_LIMIT;
    size_t count = naddrs * nst;
    size_t size = sizeof(struct result_block) + count * sizeof(struct result_node);
    size_t name_at = size;
    if (canon) {
        if (canon_len > GX_NAME_TEXT_MAX * 4) /* an IDN canonical name may be longer in UTF-8 */
            return GX_E_LIMIT;
        size += canon_len + 1;
    }

    struct result_block *b = malloc(size);
    if (!b)
        return GX_E_MEMORY;
    atomic_init(&b->live, count);
    b->count = count;
    char *name = NULL;
    if (canon) {
        name = (char *)b + name_at;
        memcpy(name, canon, canon_len);
        name[canon_len] = '\0';
    }

    struct result_node *node = b->nodes;
    for (size_t i = 0; i < naddrs; i++) {
        for (size_t j = 0; j < nst; j++, node++) {
            node->magic = RESULT_MAGIC;
            node->slot = (uint32_t)(node - b->nodes);
            node->ai.ai_flags = flags;
            node->ai.ai_family = addrs[i].family;
            node->ai.ai_socktype = st[j].socktype;
            node->ai.ai_protocol = st[j].protocol;
            node->ai.ai_addrlen = gx_addr_to_sockaddr(&addrs[i], st[j].port, &node->sa.v6);
            node->ai.ai_addr = (struct sockaddr *)(void *)&node->sa;
            node->ai.ai_canonname = NULL;
            node->ai.ai_next = &node[1].ai;
        }
    }
    node[-1].ai.ai_next = NULL;
    b->nodes[0].ai.ai_canonname = name;
    *out = &b->nodes[0].ai;
    return GX_OK;
}

bool gx_result_is_ours(const struct addrinfo *ai)
{
    const struct result_node *node = (const struct result_node *)(const void *)ai;
    return (const void *)ai->ai_addr == (const void *)&node->sa && node->magic == RESULT_MAGIC;
}

void gx_result_free(struct addrinfo *ai)
{
    if (!ai)
        return;
    size_t n = 0;
    for (struct addrinfo *p = ai; p; p = p->ai_next)
        n++;
    struct result_block *b = result_block_of((struct result_node *)(void *)ai);
    if (atomic_fetch_sub_explicit(&b->live, n, memory_order_acq_rel) == n)
        free(b);
}
