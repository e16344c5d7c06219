/*
 * Unpredictable numbers for DNS transaction IDs (P10), from the kernel's CSPRNG (getrandom()).
 * (Source ports are drawn by the kernel itself: transport/udp.h.) Bytes are drawn 256 at a time
 * into a per-thread pool, so a query costs no system call; a forked child starts a fresh pool (a
 * copied pool would repeat the parent's numbers). There is no fallback: without entropy a query
 * is not sent (fail closed).
 */
#ifndef GX_RANDOM_H
#define GX_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* GX_OK, or GX_E_SYSTEM when the kernel gives no random bytes. */
int gx_random_bytes(void *buf, size_t n);
int gx_random_u16(uint16_t *out);

#endif
