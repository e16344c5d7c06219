/*
 * Fuzz target for the DNS name codec (TEST-VECTORS Z3). The input is used four ways:
 * - as text: text->wire is compared with a model of the rules written here (labels 1..63, total
 *   <= 255 octets, bytes 0x21..0x7e but '\', one final dot allowed), then wire->text must give the
 *   text back exactly when the model says it is a host name (glibc res_hnok), and refuse otherwise;
 * - split in two as a search-list join, which must equal text->wire of "name.suffix";
 * - as a wire name (the first 255 bytes): wire->text, compared with the same host-name model and
 *   with text->wire back;
 * - as a message: names read at a few offsets are compared with a reference decompressor written
 *   here, independently, from the rules of P3.
 * Any difference aborts, so the fuzzer reports it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/status.h"
#include "dns/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* ---- models --------------------------------------------------------------------------------- */

static bool model_hostname_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* text->wire as the contract states it, label by label, each label's bytes judged before its
 * length: returns the wire length or a status. */
static int model_from_text(const char *t, size_t len, uint8_t *out)
{
    if (len > 1 && t[len - 1] == '.')
        len--;
    if (len == 0)
        return GX_E_MALFORMED;
    size_t n = 0, start = 0;
    while (start <= len) {
        const char *dot = memchr(t + start, '.', len - start);
        size_t end = dot ? (size_t)(dot - t) : len;
        for (size_t i = start; i < end; i++) {
            unsigned char c = (unsigned char)t[i];
            if (c < 0x21 || c > 0x7e || c == '\\')
                return GX_E_MALFORMED;
        }
        size_t label = end - start;
        if (label == 0)
            return GX_E_MALFORMED;
        if (label > 63 || n + label + 2 > GX_DNS_NAME_WIRE_MAX)
            return GX_E_LIMIT;
        out[n] = (uint8_t)label;
        memcpy(out + n + 1, t + start, label);
        n += label + 1;
        start = end + 1;
    }
    out[n++] = 0;
    return (int)n;
}

