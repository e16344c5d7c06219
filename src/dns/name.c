/*
 * DNS names (RFC 1035 3.1 and 4.1.4): text to wire, wire to text, reading a compressed name out
 * of a message, comparison, and the reverse-lookup names of addresses.
 *
 * Model: a name travels in its uncompressed wire form, length-prefixed labels ending with the root
 * label, in a caller's 255-byte buffer. Every function here is bounded by a length it is given or
 * by those 255 bytes, and none of them allocates.
 *
 * Reading a name from a message is where resolvers have looped or overrun (musl CVE-2014-3484,
 * uClibc CVE-2016-2225, c-ares GHSA-pjmc). The rules (TEST-VECTORS P3) make the work of one read
 * bounded whatever the message: a pointer must point before the start of the run of labels it
 * ends, so successive jumps go strictly backwards and cannot loop; at most
 * GX_DNS_POINTER_HOPS_MAX of them; at most 255 octets of output. One read thus examines at most
 * 255 label octets and 2 x 128 pointer octets.
 */
#include <string.h>

#include "core/ascii.h"
#include "core/limits.h"
#include "core/status.h"
#include "dns/reader.h"
#include "dns/wire.h"

/* RFC 1035 4.1.4: the two top bits of a length octet say what it is. */
#define NAME_LABEL_KIND_MASK 0xC0
#define NAME_LABEL_KIND_POINTER 0xC0
#define NAME_LABEL_KIND_LABEL 0x00
#define NAME_POINTER_HIGH_BITS 0x3F /* the offset's top 6 bits, beside the kind */

/* ---- text to wire ------------------------------------------------------------------------- */

/* A byte a name we send may hold: printable ASCII other than space (core/hostname.h), and not a
 * backslash, because we never interpret escapes: the name sent is the name given. */
static bool text_byte_ok(unsigned char c)
{
    return c >= 0x21 && c <= 0x7e && c != '\\';
}

/*
 * Appends the labels of text (dot-separated, no leading or final dot, len >= 1) to out at *n,
 * keeping room for the root label. Checks every byte before deciding, so that a bad byte is
 * reported as such however long the text.
 */
static int labels_append(const char *text, size_t len, uint8_t out[GX_DNS_NAME_WIRE_MAX], size_t *n)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '.') {
            if (!text_byte_ok((unsigned char)text[i]))
                return GX_E_MALFORMED;
            continue;
        }
        size_t label = i - start;
        if (label == 0)
            return GX_E_MALFORMED;
        if (label > GX_LABEL_MAX)
            return GX_E_LIMIT;
        /* This label, its length octet, and the root label still to come. */
        if (*n + 1 + label + 1 > GX_DNS_NAME_WIRE_MAX)
            return GX_E_LIMIT;
        out[(*n)++] = (uint8_t)label;
        memcpy(out + *n, text + start, label);
        *n += label;
        start = i + 1;
    }
    return GX_OK;
}

int gx_dns_name_from_text(const char *text, size_t len, uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    /* One final dot makes the name absolute and changes nothing on the wire; "." alone is the
     * root, which labels_append refuses as an empty label. */
    if (len > 1 && text[len - 1] == '.')
        len--;
    if (len == 0)
        return GX_E_MALFORMED;
    size_t n = 0;
    int rc = labels_append(text, len, out, &n);
    if (rc < 0)
        return rc;
    out[n++] = 0;
    return (int)n;
}

int gx_dns_name_join(const char *name, size_t name_len, const char *suffix, size_t suffix_len,
                     uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    /* The name must be relative: a final dot would leave an empty label, which labels_append
     * refuses, so "host." + "example.com" never becomes "host..example.com". */
    if (name_len == 0)
        return GX_E_MALFORMED;
    size_t n = 0;
    int rc = labels_append(name, name_len, out, &n);
    if (rc < 0)
        return rc;
    if (suffix_len > 0 && suffix[suffix_len - 1] == '.')
        suffix_len--;
    if (suffix_len > 0) {
        rc = labels_append(suffix, suffix_len, out, &n);
        if (rc < 0)
            return rc;
    }
    out[n++] = 0;
    return (int)n;
}

