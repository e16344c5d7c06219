/*
 * Parsing and printing IP address text. Each parser walks its input once with an index bounded
 * by len and writes its output only on success.
 */
#include "core/ip_text.h"

#include <string.h>

#include "core/ascii.h"
#include "core/status.h"

/* One part of a dotted quad at *cp in a NUL-terminated buffer: one to three digits, no leading
 * zero, at most 255. Returns its value and moves *cp past it, or -1. */
static inline int strict_part(const unsigned char **cp)
{
    const unsigned char *c = *cp;
    unsigned v = (unsigned)c[0] - '0';
    if (v > 9)
        return -1;
    unsigned d = (unsigned)c[1] - '0';
    if (d > 9) {
        *cp = c + 1;
        return (int)v;
    }
    if (v == 0)
        return -1; /* a leading zero: "01" */
    v = v * 10 + d;
    d = (unsigned)c[2] - '0';
    if (d > 9) {
        *cp = c + 2;
        return (int)v;
    }
    v = v * 10 + d;
    if (v > 255 || (unsigned)c[3] - '0' <= 9)
        return -1;
    *cp = c + 3;
    return (int)v;
}

/* Four strict parts from c, ending exactly at end; *end must not be a digit (a NUL does). */
static inline int ip4_strict(const unsigned char *c, const unsigned char *end, uint8_t out[4])
{
    int a = strict_part(&c);
    if (a < 0 || *c++ != '.')
        return GX_E_MALFORMED;
    int b = strict_part(&c);
    if (b < 0 || *c++ != '.')
        return GX_E_MALFORMED;
    int d = strict_part(&c);
    if (d < 0 || *c++ != '.')
        return GX_E_MALFORMED;
    int e = strict_part(&c);
    if (e < 0 || c != end)
        return GX_E_MALFORMED;
    out[0] = (uint8_t)a;
    out[1] = (uint8_t)b;
    out[2] = (uint8_t)d;
    out[3] = (uint8_t)e;
    return GX_OK;
}

int gx_ip4_parse_strict(const char *p, size_t len, uint8_t out[4])
{
    /* A dotted quad is 7 to 15 bytes. Copied into a NUL-terminated buffer, it can be read part by
     * part with no bounds check: the NUL ends the last part like any other non-digit. This runs
     * on every hosts-file line. */
    if (len < 7 || len > 15)
        return GX_E_MALFORMED;
    char buf[16];
    memcpy(buf, p, len);
    buf[len] = '\0';
    return ip4_strict((const unsigned char *)buf, (const unsigned char *)buf + len, out);
}

int gx_ip4_parse_strict_z(const char *s, size_t len, uint8_t out[4])
{
    /* The caller's string is terminated already: no copy (every numeric host comes here). */
    if (len < 7 || len > 15)
        return GX_E_MALFORMED;
    return ip4_strict((const unsigned char *)s, (const unsigned char *)s + len, out);
}

/* One inet_aton part, C style: 0x hex, 0 octal, else decimal; strtoul(base 0) semantics.
 * Returns the bytes used (> 0) and the value, or 0 when no number starts here or it exceeds
 * 32 bits. The part must start with a digit. */
static size_t aton_part(const char *p, size_t len, uint32_t *value)
{
    if (len == 0 || !gx_ascii_isdigit((unsigned char)p[0]))
        return 0;
    uint64_t v = 0;
    size_t i = 0;
    if (p[0] == '0' && len >= 3 && (p[1] | 0x20) == 'x' && gx_ascii_isxdigit((unsigned char)p[2])) {
        for (i = 2; i < len && gx_ascii_isxdigit((unsigned char)p[i]); i++) {
            v = v * 16 + gx_ascii_xvalue((unsigned char)p[i]);
            if (v > 0xffffffffu)
                return 0;
        }
    } else if (p[0] == '0') {
        /* Octal; "0x" without a hex digit is the number 0 followed by an 'x'. */
        for (i = 1; i < len && p[i] >= '0' && p[i] <= '7'; i++) {
            v = v * 8 + (uint64_t)(p[i] - '0');
            if (v > 0xffffffffu)
                return 0;
        }
    } else {
        for (i = 0; i < len && gx_ascii_isdigit((unsigned char)p[i]); i++) {
            v = v * 10 + (uint64_t)(p[i] - '0');
            if (v > 0xffffffffu)
                return 0;
        }
    }
    *value = (uint32_t)v;
    return i;
}

