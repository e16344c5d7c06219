/*
 * Step 1 of the pipeline: the service and the socket type/protocol hints become the list of
 * (socket type, protocol, port) triples that every address is expanded with.
 *
 * The rules are glibc's, step for step, because programs depend on them:
 * - a service string that strtoul() reads whole (optional leading white space and sign, decimal
 *   digits) is a number; anything else is a name, looked up in the services database;
 * - socktype and protocol select the first matching row of the protocol table below; no row ->
 *   EAI_SOCKTYPE (when socktype is set) or EAI_SERVICE;
 * - with neither set, a number (or no service) gives one triple per default row (stream/tcp,
 *   dgram/udp, raw/0) and a name one triple per row whose protocol lists it;
 * - SOCK_RAW takes no service (EAI_SERVICE);
 * - deliberate difference (D6, docs/DIFFERENCES.md): a number outside 0..65535 ("65536", "-1")
 *   is EAI_SERVICE; glibc silently wraps it into a port.
 */
#ifndef GX_SERVICE_H
#define GX_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/services.h"
#include "core/limits.h"

struct gx_servtuple {
    int socktype;
    int protocol;
    uint16_t port; /* host byte order */
};

enum gx_service_kind {
    GX_SERVICE_NONE,   /* no service: port 0 */
    GX_SERVICE_NUMBER, /* a number strtoul() reads whole */
    GX_SERVICE_NAME,   /* anything else */
};

struct gx_service {
    enum gx_service_kind kind;
    bool in_range;  /* GX_SERVICE_NUMBER: 0..65535 and not negative */
    uint16_t port;  /* GX_SERVICE_NUMBER and in_range */
    const char *name;
    size_t name_len;
};

/* Reads the service string (NULL, "" and "*" mean no service, as in glibc). */
void gx_service_read(const char *service, struct gx_service *out);

/*
 * Does the protocol table accept (socktype, protocol)? GX_OK, GX_E_SOCKTYPE or GX_E_SERVICE,
 * with the same precedence as glibc.
 */
int gx_service_check_types(int socktype, int protocol);

/* True when the triples need the services database (a service name). */
static inline bool gx_service_needs_db(const struct gx_service *svc)
{
    return svc->kind == GX_SERVICE_NAME;
}

/*
 * The triples for a service and the hints' socktype and protocol. `db` is needed only when
 * gx_service_needs_db(); it may be NULL otherwise. Returns the number of triples (>= 1) or
 * GX_E_SOCKTYPE / GX_E_SERVICE.
 */
int gx_service_tuples(const struct gx_service *svc, int socktype, int protocol,
                      const struct gx_services *db, struct gx_servtuple st[GX_SERVTUPLES_MAX]);

#endif
