/*
 * The gai.conf reader (config/gaiconf.c): glibc's syntax and meaning, TEST-VECTORS F28.
 * Every text is parsed from a guard-page copy (check_guarded_copy): a read past its end faults.
 */
#include "check.h"

#include <limits.h>

#include "config/policy.h"
#include "core/ip_text.h"
#include "core/status.h"

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

/* Parses (text, len) placed against a guard page; aborts on an unexpected status. */
static const struct gx_policy *load_n(const char *text, size_t len, enum gaix_policy base)
{
    char *copy = check_guarded_copy(text, len);
    const struct gx_policy *p = NULL;
    int rc = gx_policy_from_gaiconf(copy, len, base, &p);
    check_guarded_free(copy, len);
    if (rc != GX_OK || p == NULL) {
        fprintf(stderr, "gx_policy_from_gaiconf: %s\n", gx_status_name(rc));
        abort();
    }
    return p;
}

static const struct gx_policy *load(const char *text)
{
    return load_n(text, strlen(text), GAIX_POLICY_RFC6724);
}

/* True when the text changes nothing: the result is the built-in policy itself. */
static bool is_builtin(const char *text, enum gaix_policy base)
{
    const struct gx_policy *p = load_n(text, strlen(text), base);
    bool same = p == gx_policy_builtin(base);
    gx_policy_unref(p);
    return same;
}

#define CHECK_REFUSED(text)                                                                        \
    do {                                                                                           \
        if (!is_builtin(text, GAIX_POLICY_RFC6724))                                                \
            CHECK_FAIL_AT(__FILE__, __LINE__, "line accepted: \"%s\"", text);                      \
    } while (0)

/* The value of the first (most specific) label entry the text set; -1000 when the text left the
 * built-in labels in place. single_precedence: the same for precedences. */
static int32_t single_label(const char *text)
{
    const struct gx_policy *p = load(text);
    int32_t v = p->nlabels > 0 ? p->labels[0].value : -999;
    if (p->labels == gx_policy_builtin(GAIX_POLICY_RFC6724)->labels)
        v = -1000;
    gx_policy_unref(p);
    return v;
}

static int32_t single_precedence(const char *text)
{
    const struct gx_policy *p = load(text);
    int32_t v = p->nprecedence > 0 ? p->precedence[0].value : -999;
    if (p->precedence == gx_policy_builtin(GAIX_POLICY_RFC6724)->precedence)
        v = -1000;
    gx_policy_unref(p);
    return v;
}

/* ---- no file, nothing valid ----------------------------------------------------------------- */

TEST(no_file_gives_the_builtin_policy)
{
    const struct gx_policy *p = (const struct gx_policy *)1;
    CHECK_EQ_INT(gx_policy_from_gaiconf(NULL, 0, GAIX_POLICY_RFC6724, &p), GX_OK);
    CHECK(p == gx_policy_builtin(GAIX_POLICY_RFC6724));
    CHECK_EQ_INT(gx_policy_from_gaiconf(NULL, 0, GAIX_POLICY_GLIBC, &p), GX_OK);
    CHECK(p == gx_policy_builtin(GAIX_POLICY_GLIBC));
    CHECK_EQ_INT(gx_policy_from_gaiconf("", 0, GAIX_POLICY_GLIBC, &p), GX_OK);
    CHECK(p == gx_policy_builtin(GAIX_POLICY_GLIBC));
}

/* A Debian-style file: every directive commented out. */
TEST(commented_out_file_gives_the_builtin_policy)
{
    static const char text[] = "# gai.conf, as shipped: nothing set\n"
                               "#\n"
                               "#reload  yes\n"
                               "#label ::1/128       0\n"
                               "#label ::/0          1\n"
                               "#precedence  ::ffff:0:0/96  100\n"
                               "#scopev4 ::ffff:169.254.0.0/112  2\n"
                               "\n"
                               "   \t\n"
                               "   # indented comment\n";
    CHECK(is_builtin(text, GAIX_POLICY_RFC6724));
    CHECK(is_builtin(text, GAIX_POLICY_GLIBC));
}

