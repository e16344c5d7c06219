/*
 * gni_diff_prog: the differential test of gaix_ctx_getnameinfo() against the system libc.
 *
 * Model. tests/differential/test_gni_diff.sh runs this program inside a private mount, network
 * and UTS namespace where /etc/hosts, /etc/services, /etc/nsswitch.conf ("files" only, so the libc
 * never asks DNS), /etc/host.conf and /etc/resolv.conf are bind-mounted test copies (ns_lib.sh)
 * and the host name is the scenario's own. There glibc's getnameinfo() reads exactly what gaix
 * reads, sees the same interfaces and the same host name, so it is an exact oracle. The program
 * generates a deterministic corpus of (socket address, salen, host buffer, service buffer, flags)
 * cases, runs each through both and compares: the return code; on success the host and the
 * service strings (each only when it was asked for: a buffer that is not NULL, of length > 0);
 * and after every call, whatever it returned, that neither side wrote a byte past the length it
 * was given (GN_CANARY guard bytes after each buffer), nor left a success without a NUL.
 *
 * Buffers. "need" is the length glibc needs for this address and these flags (its answer with
 * a large buffer, plus the NUL), "need-1" one byte less; the other kinds are NULL (with length 0,
 * or with NI_MAXHOST: a NULL buffer must be ignored whatever its length), a real buffer of length
 * 0 or 1, and NI_MAXHOST / NI_MAXSERV.
 *
 * Verdicts. For each case the program first works out what gaix must answer: glibc's answer,
 * unless a deliberate difference of docs/DIFFERENCES.md applies. A rule changes only the host
 * part, and the prediction is built from glibc itself: glibc answers in two independent steps,
 * host first and then service (a failing host step returns at once), so the prediction is the
 * rule's host answer followed by glibc's answer with the host buffer left out (--libc-only checks
 * that this composition reproduces glibc's own answers over the whole corpus).
 *   DIFF-SCOPED-HOSTS  a hosts line "fe80::5%lo name", which glibc skips: for that address with
 *                      that scope gaix names it; the name or EAI_OVERFLOW by the host length.
 *   DIFF-HOSTS-REFUSED a hosts line whose name gaix refuses (F26: a byte >= 0x80, a control
 *                      character, a label over 63 or a name over 253 octets; DIFFERENCES.md,
 *                      "Configuration lines gaix refuses that glibc reads"): gaix never sees the
 *                      line, so its host answer is glibc's with NI_NUMERICHOST added.
 * gaix must equal the prediction exactly:
 *   identical   the prediction is glibc's own answer and gaix gave it;
 *   documented  a rule changed the prediction and gaix gave the changed answer (counted by rule);
 *   failed      anything else, printed as one line with a reproduction (--one ...). A guard byte
 *               overwritten or a success without a NUL is a failure whichever side did it.
 *
 * The program refuses to run (exit 2) when the hosts file is not the fixture: outside the
 * namespace it would compare nothing useful.
 *
 * Usage: gni_diff_prog [--cases N] [--seed S] [--max-print N] [--libc-only] [--list]
 *        gni_diff_prog --one FAMILY ADDRESS PORT SCOPE SALEN HOSTBUF SERVBUF FLAGS
 * The arguments of --one are written as the failure lines print them. FAMILY is AF_INET,
 * AF_INET6, AF_UNIX, NULLSA (sa == NULL) or a number; ADDRESS a numeric address or a socket path
 * ('' for none); SALEN "exact", "-1", "+1" (relative to the family's exact length) or "=N";
 * HOSTBUF and SERVBUF one of null, nullmax, 0, 1, need, need-1, max.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gaix.h>
#include <limits.h>
#include <locale.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

/* Allocation, EAI_* names, escaped strings, the descriptor count: shared with the other
 * differential programs. */
#include "diff_util.h"

/* ---- limits ---------------------------------------------------------------------------------- */

/* Guard bytes after every buffer: a write past the given length lands in them. 16 covers any
 * off-by-one and the longest suffix either side appends at once ("%" and a 10-digit scope). */
#define GN_CANARY 16
#define GN_CANARY_BYTE 0xa5
/* One buffer area holds the largest length the corpus passes (NI_MAXHOST) and the guard. A
 * service can need more than NI_MAXSERV: an AF_UNIX path is up to 108 bytes plus the NUL. */
#define GN_AREA_SIZE (NI_MAXHOST + GN_CANARY)
/* Fields of one hosts fixture line: an address and the names; the fixture's longest has 16. */
#define GN_HOSTS_FIELDS_MAX 64
/* Socket addresses and ports in the pools: the fixture gives about 200 and 30. */
#define GN_POOL_MAX 1024
#define GN_PORTS_MAX 128
/* Failure groups kept for the summary; later new groups are only counted. */
#define GN_GROUPS_MAX 512
/* sun_path's size: 108 on Linux. */
#define GN_SUN_PATH_SIZE (sizeof(((struct sockaddr_un *)0)->sun_path))

/* The flags beyond the POSIX five and NI_IDN that the corpus sets: glibc's two deprecated IDN
 * flags, which it accepts and ignores, and bits it refuses. */
#define GN_NI_DEPRECATED (64 | 128)
#define GN_NI_UNKNOWN_BIT 256

/* FAMILY in a case: sa == NULL rather than a family. */
#define GN_FAMILY_NULLSA (-1)

/* An interface index no namespace of the test has. */
#define GN_SCOPE_NONE 999999u

/* ---- a leak of the oracle -------------------------------------------------------------------- */

/*
 * glibc 2.36 leaks the name libidn2 converted when NI_IDN meets a host buffer too small
 * (inet/getnameinfo.c, gni_host_inet_name: the EAI_OVERFLOW return skips free(out)); the corpus
 * does that on purpose. Under LeakSanitizer that would end the program at exit, its verdict
 * lost, so the leak is suppressed by glibc's own function names only (anchored: gaix's
 * gx_getnameinfo and gaix_ctx_getnameinfo stay checked, and so does gaix's own use of
 * libidn2). The names are only on the stack when it is unwound without frame pointers
 * (libunistring has none), hence the default option. A sanitizer runtime calls these hooks;
 * without one they are never called, and ASAN_OPTIONS / LSAN_OPTIONS still override them.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:__idna_from_dns_encoding\n"
           "leak:^__GI_getnameinfo$\n"
           "leak:^getnameinfo$\n";
}

/* ---- documented differences ------------------------------------------------------------------ */

enum gn_diff_id { DIFF_SCOPED_HOSTS, DIFF_HOSTS_REFUSED, DIFF_UNIX_PATH, DIFF_COUNT };

static const char *const diff_names[DIFF_COUNT] = {"DIFF-SCOPED-HOSTS", "DIFF-HOSTS-REFUSED",
                                                   "DIFF-UNIX-PATH"};

#define DIFF_BIT(id) (1u << (id))

/* ---- cases ----------------------------------------------------------------------------------- */

enum gn_salen_kind { SALEN_EXACT, SALEN_SHORT, SALEN_LONG, SALEN_ABS };

enum gn_buf_kind { BUF_NULL, BUF_NULL_MAX, BUF_ZERO, BUF_ONE, BUF_NEED, BUF_NEED_LESS, BUF_MAX };
#define BUF_KINDS 7

static const char *const buf_names[BUF_KINDS] = {"null", "nullmax", "0",  "1",
                                                 "need", "need-1",  "max"};

struct gn_case {
    int family;       /* AF_INET, AF_INET6, AF_UNIX, GN_FAMILY_NULLSA or any other number */
    const char *text; /* the numeric address, or the AF_UNIX path; "" otherwise */
    uint16_t port;
    uint32_t scope_id;
    enum gn_salen_kind salen_kind;
    socklen_t salen_abs; /* SALEN_ABS only */
    enum gn_buf_kind hostbuf, servbuf;
    int flags;
};

/* One call's arguments but the socket address: which buffers, of what length, which flags. */
struct gn_call {
    bool host_null, serv_null;
    socklen_t hostlen, servlen;
    int flags;
};

