/*
 * gai_diff_prog: the differential test of gaix_ctx_getaddrinfo() against the system libc.
 *
 * Model. tests/differential/test_gai_diff.sh runs this program inside a private mount and network
 * namespace where /etc/hosts, /etc/services, /etc/gai.conf, /etc/nsswitch.conf ("files" only, so
 * the libc never asks DNS), /etc/host.conf and /etc/resolv.conf are bind-mounted test copies. There
 * glibc's getaddrinfo() reads exactly what gaix reads and sees the same interfaces, so it is an
 * exact oracle. The program generates a deterministic corpus of (node, service, family, socktype,
 * protocol, flags) cases, runs each through both and compares the two answers field by field and
 * in order: the return code, then per entry ai_flags, ai_family, ai_socktype, ai_protocol,
 * ai_addrlen, the socket address (family, port, address, sin6_flowinfo, sin6_scope_id) and
 * ai_canonname (NULL or not, then the string).
 *
 * Verdicts. For each case the program first works out what gaix must answer. That is glibc's
 * answer, unless one of the deliberate differences of docs/DIFFERENCES.md applies; then it is what
 * that rule predicts, built from glibc itself: glibc's answer to a transformed case (AI_ADDRCONFIG
 * dropped for the nodes gaix exempts, the trailing dot removed, "localhost" for an unlisted
 * *.localhost name, the hosts line's scoped address as a literal), then list transformations
 * (exact duplicates merged, EAI_SERVICE for a port out of range, EAI_NONAME for a non-ASCII name
 * without AI_IDN). gaix must equal that prediction exactly:
 *   identical   the prediction is glibc's own answer and gaix gave it;
 *   documented  a rule changed the prediction and gaix gave the changed answer (counted by rule);
 *   failed      anything else, printed as one line with a reproduction. gaix giving glibc's answer
 *               where a rule predicts another is a failure too: the rule is part of the contract.
 * With --policy rfc6724 one more rule exists (DIFF-SORT-READING): the same entries in another order
 * are accepted only when gaix with policy=glibc answers the prediction exactly, so that the order
 * is the only thing that differs and the RFC 6724 reading is the only reason.
 *
 * The program refuses to run (exit 2) when the hosts file is not the fixture: outside the
 * namespace it would compare nothing useful.
 *
 * Usage: gai_diff_prog [--policy glibc|rfc6724] [--cases N] [--seed S] [--max-print N]
 *                      [--libc-only] [--show-rule DIFF-ID] [--list]
 *        gai_diff_prog [--policy P] --one NODE SERVICE FAMILY SOCKTYPE PROTOCOL FLAGS [garbage]
 * The arguments of --one are written as the failure lines print them: '(null)' for NULL, \xNN for
 * bytes outside printable ASCII, \\ for a backslash; FAMILY NULLHINTS passes hints == NULL;
 * "garbage" fills the hints fields getaddrinfo() must ignore.
 */
#include <arpa/inet.h>
#include <errno.h>
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
#include <time.h>

/* The answers both sides give, captured, compared and printed (struct diff_list), and the small
 * helpers of every differential program: shared with gai_dns_diff_prog.c. */
#include "diff_list.h"

/* ---- limits ---------------------------------------------------------------------------------- */

/* Node strings the corpus builds or that --one reads: the longest corpus node is 4 KiB. */
#define GD_NODE_MAX 8192
/* Names of the hosts fixture: 253 octets plus a trailing dot and NUL. */
#define GD_NAME_MAX 256
/* Fields of one hosts fixture line: an address and the names; the fixture's longest line has 5. */
#define GD_HOSTS_FIELDS_MAX 64
/* Failure groups kept for the summary; later new groups are only counted. */
#define GD_GROUPS_MAX 512

/* Flags beyond the seven POSIX ones that glibc accepts, and one bit it refuses. */
#define GD_AI_DEPRECATED_IDN1 0x100
#define GD_AI_DEPRECATED_IDN2 0x200
#define GD_AI_UNKNOWN_BIT 0x10000

#ifndef SOCK_DCCP
#define SOCK_DCCP 6
#endif

/* ---- documented differences ------------------------------------------------------------------ */

enum gd_diff_id {
    DIFF_DUPLICATES,
    DIFF_PORT_RANGE,
    DIFF_ADDRCONFIG_EXEMPT,
    DIFF_LOCALHOST,
    DIFF_TRAILING_DOT,
    DIFF_SCOPED_HOSTS,
    DIFF_IDN_NONASCII,
    DIFF_SORT_READING,
    DIFF_COUNT
};

static const char *const diff_names[DIFF_COUNT] = {
    "DIFF-DUPLICATES",   "DIFF-PORT-RANGE",   "DIFF-ADDRCONFIG-EXEMPT", "DIFF-LOCALHOST",
    "DIFF-TRAILING-DOT", "DIFF-SCOPED-HOSTS", "DIFF-IDN-NONASCII",      "DIFF-SORT-READING",
};

#define DIFF_BIT(id) (1u << (id))

/* ---- cases ----------------------------------------------------------------------------------- */

struct gd_case {
    const char *node;
    const char *service;
    int family;
    int socktype;
    int protocol;
    int flags;
    bool null_hints; /* hints == NULL; the fields above then hold glibc's defaults (A22) */
    bool garbage;    /* junk in the hints fields getaddrinfo() must ignore (A21) */
};

/* What hints == NULL means, in glibc and in gaix: AF_UNSPEC, any socket type, AI_DEFAULT. */
#define GD_NULL_HINTS_FLAGS (AI_V4MAPPED | AI_ADDRCONFIG)

/* ---- small helpers --------------------------------------------------------------------------- */

/* ASCII only: the C library's <ctype.h> depends on the locale. */
static bool ascii_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool ascii_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_eq_nocase_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

static bool ascii_eq_nocase(const char *a, const char *b)
{
    size_t la = strlen(a);
    return la == strlen(b) && ascii_eq_nocase_n(a, b, la);
}

static bool has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

