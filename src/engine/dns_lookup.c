#include "engine/dns_lookup.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/status.h"
#include "dns/wire.h"
#include "engine/random.h"
#include "lookup/search.h"
#include "transport/tcp.h"
#include "transport/udp.h"

/* A and AAAA, or PTR: the questions of one candidate name. */
#define LOOKUP_QUESTIONS 2
/* Flights open at once for one candidate: each question in a flight of its own, plus one being
 * replaced (a twin re-sent, a move to TCP) while the other still waits. */
#define FLIGHTS_PER_CANDIDATE 4
/* Questions one UDP flight carries: a candidate's pair, or with parallel-search the questions of
 * several candidates for the same server, sent with one sendmmsg from one socket. */
#define FLIGHT_QUESTIONS 16
_Static_assert(FLIGHT_QUESTIONS <= GX_UDP_SEND_MAX, "a flight is sent with one gx_udp_sendn()");
/* Addresses collected from one reply before they join the question's list: the cap per family. */
#define ANSWER_ADDRS_MAX GX_ADDRS_PER_FAMILY_MAX
/* The twin re-send waits this many round trips of its pair, within these bounds: long enough for
 * a slow answer to arrive, far shorter than a 5 s timeout. */
#define TWIN_RTT_FACTOR 4
#define TWIN_DELAY_MIN_US 20000u
#define TWIN_DELAY_MAX_US 1000000u

enum q_state { Q_IDLE, Q_QUEUED, Q_WAITING, Q_DONE };
enum q_result { R_NONE, R_ANSWER, R_NODATA, R_NXDOMAIN, R_SERVFAIL, R_TIMEOUT, R_FAIL };

struct question {
    unsigned cand;      /* the candidate name it asks about (index into l->search.names) */
    uint16_t qtype;
    uint16_t id;
    enum q_state state;
    enum q_result result;
    unsigned step;      /* position in the (attempt, server) schedule */
    bool edns;          /* the next query carries EDNS0 */
    bool edns_dropped;  /* retried without EDNS0 once: no EDNS0 for the rest of the question */
    bool tcp;           /* the next query goes over TCP (same step) */
    bool saw_timeout, saw_servfail;
    bool refused_only;  /* every server so far answered port-unreachable */
    bool twin_resent;
    int flight;         /* index into l->f, or -1 */
    uint64_t keep_deadline_us; /* a re-sent twin keeps its flight's deadline */
    int rcode;
    unsigned server_used;
    uint32_t ttl_s;
    size_t canon_len;                   /* 0: no name that passes the host-name check */
    char canon[GX_DNS_NAME_WIRE_MAX];   /* the chain's end, or its last valid name (N06); for
                                           PTR, the name found */
    struct gx_addrlist addrs;
};

struct flight {
    struct gx_io io;
    struct gx_dns_lookup *l;
    bool in_use, is_tcp;
    unsigned server;
    uint64_t sent_us;
    int q[FLIGHT_QUESTIONS];
    unsigned nq;
    struct gx_tcp tcp;
};

/* One name of the search list and what became of it. */
struct candidate {
    bool started, done;
    enum q_result outcome;
    bool stop_all;   /* no server was reachable at all */
    unsigned first_q; /* its questions are q[first_q .. first_q + nq) */
    unsigned nq;
};

/* The names to ask (lookup/search.h's gx_search), as much of it as the lookup needs: names[i]
 * for i < n live in the lookup's own allocation, after its arrays. */
struct search_names {
    size_t n;
    size_t as_is;     /* index of the name itself, or SIZE_MAX when it is not asked */
    bool as_is_first;
    uint8_t (*names)[GX_DNS_NAME_WIRE_MAX];
};

struct gx_dns_lookup {
    struct gx_engine *e;
    struct gx_resolv_conf *conf;
    gx_dns_done_fn *done;
    void *arg;
    struct gx_deferred flush_work;  /* sends queued questions, after the read loop (P8) */
    struct gx_deferred finish_work; /* runs the callback */
    bool finished;
    size_t decide;   /* the first candidate whose outcome is not yet taken into account */
    size_t answered; /* the candidate whose answer was taken */
    bool parallel;   /* options parallel-search: every candidate asked at once */
    bool ptr;
    bool want_a, want_aaaa;
    unsigned rotation, nsteps;
    struct candidate *c; /* search.n of them */
    struct question *q;  /* LOOKUP_QUESTIONS per candidate */
    unsigned nq;
    struct flight *f;
    unsigned nf;
    struct gx_io twin_io;     /* deadline only: the twin re-send */
    struct gx_io deadline_io; /* deadline only: the caller's overall deadline */
    /* The search's memory (res_search): the first as-is answer, NODATA or SERVFAIL seen. */
    int as_is_status;
    int last_status;
    bool got_nodata, got_servfail;
    int status;
    struct gx_addrlist result;
    bool has_name;
    char name_text[GX_DNS_NAME_WIRE_MAX];
    struct gx_dns_stats stats;
    struct search_names search;
};

static void lookup_candidate_start(struct gx_dns_lookup *l, size_t ci);
static void lookup_candidate_over(struct gx_dns_lookup *l, size_t ci);

/* ---- the schedule ---------------------------------------------------------------------------- */

