/*
 * The command-line parser; see options.h for the grammar. One table lists every option; the
 * loop below finds an argument's entry, fetches its value if it takes one, and applies it; the
 * operands are read at the end, as HOST [SERVICE] or, with --reverse, ADDRESS [PORT].
 * Hand-written rather than getopt_long() so that it keeps no global state (the unit tests parse
 * many command lines in one process), never permutes argv, and words its own messages.
 */
#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"

enum option_id {
    OPT_INET,
    OPT_INET6,
    OPT_FAMILY,
    OPT_SOCKTYPE,
    OPT_PROTOCOL,
    OPT_FLAGS,
    OPT_HOSTS,
    OPT_SERVICES,
    OPT_GAI_CONF,
    OPT_POLICY,
    OPT_FORMAT,
    OPT_REVERSE,
    OPT_NI_FLAGS,
    OPT_RESOLV_CONF,
    OPT_SERVER,
    OPT_TIMEOUT,
    OPT_ATTEMPTS,
    OPT_TRACE,
    OPT_NO_DNS,
    OPT_HELP,
    OPT_VERSION,
};

struct option_spec {
    const char *long_name; /* without "--"; NULL for a short-only option */
    char short_name;       /* '\0' for a long-only option */
    int takes_value;
    enum option_id id;
};

static const struct option_spec option_specs[] = {
    {NULL, '4', 0, OPT_INET},
    {NULL, '6', 0, OPT_INET6},
    {"family", '\0', 1, OPT_FAMILY},
    {"socktype", '\0', 1, OPT_SOCKTYPE},
    {"protocol", '\0', 1, OPT_PROTOCOL},
    {"flags", '\0', 1, OPT_FLAGS},
    {"hosts", '\0', 1, OPT_HOSTS},
    {"services", '\0', 1, OPT_SERVICES},
    {"gai-conf", '\0', 1, OPT_GAI_CONF},
    {"policy", '\0', 1, OPT_POLICY},
    {"format", '\0', 1, OPT_FORMAT},
    {"reverse", '\0', 0, OPT_REVERSE},
    {"ni-flags", '\0', 1, OPT_NI_FLAGS},
    {"resolv-conf", '\0', 1, OPT_RESOLV_CONF},
    {"server", '\0', 1, OPT_SERVER},
    {"timeout", '\0', 1, OPT_TIMEOUT},
    {"attempts", '\0', 1, OPT_ATTEMPTS},
    {"trace", '\0', 0, OPT_TRACE},
    {"no-dns", '\0', 0, OPT_NO_DNS},
    {"help", 'h', 0, OPT_HELP},
    {"version", 'V', 0, OPT_VERSION},
};

#define OPTION_COUNT (sizeof option_specs / sizeof option_specs[0])

/* An option as shown in messages: "--" and the longest name, "--gai-conf" or "--socktype". */
#define OPTION_SHOWN_SIZE 16
/* resolv.conf's clamps for --timeout (seconds) and --attempts. */
#define CLI_TIMEOUT_MAX 30
#define CLI_ATTEMPTS_MAX 5
/* The bad item of a --flags list quoted in a message; a longer one is cut, the message still
 * says which list it was in. */
#define FLAG_ITEM_SHOWN_SIZE 64
/* A refused --server value quoted in a message: far longer than any value the library reads (an
 * IPv6 address with a scope of IF_NAMESIZE and a port is under 80 bytes), so a value cut here was
 * malformed anyway; the message keeps its point. */
#define SERVER_SHOWN_SIZE 128

/* What the parser remembers between arguments: the operands, which are read only once it is
 * known whether --reverse is among the options, and the options that belong to one kind of
 * question only, for the message when they meet the other. */
struct parse_state {
    const char *operand[2];
    int operands;
    char forward_only[OPTION_SHOWN_SIZE]; /* the first of -4, -6, --family ... --flags */
    char reverse_only[OPTION_SHOWN_SIZE]; /* the first --ni-flags */
};

/* Remembers the first option that only a forward, or only a reverse, question takes. */
static void state_note(struct parse_state *st, enum option_id id, const char *shown)
{
    char *seen;
    switch (id) {
    case OPT_INET:
    case OPT_INET6:
    case OPT_FAMILY:
    case OPT_SOCKTYPE:
    case OPT_PROTOCOL:
    case OPT_FLAGS:
        seen = st->forward_only;
        break;
    case OPT_NI_FLAGS:
        seen = st->reverse_only;
        break;
    default:
        return;
    }
    if (seen[0] == '\0')
        snprintf(seen, OPTION_SHOWN_SIZE, "%s", shown);
}

static const struct option_spec *option_find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const char *ln = option_specs[i].long_name;
        if (ln && strlen(ln) == len && memcmp(ln, name, len) == 0)
            return &option_specs[i];
    }
    return NULL;
}

