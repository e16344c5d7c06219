/*
 * gaix_getnameinfo() through the public API, on a context with explicit files. The C library's
 * own getnameinfo() is the reference wherever its answer does not depend on the machine's files
 * (numeric forms, errors); the hosts and services answers are checked against the test files.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "gaix.h"

static char tmpdir[] = "/tmp/gaix-gni-XXXXXX";

static const char *path_of(const char *name)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
    return buf[i];
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(path_of(name), "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

static gaix_ctx *make_ctx(const char *hosts)
{
    if (!mkdtemp(tmpdir))
        abort();
    write_file("hosts", hosts);
    write_file("services", "ftp 21/tcp\n"
                           "domain 53/tcp\n"
                           "domain 53/udp\n"
                           "syslog 514/udp\n"
                           "http 80/tcp www\n"
                           "alt-http 80/tcp\n");
    struct gaix_config cfg = {0};
    static const char *const no_dns[] = {NULL}; /* no packet leaves this test */
    cfg.nameservers = no_dns;
    cfg.resolv_conf_path = "";
    cfg.hosts_path = path_of("hosts");
    cfg.services_path = path_of("services");
    cfg.gai_conf_path = "";
    cfg.reload_interval_ms = GAIX_RELOAD_EVERY_CALL;
    gaix_ctx *ctx = gaix_ctx_new(&cfg);
    if (!ctx)
        abort();
    return ctx;
}

static void cleanup(gaix_ctx *ctx)
{
    gaix_ctx_free(ctx);
    unlink(path_of("hosts"));
    unlink(path_of("services"));
    rmdir(tmpdir);
}

static const char standard_hosts[] = "127.0.0.1 localhost\n"
                                     "::1 localhost ip6-localhost\n"
                                     "192.0.2.10 thor.example.test thor\n"
                                     "192.0.2.10 second-line\n"
                                     "2001:db8::10 thor6.example.test\n"
                                     "::ffff:192.0.2.30 mapped-line\n"
                                     "fe80::7 router-ll\n"
                                     "fe80::8%lo scoped-ll\n";

static struct sockaddr_in sin_of(const char *addr, uint16_t port)
{
    struct sockaddr_in s;
    memset(&s, 0, sizeof s);
    s.sin_family = AF_INET;
    s.sin_port = htons(port);
    if (inet_pton(AF_INET, addr, &s.sin_addr) != 1)
        abort();
    return s;
}

static struct sockaddr_in6 sin6_of(const char *addr, uint16_t port, uint32_t scope)
{
    struct sockaddr_in6 s;
    memset(&s, 0, sizeof s);
    s.sin6_family = AF_INET6;
    s.sin6_port = htons(port);
    s.sin6_scope_id = scope;
    if (inet_pton(AF_INET6, addr, &s.sin6_addr) != 1)
        abort();
    return s;
}

static int gni(gaix_ctx *ctx, const void *sa, size_t salen, char *host, size_t hostlen,
               char *serv, size_t servlen, int flags)
{
    return gaix_ctx_getnameinfo(ctx, sa, (socklen_t)salen, host, (socklen_t)hostlen, serv,
                                (socklen_t)servlen, flags);
}

TEST(hosts_and_services_names)
{
    gaix_ctx *ctx = make_ctx(standard_hosts);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    struct sockaddr_in s = sin_of("192.0.2.10", 80);
    REQUIRE(gni(ctx, &s, sizeof s, host, sizeof host, serv, sizeof serv, 0) == 0);
    CHECK_EQ_STR(host, "thor.example.test"); /* the first line's first name */
    CHECK_EQ_STR(serv, "http");               /* the first line for port 80/tcp */
    s = sin_of("192.0.2.99", 514);
    REQUIRE(gni(ctx, &s, sizeof s, host, sizeof host, serv, sizeof serv, NI_DGRAM) == 0);
    CHECK_EQ_STR(host, "192.0.2.99");
    CHECK_EQ_STR(serv, "syslog");
    REQUIRE(gni(ctx, &s, sizeof s, host, sizeof host, serv, sizeof serv, 0) == 0);
    CHECK_EQ_STR(serv, "514"); /* no 514/tcp */
    cleanup(ctx);
}