static unsigned step_server(const struct gx_dns_lookup *l, unsigned step)
{
    return (step + l->rotation) % (unsigned)l->conf->nns;
}

/* glibc's send_dg(): (retrans << ns) seconds, divided by the number of servers for ns > 0. */
static uint64_t step_timeout_us(const struct gx_dns_lookup *l, unsigned server)
{
    uint64_t s = (uint64_t)l->conf->timeout_s << server;
    if (server > 0)
        s /= l->conf->nns;
    if (s == 0)
        s = 1;
    return s * 1000000u;
}

static const struct sockaddr *server_addr(const struct gx_dns_lookup *l, unsigned server,
                                          socklen_t *len)
{
    const struct gx_nameserver *ns = &l->conf->ns[server];
    *len = ns->family == AF_INET ? (socklen_t)sizeof(struct sockaddr_in)
                                 : (socklen_t)sizeof(struct sockaddr_in6);
    return (const struct sockaddr *)(const void *)&ns->addr;
}

/* ---- flights --------------------------------------------------------------------------------- */

static void flight_close(struct gx_dns_lookup *l, struct flight *f)
{
    if (!f->in_use)
        return;
    gx_engine_unwatch(l->e, &f->io);
    if (f->is_tcp)
        gx_tcp_close(&f->tcp);
    else if (f->io.fd >= 0)
        close(f->io.fd);
    f->io.fd = -1;
    f->in_use = false;
    f->nq = 0;
}

/* Takes question qi out of its flight; a flight left without questions closes. */
static void question_leave_flight(struct gx_dns_lookup *l, int qi)
{
    struct question *q = &l->q[qi];
    if (q->flight < 0)
        return;
    struct flight *f = &l->f[q->flight];
    for (unsigned i = 0; i < f->nq; i++) {
        if (f->q[i] == qi) {
            f->q[i] = f->q[--f->nq];
            break;
        }
    }
    q->flight = -1;
    if (f->nq == 0)
        flight_close(l, f);
}

static struct flight *flight_free_slot(struct gx_dns_lookup *l)
{
    for (unsigned i = 0; i < l->nf; i++)
        if (!l->f[i].in_use)
            return &l->f[i];
    return NULL;
}

/* ---- questions ------------------------------------------------------------------------------ */

static void lookup_schedule_flush(struct gx_dns_lookup *l)
{
    gx_engine_defer(l->e, &l->flush_work);
}

static void question_queue(struct gx_dns_lookup *l, int qi)
{
    l->q[qi].state = Q_QUEUED;
    lookup_schedule_flush(l);
}

/* The question is over (answered, or its schedule ran out). */
static void question_done(struct gx_dns_lookup *l, int qi, enum q_result r, uint64_t now);

/* This server failed the question (SERVFAIL, REFUSED, timeout...): on to the next step. */
static void question_advance(struct gx_dns_lookup *l, int qi, enum q_result why, uint64_t now)
{
    struct question *q = &l->q[qi];
    question_leave_flight(l, qi);
    if (why == R_TIMEOUT)
        q->saw_timeout = true;
    else if (why == R_SERVFAIL)
        q->saw_servfail = true;
    if (why != R_NONE)
        q->refused_only = false;
    q->step++;
    q->tcp = (l->conf->options & GX_RES_USE_VC) != 0;
    /* EDNS0, once dropped for a server's FORMERR/NOTIMP/BADVERS, stays dropped for the rest of
     * the question (T20): a retry per step would double every later query. */
    q->edns = !q->edns_dropped;
    q->keep_deadline_us = 0;
    if (q->step >= l->nsteps) {
        enum q_result r = q->saw_servfail ? R_SERVFAIL : q->saw_timeout ? R_TIMEOUT : R_FAIL;
        if (q->refused_only)
            r = R_TIMEOUT; /* nobody listening: a temporary failure, as glibc says */
        question_done(l, qi, r, now);
        return;
    }
    question_queue(l, qi);
}

static void lookup_twin_check(struct gx_dns_lookup *l, int done_qi, uint64_t now)
{
    for (unsigned i = 0; i < l->nq; i++) {
        struct question *t = &l->q[i];
        if ((int)i == done_qi || t->cand != l->q[done_qi].cand || t->state != Q_WAITING ||
            t->twin_resent || t->flight < 0)
            continue;
        struct flight *f = &l->f[t->flight];
        if (f->is_tcp || f->server != l->q[done_qi].server_used)
            continue;
        uint64_t rtt = now > f->sent_us ? now - f->sent_us : 0;
        uint64_t delay = rtt * TWIN_RTT_FACTOR;
        if (delay < TWIN_DELAY_MIN_US)
            delay = TWIN_DELAY_MIN_US;
        if (delay > TWIN_DELAY_MAX_US)
            delay = TWIN_DELAY_MAX_US;
        if (f->io.timer.deadline_us > now + delay)
            (void)gx_engine_deadline(l->e, &l->twin_io, now + delay);
    }
}

/* The twin re-send: the question still waiting goes out again, to the same server at the same
 * step, from a fresh socket, keeping its flight's deadline. */
