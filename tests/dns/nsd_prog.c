/*
 * nsd_prog: one question to gaix's resolver, asked the way tests/dns/test_dns_nsd.sh needs it and
 * answered in lines a shell test can grep.
 *
 *   nsd_prog [OPTIONS] NODE [SERVICE]           gaix_ctx_getaddrinfo_detail(), --repeat times
 *   nsd_prog --reverse [OPTIONS] ADDRESS [PORT]  gaix_ctx_getnameinfo()
 *
 * Options (each names one field of struct gaix_config or of the hints; nothing comes from the
 * system's files unless asked: the hosts file and resolv.conf default to none):
 *   --server ADDR[:PORT]   a nameserver (repeatable, in order)
 *   --search DOMAIN        a search domain (repeatable); without any, the search list is empty
 *   --options TEXT         resolv.conf options ("ndots:1 timeout:1 attempts:2 rotate")
 *   --resolv-conf FILE     read FILE (default "": none)
 *   --hosts FILE           read FILE (default "": none)
 *   --services FILE        read FILE (default "": none, so ports stay numeric)
 *   --family unspec|inet|inet6   --socktype 0|stream|dgram
 *   --flags LIST           canonname,v4mapped,all,addrconfig,numerichost,numericserv,passive
 *   --ni-flags LIST        namereqd,numerichost,numericserv,nofqdn,dgram
 *   --policy glibc|rfc6724 --repeat N (calls on one context)
 *
 * Output, per call:
 *   call I rc=0 eai=OK source=dns server=127.0.0.2:53 rcode=0 queries=2 ttl=300 truncated=0
 *        elapsed_ms=1.234 canon=a.test n=2                                  (one line)
 *   addr inet 192.0.2.1 80 stream tcp
 * or, with --reverse, "call I rc=0 eai=OK host=a.test serv=80". Last, "fds before=N after=M":
 * the descriptors open before the context was made and after it was freed.
 * Exit status 0 when every call ran (whatever it answered), 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gaix.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sockets.h"

/* --server and --search options kept: gaix uses 3 servers; 8 covers a search list test. */
#define NP_LIST_MAX 8

struct np_flag {
    const char *name;
    int value;
};

static const struct np_flag ai_flag_names[] = {
    {"canonname", AI_CANONNAME},   {"v4mapped", AI_V4MAPPED},       {"all", AI_ALL},
    {"addrconfig", AI_ADDRCONFIG}, {"numerichost", AI_NUMERICHOST}, {"numericserv", AI_NUMERICSERV},
    {"passive", AI_PASSIVE},
};

static const struct np_flag ni_flag_names[] = {
    {"namereqd", NI_NAMEREQD},
    {"numerichost", NI_NUMERICHOST},
    {"numericserv", NI_NUMERICSERV},
    {"nofqdn", NI_NOFQDN},
    {"dgram", NI_DGRAM},
};

static void usage(const char *why)
{
    fprintf(stderr,
            "nsd_prog: %s\nusage: nsd_prog [OPTIONS] NODE [SERVICE] | --reverse ADDRESS [PORT]"
            " (see the opening comment of tests/dns/nsd_prog.c)\n",
            why);
    exit(2);
}

/* A comma-separated list of names from table, or-ed together. */
static int flags_parse(const char *list, const struct np_flag *table, size_t n)
{
    int flags = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        size_t i = 0;
        while (i < n && !(strlen(table[i].name) == len && strncmp(table[i].name, p, len) == 0))
            i++;
        if (i == n)
            usage("unknown flag");
        flags |= table[i].value;
        p += len;
        if (*p == ',')
            p++;
    }
    return flags;
}

static const char *family_name(int family)
{
    return family == AF_INET ? "inet" : family == AF_INET6 ? "inet6" : "other";
}

static const char *socktype_name(int t)
{
    return t == SOCK_STREAM  ? "stream"
           : t == SOCK_DGRAM ? "dgram"
           : t == SOCK_RAW   ? "raw"
                             : "other";
}

static const char *proto_name(int p)
{
    return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : p == 0 ? "0" : "other";
}

static const char *source_name(enum gaix_source s)
{
    static const char *const names[] = {"none", "numeric", "local", "hosts", "localhost", "dns"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* "127.0.0.2:53" or "[::1]:53"; "-" for no address. */
static void sockaddr_text(const struct sockaddr_storage *ss, char *out, size_t size)
{
    char a[INET6_ADDRSTRLEN] = "";
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)ss;
        inet_ntop(AF_INET, &s->sin_addr, a, sizeof a);
        snprintf(out, size, "%s:%u", a, ntohs(s->sin_port));
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)ss;
        inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof a);
        snprintf(out, size, "[%s]:%u", a, ntohs(s->sin6_port));
    } else {
        snprintf(out, size, "-");
    }
}

