/* IP address text: every form is checked against the system C library, which is the reference. */
#include <arpa/inet.h>
#include <string.h>

#include "check.h"
#include "core/ip_text.h"
#include "core/status.h"

static const char *const v4_inputs[] = {
    "127.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
    "1.02.3.4", "0", "00", "127.1", "0x7f.1", "0X7F.0.0.1", "017700000001", "4294967295",
    "4294967296", "0x7f000001", "0x", "0x.1", "08", "09.1.1.1", "1.2.3.4 x", " 1.2.3.4",
    "1.2.3.4 ", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4.", "0xffffffff", "0x100000000",
    "0377.0377.0377.0377", "0400.1.1.1", "1.0xff.1", "1.0x100.1", "1.65535", "1.65536",
    "1.2.65535", "1.2.65536", "1.16777215", "1.16777216", "+1.2.3.4", "-1", "1.2.3.-4", "",
    "99999999999999999999", "0x0000000000000000000001", "00000000000000000001", "1e2",
    "192.0.2.1\tX", "192.0.2.1\nZ", "۱.۲.۳.۴",
};

static const char *const v6_inputs[] = {
    "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::9", "1:2:3:4:5:6::8", ":::", "::1::", "1:::2", ":1::", "1::2:", "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9", "12345::", "fffff::", "ffff::", "FFFF::", "::ffff:1.2.3.4",
    "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3", "::ffff:01.2.3.4",
    "::ffff:1.2.3.4.5", "::1a.2.3.4", "::g", "2001:db8::1", "fe80::1", "fe80::1%lo", "", ":",
    "1", "1.2.3.4", "::ffff:256.1.1.1", "0:0:0:0:0:0:0:0", "0000:0000::", "00000::",
    "1::2::3", "::ffff:1.2.3.4:5", "a:b:c:d:e:f:1.2.3.4", "::0.0.0.0", " ::1", "::1 ",
};

TEST(ip4_strict_matches_inet_pton)
{
    for (size_t i = 0; i < sizeof v4_inputs / sizeof v4_inputs[0]; i++) {
        const char *s = v4_inputs[i];
        uint8_t ours[4], libc[4];
        int want = inet_pton(AF_INET, s, libc) == 1;
        int got = gx_ip4_parse_strict(s, strlen(s), ours) == GX_OK;
        if (got != want)
            CHECK_FAIL_AT(__FILE__, __LINE__, "strict \"%s\": gaix %d libc %d", s, got, want);
        else if (got)
            CHECK_EQ_MEM(ours, libc, 4);
    }
}

TEST(ip4_aton_matches_inet_aton_exact)
{
    for (size_t i = 0; i < sizeof v4_inputs / sizeof v4_inputs[0]; i++) {
        const char *s = v4_inputs[i];
        uint8_t ours[4];
        struct in_addr libc;
        /* inet_aton() accepts trailing white space and anything after it; the exact form the
         * resolver uses does not. Compare only inputs inet_aton reads whole. */
        int want = inet_aton(s, &libc) == 1 && strpbrk(s, " \t\n\v\f\r") == NULL;
        int got = gx_ip4_parse_aton(s, strlen(s), ours) == GX_OK;
        if (got != want)
            CHECK_FAIL_AT(__FILE__, __LINE__, "aton \"%s\": gaix %d libc %d", s, got, want);
        else if (got)
            CHECK_EQ_MEM(ours, &libc, 4);
    }
}

TEST(ip4_aton_forms_D3)
{
    uint8_t a[4];
    CHECK_EQ_INT(gx_ip4_parse_aton("127.1", 5, a), GX_OK);
    CHECK(a[0] == 127 && a[1] == 0 && a[2] == 0 && a[3] == 1);
    CHECK_EQ_INT(gx_ip4_parse_aton("0x7f.1", 6, a), GX_OK);
    CHECK(a[0] == 127 && a[3] == 1);
    CHECK_EQ_INT(gx_ip4_parse_aton("017700000001", 12, a), GX_OK);
    CHECK(a[0] == 127 && a[3] == 1);
    CHECK_EQ_INT(gx_ip4_parse_aton("4294967295", 10, a), GX_OK);
    CHECK(a[0] == 255 && a[3] == 255);
    CHECK_EQ_INT(gx_ip4_parse_aton("1.2.3.4 x", 9, a), GX_E_MALFORMED);
    CHECK_EQ_INT(gx_ip4_parse_aton("192.0.2.", 8, a), GX_E_MALFORMED);
}

