/*
 * dns_delay: a UDP relay that puts a fixed one-way delay on DNS datagrams, in both directions, so
 * that a benchmark on loopback sees the round trip of a resolver across a network.
 *
 * Why. Scenario 12 of the benchmarks (bench/dns.sh) compares gaix's sequential search list walk
 * (ndots:5, four search domains: five round trips in turn) with "options parallel-search" (all
 * ten questions at once: one round trip). On loopback a round trip costs ~10 us, so that ratio
 * measures NSD answering ten questions one after another, not the round trips that the option
 * saves. The kernel here has no netem qdisc, so the round trip is simulated in user space: this
 * relay listens where resolv.conf points the resolvers (127.0.0.2 port 53), holds each query for
 * --delay-us before it forwards it to the real server (NSD on 127.0.0.1 port 53), and holds each
 * reply as long again before it sends it back: a round trip of 2 x --delay-us on top of loopback's.
 *
 * Model. One thread, one poll() loop over four descriptors: the listening socket (clients'
 * queries), one upstream socket connected to the server (its replies), a timerfd and a signalfd.
 * A datagram that arrives is copied into one of two FIFO queues (toward the server, toward the
 * clients) with its due time: its arrival + the delay. The delay is the same for every datagram,
 * so each queue is already in due order and its head is the next one to go; the timerfd is armed
 * (absolute CLOCK_MONOTONIC, no timer slack, unlike a poll() timeout) for the earlier of the two
 * heads, and every due datagram is sent as soon as it fires. No busy waiting.
 * A timer wakes its process some time after it expires (~50 us at the median on the benchmark's
 * virtual machine, even under SCHED_FIFO), which would add that much to every hop. So the relay
 * arms the timer early by a lead, the median of its own wake-up latencies so far (tracked in
 * steps of RELAY_LEAD_STEP_NS per wake-up, at most half the delay), and sends what is due within
 * that lead: departures then centre on their due times, about half of them a little early.
 * The arrival is the kernel's receive timestamp (SO_TIMESTAMPNS), not the moment this process got
 * round to reading, so the relay's own wake-up latency on the way in does not lengthen the delay.
 * The timestamp is CLOCK_REALTIME: its age is measured against CLOCK_REALTIME read right after
 * the receive and taken off CLOCK_MONOTONIC read at the same point.
 *
 * Routing replies. Queries from many clients (each with its own ID space) share the one upstream
 * socket, so the relay rewrites each query's ID to one of its own and remembers, under that ID,
 * the client's address and port and its original ID. A reply's ID finds the client again and gets
 * the original ID back; a reply whose ID the relay did not hand out is dropped. IDs are handed
 * out in turn, skipping those still waiting for their reply; one unanswered for
 * RELAY_PENDING_TTL_NS is free again. Nothing else in the datagrams is touched.
 *
 * Loopback only. The listening and upstream addresses must be in 127.0.0.0/8, or the relay
 * refuses to start (exit status 4, "n/a: ..."): it exists for bench/run.sh's private network
 * namespace and must never carry a packet off the host. A query from a source outside
 * 127.0.0.0/8 is dropped, so replies too go to loopback only. UDP only: no TCP listener.
 *
 * Precision. The machine the benchmark runs on is shared: with --realtime PRIO the relay runs
 * under SCHED_FIFO, so that a wake-up for a due datagram does not wait behind other processes'
 * time slices. It never spins (every wait is poll()), and RLIMIT_RTTIME kills it should a bug
 * ever make it compute for RELAY_RTTIME_US without blocking. Without the privilege it goes on as
 * an ordinary process and says so.
 *
 * Bounds. The relay exits by itself after --lifetime seconds, and at once on SIGTERM, SIGINT or
 * SIGHUP. Each queue holds RELAY_QUEUE_MAX datagrams; a datagram that finds its queue full, is
 * larger than RELAY_DATAGRAM_MAX, is shorter than a DNS header, or goes the wrong way (a reply
 * sent to the listening socket, a query from the server) is dropped and counted.
 *
 * Usage: dns_delay [--listen IPV4[:PORT]] [--upstream IPV4[:PORT]] [--delay-us N]
 *                  [--lifetime SECONDS] [--realtime PRIO]
 * Defaults: --listen 127.0.0.2:53 --upstream 127.0.0.1:53 --delay-us 250 --lifetime 3600
 * --realtime 0 (off).
 * Output (stdout): "dns_delay: ready ... realtime=fifo:PRIO|off" once the sockets are bound, then
 * on exit one line of key=value counters, "dns_delay: done reason=signal|lifetime queries=N
 * replies=N dropped=N ...": the datagrams forwarded and dropped (by cause); when they went out
 * against their due time (depart_us_p1, _p50, _p99: negative is early); the timer's wake-up
 * latency (wake_us_p50) and the lead it ended with (lead_us); how long datagrams had waited in
 * the kernel before the relay read them (lag_us_p50, lag_us_max; made up for by the timestamps);
 * and from a query's arrival to its reply's departure (held_us_p50, held_us_p99): the round trip
 * a client sees, less its own network stack's.
 * Exit status 0; 1 on a system error while running; 2 on a usage error; 4 when the relay cannot
 * be set up or an address is not in 127.0.0.0/8 (the reason on stderr, starting "n/a: ").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* ---- limits ---------------------------------------------------------------------------------- */

