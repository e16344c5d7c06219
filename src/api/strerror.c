/*
 * Texts and names of the EAI_* codes. The codes are the system's; so are the texts: gaix asks the
 * system C library for its own gai_strerror() text, found with dlsym(RTLD_NEXT) so that this also
 * works inside the LD_PRELOAD shim, where "gai_strerror" is our own. A program that prints the
 * text reads the same before and after switching to gaix, in the user's language too. The texts
 * below are used only when the C library cannot be asked (a fully static program).
 */
#include <dlfcn.h>
#include <netdb.h>
#include <pthread.h>
#include <stddef.h>

#include "gaix.h"

static const struct {
    int eai;
    const char *name;
    const char *text; /* our own words, the fallback */
} eai_table[] = {
    {EAI_BADFLAGS, "EAI_BADFLAGS", "Invalid flags in hints"},
    {EAI_NONAME, "EAI_NONAME", "Host or service not known"},
    {EAI_AGAIN, "EAI_AGAIN", "Temporary failure resolving the name"},
    {EAI_FAIL, "EAI_FAIL", "Permanent failure resolving the name"},
    {EAI_NODATA, "EAI_NODATA", "Host has no address of the requested kind"},
    {EAI_FAMILY, "EAI_FAMILY", "Address family not supported"},
    {EAI_SOCKTYPE, "EAI_SOCKTYPE", "Socket type not supported"},
    {EAI_SERVICE, "EAI_SERVICE", "Service not available for this socket type"},
    {EAI_ADDRFAMILY, "EAI_ADDRFAMILY", "Host address is not of the requested family"},
    {EAI_MEMORY, "EAI_MEMORY", "Out of memory"},
    {EAI_SYSTEM, "EAI_SYSTEM", "System error"},
    {EAI_OVERFLOW, "EAI_OVERFLOW", "Buffer too small for the result"},
    {EAI_INPROGRESS, "EAI_INPROGRESS", "Request still in progress"},
    {EAI_CANCELED, "EAI_CANCELED", "Request cancelled"},
    {EAI_NOTCANCELED, "EAI_NOTCANCELED", "Request not cancelled"},
    {EAI_ALLDONE, "EAI_ALLDONE", "All requests done"},
    {EAI_INTR, "EAI_INTR", "Interrupted by a signal"},
    {EAI_IDN_ENCODE, "EAI_IDN_ENCODE", "Name cannot be encoded for IDN"},
};

typedef const char *libc_strerror_fn(int);
static libc_strerror_fn *libc_strerror;
static pthread_once_t libc_once = PTHREAD_ONCE_INIT;

static void strerror_find_libc(void)
{
    void *sym = dlsym(RTLD_NEXT, "gai_strerror");
    /* Never call ourselves: in a program that links gaix statically RTLD_NEXT can find us. */
    if (sym != NULL && sym != (void *)gaix_strerror)
        libc_strerror = (libc_strerror_fn *)sym;
}

const char *gaix_strerror(int eai)
{
    pthread_once(&libc_once, strerror_find_libc);
    if (libc_strerror) {
        const char *s = libc_strerror(eai);
        if (s)
            return s;
    }
    for (size_t i = 0; i < sizeof eai_table / sizeof eai_table[0]; i++)
        if (eai_table[i].eai == eai)
            return eai_table[i].text;
    return "Unknown error";
}

const char *gaix_eai_name(int eai)
{
    if (eai == 0)
        return "0";
    for (size_t i = 0; i < sizeof eai_table / sizeof eai_table[0]; i++)
        if (eai_table[i].eai == eai)
            return eai_table[i].name;
    return "EAI_UNKNOWN";
}

const char *gaix_version(void)
{
    return "0.1.0";
}
