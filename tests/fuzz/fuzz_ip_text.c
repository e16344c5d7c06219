/*
 * Differential fuzzing of IP address text against the system C library: for any input, gaix's
 * parsers accept exactly what inet_pton()/inet_aton() accept (read whole) with the same bytes, and
 * gaix's printers write exactly what inet_ntop() writes. Any disagreement aborts.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ip_text.h"
#include "core/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const char *s)
{
    fprintf(stderr, "mismatch in %s for \"%s\"\n", what, s);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 || memchr(data, '\0', size))
        return 0;
    char s[257];
    memcpy(s, data, size);
    s[size] = '\0';

    uint8_t ours[16], libc[16];
    int want = inet_pton(AF_INET, s, libc) == 1;
    int got = gx_ip4_parse_strict(s, size, ours) == GX_OK;
    if (want != got || (got && memcmp(ours, libc, 4) != 0))
        fuzz_fail("ip4 strict", s);

    struct in_addr ia;
    want = inet_aton(s, &ia) == 1 && strpbrk(s, " \t\n\v\f\r") == NULL;
    got = gx_ip4_parse_aton(s, size, ours) == GX_OK;
    if (want != got || (got && memcmp(ours, &ia, 4) != 0))
        fuzz_fail("ip4 aton", s);

    want = inet_pton(AF_INET6, s, libc) == 1;
    got = gx_ip6_parse(s, size, ours) == GX_OK;
    if (want != got || (got && memcmp(ours, libc, 16) != 0))
        fuzz_fail("ip6", s);

    /* Printing: any 16 bytes of input, as an IPv6 and an IPv4 address. */
    if (size >= 16) {
        char a[INET6_ADDRSTRLEN], b[GX_IP6_TEXT_MAX];
        inet_ntop(AF_INET6, data, a, sizeof a);
        gx_ip6_format(data, b);
        if (strcmp(a, b) != 0)
            fuzz_fail("ip6 format", a);
        char c[INET_ADDRSTRLEN], d[GX_IP4_TEXT_MAX];
        inet_ntop(AF_INET, data, c, sizeof c);
        gx_ip4_format(data, d);
        if (strcmp(c, d) != 0)
            fuzz_fail("ip4 format", c);
    }
    return 0;
}