int gx_ip4_parse_aton(const char *p, size_t len, uint8_t out[4])
{
    /* The last part may fill 4, 3, 2 or 1 bytes when it follows 0, 1, 2 or 3 dotted parts. */
    static const uint32_t last_max[4] = {0xffffffffu, 0xffffffu, 0xffffu, 0xffu};
    uint8_t lead[3] = {0};
    unsigned nlead = 0;
    size_t i = 0;
    uint32_t v;


    for (;;) {
        size_t used = aton_part(p + i, len - i, &v);
        if (used == 0)
            return GX_E_MALFORMED;
        i += used;
        if (i < len && p[i] == '.') {
            if (nlead == 3 || v > 0xff)
                return GX_E_MALFORMED;
            lead[nlead++] = (uint8_t)v;
            i++;
            continue;
        }
        break;
    }
    if (i != len || v > last_max[nlead])
        return GX_E_MALFORMED;

    uint32_t word = v;
    for (unsigned k = 0; k < nlead; k++)
        word |= (uint32_t)lead[k] << (24 - 8 * k);
    out[0] = (uint8_t)(word >> 24);
    out[1] = (uint8_t)(word >> 16);
    out[2] = (uint8_t)(word >> 8);
    out[3] = (uint8_t)word;
    return GX_OK;
}

int gx_ip6_parse(const char *p, size_t len, uint8_t out[16])
{
    uint8_t tmp[16] = {0};
    size_t tp = 0;         /* bytes of tmp written */
    size_t gap = SIZE_MAX; /* where "::" stands, in bytes of tmp */
    size_t i = 0;
    unsigned value = 0, digits = 0;
    size_t group_start = 0;

    if (len == 0)
        return GX_E_MALFORMED;
    if (p[0] == ':') {
        /* A leading colon must be the first half of "::". */
        if (len < 2 || p[1] != ':')
            return GX_E_MALFORMED;
        i = 1;
        group_start = 1;
    }
    while (i < len) {
        unsigned char c = (unsigned char)p[i++];
        if (gx_ascii_isxdigit(c)) {
            if (digits == 4)
                return GX_E_MALFORMED;
            value = value << 4 | gx_ascii_xvalue(c);
            digits++;
            continue;
        }
        if (c == ':') {
            group_start = i;
            if (digits == 0) {
                if (gap != SIZE_MAX)
                    return GX_E_MALFORMED; /* a second "::", or ":::" */
                gap = tp;
                continue;
            }
            if (i == len || tp + 2 > 16)
                return GX_E_MALFORMED; /* a trailing single ':' or too many groups */
            tmp[tp++] = (uint8_t)(value >> 8);
            tmp[tp++] = (uint8_t)value;
            value = 0;
            digits = 0;
            continue;
        }
        if (c == '.' && tp + 4 <= 16 &&
            gx_ip4_parse_strict(p + group_start, len - group_start, tmp + tp) == GX_OK) {
            /* A dotted quad ends the address: it consumed everything after group_start. */
            tp += 4;
            digits = 0;
            i = len;
            break;
        }
        return GX_E_MALFORMED;
    }
    if (digits > 0) {
        if (tp + 2 > 16)
            return GX_E_MALFORMED;
        tmp[tp++] = (uint8_t)(value >> 8);
        tmp[tp++] = (uint8_t)value;
    }
    if (gap != SIZE_MAX) {
        if (tp == 16)
            return GX_E_MALFORMED; /* "::" must stand for at least one group */
        size_t tail = tp - gap;
        memmove(tmp + 16 - tail, tmp + gap, tail);
        memset(tmp + gap, 0, 16 - tail - gap);
        tp = 16;
    }
    if (tp != 16)
        return GX_E_MALFORMED;
    memcpy(out, tmp, 16);
    return GX_OK;
}

static size_t format_decimal(unsigned v, char *out)
{
    char rev[10];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    return n;
}

size_t gx_ip4_format(const uint8_t a[4], char out[GX_IP4_TEXT_MAX])
{
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (i)
            out[n++] = '.';
        n += format_decimal(a[i], out + n);
    }
    out[n] = '\0';
    return n;
}

size_t gx_ip6_format(const uint8_t a[16], char out[GX_IP6_TEXT_MAX])
{
    static const char hex[] = "0123456789abcdef";
    unsigned words[8];
    for (int i = 0; i < 8; i++)
        words[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];

    /* The first longest run of two or more zero groups becomes "::". */
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (words[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && words[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    if (best_len < 2)
        best = -1;

    size_t n = 0;
    for (int i = 0; i < 8; i++) {
        if (best >= 0 && i >= best && i < best + best_len) {
            if (i == best)
                out[n++] = ':';
            continue;
        }
        if (i != 0)
            out[n++] = ':';
        /* IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) end in a dotted quad. */
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
            n += gx_ip4_format(a + 12, out + n);
            return n;
        }
        int started = 0;
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned d = (words[i] >> shift) & 0xf;
            if (d || started || shift == 0) {
                out[n++] = hex[d];
                started = 1;
            }
        }
    }
    if (best >= 0 && best + best_len == 8)
        out[n++] = ':';
    out[n] = '\0';
    return n;
}
