/*
 * Destination address ordering (lookup/sort.c): RFC 6724 section 10.2's worked examples, the
 * examples of sections 10.3 and 10.4 through gai.conf, each rule on its own, the places where
 * glibc's reading differs from the RFC's, Rule 10 stability, and the permutation property (F29).
 *
 * Each destination is built by hand as the kernel would describe it: the source address it
 * picked (the one the RFC example names in "(src ...)"), that source's prefix length, flags and
 * interface. A NULL source means "unusable" (no route).
 */
#include "check.h"

#include <stdint.h>

#include "config/policy.h"
#include "core/ip_text.h"
#include "core/status.h"
#include "lookup/sort.h"

/* Under AddressSanitizer, a failed huge malloc() must return NULL (huge_list_fails_cleanly). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static struct gx_addr addr_text(const char *text)
{
    struct gx_addr a;
    uint8_t b[16];
    if (gx_ip4_parse_strict(text, strlen(text), b) == GX_OK) {
        gx_addr_set4(&a, b);
    } else if (gx_ip6_parse(text, strlen(text), b) == GX_OK) {
        gx_addr_set6(&a, b, 0);
    } else {
        fprintf(stderr, "bad address in test: %s\n", text);
        abort();
    }
    return a;
}

static void addr_format(const struct gx_addr *a, char out[GX_IP6_TEXT_MAX])
{
    if (a->family == AF_INET)
        gx_ip4_format(a->bytes, out);
    else
        gx_ip6_format(a->bytes, out);
}

struct dest {
    const char *dst;
    const char *src;   /* NULL: unusable */
    uint8_t prefixlen; /* of the source's interface address; 0 unknown */
    uint8_t flags;     /* GX_SRC_* */
    uint32_t ifindex;  /* of the source */
    int8_t native;     /* Rule 7 */
};

#define MAX_DESTS 8

/* Field by field: struct padding need not survive a copy. */
static bool info_equal(const struct gx_dest_info *x, const struct gx_dest_info *y)
{
    return x->usable == y->usable && gx_addr_equal(&x->source, &y->source) &&
           x->source_prefixlen == y->source_prefixlen && x->source_flags == y->source_flags &&
           x->source_ifindex == y->source_ifindex && x->native == y->native;
}

static void build(const struct dest *d, size_t n, struct gx_addr *addrs, struct gx_dest_info *info)
{
    for (size_t i = 0; i < n; i++) {
        addrs[i] = addr_text(d[i].dst);
        memset(&info[i], 0, sizeof info[i]);
        info[i].usable = d[i].src != NULL;
        if (d[i].src != NULL)
            info[i].source = addr_text(d[i].src);
        info[i].source_prefixlen = d[i].prefixlen;
        info[i].source_flags = d[i].flags;
        info[i].source_ifindex = d[i].ifindex;
        info[i].native = d[i].native;
    }
}

/* Sorts d[0..n) with p and compares with want[]; reports both orders on a mismatch. */
static bool order_is(const struct gx_policy *p, const struct dest *d, size_t n,
                     const char *const *want, const char *file, int line)
{
    struct gx_addr addrs[MAX_DESTS];
    struct gx_dest_info info[MAX_DESTS];
    if (n > MAX_DESTS)
        abort();
    build(d, n, addrs, info);
    int rc = gx_sort(addrs, info, n, p);
    bool ok = rc == GX_OK;
    for (size_t i = 0; i < n && ok; i++) {
        struct gx_addr w = addr_text(want[i]);
        ok = gx_addr_equal(&addrs[i], &w);
    }
    if (!ok) {
        fprintf(stderr, "%s:%d: base %d: got", file, line, (int)p->base);
        for (size_t i = 0; i < n; i++) {
            char t[GX_IP6_TEXT_MAX];
            addr_format(&addrs[i], t);
            fprintf(stderr, " %s", t);
        }
        fprintf(stderr, ", want");
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %s", want[i]);
        fprintf(stderr, " (status %d)\n", rc);
        check_failures++;
    }
    return ok;
}

#define CHECK_ORDER(policy, dests, ...)                                                            \
    do {                                                                                           \
        const char *const want_[] = {__VA_ARGS__};                                                 \
        size_t n_ = sizeof(dests) / sizeof((dests)[0]);                                            \
        if (n_ != sizeof want_ / sizeof want_[0])                                                  \
            abort();                                                                               \
        order_is(policy, dests, n_, want_, __FILE__, __LINE__);                                    \
    } while (0)

/* The input in both directions gives the same result, with both built-in policies: for the RFC's
 * examples, which a rule decides (not the input order), and on which the two readings agree. */
#define CHECK_EXAMPLE(dests, ...)                                                                  \
    do {                                                                                           \
        const char *const want_[] = {__VA_ARGS__};                                                 \
        enum { N_ = sizeof(dests) / sizeof((dests)[0]) };                                          \
        struct dest rev_[N_];                                                                      \
        for (size_t i_ = 0; i_ < N_; i_++)                                                         \
            rev_[i_] = (dests)[N_ - 1 - i_];                                                       \
        for (int b_ = 0; b_ < 2; b_++) {                                                           \
            const struct gx_policy *p_ =                                                           \
                gx_policy_builtin(b_ ? GAIX_POLICY_GLIBC : GAIX_POLICY_RFC6724);                   \
            order_is(p_, dests, N_, want_, __FILE__, __LINE__);                                    \
            order_is(p_, rev_, N_, want_, __FILE__, __LINE__);                                     \
        }                                                                                          \
    } while (0)

static const struct gx_policy *rfc(void)
{
    return gx_policy_builtin(GAIX_POLICY_RFC6724);
}

static const struct gx_policy *glibc(void)
{
    return gx_policy_builtin(GAIX_POLICY_GLIBC);
}

static const struct gx_policy *gaiconf(const char *text, enum gaix_policy base)
{
    const struct gx_policy *p = NULL;
    if (gx_policy_from_gaiconf(text, strlen(text), base, &p) != GX_OK)
        abort();
    return p;
}

