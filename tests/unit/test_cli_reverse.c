/*
 * The address of gaix --reverse (tools/gaix/reverse.c): every accepted form gives the socket
 * address the C library's own getaddrinfo(AI_NUMERICHOST) gives for it (the reference for what a
 * numeric address with a scope means), the port in network order, and every refused form is a
 * usage error with a message that names it. Scope names need an interface: "lo" (index 1 in any
 * network namespace).
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "options.h"
#include "reverse.h"

/* Reads address and port through reverse.c; returns its status. */
static int read_address(const char *address, unsigned port, struct sockaddr_storage *ss,
                        socklen_t *len, char err[CLI_ERROR_SIZE])
{
    struct cli_reverse_query q = {address, port, 0};
    err[0] = '\0';
    return cli_reverse_sockaddr(&q, ss, len, err);
}

/* The C library's reading of the same text, with the same port. */
static int libc_address(const char *address, unsigned port, struct sockaddr_storage *ss,
                        socklen_t *len)
{
    struct addrinfo hints, *res = NULL;
    char service[16];
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_DGRAM;
    snprintf(service, sizeof service, "%u", port);
    if (getaddrinfo(address, service, &hints, &res) != 0)
        return -1;
    memset(ss, 0, sizeof *ss);
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

TEST(accepted_forms_equal_the_libc_reading)
{
    static const struct {
        const char *address;
        unsigned port;
    } cases[] = {
        {"127.0.0.1", 80},
        {"0.0.0.0", 0},
        {"255.255.255.255", 65535},
        {"192.0.2.1", 514},
        {"::1", 22},
        {"::", 0},
        {"2001:db8::1", 443},
        {"2001:DB8:0:0:0:0:0:1", 1},
        {"::ffff:192.0.2.1", 80},
        {"::192.0.2.1", 80},
        {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 7},
        {"fe80::1%lo", 80},
        {"fe80::1%1", 80},
        {"ff02::1%lo", 53},
        {"2001:db8::1%1", 80},     /* a scope on a global address: kept, as the libc keeps it */
        {"fe80::1%4000000000", 9}, /* an index no interface has: a number is taken as it is */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sockaddr_storage got, want;
        socklen_t got_len = 0, want_len = 0;
        char err[CLI_ERROR_SIZE];
        int rc = read_address(cases[i].address, cases[i].port, &got, &got_len, err);
        if (rc != 0) {
            CHECK_FAIL_AT(__FILE__, __LINE__, "'%s' refused: %s", cases[i].address, err);
            continue;
        }
        REQUIRE(libc_address(cases[i].address, cases[i].port, &want, &want_len) == 0);
        CHECK_EQ_INT(got_len, want_len);
        if (got_len != want_len || memcmp(&got, &want, got_len) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "'%s': not the libc's socket address",
                          cases[i].address);
    }
}

TEST(fields_by_hand)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char err[CLI_ERROR_SIZE];
    REQUIRE(read_address("192.0.2.1", 0x1234, &ss, &len, err) == 0);
    struct sockaddr_in sin;
    memcpy(&sin, &ss, sizeof sin);
    CHECK_EQ_INT(len, sizeof sin);
    CHECK_EQ_INT(sin.sin_family, AF_INET);
    CHECK_EQ_INT(sin.sin_port, htons(0x1234));
    CHECK_EQ_INT(ntohl(sin.sin_addr.s_addr), 0xc0000201u);

    REQUIRE(read_address("fe80::1%lo", 22, &ss, &len, err) == 0);
    struct sockaddr_in6 sin6;
    memcpy(&sin6, &ss, sizeof sin6);
    CHECK_EQ_INT(len, sizeof sin6);
    CHECK_EQ_INT(sin6.sin6_family, AF_INET6);
    CHECK_EQ_INT(sin6.sin6_port, htons(22));
    CHECK_EQ_INT(sin6.sin6_flowinfo, 0);
    CHECK_EQ_INT(sin6.sin6_scope_id, if_nametoindex("lo"));
    CHECK_EQ_INT(sin6.sin6_addr.s6_addr[0], 0xfe);
    CHECK_EQ_INT(sin6.sin6_addr.s6_addr[15], 1);

    /* "%0" is no scope; leading zeros are still decimal. */
    REQUIRE(read_address("fe80::1%0", 0, &ss, &len, err) == 0);
    memcpy(&sin6, &ss, sizeof sin6);
    CHECK_EQ_INT(sin6.sin6_scope_id, 0);
    REQUIRE(read_address("fe80::1%010", 0, &ss, &len, err) == 0);
    memcpy(&sin6, &ss, sizeof sin6);
    CHECK_EQ_INT(sin6.sin6_scope_id, 10);
}

TEST(refused_forms_are_usage_errors)
{
    static const struct {
        const char *address;
        const char *message;
    } cases[] = {
        {"localhost", "invalid address 'localhost' for --reverse (a numeric IPv4 or IPv6"},
        {"", "invalid address '' for --reverse"},
        {"-", "invalid address '-' for --reverse"},
        {"127.1", "invalid address '127.1'"}, /* inet_pton() takes dotted quads only */
        {"0x7f.0.0.1", "invalid address '0x7f.0.0.1'"},
        {"192.0.2.1 ", "invalid address '192.0.2.1 '"},
        {"[::1]", "invalid address '[::1]'"},
        {"1:2:3:4:5:6:7::9", "invalid address '1:2:3:4:5:6:7::9'"},
        {"::1%lo%lo", "invalid scope 'lo%lo'"},
        {"192.0.2.1%lo", "only an IPv6 address has a scope"},
        {"192.0.2.1%1", "only an IPv6 address has a scope"},
        {"fe80::1%", "invalid scope '' for --reverse (an interface name or a decimal index)"},
        {"fe80::1%nosuchif", "invalid scope 'nosuchif'"},
        {"fe80::1%4294967296", "invalid scope '4294967296'"},
        {"fe80::1%99999999999999999999999", "invalid scope"},
        {"fe80::1%0x10", "invalid scope '0x10'"},
        {"fe80::1%1x", "invalid scope '1x'"},
        {"fe80::1%-1", "invalid scope '-1'"},
        {"fe80::1%averyveryverylonginterfacename", "invalid scope"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555", "invalid address"},
        {"1111111111111111111111111111111111111111111111111111111111111111", "invalid address"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sockaddr_storage ss;
        socklen_t len = 0;
        char err[CLI_ERROR_SIZE];
        int rc = read_address(cases[i].address, 80, &ss, &len, err);
        CHECK_EQ_INT(rc, -1);
        if (rc == -1 && strstr(err, cases[i].message) == NULL)
            CHECK_FAIL_AT(__FILE__, __LINE__, "'%s': message '%s' lacks '%s'", cases[i].address,
                          err, cases[i].message);
    }
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(accepted_forms_equal_the_libc_reading),
                                 CHECK_ENTRY(fields_by_hand),
                                 CHECK_ENTRY(refused_forms_are_usage_errors)));
}
