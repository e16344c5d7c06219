/*
 * resolv.conf(5) into a snapshot (see resolvconf.h for what each line means).
 *
 * Model: one pass over the file's lines (config/lines.h), collecting into a builder on the
 * stack whose search entries point into the caller's text; then LOCALDOMAIN, the host name's
 * domain and RES_OPTIONS, in glibc's order; then one allocation that holds the snapshot and its
 * search strings. Nothing is read past `len`, no NUL is needed, nothing is allocated before the
 * end, and a line is taken whole or skipped whole (STYLE 4).
 *
 * Bounds: GX_RESOLV_MAXNS servers and GX_RESOLV_MAXSEARCH search entries of at most
 * GX_NAME_TEXT_MAX characters each, so the allocation is at most a few KiB whatever the input;
 * an environment string of any length is walked once.
 *
 * Where glibc 2.36 reads a file differently, on purpose (each has a test in test_resolvconf.c,
 * and the differential test tests/integration/test_resolvconf_ns.sh checks glibc's side):
 * - A line over GX_CONFIG_LINE_MAX bytes, or holding a NUL byte, is skipped whole (F12, F13);
 *   glibc reads lines of any length, each up to its first NUL.
 * - One '\r' before the newline is dropped (F11): glibc refuses "nameserver 192.0.2.1\r" and
 *   searches the domain "a.test\r".
 * - Words are separated by any C-locale white space; glibc splits on spaces and tabs only.
 * - A word that starts with '#' or ';' begins a comment: glibc reads "search a.test # office"
 *   as three domains, "a.test", "#" and "office", and "options rotate # edns0" sets edns0.
 * - A nameserver's "%scope" must name an interface or be a number that fits 32 bits (F07);
 *   glibc keeps "fe80::1%nosuchif", "fe80::1%99999999999" and "fe80::1%" with scope 0.
 * - Search entries must be valid host names and at most GX_RESOLV_MAXSEARCH are kept (F09);
 *   glibc keeps any word, as many as there are. Entries are stored as glibc's res_nsearch uses
 *   them: one leading dot dropped, and the final dot dropped too (the name is absolute either
 *   way); "." stays the root.
 * - LOCALDOMAIN's empty words are skipped: glibc makes a leading blank a root entry, and
 *   LOCALDOMAIN="" a list of the root alone, which searches exactly what an empty list does.
 * - A number is decimal digits only and never wraps (F08). glibc uses strtol() and keeps the
 *   int it gets: "ndots:abc" and "ndots:" set 0, "ndots: 3", "ndots:+3" and "ndots:3abc" set
 *   3, "ndots:4294967296" sets 0, and "ndots:-1" sets 15 (a negative number stored into the
 *   4-bit field of struct __res_state). Here a number that does not parse changes nothing.
 * - timeout:0 and attempts:0 give 1. glibc stores 0 (and negative numbers as they are): its
 *   res_send then waits 1 s anyway, but sends no query at all for attempts:0 (any lookup fails
 *   at once).
 * - Option names match whole words; glibc matches prefixes ("rotatexyz" sets rotate).
 * - no-reload is ignored: gaix always watches its files (glibc 2.36 sets RES_NORELOAD).
 *
 * And texts that glibc 2.36 cannot read at all, which gaix reads like any other:
 * - "sortlist 2001:db8::/32", "sortlist 999.1.1.1/8", "sortlist /", "sortlist ÿ": its
 *   sortlist cursor stops for good on a '/' or '&' after anything but a valid IPv4 address, or
 *   on a byte above 0x7f, and res_init() loops for ever (every lookup of every program hangs);
 * - "search a.test NAME" with NAME a valid name of 250 characters, or any entry that does not
 *   fit the 256 bytes of struct __res_state's defdname after short ones: update_from_conf()
 *   fails an assertion and every program that looks a name up aborts.
 */
#include "config/resolvconf.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "config/lines.h"
#include "core/ascii.h"
#include "core/hostname.h"
#include "core/ip_text.h"
#include "core/limits.h"
#include "core/status.h"

/* glibc's NAMESERVER_PORT. */
#define RESOLV_PORT 53

/* A number after "ndots:" and the like is read up to this value and no further, so that any
 * length of digits is read without wrapping; every clamp is far below it. */
#define OPTION_NUMBER_CEILING 1000000u

struct span {
    const char *p;
    size_t len;
};

/* A search list as read, before it is copied into the snapshot. */
struct search_list {
    struct span entry[GX_RESOLV_MAXSEARCH];
    size_t n;
    size_t dropped; /* valid entries beyond GX_RESOLV_MAXSEARCH */
    size_t invalid; /* words that were not valid names */
};