/* `reload` is accepted and changes no table; unknown keywords are skipped. */
TEST(reload_and_unknown_keywords_change_nothing)
{
    CHECK(is_builtin("reload yes\nreload no\nreload\nreload maybe\n", GAIX_POLICY_RFC6724));
    CHECK(is_builtin("sortlist 10.0.0.0/8\nnameserver ::1\noptions ndots:2\n", GAIX_POLICY_GLIBC));
    CHECK(is_builtin("labels ::/0 9\nlabel: ::/0 9\nprecedences ::/0 9\nscope ::/0 9\n"
                     "scopev6 ::ffff:0:0/96 9\n",
                     GAIX_POLICY_RFC6724));
}

/* glibc compares keywords with strcmp: case matters. */
TEST(keywords_are_case_sensitive)
{
    CHECK_REFUSED("Label ::/0 9\n");
    CHECK_REFUSED("PRECEDENCE ::/0 9\n");
    CHECK_REFUSED("ScopeV4 10.0.0.0/8 9\n");
}

/* ---- F28 ------------------------------------------------------------------------------------ */

TEST(f28_prefix_length_over_128_is_refused)
{
    CHECK_REFUSED("precedence ::1/129 50\n");
    CHECK_REFUSED("label ::/4294967424 5\n"); /* 2^32 + 128: no truncation to 128 */
    CHECK_REFUSED("label ::/18446744073709551744 5\n");
    CHECK_EQ_INT(single_precedence("precedence ::1/128 50\n"), 50); /* the boundary */
}

TEST(f28_value_not_a_number_is_refused)
{
    CHECK_REFUSED("label ::/0 notanumber\n");
    CHECK_REFUSED("label ::/0 5x\n");
    CHECK_REFUSED("label ::/0 0x5\n");
    CHECK_REFUSED("label ::/0 5.0\n");
    CHECK_REFUSED("label ::/0 +\n");
    CHECK_REFUSED("label ::/0 -\n");
    CHECK_REFUSED("label ::/0 --1\n");
    CHECK_REFUSED("label ::/12x 5\n");
}

TEST(f28_value_too_large_is_refused)
{
    CHECK_REFUSED("precedence ::/0 99999999999\n");
    CHECK_REFUSED("precedence ::/0 2147483648\n");
    CHECK_REFUSED("precedence ::/0 18446744073709551615\n");
    CHECK_REFUSED("precedence ::/0 18446744073709551616\n");
    CHECK_REFUSED("precedence ::/0 99999999999999999999999999999\n");
    CHECK_EQ_INT(single_precedence("precedence ::/0 2147483647\n"), INT_MAX);
}

TEST(f28_prefix_must_be_ipv6_text)
{
    CHECK_REFUSED("precedence 10.0.0.0/8 5\n");
    CHECK_REFUSED("label 192.0.2.1 5\n");
    CHECK_REFUSED("label ::ffff:10.0.0.0.1/104 7\n");
    CHECK_REFUSED("label 2001:db8::g/32 7\n");
    CHECK_REFUSED("label 2001:db8:::/32 7\n");
    CHECK_REFUSED("label fe80::1%lo/64 7\n");
    CHECK_REFUSED("label [::1]/128 7\n");
    CHECK_REFUSED("label /64 7\n");
}

/* IPv4-in-IPv6 prefixes are ordinary IPv6 prefixes for label and precedence. */
TEST(f28_ipv4_mapped_prefixes_are_accepted)
{
    const struct gx_policy *p = load("precedence ::ffff:0:0/96 100\n"
                                     "label ::ffff:10.0.0.0/104 7\n"
                                     "label ::192.0.2.0/120 8\n");
    CHECK_EQ_INT(precedence_of(p, "192.0.2.1"), 100);
    CHECK_EQ_INT(precedence_of(p, "::ffff:10.9.9.9"), 100);
    CHECK_EQ_INT(label_of(p, "10.1.2.3"), 7);
    CHECK_EQ_INT(label_of(p, "11.0.0.1"), 1);
    CHECK_EQ_INT(label_of(p, "::192.0.2.77"), 8);
    CHECK_EQ_INT(label_of(p, "192.0.2.77"), 1);
    gx_policy_unref(p);
}

TEST(f28_scopev4_mapped_prefix)
{
    const struct gx_policy *p = load("scopev4 ::ffff:169.254.0.0/112 2\n");
    REQUIRE(p->nscopes == 2);
    CHECK_EQ_INT(p->scopes[0].addr, 0xa9fe0000u);
    CHECK_EQ_INT(p->scopes[0].netmask, 0xffff0000u);
    CHECK_EQ_INT(p->scopes[0].scope, 2);
    CHECK_EQ_INT(p->scopes[1].netmask, 0);
    CHECK_EQ_INT(p->scopes[1].scope, 14);
    CHECK_EQ_INT(scope_of(p, "169.254.1.1"), 2);
    CHECK_EQ_INT(scope_of(p, "127.0.0.1"), 14); /* replaced, not merged: 127/8 is gone */
    CHECK(p->labels == gx_policy_builtin(GAIX_POLICY_RFC6724)->labels);
    gx_policy_unref(p);
}

