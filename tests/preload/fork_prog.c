/*
 * A C library client that forks, for test_robust.sh: the parent resolves (so that whatever the
 * resolver keeps, a context, descriptors, locks, exists before the fork), keeps 4 threads
 * resolving while it forks children one after another, and each child resolves again, frees a
 * list the parent made before the fork, and exits. A child that hangs (a lock held across the
 * fork by another thread) is killed by its alarm and counts as a failure.
 *
 *   fork_prog [CHILDREN [THREADS]]        defaults 50 children, 4 threads (at most 4)
 *
 * Prints "children=N ok=N" and exits 0 when every child succeeded.
 */
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BACKGROUND_THREADS 4
#define CHILD_ALARM_S 10      /* a child that takes longer is hung */
#define BACKGROUND_MAX 100000 /* lookups per background thread at most */

static const char *const names[] = {"localhost", "v4only", "multi", "192.0.2.7", "web.test"};
#define NAMES (sizeof names / sizeof names[0])

static atomic_int stop;

static int resolve(const char *name, struct addrinfo **keep)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_CANONNAME};
    struct addrinfo *res;
    int rc = getaddrinfo(name, "http", &hints, &res);
    if (rc != 0)
        return rc;
    char host[NI_MAXHOST];
    rc = getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST);
    if (keep)
        *keep = res;
    else
        freeaddrinfo(res);
    return rc;
}

static void *background(void *arg)
{
    (void)arg;
    for (long i = 0; i < BACKGROUND_MAX && !atomic_load(&stop); i++)
        resolve(names[(size_t)i % NAMES], NULL);
    return NULL;
}

static int child(struct addrinfo *parents)
{
    alarm(CHILD_ALARM_S);
    for (size_t i = 0; i < NAMES; i++) {
        int rc = resolve(names[i], NULL);
        if (rc != 0) {
            fprintf(stderr, "child: %s: %s\n", names[i], gai_strerror(rc));
            return 1;
        }
    }
    freeaddrinfo(parents); /* the parent's list, copied by fork() */
    return 0;
}

int main(int argc, char **argv)
{
    int children = argc > 1 ? atoi(argv[1]) : 50;
    int threads = argc > 2 ? atoi(argv[2]) : BACKGROUND_THREADS;
    if (threads < 0 || threads > BACKGROUND_THREADS)
        threads = BACKGROUND_THREADS;
    struct addrinfo *parents = NULL;
    if (resolve("v4only", &parents) != 0) {
        fprintf(stderr, "parent: cannot resolve v4only\n");
        return 1;
    }
    pthread_t t[BACKGROUND_THREADS];
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, background, NULL);
    int good = 0;
    for (int c = 0; c < children; c++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            break;
        }
        if (pid == 0)
            _exit(child(parents));
        int status;
        if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
            good++;
        else
            fprintf(stderr, "child %d: %s %d\n", c, WIFSIGNALED(status) ? "signal" : "exit",
                    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    freeaddrinfo(parents);
    printf("children=%d ok=%d\n", children, good);
    return good == children ? 0 : 1;
}