/* One answer. The strings are kept only on success and only for a part that was asked for. */
struct gn_answer {
    int rc;
    bool host_asked, serv_asked; /* a buffer that is not NULL, of length > 0 */
    char host[NI_MAXHOST + 1];
    char serv[GN_AREA_SIZE];
    const char *defect; /* wrote past a length, success without a NUL */
};

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

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The inverse of put_escaped(). */
static char *unescape(const char *s)
{
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

static const char *family_name(int family)
{
    switch (family) {
    case AF_INET:
        return "AF_INET";
    case AF_INET6:
        return "AF_INET6";
    case AF_UNIX:
        return "AF_UNIX";
    case GN_FAMILY_NULLSA:
        return "NULLSA";
    default:
        return NULL;
    }
}

/* ---- socket addresses ------------------------------------------------------------------------ */

/* The length a caller would pass for the case's family: the structure's size, for AF_UNIX the
 * path with its NUL (what the kernel returns from getsockname()), at most the whole structure. */
static socklen_t case_exact_len(const struct gn_case *c)
{
    switch (c->family) {
    case AF_INET:
        return (socklen_t)sizeof(struct sockaddr_in);
    case AF_INET6:
        return (socklen_t)sizeof(struct sockaddr_in6);
    case AF_UNIX: {
        size_t len = offsetof(struct sockaddr_un, sun_path) + strlen(c->text) + 1;
        return (socklen_t)(len < sizeof(struct sockaddr_un) ? len : sizeof(struct sockaddr_un));
    }
    default:
        return (socklen_t)sizeof(struct sockaddr);
    }
}

static socklen_t case_salen(const struct gn_case *c)
{
    switch (c->salen_kind) {
    case SALEN_SHORT:
        return case_exact_len(c) - 1;
    case SALEN_LONG:
        return case_exact_len(c) + 1;
    case SALEN_ABS:
        return c->salen_abs;
    case SALEN_EXACT:
        break;
    }
    return case_exact_len(c);
}

/* Builds the socket address in zeroed storage: the bytes past salen are zeros, so that glibc,
 * which reads an AF_UNIX path up to its NUL whatever salen says, reads the same every time.
 * Returns false for a case that cannot be built (a bad address in --one). */
static bool case_sockaddr(const struct gn_case *c, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (c->family == AF_INET) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(c->port);
        if (inet_pton(AF_INET, c->text, &sin.sin_addr) != 1)
            return false;
        memcpy(ss, &sin, sizeof sin);
    } else if (c->family == AF_INET6) {
        struct sockaddr_in6 sin6;
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(c->port);
        sin6.sin6_scope_id = c->scope_id;
        if (inet_pton(AF_INET6, c->text, &sin6.sin6_addr) != 1)
            return false;
        memcpy(ss, &sin6, sizeof sin6);
    } else if (c->family == AF_UNIX) {
        struct sockaddr_un sun;
        memset(&sun, 0, sizeof sun);
        sun.sun_family = AF_UNIX;
        size_t len = strlen(c->text);
        if (len > sizeof sun.sun_path)
            return false;
        memcpy(sun.sun_path, c->text, len); /* a 108-byte path has no NUL: as the kernel's */
        memcpy(ss, &sun, sizeof sun);
    } else if (c->family != GN_FAMILY_NULLSA) {
        ss->ss_family = (sa_family_t)c->family;
    }
    return true;
}

/* ---- the hosts fixture, as far as the rules need it ------------------------------------------ */

struct gn_hline {
    char *addr; /* as written */
    int family; /* AF_INET, AF_INET6; 0 for an address both sides refuse */
    uint8_t bytes[16];
    bool scoped;       /* "%scope": glibc skips the line, gaix reads it */
    uint32_t scope_id; /* the scope's interface; 0 when it names none (both skip the line) */
    bool refused;      /* a name gaix refuses (F26): gaix skips the whole line */
    char **names;
    size_t nnames;
};

struct gn_hosts {
    struct gn_hline *lines;
    size_t nlines;
};

/* F26, as docs/DIFFERENCES.md words it: a control character, a byte >= 0x80, a label over 63
 * octets or a name over 253 (one final dot aside). */
static bool name_refused_by_gaix(const char *name)
{
    size_t len = strlen(name), label = 0;
    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len > 253)
        return true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f || c >= 0x80)
            return true;
        label = c == '.' ? 0 : label + 1;
        if (label > 63)
            return true;
    }
    return false;
}

/* A scope as gaix reads it in a hosts line (F20): an interface name or a decimal index. */
static uint32_t scope_parse(const char *s)
{
    if (*s == '\0')
        return 0;
    bool digits = true;
    for (const char *p = s; *p; p++)
        digits = digits && ascii_is_digit(*p);
    if (digits) {
        unsigned long v = strtoul(s, NULL, 10);
        return v <= UINT32_MAX ? (uint32_t)v : 0;
    }
    return if_nametoindex(s);
}

static void hline_parse_addr(struct gn_hline *hl)
{
    char head[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
    const char *pct = strchr(hl->addr, '%');
    size_t len = pct ? (size_t)(pct - hl->addr) : strlen(hl->addr);
    hl->scoped = pct != NULL;
    if (len >= sizeof head)
        return;
    memcpy(head, hl->addr, len);
    head[len] = '\0';
    if (!hl->scoped && inet_pton(AF_INET, head, hl->bytes) == 1) {
        hl->family = AF_INET;
    } else if (inet_pton(AF_INET6, head, hl->bytes) == 1) {
        hl->family = AF_INET6;
        if (hl->scoped)
            hl->scope_id = scope_parse(pct + 1);
    }
}

static void hosts_load(struct gn_hosts *h, const char *path)
{
    memset(h, 0, sizeof *h);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "gni_diff_prog: cannot read %s: %s\n", path, strerror(errno));
        exit(2);
    }
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    while (getline(&line, &cap, f) >= 0) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *tok[GN_HOSTS_FIELDS_MAX];
        size_t ntok = 0;
        for (char *p = line; *p;) {
            while (*p && ascii_is_space(*p))
                p++;
            if (!*p)
                break;
            if (ntok == GN_HOSTS_FIELDS_MAX) {
                fprintf(stderr, "gni_diff_prog: %s: a line with more than %d fields\n", path,
                        GN_HOSTS_FIELDS_MAX);
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
            struct gn_hline *grown = realloc(h->lines, alloc * sizeof *grown);
            if (!grown) {
                fprintf(stderr, "gni_diff_prog: out of memory\n");
                exit(2);
            }
            h->lines = grown;
        }
        struct gn_hline *hl = &h->lines[h->nlines++];
        memset(hl, 0, sizeof *hl);
        hl->addr = xstrdup(tok[0]);
        hline_parse_addr(hl);
        hl->nnames = ntok - 1;
        hl->names = xcalloc(hl->nnames, sizeof *hl->names);
        for (size_t i = 1; i < ntok; i++) {
            hl->names[i - 1] = xstrdup(tok[i]);
            hl->refused = hl->refused || name_refused_by_gaix(tok[i]);
        }
    }
    free(line);
    fclose(f);
}

static void hosts_free(struct gn_hosts *h)
{
    for (size_t i = 0; i < h->nlines; i++) {
        for (size_t j = 0; j < h->lines[i].nnames; j++)
            free(h->lines[i].names[j]);
        free(h->lines[i].names);
        free(h->lines[i].addr);
    }
    free(h->lines);
}

static bool hosts_has_name(const struct gn_hosts *h, const char *name)
{
    for (size_t i = 0; i < h->nlines; i++)
        for (size_t j = 0; j < h->lines[i].nnames; j++)
            if (strcmp(h->lines[i].names[j], name) == 0)
                return true;
    return false;
}

/* Whether glibc's nss_files gethostbyaddr() matches the line for the address: it reads every
 * unscoped line in the asked family, an IPv4 query also IPv4-mapped lines as their IPv4 address
 * and "::1" as 127.0.0.1; "::" is never looked up. */
