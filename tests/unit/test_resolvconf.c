/*
 * Tests of the resolv.conf parser (config/resolvconf.h): each TEST-VECTORS case F01-F16 that
 * concerns the parser, S06, and each option has a test named after it. Every input, and every
 * environment string, is placed against a guard page (check_guarded_copy) and unmapped before
 * the result is looked at, so a read past the input faults and a snapshot that kept a pointer
 * into its input faults too. Interface names go through a fake resolver (lo is 1, eth0 is 2), so
 * no test depends on this machine.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <strings.h>

#include "check.h"
#include "config/resolvconf.h"
#include "core/limits.h"
#include "core/status.h"

/* ---- helpers -------------------------------------------------------------------------------- */

static uint32_t fake_ifindex(const char *name, size_t len, void *arg)
{
    (void)arg;
    if (len == 2 && memcmp(name, "lo", 2) == 0)
        return 1;
    if (len == 4 && memcmp(name, "eth0", 4) == 0)
        return 2;
    return 0;
}

/* A C string against a guard page, its NUL the last readable byte. */
static const char *guard_str(const char *s)
{
    return s ? check_guarded_copy(s, strlen(s) + 1) : NULL;
}

static void unguard_str(const char *g)
{
    if (g)
        check_guarded_free(g, strlen(g) + 1);
}

/* Parses `len` bytes with an environment; the input is unmapped before the result returns. */
static struct gx_resolv_conf *parse_env_n(const char *text, size_t len,
                                          const struct gx_resolv_env *env)
{
    char *g = check_guarded_copy(text, len);
    struct gx_resolv_env genv, *envp = NULL;
    if (env) {
        genv = *env;
        genv.localdomain = guard_str(env->localdomain);
        genv.res_options = guard_str(env->res_options);
        genv.hostname = guard_str(env->hostname);
        envp = &genv;
    }
    struct gx_resolv_conf *c = NULL;
    int rc = gx_resolvconf_parse(g, len, envp, &c);
    check_guarded_free(g, len);
    if (envp) {
        unguard_str(genv.localdomain);
        unguard_str(genv.res_options);
        unguard_str(genv.hostname);
    }
    CHECK_EQ_INT(rc, GX_OK);
    return c;
}

static const struct gx_resolv_env fake_env = {.ifindex = fake_ifindex};

static struct gx_resolv_conf *parse_n(const char *text, size_t len)
{
    return parse_env_n(text, len, &fake_env);
}

static struct gx_resolv_conf *parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static struct gx_resolv_conf *parse_env(const char *text, const char *localdomain,
                                        const char *res_options, const char *hostname)
{
    struct gx_resolv_env env = fake_env;
    env.localdomain = localdomain;
    env.res_options = res_options;
    env.hostname = hostname;
    return parse_env_n(text, strlen(text), &env);
}

/* Rotating buffers, so that two results can appear in one check. */
static char *text_buf(void)
{
    static char bufs[2][GX_RESOLV_MAXSEARCH * (GX_NAME_TEXT_MAX + 1) + 64];
    static int next;
    next ^= 1;
    bufs[next][0] = '\0';
    return bufs[next];
}

/*
 * The servers as "192.0.2.1 fe80::1%2": a port other than 53, or a sockaddr that disagrees with
 * the fields beside it, shows as "!".
 */
static const char *ns_list(const struct gx_resolv_conf *c)
{
    char *out = text_buf();
    size_t n = 0;
    for (size_t i = 0; i < c->nns; i++) {
        const struct gx_nameserver *ns = &c->ns[i];
        char a[INET6_ADDRSTRLEN];
        int ok = ns->port == 53;
        if (ns->family == AF_INET) {
            struct sockaddr_in sin;
            memcpy(&sin, &ns->addr, sizeof sin);
            ok = ok && sin.sin_family == AF_INET && sin.sin_port == htons(53);
            inet_ntop(AF_INET, &sin.sin_addr, a, sizeof a);
            n += (size_t)snprintf(out + n, 256, "%s%s%s", i ? " " : "", a, ok ? "" : "!");
        } else {
            ok = ok && ns->family == AF_INET6 && ns->addr.sin6_family == AF_INET6 &&
                 ns->addr.sin6_port == htons(53);
            inet_ntop(AF_INET6, &ns->addr.sin6_addr, a, sizeof a);
            n += (size_t)snprintf(out + n, 256, "%s%s", i ? " " : "", a);
            if (ns->addr.sin6_scope_id)
                n += (size_t)snprintf(out + n, 32, "%%%u", (unsigned)ns->addr.sin6_scope_id);
            if (!ok)
                n += (size_t)snprintf(out + n, 2, "!");
        }
    }
    return out;
}

/* The search list as "a.test b.test"; also checks that every string lies in the snapshot. */
static const char *search_list(const struct gx_resolv_conf *c)
{
    char *out = text_buf();
    size_t n = 0;
    for (size_t i = 0; i < c->nsearch; i++) {
        size_t len = strlen(c->search[i]);
        CHECK(c->search[i] >= c->storage && c->search[i] >= (const char *)(c + 1));
        memcpy(out + n, i ? " " : "", i ? 1 : 0);
        n += i ? 1 : 0;
        memcpy(out + n, c->search[i], len + 1);
        n += len;
    }
    return out;
}

static void check_defaults_but_search(const struct gx_resolv_conf *c)
{
    CHECK_EQ_STR(ns_list(c), "127.0.0.1");
    CHECK_EQ_INT(c->ndots, 1);
    CHECK_EQ_INT(c->timeout_s, 5);
    CHECK_EQ_INT(c->attempts, 2);
    CHECK_EQ_INT(c->options, 0);
}

static void check_defaults(const struct gx_resolv_conf *c)
{
    check_defaults_but_search(c);
    CHECK_EQ_INT(c->nsearch, 0);
}

/* Appends `n` copies of `c` (n > 0) or the string `s` (n == 0) to buf, which stays terminated.
 * Aborts rather than truncate: a test input must be what the test says. */
static void append(char *buf, size_t cap, const char *s, char c, size_t n)
{
    size_t used = strlen(buf), add = n ? n : strlen(s);
    if (used + add >= cap)
        abort();
    if (n)
        memset(buf + used, c, n);
    else
        memcpy(buf + used, s, add);
    buf[used + add] = '\0';
}