static const struct option_spec *option_find_short(char c)
{
    for (size_t i = 0; i < OPTION_COUNT; i++)
        if (option_specs[i].short_name != '\0' && option_specs[i].short_name == c)
            return &option_specs[i];
    return NULL;
}

static int policy_parse(const char *text, enum gaix_policy *policy)
{
    if (cli_name_equal(text, "rfc6724"))
        *policy = GAIX_POLICY_RFC6724;
    else if (cli_name_equal(text, "glibc"))
        *policy = GAIX_POLICY_GLIBC;
    else
        return -1;
    return 0;
}

/* Applies one option. `shown` is the option as the user wrote it, for messages. */
static int option_apply(const struct option_spec *spec, const char *shown, const char *value,
                        struct cli_options *opts, struct parse_state *st, char err[CLI_ERROR_SIZE])
{
    struct cli_query *q = &opts->query;
    state_note(st, spec->id, shown);
    switch (spec->id) {
    case OPT_INET:
        q->family = AF_INET;
        return 0;
    case OPT_INET6:
        q->family = AF_INET6;
        return 0;
    case OPT_FAMILY:
        if (cli_family_parse(value, &q->family) == 0)
            return 0;
        snprintf(err, CLI_ERROR_SIZE,
                 "invalid family '%s' for %s (unspec, inet, inet6 or a number)", value, shown);
        return -1;
    case OPT_SOCKTYPE:
        if (cli_socktype_parse(value, &q->socktype) == 0)
            return 0;
        snprintf(err, CLI_ERROR_SIZE,
                 "invalid socket type '%s' for %s (stream, dgram, raw, seqpacket, dccp or a "
                 "number)",
                 value, shown);
        return -1;
    case OPT_PROTOCOL:
        if (cli_protocol_parse(value, &q->protocol) == 0)
            return 0;
        snprintf(err, CLI_ERROR_SIZE,
                 "invalid protocol '%s' for %s (tcp, udp, sctp, udplite, dccp or a number)", value,
                 shown);
        return -1;
    case OPT_FLAGS: {
        char bad[FLAG_ITEM_SHOWN_SIZE];
        if (cli_flags_parse(value, &q->flags, bad, sizeof bad) == 0)
            return 0;
        snprintf(err, CLI_ERROR_SIZE,
                 "invalid flag '%s' in %s (passive, canonname, numerichost, numericserv, "
                 "v4mapped, all, addrconfig, idn, canonidn or a number, separated by commas)",
                 bad, shown);
        return -1;
    }
    case OPT_HOSTS:
        opts->config.hosts_path = value;
        opts->use_context = 1;
        return 0;
    case OPT_SERVICES:
        opts->config.services_path = value;
        opts->use_context = 1;
        return 0;
    case OPT_GAI_CONF:
        opts->config.gai_conf_path = value;
        opts->use_context = 1;
        return 0;
    case OPT_POLICY:
        opts->use_context = 1;
        if (policy_parse(value, &opts->config.policy) == 0)
            return 0;
        snprintf(err, CLI_ERROR_SIZE, "invalid policy '%s' for %s (rfc6724 or glibc)", value,
                 shown);
        return -1;
    case OPT_FORMAT:
        if (cli_format_parse(value, &opts->format) == 0)
            return 0;
        snprintf(err, CLI_ERROR_SIZE, "invalid format '%s' for %s (table, python, json or getent)",
                 value, shown);
        return -1;
    case OPT_REVERSE:
        opts->reverse = 1;
        return 0;
    case OPT_NI_FLAGS: {
        char bad[FLAG_ITEM_SHOWN_SIZE];
        if (cli_ni_flags_parse(value, &opts->reverse_query.flags, bad, sizeof bad) == 0)
            return 0;
        snprintf(err, CLI_ERROR_SIZE,
                 "invalid flag '%s' in %s (numerichost, numericserv, nofqdn, namereqd, dgram, "
                 "idn or a number, separated by commas)",
                 bad, shown);
        return -1;
    }
    case OPT_RESOLV_CONF:
        opts->config.resolv_conf_path = value;
        opts->use_context = 1;
        return 0;
    case OPT_SERVER:
        if (opts->nservers == CLI_SERVERS_MAX) {
            snprintf(err, CLI_ERROR_SIZE, "at most %d %s options", CLI_SERVERS_MAX, shown);
            return -1;
        }
        opts->servers[opts->nservers++] = value;
        opts->servers[opts->nservers] = NULL;
        opts->config.nameservers = opts->servers;
        opts->use_context = 1;
        return 0;
    case OPT_TIMEOUT:
    case OPT_ATTEMPTS: {
        unsigned max = spec->id == OPT_TIMEOUT ? CLI_TIMEOUT_MAX : CLI_ATTEMPTS_MAX;
        unsigned v = 0;
        const char *p = value;
        for (; *p >= '0' && *p <= '9' && v <= max; p++)
            v = v * 10 + (unsigned)(*p - '0');
        if (*p != '\0' || p == value || v == 0 || v > max) {
            snprintf(err, CLI_ERROR_SIZE, "invalid value '%s' for %s (1 to %u)", value, shown, max);
            return -1;
        }
        if (spec->id == OPT_TIMEOUT)
            opts->timeout_s = v;
        else
            opts->attempts = v;
        int n = 0;
        opts->options_text[0] = '\0';
        if (opts->timeout_s)
            n += snprintf(opts->options_text, sizeof opts->options_text, "timeout:%u ",
                          opts->timeout_s);
        if (opts->attempts)
            snprintf(opts->options_text + n, sizeof opts->options_text - (size_t)n,
                     "attempts:%u", opts->attempts);
        opts->config.options = opts->options_text;
        opts->use_context = 1;
        return 0;
    }
    case OPT_TRACE:
        opts->trace = 1;
        opts->use_context = 1;
        return 0;
    case OPT_NO_DNS:
        /* An empty nameserver list turns DNS off (gaix.h). */
        opts->nservers = 0;
        opts->servers[0] = NULL;
        opts->config.nameservers = opts->servers;
        opts->use_context = 1;
        return 0;
    case OPT_HELP:
        opts->action = CLI_ACTION_HELP;
        return 0;
    case OPT_VERSION:
        opts->action = CLI_ACTION_VERSION;
        return 0;
    }
    return 0;
}