static const char *family_name(int family)
{
    switch (family) {
    case AF_UNSPEC:
        return "AF_UNSPEC";
    case AF_INET:
        return "AF_INET";
    case AF_INET6:
        return "AF_INET6";
    case AF_UNIX:
        return "AF_UNIX";
    default:
        return NULL;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The inverse of put_escaped(); returns NULL for "(null)". */
static char *unescape(const char *s)
{
    if (strcmp(s, "(null)") == 0)
        return NULL;
    char *out = xcalloc(strlen(s) + 1, 1);
    size_t w = 0;
    for (size_t i = 0; s[i];) {
        if (s[i] == '\\' && s[i + 1] == '\\') {
            out[w++] = '\\';
            i += 2;
        } else if (s[i] == '\\' && s[i + 1] == 'x' && hexval(s[i + 2]) >= 0 &&
                   hexval(s[i + 3]) >= 0) {
            out[w++] = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
            i += 4;
        } else {
            out[w++] = s[i++];
        }
    }
    return out;
}

/* ---- answers: copy, edit, compare in any order (diff_list.h does the rest) ------------------- */

static void list_set_error(struct diff_list *l, int rc)
{
    list_free(l);
    l->rc = rc;
}

static void list_copy(struct diff_list *dst, const struct diff_list *src)
{
    *dst = *src;
    dst->e = NULL;
    if (src->n == 0)
        return;
    dst->e = xcalloc(src->n, sizeof *dst->e);
    for (size_t i = 0; i < src->n; i++) {
        dst->e[i] = src->e[i];
        dst->e[i].canon = src->e[i].canon ? xstrdup(src->e[i].canon) : NULL;
    }
}

static void list_set_flags(struct diff_list *l, int flags)
{
    for (size_t i = 0; i < l->n; i++)
        l->e[i].flags = flags;
}

/* Replaces the canonical name on the first entry, the only one glibc gives one. */
static void list_set_canon(struct diff_list *l, const char *canon)
{
    if (l->n == 0)
        return;
    free(l->e[0].canon);
    l->e[0].canon = canon ? xstrdup(canon) : NULL;
}

static int entry_qsort_cmp(const void *a, const void *b)
{
    return entry_cmp_nocanon(a, b);
}

/* Same entries in any order, and the same canonical name on the first entry (and none after). */
static bool list_same_set(const struct diff_list *a, const struct diff_list *b)
{
    if (a->rc != 0 || b->rc != 0 || a->n != b->n || a->n == 0)
        return false;
    if (!canon_equal(a->e[0].canon, b->e[0].canon))
        return false;
    for (size_t i = 1; i < a->n; i++)
        if (a->e[i].canon || b->e[i].canon)
            return false;
    struct diff_entry *x = xcalloc(a->n, sizeof *x), *y = xcalloc(b->n, sizeof *y);
    memcpy(x, a->e, a->n * sizeof *x);
    memcpy(y, b->e, b->n * sizeof *y);
    qsort(x, a->n, sizeof *x, entry_qsort_cmp);
    qsort(y, b->n, sizeof *y, entry_qsort_cmp);
    bool same = true;
    for (size_t i = 0; i < a->n && same; i++)
        same = entry_cmp_nocanon(&x[i], &y[i]) == 0;
    free(x);
    free(y);
    return same;
}

/* ---- printing -------------------------------------------------------------------------------- */

static void case_print_repro(FILE *f, const struct gd_case *c)
{
    fputs("--one '", f);
    put_escaped(f, c->node);
    fputs("' '", f);
    put_escaped(f, c->service);
    fputs("' ", f);
    const char *fam = family_name(c->family);
    if (c->null_hints)
        fputs("NULLHINTS", f);
    else if (fam)
        fputs(fam, f);
    else
        fprintf(f, "%d", c->family);
    fprintf(f, " %d %d 0x%x", c->socktype, c->protocol, (unsigned)c->flags);
    if (c->garbage)
        fputs(" garbage", f);
}

static void ids_print(FILE *f, unsigned ids)
{
    bool first = true;
    for (int i = 0; i < DIFF_COUNT; i++) {
        if (ids & DIFF_BIT(i)) {
            fprintf(f, "%s%s", first ? "" : "+", diff_names[i]);
            first = false;
        }
    }
    if (first)
        fputs("none", f);
}

/* ---- the hosts fixture, as far as the rules need it ------------------------------------------ */

struct gd_hline {
    char *addr;
    char **names;
    size_t nnames;
    bool scoped; /* the address carries %scope */
    bool usable; /* an address both sides accept (the scoped ones: gaix only) */
};

struct gd_hosts {
    struct gd_hline *lines;
    size_t nlines;
};

static bool addr_is_valid_scoped(const char *addr)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET6;
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(addr, NULL, &hints, &res) != 0)
        return false;
    freeaddrinfo(res);
    return true;
}

static void hosts_load(struct gd_hosts *h, const char *path)
{
    memset(h, 0, sizeof *h);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "gai_diff_prog: cannot read %s: %s\n", path, strerror(errno));
        exit(2);
    }
    char *line = NULL;
    size_t cap = 0;
    size_t alloc = 0;
    while (getline(&line, &cap, f) >= 0) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *tok[GD_HOSTS_FIELDS_MAX];
        size_t ntok = 0;
        for (char *p = line; *p;) {
            while (*p && ascii_is_space(*p))
                p++;
            if (!*p)
                break;
            if (ntok == GD_HOSTS_FIELDS_MAX) {
                fprintf(stderr, "gai_diff_prog: %s: a line with more than %d fields\n", path,
                        GD_HOSTS_FIELDS_MAX);
                exit(2);
            }
            tok[ntok++] = p;
            while (*p && !ascii_is_space(*p))
                p++;
            if (*p)
                *p++ = '\0';
        }
        if (ntok < 2)
            continue;
        if (h->nlines == alloc) {
            alloc = alloc ? alloc * 2 : 64;
            struct gd_hline *grown = realloc(h->lines, alloc * sizeof *grown);
            if (!grown) {
                fprintf(stderr, "gai_diff_prog: out of memory\n");
                exit(2);
            }
            h->lines = grown;
        }
        struct gd_hline *hl = &h->lines[h->nlines++];
        memset(hl, 0, sizeof *hl);
        hl->addr = xstrdup(tok[0]);
        hl->nnames = ntok - 1;
        hl->names = xcalloc(hl->nnames, sizeof *hl->names);
        for (size_t i = 1; i < ntok; i++)
            hl->names[i - 1] = xstrdup(tok[i]);
        hl->scoped = strchr(hl->addr, '%') != NULL;
        if (hl->scoped) {
            hl->usable = addr_is_valid_scoped(hl->addr);
        } else {
            unsigned char buf[16];
            hl->usable =
                inet_pton(AF_INET, hl->addr, buf) == 1 || inet_pton(AF_INET6, hl->addr, buf) == 1;
        }
    }
    free(line);
    fclose(f);
}

static void hosts_free(struct gd_hosts *h)
{
    for (size_t i = 0; i < h->nlines; i++) {
        for (size_t j = 0; j < h->lines[i].nnames; j++)
            free(h->lines[i].names[j]);
        free(h->lines[i].names);
        free(h->lines[i].addr);
    }
    free(h->lines);
}

static bool hline_has_name(const struct gd_hline *hl, const char *name)
{
    for (size_t j = 0; j < hl->nnames; j++)
        if (ascii_eq_nocase(hl->names[j], name))
            return true;
    return false;
}

/* A name of a line that gaix accepts (the scoped lines included). */
static bool hosts_has_name(const struct gd_hosts *h, const char *name)
{
    for (size_t i = 0; i < h->nlines; i++)
        if (h->lines[i].usable && hline_has_name(&h->lines[i], name))
            return true;
    return false;
}

/* The scoped line that is the only usable line listing name, or NULL. The fixture gives the
 * scoped line names of their own, so that glibc's answer for them is plainly EAI_NONAME. */
static const struct gd_hline *hosts_scoped_only(const struct gd_hosts *h, const char *name)
{
    const struct gd_hline *found = NULL;
    for (size_t i = 0; i < h->nlines; i++) {
        const struct gd_hline *hl = &h->lines[i];
        if (!hl->usable || !hline_has_name(hl, name))
            continue;
        if (!hl->scoped || found)
            return NULL;
        found = hl;
    }
    return found;
}

/* ---- node and service classes the rules use -------------------------------------------------- */

