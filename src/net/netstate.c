/*
 * Snapshots of the host's addresses and links, and the per-destination answers the RFC 6724 sort
 * needs (see netstate.h).
 *
 * A snapshot is built once (from a netlink dump, or from getifaddrs() when netlink is not
 * available) and never changes afterwards, except for its cache. Its addresses are sorted by
 * (family, bytes, interface) and its links by interface index, so describing a source address is
 * two binary searches. Its cache is a set-associative table (GX_NETSTATE_CACHE_WAYS entries a
 * set, a new destination replacing the oldest of its set when the set is full) from a destination
 * to its gx_dest_info, made in full on first use and never grown, behind a mutex: readers hold the
 * mutex only to copy entries in or out, never across a system call. The cache dies with its snapshot, so a
 * change of addresses or routes, which makes the watcher build a new snapshot, also forgets every
 * answer the old routes gave.
 *
 * Asking the kernel about destinations ("probing") is first one RTM_GETROUTE round trip for all
 * the destinations of a call that are not cached (net/route_probe.c: two system calls however
 * many there are), and for those it leaves in doubt, socket(), connect() and getsockname() on a
 * UDP socket: connect() on UDP sends nothing, it only makes the kernel choose a route and a
 * source address (RFC 6724 section 4 leaves source selection to the kernel). One socket per
 * family serves every such probe of one gx_netstate_dest_info() call; between two probes it is
 * disconnected (connect() to AF_UNSPEC), because Linux keeps the source address chosen by the
 * first connect() for every later one on the same socket.
 */
#include "net/netstate.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hash.h"
#include "core/refcount.h"
#include "core/status.h"
#include "net/route_probe.h"

/* The port put in a probe's sockaddr. connect() on a UDP socket sends no packet whatever the
 * port; the discard port is chosen so that no reader could think otherwise. */
#define PROBE_PORT 9

/* The cache's sets: GX_NETSTATE_CACHE_MAX / GX_NETSTATE_CACHE_WAYS, a power of two. */
#define CACHE_SETS (GX_NETSTATE_CACHE_MAX / GX_NETSTATE_CACHE_WAYS)

/* Destinations handled per batch in gx_netstate_dest_info(): one bit each in a uint64_t. */
#define DEST_BATCH 64

struct cache_slot {
    struct gx_addr key; /* normalised by dest_key(); family 0 = empty slot */
    struct gx_dest_info info;
};

struct cache_set {
    struct cache_slot way[GX_NETSTATE_CACHE_WAYS];
    uint8_t next; /* the way a new destination takes when every way is used: the oldest */
};

struct gx_netstate {
    gx_refcount ref;
    bool has_ipv4;
    bool has_ipv6;
    struct gx_nl_addr *addrs; /* sorted by addr_cmp */
    size_t n_addrs;
    struct gx_nl_link *links; /* sorted by ifindex */
    size_t n_links;

    pthread_mutex_t lock; /* guards the cache: sets, n_cached */
    struct cache_set *sets; /* CACHE_SETS of them, or NULL before the first answer */
    size_t n_cached;
    atomic_uint_fast64_t probes;
    struct gx_route_probe route; /* the route questions' netlink socket */
};

/* ---- building ---------------------------------------------------------------------------- */

static int addr_cmp(const void *pa, const void *pb)
{
    const struct gx_nl_addr *a = pa, *b = pb;
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    int c = memcmp(a->bytes, b->bytes, sizeof a->bytes);
    if (c != 0)
        return c;
    if (a->ifindex != b->ifindex)
        return a->ifindex < b->ifindex ? -1 : 1;
    return 0;
}

static int link_cmp(const void *pa, const void *pb)
{
    const struct gx_nl_link *a = pa, *b = pb;
    if (a->ifindex != b->ifindex)
        return a->ifindex < b->ifindex ? -1 : 1;
    return 0;
}

/*
 * glibc's __check_pf: IPv4 is configured when any IPv4 address other than exactly 127.0.0.1
 * exists (127.0.0.2 counts), IPv6 when any IPv6 address other than ::1 exists, link-local,
 * tentative and deprecated ones included.
 */
