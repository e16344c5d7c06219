/*
 * getnameinfo(); see nameinfo.h for the order of checks. Every step also notes, in a struct
 * ni_trace, where the host name came from and what DNS said when a PTR query was sent, for
 * gx_getnameinfo_detail(): a few stores per call, whether or not anyone asks for them.
 */
#include "lookup/nameinfo.h"

#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "api/context.h"
#include "core/ip_text.h"
#include "core/limits.h"
#include "core/status.h"
#include "dns/wire.h"
#include "engine/dns_lookup.h"
#include "engine/engine.h"
#include "lookup/addrlist.h"
#include "lookup/hosts_reverse.h"
#include "lookup/idn.h"
#include "lookup/node_sources.h"
#include "lookup/pipeline.h"

/* glibc's NI_* flags: the POSIX five, NI_IDN, and the two deprecated IDN flags (64, 128) that it
 * still accepts and ignores. NI_NUMERICSCOPE does not exist on this platform. */
#define ACCEPTED_NI_FLAGS                                                                         \
    (NI_NUMERICHOST | NI_NUMERICSERV | NI_NOFQDN | NI_NAMEREQD | NI_DGRAM | NI_IDN | 64 | 128)

/* Where the host name came from, and what DNS said if it was asked (gx_getnameinfo_detail()). */
struct ni_trace {
    enum gaix_source source; /* of the host name; NONE while none was made */
    bool used_dns;           /* a PTR lookup was started: dns holds its outcome */
    struct gx_dns_stats dns;
};

/* Copies len bytes and a NUL into dest, or GX_E_OVERFLOW without writing anything. */
static int ni_copy(char *dest, size_t destlen, const char *src, size_t len)
{
    if (len + 1 > destlen)
        return GX_E_OVERFLOW;
    memcpy(dest, src, len);
    dest[len] = '\0';
    return GX_OK;
}

/* Appends text at dest like snprintf(): what fits is written, always NUL-terminated, and
 * GX_E_OVERFLOW when it did not all fit (glibc's behaviour for the scope suffix). */
static int ni_append(char *dest, size_t destlen, const char *text, size_t len)
{
    if (destlen == 0)
        return GX_E_OVERFLOW;
    size_t n = len < destlen - 1 ? len : destlen - 1;
    memcpy(dest, text, n);
    dest[n] = '\0';
    return n == len ? GX_OK : GX_E_OVERFLOW;
}

static size_t ni_decimal(uint32_t v, char out[11])
{
    char rev[10];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
    return n;
}

/* The numeric host: the address, and for IPv6 a scope as %ifname for link-local unicast and
 * multicast addresses whose interface exists, %number otherwise. */
static int ni_host_numeric(const struct gx_addr *a, char *host, size_t hostlen)
{
    char text[GX_IP6_TEXT_MAX];
    size_t n = a->family == AF_INET ? gx_ip4_format(a->bytes, text)
                                    : gx_ip6_format(a->bytes, text);
    int st = ni_copy(host, hostlen, text, n);
    if (st < 0 || a->family != AF_INET6 || a->scope_id == 0)
        return st;
    char scope[1 + IF_NAMESIZE + 11] = "%";
    size_t slen = 0;
    bool linklocal = (a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80) ||
                     (a->bytes[0] == 0xff && (a->bytes[1] & 0x0f) == 0x02);
    if (linklocal && if_indextoname(a->scope_id, scope + 1) != NULL)
        slen = 1 + strlen(scope + 1);
    else
        slen = 1 + ni_decimal(a->scope_id, scope + 1);
    return ni_append(host + n, hostlen - n, scope, slen);
}

/* NI_NOFQDN's local domain, found as glibc finds it: the part after the first dot of the name
 * the hosts file gives "localhost", else of gethostname(), else of the hosts file's name for the
 * host name, else of its name for 127.0.0.1. Empty when none has a dot. */
