#include "engine/ring.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/status.h"
#include "dns/wire.h"
#include "engine/engine.h"
#include "transport/udp.h"

/* Submission entries: room for a round's launches; a full queue is submitted early. */
#define RING_SQ_ENTRIES 1024u
/* Completion entries: answers of a thousand flights without overflow. */
#define RING_CQ_ENTRIES 4096u
/* Flights through the ring at once (the direct descriptor table); more take the socket path. */
#define RING_SLOTS_MAX 4096u
/* Slots are allocated in chunks that never move (the kernel reads their addresses). */
#define RING_CHUNK 64u
/* Provided receive buffers: GX_UDP_RECV_MAX bytes each, 1 MiB. A RECV that finds none waiting
 * ends with ENOBUFS and is re-armed: the datagram waits in its socket meanwhile. */
#define RING_BUFS 256u
#define RING_BGID 0

/* The kind of entry a completion belongs to, in the top byte of its user_data. */
enum { K_SETUP = 1, K_RECV, K_CANCEL, K_CLOSE };

struct ring_slot {
    struct gx_io *owner; /* NULL once its flight is over */
    uint32_t gen;        /* told apart from older completions of the same slot */
    uint32_t next;       /* free list, then list of closes that found no room */
    uint8_t owed;        /* completions the kernel still owes (RECV, CLOSE) */
    bool recv_armed;
    bool failed;        /* a setup error was reported: nothing more reaches the owner */
    bool close_waiting; /* in the pending list: CANCEL + CLOSE not queued yet */
    socklen_t addr_len;
    union {
        struct sockaddr sa;
        struct sockaddr_in6 in6;
        struct sockaddr_in in;
    } addr;
    uint8_t out[GX_RING_SEND_MAX][GX_DNS_QUERY_MAX];
};

struct gx_ring {
    int fd;
    void *sq_map, *sqes_map;
    size_t sq_map_len, sqes_map_len;
    unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *sq_flags;
    unsigned *cq_head, *cq_tail, *cq_mask;
    struct io_uring_cqe *cqes;
    struct io_uring_sqe *sqes;
    unsigned sq_entries;
    unsigned sq_local; /* our tail: entries written, published at the next submit */
    struct io_uring_buf_ring *br;
    uint8_t *bufs;
    size_t buf_map_len;
    uint16_t br_tail;
    struct ring_slot **chunks;
    uint32_t nslots, max_slots;
    uint32_t free_head;    /* GX_RING_NO_SLOT when empty */
    uint32_t pending_head; /* slots whose close waits for room */
};

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
    return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags)
{
    return (int)syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, NULL, 0);
}

static int sys_register(int fd, unsigned op, void *arg, unsigned nr)
{
    return (int)syscall(__NR_io_uring_register, fd, op, arg, nr);
}

static struct ring_slot *slot_at(const struct gx_ring *r, uint32_t i)
{
    return &r->chunks[i / RING_CHUNK][i % RING_CHUNK];
}

static uint64_t user_data(unsigned kind, uint32_t slot, uint32_t gen)
{
    return (uint64_t)kind << 56 | (uint64_t)(gen & 0xffffffu) << 32 | slot;
}

/* ---- opening --------------------------------------------------------------------------------- */

static bool ops_supported(int fd)
{
    size_t len = sizeof(struct io_uring_probe) + 256 * sizeof(struct io_uring_probe_op);
    struct io_uring_probe *p = calloc(1, len);
    if (!p)
        return false;
    bool ok = sys_register(fd, IORING_REGISTER_PROBE, p, 256) == 0;
    static const unsigned char need[] = {IORING_OP_SOCKET, IORING_OP_CONNECT,
                                         IORING_OP_SEND,   IORING_OP_RECV,
                                         IORING_OP_CLOSE,  IORING_OP_ASYNC_CANCEL};
    for (size_t i = 0; ok && i < sizeof need; i++)
        ok = need[i] <= p->last_op && (p->ops[need[i]].flags & IO_URING_OP_SUPPORTED);
    free(p);
    return ok;
}