static void netstate_scan_families(struct gx_netstate *ns)
{
    static const uint8_t loop4[4] = {127, 0, 0, 1};
    for (size_t i = 0; i < ns->n_addrs; i++) {
        const struct gx_nl_addr *a = &ns->addrs[i];
        if (a->family == AF_INET && memcmp(a->bytes, loop4, 4) != 0)
            ns->has_ipv4 = true;
        else if (a->family == AF_INET6 && !gx_bytes6_is_loopback(a->bytes))
            ns->has_ipv6 = true;
    }
}

/* Takes ownership of the two arrays (malloc'd, or NULL when empty) whether it succeeds or not. */
static int netstate_adopt(struct gx_nl_addr *addrs, size_t n_addrs, struct gx_nl_link *links,
                          size_t n_links, bool pessimistic, struct gx_netstate **out)
{
    struct gx_netstate *ns = calloc(1, sizeof *ns);
    if (!ns || pthread_mutex_init(&ns->lock, NULL) != 0) {
        free(ns);
        free(addrs);
        free(links);
        return GX_E_MEMORY;
    }
    gx_ref_init(&ns->ref);
    atomic_init(&ns->probes, 0);
    gx_route_probe_init(&ns->route);
    ns->addrs = addrs;
    ns->n_addrs = n_addrs;
    ns->links = links;
    ns->n_links = n_links;
    if (n_addrs > 1)
        qsort(ns->addrs, n_addrs, sizeof *addrs, addr_cmp);
    if (n_links > 1)
        qsort(ns->links, n_links, sizeof *links, link_cmp);
    if (pessimistic) {
        /* Nothing is known: say both families are there, so that AI_ADDRCONFIG hides nothing
         * (glibc's choice when its netlink request fails). */
        ns->has_ipv4 = true;
        ns->has_ipv6 = true;
    } else {
        netstate_scan_families(ns);
    }
    *out = ns;
    return GX_OK;
}

/* Growable arrays of records, filled while a dump or a getifaddrs() list is read. */
struct record_lists {
    struct gx_nl_addr *addrs;
    size_t n_addrs, cap_addrs;
    struct gx_nl_link *links;
    size_t n_links, cap_links;
};

/* Makes room for one more element: GX_OK, GX_E_LIMIT past max, GX_E_MEMORY. */
static int array_reserve(void **array, size_t *cap, size_t n, size_t elem_size, size_t max)
{
    if (n < *cap)
        return GX_OK;
    if (n >= max)
        return GX_E_LIMIT;
    size_t next = *cap ? *cap * 2 : 16;
    if (next > max)
        next = max;
    /* max x elem_size is a few MiB (netstate.h), far from overflowing; still checked. */
    if (next > SIZE_MAX / elem_size)
        return GX_E_LIMIT;
    void *grown = realloc(*array, next * elem_size);
    if (!grown)
        return GX_E_MEMORY;
    *array = grown;
    *cap = next;
    return GX_OK;
}

static int lists_add_addr(void *arg, const struct gx_nl_addr *a)
{
    struct record_lists *l = arg;
    int r = array_reserve((void **)&l->addrs, &l->cap_addrs, l->n_addrs, sizeof *a,
                          GX_NETSTATE_ADDRS_MAX);
    if (r < 0)
        return r;
    l->addrs[l->n_addrs++] = *a;
    return GX_OK;
}

static int lists_add_link(void *arg, const struct gx_nl_link *k)
{
    struct record_lists *l = arg;
    int r = array_reserve((void **)&l->links, &l->cap_links, l->n_links, sizeof *k,
                          GX_NETSTATE_LINKS_MAX);
    if (r < 0)
        return r;
    l->links[l->n_links++] = *k;
    return GX_OK;
}

static void lists_free(struct record_lists *l)
{
    free(l->addrs);
    free(l->links);
    memset(l, 0, sizeof *l);
}

static int lists_finish(struct record_lists *l, bool pessimistic, struct gx_netstate **out)
{
    int r = netstate_adopt(l->addrs, l->n_addrs, l->links, l->n_links, pessimistic, out);
    memset(l, 0, sizeof *l);
    return r;
}