/* ---- RFC 6724 section 10.2 ------------------------------------------------------------------ */

/* Sources 2001:db8:1::2, fe80::1, 169.254.13.78. */
TEST(rfc6724_10_2_ex1_prefer_matching_scope)
{
    const struct dest d[] = {{"2001:db8:1::1", "2001:db8:1::2", 64, 0, 1, 1},
                             {"198.51.100.121", "169.254.13.78", 16, 0, 1, 1}};
    CHECK_EXAMPLE(d, "2001:db8:1::1", "198.51.100.121");
}

/* Sources fe80::1, 198.51.100.117. */
TEST(rfc6724_10_2_ex2_prefer_matching_scope)
{
    const struct dest d[] = {{"2001:db8:1::1", "fe80::1", 64, 0, 1, 1},
                             {"198.51.100.121", "198.51.100.117", 24, 0, 1, 1}};
    CHECK_EXAMPLE(d, "198.51.100.121", "2001:db8:1::1");
}

/* Sources 2001:db8:1::2, fe80::1, 10.1.2.4. */
TEST(rfc6724_10_2_ex3_prefer_higher_precedence)
{
    const struct dest d[] = {{"2001:db8:1::1", "2001:db8:1::2", 64, 0, 1, 1},
                             {"10.1.2.3", "10.1.2.4", 24, 0, 1, 1}};
    CHECK_EXAMPLE(d, "2001:db8:1::1", "10.1.2.3");
}

/* Sources 2001:db8:1::2, fe80::2. */
TEST(rfc6724_10_2_ex4_prefer_smaller_scope)
{
    const struct dest d[] = {{"2001:db8:1::1", "2001:db8:1::2", 64, 0, 1, 1},
                             {"fe80::1", "fe80::2", 64, 0, 1, 1}};
    CHECK_EXAMPLE(d, "fe80::1", "2001:db8:1::1");
}

/* Sources 2001:db8:1::2 (care-of), 2001:db8:3::1 (home), fe80::2 (care-of). */
TEST(rfc6724_10_2_ex5_prefer_home_address)
{
    const struct dest d[] = {{"2001:db8:1::1", "2001:db8:3::1", 64, GX_SRC_HOME, 1, 1},
                             {"fe80::1", "fe80::2", 64, 0, 1, 1}};
    CHECK_EXAMPLE(d, "2001:db8:1::1", "fe80::1");
}

/* Sources 2001:db8:1::2, fe80::2 (deprecated). */
TEST(rfc6724_10_2_ex6_avoid_deprecated_addresses)
{
    const struct dest d[] = {{"2001:db8:1::1", "2001:db8:1::2", 64, 0, 1, 1},
                             {"fe80::1", "fe80::2", 64, GX_SRC_DEPRECATED, 1, 1}};
    CHECK_EXAMPLE(d, "2001:db8:1::1", "fe80::1");
}

/* Sources 2001:db8:1::2, 2001:db8:3f44::2, fe80::2. */
TEST(rfc6724_10_2_ex7_longest_matching_prefix)
{
    const struct dest d[] = {{"2001:db8:1::1", "2001:db8:1::2", 64, 0, 1, 1},
                             {"2001:db8:3ffe::1", "2001:db8:3f44::2", 64, 0, 1, 1}};
    CHECK_EXAMPLE(d, "2001:db8:1::1", "2001:db8:3ffe::1");
}

/* Sources 2002:c633:6401::2, fe80::2: both destinations use the 6to4 source. */
TEST(rfc6724_10_2_ex8_prefer_matching_label)
{
    const struct dest d[] = {{"2002:c633:6401::1", "2002:c633:6401::2", 48, 0, 1, 1},
                             {"2001:db8:1::1", "2002:c633:6401::2", 48, 0, 1, 1}};
    CHECK_EXAMPLE(d, "2002:c633:6401::1", "2001:db8:1::1");
}

/* Sources 2002:c633:6401::2, 2001:db8:1::2, fe80::2. */
TEST(rfc6724_10_2_ex9_prefer_higher_precedence)
{
    const struct dest d[] = {{"2002:c633:6401::1", "2002:c633:6401::2", 48, 0, 1, 1},
                             {"2001:db8:1::1", "2001:db8:1::2", 64, 0, 1, 1}};
    CHECK_EXAMPLE(d, "2001:db8:1::1", "2002:c633:6401::1");
}

/* ---- RFC 6724 sections 10.3 and 10.4, with their tables written as gai.conf ----------------- */

static const char rfc6724_prefer_ipv4[] =
    "precedence ::1/128 50\nprecedence ::/0 40\nprecedence ::ffff:0:0/96 100\n"
    "precedence 2002::/16 30\nprecedence 2001::/32 5\nprecedence fc00::/7 3\n"
    "precedence ::/96 1\nprecedence fec0::/10 1\nprecedence 3ffe::/16 1\n";

TEST(rfc6724_10_3_prefer_ipv4_by_gaiconf)
{
    const struct gx_policy *p = gaiconf(rfc6724_prefer_ipv4, GAIX_POLICY_RFC6724);
    const struct dest ex1[] = {{"2001:db8::1", "2001:db8::2", 64, 0, 1, 1},
                               {"198.51.100.121", "169.254.13.78", 16, 0, 1, 1}};
    const struct dest ex2[] = {{"2001:db8::1", "fe80::1", 64, 0, 1, 1},
                               {"198.51.100.121", "198.51.100.117", 24, 0, 1, 1}};
    const struct dest ex3[] = {{"2001:db8::1", "2001:db8::2", 64, 0, 1, 1},
                               {"10.1.2.3", "10.1.2.4", 24, 0, 1, 1}};
    CHECK_ORDER(p, ex1, "2001:db8::1", "198.51.100.121"); /* unchanged */
    CHECK_ORDER(p, ex2, "198.51.100.121", "2001:db8::1"); /* unchanged */
    CHECK_ORDER(p, ex3, "10.1.2.3", "2001:db8::1");       /* new: higher precedence */
    CHECK_ORDER(rfc(), ex3, "2001:db8::1", "10.1.2.3");   /* what the default table says */
    gx_policy_unref(p);
}