/* Junk lines around valid ones: each line stands alone. */
TEST(f28_junk_lines_are_skipped_one_by_one)
{
    static const char text[] = "\xff\xfe garbage \x01\x02\n"
                               "label\n"
                               "label ::/0\t\t# no value: 0, valid\n"
                               "precedence\n"
                               "precedence ::1/129 50\n"
                               "precedence ::1/128 55\n"
                               "label ::/0 notanumber\n"
                               "precedence ::/0 99999999999\n"
                               "scopev4 ::1/128 3\n"
                               "scopev4 10.0.0.0/8 5\n"
                               "frobnicate yes\n"
                               "\x7f\n"
                               "/\n"
                               "#\n";
    const struct gx_policy *p = load(text);
    CHECK_EQ_INT(p->nprecedence, 2);
    CHECK_EQ_INT(precedence_of(p, "::1"), 55);
    CHECK_EQ_INT(precedence_of(p, "2001:db8::1"), 40);
    CHECK_EQ_INT(p->nlabels, 1);
    CHECK_EQ_INT(label_of(p, "::1"), 0);
    CHECK_EQ_INT(label_of(p, "192.0.2.1"), 0);
    CHECK_EQ_INT(p->nscopes, 2);
    CHECK_EQ_INT(scope_of(p, "10.9.8.7"), 5);
    CHECK_EQ_INT(scope_of(p, "169.254.1.1"), 14);
    gx_policy_unref(p);
}

/* ---- scopev4 -------------------------------------------------------------------------------- */

TEST(scopev4_forms)
{
    static const struct {
        const char *text;
        const char *in, *out; /* an address inside the prefix, one outside */
        int32_t scope;
    } ok[] = {
        {"scopev4 10.0.0.0/8 5\n", "10.200.0.1", "11.0.0.1", 5},
        {"scopev4 ::ffff:10.0.0.0/104 5\n", "10.200.0.1", "11.0.0.1", 5},
        {"scopev4 ::ffff:10.0.0.1 5\n", "10.0.0.1", "10.0.0.0", 5}, /* default /128 */
        {"scopev4 10.0.0.1 5\n", "10.0.0.1", "10.0.0.0", 5},        /* default /32 */
        {"scopev4 10.1.2.3/8 6\n", "10.200.0.1", "9.1.2.3", 6},     /* stored masked */
        {"scopev4 ::ffff:10.1.2.3/97 6\n", "127.0.0.1", "128.0.0.1", 6},
        {"scopev4 192.0.2.128/25 7\n", "192.0.2.200", "192.0.2.127", 7},
        {"scopev4 10.0.0.0/8\n", "10.0.0.9", "11.0.0.1", 0}, /* missing value: 0 */
        {"scopev4 10.0.0.0/+8 +5\n", "10.0.0.9", "11.0.0.1", 5},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const struct gx_policy *p = load(ok[i].text);
        if (p->nscopes != 2 || scope_of(p, ok[i].in) != ok[i].scope ||
            scope_of(p, ok[i].out) != 14 || (p->scopes[0].addr & ~p->scopes[0].netmask) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "scopev4 line not applied: %s", ok[i].text);
        gx_policy_unref(p);
    }
}

TEST(scopev4_catch_all_in_file)
{
    static const char *texts[] = {"scopev4 0.0.0.0/0 7\n", "scopev4 ::ffff:0.0.0.0/96 7\n",
                                  "scopev4 ::ffff:1.2.3.4/96 7\n", "scopev4 0.0.0.0/-0 7\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const struct gx_policy *p = load(texts[i]);
        CHECK_EQ_INT(p->nscopes, 1);
        CHECK_EQ_INT(scope_of(p, "127.0.0.1"), 7);
        CHECK_EQ_INT(scope_of(p, "255.1.2.3"), 7);
        gx_policy_unref(p);
    }
}