/* The largest datagram relayed: 4096 octets is the largest EDNS0 payload size resolvers announce
 * (gaix 1232, glibc 1200, c-ares 1232; BIND's default 4096) and so the largest a server sends. */
#define RELAY_DATAGRAM_MAX 4096
/* A DNS message starts with a 12-octet header (RFC 1035 4.1.1); the ID is its first two octets. */
#define RELAY_DNS_HEADER 12
#define RELAY_FLAG_QR 0x80 /* in the third header octet: 1 in a reply */
/* Datagrams waiting in each direction: the benchmark has at most ~100 lookups in flight, each
 * with 2 questions (10 for a parallel search list walk), and a datagram waits only the delay; ten
 * times what it needs. */
#define RELAY_QUEUE_MAX 1024u
/* Datagrams per recvmmsg()/sendmmsg(): a parallel search sends ten at once; 64 drains a burst of
 * a hundred lookups in two calls. */
#define RELAY_BATCH 64u
/* Upstream IDs: the whole 16-bit space. */
#define RELAY_IDS 65536u
/* An upstream ID whose reply never came is free again after 10 s: longer than any resolver of the
 * benchmark waits for one (glibc and c-ares 5 s, gaix less). */
#define RELAY_PENDING_TTL_NS (10ull * 1000000000ull)
/* The one-way delay: 250 us (a 500 us round trip, a resolver in the same data centre); at most
 * one second, beyond which a benchmark measures nothing but the wait. */
#define RELAY_DELAY_US_DEFAULT 250u
#define RELAY_DELAY_US_MAX 1000000u
/* The relay's life, seconds: an hour by default (longer than the benchmark), a day at most. */
#define RELAY_LIFETIME_S_DEFAULT 3600u
#define RELAY_LIFETIME_S_MAX 86400u
/* Histograms in 1 us buckets from -10 ms to 10 ms (twenty round trips of 500 us); beyond counts
 * as the end. */
#define RELAY_HIST_US 10000
/* The lead's step per timer wake-up: it walks to the median wake-up latency (~50 us here) within
 * a hundred wake-ups, the answer checks and warm-ups of the first peer, and moves 1 us per
 * wake-up after that, so one slow wake-up cannot throw it. */
#define RELAY_LEAD_STEP_NS 1000u
/* --realtime: the most CPU time the relay may take under SCHED_FIFO without blocking, us
 * (RLIMIT_RTTIME; SIGXCPU at the soft limit, SIGKILL at the hard one, twice that). One wake-up
 * relays a few batches in microseconds; 200 ms only stops a relay that would spin at a real-time
 * priority and starve its CPU. */
#define RELAY_RTTIME_US 200000u
#define RELAY_RT_PRIO_MAX 99u

#define RELAY_PORT_DEFAULT 53
#define NS_PER_US 1000ull
#define NS_PER_S 1000000000ull

/* ---- small helpers --------------------------------------------------------------------------- */

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* A decimal in [0, max], digits only (no sign, no blanks): 0, or -1. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (*s == '\0')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned digit = (unsigned)(*s - '0');
        if (v > (max - digit) / 10)
            return -1;
        v = v * 10 + digit;
    }
    *out = v;
    return 0;
}

static bool ipv4_is_loopback(const struct in_addr *a)
{
    return (ntohl(a->s_addr) >> 24) == 127;
}

/* "IPV4[:PORT]" into *out (PORT 1 .. 65535, 53 when absent): 0, or -1. */
static int endpoint_parse(const char *text, struct sockaddr_in *out)
{
    char host[INET_ADDRSTRLEN];
    const char *colon = strchr(text, ':');
    size_t hlen = colon ? (size_t)(colon - text) : strlen(text);
    if (hlen == 0 || hlen >= sizeof host)
        return -1;
    memcpy(host, text, hlen);
    host[hlen] = '\0';
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    if (inet_pton(AF_INET, host, &out->sin_addr) != 1)
        return -1;
    uint64_t port = RELAY_PORT_DEFAULT;
    if (colon && (parse_u64(colon + 1, 65535, &port) < 0 || port == 0))
        return -1;
    out->sin_port = htons((uint16_t)port);
    return 0;
}

