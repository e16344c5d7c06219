#include "lookup/idn.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/status.h"

/* libidn2's error code for an allocation failure (idn2.h: IDN2_MALLOC). */
#define IDN2_MALLOC_ERROR (-100)

typedef int idn2_convert_fn(const char *in, char **out, int flags);

static idn2_convert_fn *idn2_lookup_ul;
static idn2_convert_fn *idn2_to_unicode_lzlz;
static pthread_once_t idn_once = PTHREAD_ONCE_INIT;

static void idn_load(void)
{
    void *h = dlopen("libidn2.so.0", RTLD_LAZY | RTLD_LOCAL);
    if (!h)
        return;
    idn2_lookup_ul = (idn2_convert_fn *)dlsym(h, "idn2_lookup_ul");
    idn2_to_unicode_lzlz = (idn2_convert_fn *)dlsym(h, "idn2_to_unicode_lzlz");
    /* The library stays loaded for the life of the process. */
}

bool gx_idn_needs_encoding(const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] >= 0x80)
            return true;
    return false;
}

/* The name must decode in the locale's encoding and must not hold a backslash, which libidn2
 * would pass through into a DNS name (glibc refuses it the same way). */
static bool idn_name_encodable(const char *name)
{
    mbstate_t state;
    memset(&state, 0, sizeof state);
    const char *p = name;
    size_t left = strlen(name);
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, p, left, &state);
        if (n == (size_t)-1 || n == (size_t)-2)
            return false;
        if (n == 0)
            break;
        if (wc == L'\\')
            return false;
        p += n;
        left -= n;
    }
    return true;
}

int gx_idn_to_ascii(const char *name, char **out)
{
    if (!idn_name_encodable(name))
        return GX_E_IDN_ENCODE;
    pthread_once(&idn_once, idn_load);
    if (!idn2_lookup_ul)
        return GX_E_IDN_ENCODE;
    char *res = NULL;
    int rc = idn2_lookup_ul(name, &res, 0);
    if (rc == 0 && res) {
        *out = res; /* idn2_free() is free() */
        return GX_OK;
    }
    return rc == IDN2_MALLOC_ERROR ? GX_E_MEMORY : GX_E_IDN_ENCODE;
}

int gx_idn_to_unicode(const char *name, char **out)
{
    pthread_once(&idn_once, idn_load);
    if (!idn2_to_unicode_lzlz) {
        *out = strdup(name);
        return *out ? GX_OK : GX_E_MEMORY;
    }
    char *res = NULL;
    int rc = idn2_to_unicode_lzlz(name, &res, 0);
    if (rc == 0 && res) {
        *out = res;
        return GX_OK;
    }
    return rc == IDN2_MALLOC_ERROR ? GX_E_MEMORY : GX_E_IDN_ENCODE;
}
