/*
 * gaix: ask gaix_getaddrinfo() one question from the command line and print the answer; with
 * --reverse, ask gaix_getnameinfo() instead.
 *
 * This file only joins the pieces: options.c reads the command line, reverse.c reads the address
 * of a reverse question, the library answers (through the default context, or a context of its
 * own when a configuration option was given), format*.c print the answer and exitcode.c reports
 * a failure. It uses the library only through gaix.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exitcode.h"
#include "format.h"
#include "gaix.h"
#include "help.h"
#include "options.h"
#include "reverse.h"

/* Flushes stdout; a lost write turns success into failure (`gaix ... > /dev/full`). */
static int stdout_finish(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gaix: write error: %s\n", strerror(errno));
        if (status == CLI_EXIT_OK)
            status = CLI_EXIT_FAILURE;
    }
    return status;
}

/* --trace: one line on stderr saying where the answer (with --reverse, the host name) came from
 * and what it took. */
static void trace_print(FILE *f, const struct gaix_result *r)
{
    static const char *const sources[] = {"none", "numeric", "local", "hosts", "localhost",
                                          "dns"};
    unsigned src = (unsigned)r->source < sizeof sources / sizeof sources[0] ? (unsigned)r->source
                                                                             : 0;
    fprintf(f, "gaix: trace: source %s, %.3f ms", sources[src], (double)r->elapsed_us / 1000.0);
    if (r->source == GAIX_SOURCE_DNS || r->queries > 0) {
        char addr[INET6_ADDRSTRLEN] = "-";
        unsigned port = 0;
        if (r->server.ss_family == AF_INET) {
            const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)&r->server;
            inet_ntop(AF_INET, &s->sin_addr, addr, sizeof addr);
            port = ntohs(s->sin_port);
        } else if (r->server.ss_family == AF_INET6) {
            const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)&r->server;
            inet_ntop(AF_INET6, &s->sin6_addr, addr, sizeof addr);
            port = ntohs(s->sin6_port);
        }
        fprintf(f, ", %u quer%s", r->queries, r->queries == 1 ? "y" : "ies");
        if (r->server.ss_family)
            fprintf(f, ", server %s port %u", addr, port);
        if (r->rcode >= 0)
            fprintf(f, ", rcode %d", r->rcode);
        if (r->source == GAIX_SOURCE_DNS)
            fprintf(f, ", ttl %u s", r->ttl_s);
    }
    if (r->truncated)
        fprintf(f, ", addresses beyond the per-family cap dropped");
    fputc('\n', f);
}

/* Runs the query. Returns the getaddrinfo() status; *errno_value is errno right after the call,
 * which matters for EAI_SYSTEM; a context that cannot be made is reported as EAI_SYSTEM. */
static int lookup(const struct cli_options *opts, struct addrinfo **res, int *errno_value)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = opts->query.family;
    hints.ai_socktype = opts->query.socktype;
    hints.ai_protocol = opts->query.protocol;
    hints.ai_flags = opts->query.flags;

    int rc;
    errno = 0;
    if (opts->use_context) {
        gaix_ctx *ctx = gaix_ctx_new(&opts->config);
        if (ctx == NULL) {
            *errno_value = errno;
            return EAI_SYSTEM;
        }
        errno = 0;
        struct gaix_result detail;
        rc = gaix_ctx_getaddrinfo_detail(ctx, opts->query.host, opts->query.service, &hints, res,
                                         &detail);
        *errno_value = errno;
        if (opts->trace)
            trace_print(stderr, &detail);
        /* The list outlives the context (gaix.h). */
        gaix_ctx_free(ctx);
    } else {
        rc = gaix_getaddrinfo(opts->query.host, opts->query.service, &hints, res);
        *errno_value = errno;
    }
    return rc;
}

/* Asks getnameinfo() for q's address, with buffers of the sizes <netdb.h> recommends (those
 * CPython's socket.getnameinfo() passes). Returns its status; *errno_value as for lookup(). */
