/*
 * IP addresses as text, both ways, over (ptr, len): no NUL needed, nothing read past len.
 * The accepted forms are exactly the system C library's (inet_pton, inet_aton, inet_ntop), which
 * the fuzz target fuzz_ip_text checks against the libc on every input.
 */
#ifndef GX_IP_TEXT_H
#define GX_IP_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* inet_pton(AF_INET): exactly four decimal parts of 0-255, no leading zero ("01" is refused). */
int gx_ip4_parse_strict(const char *p, size_t len, uint8_t out[4]);
/* The same for a C string (s[len] is its NUL, or any non-digit the caller guarantees readable):
 * no copy. */
int gx_ip4_parse_strict_z(const char *s, size_t len, uint8_t out[4]);

/*
 * inet_aton() forms, consumed whole (glibc's __inet_aton_exact): one to four parts, each decimal,
 * octal (leading 0) or hex (0x); the last part fills the bytes the others left: "127.1",
 * "0x7f.1", "017700000001", "4294967295". Trailing bytes of any kind are refused (D3).
 */
int gx_ip4_parse_aton(const char *p, size_t len, uint8_t out[4]);

/* inet_pton(AF_INET6), without a scope suffix. */
int gx_ip6_parse(const char *p, size_t len, uint8_t out[16]);

/* Longest text of each form, with its NUL. */
#define GX_IP4_TEXT_MAX 16
#define GX_IP6_TEXT_MAX 46

/* inet_ntop() forms. Return the length written (without the NUL, which is written). */
size_t gx_ip4_format(const uint8_t a[4], char out[GX_IP4_TEXT_MAX]);
size_t gx_ip6_format(const uint8_t a[16], char out[GX_IP6_TEXT_MAX]);

#endif
