/*
 * /etc/gai.conf, read with glibc's syntax and meaning (gai.conf(5)); TEST-VECTORS F28, F29.
 *
 * A line is "KEYWORD VALUE1 VALUE2", fields split on C-locale white space, '#' anywhere starting a
 * comment. Keywords are case-sensitive, as glibc's strcmp makes them:
 *   label      PREFIX[/BITS] VALUE   IPv6 prefix (inet_pton), BITS 0..128 (default 128)
 *   precedence PREFIX[/BITS] VALUE   the same
 *   scopev4    PREFIX[/BITS] VALUE   an IPv4-mapped IPv6 prefix with BITS 96..128 (default 128),
 *                                    or an IPv4 address with BITS 0..32 (default 32)
 *   reload     yes|no                accepted and ignored: gaix always rereads a changed file
 * VALUE is 0..INT_MAX. Unknown keywords and invalid lines are skipped one by one.
 *
 * Numbers are read as glibc reads them, with strtoul(), and the same checks on the result, so that
 * a file means the same to gaix as to the system libc:
 * - an optional '+' or '-' sign; '-' negates in unsigned arithmetic, so "-1" is huge and refused,
 *   "-0" is 0, and (on a 64-bit long) "-18446744073709551615" is 1;
 * - the digits must run to the end of the field; a magnitude above ULONG_MAX is refused (ERANGE);
 * - an EMPTY number is 0: strtoul("") consumes nothing and leaves nothing behind. So a missing
 *   VALUE is 0 ("label 2001:db8::/32" sets label 0), and so are empty BITS ("::1/" is ::/0).
 * Fields after VALUE are ignored, as glibc ignores the rest of the line: the one place where this
 * reader does not take a line whole (STYLE 4), because a file must mean the same to both.
 *
 * Meaning (glibc's gaiconf_init): when the file has at least one valid line of a kind, that kind's
 * table is REPLACED by the file's lines of that kind, and a catch-all is appended unless one of
 * them has zero bits (label ::/0 1, precedence ::/0 40, scopev4 0.0.0.0/0 14). The table is then
 * ordered by prefix length, longest first, keeping file order among equal lengths, so that of two
 * equal prefixes the first one in the file wins. A kind the file does not mention keeps the
 * built-in table of the chosen base. Stored prefixes are masked to their length, which changes no
 * lookup (only the first BITS bits are ever compared).
 *
 * The parse makes two passes over the text, so that the tables take one exact allocation and no
 * growth: the first counts the valid lines of each kind by prefix length, the second writes each
 * entry straight to its place (a counting sort, which is stable and linear in the file size).
 * The only limit is lines.h's line length; the number of lines is bounded by the file size.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config/lines.h"
#include "config/policy.h"
#include "core/ascii.h"
#include "core/ip_text.h"
#include "core/status.h"

/* Prefix lengths: 0..128 for IPv6 prefixes, 0..32 for IPv4 ones. */
#define PREFIX6_BITS 128
#define PREFIX4_BITS 32

enum gaiconf_kind {
    GAICONF_NONE,       /* comment, blank, reload, unknown keyword or invalid line */
    GAICONF_PRECEDENCE, /* a valid precedence line */
    GAICONF_LABEL,      /* a valid label line */
    GAICONF_SCOPE,      /* a valid scopev4 line */
};

struct gaiconf_line {
    enum gaiconf_kind kind;
    unsigned bits;                  /* 0..128, or IPv4 bits 0..32 for scopev4 */
    struct gx_prefix_policy prefix; /* precedence, label */
    struct gx_scope_policy scope;   /* scopev4 */
};

/* Counts of valid lines by prefix length; the second pass turns them into write positions. */
struct gaiconf_census {
    size_t precedence[PREFIX6_BITS + 1];
    size_t labels[PREFIX6_BITS + 1];
    size_t scopes[PREFIX4_BITS + 1];
};

static bool field_is(const char *f, size_t len, const char *word)
{
    size_t wlen = strlen(word);
    return len == wlen && memcmp(f, word, len) == 0;
}