TEST(reverse_reads_lines_as_nss_files)
{
    gaix_ctx *ctx = make_ctx(standard_hosts);
    char host[NI_MAXHOST];
    struct sockaddr_in s = sin_of("127.0.0.1", 0);
    REQUIRE(gni(ctx, &s, sizeof s, host, sizeof host, NULL, 0, NI_NAMEREQD) == 0);
    CHECK_EQ_STR(host, "localhost");
    struct sockaddr_in6 s6 = sin6_of("::1", 0, 0);
    REQUIRE(gni(ctx, &s6, sizeof s6, host, sizeof host, NULL, 0, NI_NAMEREQD) == 0);
    CHECK_EQ_STR(host, "localhost");
    s6 = sin6_of("::ffff:192.0.2.10", 0, 0); /* an IPv4 line does not answer its mapped form */
    CHECK_EQ_INT(gni(ctx, &s6, sizeof s6, host, sizeof host, NULL, 0, NI_NAMEREQD), EAI_NONAME);
    REQUIRE(gni(ctx, &s6, sizeof s6, host, sizeof host, NULL, 0, 0) == 0);
    CHECK_EQ_STR(host, "::ffff:192.0.2.10");
    s = sin_of("192.0.2.30", 0); /* a mapped line answers its IPv4 form */
    REQUIRE(gni(ctx, &s, sizeof s, host, sizeof host, NULL, 0, NI_NAMEREQD) == 0);
    CHECK_EQ_STR(host, "mapped-line");
    s6 = sin6_of("fe80::7", 0, if_nametoindex("lo")); /* an unscoped line, any scope */
    REQUIRE(gni(ctx, &s6, sizeof s6, host, sizeof host, NULL, 0, NI_NAMEREQD) == 0);
    CHECK_EQ_STR(host, "router-ll");
    s6 = sin6_of("fe80::8", 0, if_nametoindex("lo"));
    REQUIRE(gni(ctx, &s6, sizeof s6, host, sizeof host, NULL, 0, NI_NAMEREQD) == 0);
    CHECK_EQ_STR(host, "scoped-ll");
    s6 = sin6_of("fe80::8", 0, 0); /* a scoped line answers only its scope */
    CHECK_EQ_INT(gni(ctx, &s6, sizeof s6, host, sizeof host, NULL, 0, NI_NAMEREQD), EAI_NONAME);
    s6 = sin6_of("::", 0, 0);
    CHECK_EQ_INT(gni(ctx, &s6, sizeof s6, host, sizeof host, NULL, 0, NI_NAMEREQD), EAI_NONAME);
    cleanup(ctx);
}

TEST(numeric_forms_match_the_libc)
{
    gaix_ctx *ctx = make_ctx("");
    const char *addrs[] = {"::1", "2001:db8::1", "::ffff:192.0.2.1", "fe80::1", "ff02::1",
                           "ff05::2", "2001:db8::2"};
    uint32_t scopes[] = {0, 1, 7, 999999};
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        for (size_t j = 0; j < sizeof scopes / sizeof scopes[0]; j++) {
            struct sockaddr_in6 s6 = sin6_of(addrs[i], 8080, scopes[j]);
            char a[NI_MAXHOST], b[NI_MAXHOST], sa[NI_MAXSERV], sb[NI_MAXSERV];
            int flags = NI_NUMERICHOST | NI_NUMERICSERV;
            int ra = getnameinfo((struct sockaddr *)&s6, sizeof s6, a, sizeof a, sa, sizeof sa,
                                 flags);
            int rb = gni(ctx, &s6, sizeof s6, b, sizeof b, sb, sizeof sb, flags);
            CHECK_EQ_INT(rb, ra);
            CHECK_EQ_STR(b, a);
            CHECK_EQ_STR(sb, sa);
        }
    }
    struct sockaddr_in s = sin_of("198.51.100.255", 65535);
    char h[NI_MAXHOST], sv[NI_MAXSERV];
    REQUIRE(gni(ctx, &s, sizeof s, h, sizeof h, sv, sizeof sv, NI_NUMERICHOST | NI_NUMERICSERV) ==
            0);
    CHECK_EQ_STR(h, "198.51.100.255");
    CHECK_EQ_STR(sv, "65535");
    cleanup(ctx);
}

