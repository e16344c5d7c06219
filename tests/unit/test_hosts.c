/*
 * Tests of the hosts file: the line parser, scope parsing, and the index built from a whole
 * file (config/hosts.h). Each TEST-VECTORS case F17-F26 has a test named after it. Interface
 * names are resolved by a fake resolver, so that no test depends on this machine's interfaces.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "config/hosts.h"
#include "core/limits.h"
#include "core/status.h"

/* ---- helpers -------------------------------------------------------------------------------- */

/* The fake machine: lo is 1, eth0 is 2, and an interface is named "7" (index 42). */
static uint32_t fake_ifindex(const char *name, size_t len, void *arg)
{
    if (arg != NULL)
        (*(int *)arg)++;
    if (len == 2 && memcmp(name, "lo", 2) == 0)
        return 1;
    if (len == 4 && memcmp(name, "eth0", 4) == 0)
        return 2;
    if (len == 1 && name[0] == '7')
        return 42;
    return 0;
}

static int parse_str(const char *line, struct gx_hosts_line *out)
{
    return gx_hosts_parse_line(line, strlen(line), out);
}

/* Builds an index from `len` bytes of text (a copy: the index takes ownership of its buffer). */
static struct gx_hosts *build_n(const char *text, size_t len)
{
    char *data = malloc(len ? len : 1);
    if (data == NULL)
        return NULL;
    memcpy(data, text, len);
    struct gx_hosts *h = NULL;
    if (gx_hosts_build(data, len, fake_ifindex, NULL, &h) != GX_OK)
        return NULL;
    return h;
}

static struct gx_hosts *build(const char *text)
{
    return build_n(text, strlen(text));
}

static size_t find(const struct gx_hosts *h, const char *name, const uint32_t **ids)
{
    return gx_hosts_find(h, name, strlen(name), ids);
}

/* The canonical name of the only or first line listing `name`, as a C string ("" if none). */
static const char *canon_of(const struct gx_hosts *h, const char *name)
{
    static char buf[GX_NAME_TEXT_MAX + 2];
    const uint32_t *ids;
    if (find(h, name, &ids) == 0)
        return "";
    const struct gx_hosts_entry *e = gx_hosts_entry(h, ids[0]);
    if (e == NULL || e->canon_len >= sizeof buf)
        return "(bad entry)";
    memcpy(buf, e->canon, e->canon_len);
    buf[e->canon_len] = '\0';
    return buf;
}

/* The first address listed for `name`, as 16 bytes (IPv4 in the first four) and a family. */
static int family_of(const struct gx_hosts *h, const char *name)
{
    const uint32_t *ids;
    if (find(h, name, &ids) == 0)
        return -1;
    return gx_hosts_entry(h, ids[0])->addr.family;
}

static struct gx_addr addr4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct gx_addr x;
    const uint8_t bytes[4] = {a, b, c, d};
    gx_addr_set4(&x, bytes);
    return x;
}

static struct gx_addr addr6_text(const char *text, uint32_t scope)
{
    uint8_t b[16];
    struct gx_addr x;
    if (inet_pton(AF_INET6, text, b) != 1)
        abort();
    gx_addr_set6(&x, b, scope);
    return x;
}

/* ---- the line parser ------------------------------------------------------------------------ */

TEST(hosts_parse_ipv4_line_with_aliases)
{
    struct gx_hosts_line l;
    const char *line = "192.0.2.1  host.example\thost alias.";
    CHECK_EQ_INT(parse_str(line, &l), 3);
    CHECK_EQ_INT(l.addr.family, AF_INET);
    CHECK_EQ_MEM(l.addr.bytes, "\xc0\x00\x02\x01", 4);
    CHECK(l.scope == NULL);
    CHECK_EQ_INT(l.name_count, 3);
    REQUIRE(l.names == line + 11);
    CHECK_EQ_INT(l.names_len, strlen("host.example\thost alias."));
}

TEST(hosts_parse_ipv6_line)
{
    struct gx_hosts_line l;
    CHECK_EQ_INT(parse_str("  2001:db8::1 six  ", &l), 1);
    CHECK_EQ_INT(l.addr.family, AF_INET6);
    struct gx_addr want = addr6_text("2001:db8::1", 0);
    CHECK_EQ_MEM(l.addr.bytes, want.bytes, 16);
    CHECK_EQ_INT(l.names_len, 3);
    CHECK(memcmp(l.names, "six", 3) == 0);
}

TEST(hosts_parse_blank_and_comment_lines_are_empty)
{
    struct gx_hosts_line l;
    CHECK_EQ_INT(parse_str("", &l), 0);
    CHECK_EQ_INT(parse_str("   \t \v\f\r", &l), 0);
    CHECK_EQ_INT(parse_str("# 1.2.3.4 a", &l), 0);
    CHECK_EQ_INT(parse_str("   #1.2.3.4 a", &l), 0);
}

TEST(hosts_parse_every_c_locale_space_separates)
{
    struct gx_hosts_line l;
    CHECK_EQ_INT(parse_str("\t1.2.3.4\v\va\fb\rc ", &l), 3);
}