static void endpoint_text(const struct sockaddr_in *a, char *out, size_t len)
{
    char host[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    snprintf(out, len, "%s:%u", host, (unsigned)ntohs(a->sin_port));
}

static unsigned dns_id(const uint8_t *m)
{
    return (unsigned)m[0] << 8 | m[1];
}

static void dns_id_set(uint8_t *m, unsigned id)
{
    m[0] = (uint8_t)(id >> 8);
    m[1] = (uint8_t)id;
}

/* ---- histograms ------------------------------------------------------------------------------ */

struct hist {
    uint64_t n;
    int64_t max_ns;
    uint64_t bucket[2 * RELAY_HIST_US + 1]; /* [RELAY_HIST_US + i]: i .. i+1 us */
};

static void hist_add(struct hist *h, int64_t ns)
{
    int64_t us = ns >= 0 ? ns / (int64_t)NS_PER_US : (ns + 1) / (int64_t)NS_PER_US - 1;
    if (us < -RELAY_HIST_US)
        us = -RELAY_HIST_US;
    if (us > RELAY_HIST_US)
        us = RELAY_HIST_US;
    h->bucket[us + RELAY_HIST_US]++;
    if (h->n++ == 0 || ns > h->max_ns)
        h->max_ns = ns;
}

/* The bucket (whole microseconds, rounded down) that holds quantile q; 0 when empty. */
static int hist_quantile_us(const struct hist *h, double q)
{
    if (h->n == 0)
        return 0;
    uint64_t rank = (uint64_t)(q * (double)(h->n - 1)), seen = 0;
    for (int i = 0; i <= 2 * RELAY_HIST_US; i++) {
        seen += h->bucket[i];
        if (seen > rank)
            return i - RELAY_HIST_US;
    }
    return RELAY_HIST_US;
}

static double hist_max_us(const struct hist *h)
{
    return (double)h->max_ns / (double)NS_PER_US;
}

/* ---- the queues ------------------------------------------------------------------------------ */

struct datagram {
    uint64_t due_ns;         /* CLOCK_MONOTONIC: when it is to be sent */
    uint64_t origin_ns;      /* CLOCK_MONOTONIC: when its query (itself, or the one it answers)
                                arrived */
    struct sockaddr_in peer; /* toward a client: the client; toward the server: unused */
    size_t len;
    uint8_t data[RELAY_DATAGRAM_MAX];
};

/* A ring of RELAY_QUEUE_MAX datagrams, in due order (the delay is the same for all). */
struct fifo {
    struct datagram slot[RELAY_QUEUE_MAX];
    size_t head, count;
};

static struct datagram *fifo_at(struct fifo *f, size_t i)
{
    return &f->slot[(f->head + i) % RELAY_QUEUE_MAX];
}

/* The free slot after the last datagram, to be filled then committed by fifo_push(); NULL when
 * the queue is full. */
static struct datagram *fifo_tail(struct fifo *f)
{
    return f->count < RELAY_QUEUE_MAX ? fifo_at(f, f->count) : NULL;
}

static void fifo_push(struct fifo *f)
{
    f->count++;
}

static void fifo_pop(struct fifo *f, size_t n)
{
    f->head = (f->head + n) % RELAY_QUEUE_MAX;
    f->count -= n;
}

/* ---- the relay ------------------------------------------------------------------------------- */

/* A query sent upstream under the relay's ID, waiting for its reply. */
struct pending {
    struct sockaddr_in client;
    uint64_t since_ns;   /* CLOCK_MONOTONIC when it was read */
    uint64_t arrival_ns; /* CLOCK_MONOTONIC when it arrived (the kernel's timestamp) */
    uint16_t client_id;
    bool used;
};

/* One recvmmsg() worth of message headers and the buffers it fills. */
struct batch {
    struct mmsghdr msg[RELAY_BATCH];
    struct iovec iov[RELAY_BATCH];
    struct sockaddr_in from[RELAY_BATCH];
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct timespec))];
    } control[RELAY_BATCH];
    uint8_t data[RELAY_BATCH][RELAY_DATAGRAM_MAX];
};

/* One sendmmsg() worth of message headers, pointing into a queue's datagrams. */
struct send_batch {
    struct mmsghdr msg[RELAY_BATCH];
    struct iovec iov[RELAY_BATCH];
};