/* glibc res_hnok over text (no final dot). */
static bool model_hnok_text(const char *t, size_t len)
{
    if (len == 0 || t[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++)
        if (t[i] != '.' && !model_hostname_byte((unsigned char)t[i]))
            return false;
    return true;
}

/* The decompressor of P3, written independently: returns the length or -1. */
static int model_read(const uint8_t *msg, size_t len, size_t pos, size_t *end, uint8_t *out)
{
    size_t run = pos, n = 0;
    int hops = 0;
    bool jumped = false;
    for (;;) {
        if (pos >= len)
            return -1;
        uint8_t b = msg[pos];
        if (b >= 0xC0) {
            if (pos + 1 >= len)
                return -1;
            size_t target = (size_t)(b & 0x3F) * 256 + msg[pos + 1];
            if (target < 12 || target >= run || ++hops > GX_DNS_POINTER_HOPS_MAX)
                return -1;
            if (!jumped)
                *end = pos + 2;
            jumped = true;
            pos = run = target;
        } else if (b >= 0x40) {
            return -1;
        } else if (b == 0) {
            out[n++] = 0;
            if (!jumped)
                *end = pos + 1;
            return (int)n;
        } else {
            if (pos + 1 + b > len || n + b + 2 > GX_DNS_NAME_WIRE_MAX)
                return -1;
            memcpy(out + n, msg + pos, (size_t)b + 1);
            n += (size_t)b + 1;
            pos += (size_t)b + 1;
        }
    }
}

/* ---- the four uses -------------------------------------------------------------------------- */

static void text_use(const char *text, size_t size)
{
    uint8_t w[GX_DNS_NAME_WIRE_MAX], mw[600];
    int n = gx_dns_name_from_text(text, size, w);
    int mn = model_from_text(text, size, mw);
    FUZZ_ASSERT(n == mn);
    if (n < 0)
        return;
    FUZZ_ASSERT(memcmp(w, mw, (size_t)n) == 0 && gx_dns_name_length(w) == n && n >= 2);
    char t[GX_DNS_NAME_WIRE_MAX];
    int tl = gx_dns_name_to_text(w, t);
    size_t stripped = (size > 1 && text[size - 1] == '.') ? size - 1 : size;
    FUZZ_ASSERT((tl >= 0) == model_hnok_text(text, stripped));
    if (tl >= 0)
        FUZZ_ASSERT((size_t)tl == stripped && memcmp(t, text, stripped) == 0 && t[tl] == '\0');
}

static void join_use(const char *text, size_t size)
{
    if (size == 0)
        return;
    size_t split = (unsigned char)text[0] % size;
    const char *name = text + 1, *suffix = text + 1 + split;
    size_t nlen = split, slen = size - 1 - split;
    uint8_t w[GX_DNS_NAME_WIRE_MAX], want[GX_DNS_NAME_WIRE_MAX];
    int n = gx_dns_name_join(name, nlen, suffix, slen, w);

    /* The join is text->wire of "name.suffix", or of "name." when the suffix is the root. */
    static char cat[1 << 17];
    if (nlen + slen + 2 > sizeof cat)
        return; /* too big to model: no crash is the test */
    bool root = slen == 0 || (slen == 1 && suffix[0] == '.');
    size_t clen = 0;
    memcpy(cat, name, nlen);
    clen = nlen;
    cat[clen++] = '.';
    if (!root) {
        memcpy(cat + clen, suffix, slen);
        clen += slen;
    }
    int expect = gx_dns_name_from_text(cat, clen, want);
    FUZZ_ASSERT(n == expect);
    if (n > 0)
        FUZZ_ASSERT(memcmp(w, want, (size_t)n) == 0);
}

static void wire_use(const uint8_t *data, size_t size)
{
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    memset(w, 0, sizeof w);
    memcpy(w, data, size < sizeof w ? size : sizeof w);
    int wl = gx_dns_name_length(w);
    char t[GX_DNS_NAME_WIRE_MAX];
    int tl = gx_dns_name_to_text(w, t);
    FUZZ_ASSERT(wl >= 0 || tl < 0);
    if (wl < 0)
        return;
    FUZZ_ASSERT(gx_dns_name_equal(w, w));
    /* The same name in upper case is equal; changing a length octet's high bits is not. */
    uint8_t up[GX_DNS_NAME_WIRE_MAX];
    memcpy(up, w, (size_t)wl);
    for (int i = 0; i < wl; i++)
        if (up[i] >= 'a' && up[i] <= 'z')
            up[i] = (uint8_t)(up[i] - 32);
    FUZZ_ASSERT(gx_dns_name_equal(w, up));
    if (wl == 1) {
        FUZZ_ASSERT(tl == 1 && strcmp(t, ".") == 0);
        return;
    }
    /* Model: every label of host-name bytes, the first not starting with '-'. */
    bool ok = w[1] != '-';
    for (int i = 0; w[i] != 0; i += 1 + w[i])
        for (int k = 1; k <= w[i]; k++)
            ok = ok && model_hostname_byte(w[i + k]);
    FUZZ_ASSERT((tl >= 0) == ok);
    if (tl < 0)
        return;
    FUZZ_ASSERT(tl == wl - 2 && strlen(t) == (size_t)tl);
    uint8_t back[GX_DNS_NAME_WIRE_MAX];
    FUZZ_ASSERT(gx_dns_name_from_text(t, (size_t)tl, back) == wl);
    FUZZ_ASSERT(memcmp(back, w, (size_t)wl) == 0);
}

static void message_use(const uint8_t *data, size_t size)
{
    size_t starts[4] = {12, size > 0 ? data[0] : 0, size > 2 ? (size_t)data[1] << 8 | data[2] : 0,
                        size > 2 ? size - 2 : 0};
    for (size_t i = 0; i < 4; i++) {
        uint8_t out[GX_DNS_NAME_WIRE_MAX], mout[GX_DNS_NAME_WIRE_MAX];
        size_t pos = starts[i], mend = 0;
        int n = gx_dns_name_read(data, size, &pos, out);
        int mn = starts[i] > size ? -1 : model_read(data, size, starts[i], &mend, mout);
        FUZZ_ASSERT((n >= 0) == (mn >= 0));
        if (n < 0) {
            FUZZ_ASSERT(n == GX_E_MALFORMED && pos == starts[i]);
            continue;
        }
        FUZZ_ASSERT(n == mn && memcmp(out, mout, (size_t)n) == 0 && pos == mend);
        FUZZ_ASSERT(pos > starts[i] && pos <= size && gx_dns_name_length(out) == n);
    }
}

static void reverse_use(const uint8_t *data, size_t size)
{
    if (size < 17)
        return;
    struct gx_addr a;
    if (data[16] & 1)
        gx_addr_set4(&a, data);
    else
        gx_addr_set6(&a, data, 0);
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    char t[GX_DNS_NAME_WIRE_MAX];
    int n = gx_dns_reverse_name(&a, w);
    FUZZ_ASSERT(n > 0 && gx_dns_name_length(w) == n);
    int tl = gx_dns_name_to_text(w, t);
    FUZZ_ASSERT(tl == n - 2);
    const char *tail =
        (a.family == AF_INET || gx_bytes6_is_v4mapped(a.bytes)) ? ".in-addr.arpa" : ".ip6.arpa";
    size_t tail_len = strlen(tail);
    FUZZ_ASSERT((size_t)tl > tail_len && strcmp(t + tl - tail_len, tail) == 0);
    if (tail_len == 9)
        FUZZ_ASSERT(tl == 72);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    text_use((const char *)data, size);
    join_use((const char *)data, size);
    wire_use(data, size);
    message_use(data, size);
    reverse_use(data, size);
    return 0;
}
