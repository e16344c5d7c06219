/*
 * String writers for the output formats; see quote.h. All of them walk the string once, decoding
 * UTF-8 strictly (no overlong forms, no surrogates, nothing above U+10FFFF), and write each code
 * point or each undecodable byte in the target language's own notation.
 */
#include "quote.h"

#include <stdint.h>
#include <string.h>

/*
 * Decodes one UTF-8 sequence at p[0..len). Returns its length (1 to 4) with the code point in
 * *cp, or 0 when p[0] does not start a valid sequence. Strict as CPython's decoder: overlong
 * forms, UTF-16 surrogates and values above U+10FFFF are invalid.
 */
static size_t utf8_decode(const unsigned char *p, size_t len, uint32_t *cp)
{
    unsigned char b0 = p[0];
    size_t need;
    uint32_t v, min;
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
        need = 2, v = b0 & 0x1fu, min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        need = 3, v = b0 & 0x0fu, min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        need = 4, v = b0 & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (len < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return need;
}

/*
 * The assigned code points above U+007F that Python's str.isprintable() rejects (categories Cc,
 * Cf, Zs, Zl, Zp, Co; Cs cannot come out of strict UTF-8), from Python 3.11's Unicode 14.0
 * database. Unassigned code points (Cn) are non-printable for Python too; telling them apart
 * would need the whole database, so they are written as they are: the one place where this
 * repr() may differ from CPython's.
 */
static const struct {
    uint32_t first, last;
} python_unprintable[] = {
    {0x80, 0xa0},       {0xad, 0xad},       {0x600, 0x605},       {0x61c, 0x61c},
    {0x6dd, 0x6dd},     {0x70f, 0x70f},     {0x890, 0x891},       {0x8e2, 0x8e2},
    {0x1680, 0x1680},   {0x180e, 0x180e},   {0x2000, 0x200f},     {0x2028, 0x202f},
    {0x205f, 0x2064},   {0x2066, 0x206f},   {0x3000, 0x3000},     {0xe000, 0xf8ff},
    {0xfeff, 0xfeff},   {0xfff9, 0xfffb},   {0x110bd, 0x110bd},   {0x110cd, 0x110cd},
    {0x13430, 0x13438}, {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a},   {0xe0001, 0xe0001},
    {0xe0020, 0xe007f}, {0xf0000, 0xffffd}, {0x100000, 0x10fffd},
};

static int python_printable(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 0x20 && cp < 0x7f;
    for (size_t i = 0; i < sizeof python_unprintable / sizeof python_unprintable[0]; i++)
        if (cp >= python_unprintable[i].first && cp <= python_unprintable[i].last)
            return 0;
    return 1;
}

/* repr() picks double quotes only when the text holds a single quote and no double quote. */
static char python_quote_char(const unsigned char *p, size_t len)
{
    int single = memchr(p, '\'', len) != NULL;
    int dbl = memchr(p, '"', len) != NULL;
    return single && !dbl ? '"' : '\'';
}

/* The escapes str and bytes repr() share: the quote, backslash, \t \n \r. */
static int python_simple_escape(FILE *out, uint32_t c, char quote)
{
    switch (c) {
    case '\\':
        fputs("\\\\", out);
        return 1;
    case '\t':
        fputs("\\t", out);
        return 1;
    case '\n':
        fputs("\\n", out);
        return 1;
    case '\r':
        fputs("\\r", out);
        return 1;
    default:
        if (c == (unsigned char)quote) {
            fputc('\\', out);
            fputc(quote, out);
            return 1;
        }
        return 0;
    }
}

void cli_quote_python_str(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    char quote = python_quote_char(p, len);
    fputc(quote, out);
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            /* surrogateescape: the byte 0xXY becomes the lone surrogate U+DCXY. */
            fprintf(out, "\\udc%02x", p[i]);
            i++;
            continue;
        }
        if (!python_simple_escape(out, cp, quote)) {
            if (python_printable(cp))
                fwrite(p + i, 1, n, out);
            else if (cp <= 0xff)
                fprintf(out, "\\x%02x", (unsigned)cp);
            else if (cp <= 0xffff)
                fprintf(out, "\\u%04x", (unsigned)cp);
            else
                fprintf(out, "\\U%08x", (unsigned)cp);
        }
        i += n;
    }
    fputc(quote, out);
}

void cli_quote_python_bytes(FILE *out, const unsigned char *p, size_t len)
{
    char quote = python_quote_char(p, len);
    fputc('b', out);
    fputc(quote, out);
    for (size_t i = 0; i < len; i++) {
        if (python_simple_escape(out, p[i], quote))
            continue;
        if (p[i] >= 0x20 && p[i] < 0x7f)
            fputc(p[i], out);
        else
            fprintf(out, "\\x%02x", p[i]);
    }
    fputc(quote, out);
}

void cli_quote_json(FILE *out, const char *s)
{
    if (s == NULL) {
        fputs("null", out);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    fputc('"', out);
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            fputs("\\ufffd", out);
            i++;
            continue;
        }
        switch (cp) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (cp < 0x20)
                fprintf(out, "\\u%04x", (unsigned)cp);
            else
                fwrite(p + i, 1, n, out);
        }
        i += n;
    }
    fputc('"', out);
}

/* Writes s for the terminal when out is not NULL; returns the columns it takes, counting a code
 * point as one column (escapes count each of their characters). */
static size_t quote_terminal(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t i = 0, columns = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
            /* A C1 control is two bytes in UTF-8; show both, as they are in the data. */
            size_t bad = n == 0 ? 1 : n;
            for (size_t k = 0; k < bad; k++)
                if (out)
                    fprintf(out, "\\x%02x", p[i + k]);
            columns += 4 * bad;
            i += bad;
            continue;
        }
        if (cp == '\\') {
            if (out)
                fputs("\\\\", out);
            columns += 2;
        } else {
            if (out)
                fwrite(p + i, 1, n, out);
            columns++;
        }
        i += n;
    }
    return columns;
}

void cli_quote_terminal(FILE *out, const char *s)
{
    (void)quote_terminal(out, s);
}

size_t cli_quote_terminal_width(const char *s)
{
    return quote_terminal(NULL, s);
}
