/*
 * Hashing for the in-memory indexes. The input is a file the administrator wrote, not a
 * network peer, so a fast non-cryptographic hash is enough; each index still caps its probe
 * lengths by construction (open addressing at <= 50% load).
 */
#ifndef GX_HASH_H
#define GX_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/ascii.h"

/* FNV-1a over the bytes, with a final avalanche so that the low bits used as a table index
 * depend on every byte. */
static inline uint64_t gx_hash_finish(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static inline uint64_t gx_hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return gx_hash_finish(h);
}

/* The same hash over the ASCII-lowercased bytes: names that differ only in case collide. */
static inline uint64_t gx_hash_lower(const char *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= gx_ascii_lower((unsigned char)p[i]);
        h *= 0x100000001b3ULL;
    }
    return gx_hash_finish(h);
}

#endif