/* ---- F01, F04: no file, empty files, the host's domain ------------------------------------- */

TEST(F01_missing_file_defaults)
{
    struct gx_resolv_conf *c = NULL;
    CHECK_EQ_INT(gx_resolvconf_parse(NULL, 0, NULL, &c), GX_OK);
    REQUIRE(c != NULL);
    check_defaults(c);
    CHECK_EQ_INT(c->ns[0].family, AF_INET);
    CHECK_EQ_INT(c->lines_skipped, 0);
    gx_resolvconf_unref(c);

    c = parse_env_n("", 0, NULL);
    REQUIRE(c != NULL);
    check_defaults(c);
    gx_resolvconf_unref(c);
}

TEST(F01_search_from_host_name)
{
    static const struct {
        const char *hostname, *search;
    } cases[] = {
        {"host.example.org", "example.org"},
        {"a.b.c.d", "b.c.d"},
        {"host.example.org.", "example.org"},
        {"host", ""},
        {"host.", ""},
        {"host..", ""},
        {"", ""},
        {"host.bad\x01name", ""},
        {"host.caf\xc3\xa9.test", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gx_resolv_conf *c =
            parse_env("nameserver 192.0.2.1\n", NULL, NULL, cases[i].hostname);
        REQUIRE(c != NULL);
        CHECK_EQ_STR(search_list(c), cases[i].search);
        gx_resolvconf_unref(c);
    }
}

TEST(F01_host_name_only_without_search)
{
    struct gx_resolv_conf *c = parse_env("search a.test\n", NULL, NULL, "h.example.org");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(search_list(c), "a.test");
    gx_resolvconf_unref(c);

    c = parse_env("domain b.test\n", NULL, NULL, "h.example.org");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(search_list(c), "b.test");
    gx_resolvconf_unref(c);

    /* LOCALDOMAIN, even empty, is a search list: the host's domain is not added to it. */
    c = parse_env("", "", NULL, "h.example.org");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(search_list(c), "");
    gx_resolvconf_unref(c);

    /* A search line with no valid name is skipped whole: as if it were not there. */
    c = parse_env("search \x01\n", NULL, NULL, "h.example.org");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(search_list(c), "example.org");
    gx_resolvconf_unref(c);
}

TEST(F04_empty_comments_whitespace)
{
    static const char *texts[] = {
        "",
        "\n",
        "# only a comment\n",
        "; only a comment\n#\n;\n",
        "   \n\t\n\n \t \r\n",
        "# nameserver 192.0.2.1\n; search a.test\n#options rotate",
        "nameserver\nsearch\ndomain\noptions\n",
        "nameserver \nsearch \ndomain \noptions \n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct gx_resolv_conf *c = parse(texts[i]);
        REQUIRE(c != NULL);
        check_defaults(c);
        gx_resolvconf_unref(c);
    }
}

/* ---- F05-F07: nameservers ------------------------------------------------------------------- */

TEST(F05_first_three_nameservers)
{
    struct gx_resolv_conf *c = parse("nameserver 192.0.2.1\n"
                                     "nameserver 2001:db8::1\n"
                                     "nameserver example.com\n" /* refused: takes no place */
                                     "nameserver 192.0.2.3\n"
                                     "nameserver 2001:db8::4\n"
                                     "nameserver 192.0.2.5\n"
                                     "nameserver 2001:db8::6\n"
                                     "nameserver 192.0.2.7\n"
                                     "nameserver 192.0.2.8\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1 2001:db8::1 192.0.2.3");
    CHECK_EQ_INT(c->ns[0].family, AF_INET);
    CHECK_EQ_INT(c->ns[1].family, AF_INET6);
    CHECK_EQ_INT(c->ns_dropped, 5);
    CHECK_EQ_INT(c->lines_skipped, 1);
    gx_resolvconf_unref(c);

    /* N-1, N, N+1 for GX_RESOLV_MAXNS. */
    c = parse("nameserver 192.0.2.1\nnameserver 192.0.2.2\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1 192.0.2.2");
    CHECK_EQ_INT(c->ns_dropped, 0);
    gx_resolvconf_unref(c);
    c = parse("nameserver 192.0.2.1\nnameserver 192.0.2.2\nnameserver 192.0.2.3\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1 192.0.2.2 192.0.2.3");
    CHECK_EQ_INT(c->ns_dropped, 0);
    gx_resolvconf_unref(c);
    c = parse("nameserver 192.0.2.1\nnameserver 192.0.2.2\nnameserver 192.0.2.3\n"
              "nameserver 192.0.2.4\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1 192.0.2.2 192.0.2.3");
    CHECK_EQ_INT(c->ns_dropped, 1);
    gx_resolvconf_unref(c);
}

TEST(F06_nameserver_forms)
{
    static const struct {
        const char *line, *want; /* want "": refused, the default server remains */
    } cases[] = {
        {"nameserver 192.0.2.1 garbage", "192.0.2.1"},
        {"nameserver 192.0.2.1 192.0.2.2", "192.0.2.1"},
        {"nameserver 192.0.2.2:5353", ""},
        {"nameserver 999.1.1.1", ""},
        {"nameserver example.com", ""},
        {"nameserver 1.2.3.4.5", ""},
        {"nameserver 1.2.3.4x", ""},
        {"nameserver 1.2.3.4#53", ""},
        {"nameserver 192.0.2.1%1", ""},
        {"nameserver [2001:db8::1]", ""},
        {"nameserver ::g", ""},
        /* inet_aton forms, whole, as glibc's __inet_aton_exact reads them. */
        {"nameserver 127.1", "127.0.0.1"},
        {"nameserver 0x7f.1", "127.0.0.1"},
        {"nameserver 010.0.0.1", "8.0.0.1"},
        {"nameserver 017700000001", "127.0.0.1"},
        {"nameserver 3221225985", "192.0.2.1"},
        {"nameserver ::1", "::1"},
        {"nameserver ::ffff:192.0.2.1", "::ffff:192.0.2.1"},
        {"nameserver 2001:db8::53 # office", "2001:db8::53"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gx_resolv_conf *c = parse(cases[i].line);
        REQUIRE(c != NULL);
        const char *want = cases[i].want[0] ? cases[i].want : "127.0.0.1";
        if (strcmp(ns_list(c), want) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "\"%s\": got \"%s\", want \"%s\"", cases[i].line,
                          ns_list(c), want);
        CHECK_EQ_INT(c->lines_skipped, cases[i].want[0] ? 0 : 1);
        gx_resolvconf_unref(c);
    }
}

TEST(F07_nameserver_scope)
{
    static const struct {
        const char *line, *want;
    } cases[] = {
        {"nameserver fe80::1%lo", "fe80::1%1"},
        {"nameserver fe80::1%eth0", "fe80::1%2"},
        {"nameserver fe80::1%7", "fe80::1%7"},
        {"nameserver fe80::1%007", "fe80::1%7"},
        {"nameserver fe80::1%4294967295", "fe80::1%4294967295"},
        {"nameserver 2001:db8::1%3", "2001:db8::1%3"},
        {"nameserver ff02::1%eth0", "ff02::1%2"},
        {"nameserver fe80::1%nosuchif", ""},
        {"nameserver fe80::1%99999999999", ""},
        {"nameserver fe80::1%4294967296", ""},
        {"nameserver fe80::1%", ""},
        {"nameserver fe80::1%-1", ""},
        {"nameserver fe80::1%lo%lo", ""},
        {"nameserver 2001:db8::1%lo", ""}, /* a name means something only on a link */
        {"nameserver %lo", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gx_resolv_conf *c = parse(cases[i].line);
        REQUIRE(c != NULL);
        const char *want = cases[i].want[0] ? cases[i].want : "127.0.0.1";
        if (strcmp(ns_list(c), want) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "\"%s\": got \"%s\", want \"%s\"", cases[i].line,
                          ns_list(c), want);
        gx_resolvconf_unref(c);
    }

    /* Without an interface resolver only numbers work. */
    static const struct gx_resolv_env numeric_only = {0};
    const char *text = "nameserver fe80::1%lo\nnameserver fe80::2%5\n";
    struct gx_resolv_conf *c = parse_env_n(text, strlen(text), &numeric_only);
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "fe80::2%5");
    gx_resolvconf_unref(c);
}

/* ---- F08: numbers --------------------------------------------------------------------------- */

struct number_case {
    const char *option;
    unsigned want;
};

static unsigned number_of(const struct gx_resolv_conf *c, const char *option)
{
    if (strncasecmp(option, "ndots", 5) == 0)
        return c->ndots;
    if (strncasecmp(option, "timeout", 7) == 0)
        return c->timeout_s;
    return c->attempts;
}

static void check_numbers(const struct number_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char text[256];
        snprintf(text, sizeof text, "options %s\n", cases[i].option);
        struct gx_resolv_conf *c = parse(text);
        REQUIRE(c != NULL);
        unsigned got = number_of(c, cases[i].option);
        if (got != cases[i].want)
            CHECK_FAIL_AT(__FILE__, __LINE__, "\"%s\": got %u, want %u", cases[i].option, got,
                          cases[i].want);
        CHECK_EQ_INT(c->options, 0);
        gx_resolvconf_unref(c);
        /* The same from RES_OPTIONS. */
        c = parse_env("", NULL, cases[i].option, NULL);
        REQUIRE(c != NULL);
        got = number_of(c, cases[i].option);
        if (got != cases[i].want)
            CHECK_FAIL_AT(__FILE__, __LINE__, "RES_OPTIONS \"%s\": got %u, want %u",
                          cases[i].option, got, cases[i].want);
        gx_resolvconf_unref(c);
    }
}

TEST(F08_ndots)
{
    static const struct number_case cases[] = {
        {"ndots:0", 0},
        {"ndots:2", 2},
        {"ndots:05", 5},
        {"ndots:14", 14},
        {"ndots:15", 15},
        {"ndots:16", 15},
        {"ndots:99", 15},
        {"ndots:-1", 1},
        {"ndots:abc", 1},
        {"ndots:", 1},
        {"ndots:+3", 1},
        {"ndots:3abc", 1},
        {"ndots:0x3", 1},
        {"ndots:3.5", 1},
        {"ndots:4294967296", 15},
        {"ndots:4294967297", 15},
        {"ndots:18446744073709551617", 15},
        {"ndots:000000000000000000000000000000004", 4},
        {"NDOTS:3", 1},
        {"ndots=3", 1},
    };
    check_numbers(cases, sizeof cases / sizeof cases[0]);

    /* "ndots: 3" is "ndots:" (no number) and an unknown word "3". */
    struct gx_resolv_conf *c = parse("options ndots: 3\n");
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->ndots, 1);
    gx_resolvconf_unref(c);

    /* Any number of digits, without wrapping. */
    char text[5000] = "options ndots:";
    append(text, sizeof text, NULL, '9', 4000);
    c = parse(text);
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->ndots, 15);
    gx_resolvconf_unref(c);
}

