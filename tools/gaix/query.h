/*
 * The question the gaix command asks: a host, a service and the four hint fields, exactly as the
 * command line gave them. The option parser fills it in, main() turns it into hints, and the JSON
 * format echoes it back so that a saved result says what it answers.
 */
#ifndef GAIX_CLI_QUERY_H
#define GAIX_CLI_QUERY_H

struct cli_query {
    const char *host;    /* NULL: no host ("-" on the command line) */
    const char *service; /* NULL: no service (omitted, or "-") */
    int family;          /* hints.ai_family: AF_UNSPEC unless -4, -6 or --family */
    int socktype;        /* hints.ai_socktype: 0 means any */
    int protocol;        /* hints.ai_protocol: 0 means any */
    int flags;           /* hints.ai_flags: every --flags OR-ed together */
};

#endif
