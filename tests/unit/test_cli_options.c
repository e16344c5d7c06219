/*
 * The gaix command line (tools/gaix/options.c) and the names it accepts (tools/gaix/names.c):
 * every option, its bad values, combinations and order, and the usage errors a user would hit;
 * the forward question (HOST [SERVICE]) and the reverse one (--reverse ADDRESS [PORT]).
 */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "names.h"
#include "options.h"

/* Parses a NULL-terminated argument list (argv[0] "gaix" is added). */
static int parse_list(const char *const args[], struct cli_options *opts, char err[CLI_ERROR_SIZE])
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)"gaix";
    for (size_t i = 0; args[i] != NULL && argc < 63; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    return cli_options_parse(argc, argv, opts, err);
}

#define PARSE(opts, err, ...) parse_list((const char *const[]){__VA_ARGS__, NULL}, opts, err)

/* Expects a usage error whose message contains `needle`. */
#define CHECK_USAGE_ERROR(needle, ...)                                                             \
    do {                                                                                           \
        struct cli_options o_;                                                                     \
        char e_[CLI_ERROR_SIZE];                                                                   \
        int rc_ = PARSE(&o_, e_, __VA_ARGS__);                                                     \
        CHECK_EQ_INT(rc_, -1);                                                                     \
        if (rc_ == -1 && strstr(e_, needle) == NULL)                                               \
            CHECK_FAIL_AT(__FILE__, __LINE__, "message '%s' lacks '%s'", e_, needle);              \
    } while (0)

/* ---- defaults and operands ------------------------------------------------------------------ */

TEST(defaults)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "localhost") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_LOOKUP);
    CHECK_EQ_STR(o.query.host, "localhost");
    CHECK(o.query.service == NULL);
    CHECK_EQ_INT(o.query.family, AF_UNSPEC);
    CHECK_EQ_INT(o.query.socktype, 0);
    CHECK_EQ_INT(o.query.protocol, 0);
    CHECK_EQ_INT(o.query.flags, 0);
    CHECK_EQ_INT(o.format, CLI_FORMAT_TABLE);
    CHECK_EQ_INT(o.use_context, 0);
    CHECK(o.config.hosts_path == NULL);
    CHECK(o.config.services_path == NULL);
    CHECK(o.config.gai_conf_path == NULL);
    CHECK_EQ_INT(o.config.policy, GAIX_POLICY_RFC6724);
}

TEST(host_and_service)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "example.org", "https") == 0);
    CHECK_EQ_STR(o.query.host, "example.org");
    CHECK_EQ_STR(o.query.service, "https");
}

TEST(dash_means_null_star_passes_through)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "-", "80") == 0);
    CHECK(o.query.host == NULL);
    CHECK_EQ_STR(o.query.service, "80");
    REQUIRE(PARSE(&o, err, "*", "-") == 0);
    CHECK_EQ_STR(o.query.host, "*");
    CHECK(o.query.service == NULL);
    REQUIRE(PARSE(&o, err, "-", "-") == 0);
    CHECK(o.query.host == NULL);
    CHECK(o.query.service == NULL);
}

TEST(options_after_operands_and_double_dash)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    /* The seed session's query, options last. */
    REQUIRE(PARSE(&o, err, "localhost", "ftp", "--socktype", "stream", "--flags",
                  "addrconfig,v4mapped", "--format", "python") == 0);
    CHECK_EQ_STR(o.query.host, "localhost");
    CHECK_EQ_STR(o.query.service, "ftp");
    CHECK_EQ_INT(o.query.socktype, SOCK_STREAM);
    CHECK_EQ_INT(o.query.flags, AI_ADDRCONFIG | AI_V4MAPPED);
    CHECK_EQ_INT(o.format, CLI_FORMAT_PYTHON);
    /* After "--" a leading dash is an operand. */
    REQUIRE(PARSE(&o, err, "-4", "--", "-weird-host", "--flags") == 0);
    CHECK_EQ_INT(o.query.family, AF_INET);
    CHECK_EQ_STR(o.query.host, "-weird-host");
    CHECK_EQ_STR(o.query.service, "--flags");
}