static bool node_is_star(const char *n)
{
    return n && n[0] == '*' && n[1] == '\0';
}

/* "thor." but not "thor..", "." or "". */
static bool node_has_single_trailing_dot(const char *n)
{
    size_t len = strlen(n);
    return len >= 2 && n[len - 1] == '.' && n[len - 2] != '.';
}

/* A host name of letters, digits, '-' and '_', labels 1..63 octets, at most 253 octets. */
static bool name_is_ldh(const char *s, size_t len)
{
    if (len == 0 || len > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        bool ok = ascii_is_digit(c) || (ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z') ||
                  c == '-' || c == '_';
        if (!ok || ++label > 63)
            return false;
    }
    return label > 0;
}

/* "localhost" or a valid name under ".localhost", either with one final dot (RFC 6761 6.3). */
static bool node_is_localhost_name(const char *n)
{
    if (!n)
        return false;
    size_t len = strlen(n);
    if (len >= 2 && n[len - 1] == '.' && n[len - 2] != '.')
        len--;
    static const char suffix[] = "localhost";
    size_t sl = sizeof suffix - 1;
    if (len == sl)
        return ascii_eq_nocase_n(n, suffix, sl);
    if (len < sl + 2 || n[len - sl - 1] != '.' || !ascii_eq_nocase_n(n + len - sl, suffix, sl))
        return false;
    return name_is_ldh(n, len);
}

/* The node without one trailing dot, for the hosts look-ups of the rules. */
static void node_strip_dot(const char *n, char *out, size_t outsize)
{
    size_t len = strlen(n);
    if (node_has_single_trailing_dot(n))
        len--;
    if (len >= outsize)
        len = outsize - 1;
    memcpy(out, n, len);
    out[len] = '\0';
}

/* DIFF-PORT-RANGE: glibc's strtoul() reads the whole string as a number (leading white space, an
 * optional sign, digits to the end) whose value gaix refuses as a port: above 65535, or negative
 * and nonzero. glibc keeps the value in an int and sends it through htons(): "99999" becomes port
 * 34463, "4294967297" port 1, "-1" a failed look-up of a service named "-1". */
static bool service_out_of_range(const char *s)
{
    if (!s)
        return false;
    const char *p = s;
    while (ascii_is_space(*p))
        p++;
    bool negative = false;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if (!ascii_is_digit(*p))
        return false;
    unsigned long value = 0;
    bool big = false;
    for (; ascii_is_digit(*p); p++) {
        if (value > 65535)
            big = true;
        else
            value = value * 10 + (unsigned long)(*p - '0');
    }
    if (*p != '\0')
        return false;
    return big || value > 65535 || (negative && value != 0);
}

/* ---- the two sides --------------------------------------------------------------------------- */

struct gd_run {
    enum gaix_policy policy;
    gaix_ctx *ctx;       /* the policy under test */
    gaix_ctx *ctx_glibc; /* policy=glibc, for DIFF-SORT-READING (rfc6724 runs only) */
    struct gd_hosts hosts;
    bool seen_ipv4, seen_ipv6; /* what glibc's AI_ADDRCONFIG sees */
};

/* Never dereferenced: the junk that A21 puts in hints' other fields. */
static char gd_junk[64];

/* The hints to pass for c, or NULL. */
static const struct addrinfo *hints_from_case(const struct gd_case *c, struct addrinfo *hints)
{
    if (c->null_hints)
        return NULL;
    memset(hints, 0, sizeof *hints);
    hints->ai_flags = c->flags;
    hints->ai_family = c->family;
    hints->ai_socktype = c->socktype;
    hints->ai_protocol = c->protocol;
    if (c->garbage) {
        hints->ai_addrlen = 12345;
        hints->ai_addr = (struct sockaddr *)(void *)gd_junk;
        hints->ai_canonname = gd_junk + 1;
        hints->ai_next = (struct addrinfo *)(void *)(gd_junk + 3);
    }
    return hints;
}

static void libc_run(const struct gd_case *c, struct diff_list *out)
{
    struct addrinfo hints;
    list_from_libc(out, c->node, c->service, hints_from_case(c, &hints));
}

static void gaix_run(gaix_ctx *ctx, const struct gd_case *c, struct diff_list *out)
{
    struct addrinfo hints;
    list_from_gaix(out, ctx, c->node, c->service, hints_from_case(c, &hints));
}

static bool libc_is_numeric(const char *node)
{
    if (!node)
        return false;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(node, NULL, &hints, &res) != 0)
        return false;
    freeaddrinfo(res);
    return true;
}

/* A node glibc handles as a numeric literal: one that parses, or an IPv6 address with a scope
 * that does not ("fe80::1%nosuchif", "fe80::1%"), which glibc refuses as a literal (EAI_NONAME,
 * or EAI_ADDRFAMILY for AF_INET) without ever looking the string up as a name. */
static bool libc_is_literal(const char *node)
{
    if (libc_is_numeric(node))
        return true;
    const char *pct = node ? strchr(node, '%') : NULL;
    char head[INET6_ADDRSTRLEN + 1];
    size_t len = pct ? (size_t)(pct - node) : 0;
    if (!pct || len >= sizeof head)
        return false;
    memcpy(head, node, len);
    head[len] = '\0';
    struct in6_addr a6;
    return inet_pton(AF_INET6, head, &a6) == 1;
}

/* glibc's own view of AI_ADDRCONFIG: a literal of a family it counts as configured resolves. */
static bool libc_addrconfig_sees(int family, const char *literal)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICHOST;
    if (getaddrinfo(literal, NULL, &hints, &res) != 0)
        return false;
    freeaddrinfo(res);
    return true;
}

/* Errors glibc returns before it reads the service string (or, for the socket type, before it
 * converts the number): gaix must return the same error, not EAI_SERVICE. */
static bool libc_error_precedes_service(const struct gd_run *run, const struct gd_case *c, int rc)
{
    if (rc == EAI_BADFLAGS || rc == EAI_FAMILY || rc == EAI_SOCKTYPE)
        return true;
    if (rc == EAI_NONAME && (c->flags & AI_ADDRCONFIG))
        return (c->family == AF_INET && !run->seen_ipv4) ||
               (c->family == AF_INET6 && !run->seen_ipv6);
    return false;
}

/*
 * What gaix must answer for c, given glibc's answer g. Returns in *ids the documented rules that
 * changed the answer. The node and flag transformations come first, because they change what
 * glibc is asked; the list transformations follow in the order gaix applies its own checks.
 */
