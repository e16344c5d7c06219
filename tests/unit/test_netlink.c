/*
 * net/netlink.c: the rtnetlink parser on hand-built buffers (each placed against a guard page,
 * so that a read past the end faults), the dump state machine over multipart replies, and one
 * real dump from the kernel.
 *
 * The buffers are written byte by byte by the small builder below, not with the kernel's NLMSG_*
 * and RTA_* macros, so the test and the parser do not share their arithmetic.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "core/status.h"
#include "net/netlink.h"

/* ---- a byte-level builder ------------------------------------------------------------------ */

struct nb {
    uint8_t b[8192];
    size_t len;
};

static void nb_put(struct nb *m, const void *data, size_t n)
{
    memcpy(m->b + m->len, data, n);
    m->len += n;
}

static void nb_u8(struct nb *m, uint8_t v)
{
    nb_put(m, &v, 1);
}

static void nb_u16(struct nb *m, uint16_t v)
{
    nb_put(m, &v, 2);
}

static void nb_u32(struct nb *m, uint32_t v)
{
    nb_put(m, &v, 4);
}

static void nb_pad(struct nb *m)
{
    while (m->len % 4)
        nb_u8(m, 0);
}

/* Starts a message; returns where its header is. */
static size_t nb_msg(struct nb *m, uint16_t type, uint16_t flags, uint32_t seq)
{
    size_t start = m->len;
    nb_u32(m, 0); /* nlmsg_len, set by nb_end */
    nb_u16(m, type);
    nb_u16(m, flags);
    nb_u32(m, seq);
    nb_u32(m, 4242); /* nlmsg_pid */
    return start;
}

/* Sets the message's length to what was written since start (padding included). */
static void nb_end(struct nb *m, size_t start)
{
    nb_pad(m);
    uint32_t len = (uint32_t)(m->len - start);
    memcpy(m->b + start, &len, 4);
}

static void nb_ifaddrmsg(struct nb *m, uint8_t family, uint8_t prefixlen, uint8_t flags,
                         uint32_t index)
{
    nb_u8(m, family);
    nb_u8(m, prefixlen);
    nb_u8(m, flags);
    nb_u8(m, 0); /* scope */
    nb_u32(m, index);
}

static void nb_ifinfomsg(struct nb *m, uint16_t type, int32_t index)
{
    nb_u8(m, AF_UNSPEC);
    nb_u8(m, 0);
    nb_u16(m, type);
    nb_put(m, &index, 4);
    nb_u32(m, 0x49); /* IFF_UP | IFF_LOOPBACK | IFF_RUNNING, not read */
    nb_u32(m, 0);
}

static void nb_attr(struct nb *m, uint16_t type, const void *data, size_t n)
{
    nb_u16(m, (uint16_t)(4 + n));
    nb_u16(m, type);
    nb_put(m, data, n);
    nb_pad(m);
}

/* Parses m under a guard page. */
static int parse(const struct nb *m, size_t len, struct gx_nl_msg *msg)
{
    uint8_t *g = check_guarded_copy(m->b, len);
    int r = gx_nl_parse(g, len, msg);
    check_guarded_free(g, len);
    return r;
}

static const uint8_t A4_LOCAL[4] = {10, 0, 0, 1};
static const uint8_t A4_PEER[4] = {10, 0, 0, 2};
static const uint8_t A6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* ---- RTM_NEWADDR ---------------------------------------------------------------------------- */

