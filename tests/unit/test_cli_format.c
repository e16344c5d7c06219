/*
 * The four output formats of the gaix command (tools/gaix/format_*.c) on hand-built addrinfo
 * lists: IPv4, IPv6, scoped link-local, IPv4-mapped, canonical names that need quoting, socket
 * types, protocols and families that have no name, and entries without an address.
 *
 * Where the expected text comes from:
 *   python  Debian's /usr/bin/python3 printing the same tuples (a real getaddrinfo() list prints
 *           the same way once family and type are ints); the scoped-address form ('fe80::1'
 *           with scope 1, no "%lo") from socket.getaddrinfo('fe80::1%lo', 80) on this machine.
 *   getent  `getent ahosts localhost`, `getent ahosts fe80::1%lo` and `getent ahosts
 *           2001:db8:1111:2222:3333:4444:5555:6666%1` read with od -c (glibc 2.36).
 *   json, table  the formats' own specification (format_json.c, format_table.c); the scoped
 *           table address is checked against the C library's getnameinfo(NI_NUMERICHOST).
 *   reverse (--reverse, getnameinfo()'s answer) python: Debian's /usr/bin/python3 printing
 *           socket.getnameinfo() tuples; getent: `getent hosts 127.0.0.1` read with od -c, and
 *           its print_hosts() format ("%-15s %s"); json and table their own specification.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "format.h"
#include "gaix.h"

/* ---- building lists ------------------------------------------------------------------------ */

/* One entry and the storage it points to. */
struct entry {
    struct addrinfo ai;
    struct sockaddr_storage ss;
    char canon[64];
};

static void entry_common(struct entry *e, int family, int socktype, int protocol, const char *canon)
{
    e->ai.ai_family = family;
    e->ai.ai_socktype = socktype;
    e->ai.ai_protocol = protocol;
    e->ai.ai_addr = (struct sockaddr *)&e->ss;
    e->ai.ai_next = NULL;
    if (canon) {
        snprintf(e->canon, sizeof e->canon, "%s", canon);
        e->ai.ai_canonname = e->canon;
    }
}

static struct addrinfo *entry_inet(struct entry *e, const char *addr, unsigned port, int socktype,
                                   int protocol, const char *canon)
{
    memset(e, 0, sizeof *e);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
        abort();
    memcpy(&e->ss, &sin, sizeof sin);
    entry_common(e, AF_INET, socktype, protocol, canon);
    e->ai.ai_addrlen = sizeof sin;
    return &e->ai;
}

static struct addrinfo *entry_inet6(struct entry *e, const char *addr, unsigned port,
                                    uint32_t flowinfo, uint32_t scope_id, int socktype,
                                    int protocol, const char *canon)
{
    memset(e, 0, sizeof *e);
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons((uint16_t)port);
    sin6.sin6_flowinfo = htonl(flowinfo);
    sin6.sin6_scope_id = scope_id;
    if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1)
        abort();
    memcpy(&e->ss, &sin6, sizeof sin6);
    entry_common(e, AF_INET6, socktype, protocol, canon);
    e->ai.ai_addrlen = sizeof sin6;
    return &e->ai;
}

/* An entry of a family this tool cannot read, sa_data as given (14 bytes). */
static struct addrinfo *entry_other(struct entry *e, int family, const unsigned char data[14],
                                    int socktype)
{
    memset(e, 0, sizeof *e);
    struct sockaddr sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_family = (sa_family_t)family;
    memcpy(sa.sa_data, data, sizeof sa.sa_data);
    memcpy(&e->ss, &sa, sizeof sa);
    entry_common(e, family, socktype, 0, NULL);
    e->ai.ai_addrlen = sizeof sa;
    return &e->ai;
}

/* Links the n entries in order and returns the head. */
static struct addrinfo *chain(struct addrinfo *const items[], size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        items[i]->ai_next = items[i + 1];
    items[n - 1]->ai_next = NULL;
    return items[0];
}

#define CHAIN(...)                                                                                 \
    chain((struct addrinfo *const[]){__VA_ARGS__},                                                 \
          sizeof((struct addrinfo *const[]){__VA_ARGS__}) / sizeof(struct addrinfo *))

typedef void list_format_fn(FILE *out, const struct addrinfo *list);

/* A format's output as a string (free it). */
static char *render(list_format_fn *fn, const struct addrinfo *list)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        abort();
    fn(f, list);
    fclose(f);
    return buf;
}

static const struct cli_query *json_query_for_tests;

static void json_with_query(FILE *out, const struct addrinfo *list)
{
    cli_format_json(out, json_query_for_tests, list);
}

