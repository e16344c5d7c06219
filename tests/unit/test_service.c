/* The service step: strtoul() reading, the protocol table, glibc's error precedence, D6. */
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "config/services.h"
#include "core/status.h"
#include "lookup/service.h"

static struct gx_services *services_from(const char *text)
{
    struct gx_services *s = NULL;
    char *copy = strdup(text);
    if (!copy || gx_services_build(copy, strlen(text), &s) != GX_OK)
        abort();
    return s;
}

static int tuples(const char *service, int socktype, int protocol, const struct gx_services *db,
                  struct gx_servtuple st[GX_SERVTUPLES_MAX])
{
    struct gx_service svc;
    gx_service_read(service, &svc);
    return gx_service_tuples(&svc, socktype, protocol, db, st);
}

TEST(service_strings_read_like_strtoul)
{
    struct gx_service s;
    gx_service_read("80", &s);
    CHECK(s.kind == GX_SERVICE_NUMBER && s.in_range && s.port == 80);
    gx_service_read(" 80", &s);
    CHECK(s.kind == GX_SERVICE_NUMBER && s.port == 80);
    gx_service_read("+80", &s);
    CHECK(s.kind == GX_SERVICE_NUMBER && s.port == 80);
    gx_service_read("80 ", &s);
    CHECK(s.kind == GX_SERVICE_NAME);
    gx_service_read("0x50", &s);
    CHECK(s.kind == GX_SERVICE_NAME);
    gx_service_read("8 0", &s);
    CHECK(s.kind == GX_SERVICE_NAME);
    gx_service_read("-0", &s);
    CHECK(s.kind == GX_SERVICE_NUMBER && s.in_range && s.port == 0);
    gx_service_read("", &s);
    CHECK(s.kind == GX_SERVICE_NONE);
    gx_service_read("*", &s);
    CHECK(s.kind == GX_SERVICE_NONE);
    gx_service_read(NULL, &s);
    CHECK(s.kind == GX_SERVICE_NONE);
    gx_service_read("http", &s);
    CHECK(s.kind == GX_SERVICE_NAME && s.name_len == 4);
}

TEST(service_A08_out_of_range_is_EAI_SERVICE)
{
    struct gx_servtuple st[GX_SERVTUPLES_MAX];
    CHECK_EQ_INT(tuples("65535", SOCK_STREAM, 0, NULL, st), 1);
    CHECK_EQ_INT(st[0].port, 65535);
    CHECK_EQ_INT(tuples("0", SOCK_STREAM, 0, NULL, st), 1);
    CHECK_EQ_INT(st[0].port, 0);
    CHECK_EQ_INT(tuples("65536", SOCK_STREAM, 0, NULL, st), GX_E_SERVICE);
    CHECK_EQ_INT(tuples("99999", SOCK_STREAM, 0, NULL, st), GX_E_SERVICE);
    CHECK_EQ_INT(tuples("-1", SOCK_STREAM, 0, NULL, st), GX_E_SERVICE);
    CHECK_EQ_INT(tuples("4294967297", SOCK_STREAM, 0, NULL, st), GX_E_SERVICE);
    CHECK_EQ_INT(tuples("99999999999999999999999", 0, 0, NULL, st), GX_E_SERVICE);
}

TEST(socktype_zero_gives_stream_dgram_raw)
{
    struct gx_servtuple st[GX_SERVTUPLES_MAX];
    REQUIRE(tuples("80", 0, 0, NULL, st) == 3);
    CHECK(st[0].socktype == SOCK_STREAM && st[0].protocol == IPPROTO_TCP && st[0].port == 80);
    CHECK(st[1].socktype == SOCK_DGRAM && st[1].protocol == IPPROTO_UDP);
    CHECK(st[2].socktype == SOCK_RAW && st[2].protocol == 0);
    REQUIRE(tuples(NULL, 0, 0, NULL, st) == 3);
    CHECK_EQ_INT(st[0].port, 0);
}