TEST(ipv4_address_prefers_ifa_local_in_either_order)
{
    for (int order = 0; order < 2; order++) {
        struct nb m = {.len = 0};
        size_t s = nb_msg(&m, RTM_NEWADDR, NLM_F_MULTI, 7);
        nb_ifaddrmsg(&m, AF_INET, 24, IFA_F_PERMANENT, 3);
        if (order == 0) {
            nb_attr(&m, IFA_ADDRESS, A4_PEER, 4);
            nb_attr(&m, IFA_LOCAL, A4_LOCAL, 4);
        } else {
            nb_attr(&m, IFA_LOCAL, A4_LOCAL, 4);
            nb_attr(&m, IFA_ADDRESS, A4_PEER, 4);
        }
        nb_attr(&m, IFA_LABEL, "eth0", 5);
        nb_end(&m, s);
        struct gx_nl_msg msg;
        CHECK_EQ_INT(parse(&m, m.len, &msg), m.len);
        CHECK_EQ_INT(msg.kind, GX_NL_ADDR);
        CHECK_EQ_INT(msg.seq, 7);
        CHECK_EQ_INT(msg.pid, 4242);
        CHECK_EQ_INT(msg.flags, NLM_F_MULTI);
        CHECK_EQ_INT(msg.addr.family, AF_INET);
        CHECK_EQ_INT(msg.addr.prefixlen, 24);
        CHECK_EQ_INT(msg.addr.ifindex, 3);
        CHECK_EQ_INT(msg.addr.flags, IFA_F_PERMANENT);
        CHECK_EQ_MEM(msg.addr.bytes, A4_LOCAL, 4);
        static const uint8_t zero[12];
        CHECK_EQ_MEM(msg.addr.bytes + 4, zero, 12);
    }
}

TEST(ipv6_address_without_local_uses_ifa_address)
{
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET6, 64, IFA_F_TEMPORARY, 2);
    nb_attr(&m, IFA_ADDRESS, A6, 16);
    nb_end(&m, s);
    struct gx_nl_msg msg;
    CHECK_EQ_INT(parse(&m, m.len, &msg), m.len);
    CHECK_EQ_INT(msg.kind, GX_NL_ADDR);
    CHECK_EQ_INT(msg.addr.family, AF_INET6);
    CHECK_EQ_INT(msg.addr.prefixlen, 64);
    CHECK_EQ_INT(msg.addr.flags, IFA_F_TEMPORARY);
    CHECK_EQ_MEM(msg.addr.bytes, A6, 16);
}

TEST(ifa_flags_attribute_replaces_the_8_bit_flags)
{
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET6, 64, IFA_F_PERMANENT, 2);
    nb_attr(&m, IFA_ADDRESS, A6, 16);
    uint32_t flags = IFA_F_DEPRECATED | IFA_F_MANAGETEMPADDR; /* 0x100 does not fit 8 bits */
    nb_attr(&m, IFA_FLAGS, &flags, 4);
    nb_end(&m, s);
    struct gx_nl_msg msg;
    CHECK_EQ_INT(parse(&m, m.len, &msg), m.len);
    CHECK_EQ_INT(msg.addr.flags, IFA_F_DEPRECATED | IFA_F_MANAGETEMPADDR);
}

TEST(unknown_and_flagged_attributes_are_skipped)
{
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET, 8, 0, 1);
    uint8_t junk[13] = {0xde, 0xad};
    nb_attr(&m, 0x7ff, junk, sizeof junk); /* unknown, odd length, padded */
    nb_attr(&m, IFA_CACHEINFO, junk, 0);   /* empty payload */
    static const uint8_t lo[4] = {127, 0, 0, 1};
    nb_attr(&m, IFA_LOCAL | NLA_F_NET_BYTEORDER, lo, 4); /* NLA_F_* bits are not the type */
    nb_attr(&m, 0xffff & ~NLA_TYPE_MASK, junk, 3);
    nb_end(&m, s);
    struct gx_nl_msg msg;
    CHECK_EQ_INT(parse(&m, m.len, &msg), m.len);
    CHECK_EQ_INT(msg.kind, GX_NL_ADDR);
    CHECK_EQ_MEM(msg.addr.bytes, lo, 4);
}