/* ---- wire names in a buffer --------------------------------------------------------------- */

int gx_dns_name_length(const uint8_t *wire)
{
    size_t i = 0;
    while (i < GX_DNS_NAME_WIRE_MAX) {
        uint8_t label = wire[i];
        if (label == 0)
            return (int)(i + 1);
        if (label > GX_LABEL_MAX)
            return GX_E_MALFORMED;
        i += 1 + (size_t)label;
    }
    return GX_E_MALFORMED;
}

bool gx_dns_name_equal(const uint8_t *a, const uint8_t *b)
{
    int alen = gx_dns_name_length(a);
    if (alen < 0 || alen != gx_dns_name_length(b))
        return false;
    /* Two well-formed names of the same length: if they agree up to a length octet, that octet
     * sits at the same place in both, so a byte-wise comparison compares label by label. Length
     * octets are at most 63, below 'A', and lowering leaves them alone. */
    for (size_t i = 0; i < (size_t)alen; i++)
        if (gx_ascii_lower(a[i]) != gx_ascii_lower(b[i]))
            return false;
    return true;
}

/* glibc res_hnok's byte class: letters, digits, '-' and '_'. */
static bool hostname_byte_ok(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || gx_ascii_isdigit(c) || c == '-' ||
           c == '_';
}

int gx_dns_name_to_text(const uint8_t *wire, char out[GX_DNS_NAME_WIRE_MAX])
{
    int wlen = gx_dns_name_length(wire);
    if (wlen < 0)
        return wlen;
    if (wlen == 1) {
        out[0] = '.';
        out[1] = '\0';
        return 1;
    }
    /* res_hnok: a name starting with '-' looks like an option to the programs that print it. */
    if (wire[1] == '-')
        return GX_E_MALFORMED;
    size_t i = 0, n = 0;
    while (wire[i] != 0) {
        size_t label = wire[i];
        for (size_t k = 1; k <= label; k++)
            if (!hostname_byte_ok(wire[i + k]))
                return GX_E_MALFORMED;
        if (n > 0)
            out[n++] = '.';
        memcpy(out + n, wire + i + 1, label);
        n += label;
        i += 1 + label;
    }
    /* n = wlen - 2 <= 253: the length octets become dots, less the first and the root. */
    out[n] = '\0';
    return (int)n;
}

/* ---- reading names from a message --------------------------------------------------------- */

/* Reads the name starting at cur->pos; on success *end is where it ends in place. */
static int name_decompress(struct gx_dns_reader *cur, size_t *end,
                           uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    size_t run_start = cur->pos; /* where the run of labels being read began */
    size_t resume = 0;           /* where the name ends in place, once a pointer was taken */
    bool jumped = false;
    unsigned hops = 0;
    size_t n = 0;
    for (;;) {
        uint8_t b;
        if (!gx_dns_reader_u8(cur, &b))
            return GX_E_MALFORMED; /* no root label before the end (W16, W17) */
        if (b == 0)
            break;
        switch (b & NAME_LABEL_KIND_MASK) {
        case NAME_LABEL_KIND_POINTER: {
            uint8_t low;
            if (!gx_dns_reader_u8(cur, &low))
                return GX_E_MALFORMED;
            size_t target = (size_t)(b & NAME_POINTER_HIGH_BITS) << 8 | low;
            /* RFC 1035 4.1.4 says "a prior occurrence": strictly before this run of labels
             * (W08, W10, W24), and never into the header (W11). Each jump thus lands before
             * the last, which alone rules out loops (W09); the hop cap bounds the work. */
            if (target < GX_DNS_HEADER_LEN || target >= run_start)
                return GX_E_MALFORMED;
            if (++hops > GX_DNS_POINTER_HOPS_MAX)
                return GX_E_MALFORMED;
            if (!jumped) {
                resume = cur->pos;
                jumped = true;
            }
            if (!gx_dns_reader_seek(cur, target))
                return GX_E_MALFORMED;
            run_start = target;
            break;
        }
        case NAME_LABEL_KIND_LABEL:
            /* This label, its length octet and the root label to come must fit in 255, counted
             * as we go so that pointers cannot build a longer name (W15). */
            if (n + 1 + b + 1 > GX_DNS_NAME_WIRE_MAX)
                return GX_E_MALFORMED;
            out[n] = b;
            if (!gx_dns_reader_bytes(cur, out + n + 1, b))
                return GX_E_MALFORMED;
            n += 1 + (size_t)b;
            break;
        default:
            /* Label types 01 (extended labels, deprecated by RFC 6891 5) and 10 (reserved):
             * nothing we can read (W12). */
            return GX_E_MALFORMED;
        }
    }
    out[n++] = 0;
    *end = jumped ? resume : cur->pos;
    return (int)n;
}

