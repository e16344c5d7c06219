/*
 * net/netstate.c and net/netwatch.c.
 *
 * Three kinds of tests. Snapshots built from hand-written records check the rules (AI_ADDRCONFIG's
 * families, source flags, prefix lengths, native links, 127/8, IPv4-mapped). Tests on this
 * machine's own network check the real netlink dump against getifaddrs() and the probe and cache
 * on loopback destinations (no packet is sent: connect() on UDP sends nothing, and only local
 * addresses are asked about). Tests in a network namespace of their own (unshare, root only:
 * SKIPPED without it, a failure when CI=true) change addresses under a running watcher and check
 * that the change is seen, after the interval and not before, and that fork() gives the child a
 * socket of its own.
 *
 * "No system call in the steady state" is checked by the counters the module keeps: the probes a
 * snapshot made (each a connect()) and the looks a watcher took (each a recv()).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/if_addr.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "check.h"
#include "core/clock.h"
#include "core/status.h"
#include "gaix.h"
#include "net/netstate.h"

/* ---- helpers ------------------------------------------------------------------------------- */

static struct gx_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct gx_addr x;
    const uint8_t bytes[4] = {a, b, c, d};
    gx_addr_set4(&x, bytes);
    return x;
}

static struct gx_addr v6(const char *text, uint32_t scope)
{
    struct gx_addr x;
    uint8_t b[16];
    if (inet_pton(AF_INET6, text, b) != 1)
        abort();
    gx_addr_set6(&x, b, scope);
    return x;
}

static struct gx_nl_addr rec(const struct gx_addr *a, uint8_t prefixlen, uint32_t flags,
                             uint32_t ifindex)
{
    struct gx_nl_addr r;
    memset(&r, 0, sizeof r);
    r.family = a->family;
    memcpy(r.bytes, a->bytes, 16);
    r.prefixlen = prefixlen;
    r.flags = flags;
    r.ifindex = ifindex;
    return r;
}

static int count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* ---- hand-built snapshots ------------------------------------------------------------------ */

static struct gx_netstate *snapshot_of(const struct gx_nl_addr *a, size_t na,
                                       const struct gx_nl_link *l, size_t nl)
{
    struct gx_netstate *ns = NULL;
    if (gx_netstate_new(a, na, l, nl, &ns) != GX_OK)
        return NULL;
    return ns;
}

TEST(families_follow_glibc_check_pf)
{
    struct gx_addr lo4 = v4(127, 0, 0, 1), lo6 = v6("::1", 0), lo4b = v4(127, 0, 0, 2),
                   ll = v6("fe80::1", 0), pub4 = v4(192, 0, 2, 2);
    struct gx_nl_addr only_lo[] = {rec(&lo4, 8, 0, 1), rec(&lo6, 128, 0, 1)};
    struct gx_netstate *ns = snapshot_of(only_lo, 2, NULL, 0);
    REQUIRE(ns);
    CHECK(!gx_netstate_has_ipv4(ns));
    CHECK(!gx_netstate_has_ipv6(ns));
    gx_netstate_unref(ns);

    /* Any other 127/8 address counts as IPv4, a link-local (even tentative) one as IPv6. */
    struct gx_nl_addr more[] = {rec(&lo4, 8, 0, 1), rec(&lo6, 128, 0, 1), rec(&lo4b, 8, 0, 1),
                                rec(&ll, 64, IFA_F_TENTATIVE, 2)};
    ns = snapshot_of(more, 4, NULL, 0);
    REQUIRE(ns);
    CHECK(gx_netstate_has_ipv4(ns));
    CHECK(gx_netstate_has_ipv6(ns));
    gx_netstate_unref(ns);

    struct gx_nl_addr v4only[] = {rec(&lo6, 128, 0, 1), rec(&pub4, 24, 0, 2)};
    ns = snapshot_of(v4only, 2, NULL, 0);
    REQUIRE(ns);
    CHECK(gx_netstate_has_ipv4(ns));
    CHECK(!gx_netstate_has_ipv6(ns));
    gx_netstate_unref(ns);

    ns = snapshot_of(NULL, 0, NULL, 0);
    REQUIRE(ns);
    CHECK(!gx_netstate_has_ipv4(ns));
    CHECK(!gx_netstate_has_ipv6(ns));
    gx_netstate_unref(ns);
}

TEST(unknown_network_is_pessimistic)
{
    struct gx_netstate *ns = NULL;
    REQUIRE(gx_netstate_from_ifaddrs(NULL, &ns) == GX_OK);
    CHECK(gx_netstate_has_ipv4(ns));
    CHECK(gx_netstate_has_ipv6(ns));
    struct gx_addr lo = v4(127, 0, 0, 1);
    struct gx_dest_info info;
    gx_netstate_describe_source(ns, &lo, &info);
    CHECK_EQ_INT(info.source_prefixlen, 0);
    CHECK_EQ_INT(info.source_ifindex, UINT32_MAX);
    CHECK_EQ_INT(info.native, -1);
    gx_netstate_unref(ns);
}

