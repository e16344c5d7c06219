/*
 * gaix_getaddrinfo() through the public API, on contexts that name their files explicitly (no
 * reliance on the machine's /etc). Orders that depend on the machine's routes are tested in the
 * namespace tests; here lists have one address, or only their set is checked.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "gaix.h"

static char tmpdir[] = "/tmp/gaix-test-XXXXXX";

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

static const char *path_of(const char *name)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
    return buf[i];
}

static const char hosts_text[] = "127.0.0.1 localhost\n"
                                 "::1 localhost ip6-localhost\n"
                                 "192.0.2.10 thor Thor-Alias # a comment\n"
                                 "2001:db8::10 thor\n"
                                 "192.0.2.10 thor\n"
                                 "::ffff:192.0.2.1 v4m\n"
                                 "192.0.2.20 only4\n"
                                 "2001:db8::20 only6\n"
                                 "fe80::1%lo scoped\n";

static const char services_text[] = "ftp 21/tcp\n"
                                    "http 80/tcp www\n"
                                    "domain 53/tcp\n"
                                    "domain 53/udp\n";

static gaix_ctx *make_ctx(void)
{
    if (!mkdtemp(tmpdir))
        abort();
    write_file("hosts", hosts_text);
    write_file("services", services_text);
    write_file("gai.conf", "");
    struct gaix_config cfg = {0};
    static const char *const no_dns[] = {NULL}; /* no packet leaves this test */
    cfg.nameservers = no_dns;
    cfg.resolv_conf_path = "";
    cfg.hosts_path = path_of("hosts");
    cfg.services_path = path_of("services");
    cfg.gai_conf_path = path_of("gai.conf");
    cfg.reload_interval_ms = GAIX_RELOAD_EVERY_CALL;
    gaix_ctx *ctx = gaix_ctx_new(&cfg);
    if (!ctx)
        abort();
    return ctx;
}