#define CHECK_RENDER(fn, list, expected)                                                           \
    do {                                                                                           \
        char *got_ = render(fn, list);                                                             \
        CHECK_EQ_STR(got_, expected);                                                              \
        free(got_);                                                                                \
    } while (0)

/* ---- python -------------------------------------------------------------------------------- */

TEST(python_ipv4_stream)
{
    struct entry a;
    CHECK_RENDER(cli_format_python, entry_inet(&a, "127.0.0.1", 21, SOCK_STREAM, IPPROTO_TCP, NULL),
                 "[(2, 1, 6, '', ('127.0.0.1', 21))]\n");
}

TEST(python_mixed_list_in_order)
{
    struct entry a, b, c;
    struct addrinfo *list =
        CHAIN(entry_inet6(&a, "::1", 80, 0, 0, SOCK_STREAM, IPPROTO_TCP, "localhost"),
              entry_inet(&b, "127.0.0.1", 80, SOCK_DGRAM, IPPROTO_UDP, NULL),
              entry_inet(&c, "127.0.0.1", 80, SOCK_RAW, 0, NULL));
    CHECK_RENDER(cli_format_python, list,
                 "[(10, 1, 6, 'localhost', ('::1', 80, 0, 0)), (2, 2, 17, '', ('127.0.0.1', 80)), "
                 "(2, 3, 0, '', ('127.0.0.1', 80))]\n");
}

TEST(python_ipv6_scope_and_flowinfo_are_numbers_not_text)
{
    /* Python 3.11: getaddrinfo('fe80::1%lo', 80, type=SOCK_STREAM) gives
     * [(10, 1, 6, '', ('fe80::1', 80, 0, 1))]: no "%lo" in the host text. */
    struct entry a, b;
    struct addrinfo *list = CHAIN(
        entry_inet6(&a, "fe80::1", 80, 0, 1, SOCK_STREAM, IPPROTO_TCP, NULL),
        entry_inet6(&b, "2001:db8::1", 65535, 0x12345, 4000000000u, SOCK_DGRAM, IPPROTO_UDP, NULL));
    CHECK_RENDER(cli_format_python, list,
                 "[(10, 1, 6, '', ('fe80::1', 80, 0, 1)), "
                 "(10, 2, 17, '', ('2001:db8::1', 65535, 74565, 4000000000))]\n");
}

TEST(python_v4mapped_and_wildcards)
{
    struct entry a, b, c;
    struct addrinfo *list =
        CHAIN(entry_inet6(&a, "::ffff:192.0.2.10", 80, 0, 0, SOCK_STREAM, IPPROTO_TCP, NULL),
              entry_inet(&b, "0.0.0.0", 0, SOCK_STREAM, IPPROTO_TCP, NULL),
              entry_inet6(&c, "::", 0, 0, 0, SOCK_STREAM, IPPROTO_TCP, NULL));
    CHECK_RENDER(cli_format_python, list,
                 "[(10, 1, 6, '', ('::ffff:192.0.2.10', 80, 0, 0)), "
                 "(2, 1, 6, '', ('0.0.0.0', 0)), (10, 1, 6, '', ('::', 0, 0, 0))]\n");
}

TEST(python_canonname_quoting)
{
    struct entry a, b, c, d;
    struct addrinfo *list =
        CHAIN(entry_inet(&a, "192.0.2.1", 1, SOCK_STREAM, IPPROTO_TCP, "it's"),
              entry_inet(&b, "192.0.2.1", 1, SOCK_STREAM, IPPROTO_TCP, "both'\""),
              entry_inet(&c, "192.0.2.1", 1, SOCK_STREAM, IPPROTO_TCP, "back\\slash\ttab"),
              entry_inet(&d, "192.0.2.1", 1, SOCK_STREAM, IPPROTO_TCP, "caf\xc3\xa9\xc2\xa0"));
    CHECK_RENDER(cli_format_python, list,
                 "[(2, 1, 6, \"it's\", ('192.0.2.1', 1)), "
                 "(2, 1, 6, 'both\\'\"', ('192.0.2.1', 1)), "
                 "(2, 1, 6, 'back\\\\slash\\ttab', ('192.0.2.1', 1)), "
                 "(2, 1, 6, 'caf\xc3\xa9\\xa0', ('192.0.2.1', 1))]\n");
}