int gx_netstate_new(const struct gx_nl_addr *addrs, size_t n_addrs, const struct gx_nl_link *links,
                    size_t n_links, struct gx_netstate **out)
{
    struct record_lists l;
    memset(&l, 0, sizeof l);
    int r = GX_OK;
    for (size_t i = 0; i < n_addrs && r == GX_OK; i++)
        r = lists_add_addr(&l, &addrs[i]);
    for (size_t i = 0; i < n_links && r == GX_OK; i++)
        r = lists_add_link(&l, &links[i]);
    if (r < 0) {
        lists_free(&l);
        return r;
    }
    return lists_finish(&l, false, out);
}

int gx_netstate_build_netlink(uint32_t seq, struct gx_netstate **out, bool *interrupted)
{
    *interrupted = false;
    int fd = gx_nl_open(0);
    if (fd < 0)
        return fd;
    uint8_t *buf = malloc(GX_NETLINK_DUMP_BUF);
    if (!buf) {
        close(fd);
        return GX_E_MEMORY;
    }
    struct record_lists l;
    memset(&l, 0, sizeof l);
    const struct gx_nl_sink sink = {lists_add_addr, lists_add_link, &l};
    struct gx_nl_dump_state st;
    int r = gx_nl_dump(fd, RTM_GETADDR, seq, buf, GX_NETLINK_DUMP_BUF, &st, &sink);
    if (r == GX_OK) {
        *interrupted = st.interrupted;
        r = gx_nl_dump(fd, RTM_GETLINK, seq + 1u, buf, GX_NETLINK_DUMP_BUF, &st, &sink);
        *interrupted = *interrupted || st.interrupted;
    }
    int saved = errno;
    free(buf);
    close(fd);
    errno = saved;
    if (r < 0) {
        lists_free(&l);
        return r;
    }
    return lists_finish(&l, false, out);
}

/* Leading one bits of a netmask. */
static uint8_t mask_prefixlen(const uint8_t *mask, size_t len)
{
    uint8_t bits = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = mask[i];
        while (b & 0x80u) {
            bits++;
            b = (uint8_t)(b << 1);
        }
        if (mask[i] != 0xffu)
            break;
    }
    return bits;
}

/* The interface index of an ifaddrs name, from the AF_PACKET entries of the same list ("eth0:1",
 * an IPv4 label, is eth0's). getifaddrs() lists few interfaces; a linear search is enough for a
 * fallback path. 0 when unknown. */
static uint32_t ifaddrs_index(const struct ifaddrs *list, const char *name)
{
    if (!name)
        return 0;
    size_t len = strcspn(name, ":");
    for (const struct ifaddrs *e = list; e; e = e->ifa_next) {
        if (!e->ifa_addr || e->ifa_addr->sa_family != AF_PACKET || !e->ifa_name)
            continue;
        if (strncmp(e->ifa_name, name, len) == 0 && e->ifa_name[len] == '\0') {
            const struct sockaddr_ll *sll = (const struct sockaddr_ll *)(const void *)e->ifa_addr;
            return sll->sll_ifindex > 0 ? (uint32_t)sll->sll_ifindex : 0;
        }
    }
    return 0;
}