TEST(other_families_are_skipped_whole)
{
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_PACKET, 200, 0, 1); /* a prefix length no IP family allows */
    nb_attr(&m, IFA_ADDRESS, "xyz", 3);
    nb_end(&m, s);
    struct gx_nl_msg msg;
    CHECK_EQ_INT(parse(&m, m.len, &msg), m.len);
    CHECK_EQ_INT(msg.kind, GX_NL_OTHER);
    CHECK_EQ_INT(msg.type, RTM_NEWADDR);
}

/* An IPv4 address message whose first attribute, of the given type, claims alen bytes, over
 * `payload` bytes actually written; a valid IFA_LOCAL follows when `then_local`. */
static struct nb addr_with_attr_len(uint16_t type, uint16_t alen, size_t payload, bool then_local)
{
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET, 24, 0, 1);
    nb_u16(&m, alen);
    nb_u16(&m, type);
    for (size_t i = 0; i < payload; i++)
        nb_u8(&m, 10);
    if (then_local)
        nb_attr(&m, IFA_LOCAL, A4_LOCAL, 4);
    nb_end(&m, s);
    return m;
}

TEST(zero_length_attribute_is_malformed_not_a_loop)
{
    struct gx_nl_msg msg;
    /* An attribute whose type the parser skips: only the length check stops the walk (a
     * careless walk would step 0 bytes forever, and the test's time limit would say so). */
    struct nb m = addr_with_attr_len(IFA_LABEL, 0, 0, true);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
    m = addr_with_attr_len(IFA_LABEL, 3, 0, true); /* shorter than its own header */
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
    m = addr_with_attr_len(IFA_LOCAL, 0, 4, false);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
}

TEST(attribute_past_its_message_is_malformed)
{
    struct nb m = addr_with_attr_len(IFA_LOCAL, 4 + 4 + 4, 4, false); /* 4 bytes too many */
    struct gx_nl_msg msg;
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
    m = addr_with_attr_len(IFA_CACHEINFO, 0xffff, 4, false);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
    /* Two to three stray bytes after the last attribute: not even an attribute header. */
    m = addr_with_attr_len(IFA_LOCAL, 8, 4, false);
    nb_u16(&m, 0);
    uint32_t len = (uint32_t)m.len;
    memcpy(m.b, &len, 4);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
}

TEST(wrong_address_sizes_and_prefixes_are_malformed)
{
    struct gx_nl_msg msg;
    for (size_t n = 0; n <= 16; n++) {
        if (n == 4)
            continue;
        struct nb m = {.len = 0};
        size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
        nb_ifaddrmsg(&m, AF_INET, 24, 0, 1);
        nb_attr(&m, IFA_ADDRESS, A6, n);
        nb_end(&m, s);
        CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
    }
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET, 33, 0, 1);
    nb_attr(&m, IFA_ADDRESS, A4_LOCAL, 4);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
    m.len = 0;
    s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET6, 129, 0, 1);
    nb_attr(&m, IFA_ADDRESS, A6, 16);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
    m.len = 0; /* IFA_FLAGS must be a u32 */
    s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET6, 64, 0, 1);
    nb_attr(&m, IFA_ADDRESS, A6, 16);
    nb_attr(&m, IFA_FLAGS, A6, 2);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
}

TEST(address_message_without_address_is_malformed)
{
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET6, 64, 0, 1);
    nb_attr(&m, IFA_LABEL, "lo", 3);
    nb_end(&m, s);
    struct gx_nl_msg msg;
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
    /* No room for the ifaddrmsg at all. */
    m.len = 0;
    s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_u32(&m, 0);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
}

/* ---- headers and lengths ------------------------------------------------------------------ */

TEST(every_truncation_of_a_message_is_malformed)
{
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET6, 64, 0, 2);
    nb_attr(&m, IFA_ADDRESS, A6, 16);
    nb_attr(&m, IFA_CACHEINFO, A6, 16);
    nb_end(&m, s);
    struct gx_nl_msg msg;
    for (size_t len = 0; len < m.len; len++)
        CHECK_EQ_INT(parse(&m, len, &msg), GX_E_MALFORMED);
    CHECK_EQ_INT(parse(&m, m.len, &msg), m.len);
}

