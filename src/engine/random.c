#include "engine/random.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "core/fork.h"
#include "core/status.h"

/* 256 bytes: 128 IDs or ports per getrandom() call; one call serves many lookups. */
#define RANDOM_POOL 256

static _Thread_local struct {
    uint8_t bytes[RANDOM_POOL];
    size_t used;      /* bytes of the pool already handed out */
    unsigned fork_gen;
    int filled;
} pool;

static int random_refill(void)
{
    size_t got = 0;
    while (got < RANDOM_POOL) {
        ssize_t n = getrandom(pool.bytes + got, RANDOM_POOL - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return GX_E_SYSTEM;
        }
        got += (size_t)n;
    }
    pool.used = 0;
    pool.filled = 1;
    pool.fork_gen = gx_fork_generation();
    return GX_OK;
}

int gx_random_bytes(void *buf, size_t n)
{
    uint8_t *out = buf;
    while (n > 0) {
        if (!pool.filled || pool.used == RANDOM_POOL || pool.fork_gen != gx_fork_generation()) {
            int st = random_refill();
            if (st < 0)
                return st;
        }
        size_t take = RANDOM_POOL - pool.used < n ? RANDOM_POOL - pool.used : n;
        memcpy(out, pool.bytes + pool.used, take);
        /* Handed-out bytes are wiped so that no later copy of the pool (a core dump, a fork
         * between refills) holds IDs already in use. */
        memset(pool.bytes + pool.used, 0, take);
        pool.used += take;
        out += take;
        n -= take;
    }
    return GX_OK;
}

int gx_random_u16(uint16_t *out)
{
    return gx_random_bytes(out, sizeof *out);
}