static const char rfc6724_prefer_global[] =
    "precedence ::1/128 50\nprecedence ::/0 40\nprecedence ::ffff:0:0/96 35\n"
    "precedence fe80::/10 33\nprecedence 2002::/16 30\nprecedence 2001::/32 5\n"
    "precedence fc00::/7 3\nprecedence ::/96 1\nprecedence fec0::/10 1\n"
    "precedence 3ffe::/16 1\n"
    "label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\nlabel fe80::/10 1\n"
    "label 2002::/16 2\nlabel 2001::/32 5\nlabel fc00::/7 13\nlabel ::/96 3\n"
    "label fec0::/10 11\nlabel 3ffe::/16 12\n";

TEST(rfc6724_10_4_prefer_global_over_link_local_by_gaiconf)
{
    const struct gx_policy *p = gaiconf(rfc6724_prefer_global, GAIX_POLICY_RFC6724);
    const struct dest ex1[] = {{"fe80::1", "fe80::2", 64, 0, 1, 1},
                               {"2001:db8::1", "2001:db8::2", 64, 0, 1, 1}};
    const struct dest ex2[] = {{"fe80::1", "fe80::2", 64, 0, 1, 1},
                               {"2001:db8::1", "2001:db8::2", 64, GX_SRC_DEPRECATED, 1, 1}};
    CHECK_ORDER(p, ex1, "2001:db8::1", "fe80::1"); /* new: higher precedence */
    CHECK_ORDER(p, ex2, "fe80::1", "2001:db8::1"); /* unchanged: avoid deprecated */
    CHECK_ORDER(rfc(), ex1, "fe80::1", "2001:db8::1");
    gx_policy_unref(p);
}

/* ---- where glibc's reading differs ---------------------------------------------------------- */

/* RFC 6724 ranks ULAs (3) below IPv4 (35); glibc's table gives ULAs ::/0's 40 and IPv4 10. */
TEST(bases_differ_ula_against_ipv4)
{
    const struct dest d[] = {{"fd00::1", "fd00::2", 64, 0, 1, 1},
                             {"192.0.2.1", "192.0.2.2", 24, 0, 1, 1}};
    CHECK_ORDER(rfc(), d, "192.0.2.1", "fd00::1");
    CHECK_ORDER(glibc(), d, "fd00::1", "192.0.2.1");
}

/* Teredo 2001::/32: precedence 5 in RFC 6724, 40 in glibc. */
TEST(bases_differ_teredo_against_ipv4)
{
    const struct dest d[] = {{"192.0.2.1", "192.0.2.2", 24, 0, 1, 1},
                             {"2001::1", "2001::2", 64, 0, 1, 1}};
    CHECK_ORDER(rfc(), d, "192.0.2.1", "2001::1");
    CHECK_ORDER(glibc(), d, "2001::1", "192.0.2.1");
}

/* Site-local fec0::/10: RFC 6724 precedence 1, so global first; glibc 40, then Rule 8 (scope 5
 * before 14) puts site-local first. */
TEST(bases_differ_site_local)
{
    const struct dest d[] = {{"2001:db8::1", "2001:db8::2", 64, 0, 1, 1},
                             {"fec0::1", "fec0::2", 64, 0, 1, 1}};
    CHECK_ORDER(rfc(), d, "2001:db8::1", "fec0::1");
    CHECK_ORDER(glibc(), d, "fec0::1", "2001:db8::1");
}

/* Rule 2 with IPv4-mapped addresses (AI_V4MAPPED): RFC 6724 scopes ::ffff:169.254.13.78 as
 * link-local, so the mapped destination does not match its source's scope and both fail Rule 2;
 * glibc scopes every mapped address global (14 == 14) and prefers the mapped destination. */
TEST(glibc_scopes_mapped_addresses_as_ipv6_rule2)
{
    const struct dest d[] = {{"2001:db8:1::1", "fe80::1", 64, 0, 1, 1},
                             {"::ffff:198.51.100.121", "::ffff:169.254.13.78", 16, 0, 1, 1}};
    CHECK_ORDER(rfc(), d, "2001:db8:1::1", "::ffff:198.51.100.121");
    CHECK_ORDER(glibc(), d, "::ffff:198.51.100.121", "2001:db8:1::1");
}

/* Rule 8 with IPv4-mapped addresses: RFC 6724 puts the mapped loopback (scope 2) first; for glibc
 * both are global and Rule 9 (127 common bits against 126) decides. */
TEST(glibc_scopes_mapped_addresses_as_ipv6_rule8)
{
    const struct dest d[] = {{"::ffff:198.51.100.2", "::ffff:198.51.100.3", 24, 0, 1, 1},
                             {"::ffff:127.0.0.1", "::ffff:127.0.0.2", 8, 0, 1, 1}};
    CHECK_ORDER(rfc(), d, "::ffff:127.0.0.1", "::ffff:198.51.100.2");
    CHECK_ORDER(glibc(), d, "::ffff:198.51.100.2", "::ffff:127.0.0.1");
}

/* glibc's IPv4 Rule 9 scores only destinations inside the source's subnet. Outside it (both
 * here, /24) they tie and keep their order; RFC 6724 counts 15 against 16 common bits. */
TEST(ipv4_rule9_outside_the_subnet)
{
    const struct dest d[] = {{"10.1.0.1", "10.0.0.5", 24, 0, 1, 1},
                             {"10.0.128.1", "10.0.0.5", 24, 0, 1, 1}};
    CHECK_ORDER(rfc(), d, "10.0.128.1", "10.1.0.1");
    CHECK_ORDER(glibc(), d, "10.1.0.1", "10.0.128.1");
}

