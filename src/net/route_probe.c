/*
 * Route questions for many destinations in one round trip (see route_probe.h).
 */
#include "net/route_probe.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/fork.h"
#include "net/netlink.h"

/* Destinations asked per datagram; their answers are read with one recvmmsg(). The buffers
 * live on the stack: CHUNK x (GX_NL_ROUTE_REQUEST_MAX + ANSWER_MAX) bytes, under 10 KiB. */
#define CHUNK 16

/* Room for one answer. An RTM_NEWROUTE for one destination is about 100 bytes (IPv4) or 150
 * (IPv6); an NLMSG_ERROR quotes the request (under 80 bytes). A longer one is cut (MSG_TRUNC) and
 * its destination left to connect(). */
#define ANSWER_MAX 512

bool gx_route_errno_is_lasting(int e)
{
    return e != EMFILE && e != ENFILE && e != ENOMEM && e != ENOBUFS && e != EAGAIN && e != EINTR;
}

void gx_route_probe_init(struct gx_route_probe *rp)
{
    pthread_mutex_init(&rp->lock, NULL);
    rp->fd = -1;
    rp->generation = 0;
    rp->seq = 0;
}

void gx_route_probe_destroy(struct gx_route_probe *rp)
{
    if (rp->fd >= 0)
        close(rp->fd);
    rp->fd = -1;
    pthread_mutex_destroy(&rp->lock);
}

/* Whether the kernel's route answer says what connect() would, and with which oif. */
static bool route_askable(const struct gx_addr *d, uint32_t *oif)
{
    *oif = 0;
    if (d->family == AF_INET) {
        const uint8_t *b = d->bytes;
        bool zero_net = b[0] == 0;                                  /* connect() means loopback */
        bool multicast = (b[0] & 0xf0) == 0xe0;                     /* 224/4 */
        bool limited = b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255;
        return !zero_net && !multicast && !limited;
    }
    if (d->family != AF_INET6)
        return false;
    const uint8_t *b = d->bytes;
    static const uint8_t any[16];
    if (memcmp(b, any, 16) == 0 || b[0] == 0xff || gx_bytes6_is_v4mapped(b))
        return false;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
        /* Link-local: connect() binds the socket to the scope's interface, and refuses the
         * address without one. */
        if (d->scope_id == 0)
            return false;
        *oif = d->scope_id;
    }
    return true;
}

/* One answer, read into its destination's slot. */
static void route_answer(const struct gx_nl_msg *m, const struct gx_addr *dest, uint32_t oif,
                         struct gx_route_answer *out)
{
    if (m->kind == GX_NL_ERROR) {
        if (m->error < 0) {
            out->state = GX_ROUTE_UNUSABLE;
            out->lasting = gx_route_errno_is_lasting(-m->error);
        }
        return;
    }
    if (m->kind != GX_NL_ROUTE || m->route.family != dest->family)
        return;
    switch (m->route.type) {
    case RTN_UNICAST:
    case RTN_LOCAL:
        if (!m->route.has_prefsrc)
            return;
        if (dest->family == AF_INET) {
            gx_addr_set4(&out->source, m->route.prefsrc);
        } else {
            /* getsockname() gives a link-local source the socket's bound interface, which
             * connect() set only for a scoped destination. */
            const uint8_t *s = m->route.prefsrc;
            bool ll = s[0] == 0xfe && (s[1] & 0xc0) == 0x80;
            gx_addr_set6(&out->source, s, ll ? oif : 0);
        }
        out->state = GX_ROUTE_USABLE;
        return;
    case RTN_BROADCAST:   /* connect() without SO_BROADCAST: EACCES */
    case RTN_BLACKHOLE:   /* EINVAL */
    case RTN_UNREACHABLE: /* EHOSTUNREACH */
    case RTN_PROHIBIT:    /* EACCES */
    case RTN_THROW:       /* EAGAIN, past every table */
        out->state = GX_ROUTE_UNUSABLE;
        out->lasting = true;
        return;
    default:
        return; /* anycast, multicast, NAT: left to connect() */
    }
}

