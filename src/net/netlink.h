/*
 * rtnetlink, the kernel's answer to "which addresses and links does this host have?".
 *
 * Two layers. The parsers are pure functions over (ptr, len): they read a buffer of netlink
 * messages as the kernel writes them (host byte order, each message and attribute padded to 4
 * bytes), check every length against the bytes actually present, and fill caller-provided records.
 * They do no I/O and no allocation, so the fuzz target tests/fuzz/fuzz_netlink.c drives them
 * directly. The one I/O function, gx_nl_dump(), sends a dump request and feeds each reply
 * datagram to the parser.
 *
 * Only what net/netstate.c needs is decoded: an address's family, bytes, prefix length, IFA_F_*
 * flags and interface index (RTM_NEWADDR), a link's index and ARPHRD_* type (RTM_NEWLINK), and
 * a route's type, preferred source and output interface (RTM_NEWROUTE, the kernel's answer to
 * the route question net/route_probe.c asks). Other attributes are skipped, after their lengths
 * are checked.
 */
#ifndef GX_NETLINK_H
#define GX_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One interface address (RTM_NEWADDR). */
struct gx_nl_addr {
    uint8_t bytes[16]; /* IFA_LOCAL when present, else IFA_ADDRESS; IPv4 in the first four */
    uint32_t ifindex;  /* ifa_index */
    uint32_t flags;    /* IFA_F_*: the IFA_FLAGS attribute when present, else ifa_flags */
    uint8_t family;    /* AF_INET or AF_INET6 */
    uint8_t prefixlen; /* ifa_prefixlen */
};

/* One link (RTM_NEWLINK). */
struct gx_nl_link {
    uint32_t ifindex; /* ifi_index */
    uint16_t type;    /* ifi_type, ARPHRD_* */
};

/* One route (RTM_NEWROUTE), as the kernel answers "which route does this destination take?". */
struct gx_nl_route {
    uint8_t prefsrc[16]; /* RTA_PREFSRC: the source address the kernel picks; IPv4 in 4 bytes */
    uint32_t oif;        /* RTA_OIF: the output interface, 0 when absent */
    uint8_t family;      /* AF_INET or AF_INET6 */
    uint8_t type;        /* rtm_type: RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE, ... */
    bool has_prefsrc;
};

enum gx_nl_kind {
    GX_NL_OTHER = 0, /* a message of another type or address family: skip it */
    GX_NL_ADDR,      /* RTM_NEWADDR of AF_INET or AF_INET6: msg.addr is filled */
    GX_NL_LINK,      /* RTM_NEWLINK: msg.link is filled */
    GX_NL_ROUTE,     /* RTM_NEWROUTE of AF_INET or AF_INET6: msg.route is filled */
    GX_NL_DONE,      /* NLMSG_DONE, the end of a dump: msg.error is its status */
    GX_NL_ERROR,     /* NLMSG_ERROR: msg.error is the kernel's status (0 is an acknowledgement) */
};

/* One message, as gx_nl_parse() found it. */
struct gx_nl_msg {
    enum gx_nl_kind kind;
    uint16_t type;  /* nlmsg_type */
    uint16_t flags; /* nlmsg_flags: NLM_F_MULTI, NLM_F_DUMP_INTR, ... */
    uint32_t seq;   /* nlmsg_seq */
    uint32_t pid;   /* nlmsg_pid */
    int32_t error;  /* DONE and ERROR: 0 or a negative errno, exactly as the kernel wrote it */
    struct gx_nl_addr addr;
    struct gx_nl_link link;
    struct gx_nl_route route;
};

/* The smallest buffer that holds any datagram of a dump: the kernel never builds a dump
 * datagram larger than 32 KiB (netlink_recvmsg caps max_recvmsg_len at 32768, and a dump skb is
 * at most that or one page). A datagram that would not fit is reported as MSG_TRUNC, an error. */
#define GX_NETLINK_DUMP_BUF 32768