struct builder {
    struct gx_nameserver ns[GX_RESOLV_MAXNS];
    size_t nns;
    size_t ns_dropped;
    struct search_list search;
    bool search_given; /* a search or domain line, or LOCALDOMAIN: no default from the host */
    unsigned ndots;
    unsigned timeout_s;
    unsigned attempts;
    unsigned options;
    size_t lines_skipped;
    gx_ifindex_fn *ifindex;
    void *ifindex_arg;
};

/* ---- words ---------------------------------------------------------------------------------- */

/* The next word of a file line; a word that starts with '#' or ';' ends the line. */
static int line_word_next(const char **cursor, const char *end, const char **word, size_t *len)
{
    if (!gx_field_next(cursor, end, word, len))
        return 0;
    if (**word == '#' || **word == ';') {
        *cursor = end;
        return 0;
    }
    return 1;
}

/*
 * glibc's MATCH: the line starts with the keyword, and a space or a tab follows it. Sets *rest
 * to the text after the keyword.
 */
static bool keyword_match(const char *line, size_t len, const char *keyword, const char **rest)
{
    size_t klen = strlen(keyword);
    if (len <= klen || memcmp(line, keyword, klen) != 0)
        return false;
    if (line[klen] != ' ' && line[klen] != '\t')
        return false;
    *rest = line + klen;
    return true;
}

/* ---- nameserver ----------------------------------------------------------------------------- */

/*
 * One address word: inet_aton forms for IPv4 (glibc's __inet_aton_exact), else inet_pton's IPv6
 * with an optional "%scope". Returns GX_OK or GX_E_MALFORMED.
 */
static int nameserver_parse(const char *w, size_t len, const struct builder *b,
                            struct gx_nameserver *out)
{
    uint8_t a[16];

    memset(out, 0, sizeof *out);
    out->port = RESOLV_PORT;
    if (gx_ip4_parse_aton(w, len, a) == GX_OK) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(RESOLV_PORT);
        memcpy(&sin.sin_addr, a, 4);
        memcpy(&out->addr, &sin, sizeof sin);
        out->family = AF_INET;
        return GX_OK;
    }

    const char *pct = memchr(w, '%', len);
    size_t addr_len = pct ? (size_t)(pct - w) : len;
    uint32_t scope_id = 0;
    if (gx_ip6_parse(w, addr_len, a) != GX_OK)
        return GX_E_MALFORMED;
    if (pct && gx_scope_parse(a, pct + 1, len - addr_len - 1, b->ifindex, b->ifindex_arg,
                              &scope_id) != GX_OK)
        return GX_E_MALFORMED; /* F07: a scope that names nothing (glibc: scope 0) */
    out->addr.sin6_family = AF_INET6;
    out->addr.sin6_port = htons(RESOLV_PORT);
    memcpy(&out->addr.sin6_addr, a, 16);
    out->addr.sin6_scope_id = scope_id;
    out->family = AF_INET6;
    return GX_OK;
}

/* "nameserver ADDR [ignored...]": only the first word counts, as in glibc. */
static void line_nameserver(struct builder *b, const char *cursor, const char *end)
{
    const char *w;
    size_t wlen;
    struct gx_nameserver ns;

    if (!line_word_next(&cursor, end, &w, &wlen) || nameserver_parse(w, wlen, b, &ns) != GX_OK) {
        b->lines_skipped++;
        return;
    }
    if (b->nns == GX_RESOLV_MAXNS) {
        b->ns_dropped++;
        return;
    }
    b->ns[b->nns++] = ns;
}

/* ---- search and domain ---------------------------------------------------------------------- */

/*
 * One search word as res_nsearch uses it: "." is the root; one leading dot is dropped; the final
 * dot is dropped; what is left must be a valid host name. Returns false for a word to skip.
 */
static bool search_entry(const char *w, size_t len, struct span *out)
{
    if (len == 1 && w[0] == '.') {
        out->p = w;
        out->len = 1;
        return true;
    }
    if (len > 1 && w[0] == '.') {
        w++;
        len--;
    }
    if (!gx_hostname_valid(w, len))
        return false;
    out->p = w;
    out->len = gx_hostname_strip_dot(w, len);
    return true;
}

static void search_add(struct search_list *l, const char *w, size_t len)
{
    struct span e;
    if (!search_entry(w, len, &e)) {
        l->invalid++;
        return;
    }
    if (l->n == GX_RESOLV_MAXSEARCH) {
        l->dropped++;
        return;
    }
    l->entry[l->n++] = e;
}

/* "search NAME...": the line replaces the list if it has a valid name (F09, F10). */
static void line_search(struct builder *b, const char *cursor, const char *end)
{
    struct search_list l;
    const char *w;
    size_t wlen;

    memset(&l, 0, sizeof l);
    while (line_word_next(&cursor, end, &w, &wlen))
        search_add(&l, w, wlen);
    if (l.n == 0) {
        b->lines_skipped++;
        return;
    }
    b->search = l;
    b->search_given = true;
}