TEST(hosts_F19_hash_anywhere_ends_the_line)
{
    struct gx_hosts_line l;
    CHECK_EQ_INT(parse_str("1.2.3.4 a # b", &l), 1);
    CHECK_EQ_INT(l.names_len, 1);
    CHECK_EQ_INT(parse_str("1.2.3.4 a#b c", &l), 1);
    CHECK_EQ_INT(l.names_len, 1);
    /* The comment leaves an address with no name: such a line names nothing and is skipped. */
    CHECK_EQ_INT(parse_str("1.2.3.4#a", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("1.2.3.4 # a", &l), GX_E_MALFORMED);
}

TEST(hosts_F21_invalid_addresses_refuse_the_line)
{
    static const char *const bad[] = {
        "123.123.123 x", "321.321.321.321 x",  "1.2.3.4.5 x",  "::g x",   "1.2.3.4x x",
        "010.0.0.1 x",   "0x7f.0.0.1 x",       "127.1 x",      "1.2.3 x", "4294967295 x",
        ":::1 x",        "1:2:3:4:5:6:7::9 x", "fe80::1::2 x", "[::1] x", "host 1.2.3.4",
        "1.2.3.4. x",    "-1.2.3.4 x",
    };
    struct gx_hosts_line l;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse_str(bad[i], &l) != GX_E_MALFORMED)
            CHECK_FAIL_AT(__FILE__, __LINE__, "\"%s\" was not refused", bad[i]);
}