/*
 * strtoul(p, &end, 10) followed by glibc's checks (*end == '\0', no ERANGE, value <= max), over
 * (p, len) with no NUL needed. See the file comment for the sign and empty-string cases.
 */
static bool number_parse(const char *p, size_t len, unsigned long max, unsigned long *out)
{
    size_t i = 0;
    bool negative = false;

    if (len == 0) {
        *out = 0;
        return true;
    }
    if (p[0] == '+' || p[0] == '-') {
        negative = p[0] == '-';
        i = 1;
        if (len == 1)
            return false; /* a lone sign: strtoul consumes nothing and the sign is left over */
    }
    unsigned long v = 0;
    bool overflow = false;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!gx_ascii_isdigit(c))
            return false;
        unsigned long digit = (unsigned long)(c - '0');
        if (overflow || v > (ULONG_MAX - digit) / 10)
            overflow = true;
        else
            v = v * 10 + digit;
    }
    if (overflow)
        return false;
    if (negative)
        v = 0UL - v;
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* PREFIX[/BITS] split at the first '/'. */
struct prefix_text {
    const char *addr;
    size_t addr_len;
    const char *bits; /* NULL when there is no '/' */
    size_t bits_len;
};

static struct prefix_text prefix_split(const char *f, size_t len)
{
    struct prefix_text t = {.addr = f, .addr_len = len, .bits = NULL, .bits_len = 0};
    const char *slash = memchr(f, '/', len);
    if (slash != NULL) {
        t.addr_len = (size_t)(slash - f);
        t.bits = slash + 1;
        t.bits_len = len - t.addr_len - 1;
    }
    return t;
}

/* BITS when present (min..max), else dflt. */
static bool prefix_bits(const struct prefix_text *t, unsigned min, unsigned max, unsigned dflt,
                        unsigned *bits)
{
    unsigned long v = dflt;
    if (t->bits != NULL && !number_parse(t->bits, t->bits_len, max, &v))
        return false;
    if (v < min)
        return false;
    *bits = (unsigned)v;
    return true;
}

/* Clears every bit after the first `bits`. */
static void prefix_mask(uint8_t prefix[16], unsigned bits)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned first = 8 * i; /* the number of bits before this byte */
        if (bits >= first + 8)
            continue;
        unsigned keep = bits > first ? bits - first : 0; /* 0..7 leading bits kept */
        prefix[i] = (uint8_t)(prefix[i] & (0xff00u >> keep));
    }
}

static uint32_t netmask4(unsigned bits)
{
    return bits == 0 ? 0 : 0xffffffffu << (PREFIX4_BITS - bits);
}

/* `label` and `precedence`: PREFIX[/BITS] VALUE. */
static bool prefix_line_parse(const char *v1, size_t v1_len, const char *v2, size_t v2_len,
                              struct gaiconf_line *out)
{
    struct prefix_text t = prefix_split(v1, v1_len);
    unsigned long value;

    if (gx_ip6_parse(t.addr, t.addr_len, out->prefix.prefix) != GX_OK ||
        !prefix_bits(&t, 0, PREFIX6_BITS, PREFIX6_BITS, &out->bits) ||
        !number_parse(v2, v2_len, INT_MAX, &value))
        return false;
    prefix_mask(out->prefix.prefix, out->bits);
    out->prefix.bits = (uint8_t)out->bits;
    out->prefix.value = (int32_t)value;
    return true;
}

/*
 * `scopev4`: an IPv4-mapped IPv6 prefix of 96 to 128 bits, or an IPv4 address and 0 to 32 bits.
 * An IPv6 prefix that is not IPv4-mapped is refused outright (it is no IPv4 text either).
 */
static bool scope_line_parse(const char *v1, size_t v1_len, const char *v2, size_t v2_len,
                             struct gaiconf_line *out)
{
    struct prefix_text t = prefix_split(v1, v1_len);
    uint8_t a6[16], a4[4];
    unsigned bits;
    unsigned long value;