/* "domain NAME [ignored...]": the list becomes NAME alone, if it is valid. */
static void line_domain(struct builder *b, const char *cursor, const char *end)
{
    struct search_list l;
    const char *w;
    size_t wlen;

    memset(&l, 0, sizeof l);
    if (line_word_next(&cursor, end, &w, &wlen))
        search_add(&l, w, wlen);
    if (l.n == 0) {
        b->lines_skipped++;
        return;
    }
    b->search = l;
    b->search_given = true;
}

/* LOCALDOMAIN: the list is its words, up to its first newline (glibc stops there too). */
static void env_localdomain(struct builder *b, const char *s)
{
    size_t len = strlen(s);
    const char *nl = memchr(s, '\n', len);
    const char *cursor = s, *end = nl ? nl : s + len, *w;
    size_t wlen;

    memset(&b->search, 0, sizeof b->search);
    while (gx_field_next(&cursor, end, &w, &wlen))
        search_add(&b->search, w, wlen);
    b->search_given = true;
}

/* No search or domain: the host name's domain part, after its first dot (glibc). */
static void host_domain(struct builder *b, const char *hostname)
{
    size_t len = strlen(hostname);
    const char *dot = memchr(hostname, '.', len);
    struct span e;

    if (dot == NULL)
        return;
    dot++;
    /* A host name ending in a dot has the root for its domain: no list, which searches the
     * same as glibc's list of the root alone. */
    if (search_entry(dot, len - (size_t)(dot - hostname), &e) && !(e.len == 1 && e.p[0] == '.')) {
        b->search.entry[0] = e;
        b->search.n = 1;
    }
}

/* ---- options -------------------------------------------------------------------------------- */

/*
 * The number after "ndots:" and the like: decimal digits only, the whole rest of the word, read
 * without wrapping and clamped to [min, max]. When it does not parse, *out is left as it was.
 */
static void option_number(const char *p, size_t len, unsigned min, unsigned max, unsigned *out)
{
    unsigned v = 0;

    if (len == 0)
        return;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!gx_ascii_isdigit(c))
            return;
        if (v < OPTION_NUMBER_CEILING)
            v = v * 10 + (unsigned)(c - '0');
    }
    *out = v < min ? min : v > max ? max : v;
}

/* "name:N" options: the prefix, where the value goes, and its clamps. Returns false for a word
 * that is none of them. */
static bool option_numeric(struct builder *b, const char *w, size_t len)
{
    const struct {
        const char *prefix;
        unsigned *value;
        unsigned min, max;
    } numeric[] = {
        {"ndots:", &b->ndots, 0, GX_RESOLV_NDOTS_MAX},
        {"timeout:", &b->timeout_s, GX_RESOLV_TIMEOUT_MIN_S, GX_RESOLV_TIMEOUT_MAX_S},
        {"attempts:", &b->attempts, GX_RESOLV_ATTEMPTS_MIN, GX_RESOLV_ATTEMPTS_MAX},
    };

    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++) {
        size_t plen = strlen(numeric[i].prefix);
        if (len < plen || memcmp(w, numeric[i].prefix, plen) != 0)
            continue;
        option_number(w + plen, len - plen, numeric[i].min, numeric[i].max, numeric[i].value);
        return true; /* a bad number changes nothing, and is no flag either */
    }
    return false;
}

/* One option word. Anything not known here is ignored (F15), inet6, debug and no-reload too. */
static void option_apply(struct builder *b, const char *w, size_t len)
{
    static const struct {
        const char *name;
        unsigned bit;
    } flags[] = {
        {"rotate", GX_RES_ROTATE},
        {"edns0", GX_RES_EDNS0},
        {"use-vc", GX_RES_USE_VC},
        {"no-aaaa", GX_RES_NO_AAAA},
        {"single-request", GX_RES_SINGLE_REQUEST},
        {"single-request-reopen", GX_RES_SINGLE_REQUEST_REOPEN},
        {"trust-ad", GX_RES_TRUST_AD},
        {"no-tld-query", GX_RES_NO_TLD_QUERY},
        {"no_tld_query", GX_RES_NO_TLD_QUERY},
        {"strict-error", GX_RES_STRICT_ERROR},
        {"parallel-search", GX_RES_PARALLEL_SEARCH},
    };

    if (option_numeric(b, w, len))
        return;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (strlen(flags[i].name) == len && memcmp(flags[i].name, w, len) == 0) {
            b->options |= flags[i].bit;
            return;
        }
    }
}

/* "options OPT...": words up to a comment. */
static void line_options(struct builder *b, const char *cursor, const char *end)
{
    const char *w;
    size_t wlen;
    while (line_word_next(&cursor, end, &w, &wlen))
        option_apply(b, w, wlen);
}

