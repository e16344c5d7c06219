/*
 * UDP to one nameserver. A socket is connected to the server, so the kernel delivers only
 * datagrams from the server's address and port (P5) and reports an ICMP port-unreachable as
 * ECONNREFUSED on the next receive (the server is skipped at once).
 *
 * Its source port is the one connect() binds it to (P10). For an unbound socket the kernel draws
 * the port with its CSPRNG, the generator behind getrandom() (udp_lib_get_port: get_random_u32()
 * picks the first candidate in ip_local_port_range), a fresh port for every socket. We used to
 * bind() to a port of our own drawing in 1024-65535 first; leaving the draw to the kernel costs
 * about 1.2 bits of port entropy (28,232 ports by default instead of 64,512), saves a system call
 * per query, and respects what the administrator set: ip_local_port_range and
 * ip_local_reserved_ports, which a port drawn by us could take from a service for the length of a
 * query. glibc and musl leave the port to the kernel in the same way.
 */
#ifndef GX_UDP_H
#define GX_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The receive buffer: more than the 1232 bytes we advertise with EDNS0 and the 512 of plain DNS.
 * A longer datagram is detected (MSG_TRUNC), never parsed cut (W29), and retried over TCP. */
#define GX_UDP_RECV_MAX 4096

enum gx_udp_result {
    GX_UDP_NONE = -1,     /* nothing waiting */
    GX_UDP_REFUSED = -2,  /* ICMP port unreachable: the server is not listening */
    GX_UDP_ERROR = -3,    /* another error: treat the server as failed */
    GX_UDP_TOO_LONG = -4, /* a datagram longer than the buffer arrived and was dropped */
    GX_UDP_UNSENT = -5,   /* engine/ring.c: the socket, its connect or a send failed (errno) */
};

/* Opens a nonblocking, close-on-exec socket connected to server, on a port the kernel draws.
 * GX_OK with *fd, or GX_E_SYSTEM (errno set: EMFILE, ENETUNREACH, EAFNOSUPPORT...). */
int gx_udp_open(const struct sockaddr *server, socklen_t len, int *fd);

/* The most datagrams gx_udp_sendn() sends with one call. */
#define GX_UDP_SEND_MAX 16

/* Sends n datagrams (1 <= n <= GX_UDP_SEND_MAX) with one system call (more only if the kernel
 * takes fewer at once). GX_OK, or GX_E_SYSTEM. */
int gx_udp_sendn(int fd, const uint8_t *const *msgs, const size_t *lens, unsigned n);

/* Receives up to two datagrams waiting on fd with one system call (the pair's answers usually
 * arrive together): the count received (1 or 2) with lens[i] each datagram's length or
 * GX_UDP_TOO_LONG, or an enum gx_udp_result (GX_UDP_NONE when nothing waits). want is 1 or 2:
 * the datagrams expected; buf1 is used only when want is 2. */
int gx_udp_recv2(int fd, uint8_t *buf0, uint8_t *buf1, size_t cap, unsigned want, int lens[2]);

#endif