struct counters {
    uint64_t queries;         /* sent to the server */
    uint64_t replies;         /* sent back to a client */
    uint64_t drop_oversize;   /* larger than RELAY_DATAGRAM_MAX */
    uint64_t drop_short;      /* shorter than a DNS header */
    uint64_t drop_direction;  /* a reply on the listening socket, a query from the server */
    uint64_t drop_foreign;    /* a query from outside 127.0.0.0/8 */
    uint64_t drop_queue_full; /* its queue held RELAY_QUEUE_MAX datagrams */
    uint64_t drop_no_id;      /* every upstream ID waiting for a reply */
    uint64_t drop_unknown_id; /* a reply to no query of the relay's (or a second reply) */
    uint64_t drop_send;       /* sendmmsg() refused it */
    uint64_t expired_ids;     /* upstream IDs reused after RELAY_PENDING_TTL_NS without reply */
    uint64_t recv_errors;     /* recvmmsg() failures other than "nothing to read" */
};

struct relay {
    int listen_fd, upstream_fd, timer_fd, signal_fd;
    uint64_t delay_ns;
    uint64_t armed_ns; /* the timerfd's expiry (the head's due time less the lead), 0: disarmed */
    uint64_t lead_ns;  /* how much earlier than due the timer is armed and datagrams may go */
    struct fifo to_upstream, to_client;
    struct pending pending[RELAY_IDS];
    unsigned next_id;
    struct batch in;
    struct send_batch out;
    struct counters c;
    struct hist depart; /* send time - due time, every datagram sent (negative: early) */
    struct hist wake;   /* wake-up time - the timer's expiry, every timer wake-up */
    struct hist lag;    /* read time - the kernel's receive time, every datagram read */
    struct hist held;   /* a reply's send time - its query's arrival: the round trip a client
                           sees, less its own stack's */
};

/* Prepares b for one recvmmsg(). */
static void batch_prepare_receive(struct batch *b)
{
    for (unsigned i = 0; i < RELAY_BATCH; i++) {
        b->iov[i] = (struct iovec){.iov_base = b->data[i], .iov_len = sizeof b->data[i]};
        b->msg[i].msg_hdr = (struct msghdr){.msg_name = &b->from[i],
                                            .msg_namelen = sizeof b->from[i],
                                            .msg_iov = &b->iov[i],
                                            .msg_iovlen = 1,
                                            .msg_control = b->control[i].buf,
                                            .msg_controllen = sizeof b->control[i].buf};
        b->msg[i].msg_len = 0;
    }
}

/* When message m arrived, on CLOCK_MONOTONIC: now_mono less the age of its kernel receive
 * timestamp (now_real - timestamp), or now_mono when it has none. The age goes into r->lag. */
static uint64_t arrival_ns(struct relay *r, struct msghdr *m, uint64_t now_mono, uint64_t now_real)
{
    uint64_t age = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
            continue;
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(c), sizeof ts);
        uint64_t rx = (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
        /* A step of the wall clock between the two readings makes the age wrong once: a step
         * back reads as 0, a step forward sends the datagram at once (and shows in lag_us_max). */
        age = rx < now_real ? now_real - rx : 0;
        break;
    }
    hist_add(&r->lag, (int64_t)age);
    return age < now_mono ? now_mono - age : 0;
}

/* The next free upstream ID: 0 with *id set, or -1 when all are waiting for their replies. */
static int pending_alloc(struct relay *r, uint64_t now, unsigned *id)
{
    for (unsigned tries = 0; tries < RELAY_IDS; tries++) {
        unsigned c = r->next_id;
        r->next_id = (r->next_id + 1) % RELAY_IDS;
        struct pending *p = &r->pending[c];
        if (p->used && now - p->since_ns < RELAY_PENDING_TTL_NS)
            continue;
        if (p->used)
            r->c.expired_ids++;
        *id = c;
        return 0;
    }
    return -1;
}

/* One recvmmsg() on fd into r->in: the number of datagrams read (0 when none). */
static unsigned relay_receive(struct relay *r, int fd, uint64_t *now_mono, uint64_t *now_real)
{
    batch_prepare_receive(&r->in);
    int n = recvmmsg(fd, r->in.msg, RELAY_BATCH, MSG_DONTWAIT, NULL);
    *now_mono = clock_ns(CLOCK_MONOTONIC);
    *now_real = clock_ns(CLOCK_REALTIME);
    if (n < 0) {
        /* ECONNREFUSED: an ICMP error for the connected upstream socket (no server there). */
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            r->c.recv_errors++;
        return 0;
    }
    return (unsigned)n;
}