static void buf_give(struct gx_ring *r, uint16_t bid)
{
    struct io_uring_buf *b = &r->br->bufs[r->br_tail & (RING_BUFS - 1)];
    b->addr = (uint64_t)(uintptr_t)(r->bufs + (size_t)bid * GX_UDP_RECV_MAX);
    b->len = GX_UDP_RECV_MAX;
    b->bid = bid;
    r->br_tail++;
    __atomic_store_n(&r->br->tail, r->br_tail, __ATOMIC_RELEASE);
}

static int ring_map(struct gx_ring *r, const struct io_uring_params *p)
{
    size_t sq_len = p->sq_off.array + p->sq_entries * sizeof(unsigned);
    size_t cq_len = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
    r->sq_map_len = sq_len > cq_len ? sq_len : cq_len;
    r->sq_map = mmap(NULL, r->sq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                     IORING_OFF_SQ_RING);
    if (r->sq_map == MAP_FAILED) {
        r->sq_map = NULL;
        return GX_E_SYSTEM;
    }
    r->sqes_map_len = p->sq_entries * sizeof(struct io_uring_sqe);
    r->sqes_map = mmap(NULL, r->sqes_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                       r->fd, IORING_OFF_SQES);
    if (r->sqes_map == MAP_FAILED) {
        r->sqes_map = NULL;
        return GX_E_SYSTEM;
    }
    /* A forked child must never write into its parent's ring: it does not get the mapping. */
    (void)madvise(r->sq_map, r->sq_map_len, MADV_DONTFORK);
    (void)madvise(r->sqes_map, r->sqes_map_len, MADV_DONTFORK);
    char *sq = r->sq_map;
    r->sq_head = (unsigned *)(void *)(sq + p->sq_off.head);
    r->sq_tail = (unsigned *)(void *)(sq + p->sq_off.tail);
    r->sq_mask = (unsigned *)(void *)(sq + p->sq_off.ring_mask);
    r->sq_array = (unsigned *)(void *)(sq + p->sq_off.array);
    r->sq_flags = (unsigned *)(void *)(sq + p->sq_off.flags);
    r->cq_head = (unsigned *)(void *)(sq + p->cq_off.head);
    r->cq_tail = (unsigned *)(void *)(sq + p->cq_off.tail);
    r->cq_mask = (unsigned *)(void *)(sq + p->cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *)(void *)(sq + p->cq_off.cqes);
    r->sqes = r->sqes_map;
    r->sq_entries = p->sq_entries;
    r->sq_local = *r->sq_tail;
    return GX_OK;
}

static int ring_buffers(struct gx_ring *r)
{
    size_t ring_len = RING_BUFS * sizeof(struct io_uring_buf);
    r->buf_map_len = ring_len + (size_t)RING_BUFS * GX_UDP_RECV_MAX;
    void *m =
        mmap(NULL, r->buf_map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return GX_E_SYSTEM;
    (void)madvise(m, r->buf_map_len, MADV_DONTFORK);
    r->br = m;
    r->bufs = (uint8_t *)m + ring_len;
    struct io_uring_buf_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.ring_addr = (uint64_t)(uintptr_t)m;
    reg.ring_entries = RING_BUFS;
    reg.bgid = RING_BGID;
    if (sys_register(r->fd, IORING_REGISTER_PBUF_RING, &reg, 1) != 0) {
        munmap(m, r->buf_map_len);
        r->br = NULL;
        return GX_E_SYSTEM;
    }
    r->br_tail = 0;
    for (uint16_t i = 0; i < RING_BUFS; i++)
        buf_give(r, i);
    return GX_OK;
}

static int ring_files(struct gx_ring *r)
{
    /* The kernel refuses a table larger than RLIMIT_NOFILE. */
    struct rlimit rl;
    uint32_t n = RING_SLOTS_MAX;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n)
        n = (uint32_t)rl.rlim_cur;
    n -= n % RING_CHUNK;
    if (n == 0) {
        errno = EMFILE;
        return GX_E_SYSTEM;
    }
    struct io_uring_rsrc_register reg;
    memset(&reg, 0, sizeof reg);
    reg.nr = n;
    reg.flags = IORING_RSRC_REGISTER_SPARSE;
    if (sys_register(r->fd, IORING_REGISTER_FILES2, &reg, sizeof reg) != 0)
        return GX_E_SYSTEM;
    r->chunks = calloc(n / RING_CHUNK, sizeof *r->chunks);
    if (!r->chunks)
        return GX_E_MEMORY;
    r->max_slots = n;
    return GX_OK;
}

