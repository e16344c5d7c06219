/*
 * Driven by test_netstate_ns.sh inside a network namespace of its own: answers commands read
 * from stdin, one per line, with what gaix's netstate says and, as the oracle, what the system
 * libc's AI_ADDRCONFIG says. Every command acquires the current snapshot first, so a change the
 * script makes between two commands shows in the second (after the interval).
 *
 *   netstate_ns_prog [every-call | never | INTERVAL_MS]     (default: GAIX_RELOAD_DEFAULT)
 *
 *   show            -> has_ipv4=B has_ipv6=B libc_ipv4=B libc_ipv6=B
 *   dest ADDR ...   -> one line per address:
 *                      dest ADDR usable=B source=ADDR prefixlen=N flags=N ifindex=N native=N
 *   stats           -> probes=N cached=N looks=N netlink_builds=N fallback_builds=N
 *   quit
 *
 * ADDR is an IPv4 or IPv6 literal, an IPv6 one optionally with %IFNAME. ifindex -1 = unknown.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/status.h"
#include "gaix.h"
#include "net/netstate.h"

#define LINE_MAX_LEN 4096
#define DESTS_MAX 64

/* glibc's AI_ADDRCONFIG: a numeric lookup of a family it thinks absent fails (EAI_NONAME). */
static int libc_has(int family)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICHOST | AI_NUMERICSERV;
    int r = getaddrinfo(family == AF_INET ? "127.0.0.1" : "::1", "9", &hints, &res);
    if (res)
        freeaddrinfo(res);
    return r == 0;
}

static int parse_addr(const char *text, struct gx_addr *out)
{
    uint8_t b[16];
    char copy[128];
    if (inet_pton(AF_INET, text, b) == 1) {
        gx_addr_set4(out, b);
        return 0;
    }
    snprintf(copy, sizeof copy, "%s", text);
    uint32_t scope = 0;
    char *pct = strchr(copy, '%');
    if (pct) {
        *pct = '\0';
        scope = if_nametoindex(pct + 1);
        if (scope == 0)
            return -1;
    }
    if (inet_pton(AF_INET6, copy, b) != 1)
        return -1;
    gx_addr_set6(out, b, scope);
    return 0;
}

static void print_addr(const struct gx_addr *a)
{
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(a->family, a->bytes, text, sizeof text))
        snprintf(text, sizeof text, "?");
    fputs(text, stdout);
}

static int command_dest(struct gx_netstate *ns, char *args)
{
    struct gx_addr dests[DESTS_MAX];
    char *names[DESTS_MAX];
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (n == DESTS_MAX || parse_addr(tok, &dests[n]) != 0) {
            printf("error: bad address %s\n", tok);
            return -1;
        }
        names[n++] = tok;
    }
    struct gx_dest_info info[DESTS_MAX];
    int r = gx_netstate_dest_info(ns, dests, n, info);
    if (r < 0) {
        printf("error: %s\n", gx_status_name(r));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        printf("dest %s usable=%d source=", names[i], info[i].usable ? 1 : 0);
        if (info[i].usable)
            print_addr(&info[i].source);
        else
            fputs("-", stdout);
        printf(" prefixlen=%u flags=%u ifindex=%lld native=%d\n", info[i].source_prefixlen,
               info[i].source_flags,
               info[i].source_ifindex == UINT32_MAX ? -1LL : (long long)info[i].source_ifindex,
               info[i].native);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int interval = GAIX_RELOAD_DEFAULT;
    if (argc > 1) {
        if (strcmp(argv[1], "every-call") == 0)
            interval = GAIX_RELOAD_EVERY_CALL;
        else if (strcmp(argv[1], "never") == 0)
            interval = GAIX_RELOAD_NEVER;
        else
            interval = (int)strtol(argv[1], NULL, 10);
    }
    struct gx_netwatch *w;
    if (gx_netwatch_new(interval, &w) != GX_OK) {
        fprintf(stderr, "gx_netwatch_new failed\n");
        return 1;
    }
    char line[LINE_MAX_LEN];
    int status = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "quit") == 0)
            break;
        struct gx_netstate *ns;
        int r = gx_netwatch_acquire(w, gx_now_ms(), &ns);
        if (r < 0) {
            printf("error: acquire: %s\n", gx_status_name(r));
            fflush(stdout);
            status = 1;
            continue;
        }
        if (strcmp(line, "show") == 0) {
            printf("has_ipv4=%d has_ipv6=%d libc_ipv4=%d libc_ipv6=%d\n", gx_netstate_has_ipv4(ns),
                   gx_netstate_has_ipv6(ns), libc_has(AF_INET), libc_has(AF_INET6));
        } else if (strncmp(line, "dest ", 5) == 0) {
            if (command_dest(ns, line + 5) != 0)
                status = 1;
        } else if (strcmp(line, "stats") == 0) {
            struct gx_netstate_stats s;
            struct gx_netwatch_stats ws;
            gx_netstate_get_stats(ns, &s);
            gx_netwatch_get_stats(w, &ws);
            printf("probes=%llu cached=%zu looks=%llu netlink_builds=%llu fallback_builds=%llu\n",
                   (unsigned long long)s.probes, s.cached, (unsigned long long)ws.looks,
                   (unsigned long long)ws.netlink_builds, (unsigned long long)ws.fallback_builds);
        } else if (line[0] != '\0') {
            printf("error: unknown command %s\n", line);
            status = 1;
        }
        fflush(stdout);
        gx_netstate_unref(ns);
    }
    gx_netwatch_free(w);
    return status;
}
