/*
 * DNS over TCP to one nameserver (RFC 7766): a nonblocking connection, the query with its
 * two-byte length, then replies read by their length prefix however the bytes trickle in (T13),
 * each handed to the caller whole; bytes after a reply are left unread until asked for (T16).
 * No timeout here: the exchange lives under its lookup's deadline.
 */
#ifndef GX_TCP_H
#define GX_TCP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns/wire.h"

/* RFC 1035 4.2.2: the length prefix is 16 bits. */
#define GX_TCP_MESSAGE_MAX 65535

enum gx_tcp_state { GX_TCP_CONNECTING, GX_TCP_SENDING, GX_TCP_READ_LEN, GX_TCP_READ_BODY };

struct gx_tcp {
    int fd;
    enum gx_tcp_state state;
    uint8_t out[2 + GX_DNS_QUERY_MAX];
    size_t out_len, out_sent;
    uint8_t len_buf[2];
    size_t len_have;
    uint8_t *msg; /* heap, grown to the announced length */
    size_t msg_cap, msg_len, msg_have;
};

enum gx_tcp_result {
    GX_TCP_PROGRESS = 0, /* nothing complete yet: wait for gx_tcp_events() */
    GX_TCP_MESSAGE = 1,  /* a whole message is in msg[0..msg_len) */
    GX_TCP_FAILED = -1,  /* refused, reset, closed early: the server failed */
};

/* Starts connecting and queues the query. GX_OK, GX_E_SYSTEM (errno), GX_E_MEMORY. */
int gx_tcp_open(struct gx_tcp *t, const struct sockaddr *server, socklen_t len,
                const uint8_t *query, size_t query_len);
/* poll() events the exchange waits for. */
short gx_tcp_events(const struct gx_tcp *t);
/* Advances the exchange as far as the socket allows. */
enum gx_tcp_result gx_tcp_step(struct gx_tcp *t);
/* After a GX_TCP_MESSAGE that was not the awaited reply: read the next message. */
void gx_tcp_next(struct gx_tcp *t);
void gx_tcp_close(struct gx_tcp *t);

#endif