/*
 * Parses the message at the start of p[0..len). Returns the bytes it takes, padding included
 * (> 0, at most len), so the next message starts there; or GX_E_MALFORMED when the header or any
 * length inside the message disagrees with the bytes present (a header shorter than 16 bytes, a
 * nlmsg_len past the end, an attribute shorter than its own header or running past its message,
 * an address of the wrong size, an address message without an address). A malformed message is
 * never half-read: the caller should drop the whole buffer, since nothing says where the next
 * message would start.
 */
int gx_nl_parse(const uint8_t *p, size_t len, struct gx_nl_msg *msg);

/* Where gx_nl_dump_feed() delivers records. Either callback may be NULL; a negative return
 * stops the dump with that status. */
struct gx_nl_sink {
    int (*addr)(void *arg, const struct gx_nl_addr *addr);
    int (*link)(void *arg, const struct gx_nl_link *link);
    void *arg;
};

/* The state of one dump across the datagrams of its reply. */
struct gx_nl_dump_state {
    /* The request's nlmsg_seq: messages with another one are ignored. */
    uint32_t seq;
    /* A message carried NLM_F_DUMP_INTR: the kernel's list changed while it was being dumped,
     * so the result may be inconsistent. */
    bool interrupted;
    /* The negative errno of an NLMSG_ERROR or NLMSG_DONE that ended the dump with a failure,
     * else 0. */
    int32_t kernel_error;
};

/*
 * Feeds one reply datagram p[0..len) of a dump. Returns 1 when NLMSG_DONE ended the dump, 0 when
 * more datagrams are to come, GX_E_MALFORMED for a malformed datagram, GX_E_FAIL when the kernel
 * reported an error (st->kernel_error says which), or a sink's negative status. Pure: no I/O.
 */
int gx_nl_dump_feed(const uint8_t *p, size_t len, struct gx_nl_dump_state *st,
                    const struct gx_nl_sink *sink);

/*
 * A NETLINK_ROUTE socket, nonblocking and close-on-exec, subscribed to `groups` (RTMGRP_* bits;
 * 0 for none, for a socket that only asks for dumps). The descriptor, or GX_E_SYSTEM with errno
 * set (EPERM or EAFNOSUPPORT where netlink is not allowed or not built).
 */
int gx_nl_open(uint32_t groups);

/*
 * Asks for a dump of `type` (RTM_GETADDR or RTM_GETLINK, all families) on fd, a NETLINK_ROUTE
 * socket of the caller's that is subscribed to no group, and feeds the reply to sink. buf is
 * scratch space of buf_len >= GX_NETLINK_DUMP_BUF bytes. The kernel writes the next part of a dump
 * while the previous one is read, so a nonblocking socket never waits; should it ever be empty
 * before NLMSG_DONE, the dump fails with GX_E_AGAIN rather than block.
 * GX_OK; GX_E_SYSTEM (errno set) when a system call fails; or a status of gx_nl_dump_feed().
 */
int gx_nl_dump(int fd, uint16_t type, uint32_t seq, uint8_t *buf, size_t buf_len,
               struct gx_nl_dump_state *st, const struct gx_nl_sink *sink);

/* The longest route question gx_nl_route_request() writes (header, rtmsg, RTA_DST of an IPv6
 * address, RTA_OIF). */
#define GX_NL_ROUTE_REQUEST_MAX 56

/*
 * Writes into buf (at least GX_NL_ROUTE_REQUEST_MAX bytes) the RTM_GETROUTE request "which route,
 * and which source, for this destination?" that `ip route get` sends: family AF_INET (bytes[0..4))
 * or AF_INET6 (bytes[0..16)), output interface oif when not 0 (a scoped IPv6 destination).
 * Returns its length. Pure: no I/O. Several requests may share one datagram; the kernel answers
 * each with an RTM_NEWROUTE or an NLMSG_ERROR (a negative errno: no route) carrying its seq.
 */
size_t gx_nl_route_request(uint8_t *buf, uint32_t seq, uint8_t family, const uint8_t *bytes,
                           uint32_t oif);

#endif