TEST(ip6_matches_inet_pton)
{
    for (size_t i = 0; i < sizeof v6_inputs / sizeof v6_inputs[0]; i++) {
        const char *s = v6_inputs[i];
        uint8_t ours[16], libc[16];
        int want = inet_pton(AF_INET6, s, libc) == 1;
        int got = gx_ip6_parse(s, strlen(s), ours) == GX_OK;
        if (got != want)
            CHECK_FAIL_AT(__FILE__, __LINE__, "ip6 \"%s\": gaix %d libc %d", s, got, want);
        else if (got)
            CHECK_EQ_MEM(ours, libc, 16);
    }
}

TEST(parsers_never_read_past_len)
{
    /* Each input sits right before an inaccessible page: any over-read faults. */
    const char *inputs[] = {"1", "1.", "1.2.3.4", "0x", "0x7f", "::", "::ffff:1.2.3.4", "1:2",
                            "fe80::1", "ffff", "0"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        size_t len = strlen(inputs[i]);
        char *g = check_guarded_copy(inputs[i], len);
        uint8_t out[16];
        (void)gx_ip4_parse_strict(g, len, out);
        (void)gx_ip4_parse_aton(g, len, out);
        (void)gx_ip6_parse(g, len, out);
        check_guarded_free(g, len);
    }
}

TEST(length_bounds_the_input_not_nul)
{
    uint8_t a[4], b[16];
    CHECK_EQ_INT(gx_ip4_parse_strict("1.2.3.45", 7, a), GX_OK);
    CHECK_EQ_INT(a[3], 4);
    CHECK_EQ_INT(gx_ip6_parse("::1%lo", 3, b), GX_OK);
    CHECK_EQ_INT(b[15], 1);
}

TEST(format_matches_inet_ntop)
{
    static const char *const addrs[] = {
        "::", "::1", "1::", "::ffff:1.2.3.4", "::1.2.3.4", "::0.0.1.2", "1:0:0:1:0:0:0:1",
        "1:0:0:0:1:0:0:1", "0:0:1::", "1:2:3:4:5:6:7:8", "1:0:2:3:4:5:6:7", "fe80::1",
        "2001:db8::ff00:42:8329", "0:0:0:0:0:ffff:0:1", "::ffff:0:1.2.3.4", "ffff::ffff:1.2.3.4",
        "0:0:0:0:1:ffff:1.2.3.4", "64:ff9b::1.2.3.4",
    };
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        uint8_t a[16];
        REQUIRE(inet_pton(AF_INET6, addrs[i], a) == 1);
        char libc[INET6_ADDRSTRLEN], ours[GX_IP6_TEXT_MAX];
        inet_ntop(AF_INET6, a, libc, sizeof libc);
        size_t n = gx_ip6_format(a, ours);
        CHECK_EQ_STR(ours, libc);
        CHECK_EQ_INT(n, strlen(libc));
    }
    uint8_t v4[4] = {192, 0, 2, 255};
    char t[GX_IP4_TEXT_MAX];
    CHECK_EQ_INT(gx_ip4_format(v4, t), 11);
    CHECK_EQ_STR(t, "192.0.2.255");
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(ip4_strict_matches_inet_pton),
                                 CHECK_ENTRY(ip4_aton_matches_inet_aton_exact),
                                 CHECK_ENTRY(ip4_aton_forms_D3), CHECK_ENTRY(ip6_matches_inet_pton),
                                 CHECK_ENTRY(parsers_never_read_past_len),
                                 CHECK_ENTRY(length_bounds_the_input_not_nul),
                                 CHECK_ENTRY(format_matches_inet_ntop)));
}
