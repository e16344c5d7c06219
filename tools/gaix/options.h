/*
 * The gaix command line:  gaix [OPTION]... HOST [SERVICE]
 *                         gaix --reverse [OPTION]... ADDRESS [PORT]
 *
 * Options and the two operands may come in any order; "--" ends the options. Long options take
 * their value as "--name value" or "--name=value"; the short ones (-4, -6, -h, -V) take none and
 * may be grouped ("-4h"). HOST "-" means no host (NULL) and "*" is passed on as it is; SERVICE
 * omitted or "-" means no service. A later -4, -6 or --family overrides an earlier one, and so
 * does a later --hosts, --services, --gai-conf, --policy, --format, --resolv-conf, --timeout or
 * --attempts; --flags add up, and so do --server options (up to CLI_SERVERS_MAX), except that
 * --no-dns empties the server list (DNS off) and a --server after it starts a new one. --server's
 * value is kept as text: the library reads it, and cli_options_check_servers() asks the library
 * whether it can. -h and -V win over everything after them.
 *
 * --reverse (anywhere on the line) asks getnameinfo() instead: the operands are then ADDRESS,
 * kept as text for reverse.c to read, and PORT, a number 0-65535 (omitted or "-": 0); --ni-flags
 * add up. The options of the forward question (-4, -6, --family, --socktype, --protocol, --flags)
 * are usage errors with --reverse, and --ni-flags is one without it.
 *
 * The parser does no I/O and keeps no state: it reads argv and fills a struct cli_options whose
 * strings point into argv. cli_options_check_files() is the one step that looks at the disk, and
 * cli_options_check_servers() the one that asks the library.
 */
#ifndef GAIX_CLI_OPTIONS_H
#define GAIX_CLI_OPTIONS_H

#include "format.h"
#include "gaix.h"
#include "query.h"

/* resolv.conf's limit: more --server options than this are a usage error. */
#define CLI_SERVERS_MAX 3

enum cli_action {
    CLI_ACTION_LOOKUP,  /* ask and print: getaddrinfo(), or getnameinfo() with reverse set */
    CLI_ACTION_HELP,    /* -h, --help */
    CLI_ACTION_VERSION, /* -V, --version */
};

struct cli_options {
    enum cli_action action;
    struct cli_query query;                 /* the forward question */
    int reverse;                            /* --reverse: ask reverse_query instead */
    struct cli_reverse_query reverse_query; /* its address is only checked by reverse.c */
    enum cli_format format;
    /* Set by --hosts, --services, --gai-conf, --policy, the DNS options or --trace: look up
     * through a context made from `config` instead of the default context. */
    int use_context;
    struct gaix_config config; /* reload_interval_ms is GAIX_RELOAD_NEVER: one lookup, no reload */
    /* DNS: --server (up to CLI_SERVERS_MAX, NULL-terminated for config.nameservers), --timeout
     * and --attempts (written as resolv.conf options into options_text for config.options). */
    const char *servers[CLI_SERVERS_MAX + 1];
    int nservers;
    unsigned timeout_s, attempts; /* 0: not given */
    char options_text[64];
    int trace; /* --trace: say where the answer came from, on stderr */
};

/* Room for any message the parser writes (it truncates an overlong operand, never the point). */
#define CLI_ERROR_SIZE 512

/*
 * Parses argv[1..argc). Returns 0 with *opts filled in, or -1 with a one-line message (no
 * "gaix:" prefix, no newline) in err: a usage error, for exit status 64.
 */
int cli_options_parse(int argc, char *const argv[], struct cli_options *opts,
                      char err[CLI_ERROR_SIZE]);

/*
 * Checks that every file named by --hosts, --services and --gai-conf (except "", which means no
 * file) can be opened for reading, so that a mistyped path is a usage error rather than a
 * silently empty database. Returns 0, or -1 with a message in err.
 */
int cli_options_check_files(const struct cli_options *opts, char err[CLI_ERROR_SIZE]);

/*
 * Checks that the library reads every --server value (a numeric address, a port from 1 to 65535,
 * a scope that names an interface), so that a malformed one is a usage error naming it rather
 * than a context that cannot be made. Returns 0, or -1 with a message in err.
 */
int cli_options_check_servers(const struct cli_options *opts, char err[CLI_ERROR_SIZE]);

#endif