TEST(hosts_parse_address_without_names_is_refused)
{
    struct gx_hosts_line l;
    CHECK_EQ_INT(parse_str("1.2.3.4", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("::1   \t", &l), GX_E_MALFORMED);
}

TEST(hosts_F26_one_bad_name_refuses_the_whole_line)
{
    char name254[255], label64[80], name253_dot[256];
    memset(name254, 'a', 254);
    name254[254] = '\0';
    memcpy(label64, "a.", 2);
    memset(label64 + 2, 'b', 64);
    label64[66] = '\0';
    struct gx_hosts_line l;
    char line[600];

    snprintf(line, sizeof line, "1.2.3.4 good %s", name254);
    CHECK_EQ_INT(parse_str(line, &l), GX_E_MALFORMED);
    snprintf(line, sizeof line, "1.2.3.4 %s good", label64);
    CHECK_EQ_INT(parse_str(line, &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("1.2.3.4 good bad\x01name", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("1.2.3.4 good bad\x7fname", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("1.2.3.4 good espa\xc3\xb1"
                           "a.test",
                           &l),
                 GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("1.2.3.4 good a..b", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("1.2.3.4 good .a", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("1.2.3.4 .", &l), GX_E_MALFORMED);

    /* At the limits themselves: 253 characters with or without a final dot, labels of 63. */
    for (size_t i = 0; i < 253; i++)
        name253_dot[i] = (i % 64 == 63) ? '.' : 'c';
    name253_dot[253] = '.';
    name253_dot[254] = '\0';
    snprintf(line, sizeof line, "1.2.3.4 %s", name253_dot);
    CHECK_EQ_INT(parse_str(line, &l), 1);
    name253_dot[253] = '\0';
    snprintf(line, sizeof line, "1.2.3.4 %s", name253_dot);
    CHECK_EQ_INT(parse_str(line, &l), 1);
}

TEST(hosts_F25_v4mapped_line_stays_ipv6)
{
    struct gx_hosts_line l;
    CHECK_EQ_INT(parse_str("::ffff:192.0.2.1 v4m", &l), 1);
    CHECK_EQ_INT(l.addr.family, AF_INET6);
    CHECK_EQ_MEM(l.addr.bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\x00\x02\x01", 16);
}

TEST(hosts_parse_scope_is_returned_unresolved)
{
    struct gx_hosts_line l;
    CHECK_EQ_INT(parse_str("fe80::1%eth0 ll", &l), 1);
    REQUIRE(l.scope != NULL);
    CHECK_EQ_INT(l.scope_len, 4);
    CHECK(memcmp(l.scope, "eth0", 4) == 0);
    CHECK_EQ_INT(l.addr.scope_id, 0);
    CHECK_EQ_INT(parse_str("fe80::1%12 ll", &l), 1);
    CHECK_EQ_INT(l.scope_len, 2);
}

TEST(hosts_parse_scope_on_ipv4_or_empty_is_refused)
{
    struct gx_hosts_line l;
    CHECK_EQ_INT(parse_str("1.2.3.4%1 a", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("1.2.3.4%eth0 a", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("fe80::1% a", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("%eth0 a", &l), GX_E_MALFORMED);
}

/* Every prefix of every line, placed against a guard page: a read past the end faults. */
TEST(hosts_parse_never_reads_past_len)
{
    static const char *const lines[] = {
        "192.0.2.1 host.example alias",
        "fe80::1%eth0 ll # c",
        "fe80::1%",
        "::ffff:192.0.2.1 v4m",
        "1.2.3.4 a#",
        "1.2.3.4\t\t",
        "2001:db8:0:0:0:0:2:1 n.",
        "# only",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        size_t len = strlen(lines[i]);
        for (size_t n = 0; n <= len; n++) {
            char *g = check_guarded_copy(lines[i], n);
            struct gx_hosts_line l;
            int rc = gx_hosts_parse_line(g, n, &l);
            if (rc > 0) {
                CHECK(l.names >= g && l.names + l.names_len <= g + n);
                CHECK(l.scope == NULL || (l.scope >= g && l.scope + l.scope_len <= g + n));
            }
            check_guarded_free(g, n);
        }
    }
}

/* ---- scopes --------------------------------------------------------------------------------- */

static int scope(const char *addr, const char *text, uint32_t *id, int *calls)
{
    struct gx_addr a = addr6_text(addr, 0);
    *id = 0xdeadbeef;
    return gx_scope_parse(a.bytes, text, strlen(text), fake_ifindex, calls, id);
}

TEST(scope_interface_name_on_link_local)
{
    uint32_t id;
    CHECK_EQ_INT(scope("fe80::1", "eth0", &id, NULL), GX_OK);
    CHECK_EQ_INT(id, 2);
    CHECK_EQ_INT(scope("febf::1", "lo", &id, NULL), GX_OK); /* still inside fe80::/10 */
    CHECK_EQ_INT(id, 1);
    CHECK_EQ_INT(scope("fe80::1", "nosuchif", &id, NULL), GX_E_MALFORMED);
}

TEST(scope_interface_name_on_node_and_link_local_multicast)
{
    uint32_t id;
    CHECK_EQ_INT(scope("ff01::1", "eth0", &id, NULL), GX_OK);
    CHECK_EQ_INT(id, 2);
    CHECK_EQ_INT(scope("ff02::1", "eth0", &id, NULL), GX_OK);
    CHECK_EQ_INT(id, 2);
    CHECK_EQ_INT(scope("ff12::1", "lo", &id, NULL), GX_OK); /* transient flag, link scope */
    CHECK_EQ_INT(id, 1);
    CHECK_EQ_INT(scope("ff05::1", "eth0", &id, NULL), GX_E_MALFORMED); /* site-local */
    CHECK_EQ_INT(scope("ff05::1", "3", &id, NULL), GX_OK);
    CHECK_EQ_INT(id, 3);
}

TEST(scope_name_on_global_address_is_numeric_only)
{
    uint32_t id;
    int calls = 0;
    CHECK_EQ_INT(scope("2001:db8::1", "eth0", &id, &calls), GX_E_MALFORMED);
    CHECK_EQ_INT(scope("fec0::1", "eth0", &id, &calls), GX_E_MALFORMED); /* outside fe80::/10 */
    CHECK_EQ_INT(calls, 0);
    CHECK_EQ_INT(scope("2001:db8::1", "5", &id, &calls), GX_OK);
    CHECK_EQ_INT(id, 5);
    CHECK_EQ_INT(scope("::ffff:1.2.3.4", "1", &id, &calls), GX_OK);
    CHECK_EQ_INT(id, 1);
}

TEST(scope_numbers_up_to_32_bits)
{
    uint32_t id;
    CHECK_EQ_INT(scope("fe80::1", "0", &id, NULL), GX_OK); /* "%0": scope 0, as the libc */
    CHECK_EQ_INT(id, 0);
    CHECK_EQ_INT(scope("fe80::1", "007", &id, NULL), GX_OK);
    CHECK_EQ_INT(id, 7);
    CHECK_EQ_INT(scope("fe80::1", "4294967295", &id, NULL), GX_OK);
    CHECK_EQ_INT(id, UINT32_MAX);
    CHECK_EQ_INT(scope("fe80::1", "4294967296", &id, NULL), GX_E_MALFORMED);
    CHECK_EQ_INT(scope("fe80::1", "99999999999", &id, NULL), GX_E_MALFORMED);
    CHECK_EQ_INT(scope("fe80::1", "99999999999999999999999999", &id, NULL), GX_E_MALFORMED);
    CHECK_EQ_INT(id, 0xdeadbeef); /* untouched on failure */
}

TEST(scope_empty_signs_and_junk_are_refused)
{
    static const char *const bad[] = {"", "+5", "-1", " 5", "5 ", "5x", "0x5", "1e3", "eth0 "};
    uint32_t id;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (scope("fe80::1", bad[i], &id, NULL) != GX_E_MALFORMED)
            CHECK_FAIL_AT(__FILE__, __LINE__, "scope \"%s\" was not refused", bad[i]);
}

TEST(scope_interface_name_wins_over_number)
{
    uint32_t id;
    CHECK_EQ_INT(scope("fe80::1", "7", &id, NULL), GX_OK);
    CHECK_EQ_INT(id, 42);
    CHECK_EQ_INT(scope("2001:db8::1", "7", &id, NULL), GX_OK); /* no name lookup: a number */
    CHECK_EQ_INT(id, 7);
}

TEST(scope_without_resolver_is_numeric_only)
{
    struct gx_addr a = addr6_text("fe80::1", 0);
    uint32_t id = 0;
    CHECK_EQ_INT(gx_scope_parse(a.bytes, "lo", 2, NULL, NULL, &id), GX_E_MALFORMED);
    CHECK_EQ_INT(gx_scope_parse(a.bytes, "9", 1, NULL, NULL, &id), GX_OK);
    CHECK_EQ_INT(id, 9);
}

TEST(scope_never_reads_past_len)
{
    static const char *const texts[] = {"4294967295", "eth0", "lo", "7", "x"};
    struct gx_addr a = addr6_text("fe80::1", 0);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t len = strlen(texts[i]);
        char *g = check_guarded_copy(texts[i], len);
        uint32_t id;
        (void)gx_scope_parse(a.bytes, g, len, fake_ifindex, NULL, &id);
        (void)gx_scope_parse(a.bytes, g, len, gx_ifindex_system, NULL, &id);
        check_guarded_free(g, len);
    }
}

TEST(ifindex_system_matches_if_nametoindex)
{
    CHECK_EQ_INT(gx_ifindex_system("lo", 2, NULL), if_nametoindex("lo"));
    CHECK_EQ_INT(gx_ifindex_system("lo0", 2, NULL), if_nametoindex("lo")); /* len, not NUL */
    CHECK_EQ_INT(gx_ifindex_system("", 0, NULL), 0);
    CHECK_EQ_INT(gx_ifindex_system("lo\0x", 4, NULL), 0);
    CHECK_EQ_INT(gx_ifindex_system("a-name-much-too-long-for-ifnamsiz", 33, NULL), 0);
    CHECK_EQ_INT(gx_ifindex_system("gaix-no-such-if", 15, NULL), 0);
}

/* ---- the index: TEST-VECTORS F17-F26 ------------------------------------------------------ */

TEST(hosts_build_empty_file)
{
    struct gx_hosts *h = NULL;
    REQUIRE(gx_hosts_build(NULL, 0, fake_ifindex, NULL, &h) == GX_OK);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "localhost", &ids), 0);
    struct gx_addr a = addr4(127, 0, 0, 1);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &a), GX_E_NOTFOUND);
    CHECK(gx_hosts_entry(h, 0) == NULL);
    struct gx_hosts_stats st;
    gx_hosts_stats(h, &st);
    CHECK_EQ_INT(st.lines, 0);
    CHECK_EQ_INT(st.entries, 0);
    gx_hosts_unref(h);
}

/* A 200 KB line that, at offsets 512, 1024 and 4096, reads "6.6.6.6 victim": if the reader cut
 * the line at some buffer size, its tail would become a line of its own. */
TEST(hosts_F17_long_line_tail_not_read)
{
    size_t long_len = 200 * 1024;
    size_t total = long_len + 64;
    char *text = malloc(total);
    REQUIRE(text != NULL);
    memcpy(text, "1.2.3.4 first\n", 14);
    char *line = text + 14;
    memset(line, 'x', long_len);
    memcpy(line, "10.0.0.1 longline", 17);
    static const size_t offsets[] = {512, 1024, 4096, 8192, 100000};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++)
        memcpy(line + offsets[i] - 1, " 6.6.6.6 victim ", 16);
    size_t len = 14 + long_len;
    len += (size_t)snprintf(text + len, total - len, "\n1.2.3.5 after");
    struct gx_hosts *h = build_n(text, len);
    free(text);
    REQUIRE(h != NULL);

    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "victim", &ids), 0);
    CHECK_EQ_INT(find(h, "longline", &ids), 0);
    struct gx_addr victim = addr4(6, 6, 6, 6);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &victim), GX_E_NOTFOUND);
    CHECK_EQ_INT(find(h, "first", &ids), 1);
    CHECK_EQ_INT(find(h, "after", &ids), 1);
    struct gx_hosts_stats st;
    gx_hosts_stats(h, &st);
    CHECK_EQ_INT(st.lines, 3);
    CHECK_EQ_INT(st.entries, 2);
    CHECK_EQ_INT(st.skipped_long, 1);
    gx_hosts_unref(h);
}