static void expect_compute(const struct gd_run *run, const struct gd_case *c,
                           const struct diff_list *g, struct diff_list *e, unsigned *ids)
{
    struct gd_case t = *c;
    unsigned pre = 0;
    char stripped[GD_NODE_MAX];
    const char *canon_as_written = NULL;
    *ids = 0;

    /* DIFF-TRAILING-DOT: one final dot is ignored on both sides: "thor." is the hosts name
     * "thor", and "dotted" is the hosts name "dotted.". */
    char dotted[GD_NODE_MAX];
    if (c->node && node_has_single_trailing_dot(c->node) && strlen(c->node) < sizeof stripped) {
        node_strip_dot(c->node, stripped, sizeof stripped);
        if (hosts_has_name(&run->hosts, stripped)) {
            t.node = stripped;
            pre |= DIFF_BIT(DIFF_TRAILING_DOT);
        }
    } else if (c->node && strlen(c->node) + 2 <= sizeof dotted && c->node[0] != '\0' &&
               c->node[strlen(c->node) - 1] != '.' && !hosts_has_name(&run->hosts, c->node)) {
        snprintf(dotted, sizeof dotted, "%s.", c->node);
        if (hosts_has_name(&run->hosts, dotted)) {
            t.node = dotted;
            pre |= DIFF_BIT(DIFF_TRAILING_DOT);
        }
    }
    /* DIFF-LOCALHOST: a *.localhost name for which the hosts file has nothing of the asked
     * family answers as "localhost" does; its canonical name is the node as written. */
    if (t.node && node_is_localhost_name(t.node)) {
        char bare[GD_NAME_MAX];
        node_strip_dot(t.node, bare, sizeof bare);
        bool listed = hosts_has_name(&run->hosts, bare);
        if (listed) {
            struct gd_case probe = t;
            struct diff_list r;
            probe.flags &= ~AI_ADDRCONFIG; /* localhost names are exempt (below) */
            probe.null_hints = false;
            libc_run(&probe, &r);
            listed = !(r.rc == EAI_NONAME || r.rc == EAI_NODATA);
            list_free(&r);
        }
        if (!listed) {
            t.node = "localhost";
            canon_as_written = c->node;
            pre |= DIFF_BIT(DIFF_LOCALHOST);
        }
    }
    /* DIFF-ADDRCONFIG-EXEMPT: no node ("*" too), a numeric literal as glibc classifies it (an
     * IPv6 address with a bad scope included), the localhost names. */
    if ((c->flags & AI_ADDRCONFIG) &&
        (t.node == NULL || node_is_star(t.node) || node_is_localhost_name(t.node) ||
         libc_is_literal(c->node))) {
        t.flags &= ~AI_ADDRCONFIG;
        pre |= DIFF_BIT(DIFF_ADDRCONFIG_EXEMPT);
    }
    if (pre) {
        t.null_hints = false; /* the same hints, written out, minus what the rule removes */
        libc_run(&t, e);
        list_set_flags(e, c->flags);
        if (canon_as_written && e->rc == 0 && e->n && e->e[0].canon)
            list_set_canon(e, canon_as_written);
        if (!list_equal(e, g)) {
            /* With a node rewritten too, the exemption counts only if it changes the answer
             * for the rewritten node. */
            if (pre != DIFF_BIT(DIFF_ADDRCONFIG_EXEMPT) &&
                (pre & DIFF_BIT(DIFF_ADDRCONFIG_EXEMPT))) {
                struct gd_case kept = t;
                struct diff_list r;
                kept.flags = c->flags;
                kept.null_hints = c->null_hints;
                libc_run(&kept, &r);
                if (canon_as_written && r.rc == 0 && r.n && r.e[0].canon)
                    list_set_canon(&r, canon_as_written);
                if (list_equal(&r, e))
                    pre &= ~DIFF_BIT(DIFF_ADDRCONFIG_EXEMPT);
                list_free(&r);
            }
            *ids |= pre;
        }
    } else {
        list_copy(e, g);
    }

    /* DIFF-SCOPED-HOSTS: the name of a "fe80::5%lo name" line is what glibc answers for the
     * literal, with the line's first name as canonical name. */
    if (t.node && !(t.flags & AI_NUMERICHOST)) {
        const struct gd_hline *hl = hosts_scoped_only(&run->hosts, t.node);
        if (hl) {
            struct gd_case s = t;
            struct diff_list lit;
            s.node = hl->addr;
            libc_run(&s, &lit);
            if (lit.rc == 0) {
                list_set_flags(&lit, c->flags);
                if (c->flags & AI_CANONNAME)
                    list_set_canon(&lit, hl->names[0]);
                if (!list_equal(&lit, e))
                    *ids |= DIFF_BIT(DIFF_SCOPED_HOSTS);
                list_free(e);
                *e = lit;
            } else {
                list_free(&lit);
            }
        }
    }

    /* DIFF-DUPLICATES */
    if (e->rc == 0 && list_dedupe(e))
        *ids |= DIFF_BIT(DIFF_DUPLICATES);

    /* DIFF-PORT-RANGE */
    if (service_out_of_range(c->service) && !libc_error_precedes_service(run, &t, e->rc) &&
        e->rc != EAI_SERVICE) {
        list_set_error(e, EAI_SERVICE);
        *ids |= DIFF_BIT(DIFF_PORT_RANGE);
    }

    /* DIFF-IDN-NONASCII */
    if (c->node && has_non_ascii(c->node) && !(c->flags & AI_IDN) && e->rc == 0) {
        list_set_error(e, EAI_NONAME);
        *ids |= DIFF_BIT(DIFF_IDN_NONASCII);
    }

    /* Rules can undo each other ("bücher.test." loses its dot, then its non-ASCII name): what
     * counts is the final answer. */
    if (list_equal(e, g))
        *ids = 0;
}

/* ---- the corpus ------------------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* splitmix64: deterministic for a seed, on every platform */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const int flag_bits[] = {AI_PASSIVE, AI_CANONNAME,  AI_NUMERICHOST, AI_V4MAPPED,
                                AI_ALL,     AI_ADDRCONFIG, AI_NUMERICSERV};

static int flags_from_index(unsigned idx)
{
    int flags = 0;
    for (unsigned b = 0; b < COUNT_OF(flag_bits); b++)
        if (idx & (1u << b))
            flags |= flag_bits[b];
    return flags;
}

/* The core: every combination of the seven flags for these nodes, services and families. */
static const char *const core_nodes[] = {
    NULL,   "localhost", "127.0.0.1", "::1",           "::ffff:192.0.2.1",
    "dual", "multi",     "sortme",    "foo.localhost",
};
static const char *const core_services[] = {NULL, "80", "http"};
static const int core_families[] = {AF_UNSPEC, AF_INET, AF_INET6};
static const int core_types[][2] = {{0, 0}, {SOCK_STREAM, 0}, {SOCK_DGRAM, IPPROTO_UDP}};