TEST(sources_are_described_from_the_address_list)
{
    struct gx_addr lo4 = v4(127, 0, 0, 1), pub4 = v4(192, 0, 2, 2), sec4 = v4(192, 0, 2, 3),
                   dep = v6("2001:db8:1::3", 0), opt = v6("2001:db8:1::5", 0),
                   home = v6("2001:db8:1::4", 0), tmp = v6("2001:db8:1::99", 0),
                   tun = v6("2002:c000:202::1", 0), orphan = v6("2001:db8:9::1", 0),
                   ll = v6("fe80::1", 0);
    struct gx_nl_addr addrs[] = {
        rec(&tun, 16, IFA_F_PERMANENT, 5),
        rec(&dep, 64, IFA_F_DEPRECATED | IFA_F_PERMANENT, 2),
        rec(&opt, 64, IFA_F_OPTIMISTIC, 2),
        rec(&home, 64, IFA_F_HOMEADDRESS, 2),
        rec(&tmp, 64, IFA_F_TEMPORARY | IFA_F_DEPRECATED, 2),
        rec(&pub4, 24, 0, 2),
        rec(&sec4, 24, IFA_F_SECONDARY, 2), /* the same bit as IFA_F_TEMPORARY */
        rec(&lo4, 8, IFA_F_PERMANENT, 1),
        rec(&orphan, 48, 0, 77), /* an interface without a link record */
        rec(&ll, 64, 0, 3),
        rec(&ll, 10, 0, 2), /* the same link-local address on two interfaces */
    };
    struct gx_nl_link links[] = {
        {5, ARPHRD_SIT}, {2, ARPHRD_ETHER}, {1, ARPHRD_LOOPBACK}, {3, ARPHRD_TUNNEL6}};
    struct gx_netstate *ns = snapshot_of(addrs, sizeof addrs / sizeof addrs[0], links, 4);
    REQUIRE(ns);
    struct gx_dest_info info;
    memset(&info, 0, sizeof info);

    gx_netstate_describe_source(ns, &pub4, &info);
    CHECK_EQ_INT(info.source_prefixlen, 24);
    CHECK_EQ_INT(info.source_flags, 0);
    CHECK_EQ_INT(info.source_ifindex, 2);
    CHECK_EQ_INT(info.native, 1);

    gx_netstate_describe_source(ns, &sec4, &info);
    CHECK_EQ_INT(info.source_flags, 0); /* a secondary IPv4 address is not temporary */

    gx_netstate_describe_source(ns, &dep, &info);
    CHECK_EQ_INT(info.source_flags, GX_SRC_DEPRECATED);
    gx_netstate_describe_source(ns, &opt, &info);
    CHECK_EQ_INT(info.source_flags, GX_SRC_DEPRECATED); /* optimistic counts as deprecated */
    gx_netstate_describe_source(ns, &home, &info);
    CHECK_EQ_INT(info.source_flags, GX_SRC_HOME);
    gx_netstate_describe_source(ns, &tmp, &info);
    CHECK_EQ_INT(info.source_flags, GX_SRC_TEMPORARY | GX_SRC_DEPRECATED);

    gx_netstate_describe_source(ns, &tun, &info);
    CHECK_EQ_INT(info.source_prefixlen, 16);
    CHECK_EQ_INT(info.source_ifindex, 5);
    CHECK_EQ_INT(info.native, 0); /* 6to4 over sit */

    gx_netstate_describe_source(ns, &orphan, &info);
    CHECK_EQ_INT(info.source_prefixlen, 48);
    CHECK_EQ_INT(info.source_ifindex, 77);
    CHECK_EQ_INT(info.native, -1);

    /* Any 127/8 source is described by 127.0.0.1's entry, mapped or not. */
    struct gx_addr lo77 = v4(127, 0, 0, 77);
    gx_netstate_describe_source(ns, &lo77, &info);
    CHECK_EQ_INT(info.source_prefixlen, 8);
    CHECK_EQ_INT(info.source_ifindex, 1);
    CHECK_EQ_INT(info.native, 1);
    struct gx_addr lo_mapped = v6("::ffff:127.1.2.3", 0);
    gx_netstate_describe_source(ns, &lo_mapped, &info);
    CHECK_EQ_INT(info.source_prefixlen, 8);
    struct gx_addr pub_mapped = v6("::ffff:192.0.2.2", 0);
    gx_netstate_describe_source(ns, &pub_mapped, &info);
    CHECK_EQ_INT(info.source_prefixlen, 24);
    CHECK_EQ_INT(info.source_ifindex, 2);

    /* A scoped source picks its own interface's entry. */
    struct gx_addr ll3 = v6("fe80::1", 3), ll2 = v6("fe80::1", 2), ll0 = v6("fe80::1", 0);
    gx_netstate_describe_source(ns, &ll3, &info);
    CHECK_EQ_INT(info.source_ifindex, 3);
    CHECK_EQ_INT(info.source_prefixlen, 64);
    CHECK_EQ_INT(info.native, 0);
    gx_netstate_describe_source(ns, &ll2, &info);
    CHECK_EQ_INT(info.source_ifindex, 2);
    CHECK_EQ_INT(info.source_prefixlen, 10);
    gx_netstate_describe_source(ns, &ll0, &info);
    CHECK_EQ_INT(info.source_ifindex, 2); /* unscoped: the lowest index */

    struct gx_addr absent4 = v4(192, 0, 2, 4), absent6 = v6("2001:db8:1::6", 0);
    gx_netstate_describe_source(ns, &absent4, &info);
    CHECK_EQ_INT(info.source_prefixlen, 0);
    CHECK_EQ_INT(info.source_flags, 0);
    CHECK_EQ_INT(info.source_ifindex, UINT32_MAX);
    CHECK_EQ_INT(info.native, -1);
    gx_netstate_describe_source(ns, &absent6, &info);
    CHECK_EQ_INT(info.source_ifindex, UINT32_MAX);
    gx_netstate_unref(ns);
}

/* A getifaddrs() list written by hand. */
struct fake_ifa {
    struct ifaddrs ifa;
    struct sockaddr_storage addr, mask;
};