TEST(A24_errors)
{
    gaix_ctx *ctx = make_ctx(standard_hosts);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    struct sockaddr_in s = sin_of("192.0.2.99", 80);
    CHECK_EQ_INT(gni(ctx, &s, sizeof s - 1, host, sizeof host, serv, sizeof serv, 0), EAI_FAMILY);
    CHECK_EQ_INT(gni(ctx, NULL, 0, host, sizeof host, serv, sizeof serv, 0), EAI_FAMILY);
    CHECK_EQ_INT(gni(ctx, &s, 1, host, sizeof host, serv, sizeof serv, 0), EAI_FAMILY);
    struct sockaddr_in6 s6 = sin6_of("::1", 80, 0);
    CHECK_EQ_INT(gni(ctx, &s6, sizeof s6 - 1, host, sizeof host, NULL, 0, 0), EAI_FAMILY);
    struct sockaddr bad = {.sa_family = 12345};
    CHECK_EQ_INT(gni(ctx, &bad, sizeof bad, host, sizeof host, NULL, 0, 0), EAI_FAMILY);
    CHECK_EQ_INT(gni(ctx, &s, sizeof s, host, sizeof host, serv, sizeof serv, 0x10000),
                 EAI_BADFLAGS);
    CHECK_EQ_INT(gni(ctx, &s, sizeof s, host, sizeof host, serv, sizeof serv, NI_NAMEREQD),
                 EAI_NONAME);
    CHECK_EQ_INT(gni(ctx, &s, sizeof s, NULL, 0, NULL, 0, NI_NAMEREQD), EAI_NONAME);
    /* glibc: both buffers absent without NI_NAMEREQD is not an error; nothing is written. */
    CHECK_EQ_INT(gni(ctx, &s, sizeof s, NULL, 0, NULL, 0, 0), 0);
    CHECK_EQ_INT(gni(ctx, &s, sizeof s, host, sizeof host, serv, sizeof serv,
                     NI_NUMERICHOST | NI_NAMEREQD),
                 EAI_NONAME);
    /* The deprecated NI_IDN flags are accepted and ignored, as in glibc. */
    CHECK_EQ_INT(gni(ctx, &s, sizeof s, host, sizeof host, serv, sizeof serv, 64 | 128), 0);
    cleanup(ctx);
}