/* Inside the subnet glibc counts all common bits (24 against 30); RFC 6724 caps both at the
 * prefix length (24 and 24) and keeps the order. */
TEST(ipv4_rule9_inside_the_subnet)
{
    const struct dest d[] = {{"10.0.0.200", "10.0.0.5", 24, 0, 1, 1},
                             {"10.0.0.6", "10.0.0.5", 24, 0, 1, 1}};
    CHECK_ORDER(rfc(), d, "10.0.0.200", "10.0.0.6");
    CHECK_ORDER(glibc(), d, "10.0.0.6", "10.0.0.200");
}

/* A prefix length of 0 (unknown; glibc has none at all on a host without IPv6): glibc's machine
 * code shifts by 32, which x86 reads as 0, so the netmask is all ones and only a destination equal
 * to its source is scored: the others tie and keep their order. RFC 6724 reads 0 as /32 and
 * prefers 16 common bits to 15. */
TEST(ipv4_rule9_unknown_prefix_length)
{
    const struct dest d[] = {{"10.1.0.1", "10.0.0.5", 0, 0, 1, 1},
                             {"10.0.128.1", "10.0.0.5", 0, 0, 1, 1}};
    CHECK_ORDER(rfc(), d, "10.0.128.1", "10.1.0.1");
    CHECK_ORDER(glibc(), d, "10.1.0.1", "10.0.128.1");
    const struct dest self[] = {{"10.1.0.1", "10.0.0.5", 0, 0, 1, 1},
                                {"10.0.0.5", "10.0.0.5", 0, 0, 1, 1}};
    CHECK_ORDER(glibc(), self, "10.0.0.5", "10.1.0.1");
}

/* IPv6 Rule 9: RFC 6724 caps CommonPrefixLen at the source's prefix length (64 and 64: a tie,
 * input order); glibc compares the whole common prefix (79 against 126). */
TEST(ipv6_rule9_cap)
{
    const struct dest d[] = {{"2001:db8:2::1", "2001:db8:2:0:1::2", 64, 0, 1, 1},
                             {"2001:db8:1::1", "2001:db8:1::2", 64, 0, 1, 1}};
    CHECK_ORDER(rfc(), d, "2001:db8:2::1", "2001:db8:1::1");
    CHECK_ORDER(glibc(), d, "2001:db8:1::1", "2001:db8:2::1");
    /* With /128 sources the cap no longer hides the difference; unknown (0) reads as /64. */
    const struct dest d128[] = {{"2001:db8:2::1", "2001:db8:2:0:1::2", 128, 0, 1, 1},
                                {"2001:db8:1::1", "2001:db8:1::2", 128, 0, 1, 1}};
    const struct dest d0[] = {{"2001:db8:2::1", "2001:db8:2:0:1::2", 0, 0, 1, 1},
                              {"2001:db8:1::1", "2001:db8:1::2", 0, 0, 1, 1}};
    CHECK_ORDER(rfc(), d128, "2001:db8:1::1", "2001:db8:2::1");
    CHECK_ORDER(rfc(), d0, "2001:db8:2::1", "2001:db8:1::1");
}

/* ---- the rules one by one ------------------------------------------------------------------- */

TEST(rule1_unusable_destinations_go_last)
{
    const struct dest d[] = {{"::1", NULL, 0, 0, 0, 1},
                             {"2001:db8::1", NULL, 0, 0, 0, 1},
                             {"192.0.2.1", "192.0.2.2", 24, GX_SRC_DEPRECATED, 1, 0}};
    CHECK_EXAMPLE(d, "192.0.2.1", "::1", "2001:db8::1");
}

/* Among unusable destinations only Rules 6 and 8 (and 10) speak. */
TEST(rules_6_and_8_order_unusable_destinations)
{
    const struct dest d[] = {{"2002::1", NULL, 0, 0, 0, 0},
                             {"2001:db8::1", NULL, 0, 0, 0, 0},
                             {"fe80::1", NULL, 0, 0, 0, 0},
                             {"::1", NULL, 0, 0, 0, 0}};
    CHECK_EXAMPLE(d, "::1", "fe80::1", "2001:db8::1", "2002::1");
}

/* Rules 2-5, 7 and 9 need sources: they are not applied to unusable destinations, whatever the
 * source fields hold. */
TEST(source_rules_ignore_unusable_destinations)
{
    struct gx_addr addrs[2];
    struct gx_dest_info info[2];
    const struct dest d[] = {{"2001:db8::1", "fe80::1", 0, GX_SRC_DEPRECATED, 1, 0},
                             {"2001:db8::2", "2001:db8::2", 128, GX_SRC_HOME, 2, 1}};
    for (int b = 0; b < 2; b++) {
        build(d, 2, addrs, info);
        info[0].usable = info[1].usable = false;
        REQUIRE(gx_sort(addrs, info, 2, b ? glibc() : rfc()) == GX_OK);
        struct gx_addr first = addr_text("2001:db8::1");
        CHECK(gx_addr_equal(&addrs[0], &first));
        CHECK_EQ_INT(info[0].source_flags, GX_SRC_DEPRECATED); /* info moved with its address */
    }
}

/* Rule 7: between different interfaces the native route wins; on one interface the rule is
 * skipped; an unknown answer (-1) counts as native. */