static void fake_packet(struct fake_ifa *f, const char *name, int index, uint16_t type)
{
    memset(f, 0, sizeof *f);
    struct sockaddr_ll *sll = (struct sockaddr_ll *)&f->addr;
    sll->sll_family = AF_PACKET;
    sll->sll_ifindex = index;
    sll->sll_hatype = type;
    f->ifa.ifa_name = (char *)name;
    f->ifa.ifa_addr = (struct sockaddr *)&f->addr;
}

static void fake_ip(struct fake_ifa *f, const char *name, const char *addr, const char *mask)
{
    memset(f, 0, sizeof *f);
    f->ifa.ifa_name = (char *)name;
    if (strchr(addr, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&f->addr, *m = (void *)&f->mask;
        a->sin6_family = m->sin6_family = AF_INET6;
        inet_pton(AF_INET6, addr, &a->sin6_addr);
        inet_pton(AF_INET6, mask, &m->sin6_addr);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&f->addr, *m = (void *)&f->mask;
        a->sin_family = m->sin_family = AF_INET;
        inet_pton(AF_INET, addr, &a->sin_addr);
        inet_pton(AF_INET, mask, &m->sin_addr);
    }
    f->ifa.ifa_addr = (struct sockaddr *)&f->addr;
    f->ifa.ifa_netmask = (struct sockaddr *)&f->mask;
}

TEST(getifaddrs_list_becomes_a_snapshot)
{
    struct fake_ifa f[7];
    fake_packet(&f[0], "lo", 1, ARPHRD_LOOPBACK);
    fake_packet(&f[1], "eth0", 2, ARPHRD_ETHER);
    fake_packet(&f[2], "sit1", 6, ARPHRD_SIT);
    fake_ip(&f[3], "lo", "127.0.0.1", "255.0.0.0");
    fake_ip(&f[4], "eth0:1", "192.0.2.2", "255.255.255.0");
    fake_ip(&f[5], "sit1", "2002:c000:202::1", "ffff::");
    memset(&f[6], 0, sizeof f[6]); /* an interface without an address */
    f[6].ifa.ifa_name = (char *)"eth1";
    for (int i = 0; i < 6; i++)
        f[i].ifa.ifa_next = &f[i + 1].ifa;
    struct gx_netstate *ns = NULL;
    REQUIRE(gx_netstate_from_ifaddrs(&f[0].ifa, &ns) == GX_OK);
    CHECK(gx_netstate_has_ipv4(ns));
    CHECK(gx_netstate_has_ipv6(ns));
    struct gx_netstate_stats st;
    gx_netstate_get_stats(ns, &st);
    CHECK_EQ_INT(st.addresses, 3);
    CHECK_EQ_INT(st.links, 3);
    struct gx_dest_info info;
    struct gx_addr a = v4(192, 0, 2, 2);
    gx_netstate_describe_source(ns, &a, &info);
    CHECK_EQ_INT(info.source_prefixlen, 24);
    CHECK_EQ_INT(info.source_ifindex, 2); /* eth0:1 is an IPv4 label on eth0 */
    CHECK_EQ_INT(info.native, 1);
    a = v6("2002:c000:202::1", 0);
    gx_netstate_describe_source(ns, &a, &info);
    CHECK_EQ_INT(info.source_prefixlen, 16);
    CHECK_EQ_INT(info.source_ifindex, 6);
    CHECK_EQ_INT(info.native, 0);
    gx_netstate_unref(ns);
}

TEST(address_limit_is_a_status)
{
    size_t n = GX_NETSTATE_ADDRS_MAX + 1;
    struct gx_nl_addr *many = calloc(n, sizeof *many);
    REQUIRE(many);
    for (size_t i = 0; i < n; i++) {
        many[i].family = AF_INET6;
        memcpy(many[i].bytes + 8, &i, sizeof i);
    }
    struct gx_netstate *ns = NULL;
    CHECK_EQ_INT(gx_netstate_new(many, n, NULL, 0, &ns), GX_E_LIMIT);
    CHECK_EQ_INT(gx_netstate_new(many, n - 1, NULL, 0, &ns), GX_OK);
    gx_netstate_unref(ns);
    free(many);
}

/* ---- this machine -------------------------------------------------------------------------- */

TEST(netlink_snapshot_agrees_with_getifaddrs)
{
    struct gx_netstate *nl = NULL, *ifa = NULL;
    bool interrupted;
    REQUIRE(gx_netstate_build_netlink(1, &nl, &interrupted) == GX_OK);
    REQUIRE(gx_netstate_build_ifaddrs(&ifa) == GX_OK);
    /* The oracle: the system libc's own list, read with glibc's rule. */
    struct ifaddrs *list;
    REQUIRE(getifaddrs(&list) == 0);
    bool want4 = false, want6 = false;
    size_t n_ip = 0;
    for (struct ifaddrs *e = list; e; e = e->ifa_next) {
        if (!e->ifa_addr)
            continue;
        if (e->ifa_addr->sa_family == AF_INET) {
            const struct sockaddr_in *s = (const void *)e->ifa_addr;
            if (s->sin_addr.s_addr != htonl(INADDR_LOOPBACK))
                want4 = true;
            n_ip++;
        } else if (e->ifa_addr->sa_family == AF_INET6) {
            const struct sockaddr_in6 *s = (const void *)e->ifa_addr;
            if (!IN6_IS_ADDR_LOOPBACK(&s->sin6_addr))
                want6 = true;
            n_ip++;
        }
    }
    freeifaddrs(list);
    CHECK_EQ_INT(gx_netstate_has_ipv4(nl), want4);
    CHECK_EQ_INT(gx_netstate_has_ipv6(nl), want6);
    CHECK_EQ_INT(gx_netstate_has_ipv4(ifa), want4);
    CHECK_EQ_INT(gx_netstate_has_ipv6(ifa), want6);
    struct gx_netstate_stats s1, s2;
    gx_netstate_get_stats(nl, &s1);
    gx_netstate_get_stats(ifa, &s2);
    CHECK_EQ_INT(s1.addresses, n_ip);
    CHECK_EQ_INT(s2.addresses, n_ip);
    CHECK_EQ_INT(s1.links, s2.links);
    /* Both describe 127.0.0.1 the same way. */
    struct gx_addr lo = v4(127, 0, 0, 1);
    struct gx_dest_info a, b;
    gx_netstate_describe_source(nl, &lo, &a);
    gx_netstate_describe_source(ifa, &lo, &b);
    CHECK_EQ_INT(a.source_prefixlen, 8);
    CHECK_EQ_INT(a.source_prefixlen, b.source_prefixlen);
    CHECK_EQ_INT(a.source_ifindex, if_nametoindex("lo"));
    CHECK_EQ_INT(a.source_ifindex, b.source_ifindex);
    CHECK_EQ_INT(a.native, 1);
    CHECK_EQ_INT(b.native, 1);
    gx_netstate_unref(nl);
    gx_netstate_unref(ifa);
}

static bool lo_has_ipv6(void)
{
    struct ifaddrs *list;
    bool found = false;
    if (getifaddrs(&list) != 0)
        return false;
    for (struct ifaddrs *e = list; e; e = e->ifa_next)
        if (e->ifa_addr && e->ifa_addr->sa_family == AF_INET6 &&
            IN6_IS_ADDR_LOOPBACK(
                &((const struct sockaddr_in6 *)(const void *)e->ifa_addr)->sin6_addr))
            found = true;
    freeifaddrs(list);
    return found;
}

TEST(loopback_destinations_are_probed)
{
    struct gx_netwatch *w;
    REQUIRE(gx_netwatch_new(GAIX_RELOAD_DEFAULT, &w) == GX_OK);
    struct gx_netstate *ns;
    REQUIRE(gx_netwatch_acquire(w, 1000, &ns) == GX_OK);
    uint32_t lo_index = if_nametoindex("lo");
    struct gx_addr dests[6] = {v4(127, 0, 0, 1), v4(127, 0, 0, 77), v6("::ffff:127.0.0.1", 0),
                               v6("fe80::1", 0), v6("::1", 0)};
    memset(&dests[5], 0, sizeof dests[5]); /* no family at all */
    struct gx_dest_info info[6];
    REQUIRE(gx_netstate_dest_info(ns, dests, 6, info) == GX_OK);

    CHECK(info[0].usable);
    CHECK_EQ_INT(info[0].source.family, AF_INET);
    CHECK_EQ_MEM(info[0].source.bytes, dests[0].bytes, 4);
    CHECK_EQ_INT(info[0].source_prefixlen, 8);
    CHECK_EQ_INT(info[0].source_ifindex, lo_index);
    CHECK_EQ_INT(info[0].source_flags, 0);
    CHECK_EQ_INT(info[0].native, 1);

    CHECK(info[1].usable); /* lo's route has preferred source 127.0.0.1 */
    CHECK_EQ_MEM(info[1].source.bytes, dests[0].bytes, 4);
    CHECK_EQ_INT(info[1].source_prefixlen, 8);

    CHECK(info[2].usable); /* mapped: the source is mapped, described as IPv4 */
    CHECK_EQ_INT(info[2].source.family, AF_INET6);
    CHECK_EQ_MEM(info[2].source.bytes, dests[2].bytes, 16);
    CHECK_EQ_INT(info[2].source_prefixlen, 8);
    CHECK_EQ_INT(info[2].source_ifindex, lo_index);

    CHECK(!info[3].usable); /* link-local without its interface: connect() says EINVAL */
    CHECK_EQ_INT(info[3].source_ifindex, UINT32_MAX);
    CHECK_EQ_INT(info[3].native, -1);

    if (lo_has_ipv6()) {
        CHECK(info[4].usable);
        CHECK_EQ_MEM(info[4].source.bytes, dests[4].bytes, 16);
        CHECK_EQ_INT(info[4].source_prefixlen, 128);
        CHECK_EQ_INT(info[4].source_ifindex, lo_index);
    } else {
        CHECK(!info[4].usable);
    }
    CHECK(!info[5].usable);
    struct gx_netstate_stats st;
    gx_netstate_get_stats(ns, &st);
    CHECK_EQ_INT(st.probes, 5); /* the family-less one is not asked about */
    CHECK_EQ_INT(st.cached, 5);
    gx_netstate_unref(ns);
    gx_netwatch_free(w);
}

TEST(steady_state_makes_no_system_call)
{
    int fds = count_fds();
    struct gx_netwatch *w;
    REQUIRE(gx_netwatch_new(GAIX_RELOAD_DEFAULT, &w) == GX_OK);
    struct gx_addr dests[4] = {v4(127, 0, 0, 1), v4(127, 0, 0, 2), v6("::1", 0),
                               v6("::ffff:127.0.0.3", 0)};
    struct gx_dest_info first[4], second[4];
    struct gx_netstate *ns1, *ns2;
    REQUIRE(gx_netwatch_acquire(w, 5000, &ns1) == GX_OK);
    REQUIRE(gx_netstate_dest_info(ns1, dests, 4, first) == GX_OK);
    struct gx_netstate_stats s1, s2;
    gx_netstate_get_stats(ns1, &s1);
    CHECK_EQ_INT(s1.probes, 4);

    /* Within the interval: the same snapshot, every answer from its cache. */
    REQUIRE(gx_netwatch_acquire(w, 5099, &ns2) == GX_OK);
    CHECK(ns2 == ns1);
    REQUIRE(gx_netstate_dest_info(ns2, dests, 4, second) == GX_OK);
    gx_netstate_get_stats(ns2, &s2);
    CHECK_EQ_INT(s2.probes, 4);
    CHECK_EQ_MEM(first, second, sizeof first);
    struct gx_netwatch_stats ws;
    gx_netwatch_get_stats(w, &ws);
    CHECK_EQ_INT(ws.looks, 0);
    CHECK_EQ_INT(ws.netlink_builds, 1);
    CHECK(ws.subscribed);
    gx_netstate_unref(ns1);
    gx_netstate_unref(ns2);
    /* The watcher keeps its subscription; its current snapshot keeps the routing socket its
     * probes asked over (one, however many destinations and snapshots asked). */
    CHECK_EQ_INT(count_fds(), fds + 2);
    gx_netwatch_free(w);
    CHECK_EQ_INT(count_fds(), fds);
}

TEST(interval_decides_when_to_look)
{
    struct gx_netwatch *w;
    struct gx_netstate *ns;
    struct gx_netwatch_stats ws;
    REQUIRE(gx_netwatch_new(GAIX_RELOAD_DEFAULT, &w) == GX_OK); /* 100 ms */
    static const uint64_t times[] = {1000, 1050, 1099, 1100, 1150, 1000, 1200, 1299, 1300};
    static const uint64_t looks[] = {0, 0, 0, 1, 1, 1, 2, 2, 3};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        REQUIRE(gx_netwatch_acquire(w, times[i], &ns) == GX_OK);
        gx_netstate_unref(ns);
        gx_netwatch_get_stats(w, &ws);
        CHECK_EQ_INT(ws.looks, looks[i]);
    }
    gx_netwatch_free(w);

    REQUIRE(gx_netwatch_new(250, &w) == GX_OK);
    for (uint64_t t = 0; t <= 1000; t += 50) {
        REQUIRE(gx_netwatch_acquire(w, t, &ns) == GX_OK);
        gx_netstate_unref(ns);
    }
    gx_netwatch_get_stats(w, &ws);
    CHECK_EQ_INT(ws.looks, 4); /* at 250, 500, 750, 1000 */
    gx_netwatch_free(w);

    REQUIRE(gx_netwatch_new(GAIX_RELOAD_EVERY_CALL, &w) == GX_OK);
    for (int i = 0; i < 5; i++) {
        REQUIRE(gx_netwatch_acquire(w, 7, &ns) == GX_OK);
        gx_netstate_unref(ns);
    }
    gx_netwatch_get_stats(w, &ws);
    CHECK_EQ_INT(ws.looks, 4);
    gx_netwatch_free(w);

    REQUIRE(gx_netwatch_new(GAIX_RELOAD_NEVER, &w) == GX_OK);
    for (uint64_t t = 0; t < 100000; t += 10000) {
        REQUIRE(gx_netwatch_acquire(w, t, &ns) == GX_OK);
        gx_netstate_unref(ns);
    }
    gx_netwatch_get_stats(w, &ws);
    CHECK_EQ_INT(ws.looks, 0);
    CHECK_EQ_INT(ws.netlink_builds, 1);
    CHECK(!ws.subscribed); /* never looking, it needs no socket */
    gx_netwatch_free(w);
}

