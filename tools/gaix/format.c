/*
 * Choosing an output format by name and handing the result (a getaddrinfo() list or a
 * getnameinfo() answer) to it; see format.h.
 */
#include "format.h"

#include "names.h"

static const struct {
    const char *name;
    enum cli_format format;
} format_names[] = {
    {"table", CLI_FORMAT_TABLE},
    {"python", CLI_FORMAT_PYTHON},
    {"json", CLI_FORMAT_JSON},
    {"getent", CLI_FORMAT_GETENT},
};

int cli_format_parse(const char *text, enum cli_format *format)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
        if (cli_name_equal(text, format_names[i].name)) {
            *format = format_names[i].format;
            return 0;
        }
    }
    return -1;
}

void cli_format_result(FILE *out, enum cli_format format, const struct cli_query *query,
                       const struct addrinfo *list)
{
    switch (format) {
    case CLI_FORMAT_TABLE:
        cli_format_table(out, list);
        break;
    case CLI_FORMAT_PYTHON:
        cli_format_python(out, list);
        break;
    case CLI_FORMAT_JSON:
        cli_format_json(out, query, list);
        break;
    case CLI_FORMAT_GETENT:
        cli_format_getent(out, list);
        break;
    }
}

void cli_format_failure(FILE *out, enum cli_format format, const struct cli_query *query, int eai,
                        int errno_value)
{
    if (format == CLI_FORMAT_JSON)
        cli_format_json_error(out, query, eai, errno_value);
}

void cli_format_reverse_result(FILE *out, enum cli_format format,
                               const struct cli_reverse_query *query, const struct sockaddr *sa,
                               socklen_t salen, const char *host, const char *service)
{
    switch (format) {
    case CLI_FORMAT_TABLE:
        cli_format_table_reverse(out, host, service);
        break;
    case CLI_FORMAT_PYTHON:
        cli_format_python_reverse(out, host, service);
        break;
    case CLI_FORMAT_JSON:
        cli_format_json_reverse(out, query, host, service);
        break;
    case CLI_FORMAT_GETENT:
        cli_format_getent_reverse(out, sa, salen, host);
        break;
    }
}

void cli_format_reverse_failure(FILE *out, enum cli_format format,
                                const struct cli_reverse_query *query, int eai, int errno_value)
{
    if (format == CLI_FORMAT_JSON)
        cli_format_json_reverse_error(out, query, eai, errno_value);
}