/* N10: a buffer one byte too small is EAI_OVERFLOW and nothing is written past its end. */
TEST(N10_overflow_writes_nothing_past_the_length)
{
    gaix_ctx *ctx = make_ctx(standard_hosts);
    struct sockaddr_in s = sin_of("192.0.2.10", 21);
    struct sockaddr_in6 s6 = sin6_of("fe80::1", 21, if_nametoindex("lo"));
    struct {
        const void *sa;
        size_t salen;
        int flags;
        const char *host;
        const char *serv;
    } cases[] = {
        {&s, sizeof s, 0, "thor.example.test", "ftp"},
        {&s, sizeof s, NI_NUMERICHOST | NI_NUMERICSERV, "192.0.2.10", "21"},
        {&s6, sizeof s6, NI_NUMERICHOST, "fe80::1%lo", "ftp"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t hl = strlen(cases[c].host), sl = strlen(cases[c].serv);
        char buf[64];
        for (size_t len = 1; len <= hl + 1; len++) {
            memset(buf, 'Z', sizeof buf);
            int rc = gni(ctx, cases[c].sa, cases[c].salen, buf, len, NULL, 0, cases[c].flags);
            CHECK_EQ_INT(rc, len == hl + 1 ? 0 : EAI_OVERFLOW);
            for (size_t k = len; k < sizeof buf; k++)
                if (buf[k] != 'Z')
                    CHECK_FAIL_AT(__FILE__, __LINE__, "case %zu: byte %zu written (len %zu)", c,
                                  k, len);
            if (rc == 0)
                CHECK_EQ_STR(buf, cases[c].host);
        }
        for (size_t len = 1; len <= sl + 1; len++) {
            memset(buf, 'Z', sizeof buf);
            int rc = gni(ctx, cases[c].sa, cases[c].salen, NULL, 0, buf, len, cases[c].flags);
            CHECK_EQ_INT(rc, len == sl + 1 ? 0 : EAI_OVERFLOW);
            for (size_t k = len; k < sizeof buf; k++)
                if (buf[k] != 'Z')
                    CHECK_FAIL_AT(__FILE__, __LINE__, "case %zu: serv byte %zu written", c, k);
        }
    }
    cleanup(ctx);
}

TEST(nofqdn_cuts_the_local_domain)
{
    gaix_ctx *ctx = make_ctx("127.0.0.1 localhost.example.test localhost\n"
                             "192.0.2.10 thor.example.test\n"
                             "192.0.2.11 other.example.org\n");
    char host[NI_MAXHOST];
    struct sockaddr_in s = sin_of("192.0.2.10", 0);
    REQUIRE(gni(ctx, &s, sizeof s, host, sizeof host, NULL, 0, NI_NOFQDN) == 0);
    CHECK_EQ_STR(host, "thor");
    s = sin_of("192.0.2.11", 0);
    REQUIRE(gni(ctx, &s, sizeof s, host, sizeof host, NULL, 0, NI_NOFQDN) == 0);
    CHECK_EQ_STR(host, "other.example.org");
    cleanup(ctx);
}

TEST(af_unix_as_glibc)
{
    gaix_ctx *ctx = make_ctx("");
    struct sockaddr_un u;
    memset(&u, 0, sizeof u);
    u.sun_family = AF_UNIX;
    strcpy(u.sun_path, "/run/test.sock");
    char host[NI_MAXHOST], serv[NI_MAXSERV], lh[NI_MAXHOST], ls[NI_MAXSERV];
    int rc = gni(ctx, &u, sizeof u, host, sizeof host, serv, sizeof serv, 0);
    int lrc = getnameinfo((struct sockaddr *)&u, sizeof u, lh, sizeof lh, ls, sizeof ls, 0);
    CHECK_EQ_INT(rc, lrc);
    CHECK_EQ_STR(host, lh);
    CHECK_EQ_STR(serv, "/run/test.sock");
    REQUIRE(gni(ctx, &u, sizeof u, host, sizeof host, NULL, 0, NI_NUMERICHOST) == 0);
    CHECK_EQ_STR(host, "localhost");
    CHECK_EQ_INT(gni(ctx, &u, 1, host, sizeof host, NULL, 0, 0), EAI_FAMILY);
    cleanup(ctx);
}

/* gaix_ctx_getnameinfo_detail(): the same answer as gaix_ctx_getnameinfo(), and where the host
 * name came from (DNS is off here: the PTR cases are tests/integration/test_cli.sh's). */
TEST(detail_says_where_the_name_came_from)
{
    gaix_ctx *ctx = make_ctx(standard_hosts);
    char host[NI_MAXHOST], serv[NI_MAXSERV], plain[NI_MAXHOST];
    struct gaix_result r;
    struct sockaddr_in s = sin_of("192.0.2.10", 80);

    memset(&r, 0x5a, sizeof r);
    errno = 0;
    CHECK_EQ_INT(gaix_ctx_getnameinfo_detail(NULL, (struct sockaddr *)&s, sizeof s, host,
                                             sizeof host, serv, sizeof serv, 0, &r),
                 EAI_SYSTEM);
    CHECK_EQ_INT(errno, EINVAL);
    CHECK_EQ_INT(r.status, 0x5a5a5a5a); /* untouched */
    errno = 0;
    CHECK_EQ_INT(gaix_ctx_getnameinfo_detail(ctx, (struct sockaddr *)&s, sizeof s, host,
                                             sizeof host, serv, sizeof serv, 0, NULL),
                 EAI_SYSTEM);
    CHECK_EQ_INT(errno, EINVAL);

    /* hosts */
    REQUIRE(gaix_ctx_getnameinfo_detail(ctx, (struct sockaddr *)&s, sizeof s, host, sizeof host,
                                        serv, sizeof serv, 0, &r) == 0);
    CHECK_EQ_STR(host, "thor.example.test");
    CHECK_EQ_STR(serv, "http");
    CHECK_EQ_INT(r.status, 0);
    CHECK(r.ai == NULL);
    CHECK_EQ_INT(r.source, GAIX_SOURCE_HOSTS);
    CHECK_EQ_INT(r.rcode, -1);
    CHECK_EQ_INT(r.queries, 0);
    CHECK_EQ_INT(r.server.ss_family, 0);

    /* no name: the number, as the plain call gives it */
    s = sin_of("192.0.2.99", 514);
    REQUIRE(gaix_ctx_getnameinfo_detail(ctx, (struct sockaddr *)&s, sizeof s, host, sizeof host,
                                        NULL, 0, 0, &r) == 0);
    REQUIRE(gni(ctx, &s, sizeof s, plain, sizeof plain, NULL, 0, 0) == 0);
    CHECK_EQ_STR(host, plain);
    CHECK_EQ_STR(host, "192.0.2.99");
    CHECK_EQ_INT(r.source, GAIX_SOURCE_NUMERIC);
    /* NI_NUMERICHOST for a name the hosts file has: numeric too */
    s = sin_of("192.0.2.10", 80);
    REQUIRE(gaix_ctx_getnameinfo_detail(ctx, (struct sockaddr *)&s, sizeof s, host, sizeof host,
                                        NULL, 0, NI_NUMERICHOST, &r) == 0);
    CHECK_EQ_STR(host, "192.0.2.10");
    CHECK_EQ_INT(r.source, GAIX_SOURCE_NUMERIC);

    /* an error: its code in status, no source */
    s = sin_of("192.0.2.99", 514);
    CHECK_EQ_INT(gaix_ctx_getnameinfo_detail(ctx, (struct sockaddr *)&s, sizeof s, host,
                                             sizeof host, NULL, 0, NI_NAMEREQD, &r),
                 EAI_NONAME);
    CHECK_EQ_INT(r.status, EAI_NONAME);
    CHECK_EQ_INT(r.source, GAIX_SOURCE_NONE);

    /* AF_UNIX: this node */
    struct sockaddr_un u;
    memset(&u, 0, sizeof u);
    u.sun_family = AF_UNIX;
    strcpy(u.sun_path, "/run/test.sock");
    REQUIRE(gaix_ctx_getnameinfo_detail(ctx, (struct sockaddr *)&u, sizeof u, host, sizeof host,
                                        serv, sizeof serv, 0, &r) == 0);
    CHECK_EQ_INT(r.source, GAIX_SOURCE_LOCAL);
    CHECK_EQ_STR(serv, "/run/test.sock");
    cleanup(ctx);
}

TEST(default_context_numeric)
{
    struct sockaddr_in s = sin_of("192.0.2.1", 8443);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    REQUIRE(gaix_getnameinfo((struct sockaddr *)&s, sizeof s, host, sizeof host, serv,
                             sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0);
    CHECK_EQ_STR(host, "192.0.2.1");
    CHECK_EQ_STR(serv, "8443");
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(hosts_and_services_names), CHECK_ENTRY(reverse_reads_lines_as_nss_files),
        CHECK_ENTRY(numeric_forms_match_the_libc), CHECK_ENTRY(A24_errors),
        CHECK_ENTRY(N10_overflow_writes_nothing_past_the_length),
        CHECK_ENTRY(nofqdn_cuts_the_local_domain), CHECK_ENTRY(af_unix_as_glibc),
        CHECK_ENTRY(detail_says_where_the_name_came_from),
        CHECK_ENTRY(default_context_numeric)));
}
