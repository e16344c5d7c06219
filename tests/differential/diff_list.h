/*
 * diff_list.h: one answer of getaddrinfo(), glibc's or gaix's, as the two getaddrinfo()
 * differential programs (gai_diff_prog, gai_dns_diff_prog) keep, compare and print it.
 *
 * An answer is copied out of its addrinfo list (list_capture), so that both sides can be freed at
 * once and a prediction can be edited. Two answers are equal when the return codes are, and on
 * success every entry in order: ai_flags, ai_family, ai_socktype, ai_protocol, ai_addrlen, the
 * socket address by its family's fields (port, address, sin6_flowinfo, sin6_scope_id) and
 * ai_canonname (list_equal). A broken answer (a success without entries, an entry whose address
 * does not match its family, more entries than LIST_MAX_ENTRIES) is named in defect. A list
 * prints on one line, as the failure lines show it (list_print). list_from_libc and
 * list_from_gaix make the two answers to one question.
 *
 * Static functions, as diff_util.h's, for the same reason: each program is one .c file.
 */
#ifndef GAIX_TESTS_DIFF_LIST_H
#define GAIX_TESTS_DIFF_LIST_H

#include "diff_util.h"

#include <arpa/inet.h>
#include <gaix.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Longest list either side may return before the answer counts as broken (a cycle, say). The
 * largest correct answers stay far below it: gai_diff_prog's largest fixture name has 16
 * addresses, times glibc's 6 (socktype, protocol) rows for a named service, 96 entries; the DNS
 * zone's big.test has 101 addresses, times 3 socket types, 303. */
#define LIST_MAX_ENTRIES 4096

struct diff_entry {
    int flags;
    int family;
    int socktype;
    int protocol;
    socklen_t addrlen;
    bool has_addr;
    struct sockaddr_storage addr;
    char *canon;
};

/* One answer. defect names a broken answer (gaix only, in practice); the programs add their own
 * (*res changed on error). */
struct diff_list {
    int rc;
    size_t n;
    struct diff_entry *e;
    const char *defect;
};

/* ---- capture, compare ------------------------------------------------------------------------ */

static void list_free(struct diff_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->e[i].canon);
    free(l->e);
    l->e = NULL;
    l->n = 0;
}

static void list_capture(struct diff_list *l, int rc, const struct addrinfo *res)
{
    memset(l, 0, sizeof *l);
    l->rc = rc;
    if (rc != 0)
        return;
    size_t n = 0;
    for (const struct addrinfo *p = res; p && n <= LIST_MAX_ENTRIES; p = p->ai_next)
        n++;
    if (n == 0) {
        l->defect = "success without any entry";
        return;
    }
    if (n > LIST_MAX_ENTRIES) {
        l->defect = "more than LIST_MAX_ENTRIES entries (a cycle?)";
        n = LIST_MAX_ENTRIES;
    }
    l->e = xcalloc(n, sizeof *l->e);
    l->n = n;
    const struct addrinfo *p = res;
    for (size_t i = 0; i < n; i++, p = p->ai_next) {
        struct diff_entry *e = &l->e[i];
        e->flags = p->ai_flags;
        e->family = p->ai_family;
        e->socktype = p->ai_socktype;
        e->protocol = p->ai_protocol;
        e->addrlen = p->ai_addrlen;
        e->has_addr = p->ai_addr != NULL;
        if (p->ai_addr) {
            size_t len = p->ai_addrlen;
            if (len > sizeof e->addr)
                len = sizeof e->addr;
            memcpy(&e->addr, p->ai_addr, len);
        }
        e->canon = p->ai_canonname ? xstrdup(p->ai_canonname) : NULL;
        if (!l->defect) {
            socklen_t want = p->ai_family == AF_INET    ? (socklen_t)sizeof(struct sockaddr_in)
                             : p->ai_family == AF_INET6 ? (socklen_t)sizeof(struct sockaddr_in6)
                                                        : 0;
            if (!p->ai_addr)
                l->defect = "entry without ai_addr";
            else if (p->ai_addrlen != want)
                l->defect = "ai_addrlen does not match ai_family";
            else if (p->ai_addr->sa_family != p->ai_family)
                l->defect = "sa_family does not match ai_family";
        }
    }
}

/* The fields the comparison looks at, laid out so that memcmp() orders and compares entries
 * without their canonical name. Families other than AF_INET and AF_INET6 (never expected) keep
 * their raw bytes. */
struct diff_key {
    int32_t flags, family, socktype, protocol;
    uint32_t addrlen;
    uint32_t has_addr;
    uint16_t sa_family, port;
    uint32_t flowinfo, scope_id;
    unsigned char addr[sizeof(struct sockaddr_storage)];
};