    if (gx_ip6_parse(t.addr, t.addr_len, a6) == GX_OK) {
        if (!gx_bytes6_is_v4mapped(a6) || !prefix_bits(&t, 96, PREFIX6_BITS, PREFIX6_BITS, &bits))
            return false;
        bits -= 96;
        memcpy(a4, a6 + 12, 4);
    } else if (gx_ip4_parse_strict(t.addr, t.addr_len, a4) == GX_OK) {
        if (!prefix_bits(&t, 0, PREFIX4_BITS, PREFIX4_BITS, &bits))
            return false;
    } else {
        return false;
    }
    if (!number_parse(v2, v2_len, INT_MAX, &value))
        return false;
    uint32_t addr = (uint32_t)a4[0] << 24 | (uint32_t)a4[1] << 16 | (uint32_t)a4[2] << 8 | a4[3];
    out->bits = bits;
    out->scope.netmask = netmask4(bits);
    out->scope.addr = addr & out->scope.netmask;
    out->scope.scope = (int32_t)value;
    return true;
}

/* One line: out->kind says what it was (GAICONF_NONE for anything that changes no table). */
static void gaiconf_line_parse(const char *line, size_t len, struct gaiconf_line *out)
{
    const char *cur = line, *end = line + gx_line_uncomment(line, len, '#');
    const char *kw, *v1 = end, *v2 = end;
    size_t kw_len, v1_len = 0, v2_len = 0;

    out->kind = GAICONF_NONE;
    if (!gx_field_next(&cur, end, &kw, &kw_len))
        return;
    if (!gx_field_next(&cur, end, &v1, &v1_len))
        v1_len = 0;
    if (!gx_field_next(&cur, end, &v2, &v2_len))
        v2_len = 0; /* a missing VALUE reads as the empty number: 0 */
    /* Whatever follows VALUE is ignored. */

    if (field_is(kw, kw_len, "precedence")) {
        if (prefix_line_parse(v1, v1_len, v2, v2_len, out))
            out->kind = GAICONF_PRECEDENCE;
    } else if (field_is(kw, kw_len, "label")) {
        if (prefix_line_parse(v1, v1_len, v2, v2_len, out))
            out->kind = GAICONF_LABEL;
    } else if (field_is(kw, kw_len, "scopev4")) {
        if (scope_line_parse(v1, v1_len, v2, v2_len, out))
            out->kind = GAICONF_SCOPE;
    }
    /* "reload yes|no" and unknown keywords change nothing. */
}

/* Turns counts by prefix length into the first index of each length, longest first. */
static size_t census_to_positions(size_t *count, unsigned max_bits)
{
    size_t next = 0;
    for (unsigned b = max_bits + 1; b-- > 0;) {
        size_t c = count[b];
        count[b] = next;
        next += c;
    }
    return next;
}

/* Entries in a table of `lines` file lines: one more for the catch-all when none has zero bits. */
static size_t table_len(size_t lines, size_t zero_bits_lines)
{
    return lines == 0 ? 0 : lines + (zero_bits_lines == 0 ? 1 : 0);
}