TEST(F08_timeout)
{
    static const struct number_case cases[] = {
        {"timeout:0", 1},           {"timeout:1", 1},   {"timeout:2", 2},    {"timeout:29", 29},
        {"timeout:30", 30},         {"timeout:31", 30}, {"timeout:999", 30}, {"timeout:-1", 5},
        {"timeout:abc", 5},         {"timeout:", 5},    {"timeout:1.5", 5},  {"timeout:07", 7},
        {"timeout:4294967297", 30},
    };
    check_numbers(cases, sizeof cases / sizeof cases[0]);
}

TEST(F08_attempts)
{
    static const struct number_case cases[] = {
        {"attempts:0", 1}, {"attempts:1", 1},          {"attempts:4", 4},  {"attempts:5", 5},
        {"attempts:6", 5}, {"attempts:999", 5},        {"attempts:-1", 2}, {"attempts:x", 2},
        {"attempts:", 2},  {"attempts:4294967296", 5},
    };
    check_numbers(cases, sizeof cases / sizeof cases[0]);
}

TEST(F08_bad_number_keeps_earlier_value)
{
    struct gx_resolv_conf *c = parse("options ndots:4 timeout:3 attempts:4\n"
                                     "options ndots:abc timeout:-1 attempts:\n");
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->ndots, 4);
    CHECK_EQ_INT(c->timeout_s, 3);
    CHECK_EQ_INT(c->attempts, 4);
    gx_resolvconf_unref(c);
}

/* ---- F09, S06: search entries --------------------------------------------------------------- */