static void entry_key(const struct diff_entry *e, struct diff_key *k)
{
    memset(k, 0, sizeof *k);
    k->flags = e->flags;
    k->family = e->family;
    k->socktype = e->socktype;
    k->protocol = e->protocol;
    k->addrlen = e->addrlen;
    k->has_addr = e->has_addr;
    if (!e->has_addr)
        return;
    if (e->addrlen == sizeof(struct sockaddr_in) && e->addr.ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&e->addr;
        k->sa_family = AF_INET;
        k->port = sin->sin_port;
        memcpy(k->addr, &sin->sin_addr, sizeof sin->sin_addr);
    } else if (e->addrlen == sizeof(struct sockaddr_in6) && e->addr.ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&e->addr;
        k->sa_family = AF_INET6;
        k->port = sin6->sin6_port;
        k->flowinfo = sin6->sin6_flowinfo;
        k->scope_id = sin6->sin6_scope_id;
        memcpy(k->addr, &sin6->sin6_addr, sizeof sin6->sin6_addr);
    } else {
        size_t len = e->addrlen < sizeof k->addr ? e->addrlen : sizeof k->addr;
        memcpy(k->addr, &e->addr, len);
    }
}

static int entry_cmp_nocanon(const struct diff_entry *a, const struct diff_entry *b)
{
    struct diff_key ka, kb;
    entry_key(a, &ka);
    entry_key(b, &kb);
    return memcmp(&ka, &kb, sizeof ka);
}

static bool canon_equal(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool list_equal(const struct diff_list *a, const struct diff_list *b)
{
    if (a->rc != b->rc)
        return false;
    if (a->rc != 0)
        return true;
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (entry_cmp_nocanon(&a->e[i], &b->e[i]) != 0 ||
            !canon_equal(a->e[i].canon, b->e[i].canon))
            return false;
    return true;
}

/* DIFF-DUPLICATES: drops every later entry with the same family, socket address, socktype and
 * protocol as an earlier one. True when it dropped any. */
static bool list_dedupe(struct diff_list *l)
{
    size_t w = 0;
    bool dropped = false;
    for (size_t i = 0; i < l->n; i++) {
        bool dup = false;
        for (size_t j = 0; j < w && !dup; j++) {
            struct diff_entry a = l->e[j], b = l->e[i];
            a.flags = b.flags = 0; /* the same in any one list; not part of the rule */
            dup = entry_cmp_nocanon(&a, &b) == 0;
        }
        if (dup) {
            free(l->e[i].canon);
            dropped = true;
            continue;
        }
        l->e[w++] = l->e[i];
    }
    l->n = w;
    return dropped;
}

/* ---- the two sides ----------------------------------------------------------------------------
 */

/* glibc's answer. */
static void list_from_libc(struct diff_list *out, const char *node, const char *service,
                           const struct addrinfo *hints)
{
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(node, service, hints, &res);
    list_capture(out, rc, res);
    if (rc == 0)
        freeaddrinfo(res);
}

/* What a caller's *res holds before the call; gaix must leave it there on error (gaix.h). */
static struct addrinfo list_untouched;

/* gaix's answer; breaking the contract on *res is a defect. */
static void list_from_gaix(struct diff_list *out, gaix_ctx *ctx, const char *node,
                           const char *service, const struct addrinfo *hints)
{
    struct addrinfo *res = &list_untouched;
    int rc = gaix_ctx_getaddrinfo(ctx, node, service, hints, &res);
    if (rc != 0) {
        list_capture(out, rc, NULL);
        if (res != &list_untouched)
            out->defect = "*res changed on error";
        return;
    }
    if (res == &list_untouched) {
        list_capture(out, rc, NULL);
        out->defect = "success without setting *res";
        return;
    }
    list_capture(out, rc, res);
    gaix_freeaddrinfo(res);
}

/* ---- printing -------------------------------------------------------------------------------- */

static void entry_print(FILE *f, const struct diff_entry *e, int case_flags)
{
    char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 8];
    if (!e->has_addr) {
        fprintf(f, "fam%d (no address)", e->family);
    } else if (e->family == AF_INET && e->addrlen == sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&e->addr;
        inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
        fprintf(f, "%s:%u", text, ntohs(sin->sin_port));
    } else if (e->family == AF_INET6 && e->addrlen == sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&e->addr;
        inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
        fprintf(f, "[%s", text);
        if (sin6->sin6_scope_id)
            fprintf(f, "%%%u", sin6->sin6_scope_id);
        fprintf(f, "]:%u", ntohs(sin6->sin6_port));
        if (sin6->sin6_flowinfo)
            fprintf(f, " flowinfo=%u", ntohl(sin6->sin6_flowinfo));
    } else {
        fprintf(f, "fam%d len%u", e->family, (unsigned)e->addrlen);
    }
    if (e->has_addr && e->addr.ss_family != e->family)
        fprintf(f, " sa_family=%d", e->addr.ss_family);
    fprintf(f, " %d/%d", e->socktype, e->protocol);
    if (e->flags != case_flags)
        fprintf(f, " ai_flags=0x%x", (unsigned)e->flags);
    if (e->canon) {
        fputs(" canon='", f);
        put_escaped(f, e->canon);
        fputc('\'', f);
    }
}

static void list_print(FILE *f, const struct diff_list *l, int case_flags)
{
    if (l->defect)
        fprintf(f, "DEFECT(%s) ", l->defect);
    if (l->rc != 0) {
        const char *name = eai_name(l->rc);
        fputs(name, f);
        if (strcmp(name, "EAI_?") == 0)
            fprintf(f, "(%d)", l->rc); /* a code outside the table: its number says which */
        return;
    }
    fprintf(f, "OK[%zu]{", l->n);
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            fputs(", ", f);
        entry_print(f, &l->e[i], case_flags);
    }
    fputc('}', f);
}

#endif