TEST(python_unknown_numbers_and_families)
{
    /* Python's fallback for a family it cannot read is (sa_family, sa_data as bytes); printed
     * by /usr/bin/python3 from the same tuple. */
    static const unsigned char data[14] = {0, 'P', 0x7f, 0x80, 0xff, '\'', 'a', 'b', '\\'};
    struct entry a, b;
    struct addrinfo *list =
        CHAIN(entry_other(&a, 99, data, 1), entry_inet(&b, "10.0.0.1", 7, 42, 253, NULL));
    CHECK_RENDER(
        cli_format_python, list,
        "[(99, 1, 0, '', (99, b\"\\x00P\\x7f\\x80\\xff'ab\\\\\\x00\\x00\\x00\\x00\\x00\")), "
        "(2, 42, 253, '', ('10.0.0.1', 7))]\n");
}

TEST(python_entry_without_address_is_none)
{
    struct entry a;
    struct addrinfo *ai = entry_inet(&a, "10.0.0.1", 7, SOCK_STREAM, IPPROTO_TCP, NULL);
    ai->ai_addr = NULL;
    ai->ai_addrlen = 0;
    CHECK_RENDER(cli_format_python, ai, "[(2, 1, 6, '', None)]\n");
}

TEST(python_short_address_reads_no_further)
{
    /* ai_addrlen shorter than a sockaddr_in6: the missing bytes read as zero, and the guard
     * page after the 8 given bytes faults on any read beyond them. */
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(53);
    sin6.sin6_flowinfo = htonl(7);
    void *guarded = check_guarded_copy(&sin6, 8);
    struct addrinfo ai;
    memset(&ai, 0, sizeof ai);
    ai.ai_family = AF_INET6;
    ai.ai_socktype = SOCK_DGRAM;
    ai.ai_protocol = IPPROTO_UDP;
    ai.ai_addr = guarded;
    ai.ai_addrlen = 8;
    CHECK_RENDER(cli_format_python, &ai, "[(10, 2, 17, '', ('::', 53, 7, 0))]\n");
    check_guarded_free(guarded, 8);
}

/* ---- getent -------------------------------------------------------------------------------- */