TEST(operand_errors)
{
    CHECK_USAGE_ERROR("missing HOST", "-4");
    CHECK_USAGE_ERROR("missing HOST", "--format", "json");
    CHECK_USAGE_ERROR("too many operands: 'extra'", "a", "b", "extra");
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    CHECK_EQ_INT(parse_list((const char *const[]){NULL}, &o, err), -1);
    CHECK(strstr(err, "missing HOST") != NULL);
}

/* ---- hints ----------------------------------------------------------------------------------- */

TEST(family_options_last_wins)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "h", "-4") == 0);
    CHECK_EQ_INT(o.query.family, AF_INET);
    REQUIRE(PARSE(&o, err, "h", "-6") == 0);
    CHECK_EQ_INT(o.query.family, AF_INET6);
    REQUIRE(PARSE(&o, err, "-4", "h", "-6") == 0);
    CHECK_EQ_INT(o.query.family, AF_INET6);
    REQUIRE(PARSE(&o, err, "-6", "--family", "unspec", "h") == 0);
    CHECK_EQ_INT(o.query.family, AF_UNSPEC);
    REQUIRE(PARSE(&o, err, "--family=INET6", "h") == 0);
    CHECK_EQ_INT(o.query.family, AF_INET6);
    REQUIRE(PARSE(&o, err, "--family", "AF_INET", "h") == 0);
    CHECK_EQ_INT(o.query.family, AF_INET);
    REQUIRE(PARSE(&o, err, "--family", "17", "h") == 0);
    CHECK_EQ_INT(o.query.family, 17);
    REQUIRE(PARSE(&o, err, "--family", "-1", "h") == 0); /* to see EAI_FAMILY */
    CHECK_EQ_INT(o.query.family, -1);
    REQUIRE(PARSE(&o, err, "-46", "h") == 0); /* grouped: the last one wins */
    CHECK_EQ_INT(o.query.family, AF_INET6);
}

TEST(family_bad_values)
{
    CHECK_USAGE_ERROR("invalid family 'ipv4' for --family", "h", "--family", "ipv4");
    CHECK_USAGE_ERROR("invalid family '' for --family", "h", "--family=");
    CHECK_USAGE_ERROR("invalid family 'inet7'", "h", "--family", "inet7");
    CHECK_USAGE_ERROR("invalid family 'af_'", "h", "--family", "af_");
    CHECK_USAGE_ERROR("invalid family '99999999999'", "h", "--family", "99999999999");
    CHECK_USAGE_ERROR("invalid family '2x'", "h", "--family", "2x");
}

TEST(socktype_values)
{
    static const struct {
        const char *text;
        int value;
    } good[] = {{"stream", SOCK_STREAM},
                {"DGRAM", SOCK_DGRAM},
                {"raw", SOCK_RAW},
                {"seqpacket", SOCK_SEQPACKET},
                {"dccp", SOCK_DCCP},
                {"sock_stream", 1},
                {"rdm", SOCK_RDM},
                {"packet", SOCK_PACKET},
                {"0", 0},
                {"0x2", 2},
                {"42", 42}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct cli_options o;
        char err[CLI_ERROR_SIZE];
        if (PARSE(&o, err, "h", "--socktype", good[i].text) != 0 ||
            o.query.socktype != good[i].value)
            CHECK_FAIL_AT(__FILE__, __LINE__, "--socktype %s", good[i].text);
    }
    CHECK_USAGE_ERROR("invalid socket type 'tcp' for --socktype", "h", "--socktype", "tcp");
    CHECK_USAGE_ERROR("invalid socket type 'streams'", "h", "--socktype=streams");
}

TEST(protocol_values)
{
    static const struct {
        const char *text;
        int value;
    } good[] = {{"tcp", IPPROTO_TCP},
                {"UDP", IPPROTO_UDP},
                {"sctp", IPPROTO_SCTP},
                {"udplite", 136},
                {"dccp", IPPROTO_DCCP},
                {"IPPROTO_TCP", 6},
                {"0", 0},
                {"253", 253}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct cli_options o;
        char err[CLI_ERROR_SIZE];
        if (PARSE(&o, err, "h", "--protocol", good[i].text) != 0 ||
            o.query.protocol != good[i].value)
            CHECK_FAIL_AT(__FILE__, __LINE__, "--protocol %s", good[i].text);
    }
    CHECK_USAGE_ERROR("invalid protocol 'stream' for --protocol", "h", "--protocol", "stream");
    CHECK_USAGE_ERROR("invalid protocol 'icmp'", "h", "--protocol", "icmp");
}