static void lookup_twin_fire(struct gx_io *io, uint64_t now)
{
    struct gx_dns_lookup *l = (struct gx_dns_lookup *)(void *)((char *)io -
                                                               offsetof(struct gx_dns_lookup,
                                                                        twin_io));
    for (unsigned i = 0; i < l->nq; i++) {
        struct question *q = &l->q[i];
        if (q->state != Q_WAITING || q->twin_resent || q->flight < 0 || l->f[q->flight].is_tcp)
            continue;
        q->twin_resent = true;
        q->keep_deadline_us = l->f[q->flight].io.timer.deadline_us;
        question_leave_flight(l, (int)i);
        question_queue(l, (int)i);
    }
    (void)now;
}

static void question_done(struct gx_dns_lookup *l, int qi, enum q_result r, uint64_t now)
{
    struct question *q = &l->q[qi];
    question_leave_flight(l, qi);
    q->state = Q_DONE;
    q->result = r;
    if (r == R_ANSWER || r == R_NODATA || r == R_NXDOMAIN)
        lookup_twin_check(l, qi, now);
    const struct candidate *c = &l->c[q->cand];
    /* single-request: the second question leaves when the first is done. */
    for (unsigned i = c->first_q; i < c->first_q + c->nq; i++)
        if (l->q[i].state == Q_IDLE)
            question_queue(l, (int)i);
    for (unsigned i = c->first_q; i < c->first_q + c->nq; i++)
        if (l->q[i].state != Q_DONE)
            return;
    lookup_candidate_over(l, q->cand);
}

/* ---- replies --------------------------------------------------------------------------------- */

static bool rcode_is_edns_trouble(unsigned rcode)
{
    /* FORMERR or NOTIMP from a server that may not know EDNS0, BADVERS (16) from one that knows a
     * different version (T20, W28): one retry without EDNS0. */
    return rcode == GX_DNS_RCODE_FORMERR || rcode == GX_DNS_RCODE_NOTIMP || rcode == 16;
}

static void question_reply(struct gx_dns_lookup *l, int qi, struct flight *f, const uint8_t *msg,
                           size_t len, const struct gx_dns_reply *r, uint64_t now)
{
    struct question *q = &l->q[qi];
    q->rcode = (int)r->rcode;
    l->stats.rcode = (int)r->rcode;
    if (r->tc && !f->is_tcp) {
        /* T19: a truncated UDP answer is worth nothing; the same server over TCP. A TC bit over
         * TCP is ignored: what came is all there is. */
        question_leave_flight(l, qi);
        q->tcp = true;
        question_queue(l, qi);
        return;
    }
    if (rcode_is_edns_trouble(r->rcode) && q->edns && !q->edns_dropped && !r->has_opt) {
        question_leave_flight(l, qi);
        q->edns = false;
        q->edns_dropped = true;
        question_queue(l, qi);
        return;
    }
    switch (r->rcode) {
    case GX_DNS_RCODE_NOERROR:
        break;
    case GX_DNS_RCODE_NXDOMAIN:
        /* S02: whatever records the reply carries, the name does not exist. */
        q->server_used = f->server;
        question_done(l, qi, R_NXDOMAIN, now);
        return;
    case GX_DNS_RCODE_SERVFAIL:
        question_advance(l, qi, R_SERVFAIL, now);
        return;
    case GX_DNS_RCODE_FORMERR:
        /* T20: FORMERR to a query without EDNS0 (the retry, or EDNS0 already dropped) is final,
         * as in glibc, where FORMERR is not among the codes that try the next server: the
         * query itself is what the server rejects, and every server would say the same. */
        q->server_used = f->server;
        question_done(l, qi, R_FAIL, now);
        return;
    default:
        /* REFUSED, NOTIMP after the EDNS retry, YXDOMAIN and every other code (S09):
         * this server cannot help; the next one may. */
        question_advance(l, qi, R_FAIL, now);
        return;
    }

    struct gx_addr stack_addrs[GX_ADDRLIST_INLINE];
    struct gx_addr *addrs = stack_addrs;
    size_t max = GX_ADDRLIST_INLINE;
    if (r->ancount > GX_ADDRLIST_INLINE && q->qtype != GX_DNS_TYPE_PTR) {
        max = r->ancount < ANSWER_ADDRS_MAX ? r->ancount : ANSWER_ADDRS_MAX;
        addrs = malloc(max * sizeof *addrs);
        if (!addrs) {
            question_advance(l, qi, R_FAIL, now);
            return;
        }
    }
    struct gx_dns_answer ans;
    const uint8_t *qname = l->search.names[q->cand];
    int n = gx_dns_answer_collect(msg, len, qname, q->qtype, addrs, max, &ans);
    for (int i = 0; q->qtype != GX_DNS_TYPE_PTR && i < n; i++)
        if (gx_addrlist_add(&q->addrs, &addrs[i]) < 0)
            break;
    if (addrs != stack_addrs)
        free(addrs);
    if (n < 0) {
        question_advance(l, qi, R_FAIL, now); /* malformed beyond the first check */
        return;
    }
    bool found = q->qtype == GX_DNS_TYPE_PTR ? n == 1 : q->addrs.n > 0;
    unsigned additional = r->arcount - (r->has_opt ? 1u : 0u);
    if (!found && r->ancount == 0 && !r->aa && !r->ra && additional == 0) {
        /* T23: a lame referral (no answer, not authoritative, no recursion, no glue: glibc's
         * rule, with our own OPT echo not counted as glue): next server. */
        question_advance(l, qi, R_FAIL, now);
        return;
    }
    q->server_used = f->server;
    q->ttl_s = ans.ttl_s;
    q->canon_len = ans.canon_text_len;
    memcpy(q->canon, ans.canon_text, ans.canon_text_len + 1);
    question_done(l, qi, found ? R_ANSWER : R_NODATA, now);
}