static bool hline_matches_libc(const struct gn_hline *hl, int family, const uint8_t *bytes)
{
    static const uint8_t any6[16] = {0};
    static const uint8_t loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t loop4[4] = {127, 0, 0, 1};
    if (hl->scoped || hl->family == 0)
        return false;
    if (family == AF_INET6)
        return memcmp(bytes, any6, 16) != 0 && hl->family == AF_INET6 &&
               memcmp(hl->bytes, bytes, 16) == 0;
    if (hl->family == AF_INET)
        return memcmp(hl->bytes, bytes, 4) == 0;
    if (memcmp(hl->bytes, mapped_prefix, 12) == 0)
        return memcmp(hl->bytes + 12, bytes, 4) == 0;
    return memcmp(hl->bytes, loop6, 16) == 0 && memcmp(bytes, loop4, 4) == 0;
}

/* The first line glibc finds for the address, or -1. */
static long hosts_first_libc(const struct gn_hosts *h, int family, const uint8_t *bytes, long after)
{
    for (size_t i = (size_t)(after + 1); i < h->nlines; i++)
        if (hline_matches_libc(&h->lines[i], family, bytes))
            return (long)i;
    return -1;
}

/* The first scoped line gaix reads for the IPv6 address with this scope, or -1. */
static long hosts_first_scoped(const struct gn_hosts *h, const uint8_t *bytes, uint32_t scope_id)
{
    for (size_t i = 0; i < h->nlines; i++) {
        const struct gn_hline *hl = &h->lines[i];
        if (hl->scoped && hl->family == AF_INET6 && hl->scope_id != 0 && !hl->refused &&
            hl->scope_id == scope_id && memcmp(hl->bytes, bytes, 16) == 0)
            return (long)i;
    }
    return -1;
}

/* ---- the two sides --------------------------------------------------------------------------- */

struct gn_run {
    gaix_ctx *ctx;
    struct gn_hosts hosts;
};

static unsigned char gn_host_area[GN_AREA_SIZE], gn_serv_area[GN_AREA_SIZE];

static bool area_guard_intact(const unsigned char *area, socklen_t len)
{
    for (size_t i = len; i < (size_t)len + GN_CANARY; i++)
        if (area[i] != GN_CANARY_BYTE)
            return false;
    return true;
}

/* Copies the NUL-terminated string at area[0..len) into out; false when there is no NUL. */
static bool area_string(const unsigned char *area, socklen_t len, char *out, size_t outsize)
{
    const unsigned char *nul = memchr(area, '\0', len);
    if (!nul || (size_t)(nul - area) >= outsize)
        return false;
    memcpy(out, area, (size_t)(nul - area) + 1);
    return true;
}

enum gn_side { SIDE_LIBC, SIDE_GAIX };

/*
 * One call on one side, with the guard bytes laid out and checked. glibc reads the socket
 * address from the zeroed storage; gaix gets a heap copy of exactly salen bytes, so that an
 * ASan build faults on any read past salen.
 */
static void side_call(const struct gn_run *run, enum gn_side side, const struct gn_case *c,
                      const struct gn_call *k, struct gn_answer *a)
{
    struct sockaddr_storage ss;
    socklen_t salen = case_salen(c);
    memset(a, 0, sizeof *a);
    if (!case_sockaddr(c, &ss) || salen > sizeof ss) {
        a->rc = EAI_SYSTEM;
        a->defect = "the case's address cannot be built";
        return;
    }
    memset(gn_host_area, GN_CANARY_BYTE, sizeof gn_host_area);
    memset(gn_serv_area, GN_CANARY_BYTE, sizeof gn_serv_area);
    char *host = k->host_null ? NULL : (char *)gn_host_area;
    char *serv = k->serv_null ? NULL : (char *)gn_serv_area;
    a->host_asked = host && k->hostlen > 0;
    a->serv_asked = serv && k->servlen > 0;
    if (side == SIDE_LIBC) {
        const struct sockaddr *sa =
            c->family == GN_FAMILY_NULLSA ? NULL : (const struct sockaddr *)&ss;
        a->rc = getnameinfo(sa, salen, host, k->hostlen, serv, k->servlen, k->flags);
    } else {
        unsigned char *copy = NULL;
        if (c->family != GN_FAMILY_NULLSA) {
            copy = xcalloc(salen, 1);
            memcpy(copy, &ss, salen);
        }
        a->rc = gaix_ctx_getnameinfo(run->ctx, (const struct sockaddr *)(void *)copy, salen, host,
                                     k->hostlen, serv, k->servlen, k->flags);
        free(copy);
    }
    if (host && !area_guard_intact(gn_host_area, k->hostlen))
        a->defect = "wrote past hostlen";
    else if (serv && !area_guard_intact(gn_serv_area, k->servlen))
        a->defect = "wrote past servlen";
    if (a->rc != 0)
        return;
    if (a->host_asked && !area_string(gn_host_area, k->hostlen, a->host, sizeof a->host))
        a->defect = a->defect ? a->defect : "success without a NUL in host";
    if (a->serv_asked && !area_string(gn_serv_area, k->servlen, a->serv, sizeof a->serv))
        a->defect = a->defect ? a->defect : "success without a NUL in serv";
}

/* glibc with a large buffer for one part only: what that part is, and so how long it is. */
static void libc_part(const struct gn_run *run, const struct gn_case *c, bool host_part, int flags,
                      struct gn_answer *a)
{
    struct gn_call k = {!host_part, host_part, 0, 0, flags};
    if (host_part)
        k.hostlen = NI_MAXHOST;
    else
        k.servlen = GN_AREA_SIZE - GN_CANARY;
    side_call(run, SIDE_LIBC, c, &k, a);
}

/* The length a "need" buffer gets: glibc's answer and its NUL; when glibc fails even with a
 * large buffer, its numeric answer's length, else 1. */
static socklen_t need_len(const struct gn_run *run, const struct gn_case *c, bool host_part)
{
    struct gn_answer a;
    libc_part(run, c, host_part, c->flags, &a);
    if (a.rc != 0)
        libc_part(run, c, host_part,
                  (c->flags & ~NI_NAMEREQD) | (host_part ? NI_NUMERICHOST : NI_NUMERICSERV), &a);
    if (a.rc != 0)
        return 1;
    return (socklen_t)(strlen(host_part ? a.host : a.serv) + 1);
}

static void buf_resolve(const struct gn_run *run, const struct gn_case *c, bool host_part,
                        enum gn_buf_kind kind, bool *is_null, socklen_t *len)
{
    socklen_t max = host_part ? NI_MAXHOST : NI_MAXSERV;
    *is_null = kind == BUF_NULL || kind == BUF_NULL_MAX;
    switch (kind) {
    case BUF_NULL:
    case BUF_ZERO:
        *len = 0;
        break;
    case BUF_NULL_MAX:
    case BUF_MAX:
        *len = max;
        break;
    case BUF_ONE:
        *len = 1;
        break;
    case BUF_NEED:
        *len = need_len(run, c, host_part);
        break;
    case BUF_NEED_LESS:
        *len = need_len(run, c, host_part) - 1;
        break;
    }
}

static void case_call(const struct gn_run *run, const struct gn_case *c, struct gn_call *k)
{
    buf_resolve(run, c, true, c->hostbuf, &k->host_null, &k->hostlen);
    buf_resolve(run, c, false, c->servbuf, &k->serv_null, &k->servlen);
    k->flags = c->flags;
}

static bool answer_equal(const struct gn_answer *a, const struct gn_answer *b)
{
    if (a->rc != b->rc || a->host_asked != b->host_asked || a->serv_asked != b->serv_asked)
        return false;
    if (a->rc != 0)
        return true;
    return (!a->host_asked || strcmp(a->host, b->host) == 0) &&
           (!a->serv_asked || strcmp(a->serv, b->serv) == 0);
}

/* ---- the prediction -------------------------------------------------------------------------- */

/* The host part a rule predicts: a name, or another call's host answer. */
struct gn_host_part {
    int rc;
    char host[NI_MAXHOST + 1];
};