/* Nodes beyond the hosts names (which the corpus adds from the fixture itself). */
static const char *const pool_nodes[] = {
    NULL,
    "*",
    "",
    ".",
    "localhost",
    "LOCALHOST",
    "localhost.",
    "LocalHost.",
    "foo.localhost",
    "a.b.localhost.",
    "FOO.LocalHost",
    "x-y.localhost",
    "localhost..",
    ".localhost",
    "a..localhost",
    "localhostx",
    "notlocalhost",
    "localhost.example",
    /* IPv4 literals, inet_aton forms and bad ones */
    "127.0.0.1",
    "127.0.0.2",
    "127.1",
    "0x7f.1",
    "017700000001",
    "4294967295",
    "0x7f000001",
    "192.0.2.1",
    "192.0.2.2",
    "192.0.2.99",
    "198.51.100.1",
    "203.0.113.5",
    "10.0.0.1",
    "169.254.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "1.2.3",
    "1.2",
    "1",
    "0",
    "01.2.3.4",
    "1.2.3.4 x",
    "192.0.2.",
    "256.1.1.1",
    "1.2.3.4.5",
    " 1.2.3.4",
    "1.2.3.4 ",
    "192.0.2.1\tX",
    "192.0.2.1\nZ",
    "08.1.1.1",
    "0x",
    "1.2.3.0x4",
    "12345678901",
    "4294967296",
    "127.0.0.1.",
    /* IPv6 literals */
    "::1",
    "::",
    "2001:db8::1",
    "2001:db8:1::5",
    "2001:db8:1::2",
    "fd00:1::9",
    "fd00::1",
    "::ffff:192.0.2.1",
    "::ffff:127.0.0.1",
    "::192.0.2.1",
    "fe80::1",
    "fe80::1%lo",
    "fe80::1%1",
    "fe80::1%",
    "fe80::1%nosuchif",
    "fe80::1%99999999999",
    "2001:db8::1%1",
    "1:2:3:4:5:6:7::9",
    ":::",
    "[::1]",
    "ff02::1",
    "2002:c000:201::1",
    "2001::1",
    "fec0::1",
    "::1.",
    "2001:db8::1 x",
    "::ffff:1.2.3.4x",
    "1::2::3",
    "::1%lo",
    "FE80::1%LO",
    /* names that are not in the hosts file, and invalid ones */
    "nosuchname",
    "unknown.example",
    "a..b",
    ".a",
    "..",
    "a.test..",
    "foo\\.",
    "-leading.test",
    "under_score.test",
    "with space",
    "onion.onion",
    "x.invalid",
    "españa.test",
    "ESPAÑA.test",
    "bücher.test",
    "xn--bcher-kva.test",
    "dotted.example",
    "DOTTED.EXAMPLE",
    "THOR.",
    "Thor.Example.",
    "v6only..",
    "localhost.localdomain",
    "ip6-localhost.",
};

static const char *const pool_services[] = {
    NULL,         NULL,
    NULL,         "",
    "*",          "0",
    "21",         "80",
    "80",         "65535",
    "65536",      "99999",
    "4294967297", "18446744073709551617",
    "-1",         "-0",
    "-65535",     "+80",
    " 80",        "\t80",
    "80 ",        "0x50",
    "00080",      "8 0",
    "http",       "http",
    "www",        "HTTP",
    "Http",       "https",
    "domain",     "ftp",
    "ssh",        "ntp",
    "syslog",     "sctpsvc",
    "dccpsvc",    "litesvc",
    "mixsvc",     "mixsvc-alias",
    "Mixed",      "mixed",
    "tcponly",    "tcpalias",
    "dupsvc",     "bad",
    "bad2",       "nosuchservice",
};

static const int pool_families[] = {AF_UNSPEC, AF_UNSPEC, AF_UNSPEC, AF_UNSPEC, AF_INET, AF_INET,
                                    AF_INET,   AF_INET6,  AF_INET6,  AF_INET6,  AF_UNIX, 12345};
static const int pool_socktypes[] = {SOCK_STREAM,    SOCK_DGRAM, SOCK_RAW,
                                     SOCK_SEQPACKET, SOCK_DCCP,  12345};
static const int pool_protocols[] = {IPPROTO_TCP,  IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_UDPLITE,
                                     IPPROTO_DCCP, 99,          255};
static const int extra_flags[] = {GD_AI_UNKNOWN_BIT, AI_IDN, AI_CANONIDN, GD_AI_DEPRECATED_IDN1,
                                  GD_AI_DEPRECATED_IDN2};

struct gd_corpus {
    struct gd_case *cases;
    size_t n;
    char **owned; /* generated node strings */
    size_t nowned;
};

static const char *corpus_own(struct gd_corpus *cp, char *s)
{
    char **grown = realloc(cp->owned, (cp->nowned + 1) * sizeof *grown);
    if (!grown) {
        fprintf(stderr, "gai_diff_prog: out of memory\n");
        exit(2);
    }
    cp->owned = grown;
    cp->owned[cp->nowned++] = s;
    return s;
}

/* A name of labels of 63 'a'..'d' octets and a last one that brings it to total octets, plus
 * an optional final dot. */
static char *make_long_name(size_t total, bool final_dot)
{
    char *s = xcalloc(total + 2, 1);
    size_t i = 0, label = 0;
    char letter = 'a';
    while (i < total) {
        if (label == 63 && i + 1 < total) {
            s[i++] = '.';
            label = 0;
            letter = (char)(letter == 'z' ? 'a' : letter + 1);
            continue;
        }
        s[i++] = letter;
        label++;
    }
    if (final_dot)
        s[i] = '.';
    return s;
}

static void corpus_build(struct gd_corpus *cp, const struct gd_hosts *hosts, size_t ncases,
                         uint64_t seed)
{
    memset(cp, 0, sizeof *cp);
    cp->cases = xcalloc(ncases, sizeof *cp->cases);
    rng_state = seed;

    /* The node pool: the fixed list, generated long names, and every hosts name as written, in
     * upper case, with a trailing dot and (rarely useful) two. */
    size_t pool_cap = COUNT_OF(pool_nodes) + 16 + 4 * 4 * 64;
    const char **pool = xcalloc(pool_cap, sizeof *pool);
    size_t npool = 0;
    for (size_t i = 0; i < COUNT_OF(pool_nodes); i++)
        pool[npool++] = pool_nodes[i];
    pool[npool++] = corpus_own(cp, make_long_name(253, false));
    pool[npool++] = corpus_own(cp, make_long_name(253, true));
    pool[npool++] = corpus_own(cp, make_long_name(254, false));
    pool[npool++] = corpus_own(cp, make_long_name(255, false));
    {
        char *label64 = xcalloc(64 + 6, 1);
        memset(label64, 'q', 64);
        memcpy(label64 + 64, ".test", 5);
        pool[npool++] = corpus_own(cp, label64);
        char *label63 = xcalloc(63 + 6, 1);
        memset(label63, 'q', 63);
        memcpy(label63 + 63, ".test", 5);
        pool[npool++] = corpus_own(cp, label63);
        char *digits = xcalloc(4097, 1);
        for (size_t i = 0; i < 4096; i++)
            digits[i] = (i % 2) ? '.' : '1';
        pool[npool++] = corpus_own(cp, digits);
    }
    size_t hosts_first = npool;
    for (size_t i = 0; i < hosts->nlines; i++) {
        for (size_t j = 0; j < hosts->lines[i].nnames && npool + 3 < pool_cap; j++) {
            const char *name = hosts->lines[i].names[j];
            bool seen = false;
            for (size_t k = hosts_first; k < npool && !seen; k++)
                seen = strcmp(pool[k], name) == 0;
            if (seen || strlen(name) + 3 > GD_NAME_MAX)
                continue;
            pool[npool++] = name;
            char *upper = xstrdup(name), *dot = xcalloc(strlen(name) + 3, 1);
            for (char *p = upper; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 'a' + 'A');
            pool[npool++] = corpus_own(cp, upper);
            memcpy(dot, name, strlen(name));
            dot[strlen(name)] = '.';
            pool[npool++] = corpus_own(cp, dot);
        }
    }
    size_t nhosts = npool - hosts_first;

    size_t n = 0;
    /* The core product, socktypes rotating so that each flag combination meets each. */
    for (size_t a = 0; a < COUNT_OF(core_nodes); a++)
        for (size_t b = 0; b < COUNT_OF(core_services); b++)
            for (size_t f = 0; f < COUNT_OF(core_families); f++)
                for (unsigned fl = 0; fl < 128 && n < ncases; fl++) {
                    struct gd_case *c = &cp->cases[n];
                    c->node = core_nodes[a];
                    c->service = core_services[b];
                    c->family = core_families[f];
                    c->socktype = core_types[n % COUNT_OF(core_types)][0];
                    c->protocol = core_types[n % COUNT_OF(core_types)][1];
                    c->flags = flags_from_index(fl);
                    n++;
                }
    /* Seeded sampling of everything else. */
    for (; n < ncases; n++) {
        struct gd_case *c = &cp->cases[n];
        if (nhosts && rng_below(100) < 45)
            c->node = pool[hosts_first + rng_below(nhosts)];
        else
            c->node = pool[rng_below(hosts_first)];
        c->service = pool_services[rng_below(COUNT_OF(pool_services))];
        c->family = pool_families[rng_below(COUNT_OF(pool_families))];
        if (rng_below(100) < 40) {
            c->socktype = 0;
        } else {
            c->socktype = pool_socktypes[rng_below(COUNT_OF(pool_socktypes))];
        }
        c->protocol = rng_below(100) < 60 ? 0 : pool_protocols[rng_below(COUNT_OF(pool_protocols))];
        c->flags = flags_from_index((unsigned)rng_below(128));
        for (size_t k = 0; k < COUNT_OF(extra_flags); k++)
            if (rng_below(20) == 0)
                c->flags |= extra_flags[k];
        if (rng_below(50) == 0) {
            c->null_hints = true;
            c->family = AF_UNSPEC;
            c->socktype = c->protocol = 0;
            c->flags = GD_NULL_HINTS_FLAGS;
        }
        c->garbage = rng_below(8) == 0;
    }
    cp->n = n;
    free(pool);
}