TEST(getent_matches_ahosts_localhost)
{
    /* `getent ahosts localhost` on Debian 12, byte for byte: the empty canonical name leaves a
     * trailing space, and the type column is padded to 6 even on the last line. */
    struct entry a, b, c;
    struct addrinfo *list =
        CHAIN(entry_inet(&a, "127.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP, "localhost"),
              entry_inet(&b, "127.0.0.1", 0, SOCK_DGRAM, IPPROTO_UDP, NULL),
              entry_inet(&c, "127.0.0.1", 0, SOCK_RAW, 0, NULL));
    CHECK_RENDER(cli_format_getent, list,
                 "127.0.0.1       STREAM localhost\n"
                 "127.0.0.1       DGRAM  \n"
                 "127.0.0.1       RAW    \n");
}

TEST(getent_scoped_and_long_addresses)
{
    /* `getent ahosts fe80::1%lo` prints the scope as its number, and pads a scoped address to
     * 15 minus the scope's length (13 columns here: getent's arithmetic); `getent ahosts
     * 2001:db8::1%1` leaves one space; a 40-byte address pushes the columns right. */
    struct entry a, b, c, d, e;
    struct addrinfo *list = CHAIN(
        entry_inet6(&a, "fe80::1", 0, 0, 1, SOCK_STREAM, IPPROTO_TCP, "fe80::1%lo"),
        entry_inet6(&b, "fe80::1", 0, 0, 1, SOCK_DGRAM, IPPROTO_UDP, NULL),
        entry_inet6(&c, "2001:db8::1", 0, 0, 1, SOCK_STREAM, IPPROTO_TCP, NULL),
        entry_inet6(&d, "fe80::1", 0, 0, 4000000000u, SOCK_STREAM, IPPROTO_TCP, NULL),
        entry_inet6(&e, "2001:db8:1111:2222:3333:4444:5555:6666", 0, 0, 1, SOCK_RAW, 0, NULL));
    CHECK_RENDER(cli_format_getent, list,
                 "fe80::1%1     STREAM fe80::1%lo\n"
                 "fe80::1%1     DGRAM  \n"
                 "2001:db8::1%1 STREAM \n"
                 "fe80::1%4000000000 STREAM \n"
                 "2001:db8:1111:2222:3333:4444:5555:6666%1 RAW    \n");
}

TEST(getent_socktype_names_and_numbers)
{
    struct entry a, b, c, d, e;
    struct addrinfo *list = CHAIN(entry_inet6(&a, "::1", 0, 0, 0, SOCK_SEQPACKET, 132, NULL),
                                  entry_inet6(&b, "::1", 0, 0, 0, SOCK_RDM, 0, NULL),
                                  entry_inet6(&c, "::1", 0, 0, 0, SOCK_DCCP, 33, NULL),
                                  entry_inet6(&d, "::1", 0, 0, 0, SOCK_PACKET, 0, NULL),
                                  entry_inet6(&e, "::1", 0, 0, 0, 42, 0, NULL));
    CHECK_RENDER(cli_format_getent, list,
                 "::1             SEQPACKET \n"
                 "::1             RDM    \n"
                 "::1             DCCP   \n"
                 "::1             PACKET \n"
                 "::1             42     \n");
}

TEST(getent_unreadable_address_is_invalid)
{
    static const unsigned char data[14] = {1, 2, 3};
    struct entry a;
    CHECK_RENDER(cli_format_getent, entry_other(&a, 99, data, SOCK_STREAM),
                 "<invalid>       STREAM \n");
}

/* ---- json ---------------------------------------------------------------------------------- */

TEST(json_results_and_query)
{
    struct cli_query q = {.host = "localhost",
                          .service = "http",
                          .family = AF_UNSPEC,
                          .socktype = SOCK_STREAM,
                          .protocol = 0,
                          .flags = AI_CANONNAME | AI_ADDRCONFIG};
    json_query_for_tests = &q;
    struct entry a, b;
    struct addrinfo *list =
        CHAIN(entry_inet6(&a, "::1", 80, 0, 0, SOCK_STREAM, IPPROTO_TCP, "localhost"),
              entry_inet(&b, "127.0.0.1", 80, SOCK_STREAM, IPPROTO_TCP, NULL));
    CHECK_RENDER(json_with_query, list,
                 "{\"query\":{\"host\":\"localhost\",\"service\":\"http\",\"family\":\"unspec\","
                 "\"socktype\":\"stream\",\"protocol\":0,\"flags\":[\"canonname\",\"addrconfig\"]},"
                 "\"results\":["
                 "{\"family\":\"inet6\",\"socktype\":\"stream\",\"protocol\":\"tcp\","
                 "\"address\":\"::1\",\"port\":80,\"flowinfo\":0,\"scope_id\":0,"
                 "\"canonname\":\"localhost\"},"
                 "{\"family\":\"inet\",\"socktype\":\"stream\",\"protocol\":\"tcp\","
                 "\"address\":\"127.0.0.1\",\"port\":80,\"canonname\":null}]}\n");
}

TEST(json_null_query_fields_unknown_numbers_and_flag_bits)
{
    struct cli_query q = {.host = NULL,
                          .service = NULL,
                          .family = 99,
                          .socktype = 42,
                          .protocol = 253,
                          .flags = AI_PASSIVE | 0x1000 | 0x4000};
    json_query_for_tests = &q;
    static const unsigned char data[14] = {0};
    struct entry a, b;
    struct addrinfo *list = CHAIN(entry_other(&a, 99, data, 42),
                                  entry_inet6(&b, "fe80::1", 9, 0xabcde, 3, 5, 253, NULL));
    CHECK_RENDER(json_with_query, list,
                 "{\"query\":{\"host\":null,\"service\":null,\"family\":99,\"socktype\":42,"
                 "\"protocol\":253,\"flags\":[\"passive\",20480]},\"results\":["
                 "{\"family\":99,\"socktype\":42,\"protocol\":0,\"address\":null,"
                 "\"canonname\":null},"
                 "{\"family\":\"inet6\",\"socktype\":\"seqpacket\",\"protocol\":253,"
                 "\"address\":\"fe80::1\",\"port\":9,\"flowinfo\":703710,\"scope_id\":3,"
                 "\"canonname\":null}]}\n");
}

TEST(json_escapes_strings)
{
    struct cli_query q = {.host = "a\"b\\c\n", .service = "\x01", .flags = 0};
    json_query_for_tests = &q;
    struct entry a;
    struct addrinfo *ai =
        entry_inet(&a, "192.0.2.1", 1, SOCK_STREAM, IPPROTO_TCP, "q\"u\\o\tte\x7f\xff");
    CHECK_RENDER(json_with_query, ai,
                 "{\"query\":{\"host\":\"a\\\"b\\\\c\\n\",\"service\":\"\\u0001\","
                 "\"family\":\"unspec\",\"socktype\":0,\"protocol\":0,\"flags\":[]},"
                 "\"results\":[{\"family\":\"inet\",\"socktype\":\"stream\",\"protocol\":\"tcp\","
                 "\"address\":\"192.0.2.1\",\"port\":1,"
                 "\"canonname\":\"q\\\"u\\\\o\\tte\x7f\\ufffd\"}]}\n");
}

TEST(json_error_document)
{
    struct cli_query q = {
        .host = "nowhere.test", .service = NULL, .family = AF_INET6, .flags = AI_V4MAPPED | AI_ALL};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    REQUIRE(f != NULL);
    cli_format_failure(f, CLI_FORMAT_JSON, &q, EAI_NONAME, 0);
    fclose(f);
    /* The message is the C library's own text for EAI_NONAME. */
    char expected[512];
    snprintf(expected, sizeof expected,
             "{\"query\":{\"host\":\"nowhere.test\",\"service\":null,\"family\":\"inet6\","
             "\"socktype\":0,\"protocol\":0,\"flags\":[\"v4mapped\",\"all\"]},"
             "\"error\":{\"code\":%d,\"name\":\"EAI_NONAME\",\"message\":\"%s\"}}\n",
             EAI_NONAME, gaix_strerror(EAI_NONAME));
    CHECK_EQ_STR(buf, expected);
    CHECK(strstr(buf, "\"code\":-2,") != NULL);
    free(buf);
}

TEST(json_error_system_carries_errno)
{
    struct cli_query q = {.host = "h", .service = "s"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    REQUIRE(f != NULL);
    cli_format_failure(f, CLI_FORMAT_JSON, &q, EAI_SYSTEM, ENOENT);
    fclose(f);
    char tail[256];
    snprintf(tail, sizeof tail, "\"errno\":%d,\"errno_message\":\"%s\"}}\n", ENOENT,
             strerror(ENOENT));
    REQUIRE(strlen(buf) > strlen(tail));
    CHECK_EQ_STR(buf + strlen(buf) - strlen(tail), tail);
    CHECK(strstr(buf, "\"name\":\"EAI_SYSTEM\"") != NULL);
    free(buf);
}

TEST(only_json_writes_on_failure)
{
    struct cli_query q = {.host = "h"};
    static const enum cli_format quiet[] = {CLI_FORMAT_TABLE, CLI_FORMAT_PYTHON, CLI_FORMAT_GETENT};
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        REQUIRE(f != NULL);
        cli_format_failure(f, quiet[i], &q, EAI_NONAME, 0);
        fclose(f);
        CHECK_EQ_INT(len, 0);
        free(buf);
    }
}

/* ---- table --------------------------------------------------------------------------------- */

TEST(table_columns_align)
{
    struct entry a, b;
    struct addrinfo *list = CHAIN(entry_inet6(&a, "::1", 21, 0, 0, SOCK_STREAM, IPPROTO_TCP, NULL),
                                  entry_inet(&b, "127.0.0.1", 21, SOCK_STREAM, IPPROTO_TCP, NULL));
    CHECK_RENDER(cli_format_table, list,
                 "ADDRESS    PORT  FAMILY  SOCKTYPE  PROTOCOL\n"
                 "::1        21    inet6   stream    tcp\n"
                 "127.0.0.1  21    inet    stream    tcp\n");
}

TEST(table_widens_for_long_cells_and_numbers)
{
    struct entry a, b, c;
    struct addrinfo *list =
        CHAIN(entry_inet6(&a, "2001:db8:1111:2222:3333:4444:5555:6666", 65535, 0, 0, SOCK_DGRAM,
                          IPPROTO_UDPLITE, NULL),
              entry_inet(&b, "10.1.2.3", 5, 42, 253, NULL),
              entry_inet(&c, "10.1.2.3", 5, SOCK_SEQPACKET, IPPROTO_SCTP, NULL));
    b.ai.ai_family = 77; /* a family number without a name; its address still reads as IPv4 */
    CHECK_RENDER(cli_format_table, list,
                 "ADDRESS                                 PORT   FAMILY  SOCKTYPE   PROTOCOL\n"
                 "2001:db8:1111:2222:3333:4444:5555:6666  65535  inet6   dgram      udplite\n"
                 "10.1.2.3                                5      77      42         253\n"
                 "10.1.2.3                                5      inet    seqpacket  sctp\n");
}

TEST(table_canonical_name_once_and_escaped)
{
    struct entry a, b, c;
    struct addrinfo *list =
        CHAIN(entry_inet(&a, "192.0.2.1", 80, SOCK_STREAM, IPPROTO_TCP, "www.example\x1b[2J"),
              entry_inet(&b, "192.0.2.1", 80, SOCK_DGRAM, IPPROTO_UDP, "www.example\x1b[2J"),
              entry_inet(&c, "192.0.2.1", 80, SOCK_RAW, 0, NULL));
    CHECK_RENDER(cli_format_table, list,
                 "ADDRESS    PORT  FAMILY  SOCKTYPE  PROTOCOL\n"
                 "192.0.2.1  80    inet    stream    tcp\n"
                 "192.0.2.1  80    inet    dgram     udp\n"
                 "192.0.2.1  80    inet    raw       0\n"
                 "canonical name: www.example\\x1b[2J\n");
}

TEST(table_unreadable_address_shows_dashes)
{
    static const unsigned char data[14] = {0};
    struct entry a;
    CHECK_RENDER(cli_format_table, entry_other(&a, 99, data, SOCK_STREAM),
                 "ADDRESS  PORT  FAMILY  SOCKTYPE  PROTOCOL\n"
                 "-        -     99      stream    0\n");
}

TEST(table_scoped_address_reads_as_getnameinfo_writes_it)
{
    /* Link-local with an existing interface (index 1), a non-link-local scope, and an index no
     * interface has: the table must show what getnameinfo(NI_NUMERICHOST) shows. */
    static const struct {
        const char *addr;
        uint32_t scope;
    } cases[] = {{"fe80::1", 1}, {"ff02::1", 1}, {"2001:db8::1", 1}, {"fe80::2", 3999999999u}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct entry a;
        struct addrinfo *ai =
            entry_inet6(&a, cases[i].addr, 80, 0, cases[i].scope, SOCK_STREAM, IPPROTO_TCP, NULL);
        char host[NI_MAXHOST];
        REQUIRE(getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0,
                            NI_NUMERICHOST) == 0);
        char *got = render(cli_format_table, ai);
        /* The row starts after the header line. */
        size_t row = strcspn(got, "\n") + 1;
        size_t hlen = strlen(host);
        if (strlen(got) < row + hlen + 1 || strncmp(got + row, host, hlen) != 0 ||
            got[row + hlen] != ' ')
            CHECK_FAIL_AT(__FILE__, __LINE__, "table '%s' does not show '%s'", got, host);
        free(got);
    }
    /* And the number form is what it should be where the name is not used. */
    struct entry b;
    char *got = render(cli_format_table,
                       entry_inet6(&b, "2001:db8::1", 80, 0, 1, SOCK_STREAM, IPPROTO_TCP, NULL));
    CHECK(strstr(got, "\n2001:db8::1%1  80") != NULL);
    free(got);
}

