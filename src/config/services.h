/*
 * The services database (services(5)): a line parser over (ptr, len) and an immutable,
 * reference-counted index built from a whole file.
 *
 * Line rules: "name port/protocol [aliases...]"; '#' anywhere ends the line; fields separated by
 * C-locale white space. The port is decimal digits only, 0 to 65535 (glibc wraps larger values
 * and reads "-1" as 65535: those lines are skipped here, F27). Only the protocols getaddrinfo()
 * can ask for are indexed: tcp, udp, dccp, udplite, sctp; lines for others are skipped. Names are
 * matched byte for byte (case-sensitive, as the C library does).
 */
#ifndef GX_SERVICES_H
#define GX_SERVICES_H

#include <stddef.h>
#include <stdint.h>

enum gx_proto {
    GX_PROTO_TCP,
    GX_PROTO_UDP,
    GX_PROTO_DCCP,
    GX_PROTO_UDPLITE,
    GX_PROTO_SCTP,
    GX_PROTO_COUNT
};

/* One parsed line. Pointers point into the line given to the parser. */
struct gx_services_line {
    const char *name;
    size_t name_len;
    uint16_t port;          /* host byte order */
    enum gx_proto proto;
    const char *aliases;    /* from the first alias to the end of the last, or NULL */
    size_t aliases_len;
};

/*
 * Parses one line. Returns 1 and fills *out; 0 for a line with nothing on it; GX_E_MALFORMED for
 * a line to skip (bad port, missing protocol, a name with a byte outside 0x21-0x7e); GX_E_NOTFOUND
 * for a well-formed line of a protocol that is not indexed.
 */
int gx_services_parse_line(const char *line, size_t len, struct gx_services_line *out);

/* "tcp" -> GX_PROTO_TCP ... (lowercase, exactly); GX_E_NOTFOUND for others. */
int gx_proto_from_name(const char *name, size_t len);
/* GX_PROTO_TCP -> "tcp" ...; NULL for a value that is not a protocol. */
const char *gx_proto_name(enum gx_proto p);

struct gx_services;

/*
 * Builds the index of a whole file; takes ownership of `data` in every case, freeing it on
 * failure (data may be NULL when len is 0). GX_E_MEMORY; GX_E_LIMIT when len exceeds
 * GX_CONFIG_FILE_MAX; or GX_OK with *out holding one reference.
 */
int gx_services_build(char *data, size_t len, struct gx_services **out);

void gx_services_ref(struct gx_services *s);
void gx_services_unref(struct gx_services *s);

/*
 * For the service `name` (a name or an alias), the port of the first line in file order for each
 * protocol (what getservbyname_r(name, proto) answers). Fills ports[p] (host order) for every
 * protocol found, sets the others to 0, and returns the bit mask of the protocols found
 * (1u << p); 0 when the name is unknown. One hash probe.
 */
unsigned gx_services_ports(const struct gx_services *s, const char *name, size_t len,
                           uint16_t ports[GX_PROTO_COUNT]);

/*
 * Reverse lookup for getnameinfo(): the name of the first line with this port and protocol (what
 * getservbyport_r answers). Returns its length and points *name at it (not NUL-terminated, valid
 * while the index lives), or GX_E_NOTFOUND. One hash probe.
 */
int gx_services_name(const struct gx_services *s, uint16_t port, enum gx_proto proto,
                     const char **name);

#endif