TEST(cache_is_bounded_and_keeps_the_most_recent)
{
    struct gx_netwatch *w;
    struct gx_netstate *ns;
    REQUIRE(gx_netwatch_new(GAIX_RELOAD_NEVER, &w) == GX_OK);
    REQUIRE(gx_netwatch_acquire(w, 0, &ns) == GX_OK);
    size_t n = 4 * GX_NETSTATE_CACHE_MAX + 100;
    struct gx_addr *dests = calloc(n, sizeof *dests);
    struct gx_dest_info *info = calloc(n, sizeof *info);
    REQUIRE(dests && info);
    for (size_t i = 0; i < n; i++) /* 127.0.16.0 and up: all local */
        dests[i] = v4(127, 0, (uint8_t)(16 + i / 256), (uint8_t)(i % 256));
    int fds = count_fds();
    REQUIRE(gx_netstate_dest_info(ns, dests, n, info) == GX_OK);
    CHECK_EQ_INT(count_fds(), fds + 1); /* the snapshot's routing socket, one for all */
    struct gx_netstate_stats st;
    gx_netstate_get_stats(ns, &st);
    CHECK_EQ_INT(st.probes, n);
    /* Bounded, and full: 4x more destinations than entries leave no set with a free way. */
    CHECK_EQ_INT(st.cached, GX_NETSTATE_CACHE_MAX);
    for (size_t i = 0; i < n; i++)
        if (!info[i].usable || info[i].source_prefixlen != 8)
            CHECK_FAIL_AT(__FILE__, __LINE__, "destination %zu not described", i);

    /* The last one met is answered from the cache; the first ones were replaced and are asked
     * again, answered the same. */
    struct gx_dest_info again;
    REQUIRE(gx_netstate_dest_info(ns, &dests[n - 1], 1, &again) == GX_OK);
    gx_netstate_get_stats(ns, &st);
    CHECK_EQ_INT(st.probes, n);
    CHECK_EQ_MEM(&again, &info[n - 1], sizeof again);
    size_t asked = 0;
    for (size_t i = 0; i < 64; i++) {
        REQUIRE(gx_netstate_dest_info(ns, &dests[i], 1, &again) == GX_OK);
        CHECK_EQ_MEM(&again, &info[i], sizeof again);
    }
    gx_netstate_get_stats(ns, &st);
    asked = (size_t)st.probes - n;
    CHECK(asked > 32); /* most of the first 64 were replaced by the 4,000 after them */
    CHECK_EQ_INT(st.cached, GX_NETSTATE_CACHE_MAX);
    free(dests);
    free(info);
    gx_netstate_unref(ns);
    gx_netwatch_free(w);
}