int gx_netstate_from_ifaddrs(const struct ifaddrs *list, struct gx_netstate **out)
{
    struct record_lists l;
    memset(&l, 0, sizeof l);
    if (!list)
        return lists_finish(&l, true, out);
    int r = GX_OK;
    for (const struct ifaddrs *e = list; e && r == GX_OK; e = e->ifa_next) {
        if (!e->ifa_addr)
            continue;
        int family = e->ifa_addr->sa_family;
        if (family == AF_PACKET) {
            const struct sockaddr_ll *sll = (const struct sockaddr_ll *)(const void *)e->ifa_addr;
            if (sll->sll_ifindex <= 0)
                continue;
            struct gx_nl_link k = {(uint32_t)sll->sll_ifindex, sll->sll_hatype};
            r = lists_add_link(&l, &k);
            continue;
        }
        struct gx_nl_addr a;
        memset(&a, 0, sizeof a);
        a.ifindex = ifaddrs_index(list, e->ifa_name);
        if (family == AF_INET) {
            const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)e->ifa_addr;
            a.family = AF_INET;
            memcpy(a.bytes, &sin->sin_addr, 4);
            if (e->ifa_netmask && e->ifa_netmask->sa_family == AF_INET) {
                const struct sockaddr_in *m =
                    (const struct sockaddr_in *)(const void *)e->ifa_netmask;
                a.prefixlen = mask_prefixlen((const uint8_t *)&m->sin_addr, 4);
            }
        } else if (family == AF_INET6) {
            const struct sockaddr_in6 *sin6 =
                (const struct sockaddr_in6 *)(const void *)e->ifa_addr;
            a.family = AF_INET6;
            memcpy(a.bytes, &sin6->sin6_addr, 16);
            if (a.ifindex == 0)
                a.ifindex = sin6->sin6_scope_id;
            if (e->ifa_netmask && e->ifa_netmask->sa_family == AF_INET6) {
                const struct sockaddr_in6 *m =
                    (const struct sockaddr_in6 *)(const void *)e->ifa_netmask;
                a.prefixlen = mask_prefixlen((const uint8_t *)&m->sin6_addr, 16);
            }
        } else {
            continue;
        }
        r = lists_add_addr(&l, &a);
    }
    if (r < 0) {
        lists_free(&l);
        return r;
    }
    return lists_finish(&l, false, out);
}

int gx_netstate_build_ifaddrs(struct gx_netstate **out)
{
    struct ifaddrs *list = NULL;
    if (getifaddrs(&list) != 0)
        list = NULL;
    int r = gx_netstate_from_ifaddrs(list, out);
    if (list)
        freeifaddrs(list);
    return r;
}

void gx_netstate_ref(struct gx_netstate *ns)
{
    gx_ref_get(&ns->ref);
}

void gx_netstate_unref(struct gx_netstate *ns)
{
    if (!ns || !gx_ref_put(&ns->ref))
        return;
    pthread_mutex_destroy(&ns->lock);
    gx_route_probe_destroy(&ns->route);
    free(ns->sets);
    free(ns->addrs);
    free(ns->links);
    free(ns);
}

bool gx_netstate_has_ipv4(const struct gx_netstate *ns)
{
    return ns->has_ipv4;
}

bool gx_netstate_has_ipv6(const struct gx_netstate *ns)
{
    return ns->has_ipv6;
}

/* ---- describing a source address ------------------------------------------------------- */

static const struct gx_nl_link *link_find(const struct gx_netstate *ns, uint32_t ifindex)
{
    size_t lo = 0, hi = ns->n_links;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ns->links[mid].ifindex < ifindex)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ns->n_links && ns->links[lo].ifindex == ifindex ? &ns->links[lo] : NULL;
}