int gx_ring_open(struct gx_ring **out)
{
    *out = NULL;
    struct gx_ring *r = calloc(1, sizeof *r);
    if (!r)
        return GX_E_MEMORY;
    r->fd = -1;
    r->free_head = r->pending_head = GX_RING_NO_SLOT;
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
              IORING_SETUP_CQSIZE;
    p.cq_entries = RING_CQ_ENTRIES;
    r->fd = sys_setup(RING_SQ_ENTRIES, &p);
    int st = GX_OK;
    if (r->fd < 0)
        st = GX_E_SYSTEM;
    else if (!(p.features & IORING_FEAT_SINGLE_MMAP) || !(p.features & IORING_FEAT_NODROP) ||
             !ops_supported(r->fd)) {
        errno = ENOSYS;
        st = GX_E_SYSTEM;
    }
    if (st == GX_OK)
        st = ring_map(r, &p);
    if (st == GX_OK)
        st = ring_buffers(r);
    if (st == GX_OK)
        st = ring_files(r);
    if (st != GX_OK) {
        int err = errno;
        gx_ring_free(r, false);
        errno = err;
        return st;
    }
    *out = r;
    return GX_OK;
}

void gx_ring_free(struct gx_ring *r, bool forked)
{
    if (!r)
        return;
    if (!forked) {
        if (r->sq_map && r->sqes_map)
            gx_ring_submit(r); /* the closes of the flights that just ended: sockets go now */
        if (r->sq_map)
            munmap(r->sq_map, r->sq_map_len);
        if (r->sqes_map)
            munmap(r->sqes_map, r->sqes_map_len);
    }
    /* Closing the descriptor cancels the ring's requests and closes its sockets; the buffers
     * are unmapped after, when nothing can write into them. */
    if (r->fd >= 0)
        close(r->fd);
    if (r->br && !forked)
        munmap(r->br, r->buf_map_len);
    for (uint32_t i = 0; r->chunks && i < r->max_slots / RING_CHUNK; i++)
        free(r->chunks[i]);
    free(r->chunks);
    free(r);
}

int gx_ring_fd(const struct gx_ring *r)
{
    return r->fd;
}

/* ---- submitting ------------------------------------------------------------------------------ */

static unsigned sq_room(const struct gx_ring *r)
{
    unsigned head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
    return r->sq_entries - (r->sq_local - head);
}

static struct io_uring_sqe *sqe_take(struct gx_ring *r)
{
    unsigned i = r->sq_local & *r->sq_mask;
    struct io_uring_sqe *s = &r->sqes[i];
    r->sq_array[i] = i;
    r->sq_local++;
    memset(s, 0, sizeof *s);
    return s;
}

static void ring_enter(struct gx_ring *r)
{
    __atomic_store_n(r->sq_tail, r->sq_local, __ATOMIC_RELEASE);
    for (;;) {
        unsigned n = r->sq_local - __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
        unsigned flags = __atomic_load_n(r->sq_flags, __ATOMIC_RELAXED);
        bool flush = (flags & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)) != 0;
        if (n == 0 && !flush)
            return;
        /* GETEVENTS with no minimum: runs the completions owed to this thread, waits for none. */
        int got = sys_enter(r->fd, n, 0, flush ? IORING_ENTER_GETEVENTS : 0);
        if (got < 0 && errno == EINTR)
            continue;
        /* All taken (SUBMIT_ALL), or an error such as EBUSY: what is left stays published and
         * goes with the next call. */
        return;
    }
}

/* Makes room for n entries: submits what is queued when the queue is too full. */
static bool sq_reserve(struct gx_ring *r, unsigned n)
{
    if (sq_room(r) >= n)
        return true;
    ring_enter(r);
    return sq_room(r) >= n;
}