static void cleanup(gaix_ctx *ctx)
{
    gaix_ctx_free(ctx);
    const char *names[] = {"hosts", "services", "gai.conf", "hosts.new"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(path_of(names[i]));
    rmdir(tmpdir);
}

static struct addrinfo hints_of(int family, int socktype, int protocol, int flags)
{
    struct addrinfo h;
    memset(&h, 0, sizeof h);
    h.ai_family = family;
    h.ai_socktype = socktype;
    h.ai_protocol = protocol;
    h.ai_flags = flags;
    return h;
}

/* Calls getaddrinfo and checks the U2 invariant: on error *res is untouched. */
static int gai(gaix_ctx *ctx, const char *node, const char *service, const struct addrinfo *h,
               struct addrinfo **res)
{
    struct addrinfo *sentinel = (struct addrinfo *)(uintptr_t)0x1;
    *res = sentinel;
    int rc = gaix_ctx_getaddrinfo(ctx, node, service, h, res);
    if (rc != 0) {
        if (*res != sentinel)
            CHECK_FAIL_AT(__FILE__, __LINE__, "*res changed on error %d", rc);
        *res = NULL;
    }
    return rc;
}

static size_t list_len(const struct addrinfo *ai)
{
    size_t n = 0;
    for (; ai; ai = ai->ai_next)
        n++;
    return n;
}

static const char *addr_text(const struct addrinfo *ai, char *buf, size_t len)
{
    const void *a = ai->ai_family == AF_INET
                        ? (const void *)&((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr
                        : (const void *)&((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr;
    return inet_ntop(ai->ai_family, a, buf, (socklen_t)len);
}

static int port_of(const struct addrinfo *ai)
{
    return ntohs(((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_port);
}

static int count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

TEST(A01_no_node_no_service)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    CHECK_EQ_INT(gai(ctx, NULL, NULL, NULL, &res), EAI_NONAME);
    CHECK_EQ_INT(gai(ctx, "*", "*", NULL, &res), EAI_NONAME);
    cleanup(ctx);
}

TEST(A02_A03_A04_bad_hints)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_UNSPEC, 0, 0, 0x10000);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "80", &h, &res), EAI_BADFLAGS);
    h = hints_of(AF_UNSPEC, 0, 0, AI_CANONNAME);
    CHECK_EQ_INT(gai(ctx, NULL, "80", &h, &res), EAI_BADFLAGS);
    h = hints_of(AF_UNIX, 0, 0, 0);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "80", &h, &res), EAI_FAMILY);
    h = hints_of(12345, 0, 0, 0);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "80", &h, &res), EAI_FAMILY);
    /* The deprecated IDN flags are accepted and ignored, as in glibc. */
    h = hints_of(AF_INET, SOCK_STREAM, 0, 0x300);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "80", &h, &res), 0);
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(A05_A06_A07_A08_socktype_and_service)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_INET, 12345, 0, 0);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "80", &h, &res), EAI_SOCKTYPE);
    h = hints_of(AF_INET, SOCK_STREAM, IPPROTO_UDP, 0);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "80", &h, &res), EAI_SOCKTYPE);
    h = hints_of(AF_INET, SOCK_RAW, 0, 0);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "80", &h, &res), EAI_SERVICE);
    h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "65536", &h, &res), EAI_SERVICE);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "99999", &h, &res), EAI_SERVICE);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "65535", &h, &res), 0);
    CHECK_EQ_INT(port_of(res), 65535);
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(A10_A11_numeric_flags)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, AI_NUMERICSERV);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "http", &h, &res), EAI_NONAME);
    h = hints_of(AF_INET, SOCK_STREAM, 0, AI_NUMERICHOST);
    CHECK_EQ_INT(gai(ctx, "localhost", "80", &h, &res), EAI_NONAME);
    CHECK_EQ_INT(gai(ctx, "thor", "80", &h, &res), EAI_NONAME);
    CHECK_EQ_INT(gai(ctx, "127.0.0.1", "80", &h, &res), 0);
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(A12_trailing_bytes_never_a_literal)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    const char *bad[] = {"192.0.2.1 ", "192.0.2.1\tX", "192.0.2.1\nZ", "2001:db8::1 x", "192.0.2."};
    int flags[] = {0, AI_NUMERICHOST};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (size_t f = 0; f < 2; f++) {
            struct addrinfo h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, flags[f]);
            CHECK_EQ_INT(gai(ctx, bad[i], "80", &h, &res), EAI_NONAME);
        }
    }
    cleanup(ctx);
}

TEST(A13_inet_aton_forms_with_and_without_numerichost)
{
    gaix_ctx *ctx = make_ctx();
    const char *forms[] = {"127.1", "0x7f.1", "017700000001", "0x7f000001"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        for (int f = 0; f < 2; f++) {
            struct addrinfo *res;
            struct addrinfo h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, f ? AI_NUMERICHOST : 0);
            REQUIRE(gai(ctx, forms[i], "80", &h, &res) == 0);
            char buf[64];
            CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "127.0.0.1");
            CHECK_EQ_INT(list_len(res), 1);
            gaix_freeaddrinfo(res);
        }
    }
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
    REQUIRE(gai(ctx, "4294967295", "80", &h, &res) == 0);
    char buf[64];
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "255.255.255.255");
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(A14_ipv6_literals_and_scopes)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, 0);
    REQUIRE(gai(ctx, "fe80::1%lo", "80", &h, &res) == 0);
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)res->ai_addr;
    CHECK_EQ_INT(s6->sin6_scope_id, if_nametoindex("lo"));
    gaix_freeaddrinfo(res);
    REQUIRE(gai(ctx, "fe80::1%7", "80", &h, &res) == 0);
    s6 = (const struct sockaddr_in6 *)(const void *)res->ai_addr;
    CHECK_EQ_INT(s6->sin6_scope_id, 7);
    gaix_freeaddrinfo(res);
    const char *bad[] = {"fe80::1%", "fe80::1%99999999999", "fe80::1%nosuchif",
                         "1:2:3:4:5:6:7::9", ":::"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ_INT(gai(ctx, bad[i], "80", &h, &res), EAI_NONAME);
    cleanup(ctx);
}

