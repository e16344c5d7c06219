/*
 * How the gaix command reports failures (tools/gaix/exitcode.c): the exit status of every EAI_*
 * code, the failure line on stderr, and the help and version texts that document them.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "exitcode.h"
#include "gaix.h"
#include "help.h"

TEST(exit_status_per_eai)
{
    static const struct {
        int eai;
        int status;
    } cases[] = {
        {0, 0},
        {EAI_BADFLAGS, 64},
        {EAI_FAMILY, 64},
        {EAI_SOCKTYPE, 64},
        {EAI_NONAME, 68},
        {EAI_NODATA, 68},
        {EAI_SERVICE, 68},
        {EAI_ADDRFAMILY, 68},
        {EAI_AGAIN, 75},
        {EAI_FAIL, 70},
        {EAI_MEMORY, 70},
        {EAI_SYSTEM, 70},
        {EAI_OVERFLOW, 70},
        {EAI_CANCELED, 70},
        {-12345, 70},
        {1, 70},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (cli_exit_status(cases[i].eai) != cases[i].status)
            CHECK_FAIL_AT(__FILE__, __LINE__, "%s (%d) exits %d, not %d",
                          gaix_eai_name(cases[i].eai), cases[i].eai, cli_exit_status(cases[i].eai),
                          cases[i].status);
}

static char *report(const char *host, const char *service, int eai, int errno_value)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        abort();
    cli_report_failure(f, host, service, eai, errno_value);
    fclose(f);
    return buf;
}

TEST(failure_line)
{
    char expected[256];
    char *got = report("nowhere.test", "http", EAI_NONAME, 0);
    snprintf(expected, sizeof expected, "gaix: nowhere.test http: %s (EAI_NONAME)\n",
             gaix_strerror(EAI_NONAME));
    CHECK_EQ_STR(got, expected);
    free(got);

    got = report(NULL, NULL, EAI_BADFLAGS, 0);
    snprintf(expected, sizeof expected, "gaix: - -: %s (EAI_BADFLAGS)\n",
             gaix_strerror(EAI_BADFLAGS));
    CHECK_EQ_STR(got, expected);
    free(got);

    got = report("*", NULL, EAI_AGAIN, 0);
    snprintf(expected, sizeof expected, "gaix: * -: %s (EAI_AGAIN)\n", gaix_strerror(EAI_AGAIN));
    CHECK_EQ_STR(got, expected);
    free(got);
}

TEST(failure_line_system_adds_errno_text)
{
    char expected[256];
    char *got = report("h", "s", EAI_SYSTEM, EMFILE);
    snprintf(expected, sizeof expected, "gaix: h s: %s (EAI_SYSTEM): %s\n",
             gaix_strerror(EAI_SYSTEM), strerror(EMFILE));
    CHECK_EQ_STR(got, expected);
    free(got);
}

static char *print_to_string(void (*fn)(FILE *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        abort();
    fn(f);
    fclose(f);
    return buf;
}

TEST(help_documents_options_statuses_and_examples)
{
    char *help = print_to_string(cli_help_print);
    static const char *const needles[] = {
        "Usage: gaix [OPTION]... HOST [SERVICE]",
        "-4",
        "-6",
        "--family",
        "--socktype",
        "--protocol",
        "--flags",
        "--hosts",
        "--services",
        "--gai-conf",
        "--policy",
        "--format",
        "--help",
        "--version",
        "passive",
        "canonname",
        "numerichost",
        "numericserv",
        "v4mapped",
        "all",
        "addrconfig",
        "idn",
        "canonidn",
        "0x28",
        "rfc6724",
        "glibc",
        "getent",
        "json",
        "python",
        "table",
        "\n  0   success",
        "\n  64  ",
        "EAI_BADFLAGS",
        "\n  68  ",
        "EAI_NONAME",
        "EAI_SERVICE",
        "EAI_ADDRFAMILY",
        "\n  70  ",
        "EAI_SYSTEM",
        "\n  75  ",
        "EAI_AGAIN",
        "gaix localhost ftp --socktype stream --flags addrconfig,v4mapped --format python",
    };
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        if (strstr(help, needles[i]) == NULL)
            CHECK_FAIL_AT(__FILE__, __LINE__, "--help does not mention '%s'", needles[i]);
    /* Fits an 80-column terminal, but for example commands, kept whole so they can be pasted. */
    for (const char *line = help; *line;) {
        const char *end = strchr(line, '\n');
        REQUIRE(end != NULL);
        if (end - line > 80 && strncmp(line, "  gaix ", 7) != 0)
            CHECK_FAIL_AT(__FILE__, __LINE__, "help line longer than 80: %.*s", (int)(end - line),
                          line);
        line = end + 1;
    }
    free(help);
}

TEST(version_line)
{
    char *v = print_to_string(cli_version_print);
    char expected[64];
    snprintf(expected, sizeof expected, "gaix %s\n", gaix_version());
    CHECK_EQ_STR(v, expected);
    CHECK(strncmp(v, "gaix 0.", 7) == 0);
    free(v);
}

TEST(usage_error_points_to_help)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    REQUIRE(f != NULL);
    cli_usage_error_print(f, "unknown option '--x'");
    fclose(f);
    CHECK_EQ_STR(buf, "gaix: unknown option '--x'\nTry 'gaix --help' for more information.\n");
    free(buf);
}

int main(void)
{
    return check_run(CHECK_TESTS(CHECK_ENTRY(exit_status_per_eai), CHECK_ENTRY(failure_line),
                                 CHECK_ENTRY(failure_line_system_adds_errno_text),
                                 CHECK_ENTRY(help_documents_options_statuses_and_examples),
                                 CHECK_ENTRY(version_line),
                                 CHECK_ENTRY(usage_error_points_to_help)));
}
