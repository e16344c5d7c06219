/* The hosts file read backwards, for getnameinfo(): see hosts_reverse.c. */
#ifndef GX_HOSTS_REVERSE_H
#define GX_HOSTS_REVERSE_H

#include <stddef.h>

#include "config/hosts.h"
#include "core/addr.h"

/* The canonical name the hosts file gives the address (not NUL-terminated), or GX_E_NOTFOUND. */
int gx_hosts_reverse(const struct gx_hosts *h, const struct gx_addr *a, const char **name,
                     size_t *len);

#endif
