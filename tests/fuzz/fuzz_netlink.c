/*
 * libFuzzer target for net/netlink.c: the input is one datagram of netlink messages. It is walked
 * message by message with gx_nl_parse() (address, link and route messages alike), fed to the dump state machine with the first message's
 * sequence number, and the address and link records it yields become a snapshot whose every
 * address is then described (net/netstate.c's binary searches over untrusted records).
 *
 * Checked beyond "no crash": every positive return of gx_nl_parse() stays within the input and
 * advances; every record has a prefix length its family allows.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/status.h"
#include "net/netlink.h"
#include "net/netstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_RECORDS_MAX 256

struct fuzz_records {
    struct gx_nl_addr addrs[FUZZ_RECORDS_MAX];
    size_t n_addrs;
    struct gx_nl_link links[FUZZ_RECORDS_MAX];
    size_t n_links;
};

static int fuzz_addr(void *arg, const struct gx_nl_addr *a)
{
    struct fuzz_records *r = arg;
    if (a->family != AF_INET && a->family != AF_INET6)
        abort();
    if (a->prefixlen > (a->family == AF_INET ? 32 : 128))
        abort();
    if (r->n_addrs == FUZZ_RECORDS_MAX)
        return GX_E_LIMIT;
    r->addrs[r->n_addrs++] = *a;
    return GX_OK;
}

static int fuzz_link(void *arg, const struct gx_nl_link *k)
{
    struct fuzz_records *r = arg;
    if (r->n_links == FUZZ_RECORDS_MAX)
        return GX_E_LIMIT;
    r->links[r->n_links++] = *k;
    return GX_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data;
    size_t left = size;
    while (left > 0) {
        struct gx_nl_msg msg;
        int used = gx_nl_parse(p, left, &msg);
        if (used < 0)
            break;
        if (used == 0 || (size_t)used > left)
            abort();
        /* A route answer (net/route_probe.c reads these) is of a family it can use. */
        if (msg.kind == GX_NL_ROUTE && msg.route.family != AF_INET && msg.route.family != AF_INET6)
            abort();
        p += used;
        left -= (size_t)used;
    }

    static struct fuzz_records rec;
    memset(&rec, 0, sizeof rec);
    struct gx_nl_dump_state st;
    memset(&st, 0, sizeof st);
    if (size >= 12)
        memcpy(&st.seq, data + 8, 4);
    const struct gx_nl_sink sink = {fuzz_addr, fuzz_link, &rec};
    int r = gx_nl_dump_feed(data, size, &st, &sink);
    if (r > 1)
        abort();

    struct gx_netstate *ns = NULL;
    if (gx_netstate_new(rec.addrs, rec.n_addrs, rec.links, rec.n_links, &ns) == GX_OK) {
        (void)gx_netstate_has_ipv4(ns);
        (void)gx_netstate_has_ipv6(ns);
        for (size_t i = 0; i < rec.n_addrs; i++) {
            struct gx_addr a;
            memset(&a, 0, sizeof a);
            a.family = rec.addrs[i].family;
            memcpy(a.bytes, rec.addrs[i].bytes, 16);
            a.scope_id = rec.addrs[i].ifindex;
            struct gx_dest_info info;
            gx_netstate_describe_source(ns, &a, &info);
            /* An address of the snapshot is found in it (127/8 and IPv4-mapped ones are
             * looked up as other addresses): a scoped IPv6 one on its own interface, any other
             * on one of the interfaces that list it. */
            bool listed = a.family == AF_INET ? a.bytes[0] != 127 : !gx_bytes6_is_v4mapped(a.bytes);
            if (!listed)
                continue;
            if (a.family == AF_INET6 && a.scope_id != 0) {
                if (info.source_ifindex != a.scope_id)
                    abort();
                continue;
            }
            bool found = false;
            for (size_t j = 0; j < rec.n_addrs && !found; j++)
                found = rec.addrs[j].family == a.family &&
                        memcmp(rec.addrs[j].bytes, a.bytes, 16) == 0 &&
                        rec.addrs[j].ifindex == info.source_ifindex;
            if (!found)
                abort();
        }
        gx_netstate_unref(ns);
    }
    return 0;
}