static void corpus_free(struct gd_corpus *cp)
{
    for (size_t i = 0; i < cp->nowned; i++)
        free(cp->owned[i]);
    free(cp->owned);
    free(cp->cases);
}

/* ---- verdicts and their summary -------------------------------------------------------------- */

struct gd_group {
    char *key;
    size_t count;
    char *first; /* the first failure line of the group */
};

struct gd_groups {
    struct gd_group g[GD_GROUPS_MAX];
    size_t n, overflow;
};

struct gd_stats {
    size_t cases, identical, documented, failed, printed, max_print;
    size_t by_id[DIFF_COUNT];
    struct gd_groups by_node, by_service; /* the same failures, grouped two ways */
};

/* How a failing answer differs from the prediction, coarsest first. */
static const char *mismatch_kind(const struct diff_list *want, const struct diff_list *got)
{
    if (got->defect)
        return "defect";
    if (want->rc != got->rc)
        return "rc";
    if (list_same_set(want, got))
        return "order";
    if (want->n == got->n) {
        bool only_canon = true, only_flags = true;
        for (size_t i = 0; i < want->n; i++) {
            struct diff_entry a = want->e[i], b = got->e[i];
            bool canon_same = canon_equal(a.canon, b.canon);
            bool rest_same = entry_cmp_nocanon(&a, &b) == 0;
            a.flags = b.flags = 0;
            bool rest_noflags_same = entry_cmp_nocanon(&a, &b) == 0;
            if (!rest_same)
                only_canon = false;
            if (!canon_same || !rest_noflags_same)
                only_flags = false;
        }
        if (only_canon)
            return "canonname";
        if (only_flags)
            return "ai_flags";
    }
    return "entries";
}

static void groups_add(struct gd_groups *gs, const char *kind, int want_rc, int got_rc,
                       const char *what, const char *value, const char *line)
{
    char *key = NULL;
    size_t keylen = 0;
    FILE *k = open_memstream(&key, &keylen);
    if (!k) {
        fprintf(stderr, "gai_diff_prog: out of memory\n");
        exit(2);
    }
    fprintf(k, "%s expected=%s gaix=%s %s='", kind, eai_name(want_rc), eai_name(got_rc), what);
    put_escaped(k, value);
    fputc('\'', k);
    fclose(k);
    for (size_t i = 0; i < gs->n; i++) {
        if (strcmp(gs->g[i].key, key) == 0) {
            gs->g[i].count++;
            free(key);
            return;
        }
    }
    if (gs->n == GD_GROUPS_MAX) {
        gs->overflow++;
        free(key);
        return;
    }
    gs->g[gs->n].key = key;
    gs->g[gs->n].count = 1;
    gs->g[gs->n].first = xstrdup(line);
    gs->n++;
}

static void stats_fail(struct gd_stats *st, const struct gd_case *c, const struct diff_list *g,
                       const struct diff_list *want, unsigned ids, const struct diff_list *got,
                       const char *extra)
{
    st->failed++;
    const char *kind = mismatch_kind(want, got);
    char *line = NULL;
    size_t linelen = 0;
    FILE *f = open_memstream(&line, &linelen);
    if (!f) {
        fprintf(stderr, "gai_diff_prog: out of memory\n");
        exit(2);
    }
    fprintf(f, "FAIL %s: ", kind);
    case_print_repro(f, c);
    fputs(" | glibc: ", f);
    list_print(f, g, c->flags);
    if (ids) {
        fputs(" | expected (", f);
        ids_print(f, ids);
        fputs("): ", f);
        list_print(f, want, c->flags);
    }
    fputs(" | gaix: ", f);
    list_print(f, got, c->flags);
    if (extra)
        fprintf(f, " | %s", extra);
    fclose(f);

    if (st->printed < st->max_print) {
        puts(line);
        st->printed++;
    }

    /* Group by what differs, the two return codes and the node, and again with the service
     * instead of the node: one reproduction per group is what a reader needs. */
    groups_add(&st->by_node, kind, want->rc, got->rc, "node", c->node, line);
    groups_add(&st->by_service, kind, want->rc, got->rc, "service", c->service, line);
    free(line);
}

enum gd_verdict { GD_IDENTICAL, GD_DOCUMENTED, GD_FAILED };

/* Runs both sides on c and judges gaix's answer. The caller frees g, want and got. *note says
 * why an order-only difference is not DIFF-SORT-READING. */
static enum gd_verdict case_verdict(struct gd_run *run, const struct gd_case *c,
                                    struct diff_list *g, struct diff_list *want, unsigned *ids,
                                    struct diff_list *got, const char **note)
{
    libc_run(c, g);
    expect_compute(run, c, g, want, ids);
    gaix_run(run->ctx, c, got);
    *note = NULL;
    if (!got->defect && list_equal(want, got))
        return *ids ? GD_DOCUMENTED : GD_IDENTICAL;
    if (!got->defect && run->ctx_glibc && list_same_set(want, got)) {
        /* DIFF-SORT-READING: the order alone differs, and gaix reading the rules as glibc
         * does gives exactly the prediction. */
        struct diff_list legacy;
        gaix_run(run->ctx_glibc, c, &legacy);
        bool same = !legacy.defect && list_equal(want, &legacy);
        list_free(&legacy);
        if (same) {
            *ids |= DIFF_BIT(DIFF_SORT_READING);
            return GD_DOCUMENTED;
        }
        *note = "policy=glibc gives another order too, so not DIFF-SORT-READING";
    }
    return GD_FAILED;
}