/* The rule's name x for a buffer of hostlen: copied whole, or EAI_OVERFLOW. */
static void host_part_name(struct gn_host_part *p, const char *x, socklen_t hostlen)
{
    memset(p, 0, sizeof *p);
    if (strlen(x) + 1 > hostlen) {
        p->rc = EAI_OVERFLOW;
        return;
    }
    snprintf(p->host, sizeof p->host, "%s", x);
}

/* The answer glibc gives for the host part p followed by its own service step: the service
 * part is glibc's answer with the host buffer left out (the steps are independent). */
static void compose(const struct gn_run *run, const struct gn_case *c, const struct gn_call *k,
                    const struct gn_host_part *p, struct gn_answer *e)
{
    memset(e, 0, sizeof *e);
    e->host_asked = true;
    e->serv_asked = !k->serv_null && k->servlen > 0;
    if (p->rc != 0) {
        e->rc = p->rc;
        return;
    }
    snprintf(e->host, sizeof e->host, "%s", p->host);
    if (!e->serv_asked)
        return;
    struct gn_call sk = *k;
    sk.host_null = true;
    sk.hostlen = 0;
    struct gn_answer s;
    side_call(run, SIDE_LIBC, c, &sk, &s);
    e->rc = s.rc;
    e->defect = s.defect;
    memcpy(e->serv, s.serv, sizeof e->serv);
}

/* The address of an AF_INET / AF_INET6 case as bytes. */
static bool case_bytes(const struct gn_case *c, uint8_t bytes[16])
{
    memset(bytes, 0, 16);
    if (c->family == AF_INET)
        return inet_pton(AF_INET, c->text, bytes) == 1;
    if (c->family == AF_INET6)
        return inet_pton(AF_INET6, c->text, bytes) == 1;
    return false;
}

/*
 * What gaix must answer for c, given glibc's answer g to the same call k. Returns in *ids the
 * documented rules that changed the answer.
 */
static void expect_compute(const struct gn_run *run, const struct gn_case *c,
                           const struct gn_call *k, const struct gn_answer *g, struct gn_answer *e,
                           unsigned *ids)
{
    uint8_t bytes[16];
    *e = *g;
    *ids = 0;
    /* DIFF-UNIX-PATH: gaix reads an AF_UNIX path only within salen; glibc reads on to its NUL.
     * gaix's answer is glibc's for the path cut where salen ends. */
    socklen_t salen = case_salen(c);
    size_t path_off = offsetof(struct sockaddr_un, sun_path);
    if (c->family == AF_UNIX && salen >= path_off && strlen(c->text) + 1 > salen - path_off) {
        char cut[sizeof((struct sockaddr_un *)0)->sun_path + 1];
        size_t n = salen - path_off;
        if (n > sizeof cut - 1)
            n = sizeof cut - 1;
        memcpy(cut, c->text, n);
        cut[n] = '\0';
        struct gn_case t = *c;
        t.text = cut;
        t.salen_kind = SALEN_ABS;
        t.salen_abs = salen;
        side_call(run, SIDE_LIBC, &t, k, e);
        if (!answer_equal(e, g))
            *ids = DIFF_BIT(DIFF_UNIX_PATH);
        return;
    }
    bool host_asked = !k->host_null && k->hostlen > 0;
    if (!host_asked || (c->flags & NI_NUMERICHOST) || !case_bytes(c, bytes))
        return;
    /* The rules change the host step only; the checks before it (flags, salen, family) must
     * pass, which glibc says when asked for nothing at all. */
    struct gn_call none = {true, true, 0, 0, c->flags & ~NI_NAMEREQD};
    struct gn_answer v;
    side_call(run, SIDE_LIBC, c, &none, &v);
    if (v.rc != 0)
        return;

    const struct gn_hosts *h = &run->hosts;
    long first = hosts_first_libc(h, c->family, bytes, -1);
    struct gn_host_part p;
    unsigned rule = 0;

    /* DIFF-SCOPED-HOSTS: a scoped line before any line glibc reads for the address. */
    long scoped = c->family == AF_INET6 ? hosts_first_scoped(h, bytes, c->scope_id) : -1;
    if (scoped >= 0 && (first < 0 || scoped < first)) {
        const char *x = h->lines[scoped].names[0];
        /* NI_NOFQDN and NI_IDN leave a name without a dot or "xn--" alone; the fixture's
         * scoped lines have such names, and any other stays unpredicted (a failure). */
        if (strchr(x, '.') || strstr(x, "xn--"))
            return;
        host_part_name(&p, x, k->hostlen);
        rule = DIFF_BIT(DIFF_SCOPED_HOSTS);
    } else if (first >= 0 && h->lines[first].refused &&
               hosts_first_libc(h, c->family, bytes, first) < 0) {
        /* DIFF-HOSTS-REFUSED: the only line that names the address is one gaix skips, so
         * gaix answers as with NI_NUMERICHOST (EAI_NONAME with NI_NAMEREQD). */
        struct gn_call nk = *k;
        nk.flags |= NI_NUMERICHOST;
        nk.serv_null = true;
        nk.servlen = 0;
        struct gn_answer n;
        side_call(run, SIDE_LIBC, c, &nk, &n);
        memset(&p, 0, sizeof p);
        p.rc = n.rc;
        memcpy(p.host, n.host, sizeof p.host);
        rule = DIFF_BIT(DIFF_HOSTS_REFUSED);
    } else {
        return;
    }
    compose(run, c, k, &p, e);
    if (!answer_equal(e, g))
        *ids = rule;
}

/* ---- printing -------------------------------------------------------------------------------- */

static void answer_print(FILE *f, const struct gn_answer *a)
{
    if (a->defect)
        fprintf(f, "DEFECT(%s) ", a->defect);
    if (a->rc != 0) {
        fprintf(f, "%s(%d)", eai_name(a->rc), a->rc);
        return;
    }
    fputs("OK host=", f);
    if (a->host_asked) {
        fputc('\'', f);
        put_escaped(f, a->host);
        fputc('\'', f);
    } else {
        fputc('-', f);
    }
    fputs(" serv=", f);
    if (a->serv_asked) {
        fputc('\'', f);
        put_escaped(f, a->serv);
        fputc('\'', f);
    } else {
        fputc('-', f);
    }
}

static void case_print_repro(FILE *f, const struct gn_case *c)
{
    const char *fam = family_name(c->family);
    fputs("--one ", f);
    if (fam)
        fputs(fam, f);
    else
        fprintf(f, "%d", c->family);
    fputs(" '", f);
    put_escaped(f, c->text);
    fprintf(f, "' %u %u ", (unsigned)c->port, (unsigned)c->scope_id);
    switch (c->salen_kind) {
    case SALEN_EXACT:
        fputs("exact", f);
        break;
    case SALEN_SHORT:
        fputs("-1", f);
        break;
    case SALEN_LONG:
        fputs("+1", f);
        break;
    case SALEN_ABS:
        fprintf(f, "=%u", (unsigned)c->salen_abs);
        break;
    }
    fprintf(f, " %s %s 0x%x", buf_names[c->hostbuf], buf_names[c->servbuf], (unsigned)c->flags);
}