TEST(flags_any_case_numbers_and_repeats_add_up)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "h", "--flags", "Passive,CANONNAME,numerichost") == 0);
    CHECK_EQ_INT(o.query.flags, AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST);
    REQUIRE(PARSE(&o, err, "h", "--flags", "numericserv", "--flags=v4mapped,all", "--flags",
                  "AI_ADDRCONFIG") == 0);
    CHECK_EQ_INT(o.query.flags, AI_NUMERICSERV | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG);
    REQUIRE(PARSE(&o, err, "h", "--flags", "idn,canonidn") == 0);
    CHECK_EQ_INT(o.query.flags, AI_IDN | AI_CANONIDN);
    REQUIRE(PARSE(&o, err, "h", "--flags", "0x28") == 0);
    CHECK_EQ_INT(o.query.flags, AI_ADDRCONFIG | AI_V4MAPPED);
    REQUIRE(PARSE(&o, err, "h", "--flags", "1,0x400", "--flags", "0") == 0);
    CHECK_EQ_INT(o.query.flags, AI_PASSIVE | AI_NUMERICSERV);
    REQUIRE(PARSE(&o, err, "h", "--flags", "0x10000") == 0); /* unknown bits pass through */
    CHECK_EQ_INT(o.query.flags, 0x10000);
}

TEST(flags_bad_items)
{
    CHECK_USAGE_ERROR("invalid flag 'bogus' in --flags", "h", "--flags", "passive,bogus");
    CHECK_USAGE_ERROR("invalid flag '' in --flags", "h", "--flags", "passive,,all");
    CHECK_USAGE_ERROR("invalid flag '' in --flags", "h", "--flags", "passive,");
    CHECK_USAGE_ERROR("invalid flag '' in --flags", "h", "--flags", "");
    CHECK_USAGE_ERROR("invalid flag '-1' in --flags", "h", "--flags", "-1");
    CHECK_USAGE_ERROR("invalid flag ' passive'", "h", "--flags", "all, passive");
    CHECK_USAGE_ERROR("invalid flag '0x'", "h", "--flags", "0x");
}

/* ---- configuration --------------------------------------------------------------------------- */

TEST(configuration_options_make_a_context)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "h", "--hosts", "/tmp/hosts") == 0);
    CHECK_EQ_INT(o.use_context, 1);
    CHECK_EQ_STR(o.config.hosts_path, "/tmp/hosts");
    CHECK_EQ_INT(o.config.reload_interval_ms, GAIX_RELOAD_NEVER);
    REQUIRE(PARSE(&o, err, "h", "--services=/s") == 0);
    CHECK_EQ_INT(o.use_context, 1);
    CHECK_EQ_STR(o.config.services_path, "/s");
    REQUIRE(PARSE(&o, err, "--gai-conf", "", "h") == 0);
    CHECK_EQ_INT(o.use_context, 1);
    CHECK_EQ_STR(o.config.gai_conf_path, "");
    REQUIRE(PARSE(&o, err, "h", "--policy", "glibc") == 0);
    CHECK_EQ_INT(o.use_context, 1);
    CHECK_EQ_INT(o.config.policy, GAIX_POLICY_GLIBC);
    REQUIRE(PARSE(&o, err, "h", "--policy", "GLIBC", "--policy=rfc6724") == 0);
    CHECK_EQ_INT(o.config.policy, GAIX_POLICY_RFC6724);
    REQUIRE(PARSE(&o, err, "h", "--hosts", "a", "--hosts", "b") == 0);
    CHECK_EQ_STR(o.config.hosts_path, "b");
    CHECK_USAGE_ERROR("invalid policy 'rfc3484' for --policy", "h", "--policy", "rfc3484");
}