/* ---- reverse (getnameinfo) ------------------------------------------------------------------- */

/* A socket address for the reverse formats. */
static socklen_t sockaddr_of(const char *addr, unsigned port, uint32_t scope_id,
                             struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    memset(&sin, 0, sizeof sin);
    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)port);
        memcpy(ss, &sin, sizeof sin);
        return (socklen_t)sizeof sin;
    }
    if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1)
        abort();
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons((uint16_t)port);
    sin6.sin6_scope_id = scope_id;
    memcpy(ss, &sin6, sizeof sin6);
    return (socklen_t)sizeof sin6;
}

/* What format writes for a reverse answer (free it). */
static char *render_reverse(enum cli_format format, const struct cli_reverse_query *q,
                            uint32_t scope_id, const char *host, const char *service)
{
    struct sockaddr_storage ss;
    const char *pct = strchr(q->address, '%');
    char addr[INET6_ADDRSTRLEN];
    size_t len = pct ? (size_t)(pct - q->address) : strlen(q->address);
    if (len >= sizeof addr)
        abort();
    memcpy(addr, q->address, len);
    addr[len] = '\0';
    socklen_t salen = sockaddr_of(addr, q->port, scope_id, &ss);
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (f == NULL)
        abort();
    cli_format_reverse_result(f, format, q, (const struct sockaddr *)&ss, salen, host, service);
    fclose(f);
    return buf;
}