/* Clients' queries: each under a fresh upstream ID into the queue toward the server. */
static void relay_read_queries(struct relay *r)
{
    uint64_t now, now_real;
    unsigned n = relay_receive(r, r->listen_fd, &now, &now_real);
    for (unsigned i = 0; i < n; i++) {
        struct msghdr *m = &r->in.msg[i].msg_hdr;
        const uint8_t *q = r->in.data[i];
        size_t len = r->in.msg[i].msg_len;
        uint64_t arrival = arrival_ns(r, m, now, now_real);
        const struct sockaddr_in *from = &r->in.from[i];
        struct datagram *d;
        unsigned id;
        if (m->msg_namelen != sizeof *from || from->sin_family != AF_INET ||
            !ipv4_is_loopback(&from->sin_addr))
            r->c.drop_foreign++;
        else if (m->msg_flags & MSG_TRUNC)
            r->c.drop_oversize++;
        else if (len < RELAY_DNS_HEADER)
            r->c.drop_short++;
        else if (q[2] & RELAY_FLAG_QR)
            r->c.drop_direction++;
        else if (!(d = fifo_tail(&r->to_upstream)))
            r->c.drop_queue_full++;
        else if (pending_alloc(r, now, &id) < 0)
            r->c.drop_no_id++;
        else {
            r->pending[id] = (struct pending){.client = *from,
                                              .since_ns = now,
                                              .arrival_ns = arrival,
                                              .client_id = (uint16_t)dns_id(q),
                                              .used = true};
            memcpy(d->data, q, len);
            dns_id_set(d->data, id);
            d->len = len;
            d->due_ns = arrival + r->delay_ns;
            d->origin_ns = arrival;
            fifo_push(&r->to_upstream);
        }
    }
}

/* The server's replies: each, under its client's ID again, into the queue toward that client. */
static void relay_read_replies(struct relay *r)
{
    uint64_t now, now_real;
    unsigned n = relay_receive(r, r->upstream_fd, &now, &now_real);
    for (unsigned i = 0; i < n; i++) {
        struct msghdr *m = &r->in.msg[i].msg_hdr;
        const uint8_t *a = r->in.data[i];
        size_t len = r->in.msg[i].msg_len;
        uint64_t arrival = arrival_ns(r, m, now, now_real);
        struct pending *p = len >= RELAY_DNS_HEADER ? &r->pending[dns_id(a)] : NULL;
        struct datagram *d;
        if (m->msg_flags & MSG_TRUNC)
            r->c.drop_oversize++;
        else if (!p)
            r->c.drop_short++;
        else if (!(a[2] & RELAY_FLAG_QR))
            r->c.drop_direction++;
        else if (!p->used)
            r->c.drop_unknown_id++;
        else if (!(d = fifo_tail(&r->to_client)))
            r->c.drop_queue_full++;
        else {
            memcpy(d->data, a, len);
            dns_id_set(d->data, p->client_id);
            d->len = len;
            d->peer = p->client;
            d->due_ns = arrival + r->delay_ns;
            d->origin_ns = p->arrival_ns;
            p->used = false;
            fifo_push(&r->to_client);
        }
    }
}

/* Sends every datagram of f that is due within the lead, in batches, on fd (to_client: to each
 * one's client; else on the connected upstream socket). */
static void relay_send_due(struct relay *r, struct fifo *f, int fd, bool to_client)
{
    struct send_batch *b = &r->out;
    for (;;) {
        uint64_t now = clock_ns(CLOCK_MONOTONIC);
        unsigned k = 0;
        while (k < f->count && k < RELAY_BATCH) {
            struct datagram *d = fifo_at(f, k);
            if (d->due_ns > now + r->lead_ns)
                break;
            b->iov[k] = (struct iovec){.iov_base = d->data, .iov_len = d->len};
            b->msg[k].msg_hdr = (struct msghdr){.msg_name = to_client ? &d->peer : NULL,
                                                .msg_namelen = to_client ? sizeof d->peer : 0,
                                                .msg_iov = &b->iov[k],
                                                .msg_iovlen = 1};
            k++;
        }
        if (k == 0)
            return;
        int sent = sendmmsg(fd, b->msg, k, 0);
        if (sent <= 0) {
            /* The first one was refused (e.g. ECONNREFUSED left by an ICMP error): drop it. */
            r->c.drop_send++;
            fifo_pop(f, 1);
            continue;
        }
        for (int i = 0; i < sent; i++) {
            const struct datagram *d = fifo_at(f, (size_t)i);
            hist_add(&r->depart, (int64_t)(now - d->due_ns));
            if (to_client)
                hist_add(&r->held, (int64_t)(now - d->origin_ns));
        }
        if (to_client)
            r->c.replies += (unsigned)sent;
        else
            r->c.queries += (unsigned)sent;
        fifo_pop(f, (size_t)sent);
    }
}