TEST(check_files)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "h", "--hosts", "/nonexistent/gaix-test/hosts") == 0);
    CHECK_EQ_INT(cli_options_check_files(&o, err), -1);
    CHECK(strstr(err, "--hosts /nonexistent/gaix-test/hosts: No such file") != NULL);
    REQUIRE(PARSE(&o, err, "h", "--services", "/") == 0);
    CHECK_EQ_INT(cli_options_check_files(&o, err), -1);
    CHECK(strstr(err, "--services /: Is a directory") != NULL);
    REQUIRE(PARSE(&o, err, "h", "--hosts", "", "--services", "/dev/null", "--gai-conf",
                  "/dev/null") == 0);
    CHECK_EQ_INT(cli_options_check_files(&o, err), 0);
    REQUIRE(PARSE(&o, err, "h", "--gai-conf", "/nonexistent/gai.conf") == 0);
    CHECK_EQ_INT(cli_options_check_files(&o, err), -1);
    CHECK(strstr(err, "--gai-conf /nonexistent/gai.conf") != NULL);
    REQUIRE(PARSE(&o, err, "h") == 0);
    CHECK_EQ_INT(cli_options_check_files(&o, err), 0);
}

/* ---- output, help, version, errors ------------------------------------------------------------
 */

TEST(format_option)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "h", "--format", "getent") == 0);
    CHECK_EQ_INT(o.format, CLI_FORMAT_GETENT);
    REQUIRE(PARSE(&o, err, "h", "--format=json", "--format", "Python") == 0);
    CHECK_EQ_INT(o.format, CLI_FORMAT_PYTHON);
    CHECK_USAGE_ERROR("invalid format 'xml' for --format (table, python, json or getent)", "h",
                      "--format", "xml");
}

TEST(help_and_version_win)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "-h") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_HELP);
    REQUIRE(PARSE(&o, err, "--help") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_HELP);
    REQUIRE(PARSE(&o, err, "-V") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_VERSION);
    REQUIRE(PARSE(&o, err, "--version") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_VERSION);
    /* No HOST needed, and whatever follows is not looked at. */
    REQUIRE(PARSE(&o, err, "host", "--help", "--bogus", "a", "b", "c") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_HELP);
    REQUIRE(PARSE(&o, err, "-4h") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_HELP);
    REQUIRE(PARSE(&o, err, "-V6") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_VERSION);
    /* But an error before them is still an error. */
    CHECK_USAGE_ERROR("unknown option '--bogus'", "--bogus", "--help");
}

TEST(unknown_options_and_missing_values)
{
    CHECK_USAGE_ERROR("unknown option '--bogus'", "h", "--bogus");
    CHECK_USAGE_ERROR("unknown option '--fam'", "h", "--fam", "inet"); /* no abbreviations */
    CHECK_USAGE_ERROR("unknown option '--Family'", "h", "--Family", "inet");
    CHECK_USAGE_ERROR("unknown option '-x'", "h", "-x");
    CHECK_USAGE_ERROR("unknown option '-x'", "h", "-4x");
    CHECK_USAGE_ERROR("unknown option '-1'", "-1");
    CHECK_USAGE_ERROR("unknown option '--hosts-file'", "h", "--hosts-file=x");
    CHECK_USAGE_ERROR("option '--family' needs a value", "h", "--family");
    CHECK_USAGE_ERROR("option '--flags' needs a value", "h", "--flags");
    CHECK_USAGE_ERROR("option '--hosts' needs a value", "h", "--hosts");
    CHECK_USAGE_ERROR("option '--format' needs a value", "h", "--format");
    CHECK_USAGE_ERROR("option '--help' takes no value", "h", "--help=yes");
    CHECK_USAGE_ERROR("option '--version' takes no value", "--version=");
}

TEST(value_may_look_like_an_option)
{
    /* As getopt does, the next argument is the value whatever it looks like. */
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "h", "--hosts", "--format") == 0);
    CHECK_EQ_STR(o.config.hosts_path, "--format");
    CHECK_EQ_INT(o.format, CLI_FORMAT_TABLE);
}

/* ---- names.c --------------------------------------------------------------------------------- */