TEST(header_lengths_are_checked)
{
    struct gx_nl_msg msg;
    static const uint32_t lens[] = {0, 1, 15, 21, 0x7ffffffd, 0x80000000u, 0xffffffffu};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        struct nb m = {.len = 0};
        size_t s = nb_msg(&m, NLMSG_NOOP, 0, 1);
        nb_u32(&m, 0); /* 20 bytes present */
        nb_end(&m, s);
        memcpy(m.b, &lens[i], 4);
        CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
    }
    /* A 16-byte message of an unknown type is fine, and so is nlmsg_len = 17 at the end of the
     * buffer (the padding is missing, nothing is read past len). */
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, 0x1234, 0, 1);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), 16);
    CHECK_EQ_INT(msg.kind, GX_NL_OTHER);
    CHECK_EQ_INT(msg.type, 0x1234);
    nb_u8(&m, 0);
    uint32_t len = 17;
    memcpy(m.b, &len, 4);
    CHECK_EQ_INT(parse(&m, 17, &msg), 17);
}

TEST(unpadded_last_attribute_ends_the_message)
{
    /* IFA_LABEL "lo\0" is 7 bytes long; the message ends right after it, unpadded. */
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWADDR, 0, 1);
    nb_ifaddrmsg(&m, AF_INET, 8, 0, 1);
    nb_attr(&m, IFA_LOCAL, A4_LOCAL, 4);
    nb_u16(&m, 7);
    nb_u16(&m, IFA_LABEL);
    nb_put(&m, "lo", 3);
    uint32_t len = (uint32_t)(m.len - s);
    memcpy(m.b, &len, 4);
    struct gx_nl_msg msg;
    CHECK_EQ_INT(parse(&m, m.len, &msg), m.len);
    CHECK_EQ_INT(msg.kind, GX_NL_ADDR);
}

/* ---- RTM_NEWLINK, DONE, ERROR -------------------------------------------------------------- */

TEST(link_message_gives_index_and_type)
{
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, RTM_NEWLINK, NLM_F_MULTI, 9);
    nb_ifinfomsg(&m, ARPHRD_SIT, 7);
    nb_attr(&m, IFLA_IFNAME, "sit0", 5);
    uint32_t mtu = 1480;
    nb_attr(&m, IFLA_MTU, &mtu, 4);
    nb_end(&m, s);
    struct gx_nl_msg msg;
    CHECK_EQ_INT(parse(&m, m.len, &msg), m.len);
    CHECK_EQ_INT(msg.kind, GX_NL_LINK);
    CHECK_EQ_INT(msg.link.ifindex, 7);
    CHECK_EQ_INT(msg.link.type, ARPHRD_SIT);

    m.len = 0; /* a truncated ifinfomsg */
    s = nb_msg(&m, RTM_NEWLINK, 0, 9);
    nb_u32(&m, 0);
    nb_u32(&m, 0);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);

    m.len = 0; /* a bad attribute in a link message */
    s = nb_msg(&m, RTM_NEWLINK, 0, 9);
    nb_ifinfomsg(&m, ARPHRD_ETHER, 2);
    nb_u16(&m, 2);
    nb_u16(&m, IFLA_MTU);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
}

