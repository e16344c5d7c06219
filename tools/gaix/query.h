/*
 * The question the gaix command asks, exactly as the command line gave it. The option parser
 * fills it in, main() turns it into a call, and the JSON format echoes it back so that a saved
 * result says what it answers.
 *
 *   forward  gaix HOST [SERVICE]: a host, a service and the four hint fields (getaddrinfo)
 *   reverse  gaix --reverse ADDRESS [PORT]: a numeric address, a port and NI_* flags
 *            (getnameinfo)
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

struct cli_reverse_query {
    const char *address; /* as given: IPv4, or IPv6 with an optional "%scope" */
    unsigned port;       /* 0-65535; 0 when PORT is omitted */
    int flags;           /* getnameinfo()'s flags: every --ni-flags OR-ed together */
};

#endif