TEST(F09_eight_entries_in_order)
{
    struct gx_resolv_conf *c =
        parse("search a1.test a2.test a3.test a4.test a5.test a6.test a7.test a8.test\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(search_list(c), "a1.test a2.test a3.test a4.test a5.test a6.test a7.test a8.test");
    CHECK_EQ_INT(c->search_dropped, 0);
    CHECK_EQ_INT(c->search_invalid, 0);
    gx_resolvconf_unref(c);
}

TEST(F09_overlong_entries_skipped_whole)
{
    char l63[64] = "", l64[65] = "", name253[254] = "", name254[255] = "", six63[6 * 64] = "";
    char text[4096] = "search first.test ";
    append(l63, sizeof l63, NULL, 'a', 63);
    append(l64, sizeof l64, NULL, 'b', 64);
    /* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters; 254 with a last label of 62. */
    for (int i = 0; i < 3; i++) {
        append(name253, sizeof name253, l63, 0, 0);
        append(name253, sizeof name253, ".", 0, 0);
        append(name254, sizeof name254, l63, 0, 0);
        append(name254, sizeof name254, ".", 0, 0);
    }
    append(name253, sizeof name253, NULL, 'c', 61);
    append(name254, sizeof name254, NULL, 'd', 62);
    for (int i = 0; i < 6; i++) {
        append(six63, sizeof six63, i ? "." : "", 0, 0);
        append(six63, sizeof six63, l63, 0, 0);
    }
    CHECK_EQ_INT(strlen(name253), 253);
    CHECK_EQ_INT(strlen(name254), 254);

    const char *words[] = {six63, " ",     name254, " x.", l64,          ".y ",   name253,
                           " ",   name253, ". ",    l63,   " mid.test ", name254, ".\n"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        append(text, sizeof text, words[i], 0, 0);
    struct gx_resolv_conf *c = parse(text);
    REQUIRE(c != NULL);
    REQUIRE(c->nsearch == 5);
    CHECK_EQ_STR(c->search[0], "first.test");
    CHECK_EQ_STR(c->search[1], name253);
    CHECK_EQ_STR(c->search[2], name253); /* the final dot dropped: 253 characters again */
    CHECK_EQ_STR(c->search[3], l63);
    CHECK_EQ_STR(c->search[4], "mid.test");
    CHECK_EQ_INT(c->search_invalid, 4);
    /* Never cut: no kept entry is a prefix of a refused one that is not itself a word. */
    for (size_t i = 0; i < c->nsearch; i++)
        CHECK(strlen(c->search[i]) <= GX_NAME_TEXT_MAX);
    gx_resolvconf_unref(c);
}

TEST(F09_invalid_bytes_skipped)
{
    struct gx_resolv_conf *c = parse("search a.test b\x01x.test caf\xc3\xa9.test \xff c.test "
                                     "d..test e.test\x7f f.test\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(search_list(c), "a.test c.test f.test");
    CHECK_EQ_INT(c->search_invalid, 5);
    gx_resolvconf_unref(c);
}

TEST(F09_at_most_maxsearch)
{
    /* N-1, N, N+1 for GX_RESOLV_MAXSEARCH. */
    for (size_t n = GX_RESOLV_MAXSEARCH - 1; n <= GX_RESOLV_MAXSEARCH + 1; n++) {
        char text[4096] = "search";
        size_t used = strlen(text);
        for (size_t i = 0; i < n; i++)
            used += (size_t)snprintf(text + used, sizeof text - used, " d%zu.test", i);
        struct gx_resolv_conf *c = parse(text);
        REQUIRE(c != NULL);
        size_t kept = n < GX_RESOLV_MAXSEARCH ? n : GX_RESOLV_MAXSEARCH;
        CHECK_EQ_INT(c->nsearch, kept);
        CHECK_EQ_INT(c->search_dropped, n - kept);
        for (size_t i = 0; i < c->nsearch; i++) {
            char want[32];
            snprintf(want, sizeof want, "d%zu.test", i);
            CHECK_EQ_STR(c->search[i], want);
        }
        gx_resolvconf_unref(c);
    }
}

TEST(S06_root_and_dots)
{
    static const struct {
        const char *line, *want;
    } cases[] = {
        {"search . a.test", ". a.test"},
        {"search a.test .", "a.test ."},
        {"search .a.test", "a.test"}, /* glibc's res_nsearch drops one leading dot */
        {"search a.test.", "a.test"}, /* the final dot: absolute either way */
        {"search .a.test.", "a.test"},
        {"search x.test .. ..a.test a..b.test", "x.test"},
        {"domain .", "."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gx_resolv_conf *c = parse(cases[i].line);
        REQUIRE(c != NULL);
        if (strcmp(search_list(c), cases[i].want) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "\"%s\": got \"%s\", want \"%s\"", cases[i].line,
                          search_list(c), cases[i].want);
        /* No entry can make a query with "..": only "." itself ends or starts with a dot. */
        for (size_t k = 0; k < c->nsearch; k++) {
            const char *e = c->search[k];
            size_t len = strlen(e);
            CHECK(strstr(e, "..") == NULL);
            CHECK(strcmp(e, ".") == 0 || (e[0] != '.' && e[len - 1] != '.'));
        }
        gx_resolvconf_unref(c);
    }
}

/* ---- F10: repeated directives --------------------------------------------------------------- */

TEST(F10_last_search_or_domain_wins)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"search a.test\ndomain b.test\n", "b.test"},
        {"domain b.test\nsearch c.test d.test\n", "c.test d.test"},
        {"search a.test\nsearch b.test c.test\nsearch d.test\n", "d.test"},
        {"domain a.test b.test\n", "a.test"},
        {"domain \x01 a.test\n", ""},          /* the first word is the domain: refused */
        {"search a.test\nsearch\n", "a.test"}, /* "search" alone is not even a keyword */
        {"search a.test\nsearch \n", "a.test"},
        {"search a.test\nsearch \x01 \xff\n", "a.test"},
        {"search a.test\ndomain \xff\n", "a.test"},
        {"search a.test\nsearch # nothing\n", "a.test"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gx_resolv_conf *c = parse(cases[i].text);
        REQUIRE(c != NULL);
        if (strcmp(search_list(c), cases[i].want) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "case %zu: got \"%s\", want \"%s\"", i,
                          search_list(c), cases[i].want);
        gx_resolvconf_unref(c);
    }
}

TEST(F10_options_accumulate)
{
    struct gx_resolv_conf *c = parse("options rotate ndots:3\n"
                                     "nameserver 192.0.2.1\n"
                                     "options edns0 timeout:2\n"
                                     "options ndots:4\n");
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->options, GX_RES_ROTATE | GX_RES_EDNS0);
    CHECK_EQ_INT(c->ndots, 4);
    CHECK_EQ_INT(c->timeout_s, 2);
    CHECK_EQ_INT(c->attempts, 2);
    gx_resolvconf_unref(c);
}

/* ---- F11-F14: line structure ---------------------------------------------------------------- */

TEST(F11_crlf)
{
    struct gx_resolv_conf *c = parse("nameserver 192.0.2.1\r\n"
                                     "search a.test b.test\r\n"
                                     "options rotate ndots:3\r\n"
                                     "\r\n"
                                     "nameserver 192.0.2.2\n"
                                     "nameserver 192.0.2.3\r");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1 192.0.2.2 192.0.2.3");
    CHECK_EQ_STR(search_list(c), "a.test b.test");
    CHECK_EQ_INT(c->options, GX_RES_ROTATE);
    CHECK_EQ_INT(c->ndots, 3);
    gx_resolvconf_unref(c);

    c = parse("domain a.test\r\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(search_list(c), "a.test");
    gx_resolvconf_unref(c);
}

TEST(F12_binary_junk)
{
    static const char text[] = "\x00nameserver 192.0.2.9\n"
                               "nameserver 192.0.2.1\n"
                               "\xff\xfe\xfd\n"
                               "nameserver 192.0.2.8\x00 junk\n"
                               "nameserver \xff\n"
                               "nameserver 192.0.2.7\xff\n"
                               "search caf\xc3\xa9.test \xc3\x28 a.test\n"
                               "\x01\x02 options rotate\n"
                               "options \xff edns0 \x80\x81\n"
                               "nameserver 192.0.2.2\n";
    struct gx_resolv_conf *c = parse_n(text, sizeof text - 1);
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1 192.0.2.2");
    CHECK_EQ_STR(search_list(c), "a.test");
    CHECK_EQ_INT(c->search_invalid, 2);
    CHECK_EQ_INT(c->options, GX_RES_EDNS0);
    /* The two NUL lines and the two refused nameservers. */
    CHECK_EQ_INT(c->lines_skipped, 4);
    gx_resolvconf_unref(c);
}

TEST(F13_long_line_skipped_whole)
{
    /* A 1 MiB line holding, at offsets 512, 4096 and 8192, text that would be a line of its own
     * if the parser cut the long line into pieces. */
    size_t big = (size_t)1 << 20;
    char *text = malloc(big + 64);
    REQUIRE(text != NULL);
    memset(text, 'x', big);
    memcpy(text, "search long.test", 16);
    static const char bait[] = "\nnameserver 192.0.2.66 ";
    size_t offsets[] = {512, 4096, 8192, big / 2};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++)
        memcpy(text + offsets[i], bait + 1, sizeof bait - 2);
    memcpy(text + big, "\nnameserver 192.0.2.1\nsearch a.test", 35);
    struct gx_resolv_conf *c = parse_n(text, big + 35);
    free(text);
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1");
    CHECK_EQ_STR(search_list(c), "a.test"); /* the last line has no newline */
    CHECK_EQ_INT(c->lines_skipped, 1);
    gx_resolvconf_unref(c);
}

TEST(F13_line_length_limit)
{
    /* N-1, N, N+1 for GX_CONFIG_LINE_MAX: "search a.test" padded with blanks, the '\r' of a CRLF
     * not counted. */
    for (size_t n = GX_CONFIG_LINE_MAX - 1; n <= GX_CONFIG_LINE_MAX + 1; n++) {
        for (int crlf = 0; crlf <= 1; crlf++) {
            char *text = malloc(n + 2);
            REQUIRE(text != NULL);
            memset(text, ' ', n);
            memcpy(text, "search a.test", 13);
            size_t len = n;
            if (crlf)
                text[len++] = '\r';
            text[len++] = '\n';
            struct gx_resolv_conf *c = parse_n(text, len);
            free(text);
            REQUIRE(c != NULL);
            CHECK_EQ_STR(search_list(c), n <= GX_CONFIG_LINE_MAX ? "a.test" : "");
            gx_resolvconf_unref(c);
        }
    }
}

TEST(F13_last_line_without_newline)
{
    static const char *texts[] = {"nameserver 192.0.2.1", "search a.test\nnameserver 192.0.2.1",
                                  "options rotate\nnameserver 192.0.2.1"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct gx_resolv_conf *c = parse(texts[i]);
        REQUIRE(c != NULL);
        CHECK_EQ_STR(ns_list(c), "192.0.2.1");
        gx_resolvconf_unref(c);
    }
    struct gx_resolv_conf *c = parse("options ndots:3");
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->ndots, 3);
    gx_resolvconf_unref(c);
}