TEST(hosts_F17_long_last_line_without_newline_not_read)
{
    size_t n = GX_CONFIG_LINE_MAX + 100;
    char *text = malloc(n);
    REQUIRE(text != NULL);
    memset(text, ' ', n);
    memcpy(text, "1.2.3.4 a\n", 10);
    memcpy(text + n - 15, "6.6.6.6 victim", 14);
    struct gx_hosts *h = build_n(text, n);
    free(text);
    REQUIRE(h != NULL);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "victim", &ids), 0);
    CHECK_EQ_INT(find(h, "a", &ids), 1);
    gx_hosts_unref(h);
}

TEST(hosts_line_at_the_length_limit_is_read)
{
    /* GX_CONFIG_LINE_MAX bytes exactly (then a CR, which does not count) is read; one more is
     * skipped whole. */
    size_t max = GX_CONFIG_LINE_MAX;
    char *text = malloc(2 * max + 16);
    REQUIRE(text != NULL);
    memset(text, ' ', 2 * max + 16);
    memcpy(text, "1.2.3.4 atmax", 13);
    memcpy(text + max, "\r\n1.2.3.5 over", 14);
    text[max + 2 + max + 1] = '\n';
    struct gx_hosts *h = build_n(text, max + 2 + max + 2);
    free(text);
    REQUIRE(h != NULL);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "atmax", &ids), 1);
    CHECK_EQ_INT(find(h, "over", &ids), 0);
    gx_hosts_unref(h);
}

TEST(hosts_F18_last_line_without_newline_is_used)
{
    struct gx_hosts *h = build("1.2.3.4 a\n5.6.7.8 last");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    REQUIRE(find(h, "last", &ids) == 1);
    struct gx_addr want = addr4(5, 6, 7, 8);
    CHECK(gx_addr_equal(&gx_hosts_entry(h, ids[0])->addr, &want));
    gx_hosts_unref(h);
}