/* The lengths the call passed, for the failure line: "need" and "need-1" are resolved. */
static void call_print(FILE *f, const struct gn_case *c, const struct gn_call *k)
{
    fprintf(f, "salen=%u host=%s/%u serv=%s/%u", (unsigned)case_salen(c),
            k->host_null ? "NULL" : "buf", (unsigned)k->hostlen, k->serv_null ? "NULL" : "buf",
            (unsigned)k->servlen);
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

/* One socket address of the pool: family, text, scope. */
struct gn_addr {
    int family;
    const char *text;
    uint32_t scope_id;
};

/* Addresses beyond the fixture's own (which the corpus adds from the hosts file). */
static const struct gn_addr extra_addrs[] = {
    /* IPv4 not in the file, and the special ones */
    {AF_INET, "192.0.2.99", 0},
    {AF_INET, "203.0.113.9", 0},
    {AF_INET, "10.9.9.9", 0},
    {AF_INET, "0.0.0.0", 0},
    {AF_INET, "255.255.255.255", 0},
    {AF_INET, "127.0.0.1", 0},
    {AF_INET, "127.255.255.254", 0},
    /* IPv6 specials and the longest texts */
    {AF_INET6, "::", 0},
    {AF_INET6, "::1", 0},
    {AF_INET6, "::2", 0},
    {AF_INET6, "::0.0.1.2", 0},
    {AF_INET6, "::ffff:0.0.0.0", 0},
    {AF_INET6, "::ffff:127.0.0.1", 0},
    {AF_INET6, "::127.0.0.1", 0},
    {AF_INET6, "::ffff:255.255.255.255", 0},
    {AF_INET6, "::ffff:0:192.0.2.10", 0},
    {AF_INET6, "64:ff9b::192.0.2.10", 0},
    {AF_INET6, "2001:db8::99", 0},
    {AF_INET6, "2001:db8:1::2", 0},
    {AF_INET6, "2001:db8:0:1:0:0:0:1", 0},
    {AF_INET6, "2001:0:0:1::1", 0},
    {AF_INET6, "1:2:3:4:5:6:7:8", 0},
    {AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0},
    {AF_INET6, "fec0::65", 0},
    {AF_INET6, "ff05::1", 0},
    {AF_INET6, "ff0e::1", 0},
    /* link-local and multicast link-local: the scope variants are added below */
    {AF_INET6, "fe80::1", 0},
    {AF_INET6, "fe80::2", 0},
    {AF_INET6, "fe80::ffff:ffff:ffff:ffff", 0},
    {AF_INET6, "febf::1", 0},
    {AF_INET6, "ff02::1", 0},
    {AF_INET6, "ff02::99", 0},
    {AF_INET6, "ff12::1", 0},
    /* a scope on addresses that are not link-local: always written as a number */
    {AF_INET6, "2001:db8::10", 1},
    {AF_INET6, "2001:db8::99", GN_SCOPE_NONE},
    {AF_INET6, "fec0::65", 1},
    {AF_INET6, "ff05::1", 1},
    {AF_INET6, "::1", 1},
    {AF_INET6, "::ffff:192.0.2.10", 1},
    /* AF_UNIX paths: ordinary, relative, empty (an abstract socket's first byte); pool_build()
     * adds one of 107 bytes and one of 108 (no room for a NUL) */
    {AF_UNIX, "/run/gaix-gni.sock", 0},
    {AF_UNIX, "relative.sock", 0},
    {AF_UNIX, "", 0},
    /* families getnameinfo() does not know, and no address at all */
    {AF_UNSPEC, "", 0},
    {5 /* AF_APPLETALK */, "", 0},
    {AF_NETLINK, "", 0},
    {AF_PACKET, "", 0},
    {12345, "", 0},
    {GN_FAMILY_NULLSA, "", 0},
};

/* Ports beyond the fixture's services. 65535 is the port a "-1/tcp" line would wrap to. */
static const uint16_t extra_ports[] = {0, 21, 53, 80, 514, 65535, 1, 9999};

static const int flag_bits[] = {NI_NUMERICHOST, NI_NUMERICSERV, NI_NOFQDN,       NI_NAMEREQD,
                                NI_DGRAM,       NI_IDN,         GN_NI_DEPRECATED};

static int flags_from_index(unsigned idx)
{
    int flags = 0;
    for (unsigned b = 0; b < COUNT_OF(flag_bits); b++)
        if (idx & (1u << b))
            flags |= flag_bits[b];
    return flags;
}

/* Bits glibc refuses, one added now and then. */
static const int unknown_bits[] = {GN_NI_UNKNOWN_BIT, 0x4000, INT_MIN};

struct gn_corpus {
    struct gn_case *cases;
    size_t n;
    struct gn_addr *pool;
    size_t npool;
    uint16_t ports[GN_PORTS_MAX];
    size_t nports;
    char **owned;
    size_t nowned;
};

static const char *corpus_own(struct gn_corpus *cp, const char *s)
{
    char **grown = realloc(cp->owned, (cp->nowned + 1) * sizeof *grown);
    if (!grown) {
        fprintf(stderr, "gni_diff_prog: out of memory\n");
        exit(2);
    }
    cp->owned = grown;
    cp->owned[cp->nowned] = xstrdup(s);
    return cp->owned[cp->nowned++];
}

static bool bytes6_is_link_scoped(const uint8_t *b)
{
    return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || (b[0] == 0xff && (b[1] & 0x0f) == 0x02);
}

/* Adds an address to the pool once; link-local and multicast link-local IPv6 addresses come
 * with every scope of the test: none, lo (1), the veth ends when they exist, and one that names
 * no interface. */
static void pool_add(struct gn_corpus *cp, int family, const char *text, uint32_t scope_id,
                     const uint32_t *scopes, size_t nscopes)
{
    uint8_t b[16];
    bool scoped_family = family == AF_INET6 && inet_pton(AF_INET6, text, b) == 1 &&
                         bytes6_is_link_scoped(b) && scope_id == 0;
    size_t variants = scoped_family ? nscopes : 1;
    for (size_t v = 0; v < variants; v++) {
        uint32_t s = scoped_family ? scopes[v] : scope_id;
        bool seen = false;
        for (size_t i = 0; i < cp->npool && !seen; i++)
            seen = cp->pool[i].family == family && cp->pool[i].scope_id == s &&
                   strcmp(cp->pool[i].text, text) == 0;
        if (seen)
            continue;
        if (cp->npool == GN_POOL_MAX) {
            fprintf(stderr, "gni_diff_prog: more than %d socket addresses\n", GN_POOL_MAX);
            exit(2);
        }
        cp->pool[cp->npool++] = (struct gn_addr){family, corpus_own(cp, text), s};
    }
}

static void ports_add(struct gn_corpus *cp, unsigned long port)
{
    if (port > 65535)
        return;
    for (size_t i = 0; i < cp->nports; i++)
        if (cp->ports[i] == port)
            return;
    if (cp->nports < GN_PORTS_MAX)
        cp->ports[cp->nports++] = (uint16_t)port;
}

/* The ports the services fixture names, whatever the protocol: plain decimal ones only. */
static void ports_from_services(struct gn_corpus *cp, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "gni_diff_prog: cannot read %s: %s\n", path, strerror(errno));
        exit(2);
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *p = line;
        while (*p && !ascii_is_space(*p) && *p != '#')
            p++;
        while (*p && ascii_is_space(*p))
            p++;
        if (!ascii_is_digit(*p))
            continue;
        unsigned long port = 0;
        for (; ascii_is_digit(*p) && port <= 65535; p++)
            port = port * 10 + (unsigned long)(*p - '0');
        if (*p == '/')
            ports_add(cp, port);
    }
    fclose(f);
}

