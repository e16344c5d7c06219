/*
 * The built-in policy tables (config/policy.c): RFC 6724 section 2.1's table, glibc's built-in
 * table, the IPv4 scope table of RFC 6724 section 3.2, and the lookups over them.
 */
#include "check.h"

#include "config/policy.h"
#include "core/ip_text.h"
#include "core/status.h"

/* An address from its text (IPv4 dotted quad or IPv6); aborts the test on a typo. */
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

static int32_t precedence_of(const struct gx_policy *p, const char *text)
{
    struct gx_addr a = addr_text(text);
    return gx_policy_precedence(p, &a);
}

static int32_t label_of(const struct gx_policy *p, const char *text)
{
    struct gx_addr a = addr_text(text);
    return gx_policy_label(p, &a);
}

static int32_t scope_of(const struct gx_policy *p, const char *v4text)
{
    uint8_t b[4];
    if (gx_ip4_parse_strict(v4text, strlen(v4text), b) != GX_OK)
        abort();
    return gx_policy_scope4(p, b);
}

struct expect_row {
    const char *addr;
    int32_t precedence;
    int32_t label;
};

static void check_rows(const struct gx_policy *p, const struct expect_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int32_t prec = precedence_of(p, rows[i].addr), label = label_of(p, rows[i].addr);
        if (prec != rows[i].precedence || label != rows[i].label)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s: precedence %d label %d, want %d %d",
                          rows[i].addr, (int)prec, (int)label, (int)rows[i].precedence,
                          (int)rows[i].label);
    }
}

/* RFC 6724 section 2.1: one address inside each prefix, plus near misses. */
TEST(rfc6724_table_section_2_1)
{
    static const struct expect_row rows[] = {
        {"::1", 50, 0},
        {"2001:db8::1", 40, 1}, /* 2001:db8::/32 is not 2001::/32 */
        {"fe80::1", 40, 1},
        {"ff02::1", 40, 1},
        {"::ffff:192.0.2.1", 35, 4},
        {"192.0.2.1", 35, 4}, /* IPv4, looked up as ::ffff:192.0.2.1 */
        {"127.0.0.1", 35, 4},
        {"2002:c633:6401::1", 30, 2},
        {"2001::1", 5, 5},
        {"2001:0:ffff:ffff::1", 5, 5},
        {"2001:1::1", 40, 1},
        {"fc00::1", 3, 13},
        {"fdff:ffff::1", 3, 13},
        {"fe00::1", 40, 1}, /* just outside fc00::/7 */
        {"::", 1, 3},
        {"::192.0.2.1", 1, 3},
        {"::2:0:0", 40, 1}, /* outside ::/96 and ::ffff:0:0/96 */
        {"fec0::1", 1, 11},
        {"feff::1", 1, 11},
        {"3ffe::1", 1, 12},
        {"3fff::1", 40, 1},
    };
    check_rows(gx_policy_builtin(GAIX_POLICY_RFC6724), rows, sizeof rows / sizeof rows[0]);
}

/* glibc 2.36's built-in tables: RFC 3484's precedences, labels for site-local, ULA, Teredo. */
TEST(glibc_table)
{
    static const struct expect_row rows[] = {
        {"::1", 50, 0},          {"2001:db8::1", 40, 1},
        {"fe80::1", 40, 1},      {"::ffff:192.0.2.1", 10, 4},
        {"192.0.2.1", 10, 4},    {"::192.0.2.1", 20, 3},
        {"::", 20, 3},           {"2002:c633:6401::1", 30, 2},
        {"2001::1", 40, 7},      {"fc00::1", 40, 6},
        {"fd12:3456::1", 40, 6}, {"fec0::1", 40, 5},
        {"3ffe::1", 40, 1},
    };
    check_rows(gx_policy_builtin(GAIX_POLICY_GLIBC), rows, sizeof rows / sizeof rows[0]);
}