static int reverse_lookup(const struct cli_options *opts, const struct sockaddr *sa,
                          socklen_t salen, char host[NI_MAXHOST], char serv[NI_MAXSERV],
                          int *errno_value)
{
    int flags = opts->reverse_query.flags;
    int rc;
    errno = 0;
    if (opts->use_context) {
        gaix_ctx *ctx = gaix_ctx_new(&opts->config);
        if (ctx == NULL) {
            *errno_value = errno;
            return EAI_SYSTEM;
        }
        errno = 0;
        struct gaix_result detail;
        rc = gaix_ctx_getnameinfo_detail(ctx, sa, salen, host, NI_MAXHOST, serv, NI_MAXSERV, flags,
                                         &detail);
        *errno_value = errno;
        if (opts->trace)
            trace_print(stderr, &detail);
        gaix_ctx_free(ctx);
    } else {
        rc = gaix_getnameinfo(sa, salen, host, NI_MAXHOST, serv, NI_MAXSERV, flags);
        *errno_value = errno;
    }
    return rc;
}

/* --reverse: read the address, ask, print. Returns the exit status. */
static int reverse_main(const struct cli_options *opts)
{
    const struct cli_reverse_query *q = &opts->reverse_query;
    struct sockaddr_storage ss;
    socklen_t salen;
    char err[CLI_ERROR_SIZE];
    if (cli_reverse_sockaddr(q, &ss, &salen, err) != 0) {
        cli_usage_error_print(stderr, err);
        return CLI_EXIT_USAGE;
    }
    const struct sockaddr *sa = (const struct sockaddr *)&ss;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    int errno_value = 0;
    int rc = reverse_lookup(opts, sa, salen, host, serv, &errno_value);
    if (rc != 0) {
        char port[sizeof "65535"];
        snprintf(port, sizeof port, "%u", q->port);
        cli_format_reverse_failure(stdout, opts->format, q, rc, errno_value);
        cli_report_failure(stderr, q->address, port, rc, errno_value);
        return stdout_finish(cli_exit_status(rc));
    }
    cli_format_reverse_result(stdout, opts->format, q, sa, salen, host, serv);
    return stdout_finish(CLI_EXIT_OK);
}

int main(int argc, char *argv[])
{
    struct cli_options opts;
    char err[CLI_ERROR_SIZE];
    if (cli_options_parse(argc, argv, &opts, err) != 0) {
        cli_usage_error_print(stderr, err);
        return CLI_EXIT_USAGE;
    }
    if (opts.action == CLI_ACTION_HELP) {
        cli_help_print(stdout);
        return stdout_finish(CLI_EXIT_OK);
    }
    if (opts.action == CLI_ACTION_VERSION) {
        cli_version_print(stdout);
        return stdout_finish(CLI_EXIT_OK);
    }
    if (cli_options_check_files(&opts, err) != 0 || cli_options_check_servers(&opts, err) != 0) {
        cli_usage_error_print(stderr, err);
        return CLI_EXIT_USAGE;
    }
    if (opts.reverse)
        return reverse_main(&opts);

    struct addrinfo *res = NULL;
    int errno_value = 0;
    int rc = lookup(&opts, &res, &errno_value);
    const struct cli_query *q = &opts.query;
    if (rc != 0) {
        cli_format_failure(stdout, opts.format, q, rc, errno_value);
        cli_report_failure(stderr, q->host, q->service, rc, errno_value);
        return stdout_finish(cli_exit_status(rc));
    }
    if (res == NULL) {
        /* getaddrinfo() never succeeds with nothing; Python would show [] and nobody else
         * anything, so say plainly that the library broke its contract. */
        fprintf(stderr, "gaix: %s %s: success with an empty list (a bug in libgaix)\n",
                q->host ? q->host : "-", q->service ? q->service : "-");
        return CLI_EXIT_FAILURE;
    }
    cli_format_result(stdout, opts.format, q, res);
    gaix_freeaddrinfo(res);
    return stdout_finish(CLI_EXIT_OK);
}