TEST(scopev4_invalid_forms_are_refused)
{
    CHECK_REFUSED("scopev4 ::ffff:0:0/95 3\n");
    CHECK_REFUSED("scopev4 ::ffff:0:0/129 3\n");
    CHECK_REFUSED("scopev4 ::ffff:0:0/0 3\n");
    CHECK_REFUSED("scopev4 10.0.0.0/33 3\n");
    CHECK_REFUSED("scopev4 ::1/128 3\n"); /* IPv6 but not IPv4-mapped */
    CHECK_REFUSED("scopev4 ::1 3\n");
    CHECK_REFUSED("scopev4 2001:db8::/32 3\n");
    CHECK_REFUSED("scopev4 ::10.0.0.0/104 3\n"); /* IPv4-compatible, not mapped */
    CHECK_REFUSED("scopev4 010.0.0.0/8 3\n");    /* inet_pton refuses leading zeros */
    CHECK_REFUSED("scopev4 10.0/8 3\n");
    CHECK_REFUSED("scopev4 10.0.0.0/8 -1\n");
    CHECK_REFUSED("scopev4 10.0.0.0/8 x\n");
    CHECK_REFUSED("scopev4 10.0.0.0/8/8 3\n");
    CHECK_REFUSED("scopev4\n");
}

/* ---- numbers, as strtoul reads them --------------------------------------------------------- */

/* glibc reads a missing value as strtoul("") = 0. */
TEST(missing_value_is_zero)
{
    CHECK_EQ_INT(single_label("label 2001:db8::/32\n"), 0);
    CHECK_EQ_INT(single_label("label 2001:db8::/32   # nine\n"), 0);
    CHECK_EQ_INT(single_label("label 2001:db8::/32#9\n"), 0);
    CHECK_EQ_INT(single_precedence("precedence 2001:db8::/32"), 0);
    const struct gx_policy *p = load("precedence 2001:db8::/32\n");
    CHECK_EQ_INT(precedence_of(p, "2001:db8::1"), 0);
    CHECK_EQ_INT(precedence_of(p, "::1"), 40);
    gx_policy_unref(p);
}

/* "::1/" has empty BITS: strtoul("") = 0, so the line is a catch-all (glibc). */
TEST(empty_bits_is_zero)
{
    const struct gx_policy *p = load("label 2001:db8::1/ 5\n");
    REQUIRE(p->nlabels == 1);
    CHECK_EQ_INT(p->labels[0].bits, 0);
    CHECK_EQ_INT(label_of(p, "::1"), 5);
    CHECK_EQ_INT(label_of(p, "10.0.0.1"), 5);
    static const uint8_t zero[16] = {0};
    CHECK_EQ_MEM(p->labels[0].prefix, zero, 16);
    gx_policy_unref(p);
}

TEST(numbers_follow_strtoul)
{
    CHECK_EQ_INT(single_label("label ::1/128 +5\n"), 5);
    CHECK_EQ_INT(single_label("label ::1/128 007\n"), 7);
    CHECK_EQ_INT(single_label("label ::1/128 -0\n"), 0);
    CHECK_EQ_INT(single_label("label ::1/128 -000\n"), 0);
    CHECK_EQ_INT(single_label("label ::1/+128 3\n"), 3);
    CHECK_EQ_INT(single_label("label ::1/0128 3\n"), 3);
    CHECK_REFUSED("label ::1/128 -1\n");
    CHECK_REFUSED("label ::1/128 -2147483647\n");
    CHECK_REFUSED("label ::1/-1 3\n");
    CHECK_REFUSED("label ::1/-128 3\n");
    CHECK_REFUSED("label ::1/+-128 3\n");
#if ULONG_MAX == 18446744073709551615u
    /* strtoul negates in unsigned arithmetic: -(2^64 - 1) is 1, and glibc accepts it. */
    CHECK_EQ_INT(single_label("label ::1/128 -18446744073709551615\n"), 1);
    CHECK_EQ_INT(single_label("label ::1/-18446744073709551614 3\n"), 3); /* 2 bits */
    CHECK_REFUSED("label ::1/128 -18446744073709551616\n");               /* ERANGE */
#endif
    const struct gx_policy *p = load("label ::1/-0 3\n");
    CHECK_EQ_INT(p->nlabels, 1); /* bits 0: its own catch-all */
    gx_policy_unref(p);
}

/* glibc ignores what follows the second value. */
TEST(fields_after_the_value_are_ignored)
{
    CHECK_EQ_INT(single_label("label 2001:db8::/32 7 extra fields here\n"), 7);
    CHECK_EQ_INT(single_precedence("precedence 2001:db8::/32 7 8 9\n"), 7);
}

/* ---- comments, white space, line ends ------------------------------------------------------- */

TEST(comments_and_white_space)
{
    CHECK_EQ_INT(single_precedence("precedence 2001:db8::/32 7#x\n"), 7);
    CHECK_EQ_INT(single_label("\t label\t2001:db8::/32\t\t7 \r\n"), 7);
    CHECK_EQ_INT(single_label("label\v2001:db8::/32\f7\n"), 7);
    CHECK_EQ_INT(single_label("label 2001:db8::/32 7\r\n"), 7);
    CHECK_EQ_INT(single_label("label 2001:db8::/32 7"), 7); /* no final newline */
    CHECK(is_builtin("#label ::/0 9\n", GAIX_POLICY_RFC6724));
    CHECK(is_builtin(" # label ::/0 9\n", GAIX_POLICY_RFC6724));
    CHECK(is_builtin("label#::/0 9\n", GAIX_POLICY_RFC6724));
    CHECK(is_builtin("label ::/0#9\n", GAIX_POLICY_RFC6724) == false); /* "::/0", value 0 */
}

/* lines.h: a line over GX_CONFIG_LINE_MAX is skipped whole, a line with a NUL too. */
TEST(long_and_nul_lines_are_skipped_whole)
{
    size_t pad = 5000;
    const char *head = "label 2001:db8::/32 7";
    const char *tail = "\nlabel 3000::/16 8\n";
    size_t len = strlen(head) + pad + strlen(tail);
    char *text = malloc(len);
    REQUIRE(text != NULL);
    memcpy(text, head, strlen(head));
    memset(text + strlen(head), ' ', pad);
    memcpy(text + strlen(head) + pad, tail, strlen(tail));
    const struct gx_policy *p = load_n(text, len, GAIX_POLICY_RFC6724);
    CHECK_EQ_INT(label_of(p, "2001:db8::1"), 1);
    CHECK_EQ_INT(label_of(p, "3000::1"), 8);
    gx_policy_unref(p);
    free(text);

    static const char nul[] = "label 2001:db8::/32 7\0 x\nlabel 3000::/16 8\n";
    p = load_n(nul, sizeof nul - 1, GAIX_POLICY_RFC6724);
    CHECK_EQ_INT(label_of(p, "2001:db8::1"), 1);
    CHECK_EQ_INT(label_of(p, "3000::1"), 8);
    gx_policy_unref(p);
}

/* ---- meaning: replacement, catch-all, order ------------------------------------------------- */

/* A kind the file mentions is replaced whole; the other kinds stay built in. */
TEST(lines_replace_the_table_not_merge)
{
    const struct gx_policy *p = load("precedence ::ffff:0:0/96 100\n");
    const struct gx_policy *b = gx_policy_builtin(GAIX_POLICY_RFC6724);
    CHECK_EQ_INT(p->nprecedence, 2);
    CHECK_EQ_INT(precedence_of(p, "192.0.2.1"), 100);
    CHECK_EQ_INT(precedence_of(p, "::1"), 40); /* built-in 50 is gone */
    CHECK_EQ_INT(precedence_of(p, "2002::1"), 40);
    CHECK_EQ_INT(precedence_of(p, "fc00::1"), 40);
    CHECK(p->labels == b->labels && p->nlabels == b->nlabels);
    CHECK(p->scopes == b->scopes && p->nscopes == b->nscopes);
    CHECK_EQ_INT(label_of(p, "fc00::1"), 13);
    CHECK_EQ_INT(p->base, GAIX_POLICY_RFC6724);
    gx_policy_unref(p);
}

/* Untouched tables come from the chosen base. */
TEST(other_tables_keep_the_chosen_base)
{
    const char *text = "label 2001:db8::/32 9\n";
    const struct gx_policy *r = load_n(text, strlen(text), GAIX_POLICY_RFC6724);
    const struct gx_policy *g = load_n(text, strlen(text), GAIX_POLICY_GLIBC);
    CHECK_EQ_INT(r->base, GAIX_POLICY_RFC6724);
    CHECK_EQ_INT(g->base, GAIX_POLICY_GLIBC);
    CHECK_EQ_INT(precedence_of(r, "192.0.2.1"), 35);
    CHECK_EQ_INT(precedence_of(g, "192.0.2.1"), 10);
    CHECK_EQ_INT(label_of(r, "2001:db8::1"), 9);
    CHECK_EQ_INT(label_of(g, "2001:db8::1"), 9);
    CHECK_EQ_INT(label_of(g, "fc00::1"), 1); /* glibc's 6 is replaced too */
    gx_policy_unref(r);
    gx_policy_unref(g);
}

/* The catch-all is appended only when no line has zero bits; its values are glibc's. */
TEST(catch_all_is_added_only_when_missing)
{
    const struct gx_policy *p = load("label 2001:db8::/32 7\nprecedence 2001:db8::/32 7\n"
                                     "scopev4 10.0.0.0/8 7\n");
    REQUIRE(p->nlabels == 2 && p->nprecedence == 2 && p->nscopes == 2);
    CHECK_EQ_INT(p->labels[1].bits, 0);
    CHECK_EQ_INT(p->labels[1].value, 1);
    CHECK_EQ_INT(p->precedence[1].bits, 0);
    CHECK_EQ_INT(p->precedence[1].value, 40);
    CHECK_EQ_INT(p->scopes[1].netmask, 0);
    CHECK_EQ_INT(p->scopes[1].scope, 14);
    gx_policy_unref(p);

    p = load("label ::/0 9\nlabel 2001:db8::/32 7\n");
    CHECK_EQ_INT(p->nlabels, 2);
    CHECK_EQ_INT(label_of(p, "3000::1"), 9);
    gx_policy_unref(p);

    /* Zero bits with a non-zero address is still a catch-all. */
    p = load("precedence 2001::1/0 3\n");
    CHECK_EQ_INT(p->nprecedence, 1);
    CHECK_EQ_INT(precedence_of(p, "::1"), 3);
    CHECK_EQ_INT(precedence_of(p, "10.0.0.1"), 3);
    gx_policy_unref(p);
}

/* Longest prefix first; among equal lengths file order, so the first of two equal ones wins. */
TEST(table_is_ordered_longest_first_and_stably)
{
    const struct gx_policy *p = load("label ::/0 5\n"
                                     "label 2001:db8::/32 6\n"
                                     "label 2001:db8:1::/48 7\n"
                                     "label 2001:db8::/32 8\n"
                                     "label ::1/128 9\n"
                                     "scopev4 10.0.0.0/8 5\n"
                                     "scopev4 10.1.0.0/16 6\n"
                                     "scopev4 10.0.0.0/8 7\n");
    REQUIRE(p->nlabels == 5);
    CHECK_EQ_INT(p->labels[0].bits, 128);
    CHECK_EQ_INT(p->labels[1].bits, 48);
    CHECK_EQ_INT(p->labels[2].value, 6);
    CHECK_EQ_INT(p->labels[3].value, 8);
    CHECK_EQ_INT(p->labels[4].bits, 0);
    CHECK_EQ_INT(label_of(p, "2001:db8:1::1"), 7);
    CHECK_EQ_INT(label_of(p, "2001:db8:2::1"), 6);
    CHECK_EQ_INT(label_of(p, "3000::1"), 5);
    CHECK_EQ_INT(label_of(p, "::1"), 9);
    REQUIRE(p->nscopes == 4);
    CHECK_EQ_INT(scope_of(p, "10.1.2.3"), 6);
    CHECK_EQ_INT(scope_of(p, "10.2.2.3"), 5);
    CHECK_EQ_INT(scope_of(p, "11.2.2.3"), 14);
    gx_policy_unref(p);
}

/* Only the first BITS bits of a prefix count (glibc compares no more); we store it masked. */
TEST(prefix_is_masked_to_its_length)
{
    const struct gx_policy *p = load("label 2001:db8:ffff::1/33 6\n");
    static const uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8, 0x80};
    REQUIRE(p->nlabels == 2);
    CHECK_EQ_MEM(p->labels[0].prefix, want, 16);
    CHECK_EQ_INT(label_of(p, "2001:db8:8000::5"), 6);
    CHECK_EQ_INT(label_of(p, "2001:db8:7fff::5"), 1);
    gx_policy_unref(p);
}

/* RFC 6724's table written as gai.conf over glibc's base gives RFC 6724's lookups, and the other
 * way round: gai.conf can express either table completely. */