static void ni_local_domain(const struct gx_hosts *hosts, char *out, size_t outlen)
{
    out[0] = '\0';
    struct gx_addrlist l;
    const char *dot;
    gx_addrlist_init(&l);
    (void)gx_source_hosts(hosts, "localhost", 9, AF_INET, 0, &l);
    if (l.canon && (dot = memchr(l.canon, '.', l.canon_len)) != NULL) {
        (void)ni_append(out, outlen, dot + 1, l.canon_len - (size_t)(dot + 1 - l.canon));
        gx_addrlist_free(&l);
        return;
    }
    gx_addrlist_free(&l);
    char name[256];
    if (gethostname(name, sizeof name) != 0)
        return;
    name[sizeof name - 1] = '\0';
    if ((dot = strchr(name, '.')) != NULL) {
        (void)ni_append(out, outlen, dot + 1, strlen(dot + 1));
        return;
    }
    gx_addrlist_init(&l);
    (void)gx_source_hosts(hosts, name, strlen(name), AF_INET, 0, &l);
    const char *canon = l.canon;
    size_t canon_len = l.canon_len;
    gx_addrlist_free(&l);
    if (!canon) {
        static const uint8_t loop4[4] = {127, 0, 0, 1};
        struct gx_addr a;
        gx_addr_set4(&a, loop4);
        if (gx_hosts_reverse(hosts, &a, &canon, &canon_len) != GX_OK)
            return;
    }
    if ((dot = memchr(canon, '.', canon_len)) != NULL)
        (void)ni_append(out, outlen, dot + 1, canon_len - (size_t)(dot + 1 - canon));
}

struct ni_ptr {
    bool done;
    int status;
    struct gx_dns_stats stats; /* copied when the lookup ends: it is freed after ni_ptr_done() */
    char name[GX_DNS_NAME_WIRE_MAX];
};

static void ni_ptr_done(struct gx_dns_lookup *l, void *arg)
{
    struct ni_ptr *p = arg;
    p->done = true;
    p->status = gx_dns_lookup_status(l);
    p->stats = *gx_dns_lookup_stats(l);
    const char *name = gx_dns_lookup_name(l);
    if (p->status >= 0 && name)
        snprintf(p->name, sizeof p->name, "%s", name);
    else if (p->status >= 0)
        p->status = GX_E_NONAME; /* a PTR whose name fails the host-name check: absent (N06) */
}

/* The PTR name of an address, from DNS (in-addr.arpa or ip6.arpa; N11), on a private engine.
 * GX_OK with the name, GX_E_AGAIN (servers failing: glibc then answers EAI_AGAIN, not the number)
 * or another status meaning "no name". Once a lookup has started, t gets what it sent and heard. */
static int ni_dns_ptr(struct gx_ctx_refs *refs, const struct gx_addr *a, char *out, size_t outlen,
                      struct ni_trace *t)
{
    const struct gx_resolv_conf *conf;
    int st = gx_ctx_resolv(refs, &conf);
    if (st < 0)
        return st;
    uint8_t wire[GX_DNS_NAME_WIRE_MAX];
    if (gx_dns_reverse_name(a, wire) < 0)
        return GX_E_NONAME;
    struct gx_engine e;
    st = gx_engine_init(&e, false);
    if (st < 0)
        return st;
    struct ni_ptr p = {.done = false, .status = GX_E_NONAME, .stats = {.rcode = -1}};
    struct gx_dns_params params = {.conf = conf, .ptr_name = wire};
    struct gx_dns_lookup *l;
    st = gx_dns_lookup_start(&e, &params, ni_ptr_done, &p, &l);
    bool started = st >= 0;
    while (st >= 0 && !p.done) {
        if (gx_engine_round(&e, -1) < 0 && !p.done) {
            p.stats = *gx_dns_lookup_stats(l); /* what was sent before the engine failed */
            gx_dns_lookup_cancel(l);
            st = GX_E_SYSTEM;
        }
    }
    gx_engine_destroy(&e);
    if (started) {
        t->used_dns = true;
        t->dns = p.stats;
    }
    if (st < 0)
        return st;
    if (p.status >= 0)
        snprintf(out, outlen, "%s", p.name);
    return p.status;
}

