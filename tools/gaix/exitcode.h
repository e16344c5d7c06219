/*
 * How the gaix command reports a failure: one line on stderr and an exit status that tells the
 * kinds of failure apart, from <sysexits.h> so that scripts can branch on them:
 *
 *   0   EX_OK        success
 *   64  EX_USAGE     bad arguments: a usage error, EAI_BADFLAGS, EAI_FAMILY, EAI_SOCKTYPE
 *   68  EX_NOHOST    not found: EAI_NONAME, EAI_NODATA, EAI_SERVICE, EAI_ADDRFAMILY
 *   70  EX_SOFTWARE  any other failure: EAI_FAIL, EAI_MEMORY, EAI_SYSTEM, unknown codes, and
 *                    errors of the tool itself (no context, a write error)
 *   75  EX_TEMPFAIL  temporary failure: EAI_AGAIN; the same query may work later
 */
#ifndef GAIX_CLI_EXITCODE_H
#define GAIX_CLI_EXITCODE_H

#include <stdio.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_USAGE 64
#define CLI_EXIT_NOT_FOUND 68
#define CLI_EXIT_FAILURE 70
#define CLI_EXIT_TEMPORARY 75

/* The exit status for a getaddrinfo() return value (0 for 0). */
int cli_exit_status(int eai);

/*
 * Writes "gaix: HOST SERVICE: <gaix_strerror text> (<EAI name>)\n", with "-" for an absent host
 * or service. For EAI_SYSTEM the text of errno_value follows: "...(EAI_SYSTEM): <strerror>".
 */
void cli_report_failure(FILE *err, const char *host, const char *service, int eai, int errno_value);

#endif