TEST(whole_tables_written_as_gaiconf)
{
    static const char rfc[] = "precedence ::1/128 50\nprecedence ::/0 40\n"
                              "precedence ::ffff:0:0/96 35\nprecedence 2002::/16 30\n"
                              "precedence 2001::/32 5\nprecedence fc00::/7 3\n"
                              "precedence ::/96 1\nprecedence fec0::/10 1\n"
                              "precedence 3ffe::/16 1\n"
                              "label ::1/128 0\nlabel ::/0 1\nlabel ::ffff:0:0/96 4\n"
                              "label 2002::/16 2\nlabel 2001::/32 5\nlabel fc00::/7 13\n"
                              "label ::/96 3\nlabel fec0::/10 11\nlabel 3ffe::/16 12\n";
    static const char glibc[] = "label ::1/128 0\nlabel ::/0 1\nlabel 2002::/16 2\n"
                                "label ::/96 3\nlabel ::ffff:0:0/96 4\nlabel fec0::/10 5\n"
                                "label fc00::/7 6\nlabel 2001:0::/32 7\n"
                                "precedence ::1/128 50\nprecedence ::/0 40\n"
                                "precedence 2002::/16 30\nprecedence ::/96 20\n"
                                "precedence ::ffff:0:0/96 10\n"
                                "scopev4 ::ffff:169.254.0.0/112 2\nscopev4 ::ffff:127.0.0.0/104 2\n"
                                "scopev4 ::ffff:0.0.0.0/96 14\n";
    static const char *addrs[] = {"::1",     "::",      "::2",        "::ffff:1.2.3.4",
                                  "1.2.3.4", "2002::9", "2001::9",    "2001:db8::9",
                                  "fc00::9", "fd00::9", "fe80::9",    "fec0::9",
                                  "3ffe::9", "ff02::1", "2001:0:1::1"};
    const struct gx_policy *as_rfc = load_n(rfc, sizeof rfc - 1, GAIX_POLICY_GLIBC);
    const struct gx_policy *as_glibc = load_n(glibc, sizeof glibc - 1, GAIX_POLICY_RFC6724);
    const struct gx_policy *rb = gx_policy_builtin(GAIX_POLICY_RFC6724);
    const struct gx_policy *gb = gx_policy_builtin(GAIX_POLICY_GLIBC);
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        CHECK_EQ_INT(precedence_of(as_rfc, addrs[i]), precedence_of(rb, addrs[i]));
        CHECK_EQ_INT(label_of(as_rfc, addrs[i]), label_of(rb, addrs[i]));
        CHECK_EQ_INT(precedence_of(as_glibc, addrs[i]), precedence_of(gb, addrs[i]));
        CHECK_EQ_INT(label_of(as_glibc, addrs[i]), label_of(gb, addrs[i]));
    }
    static const char *v4[] = {"169.254.9.9", "127.1.1.1", "10.0.0.1", "8.8.8.8"};
    for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++)
        CHECK_EQ_INT(scope_of(as_glibc, v4[i]), scope_of(gb, v4[i]));
    gx_policy_unref(as_rfc);
    gx_policy_unref(as_glibc);
}

/* Many lines of every length: the table comes out ordered, every lookup finds its own line. */
TEST(many_lines)
{
    enum { LINES = 20000 };
    size_t cap = (size_t)LINES * 48, len = 0;
    char *text = malloc(cap);
    REQUIRE(text != NULL);
    for (unsigned i = 0; i < LINES; i++) {
        /* Prefix 2001:db8:XXXX::/48 for even i, 3000:XXXX::/32 for odd i; value i. */
        int w = (i % 2) ? snprintf(text + len, cap - len, "label 3000:%x::/32 %u\n", i, i)
                        : snprintf(text + len, cap - len, "label 2001:db8:%x::/48 %u\n", i, i);
        REQUIRE(w > 0 && (size_t)w < cap - len);
        len += (size_t)w;
    }
    const struct gx_policy *p = load_n(text, len, GAIX_POLICY_RFC6724);
    REQUIRE(p->nlabels == LINES + 1);
    for (size_t i = 1; i < p->nlabels; i++)
        CHECK(p->labels[i - 1].bits >= p->labels[i].bits);
    CHECK_EQ_INT(label_of(p, "2001:db8:4e1e::1"), 0x4e1e);
    CHECK_EQ_INT(label_of(p, "3000:4e1f::1"), 0x4e1f);
    CHECK_EQ_INT(label_of(p, "2001:db8:1::1"), 1); /* odd: no such /48, catch-all */
    gx_policy_unref(p);
    free(text);
}

