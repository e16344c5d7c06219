/*
 * Time. State machines take `now` as a parameter (milliseconds on the monotonic clock) so tests
 * can drive them with a fake clock; only entry points read the clock, through this function.
 */
#ifndef GX_CLOCK_H
#define GX_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Monotonic milliseconds. CLOCK_MONOTONIC_COARSE is read from the vDSO without a system call
 * and is precise to a few milliseconds, which is all a reload check needs. */
static inline uint64_t gx_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif
