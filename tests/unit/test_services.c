/*
 * Tests of the services database: the line parser, the protocol names, and the index built from
 * a whole file (config/services.h). TEST-VECTORS F27 has tests named after it; the lookups
 * follow what glibc's getservbyname_r() and getservbyport_r() answer for the same file.
 */
#include <stdint.h>

#include "check.h"
#include "config/services.h"
#include "core/limits.h"
#include "core/status.h"

#define TCP (1u << GX_PROTO_TCP)
#define UDP (1u << GX_PROTO_UDP)
#define DCCP (1u << GX_PROTO_DCCP)
#define UDPLITE (1u << GX_PROTO_UDPLITE)
#define SCTP (1u << GX_PROTO_SCTP)

static int parse_str(const char *line, struct gx_services_line *out)
{
    return gx_services_parse_line(line, strlen(line), out);
}

/* Builds an index from `len` bytes of text (a copy: the index takes ownership of its buffer). */
static struct gx_services *build_n(const char *text, size_t len)
{
    char *data = malloc(len ? len : 1);
    if (data == NULL)
        return NULL;
    memcpy(data, text, len);
    struct gx_services *s = NULL;
    if (gx_services_build(data, len, &s) != GX_OK)
        return NULL;
    return s;
}

static struct gx_services *build(const char *text)
{
    return build_n(text, strlen(text));
}

static unsigned ports_of(const struct gx_services *s, const char *name, uint16_t ports[])
{
    return gx_services_ports(s, name, strlen(name), ports);
}

/* The name for (port, proto) as a C string, "" when there is none. */
static const char *name_of(const struct gx_services *s, uint16_t port, enum gx_proto proto)
{
    static char buf[GX_CONFIG_LINE_MAX + 1];
    const char *name;
    int n = gx_services_name(s, port, proto, &name);
    if (n < 0)
        return "";
    memcpy(buf, name, (size_t)n);
    buf[n] = '\0';
    return buf;
}

/* ---- the line parser ------------------------------------------------------------------------ */

TEST(services_parse_line_with_aliases)
{
    struct gx_services_line l;
    const char *line = "http\t80/tcp  www www-http # WorldWideWeb HTTP";
    REQUIRE(parse_str(line, &l) == 1);
    CHECK(l.name == line && l.name_len == 4);
    CHECK_EQ_INT(l.port, 80);
    CHECK_EQ_INT(l.proto, GX_PROTO_TCP);
    REQUIRE(l.aliases != NULL);
    CHECK_EQ_INT(l.aliases_len, strlen("www www-http"));
    CHECK(memcmp(l.aliases, "www www-http", l.aliases_len) == 0);
}

TEST(services_parse_line_without_aliases)
{
    struct gx_services_line l;
    REQUIRE(parse_str("  domain 53/udp   ", &l) == 1);
    CHECK_EQ_INT(l.port, 53);
    CHECK_EQ_INT(l.proto, GX_PROTO_UDP);
    CHECK(l.aliases == NULL);
    CHECK_EQ_INT(l.aliases_len, 0);
}

TEST(services_parse_blank_and_comment_lines_are_empty)
{
    struct gx_services_line l;
    CHECK_EQ_INT(parse_str("", &l), 0);
    CHECK_EQ_INT(parse_str(" \t\v\f\r", &l), 0);
    CHECK_EQ_INT(parse_str("# http 80/tcp", &l), 0);
    CHECK_EQ_INT(parse_str("\t#", &l), 0);
}

TEST(services_parse_hash_anywhere_ends_the_line)
{
    struct gx_services_line l;
    REQUIRE(parse_str("http 80/tcp www#comment", &l) == 1);
    CHECK_EQ_INT(l.aliases_len, 3);
    CHECK_EQ_INT(parse_str("http 80#/tcp", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("http #80/tcp", &l), GX_E_MALFORMED);
}

TEST(services_F27_bad_ports_refuse_the_line)
{
    static const char *const bad[] = {
        "bad 99999/tcp",
        "bad2 -1/tcp",
        "bad3 80",
        "bad +80/tcp",
        "bad 80x/tcp",
        "bad 65536/tcp",
        "bad 0x50/tcp",
        "bad 80/",
        "bad /tcp",
        "bad 8 0/tcp",
        "bad",
        "bad 1e3/tcp",
        "bad 80 /tcp",
        "bad 4294967376/tcp",
        "bad 00000000000000000000000000000000000000099999/tcp",
    };
    struct gx_services_line l;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse_str(bad[i], &l) != GX_E_MALFORMED)
            CHECK_FAIL_AT(__FILE__, __LINE__, "\"%s\" was not refused", bad[i]);
}

TEST(services_F27_port_limits)
{
    struct gx_services_line l;
    REQUIRE(parse_str("top 65535/tcp", &l) == 1);
    CHECK_EQ_INT(l.port, 65535);
    REQUIRE(parse_str("zero 0/udp", &l) == 1);
    CHECK_EQ_INT(l.port, 0);
    /* Leading zeros are still decimal (glibc's strtoul reads them so too). */
    REQUIRE(parse_str("lead 0080/tcp", &l) == 1);
    CHECK_EQ_INT(l.port, 80);
}

TEST(services_F27_unknown_protocol_is_not_indexed)
{
    struct gx_services_line l;
    CHECK_EQ_INT(parse_str("bad4 80/sctpx", &l), GX_E_NOTFOUND);
    CHECK_EQ_INT(parse_str("x 80/TCP", &l), GX_E_NOTFOUND);
    CHECK_EQ_INT(parse_str("x 80/ddp", &l), GX_E_NOTFOUND);
    CHECK_EQ_INT(parse_str("x 80/tcp/udp", &l), GX_E_NOTFOUND);
    CHECK_EQ_INT(parse_str("x 80//tcp", &l), GX_E_NOTFOUND);
    /* A bad name makes the line malformed, whatever its protocol. */
    CHECK_EQ_INT(parse_str("x 80/ddp bad\x01", &l), GX_E_MALFORMED);
}

TEST(services_all_five_protocols)
{
    static const char *const lines[] = {"a 1/tcp", "a 1/udp", "a 1/dccp", "a 1/udplite",
                                        "a 1/sctp"};
    struct gx_services_line l;
    for (int p = 0; p < GX_PROTO_COUNT; p++) {
        REQUIRE(parse_str(lines[p], &l) == 1);
        CHECK_EQ_INT(l.proto, p);
    }
}

TEST(services_F27_bad_name_bytes_refuse_the_line)
{
    struct gx_services_line l;
    CHECK_EQ_INT(parse_str("ht\x01tp 80/tcp", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("http 80/tcp w\x7fw", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("http 80/tcp ok \x80", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("\xc3\xa9t\xc3\xa9 80/tcp", &l), GX_E_MALFORMED);
    CHECK_EQ_INT(parse_str("http 80/t\x01p", &l), GX_E_MALFORMED);
    /* A NUL inside the line (when a caller passes one) is a bad byte, not an end. */
    CHECK_EQ_INT(gx_services_parse_line("http 80/tcp w\0w", 15, &l), GX_E_MALFORMED);
    /* Vertical tab and form feed are white space in the C locale: separators, not bad bytes. */
    CHECK_EQ_INT(parse_str("http\v80/tcp\fwww", &l), 1);
}

TEST(services_protocol_names_round_trip)
{
    for (int p = 0; p < GX_PROTO_COUNT; p++) {
        const char *name = gx_proto_name((enum gx_proto)p);
        REQUIRE(name != NULL);
        CHECK_EQ_INT(gx_proto_from_name(name, strlen(name)), p);
    }
    CHECK_EQ_STR(gx_proto_name(GX_PROTO_UDPLITE), "udplite");
    CHECK(gx_proto_name(GX_PROTO_COUNT) == NULL);
    CHECK_EQ_INT(gx_proto_from_name("tc", 2), GX_E_NOTFOUND);
    CHECK_EQ_INT(gx_proto_from_name("tcpx", 4), GX_E_NOTFOUND);
    CHECK_EQ_INT(gx_proto_from_name("udp", 2), GX_E_NOTFOUND);
    CHECK_EQ_INT(gx_proto_from_name("Udp", 3), GX_E_NOTFOUND);
    CHECK_EQ_INT(gx_proto_from_name("", 0), GX_E_NOTFOUND);
}

/* Every prefix of every line, placed against a guard page: a read past the end faults. */
TEST(services_parse_never_reads_past_len)
{
    static const char *const lines[] = {
        "http 80/tcp www www-http # c",
        "bad 99999/tcp",
        "x 65535/udplite",
        "x 80/",
        "x 80",
        "x 80/sctp a",
        "#",
        "name",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        size_t len = strlen(lines[i]);
        for (size_t n = 0; n <= len; n++) {
            char *g = check_guarded_copy(lines[i], n);
            struct gx_services_line l;
            if (gx_services_parse_line(g, n, &l) == 1) {
                CHECK(l.name >= g && l.name + l.name_len <= g + n);
                CHECK(l.aliases == NULL || (l.aliases >= g && l.aliases + l.aliases_len <= g + n));
            }
            check_guarded_free(g, n);
        }
        char *g = check_guarded_copy(lines[i], len);
        (void)gx_proto_from_name(g, len);
        check_guarded_free(g, len);
    }
}

/* ---- the index ------------------------------------------------------------------------------ */

TEST(services_F27_file_valid_lines_work_invalid_ignored)
{
    size_t long_len = 10 * 1024;
    size_t cap = long_len + 512, len = 0;
    char *text = malloc(cap);
    REQUIRE(text != NULL);
    static const char head[] = "http 80/tcp www\n"
                               "http 80/udp\n"
                               "bad 99999/tcp\n"
                               "bad2 -1/tcp\n"
                               "bad3 80\n"
                               "bad4 80/sctpx\n";
    memcpy(text, head, sizeof head - 1);
    len = sizeof head - 1;
    /* A 10 KB line that, past the line limit, reads like a line of its own. */
    memset(text + len, ' ', long_len);
    memcpy(text + len, "longline 7/tcp", 14);
    memcpy(text + len + GX_CONFIG_LINE_MAX + 10, "victim 6/tcp", 12);
    len += long_len;
    static const char tail[] = "\nnul\0name 1/tcp\nlast 9/udp";
    memcpy(text + len, tail, sizeof tail - 1);
    len += sizeof tail - 1;

    struct gx_services *s = build_n(text, len);
    free(text);
    REQUIRE(s != NULL);
    uint16_t ports[GX_PROTO_COUNT];
    CHECK_EQ_INT(ports_of(s, "www", ports), TCP); /* the alias: getaddrinfo(service="www") */
    CHECK_EQ_INT(ports[GX_PROTO_TCP], 80);
    CHECK_EQ_INT(ports_of(s, "http", ports), TCP | UDP);
    CHECK_EQ_INT(ports[GX_PROTO_TCP], 80);
    CHECK_EQ_INT(ports[GX_PROTO_UDP], 80);
    static const char *const absent[] = {"bad",      "bad2",   "bad3", "bad4",
                                         "longline", "victim", "nul",  "name"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        if (ports_of(s, absent[i], ports) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s was indexed", absent[i]);
    CHECK_EQ_INT(ports_of(s, "last", ports), UDP); /* no final newline */
    CHECK_EQ_INT(ports[GX_PROTO_UDP], 9);
    CHECK_EQ_STR(name_of(s, 6, GX_PROTO_TCP), "");
    gx_services_unref(s);
}

TEST(services_first_line_wins_per_protocol)
{
    struct gx_services *s = build("a 1/tcp\n"
                                  "a 2/tcp\n"
                                  "a 3/udp\n"
                                  "b 4/sctp a\n"
                                  "a 5/udp\n");
    REQUIRE(s != NULL);
    uint16_t ports[GX_PROTO_COUNT];
    CHECK_EQ_INT(ports_of(s, "a", ports), TCP | UDP | SCTP);
    CHECK_EQ_INT(ports[GX_PROTO_TCP], 1);
    CHECK_EQ_INT(ports[GX_PROTO_UDP], 3);
    CHECK_EQ_INT(ports[GX_PROTO_SCTP], 4);
    CHECK_EQ_INT(ports[GX_PROTO_DCCP], 0); /* protocols not found are zeroed */
    gx_services_unref(s);
}

TEST(services_alias_on_earlier_line_wins_over_later_name)
{
    /* getservbyname("y", "tcp") returns the first line listing "y" in any role. */
    struct gx_services *s = build("x 10/tcp y\ny 20/tcp\ny 21/dccp\n");
    REQUIRE(s != NULL);
    uint16_t ports[GX_PROTO_COUNT];
    CHECK_EQ_INT(ports_of(s, "y", ports), TCP | DCCP);
    CHECK_EQ_INT(ports[GX_PROTO_TCP], 10);
    CHECK_EQ_INT(ports[GX_PROTO_DCCP], 21);
    gx_services_unref(s);
}

TEST(services_names_are_case_sensitive)
{
    struct gx_services *s = build("http 80/tcp WWW\n");
    REQUIRE(s != NULL);
    uint16_t ports[GX_PROTO_COUNT];
    CHECK_EQ_INT(ports_of(s, "HTTP", ports), 0);
    CHECK_EQ_INT(ports_of(s, "www", ports), 0);
    CHECK_EQ_INT(ports_of(s, "WWW", ports), TCP);
    CHECK_EQ_INT(ports_of(s, "http", ports), TCP);
    gx_services_unref(s);
}

TEST(services_reverse_lookup_first_line_name)
{
    struct gx_services *s = build("http 80/tcp www\n"
                                  "www 80/tcp\n"
                                  "http-alt 80/udp\n"
                                  "zero 0/tcp\n"
                                  "lite 65535/udplite\n"
                                  "other 80/ddp\n");
    REQUIRE(s != NULL);
    CHECK_EQ_STR(name_of(s, 80, GX_PROTO_TCP), "http");
    CHECK_EQ_STR(name_of(s, 80, GX_PROTO_UDP), "http-alt");
    CHECK_EQ_STR(name_of(s, 0, GX_PROTO_TCP), "zero");
    CHECK_EQ_STR(name_of(s, 65535, GX_PROTO_UDPLITE), "lite");
    CHECK_EQ_STR(name_of(s, 81, GX_PROTO_TCP), "");
    CHECK_EQ_STR(name_of(s, 80, GX_PROTO_SCTP), "");
    const char *name;
    CHECK_EQ_INT(gx_services_name(s, 80, GX_PROTO_COUNT, &name), GX_E_NOTFOUND);
    CHECK_EQ_INT(gx_services_name(s, 80, (enum gx_proto) - 1, &name), GX_E_NOTFOUND);
    gx_services_unref(s);
}

TEST(services_crlf_names_have_no_cr)
{
    struct gx_services *s = build("http 80/tcp www\r\nssh 22/tcp\r\n");
    REQUIRE(s != NULL);
    uint16_t ports[GX_PROTO_COUNT];
    CHECK_EQ_INT(ports_of(s, "www", ports), TCP);
    CHECK_EQ_INT(ports_of(s, "www\r", ports), 0);
    CHECK_EQ_INT(ports_of(s, "ssh", ports), TCP);
    CHECK_EQ_INT(ports[GX_PROTO_TCP], 22);
    gx_services_unref(s);
}

TEST(services_empty_file_and_empty_query)
{
    struct gx_services *s = NULL;
    REQUIRE(gx_services_build(NULL, 0, &s) == GX_OK);
    uint16_t ports[GX_PROTO_COUNT];
    CHECK_EQ_INT(ports_of(s, "http", ports), 0);
    CHECK_EQ_STR(name_of(s, 80, GX_PROTO_TCP), "");
    gx_services_unref(s);

    s = build("http 80/tcp\n");
    REQUIRE(s != NULL);
    CHECK_EQ_INT(gx_services_ports(s, "", 0, ports), 0);
    char q[GX_CONFIG_LINE_MAX + 10];
    memset(q, 'h', sizeof q);
    CHECK_EQ_INT(gx_services_ports(s, q, sizeof q, ports), 0);
    gx_services_unref(s);
}

TEST(services_large_file_every_name_found)
{
    enum { LINES = 20000 };
    size_t cap = (size_t)LINES * 40, len = 0;
    char *text = malloc(cap);
    REQUIRE(text != NULL);
    for (unsigned i = 0; i < LINES; i++)
        len += (size_t)snprintf(text + len, cap - len, "svc%u %u/%s alias%u\n", i, i,
                                i % 2 ? "udp" : "tcp", i);
    struct gx_services *s = build_n(text, len);
    free(text);
    REQUIRE(s != NULL);
    uint16_t ports[GX_PROTO_COUNT];
    char name[32];
    for (unsigned i = 0; i < LINES; i++) {
        snprintf(name, sizeof name, "alias%u", i);
        unsigned want = i % 2 ? UDP : TCP;
        if (ports_of(s, name, ports) != want || ports[i % 2] != i)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s: wrong answer", name);
        snprintf(name, sizeof name, "svc%u", i);
        if (strcmp(name_of(s, (uint16_t)i, (enum gx_proto)(i % 2)), name) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "port %u: wrong name", i);
    }
    gx_services_unref(s);
}

TEST(services_reference_counting_keeps_index_alive)
{
    struct gx_services *s = build("http 80/tcp\n");
    REQUIRE(s != NULL);
    gx_services_ref(s);
    gx_services_unref(s);
    uint16_t ports[GX_PROTO_COUNT];
    CHECK_EQ_INT(ports_of(s, "http", ports), TCP);
    gx_services_unref(s);
    gx_services_unref(NULL);
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(services_parse_line_with_aliases),
                                 CHECK_ENTRY(services_parse_line_without_aliases),
                                 CHECK_ENTRY(services_parse_blank_and_comment_lines_are_empty),
                                 CHECK_ENTRY(services_parse_hash_anywhere_ends_the_line),
                                 CHECK_ENTRY(services_F27_bad_ports_refuse_the_line),
                                 CHECK_ENTRY(services_F27_port_limits),
                                 CHECK_ENTRY(services_F27_unknown_protocol_is_not_indexed),
                                 CHECK_ENTRY(services_all_five_protocols),
                                 CHECK_ENTRY(services_F27_bad_name_bytes_refuse_the_line),
                                 CHECK_ENTRY(services_protocol_names_round_trip),
                                 CHECK_ENTRY(services_parse_never_reads_past_len),
                                 CHECK_ENTRY(services_F27_file_valid_lines_work_invalid_ignored),
                                 CHECK_ENTRY(services_first_line_wins_per_protocol),
                                 CHECK_ENTRY(services_alias_on_earlier_line_wins_over_later_name),
                                 CHECK_ENTRY(services_names_are_case_sensitive),
                                 CHECK_ENTRY(services_reverse_lookup_first_line_name),
                                 CHECK_ENTRY(services_crlf_names_have_no_cr),
                                 CHECK_ENTRY(services_empty_file_and_empty_query),
                                 CHECK_ENTRY(services_large_file_every_name_found),
                                 CHECK_ENTRY(services_reference_counting_keeps_index_alive)));
}
