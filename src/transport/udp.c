#include "transport/udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/status.h"

int gx_udp_open(const struct sockaddr *server, socklen_t len, int *fd_out)
{
    int fd = socket(server->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return GX_E_SYSTEM;
    /* No bind(): connect() binds the socket to a port the kernel draws at random (see udp.h). */
    if (connect(fd, server, len) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return GX_E_SYSTEM;
    }
    *fd_out = fd;
    return GX_OK;
}

int gx_udp_sendn(int fd, const uint8_t *const *msgs, const size_t *lens, unsigned n)
{
    struct iovec iov[GX_UDP_SEND_MAX];
    struct mmsghdr mm[GX_UDP_SEND_MAX];
    if (n == 0 || n > GX_UDP_SEND_MAX)
        return GX_E_SYSTEM;
    memset(mm, 0, n * sizeof mm[0]);
    for (unsigned i = 0; i < n; i++) {
        iov[i].iov_base = (void *)(uintptr_t)msgs[i];
        iov[i].iov_len = lens[i];
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned sent = 0;
    while (sent < n) {
        int r = sendmmsg(fd, mm + sent, n - sent, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return GX_E_SYSTEM;
        }
        sent += (unsigned)r;
    }
    return GX_OK;
}

int gx_udp_recv2(int fd, uint8_t *buf0, uint8_t *buf1, size_t cap, unsigned want, int lens[2])
{
    struct iovec iov[2] = {{buf0, cap}, {buf1, cap}};
    struct mmsghdr msgs[2];
    memset(msgs, 0, sizeof msgs);
    msgs[0].msg_hdr.msg_iov = &iov[0];
    msgs[0].msg_hdr.msg_iovlen = 1;
    msgs[1].msg_hdr.msg_iov = &iov[1];
    msgs[1].msg_hdr.msg_iovlen = 1;
    unsigned n = want >= 2 ? 2 : 1;
    for (;;) {
        /* MSG_TRUNC: msg_len is the datagram's real length, so that a cut one is seen. A
         * nonblocking recvmmsg returns what is waiting (an error after the first datagram is
         * kept by the kernel for the next call). */
        int r = recvmmsg(fd, msgs, n, MSG_TRUNC, NULL);
        if (r > 0) {
            for (int i = 0; i < r; i++)
                lens[i] = msgs[i].msg_len > cap ? GX_UDP_TOO_LONG : (int)msgs[i].msg_len;
            return r;
        }
        if (r == 0)
            return GX_UDP_NONE;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return GX_UDP_NONE;
        if (errno == ECONNREFUSED)
            return GX_UDP_REFUSED;
        return GX_UDP_ERROR;
    }
}