TEST(rule7_prefer_native_transport)
{
    const struct dest tunnel_first[] = {{"2001:db8:1::1", "2001:db8:1::2", 64, 0, 5, 0},
                                        {"2001:db8:2::1", "2001:db8:2::2", 64, 0, 6, 1}};
    const struct dest same_if[] = {{"2001:db8:1::1", "2001:db8:1::2", 64, 0, 5, 0},
                                   {"2001:db8:2::1", "2001:db8:2::2", 64, 0, 5, 1}};
    const struct dest unknown[] = {{"2001:db8:1::1", "2001:db8:1::2", 64, 0, 5, 0},
                                   {"2001:db8:2::1", "2001:db8:2::2", 64, 0, 6, -1}};
    const struct dest both_native[] = {{"2001:db8:1::1", "2001:db8:1::2", 64, 0, 5, -1},
                                       {"2001:db8:2::1", "2001:db8:2::2", 64, 0, 6, 1}};
    for (int b = 0; b < 2; b++) {
        const struct gx_policy *p = b ? glibc() : rfc();
        CHECK_ORDER(p, tunnel_first, "2001:db8:2::1", "2001:db8:1::1");
        CHECK_ORDER(p, same_if, "2001:db8:1::1", "2001:db8:2::1");
        CHECK_ORDER(p, unknown, "2001:db8:2::1", "2001:db8:1::1");
        CHECK_ORDER(p, both_native, "2001:db8:1::1", "2001:db8:2::1");
    }
}

/* Rule 7 comes after Rule 6: a tunnelled destination of higher precedence still wins. */
TEST(rule7_after_rule6)
{
    const struct dest d[] = {{"2002:c633:6401::1", "2002:c633:6401::2", 48, 0, 5, 1},
                             {"2001:db8::1", "2001:db8::2", 64, 0, 6, 0}};
    CHECK_EXAMPLE(d, "2001:db8::1", "2002:c633:6401::1");
}

/* Multicast scopes come from the address (RFC 4291 2.7); Rule 2 then Rule 8. */
TEST(rule8_multicast_scopes)
{
    const struct dest d[] = {{"ff05::1", "2001:db8::2", 64, 0, 1, 1},
                             {"ff0e::1", "2001:db8::2", 64, 0, 1, 1},
                             {"ff02::1", "fe80::1", 64, 0, 1, 1}};
    CHECK_EXAMPLE(d, "ff02::1", "ff0e::1", "ff05::1");
}

/* Rule 9 compares destinations of one family only: an IPv4 and an IPv6 destination that tie on
 * Rules 1-8 (here by a gai.conf that makes every precedence and label equal) keep their order. */
TEST(rule9_only_within_one_family)
{
    const struct dest d[] = {{"10.0.0.1", "10.0.0.2", 24, 0, 1, 1},
                             {"2001:db8::1", "2001:db8::2", 64, 0, 1, 1}};
    const struct dest r[] = {{"2001:db8::1", "2001:db8::2", 64, 0, 1, 1},
                             {"10.0.0.1", "10.0.0.2", 24, 0, 1, 1}};
    for (int b = 0; b < 2; b++) {
        const struct gx_policy *p = gaiconf("precedence ::/0 40\nlabel ::/0 1\n",
                                            b ? GAIX_POLICY_GLIBC : GAIX_POLICY_RFC6724);
        CHECK_ORDER(p, d, "10.0.0.1", "2001:db8::1");
        CHECK_ORDER(p, r, "2001:db8::1", "10.0.0.1");
        gx_policy_unref(p);
    }
}

/* The kernel's answer for a destination moves with it. */
TEST(info_moves_with_its_address)
{
    const struct dest d[] = {{"2001:db8::1", NULL, 0, 0, 0, 0},
                             {"192.0.2.1", "192.0.2.2", 24, GX_SRC_TEMPORARY, 9, 1},
                             {"::1", "::1", 128, 0, 1, -1}};
    struct gx_addr addrs[3];
    struct gx_dest_info info[3];
    build(d, 3, addrs, info);
    REQUIRE(gx_sort(addrs, info, 3, rfc()) == GX_OK);
    struct gx_addr src = addr_text("192.0.2.2");
    for (size_t i = 0; i < 3; i++) {
        if (addrs[i].family != AF_INET)
            continue;
        CHECK(info[i].usable);
        CHECK(gx_addr_equal(&info[i].source, &src));
        CHECK_EQ_INT(info[i].source_ifindex, 9);
        CHECK_EQ_INT(info[i].source_flags, GX_SRC_TEMPORARY);
    }
    struct gx_addr first = addr_text("::1");
    CHECK(gx_addr_equal(&addrs[0], &first));
}

/* ---- Rule 10, sizes and the permutation property -------------------------------------------- */

/* Destinations equal for Rules 1-9, tagged in scope_id (which the sort does not read). */
static void make_ties(struct gx_addr *a, struct gx_dest_info *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t d[16] = {0x20, 0x01, 0x0d, 0xb8, (uint8_t)(i >> 8), (uint8_t)i, [15] = 1};
        uint8_t s[16] = {0x20, 0x01, 0x0d, 0xb8, (uint8_t)(i >> 8), (uint8_t)i, [15] = 2};
        gx_addr_set6(&a[i], d, (uint32_t)i + 1);
        memset(&in[i], 0, sizeof in[i]);
        in[i].usable = true;
        gx_addr_set6(&in[i].source, s, 0);
        in[i].source_prefixlen = 64;
        in[i].source_ifindex = 1;
        in[i].native = 1;
    }
}

TEST(rule10_ties_keep_the_input_order)
{
    static const size_t sizes[] = {2, 3, 15, 16, 17, 33, 100, 2048};
    enum { MAX = 2048 };
    struct gx_addr *a = calloc(MAX, sizeof *a);
    struct gx_dest_info *in = calloc(MAX, sizeof *in);
    REQUIRE(a != NULL && in != NULL);
    for (int b = 0; b < 2; b++) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t n = sizes[s];
            make_ties(a, in, n);
            REQUIRE(gx_sort(a, in, n, b ? glibc() : rfc()) == GX_OK);
            for (size_t i = 0; i < n; i++)
                if (a[i].scope_id != i + 1 || in[i].source.bytes[5] != (uint8_t)i) {
                    CHECK_FAIL_AT(__FILE__, __LINE__, "n=%zu: position %zu holds %u", n, i,
                                  (unsigned)a[i].scope_id);
                    break;
                }
        }
    }
    free(a);
    free(in);
}

/* 2,048 destinations of four classes, interleaved: the classes come out in rule order, each in
 * its input order (merge path, heap scratch). */