#define CHECK_REVERSE(format, q, scope_id, host, service, expected)                                \
    do {                                                                                           \
        char *got_ = render_reverse(format, q, scope_id, host, service);                           \
        CHECK_EQ_STR(got_, expected);                                                              \
        free(got_);                                                                                \
    } while (0)

TEST(reverse_python_is_getnameinfo_tuple)
{
    /* Python 3.11: socket.getnameinfo(('127.0.0.1', 80), 0) -> ('localhost', 'http');
     * socket.getnameinfo(('fe80::1', 80, 0, 1), 0) -> ('fe80::1%lo', 'http'). */
    struct cli_reverse_query q4 = {"127.0.0.1", 80, 0}, q6 = {"fe80::1%lo", 80, 0};
    CHECK_REVERSE(CLI_FORMAT_PYTHON, &q4, 0, "localhost", "http", "('localhost', 'http')\n");
    CHECK_REVERSE(CLI_FORMAT_PYTHON, &q6, 1, "fe80::1%lo", "http", "('fe80::1%lo', 'http')\n");
    /* repr() of each str: a quote in the name switches to double quotes, as Python does. */
    CHECK_REVERSE(CLI_FORMAT_PYTHON, &q4, 0, "it's", "a\\b", "(\"it's\", 'a\\\\b')\n");
    CHECK_REVERSE(CLI_FORMAT_PYTHON, &q4, 0, "caf\xc3\xa9\x01", "0", "('caf\xc3\xa9\\x01', '0')\n");
}