/* RFC 6724 section 3.2: 169.254/16 and 127/8 link-local, all else (private ranges too) global. */
TEST(ipv4_scopes_both_bases)
{
    static const struct {
        const char *addr;
        int32_t scope;
    } rows[] = {
        {"169.254.0.0", 2},      {"169.254.13.78", 2},    {"169.254.255.255", 2},
        {"169.253.255.255", 14}, {"169.255.0.0", 14},     {"127.0.0.1", 2},
        {"127.255.255.255", 2},  {"126.255.255.255", 14}, {"128.0.0.0", 14},
        {"10.1.2.3", 14},        {"172.16.0.1", 14},      {"192.168.1.1", 14},
        {"0.0.0.0", 14},         {"255.255.255.255", 14}, {"198.51.100.121", 14},
    };
    enum gaix_policy bases[] = {GAIX_POLICY_RFC6724, GAIX_POLICY_GLIBC};
    for (size_t b = 0; b < 2; b++)
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
            CHECK_EQ_INT(scope_of(gx_policy_builtin(bases[b]), rows[i].addr), rows[i].scope);
}

static void check_table_shape(const struct gx_policy *p)
{
    REQUIRE(p->nprecedence > 0 && p->nlabels > 0 && p->nscopes > 0);
    for (size_t i = 1; i < p->nprecedence; i++)
        CHECK(p->precedence[i - 1].bits >= p->precedence[i].bits);
    for (size_t i = 1; i < p->nlabels; i++)
        CHECK(p->labels[i - 1].bits >= p->labels[i].bits);
    for (size_t i = 1; i < p->nscopes; i++)
        CHECK((p->scopes[i - 1].netmask & p->scopes[i].netmask) == p->scopes[i].netmask);
    CHECK_EQ_INT(p->precedence[p->nprecedence - 1].bits, 0);
    CHECK_EQ_INT(p->labels[p->nlabels - 1].bits, 0);
    CHECK_EQ_INT(p->scopes[p->nscopes - 1].netmask, 0);
    for (size_t i = 0; i < p->nscopes; i++)
        CHECK_EQ_INT(p->scopes[i].addr & ~p->scopes[i].netmask, 0);
}

/* Both tables are ordered most specific first and end with a catch-all (policy.h's promise). */
TEST(builtin_tables_are_ordered_and_end_with_catch_all)
{
    check_table_shape(gx_policy_builtin(GAIX_POLICY_RFC6724));
    check_table_shape(gx_policy_builtin(GAIX_POLICY_GLIBC));
    CHECK_EQ_INT(gx_policy_builtin(GAIX_POLICY_RFC6724)->nprecedence, 9);
    CHECK_EQ_INT(gx_policy_builtin(GAIX_POLICY_RFC6724)->nlabels, 9);
    CHECK_EQ_INT(gx_policy_builtin(GAIX_POLICY_GLIBC)->nprecedence, 5);
    CHECK_EQ_INT(gx_policy_builtin(GAIX_POLICY_GLIBC)->nlabels, 8);
    CHECK_EQ_INT(gx_policy_builtin(GAIX_POLICY_GLIBC)->nscopes, 3);
}

/* An IPv4 address and its IPv4-mapped form look up the same entries, in both tables. */
TEST(ipv4_is_looked_up_as_mapped)
{
    static const char *v4[] = {"0.0.0.0",     "10.0.0.1",  "127.0.0.1",
                               "169.254.1.1", "192.0.2.1", "255.255.255.255"};
    enum gaix_policy bases[] = {GAIX_POLICY_RFC6724, GAIX_POLICY_GLIBC};
    for (size_t b = 0; b < 2; b++) {
        const struct gx_policy *p = gx_policy_builtin(bases[b]);
        for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++) {
            struct gx_addr a = addr_text(v4[i]);
            struct gx_addr m = gx_addr_map4to6(&a);
            CHECK_EQ_INT(gx_policy_precedence(p, &a), gx_policy_precedence(p, &m));
            CHECK_EQ_INT(gx_policy_label(p, &a), gx_policy_label(p, &m));
        }
    }
}

