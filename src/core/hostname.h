/*
 * What a host name may look like, in one place for every source: a query name, a hosts-file
 * name, and (with DNS) a name received from the network before it reaches a caller (P9).
 */
#ifndef GX_HOSTNAME_H
#define GX_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A name gaix will look up or hand out: at most GX_NAME_TEXT_MAX characters once one final dot
 * is removed; labels of 1 to GX_LABEL_MAX characters (so no "..", no leading dot, no lone ".");
 * only printable ASCII other than space (0x21-0x7e), so no control character, no 8-bit byte
 * (TEST-VECTORS A15-A18, F26).
 */
bool gx_hostname_valid(const char *name, size_t len);

/* The length without one final dot ("thor." and "thor" are the same name; F23). */
static inline size_t gx_hostname_strip_dot(const char *name, size_t len)
{
    return (len > 1 && name[len - 1] == '.') ? len - 1 : len;
}

/* localhost, or a name under .localhost (RFC 6761 6.3), any case, one final dot allowed. */
bool gx_hostname_is_localhost(const char *name, size_t len);

#endif
