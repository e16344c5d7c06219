/*
 * rtnetlink parsing and dump requests (see netlink.h).
 *
 * The kernel's NLMSG_OK / RTA_OK macros are not used: they cast the buffer to structs (which a
 * fuzzer's unaligned input does not allow) and their arithmetic on int lengths is easy to get
 * wrong. The same checks are written out below over byte offsets: a message's length covers at
 * least its header and at most the bytes present; an attribute's length covers at least its own
 * 4-byte header and at most what is left of its message; padding to 4 bytes may be missing after
 * the last message or attribute, never in the middle.
 */
#include "net/netlink.h"

#include <errno.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/status.h"

/* Fixed sizes of the kernel's structs, as laid out on the wire (linux/netlink.h,
 * linux/if_addr.h, linux/rtnetlink.h). */
#define NL_HDR_LEN 16   /* struct nlmsghdr: len u32, type u16, flags u16, seq u32, pid u32 */
#define NL_IFADDR_LEN 8 /* struct ifaddrmsg: family, prefixlen, flags, scope u8; index u32 */
#define NL_IFINFO_LEN                                                                              \
    16                    /* struct ifinfomsg: family u8, pad u8, type u16, index i32,             \
                           * flags u32, change u32 */
#define NL_ATTR_HDR_LEN 4 /* struct rtattr: len u16, type u16 */
#define NL_RTMSG_LEN 12   /* struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, \
                           * type u8; flags u32 */
#define NL_ERRNO_LEN 4    /* the int that starts an NLMSG_ERROR or NLMSG_DONE payload */