TEST(reverse_getent_is_getent_hosts_line)
{
    /* `getent hosts 127.0.0.1` on Debian 12: "127.0.0.1", 6 spaces of padding, a space, the
     * name. A longer address pushes the name right; the scope is not printed. */
    struct cli_reverse_query q4 = {"127.0.0.1", 80, 0};
    struct cli_reverse_query q6 = {"2001:db8:1111:2222:3333:4444:5555:6666", 0, 0};
    struct cli_reverse_query ql = {"fe80::1%lo", 22, NI_NUMERICHOST};
    CHECK_REVERSE(CLI_FORMAT_GETENT, &q4, 0, "localhost", "http", "127.0.0.1       localhost\n");
    CHECK_REVERSE(CLI_FORMAT_GETENT, &q6, 0, "long.test", "0",
                  "2001:db8:1111:2222:3333:4444:5555:6666 long.test\n");
    CHECK_REVERSE(CLI_FORMAT_GETENT, &ql, 1, "fe80::1%lo", "ssh", "fe80::1         fe80::1%lo\n");
}

TEST(reverse_json_query_host_service)
{
    struct cli_reverse_query q = {"fe80::1%lo", 22, NI_NAMEREQD | NI_DGRAM};
    CHECK_REVERSE(CLI_FORMAT_JSON, &q, 1, "fe80::1%lo", "ssh",
                  "{\"query\":{\"address\":\"fe80::1%lo\",\"port\":22,"
                  "\"flags\":[\"namereqd\",\"dgram\"]},\"host\":\"fe80::1%lo\","
                  "\"service\":\"ssh\"}\n");
    /* Every name in its order, bits without a name last as one number; strings escaped. */
    struct cli_reverse_query all = {"127.0.0.1", 0, 0x3f | 64 | 128 | 256};
    CHECK_REVERSE(CLI_FORMAT_JSON, &all, 0, "a\"b", "0",
                  "{\"query\":{\"address\":\"127.0.0.1\",\"port\":0,"
                  "\"flags\":[\"numerichost\",\"numericserv\",\"nofqdn\",\"namereqd\","
                  "\"dgram\",\"idn\",448]},\"host\":\"a\\\"b\",\"service\":\"0\"}\n");
}

TEST(reverse_json_error_and_quiet_formats)
{
    struct cli_reverse_query q = {"192.0.2.1", 80, NI_NAMEREQD};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    REQUIRE(f != NULL);
    cli_format_reverse_failure(f, CLI_FORMAT_JSON, &q, EAI_NONAME, 0);
    fclose(f);
    char expected[512];
    snprintf(expected, sizeof expected,
             "{\"query\":{\"address\":\"192.0.2.1\",\"port\":80,\"flags\":[\"namereqd\"]},"
             "\"error\":{\"code\":%d,\"name\":\"EAI_NONAME\",\"message\":\"%s\"}}\n",
             EAI_NONAME, gaix_strerror(EAI_NONAME));
    CHECK_EQ_STR(buf, expected);
    free(buf);
    static const enum cli_format quiet[] = {CLI_FORMAT_TABLE, CLI_FORMAT_PYTHON, CLI_FORMAT_GETENT};
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        buf = NULL;
        len = 0;
        f = open_memstream(&buf, &len);
        REQUIRE(f != NULL);
        cli_format_reverse_failure(f, quiet[i], &q, EAI_NONAME, 0);
        fclose(f);
        CHECK_EQ_INT(len, 0);
        free(buf);
    }
}

TEST(reverse_table_aligns_and_escapes)
{
    struct cli_reverse_query q = {"127.0.0.1", 80, 0};
    CHECK_REVERSE(CLI_FORMAT_TABLE, &q, 0, "localhost", "http",
                  "HOST       SERVICE\n"
                  "localhost  http\n");
    /* A host shorter than its header; the header keeps its width. */
    CHECK_REVERSE(CLI_FORMAT_TABLE, &q, 0, "a", "80",
                  "HOST  SERVICE\n"
                  "a     80\n");
    /* A control character is escaped, and the column is as wide as the escaped text; a
     * two-byte UTF-8 character takes one column. */
    CHECK_REVERSE(CLI_FORMAT_TABLE, &q, 0, "x\ty", "s",
                  "HOST    SERVICE\n"
                  "x\\x09y  s\n");
    CHECK_REVERSE(CLI_FORMAT_TABLE, &q, 0, "caf\xc3\xa9", "s",
                  "HOST  SERVICE\n"
                  "caf\xc3\xa9  s\n");
}