TEST(literal_family_rules)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    char buf[64];
    struct addrinfo h = hints_of(AF_INET6, SOCK_STREAM, 0, 0);
    CHECK_EQ_INT(gai(ctx, "192.0.2.1", "80", &h, &res), EAI_ADDRFAMILY);
    h.ai_flags = AI_V4MAPPED;
    REQUIRE(gai(ctx, "192.0.2.1", "80", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "::ffff:192.0.2.1");
    gaix_freeaddrinfo(res);
    h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
    CHECK_EQ_INT(gai(ctx, "2001:db8::1", "80", &h, &res), EAI_ADDRFAMILY);
    REQUIRE(gai(ctx, "::ffff:192.0.2.1", "80", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "192.0.2.1");
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(A15_A16_A17_bad_names)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, 0);
    char longname[300];
    memset(longname, 'a', sizeof longname);
    longname[299] = '\0';
    const char *bad[] = {"", "a..b", ".a", "..", "a.test..", longname};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ_INT(gai(ctx, bad[i], "80", &h, &res), EAI_NONAME);
    size_t big = 1 << 20;
    char *huge = malloc(big + 1);
    REQUIRE(huge);
    memset(huge, '1', big);
    huge[big] = '\0';
    CHECK_EQ_INT(gai(ctx, huge, "80", &h, &res), EAI_NONAME);
    for (size_t i = 1; i < big; i += 2)
        huge[i] = '.';
    CHECK_EQ_INT(gai(ctx, huge, "80", &h, &res), EAI_NONAME);
    free(huge);
    cleanup(ctx);
}

TEST(A18_non_ascii_without_idn)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, 0);
    CHECK_EQ_INT(gai(ctx, "espa\xc3\xb1" "a.test", "80", &h, &res), EAI_NONAME);
    cleanup(ctx);
}

TEST(A19_localhost_names_are_loopback)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    char buf[64];
    const char *names[] = {"localhost", "LOCALHOST", "localhost.", "x.localhost", "a.b.LocalHost."};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
        REQUIRE(gai(ctx, names[i], "80", &h, &res) == 0);
        CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "127.0.0.1");
        CHECK_EQ_INT(list_len(res), 1); /* merged: both hosts lines read as 127.0.0.1 (D5) */
        gaix_freeaddrinfo(res);
        h = hints_of(AF_INET6, SOCK_STREAM, 0, 0);
        REQUIRE(gai(ctx, names[i], "80", &h, &res) == 0);
        CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "::1");
        gaix_freeaddrinfo(res);
    }
    cleanup(ctx);
}

TEST(A19_localhost_without_hosts_lines)
{
    gaix_ctx *ctx = make_ctx();
    write_file("hosts", "::1 localhost\n");
    struct addrinfo *res;
    char buf[64];
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
    REQUIRE(gai(ctx, "localhost", "80", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "127.0.0.1");
    gaix_freeaddrinfo(res);
    write_file("hosts", "");
    h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, AI_CANONNAME);
    REQUIRE(gai(ctx, "Foo.Localhost", "80", &h, &res) == 0);
    CHECK_EQ_INT(list_len(res), 2);
    CHECK_EQ_STR(res->ai_canonname, "Foo.Localhost");
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(A20_onion_and_invalid_are_not_found)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, 0);
    CHECK_EQ_INT(gai(ctx, "example.onion", "80", &h, &res), EAI_NONAME);
    CHECK_EQ_INT(gai(ctx, "x.invalid", "80", &h, &res), EAI_NONAME);
    cleanup(ctx);
}