static void pool_build(struct gn_corpus *cp, const struct gn_hosts *h)
{
    uint32_t scopes[5];
    size_t nscopes = 0;
    scopes[nscopes++] = 0;
    scopes[nscopes++] = 1;
    if (if_nametoindex("v0"))
        scopes[nscopes++] = if_nametoindex("v0");
    if (if_nametoindex("v1"))
        scopes[nscopes++] = if_nametoindex("v1");
    scopes[nscopes++] = GN_SCOPE_NONE;

    cp->pool = xcalloc(GN_POOL_MAX, sizeof *cp->pool);
    /* Every address of the fixture, so that names are found: as written, an IPv4 one also
     * IPv4-mapped and IPv4-compatible, an IPv4-mapped one also as IPv4, a scoped one with
     * every scope of the test. */
    for (size_t i = 0; i < h->nlines; i++) {
        const struct gn_hline *hl = &h->lines[i];
        char text[INET6_ADDRSTRLEN], other[INET6_ADDRSTRLEN + 8];
        if (hl->family == AF_INET) {
            inet_ntop(AF_INET, hl->bytes, text, sizeof text);
            pool_add(cp, AF_INET, text, 0, scopes, nscopes);
            snprintf(other, sizeof other, "::ffff:%s", text);
            pool_add(cp, AF_INET6, other, 0, scopes, nscopes);
            snprintf(other, sizeof other, "::%s", text);
            pool_add(cp, AF_INET6, other, 0, scopes, nscopes);
        } else if (hl->family == AF_INET6) {
            inet_ntop(AF_INET6, hl->bytes, text, sizeof text);
            pool_add(cp, AF_INET6, text, 0, scopes, nscopes);
            static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
            if (memcmp(hl->bytes, mapped_prefix, 12) == 0) {
                inet_ntop(AF_INET, hl->bytes + 12, other, sizeof other);
                pool_add(cp, AF_INET, other, 0, scopes, nscopes);
            }
        }
    }
    for (size_t i = 0; i < COUNT_OF(extra_addrs); i++)
        pool_add(cp, extra_addrs[i].family, extra_addrs[i].text, extra_addrs[i].scope_id, scopes,
                 nscopes);
    /* The longest paths: sun_path less one byte (the NUL just fits), and all of sun_path. */
    char path[GN_SUN_PATH_SIZE + 1];
    for (size_t len = GN_SUN_PATH_SIZE - 1; len <= GN_SUN_PATH_SIZE; len++) {
        memset(path, len == GN_SUN_PATH_SIZE ? 'b' : 'a', len);
        memcpy(path, "/tmp/", 5);
        path[len] = '\0';
        pool_add(cp, AF_UNIX, path, 0, scopes, nscopes);
    }
}

/* A few addresses meet every pair of buffer kinds, every salen kind and a set of flags. */
static const struct gn_addr buffer_addrs[] = {
    {AF_INET, "127.0.0.1", 0},
    {AF_INET6, "::1", 0},
    {AF_INET, "198.51.100.120", 0},
    {AF_INET6, "fe80::60", 1},
    {AF_INET6, "fe80::5", 1},
    {AF_INET, "192.0.2.101", 0},
    {AF_INET6, "ff02::1", GN_SCOPE_NONE},
    {AF_INET, "192.0.2.99", 0},
    {AF_INET, "192.0.2.100", 0},
    {AF_UNIX, "/run/gaix-gni.sock", 0},
};
static const int buffer_flags[] = {
    0, NI_NOFQDN, NI_NAMEREQD | NI_DGRAM, NI_NUMERICHOST, NI_NUMERICHOST | NI_NUMERICSERV, NI_IDN};
static const uint16_t buffer_ports[] = {80, 514, 9999};

static void case_set_addr(struct gn_case *c, const struct gn_addr *a)
{
    c->family = a->family;
    c->text = a->text;
    c->scope_id = a->scope_id;
}

static void corpus_build(struct gn_corpus *cp, const struct gn_hosts *h, size_t ncases,
                         uint64_t seed)
{
    memset(cp, 0, sizeof *cp);
    pool_build(cp, h);
    for (size_t i = 0; i < COUNT_OF(extra_ports); i++)
        ports_add(cp, extra_ports[i]);
    ports_from_services(cp, "/etc/services");
    cp->cases = xcalloc(ncases, sizeof *cp->cases);
    rng_state = seed;
    size_t n = 0;

    /* 1. Every address with every combination of the five POSIX flags and NI_IDN, large
     *    buffers, exact salen; the ports rotate so that each address meets several. */
    for (size_t a = 0; a < cp->npool; a++) {
        for (unsigned fl = 0; fl < 64 && n < ncases; fl++, n++) {
            struct gn_case *c = &cp->cases[n];
            case_set_addr(c, &cp->pool[a]);
            c->port = cp->ports[(a + fl) % cp->nports];
            c->salen_kind = SALEN_EXACT;
            c->hostbuf = c->servbuf = BUF_MAX;
            c->flags = flags_from_index(fl);
        }
    }
    /* 2. A few addresses with every pair of buffer kinds, every salen kind and a few flags. */
    static const enum gn_salen_kind salens[] = {SALEN_EXACT, SALEN_SHORT, SALEN_LONG};
    for (size_t a = 0; a < COUNT_OF(buffer_addrs); a++)
        for (size_t f = 0; f < COUNT_OF(buffer_flags); f++)
            for (unsigned hb = 0; hb < BUF_KINDS; hb++)
                for (unsigned sb = 0; sb < BUF_KINDS && n < ncases; sb++, n++) {
                    struct gn_case *c = &cp->cases[n];
                    case_set_addr(c, &buffer_addrs[a]);
                    c->port = buffer_ports[(hb + sb) % COUNT_OF(buffer_ports)];
                    c->salen_kind = salens[(hb * BUF_KINDS + sb + f) % COUNT_OF(salens)];
                    c->hostbuf = (enum gn_buf_kind)hb;
                    c->servbuf = (enum gn_buf_kind)sb;
                    c->flags = buffer_flags[f];
                }
    /* 3. Seeded sampling of everything. */
    static const socklen_t abs_salens[] = {0, 1, 2, 3, 8, 15, 27, 200};
    for (; n < ncases; n++) {
        struct gn_case *c = &cp->cases[n];
        case_set_addr(c, &cp->pool[rng_below(cp->npool)]);
        c->port = cp->ports[rng_below(cp->nports)];
        size_t r = rng_below(100);
        if (r < 70) {
            c->salen_kind = SALEN_EXACT;
        } else if (r < 80) {
            c->salen_kind = SALEN_SHORT;
        } else if (r < 90) {
            c->salen_kind = SALEN_LONG;
        } else {
            c->salen_kind = SALEN_ABS;
            c->salen_abs = abs_salens[rng_below(COUNT_OF(abs_salens))];
            if (c->salen_abs > sizeof(struct sockaddr_storage))
                c->salen_abs = (socklen_t)sizeof(struct sockaddr_storage);
        }
        /* Large buffers half the time, since they show the strings. */
        c->hostbuf = rng_below(2) ? BUF_MAX : (enum gn_buf_kind)rng_below(BUF_KINDS);
        c->servbuf = rng_below(2) ? BUF_MAX : (enum gn_buf_kind)rng_below(BUF_KINDS);
        c->flags = flags_from_index((unsigned)rng_below(32));
        if (rng_below(4) == 0)
            c->flags |= NI_IDN;
        if (rng_below(8) == 0)
            c->flags |= GN_NI_DEPRECATED;
        if (rng_below(32) == 0)
            c->flags |= unknown_bits[rng_below(COUNT_OF(unknown_bits))];
    }
    cp->n = n;
}

static void corpus_free(struct gn_corpus *cp)
{
    for (size_t i = 0; i < cp->nowned; i++)
        free(cp->owned[i]);
    free(cp->owned);
    free(cp->pool);
    free(cp->cases);
}

/* ---- verdicts and their summary -------------------------------------------------------------- */

struct gn_group {
    char *key;
    size_t count;
    char *first; /* the first failure line of the group */
};

struct gn_groups {
    struct gn_group g[GN_GROUPS_MAX];
    size_t n, overflow;
};

struct gn_stats {
    size_t cases, identical, documented, failed, printed, max_print;
    size_t by_id[DIFF_COUNT];
    struct gn_groups groups;
};

/* How a failing answer differs from the prediction, coarsest first. */
static const char *mismatch_kind(const struct gn_answer *want, const struct gn_answer *got,
                                 const struct gn_answer *g)
{
    if (g->defect)
        return "libc-defect";
    if (got->defect)
        return "defect";
    if (want->rc != got->rc)
        return "rc";
    if (want->host_asked && strcmp(want->host, got->host) != 0)
        return "host";
    return "serv";
}

static const char *family_label(int family)
{
    const char *name = family_name(family);
    return name ? name : "other";
}