TEST(protocol_table_selects_first_matching_row)
{
    struct gx_servtuple st[GX_SERVTUPLES_MAX];
    REQUIRE(tuples("80", SOCK_DGRAM, 0, NULL, st) == 1);
    CHECK_EQ_INT(st[0].protocol, IPPROTO_UDP);
    REQUIRE(tuples("80", SOCK_DGRAM, IPPROTO_UDPLITE, NULL, st) == 1);
    CHECK_EQ_INT(st[0].protocol, IPPROTO_UDPLITE);
    REQUIRE(tuples("80", SOCK_SEQPACKET, 0, NULL, st) == 1);
    CHECK_EQ_INT(st[0].protocol, IPPROTO_SCTP);
    REQUIRE(tuples("80", 0, IPPROTO_SCTP, NULL, st) == 1);
    CHECK(st[0].socktype == SOCK_STREAM);
    REQUIRE(tuples(NULL, SOCK_RAW, 99, NULL, st) == 1);
    CHECK(st[0].socktype == SOCK_RAW && st[0].protocol == 99);
    REQUIRE(tuples(NULL, 0, 99, NULL, st) == 1);
    CHECK(st[0].socktype == SOCK_RAW && st[0].protocol == 99);
}

TEST(A05_A06_A07_type_errors)
{
    struct gx_servtuple st[GX_SERVTUPLES_MAX];
    CHECK_EQ_INT(tuples("80", 12345, 0, NULL, st), GX_E_SOCKTYPE);
    CHECK_EQ_INT(tuples("80", SOCK_STREAM, IPPROTO_UDP, NULL, st), GX_E_SOCKTYPE);
    CHECK_EQ_INT(tuples("80", SOCK_DGRAM, IPPROTO_TCP, NULL, st), GX_E_SOCKTYPE);
    CHECK_EQ_INT(tuples("80", SOCK_RAW, 0, NULL, st), GX_E_SERVICE);
    CHECK_EQ_INT(tuples("80", 0, 99, NULL, st), GX_E_SERVICE);
    /* The type check comes before the range check, as in glibc. */
    CHECK_EQ_INT(tuples("99999", 12345, 0, NULL, st), GX_E_SOCKTYPE);
    CHECK_EQ_INT(gx_service_check_types(SOCK_STREAM, IPPROTO_UDP), GX_E_SOCKTYPE);
    CHECK_EQ_INT(gx_service_check_types(0, 0), GX_OK);
}

TEST(named_service_one_tuple_per_listed_protocol)
{
    struct gx_services *db = services_from("ftp 21/tcp\n"
                                           "domain 53/tcp\n"
                                           "domain 53/udp\n"
                                           "sync 99/sctp\n"
                                           "http 80/tcp www\n"
                                           "http 8080/tcp\n"
                                           "syslog 514/udp\n");
    struct gx_servtuple st[GX_SERVTUPLES_MAX];
    REQUIRE(tuples("ftp", 0, 0, db, st) == 1);
    CHECK(st[0].socktype == SOCK_STREAM && st[0].port == 21);
    REQUIRE(tuples("domain", 0, 0, db, st) == 2);
    CHECK(st[0].protocol == IPPROTO_TCP && st[1].protocol == IPPROTO_UDP);
    REQUIRE(tuples("sync", 0, 0, db, st) == 2);
    CHECK(st[0].socktype == SOCK_STREAM && st[0].protocol == IPPROTO_SCTP);
    CHECK(st[1].socktype == SOCK_SEQPACKET && st[1].protocol == IPPROTO_SCTP);
    REQUIRE(tuples("www", SOCK_STREAM, 0, db, st) == 1);
    CHECK_EQ_INT(st[0].port, 80);
    CHECK_EQ_INT(tuples("syslog", SOCK_STREAM, 0, db, st), GX_E_SERVICE);
    CHECK_EQ_INT(tuples("nosuch", 0, 0, db, st), GX_E_SERVICE);
    CHECK_EQ_INT(tuples("FTP", 0, 0, db, st), GX_E_SERVICE);
    CHECK_EQ_INT(tuples("ftp", SOCK_RAW, 0, db, st), GX_E_SERVICE);
    gx_services_unref(db);
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(service_strings_read_like_strtoul),
                                 CHECK_ENTRY(service_A08_out_of_range_is_EAI_SERVICE),
                                 CHECK_ENTRY(socktype_zero_gives_stream_dgram_raw),
                                 CHECK_ENTRY(protocol_table_selects_first_matching_row),
                                 CHECK_ENTRY(A05_A06_A07_type_errors),
                                 CHECK_ENTRY(named_service_one_tuple_per_listed_protocol)));
}
