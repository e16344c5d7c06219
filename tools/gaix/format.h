/*
 * The output formats of the gaix command. Each writes a whole result list (or, for --reverse,
 * getnameinfo()'s host and service) to a stream; none of them allocates or fails (a write error
 * shows in ferror(), which main() checks once at the end).
 *
 *           forward (getaddrinfo)                 reverse (getnameinfo)
 *   table   ADDRESS PORT FAMILY SOCKTYPE PROTOCOL HOST SERVICE                  format_table.c
 *   python  socket.getaddrinfo()'s list           socket.getnameinfo()'s tuple  format_python.c
 *   json    {"query":...,"results":[...]}         {"query":...,"host":...,      format_json.c
 *                                                  "service":...}
 *   getent  the lines of `getent ahosts`          the line of `getent hosts`    format_getent.c
 *
 * On failure only json writes to stdout (a document with an "error" member); the message on
 * stderr is the same for every format (exitcode.h).
 */
#ifndef GAIX_CLI_FORMAT_H
#define GAIX_CLI_FORMAT_H

#include <netdb.h>
#include <stdio.h>
#include <sys/socket.h>

#include "query.h"

enum cli_format {
    CLI_FORMAT_TABLE,
    CLI_FORMAT_PYTHON,
    CLI_FORMAT_JSON,
    CLI_FORMAT_GETENT,
};

/* "table", "python", "json", "getent" in any case. Returns 0 or -1. */
int cli_format_parse(const char *text, enum cli_format *format);

/* Writes a successful result in the chosen format. */
void cli_format_result(FILE *out, enum cli_format format, const struct cli_query *query,
                       const struct addrinfo *list);

/* Writes what the chosen format says on stdout about a failure (only json says anything).
 * errno_value matters for EAI_SYSTEM only. */
void cli_format_failure(FILE *out, enum cli_format format, const struct cli_query *query, int eai,
                        int errno_value);

void cli_format_table(FILE *out, const struct addrinfo *list);
void cli_format_python(FILE *out, const struct addrinfo *list);
void cli_format_getent(FILE *out, const struct addrinfo *list);
void cli_format_json(FILE *out, const struct cli_query *query, const struct addrinfo *list);
void cli_format_json_error(FILE *out, const struct cli_query *query, int eai, int errno_value);

/* --reverse: writes getnameinfo()'s answer for query, whose socket address is sa (salen bytes),
 * in the chosen format. */
void cli_format_reverse_result(FILE *out, enum cli_format format,
                               const struct cli_reverse_query *query, const struct sockaddr *sa,
                               socklen_t salen, const char *host, const char *service);

/* --reverse: what the chosen format says on stdout about a failure (only json says anything). */
void cli_format_reverse_failure(FILE *out, enum cli_format format,
                                const struct cli_reverse_query *query, int eai, int errno_value);

void cli_format_table_reverse(FILE *out, const char *host, const char *service);
void cli_format_python_reverse(FILE *out, const char *host, const char *service);
void cli_format_getent_reverse(FILE *out, const struct sockaddr *sa, socklen_t salen,
                               const char *host);
void cli_format_json_reverse(FILE *out, const struct cli_reverse_query *query, const char *host,
                             const char *service);
void cli_format_json_reverse_error(FILE *out, const struct cli_reverse_query *query, int eai,
                                   int errno_value);

#endif
