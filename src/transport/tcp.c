#include "transport/tcp.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/status.h"

int gx_tcp_open(struct gx_tcp *t, const struct sockaddr *server, socklen_t len,
                const uint8_t *query, size_t query_len)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    if (query_len > GX_DNS_QUERY_MAX)
        return GX_E_LIMIT;
    t->out[0] = (uint8_t)(query_len >> 8);
    t->out[1] = (uint8_t)query_len;
    memcpy(t->out + 2, query, query_len);
    t->out_len = query_len + 2;
    int fd = socket(server->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return GX_E_SYSTEM;
    t->fd = fd;
    if (connect(fd, server, len) == 0) {
        t->state = GX_TCP_SENDING;
    } else if (errno == EINPROGRESS) {
        t->state = GX_TCP_CONNECTING;
    } else {
        int e = errno;
        gx_tcp_close(t);
        errno = e;
        return GX_E_SYSTEM;
    }
    return GX_OK;
}

short gx_tcp_events(const struct gx_tcp *t)
{
    return (t->state == GX_TCP_CONNECTING || t->state == GX_TCP_SENDING) ? POLLOUT : POLLIN;
}

/* Reads into dst up to want bytes; returns bytes read, 0 when it would block, -1 on EOF/error. */
static ssize_t tcp_read(int fd, uint8_t *dst, size_t want)
{
    for (;;) {
        ssize_t n = recv(fd, dst, want, 0);
        if (n > 0)
            return n;
        if (n == 0)
            return -1; /* closed before the message was whole (T14) */
        if (errno == EINTR)
            continue;
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    }
}

static enum gx_tcp_result tcp_send_some(struct gx_tcp *t)
{
    while (t->out_sent < t->out_len) {
        ssize_t n = send(t->fd, t->out + t->out_sent, t->out_len - t->out_sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return GX_TCP_PROGRESS;
            return GX_TCP_FAILED;
        }
        t->out_sent += (size_t)n;
    }
    t->state = GX_TCP_READ_LEN;
    return GX_TCP_PROGRESS;
}

enum gx_tcp_result gx_tcp_step(struct gx_tcp *t)
{
    if (t->state == GX_TCP_CONNECTING) {
        int err = 0;
        socklen_t elen = sizeof err;
        if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0)
            return GX_TCP_FAILED; /* refused (T17), unreachable */
        t->state = GX_TCP_SENDING;
    }
    if (t->state == GX_TCP_SENDING) {
        enum gx_tcp_result r = tcp_send_some(t);
        if (r != GX_TCP_PROGRESS || t->state == GX_TCP_SENDING)
            return r;
    }
    if (t->state == GX_TCP_READ_LEN) {
        ssize_t n = tcp_read(t->fd, t->len_buf + t->len_have, 2 - t->len_have);
        if (n < 0)
            return GX_TCP_FAILED;
        t->len_have += (size_t)n;
        if (t->len_have < 2)
            return GX_TCP_PROGRESS;
        t->msg_len = (size_t)t->len_buf[0] << 8 | t->len_buf[1];
        /* T10: a length of 0 (or one shorter than a DNS header) frames no message at all; the
         * stream cannot be trusted for what follows: the server failed. */
        if (t->msg_len < 12)
            return GX_TCP_FAILED;
        t->msg_have = 0;
        if (t->msg_len > t->msg_cap) {
            uint8_t *m = realloc(t->msg, t->msg_len);
            if (!m)
                return GX_TCP_FAILED;
            t->msg = m;
            t->msg_cap = t->msg_len;
        }
        t->state = GX_TCP_READ_BODY;
    }
    while (t->msg_have < t->msg_len) {
        ssize_t n = tcp_read(t->fd, t->msg + t->msg_have, t->msg_len - t->msg_have);
        if (n < 0)
            return GX_TCP_FAILED;
        if (n == 0)
            return GX_TCP_PROGRESS;
        t->msg_have += (size_t)n;
    }
    return GX_TCP_MESSAGE;
}

void gx_tcp_next(struct gx_tcp *t)
{
    t->state = GX_TCP_READ_LEN;
    t->len_have = 0;
    t->msg_len = t->msg_have = 0;
}

void gx_tcp_close(struct gx_tcp *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    free(t->msg);
    t->msg = NULL;
    t->msg_cap = 0;
}
