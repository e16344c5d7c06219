/*
 * The one table that maps internal statuses to the public EAI_* values (STYLE 5). Everything that
 * reports an error to a caller goes through gx_status_to_eai(); api/strerror.c owns the texts.
 */
#include "core/status.h"

#include <netdb.h>

static const struct {
    int status;
    int eai;
    const char *name;
} status_table[GX_STATUS_COUNT] = {
    {GX_OK, 0, "GX_OK"},
    {GX_E_NONAME, EAI_NONAME, "GX_E_NONAME"},
    {GX_E_NODATA, EAI_NODATA, "GX_E_NODATA"},
    {GX_E_AGAIN, EAI_AGAIN, "GX_E_AGAIN"},
    {GX_E_FAIL, EAI_FAIL, "GX_E_FAIL"},
    {GX_E_FAMILY, EAI_FAMILY, "GX_E_FAMILY"},
    {GX_E_SOCKTYPE, EAI_SOCKTYPE, "GX_E_SOCKTYPE"},
    {GX_E_SERVICE, EAI_SERVICE, "GX_E_SERVICE"},
    {GX_E_BADFLAGS, EAI_BADFLAGS, "GX_E_BADFLAGS"},
    {GX_E_MEMORY, EAI_MEMORY, "GX_E_MEMORY"},
    {GX_E_SYSTEM, EAI_SYSTEM, "GX_E_SYSTEM"},
    {GX_E_ADDRFAMILY, EAI_ADDRFAMILY, "GX_E_ADDRFAMILY"},
    {GX_E_OVERFLOW, EAI_OVERFLOW, "GX_E_OVERFLOW"},
    {GX_E_IDN_ENCODE, EAI_IDN_ENCODE, "GX_E_IDN_ENCODE"},
    /* Parser and lookup outcomes that reach a caller only as "not known". */
    {GX_E_MALFORMED, EAI_NONAME, "GX_E_MALFORMED"},
    {GX_E_LIMIT, EAI_FAIL, "GX_E_LIMIT"},
    {GX_E_NOTFOUND, EAI_NONAME, "GX_E_NOTFOUND"},
};

int gx_status_to_eai(int status)
{
    if (status > 0 || status <= -GX_STATUS_COUNT)
        return status > 0 ? 0 : EAI_FAIL;
    return status_table[-status].eai;
}

const char *gx_status_name(int status)
{
    if (status > 0)
        return "GX_OK";
    if (status <= -GX_STATUS_COUNT)
        return "GX_E_UNKNOWN";
    return status_table[-status].name;
}