/* HOST then SERVICE, or ADDRESS then PORT: kept as written until the options are all read. */
static int operand_take(const char *arg, struct parse_state *st, char err[CLI_ERROR_SIZE])
{
    if (st->operands == 2) {
        snprintf(err, CLI_ERROR_SIZE,
                 "too many operands: '%s' (expected HOST [SERVICE], or ADDRESS [PORT] with "
                 "--reverse)",
                 arg);
        return -1;
    }
    st->operand[st->operands++] = arg;
    return 0;
}

/* The operands and the options of a forward question; "-" stands for NULL in both places. */
static int forward_finish(const struct parse_state *st, struct cli_options *opts,
                          char err[CLI_ERROR_SIZE])
{
    if (st->reverse_only[0] != '\0') {
        snprintf(err, CLI_ERROR_SIZE, "option '%s' needs --reverse", st->reverse_only);
        return -1;
    }
    if (st->operands == 0) {
        snprintf(err, CLI_ERROR_SIZE, "missing HOST (give \"-\" for none)");
        return -1;
    }
    opts->query.host = strcmp(st->operand[0], "-") == 0 ? NULL : st->operand[0];
    if (st->operands == 2)
        opts->query.service = strcmp(st->operand[1], "-") == 0 ? NULL : st->operand[1];
    return 0;
}

/* The operands and the options of a reverse question. The address stays text: reading it may
 * need the interfaces (a scope name), and this parser does no I/O. */
static int reverse_finish(const struct parse_state *st, struct cli_options *opts,
                          char err[CLI_ERROR_SIZE])
{
    if (st->forward_only[0] != '\0') {
        snprintf(err, CLI_ERROR_SIZE, "option '%s' does not apply to --reverse", st->forward_only);
        return -1;
    }
    if (st->operands == 0) {
        snprintf(err, CLI_ERROR_SIZE, "missing ADDRESS for --reverse");
        return -1;
    }
    opts->reverse_query.address = st->operand[0];
    if (st->operands == 2 && strcmp(st->operand[1], "-") != 0) {
        long long port;
        if (cli_number_parse(st->operand[1], 0, 65535, &port) != 0) {
            snprintf(err, CLI_ERROR_SIZE, "invalid port '%s' (a number from 0 to 65535)",
                     st->operand[1]);
            return -1;
        }
        opts->reverse_query.port = (unsigned)port;
    }
    return 0;
}

/* A "--name[=value]" argument; *i moves past a value taken from the next argument. */
static int option_long(int argc, char *const argv[], int *i, struct cli_options *opts,
                       struct parse_state *st, char err[CLI_ERROR_SIZE])
{
    const char *arg = argv[*i];
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct option_spec *spec = option_find_long(name, len);
    if (spec == NULL) {
        snprintf(err, CLI_ERROR_SIZE, "unknown option '--%.*s'", (int)len, name);
        return -1;
    }
    char shown[OPTION_SHOWN_SIZE];
    snprintf(shown, sizeof shown, "--%s", spec->long_name);
    const char *value = NULL;
    if (spec->takes_value) {
        if (eq) {
            value = eq + 1;
        } else if (*i + 1 < argc) {
            value = argv[++*i];
        } else {
            snprintf(err, CLI_ERROR_SIZE, "option '%s' needs a value", shown);
            return -1;
        }
    } else if (eq) {
        snprintf(err, CLI_ERROR_SIZE, "option '%s' takes no value", shown);
        return -1;
    }
    return option_apply(spec, shown, value, opts, st, err);
}