TEST(F14_comments_at_column_zero)
{
    struct gx_resolv_conf *c = parse("#nameserver 192.0.2.9\n"
                                     ";nameserver 192.0.2.8\n"
                                     "# search bad.test\n"
                                     ";options rotate\n"
                                     "nameserver 192.0.2.1\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1");
    CHECK_EQ_INT(c->nsearch, 0);
    CHECK_EQ_INT(c->options, 0);
    gx_resolvconf_unref(c);
}

TEST(F14_comment_words_end_the_line)
{
    struct gx_resolv_conf *c = parse("nameserver 192.0.2.1 # main\n"
                                     "nameserver 192.0.2.2 ;backup\n"
                                     "nameserver #192.0.2.3\n"
                                     "search a.test b.test # office c.test\n"
                                     "options rotate # edns0\n"
                                     "options ndots:2 ;ndots:5\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1 192.0.2.2");
    CHECK_EQ_STR(search_list(c), "a.test b.test");
    CHECK_EQ_INT(c->options, GX_RES_ROTATE);
    CHECK_EQ_INT(c->ndots, 2);
    gx_resolvconf_unref(c);

    /* '#' inside a word is part of it. */
    c = parse("search a#b.test\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(search_list(c), "a#b.test");
    gx_resolvconf_unref(c);
}

TEST(F14_keywords_at_column_zero_only)
{
    /* As glibc and musl: an indented line is ignored, whatever it says. */
    static const char *texts[] = {
        " nameserver 192.0.2.9\n", "\tnameserver 192.0.2.9\n",  "  search a.test\n",
        "\tdomain a.test\n",       " options rotate ndots:3\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct gx_resolv_conf *c = parse(texts[i]);
        REQUIRE(c != NULL);
        check_defaults(c);
        gx_resolvconf_unref(c);
    }
}

TEST(F14_keyword_needs_space_or_tab)
{
    static const char *texts[] = {
        "nameserver\v192.0.2.9\n", "nameserver\f192.0.2.9\n", "nameserver192.0.2.9\n",
        "nameservers 192.0.2.9\n", "NAMESERVER 192.0.2.9\n",  "Nameserver 192.0.2.9\n",
        "searchx a.test\n",        "search\v a.test\n",       "options\v rotate\n",
        "option rotate\n",         "domain\ra.test\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct gx_resolv_conf *c = parse(texts[i]);
        REQUIRE(c != NULL);
        check_defaults(c);
        gx_resolvconf_unref(c);
    }
}

TEST(F14_tabs_as_separators)
{
    struct gx_resolv_conf *c = parse("nameserver\t192.0.2.1\n"
                                     "nameserver\t \t2001:db8::1\t\n"
                                     "search\ta.test\t\tb.test \t c.test\t\n"
                                     "options\trotate\tndots:2\t\tedns0\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1 2001:db8::1");
    CHECK_EQ_STR(search_list(c), "a.test b.test c.test");
    CHECK_EQ_INT(c->options, GX_RES_ROTATE | GX_RES_EDNS0);
    CHECK_EQ_INT(c->ndots, 2);
    gx_resolvconf_unref(c);
}

TEST(F14_any_white_space_separates_words)
{
    /* After the keyword's space or tab, any C-locale white space separates words (glibc: only
     * spaces and tabs, so its words would hold the \v and be refused). */
    struct gx_resolv_conf *c = parse("nameserver 192.0.2.1\v\n"
                                     "search a.test\vb.test\fc.test\rd.test\n"
                                     "options rotate\vedns0\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1");
    CHECK_EQ_STR(search_list(c), "a.test b.test c.test d.test");
    CHECK_EQ_INT(c->options, GX_RES_ROTATE | GX_RES_EDNS0);
    gx_resolvconf_unref(c);
}

/* ---- F15: unknown keywords and options, sortlist -------------------------------------------- */

TEST(F15_unknown_keywords_ignored)
{
    struct gx_resolv_conf *c = parse("lookup file bind\n"
                                     "family inet4\n"
                                     "port 5353\n"
                                     "nameserver 192.0.2.1\n"
                                     "unknown search b.test\n"
                                     "search a.test\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1");
    CHECK_EQ_STR(search_list(c), "a.test");
    CHECK_EQ_INT(c->lines_skipped, 0);
    gx_resolvconf_unref(c);
}

TEST(F15_unknown_options_ignored_one_by_one)
{
    struct gx_resolv_conf *c = parse("options foo rotate bar:1 ndots:2 -edns0 edns0 rotatexyz "
                                     "ROTATE use-vc=1 timeout attempts:3x trust-ad\n");
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->options, GX_RES_ROTATE | GX_RES_EDNS0 | GX_RES_TRUST_AD);
    CHECK_EQ_INT(c->ndots, 2);
    CHECK_EQ_INT(c->attempts, 2);
    gx_resolvconf_unref(c);
}

