/*
 * The async engine's io_uring: the whole life of a UDP flight's socket in a few ring entries
 * instead of six system calls, and a thousand flights' entries handed to the kernel with one.
 *
 * A flight through the ring is a linked chain: SOCKET (a direct descriptor: the socket never
 * enters the process's descriptor table, so a forked child never holds a copy) -> CONNECT (the
 * kernel binds the port, as transport/udp.h says) -> one SEND per query -> RECV into a buffer
 * the kernel picks from a ring of provided buffers (the kernel never holds a pointer into a
 * lookup). Each answer re-arms the RECV while the flight lives; when it ends, ASYNC_CANCEL and
 * CLOSE follow. Successes of the setup entries post no completion (CQE_SKIP_SUCCESS): a flight
 * answered at once costs the kernel 7 entries and the engine 3 completions.
 *
 * Memory the kernel may still read (the server's address, the queries) lives in the ring's own
 * slot for the flight, not in the lookup: a slot is taken again only once the kernel has posted
 * the last completion it owes for it, whatever became of its lookup (cancelled, freed).
 *
 * Completions are run on the thread that submitted the entries when it next enters the kernel
 * (IORING_SETUP_COOP_TASKRUN: no interrupt of a running thread; a sleeping one is woken). The
 * ring descriptor sits in the engine's epoll set and is readable while completions wait.
 *
 * The ring is optional: without io_uring (kernel older than 5.19, io_uring_disabled, a seccomp
 * filter, GAIX_NO_IO_URING set in the environment) or when its slots are all taken, a flight
 * takes the plain socket path (transport/udp.h) and behaves the same.
 */
#ifndef GX_RING_H
#define GX_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct gx_io;
struct gx_ring;

#define GX_RING_NO_SLOT UINT32_MAX
/* Datagrams one flight through the ring sends: a candidate's A and AAAA. Bigger flights
 * (parallel-search across candidates) take the socket path. */
#define GX_RING_SEND_MAX 2

/* Opens a ring: GX_OK, or GX_E_SYSTEM (errno) when io_uring cannot serve. */
int gx_ring_open(struct gx_ring **out);
/* Closes the ring: the kernel cancels what is in flight and closes the sockets. In a forked
 * child (the ring's memory is not mapped there, MADV_DONTFORK) only the memory of our own is
 * freed and the child's copy of the descriptor closed. */
void gx_ring_free(struct gx_ring *r, bool forked);
int gx_ring_fd(const struct gx_ring *r);

/*
 * Queues a flight for io: a socket connected to server, then the n datagrams (each at most
 * GX_DNS_QUERY_MAX bytes). Answers and errors reach io->on_datagram, from gx_ring_reap(). GX_OK,
 * or GX_E_LIMIT (take the socket path) when n is above GX_RING_SEND_MAX or no slot or entry is
 * free.
 */
int gx_ring_udp_start(struct gx_ring *r, struct gx_io *io, const struct sockaddr *server,
                      socklen_t len, const uint8_t *const *msgs, const size_t *lens, unsigned n);
/* io's flight is over: nothing more reaches it; its socket is closed with the next submit. */
void gx_ring_udp_stop(struct gx_ring *r, struct gx_io *io);

/* Hands the queued entries to the kernel (one system call; none when nothing is queued). */
void gx_ring_submit(struct gx_ring *r);
/* Runs the completions waiting (no system call). */
void gx_ring_reap(struct gx_ring *r, uint64_t now_us);

#endif