/* ---- netlink forbidden ----------------------------------------------------------------------- */

/* A seccomp filter that makes socket(AF_NETLINK, ...) fail with EAFNOSUPPORT, as in a sandbox or
 * a kernel built without netlink. glibc's getifaddrs() uses netlink too, so it fails as well. */
static bool forbid_netlink(void)
{
#if defined(__x86_64__)
    const uint32_t arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
    const uint32_t arch = AUDIT_ARCH_AARCH64;
#else
    const uint32_t arch = 0;
    if (arch == 0)
        return false;
#endif
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EAFNOSUPPORT & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return false;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0;
}

TEST(without_netlink_falls_back_once_per_interval)
{
    if (!forbid_netlink()) {
        printf("SKIPPED without_netlink_falls_back_once_per_interval: no seccomp here\n");
        return;
    }
    REQUIRE(socket(AF_NETLINK, SOCK_RAW, 0) < 0 && errno == EAFNOSUPPORT);
    struct gx_netwatch *w;
    struct gx_netstate *ns;
    struct gx_netwatch_stats ws;
    REQUIRE(gx_netwatch_new(GAIX_RELOAD_DEFAULT, &w) == GX_OK);
    REQUIRE(gx_netwatch_acquire(w, 1000, &ns) == GX_OK);
    /* getifaddrs() failed too: nothing is known, so both families are said to be there. */
    CHECK(gx_netstate_has_ipv4(ns));
    CHECK(gx_netstate_has_ipv6(ns));
    gx_netwatch_get_stats(w, &ws);
    CHECK_EQ_INT(ws.netlink_builds, 0);
    CHECK_EQ_INT(ws.fallback_builds, 1);
    CHECK(!ws.subscribed);
    /* Destinations are still probed; only the description of the source is unknown. */
    struct gx_addr lo = v4(127, 0, 0, 1);
    struct gx_dest_info info;
    REQUIRE(gx_netstate_dest_info(ns, &lo, 1, &info) == GX_OK);
    CHECK(info.usable);
    CHECK_EQ_MEM(info.source.bytes, lo.bytes, 4);
    CHECK_EQ_INT(info.source_ifindex, UINT32_MAX);
    CHECK_EQ_INT(info.native, -1);
    gx_netstate_unref(ns);

    REQUIRE(gx_netwatch_acquire(w, 1050, &ns) == GX_OK);
    gx_netstate_unref(ns);
    gx_netwatch_get_stats(w, &ws);
    CHECK_EQ_INT(ws.fallback_builds, 1);
    REQUIRE(gx_netwatch_acquire(w, 1100, &ns) == GX_OK);
    gx_netstate_unref(ns);
    gx_netwatch_get_stats(w, &ws);
    CHECK_EQ_INT(ws.fallback_builds, 2);
    gx_netwatch_free(w);
}