/* A "-xyz" group of short options, none of which takes a value. */
static int option_short_group(const char *arg, struct cli_options *opts, struct parse_state *st,
                              char err[CLI_ERROR_SIZE])
{
    for (const char *p = arg + 1; *p; p++) {
        const struct option_spec *spec = option_find_short(*p);
        if (spec == NULL) {
            snprintf(err, CLI_ERROR_SIZE, "unknown option '-%c'", *p);
            return -1;
        }
        char shown[3] = {'-', *p, '\0'};
        if (option_apply(spec, shown, NULL, opts, st, err) != 0)
            return -1;
        if (opts->action != CLI_ACTION_LOOKUP)
            return 0;
    }
    return 0;
}

int cli_options_parse(int argc, char *const argv[], struct cli_options *opts,
                      char err[CLI_ERROR_SIZE])
{
    memset(opts, 0, sizeof *opts);
    opts->action = CLI_ACTION_LOOKUP;
    opts->format = CLI_FORMAT_TABLE;
    opts->query.family = AF_UNSPEC;
    opts->config.policy = GAIX_POLICY_RFC6724;
    opts->config.reload_interval_ms = GAIX_RELOAD_NEVER;
    err[0] = '\0';

    struct parse_state st;
    memset(&st, 0, sizeof st);
    int options_ended = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int rc;
        if (options_ended || arg[0] != '-' || arg[1] == '\0')
            rc = operand_take(arg, &st, err);
        else if (strcmp(arg, "--") == 0) {
            options_ended = 1;
            continue;
        } else if (arg[1] == '-')
            rc = option_long(argc, argv, &i, opts, &st, err);
        else
            rc = option_short_group(arg, opts, &st, err);
        if (rc != 0)
            return -1;
        if (opts->action != CLI_ACTION_LOOKUP)
            return 0;
    }
    return opts->reverse ? reverse_finish(&st, opts, err) : forward_finish(&st, opts, err);
}

static int file_check(const char *option, const char *path, char err[CLI_ERROR_SIZE])
{
    if (path == NULL || path[0] == '\0')
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, CLI_ERROR_SIZE, "%s %s: %s", option, path, strerror(errno));
        return -1;
    }
    /* open() accepts a directory; reading it would fail later, and less clearly. */
    struct stat st;
    int is_dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    close(fd);
    if (is_dir) {
        snprintf(err, CLI_ERROR_SIZE, "%s %s: %s", option, path, strerror(EISDIR));
        return -1;
    }
    return 0;
}

int cli_options_check_files(const struct cli_options *opts, char err[CLI_ERROR_SIZE])
{
    if (file_check("--hosts", opts->config.hosts_path, err) != 0 ||
        file_check("--services", opts->config.services_path, err) != 0 ||
        file_check("--gai-conf", opts->config.gai_conf_path, err) != 0 ||
        file_check("--resolv-conf", opts->config.resolv_conf_path, err) != 0)
        return -1;
    return 0;
}

/* Each value is read by the library itself, through a context made for it alone (that one
 * server, no file, never reloaded) and freed at once: the CLI keeps no second reading of a server
 * address that could drift from the library's, which reads it when a context is made. That costs
 * a few allocations, as a context reads its files and opens its sockets on first use, not when it
 * is made. gaix_ctx_new()'s word for a value it cannot read is EINVAL; any other failure (ENOMEM)
 * says nothing about the value and is left for the real context to report. */
int cli_options_check_servers(const struct cli_options *opts, char err[CLI_ERROR_SIZE])
{
    for (int i = 0; i < opts->nservers; i++) {
        const char *one[2] = {opts->servers[i], NULL};
        struct gaix_config probe;
        memset(&probe, 0, sizeof probe);
        probe.hosts_path = "";
        probe.services_path = "";
        probe.gai_conf_path = "";
        probe.resolv_conf_path = "";
        probe.reload_interval_ms = GAIX_RELOAD_NEVER;
        probe.nameservers = one;
        errno = 0;
        gaix_ctx *ctx = gaix_ctx_new(&probe);
        if (ctx != NULL) {
            gaix_ctx_free(ctx);
            continue;
        }
        if (errno == EINVAL) {
            snprintf(err, CLI_ERROR_SIZE,
                     "invalid value '%.*s' for --server (a numeric address, an optional port 1 "
                     "to 65535: 192.0.2.53, 192.0.2.53:5353, fe80::1%%eth0, [::1]:5353)",
                     SERVER_SHOWN_SIZE, opts->servers[i]);
            return -1;
        }
    }
    return 0;
}