TEST(A21_hints_garbage_fields_ignored)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
    h.ai_addrlen = 12345;
    h.ai_addr = (struct sockaddr *)(uintptr_t)0xdeadbeef;
    h.ai_canonname = (char *)(uintptr_t)0xdeadbeef;
    h.ai_next = (struct addrinfo *)(uintptr_t)0xdeadbeef;
    struct addrinfo *res;
    REQUIRE(gai(ctx, "127.0.0.1", "80", &h, &res) == 0);
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(A23_null_node_passive_and_loopback)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    char buf[64];
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, AI_PASSIVE);
    REQUIRE(gai(ctx, NULL, "0", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "0.0.0.0");
    CHECK_EQ_INT(port_of(res), 0);
    gaix_freeaddrinfo(res);
    h = hints_of(AF_INET6, SOCK_STREAM, 0, 0);
    REQUIRE(gai(ctx, NULL, "ftp", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "::1");
    CHECK_EQ_INT(port_of(res), 21);
    gaix_freeaddrinfo(res);
    h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, AI_PASSIVE);
    REQUIRE(gai(ctx, "*", "80", &h, &res) == 0);
    CHECK_EQ_INT(list_len(res), 2);
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(hosts_names_case_aliases_trailing_dot_F23)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    char buf[64];
    const char *names[] = {"thor", "THOR", "thor.", "thor-alias", "THOR-ALIAS."};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, AI_CANONNAME);
        REQUIRE(gai(ctx, names[i], "http", &h, &res) == 0);
        CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "192.0.2.10");
        CHECK_EQ_INT(list_len(res), 1); /* the same address on two lines is merged (D5) */
        CHECK_EQ_STR(res->ai_canonname, "thor");
        CHECK_EQ_INT(port_of(res), 80);
        gaix_freeaddrinfo(res);
    }
    cleanup(ctx);
}

TEST(hosts_family_readings)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    char buf[64];
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
    REQUIRE(gai(ctx, "v4m", "80", &h, &res) == 0); /* F25: mapped line read as IPv4 */
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "192.0.2.1");
    gaix_freeaddrinfo(res);
    h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, 0);
    REQUIRE(gai(ctx, "v4m", "80", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "::ffff:192.0.2.1");
    gaix_freeaddrinfo(res);
    h = hints_of(AF_INET6, SOCK_STREAM, 0, 0);
    CHECK_EQ_INT(gai(ctx, "only4", "80", &h, &res), EAI_NONAME);
    h.ai_flags = AI_V4MAPPED;
    REQUIRE(gai(ctx, "only4", "80", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "::ffff:192.0.2.20");
    gaix_freeaddrinfo(res);
    REQUIRE(gai(ctx, "thor", "80", &h, &res) == 0); /* IPv6 found: no mapped ones */
    CHECK_EQ_INT(list_len(res), 1);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "2001:db8::10");
    gaix_freeaddrinfo(res);
    h.ai_flags = AI_V4MAPPED | AI_ALL;
    REQUIRE(gai(ctx, "thor", "80", &h, &res) == 0);
    CHECK_EQ_INT(list_len(res), 2);
    gaix_freeaddrinfo(res);
    h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
    CHECK_EQ_INT(gai(ctx, "only6", "80", &h, &res), EAI_NONAME);
    h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, 0);
    REQUIRE(gai(ctx, "scoped", "80", &h, &res) == 0); /* F20 */
    CHECK_EQ_INT(((const struct sockaddr_in6 *)(const void *)res->ai_addr)->sin6_scope_id,
                 if_nametoindex("lo"));
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(result_fields_are_well_formed_U2)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_UNSPEC, 0, 0, AI_CANONNAME | AI_PASSIVE);
    REQUIRE(gai(ctx, "thor", "domain", &h, &res) == 0);
    size_t n = 0;
    for (struct addrinfo *p = res; p; p = p->ai_next, n++) {
        CHECK_EQ_INT(p->ai_flags, AI_CANONNAME | AI_PASSIVE);
        CHECK(p->ai_addr->sa_family == p->ai_family);
        CHECK_EQ_INT(p->ai_addrlen, p->ai_family == AF_INET ? sizeof(struct sockaddr_in)
                                                           : sizeof(struct sockaddr_in6));
        CHECK(p->ai_socktype == SOCK_STREAM || p->ai_socktype == SOCK_DGRAM);
        CHECK_EQ_INT(port_of(p), 53);
        if (n == 0)
            CHECK_EQ_STR(p->ai_canonname, "thor");
        else
            CHECK(p->ai_canonname == NULL);
    }
    CHECK_EQ_INT(n, 4); /* two addresses x (tcp, udp) */
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(A25_freeaddrinfo_sublists)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    gaix_freeaddrinfo(NULL);
    struct addrinfo h = hints_of(AF_UNSPEC, 0, 0, 0);
    REQUIRE(gai(ctx, "thor", "53", &h, &res) == 0);
    REQUIRE(list_len(res) == 6);
    /* Split in three pieces and free them in a scrambled order: LSan sees no leak, ASan no
     * double free. */
    struct addrinfo *second = res->ai_next->ai_next;
    res->ai_next->ai_next = NULL;
    struct addrinfo *third = second->ai_next->ai_next;
    second->ai_next->ai_next = NULL;
    gaix_freeaddrinfo(second);
    gaix_freeaddrinfo(res);
    gaix_freeaddrinfo(third);
    REQUIRE(gai(ctx, "thor", "53", &h, &res) == 0);
    gaix_freeaddrinfo(res->ai_next->ai_next->ai_next); /* a tail... */
    res->ai_next->ai_next->ai_next = NULL;
    gaix_freeaddrinfo(res); /* ...then the head */
    cleanup(ctx);
}