/* ---- a network namespace of our own -------------------------------------------------------- */

/* Enters a new network namespace with lo up. False (and a loud line) where that needs a
 * privilege the test does not have; under CI=true that is a failure instead. */
static bool enter_private_netns(const char *test)
{
    if (unshare(CLONE_NEWNET) != 0) {
        const char *ci = getenv("CI");
        if (ci && strcmp(ci, "true") == 0) {
            fprintf(stderr, "%s: unshare(CLONE_NEWNET): %s (CI=true: not skipping)\n", test,
                    strerror(errno));
            check_failures++;
        } else {
            printf("SKIPPED %s: needs root for network namespaces\n", test);
        }
        return false;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
        abort();
    ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
        abort();
    close(fd);
    return true;
}

/* Puts the IPv4 address a.b.c.d (with its class netmask) on the alias "lo:N" of lo, or removes
 * the alias (add == false). */
static void lo_alias4(int n, const struct gx_addr *a, bool add)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo:%d", n);
    if (add) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, a->bytes, 4);
        if (ioctl(fd, SIOCSIFADDR, &ifr) != 0)
            abort();
    } else {
        ifr.ifr_flags = 0; /* taking an alias down deletes it */
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
            abort();
    }
    close(fd);
}

/* struct in6_ifreq of linux/ipv6.h, which does not mix with netinet/in.h. */
struct lo_in6_ifreq {
    struct in6_addr addr;
    uint32_t prefixlen;
    int ifindex;
};

/* Whether the kernel already uses the address as the source towards itself. The address is
 * listed at once, but its local route is only installed when the kernel ends DAD, from a
 * workqueue, even on lo; until then the kernel picks another source. */
static bool addr6_ready(const struct in6_addr *a)
{
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(9), .sin6_addr = *a};
    struct sockaddr_in6 src;
    socklen_t len = sizeof src;
    bool ready = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
                 getsockname(fd, (struct sockaddr *)&src, &len) == 0 &&
                 memcmp(&src.sin6_addr, a, sizeof *a) == 0;
    if (fd >= 0)
        close(fd);
    return ready;
}

/* Adds (and waits until the kernel uses it) or removes an IPv6 address on lo. */
static void lo_addr6(const char *text, bool add)
{
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct lo_in6_ifreq r;
    memset(&r, 0, sizeof r);
    inet_pton(AF_INET6, text, &r.addr);
    r.prefixlen = 64;
    r.ifindex = (int)if_nametoindex("lo");
    if (fd < 0 || ioctl(fd, add ? SIOCSIFADDR : SIOCDIFADDR, &r) != 0)
        abort();
    close(fd);
    for (int i = 0; add && i < 200 && !addr6_ready(&r.addr); i++)
        usleep(5000);
}