TEST(number_parse)
{
    long long v = 12345;
    CHECK_EQ_INT(cli_number_parse("0", 0, 10, &v), 0);
    CHECK_EQ_INT(v, 0);
    CHECK_EQ_INT(cli_number_parse("0x28", 0, 100, &v), 0);
    CHECK_EQ_INT(v, 40);
    CHECK_EQ_INT(cli_number_parse("0XfF", 0, 1000, &v), 0);
    CHECK_EQ_INT(v, 255);
    CHECK_EQ_INT(cli_number_parse("-7", -10, 10, &v), 0);
    CHECK_EQ_INT(v, -7);
    CHECK_EQ_INT(cli_number_parse("010", 0, 100, &v), 0); /* decimal, not octal */
    CHECK_EQ_INT(v, 10);
    CHECK_EQ_INT(cli_number_parse("9223372036854775807", 0, 9223372036854775807LL, &v), 0);
    CHECK_EQ_INT(v, 9223372036854775807LL);
    CHECK_EQ_INT(cli_number_parse("-9223372036854775808", -9223372036854775807LL - 1, 0, &v), 0);
    CHECK(v == -9223372036854775807LL - 1);
    v = 99;
    static const char *const bad[] = {"",
                                      "-",
                                      "0x",
                                      "+1",
                                      " 1",
                                      "1 ",
                                      "1a",
                                      "0x1g",
                                      "-0x1",
                                      "9223372036854775808",
                                      "99999999999999999999999",
                                      "0x10000000000000000",
                                      "--1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cli_number_parse(bad[i], -9223372036854775807LL - 1, 9223372036854775807LL, &v) != -1)
            CHECK_FAIL_AT(__FILE__, __LINE__, "'%s' parsed", bad[i]);
    CHECK_EQ_INT(cli_number_parse("11", 0, 10, &v), -1);
    CHECK_EQ_INT(cli_number_parse("-1", 0, 10, &v), -1);
    CHECK_EQ_INT(v, 99);
}

TEST(names_print_and_read_back)
{
    CHECK_EQ_STR(cli_family_name(AF_INET), "inet");
    CHECK_EQ_STR(cli_family_name(AF_INET6), "inet6");
    CHECK_EQ_STR(cli_family_name(AF_UNSPEC), "unspec");
    CHECK(cli_family_name(99) == NULL);
    CHECK_EQ_STR(cli_socktype_name(SOCK_STREAM), "stream");
    CHECK_EQ_STR(cli_socktype_name(SOCK_SEQPACKET), "seqpacket");
    CHECK(cli_socktype_name(0) == NULL);
    CHECK(cli_socktype_name(42) == NULL);
    CHECK_EQ_STR(cli_protocol_name(IPPROTO_UDPLITE), "udplite");
    CHECK(cli_protocol_name(0) == NULL);
    int v;
    CHECK_EQ_INT(cli_family_parse(cli_family_name(AF_INET6), &v), 0);
    CHECK_EQ_INT(v, AF_INET6);
    CHECK_EQ_INT(cli_socktype_parse(cli_socktype_name(SOCK_DCCP), &v), 0);
    CHECK_EQ_INT(v, SOCK_DCCP);
    CHECK_EQ_INT(cli_protocol_parse(cli_protocol_name(IPPROTO_SCTP), &v), 0);
    CHECK_EQ_INT(v, IPPROTO_SCTP);
    CHECK_EQ_INT(cli_name_equal("InEt6", "inet6"), 1);
    CHECK_EQ_INT(cli_name_equal("inet", "inet6"), 0);
    CHECK_EQ_INT(cli_name_equal("inet6", "inet"), 0);
}

TEST(flag_names_split)
{
    const char *names[CLI_FLAG_NAMES_MAX];
    unsigned unnamed = 1;
    size_t n = cli_flags_names(AI_NUMERICSERV | AI_PASSIVE | AI_V4MAPPED, names, CLI_FLAG_NAMES_MAX,
                               &unnamed);
    REQUIRE(n == 3);
    CHECK_EQ_STR(names[0], "passive");
    CHECK_EQ_STR(names[1], "v4mapped");
    CHECK_EQ_STR(names[2], "numericserv");
    CHECK_EQ_INT(unnamed, 0);
    n = cli_flags_names(0x7fffffff, names, CLI_FLAG_NAMES_MAX, &unnamed);
    CHECK_EQ_INT(n, CLI_FLAG_NAMES_MAX);
    CHECK_EQ_INT(unnamed, 0x7fffffffu & ~0x4ffu);
    n = cli_flags_names(0, names, CLI_FLAG_NAMES_MAX, &unnamed);
    CHECK_EQ_INT(n, 0);
    CHECK_EQ_INT(unnamed, 0);
    /* Every name reads back to its bit. */
    n = cli_flags_names(0x4ff, names, CLI_FLAG_NAMES_MAX, &unnamed);
    int all = 0;
    char bad[16];
    for (size_t i = 0; i < n; i++)
        CHECK_EQ_INT(cli_flags_parse(names[i], &all, bad, sizeof bad), 0);
    CHECK_EQ_INT(all, 0x4ff);
}

TEST(flag_parse_reports_first_bad_item_and_changes_nothing)
{
    int flags = AI_PASSIVE;
    char bad[8];
    CHECK_EQ_INT(cli_flags_parse("all,verylongbadname,x", &flags, bad, sizeof bad), -1);
    CHECK_EQ_STR(bad, "verylon"); /* truncated to the buffer */
    CHECK_EQ_INT(flags, AI_PASSIVE);
}

/* ---- --reverse and --ni-flags ---------------------------------------------------------------- */

TEST(reverse_defaults)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "--reverse", "192.0.2.1") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_LOOKUP);
    CHECK_EQ_INT(o.reverse, 1);
    CHECK_EQ_STR(o.reverse_query.address, "192.0.2.1");
    CHECK_EQ_INT(o.reverse_query.port, 0);
    CHECK_EQ_INT(o.reverse_query.flags, 0);
    CHECK_EQ_INT(o.format, CLI_FORMAT_TABLE);
    CHECK_EQ_INT(o.use_context, 0);
    /* Without --reverse nothing of it is set. */
    REQUIRE(PARSE(&o, err, "192.0.2.1") == 0);
    CHECK_EQ_INT(o.reverse, 0);
    CHECK(o.reverse_query.address == NULL);
}