TEST(large_list_groups_classes_in_input_order)
{
    enum { N = 2048 };
    struct gx_addr *a = calloc(N, sizeof *a);
    struct gx_dest_info *in = calloc(N, sizeof *in);
    REQUIRE(a != NULL && in != NULL);
    for (int b = 0; b < 2; b++) {
        for (size_t i = 0; i < N; i++) {
            unsigned cls = 3 - (unsigned)(i % 4);
            uint8_t x = (uint8_t)(i >> 8), y = (uint8_t)i;
            memset(&in[i], 0, sizeof in[i]);
            in[i].native = 1;
            in[i].source_ifindex = 1;
            if (cls == 0) { /* loopback: precedence 50 */
                uint8_t one[16] = {[15] = 1};
                gx_addr_set6(&a[i], one, 0);
                in[i].source = a[i];
                in[i].source_prefixlen = 128;
                in[i].usable = true;
            } else if (cls == 1) { /* global IPv6: 40 */
                uint8_t d[16] = {0x20, 0x01, 0x0d, 0xb8, x, y, [15] = 1};
                uint8_t s[16] = {0x20, 0x01, 0x0d, 0xb8, x, y, [15] = 2};
                gx_addr_set6(&a[i], d, 0);
                gx_addr_set6(&in[i].source, s, 0);
                in[i].source_prefixlen = 64;
                in[i].usable = true;
            } else if (cls == 2) { /* IPv4: 35 (RFC) or 10 (glibc) */
                uint8_t d[4] = {10, x, y, 1}, s[4] = {10, x, y, 2};
                gx_addr_set4(&a[i], d);
                gx_addr_set4(&in[i].source, s);
                in[i].source_prefixlen = 24;
                in[i].usable = true;
            } else { /* unusable */
                uint8_t d[16] = {0x20, 0x01, 0x0d, 0xb8, x, y, [15] = 9};
                gx_addr_set6(&a[i], d, 0);
            }
            a[i].scope_id = (uint32_t)i + 1; /* tag (IPv4 too: the sort never reads it) */
        }
        REQUIRE(gx_sort(a, in, N, b ? glibc() : rfc()) == GX_OK);
        size_t prev_tag = 0;
        unsigned prev_cls = 0;
        for (size_t i = 0; i < N; i++) {
            size_t tag = a[i].scope_id - 1;
            unsigned cls = 3 - (unsigned)(tag % 4);
            bool ok = i == 0 || cls > prev_cls || (cls == prev_cls && tag > prev_tag);
            if (!ok || cls != i / (N / 4)) {
                CHECK_FAIL_AT(__FILE__, __LINE__, "base %d: position %zu holds input %zu", b, i,
                              tag);
                break;
            }
            prev_tag = tag;
            prev_cls = cls;
        }
    }
    free(a);
    free(in);
}

/* A small deterministic generator, so that failures reproduce. */
static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* A destination from small pools, so that ties and every rule occur; tagged in scope_id. */
static void random_dest(struct gx_addr *a, struct gx_dest_info *in, uint32_t tag)
{
    static const char *v6[] = {"2001:db8:1::1",
                               "2001:db8:1::2",
                               "2001:db8:2::1",
                               "fe80::1",
                               "::1",
                               "2002:c633:6401::1",
                               "fd00::1",
                               "::ffff:192.0.2.1",
                               "::ffff:127.0.0.1",
                               "fec0::1",
                               "ff02::1",
                               "ff0e::1",
                               "2001::1",
                               "::ffff:169.254.1.1",
                               "2001:db8:3ffe::1"};
    static const char *v4[] = {"192.0.2.1",   "10.0.0.1",       "10.0.0.200", "127.0.0.1",
                               "169.254.1.1", "198.51.100.121", "10.1.0.1"};
    static const uint8_t plens[] = {0, 8, 16, 24, 32, 48, 64, 128};
    bool is4 = rng() % 2;
    *a = addr_text(is4 ? v4[rng() % 7] : v6[rng() % 15]);
    a->scope_id = tag;
    memset(in, 0, sizeof *in);
    in->usable = rng() % 5 != 0;
    if (in->usable) {
        bool src4 = rng() % 8 == 0 ? !is4 : is4; /* now and then a family mismatch */
        in->source = addr_text(src4 ? v4[rng() % 7] : v6[rng() % 15]);
    }
    in->source_prefixlen = plens[rng() % 8];
    in->source_flags = (uint8_t)(rng() % 8);
    in->source_ifindex = rng() % 3;
    in->native = (int8_t)((int)(rng() % 3) - 1);
}

/* x before y when gx_sort of the pair [x, y] (x first in the input) keeps it. */
static bool pair_keeps(const struct gx_policy *p, const struct gx_addr *xa,
                       const struct gx_dest_info *xi, const struct gx_addr *ya,
                       const struct gx_dest_info *yi)
{
    struct gx_addr a[2] = {*xa, *ya};
    struct gx_dest_info in[2] = {*xi, *yi};
    if (gx_sort(a, in, 2, p) != GX_OK)
        abort();
    return a[0].scope_id == xa->scope_id;
}

struct ref_ctx {
    const struct gx_policy *p;
    const struct gx_addr *a;
    const struct gx_dest_info *in;
};

/* The pairwise preference as a comparison of input positions (tags are positions + 1). */
static int ref_compare(const struct ref_ctx *c, size_t x, size_t y)
{
    if (x < y)
        return pair_keeps(c->p, &c->a[x], &c->in[x], &c->a[y], &c->in[y]) ? -1 : 1;
    return pair_keeps(c->p, &c->a[y], &c->in[y], &c->a[x], &c->in[x]) ? 1 : -1;
}