TEST(A26_strerror_never_null)
{
    int codes[] = {EAI_BADFLAGS, EAI_NONAME, EAI_AGAIN, EAI_FAIL, EAI_FAMILY, EAI_SOCKTYPE,
                   EAI_SERVICE, EAI_MEMORY, EAI_SYSTEM, EAI_OVERFLOW, EAI_NODATA, EAI_ADDRFAMILY,
                   -9999, 0, INT32_MIN, 1};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(gaix_strerror(codes[i]) != NULL);
        CHECK(gaix_eai_name(codes[i]) != NULL);
    }
    /* The system's own text, so that messages read as before the switch. */
    CHECK_EQ_STR(gaix_strerror(EAI_NONAME), gai_strerror(EAI_NONAME));
    CHECK_EQ_STR(gaix_eai_name(EAI_NONAME), "EAI_NONAME");
}

TEST(U1_no_fd_left_open)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_UNSPEC, SOCK_STREAM, 0, AI_ADDRCONFIG);
    /* Warm up: the context opens its long-lived descriptors (inotify, netlink) once. */
    if (gai(ctx, "thor", "80", &h, &res) == 0)
        gaix_freeaddrinfo(res);
    int before = count_fds();
    for (int i = 0; i < 50; i++) {
        if (gai(ctx, "thor", "80", &h, &res) == 0)
            gaix_freeaddrinfo(res);
        if (gai(ctx, "nosuchname", "80", &h, &res) == 0)
            gaix_freeaddrinfo(res);
    }
    CHECK_EQ_INT(count_fds(), before);
    cleanup(ctx);
    CHECK(count_fds() < before);
}

