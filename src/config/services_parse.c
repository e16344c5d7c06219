/*
 * One line of the services database (services(5), TEST-VECTORS F27), and the protocol names.
 *
 * The parser walks the line once with a cursor bounded by its length: it needs no NUL, does no
 * I/O and no allocation, and points its result into the line. A line is taken whole or refused
 * whole (STYLE 4). The port is read more strictly than the C library reads it: glibc's strtoul
 * takes "+80" and "-1" (as 65535) and wraps "99999"; here such a line is refused, so that no
 * service ever answers with a port its administrator did not write.
 */
#include "config/services.h"

#include <stdbool.h>
#include <string.h>

#include "config/lines.h"
#include "core/ascii.h"
#include "core/status.h"

/* The protocols getaddrinfo() can be asked for, by enum gx_proto. */
static const char *const proto_names[GX_PROTO_COUNT] = {"tcp", "udp", "dccp", "udplite", "sctp"};

int gx_proto_from_name(const char *name, size_t len)
{
    for (int p = 0; p < GX_PROTO_COUNT; p++)
        if (strlen(proto_names[p]) == len && memcmp(proto_names[p], name, len) == 0)
            return p;
    return GX_E_NOTFOUND;
}

const char *gx_proto_name(enum gx_proto p)
{
    return (unsigned)p < GX_PROTO_COUNT ? proto_names[p] : NULL;
}

/* Service names and aliases: printable ASCII without space, like host names (P9). */
static bool services_name_valid(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c > 0x7e)
            return false;
    }
    return len > 0;
}

/* "port/proto": decimal digits only, 0 to 65535, then '/' and a protocol name. Returns the
 * protocol, GX_E_NOTFOUND for a protocol that is not indexed, or GX_E_MALFORMED. */
static int services_parse_port(const char *f, size_t len, uint16_t *port)
{
    uint32_t v = 0;
    size_t i = 0;

    for (; i < len && gx_ascii_isdigit((unsigned char)f[i]); i++) {
        v = v * 10 + (uint32_t)(f[i] - '0');
        if (v > 65535)
            return GX_E_MALFORMED; /* checked every digit, so v never wraps */
    }
    if (i == 0 || i == len || f[i] != '/' || i + 1 == len)
        return GX_E_MALFORMED; /* no digits, a sign, junk after them, or no protocol */
    if (!services_name_valid(f + i + 1, len - i - 1))
        return GX_E_MALFORMED;
    *port = (uint16_t)v;
    return gx_proto_from_name(f + i + 1, len - i - 1);
}

/* The aliases after the port: every one must be a valid name. */
static int services_parse_aliases(const char *cursor, const char *end, struct gx_services_line *out)
{
    const char *f, *first = NULL, *last_end = NULL;
    size_t flen;

    while (gx_field_next(&cursor, end, &f, &flen)) {
        if (!services_name_valid(f, flen))
            return GX_E_MALFORMED;
        if (first == NULL)
            first = f;
        last_end = f + flen;
    }
    out->aliases = first;
    out->aliases_len = first ? (size_t)(last_end - first) : 0;
    return GX_OK;
}

int gx_services_parse_line(const char *line, size_t len, struct gx_services_line *out)
{
    const char *cursor = line;
    const char *end = line + gx_line_uncomment(line, len, '#');
    const char *name, *port;
    size_t name_len, port_len;
    struct gx_services_line tmp;

    if (!gx_field_next(&cursor, end, &name, &name_len))
        return 0; /* blank, white space only, or only a comment */
    if (!services_name_valid(name, name_len) || !gx_field_next(&cursor, end, &port, &port_len))
        return GX_E_MALFORMED;
    int proto = services_parse_port(port, port_len, &tmp.port);
    if (proto == GX_E_MALFORMED || services_parse_aliases(cursor, end, &tmp) != GX_OK)
        return GX_E_MALFORMED;
    if (proto < 0)
        return proto; /* a well-formed line of a protocol getaddrinfo() never asks for */
    tmp.name = name;
    tmp.name_len = name_len;
    tmp.proto = (enum gx_proto)proto;
    *out = tmp; /* written only for a line that is taken */
    return 1;
}