/* Reference counting: a reference taken keeps the policy alive (ASan flags a use after free). */
TEST(reference_counting)
{
    const struct gx_policy *p = load("label 2001:db8::/32 7\n");
    gx_policy_ref(p);
    gx_policy_unref(p);
    CHECK_EQ_INT(label_of(p, "2001:db8::1"), 7);
    gx_policy_unref(p);
}

/* Inputs whose last byte is the last readable one: every place where a field may end. */
TEST(guard_page_endings)
{
    static const struct {
        const char *text;
        int32_t label_2001_db8; /* label of 2001:db8::1 afterwards; -1: file changes nothing */
    } cases[] = {
        {"label 2001:db8::/32 7", 7},
        {"label 2001:db8::/32 12345", 12345},
        {"label 2001:db8::/32", 0},
        {"label 2001:db8::/32 ", 0},
        {"label 2001:db8::/3", 0},
        {"label 2001:db8::/", 0},
        {"label 2001:db8::", 1}, /* /128 of 2001:db8::, value 0: 2001:db8::1 is not it */
        {"label 2001:db8:", -1},
        {"label 2001:db8::/32 +", -1},
        {"label 2001:db8::/32 -", -1},
        {"label 2001:db8::/32 7#", 7},
        {"label 2001:db8::/32 7\r", 7},
        {"label", -1},
        {"labe", -1},
        {"l", -1},
        {"#", -1},
        {"\n", -1},
        {"label ::/0 99999999999999999999", -1},
        {"scopev4 10.0.0.0/8 5", -1},
        {"scopev4 10.0.0.0/", -1},
        {"scopev4 ::ffff:10.0.0.0/10", -1},
        {"reload yes", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct gx_policy *p = load(cases[i].text);
        int32_t want = cases[i].label_2001_db8;
        int32_t got = label_of(p, "2001:db8::1");
        bool builtin_labels = p->labels == gx_policy_builtin(GAIX_POLICY_RFC6724)->labels;
        if (want < 0 ? !builtin_labels : got != want)
            CHECK_FAIL_AT(__FILE__, __LINE__, "\"%s\": label %d", cases[i].text, (int)got);
        gx_policy_unref(p);
    }
    const struct gx_policy *p = load("scopev4 10.0.0.0/8 5");
    CHECK_EQ_INT(scope_of(p, "10.1.1.1"), 5);
    gx_policy_unref(p);
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(no_file_gives_the_builtin_policy),
        CHECK_ENTRY(commented_out_file_gives_the_builtin_policy),
        CHECK_ENTRY(reload_and_unknown_keywords_change_nothing),
        CHECK_ENTRY(keywords_are_case_sensitive),
        CHECK_ENTRY(f28_prefix_length_over_128_is_refused),
        CHECK_ENTRY(f28_value_not_a_number_is_refused), CHECK_ENTRY(f28_value_too_large_is_refused),
        CHECK_ENTRY(f28_prefix_must_be_ipv6_text),
        CHECK_ENTRY(f28_ipv4_mapped_prefixes_are_accepted), CHECK_ENTRY(f28_scopev4_mapped_prefix),
        CHECK_ENTRY(f28_junk_lines_are_skipped_one_by_one), CHECK_ENTRY(scopev4_forms),
        CHECK_ENTRY(scopev4_catch_all_in_file), CHECK_ENTRY(scopev4_invalid_forms_are_refused),
        CHECK_ENTRY(missing_value_is_zero), CHECK_ENTRY(empty_bits_is_zero),
        CHECK_ENTRY(numbers_follow_strtoul), CHECK_ENTRY(fields_after_the_value_are_ignored),
        CHECK_ENTRY(comments_and_white_space), CHECK_ENTRY(long_and_nul_lines_are_skipped_whole),
        CHECK_ENTRY(lines_replace_the_table_not_merge),
        CHECK_ENTRY(other_tables_keep_the_chosen_base),
        CHECK_ENTRY(catch_all_is_added_only_when_missing),
        CHECK_ENTRY(table_is_ordered_longest_first_and_stably),
        CHECK_ENTRY(prefix_is_masked_to_its_length), CHECK_ENTRY(whole_tables_written_as_gaiconf),
        CHECK_ENTRY(many_lines), CHECK_ENTRY(reference_counting), CHECK_ENTRY(guard_page_endings)));
}