TEST(reverse_anywhere_port_forms)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    /* After the operands, between them; the address is kept as written, scope included. */
    REQUIRE(PARSE(&o, err, "fe80::1%lo", "80", "--reverse") == 0);
    CHECK_EQ_INT(o.reverse, 1);
    CHECK_EQ_STR(o.reverse_query.address, "fe80::1%lo");
    CHECK_EQ_INT(o.reverse_query.port, 80);
    REQUIRE(PARSE(&o, err, "::1", "--reverse", "65535", "--format", "json") == 0);
    CHECK_EQ_INT(o.reverse_query.port, 65535);
    CHECK_EQ_INT(o.format, CLI_FORMAT_JSON);
    REQUIRE(PARSE(&o, err, "--reverse", "::1", "0x50") == 0);
    CHECK_EQ_INT(o.reverse_query.port, 80);
    REQUIRE(PARSE(&o, err, "--reverse", "::1", "-") == 0);
    CHECK_EQ_INT(o.reverse_query.port, 0);
    REQUIRE(PARSE(&o, err, "--reverse", "::1", "0") == 0);
    CHECK_EQ_INT(o.reverse_query.port, 0);
    /* The address is not read here: anything goes until reverse.c looks at it. */
    REQUIRE(PARSE(&o, err, "--reverse", "--", "-x") == 0);
    CHECK_EQ_STR(o.reverse_query.address, "-x");
    /* --hosts and --services make a context, as for a forward lookup. */
    REQUIRE(PARSE(&o, err, "--reverse", "::1", "--hosts", "h", "--services", "s") == 0);
    CHECK_EQ_INT(o.use_context, 1);
    CHECK_EQ_STR(o.config.hosts_path, "h");
    CHECK_EQ_STR(o.config.services_path, "s");
}

