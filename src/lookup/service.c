/*
 * Service strings and the protocol table. The table's rows, their order and the default flags
 * decide which triples a lookup returns and in which order; they are the same as the C library's
 * so that results compare equal entry by entry (the differential test checks it).
 */
#include "lookup/service.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "core/ascii.h"
#include "core/status.h"

#define ROW_NOSERVICE 0x1u /* this socket type takes no service (SOCK_RAW) */
#define ROW_ANYPROTO 0x2u  /* any protocol number goes, and is returned as given */

struct proto_row {
    int socktype;
    int protocol;
    unsigned flags;
    bool by_default;     /* returned when neither socktype nor protocol is set */
    enum gx_proto proto; /* how the services database names it */
};

static const struct proto_row proto_rows[GX_SERVTUPLES_MAX] = {
    {SOCK_STREAM, IPPROTO_TCP, 0, true, GX_PROTO_TCP},
    {SOCK_DGRAM, IPPROTO_UDP, 0, true, GX_PROTO_UDP},
    {SOCK_DCCP, IPPROTO_DCCP, 0, false, GX_PROTO_DCCP},
    {SOCK_DGRAM, IPPROTO_UDPLITE, 0, false, GX_PROTO_UDPLITE},
    {SOCK_STREAM, IPPROTO_SCTP, 0, false, GX_PROTO_SCTP},
    {SOCK_SEQPACKET, IPPROTO_SCTP, 0, false, GX_PROTO_SCTP},
    {SOCK_RAW, 0, ROW_ANYPROTO | ROW_NOSERVICE, true, GX_PROTO_COUNT},
};

void gx_service_read(const char *service, struct gx_service *out)
{
    out->name = service;
    out->name_len = 0; /* measured only for a name */
    out->kind = GX_SERVICE_NUMBER;
    if (service == NULL || service[0] == '\0' || (service[0] == '*' && service[1] == '\0')) {
        out->kind = GX_SERVICE_NONE;
        out->in_range = false;
        out->port = 0;
        return;
    }

    /* strtoul(service, &end, 10) read whole: white space, a sign, at least one digit. */
    const unsigned char *p = (const unsigned char *)service;
    bool negative = false;
    if (!gx_ascii_isdigit(*p)) {
        while (gx_ascii_isspace(*p))
            p++;
        if (*p == '+' || *p == '-')
            negative = *p++ == '-';
    }
    /* Digits: the value saturates at 65536, which is all "too big" needs. */
    uint32_t value = 0;
    const unsigned char *digits = p;
    for (unsigned d; (d = (unsigned)*p - '0') < 10; p++)
        value = value > 6553 ? 65536 : value * 10 + d;
    if (p == digits || *p != '\0') {
        out->kind = GX_SERVICE_NAME;
        out->name_len = strlen(service);
        out->in_range = false;
        out->port = 0;
        return;
    }
    out->in_range = value <= 65535 && !(negative && value != 0);
    out->port = out->in_range ? (uint16_t)value : 0;
}

/* The first row that (socktype, protocol) selects, or -1. With both zero: row -1 means "all". */
static int proto_row_find(int socktype, int protocol)
{
    for (int i = 0; i < GX_SERVTUPLES_MAX; i++) {
        const struct proto_row *r = &proto_rows[i];
        if (socktype != 0 && socktype != r->socktype)
            continue;
        if (protocol != 0 && !(r->flags & ROW_ANYPROTO) && protocol != r->protocol)
            continue;
        return i;
    }
    return -1;
}

int gx_service_check_types(int socktype, int protocol)
{
    if (socktype == 0 && protocol == 0)
        return GX_OK;
    if (proto_row_find(socktype, protocol) < 0)
        return socktype != 0 ? GX_E_SOCKTYPE : GX_E_SERVICE;
    return GX_OK;
}

static struct gx_servtuple tuple_of(const struct proto_row *r, int protocol, uint16_t port)
{
    struct gx_servtuple t = {r->socktype, (r->flags & ROW_ANYPROTO) ? protocol : r->protocol,
                             port};
    return t;
}

int gx_service_tuples(const struct gx_service *svc, int socktype, int protocol,
                      const struct gx_services *db, struct gx_servtuple st[GX_SERVTUPLES_MAX])
{
    int row = -1;
    if (socktype != 0 || protocol != 0) {
        row = proto_row_find(socktype, protocol);
        if (row < 0)
            return socktype != 0 ? GX_E_SOCKTYPE : GX_E_SERVICE;
        if (svc->kind != GX_SERVICE_NONE && (proto_rows[row].flags & ROW_NOSERVICE))
            return GX_E_SERVICE;
    }

    if (svc->kind != GX_SERVICE_NAME) {
        if (svc->kind == GX_SERVICE_NUMBER && !svc->in_range)
            return GX_E_SERVICE;
        uint16_t port = svc->kind == GX_SERVICE_NUMBER ? svc->port : 0;
        if (row >= 0) {
            st[0] = tuple_of(&proto_rows[row], protocol, port);
            return 1;
        }
        int n = 0;
        for (int i = 0; i < GX_SERVTUPLES_MAX; i++)
            if (proto_rows[i].by_default)
                st[n++] = tuple_of(&proto_rows[i], protocol, port);
        return n;
    }

    /* A name: one triple per selected row whose protocol the database lists it for. */
    uint16_t ports[GX_PROTO_COUNT];
    unsigned found = db ? gx_services_ports(db, svc->name, svc->name_len, ports) : 0;
    int n = 0;
    for (int i = 0; i < GX_SERVTUPLES_MAX; i++) {
        const struct proto_row *r = &proto_rows[i];
        /* With socktype or protocol set only the selected row counts (glibc asks the database
         * for that row's protocol alone); with neither, every row that takes a service. */
        if (row >= 0 ? i != row : (r->flags & ROW_NOSERVICE) != 0)
            continue;
        if (r->proto == GX_PROTO_COUNT || !(found & (1u << r->proto)))
            continue;
        st[n++] = tuple_of(r, protocol, ports[r->proto]);
    }
    return n > 0 ? n : GX_E_SERVICE;
}
