/*
 * libgaix-preload.so: the C library's getaddrinfo(), freeaddrinfo(), gai_strerror() and
 * getnameinfo() answered by gaix, so that `LD_PRELOAD=build/libgaix-preload.so PROGRAM` runs an
 * unmodified PROGRAM on gaix.
 *
 * Names and versions. The four functions are exported under the C library's names and with the
 * symbol version programs link against (preload/preload.map: GLIBC_2.2.5 on x86_64, the version
 * `objdump -T libc.so.6` shows). The dynamic linker matches a versioned reference by version name,
 * so a program that asks for getaddrinfo@GLIBC_2.2.5 binds to ours, which comes first in the
 * search order; nothing else is exported but the public gaix_* API, so that a program (or a test)
 * can ask whether gaix is loaded: dlsym(RTLD_DEFAULT, "gaix_version").
 *
 * Whose list is it? freeaddrinfo() may be handed a list that gaix did not make: one that the C
 * library built on a path that does not go through the exported getaddrinfo() symbol
 * (getaddrinfo_a(), whose worker thread calls the C library's internal getaddrinfo; code that
 * reached the C library's getaddrinfo with its own dlsym()/dlvsym()). Lists are told apart by
 * their first node, with gx_result_is_ours() (src/lookup/result.c), and the answer holds for the
 * whole list, since no caller can legitimately splice nodes of two lists together:
 *   - It first compares the node's own ai_addr pointer with the address where gaix keeps the
 *     sockaddr inside its node (after the struct addrinfo, a magic number and a slot number).
 *     glibc allocates each node as the struct addrinfo immediately followed by its sockaddr
 *     (ai_addr == (void *)(ai + 1)), so for a glibc node the comparison fails without reading a
 *     single byte beyond the struct addrinfo that every node has.
 *   - Only when the pointer matches does it read gaix's magic number, which lies in the 8 bytes
 *     between the struct addrinfo and the sockaddr that ai_addr points to: memory between two
 *     objects the caller handed over, hence mapped, so even a foreign node laid out like gaix's
 *     cannot make the check fault, and the magic number tells the two apart.
 * A gaix list (or sub-list, POSIX allows freeing one) goes to gaix_freeaddrinfo(); any other list
 * goes to the next freeaddrinfo in the search order, which is the C library's
 * (dlsym(RTLD_NEXT, "freeaddrinfo"); when the shim is a direct dependency loaded after libc.so.6,
 * RTLD_NEXT finds nothing and the C library is asked by handle instead). Should neither be found,
 * the foreign list is leaked rather than freed by the wrong allocator. NULL is a no-op, as in
 * glibc.
 *
 * No configuration from the environment. The shim also runs inside setuid programs when a system
 * administrator preloads it from /etc/ld.so.preload (the loader ignores LD_PRELOAD in secure mode
 * anyway): it reads no variable of its own and uses gaix's default context, which reads the
 * system's files (/etc/hosts, /etc/services, /etc/gai.conf, /etc/resolv.conf) and, as glibc, only
 * the resolver's standard LOCALDOMAIN and RES_OPTIONS, through secure_getenv(), so never in a
 * setuid program.
 *
 * Threads and fork: every gaix call is thread-safe and fork-safe (src/core/fork.c); the one lazy
 * lookup here is guarded by pthread_once().
 */
#include <dlfcn.h>
#include <gnu/lib-names.h>
#include <netdb.h>
#include <pthread.h>
#include <stddef.h>

#include "gaix.h"
#include "lookup/result.h"

#define SHIM_API __attribute__((visibility("default")))

typedef void libc_freeaddrinfo_fn(struct addrinfo *);

static libc_freeaddrinfo_fn *libc_freeaddrinfo;
static pthread_once_t libc_freeaddrinfo_once = PTHREAD_ONCE_INIT;

/* The C library's freeaddrinfo(), never our own (below, declared by <netdb.h>). */
static void libc_freeaddrinfo_find(void)
{
    void *self = (void *)freeaddrinfo;
    void *sym = dlsym(RTLD_NEXT, "freeaddrinfo");
    if (sym == NULL || sym == self) {
        /* RTLD_NEXT only looks after this object: a program that links the shim after the C
         * library gets NULL there. Ask the C library itself (already loaded: RTLD_NOLOAD). */
        void *libc = dlopen(LIBC_SO, RTLD_LAZY | RTLD_NOLOAD);
        sym = libc ? dlsym(libc, "freeaddrinfo") : NULL;
        if (libc)
            dlclose(libc);
    }
    if (sym != NULL && sym != self)
        libc_freeaddrinfo = (libc_freeaddrinfo_fn *)sym;
}

SHIM_API int getaddrinfo(const char *restrict node, const char *restrict service,
                         const struct addrinfo *restrict hints, struct addrinfo **restrict res)
{
    return gaix_getaddrinfo(node, service, hints, res);
}

SHIM_API void freeaddrinfo(struct addrinfo *res)
{
    if (res == NULL)
        return;
    if (gx_result_is_ours(res)) {
        gaix_freeaddrinfo(res);
        return;
    }
    pthread_once(&libc_freeaddrinfo_once, libc_freeaddrinfo_find);
    if (libc_freeaddrinfo != NULL)
        libc_freeaddrinfo(res);
}

SHIM_API const char *gai_strerror(int errcode)
{
    return gaix_strerror(errcode);
}

SHIM_API int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen, char *restrict host,
                         socklen_t hostlen, char *restrict serv, socklen_t servlen, int flags)
{
    return gaix_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
}