/* A message arrived on f: give it to the question it answers, or drop it (P5). */
static void flight_message(struct gx_dns_lookup *l, struct flight *f, const uint8_t *msg,
                           size_t len, uint64_t now)
{
    for (unsigned i = 0; i < f->nq; i++) {
        int qi = f->q[i];
        struct question *q = &l->q[qi];
        struct gx_dns_reply r;
        if (gx_dns_reply_check(msg, len, q->id, l->search.names[q->cand], q->qtype, &r) != GX_OK)
            continue;
        question_reply(l, qi, f, msg, len, &r, now);
        return;
    }
}

/* Every question of the flight moves to its next step (timeout, refused, socket error). */
static void flight_fail(struct gx_dns_lookup *l, struct flight *f, enum q_result why,
                        uint64_t now)
{
    int qs[FLIGHT_QUESTIONS];
    unsigned n = f->nq;
    memcpy(qs, f->q, n * sizeof qs[0]);
    for (unsigned i = 0; i < n; i++)
        question_advance(l, qs[i], why, now);
}

/* One datagram (len >= 0) or receive outcome (an enum gx_udp_result) for UDP flight f. Returns
 * whether the flight still waits for more. */
static bool flight_datagram(struct gx_dns_lookup *l, struct flight *f, const uint8_t *msg, int len,
                            uint64_t now)
{
    if (len == GX_UDP_REFUSED || len == GX_UDP_ERROR) {
        /* ICMP port unreachable: nobody listens there; skip the server at once. */
        flight_fail(l, f, len == GX_UDP_REFUSED ? R_NONE : R_FAIL, now);
        return false;
    }
    if (len == GX_UDP_TOO_LONG) {
        /* W29: longer than any answer we asked for; never parsed cut. Its question cannot be
         * told from the bytes we did not read: the flight's questions retry over TCP. */
        int qs[FLIGHT_QUESTIONS];
        unsigned cnt = f->nq;
        memcpy(qs, f->q, cnt * sizeof qs[0]);
        for (unsigned k = 0; k < cnt; k++) {
            question_leave_flight(l, qs[k]);
            l->q[qs[k]].tcp = true;
            question_queue(l, qs[k]);
        }
        return false;
    }
    flight_message(l, f, msg, (size_t)len, now);
    return f->in_use; /* every question answered: what else came is not read */
}

static void flight_ready(struct gx_io *io, uint64_t now)
{
    struct flight *f = (struct flight *)(void *)((char *)io - offsetof(struct flight, io));
    struct gx_dns_lookup *l = f->l;
    if (f->is_tcp) {
        for (;;) {
            enum gx_tcp_result r = gx_tcp_step(&f->tcp);
            if (r == GX_TCP_FAILED) {
                flight_fail(l, f, R_FAIL, now); /* T14, T17: the next server */
                return;
            }
            if (r == GX_TCP_PROGRESS) {
                f->io.events = gx_tcp_events(&f->tcp);
                (void)gx_engine_watch(l->e, &f->io);
                return;
            }
            unsigned before = f->nq;
            flight_message(l, f, f->tcp.msg, f->tcp.msg_len, now);
            if (!f->in_use || f->nq < before)
                return; /* answered (T15, T16: what follows stays unread) */
            gx_tcp_next(&f->tcp); /* not ours (T18): read the next message */
        }
    }
    /* A flight's two answers, read with one system call. On the stack, not in the lookup: every
     * answer is parsed before this returns (P7: nothing keeps a pointer into it), and 8 KB less
     * per lookup keeps a thousand lookups in flight in fewer cache lines. */
    uint8_t rbuf[2][GX_UDP_RECV_MAX];
    for (;;) {
        int lens[2];
        int got = gx_udp_recv2(f->io.fd, rbuf[0], rbuf[1], GX_UDP_RECV_MAX, f->nq, lens);
        if (got == GX_UDP_NONE)
            return;
        if (got < 0) {
            (void)flight_datagram(l, f, NULL, got, now);
            return;
        }
        for (int i = 0; i < got; i++)
            if (!flight_datagram(l, f, rbuf[i], lens[i], now))
                return;
    }
}

/* The questions qis could not be sent (err: the errno of the socket, its connect or a send). */
static void questions_unsent(struct gx_dns_lookup *l, const int *qis, unsigned n, int err,
                             uint64_t now)
{
    if (err == EMFILE || err == ENFILE || err == ENOMEM) {
        /* Out of resources here, not a fault of the server: stop (R01). */
        for (unsigned i = 0; i < n; i++)
            question_done(l, qis[i], R_TIMEOUT, now);
        return;
    }
    /* The server cannot be reached from here (ENETUNREACH, EAFNOSUPPORT): next step. Like a
     * port-unreachable server it counts as absent, not as failing: if no server can be reached
     * at all the lookup is a temporary failure (EAI_AGAIN), as with glibc. */
    for (unsigned i = 0; i < n; i++)
        question_advance(l, qis[i], R_NONE, now);
}

