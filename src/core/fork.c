#include "core/fork.h"

#include <pthread.h>
#include <stdatomic.h>

static atomic_uint fork_generation;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void fork_child(void)
{
    atomic_fetch_add_explicit(&fork_generation, 1, memory_order_relaxed);
}

static void fork_register(void)
{
    /* If registration fails (ENOMEM), descriptors are simply not reopened after fork: the child
     * still resolves, it may only see changes late. */
    (void)pthread_atfork(NULL, NULL, fork_child);
}

unsigned gx_fork_generation(void)
{
    pthread_once(&fork_once, fork_register);
    return atomic_load_explicit(&fork_generation, memory_order_relaxed);
}