/* A textbook top-down merge sort of positions with glibc qsort's split (n/2, n - n/2). */
static void ref_merge_sort(const struct ref_ctx *c, size_t *v, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t n1 = n / 2, n2 = n - n1, i = 0, j = 0, o = 0;
    ref_merge_sort(c, v, tmp, n1);
    ref_merge_sort(c, v + n1, tmp, n2);
    while (i < n1 && j < n2)
        tmp[o++] = ref_compare(c, v[i], v[n1 + j]) < 0 ? v[i++] : v[n1 + j++];
    while (i < n1)
        tmp[o++] = v[i++];
    while (j < n2)
        tmp[o++] = v[n1 + j++];
    memcpy(v, tmp, n * sizeof *v);
}

/*
 * Random lists (every rule, ties, the non-transitive corners of Rules 7 and 9): gx_sort gives
 * exactly the order a merge sort of glibc's shape gives with the pairwise preference that gx_sort
 * itself shows on two-element lists. That one check covers: the result is a permutation of the
 * input (F29), each adjacent pair is in rule order, ties keep input order, the key precomputation
 * agrees with the two-element case, and lists longer than 16 (heap) sort as short ones do.
 */
TEST(matches_pairwise_rules_and_glibc_merge_shape)
{
    static const size_t sizes[] = {2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 64, 200};
    enum { MAX = 200 };
    struct gx_addr a[MAX], orig[MAX];
    struct gx_dest_info in[MAX], orig_in[MAX];
    size_t pos[MAX], tmp[MAX];
    const struct gx_policy *conf =
        gaiconf("precedence ::/0 40\nprecedence ::1/128 50\nlabel ::/0 1\n", GAIX_POLICY_RFC6724);
    const struct gx_policy *policies[] = {rfc(), glibc(), conf};
    for (int round = 0; round < 40; round++) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t n = sizes[s];
            for (size_t i = 0; i < n; i++)
                random_dest(&orig[i], &orig_in[i], (uint32_t)i + 1);
            for (size_t pi = 0; pi < 3; pi++) {
                struct ref_ctx c = {policies[pi], orig, orig_in};
                for (size_t i = 0; i < n; i++)
                    pos[i] = i;
                ref_merge_sort(&c, pos, tmp, n);
                memcpy(a, orig, n * sizeof *a);
                memcpy(in, orig_in, n * sizeof *in);
                REQUIRE(gx_sort(a, in, n, policies[pi]) == GX_OK);
                for (size_t i = 0; i < n; i++) {
                    size_t from = pos[i];
                    if (a[i].scope_id != from + 1 || !gx_addr_equal(&a[i], &orig[from]) ||
                        !info_equal(&in[i], &orig_in[from])) {
                        CHECK_FAIL_AT(__FILE__, __LINE__,
                                      "round %d n=%zu policy %zu: position %zu holds input %u, "
                                      "want %zu",
                                      round, n, pi, i, (unsigned)a[i].scope_id - 1, from);
                        gx_policy_unref(conf);
                        return;
                    }
                }
            }
        }
    }
    gx_policy_unref(conf);
}

/* A circle of preferences (file comment of sort.c): C, B, A in input order, A native on
 * interface 1, B tunnelled on interface 1, C tunnelled on interface 2; D closes the list. With
 * glibc's merge shape ([C B] [A D]) A meets C first and wins; a sort of another shape (insertion:
 * A meets B first and stays behind it) would give C B A D. */
TEST(non_transitive_rule7_follows_glibc_merge_shape)
{
    const struct dest d[] = {{"2001:db8:3::1", "2001:db8:3::2", 64, 0, 2, 0},  /* C */
                             {"2001:db8:2::1", "2001:db8:2::2", 64, 0, 1, 0},  /* B */
                             {"2001:db8:1::1", "2001:db8:1::2", 64, 0, 1, 1},  /* A */
                             {"2001:db8:4::1", "2001:db8:4::2", 64, 0, 2, 0}}; /* D */
    CHECK_ORDER(rfc(), d, "2001:db8:1::1", "2001:db8:3::1", "2001:db8:2::1", "2001:db8:4::1");
    CHECK_ORDER(glibc(), d, "2001:db8:1::1", "2001:db8:3::1", "2001:db8:2::1", "2001:db8:4::1");
}

/* F29: whatever gai.conf says, sorting changes the order of a list, never its set. */
TEST(f29_gaiconf_changes_order_never_set)
{
    static const char *confs[] = {
        "",
        "precedence ::ffff:0:0/96 100\n",
        "label ::/0 7\nprecedence ::/0 0\nscopev4 0.0.0.0/0 0\n",
        "precedence ::1/128 0\nprecedence ::/0 2147483647\nscopev4 ::ffff:0:0/96 15\n",
        "scopev4 10.0.0.0/8 1\nscopev4 0.0.0.0/0 2147483647\nlabel 2001:db8::/32 99\n",
        "junk\nlabel ::/0 notanumber\nprecedence ::1/129 5\n",
    };
    const struct dest d[] = {{"192.0.2.1", "192.0.2.2", 24, 0, 1, 1},
                             {"2001:db8::1", "2001:db8::2", 64, 0, 1, 1},
                             {"::1", "::1", 128, 0, 1, 1},
                             {"fe80::1", "fe80::2", 64, GX_SRC_DEPRECATED, 2, 0},
                             {"10.0.0.1", NULL, 0, 0, 0, 0},
                             {"::ffff:127.0.0.1", "::ffff:127.0.0.1", 8, 0, 1, -1},
                             {"fd00::1", "2001:db8::2", 64, 0, 1, 1},
                             {"2002:c633:6401::1", "2002:c633:6401::2", 48, GX_SRC_HOME, 3, 0}};
    enum { N = sizeof d / sizeof d[0] };
    struct gx_addr orig[N], a[N];
    struct gx_dest_info orig_in[N], in[N];
    build(d, N, orig, orig_in);
    for (size_t i = 0; i < N; i++)
        orig[i].scope_id = (uint32_t)i + 1;
    bool some_order_differs = false;
    uint32_t first_order[N] = {0};
    for (size_t c = 0; c < sizeof confs / sizeof confs[0]; c++) {
        for (int b = 0; b < 2; b++) {
            const struct gx_policy *p =
                gaiconf(confs[c], b ? GAIX_POLICY_GLIBC : GAIX_POLICY_RFC6724);
            memcpy(a, orig, sizeof a);
            memcpy(in, orig_in, sizeof in);
            REQUIRE(gx_sort(a, in, N, p) == GX_OK);
            bool seen[N] = {false};
            for (size_t i = 0; i < N; i++) {
                uint32_t t = a[i].scope_id;
                REQUIRE(t >= 1 && t <= N && !seen[t - 1]);
                seen[t - 1] = true;
                CHECK(gx_addr_equal(&a[i], &orig[t - 1]));
                CHECK(info_equal(&in[i], &orig_in[t - 1]));
                if (c == 0 && b == 0)
                    first_order[i] = t;
                else if (first_order[i] != t)
                    some_order_differs = true;
            }
            gx_policy_unref(p);
        }
    }
    CHECK(some_order_differs); /* the policies did change orders */
}

