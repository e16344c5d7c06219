#include "core/fork.h"

#include <stdatomic.h>
#include <stddef.h>

static atomic_uint fork_generation;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

/* The registered mutexes, most recent first. registry_lock orders before every registered mutex:
 * nothing takes the registry while holding one of them. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gx_fork_lock *registry;

static void fork_prepare(void)
{
    pthread_mutex_lock(&registry_lock);
    for (struct gx_fork_lock *l = registry; l; l = l->next)
        pthread_mutex_lock(l->mutex);
}

static void fork_release(void)
{
    for (struct gx_fork_lock *l = registry; l; l = l->next)
        pthread_mutex_unlock(l->mutex);
    pthread_mutex_unlock(&registry_lock);
}

static void fork_child(void)
{
    atomic_fetch_add_explicit(&fork_generation, 1, memory_order_relaxed);
    fork_release();
}

static void fork_register(void)
{
    /* If registration fails (ENOMEM), a fork() during a lookup in another thread can leave a lock
     * held in the child; descriptors are still reopened. */
    (void)pthread_atfork(fork_prepare, fork_release, fork_child);
}

unsigned gx_fork_generation(void)
{
    pthread_once(&fork_once, fork_register);
    return atomic_load_explicit(&fork_generation, memory_order_relaxed);
}

void gx_fork_lock_register(struct gx_fork_lock *l, pthread_mutex_t *mutex)
{
    pthread_once(&fork_once, fork_register);
    l->mutex = mutex;
    l->prev = NULL;
    pthread_mutex_lock(&registry_lock);
    l->next = registry;
    if (registry)
        registry->prev = l;
    registry = l;
    pthread_mutex_unlock(&registry_lock);
}

void gx_fork_lock_unregister(struct gx_fork_lock *l)
{
    pthread_mutex_lock(&registry_lock);
    if (l->prev)
        l->prev->next = l->next;
    else
        registry = l->next;
    if (l->next)
        l->next->prev = l->prev;
    pthread_mutex_unlock(&registry_lock);
}