static void case_judge(struct gd_run *run, struct gd_stats *st, const struct gd_case *c)
{
    struct diff_list g, want, got;
    unsigned ids;
    const char *note;
    enum gd_verdict v = case_verdict(run, c, &g, &want, &ids, &got, &note);
    st->cases++;
    if (v == GD_IDENTICAL) {
        st->identical++;
    } else if (v == GD_DOCUMENTED) {
        st->documented++;
        for (int i = 0; i < DIFF_COUNT; i++)
            if (ids & DIFF_BIT(i))
                st->by_id[i]++;
    } else {
        stats_fail(st, c, &g, &want, ids, &got, note);
    }
    list_free(&g);
    list_free(&want);
    list_free(&got);
}

static int group_cmp(const void *a, const void *b)
{
    const struct gd_group *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

static void groups_print(struct gd_groups *gs, const char *what)
{
    if (gs->n == 0)
        return;
    qsort(gs->g, gs->n, sizeof gs->g[0], group_cmp);
    printf("failure groups by (kind, expected rc, gaix rc, %s), largest first:\n", what);
    for (size_t i = 0; i < gs->n; i++) {
        printf("  %6zu  %s\n          e.g. %s\n", gs->g[i].count, gs->g[i].key, gs->g[i].first);
        free(gs->g[i].key);
        free(gs->g[i].first);
    }
    if (gs->overflow)
        printf("  %6zu  (in groups beyond the first %d)\n", gs->overflow, GD_GROUPS_MAX);
}

/* ---- modes ----------------------------------------------------------------------------------- */

/* glibc alone, twice per case: validates the corpus and the namespace before gaix exists, and
 * shows how often each rule would change glibc's answer. */
static int mode_libc_only(struct gd_run *run, const struct gd_corpus *cp, const char *show_rule)
{
    size_t ok = 0, nondeterministic = 0, by_rc[32] = {0}, rc_other = 0, by_id[DIFF_COUNT] = {0};
    size_t entries = 0;
    for (size_t i = 0; i < cp->n; i++) {
        struct diff_list a, b, want;
        unsigned ids;
        libc_run(&cp->cases[i], &a);
        libc_run(&cp->cases[i], &b);
        if (!list_equal(&a, &b)) {
            nondeterministic++;
            printf("NONDETERMINISTIC: ");
            case_print_repro(stdout, &cp->cases[i]);
            putchar('\n');
        }
        if (a.rc == 0) {
            ok++;
            entries += a.n;
        } else if (-a.rc > 0 && -a.rc < 32) {
            by_rc[-a.rc]++;
        } else {
            rc_other++;
        }
        expect_compute(run, &cp->cases[i], &a, &want, &ids);
        for (int k = 0; k < DIFF_COUNT; k++) {
            if (!(ids & DIFF_BIT(k)))
                continue;
            by_id[k]++;
            if (show_rule && strcmp(show_rule, diff_names[k]) == 0) {
                printf("%s: ", diff_names[k]);
                case_print_repro(stdout, &cp->cases[i]);
                printf(" | glibc: ");
                list_print(stdout, &a, cp->cases[i].flags);
                printf(" | expected: ");
                list_print(stdout, &want, cp->cases[i].flags);
                putchar('\n');
            }
        }
        list_free(&a);
        list_free(&b);
        list_free(&want);
    }
    printf("libc-only: cases=%zu ok=%zu (entries=%zu) errors:", cp->n, ok, entries);
    for (int r = 1; r < 32; r++)
        if (by_rc[r])
            printf(" %s=%zu", eai_name(-r), by_rc[r]);
    if (rc_other)
        printf(" other=%zu", rc_other);
    printf("\nrules that would change glibc's answer:");
    for (int k = 0; k < DIFF_COUNT; k++)
        printf(" %s=%zu", diff_names[k], by_id[k]);
    printf("\nseen_ipv4=%d seen_ipv6=%d nondeterministic=%zu\n", run->seen_ipv4, run->seen_ipv6,
           nondeterministic);
    printf("%zu passed, %zu failed\n", cp->n - nondeterministic, nondeterministic);
    return nondeterministic ? 1 : 0;
}

static int parse_int(const char *s, const char *what)
{
    if (strcmp(s, "AF_UNSPEC") == 0)
        return AF_UNSPEC;
    if (strcmp(s, "AF_INET") == 0)
        return AF_INET;
    if (strcmp(s, "AF_INET6") == 0)
        return AF_INET6;
    if (strcmp(s, "AF_UNIX") == 0)
        return AF_UNIX;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno || *end || v < (long)INT32_MIN || v > (long)INT32_MAX) {
        fprintf(stderr, "gai_diff_prog: bad %s '%s'\n", what, s);
        exit(2);
    }
    return (int)v;
}

static int mode_one(struct gd_run *run, char **argv, bool garbage)
{
    struct gd_case c;
    char *node = unescape(argv[0]), *service = unescape(argv[1]);
    memset(&c, 0, sizeof c);
    c.node = node;
    c.service = service;
    if (strcmp(argv[2], "NULLHINTS") == 0) {
        c.null_hints = true;
        c.flags = GD_NULL_HINTS_FLAGS;
    } else {
        c.family = parse_int(argv[2], "family");
        c.socktype = parse_int(argv[3], "socktype");
        c.protocol = parse_int(argv[4], "protocol");
        c.flags = parse_int(argv[5], "flags");
        c.garbage = garbage;
    }

    struct diff_list g, want, got;
    unsigned ids;
    const char *note;
    enum gd_verdict v = case_verdict(run, &c, &g, &want, &ids, &got, &note);
    case_print_repro(stdout, &c);
    printf("\nglibc:    ");
    list_print(stdout, &g, c.flags);
    printf("\nexpected: ");
    list_print(stdout, &want, c.flags);
    printf(" (rules: ");
    ids_print(stdout, ids);
    printf(")\ngaix:     ");
    list_print(stdout, &got, c.flags);
    if (run->ctx_glibc) {
        struct diff_list legacy;
        gaix_run(run->ctx_glibc, &c, &legacy);
        printf("\ngaix policy=glibc: ");
        list_print(stdout, &legacy, c.flags);
        list_free(&legacy);
    }
    printf("\nverdict: %s%s%s\n",
           v == GD_IDENTICAL    ? "identical"
           : v == GD_DOCUMENTED ? "documented"
                                : "FAILED",
           note ? ": " : "", note ? note : "");
    list_free(&g);
    list_free(&want);
    list_free(&got);
    free(node);
    free(service);
    return v == GD_FAILED ? 1 : 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: gai_diff_prog [--policy glibc|rfc6724] [--cases N] [--seed S] [--max-print N]\n"
            "                     [--libc-only] [--show-rule DIFF-ID] [--list]\n"
            "       gai_diff_prog [--policy P] --one NODE SERVICE FAMILY SOCKTYPE PROTOCOL FLAGS"
            " [garbage]\n");
    exit(2);
}