/* A flight through the engine's ring: its answers arrive one by one. */
static void flight_ring_datagram(struct gx_io *io, const uint8_t *msg, int len, uint64_t now)
{
    struct flight *f = (struct flight *)(void *)((char *)io - offsetof(struct flight, io));
    struct gx_dns_lookup *l = f->l;
    if (len == GX_UDP_UNSENT) {
        int err = errno, qs[FLIGHT_QUESTIONS];
        unsigned n = f->nq;
        memcpy(qs, f->q, n * sizeof qs[0]);
        questions_unsent(l, qs, n, err, now);
        return;
    }
    (void)flight_datagram(l, f, msg, len, now);
}

static void flight_timeout(struct gx_io *io, uint64_t now)
{
    struct flight *f = (struct flight *)(void *)((char *)io - offsetof(struct flight, io));
    flight_fail(f->l, f, R_TIMEOUT, now);
}

/* ---- sending --------------------------------------------------------------------------------- */

/* Whether id is taken by another question of the lookup that may still get a reply: one in a
 * flight, or one of the batch being built (qis[0..n)). */
static bool question_id_taken(const struct gx_dns_lookup *l, const struct question *q,
                              uint16_t id, const int *qis, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (&l->q[qis[i]] != q && l->q[qis[i]].id == id)
            return true;
    for (unsigned i = 0; i < l->nq; i++)
        if (&l->q[i] != q && l->q[i].flight >= 0 && l->q[i].id == id)
            return true;
    return false;
}

/* A fresh random ID (P10), never one another live question of the lookup holds: A and AAAA of
 * one lookup never share an ID (V12; CVE-2022-30295, CVE-2023-31147), so that a reply can only
 * ever match the question it answers. prev: the questions of this batch already built. */
static int question_build(struct gx_dns_lookup *l, struct question *q, uint8_t *buf,
                          const int *prev, unsigned nprev)
{
    do {
        if (gx_random_u16(&q->id) < 0)
            return GX_E_SYSTEM; /* fail closed: no predictable IDs (P10) */
    } while (question_id_taken(l, q, q->id, prev, nprev));
    return gx_dns_query_build(buf, GX_DNS_QUERY_MAX, q->id, l->search.names[q->cand], q->qtype,
                              q->edns);
}

/* Opens a flight for the questions qis (same step and transport) and sends them. */
static void flight_launch(struct gx_dns_lookup *l, const int *qis, unsigned n, uint64_t now)
{
    struct question *q0 = &l->q[qis[0]];
    unsigned server = step_server(l, q0->step);
    struct flight *f = flight_free_slot(l);
    socklen_t alen;
    const struct sockaddr *addr = server_addr(l, server, &alen);
    uint8_t query[FLIGHT_QUESTIONS][GX_DNS_QUERY_MAX];
    const uint8_t *msgs[FLIGHT_QUESTIONS];
    size_t lens[FLIGHT_QUESTIONS];
    int qlen[FLIGHT_QUESTIONS];
    int st = f ? GX_OK : GX_E_LIMIT;
    for (unsigned i = 0; st >= 0 && i < n; i++) {
        qlen[i] = question_build(l, &l->q[qis[i]], query[i], qis, i);
        st = qlen[i];
        msgs[i] = query[i];
        lens[i] = (size_t)qlen[i];
    }
    if (st >= 0) {
        gx_io_init(&f->io);
        f->l = l;
        f->is_tcp = q0->tcp;
        f->server = server;
        f->nq = 0;
        f->sent_us = now;
        if (f->is_tcp) {
            st = gx_tcp_open(&f->tcp, addr, alen, query[0], (size_t)qlen[0]);
            f->io.fd = f->tcp.fd;
            f->io.events = gx_tcp_events(&f->tcp);
        } else {
            /* Through the engine's ring when it has one (async), else a socket of our own. */
            f->io.on_datagram = flight_ring_datagram;
            st = gx_engine_udp_start(l->e, &f->io, addr, alen, msgs, lens, n);
            if (st == GX_E_LIMIT) {
                st = gx_udp_open(addr, alen, &f->io.fd);
                if (st >= 0)
                    st = gx_udp_sendn(f->io.fd, msgs, lens, n);
            }
            f->io.events = POLLIN;
        }
        if (st >= 0) {
            f->in_use = true;
            f->io.on_ready = flight_ready;
            f->io.on_timeout = flight_timeout;
            uint64_t deadline = now + step_timeout_us(l, server);
            if (q0->keep_deadline_us && q0->keep_deadline_us < deadline)
                deadline = q0->keep_deadline_us;
            st = gx_engine_watch(l->e, &f->io);
            if (st >= 0)
                st = gx_engine_deadline(l->e, &f->io, deadline);
        } else if (f->io.fd >= 0 && !f->is_tcp) {
            close(f->io.fd);
            f->io.fd = -1;
        }
    }
    if (st < 0) {
        int err = st == GX_E_SYSTEM ? errno : ENOMEM;
        if (f && f->in_use)
            flight_close(l, f);
        questions_unsent(l, qis, n, err, now);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        struct question *q = &l->q[qis[i]];
        q->state = Q_WAITING;
        q->flight = (int)(f - l->f);
        f->q[f->nq++] = qis[i];
        l->stats.queries++;
    }
}