/* Arms the timerfd the lead before the earliest datagram still waiting is due, or disarms it
 * when none is (only when that changes: the timerfd keeps its expiry otherwise): 0, or -1. */
static int relay_arm(struct relay *r)
{
    uint64_t due = 0, at = 0; /* 0: nothing waits */
    if (r->to_upstream.count)
        due = fifo_at(&r->to_upstream, 0)->due_ns;
    if (r->to_client.count) {
        uint64_t d = fifo_at(&r->to_client, 0)->due_ns;
        if (!due || d < due)
            due = d;
    }
    if (r->to_upstream.count || r->to_client.count) /* it_value 0 would disarm: at least 1 */
        at = due > r->lead_ns + 1 ? due - r->lead_ns : 1;
    if (at == r->armed_ns)
        return 0;
    struct itimerspec its = {
        .it_value = {.tv_sec = (time_t)(at / NS_PER_S), .tv_nsec = (long)(at % NS_PER_S)}};
    if (timerfd_settime(r->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
        return -1;
    r->armed_ns = at;
    return 0;
}

/* The timer woke the relay at now: its latency walks the lead one step toward the median of all
 * of them, never beyond half the delay (so a datagram is held at least half its delay). An expiry
 * of 1 (something was overdue already) says nothing about wake-ups. */
static void relay_woken(struct relay *r, uint64_t now)
{
    if (r->armed_ns <= 1 || now < r->armed_ns)
        return;
    uint64_t latency = now - r->armed_ns;
    hist_add(&r->wake, (int64_t)latency);
    if (latency > r->lead_ns && r->lead_ns + RELAY_LEAD_STEP_NS <= r->delay_ns / 2)
        r->lead_ns += RELAY_LEAD_STEP_NS;
    else if (latency < r->lead_ns)
        r->lead_ns -= r->lead_ns < RELAY_LEAD_STEP_NS ? r->lead_ns : RELAY_LEAD_STEP_NS;
}

/* ---- setup ----------------------------------------------------------------------------------- */

/* The sockets, the timer and the signals: 0, or prints "n/a: why" and returns -1. */
static int relay_open(struct relay *r, const struct sockaddr_in *listen_at,
                      const struct sockaddr_in *upstream)
{
    char text[INET_ADDRSTRLEN + 8];
    const int on = 1;
    r->listen_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    r->upstream_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (r->listen_fd < 0 || r->upstream_fd < 0 ||
        setsockopt(r->listen_fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0 ||
        setsockopt(r->upstream_fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0) {
        fprintf(stderr, "n/a: dns_delay: socket: %s\n", strerror(errno));
        return -1;
    }
    if (bind(r->listen_fd, (const struct sockaddr *)listen_at, sizeof *listen_at) < 0) {
        endpoint_text(listen_at, text, sizeof text);
        fprintf(stderr, "n/a: dns_delay: cannot listen on %s: %s\n", text, strerror(errno));
        return -1;
    }
    if (connect(r->upstream_fd, (const struct sockaddr *)upstream, sizeof *upstream) < 0) {
        endpoint_text(upstream, text, sizeof text);
        fprintf(stderr, "n/a: dns_delay: cannot connect to %s: %s\n", text, strerror(errno));
        return -1;
    }
    r->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (r->timer_fd < 0) {
        fprintf(stderr, "n/a: dns_delay: timerfd_create: %s\n", strerror(errno));
        return -1;
    }
    /* Default dispositions first: a signal the parent shell ignored would otherwise be discarded
     * before the signalfd could see it. Then blocked, so that only the signalfd takes them. */
    static const int stop[] = {SIGTERM, SIGINT, SIGHUP};
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++) {
        signal(stop[i], SIG_DFL);
        sigaddset(&set, stop[i]);
    }
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
        (r->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
        fprintf(stderr, "n/a: dns_delay: signalfd: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* --realtime PRIO: SCHED_FIFO at PRIO, so that the machine's other work (it is shared) does not
 * stretch the delays: a real-time task that wakes runs at once instead of waiting for its turn.
 * The RLIMIT_RTTIME bound comes first. NULL, or why it could not be done (the relay then goes on
 * without: its depart_us and wake_us figures say how much that costs). */
static const char *relay_realtime(unsigned prio)
{
    struct rlimit rl = {.rlim_cur = RELAY_RTTIME_US, .rlim_max = 2 * RELAY_RTTIME_US};
    if (setrlimit(RLIMIT_RTTIME, &rl) < 0)
        return strerror(errno);
    struct sched_param sp = {.sched_priority = (int)prio};
    if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
        return strerror(errno);
    return NULL;
}

/* ---- main ------------------------------------------------------------------------------------ */

static int usage(const char *why)
{
    fprintf(stderr,
            "dns_delay: %s\n"
            "usage: dns_delay [--listen IPV4[:PORT]] [--upstream IPV4[:PORT]] [--delay-us N]\n"
            "                 [--lifetime SECONDS] [--realtime PRIO]\n"
            "  defaults: --listen 127.0.0.2:53 --upstream 127.0.0.1:53 --delay-us %u"
            " --lifetime %u --realtime 0 (off)\n"
            "  both addresses must be in 127.0.0.0/8; --delay-us 0 .. %u; --lifetime 1 .. %u;\n"
            "  --realtime 1 .. %u: SCHED_FIFO at that priority\n",
            why, RELAY_DELAY_US_DEFAULT, RELAY_LIFETIME_S_DEFAULT, RELAY_DELAY_US_MAX,
            RELAY_LIFETIME_S_MAX, RELAY_RT_PRIO_MAX);
    return 2;
}

static void relay_report(const struct relay *r, const char *reason)
{
    const struct counters *c = &r->c;
    uint64_t dropped = c->drop_oversize + c->drop_short + c->drop_direction + c->drop_foreign +
                       c->drop_queue_full + c->drop_no_id + c->drop_unknown_id + c->drop_send;
    printf("dns_delay: done reason=%s queries=%llu replies=%llu dropped=%llu oversize=%llu "
           "short=%llu direction=%llu foreign=%llu queue_full=%llu no_id=%llu unknown_id=%llu "
           "send_failed=%llu expired_ids=%llu recv_errors=%llu depart_us_p1=%d depart_us_p50=%d "
           "depart_us_p99=%d depart_us_max=%.1f wake_us_p50=%d lead_us=%.1f lag_us_p50=%d "
           "lag_us_max=%.1f held_us_p50=%d held_us_p99=%d\n",
           reason, (unsigned long long)c->queries, (unsigned long long)c->replies,
           (unsigned long long)dropped, (unsigned long long)c->drop_oversize,
           (unsigned long long)c->drop_short, (unsigned long long)c->drop_direction,
           (unsigned long long)c->drop_foreign, (unsigned long long)c->drop_queue_full,
           (unsigned long long)c->drop_no_id, (unsigned long long)c->drop_unknown_id,
           (unsigned long long)c->drop_send, (unsigned long long)c->expired_ids,
           (unsigned long long)c->recv_errors, hist_quantile_us(&r->depart, 0.01),
           hist_quantile_us(&r->depart, 0.5), hist_quantile_us(&r->depart, 0.99),
           hist_max_us(&r->depart), hist_quantile_us(&r->wake, 0.5),
           (double)r->lead_ns / (double)NS_PER_US, hist_quantile_us(&r->lag, 0.5),
           hist_max_us(&r->lag), hist_quantile_us(&r->held, 0.5), hist_quantile_us(&r->held, 0.99));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct sockaddr_in listen_at, upstream;
    uint64_t delay_us = RELAY_DELAY_US_DEFAULT, lifetime_s = RELAY_LIFETIME_S_DEFAULT, rt_prio = 0;
    const char *listen_text = "127.0.0.2:53", *upstream_text = "127.0.0.1:53";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0)
            return usage("a UDP relay with a fixed delay each way, loopback only");
        if (i + 1 >= argc)
            return usage("every option takes a value");
        const char *val = argv[++i];
        if (strcmp(a, "--listen") == 0)
            listen_text = val;
        else if (strcmp(a, "--upstream") == 0)
            upstream_text = val;
        else if (strcmp(a, "--delay-us") == 0) {
            if (parse_u64(val, RELAY_DELAY_US_MAX, &delay_us) < 0)
                return usage("bad --delay-us");
        } else if (strcmp(a, "--lifetime") == 0) {
            if (parse_u64(val, RELAY_LIFETIME_S_MAX, &lifetime_s) < 0 || lifetime_s == 0)
                return usage("bad --lifetime");
        } else if (strcmp(a, "--realtime") == 0) {
            if (parse_u64(val, RELAY_RT_PRIO_MAX, &rt_prio) < 0)
                return usage("bad --realtime");
        } else
            return usage("unknown option");
    }
    if (endpoint_parse(listen_text, &listen_at) < 0)
        return usage("bad --listen (IPV4[:PORT])");
    if (endpoint_parse(upstream_text, &upstream) < 0)
        return usage("bad --upstream (IPV4[:PORT])");
    if (!ipv4_is_loopback(&listen_at.sin_addr) || !ipv4_is_loopback(&upstream.sin_addr)) {
        fprintf(stderr,
                "n/a: dns_delay: --listen %s and --upstream %s must both be in "
                "127.0.0.0/8: the relay carries packets on loopback only\n",
                listen_text, upstream_text);
        return 4;
    }
    if (listen_at.sin_addr.s_addr == upstream.sin_addr.s_addr &&
        listen_at.sin_port == upstream.sin_port)
        return usage("--listen and --upstream are the same: the relay would feed itself");

    struct relay *r = calloc(1, sizeof *r);
    if (!r) {
        fprintf(stderr, "n/a: dns_delay: out of memory\n");
        return 4;
    }
    r->delay_ns = delay_us * NS_PER_US;
    if (relay_open(r, &listen_at, &upstream) < 0)
        return 4;
    char realtime[16] = "off";
    if (rt_prio) {
        const char *why = relay_realtime((unsigned)rt_prio);
        if (why)
            fprintf(stderr, "dns_delay: --realtime %u: %s: going on without it\n",
                    (unsigned)rt_prio, why);
        else
            snprintf(realtime, sizeof realtime, "fifo:%u", (unsigned)rt_prio);
    }
    const uint64_t end_ns = clock_ns(CLOCK_MONOTONIC) + lifetime_s * NS_PER_S;
    char ltext[INET_ADDRSTRLEN + 8], utext[INET_ADDRSTRLEN + 8];
    endpoint_text(&listen_at, ltext, sizeof ltext);
    endpoint_text(&upstream, utext, sizeof utext);
    printf("dns_delay: ready listen=%s upstream=%s delay_us=%llu lifetime_s=%llu realtime=%s\n",
           ltext, utext, (unsigned long long)delay_us, (unsigned long long)lifetime_s, realtime);
    fflush(stdout);

    enum { FD_LISTEN, FD_UPSTREAM, FD_TIMER, FD_SIGNAL, FD_COUNT };
    struct pollfd pfd[FD_COUNT] = {
        [FD_LISTEN] = {.fd = r->listen_fd, .events = POLLIN},
        [FD_UPSTREAM] = {.fd = r->upstream_fd, .events = POLLIN},
        [FD_TIMER] = {.fd = r->timer_fd, .events = POLLIN},
        [FD_SIGNAL] = {.fd = r->signal_fd, .events = POLLIN},
    };
    const char *reason = "lifetime";
    for (;;) {
        uint64_t now = clock_ns(CLOCK_MONOTONIC);
        if (now >= end_ns)
            break;
        /* The poll() timeout only bounds the life (a millisecond late is no matter); the
         * datagrams' due times are the timerfd's. */
        uint64_t left_ms = (end_ns - now + 999999) / 1000000;
        int rc = poll(pfd, FD_COUNT, left_ms > INT_MAX ? INT_MAX : (int)left_ms);
        if (rc < 0 && errno != EINTR) {
            fprintf(stderr, "dns_delay: poll: %s\n", strerror(errno));
            relay_report(r, "error");
            return 1;
        }
        if (rc <= 0)
            continue;
        now = clock_ns(CLOCK_MONOTONIC);
        if (pfd[FD_SIGNAL].revents) {
            reason = "signal";
            break;
        }
        if (pfd[FD_TIMER].revents) {
            uint64_t ticks;
            if (read(r->timer_fd, &ticks, sizeof ticks) < 0 && errno != EAGAIN) {
                fprintf(stderr, "dns_delay: timerfd: %s\n", strerror(errno));
                relay_report(r, "error");
                return 1;
            }
            relay_woken(r, now);
            r->armed_ns = 0; /* expired: armed again below if anything waits */
        }
        /* What is due goes first: it is what the timer woke us for. Then what arrived, then
         * what of that is due already (only with --delay-us 0). */
        relay_send_due(r, &r->to_upstream, r->upstream_fd, false);
        relay_send_due(r, &r->to_client, r->listen_fd, true);
        if (pfd[FD_LISTEN].revents)
            relay_read_queries(r);
        if (pfd[FD_UPSTREAM].revents)
            relay_read_replies(r);
        relay_send_due(r, &r->to_upstream, r->upstream_fd, false);
        relay_send_due(r, &r->to_client, r->listen_fd, true);
        if (relay_arm(r) < 0) {
            fprintf(stderr, "dns_delay: timerfd_settime: %s\n", strerror(errno));
            relay_report(r, "error");
            return 1;
        }
    }
    relay_report(r, reason);
    return 0;
}