/* NLMSG_ALIGN / RTA_ALIGN: everything is padded to 4 bytes. Callers keep n far below SIZE_MAX. */
static size_t nl_align(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

static uint16_t nl_read16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint32_t nl_read32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Walks the attributes of one message body, p[0..len). */
struct nl_attr_iter {
    const uint8_t *p;
    size_t len;
    size_t off;
};

/* 1 and the next attribute (type without the NLA_F_* bits); 0 at the end; GX_E_MALFORMED. */
static int nl_attr_next(struct nl_attr_iter *it, uint16_t *type, const uint8_t **payload,
                        size_t *payload_len)
{
    if (it->off >= it->len)
        return 0;
    size_t left = it->len - it->off;
    if (left < NL_ATTR_HDR_LEN)
        return GX_E_MALFORMED;
    const uint8_t *a = it->p + it->off;
    size_t alen = nl_read16(a);
    /* A length below the header's own would never advance (a zero-length attribute loops
     * forever in careless parsers); one past the message reads bytes that are not its own. */
    if (alen < NL_ATTR_HDR_LEN || alen > left)
        return GX_E_MALFORMED;
    *type = (uint16_t)(nl_read16(a + 2) & NLA_TYPE_MASK);
    *payload = a + NL_ATTR_HDR_LEN;
    *payload_len = alen - NL_ATTR_HDR_LEN;
    /* The padding of the last attribute may be missing: then off passes len and the walk ends. */
    it->off += nl_align(alen);
    return 1;
}

static size_t nl_family_addr_len(uint8_t family)
{
    return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* RTM_NEWADDR body (struct ifaddrmsg and attributes). */
static int nl_parse_addr(const uint8_t *body, size_t len, struct gx_nl_msg *msg)
{
    if (len < NL_IFADDR_LEN)
        return GX_E_MALFORMED;
    uint8_t family = body[0];
    size_t alen = nl_family_addr_len(family);
    if (alen == 0) {
        /* Another family (MPLS, DECnet, ...): AI_ADDRCONFIG and the sort never ask about it. */
        msg->kind = GX_NL_OTHER;
        return GX_OK;
    }
    struct gx_nl_addr *a = &msg->addr;
    a->family = family;
    a->prefixlen = body[1];
    a->flags = body[2];
    a->ifindex = nl_read32(body + 4);
    if (a->prefixlen > alen * 8)
        return GX_E_MALFORMED;

    /* glibc's getifaddrs() reports IFA_LOCAL when present: on a point-to-point link IFA_ADDRESS
     * is the peer's address, while IFA_LOCAL is this host's. (glibc's __check_pf takes
     * IFA_ADDRESS; the two differ only on point-to-point links.) */
    bool have_local = false, have_address = false;
    uint8_t local[16], address[16];
    struct nl_attr_iter it = {body, len, NL_IFADDR_LEN};
    uint16_t type;
    const uint8_t *payload;
    size_t plen;
    int r;
    while ((r = nl_attr_next(&it, &type, &payload, &plen)) > 0) {
        switch (type) {
        case IFA_ADDRESS:
        case IFA_LOCAL:
            if (plen != alen)
                return GX_E_MALFORMED;
            memcpy(type == IFA_LOCAL ? local : address, payload, alen);
            if (type == IFA_LOCAL)
                have_local = true;
            else
                have_address = true;
            break;
        case IFA_FLAGS:
            /* The 32-bit flags: ifa_flags holds only the low 8 of them. */
            if (plen != 4)
                return GX_E_MALFORMED;
            a->flags = nl_read32(payload);
            break;
        default:
            break;
        }
    }
    if (r < 0)
        return r;
    if (!have_local && !have_address)
        return GX_E_MALFORMED;
    memset(a->bytes, 0, sizeof a->bytes);
    memcpy(a->bytes, have_local ? local : address, alen);
    msg->kind = GX_NL_ADDR;
    return GX_OK;
}

/* RTM_NEWLINK body (struct ifinfomsg and attributes). Only the fixed part is read, but the
 * attributes are still checked, so that no message is taken whole unless it is whole. */
static int nl_parse_link(const uint8_t *body, size_t len, struct gx_nl_msg *msg)
{
    if (len < NL_IFINFO_LEN)
        return GX_E_MALFORMED;
    msg->link.type = nl_read16(body + 2);
    msg->link.ifindex = nl_read32(body + 4);
    struct nl_attr_iter it = {body, len, NL_IFINFO_LEN};
    uint16_t type;
    const uint8_t *payload;
    size_t plen;
    int r;
    while ((r = nl_attr_next(&it, &type, &payload, &plen)) > 0)
        ;
    if (r < 0)
        return r;
    msg->kind = GX_NL_LINK;
    return GX_OK;
}

/* RTM_NEWROUTE body (struct rtmsg and attributes). */
static int nl_parse_route(const uint8_t *body, size_t len, struct gx_nl_msg *msg)
{
    if (len < NL_RTMSG_LEN)
        return GX_E_MALFORMED;
    uint8_t family = body[0];
    size_t alen = nl_family_addr_len(family);
    if (alen == 0) {
        msg->kind = GX_NL_OTHER;
        return GX_OK;
    }
    struct gx_nl_route *rt = &msg->route;
    rt->family = family;
    rt->type = body[7];
    struct nl_attr_iter it = {body, len, NL_RTMSG_LEN};
    uint16_t type;
    const uint8_t *payload;
    size_t plen;
    int r;
    while ((r = nl_attr_next(&it, &type, &payload, &plen)) > 0) {
        if (type == RTA_PREFSRC) {
            if (plen != alen)
                return GX_E_MALFORMED;
            memcpy(rt->prefsrc, payload, alen);
            rt->has_prefsrc = true;
        } else if (type == RTA_OIF) {
            if (plen != 4)
                return GX_E_MALFORMED;
            rt->oif = nl_read32(payload);
        }
    }
    if (r < 0)
        return r;
    msg->kind = GX_NL_ROUTE;
    return GX_OK;
}

int gx_nl_parse(const uint8_t *p, size_t len, struct gx_nl_msg *msg)
{
    memset(msg, 0, sizeof *msg);
    if (len < NL_HDR_LEN)
        return GX_E_MALFORMED;
    uint32_t mlen = nl_read32(p);
    /* The upper bound keeps the padded length representable in the int we return. */
    if (mlen < NL_HDR_LEN || mlen > len || mlen > (uint32_t)INT_MAX - 3u)
        return GX_E_MALFORMED;
    msg->type = nl_read16(p + 4);
    msg->flags = nl_read16(p + 6);
    msg->seq = nl_read32(p + 8);
    msg->pid = nl_read32(p + 12);
    const uint8_t *body = p + NL_HDR_LEN;
    size_t body_len = mlen - NL_HDR_LEN;

    int r = GX_OK;
    switch (msg->type) {
    case NLMSG_DONE:
        /* Since Linux 2.6 a dump's DONE carries its status; very old kernels sent none. */
        msg->kind = GX_NL_DONE;
        if (body_len >= NL_ERRNO_LEN)
            msg->error = (int32_t)nl_read32(body);
        break;
    case NLMSG_ERROR:
        if (body_len < NL_ERRNO_LEN)
            return GX_E_MALFORMED;
        msg->kind = GX_NL_ERROR;
        msg->error = (int32_t)nl_read32(body);
        break;
    case RTM_NEWADDR:
        r = nl_parse_addr(body, body_len, msg);
        break;
    case RTM_NEWLINK:
        r = nl_parse_link(body, body_len, msg);
        break;
    case RTM_NEWROUTE:
        r = nl_parse_route(body, body_len, msg);
        break;
    default:
        msg->kind = GX_NL_OTHER;
        break;
    }
    if (r < 0) {
        memset(msg, 0, sizeof *msg);
        return r;
    }
    size_t used = nl_align(mlen);
    if (used > len)
        used = len; /* the last message's padding may be missing */
    return (int)used;
}

int gx_nl_dump_feed(const uint8_t *p, size_t len, struct gx_nl_dump_state *st,
                    const struct gx_nl_sink *sink)
{
    while (len > 0) {
        struct gx_nl_msg msg;
        int used = gx_nl_parse(p, len, &msg);
        if (used < 0)
            return used;
        p += used;
        len -= (size_t)used;
        /* Another sequence number: a reply to an earlier request, abandoned half-way. */
        if (msg.seq != st->seq)
            continue;
        if (msg.flags & NLM_F_DUMP_INTR)
            st->interrupted = true;
        int r = GX_OK;
        switch (msg.kind) {
        case GX_NL_ADDR:
            if (sink->addr)
                r = sink->addr(sink->arg, &msg.addr);
            break;
        case GX_NL_LINK:
            if (sink->link)
                r = sink->link(sink->arg, &msg.link);
            break;
        case GX_NL_DONE:
            if (msg.error < 0) {
                st->kernel_error = msg.error;
                return GX_E_FAIL;
            }
            return 1;
        case GX_NL_ERROR:
            /* An acknowledgement (status 0) is no failure; a dump is not acknowledged, but
             * NLM_F_ACK semantics allow one. */
            if (msg.error != 0) {
                st->kernel_error = msg.error < 0 ? msg.error : -EPROTO;
                return GX_E_FAIL;
            }
            break;
        case GX_NL_ROUTE:
        case GX_NL_OTHER:
            break;
        }
        if (r < 0)
            return r;
    }
    return 0;
}

int gx_nl_open(uint32_t groups)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0)
        return GX_E_SYSTEM;
    if (groups != 0) {
        struct sockaddr_nl sa;
        memset(&sa, 0, sizeof sa);
        sa.nl_family = AF_NETLINK;
        sa.nl_groups = groups;
        if (bind(fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
            int saved = errno;
            close(fd);
            errno = saved;
            return GX_E_SYSTEM;
        }
    }
    return fd;
}

int gx_nl_dump(int fd, uint16_t type, uint32_t seq, uint8_t *buf, size_t buf_len,
               struct gx_nl_dump_state *st, const struct gx_nl_sink *sink)
{
    memset(st, 0, sizeof *st);
    st->seq = seq;

    /* The request: a header and a zeroed family header (ifinfomsg for links, ifaddrmsg for
     * addresses), family AF_UNSPEC = every family. Kernels with strict checking
     * (NETLINK_GET_STRICT_CHK) require exactly these structs; older ones read the first byte. */
    uint8_t req[NL_HDR_LEN + NL_IFINFO_LEN];
    memset(req, 0, sizeof req);
    uint32_t req_len = NL_HDR_LEN + (type == RTM_GETLINK ? NL_IFINFO_LEN : NL_IFADDR_LEN);
    uint16_t flags = NLM_F_REQUEST | NLM_F_DUMP;
    memcpy(req, &req_len, 4);
    memcpy(req + 4, &type, 2);
    memcpy(req + 6, &flags, 2);
    memcpy(req + 8, &seq, 4);

    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    ssize_t sent;
    do {
        sent = sendto(fd, req, req_len, 0, (const struct sockaddr *)&kernel, sizeof kernel);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0)
        return GX_E_SYSTEM;
    if ((size_t)sent != req_len) {
        errno = EIO;
        return GX_E_SYSTEM;
    }

    for (;;) {
        struct sockaddr_nl from;
        struct iovec iov = {buf, buf_len};
        struct msghdr mh;
        memset(&mh, 0, sizeof mh);
        mh.msg_name = &from;
        mh.msg_namelen = sizeof from;
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return GX_E_AGAIN;
            return GX_E_SYSTEM;
        }
        /* A datagram larger than buf would be cut: the caller's buffer breaks the rule of
         * GX_NETLINK_DUMP_BUF, and a cut dump is a wrong dump. */
        if (mh.msg_flags & MSG_TRUNC)
            return GX_E_LIMIT;
        if (n == 0) {
            errno = EPROTO;
            return GX_E_SYSTEM;
        }
        /* Only the kernel (port 0) answers dumps; anything else is another process's. */
        if (mh.msg_namelen < sizeof from || from.nl_pid != 0)
            continue;
        int r = gx_nl_dump_feed(buf, (size_t)n, st, sink);
        if (r < 0)
            return r;
        if (r == 1)
            return GX_OK;
    }
}