/* Deferred: sends every queued question, pairs that share a step and a transport together. */
static void lookup_flush(struct gx_deferred *d)
{
    struct gx_dns_lookup *l = (struct gx_dns_lookup *)(void *)((char *)d -
                                                               offsetof(struct gx_dns_lookup,
                                                                        flush_work));
    uint64_t now = gx_engine_now_us();
    bool reopen = (l->conf->options & GX_RES_SINGLE_REQUEST_REOPEN) != 0;
    /* parallel-search: the queued questions of every candidate for the same server share one
     * flight (one socket, one sendmmsg), unless single-request asks for one query at a time. */
    bool across = l->parallel && !(l->conf->options & (GX_RES_SINGLE_REQUEST |
                                                       GX_RES_SINGLE_REQUEST_REOPEN));
    unsigned max = across ? FLIGHT_QUESTIONS : LOOKUP_QUESTIONS;
    for (unsigned i = 0; i < l->nq && !l->finished; i++) {
        if (l->q[i].state != Q_QUEUED)
            continue;
        int group[FLIGHT_QUESTIONS] = {(int)i};
        unsigned n = 1;
        for (unsigned j = i + 1; j < l->nq && n < max && !reopen && !l->q[i].tcp; j++) {
            struct question *a = &l->q[i], *b = &l->q[j];
            if (b->state == Q_QUEUED && !b->tcp && b->step == a->step &&
                (across || b->cand == a->cand) && b->keep_deadline_us == a->keep_deadline_us)
                group[n++] = (int)j;
        }
        flight_launch(l, group, n, now);
    }
}

/* ---- candidates and the end ----------------------------------------------------------------- */

static void lookup_candidate_start(struct gx_dns_lookup *l, size_t ci)
{
    struct candidate *c = &l->c[ci];
    bool single = (l->conf->options &
                   (GX_RES_SINGLE_REQUEST | GX_RES_SINGLE_REQUEST_REOPEN)) != 0;
    c->started = true;
    for (unsigned i = 0; i < c->nq; i++) {
        struct question *q = &l->q[c->first_q + i];
        q->state = (single && i > 0) ? Q_IDLE : Q_QUEUED;
    }
    lookup_schedule_flush(l);
}

static void lookup_finish(struct gx_dns_lookup *l, int status)
{
    if (l->finished)
        return;
    l->finished = true;
    l->status = status;
    for (unsigned i = 0; i < l->nf; i++)
        flight_close(l, &l->f[i]);
    gx_engine_unwatch(l->e, &l->twin_io);
    gx_engine_unwatch(l->e, &l->deadline_io);
    gx_engine_defer(l->e, &l->finish_work);
}

/* What a candidate's questions add up to, as res_query would report it. */
static enum q_result candidate_outcome(const struct gx_dns_lookup *l, size_t ci, bool *stop_all)
{
    bool answer = false, nodata = false, all_nx = true, servfail = false, timeout = false;
    bool refused_only = true;
    const struct candidate *c = &l->c[ci];
    for (unsigned i = c->first_q; i < c->first_q + c->nq; i++) {
        const struct question *q = &l->q[i];
        answer |= q->result == R_ANSWER;
        nodata |= q->result == R_NODATA;
        all_nx &= q->result == R_NXDOMAIN;
        servfail |= q->result == R_SERVFAIL;
        timeout |= q->result == R_TIMEOUT;
        refused_only &= q->refused_only && q->result == R_TIMEOUT;
    }
    *stop_all = refused_only;
    bool failed = servfail || timeout;
    if (answer && !(failed && (l->conf->options & GX_RES_STRICT_ERROR)))
        return R_ANSWER;
    if (servfail)
        return R_SERVFAIL;
    if (timeout)
        return R_TIMEOUT;
    if (all_nx)
        return R_NXDOMAIN;
    if (nodata)
        return R_NODATA;
    return R_FAIL;
}

static int outcome_status(enum q_result r)
{
    switch (r) {
    case R_NXDOMAIN:
        return GX_E_NONAME;
    case R_NODATA:
        return GX_E_NODATA;
    case R_SERVFAIL:
    case R_TIMEOUT:
        return GX_E_AGAIN;
    default:
        return GX_E_FAIL;
    }
}

static void lookup_take_answer(struct gx_dns_lookup *l, size_t ci)
{
    /* A before AAAA, as glibc's gethostbyname4 lists them; the canonical name from the first
     * question that has addresses. */
    const struct question *named = NULL;
    const struct candidate *c = &l->c[ci];
    l->answered = ci;
    for (unsigned i = c->first_q; i < c->first_q + c->nq; i++) {
        const struct question *q = &l->q[i];
        if (q->result != R_ANSWER)
            continue;
        for (size_t k = 0; k < q->addrs.n; k++)
            (void)gx_addrlist_add(&l->result, &q->addrs.v[k]);
        if (!named)
            named = q;
        if (l->stats.ttl_s == 0 || q->ttl_s < l->stats.ttl_s)
            l->stats.ttl_s = q->ttl_s;
    }
    if (!named)
        return;
    l->stats.server = l->conf->ns[named->server_used].addr;
    l->stats.rcode = named->rcode; /* the answer's, not whatever a later candidate got */
    /* The end of the chain, or the last name of it that passes the host-name check (N06). */
    l->has_name = named->canon_len > 0;
    if (l->has_name)
        memcpy(l->name_text, named->canon, named->canon_len + 1);
}