TEST(reverse_bad_ports)
{
    CHECK_USAGE_ERROR("invalid port 'http' (a number from 0 to 65535)", "--reverse", "::1", "http");
    CHECK_USAGE_ERROR("invalid port '65536'", "--reverse", "::1", "65536");
    /* A negative port reads as an option, unless "--" came first. */
    CHECK_USAGE_ERROR("unknown option '-1'", "--reverse", "::1", "-1");
    CHECK_USAGE_ERROR("invalid port '-1'", "--reverse", "--", "::1", "-1");
    CHECK_USAGE_ERROR("invalid port ''", "--reverse", "::1", "");
    CHECK_USAGE_ERROR("invalid port ' 80'", "--reverse", "::1", " 80");
    CHECK_USAGE_ERROR("invalid port '80 '", "--reverse", "::1", "80 ");
    CHECK_USAGE_ERROR("invalid port '99999999999999999999999'", "--reverse", "::1",
                      "99999999999999999999999");
}

TEST(reverse_operand_errors)
{
    CHECK_USAGE_ERROR("missing ADDRESS for --reverse", "--reverse");
    CHECK_USAGE_ERROR("missing ADDRESS for --reverse", "--reverse", "--ni-flags", "dgram");
    CHECK_USAGE_ERROR("too many operands: 'c'", "--reverse", "a", "80", "c");
    CHECK_USAGE_ERROR("option '--reverse' takes no value", "--reverse=1", "::1");
}

TEST(reverse_refuses_forward_hints)
{
    CHECK_USAGE_ERROR("option '-4' does not apply to --reverse", "--reverse", "::1", "-4");
    CHECK_USAGE_ERROR("option '-6' does not apply to --reverse", "-6", "--reverse", "::1");
    CHECK_USAGE_ERROR("option '--family' does not apply to --reverse", "--reverse", "::1",
                      "--family", "inet");
    CHECK_USAGE_ERROR("option '--socktype' does not apply to --reverse", "--reverse", "::1",
                      "--socktype=stream");
    CHECK_USAGE_ERROR("option '--protocol' does not apply to --reverse", "--reverse", "::1",
                      "--protocol", "tcp");
    /* The first one is named. */
    CHECK_USAGE_ERROR("option '--flags' does not apply to --reverse", "--flags", "canonname", "-4",
                      "--reverse", "::1");
    /* A bad value is still reported as such first. */
    CHECK_USAGE_ERROR("invalid family 'ipx'", "--reverse", "::1", "--family", "ipx");
}

TEST(ni_flags_need_reverse)
{
    CHECK_USAGE_ERROR("option '--ni-flags' needs --reverse", "::1", "--ni-flags", "dgram");
    CHECK_USAGE_ERROR("option '--ni-flags' needs --reverse", "--ni-flags=0", "::1");
}

TEST(ni_flags_any_case_prefix_numbers_and_repeats_add_up)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "--reverse", "::1", "--ni-flags", "NumericHost,NI_NUMERICSERV",
                  "--ni-flags=nofqdn", "--ni-flags", "ni_namereqd,DGRAM,idn") == 0);
    CHECK_EQ_INT(o.reverse_query.flags,
                 NI_NUMERICHOST | NI_NUMERICSERV | NI_NOFQDN | NI_NAMEREQD | NI_DGRAM | NI_IDN);
    /* Numbers pass any bit on, for the library to judge. */
    REQUIRE(PARSE(&o, err, "--reverse", "::1", "--ni-flags", "0x100,16", "--ni-flags", "64") == 0);
    CHECK_EQ_INT(o.reverse_query.flags, 0x100 | NI_DGRAM | 64);
    REQUIRE(PARSE(&o, err, "--reverse", "::1", "--ni-flags", "0") == 0);
    CHECK_EQ_INT(o.reverse_query.flags, 0);
}

TEST(ni_flags_bad_items)
{
    CHECK_USAGE_ERROR("invalid flag 'canonname' in --ni-flags (numerichost, numericserv, nofqdn, "
                      "namereqd, dgram, idn or a number, separated by commas)",
                      "--reverse", "::1", "--ni-flags", "dgram,canonname");
    CHECK_USAGE_ERROR("invalid flag '' in --ni-flags", "--reverse", "::1", "--ni-flags", "");
    CHECK_USAGE_ERROR("invalid flag '' in --ni-flags", "--reverse", "::1", "--ni-flags", "dgram,");
    CHECK_USAGE_ERROR("invalid flag '-1' in --ni-flags", "--reverse", "::1", "--ni-flags", "-1");
    CHECK_USAGE_ERROR("invalid flag 'ai_idn' in --ni-flags", "--reverse", "::1", "--ni-flags",
                      "ai_idn");
    /* And the AI_* list does not take NI_* names. */
    CHECK_USAGE_ERROR("invalid flag 'namereqd' in --flags", "::1", "--flags", "namereqd");
}