static void print_result(unsigned call, int rc, const struct gaix_result *r)
{
    char server[INET6_ADDRSTRLEN + 16];
    size_t n = 0;
    for (const struct addrinfo *p = r->ai; p; p = p->ai_next)
        n++;
    sockaddr_text(&r->server, server, sizeof server);
    printf("call %u rc=%d eai=%s source=%s server=%s rcode=%d queries=%u ttl=%u truncated=%d "
           "elapsed_ms=%.3f canon=%s n=%zu\n",
           call, rc, rc ? gaix_eai_name(rc) : "OK", source_name(r->source), server, r->rcode,
           r->queries, r->ttl_s, r->truncated, (double)r->elapsed_us / 1000.0,
           r->ai && r->ai->ai_canonname ? r->ai->ai_canonname : "-", n);
    for (const struct addrinfo *p = r->ai; p; p = p->ai_next) {
        char a[INET6_ADDRSTRLEN] = "?";
        unsigned port = 0;
        if (p->ai_family == AF_INET) {
            const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)p->ai_addr;
            inet_ntop(AF_INET, &s->sin_addr, a, sizeof a);
            port = ntohs(s->sin_port);
        } else if (p->ai_family == AF_INET6) {
            const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)p->ai_addr;
            inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof a);
            port = ntohs(s->sin6_port);
        }
        printf("addr %s %s %u %s %s\n", family_name(p->ai_family), a, port,
               socktype_name(p->ai_socktype), proto_name(p->ai_protocol));
    }
}

/* getnameinfo's socket address for ADDRESS and PORT. */
static socklen_t reverse_sockaddr(const char *addr, const char *port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    unsigned long p = port ? strtoul(port, NULL, 10) : 0;
    struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
    if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)p);
        return sizeof *s4;
    }
    if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)p);
        return sizeof *s6;
    }
    usage("--reverse needs a numeric address");
    return 0;
}

int main(int argc, char **argv)
{
    const char *servers[NP_LIST_MAX + 1] = {NULL}, *search[NP_LIST_MAX + 1] = {NULL};
    size_t nservers = 0, nsearch = 0;
    struct gaix_config cfg;
    struct addrinfo hints;
    const char *operand[2] = {NULL, NULL};
    int noperands = 0, ni_flags = 0, reverse = 0;
    unsigned repeat = 1;

    memset(&cfg, 0, sizeof cfg);
    memset(&hints, 0, sizeof hints);
    cfg.hosts_path = "";
    cfg.services_path = "";
    cfg.resolv_conf_path = "";
    cfg.gai_conf_path = "";
    cfg.reload_interval_ms = GAIX_RELOAD_NEVER;
    cfg.search = search;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--reverse") == 0) {
            reverse = 1;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (noperands == 2)
                usage("too many operands");
            operand[noperands++] = a;
            continue;
        }
        if (!v)
            usage("an option needs a value");
        i++;
        if (strcmp(a, "--server") == 0 && nservers < NP_LIST_MAX)
            servers[nservers++] = v;
        else if (strcmp(a, "--search") == 0 && nsearch < NP_LIST_MAX)
            search[nsearch++] = v;
        else if (strcmp(a, "--options") == 0)
            cfg.options = v;
        else if (strcmp(a, "--resolv-conf") == 0)
            cfg.resolv_conf_path = v;
        else if (strcmp(a, "--hosts") == 0)
            cfg.hosts_path = v;
        else if (strcmp(a, "--services") == 0)
            cfg.services_path = v;
        else if (strcmp(a, "--family") == 0)
            hints.ai_family = strcmp(v, "inet") == 0    ? AF_INET
                              : strcmp(v, "inet6") == 0 ? AF_INET6
                                                        : AF_UNSPEC;
        else if (strcmp(a, "--socktype") == 0)
            hints.ai_socktype = strcmp(v, "stream") == 0  ? SOCK_STREAM
                                : strcmp(v, "dgram") == 0 ? SOCK_DGRAM
                                                          : 0;
        else if (strcmp(a, "--flags") == 0)
            hints.ai_flags |=
                flags_parse(v, ai_flag_names, sizeof ai_flag_names / sizeof ai_flag_names[0]);
        else if (strcmp(a, "--ni-flags") == 0)
            ni_flags |=
                flags_parse(v, ni_flag_names, sizeof ni_flag_names / sizeof ni_flag_names[0]);
        else if (strcmp(a, "--policy") == 0)
            cfg.policy = strcmp(v, "glibc") == 0 ? GAIX_POLICY_GLIBC : GAIX_POLICY_RFC6724;
        else if (strcmp(a, "--repeat") == 0)
            repeat = (unsigned)strtoul(v, NULL, 10);
        else
            usage("unknown option, or too many of it");
    }
    if (noperands == 0)
        usage("no NODE");
    if (nservers > 0)
        cfg.nameservers = servers;

    size_t fds_before = fds_open();
    gaix_ctx *ctx = gaix_ctx_new(&cfg);
    if (!ctx) {
        fprintf(stderr, "nsd_prog: gaix_ctx_new: %s\n", strerror(errno));
        return 2;
    }
    for (unsigned call = 1; call <= repeat; call++) {
        if (reverse) {
            struct sockaddr_storage ss;
            socklen_t len = reverse_sockaddr(operand[0], operand[1], &ss);
            char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
            int rc = gaix_ctx_getnameinfo(ctx, (const struct sockaddr *)&ss, len, host, sizeof host,
                                          serv, sizeof serv, ni_flags);
            printf("call %u rc=%d eai=%s host=%s serv=%s\n", call, rc,
                   rc ? gaix_eai_name(rc) : "OK", rc ? "-" : host, rc ? "-" : serv);
            continue;
        }
        struct addrinfo *res = NULL;
        struct gaix_result r;
        int rc = gaix_ctx_getaddrinfo_detail(ctx, operand[0], operand[1], &hints, &res, &r);
        if (rc == 0 && r.ai != res)
            printf("DEFECT: the detail's list is not *res\n");
        print_result(call, rc, &r);
        if (rc == 0)
            gaix_freeaddrinfo(res);
    }
    gaix_ctx_free(ctx);
    printf("fds before=%zu after=%zu\n", fds_before, fds_open());
    return 0;
}