/* RES_OPTIONS: every word is an option ('#' has no special meaning in a variable). */
static void env_options(struct builder *b, const char *s)
{
    const char *cursor = s, *end = s + strlen(s), *w;
    size_t wlen;
    while (gx_field_next(&cursor, end, &w, &wlen))
        option_apply(b, w, wlen);
}

/* ---- the file ------------------------------------------------------------------------------- */

static void file_read(struct builder *b, const char *data, size_t len)
{
    struct gx_lines it;
    const char *line, *rest;
    size_t llen;

    gx_lines_init(&it, data, len);
    while (gx_lines_next(&it, &line, &llen)) {
        const char *end = line + llen;
        /* Comment lines need no test of their own: no keyword starts with '#' or ';'. */
        if (keyword_match(line, llen, "nameserver", &rest))
            line_nameserver(b, rest, end);
        else if (keyword_match(line, llen, "search", &rest))
            line_search(b, rest, end);
        else if (keyword_match(line, llen, "domain", &rest))
            line_domain(b, rest, end);
        else if (keyword_match(line, llen, "options", &rest))
            line_options(b, rest, end);
        /* sortlist, unknown keywords, indented lines: ignored. */
    }
    b->lines_skipped += it.skipped_long + it.skipped_nul;
}

/* ---- the snapshot --------------------------------------------------------------------------- */

static int snapshot_build(const struct builder *b, struct gx_resolv_conf **out)
{
    /* At most GX_RESOLV_MAXSEARCH entries of GX_NAME_TEXT_MAX + 1 bytes each: the sum and the
     * allocation size below cannot overflow. */
    _Static_assert(GX_RESOLV_MAXSEARCH * (GX_NAME_TEXT_MAX + 1) < 65536,
                   "the search strings of a snapshot stay small");
    size_t strings = 0;
    for (size_t i = 0; i < b->search.n; i++)
        strings += b->search.entry[i].len + 1;

    struct gx_resolv_conf *c = malloc(sizeof *c + strings);
    if (c == NULL)
        return GX_E_MEMORY;
    memset(c, 0, sizeof *c);
    gx_ref_init(&c->ref);
    memcpy(c->ns, b->ns, sizeof c->ns);
    c->nns = b->nns;
    c->storage = (char *)(c + 1);
    char *p = c->storage;
    for (size_t i = 0; i < b->search.n; i++) {
        memcpy(p, b->search.entry[i].p, b->search.entry[i].len);
        p[b->search.entry[i].len] = '\0';
        c->search[i] = p;
        p += b->search.entry[i].len + 1;
    }
    c->nsearch = b->search.n;
    c->search_dropped = b->search.dropped;
    c->search_invalid = b->search.invalid;
    c->ndots = b->ndots;
    c->timeout_s = b->timeout_s;
    c->attempts = b->attempts;
    c->options = b->options;
    c->ns_dropped = b->ns_dropped;
    c->lines_skipped = b->lines_skipped;
    *out = c;
    return GX_OK;
}

int gx_resolvconf_parse(const char *data, size_t len, const struct gx_resolv_env *env,
                        struct gx_resolv_conf **out)
{
    static const struct gx_resolv_env no_env;
    struct builder b;

    if (env == NULL)
        env = &no_env;
    memset(&b, 0, sizeof b);
    b.ndots = GX_RESOLV_NDOTS_DEFAULT;
    b.timeout_s = GX_RESOLV_TIMEOUT_DEFAULT_S;
    b.attempts = GX_RESOLV_ATTEMPTS_DEFAULT;
    b.ifindex = env->ifindex;
    b.ifindex_arg = env->ifindex_arg;

    if (data != NULL)
        file_read(&b, data, len);
    /* glibc reads LOCALDOMAIN first and then ignores the file's search and domain lines:
     * replacing whatever the file said comes to the same. */
    if (env->localdomain != NULL)
        env_localdomain(&b, env->localdomain);
    if (b.nns == 0) {
        static const uint8_t loopback[4] = {127, 0, 0, 1};
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(RESOLV_PORT);
        memcpy(&sin.sin_addr, loopback, 4);
        memcpy(&b.ns[0].addr, &sin, sizeof sin);
        b.ns[0].port = RESOLV_PORT;
        b.ns[0].family = AF_INET;
        b.nns = 1;
    }
    if (!b.search_given && env->hostname != NULL)
        host_domain(&b, env->hostname);
    if (env->res_options != NULL)
        env_options(&b, env->res_options);
    return snapshot_build(&b, out);
}

void gx_resolvconf_ref(struct gx_resolv_conf *c)
{
    gx_ref_get(&c->ref);
}

void gx_resolvconf_unref(struct gx_resolv_conf *c)
{
    if (c != NULL && gx_ref_put(&c->ref))
        free(c);
}