TEST(changes_are_seen_after_the_interval)
{
    if (!enter_private_netns("changes_are_seen_after_the_interval"))
        return;
    struct gx_netwatch *w;
    struct gx_netstate *ns0, *ns1, *ns2, *ns3;
    struct gx_netwatch_stats ws;
    REQUIRE(gx_netwatch_new(GAIX_RELOAD_DEFAULT, &w) == GX_OK);
    REQUIRE(gx_netwatch_acquire(w, 1000, &ns0) == GX_OK);
    CHECK(!gx_netstate_has_ipv4(ns0));
    CHECK(!gx_netstate_has_ipv6(ns0));
    struct gx_addr d6 = v6("2001:db8:5::1", 0);
    struct gx_dest_info info;
    REQUIRE(gx_netstate_dest_info(ns0, &d6, 1, &info) == GX_OK);
    CHECK(!info.usable); /* no route yet; the answer is cached in ns0 */

    struct gx_addr lo2 = v4(127, 0, 0, 2);
    lo_alias4(1, &lo2, true); /* 127.0.0.2: IPv4 is now configured, for glibc's rule */
    REQUIRE(gx_netwatch_acquire(w, 1050, &ns1) == GX_OK);
    CHECK(ns1 == ns0); /* before the interval: not looked at */
    REQUIRE(gx_netwatch_acquire(w, 1100, &ns2) == GX_OK);
    CHECK(ns2 != ns0);
    CHECK(gx_netstate_has_ipv4(ns2));
    CHECK(!gx_netstate_has_ipv6(ns2));
    /* The old snapshot is untouched for whoever still holds it. */
    CHECK(!gx_netstate_has_ipv4(ns0));

    lo_addr6("2001:db8:5::1", true);
    REQUIRE(gx_netwatch_acquire(w, 1200, &ns3) == GX_OK);
    CHECK(gx_netstate_has_ipv6(ns3));
    /* The new snapshot forgot the old routes' answer. */
    REQUIRE(gx_netstate_dest_info(ns3, &d6, 1, &info) == GX_OK);
    CHECK(info.usable);
    CHECK_EQ_MEM(info.source.bytes, d6.bytes, 16);
    CHECK_EQ_INT(info.source_prefixlen, 64);
    CHECK_EQ_INT(info.source_ifindex, if_nametoindex("lo"));

    /* Nothing changes: a look, no build. An IPv6 address keeps the kernel talking for a moment
     * after it is added (its routes, the end of DAD run from a workqueue), so first let those
     * messages arrive: look until a look builds nothing, which must happen soon. */
    gx_netwatch_get_stats(w, &ws);
    CHECK_EQ_INT(ws.looks, 2);
    uint64_t now = 1300, builds = ws.netlink_builds;
    struct gx_netstate *ns4 = NULL;
    bool settled = false;
    for (int i = 0; i < 50 && !settled; i++, now += 100) {
        usleep(20000);
        gx_netstate_unref(ns4);
        REQUIRE(gx_netwatch_acquire(w, now, &ns4) == GX_OK);
        gx_netwatch_get_stats(w, &ws);
        settled = ws.netlink_builds == builds;
        builds = ws.netlink_builds;
    }
    CHECK(settled);
    struct gx_netstate *ns4b;
    REQUIRE(gx_netwatch_acquire(w, now, &ns4b) == GX_OK);
    CHECK(ns4b == ns4);
    CHECK(gx_netstate_has_ipv6(ns4));
    gx_netstate_unref(ns4b);

    lo_addr6("2001:db8:5::1", false);
    lo_alias4(1, &lo2, false);
    struct gx_netstate *ns5;
    REQUIRE(gx_netwatch_acquire(w, now + 100, &ns5) == GX_OK);
    CHECK(!gx_netstate_has_ipv4(ns5));
    CHECK(!gx_netstate_has_ipv6(ns5));
    gx_netstate_unref(ns0);
    gx_netstate_unref(ns1);
    gx_netstate_unref(ns2);
    gx_netstate_unref(ns3);
    gx_netstate_unref(ns4);
    gx_netstate_unref(ns5);
    gx_netwatch_free(w);
}

TEST(one_call_gives_each_destination_its_own_source)
{
    if (!enter_private_netns("one_call_gives_each_destination_its_own_source"))
        return;
    /* Linux keeps the source that a UDP socket's first connect() chose for every later one,
     * unless the socket is disconnected in between: this catches a reuse without it. */
    struct gx_addr ten = v4(10, 1, 0, 1);
    lo_alias4(2, &ten, true);
    lo_addr6("2001:db8:5::1", true);
    struct gx_netwatch *w;
    struct gx_netstate *ns;
    REQUIRE(gx_netwatch_new(GAIX_RELOAD_NEVER, &w) == GX_OK);
    REQUIRE(gx_netwatch_acquire(w, 0, &ns) == GX_OK);
    struct gx_addr dests[6] = {v4(127, 0, 0, 1),       ten,         v4(127, 0, 0, 5), v6("::1", 0),
                               v6("2001:db8:5::1", 0), v6("::1", 0)};
    struct gx_dest_info info[6];
    REQUIRE(gx_netstate_dest_info(ns, dests, 6, info) == GX_OK);
    for (int i = 0; i < 6; i++)
        CHECK(info[i].usable);
    CHECK_EQ_MEM(info[0].source.bytes, dests[0].bytes, 4);
    CHECK_EQ_MEM(info[1].source.bytes, ten.bytes, 4);
    CHECK_EQ_INT(info[1].source_prefixlen, 8); /* 10/8: a class A netmask */
    CHECK_EQ_MEM(info[2].source.bytes, dests[0].bytes, 4);
    CHECK_EQ_MEM(info[3].source.bytes, dests[3].bytes, 16);
    CHECK_EQ_INT(info[3].source_prefixlen, 128);
    CHECK_EQ_MEM(info[4].source.bytes, dests[4].bytes, 16);
    CHECK_EQ_INT(info[4].source_prefixlen, 64);
    CHECK_EQ_MEM(&info[5], &info[3], sizeof info[5]);
    struct gx_netstate_stats st;
    gx_netstate_get_stats(ns, &st);
    CHECK_EQ_INT(st.probes, 5); /* ::1 twice in one call: asked once */
    gx_netstate_unref(ns);
    gx_netwatch_free(w);
}