/* Appends one attribute (header and payload, padded) at buf + off; returns the new offset. */
static size_t nl_put_attr(uint8_t *buf, size_t off, uint16_t type, const void *payload,
                          uint16_t plen)
{
    uint16_t alen = (uint16_t)(NL_ATTR_HDR_LEN + plen);
    memcpy(buf + off, &alen, 2);
    memcpy(buf + off + 2, &type, 2);
    memcpy(buf + off + NL_ATTR_HDR_LEN, payload, plen);
    return off + nl_align(alen);
}

size_t gx_nl_route_request(uint8_t *buf, uint32_t seq, uint8_t family, const uint8_t *bytes,
                           uint32_t oif)
{
    uint16_t alen = family == AF_INET ? 4 : 16;
    memset(buf, 0, GX_NL_ROUTE_REQUEST_MAX);
    buf[NL_HDR_LEN] = family;                     /* rtm_family */
    buf[NL_HDR_LEN + 1] = (uint8_t)(alen * 8);    /* rtm_dst_len: a host route */
    size_t off = nl_put_attr(buf, NL_HDR_LEN + NL_RTMSG_LEN, RTA_DST, bytes, alen);
    if (oif != 0)
        off = nl_put_attr(buf, off, RTA_OIF, &oif, 4);
    uint32_t len32 = (uint32_t)off;
    uint16_t type = RTM_GETROUTE, flags = NLM_F_REQUEST;
    memcpy(buf, &len32, 4);
    memcpy(buf + 4, &type, 2);
    memcpy(buf + 6, &flags, 2);
    memcpy(buf + 8, &seq, 4);
    return off;
}