/* ---- dispatch ------------------------------------------------------------------------------ */

TEST(format_names_parse)
{
    enum cli_format f = CLI_FORMAT_TABLE;
    CHECK_EQ_INT(cli_format_parse("python", &f), 0);
    CHECK_EQ_INT(f, CLI_FORMAT_PYTHON);
    CHECK_EQ_INT(cli_format_parse("JSON", &f), 0);
    CHECK_EQ_INT(f, CLI_FORMAT_JSON);
    CHECK_EQ_INT(cli_format_parse("GetEnt", &f), 0);
    CHECK_EQ_INT(f, CLI_FORMAT_GETENT);
    CHECK_EQ_INT(cli_format_parse("table", &f), 0);
    CHECK_EQ_INT(f, CLI_FORMAT_TABLE);
    CHECK_EQ_INT(cli_format_parse("yaml", &f), -1);
    CHECK_EQ_INT(cli_format_parse("", &f), -1);
    CHECK_EQ_INT(cli_format_parse("tabl", &f), -1);
    CHECK_EQ_INT(f, CLI_FORMAT_TABLE);
}

TEST(format_result_dispatches)
{
    struct cli_query q = {.host = "127.0.0.1"};
    struct entry a;
    struct addrinfo *ai = entry_inet(&a, "127.0.0.1", 0, SOCK_STREAM, IPPROTO_TCP, NULL);
    static const struct {
        enum cli_format format;
        const char *start;
    } cases[] = {{CLI_FORMAT_TABLE, "ADDRESS "},
                 {CLI_FORMAT_PYTHON, "[(2, 1, 6, "},
                 {CLI_FORMAT_JSON, "{\"query\":{\"host\":\"127.0.0.1\""},
                 {CLI_FORMAT_GETENT, "127.0.0.1       STREAM \n"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        REQUIRE(f != NULL);
        cli_format_result(f, cases[i].format, &q, ai);
        fclose(f);
        if (strncmp(buf, cases[i].start, strlen(cases[i].start)) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "format %d wrote '%s'", (int)cases[i].format, buf);
        free(buf);
    }
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(python_ipv4_stream), CHECK_ENTRY(python_mixed_list_in_order),
        CHECK_ENTRY(python_ipv6_scope_and_flowinfo_are_numbers_not_text),
        CHECK_ENTRY(python_v4mapped_and_wildcards), CHECK_ENTRY(python_canonname_quoting),
        CHECK_ENTRY(python_unknown_numbers_and_families),
        CHECK_ENTRY(python_entry_without_address_is_none),
        CHECK_ENTRY(python_short_address_reads_no_further),
        CHECK_ENTRY(getent_matches_ahosts_localhost), CHECK_ENTRY(getent_scoped_and_long_addresses),
        CHECK_ENTRY(getent_socktype_names_and_numbers),
        CHECK_ENTRY(getent_unreadable_address_is_invalid), CHECK_ENTRY(json_results_and_query),
        CHECK_ENTRY(json_null_query_fields_unknown_numbers_and_flag_bits),
        CHECK_ENTRY(json_escapes_strings), CHECK_ENTRY(json_error_document),
        CHECK_ENTRY(json_error_system_carries_errno), CHECK_ENTRY(only_json_writes_on_failure),
        CHECK_ENTRY(table_columns_align), CHECK_ENTRY(table_widens_for_long_cells_and_numbers),
        CHECK_ENTRY(table_canonical_name_once_and_escaped),
        CHECK_ENTRY(table_unreadable_address_shows_dashes),
        CHECK_ENTRY(table_scoped_address_reads_as_getnameinfo_writes_it),
        CHECK_ENTRY(reverse_python_is_getnameinfo_tuple),
        CHECK_ENTRY(reverse_getent_is_getent_hosts_line),
        CHECK_ENTRY(reverse_json_query_host_service),
        CHECK_ENTRY(reverse_json_error_and_quiet_formats),
        CHECK_ENTRY(reverse_table_aligns_and_escapes), CHECK_ENTRY(format_names_parse),
        CHECK_ENTRY(format_result_dispatches)));
}