TEST(reverse_help_and_version_win)
{
    struct cli_options o;
    char err[CLI_ERROR_SIZE];
    REQUIRE(PARSE(&o, err, "--reverse", "-h") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_HELP);
    REQUIRE(PARSE(&o, err, "--reverse", "::1", "-4", "--version") == 0);
    CHECK_EQ_INT(o.action, CLI_ACTION_VERSION);
}

TEST(ni_flag_names_split_and_read_back)
{
    const char *names[CLI_NI_FLAG_NAMES_MAX];
    unsigned unnamed;
    size_t n =
        cli_ni_flags_names(NI_DGRAM | NI_NUMERICHOST | 256, names, CLI_NI_FLAG_NAMES_MAX, &unnamed);
    REQUIRE(n == 2);
    CHECK_EQ_STR(names[0], "numerichost");
    CHECK_EQ_STR(names[1], "dgram");
    CHECK_EQ_INT(unnamed, 256);
    /* The deprecated IDN bits have no name: they stay numbers. */
    n = cli_ni_flags_names(64 | 128, names, CLI_NI_FLAG_NAMES_MAX, &unnamed);
    CHECK_EQ_INT(n, 0);
    CHECK_EQ_INT(unnamed, 192);
    n = cli_ni_flags_names(0x3f, names, CLI_NI_FLAG_NAMES_MAX, &unnamed);
    CHECK_EQ_INT(n, CLI_NI_FLAG_NAMES_MAX);
    CHECK_EQ_INT(unnamed, 0);
    int all = 0;
    char bad[16];
    for (size_t i = 0; i < n; i++)
        CHECK_EQ_INT(cli_ni_flags_parse(names[i], &all, bad, sizeof bad), 0);
    CHECK_EQ_INT(all, 0x3f);
    /* On a bad item nothing changes. */
    all = NI_DGRAM;
    CHECK_EQ_INT(cli_ni_flags_parse("idn,nope", &all, bad, sizeof bad), -1);
    CHECK_EQ_STR(bad, "nope");
    CHECK_EQ_INT(all, NI_DGRAM);
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(defaults), CHECK_ENTRY(host_and_service),
        CHECK_ENTRY(dash_means_null_star_passes_through),
        CHECK_ENTRY(options_after_operands_and_double_dash), CHECK_ENTRY(operand_errors),
        CHECK_ENTRY(family_options_last_wins), CHECK_ENTRY(family_bad_values),
        CHECK_ENTRY(socktype_values), CHECK_ENTRY(protocol_values),
        CHECK_ENTRY(flags_any_case_numbers_and_repeats_add_up), CHECK_ENTRY(flags_bad_items),
        CHECK_ENTRY(configuration_options_make_a_context), CHECK_ENTRY(check_files),
        CHECK_ENTRY(format_option), CHECK_ENTRY(help_and_version_win),
        CHECK_ENTRY(unknown_options_and_missing_values), CHECK_ENTRY(value_may_look_like_an_option),
        CHECK_ENTRY(number_parse), CHECK_ENTRY(names_print_and_read_back),
        CHECK_ENTRY(flag_names_split),
        CHECK_ENTRY(flag_parse_reports_first_bad_item_and_changes_nothing),
        CHECK_ENTRY(reverse_defaults), CHECK_ENTRY(reverse_anywhere_port_forms),
        CHECK_ENTRY(reverse_bad_ports), CHECK_ENTRY(reverse_operand_errors),
        CHECK_ENTRY(reverse_refuses_forward_hints), CHECK_ENTRY(ni_flags_need_reverse),
        CHECK_ENTRY(ni_flags_any_case_prefix_numbers_and_repeats_add_up),
        CHECK_ENTRY(ni_flags_bad_items), CHECK_ENTRY(reverse_help_and_version_win),
        CHECK_ENTRY(ni_flag_names_split_and_read_back)));
}