static void close_queue(struct gx_ring *r, uint32_t i)
{
    struct ring_slot *s = slot_at(r, i);
    if (s->recv_armed) {
        struct io_uring_sqe *c = sqe_take(r);
        c->opcode = IORING_OP_ASYNC_CANCEL;
        c->addr = user_data(K_RECV, i, s->gen);
        c->flags = IOSQE_IO_HARDLINK | IOSQE_CQE_SKIP_SUCCESS;
        c->user_data = user_data(K_CANCEL, i, s->gen);
    }
    struct io_uring_sqe *c = sqe_take(r);
    c->opcode = IORING_OP_CLOSE;
    c->file_index = i + 1;
    c->user_data = user_data(K_CLOSE, i, s->gen);
    s->owed++;
}

static void pending_closes(struct gx_ring *r)
{
    while (r->pending_head != GX_RING_NO_SLOT && sq_room(r) >= 2) {
        uint32_t i = r->pending_head;
        struct ring_slot *s = slot_at(r, i);
        r->pending_head = s->next;
        s->close_waiting = false;
        close_queue(r, i);
    }
}

void gx_ring_submit(struct gx_ring *r)
{
    pending_closes(r);
    ring_enter(r);
}

/* ---- slots ----------------------------------------------------------------------------------- */

static int slot_take(struct gx_ring *r, uint32_t *out)
{
    if (r->free_head == GX_RING_NO_SLOT) {
        if (r->nslots >= r->max_slots)
            return GX_E_LIMIT;
        struct ring_slot *c = calloc(RING_CHUNK, sizeof *c);
        if (!c)
            return GX_E_LIMIT;
        r->chunks[r->nslots / RING_CHUNK] = c;
        for (uint32_t k = RING_CHUNK; k-- > 0;) {
            c[k].next = r->free_head;
            r->free_head = r->nslots + k;
        }
        r->nslots += RING_CHUNK;
    }
    *out = r->free_head;
    r->free_head = slot_at(r, *out)->next;
    return GX_OK;
}

static void slot_release_if_done(struct gx_ring *r, uint32_t i)
{
    struct ring_slot *s = slot_at(r, i);
    if (s->owner || s->owed || s->close_waiting)
        return;
    s->gen++;
    s->next = r->free_head;
    r->free_head = i;
}

static void recv_queue(struct gx_ring *r, uint32_t i)
{
    struct ring_slot *s = slot_at(r, i);
    struct io_uring_sqe *q = sqe_take(r);
    q->opcode = IORING_OP_RECV;
    q->fd = (int)i;
    q->flags = IOSQE_FIXED_FILE | IOSQE_BUFFER_SELECT;
    q->buf_group = RING_BGID;
    q->len = GX_UDP_RECV_MAX;
    q->msg_flags = MSG_TRUNC; /* the datagram's real length: a longer one is seen (W29) */
    q->user_data = user_data(K_RECV, i, s->gen);
    s->recv_armed = true;
    s->owed++;
}

int gx_ring_udp_start(struct gx_ring *r, struct gx_io *io, const struct sockaddr *server,
                      socklen_t len, const uint8_t *const *msgs, const size_t *lens, unsigned n)
{
    uint32_t i;
    if (n == 0 || n > GX_RING_SEND_MAX || len > sizeof(slot_at(r, 0)->addr) ||
        !sq_reserve(r, n + 3) || slot_take(r, &i) != GX_OK)
        return GX_E_LIMIT;
    struct ring_slot *s = slot_at(r, i);
    s->owner = io;
    s->failed = false;
    s->recv_armed = false;
    memcpy(&s->addr, server, len);
    s->addr_len = len;
    uint64_t setup = user_data(K_SETUP, i, s->gen);
    struct io_uring_sqe *q = sqe_take(r);
    q->opcode = IORING_OP_SOCKET;
    q->fd = server->sa_family;
    q->off = SOCK_DGRAM;
    q->file_index = i + 1;
    q->flags = IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    q->user_data = setup;
    q = sqe_take(r);
    q->opcode = IORING_OP_CONNECT;
    q->fd = (int)i;
    q->addr = (uint64_t)(uintptr_t)&s->addr;
    q->off = s->addr_len;
    q->flags = IOSQE_FIXED_FILE | IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    q->user_data = setup;
    for (unsigned k = 0; k < n; k++) {
        memcpy(s->out[k], msgs[k], lens[k]);
        q = sqe_take(r);
        q->opcode = IORING_OP_SEND;
        q->fd = (int)i;
        q->addr = (uint64_t)(uintptr_t)s->out[k];
        q->len = (uint32_t)lens[k];
        q->flags = IOSQE_FIXED_FILE | IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
        q->user_data = setup;
    }
    recv_queue(r, i);
    io->ring_slot = i;
    return GX_OK;
}