TEST(F15_sortlist_ignored_safely)
{
    /* The lines that make glibc 2.36's res_init() loop for ever are among these. */
    static const char text[] = "sortlist 130.155.160.0/255.255.240.0 130.155.0.0\n"
                               "sortlist 2001:db8::/32 999.1.1.1/8 / & example.com&1\n"
                               "sortlist 10.0.0.0&255.0.0.0;x\n"
                               "sortlist \xff/\xff&;;//&& 999.1.1.1/99 ::1/128\n"
                               "sortlist\n"
                               "sortlist /////////////////////////////////////////\n"
                               "nameserver 192.0.2.1\n";
    struct gx_resolv_conf *c = parse_n(text, sizeof text - 1);
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.0.2.1");
    CHECK_EQ_INT(c->nsearch, 0);
    CHECK_EQ_INT(c->options, 0);
    gx_resolvconf_unref(c);
}

/* ---- options, one test each ----------------------------------------------------------------- */

/* The option alone sets exactly its bit, from the file and from RES_OPTIONS; a longer word, a
 * different case or a value after it does not (glibc matches prefixes: we do not). */
static void check_flag(const char *name, unsigned bit)
{
    char text[128];
    snprintf(text, sizeof text, "options %s\n", name);
    struct gx_resolv_conf *c = parse(text);
    REQUIRE(c != NULL);
    if (c->options != bit)
        CHECK_FAIL_AT(__FILE__, __LINE__, "options %s: got %#x, want %#x", name, c->options, bit);
    CHECK_EQ_INT(c->ndots, 1);
    CHECK_EQ_INT(c->timeout_s, 5);
    CHECK_EQ_INT(c->attempts, 2);
    gx_resolvconf_unref(c);

    c = parse_env("", NULL, name, NULL);
    REQUIRE(c != NULL);
    if (c->options != bit)
        CHECK_FAIL_AT(__FILE__, __LINE__, "RES_OPTIONS=%s: got %#x, want %#x", name, c->options,
                      bit);
    gx_resolvconf_unref(c);

    char upper[64];
    size_t n = strlen(name);
    for (size_t i = 0; i <= n; i++)
        upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
    const char *variants[3] = {NULL, NULL, upper};
    char longer[80], valued[80];
    snprintf(longer, sizeof longer, "%sx", name);
    snprintf(valued, sizeof valued, "%s:1", name);
    variants[0] = longer;
    variants[1] = valued;
    for (size_t i = 0; i < 3; i++) {
        snprintf(text, sizeof text, "options %s\n", variants[i]);
        c = parse(text);
        REQUIRE(c != NULL);
        if (c->options != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "options %s: got %#x, want 0", variants[i],
                          c->options);
        gx_resolvconf_unref(c);
    }
}