TEST(reload_sees_new_file_F30)
{
    gaix_ctx *ctx = make_ctx();
    struct addrinfo *res;
    char buf[64];
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
    CHECK_EQ_INT(gai(ctx, "newname", "80", &h, &res), EAI_NONAME);
    /* In place. */
    write_file("hosts", "198.51.100.7 newname\n");
    REQUIRE(gai(ctx, "newname", "80", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "198.51.100.7");
    gaix_freeaddrinfo(res);
    /* By rename(), as editors and configuration tools do. */
    write_file("hosts.new", "198.51.100.8 newname\n");
    REQUIRE(rename(path_of("hosts.new"), path_of("hosts")) == 0);
    REQUIRE(gai(ctx, "newname", "80", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "198.51.100.8");
    gaix_freeaddrinfo(res);
    /* Removed: the file behaves as empty. */
    unlink(path_of("hosts"));
    CHECK_EQ_INT(gai(ctx, "newname", "80", &h, &res), EAI_NONAME);
    cleanup(ctx);
}

TEST(reload_with_inotify_interval)
{
    if (!mkdtemp(tmpdir))
        abort();
    write_file("hosts", "198.51.100.1 watched\n");
    struct gaix_config cfg = {0};
    static const char *const no_dns[] = {NULL}; /* no packet leaves this test */
    cfg.nameservers = no_dns;
    cfg.resolv_conf_path = "";
    cfg.hosts_path = path_of("hosts");
    cfg.services_path = "";
    cfg.gai_conf_path = "";
    gaix_ctx *ctx = gaix_ctx_new(&cfg);
    REQUIRE(ctx);
    struct addrinfo *res;
    char buf[64];
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, 0);
    REQUIRE(gai(ctx, "watched", "80", &h, &res) == 0);
    gaix_freeaddrinfo(res);
    write_file("hosts", "198.51.100.2 watched\n");
    /* The default interval: a change is seen within GX_RELOAD_INOTIFY_MS (100 ms) with inotify,
     * GX_RELOAD_STAT_MS (1 s) without. Wait long enough for either. */
    usleep(1100 * 1000);
    REQUIRE(gai(ctx, "watched", "80", &h, &res) == 0);
    CHECK_EQ_STR(addr_text(res, buf, sizeof buf), "198.51.100.2");
    gaix_freeaddrinfo(res);
    cleanup(ctx);
}

TEST(default_context_works)
{
    struct addrinfo *res;
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0, AI_NUMERICHOST);
    REQUIRE(gaix_getaddrinfo("192.0.2.1", "80", &h, &res) == 0);
    CHECK_EQ_INT(list_len(res), 1);
    gaix_freeaddrinfo(res);
    REQUIRE(gaix_getaddrinfo("127.0.0.1", "80", NULL, &res) == 0);
    CHECK_EQ_INT(list_len(res), 3); /* hints NULL: every socket type */
    CHECK_EQ_INT(res->ai_flags, AI_V4MAPPED | AI_ADDRCONFIG);
    gaix_freeaddrinfo(res);
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(A01_no_node_no_service), CHECK_ENTRY(A02_A03_A04_bad_hints),
        CHECK_ENTRY(A05_A06_A07_A08_socktype_and_service), CHECK_ENTRY(A10_A11_numeric_flags),
        CHECK_ENTRY(A12_trailing_bytes_never_a_literal),
        CHECK_ENTRY(A13_inet_aton_forms_with_and_without_numerichost),
        CHECK_ENTRY(A14_ipv6_literals_and_scopes), CHECK_ENTRY(literal_family_rules),
        CHECK_ENTRY(A15_A16_A17_bad_names), CHECK_ENTRY(A18_non_ascii_without_idn),
        CHECK_ENTRY(A19_localhost_names_are_loopback),
        CHECK_ENTRY(A19_localhost_without_hosts_lines),
        CHECK_ENTRY(A20_onion_and_invalid_are_not_found),
        CHECK_ENTRY(A21_hints_garbage_fields_ignored),
        CHECK_ENTRY(A23_null_node_passive_and_loopback),
        CHECK_ENTRY(hosts_names_case_aliases_trailing_dot_F23), CHECK_ENTRY(hosts_family_readings),
        CHECK_ENTRY(result_fields_are_well_formed_U2), CHECK_ENTRY(A25_freeaddrinfo_sublists),
        CHECK_ENTRY(A26_strerror_never_null), CHECK_ENTRY(U1_no_fd_left_open),
        CHECK_ENTRY(reload_sees_new_file_F30), CHECK_ENTRY(reload_with_inotify_interval),
        CHECK_ENTRY(default_context_works)));
}