void gx_ring_udp_stop(struct gx_ring *r, struct gx_io *io)
{
    uint32_t i = io->ring_slot;
    io->ring_slot = GX_RING_NO_SLOT;
    struct ring_slot *s = slot_at(r, i);
    s->owner = NULL;
    if (sq_room(r) >= 2) {
        close_queue(r, i);
        return;
    }
    s->close_waiting = true;
    s->next = r->pending_head;
    r->pending_head = i;
}

/* ---- completions ----------------------------------------------------------------------------- */

/* What an error of a flight's socket means to its owner. */
static int error_result(int err)
{
    if (err == ECONNREFUSED)
        return GX_UDP_REFUSED;
    errno = err;
    return GX_UDP_UNSENT;
}

static void on_recv(struct gx_ring *r, uint32_t i, struct ring_slot *s, int res, unsigned flags,
                    uint64_t now)
{
    s->recv_armed = false;
    s->owed--;
    const uint8_t *buf = NULL;
    int bid = -1;
    if (flags & IORING_CQE_F_BUFFER) {
        bid = (int)(flags >> IORING_CQE_BUFFER_SHIFT);
        buf = r->bufs + (size_t)bid * GX_UDP_RECV_MAX;
    }
    struct gx_io *io = s->owner;
    if (io && !s->failed) {
        if (res >= 0 && buf) {
            io->on_datagram(io, buf, res > GX_UDP_RECV_MAX ? GX_UDP_TOO_LONG : res, now);
        } else if (res < 0 && res != -ENOBUFS && res != -ECANCELED && res != -EINTR) {
            s->failed = true;
            io->on_datagram(io, NULL, error_result(-res), now);
        }
        /* Still wanted (ENOBUFS: no buffer was free; ECANCELED: the thread that armed it
         * ended): armed again, the datagram waits in the socket. */
        if (s->owner == io && !s->failed && sq_reserve(r, 1))
            recv_queue(r, i);
    }
    if (bid >= 0)
        buf_give(r, (uint16_t)bid);
}

void gx_ring_reap(struct gx_ring *r, uint64_t now)
{
    unsigned head = *r->cq_head;
    for (;;) {
        unsigned tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
        if (head == tail)
            break;
        const struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];
        uint64_t ud = c->user_data;
        int res = c->res;
        unsigned flags = c->flags;
        head++;
        /* Released before the handler runs: it may queue entries, never reap. */
        __atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
        unsigned kind = (unsigned)(ud >> 56);
        uint32_t i = (uint32_t)ud;
        uint32_t gen = (uint32_t)(ud >> 32) & 0xffffffu;
        if (i >= r->nslots) /* never: every entry names a slot we made */
            continue;
        struct ring_slot *s = slot_at(r, i);
        if ((s->gen & 0xffffffu) != gen) {
            if (flags & IORING_CQE_F_BUFFER)
                buf_give(r, (uint16_t)(flags >> IORING_CQE_BUFFER_SHIFT));
            continue;
        }
        if (kind == K_RECV) {
            on_recv(r, i, s, res, flags, now);
        } else if (kind == K_CLOSE) {
            s->owed--;
        } else if (kind == K_SETUP && res < 0 && s->owner && !s->failed) {
            /* The socket, its connect or a send failed; the rest of the chain is cancelled. */
            s->failed = true;
            s->owner->on_datagram(s->owner, NULL, error_result(-res), now);
        }
        slot_release_if_done(r, i);
    }
}
