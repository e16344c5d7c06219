/*
 * A plain C library client for the shim tests: it calls getaddrinfo(), getnameinfo() and
 * gai_strerror() by their C library names, knows nothing of gaix, and says what it sees, so that
 * the same binary runs with and without LD_PRELOAD and the outputs can be compared.
 *
 *   shim_probe_prog [--strerror] [NAME]...
 *
 * It always prints whether gaix is loaded in the process (dlsym(RTLD_DEFAULT, "gaix_version"):
 * the shim exports the gaix_* API) and whether the loader ran it in secure mode (AT_SECURE, set
 * for a setuid program). --strerror prints gai_strerror() for every code from -120 to 5. Each
 * NAME is resolved (AF_UNSPEC, SOCK_STREAM, AI_CANONNAME) and printed one address per line, or as
 * "NAME: error CODE TEXT"; the address is also read back with getnameinfo(NI_NUMERICHOST).
 * Exit status: 0 if every name resolved, 2 otherwise.
 */
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>

#define STRERROR_LOW (-120)
#define STRERROR_HIGH 5

static int probe_resolve(const char *name)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_CANONNAME};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0) {
        printf("%s: error %d %s\n", name, rc, gai_strerror(rc));
        return 2;
    }
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        char host[NI_MAXHOST];
        int nrc =
            getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST);
        printf("%s: %s%s%s\n", name, nrc == 0 ? host : gai_strerror(nrc),
               ai->ai_canonname ? " canon " : "", ai->ai_canonname ? ai->ai_canonname : "");
    }
    freeaddrinfo(res);
    return 0;
}

int main(int argc, char **argv)
{
    const char *(*version)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "gaix_version");
    if (version)
        printf("gaix: loaded %s\n", version());
    else
        printf("gaix: not loaded\n");
    printf("secure: %lu\n", getauxval(AT_SECURE));
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--strerror") == 0) {
            for (int e = STRERROR_LOW; e <= STRERROR_HIGH; e++)
                printf("gai_strerror(%d) = %s\n", e, gai_strerror(e));
        } else if (probe_resolve(argv[i]) != 0) {
            status = 2;
        }
    }
    return status;
}