/* The host part of an AF_INET / AF_INET6 address. */
static int ni_host_inet(struct gx_ctx_refs *refs, const struct gx_addr *a, char *host,
                        size_t hostlen, int flags, struct ni_trace *t)
{
    if (!(flags & NI_NUMERICHOST)) {
        const struct gx_hosts *hosts;
        const char *name;
        size_t len;
        int st = gx_ctx_hosts(refs, &hosts);
        if (st < 0)
            return st;
        char buf[GX_DNS_NAME_WIRE_MAX];
        bool found = gx_hosts_reverse(hosts, a, &name, &len) == GX_OK;
        if (found) {
            if (len >= sizeof buf)
                return GX_E_OVERFLOW;
            memcpy(buf, name, len);
            buf[len] = '\0';
            t->source = GAIX_SOURCE_HOSTS;
        } else if (!refs->ctx->dns_off) {
            st = ni_dns_ptr(refs, a, buf, sizeof buf, t);
            if (st == GX_E_AGAIN || st == GX_E_MEMORY || st == GX_E_SYSTEM)
                return st;
            found = st == GX_OK;
            len = found ? strlen(buf) : 0;
            if (found)
                t->source = GAIX_SOURCE_DNS;
        }
        if (found) {
            if (flags & NI_NOFQDN) {
                /* glibc cuts at the first place the domain appears after a dot, as strstr()
                 * finds it, not only at the end. */
                char domain[GX_NAME_TEXT_MAX + 1];
                ni_local_domain(hosts, domain, sizeof domain);
                char *c = domain[0] ? strstr(buf, domain) : NULL;
                if (c && c != buf && c[-1] == '.') {
                    c[-1] = '\0';
                    len = (size_t)(c - 1 - buf);
                }
            }
            if (flags & NI_IDN) {
                char *uni;
                st = gx_idn_to_unicode(buf, &uni);
                if (st == GX_OK) {
                    st = ni_copy(host, hostlen, uni, strlen(uni));
                    free(uni);
                    return st;
                }
                if (st != GX_E_IDN_ENCODE)
                    return st;
            }
            return ni_copy(host, hostlen, buf, len);
        }
    }
    if (flags & NI_NAMEREQD)
        return GX_E_NONAME;
    t->source = GAIX_SOURCE_NUMERIC;
    return ni_host_numeric(a, host, hostlen);
}

/* The host part of an AF_UNIX address: this node, by name or as "localhost". */
static int ni_host_local(char *host, size_t hostlen, int flags, struct ni_trace *t)
{
    t->source = GAIX_SOURCE_LOCAL;
    if (!(flags & NI_NUMERICHOST)) {
        struct utsname u;
        if (uname(&u) == 0)
            return ni_copy(host, hostlen, u.nodename, strlen(u.nodename));
    }
    if (flags & NI_NAMEREQD)
        return GX_E_NONAME;
    return ni_copy(host, hostlen, "localhost", 9);
}

static int ni_serv_inet(struct gx_ctx_refs *refs, uint16_t port, char *serv, size_t servlen,
                        int flags)
{
    if (!(flags & NI_NUMERICSERV)) {
        const struct gx_services *db;
        const char *name;
        int st = gx_ctx_services(refs, &db);
        if (st < 0)
            return st;
        int len = gx_services_name(db, port, (flags & NI_DGRAM) ? GX_PROTO_UDP : GX_PROTO_TCP,
                                   &name);
        if (len >= 0)
            return ni_copy(serv, servlen, name, (size_t)len);
    }
    char digits[11];
    size_t n = ni_decimal(port, digits);
    return ni_append(serv, servlen, digits, n);
}