TEST(done_and_error_carry_the_kernel_status)
{
    struct nb m = {.len = 0};
    size_t s = nb_msg(&m, NLMSG_DONE, NLM_F_MULTI, 1);
    nb_u32(&m, 0);
    nb_end(&m, s);
    struct gx_nl_msg msg;
    CHECK_EQ_INT(parse(&m, m.len, &msg), 20);
    CHECK_EQ_INT(msg.kind, GX_NL_DONE);
    CHECK_EQ_INT(msg.error, 0);

    m.len = 0;
    s = nb_msg(&m, NLMSG_DONE, NLM_F_MULTI, 1);
    nb_u32(&m, (uint32_t)-EINTR);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), 20);
    CHECK_EQ_INT(msg.error, -EINTR);

    m.len = 0; /* an old kernel's DONE without a status */
    s = nb_msg(&m, NLMSG_DONE, NLM_F_MULTI, 1);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), 16);
    CHECK_EQ_INT(msg.kind, GX_NL_DONE);
    CHECK_EQ_INT(msg.error, 0);

    m.len = 0;
    s = nb_msg(&m, NLMSG_ERROR, 0, 1);
    nb_u32(&m, (uint32_t)-EPERM);
    nb_u32(&m, 24); /* the start of the offending request's header */
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), 24);
    CHECK_EQ_INT(msg.kind, GX_NL_ERROR);
    CHECK_EQ_INT(msg.error, -EPERM);

    m.len = 0;
    s = nb_msg(&m, NLMSG_ERROR, 0, 1);
    nb_end(&m, s);
    CHECK_EQ_INT(parse(&m, m.len, &msg), GX_E_MALFORMED);
}

/* ---- dumps: several messages, several datagrams --------------------------------------------- */

struct collected {
    struct gx_nl_addr addrs[16];
    size_t n_addrs;
    struct gx_nl_link links[16];
    size_t n_links;
    int fail_after; /* the sink refuses the record after this many; -1 never */
};

static int collect_addr(void *arg, const struct gx_nl_addr *a)
{
    struct collected *c = arg;
    if (c->fail_after >= 0 && (int)(c->n_addrs + c->n_links) >= c->fail_after)
        return GX_E_LIMIT;
    if (c->n_addrs < 16)
        c->addrs[c->n_addrs++] = *a;
    return GX_OK;
}

static int collect_link(void *arg, const struct gx_nl_link *k)
{
    struct collected *c = arg;
    if (c->fail_after >= 0 && (int)(c->n_addrs + c->n_links) >= c->fail_after)
        return GX_E_LIMIT;
    if (c->n_links < 16)
        c->links[c->n_links++] = *k;
    return GX_OK;
}

static void add_addr4(struct nb *m, uint32_t seq, uint8_t last, uint16_t flags)
{
    size_t s = nb_msg(m, RTM_NEWADDR, (uint16_t)(NLM_F_MULTI | flags), seq);
    nb_ifaddrmsg(m, AF_INET, 24, 0, 2);
    uint8_t a[4] = {192, 0, 2, last};
    nb_attr(m, IFA_LOCAL, a, 4);
    nb_end(m, s);
}

static void add_done(struct nb *m, uint32_t seq, int32_t status)
{
    size_t s = nb_msg(m, NLMSG_DONE, NLM_F_MULTI, seq);
    nb_put(m, &status, 4);
    nb_end(m, s);
}

static int feed(const struct nb *m, struct gx_nl_dump_state *st, struct collected *c)
{
    const struct gx_nl_sink sink = {collect_addr, collect_link, c};
    uint8_t *g = check_guarded_copy(m->b, m->len);
    int r = gx_nl_dump_feed(g, m->len, st, &sink);
    check_guarded_free(g, m->len);
    return r;
}