/* The built-in policies are static: one object per base, reference counting does nothing. */
TEST(builtin_is_static_and_refcount_is_a_noop)
{
    const struct gx_policy *r = gx_policy_builtin(GAIX_POLICY_RFC6724);
    const struct gx_policy *g = gx_policy_builtin(GAIX_POLICY_GLIBC);
    CHECK(r != g);
    CHECK(r == gx_policy_builtin(GAIX_POLICY_RFC6724));
    CHECK(g == gx_policy_builtin(GAIX_POLICY_GLIBC));
    CHECK_EQ_INT(r->base, GAIX_POLICY_RFC6724);
    CHECK_EQ_INT(g->base, GAIX_POLICY_GLIBC);
    CHECK(r->owned == NULL && g->owned == NULL);
    for (int i = 0; i < 3; i++) {
        gx_policy_unref(r);
        gx_policy_unref(g);
    }
    gx_policy_ref(r);
    CHECK_EQ_INT(precedence_of(r, "::1"), 50);
    CHECK_EQ_INT(precedence_of(g, "192.0.2.1"), 10);
    gx_policy_ref(NULL);
    gx_policy_unref(NULL);
}

/* A base value that is not GAIX_POLICY_GLIBC reads as RFC 6724 (policy.h). */
TEST(unknown_base_reads_as_rfc6724)
{
    const struct gx_policy *p = gx_policy_builtin((enum gaix_policy)77);
    CHECK(p == gx_policy_builtin(GAIX_POLICY_RFC6724));
}

/* A hand-built table: the first matching entry wins, partial bytes are compared bit by bit. */
TEST(lookup_compares_prefix_bits)
{
    static const struct gx_prefix_policy table[] = {
        {.prefix = {0x20, 0x01, 0x0d, 0xb8, 0x80}, .bits = 33, .value = 7}, /* 2001:db8:8000::/33 */
        {.prefix = {0x20, 0x01, 0x0d, 0xb8}, .bits = 33, .value = 6},       /* 2001:db8::/33 */
        {.prefix = {0x20, 0x01, 0x0d, 0xb8}, .bits = 32, .value = 9},       /* never reached */
        {.prefix = {0}, .bits = 0, .value = 1},
    };
    static const struct gx_scope_policy scopes[] = {
        {.addr = 0x0a000000u, .netmask = 0xff000000u, .scope = 5},
        {.addr = 0, .netmask = 0, .scope = 14},
    };
    struct gx_policy p = {
        .base = GAIX_POLICY_RFC6724,
        .precedence = table,
        .nprecedence = 4,
        .labels = table,
        .nlabels = 4,
        .scopes = scopes,
        .nscopes = 2,
    };
    CHECK_EQ_INT(label_of(&p, "2001:db8:8000::1"), 7);
    CHECK_EQ_INT(label_of(&p, "2001:db8:ffff::1"), 7);
    CHECK_EQ_INT(label_of(&p, "2001:db8:7fff::1"), 6);
    CHECK_EQ_INT(label_of(&p, "2001:db9::1"), 1);
    CHECK_EQ_INT(precedence_of(&p, "10.0.0.1"), 1);
    CHECK_EQ_INT(scope_of(&p, "10.255.0.1"), 5);
    CHECK_EQ_INT(scope_of(&p, "11.0.0.1"), 14);
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(rfc6724_table_section_2_1), CHECK_ENTRY(glibc_table),
                                 CHECK_ENTRY(ipv4_scopes_both_bases),
                                 CHECK_ENTRY(builtin_tables_are_ordered_and_end_with_catch_all),
                                 CHECK_ENTRY(ipv4_is_looked_up_as_mapped),
                                 CHECK_ENTRY(builtin_is_static_and_refcount_is_a_noop),
                                 CHECK_ENTRY(unknown_base_reads_as_rfc6724),
                                 CHECK_ENTRY(lookup_compares_prefix_bits)));
}