/*
 * Takes the candidates' outcomes into account in search-list order, as res_search would have met
 * them one after the other: the first answer wins; NXDOMAIN, NODATA and SERVFAIL go on to the next
 * name (SERVFAIL not under strict-error); any other failure ends the search, except that the name itself is still asked if it was
 * not. In parallel-search mode later candidates may already be done (or still flying: the lookup
 * waits for them in order); sequentially the next one starts only now.
 */
static void lookup_decide(struct gx_dns_lookup *l)
{
    while (!l->finished && l->decide < l->search.n) {
        struct candidate *c = &l->c[l->decide];
        if (!c->started) {
            lookup_candidate_start(l, l->decide);
            return;
        }
        if (!c->done)
            return;
        enum q_result r = c->outcome;
        if (r == R_ANSWER) {
            lookup_take_answer(l, l->decide);
            lookup_finish(l, GX_OK);
            return;
        }
        if (r == R_SERVFAIL && (l->conf->options & GX_RES_STRICT_ERROR)) {
            /* S08 strict: a server failure ends the search, whatever later names would say. */
            lookup_finish(l, GX_E_AGAIN);
            return;
        }
        if (l->decide == l->search.as_is && l->search.as_is_first)
            l->as_is_status = outcome_status(r);
        l->got_nodata |= r == R_NODATA;
        l->got_servfail |= r == R_SERVFAIL;
        size_t next = l->decide + 1;
        if (c->stop_all) {
            next = l->search.n; /* no server listening: give up (glibc: ECONNREFUSED) */
        } else if (r != R_NXDOMAIN && r != R_NODATA && r != R_SERVFAIL) {
            next = (l->search.as_is != SIZE_MAX && l->search.as_is > l->decide) ? l->search.as_is
                                                                               : l->search.n;
        }
        l->last_status = outcome_status(r);
        l->decide = next;
    }
    if (l->finished)
        return;
    int status = l->last_status;
    if (l->as_is_status != 0)
        status = l->as_is_status;
    else if (l->got_nodata)
        status = GX_E_NODATA;
    else if (l->got_servfail)
        status = GX_E_AGAIN;
    lookup_finish(l, status);
}

/* Every question of candidate ci is done. */
static void lookup_candidate_over(struct gx_dns_lookup *l, size_t ci)
{
    struct candidate *c = &l->c[ci];
    c->done = true;
    c->outcome = candidate_outcome(l, ci, &c->stop_all);
    lookup_decide(l);
}

static void lookup_finish_run(struct gx_deferred *d)
{
    struct gx_dns_lookup *l = (struct gx_dns_lookup *)(void *)((char *)d -
                                                               offsetof(struct gx_dns_lookup,
                                                                        finish_work));
    l->done(l, l->arg);
    for (unsigned i = 0; i < l->nq; i++)
        gx_addrlist_free(&l->q[i].addrs);
    gx_addrlist_free(&l->result);
    gx_resolvconf_unref(l->conf);
    free(l);
}

static void lookup_deadline(struct gx_io *io, uint64_t now)
{
    struct gx_dns_lookup *l = (struct gx_dns_lookup *)(void *)((char *)io -
                                                               offsetof(struct gx_dns_lookup,
                                                                        deadline_io));
    (void)now;
    lookup_finish(l, GX_E_AGAIN);
}

/* ---- public ---------------------------------------------------------------------------------- */

/* The names to ask: the search list, or the one PTR name. */
static int lookup_names(const struct gx_dns_params *p, struct gx_search *search)
{
    if (p->ptr_name) {
        int n = gx_dns_name_length(p->ptr_name);
        if (n < 0)
            return GX_E_NONAME;
        memcpy(search->names[0], p->ptr_name, (size_t)n);
        search->n = 1;
        search->as_is = 0;
        search->as_is_first = true;
        return GX_OK;
    }
    if (!p->want_a && !p->want_aaaa)
        return GX_E_NODATA;
    return gx_search_build(p->name, p->name_len, p->conf, search);
}

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) / a * a;
}