TEST(trivial_lists_and_null_policy)
{
    struct gx_addr a[2];
    struct gx_dest_info in[2];
    CHECK_EQ_INT(gx_sort(NULL, NULL, 0, rfc()), GX_OK);
    const struct dest d[] = {{"192.0.2.1", NULL, 0, 0, 0, 0}, {"fd00::1", "fd00::2", 64, 0, 1, 1}};
    build(d, 2, a, in);
    CHECK_EQ_INT(gx_sort(a, in, 1, glibc()), GX_OK);
    struct gx_addr v4 = addr_text("192.0.2.1"), ula = addr_text("fd00::1");
    CHECK(gx_addr_equal(&a[0], &v4));
    /* NULL policy: RFC 6724's. ULA vs IPv4 both usable: the bases disagree (see above). */
    const struct dest e[] = {{"fd00::1", "fd00::2", 64, 0, 1, 1},
                             {"192.0.2.1", "192.0.2.2", 24, 0, 1, 1}};
    build(e, 2, a, in);
    CHECK_EQ_INT(gx_sort(a, in, 2, NULL), GX_OK);
    CHECK(gx_addr_equal(&a[0], &v4) && gx_addr_equal(&a[1], &ula));
}

/* A list whose scratch space cannot be had: GX_E_MEMORY, and nothing touched. (The length is a
 * lie; gx_sort must give up before reading past the two real entries.) */
TEST(huge_list_fails_cleanly)
{
    const struct dest d[] = {{"192.0.2.1", NULL, 0, 0, 0, 0}, {"::1", "::1", 128, 0, 1, 1}};
    struct gx_addr a[2], before[2];
    struct gx_dest_info in[2], before_in[2];
    build(d, 2, a, in);
    memcpy(before, a, sizeof a);
    memcpy(before_in, in, sizeof in);
    CHECK_EQ_INT(gx_sort(a, in, SIZE_MAX, rfc()), GX_E_MEMORY);
    CHECK_EQ_INT(gx_sort(a, in, SIZE_MAX / 64, rfc()), GX_E_MEMORY);
    for (size_t i = 0; i < 2; i++) {
        CHECK(gx_addr_equal(&a[i], &before[i]));
        CHECK(info_equal(&in[i], &before_in[i]));
    }
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(rfc6724_10_2_ex1_prefer_matching_scope),
        CHECK_ENTRY(rfc6724_10_2_ex2_prefer_matching_scope),
        CHECK_ENTRY(rfc6724_10_2_ex3_prefer_higher_precedence),
        CHECK_ENTRY(rfc6724_10_2_ex4_prefer_smaller_scope),
        CHECK_ENTRY(rfc6724_10_2_ex5_prefer_home_address),
        CHECK_ENTRY(rfc6724_10_2_ex6_avoid_deprecated_addresses),
        CHECK_ENTRY(rfc6724_10_2_ex7_longest_matching_prefix),
        CHECK_ENTRY(rfc6724_10_2_ex8_prefer_matching_label),
        CHECK_ENTRY(rfc6724_10_2_ex9_prefer_higher_precedence),
        CHECK_ENTRY(rfc6724_10_3_prefer_ipv4_by_gaiconf),
        CHECK_ENTRY(rfc6724_10_4_prefer_global_over_link_local_by_gaiconf),
        CHECK_ENTRY(bases_differ_ula_against_ipv4), CHECK_ENTRY(bases_differ_teredo_against_ipv4),
        CHECK_ENTRY(bases_differ_site_local),
        CHECK_ENTRY(glibc_scopes_mapped_addresses_as_ipv6_rule2),
        CHECK_ENTRY(glibc_scopes_mapped_addresses_as_ipv6_rule8),
        CHECK_ENTRY(ipv4_rule9_outside_the_subnet), CHECK_ENTRY(ipv4_rule9_inside_the_subnet),
        CHECK_ENTRY(ipv4_rule9_unknown_prefix_length), CHECK_ENTRY(ipv6_rule9_cap),
        CHECK_ENTRY(rule1_unusable_destinations_go_last),
        CHECK_ENTRY(rules_6_and_8_order_unusable_destinations),
        CHECK_ENTRY(source_rules_ignore_unusable_destinations),
        CHECK_ENTRY(rule7_prefer_native_transport), CHECK_ENTRY(rule7_after_rule6),
        CHECK_ENTRY(rule8_multicast_scopes), CHECK_ENTRY(rule9_only_within_one_family),
        CHECK_ENTRY(info_moves_with_its_address), CHECK_ENTRY(rule10_ties_keep_the_input_order),
        CHECK_ENTRY(large_list_groups_classes_in_input_order),
        CHECK_ENTRY(matches_pairwise_rules_and_glibc_merge_shape),
        CHECK_ENTRY(non_transitive_rule7_follows_glibc_merge_shape),
        CHECK_ENTRY(f29_gaiconf_changes_order_never_set),
        CHECK_ENTRY(trivial_lists_and_null_policy), CHECK_ENTRY(huge_list_fails_cleanly)));
}
