/*
 * gaix: ask gaix_getaddrinfo() one question from the command line and print the answer.
 *
 * This file only joins the pieces: options.c reads the command line, the library answers (through
 * the default context, or a context of its own when a configuration option was given), format*.c
 * print the list and exitcode.c reports a failure. It uses the library only through gaix.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exitcode.h"
#include "format.h"
#include "gaix.h"
#include "help.h"
#include "options.h"

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
        rc = gaix_ctx_getaddrinfo(ctx, opts->query.host, opts->query.service, &hints, res);
        *errno_value = errno;
        /* The list outlives the context (gaix.h). */
        gaix_ctx_free(ctx);
    } else {
        rc = gaix_getaddrinfo(opts->query.host, opts->query.service, &hints, res);
        *errno_value = errno;
    }
    return rc;
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
    if (cli_options_check_files(&opts, err) != 0) {
        cli_usage_error_print(stderr, err);
        return CLI_EXIT_USAGE;
    }

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