int gx_policy_from_gaiconf(const char *data, size_t len, enum gaix_policy base,
                           const struct gx_policy **out)
{
    const struct gx_policy *builtin = gx_policy_builtin(base);
    struct gaiconf_census census;
    struct gaiconf_line pl;
    struct gx_lines it;
    const char *line;
    size_t line_len;

    if (data == NULL || len == 0) {
        *out = builtin;
        return GX_OK;
    }

    /* Pass 1: count the valid lines of each kind by prefix length. */
    memset(&census, 0, sizeof census);
    gx_lines_init(&it, data, len);
    while (gx_lines_next(&it, &line, &line_len)) {
        gaiconf_line_parse(line, line_len, &pl);
        if (pl.kind == GAICONF_PRECEDENCE)
            census.precedence[pl.bits]++;
        else if (pl.kind == GAICONF_LABEL)
            census.labels[pl.bits]++;
        else if (pl.kind == GAICONF_SCOPE)
            census.scopes[pl.bits]++;
    }
    size_t zero_prec = census.precedence[0], zero_labels = census.labels[0],
           zero_scopes = census.scopes[0];
    size_t nprec_lines = census_to_positions(census.precedence, PREFIX6_BITS);
    size_t nlabel_lines = census_to_positions(census.labels, PREFIX6_BITS);
    size_t nscope_lines = census_to_positions(census.scopes, PREFIX4_BITS);
    if (nprec_lines == 0 && nlabel_lines == 0 && nscope_lines == 0) {
        *out = builtin;
        return GX_OK;
    }

    /* One block for the tables read: precedences, then labels, then scopes. The counts are at
     * most the number of lines, so at most len + 1; the size arithmetic is checked anyway. */
    size_t nprec = table_len(nprec_lines, zero_prec);
    size_t nlabels = table_len(nlabel_lines, zero_labels);
    size_t nscopes = table_len(nscope_lines, zero_scopes);
    size_t nprefix = nprec + nlabels;
    if (nprefix < nprec || nprefix > SIZE_MAX / sizeof(struct gx_prefix_policy) ||
        nscopes > SIZE_MAX / sizeof(struct gx_scope_policy))
        return GX_E_MEMORY;
    size_t prefix_bytes = nprefix * sizeof(struct gx_prefix_policy);
    size_t scope_bytes = nscopes * sizeof(struct gx_scope_policy);
    if (prefix_bytes > SIZE_MAX - scope_bytes)
        return GX_E_MEMORY;

    struct gx_policy *p = malloc(sizeof *p);
    unsigned char *block = malloc(prefix_bytes + scope_bytes);
    if (p == NULL || block == NULL) {
        free(p);
        free(block);
        return GX_E_MEMORY;
    }
    /* The block holds int32_t-aligned records only: prefix records (size a multiple of 4) first. */
    struct gx_prefix_policy *prec = (struct gx_prefix_policy *)(void *)block;
    struct gx_prefix_policy *labels = prec + nprec;
    struct gx_scope_policy *scopes = (struct gx_scope_policy *)(void *)(block + prefix_bytes);

    /* Pass 2: the same lines, each written to its place. The text is const and the parse
     * deterministic, so the positions fit; the bounds checks only keep a text changed under us
     * (a caller bug) from writing outside the tables. */
    gx_lines_init(&it, data, len);
    while (gx_lines_next(&it, &line, &line_len)) {
        gaiconf_line_parse(line, line_len, &pl);
        if (pl.kind == GAICONF_PRECEDENCE) {
            size_t *at = &census.precedence[pl.bits];
            if (*at < nprec_lines)
                prec[(*at)++] = pl.prefix;
        } else if (pl.kind == GAICONF_LABEL) {
            size_t *at = &census.labels[pl.bits];
            if (*at < nlabel_lines)
                labels[(*at)++] = pl.prefix;
        } else if (pl.kind == GAICONF_SCOPE) {
            size_t *at = &census.scopes[pl.bits];
            if (*at < nscope_lines)
                scopes[(*at)++] = pl.scope;
        }
    }
    if (nprec > nprec_lines)
        prec[nprec - 1] = (struct gx_prefix_policy){.prefix = {0}, .bits = 0, .value = 40};
    if (nlabels > nlabel_lines)
        labels[nlabels - 1] = (struct gx_prefix_policy){.prefix = {0}, .bits = 0, .value = 1};
    if (nscopes > nscope_lines)
        scopes[nscopes - 1] = (struct gx_scope_policy){.addr = 0, .netmask = 0, .scope = 14};

    memset(p, 0, sizeof *p);
    gx_ref_init(&p->ref);
    p->base = builtin->base;
    p->precedence = nprec ? prec : builtin->precedence;
    p->nprecedence = nprec ? nprec : builtin->nprecedence;
    p->labels = nlabels ? labels : builtin->labels;
    p->nlabels = nlabels ? nlabels : builtin->nlabels;
    p->scopes = nscopes ? scopes : builtin->scopes;
    p->nscopes = nscopes ? nscopes : builtin->nscopes;
    p->owned = block;
    *out = p;
    return GX_OK;
}
