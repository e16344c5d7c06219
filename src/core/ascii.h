/*
 * Locale-independent character classes for protocol and configuration data. <ctype.h> depends on
 * the locale and takes int; these take the byte and always mean ASCII.
 */
#ifndef GX_ASCII_H
#define GX_ASCII_H

#include <stdbool.h>
#include <stddef.h>

static inline bool gx_ascii_isdigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static inline bool gx_ascii_isxdigit(unsigned char c)
{
    return gx_ascii_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The value of a hex digit; call only when gx_ascii_isxdigit(c). */
static inline unsigned gx_ascii_xvalue(unsigned char c)
{
    if (c <= '9')
        return (unsigned)(c - '0');
    return (unsigned)((c | 0x20) - 'a' + 10);
}

/* isspace() in the C locale: space, \t, \n, \v, \f, \r. */
static inline bool gx_ascii_isspace(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline unsigned char gx_ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* Case-insensitive (ASCII only) equality of two byte strings. */
static inline bool gx_ascii_caseeq(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (gx_ascii_lower((unsigned char)a[i]) != gx_ascii_lower((unsigned char)b[i]))
            return false;
    return true;
}

#endif