TEST(multipart_dump_spans_datagrams)
{
    struct collected c = {.fail_after = -1};
    struct gx_nl_dump_state st = {.seq = 77};
    struct nb d1 = {.len = 0}, d2 = {.len = 0};
    add_addr4(&d1, 77, 1, 0);
    add_addr4(&d1, 76, 9, 0); /* a stray reply to an earlier request: ignored */
    add_addr4(&d1, 77, 2, 0);
    size_t s = nb_msg(&d2, RTM_NEWLINK, NLM_F_MULTI, 77);
    nb_ifinfomsg(&d2, ARPHRD_LOOPBACK, 1);
    nb_end(&d2, s);
    add_addr4(&d2, 77, 3, 0);
    add_done(&d2, 77, 0);
    add_addr4(&d2, 77, 4, 0); /* after DONE: not read */

    CHECK_EQ_INT(feed(&d1, &st, &c), 0);
    CHECK_EQ_INT(c.n_addrs, 2);
    CHECK_EQ_INT(feed(&d2, &st, &c), 1);
    REQUIRE(c.n_addrs == 3);
    CHECK_EQ_INT(c.addrs[0].bytes[3], 1);
    CHECK_EQ_INT(c.addrs[1].bytes[3], 2);
    CHECK_EQ_INT(c.addrs[2].bytes[3], 3);
    REQUIRE(c.n_links == 1);
    CHECK_EQ_INT(c.links[0].type, ARPHRD_LOOPBACK);
    CHECK(!st.interrupted);
    CHECK_EQ_INT(st.kernel_error, 0);
}

TEST(dump_reports_interruption_and_kernel_errors)
{
    struct collected c = {.fail_after = -1};
    struct gx_nl_dump_state st = {.seq = 5};
    struct nb d = {.len = 0};
    add_addr4(&d, 5, 1, NLM_F_DUMP_INTR);
    add_done(&d, 5, 0);
    CHECK_EQ_INT(feed(&d, &st, &c), 1);
    CHECK(st.interrupted);

    memset(&st, 0, sizeof st);
    st.seq = 5;
    d.len = 0;
    add_addr4(&d, 5, 1, 0);
    add_done(&d, 5, -EBUSY);
    CHECK_EQ_INT(feed(&d, &st, &c), GX_E_FAIL);
    CHECK_EQ_INT(st.kernel_error, -EBUSY);

    memset(&st, 0, sizeof st);
    st.seq = 5;
    d.len = 0;
    size_t s = nb_msg(&d, NLMSG_ERROR, 0, 5);
    nb_u32(&d, (uint32_t)-EOPNOTSUPP);
    nb_end(&d, s);
    CHECK_EQ_INT(feed(&d, &st, &c), GX_E_FAIL);
    CHECK_EQ_INT(st.kernel_error, -EOPNOTSUPP);
}

TEST(dump_stops_on_malformed_message_or_sink_refusal)
{
    struct collected c = {.fail_after = -1};
    struct gx_nl_dump_state st = {.seq = 5};
    struct nb d = {.len = 0};
    add_addr4(&d, 5, 1, 0);
    size_t bad = d.len;
    add_addr4(&d, 5, 2, 0);
    add_done(&d, 5, 0);
    uint32_t huge = 4096;
    memcpy(d.b + bad, &huge, 4); /* the second message claims more bytes than there are */
    CHECK_EQ_INT(feed(&d, &st, &c), GX_E_MALFORMED);

    struct collected refuse = {.fail_after = 1};
    memset(&st, 0, sizeof st);
    st.seq = 5;
    d.len = 0;
    add_addr4(&d, 5, 1, 0);
    add_addr4(&d, 5, 2, 0);
    add_done(&d, 5, 0);
    CHECK_EQ_INT(feed(&d, &st, &refuse), GX_E_LIMIT);
    CHECK_EQ_INT(refuse.n_addrs, 1);
}

/* ---- the kernel ------------------------------------------------------------------------------ */