TEST(fork_child_uses_its_own_socket)
{
    if (!enter_private_netns("fork_child_uses_its_own_socket"))
        return;
    struct gx_netwatch *w;
    struct gx_netstate *ns;
    struct gx_netwatch_stats ws;
    REQUIRE(gx_netwatch_new(GAIX_RELOAD_EVERY_CALL, &w) == GX_OK);
    REQUIRE(gx_netwatch_acquire(w, 0, &ns) == GX_OK);
    CHECK(!gx_netstate_has_ipv4(ns));
    gx_netstate_unref(ns);

    fflush(NULL);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int bad = 0;
        /* The child builds its own snapshot over its own socket... */
        if (gx_netwatch_acquire(w, 1, &ns) != GX_OK)
            _exit(10);
        gx_netstate_unref(ns);
        gx_netwatch_get_stats(w, &ws);
        bad |= ws.netlink_builds != 2 || !ws.subscribed;
        /* ...so that the change it makes and reads leaves the parent's message in place. */
        struct gx_addr lo3 = v4(127, 0, 0, 3);
        lo_alias4(3, &lo3, true);
        if (gx_netwatch_acquire(w, 2, &ns) != GX_OK)
            _exit(11);
        bad |= !gx_netstate_has_ipv4(ns);
        gx_netstate_unref(ns);
        gx_netwatch_free(w);
        _exit(bad ? 12 : 0);
    }
    int status;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    REQUIRE(gx_netwatch_acquire(w, 3, &ns) == GX_OK);
    CHECK(gx_netstate_has_ipv4(ns));
    gx_netstate_unref(ns);
    gx_netwatch_get_stats(w, &ws);
    CHECK_EQ_INT(ws.netlink_builds, 2);
    gx_netwatch_free(w);
}

/* Many threads acquire and ask while the main thread changes addresses, so that snapshots are
 * swapped under them (a test for ASan and for the reference counts). */
struct stress_arg {
    struct gx_netwatch *w;
    int iterations;
    int errors;
};

static void *stress_thread(void *p)
{
    struct stress_arg *a = p;
    struct gx_addr dests[3] = {v4(127, 0, 0, 1), v4(127, 0, 0, 9), v6("2001:db8:7::1", 0)};
    for (int i = 0; i < a->iterations; i++) {
        struct gx_netstate *ns;
        struct gx_dest_info info[3];
        if (gx_netwatch_acquire(a->w, gx_now_ms(), &ns) != GX_OK) {
            a->errors++;
            continue;
        }
        if (gx_netstate_dest_info(ns, dests, 3, info) != GX_OK || !info[0].usable)
            a->errors++;
        gx_netstate_unref(ns);
    }
    return NULL;
}

TEST(threads_share_a_watcher_while_addresses_change)
{
    if (!enter_private_netns("threads_share_a_watcher_while_addresses_change"))
        return;
    struct gx_netwatch *w;
    REQUIRE(gx_netwatch_new(GAIX_RELOAD_EVERY_CALL, &w) == GX_OK);
    enum { THREADS = 4 };
    pthread_t t[THREADS];
    struct stress_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (struct stress_arg){w, 3000, 0};
        REQUIRE(pthread_create(&t[i], NULL, stress_thread, &args[i]) == 0);
    }
    struct gx_addr lo4 = v4(127, 0, 0, 4);
    for (int i = 0; i < 40; i++) {
        lo_alias4(4, &lo4, i % 2 == 0);
        usleep(1000);
    }
    lo_alias4(4, &lo4, true);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ_INT(args[i].errors, 0);
    }
    struct gx_netwatch_stats ws;
    gx_netwatch_get_stats(w, &ws);
    CHECK(ws.netlink_builds > 1);
    struct gx_netstate *ns;
    REQUIRE(gx_netwatch_acquire(w, gx_now_ms(), &ns) == GX_OK);
    CHECK(gx_netstate_has_ipv4(ns)); /* the last change is seen */
    gx_netstate_unref(ns);
    gx_netwatch_free(w);
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(families_follow_glibc_check_pf), CHECK_ENTRY(unknown_network_is_pessimistic),
        CHECK_ENTRY(sources_are_described_from_the_address_list),
        CHECK_ENTRY(getifaddrs_list_becomes_a_snapshot), CHECK_ENTRY(address_limit_is_a_status),
        CHECK_ENTRY(netlink_snapshot_agrees_with_getifaddrs),
        CHECK_ENTRY(loopback_destinations_are_probed),
        CHECK_ENTRY(steady_state_makes_no_system_call), CHECK_ENTRY(interval_decides_when_to_look),
        CHECK_ENTRY(cache_is_bounded_and_keeps_the_most_recent),
        CHECK_ENTRY(without_netlink_falls_back_once_per_interval),
        CHECK_ENTRY(changes_are_seen_after_the_interval),
        CHECK_ENTRY(one_call_gives_each_destination_its_own_source),
        CHECK_ENTRY(fork_child_uses_its_own_socket),
        CHECK_ENTRY(threads_share_a_watcher_while_addresses_change)));
}