TEST(hosts_F18_crlf_names_have_no_cr)
{
    struct gx_hosts *h = build("1.2.3.4 a b\r\n5.6.7.8 c\r\n");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "b", &ids), 1);
    CHECK_EQ_INT(find(h, "c", &ids), 1);
    CHECK_EQ_INT(find(h, "b\r", &ids), 0);
    CHECK_EQ_STR(canon_of(h, "c"), "c");
    gx_hosts_unref(h);
}

TEST(hosts_F19_comments_and_blank_lines)
{
    struct gx_hosts *h = build("1.2.3.4 a # b\n# 5.6.7.8 c\n   \n\t\n\n1.2.3.5 d#e\n1.2.3.6 # f\n");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "a", &ids), 1);
    CHECK_EQ_INT(find(h, "b", &ids), 0);
    CHECK_EQ_INT(find(h, "c", &ids), 0);
    CHECK_EQ_INT(find(h, "d", &ids), 1);
    CHECK_EQ_INT(find(h, "e", &ids), 0);
    CHECK_EQ_INT(find(h, "f", &ids), 0);
    CHECK_EQ_INT(find(h, "#", &ids), 0);
    struct gx_hosts_stats st;
    gx_hosts_stats(h, &st);
    CHECK_EQ_INT(st.lines, 7);
    CHECK_EQ_INT(st.entries, 2);
    CHECK_EQ_INT(st.skipped, 1); /* "1.2.3.6 # f": an address without a name */
    gx_hosts_unref(h);
}

TEST(hosts_F20_scoped_lines_with_injected_resolver)
{
    struct gx_hosts *h = build("fe80::1%eth0 ll\n"
                               "fe80::2%nosuchif unknown\n"
                               "fe80::3%5 num\n"
                               "2001:db8::1%eth0 global-name\n"
                               "2001:db8::2%6 global-num\n"
                               "1.2.3.4%1 v4scope\n"
                               "fe80::4% empty\n"
                               "fe80::5%99999999999 huge\n"
                               "ff02::1%lo allnodes\n");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    REQUIRE(find(h, "ll", &ids) == 1);
    CHECK_EQ_INT(gx_hosts_entry(h, ids[0])->addr.scope_id, 2);
    REQUIRE(find(h, "num", &ids) == 1);
    CHECK_EQ_INT(gx_hosts_entry(h, ids[0])->addr.scope_id, 5);
    REQUIRE(find(h, "global-num", &ids) == 1);
    CHECK_EQ_INT(gx_hosts_entry(h, ids[0])->addr.scope_id, 6);
    REQUIRE(find(h, "allnodes", &ids) == 1);
    CHECK_EQ_INT(gx_hosts_entry(h, ids[0])->addr.scope_id, 1);
    CHECK_EQ_INT(find(h, "unknown", &ids), 0);
    CHECK_EQ_INT(find(h, "global-name", &ids), 0);
    CHECK_EQ_INT(find(h, "v4scope", &ids), 0);
    CHECK_EQ_INT(find(h, "empty", &ids), 0);
    CHECK_EQ_INT(find(h, "huge", &ids), 0);
    struct gx_hosts_stats st;
    gx_hosts_stats(h, &st);
    CHECK_EQ_INT(st.entries, 4);
    CHECK_EQ_INT(st.skipped, 5);
    gx_hosts_unref(h);
}

TEST(hosts_F20_resolver_argument_is_passed)
{
    char *data = strdup("fe80::1%eth0 a\nfe80::2%lo b\n2001:db8::1%eth0 c\n");
    REQUIRE(data != NULL);
    int calls = 0;
    struct gx_hosts *h = NULL;
    REQUIRE(gx_hosts_build(data, strlen(data), fake_ifindex, &calls, &h) == GX_OK);
    CHECK_EQ_INT(calls, 2); /* not for the global address */
    gx_hosts_unref(h);
}

TEST(hosts_F21_invalid_addresses_skip_line)
{
    struct gx_hosts *h = build("123.123.123 x1\n321.321.321.321 x2\n1.2.3.4.5 x3\n::g x4\n"
                               "1.2.3.4x x5\n010.0.0.1 x6\n127.1 x7\n1.2.3.4 good\n");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    char name[16];
    for (int i = 1; i <= 7; i++) {
        snprintf(name, sizeof name, "x%d", i);
        if (find(h, name, &ids) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s was indexed", name);
    }
    CHECK_EQ_INT(find(h, "good", &ids), 1);
    struct gx_hosts_stats st;
    gx_hosts_stats(h, &st);
    CHECK_EQ_INT(st.skipped, 7);
    gx_hosts_unref(h);
}

TEST(hosts_F22_several_lines_merged_in_file_order)
{
    struct gx_hosts *h = build("10.0.0.9 before\n"
                               "10.0.0.1 multi\n"
                               "10.0.0.2 other\n"
                               "2001:db8::1 multi.\n"
                               "10.0.0.3 first-name MULTI\n"
                               "::1 localhost\n"
                               "10.0.0.4 Multi\n");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    REQUIRE(find(h, "multi", &ids) == 4);
    CHECK_EQ_INT(ids[0], 1);
    CHECK_EQ_INT(ids[1], 3);
    CHECK_EQ_INT(ids[2], 4);
    CHECK_EQ_INT(ids[3], 6);
    struct gx_addr first = addr4(10, 0, 0, 1);
    CHECK(gx_addr_equal(&gx_hosts_entry(h, ids[0])->addr, &first));
    struct gx_addr v6 = addr6_text("2001:db8::1", 0), third = addr4(10, 0, 0, 3);
    CHECK(gx_addr_equal(&gx_hosts_entry(h, ids[1])->addr, &v6));
    CHECK(gx_addr_equal(&gx_hosts_entry(h, ids[2])->addr, &third));
    /* Each entry keeps its own line's canonical name. */
    const struct gx_hosts_entry *e = gx_hosts_entry(h, ids[2]);
    CHECK(e->canon_len == 10 && memcmp(e->canon, "first-name", 10) == 0);
    gx_hosts_unref(h);
}

TEST(hosts_F22_duplicate_lines_are_all_listed)
{
    /* De-duplicating addresses is the caller's job (D5): the index reports what the file says. */
    struct gx_hosts *h = build("1.2.3.4 dup\n1.2.3.4 dup\n1.2.3.4 dup other\n");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    REQUIRE(find(h, "dup", &ids) == 3);
    CHECK(ids[0] == 0 && ids[1] == 1 && ids[2] == 2);
    gx_hosts_unref(h);
}

TEST(hosts_name_twice_on_one_line_lists_it_once)
{
    struct gx_hosts *h = build("1.2.3.4 a A a. b a\n5.6.7.8 a\n");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    REQUIRE(find(h, "a", &ids) == 2);
    CHECK(ids[0] == 0 && ids[1] == 1);
    gx_hosts_unref(h);
}

TEST(hosts_F23_case_insensitive_match)
{
    struct gx_hosts *h = build("127.0.0.1 LocalHost\n10.0.0.1 Mixed.Example.COM alias\n");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "localhost", &ids), 1);
    CHECK_EQ_INT(find(h, "LOCALHOST", &ids), 1);
    CHECK_EQ_INT(find(h, "mixed.example.com", &ids), 1);
    CHECK_EQ_INT(find(h, "ALIAS", &ids), 1);
    CHECK_EQ_STR(canon_of(h, "localhost"), "LocalHost"); /* as written */
    CHECK_EQ_STR(canon_of(h, "ALIAS"), "Mixed.Example.COM");
    gx_hosts_unref(h);
}

TEST(hosts_F23_trailing_dot_ignored_on_both_sides)
{
    struct gx_hosts *h = build("1.2.3.4 thor\n5.6.7.8 odin.\n");
    REQUIRE(h != NULL);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "thor.", &ids), 1);
    CHECK_EQ_INT(find(h, "thor", &ids), 1);
    CHECK_EQ_INT(find(h, "odin", &ids), 1);
    CHECK_EQ_INT(find(h, "ODIN.", &ids), 1);
    CHECK_EQ_INT(find(h, "thor..", &ids), 0);
    CHECK_EQ_INT(find(h, ".", &ids), 0);
    CHECK_EQ_INT(find(h, "", &ids), 0);
    CHECK_EQ_STR(canon_of(h, "odin"), "odin."); /* as written */
    gx_hosts_unref(h);
}

TEST(hosts_F23_canonical_name_is_first_name_of_line)
{
    struct gx_hosts *h = build("1.2.3.4 canon alias1 alias2\n");
    REQUIRE(h != NULL);
    CHECK_EQ_STR(canon_of(h, "alias2"), "canon");
    CHECK_EQ_STR(canon_of(h, "alias1"), "canon");
    CHECK_EQ_STR(canon_of(h, "canon"), "canon");
    gx_hosts_unref(h);
}

TEST(hosts_many_aliases_on_one_line)
{
    /* More names than the size estimate planned for: the tables must grow. */
    char line[GX_CONFIG_LINE_MAX];
    size_t n = (size_t)snprintf(line, sizeof line, "10.1.2.3");
    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, " a%d", i);
    struct gx_hosts *h = build_n(line, n);
    REQUIRE(h != NULL);
    const uint32_t *ids;
    char name[16];
    for (int i = 0; i < 400; i++) {
        snprintf(name, sizeof name, "A%d", i);
        if (find(h, name, &ids) != 1 || ids[0] != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s not found", name);
    }
    CHECK_EQ_STR(canon_of(h, "a399"), "a0");
    gx_hosts_unref(h);
}

TEST(hosts_short_lines_past_the_size_estimate)
{
    /* Lines shorter than the 16 bytes the estimate assumes: arrays and tables grow. */
    size_t cap = 20000 * 16, len = 0;
    char *text = malloc(cap);
    REQUIRE(text != NULL);
    for (unsigned i = 0; i < 20000; i++)
        len += (size_t)snprintf(text + len, cap - len, "::%x h%x\n", i + 1, i);
    struct gx_hosts *h = build_n(text, len);
    free(text);
    REQUIRE(h != NULL);
    struct gx_hosts_stats st;
    gx_hosts_stats(h, &st);
    CHECK_EQ_INT(st.entries, 20000);
    const uint32_t *ids;
    char name[16];
    for (unsigned i = 0; i < 20000; i += 997) {
        snprintf(name, sizeof name, "h%x", i);
        if (find(h, name, &ids) != 1 || ids[0] != i)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s not found as entry %u", name, i);
    }
    struct gx_addr a = addr6_text("::4e20", 0); /* the last line's address, 20000 */
    CHECK_EQ_INT(gx_hosts_find_addr(h, &a), 19999);
    gx_hosts_unref(h);
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(hosts_F24_200k_lines_last_entry_found)
{
    enum { LINES = 200000 };
    size_t cap = (size_t)LINES * 40, len = 0;
    char *text = malloc(cap);
    REQUIRE(text != NULL);
    for (unsigned i = 0; i < LINES; i++)
        len += (size_t)snprintf(text + len, cap - len, "10.%u.%u.%u host-%u.example\n",
                                (i >> 16) & 255, (i >> 8) & 255, i & 255, i);
    struct gx_hosts *h = NULL;
    double t0 = seconds_now();
    REQUIRE(gx_hosts_build(text, len, fake_ifindex, NULL, &h) == GX_OK);
    double t1 = seconds_now();
    printf("hosts_F24: built %d lines (%zu bytes) in %.1f ms\n", LINES, len, (t1 - t0) * 1e3);

    const uint32_t *ids;
    char name[32];
    snprintf(name, sizeof name, "HOST-%u.example.", LINES - 1);
    REQUIRE(find(h, name, &ids) == 1);
    CHECK_EQ_INT(ids[0], LINES - 1);
    CHECK_EQ_STR(canon_of(h, name), "host-199999.example");
    CHECK_EQ_INT(find(h, "host-0.example", &ids), 1);
    CHECK_EQ_INT(find(h, "host-200000.example", &ids), 0);
    struct gx_addr last =
        addr4(10, (LINES - 1) >> 16 & 255, (LINES - 1) >> 8 & 255, (LINES - 1) & 255);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &last), LINES - 1);
    struct gx_hosts_stats st;
    gx_hosts_stats(h, &st);
    CHECK_EQ_INT(st.entries, LINES);
    gx_hosts_unref(h);
}

TEST(hosts_F25_v4mapped_entry_stays_ipv6)
{
    struct gx_hosts *h = build("::ffff:192.0.2.1 v4m\n");
    REQUIRE(h != NULL);
    CHECK_EQ_INT(family_of(h, "v4m"), AF_INET6);
    /* Reverse lookups compare family and bytes: turning a mapped address into IPv4 (or back)
     * is the caller's choice, not the index's. */
    struct gx_addr mapped = addr6_text("::ffff:192.0.2.1", 0), plain = addr4(192, 0, 2, 1);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &mapped), 0);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &plain), GX_E_NOTFOUND);
    gx_hosts_unref(h);
}

TEST(hosts_F26_bad_names_skip_whole_line)
{
    char text[700];
    char long_name[300];
    memset(long_name, 'l', 254);
    long_name[254] = '\0';
    snprintf(text, sizeof text,
             "1.2.3.4 good1 bad\x01name\n"
             "1.2.3.5 good2 %s\n"
             "1.2.3.6 good3 a..b\n"
             "1.2.3.7 good4 \xff\xfe\n"
             "1.2.3.8 fine\n",
             long_name);
    struct gx_hosts *h = build(text);
    REQUIRE(h != NULL);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "good1", &ids), 0);
    CHECK_EQ_INT(find(h, "good2", &ids), 0);
    CHECK_EQ_INT(find(h, "good3", &ids), 0);
    CHECK_EQ_INT(find(h, "good4", &ids), 0);
    CHECK_EQ_INT(find(h, long_name, &ids), 0);
    CHECK_EQ_INT(find(h, "fine", &ids), 1);
    gx_hosts_unref(h);
}

TEST(hosts_nul_line_skipped_others_kept)
{
    static const char text[] = "1.2.3.4 a\0b\n\0\n5.6.7.8 c\n";
    struct gx_hosts *h = build_n(text, sizeof text - 1);
    REQUIRE(h != NULL);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "a", &ids), 0);
    CHECK_EQ_INT(find(h, "c", &ids), 1);
    struct gx_hosts_stats st;
    gx_hosts_stats(h, &st);
    CHECK_EQ_INT(st.skipped_nul, 2);
    CHECK_EQ_INT(st.entries, 1);
    gx_hosts_unref(h);
}

TEST(hosts_reverse_lookup_first_line_with_same_scope)
{
    struct gx_hosts *h = build("1.2.3.4 a\n"
                               "1.2.3.4 b\n"
                               "fe80::1%eth0 c\n"
                               "fe80::1%lo d\n"
                               "fe80::1 e\n"
                               "fe80::1%2 f\n");
    REQUIRE(h != NULL);
    struct gx_addr a = addr4(1, 2, 3, 4), other = addr4(1, 2, 3, 5);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &a), 0);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &other), GX_E_NOTFOUND);
    struct gx_addr s2 = addr6_text("fe80::1", 2), s1 = addr6_text("fe80::1", 1),
                   s0 = addr6_text("fe80::1", 0), s3 = addr6_text("fe80::1", 3);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &s2), 2);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &s1), 3);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &s0), 4);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &s3), GX_E_NOTFOUND);
    /* IPv4 1.2.3.4 and IPv6 ::102:304 share their first bytes but are different addresses. */
    struct gx_addr compat = addr6_text("::102:304", 0);
    CHECK_EQ_INT(gx_hosts_find_addr(h, &compat), GX_E_NOTFOUND);
    struct gx_addr bad = a;
    bad.family = AF_UNIX;
    CHECK_EQ_INT(gx_hosts_find_addr(h, &bad), GX_E_NOTFOUND);
    gx_hosts_unref(h);
}