/* Asks about dests[0..n), n <= CHUNK, over fd, numbering the requests from seq0. */
static void route_ask_chunk(int fd, uint32_t seq0, const struct gx_addr *dests, size_t n,
                            struct gx_route_answer *out)
{
    uint8_t req[CHUNK * GX_NL_ROUTE_REQUEST_MAX];
    uint32_t oifs[CHUNK];
    size_t idx[CHUNK]; /* request k asks about dests[idx[k]] */
    size_t len = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!route_askable(&dests[i], &oifs[k]))
            continue;
        len += gx_nl_route_request(req + len, seq0 + (uint32_t)k, dests[i].family,
                                   dests[i].bytes, oifs[k]);
        idx[k++] = i;
    }
    if (k == 0)
        return;

    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    ssize_t sent;
    do {
        sent = sendto(fd, req, len, 0, (const struct sockaddr *)&kernel, sizeof kernel);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0 || (size_t)sent != len)
        return;

    /* The kernel answers every request before sendto() returns, one datagram each. */
    uint8_t bufs[CHUNK][ANSWER_MAX];
    struct iovec iov[CHUNK];
    struct sockaddr_nl from[CHUNK];
    struct mmsghdr mm[CHUNK];
    size_t answered = 0;
    while (answered < k) {
        memset(mm, 0, sizeof mm);
        for (size_t j = 0; j < k; j++) {
            iov[j].iov_base = bufs[j];
            iov[j].iov_len = sizeof bufs[j];
            mm[j].msg_hdr.msg_iov = &iov[j];
            mm[j].msg_hdr.msg_iovlen = 1;
            mm[j].msg_hdr.msg_name = &from[j];
            mm[j].msg_hdr.msg_namelen = sizeof from[j];
        }
        int got = recvmmsg(fd, mm, (unsigned)(k - answered), MSG_DONTWAIT, NULL);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return; /* what is missing is left to connect() */
        for (int j = 0; j < got; j++) {
            /* Only the kernel (port 0) answers; a cut datagram is not read. */
            if (mm[j].msg_hdr.msg_namelen < sizeof from[j] || from[j].nl_pid != 0 ||
                (mm[j].msg_hdr.msg_flags & MSG_TRUNC))
                continue;
            const uint8_t *p = bufs[j];
            size_t left = mm[j].msg_len;
            while (left > 0) {
                struct gx_nl_msg m;
                int used = gx_nl_parse(p, left, &m);
                if (used < 0)
                    break;
                p += used;
                left -= (size_t)used;
                uint32_t r = m.seq - seq0; /* wraps for a stale answer: r >= k */
                if (r >= k || (m.kind != GX_NL_ROUTE && m.kind != GX_NL_ERROR))
                    continue;
                struct gx_route_answer *a = &out[idx[r]];
                if (a->state == GX_ROUTE_UNKNOWN)
                    route_answer(&m, &dests[idx[r]], oifs[r], a);
                answered++;
            }
        }
    }
}

void gx_route_probe_ask(struct gx_route_probe *rp, const struct gx_addr *dests, size_t n,
                        struct gx_route_answer *out)
{
    memset(out, 0, n * sizeof *out);
    if (n == 0)
        return;
    bool shared = pthread_mutex_trylock(&rp->lock) == 0;
    int fd;
    uint32_t seq = 1;
    if (shared) {
        unsigned gen = gx_fork_generation();
        if (rp->fd >= 0 && rp->generation != gen) {
            close(rp->fd); /* the parent's: this child's copy only */
            rp->fd = -1;
        }
        if (rp->fd < 0) {
            rp->fd = gx_nl_open(0);
            rp->generation = gen;
        }
        fd = rp->fd;
        seq = rp->seq + 1;
        rp->seq += (uint32_t)n;
    } else {
        fd = gx_nl_open(0); /* another thread is asking: a socket of our own */
    }
    if (fd >= 0) {
        for (size_t base = 0; base < n; base += CHUNK) {
            size_t m = n - base < CHUNK ? n - base : CHUNK;
            route_ask_chunk(fd, seq + (uint32_t)base, dests + base, m, out + base);
        }
    }
    if (shared)
        pthread_mutex_unlock(&rp->lock);
    else if (fd >= 0)
        close(fd);
}