/* The address of an AF_INET / AF_INET6 socket address (salen already checked), and its port. */
static void ni_read_inet(const struct sockaddr *sa, struct gx_addr *a, uint16_t *port)
{
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in sin;
        memcpy(&sin, sa, sizeof sin);
        gx_addr_set4(a, (const uint8_t *)&sin.sin_addr);
        *port = ntohs(sin.sin_port);
    } else {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, sa, sizeof sin6);
        gx_addr_set6(a, sin6.sin6_addr.s6_addr, sin6.sin6_scope_id);
        *port = ntohs(sin6.sin6_port);
    }
}

static int ni_check(const struct sockaddr *sa, socklen_t salen, const char *host,
                    const char *serv, int flags)
{
    if (flags & ~ACCEPTED_NI_FLAGS)
        return GX_E_BADFLAGS;
    if (sa == NULL || salen < (socklen_t)sizeof(sa_family_t))
        return GX_E_FAMILY;
    if ((flags & NI_NAMEREQD) && host == NULL && serv == NULL)
        return GX_E_NONAME;
    switch (sa->sa_family) {
    case AF_UNIX:
        return salen < (socklen_t)offsetof(struct sockaddr_un, sun_path) ? GX_E_FAMILY : GX_OK;
    case AF_INET:
        return salen < (socklen_t)sizeof(struct sockaddr_in) ? GX_E_FAMILY : GX_OK;
    case AF_INET6:
        return salen < (socklen_t)sizeof(struct sockaddr_in6) ? GX_E_FAMILY : GX_OK;
    default:
        return GX_E_FAMILY;
    }
}

static int ni_run(struct gx_ctx_refs *refs, const struct sockaddr *sa, socklen_t salen, char *host,
                  size_t hostlen, char *serv, size_t servlen, int flags, struct ni_trace *t)
{
    int st = ni_check(sa, salen, host, serv, flags);
    if (st < 0)
        return st;
    if (sa->sa_family == AF_UNIX) {
        if (host && hostlen > 0 && (st = ni_host_local(host, hostlen, flags, t)) < 0)
            return st;
        if (serv && servlen > 0) {
            /* The path up to its NUL or to the end of what the caller gave, whichever comes
             * first. glibc reads on to the NUL past salen (DIFF-UNIX-PATH): the caller's bytes
             * end at salen, and a path without a NUL there would be read out of bounds. */
            size_t max = (size_t)salen - offsetof(struct sockaddr_un, sun_path);
            const char *path = (const char *)sa + offsetof(struct sockaddr_un, sun_path);
            st = ni_copy(serv, servlen, path, strnlen(path, max));
        }
        return st;
    }
    struct gx_addr a;
    uint16_t port;
    ni_read_inet(sa, &a, &port);
    if (host && hostlen > 0 && (st = ni_host_inet(refs, &a, host, hostlen, flags, t)) < 0)
        return st;
    if (serv && servlen > 0)
        st = ni_serv_inet(refs, port, serv, servlen, flags);
    return st;
}

int gx_getnameinfo_detail(gaix_ctx *ctx, const struct sockaddr *sa, socklen_t salen, char *host,
                          socklen_t hostlen, char *serv, socklen_t servlen, int flags,
                          struct gaix_result *detail)
{
    uint64_t start = detail ? gx_engine_now_us() : 0;
    struct ni_trace t = {.source = GAIX_SOURCE_NONE, .used_dns = false};
    struct gx_ctx_refs refs;
    gx_ctx_refs_init(&refs, ctx);
    int st = ni_run(&refs, sa, salen, host, hostlen, serv, servlen, flags, &t);
    gx_ctx_refs_release(&refs);
    int eai = st < 0 ? gx_status_to_eai(st) : 0;
    if (detail) {
        gx_detail_fill(detail, eai, t.source, t.used_dns ? &t.dns : NULL);
        detail->elapsed_us = gx_engine_now_us() - start;
    }
    return eai;
}

int gx_getnameinfo(gaix_ctx *ctx, const struct sockaddr *sa, socklen_t salen, char *host,
                   socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
    return gx_getnameinfo_detail(ctx, sa, salen, host, hostlen, serv, servlen, flags, NULL);
}