static void groups_add(struct gn_groups *gs, const char *kind, const struct gn_case *c,
                       const struct gn_answer *want, const struct gn_answer *got, const char *line)
{
    char key[256];
    snprintf(key, sizeof key, "%s %s expected=%s gaix=%s flags=0x%x", kind, family_label(c->family),
             eai_name(want->rc), eai_name(got->rc),
             (unsigned)(c->flags & (NI_NUMERICHOST | NI_NAMEREQD | NI_IDN)));
    for (size_t i = 0; i < gs->n; i++) {
        if (strcmp(gs->g[i].key, key) == 0) {
            gs->g[i].count++;
            return;
        }
    }
    if (gs->n == GN_GROUPS_MAX) {
        gs->overflow++;
        return;
    }
    gs->g[gs->n].key = xstrdup(key);
    gs->g[gs->n].count = 1;
    gs->g[gs->n].first = xstrdup(line);
    gs->n++;
}

static void stats_fail(struct gn_stats *st, const struct gn_case *c, const struct gn_call *k,
                       const struct gn_answer *g, const struct gn_answer *want, unsigned ids,
                       const struct gn_answer *got)
{
    st->failed++;
    const char *kind = mismatch_kind(want, got, g);
    char *line = NULL;
    size_t linelen = 0;
    FILE *f = open_memstream(&line, &linelen);
    if (!f) {
        fprintf(stderr, "gni_diff_prog: out of memory\n");
        exit(2);
    }
    fprintf(f, "FAIL %s: ", kind);
    case_print_repro(f, c);
    fputs(" (", f);
    call_print(f, c, k);
    fputs(") | glibc: ", f);
    answer_print(f, g);
    if (ids) {
        fputs(" | expected (", f);
        ids_print(f, ids);
        fputs("): ", f);
        answer_print(f, want);
    }
    fputs(" | gaix: ", f);
    answer_print(f, got);
    fclose(f);
    if (st->printed < st->max_print) {
        puts(line);
        st->printed++;
    }
    groups_add(&st->groups, kind, c, want, got, line);
    free(line);
}

enum gn_verdict { GN_IDENTICAL, GN_DOCUMENTED, GN_FAILED };

static enum gn_verdict case_verdict(const struct gn_run *run, const struct gn_case *c,
                                    struct gn_call *k, struct gn_answer *g, struct gn_answer *want,
                                    unsigned *ids, struct gn_answer *got)
{
    case_call(run, c, k);
    side_call(run, SIDE_LIBC, c, k, g);
    expect_compute(run, c, k, g, want, ids);
    side_call(run, SIDE_GAIX, c, k, got);
    if (g->defect || got->defect || !answer_equal(want, got))
        return GN_FAILED;
    return *ids ? GN_DOCUMENTED : GN_IDENTICAL;
}

static void case_judge(const struct gn_run *run, struct gn_stats *st, const struct gn_case *c)
{
    /* static: an answer holds two buffers of a kilobyte each */
    static struct gn_answer g, want, got;
    struct gn_call k;
    unsigned ids;
    enum gn_verdict v = case_verdict(run, c, &k, &g, &want, &ids, &got);
    st->cases++;
    if (v == GN_IDENTICAL) {
        st->identical++;
    } else if (v == GN_DOCUMENTED) {
        st->documented++;
        for (int i = 0; i < DIFF_COUNT; i++)
            if (ids & DIFF_BIT(i))
                st->by_id[i]++;
    } else {
        stats_fail(st, c, &k, &g, &want, ids, &got);
    }
}

static int group_cmp(const void *a, const void *b)
{
    const struct gn_group *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

static void groups_print(struct gn_groups *gs)
{
    if (gs->n == 0)
        return;
    qsort(gs->g, gs->n, sizeof gs->g[0], group_cmp);
    printf("failure groups by (kind, family, expected rc, gaix rc, flags that matter), largest "
           "first:\n");
    for (size_t i = 0; i < gs->n; i++) {
        printf("  %6zu  %s\n          e.g. %s\n", gs->g[i].count, gs->g[i].key, gs->g[i].first);
        free(gs->g[i].key);
        free(gs->g[i].first);
    }
    if (gs->overflow)
        printf("  %6zu  (in groups beyond the first %d)\n", gs->overflow, GN_GROUPS_MAX);
}

/* ---- modes ----------------------------------------------------------------------------------- */

/*
 * glibc alone: each case twice (the namespace must make it deterministic), and the composition
 * the predictions rest on: glibc's answer equals its host step followed by its service step
 * (the call with the host buffer left out), for every case whose host buffer is asked for.
 */
static int mode_libc_only(const struct gn_run *run, const struct gn_corpus *cp)
{
    static struct gn_answer a, b, e, host_only;
    size_t bad = 0, by_rc[32] = {0}, ok = 0, by_id[DIFF_COUNT] = {0}, defects = 0;
    for (size_t i = 0; i < cp->n; i++) {
        const struct gn_case *c = &cp->cases[i];
        struct gn_call k;
        case_call(run, c, &k);
        side_call(run, SIDE_LIBC, c, &k, &a);
        side_call(run, SIDE_LIBC, c, &k, &b);
        if (a.defect || b.defect)
            defects++;
        if (!answer_equal(&a, &b)) {
            bad++;
            printf("NONDETERMINISTIC: ");
            case_print_repro(stdout, c);
            putchar('\n');
        }
        if (a.rc == 0)
            ok++;
        else if (-a.rc > 0 && -a.rc < 32)
            by_rc[-a.rc]++;
        if (!k.host_null && k.hostlen > 0) {
            struct gn_call hk = k;
            hk.serv_null = true;
            hk.servlen = 0;
            side_call(run, SIDE_LIBC, c, &hk, &host_only);
            struct gn_host_part p;
            memset(&p, 0, sizeof p);
            p.rc = host_only.rc;
            memcpy(p.host, host_only.host, sizeof p.host);
            compose(run, c, &k, &p, &e);
            if (!answer_equal(&e, &a)) {
                bad++;
                printf("COMPOSITION: ");
                case_print_repro(stdout, c);
                printf(" | glibc: ");
                answer_print(stdout, &a);
                printf(" | host step then service step: ");
                answer_print(stdout, &e);
                putchar('\n');
            }
        }
        unsigned ids;
        expect_compute(run, c, &k, &a, &e, &ids);
        for (int r = 0; r < DIFF_COUNT; r++)
            if (ids & DIFF_BIT(r))
                by_id[r]++;
    }
    printf("libc-only: cases=%zu ok=%zu errors:", cp->n, ok);
    for (int r = 1; r < 32; r++)
        if (by_rc[r])
            printf(" %s=%zu", eai_name(-r), by_rc[r]);
    printf("\nrules that would change glibc's answer:");
    for (int r = 0; r < DIFF_COUNT; r++)
        printf(" %s=%zu", diff_names[r], by_id[r]);
    printf("\nlibc defects (a guard byte written, a success without NUL)=%zu\n", defects);
    printf("%zu passed, %zu failed\n", cp->n - bad, bad);
    return bad ? 1 : 0;
}

static long parse_long(const char *s, const char *what, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno || *end || end == s || v < min || v > max) {
        fprintf(stderr, "gni_diff_prog: bad %s '%s'\n", what, s);
        exit(2);
    }
    return v;
}

static enum gn_buf_kind parse_buf(const char *s)
{
    for (unsigned i = 0; i < BUF_KINDS; i++)
        if (strcmp(s, buf_names[i]) == 0)
            return (enum gn_buf_kind)i;
    fprintf(stderr,
            "gni_diff_prog: bad buffer kind '%s' (null, nullmax, 0, 1, need, need-1, "
            "max)\n",
            s);
    exit(2);
}