TEST(real_dump_lists_loopback)
{
    int fd = gx_nl_open(0);
    REQUIRE(fd >= 0);
    static uint8_t buf[GX_NETLINK_DUMP_BUF];
    struct collected c = {.fail_after = -1};
    const struct gx_nl_sink sink = {collect_addr, collect_link, &c};
    struct gx_nl_dump_state st;
    CHECK_EQ_INT(gx_nl_dump(fd, RTM_GETLINK, 100, buf, sizeof buf, &st, &sink), GX_OK);
    CHECK_EQ_INT(gx_nl_dump(fd, RTM_GETADDR, 101, buf, sizeof buf, &st, &sink), GX_OK);
    bool lo_link = false, lo_addr = false;
    for (size_t i = 0; i < c.n_links; i++)
        if (c.links[i].ifindex == 1 && c.links[i].type == ARPHRD_LOOPBACK)
            lo_link = true;
    static const uint8_t lo[4] = {127, 0, 0, 1};
    for (size_t i = 0; i < c.n_addrs; i++)
        if (c.addrs[i].family == AF_INET && memcmp(c.addrs[i].bytes, lo, 4) == 0 &&
            c.addrs[i].prefixlen == 8 && c.addrs[i].ifindex == 1)
            lo_addr = true;
    CHECK(lo_link);
    CHECK(lo_addr);
    /* A buffer too small for a datagram is a limit, never a silently cut dump. */
    CHECK_EQ_INT(gx_nl_dump(fd, RTM_GETLINK, 102, buf, 64, &st, &sink), GX_E_LIMIT);
    close(fd);
}

/* Every cut of a real kernel datagram, against a guard page: the parser never reads past the
 * cut, and the first message is either whole or refused. */
TEST(real_datagram_cut_anywhere)
{
    int fd = gx_nl_open(0);
    REQUIRE(fd >= 0);
    uint8_t req[32];
    memset(req, 0, sizeof req);
    uint32_t len = 32;
    uint16_t type = RTM_GETLINK, flags = NLM_F_REQUEST | NLM_F_DUMP;
    memcpy(req, &len, 4);
    memcpy(req + 4, &type, 2);
    memcpy(req + 6, &flags, 2);
    struct sockaddr_nl k = {.nl_family = AF_NETLINK};
    REQUIRE(sendto(fd, req, sizeof req, 0, (struct sockaddr *)&k, sizeof k) == 32);
    static uint8_t buf[GX_NETLINK_DUMP_BUF];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    close(fd);
    REQUIRE(n > 16);
    struct gx_nl_msg msg;
    uint32_t first;
    memcpy(&first, buf, 4);
    for (size_t cut = 0; cut <= (size_t)n; cut++) {
        uint8_t *g = check_guarded_copy(buf, cut);
        int r = gx_nl_parse(g, cut, &msg);
        check_guarded_free(g, cut);
        if (cut < first)
            CHECK_EQ_INT(r, GX_E_MALFORMED);
        else
            CHECK(r > 0 && (size_t)r <= cut);
    }
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(ipv4_address_prefers_ifa_local_in_either_order),
                                 CHECK_ENTRY(ipv6_address_without_local_uses_ifa_address),
                                 CHECK_ENTRY(ifa_flags_attribute_replaces_the_8_bit_flags),
                                 CHECK_ENTRY(unknown_and_flagged_attributes_are_skipped),
                                 CHECK_ENTRY(other_families_are_skipped_whole),
                                 CHECK_ENTRY(zero_length_attribute_is_malformed_not_a_loop),
                                 CHECK_ENTRY(attribute_past_its_message_is_malformed),
                                 CHECK_ENTRY(wrong_address_sizes_and_prefixes_are_malformed),
                                 CHECK_ENTRY(address_message_without_address_is_malformed),
                                 CHECK_ENTRY(every_truncation_of_a_message_is_malformed),
                                 CHECK_ENTRY(header_lengths_are_checked),
                                 CHECK_ENTRY(unpadded_last_attribute_ends_the_message),
                                 CHECK_ENTRY(link_message_gives_index_and_type),
                                 CHECK_ENTRY(done_and_error_carry_the_kernel_status),
                                 CHECK_ENTRY(multipart_dump_spans_datagrams),
                                 CHECK_ENTRY(dump_reports_interruption_and_kernel_errors),
                                 CHECK_ENTRY(dump_stops_on_malformed_message_or_sink_refusal),
                                 CHECK_ENTRY(real_dump_lists_loopback),
                                 CHECK_ENTRY(real_datagram_cut_anywhere)));
}
