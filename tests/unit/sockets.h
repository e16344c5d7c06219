/*
 * What a test can see of the sockets a lookup holds, whichever way its flights go: through
 * sockets of their own (a descriptor each) or through the async engine's io_uring (direct
 * descriptors, in no descriptor table: src/engine/ring.h). /proc/net/udp{,6} lists both.
 */
#ifndef GX_TEST_SOCKETS_H
#define GX_TEST_SOCKETS_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ring.h"

/* Descriptors open in this process. */
static inline size_t fds_open(void)
{
    DIR *d = opendir("/proc/self/fd");
    size_t n = 0;
    struct dirent *de;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own */
}

/* UDP sockets of this network namespace connected to remote port `port` (any address). */
static inline size_t udp_sockets_to(unsigned port)
{
    static const char *const tables[] = {"/proc/net/udp", "/proc/net/udp6"};
    size_t n = 0;
    char line[512];
    for (size_t t = 0; t < 2; t++) {
        FILE *f = fopen(tables[t], "r");
        if (!f)
            continue;
        while (fgets(line, sizeof line, f)) {
            /* "  sl  local_address rem_address ...": rem_address is ADDR:PORT in hex. */
            char local[64], remote[64];
            if (sscanf(line, "%*s %63s %63s", local, remote) != 2)
                continue;
            const char *colon = strrchr(remote, ':');
            if (colon && strtoul(colon + 1, NULL, 16) == port && strchr(local, ':'))
                n++;
        }
        fclose(f);
    }
    return n;
}

/* The port of "ADDR:PORT" (53 when none is given). */
static inline unsigned server_port(const char *server)
{
    const char *bracket = strrchr(server, ']');
    const char *colon = strchr(bracket ? bracket + 1 : server, ':');
    if (!colon || (!bracket && strchr(colon + 1, ':')))
        return 53; /* no port, or an IPv6 address without brackets */
    return (unsigned)atoi(colon + 1);
}

/* Whether async flights go through io_uring here (this kernel has it, GAIX_NO_IO_URING unset). */
static inline bool flights_use_the_ring(void)
{
    struct gx_ring *r;
    if (getenv("GAIX_NO_IO_URING") || gx_ring_open(&r) != 0)
        return false;
    gx_ring_free(r, false);
    return true;
}

#endif