int gx_dns_lookup_start(struct gx_engine *e, const struct gx_dns_params *p, gx_dns_done_fn *done,
                        void *arg, struct gx_dns_lookup **out)
{
    if (p->conf->nns == 0)
        return GX_E_AGAIN;
    struct gx_search search;
    int st = lookup_names(p, &search);
    if (st < 0)
        return st;
    unsigned per = p->ptr_name ? 1u : (unsigned)p->want_a + (unsigned)p->want_aaaa;
    bool parallel = !p->ptr_name && (p->conf->options & GX_RES_PARALLEL_SEARCH) != 0;
    size_t ncand = search.n;
    size_t nq = ncand * per;
    size_t nf = parallel ? ncand * FLIGHTS_PER_CANDIDATE : FLIGHTS_PER_CANDIDATE;
    /* One allocation for the lookup and its arrays (at most 33 candidates: bounded); each
     * array starts at an offset rounded up to its own alignment. */
    size_t off_c = align_up(sizeof(struct gx_dns_lookup), _Alignof(struct candidate));
    size_t off_q = align_up(off_c + ncand * sizeof(struct candidate), _Alignof(struct question));
    size_t off_f = align_up(off_q + nq * sizeof(struct question), _Alignof(struct flight));
    size_t off_n = off_f + nf * sizeof(struct flight);
    size_t size = off_n + ncand * sizeof search.names[0];
    /* Zeroed but for the names, which are copied in (the full gx_search is 8 KB, used: n). */
    struct gx_dns_lookup *l = malloc(size);
    if (!l)
        return GX_E_MEMORY;
    memset(l, 0, off_n);
    l->c = (struct candidate *)(void *)((char *)l + off_c);
    l->q = (struct question *)(void *)((char *)l + off_q);
    l->f = (struct flight *)(void *)((char *)l + off_f);
    l->nq = (unsigned)nq;
    l->nf = (unsigned)nf;
    l->search.n = search.n;
    l->search.as_is = search.as_is;
    l->search.as_is_first = search.as_is_first;
    l->search.names = (uint8_t(*)[GX_DNS_NAME_WIRE_MAX])(void *)((char *)l + off_n);
    memcpy(l->search.names, search.names, ncand * sizeof search.names[0]);
    l->e = e;
    l->done = done;
    l->arg = arg;
    l->ptr = p->ptr_name != NULL;
    l->parallel = parallel;
    l->want_a = p->want_a;
    l->want_aaaa = p->want_aaaa;
    l->rotation = p->rotation % (unsigned)p->conf->nns;
    l->nsteps = p->conf->attempts * (unsigned)p->conf->nns;
    l->flush_work.run = lookup_flush;
    l->finish_work.run = lookup_finish_run;
    l->stats.rcode = -1;
    l->last_status = GX_E_NONAME;
    gx_addrlist_init(&l->result);
    uint16_t types[LOOKUP_QUESTIONS];
    unsigned nt = 0;
    if (l->ptr) {
        types[nt++] = GX_DNS_TYPE_PTR;
    } else {
        if (p->want_a)
            types[nt++] = GX_DNS_TYPE_A;
        if (p->want_aaaa)
            types[nt++] = GX_DNS_TYPE_AAAA;
    }
    for (size_t ci = 0; ci < ncand; ci++) {
        l->c[ci].first_q = (unsigned)(ci * per);
        l->c[ci].nq = per;
        for (unsigned k = 0; k < per; k++) {
            struct question *q = &l->q[ci * per + k];
            q->cand = (unsigned)ci;
            q->qtype = types[k];
            q->flight = -1;
            q->edns = true;
            q->tcp = (p->conf->options & GX_RES_USE_VC) != 0; /* T25: every query over TCP */
            q->refused_only = true;
            gx_addrlist_init(&q->addrs);
        }
    }
    for (unsigned i = 0; i < nf; i++)
        gx_io_init(&l->f[i].io);
    gx_io_init(&l->twin_io);
    l->twin_io.on_timeout = lookup_twin_fire;
    gx_io_init(&l->deadline_io);
    l->deadline_io.on_timeout = lookup_deadline;
    if (p->deadline_us && gx_engine_deadline(e, &l->deadline_io, p->deadline_us) < 0) {
        free(l);
        return GX_E_MEMORY;
    }
    gx_resolvconf_ref((struct gx_resolv_conf *)(uintptr_t)p->conf);
    l->conf = (struct gx_resolv_conf *)(uintptr_t)p->conf;
    if (parallel) {
        /* parallel-search: every name leaves now; the answer is still chosen in list order. */
        for (size_t ci = 0; ci < ncand; ci++)
            lookup_candidate_start(l, ci);
    } else {
        lookup_decide(l);
    }
    *out = l;
    return GX_OK;
}

void gx_dns_lookup_cancel(struct gx_dns_lookup *l)
{
    for (unsigned i = 0; i < l->nf; i++)
        flight_close(l, &l->f[i]);
    gx_engine_unwatch(l->e, &l->twin_io);
    gx_engine_unwatch(l->e, &l->deadline_io);
    gx_engine_undefer(l->e, &l->flush_work);
    gx_engine_undefer(l->e, &l->finish_work);
    for (unsigned i = 0; i < l->nq; i++)
        gx_addrlist_free(&l->q[i].addrs);
    gx_addrlist_free(&l->result);
    gx_resolvconf_unref(l->conf);
    free(l);
}

int gx_dns_lookup_status(const struct gx_dns_lookup *l)
{
    return l->status;
}

int gx_dns_lookup_take(struct gx_dns_lookup *l, struct gx_addrlist *out)
{
    for (size_t i = 0; i < l->result.n; i++) {
        int st = gx_addrlist_add(out, &l->result.v[i]);
        if (st < 0)
            return st;
    }
    if (l->result.truncated)
        out->truncated = true;
    return GX_OK;
}

const char *gx_dns_lookup_name(const struct gx_dns_lookup *l)
{
    return l->has_name ? l->name_text : NULL;
}

const struct gx_dns_stats *gx_dns_lookup_stats(const struct gx_dns_lookup *l)
{
    return &l->stats;
}