TEST(hosts_queries_longer_than_any_name)
{
    struct gx_hosts *h = build("1.2.3.4 a\n");
    REQUIRE(h != NULL);
    char q[1000];
    memset(q, 'a', sizeof q);
    const uint32_t *ids;
    CHECK_EQ_INT(gx_hosts_find(h, q, sizeof q, &ids), 0);
    CHECK_EQ_INT(gx_hosts_find(h, q, 1, &ids), 1);
    gx_hosts_unref(h);
}

TEST(hosts_reference_counting_keeps_index_alive)
{
    struct gx_hosts *h = build("1.2.3.4 a\n");
    REQUIRE(h != NULL);
    gx_hosts_ref(h);
    gx_hosts_unref(h);
    const uint32_t *ids;
    CHECK_EQ_INT(find(h, "a", &ids), 1); /* still alive: one reference left */
    gx_hosts_unref(h);                   /* freed here; LSan reports a leak otherwise */
    gx_hosts_unref(NULL);
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(hosts_parse_ipv4_line_with_aliases), CHECK_ENTRY(hosts_parse_ipv6_line),
        CHECK_ENTRY(hosts_parse_blank_and_comment_lines_are_empty),
        CHECK_ENTRY(hosts_parse_every_c_locale_space_separates),
        CHECK_ENTRY(hosts_F19_hash_anywhere_ends_the_line),
        CHECK_ENTRY(hosts_F21_invalid_addresses_refuse_the_line),
        CHECK_ENTRY(hosts_parse_address_without_names_is_refused),
        CHECK_ENTRY(hosts_F26_one_bad_name_refuses_the_whole_line),
        CHECK_ENTRY(hosts_F25_v4mapped_line_stays_ipv6),
        CHECK_ENTRY(hosts_parse_scope_is_returned_unresolved),
        CHECK_ENTRY(hosts_parse_scope_on_ipv4_or_empty_is_refused),
        CHECK_ENTRY(hosts_parse_never_reads_past_len),
        CHECK_ENTRY(scope_interface_name_on_link_local),
        CHECK_ENTRY(scope_interface_name_on_node_and_link_local_multicast),
        CHECK_ENTRY(scope_name_on_global_address_is_numeric_only),
        CHECK_ENTRY(scope_numbers_up_to_32_bits),
        CHECK_ENTRY(scope_empty_signs_and_junk_are_refused),
        CHECK_ENTRY(scope_interface_name_wins_over_number),
        CHECK_ENTRY(scope_without_resolver_is_numeric_only),
        CHECK_ENTRY(scope_never_reads_past_len), CHECK_ENTRY(ifindex_system_matches_if_nametoindex),
        CHECK_ENTRY(hosts_build_empty_file), CHECK_ENTRY(hosts_F17_long_line_tail_not_read),
        CHECK_ENTRY(hosts_F17_long_last_line_without_newline_not_read),
        CHECK_ENTRY(hosts_line_at_the_length_limit_is_read),
        CHECK_ENTRY(hosts_F18_last_line_without_newline_is_used),
        CHECK_ENTRY(hosts_F18_crlf_names_have_no_cr),
        CHECK_ENTRY(hosts_F19_comments_and_blank_lines),
        CHECK_ENTRY(hosts_F20_scoped_lines_with_injected_resolver),
        CHECK_ENTRY(hosts_F20_resolver_argument_is_passed),
        CHECK_ENTRY(hosts_F21_invalid_addresses_skip_line),
        CHECK_ENTRY(hosts_F22_several_lines_merged_in_file_order),
        CHECK_ENTRY(hosts_F22_duplicate_lines_are_all_listed),
        CHECK_ENTRY(hosts_name_twice_on_one_line_lists_it_once),
        CHECK_ENTRY(hosts_F23_case_insensitive_match),
        CHECK_ENTRY(hosts_F23_trailing_dot_ignored_on_both_sides),
        CHECK_ENTRY(hosts_F23_canonical_name_is_first_name_of_line),
        CHECK_ENTRY(hosts_many_aliases_on_one_line),
        CHECK_ENTRY(hosts_short_lines_past_the_size_estimate),
        CHECK_ENTRY(hosts_F24_200k_lines_last_entry_found),
        CHECK_ENTRY(hosts_F25_v4mapped_entry_stays_ipv6),
        CHECK_ENTRY(hosts_F26_bad_names_skip_whole_line),
        CHECK_ENTRY(hosts_nul_line_skipped_others_kept),
        CHECK_ENTRY(hosts_reverse_lookup_first_line_with_same_scope),
        CHECK_ENTRY(hosts_queries_longer_than_any_name),
        CHECK_ENTRY(hosts_reference_counting_keeps_index_alive)));
}
