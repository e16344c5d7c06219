/*
 * epoll_resolve: resolve many names at once with gaix's asynchronous API, inside an event loop
 * that the application owns (here a bare epoll loop; libuv, libevent or any other works the same
 * way: gaix never owns the loop).
 *
 *   epoll_resolve [--server ADDR[:PORT]]... NAME...
 *
 * Every integration takes the same three steps:
 *   1. add gaix_ctx_fd(ctx) to the loop's descriptors: readable means gaix has work to do;
 *   2. never wait longer than gaix_ctx_timeout_ms(ctx): gaix's next timer (-1: none);
 *   3. after each wait, call gaix_ctx_process(ctx): it reads replies, fires timers and runs the
 *      callbacks of the lookups that finished.
 * Each answer is printed as it arrives, whatever the order the names were given in.
 *
 * Without --server the context reads the system's files (/etc/hosts, /etc/resolv.conf, ...).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gaix.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define SERVERS_MAX 3           /* gaix uses the first three nameservers, as the C library does */
#define LOOKUP_DEADLINE_MS 5000 /* each lookup gives up (EAI_AGAIN) after 5 s */

static int pending; /* lookups started whose callback has not run yet */

/* Called once per lookup, from gaix_ctx_process(); arg is the name that was asked. */
static void on_answer(gaix_query *q, struct gaix_result *r, void *arg)
{
    const char *name = arg;
    (void)q;
    pending--;
    if (r->status != 0) {
        printf("%s: %s\n", name, gaix_strerror(r->status));
        return;
    }
    printf("%s:", name);
    for (const struct addrinfo *ai = r->ai; ai; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN];
        const struct sockaddr_in *v4 = (const void *)ai->ai_addr;
        const struct sockaddr_in6 *v6 = (const void *)ai->ai_addr;
        const void *addr =
            ai->ai_family == AF_INET ? (const void *)&v4->sin_addr : (const void *)&v6->sin6_addr;
        printf(" %s", inet_ntop(ai->ai_family, addr, text, sizeof text));
    }
    printf(" (%s, %.1f ms)\n", r->source == GAIX_SOURCE_DNS ? "dns" : "local",
           (double)r->elapsed_us / 1000.0);
    fflush(stdout);
    gaix_freeaddrinfo(r->ai); /* the list belongs to the callback */
}

int main(int argc, char **argv)
{
    const char *servers[SERVERS_MAX + 1] = {NULL};
    int nservers = 0, first = 1;
    while (first + 1 < argc && strcmp(argv[first], "--server") == 0 && nservers < SERVERS_MAX) {
        servers[nservers++] = argv[first + 1];
        first += 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: epoll_resolve [--server ADDR[:PORT]]... NAME...\n");
        return 2;
    }

    /* A context: configuration, sockets and timers. Zero fields mean the system's defaults. */
    struct gaix_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (nservers > 0)
        cfg.nameservers = servers;
    gaix_ctx *ctx = gaix_ctx_new(&cfg);
    if (!ctx) {
        perror("gaix_ctx_new");
        return 1;
    }

    /* Start every lookup at once. The callback never runs inside gaix_resolve(), not even for
     * an answer known at once (a numeric address): only from gaix_ctx_process(). */
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM; /* one entry per address */
    for (int i = first; i < argc; i++) {
        if (gaix_resolve(ctx, argv[i], NULL, &hints, LOOKUP_DEADLINE_MS, on_answer, argv[i]))
            pending++;
        else
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno)); /* no callback will come */
    }

    /* Step 1: gaix's one descriptor joins the application's epoll set, beside its own. */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, gaix_ctx_fd(ctx), &ev) != 0) {
        perror("epoll");
        return 1;
    }
    while (pending > 0) {
        /* Step 2: wait for any descriptor, but no longer than gaix's next timer. */
        struct epoll_event ready[8];
        int n = epoll_wait(ep, ready, 8, gaix_ctx_timeout_ms(ctx));
        if (n < 0 && errno != EINTR) {
            perror("epoll_wait");
            break;
        }
        /* (An application would handle its own ready descriptors here.) */
        /* Step 3: let gaix read, time out and call back. It never blocks. */
        if (gaix_ctx_process(ctx) < 0) {
            perror("gaix_ctx_process");
            break;
        }
    }
    close(ep);
    gaix_ctx_free(ctx); /* any lookup still running would be called back with EAI_CANCELED */
    return pending == 0 ? 0 : 1;
}