int gx_dns_reader_name(struct gx_dns_reader *r, uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    struct gx_dns_reader cur = *r;
    size_t end;
    int n = name_decompress(&cur, &end, out);
    r->work = cur.work; /* a refused name cost work too */
    if (n >= 0)
        r->pos = end;
    return n;
}

bool gx_dns_reader_skip_name(struct gx_dns_reader *r)
{
    size_t start = r->pos;
    for (;;) {
        uint8_t b;
        if (!gx_dns_reader_u8(r, &b))
            break;
        if (b == 0)
            return true;
        if ((b & NAME_LABEL_KIND_MASK) == NAME_LABEL_KIND_POINTER) {
            if (gx_dns_reader_skip(r, 1))
                return true;
            break;
        }
        if ((b & NAME_LABEL_KIND_MASK) != NAME_LABEL_KIND_LABEL || !gx_dns_reader_skip(r, b))
            break;
    }
    r->pos = start;
    return false;
}

int gx_dns_name_read(const uint8_t *msg, size_t len, size_t *pos, uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    struct gx_dns_reader r;
    gx_dns_reader_init(&r, msg, len);
    if (!gx_dns_reader_seek(&r, *pos))
        return GX_E_MALFORMED;
    int n = gx_dns_reader_name(&r, out);
    if (n >= 0)
        *pos = r.pos;
    return n;
}

/* ---- reverse names ------------------------------------------------------------------------ */

static size_t label_put(uint8_t *out, size_t n, const char *text, size_t len)
{
    out[n] = (uint8_t)len;
    memcpy(out + n + 1, text, len);
    return n + 1 + len;
}

/* RFC 1035 3.5: in-addr.arpa with the octets in reverse order, as decimal labels. */
static int reverse_name4(const uint8_t b[4], uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    size_t n = 0;
    for (size_t i = 4; i-- > 0;) {
        char digits[3];
        size_t d = 0;
        unsigned v = b[i];
        if (v >= 100)
            digits[d++] = (char)('0' + v / 100);
        if (v >= 10)
            digits[d++] = (char)('0' + v / 10 % 10);
        digits[d++] = (char)('0' + v % 10);
        n = label_put(out, n, digits, d);
    }
    n = label_put(out, n, "in-addr", 7);
    n = label_put(out, n, "arpa", 4);
    out[n++] = 0;
    return (int)n;
}

/* RFC 3596 2.5: ip6.arpa with the 32 nibbles in reverse order, one hex digit per label. */
static int reverse_name6(const uint8_t b[16], uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (size_t i = 16; i-- > 0;) {
        n = label_put(out, n, &hex[b[i] & 0x0f], 1);
        n = label_put(out, n, &hex[b[i] >> 4], 1);
    }
    n = label_put(out, n, "ip6", 3);
    n = label_put(out, n, "arpa", 4);
    out[n++] = 0;
    return (int)n;
}

int gx_dns_reverse_name(const struct gx_addr *a, uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    if (a->family == AF_INET)
        return reverse_name4(a->bytes, out);
    if (a->family != AF_INET6)
        return GX_E_FAMILY;
    if (gx_bytes6_is_v4mapped(a->bytes))
        return reverse_name4(a->bytes + 12, out);
    return reverse_name6(a->bytes, out);
}