/* The name the fixture lists so that the program knows it runs against the fixture. */
#define GD_FIXTURE_MARKER "gaix-diff-fixture"

int main(int argc, char **argv)
{
    enum gaix_policy policy = GAIX_POLICY_RFC6724;
    size_t ncases = 40000, max_print = 40;
    uint64_t seed = 0x67616978646966ull; /* "gaixdif" */
    bool libc_only = false, list_only = false;
    const char *show_rule = NULL;
    char **one = NULL;
    bool one_garbage = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_arg = i + 1 < argc;
        if (strcmp(a, "--policy") == 0 && has_arg) {
            const char *p = argv[++i];
            if (strcmp(p, "glibc") == 0)
                policy = GAIX_POLICY_GLIBC;
            else if (strcmp(p, "rfc6724") == 0)
                policy = GAIX_POLICY_RFC6724;
            else
                usage();
        } else if (strcmp(a, "--cases") == 0 && has_arg) {
            ncases = (size_t)strtoull(argv[++i], NULL, 0);
        } else if (strcmp(a, "--seed") == 0 && has_arg) {
            seed = strtoull(argv[++i], NULL, 0);
        } else if (strcmp(a, "--max-print") == 0 && has_arg) {
            max_print = (size_t)strtoull(argv[++i], NULL, 0);
        } else if (strcmp(a, "--libc-only") == 0) {
            libc_only = true;
        } else if (strcmp(a, "--show-rule") == 0 && has_arg) {
            libc_only = true;
            show_rule = argv[++i];
        } else if (strcmp(a, "--list") == 0) {
            list_only = true;
        } else if (strcmp(a, "--one") == 0 && i + 6 < argc) {
            one = &argv[i + 1];
            i += 6;
            if (i + 1 < argc && strcmp(argv[i + 1], "garbage") == 0) {
                one_garbage = true;
                i++;
            }
        } else {
            usage();
        }
    }

    struct gd_run run;
    memset(&run, 0, sizeof run);
    run.policy = policy;
    hosts_load(&run.hosts, "/etc/hosts");
    if (!hosts_has_name(&run.hosts, GD_FIXTURE_MARKER) || !libc_is_numeric("127.0.0.1")) {
        fprintf(stderr,
                "gai_diff_prog: /etc/hosts is not the fixture (no %s): run me through "
                "test_gai_diff.sh, inside its namespace\n",
                GD_FIXTURE_MARKER);
        hosts_free(&run.hosts);
        return 2;
    }
    {
        struct gd_case marker = {GD_FIXTURE_MARKER, NULL, AF_INET, SOCK_STREAM, 0, 0, false, false};
        struct diff_list l;
        libc_run(&marker, &l);
        bool found = l.rc == 0;
        list_free(&l);
        if (!found) {
            fprintf(stderr,
                    "gai_diff_prog: glibc does not find %s: nsswitch.conf is not "
                    "\"hosts: files\"?\n",
                    GD_FIXTURE_MARKER);
            hosts_free(&run.hosts);
            return 2;
        }
    }
    run.seen_ipv4 = libc_addrconfig_sees(AF_INET, "127.0.0.1");
    run.seen_ipv6 = libc_addrconfig_sees(AF_INET6, "::1");

    struct gd_corpus cp;
    corpus_build(&cp, &run.hosts, one ? 0 : ncases, seed);

    int status = 0;
    if (list_only) {
        for (size_t i = 0; i < cp.n; i++) {
            case_print_repro(stdout, &cp.cases[i]);
            putchar('\n');
        }
    } else if (libc_only) {
        status = mode_libc_only(&run, &cp, show_rule);
    } else {
        struct gaix_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.policy = policy;
        cfg.reload_interval_ms = GAIX_RELOAD_NEVER;
        /* The libc is told "hosts: files" (nsswitch.conf): gaix without DNS is the same
         * question. */
        static const char *const no_dns[] = {NULL};
        cfg.nameservers = no_dns;
        run.ctx = gaix_ctx_new(&cfg);
        if (policy == GAIX_POLICY_RFC6724) {
            cfg.policy = GAIX_POLICY_GLIBC;
            run.ctx_glibc = gaix_ctx_new(&cfg);
        }
        if (!run.ctx || (policy == GAIX_POLICY_RFC6724 && !run.ctx_glibc)) {
            fprintf(stderr, "gai_diff_prog: gaix_ctx_new: %s\n", strerror(errno));
            status = 2;
        } else if (one) {
            status = mode_one(&run, one, one_garbage);
        } else {
            static struct gd_stats st;
            st.max_print = max_print;
            /* Warm both sides up so that what they keep open for good is counted as before:
             * the netlink subscription (AI_ADDRCONFIG) and the sort's routing socket (two
             * addresses to order, whatever families are configured). */
            static const struct gd_case warm[] = {
                {"dual", "http", AF_UNSPEC, 0, 0, AI_ADDRCONFIG, false, false},
                {"dual", "http", AF_UNSPEC, 0, 0, 0, false, false},
            };
            for (size_t i = 0; i < sizeof warm / sizeof warm[0]; i++) {
                struct diff_list w;
                gaix_run(run.ctx, &warm[i], &w);
                list_free(&w);
                if (run.ctx_glibc) {
                    gaix_run(run.ctx_glibc, &warm[i], &w);
                    list_free(&w);
                }
            }
            size_t fds_before = fds_open();
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            for (size_t i = 0; i < cp.n; i++)
                case_judge(&run, &st, &cp.cases[i]);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            size_t fds_after = fds_open();

            if (st.printed < st.failed)
                printf("(%zu more failure lines not printed; --max-print raises the limit)\n",
                       st.failed - st.printed);
            groups_print(&st.by_node, "node");
            groups_print(&st.by_service, "service");
            size_t failed = st.failed;
            if (fds_after != fds_before) {
                printf("FAIL descriptors: %zu open before the corpus, %zu after\n", fds_before,
                       fds_after);
                failed++;
            }
            printf("policy=%s seed=0x%llx seen_ipv4=%d seen_ipv6=%d time=%.1fs\n",
                   policy == GAIX_POLICY_GLIBC ? "glibc" : "rfc6724", (unsigned long long)seed,
                   run.seen_ipv4, run.seen_ipv6,
                   (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
            /* A case may need several rules: the counts per rule can sum to more than
             * documented. */
            printf("cases=%zu identical=%zu documented=%zu (", st.cases, st.identical,
                   st.documented);
            bool first = true;
            for (int i = 0; i < DIFF_COUNT; i++) {
                if (st.by_id[i]) {
                    printf("%s%s=%zu", first ? "" : " ", diff_names[i], st.by_id[i]);
                    first = false;
                }
            }
            printf(") failed=%zu\n", st.failed);
            printf("%zu passed, %zu failed\n", st.identical + st.documented, failed);
            status = failed ? 1 : 0;
        }
        if (run.ctx_glibc)
            gaix_ctx_free(run.ctx_glibc);
        if (run.ctx)
            gaix_ctx_free(run.ctx);
    }
    corpus_free(&cp);
    hosts_free(&run.hosts);
    return status;
}