static int mode_one(const struct gn_run *run, char **argv)
{
    struct gn_case c;
    memset(&c, 0, sizeof c);
    if (strcmp(argv[0], "AF_INET") == 0)
        c.family = AF_INET;
    else if (strcmp(argv[0], "AF_INET6") == 0)
        c.family = AF_INET6;
    else if (strcmp(argv[0], "AF_UNIX") == 0)
        c.family = AF_UNIX;
    else if (strcmp(argv[0], "NULLSA") == 0)
        c.family = GN_FAMILY_NULLSA;
    else
        c.family = (int)parse_long(argv[0], "family", 0, 65535);
    char *text = unescape(argv[1]);
    c.text = text;
    c.port = (uint16_t)parse_long(argv[2], "port", 0, 65535);
    c.scope_id = (uint32_t)parse_long(argv[3], "scope", 0, (long)UINT32_MAX);
    if (strcmp(argv[4], "exact") == 0) {
        c.salen_kind = SALEN_EXACT;
    } else if (strcmp(argv[4], "-1") == 0) {
        c.salen_kind = SALEN_SHORT;
    } else if (strcmp(argv[4], "+1") == 0) {
        c.salen_kind = SALEN_LONG;
    } else if (argv[4][0] == '=') {
        c.salen_kind = SALEN_ABS;
        c.salen_abs =
            (socklen_t)parse_long(argv[4] + 1, "salen", 0, (long)sizeof(struct sockaddr_storage));
    } else {
        fprintf(stderr, "gni_diff_prog: bad salen '%s' (exact, -1, +1 or =N)\n", argv[4]);
        exit(2);
    }
    c.hostbuf = parse_buf(argv[5]);
    c.servbuf = parse_buf(argv[6]);
    c.flags = (int)parse_long(argv[7], "flags", INT_MIN, INT_MAX);
    if (c.family == AF_UNIX && strlen(c.text) > GN_SUN_PATH_SIZE) {
        fprintf(stderr, "gni_diff_prog: an AF_UNIX path of more than %zu bytes\n",
                GN_SUN_PATH_SIZE);
        exit(2);
    }

    static struct gn_answer g, want, got;
    struct gn_call k;
    unsigned ids;
    enum gn_verdict v = case_verdict(run, &c, &k, &g, &want, &ids, &got);
    case_print_repro(stdout, &c);
    printf("\ncall:     ");
    call_print(stdout, &c, &k);
    printf("\nglibc:    ");
    answer_print(stdout, &g);
    printf("\nexpected: ");
    answer_print(stdout, &want);
    printf(" (rules: ");
    ids_print(stdout, ids);
    printf(")\ngaix:     ");
    answer_print(stdout, &got);
    printf("\nverdict: %s\n", v == GN_IDENTICAL    ? "identical"
                              : v == GN_DOCUMENTED ? "documented"
                                                   : "FAILED");
    printf("%d passed, %d failed\n", v == GN_FAILED ? 0 : 1, v == GN_FAILED ? 1 : 0);
    free(text);
    return v == GN_FAILED ? 1 : 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: gni_diff_prog [--cases N] [--seed S] [--max-print N] [--libc-only] [--list]\n"
            "       gni_diff_prog --one FAMILY ADDRESS PORT SCOPE SALEN HOSTBUF SERVBUF FLAGS\n");
    exit(2);
}

/* The name the fixture lists so that the program knows it runs against the fixture. */
#define GN_FIXTURE_MARKER "gaix-diff-fixture"
#define GN_FIXTURE_MARKER_ADDR "192.0.2.254"

/* glibc must find the marker by address: otherwise nsswitch.conf or the bind mounts are not
 * what the test set up, and every comparison would be of numeric forms only. */
static bool libc_sees_fixture(void)
{
    struct sockaddr_in sin;
    char host[NI_MAXHOST];
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    inet_pton(AF_INET, GN_FIXTURE_MARKER_ADDR, &sin.sin_addr);
    return getnameinfo((const struct sockaddr *)&sin, sizeof sin, host, sizeof host, NULL, 0,
                       NI_NAMEREQD) == 0 &&
           strcmp(host, GN_FIXTURE_MARKER) == 0;
}

int main(int argc, char **argv)
{
    size_t ncases = 50000, max_print = 40;
    uint64_t seed = 0x67616978676e69ull; /* "gaixgni" */
    bool libc_only = false, list_only = false;
    char **one = NULL;

    /* The locale of the environment: NI_IDN converts names to its character set, in glibc and
     * in gaix alike, so the test script runs passes under more than one. */
    setlocale(LC_ALL, "");

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_arg = i + 1 < argc;
        if (strcmp(a, "--cases") == 0 && has_arg) {
            ncases = (size_t)strtoull(argv[++i], NULL, 0);
        } else if (strcmp(a, "--seed") == 0 && has_arg) {
            seed = strtoull(argv[++i], NULL, 0);
        } else if (strcmp(a, "--max-print") == 0 && has_arg) {
            max_print = (size_t)strtoull(argv[++i], NULL, 0);
        } else if (strcmp(a, "--libc-only") == 0) {
            libc_only = true;
        } else if (strcmp(a, "--list") == 0) {
            list_only = true;
        } else if (strcmp(a, "--one") == 0 && i + 8 < argc) {
            one = &argv[i + 1];
            i += 8;
        } else {
            usage();
        }
    }

    struct gn_run run;
    memset(&run, 0, sizeof run);
    hosts_load(&run.hosts, "/etc/hosts");
    if (!hosts_has_name(&run.hosts, GN_FIXTURE_MARKER) || !libc_sees_fixture()) {
        fprintf(stderr,
                "gni_diff_prog: /etc/hosts is not the fixture, or glibc does not read it (no %s "
                "for %s): run me through test_gni_diff.sh, inside its namespace\n",
                GN_FIXTURE_MARKER, GN_FIXTURE_MARKER_ADDR);
        hosts_free(&run.hosts);
        return 2;
    }

    int status = 0;
    struct gaix_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.reload_interval_ms = GAIX_RELOAD_NEVER;
    /* The libc is told "hosts: files" (nsswitch.conf): gaix without DNS is the same
     * question. */
    static const char *const no_dns[] = {NULL};
    cfg.nameservers = no_dns;
    run.ctx = gaix_ctx_new(&cfg);
    if (!run.ctx) {
        fprintf(stderr, "gni_diff_prog: gaix_ctx_new: %s\n", strerror(errno));
        hosts_free(&run.hosts);
        return 2;
    }
    if (one) {
        status = mode_one(&run, one);
        gaix_ctx_free(run.ctx);
        hosts_free(&run.hosts);
        return status;
    }

    struct gn_corpus cp;
    corpus_build(&cp, &run.hosts, ncases, seed);
    if (list_only) {
        for (size_t i = 0; i < cp.n; i++) {
            case_print_repro(stdout, &cp.cases[i]);
            putchar('\n');
        }
    } else if (libc_only) {
        status = mode_libc_only(&run, &cp);
    } else {
        static struct gn_stats st;
        st.max_print = max_print;
        /* Warm gaix up so that what it keeps open for good is counted as before. */
        {
            struct sockaddr_in sin;
            char host[NI_MAXHOST], serv[NI_MAXSERV];
            memset(&sin, 0, sizeof sin);
            sin.sin_family = AF_INET;
            sin.sin_port = htons(80);
            inet_pton(AF_INET, GN_FIXTURE_MARKER_ADDR, &sin.sin_addr);
            (void)gaix_ctx_getnameinfo(run.ctx, (const struct sockaddr *)&sin, sizeof sin, host,
                                       sizeof host, serv, sizeof serv, NI_NOFQDN | NI_IDN);
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
        groups_print(&st.groups);
        size_t failed = st.failed;
        if (fds_after != fds_before) {
            printf("FAIL descriptors: %zu open before the corpus, %zu after\n", fds_before,
                   fds_after);
            failed++;
        }
        const char *lc = setlocale(LC_CTYPE, NULL);
        printf("seed=0x%llx addresses=%zu ports=%zu locale=%s time=%.1fs\n",
               (unsigned long long)seed, cp.npool, cp.nports, lc ? lc : "?",
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        printf("cases=%zu identical=%zu documented=%zu (", st.cases, st.identical, st.documented);
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
    corpus_free(&cp);
    gaix_ctx_free(run.ctx);
    hosts_free(&run.hosts);
    /* The verdict is out before any exit-time checker (a sanitizer) can end the process. */
    fflush(stdout);
    return status;
}