TEST(option_rotate)
{
    check_flag("rotate", GX_RES_ROTATE);
}
TEST(option_edns0)
{
    check_flag("edns0", GX_RES_EDNS0);
}
TEST(option_use_vc)
{
    check_flag("use-vc", GX_RES_USE_VC);
}
TEST(option_no_aaaa)
{
    check_flag("no-aaaa", GX_RES_NO_AAAA);
}
TEST(option_single_request)
{
    check_flag("single-request", GX_RES_SINGLE_REQUEST);
}
TEST(option_single_request_reopen)
{
    check_flag("single-request-reopen", GX_RES_SINGLE_REQUEST_REOPEN);
}
TEST(option_trust_ad)
{
    check_flag("trust-ad", GX_RES_TRUST_AD);
}
TEST(option_no_tld_query)
{
    check_flag("no-tld-query", GX_RES_NO_TLD_QUERY);
    check_flag("no_tld_query", GX_RES_NO_TLD_QUERY);
}
TEST(option_strict_error)
{
    check_flag("strict-error", GX_RES_STRICT_ERROR);
}
TEST(option_parallel_search)
{
    check_flag("parallel-search", GX_RES_PARALLEL_SEARCH);
}
TEST(option_inet6_ignored)
{
    check_flag("inet6", 0);
}
TEST(option_debug_ignored)
{
    check_flag("debug", 0);
}
TEST(option_no_reload_ignored)
{
    check_flag("no-reload", 0);
}

TEST(option_ndots)
{
    struct gx_resolv_conf *c = parse("options ndots:5\n");
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->ndots, 5);
    CHECK_EQ_INT(c->options, 0);
    gx_resolvconf_unref(c);
}

TEST(option_timeout)
{
    struct gx_resolv_conf *c = parse("options timeout:2\n");
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->timeout_s, 2);
    CHECK_EQ_INT(c->options, 0);
    gx_resolvconf_unref(c);
}

TEST(option_attempts)
{
    struct gx_resolv_conf *c = parse("options attempts:3\n");
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->attempts, 3);
    CHECK_EQ_INT(c->options, 0);
    gx_resolvconf_unref(c);
}

TEST(option_all_together)
{
    struct gx_resolv_conf *c =
        parse("options rotate edns0 use-vc no-aaaa single-request single-request-reopen "
              "trust-ad no-tld-query strict-error parallel-search inet6 debug no-reload "
              "ndots:3 timeout:4 attempts:5\n");
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->options, GX_RES_ROTATE | GX_RES_EDNS0 | GX_RES_USE_VC | GX_RES_NO_AAAA |
                                 GX_RES_SINGLE_REQUEST | GX_RES_SINGLE_REQUEST_REOPEN |
                                 GX_RES_TRUST_AD | GX_RES_NO_TLD_QUERY | GX_RES_STRICT_ERROR |
                                 GX_RES_PARALLEL_SEARCH);
    CHECK_EQ_INT(c->ndots, 3);
    CHECK_EQ_INT(c->timeout_s, 4);
    CHECK_EQ_INT(c->attempts, 5);
    gx_resolvconf_unref(c);
}

/* ---- F16: the environment ------------------------------------------------------------------- */

TEST(F16_res_options_after_file)
{
    struct gx_resolv_conf *c =
        parse_env("options ndots:2 timeout:3 rotate\n", NULL, "ndots:4 edns0", NULL);
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->ndots, 4);
    CHECK_EQ_INT(c->timeout_s, 3);
    CHECK_EQ_INT(c->options, GX_RES_ROTATE | GX_RES_EDNS0);
    gx_resolvconf_unref(c);
}

TEST(F16_res_options_junk_ignored)
{
    struct gx_resolv_conf *c = parse_env("options ndots:2 timeout:3\n", NULL,
                                         "  ndots:abc \xff\x01 timeout:-5 junk:1 \t\n"
                                         " # rotate attempts:9999999999999999999999",
                                         NULL);
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->ndots, 2);
    CHECK_EQ_INT(c->timeout_s, 3);
    /* '#' means nothing in a variable: the words after it count. */
    CHECK_EQ_INT(c->options, GX_RES_ROTATE);
    CHECK_EQ_INT(c->attempts, 5);
    gx_resolvconf_unref(c);

    c = parse_env("", NULL, "", NULL);
    REQUIRE(c != NULL);
    check_defaults(c);
    gx_resolvconf_unref(c);
}