/* The first address equal to (family, bytes) in the sorted list, or n_addrs. */
static size_t addr_lower_bound(const struct gx_netstate *ns, uint8_t family, const uint8_t *bytes)
{
    struct gx_nl_addr key;
    memset(&key, 0, sizeof key);
    key.family = family;
    memcpy(key.bytes, bytes, family == AF_INET ? 4 : 16);
    size_t lo = 0, hi = ns->n_addrs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (addr_cmp(&ns->addrs[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* RFC 6724 rule 7 asks whether the path is native or tunnelled. Like glibc's __check_native,
 * the kernel's tunnel link types (IPIP, IPv6-in-IPv6, SIT: 6in4 and 6to4) count as tunnels. */
static bool link_type_is_tunnel(uint16_t type)
{
    return type == ARPHRD_TUNNEL || type == ARPHRD_TUNNEL6 || type == ARPHRD_SIT;
}

void gx_netstate_describe_source(const struct gx_netstate *ns, const struct gx_addr *source,
                                 struct gx_dest_info *info)
{
    info->source_prefixlen = 0;
    info->source_flags = 0;
    info->source_ifindex = UINT32_MAX;
    info->native = -1;

    uint8_t family = source->family;
    uint8_t bytes[16];
    memset(bytes, 0, sizeof bytes);
    if (family == AF_INET6 && gx_bytes6_is_v4mapped(source->bytes)) {
        family = AF_INET;
        memcpy(bytes, source->bytes + 12, 4);
    } else if (family == AF_INET || family == AF_INET6) {
        memcpy(bytes, source->bytes, family == AF_INET ? 4 : 16);
    } else {
        return;
    }
    if (family == AF_INET && bytes[0] == 127) {
        /* The kernel may pick any 127/8 address as the source, but lo lists 127.0.0.1/8. */
        bytes[1] = 0;
        bytes[2] = 0;
        bytes[3] = 1;
    }

    size_t i = addr_lower_bound(ns, family, bytes);
    size_t alen = family == AF_INET ? 4 : 16;
    if (i >= ns->n_addrs || ns->addrs[i].family != family ||
        memcmp(ns->addrs[i].bytes, bytes, alen) != 0)
        return;
    /* The same address can sit on several interfaces (fe80::1 often does). A scoped source
     * names its interface; otherwise the lowest index is as good as any, which is glibc's
     * answer too. */
    const struct gx_nl_addr *a = &ns->addrs[i];
    if (source->family == AF_INET6 && source->scope_id != 0) {
        for (size_t j = i; j < ns->n_addrs && ns->addrs[j].family == family &&
                           memcmp(ns->addrs[j].bytes, bytes, alen) == 0;
             j++) {
            if (ns->addrs[j].ifindex == source->scope_id) {
                a = &ns->addrs[j];
                break;
            }
        }
    }

    uint8_t flags = 0;
    if (a->flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC))
        flags |= GX_SRC_DEPRECATED;
    if (a->flags & IFA_F_HOMEADDRESS)
        flags |= GX_SRC_HOME;
    /* IFA_F_TEMPORARY is bit 0, which IPv4 uses for IFA_F_SECONDARY: temporary (RFC 8981)
     * addresses are an IPv6 notion only. */
    if (family == AF_INET6 && (a->flags & IFA_F_TEMPORARY))
        flags |= GX_SRC_TEMPORARY;
    info->source_prefixlen = a->prefixlen;
    info->source_flags = flags;
    info->source_ifindex = a->ifindex;
    const struct gx_nl_link *k = link_find(ns, a->ifindex);
    if (k)
        info->native = link_type_is_tunnel(k->type) ? 0 : 1;
}

/* ---- the destination cache --------------------------------------------------------------- */

/* The cache key: only the bytes the family uses, and a scope only for IPv6. False for a family
 * that is neither IPv4 nor IPv6. */
static bool dest_key(const struct gx_addr *dest, struct gx_addr *key)
{
    memset(key, 0, sizeof *key);
    if (dest->family == AF_INET) {
        key->family = AF_INET;
        memcpy(key->bytes, dest->bytes, 4);
        return true;
    }
    if (dest->family == AF_INET6) {
        key->family = AF_INET6;
        memcpy(key->bytes, dest->bytes, 16);
        key->scope_id = dest->scope_id;
        return true;
    }
    return false;
}

static uint64_t dest_hash(const struct gx_addr *key)
{
    uint8_t raw[21];
    memcpy(raw, key->bytes, 16);
    memcpy(raw + 16, &key->scope_id, 4);
    raw[20] = key->family;
    return gx_hash_bytes(raw, sizeof raw);
}

static bool key_equal(const struct gx_addr *a, const struct gx_addr *b)
{
    return a->family == b->family && a->scope_id == b->scope_id &&
           memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

/* The set of key. Caller holds ns->lock; ns->sets is not NULL. Whatever the destinations (they
 * come from DNS answers, and may be chosen to collide), a look costs GX_NETSTATE_CACHE_WAYS
 * comparisons at most. */
static struct cache_set *cache_set_for(struct gx_netstate *ns, const struct gx_addr *key)
{
    return &ns->sets[dest_hash(key) & (CACHE_SETS - 1)];
}

/* Caller holds ns->lock. */
static bool cache_lookup(struct gx_netstate *ns, const struct gx_addr *key,
                         struct gx_dest_info *info)
{
    if (!ns->sets)
        return false;
    const struct cache_set *set = cache_set_for(ns, key);
    for (unsigned w = 0; w < GX_NETSTATE_CACHE_WAYS; w++) {
        if (set->way[w].key.family != 0 && key_equal(&set->way[w].key, key)) {
            *info = set->way[w].info;
            return true;
        }
    }
    return false;
}

/* Caller holds ns->lock. The table is made on the first answer, in full (one allocation in the
 * snapshot's life: no lookup pays for the cache growing); if memory is short the answer is only
 * not cached. A new destination takes a free way of its set, else the oldest's: the cache keeps
 * up with the destinations a long-running process meets now, and its memory stays bounded for a
 * process that meets endless distinct ones (a crawler, a scanner). */
static void cache_insert(struct gx_netstate *ns, const struct gx_addr *key,
                         const struct gx_dest_info *info)
{
    if (!ns->sets && !(ns->sets = calloc(CACHE_SETS, sizeof *ns->sets)))
        return;
    struct cache_set *set = cache_set_for(ns, key);
    struct cache_slot *slot = NULL;
    for (unsigned w = 0; w < GX_NETSTATE_CACHE_WAYS && !slot; w++)
        if (set->way[w].key.family == 0 || key_equal(&set->way[w].key, key))
            slot = &set->way[w];
    if (!slot) {
        slot = &set->way[set->next];
        set->next = (uint8_t)((set->next + 1) % GX_NETSTATE_CACHE_WAYS);
    } else if (slot->key.family == 0) {
        ns->n_cached++;
    }
    slot->key = *key;
    slot->info = *info;
}

/* ---- probing ----------------------------------------------------------------------------- */

/* The sockets of one gx_netstate_dest_info() call, one per family, opened when first needed. */
struct probe_sockets {
    int fd[2];         /* [0] AF_INET, [1] AF_INET6; -1 when not open */
    bool connected[2]; /* a connect() was tried since the socket was opened or disconnected */
};

static void info_unusable(struct gx_dest_info *info)
{
    memset(info, 0, sizeof *info);
    info->source_ifindex = UINT32_MAX;
    info->native = -1;
}

/* An open, unconnected socket of the family, or -1 with errno set. */
static int probe_socket(struct probe_sockets *ps, int family)
{
    int k = family == AF_INET ? 0 : 1;
    if (ps->fd[k] >= 0 && ps->connected[k]) {
        /* Dissolve the last association so the kernel chooses the source afresh. */
        struct sockaddr unspec;
        memset(&unspec, 0, sizeof unspec);
        unspec.sa_family = AF_UNSPEC;
        if (connect(ps->fd[k], &unspec, sizeof unspec) == 0) {
            ps->connected[k] = false;
        } else {
            close(ps->fd[k]);
            ps->fd[k] = -1;
        }
    }
    if (ps->fd[k] < 0) {
        ps->fd[k] = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        ps->connected[k] = false;
    }
    return ps->fd[k];
}

/* Asks the kernel about one destination. *lasting is false when the answer reflects a passing
 * shortage and must not be cached. */
static void probe_dest(struct gx_netstate *ns, struct probe_sockets *ps, const struct gx_addr *dest,
                       struct gx_dest_info *info, bool *lasting)
{
    info_unusable(info);
    *lasting = true;
    int family = dest->family;
    int fd = probe_socket(ps, family);
    if (fd < 0) {
        *lasting = gx_route_errno_is_lasting(errno);
        return;
    }
    atomic_fetch_add_explicit(&ns->probes, 1, memory_order_relaxed);
    struct sockaddr_in6 sa;
    socklen_t sa_len = gx_addr_to_sockaddr(dest, PROBE_PORT, &sa);
    ps->connected[family == AF_INET ? 0 : 1] = true;
    if (connect(fd, (const struct sockaddr *)&sa, sa_len) != 0) {
        *lasting = gx_route_errno_is_lasting(errno);
        return;
    }
    struct sockaddr_in6 src;
    socklen_t src_len = sizeof src;
    memset(&src, 0, sizeof src);
    if (getsockname(fd, (struct sockaddr *)&src, &src_len) != 0) {
        *lasting = false;
        return;
    }
    if (src.sin6_family == AF_INET && src_len >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)&src;
        gx_addr_set4(&info->source, (const uint8_t *)&sin->sin_addr);
    } else if (src.sin6_family == AF_INET6 && src_len >= sizeof(struct sockaddr_in6)) {
        gx_addr_set6(&info->source, src.sin6_addr.s6_addr, src.sin6_scope_id);
    } else {
        *lasting = false;
        return;
    }
    info->usable = true;
    gx_netstate_describe_source(ns, &info->source, info);
}

int gx_netstate_dest_info(struct gx_netstate *ns, const struct gx_addr *dests, size_t n,
                          struct gx_dest_info *out)
{
    struct probe_sockets ps = {{-1, -1}, {false, false}};
    for (size_t base = 0; base < n; base += DEST_BATCH) {
        size_t m = n - base < DEST_BATCH ? n - base : DEST_BATCH;
        uint64_t missing = 0;
        struct gx_addr key;

        /* The steady state: every answer is in the cache, one lock round for the batch. */
        pthread_mutex_lock(&ns->lock);
        for (size_t j = 0; j < m; j++) {
            if (!dest_key(&dests[base + j], &key))
                info_unusable(&out[base + j]);
            else if (!cache_lookup(ns, &key, &out[base + j]))
                missing |= (uint64_t)1 << j;
        }
        pthread_mutex_unlock(&ns->lock);

        if (missing == 0)
            continue;
        /* Look again: another thread may have asked about some meanwhile. Then one route
         * question for all that are left, and connect() for what it leaves in doubt. */
        struct gx_addr ask[DEST_BATCH];
        size_t at[DEST_BATCH];
        size_t k = 0;
        pthread_mutex_lock(&ns->lock);
        for (size_t j = 0; j < m; j++) {
            if (!(missing & ((uint64_t)1 << j)))
                continue;
            dest_key(&dests[base + j], &key);
            if (cache_lookup(ns, &key, &out[base + j]))
                continue;
            /* An earlier destination of this batch may be the same one. */
            bool dup = false;
            for (size_t i = 0; i < k && !dup; i++)
                dup = gx_addr_equal(&ask[i], &key);
            if (!dup) {
                ask[k] = key;
                at[k++] = base + j;
            }
        }
        pthread_mutex_unlock(&ns->lock);
        struct gx_route_answer ans[DEST_BATCH];
        gx_route_probe_ask(&ns->route, ask, k, ans);
        for (size_t i = 0; i < k; i++) {
            struct gx_dest_info *info = &out[at[i]];
            bool lasting = true;
            if (ans[i].state == GX_ROUTE_USABLE) {
                atomic_fetch_add_explicit(&ns->probes, 1, memory_order_relaxed);
                info_unusable(info);
                info->usable = true;
                info->source = ans[i].source;
                gx_netstate_describe_source(ns, &info->source, info);
            } else if (ans[i].state == GX_ROUTE_UNUSABLE) {
                atomic_fetch_add_explicit(&ns->probes, 1, memory_order_relaxed);
                info_unusable(info);
                lasting = ans[i].lasting;
            } else {
                probe_dest(ns, &ps, &dests[at[i]], info, &lasting);
            }
            if (lasting) {
                pthread_mutex_lock(&ns->lock);
                cache_insert(ns, &ask[i], info);
                pthread_mutex_unlock(&ns->lock);
            }
        }
        /* Duplicates within the batch copy the answer of their first occurrence. */
        for (size_t j = 0; j < m; j++) {
            if (!(missing & ((uint64_t)1 << j)))
                continue;
            dest_key(&dests[base + j], &key);
            for (size_t i = 0; i < k; i++) {
                if (at[i] != base + j && gx_addr_equal(&ask[i], &key)) {
                    out[base + j] = out[at[i]];
                    break;
                }
            }
        }
    }
    for (int k = 0; k < 2; k++)
        if (ps.fd[k] >= 0)
            close(ps.fd[k]);
    return GX_OK;
}

void gx_netstate_get_stats(struct gx_netstate *ns, struct gx_netstate_stats *out)
{
    memset(out, 0, sizeof *out);
    out->probes = atomic_load_explicit(&ns->probes, memory_order_relaxed);
    out->addresses = ns->n_addrs;
    out->links = ns->n_links;
    pthread_mutex_lock(&ns->lock);
    out->cached = ns->n_cached;
    pthread_mutex_unlock(&ns->lock);
}
