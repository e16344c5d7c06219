/*
 * Exit statuses and the failure line; see exitcode.h. The values are <sysexits.h>'s, asserted
 * below so that the documented numbers cannot drift from the header's.
 */
#include "exitcode.h"

#include <netdb.h>
#include <string.h>
#include <sysexits.h>

#include "gaix.h"

_Static_assert(CLI_EXIT_USAGE == EX_USAGE, "usage errors exit with EX_USAGE");
_Static_assert(CLI_EXIT_NOT_FOUND == EX_NOHOST, "not found exits with EX_NOHOST");
_Static_assert(CLI_EXIT_FAILURE == EX_SOFTWARE, "other failures exit with EX_SOFTWARE");
_Static_assert(CLI_EXIT_TEMPORARY == EX_TEMPFAIL, "EAI_AGAIN exits with EX_TEMPFAIL");

int cli_exit_status(int eai)
{
    switch (eai) {
    case 0:
        return CLI_EXIT_OK;
    case EAI_BADFLAGS:
    case EAI_FAMILY:
    case EAI_SOCKTYPE:
        return CLI_EXIT_USAGE;
    case EAI_NONAME:
    case EAI_NODATA:
    case EAI_SERVICE:
    case EAI_ADDRFAMILY:
        return CLI_EXIT_NOT_FOUND;
    case EAI_AGAIN:
        return CLI_EXIT_TEMPORARY;
    default:
        return CLI_EXIT_FAILURE;
    }
}

void cli_report_failure(FILE *err, const char *host, const char *service, int eai, int errno_value)
{
    fprintf(err, "gaix: %s %s: %s (%s)", host ? host : "-", service ? service : "-",
            gaix_strerror(eai), gaix_eai_name(eai));
    if (eai == EAI_SYSTEM)
        fprintf(err, ": %s", strerror(errno_value));
    fputc('\n', err);
}