TEST(F16_localdomain_replaces_search)
{
    static const struct {
        const char *file, *localdomain, *want;
        size_t invalid;
    } cases[] = {
        {"search a.test\n", "x.test y.test", "x.test y.test", 0},
        {"search a.test\n", "x.test\ty.test ", "x.test y.test", 0},
        {"search a.test\n", "  x.test", "x.test", 0},
        {"domain a.test\n", "x.test", "x.test", 0},
        {"search a.test\n", "x.test \x01 \xff\xfe y..test z.test.", "x.test z.test", 3},
        {"search a.test\n", "x.test\ny.test", "x.test", 0}, /* glibc stops at a newline */
        {"search a.test\n", "", "", 0},
        {"search a.test\n", "\x01", "", 1},
        {"search a.test\n", ". x.test", ". x.test", 0},
        {"", "x.test", "x.test", 0},
        /* The file's lines come after LOCALDOMAIN in the file, and still lose to it. */
        {"search a.test\ndomain b.test\n", "x.test", "x.test", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gx_resolv_conf *c = parse_env(cases[i].file, cases[i].localdomain, NULL, NULL);
        REQUIRE(c != NULL);
        if (strcmp(search_list(c), cases[i].want) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "case %zu: got \"%s\", want \"%s\"", i,
                          search_list(c), cases[i].want);
        CHECK_EQ_INT(c->search_invalid, cases[i].invalid);
        gx_resolvconf_unref(c);
    }
}

TEST(F16_localdomain_long)
{
    /* 40 names: GX_RESOLV_MAXSEARCH kept, the rest counted. */
    char text[2048] = "";
    size_t used = 0;
    for (int i = 0; i < 40; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "n%d.test ", i);
    struct gx_resolv_conf *c = parse_env("", text, NULL, NULL);
    REQUIRE(c != NULL);
    CHECK_EQ_INT(c->nsearch, GX_RESOLV_MAXSEARCH);
    CHECK_EQ_INT(c->search_dropped, 40 - GX_RESOLV_MAXSEARCH);
    CHECK_EQ_STR(c->search[GX_RESOLV_MAXSEARCH - 1], "n31.test");
    gx_resolvconf_unref(c);
}

/* ---- whole files ---------------------------------------------------------------------------- */

TEST(file_debian)
{
    struct gx_resolv_conf *c = parse("# Generated by NetworkManager\n"
                                     "search lan example.com\n"
                                     "nameserver 192.168.1.1\n"
                                     "nameserver fe80::1%eth0\n"
                                     "nameserver 2001:4860:4860::8888\n"
                                     "# NOTE: the libc resolver may not support more than 3 "
                                     "nameservers.\n"
                                     "# The nameservers listed below may not be recognized.\n"
                                     "nameserver 1.1.1.1\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "192.168.1.1 fe80::1%2 2001:4860:4860::8888");
    CHECK_EQ_STR(search_list(c), "lan example.com");
    CHECK_EQ_INT(c->ns_dropped, 1);
    CHECK_EQ_INT(c->ndots, 1);
    gx_resolvconf_unref(c);
}

TEST(file_kubernetes_pod)
{
    struct gx_resolv_conf *c =
        parse("search default.svc.cluster.local svc.cluster.local cluster.local "
              "us-east-1.compute.internal\n"
              "nameserver 10.96.0.10\n"
              "options ndots:5\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "10.96.0.10");
    CHECK_EQ_STR(search_list(c), "default.svc.cluster.local svc.cluster.local cluster.local "
                                 "us-east-1.compute.internal");
    CHECK_EQ_INT(c->ndots, 5);
    gx_resolvconf_unref(c);
}

TEST(file_systemd_resolved_stub)
{
    struct gx_resolv_conf *c = parse("# This is /run/systemd/resolve/stub-resolv.conf\n"
                                     "nameserver 127.0.0.53\n"
                                     "options edns0 trust-ad\n"
                                     "search .\n");
    REQUIRE(c != NULL);
    CHECK_EQ_STR(ns_list(c), "127.0.0.53");
    CHECK_EQ_STR(search_list(c), ".");
    CHECK_EQ_INT(c->options, GX_RES_EDNS0 | GX_RES_TRUST_AD);
    gx_resolvconf_unref(c);
}

/* ---- the snapshot --------------------------------------------------------------------------- */

TEST(snapshot_references)
{
    struct gx_resolv_conf *c = parse("search a.test\n");
    REQUIRE(c != NULL);
    gx_resolvconf_ref(c);
    gx_resolvconf_unref(c);
    CHECK_EQ_STR(search_list(c), "a.test"); /* still there: one reference left */
    gx_resolvconf_unref(c);
    gx_resolvconf_unref(NULL);
}

TEST(snapshot_owns_its_strings)
{
    /* The input is unmapped by parse(); the strings are in the snapshot's one block. */
    struct gx_resolv_conf *c = parse("search a.test b.test c.test\n");
    REQUIRE(c != NULL);
    REQUIRE(c->nsearch == 3);
    CHECK(c->storage == (char *)(c + 1));
    CHECK(c->search[1] == c->search[0] + strlen(c->search[0]) + 1);
    CHECK(c->search[2] == c->search[1] + strlen(c->search[1]) + 1);
    gx_resolvconf_unref(c);
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(F01_missing_file_defaults), CHECK_ENTRY(F01_search_from_host_name),
        CHECK_ENTRY(F01_host_name_only_without_search), CHECK_ENTRY(F04_empty_comments_whitespace),
        CHECK_ENTRY(F05_first_three_nameservers), CHECK_ENTRY(F06_nameserver_forms),
        CHECK_ENTRY(F07_nameserver_scope), CHECK_ENTRY(F08_ndots), CHECK_ENTRY(F08_timeout),
        CHECK_ENTRY(F08_attempts), CHECK_ENTRY(F08_bad_number_keeps_earlier_value),
        CHECK_ENTRY(F09_eight_entries_in_order), CHECK_ENTRY(F09_overlong_entries_skipped_whole),
        CHECK_ENTRY(F09_invalid_bytes_skipped), CHECK_ENTRY(F09_at_most_maxsearch),
        CHECK_ENTRY(S06_root_and_dots), CHECK_ENTRY(F10_last_search_or_domain_wins),
        CHECK_ENTRY(F10_options_accumulate), CHECK_ENTRY(F11_crlf), CHECK_ENTRY(F12_binary_junk),
        CHECK_ENTRY(F13_long_line_skipped_whole), CHECK_ENTRY(F13_line_length_limit),
        CHECK_ENTRY(F13_last_line_without_newline), CHECK_ENTRY(F14_comments_at_column_zero),
        CHECK_ENTRY(F14_comment_words_end_the_line), CHECK_ENTRY(F14_keywords_at_column_zero_only),
        CHECK_ENTRY(F14_keyword_needs_space_or_tab), CHECK_ENTRY(F14_tabs_as_separators),
        CHECK_ENTRY(F14_any_white_space_separates_words), CHECK_ENTRY(F15_unknown_keywords_ignored),
        CHECK_ENTRY(F15_unknown_options_ignored_one_by_one),
        CHECK_ENTRY(F15_sortlist_ignored_safely), CHECK_ENTRY(option_rotate),
        CHECK_ENTRY(option_edns0), CHECK_ENTRY(option_use_vc), CHECK_ENTRY(option_no_aaaa),
        CHECK_ENTRY(option_single_request), CHECK_ENTRY(option_single_request_reopen),
        CHECK_ENTRY(option_trust_ad), CHECK_ENTRY(option_no_tld_query),
        CHECK_ENTRY(option_strict_error), CHECK_ENTRY(option_parallel_search),
        CHECK_ENTRY(option_inet6_ignored), CHECK_ENTRY(option_debug_ignored),
        CHECK_ENTRY(option_no_reload_ignored), CHECK_ENTRY(option_ndots),
        CHECK_ENTRY(option_timeout), CHECK_ENTRY(option_attempts), CHECK_ENTRY(option_all_together),
        CHECK_ENTRY(F16_res_options_after_file), CHECK_ENTRY(F16_res_options_junk_ignored),
        CHECK_ENTRY(F16_localdomain_replaces_search), CHECK_ENTRY(F16_localdomain_long),
        CHECK_ENTRY(file_debian), CHECK_ENTRY(file_kubernetes_pod),
        CHECK_ENTRY(file_systemd_resolved_stub), CHECK_ENTRY(snapshot_references),
        CHECK_ENTRY(snapshot_owns_its_strings)));
}
